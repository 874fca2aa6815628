// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: oob skb heads and oob storage.
 *
 * The oob stage cannot wait on the slab allocator, so the companion core
 * takes its sk_buff heads from a pool filled when the first companion
 * registers, net.core.max_oob_skb of them (max_oob_skb= on the command
 * line, 1024 by default).  The pool is a stack under a raw spinlock: both
 * stages may take and return heads, in any context, and neither ever
 * allocates.  A kernel that never runs a companion pays neither the pool
 * nor the free path's tests: net_oob_skb_key patches those in.
 *
 * The data of the packets the companion sends lives in oob storage: pages
 * of a page pool the companion owns, DMA-mapped in advance, so that an
 * oob-capable driver only has to sync them, see skb_oob_storage_addr().
 *
 * On the last release of an skb with an oob head or oob storage, the core
 * hands it to free_skb_oob(), which passes it to the companion; what the
 * companion does not keep, it finalizes with finalize_skb_inband().
 */
#define pr_fmt(fmt) "net_oob: " fmt

#include <linux/init.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/net_oob.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/static_call.h>
#include <linux/sysctl.h>
#include <net/hotdata.h>
#include <net/net_namespace.h>
#include <net/page_pool/helpers.h>

#include "dev.h"

#define NET_OOB_SKB_DEFAULT	1024

/* The size of the head pool: what the boot asked for, then what it got. */
unsigned int sysctl_max_oob_skb __read_mostly = NET_OOB_SKB_DEFAULT;

static struct {
	raw_spinlock_t lock;
	unsigned int nr_free;
	unsigned int size;
	unsigned int obj_size;
	struct sk_buff **heads;
} oob_skb_pool = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(oob_skb_pool.lock),
};

DEFINE_STATIC_CALL(net_oob_free_skb, finalize_skb_inband);

/* On from the first registration on: oob skbs may outlive a companion. */
DEFINE_STATIC_KEY_FALSE(net_oob_skb_key);

/**
 * get_oob_skb() - Take a head from the oob head pool
 *
 * The head is cleared, with one user, and marked (skb_is_oob()); it has
 * no data yet: build it with build_skb_around() or skb_morph(), or use
 * skb_build_oob().  It goes back to the pool when released, through
 * free_skb_oob() and finalize_skb_inband().
 *
 * Context: any, either stage; never allocates.
 * Return: the head, or NULL when the pool is empty.
 */
struct sk_buff *get_oob_skb(void)
{
	struct sk_buff *skb = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&oob_skb_pool.lock, flags);
	if (oob_skb_pool.nr_free) {
		WRITE_ONCE(oob_skb_pool.nr_free, oob_skb_pool.nr_free - 1);
		skb = oob_skb_pool.heads[oob_skb_pool.nr_free];
	}
	raw_spin_unlock_irqrestore(&oob_skb_pool.lock, flags);

	if (!skb)
		return NULL;

	kasan_mempool_unpoison_object(skb, oob_skb_pool.obj_size);
	memset(skb, 0, sizeof(*skb));
	refcount_set(&skb->users, 1);
	skb_mark_oob(skb);

	return skb;
}
EXPORT_SYMBOL_GPL(get_oob_skb);

/**
 * put_oob_skb() - Return a head to the oob head pool
 * @skb: a head from get_oob_skb(), released already: nothing it holds is
 *	freed here
 *
 * finalize_skb_inband() calls this for oob heads; a companion recycling
 * a head without its data may call it directly.
 *
 * Context: any, either stage.
 */
void put_oob_skb(struct sk_buff *skb)
{
	unsigned long flags;
	bool taken = true;

	DEBUG_NET_WARN_ON_ONCE(!skb_is_oob(skb));

	/*
	 * With KASAN, catch a use after return, or a double return (reported,
	 * and the head kept out of the pool).  Not under the raw lock: KASAN
	 * records the stack, which may allocate.
	 */
	if (!kasan_mempool_poison_object(skb))
		return;

	raw_spin_lock_irqsave(&oob_skb_pool.lock, flags);
	if (likely(oob_skb_pool.nr_free < oob_skb_pool.size)) {
		oob_skb_pool.heads[oob_skb_pool.nr_free] = skb;
		WRITE_ONCE(oob_skb_pool.nr_free, oob_skb_pool.nr_free + 1);
	} else {
		taken = false;
	}
	raw_spin_unlock_irqrestore(&oob_skb_pool.lock, flags);

	/* More heads than the pool ever had: this one is not from it. */
	if (WARN_ON_ONCE(!taken)) {
		kasan_mempool_unpoison_object(skb, oob_skb_pool.obj_size);
		kmem_cache_free(net_hotdata.skbuff_cache, skb);
	}
}
EXPORT_SYMBOL_GPL(put_oob_skb);

/**
 * oob_skb_available() - Count the free heads in the oob head pool
 *
 * Return: the number of heads get_oob_skb() can give right now, as
 * /proc/sys/net/core/free_oob_skb shows it.
 */
unsigned int oob_skb_available(void)
{
	return READ_ONCE(oob_skb_pool.nr_free);
}
EXPORT_SYMBOL_GPL(oob_skb_available);

/**
 * skb_build_oob() - Build an oob skb on oob storage
 * @pool: the companion's page pool
 * @headroom: the room to reserve in front of the data
 *
 * Takes a head from the oob head pool and a page from @pool, and builds
 * an skb around the page, marked as oob storage and for page pool
 * recycling.  The storage is the pool's page size (PAGE_SIZE << order)
 * minus the skb_shared_info at its end; @headroom comes out of it.  Once
 * its last clone is released the page goes back to @pool.
 *
 * The caller serializes the allocations from @pool, as the page pool
 * requires.
 *
 * Return: the skb, or NULL when either pool is empty (then nothing is
 * taken from the other) or @headroom leaves no room.
 */
