// SPDX-License-Identifier: GPL-2.0
// ktap-summary: the host's verdict on a run.  Reads the KTAP the guest wrote,
// the guest's console logs, QEMU's exit status and optionally ctest's output,
// prints one line per test (a KUnit suite: one per case) and the closing
// "N passed, N failed, N skipped" line.  Exit 0 only when nothing failed,
// nothing was skipped that --allow-skip does not name, every planned result
// arrived, QEMU exited 0 and no console shows a kernel splat.  Setup steps
// (plan entries named setup:*) are checked but not counted as tests.
//
//   ktap-summary [--ktap FILE] --console FILE... [--qemu-exit FILE]
//                [--ctest FILE] [--phases FILE] [--prefix NAME] [--allow-skip NAME]...
// --phases names the build phases of make check, a line each: "NAME ok|fail".
// With --console alone, it only scans the logs for kernel splats (the
// benchmark's boots).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "oob/ktap.hpp"
#include "oob/splat.hpp"

namespace {

using namespace oob;

struct tally {
	unsigned passed = 0;
	unsigned failed = 0;
	unsigned skipped = 0;
	unsigned setup = 0; // setup steps and build phases that passed
	std::vector<std::string> unexpected_skips;

	void add(ktap::result r)
	{
		switch (r) {
		case ktap::result::pass:
			++passed;
			break;
		case ktap::result::fail:
			++failed;
			break;
		case ktap::result::skip:
			++skipped;
			break;
		}
	}
};

struct options {
	std::string ktap;
	std::vector<std::string> consoles;
	std::string qemu_exit;
	std::string ctest;
	std::string phases;
	std::string prefix;
	std::vector<std::string> allowed_skips;
};

bool read_file(const std::string &path, std::string &out)
{
	std::ifstream in(path);
	if (!in)
		return false;
	std::ostringstream s;
	s << in.rdbuf();
	out = s.str();
	return true;
}

void line(ktap::result r, const std::string &name, const std::string &why = {})
{
	std::printf("%-4s %s%s%s\n", std::string(ktap::to_string(r)).c_str(), name.c_str(),
		    why.empty() ? "" : ": ", why.c_str());
}

void fail(tally &t, const std::string &name, const std::string &why)
{
	line(ktap::result::fail, name, why);
	++t.failed;
}

// One result: printed, counted, and a skip not allowed by name remembered.
void count(tally &t, const options &o, const std::string &name, const ktap::test_line &r)
{
	line(r.result, name, r.directive);
	t.add(r.result);
	if (r.result == ktap::result::skip &&
	    std::ranges::find(o.allowed_skips, name) == o.allowed_skips.end())
		t.unexpected_skips.push_back(name);
}

void guest_results(const options &o, tally &t)
{
	std::string text;
	if (!read_file(o.ktap, text))
		return fail(t, o.prefix + "results",
			    "no results file " + o.ktap + " (guest never ran the suite)");
	const auto doc = ktap::parse(text);
	std::set<std::string> arrived;
	for (const auto &test : doc.tests) {
		const std::string name = o.prefix + test.name;
		arrived.insert(test.name);
		if (test.name.starts_with("setup:")) {
			// Checked, not counted: a failed setup step fails the run.
			if (test.result == ktap::result::pass)
				++t.setup;
			else
				count(t, o, name, test);
		} else if (test.subtests.empty()) {
			count(t, o, name, test);
		} else {
			// A KUnit suite: every case is a test; the suite line only
			// adds a failure that no case accounts for.
			bool case_failed = false;
			for (const auto &c : test.subtests) {
				count(t, o, name + "." + c.name, c);
				case_failed = case_failed || c.result == ktap::result::fail;
			}
			if (test.result == ktap::result::fail && !case_failed)
				fail(t, name, test.directive);
		}
		if (test.result == ktap::result::fail)
			for (const auto &d : test.diagnostics)
				std::printf("       %s\n", d.c_str());
	}
	if (!doc.planned)
		return fail(t, o.prefix + "plan", "no KTAP plan line: the runner never started");
	// Every result that never arrived is a failure of its own, by name.
	unsigned named_missing = 0;
	for (const auto &name : doc.planned_names)
		if (!arrived.contains(name) && ++named_missing)
			fail(t, o.prefix + name,
			     "result never arrived (crash, hang or timeout: see the console log)");
	if (doc.tests.size() + named_missing < *doc.planned)
		fail(t, o.prefix + "missing",
		     std::to_string(*doc.planned - doc.tests.size() - named_missing) +
			     " unnamed results never arrived");
	if (!doc.finished)
		fail(t, o.prefix + "runner", "did not finish (no done marker)");
}

void console_splats(const std::string &console_path, tally &t)
{
	std::string text;
	if (!read_file(console_path, text))
		return fail(t, "console", "no console log " + console_path);
	const auto found = splat::scan(text);
	for (const auto &f : found) {
		fail(t, "console: kernel " + f.kind, console_path + ":" + std::to_string(f.line));
		std::istringstream ex(f.excerpt);
		for (std::string l; std::getline(ex, l);)
			std::printf("       %s\n", l.c_str());
	}
	if (found.empty())
		std::printf("---- console: no kernel splat in %s\n", console_path.c_str());
}

// boot.sh writes QEMU's exit status: 0 is a clean power-off after the suite.
void qemu_exit(const std::string &path, tally &t)
{
	std::string text;
	if (!read_file(path, text))
		return fail(t, "qemu", "no exit status in " + path);
	int code = -1;
	std::istringstream(text) >> code;
	if (code == 124)
		fail(t, "qemu", "exit 124: the guest hit OOB_BOOT_TIMEOUT");
	else if (code != 0)
		fail(t, "qemu", "exit " + std::to_string(code));
}

// make check's phases (lint, checkpatch, ...): checked, not counted.
void phases(const std::string &path, tally &t)
{
	std::string text;
	if (!read_file(path, text))
		return fail(t, "phases", "no phase list " + path);
	std::istringstream in(text);
	std::string name;
	std::string status;
	while (in >> name >> status) {
		if (status == "ok")
			++t.setup;
		else
			fail(t, "phase: " + name, "failed (its output is above)");
	}
}

// ctest prints "  1/12 Test  #1: name ....   Passed    0.01 sec".
void ctest_results(const options &o, tally &t)
{
	std::string text;
	if (!read_file(o.ctest, text))
		return fail(t, "host", "no ctest log " + o.ctest);
	static const std::regex re(
		R"(Test\s+#\d+: (\S+) \.+\s*(\*\*\*)?(Passed|Failed|Not Run|Skipped|Timeout|Exception)?)");
	unsigned seen = 0;
	std::istringstream in(text);
	for (std::string l; std::getline(in, l);) {
		std::smatch m;
		if (!std::regex_search(l, m, re))
			continue;
		++seen;
		const std::string verdict = m[3].str();
		ktap::test_line r;
		r.result = verdict == "Passed"	  ? ktap::result::pass
			   : verdict == "Skipped" ? ktap::result::skip
						  : ktap::result::fail;
		if (r.result == ktap::result::fail)
			r.directive = verdict.empty() ? "no verdict" : verdict;
		count(t, o, "host: " + m[1].str(), r);
	}
	if (seen == 0)
		fail(t, "host", "ctest ran no test");
}

int usage()
{
	std::fprintf(stderr,
		     "usage: ktap-summary [--ktap FILE] --console FILE... [--qemu-exit FILE] "
		     "[--ctest FILE] [--phases FILE] [--prefix NAME] [--allow-skip NAME]...\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	options o;
	for (int i = 1; i < argc; i += 2) {
		const std::string flag = argv[i];
		if (i + 1 >= argc)
			return usage();
		const std::string value = argv[i + 1];
		if (flag == "--ktap")
			o.ktap = value;
		else if (flag == "--console")
			o.consoles.push_back(value);
		else if (flag == "--qemu-exit")
			o.qemu_exit = value;
		else if (flag == "--ctest")
			o.ctest = value;
		else if (flag == "--phases")
			o.phases = value;
		else if (flag == "--prefix")
			o.prefix = value;
		else if (flag == "--allow-skip")
			o.allowed_skips.push_back(value);
		else
			return usage();
	}
	if (o.consoles.empty())
		return usage();
	tally t;
	if (!o.phases.empty())
		phases(o.phases, t);
	if (!o.ctest.empty())
		ctest_results(o, t);
	if (!o.ktap.empty())
		guest_results(o, t);
	if (!o.qemu_exit.empty())
		qemu_exit(o.qemu_exit, t);
	for (const auto &c : o.consoles)
		console_splats(c, t);
	if (!t.unexpected_skips.empty()) {
		std::string names;
		for (const auto &n : t.unexpected_skips)
			names += (names.empty() ? "" : ", ") + n;
		fail(t, "verdict",
		     std::to_string(t.unexpected_skips.size()) +
			     " skipped without --allow-skip: " + names);
	}
	if (!o.ktap.empty())
		std::printf("%u passed, %u failed, %u skipped (and %u setup steps or phases)\n",
			    t.passed, t.failed, t.skipped, t.setup);
	return t.failed == 0 ? 0 : 1;
}
