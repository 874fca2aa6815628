// SPDX-License-Identifier: GPL-2.0
// oob-runner: the guest side of `make check`.  Runs every test of a plan
// (oob/plan.hpp) with its deadline and reports KTAP, one result per test, to
// the results channel and to stdout.  Exit: 0 all passed, 1 otherwise.
//
//   oob-runner [--ktap FILE] [--only NAME]... [--timeout NAME:SECONDS]... PLAN
// --timeout replaces a test's deadline (make fuzz runs the fuzzer longer).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include "oob/ktap.hpp"
#include "oob/plan.hpp"
#include "oob/process.hpp"

namespace {

using namespace oob;
using namespace std::chrono_literals;

constexpr unsigned tcp_listen = 0x0A;
constexpr size_t tail_on_pass = 4;
constexpr size_t tail_on_fail = 80;

struct outcome {
	ktap::result result = ktap::result::fail;
	std::string why;		    // directive or failure reason
	std::string output;		    // what the test printed
	std::vector<ktap::test_line> cases; // a KUnit suite's cases, reported nested
};

std::string read_file(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		return {};
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

// True when /proc/PID/net/{tcp,udp}{,6} shows the port bound (tcp: listening)
// in the namespace of PID.
bool port_ready(pid_t pid, const plan::wait_spec &w)
{
	const std::string base = "/proc/" + std::to_string(pid) + "/net/" + (w.tcp ? "tcp" : "udp");
	for (const auto *suffix : {"", "6"}) {
		std::istringstream table(read_file(base + suffix));
		std::string line;
		std::getline(table, line); // header
		while (std::getline(table, line)) {
			std::istringstream f(line);
			std::string slot;
			std::string local;
			std::string remote;
			std::string state;
			f >> slot >> local >> remote >> state;
			auto colon = local.rfind(':');
			if (colon == std::string::npos)
				continue;
			const unsigned port = std::stoul(local.substr(colon + 1), nullptr, 16);
			const unsigned st = std::stoul(state, nullptr, 16);
			if (port == w.port && (!w.tcp || st == tcp_listen))
				return true;
		}
	}
	return false;
}

// ksft exit code 4 means "skip": a skipped test is reported as such, never
// as a pass.
outcome with_skip(outcome o, const exit_status &st)
{
	if (!st.timed_out && st.signal == 0 && st.code == 4) {
		o.result = ktap::result::skip;
		o.why = "test asked to be skipped (exit 4)";
	}
	return o;
}

outcome run_single(const plan::entry &e)
{
	child c(e.main.argv, e.main.netns);
	auto st = c.wait(e.timeout);
	outcome o{st.success() ? ktap::result::pass : ktap::result::fail,
		  st.success() ? "" : st.describe(),
		  st.output,
		  {}};
	return with_skip(std::move(o), st);
}

outcome run_pair(const plan::entry &e)
{
	const auto deadline = std::chrono::steady_clock::now() + e.timeout;
	child server(e.server.argv, e.server.netns);
	while (!port_ready(server.pid(), e.wait)) {
		if (!server.running() || std::chrono::steady_clock::now() >= deadline) {
			auto st = server.wait(0ms);
			return {ktap::result::fail,
				"server never bound " + std::string(e.wait.tcp ? "tcp:" : "udp:") +
					std::to_string(e.wait.port) + " (" + st.describe() + ")",
				"server:\n" + st.output,
				{}};
		}
		std::this_thread::sleep_for(20ms);
	}
	child client(e.main.argv, e.main.netns);
	auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
		deadline - std::chrono::steady_clock::now());
	auto cst = client.wait(std::max(left, std::chrono::milliseconds(1)));
	// A one-shot server finishes right after its client; a serving one is stopped.
	auto sst = server.wait(2s);
	const bool server_ok = sst.success() || sst.timed_out;
	outcome o;
	o.output = "client:\n" + cst.output + "server:\n" + sst.output;
	if (!cst.success())
		o.why = "client " + cst.describe();
	else if (!server_ok)
		o.why = "server " + sst.describe();
	o.result = o.why.empty() ? ktap::result::pass : ktap::result::fail;
	return o;
}

// The suite's own line says "ok" even when every case was skipped (6.12's
// debugfs_print_results()), so the verdict comes from the cases: each one is
// reported as a subtest; the suite fails if any case or the suite failed,
// is a skip if every case skipped, and fails if no case ran.
outcome run_kunit(const plan::entry &e)
{
	const std::string path = "/sys/kernel/debug/kunit/" + e.suite + "/results";
	std::string text = read_file(path);
	if (text.empty())
		return {ktap::result::fail, "no KUnit results at " + path, {}, {}};
	constexpr size_t case_indent = 4; // KUNIT_SUBTEST_INDENT
	outcome o{ktap::result::pass, {}, text, ktap::results_at(text, case_indent)};
	const auto suite = ktap::results_at(text, 0);
	const auto count = [&](ktap::result r) {
		return std::ranges::count_if(o.cases, [r](const auto &c) { return c.result == r; });
	};
	if (suite.empty() || suite.back().name != e.suite)
		o = {ktap::result::fail, "suite result line missing", text, std::move(o.cases)};
	else if (o.cases.empty())
		o = {ktap::result::fail, "no case ran", text, {}};
	else if (suite.back().result == ktap::result::fail || count(ktap::result::fail) > 0) {
		o.result = ktap::result::fail;
		o.why = "suite failed";
	} else if (count(ktap::result::skip) == static_cast<long>(o.cases.size())) {
		o.result = ktap::result::skip;
		o.why = "every case skipped";
	}
	return o;
}

void report(ktap::writer &out, const plan::entry &e, const outcome &o)
{
	// Keep the tail of the output: all of it that matters on failure.
	std::vector<std::string> lines;
	std::istringstream in(o.output);
	for (std::string l; std::getline(in, l);)
		lines.push_back(l);
	const size_t keep = o.result == ktap::result::fail ? tail_on_fail : tail_on_pass;
	size_t from = lines.size() > keep ? lines.size() - keep : 0;
	if (from > 0)
		out.diag("[" + std::to_string(from) + " earlier lines of " + e.name + " cut]");
	for (size_t i = from; i < lines.size(); ++i)
		out.diag(lines[i]);
	if (!o.cases.empty())
		out.subtests(o.cases);
	out.result(o.result, e.name, o.why);
}

} // namespace

