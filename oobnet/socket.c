// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the oob socket calls common to every socket type.
 *
 * A SOCK_OOB socket keeps its in-band socket for the control calls (bind,
 * connect, options) and gets oob state of its own: a receive queue fed by
 * the RX thread of its port's device, charged against the socket's
 * SO_RCVBUF, and transmit buffers from that device's pool, charged
 * against its SO_SNDBUF as in-band sends are.  Readers and writers sleep
 * on the socket's own wait queue, so poll(), select() and epoll work as on
 * any socket.
 *
 * The sock is freed after an RCU grace period (SOCK_RCU_FREE): the
 * receive and buffer paths reach sockets under RCU only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/net_oob.h>
#include <linux/oob_stage.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <uapi/oobnet.h>

#include "oobnet.h"

/*
 * Who may open oob sockets: every one of them puts work on a real-time
 * thread and takes from system-wide pools, so CAP_NET_RAW in the initial
 * user namespace, or the group sock_group names.
 */
static int sock_group = -1;
module_param(sock_group, int, 0644);
MODULE_PARM_DESC(sock_group,
		 "a group whose members may open SOCK_OOB sockets without CAP_NET_RAW (-1, the default: none)");

static bool oobnet_sock_allowed(void)
{
	int gid = READ_ONCE(sock_group);

	if (gid >= 0 && in_group_p(make_kgid(&init_user_ns, gid)))
		return true;
	return capable(CAP_NET_RAW);
}

/* Every attached socket, for the buffer path and /proc: RCU readers. */
LIST_HEAD(oobnet_socks);
/* Serializes the writers of oobnet_socks. */
DEFINE_MUTEX(oobnet_socks_lock);

int oobnet_sock_attach(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct oobnet_sock *os;
	int ret;

	const struct oobnet_proto *proto;

	if (sk->sk_family == AF_PACKET && sock->type == SOCK_RAW)
		proto = &oobnet_packet_proto;
	else if (sk->sk_family == AF_INET && sock->type == SOCK_DGRAM &&
		 sk->sk_protocol == IPPROTO_UDP)
		proto = &oobnet_udp_proto;
	else
		return -EPROTONOSUPPORT;
	if (!oobnet_sock_allowed())
		return -EPERM;

	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os)
		return -ENOMEM;
	os->sk = sk;
	os->proto = proto;
	skb_queue_head_init(&os->rxq);
	if (proto == &oobnet_packet_proto)
		ret = oobnet_packet_attach(os, sock);
	else
		ret = oobnet_udp_attach(os, sock);
	if (ret) {
		kfree(os);
		return ret;
	}

	sock_set_flag(sk, SOCK_RCU_FREE);
	mutex_lock(&oobnet_socks_lock);
	list_add_tail_rcu(&os->all_next, &oobnet_socks);
	mutex_unlock(&oobnet_socks_lock);
	WRITE_ONCE(sk->sk_oob_ctx, os);
	return 0;
}

/* The file is closed: out of every list, before the in-band release. */
void oobnet_sock_release(struct socket *sock)
{
	struct oobnet_sock *os = oobnet_sk(sock->sk);

	rtnl_lock();
	oobnet_sock_unbind(os);
	rtnl_unlock();
	if (os->proto->release)
		os->proto->release(os);
	mutex_lock(&oobnet_socks_lock);
	list_del_rcu(&os->all_next);
	mutex_unlock(&oobnet_socks_lock);
}

/* A grace period after release: no RCU reader sees @sk any more. */
void oobnet_sock_destroy(struct sock *sk)
{
	struct oobnet_sock *os = oobnet_sk(sk);

	skb_queue_purge(&os->rxq);
	WRITE_ONCE(sk->sk_oob_ctx, NULL);
	kfree(os);
}

/*
 * Binds @os to the port @dev, RTNL held.  A socket moving between ports
 * waits for a grace period so that no reader walks from one port's list
 * into the other's.
 */
