#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The token cache: reuse, expiry, keys, permissions, healing and
# concurrency.

load helper

setup() {
	common_setup
	with_cache
}

teardown() {
	# a run left blocked on a full pipe must not hold the suite up
	if [ -n "${BLOCKED_PID:-}" ]; then
		kill -KILL "$BLOCKED_PID" 2>/dev/null || true
	fi
	stop_server
}

# every answer a new token: tok-1, tok-2, ...
unique_tokens() {
	start_server
	respond "{\"status\":200,\"body\":{\"access_token\":\"tok-{n}\",\"expires_in\":${1:-3600}}}"
}

entry() {
	find "$CACHE" -type f ! -name '*.lock' ! -name '*.tmp'
}

# twenty_at_once [ARG...]: 20 runs started together; out.N and err.N
twenty_at_once() {
	local i pids=()
	for i in $(seq 20); do
		nts "$@" >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
}

# age_entry OBTAINED EXPIRES: move the one entry in time, seconds from now
age_entry() {
	local f now
	f=$(entry)
	now=$(date +%s)
	jq -c ".obtained_at = $((now + $1)) | .expires_at = $((now + $2))" "$f" >"$f.new"
	mv "$f.new" "$f"
	chmod 600 "$f"
}

@test "the second call is answered from the cache: no request" {
	unique_tokens
	run nts
	[ "$output" = tok-1 ]
	run --separate-stderr nts --json -v
	[ "$status" -eq 0 ]
	[ "$(jq -r .access_token <<<"$output")" = tok-1 ]
	[ "$(jq -r .cached <<<"$output")" = true ]
	[ "$(jq -r .expires_in <<<"$output")" -le 3600 ]
	[ "$(jq -r .expires_in <<<"$output")" -ge 3590 ]
	[[ "$stderr" == *"cache: hit (token valid for "* ]]
	[ "$(request_count)" = 1 ]
}

@test "a cache hit never loads libcurl" {
	[ -z "${NITRO_STATIC:-}" ] || skip "the static build links libcurl: nothing is loaded"
	unique_tokens
	nts >/dev/null
	run env LD_DEBUG=files NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *libcurl* ]]
	[[ "$output" == *tok-1* ]]
	run env LD_DEBUG=files NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --refresh
	[[ "$output" == *libcurl.so.4* ]]
}

@test "a cache hit opens no /dev/urandom: jansson's hash seed comes from getrandom()" {
	command -v strace >/dev/null || skip "needs strace (make deps installs it)"
	[ -z "${TEST_FALLBACKS:-}" ] || skip "the portable branch leaves jansson's seed to jansson"
	! ldd "$NT" 2>/dev/null | grep -q asan || skip "LeakSanitizer does not run under ptrace (strace)"
	unique_tokens
	nts >/dev/null
	run strace -f -qq -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$(request_count)" = 1 ]
	# the hit did read the cache entry (the JSON jansson parses)
	grep -q "$CACHE" "$BATS_TEST_TMPDIR/trace"
	run grep -c /dev/urandom "$BATS_TEST_TMPDIR/trace"
	[ "$output" = 0 ]
}

@test "getrandom() refused (ENOSYS, EPERM): a cache hit works, and leaves jansson's seed to jansson" {
	command -v strace >/dev/null || skip "needs strace (make deps installs it)"
	! ldd "$NT" 2>/dev/null | grep -q asan || skip "LeakSanitizer does not run under ptrace (strace)"
	[ -x "$ROOT/tests/nogetrandom" ] || skip "tests/nogetrandom not built (make test-progs)"
	local e
	unique_tokens
	nts >/dev/null
	for e in ENOSYS EPERM; do
		run strace -f -qq -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$ROOT/tests/nogetrandom" "$e" \
			env NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE"
		[ "$status" -eq 0 ]
		[ "$output" = tok-1 ]
		# no seed of ours (not a fixed one either): jansson reads its own
		grep -q '"/dev/urandom"' "$BATS_TEST_TMPDIR/trace"
	done
	[ "$(request_count)" = 1 ]
}

@test "--no-cache neither reads nor writes" {
	unique_tokens
	run nts --no-cache
	[ "$output" = tok-1 ]
	[ -z "$(entry 2>/dev/null)" ]
	nts >/dev/null
	run nts --no-cache
	[ "$output" = tok-3 ]
	[ "$(request_count)" = 3 ]
}

