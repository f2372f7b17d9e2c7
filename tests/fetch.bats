#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The token request and the server's answers: what is sent, what is
# accepted, and the exit status of every kind of failure.

load helper

@test "sends exactly the request of the API contract" {
	start_server
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
	[ "$(request 1 .method)" = POST ]
	[ "$(request 1 .path)" = /oauth/token ]
	[ "$(request 1 '.headers["content-type"]')" = application/json ]
	[ "$(request 1 '.headers.accept')" = application/json ]
	[ "$(request 1 '.headers["user-agent"]')" = "nitro-token/$("$NT" --version | head -1 | cut -d' ' -f2)" ]
	[ "$(request 1 '.headers.authorization')" = null ]
	[ "$(request 1 '.body | fromjson | keys | join(",")')" = clientID,clientSecret ]
}

@test "a base URL with a path and trailing slash is joined cleanly" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	run "$NT" --base-url "$BASE/" --client-id "$ID" --client-secret-file <(echo "$SECRET")
	[ "$status" -eq 0 ]
	[ "$(request 1 .path)" = /oauth/token ]
}

@test "accepts the camelCase AuthTokenResponse shape" {
	start_server
	respond '{"status":200,"body":{"accessToken":"camel.Tok-1","tokenType":"Bearer","expiresIn":86400}}'
	run nts --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .access_token <<<"$output")" = camel.Tok-1 ]
	[ "$(jq -r .expires_in <<<"$output")" = 86400 ]
}

@test "accepts the RFC 6749 OAuth2TokenResponse shape" {
	start_server
	respond '{"status":200,"body":{"access_token":"snake_Tok~2==","token_type":"Bearer","expires_in":60}}'
	run nts --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .access_token <<<"$output")" = 'snake_Tok~2==' ]
	[ "$(jq -r .expires_in <<<"$output")" = 60 ]
}

@test "ignores unknown fields and accepts both spellings when they agree" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1","accessToken":"t1","scope":"x","extra":{"a":[1]}}}'
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = t1 ]
}

@test "both spellings with different values is ambiguous: exit 8" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1","accessToken":"t2"}}'
	run nts
	[ "$status" -eq 8 ]
	[ "$output" = "nitro-token: invalid response from $BASE/oauth/token: ambiguous response: \"accessToken\" and \"access_token\" differ" ]
}

@test "a duplicated key in the response is refused: exit 8" {
	start_server
	respond '{"status":200,"raw":"{\"access_token\":\"a\",\"access_token\":\"b\"}"}'
	run nts
	[ "$status" -eq 8 ]
	[[ "$output" == *"response is not JSON" ]]
}

@test "builds the body with JSON escaping for any character in the credentials" {
	start_server
	local id='id "quoted" \back'
	local secret=$'s\'e"c\\r$(et)`x` é\t€'
	run env NITRO_CLIENT_SECRET="$secret" "$NT" --base-url "$BASE" --client-id "$id"
	[ "$status" -eq 0 ]
	[ "$(request 1 .contract)" = ok ]
	[ "$(request 1 '.body | fromjson | .clientID')" = "$id" ]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$secret" ]
}

@test "missing client ID: exit 3, says how to give it, sends nothing" {
	start_server
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: no client ID: use --client-id, NITRO_CLIENT_ID or client-id in the config file" ]
	[ "$(request_count)" = 0 ]
}

@test "missing client secret: exit 3, says how to give it, sends nothing" {
	start_server
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: no client secret: use --client-secret-file, --client-secret-command, NITRO_CLIENT_SECRET_FILE, NITRO_CLIENT_SECRET, or client-secret-file in the config file" ]
	[ "$(request_count)" = 0 ]
}

@test "credentials and base URL from the environment" {
	start_server
	run env NITRO_BASE_URL="$BASE" NITRO_CLIENT_ID="$ID" NITRO_CLIENT_SECRET="$SECRET" "$NT"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
}

