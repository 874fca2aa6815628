// SPDX-License-Identifier: GPL-2.0
// oob-sock-check: the SOCK_OOB user interface as a process sees it, through
// the uapi header <linux/net_oob.h>.  Prints one line per check and exits 1
// if any failed.
//
//   oob-sock-check ERRNO   socket(..., type | SOCK_OOB, ...) must fail with
//                          ERRNO (ENOPKG: no companion; EPROTONOSUPPORT: the
//                          companion handles no such socket)
//
// Whatever the companion, socketpair() refuses SOCK_OOB (EINVAL) and the oob
// I/O ioctls fail with ENOTTY on a socket opened without it.
#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/net_oob.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "oob/fd.hpp"

namespace {

struct errno_name {
	std::string_view name;
	int value;
};

constexpr errno_name known[] = {
	{"ENOPKG", ENOPKG}, {"EPROTONOSUPPORT", EPROTONOSUPPORT}, {"EINVAL", EINVAL},
	{"ENOTTY", ENOTTY}, {"EOPNOTSUPP", EOPNOTSUPP},
};

std::string name_of(int err)
{
	for (const auto &k : known)
		if (k.value == err)
			return std::string(k.name);
	return std::to_string(err);
}

int failures = 0;

// Reports whether a call that returned ret (-1 and errno on failure) failed
// with want; a socket it opened after all is closed.
void expect_errno(const char *what, int ret, int want, bool opened_fd = false)
{
	const int err = ret == -1 ? errno : 0;
	if (opened_fd && ret >= 0)
		::close(ret);
	const bool ok = ret == -1 && err == want;
	std::printf("%s %s: %s (want %s)\n", ok ? "ok" : "FAIL", what,
		    ret == -1 ? name_of(err).c_str() : "succeeded", name_of(want).c_str());
	if (!ok)
		failures++;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: oob-sock-check ERRNO\n");
		return 2;
	}
	int want = -1;
	for (const auto &k : known)
		if (k.name == argv[1])
			want = k.value;
	if (want < 0) {
		std::fprintf(stderr, "oob-sock-check: unknown errno %s\n", argv[1]);
		return 2;
	}

	expect_errno("tcp socket(AF_INET, SOCK_STREAM | SOCK_OOB)",
		     ::socket(AF_INET, SOCK_STREAM | SOCK_OOB, 0), want, true);
	expect_errno("cooked socket(AF_PACKET, SOCK_DGRAM | SOCK_OOB)",
		     ::socket(AF_PACKET, SOCK_DGRAM | SOCK_OOB, htons(ETH_P_ALL)), want, true);
	expect_errno("udp6 socket with SOCK_CLOEXEC | SOCK_NONBLOCK",
		     ::socket(AF_INET6, SOCK_DGRAM | SOCK_OOB | SOCK_CLOEXEC | SOCK_NONBLOCK, 0),
		     want, true);

	int pair[2];
	const int ret = ::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_OOB, 0, pair);
	if (ret == 0) {
		::close(pair[0]);
		::close(pair[1]);
	}
	expect_errno("socketpair(AF_UNIX, SOCK_DGRAM | SOCK_OOB)", ret, EINVAL);

	const oob::unique_fd plain(::socket(AF_INET, SOCK_DGRAM, 0));
	if (!plain) {
		std::perror("oob-sock-check: socket");
		return 2;
	}
	oob_msghdr msg{};
	expect_errno("OOB_SIOC_SENDMSG on a plain socket",
		     ::ioctl(plain.get(), OOB_SIOC_SENDMSG, &msg), ENOTTY);
	expect_errno("OOB_SIOC_RECVMSG on a plain socket",
		     ::ioctl(plain.get(), OOB_SIOC_RECVMSG, &msg), ENOTTY);
	return failures != 0 ? 1 : 0;
}
