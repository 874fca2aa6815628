#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The build matrix: the patched tree compiled in the configurations the
# check kernel is not, so that an #else stub, a missing export or a
# PREEMPT_RT assumption cannot hide.  Compile only, with ccache:
#
#   modular      the lean config (base net oob) with e1000e, virtio-net,
#                8021q, packet, veth and dummy as modules: a full build,
#                modpost included, so every symbol a module needs is
#                exported
#   debian-off   Debian's own amd64 config, the series applied and
#                CONFIG_NET_OOB off (what a distribution kernel would be)
#   debian-oob   Debian's amd64 config with NET_OOB and E1000E_OOB on:
#                no PREEMPT_RT, drivers as modules
#   debian-rt    Debian's amd64 PREEMPT_RT config with the oob options
#   alpha        alpha's and parisc's defconfigs with NET_OOB, cross-compiled
#   parisc       (Debian's gcc-alpha-linux-gnu, gcc-hppa-linux-gnu): the
#                socket code and the uapi flags, where SOCK_NONBLOCK is not
#                O_NONBLOCK and SOCK_OOB must stay clear of it
#
# The Debian variants compile the objects of the directories the series
# touches and of their users (OOB_MATRIX_OBJS); a warning in the series'
# own code fails the variant.
#
# Usage: matrix.sh <repo-top> <build-dir> [VARIANT...]   (default: all)
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shift 2
tree=$build/linux
variants=${*:-modular debian-off debian-oob debian-rt alpha parisc}
jobs=${JOBS:-$(nproc)}
objs=${OOB_MATRIX_OBJS:-net/core/ net/socket.o net/packet/ net/ipv4/ net/8021q/ \
	kernel/softirq.o kernel/fork.o drivers/net/ethernet/intel/e1000e/ drivers/net/virtio_net.o}
debconf=/usr/src/linux-config-6.12

die() { echo "matrix: $*" >&2; exit 1; }

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$top

if [[ " $variants " == *" debian-"* ]] && [ ! -d "$debconf" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-config-6.12 > /dev/null ||
		die "cannot install linux-config-6.12 (Debian's kernel configs)"
fi

debian_config() { # flavour out oob(y|n)
	xz -dc "$debconf/config.amd64_$1_amd64.xz" > "$2/.config"
	local c=(scripts/config --file "$2/.config"
		 --set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
		 --disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_BTF --enable DEBUG_INFO_NONE)
	if [ "$3" = y ]; then
		c+=(--enable NET_OOB --enable E1000E_OOB)
	else
		c+=(--disable NET_OOB)
	fi
	(cd "$tree" && "${c[@]}")
}

cross_gcc() { # variant -> Debian's cross compiler package
	case $1 in alpha) echo gcc-alpha-linux-gnu ;; parisc) echo gcc-hppa-linux-gnu ;; esac
}
for v in $variants; do
	pkg=$(cross_gcc "$v")
	if [ -n "$pkg" ] && ! dpkg -s "$pkg" > /dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" > /dev/null ||
			die "cannot install $pkg"
	fi
done

for v in $variants; do
	out=$build/matrix/$v
	mkdir -p "$out"
	start=$(date +%s)
	arch=(ARCH=x86_64)
	case $v in
	modular)
		(cd "$tree" && scripts/kconfig/merge_config.sh -n -O "$out" \
			"$top"/qemu/config/{base,net,oob,modular}.config > "$out.merge.log" 2>&1) ||
			die "$v: merge_config failed (see $out.merge.log)"
		targets=(vmlinux modules)
		;;
	debian-off) debian_config none "$out" n; targets=($objs) ;;
	debian-oob) debian_config none "$out" y; targets=($objs) ;;
	debian-rt) debian_config rt "$out" y; targets=($objs) ;;
	alpha | parisc)
		[ "$v" = alpha ] && arch=(ARCH=alpha CROSS_COMPILE=alpha-linux-gnu-)
		[ "$v" = parisc ] && arch=(ARCH=parisc CROSS_COMPILE=hppa-linux-gnu-)
		make -s -C "$tree" O="$out" "${arch[@]}" defconfig > "$out.log" 2>&1 ||
			die "$v: defconfig failed"
		(cd "$tree" && scripts/config --file "$out/.config" --enable NET_OOB)
		targets=(net/socket.o net/core/oob.o net/core/oob_sock.o net/core/oob_dev.o)
		;;
	*) die "unknown variant $v" ;;
	esac
	make -s -C "$tree" O="$out" "${arch[@]}" olddefconfig > "$out.log" 2>&1 ||
		die "$v: olddefconfig failed"
	want=y
	[ "$v" = debian-off ] && want=n
	got=$(grep -q '^CONFIG_NET_OOB=y' "$out/.config" && echo y || echo n)
	[ "$got" = "$want" ] || die "$v: CONFIG_NET_OOB is $got, wanted $want"
	cc="ccache gcc"
	[ ${#arch[@]} = 1 ] || cc="ccache ${arch[1]#CROSS_COMPILE=}gcc"
	if ! make -C "$tree" O="$out" "${arch[@]}" CC="$cc" -j"$jobs" "${targets[@]}" \
		>> "$out.log" 2>&1; then
		grep -E -B2 -A6 'error|Error|undefined' "$out.log" | tail -60 >&2
		die "$v: build failed (full log: $out.log)"
	fi
	if grep -E 'warning:' "$out.log" | grep -E 'oob|net_oob|e1000e/' >&2; then
		die "$v: warnings in the series' code (full log: $out.log)"
	fi
	echo "matrix: $v builds ($(( $(date +%s) - start ))s)"
done
