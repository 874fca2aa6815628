#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading oobnet takes every port down, diversion with it.  dmesg is
# cleared first, so that a port that went down earlier in the suite cannot
# answer for one that did not go down now; every device is checked.
devs="e1a e1b vta vtb"
fail() { echo "FAIL $*"; exit 1; }
sysfs() { /usr/sbin/ip netns exec "oob-$1" cat "/sys/class/net/$1/$2"; }

ports=""
for d in $devs; do
	v=$(sysfs "$d" oob_port) || fail "cannot read $d's oob_port"
	[ "$v" = 1 ] && ports="$ports $d"
done
[ -n "$ports" ] || fail "no device was a port before the unload: nothing to prove"
dmesg -C
rmmod oobnet || fail "rmmod oobnet"
dmesg | grep -q 'net_oob: companion oobnet unregistered' || fail "no unregistration in dmesg"
for d in $devs; do
	[ "$(sysfs "$d" oob_port)" = 0 ] || fail "$d is still a port"
	[ "$(sysfs "$d" oob_diversion)" = 0 ] || fail "$d is still diverted"
done
for d in $ports; do
	dmesg | grep -q "$d: oob state down" || fail "$d was a port and never went down"
done
echo "ok unloaded; ports taken down:$ports"
