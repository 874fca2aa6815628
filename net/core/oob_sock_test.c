// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: SOCK_OOB sockets, what their
 * companion hears and when.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/net_oob.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

enum oob_sock_test_hook {
	OOB_SOCK_HOOK_NONE,
	OOB_SOCK_HOOK_ATTACH,
	OOB_SOCK_HOOK_RELEASE,
	OOB_SOCK_HOOK_DESTROY,
	OOB_SOCK_HOOK_BIND,
	OOB_SOCK_HOOK_CONNECT,
	OOB_SOCK_HOOK_SHUTDOWN,
	OOB_SOCK_HOOK_OOB_IOCTL,
	OOB_SOCK_HOOK_OOB_READ,
	OOB_SOCK_HOOK_OOB_WRITE,
	OOB_SOCK_HOOK_OOB_POLL,
	OOB_SOCK_HOOK_IOCTL,
	OOB_SOCK_HOOK_SETOPT,
	OOB_SOCK_HOOK_GETOPT,
};

#define OOB_SOCK_TEST_HOOKS	16
#define OOB_SOCK_TEST_FILES	2
/* An option the test companion handles, at any level. */
#define OOB_SOCK_TEST_OPT	0x7e57
/* Commands no in-band handler knows; the companion handles the first. */
#define OOB_SOCK_TEST_IOC	_IO(OOB_SIOC_MAGIC, 0xfe)
#define OOB_SOCK_TEST_IOC_OTHER	_IO(OOB_SIOC_MAGIC, 0xff)
/* An error no in-band path returns here. */
#define OOB_SOCK_TEST_ERR	(-EXFULL)
#define OOB_SOCK_TEST_PORT	9
#define OOB_SOCK_TEST_RDATA	"oob-read"
#define OOB_SOCK_TEST_WDATA	"oob-write"
#define OOB_SOCK_TEST_POLL	(EPOLLIN | EPOLLRDNORM)

static struct oob_sock_test {
	/* What the test companion answers. */
	int attach_ret;
	int bind_ret;
	int connect_ret;
	int shutdown_ret;
	int setopt_ret;
	int optval;
	/* What it heard, in order. */
	atomic_t nr_hooks;
	enum oob_sock_test_hook hooks[OOB_SOCK_TEST_HOOKS];
	u16 bound_num;
	sa_family_t bound_family;
	int bound_len;
	int connected_state;
	__be16 connected_dport;
	int shutdown_how;
	u8 shutdown_mask;
	unsigned int ioctl_cmd;
	unsigned long ioctl_arg;
	char written[16];
	size_t written_len;
	struct sock *destroyed_sk;
	bool destroy_saw_ctx;
	struct completion destroyed;
	/* Sockets attached and not destroyed yet. */
	atomic_t attached;
	wait_queue_head_t detached;
	/* Fixture. */
	int ctx;
	bool registered;
	struct file *files[OOB_SOCK_TEST_FILES];
} oob_sock;

static bool oob_sock_test_lo_opened;

static void oob_sock_test_record(enum oob_sock_test_hook hook)
{
	int n = atomic_fetch_inc(&oob_sock.nr_hooks);

	if (n < OOB_SOCK_TEST_HOOKS)
		oob_sock.hooks[n] = hook;
}

static int oob_sock_companion_attach(struct socket *sock)
{
	oob_sock_test_record(OOB_SOCK_HOOK_ATTACH);
	if (oob_sock.attach_ret)
		return oob_sock.attach_ret;
	atomic_inc(&oob_sock.attached);
	WRITE_ONCE(sock->sk->sk_oob_ctx, &oob_sock.ctx);
	return 0;
}

static void oob_sock_companion_release(struct socket *sock)
{
	oob_sock_test_record(OOB_SOCK_HOOK_RELEASE);
}

/* May run from an RCU callback. */
static void oob_sock_companion_destroy(struct sock *sk)
{
	oob_sock_test_record(OOB_SOCK_HOOK_DESTROY);
	oob_sock.destroyed_sk = sk;
	oob_sock.destroy_saw_ctx = READ_ONCE(sk->sk_oob_ctx) == &oob_sock.ctx;
	WRITE_ONCE(sk->sk_oob_ctx, NULL);
	complete(&oob_sock.destroyed);
	if (atomic_dec_and_test(&oob_sock.attached))
		wake_up(&oob_sock.detached);
}

