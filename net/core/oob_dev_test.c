// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: diversion and port bits.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/rtnetlink.h>

struct oob_test_priv {
	int enables;
	int disables;
	int enable_ret;
};

static int oob_test_ndo_enable_oob(struct net_device *dev)
{
	struct oob_test_priv *priv = netdev_priv(dev);

	priv->enables++;
	return priv->enable_ret;
}

static void oob_test_ndo_disable_oob(struct net_device *dev)
{
	struct oob_test_priv *priv = netdev_priv(dev);

	priv->disables++;
}

static const struct net_device_ops oob_test_plain_ops;

static const struct net_device_ops oob_test_hooked_ops = {
	.ndo_enable_oob = oob_test_ndo_enable_oob,
	.ndo_disable_oob = oob_test_ndo_disable_oob,
};

static struct net_device *oob_test_alloc_dev(struct kunit *test,
					     const struct net_device_ops *ops)
{
	struct net_device *dev;

	dev = alloc_netdev(sizeof(struct oob_test_priv), "oobtest%d",
			   NET_NAME_ENUM, ether_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->netdev_ops = ops;
	return dev;
}

static void oob_dev_test_diversion_no_hooks(struct kunit *test)
{
	struct net_device *dev = oob_test_alloc_dev(test, &oob_test_plain_ops);

	rtnl_lock();
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), 0);
	KUNIT_EXPECT_TRUE(test, netif_oob_diversion(dev));
	/* Diversion is not a port, nor the other way round. */
	KUNIT_EXPECT_FALSE(test, netif_oob_port(dev));
	netif_disable_oob_diversion(dev);
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	rtnl_unlock();
	free_netdev(dev);
}

static void oob_dev_test_diversion_hooks(struct kunit *test)
{
	struct net_device *dev = oob_test_alloc_dev(test, &oob_test_hooked_ops);
	struct oob_test_priv *priv = netdev_priv(dev);

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), 0);
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), 0);
	KUNIT_EXPECT_EQ(test, priv->enables, 1);
	KUNIT_EXPECT_TRUE(test, netif_oob_diversion(dev));
	netif_disable_oob_diversion(dev);
	netif_disable_oob_diversion(dev);
	KUNIT_EXPECT_EQ(test, priv->disables, 1);
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	rtnl_unlock();
	free_netdev(dev);
}

static void oob_dev_test_diversion_driver_refuses(struct kunit *test)
{
	struct net_device *dev = oob_test_alloc_dev(test, &oob_test_hooked_ops);
	struct oob_test_priv *priv = netdev_priv(dev);

	priv->enable_ret = -ENOMEM;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), -ENOMEM);
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	/* Nothing to undo for the driver. */
	netif_disable_oob_diversion(dev);
	KUNIT_EXPECT_EQ(test, priv->disables, 0);

	priv->enable_ret = 0;
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), 0);
	KUNIT_EXPECT_EQ(test, priv->enables, 2);
	netif_disable_oob_diversion(dev);
	KUNIT_EXPECT_EQ(test, priv->disables, 1);
	rtnl_unlock();
	free_netdev(dev);
}

static void oob_dev_test_no_diversion_on_vlan(struct kunit *test)
{
	struct net_device *dev = oob_test_alloc_dev(test, &oob_test_hooked_ops);
	struct oob_test_priv *priv = netdev_priv(dev);

	dev->priv_flags |= IFF_802_1Q_VLAN;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, netif_enable_oob_diversion(dev), -EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	KUNIT_EXPECT_EQ(test, priv->enables, 0);
	rtnl_unlock();

	/* A VLAN device can still be a port. */
	netif_enable_oob_port(dev);
	KUNIT_EXPECT_TRUE(test, netif_oob_port(dev));
	netif_disable_oob_port(dev);
	KUNIT_EXPECT_FALSE(test, netif_oob_port(dev));
	free_netdev(dev);
}

static void oob_dev_test_capable(struct kunit *test)
{
	struct net_device *dev = oob_test_alloc_dev(test, &oob_test_plain_ops);

	KUNIT_EXPECT_FALSE(test, netdev_is_oob_capable(dev));
	netdev_set_oob_capable(dev);
	KUNIT_EXPECT_TRUE(test, netdev_is_oob_capable(dev));
	/* Being capable turns nothing on by itself. */
	KUNIT_EXPECT_FALSE(test, netif_oob_diversion(dev));
	KUNIT_EXPECT_FALSE(test, netif_oob_port(dev));
	free_netdev(dev);
}

static struct kunit_case oob_dev_test_cases[] = {
	KUNIT_CASE(oob_dev_test_diversion_no_hooks),
	KUNIT_CASE(oob_dev_test_diversion_hooks),
	KUNIT_CASE(oob_dev_test_diversion_driver_refuses),
	KUNIT_CASE(oob_dev_test_no_diversion_on_vlan),
	KUNIT_CASE(oob_dev_test_capable),
	{}
};

static struct kunit_suite oob_dev_test_suite = {
	.name = "net_oob_dev",
	.test_cases = oob_dev_test_cases,
};

kunit_test_suites(&oob_dev_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: diversion and port bits");
MODULE_LICENSE("GPL");
