#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Network resilience and hostile input: URL and TLS rules, timeouts,
# retries, Retry-After, the body cap, escaping of server text, redaction,
# proxies and signals.

load helper

# elapsed CMD...: run CMD like run does, and set ELAPSED_MS
elapsed() {
	local t0 t1
	t0=$(date +%s%N)
	run "$@"
	t1=$(date +%s%N)
	ELAPSED_MS=$(((t1 - t0) / 1000000))
}

# in_netns_files HOSTS RESOLV CMD...: run CMD in a mount namespace of its own
# whose /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf are the first two
# files given and "files, then DNS"
in_netns_files() {
	printf 'hosts: files dns\n' >"$BATS_TEST_TMPDIR/nsswitch.conf"
	unshare -m sh -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
		mount --bind "$3" /etc/nsswitch.conf && shift 3 && exec "$@"' sh "$1" "$2" \
		"$BATS_TEST_TMPDIR/nsswitch.conf" "${@:3}"
}

@test "base URL: plain http to a non-loopback host, ftp, credentials: exit 2, no request" {
	start_server
	local u
	for u in http://example.com http://10.0.0.1:8080 ftp://127.0.0.1 https://user:pw@127.0.0.1 "https://a b" https://h/?q=1 https://; do
		run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$u"
		[ "$status" -eq 2 ]
		[[ "$output" == "nitro-token: --base-url: "* ]]
	done
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url http://example.com
	[ "$output" = "nitro-token: --base-url: plain http:// is allowed only to a loopback address; use https://" ]
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url https://user:pw@127.0.0.1
	[ "$output" = "nitro-token: --base-url: URL must not carry a user name or password" ]
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url ftp://127.0.0.1
	[ "$output" = "nitro-token: --base-url: URL must start with https://" ]
	[ "$(request_count)" = 0 ]
}

@test "base URL from the environment or config file: the same rules, exit 3" {
	run env NITRO_BASE_URL=http://example.com NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_BASE_URL: plain http:// is allowed only to a loopback address; use https://" ]
	printf '[default]\nbase-url = ftp://x\n' >"$BATS_TEST_TMPDIR/c"
	run "$NT" --config "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $BATS_TEST_TMPDIR/c:2: base-url: URL must start with https://" ]
}

@test "plain http is allowed to every loopback form" {
	start_server
	local u
	for u in "http://127.0.0.1:$PORT" "http://localhost:$PORT" "http://127.0.0.1:$PORT/"; do
		run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$u"
		[ "$status" -eq 0 ]
	done
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "http://[::1]:1" --retries 0
	[ "$status" -eq 4 ]
}

@test "plain http to localhost goes to 127.0.0.1, whatever /etc/hosts says" {
	[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
	unshare -m true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	local addr
	addr=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
	[ -n "$addr" ] || skip "this machine has no address but loopback"
	start_server
	# a listener on this machine's own other address, at the same port, that
	# counts the connections it is offered
	python3 -c 'import socket, sys
s = socket.socket()
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
open(sys.argv[3], "w").close()
while True:
    c, _ = s.accept()
    open(sys.argv[3], "a").write("connection\n")
    c.close()' "$addr" "$PORT" "$BATS_TEST_TMPDIR/trap" 3>&- &
	PROXY_PID=$! # stop_server ends it with the test
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$BATS_TEST_TMPDIR/trap" ] && break
		sleep 0.02
	done
	printf '%s localhost\n' "$addr" >"$BATS_TEST_TMPDIR/hosts"
	: >"$BATS_TEST_TMPDIR/resolv.conf"
	run in_netns_files "$BATS_TEST_TMPDIR/hosts" "$BATS_TEST_TMPDIR/resolv.conf" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "http://LocalHost:$PORT" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
	[ ! -s "$BATS_TEST_TMPDIR/trap" ]
}

@test "an unknown CA: exit 4; the same server with --cacert or --capath: success" {
	start_server --tls
	run nts --retries 0
	[ "$status" -eq 4 ]
	[[ "$output" == "nitro-token: POST $BASE/oauth/token: "*"certificate"* ]]
	[ "$(request_count)" = 0 ]
	run nts --cacert "$SRV/ca.pem"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	mkdir "$SRV/cadir"
	cp "$SRV/ca.pem" "$SRV/cadir/"
	openssl rehash "$SRV/cadir"
	run env NITRO_CAPATH="$SRV/cadir" NITRO_CACERT=/nonexistent NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --cacert "$SRV/cadir/ca.pem"
	[ "$status" -eq 0 ]
	[ "$(request_count)" = 2 ]
}

# other_ca: a second CA that signed nothing here, as $SRV/other.pem and in
# the hashed directory $SRV/otherdir
other_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
		-keyout "$SRV/other.key" -out "$SRV/other.pem" 2>/dev/null
	mkdir "$SRV/otherdir"
	cp "$SRV/other.pem" "$SRV/otherdir/"
	openssl rehash "$SRV/otherdir"
}

