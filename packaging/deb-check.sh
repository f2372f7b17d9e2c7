#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make deb-check: the package on a fresh Debian 12, as a new user meets it.
# "apt-get install ./nitro-token_*.deb" must pull in libcurl4 and the rest;
# then --version names libcurl, the man page opens, a token is fetched from
# the fake server (run here, on loopback), and "apt-get remove" leaves none
# of the package's files behind.  One line per check; exit 1 if any failed.
# Needs root.
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/chroot.bash
. "$SRC/tests/chroot.bash"

deb=${1:?usage: deb-check.sh PACKAGE.deb}
[ "$(id -u)" -eq 0 ] || { echo "deb-check: needs root" >&2; exit 2; }
failed=0
check() {
	local name=$1
	shift
	if "$@" >>"$DIR/deb-check.log" 2>&1; then
		echo "deb-check: ok: $name"
	else
		echo "deb-check: FAILED: $name (see $DIR/deb-check.log)"
		failed=1
	fi
}

base bookworm || { echo "deb-check: FAILED to make the tree" >&2; exit 1; }
: >"$DIR/deb-check.log"
r=$(fresh bookworm deb-check.run) || exit 1
trap 'unmount_all "$r"; [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null' EXIT
cp "$deb" "$r/tmp/nitro-token.deb"

work=$(mktemp -d)
python3 "$SRC/tests/fake_server.py" --port-file "$work/port" --log "$work/log" \
	--responses "$work/responses" &
srv=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done

check "apt-get install ./nitro-token.deb, dependencies included" in_tree "$r" \
	'apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/nitro-token.deb man-db'
check "libcurl4 came with it" in_tree "$r" 'dpkg -s libcurl4 | grep -q "^Status: install ok installed"'
check "nitro-token --version names libcurl" in_tree "$r" 'nitro-token --version | grep -q "^libcurl/"'
check "man nitro-token opens" in_tree "$r" \
	'man -P cat nitro-token 2>/dev/null | grep -q "get a Nitro Sign API access token"'
check "a token is fetched from the fake server" in_tree "$r" \
	"[ \"\$(NITRO_CACHE=no NITRO_CLIENT_SECRET=s NITRO_CLIENT_ID=id \
		nitro-token --base-url http://127.0.0.1:$(cat "$work/port"))\" = test-token-1 ]"
in_tree "$r" 'dpkg -L nitro-token' | while read -r f; do [ -d "$r$f" ] || echo "$f"; done \
	>"$work/files"
check "the package has its files" test -s "$work/files"
check "apt-get remove" in_tree "$r" 'apt-get remove -y -qq nitro-token'
# none_left TREE LIST: no path of LIST exists in TREE
# shellcheck disable=SC2317 # called through check
none_left() {
	local f
	while read -r f; do
		if [ -e "$1$f" ]; then
			echo "left behind: $f"
			return 1
		fi
	done <"$2"
}
check "nothing of the package is left" none_left "$r" "$work/files"
rm -rf "$work"
exit $failed
