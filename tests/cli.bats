#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The command line itself: help, version, usage errors, -v and -q.

load helper

@test "--help: usage first, exit code table last, exit 0, stdout only" {
	run --separate-stderr "$NT" --help
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ "${lines[0]}" == "usage: nitro-token [-hqVv] [-f format]"* ]]
	[ "${lines[-1]}" = "  130, 143  interrupted by SIGINT, SIGTERM" ]
	local code
	for code in 0 1 2 3 4 5 6 7 8; do
		[[ "$output" == *$'\n'"  $code  "* ]]
	done
	run "$NT" -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: nitro-token"* ]]
	run sh -c '"$1" --help >/dev/full' sh "$NT"
	[ "$status" -eq 1 ]
	[ "$output" = "nitro-token: write error on standard output: No space left on device" ]
}

@test "--help fits a screen: at most 50 lines, none wider than 80 columns" {
	run "$NT" --help
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -le 50 ]
	[ "$("$NT" --help | awk '{ if (length > m) m = length } END { print m }')" -le 80 ]
	[[ "$output" == *"man nitro-token"* ]]
}

# a mistyped long option and what the message offers: the nearest name, the
# last part of one, several an abbreviation could be, or nothing
TYPO_TABLE="--clinet-id|unknown option '--clinet-id'; did you mean '--client-id'?
--client_id|unknown option '--client_id'; did you mean '--client-id'?
--Client-ID|unknown option '--Client-ID'; did you mean '--client-id'?
--baseurl|unknown option '--baseurl'; did you mean '--base-url'?
--retry|unknown option '--retry'; did you mean '--retries'?
--jsno|unknown option '--jsno'; did you mean '--json'?
--secret|unknown option '--secret'; did you mean '--client-secret'?
--url|unknown option '--url'; did you mean '--base-url'?
--timout=5|unknown option '--timout' (its value is not shown); did you mean '--timeout'?
--refreshxyz|unknown option '--refreshxyz'; did you mean '--refresh'?
--con|ambiguous option '--con': it could be '--config' or '--connect-timeout'
--pr|unknown option '--pr'; did you mean '--profile'?
--printout|unknown option '--printout'
--frobnicate|unknown option '--frobnicate'
--token|unknown option '--token'
--secrets-file|unknown option '--secrets-file'
--=x|unknown option '--' (its value is not shown)"

@test "a mistyped long option: exit 2, and the nearest valid name when one is near" {
	local word want rows=0
	while IFS='|' read -r word want; do
		run "$NT" "$word"
		[ "$status" -eq 2 ] || { echo "$word: exit $status"; return 1; }
		[ "$output" = "nitro-token: $want
Try 'nitro-token --help' for more information." ] || { echo "$word: $output"; return 1; }
		rows=$((rows + 1))
	done <<<"$TYPO_TABLE"
	[ "$rows" = 17 ]
}

@test "--version names nitro-token and the libcurl it loaded" {
	run "$NT" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^nitro-token\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[1]}" == libcurl/* ]]
	run "$NT" -V
	[ "$status" -eq 0 ]
}

@test "an unknown option: exit 2 with one line of advice" {
	run "$NT" --frobnicate
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '--frobnicate'" ]
	[ "${lines[1]}" = "Try 'nitro-token --help' for more information." ]
	run "$NT" -Z
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '-Z'" ]
}

@test "an option without its value: exit 2" {
	run "$NT" --client-id
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--client-id' needs a value" ]
	run "$NT" -f
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--format' (-f) needs a value" ]
	run "$NT" --format
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--format' (-f) needs a value" ]
}

@test "a stray argument: exit 2, and the hint that commands go after --" {
	run "$NT" token
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unexpected argument 'token' (a command goes after '--')" ]
}

@test "bad numbers on the command line: exit 2, in the environment: exit 3" {
	run "$NT" --timeout 0
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --timeout: '0' is not a whole number from 1 to 3600" ]
	run "$NT" --retries 1x
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --retries: '1x' is not a whole number from 0 to 10" ]
	run "$NT" --connect-timeout ' 5'
	[ "$status" -eq 2 ]
	run env NITRO_TIMEOUT=99999999999999999999 "$NT"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_TIMEOUT: '99999999999999999999' is not a whole number from 1 to 3600" ]
}

@test "-v traces the steps on stderr and never shows the secret or the token" {
	start_server
	respond_token "tok-visible-only-on-stdout"
	run --separate-stderr nts -v
	[ "$status" -eq 0 ]
	[ "$output" = tok-visible-only-on-stdout ]
	[[ "$stderr" == *"nitro-token: client-secret         (set) (env NITRO_CLIENT_SECRET)"* ]]
	[[ "$stderr" == *"nitro-token: base-url              $BASE (flag)"* ]]
	[[ "$stderr" == *"attempt 1: POST $BASE/oauth/token"* ]]
	[[ "$stderr" == *"HTTP 200 after 1 attempt"* ]]
	[[ "$stderr" != *"$SECRET"* ]]
	[[ "$stderr" != *tok-visible-only-on-stdout* ]]
}

