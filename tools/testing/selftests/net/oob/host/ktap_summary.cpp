// SPDX-License-Identifier: GPL-2.0
// ktap-summary: the host's verdict on a run.  Reads the KTAP the guest wrote,
// the guest's console log and optionally ctest's output, prints one line per
// test and the closing "N passed, N failed, N skipped" line.  Exit 0 only
// when nothing failed, every planned result arrived and the console shows no
// kernel splat.
//
//   ktap-summary --ktap FILE --console FILE [--ctest FILE] [--prefix NAME]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "oob/ktap.hpp"
#include "oob/splat.hpp"

namespace {

using namespace oob;

struct tally {
	unsigned passed = 0;
	unsigned failed = 0;
	unsigned skipped = 0;

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

void guest_results(const std::string &ktap_path, const std::string &prefix, tally &t)
{
	std::string text;
	if (!read_file(ktap_path, text)) {
		line(ktap::result::fail, prefix + "results",
		     "no results file " + ktap_path + " (guest never ran the suite)");
		++t.failed;
		return;
	}
	const auto doc = ktap::parse(text);
	for (const auto &test : doc.tests) {
		line(test.result, prefix + test.name, test.directive);
		if (test.result == ktap::result::fail)
			for (const auto &d : test.diagnostics)
				std::printf("       %s\n", d.c_str());
		t.add(test.result);
	}
	if (!doc.planned) {
		line(ktap::result::fail, prefix + "plan",
		     "no KTAP plan line: the runner never started");
		++t.failed;
	} else if (doc.tests.size() < *doc.planned) {
		line(ktap::result::fail, prefix + "missing",
		     std::to_string(*doc.planned - doc.tests.size()) + " of " +
			     std::to_string(*doc.planned) +
			     " results never arrived (crash, hang or timeout: see the console "
			     "log)");
		++t.failed;
	} else if (!doc.finished) {
		line(ktap::result::fail, prefix + "runner", "did not finish (no done marker)");
		++t.failed;
	}
}

void console_splats(const std::string &console_path, tally &t)
{
	std::string text;
	if (!read_file(console_path, text)) {
		line(ktap::result::fail, "console", "no console log " + console_path);
		++t.failed;
		return;
	}
	const auto found = splat::scan(text);
	for (const auto &f : found) {
		line(ktap::result::fail, "console: kernel " + f.kind,
		     "line " + std::to_string(f.line));
		std::istringstream ex(f.excerpt);
		for (std::string l; std::getline(ex, l);)
			std::printf("       %s\n", l.c_str());
		++t.failed;
	}
	if (found.empty()) {
		line(ktap::result::pass, "console: no kernel splat");
		++t.passed;
	}
}

// ctest prints "  1/12 Test  #1: name ....   Passed    0.01 sec".
void ctest_results(const std::string &path, tally &t)
{
	std::string text;
	if (!read_file(path, text)) {
		line(ktap::result::fail, "host", "no ctest log " + path);
		++t.failed;
		return;
	}
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
		ktap::result r = verdict == "Passed"	? ktap::result::pass
				 : verdict == "Skipped" ? ktap::result::skip
							: ktap::result::fail;
		line(r, "host: " + m[1].str(),
		     r == ktap::result::fail ? (verdict.empty() ? "no verdict" : verdict) : "");
		t.add(r);
	}
	if (seen == 0) {
		line(ktap::result::fail, "host", "ctest ran no test");
		++t.failed;
	}
}

} // namespace

int main(int argc, char **argv)
{
	std::string ktap_path;
	std::string console_path;
	std::string ctest_path;
	std::string prefix;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (std::strcmp(argv[i], "--ktap") == 0)
			ktap_path = argv[i + 1];
		else if (std::strcmp(argv[i], "--console") == 0)
			console_path = argv[i + 1];
		else if (std::strcmp(argv[i], "--ctest") == 0)
			ctest_path = argv[i + 1];
		else if (std::strcmp(argv[i], "--prefix") == 0)
			prefix = argv[i + 1];
	}
	if (ktap_path.empty() || console_path.empty()) {
		std::fprintf(stderr, "usage: ktap-summary --ktap FILE --console FILE [--ctest "
				     "FILE] [--prefix NAME]\n");
		return 2;
	}
	tally t;
	if (!ctest_path.empty())
		ctest_results(ctest_path, t);
	guest_results(ktap_path, prefix, t);
	console_splats(console_path, t);
	std::printf("%u passed, %u failed, %u skipped\n", t.passed, t.failed, t.skipped);
	return t.failed == 0 ? 0 : 1;
}