# with_system_certs DIR CMD...: run CMD in a mount namespace whose
# /etc/ssl/certs is DIR
with_system_certs() {
	unshare -m sh -c 'mount --bind "$1" /etc/ssl/certs && shift && exec "$@"' sh "$@"
}

# what libcurl's TLS library says of a certificate no trusted CA signed
untrusted() {
	if [ -n "${NITRO_STATIC:-}" ]; then
		echo "nitro-token: POST $BASE/oauth/token: mbedTLS: The certificate is not correctly signed by the trusted CA\x0a (a CA of your own is trusted with --cacert or NITRO_CACERT)"
	else
		echo "nitro-token: POST $BASE/oauth/token: SSL certificate problem: unable to get local issuer certificate (a CA of your own is trusted with --cacert or NITRO_CACERT)"
	fi
}

@test "an untrusted certificate fails alike with the system store, a named bundle and a named directory" {
	start_server --tls
	other_ca
	run nts --retries 0
	[ "$status" -eq 4 ]
	[ "$output" = "$(untrusted)" ]
	run nts --retries 0 --cacert "$SRV/other.pem"
	[ "$status" -eq 4 ]
	[ "$output" = "$(untrusted)" ]
	run nts --retries 0 --capath "$SRV/otherdir"
	[ "$status" -eq 4 ]
	[ "$output" = "$(untrusted)" ]
	[ "$(request_count)" = 0 ]
}

