// SPDX-License-Identifier: GPL-2.0
/*
 * e1000e: out-of-band operation (CONFIG_E1000E_OOB).
 *
 * While input diversion is on (Documentation/networking/oob.rst), the
 * companion core polls the NAPI instance from its oob RX thread and calls
 * e1000_xmit_frame() from its oob TX thread.  Neither may wait on the
 * in-band stack, so for as long as oob operation is on:
 *
 * - the receive buffers are pages of a DMA-mapped page pool, filled
 *   in-band when oob operation starts; a frame is built on an oob skb head
 *   around its page and handed to netif_receive_skb(), the diversion gate
 *   (no GRO, no copybreak allocation);
 * - transmit data in the companion's oob storage is synced, not mapped;
 * - the work items the oob path would schedule go through an irq_work,
 *   which runs in-band (the irq_work thread on PREEMPT_RT).
 *
 * Switching keeps the link up and the rings running: only the refill
 * changes, and the receive routine takes both kinds of buffers, so the
 * ones posted before the switch drain as the hardware fills them.  The
 * in-band receive routine comes back once no pool page is posted.
 *
 * Only the legacy receive path (MTU up to 1500) runs out-of-band; an MTU
 * or ring change while it is on is refused.
 */
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/pm_runtime.h>
#include <linux/rtnetlink.h>
#include <net/page_pool/helpers.h>

#include "e1000.h"

/* Room for the stack's headers in front of a frame, as in-band. */
#define E1000E_OOB_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
/* RCTL.SZ_2048: the buffer size the legacy path programs. */
#define E1000E_OOB_RX_BUFSZ	2048

static void e1000e_oob_defer_run(struct irq_work *work)
{
	struct e1000_adapter *adapter = container_of(work, struct e1000_adapter,
						     oob_defer_work);

	if (test_and_clear_bit(E1000E_OOB_RESET, &adapter->oob_defer))
		schedule_work(&adapter->reset_task);
	if (test_and_clear_bit(E1000E_OOB_PRINT_HANG, &adapter->oob_defer))
		schedule_work(&adapter->print_hang_task);
	if (test_and_clear_bit(E1000E_OOB_TX_HWTSTAMP, &adapter->oob_defer))
		schedule_work(&adapter->tx_hwtstamp_work);
}

/**
 * e1000e_oob_schedule - Have a work item scheduled in-band
 * @adapter: board private structure
 * @what: which one
 *
 * Context: the oob stage; see e1000e_schedule_work().
 */
void e1000e_oob_schedule(struct e1000_adapter *adapter,
			 enum e1000e_oob_work what)
{
	set_bit(what, &adapter->oob_defer);
	irq_work_queue(&adapter->oob_defer_work);
}

/* At probe, before the device is registered. */
void e1000e_oob_init(struct e1000_adapter *adapter)
{
	init_irq_work(&adapter->oob_defer_work, e1000e_oob_defer_run);
	netdev_set_oob_capable(adapter->netdev);
}

/* The device is unregistered: the oob stage cannot defer anything more. */
void e1000e_oob_exit(struct e1000_adapter *adapter)
{
	irq_work_sync(&adapter->oob_defer_work);
	cancel_work_sync(&adapter->reset_task);
	cancel_work_sync(&adapter->print_hang_task);
	if (adapter->flags & FLAG_HAS_HW_TIMESTAMP)
		cancel_work_sync(&adapter->tx_hwtstamp_work);
}

/*
 * The refill while oob operation is on: a pool page in every empty slot.
 * A slot keeps its page when its frame was dropped, and a buffer of the
 * in-band refill left in a slot is released.
 */
