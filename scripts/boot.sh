#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots the test guest under QEMU (TCG: no KVM here) with the topology of
# lib/include/oob/topology.hpp: two e1000e NICs on hub 1, two virtio-net NICs
# on hub 2, no link to the host.  The console is saved to console.log, the
# KTAP results arrive on the second serial port in results.ktap.
#
# Usage: boot.sh <build-dir> check|demo|cost|bench [extra kernel args...]
# Environment: OOB_BOOT_TIMEOUT (seconds, default 1200), OOB_SMP (default 2),
# OOB_TCG_THREAD (single or multi, default single: with one host thread per
# vCPU, a vCPU was seen executing an int3 that live patching of a static
# key had already removed, an "Oops: int3", about once in ten boots);
# OOB_QEMU_ICOUNT (QEMU's -icount argument, e.g. shift=5,sleep=off: a
# virtual clock that counts instructions; unset by default, see the
# README's benchmark section); for scripts/cost.sh: OOB_KERNEL (bzImage),
# OOB_INITRAMFS (cpio) and OOB_RUN (the directory for console.log and
# results.ktap).
set -euo pipefail

build=$(cd "$1" && pwd)
mode=$2
shift 2
run=${OOB_RUN:-$build/run}
mkdir -p "$run"
rm -f "$run/console.log" "$run/results.ktap" "$run/qemu.exit"

limit=${OOB_BOOT_TIMEOUT:-1200}
# No interrupt throttling on either e1000e (the parameter is per board).
cmdline="console=ttyS0 oob.mode=$mode panic=-1 e1000e.InterruptThrottleRate=0,0 $*"

case "$mode" in
check|demo|cost|bench) ;;
*) echo "boot: mode must be check, demo, cost or bench" >&2; exit 2 ;;
esac

nics=()
nic() { # hub id mac device
	nics+=(-netdev "hubport,id=$2,hubid=$1" -device "$4,netdev=$2,mac=$3")
}
nic 1 e1a 52:54:00:0e:00:01 e1000e
nic 1 e1b 52:54:00:0e:00:02 e1000e
nic 2 vta 52:54:00:0f:00:01 virtio-net-pci
nic 2 vtb 52:54:00:0f:00:02 virtio-net-pci

# QEMU's exit status goes to qemu.exit for ktap-summary: a guest that hangs
# after its last result (or never powers off) must not pass.
rc=0
timeout --foreground -k 10 "$limit" qemu-system-x86_64 \
	-machine q35 -accel "tcg,thread=${OOB_TCG_THREAD:-single}" \
	${OOB_QEMU_ICOUNT:+-icount "$OOB_QEMU_ICOUNT"} \
	-cpu max -smp "${OOB_SMP:-2}" -m 1G \
	-nodefaults -no-reboot -display none -monitor none \
	-kernel "${OOB_KERNEL:-$build/kbuild/arch/x86/boot/bzImage}" \
	-initrd "${OOB_INITRAMFS:-$build/initramfs.cpio}" \
	-append "$cmdline" \
	-chardev "stdio,id=con,logfile=$run/console.log,signal=off" -serial chardev:con \
	-chardev "file,id=res,path=$run/results.ktap" -serial chardev:res \
	"${nics[@]}" \
	< /dev/null || rc=$?
echo "$rc" > "$run/qemu.exit"
exit "$rc"