@test "the system store is its hashed directory alone when it has one, else libcurl's bundle" {
	[ -z "${NITRO_STATIC:-}" ] || skip "the static build reads the system's bundle"
	[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
	unshare -m true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	start_server --tls
	other_ca
	# the bundle trusts the server's CA, the hashed directory does not
	local sys="$BATS_TEST_TMPDIR/certs"
	cp -r "$SRV/otherdir" "$sys"
	cp "$SRV/ca.pem" "$sys/ca-certificates.crt"
	run --separate-stderr with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" -v \
		--client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 4 ]
	[ "${stderr_lines[-1]}" = "$(untrusted)" ]
	[[ "$stderr" == *"nitro-token: CA certificates: /etc/ssl/certs"$'\n'* ]]
	# the server's CA in the directory: trusted
	cp "$SRV/ca.pem" "$sys/"
	openssl rehash "$sys"
	run with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url "$BASE" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	# no hashed directory: libcurl's bundle
	rm -r "$sys"
	mkdir "$sys"
	cp "$SRV/ca.pem" "$sys/ca-certificates.crt"
	run --separate-stderr with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" -v \
		--client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[[ "$stderr" == *"nitro-token: CA certificates: libcurl's default"$'\n'* ]]
	[ "$(request_count)" = 2 ]
}

@test "--capath alone trusts that directory without the system's bundle, --cacert that file alone" {
	[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
	unshare -m true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	start_server --tls
	other_ca
	# the system trusts the server's CA, both in its bundle and its directory
	local sys="$BATS_TEST_TMPDIR/certs"
	mkdir "$sys"
	cp "$SRV/ca.pem" "$sys/ca-certificates.crt"
	cp "$SRV/ca.pem" "$sys/"
	openssl rehash "$sys"
	run with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url "$BASE" --retries 0 --capath "$SRV/otherdir"
	[ "$status" -eq 4 ]
	[ "$output" = "$(untrusted)" ]
	run with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url "$BASE" --retries 0 --cacert "$SRV/other.pem"
	[ "$status" -eq 4 ]
	[ "$output" = "$(untrusted)" ]
	[ "$(request_count)" = 0 ]
	run with_system_certs "$sys" env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url "$BASE" --retries 0
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "a certificate for another name: exit 4" {
	start_server --tls
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --cacert "$SRV/ca.pem" --retries 0 \
		--base-url "https://127.0.0.2:$PORT"
	[ "$status" -eq 4 ]
}

@test "a server that accepts and never answers: exit 4 within --timeout" {
	start_server
	respond '{"hang":true}'
	elapsed nts --timeout 2
	[ "$status" -eq 4 ]
	[[ "$output" == "nitro-token: POST $BASE/oauth/token: "*"imed out"* ]]
	[ "$ELAPSED_MS" -ge 1900 ]
	[ "$ELAPSED_MS" -lt 3500 ]
}

@test "a DNS server that never answers: exit 4 within --timeout, not the resolver's 10 s" {
	[ "$(id -u)" = 0 ] || skip "needs root for a mount namespace"
	unshare -m true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	# a resolver on a loopback address of its own that swallows every query
	local ns="127.53.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
open(sys.argv[2], "w").close()
while True:
    s.recvfrom(4096)' "$ns" "$BATS_TEST_TMPDIR/dns-ready" 3>&- &
	PROXY_PID=$! # stop_server ends it with the test
	local i
	for ((i = 0; i < 200; i++)); do
		[ -e "$BATS_TEST_TMPDIR/dns-ready" ] && break
		sleep 0.02
	done
	printf '127.0.0.1 localhost\n' >"$BATS_TEST_TMPDIR/hosts"
	printf 'nameserver %s\noptions timeout:5 attempts:2\n' "$ns" >"$BATS_TEST_TMPDIR/resolv.conf"
	elapsed in_netns_files "$BATS_TEST_TMPDIR/hosts" "$BATS_TEST_TMPDIR/resolv.conf" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url https://nt-blackhole.invalid --timeout 2
	[ "$status" -eq 4 ]
	[[ "$output" =~ ^"nitro-token: POST https://nt-blackhole.invalid/oauth/token: Resolving timed out after "[0-9]+" milliseconds"$ ]]
	[ "$ELAPSED_MS" -lt 6000 ]
}

@test "503 then 200: success after one retry" {
	start_server
	respond '{"status":503,"body":{"error":"unavailable"}}' '{"status":200,"body":{"access_token":"second"}}'
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = second ]
	[ "$(request_count)" = 2 ]
}

@test "408, 502, 504 and a dropped connection are retried too" {
	start_server
	respond '{"status":408,"raw":""}' '{"status":502,"raw":""}' '{"close":true}' '{"status":504,"raw":""}' \
		'{"status":200,"body":{"access_token":"fifth"}}'
	run nts --retries 4 --timeout 60
	[ "$status" -eq 0 ]
	[ "$output" = fifth ]
	[ "$(request_count)" = 5 ]
}

@test "500 every time: exit 7 after exactly --retries + 1 requests" {
	start_server
	respond '{"status":500,"body":{"error":"server_error"}}'
	run nts --retries 3
	[ "$status" -eq 7 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token after 4 attempts: 500 server_error" ]
	[ "$(request_count)" = 4 ]
}

@test "400, 401, 403 and 404 are never retried" {
	start_server
	local s
	for s in 400 401 403 404 409 422; do
		: >"$SRV/log"
		respond "{\"status\":$s,\"body\":{\"error\":\"e\"}}"
		run nts --retries 5
		[ "$(request_count)" = 1 ]
	done
}

@test "429 with Retry-After: 1 waits, then succeeds" {
	start_server
	respond '{"status":429,"headers":{"Retry-After":"1"},"body":{"error":"slow_down"}}' '{"status":200,"body":{"access_token":"later"}}'
	elapsed nts
	[ "$status" -eq 0 ]
	[ "$output" = later ]
	[ "$ELAPSED_MS" -ge 1000 ]
	local gap
	gap=$(jq -s '(.[1].time - .[0].time) * 1000 | floor' "$SRV/log")
	[ "$gap" -ge 950 ]
}

@test "Retry-After as an HTTP date is honoured" {
	start_server
	local when
	when=$(LC_ALL=C date -u -d @$(($(date +%s) + 2)) '+%a, %d %b %Y %H:%M:%S GMT')
	respond "{\"status\":503,\"headers\":{\"Retry-After\":\"$when\"},\"raw\":\"\"}" '{"status":200,"body":{"access_token":"dated"}}'
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = dated ]
	local gap
	gap=$(jq -s '(.[1].time - .[0].time) * 1000 | floor' "$SRV/log")
	[ "$gap" -ge 900 ]
}

@test "Retry-After: 3600 with --timeout 10: exit 7 at once" {
	start_server
	respond '{"status":429,"headers":{"Retry-After":"3600"},"body":{"error":"slow_down"}}'
	elapsed nts --timeout 10
	[ "$status" -eq 7 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: 429 slow_down" ]
	[ "$(request_count)" = 1 ]
	[ "$ELAPSED_MS" -lt 2000 ]
}

@test "connection refused: exit 4 after the retries, quickly" {
	elapsed env NITRO_CLIENT_SECRET="$SECRET" "$NT" -v --base-url http://127.0.0.1:1 --client-id "$ID"
	[ "$status" -eq 4 ]
	[[ "$output" == *"attempt 3: POST"* ]]
	[[ "$output" != *"attempt 4"* ]]
	[ "$ELAPSED_MS" -lt 3000 ]
}

@test "a 307 to another port: exit 8 and nothing reaches that port" {
	start_server
	start_proxy
	respond "{\"status\":307,\"headers\":{\"Location\":\"http://127.0.0.1:$PROXY_PORT/oauth/token\"},\"raw\":\"\"}"
	run nts
	[ "$status" -eq 8 ]
	[ "$(request_count)" = 1 ]
	[ "$(wc -l <"$PROXY_LOG")" = 0 ]
}

@test "a 10 MiB chunked body: exit 8 with memory bounded" {
	start_server
	respond '{"status":200,"body":{"access_token":"small"}}'
	local base_kb big_kb
	base_kb=$( { /usr/bin/time -f %M env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" >/dev/null; } 2>&1 | tail -1)
	respond '{"status":200,"chunked":10485760}'
	run --separate-stderr /usr/bin/time -f %M env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 8 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "nitro-token: POST $BASE/oauth/token: response body is larger than 64 KiB" ]]
	big_kb=${stderr_lines[-1]##* }
	[ "$big_kb" -lt $((base_kb + 2048)) ]
}

@test "a body over 64 KiB with a Content-Length is refused the same way" {
	start_server
	respond "{\"status\":200,\"raw\":\"$(head -c 70000 /dev/zero | tr '\0' x)\"}"
	run nts
	[ "$status" -eq 8 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: response body is larger than 64 KiB" ]
}

@test "escape sequences and 10 KB of text from the server never reach the terminal" {
	start_server
	local evil
	evil=$(printf '\033[2J\033]0;pwned\007%s\033[0m' "$(head -c 10000 /dev/zero | tr '\0' A)")
	respond "$(jq -cn --arg d "$evil" '{status:400, headers:{"Content-Type":"text/\u001b[31mred"}, body:{error:"bad\u001b]8;;x\u0007", error_description:$d}}')"
	run --separate-stderr nts
	[ "$status" -eq 5 ]
	[ "$output" = "" ]
	[[ "$stderr" != *$'\033'* ]]
	[[ "$stderr" != *$'\007'* ]]
	[ "${#stderr}" -lt 1000 ]
	[[ "$stderr" == "nitro-token: POST $BASE/oauth/token: "'400 bad\x1b]8;;x\x07: \x1b[2J\x1b]0;pwned\x07AAAA'* ]]
	[[ "$stderr" == *'AAA...' ]]
	respond "$(jq -cn '{status:502, headers:{"Content-Type":"text/\u001b[31mhtml"}, raw:"<html>"}')"
	run nts --retries 0
	[ "$output" = "nitro-token: POST $BASE/oauth/token: "'502: unexpected answer (content type text/\x1b[31mhtml)' ]
}

@test "-vv traces headers both ways with cookies redacted, never a body, secret or token" {
	start_server
	respond '{"status":200,"headers":{"Set-Cookie":"session=tok-in-cookie"},"body":{"access_token":"tok-in-body"}}'
	run --separate-stderr nts -vv
	[ "$status" -eq 0 ]
	[ "$output" = tok-in-body ]
	[[ "$stderr" == *"> POST /oauth/token HTTP/1.1"* ]]
	[[ "$stderr" == *"> Content-Type: application/json"* ]]
	[[ "$stderr" == *"< HTTP/1.1 200 OK"* ]]
	[[ "$stderr" == *"< Set-Cookie: [redacted]"* ]]
	[[ "$stderr" != *tok-in-cookie* ]]
	[[ "$stderr" != *tok-in-body* ]]
	[[ "$stderr" != *"$SECRET"* ]]
	[[ "$stderr" != *clientSecret* ]]
}

@test "-vv redacts Proxy-Authorization and the proxy password in every line" {
	start_server --tls
	start_proxy
	run --separate-stderr env https_proxy="http://puser:ppass-secret@127.0.0.1:$PROXY_PORT" no_proxy= \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" -vv --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"> Proxy-Authorization: [redacted]"* ]]
	[[ "$stderr" == *"* Uses proxy env variable https_proxy == 'http://[redacted]@127.0.0.1:$PROXY_PORT'"* ]]
	# -v's one-line summary is not repeated beside libcurl's own line
	[[ "$stderr" != *"using a proxy"* ]]
	[[ "$stderr" != *ppass-secret* ]]
	[[ "$stderr" != *"$(printf 'puser:ppass-secret' | base64)"* ]]
	# the scheme-less form that proxy variables allow is redacted too
	run --separate-stderr env https_proxy="puser:ppass-secret@127.0.0.1:$PROXY_PORT" no_proxy= \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" -vv --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"* Uses proxy env variable https_proxy == '[redacted]@127.0.0.1:$PROXY_PORT'"* ]]
	[[ "$stderr" != *ppass-secret* ]]
}

@test "-v says which proxy https goes through, without its password" {
	start_server --tls
	start_proxy
	run --separate-stderr env https_proxy="http://puser:ppass-secret@127.0.0.1:$PROXY_PORT" no_proxy= \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" -v --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'proxy' <<<"$stderr")" = 1 ]
	[[ "$stderr" == *"nitro-token: using a proxy: https_proxy == 'http://[redacted]@127.0.0.1:$PROXY_PORT'"* ]]
	[[ "$stderr" != *ppass-secret* ]]
	[ "$(jq -r .method "$PROXY_LOG")" = CONNECT ]
	run --separate-stderr env ALL_PROXY="http://127.0.0.1:$PROXY_PORT" no_proxy= \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" -v --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"nitro-token: using a proxy: ALL_PROXY == 'http://127.0.0.1:$PROXY_PORT'"* ]]
	[ "$(wc -l <"$PROXY_LOG")" = 2 ]
}

@test "plain http never goes through a proxy, whatever the environment says" {
	start_server
	start_proxy
	run --separate-stderr env http_proxy="http://127.0.0.1:$PROXY_PORT" HTTP_PROXY="http://127.0.0.1:$PROXY_PORT" \
		ALL_PROXY="http://127.0.0.1:$PROXY_PORT" all_proxy="http://127.0.0.1:$PROXY_PORT" no_proxy= \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" -v --client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[[ "$stderr" == *"nitro-token: plain http to this machine: no proxy is used"* ]]
	[[ "$stderr" != *"using a proxy"* ]]
	[ ! -s "$PROXY_LOG" ]
	[ "$(request 1 .target)" = /oauth/token ]
	assert_one_good_request
}

@test "a proxy that answers 407: exit 4 at once, no retry" {
	start_server --tls
	start_proxy
	printf '[{"connect_status":407,"headers":{"Proxy-Authenticate":"Basic realm=corp"}}]\n' \
		>"$BATS_TEST_TMPDIR/proxy/responses"
	run env https_proxy="http://puser:wrong@127.0.0.1:$PROXY_PORT" no_proxy= NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem" --retries 3
	[ "$status" -eq 4 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: proxy authentication required (HTTP 407 from the proxy)" ]
	[ "$(wc -l <"$PROXY_LOG")" = 1 ]
	[ "$(request_count)" = 0 ]
}

@test "a 407 answer from the server itself is exit 4, not retried" {
	start_server
	respond '{"status":407}'
	run nts --retries 3
	[ "$status" -eq 4 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: 407: proxy authentication required" ]
	[ "$(request_count)" = 1 ]
}

@test "SSLKEYLOGFILE is ignored: no TLS key is written, and exec mode passes it on" {
	start_server --tls
	run env SSLKEYLOGFILE="$BATS_TEST_TMPDIR/keys" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem" -- sh -c 'echo "$SSLKEYLOGFILE"'
	[ "$status" -eq 0 ]
	[ "$output" = "$BATS_TEST_TMPDIR/keys" ]
	[ ! -e "$BATS_TEST_TMPDIR/keys" ]
	# curl itself, with the same libcurl, does write it: the test can fail
	SSLKEYLOGFILE="$BATS_TEST_TMPDIR/curl-keys" curl -s -o /dev/null --cacert "$SRV/ca.pem" \
		-H 'Content-Type: application/json' -d '{"clientID":"a","clientSecret":"b"}' "$BASE/oauth/token"
	[ -s "$BATS_TEST_TMPDIR/curl-keys" ]
}

@test "a 503 with a 100 KB error page and Retry-After is retried; a 401 with one is exit 6" {
	start_server
	local page
	page=$(head -c 100000 /dev/zero | tr '\0' x)
	respond "{\"status\":503,\"headers\":{\"Retry-After\":\"1\",\"Content-Type\":\"text/html\"},\"raw\":\"$page\"}" \
		'{"status":200,"body":{"access_token":"after-503"}}'
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = after-503 ]
	[ "$(request_count)" = 2 ]
	respond "{\"status\":401,\"headers\":{\"Content-Type\":\"text/html\"},\"raw\":\"$page\"}"
	run nts
	[ "$status" -eq 6 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: 401: unexpected answer (content type text/html)
nitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)
nitro-token: check the base URL '$BASE' (from --base-url)" ]
	respond "{\"status\":503,\"headers\":{\"Content-Type\":\"text/html\"},\"chunked\":200000}"
	run nts --retries 0
	[ "$status" -eq 7 ]
	[ "$output" = "nitro-token: POST $BASE/oauth/token: 503: unexpected answer (content type text/html)" ]
}

@test "libcurl's error text (a certificate subject) is escaped before it reaches the terminal" {
	start_server --tls
	# a second server certificate with no SAN and an escape sequence in its CN
	openssl req -newkey rsa:2048 -nodes -subj "/CN=evil$(printf '\033')[31m" \
		-keyout "$SRV/evil.key" -out "$SRV/evil.csr" 2>/dev/null
	openssl x509 -req -in "$SRV/evil.csr" -CA "$SRV/ca.pem" -CAkey "$SRV/ca.key" \
		-CAcreateserial -days 2 -out "$SRV/evil.pem" 2>/dev/null
	stop_server
	launch_fake "$SRV" --cert "$SRV/evil.pem" --key "$SRV/evil.key"
	SERVER_PID=$LAUNCHED_PID
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" \
		--base-url "https://localhost:$LAUNCHED_PORT" --cacert "$SRV/ca.pem" --retries 0
	[ "$status" -eq 4 ]
	[[ "$stderr" != *$'\033'* ]]
	# (libcurl with mbedTLS, in the static build, does not quote the subject)
	[ -n "${NITRO_STATIC:-}" ] || [[ "$stderr" == *'evil\x1b[31m'* ]]
}

@test "an HTTPS proxy in https_proxy tunnels the request, certificate still verified" {
	start_server --tls
	start_proxy
	run env https_proxy="http://127.0.0.1:$PROXY_PORT" no_proxy= NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem" --retries 0
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[ "$(jq -r .method "$PROXY_LOG")" = CONNECT ]
	[ "$(jq -r .target "$PROXY_LOG")" = "localhost:$PORT" ]
	assert_one_good_request
	run env HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" no_proxy= NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 4 ]
	[ "$(wc -l <"$PROXY_LOG")" = 2 ]
}

@test "no_proxy bypasses the proxy" {
	start_server --tls
	run env https_proxy=http://127.0.0.1:1 no_proxy=localhost NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --client-id "$ID" --base-url "$BASE" --cacert "$SRV/ca.pem" --retries 0
	[ "$status" -eq 0 ]
	assert_one_good_request
}

# signal SIG: start a run that the server holds, send SIG, set status and outputs
signal_run() {
	start_server
	respond '{"hang":true}'
	# a background job starts with SIGINT ignored, as a shell makes it, and
	# nitro-token keeps it so; a terminal's foreground job has it at default
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
		env NITRO_CLIENT_SECRET="$SECRET" NITRO_CACHE=yes "$NT" --base-url "$BASE" --client-id "$ID" \
		--timeout 10 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! i
	for i in $(seq 150); do
		[ "$(request_count)" = 1 ] && break
		sleep 0.02
	done
	kill "-$1" "$pid"
	wait "$pid" && SIG_STATUS=0 || SIG_STATUS=$?
}

@test "SIGINT: exit 130, nothing on stdout, nothing left in the cache" {
	signal_run INT
	[ "$SIG_STATUS" -eq 130 ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ -z "$(find "$HOME/.cache/nitro-token" -type f ! -name '*.lock')" ]
}

@test "SIGTERM: exit 143, nothing on stdout" {
	signal_run TERM
	[ "$SIG_STATUS" -eq 143 ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

# ignored_signal_run SIG: a run whose parent ignores SIG gets SIG mid-request
# and still prints its token
ignored_signal_run() {
	start_server
	respond '{"status":200,"body":{"access_token":"t"},"delay":1}'
	bash -c 'trap "" "$1"; shift; exec "$@"' sh "$1" env NITRO_CLIENT_SECRET="$SECRET" "$NT" \
		--base-url "$BASE" --client-id "$ID" >"$BATS_TEST_TMPDIR/out" &
	local pid=$! i
	for i in $(seq 150); do
		[ "$(request_count)" = 1 ] && break
		sleep 0.02
	done
	kill "-$1" "$pid"
	wait "$pid"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = t ]
}

@test "SIGTERM ignored by the parent stays ignored, like SIGINT" {
	ignored_signal_run TERM
}

@test "SIGINT ignored by the parent stays ignored" {
	ignored_signal_run INT
}
