// SPDX-License-Identifier: GPL-2.0
#include "oob/ktap.hpp"

#include <charconv>

namespace oob::ktap {

namespace {

// Calls f on every line of text; a trailing newline ends the last line.
template <typename F> void for_each_line(std::string_view text, F f)
{
	while (!text.empty()) {
		auto end = text.find('\n');
		f(text.substr(0, end));
		if (end == std::string_view::npos)
			break;
		text.remove_prefix(end + 1);
	}
}

} // namespace

std::string_view to_string(result r)
{
	switch (r) {
	case result::pass:
		return "PASS";
	case result::fail:
		return "FAIL";
	case result::skip:
		return "SKIP";
	}
	return "?";
}

writer::writer(std::FILE *out, int indent)
    : out_(out), prefix_(static_cast<size_t>(indent) * 2, ' ')
{
}

void writer::line(std::string_view text)
{
	std::fprintf(out_, "%s%.*s\n", prefix_.c_str(), static_cast<int>(text.size()), text.data());
	std::fflush(out_);
}

void writer::header(unsigned planned)
{
	line("KTAP version 1");
	line("1.." + std::to_string(planned));
}

void writer::diag(std::string_view text)
{
	for_each_line(text, [this](std::string_view l) { line("# " + std::string(l)); });
}

void writer::result(oob::ktap::result r, std::string_view name, std::string_view directive)
{
	std::string text = r == result::fail ? "not ok " : "ok ";
	text += std::to_string(++number_);
	text += ' ';
	text += name;
	if (r == result::skip)
		text += " # SKIP";
	if (!directive.empty()) {
		text += r == result::skip ? " " : " # ";
		text += directive;
	}
	line(text);
}

void writer::nested(std::string_view document)
{
	for_each_line(document, [this](std::string_view l) { line("  " + std::string(l)); });
}

void writer::subtests(const std::vector<test_line> &results)
{
	writer sub(out_, static_cast<int>(prefix_.size() / 2) + 1);
	sub.header(static_cast<unsigned>(results.size()));
	for (const auto &r : results)
		sub.result(r.result, r.name, r.directive);
}

std::optional<test_line> parse_result(std::string_view line)
{
	test_line t;
	if (line.starts_with("not ok ")) {
		t.result = result::fail;
		line.remove_prefix(7);
	} else if (line.starts_with("ok ")) {
		line.remove_prefix(3);
	} else {
		return std::nullopt;
	}
	auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), t.number);
	if (ec != std::errc() || end == line.data())
		return std::nullopt;
	line.remove_prefix(static_cast<size_t>(end - line.data()));
	if (!line.empty() && line.front() == ' ')
		line.remove_prefix(1);
	if (!line.empty() && line.front() == '-') // TAP13 "ok 1 - name"
		line.remove_prefix(line.size() > 1 && line[1] == ' ' ? 2 : 1);
	auto hash = line.find(" # ");
	if (hash == std::string_view::npos && line.starts_with("# ")) // "ok 1 # SKIP"
		hash = 0;
	std::string_view name = line.substr(0, hash);
	if (hash != std::string_view::npos) {
		std::string_view directive = line.substr(line.find("# ", hash) + 2);
		if (directive.size() >= 4 &&
		    (directive.substr(0, 4) == "SKIP" || directive.substr(0, 4) == "skip")) {
			if (t.result == result::pass)
				t.result = result::skip;
			directive.remove_prefix(4);
			if (!directive.empty() && directive.front() == ' ')
				directive.remove_prefix(1);
		}
		t.directive = directive;
	}
	while (!name.empty() && name.back() == ' ')
		name.remove_suffix(1);
	t.name = name;
	return t;
}

std::vector<test_line> results_at(std::string_view text, size_t indent)
{
	std::vector<test_line> out;
	for_each_line(text, [&](std::string_view line) {
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (line.size() <= indent || line.find_first_not_of(' ') != indent)
			return;
		if (auto t = parse_result(line.substr(indent)))
			out.push_back(std::move(*t));
	});
	return out;
}

document parse(std::string_view text)
{
	document doc;
	std::vector<std::string> pending;
	std::vector<test_line> pending_subtests;
	constexpr size_t subtest_indent = 2; // writer::nested()
	for_each_line(text, [&](std::string_view line) {
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (line == done_marker) {
			doc.finished = true;
		} else if (line.starts_with(planned_prefix)) {
			doc.planned_names.emplace_back(line.substr(planned_prefix.size()));
		} else if (line.starts_with("1..")) {
			unsigned n = 0;
			auto [p, ec] =
				std::from_chars(line.data() + 3, line.data() + line.size(), n);
			if (ec == std::errc() && !doc.planned)
				doc.planned = n;
		} else if (auto t = parse_result(line)) {
			t->diagnostics = std::move(pending);
			t->subtests = std::move(pending_subtests);
			pending.clear();
			pending_subtests.clear();
			doc.tests.push_back(std::move(*t));
		} else if (!line.starts_with("KTAP version") && !line.starts_with("TAP version")) {
			if (line.find_first_not_of(' ') == subtest_indent)
				if (auto sub = parse_result(line.substr(subtest_indent))) {
					pending_subtests.push_back(std::move(*sub));
					return;
				}
			pending.emplace_back(line);
		}
	});
	return doc;
}

} // namespace oob::ktap
