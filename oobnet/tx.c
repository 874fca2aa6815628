// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: transmit buffers, and the in-band relay for stock drivers.
 *
 * An oob send builds its packet on a buffer of the real device's pool: an
 * oob skb head around a page of the device's page pool.  A device has
 * pool_max buffers in flight at most; a sender finding none free waits
 * for one (or gets EAGAIN when it may not wait).  The buffer's destructor,
 * which also marks it as oobnet's (a driver's receive buffers have oob
 * heads too), gives it back when the buffer is freed or orphaned and wakes
 * the senders that ran dry.
 *
 * An oob-capable device is sent to from the oob stage by its TX thread
 * (xmit.c).  Any other device transmits in-band: the sender queues
 * its packet on a per-CPU backlog and kicks NET_TX_SOFTIRQ on that CPU,
 * whose net_tx_action() hands the backlog to dev_queue_xmit(), or to the
 * IP output for a datagram whose neighbour was not cached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <net/ip.h>
#include <net/page_pool/helpers.h>

#include "oobnet.h"
#include "trace.h"

static DEFINE_PER_CPU(struct sk_buff_head, oobnet_tx_queue);

static struct oobnet_dev *oobnet_dev_by_pool_rcu(const struct page_pool *pool)
{
	struct oobnet_dev *od;

	list_for_each_entry_rcu(od, &oobnet_devs, next)
		if (od->pool == pool)
			return od;
	return NULL;
}

/* Wakes every oob socket: a sender of any of them may wait on a pool. */
void oobnet_tx_wake_all(void)
{
	struct socket_wq *wq;
	struct oobnet_sock *os;

	rcu_read_lock();
	list_for_each_entry_rcu(os, &oobnet_socks, all_next) {
		/* A socket being released may have lost its queue already. */
		wq = rcu_dereference(os->sk->sk_wq);
		if (skwq_has_sleeper(wq))
			wake_up_interruptible_poll(&wq->wait,
						   EPOLLOUT | EPOLLWRNORM);
	}
	rcu_read_unlock();
}

/*
 * The device of a transmit buffer whose head was reallocated on the way
 * (pskb_expand_head() drops the oob storage mark): the device it was sent
 * on.  Pointers are compared, never followed.
 */
static struct oobnet_dev *oobnet_dev_by_txdev_rcu(const struct net_device *dev)
{
	struct oobnet_port *port;
	struct oobnet_dev *od;

	list_for_each_entry_rcu(od, &oobnet_devs, next) {
		if (od->real == dev)
			return od;
		list_for_each_entry_rcu(port, &od->port_list, dev_next)
			if (port->dev == dev)
				return od;
	}
	return NULL;
}

/*
 * The destructor of a transmit buffer, run once when it is freed or
 * orphaned (clones have none): the buffer is back, then the sender's
 * SO_SNDBUF charge as sock_wfree() does it.  RCU covers the module text
 * until the last sock, freed by RCU, lets go of the module.
 */
static void oobnet_tx_wfree(struct sk_buff *skb)
{
	struct oobnet_dev *od = NULL;
	struct page *page;

	rcu_read_lock();
	if (skb_has_oob_storage(skb) && skb->head_frag) {
		page = virt_to_head_page(skb->head);
		if (page_pool_page_is_pp(page))
			od = oobnet_dev_by_pool_rcu(page->pp);
	} else if (skb->dev) {
		od = oobnet_dev_by_txdev_rcu(skb->dev);
	}
	if (od) {
		trace_oobnet_tx_done(od->real,
				     atomic_dec_return(&od->tx_inflight));
		/*
		 * atomic_dec_return() orders the free buffer before the look
		 * at the flag; with the barrier in oobnet_tx_take(), either
		 * the sender sees the buffer or we see it wait.
		 */
		if (READ_ONCE(od->tx_starved)) {
			WRITE_ONCE(od->tx_starved, false);
			oobnet_tx_wake_all();
		}
	}
	sock_wfree(skb);
	rcu_read_unlock();
}

/* Takes a buffer if one is free; *err says why not when none is. */
static struct sk_buff *oobnet_tx_take(struct oobnet_sock *os,
				      struct oobnet_dev *od, int *err)
{
	struct sk_buff *skb = NULL;
	int free;

	spin_lock(&od->pool_lock);
	if (od->dead) {
		*err = -ENETDOWN;
		goto out;
	}
	/*
	 * What poll() watches for room: the device of the last send.  Set
	 * under the lock while @od lives, so oobnet_tx_forget_dev(), which
	 * comes after @od dies, clears it.
	 */
	if (rcu_access_pointer(os->tx_od) != od)
		rcu_assign_pointer(os->tx_od, od);
	*err = -EAGAIN;
	if (atomic_read(&od->tx_inflight) >= od->pool_max) {
		WRITE_ONCE(od->tx_starved, true);
		/* Flag, then look again: pairs with oobnet_tx_wfree(). */
		smp_mb();
		if (atomic_read(&od->tx_inflight) >= od->pool_max)
			goto out;
	}
	skb = skb_build_oob(od->pool, OOBNET_TX_HEADROOM);
	if (!skb) {
		/* The oob head pool ran dry: no wake-up will say so. */
		*err = -ENOBUFS;
		goto out;
	}
	free = od->pool_max - atomic_inc_return(&od->tx_inflight);
	if (free < od->pool_low)
		od->pool_low = free;
out:
	spin_unlock(&od->pool_lock);
	return skb;
}

