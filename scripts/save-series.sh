#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The other direction of the tree step, for working on the series: takes the
# commits pristine..HEAD of the build tree and writes them back to the repo,
# changes to existing files as patches/NNNN-*.patch and the files each commit
# adds at their kernel paths, with patches/series naming both.
#
#   cd build/linux && <edit, commit, rebase -i ...> && cd - && scripts/save-series.sh . build
#
# Usage: save-series.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tree=$build/linux

keep_header=$(sed -n '/^#/p' "$top/patches/series")
rm -f "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch
{
	echo "$keep_header"
	n=0
	for c in $(git -C "$tree" rev-list --reverse pristine..HEAD); do
		n=$((n + 1))
		added=$(git -C "$tree" diff-tree --no-commit-id -r --diff-filter=A --name-only "$c" | tr '\n' ' ')
		excl=()
		for f in $added; do
			excl+=(":(exclude)$f")
			mkdir -p "$top/$(dirname "$f")"
			git -C "$tree" show "$c:$f" > "$top/$f"
		done
		name=$(git -C "$tree" format-patch -1 --no-signature --zero-commit --start-number "$n" \
		       -o "$top/patches" "$c" -- . "${excl[@]}")
		echo "$(basename "$name") $added" | sed 's/ *$//'
	done
} > "$top/patches/series.new"
mv "$top/patches/series.new" "$top/patches/series"
echo "save-series: $(grep -vc '^#' "$top/patches/series") patches written to patches/"
