// SPDX-License-Identifier: GPL-2.0
// KTAP (Documentation/dev-tools/ktap.rst): the writer the guest programs use
// and the parser the host uses to judge a run.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oob::ktap {

enum class result { pass, fail, skip };

[[nodiscard]] std::string_view to_string(result r);

struct test_line;

// Emits one KTAP document: header, plan, one result line per test.  Lines are
// flushed one by one so a crash loses at most the test that was running.
class writer {
public:
	explicit writer(std::FILE *out, int indent = 0);

	void header(unsigned planned);
	void diag(std::string_view text);
	void result(result r, std::string_view name, std::string_view directive = {});
	// Copies a nested KTAP document (e.g. a KUnit suite) one level deeper.
	void nested(std::string_view document);
	// Writes results as the subtests of the next result, one level deeper.
	void subtests(const std::vector<test_line> &results);

	[[nodiscard]] unsigned emitted() const { return number_; }

private:
	void line(std::string_view text);

	std::FILE *out_;
	std::string prefix_;
	unsigned number_ = 0;
};

struct test_line {
	unsigned number = 0;
	std::string name;
	oob::ktap::result result = result::pass;
	std::string directive;
	std::vector<std::string> diagnostics; // '#' lines and subtests before it
	std::vector<test_line> subtests;      // results one level deeper, before it
};

struct document {
	std::optional<unsigned> planned;
	std::vector<test_line> tests;
	bool finished = false; // saw the "# oob-runner: done" trailer
	// The names the runner announced before running them ("# planned NAME"),
	// so that a result that never arrived can be named.
	std::vector<std::string> planned_names;
};

// Parses the top level of a KTAP document; nested lines are kept as
// diagnostics of the result line that closes them.
[[nodiscard]] document parse(std::string_view text);

// Parses one result line ("ok 1 name # SKIP why"), indentation excluded.
[[nodiscard]] std::optional<test_line> parse_result(std::string_view line);

// The result lines indented by exactly `indent` spaces, e.g. the cases (4)
// of a KUnit suite's debugfs results document.
[[nodiscard]] std::vector<test_line> results_at(std::string_view text, size_t indent);

inline constexpr std::string_view planned_prefix = "# planned ";

inline constexpr std::string_view done_marker = "# oob-runner: done";

} // namespace oob::ktap
