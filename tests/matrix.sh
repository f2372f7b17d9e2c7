#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make matrix: build and test nitro-token as a new user of each Debian
# release would.  Debian 12 (bookworm) starts from nothing: a bare tree made
# by debootstrap (no make, no git), where the README's Quick start block runs
# as pasted, in order, as root, up to a fetched token (make demo) and a green
# make check; the one change is the clone's URL, made a bare clone of this
# repository's HEAD.  Every other release, a minimal tree with make and
# ca-certificates added, gets a copy of the tracked files and runs "make deps
# && make" and "make check" inside chroot.  Prints one TAP line per release
# ("ok 1 bookworm: ...") and exits 1 when any failed.
#
# tests/matrix.sh --deps (make deps-check) tries the set-up instead: in a
# fresh Debian 12 tree, "make deps" then "make deps-qa", each timed, each
# quiet (a screen of output at most), then the QA gates' tools are there;
# one TAP line each.
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
	return "$rc"
}

# quickstart: the README's Quick start block, the clone's URL replaced
quickstart() {
	awk '/^## Quick start/ { q = 1 } q && /^```sh/ { b = 1; next } b && /^```/ { exit } b' \
		"$SRC/README.md" | sed 's|git clone [^ ]*|git clone /srv/nitro-token.git|'
}

# run_quickstart SUITE: the Quick start, pasted in order into a bare tree's
# root shell (which stops at the first command that fails), then the checks
# that it got where it says: make demo's token from the fake server, and
# make check's TAP lines with none failed
run_quickstart() {
	local s=$1 r log="$DIR/$1.log" rc cmds
	cmds=$(quickstart)
	case $cmds in
	*"git clone /srv/nitro-token.git"*"make deps"*"make check"*) ;;
	*)
		echo "the README's Quick start block is not clone, make deps, make check:" >"$log"
		echo "$cmds" >>"$log"
		return 1
		;;
	esac
	r=$(fresh "$s" "$s.run" bare) || return 1
	mkdir -p "$r/srv"
	git clone -q --bare "$SRC" "$r/srv/nitro-token.git" || {
		unmount_all "$r"
		return 1
	}
	in_tree "$r" "set -e; cd /root; $cmds" >"$log" 2>&1
	rc=$?
	unmount_all "$r"
	[ "$rc" -eq 0 ] || return "$rc"
	grep -q '^requests the server received: 1 ' "$log" || {
		echo "matrix: make demo did not fetch its token" >>"$log"
		return 1
	}
}

# the QA gates' commands that make deps-qa must have installed
QA_TOOLS="clang clang-format shellcheck valgrind lintian debootstrap musl-gcc aarch64-linux-gnu-gcc
	qemu-aarch64-static buildah podman runc pass gpg dpkg-buildpackage cmake m4 git"

# installed TREE: how many packages TREE has
installed() {
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	chroot "$1" dpkg-query -W -f '${Status}\n' | grep -c ' installed$'
}

# step TREE TARGET BEFORE N: make TARGET in TREE, timed; fails when make does,
# or when it says more than a screen (24 lines)
step() {
	local t0 n rc=0 log="$DIR/deps.$2.log"
	t0=$(date +%s)
	in_tree "$1" "cd /src && make $2" >"$log" 2>&1 || rc=1
	n=$(wc -l <"$log")
	if [ "$rc" -eq 0 ] && [ "$n" -le 24 ]; then
		echo "ok $4 make $2: $(($(installed "$1") - $3)) packages in $(($(date +%s) - t0)) s, $n lines of output"
	else
		echo "not ok $4 make $2: $(($(date +%s) - t0)) s, $n lines of output; the log is $log"
		return 1
	fi
}

# deps: make deps, then make deps-qa, in a fresh bookworm
deps() {
	local r n0 n1 missing c
	base bookworm || die "cannot make the tree (see $DIR/bookworm.debootstrap.log)"
	trap 'unmount_all "$DIR/deps.run"' EXIT
	r=$(fresh bookworm deps.run) || die "cannot prepare $DIR/deps.run"
	mkdir -p "$r/src"
	(cd "$SRC" && git ls-files -z | tar --null -T - -cf -) | tar -C "$r/src" -xf - || return 1
	echo 1..3
	n0=$(installed "$r")
	step "$r" deps "$n0" 1 || return 1
	n1=$(installed "$r")
	step "$r" deps-qa "$n1" 2 || return 1
	for c in $QA_TOOLS; do
		in_tree "$r" "command -v $c" >/dev/null || missing="${missing:-} $c"
	done
	if [ -n "${missing:-}" ]; then
		echo "not ok 3 the QA tools are there: not installed:$missing"
		return 1
	fi
	echo "ok 3 the QA tools are there: $(echo "$QA_TOOLS" | wc -w) commands"
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "needs debootstrap (make deps installs it)"
mkdir -p "$DIR"
if [ "${1:-}" = --deps ]; then
	deps
	exit
fi
trap 'for s in $SUITES; do unmount_all "$DIR/$s.run"; done' EXIT

# tree SUITE and try SUITE: Debian 12 starts bare and runs the Quick start;
# the others start from the base and run deps, build and check
tree() {
	if [ "$1" = bookworm ]; then bare "$1"; else base "$1"; fi
}
try() {
	if [ "$1" = bookworm ]; then run_quickstart "$1"; else run "$1"; fi
}

failed=0 i=0
echo "1..$(echo "$SUITES" | wc -w)"
for s in $SUITES; do
	start=$(date +%s)
	i=$((i + 1))
	if ! tree "$s"; then
		echo "not ok $i $s: cannot make the tree (see $DIR/$s.debootstrap.log)"
		failed=1
		continue
	fi
	if try "$s"; then
		echo "ok $i $s: $(grep -c '^ok ' "$DIR/$s.log") tests passed, $(grep -c '^not ok ' "$DIR/$s.log") failed ($(($(date +%s) - start)) s)"
	else
		echo "not ok $i $s: $(($(date +%s) - start)) s; the log is $DIR/$s.log:"
		grep -E '^not ok|^E: |^make: \*\*\*' "$DIR/$s.log" | head -20 | sed 's/^/  /'
		failed=1
	fi
done
exit $failed