@test "cache = no in the config file, and NITRO_CACHE=no, turn it off" {
	unique_tokens
	mkdir -p "$HOME/.config/nitro-token"
	printf '[default]\ncache = no\n' >"$HOME/.config/nitro-token/config"
	nts >/dev/null
	run nts
	[ "$output" = tok-2 ]
	rm "$HOME/.config/nitro-token/config"
	run env NITRO_CACHE=no NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-3 ]
	[ -z "$(entry 2>/dev/null)" ]
}

@test "--refresh fetches and replaces the entry" {
	unique_tokens
	nts >/dev/null
	run nts --refresh
	[ "$output" = tok-2 ]
	run nts
	[ "$output" = tok-2 ]
	[ "$(request_count)" = 2 ]
}

@test "a rotated secret misses, and the old token never comes back for it" {
	unique_tokens
	nts >/dev/null
	run env NITRO_CLIENT_SECRET=rotated-secret "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-2 ]
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id other-id
	[ "$output" = tok-3 ]
	[ "$(entry | wc -l)" = 3 ]
}

@test "--min-ttl beyond the remaining lifetime fetches" {
	unique_tokens 3600
	nts >/dev/null
	# obtained 1000 s ago, 510 s left: a 1510 s token
	age_entry -1000 510
	run --separate-stderr nts -v --min-ttl 520
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"nitro-token: cache: miss (token valid for 5"??" s, less than --min-ttl 520)"* ]]
	age_entry -1000 510
	run nts --min-ttl 500
	[ "$output" = tok-2 ]
	# the default is 300
	age_entry -1000 290
	run nts
	[ "$output" = tok-3 ]
	[ "$(request_count)" = 3 ]
}

@test "a token that lives no longer than --min-ttl is reused for half its life, with a warning" {
	unique_tokens 240
	run --separate-stderr nts
	[ "$output" = tok-1 ]
	[ "$stderr" = "nitro-token: warning: the token lives 240 s, not more than --min-ttl 300 s; it is reused for half its life" ]
	run --separate-stderr nts
	[ "$output" = tok-1 ]
	[ "$stderr" = "" ]
	age_entry -100 140
	run nts
	[ "$output" = tok-1 ]
	age_entry -120 120
	run --separate-stderr nts -v
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"nitro-token: cache: miss (token is past half of its 240 s life)"* ]]
	[ "$(request_count)" = 2 ]
}

@test "the half-life rule starts at a lifetime of exactly --min-ttl" {
	unique_tokens 300
	run --separate-stderr nts
	[ "$stderr" = "nitro-token: warning: the token lives 300 s, not more than --min-ttl 300 s; it is reused for half its life" ]
	respond '{"status":200,"body":{"access_token":"long-{n}","expires_in":301}}'
	run --separate-stderr nts --refresh
	[ "$output" = long-2 ]
	[ "$stderr" = "" ]
}

@test "20 concurrent cold calls with tokens shorter than --min-ttl make one request" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-{n}","expires_in":240},"delay":0.3}'
	twenty_at_once -q
	[ "$(request_count)" = 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -u)" = tok-1 ]
}

@test "a 3-second token expires" {
	unique_tokens 3
	nts --min-ttl 0 >/dev/null
	run nts --min-ttl 0
	[ "$output" = tok-1 ]
	sleep 3.1
	run nts --min-ttl 0
	[ "$output" = tok-2 ]
}

@test "a token without a lifetime is never cached" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-{n}"}}'
	run --separate-stderr nts -v
	[ "$output" = tok-1 ]
	[[ "$stderr" == *"cache: not storing a token whose lifetime is unknown"* ]]
	run nts
	[ "$output" = tok-2 ]
	[ -z "$(entry)" ]
}

@test "no entry is reused after 24 hours, whatever the server said" {
	unique_tokens 864000
	nts >/dev/null
	age_entry -86401 700000
	run --separate-stderr nts -v
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"cache: miss (entry is older than 86400 s)"* ]]
}

@test "an entry obtained in the future (the clock went back) is a miss" {
	unique_tokens
	nts >/dev/null
	age_entry 1000 4600
	run --separate-stderr nts -v
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"nitro-token: cache: miss (entry obtained in the future: the clock went back)"* ]]
	[[ "$stderr" != *damaged* ]]
	# a notice for -v only
	age_entry 1000 4600
	run --separate-stderr nts
	[ "$output" = tok-3 ]
	[ "$stderr" = "" ]
}