int main(int argc, char **argv)
{
	std::string ktap_path;
	std::vector<std::string> only;
	std::vector<std::pair<std::string, std::chrono::seconds>> timeouts;
	std::string plan_path;
	for (int i = 1; i < argc; ++i) {
		if (std::strcmp(argv[i], "--ktap") == 0 && i + 1 < argc)
			ktap_path = argv[++i];
		else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only.emplace_back(argv[++i]);
		else if (std::strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			const std::string t = argv[++i];
			const auto colon = t.rfind(':');
			if (colon == std::string::npos) {
				std::fprintf(stderr, "oob-runner: --timeout wants NAME:SECONDS\n");
				return 2;
			}
			timeouts.emplace_back(t.substr(0, colon), std::chrono::seconds(std::stoul(
									  t.substr(colon + 1))));
		} else
			plan_path = argv[i];
	}
	if (plan_path.empty()) {
		std::fprintf(stderr, "usage: oob-runner [--ktap FILE] [--only NAME]... PLAN\n");
		return 2;
	}

	std::FILE *out = stdout;
	if (!ktap_path.empty()) {
		out = std::fopen(ktap_path.c_str(), "w");
		if (out == nullptr) {
			std::perror(ktap_path.c_str());
			return 2;
		}
	}

	std::vector<plan::entry> entries;
	try {
		entries = plan::parse(read_file(plan_path));
	} catch (const std::exception &e) {
		std::fprintf(stderr, "oob-runner: %s\n", e.what());
		return 2;
	}
	for (auto &e : entries)
		for (const auto &[name, t] : timeouts)
			if (e.name == name)
				e.timeout = t;
	// A name not in the plan is a mistake to report, not a test to drop.
	std::vector<std::string> unknown;
	for (const auto &name : only)
		if (std::ranges::none_of(entries, [&](const auto &e) { return e.name == name; }))
			unknown.push_back(name);
	if (!only.empty())
		std::erase_if(entries, [&](const plan::entry &e) {
			return std::ranges::find(only, e.name) == only.end();
		});

	ktap::writer w(out);
	w.header(static_cast<unsigned>(entries.size() + unknown.size()));
	for (const auto &e : entries)
		w.diag(std::string(ktap::planned_prefix.substr(2)) + e.name);
	bool all_ok = unknown.empty();
	for (const auto &name : unknown)
		w.result(ktap::result::fail, "oob.only=" + name,
			 "no test of that name in the plan");
	for (const auto &e : entries) {
		const auto start = std::chrono::steady_clock::now();
		std::fprintf(stdout, "oob-runner: %s ...\n", e.name.c_str());
		std::fflush(stdout);
		outcome o;
		try {
			switch (e.kind) {
			case plan::kind::run:
				o = run_single(e);
				break;
			case plan::kind::pair:
				o = run_pair(e);
				break;
			case plan::kind::kunit:
				o = run_kunit(e);
				break;
			}
		} catch (const std::exception &ex) {
			o = {ktap::result::fail, ex.what(), {}, {}};
		}
		const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
			std::chrono::steady_clock::now() - start);
		std::fprintf(stdout, "oob-runner: %s %s in %lld ms %s\n", e.name.c_str(),
			     std::string(ktap::to_string(o.result)).c_str(),
			     static_cast<long long>(ms.count()), o.why.c_str());
		std::fflush(stdout);
		report(w, e, o);
		all_ok = all_ok && o.result != ktap::result::fail;
	}
	std::fprintf(out, "%.*s\n", static_cast<int>(ktap::done_marker.size()),
		     ktap::done_marker.data());
	std::fflush(out);
	return all_ok ? 0 : 1;
}
