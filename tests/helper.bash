# SPDX-License-Identifier: MIT
# Shared set-up for the bats suite: a private HOME, no NITRO_* variables from
# the caller, and a fake Nitro server on a loopback port the OS assigns.
# Variables set here (PORT, PROXY_LOG, ...) are read by the .bats files.
# shellcheck disable=SC2034

bats_require_minimum_version 1.5.0

TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$TESTS_DIR/.." && pwd)"
# NITRO_BIN lets the same suite run a sanitizer or valgrind build
NT="${NITRO_BIN:-$ROOT/nitro-token}"
# make check-fallbacks says so (read now: common_setup unsets every NITRO_*)
TEST_FALLBACKS=${NITRO_FALLBACKS:-}
# the static build (no program interpreter) links libcurl instead of loading it
if readelf -l "$NT" >/dev/null 2>&1 && ! readelf -l "$NT" | grep -q INTERP; then
	NITRO_STATIC=1
fi
# never a real credential: these are what the tests send
ID="client-abc"
SECRET="s3cr3t-Value-42"

# preloaded NAME...: skip the test where tests/preload/NAME.so cannot act (the
# static binary, which LD_PRELOAD does not reach; AddressSanitizer's build,
# whose runtime owns malloc and must come first; valgrind's, which runs the
# program under its own loader), or is not built; else the libraries are
# there, as $ROOT/tests/preload/NAME.so
preloaded() {
	local name
	[ -z "${NITRO_STATIC:-}" ] || skip "LD_PRELOAD does not reach a static binary"
	if ldd "$NT" 2>/dev/null | grep -q asan; then
		skip "AddressSanitizer owns malloc and free, and its runtime must be loaded first"
	fi
	[ "$(basename "$NT")" != valgrind.sh ] || skip "valgrind runs the program under its own loader"
	for name; do
		[ -e "$ROOT/tests/preload/$name.so" ] || skip "make check builds the preload libraries"
	done
}

common_setup() {
	local v
	for v in $(env | grep -o '^NITRO_[A-Z_]*'); do unset "$v"; done
	unset XDG_CONFIG_HOME XDG_CACHE_HOME http_proxy https_proxy HTTPS_PROXY ALL_PROXY all_proxy \
		CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR SSLKEYLOGFILE
	export no_proxy='*'
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	chmod 700 "$HOME"
	export NITRO_CACHE=no
	SRV="$BATS_TEST_TMPDIR/srv"
	mkdir -p "$SRV"
}

# with_cache: the token cache on, in its default place, which is $CACHE
with_cache() {
	unset NITRO_CACHE
	CACHE="$HOME/.cache/nitro-token"
}

setup() {
	common_setup
}

teardown() {
	stop_server
}

# launch_fake DIR [ARG...]: a fake server with its files in DIR; sets
# LAUNCHED_PID and LAUNCHED_PORT once it listens
launch_fake() {
	local dir=$1 i
	shift
	mkdir -p "$dir"
	rm -f "$dir/port"
	python3 "$TESTS_DIR/fake_server.py" --port-file "$dir/port" --log "$dir/log" \
		--responses "$dir/responses" "$@" 3>&- &
	LAUNCHED_PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -s "$dir/port" ] && break
		sleep 0.02
	done
	LAUNCHED_PORT=$(cat "$dir/port")
}

# start_server [--tls]: the server under test; sets PORT and BASE
start_server() {
	if [ "${1:-}" = --tls ]; then
		make_cert
		launch_fake "$SRV" --cert "$SRV/server.pem" --key "$SRV/server.key"
		BASE="https://localhost:$LAUNCHED_PORT"
	else
		launch_fake "$SRV"
		BASE="http://127.0.0.1:$LAUNCHED_PORT"
	fi
	SERVER_PID=$LAUNCHED_PID
	PORT=$LAUNCHED_PORT
}

# start_proxy: a second fake server, to be a proxy or a redirect target;
# sets PROXY_PORT and PROXY_LOG
start_proxy() {
	launch_fake "$BATS_TEST_TMPDIR/proxy"
	PROXY_PID=$LAUNCHED_PID
	PROXY_PORT=$LAUNCHED_PORT
	PROXY_LOG="$BATS_TEST_TMPDIR/proxy/log"
}

stop_server() {
	local pid
	for pid in "${SERVER_PID:-}" "${PROXY_PID:-}"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	SERVER_PID='' PROXY_PID=''
}

# a CA and a server certificate for localhost and 127.0.0.1
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
		-keyout "$SRV/ca.key" -out "$SRV/ca.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
		-keyout "$SRV/server.key" -out "$SRV/server.csr" 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$SRV/ext"
	openssl x509 -req -in "$SRV/server.csr" -CA "$SRV/ca.pem" -CAkey "$SRV/ca.key" \
		-CAcreateserial -days 2 -extfile "$SRV/ext" -out "$SRV/server.pem" 2>/dev/null
}

# CONF_DIR: the default config file's directory
CONF_DIR() { echo "$HOME/.config/nitro-token"; }

# write_config TEXT [FILE]: TEXT and a newline into FILE (default: the
# default config file), mode 0600, its directory made
write_config() {
	local f=${2:-$(CONF_DIR)/config}
	mkdir -p "$(dirname "$f")"
	printf '%s\n' "$1" >"$f"
	chmod 600 "$f"
}

# respond ITEM...: the answers to give, in order (JSON objects, see fake_server.py)
respond() {
	local IFS=,
	printf '[%s]\n' "$*" >"$SRV/responses"
}

# respond_token TOKEN [TYPE [EXPIRES]]: a 200 in the RFC 6749 shape
respond_token() {
	respond "$(jq -cn --arg t "$1" --arg ty "${2:-Bearer}" --argjson e "${3:-3600}" \
		'{status:200, body:{access_token:$t, token_type:$ty, expires_in:$e}}')"
}

request_count() {
	if [ -f "$SRV/log" ]; then wc -l <"$SRV/log" | tr -d ' '; else echo 0; fi
}

# request N FILTER: jq FILTER applied to the N-th logged request (1-based)
request() {
	sed -n "${1}p" "$SRV/log" | jq -r "$2"
}

# nt ARGS...: run nitro-token with the test credentials and the fake server
nt() {
	"$NT" --base-url "$BASE" --client-id "$ID" "$@"
}

# run with the secret in the environment, the usual way
nts() {
	NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" "$@"
}

# assert_request_ok: exactly one request, and it was what the API expects
assert_one_good_request() {
	[ "$(request_count)" = 1 ]
	[ "$(request 1 .contract)" = ok ]
	[ "$(request 1 '.body | fromjson | .clientID')" = "$ID" ]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

# rotate: the fake server revokes every token it issued, as a credential rotation does
rotate() {
	curl -sf -X POST "$BASE/_control/rotate" >/dev/null
}

# api_status TOKEN: the HTTP status of the fake API's test endpoint for TOKEN
# (the header goes through curl's config on stdin, not on its argv)
api_status() {
	printf 'header = "Authorization: Bearer %s"\n' "$1" |
		curl -s -K - -o /dev/null -w '%{http_code}' "$BASE/api/test"
}
