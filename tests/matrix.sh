#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make matrix: build and test nitro-token as a new user of each Debian
# release would.  For each release, a minimal tree made by debootstrap, with
# only make and ca-certificates added, gets a copy of the tracked files and
# runs the README's "make deps && make" and "make check" inside chroot.
# Prints one line per release and exits 1 when any failed.
#
# The trees, and the rules for mounting into them and deleting them, are
# in tests/chroot.bash.  Needs root.
set -u

SUITES=${MATRIX_SUITES:-bullseye bookworm trixie}
SRC=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/chroot.bash
. "$SRC/tests/chroot.bash"

die() {
	echo "matrix: $*" >&2
	exit 2
}

# run SUITE: a fresh copy of the base, the sources, deps, build and check
run() {
	local s=$1 r log="$DIR/$1.log" rc
	r=$(fresh "$s" "$s.run") || return 1
	mkdir -p "$r/src"
	(cd "$SRC" && git ls-files -z | tar --null -T - -cf -) | tar -C "$r/src" -xf - || {
		unmount_all "$r"
		return 1
	}
	in_tree "$r" 'cd /src && make deps && make && make check BATS_FLAGS=--tap' >"$log" 2>&1
	rc=$?
	unmount_all "$r"
	return $rc
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "needs debootstrap (make deps installs it)"
mkdir -p "$DIR"
trap 'for s in $SUITES; do unmount_all "$DIR/$s.run"; done' EXIT

failed=0
for s in $SUITES; do
	start=$(date +%s)
	if ! base "$s"; then
		echo "$s: FAILED to make the tree (see $DIR/$s.debootstrap.log)"
		failed=1
		continue
	fi
	if run "$s"; then
		echo "$s: ok, $(grep -c '^ok ' "$DIR/$s.log") tests passed, $(grep -c '^not ok ' "$DIR/$s.log") failed ($(($(date +%s) - start)) s)"
	else
		echo "$s: FAILED ($(($(date +%s) - start)) s); the log is $DIR/$s.log:"
		grep -E '^not ok|^E: |^make: \*\*\*' "$DIR/$s.log" | head -20 | sed 's/^/  /'
		failed=1
	fi
done
exit $failed
