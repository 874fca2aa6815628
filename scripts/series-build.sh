#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that every patch of the series builds on its own: checks out each
# commit pristine..oob in turn in a worktree of its own and builds it,
# incrementally, with the test config; the C files the patch touches are
# rebuilt with W=1 and must not warn.  Slow (each patch that
# touches a widely included header rebuilds most of the tree), so it is
# not part of `make check`: run it before changing the series.
#
# Usage: series-build.sh <repo-top> <build-dir>
set -euo pipefail

build=$(cd "$2" && pwd)
tree=$build/linux
wt=$build/series-tree
obj=$build/series-kbuild
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
jobs=${JOBS:-$(nproc)}

[ -f "$build/kbuild/.config" ] || { echo "series-build: run make kernel first" >&2; exit 1; }
if [ ! -d "$wt" ]; then
	git -C "$tree" worktree add -q --detach "$wt" pristine
fi
mkdir -p "$obj"
n=0
for c in $(git -C "$tree" rev-list --reverse pristine..oob); do
	n=$((n + 1))
	subject=$(git -C "$tree" log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	cp "$build/kbuild/.config" "$obj/.config"
	log=$obj/build-$n.log
	start=$(date +%s)
	if ! make -C "$wt" O="$obj" ARCH=x86_64 CC="ccache gcc" -j"$jobs" \
		olddefconfig bzImage > "$log" 2>&1; then
		grep -E -B2 -A6 'error|Error' "$log" | tail -40 >&2
		echo "series-build: patch $n ($subject) does not build (log: $log)" >&2
		exit 1
	fi
	objs=()
	for f in $(git -C "$tree" diff-tree --no-commit-id -r --name-only "$c" -- '*.c'); do
		[ -e "$obj/${f%.c}.o" ] && objs+=("${f%.c}.o")
	done
	warnings=0
	if [ ${#objs[@]} -gt 0 ]; then
		make -C "$wt" O="$obj" ARCH=x86_64 CC="ccache gcc" W=1 -j"$jobs" \
			"${objs[@]}" >> "$log" 2>&1 || { echo "series-build: W=1 build failed" >&2; exit 1; }
		warnings=$(grep -c 'warning:' "$log" || true)
	fi
	echo "series-build: patch $n builds in $(( $(date +%s) - start ))s, $warnings warnings: $subject"
	[ "$warnings" -eq 0 ] || { grep -A3 'warning:' "$log" >&2; exit 1; }
done
echo "series-build: all $n patches build on their own"