@test "a fresh entry holding a token that fails the token rules is a miss, said so, and healed" {
	unique_tokens
	nts >/dev/null
	local f now
	f=$(entry)
	now=$(date +%s)
	printf '{"version":1,"access_token":"x y","token_type":"Bearer","obtained_at":%d,"expires_at":%d}' \
		"$now" $((now + 3000)) >"$f"
	run --separate-stderr nts -v
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"nitro-token: cache: miss (entry is damaged; it will be replaced)"* ]]
	printf '{"version":1,"access_token":"ok","token_type":"Bearer$(x)","obtained_at":%d,"expires_at":%d}' \
		"$now" $((now + 3000)) >"$f"
	run nts
	[ "$output" = tok-3 ]
	run nts
	[ "$output" = tok-3 ]
}

@test "no entry at all: -v says a plain miss, not a damaged entry" {
	unique_tokens
	run --separate-stderr nts -v
	[ "$output" = tok-1 ]
	[[ "$stderr" == *"nitro-token: cache: miss (no entry)"* ]]
	[[ "$stderr" != *damaged* ]]
}

@test "an entry exactly 86400 s old is a miss; 86399 s old is a hit" {
	unique_tokens 864000
	nts >/dev/null
	# 86399 s old at the time of writing: still a hit in the same second
	age_entry -86398 600000
	run nts
	[ "$output" = tok-1 ]
	age_entry -86400 600000
	run --separate-stderr nts -v
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"cache: miss (entry is older than 86400 s)"* ]]
}

@test "a cache write that fails warns and leaves no entry, not a 0-byte one" {
	unique_tokens
	# (stderr into the pipe too: the limit would stop a write to a file)
	run bash -c 'trap "" XFSZ; ulimit -f 0; NITRO_CLIENT_SECRET="$1" exec "$2" --base-url "$3" --client-id "$4" 2>&1' \
		sh "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "nitro-token: warning: cache entry '"*"': cannot write: File too large" ]]
	[ "${lines[1]}" = tok-1 ]
	[ -z "$(find "$CACHE" -type f ! -name '*.lock')" ]
	run nts
	[ "$output" = tok-2 ]
}

# blocked_writer: a run whose stdout is a pipe already full, so that its one
# write blocks; sets BLOCKED_PID, and the pipe is drained by drain_blocked
blocked_writer() {
	mkfifo "$BATS_TEST_TMPDIR/pipe"
	# keep the read end open but unread; fill the pipe first
	exec 7<>"$BATS_TEST_TMPDIR/pipe"
	head -c 1048576 /dev/zero >&7 &
	local filler=$!
	sleep 0.3
	kill "$filler" 2>/dev/null || true
	NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" >&7 2>"$BATS_TEST_TMPDIR/err" &
	BLOCKED_PID=$!
	local i
	for i in $(seq 100); do
		[ "$(request_count)" -ge 1 ] && break
		sleep 0.05
	done
	sleep 0.3
}

drain_blocked() {
	exec 7<&-
}

@test "no lock is held while stdout blocks: a second run is served from the cache at once" {
	unique_tokens
	blocked_writer
	kill -0 "$BLOCKED_PID"
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr nts --timeout 10
	t1=$(date +%s%N)
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "" ]
	# far less than the half of --timeout a held lock would cost
	[ $(((t1 - t0) / 1000000)) -lt 3000 ]
	kill -0 "$BLOCKED_PID"
	kill -KILL "$BLOCKED_PID"
	drain_blocked
	[ "$(request_count)" = 1 ]
}

@test "SIGTERM during a blocked write: the output still arrives whole, then exit 143" {
	unique_tokens
	blocked_writer
	kill -TERM "$BLOCKED_PID"
	sleep 0.3
	kill -0 "$BLOCKED_PID"
	# drain: everything after the filler is the token line, whole
	timeout 10 cat "$BATS_TEST_TMPDIR/pipe" <&7 >"$BATS_TEST_TMPDIR/drained" &
	local reader=$!
	local rc=0
	wait "$BLOCKED_PID" || rc=$?
	exec 7<&-
	wait "$reader" || true
	[ "$rc" -eq 143 ]
	[ "$(tr -d '\0' <"$BATS_TEST_TMPDIR/drained")" = tok-1 ]
}

