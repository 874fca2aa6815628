// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: oob ports and the per-device state behind them.
 *
 * A port is a real or VLAN device through which oob sockets send and
 * receive.  Every port hangs on the state of its real device: a buffer pool
 * sized when the first port comes up, and input diversion, on while the
 * real device has a port.  Several VLAN ports share their real device's
 * state; the last port to go takes it down, in the reverse order.
 *
 * Everything here runs under RTNL: the sysfs controls call in with it held,
 * and so do the netdevice notifier and the module's teardown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/page_pool/helpers.h>
#include <uapi/linux/sched/types.h>

#include "oobnet.h"

static unsigned int pool_max = 128;
module_param(pool_max, uint, 0644);
MODULE_PARM_DESC(pool_max,
		 "buffers in a device's oob pool, taken when its first port comes up (16-4096, default 128)");

static int thread_cpu = -1;
module_param(thread_cpu, int, 0644);
MODULE_PARM_DESC(thread_cpu,
		 "CPU the RX and TX threads run on, taken when they start (-1, the default: any)");

#define OOBNET_POOL_MIN		16
#define OOBNET_POOL_MAX		4096

/* Real devices with ports and the ports: RTNL, RCU readers for the former. */
LIST_HEAD(oobnet_devs);
static LIST_HEAD(oobnet_ports);

/*
 * A new RX or TX thread, not woken yet: SCHED_FIFO at @prio, on the CPU
 * the thread_cpu parameter names, where the real-time application that
 * uses the port would run too (a wake-up across CPUs costs an IPI).
 */
void oobnet_thread_setup(struct task_struct *t, unsigned int prio)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_FIFO,
		.sched_priority = clamp(prio, 1U, MAX_RT_PRIO - 1U),
	};
	int cpu = READ_ONCE(thread_cpu);

	WARN_ON_ONCE(sched_setattr_nocheck(t, &attr));
	if (cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu) &&
	    set_cpus_allowed_ptr(t, cpumask_of(cpu)))
		pr_warn("cannot run %s on CPU %d\n", t->comm, cpu);
}

struct net_device *oobnet_real_dev(struct net_device *dev)
{
	return is_vlan_dev(dev) ? vlan_dev_real_dev(dev) : dev;
}

/* The receive and buffer paths' way to a real device's state. */
struct oobnet_dev *oobnet_dev_lookup_rcu(const struct net_device *real)
{
	struct oobnet_dev *od;

	list_for_each_entry_rcu(od, &oobnet_devs, next)
		if (od->real == real)
			return od;
	return NULL;
}

struct oobnet_port *oobnet_port_lookup_rcu(struct oobnet_dev *od,
					   const struct net_device *dev)
{
	struct oobnet_port *port;

	list_for_each_entry_rcu(port, &od->port_list, dev_next)
		if (port->dev == dev)
			return port;
	return NULL;
}

struct oobnet_dev *oobnet_dev_find(const struct net_device *real)
{
	struct oobnet_dev *od;

	ASSERT_RTNL();

	list_for_each_entry(od, &oobnet_devs, next)
		if (od->real == real)
			return od;
	return NULL;
}

static void oobnet_dev_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct oobnet_dev, rcu));
}

/* Drops a reference: the list's, or a sender's. */
void oobnet_dev_put(struct oobnet_dev *od)
{
	if (!refcount_dec_and_test(&od->refs))
		return;
	netdev_put(od->real, &od->tracker);
	call_rcu(&od->rcu, oobnet_dev_free_rcu);
}

/*
 * Every TX buffer allocated and mapped now, in-band, and parked in the
 * pool's ring: the oob stage's sends then take them from there, with no
 * page allocation or DMA mapping under pool_lock.  Atomic allocations:
 * on a page pool that maps its pages, a sleeping one may allocate its DMA
 * index with bottom halves off (xa_alloc_bh() on an xarray whose own lock
 * is not the BH one), which PREEMPT_RT does not allow.
 */
