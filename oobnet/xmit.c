// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the TX thread of an oob-capable device.
 *
 * A driver with a complete oob I/O path (netdev_is_oob_capable()) is
 * called from the oob stage, under netif_tx_lock_oob().  A sender on the
 * oob stage calls the driver itself when nothing waits before it: no
 * hand-over, no wake-up.  Otherwise (the queue is stopped, or another
 * sender is at the driver, or the caller runs in-band) the packet goes to
 * the device's TX thread, oobnet-tx/<dev>, a SCHED_FIFO thread on the oob
 * stage.  od->xmit_lock keeps the two in order: only its holder calls the
 * driver, and the direct path only when the thread's queue is empty.  The
 * buffers are oob storage mapped for the device by its pool, which the
 * driver syncs instead of mapping.  When the queue is stopped the thread
 * waits for the tx_wake hook (netif_tx_wake_queue()), or at most a tick,
 * and tries again.
 *
 * Packets with a route attached (no cached neighbour) still go through the
 * in-band IP output, see oobnet_tx_send().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/oob_stage.h>

#include "oobnet.h"
#include "trace.h"

/*
 * Above the RX threads' default: under an in-band flood a device's RX
 * thread polls without sleeping, and a send must not wait behind it.
 */
static unsigned int tx_prio = 51;
module_param(tx_prio, uint, 0644);
MODULE_PARM_DESC(tx_prio,
		 "SCHED_FIFO priority of the TX threads of oob-capable devices, taken when they start (1-99, default 51)");

/* Queue 0: the oob stage cannot run the in-band queue selection. */
#define OOBNET_XMIT_QUEUE	0

/*
 * Puts a VLAN port's tag on the packet, as vlan_dev_hard_start_xmit()
 * would, and moves it to the real device.
 */
static struct sk_buff *oobnet_xmit_untangle(struct oobnet_dev *od,
					    struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct vlan_dev_priv *vlan;
	struct vlan_ethhdr *veth;
	__be16 proto;
	u16 tci;

	if (!is_vlan_dev(dev))
		return skb;
	vlan = vlan_dev_priv(dev);
	veth = (struct vlan_ethhdr *)skb->data;
	proto = vlan->vlan_proto;
	/* Without header reordering the header has the tag already. */
	if (veth->h_vlan_proto != proto || vlan->flags & VLAN_FLAG_REORDER_HDR) {
		tci = vlan->vlan_id |
		      vlan_dev_get_egress_qos_mask(dev, skb->priority);
		__vlan_hwaccel_put_tag(skb, proto, tci);
	}
	dev_hold(od->real);
	skb->dev = od->real;
	dev_put(dev);
	if (skb_vlan_tag_present(skb) &&
	    !vlan_hw_offload_capable(od->real->features, proto))
		/* The headroom is reserved for the tag: no reallocation. */
		skb = __vlan_hwaccel_push_inside(skb);
	return skb;
}

/* A queued packet that will not be sent: its device reference goes too. */
static void oobnet_xmit_drop(struct oobnet_dev *od, struct sk_buff *skb)
{
	oobnet_dev_count(od, OOBNET_TX_DROP);
	dev_put(skb->dev);
	oobnet_kfree_skb(skb);
}

/*
 * The driver stopped the queue (its ring is full) or the stack froze it.
 * Byte queue limits do not hold oob frames back: they bound the latency
 * of in-band queueing, and their restart, from the completion path, does
 * not reach the tx_wake hook.
 */
static bool oobnet_xmit_stopped(const struct netdev_queue *txq)
{
	return netif_xmit_frozen_or_drv_stopped(txq);
}

/*
 * Sends @skb, or returns false when the queue is stopped and keeps it.
 * @direct: the caller is the sender, not the TX thread.
 */
static bool oobnet_xmit_one(struct oobnet_dev *od, struct sk_buff *skb,
			    bool direct)
{
	struct net_device *real = od->real;
	struct netdev_queue *txq = netdev_get_tx_queue(real, OOBNET_XMIT_QUEUE);
	unsigned int len = skb->len;
	netdev_tx_t ret;

	netif_tx_lock_oob(txq);
	if (oobnet_xmit_stopped(txq)) {
		netif_tx_unlock_oob(txq);
		return false;
	}
	/* Taps see the frame as it leaves, as they would in-band. */
	if (dev_nit_active(real))
		dev_queue_xmit_nit(skb, real);
	ret = netdev_start_xmit(skb, real, txq, false);
	/* netif_tx_lock_oob() does not own the queue for txq_trans_update(). */
	if (ret == NETDEV_TX_OK)
		txq_trans_cond_update(txq);
	netif_tx_unlock_oob(txq);
	if (ret == NETDEV_TX_BUSY)
		return false;

	trace_oobnet_tx_xmit(real, len, ret);
	oobnet_dev_count(od, ret == NETDEV_TX_OK ? OOBNET_TX_OOB : OOBNET_TX_DROP);
	if (ret == NETDEV_TX_OK && direct)
		oobnet_dev_count(od, OOBNET_TX_DIRECT);
	dev_put(real);
	return true;
}

/* Queues @skb for the TX thread, in order behind what waits there. */
static void oobnet_xmit_enqueue(struct oobnet_dev *od, struct sk_buff *skb)
{
	unsigned long flags;

	spin_lock_irqsave(&od->tx_queue.lock, flags);
	if (unlikely(od->tx_closed)) {
		spin_unlock_irqrestore(&od->tx_queue.lock, flags);
		oobnet_xmit_drop(od, skb);
		return;
	}
	__skb_queue_tail(&od->tx_queue, skb);
	spin_unlock_irqrestore(&od->tx_queue.lock, flags);
	wake_up(&od->tx_wait);
}

