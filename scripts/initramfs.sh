#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest's initramfs: busybox-static, the init and demo scripts, the C++
# harness programs, the upstream selftests, oobnet.ko and iproute2's ip with
# the libraries it links.  Packed by the kernel's own gen_initramfs.sh, so no
# root is needed for /dev/console.
#
# Usage: initramfs.sh <repo-top> <build-dir>
# Environment (scripts/cost.sh): OOB_MODULE, the oobnet.ko to pack (default
# <build-dir>/oobnet/oobnet.ko), and OOB_INITRAMFS, the output (default
# <build-dir>/initramfs.cpio).
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
out=${OOB_INITRAMFS:-$build/initramfs.cpio}
stage=${out%.cpio}.d
module=${OOB_MODULE:-$build/oobnet/oobnet.ko}
selftests=$top/tools/testing/selftests/net/oob

die() { echo "initramfs: $*" >&2; exit 1; }

rm -rf "$stage"
mkdir -p "$stage"/{bin,etc/oob,lib/modules,proc,sys,dev,run,tmp,root} \
	 "$stage"/usr/{lib/kselftest/net,share/oob}

install -m 0755 /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
file -L "$stage/bin/busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || die "/bin/busybox is not static (busybox-static)"
install -m 0755 "$top/qemu/guest/init" "$stage/init"
install -m 0644 "$top/qemu/guest/demo.sh" "$stage/usr/share/oob/demo.sh"
install -m 0644 "$top/qemu/guest/cost.sh" "$stage/usr/share/oob/cost.sh"
install -m 0644 "$top/qemu/guest/bench.sh" "$stage/usr/share/oob/bench.sh"
install -m 0644 "$selftests/tests.plan" "$stage/etc/oob/tests.plan"
for p in oob-runner oob-topo oob-udp-bench oob-sock-check oob-raw-check oob-udp-check \
	 oob-e1000e-check oob-bench oob-fuzz oob-fault-check oob-ctl-check oob-rt-check \
	 oob-soak; do
	install -m 0755 "$build/harness/$p" "$stage/bin/$p"
done
install -m 0644 "$module" "$stage/lib/modules/oobnet.ko"
install -m 0755 "$build"/upstream/* "$stage/usr/lib/kselftest/net/"
install -m 0755 "$selftests"/*.sh "$stage/usr/lib/kselftest/net/"

# iproute2's ip travels with its shared libraries and the dynamic loader.
# It goes to /usr/sbin: busybox's shell runs its own applets first for bare
# names, so scripts that want iproute2 (ip netns, ip -n) call it by path.
ip=$(command -v ip) || die "ip (iproute2) missing"
mkdir -p "$stage/usr/sbin"
install -m 0755 "$(readlink -f "$ip")" "$stage/usr/sbin/ip"
for lib in $(ldd "$ip" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	mkdir -p "$stage$(dirname "$lib")"
	install -m 0755 "$(readlink -f "$lib")" "$stage$lib"
done
mkdir -p "$stage/etc/iproute2" "$stage/var/run"

spec=${out%.cpio}.spec
cat > "$spec" <<SPEC
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
SPEC
(cd "$build/kbuild" && "$build/linux/usr/gen_initramfs.sh" -o "$out.tmp" \
	-u squash -g squash "$stage" "$spec")
mv "$out.tmp" "$out"
echo "initramfs: $(du -h "$out" | cut -f1) ($(find "$stage" -type f | wc -l) files)"
