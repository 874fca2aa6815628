#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The last test of the suite: kmemleak scans the whole guest and must find
# nothing.  An object is reported only once it is older than five seconds
# and a scan found no reference to it, hence the wait and the second scan.
k=/sys/kernel/debug/kmemleak
[ -w $k ] || { echo "FAIL kmemleak is off ($k missing): this kernel cannot tell"; exit 1; }
echo scan > $k || { echo "FAIL kmemleak refused to scan"; exit 1; }
sleep 6
echo scan > $k || { echo "FAIL kmemleak refused to scan"; exit 1; }
report=$(cat $k)
if [ -n "$report" ]; then
	echo "$report" | head -150
	echo "FAIL kmemleak: $(echo "$report" | grep -c '^unreferenced object') suspected leaks"
	exit 1
fi
echo "ok kmemleak: no suspected leak"
