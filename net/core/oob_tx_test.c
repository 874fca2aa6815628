// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: TX queue exclusion between the
 * stages, the in-band TX backlog, queue wake-ups and the receive taps.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/oob_stage.h>
#include <linux/rtnetlink.h>

#include "oob_test.h"

#define OOB_TX_TEST_PROTO	ETH_P_802_EX1
/* How long a holder keeps a TX queue locked. */
#define OOB_TX_TEST_HOLD_MS	300

static struct oob_tx_test {
	struct net_device *dev;
	struct netdev_queue *txq;
	atomic_t backlog_runs;
	int backlog_cpu;
	atomic_t wakes;
	struct netdev_queue *woken;
	atomic_t taps;
	u32 tap_seq;
	bool take;
} oob_tx;

static void oob_tx_test_on_backlog(void)
{
	WRITE_ONCE(oob_tx.backlog_cpu, smp_processor_id());
	atomic_inc(&oob_tx.backlog_runs);
}

static void oob_tx_test_on_wake(struct netdev_queue *txq)
{
	WRITE_ONCE(oob_tx.woken, txq);
	atomic_inc(&oob_tx.wakes);
}

static bool oob_tx_test_deliver(struct sk_buff *skb)
{
	if (!oob_tx.take)
		return false;
	consume_skb(skb);
	return true;
}

static const struct net_oob_ops oob_tx_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-tx",
	.deliver = oob_tx_test_deliver,
	.tx_backlog = oob_tx_test_on_backlog,
	.tx_wake = oob_tx_test_on_wake,
};

static int oob_tx_test_tap(struct sk_buff *skb, struct net_device *dev,
			   struct packet_type *pt, struct net_device *orig)
{
	if (skb->protocol == htons(OOB_TX_TEST_PROTO) &&
	    pskb_may_pull(skb, sizeof(u32))) {
		oob_tx.tap_seq = get_unaligned((u32 *)skb->data);
		atomic_inc(&oob_tx.taps);
	}
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type oob_tx_test_ptype = {
	.type = htons(ETH_P_ALL),
	.func = oob_tx_test_tap,
};

static void oob_tx_test_divert(struct kunit *test, bool on)
{
	int ret = 0;

	rtnl_lock();
	if (on)
		ret = netif_enable_oob_diversion(oob_tx.dev);
	else
		netif_disable_oob_diversion(oob_tx.dev);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, ret, 0);
}

/*
 * TX queue lockers, in-band or oob, each in a thread of its own.  A holder
 * keeps the lock for a while and lets it go by itself: on PREEMPT_RT a
 * task with bottom halves disabled holds up the softirqs, timers included,
 * of its CPU, so it may not wait for the test.  Times taken inside the
 * critical sections tell who had the lock when.  oob lockers run on CPU 0,
 * in-band ones on CPU 1, so that a locker never waits for a holder's CPU
 * rather than for the lock.  Their completions are completed for good
 * (complete_all()): the test and its exit may both wait on them.
 */
enum oob_tx_role {
	OOB_TX_HOLD_OOB,
	OOB_TX_HOLD_INBAND,
	OOB_TX_ONCE_OOB,
	OOB_TX_ONCE_INBAND,
	OOB_TX_TRYLOCK,
};

#define OOB_TX_TEST_THREADS	4

struct oob_tx_locker {
	struct netdev_queue *txq;
	enum oob_tx_role role;
	bool got;
	bool saw_oob_locked;
	bool diverted_at_unlock;
	ktime_t locked_at;
	ktime_t unlocked_at;
	struct completion locked;
	struct completion done;
};

struct oob_tx_switch {
	struct net_device *dev;
	bool on;
	int ret;
	ktime_t done_at;
	struct completion done;
};

static struct oob_tx_locker *oob_tx_lockers[OOB_TX_TEST_THREADS];
static struct oob_tx_switch *oob_tx_switcher;

