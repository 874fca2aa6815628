// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: input diversion on devices.
 */
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

/**
 * netif_enable_oob_diversion() - Turn input diversion on
 * @dev: a real device (not a VLAN)
 *
 * The driver's ndo_enable_oob(), if any, runs first: when it returns, the
 * device must be ready for I/O from the oob stage.  Only then are packets
 * offered to the companion.  Turning it on twice is harmless.
 *
 * Context: process context, RTNL held.
 * Return: 0, -EOPNOTSUPP on a VLAN device, or the driver's error (the
 * diversion then stays off).
 */
int netif_enable_oob_diversion(struct net_device *dev)
{
	const struct net_device_ops *ops = dev->netdev_ops;
	int ret;

	ASSERT_RTNL();

	if (dev->priv_flags & IFF_802_1Q_VLAN)
		return -EOPNOTSUPP;
	if (netif_oob_diversion(dev))
		return 0;
	if (ops->ndo_enable_oob) {
		ret = ops->ndo_enable_oob(dev);
		if (ret)
			return ret;
	}
	/* Order the driver's switch before the first diverted packet. */
	smp_mb__before_atomic();
	set_bit(__LINK_STATE_OOB, &dev->state);

	return 0;
}
EXPORT_SYMBOL_GPL(netif_enable_oob_diversion);

/**
 * netif_disable_oob_diversion() - Turn input diversion off
 * @dev: the device
 *
 * Packets stop being offered to the companion, receivers that saw
 * diversion on are waited for, then the driver's ndo_disable_oob(), if any,
 * returns the device to in-band operation.
 *
 * Context: process context, RTNL held.
 */
void netif_disable_oob_diversion(struct net_device *dev)
{
	const struct net_device_ops *ops = dev->netdev_ops;

	ASSERT_RTNL();

	if (!test_and_clear_bit(__LINK_STATE_OOB, &dev->state))
		return;
	synchronize_net();
	if (ops->ndo_disable_oob)
		ops->ndo_disable_oob(dev);
}
EXPORT_SYMBOL_GPL(netif_disable_oob_diversion);
