// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: UDP over IPv4 oob sockets.
 *
 * socket(AF_INET, SOCK_DGRAM | SOCK_OOB, 0) opens a UDP socket whose oob
 * I/O works on datagrams.  bind() and connect() work in-band, so the local
 * port comes from the in-band port space and cannot clash with an in-band
 * socket; the oob socket then takes the datagrams to its port (and
 * address, and peer when connected) that an oob port picks.
 *
 * A send routes through the in-band routing tables, must leave through an
 * oob port (else ENXIO) and fit its MTU (else EMSGSIZE: oobnet does not
 * fragment yet).  The link-layer destination comes from the in-band
 * neighbour cache; when it holds no valid entry, the datagram goes through
 * the in-band IP output instead, which resolves it, and the device's
 * tx_noneigh counter says so.  Broadcasts need SO_BROADCAST (else EACCES),
 * multicasts map to their Ethernet group address.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/net_oob.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/uio.h>
#include <net/arp.h>
#include <net/inet_common.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/udp.h>

#include "oobnet.h"

/* UDP oob sockets by local port: hashed under the mutex, RCU readers. */
static DEFINE_HASHTABLE(oobnet_udp_hash, 8);
static DEFINE_MUTEX(oobnet_udp_lock);
/* While a namespace has a bound socket, the gate picks UDP fragments. */
bool oobnet_udp_any(const struct net *net)
{
	return atomic_read(&oobnet_net(net)->udp_hashed) > 0;
}

static bool oobnet_udp_hashed(const struct oobnet_sock *os)
{
	return !hlist_unhashed_lockless(&os->udp_node);
}

/*
 * Hashes @os by the local port the in-band socket has now (none after a
 * disconnect that released it).  A socket leaving its bucket waits for a
 * grace period before it joins another, so no reader walks from one
 * bucket into the other.
 */
static void oobnet_udp_rehash(struct oobnet_sock *os)
{
	__be16 port;

	mutex_lock(&oobnet_udp_lock);
	port = READ_ONCE(inet_sk(os->sk)->inet_sport);
	if (oobnet_udp_hashed(os) && os->udp_port != port) {
		hash_del_rcu(&os->udp_node);
		atomic_dec(&oobnet_net(sock_net(os->sk))->udp_hashed);
		synchronize_rcu();
		INIT_HLIST_NODE(&os->udp_node);
	}
	if (port && !oobnet_udp_hashed(os)) {
		os->udp_port = port;
		hash_add_rcu(oobnet_udp_hash, &os->udp_node, (__force u16)port);
		atomic_inc(&oobnet_net(sock_net(os->sk))->udp_hashed);
	}
	mutex_unlock(&oobnet_udp_lock);
}

int oobnet_udp_attach(struct oobnet_sock *os, struct socket *sock)
{
	os->protocol = htons(ETH_P_IP);
	INIT_HLIST_NODE(&os->udp_node);
	return 0;
}

/* The sock is freed a grace period later (SOCK_RCU_FREE). */
static void oobnet_udp_release(struct oobnet_sock *os)
{
	mutex_lock(&oobnet_udp_lock);
	if (oobnet_udp_hashed(os)) {
		hash_del_rcu(&os->udp_node);
		atomic_dec(&oobnet_net(sock_net(os->sk))->udp_hashed);
	}
	mutex_unlock(&oobnet_udp_lock);
}

static int oobnet_udp_bind(struct oobnet_sock *os, struct sockaddr *addr,
			   int len)
{
	oobnet_udp_rehash(os);
	return 0;
}

static int oobnet_udp_connect(struct oobnet_sock *os)
{
	oobnet_udp_rehash(os);
	return 0;
}

/**
 * oobnet_udp_parse() - Check a received IPv4 packet for a UDP datagram
 * @skb: the packet, data at its IPv4 header
 *
 * Sets the network and transport headers.  Fragments are not taken.
 *
 * Return: true for a datagram oob UDP sockets may take.
 */
