// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: AF_PACKET raw oob sockets.
 *
 * socket(AF_PACKET, SOCK_RAW | SOCK_OOB, htons(proto)) opens a raw packet
 * socket whose oob I/O works on whole link-layer frames:
 *
 * - bind() to a struct sockaddr_ll naming an oob port (ENXIO for another
 *   device) makes the socket take the frames of its protocol (ETH_P_ALL:
 *   every frame) that the port picks; sll_protocol, when not 0, replaces
 *   the protocol given to socket(), as for in-band packet sockets;
 * - a receive gets one frame from its Ethernet header on (untagged on a
 *   VLAN port), and its source as a struct sockaddr_ll;
 * - a send takes one frame from its Ethernet header on, to the bound port
 *   or to the port a struct sockaddr_ll names; EMSGSIZE when it exceeds
 *   the device's MTU or the buffer, EINVAL when it is shorter than an
 *   Ethernet header.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/uio.h>

#include "oobnet.h"

/* The protocol as the in-band socket knows it, socket() or bind() given. */
static __be16 oobnet_packet_protocol(struct socket *sock)
{
	struct sockaddr_storage ss;
	struct sockaddr_ll *sll = (struct sockaddr_ll *)&ss;

	if (kernel_getsockname(sock, (struct sockaddr *)&ss) < 0)
		return 0;
	return sll->sll_protocol;
}

int oobnet_packet_attach(struct oobnet_sock *os, struct socket *sock)
{
	os->protocol = oobnet_packet_protocol(sock);
	return 0;
}

static int oobnet_packet_bind(struct oobnet_sock *os, struct sockaddr *addr,
			      int len)
{
	struct sockaddr_ll *sll = (struct sockaddr_ll *)addr;
	struct net_device *dev;
	int ret;

	/* The in-band bind checked the address already. */
	if (len < offsetofend(struct sockaddr_ll, sll_ifindex) ||
	    sll->sll_family != AF_PACKET)
		return -EINVAL;

	rtnl_lock();
	dev = __dev_get_by_index(sock_net(os->sk), sll->sll_ifindex);
	ret = dev ? oobnet_sock_bind_port(os, dev) : -ENXIO;
	if (!ret && sll->sll_protocol)
		WRITE_ONCE(os->protocol, sll->sll_protocol);
	rtnl_unlock();
	return ret;
}

static bool oobnet_packet_match(const struct oobnet_sock *os,
				const struct sk_buff *skb)
{
	__be16 proto = READ_ONCE(os->protocol);

	return proto == htons(ETH_P_ALL) || (proto && proto == skb->protocol);
}

/* The reader gets the frame from its link header on. */
static void oobnet_packet_rx_trim(struct sk_buff *skb)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
}

static int oobnet_packet_fill_name(struct sk_buff *skb,
				   struct sockaddr_storage *ss)
{
	struct sockaddr_ll *sll = (struct sockaddr_ll *)ss;

	sll->sll_family = AF_PACKET;
	sll->sll_protocol = skb->protocol;
	sll->sll_ifindex = oobnet_rx_cb(skb)->ifindex;
	sll->sll_hatype = oobnet_rx_cb(skb)->hatype;
	sll->sll_pkttype = skb->pkt_type;
	sll->sll_halen = ETH_ALEN;
	memcpy(sll->sll_addr, eth_hdr(skb)->h_source, ETH_ALEN);
	return sizeof(*sll);
}

/*
 * The port to send to: the one @sll names, else the bound one.  Its
 * device comes referenced in *@devp; the port itself may go at any time
 * after this returns, so only the device may be used.
 */
static struct oobnet_dev *oobnet_packet_dest(struct oobnet_sock *os,
					     struct sockaddr_ll *sll,
					     struct net_device **devp)
{
	struct oobnet_dev *od = NULL;
	struct oobnet_port *port;
	struct net_device *dev;

	if (!sll)
		return oobnet_sock_get_dev(os, devp);

	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(os->sk), sll->sll_ifindex);
	if (dev) {
		od = oobnet_dev_lookup_rcu(oobnet_real_dev(dev));
		port = od ? oobnet_port_lookup_rcu(od, dev) : NULL;
		if (port && refcount_inc_not_zero(&od->refs)) {
			dev_hold(dev);
			*devp = dev;
		} else {
			od = NULL;
		}
	}
	rcu_read_unlock();
	return od;
}

static ssize_t oobnet_packet_send(struct oobnet_sock *os,
				  struct sockaddr *name, int namelen,
				  struct iov_iter *from, bool nonblock,
				  ktime_t timeout)
{
	struct sockaddr_ll *sll = (struct sockaddr_ll *)name;
	size_t len = iov_iter_count(from);
	struct net_device *dev = NULL;
	struct oobnet_dev *od;
	struct sk_buff *skb;
	ssize_t ret;

	if (sll && (namelen < offsetof(struct sockaddr_ll, sll_addr) ||
		    sll->sll_family != AF_PACKET))
		return -EINVAL;
	od = oobnet_packet_dest(os, sll, &dev);
	if (!od) {
		if (sll)
			return -ENXIO;
		return READ_ONCE(os->port_gone) ? -ENETDOWN : -EDESTADDRREQ;
	}

	ret = -EINVAL;
	if (len < ETH_HLEN)
		goto put;
	ret = -EMSGSIZE;
	if (len > READ_ONCE(dev->mtu) + ETH_HLEN ||
	    len > SKB_WITH_OVERHEAD(PAGE_SIZE) - OOBNET_TX_HEADROOM)
		goto put;

	skb = oobnet_tx_alloc_copy(os, od, from, len, nonblock, timeout);
	if (IS_ERR(skb)) {
		ret = PTR_ERR(skb);
		goto put;
	}
	oobnet_tx_stamp(os, skb);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb->priority = READ_ONCE(os->sk->sk_priority);
	skb->dev = dev;
	oobnet_sock_count(os, OOBNET_SK_TX);
	/* The relay takes over the reference on the device. */
	oobnet_tx_send(od, skb);
	oobnet_dev_put(od);
	return len;
put:
	dev_put(dev);
	oobnet_dev_put(od);
	return ret;
}

const struct oobnet_proto oobnet_packet_proto = {
	.name = "packet",
	.bind = oobnet_packet_bind,
	.match = oobnet_packet_match,
	.rx_state = oobnet_sock_port_state,
	.rx_trim = oobnet_packet_rx_trim,
	.fill_name = oobnet_packet_fill_name,
	.send = oobnet_packet_send,
};
