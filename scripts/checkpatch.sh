#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict on every commit of the series as the tree step built
# it (so the new files each patch adds are checked with it).  Fails on any
# error, warning or check.  FILE_PATH_CHANGES ("does MAINTAINERS need
# updating?") is ignored: the series' MAINTAINERS entry comes in a patch of
# its own, not with each new file.
#
# The companion's sources (oobnet/) are checked as files, with the same
# strictness.
#
# Usage: checkpatch.sh <repo-top> <build-dir>
set -euo pipefail

top=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tree=$build/linux
out=$build/checkpatch
rm -rf "$out"
mkdir -p "$out"

git -C "$tree" format-patch -q -o "$out" pristine..oob
n=0
bad=0
for p in "$out"/*.patch; do
	[ -e "$p" ] || break
	n=$((n + 1))
	if ! (cd "$tree" && ./scripts/checkpatch.pl --strict --quiet --no-tree \
		--ignore FILE_PATH_CHANGES "$p") > "$p.log" 2>&1; then
		bad=$((bad + 1))
		echo "checkpatch: $(basename "$p"):"
		sed 's/^/  /' "$p.log"
	fi
done
echo "checkpatch: $n patches, $bad with findings"

files=0
for f in "$top"/oobnet/*.[ch] "$top"/oobnet/include/uapi/*.h; do
	files=$((files + 1))
	if ! (cd "$tree" && ./scripts/checkpatch.pl --strict --quiet --no-tree \
		-f "$f") > "$out/$(basename "$f").log" 2>&1; then
		bad=$((bad + 1))
		echo "checkpatch: oobnet/$(basename "$f"):"
		sed 's/^/  /' "$out/$(basename "$f").log"
	fi
done
echo "checkpatch: $files companion sources checked"
[ "$bad" -eq 0 ]
