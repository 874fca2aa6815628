#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian packages the build, the guest and the tests need, when
# any is missing (root, Debian bookworm).  Quiet when all are there.
set -euo pipefail

pkgs=(
	# kernel source and build
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	dwarves cpio xz-utils kmod rsync ccache python3 perl
	# guest: emulator, static busybox, iproute2 for the demo and debugging
	qemu-system-x86 busybox-static iproute2
	# C++ harness
	cmake g++ libgtest-dev clang-format clang-tidy
	# upstream selftests, statically linked
	libcap-dev libnuma-dev
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
