/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oobnet: what the parts of the module share.
 */
#ifndef _OOBNET_H
#define _OOBNET_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/oob_stage.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/flow.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/sock.h>

/* Per real device counters, shown by /proc/net/oobnet/devices. */
enum oobnet_dev_stat {
	OOBNET_RX_OFFERED,	/* diverted input offered to oobnet */
	OOBNET_RX_PICKED,	/* selected and queued for oob sockets */
	OOBNET_RX_INBAND,	/* left to the in-band stack */
	OOBNET_RX_DROP_PROG,	/* dropped by the RX program's verdict */
	OOBNET_RX_DROP_VLAN,	/* picked, but the VLAN tag would not come off */
	OOBNET_RX_DROP_BACKLOG,	/* picked, but the RX thread's queue was full */
	OOBNET_RX_DROP_NOSOCK,	/* picked, but its socket went meanwhile */
	OOBNET_RX_DROP_RCVBUF,	/* picked, but the socket's buffer was full */
	OOBNET_RX_DROP_CSUM,	/* picked, but a header or checksum was bad */
	OOBNET_RX_DROP_FRAG,	/* fragments of a reassembly that failed */
	OOBNET_RX_POLLS,	/* NAPI polls of an oob-capable driver */
	OOBNET_TX_OOB,		/* sent by the oob stage itself */
	OOBNET_TX_DIRECT,	/* of which: by the sender, no TX thread */
	OOBNET_TX_INBAND,	/* relayed to the in-band transmit path */
	OOBNET_TX_NONEIGH,	/* of which: no cached neighbour, IP output */
	OOBNET_TX_DROP,		/* refused by the device or its queue */
	OOBNET_TX_NOBUF,	/* a sender found the pool empty */
	OOBNET_TX_STOPPED,	/* the TX thread found the queue stopped */
	OOBNET_TX_STALLED,	/* and waited a whole tick for it */
	OOBNET_DEV_NR_STATS,
};

/* Per socket counters, shown by /proc/net/oobnet/sockets. */
enum oobnet_sock_stat {
	OOBNET_SK_RX,		/* packets received */
	OOBNET_SK_RX_DROP,	/* dropped: receive buffer full */
	OOBNET_SK_TX,		/* packets sent */
	OOBNET_SK_TX_ERR,	/* sends that failed after their buffer was taken */
	OOBNET_SOCK_NR_STATS,
};

/*
 * The oob state of a real device with at least one port.  Found by the
 * receive and buffer paths through an RCU list, freed after a grace
 * period once its last reference is gone.
 */
struct oobnet_frag_queue;

struct oobnet_dev {
	struct list_head next;		/* oobnet_devs: RTNL, RCU readers */
	struct net_device *real;
	netdevice_tracker tracker;
	refcount_t refs;		/* the list's, and each sender's */
	unsigned int ports;		/* RTNL */
	struct list_head port_list;	/* RTNL, RCU readers */
	bool dead;			/* under pool_lock */

	/* TX buffers: a page pool of pool_max pages, in flight or not. */
	struct page_pool *pool;
	spinlock_t pool_lock;		/* serializes the pool's allocations */
	unsigned int pool_max;
	atomic_t tx_inflight;
	int pool_low;			/* fewest free buffers seen */
	bool tx_starved;		/* a sender waits for a buffer */

	/* RX: what the gate picked, for the RX thread to hand to sockets. */
	struct sk_buff_head rx_queue;
	unsigned int rx_queue_max;
	wait_queue_head_t rx_wait;
	struct task_struct *rx_thread;
	/* Reassembled datagrams no socket took, for in-band context. */
	struct sk_buff_head inband_queue;
	struct work_struct inband_work;
	struct list_head frag_list;	/* reassemblies, oldest first */
	struct list_head frag_free;	/* queues unused: the RX thread's */
	struct oobnet_frag_queue *frag_slots;
	unsigned int frag_held;		/* fragments queued in frag_list */

	/*
	 * An oob-capable device: the RX thread polls its NAPI instances,
	 * the TX thread calls its driver (NULL: the in-band relay).
	 */
	raw_spinlock_t napi_lock;
	struct list_head napi_list;	/* via napi_struct::poll_list */
	struct sk_buff_head tx_queue;
	wait_queue_head_t tx_wait;
	spinlock_t xmit_lock;		/* who calls the driver, see xmit.c */
	struct task_struct *tx_thread;
	bool tx_closed;			/* under tx_queue.lock */

