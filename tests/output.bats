#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Every output format, consumed the way its users consume it, and the
# quoting functions round-tripped through the real shells.

load helper

TOKEN='abc.DEF-123_~+/xyz=='

fresh_token() {
	start_server
	respond_token "$TOKEN" Bearer 3600
}

@test "token: the token and a newline" {
	fresh_token
	run nts
	[ "$status" -eq 0 ]
	[ "$output" = "$TOKEN" ]
	[ "$(nts | od -An -c | tr -d ' \n' | tail -c 2)" = '\n' ]
}

@test "json: RFC 6749 names, expires_at, nothing else" {
	fresh_token
	local t0 t1
	t0=$(date +%s)
	run nts --json
	t1=$(date +%s)
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<<"$output")" = '["access_token","cached","expires_at","expires_in","token_type"]' ]
	[ "$(jq -r .access_token <<<"$output")" = "$TOKEN" ]
	[ "$(jq -r .token_type <<<"$output")" = Bearer ]
	[ "$(jq -r .expires_in <<<"$output")" = 3600 ]
	[ "$(jq -r .cached <<<"$output")" = false ]
	local at
	at=$(jq -r .expires_at <<<"$output")
	[ "$at" -ge $((t0 + 3600)) ] && [ "$at" -le $((t1 + 3600)) ]
}

@test "-f json is the same as --json" {
	fresh_token
	[ "$(nts -f json | jq -c 'del(.expires_at)')" = "$(nts --json | jq -c 'del(.expires_at)')" ]
}

@test "export: eval in bash, dash and zsh sets the three variables" {
	fresh_token
	local out sh
	out=$(nts --export)
	[ "$(printf '%s\n' "$out" | wc -l)" = 3 ]
	for sh in bash dash zsh; do
		run "$sh" -c 'eval "$1"; printf "%s|%s|%s" "$NITRO_ACCESS_TOKEN" "$NITRO_TOKEN_TYPE" "$NITRO_TOKEN_EXPIRES_AT"' sh "$out"
		[ "$status" -eq 0 ]
		[[ "$output" == "$TOKEN|Bearer|"[0-9]* ]]
		# exported, not just set
		run "$sh" -c 'eval "$1"; sh -c "echo \$NITRO_ACCESS_TOKEN"' sh "$out"
		[ "$output" = "$TOKEN" ]
	done
}

@test "--export is the same as -f export" {
	fresh_token
	[ "$(nts --export | head -2)" = "$(nts -f export | head -2)" ]
	[ "$(nts --export | head -1)" = "export NITRO_ACCESS_TOKEN='$TOKEN'" ]
}

@test "fish: sourcing the output sets global exported variables" {
	fresh_token
	local out
	out=$(nts -f fish)
	[ "$(printf '%s\n' "$out" | head -1)" = "set -gx NITRO_ACCESS_TOKEN '$TOKEN';" ]
	# (a file, not $argv: fish before 3.2 gives "fish -c" no arguments)
	printf '%s\n' "$out" >"$BATS_TEST_TMPDIR/out.fish"
	run fish -c "source '$BATS_TEST_TMPDIR/out.fish'; printf '%s|%s|%s' \$NITRO_ACCESS_TOKEN \$NITRO_TOKEN_TYPE \$NITRO_TOKEN_EXPIRES_AT"
	[ "$status" -eq 0 ]
	[[ "$output" == "$TOKEN|Bearer|"[0-9]* ]]
}

@test "powershell: \$Env: assignments with single quotes" {
	fresh_token
	run nts -f powershell
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "\$Env:NITRO_ACCESS_TOKEN = '$TOKEN'" ]
	[ "${lines[1]}" = "\$Env:NITRO_TOKEN_TYPE = 'Bearer'" ]
	[[ "${lines[2]}" =~ ^\$Env:NITRO_TOKEN_EXPIRES_AT\ =\ \'[0-9]+\'$ ]]
	[ "${#lines[@]}" = 3 ]
}

@test "dotenv: NAME=value lines that docker --env-file and GITHUB_ENV read literally" {
	fresh_token
	run nts -f dotenv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NITRO_ACCESS_TOKEN=$TOKEN" ]
	[ "${lines[1]}" = "NITRO_TOKEN_TYPE=Bearer" ]
	[[ "${lines[2]}" =~ ^NITRO_TOKEN_EXPIRES_AT=[0-9]+$ ]]
	# read as GitHub Actions and docker read it: split at the first '='
	local name value
	while IFS='=' read -r name value; do
		case $name in NITRO_ACCESS_TOKEN) [ "$value" = "$TOKEN" ] ;; esac
	done <<<"$output"
}

