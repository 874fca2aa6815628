// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <stdexcept>

#include "oob/plan.hpp"
#include "oob/process.hpp"

TEST(Plan, ParsesEveryKind)
{
	auto p = oob::plan::parse(
		"# comment\n\n"
		"socket 30 run socket\n"
		"wire 60 run @oob-e1a nettest -r 10.70.1.2\n"
		"mmap 90 pair @oob-e1b tcp:8765 tcp_mmap -s ;; @oob-e1a tcp_mmap -H 10.70.1.2\n"
		"kunit-net 10 kunit net_core\n");
	ASSERT_EQ(p.size(), 4U);
	EXPECT_EQ(p[0].kind, oob::plan::kind::run);
	EXPECT_TRUE(p[0].main.netns.empty());
	EXPECT_EQ(p[0].main.argv, std::vector<std::string>{"socket"});
	EXPECT_EQ(p[0].timeout.count(), 30);
	EXPECT_EQ(p[1].main.netns, "oob-e1a");
	EXPECT_EQ(p[1].main.argv.size(), 3U);
	EXPECT_EQ(p[2].kind, oob::plan::kind::pair);
	EXPECT_EQ(p[2].server.netns, "oob-e1b");
	EXPECT_TRUE(p[2].wait.tcp);
	EXPECT_EQ(p[2].wait.port, 8765U);
	EXPECT_EQ(p[2].server.argv, (std::vector<std::string>{"tcp_mmap", "-s"}));
	EXPECT_EQ(p[2].main.netns, "oob-e1a");
	EXPECT_EQ(p[2].main.argv, (std::vector<std::string>{"tcp_mmap", "-H", "10.70.1.2"}));
	EXPECT_EQ(p[3].suite, "net_core");
	EXPECT_EQ(p[3].line, 6U);
}

TEST(Plan, RejectsBadLinesNamingThem)
{
	const char *bad[] = {
		"x 0 run true",			     // zero timeout
		"x 10 walk true",		     // unknown kind
		"x 10 run",			     // no command
		"x 10 run @ true",		     // empty netns
		"x 10 pair @a tcp:80 srv",	     // no ';;'
		"x 10 pair @a sctp:80 srv ;; cli",   // bad wait
		"x 10 pair @a tcp:99999 srv ;; cli", // port range
		"x 10 kunit",			     // no suite
		"x 10 run true\nx 10 run false",     // duplicate name
		"x 10 run \"unbalanced",	     // quoting
	};
	for (const char *text : bad)
		EXPECT_THROW((void)oob::plan::parse(text), std::invalid_argument) << text;
	try {
		(void)oob::plan::parse("ok 10 run true\n\nx 0 run true\n");
		FAIL() << "no exception";
	} catch (const std::invalid_argument &e) {
		EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
	}
}

TEST(SplitWords, QuotesGroupWords)
{
	EXPECT_EQ(oob::split_words("  a \"b c\"\td "), (std::vector<std::string>{"a", "b c", "d"}));
	EXPECT_EQ(oob::split_words("\"\""), std::vector<std::string>{""});
	EXPECT_TRUE(oob::split_words("   ").empty());
}
