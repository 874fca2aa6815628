// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: the input diversion gate and the in-band relay.
 *
 * A packet the companion declines while running on the oob stage must
 * still reach the in-band stack, but not from there: it is queued on the
 * current CPU's relay, whose hard irq_work schedules the relay's NAPI
 * instance, whose poll feeds the stack from softirq context.  The queue is
 * FIFO, so relayed packets keep their order, and bounded by
 * netdev_max_backlog, past which packets are dropped and counted.  A device
 * being unregistered loses the packets still queued for it.
 */
#include <linux/irq_work.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/oob_stage.h>
#include <linux/skbuff.h>
#include <linux/static_call.h>
#include <net/hotdata.h>

#include "dev.h"

/* The in-band default: the caller keeps every packet. */
bool net_oob_deliver_inband(struct sk_buff *skb)
{
	return false;
}

DEFINE_STATIC_CALL(net_oob_deliver, net_oob_deliver_inband);
struct net_oob_rx_relay {
	raw_spinlock_t lock;
	struct sk_buff_head queue;
	struct irq_work kick;
	struct napi_struct napi;
};

static DEFINE_PER_CPU(struct net_oob_rx_relay, net_oob_rx_relay);
static struct net_device *net_oob_relay_dev;

static void net_oob_relay_inband(struct sk_buff *skb)
{
	struct net_oob_rx_relay *relay;
	unsigned long flags;
	bool queued = false;

	relay = get_cpu_ptr(&net_oob_rx_relay);
	raw_spin_lock_irqsave(&relay->lock, flags);
	if (skb_queue_len(&relay->queue) < READ_ONCE(net_hotdata.max_backlog)) {
		__skb_queue_tail(&relay->queue, skb);
		queued = true;
	}
	raw_spin_unlock_irqrestore(&relay->lock, flags);
	if (queued)
		irq_work_queue(&relay->kick);
	put_cpu_ptr(&net_oob_rx_relay);

	if (!queued) {
		dev_core_stats_rx_dropped_inc(skb->dev);
		kfree_skb_reason(skb, SKB_DROP_REASON_CPU_BACKLOG);
	}
}

static void net_oob_relay_kick(struct irq_work *work)
{
	struct net_oob_rx_relay *relay =
		container_of(work, struct net_oob_rx_relay, kick);

	napi_schedule(&relay->napi);
}

static int net_oob_relay_poll(struct napi_struct *napi, int budget)
{
	struct net_oob_rx_relay *relay =
		container_of(napi, struct net_oob_rx_relay, napi);
	struct sk_buff *skb;
	LIST_HEAD(list);
	int done = 0;

	/* Dequeued packets stay visible to net_oob_relay_flush()'s waiters. */
	rcu_read_lock();
	raw_spin_lock_irq(&relay->lock);
	while (done < budget && (skb = __skb_dequeue(&relay->queue))) {
		list_add_tail(&skb->list, &list);
		done++;
	}
	raw_spin_unlock_irq(&relay->lock);

	netif_receive_skb_list_inband(&list);
	rcu_read_unlock();

	if (done < budget)
		napi_complete_done(napi, done);

	return done;
}

/*
 * A device going away takes its relayed packets with it; the caller's
 * grace period covers those a poll has dequeued already.
 */
static void net_oob_relay_flush(struct net_device *dev)
{
	struct sk_buff_head doomed;
	struct sk_buff *skb, *tmp;
	int cpu;

	__skb_queue_head_init(&doomed);
	for_each_possible_cpu(cpu) {
		struct net_oob_rx_relay *relay = per_cpu_ptr(&net_oob_rx_relay, cpu);
		unsigned long flags;

		raw_spin_lock_irqsave(&relay->lock, flags);
		skb_queue_walk_safe(&relay->queue, skb, tmp) {
			if (skb->dev == dev) {
				__skb_unlink(skb, &relay->queue);
				__skb_queue_tail(&doomed, skb);
			}
		}
		raw_spin_unlock_irqrestore(&relay->lock, flags);
	}
	while ((skb = __skb_dequeue(&doomed))) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
	}
}

static int net_oob_relay_netdev_event(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	if (event == NETDEV_UNREGISTER)
		net_oob_relay_flush(netdev_notifier_info_to_dev(ptr));

	return NOTIFY_DONE;
}

static struct notifier_block net_oob_relay_notifier = {
	.notifier_call = net_oob_relay_netdev_event,
};

/* netif_receive_oob() past its fast checks: diversion is on. */
bool __netif_receive_oob(struct sk_buff *skb)
{
	bool taken;

	rcu_read_lock();
	taken = netif_deliver_oob(skb);
	rcu_read_unlock();
	if (taken)
		return true;

	if (running_oob()) {
		net_oob_relay_inband(skb);
		return true;
	}

	return false;
}

/* netif_receive_oob_list() past its fast check: a companion is there. */
bool __netif_receive_oob_list(struct list_head *head)
{
	struct sk_buff *skb, *next;
	LIST_HEAD(inband);

	list_for_each_entry_safe(skb, next, head, list) {
		skb_list_del_init(skb);
		if (!netif_receive_oob(skb))
			list_add_tail(&skb->list, &inband);
	}
	list_splice(&inband, head);

	return list_empty(head);
}

static int __init net_oob_relay_init(void)
{
	int cpu;

	net_oob_relay_dev = alloc_netdev_dummy(0);
	if (!net_oob_relay_dev)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct net_oob_rx_relay *relay = per_cpu_ptr(&net_oob_rx_relay, cpu);

		raw_spin_lock_init(&relay->lock);
		__skb_queue_head_init(&relay->queue);
		relay->kick = IRQ_WORK_INIT_HARD(net_oob_relay_kick);
		netif_napi_add(net_oob_relay_dev, &relay->napi, net_oob_relay_poll);
		napi_enable(&relay->napi);
	}

	return register_netdevice_notifier(&net_oob_relay_notifier);
}
subsys_initcall_sync(net_oob_relay_init);