int oobnet_sock_bind_port(struct oobnet_sock *os, struct net_device *dev)
{
	struct oobnet_port *port;

	ASSERT_RTNL();

	port = oobnet_port_find(dev);
	if (!port)
		return -ENXIO;
	if (rtnl_dereference(os->port) == port)
		return 0;
	if (rtnl_dereference(os->port)) {
		oobnet_sock_unbind(os);
		synchronize_rcu();
	}
	list_add_tail_rcu(&os->port_next, &port->socks);
	WRITE_ONCE(os->port_gone, false);
	rcu_assign_pointer(os->port, port);
	return 0;
}

void oobnet_sock_unbind(struct oobnet_sock *os)
{
	ASSERT_RTNL();

	if (!rtnl_dereference(os->port))
		return;
	list_del_rcu(&os->port_next);
	RCU_INIT_POINTER(os->port, NULL);
}

/* The port goes down: its sockets lose it and their waiters wake up. */
void oobnet_port_unbind_all(struct oobnet_port *port)
{
	struct oobnet_sock *os, *tmp;
	bool any = false;

	ASSERT_RTNL();

	list_for_each_entry_safe(os, tmp, &port->socks, port_next) {
		oobnet_sock_unbind(os);
		WRITE_ONCE(os->port_gone, true);
		wake_up_interruptible_all(sk_sleep(os->sk));
		any = true;
	}
	/* Before a socket may be bound again: see oobnet_sock_bind_port(). */
	if (any)
		synchronize_rcu();
}

int oobnet_sock_bind(struct sock *sk, struct sockaddr *addr, int len)
{
	struct oobnet_sock *os = oobnet_sk(sk);

	return os->proto->bind(os, addr, len);
}

int oobnet_sock_connect(struct sock *sk, struct sockaddr *addr, int len,
			int flags)
{
	struct oobnet_sock *os = oobnet_sk(sk);

	return os->proto->connect ? os->proto->connect(os) : 0;
}

/*
 * The real device's state behind the port @os is bound to, referenced,
 * with a reference on the port's device in *@devp; NULL when not bound.
 * The port is not returned: once RCU is released it may be freed.
 */
struct oobnet_dev *oobnet_sock_get_dev(struct oobnet_sock *os,
				       struct net_device **devp)
{
	struct oobnet_port *port;
	struct oobnet_dev *od = NULL;

	rcu_read_lock();
	port = rcu_dereference(os->port);
	if (port && refcount_inc_not_zero(&port->od->refs))
		od = port->od;
	if (od) {
		dev_hold(port->dev);
		*devp = port->dev;
	}
	rcu_read_unlock();
	return od;
}

/* Wakes the readers of the sockets in @w, then forgets them. */
void oobnet_sock_wake_flush(struct oobnet_rx_wakes *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		w->socks[i]->sk->sk_data_ready(w->socks[i]->sk);
	w->n = 0;
}

/* @os got a packet: its readers are woken once, at the end of the batch. */
static void oobnet_sock_wake_later(struct oobnet_rx_wakes *w,
				   struct oobnet_sock *os)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (w->socks[i] == os)
			return;
	if (w->n == ARRAY_SIZE(w->socks))
		oobnet_sock_wake_flush(w);
	w->socks[w->n++] = os;
}

/*
 * The RX thread queues a packet for @os; false when it was dropped.  The
 * reader's wake-up waits in @w for the end of the batch: one per batch,
 * not one per packet, whatever CPU the reader sleeps on.
 */
bool oobnet_sock_queue(struct oobnet_sock *os, struct sk_buff *skb,
		       struct oobnet_rx_wakes *w)
{
	struct sock *sk = os->sk;