static void e1000e_oob_alloc_rx_buffers(struct e1000_ring *rx_ring,
					int cleaned_count, gfp_t gfp)
{
	struct e1000_adapter *adapter = rx_ring->adapter;
	struct page_pool *pool = adapter->oob_rx_pool;
	union e1000_rx_desc_extended *rx_desc;
	struct e1000_buffer *buffer_info;
	struct page *page;
	unsigned int i;

	i = rx_ring->next_to_use;
	buffer_info = &rx_ring->buffer_info[i];

	while (cleaned_count--) {
		if (buffer_info->skb) {
			/* Unmapped by the receive routine already. */
			dev_kfree_skb_any(buffer_info->skb);
			buffer_info->skb = NULL;
			buffer_info->dma = 0;
		}
		if (!buffer_info->page) {
			page = page_pool_alloc_pages(pool, gfp | __GFP_NOWARN);
			if (!page) {
				adapter->alloc_rx_buff_failed++;
				break;
			}
			buffer_info->page = page;
			buffer_info->dma = page_pool_get_dma_addr(page) +
					   E1000E_OOB_RX_HEADROOM;
			adapter->oob_rx_posted++;
		} else {
			/* A dropped frame: the CPU read it, the device writes. */
			dma_sync_single_for_device(&adapter->pdev->dev,
						   buffer_info->dma,
						   E1000E_OOB_RX_BUFSZ,
						   DMA_FROM_DEVICE);
		}

		rx_desc = E1000_RX_DESC_EXT(*rx_ring, i);
		rx_desc->read.buffer_addr = cpu_to_le64(buffer_info->dma);

		if (unlikely(!(i & (E1000_RX_BUFFER_WRITE - 1)))) {
			/* Descriptors written before the device fetches them. */
			wmb();
			if (adapter->flags2 & FLAG2_PCIM2PCI_ARBITER_WA)
				e1000e_update_rdt_wa(rx_ring, i);
			else
				writel(i, rx_ring->tail);
		}
		i++;
		if (i == rx_ring->count)
			i = 0;
		buffer_info = &rx_ring->buffer_info[i];
	}

	rx_ring->next_to_use = i;
}

/*
 * A frame in a pool page: an skb around it, or NULL.  On an oob head while
 * oob operation is on; on an ordinary one while draining after it, which
 * runs in-band and must not use up the heads the oob stage needs.
 */
static struct sk_buff *e1000e_oob_rx_build(struct e1000_adapter *adapter,
					   struct e1000_buffer *buffer_info,
					   unsigned int length)
{
	struct page *page = buffer_info->page;
	struct sk_buff *skb;

	page_pool_dma_sync_for_cpu(adapter->oob_rx_pool, page, 0, length);
	if (READ_ONCE(adapter->oob_on)) {
		skb = get_oob_skb();
		if (skb)
			build_skb_around(skb, page_address(page), PAGE_SIZE);
		else
			adapter->rx_oob_nohead++;
	} else {
		skb = napi_build_skb(page_address(page), PAGE_SIZE);
	}
	if (!skb)
		return NULL;
	skb_reserve(skb, E1000E_OOB_RX_HEADROOM);
	skb_put(skb, length);
	skb_mark_for_recycle(skb);

	buffer_info->page = NULL;
	buffer_info->dma = 0;
	adapter->oob_rx_posted--;
	adapter->rx_oob_frames++;
	return skb;
}

/* A slot whose frame is dropped: keep its buffer for the refill. */
static void e1000e_oob_rx_recycle(struct e1000_adapter *adapter,
				  struct e1000_buffer *buffer_info,
				  struct sk_buff *skb)
{
	if (buffer_info->page && !READ_ONCE(adapter->oob_on)) {
		/* Draining after the switch back: the in-band refill follows. */
		page_pool_put_full_page(adapter->oob_rx_pool,
					buffer_info->page, false);
		buffer_info->page = NULL;
		buffer_info->dma = 0;
		adapter->oob_rx_posted--;
	}
	/* An in-band buffer, unmapped: the refill releases it. */
	buffer_info->skb = skb;
}

/*
 * The receive routine while oob operation is on, and after it until the
 * pool pages posted are all used: the in-band routine, less the copybreak
 * allocation, with frames on pool pages handed to netif_receive_skb().
 */