static int oob_sock_companion_bind(struct sock *sk, struct sockaddr *addr,
				   int len)
{
	oob_sock_test_record(OOB_SOCK_HOOK_BIND);
	oob_sock.bound_num = inet_sk(sk)->inet_num;
	oob_sock.bound_family = addr->sa_family;
	oob_sock.bound_len = len;
	return oob_sock.bind_ret;
}

static int oob_sock_companion_connect(struct sock *sk, struct sockaddr *addr,
				      int len, int flags)
{
	oob_sock_test_record(OOB_SOCK_HOOK_CONNECT);
	oob_sock.connected_state = READ_ONCE(sk->sk_state);
	oob_sock.connected_dport = inet_sk(sk)->inet_dport;
	return oob_sock.connect_ret;
}

static int oob_sock_companion_shutdown(struct sock *sk, int how)
{
	oob_sock_test_record(OOB_SOCK_HOOK_SHUTDOWN);
	oob_sock.shutdown_how = how;
	oob_sock.shutdown_mask = READ_ONCE(sk->sk_shutdown);
	return oob_sock.shutdown_ret;
}

static long oob_sock_companion_oob_ioctl(struct file *file, unsigned int cmd,
					 unsigned long arg)
{
	oob_sock_test_record(OOB_SOCK_HOOK_OOB_IOCTL);
	oob_sock.ioctl_cmd = cmd;
	oob_sock.ioctl_arg = arg;
	return 0;
}

static ssize_t oob_sock_companion_oob_read(struct file *file,
					   struct iov_iter *to)
{
	oob_sock_test_record(OOB_SOCK_HOOK_OOB_READ);
	return copy_to_iter(OOB_SOCK_TEST_RDATA,
			    min(iov_iter_count(to), strlen(OOB_SOCK_TEST_RDATA)),
			    to);
}

static ssize_t oob_sock_companion_oob_write(struct file *file,
					    struct iov_iter *from)
{
	size_t len = min(iov_iter_count(from), sizeof(oob_sock.written));

	oob_sock_test_record(OOB_SOCK_HOOK_OOB_WRITE);
	oob_sock.written_len = copy_from_iter(oob_sock.written, len, from);
	return oob_sock.written_len;
}

static __poll_t oob_sock_companion_oob_poll(struct file *file,
					    poll_table *wait)
{
	oob_sock_test_record(OOB_SOCK_HOOK_OOB_POLL);
	return OOB_SOCK_TEST_POLL;
}

static long oob_sock_companion_ioctl(struct sock *sk, unsigned int cmd,
				     unsigned long arg)
{
	oob_sock_test_record(OOB_SOCK_HOOK_IOCTL);
	oob_sock.ioctl_cmd = cmd;
	oob_sock.ioctl_arg = arg;
	if (cmd != OOB_SOCK_TEST_IOC)
		return -ENOIOCTLCMD;
	return arg + 1;
}

static int oob_sock_companion_setopt(struct sock *sk, int level, int optname,
				     sockptr_t optval, unsigned int optlen)
{
	oob_sock_test_record(OOB_SOCK_HOOK_SETOPT);
	if (optname != OOB_SOCK_TEST_OPT)
		return -ENOPROTOOPT;
	if (optlen != sizeof(oob_sock.optval))
		return -EINVAL;
	if (copy_from_sockptr(&oob_sock.optval, optval, sizeof(oob_sock.optval)))
		return -EFAULT;
	return oob_sock.setopt_ret;
}

