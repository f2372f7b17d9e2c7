#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# nitro-token api: the request the server received, the answer on stdout or
# the one message on stderr, the exit statuses, renewal on 401, redirects,
# retries, pagination, streaming and progress.

load helper

setup() {
	common_setup
	start_server
	respond_token tok-1
}

# api ARGS...: the api command with the test credentials and the fake server
api() {
	NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" "$@"
}

# treq N FILTER: jq FILTER on the N-th request to a /t/ endpoint
treq() {
	sed -n "${1}p" "$SRV/log.t" | jq -r "$2"
}

tcount() {
	if [ -f "$SRV/log.t" ]; then wc -l <"$SRV/log.t" | tr -d ' '; else echo 0; fi
}

# tbody N: the exact bytes of the N-th request's body
tbody() {
	treq "$1" .body | base64 -d
}

@test "api GET PATH: the body on stdout, the token in Authorization, nothing on argv" {
	run --separate-stderr api /t/json
	[ "$status" -eq 0 ]
	[ "$output" = '{"hello": "world", "n": [1, 2, 3]}' ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 1 ]
	[ "$(tcount)" = 1 ]
	[ "$(treq 1 .method)" = GET ]
	[ "$(treq 1 .path)" = /t/json ]
	[ "$(treq 1 '.headers.authorization')" = "Bearer tok-1" ]
	[ "$(treq 1 '.headers.accept')" = "application/json" ]
	[ "$(treq 1 '.headers["content-type"]')" = null ]
	[ "$(tbody 1)" = "" ]
}

@test "api: a PATH without its slash, and a full URL on the base URL's origin" {
	run api t/echo
	[ "$status" -eq 0 ]
	[ "$(treq 1 .path)" = /t/echo ]
	run api "$BASE/t/echo?a=1"
	[ "$status" -eq 0 ]
	[ "$(treq 2 .query)" = a=1 ]
	[ "$(treq 2 '.headers.authorization')" = "Bearer tok-1" ]
}

@test "api: another origin, a user name in the URL or an Authorization header is refused before anything is sent" {
	run api "http://127.0.0.2:$PORT/t/echo"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: 'http://127.0.0.2:$PORT/t/echo': URL is not on the base URL's scheme, host and port" ]
	run api "http://127.0.0.1:1/t/echo"
	[ "$status" -eq 2 ]
	run api "https://127.0.0.1:$PORT/t/echo"
	[ "$status" -eq 2 ]
	run api "http://u:p@127.0.0.1:$PORT/t/echo"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: 'http://[redacted]@127.0.0.1:$PORT/t/echo': URL must not carry a user name or password" ]
	run api -H 'authorization: Bearer mine' /t/echo
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --header: Authorization is set from the token; it cannot be given" ]
	run api -H 'X-A: b'$'\r\n''X-B: c' /t/echo
	[ "$status" -eq 2 ]
	run api --data @"$BATS_TEST_TMPDIR/none" /t/echo
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --data: cannot read '$BATS_TEST_TMPDIR/none': No such file or directory" ]
	run api 'get' /t/echo
	[ "$status" -eq 2 ]
	[ "$(request_count)" = 0 ]
	[ "$(tcount)" = 0 ]
}

@test "api --data STRING: POST, application/json, the exact bytes" {
	run api --data '{"name": "é x"}' /t/echo
	[ "$status" -eq 0 ]
	[ "$output" = '{"method": "POST", "path": "/t/echo", "query": ""}' ]
	[ "$(treq 1 .method)" = POST ]
	[ "$(treq 1 '.headers["content-type"]')" = application/json ]
	[ "$(treq 1 '.headers["content-length"]')" = 16 ]
	[ "$(tbody 1)" = '{"name": "é x"}' ]
}

