/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by the out-of-band networking KUnit suites.
 */
#ifndef _NET_CORE_OOB_TEST_H
#define _NET_CORE_OOB_TEST_H

#include <linux/etherdevice.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/unaligned.h>

/* A test device sends nowhere. */
static inline netdev_tx_t oob_test_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops oob_test_netdev_ops = {
	.ndo_start_xmit = oob_test_xmit,
};

/*
 * An Ethernet test device, registered; oob-capable when asked.
 * Return: the device, or NULL.
 */
static inline struct net_device *oob_test_register_netdev(const char *name,
							  bool capable)
{
	struct net_device *dev;

	dev = alloc_netdev(0, name, NET_NAME_ENUM, ether_setup);
	if (!dev)
		return NULL;
	dev->netdev_ops = &oob_test_netdev_ops;
	eth_hw_addr_random(dev);
	if (capable)
		netdev_set_oob_capable(dev);
	if (register_netdev(dev)) {
		free_netdev(dev);
		return NULL;
	}
	return dev;
}

static inline void oob_test_unregister_netdev(struct net_device *dev)
{
	unregister_netdev(dev);
	free_netdev(dev);
}

/*
 * A frame for @dev carrying @seq, as a driver hands it to the stack.
 * Return: the packet, or NULL.
 */
static inline struct sk_buff *oob_test_rx_skb(struct net_device *dev,
					      u16 proto, u32 seq, gfp_t gfp)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(ETH_HLEN + sizeof(seq), gfp);
	if (!skb)
		return NULL;
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dev->dev_addr);
	eth_zero_addr(eth->h_source);
	eth->h_proto = htons(proto);
	put_unaligned(seq, (u32 *)skb_put(skb, sizeof(seq)));
	skb->protocol = eth_type_trans(skb, dev);
	return skb;
}

#endif /* _NET_CORE_OOB_TEST_H */
