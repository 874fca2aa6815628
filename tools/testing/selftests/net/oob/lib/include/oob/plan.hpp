// SPDX-License-Identifier: GPL-2.0
// The test plan the guest runner executes, one test per line:
//
//   NAME  TIMEOUT  run    [@NETNS] COMMAND...
//   NAME  TIMEOUT  pair   @SERVER_NS WAIT COMMAND... ;; @CLIENT_NS COMMAND...
//   NAME  TIMEOUT  kunit  SUITE
//
// TIMEOUT is in seconds.  WAIT is tcp:PORT or udp:PORT: the client starts
// once the server has that socket bound (tcp: listening) in its namespace.
// A pair passes when the client exits 0 and the server either exits 0 or is
// still serving when the client is done (it is then stopped).  '#' starts a
// comment line.  A NAME starting with "setup:" marks a step that prepares
// later tests: ktap-summary fails the run when it fails but does not count
// it as a test.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace oob::plan {

struct command {
	std::string netns; // empty: the runner's own namespace
	std::vector<std::string> argv;
};

enum class kind { run, pair, kunit };

struct wait_spec {
	bool tcp = true;
	unsigned port = 0;
};

struct entry {
	std::string name;
	std::chrono::seconds timeout{};
	oob::plan::kind kind = kind::run;
	command main;	   // run: the command; pair: the client; kunit: unused
	command server;	   // pair only
	wait_spec wait;	   // pair only
	std::string suite; // kunit only
	unsigned line = 0;
};

// Parses a whole plan; throws std::invalid_argument naming the line.
[[nodiscard]] std::vector<entry> parse(std::string_view text);

} // namespace oob::plan