static bool e1000e_oob_clean_rx_irq(struct e1000_ring *rx_ring, int *work_done,
				    int work_to_do)
{
	struct e1000_adapter *adapter = rx_ring->adapter;
	struct net_device *netdev = adapter->netdev;
	struct pci_dev *pdev = adapter->pdev;
	union e1000_rx_desc_extended *rx_desc, *next_rxd;
	struct e1000_buffer *buffer_info, *next_buffer;
	unsigned int total_rx_bytes = 0, total_rx_packets = 0;
	int cleaned_count = 0;
	bool cleaned = false;
	u32 length, staterr;
	unsigned int i;

	i = rx_ring->next_to_clean;
	rx_desc = E1000_RX_DESC_EXT(*rx_ring, i);
	staterr = le32_to_cpu(rx_desc->wb.upper.status_error);
	buffer_info = &rx_ring->buffer_info[i];

	while (staterr & E1000_RXD_STAT_DD) {
		struct sk_buff *skb = NULL;

		if (*work_done >= work_to_do)
			break;
		(*work_done)++;
		dma_rmb();	/* descriptor and buffer_info after status DD */

		i++;
		if (i == rx_ring->count)
			i = 0;
		next_rxd = E1000_RX_DESC_EXT(*rx_ring, i);
		next_buffer = &rx_ring->buffer_info[i];
		cleaned = true;
		cleaned_count++;

		length = le16_to_cpu(rx_desc->wb.upper.length);
		if (!buffer_info->page) {
			/* Posted by the in-band refill before the switch. */
			skb = buffer_info->skb;
			buffer_info->skb = NULL;
			dma_unmap_single(&pdev->dev, buffer_info->dma,
					 adapter->rx_buffer_len, DMA_FROM_DEVICE);
			buffer_info->dma = 0;
		}

		/* Frames spanning buffers are dropped, as in-band. */
		if (unlikely(!(staterr & E1000_RXD_STAT_EOP)))
			adapter->flags2 |= FLAG2_IS_DISCARDING;
		if (adapter->flags2 & FLAG2_IS_DISCARDING) {
			if (staterr & E1000_RXD_STAT_EOP)
				adapter->flags2 &= ~FLAG2_IS_DISCARDING;
			e1000e_oob_rx_recycle(adapter, buffer_info, skb);
			goto next_desc;
		}
		if (unlikely((staterr & E1000_RXDEXT_ERR_FRAME_ERR_MASK) &&
			     !(netdev->features & NETIF_F_RXALL))) {
			e1000e_oob_rx_recycle(adapter, buffer_info, skb);
			goto next_desc;
		}

		if (!(adapter->flags2 & FLAG2_CRC_STRIPPING)) {
			if (netdev->features & NETIF_F_RXFCS)
				total_rx_bytes -= 4;
			else
				length -= 4;
		}

		if (skb) {
			skb_put(skb, length);
		} else {
			skb = e1000e_oob_rx_build(adapter, buffer_info, length);
			if (!skb) {
				e1000e_oob_rx_recycle(adapter, buffer_info,
						      NULL);
				goto next_desc;
			}
		}
		total_rx_bytes += length;
		total_rx_packets++;

		e1000_rx_checksum(adapter, staterr, skb);
		e1000_rx_hash(netdev, rx_desc->wb.lower.hi_dword.rss, skb);
		/* No hardware RX stamp: its lock is an in-band one. */
		skb->protocol = eth_type_trans(skb, netdev);
		if (staterr & E1000_RXD_STAT_VP)
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
					       le16_to_cpu(rx_desc->wb.upper.vlan));
		/* The diversion gate is at its entry; GRO would batch. */
		if (READ_ONCE(adapter->oob_on))
			netif_receive_skb(skb);
		else
			napi_gro_receive(&adapter->napi, skb);

next_desc:
		rx_desc->wb.upper.status_error &= cpu_to_le32(~0xFF);

		if (cleaned_count >= E1000_RX_BUFFER_WRITE) {
			adapter->alloc_rx_buf(rx_ring, cleaned_count,
					      GFP_ATOMIC);
			cleaned_count = 0;
		}

		rx_desc = next_rxd;
		buffer_info = next_buffer;
		staterr = le32_to_cpu(rx_desc->wb.upper.status_error);
	}
	rx_ring->next_to_clean = i;

	cleaned_count = e1000_desc_unused(rx_ring);
	if (cleaned_count)
		adapter->alloc_rx_buf(rx_ring, cleaned_count, GFP_ATOMIC);

	adapter->total_rx_bytes += total_rx_bytes;
	adapter->total_rx_packets += total_rx_packets;

	/* Switched back and drained: the in-band routine takes over. */
	if (!READ_ONCE(adapter->oob_on) && !adapter->oob_rx_posted)
		adapter->clean_rx = e1000_clean_rx_irq;

	return cleaned;
}