	if (atomic_read(&os->rx_bytes) + skb->truesize >
	    READ_ONCE(sk->sk_rcvbuf)) {
		oobnet_sock_count(os, OOBNET_SK_RX_DROP);
		oobnet_kfree_skb(skb);
		return false;
	}
	os->proto->rx_trim(skb);
	/* The port may go before the reader: keep what recvmsg needs. */
	oobnet_rx_cb(skb)->ifindex = skb->dev->ifindex;
	oobnet_rx_cb(skb)->hatype = skb->dev->type;
	skb->dev = NULL;
	atomic_add(skb->truesize, &os->rx_bytes);
	skb_queue_tail(&os->rxq, skb);
	oobnet_sock_wake_later(w, os);
	return true;
}

static int oobnet_wait_errno(long ret)
{
	if (ret == -ETIME)
		return -ETIMEDOUT;
	return ret ? -EINTR : 0;
}

/* shutdown(SHUT_RD) came in-band: readers get 0, as from recv(). */
static bool oobnet_rx_shut(const struct oobnet_sock *os)
{
	return READ_ONCE(os->sk->sk_shutdown) & RCV_SHUTDOWN;
}

/*
 * A receive can go on: a packet is queued, or none will ever come.
 * shutdown()'s wake-up of the socket's sleepers reaches a blocked reader.
 */
static bool oobnet_rx_ready(struct oobnet_sock *os)
{
	return !skb_queue_empty_lockless(&os->rxq) || oobnet_rx_shut(os) ||
	       os->proto->rx_state(os);
}

/* Raw sockets receive through the port they are bound to. */
int oobnet_sock_port_state(const struct oobnet_sock *os)
{
	if (rcu_access_pointer(os->port))
		return 0;
	return READ_ONCE(os->port_gone) ? -ENETDOWN : -ENOTCONN;
}

/*
 * Receives one packet into @to.  @flags carries the caller's MSG_TRUNC in
 * (return the packet's length, not what was copied) and the result flags
 * out; @name, when not NULL, gets the source address and *@namelen its
 * size; @cmsg, when not NULL, the ancillary data the socket asked for.
 * @done, when not NULL, takes the packet once read, for the caller to free
 * with the rest of its batch (see oobnet_free_skb_list()).
 */
static ssize_t oobnet_recv(struct oobnet_sock *os, struct iov_iter *to,
			   struct sockaddr_storage *name, int *namelen,
			   unsigned int *flags, bool nonblock, ktime_t timeout,
			   struct msghdr *cmsg, struct sk_buff_head *done)
{
	bool want_len = *flags & MSG_TRUNC;
	struct sock *sk = os->sk;
	struct sk_buff *skb;
	size_t copied;
	long ret;

	for (;;) {
		skb = skb_dequeue(&os->rxq);
		if (skb)
			break;
		if (oobnet_rx_shut(os))
			return 0;
		ret = os->proto->rx_state(os);
		if (ret)
			return ret;
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible_hrtimeout(*sk_sleep(sk),
							 oobnet_rx_ready(os),
							 timeout);
		if (ret)
			return oobnet_wait_errno(ret);
	}

	atomic_sub(skb->truesize, &os->rx_bytes);
	*flags = 0;
	copied = min_t(size_t, skb->len, iov_iter_count(to));
	if (skb_copy_datagram_iter(skb, 0, to, copied)) {
		/* The packet is lost to a bad buffer, as with recvmsg(). */
		oobnet_kfree_skb(skb);
		return -EFAULT;
	}
	if (copied < skb->len) {
		*flags |= MSG_TRUNC;
		if (want_len)
			copied = skb->len;
	}
	if (name)
		*namelen = os->proto->fill_name(skb, name);
	/* Timestamps and the rest, as the in-band recvmsg() gives them. */
	if (cmsg)
		sock_recv_cmsgs(cmsg, os->sk, skb);
	oobnet_sock_count(os, OOBNET_SK_RX);
	if (done)
		__skb_queue_tail(done, skb);
	else
		oobnet_consume_skb(skb);
	return copied;
}

