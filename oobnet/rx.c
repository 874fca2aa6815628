// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: packet selection from diverted input, and the RX threads.
 *
 * The gate offers every packet of a diverted real device to
 * oobnet_deliver().  Without an RX program, a packet is picked when it
 * reaches an oob port and an oob socket on that port wants it:
 *
 * - a tagged packet reaches the VLAN device of its id when the id is in
 *   the "vlans" list (vlan.c) and that VLAN device is a port; its tag
 *   comes off on the way, as the in-band stack would take it off;
 * - an untagged packet reaches the real device when the real device itself
 *   is a port: the whole device is dedicated to oob, except for what no
 *   oob socket wants.
 *
 * Everything else is left to the in-band stack untouched, so ARP, ICMP and
 * any other traffic keep working next to the oob flows.
 *
 * A real device may have an RX program (ctl.c), whose verdict comes first:
 * drop, leave in-band, select as above, or accept: the packet is oob
 * traffic, goes to the port of its VLAN device (whatever the "vlans" list)
 * or of its real device, and is dropped when no socket there takes it.
 *
 * On a stock driver the gate runs in-band, from the driver's NAPI poll:
 * there a picked packet is shown to the packet taps, queued to the real
 * device's RX thread and the thread woken.  The RX thread, a SCHED_FIFO
 * kthread on the oob stage, hands packets to their sockets and wakes the
 * readers.
 *
 * On an oob-capable driver the gate runs on the oob stage: the driver's
 * interrupt hands its NAPI instance to oobnet_napi_schedule(), and the RX
 * thread polls it with napi_poll_oob() before handing what the poll picked
 * to the sockets.  What it leaves in-band, the core relays.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/oob_stage.h>
#include <linux/sched.h>
#include <uapi/oobnet.h>

#include "oobnet.h"
#include "trace.h"

static unsigned int rx_prio = 50;
module_param(rx_prio, uint, 0644);
MODULE_PARM_DESC(rx_prio,
		 "SCHED_FIFO priority of the RX threads, taken when a device's first port comes up (1-99, default 50)");

/*
 * The port a packet reaches: its VLAN device's for a tagged one, the real
 * device's for an untagged one.  @vlan_rules asks the VLAN id to be in the
 * "vlans" list, as selection without an RX program does.
 */
static struct oobnet_port *oobnet_select(struct oobnet_dev *od,
					 struct sk_buff *skb, bool vlan_rules)
{
	struct net_device *dev = od->real;
	u16 vid;

	if (skb_vlan_tag_present(skb)) {
		vid = skb_vlan_tag_get_id(skb);
	} else if (eth_type_vlan(skb->protocol)) {
		if (!pskb_may_pull(skb, VLAN_HLEN))
			return NULL;
		vid = ntohs(((struct vlan_hdr *)skb->data)->h_vlan_TCI) &
		      VLAN_VID_MASK;
	} else {
		return oobnet_port_lookup_rcu(od, dev);
	}

	if (vlan_rules && !oobnet_vlan_picked(vid))
		return NULL;
	dev = __vlan_find_dev_deep_rcu(dev, skb_vlan_tag_present(skb) ?
				       skb->vlan_proto : skb->protocol, vid);
	if (!dev)
		return NULL;
	return oobnet_port_lookup_rcu(od, dev);
}

#define OOBNET_MAX_TAKERS	16

/*
 * The sockets that take @skb on @port into @takers, @max at most: raw
 * sockets of the port whose protocol matches, then UDP sockets when @udp
 * (a datagram, see oobnet_udp_parse()).  RCU held.
 */
static int oobnet_takers(struct oobnet_port *port, struct sk_buff *skb,
			 bool udp, struct oobnet_sock **takers, int max)
{
	struct oobnet_sock *os;
	int n = 0;

	list_for_each_entry_rcu(os, &port->socks, port_next) {
		if (n == max)
			return n;
		if (os->proto->match(os, skb))
			takers[n++] = os;
	}
	if (udp && n < max)
		n += oobnet_udp_takers(skb, takers + n, max - n);
	return n;
}

