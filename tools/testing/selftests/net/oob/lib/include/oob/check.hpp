// SPDX-License-Identifier: GPL-2.0
// The verdict lines of the guest's check programs: one "ok ..." or
// "FAIL ..." line per check, counted, so main() can exit 1 if any failed.
#pragma once

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
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

inline int exit_code()
{
	return failures() != 0 ? 1 : 0;
}

} // namespace oob::checks
