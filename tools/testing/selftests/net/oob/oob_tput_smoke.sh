#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# oob_tput_smoke.sh PAIR OOB_MODE INBAND_MODE FLOOR
#
# A second of unpaced 64-byte throughput through the in-band stack, then
# through the oob one, in this boot (oob-bench tput): the oob stack must
# deliver at least FLOOR percent of what the in-band one delivered, and
# every packet either stack lost must be counted somewhere (uncounted=0).
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