/**
 * oobnet_deliver() - Pick a packet from diverted input
 * @skb: the packet, as the driver passed it up
 *
 * Return: true when oobnet took @skb, false to leave it to the in-band
 * stack.
 */
bool oobnet_deliver(struct sk_buff *skb)
{
	struct oobnet_port *port = NULL;
	struct oobnet_sock *taker;
	bool claimed = false;
	struct oobnet_dev *od;
	bool taken = false;
	bool frag = false;
	bool udp = false;

	rcu_read_lock();
	od = oobnet_dev_lookup_rcu(skb->dev);
	if (!od)
		goto out;
	oobnet_dev_count(od, OOBNET_RX_OFFERED);

	switch (oobnet_rx_prog_run(od, skb)) {
	case OOBNET_VERDICT_DROP:
		oobnet_dev_count(od, OOBNET_RX_DROP_PROG);
		oobnet_kfree_skb(skb);
		taken = true;
		goto out;
	case OOBNET_VERDICT_ACCEPT:
		/* Claimed for oob: dropped if no socket takes it. */
		claimed = true;
		port = oobnet_select(od, skb, false);
		break;
	case OOBNET_VERDICT_VLAN:
		port = oobnet_select(od, skb, true);
		break;
	default:
		break;
	}
	/* A shared skb cannot be untagged in place: leave it, or drop it. */
	if (!port || skb_shared(skb)) {
		if (!claimed)
			goto inband;
		oobnet_dev_count(od, OOBNET_RX_DROP_NOSOCK);
		oobnet_kfree_skb(skb);
		taken = true;
		goto out;
	}

	if (port->dev != od->real && !skb_vlan_tag_present(skb)) {
		/* Same skb unless it is shared, and it is not. */
		if (!skb_vlan_untag(skb)) {
			oobnet_dev_count(od, OOBNET_RX_DROP_VLAN);
			taken = true;
			goto out;
		}
	}
	if (skb->protocol == htons(ETH_P_IP)) {
		udp = oobnet_udp_parse(skb);
		/* Whose a fragment is, only its reassembly tells. */
		if (!udp && oobnet_udp_any(dev_net(port->dev)))
			frag = oobnet_ipfrag_parse(skb) &&
			       oobnet_ipfrag_local(port->dev, skb);
	}
	/* The takers are found on skb->dev, as the RX thread will. */
	skb->dev = port->dev;
	if (!frag && !oobnet_takers(port, skb, udp, &taker, 1)) {
		if (claimed) {
			oobnet_dev_count(od, OOBNET_RX_DROP_NOSOCK);
			oobnet_kfree_skb(skb);
			taken = true;
			goto out;
		}
		skb->dev = od->real;
		goto inband;
	}

	/* The receive timestamp: when the gate took it, unless the driver
	 * stamped it already.
	 */
	if (!skb->tstamp)
		__net_timestamp(skb);
	dev_queue_recv_nit(skb, od->real);
	trace_oobnet_rx_pick(od->real, port->dev, skb);
	oobnet_rx_cb(skb)->udp = udp;
	oobnet_rx_cb(skb)->frag = frag;
	if (skb_queue_len(&od->rx_queue) >= od->rx_queue_max) {
		oobnet_dev_count(od, OOBNET_RX_DROP_BACKLOG);
		oobnet_kfree_skb(skb);
	} else {
		oobnet_dev_count(od, OOBNET_RX_PICKED);
		skb_queue_tail(&od->rx_queue, skb);
		/* From the RX thread's own poll: it looks at the queue next. */
		if (current != od->rx_thread)
			wake_up(&od->rx_wait);
	}
	taken = true;
	goto out;
inband:
	oobnet_dev_count(od, OOBNET_RX_INBAND);
out:
	rcu_read_unlock();
	return taken;
}

/* Hands a picked packet to every socket of its port that takes it. */
static void oobnet_rx_dispatch(struct oobnet_dev *od, struct sk_buff *skb,
			       struct oobnet_rx_wakes *wakes)
{
	struct oobnet_sock *takers[OOBNET_MAX_TAKERS];
	bool udp = oobnet_rx_cb(skb)->udp;
	struct oobnet_port *port;
	bool whole = false;
	int i, n;

