// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: IPv4 fragmentation of oob datagrams, and reassembly of the
 * fragments picked from diverted input.
 *
 * A datagram over the MTU leaves in fragments, one transmit buffer each,
 * unless the socket forbids fragmentation (IP_MTU_DISCOVER set to DO or
 * PROBE: EMSGSIZE).  The fragments after the first go first: the first
 * carries the UDP header, whose checksum covers the data of all.
 *
 * While an oob UDP socket exists, the gate picks every IPv4 UDP fragment
 * reaching a port for a local address (whose datagram it is, only the
 * first fragment says); the real device's RX thread, the only one to
 * touch its reassembly queues, puts them back together.  A datagram nobody takes
 * goes on to the in-band stack whole.  A reassembly not complete within
 * frag_timeout_ms is dropped (rx_drop_frag), as is one with overlapping
 * fragments, and the oldest when a device has OOBNET_FRAG_QUEUES pending
 * or holds OOBNET_FRAG_HELD fragments.
 *
 * The RX thread allocates nothing that may sleep: the queues are allocated
 * with the device's state, and a datagram is its first fragment with the
 * others chained on its frag_list, not a copy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/udp.h>
#include <linux/uio.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>

#include "oobnet.h"

static unsigned int frag_timeout_ms = 1000;
module_param(frag_timeout_ms, uint, 0644);
MODULE_PARM_DESC(frag_timeout_ms,
		 "time a reassembly may take before its fragments are dropped (10-30000 ms, default 1000)");

#define OOBNET_FRAG_QUEUES	64
#define OOBNET_FRAG_MAX		64	/* fragments in one datagram */
/*
 * Fragments held by a device's reassemblies: each holds an oob skb head,
 * of a pool the whole system shares (1024 by default), and any remote
 * host may send fragments that never complete.
 */
#define OOBNET_FRAG_HELD	128

/* One datagram being reassembled: the RX thread's only. */
struct oobnet_frag_queue {
	struct list_head next;
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	struct net_device *port;	/* compared, never followed */
	unsigned long expires;		/* jiffies */
	unsigned int total;		/* IP payload size, once the last came */
	unsigned int meat;		/* IP payload bytes received */
	unsigned int nr;
	struct sk_buff *frags[OOBNET_FRAG_MAX];
};

static unsigned int oobnet_frag_offset(const struct sk_buff *skb)
{
	return (ntohs(ip_hdr(skb)->frag_off) & IP_OFFSET) << 3;
}

static unsigned int oobnet_frag_len(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	return ntohs(iph->tot_len) - iph->ihl * 4;
}

/**
 * oobnet_ipfrag_parse() - Check a received IPv4 packet for a UDP fragment
 * @skb: the packet, data at its IPv4 header
 *
 * Sets the network header; checks the IP header and trims the padding.
 *
 * Return: true for a fragment of a UDP datagram.
 */
bool oobnet_ipfrag_parse(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl, len;

	if (skb->pkt_type == PACKET_OTHERHOST ||
	    !pskb_may_pull(skb, sizeof(*iph)))
		return false;
	iph = (const struct iphdr *)skb->data;
	ihl = iph->ihl * 4;
	len = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < sizeof(*iph) ||
	    iph->protocol != IPPROTO_UDP || !ip_is_fragment(iph) ||
	    len <= ihl || len > skb->len || !pskb_may_pull(skb, ihl) ||
	    ip_fast_csum(skb->data, ((struct iphdr *)skb->data)->ihl))
		return false;
	if (pskb_trim_rcsum(skb, len))
		return false;
	skb_reset_network_header(skb);
	return true;
}

/*
 * Fragments are only taken for this host: not for a router's forwarding,
 * and not for a broadcast or multicast.
 */
bool oobnet_ipfrag_local(struct net_device *port, const struct sk_buff *skb)
{
	return skb->pkt_type == PACKET_HOST &&
	       inet_addr_type_dev_table(dev_net(port), port,
					ip_hdr(skb)->daddr) == RTN_LOCAL;
}

static void oobnet_frag_free(struct oobnet_dev *od,
			     struct oobnet_frag_queue *q, bool dropped)
{
	unsigned int i;

