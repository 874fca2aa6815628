// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the companion core's out-of-band network stack.
 *
 * Module entry and exit.  The stack itself (ports, packet selection, oob
 * sockets, RX/TX threads) registers here once the kernel side of the series
 * provides the hooks it needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>

static int __init oobnet_init(void)
{
	pr_info("loaded on %s\n", init_utsname()->release);
	return 0;
}

static void __exit oobnet_exit(void)
{
	pr_info("unloaded\n");
}

module_init(oobnet_init);
module_exit(oobnet_exit);

MODULE_DESCRIPTION("oobnet: out-of-band networking companion core");
MODULE_LICENSE("GPL");
