#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series must link from modules, as distribution kernels build NIC
# drivers: against the check kernel's symbol table, build as modules
# e1000e (oob-capable), virtio-net (a stock driver using the TX lock
# inlines) and a module that calls every TX lock inline of netdevice.h.
# modpost fails on any symbol the core uses in an inline but does not
# export.  Compile and link only; nothing is loaded.
#
# Usage: modcheck.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tree=$build/linux
kbuild=$build/kbuild
out=$build/modcheck

die() { echo "modcheck: $*" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"/{e1000e,virtio_net,txlock}
cp "$tree"/drivers/net/ethernet/intel/e1000e/* "$out/e1000e/"
cp "$tree/drivers/net/virtio_net.c" "$out/virtio_net/"
echo 'obj-m += virtio_net.o' > "$out/virtio_net/Kbuild"
cp "$top"/tools/testing/selftests/net/oob/modcheck/* "$out/txlock/"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
for m in e1000e virtio_net txlock; do
	make -s -C "$kbuild" M="$out/$m" CC="ccache gcc" \
		CONFIG_E1000E=m CONFIG_E1000E_OOB=y modules > "$out/$m.log" 2>&1 ||
		{ cat "$out/$m.log" >&2; die "$m does not build as a module"; }
	if grep -q 'warning:' "$out/$m.log"; then
		cat "$out/$m.log" >&2
		die "$m: warnings"
	fi
done
echo "modcheck: e1000e, virtio_net and the TX lock inlines link as modules"
