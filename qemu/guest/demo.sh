#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo: the guest's NIC topology and an in-band exchange across the
# e1000e wire.  It grows as the oob features land.
set -e
say() { printf '\n=== %s\n' "$*"; }
# iproute2 (busybox's own ip applet has no netns support)
ip2=/usr/sbin/ip
in_ns() { ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

say "kernel"
uname -a
grep -o 'PREEMPT_RT' /proc/version >/dev/null && echo "PREEMPT_RT: yes"

say "oobnet.ko"
insmod /lib/modules/oobnet.ko
grep oobnet /proc/modules

say "topology: one namespace per NIC"
oob-topo setup
oob-topo show

say "in-band ping across the e1000e wire (oob-e1a -> oob-e1b)"
in_ns oob-e1a ping -c 3 -W 2 10.70.1.2

say "in-band ping across the virtio wire (oob-vta -> oob-vtb)"
in_ns oob-vta ping -c 3 -W 2 10.70.2.2

say "in-band TCP request/response across the e1000e wire (nettest)"
nettest -B -N oob-e1a -O oob-e1b -r 10.70.1.2 -t 10

say "e1000e link counters"
$ip2 -n oob-e1a -s link show e1a
$ip2 -n oob-e1b -s link show e1b

rmmod oobnet
say "done"
