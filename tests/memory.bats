#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Memory that held a secret, and memory that ran out: the wipe checker
# (tests/preload/wipecheck.c) on every path a secret takes, and a walk of
# allocation failures (tests/preload/failalloc.c) over whole runs.

load helper

setup() {
	common_setup
	with_cache
	# both interpose malloc and free: the plain dynamic build only
	preloaded wipecheck failalloc
	WIPE="$ROOT/tests/preload/wipecheck.so"
	FAIL="$ROOT/tests/preload/failalloc.so"
}

# wiped [env] [VAR=VALUE...] ARG...: a run under the wipe checker; it must
# succeed and say nothing of it.  The checker takes its variable for the
# first process it starts in, so no env(1) may come between it and
# nitro-token: a leading "env" is dropped and its VAR=VALUE words kept.
wiped() {
	[ "$1" != env ] || shift
	run --separate-stderr env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET="$SECRET" "$@"
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" != *wipe-check* ]]
}

# the Python interpreter itself, not a wrapper in PATH (pyenv's shims are
# shell scripts, which would take the checker and its variable for themselves)
python_exe() {
	python3 -c 'import sys; print(sys.executable)'
}

@test "the wipe checker itself: a secret freed unwiped aborts the run" {
	# strdup's pointer whole (restype), wherever the heap lies
	run env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET=abc123 "$(python_exe)" \
		-c 'import ctypes; libc = ctypes.CDLL(None); libc.strdup.restype = ctypes.c_void_p; p = libc.strdup(b"xx abc" + b"123 yy"); libc.free(ctypes.c_void_p(p))'
	[ "$status" -eq 134 ]
	[ "$output" = "wipe-check: a freed block still holds the secret" ]
}

@test "the wipe checker itself: a secret never freed is found at exit" {
	run env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET=abc123 "$(python_exe)" \
		-c 'import ctypes; libc = ctypes.CDLL(None); libc.strdup.restype = ctypes.c_void_p; libc.strdup(b"xx abc" + b"123 yy")'
	[ "$status" -eq 134 ]
	[[ "$output" == "wipe-check: the secret is still in memory at exit ("*")" ]]
}

