#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel build: allnoconfig plus the fragments in qemu/config/, built out
# of tree in <build>/kbuild with ccache.  The merged .config replaces the old
# one only when it differs, so an unchanged tree and config rebuild nothing.
#
# Usage: kernel.sh <repo-top> <build-dir>
# Environment (scripts/cost.sh builds its kernels with it): OOB_KSRC, the
# source tree (default <build-dir>/linux); OOB_KOBJ, the build directory
# (default <build-dir>/kbuild); OOB_KFRAGS, the fragments (default
# "base net oob test").
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tree=${OOB_KSRC:-$build/linux}
kbuild=${OOB_KOBJ:-$build/kbuild}
read -r -a frags <<< "${OOB_KFRAGS:-base net oob test}"
jobs=${JOBS:-$(nproc)}
log=$kbuild.log
kconfig=$kbuild.kconfig

die() { echo "kernel: $*" >&2; exit 1; }

# make check built it a moment ago: its no-op make costs 20 s a phase.
if [ "${OOB_KERNEL_BUILT:-}" = 1 ] && [ -z "${OOB_KOBJ:-}" ]; then
	exit 0
fi

export ARCH=x86_64
mkdir -p "$kbuild" "$kconfig"
cd "$tree"
args=()
for f in "${frags[@]}"; do args+=("$top/qemu/config/$f.config"); done
scripts/kconfig/merge_config.sh -n -O "$kconfig" "${args[@]}" \
	> "$kconfig/merge.log" 2>&1 || { cat "$kconfig/merge.log"; die "merge_config failed"; }
# merge_config only warns when a requested value did not stick: refuse that.
if grep -q -e '^Value requested for' -e '^Actual value' "$kconfig/merge.log"; then
	grep -A3 '^Value requested for' "$kconfig/merge.log" >&2
	die "a config fragment asks for something Kconfig refused (see above)"
fi
if ! cmp -s "$kconfig/.config" "$kbuild/.config"; then
	echo "kernel: config changed"
	cp "$kconfig/.config" "$kbuild/.config"
fi

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the repository: a fresh clone elsewhere (CI) hits the
# cache that earlier builds filled.
export CCACHE_BASEDIR=$top
start=$(date +%s)
if ! make O="$kbuild" CC="ccache gcc" -j"$jobs" bzImage modules headers_install \
	> "$log" 2>&1; then
	grep -E -B2 -A6 'error|Error' "$log" | tail -60 >&2
	die "build failed (full log: $log)"
fi
echo "kernel: $(make -s O="$kbuild" kernelrelease) built in $(( $(date +%s) - start ))s" \
     "($(grep -c -E '^\s+(CC|LD|AR)' "$log" || true) steps)"
