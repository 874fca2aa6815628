#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tree step: Debian's linux-source-6.12 unpacked into a git tree, with a
# pristine baseline commit, then patches/series applied on top, one commit per
# patch.  A series line names the patch and the new upstream files (kept at
# their kernel paths in this repository) that belong to it:
#
#   0001-net-add-foo.patch  include/linux/foo.h net/core/foo.c
#
# The patched result is built in a scratch worktree and then checked out in
# the build tree, so git rewrites only the files that really differ and an
# unchanged series costs no rebuild.
#
# Usage: tree.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(mkdir -p "$2" && cd "$2" && pwd)
tree=$build/linux
tarball=/usr/src/linux-source-6.12.tar.xz
pinned=$(cat "$top/scripts/linux-version")

die() { echo "tree: $*" >&2; exit 1; }

[ -r "$tarball" ] || die "$tarball missing (apt-get install linux-source-6.12)"
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
if [ "$pkgver" != "$pinned" ]; then
	echo "tree: NOTE: linux-source-6.12 is $pkgver, tested with $pinned" \
	     "(scripts/linux-version); the series must apply or fail loudly"
fi

git_t() { git -C "$tree" -c user.name=oobnet -c user.email=oobnet@localhost "$@"; }

# 1. Pristine baseline, once per package version.
if [ "$(cat "$build/linux.pkgver" 2>/dev/null)" != "$pkgver" ]; then
	# Series work lives as commits in build/linux until save-series.sh
	# writes it back: a new package must not delete it.
	if [ -d "$tree/.git" ]; then
		unsaved=$(git_t for-each-ref --format='%(refname:short)' refs/heads |
			  grep -v -x -e oob -e baseline || true)
		if [ -n "$unsaved" ] || ! git_t diff --quiet oob HEAD 2>/dev/null; then
			die "build/linux holds work not in patches/ (branches: ${unsaved:-none};" \
			    "HEAD vs oob) and linux-source-6.12 changed to $pkgver: save it" \
			    "with scripts/save-series.sh or move build/linux aside"
		fi
	fi
	echo "tree: unpacking linux-source-6.12 $pkgver"
	rm -rf "$tree" "$build/linux.pkgver" "$build/linux.series"
	mkdir -p "$tree"
	tar -xJf "$tarball" -C "$tree" --strip-components=1
	git_t init -q -b baseline
	git_t add -A -f .
	git_t commit -q -m "baseline: Debian linux-source-6.12 $pkgver"
	git_t tag -f pristine >/dev/null
	echo "$pkgver" > "$build/linux.pkgver"
fi

# 2. The series: fingerprint of the series file, the patches and new files.
series=$top/patches/series
fingerprint() {
	(cd "$top" && cat patches/series &&
	 awk '!/^#/ && NF { for (i = 1; i <= NF; i++) print (i == 1 ? "patches/" : "") $i }' patches/series |
	 xargs -r sha256sum) | sha256sum | cut -d' ' -f1
}
want=$(fingerprint)
if [ "$(cat "$build/linux.series" 2>/dev/null)" = "$want" ] &&
   [ -z "$(git_t status --porcelain --untracked-files=no)" ]; then
	echo "tree: up to date ($(git_t rev-parse --short HEAD), $(git_t rev-list --count pristine..HEAD) patches)"
	# Work in progress in the build tree is built as it is, but say so.
	git_t diff --quiet oob HEAD ||
		echo "tree: NOTE: build/linux is not patches/series (scripts/save-series.sh writes it back)"
	exit 0
fi

scratch=$build/linux-apply
git_t worktree remove --force "$scratch" 2>/dev/null || rm -rf "$scratch"
git_t worktree prune
git_t worktree add -q --detach "$scratch" pristine
trap 'git_t worktree remove --force "$scratch" 2>/dev/null || true' EXIT

n=0
while read -r patch files; do
	case "$patch" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	[ -f "$top/patches/$patch" ] || die "series names missing patch $patch"
	if ! git -C "$scratch" -c user.name=oobnet -c user.email=oobnet@localhost \
	     am -q --empty=keep --whitespace=nowarn "$top/patches/$patch"; then
		git -C "$scratch" am --abort 2>/dev/null || true
		die "patch $patch does not apply to linux-source-6.12 $pkgver"
	fi
	if [ -n "$files" ]; then
		for f in $files; do
			[ -f "$top/$f" ] || die "$patch: new file $f missing"
			[ ! -e "$scratch/$f" ] ||
				die "$patch: $f already exists in the tree; change it in a patch"
			mkdir -p "$scratch/$(dirname "$f")"
			cp "$top/$f" "$scratch/$f"
			git -C "$scratch" add -f "$f"
		done
		git -C "$scratch" -c user.name=oobnet -c user.email=oobnet@localhost \
			commit -q --amend --no-edit
	fi
done < "$series"

# Every new upstream file in the repository must belong to a patch.
listed=$(awk '!/^#/ && NF { for (i = 2; i <= NF; i++) print $i }' "$series" | sort)
present=$(cd "$top" && git ls-files include net kernel drivers Documentation 2>/dev/null | sort)
stray=$(comm -13 <(echo "$listed") <(echo "$present") | sed '/^$/d')
[ -z "$stray" ] || die "new files not named by any series line: $stray"

result=$(git -C "$scratch" rev-parse HEAD)
git_t checkout -q --detach "$result"
git_t branch -f oob "$result"
echo "$want" > "$build/linux.series"
echo "tree: linux-source-6.12 $pkgver + $n patches at $(git_t rev-parse --short HEAD)"