/*
 * A sender on the oob stage sends @skb itself when the driver is free and
 * nothing is queued before it; true when @skb is taken care of (sent, or
 * queued in order while the queue is stopped).
 */
static bool oobnet_xmit_direct(struct oobnet_dev *od, struct sk_buff *skb)
{
	if (!running_oob() || !spin_trylock(&od->xmit_lock))
		return false;
	if (READ_ONCE(od->tx_closed) || !skb_queue_empty_lockless(&od->tx_queue) ||
	    !oobnet_xmit_one(od, skb, true))
		oobnet_xmit_enqueue(od, skb);
	spin_unlock(&od->xmit_lock);
	return true;
}

/**
 * oobnet_xmit_queue() - Send a packet from the oob stage
 * @od: the oob-capable device's state
 * @skb: the packet, skb->dev its port, referenced by the caller, which
 *	this takes over
 *
 * From the caller's context when it runs on the oob stage and the driver
 * is free, else through the TX thread.
 */
void oobnet_xmit_queue(struct oobnet_dev *od, struct sk_buff *skb)
{
	skb = oobnet_xmit_untangle(od, skb);
	if (unlikely(!skb)) {
		/* __vlan_hwaccel_push_inside() freed it. */
		dev_put(od->real);
		oobnet_dev_count(od, OOBNET_TX_DROP);
		return;
	}
	skb_set_queue_mapping(skb, OOBNET_XMIT_QUEUE);
	if (!oobnet_xmit_direct(od, skb))
		oobnet_xmit_enqueue(od, skb);
}

static bool oobnet_xmit_can_go(struct oobnet_dev *od)
{
	struct netdev_queue *txq = netdev_get_tx_queue(od->real,
						       OOBNET_XMIT_QUEUE);

	return !oobnet_xmit_stopped(txq) || kthread_should_stop();
}

/*
 * Sends what is queued, in order, until the driver stops the queue; the
 * rest goes back to the head of the queue.  True when that happened.
 */
static bool oobnet_xmit_batch(struct oobnet_dev *od)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;
	unsigned long flags;

	__skb_queue_head_init(&batch);
	spin_lock(&od->xmit_lock);
	oobnet_skb_queue_take(&od->tx_queue, &batch);
	while ((skb = __skb_dequeue(&batch))) {
		if (!oobnet_xmit_one(od, skb, false)) {
			__skb_queue_head(&batch, skb);
			break;
		}
	}
	if (!skb_queue_empty(&batch)) {
		spin_lock_irqsave(&od->tx_queue.lock, flags);
		skb_queue_splice(&batch, &od->tx_queue);
		spin_unlock_irqrestore(&od->tx_queue.lock, flags);
		spin_unlock(&od->xmit_lock);
		return true;
	}
	spin_unlock(&od->xmit_lock);
	return false;
}

static int oobnet_xmit_thread(void *arg)
{
	struct oobnet_dev *od = arg;

	oob_stage_enter();
	while (!kthread_should_stop()) {
		wait_event_idle(od->tx_wait,
				!skb_queue_empty_lockless(&od->tx_queue) ||
				kthread_should_stop());
		if (!oobnet_xmit_batch(od))
			continue;
		/*
		 * Stopped: the driver's completion wakes us through the
		 * tx_wake hook; a tick bounds a restart that does not.
		 */
		oobnet_dev_count(od, OOBNET_TX_STOPPED);
		if (!wait_event_idle_timeout(od->tx_wait, oobnet_xmit_can_go(od), 1))
			oobnet_dev_count(od, OOBNET_TX_STALLED);
	}
	oob_stage_leave();
	return 0;
}

/* The tx_wake hook: a stopped queue of a diverted device restarted. */
void oobnet_tx_wake(struct netdev_queue *txq)
{
	struct oobnet_dev *od = oobnet_dev_lookup_rcu(txq->dev);

	if (od && od->tx_thread)
		wake_up(&od->tx_wait);
}

/* Before diversion goes on: the real device is oob-capable. */
int oobnet_xmit_start(struct oobnet_dev *od)
{
	struct task_struct *t;

	skb_queue_head_init(&od->tx_queue);
	init_waitqueue_head(&od->tx_wait);
	spin_lock_init(&od->xmit_lock);
	t = kthread_create(oobnet_xmit_thread, od, "oobnet-tx/%s",
			   od->real->name);
	if (IS_ERR(t))
		return PTR_ERR(t);
	oobnet_thread_setup(t, READ_ONCE(tx_prio));
	od->tx_thread = t;
	wake_up_process(t);
	return 0;
}

/* Before diversion goes off: nothing is sent from the oob stage after. */
void oobnet_xmit_stop(struct oobnet_dev *od)
{
	struct sk_buff *skb;
	unsigned long flags;

	if (!od->tx_thread)
		return;
	spin_lock_irqsave(&od->tx_queue.lock, flags);
	od->tx_closed = true;
	spin_unlock_irqrestore(&od->tx_queue.lock, flags);
	/* A direct sender that saw the device open is done after this. */
	spin_lock(&od->xmit_lock);
	spin_unlock(&od->xmit_lock);
	kthread_stop(od->tx_thread);
	while ((skb = skb_dequeue(&od->tx_queue)))
		oobnet_xmit_drop(od, skb);
}
