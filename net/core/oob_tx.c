// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: the transmit side.
 *
 * The companion cannot call a stock driver's transmit from the oob stage.
 * It queues such packets on a per-CPU backlog of its own and calls
 * netif_tx_kick_inband(), whose hard irq_work raises NET_TX_SOFTIRQ on the
 * CPU; net_tx_action() then calls the companion's tx_backlog operation
 * first, in-band, where dev_queue_xmit() may run.
 */
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/static_call.h>

#include "dev.h"

/* The in-band defaults: nothing was queued, nobody waits for room. */
void net_oob_tx_backlog_inband(void)
{
}

DEFINE_STATIC_CALL(net_oob_tx_backlog, net_oob_tx_backlog_inband);

void net_oob_tx_wake_inband(struct netdev_queue *txq)
{
}

DEFINE_STATIC_CALL(net_oob_tx_wake, net_oob_tx_wake_inband);

static void net_oob_tx_kick(struct irq_work *work)
{
	raise_softirq_irqoff(NET_TX_SOFTIRQ);
}

static DEFINE_PER_CPU(struct irq_work, net_oob_tx_kick_work) =
	IRQ_WORK_INIT_HARD(net_oob_tx_kick);

/**
 * netif_tx_kick_inband() - Have the in-band TX backlog drained
 *
 * Makes net_tx_action() run soon, in-band, on the current CPU, where it
 * first calls the companion's &net_oob_ops.tx_backlog.  Call it on the CPU
 * whose backlog the packets were queued to.
 *
 * Context: any, from either stage; does not sleep.
 */
void netif_tx_kick_inband(void)
{
	preempt_disable();
	irq_work_queue(this_cpu_ptr(&net_oob_tx_kick_work));
	preempt_enable();
}
EXPORT_SYMBOL_GPL(netif_tx_kick_inband);

/*
 * With diversion just turned on, an in-band holder of a TX queue lock
 * may have taken it without the oob lock: wait for each one to go.  With
 * diversion just turned off, wait for the oob transmitters instead, since
 * new in-band holders no longer exclude them.
 */
void netif_tx_sync_oob(struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		__netif_tx_lock_bh(txq);
		__netif_tx_unlock_bh(txq);
	}
}

void netif_tx_drain_oob(struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < dev->num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		netif_tx_lock_oob(txq);
		netif_tx_unlock_oob(txq);
	}
}