	if (oobnet_rx_cb(skb)->frag) {
		skb = oobnet_ipfrag_add(od, skb);
		if (!skb)
			return;
		whole = true;
		udp = oobnet_udp_parse(skb);
		oobnet_rx_cb(skb)->udp = udp;
	}
	if (udp && !oobnet_udp_valid(skb)) {
		oobnet_dev_count(od, OOBNET_RX_DROP_CSUM);
		oobnet_kfree_skb(skb);
		return;
	}

	rcu_read_lock();
	port = oobnet_port_lookup_rcu(od, skb->dev);
	n = port ? oobnet_takers(port, skb, udp, takers, ARRAY_SIZE(takers)) : 0;
	for (i = 0; i < n; i++) {
		struct sk_buff *copy = i < n - 1 ? skb_clone(skb, GFP_ATOMIC) : skb;
		unsigned int len = skb->len;
		bool queued;

		/* @copy belongs to the socket's reader once queued. */
		queued = copy && oobnet_sock_queue(takers[i], copy, wakes);
		trace_oobnet_rx_deliver(port->dev, len, takers[i]->sk, queued);
		if (!queued)
			oobnet_dev_count(od, OOBNET_RX_DROP_RCVBUF);
	}
	rcu_read_unlock();
	if (n)
		return;
	if (whole && port) {
		/*
		 * A datagram nobody here takes goes on in-band, whole, from
		 * in-band context: netif_rx() would take the CPU's bottom half
		 * lock from this thread, and maybe run NET_RX in it.
		 */
		skb->dev = od->real;
		skb_queue_tail(&od->inband_queue, skb);
		queue_work(system_wq, &od->inband_work);
		return;
	}
	oobnet_dev_count(od, OOBNET_RX_DROP_NOSOCK);
	oobnet_kfree_skb(skb);
}

/*
 * napi_schedule_oob(): @n's interrupt fired.  An oob-capable device's
 * instance goes to its RX thread; a stock driver's already ran in-band.
 */
void oobnet_napi_schedule(struct napi_struct *n)
{
	struct oobnet_dev *od;
	unsigned long flags;

	if (!netdev_is_oob_capable(n->dev))
		return;
	/* Listed before diversion goes on, unlisted after it went off. */
	od = oobnet_dev_lookup_rcu(n->dev);
	if (unlikely(!od)) {
		/* A late call as the device leaves: the softirq polls it. */
		if (!WARN_ON_ONCE(netif_oob_diversion(n->dev)))
			__napi_schedule(n);
		return;
	}
	raw_spin_lock_irqsave(&od->napi_lock, flags);
	list_add_tail(&n->poll_list, &od->napi_list);
	raw_spin_unlock_irqrestore(&od->napi_lock, flags);
	wake_up_process(od->rx_thread);
}

/* The instances handed over: each polled once, then back if it asks. */
static void oobnet_rx_poll(struct oobnet_dev *od)
{
	struct napi_struct *n;
	unsigned long flags;
	LIST_HEAD(repoll);
	LIST_HEAD(todo);
	int work;

	raw_spin_lock_irqsave(&od->napi_lock, flags);
	list_splice_init(&od->napi_list, &todo);
	raw_spin_unlock_irqrestore(&od->napi_lock, flags);

	while (!list_empty(&todo)) {
		n = list_first_entry(&todo, struct napi_struct, poll_list);
		/* Unlinks @n, and puts it on @repoll if it used its budget. */
		work = napi_poll_oob(n, &repoll);
		oobnet_dev_count(od, OOBNET_RX_POLLS);
		trace_oobnet_napi_poll(od->real, work);
	}
	if (list_empty(&repoll))
		return;
	raw_spin_lock_irqsave(&od->napi_lock, flags);
	list_splice_tail(&repoll, &od->napi_list);
	raw_spin_unlock_irqrestore(&od->napi_lock, flags);
}