@test "--client-secret warns that others can read argv; -q silences it" {
	start_server
	run --separate-stderr nt --client-secret "$SECRET"
	[ "$status" -eq 0 ]
	[ "$stderr" = "nitro-token: warning: --client-secret can be read by other local users; prefer --client-secret-file or NITRO_CLIENT_SECRET" ]
	run --separate-stderr nt -q --client-secret "$SECRET"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = test-token-1 ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "--client-secret '' fails as empty, with no warning about a secret that is not used" {
	start_server
	run --separate-stderr nt --client-secret ''
	[ "$status" -eq 2 ]
	[ "$stderr" = "nitro-token: --client-secret: value is empty" ]
	run --separate-stderr nt --client-secret "$(head -c 4097 /dev/zero | tr '\0' x)"
	[ "$status" -eq 2 ]
	[ "$stderr" = "nitro-token: --client-secret: client secret is longer than 4096 bytes" ]
	[ "$(request_count)" = 0 ]
}

@test "a mistyped secret option never echoes its value" {
	local opt
	run "$NT" --client-secert=Sup3r-Secret
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: unknown option '--client-secert' (its value is not shown); did you mean '--client-secret'?
Try 'nitro-token --help' for more information." ]
	run "$NT" --client-secr=Sup3r-Secret
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: ambiguous option '--client-secr' (its value is not shown): it could be '--client-secret', '--client-secret-command' or '--client-secret-file'" ]
	[[ "$output" != *Sup3r* ]]
	run "$NT" --client=Sup3r-Secret
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: ambiguous option '--client' (its value is not shown): it could be '--client-id', '--client-secret', '--client-secret-command' or '--client-secret-file'" ]
	[[ "$output" != *Sup3r* ]]
}

@test "a value given to an option that takes none: the option's own name, no raw bytes" {
	run "$NT" --json=1
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--json' takes no value" ]
	run "$NT" --help=x
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--help' (-h) takes no value" ]
	run "$NT" --no-cache=yes
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--no-cache' takes no value" ]
	run "$NT" "-$(printf '\033')"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '-\\x1b'" ]
	run "$NT" "--$(printf '\033')[31m"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: unknown option '--\\x1b[31m'" ]
}

@test "-v on a cold cache: the whole trace, line by line" {
	start_server
	with_cache
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" -v --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	local got
	got=$(sed -e 's/[0-9a-f]\{64\}/HASH/' -e 's/after [0-9]* ms/after N ms/' \
		-e 's/CA certificates: .*/CA certificates: .../' -e '/hosts without a proxy: /d' <<<"$stderr")
	[ "$got" = "nitro-token: config                $HOME/.config/nitro-token/config (default, not found)
nitro-token: profile               default (default)
nitro-token: base-url              $BASE (flag)
nitro-token: cacert                (unset)
nitro-token: cache                 yes (default)
nitro-token: cache-dir             $CACHE (default)
nitro-token: capath                (unset)
nitro-token: client-id             $ID (flag)
nitro-token: client-secret         (set) (env NITRO_CLIENT_SECRET)
nitro-token: client-secret-command (unset)
nitro-token: client-secret-file    (unset)
nitro-token: connect-timeout       10 (default)
nitro-token: format                token (default)
nitro-token: min-ttl               300 (default)
nitro-token: retries               2 (default)
nitro-token: timeout               30 (default)
nitro-token: client secret: from NITRO_CLIENT_SECRET
nitro-token: cache: entry $CACHE/HASH
nitro-token: cache: miss (no entry)
nitro-token: requesting a token from $BASE/oauth/token
nitro-token: plain http to this machine: no proxy is used
nitro-token: CA certificates: ...
nitro-token: attempt 1: POST $BASE/oauth/token
nitro-token: attempt 1: answered after N ms
nitro-token: HTTP 200 after 1 attempt
nitro-token: cache: stored the token" ]
}

@test "started with stdout and stderr closed: they are /dev/null, nothing lands in the cache's files" {
	start_server
	with_cache
	run sh -c 'exec 1>&- 2>&-; NITRO_CLIENT_SECRET="$1" "$2" -v --base-url "$3" --client-id x' sh "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(request_count)" = 1 ]
	local f
	for f in "$CACHE"/*.lock; do
		[ -f "$f" ]
		[ ! -s "$f" ]
	done
	! grep -rl 'nitro-token:' "$CACHE"
	# stdin closed too: a secret file of "-" reads nothing, it does not read the lock
	run sh -c 'exec 0<&-; "$1" --base-url "$2" --client-id x --client-secret-file - --refresh' sh "$NT" "$BASE"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '-' is empty" ]
}

@test "-v's settings trace goes through the sanitiser and never names a secret file" {
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr env NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/s" "$NT" -v --show-config \
		--client-id "$(printf 'id\033[31mred')"
	[ "$status" -eq 0 ]
	[[ "$output" == *"client-secret-file    $BATS_TEST_TMPDIR/s (env NITRO_CLIENT_SECRET_FILE)"* ]]
	[[ "$output" == *'client-id             id\x1b[31mred (flag)'* ]]
	run --separate-stderr env NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/s" "$NT" -v \
		--base-url http://127.0.0.1:1 --retries 0 --client-id "$(printf 'id\033[31mred')"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *'nitro-token: client-id             id\x1b[31mred (flag)'* ]]
	[[ "$stderr" == *"nitro-token: client-secret-file    (set) (env NITRO_CLIENT_SECRET_FILE)"* ]]
	[[ "$stderr" != *"$BATS_TEST_TMPDIR/s"* ]]
	[[ "$stderr" != *$'\033'* ]]
}

@test "one format option: two that differ are a usage error, and none goes with a command" {
	start_server
	run nts --json --export
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: options '--json' and '--export' both choose the output format; keep one
Try 'nitro-token --help' for more information." ]
	run nts -f token --json
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: options '--format' (-f) and '--json' both choose the output format; keep one" ]
	run nts --json -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--json' has no meaning with a command after '--'" ]
	run nts -f github -- true
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "nitro-token: option '--format' (-f) has no meaning with a command after '--'" ]
	[ "$(request_count)" = 0 ]
	# the same option twice: the last wins, as getopt has it
	run nts -f json -f token
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	# a format from the environment is ignored in exec mode
	run env NITRO_FORMAT=json NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -- sh -c 'echo "$NITRO_ACCESS_TOKEN"'
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
}
