#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# No descriptor outlives its use: every run ends with only the descriptors
# it started with (tests/preload/fdcheck.c looks as the process exits), on
# a miss, a hit, every secret source, the formats that write a file, the
# cache's other commands, api, and a keeper that re-reads the cache entry.

load helper

setup() {
	common_setup
	with_cache
	preloaded fdcheck
	FDCHECK="$ROOT/tests/preload/fdcheck.so"
	start_server
	respond '{"body":{"accessToken":"tok-{n}","tokenType":"Bearer","expiresIn":3600}}'
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
}

# closed STATUS [env] [VAR=VALUE...] ARG...: a run under the checker that
# ends with STATUS and leaves no descriptor open; its stdout is $output
closed() {
	local want=$1
	shift
	[ "$1" != env ] || shift
	run --separate-stderr env LD_PRELOAD="$FDCHECK" "$@"
	[ "$status" -eq "$want" ] || { echo "status $status, not $want: $stderr"; return 1; }
	[[ "$stderr" != *fd-check* ]] || { echo "$stderr"; return 1; }
}

@test "the checker itself: a descriptor left open is status 99 and named" {
	# perl's exit() runs the C library's exit handlers, as ours does; a
	# descriptor from POSIX::open is one that perl itself never closes
	run --separate-stderr env LD_PRELOAD="$FDCHECK" perl -MPOSIX -e 'POSIX::open($ARGV[0], 0) // die; exit 0' \
		"$BATS_TEST_TMPDIR/secret"
	[ "$status" -eq 99 ]
	[[ "$stderr" =~ ^"fd-check: descriptor "[0-9]+" ($BATS_TEST_TMPDIR/secret) is still open at exit"$ ]]
	# one open when the process started is not its to close
	run --separate-stderr env LD_PRELOAD="$FDCHECK" perl -e 'exit 0' 7<"$BATS_TEST_TMPDIR/secret"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "no descriptor outlives a miss, a hit, --no-cache, --refresh, --status and --forget" {
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-1 ]
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-1 ]
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache
	[ "$output" = tok-2 ]
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --refresh
	[ "$output" = tok-3 ]
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --status
	[ "${lines[0]}" = "cached        yes" ]
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --forget
	closed 9 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --status
	[ "$(request_count)" = 3 ]
}

@test "no descriptor outlives a secret read from a file, standard input or a command" {
	closed 0 "$NT" --base-url "$BASE" --client-id "$ID" --no-cache \
		--client-secret-file "$BATS_TEST_TMPDIR/secret"
	[ "$output" = tok-1 ]
	closed 0 "$NT" --base-url "$BASE" --client-id "$ID" --no-cache --client-secret-file - \
		<"$BATS_TEST_TMPDIR/secret"
	[ "$output" = tok-2 ]
	closed 0 "$NT" --base-url "$BASE" --client-id "$ID" --no-cache \
		--client-secret-command "cat '$BATS_TEST_TMPDIR/secret'"
	[ "$output" = tok-3 ]
	# a command that fails: the pipe is closed on that path too
	closed 3 "$NT" --base-url "$BASE" --client-id "$ID" --no-cache --client-secret-command "exit 1"
	[ "$(request_count)" = 3 ]
}

@test "no descriptor outlives -f github's GITHUB_ENV, nor a failed append to it" {
	closed 0 env GITHUB_ENV="$BATS_TEST_TMPDIR/github_env" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" -f github
	grep -qx 'NITRO_ACCESS_TOKEN=tok-1' "$BATS_TEST_TMPDIR/github_env"
	closed 3 env GITHUB_ENV=/dev/full NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" -f github
}

@test "no descriptor outlives api, a renewal on 401 included" {
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" /api/test
	[ "$output" = '{"ok": true}' ]
	rotate
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" api --base-url "$BASE" --client-id "$ID" /api/test
	[ "$output" = '{"ok": true}' ]
	[ "$(request_count)" = 2 ]
}

@test "no descriptor outlives a keeper that re-read its cache entry" {
	# the entry is rewritten under the keeper (the same token, another
	# obtained_at): the keeper reads it again, and closes it again
	closed 0 env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" \
		--keep-fresh -- sh -c '
			e=$(ls "$1"/*[0-9a-f])
			jq -c ".obtained_at -= 1" "$e" >"$e.new" && chmod 600 "$e.new" && mv "$e.new" "$e"
			sleep 1
			cat "$NITRO_ACCESS_TOKEN_FILE"' sh "$CACHE"
	[ "$output" = tok-1 ]
	[ "$(request_count)" = 1 ]
}
