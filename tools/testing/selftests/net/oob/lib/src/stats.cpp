// SPDX-License-Identifier: GPL-2.0
#include "oob/stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace oob {

std::int64_t percentile(std::span<const std::int64_t> sorted, double q)
{
	if (sorted.empty())
		return 0;
	q = std::clamp(q, 0.0, 1.0);
	// Nearest rank: the smallest sample with at least q of the set at or below it.
	auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
	return sorted[rank == 0 ? 0 : rank - 1];
}

latency_summary summarize(std::span<const std::int64_t> samples)
{
	latency_summary s;
	if (samples.empty())
		return s;
	std::vector<std::int64_t> sorted(samples.begin(), samples.end());
	std::ranges::sort(sorted);
	s.count = sorted.size();
	s.min = sorted.front();
	s.max = sorted.back();
	s.p50 = percentile(sorted, 0.50);
	s.p90 = percentile(sorted, 0.90);
	s.p99 = percentile(sorted, 0.99);
	s.p999 = percentile(sorted, 0.999);
	s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(s.count);
	return s;
}

size_t log2_histogram::bucket_of(std::int64_t ns)
{
	if (ns < 2)
		return 0;
	auto b = static_cast<size_t>(std::bit_width(static_cast<std::uint64_t>(ns)) - 1);
	return std::min(b, buckets - 1);
}

void log2_histogram::add(std::int64_t ns)
{
	++counts_[bucket_of(ns)];
	++total_;
}

} // namespace oob
