// SPDX-License-Identifier: GPL-2.0
/*
 * A module that uses the TX queue lock inlines of netdevice.h the way NIC
 * drivers do.  It is only built, never loaded: with the oob hooks those
 * inlines test a key of the core, and a modular kernel must link them.
 */
#include <linux/module.h>
#include <linux/netdevice.h>

void oob_txlock_user(struct net_device *dev, struct netdev_queue *txq);

void oob_txlock_user(struct net_device *dev, struct netdev_queue *txq)
{
	__netif_tx_lock_bh(txq);
	__netif_tx_unlock_bh(txq);
	if (__netif_tx_trylock(txq))
		__netif_tx_unlock(txq);
	__netif_tx_lock(txq, smp_processor_id());
	__netif_tx_unlock(txq);
	netif_tx_lock(dev);
	netif_tx_unlock(dev);
	netif_tx_lock_bh(dev);
	netif_tx_unlock_bh(dev);
	netif_tx_disable(dev);
}
EXPORT_SYMBOL(oob_txlock_user);

MODULE_DESCRIPTION("Build check: the TX lock inlines from a module");
MODULE_LICENSE("GPL");