@test "a flag beats its environment variable" {
	start_server
	run env NITRO_BASE_URL=http://127.0.0.1:1 NITRO_CLIENT_ID=env-id \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

# what each answer that is not a token means: the answer (fake_server.py's
# JSON), --retries, the exit status, stderr; each makes exactly one request
# (4xx, 3xx and 2xx are never retried; 5xx and 429 are, so they get 0);
# @BASE@ is the server's base URL, \n a line break, \047 a quote
STATUS_TABLE='{"status":400,"body":{"error":"invalid_request","error_description":"clientID is malformed","error_uri":"https://docs.example/e"}}|2|5|nitro-token: POST @BASE@/oauth/token: 400 invalid_request: clientID is malformed see https://docs.example/e
{"status":401,"body":{"error":"invalid_client","error_description":"Client authentication failed"}}|2|6|nitro-token: POST @BASE@/oauth/token: 401 invalid_client: Client authentication failed\nnitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)
{"status":403,"body":{"error":"access_denied"}}|2|6|nitro-token: POST @BASE@/oauth/token: 403 access_denied\nnitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)
{"status":404,"raw":"not here","headers":{"Content-Type":"text/plain"}}|2|5|nitro-token: POST @BASE@/oauth/token: 404: unexpected answer (content type text/plain)\nnitro-token: check the base URL \047@BASE@\047 (from --base-url)
{"status":500,"body":{"error":"server_error","error_description":"boom"}}|0|7|nitro-token: POST @BASE@/oauth/token: 500 server_error: boom
{"status":502,"raw":"<html>bad gateway</html>","headers":{"Content-Type":"text/html"}}|0|7|nitro-token: POST @BASE@/oauth/token: 502: unexpected answer (content type text/html)
{"status":429,"body":{"error":"slow_down"}}|0|7|nitro-token: POST @BASE@/oauth/token: 429 slow_down
{"status":307,"headers":{"Location":"http://127.0.0.1:1/steal"},"raw":""}|2|8|nitro-token: POST @BASE@/oauth/token: 307: the server redirected; redirects are never followed
{"status":204,"raw":""}|2|8|nitro-token: POST @BASE@/oauth/token: 204: unexpected answer (content type none)'

@test "every answer that is not a token: its exit status, the server's words, one request" {
	start_server
	local answer retries want message before rows=0
	while IFS='|' read -r answer retries want message; do
		respond "$answer"
		before=$(request_count)
		run nts --retries "$retries"
		[ "$status" -eq "$want" ] || { echo "$answer: exit $status"; return 1; }
		message=$(printf '%b' "${message//@BASE@/$BASE}")
		[ "$output" = "$message" ] || { echo "$answer: $output"; return 1; }
		[ "$(request_count)" = $((before + 1)) ]
		rows=$((rows + 1))
	done <<<"$STATUS_TABLE"
	[ "$rows" = 9 ]
}

@test "connection refused: exit 4" {
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url http://127.0.0.1:1 --client-id "$ID" --retries 0
	[ "$status" -eq 4 ]
	[[ "$output" == "nitro-token: POST http://127.0.0.1:1/oauth/token: Failed to connect to 127.0.0.1 port 1"* ]]
}

@test "a failed write to stdout: exit 1" {
	start_server
	run sh -c 'NITRO_CLIENT_SECRET="$1" "$2" --base-url "$3" --client-id x >/dev/full' sh "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 1 ]
	[ "$output" = "nitro-token: write error on standard output: No space left on device" ]
}

