// SPDX-License-Identifier: GPL-2.0
// The verdict lines of the guest's check programs: one "ok ..." or
// "FAIL ..." line per check, counted, so main() can exit 1 if any failed;
// and the floors the benchmarks' throughput runs are held to.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace oob::checks {

inline int &failures()
{
	static int count = 0;
	return count;
}

inline void check(bool ok, const std::string &what)
{
	std::printf("%s %s\n", ok ? "ok" : "FAIL", what.c_str());
	std::fflush(stdout);
	if (!ok)
		failures()++;
}

// Runs f, which must throw std::system_error carrying want.
inline void expect_errno(const std::string &what, int want, const std::function<void()> &f)
{
	int got = 0;
	try {
		f();
	} catch (const std::system_error &e) {
		got = e.code().value();
	}
	check(got == want, what + ": " + (got != 0 ? std::strerror(got) : "succeeded") + " (want " +
				   std::strerror(want) + ")");
}

// The floors of a throughput run that delivered `received` of the `sent`
// packets in `seconds`: what it missed, "" when it met them all.  It
// fails when nothing arrived, when under min_pps arrived per second, or
// when under min_delivered (0..1) of what was sent arrived.
[[nodiscard]] inline std::string throughput_shortfall(std::uint64_t sent, std::uint64_t received,
						      double seconds, double min_pps,
						      double min_delivered)
{
	std::array<char, 160> buf{};
	if (received == 0)
		return "nothing arrived (" + std::to_string(sent) + " sent)";
	const double pps = seconds > 0 ? static_cast<double>(received) / seconds : 0;
	if (pps < min_pps) {
		std::snprintf(buf.data(), buf.size(), "%.0f packets per second arrived, under %.0f",
			      pps, min_pps);
		return buf.data();
	}
	const double delivered =
		sent > 0 ? static_cast<double>(received) / static_cast<double>(sent) : 0;
	if (delivered < min_delivered) {
		std::snprintf(buf.data(), buf.size(),
			      "%.3f of what was sent arrived (%llu of %llu), under %.3f", delivered,
			      static_cast<unsigned long long>(received),
			      static_cast<unsigned long long>(sent), min_delivered);
		return buf.data();
	}
	return {};
}

// A floor given as a fraction (--min-delivered 0.8): all of text a
// number in [0, 1]; throws std::invalid_argument naming what otherwise.
[[nodiscard]] inline double parse_fraction(std::string_view what, const std::string &text)
{
	std::size_t used = 0;
	double v = -1;
	try {
		v = std::stod(text, &used);
	} catch (const std::logic_error &) {
		used = 0;
	}
	if (used == 0 || used != text.size() || !(v >= 0.0 && v <= 1.0))
		throw std::invalid_argument(std::string(what) +
					    ": not a fraction in 0..1: " + text);
	return v;
}

inline int exit_code()
{
	return failures() != 0 ? 1 : 0;
}

} // namespace oob::checks
