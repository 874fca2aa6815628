// SPDX-License-Identifier: GPL-2.0
// The waits behind "every oob skb head came back": a baseline taken once
// the count settled, then an exact comparison.
#include <gtest/gtest.h>

#include <vector>

#include "oob/oobnet.hpp"

using namespace std::chrono_literals;

namespace {

// Gives the values in turn, then the last one for ever.
struct script {
	std::vector<long long> values;
	std::size_t at = 0;
	long long operator()()
	{
		const long long v = values[at];
		if (at + 1 < values.size())
			at++;
		return v;
	}
};

} // namespace

TEST(Settled, WaitsForTheCountToStopMoving)
{
	// Heads in flight at the start come back: 1021, 1023, then 1024 for good.
	script s{{1021, 1021, 1023, 1024}};
	const auto n = oob::oobnet::settled(std::ref(s), 1ms, 3, 5s);
	ASSERT_TRUE(n.has_value());
	EXPECT_EQ(*n, 1024);
	EXPECT_EQ(s.at, 3U);
}

TEST(Settled, ARepeatIsNotEnoughWhenMoreReadsAreWanted)
{
	// Two equal reads, then a change: the count had not settled yet.
	script s{{5, 5, 6, 6, 6, 6}};
	const auto n = oob::oobnet::settled(std::ref(s), 1ms, 4, 5s);
	ASSERT_TRUE(n.has_value());
	EXPECT_EQ(*n, 6);
}

TEST(Settled, GivesUpOnACountThatKeepsMoving)
{
	long long v = 0;
	const auto n = oob::oobnet::settled([&v] { return v++; }, 1ms, 3, 50ms);
	EXPECT_FALSE(n.has_value());
}

TEST(UntilEqual, ExactlyTheBaseline)
{
	script back{{1000, 1010, 1024}};
	EXPECT_EQ(oob::oobnet::until_equal(std::ref(back), 1024, 1ms, 5s), 1024);
	// More than the baseline is not "back": it waits, then says what it saw.
	script over{{1025}};
	EXPECT_EQ(oob::oobnet::until_equal(std::ref(over), 1024, 1ms, 20ms), 1025);
	script leak{{1020}};
	EXPECT_EQ(oob::oobnet::until_equal(std::ref(leak), 1024, 1ms, 20ms), 1020);
}