static bool oob_tx_role_is_oob(enum oob_tx_role role)
{
	return role == OOB_TX_HOLD_OOB || role == OOB_TX_ONCE_OOB;
}

static bool oob_tx_role_holds(enum oob_tx_role role)
{
	return role == OOB_TX_HOLD_OOB || role == OOB_TX_HOLD_INBAND;
}

static void oob_tx_locker_try(struct oob_tx_locker *l)
{
	local_bh_disable();
	l->locked_at = ktime_get();
	l->got = __netif_tx_trylock(l->txq);
	if (l->got)
		__netif_tx_unlock(l->txq);
	local_bh_enable();
}

static int oob_tx_locker_fn(void *arg)
{
	struct oob_tx_locker *l = arg;
	bool oob = oob_tx_role_is_oob(l->role);

	if (l->role == OOB_TX_TRYLOCK) {
		oob_tx_locker_try(l);
		goto out;
	}
	if (oob)
		netif_tx_lock_oob(l->txq);
	else
		__netif_tx_lock_bh(l->txq);
	l->locked_at = ktime_get();
	l->saw_oob_locked = l->txq->oob_xmit_locked;
	complete_all(&l->locked);
	if (oob_tx_role_holds(l->role))
		mdelay(OOB_TX_TEST_HOLD_MS);
	l->diverted_at_unlock = netif_oob_diversion(l->txq->dev);
	l->unlocked_at = ktime_get();
	if (oob)
		netif_tx_unlock_oob(l->txq);
	else
		__netif_tx_unlock_bh(l->txq);
out:
	complete_all(&l->locked);
	complete_all(&l->done);
	return 0;
}

static struct oob_tx_locker *
oob_tx_locker_start(struct kunit *test, enum oob_tx_role role)
{
	struct oob_tx_locker *l;
	struct task_struct *t;
	int i;

	for (i = 0; i < OOB_TX_TEST_THREADS && oob_tx_lockers[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, OOB_TX_TEST_THREADS);
	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->txq = oob_tx.txq;
	l->role = role;
	init_completion(&l->locked);
	init_completion(&l->done);
	t = kthread_create(oob_tx_locker_fn, l, "oob-tx-test/%d", role);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, oob_tx_role_is_oob(role) ? 0 : 1);
	oob_tx_lockers[i] = l;
	wake_up_process(t);
	return l;
}

static void oob_tx_locker_locked(struct kunit *test, struct oob_tx_locker *l)
{
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&l->locked, 5 * HZ), 0UL);
}

static void oob_tx_locker_done(struct kunit *test, struct oob_tx_locker *l)
{
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&l->done, 5 * HZ), 0UL);
}

/* @a got the lock only once @b had let it go. */
static void oob_tx_expect_after(struct kunit *test, struct oob_tx_locker *a,
				struct oob_tx_locker *b)
{
	KUNIT_EXPECT_GE(test, ktime_to_ns(a->locked_at), ktime_to_ns(b->unlocked_at));
}

/* @a tried or got the lock while @b held it. */
static void oob_tx_expect_during(struct kunit *test, struct oob_tx_locker *a,
				 struct oob_tx_locker *b)
{
	KUNIT_EXPECT_LT(test, ktime_to_ns(a->locked_at), ktime_to_ns(b->unlocked_at));
}

static int oob_tx_switch_fn(void *arg)
{
	struct oob_tx_switch *w = arg;

	rtnl_lock();
	if (w->on)
		w->ret = netif_enable_oob_diversion(w->dev);
	else
		netif_disable_oob_diversion(w->dev);
	rtnl_unlock();
	w->done_at = ktime_get();
	complete_all(&w->done);
	return 0;
}

/* Turns diversion on or off from a thread of its own. */
static struct oob_tx_switch *oob_tx_switch_start(struct kunit *test, bool on)
{
	struct oob_tx_switch *w;
	struct task_struct *t;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->dev = oob_tx.dev;
	w->on = on;
	init_completion(&w->done);
	t = kthread_run(oob_tx_switch_fn, w, "oob-tx-switch");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	oob_tx_switcher = w;
	return w;
}