static int e1000e_oob_rx_pool_create(struct e1000_adapter *adapter);

/*
 * The rings are (re)configured while oob operation is on: open, reset or
 * resume, in process context.  The pool went if the device was closed.
 */
void e1000e_oob_configure_rx(struct e1000_adapter *adapter)
{
	if (!adapter->oob_on || adapter->clean_rx != e1000_clean_rx_irq)
		return;
	if (e1000e_oob_rx_pool_create(adapter)) {
		netdev_warn(adapter->netdev,
			    "no page pool: the oob stage receives into slab buffers\n");
		return;
	}
	adapter->clean_rx = e1000e_oob_clean_rx_irq;
	adapter->alloc_rx_buf = e1000e_oob_alloc_rx_buffers;
}

/*
 * Called first by e1000_clean_rx_ring(), NAPI off: pool pages go back to
 * the pool, and while the oob routine is in, every slot is released here.
 */
void e1000e_oob_clean_rx_ring(struct e1000_ring *rx_ring)
{
	struct e1000_adapter *adapter = rx_ring->adapter;
	struct e1000_buffer *buffer_info;
	unsigned int i;

	if (adapter->clean_rx != e1000e_oob_clean_rx_irq)
		return;
	for (i = 0; i < rx_ring->count; i++) {
		buffer_info = &rx_ring->buffer_info[i];
		if (buffer_info->page) {
			page_pool_put_full_page(adapter->oob_rx_pool,
						buffer_info->page, false);
			buffer_info->page = NULL;
		} else if (buffer_info->skb && buffer_info->dma) {
			dma_unmap_single(&adapter->pdev->dev, buffer_info->dma,
					 adapter->rx_buffer_len,
					 DMA_FROM_DEVICE);
		}
		buffer_info->dma = 0;
	}
	adapter->oob_rx_posted = 0;
	/* The next configuration chooses again. */
	adapter->clean_rx = e1000_clean_rx_irq;
	adapter->alloc_rx_buf = e1000_alloc_rx_buffers;
}

/* The receive resources go (close, removal): so does the pool. */
void e1000e_oob_free_rx(struct e1000_adapter *adapter)
{
	if (!adapter->oob_rx_pool)
		return;
	/* Pages still in flight hold the pool until they come back. */
	page_pool_destroy(adapter->oob_rx_pool);
	adapter->oob_rx_pool = NULL;
}

/*
 * A pool of twice the ring, filled in-band now: the ring takes one half as
 * it refills, the other covers the frames in flight, so that the oob poll
 * recycles pages instead of allocating and mapping new ones.
 */
static int e1000e_oob_rx_pool_create(struct e1000_adapter *adapter)
{
	struct e1000_ring *rx_ring = adapter->rx_ring;
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		.pool_size = 2 * rx_ring->count,
		.nid = dev_to_node(&adapter->pdev->dev),
		.dev = &adapter->pdev->dev,
		.dma_dir = DMA_FROM_DEVICE,
		.offset = E1000E_OOB_RX_HEADROOM,
		.max_len = E1000E_OOB_RX_BUFSZ,
	};
	struct page_pool *pool;
	struct page **pages;
	unsigned int i, n;

	if (adapter->oob_rx_pool)
		return 0;
	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);

	pages = kcalloc(pp.pool_size, sizeof(*pages), GFP_KERNEL);
	if (pages) {
		for (n = 0; n < pp.pool_size; n++) {
			/*
			 * Atomic: a sleeping allocation may allocate the
			 * page's DMA index with BHs off, not allowed on RT.
			 */
			pages[n] = page_pool_alloc_pages(pool, GFP_ATOMIC |
							 __GFP_NOWARN);
			if (!pages[n])
				break;
		}
		for (i = 0; i < n; i++)
			page_pool_put_full_page(pool, pages[i], false);
		kfree(pages);
	}
	adapter->oob_rx_pool = pool;
	return 0;
}

