// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "oob/stats.hpp"

TEST(Stats, NearestRankPercentiles)
{
	std::vector<std::int64_t> v(1000);
	std::iota(v.rbegin(), v.rend(), 1); // 1000..1, unsorted on purpose
	auto s = oob::summarize(v);
	EXPECT_EQ(s.count, 1000U);
	EXPECT_EQ(s.min, 1);
	EXPECT_EQ(s.p50, 500);
	EXPECT_EQ(s.p90, 900);
	EXPECT_EQ(s.p99, 990);
	EXPECT_EQ(s.p999, 999);
	EXPECT_EQ(s.max, 1000);
	EXPECT_DOUBLE_EQ(s.mean, 500.5);
}

TEST(Stats, SmallAndEmptySets)
{
	EXPECT_EQ(oob::summarize({}).count, 0U);
	std::vector<std::int64_t> one{42};
	auto s = oob::summarize(one);
	EXPECT_EQ(s.p50, 42);
	EXPECT_EQ(s.p999, 42);
	std::vector<std::int64_t> two{10, 20};
	EXPECT_EQ(oob::percentile(two, 0.5), 10);
	EXPECT_EQ(oob::percentile(two, 0.51), 20);
	EXPECT_EQ(oob::percentile(two, 0.0), 10);
	EXPECT_EQ(oob::percentile(two, 2.0), 20);
}

TEST(Stats, TailSampleReachesMaxNotP999)
{
	std::vector<std::int64_t> v(10000, 100);
	v[1234] = 1'000'000;
	auto s = oob::summarize(v);
	EXPECT_EQ(s.p999, 100);
	EXPECT_EQ(s.max, 1'000'000);
}

TEST(Histogram, PowerOfTwoBuckets)
{
	EXPECT_EQ(oob::log2_histogram::bucket_of(0), 0U);
	EXPECT_EQ(oob::log2_histogram::bucket_of(1), 0U);
	EXPECT_EQ(oob::log2_histogram::bucket_of(2), 1U);
	EXPECT_EQ(oob::log2_histogram::bucket_of(3), 1U);
	EXPECT_EQ(oob::log2_histogram::bucket_of(1024), 10U);
	EXPECT_EQ(oob::log2_histogram::bucket_of(INT64_MAX), oob::log2_histogram::buckets - 1);
	oob::log2_histogram h;
	h.add(1500);
	h.add(2047);
	h.add(2048);
	EXPECT_EQ(h.at(10), 2U);
	EXPECT_EQ(h.at(11), 1U);
	EXPECT_EQ(h.total(), 3U);
}
