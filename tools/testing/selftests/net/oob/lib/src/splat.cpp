// SPDX-License-Identifier: GPL-2.0
#include "oob/splat.hpp"

#include <array>
#include <regex>

namespace oob::splat {

namespace {

struct pattern {
	const char *kind;
	std::regex re;
};

const std::array<pattern, 14> &patterns()
{
	static const std::array<pattern, 14> p{{
		{"WARN", std::regex(R"(WARNING: CPU: \d+ PID: \d+)")},
		{"BUG", std::regex(R"(\bBUG: )")},
		{"Oops", std::regex(R"(\bOops: )")},
		{"panic", std::regex(R"(Kernel panic - not syncing)")},
		{"general protection fault", std::regex(R"(general protection fault)")},
		{"lockdep",
		 std::regex(
			 R"(WARNING: (possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|lock held when returning)|INFO: possible irq lock inversion)")},
		{"KASAN", std::regex(R"(BUG: KASAN:|KASAN: )")},
		{"UBSAN", std::regex(R"(UBSAN: )")},
		{"RCU stall",
		 std::regex(R"(rcu: INFO: \S+ (self-)?detected stall|detected stalls on CPUs)")},
		{"sleep in atomic",
		 std::regex(
			 R"(scheduling while atomic|sleeping function called from invalid context)")},
		{"hung task", std::regex(R"(INFO: task .* blocked for more than \d+ seconds)")},
		{"soft lockup", std::regex(R"(watchdog: BUG: soft lockup|hard LOCKUP)")},
		{"kmemleak", std::regex(R"(kmemleak: \d+ new suspected memory leaks)")},
		{"list corruption", std::regex(R"(list_(add|del) corruption)")},
	}};
	return p;
}

constexpr unsigned excerpt_lines = 12;

} // namespace

std::vector<finding> scan(std::string_view log)
{
	std::vector<finding> out;
	std::vector<std::string> lines;
	while (!log.empty()) {
		auto end = log.find('\n');
		lines.emplace_back(log.substr(0, end));
		log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
	}
	unsigned quiet_until = 0; // lines of the report already counted
	for (unsigned i = 0; i < lines.size(); ++i) {
		if (i < quiet_until)
			continue;
		for (const auto &p : patterns()) {
			if (!std::regex_search(lines[i], p.re))
				continue;
			finding f{i + 1, p.kind, {}};
			for (unsigned j = i; j < lines.size() && j < i + excerpt_lines; ++j)
				f.excerpt += lines[j] + "\n";
			out.push_back(std::move(f));
			// One report spans until the end-trace marker or a bounded window.
			quiet_until = i + 1;
			while (quiet_until < lines.size() && quiet_until < i + 200 &&
			       lines[quiet_until].find("---[ end trace") == std::string::npos)
				++quiet_until;
			break;
		}
	}
	return out;
}

} // namespace oob::splat
