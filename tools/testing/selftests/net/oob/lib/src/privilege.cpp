// SPDX-License-Identifier: GPL-2.0
#include "oob/privilege.hpp"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

#include <grp.h>
#include <linux/capability.h>
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

void take(const identity &who)
{
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
