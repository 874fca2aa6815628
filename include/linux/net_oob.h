/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-band networking: the companion core's side of the hooks.
 *
 * A companion core (such as the oobnet module) implements a network stack
 * of its own on the CONFIG_NET_OOB hooks.  It hands its operations to the
 * kernel once, with net_oob_register(); each operation is then reached
 * through a static call whose default keeps the in-band behaviour, so a
 * kernel with no companion registered behaves as if the hooks were absent.
 */
#ifndef _LINUX_NET_OOB_H
#define _LINUX_NET_OOB_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct module;

/**
 * struct net_oob_ops - The operations of a companion core
 * @owner: the module implementing them
 * @name: the companion's name, for the log
 *
 * Every operation is optional: a missing one keeps its in-band default.
 */
struct net_oob_ops {
	struct module *owner;
	const char *name;
};

#ifdef CONFIG_NET_OOB

DECLARE_STATIC_KEY_FALSE(net_oob_companion_key);

/**
 * net_oob_companion() - Tell whether a companion core is registered
 *
 * A patched-out branch while no companion is registered.
 *
 * Return: true between net_oob_register() and net_oob_unregister().
 */
static inline bool net_oob_companion(void)
{
	return static_branch_unlikely(&net_oob_companion_key);
}

int net_oob_register(const struct net_oob_ops *ops);
void net_oob_unregister(const struct net_oob_ops *ops);

#else /* !CONFIG_NET_OOB */

static inline bool net_oob_companion(void)
{
	return false;
}

#endif /* !CONFIG_NET_OOB */

#endif /* _LINUX_NET_OOB_H */
