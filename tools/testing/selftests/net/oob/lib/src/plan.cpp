// SPDX-License-Identifier: GPL-2.0
#include "oob/plan.hpp"

#include <charconv>
#include <stdexcept>

#include "oob/process.hpp"

namespace oob::plan {

namespace {

[[noreturn]] void bad(unsigned line, const std::string &why)
{
	throw std::invalid_argument("plan line " + std::to_string(line) + ": " + why);
}

unsigned to_number(std::string_view s, unsigned line, const char *what)
{
	unsigned v = 0;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || p != s.data() + s.size() || v == 0)
		bad(line, std::string("bad ") + what + " '" + std::string(s) + "'");
	return v;
}

// [@NETNS] ARGV... from words[first, last)
command to_command(const std::vector<std::string> &w, size_t first, size_t last, unsigned line)
{
	command c;
	if (first < last && w[first].starts_with('@')) {
		c.netns = w[first].substr(1);
		if (c.netns.empty())
			bad(line, "empty netns name after '@'");
		++first;
	}
	if (first >= last)
		bad(line, "missing command");
	c.argv.assign(w.begin() + static_cast<std::ptrdiff_t>(first),
		      w.begin() + static_cast<std::ptrdiff_t>(last));
	return c;
}

entry parse_line(const std::string &text, unsigned line)
{
	const auto w = split_words(text);
	if (w.size() < 3)
		bad(line, "want NAME TIMEOUT KIND ...");
	entry e;
	e.line = line;
	e.name = w[0];
	e.timeout = std::chrono::seconds(to_number(w[1], line, "timeout"));
	const std::string &k = w[2];
	if (k == "run") {
		e.kind = kind::run;
		e.main = to_command(w, 3, w.size(), line);
	} else if (k == "kunit") {
		e.kind = kind::kunit;
		if (w.size() != 4)
			bad(line, "kunit takes one suite name");
		e.suite = w[3];
	} else if (k == "pair") {
		e.kind = kind::pair;
		size_t sep = 3;
		while (sep < w.size() && w[sep] != ";;")
			++sep;
		if (sep == w.size())
			bad(line, "pair needs ';;' between server and client");
		if (sep - 3 < 3 || !w[3].starts_with('@'))
			bad(line, "pair server wants @NETNS WAIT COMMAND...");
		const std::string &wait = w[4];
		if (wait.starts_with("tcp:"))
			e.wait.tcp = true;
		else if (wait.starts_with("udp:"))
			e.wait.tcp = false;
		else
			bad(line, "bad wait '" + wait + "' (tcp:PORT or udp:PORT)");
		e.wait.port = to_number(std::string_view(wait).substr(4), line, "port");
		if (e.wait.port > 65535)
			bad(line, "port out of range");
		std::vector<std::string> server{w[3]};
		server.insert(server.end(), w.begin() + 5,
			      w.begin() + static_cast<std::ptrdiff_t>(sep));
		e.server = to_command(server, 0, server.size(), line);
		e.main = to_command(w, sep + 1, w.size(), line);
	} else {
		bad(line, "unknown kind '" + k + "'");
	}
	return e;
}

} // namespace

std::vector<entry> parse(std::string_view text)
{
	std::vector<entry> out;
	unsigned line = 0;
	while (!text.empty()) {
		auto end = text.find('\n');
		std::string l(text.substr(0, end));
		text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
		++line;
		auto first = l.find_first_not_of(" \t");
		if (first == std::string::npos || l[first] == '#')
			continue;
		try {
			out.push_back(parse_line(l, line));
		} catch (const std::system_error &e) {
			bad(line, e.what());
		}
		for (size_t i = 0; i + 1 < out.size(); ++i)
			if (out[i].name == out.back().name)
				bad(line, "duplicate test name '" + out.back().name + "'");
	}
	return out;
}

} // namespace oob::plan
