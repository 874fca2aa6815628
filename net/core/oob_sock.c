// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: SOCK_OOB sockets.
 *
 * socket() with SOCK_OOB in its type attaches the new socket to the
 * companion core, which keeps its per-socket state in sk->sk_oob_ctx and
 * from then on hears about the socket's life and serves its oob I/O.  Each
 * operation is a static call whose default keeps the in-band behaviour.
 *
 * The companion is pinned (net_oob_pin()) by every attached socket, from
 * the attach until its sock is destructed, so the operations for a socket
 * are called with the companion's module held, and may sleep where the
 * caller may.
 */
#define pr_fmt(fmt) "net_oob: " fmt

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/net_oob.h>
#include <linux/static_call.h>
#include <net/sock.h>

/*
 * In-band defaults: there is no companion to tell, or one that handles no
 * socket at all.
 */
int net_oob_sock_attach_inband(struct socket *sock)
{
	return -EPROTONOSUPPORT;
}

void net_oob_sock_release_inband(struct socket *sock)
{
}

void net_oob_sock_destroy_inband(struct sock *sk)
{
	WRITE_ONCE(sk->sk_oob_ctx, NULL);
}

int net_oob_sock_bind_inband(struct sock *sk, struct sockaddr *addr, int len)
{
	return 0;
}

int net_oob_sock_connect_inband(struct sock *sk, struct sockaddr *addr,
				int len, int flags)
{
	return 0;
}

int net_oob_sock_shutdown_inband(struct sock *sk, int how)
{
	return 0;
}

long net_oob_sock_oob_ioctl_inband(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	return -ENOTTY;
}

ssize_t net_oob_sock_oob_read_inband(struct file *file, struct iov_iter *to)
{
	return -EOPNOTSUPP;
}

ssize_t net_oob_sock_oob_write_inband(struct file *file,
				      struct iov_iter *from)
{
	return -EOPNOTSUPP;
}

__poll_t net_oob_sock_oob_poll_inband(struct file *file, poll_table *wait)
{
	return EPOLLERR;
}

long net_oob_sock_ioctl_redirect_inband(struct sock *sk, unsigned int cmd,
					unsigned long arg)
{
	return -ENOIOCTLCMD;
}

int net_oob_sock_setopt_redirect_inband(struct sock *sk, int level,
					int optname, sockptr_t optval,
					unsigned int optlen)
{
	return -ENOPROTOOPT;
}

int net_oob_sock_getopt_redirect_inband(struct sock *sk, int level,
					int optname, sockptr_t optval,
					sockptr_t optlen)
{
	return -ENOPROTOOPT;
}

DEFINE_STATIC_CALL(net_oob_sock_attach, net_oob_sock_attach_inband);
DEFINE_STATIC_CALL(net_oob_sock_release, net_oob_sock_release_inband);
DEFINE_STATIC_CALL(net_oob_sock_destroy, net_oob_sock_destroy_inband);
DEFINE_STATIC_CALL(net_oob_sock_bind, net_oob_sock_bind_inband);
DEFINE_STATIC_CALL(net_oob_sock_connect, net_oob_sock_connect_inband);
DEFINE_STATIC_CALL(net_oob_sock_shutdown, net_oob_sock_shutdown_inband);
DEFINE_STATIC_CALL(net_oob_sock_oob_ioctl, net_oob_sock_oob_ioctl_inband);
DEFINE_STATIC_CALL(net_oob_sock_oob_read, net_oob_sock_oob_read_inband);
DEFINE_STATIC_CALL(net_oob_sock_oob_write, net_oob_sock_oob_write_inband);
DEFINE_STATIC_CALL(net_oob_sock_oob_poll, net_oob_sock_oob_poll_inband);
DEFINE_STATIC_CALL(net_oob_sock_ioctl_redirect,
		   net_oob_sock_ioctl_redirect_inband);
DEFINE_STATIC_CALL(net_oob_sock_setopt_redirect,
		   net_oob_sock_setopt_redirect_inband);
DEFINE_STATIC_CALL(net_oob_sock_getopt_redirect,
		   net_oob_sock_getopt_redirect_inband);

/**
 * sock_attach_oob() - Attach a socket to the companion core
 * @sock: a new socket with its sock and its file, the file not installed
 *	in any file table yet
 *
 * socket() calls this for SOCK_OOB once the socket has its file; on error
 * it puts the file, which releases the socket in-band, and fails.  On
 * success the companion is pinned until the sock is destructed, and the
 * file loses FMODE_NOWAIT: the oob read and write operations learn only
 * from O_NONBLOCK whether they may block, so IOCB_NOWAIT callers (io_uring,
 * RWF_NOWAIT) must not expect them not to.
 *
 * Context: process context, may sleep.
 * Return: 0 when @sock is attached, sk->sk_oob_ctx set, or
 * -ENOPKG when no companion is registered (or it is going away);
 * -EPROTONOSUPPORT when the companion does not handle the socket's family,
 * type or protocol, or another error of the companion's;
 * -EBUSY when @sock is attached already;
 * -EINVAL when @sock has no sock or no file, or the companion said yes but
 * did not attach it.
 */
