#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The latency benchmark, `make bench`: every cell of oob-bench (both wires;
# UDP and raw, oob and in-band; 64 and 1024 bytes; idle and under load) in
# one boot of the performance kernel, after what the hooks cost when unused
# (scripts/cost.sh: the unpatched kernel, the patched one, and with the
# companion loaded, booted in turns), then bench-report's results under
# results/<UTC date>-<revision>/: raw.txt (the guest's lines), meta.txt,
# results.json, results.csv, table.md, SVG plots and cost/ (cost.sh's
# report and boots); results/latest points at it and the README's table is
# replaced by the new one.
#
# The performance kernel is the series with e1000e oob-capable and without
# the debug options of qemu/config/test.config (qemu/config/{base,net,oob}):
# the "patched" kernel of scripts/cost.sh, built in <build-dir>/cost/patched
# and shared with it.  The module and initramfs for it go to <build-dir>/perf.
#
# Environment: OOB_BENCH_COUNT (round trips per cell, default 20000),
# OOB_BENCH_WARMUP (1000), OOB_BENCH_REPS (3), OOB_BENCH_PAIRS
# (e1000e,virtio), OOB_BENCH_CPU (the vCPU of the measuring ends and of
# oobnet's threads, default 1; -1 leaves oobnet's threads unpinned),
# OOB_BENCH_ONLY (rtt or tput: only those cells, for a quick look),
# OOB_TCG_THREAD (single or multi, see boot.sh),
# OOB_BOOT_TIMEOUT (seconds, default 6 h), OOB_BENCH_COST (1: measure the
# cost when unused first, the default; 0: skip it), and cost.sh's
# OOB_COST_ROUNDS (3) and OOB_COST_COUNT (here 20000 round trips per boot).
#
# Usage: bench.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
perf=$build/perf
count=${OOB_BENCH_COUNT:-20000}
warmup=${OOB_BENCH_WARMUP:-1000}
reps=${OOB_BENCH_REPS:-3}
pairs=${OOB_BENCH_PAIRS:-e1000e,virtio}
cpu=${OOB_BENCH_CPU:-1}
mkdir -p "$perf"

die() { echo "bench: $*" >&2; exit 1; }

kobj=$build/cost/patched
OOB_KSRC=$build/linux OOB_KOBJ=$kobj OOB_KFRAGS="base net oob" \
	"$top/scripts/kernel.sh" "$top" "$build"
mkdir -p "$perf/oobnet"
# Copied files get the time of the copy: a make right after an edit must
# not find them older than their objects (-c: only what changed is copied).
rsync -rlc "$top/oobnet/" "$perf/oobnet/"
make -s -C "$kobj" M="$perf/oobnet" CC="ccache gcc" modules
OOB_MODULE=$perf/oobnet/oobnet.ko OOB_INITRAMFS=$perf/initramfs.cpio \
	"$top/scripts/initramfs.sh" "$top" "$build" > /dev/null

# What the hooks cost when unused, in this run: its boots come first.
if [ "${OOB_BENCH_COST:-1}" = 1 ]; then
	OOB_COST_COUNT=${OOB_COST_COUNT:-20000} "$top/scripts/cost.sh" "$top" "$build"
fi

rev=$(git -C "$top" rev-parse --short HEAD)
git -C "$top" diff --quiet HEAD -- || rev=$rev-dirty
stamp=$(date -u +%Y%m%d-%H%M%S)-$rev
out=$top/results/$stamp
mkdir -p "$out"
tcg=${OOB_TCG_THREAD:-single}

echo "bench: $count round trips per cell, $reps repetitions, pairs $pairs, TCG $tcg"
OOB_KERNEL=$kobj/arch/x86/boot/bzImage OOB_INITRAMFS=$perf/initramfs.cpio \
OOB_RUN=$perf/run OOB_BOOT_TIMEOUT=${OOB_BOOT_TIMEOUT:-21600} \
	"$top/scripts/boot.sh" "$build" bench oob.bench.count="$count" \
	oob.bench.warmup="$warmup" oob.bench.reps="$reps" oob.bench.pairs="$pairs" \
	oob.bench.cpu="$cpu" ${OOB_BENCH_ONLY:+oob.bench.only=$OOB_BENCH_ONLY} > /dev/null
cp "$perf/run/results.ktap" "$out/raw.txt"
cp "$perf/run/console.log" "$out/console.log"
grep -q '^bench: done' "$out/raw.txt" || die "the benchmark did not finish (see $out)"
if [ "${OOB_BENCH_COST:-1}" = 1 ]; then
	mkdir -p "$out/cost"
	cp "$build"/cost/{report.txt,report.md} "$build"/cost/{pristine,patched,companion}-*.txt \
		"$out/cost/"
fi

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "revision=$rev"
	echo "kernel=$(make -s -C "$build/linux" O="$kobj" kernelrelease)"
	echo "config=qemu/config/base+net+oob sha256 $(sha256sum < "$kobj/.config" | cut -c1-16)"
	echo "series=$(grep -vc '^#' "$top/patches/series") patches"
	echo "count=$count"
	echo "warmup=$warmup"
	echo "reps=$reps"
	echo "cpu=$cpu"
	echo "emulation=QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}') TCG, thread=$tcg${OOB_QEMU_ICOUNT:+, icount $OOB_QEMU_ICOUNT}, 2 vCPUs, no KVM"
	echo "host=$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
} > "$out/meta.txt"
cp "$kobj/.config" "$out/kernel.config"

"$build/harness/bench-report" "$out/raw.txt" "$out/meta.txt" "$out"
if [ -f "$out/cost/report.md" ]; then
	{
		echo "**What the hooks cost when unused**: in-band UDP (64 B, both ends on"
		echo "vCPU 1) on the unpatched kernel, the patched one with no companion, and"
		echo "with oobnet.ko loaded and diversion off, booted in turns"
		echo "(\`scripts/cost.sh\`, $(find "$out/cost" -name 'pristine-*.txt' | wc -l)"
		echo "boots each, ${OOB_COST_COUNT:-20000} round trips per wire and boot)."
		echo
		cat "$out/cost/report.md"
	} >> "$out/table.md"
fi
# A cell that failed is missing from the table: the run is kept for a look
# but is not the latest result.
! grep '^bench failed' "$out/raw.txt" ||
	die "cells failed (see $out/raw.txt; its table lacks them)"
# Nor is a run whose guest printed a kernel splat (an RCU stall, a WARN...).
"$build/harness/ktap-summary" --console "$out/console.log" ||
	die "kernel splat in the benchmark's guest (see $out/console.log)"
# A partial run (OOB_BENCH_ONLY) is a look, not the latest result.
if [ -n "${OOB_BENCH_ONLY:-}" ]; then
	echo "bench: partial run ($OOB_BENCH_ONLY only) in results/$stamp"
	exit 0
fi
ln -sfn "$stamp" "$top/results/latest"

# The README shows the latest table, between its two markers.
readme=$top/README.md
if grep -q '<!-- bench:begin -->' "$readme"; then
	awk -v table="$out/table.md" -v stamp="$stamp" '
		/<!-- bench:begin -->/ {
			print
			print "Latest run: `results/" stamp "/` (`make bench`)."
			print ""
			while ((getline l < table) > 0) print l
			skip = 1
			next
		}
		/<!-- bench:end -->/ { skip = 0 }
		!skip' "$readme" > "$readme.new" && mv "$readme.new" "$readme"
fi
echo "bench: results in results/$stamp"
