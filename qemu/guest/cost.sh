# SPDX-License-Identifier: GPL-2.0
#
# The guest's half of scripts/cost.sh: in-band UDP round trip and
# throughput across both wires, results on the second serial port.  With
# oob.companion=1 the companion module is loaded first (no diversion).
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	oob.companion=1) companion=1 ;;
	esac
done
echo "kernel $(uname -r) companion=${companion:-0}" > $out
if [ -n "$companion" ]; then
	insmod /lib/modules/oobnet.ko || { echo "cost: insmod failed" > $out; exit 1; }
fi
oob-topo setup > /dev/null || { echo "cost: topology failed" > $out; exit 1; }
for pair in e1000e virtio; do
	oob-udp-bench rtt $pair --size 64 --count 4000 --warmup 400 >> $out
	oob-udp-bench tput $pair --size 64 --seconds 4 >> $out
done
echo "cost: done" >> $out