/* Runs @fn's oob I/O with the caller marked as on the oob stage. */
#define oobnet_on_oob_stage(expr)				\
	({							\
		bool __was_oob = running_oob();			\
		typeof(expr) __ret;				\
								\
		if (!__was_oob)					\
			oob_stage_enter();			\
		__ret = (expr);					\
		if (!__was_oob)					\
			oob_stage_leave();			\
		__ret;						\
	})

ssize_t oobnet_sock_read(struct file *file, struct iov_iter *to)
{
	struct socket *sock = file->private_data;
	struct oobnet_sock *os = oobnet_sk(sock->sk);
	unsigned int flags = 0;

	return oobnet_on_oob_stage(oobnet_recv(os, to, NULL, NULL, &flags,
					       file->f_flags & O_NONBLOCK,
					       KTIME_MAX, NULL, NULL));
}

ssize_t oobnet_sock_write(struct file *file, struct iov_iter *from)
{
	struct socket *sock = file->private_data;
	struct oobnet_sock *os = oobnet_sk(sock->sk);

	return oobnet_on_oob_stage(os->proto->send(os, NULL, 0, from,
						   file->f_flags & O_NONBLOCK,
						   KTIME_MAX));
}

static int oobnet_msg_recv(struct oobnet_sock *os, struct oob_msghdr *m,
			   struct iov_iter *iter, bool nonblock, ktime_t timeout,
			   struct sk_buff_head *done)
{
	/* put_cmsg() writes to it, in a 32-bit task's layout for one. */
	struct msghdr cmsg = {
		.msg_control_user = u64_to_user_ptr(m->ctl),
		.msg_control_is_user = true,
		.msg_controllen = m->ctllen,
		.msg_flags = in_compat_syscall() ? MSG_CMSG_COMPAT : 0,
	};
	struct sockaddr_storage name;
	unsigned int flags = m->flags;
	int len = 0;
	ssize_t ret;

	memset(&name, 0, sizeof(name));
	ret = oobnet_on_oob_stage(oobnet_recv(os, iter, m->name ? &name : NULL,
					      &len, &flags, nonblock, timeout,
					      &cmsg, done));
	if (ret < 0)
		return ret;
	m->count = ret;
	m->flags = flags | (cmsg.msg_flags & MSG_CTRUNC);
	m->ctllen -= cmsg.msg_controllen;
	if (m->name) {
		if (copy_to_user(u64_to_user_ptr(m->name), &name,
				 min_t(u32, m->namelen, len)))
			return -EFAULT;
		m->namelen = len;
	}
	return 0;
}

static int oobnet_msg_send(struct oobnet_sock *os, struct oob_msghdr *m,
			   struct iov_iter *iter, bool nonblock,
			   ktime_t timeout)
{
	struct sockaddr_storage name;
	ssize_t ret;

	if (m->name) {
		if (m->namelen > sizeof(name))
			return -EINVAL;
		if (copy_from_user(&name, u64_to_user_ptr(m->name), m->namelen))
			return -EFAULT;
	}
	ret = oobnet_on_oob_stage(os->proto->send(os, m->name ?
						  (struct sockaddr *)&name : NULL,
						  m->namelen, iter, nonblock,
						  timeout));
	if (ret < 0)
		return ret;
	m->count = ret;
	return 0;
}

/*
 * One request: its data imported, then sent or received; @done as for
 * oobnet_recv().
 */
static int oobnet_msg_io(struct oobnet_sock *os, bool send,
			 struct oob_msghdr *m, bool nonblock, ktime_t timeout,
			 struct sk_buff_head *done)
{
	struct iovec iovstack[UIO_FASTIOV], *iov = iovstack;
	struct iov_iter iter;
	ssize_t ret;

	ret = import_iovec(send ? ITER_SOURCE : ITER_DEST,
			   u64_to_user_ptr(m->iov), m->iovlen, UIO_FASTIOV,
			   &iov, &iter);
	if (ret < 0)
		return ret;
	if (send)
		ret = oobnet_msg_send(os, m, &iter, nonblock, timeout);
	else
		ret = oobnet_msg_recv(os, m, &iter, nonblock, timeout, done);
	kfree(iov);
	return ret;
}