@test "api --data @FILE and --data -: the exact bytes; -H sets the type; METHOD wins" {
	printf 'a\0b\r\n\377' >"$BATS_TEST_TMPDIR/bin"
	run api -H 'Content-Type: application/octet-stream' --data @"$BATS_TEST_TMPDIR/bin" PUT /t/echo
	[ "$status" -eq 0 ]
	[ "$(treq 1 .method)" = PUT ]
	[ "$(treq 1 '.headers["content-type"]')" = application/octet-stream ]
	[ "$(treq 1 .body)" = "$(base64 <"$BATS_TEST_TMPDIR/bin")" ]
	api --data - PATCH /t/echo </dev/null
	[ "$(treq 2 .method)" = PATCH ]
	[ "$(tbody 2)" = "" ]
	printf '{"from":"pipe"}' | api --data - /t/echo
	[ "$(treq 3 .method)" = POST ]
	[ "$(tbody 3)" = '{"from":"pipe"}' ]
	[ "$(treq 3 '.headers["content-type"]')" = application/json ]
}

@test "api --form: a metadata part of its type and a file part streamed with its name and type" {
	printf '%%PDF-1.4 test\n' >"$BATS_TEST_TMPDIR/contract.pdf"
	run api --form 'metadata={"name":"c"};type=application/json' \
		--form payload=@"$BATS_TEST_TMPDIR/contract.pdf" --form note=hello \
		/t/echo
	[ "$status" -eq 0 ]
	[ "$(treq 1 .method)" = POST ]
	[[ "$(treq 1 '.headers["content-type"]')" == multipart/form-data\;\ boundary=* ]]
	tbody 1 >"$BATS_TEST_TMPDIR/body"
	run python3 -c '
import email.parser, sys
ct = sys.argv[2]
msg = email.parser.BytesParser().parsebytes(b"Content-Type: " + ct.encode() + b"\r\n\r\n" + open(sys.argv[1], "rb").read())
for p in msg.get_payload():
    print(p.get_param("name", header="content-disposition"), p.get_filename(), p.get_content_type(), repr(p.get_payload(decode=True)))
' "$BATS_TEST_TMPDIR/body" "$(treq 1 '.headers["content-type"]')"
	[ "${lines[0]}" = "metadata None application/json b'{\"name\":\"c\"}'" ]
	[ "${lines[1]}" = "payload contract.pdf application/pdf b'%PDF-1.4 test\\n'" ]
	[ "${lines[2]}" = "note None text/plain b'hello'" ]
}

@test "api: --data and --form together, or a --form without NAME=, is a usage error" {
	run api --data x --form a=b /t/echo
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: options '--data' and '--form' both give the body; keep one" ]
	run api --form novalue /t/echo
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --form: 'novalue' is not NAME=VALUE or NAME=@FILE" ]
	[ "$(request_count)" = 0 ]
}

@test "api: an RFC 9457 problem: nothing on stdout, its title and detail on stderr, the status's exit" {
	local c s
	for c in 400:5 404:5 403:6 409:5 500:7 501:7; do
		run --separate-stderr api --retries 0 "/t/status?code=${c%:*}"
		[ "$status" -eq "${c#*:}" ]
		[ "$output" = "" ]
		[ "$stderr" = "nitro-token: GET $BASE/t/status?code=${c%:*}: ${c%:*} Test Problem: the test asked for ${c%:*}" ]
	done
}

@test "api: a problem with a title alone or a detail alone is shown as it is" {
	local k
	for k in title detail; do
		run --separate-stderr api "/t/status?code=409&kind=$k"
		[ "$status" -eq 5 ]
		[ "$output" = "" ]
		[ "$stderr" = "nitro-token: GET $BASE/t/status?code=409&kind=$k: 409 only the $k" ]
	done
}

