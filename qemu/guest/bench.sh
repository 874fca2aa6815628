# SPDX-License-Identifier: GPL-2.0
#
# The guest's half of scripts/bench.sh: every cell of the latency benchmark
# (oob-bench rtt) on the results port, repetition by repetition; the
# in-band stacks also with their devices' oob ports on (+port).  The host
# passes the sizes of the run on the kernel command line:
#   oob.bench.count=N    measured round trips per cell (default 20000)
#   oob.bench.warmup=N   unmeasured ones before (default 1000)
#   oob.bench.reps=N     repetitions of the whole matrix (default 3)
#   oob.bench.pairs=A,B  the wires (default e1000e,virtio)
#   oob.bench.cpu=N      the vCPU of both measuring ends and of oobnet's
#                        RX and TX threads (default 1); -1 leaves oobnet's
#                        threads unpinned (the measuring ends stay on 1)
#   oob.bench.only=KIND  rtt or tput: only those cells (default both)
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
count=20000 warmup=1000 reps=3 pairs=e1000e,virtio cpu=1 only=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	oob.bench.count=*) count=${arg#*=} ;;
	oob.bench.warmup=*) warmup=${arg#*=} ;;
	oob.bench.reps=*) reps=${arg#*=} ;;
	oob.bench.pairs=*) pairs=${arg#*=} ;;
	oob.bench.cpu=*) cpu=${arg#*=} ;;
	oob.bench.only=*) only=${arg#*=} ;;
	esac
done
echo "bench kernel=$(uname -r) cpus=$(nproc) count=$count warmup=$warmup reps=$reps cpu=$cpu" > $out
insmod /lib/modules/oobnet.ko thread_cpu="$cpu" || { echo "bench: insmod failed" > $out; exit 1; }
pin=$cpu
[ "$cpu" -ge 0 ] || pin=1
oob-topo setup > /dev/null || { echo "bench: topology failed" > $out; exit 1; }
# Where the NICs' interrupts go, for the record.  They stay where the
# kernel put them: one run with all of them routed to the measuring vCPU
# (and oob_relay_cpu on the other) was slower in every cell, idle ones too.
for dev in e1a e1b vta vtb; do
	n=$(basename "$(/usr/sbin/ip netns exec "oob-$dev" readlink "/sys/class/net/$dev/device")")
	case $n in virtio*) pat="$n-" ;; *) pat="$dev" ;; esac
	for irq in $(awk -v p="$pat" 'index($NF, p) == 1 { sub(":", "", $1); print $1 }' /proc/interrupts); do
		echo "bench irq dev=$dev irq=$irq name=$(awk -v i="$irq:" '$1 == i { print $NF }' /proc/interrupts) cpus=$(cat "/proc/irq/$irq/smp_affinity_list") effective=$(cat "/proc/irq/$irq/effective_affinity_list" 2>/dev/null)" > $out
	done
done
# One latency cell: MODE SIZE LOAD.  Exit code 1 is over 1 % lost, a result
# the table shows; anything else a failed cell.
rtt_cell() {
	echo "bench cell rep=$rep" >> $out
	oob-bench rtt "$pair" "$1" --size "$2" --count "$count" --warmup "$warmup" \
		--load "$3" --cpu "$pin" >> $out 2>&1
	[ $? -le 1 ] || echo "bench failed rep=$rep pair=$pair mode=$1 size=$2 load=$3" >> $out
}

# Throughput cells with SENDER (same or fast) for each MODE after it: each
# stack's sustained rate, the oob stacks also paced at the in-band stacks'
# (measured first, in the order given).
tput_cells() {
	sender=$1
	shift
	udp_rate= raw_rate=
	for mode in "$@"; do
		at=
		[ "$mode" != udp-oob ] || at=$udp_rate
		[ "$mode" != raw-oob ] || at=$raw_rate
		echo "bench cell rep=$rep" >> $out
		oob-bench tput "$pair" "$mode" --size 64 --seconds 5 --cpu "$pin" \
			--sender "$sender" --sweep 5 ${at:+--at "$at"} > /tmp/tput.out 2>&1
		rc=$?
		cat /tmp/tput.out >> $out
		rate=$(sed -n 's/.* sustained_pps=\([0-9]*\).*/\1/p' /tmp/tput.out)
		[ "$mode" != udp-inband ] || udp_rate=$rate
		[ "$mode" != packet-inband ] || raw_rate=$rate
		[ $rc -eq 0 ] ||
			echo "bench failed rep=$rep pair=$pair mode=$mode tput sender=$sender" >> $out
	done
}

for rep in $(seq 1 "$reps"); do
	for pair in $(echo "$pairs" | tr , ' '); do
		if [ "$only" != tput ]; then
			for load in idle flood; do
				for size in 64 1024; do
					for mode in udp-inband packet-inband xdp udp-oob raw-oob \
						udp-inband+port packet-inband+port; do
						rtt_cell "$mode" "$size" "$load"
					done
				done
			done
			# The load taken apart (64 B): the in-band traffic alone, the
			# busy threads alone.
			for load in traffic hogs; do
				for mode in udp-inband packet-inband xdp udp-oob raw-oob; do
					rtt_cell "$mode" 64 "$load"
				done
			done
		fi
		if [ "$only" != rtt ]; then
			# Throughput: 64-byte packets to one socket on one vCPU.
			tput_cells same udp-inband packet-inband xdp udp-oob raw-oob \
				udp-inband+port packet-inband+port
			# What each stack receives: one fast sender (raw oob) for all.
			tput_cells fast udp-inband packet-inband xdp udp-oob raw-oob
		fi
	done
done
echo "bench: done" >> $out