/*
 * Switching back: the slots the refill has not posted again may still hold
 * the page of a dropped frame, which the in-band refill would not see.
 */
static void e1000e_oob_release_unposted(struct e1000_ring *rx_ring)
{
	struct e1000_adapter *adapter = rx_ring->adapter;
	struct e1000_buffer *buffer_info;
	unsigned int i = rx_ring->next_to_use;

	while (i != rx_ring->next_to_clean) {
		buffer_info = &rx_ring->buffer_info[i];
		if (buffer_info->page) {
			page_pool_put_full_page(adapter->oob_rx_pool,
						buffer_info->page, false);
			buffer_info->page = NULL;
			buffer_info->dma = 0;
			adapter->oob_rx_posted--;
		}
		if (++i == rx_ring->count)
			i = 0;
	}
}

/*
 * Rings and interrupts untouched, NAPI off: swap the refill.  A device
 * that is down has NAPI off already and gets its routines at open.
 */
static void e1000e_oob_switch(struct e1000_adapter *adapter, bool on)
{
	struct e1000_hw *hw = &adapter->hw;
	bool running = netif_running(adapter->netdev);

	if (running)
		napi_disable(&adapter->napi);
	WRITE_ONCE(adapter->oob_on, on);
	if (on) {
		adapter->clean_rx = e1000e_oob_clean_rx_irq;
		adapter->alloc_rx_buf = e1000e_oob_alloc_rx_buffers;
	} else if (adapter->clean_rx == e1000e_oob_clean_rx_irq) {
		/* The oob routine stays until the pool pages drain. */
		e1000e_oob_release_unposted(adapter->rx_ring);
		adapter->alloc_rx_buf = e1000_alloc_rx_buffers;
		if (!adapter->oob_rx_posted)
			adapter->clean_rx = e1000_clean_rx_irq;
	}
	if (!running)
		return;
	napi_enable(&adapter->napi);

	/*
	 * An interrupt that came while NAPI was off is masked (MSI-X auto
	 * mask) and lost: unmask, and raise one for what is waiting.
	 */
	if (test_bit(__E1000_DOWN, &adapter->state))
		return;
	if (adapter->msix_entries) {
		ew32(IMS, adapter->rx_ring->ims_val);
		ew32(ICS, adapter->rx_ring->ims_val);
	} else {
		e1000_irq_enable(adapter);
		ew32(ICS, E1000_ICS_RXDMT0);
	}
	e1e_flush();
}

/**
 * e1000e_enable_oob - Switch the rings to out-of-band operation
 * @netdev: network interface device structure
 *
 * ndo_enable_oob(): from now on the NAPI instance may be polled and the
 * transmit routine called from the oob stage.  The link stays up.
 *
 * Context: RTNL held.
 * Return: 0; -ENETDOWN when the interface is down; -EOPNOTSUPP unless
 * the legacy receive path runs (MTU above 1500); -ENOMEM.
 */
int e1000e_enable_oob(struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	int ret;

	ASSERT_RTNL();

	if (adapter->oob_on)
		return 0;
	if (!netif_running(netdev)) {
		netdev_err(netdev, "out-of-band operation needs the interface up\n");
		return -ENETDOWN;
	}

	/* Awake, and no runtime suspend runs e1000e_down() meanwhile. */
	pm_runtime_get_sync(netdev->dev.parent);
	while (test_and_set_bit(__E1000_RESETTING, &adapter->state))
		usleep_range(1000, 1100);
	/* The legacy path, or the oob one still draining from last time. */
	if (adapter->clean_rx != e1000_clean_rx_irq &&
	    adapter->clean_rx != e1000e_oob_clean_rx_irq) {
		netdev_err(netdev, "out-of-band operation needs an MTU of %u at most\n",
			   ETH_DATA_LEN);
		ret = -EOPNOTSUPP;
		goto out;
	}
	ret = e1000e_oob_rx_pool_create(adapter);
	if (ret) {
		netdev_err(netdev, "no page pool for out-of-band receive: %d\n",
			   ret);
		goto out;
	}
	e1000e_oob_switch(adapter, true);
	netdev_info(netdev, "out-of-band operation on\n");
out:
	clear_bit(__E1000_RESETTING, &adapter->state);
	pm_runtime_put_sync(netdev->dev.parent);
	return ret;
}

