// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "oob/splat.hpp"

TEST(Splat, CleanBootHasNone)
{
	const char *log =
		"[    0.000000] Linux version 6.12.57-oob\n"
		"[    1.000000] e1000e: Intel(R) PRO/1000 Network Driver\n"
		"[    2.000000]     ok 1 gso_test_func\n"
		"[    2.100000] lkdtm: No crash points registered, enable through debugfs\n"
		"oob-runner: nettest-tcp-e1000e PASS in 812 ms\n";
	EXPECT_TRUE(oob::splat::scan(log).empty());
}

// The banners as 6.12 prints them, each named for what it is.
TEST(Splat, EachKindIsFound)
{
	const std::pair<const char *, const char *> cases[] = {
		{"WARN", "[   5.1] WARNING: CPU: 1 PID: 77 at net/core/dev.c:123 foo+0x1/0x2"},
		{"WARN", "[   5.1] [    T42] WARNING: a banner nobody listed"},
		{"BUG", "[   5.1] BUG: kernel NULL pointer dereference, address: 0000000000000008"},
		{"Oops", "[   5.1] Oops: 0002 [#1] PREEMPT_RT SMP"},
		{"lockdep", "[   5.1] WARNING: possible circular locking dependency detected"},
		{"lockdep", "[   5.1] WARNING: possible irq lock inversion dependency detected"},
		{"lockdep", "[   5.1] WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"},
		{"lockdep", "[   5.1] WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"},
		{"lockdep", "[   5.1] WARNING: bad unlock balance detected!"},
		{"lockdep", "[   5.1] WARNING: held lock freed!"},
		{"lockdep", "[   5.1] WARNING: suspicious RCU usage"},
		{"lockdep", "[   5.1] WARNING: inconsistent lock state"},
		{"RCU stall", "[  70.0] rcu: INFO: rcu_preempt self-detected stall on CPU"},
		{"RCU stall", "[  70.0] INFO: rcu_tasks detected stalls on tasks:"},
		{"sleep in atomic",
		 "[   5.1] BUG: sleeping function called from invalid context at x.c:1"},
		{"sleep in atomic",
		 "[   5.1] BUG: scheduling while atomic: swapper/0/0/0x00000002"},
		{"hung task",
		 "[ 120.0] INFO: task kworker/0:1:33 blocked for more than 60 seconds."},
		{"KASAN", "[   5.1] BUG: KASAN: slab-use-after-free in foo+0x12/0x40"},
		{"KFENCE", "[   5.1] BUG: KFENCE: out-of-bounds read in foo+0x12/0x40"},
		{"UBSAN", "[   5.1] UBSAN: array-index-out-of-bounds in net/core/oob.c:12:3"},
		{"soft lockup", "[  40.0] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [x:1]"},
		{"workqueue lockup", "[  40.0] BUG: workqueue lockup - pool cpus=0 node=0"},
		{"kmemleak", "[ 300.0] kmemleak: 2 new suspected memory leaks (see "
			     "/sys/kernel/debug/kmemleak)"},
		{"list corruption", "[   5.1] list_del corruption. prev->next should be ffff"},
		{"netdev refcount leak",
		 "[  99.0] unregister_netdevice: waiting for e1b to become free. Usage count = 2"},
		{"reference tracker",
		 "[  99.0] ref_tracker: netdev@ffff888004c2c5c8 has 1/1 users at"},
		{"page_pool leak", "[ 160.0] page_pool_release_retry() stalled pool shutdown: id "
				   "4, 2 inflight 60 sec"},
		{"e1000e TX hang",
		 "[  50.0] e1000e 0000:00:02.0 e1b: Detected Hardware Unit Hang:"},
		{"panic", "[   5.1] Kernel panic - not syncing: Fatal exception"},
	};
	for (const auto &[kind, line] : cases) {
		auto f = oob::splat::scan(std::string("boot\n") + line + "\nmore\n");
		ASSERT_EQ(f.size(), 1U) << line;
		EXPECT_EQ(f[0].line, 2U);
		EXPECT_EQ(f[0].kind, kind) << line;
	}
}

// Lines that mention a warning but are not a kernel report.
TEST(Splat, WarningInsideALineIsNotABanner)
{
	const char *log =
		"[   0.1] RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable\n"
		"oob-runner: udp:errors PASS in 20 ms\n";
	EXPECT_TRUE(oob::splat::scan(log).empty());
}

TEST(Splat, OneReportCountsOnceAndTheNextCountsAgain)
{
	std::string log = "x\n"
			  "------------[ cut here ]------------\n"
			  "WARNING: CPU: 0 PID: 1 at a.c:1 f\n"
			  "Call Trace:\n"
			  " <TASK>\n"
			  "WARNING: this line is inside the first trace\n"
			  "---[ end trace 0000000000000000 ]---\n"
			  "WARNING: CPU: 1 PID: 2 at b.c:2 g\n"
			  "---[ end trace 0000000000000000 ]---\n";
	auto f = oob::splat::scan(log);
	ASSERT_EQ(f.size(), 2U);
	EXPECT_EQ(f[0].line, 3U);
	EXPECT_EQ(f[1].line, 8U);
	EXPECT_NE(f[0].excerpt.find("Call Trace"), std::string::npos);
}
