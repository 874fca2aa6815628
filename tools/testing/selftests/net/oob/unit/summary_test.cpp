// SPDX-License-Identifier: GPL-2.0
// The verdict tool on canned runs: what must pass passes, and every way a
// run can look green while it is not fails it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;

struct verdict {
	int exit = -1;
	std::string out;
};

class Summary : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir_ = fs::temp_directory_path() /
		       ("summary-" + std::to_string(::getpid()) + "-" +
			::testing::UnitTest::GetInstance()->current_test_info()->name());
		fs::create_directories(dir_);
		write("console.log", "[    0.0] Linux version 6.12.118-oob\n[   9.0] reboot: "
				     "Restarting system\n");
		write("qemu.exit", "0\n");
	}
	void TearDown() override { fs::remove_all(dir_); }

	void write(const std::string &name, const std::string &text)
	{
		std::ofstream(dir_ / name) << text;
	}

	verdict run(const std::string &extra = {})
	{
		const std::string cmd = std::string(OOB_KTAP_SUMMARY) + " --ktap " +
					(dir_ / "results.ktap").string() + " --console " +
					(dir_ / "console.log").string() + " --qemu-exit " +
					(dir_ / "qemu.exit").string() + " " + extra + " 2>&1";
		verdict v;
		std::FILE *p = ::popen(cmd.c_str(), "r");
		char buf[512];
		while (std::fgets(buf, sizeof(buf), p) != nullptr)
			v.out += buf;
		const int st = ::pclose(p);
		v.exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		return v;
	}

	fs::path dir_;
};

constexpr const char *kunit_all_skipped = "KTAP version 1\n1..2\n# planned setup:topology\n"
					  "# planned kunit:net_oob_tx\nok 1 setup:topology\n"
					  "  KTAP version 1\n  1..2\n  ok 1 a # SKIP needs 2 CPUs\n"
					  "  ok 2 b # SKIP needs 2 CPUs\n"
					  "ok 2 kunit:net_oob_tx # SKIP every case skipped\n"
					  "# oob-runner: done\n";

} // namespace

TEST_F(Summary, CleanRunPassesAndCountsCasesNotSuitesOrSetup)
{
	write("results.ktap", "KTAP version 1\n1..3\n# planned setup:topology\n# planned kunit:s\n"
			      "# planned udp:errors\nok 1 setup:topology\n"
			      "  KTAP version 1\n  1..2\n  ok 1 a\n  ok 2 b\nok 2 kunit:s\n"
			      "ok 3 udp:errors\n# oob-runner: done\n");
	auto v = run();
	EXPECT_EQ(v.exit, 0) << v.out;
	EXPECT_NE(v.out.find("PASS kunit:s.a"), std::string::npos) << v.out;
	EXPECT_NE(v.out.find("3 passed, 0 failed, 0 skipped (and 1 setup steps or phases)"),
		  std::string::npos)
		<< v.out;
}

TEST_F(Summary, SuiteWhoseCasesAllSkippedIsNotAPass)
{
	write("results.ktap", kunit_all_skipped);
	auto v = run();
	EXPECT_EQ(v.exit, 1) << v.out;
	EXPECT_NE(v.out.find("SKIP kunit:net_oob_tx.a: needs 2 CPUs"), std::string::npos) << v.out;
	EXPECT_NE(v.out.find("0 passed, 1 failed, 2 skipped"), std::string::npos) << v.out;
}

TEST_F(Summary, SkipsNamedAsAllowedDoNotFail)
{
	write("results.ktap", kunit_all_skipped);
	auto v = run("--allow-skip kunit:net_oob_tx.a --allow-skip kunit:net_oob_tx.b");
	EXPECT_EQ(v.exit, 0) << v.out;
}

TEST_F(Summary, EveryMissingResultFailsByName)
{
	write("results.ktap", "KTAP version 1\n1..3\n# planned a\n# planned b\n# planned c\n"
			      "ok 1 a\n");
	auto v = run();
	EXPECT_EQ(v.exit, 1);
	EXPECT_NE(v.out.find("FAIL b: result never arrived"), std::string::npos) << v.out;
	EXPECT_NE(v.out.find("FAIL c: result never arrived"), std::string::npos) << v.out;
	EXPECT_NE(v.out.find("did not finish"), std::string::npos) << v.out;
}

TEST_F(Summary, QemuTimeoutFailsAfterAGreenSuite)
{
	write("results.ktap", "KTAP version 1\n1..1\n# planned a\nok 1 a\n# oob-runner: done\n");
	write("qemu.exit", "124\n");
	auto v = run();
	EXPECT_EQ(v.exit, 1);
	EXPECT_NE(v.out.find("OOB_BOOT_TIMEOUT"), std::string::npos) << v.out;
}

TEST_F(Summary, SplatFailsAGreenSuite)
{
	write("results.ktap", "KTAP version 1\n1..1\n# planned a\nok 1 a\n# oob-runner: done\n");
	write("console.log", "[ 5.0] WARNING: possible irq lock inversion dependency detected\n");
	auto v = run();
	EXPECT_EQ(v.exit, 1);
	EXPECT_NE(v.out.find("console: kernel lockdep"), std::string::npos) << v.out;
}

TEST_F(Summary, FailedSetupStepFails)
{
	write("results.ktap", "KTAP version 1\n1..1\n# planned setup:topology\n"
			      "not ok 1 setup:topology # exit 1\n# oob-runner: done\n");
	auto v = run();
	EXPECT_EQ(v.exit, 1);
	EXPECT_NE(v.out.find("FAIL setup:topology"), std::string::npos) << v.out;
}

TEST_F(Summary, UnknownFlagIsAnError)
{
	write("results.ktap", "KTAP version 1\n1..0\n# oob-runner: done\n");
	auto v = run("--ctst x");
	EXPECT_EQ(v.exit, 2) << v.out;
}

TEST_F(Summary, FailedBuildPhaseFailsAndThePassedOnesAreNotTests)
{
	write("results.ktap", "KTAP version 1\n1..1\n# planned a\nok 1 a\n# oob-runner: done\n");
	write("phases.txt", "unit ok\nlint fail\nboot ok\n");
	auto v = run("--phases " + (dir_ / "phases.txt").string());
	EXPECT_EQ(v.exit, 1);
	EXPECT_NE(v.out.find("FAIL phase: lint"), std::string::npos) << v.out;
	EXPECT_NE(v.out.find("1 passed, 1 failed, 0 skipped (and 2 setup steps or phases)"),
		  std::string::npos)
		<< v.out;
}
