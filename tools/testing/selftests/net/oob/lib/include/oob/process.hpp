// SPDX-License-Identifier: GPL-2.0
// Child processes for the runner: start a command (optionally inside a named
// netns) with its output captured, wait for it with a deadline, kill it.
// And the live tasks by name, such as a port's oobnet-rx/DEV thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "oob/fd.hpp"

namespace oob {

struct exit_status {
	bool timed_out = false;
	int code = -1;	    // exit code when the child exited
	int signal = 0;	    // terminating signal, 0 when it exited
	std::string output; // stdout and stderr, interleaved as written

	[[nodiscard]] bool success() const { return !timed_out && signal == 0 && code == 0; }
	[[nodiscard]] std::string describe() const;
};

class child {
public:
	// argv[0] is looked up in PATH; netns empty means "stay here".
	child(const std::vector<std::string> &argv, const std::string &netns = {});
	child(const child &) = delete;
	child &operator=(const child &) = delete;
	// The child goes with the move: the moved-from object owns none (its
	// pid() is -1).  An assignment kills and reaps the child it replaces.
	child(child &&other) noexcept;
	child &operator=(child &&other) noexcept;
	~child(); // kills and reaps a child still running

	[[nodiscard]] pid_t pid() const { return pid_; }
	// Waits until the child exits or the timeout passes; on timeout the child
	// is killed (SIGKILL) and reaped, and timed_out is set.
	exit_status wait(std::chrono::milliseconds timeout);
	// True while the child has not exited (it is not reaped).
	[[nodiscard]] bool running() const;

private:
	void drain(int timeout_ms);
	// Kills the child's process group and reaps the child, if there is one.
	void kill_and_reap() noexcept;

	pid_t pid_ = -1;
	unique_fd pidfd_;
	unique_fd out_;
	std::string output_;
};

// Splits a command line on blanks; double quotes group words.
[[nodiscard]] std::vector<std::string> split_words(const std::string &line);

// The live processes, kernel threads included, called comm (as the kernel
// keeps it: 15 characters); not those on their way out (zombies).
[[nodiscard]] std::vector<pid_t> tasks_named(std::string comm);
// The name (comm) of a task or thread by its id; "" when it is gone.
[[nodiscard]] std::string task_name(pid_t tid);
// The value of KEY=VALUE on the kernel command line (/proc/cmdline), such
// as oob.fuzz.seed; nothing when it has none.
[[nodiscard]] std::optional<std::string> kernel_arg(const std::string &key);

} // namespace oob