@test "lifetime: missing, zero, negative, fractional or a string is unknown; token still printed" {
	start_server
	local e
	for e in null 0 -5 1.5 '"3600"'; do
		respond "{\"status\":200,\"body\":{\"access_token\":\"t-$RANDOM\",\"expires_in\":$e}}"
		run nts --json
		[ "$status" -eq 0 ]
		[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
		run nts --export
		[ "$status" -eq 0 ]
		[ "${lines[2]}" = "unset NITRO_TOKEN_EXPIRES_AT" ]
		[ "${#lines[@]}" -eq 3 ]
	done
}

@test "an expiresIn too large for any integer or double is an unknown lifetime, not a refusal" {
	start_server
	local e
	for e in 1e309 -1e309 18446744073709551616 99999999999999999999999999; do
		# raw: the fake server's own JSON would turn 1e309 into Infinity
		respond "$(jq -cn --arg b "{\"accessToken\":\"t\",\"expiresIn\":$e,\"other\":[$e,1]}" '{status:200, headers:{"Content-Type":"application/json"}, raw:$b}')"
		run nts --json
		[ "$status" -eq 0 ]
		[ "$output" = '{"access_token":"t","token_type":"Bearer","cached":false}' ]
	done
	respond '{"status":200,"raw":"{\"accessToken\":\"t\",\"expiresIn\":1e309"}'
	run nts
	[ "$status" -eq 8 ]
	[ "$output" = "nitro-token: invalid response from $BASE/oauth/token: response is not JSON" ]
}

@test "numbers too large for jansson: 64 in one answer are read as 0, one more is refused" {
	start_server
	local big64 big65
	big64=$(printf '1e999,%.0s' $(seq 63))1e999
	big65=$big64,1e999
	respond "$(jq -cn --arg b "{\"accessToken\":\"t\",\"other\":[$big64]}" '{status:200, headers:{"Content-Type":"application/json"}, raw:$b}')"
	run --separate-stderr nts
	[ "$status" -eq 0 ]
	[ "$output" = t ]
	[ "$stderr" = "" ]
	respond "$(jq -cn --arg b "{\"accessToken\":\"t\",\"other\":[$big65]}" '{status:200, headers:{"Content-Type":"application/json"}, raw:$b}')"
	run --separate-stderr nts
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: invalid response from $BASE/oauth/token: response is not JSON" ]
}

@test "expires_at counts from when the request was sent" {
	start_server
	respond '{"status":200,"body":{"access_token":"t","expires_in":100}, "delay": 1.2}'
	local before after
	before=$(date +%s)
	run nts --json
	after=$(date +%s)
	[ "$status" -eq 0 ]
	local at
	at=$(jq .expires_at <<<"$output")
	[ "$at" -ge $((before + 100)) ]
	[ "$at" -le $((after - 1 + 100)) ]
	[ "$(jq .expires_in <<<"$output")" = 100 ]
}

@test "token type defaults to Bearer and is kept as the server says" {
	start_server
	respond '{"status":200,"body":{"access_token":"t"}}'
	run nts -f header
	[ "$output" = "Authorization: Bearer t" ]
	respond '{"status":200,"body":{"access_token":"t","token_type":"DPoP"}}'
	run nts -f header
	[ "$output" = "Authorization: DPoP t" ]
}

@test "a token type outside RFC 6749's grammar: exit 8, nothing printed, nothing run" {
	start_server
	local t
	for t in '"Bear er"' '"Bearer\n"' '"Bearer$(touch x)"' '"a+b"' '"a/b"' '"B=="' '"Bearer;"'; do
		respond "{\"status\":200,\"body\":{\"access_token\":\"t\",\"token_type\":$t}}"
		run --separate-stderr nts -f dotenv
		[ "$status" -eq 8 ]
		[ "$output" = "" ]
		[ "$stderr" = "nitro-token: invalid response from $BASE/oauth/token: token type is not an RFC 6749 token type (letters, digits, '-', '.', '_')" ]
	done
	for t in '""' "\"$(printf 'a%.0s' $(seq 65))\""; do
		respond "{\"status\":200,\"body\":{\"access_token\":\"t\",\"token_type\":$t}}"
		run nts -f header
		[ "$status" -eq 8 ]
		[ "$output" = "nitro-token: invalid response from $BASE/oauth/token: token type is empty or longer than 64 bytes" ]
	done
	respond '{"status":200,"body":{"access_token":"t","token_type":5}}'
	run nts
	[ "$status" -eq 8 ]
	[ ! -e x ]
	respond "{\"status\":200,\"body\":{\"access_token\":\"t\",\"token_type\":\"N_A-1.x$(printf 'a%.0s' $(seq 57))\"}}"
	run nts -f header
	[ "$status" -eq 0 ]
	[ "$output" = "Authorization: N_A-1.x$(printf 'a%.0s' $(seq 57)) t" ]
}

@test "bodies that are not a token object: exit 8, nothing on stdout" {
	start_server
	local b
	for b in '"<html><body>hi</body></html>"' '"{}"' '"{\"access_token\":123}"' '"[]"' \
		'"{\"access_token\":\"abc\""' '""' '"null"'; do
		respond "{\"status\":200,\"raw\":$b}"
		run --separate-stderr nts
		[ "$status" -eq 8 ]
		[ "$output" = "" ]
		[[ "$stderr" == "nitro-token: invalid response from $BASE/oauth/token: "* ]]
	done
}

@test "hostile tokens are refused with exit 8 and nothing they hold ever runs" {
	start_server
	local marker="$BATS_TEST_TMPDIR/ran" t
	local big
	big=$(head -c 20000 /dev/zero | tr '\0' a)
	for t in "a'b" "\$(touch $marker)" "\`touch $marker\`" "a b" 'a\nb' 'a\u0000b' 'tökén' '' "$big" "a=b" "=="; do
		respond "$(jq -cn --arg t "$t" '{status:200, body:{access_token:$t}}' | sed 's/\\\\n/\\n/; s/\\\\u0000/\\u0000/')"
		run --separate-stderr nts --export
		[ "$status" -eq 8 ]
		[ "$output" = "" ]
		eval "$output"
		[ ! -e "$marker" ]
	done
}

@test "a token of exactly 16 KiB is accepted, one byte more is not" {
	start_server
	local t
	t=$(head -c 16384 /dev/zero | tr '\0' A)
	respond_token "$t"
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = "$t" ]
	respond_token "${t}A"
	run nts
	[ "$status" -eq 8 ]
	[ "$output" = "nitro-token: invalid response from $BASE/oauth/token: access token is longer than 16384 bytes" ]
}

