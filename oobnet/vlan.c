// SPDX-License-Identifier: GPL-2.0
/*
 * oobnet: the VLAN ids picked from diverted input.
 *
 * A tagged packet arriving on a diverted real device is picked for the
 * oob stack when its VLAN id is in this list and the VLAN device of that
 * id on the real device is an oob port.  The list is the module parameter
 * "vlans", settable at any time through
 * /sys/module/oobnet/parameters/vlans: a comma-separated list of ids and
 * ranges ("10,20-29"), each id from 1 to 4094; an empty string clears it.
 * A malformed list is refused with EINVAL and the list stays as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/if_vlan.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "oobnet.h"

struct oobnet_vlans {
	struct rcu_head rcu;
	DECLARE_BITMAP(ids, VLAN_N_VID);
};

static struct oobnet_vlans __rcu *oobnet_vlans;
static DEFINE_MUTEX(oobnet_vlans_lock);

bool oobnet_vlan_picked(u16 vid)
{
	struct oobnet_vlans *v;
	bool picked;

	rcu_read_lock();
	v = rcu_dereference(oobnet_vlans);
	picked = v && vid < VLAN_N_VID && test_bit(vid, v->ids);
	rcu_read_unlock();
	return picked;
}

static int oobnet_vlan_parse_id(const char *s, unsigned int *id)
{
	int ret = kstrtouint(s, 10, id);

	if (ret)
		return -EINVAL;
	/* 0 tags priority only, 4095 is reserved. */
	if (*id < 1 || *id >= VLAN_VID_MASK)
		return -EINVAL;
	return 0;
}

static int oobnet_vlan_parse(char *list, unsigned long *ids)
{
	char *item;

	list = strim(list);
	while ((item = strsep(&list, ",")) != NULL) {
		unsigned int first, last;
		char *dash;
		int ret;

		item = strim(item);
		if (!*item)
			return -EINVAL;
		dash = strchr(item, '-');
		if (dash)
			*dash++ = '\0';
		ret = oobnet_vlan_parse_id(item, &first);
		if (ret)
			return ret;
		last = first;
		if (dash) {
			ret = oobnet_vlan_parse_id(dash, &last);
			if (ret || last < first)
				return -EINVAL;
		}
		bitmap_set(ids, first, last - first + 1);
	}
	return 0;
}

static int oobnet_vlans_set(const char *val, const struct kernel_param *kp)
{
	struct oobnet_vlans *new, *old;
	char *list;
	int ret = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	list = kstrdup(val, GFP_KERNEL);
	if (!new || !list) {
		ret = -ENOMEM;
		goto out;
	}
	if (*strim(list))
		ret = oobnet_vlan_parse(list, new->ids);
	if (ret) {
		pr_warn("vlans: cannot parse \"%s\": ids and ranges from 1 to 4094, comma-separated\n",
			strim(list));
		goto out;
	}

	mutex_lock(&oobnet_vlans_lock);
	old = rcu_replace_pointer(oobnet_vlans, new,
				  lockdep_is_held(&oobnet_vlans_lock));
	mutex_unlock(&oobnet_vlans_lock);
	if (old)
		kfree_rcu(old, rcu);
	new = NULL;
out:
	kfree(list);
	kfree(new);
	return ret;
}

/* Prints the list back as ranges: "10,20-29". */
static int oobnet_vlans_get(char *buf, const struct kernel_param *kp)
{
	struct oobnet_vlans *v;
	int len = 0;

	mutex_lock(&oobnet_vlans_lock);
	v = rcu_dereference_protected(oobnet_vlans,
				      lockdep_is_held(&oobnet_vlans_lock));
	if (v)
		len = scnprintf(buf, PAGE_SIZE, "%*pbl", VLAN_N_VID, v->ids);
	mutex_unlock(&oobnet_vlans_lock);
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops oobnet_vlans_ops = {
	.set = oobnet_vlans_set,
	.get = oobnet_vlans_get,
};

module_param_cb(vlans, &oobnet_vlans_ops, NULL, 0644);
MODULE_PARM_DESC(vlans,
		 "VLAN ids picked from diverted input: ids and ranges from 1 to 4094, comma-separated (\"10,20-29\")");

void oobnet_vlan_exit(void)
{
	kfree(rcu_replace_pointer(oobnet_vlans, NULL, true));
}
