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

TEST(Splat, EachKindIsFound)
{
	const std::pair<const char *, const char *> cases[] = {
		{"WARN", "[   5.1] WARNING: CPU: 1 PID: 77 at net/core/dev.c:123 foo+0x1/0x2"},
		{"BUG", "[   5.1] BUG: kernel NULL pointer dereference, address: 0000000000000008"},
		{"Oops", "[   5.1] Oops: 0002 [#1] PREEMPT_RT SMP"},
		{"lockdep", "[   5.1] WARNING: possible circular locking dependency detected"},
		{"RCU stall", "[  70.0] rcu: INFO: rcu_preempt self-detected stall on CPU"},
		{"sleep in atomic",
		 "[   5.1] BUG: sleeping function called from invalid context at x.c:1"},
		{"sleep in atomic", "[   5.1] scheduling while atomic: swapper/0/0/0x00000002"},
		{"hung task",
		 "[ 120.0] INFO: task kworker/0:1:33 blocked for more than 60 seconds."},
		{"KASAN", "[   5.1] KASAN: slab-use-after-free in foo"},
		{"panic", "[   5.1] Kernel panic - not syncing: Fatal exception"},
	};
	for (const auto &[kind, line] : cases) {
		auto f = oob::splat::scan(std::string("boot\n") + line + "\nmore\n");
		ASSERT_EQ(f.size(), 1U) << line;
		EXPECT_EQ(f[0].line, 2U);
		// "BUG: sleeping function" matches BUG first; either names it.
		if (std::string(kind) != "sleep in atomic") {
			EXPECT_EQ(f[0].kind, kind) << line;
		}
	}
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
