// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: the receive gate's ownership
 * contract and the in-band relay.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/oob_stage.h>
#include <linux/rtnetlink.h>

#include "oob_test.h"

#define OOB_RX_TEST_PROTO	ETH_P_802_EX1
#define OOB_RX_TEST_BURST	64

static struct oob_rx_test {
	struct net_device *dev;
	bool take;
	bool free_taken;
	atomic_t freed;
	atomic_t offered;
	struct sk_buff_head taken;
	/* What reached the in-band stack, in arrival order. */
	u32 inband_seq[OOB_RX_TEST_BURST];
	atomic_t inband;
	int expect_inband;
	struct completion inband_done;
} oob_rx;

static bool oob_rx_test_deliver(struct sk_buff *skb)
{
	atomic_inc(&oob_rx.offered);
	if (!oob_rx.take)
		return false;
	if (oob_rx.free_taken) {
		atomic_inc(&oob_rx.freed);
		consume_skb(skb);
		return true;
	}
	skb_queue_tail(&oob_rx.taken, skb);
	return true;
}

static const struct net_oob_ops oob_rx_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-rx",
	.deliver = oob_rx_test_deliver,
};

static int oob_rx_test_inband(struct sk_buff *skb, struct net_device *dev,
			      struct packet_type *pt, struct net_device *orig)
{
	int n = atomic_fetch_inc(&oob_rx.inband);

	if (n < OOB_RX_TEST_BURST && pskb_may_pull(skb, sizeof(u32)))
		oob_rx.inband_seq[n] = get_unaligned((u32 *)skb->data);
	if (n + 1 == oob_rx.expect_inband)
		complete(&oob_rx.inband_done);
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type oob_rx_test_ptype = {
	.type = htons(OOB_RX_TEST_PROTO),
	.func = oob_rx_test_inband,
};

static struct sk_buff *oob_rx_test_skb(struct kunit *test, u32 seq)
{
	struct sk_buff *skb;

	skb = oob_test_rx_skb(oob_rx.dev, OOB_RX_TEST_PROTO, seq, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void oob_rx_test_receive(struct kunit *test, struct sk_buff *skb)
{
	int ret;

	local_bh_disable();
	ret = netif_receive_skb(skb);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, NET_RX_SUCCESS);
}

static int oob_rx_test_init(struct kunit *test)
{
	struct net_device *dev;
	int ret;

	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");

	memset(&oob_rx, 0, sizeof(oob_rx));
	skb_queue_head_init(&oob_rx.taken);
	init_completion(&oob_rx.inband_done);

	dev = oob_test_register_netdev("oobrx%d", false);
	if (!dev)
		return -ENOMEM;
	oob_rx.dev = dev;
	oob_rx_test_ptype.dev = dev;
	dev_add_pack(&oob_rx_test_ptype);

	ret = net_oob_register(&oob_rx_test_ops);
	if (ret) {
		dev_remove_pack(&oob_rx_test_ptype);
		oob_test_unregister_netdev(dev);
		oob_rx.dev = NULL;
		return ret;
	}
	rtnl_lock();
	ret = netif_enable_oob_diversion(dev);
	rtnl_unlock();

	return ret;
}

static void oob_rx_test_exit(struct kunit *test)
{
	if (!oob_rx.dev)
		return;
	rtnl_lock();
	netif_disable_oob_diversion(oob_rx.dev);
	rtnl_unlock();
	net_oob_unregister(&oob_rx_test_ops);
	dev_remove_pack(&oob_rx_test_ptype);
	oob_test_unregister_netdev(oob_rx.dev);
	skb_queue_purge(&oob_rx.taken);
	oob_rx.dev = NULL;
}

/* true: the companion owns the packet, the stack never sees it */
static void oob_rx_test_taken(struct kunit *test)
{
	oob_rx.take = true;
	oob_rx_test_receive(test, oob_rx_test_skb(test, 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&oob_rx.taken), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.inband), 0);
}

/* false, in-band: the caller keeps the packet and the stack delivers it */
static void oob_rx_test_declined_inband(struct kunit *test)
{
	oob_rx_test_receive(test, oob_rx_test_skb(test, 7));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&oob_rx.taken), 0U);
	KUNIT_ASSERT_EQ(test, atomic_read(&oob_rx.inband), 1);
	KUNIT_EXPECT_EQ(test, oob_rx.inband_seq[0], 7U);
}

/* Without diversion the companion is never asked. */
static void oob_rx_test_no_diversion(struct kunit *test)
{
	rtnl_lock();
	netif_disable_oob_diversion(oob_rx.dev);
	rtnl_unlock();
	oob_rx.take = true;
	oob_rx_test_receive(test, oob_rx_test_skb(test, 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.inband), 1);
}

