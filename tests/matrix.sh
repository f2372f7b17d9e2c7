#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make matrix: build and test nitro-token as a new user of each Debian
# release would.  For each release, a minimal tree made by debootstrap, with
# only make and ca-certificates added, gets a copy of the tracked files and
# runs the README's "make deps && make" and "make check" inside chroot.
# Prints one line per release and exits 1 when any failed.
#
# The machine's own added CA certificates (/usr/local/share/ca-certificates)
# are added to each tree, so that registries behind a TLS-inspecting proxy
# are trusted there as they are here.
#
# The pristine trees and the downloaded packages are kept under $MATRIX_DIR
# (default /var/tmp/nitro-token-matrix) for the next run on this machine;
# each run starts from a fresh copy of the pristine tree.  Needs root.
#
# /proc, /dev and /sys are mounted into a tree while it runs.  Nothing is
# ever deleted while anything is still mounted below it: rm -rf through a
# bind-mounted /dev would delete this machine's device nodes.
set -u

SUITES=${MATRIX_SUITES:-bullseye bookworm trixie}
DIR=${MATRIX_DIR:-/var/tmp/nitro-token-matrix}
MIRROR=${MATRIX_MIRROR:-http://deb.debian.org/debian}
SRC=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "matrix: $*" >&2
	exit 2
}

# mounts_below DIR: the mount points at or under DIR, deepest first
mounts_below() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

unmount_all() {
	local m
	for m in $(mounts_below "$1"); do
		umount -l "$m" 2>/dev/null || umount -f "$m" 2>/dev/null || true
	done
}

# safe_rm DIR: unmount everything below DIR, then delete it, or refuse
safe_rm() {
	[ -e "$1" ] || return 0
	unmount_all "$1"
	if [ -n "$(mounts_below "$1")" ]; then
		echo "matrix: refusing to delete $1: still mounted: $(mounts_below "$1" | tr '\n' ' ')" >&2
		return 1
	fi
	rm -rf --one-file-system "$1"
}

# base SUITE: the pristine tree, made once
base() {
	local b="$DIR/$1.base"
	[ -e "$b/.nitro-matrix-ok" ] && return 0
	safe_rm "$b" || return 1
	debootstrap --variant=minbase "$1" "$b" "$MIRROR" >"$DIR/$1.debootstrap.log" 2>&1 || return 1
	chroot "$b" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends make ca-certificates && apt-get clean' \
		>>"$DIR/$1.debootstrap.log" 2>&1 || return 1
	# an installed system has these; debootstrap leaves them to the installer
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$b/etc/hosts"
	if [ -d /usr/local/share/ca-certificates ]; then
		cp -r /usr/local/share/ca-certificates/. "$b/usr/local/share/ca-certificates/" &&
			chroot "$b" update-ca-certificates >>"$DIR/$1.debootstrap.log" 2>&1 || return 1
	fi
	touch "$b/.nitro-matrix-ok"
}

# run SUITE: a fresh copy of the base, the sources, deps, build and check
run() {
	local s=$1 r="$DIR/$1.run" log="$DIR/$1.log"
	safe_rm "$r" || return 1
	cp -a "$DIR/$s.base" "$r" || return 1
	mkdir -p "$r/src" "$DIR/$s.apt-cache" "$r/var/cache/apt/archives"
	(cd "$SRC" && git ls-files -z | tar --null -T - -cf -) | tar -C "$r/src" -xf - || return 1
	cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
	if ! { mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
		mount --make-rslave "$r/dev" && mount -t sysfs sysfs "$r/sys" &&
		mount --bind "$DIR/$s.apt-cache" "$r/var/cache/apt/archives"; }; then
		unmount_all "$r"
		return 1
	fi
	chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb LANG=C.UTF-8 sh -c \
		'cd /src && make deps && make && make check BATS_FLAGS=--tap' >"$log" 2>&1
	local rc=$?
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