static int oob_tx_test_init(struct kunit *test)
{
	struct net_device *dev;
	int ret;

	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");
	if (!cpu_online(0) || !cpu_online(1))
		kunit_skip(test, "needs CPUs 0 and 1");

	memset(&oob_tx, 0, sizeof(oob_tx));
	memset(oob_tx_lockers, 0, sizeof(oob_tx_lockers));
	oob_tx_switcher = NULL;
	dev = oob_test_register_netdev("oobtx%d", true);
	if (!dev)
		return -ENOMEM;
	ret = net_oob_register(&oob_tx_test_ops);
	if (ret) {
		oob_test_unregister_netdev(dev);
		return ret;
	}
	oob_tx.dev = dev;
	oob_tx.txq = netdev_get_tx_queue(dev, 0);
	return 0;
}

static void oob_tx_test_exit(struct kunit *test)
{
	int i;

	if (!oob_tx.dev)
		return;
	/* A failed assertion may have left threads running. */
	for (i = 0; i < OOB_TX_TEST_THREADS && oob_tx_lockers[i]; i++)
		if (!wait_for_completion_timeout(&oob_tx_lockers[i]->done, 5 * HZ))
			KUNIT_FAIL(test, "TX locker %d stuck", i);
	if (oob_tx_switcher &&
	    !wait_for_completion_timeout(&oob_tx_switcher->done, 5 * HZ))
		KUNIT_FAIL(test, "diversion switch stuck");
	rtnl_lock();
	netif_disable_oob_diversion(oob_tx.dev);
	rtnl_unlock();
	net_oob_unregister(&oob_tx_test_ops);
	oob_test_unregister_netdev(oob_tx.dev);
	oob_tx.dev = NULL;
}

/* An in-band holder of the queue lock keeps the oob stage off the queue. */
static void oob_tx_test_inband_excludes_oob(struct kunit *test)
{
	struct oob_tx_locker *h, *o;

	oob_tx_test_divert(test, true);
	h = oob_tx_locker_start(test, OOB_TX_HOLD_INBAND);
	oob_tx_locker_locked(test, h);
	o = oob_tx_locker_start(test, OOB_TX_ONCE_OOB);
	oob_tx_locker_done(test, o);
	oob_tx_locker_done(test, h);
	KUNIT_EXPECT_TRUE(test, h->saw_oob_locked);
	oob_tx_expect_after(test, o, h);
	KUNIT_EXPECT_FALSE(test, oob_tx.txq->oob_xmit_locked);
}

/* The oob stage holding the queue keeps in-band lockers waiting. */
static void oob_tx_test_oob_excludes_inband(struct kunit *test)
{
	struct oob_tx_locker *o, *h;

	oob_tx_test_divert(test, true);
	o = oob_tx_locker_start(test, OOB_TX_HOLD_OOB);
	oob_tx_locker_locked(test, o);
	h = oob_tx_locker_start(test, OOB_TX_ONCE_INBAND);
	oob_tx_locker_done(test, h);
	oob_tx_locker_done(test, o);
	KUNIT_EXPECT_TRUE(test, h->saw_oob_locked);
	oob_tx_expect_after(test, h, o);
}

/* The trylock flavour gives up on an oob holder and leaves no lock held. */
static void oob_tx_test_trylock(struct kunit *test)
{
	struct oob_tx_locker *o, *t;

	oob_tx_test_divert(test, true);
	o = oob_tx_locker_start(test, OOB_TX_HOLD_OOB);
	oob_tx_locker_locked(test, o);
	t = oob_tx_locker_start(test, OOB_TX_TRYLOCK);
	oob_tx_locker_done(test, t);
	oob_tx_locker_done(test, o);
	KUNIT_EXPECT_FALSE(test, t->got);
	oob_tx_expect_during(test, t, o);

	/* Both locks were left free: the next attempt gets them. */
	t = oob_tx_locker_start(test, OOB_TX_TRYLOCK);
	oob_tx_locker_done(test, t);
	KUNIT_EXPECT_TRUE(test, t->got);
	KUNIT_EXPECT_FALSE(test, oob_tx.txq->oob_xmit_locked);
}