@test "header: an Authorization header line that curl -H @- sends" {
	fresh_token
	run nts -f header
	[ "$output" = "Authorization: Bearer $TOKEN" ]
	nts -f header | curl -s -o /dev/null -H @- "$BASE/api/v1/ping"
	[ "$(request 3 .path)" = /api/v1/ping ]
	[ "$(request 3 .headers.authorization)" = "Bearer $TOKEN" ]
}

@test "curl: a config line that curl -K - turns into the Authorization header" {
	fresh_token
	run nts -f curl
	[ "$output" = "header = \"Authorization: Bearer $TOKEN\"" ]
	nts -f curl | curl -s -o /dev/null -K - "$BASE/api/v1/ping"
	[ "$(request 3 .path)" = /api/v1/ping ]
	[ "$(request 3 .headers.authorization)" = "Bearer $TOKEN" ]
}

@test "unknown format on the command line: exit 2; from the environment: exit 3" {
	fresh_token
	run nts -f yaml
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --format: unknown format; use token, json, export, fish, powershell, dotenv, header, curl, github or azure" ]
	run env NITRO_FORMAT=yaml NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_FORMAT: unknown format; use token, json, export, fish, powershell, dotenv, header, curl, github or azure" ]
	[ "$(request_count)" = 0 ]
}

@test "exec: COMMAND gets the three variables and its exit status is ours" {
	fresh_token
	run nts -- sh -c 'printf "%s|%s|%s" "$NITRO_ACCESS_TOKEN" "$NITRO_TOKEN_TYPE" "$NITRO_TOKEN_EXPIRES_AT"; exit 42'
	[ "$status" -eq 42 ]
	[[ "$output" == "$TOKEN|Bearer|"[0-9]* ]]
}

@test "exec: the child never sees the client secret, nor a stale expiry" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	run env NITRO_TOKEN_EXPIRES_AT=123 NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -- env
	[ "$status" -eq 0 ]
	[[ "$output" == *"NITRO_ACCESS_TOKEN=t1"* ]]
	[[ "$output" != *"$SECRET"* ]]
	[[ "$output" != *NITRO_TOKEN_EXPIRES_AT* ]]
}

@test "exec: a command that is not found is exit 127, one that cannot run 126" {
	fresh_token
	run -127 nts -- /nonexistent/cmd
	[ "$status" -eq 127 ]
	[ "$output" = "nitro-token: cannot run '/nonexistent/cmd': No such file or directory" ]
	: >"$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	run -126 nts -- "$BATS_TEST_TMPDIR/noexec"
	[ "$status" -eq 126 ]
	[ "$output" = "nitro-token: cannot run '$BATS_TEST_TMPDIR/noexec': Permission denied" ]
}

