// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the out-of-band stage shim.
 */
#include <kunit/test.h>
#include <linux/irq_work.h>
#include <linux/oob_stage.h>

/* Stage shim */

static void oob_stage_test_mark(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, running_oob());
	KUNIT_EXPECT_TRUE(test, running_inband());

	oob_stage_enter();
	KUNIT_EXPECT_TRUE(test, running_oob());
	KUNIT_EXPECT_FALSE(test, running_inband());

	oob_stage_leave();
	KUNIT_EXPECT_FALSE(test, running_oob());
	KUNIT_EXPECT_TRUE(test, running_inband());
}

struct oob_stage_probe {
	struct irq_work work;
	bool seen_oob;
	bool ran;
};

static void oob_stage_probe_fn(struct irq_work *work)
{
	struct oob_stage_probe *p = container_of(work, struct oob_stage_probe, work);

	p->seen_oob = running_oob();
	p->ran = true;
}

/* A hard interrupt taken over an oob task is in-band work. */
static void oob_stage_test_hardirq_is_inband(struct kunit *test)
{
	struct oob_stage_probe p = {
		.work = IRQ_WORK_INIT_HARD(oob_stage_probe_fn),
	};

	oob_stage_enter();
	preempt_disable();
	irq_work_queue(&p.work);
	preempt_enable();
	irq_work_sync(&p.work);
	oob_stage_leave();

	KUNIT_ASSERT_TRUE(test, p.ran);
	KUNIT_EXPECT_FALSE(test, p.seen_oob);
}

/* Only serving softirqs is in-band work, not keeping them off. */
static void oob_stage_test_bh_disabled_stays_oob(struct kunit *test)
{
	oob_stage_enter();
	local_bh_disable();
	/* Disabling bottom halves is not serving them. */
	KUNIT_EXPECT_TRUE(test, running_oob());
	local_bh_enable();
	oob_stage_leave();
}

static struct kunit_case oob_stage_test_cases[] = {
	KUNIT_CASE(oob_stage_test_mark),
	KUNIT_CASE(oob_stage_test_hardirq_is_inband),
	KUNIT_CASE(oob_stage_test_bh_disabled_stays_oob),
	{}
};

static struct kunit_suite oob_stage_test_suite = {
	.name = "net_oob_stage",
	.test_cases = oob_stage_test_cases,
};

kunit_test_suites(&oob_stage_test_suite);

MODULE_DESCRIPTION("KUnit tests for the out-of-band stage shim");
MODULE_LICENSE("GPL");
