// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <stdexcept>

#include "oob/check.hpp"

using oob::checks::throughput_shortfall;

TEST(ThroughputFloors, NothingArrivedAlwaysFails)
{
	EXPECT_NE(throughput_shortfall(1000, 0, 1.0, 0, 0), "");
	EXPECT_NE(throughput_shortfall(0, 0, 1.0, 0, 0), "");
}

TEST(ThroughputFloors, OnePacketNoLongerPassesAFloor)
{
	// Without floors a single packet passes, as before.
	EXPECT_EQ(throughput_shortfall(5000, 1, 1.0, 0, 0), "");
	EXPECT_NE(throughput_shortfall(5000, 1, 1.0, 300, 0), "");
	EXPECT_NE(throughput_shortfall(5000, 1, 1.0, 0, 0.5), "");
}

TEST(ThroughputFloors, RateIsPerSecond)
{
	EXPECT_EQ(throughput_shortfall(1000, 600, 2.0, 300, 0), "");
	EXPECT_NE(throughput_shortfall(1000, 598, 2.0, 300, 0), "");
	EXPECT_NE(throughput_shortfall(1000, 598, 2.0, 300, 0).find("299 packets per second"),
		  std::string::npos);
}

TEST(ThroughputFloors, DeliveredFraction)
{
	EXPECT_EQ(throughput_shortfall(1000, 800, 1.0, 0, 0.8), "");
	EXPECT_EQ(throughput_shortfall(1000, 1000, 1.0, 0, 1.0), "");
	const auto why = throughput_shortfall(1000, 799, 1.0, 0, 0.8);
	EXPECT_NE(why.find("799 of 1000"), std::string::npos) << why;
	// Nothing counted as sent: no fraction to meet.
	EXPECT_NE(throughput_shortfall(0, 10, 1.0, 0, 0.1), "");
}

TEST(ParseFraction, AcceptsZeroToOneOnly)
{
	using oob::checks::parse_fraction;
	EXPECT_DOUBLE_EQ(parse_fraction("--min-delivered", "0.8"), 0.8);
	EXPECT_DOUBLE_EQ(parse_fraction("--min-delivered", "0"), 0.0);
	EXPECT_DOUBLE_EQ(parse_fraction("--min-delivered", "1"), 1.0);
	for (const char *bad : {"", "x", "0.5x", "1.5", "-0.1", "nan", "80%"})
		EXPECT_THROW((void)parse_fraction("--min-delivered", bad), std::invalid_argument)
			<< '"' << bad << '"';
}
