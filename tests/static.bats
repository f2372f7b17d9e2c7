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