/*
 * Room in the pool of the device @os sent through last (or is bound to),
 * for poll().
 */
bool oobnet_tx_room(struct oobnet_sock *os)
{
	struct oobnet_port *port;
	struct oobnet_dev *od;
	bool room = true;

	rcu_read_lock();
	od = rcu_dereference(os->tx_od);
	if (!od) {
		port = rcu_dereference(os->port);
		od = port ? port->od : NULL;
	}
	if (od && atomic_read(&od->tx_inflight) >= od->pool_max) {
		WRITE_ONCE(od->tx_starved, true);
		/* As in oobnet_tx_take(): a poller gets woken too. */
		smp_mb();
		room = atomic_read(&od->tx_inflight) < od->pool_max;
	}
	rcu_read_unlock();
	return room;
}

/* @od goes: no socket may look at it from poll() any more. */
void oobnet_tx_forget_dev(struct oobnet_dev *od)
{
	struct oobnet_sock *os;

	mutex_lock(&oobnet_socks_lock);
	list_for_each_entry(os, &oobnet_socks, all_next)
		if (rcu_access_pointer(os->tx_od) == od)
			RCU_INIT_POINTER(os->tx_od, NULL);
	mutex_unlock(&oobnet_socks_lock);
}

/*
 * A buffer for @sk, or the reason there is none: -ENOSPC for SO_SNDBUF,
 * -EAGAIN for the pool (both wait), or a lasting error, -EPIPE after
 * shutdown(SHUT_WR) as in-band.
 */
static bool oobnet_tx_ready(struct oobnet_sock *os, struct oobnet_dev *od,
			    struct sk_buff **skbp, int *err)
{
	if (READ_ONCE(os->sk->sk_shutdown) & SEND_SHUTDOWN) {
		*err = -EPIPE;
		return true;
	}
	if (!sock_writeable(os->sk)) {
		*err = -ENOSPC;
		return false;
	}
	*skbp = oobnet_tx_take(os, od, err);
	return *skbp || (*err != -EAGAIN && *err != -ENOSPC);
}

/**
 * oobnet_tx_alloc() - Get a transmit buffer for @os on @od
 * @os: the sending socket, charged for the buffer by SO_SNDBUF
 * @od: the device's state, referenced by the caller
 * @nonblock: fail with -EAGAIN instead of waiting
 * @timeout: how long to wait, KTIME_MAX for ever
 *
 * Return: an skb with OOBNET_TX_HEADROOM reserved, owned by @os's sock,
 * or ERR_PTR(-EAGAIN, -ETIMEDOUT, -EINTR, -ENETDOWN, -ENOBUFS, -EPIPE).
 */
struct sk_buff *oobnet_tx_alloc(struct oobnet_sock *os, struct oobnet_dev *od,
				bool nonblock, ktime_t timeout)
{
	struct sk_buff *skb = NULL;
	int err = 0;
	long ret;

	if (!oobnet_tx_ready(os, od, &skb, &err)) {
		if (err == -EAGAIN)
			oobnet_dev_count(od, OOBNET_TX_NOBUF);
		if (err != -EAGAIN && err != -ENOSPC)
			return ERR_PTR(err);
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		ret = wait_event_interruptible_hrtimeout(*sk_sleep(os->sk),
							 oobnet_tx_ready(os, od, &skb,
									 &err),
							 timeout);
		if (ret == -ETIME)
			return ERR_PTR(-ETIMEDOUT);
		if (ret)
			return ERR_PTR(-EINTR);
	}
	/* A lasting error, at once or after the wait. */
	if (!skb)
		return ERR_PTR(err);
	skb_set_owner_w(skb, os->sk);
	skb->destructor = oobnet_tx_wfree;
	return skb;
}

/**
 * oobnet_tx_alloc_copy() - Get a transmit buffer holding @len bytes of @from
 * @os: the sending socket
 * @od: the device's state, referenced by the caller
 * @from: the data
 * @len: how much of it
 * @nonblock: as for oobnet_tx_alloc()
 * @timeout: as for oobnet_tx_alloc()
 *
 * Return: the skb, data at what was copied, or ERR_PTR() as for
 * oobnet_tx_alloc(), or -EFAULT.
 */