/* The list entry (GRO's flush path) splits taken and declined packets. */
static void oob_rx_test_list(struct kunit *test)
{
	struct sk_buff *skb;
	LIST_HEAD(list);
	int i;

	oob_rx.take = true;
	for (i = 0; i < 8; i++) {
		skb = oob_rx_test_skb(test, i);
		list_add_tail(&skb->list, &list);
	}
	local_bh_disable();
	netif_receive_skb_list(&list);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), 8);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&oob_rx.taken), 8U);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.inband), 0);
}

/*
 * Declined on the oob stage: the gate takes the packet all the same and
 * relays it, and the in-band stack gets the burst later, complete and in
 * order.
 */
static void oob_rx_test_relay_in_order(struct kunit *test)
{
	int i;

	oob_rx.expect_inband = OOB_RX_TEST_BURST;
	oob_stage_enter();
	for (i = 0; i < OOB_RX_TEST_BURST; i++)
		oob_rx_test_receive(test, oob_rx_test_skb(test, i));
	oob_stage_leave();

	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&oob_rx.inband_done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), OOB_RX_TEST_BURST);
	KUNIT_ASSERT_EQ(test, atomic_read(&oob_rx.inband), OOB_RX_TEST_BURST);
	for (i = 0; i < OOB_RX_TEST_BURST; i++)
		KUNIT_EXPECT_EQ(test, oob_rx.inband_seq[i], (u32)i);
}

static atomic_t oob_rx_sent;

/* Feeds the device with packets, as its driver would, until stopped. */
static int oob_rx_test_sender(void *arg)
{
	struct sk_buff *skb;
	u32 seq = 0;

	while (!kthread_should_stop()) {
		skb = oob_test_rx_skb(oob_rx.dev, OOB_RX_TEST_PROTO, seq++,
				      GFP_KERNEL);
		if (!skb) {
			usleep_range(1000, 2000);
			continue;
		}
		local_bh_disable();
		netif_receive_skb(skb);
		local_bh_enable();
		atomic_inc(&oob_rx_sent);
		cond_resched();
	}
	return 0;
}

/*
 * The companion comes and goes, diversion with it, under traffic: every
 * packet is either taken by the companion or delivered in-band, none lost
 * nor seen twice, and once net_oob_unregister() returns the companion is
 * never called again.
 */
static void oob_rx_test_register_race(struct kunit *test)
{
	struct task_struct *sender;
	int i, offered, ret = 0;

	oob_rx.take = true;
	oob_rx.free_taken = true;
	oob_rx.expect_inband = -1;
	atomic_set(&oob_rx_sent, 0);
	sender = kthread_run(oob_rx_test_sender, NULL, "oob-rx-sender");
	KUNIT_ASSERT_FALSE(test, IS_ERR(sender));
	rtnl_lock();
	netif_disable_oob_diversion(oob_rx.dev);
	rtnl_unlock();
	net_oob_unregister(&oob_rx_test_ops);

	for (i = 0; i < 20 && !ret; i++) {
		ret = net_oob_register(&oob_rx_test_ops);
		if (ret)
			break;
		rtnl_lock();
		ret = netif_enable_oob_diversion(oob_rx.dev);
		rtnl_unlock();
		usleep_range(5000, 10000);
		rtnl_lock();
		netif_disable_oob_diversion(oob_rx.dev);
		rtnl_unlock();
		net_oob_unregister(&oob_rx_test_ops);

		offered = atomic_read(&oob_rx.offered);
		usleep_range(2000, 4000);
		KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), offered);
	}
	kthread_stop(sender);
	KUNIT_EXPECT_EQ(test, ret, 0);

	KUNIT_EXPECT_GT(test, atomic_read(&oob_rx.freed), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&oob_rx.inband), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.freed) + atomic_read(&oob_rx.inband),
			atomic_read(&oob_rx_sent));
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_rx.offered), atomic_read(&oob_rx.freed));

	/* Leave things as the suite's exit expects them. */
	KUNIT_ASSERT_EQ(test, net_oob_register(&oob_rx_test_ops), 0);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(oob_rx.dev), 0);
	rtnl_unlock();
}

static struct kunit_case oob_rx_test_cases[] = {
	KUNIT_CASE(oob_rx_test_taken),
	KUNIT_CASE(oob_rx_test_declined_inband),
	KUNIT_CASE(oob_rx_test_no_diversion),
	KUNIT_CASE(oob_rx_test_list),
	KUNIT_CASE(oob_rx_test_relay_in_order),
	KUNIT_CASE(oob_rx_test_register_race),
	{}
};

static struct kunit_suite oob_rx_test_suite = {
	.name = "net_oob_rx",
	.init = oob_rx_test_init,
	.exit = oob_rx_test_exit,
	.test_cases = oob_rx_test_cases,
};

kunit_test_suites(&oob_rx_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: receive gate and relay");
MODULE_LICENSE("GPL");