@test "api: an OAuth error body and a body that is neither are worded too" {
	run --separate-stderr api "/t/status?code=400&kind=oauth"
	[ "$status" -eq 5 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/status?code=400&kind=oauth: 400 invalid_token: the token is bad" ]
	run --separate-stderr api "/t/status?code=418&kind=text"
	[ "$status" -eq 5 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/status?code=418&kind=text: HTTP 418 (content type text/html)" ]
}

@test "api: 401 renews the token once; a second 401 is exit 6 with the server's words" {
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	run --separate-stderr api "/t/status?code=401"
	[ "$status" -eq 6 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/status?code=401: 401 Test Problem: the test asked for 401" ]
	[ "$(request_count)" = 2 ]
	[ "$(tcount)" = 2 ]
	[ "$(treq 1 .headers.authorization)" = "Bearer tok-1" ]
	[ "$(treq 2 .headers.authorization)" = "Bearer tok-2" ]
}

@test "api: after a 401 a body from a file is read again, one from a pipe is sent again from memory" {
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	printf 'file body' >"$BATS_TEST_TMPDIR/f"
	run api --data @"$BATS_TEST_TMPDIR/f" "/t/status?code=401"
	[ "$status" -eq 6 ]
	[ "$(tbody 1)" = "file body" ]
	[ "$(tbody 2)" = "file body" ]
	run bash -c 'printf "pipe body" | "$0" "$@"' "$NT" api --base-url "$BASE" --client-id "$ID" \
		--client-secret "$SECRET" -q --data - "/t/status?code=401"
	[ "$status" -eq 6 ]
	[ "$(tbody 3)" = "pipe body" ]
	[ "$(tbody 4)" = "pipe body" ]
}

@test "api: a body from a pipe over 1024 KiB is streamed once; after a 401 the message says why" {
	head -c 1100000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	run --separate-stderr bash -c 'cat "$1" | NITRO_CLIENT_SECRET="$2" "$3" api --base-url "$4" --client-id c --data - /t/status?code=401' \
		sh "$BATS_TEST_TMPDIR/big" "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 6 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: POST $BASE/t/status?code=401: 401 Test Problem: the test asked for 401 (not sent again: the body from a pipe was over 1024 KiB and is not kept)" ]
	[ "$(tcount)" = 1 ]
	[ "$(treq 1 '.headers["transfer-encoding"]')" = chunked ]
	cmp <(tbody 1) "$BATS_TEST_TMPDIR/big"
	[ "$(request_count)" = 1 ]
}

@test "api: a redirect to another origin is followed without the token" {
	start_proxy
	run api "/t/redirect?to=http://127.0.0.1:$PROXY_PORT/t/echo?x=1"
	[ "$status" -eq 0 ]
	[ "$output" = '{"method": "GET", "path": "/t/echo", "query": "x=1"}' ]
	[ "$(treq 1 .headers.authorization)" = "Bearer tok-1" ]
	[ "$(sed -n 1p "$PROXY_LOG.t" | jq -r '.headers.authorization')" = null ]
	[ "$(wc -l <"$PROXY_LOG.t")" = 1 ]
	# to its own origin, the token goes along
	run api "/t/redirect?to=$BASE/t/echo&code=307"
	[ "$status" -eq 0 ]
	[ "$(treq 3 .headers.authorization)" = "Bearer tok-1" ]
}

@test "api: a 303 after a POST becomes a GET without the body; too many redirects are exit 8" {
	run api --data '{"a":1}' "/t/redirect?to=$BASE/t/echo&code=303"
	[ "$status" -eq 0 ]
	[ "$output" = '{"method": "GET", "path": "/t/echo", "query": ""}' ]
	[ "$(tbody 2)" = "" ]
	run --separate-stderr api "/t/redirect?to=/t/redirect%3Fto%3D/t/redirect"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/redirect?to=/t/redirect%3Fto%3D/t/redirect: more than 5 redirects" ]
}

@test "api: a redirect from https to http is refused, exit 8" {
	stop_server
	start_server --tls
	respond_token tok-1
	run --separate-stderr api --cacert "$SRV/ca.pem" "/t/redirect?to=http://127.0.0.1:1/t/echo"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/redirect?to=http://127.0.0.1:1/t/echo: redirect from https to 'http://127.0.0.1:1/t/echo' refused" ]
}

@test "api: 429 and 503 with Retry-After, 502 and 504 are retried for GET, not for POST" {
	run api "/t/flaky?fail=1&code=429&retry_after=0"
	[ "$status" -eq 0 ]
	[ "$output" = '{"ok": true, "attempt": 2}' ]
	run api PUT "/t/flaky?fail=2&code=502"
	[ "$status" -eq 0 ]
	run api DELETE "/t/flaky?fail=1&code=504&x=2"
	[ "$status" -eq 0 ]
	run --separate-stderr api -d '{}' "/t/flaky?fail=1&code=503&retry_after=0&x=3"
	[ "$status" -eq 7 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: POST $BASE/t/flaky?fail=1&code=503&retry_after=0&x=3: 503 Test Problem: the test asked for 503" ]
	# 503 without Retry-After is not retried, and --retries bounds the rest
	run api "/t/flaky?fail=1&code=503&x=4"
	[ "$status" -eq 7 ]
	run api --retries 1 "/t/flaky?fail=2&code=429&retry_after=0&x=5"
	[ "$status" -eq 7 ]
	[ "$(jq -r .query "$SRV/log.t" | uniq -c | awk '{print $1}' | tr '\n' ' ')" = "2 3 2 1 1 2 " ]
}

@test "api: a connection closed unanswered is retried for GET, not for POST (exit 4)" {
	run --separate-stderr api "/t/flaky?fail=1&code=0"
	[ "$status" -eq 0 ]
	[ "$output" = '{"ok": true, "attempt": 2}' ]
	run --separate-stderr api --data '{}' "/t/flaky?fail=1&code=0&x=1"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: POST $BASE/t/flaky?fail=1&code=0&x=1: Empty reply from server" ]
	[ "$(tcount)" = 3 ]
}

@test "api: a connection refused is exit 4 with the URL" {
	stop_server
	run --separate-stderr api --retries 0 /t/echo
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[[ "$stderr" == "nitro-token: POST $BASE/oauth/token: "* ]]
}

@test "api --paginate: every page's items in one object; a cursor that repeats is exit 8" {
	run --separate-stderr api --paginate "/t/pages?total=3"
	[ "$status" -eq 0 ]
	[ "$output" = '{"items":[{"id":1},{"id":2},{"id":3},{"id":4},{"id":5},{"id":6}]}' ]
	[ "$(treq 2 .query)" = "total=3&pageAfter=c1" ]
	[ "$(treq 3 .query)" = "total=3&pageAfter=c2" ]
	[ "$(tcount)" = 3 ]
	run --separate-stderr api --paginate "/t/pages?loop=1"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/pages?loop=1: --paginate: the cursor 'c1' came back; the list would not end" ]
}

@test "api --paginate: more than 1000 pages is exit 8 with nothing on stdout" {
	run --separate-stderr api --paginate "/t/pages?total=0"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/pages?total=0: --paginate: more than 1000 pages" ]
	[ "$(tcount)" = 1000 ]
}

@test "api -i: the status line and headers, then the body" {
	run api -i /t/json
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'HTTP/1.1 200 OK\r' ]
	[[ "$output" == *$'Content-Type: application/json\r'* ]]
	[ "${lines[-1]}" = '{"hello": "world", "n": [1, 2, 3]}' ]
}

@test "api --output FILE: the whole body, or no file at all" {
	run api --output "$BATS_TEST_TMPDIR/out" "/t/big?bytes=300000"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out")" = 300000 ]
	run api --output "$BATS_TEST_TMPDIR/none" "/t/status?code=404"
	[ "$status" -eq 5 ]
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
	run api --output "$BATS_TEST_TMPDIR/stalled" --stall-timeout 1 "/t/stall?bytes=300000&sleep=3"
	[ "$status" -eq 4 ]
	[ "$output" = "nitro-token: GET $BASE/t/stall?bytes=300000&sleep=3: transfer stalled: no data for 1 seconds" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep stalled)" ]
}

@test "api --output in a directory that cannot be written: exit 1 before anything is sent" {
	run --separate-stderr api --output "$BATS_TEST_TMPDIR/no/such/dir/f" /t/json
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --output: cannot create a file beside '$BATS_TEST_TMPDIR/no/such/dir/f': No such file or directory" ]
	[ "$(request_count)" = 0 ]
	[ "$(tcount)" = 0 ]
}

@test "api --output when no token can be had: exit 6 and no file" {
	mkdir "$BATS_TEST_TMPDIR/d"
	respond '{"status":401,"body":{"error":"invalid_client","error_description":"bad secret"}}'
	run --separate-stderr api --output "$BATS_TEST_TMPDIR/d/f" /t/json
	[ "$status" -eq 6 ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 401 invalid_client: bad secret
nitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)" ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/d")" ]
	[ "$(tcount)" = 0 ]
}

