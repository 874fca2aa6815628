// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: companion registration.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/net_oob.h>

static const struct net_oob_ops oob_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit",
};

static const struct net_oob_ops oob_test_other_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-other",
};

static int oob_companion_test_init(struct kunit *test)
{
	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");
	return 0;
}

static void oob_companion_test_register(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, net_oob_register(&oob_test_ops), 0);
	KUNIT_EXPECT_TRUE(test, net_oob_companion());
	net_oob_unregister(&oob_test_ops);
	KUNIT_EXPECT_FALSE(test, net_oob_companion());
}

static void oob_companion_test_second_is_busy(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, net_oob_register(&oob_test_ops), 0);
	KUNIT_EXPECT_EQ(test, net_oob_register(&oob_test_other_ops), -EBUSY);
	KUNIT_EXPECT_EQ(test, net_oob_register(&oob_test_ops), -EBUSY);
	net_oob_unregister(&oob_test_ops);
	KUNIT_EXPECT_FALSE(test, net_oob_companion());

	/* The slot is free again once the first one has gone. */
	KUNIT_ASSERT_EQ(test, net_oob_register(&oob_test_other_ops), 0);
	net_oob_unregister(&oob_test_other_ops);
}

static struct kunit_case oob_companion_test_cases[] = {
	KUNIT_CASE(oob_companion_test_register),
	KUNIT_CASE(oob_companion_test_second_is_busy),
	{}
};

static struct kunit_suite oob_companion_test_suite = {
	.name = "net_oob_companion",
	.init = oob_companion_test_init,
	.test_cases = oob_companion_test_cases,
};

kunit_test_suites(&oob_companion_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: companion registration");
MODULE_LICENSE("GPL");