static bool oobnet_rx_pending(struct oobnet_dev *od)
{
	return !skb_queue_empty_lockless(&od->rx_queue) ||
	       !list_empty_careful(&od->napi_list) || kthread_should_stop();
}

static void oobnet_rx_inband_work(struct work_struct *work)
{
	struct oobnet_dev *od = container_of(work, struct oobnet_dev,
					     inband_work);
	struct sk_buff *skb, *copy;

	/*
	 * The fragments hold oob skb heads, which must not stay in-band for
	 * as long as the stack keeps the datagram: a copy goes instead.
	 */
	while ((skb = skb_dequeue(&od->inband_queue))) {
		copy = skb_copy(skb, GFP_KERNEL);
		consume_skb(skb);
		if (copy)
			netif_rx(copy);
		else
			dev_core_stats_rx_dropped_inc(od->real);
	}
}

/*
 * The packets a batch hands to sockets before their readers are woken: a
 * NAPI budget, so that a long backlog does not hold the first reader back.
 */
#define OOBNET_RX_WAKE_BATCH	64

static void oobnet_rx_hand_over(struct oobnet_dev *od,
				struct sk_buff_head *batch)
{
	struct oobnet_rx_wakes wakes = { .n = 0 };
	unsigned int done = 0;
	struct sk_buff *skb;

	/* The sockets in @wakes are freed by RCU: held until they are woken. */
	rcu_read_lock();
	while ((skb = __skb_dequeue(batch))) {
		oobnet_rx_dispatch(od, skb, &wakes);
		if (++done % OOBNET_RX_WAKE_BATCH == 0)
			oobnet_sock_wake_flush(&wakes);
	}
	oobnet_sock_wake_flush(&wakes);
	rcu_read_unlock();
}

static int oobnet_rx_thread(void *arg)
{
	struct oobnet_dev *od = arg;
	struct sk_buff_head batch;

	__skb_queue_head_init(&batch);
	oob_stage_enter();
	while (!kthread_should_stop()) {
		wait_event_idle_timeout(od->rx_wait, oobnet_rx_pending(od),
					oobnet_ipfrag_next_expiry(od));
		oobnet_ipfrag_expire(od, false);
		oobnet_rx_poll(od);
		oobnet_skb_queue_take(&od->rx_queue, &batch);
		oobnet_rx_hand_over(od, &batch);
	}
	oob_stage_leave();
	return 0;
}

int oobnet_rx_start(struct oobnet_dev *od)
{
	struct task_struct *t;
	int ret;

	skb_queue_head_init(&od->inband_queue);
	INIT_WORK(&od->inband_work, oobnet_rx_inband_work);
	raw_spin_lock_init(&od->napi_lock);
	INIT_LIST_HEAD(&od->napi_list);
	ret = oobnet_ipfrag_init(od);
	if (ret)
		return ret;
	t = kthread_create(oobnet_rx_thread, od, "oobnet-rx/%s", od->real->name);
	if (IS_ERR(t)) {
		oobnet_ipfrag_exit(od);
		return PTR_ERR(t);
	}
	oobnet_thread_setup(t, READ_ONCE(rx_prio));
	od->rx_thread = t;
	wake_up_process(t);
	return 0;
}

/* Diversion is off: nothing is queued any more. */
void oobnet_rx_stop(struct oobnet_dev *od)
{
	struct napi_struct *n, *tmp;
	unsigned long flags;
	LIST_HEAD(left);

	kthread_stop(od->rx_thread);
	/*
	 * A driver with no ndo_disable_oob() may have left an instance with
	 * us: the softirq polls it now.
	 */
	raw_spin_lock_irqsave(&od->napi_lock, flags);
	list_splice_init(&od->napi_list, &left);
	raw_spin_unlock_irqrestore(&od->napi_lock, flags);
	list_for_each_entry_safe(n, tmp, &left, poll_list) {
		list_del_init(&n->poll_list);
		if (napi_schedule_unprep(n))
			napi_schedule(n);
	}
	skb_queue_purge(&od->rx_queue);
	oobnet_ipfrag_exit(od);
	/* Diversion is off: what is left may still go in-band. */
	flush_work(&od->inband_work);
}