@test "the directory is created 0700 and entries are 0600" {
	unique_tokens
	nts >/dev/null
	[ "$(stat -c %a "$CACHE")" = 700 ]
	[ "$(stat -c %a "$HOME/.cache")" = 700 ]
	[ "$(stat -c %a "$(entry)")" = 600 ]
	local f
	for f in "$CACHE"/*; do
		[ "$(stat -c %a "$f")" = 600 ]
	done
	[[ "$(basename "$(entry)")" =~ ^[0-9a-f]{64}$ ]]
}

@test "the secret appears in no file under the cache directory" {
	unique_tokens
	nts >/dev/null
	run grep -rF -- "$SECRET" "$CACHE"
	[ "$status" -eq 1 ]
	run grep -rF -- "$ID" "$CACHE"
	[ "$status" -eq 1 ]
	[ "$(jq -c 'keys' "$(entry)")" = '["access_token","expires_at","obtained_at","token_type","version"]' ]
}

@test "garbage, empty or truncated entries are misses and heal" {
	unique_tokens
	nts >/dev/null
	local f bad n=1
	f=$(entry)
	for bad in 'garbage' '' '{"version":1,"access_token":"to' '{"version":1,"access_token":"x y","token_type":"Bearer","obtained_at":1,"expires_at":99999999999}'; do
		printf '%s' "$bad" >"$f"
		run nts
		n=$((n + 1))
		[ "$status" -eq 0 ]
		[ "$output" = "tok-$n" ]
		run nts
		[ "$output" = "tok-$n" ]
	done
	[ "$(request_count)" = 5 ]
}

@test "an unsafe (0777) cache directory warns and the run still succeeds without it" {
	unique_tokens
	mkdir -p "$CACHE"
	chmod 777 "$CACHE"
	run --separate-stderr nts
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "nitro-token: warning: cache directory '$CACHE' is not private to you (needs owner uid $(id -u), mode 0700); running without the cache" ]
	[ -z "$(ls -A "$CACHE")" ]
	run --separate-stderr nts -q
	[ "$output" = tok-2 ]
	[ "$stderr" = "" ]
}

@test "a cache directory that cannot be created warns and the run succeeds" {
	unique_tokens
	: >"$BATS_TEST_TMPDIR/file"
	run --separate-stderr nts --cache-dir "$BATS_TEST_TMPDIR/file/sub"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "nitro-token: warning: cache directory '$BATS_TEST_TMPDIR/file/sub': Not a directory; running without the cache" ]
}

@test "--cache-dir, NITRO_CACHE_DIR, NITRO_TOKEN_CACHE_DIR and XDG_CACHE_HOME place the cache" {
	unique_tokens
	nts --cache-dir "$BATS_TEST_TMPDIR/c1" >/dev/null
	[ -n "$(find "$BATS_TEST_TMPDIR/c1" -type f ! -name '*.lock')" ]
	env NITRO_TOKEN_CACHE_DIR="$BATS_TEST_TMPDIR/c2" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" >/dev/null
	[ -n "$(find "$BATS_TEST_TMPDIR/c2" -type f ! -name '*.lock')" ]
	env NITRO_CACHE_DIR="$BATS_TEST_TMPDIR/c3" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" >/dev/null
	[ -n "$(find "$BATS_TEST_TMPDIR/c3" -type f ! -name '*.lock')" ]
	env XDG_CACHE_HOME="$BATS_TEST_TMPDIR/c4" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" >/dev/null
	[ -n "$(find "$BATS_TEST_TMPDIR/c4/nitro-token" -type f ! -name '*.lock')" ]
	[ "$(request_count)" = 4 ]
	[ ! -e "$CACHE" ]
}

@test "20 concurrent cold calls make exactly one request and print one token" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-{n}","expires_in":3600},"delay":0.3}'
	twenty_at_once
	[ "$(request_count)" = 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -u)" = tok-1 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | wc -l)" = 20 ]
	[ -z "$(cat "$BATS_TEST_TMPDIR"/err.*)" ]
	[ -z "$(find "$CACHE" -name '*.tmp')" ]
}

@test "a lock held past half the timeout: warn and fetch without the cache" {
	unique_tokens
	nts >/dev/null
	local lock
	lock=$(find "$CACHE" -name '*.lock')
	flock "$lock" sleep 4 3>&- &
	local holder=$! t0 t1
	sleep 0.3
	t0=$(date +%s%N)
	run --separate-stderr nts --timeout 2 --refresh
	t1=$(date +%s%N)
	wait "$holder"
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[[ "$stderr" == "nitro-token: warning: cache lock '"*".lock' still busy after half the timeout; running without the cache" ]]
	[ $(((t1 - t0) / 1000000)) -ge 950 ]
	[ $(((t1 - t0) / 1000000)) -lt 2000 ]
}

@test "a stale temporary file from a killed writer is replaced, not piled up" {
	unique_tokens
	nts >/dev/null
	local f
	f=$(entry)
	printf 'partial' >"$f.tmp"
	run nts --refresh
	[ "$output" = tok-2 ]
	[ ! -e "$f.tmp" ]
	run nts
	[ "$output" = tok-2 ]
}

@test "without a loadable libcurl: a miss is exit 1 with a clear message, a hit still works" {
	local lib
	[ -z "${NITRO_STATIC:-}" ] || skip "the static build links libcurl: nothing is loaded"
	lib=$(ldconfig -p | awk '$1 == "libcurl.so.4" && /x86-64|64bit/ {print $NF; exit}')
	[ -n "$lib" ] || skip "libcurl.so.4 not in the linker cache"
	unshare -m true 2>/dev/null || skip "no mount namespaces here"
	unique_tokens
	nts >/dev/null
	# hide libcurl from this one process tree only
	run unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	run unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
		env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --refresh
	[ "$status" -eq 1 ]
	[ "$output" = "nitro-token: cannot load libcurl.so.4: $lib: file too short" ]
	[ "$(request_count)" = 1 ]
}

@test "a FIFO planted as the entry or its temporary file is a miss, never a hang" {
	unique_tokens
	nts >/dev/null
	local f
	f=$(entry)
	rm "$f"
	mkfifo "$f" "$f.tmp"
	run timeout 10 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ -f "$f" ] && [ ! -p "$f" ]
	[ ! -e "$f.tmp" ]
	run nts
	[ "$output" = tok-2 ]
}

@test "a FIFO planted as the lock file: a hit never opens it; a miss warns and fetches without the cache, no hang" {
	unique_tokens
	nts >/dev/null
	local lock
	lock=$(find "$CACHE" -name '*.lock')
	rm "$lock"
	mkfifo "$lock"
	run --separate-stderr timeout 10 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "" ]
	rm "$(entry)"
	run --separate-stderr timeout 10 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$stderr" = "nitro-token: warning: cache lock '$(basename "$lock")': not a regular file; running without the cache" ]
	[ -z "$(entry)" ]
	[ "$(request_count)" = 2 ]
}

@test "a read-only cache still serves a hit and stores nothing" {
	[ "$(id -u)" = 0 ] || skip "needs root for a read-only bind mount"
	unshare --mount true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	unique_tokens
	nts >/dev/null
	run unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && NITRO_CLIENT_SECRET="$2" "$3" -v --base-url "$4" --client-id "$5"' \
		sh "$CACHE" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nitro-token: cache: hit (token valid for "* ]]
	# a hit takes no lock, so it never meets the read-only filesystem
	[[ "$output" != *"read-only"* ]]
	[ "${lines[${#lines[@]} - 1]}" = tok-1 ]
	[ "$(request_count)" = 1 ]
	run unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && NITRO_CLIENT_SECRET="$2" "$3" -v --refresh --base-url "$4" --client-id "$5"' \
		sh "$CACHE" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nitro-token: cache: read-only; no lock, nothing is stored"* ]]
	[[ "$output" == *"nitro-token: cache: read-only, the token is not stored"* ]]
	[ "${lines[${#lines[@]} - 1]}" = tok-2 ]
	run nts
	[ "$output" = tok-1 ]
}

@test "a libcurl older than 7.68, or without TLS, is named plainly: exit 1, nothing sent" {
	[ -e "$ROOT/tests/stubs/libcurl.so.4" ] || skip "no stub libcurl (make check builds it)"
	[ -z "${NITRO_STATIC:-}" ] || skip "the static build links its own libcurl"
	unique_tokens
	run --separate-stderr env LD_LIBRARY_PATH="$ROOT/tests/stubs" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: libcurl 7.60.0 is older than 7.68" ]
	run --separate-stderr env LD_LIBRARY_PATH="$ROOT/tests/stubs" OLD_LIBCURL_VERSION=7.67.255 "$NT" --version
	[ "$status" -eq 1 ]
	[ "$output" = "nitro-token $(sed -n 's/^VERSION *= *//p' "$ROOT/Makefile")" ]
	[ "$stderr" = "nitro-token: libcurl 7.67.255 is older than 7.68" ]
	run --separate-stderr env LD_LIBRARY_PATH="$ROOT/tests/stubs" OLD_LIBCURL_VERSION=7.68.0 OLD_LIBCURL_NO_TLS=1 \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "nitro-token: libcurl 7.68.0 was built without TLS support" ]
	[ "$(request_count)" = 0 ]
	# a cache hit never asks libcurl anything
	nts >/dev/null
	run env LD_LIBRARY_PATH="$ROOT/tests/stubs" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
}