static bool oobnet_file_nonblock(struct oobnet_sock *os)
{
	struct socket *sock = READ_ONCE(os->sk->sk_socket);

	return sock && sock->file && (sock->file->f_flags & O_NONBLOCK);
}

long oobnet_sock_oob_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct socket *sock = file->private_data;
	struct oobnet_sock *os = oobnet_sk(sock->sk);
	void __user *uarg = (void __user *)arg;
	struct oob_msghdr m;
	ktime_t timeout;
	bool nonblock;
	int ret;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	if (m.flags & ~(MSG_DONTWAIT | MSG_TRUNC))
		return -EINVAL;
	nonblock = m.timeout_ns < 0 || (m.flags & MSG_DONTWAIT) ||
		   (file->f_flags & O_NONBLOCK);
	timeout = m.timeout_ns > 0 ? ns_to_ktime(m.timeout_ns) : KTIME_MAX;

	ret = oobnet_msg_io(os, cmd == OOB_SIOC_SENDMSG, &m, nonblock, timeout,
			    NULL);
	if (ret)
		return ret;
	return copy_to_user(uarg, &m, sizeof(m)) ? -EFAULT : 0;
}

/* The batch of OOBNET_SIOC_SENDMMSG and OOBNET_SIOC_RECVMMSG. */
#define OOBNET_MMSG_MAX	1024

/**
 * oobnet_sock_mmsg() - Send or receive a batch of packets
 * @os: the socket
 * @send: OOBNET_SIOC_SENDMMSG, else OOBNET_SIOC_RECVMMSG
 * @uarg: the struct oobnet_mmsg
 *
 * Return: 0 when at least one entry was done, else the first one's error.
 */
long oobnet_sock_mmsg(struct oobnet_sock *os, bool send, void __user *uarg)
{
	struct oob_msghdr __user *um;
	struct sk_buff_head done;
	struct oobnet_mmsg b;
	struct oob_msghdr m;
	ktime_t timeout;
	bool nonblock;
	int ret = 0;
	u32 i;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (!b.vlen || b.vlen > OOBNET_MMSG_MAX || b.reserved ||
	    (b.flags & ~MSG_DONTWAIT))
		return -EINVAL;
	nonblock = b.timeout_ns < 0 || (b.flags & MSG_DONTWAIT) ||
		   oobnet_file_nonblock(os);
	timeout = b.timeout_ns > 0 ? ns_to_ktime(b.timeout_ns) : KTIME_MAX;
	um = u64_to_user_ptr(b.msgs);
	__skb_queue_head_init(&done);

	for (i = 0; i < b.vlen; i++) {
		if (copy_from_user(&m, &um[i], sizeof(m))) {
			ret = -EFAULT;
			break;
		}
		if (m.flags & ~MSG_TRUNC) {
			ret = -EINVAL;
			break;
		}
		/* A receive waits for its first packet only. */
		ret = oobnet_msg_io(os, send, &m, nonblock || (!send && i),
				    timeout, &done);
		if (ret)
			break;
		if (copy_to_user(&um[i], &m, sizeof(m))) {
			ret = -EFAULT;
			break;
		}
	}
	/* What was read, freed at once: one bottom-half section. */
	oobnet_free_skb_list(&done);
	if (!i)
		return ret;
	b.count = i;
	return copy_to_user(uarg, &b, sizeof(b)) ? -EFAULT : 0;
}

__poll_t oobnet_sock_poll(struct file *file, poll_table *wait)
{
	struct socket *sock = file->private_data;
	struct sock *sk = sock->sk;
	struct oobnet_sock *os = oobnet_sk(sk);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (!skb_queue_empty_lockless(&os->rxq))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (oobnet_rx_shut(os))
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (os->proto->rx_state(os) == -ENETDOWN)
		mask |= EPOLLERR | EPOLLHUP;
	if (sock_writeable(sk) && oobnet_tx_room(os))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}
