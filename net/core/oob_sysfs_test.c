// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for out-of-band networking: the sysfs controls and their
 * errors, through the attributes' own show and store methods.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "oob_test.h"

static struct oob_sysfs_test {
	struct net_device *dev;
	const struct net_oob_ops *ops;
	int calls;
	bool last_on;
	int result;
} oob_sysfs;

static int oob_sysfs_test_switch_port(struct net_device *dev, bool on)
{
	oob_sysfs.calls++;
	oob_sysfs.last_on = on;
	if (oob_sysfs.result)
		return oob_sysfs.result;
	if (on)
		netif_enable_oob_port(dev);
	else
		netif_disable_oob_port(dev);
	return 0;
}

static int oob_sysfs_test_switch_diversion(struct net_device *dev, bool on)
{
	oob_sysfs.calls++;
	oob_sysfs.last_on = on;
	if (oob_sysfs.result)
		return oob_sysfs.result;
	if (!on) {
		netif_disable_oob_diversion(dev);
		return 0;
	}
	return netif_enable_oob_diversion(dev);
}

static ssize_t oob_sysfs_test_query_pool(struct net_device *dev, char *buf)
{
	oob_sysfs.calls++;
	return sysfs_emit(buf, "%d %d\n", 64, 2048);
}

static const struct net_oob_ops oob_sysfs_test_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-sysfs",
	.switch_diversion = oob_sysfs_test_switch_diversion,
	.switch_port = oob_sysfs_test_switch_port,
	.query_pool = oob_sysfs_test_query_pool,
};

/* A companion with no control operations at all. */
static const struct net_oob_ops oob_sysfs_test_bare_ops = {
	.owner = THIS_MODULE,
	.name = "kunit-sysfs-bare",
};

static struct device_attribute *oob_sysfs_attr(struct kunit *test,
					       const char *name)
{
	const struct attribute_group **groups;
	struct attribute **attrs;

	for (groups = oob_sysfs.dev->dev.class->dev_groups;
	     groups && *groups; groups++)
		for (attrs = (*groups)->attrs; attrs && *attrs; attrs++)
			if (!strcmp((*attrs)->name, name))
				return container_of(*attrs,
						    struct device_attribute,
						    attr);
	KUNIT_FAIL(test, "no attribute %s", name);
	return NULL;
}

static ssize_t oob_sysfs_store(struct kunit *test, const char *name,
			       const char *val)
{
	struct device_attribute *attr = oob_sysfs_attr(test, name);

	if (!attr)
		return -ENOENT;
	KUNIT_EXPECT_NOT_NULL(test, attr->store);
	if (!attr->store)
		return -EACCES;
	return attr->store(&oob_sysfs.dev->dev, attr, val, strlen(val));
}

static ssize_t oob_sysfs_show(struct kunit *test, const char *name,
			      char *buf)
{
	struct device_attribute *attr = oob_sysfs_attr(test, name);

	if (!attr)
		return -ENOENT;
	return attr->show(&oob_sysfs.dev->dev, attr, buf);
}

static void oob_sysfs_expect_show(struct kunit *test, const char *name,
				  const char *want)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ret = oob_sysfs_show(test, name, buf);
	KUNIT_EXPECT_EQ(test, ret, (ssize_t)strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void oob_sysfs_test_register(struct kunit *test,
				    const struct net_oob_ops *ops)
{
	KUNIT_ASSERT_EQ(test, net_oob_register(ops), 0);
	oob_sysfs.ops = ops;
}

static int oob_sysfs_test_init(struct kunit *test)
{
	if (net_oob_companion())
		kunit_skip(test, "a companion core is registered already");

	memset(&oob_sysfs, 0, sizeof(oob_sysfs));
	oob_sysfs.dev = oob_test_register_netdev("oobsys%d", false);
	return oob_sysfs.dev ? 0 : -ENOMEM;
}

static void oob_sysfs_test_exit(struct kunit *test)
{
	if (!oob_sysfs.dev)
		return;
	rtnl_lock();
	netif_disable_oob_diversion(oob_sysfs.dev);
	netif_disable_oob_port(oob_sysfs.dev);
	rtnl_unlock();
	if (oob_sysfs.ops)
		net_oob_unregister(oob_sysfs.ops);
	oob_test_unregister_netdev(oob_sysfs.dev);
	oob_sysfs.dev = NULL;
}

/*
 * Without a companion every control says so, and reads still work: the
 * pool reads empty, as tools that walk sysfs expect of an idle attribute.
 */
static void oob_sysfs_test_no_companion(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1"), -ENOPKG);
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "1"), -ENOPKG);
	oob_sysfs_expect_show(test, "oob_pool", "");
	oob_sysfs_expect_show(test, "oob_port", "0\n");
	oob_sysfs_expect_show(test, "oob_diversion", "0\n");
}