bool oobnet_udp_parse(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl;

	if (skb->pkt_type == PACKET_OTHERHOST ||
	    !pskb_may_pull(skb, sizeof(*iph)))
		return false;
	iph = (const struct iphdr *)skb->data;
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph) ||
	    iph->protocol != IPPROTO_UDP || ip_is_fragment(iph) ||
	    !pskb_may_pull(skb, ihl + sizeof(struct udphdr)))
		return false;
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, ihl);
	return true;
}

static bool oobnet_udp_match(const struct oobnet_sock *os,
			     const struct sk_buff *skb)
{
	const struct inet_sock *inet = inet_sk(os->sk);
	const struct udphdr *uh = udp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	int bound_if = READ_ONCE(os->sk->sk_bound_dev_if);

	return net_eq(sock_net(os->sk), dev_net(skb->dev)) &&
	       READ_ONCE(inet->inet_sport) == uh->dest &&
	       (!inet->inet_rcv_saddr || inet->inet_rcv_saddr == iph->daddr) &&
	       (!inet->inet_daddr || (inet->inet_daddr == iph->saddr &&
				      inet->inet_dport == uh->source)) &&
	       (!bound_if || bound_if == skb->dev->ifindex);
}

/*
 * The UDP oob sockets that take @skb, arrived on the port skb->dev, into
 * @takers; one for a unicast, every match for a broadcast or multicast.
 * RCU held.
 */
int oobnet_udp_takers(struct sk_buff *skb, struct oobnet_sock **takers,
		      int max)
{
	bool unicast = skb->pkt_type == PACKET_HOST;
	struct oobnet_sock *os;
	int n = 0;

	if (skb->protocol != htons(ETH_P_IP) || !skb_transport_header_was_set(skb))
		return 0;
	hash_for_each_possible_rcu(oobnet_udp_hash, os, udp_node,
				   (__force u16)udp_hdr(skb)->dest) {
		if (n == max)
			break;
		if (!oobnet_udp_match(os, skb))
			continue;
		takers[n++] = os;
		if (unicast)
			break;
	}
	return n;
}

/* The RX thread's checks before a datagram goes to a reader. */
bool oobnet_udp_valid(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int len = ntohs(iph->tot_len);
	unsigned int ihl = iph->ihl * 4;
	const struct udphdr *uh;
	bool valid;

	if (ip_fast_csum(iph, iph->ihl) || len < ihl + sizeof(*uh) ||
	    skb->len < len || pskb_trim_rcsum(skb, len))
		return false;
	/* The trim may have moved the headers. */
	uh = udp_hdr(skb);
	if (ntohs(uh->len) != len - ihl)
		return false;
	/* The checksum covers the UDP header on: look from there. */
	skb_pull_rcsum(skb, ihl);
	valid = !skb_checksum_init_zero_check(skb, IPPROTO_UDP, uh->check,
					      inet_compute_pseudo) &&
		!skb_checksum_complete(skb);
	skb_push_rcsum(skb, ihl);
	return valid;
}

/* A socket without a local port receives nothing. */
static int oobnet_udp_rx_state(const struct oobnet_sock *os)
{
	return oobnet_udp_hashed(os) ? 0 : -ENOTCONN;
}

/* The reader gets the payload. */
static void oobnet_udp_rx_trim(struct sk_buff *skb)
{
	skb_pull(skb, skb_transport_offset(skb) + sizeof(struct udphdr));
}

static int oobnet_udp_fill_name(struct sk_buff *skb,
				struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_port = udp_hdr(skb)->source;
	sin->sin_addr.s_addr = ip_hdr(skb)->saddr;
	return sizeof(*sin);
}