@test "api: a 50 MB download is streamed with a small peak RSS, and not cut by --timeout" {
	local rss
	# the sanitizers' shadow memory and valgrind's own would be measured too
	case $NT in
	*-asan | */valgrind.sh) skip "RSS under $(basename "$NT") is not the program's" ;;
	esac
	# 800 writes 2 ms apart: the transfer takes longer than --timeout 1
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" \
		--timeout 1 "/t/big?bytes=52428800&chunked=1&pace=0.002" >"$BATS_TEST_TMPDIR/dl"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/dl")" = 52428800 ]
	rss=$(cat "$BATS_TEST_TMPDIR/rss")
	echo "peak RSS $rss KiB" >&3
	[ "$rss" -lt 15000 ]
}

@test "api: --timeout bounds the wait for an answer: exit 4; headers in time are an answer" {
	run --separate-stderr api --timeout 1 --retries 0 "/t/echo?sleep=3"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/echo?sleep=3: no answer within --timeout" ]
	# a 200 whose headers came in time is an answer, though its body is late
	run --separate-stderr api --timeout 1 --retries 0 "/t/stall?bytes=1&sleep=2"
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
	[ "$stderr" = "" ]
}

@test "api: a redirect to a URL with a user name is refused, exit 8" {
	run --separate-stderr api "/t/redirect?to=http://u:pw@127.0.0.1:1/x"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: GET $BASE/t/redirect?to=http://u:pw@127.0.0.1:1/x: redirect to 'http://[redacted]@127.0.0.1:1/x' refused: URL must not carry a user name or password" ]
}