int sock_attach_oob(struct socket *sock)
{
	struct sock *sk = sock->sk;
	int ret;

	BUILD_BUG_ON(SOCK_OOB & (SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK |
				 O_CLOEXEC | O_NONBLOCK));

	if (WARN_ON_ONCE(!sk || !sock->file))
		return -EINVAL;
	if (!net_oob_companion() || !net_oob_pin())
		return -ENOPKG;
	if (READ_ONCE(sk->sk_oob_ctx)) {
		ret = -EBUSY;
		goto unpin;
	}

	ret = static_call(net_oob_sock_attach)(sock);
	if (ret) {
		/* A refusal must leave nothing attached. */
		if (WARN_ON_ONCE(READ_ONCE(sk->sk_oob_ctx)))
			WRITE_ONCE(sk->sk_oob_ctx, NULL);
		goto unpin;
	}
	if (WARN_ONCE(!READ_ONCE(sk->sk_oob_ctx),
		      "net_oob: attach succeeded but left no state\n")) {
		ret = -EINVAL;
		goto unpin;
	}

	sock->file->f_mode &= ~FMODE_NOWAIT;

	return 0;
unpin:
	net_oob_unpin();
	return ret;
}

/**
 * __sock_release_oob() - Tell the companion a socket's file is closed
 * @sock: an attached socket
 *
 * See sock_release_oob().
 */
void __sock_release_oob(struct socket *sock)
{
	static_call(net_oob_sock_release)(sock);
}

/**
 * __sock_destroy_oob() - Detach a sock being destructed
 * @sk: an attached sock
 *
 * The companion frees its state and clears sk->sk_oob_ctx, then the pin
 * the sock held goes.  See sock_destroy_oob().
 *
 * Context: any context the sock may be freed in, softirq included.
 */
void __sock_destroy_oob(struct sock *sk)
{
	static_call(net_oob_sock_destroy)(sk);
	if (WARN_ON_ONCE(READ_ONCE(sk->sk_oob_ctx)))
		WRITE_ONCE(sk->sk_oob_ctx, NULL);
	net_oob_unpin();
}

/**
 * __sock_bind_oob() - Tell the companion a socket was bound
 * @sk: the sock of an attached socket, bound in-band
 * @addr: its address
 * @len: the size of @addr
 *
 * Return: 0, or the companion's error.
 */
int __sock_bind_oob(struct sock *sk, struct sockaddr *addr, int len)
{
	return static_call(net_oob_sock_bind)(sk, addr, len);
}

/**
 * __sock_connect_oob() - Tell the companion a socket was connected
 * @sk: the sock of an attached socket, connected in-band
 * @addr: the peer's address
 * @len: the size of @addr
 * @flags: the file flags the connect ran with
 *
 * Return: 0, or the companion's error.
 */
int __sock_connect_oob(struct sock *sk, struct sockaddr *addr, int len,
		       int flags)
{
	return static_call(net_oob_sock_connect)(sk, addr, len, flags);
}

/**
 * __sock_shutdown_oob() - Tell the companion a socket was shut down
 * @sk: the sock of an attached socket, shut down in-band
 * @how: SHUT_RD, SHUT_WR or SHUT_RDWR
 *
 * Return: 0, or the companion's error.
 */
int __sock_shutdown_oob(struct sock *sk, int how)
{
	return static_call(net_oob_sock_shutdown)(sk, how);
}

/**
 * __sock_ioctl_oob() - Dispatch an ioctl on a socket file to the companion
 * @file: the socket's file
 * @cmd: the command
 * @arg: its argument
 *
 * See sock_ioctl_oob().
 *
 * Return: -ENOIOCTLCMD for the in-band handlers to run, else the result.
 */
long __sock_ioctl_oob(struct file *file, unsigned int cmd, unsigned long arg)
{
	bool oob_io = cmd == OOB_SIOC_SENDMSG || cmd == OOB_SIOC_RECVMSG;
	struct socket *sock = file->private_data;

	if (!sock_oob_capable(sock))
		return oob_io ? -ENOTTY : -ENOIOCTLCMD;
	if (oob_io)
		return static_call(net_oob_sock_oob_ioctl)(file, cmd, arg);

	return static_call(net_oob_sock_ioctl_redirect)(sock->sk, cmd, arg);
}

/**
 * sock_read_oob() - read() on an attached socket
 * @file: its file
 * @to: where to store the data
 *
 * Return: the number of bytes read, or the companion's error.
 */
ssize_t sock_read_oob(struct file *file, struct iov_iter *to)
{
	return static_call(net_oob_sock_oob_read)(file, to);
}

/**
 * sock_write_oob() - write() on an attached socket
 * @file: its file
 * @from: the data
 *
 * Return: the number of bytes written, or the companion's error.
 */
ssize_t sock_write_oob(struct file *file, struct iov_iter *from)
{
	return static_call(net_oob_sock_oob_write)(file, from);
}

/**
 * sock_poll_oob() - poll() on an attached socket
 * @file: its file
 * @wait: the poll table
 *
 * Return: the oob events ready.
 */
__poll_t sock_poll_oob(struct file *file, poll_table *wait)
{
	return static_call(net_oob_sock_oob_poll)(file, wait);
}

/**
 * __sock_setopt_oob() - Offer a socket option to the companion
 * @sk: the sock of an attached socket
 * @level: the option's level
 * @optname: the option
 * @optval: its value
 * @optlen: the size of @optval
 *
 * Return: -ENOPROTOOPT for the in-band handlers to run, else the result.
 */
int __sock_setopt_oob(struct sock *sk, int level, int optname,
		      sockptr_t optval, unsigned int optlen)
{
	return static_call(net_oob_sock_setopt_redirect)(sk, level, optname,
							 optval, optlen);
}

/**
 * __sock_getopt_oob() - Ask the companion for a socket option
 * @sk: the sock of an attached socket
 * @level: the option's level
 * @optname: the option
 * @optval: where to store its value
 * @optlen: the size of @optval, updated
 *
 * Return: -ENOPROTOOPT for the in-band handlers to run, else the result.
 */
int __sock_getopt_oob(struct sock *sk, int level, int optname,
		      sockptr_t optval, sockptr_t optlen)
{
	return static_call(net_oob_sock_getopt_redirect)(sk, level, optname,
							 optval, optlen);
}
