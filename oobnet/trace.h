/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oobnet: tracepoints on the packet path, under events/oobnet/ in tracefs.
 * Each records whether it fired on the oob stage, so a trace shows which
 * stage did the work.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM oobnet

#if !defined(_OOBNET_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _OOBNET_TRACE_H

#include <linux/netdevice.h>
#include <linux/oob_stage.h>
#include <linux/skbuff.h>
#include <linux/tracepoint.h>
#include <net/sock.h>

#include "oobnet.h"

/* The gate picked a packet for the port @port. */
TRACE_EVENT(oobnet_rx_pick,
	    TP_PROTO(const struct net_device *real,
		     const struct net_device *port, const struct sk_buff *skb),
	    TP_ARGS(real, port, skb),
	    TP_STRUCT__entry(__string(dev, real->name)
			     __string(port, port->name)
			     __field(unsigned int, len)
			     __field(u16, protocol)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(port);
			   __entry->len = skb->len;
			   __entry->protocol = ntohs(skb->protocol);
			   __entry->oob = running_oob();),
	    TP_printk("dev=%s port=%s len=%u protocol=0x%04x oob=%d",
		      __get_str(dev), __get_str(port), __entry->len,
		      __entry->protocol, __entry->oob)
);

/* The RX thread handed @len bytes to the socket @sk, or dropped them. */
TRACE_EVENT(oobnet_rx_deliver,
	    TP_PROTO(const struct net_device *port, unsigned int len,
		     struct sock *sk, bool queued),
	    TP_ARGS(port, len, sk, queued),
	    TP_STRUCT__entry(__string(port, port->name)
			     __field(unsigned int, len)
			     __field(unsigned long, inode)
			     __field(bool, queued)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(port);
			   __entry->len = len;
			   __entry->inode = oobnet_sock_ino(sk);
			   __entry->queued = queued;
			   __entry->oob = running_oob();),
	    TP_printk("port=%s len=%u inode=%lu queued=%d oob=%d",
		      __get_str(port), __entry->len, __entry->inode,
		      __entry->queued, __entry->oob)
);

/* A send left for the in-band transmit path (@ip: through the IP output). */
TRACE_EVENT(oobnet_tx_relay,
	    TP_PROTO(const struct net_device *dev, const struct sk_buff *skb,
		     bool ip),
	    TP_ARGS(dev, skb, ip),
	    TP_STRUCT__entry(__string(dev, dev->name)
			     __field(unsigned int, len)
			     __field(bool, ip)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->len = skb->len;
			   __entry->ip = ip;
			   __entry->oob = running_oob();),
	    TP_printk("dev=%s len=%u ip_output=%d oob=%d", __get_str(dev),
		      __entry->len, __entry->ip, __entry->oob)
);

/* The RX thread polled a NAPI instance of an oob-capable device. */
TRACE_EVENT(oobnet_napi_poll,
	    TP_PROTO(const struct net_device *real, int work),
	    TP_ARGS(real, work),
	    TP_STRUCT__entry(__string(dev, real->name)
			     __field(int, work)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->work = work;
			   __entry->oob = running_oob();),
	    TP_printk("dev=%s work=%d oob=%d", __get_str(dev), __entry->work,
		      __entry->oob)
);

/* The TX thread handed a packet to an oob-capable driver. */
TRACE_EVENT(oobnet_tx_xmit,
	    TP_PROTO(const struct net_device *real, unsigned int len, int ret),
	    TP_ARGS(real, len, ret),
	    TP_STRUCT__entry(__string(dev, real->name)
			     __field(unsigned int, len)
			     __field(int, ret)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->len = len;
			   __entry->ret = ret;
			   __entry->oob = running_oob();),
	    TP_printk("dev=%s len=%u ret=%d oob=%d", __get_str(dev),
		      __entry->len, __entry->ret, __entry->oob)
);

/* A transmit buffer came back to its device's pool. */
TRACE_EVENT(oobnet_tx_done,
	    TP_PROTO(const struct net_device *real, int inflight),
	    TP_ARGS(real, inflight),
	    TP_STRUCT__entry(__string(dev, real->name)
			     __field(int, inflight)
			     __field(bool, oob)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->inflight = inflight;
			   __entry->oob = running_oob();),
	    TP_printk("dev=%s inflight=%d oob=%d", __get_str(dev),
		      __entry->inflight, __entry->oob)
);

#endif /* _OOBNET_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
