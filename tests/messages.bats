#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Messages that the other files only run past, asserted whole: a client ID or
# secret that is not UTF-8, a message longer than msg.c's buffers (its exact
# length and marker), and the structs handed back on error paths (through
# tests/unit, a driver linked with the program's own objects).

load helper

setup() {
	common_setup
	UNIT="$ROOT/tests/unit"
	[ -x "$UNIT" ] || skip "make check builds tests/unit"
}

@test "a client ID that is not UTF-8: exit 3, the message, nothing sent" {
	start_server
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id $'client-\xff'
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "nitro-token: client ID or secret is not valid UTF-8" ]
	[ "$(request_count)" = 0 ]
}

@test "a client secret that is not UTF-8, from a file: exit 3, the message, nothing sent" {
	start_server
	printf 's3cr3t-\xc3(\n' >"$BATS_TEST_TMPDIR/secret"
	run --separate-stderr nt --client-secret-file "$BATS_TEST_TMPDIR/secret"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "nitro-token: client ID or secret is not valid UTF-8" ]
	[ "$(request_count)" = 0 ]
}

# line_is EXPECTED: the one line the driver wrote to stderr is EXPECTED
line_is() {
	[ "$status" -eq 0 ] && [ -z "$output" ] ||
		{ echo "status $status, stdout '$output'"; return 1; }
	[ "$stderr" = "$1" ] || { echo "got ${#stderr} bytes: $stderr"; return 1; }
}

@test "a long message is cut to 959 bytes after the name, the last three '...'" {
	local a956
	a956=$(printf 'a%.0s' $(seq 956))
	# 956 letters fit; 957 are cut to 956 and the marker
	run --separate-stderr "$UNIT" long 955
	line_is "nitro-token: ${a956%a}"
	run --separate-stderr "$UNIT" long 956
	line_is "nitro-token: $a956"
	run --separate-stderr "$UNIT" long 957
	line_is "nitro-token: $a956..."
	run --separate-stderr "$UNIT" long 5000
	line_is "nitro-token: $a956..."
}

@test "a message longer than 2047 bytes is cut with '...' there, before a password is redacted" {
	local x
	# http://u:PASSWORD@h/ is 1512 bytes, so 532 of the x's fit before the cut at 2044
	x=$(printf 'x%.0s' $(seq 532))
	run --separate-stderr "$UNIT" redacted 1500 1000
	line_is "nitro-token: http://[redacted]@h/$x..."
	# 2047 bytes are whole; 2048 are cut
	x=$(printf 'x%.0s' $(seq 535))
	run --separate-stderr "$UNIT" redacted 1500 535
	line_is "nitro-token: http://[redacted]@h/$x"
	x=$(printf 'x%.0s' $(seq 532))
	run --separate-stderr "$UNIT" redacted 1500 536
	line_is "nitro-token: http://[redacted]@h/$x..."
}

@test "the structs handed back on error paths are initialised: http_post, token_parse, token_parse_error" {
	run "$UNIT" structs
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 8 ]
}