static int oobnet_pool_fill(struct oobnet_dev *od)
{
	struct page **pages;
	unsigned int i, n;
	int ret = 0;

	pages = kvmalloc_array(od->pool_max, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (n = 0; n < od->pool_max; n++) {
		pages[n] = page_pool_alloc_pages(od->pool,
						 GFP_ATOMIC | __GFP_NOWARN);
		if (!pages[n]) {
			ret = -ENOMEM;
			break;
		}
	}
	for (i = 0; i < n; i++)
		page_pool_put_full_page(od->pool, pages[i], false);
	kvfree(pages);
	return ret;
}

static struct oobnet_dev *oobnet_dev_get(struct net_device *real)
{
	struct page_pool_params pp = {
		.order = 0,
		.nid = NUMA_NO_NODE,
		.dev = real->dev.parent,
		.dma_dir = DMA_NONE,
	};
	struct oobnet_dev *od;
	int ret;

	od = oobnet_dev_find(real);
	if (od) {
		od->ports++;
		return od;
	}

	od = kzalloc(sizeof(*od), GFP_KERNEL);
	if (!od)
		return ERR_PTR(-ENOMEM);
	od->real = real;
	refcount_set(&od->refs, 1);
	INIT_LIST_HEAD(&od->port_list);
	spin_lock_init(&od->pool_lock);
	od->pool_max = clamp(READ_ONCE(pool_max), OOBNET_POOL_MIN, OOBNET_POOL_MAX);
	od->pool_low = od->pool_max;
	pp.pool_size = od->pool_max;
	if (netdev_is_oob_capable(real)) {
		/* Mapped once here: the driver syncs, never maps. */
		pp.flags = PP_FLAG_DMA_MAP;
		pp.dma_dir = DMA_BIDIRECTIONAL;
	}
	od->pool = page_pool_create(&pp);
	if (IS_ERR(od->pool)) {
		ret = PTR_ERR(od->pool);
		goto free;
	}
	ret = oobnet_pool_fill(od);
	if (ret)
		goto destroy;
	skb_queue_head_init(&od->rx_queue);
	od->rx_queue_max = od->pool_max;
	init_waitqueue_head(&od->rx_wait);
	ret = oobnet_relay_start(od);
	if (ret)
		goto destroy;
	ret = oobnet_rx_start(od);
	if (ret)
		goto relay_stop;
	if (netdev_is_oob_capable(real)) {
		ret = oobnet_xmit_start(od);
		if (ret)
			goto rx_stop;
	}

	/* Visible to the gate before diversion sends it packets. */
	netdev_hold(real, &od->tracker, GFP_KERNEL);
	od->ports = 1;
	list_add_rcu(&od->next, &oobnet_devs);
	ret = netif_enable_oob_diversion(real);
	if (ret)
		goto unlist;

	netdev_info(real, "oob state up: pool of %u buffers of %lu bytes, diversion on, %s\n",
		    od->pool_max, PAGE_SIZE,
		    od->tx_thread ? "oob-capable driver" : "in-band driver");
	return od;

unlist:
	list_del_rcu(&od->next);
	synchronize_rcu();
	netdev_put(real, &od->tracker);
	oobnet_xmit_stop(od);
rx_stop:
	oobnet_rx_stop(od);
relay_stop:
	oobnet_relay_stop(od);
destroy:
	page_pool_destroy(od->pool);
free:
	kfree(od);
	return ERR_PTR(ret);
}

/* The last port of a real device went: take its state down. */
static void oobnet_dev_release(struct oobnet_dev *od)
{
	if (--od->ports)
		return;
	/* The oob stage stops sending first, as the hooks require. */
	oobnet_xmit_stop(od);
	/* No receiver sees diversion on when this returns. */
	netif_disable_oob_diversion(od->real);
	list_del_rcu(&od->next);
	oobnet_rx_stop(od);
	oobnet_rx_prog_release(od);

	/* Senders holding a reference get no buffer any more. */
	spin_lock(&od->pool_lock);
	od->dead = true;
	spin_unlock(&od->pool_lock);
	oobnet_relay_stop(od);
	oobnet_tx_wake_all();
	oobnet_tx_forget_dev(od);
	page_pool_destroy(od->pool);
	netdev_info(od->real, "oob state down\n");
	oobnet_dev_put(od);
}

struct oobnet_port *oobnet_port_find(const struct net_device *dev)
{
	struct oobnet_port *port;

	ASSERT_RTNL();

	list_for_each_entry(port, &oobnet_ports, next)
		if (port->dev == dev)
			return port;
	return NULL;
}

static int oobnet_port_up(struct net_device *dev)
{
	struct oobnet_port *port;

	if (oobnet_port_find(dev))
		return 0;
	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return -ENOMEM;
	INIT_LIST_HEAD(&port->socks);
	port->od = oobnet_dev_get(oobnet_real_dev(dev));
	if (IS_ERR(port->od)) {
		int ret = PTR_ERR(port->od);

		kfree(port);
		return ret;
	}
	port->dev = dev;
	netdev_hold(dev, &port->tracker, GFP_KERNEL);
	list_add(&port->next, &oobnet_ports);
	list_add_rcu(&port->dev_next, &port->od->port_list);
	netif_enable_oob_port(dev);
	netdev_info(dev, "oob port on\n");
	return 0;
}

static void oobnet_port_free(struct oobnet_port *port)
{
	struct net_device *dev = port->dev;

	netif_disable_oob_port(dev);
	oobnet_port_unbind_all(port);
	list_del_rcu(&port->dev_next);
	list_del(&port->next);
	oobnet_dev_release(port->od);
	netdev_info(dev, "oob port off\n");
	netdev_put(dev, &port->tracker);
	kfree_rcu(port, rcu);
}

static void oobnet_port_down(struct net_device *dev)
{
	struct oobnet_port *port = oobnet_port_find(dev);

	if (port)
		oobnet_port_free(port);
}

/*
 * sysfs oob_port.  The core checked CAP_NET_ADMIN over the device's
 * namespace; a port also makes real-time threads on the application's
 * CPU and takes from system-wide pools, so it takes CAP_NET_ADMIN in the
 * initial user namespace (see the security model in README.rst).
 */
int oobnet_switch_port(struct net_device *dev, bool on)
{
	ASSERT_RTNL();

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (!on) {
		oobnet_port_down(dev);
		return 0;
	}
	if (dev->type != ARPHRD_ETHER)
		return -EOPNOTSUPP;
	if (!(dev->flags & IFF_UP))
		return -ENETDOWN;
	return oobnet_port_up(dev);
}

/*
 * sysfs oob_diversion: diversion follows the ports of the real device, so
 * it can only be asked for what it is.
 */
int oobnet_switch_diversion(struct net_device *dev, bool on)
{
	ASSERT_RTNL();

	return on == netif_oob_diversion(dev) ? 0 : -EBUSY;
}

/* sysfs oob_pool: "<buffers> <buffer size>" of the real device's pool. */
ssize_t oobnet_query_pool(struct net_device *dev, char *buf)
{
	struct oobnet_dev *od;

	ASSERT_RTNL();

	od = oobnet_dev_find(oobnet_real_dev(dev));
	if (!od)
		return -EOPNOTSUPP;
	return sysfs_emit(buf, "%u %lu\n", od->pool_max, PAGE_SIZE);
}

/* A device going down or away loses its port; a real one, its VLAN ports. */
static int oobnet_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event != NETDEV_GOING_DOWN && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	oobnet_port_down(dev);
	return NOTIFY_DONE;
}

static struct notifier_block oobnet_netdev_notifier = {
	.notifier_call = oobnet_netdev_event,
};

int oobnet_ports_init(void)
{
	return register_netdevice_notifier(&oobnet_netdev_notifier);
}

/* Every port goes down, whatever its namespace. */
void oobnet_ports_exit(void)
{
	struct oobnet_port *port, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(port, tmp, &oobnet_ports, next)
		oobnet_port_free(port);
	rtnl_unlock();
	unregister_netdevice_notifier(&oobnet_netdev_notifier);
	WARN_ON_ONCE(!list_empty(&oobnet_devs));
}