@test "an option the loaded libcurl refuses is reported in libcurl's words, not as out of memory" {
	[ -e "$ROOT/tests/stubs/libcurl.so.4" ] || skip "no stub libcurl (make check builds it)"
	[ -z "${NITRO_STATIC:-}" ] || skip "the static build links its own libcurl"
	start_server
	run --separate-stderr env LD_LIBRARY_PATH="$ROOT/tests/stubs" OLD_LIBCURL_VERSION=7.68.0 \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: libcurl: An unknown option was passed in to libcurl" ]
	[ "$(request_count)" = 0 ]
}

@test "a hit takes no lock: it is served at once while another run holds the lock" {
	unique_tokens
	nts >/dev/null
	local lock
	lock=$(find "$CACHE" -name '*.lock')
	flock "$lock" sleep 4 3>&- &
	local holder=$! t0 t1
	sleep 0.3
	t0=$(date +%s%N)
	run --separate-stderr nts --timeout 2
	t1=$(date +%s%N)
	kill "$holder" 2>/dev/null || true
	wait "$holder" || true
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "" ]
	[ $(((t1 - t0) / 1000000)) -lt 900 ]
	[ "$(request_count)" = 1 ]
}

@test "a miss waits for the run that holds the lock and is served what it stored" {
	unique_tokens
	nts >/dev/null
	local lock f
	lock=$(find "$CACHE" -name '*.lock')
	f=$(entry)
	rm "$f"
	# a "run" that holds the lock and stores tok-X in the middle of it
	flock "$lock" sh -c 'sleep 1; printf "%s" "$1" >"$2.tmp" && mv "$2.tmp" "$2"' sh \
		"{\"version\":1,\"access_token\":\"tok-X\",\"token_type\":\"Bearer\",\"obtained_at\":$(date +%s),\"expires_at\":$(($(date +%s) + 3600))}" "$f" 3>&- &
	local holder=$!
	sleep 0.3
	run --separate-stderr nts --timeout 10
	wait "$holder"
	[ "$status" -eq 0 ]
	[ "$output" = tok-X ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 1 ]
}