# jwt PAYLOAD: an unsigned-looking JWT carrying PAYLOAD (base64url, no padding)
jwt() {
	local b64
	b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
	printf '%s.%s.c2ln' "$(printf '{"alg":"HS256","typ":"JWT"}' | b64)" "$(printf '%s' "$1" | b64)"
}

@test "a JWT's exp gives the lifetime when the answer has none, and the token is cached" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"sub\":\"x\",\"exp\":$((now + 900))}")
	respond "{\"status\":200,\"body\":{\"access_token\":\"$t\"}}"
	run env NITRO_CACHE=yes NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .expires_at <<<"$output")" = $((now + 900)) ] || [ "$(jq -r .expires_at <<<"$output")" = $((now + 901)) ]
	[ "$(jq -r .expires_in <<<"$output")" -ge 898 ]
	run env NITRO_CACHE=yes NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --json
	[ "$(jq -r .cached <<<"$output")" = true ]
	[ "$(request_count)" = 1 ]
}

@test "a JWT's exp and expiresIn: the earlier expiry wins, either way" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"exp\":$((now + 600))}")
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\",\"expiresIn\":3600}}"
	run nts --json
	[ "$(jq -r .expires_at <<<"$output")" -le $((now + 601)) ]
	[ "$(jq -r .expires_at <<<"$output")" -ge $((now + 599)) ]
	t=$(jwt "{\"exp\":$((now + 7200))}")
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\",\"expiresIn\":60}}"
	run nts --json
	[ "$(jq -r .expires_in <<<"$output")" = 60 ]
}

@test "a JWT whose exp has passed: exit 8, nothing printed; a non-numeric exp is ignored" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"exp\":$((now - 30))}")
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\",\"expiresIn\":3600}}"
	run --separate-stderr nts
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[[ "$stderr" == "nitro-token: invalid response from $BASE/oauth/token: token expired at $(date -u -d @$((now - 30)) '+%F %T') UTC by its JWT exp (the clock here says "*" UTC)" ]]
	# the earliest exp there is, one second into 1970; 0 and below are no exp
	t=$(jwt '{"exp":1}')
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\",\"expiresIn\":3600}}"
	run --separate-stderr nts
	[ "$status" -eq 8 ]
	[[ "$stderr" == "nitro-token: invalid response from $BASE/oauth/token: token expired at 1970-01-01 00:00:01 UTC by its JWT exp (the clock here says "*" UTC)" ]]
	t=$(jwt '{"exp":0}')
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\"}}"
	run nts --json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
	t=$(jwt '{"exp":"tomorrow"}')
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\"}}"
	run nts --json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
	# three dots, or a payload that is not base64url JSON: not a JWT, no lifetime
	respond '{"status":200,"body":{"accessToken":"a.b.c.d"}}'
	run nts --json
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
	respond '{"status":200,"body":{"accessToken":"aaa.bbbb.ccc"}}'
	run nts --json
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
}

@test "a JWT with a claim too big for any number still gives its exp, and the token is cached" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"iat\":123456789012345678901234567890,\"exp\":$((now + 900)),\"n\":1e400}")
	respond "{\"status\":200,\"body\":{\"access_token\":\"$t\"}}"
	run --separate-stderr env NITRO_CACHE=yes NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(jq -r .expires_at <<<"$output")" -ge $((now + 900)) ]
	[ "$(jq -r .expires_at <<<"$output")" -le $((now + 901)) ]
	run env NITRO_CACHE=yes NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --json
	[ "$(jq -r .cached <<<"$output")" = true ]
	[ "$(request_count)" = 1 ]
}

@test "an expired JWT with a huge claim beside its exp: exit 8, nothing printed" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"exp\":$((now - 30)),\"big\":-1e999}")
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\"}}"
	run --separate-stderr nts
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[[ "$stderr" == "nitro-token: invalid response from $BASE/oauth/token: token expired at $(date -u -d @$((now - 30)) '+%F %T') UTC by its JWT exp (the clock here says "*" UTC)" ]]
	[ "$(request_count)" = 1 ]
}

@test "a JWT whose exp itself is too big for any number has no lifetime" {
	start_server
	local t
	t=$(jwt '{"exp":1e400}')
	respond "{\"status\":200,\"body\":{\"accessToken\":\"$t\"}}"
	run --separate-stderr nts --json
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","token_type"]' ]
}