	/* In-band sends of the oob stage, for the relay thread (tx.c). */
	struct sk_buff_head relay_queue;
	wait_queue_head_t relay_wait;
	struct task_struct *relay_thread;
	bool relay_closed;		/* under relay_queue.lock */

	/* The RX program: a socket filter deciding what is picked. */
	struct bpf_prog __rcu *rx_prog;	/* RTNL to change */

	atomic_long_t stats[OOBNET_DEV_NR_STATS];
	struct rcu_head rcu;
};

/* A port: a real or VLAN device through which oob sockets work. */
struct oobnet_port {
	struct list_head next;		/* oobnet_ports: RTNL */
	struct list_head dev_next;	/* od->port_list: RTNL, RCU readers */
	struct net_device *dev;
	netdevice_tracker tracker;
	struct oobnet_dev *od;
	struct list_head socks;		/* bound sockets: RTNL, RCU readers */
	struct rcu_head rcu;
};

struct oobnet_sock;

/* What a socket type implements on top of the common oob socket code. */
struct oobnet_proto {
	const char *name;
	void (*release)(struct oobnet_sock *os);
	int (*bind)(struct oobnet_sock *os, struct sockaddr *addr, int len);
	int (*connect)(struct oobnet_sock *os);
	/* RCU held: does the packet arriving on skb->dev go to @os? */
	bool (*match)(const struct oobnet_sock *os, const struct sk_buff *skb);
	/* 0 when a reader may wait for a packet, else why not. */
	int (*rx_state)(const struct oobnet_sock *os);
	/* Moves skb->data to what the reader gets. */
	void (*rx_trim)(struct sk_buff *skb);
	/* Stores the source address of a packet, returns its size. */
	int (*fill_name)(struct sk_buff *skb, struct sockaddr_storage *ss);
	/* Builds and sends a packet from @from; returns the bytes sent. */
	ssize_t (*send)(struct oobnet_sock *os, struct sockaddr *name,
			int namelen, struct iov_iter *from, bool nonblock,
			ktime_t timeout);
};

/* The oob state of a SOCK_OOB socket: sk->sk_oob_ctx. */
struct oobnet_sock {
	struct sock *sk;
	const struct oobnet_proto *proto;
	__be16 protocol;		/* raw: the ethertype taken */
	struct oobnet_port __rcu *port;	/* bound port, RTNL to change */
	struct list_head port_next;	/* port->socks */
	bool port_gone;			/* the bound port went down */
	/* The device of the last send, for poll(); cleared when it goes. */
	struct oobnet_dev __rcu *tx_od;
	struct sk_buff_head rxq;
	atomic_t rx_bytes;		/* charged against sk->sk_rcvbuf */
	struct list_head all_next;	/* oobnet_socks */
	struct hlist_node udp_node;	/* udp: by local port */
	__be16 udp_port;		/* udp: the port hashed under */
	atomic_long_t stats[OOBNET_SOCK_NR_STATS];
};

/*
 * What the RX path keeps in skb->cb of a picked packet: from the gate to
 * the RX thread, then in a socket's queue, where skb->dev may not outlive
 * the port.
 */
struct oobnet_rx_cb {
	bool udp;		/* a UDP datagram, see oobnet_udp_parse() */
	bool frag;		/* a fragment of one, see oobnet_ipfrag_parse() */
	int ifindex;		/* the port it arrived on */
	unsigned short hatype;	/* that port's link type */
};

static inline struct oobnet_rx_cb *oobnet_rx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct oobnet_rx_cb) > sizeof(skb->cb));
	return (struct oobnet_rx_cb *)skb->cb;
}

/*
 * The inode of a sock's socket, 0 once released: lockless, for atomic
 * context (sock_i_ino() takes a lock that sleeps on PREEMPT_RT).  The
 * caller holds RCU, under which socket inodes are freed.
 */
static inline unsigned long oobnet_sock_ino(const struct sock *sk)
{
	struct socket *sock = READ_ONCE(sk->sk_socket);

	return sock ? SOCK_INODE(sock)->i_ino : 0;
}

static inline struct oobnet_sock *oobnet_sk(const struct sock *sk)
{
	return sk->sk_oob_ctx;
}

/* Moves everything queued on @q to the tail of @batch, under @q's lock. */
static inline void oobnet_skb_queue_take(struct sk_buff_head *q,
					 struct sk_buff_head *batch)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	skb_queue_splice_tail_init(q, batch);
	spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * Frees @skb on the oob stage, for @reason (SKB_CONSUMED: delivered).
 * Page-pool pages go back through their pool's ring, whose producer lock
 * is a spin_lock_bh() outside softirq context; on PREEMPT_RT the matching
 * local_bh_enable() runs every softirq pending on the CPU in the caller,
 * an oob task.  With bottom halves off around the free, the ring takes
 * its plain lock, and oob_local_bh_enable() leaves pending softirqs to
 * ksoftirqd.  Any process or softirq context may call it.
 */