@test "--refresh whose store fails removes the entry it could not replace" {
	unique_tokens
	nts >/dev/null
	run bash -c 'trap "" XFSZ; ulimit -f 0; NITRO_CLIENT_SECRET="$1" exec "$2" --base-url "$3" --client-id "$4" --refresh 2>&1' \
		sh "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "nitro-token: warning: cache entry '"*"': cannot write: File too large" ]]
	[ "${lines[1]}" = tok-2 ]
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$(entry)" ]
	run nts
	[ "$output" = tok-3 ]
	[ "$(request_count)" = 3 ]
}

@test "--refresh that gets a token without a lifetime removes the entry it could not replace" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-1","expires_in":3600}}' \
		'{"status":200,"body":{"access_token":"tok-2"}}' \
		'{"status":200,"body":{"access_token":"tok-3","expires_in":3600}}'
	nts >/dev/null
	run --separate-stderr nts --refresh
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$stderr" = "" ]
	[ -z "$(entry)" ]
	run nts
	[ "$output" = tok-3 ]
}

@test "--refresh while a hung run holds the lock: the old entry is removed, not served again" {
	unique_tokens
	nts >/dev/null
	local lock
	lock=$(find "$CACHE" -name '*.lock')
	flock "$lock" sleep 3 3>&- &
	local holder=$!
	sleep 0.3
	run --separate-stderr nts --timeout 2 --refresh
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$stderr" = "nitro-token: warning: cache lock '$(basename "$lock")' still busy after half the timeout; running without the cache" ]
	[ -z "$(entry)" ]
	wait "$holder"
	run nts
	[ "$output" = tok-3 ]
}

