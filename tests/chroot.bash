# SPDX-License-Identifier: MIT
# Fresh Debian trees for make matrix, make deps-check and make deb-check:
# made by debootstrap (the bare tree), then with only make and ca-certificates
# added (the base), both kept pristine under $MATRIX_DIR
# (default /var/tmp/nitro-token-matrix), and copied for each run.  Sourced,
# not run.  Needs root.
#
# /proc, /dev and /sys are mounted into a run's tree.  Nothing is ever
# deleted while anything is still mounted below it: rm -rf through a
# bind-mounted /dev would delete this machine's device nodes.

DIR=${MATRIX_DIR:-/var/tmp/nitro-token-matrix}
# the machine's own Debian mirror, or $DEBIAN_MIRROR (packaging/mirror.sh)
MIRROR_SH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/packaging/mirror.sh"

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
		echo "refusing to delete $1: still mounted: $(mounts_below "$1" | tr '\n' ' ')" >&2
		return 1
	fi
	rm -rf --one-file-system "$1"
}

# bare SUITE: what debootstrap makes and nothing more (no make, no git, no
# CA bundle: a bare image), made once.  An installed system has /etc/hosts,
# which debootstrap leaves to the installer.  The machine's own added CA
# certificates (/usr/local/share/ca-certificates) go in too, so that
# registries behind a TLS-inspecting proxy are trusted there as here once
# ca-certificates is installed.
bare() {
	local b="$DIR/$1.bare" mirror
	[ -e "$b/.nitro-matrix-ok" ] && return 0
	mkdir -p "$DIR"
	safe_rm "$b" || return 1
	mirror=$("$MIRROR_SH") || return 1
	debootstrap --variant=minbase "$1" "$b" "$mirror" >"$DIR/$1.debootstrap.log" 2>&1 || return 1
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$b/etc/hosts"
	if [ -d /usr/local/share/ca-certificates ]; then
		mkdir -p "$b/usr/local/share/ca-certificates" &&
			cp -r /usr/local/share/ca-certificates/. "$b/usr/local/share/ca-certificates/" || return 1
	fi
	chroot "$b" apt-get clean
	touch "$b/.nitro-matrix-ok"
}

# base SUITE: the bare tree with make and ca-certificates added, made once
base() {
	local b="$DIR/$1.base"
	[ -e "$b/.nitro-matrix-ok" ] && return 0
	bare "$1" || return 1
	safe_rm "$b" || return 1
	cp -a "$DIR/$1.bare" "$b" && rm -f "$b/.nitro-matrix-ok" || return 1
	chroot "$b" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends make ca-certificates && apt-get clean' \
		>>"$DIR/$1.debootstrap.log" 2>&1 || return 1
	touch "$b/.nitro-matrix-ok"
}

# fresh SUITE RUN [bare]: a copy of the base (or of the bare tree) at
# $DIR/RUN, with /proc, /dev, /sys and the suite's package cache mounted;
# prints the tree's path
fresh() {
	local r="$DIR/$2" from="$DIR/$1.${3:-base}"
	safe_rm "$r" || return 1
	cp -a "$from" "$r" || return 1
	mkdir -p "$DIR/$1.apt-cache" "$r/var/cache/apt/archives"
	cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
	if ! { mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
		mount --make-rslave "$r/dev" && mount -t sysfs sysfs "$r/sys" &&
		mount --bind "$DIR/$1.apt-cache" "$r/var/cache/apt/archives"; }; then
		unmount_all "$r"
		return 1
	fi
	echo "$r"
}

# in_tree TREE COMMAND: run a shell command in TREE with a clean environment
in_tree() {
	chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -c "$2"
}
