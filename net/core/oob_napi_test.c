// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: NAPI rerouting and receive kicks.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/filter.h>
#include <linux/module.h>
#include <linux/oob_stage.h>
#include <linux/rtnetlink.h>

#include "oob_test.h"

#define OOB_NAPI_TEST_PROTO	ETH_P_802_EX1

static struct oob_napi_test {
	struct net_device *dev;
	struct napi_struct napi;
	int pending;		/* packets the next poll receives */
	atomic_t polls;
	atomic_t polls_oob;	/* polls that ran on the oob stage */
	atomic_t polls_bare;	/* polls without a bpf_net_context */
	atomic_t delivered;
	atomic_t delivered_oob;
	atomic_t scheduled;	/* net_oob_ops.napi_schedule calls */
	atomic_t kicks;		/* net_oob_ops.kick_rx calls */
	struct completion polled;
	bool registered;
} oob_napi;

static struct sk_buff *oob_napi_test_skb(void)
{
	return oob_test_rx_skb(oob_napi.dev, OOB_NAPI_TEST_PROTO, 0, GFP_ATOMIC);
}

/* The driver's poll: receives what is pending, completes when done. */
static int oob_napi_test_poll(struct napi_struct *napi, int budget)
{
	struct sk_buff *skb;
	int done = 0;

	atomic_inc(&oob_napi.polls);
	if (running_oob())
		atomic_inc(&oob_napi.polls_oob);
	/* A driver's XDP redirect would dereference it. */
	if (!bpf_net_ctx_get())
		atomic_inc(&oob_napi.polls_bare);
	while (done < budget && oob_napi.pending > 0) {
		skb = oob_napi_test_skb();
		if (skb)
			netif_receive_skb(skb);
		oob_napi.pending--;
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	complete(&oob_napi.polled);
	return done;
}

static bool oob_napi_test_deliver(struct sk_buff *skb)
{
	atomic_inc(&oob_napi.delivered);
	if (running_oob())
		atomic_inc(&oob_napi.delivered_oob);
	consume_skb(skb);
	return true;
}

static void oob_napi_test_schedule(struct napi_struct *n)
{
	if (n == &oob_napi.napi)
		atomic_inc(&oob_napi.scheduled);
}

static void oob_napi_test_kick(struct net_device *dev)
{
	if (dev == oob_napi.dev)
		atomic_inc(&oob_napi.kicks);
}

static const struct net_oob_ops oob_napi_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-napi",
	.deliver = oob_napi_test_deliver,
	.napi_schedule = oob_napi_test_schedule,
	.kick_rx = oob_napi_test_kick,
};

static int oob_napi_test_setup(struct kunit *test, bool capable)
{
	struct net_device *dev;
	int ret;

	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");

	memset(&oob_napi, 0, sizeof(oob_napi));
	init_completion(&oob_napi.polled);

	dev = oob_test_register_netdev("oobnapi%d", capable);
	if (!dev)
		return -ENOMEM;
	oob_napi.dev = dev;
	netif_napi_add(dev, &oob_napi.napi, oob_napi_test_poll);
	napi_enable(&oob_napi.napi);

	ret = net_oob_register(&oob_napi_test_ops);
	if (ret)
		return ret;
	oob_napi.registered = true;
	rtnl_lock();
	ret = netif_enable_oob_diversion(dev);
	rtnl_unlock();

	return ret;
}

static void oob_napi_test_exit(struct kunit *test)
{
	struct net_device *dev = oob_napi.dev;

	if (!dev)
		return;
	/* Nobody polls an instance left to the companion: drop it. */
	if (napi_is_oob(&oob_napi.napi))
		while (test_bit(NAPI_STATE_SCHED, &oob_napi.napi.state))
			napi_schedule_unprep(&oob_napi.napi);
	rtnl_lock();
	netif_disable_oob_diversion(dev);
	rtnl_unlock();
	if (oob_napi.registered)
		net_oob_unregister(&oob_napi_test_ops);
	napi_disable(&oob_napi.napi);
	netif_napi_del(&oob_napi.napi);
	oob_test_unregister_netdev(dev);
	oob_napi.dev = NULL;
}

