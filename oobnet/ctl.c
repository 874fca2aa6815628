// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the controls that go through an oob socket's ioctls
 * (include/uapi/oobnet.h): a real device's RX program, and neighbour
 * solicitation for UDP senders.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/in.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/uaccess.h>
#include <uapi/oobnet.h>

#include "oobnet.h"

static int oobnet_set_rx_prog(struct oobnet_sock *os, void __user *uarg)
{
	struct net *net = sock_net(os->sk);
	struct bpf_prog *prog = NULL, *old;
	struct oobnet_rx_prog req;
	struct net_device *dev;
	struct oobnet_dev *od;
	int ret = 0;

	/* Programs run on the oob path: the initial namespace's privilege. */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.fd >= 0) {
		prog = bpf_prog_get_type(req.fd, BPF_PROG_TYPE_SOCKET_FILTER);
		if (IS_ERR(prog))
			return PTR_ERR(prog);
	}

	rtnl_lock();
	dev = __dev_get_by_index(net, req.ifindex);
	od = dev ? oobnet_dev_find(oobnet_real_dev(dev)) : NULL;
	if (!od) {
		ret = dev ? -ENXIO : -ENODEV;
		old = prog;
	} else {
		old = rcu_replace_pointer(od->rx_prog, prog, lockdep_rtnl_is_held());
	}
	rtnl_unlock();
	/* The program is freed after a grace period. */
	if (old)
		bpf_prog_put(old);
	return ret;
}

/**
 * oobnet_rx_prog_run() - Ask a device's RX program about a packet
 * @od: the device's state
 * @skb: the packet, data at its network header
 *
 * Context: RCU held.
 * Return: the program's verdict, OOBNET_VERDICT_VLAN without one.
 */
int oobnet_rx_prog_run(struct oobnet_dev *od, struct sk_buff *skb)
{
	struct bpf_prog *prog = rcu_dereference(od->rx_prog);
	unsigned int mac_len;
	int verdict;

	if (!prog)
		return OOBNET_VERDICT_VLAN;
	/* The program sees the frame from its Ethernet header on. */
	mac_len = skb->data - skb_mac_header(skb);
	__skb_push(skb, mac_len);
	verdict = bpf_prog_run_save_cb(prog, skb);
	__skb_pull(skb, mac_len);
	return verdict;
}

/* The device's state goes: so does its program. */
void oobnet_rx_prog_release(struct oobnet_dev *od)
{
	struct bpf_prog *prog = rcu_replace_pointer(od->rx_prog, NULL, true);

	if (prog)
		bpf_prog_put(prog);
}

u32 oobnet_rx_prog_id(struct oobnet_dev *od)
{
	struct bpf_prog *prog;
	u32 id;

	rcu_read_lock();
	prog = rcu_dereference(od->rx_prog);
	id = prog ? prog->aux->id : 0;
	rcu_read_unlock();
	return id;
}

long oobnet_sock_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg)
{
	struct oobnet_sock *os = oobnet_sk(sk);
	struct in_addr addr;

	switch (cmd) {
	case OOBNET_SIOC_SET_RX_PROG:
		return oobnet_set_rx_prog(os, (void __user *)arg);
	case OOBNET_SIOC_SOLICIT:
		if (os->proto != &oobnet_udp_proto)
			return -EOPNOTSUPP;
		if (copy_from_user(&addr, (void __user *)arg, sizeof(addr)))
			return -EFAULT;
		return oobnet_udp_solicit(os, addr.s_addr);
	case OOBNET_SIOC_SENDMMSG:
	case OOBNET_SIOC_RECVMMSG:
		return oobnet_sock_mmsg(os, cmd == OOBNET_SIOC_SENDMMSG,
					(void __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}
