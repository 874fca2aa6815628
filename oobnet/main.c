// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the companion core's out-of-band network stack.
 *
 * Module entry and exit: the module registers itself as the companion core
 * with the kernel's out-of-band networking hooks (CONFIG_NET_OOB) and
 * unregisters on the way out: ports and packet selection (port.c, vlan.c,
 * rx.c), transmit buffers and the in-band relay (tx.c), oob sockets
 * (socket.c, packet.c, udp.c), their controls (ctl.c) and counters
 * (proc.c).
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
	.deliver = oobnet_deliver,
	.napi_schedule = oobnet_napi_schedule,
	.tx_wake = oobnet_tx_wake,
	.sock_attach = oobnet_sock_attach,
	.sock_release = oobnet_sock_release,
	.sock_destroy = oobnet_sock_destroy,
	.sock_bind = oobnet_sock_bind,
	.sock_connect = oobnet_sock_connect,
	.sock_oob_ioctl = oobnet_sock_oob_ioctl,
	.sock_oob_read = oobnet_sock_read,
	.sock_oob_write = oobnet_sock_write,
	.sock_oob_poll = oobnet_sock_poll,
	.sock_ioctl_redirect = oobnet_sock_ioctl,
	.switch_port = oobnet_switch_port,
	.switch_diversion = oobnet_switch_diversion,
	.query_pool = oobnet_query_pool,
};

static int __init oobnet_init(void)
{
	int ret;

	ret = oobnet_proc_init();
	if (ret)
		goto vlan;
	ret = oobnet_ports_init();
	if (ret)
		goto proc;
	ret = net_oob_register(&oobnet_ops);
	if (ret) {
		pr_err("cannot register as the companion core: %d\n", ret);
		goto ports;
	}
	pr_info("loaded on %s\n", init_utsname()->release);
	return 0;

ports:
	oobnet_ports_exit();
proc:
	oobnet_proc_exit();
vlan:
	oobnet_vlan_exit();
	return ret;
}

static void __exit oobnet_exit(void)
{
	/* The hooks require ports and diversion off before unregistering. */
	oobnet_ports_exit();
	net_oob_unregister(&oobnet_ops);
	/*
	 * A transmit buffer's destructor may still be returning from
	 * sock_wfree(), which let go of the last sock and so of the module:
	 * wait for every task to leave the module's text.
	 */
	synchronize_rcu_tasks();
	oobnet_neigh_exit();
	oobnet_proc_exit();
	oobnet_vlan_exit();
	pr_info("unloaded\n");
}

module_init(oobnet_init);
module_exit(oobnet_exit);

MODULE_DESCRIPTION("oobnet: out-of-band networking companion core");
MODULE_LICENSE("GPL");