/* The Ethernet destination of @rt's next hop, if the cache has it. */
static bool oobnet_udp_dest_mac(struct rtable *rt, struct net_device *dev,
				__be32 daddr, u8 *mac)
{
	unsigned long now = jiffies;
	struct neighbour *n;
	bool valid = false;

	if (rt->rt_flags & RTCF_BROADCAST) {
		eth_broadcast_addr(mac);
		return true;
	}
	if (rt->rt_flags & RTCF_MULTICAST) {
		ip_eth_mc_map(daddr, mac);
		return true;
	}
	rcu_read_lock();
	n = __ipv4_neigh_lookup_noref(dev, (__force u32)rt_nexthop(rt, daddr));
	if (n && (READ_ONCE(n->nud_state) & NUD_VALID)) {
		neigh_ha_snapshot(mac, n, dev);
		valid = true;
		/*
		 * A stale entry gets confirmed again, as in-band output does,
		 * in-band (see neigh.c).
		 */
		if (!(READ_ONCE(n->nud_state) &
		      (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)))
			oobnet_neigh_confirm(n);
		else if (READ_ONCE(n->used) != now)
			WRITE_ONCE(n->used, now);
	}
	rcu_read_unlock();
	return valid;
}

/**
 * oobnet_udp_push_iphdr() - Push the IPv4 header of a UDP datagram
 * @sk: the sending socket, whose TOS and TTL options apply
 * @skb: the datagram or fragment, data at what follows the header
 * @rt: its route
 * @fl4: its flow, with the addresses
 *
 * Leaves the id and fragment fields, and the checksum, to the caller.
 *
 * Return: the header.
 */
struct iphdr *oobnet_udp_push_iphdr(struct sock *sk, struct sk_buff *skb,
				    struct rtable *rt,
				    const struct flowi4 *fl4)
{
	struct inet_sock *inet = inet_sk(sk);
	struct iphdr *iph;
	int ttl;

	if (ipv4_is_multicast(fl4->daddr))
		ttl = READ_ONCE(inet->mc_ttl);
	else
		ttl = READ_ONCE(inet->uc_ttl);
	if (ttl < 0)
		ttl = ip4_dst_hoplimit(&rt->dst);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tos = READ_ONCE(inet->tos);
	iph->tot_len = htons(skb->len);
	iph->ttl = ttl;
	iph->protocol = IPPROTO_UDP;
	iph->check = 0;
	iph->saddr = fl4->saddr;
	iph->daddr = fl4->daddr;
	skb->protocol = htons(ETH_P_IP);
	return iph;
}

/* Builds the UDP and IPv4 headers in front of the payload. */
static void oobnet_udp_headers(struct sock *sk, struct sk_buff *skb,
			       struct rtable *rt, struct flowi4 *fl4)
{
	unsigned int ulen = skb->len + sizeof(struct udphdr);
	struct udphdr *uh;
	struct iphdr *iph;
	__wsum csum;

	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = fl4->fl4_sport;
	uh->dest = fl4->fl4_dport;
	uh->len = htons(ulen);
	uh->check = 0;
	csum = skb_checksum(skb, 0, ulen, 0);
	uh->check = csum_tcpudp_magic(fl4->saddr, fl4->daddr, ulen,
				      IPPROTO_UDP, csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;

	iph = oobnet_udp_push_iphdr(sk, skb, rt, fl4);
	iph->frag_off = ip_dont_fragment(sk, &rt->dst) ? htons(IP_DF) : 0;
	ip_select_ident(sock_net(sk), skb, sk);
	ip_send_check(iph);
}

/*
 * Sends one datagram, or one fragment of it, built on @skb: to the cached
 * neighbour, else through the in-band IP output.  Consumes @skb and a
 * reference on the device it takes itself.
 */
void oobnet_udp_emit(struct oobnet_udp_tx *tx, struct sk_buff *skb)
{
	struct sock *sk = tx->os->sk;

	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);
	skb->dev = tx->dev;
	if (tx->have_mac) {
		/* Headroom is reserved for it: this cannot fail. */
		dev_hard_header(skb, tx->dev, ETH_P_IP, tx->mac, NULL, skb->len);
		skb_reset_mac_header(skb);
	} else {
		/* The in-band IP output resolves the neighbour. */
		skb_dst_set(skb, dst_clone(&tx->rt->dst));
		oobnet_dev_count(tx->od, OOBNET_TX_NONEIGH);
	}
	dev_hold(tx->dev);
	oobnet_tx_send(tx->od, skb);
}

