# SPDX-License-Identifier: GPL-2.0
#
# The guest's half of scripts/cost.sh: in-band UDP round trip and
# throughput across both wires, results on the second serial port.  With
# oob.companion=1 the companion module is loaded first (no diversion).
#   oob.cost.count=N   measured round trips per wire (default 4000)
# Both ends of a round trip run on vCPU 1, as in the benchmark's cells.
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
count=4000
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	oob.companion=1) companion=1 ;;
	oob.cost.count=*) count=${arg#*=} ;;
	esac
done
echo "kernel $(uname -r) companion=${companion:-0} count=$count" > $out
# The series fills its oob skb head pool on the first registration: a
# kernel with no companion yet has none.
pool=/proc/sys/net/core/free_oob_skb
if [ -r $pool ] && [ "$(cat $pool)" != 0 ]; then
	echo "cost: $(cat $pool) oob skb heads allocated with no companion" > $out
	exit 1
fi
if [ -n "$companion" ]; then
	insmod /lib/modules/oobnet.ko || { echo "cost: insmod failed" > $out; exit 1; }
	[ "$(cat $pool)" -gt 0 ] ||
		{ echo "cost: no oob skb heads after the companion registered" > $out; exit 1; }
fi
oob-topo setup > /dev/null || { echo "cost: topology failed" > $out; exit 1; }
for pair in e1000e virtio; do
	oob-udp-bench rtt $pair --size 64 --count "$count" --warmup $((count / 10)) --cpu 1 >> $out
	oob-udp-bench tput $pair --size 64 --seconds 4 --cpu 1 >> $out
done
echo "cost: done" >> $out