@test "exec: a failed fetch runs nothing and exits with the fetch's status" {
	start_server
	respond '{"status":401,"body":{"error":"invalid_client"}}'
	run nts -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 6 ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

# ---- the quoting functions, with values that break naive quoting ----

HOSTILE=(
	"it's"
	"''"
	'$(touch PWNED)'
	'`touch PWNED`'
	'back\slash\\ and \n'
	'"double" quotes'
	$'new\nline'
	$'tab\there'
	'; rm -rf / #'
	'${HOME} $HOME !! *'
	'é€ unicode'
	'\'
	"'\\''"
)

@test "sh quoting round-trips hostile values through bash, dash and zsh" {
	local v sh q
	cd "$BATS_TEST_TMPDIR"
	for v in "${HOSTILE[@]}"; do
		q=$(printf '%s\n' "$v" | "$ROOT/tests/quote" sh)
		for sh in bash dash zsh; do
			run "$sh" -c "x=$q; printf '%s' \"\$x\""
			[ "$status" -eq 0 ]
			[ "$output" = "$v" ]
		done
	done
	[ ! -e PWNED ]
}

@test "fish quoting round-trips hostile values through fish" {
	local v q
	cd "$BATS_TEST_TMPDIR"
	for v in "${HOSTILE[@]}"; do
		q=$(printf '%s\n' "$v" | "$ROOT/tests/quote" fish)
		run fish -c "set x $q; printf '%s' \$x"
		[ "$status" -eq 0 ]
		[ "$output" = "$v" ]
	done
	[ ! -e PWNED ]
}

@test "powershell quoting doubles every kind of single quote PowerShell knows" {
	[ "$(printf "%s\n" "it's" | "$ROOT/tests/quote" powershell)" = "'it''s'" ]
	[ "$(printf "%s\n" '$(x) `y` "z"' | "$ROOT/tests/quote" powershell)" = "'\$(x) \`y\` \"z\"'" ]
	# U+2019 RIGHT SINGLE QUOTATION MARK ends a '...' string in PowerShell too
	[ "$(printf "a\xe2\x80\x99b\n" | "$ROOT/tests/quote" powershell)" = "$(printf "'a\xe2\x80\x99\xe2\x80\x99b'")" ]
}

@test "curl config quoting round-trips through curl -K" {
	start_server
	local v q
	for v in 'it'\''s' '"double" quotes' 'back\slash\\' '$(x) `y`' 'é€'; do
		q=$(printf '%s\n' "$v" | "$ROOT/tests/quote" curl)
		printf 'user-agent = %s\n' "$q" | curl -s -o /dev/null -K - "$BASE/ua"
		[ "$(tail -1 "$SRV/log" | jq -r '.headers["user-agent"]')" = "$v" ]
	done
	[ "$(printf 'a\tb\n' | "$ROOT/tests/quote" curl)" = '"a\tb"' ]
}

@test "dotenv quoting refuses a line break instead of emitting a second variable" {
	run sh -c "printf 'a\nB=evil\n' | '$ROOT/tests/quote' dotenv"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
}

@test "a lifetime not known: sh, fish and PowerShell output unset a stale expiry" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	run nts --export
	[ "$output" = "export NITRO_ACCESS_TOKEN='t1'
export NITRO_TOKEN_TYPE='Bearer'
unset NITRO_TOKEN_EXPIRES_AT" ]
	local sh out
	out=$output
	for sh in bash dash zsh; do
		run env NITRO_TOKEN_EXPIRES_AT=123 "$sh" -c 'eval "$1"; echo "${NITRO_TOKEN_EXPIRES_AT-gone}"' sh "$out"
		[ "$output" = gone ]
	done
	run nts -f fish
	[ "$output" = "set -gx NITRO_ACCESS_TOKEN 't1';
set -gx NITRO_TOKEN_TYPE 'Bearer';
set -e NITRO_TOKEN_EXPIRES_AT;" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.fish"
	run env NITRO_TOKEN_EXPIRES_AT=123 fish -c "source '$BATS_TEST_TMPDIR/out.fish'; set -q NITRO_TOKEN_EXPIRES_AT; and echo kept; or echo gone"
	[ "$output" = gone ]
	run nts -f powershell
	[ "$output" = "\$Env:NITRO_ACCESS_TOKEN = 't1'
\$Env:NITRO_TOKEN_TYPE = 'Bearer'
Remove-Item Env:NITRO_TOKEN_EXPIRES_AT -ErrorAction SilentlyContinue" ]
	# dotenv has no way to unset: the line is left out
	run nts -f dotenv
	[ "$output" = "NITRO_ACCESS_TOKEN=t1
NITRO_TOKEN_TYPE=Bearer" ]
}

@test "exec: COMMAND gets the core-dump limits we were given, and SIGPIPE at default" {
	fresh_token
	# (AddressSanitizer lowers the limit itself unless told not to)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0" \
		bash -c 'ulimit -H -c unlimited; ulimit -S -c 1024; trap "" PIPE
		exec env NITRO_CLIENT_SECRET="$1" "$2" --base-url "$3" --client-id "$4" -- \
			bash -c "echo \$(ulimit -S -c) \$(ulimit -H -c); grep SigIgn /proc/self/status"' \
		sh "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1024 unlimited" ]
	# the parent ignored SIGPIPE (bit 13), so COMMAND does too; nitro-token changed nothing
	[ $(( 0x$(awk '{print $2}' <<<"${lines[1]}") >> 12 & 1 )) -eq 1 ]
	run bash -c 'trap - PIPE
		exec env NITRO_CLIENT_SECRET="$1" "$2" --base-url "$3" --client-id "$4" -- \
			sh -c "grep SigIgn /proc/self/status"' sh "$SECRET" "$NT" "$BASE" "$ID"
	[ $(( 0x$(awk '{print $2}' <<<"$output") >> 12 & 1 )) -eq 0 ]
}

@test "a closed stdout pipe is exit 1 with a message, not death by SIGPIPE" {
	fresh_token
	run bash -c 'trap - PIPE; { sleep 0.5; env NITRO_CLIENT_SECRET="$1" "$2" --base-url "$3" --client-id "$4"; echo "rc=$?" >&2; } | true' \
		sh "$SECRET" "$NT" "$BASE" "$ID"
	[ "$output" = "nitro-token: write error on standard output: Broken pipe
rc=1" ]
}

@test "github: the mask line alone on stdout, the variables appended to \$GITHUB_ENV" {
	fresh_token
	printf 'EARLIER=kept\n' >"$BATS_TEST_TMPDIR/github_env"
	run --separate-stderr env GITHUB_ENV="$BATS_TEST_TMPDIR/github_env" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" -f github
	[ "$status" -eq 0 ]
	[ "$output" = "::add-mask::$TOKEN" ]
	[ "$stderr" = "" ]
	run cat "$BATS_TEST_TMPDIR/github_env"
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "EARLIER=kept" ]
	[ "${lines[1]}" = "NITRO_ACCESS_TOKEN=$TOKEN" ]
	[ "${lines[2]}" = "NITRO_TOKEN_TYPE=Bearer" ]
	[[ "${lines[3]}" =~ ^NITRO_TOKEN_EXPIRES_AT=[0-9]+$ ]]
}

@test "github: an unknown lifetime empties a stale NITRO_TOKEN_EXPIRES_AT; no GITHUB_ENV is exit 3 before any request" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	printf 'NITRO_TOKEN_EXPIRES_AT=123\n' >"$BATS_TEST_TMPDIR/github_env"
	run --separate-stderr env GITHUB_ENV="$BATS_TEST_TMPDIR/github_env" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" -f github
	[ "$status" -eq 0 ]
	[ "$output" = "::add-mask::t1" ]
	[ "$stderr" = "" ]
	# the runner reads NAME= as the empty string, and the last line for a name wins
	[ "$(cat "$BATS_TEST_TMPDIR/github_env")" = "NITRO_TOKEN_EXPIRES_AT=123
NITRO_ACCESS_TOKEN=t1
NITRO_TOKEN_TYPE=Bearer
NITRO_TOKEN_EXPIRES_AT=" ]
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -f github
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: format github: GITHUB_ENV is not set (GitHub Actions sets it in each step)" ]
	[ "$(request_count)" = 1 ]
}

# github_env_fails PATH MESSAGE: -f github with GITHUB_ENV=PATH is exit 3,
# says MESSAGE, prints nothing and sends nothing
github_env_fails() {
	run --separate-stderr timeout 10 env GITHUB_ENV="$1" NITRO_CLIENT_SECRET="$SECRET" \
		"$NT" --base-url "$BASE" --client-id "$ID" -f github --timeout 2
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: cannot append to '$1' (GITHUB_ENV): $2" ]
	[ "$(request_count)" = 0 ]
}

@test "github: a GITHUB_ENV in a missing directory, or a directory, is exit 3 before any request" {
	fresh_token
	github_env_fails "$BATS_TEST_TMPDIR/no-such-dir/env" "No such file or directory"
	github_env_fails "$BATS_TEST_TMPDIR" "Is a directory"
	[ ! -e "$BATS_TEST_TMPDIR/no-such-dir" ]
}

@test "github: a GITHUB_ENV that is a FIFO is exit 3 at once, with a reader or without" {
	fresh_token
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	local t0 t1
	t0=$(date +%s%N)
	github_env_fails "$BATS_TEST_TMPDIR/fifo" "No such device or address"
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 1500 ]
	# a reader that would take the lines away: still not a file that keeps them
	exec 7<>"$BATS_TEST_TMPDIR/fifo"
	github_env_fails "$BATS_TEST_TMPDIR/fifo" "not a regular file"
	exec 7<&-
	github_env_fails /dev/null "not a regular file"
}

@test "github: a GITHUB_ENV that cannot be written to is exit 3 before any request" {
	fresh_token
	printf 'EARLIER=kept\n' >"$BATS_TEST_TMPDIR/github_env"
	if [ "$(id -u)" != 0 ]; then
		chmod 400 "$BATS_TEST_TMPDIR/github_env"
		github_env_fails "$BATS_TEST_TMPDIR/github_env" "Permission denied"
	else
		# root writes to a 0400 file: a read-only mount stops it
		unshare --mount true 2>/dev/null || skip "no mount namespaces here"
		run --separate-stderr unshare --mount sh -c 'mount --bind -o ro "$1" "$1" &&
			GITHUB_ENV="$1/github_env" NITRO_CLIENT_SECRET="$2" exec "$3" --base-url "$4" --client-id "$5" -f github' \
			sh "$BATS_TEST_TMPDIR" "$SECRET" "$NT" "$BASE" "$ID"
		[ "$status" -eq 3 ]
		[ "$output" = "" ]
		[ "$stderr" = "nitro-token: cannot append to '$BATS_TEST_TMPDIR/github_env' (GITHUB_ENV): Read-only file system" ]
		[ "$(request_count)" = 0 ]
	fi
	[ "$(cat "$BATS_TEST_TMPDIR/github_env")" = EARLIER=kept ]
}

@test "github: a write to GITHUB_ENV that stops part-way leaves the file as it was, and says why" {
	fresh_token
	# 1000 bytes: the 1 KiB limit below lets part of the lines in, not all
	printf 'EARLIER=%0991d\n' 0 >"$BATS_TEST_TMPDIR/github_env"
	cp "$BATS_TEST_TMPDIR/github_env" "$BATS_TEST_TMPDIR/before"
	# (stderr into the pipe too: the limit would stop a write to a file)
	run bash -c 'trap "" XFSZ; ulimit -f 1; GITHUB_ENV="$1" NITRO_CLIENT_SECRET="$2" exec "$3" --base-url "$4" --client-id "$5" -f github 2>&1' \
		sh "$BATS_TEST_TMPDIR/github_env" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "::add-mask::$TOKEN
nitro-token: cannot append to '$BATS_TEST_TMPDIR/github_env' (GITHUB_ENV): File too large" ]
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/github_env"
	[ "$(request_count)" = 1 ]
}

@test "github: a full filesystem under GITHUB_ENV leaves the file as it was, and says why" {
	[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
	unshare --mount true 2>/dev/null || skip "no mount namespaces here"
	fresh_token
	mkdir "$BATS_TEST_TMPDIR/tiny"
	run --separate-stderr unshare --mount sh -c '
		mount -t tmpfs -o size=4k tmpfs "$1" || exit 99
		head -c 4000 /dev/zero >"$1/env"
		cp "$1/env" "$1/../before"
		GITHUB_ENV="$1/env" NITRO_CLIENT_SECRET="$2" "$3" --base-url "$4" --client-id "$5" -f github
		rc=$?
		cmp "$1/../before" "$1/env" || exit 98
		exit $rc' sh "$BATS_TEST_TMPDIR/tiny" "$SECRET" "$NT" "$BASE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "::add-mask::$TOKEN" ]
	[ "$stderr" = "nitro-token: cannot append to '$BATS_TEST_TMPDIR/tiny/env' (GITHUB_ENV): No space left on device" ]
}

@test "github: --show-config, --forget and exec mode do not need GITHUB_ENV" {
	fresh_token
	run --separate-stderr env -u GITHUB_ENV NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" \
		--client-id "$ID" -f github --show-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"format                github (flag)"* ]]
	[ "$stderr" = "" ]
	run --separate-stderr env -u GITHUB_ENV NITRO_CLIENT_SECRET="$SECRET" NITRO_FORMAT=github "$NT" \
		--base-url "$BASE" --client-id "$ID" --forget
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr env -u GITHUB_ENV NITRO_CLIENT_SECRET="$SECRET" NITRO_FORMAT=github "$NT" \
		--base-url "$BASE" --client-id "$ID" -- sh -c 'echo "$NITRO_ACCESS_TOKEN"'
	[ "$status" -eq 0 ]
	[ "$output" = "$TOKEN" ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 1 ]
}

@test "azure: task.setvariable lines, the token marked secret" {
	fresh_token
	run nts -f azure
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "##vso[task.setvariable variable=NITRO_ACCESS_TOKEN;issecret=true]$TOKEN" ]
	[ "${lines[1]}" = "##vso[task.setvariable variable=NITRO_TOKEN_TYPE]Bearer" ]
	[[ "${lines[2]}" =~ ^\#\#vso\[task.setvariable\ variable=NITRO_TOKEN_EXPIRES_AT\][0-9]+$ ]]
}

@test "azure: an unknown lifetime sets NITRO_TOKEN_EXPIRES_AT to empty, so an earlier value does not survive" {
	start_server
	respond '{"status":200,"body":{"access_token":"t1"}}'
	run --separate-stderr nts -f azure
	[ "$status" -eq 0 ]
	[ "$output" = "##vso[task.setvariable variable=NITRO_ACCESS_TOKEN;issecret=true]t1
##vso[task.setvariable variable=NITRO_TOKEN_TYPE]Bearer
##vso[task.setvariable variable=NITRO_TOKEN_EXPIRES_AT]" ]
	[ "$stderr" = "" ]
}
