// SPDX-License-Identifier: GPL-2.0
#include "oob/netns.hpp"

#include <cstdio>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

namespace oob::netns {

namespace {

std::string path_of(const std::string &name)
{
	if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
		throw std::system_error(EINVAL, std::generic_category(),
					"netns name '" + name + "'");
	return std::string(run_dir) + "/" + name;
}

} // namespace

void create(const std::string &name)
{
	const std::string path = path_of(name);
	if (::mkdir(run_dir, 0755) == -1 && errno != EEXIST)
		throw_errno(std::string("mkdir ") + run_dir);
	unique_fd f(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
	if (!f)
		throw_errno("create " + path);
	f.reset();

	// unshare() in a child so this process keeps its namespace; the child
	// binds its new one on the file and exits.
	pid_t pid = ::fork();
	if (pid == -1)
		throw_errno("fork");
	if (pid == 0) {
		const bool ok =
			::unshare(CLONE_NEWNET) == 0 &&
			::mount("/proc/self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) == 0;
		::_exit(ok ? 0 : errno);
	}
	int status = 0;
	check_syscall("waitpid", ::waitpid, pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		::unlink(path.c_str());
		throw std::system_error(WIFEXITED(status) ? WEXITSTATUS(status) : EIO,
					std::generic_category(), "netns " + name);
	}
}

void remove(const std::string &name)
{
	const std::string path = path_of(name);
	if (::umount2(path.c_str(), MNT_DETACH) == -1 && errno != EINVAL)
		throw_errno("umount " + path);
	if (::unlink(path.c_str()) == -1)
		throw_errno("unlink " + path);
}

unique_fd open(const std::string &name)
{
	const std::string path = path_of(name);
	unique_fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!f)
		throw_errno("open " + path);
	return f;
}

scoped_enter::scoped_enter(const std::string &name)
    : home_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC))
{
	if (!home_)
		throw_errno("open own netns");
	unique_fd target = open(name);
	check_syscall("setns " + name, ::setns, target.get(), CLONE_NEWNET);
}

scoped_enter::~scoped_enter()
{
	// Nothing sane is left to do if returning home fails.
	if (::setns(home_.get(), CLONE_NEWNET) == -1)
		std::perror("setns back");
}

} // namespace oob::netns