/* Without diversion the in-band lock leaves the oob lock alone. */
static void oob_tx_test_no_diversion(struct kunit *test)
{
	struct oob_tx_locker *o, *h;

	o = oob_tx_locker_start(test, OOB_TX_HOLD_OOB);
	oob_tx_locker_locked(test, o);
	h = oob_tx_locker_start(test, OOB_TX_ONCE_INBAND);
	oob_tx_locker_done(test, h);
	oob_tx_locker_done(test, o);
	KUNIT_EXPECT_FALSE(test, h->saw_oob_locked);
	oob_tx_expect_during(test, h, o);
}

/*
 * Diversion going off under an in-band holder: the holder's unlock
 * releases the oob lock it took.
 */
static void oob_tx_test_diversion_off_while_held(struct kunit *test)
{
	struct oob_tx_locker *h, *o;
	struct oob_tx_switch *w;

	oob_tx_test_divert(test, true);
	h = oob_tx_locker_start(test, OOB_TX_HOLD_INBAND);
	oob_tx_locker_locked(test, h);
	w = oob_tx_switch_start(test, false);
	oob_tx_locker_done(test, h);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&w->done, 5 * HZ), 0UL);
	KUNIT_EXPECT_TRUE(test, h->saw_oob_locked);
	KUNIT_EXPECT_FALSE(test, h->diverted_at_unlock);
	KUNIT_EXPECT_FALSE(test, oob_tx.txq->oob_xmit_locked);

	o = oob_tx_locker_start(test, OOB_TX_ONCE_OOB);
	oob_tx_locker_done(test, o);
}

/*
 * Turning diversion on waits for the in-band holders that took the queue
 * lock without the oob lock.
 */
static void oob_tx_test_enable_waits_for_holders(struct kunit *test)
{
	struct oob_tx_locker *h;
	struct oob_tx_switch *w;

	h = oob_tx_locker_start(test, OOB_TX_HOLD_INBAND);
	oob_tx_locker_locked(test, h);
	w = oob_tx_switch_start(test, true);
	oob_tx_locker_done(test, h);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&w->done, 5 * HZ), 0UL);
	KUNIT_EXPECT_FALSE(test, h->saw_oob_locked);
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_GE(test, ktime_to_ns(w->done_at), ktime_to_ns(h->unlocked_at));
	KUNIT_EXPECT_TRUE(test, netif_oob_diversion(oob_tx.dev));
}

/* A kick from any stage runs the companion's backlog in net_tx_action(). */
static void oob_tx_test_backlog_kick(struct kunit *test)
{
	int i, cpu;

	/* Nothing else runs net_tx_action() here: the run is the kick's. */
	msleep(100);
	KUNIT_ASSERT_EQ(test, atomic_read(&oob_tx.backlog_runs), 0);

	oob_stage_enter();
	migrate_disable();
	cpu = smp_processor_id();
	netif_tx_kick_inband();
	migrate_enable();
	oob_stage_leave();

	for (i = 0; i < 100 && !atomic_read(&oob_tx.backlog_runs); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.backlog_runs), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(oob_tx.backlog_cpu), cpu);
}

/* Restarting a stopped queue tells the companion, if it diverts. */
static void oob_tx_test_wake(struct kunit *test)
{
	netif_tx_stop_queue(oob_tx.txq);
	netif_tx_wake_queue(oob_tx.txq);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.wakes), 0);

	oob_tx_test_divert(test, true);
	netif_tx_stop_queue(oob_tx.txq);
	netif_tx_wake_queue(oob_tx.txq);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.wakes), 1);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(oob_tx.woken), oob_tx.txq);

	/* A queue that was not stopped wakes nobody. */
	netif_tx_wake_queue(oob_tx.txq);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.wakes), 1);
}

