// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "oob/fd.hpp"
#include "oob/process.hpp"

using namespace std::chrono_literals;

TEST(UniqueFd, ClosesOnceAndMoves)
{
	int raw = ::open("/dev/null", O_RDONLY);
	ASSERT_GE(raw, 0);
	{
		oob::unique_fd a(raw);
		oob::unique_fd b(std::move(a));
		// The moved-from state is what this test checks.
		// NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
		EXPECT_FALSE(a.valid());
		EXPECT_EQ(b.get(), raw);
	}
	EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
	EXPECT_EQ(errno, EBADF);
}

TEST(CheckSyscall, ThrowsWithErrno)
{
	try {
		(void)oob::check_syscall("open nowhere",
					 [] { return ::open("/nonexistent/x", O_RDONLY); });
		FAIL() << "no exception";
	} catch (const std::system_error &e) {
		EXPECT_EQ(e.code().value(), ENOENT);
		EXPECT_NE(std::string(e.what()).find("open nowhere"), std::string::npos);
	}
}

TEST(CheckSyscall, RetriesOnEintrWithTheSameArguments)
{
	int calls = 0;
	std::vector<std::string> seen;
	const auto ret = oob::check_syscall(
		"retried",
		[&](std::string arg) {
			seen.push_back(std::move(arg));
			if (++calls < 3) {
				errno = EINTR;
				return -1;
			}
			return 7;
		},
		std::string("the same each time"));
	EXPECT_EQ(ret, 7);
	// An rvalue argument is not moved into the first attempt and lost.
	EXPECT_EQ(seen, std::vector<std::string>(3, "the same each time"));
}

TEST(Child, ExitCodeAndOutput)
{
	oob::child c({"sh", "-c", "echo out; echo err >&2; exit 3"});
	auto st = c.wait(10s);
	EXPECT_FALSE(st.timed_out);
	EXPECT_EQ(st.code, 3);
	EXPECT_FALSE(st.success());
	EXPECT_NE(st.output.find("out\n"), std::string::npos);
	EXPECT_NE(st.output.find("err\n"), std::string::npos);
}

TEST(Child, SuccessAndSignal)
{
	oob::child ok({"true"});
	EXPECT_TRUE(ok.wait(10s).success());
	oob::child killed({"sh", "-c", "kill -SEGV $$"});
	auto st = killed.wait(10s);
	EXPECT_EQ(st.signal, SIGSEGV);
	EXPECT_NE(st.describe().find("signal"), std::string::npos);
}

TEST(Child, DeadlineKillsTheWholeGroup)
{
	const auto start = std::chrono::steady_clock::now();
	oob::child c({"sh", "-c", "sleep 30 & sleep 30"});
	auto st = c.wait(300ms);
	EXPECT_TRUE(st.timed_out);
	EXPECT_FALSE(st.success());
	EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Child, ZeroDeadlineReportsAnExitThatHappened)
{
	oob::child c({"sh", "-c", "exit 5"});
	while (c.running())
		std::this_thread::sleep_for(10ms);
	auto st = c.wait(0ms);
	EXPECT_FALSE(st.timed_out);
	EXPECT_EQ(st.code, 5);
}

TEST(Child, MissingProgramFailsWith127)
{
	oob::child c({"/nonexistent/program"});
	auto st = c.wait(10s);
	EXPECT_EQ(st.code, 127);
}

TEST(Child, MoveHandsTheChildOver)
{
	auto from = std::make_unique<oob::child>(
		std::vector<std::string>{"sh", "-c", "sleep 0.3; echo moved; exit 7"});
	const pid_t pid = from->pid();
	oob::child to(std::move(*from));
	EXPECT_EQ(from->pid(), -1);
	EXPECT_EQ(to.pid(), pid);
	// The moved-from object's destructor leaves the child alone.
	from.reset();
	const auto st = to.wait(10s);
	EXPECT_EQ(st.code, 7);
	EXPECT_NE(st.output.find("moved\n"), std::string::npos);
}

TEST(Child, MoveAssignmentReapsTheChildItReplaces)
{
	oob::child c({"sleep", "30"});
	const pid_t replaced = c.pid();
	oob::child other({"sh", "-c", "exit 3"});
	const pid_t kept = other.pid();
	c = std::move(other);
	EXPECT_EQ(c.pid(), kept);
	// Killed and reaped: no such process any more, not even a zombie.
	EXPECT_EQ(::kill(replaced, 0), -1);
	EXPECT_EQ(errno, ESRCH);
	EXPECT_EQ(c.wait(10s).code, 3);
}

TEST(Child, AFailedConstructorLeavesNoChild)
{
	// Room for the output pipe, none for the pidfd: pidfd_open fails after
	// the fork, with EMFILE.
	const int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	const int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	::close(a);
	::close(b);
	if (b != a + 1)
		GTEST_SKIP() << "no two free descriptors in a row";
	rlimit old{};
	ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
	rlimit low = old;
	low.rlim_cur = static_cast<rlim_t>(b) + 1;
	ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
	int err = 0;
	try {
		const oob::child c({"sleep", "30"});
	} catch (const std::system_error &e) {
		err = e.code().value();
	}
	ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
	EXPECT_EQ(err, EMFILE);
	// The forked child was killed and reaped: this process has none.
	EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
	EXPECT_EQ(errno, ECHILD);
}
