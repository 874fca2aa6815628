// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the companion core's out-of-band network stack.
 *
 * Module entry and exit: the module registers itself as the companion core
 * with the kernel's out-of-band networking hooks (CONFIG_NET_OOB) and
 * unregisters on the way out.  The stack itself (ports, packet selection,
 * oob sockets, RX/TX threads) hangs its operations here as it lands.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/utsname.h>

#include "oobnet.h"

static const struct net_oob_ops oobnet_ops = {
	.owner = THIS_MODULE,
	.name = KBUILD_MODNAME,
	.switch_port = oobnet_switch_port,
	.switch_diversion = oobnet_switch_diversion,
	.query_pool = oobnet_query_pool,
};

static int __init oobnet_init(void)
{
	int ret;

	ret = oobnet_ports_init();
	if (ret)
		return ret;
	ret = net_oob_register(&oobnet_ops);
	if (ret) {
		pr_err("cannot register as the companion core: %d\n", ret);
		oobnet_ports_exit();
		return ret;
	}
	pr_info("loaded on %s\n", init_utsname()->release);
	return 0;
}

static void __exit oobnet_exit(void)
{
	/* The hooks require ports and diversion off before unregistering. */
	oobnet_ports_exit();
	net_oob_unregister(&oobnet_ops);
	pr_info("unloaded\n");
}

module_init(oobnet_init);
module_exit(oobnet_exit);

MODULE_DESCRIPTION("oobnet: out-of-band networking companion core");
MODULE_LICENSE("GPL");