/* Garbage is refused before the companion is asked. */
static void oob_sysfs_test_garbage(struct kunit *test)
{
	static const char * const bad[] = { "yes", "2", "-1", "", "1 1" };
	int i;

	oob_sysfs_test_register(test, &oob_sysfs_test_ops);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, oob_sysfs_store(test, "oob_port", bad[i]),
				    -EINVAL, "oob_port <- \"%s\"", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, oob_sysfs_store(test, "oob_diversion", bad[i]),
				    -EINVAL, "oob_diversion <- \"%s\"", bad[i]);
	}
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 0);
}

/* Writes reach the companion, whose result is what the writer gets. */
static void oob_sysfs_test_dispatch(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	oob_sysfs_test_register(test, &oob_sysfs_test_ops);

	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1\n"), 2);
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 1);
	KUNIT_EXPECT_TRUE(test, oob_sysfs.last_on);
	oob_sysfs_expect_show(test, "oob_port", "1\n");

	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "1"), 1);
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 2);
	oob_sysfs_expect_show(test, "oob_diversion", "1\n");

	oob_sysfs_expect_show(test, "oob_pool", "64 2048\n");
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 3);

	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "0"), 1);
	KUNIT_EXPECT_FALSE(test, oob_sysfs.last_on);
	oob_sysfs_expect_show(test, "oob_diversion", "0\n");
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "0"), 1);
	oob_sysfs_expect_show(test, "oob_port", "0\n");

	/* The companion's own error comes back as it is. */
	oob_sysfs.result = -EBUSY;
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1"), -EBUSY);
	oob_sysfs_expect_show(test, "oob_port", "0\n");
}

/* A VLAN device diverts through its real device: not allowed here. */
static void oob_sysfs_test_vlan(struct kunit *test)
{
	oob_sysfs_test_register(test, &oob_sysfs_test_ops);
	oob_sysfs.dev->priv_flags |= IFF_802_1Q_VLAN;
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "1"), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 0);
	/* It may still be a port. */
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1"), 1);
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 1);
	oob_sysfs.dev->priv_flags &= ~IFF_802_1Q_VLAN;
}

/* A companion without control operations cannot do what is asked. */
static void oob_sysfs_test_bare_companion(struct kunit *test)
{
	oob_sysfs_test_register(test, &oob_sysfs_test_bare_ops);
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1"), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "1"), -EOPNOTSUPP);
	oob_sysfs_expect_show(test, "oob_pool", "");
}

/* Writing takes CAP_NET_ADMIN; reading does not. */
static void oob_sysfs_test_needs_cap(struct kunit *test)
{
	const struct cred *old;
	struct cred *cred;

	oob_sysfs_test_register(test, &oob_sysfs_test_ops);
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_NET_ADMIN);
	old = override_creds(cred);
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_port", "1"), -EPERM);
	KUNIT_EXPECT_EQ(test, oob_sysfs_store(test, "oob_diversion", "1"), -EPERM);
	oob_sysfs_expect_show(test, "oob_port", "0\n");
	revert_creds(old);
	put_cred(cred);
	KUNIT_EXPECT_EQ(test, oob_sysfs.calls, 0);
}

static struct kunit_case oob_sysfs_test_cases[] = {
	KUNIT_CASE(oob_sysfs_test_no_companion),
	KUNIT_CASE(oob_sysfs_test_garbage),
	KUNIT_CASE(oob_sysfs_test_dispatch),
	KUNIT_CASE(oob_sysfs_test_vlan),
	KUNIT_CASE(oob_sysfs_test_bare_companion),
	KUNIT_CASE(oob_sysfs_test_needs_cap),
	{}
};

static struct kunit_suite oob_sysfs_test_suite = {
	.name = "net_oob_sysfs",
	.init = oob_sysfs_test_init,
	.exit = oob_sysfs_test_exit,
	.test_cases = oob_sysfs_test_cases,
};

kunit_test_suites(&oob_sysfs_test_suite);

MODULE_DESCRIPTION("KUnit tests for out-of-band networking: sysfs controls");
MODULE_LICENSE("GPL");