/* No softirq poll for a capable device's instance: the companion gets it. */
static void oob_napi_test_capable_rerouted(struct kunit *test)
{
	LIST_HEAD(repoll);
	int work;

	KUNIT_ASSERT_EQ(test, oob_napi_test_setup(test, true), 0);
	KUNIT_ASSERT_TRUE(test, napi_is_oob(&oob_napi.napi));

	oob_napi.pending = 3;
	local_bh_disable();
	KUNIT_EXPECT_TRUE(test, napi_schedule(&oob_napi.napi));
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls), 0);

	/* What the companion's RX thread does. */
	oob_stage_enter();
	work = napi_poll_oob(&oob_napi.napi, &repoll);
	oob_stage_leave();

	KUNIT_EXPECT_EQ(test, work, 3);
	KUNIT_EXPECT_TRUE(test, list_empty(&repoll));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls_oob), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls_bare), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.delivered_oob), 3);
	KUNIT_EXPECT_FALSE(test, test_bit(NAPI_STATE_SCHED, &oob_napi.napi.state));
	/* Completing on the oob stage needs no wake-up. */
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 1);

	/*
	 * Nor completing in-band, as when the softirq polled the instance
	 * while diversion came on: the companion must not take an instance
	 * napi_complete_done() is still completing.
	 */
	oob_napi.pending = 2;
	KUNIT_ASSERT_TRUE(test, napi_schedule_prep(&oob_napi.napi));
	work = napi_poll_oob(&oob_napi.napi, &repoll);
	KUNIT_EXPECT_EQ(test, work, 2);
	KUNIT_EXPECT_FALSE(test, test_bit(NAPI_STATE_SCHED, &oob_napi.napi.state));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 1);
}

/* A stock driver polls in-band; its completion wakes the companion. */
static void oob_napi_test_stock_wakes(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, oob_napi_test_setup(test, false), 0);
	KUNIT_ASSERT_FALSE(test, napi_is_oob(&oob_napi.napi));

	oob_napi.pending = 2;
	local_bh_disable();
	KUNIT_EXPECT_TRUE(test, napi_schedule(&oob_napi.napi));
	local_bh_enable();
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&oob_napi.polled, 5 * HZ), 0UL);

	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.polls_oob), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.delivered), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.delivered_oob), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 1);
}

static void oob_napi_test_unprep(struct kunit *test)
{
	struct napi_struct *n = &oob_napi.napi;

	KUNIT_ASSERT_EQ(test, oob_napi_test_setup(test, true), 0);

	KUNIT_EXPECT_TRUE(test, napi_schedule_prep(n));
	KUNIT_EXPECT_TRUE(test, napi_schedule_unprep(n));
	KUNIT_EXPECT_FALSE(test, test_bit(NAPI_STATE_SCHED, &n->state));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 0);

	/* Scheduled again meanwhile: not idle, and handed over anew. */
	KUNIT_EXPECT_TRUE(test, napi_schedule_prep(n));
	KUNIT_EXPECT_FALSE(test, napi_schedule_prep(n));
	KUNIT_EXPECT_FALSE(test, napi_schedule_unprep(n));
	KUNIT_EXPECT_TRUE(test, test_bit(NAPI_STATE_SCHED, &n->state));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.scheduled), 1);

	KUNIT_EXPECT_TRUE(test, napi_schedule_unprep(n));
}

/* netif_rx() kicks the companion for the packets it diverted. */
static void oob_napi_test_netif_rx_kick(struct kunit *test)
{
	struct sk_buff *skb;

	KUNIT_ASSERT_EQ(test, oob_napi_test_setup(test, false), 0);
	skb = oob_napi_test_skb();
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, netif_rx(skb), NET_RX_SUCCESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.delivered), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_napi.kicks), 1);
}

static struct kunit_case oob_napi_test_cases[] = {
	KUNIT_CASE(oob_napi_test_capable_rerouted),
	KUNIT_CASE(oob_napi_test_stock_wakes),
	KUNIT_CASE(oob_napi_test_unprep),
	KUNIT_CASE(oob_napi_test_netif_rx_kick),
	{}
};

static struct kunit_suite oob_napi_test_suite = {
	.name = "net_oob_napi",
	.exit = oob_napi_test_exit,
	.test_cases = oob_napi_test_cases,
};

kunit_test_suites(&oob_napi_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: NAPI rerouting");
MODULE_LICENSE("GPL");