static int oob_sock_companion_getopt(struct sock *sk, int level, int optname,
				     sockptr_t optval, sockptr_t optlen)
{
	int len;

	oob_sock_test_record(OOB_SOCK_HOOK_GETOPT);
	if (optname != OOB_SOCK_TEST_OPT)
		return -ENOPROTOOPT;
	if (copy_from_sockptr(&len, optlen, sizeof(len)))
		return -EFAULT;
	if (len < (int)sizeof(oob_sock.optval))
		return -EINVAL;
	len = sizeof(oob_sock.optval);
	if (copy_to_sockptr(optval, &oob_sock.optval, len) ||
	    copy_to_sockptr(optlen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

static const struct net_oob_ops oob_sock_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-sock",
	.sock_attach = oob_sock_companion_attach,
	.sock_release = oob_sock_companion_release,
	.sock_destroy = oob_sock_companion_destroy,
	.sock_bind = oob_sock_companion_bind,
	.sock_connect = oob_sock_companion_connect,
	.sock_shutdown = oob_sock_companion_shutdown,
	.sock_oob_ioctl = oob_sock_companion_oob_ioctl,
	.sock_oob_read = oob_sock_companion_oob_read,
	.sock_oob_write = oob_sock_companion_oob_write,
	.sock_oob_poll = oob_sock_companion_oob_poll,
	.sock_ioctl_redirect = oob_sock_companion_ioctl,
	.sock_setopt_redirect = oob_sock_companion_setopt,
	.sock_getopt_redirect = oob_sock_companion_getopt,
};

static void oob_sock_test_expect_hooks(struct kunit *test,
				       const enum oob_sock_test_hook *want,
				       int n)
{
	int i;

	KUNIT_ASSERT_EQ(test, atomic_read(&oob_sock.nr_hooks), n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, oob_sock.hooks[i], want[i],
				    "hook call %d", i);
}

#define OOB_SOCK_TEST_EXPECT_HOOKS(test, ...)				\
	do {								\
		static const enum oob_sock_test_hook __want[] = {	\
			__VA_ARGS__					\
		};							\
		oob_sock_test_expect_hooks(test, __want,		\
					   ARRAY_SIZE(__want));		\
	} while (0)

static void oob_sock_test_addr(struct sockaddr_storage *ss, u16 port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(port);
}

/*
 * A non-blocking UDP socket of init_net with its file, attached to the
 * companion when asked.  The file is put by oob_sock_test_close() or at
 * the latest by the exit function.
 */
static struct socket *oob_sock_test_open(struct kunit *test, bool attach)
{
	struct socket *sock;
	struct file *file;
	int slot, ret;

	for (slot = 0; slot < OOB_SOCK_TEST_FILES; slot++)
		if (!oob_sock.files[slot])
			break;
	KUNIT_ASSERT_LT(test, slot, OOB_SOCK_TEST_FILES);

	ret = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* On failure, this releases the socket. */
	file = sock_alloc_file(sock, O_NONBLOCK, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	oob_sock.files[slot] = file;

	if (attach)
		KUNIT_ASSERT_EQ(test, sock_attach_oob(sock), 0);

	return sock;
}

static void oob_sock_test_close(struct kunit *test, struct socket *sock)
{
	int slot;

	for (slot = 0; slot < OOB_SOCK_TEST_FILES; slot++) {
		if (oob_sock.files[slot] && oob_sock.files[slot] == sock->file) {
			__fput_sync(oob_sock.files[slot]);
			oob_sock.files[slot] = NULL;
			return;
		}
	}
	KUNIT_FAIL(test, "closing a socket the test did not open");
}

static int oob_sock_test_suite_init(struct kunit_suite *suite)
{
	struct net_device *lo = init_net.loopback_dev;
	int ret = 0;

	/* connect() needs a route to 127.0.0.1; nobody set lo up at boot. */
	rtnl_lock();
	if (!(lo->flags & IFF_UP)) {
		ret = dev_open(lo, NULL);
		oob_sock_test_lo_opened = !ret;
	}
	rtnl_unlock();

	return ret;
}

static void oob_sock_test_suite_exit(struct kunit_suite *suite)
{
	if (!oob_sock_test_lo_opened)
		return;
	rtnl_lock();
	dev_close(init_net.loopback_dev);
	rtnl_unlock();
	oob_sock_test_lo_opened = false;
}

static int oob_sock_test_init(struct kunit *test)
{
	int ret;

	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");

	memset(&oob_sock, 0, sizeof(oob_sock));
	init_completion(&oob_sock.destroyed);
	init_waitqueue_head(&oob_sock.detached);

	ret = net_oob_register(&oob_sock_test_ops);
	if (ret)
		return ret;
	oob_sock.registered = true;

	return 0;
}

static void oob_sock_test_exit(struct kunit *test)
{
	int slot;

	for (slot = 0; slot < OOB_SOCK_TEST_FILES; slot++) {
		if (oob_sock.files[slot]) {
			__fput_sync(oob_sock.files[slot]);
			oob_sock.files[slot] = NULL;
		}
	}
	/* A bound UDP sock is destructed after a grace period. */
	KUNIT_EXPECT_NE(test, wait_event_timeout(oob_sock.detached,
						 !atomic_read(&oob_sock.attached),
						 5 * HZ), 0);
	if (oob_sock.registered) {
		net_oob_unregister(&oob_sock_test_ops);
		oob_sock.registered = false;
	}
}

/* With no companion, SOCK_OOB has nothing to attach to. */
static void oob_sock_test_no_companion(struct kunit *test)
{
	long pins = net_oob_pinned();
	struct socket *sock;

	net_oob_unregister(&oob_sock_test_ops);
	oob_sock.registered = false;

	sock = oob_sock_test_open(test, false);
	KUNIT_EXPECT_EQ(test, sock_attach_oob(sock), -ENOPKG);
	KUNIT_EXPECT_NULL(test, sock->sk->sk_oob_ctx);
	KUNIT_EXPECT_FALSE(test, sock_oob_capable(sock));
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 0);
}

/* A refusal is returned as is and leaves the socket in-band. */
static void oob_sock_test_attach_refused(struct kunit *test)
{
	long pins = net_oob_pinned();
	struct socket *sock;

	oob_sock.attach_ret = -EPROTONOSUPPORT;
	sock = oob_sock_test_open(test, false);
	KUNIT_EXPECT_EQ(test, sock_attach_oob(sock), -EPROTONOSUPPORT);
	KUNIT_EXPECT_NULL(test, sock->sk->sk_oob_ctx);
	KUNIT_EXPECT_FALSE(test, sock_oob_capable(sock));
	KUNIT_EXPECT_TRUE(test, sock->file->f_mode & FMODE_NOWAIT);
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins);

	/* Neither released nor destroyed through the companion. */
	oob_sock_test_close(test, sock);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH);
}

