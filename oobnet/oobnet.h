/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oobnet: what the parts of the module share.
 */
#ifndef _OOBNET_H
#define _OOBNET_H

#include <linux/netdevice.h>

/* port.c: oob ports and the state of their real devices, RTNL held. */
int oobnet_ports_init(void);
void oobnet_ports_exit(void);
int oobnet_switch_port(struct net_device *dev, bool on);
int oobnet_switch_diversion(struct net_device *dev, bool on);
ssize_t oobnet_query_pool(struct net_device *dev, char *buf);

#endif /* _OOBNET_H */
