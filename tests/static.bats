#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The static binary (make static): no interpreter, no shared library, and the
# system's CA certificates found where each family of Linux keeps them.

load helper

setup() {
	common_setup
	[ -n "${NITRO_STATIC:-}" ] || skip "not the static build (NITRO_BIN=\$PWD/nitro-token-static)"
}

@test "static: no program interpreter and no shared library" {
	run readelf -l "$NT"
	[[ "$output" != *INTERP* ]]
	run readelf -d "$NT"
	[[ "$output" != *NEEDED* ]]
	run "$NT" --version
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == libcurl/*mbedTLS/3.6.* ]]
}

# in_empty_root CAPATH: a root holding only the binary and the test CA at
# CAPATH, where a run fetches a token over TLS from the fake server
in_empty_root() {
	[ "$(id -u)" = 0 ] || skip "chroot needs root"
	local root="$BATS_TEST_TMPDIR/root"
	rm -rf "$root"
	mkdir -p "$root$(dirname "$1")" "$root/home"
	cp "$NT" "$root/nitro-token"
	cp "$SRV/ca.pem" "$root$1"
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/home NITRO_CACHE=no NITRO_CLIENT_SECRET="$SECRET" chroot "$root" /nitro-token \
		-v --client-id "$ID" --base-url "https://127.0.0.1:$PORT" --retries 0
}

@test "static, empty root: the CA bundle of Debian, Ubuntu and Alpine" {
	start_server --tls
	in_empty_root /etc/ssl/certs/ca-certificates.crt
	[ "$status" -eq 0 ]
	[[ "$output" == *"nitro-token: CA certificates: /etc/ssl/certs/ca-certificates.crt"* ]]
	[ "${lines[${#lines[@]} - 1]}" = test-token-1 ]
	assert_one_good_request
}

@test "static, empty root: the CA bundle of Fedora and RHEL" {
	start_server --tls
	in_empty_root /etc/pki/tls/certs/ca-bundle.crt
	[ "$status" -eq 0 ]
	[[ "$output" == *"nitro-token: CA certificates: /etc/pki/tls/certs/ca-bundle.crt"* ]]
	[ "${lines[${#lines[@]} - 1]}" = test-token-1 ]
}

@test "static, empty root: the CA bundle of openSUSE" {
	start_server --tls
	in_empty_root /etc/ssl/ca-bundle.pem
	[ "$status" -eq 0 ]
	[[ "$output" == *"nitro-token: CA certificates: /etc/ssl/ca-bundle.pem"* ]]
	[ "${lines[${#lines[@]} - 1]}" = test-token-1 ]
}

@test "static, empty root without any CA certificates: exit 4, nothing sent" {
	start_server --tls
	in_empty_root /nowhere/ca.pem
	[ "$status" -eq 4 ]
	[ "$(request_count)" = 0 ]
}

# relro_not_read_only MAPS: the lines of MAPS (a copy of /proc/PID/maps of
# $NT) in the RELRO range of $NT that are not read-only, or "uncovered" when
# the range is not wholly mapped; nothing when the range is read-only
relro_not_read_only() {
	local page base='' lo hi perms off dev inode path covered=0 rs re from to
	local -a relro
	page=$(getconf PAGESIZE)
	# GNU_RELRO Offset VirtAddr PhysAddr FileSiz MemSiz Flags Align
	read -ra relro < <(readelf -lW "$NT" | grep GNU_RELRO)
	while read -r lo perms off dev inode path; do
		[ "$path" = "$(readlink -f "$NT")" ] || continue
		hi=$((16#${lo#*-})) lo=$((16#${lo%-*}))
		if [ -z "$base" ] && [ "$off" = 00000000 ]; then
			base=$lo
			rs=$(((base + relro[2]) & ~(page - 1)))
			re=$(((base + relro[2] + relro[5]) & ~(page - 1)))
		fi
		[ -n "$base" ] && [ "$lo" -lt "$re" ] && [ "$hi" -gt "$rs" ] || continue
		[ "$perms" = r--p ] || echo "$lo-$hi $perms"
		from=$((lo > rs ? lo : rs)) to=$((hi < re ? hi : re))
		covered=$((covered + to - from))
	done <"$1"
	[ -n "$base" ] && [ "$covered" -eq $((re - rs)) ] || echo uncovered
}

@test "static: the RELRO range (GOT, .data.rel.ro) is read-only while it runs" {
	[ "$(readelf -lW "$NT" | grep -c GNU_RELRO)" = 1 ]
	start_server
	respond '{"status":200,"body":{"access_token":"relro-token"},"delay":1}'
	NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE" --retries 0 \
		>"$BATS_TEST_TMPDIR/out" &
	local pid=$! i
	for i in $(seq 150); do
		[ "$(request_count)" = 1 ] && break
		sleep 0.02
	done
	cp "/proc/$pid/maps" "$BATS_TEST_TMPDIR/maps"
	wait "$pid"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = relro-token ]
	assert_one_good_request
	run relro_not_read_only "$BATS_TEST_TMPDIR/maps"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

# nogetrandom ERRNO: a TLS fetch by $NT with getrandom() failing with ERRNO
nogetrandom() {
	[ -x "$ROOT/tests/nogetrandom" ] || skip "tests/nogetrandom not built (make tests/nogetrandom)"
	start_server --tls
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$ROOT/tests/nogetrandom" "$1" \
		"$NT" --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[ "$stderr" = "" ]
	assert_one_good_request
}

@test "static: getrandom() missing (ENOSYS, old kernels): TLS takes /dev/urandom" {
	nogetrandom ENOSYS
}

@test "static: getrandom() refused (EPERM, seccomp): TLS takes /dev/urandom" {
	nogetrandom EPERM
}