/* An attached socket pins the companion, and attaches only once. */
static void oob_sock_test_attach(struct kunit *test)
{
	long pins = net_oob_pinned();
	struct socket *sock;

	sock = oob_sock_test_open(test, true);
	KUNIT_EXPECT_PTR_EQ(test, sock->sk->sk_oob_ctx, (void *)&oob_sock.ctx);
	KUNIT_EXPECT_TRUE(test, sock_oob_capable(sock));
	KUNIT_EXPECT_FALSE(test, sock->file->f_mode & FMODE_NOWAIT);
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins + 1);

	KUNIT_EXPECT_EQ(test, sock_attach_oob(sock), -EBUSY);
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins + 1);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH);
}

/* The companion hears of a bind once it is done in-band. */
static void oob_sock_test_bind(struct kunit *test)
{
	struct sockaddr_storage addr;
	struct socket *sock;

	sock = oob_sock_test_open(test, true);
	oob_sock_test_addr(&addr, 0);
	KUNIT_ASSERT_EQ(test, __sys_bind_socket(sock, &addr,
						sizeof(struct sockaddr_in)), 0);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_BIND);
	KUNIT_EXPECT_NE(test, oob_sock.bound_num, 0);
	KUNIT_EXPECT_EQ(test, oob_sock.bound_num, inet_sk(sock->sk)->inet_num);
	KUNIT_EXPECT_EQ(test, oob_sock.bound_family, AF_INET);
	KUNIT_EXPECT_EQ(test, oob_sock.bound_len,
			(int)sizeof(struct sockaddr_in));
}

/* ... not when the in-band bind fails, and its own error is returned. */
static void oob_sock_test_bind_errors(struct kunit *test)
{
	struct sockaddr_storage addr;
	struct socket *sock;

	sock = oob_sock_test_open(test, true);
	oob_sock_test_addr(&addr, 0);
	KUNIT_EXPECT_EQ(test, __sys_bind_socket(sock, &addr, 4), -EINVAL);
	addr.ss_family = AF_UNIX;
	KUNIT_EXPECT_EQ(test, __sys_bind_socket(sock, &addr,
						sizeof(struct sockaddr_in)),
			-EAFNOSUPPORT);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH);

	/* The in-band bind stands when the companion fails. */
	oob_sock.bind_ret = OOB_SOCK_TEST_ERR;
	oob_sock_test_addr(&addr, 0);
	KUNIT_EXPECT_EQ(test, __sys_bind_socket(sock, &addr,
						sizeof(struct sockaddr_in)),
			OOB_SOCK_TEST_ERR);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_BIND);
	KUNIT_EXPECT_NE(test, inet_sk(sock->sk)->inet_num, 0);
}