struct sk_buff *skb_build_oob(struct page_pool *pool, unsigned int headroom)
{
	unsigned int size = PAGE_SIZE << pool->p.order;
	struct sk_buff *skb;
	struct page *page;

	if (WARN_ON_ONCE(headroom > SKB_WITH_OVERHEAD(size)))
		return NULL;

	skb = get_oob_skb();
	if (!skb)
		return NULL;

	page = page_pool_dev_alloc_pages(pool);
	if (!page) {
		put_oob_skb(skb);
		return NULL;
	}

	build_skb_around(skb, page_address(page), size);
	skb_mark_oob_storage(skb);
	skb_mark_for_recycle(skb);
	skb_reserve(skb, headroom);

	return skb;
}
EXPORT_SYMBOL_GPL(skb_build_oob);

/**
 * skb_oob_storage_addr() - Get the DMA address of an skb's oob storage
 * @skb: the buffer
 *
 * For a driver sending @skb from the oob stage: the storage is mapped
 * already, the driver syncs it for the device instead of mapping it.
 *
 * Return: the DMA address of @skb->data, or DMA_MAPPING_ERROR unless the
 * data is oob storage in a page pool that maps its pages and @skb is
 * marked for recycling.
 */
dma_addr_t skb_oob_storage_addr(const struct sk_buff *skb)
{
	struct page *page;

	if (!skb->head || !skb_has_oob_storage(skb) ||
	    !skb->pp_recycle || !skb->head_frag)
		return DMA_MAPPING_ERROR;

	page = virt_to_head_page(skb->head);
	if (!page_pool_page_is_pp(page) || !page->pp->dma_map)
		return DMA_MAPPING_ERROR;

	return page_pool_get_dma_addr(page) +
	       (skb->data - (unsigned char *)page_address(page));
}
EXPORT_SYMBOL_GPL(skb_oob_storage_addr);

/**
 * free_skb_oob() - Hand an oob skb to the companion core on its release
 * @skb: a buffer with an oob head or oob storage, whose last user is gone
 *
 * Called by the core from every path that frees an skb, instead of
 * freeing it: the companion's &net_oob_ops.free_skb either keeps what it
 * owns for later or calls finalize_skb_inband(), which is also what
 * happens while no companion is registered.  @skb still holds its head
 * state and its data, and may be a clone sharing oob storage; skb->cb is
 * not preserved.
 *
 * Context: wherever kfree_skb() may be called, either stage.
 */
void free_skb_oob(struct sk_buff *skb)
{
	rcu_read_lock();
	static_call(net_oob_free_skb)(skb);
	rcu_read_unlock();
}

static int proc_free_oob_skb(const struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned int nr_free = oob_skb_available();
	struct ctl_table tmp = {
		.data = &nr_free,
		.maxlen = sizeof(nr_free),
		.mode = table->mode,
	};

	return proc_douintvec(&tmp, write, buffer, lenp, ppos);
}

static struct ctl_table oob_skb_sysctl_table[] = {
	{
		.procname	= "max_oob_skb",
		.data		= &sysctl_max_oob_skb,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0444,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "free_oob_skb",
		.maxlen		= sizeof(unsigned int),
		.mode		= 0444,
		.proc_handler	= proc_free_oob_skb,
	},
};

static int __init oob_skb_setup(char *str)
{
	if (kstrtouint(str, 0, &sysctl_max_oob_skb))
		pr_warn("ignoring max_oob_skb=%s\n", str);
	return 1;
}
__setup("max_oob_skb=", oob_skb_setup);

/**
 * net_oob_skb_enable() - Fill the oob head pool on the first registration
 *
 * Turns net_oob_skb_key on, then fills the pool; later calls do nothing.
 * Heads that cannot be allocated are missing from the pool for good, and
 * net.core.max_oob_skb shows how many it got.
 *
 * Context: process context, may sleep; from net_oob_register() only.
 */
void net_oob_skb_enable(void)
{
	unsigned int want = sysctl_max_oob_skb, n = 0;
	struct sk_buff **heads = NULL;
	struct sk_buff *skb;
	unsigned long flags;

	if (static_key_enabled(&net_oob_skb_key))
		return;

	if (want) {
		heads = kvmalloc_array(want, sizeof(*heads), GFP_KERNEL);
		if (!heads)
			want = 0;
	}
	for (; n < want; n++) {
		skb = kmem_cache_alloc(net_hotdata.skbuff_cache,
				       GFP_KERNEL | __GFP_NOWARN);
		if (!skb)
			break;
		kasan_mempool_poison_object(skb);
		heads[n] = skb;
	}
	if (n < sysctl_max_oob_skb)
		pr_warn("got %u oob skb heads out of %u\n", n,
			sysctl_max_oob_skb);

	/* The free path must know oob heads before the first one is out. */
	static_branch_enable(&net_oob_skb_key);

	raw_spin_lock_irqsave(&oob_skb_pool.lock, flags);
	oob_skb_pool.heads = heads;
	oob_skb_pool.size = n;
	WRITE_ONCE(oob_skb_pool.nr_free, n);
	raw_spin_unlock_irqrestore(&oob_skb_pool.lock, flags);
	WRITE_ONCE(sysctl_max_oob_skb, n);
}

static int __init oob_skb_init(void)
{
	oob_skb_pool.obj_size = kmem_cache_size(net_hotdata.skbuff_cache);

	if (!register_net_sysctl_sz(&init_net, "net/core", oob_skb_sysctl_table,
				    ARRAY_SIZE(oob_skb_sysctl_table)))
		pr_warn("cannot register the oob skb sysctls\n");

	return 0;
}
subsys_initcall(oob_skb_init);
