// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-band networking: companion core registration.
 *
 * At most one companion is registered at a time.  The hooks reach it
 * through static calls made under rcu_read_lock().  Unregistering puts the
 * default targets back, then waits for a grace period, so no call into the
 * companion is in flight once net_oob_unregister() returns and its module
 * may go away.
 */
#define pr_fmt(fmt) "net_oob: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net_oob.h>
#include <linux/rcupdate.h>

/*
 * Patched in while a companion is registered, see net_oob_companion().
 * Inlines of netdevice.h that any driver module may use test it, hence
 * an export that is not GPL-only (spelled out: checkpatch wants the
 * export right after a definition it can see).
 */
struct static_key_false net_oob_companion_key = STATIC_KEY_FALSE_INIT;
EXPORT_SYMBOL(net_oob_companion_key);

static DEFINE_MUTEX(net_oob_lock);
static const struct net_oob_ops *net_oob_current;

/*
 * Points every hook's static call at @ops, or back at its in-band default
 * when @ops is NULL.  Each hook adds its own line here.
 */
static void net_oob_update_calls(const struct net_oob_ops *ops)
{
}

/**
 * net_oob_register() - Register the companion core
 * @ops: its operations, which must stay valid until net_oob_unregister()
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY when a companion is registered already.
 */
int net_oob_register(const struct net_oob_ops *ops)
{
	mutex_lock(&net_oob_lock);
	if (net_oob_current) {
		mutex_unlock(&net_oob_lock);
		return -EBUSY;
	}
	net_oob_current = ops;
	net_oob_update_calls(ops);
	static_branch_enable(&net_oob_companion_key);
	mutex_unlock(&net_oob_lock);

	pr_info("companion %s registered\n", ops->name ?: "(unnamed)");
	return 0;
}
EXPORT_SYMBOL_GPL(net_oob_register);

/**
 * net_oob_unregister() - Unregister the companion core
 * @ops: the operations given to net_oob_register()
 *
 * The companion must have turned input diversion and oob ports off on
 * every device before calling this.  When it returns, no hook runs or
 * will run any companion code.
 *
 * Context: process context, may sleep.
 */
void net_oob_unregister(const struct net_oob_ops *ops)
{
	mutex_lock(&net_oob_lock);
	if (WARN_ON_ONCE(net_oob_current != ops)) {
		mutex_unlock(&net_oob_lock);
		return;
	}
	static_branch_disable(&net_oob_companion_key);
	net_oob_update_calls(NULL);
	/* Wait for the callers that still hold the old targets. */
	synchronize_rcu();
	net_oob_current = NULL;
	mutex_unlock(&net_oob_lock);

	pr_info("companion %s unregistered\n", ops->name ?: "(unnamed)");
}
EXPORT_SYMBOL_GPL(net_oob_unregister);