static ssize_t oobnet_udp_send(struct oobnet_sock *os, struct sockaddr *name,
			       int namelen, struct iov_iter *from,
			       bool nonblock, ktime_t timeout)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)name;
	size_t len = iov_iter_count(from);
	struct sock *sk = os->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct oobnet_udp_tx tx = { .os = os };
	struct oobnet_port *port = NULL;
	unsigned int hlen, mtu;
	struct sk_buff *skb;
	__be32 daddr, saddr;
	__be16 dport;
	ssize_t ret;
	int oif;

	if (sin) {
		if (namelen < sizeof(*sin) || sin->sin_family != AF_INET ||
		    !sin->sin_port)
			return -EINVAL;
		daddr = sin->sin_addr.s_addr;
		dport = sin->sin_port;
	} else {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		daddr = inet->inet_daddr;
		dport = inet->inet_dport;
	}
	if (len > IP_MAX_MTU - sizeof(struct iphdr) - sizeof(struct udphdr))
		return -EMSGSIZE;

	/* The first send of an unbound socket binds it, as in-band. */
	ret = inet_send_prepare(sk);
	if (ret)
		return ret;
	if (!oobnet_udp_hashed(os))
		oobnet_udp_rehash(os);

	saddr = inet->inet_saddr;
	oif = READ_ONCE(sk->sk_bound_dev_if);
	if (ipv4_is_multicast(daddr)) {
		/* IP_MULTICAST_IF, as in-band. */
		if (!oif)
			oif = READ_ONCE(inet->mc_index);
		if (!saddr)
			saddr = READ_ONCE(inet->mc_addr);
	} else if (!oif) {
		oif = READ_ONCE(inet->uc_index);
	}
	/*
	 * Connected: the route connect() cached while it holds, and the flow
	 * connect() took it for, as in-band UDP does; a FIB lookup per
	 * datagram is the costliest step of the send otherwise.
	 */
	if (!sin) {
		tx.rt = dst_rtable(sk_dst_check(sk, 0));
		if (tx.rt) {
			tx.fl4 = inet->cork.fl.u.ip4;
			/* A flow some other send left in the cork: route. */
			if (tx.fl4.daddr != daddr || tx.fl4.fl4_dport != dport ||
			    tx.fl4.fl4_sport != inet->inet_sport) {
				ip_rt_put(tx.rt);
				tx.rt = NULL;
			}
		}
	}
	if (!tx.rt) {
		flowi4_init_output(&tx.fl4, oif, READ_ONCE(sk->sk_mark),
				   READ_ONCE(inet->tos) & INET_DSCP_MASK,
				   RT_SCOPE_UNIVERSE, IPPROTO_UDP,
				   inet_sk_flowi_flags(sk), daddr, saddr, dport,
				   inet->inet_sport, sk->sk_uid);
		tx.rt = ip_route_output_flow(sock_net(sk), &tx.fl4, sk);
		if (IS_ERR(tx.rt))
			return PTR_ERR(tx.rt);
		if (!sin)
			sk_dst_set(sk, dst_clone(&tx.rt->dst));
	}
	ret = -EACCES;
	if ((tx.rt->rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST))
		goto put_rt;
	/*
	 * An IPsec policy covers the flow: the route is a transform bundle
	 * the oob path cannot apply, and the datagram must not leave in clear.
	 */
	ret = -EPERM;
	if (dst_xfrm(&tx.rt->dst))
		goto put_rt;

	tx.dev = tx.rt->dst.dev;
	rcu_read_lock();
	tx.od = oobnet_dev_lookup_rcu(oobnet_real_dev(tx.dev));
	port = tx.od ? oobnet_port_lookup_rcu(tx.od, tx.dev) : NULL;
	if (!port || !refcount_inc_not_zero(&tx.od->refs))
		tx.od = NULL;
	rcu_read_unlock();
	ret = -ENXIO;
	if (!tx.od)
		goto put_rt;
	tx.have_mac = oobnet_udp_dest_mac(tx.rt, tx.dev, tx.fl4.daddr, tx.mac);

	hlen = sizeof(struct iphdr) + sizeof(struct udphdr);
	mtu = dst_mtu(&tx.rt->dst);
	/* The link header goes in OOBNET_TX_HEADROOM. */
	if (len + hlen > mtu ||
	    len + hlen > SKB_WITH_OVERHEAD(PAGE_SIZE) - OOBNET_TX_HEADROOM) {
		/* Fragments, unless the socket forbids them. */
		ret = -EMSGSIZE;
		if (ip_sk_ignore_df(sk))
			ret = oobnet_ipfrag_send(&tx, from, len, mtu, nonblock,
						 timeout);
		goto put;
	}

	skb = oobnet_tx_alloc_copy(os, tx.od, from, len, nonblock, timeout);
	if (IS_ERR(skb)) {
		ret = PTR_ERR(skb);
		goto put;
	}
	oobnet_tx_stamp(os, skb);
	oobnet_udp_headers(sk, skb, tx.rt, &tx.fl4);
	oobnet_sock_count(os, OOBNET_SK_TX);
	oobnet_udp_emit(&tx, skb);
	ret = len;