	for (i = 0; i < q->nr; i++)
		oobnet_kfree_skb(q->frags[i]);
	od->frag_held -= q->nr;
	if (dropped)
		oobnet_dev_count(od, OOBNET_RX_DROP_FRAG);
	list_move(&q->next, &od->frag_free);
}

static struct oobnet_frag_queue *oobnet_frag_find(struct oobnet_dev *od,
						  const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct oobnet_frag_queue *q;

	list_for_each_entry(q, &od->frag_list, next)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->id == iph->id && q->port == skb->dev)
			return q;

	if (list_empty(&od->frag_free))
		oobnet_frag_free(od, list_first_entry(&od->frag_list,
						      struct oobnet_frag_queue,
						      next), true);
	q = list_first_entry(&od->frag_free, struct oobnet_frag_queue, next);
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->id = iph->id;
	q->port = skb->dev;
	q->expires = jiffies +
		msecs_to_jiffies(clamp(READ_ONCE(frag_timeout_ms), 10U, 30000U));
	q->total = 0;
	q->meat = 0;
	q->nr = 0;
	list_move_tail(&q->next, &od->frag_list);
	return q;
}

static int oobnet_frag_cmp(const void *a, const void *b)
{
	unsigned int oa = oobnet_frag_offset(*(struct sk_buff * const *)a);
	unsigned int ob = oobnet_frag_offset(*(struct sk_buff * const *)b);

	return oa < ob ? -1 : oa > ob;
}

/*
 * All the pieces are there: the datagram is the first fragment, the
 * others chained on its frag_list after their IP headers; NULL if they
 * overlap or leave a hole, and then the queue still owns every fragment.
 */
static struct sk_buff *oobnet_frag_join(struct oobnet_frag_queue *q)
{
	struct sk_buff *head, **tail;
	unsigned int i, at = 0;
	struct iphdr *iph;

	sort(q->frags, q->nr, sizeof(q->frags[0]), oobnet_frag_cmp, NULL);
	for (i = 0; i < q->nr; i++) {
		if (oobnet_frag_offset(q->frags[i]) != at)
			return NULL;
		at += oobnet_frag_len(q->frags[i]);
	}
	head = q->frags[0];
	/*
	 * A tap's clone shares the shared info where the chain goes: a copy
	 * of the head then, which may fail but does not sleep.
	 */
	if (skb_has_frag_list(head) || skb_unclone(head, GFP_ATOMIC))
		return NULL;

	tail = &skb_shinfo(head)->frag_list;
	for (i = 1; i < q->nr; i++) {
		struct sk_buff *f = q->frags[i];

		__skb_pull(f, ip_hdrlen(f));
		f->next = NULL;
		*tail = f;
		tail = &f->next;
		head->len += f->len;
		head->data_len += f->len;
		head->truesize += f->truesize;
	}
	q->nr = 0;

	iph = ip_hdr(head);
	iph->tot_len = htons(ip_hdrlen(head) + q->total);
	iph->frag_off = 0;
	ip_send_check(iph);
	/* A fragment's checksum covers only its own part: check it all again. */
	head->ip_summed = CHECKSUM_NONE;
	return head;
}

/**
 * oobnet_ipfrag_add() - Queue a picked fragment for reassembly
 * @od: the device it arrived on
 * @skb: the fragment, skb->dev its port
 *
 * Context: the device's RX thread.
 * Return: the whole datagram once its last piece came, else NULL.
 */
struct sk_buff *oobnet_ipfrag_add(struct oobnet_dev *od, struct sk_buff *skb)
{
	unsigned int off = oobnet_frag_offset(skb), len = oobnet_frag_len(skb);
	struct oobnet_frag_queue *q = oobnet_frag_find(od, skb);
	struct sk_buff *whole;
	bool last = !(ip_hdr(skb)->frag_off & htons(IP_MF));
	unsigned int i, held;