@test "api: a stalled transfer ends with exit 4 after --stall-timeout" {
	run --separate-stderr api --stall-timeout 1 "/t/stall?bytes=200000&sleep=4"
	[ "$status" -eq 4 ]
	[ "$stderr" = "nitro-token: GET $BASE/t/stall?bytes=200000&sleep=4: transfer stalled: no data for 1 seconds" ]
	run api --stall-timeout 0 /t/echo
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: '--stall-timeout': '0' is not a number of seconds from 1 to 86400" ]
}

@test "api: a progress line on a terminal's stderr, none on a pipe or with -q" {
	run python3 "$TESTS_DIR/pty_run.py" env NITRO_CLIENT_SECRET="$SECRET" "$NT" api \
		--base-url "$BASE" --client-id "$ID" -o "$BATS_TEST_TMPDIR/p1" "/t/big?bytes=3000000&pace=0.03"
	[ "$status" -eq 0 ]
	[[ "$output" == *" of 2.9 MiB, "*"/s"* ]]
	[[ "$output" == *$'\r\033[K' ]]
	run --separate-stderr api -o "$BATS_TEST_TMPDIR/p2" "/t/big?bytes=3000000&pace=0.03"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	run python3 "$TESTS_DIR/pty_run.py" env NITRO_CLIENT_SECRET="$SECRET" "$NT" api -q \
		--base-url "$BASE" --client-id "$ID" -o "$BATS_TEST_TMPDIR/p3" "/t/big?bytes=3000000&pace=0.03"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	# a call over within its first second draws nothing, even on a terminal
	run python3 "$TESTS_DIR/pty_run.py" env NITRO_CLIENT_SECRET="$SECRET" "$NT" api \
		--base-url "$BASE" --client-id "$ID" -o "$BATS_TEST_TMPDIR/p4" "/t/big?bytes=300000"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/p4")" -eq 300000 ]
}

@test "api -vv: the call is traced with the token redacted" {
	run --separate-stderr api -vv /t/echo
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"attempt 1: GET $BASE/t/echo"* ]]
	[[ "$stderr" == *"> Authorization: [redacted]"* ]]
	[[ "$stderr" != *tok-1* ]]
}

@test "api --help: its own usage; api without PATH is a usage error" {
	run "$NT" api --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: nitro-token api "* ]]
	[ "$(wc -l <<<"$output")" -le 40 ]
	run "$NT" api
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: api: no PATH to call" ]
	run "$NT" api GET /a /b
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: api: unexpected argument '/b' (one METHOD, one PATH)" ]
	[ "${lines[1]}" = "Try 'nitro-token api --help' for more information." ]
	run "$NT" api --format json /a
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '--format'" ]
	# a suggestion comes from the api command's own options
	run "$NT" api --inclde /a
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '--inclde'; did you mean '--include'?" ]
}

