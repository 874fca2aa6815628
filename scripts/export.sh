#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exports the series (existing-file changes and new files together, one
# commit per patch) as a git-am-able set with a cover letter, then proves it:
# applied with `git am` to the pristine tree it must give the tree the build
# used, byte for byte.
#
# Usage: export.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tree=$build/linux
out=$build/export
pkgver=$(cat "$build/linux.pkgver")

rm -rf "$out"
mkdir -p "$out"
n=$(git -C "$tree" rev-list --count pristine..oob)
if [ "$n" -eq 0 ]; then
	echo "export: the series is empty"
	exit 0
fi
git -C "$tree" format-patch -q --cover-letter -o "$out" pristine..oob
cover=$(ls "$out"/0000-cover-letter.patch)
sed -i -e "s/\*\*\* SUBJECT HERE \*\*\*/Dovetail out-of-band networking hooks/" \
       -e "/\*\*\* BLURB HERE \*\*\*/{
r $top/patches/cover-letter.txt
d
}" "$cover"
sed -i "s/@PKGVER@/$pkgver/" "$cover"

check=$build/export-check
git -C "$tree" worktree remove --force "$check" 2>/dev/null || rm -rf "$check"
git -C "$tree" worktree prune
git -C "$tree" worktree add -q --detach "$check" pristine
trap 'git -C "$tree" worktree remove --force "$check" 2>/dev/null || true' EXIT
git -C "$check" -c user.name=oobnet -c user.email=oobnet@localhost \
	am -q --empty=keep $(ls "$out"/*.patch | grep -v 0000-cover-letter)
if ! git -C "$check" diff --quiet oob; then
	git -C "$check" diff --stat oob >&2
	echo "export: the exported series does not rebuild the tested tree" >&2
	exit 1
fi
echo "export: $n patches + cover letter in $out, applies to pristine linux-source-6.12 $pkgver"