static void oob_sock_test_connect(struct kunit *test)
{
	struct sockaddr_storage addr;
	struct socket *sock;

	sock = oob_sock_test_open(test, true);
	oob_sock_test_addr(&addr, OOB_SOCK_TEST_PORT);

	/* A failing in-band connect does not reach the companion. */
	KUNIT_EXPECT_EQ(test, __sys_connect_file(sock->file, &addr, 4, 0),
			-EINVAL);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH);

	KUNIT_ASSERT_EQ(test, __sys_connect_file(sock->file, &addr,
						 sizeof(struct sockaddr_in), 0),
			0);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_CONNECT);
	KUNIT_EXPECT_EQ(test, oob_sock.connected_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ntohs(oob_sock.connected_dport),
			OOB_SOCK_TEST_PORT);

	oob_sock.connect_ret = OOB_SOCK_TEST_ERR;
	KUNIT_EXPECT_EQ(test, __sys_connect_file(sock->file, &addr,
						 sizeof(struct sockaddr_in), 0),
			OOB_SOCK_TEST_ERR);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_CONNECT,
				   OOB_SOCK_HOOK_CONNECT);
}

static void oob_sock_test_shutdown(struct kunit *test)
{
	struct sockaddr_storage addr;
	struct socket *sock;

	sock = oob_sock_test_open(test, true);

	/* Unconnected: the in-band shutdown fails with -ENOTCONN. */
	KUNIT_EXPECT_EQ(test, __sys_shutdown_sock(sock, SHUT_RDWR), -ENOTCONN);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH);

	oob_sock_test_addr(&addr, OOB_SOCK_TEST_PORT);
	KUNIT_ASSERT_EQ(test, __sys_connect_file(sock->file, &addr,
						 sizeof(struct sockaddr_in), 0),
			0);
	KUNIT_EXPECT_EQ(test, __sys_shutdown_sock(sock, SHUT_WR), 0);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_CONNECT,
				   OOB_SOCK_HOOK_SHUTDOWN);
	KUNIT_EXPECT_EQ(test, oob_sock.shutdown_how, SHUT_WR);
	KUNIT_EXPECT_TRUE(test, oob_sock.shutdown_mask & SEND_SHUTDOWN);

	oob_sock.shutdown_ret = OOB_SOCK_TEST_ERR;
	KUNIT_EXPECT_EQ(test, __sys_shutdown_sock(sock, SHUT_RD),
			OOB_SOCK_TEST_ERR);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 4);
}

static void oob_sock_test_setopt(struct kunit *test)
{
	int val = 1234, rcvbuf = 65536, expect;
	struct socket *plain, *sock;

	sock = oob_sock_test_open(test, true);
	KUNIT_EXPECT_EQ(test, do_sock_setsockopt(sock, false, SOL_SOCKET,
						 OOB_SOCK_TEST_OPT,
						 KERNEL_SOCKPTR(&val),
						 sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, oob_sock.optval, 1234);

	oob_sock.setopt_ret = OOB_SOCK_TEST_ERR;
	KUNIT_EXPECT_EQ(test, do_sock_setsockopt(sock, false, SOL_SOCKET,
						 OOB_SOCK_TEST_OPT,
						 KERNEL_SOCKPTR(&val),
						 sizeof(val)),
			OOB_SOCK_TEST_ERR);

	/* Declined: the in-band handler runs. */
	expect = max_t(int, 2 * min_t(u32, rcvbuf,
				      READ_ONCE(sysctl_rmem_max)),
		       SOCK_MIN_RCVBUF);
	KUNIT_EXPECT_EQ(test, do_sock_setsockopt(sock, false, SOL_SOCKET,
						 SO_RCVBUF,
						 KERNEL_SOCKPTR(&rcvbuf),
						 sizeof(rcvbuf)), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_rcvbuf), expect);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_SETOPT, OOB_SOCK_HOOK_SETOPT,
				   OOB_SOCK_HOOK_SETOPT);

	/* Not attached: no redirect. */
	plain = oob_sock_test_open(test, false);
	KUNIT_EXPECT_EQ(test, do_sock_setsockopt(plain, false, SOL_SOCKET,
						 OOB_SOCK_TEST_OPT,
						 KERNEL_SOCKPTR(&val),
						 sizeof(val)), -ENOPROTOOPT);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 4);
}

