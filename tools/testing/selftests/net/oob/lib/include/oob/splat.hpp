// SPDX-License-Identifier: GPL-2.0
// Kernel splat detection in a console log: a run with a WARN, BUG, Oops,
// lockdep report, KASAN/UBSAN report, RCU stall, sleep in atomic context or
// hung task fails even when every test passed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace oob::splat {

struct finding {
	unsigned line = 0;   // 1-based line number in the log
	std::string kind;    // which pattern matched
	std::string excerpt; // the matching line and a few after it
};

// Every splat in the log, in order.  Lines that only follow a splat of the
// same report (its trace) do not count again.
[[nodiscard]] std::vector<finding> scan(std::string_view console_log);

} // namespace oob::splat