@test "no freed block holds the secret: from a flag, the environment, a file, stdin, a command" {
	start_server
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	wiped "$NT" -q --no-cache --base-url "$BASE" --client-id "$ID" --client-secret "$SECRET"
	wiped env NITRO_CLIENT_SECRET="$SECRET" "$NT" --no-cache --base-url "$BASE" --client-id "$ID"
	wiped "$NT" --no-cache --base-url "$BASE" --client-id "$ID" --client-secret-file "$BATS_TEST_TMPDIR/secret"
	run --separate-stderr env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET="$SECRET" \
		"$NT" --no-cache --base-url "$BASE" --client-id "$ID" --client-secret-file - <"$BATS_TEST_TMPDIR/secret"
	[ "$status" -eq 0 ]
	wiped "$NT" --no-cache --base-url "$BASE" --client-id "$ID" \
		--client-secret-command "env -u LD_PRELOAD cat '$BATS_TEST_TMPDIR/secret'"
	[ "$(request_count)" = 5 ]
	[ "$(request 5 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "no freed block holds the secret: from the config file, on a miss and on a hit" {
	start_server
	mkdir -p "$HOME/.config/nitro-token"
	printf '[default]\nclient-id = %s\nclient-secret = %s\nbase-url = %s\n' "$ID" "$SECRET" "$BASE" \
		>"$HOME/.config/nitro-token/config"
	chmod 600 "$HOME/.config/nitro-token/config"
	wiped "$NT"
	wiped "$NT"
	[ "$output" = test-token-1 ]
	[ "$(request_count)" = 1 ]
}

@test "no copy of the secret outlives the run: the config file's line buffer, its last line" {
	start_server
	mkdir -p "$HOME/.config/nitro-token"
	# last, so that no later line of the file overwrites inih's line buffer
	printf '[default]\nclient-id = %s\nbase-url = %s\nclient-secret = %s\n' "$ID" "$BASE" "$SECRET" \
		>"$HOME/.config/nitro-token/config"
	chmod 600 "$HOME/.config/nitro-token/config"
	wiped "$NT" --no-cache
	[ "$output" = test-token-1 ]
	wiped "$NT" --show-config
	[ "$(request_count)" = 1 ]
}

@test "no copy of the secret outlives the run: a secret that a higher source replaces or drops" {
	start_server
	mkdir -p "$HOME/.config/nitro-token"
	printf '[default]\nclient-secret = %s\n' "$SECRET" >"$HOME/.config/nitro-token/config"
	chmod 600 "$HOME/.config/nitro-token/config"
	printf 'from-the-file-1\n' >"$BATS_TEST_TMPDIR/secret"
	# the environment replaces the file's value; a file named by a flag drops it
	wiped env NITRO_CLIENT_SECRET=from-the-env-1 "$NT" --no-cache --base-url "$BASE" --client-id "$ID"
	wiped "$NT" --no-cache --base-url "$BASE" --client-id "$ID" \
		--client-secret-file "$BATS_TEST_TMPDIR/secret"
	[ "$(request 1 '.body | fromjson | .clientSecret')" = from-the-env-1 ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = from-the-file-1 ]
}

@test "no copy of the secret outlives the run: --client-secret twice, a mistyped option, a buffer that grows, a command's second line" {
	start_server
	# the first value is replaced by the second, and must go
	wiped "$NT" -q --no-cache --base-url "$BASE" --client-id "$ID" --client-secret "$SECRET" \
		--client-secret other-secret-1
	[ "$(request 1 '.body | fromjson | .clientSecret')" = other-secret-1 ]
	# an unknown option's value may be a secret typed in the wrong place
	run --separate-stderr env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" --client-secre="$SECRET"
	[ "$status" -eq 2 ]
	[ "$stderr" = "nitro-token: ambiguous option '--client-secre' (its value is not shown): it could be '--client-secret', '--client-secret-command' or '--client-secret-file'
Try 'nitro-token --help' for more information." ]
	# a secret read in several pieces, so that its buffer grows with it
	printf 'long-%01995d\n' 7 >"$BATS_TEST_TMPDIR/long"
	run --separate-stderr env LD_BIND_NOW=1 LD_PRELOAD="$WIPE" WIPE_CHECK_SECRET="long-0000000000" \
		"$NT" --no-cache --base-url "$BASE" --client-id "$ID" --client-secret-file "$BATS_TEST_TMPDIR/long"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = "$(head -1 "$BATS_TEST_TMPDIR/long")" ]
	# what a secret command prints after its first line (pass(1) prints more)
	wiped env WIPE_CHECK_SECRET=second-line-42 "$NT" --no-cache --base-url "$BASE" --client-id "$ID" \
		--client-secret-command "echo first-line-1; echo second-line-\$((40 + 2))"
	[ "$(request 3 '.body | fromjson | .clientSecret')" = first-line-1 ]
}

@test "no freed block holds the secret: every format, and exec mode" {
	start_server
	local f
	for f in token json export fish powershell dotenv header curl azure; do
		wiped env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -f "$f" --refresh
	done
	wiped env GITHUB_ENV="$BATS_TEST_TMPDIR/genv" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -f github
	wiped env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -- true
}

# oom_walk EXPECTED ARG...: fail the 1st, 2nd, 3rd ... allocation of a run
# until the run makes no more; every failed run must exit 1 saying "out of
# memory", print nothing, and leave the cache whole; a run may also recover
# and print EXPECTED.  NITRO_CLIENT_SECRET is $SECRET, or $OOM_SECRET when
# a test sets it (empty: unset); OOM_ONCE=1 fails the Nth allocation alone
# instead of every one from the Nth on
oom_walk() {
	local expected=$1 n last
	shift
	for ((n = 1; n < 2000; n++)); do
		rm -f "$BATS_TEST_TMPDIR/reached"
		run --separate-stderr env LD_PRELOAD="$FAIL" FAIL_ALLOC_AT=$n \
			FAIL_ALLOC_REACHED="$BATS_TEST_TMPDIR/reached" ${OOM_ONCE:+FAIL_ALLOC_ONCE=1} \
			NITRO_CLIENT_SECRET="${OOM_SECRET-$SECRET}" "$@"
		[ -e "$BATS_TEST_TMPDIR/reached" ] || break
		if [ "$status" -eq 0 ]; then
			[ "$output" = "$expected" ] || { echo "allocation $n: output '$output'"; return 1; }
		else
			last=${stderr##*$'\n'}
			[ "$status" -eq 1 ] && [ "$last" = "nitro-token: out of memory" ] && [ -z "$output" ] ||
				{ echo "allocation $n: status $status, stdout '$output', stderr '$stderr'"; return 1; }
		fi
		[ -z "$(find "$CACHE" -name '*.tmp' 2>/dev/null)" ] || { echo "allocation $n: a .tmp was left"; return 1; }
		local e
		for e in $(find "$CACHE" -type f ! -name '*.lock' 2>/dev/null); do
			jq -e .access_token "$e" >/dev/null || { echo "allocation $n: a broken entry"; return 1; }
		done
	done
	echo "# $n allocations walked" >&3
	[ "$n" -gt 5 ]
}

@test "no copy of a token the API refused outlives the run that renewed it" {
	start_server
	respond '{"body":{"accessToken":"tok-refused-{n}","tokenType":"Bearer","expiresIn":3600}}'
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" /api/test
	[ "$status" -eq 0 ]
	rotate
	# tok-refused-1 is never printed: the checker may look for it everywhere
	wiped WIPE_CHECK_SECRET=tok-refused-1 NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" \
		--client-id "$ID" /api/test
	[ "$output" = '{"ok": true}' ]
	[ "$(request_count)" = 2 ]
}

@test "no copy of a token outlives a run that fetched it in an answer with a number too big for jansson" {
	start_server
	respond '{"body":{"accessToken":"tok-big-{n}","tokenType":"Bearer","expiresIn":3600,"serial":123456789012345678901234567890}}'
	# api never prints the token: the checker may look for it everywhere
	wiped WIPE_CHECK_SECRET=tok-big-1 NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" \
		--client-id "$ID" --no-cache /api/test
	[ "$output" = '{"ok": true}' ]
	[ "$(request_count)" = 1 ]
}

@test "no copy of a token outlives a keeper: the cache entry it reads back, the token it replaces" {
	start_server
	respond '{"body":{"accessToken":"tok-kept-{n}","tokenType":"Bearer","expiresIn":3600}}'
	# the keeper prints no token: the checker may look for it everywhere.
	# The entry is rewritten with the same token and expiry, as a server
	# that hands out a live token again would have it: the keeper reads
	# the copy and drops it.  Then a --rejected elsewhere replaces the token
	wiped WIPE_CHECK_SECRET=tok-kept-1 NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" \
		--client-id "$ID" --keep-fresh -- sh -c '
			e=$(ls "$5"/*[0-9a-f] | grep -v "\.lock$")
			jq -c ".obtained_at -= 1" "$e" >"$e.new" && chmod 600 "$e.new" && mv "$e.new" "$e"
			sleep 1
			NITRO_ACCESS_TOKEN=$(cat "$NITRO_ACCESS_TOKEN_FILE") NITRO_CLIENT_SECRET=$1 "$2" --base-url "$3" --client-id "$4" \
				--rejected >/dev/null
			sleep 1
			cat "$NITRO_ACCESS_TOKEN_FILE"' sh "$SECRET" "$NT" "$BASE" "$ID" "$CACHE"
	[ "$output" = tok-kept-2 ]
	[ "$(request_count)" = 2 ]
}

@test "no copy of the token type outlives the run, which prints only the token: a miss, a hit" {
	start_server
	respond '{"body":{"accessToken":"tok-1","tokenType":"Qtypeq","expiresIn":3600}}'
	wiped WIPE_CHECK_SECRET=Qtypeq NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-1 ]
	wiped WIPE_CHECK_SECRET=Qtypeq NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-1 ]
	[ "$(request_count)" = 1 ]
}

@test "out of memory at every allocation of a cold fetch: exit 1 and nothing else" {
	start_server
	oom_walk test-token-1 "$NT" --base-url "$BASE" --client-id "$ID" --refresh
}

@test "out of memory at every allocation of a cache hit" {
	start_server
	nts >/dev/null
	oom_walk test-token-1 "$NT" --base-url "$BASE" --client-id "$ID"
}

@test "out of memory at every allocation, in every format" {
	start_server
	# no lifetime, so that every run's output is the same
	respond '{"status":200,"body":{"access_token":"t1"}}'
	local f
	for f in json export fish powershell dotenv header curl azure; do
		oom_walk "$(nts --no-cache -f "$f")" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache -f "$f"
	done
}

@test "out of memory at every allocation of exec mode and of a secret command" {
	start_server
	oom_walk "ran" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache -- sh -c 'echo ran'
	# (a flag beats the NITRO_CLIENT_SECRET that oom_walk sets)
	oom_walk test-token-1 "$NT" --base-url "$BASE" --client-id "$ID" --no-cache \
		--client-secret-command "echo '$SECRET'"
}

@test "out of memory at every allocation of a run with --client-secret, whose copy cli.c makes, api's too" {
	start_server
	# the flag alone, and one failure at a time: a copy lost to no memory
	# must not pass for no secret
	OOM_SECRET='' OOM_ONCE=1 oom_walk test-token-1 "$NT" -q --base-url "$BASE" --client-id "$ID" --no-cache \
		--client-secret "$SECRET"
	# and api's own option parser
	OOM_SECRET='' OOM_ONCE=1 oom_walk '{"hello": "world", "n": [1, 2, 3]}' "$NT" api --base-url "$BASE" \
		--client-id "$ID" --client-secret "$SECRET" /t/json
}

@test "out of memory at one allocation at a time of a cold fetch: each is out of memory or recovered" {
	start_server
	OOM_ONCE=1 oom_walk test-token-1 "$NT" --base-url "$BASE" --client-id "$ID" --refresh
}

@test "out of memory at one allocation at a time, in every format" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	local f
	for f in json export fish powershell dotenv header curl azure; do
		OOM_ONCE=1 oom_walk "$(nts --no-cache -f "$f")" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache -f "$f"
	done
}

@test "out of memory at every allocation of api, and of api --paginate, every failure alone too" {
	start_server
	local pages='{"items":[{"id":1},{"id":2},{"id":3},{"id":4}]}'
	oom_walk '{"hello": "world", "n": [1, 2, 3]}' "$NT" api --base-url "$BASE" --client-id "$ID" /t/json
	oom_walk "$pages" "$NT" api --base-url "$BASE" --client-id "$ID" --paginate "/t/pages?total=2"
	# one failure at a time: a page or the joined list lost to no memory must
	# not pass for an answer without items, nor for a shorter list
	OOM_ONCE=1 oom_walk "$pages" "$NT" api --base-url "$BASE" --client-id "$ID" --paginate "/t/pages?total=2"
}

@test "no freed block holds the token: every format, exec mode, a hit, a token longer than a small buffer" {
	start_server
	local f tok
	tok="tok-$(printf 'x%.0s' $(seq 300))"
	respond_token "$tok"
	for f in token json export fish powershell dotenv header curl azure; do
		wiped WIPE_CHECK_TOKEN="$tok" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" \
			--client-id "$ID" -f "$f"
	done
	wiped WIPE_CHECK_TOKEN="$tok" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" \
		--client-id "$ID" -- true
	[ "$(request_count)" = 1 ]
}