static void oob_sock_test_getopt(struct kunit *test)
{
	int val = 0, len = sizeof(val);
	struct socket *plain, *sock;

	sock = oob_sock_test_open(test, true);
	oob_sock.optval = 4321;
	KUNIT_EXPECT_EQ(test, do_sock_getsockopt(sock, false, SOL_SOCKET,
						 OOB_SOCK_TEST_OPT,
						 KERNEL_SOCKPTR(&val),
						 KERNEL_SOCKPTR(&len)), 0);
	KUNIT_EXPECT_EQ(test, val, 4321);
	KUNIT_EXPECT_EQ(test, len, (int)sizeof(val));

	/* Declined: the in-band handler runs. */
	val = 0;
	len = sizeof(val);
	KUNIT_EXPECT_EQ(test, do_sock_getsockopt(sock, false, SOL_SOCKET,
						 SO_RCVBUF,
						 KERNEL_SOCKPTR(&val),
						 KERNEL_SOCKPTR(&len)), 0);
	KUNIT_EXPECT_EQ(test, val, READ_ONCE(sock->sk->sk_rcvbuf));
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_GETOPT, OOB_SOCK_HOOK_GETOPT);

	/* Not attached: no redirect. */
	plain = oob_sock_test_open(test, false);
	len = sizeof(val);
	KUNIT_EXPECT_EQ(test, do_sock_getsockopt(plain, false, SOL_SOCKET,
						 OOB_SOCK_TEST_OPT,
						 KERNEL_SOCKPTR(&val),
						 KERNEL_SOCKPTR(&len)),
			-ENOPROTOOPT);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 3);
}

static long oob_sock_test_do_ioctl(struct socket *sock, unsigned int cmd,
				   unsigned long arg)
{
	return sock->file->f_op->unlocked_ioctl(sock->file, cmd, arg);
}

static void oob_sock_test_ioctl(struct kunit *test)
{
	struct socket *plain, *sock;

	sock = oob_sock_test_open(test, true);

	/* The oob I/O commands go to the companion's oob_ioctl. */
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(sock, OOB_SIOC_SENDMSG, 5),
			0);
	KUNIT_EXPECT_EQ(test, oob_sock.ioctl_cmd, OOB_SIOC_SENDMSG);
	KUNIT_EXPECT_EQ(test, oob_sock.ioctl_arg, 5UL);
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(sock, OOB_SIOC_RECVMSG, 6),
			0);
	KUNIT_EXPECT_EQ(test, oob_sock.ioctl_cmd, OOB_SIOC_RECVMSG);

	/* The others to its redirect first. */
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(sock, OOB_SOCK_TEST_IOC,
						     41), 42);
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(sock,
						     OOB_SOCK_TEST_IOC_OTHER,
						     0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, oob_sock.ioctl_cmd, OOB_SOCK_TEST_IOC_OTHER);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_OOB_IOCTL,
				   OOB_SOCK_HOOK_OOB_IOCTL,
				   OOB_SOCK_HOOK_IOCTL, OOB_SOCK_HOOK_IOCTL);

	/* Not attached: -ENOTTY for oob I/O, no redirect. */
	plain = oob_sock_test_open(test, false);
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(plain, OOB_SIOC_SENDMSG, 0),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(plain, OOB_SIOC_RECVMSG, 0),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, oob_sock_test_do_ioctl(plain, OOB_SOCK_TEST_IOC,
						     41), -ENOTTY);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 5);
}

/* read(), write() and poll() are the companion's on an attached socket. */
static void oob_sock_test_io(struct kunit *test)
{
	struct socket *sock;
	char buf[16] = {};

	sock = oob_sock_test_open(test, true);
	KUNIT_EXPECT_EQ(test, kernel_read(sock->file, buf, sizeof(buf), NULL),
			(ssize_t)strlen(OOB_SOCK_TEST_RDATA));
	KUNIT_EXPECT_STREQ(test, buf, OOB_SOCK_TEST_RDATA);
	KUNIT_EXPECT_EQ(test, kernel_write(sock->file, OOB_SOCK_TEST_WDATA,
					   strlen(OOB_SOCK_TEST_WDATA), NULL),
			(ssize_t)strlen(OOB_SOCK_TEST_WDATA));
	KUNIT_EXPECT_EQ(test, oob_sock.written_len,
			strlen(OOB_SOCK_TEST_WDATA));
	KUNIT_EXPECT_MEMEQ(test, oob_sock.written, OOB_SOCK_TEST_WDATA,
			   strlen(OOB_SOCK_TEST_WDATA));
	KUNIT_EXPECT_EQ(test, vfs_poll(sock->file, NULL), OOB_SOCK_TEST_POLL);
	OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
				   OOB_SOCK_HOOK_OOB_READ,
				   OOB_SOCK_HOOK_OOB_WRITE,
				   OOB_SOCK_HOOK_OOB_POLL);
}

