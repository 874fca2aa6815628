/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * oobnet: the controls of the oobnet companion core that go through an
 * oob socket (see <linux/net_oob.h> for the sockets themselves).
 *
 * Both are ioctls on any socket opened with SOCK_OOB while oobnet is the
 * companion core.
 */
#ifndef _UAPI_OOBNET_H
#define _UAPI_OOBNET_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The verdict of an RX program: what becomes of a packet arriving on a
 * real device with an oob port.  Any other value leaves it in-band.
 */
enum oobnet_rx_verdict {
	OOBNET_VERDICT_DROP = 0,	/* discard it */
	OOBNET_VERDICT_ACCEPT = 1,	/* oob traffic: to its port, or dropped */
	OOBNET_VERDICT_INBAND = 2,	/* leave it to the in-band stack */
	OOBNET_VERDICT_VLAN = 3,	/* select as without a program */
};

/**
 * struct oobnet_rx_prog - OOBNET_SIOC_SET_RX_PROG's argument
 * @ifindex: the device, in the socket's network namespace; a VLAN device
 *	stands for its real device
 * @fd: a BPF_PROG_TYPE_SOCKET_FILTER program, run on each packet with its
 *	data at the Ethernet header; -1 removes the device's program
 */
struct oobnet_rx_prog {
	__s32 ifindex;
	__s32 fd;
};

/*
 * ioctl(oob_fd, OOBNET_SIOC_SET_RX_PROG, struct oobnet_rx_prog *) sets the
 * RX program of a real device that has an oob port.  It fails with EPERM
 * without CAP_NET_ADMIN, ENODEV when no such device exists, ENXIO when it
 * has no oob port, EBADF when @fd is no BPF program, EINVAL when the
 * program is of another type.  The program goes with the device's last
 * port.
 */
#define OOBNET_SIOC_SET_RX_PROG	_IOW(0x8F, 0x10, struct oobnet_rx_prog)

/*
 * ioctl(udp_oob_fd, OOBNET_SIOC_SOLICIT, struct in_addr *) makes sure the
 * link-layer address of the next hop to an IPv4 destination is cached, so
 * that the sends to it stay on the oob path: returns 0 when it is, or
 * starts resolving it and fails with EINPROGRESS.  ENXIO when the route
 * leaves through no oob port, EOPNOTSUPP on a raw packet socket.
 */
#define OOBNET_SIOC_SOLICIT	_IOW(0x8F, 0x11, struct in_addr)

/**
 * struct oobnet_mmsg - A batch of oob sends or receives
 * @msgs: address of an array of @vlen struct oob_msghdr, one per packet;
 *	each is used and written back as by OOB_SIOC_SENDMSG and
 *	OOB_SIOC_RECVMSG, except that its @flags may carry MSG_TRUNC only and
 *	its @timeout_ns is not read: the batch's apply
 * @vlen: how many, 1 to 1024
 * @flags: MSG_DONTWAIT or 0
 * @timeout_ns: as in struct oob_msghdr, for the batch: a receive waits for
 *	its first packet only and then takes what is queued; a send waits
 *	for a buffer for each packet
 * @count: written back: how many entries of @msgs were done
 * @reserved: 0
 */
struct oobnet_mmsg {
	__u64	msgs;
	__u32	vlen;
	__u32	flags;
	__s64	timeout_ns;
	__u32	count;
	__u32	reserved;
};

/*
 * ioctl(oob_fd, OOBNET_SIOC_SENDMMSG or OOBNET_SIOC_RECVMMSG,
 * struct oobnet_mmsg *) is to OOB_SIOC_SENDMSG and OOB_SIOC_RECVMSG what
 * sendmmsg() and recvmmsg() (with MSG_WAITFORONE) are to sendmsg() and
 * recvmsg(): one call on the oob stage for up to 1024 packets.  Returns 0
 * with @count at least 1 when an entry was done: an error after the first
 * entry ends the batch there and is not reported (a receive finding no
 * more packets queued ends it too).  Else fails with the first entry's
 * error, as OOB_SIOC_SENDMSG and OOB_SIOC_RECVMSG do, or EINVAL for a bad
 * @vlen, @flags, @reserved or entry flags, EFAULT for a bad address.
 */
#define OOBNET_SIOC_SENDMMSG	_IOWR(0x8F, 0x12, struct oobnet_mmsg)
#define OOBNET_SIOC_RECVMMSG	_IOWR(0x8F, 0x13, struct oobnet_mmsg)

#endif /* _UAPI_OOBNET_H */
