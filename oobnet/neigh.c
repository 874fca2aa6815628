// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: stale neighbours confirmed in-band.
 *
 * A UDP send finding its next hop's entry stale still goes, to the address
 * the entry has, but the entry must be confirmed again as in-band output
 * would: neigh_event_send() moves it to DELAY and arms its timer.  That
 * takes the entry's lock with bottom halves off, whose enable would run the
 * CPU's pending softirqs in an oob sender; so the sender only notes the
 * entry here, and a work item does it in-band.
 */
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/neighbour.h>

#include "oobnet.h"

/* Entries waiting for the work: a full table drops the note, a later send retries. */
#define OOBNET_NEIGH_PENDING	16

static DEFINE_RAW_SPINLOCK(oobnet_neigh_lock);
static struct neighbour *oobnet_neigh_pending[OOBNET_NEIGH_PENDING];
static unsigned int oobnet_neigh_nr;

static void oobnet_neigh_work_fn(struct work_struct *work)
{
	struct neighbour *batch[OOBNET_NEIGH_PENDING];
	unsigned long flags;
	unsigned int i, n;

	raw_spin_lock_irqsave(&oobnet_neigh_lock, flags);
	n = oobnet_neigh_nr;
	memcpy(batch, oobnet_neigh_pending, n * sizeof(batch[0]));
	oobnet_neigh_nr = 0;
	raw_spin_unlock_irqrestore(&oobnet_neigh_lock, flags);

	for (i = 0; i < n; i++) {
		neigh_event_send(batch[i], NULL);
		neigh_release(batch[i]);
	}
}

static DECLARE_WORK(oobnet_neigh_work, oobnet_neigh_work_fn);

/**
 * oobnet_neigh_confirm() - Have a stale neighbour entry confirmed in-band
 * @n: the entry, under RCU
 *
 * Context: any, the oob stage included; does not sleep.
 */
void oobnet_neigh_confirm(struct neighbour *n)
{
	unsigned long flags;
	bool queued = false;
	unsigned int i;

	raw_spin_lock_irqsave(&oobnet_neigh_lock, flags);
	for (i = 0; i < oobnet_neigh_nr; i++)
		if (oobnet_neigh_pending[i] == n)
			break;
	if (i == oobnet_neigh_nr && i < OOBNET_NEIGH_PENDING &&
	    refcount_inc_not_zero(&n->refcnt)) {
		oobnet_neigh_pending[oobnet_neigh_nr++] = n;
		queued = true;
	}
	raw_spin_unlock_irqrestore(&oobnet_neigh_lock, flags);
	if (queued)
		queue_work(system_wq, &oobnet_neigh_work);
}

/* No sender is left: the notes go, confirmed or not. */
void oobnet_neigh_exit(void)
{
	cancel_work_sync(&oobnet_neigh_work);
	while (oobnet_neigh_nr)
		neigh_release(oobnet_neigh_pending[--oobnet_neigh_nr]);
}