	if (!q) {
		oobnet_dev_count(od, OOBNET_RX_DROP_FRAG);
		oobnet_kfree_skb(skb);
		return NULL;
	}
	/* The same piece again: keep the first. */
	for (i = 0; i < q->nr; i++) {
		if (oobnet_frag_offset(q->frags[i]) == off &&
		    oobnet_frag_len(q->frags[i]) == len) {
			oobnet_kfree_skb(skb);
			return NULL;
		}
	}
	/*
	 * A datagram over 64 KiB, a fragment past the end, a second end, or
	 * one too many.
	 */
	if (ip_hdrlen(skb) + off + len > IP_MAX_MTU ||
	    (q->total && (off + len > q->total || last)) ||
	    (last && q->meat > off + len) || q->nr == OOBNET_FRAG_MAX ||
	    (!last && (len & 7))) {
		oobnet_kfree_skb(skb);
		oobnet_frag_free(od, q, true);
		return NULL;
	}
	/* Room for one more fragment: the oldest reassemblies go first. */
	while (od->frag_held >= OOBNET_FRAG_HELD) {
		struct oobnet_frag_queue *oldest;

		oldest = list_first_entry(&od->frag_list,
					  struct oobnet_frag_queue, next);
		if (oldest == q) {
			oobnet_kfree_skb(skb);
			oobnet_frag_free(od, q, true);
			return NULL;
		}
		oobnet_frag_free(od, oldest, true);
	}
	if (last)
		q->total = off + len;
	q->frags[q->nr++] = skb;
	od->frag_held++;
	q->meat += len;
	if (!q->total || q->meat < q->total)
		return NULL;

	held = q->nr;
	whole = q->meat == q->total ? oobnet_frag_join(q) : NULL;
	if (whole)
		od->frag_held -= held;
	oobnet_frag_free(od, q, !whole);
	return whole;
}

/* Drops the reassemblies that took too long, or all of them. */
void oobnet_ipfrag_expire(struct oobnet_dev *od, bool all)
{
	struct oobnet_frag_queue *q, *tmp;

	list_for_each_entry_safe(q, tmp, &od->frag_list, next)
		if (all || time_after_eq(jiffies, q->expires))
			oobnet_frag_free(od, q, !all);
}

/* How long the RX thread may sleep before a reassembly expires. */
long oobnet_ipfrag_next_expiry(struct oobnet_dev *od)
{
	unsigned long first = jiffies + MAX_SCHEDULE_TIMEOUT / 2;
	struct oobnet_frag_queue *q;

	if (list_empty(&od->frag_list))
		return MAX_SCHEDULE_TIMEOUT;
	/* frag_timeout_ms may have changed: the earliest of all. */
	list_for_each_entry(q, &od->frag_list, next)
		if (time_before(q->expires, first))
			first = q->expires;
	return time_after(first, jiffies) ? first - jiffies : 0;
}

/* The device's reassembly queues, allocated up front: none on the RX thread. */
int oobnet_ipfrag_init(struct oobnet_dev *od)
{
	unsigned int i;

	INIT_LIST_HEAD(&od->frag_list);
	INIT_LIST_HEAD(&od->frag_free);
	od->frag_slots = kvcalloc(OOBNET_FRAG_QUEUES, sizeof(*od->frag_slots),
				  GFP_KERNEL);
	if (!od->frag_slots)
		return -ENOMEM;
	for (i = 0; i < OOBNET_FRAG_QUEUES; i++)
		list_add_tail(&od->frag_slots[i].next, &od->frag_free);
	return 0;
}

/* The RX thread is gone: every reassembly left is dropped. */
void oobnet_ipfrag_exit(struct oobnet_dev *od)
{
	oobnet_ipfrag_expire(od, true);
	kvfree(od->frag_slots);
	od->frag_slots = NULL;
}

/*
 * Builds and sends fragment @nr of @tx's datagram: @len bytes of IP
 * payload at offset @off, the UDP header included in the first.
 */
