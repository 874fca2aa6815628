// SPDX-License-Identifier: GPL-2.0
#include "oob/process.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "oob/netns.hpp"

namespace oob {

namespace {

constexpr size_t max_output = size_t{256} * 1024;

std::string first_line(const std::filesystem::path &p)
{
	std::ifstream in(p);
	std::string s;
	std::getline(in, s);
	return s;
}

} // namespace

std::string exit_status::describe() const
{
	if (timed_out)
		return "timed out";
	if (signal != 0)
		return std::string("killed by signal ") + std::to_string(signal) + " (" +
		       ::strsignal(signal) + ")";
	return "exit code " + std::to_string(code);
}

child::child(const std::vector<std::string> &argv, const std::string &netns)
{
	if (argv.empty())
		throw std::system_error(EINVAL, std::generic_category(), "empty command");
	unique_fd ns;
	if (!netns.empty())
		ns = netns::open(netns);

	std::array<int, 2> pipefd{};
	check_syscall("pipe", ::pipe2, pipefd.data(), O_CLOEXEC);
	unique_fd rd(pipefd[0]);
	unique_fd wr(pipefd[1]);

	std::vector<char *> args;
	args.reserve(argv.size() + 1);
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);

	pid_ = check_syscall("fork", ::fork);
	if (pid_ == 0) {
		// Child: only async-signal-safe calls from here on.
		::setpgid(0, 0);
		::dup2(wr.get(), STDOUT_FILENO);
		::dup2(wr.get(), STDERR_FILENO);
		int devnull = ::open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			::dup2(devnull, STDIN_FILENO);
		if (ns && ::setns(ns.get(), CLONE_NEWNET) == -1) {
			static const char msg[] = "oob: setns failed\n";
			(void)!::write(STDERR_FILENO, msg, sizeof(msg) - 1);
			::_exit(127);
		}
		::execvp(args[0], args.data());
		static const char msg[] = "oob: exec failed\n";
		(void)!::write(STDERR_FILENO, msg, sizeof(msg) - 1);
		::_exit(127);
	}
	// The parent makes the group too, so that it exists before anything
	// below or the destructor kills it (EACCES: the child exec'd already,
	// its group made).
	(void)::setpgid(pid_, pid_);
	pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
	if (!pidfd_) {
		// No destructor runs for a half-built object: reap the child here.
		const int err = errno;
		kill_and_reap();
		throw std::system_error(err, std::generic_category(), "pidfd_open");
	}
	out_ = std::move(rd);
}

child::child(child &&other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)),
      out_(std::move(other.out_)), output_(std::exchange(other.output_, {}))
{
}

child &child::operator=(child &&other) noexcept
{
	if (this != &other) {
		kill_and_reap();
		pid_ = std::exchange(other.pid_, -1);
		pidfd_ = std::move(other.pidfd_);
		out_ = std::move(other.out_);
		output_ = std::exchange(other.output_, {});
	}
	return *this;
}

child::~child()
{
	kill_and_reap();
}

void child::kill_and_reap() noexcept
{
	if (pid_ <= 0)
		return;
	::kill(-pid_, SIGKILL);
	while (::waitpid(pid_, nullptr, 0) == -1 && errno == EINTR) {
	}
	pid_ = -1;
}

bool child::running() const
{
	if (pid_ <= 0)
		return false;
	pollfd p{pidfd_.get(), POLLIN, 0};
	return ::poll(&p, 1, 0) == 0;
}

void child::drain(int timeout_ms)
{
	std::array<char, 4096> buf{};
	pollfd p{out_.get(), POLLIN, 0};
	while (out_ && ::poll(&p, 1, timeout_ms) > 0) {
		auto n = ::read(out_.get(), buf.data(), buf.size());
		if (n <= 0) {
			out_.reset();
			break;
		}
		output_.append(buf.data(), static_cast<size_t>(n));
		// A chatty test keeps only its tail: that is where failures are.
		if (output_.size() > max_output)
			output_.erase(0, output_.size() - max_output);
		timeout_ms = 0;
	}
}

exit_status child::wait(std::chrono::milliseconds timeout)
{
	exit_status st;
	if (pid_ <= 0)
		throw std::logic_error("child already reaped");
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	for (;;) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			deadline - std::chrono::steady_clock::now());
		std::array<pollfd, 2> p{{{pidfd_.get(), POLLIN, 0}, {out_.get(), POLLIN, 0}}};
		int n = ::poll(p.data(), out_ ? 2 : 1,
			       static_cast<int>(std::max<long long>(left.count(), 0)));
		if (n == -1 && errno != EINTR)
			throw_errno("poll");
		if (out_ && (p[1].revents & (POLLIN | POLLHUP)) != 0)
			drain(0);
		// An exit that is already there wins over a deadline just passed.
		if ((p[0].revents & POLLIN) != 0)
			break;
		if (left.count() <= 0) {
			st.timed_out = true;
			::kill(-pid_, SIGKILL);
			break;
		}
	}
	int status = 0;
	check_syscall("waitpid", ::waitpid, pid_, &status, 0);
	// The process group may still hold the pipe open: take what is there.
	::kill(-pid_, SIGKILL);
	pid_ = -1;
	drain(50);
	if (WIFEXITED(status))
		st.code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status) && !st.timed_out)
		st.signal = WTERMSIG(status);
	st.output = std::move(output_);
	return st;
}

std::vector<std::string> split_words(const std::string &line)
{
	std::vector<std::string> words;
	std::string cur;
	bool quoted = false;
	bool have = false;
	for (char c : line) {
		if (c == '"') {
			quoted = !quoted;
			have = true;
		} else if (!quoted && (c == ' ' || c == '\t')) {
			if (have)
				words.push_back(std::move(cur));
			cur.clear();
			have = false;
		} else {
			cur += c;
			have = true;
		}
	}
	if (quoted)
		throw std::system_error(EINVAL, std::generic_category(),
					"unbalanced quote in: " + line);
	if (have)
		words.push_back(std::move(cur));
	return words;
}

std::vector<pid_t> tasks_named(std::string comm)
{
	namespace fs = std::filesystem;
	comm.resize(std::min<std::size_t>(comm.size(), 15));
	std::vector<pid_t> out;
	std::error_code ec;
	for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
		const std::string pid = it->path().filename().string();
		if (pid.empty() ||
		    !std::ranges::all_of(pid, [](char c) { return c >= '0' && c <= '9'; }))
			continue;
		if (first_line(it->path() / "comm") != comm)
			continue;
		// Not one that stopped and is on its way out.
		const std::string stat = first_line(it->path() / "stat");
		const auto paren = stat.rfind(')');
		if (paren == std::string::npos || paren + 2 >= stat.size() ||
		    stat[paren + 2] == 'Z' || stat[paren + 2] == 'X')
			continue;
		out.push_back(static_cast<pid_t>(std::stol(pid)));
	}
	return out;
}

std::string task_name(pid_t tid)
{
	return first_line("/proc/" + std::to_string(tid) + "/comm");
}

std::optional<std::string> kernel_arg(const std::string &key)
{
	std::ifstream in("/proc/cmdline");
	for (std::string w; in >> w;)
		if (w.starts_with(key + "="))
			return w.substr(key.size() + 1);
	return std::nullopt;
}

} // namespace oob
