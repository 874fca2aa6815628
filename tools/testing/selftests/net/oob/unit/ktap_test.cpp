// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "oob/ktap.hpp"

using oob::ktap::result;

namespace {

std::string written(void (*fill)(oob::ktap::writer &))
{
	char *buf = nullptr;
	size_t len = 0;
	std::FILE *f = ::open_memstream(&buf, &len);
	{
		oob::ktap::writer w(f);
		fill(w);
	}
	std::fclose(f);
	std::string s(buf, len);
	std::free(buf);
	return s;
}

} // namespace

TEST(KtapWriter, HeaderResultsAndDirectives)
{
	auto s = written([](oob::ktap::writer &w) {
		w.header(3);
		w.diag("two\nlines");
		w.result(result::pass, "first");
		w.result(result::fail, "second", "exit code 1");
		w.result(result::skip, "third", "no e1000e");
	});
	EXPECT_EQ(
		s,
		"KTAP version 1\n1..3\n# two\n# lines\nok 1 first\nnot ok 2 second # exit code 1\n"
		"ok 3 third # SKIP no e1000e\n");
}

TEST(KtapWriter, NestedDocumentIsIndented)
{
	auto s = written(
		[](oob::ktap::writer &w) { w.nested("KTAP version 1\n1..1\nok 1 inner\n"); });
	EXPECT_EQ(s, "  KTAP version 1\n  1..1\n  ok 1 inner\n");
}

TEST(KtapParse, ResultLines)
{
	auto ok = oob::ktap::parse_result("ok 7 name");
	ASSERT_TRUE(ok);
	EXPECT_EQ(ok->number, 7U);
	EXPECT_EQ(ok->name, "name");
	EXPECT_EQ(ok->result, result::pass);

	auto fail = oob::ktap::parse_result("not ok 2 nettest-tcp # timed out");
	ASSERT_TRUE(fail);
	EXPECT_EQ(fail->result, result::fail);
	EXPECT_EQ(fail->name, "nettest-tcp");
	EXPECT_EQ(fail->directive, "timed out");

	auto skip = oob::ktap::parse_result("ok 3 - tap13 style # SKIP no device");
	ASSERT_TRUE(skip);
	EXPECT_EQ(skip->result, result::skip);
	EXPECT_EQ(skip->name, "tap13 style");
	EXPECT_EQ(skip->directive, "no device");

	// A failed test stays failed whatever its directive says.
	auto failskip = oob::ktap::parse_result("not ok 4 x # SKIP");
	ASSERT_TRUE(failskip);
	EXPECT_EQ(failskip->result, result::fail);

	EXPECT_FALSE(oob::ktap::parse_result("okay 1 x"));
	EXPECT_FALSE(oob::ktap::parse_result("ok x"));
	EXPECT_FALSE(oob::ktap::parse_result("# ok 1 x"));
}

TEST(KtapParse, DocumentKeepsTopLevelOnlyAndDiagnostics)
{
	auto doc = oob::ktap::parse(
		"KTAP version 1\n1..2\n  KTAP version 1\n  1..1\n  ok 1 inner\n"
		"# said something\nok 1 outer\nnot ok 2 other\n# oob-runner: done\n");
	ASSERT_TRUE(doc.planned);
	EXPECT_EQ(*doc.planned, 2U);
	ASSERT_EQ(doc.tests.size(), 2U);
	EXPECT_EQ(doc.tests[0].name, "outer");
	EXPECT_EQ(doc.tests[0].diagnostics.size(), 3U);
	ASSERT_EQ(doc.tests[0].subtests.size(), 1U);
	EXPECT_EQ(doc.tests[0].subtests[0].name, "inner");
	EXPECT_TRUE(doc.tests[1].subtests.empty());
	EXPECT_EQ(doc.tests[1].result, result::fail);
	EXPECT_TRUE(doc.finished);
}

TEST(KtapParse, TruncatedRunIsVisible)
{
	auto doc = oob::ktap::parse("KTAP version 1\n1..5\nok 1 a\nok 2 b\n");
	ASSERT_TRUE(doc.planned);
	EXPECT_EQ(*doc.planned, 5U);
	EXPECT_EQ(doc.tests.size(), 2U);
	EXPECT_FALSE(doc.finished);
}

TEST(KtapRoundTrip, WriterOutputParsesBack)
{
	auto s = written([](oob::ktap::writer &w) {
		w.header(2);
		w.result(result::skip, "a b", "why");
		w.result(result::fail, "c");
	});
	auto doc = oob::ktap::parse(s);
	ASSERT_EQ(doc.tests.size(), 2U);
	EXPECT_EQ(doc.tests[0].name, "a b");
	EXPECT_EQ(doc.tests[0].result, result::skip);
	EXPECT_EQ(doc.tests[0].directive, "why");
	EXPECT_EQ(doc.tests[1].result, result::fail);
}

TEST(KtapParse, PlannedNamesAreKept)
{
	auto doc = oob::ktap::parse("KTAP version 1\n1..2\n# planned a\n# planned b:c\nok 1 a\n");
	EXPECT_EQ(doc.planned_names, (std::vector<std::string>{"a", "b:c"}));
}

// What /sys/kernel/debug/kunit/SUITE/results holds in 6.12: the suite line
// says "ok" even when every case was skipped, so the cases must be read.
TEST(KtapParse, KunitCasesAreReadAtTheirIndentation)
{
	const char *doc = "KTAP version 1\n"
			  "1..1\n"
			  "    KTAP version 1\n"
			  "    # Subtest: net_oob_tx\n"
			  "    1..3\n"
			  "    ok 1 exclusion # SKIP needs CPUs 0 and 1\n"
			  "        KTAP version 1\n"
			  "        # Subtest: release\n"
			  "        ok 1 kfree_skb\n"
			  "        not ok 2 consume_skb\n"
			  "    not ok 2 release\n"
			  "    ok 3 plain\n"
			  "# net_oob_tx: pass:1 fail:1 skip:1 total:3\n"
			  "ok 1 net_oob_tx\n";
	auto cases = oob::ktap::results_at(doc, 4);
	ASSERT_EQ(cases.size(), 3U);
	EXPECT_EQ(cases[0].result, result::skip);
	EXPECT_EQ(cases[0].directive, "needs CPUs 0 and 1");
	EXPECT_EQ(cases[1].name, "release");
	EXPECT_EQ(cases[1].result, result::fail);
	EXPECT_EQ(cases[2].result, result::pass);
	auto top = oob::ktap::results_at(doc, 0);
	ASSERT_EQ(top.size(), 1U);
	EXPECT_EQ(top[0].name, "net_oob_tx");
}
