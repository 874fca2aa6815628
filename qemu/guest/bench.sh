# SPDX-License-Identifier: GPL-2.0
#
# The guest's half of scripts/bench.sh: every cell of the latency benchmark
# (oob-bench rtt) on the results port, repetition by repetition.  The host
# passes the sizes of the run on the kernel command line:
#   oob.bench.count=N    measured round trips per cell (default 20000)
#   oob.bench.warmup=N   unmeasured ones before (default 1000)
#   oob.bench.reps=N     repetitions of the whole matrix (default 3)
#   oob.bench.pairs=A,B  the wires (default e1000e,virtio)
#   oob.bench.cpu=N      the vCPU of both measuring ends and of oobnet's
#                        RX and TX threads (default 1); -1 leaves oobnet's
#                        threads unpinned (the measuring ends stay on 1)
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
count=20000 warmup=1000 reps=3 pairs=e1000e,virtio cpu=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	oob.bench.count=*) count=${arg#*=} ;;
	oob.bench.warmup=*) warmup=${arg#*=} ;;
	oob.bench.reps=*) reps=${arg#*=} ;;
	oob.bench.pairs=*) pairs=${arg#*=} ;;
	oob.bench.cpu=*) cpu=${arg#*=} ;;
	esac
done
echo "bench kernel=$(uname -r) cpus=$(nproc) count=$count warmup=$warmup reps=$reps cpu=$cpu" > $out
insmod /lib/modules/oobnet.ko thread_cpu="$cpu" || { echo "bench: insmod failed" > $out; exit 1; }
pin=$cpu
[ "$cpu" -ge 0 ] || pin=1
oob-topo setup > /dev/null || { echo "bench: topology failed" > $out; exit 1; }
for rep in $(seq 1 "$reps"); do
	for pair in $(echo "$pairs" | tr , ' '); do
		for load in idle flood; do
			for size in 64 1024; do
				for mode in udp-inband packet-inband xdp udp-oob raw-oob; do
					echo "bench cell rep=$rep" >> $out
					# Exit code 1: over 1 % lost, a result the table shows.
					oob-bench rtt "$pair" "$mode" --size "$size" --count "$count" \
						--warmup "$warmup" --load "$load" --cpu "$pin" >> $out 2>&1
					[ $? -le 1 ] ||
						echo "bench failed rep=$rep pair=$pair mode=$mode size=$size load=$load" >> $out
				done
			done
		done
		# Throughput: 64-byte packets to one socket on one vCPU.
		for mode in udp-inband packet-inband xdp udp-oob raw-oob; do
			echo "bench cell rep=$rep" >> $out
			oob-bench tput "$pair" "$mode" --size 64 --seconds 5 --cpu "$pin" >> $out 2>&1 ||
				echo "bench failed rep=$rep pair=$pair mode=$mode tput" >> $out
		done
	done
done
echo "bench: done" >> $out
