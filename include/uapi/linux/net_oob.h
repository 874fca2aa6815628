/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Out-of-band (oob) sockets.
 *
 * A socket created with SOCK_OOB in its type, such as
 *
 *	socket(AF_INET, SOCK_DGRAM | SOCK_OOB, 0)
 *
 * is attached to the companion core that implements the out-of-band network
 * stack.  socket() fails with ENOPKG when no companion core is loaded,
 * with EPROTONOSUPPORT when the companion does not handle the family, type
 * or protocol, and with EINVAL on a kernel built without the oob hooks.
 * socketpair() and accept4() do not take SOCK_OOB (EINVAL).
 *
 * On an oob socket, bind(), connect() and shutdown() work in-band as usual
 * and the companion follows.  read(), write() and poll() (select, epoll)
 * are the oob I/O path, as are the OOB_SIOC_SENDMSG and OOB_SIOC_RECVMSG
 * ioctls below; send(), recv() and the rest of that family stay in-band.
 */
#ifndef _UAPI_LINUX_NET_OOB_H
#define _UAPI_LINUX_NET_OOB_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * A socket() type flag, next to SOCK_CLOEXEC and SOCK_NONBLOCK; alpha and
 * parisc have SOCK_NONBLOCK where the others have SOCK_OOB.
 */
#if defined(__alpha__) || defined(__hppa__)
#define SOCK_OOB	0x20000000
#else
#define SOCK_OOB	0x40000000
#endif

/**
 * struct oob_msghdr - An oob send or receive request
 * @name: address of a struct sockaddr: the destination on send (0 on a
 *	connected socket), where to store the source on receive (0: not
 *	wanted)
 * @iov: address of an array of struct iovec holding the data
 * @ctl: address of an ancillary data buffer, or 0
 * @namelen: size of @name in bytes; on receive, updated with the size of
 *	the source address
 * @iovlen: number of entries in @iov
 * @ctllen: size of @ctl in bytes; on receive, updated with the size of
 *	the ancillary data stored
 * @flags: MSG_* flags; on receive, updated with MSG_TRUNC and MSG_CTRUNC
 *	as recvmsg() does
 * @timeout_ns: relative timeout in nanoseconds on CLOCK_MONOTONIC: 0 waits
 *	for as long as it takes, a negative value does not wait at all (as
 *	MSG_DONTWAIT or O_NONBLOCK do), a positive value fails the call with
 *	ETIMEDOUT when it expires
 * @count: written back: the number of bytes sent or received
 *
 * Addresses are carried as 64-bit integers, so the layout is the same for
 * 32-bit and 64-bit tasks.
 */
struct oob_msghdr {
	__u64	name;
	__u64	iov;
	__u64	ctl;
	__u32	namelen;
	__u32	iovlen;
	__u32	ctllen;
	__u32	flags;
	__s64	timeout_ns;
	__u64	count;
};

/*
 * ioctl(fd, OOB_SIOC_SENDMSG or OOB_SIOC_RECVMSG, struct oob_msghdr *)
 * returns 0 and sets @count, or fails with EAGAIN (would block), ETIMEDOUT,
 * EINTR, EFAULT, EINVAL, or the error of the protocol.  On a socket opened
 * without SOCK_OOB it fails with ENOTTY.
 */
#define OOB_SIOC_MAGIC		0x8F
#define OOB_SIOC_SENDMSG	_IOWR(OOB_SIOC_MAGIC, 0, struct oob_msghdr)
#define OOB_SIOC_RECVMSG	_IOWR(OOB_SIOC_MAGIC, 1, struct oob_msghdr)

#endif /* _UAPI_LINUX_NET_OOB_H */
