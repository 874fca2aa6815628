// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: NAPI rerouting and receive kicks.
 */
#include <linux/net_oob.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/static_call.h>

/* In-band defaults: nobody to wake. */
void net_oob_napi_schedule_inband(struct napi_struct *n)
{
}

void net_oob_kick_rx_inband(struct net_device *dev)
{
}

DEFINE_STATIC_CALL(net_oob_napi_schedule, net_oob_napi_schedule_inband);
DEFINE_STATIC_CALL(net_oob_kick_rx, net_oob_kick_rx_inband);

/**
 * napi_schedule_oob() - Hand a NAPI instance to the companion
 * @n: the instance, its NAPIF_STATE_SCHED bit set by the caller
 *
 * For an oob-capable device the companion polls @n with napi_poll_oob();
 * for a stock driver this only wakes it for the packets it took.  Called
 * by __napi_schedule() and napi_complete_done(), either stage, any context.
 */
void napi_schedule_oob(struct napi_struct *n)
{
	rcu_read_lock();
	static_call(net_oob_napi_schedule)(n);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(napi_schedule_oob);

/**
 * napi_schedule_unprep() - Undo napi_schedule_prep()
 * @n: the instance
 *
 * For a poller that took @n and will not poll it after all.  If someone
 * scheduled it again meanwhile (NAPIF_STATE_MISSED), it is scheduled anew.
 *
 * Return: true when @n is idle now, false when it was scheduled again.
 */
bool napi_schedule_unprep(struct napi_struct *n)
{
	unsigned long new, val = READ_ONCE(n->state);

	do {
		new = val & ~(NAPIF_STATE_SCHED | NAPIF_STATE_MISSED);
	} while (!try_cmpxchg(&n->state, &val, new));

	if (val & NAPIF_STATE_MISSED) {
		napi_schedule(n);
		return false;
	}

	return true;
}
EXPORT_SYMBOL_GPL(napi_schedule_unprep);

/**
 * netif_schedule_oob() - Wake the companion for a packet netif_rx() diverted
 * @dev: the device the packet came from
 */
void netif_schedule_oob(struct net_device *dev)
{
	rcu_read_lock();
	static_call(net_oob_kick_rx)(dev);
	rcu_read_unlock();
}
