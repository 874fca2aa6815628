#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# oob_tput_smoke.sh PAIR MODE BASE FLOOR
#
# A second of unpaced 64-byte throughput through the stack BASE, then
# through MODE, in this boot (oob-bench tput modes): MODE must deliver at
# least FLOOR percent of what BASE delivered, and every packet either
# lost must be counted somewhere (uncounted=0).  MODE an oob stack and
# BASE its in-band peer, or MODE an in-band stack with its ports on
# (udp-inband+port) and BASE the same with them off.
pair=$1 oob=$2 inband=$3 floor=$4
fail() { echo "FAIL $*"; exit 1; }
field() { sed -n "s/.* $1=\([-0-9]*\).*/\1/p" "$2"; }

for mode in "$inband" "$oob"; do
	oob-bench tput "$pair" "$mode" --seconds 1 --cpu 1 > "/tmp/smoke-$mode" 2>&1 ||
		fail "oob-bench tput $pair $mode: $(cat "/tmp/smoke-$mode")"
	grep '^bench tput' "/tmp/smoke-$mode"
	u=$(field uncounted "/tmp/smoke-$mode")
	[ "$u" = 0 ] || fail "$mode: $u packets lost where no counter saw them"
done
base=$(field recv_pps "/tmp/smoke-$inband")
got=$(field recv_pps "/tmp/smoke-$oob")
[ -n "$base" ] && [ -n "$got" ] || fail "no recv_pps in the output"
[ "$base" -gt 0 ] || fail "$inband delivered nothing"
[ $((got * 100)) -ge $((base * floor)) ] ||
	fail "$oob delivered $got packets/s, under $floor % of $inband's $base"
echo "ok $oob delivered $got packets/s, $((got * 100 / base)) % of $inband's $base (floor $floor %)"
