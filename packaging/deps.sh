#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make deps and make deps-qa, on Debian and Ubuntu.
#
#   deps.sh        what building and "make check" need
#   deps.sh --qa   the quality gates' tools besides: clang and its sanitizer
#                  and fuzzer runtime, valgrind, the linters, the static and
#                  cross builds (musl, aarch64, qemu), the package and image
#                  tools, debootstrap, pass and gnupg
#
# Quiet: apt's and dpkg's output goes to a log, and one line says what was
# done; on a failure the end of the log is shown.  What differs between
# releases is decided here: clang's sanitizer and fuzzer runtime is its own
# package from clang 14 on, and a bats older than 1.5 (Debian 11's 1.2) is
# replaced by bats-core $BATS_NPM from the npm registry.
set -euo pipefail

BATS_NPM=1.11.1
BUILD="build-essential pkg-config ca-certificates libcurl4 libcurl4-openssl-dev libjansson-dev
	libinih-dev nettle-dev python3 curl jq openssl mandoc time zsh fish"
QA="clang clang-format shellcheck valgrind git debootstrap musl-tools m4 cmake dpkg-dev
	debhelper lintian pass gnupg buildah podman runc qemu-user-static binfmt-support
	gcc-aarch64-linux-gnu musl-dev:arm64 strace"

qa=
case ${1:-} in
--qa) qa=1 ;;
'') ;;
*)
	echo "usage: deps.sh [--qa]" >&2
	exit 2
	;;
esac

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
log=${TMPDIR:-/tmp}/nitro-token-deps.log
: >"$log"
start=$(date +%s)

say() { echo "deps: $*"; }

# run COMMAND...: into the log; on failure, its end on stderr
run() {
	if ! "$@" >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		say "failed: $* (the log is $log)" >&2
		exit 1
	fi
}

apt_get() {
	run $sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 \
		-o DPkg::Lock::Timeout=300 "$@"
}

# new PACKAGE...: how many of them are not installed yet
new() {
	local n=0 p
	for p in "$@"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q ' installed$' || n=$((n + 1))
	done
	echo "$n"
}

# shellcheck disable=SC2086 # the lists are words
set -- $BUILD
if [ -n "$qa" ]; then
	# the aarch64 musl headers and libraries are arm64 packages
	if [ "$(dpkg --print-architecture)" != arm64 ] &&
		! dpkg --print-foreign-architectures | grep -qx arm64; then
		run $sudo dpkg --add-architecture arm64
	fi
	# shellcheck disable=SC2086
	set -- "$@" $QA
fi
apt_get update
todo=$(new "$@")
apt_get install --no-install-recommends "$@"

if [ -n "$qa" ]; then
	rt=libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev
	if apt-cache show "$rt" >/dev/null 2>&1; then
		todo=$((todo + $(new "$rt")))
		apt_get install --no-install-recommends "$rt"
	fi
fi

bats=$(apt-cache policy bats | sed -n 's/ *Candidate: \([0-9.]*\).*/\1/p')
if [ "$(printf '%s\n' 1.5 "$bats" | sort -V | head -1)" = 1.5 ]; then
	todo=$((todo + $(new bats)))
	apt_get install --no-install-recommends bats
elif ! bats --version 2>/dev/null | grep -q "^Bats $BATS_NPM\$"; then
	todo=$((todo + $(new npm) + 1))
	apt_get install --no-install-recommends npm
	run $sudo npm install -g --no-audit --no-fund --cafile /etc/ssl/certs/ca-certificates.crt \
		"bats@$BATS_NPM"
	run $sudo ln -sf "$(npm root -g)/bats/bin/bats" /usr/local/bin/bats
fi

say "${qa:+qa: }$todo of $# named packages were missing; installed with what they need in $(($(date +%s) - start)) s (the log is $log)"