static inline void oobnet_free_skb(struct sk_buff *skb,
				   enum skb_drop_reason reason)
{
	local_bh_disable();
	kfree_skb_reason(skb, reason);
	oob_local_bh_enable();
}

/* oobnet_consume_skb() for each packet of @list, at once. */
static inline void oobnet_free_skb_list(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	if (skb_queue_empty(list))
		return;
	local_bh_disable();
	while ((skb = __skb_dequeue(list)))
		consume_skb(skb);
	oob_local_bh_enable();
}

static inline void oobnet_kfree_skb(struct sk_buff *skb)
{
	oobnet_free_skb(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

static inline void oobnet_consume_skb(struct sk_buff *skb)
{
	oobnet_free_skb(skb, SKB_CONSUMED);
}

static inline void oobnet_dev_count(struct oobnet_dev *od,
				    enum oobnet_dev_stat stat)
{
	atomic_long_inc(&od->stats[stat]);
}

static inline void oobnet_sock_count(struct oobnet_sock *os,
				     enum oobnet_sock_stat stat)
{
	atomic_long_inc(&os->stats[stat]);
}

/* port.c: oob ports and the state of their real devices, RTNL held. */
int oobnet_ports_init(void);
void oobnet_ports_exit(void);
int oobnet_switch_port(struct net_device *dev, bool on);
int oobnet_switch_diversion(struct net_device *dev, bool on);
ssize_t oobnet_query_pool(struct net_device *dev, char *buf);
struct net_device *oobnet_real_dev(struct net_device *dev);
struct oobnet_dev *oobnet_dev_lookup_rcu(const struct net_device *real);
struct oobnet_port *oobnet_port_lookup_rcu(struct oobnet_dev *od,
					   const struct net_device *dev);
struct oobnet_port *oobnet_port_find(const struct net_device *dev);
void oobnet_thread_setup(struct task_struct *t, unsigned int prio);
struct oobnet_dev *oobnet_dev_find(const struct net_device *real);
void oobnet_dev_put(struct oobnet_dev *od);
extern struct list_head oobnet_devs;

/* vlan.c: the VLAN ids picked from diverted input. */
bool oobnet_vlan_picked(u16 vid);
void oobnet_vlan_exit(void);

/* rx.c: selection, and the per device RX thread. */
bool oobnet_deliver(struct sk_buff *skb);
void oobnet_napi_schedule(struct napi_struct *n);
int oobnet_rx_start(struct oobnet_dev *od);
void oobnet_rx_stop(struct oobnet_dev *od);

/* tx.c: TX buffers and the in-band relay thread. */
struct sk_buff *oobnet_tx_alloc(struct oobnet_sock *os, struct oobnet_dev *od,
				bool nonblock, ktime_t timeout);
struct sk_buff *oobnet_tx_alloc_copy(struct oobnet_sock *os,
				     struct oobnet_dev *od,
				     struct iov_iter *from, size_t len,
				     bool nonblock, ktime_t timeout);
void oobnet_tx_send(struct oobnet_dev *od, struct sk_buff *skb);
void oobnet_tx_stamp(struct oobnet_sock *os, struct sk_buff *skb);
int oobnet_relay_start(struct oobnet_dev *od);
void oobnet_relay_stop(struct oobnet_dev *od);
bool oobnet_tx_room(struct oobnet_sock *os);
void oobnet_tx_wake_all(void);
void oobnet_tx_forget_dev(struct oobnet_dev *od);
#define OOBNET_TX_HEADROOM	128

/* xmit.c: the TX thread of an oob-capable device. */
int oobnet_xmit_start(struct oobnet_dev *od);
void oobnet_xmit_stop(struct oobnet_dev *od);
void oobnet_xmit_queue(struct oobnet_dev *od, struct sk_buff *skb);
void oobnet_tx_wake(struct netdev_queue *txq);

/* socket.c: the oob socket calls common to every type. */
int oobnet_sock_attach(struct socket *sock);
void oobnet_sock_release(struct socket *sock);
void oobnet_sock_destroy(struct sock *sk);
int oobnet_sock_bind(struct sock *sk, struct sockaddr *addr, int len);
int oobnet_sock_connect(struct sock *sk, struct sockaddr *addr, int len,
			int flags);
long oobnet_sock_oob_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg);
long oobnet_sock_mmsg(struct oobnet_sock *os, bool send, void __user *uarg);
ssize_t oobnet_sock_read(struct file *file, struct iov_iter *to);
ssize_t oobnet_sock_write(struct file *file, struct iov_iter *from);
__poll_t oobnet_sock_poll(struct file *file, poll_table *wait);
int oobnet_sock_bind_port(struct oobnet_sock *os, struct net_device *dev);
void oobnet_sock_unbind(struct oobnet_sock *os);
int oobnet_sock_port_state(const struct oobnet_sock *os);
void oobnet_port_unbind_all(struct oobnet_port *port);
/*
 * The sockets the RX thread queued to in one batch, to wake each reader
 * once; the thread holds RCU from the first queueing to the flush.
 */
struct oobnet_rx_wakes {
	struct oobnet_sock *socks[16];
	unsigned int n;
};

bool oobnet_sock_queue(struct oobnet_sock *os, struct sk_buff *skb,
		       struct oobnet_rx_wakes *w);
void oobnet_sock_wake_flush(struct oobnet_rx_wakes *w);
struct oobnet_dev *oobnet_sock_get_dev(struct oobnet_sock *os,
				       struct net_device **devp);
extern struct list_head oobnet_socks;
extern struct mutex oobnet_socks_lock;

/* packet.c: AF_PACKET raw oob sockets. */
extern const struct oobnet_proto oobnet_packet_proto;
int oobnet_packet_attach(struct oobnet_sock *os, struct socket *sock);

/* udp.c: UDP over IPv4 oob sockets. */
struct oobnet_udp_tx {
	struct oobnet_sock *os;
	struct oobnet_dev *od;		/* referenced */
	struct net_device *dev;		/* the port the route leaves through */
	struct rtable *rt;
	struct flowi4 fl4;
	bool have_mac;			/* a cached neighbour, in @mac */
	u8 mac[ETH_ALEN];
};

void oobnet_udp_emit(struct oobnet_udp_tx *tx, struct sk_buff *skb);
struct iphdr *oobnet_udp_push_iphdr(struct sock *sk, struct sk_buff *skb,
				    struct rtable *rt,
				    const struct flowi4 *fl4);
extern const struct oobnet_proto oobnet_udp_proto;
int oobnet_udp_attach(struct oobnet_sock *os, struct socket *sock);
bool oobnet_udp_parse(struct sk_buff *skb);
int oobnet_udp_takers(struct sk_buff *skb, struct oobnet_sock **takers,
		      int max);
bool oobnet_udp_valid(struct sk_buff *skb);
int oobnet_udp_solicit(struct oobnet_sock *os, __be32 daddr);

/* neigh.c: stale neighbour entries confirmed in-band. */
void oobnet_neigh_confirm(struct neighbour *n);
void oobnet_neigh_exit(void);

/* ipfrag.c: IPv4 fragmentation of oob sends, reassembly of picked input. */
ssize_t oobnet_ipfrag_send(struct oobnet_udp_tx *tx, struct iov_iter *from,
			   size_t len, unsigned int mtu, bool nonblock,
			   ktime_t timeout);
bool oobnet_ipfrag_parse(struct sk_buff *skb);
bool oobnet_ipfrag_local(struct net_device *port, const struct sk_buff *skb);
struct sk_buff *oobnet_ipfrag_add(struct oobnet_dev *od, struct sk_buff *skb);
void oobnet_ipfrag_expire(struct oobnet_dev *od, bool all);
int oobnet_ipfrag_init(struct oobnet_dev *od);
void oobnet_ipfrag_exit(struct oobnet_dev *od);
long oobnet_ipfrag_next_expiry(struct oobnet_dev *od);
bool oobnet_udp_any(const struct net *net);

/* ctl.c: the controls through oob socket ioctls. */
long oobnet_sock_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg);
int oobnet_rx_prog_run(struct oobnet_dev *od, struct sk_buff *skb);
void oobnet_rx_prog_release(struct oobnet_dev *od);
u32 oobnet_rx_prog_id(struct oobnet_dev *od);

/* What oobnet keeps per network namespace (proc.c registers it). */
struct oobnet_net {
	atomic_t udp_hashed;	/* bound UDP oob sockets */
};

extern unsigned int oobnet_net_id;

static inline struct oobnet_net *oobnet_net(const struct net *net)
{
	return net_generic(net, oobnet_net_id);
}

/* proc.c: /proc/net/oobnet, and the per-namespace state. */
int oobnet_proc_init(void);
void oobnet_proc_exit(void);

#endif /* _OOBNET_H */