# forget_fails MESSAGE [ARG...]: --forget is exit 3 with MESSAGE alone on stderr
forget_fails() {
	local msg=$1
	shift
	run --separate-stderr nts --forget "$@"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: cannot forget the cached token: $msg" ]
}

@test "--forget waits for a lock held by another run, and fails naming it at --timeout" {
	unique_tokens
	nts >/dev/null
	local lock f t0 t1
	lock=$(find "$CACHE" -name '*.lock')
	f=$(entry)
	flock "$lock" sleep 4 3>&- &
	local holder=$!
	sleep 0.3
	t0=$(date +%s%N)
	forget_fails "cache lock '$(basename "$lock")' still busy after --timeout" --timeout 1
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -ge 950 ]
	[ $(((t1 - t0) / 1000000)) -lt 1800 ]
	[ -f "$f" ]
	# released in time, the entry goes
	run --separate-stderr nts --forget --timeout 10
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ -z "$(entry)" ]
	wait "$holder"
	[ "$(request_count)" = 1 ]
}

@test "--forget in a cache directory that is not private: exit 3, says why, and the entry stays" {
	unique_tokens
	nts >/dev/null
	chmod 755 "$CACHE"
	forget_fails "cache directory '$CACHE' is not private to you (needs owner uid $(id -u), mode 0700)"
	[ -n "$(entry)" ]
	# -q silences warnings, not the failure
	forget_fails "cache directory '$CACHE' is not private to you (needs owner uid $(id -u), mode 0700)" -q
	[ "$(request_count)" = 1 ]
}

@test "--forget on a read-only cache: exit 3 while the entry is there, 0 when there is none" {
	[ "$(id -u)" = 0 ] || skip "needs root for a read-only bind mount"
	unshare --mount true 2>/dev/null || skip "no mount namespaces here (a chroot, say)"
	unique_tokens
	nts >/dev/null
	local f
	f=$(entry)
	run --separate-stderr unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && NITRO_CLIENT_SECRET="$2" exec "$3" --forget --base-url "$4" --client-id "$5"' \
		sh "$CACHE" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: cannot forget the cached token: cache entry '$(basename "$f")': Read-only file system" ]
	[ -f "$f" ]
	rm "$f"
	run --separate-stderr unshare --mount sh -c 'mount --bind -o ro "$1" "$1" && NITRO_CLIENT_SECRET="$2" exec "$3" --forget --base-url "$4" --client-id "$5"' \
		sh "$CACHE" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 1 ]
}

@test "--forget with a FIFO planted as the lock: exit 3 at once, no hang" {
	unique_tokens
	nts >/dev/null
	local lock
	lock=$(find "$CACHE" -name '*.lock')
	rm "$lock"
	mkfifo "$lock"
	run --separate-stderr timeout 10 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --forget
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: cannot forget the cached token: cache lock '$(basename "$lock")': not a regular file" ]
	[ -n "$(entry)" ]
}

@test "--forget with no cache directory: exit 0, and no directory is made" {
	unique_tokens
	run --separate-stderr nts --forget
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ ! -e "$CACHE" ]
	: >"$BATS_TEST_TMPDIR/file"
	run --separate-stderr nts --forget --cache-dir "$BATS_TEST_TMPDIR/file/sub"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 0 ]
}

@test "lock-free hits never see part of an entry while --refresh replaces it" {
	unique_tokens
	nts >/dev/null
	local i writer
	(for i in $(seq 10); do nts --refresh >/dev/null 2>&1; done) &
	writer=$!
	for i in $(seq 30); do
		nts -v >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i"
	done
	wait "$writer"
	for i in $(seq 30); do
		grep -qx 'tok-[0-9]*' "$BATS_TEST_TMPDIR/out.$i"
		grep -q 'cache: hit' "$BATS_TEST_TMPDIR/err.$i"
		[ "$(grep -c 'cache: miss' "$BATS_TEST_TMPDIR/err.$i")" = 0 ]
	done
	# the first run and the ten refreshes: no reader ever fetched
	[ "$(request_count)" = 11 ]
}