put:
	oobnet_dev_put(tx.od);
put_rt:
	ip_rt_put(tx.rt);
	return ret;
}

/**
 * oobnet_udp_solicit() - Get the next hop to @daddr into the neighbour cache
 * @os: the socket, whose routing options apply
 * @daddr: the destination
 *
 * Return: 0 when the neighbour is cached, -EINPROGRESS when its resolution
 * started, -ENXIO when the route leaves through no oob port, or the
 * routing error.
 */
int oobnet_udp_solicit(struct oobnet_sock *os, __be32 daddr)
{
	struct sock *sk = os->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net_device *dev;
	struct neighbour *n;
	struct flowi4 fl4;
	struct rtable *rt;
	__be32 nh;
	int ret;

	int oif = READ_ONCE(sk->sk_bound_dev_if);

	/* The interface a send would take (multicast needs no neighbour). */
	if (!oif)
		oif = READ_ONCE(inet->uc_index);
	flowi4_init_output(&fl4, oif, READ_ONCE(sk->sk_mark),
			   READ_ONCE(inet->tos) & INET_DSCP_MASK,
			   RT_SCOPE_UNIVERSE, IPPROTO_UDP,
			   inet_sk_flowi_flags(sk), daddr, inet->inet_saddr,
			   0, 0, sk->sk_uid);
	rt = ip_route_output_flow(sock_net(sk), &fl4, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	dev = rt->dst.dev;
	ret = -ENXIO;
	if (!netif_oob_port(dev))
		goto out;
	ret = 0;
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		goto out;

	nh = rt_nexthop(rt, fl4.daddr);
	n = __ipv4_neigh_lookup(dev, (__force u32)nh);
	if (!n)
		n = neigh_create(&arp_tbl, &nh, dev);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
		goto out;
	}
	if (!(READ_ONCE(n->nud_state) & NUD_VALID)) {
		neigh_event_send(n, NULL);
		ret = -EINPROGRESS;
	}
	neigh_release(n);
out:
	ip_rt_put(rt);
	return ret;
}

const struct oobnet_proto oobnet_udp_proto = {
	.name = "udp",
	.release = oobnet_udp_release,
	.bind = oobnet_udp_bind,
	.connect = oobnet_udp_connect,
	.match = oobnet_udp_match,
	.rx_state = oobnet_udp_rx_state,
	.rx_trim = oobnet_udp_rx_trim,
	.fill_name = oobnet_udp_fill_name,
	.send = oobnet_udp_send,
};
