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
 * An oob-capable device is sent to from the oob stage (xmit.c).  Any
 * other device transmits in-band: the sender queues its packet for the
 * device's relay thread, oobnet-ib/<dev>, which hands it to
 * dev_queue_xmit(), or to the IP output for a datagram whose neighbour was
 * not cached (on any device).  The relay is an in-band kthread at a
 * SCHED_FIFO priority below the RX and TX threads': the in-band transmit
 * of oob traffic waits neither for ksoftirqd nor behind normal tasks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <net/ip.h>
#include <net/page_pool/helpers.h>

#include "oobnet.h"
#include "trace.h"

static unsigned int relay_prio = 49;
module_param(relay_prio, uint, 0644);
MODULE_PARM_DESC(relay_prio,
		 "SCHED_FIFO priority of the in-band relay threads, taken when a device's first port comes up (1-99, default 49)");

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
	unsigned long flags;

	trace_oobnet_tx_relay(skb->dev, skb, skb_dst(skb));
	spin_lock_irqsave(&od->relay_queue.lock, flags);
	if (unlikely(od->relay_closed)) {
		spin_unlock_irqrestore(&od->relay_queue.lock, flags);
		oobnet_dev_count(od, OOBNET_TX_DROP);
		dev_put(skb->dev);
		oobnet_kfree_skb(skb);
		return;
	}
	__skb_queue_tail(&od->relay_queue, skb);
	spin_unlock_irqrestore(&od->relay_queue.lock, flags);
	oobnet_dev_count(od, OOBNET_TX_INBAND);
	wake_up(&od->relay_wait);
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

/* In-band: sends what the oob stage relayed, each packet as queued. */
static void oobnet_relay_batch(struct oobnet_dev *od)
{
	struct sk_buff_head batch;
	struct sk_buff *skb;

	__skb_queue_head_init(&batch);
	oobnet_skb_queue_take(&od->relay_queue, &batch);
	while ((skb = __skb_dequeue(&batch))) {
		struct net_device *dev = skb->dev;
		int ret;

		/* With a route: no cached neighbour, the IP output finds it. */
		if (skb_dst(skb))
			ret = ip_local_out(dev_net(dev), skb->sk, skb);
		else
			ret = dev_queue_xmit(skb);
		if (unlikely(ret != NET_XMIT_SUCCESS))
			oobnet_dev_count(od, OOBNET_TX_DROP);
		dev_put(dev);
	}
}

static int oobnet_relay_thread(void *arg)
{
	struct oobnet_dev *od = arg;

	while (!kthread_should_stop()) {
		wait_event_idle(od->relay_wait,
				!skb_queue_empty_lockless(&od->relay_queue) ||
				kthread_should_stop());
		oobnet_relay_batch(od);
	}
	/* Closed: nothing comes after what is queued. */
	oobnet_relay_batch(od);
	return 0;
}

/* When a real device gets its oob state: its relay thread. */
int oobnet_relay_start(struct oobnet_dev *od)
{
	struct task_struct *t;

	skb_queue_head_init(&od->relay_queue);
	init_waitqueue_head(&od->relay_wait);
	t = kthread_create(oobnet_relay_thread, od, "oobnet-ib/%s",
			   od->real->name);
	if (IS_ERR(t))
		return PTR_ERR(t);
	oobnet_thread_setup(t, READ_ONCE(relay_prio));
	od->relay_thread = t;
	wake_up_process(t);
	return 0;
}

/* The device's oob state goes: what was relayed is sent, nothing more. */
void oobnet_relay_stop(struct oobnet_dev *od)
{
	unsigned long flags;

	spin_lock_irqsave(&od->relay_queue.lock, flags);
	od->relay_closed = true;
	spin_unlock_irqrestore(&od->relay_queue.lock, flags);
	kthread_stop(od->relay_thread);
}