struct sk_buff *oobnet_tx_alloc_copy(struct oobnet_sock *os,
				     struct oobnet_dev *od,
				     struct iov_iter *from, size_t len,
				     bool nonblock, ktime_t timeout)
{
	struct sk_buff *skb = oobnet_tx_alloc(os, od, nonblock, timeout);

	if (IS_ERR(skb))
		return skb;
	if (!copy_from_iter_full(skb_put(skb, len), len, from)) {
		oobnet_sock_count(os, OOBNET_SK_TX_ERR);
		oobnet_kfree_skb(skb);
		return ERR_PTR(-EFAULT);
	}
	return skb;
}

/*
 * SO_TIMESTAMPING: the driver's stamp of @skb goes to the error queue of
 * its socket.  Once per datagram, on the first skb to leave.
 */
void oobnet_tx_stamp(struct oobnet_sock *os, struct sk_buff *skb)
{
	skb_setup_tx_timestamp(skb, READ_ONCE(os->sk->sk_tsflags));
}

/* Sends a packet through the in-band stack, see oobnet_tx_send(). */
static void oobnet_tx_relay(struct oobnet_dev *od, struct sk_buff *skb)
{
	oobnet_dev_count(od, OOBNET_TX_INBAND);
	trace_oobnet_tx_relay(skb->dev, skb, skb_dst(skb));
	/* The kick raises the softirq of the CPU the packet is queued on. */
	migrate_disable();
	skb_queue_tail(this_cpu_ptr(&oobnet_tx_queue), skb);
	netif_tx_kick_inband();
	migrate_enable();
}

/**
 * oobnet_tx_send() - Send a packet built on a transmit buffer
 * @od: the state of the real device under skb->dev
 * @skb: the packet, skb->dev its port, referenced by the caller, which
 *	this takes over
 *
 * From the oob stage through the TX thread of an oob-capable device, else
 * through the in-band stack; a packet with a route attached (no cached
 * neighbour) goes through the in-band IP output either way.
 */
void oobnet_tx_send(struct oobnet_dev *od, struct sk_buff *skb)
{
	if (od->tx_thread && !skb_dst(skb))
		oobnet_xmit_queue(od, skb);
	else
		oobnet_tx_relay(od, skb);
}

/* net_tx_action() on this CPU: send what the oob stage queued here. */
void oobnet_tx_backlog(void)
{
	struct sk_buff_head *q = this_cpu_ptr(&oobnet_tx_queue);
	struct sk_buff_head batch;
	struct sk_buff *skb;

	if (skb_queue_empty_lockless(q))
		return;
	__skb_queue_head_init(&batch);
	oobnet_skb_queue_take(q, &batch);

	while ((skb = __skb_dequeue(&batch))) {
		struct net_device *dev = skb->dev;
		int ret;

		/* With a route: no cached neighbour, the IP output finds it. */
		if (skb_dst(skb))
			ret = ip_local_out(dev_net(dev), skb->sk, skb);
		else
			ret = dev_queue_xmit(skb);

		if (unlikely(ret != NET_XMIT_SUCCESS)) {
			struct oobnet_dev *od;

			rcu_read_lock();
			od = oobnet_dev_lookup_rcu(oobnet_real_dev(dev));
			if (od)
				oobnet_dev_count(od, OOBNET_TX_DROP);
			rcu_read_unlock();
		}
		dev_put(dev);
	}
}

static enum cpuhp_state oobnet_tx_cpuhp;

/* A CPU went offline: what it still had to send goes through this one. */
static int oobnet_tx_cpu_dead(unsigned int cpu)
{
	struct sk_buff_head *dead = per_cpu_ptr(&oobnet_tx_queue, cpu);
	struct sk_buff_head batch;
	unsigned long flags;

	__skb_queue_head_init(&batch);
	oobnet_skb_queue_take(dead, &batch);
	if (skb_queue_empty(&batch))
		return 0;

	migrate_disable();
	spin_lock_irqsave(&this_cpu_ptr(&oobnet_tx_queue)->lock, flags);
	skb_queue_splice_tail(&batch, this_cpu_ptr(&oobnet_tx_queue));
	spin_unlock_irqrestore(&this_cpu_ptr(&oobnet_tx_queue)->lock, flags);
	netif_tx_kick_inband();
	migrate_enable();
	return 0;
}

int oobnet_tx_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu)
		skb_queue_head_init(per_cpu_ptr(&oobnet_tx_queue, cpu));
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "net/oobnet:dead",
					NULL, oobnet_tx_cpu_dead);
	if (ret < 0)
		return ret;
	oobnet_tx_cpuhp = ret;
	return 0;
}

/* After unregistering: no backlog runs any more, drop what is left. */
void oobnet_tx_exit(void)
{
	struct sk_buff *skb;
	int cpu;

	cpuhp_remove_state_nocalls(oobnet_tx_cpuhp);
	for_each_possible_cpu(cpu) {
		struct sk_buff_head *q = per_cpu_ptr(&oobnet_tx_queue, cpu);

		while ((skb = skb_dequeue(q))) {
			dev_put(skb->dev);
			oobnet_kfree_skb(skb);
		}
	}
}
