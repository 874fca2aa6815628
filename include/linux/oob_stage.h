/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The out-of-band stage shim.
 *
 * Dovetail gives a companion core a second execution stage above the
 * kernel through its interrupt pipeline.  This tree has no interrupt
 * pipeline: the out-of-band (oob) stage is the companion core's own tasks,
 * which run with real-time priorities on PREEMPT_RT and mark themselves
 * with oob_stage_enter().  The networking hooks ask only running_oob() and
 * running_inband(); a tree that carries the real pipeline provides both,
 * and this file goes away.
 */
#ifndef _LINUX_OOB_STAGE_H
#define _LINUX_OOB_STAGE_H

#include <linux/preempt.h>
#include <linux/sched.h>

#ifdef CONFIG_NET_OOB

/**
 * running_oob() - Tell whether the caller runs on the out-of-band stage
 *
 * True in a task marked with oob_stage_enter(), outside of hard interrupt,
 * NMI and softirq context: those are in-band work even when they borrow
 * the stack of an oob task, as softirqs do on PREEMPT_RT.
 *
 * Return: true on the oob stage, false on the in-band stage.
 */
static inline bool running_oob(void)
{
	return (current->flags & PF_OOB_STAGE) &&
	       !(in_hardirq() || in_nmi() || in_serving_softirq());
}

/**
 * oob_stage_enter() - Mark the current task as running on the oob stage
 *
 * The companion core calls this at the start of its oob threads, and
 * around the oob calls it serves for user tasks.  The mark is not
 * inherited across fork.
 */
static inline void oob_stage_enter(void)
{
	current->flags |= PF_OOB_STAGE;
}

/**
 * oob_stage_leave() - Return the current task to the in-band stage
 */
static inline void oob_stage_leave(void)
{
	current->flags &= ~PF_OOB_STAGE;
}

#else /* !CONFIG_NET_OOB */

static inline bool running_oob(void)
{
	return false;
}

static inline void oob_stage_enter(void)
{
}

static inline void oob_stage_leave(void)
{
}

#endif /* !CONFIG_NET_OOB */

/**
 * running_inband() - Tell whether the caller runs on the in-band stage
 *
 * Return: the opposite of running_oob().
 */
static inline bool running_inband(void)
{
	return !running_oob();
}

#endif /* _LINUX_OOB_STAGE_H */
