// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: counters for cat, in each network namespace, and the rest of
 * oobnet's per-namespace state (struct oobnet_net).
 *
 * /proc/net/oobnet/devices: a header line, then one line per real device
 * of the namespace with oob state: its name, the counters of enum
 * oobnet_dev_stat, the buffers of its pool, those in flight, the fewest
 * ever free and the id of its RX program (0: none).
 *
 * /proc/net/oobnet/sockets: a header line, then one line per oob socket of
 * the namespace: its inode (as fstat() shows it), type, protocol, port
 * (- when not bound), the counters of enum oobnet_sock_stat and the bytes
 * waiting in its receive queue.
 */
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "oobnet.h"

static const char *const oobnet_dev_stat_names[OOBNET_DEV_NR_STATS] = {
	[OOBNET_RX_OFFERED]	 = "rx_offered",
	[OOBNET_RX_PICKED]	 = "rx_picked",
	[OOBNET_RX_INBAND]	 = "rx_inband",
	[OOBNET_RX_DROP_PROG]	 = "rx_drop_prog",
	[OOBNET_RX_DROP_VLAN]	 = "rx_drop_vlan",
	[OOBNET_RX_DROP_BACKLOG] = "rx_drop_backlog",
	[OOBNET_RX_DROP_NOSOCK]	 = "rx_drop_nosock",
	[OOBNET_RX_DROP_RCVBUF]	 = "rx_drop_rcvbuf",
	[OOBNET_RX_DROP_CSUM]	 = "rx_drop_csum",
	[OOBNET_RX_DROP_FRAG]	 = "rx_drop_frag",
	[OOBNET_RX_POLLS]	 = "rx_polls",
	[OOBNET_TX_OOB]		 = "tx_oob",
	[OOBNET_TX_DIRECT]	 = "tx_direct",
	[OOBNET_TX_INBAND]	 = "tx_inband",
	[OOBNET_TX_NONEIGH]	 = "tx_noneigh",
	[OOBNET_TX_DROP]	 = "tx_drop",
	[OOBNET_TX_NOBUF]	 = "tx_nobuf",
	[OOBNET_TX_STOPPED]	 = "tx_stopped",
	[OOBNET_TX_STALLED]	 = "tx_stalled",
};

static const char *const oobnet_sock_stat_names[OOBNET_SOCK_NR_STATS] = {
	[OOBNET_SK_RX]		= "rx",
	[OOBNET_SK_RX_DROP]	= "rx_drop",
	[OOBNET_SK_TX]		= "tx",
	[OOBNET_SK_TX_ERR]	= "tx_err",
};

static int oobnet_devices_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct oobnet_dev *od;
	int i;

	seq_puts(seq, "dev");
	for (i = 0; i < OOBNET_DEV_NR_STATS; i++)
		seq_printf(seq, " %s", oobnet_dev_stat_names[i]);
	seq_puts(seq, " pool inflight pool_low rx_prog oob_io\n");

	rtnl_lock();
	list_for_each_entry(od, &oobnet_devs, next) {
		if (!net_eq(dev_net(od->real), net))
			continue;
		seq_printf(seq, "%s", od->real->name);
		for (i = 0; i < OOBNET_DEV_NR_STATS; i++)
			seq_printf(seq, " %lu", atomic_long_read(&od->stats[i]));
		seq_printf(seq, " %u %d %d %u %d\n", od->pool_max,
			   atomic_read(&od->tx_inflight), READ_ONCE(od->pool_low),
			   oobnet_rx_prog_id(od), !!od->tx_thread);
	}
	rtnl_unlock();
	return 0;
}

static int oobnet_sockets_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct oobnet_sock *os;
	int i;

	seq_puts(seq, "inode type protocol port");
	for (i = 0; i < OOBNET_SOCK_NR_STATS; i++)
		seq_printf(seq, " %s", oobnet_sock_stat_names[i]);
	seq_puts(seq, " rx_queued\n");

	rcu_read_lock();
	list_for_each_entry_rcu(os, &oobnet_socks, all_next) {
		struct oobnet_port *port;

		if (!net_eq(sock_net(os->sk), net))
			continue;
		port = rcu_dereference(os->port);
		seq_printf(seq, "%lu %s 0x%04x %s", oobnet_sock_ino(os->sk),
			   os->proto->name, ntohs(READ_ONCE(os->protocol)),
			   port ? port->dev->name : "-");
		for (i = 0; i < OOBNET_SOCK_NR_STATS; i++)
			seq_printf(seq, " %lu", atomic_long_read(&os->stats[i]));
		seq_printf(seq, " %d\n", atomic_read(&os->rx_bytes));
	}
	rcu_read_unlock();
	return 0;
}

static int __net_init oobnet_proc_net_init(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "oobnet", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_net_single("devices", 0444, dir, oobnet_devices_show,
				    NULL) ||
	    !proc_create_net_single("sockets", 0444, dir, oobnet_sockets_show,
				    NULL)) {
		remove_proc_subtree("oobnet", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit oobnet_proc_net_exit(struct net *net)
{
	remove_proc_subtree("oobnet", net->proc_net);
}

unsigned int oobnet_net_id __read_mostly;

static struct pernet_operations oobnet_proc_ops = {
	.init = oobnet_proc_net_init,
	.exit = oobnet_proc_net_exit,
	.id = &oobnet_net_id,
	.size = sizeof(struct oobnet_net),
};

int oobnet_proc_init(void)
{
	return register_pernet_subsys(&oobnet_proc_ops);
}

void oobnet_proc_exit(void)
{
	unregister_pernet_subsys(&oobnet_proc_ops);
}
