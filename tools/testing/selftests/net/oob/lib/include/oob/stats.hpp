// SPDX-License-Identifier: GPL-2.0
// Latency statistics: percentiles, extremes and a log-scale histogram over a
// set of samples in nanoseconds.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace oob {

struct latency_summary {
	size_t count = 0;
	std::int64_t min = 0;
	std::int64_t p50 = 0;
	std::int64_t p90 = 0;
	std::int64_t p99 = 0;
	std::int64_t p999 = 0;
	std::int64_t max = 0;
	double mean = 0.0;
};

// Nearest-rank percentile (q in [0, 1]) of sorted samples; 0 when empty.
[[nodiscard]] std::int64_t percentile(std::span<const std::int64_t> sorted, double q);

// Sorts a copy of samples and summarises it.
[[nodiscard]] latency_summary summarize(std::span<const std::int64_t> samples);

// Histogram with power-of-two buckets: bucket i counts samples in
// [2^i, 2^(i+1)) ns, bucket 0 also takes everything below 2 ns.
class log2_histogram {
public:
	static constexpr size_t buckets = 40;

	void add(std::int64_t ns);
	[[nodiscard]] std::uint64_t at(size_t bucket) const { return counts_.at(bucket); }
	[[nodiscard]] std::uint64_t total() const { return total_; }
	[[nodiscard]] static size_t bucket_of(std::int64_t ns);

private:
	std::vector<std::uint64_t> counts_ = std::vector<std::uint64_t>(buckets);
	std::uint64_t total_ = 0;
};

} // namespace oob
