#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the hooks cost when nothing uses them: in-band UDP round trip and
# throughput across both wires (oob-udp-bench, qemu/guest/cost.sh) on
#   pristine   the unpatched kernel,
#   patched    the kernel with the series and no companion,
#   companion  the same with oobnet.ko loaded, diversion off,
# booted in turns, OOB_COST_ROUNDS times each (default 3), in one run, with
# OOB_COST_COUNT round trips per wire and boot (default 4000).  The
# kernels share every option but CONFIG_NET_OOB, and leave out the debug
# options of qemu/config/test.config, which would dwarf what is measured.
#
# Usage: cost.sh <repo-top> <build-dir>
# Output: <build-dir>/cost/report.txt (cost-report's table), report.md (the
# same in Markdown), and a file of benchmark lines per boot next to them.
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
cost=$build/cost
rounds=${OOB_COST_ROUNDS:-3}
count=${OOB_COST_COUNT:-4000}
mkdir -p "$cost"
rm -f "$cost"/{pristine,patched,companion}-*.txt "$cost"/report.{txt,md}

die() { echo "cost: $*" >&2; exit 1; }

# The unpatched source: a worktree of the build tree at its pristine tag.
if [ ! -d "$cost/src-pristine" ]; then
	git -C "$build/linux" worktree add -q --detach "$cost/src-pristine" pristine
fi
OOB_KSRC=$cost/src-pristine OOB_KOBJ=$cost/pristine OOB_KFRAGS="base net" \
	"$top/scripts/kernel.sh" "$top" "$build"
OOB_KSRC=$build/linux OOB_KOBJ=$cost/patched OOB_KFRAGS="base net oob" \
	"$top/scripts/kernel.sh" "$top" "$build"

# The companion, built for the patched kernel of this run.
mkdir -p "$cost/oobnet"
rsync -rlc "$top/oobnet/" "$cost/oobnet/"
make -s -C "$cost/patched" M="$cost/oobnet" CC="ccache gcc" modules
OOB_MODULE=$cost/oobnet/oobnet.ko OOB_INITRAMFS=$cost/initramfs.cpio \
	"$top/scripts/initramfs.sh" "$top" "$build"

declare -A files
for r in $(seq 1 "$rounds"); do
	for k in pristine patched companion; do
		obj=$cost/patched
		args=()
		case $k in
		pristine) obj=$cost/pristine ;;
		companion) args=(oob.companion=1) ;;
		esac
		run=$cost/run-$k-$r
		echo "cost: round $r/$rounds, $k"
		OOB_KERNEL=$obj/arch/x86/boot/bzImage OOB_INITRAMFS=$cost/initramfs.cpio \
		OOB_RUN=$run OOB_BOOT_TIMEOUT=600 \
			"$top/scripts/boot.sh" "$build" cost oob.cost.count="$count" "${args[@]}" \
			> /dev/null
		grep -q '^cost: done' "$run/results.ktap" ||
			die "$k, round $r: the benchmark did not finish (see $run)"
		"$build/harness/ktap-summary" --console "$run/console.log" ||
			die "$k, round $r: kernel splat in the guest (see $run/console.log)"
		cp "$run/results.ktap" "$cost/$k-$r.txt"
		files[$k]+="${files[$k]:+,}$cost/$k-$r.txt"
	done
done

kernels=("pristine=${files[pristine]}" "patched=${files[patched]}" "companion=${files[companion]}")
"$build/harness/cost-report" --markdown "${kernels[@]}" > "$cost/report.md"
"$build/harness/cost-report" "${kernels[@]}" | tee "$cost/report.txt"