static int oobnet_frag_emit(struct oobnet_udp_tx *tx, struct iov_iter *from,
			    unsigned int off, unsigned int len, bool more,
			    bool stamp, __be16 id, struct udphdr *uh,
			    __wsum *csum, bool nonblock, ktime_t timeout)
{
	unsigned int data = off ? len : len - sizeof(*uh);
	struct sk_buff *skb;
	struct iphdr *iph;
	__wsum part = 0;

	skb = oobnet_tx_alloc(tx->os, tx->od, nonblock, timeout);
	if (IS_ERR(skb))
		return PTR_ERR(skb);
	if (!csum_and_copy_from_iter_full(skb_put(skb, data), data, &part,
					  from)) {
		oobnet_sock_count(tx->os, OOBNET_SK_TX_ERR);
		oobnet_kfree_skb(skb);
		return -EFAULT;
	}
	if (stamp)
		oobnet_tx_stamp(tx->os, skb);
	if (off) {
		*csum = csum_block_add(*csum, part, off - sizeof(*uh));
	} else {
		*csum = csum_add(*csum, part);
		uh->check = csum_tcpudp_magic(tx->fl4.saddr, tx->fl4.daddr,
					      ntohs(uh->len), IPPROTO_UDP,
					      csum_partial(uh, sizeof(*uh),
							   *csum));
		if (!uh->check)
			uh->check = CSUM_MANGLED_0;
		memcpy(skb_push(skb, sizeof(*uh)), uh, sizeof(*uh));
	}
	skb_reset_transport_header(skb);
	skb->ip_summed = CHECKSUM_NONE;

	iph = oobnet_udp_push_iphdr(tx->os->sk, skb, tx->rt, &tx->fl4);
	iph->id = id;
	iph->frag_off = htons((off >> 3) | (more ? IP_MF : 0));
	ip_send_check(iph);
	oobnet_udp_emit(tx, skb);
	return 0;
}

/**
 * oobnet_ipfrag_send() - Send a datagram over the MTU in fragments
 * @tx: the datagram's route, port and neighbour
 * @from: its data
 * @len: the size of @from
 * @mtu: the route's MTU
 * @nonblock: fail with -EAGAIN instead of waiting for a buffer
 * @timeout: how long to wait for each buffer
 *
 * Each fragment is sent as soon as it is built, so that its buffer comes
 * back while the next one is built: a failure midway leaves the fragments
 * sent already to expire at the receiver.
 *
 * Return: @len, or the error.
 */
ssize_t oobnet_ipfrag_send(struct oobnet_udp_tx *tx, struct iov_iter *from,
			   size_t len, unsigned int mtu, bool nonblock,
			   ktime_t timeout)
{
	unsigned int total = len + sizeof(struct udphdr), room, off;
	struct sock *sk = tx->os->sk;
	struct udphdr uh = {
		.source = tx->fl4.fl4_sport,
		.dest = tx->fl4.fl4_dport,
		.len = htons(total),
	};
	struct iov_iter rest = *from;
	struct iphdr id_hdr = {
		.saddr = tx->fl4.saddr,
		.daddr = tx->fl4.daddr,
		.protocol = IPPROTO_UDP,
	};
	__wsum csum = 0;
	int ret;

	/* IP payload per fragment: a multiple of 8 that fits both. */
	room = min_t(unsigned int, mtu,
		     SKB_WITH_OVERHEAD(PAGE_SIZE) - OOBNET_TX_HEADROOM) -
	       sizeof(struct iphdr);
	room &= ~7U;
	if (room < 8 || DIV_ROUND_UP(total, room) > OOBNET_FRAG_MAX)
		return -EMSGSIZE;
	__ip_select_ident(sock_net(sk), &id_hdr, 1);

	/* The rest first, then the first with the checksum of all. */
	iov_iter_advance(&rest, room - sizeof(uh));
	for (off = room; off < total; off += room) {
		ret = oobnet_frag_emit(tx, &rest, off,
				       min(room, total - off),
				       off + room < total, off == room,
				       id_hdr.id, &uh, &csum, nonblock,
				       timeout);
		if (ret)
			return ret;
	}
	ret = oobnet_frag_emit(tx, from, 0, min(room, total), total > room,
			       total <= room, id_hdr.id, &uh, &csum, nonblock,
			       timeout);
	if (ret)
		return ret;
	if (total > room)
		iov_iter_advance(from, total - room);
	oobnet_sock_count(tx->os, OOBNET_SK_TX);
	return len;
}