/* The taps miss what the companion takes, until it shows it to them. */
static void oob_tx_test_recv_nit(struct kunit *test)
{
	struct sk_buff *skb;
	int ret;

	oob_tx_test_ptype.dev = oob_tx.dev;
	dev_add_pack(&oob_tx_test_ptype);
	oob_tx_test_divert(test, true);
	oob_tx.take = true;

	skb = oob_test_rx_skb(oob_tx.dev, OOB_TX_TEST_PROTO, 1, GFP_KERNEL);
	if (!skb) {
		KUNIT_FAIL(test, "no skb");
		goto out;
	}
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.taps), 0);

	skb = oob_test_rx_skb(oob_tx.dev, OOB_TX_TEST_PROTO, 42, GFP_KERNEL);
	if (!skb) {
		KUNIT_FAIL(test, "no skb");
		goto out;
	}
	ret = dev_queue_recv_nit(skb, oob_tx.dev);
	KUNIT_EXPECT_GE(test, ret, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.taps), 1);
	KUNIT_EXPECT_EQ(test, oob_tx.tap_seq, 42U);
	/* The caller still owns its packet; the taps let their clone go. */
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1U);
	KUNIT_EXPECT_FALSE(test, skb_cloned(skb));
	kfree_skb(skb);
out:
	dev_remove_pack(&oob_tx_test_ptype);
}

/*
 * A packet socket of another namespace would drop what it is shown: it is
 * shown nothing, and no clone is made for it.
 */
static void oob_tx_test_recv_nit_other_netns(struct kunit *test)
{
	/* Never a live namespace: taps only compare it. */
	struct net *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, other);
	skb = oob_test_rx_skb(oob_tx.dev, OOB_TX_TEST_PROTO, 7, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	oob_tx_test_ptype.dev = NULL;
	oob_tx_test_ptype.af_packet_net = other;
	dev_add_pack(&oob_tx_test_ptype);
	KUNIT_EXPECT_EQ(test, dev_queue_recv_nit(skb, oob_tx.dev), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.taps), 0);
	dev_remove_pack(&oob_tx_test_ptype);

	oob_tx_test_ptype.af_packet_net = dev_net(oob_tx.dev);
	dev_add_pack(&oob_tx_test_ptype);
	KUNIT_EXPECT_EQ(test, dev_queue_recv_nit(skb, oob_tx.dev), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_tx.taps), 1);
	dev_remove_pack(&oob_tx_test_ptype);

	oob_tx_test_ptype.af_packet_net = NULL;
	KUNIT_EXPECT_EQ(test, refcount_read(&skb->users), 1U);
	kfree_skb(skb);
}

static struct kunit_case oob_tx_test_cases[] = {
	KUNIT_CASE(oob_tx_test_inband_excludes_oob),
	KUNIT_CASE(oob_tx_test_oob_excludes_inband),
	KUNIT_CASE(oob_tx_test_trylock),
	KUNIT_CASE(oob_tx_test_no_diversion),
	KUNIT_CASE(oob_tx_test_diversion_off_while_held),
	KUNIT_CASE(oob_tx_test_enable_waits_for_holders),
	KUNIT_CASE(oob_tx_test_backlog_kick),
	KUNIT_CASE(oob_tx_test_wake),
	KUNIT_CASE(oob_tx_test_recv_nit),
	KUNIT_CASE(oob_tx_test_recv_nit_other_netns),
	{}
};

static struct kunit_suite oob_tx_test_suite = {
	.name = "net_oob_tx",
	.init = oob_tx_test_init,
	.exit = oob_tx_test_exit,
	.test_cases = oob_tx_test_cases,
};

kunit_test_suites(&oob_tx_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: transmit side");
MODULE_LICENSE("GPL");
