#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-band TCP on a diverted oob-capable device goes through GRO: the relay
# that takes what the companion declines to the in-band stack polls like a
# driver, napi_gro_receive() included.  The old relay handed packets to
# the protocols one by one, so GRO never saw e1b's packets while its port
# was on.  A bulk TCP stream runs from e1a to e1b, a port, with e1a's
# segmentation offload off (QEMU's e1000e reports no checksum for the
# segments of its TSO, and GRO needs one); every data segment e1b receives
# must reach GRO, and GRO must hold some for merging.  How many it merges
# depends on how many arrive per poll, which TCG keeps low: that figure is
# printed, not checked.
ip=/usr/sbin/ip
t=/sys/kernel/tracing
i=$t/instances/oob-relay-gro
fail() { echo "FAIL $*"; exit 1; }

[ "$($ip netns exec oob-e1b cat /sys/class/net/e1b/oob_diversion)" = 1 ] ||
	fail "e1b is not diverted: nothing to prove"
mount -t tracefs nodev $t 2>/dev/null
mkdir $i || fail "no trace instance"
cleanup() {
	$ip netns exec oob-e1a $ip link set dev e1a gso_max_segs "$segs"
	rmdir $i
}
segs=$($ip netns exec oob-e1a $ip -d link show e1a | sed -n 's/.*gso_max_segs \([0-9]*\).*/\1/p')
[ -n "$segs" ] || fail "cannot read e1a's gso_max_segs"
trap cleanup EXIT
$ip netns exec oob-e1a $ip link set dev e1a gso_max_segs 1 || fail "gso_max_segs"
echo 'name == "e1b" && len > 1000' > $i/events/net/napi_gro_receive_entry/filter
echo 1 > $i/events/net/napi_gro_receive_entry/enable
echo 1 > $i/events/net/napi_gro_receive_exit/enable
echo 'name == "e1b"' > $i/events/net/netif_receive_skb/filter
echo 1 > $i/events/net/netif_receive_skb/enable

$ip netns exec oob-e1b timeout 10 msg_zerocopy -4 -i e1b -t 3 -C 2 -S 10.70.1.1 -D 10.70.1.2 -r tcp &
rx=$!
sleep 1
$ip netns exec oob-e1a msg_zerocopy -4 -i e1a -t 1 -C 3 -S 10.70.1.1 -D 10.70.1.2 tcp ||
	fail "the TCP sender failed"
wait $rx || fail "the TCP receiver failed"
echo 0 > $i/events/net/netif_receive_skb/enable
echo 0 > $i/events/net/napi_gro_receive_entry/enable
echo 0 > $i/events/net/napi_gro_receive_exit/enable

gro=$(grep -c 'napi_gro_receive_entry: dev=e1b' $i/trace)
# GRO's answer for an e1b segment is the next exit on the same CPU.
held=$(awk '/napi_gro_receive_entry: dev=e1b/ { on[$2] = 1; next }
	    /napi_gro_receive_exit:/ && on[$2] { if (/ret=2/) n++; on[$2] = 0 }
	    END { print n + 0 }' $i/trace)
big=$(grep 'netif_receive_skb: dev=e1b' $i/trace | grep -c 'len=[2-9][0-9][0-9][0-9]')
data=$(grep 'netif_receive_skb: dev=e1b' $i/trace | grep -c 'len=1[0-9][0-9][0-9]')
echo "data segments at GRO $gro, held by GRO $held; reached the stack as $data" \
     "segments and $big merged packets"
[ "$gro" -gt 10 ] || fail "$gro data segments reached GRO (want > 10; the old relay: 0)"
[ "$held" -gt 0 ] || fail "GRO held none of them"
[ $((data + big)) -gt 0 ] || fail "nothing reached the stack"
echo "ok relayed TCP goes through GRO"
