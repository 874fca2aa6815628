// SPDX-License-Identifier: GPL-2.0
#include "oob/splat.hpp"

#include <regex>
#include <vector>

namespace oob::splat {

namespace {

struct pattern {
	const char *kind;
	std::regex re;
};

// Tried in order: the specific reports first, so that a KASAN report
// ("BUG: KASAN: ...") or a lockdep banner ("WARNING: possible ...") is named
// for what it is; then any WARNING: or BUG: line, whatever follows it, so
// that a banner this table does not know still fails the run.
const std::vector<pattern> &patterns()
{
	static const std::vector<pattern> p{
		{"KASAN", std::regex(R"(\bBUG: KASAN: )")},
		{"KFENCE", std::regex(R"(\bBUG: KFENCE: )")},
		{"UBSAN", std::regex(R"(\bUBSAN: )")},
		{"sleep in atomic",
		 std::regex(
			 R"(scheduling while atomic|sleeping function called from invalid context)")},
		{"soft lockup", std::regex(R"(watchdog: BUG: soft lockup|hard LOCKUP)")},
		{"lockdep",
		 std::regex(
			 R"(WARNING: (possible (circular|recursive) locking|possible irq lock inversion|inconsistent lock state|suspicious RCU usage|lock held when returning|bad unlock balance|held lock freed|Nested lock was not taken|bad contention|\S+-safe -> \S+-unsafe lock order|HARDIRQ-|SOFTIRQ-)|INFO: possible irq lock inversion)")},
		{"WARN", std::regex(R"(^\s*(\[[ 0-9.]+\]\s*)?(\[\s*\S+\]\s*)?WARNING: )")},
		{"Oops", std::regex(R"(\bOops: )")},
		{"panic", std::regex(R"(Kernel panic - not syncing)")},
		{"general protection fault", std::regex(R"(general protection fault)")},
		{"RCU stall",
		 std::regex(
			 R"(rcu: INFO: \S+ (self-)?detected stall|detected stalls on (CPUs|tasks))")},
		{"hung task", std::regex(R"(INFO: task .* blocked for more than \d+ seconds)")},
		{"workqueue lockup", std::regex(R"(BUG: workqueue lockup)")},
		{"kmemleak", std::regex(R"(kmemleak: \d+ new suspected memory leaks)")},
		{"list corruption", std::regex(R"(list_(add|del) corruption)")},
		{"netdev refcount leak",
		 std::regex(R"(unregister_netdevice: waiting for \S+ to become free)")},
		{"reference tracker", std::regex(R"(ref_tracker: .* has \d+/\d+ users at)")},
		{"page_pool leak",
		 std::regex(R"(page_pool_release_retry\(\) stalled pool shutdown)")},
		{"e1000e TX hang", std::regex(R"(Detected Hardware Unit Hang)")},
		{"BUG", std::regex(R"(\bBUG: )")},
	};
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