/**
 * e1000e_disable_oob - Switch the rings back to in-band operation
 * @netdev: network interface device structure
 *
 * ndo_disable_oob(), once nothing runs on the oob stage for the device.
 * The pool pages still posted drain as frames arrive; the pool itself
 * goes with the receive resources.
 *
 * Context: RTNL held.
 */
void e1000e_disable_oob(struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);

	ASSERT_RTNL();

	if (!adapter->oob_on)
		return;
	pm_runtime_get_sync(netdev->dev.parent);
	while (test_and_set_bit(__E1000_RESETTING, &adapter->state))
		usleep_range(1000, 1100);
	e1000e_oob_switch(adapter, false);
	clear_bit(__E1000_RESETTING, &adapter->state);
	pm_runtime_put_sync(netdev->dev.parent);
	netdev_info(netdev, "out-of-band operation off\n");
}

/**
 * e1000e_oob_busy - Refuse a change out-of-band operation cannot follow
 * @adapter: board private structure
 * @what: what the change is about, for the log
 *
 * Return: 0, or -EBUSY while out-of-band operation is on.
 */
int e1000e_oob_busy(struct e1000_adapter *adapter, const char *what)
{
	if (!READ_ONCE(adapter->oob_on))
		return 0;
	netdev_err(adapter->netdev,
		   "%s cannot change while out-of-band operation is on\n", what);
	return -EBUSY;
}

/**
 * e1000e_oob_stop_tx - Stop the transmit queue for e1000e_down()
 * @netdev: network interface device structure
 *
 * With diversion on, the queue lock also waits for a transmit from the
 * oob stage, which must end before the ring is cleaned.
 */
void e1000e_oob_stop_tx(struct net_device *netdev)
{
	if (netif_oob_diversion(netdev))
		netif_tx_disable(netdev);
	else
		netif_stop_queue(netdev);
}

/**
 * e1000e_oob_tx_storage - Sync a transmit buffer held in oob storage
 * @tx_ring: Tx descriptor ring
 * @buffer_info: the slot the chunk goes to
 * @skb: the packet
 * @offset: the chunk's offset in the linear data
 * @size: the chunk's size
 *
 * Return: the DMA address of the chunk, synced for the device, or
 * DMA_MAPPING_ERROR when the data is not oob storage and must be mapped.
 */
dma_addr_t e1000e_oob_tx_storage(struct e1000_ring *tx_ring,
				 struct e1000_buffer *buffer_info,
				 struct sk_buff *skb, unsigned int offset,
				 unsigned int size)
{
	struct e1000_adapter *adapter = tx_ring->adapter;
	const struct page_pool *pool;
	dma_addr_t dma;

	buffer_info->oob_storage = 0;
	dma = skb_oob_storage_addr(skb);
	if (dma == DMA_MAPPING_ERROR)
		goto map;
	/* Mapped for this device, in a direction that lets it read. */
	pool = virt_to_head_page(skb->head)->pp;
	if (pool->p.dev != &adapter->pdev->dev ||
	    pool->p.dma_dir != DMA_BIDIRECTIONAL)
		goto map;
	dma += offset;
	dma_sync_single_for_device(&adapter->pdev->dev, dma, size,
				   DMA_TO_DEVICE);
	buffer_info->oob_storage = 1;
	if (!offset)
		adapter->tx_oob_synced++;
	return dma;

map:
	if (running_oob() && !offset)
		adapter->tx_oob_mapped++;
	return DMA_MAPPING_ERROR;
}
