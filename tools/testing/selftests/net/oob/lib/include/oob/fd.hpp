// SPDX-License-Identifier: GPL-2.0
// RAII file descriptor and the errno-to-exception helper every test shares.
#pragma once

#include <string>
#include <system_error>
#include <utility>

#include <cerrno>
#include <unistd.h>

namespace oob {

// Throws std::system_error carrying errno and what was being done.
[[noreturn]] inline void throw_errno(const std::string &what)
{
	throw std::system_error(errno, std::generic_category(), what);
}

// Calls f(args...) and throws on a -1 result, retrying on EINTR.  Every
// attempt gets the same arguments: none is forwarded (moved from) into a
// call that may be repeated.
template <typename F, typename... Args>
auto check_syscall(const std::string &what, F f, const Args &...args)
{
	for (;;) {
		auto ret = f(args...);
		if (ret != -1)
			return ret;
		if (errno != EINTR)
			throw_errno(what);
	}
}

class unique_fd {
public:
	unique_fd() noexcept = default;
	explicit unique_fd(int fd) noexcept : fd_(fd) {}
	unique_fd(const unique_fd &) = delete;
	unique_fd &operator=(const unique_fd &) = delete;
	unique_fd(unique_fd &&other) noexcept : fd_(other.release()) {}
	unique_fd &operator=(unique_fd &&other) noexcept
	{
		if (this != &other)
			reset(other.release());
		return *this;
	}
	~unique_fd() { reset(); }

	[[nodiscard]] int get() const noexcept { return fd_; }
	[[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
	explicit operator bool() const noexcept { return valid(); }

	int release() noexcept { return std::exchange(fd_, -1); }
	void reset(int fd = -1) noexcept
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

} // namespace oob
