// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <csignal>
#include <thread>
#include <fcntl.h>

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
