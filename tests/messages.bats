#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Messages asserted whole. Those the other files only run past: a client ID
# or secret that is not UTF-8, a message longer than msg.c's buffers (its
# exact length and marker), and the structs handed back on error paths
# (through tests/unit, a driver linked with the program's own objects). And
# those that say what to check: the URL of a failed request, where the
# credentials and the base URL came from, the CA options, the attempts, the
# date of an expired token, the nearest name of a mistyped config key.

load helper

setup() {
	common_setup
	UNIT="$ROOT/tests/unit"
}

# need_unit: the driver, which make check builds
need_unit() {
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
	need_unit
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

@test "a password in a URL is redacted wherever the word it stands in ends" {
	local c e
	for c in ' ' $'\t' "'" '"' '<' '>' '(' ')' ','; do
		# a tab is shown escaped, as every control character is
		e=$c && [ "$c" != $'\t' ] || e='\x09'
		run --separate-stderr "$UNIT" say "proxy${c}u:pw-secret@h${c}then http://v:pw2@h2/x"
		[ "$status" -eq 0 ]
		[ "$stderr" = "nitro-token: proxy${e}[redacted]@h${e}then http://[redacted]@h2/x" ] ||
			{ echo "after '$c': $stderr"; return 1; }
	done
}

@test "a message's bytes below 0x20, 0x7f and above are shown as \\xNN, a backslash doubled, the rest as they are" {
	need_unit
	run --separate-stderr "$UNIT" say $'a\x01b\x1f c~\x7fd\x80e\xff\\f'
	[ "$status" -eq 0 ]
	[ "$stderr" = 'nitro-token: a\x01b\x1f c~\x7fd\x80e\xff\\f' ]
}

@test "a message longer than 2047 bytes is cut with '...' there, before a password is redacted" {
	need_unit
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
	need_unit
	run "$UNIT" structs
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok ' <<<"$output")" -eq 8 ]
}

UNAUTHORIZED='{"status":401,"body":{"error":"invalid_client","error_description":"Client authentication failed"}}'

@test "401: the URL, the server's words, and where the ID and the secret came from" {
	start_server
	respond "$UNAUTHORIZED"
	run --separate-stderr nts
	[ "$status" -eq 6 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 401 invalid_client: Client authentication failed
nitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)" ]
	[ "$(request_count)" = 1 ]
	[ "$(request 1 .contract)" = ok ]
}

@test "403 with the credentials in the config file: its path and lines, never the secret or its file" {
	start_server
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	write_config "[default]
base-url = $BASE
client-id = $ID
client-secret-file = $BATS_TEST_TMPDIR/secret"
	respond '{"status":403,"body":{"error":"access_denied"}}'
	run --separate-stderr "$NT"
	[ "$status" -eq 6 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 403 access_denied
nitro-token: check the client ID (from $(CONF_DIR)/config:3: client-id) and secret (from $(CONF_DIR)/config:4: client-secret-file)" ]
	[[ "$stderr" != *"$SECRET"* && "$stderr" != *"$BATS_TEST_TMPDIR/secret"* ]]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "401 with the secret from a command named in a variable, the ID from the environment" {
	start_server
	respond "$UNAUTHORIZED"
	run --separate-stderr env NITRO_CLIENT_ID="$ID" NITRO_CLIENT_SECRET_COMMAND="echo $SECRET" "$NT" --base-url "$BASE"
	[ "$status" -eq 6 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 401 invalid_client: Client authentication failed
nitro-token: check the client ID (from NITRO_CLIENT_ID) and secret (from NITRO_CLIENT_SECRET_COMMAND)" ]
	[ "$(request_count)" = 1 ]
}

@test "404: check the base URL, named with its source" {
	start_server
	respond '{"status":404,"raw":"not here","headers":{"Content-Type":"text/plain"}}'
	run --separate-stderr nts --retries 0
	[ "$status" -eq 5 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 404: unexpected answer (content type text/plain)
nitro-token: check the base URL '$BASE' (from --base-url)" ]
	write_config "[default]
base-url = $BASE/"
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID"
	[ "$status" -eq 5 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 404: unexpected answer (content type text/plain)
nitro-token: check the base URL '$BASE/' (from $(CONF_DIR)/config:2: base-url)" ]
	[ "$(request_count)" = 2 ]
}

@test "a web page where the token was expected, 200 or 403: check the base URL" {
	start_server
	respond '{"status":200,"raw":"<html>sign in</html>","headers":{"Content-Type":"text/html; charset=utf-8"}}'
	run --separate-stderr env NITRO_BASE_URL="$BASE" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: invalid response from $BASE/oauth/token: response is not JSON
nitro-token: check the base URL '$BASE' (from NITRO_BASE_URL)" ]
	respond '{"status":403,"raw":"<html>forbidden</html>","headers":{"Content-Type":"text/html"}}'
	run --separate-stderr nts
	[ "$status" -eq 6 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 403: unexpected answer (content type text/html)
nitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)
nitro-token: check the base URL '$BASE' (from --base-url)" ]
}

@test "a server error as a web page is no reason to doubt the base URL" {
	start_server
	respond '{"status":502,"raw":"<html>bad gateway</html>","headers":{"Content-Type":"text/html"}}'
	run --separate-stderr nts --retries 0
	[ "$status" -eq 7 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 502: unexpected answer (content type text/html)" ]
}

@test "a failure after retries says how many attempts were made" {
	start_server
	respond '{"close":true}'
	run --separate-stderr nts --retries 2
	[ "$status" -eq 4 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token after 3 attempts: Empty reply from server" ]
	[ "$(request_count)" = 3 ]
	respond '{"status":503,"body":{"error":"temporarily_unavailable"}}'
	run --separate-stderr nts --retries 1
	[ "$status" -eq 7 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token after 2 attempts: 503 temporarily_unavailable" ]
	[ "$(request_count)" = 5 ]
	run --separate-stderr nts --retries 0
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 503 temporarily_unavailable" ]
}

@test "an untrusted certificate: the libcurl words, then --cacert and NITRO_CACERT" {
	start_server --tls
	run --separate-stderr nts --retries 0
	[ "$status" -eq 4 ]
	if [ -n "${NITRO_STATIC:-}" ]; then
		[ "$stderr" = "nitro-token: POST $BASE/oauth/token: mbedTLS: The certificate is not correctly signed by the trusted CA\\x0a (a CA of your own is trusted with --cacert or NITRO_CACERT)" ]
	else
		[ "$stderr" = "nitro-token: POST $BASE/oauth/token: SSL certificate problem: unable to get local issuer certificate (a CA of your own is trusted with --cacert or NITRO_CACERT)" ]
	fi
	[ "$(request_count)" = 0 ]
	run --separate-stderr env NITRO_CACERT="$SRV/ca.pem" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
}

# jwt PAYLOAD: an unsigned JWT with that payload
jwt() {
	local b64
	b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
	printf '%s.%s.c2ln' "$(printf '{"alg":"HS256","typ":"JWT"}' | b64)" "$(printf '%s' "$1" | b64)"
}

@test "an expired JWT: its exp as a UTC date, beside this machine's clock" {
	start_server
	local before after t
	t=$(jwt '{"exp":1700000000}')
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\",\"expiresIn\":3600}}"
	before=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
	run --separate-stderr nts
	after=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: invalid response from $BASE/oauth/token: token expired at 2023-11-14 22:13:20 UTC by its JWT exp (the clock here says $before)" ] ||
		[ "$stderr" = "nitro-token: invalid response from $BASE/oauth/token: token expired at 2023-11-14 22:13:20 UTC by its JWT exp (the clock here says $after)" ]
}

@test "a mistyped config key: FILE:LINE and the nearest key; none offered when none is near" {
	start_server
	write_config "[default]
client_id = $ID"
	run --separate-stderr nts
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: $(CONF_DIR)/config:2: unknown key 'client_id'; did you mean 'client-id'?" ]
	write_config "[ci]
clientsecret-file = /dev/null"
	run --separate-stderr nts
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: $(CONF_DIR)/config:2: unknown key 'clientsecret-file'; did you mean 'client-secret-file'?" ]
	write_config "[default]
retry = 3"
	run --separate-stderr nts
	[ "$stderr" = "nitro-token: $(CONF_DIR)/config:2: unknown key 'retry'; did you mean 'retries'?" ]
	write_config "[default]
verbose = yes"
	run --separate-stderr nts
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: $(CONF_DIR)/config:2: unknown key 'verbose'" ]
	[ "$(request_count)" = 0 ]
}