/* ... and stay in-band on any other, companion or not. */
static void oob_sock_test_plain_io(struct kunit *test)
{
	struct socket *sock;
	char buf[16] = {};
	__poll_t mask;

	sock = oob_sock_test_open(test, false);
	KUNIT_EXPECT_EQ(test, kernel_read(sock->file, buf, sizeof(buf), NULL),
			(ssize_t)-EAGAIN);
	KUNIT_EXPECT_EQ(test, kernel_write(sock->file, OOB_SOCK_TEST_WDATA,
					   strlen(OOB_SOCK_TEST_WDATA), NULL),
			(ssize_t)-EDESTADDRREQ);
	mask = vfs_poll(sock->file, NULL);
	KUNIT_EXPECT_TRUE(test, mask & EPOLLOUT);
	KUNIT_EXPECT_FALSE(test, mask & EPOLLIN);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.nr_hooks), 0);
}

/*
 * Closing the file releases, then destroys, each once; the pin goes with
 * the destruction.  @bind: a bound UDP sock is freed after a grace period.
 */
static void oob_sock_test_do_close(struct kunit *test, bool bind)
{
	long pins = net_oob_pinned();
	struct sockaddr_storage addr;
	struct socket *sock;
	struct sock *sk;

	sock = oob_sock_test_open(test, true);
	sk = sock->sk;
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins + 1);
	if (bind) {
		oob_sock_test_addr(&addr, 0);
		KUNIT_ASSERT_EQ(test,
				__sys_bind_socket(sock, &addr,
						  sizeof(struct sockaddr_in)),
				0);
		KUNIT_EXPECT_TRUE(test, sock_flag(sk, SOCK_RCU_FREE));
	}

	oob_sock_test_close(test, sock);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&oob_sock.destroyed,
							  5 * HZ), 0UL);
	if (bind)
		OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
					   OOB_SOCK_HOOK_BIND,
					   OOB_SOCK_HOOK_RELEASE,
					   OOB_SOCK_HOOK_DESTROY);
	else
		OOB_SOCK_TEST_EXPECT_HOOKS(test, OOB_SOCK_HOOK_ATTACH,
					   OOB_SOCK_HOOK_RELEASE,
					   OOB_SOCK_HOOK_DESTROY);
	KUNIT_EXPECT_PTR_EQ(test, oob_sock.destroyed_sk, sk);
	KUNIT_EXPECT_TRUE(test, oob_sock.destroy_saw_ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&oob_sock.attached), 0);
	KUNIT_EXPECT_EQ(test, net_oob_pinned(), pins);
}

static void oob_sock_test_close_unbound(struct kunit *test)
{
	oob_sock_test_do_close(test, false);
}

static void oob_sock_test_close_bound(struct kunit *test)
{
	oob_sock_test_do_close(test, true);
}

static struct kunit_case oob_sock_test_cases[] = {
	KUNIT_CASE(oob_sock_test_no_companion),
	KUNIT_CASE(oob_sock_test_attach_refused),
	KUNIT_CASE(oob_sock_test_attach),
	KUNIT_CASE(oob_sock_test_bind),
	KUNIT_CASE(oob_sock_test_bind_errors),
	KUNIT_CASE(oob_sock_test_connect),
	KUNIT_CASE(oob_sock_test_shutdown),
	KUNIT_CASE(oob_sock_test_setopt),
	KUNIT_CASE(oob_sock_test_getopt),
	KUNIT_CASE(oob_sock_test_ioctl),
	KUNIT_CASE(oob_sock_test_io),
	KUNIT_CASE(oob_sock_test_plain_io),
	KUNIT_CASE(oob_sock_test_close_unbound),
	KUNIT_CASE(oob_sock_test_close_bound),
	{}
};

static struct kunit_suite oob_sock_test_suite = {
	.name = "net_oob_sock",
	.suite_init = oob_sock_test_suite_init,
	.suite_exit = oob_sock_test_suite_exit,
	.init = oob_sock_test_init,
	.exit = oob_sock_test_exit,
	.test_cases = oob_sock_test_cases,
};

kunit_test_suites(&oob_sock_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: SOCK_OOB sockets");
MODULE_LICENSE("GPL");
