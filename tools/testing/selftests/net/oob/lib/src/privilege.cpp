// SPDX-License-Identifier: GPL-2.0
#include "oob/privilege.hpp"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oob/fd.hpp"

namespace oob {

namespace {

// An exit code no errno f answers can take.
constexpr int child_failed = 255;

[[noreturn]] void fail(const char *what)
{
	(void)!::write(STDOUT_FILENO, what, std::strlen(what));
	::_exit(child_failed);
}

// Writes a /proc/self file the way the kernel wants it: in one write.
void write_proc(const char *path, const std::string &text)
{
	const unique_fd fd(::open(path, O_WRONLY | O_CLOEXEC));
	if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
		fail("# errno_as: could not map the user namespace\n");
}

void enter_userns()
{
	const uid_t uid = ::getuid();
	const gid_t gid = ::getgid();
	if (::unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0)
		fail("# errno_as: unshare of a user namespace failed\n");
	write_proc("/proc/self/setgroups", "deny");
	write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
	write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
	if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
	    ::mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0)
		fail("# errno_as: could not mount the namespace's sysfs\n");
}

void take(const identity &who)
{
	if (who.userns) {
		enter_userns();
		return;
	}
	if (who.uid) {
		if (::setgroups(0, nullptr) != 0 || ::setresgid(who.gid, who.gid, who.gid) != 0 ||
		    ::setresuid(*who.uid, *who.uid, *who.uid) != 0)
			fail("# errno_as: could not become the user\n");
		return;
	}
	if (!who.without_cap)
		return;
	__user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
	std::array<__user_cap_data_struct, 2> data{};
	if (::syscall(SYS_capget, &hdr, data.data()) != 0)
		fail("# errno_as: capget failed\n");
	const auto cap = static_cast<unsigned>(*who.without_cap);
	data.at(cap / 32).effective &= ~(1U << (cap % 32));
	if (::syscall(SYS_capset, &hdr, data.data()) != 0)
		fail("# errno_as: capset failed\n");
}

} // namespace

int errno_as(const identity &who, const std::function<int()> &f)
{
	const pid_t pid = ::fork();
	if (pid == -1)
		throw_errno("fork");
	if (pid == 0) {
		take(who);
		int err = child_failed;
		try {
			err = f();
		} catch (...) {
			fail("# errno_as: the check threw\n");
		}
		::_exit(err >= 0 && err < child_failed ? err : child_failed);
	}
	int status = 0;
	check_syscall("waitpid", ::waitpid, pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == child_failed)
		throw std::runtime_error(
			"the child with less privilege failed: " +
			(WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
					   : "signal " + std::to_string(WTERMSIG(status))));
	return WEXITSTATUS(status);
}

} // namespace oob