@test "api HEAD: no body; with -i the status line and headers" {
	run --separate-stderr api HEAD /t/json
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(treq 1 .method)" = HEAD ]
	run --separate-stderr api -i HEAD /t/json
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'HTTP/1.1 200 OK\r' ]
	[ "${lines[-1]}" = $'\r' ]
	run api --data x HEAD /t/json
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: a HEAD request has no body" ]
}

@test "api: a closed stdout is a write error, exit 1" {
	run --separate-stderr bash -c 'NITRO_CLIENT_SECRET="$1" "$2" api --base-url "$3" --client-id c "/t/big?bytes=3000000" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' sh "$SECRET" "$NT" "$BASE"
	[ "$output" = 1 ]
	[ "$stderr" = "nitro-token: write error on standard output: Broken pipe" ]
}

@test "api after a rotation: the 401 renews the token once and the call succeeds" {
	with_cache
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	run api /api/test
	[ "$status" -eq 0 ]
	[ "$output" = '{"ok": true}' ]
	rotate
	run --separate-stderr api /api/test
	[ "$status" -eq 0 ]
	[ "$output" = '{"ok": true}' ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 2 ]
	[ "$(jq -r 'select(.path == "/api/test") | .authorization' "$SRV/log.api" | tr '\n' ' ')" = "Bearer tok-1 Bearer tok-1 Bearer tok-2 " ]
	# the next call takes the renewed token from the cache: no 401, no request
	run api /api/test
	[ "$status" -eq 0 ]
	[ "$(request_count)" = 2 ]
	[ "$(tail -1 "$SRV/log.api" | jq -r .authorization)" = "Bearer tok-2" ]
}

@test "api after a rotation: 20 parallel calls that all get a 401 make one token request" {
	local i fd n pids=()
	with_cache
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	api /api/test >/dev/null
	rotate
	# the entry's lock held here: all twenty read tok-1, get their 401 and wait
	exec {fd}>>"$(find "$CACHE" -type f -name '*.lock')"
	flock -x "$fd"
	for i in $(seq 20); do
		# (without the lock's descriptor, which would keep the lock held)
		api /api/test >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" {fd}>&- &
		pids+=($!)
	done
	for ((n = 0; n < 500; n++)); do
		[ "$(grep -c '"Bearer tok-1"' "$SRV/log.api")" = 21 ] && break
		sleep 0.02
	done
	exec {fd}>&-
	for i in $(seq 20); do
		wait "${pids[i - 1]}"
		[ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = '{"ok": true}' ]
		[ ! -s "$BATS_TEST_TMPDIR/err.$i" ]
	done
	[ "$(request_count)" = 2 ]
	[ "$(jq -r 'select(.path == "/api/test") | .authorization' "$SRV/log.api" | sort | uniq -c | awk '{print $1, $3}' | tr '\n' ' ')" = "21 tok-1 20 tok-2 " ]
}

@test "api: a token revoked again after its renewal is a 401, exit 6, and one renewal only" {
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	run --separate-stderr api "/t/status?code=401"
	[ "$status" -eq 6 ]
	[ "$(request_count)" = 2 ]
}

@test "api --output: SIGTERM during the download leaves no file behind" {
	local pid n st
	mkdir -p "$BATS_TEST_TMPDIR/dl"
	NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" \
		-o "$BATS_TEST_TMPDIR/dl/file" "/t/big?bytes=3000000&pace=0.05" 2>/dev/null &
	pid=$!
	for ((n = 0; n < 250; n++)); do
		[ -n "$(ls "$BATS_TEST_TMPDIR/dl")" ] && break
		sleep 0.02
	done
	[ -n "$(ls "$BATS_TEST_TMPDIR/dl")" ]
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/dl")" ]
}

@test "api --data - with the client secret on standard input is a usage error" {
	run --separate-stderr bash -c 'printf "%s\n" "$1" | "$2" api --base-url "$3" --client-id c --client-secret-file - --data - /t/echo' \
		sh "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --data -: standard input holds the client secret" ]
	[ "$(request_count)" = 0 ]
}

@test "api -H: the caller's Accept replaces ours, and headers go in order" {
	run api -H 'Accept: application/pdf' -H 'X-Trace: 1' /t/echo
	[ "$status" -eq 0 ]
	[ "$(treq 1 .headers.accept)" = application/pdf ]
	[ "$(treq 1 '.headers["x-trace"]')" = 1 ]
}
