#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Tokens that stay good: --rejected after a revocation, --keep-fresh for a
# job that outlives its token, and --status.

load helper

setup() {
	common_setup
	with_cache
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
}

teardown() {
	local pid
	for pid in ${KILL_PIDS:-}; do
		kill -KILL "$pid" 2>/dev/null || true
	done
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

# keeper dirs left under $XDG_RUNTIME_DIR
keeper_dirs() {
	find "$XDG_RUNTIME_DIR" -mindepth 1 -maxdepth 1 -name 'nitro-token.*'
}

# twenty_at_once ARG...: 20 runs started together; out.N and err.N
twenty_at_once() {
	local i pids=()
	for i in $(seq 20); do
		"$@" >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
}

# jwt PAYLOAD: an unsigned-looking JWT with that JSON payload
jwt() {
	local h p
	h=$(printf '{"alg":"RS256","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
	p=$(printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')
	printf '%s.%s.c2lnbmF0dXJl' "$h" "$p"
}

# keeper ARG...: nitro-token itself (not a subshell around it), for a job run with &
keeper() {
	NITRO_CLIENT_SECRET="$SECRET" exec "$NT" --base-url "$BASE" --client-id "$ID" "$@"
}

# wait_for FILE: until FILE exists and is not empty (at most 5 s)
wait_for() {
	local i
	for ((i = 0; i < 250; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.02
	done
	return 1
}

# ---- --rejected ----

@test "after a rotation, --rejected with the revoked token gets a new one that the API takes" {
	unique_tokens
	run nts
	[ "$output" = tok-1 ]
	[ "$(api_status tok-1)" = 200 ]
	rotate
	[ "$(api_status tok-1)" = 401 ]
	NITRO_ACCESS_TOKEN=tok-1 run --separate-stderr nts --rejected
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$stderr" = "" ]
	[ "$(api_status tok-2)" = 200 ]
	[ "$(request_count)" = 2 ]
	[ "$(request 2 .contract)" = ok ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = "$SECRET" ]
	[ "$(jq -r .access_token "$(entry)")" = tok-2 ]
}

@test "the API's 401 is problem JSON that says why" {
	unique_tokens
	nts >/dev/null
	rotate
	run curl -s -H 'Authorization: Bearer tok-1' "$BASE/api/test"
	[ "$(jq -c . <<<"$output")" = '{"type":"https://fake-nitro.invalid/problems/token-revoked","title":"Unauthorized","status":401,"detail":"the access token was revoked by a credential rotation"}' ]
}

@test "a second --rejected with the old token sends nothing and prints the new one" {
	unique_tokens
	nts >/dev/null
	rotate
	NITRO_ACCESS_TOKEN=tok-1 nts --rejected >/dev/null
	NITRO_ACCESS_TOKEN=tok-1 run --separate-stderr nts --rejected -v
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[[ "$stderr" == *"nitro-token: cache: the entry holds another token already"* ]]
	[ "$(request_count)" = 2 ]
}

@test "--rejected reads the first line of standard input when NITRO_ACCESS_TOKEN is unset or empty" {
	unique_tokens
	nts >/dev/null
	NITRO_ACCESS_TOKEN='' run --separate-stderr nts --rejected < <(printf 'tok-1\r\nnot-this-line\n')
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$(request_count)" = 2 ]
	# stdin says tok-1, but NITRO_ACCESS_TOKEN wins: tok-2 is refused now
	NITRO_ACCESS_TOKEN=tok-2 run nts --rejected <<<tok-1
	[ "$output" = tok-3 ]
	[ "$(request_count)" = 3 ]
}

@test "--rejected never takes the token from argv" {
	unique_tokens
	run --separate-stderr nts --rejected tok-1
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$(request_count)" = 0 ]
}

@test "--rejected with no token anywhere is a usage error and sends nothing" {
	unique_tokens
	run --separate-stderr nts --rejected </dev/null
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --rejected: no token in NITRO_ACCESS_TOKEN or on standard input" ]
	[ "$(request_count)" = 0 ]
}

@test "--rejected with a token longer than any token is a usage error" {
	unique_tokens
	run --separate-stderr nts --rejected < <(head -c 16385 /dev/zero | tr '\0' a)
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --rejected: the token on standard input is longer than 16384 bytes" ]
	[ "$(request_count)" = 0 ]
}

@test "--rejected with the secret on standard input wants the token in NITRO_ACCESS_TOKEN" {
	unique_tokens
	run --separate-stderr nt --client-secret-file - --rejected <<<"$SECRET"
	[ "$status" -eq 2 ]
	[ "$stderr" = "nitro-token: --rejected: standard input holds the client secret; give the rejected token in NITRO_ACCESS_TOKEN" ]
	[ "$(request_count)" = 0 ]
	NITRO_ACCESS_TOKEN=old run --separate-stderr nt --client-secret-file - --rejected <<<"$SECRET"
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
}

@test "20 parallel --rejected runs after a rotation make exactly one request" {
	unique_tokens
	nts >/dev/null
	rotate
	NITRO_ACCESS_TOKEN=tok-1 twenty_at_once nts --rejected
	for i in $(seq 20); do
		[ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = tok-2 ]
		[ ! -s "$BATS_TEST_TMPDIR/err.$i" ]
	done
	[ "$(request_count)" = 2 ]
}

@test "20 parallel --rejected runs with a secret command: it runs once more, one request, the new secret" {
	unique_tokens
	printf 'old-secret\n' >"$BATS_TEST_TMPDIR/secret"
	local cmd="echo run >>'$BATS_TEST_TMPDIR/runs'; cat '$BATS_TEST_TMPDIR/secret'"
	nt --client-secret-command "$cmd" >/dev/null
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" = 1 ]
	# the application's credentials are rotated: a new secret, every token revoked
	printf 'new-secret\n' >"$BATS_TEST_TMPDIR/secret"
	rotate
	nt --client-secret-command "$cmd" >"$BATS_TEST_TMPDIR/hit"
	[ "$(cat "$BATS_TEST_TMPDIR/hit")" = tok-1 ]
	[ "$(api_status tok-1)" = 401 ]
	NITRO_ACCESS_TOKEN=tok-1 twenty_at_once nt --client-secret-command "$cmd" --rejected
	for i in $(seq 20); do
		[ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = tok-2 ]
		[ ! -s "$BATS_TEST_TMPDIR/err.$i" ]
	done
	[ "$(request_count)" = 2 ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = new-secret ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" = 2 ]
	[ "$(api_status tok-2)" = 200 ]
}

@test "--rejected with the cache off simply fetches" {
	unique_tokens
	export NITRO_CACHE=no
	NITRO_ACCESS_TOKEN=tok-1 run nts --rejected
	[ "$output" = tok-1 ]
	NITRO_ACCESS_TOKEN=tok-1 run nts --rejected
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	[ "$(request_count)" = 2 ]
	[ ! -d "$CACHE" ]
}

@test "--rejected with a token the cache never held, and no entry, fetches a fresh one" {
	unique_tokens
	NITRO_ACCESS_TOKEN=never-seen run --separate-stderr nts --rejected
	[ "$status" -eq 0 ]
	[ "$output" = tok-1 ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 1 ]
}

@test "--rejected in exec mode and a shell format: the command and the variables get the new token" {
	unique_tokens
	nts >/dev/null
	NITRO_ACCESS_TOKEN=tok-1 run nts --rejected -- sh -c 'echo "$NITRO_ACCESS_TOKEN"'
	[ "$status" -eq 0 ]
	[ "$output" = tok-2 ]
	NITRO_ACCESS_TOKEN=tok-2 run nts --rejected --export
	[ "${lines[0]}" = "export NITRO_ACCESS_TOKEN='tok-3'" ]
	[ "$(request_count)" = 3 ]
}

@test "--rejected fails as a fetch does when the server refuses, and leaves no entry behind" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-1","expires_in":3600}}' \
		'{"status":401,"body":{"error":"invalid_client"}}'
	nts >/dev/null
	NITRO_ACCESS_TOKEN=tok-1 run --separate-stderr nts --rejected
	[ "$status" -eq 6 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: POST $BASE/oauth/token: 401 invalid_client
nitro-token: check the client ID (from --client-id) and secret (from NITRO_CLIENT_SECRET)" ]
	[ -z "$(entry)" ]
}

@test "docs/cache.md's recipe: on a 401, --rejected and one more try" {
	unique_tokens
	nts >/dev/null
	rotate
	# the recipe as docs/cache.md gives it, with the fake API's URL
	sed -n '/^export NITRO_ACCESS_TOKEN$/,/^fi$/p' "$ROOT/docs/cache.md" |
		sed "s|https://api.gonitro.dev/\.\.\.|$BASE/api/test|" >"$BATS_TEST_TMPDIR/recipe"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/recipe")" -ge 10 ]
	printf 'echo "$code"\n' >>"$BATS_TEST_TMPDIR/recipe"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$NT" "$BATS_TEST_TMPDIR/bin/nitro-token"
	cd "$BATS_TEST_TMPDIR"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" NITRO_CLIENT_SECRET=$SECRET NITRO_BASE_URL=$BASE NITRO_CLIENT_ID=$ID \
		run bash "$BATS_TEST_TMPDIR/recipe"
	[ "$status" -eq 0 ]
	[ "$output" = 200 ]
	[ "$(jq -c . out.json)" = '{"ok":true}' ]
	[ "$(request_count)" = 2 ]
	[ "$(jq -r .access_token "$(entry)")" = tok-2 ]
}

# ---- --status ----

@test "--status before and after a fetch: exit 9 then 0, the entry's path, never the token" {
	unique_tokens
	run --separate-stderr nts --status
	[ "$status" -eq 9 ]
	[ "$stderr" = "" ]
	local before=$output
	[ "$(request_count)" = 0 ]
	nts >/dev/null
	local e obtained expires
	e=$(entry)
	[ "$before" = "$(printf 'cached        no\nmeets min-ttl no (300 s)\nentry         %s' "$e")" ]
	obtained=$(jq .obtained_at "$e")
	expires=$(jq .expires_at "$e")
	run --separate-stderr nts --status
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "cached        yes" ]
	[ "${lines[1]}" = "token type    Bearer" ]
	[[ "${lines[2]}" =~ ^"obtained at   $(date -u -d "@$obtained" +%Y-%m-%dT%H:%M:%SZ) ("[01]" s ago)"$ ]]
	[ "${lines[3]}" = "expires at    $(date -u -d "@$expires" +%Y-%m-%dT%H:%M:%SZ)" ]
	[[ "${lines[4]}" =~ ^"seconds left  "359[89]|3600$ ]]
	[ "${lines[5]}" = "meets min-ttl yes (300 s)" ]
	[ "${lines[6]}" = "entry         $e" ]
	[ "${#lines[@]}" = 7 ]
	[[ "$output" != *tok-1* ]]
	[ "$(request_count)" = 1 ]
}

@test "--status --json: one object, with --min-ttl above and below what is left" {
	unique_tokens
	nts >/dev/null
	local e now
	e=$(entry)
	# a 600 s token obtained 100 s ago
	now=$(date +%s)
	jq -c ".obtained_at = $((now - 100)) | .expires_at = $((now + 500))" "$e" >"$e.new"
	mv "$e.new" "$e"
	run --separate-stderr nts --status --json --min-ttl 400
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(jq -c 'del(.expires_in)' <<<"$output")" = "$(jq -c --arg e "$e" \
		'{cached:true, token_type, obtained_at, expires_at, min_ttl:400, meets_min_ttl:true, entry:$e, claims:null, claims_verified:false}' "$e")" ]
	[ "$(jq '.expires_in >= 499 and .expires_in <= 500' <<<"$output")" = true ]
	run --separate-stderr nts --status --json --min-ttl 550
	[ "$status" -eq 9 ]
	[ "$stderr" = "" ]
	[ "$(jq -c '[.cached, .meets_min_ttl, .min_ttl]' <<<"$output")" = '[true,false,550]' ]
	[[ "$output" != *tok-1* ]]
	[ "$(request_count)" = 1 ]
}

@test "--status of an expired entry: cached, 0 seconds left, exit 9" {
	unique_tokens
	nts >/dev/null
	local f now
	f=$(entry)
	now=$(date +%s)
	jq -c ".obtained_at = $((now - 100)) | .expires_at = $((now - 10))" "$f" >"$f.new"
	mv "$f.new" "$f"
	run --separate-stderr nts --status
	[ "$status" -eq 9 ]
	[ "${lines[3]}" = "expires at    $(date -u -d "@$((now - 10))" +%Y-%m-%dT%H:%M:%SZ) (expired)" ]
	[ "${lines[4]}" = "seconds left  0" ]
	[ "${lines[5]}" = "meets min-ttl no (300 s)" ]
}

@test "--status shows a JWT's claims, marked not verified, and never the token" {
	start_server
	local now t
	now=$(date +%s)
	t=$(jwt "{\"iss\":\"https://issuer.test\",\"sub\":\"client-abc\",\"aud\":[\"nitro\"],\"iat\":$now,\"exp\":$((now + 3600)),\"scope\":\"sign\",\"x\":\"\\u001b[31m\"}")
	respond_token "$t" Bearer 7200
	nts >/dev/null
	run --separate-stderr nts --status
	[ "$status" -eq 0 ]
	[ "${lines[7]}" = "claims        (not verified)" ]
	[ "${lines[8]}" = '  iss         "https://issuer.test"' ]
	[ "${lines[9]}" = '  sub         "client-abc"' ]
	[ "${lines[10]}" = '  aud         ["nitro"]' ]
	[ "${lines[11]}" = "  iat         $now" ]
	[ "${lines[12]}" = "  exp         $((now + 3600))" ]
	[ "${#lines[@]}" = 13 ]
	[[ "$output" != *"${t%%.*}"* ]]
	[[ "$output" != *c2lnbmF0dXJl* ]]
	run nts --status --json
	[ "$(jq -c '[.claims, .claims_verified, .expires_at]' <<<"$output")" = "[{\"iss\":\"https://issuer.test\",\"sub\":\"client-abc\",\"aud\":[\"nitro\"],\"iat\":$now,\"exp\":$((now + 3600))},false,$((now + 3600))]" ]
	[[ "$output" != *"${t%%.*}"* ]]
	[ "$(request_count)" = 1 ]
}

@test "--status never runs the secret command and sends nothing" {
	unique_tokens
	local cmd="touch '$BATS_TEST_TMPDIR/ran'; echo '$SECRET'"
	run --separate-stderr nt --client-secret-command "$cmd" --status
	[ "$status" -eq 9 ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	nt --client-secret-command "$cmd" >/dev/null
	rm "$BATS_TEST_TMPDIR/ran"
	run --separate-stderr nt --client-secret-command "$cmd" --status --json
	[ "$status" -eq 0 ]
	[ "$(jq .cached <<<"$output")" = true ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[[ "$output" != *"$SECRET"* && "$output" != *tok-1* ]]
	[ "$(request_count)" = 1 ]
}

@test "--status reads the entry even with the cache off" {
	unique_tokens
	nts >/dev/null
	run nts --status --no-cache --json
	[ "$status" -eq 0 ]
	[ "$(jq .cached <<<"$output")" = true ]
	[ "$(request_count)" = 1 ]
}

# ---- --keep-fresh ----

@test "--keep-fresh without a command is a usage error" {
	unique_tokens
	run --separate-stderr nts --keep-fresh
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "$(printf "%s\n%s" "nitro-token: option '--keep-fresh' needs a command after '--'" \
		"Try 'nitro-token --help' for more information.")" ]
	[ "$(request_count)" = 0 ]
}

@test "--keep-fresh: the file and the variables, a private directory under XDG_RUNTIME_DIR, gone at the end" {
	unique_tokens
	run --separate-stderr nts --keep-fresh -- sh -c '
		f=$NITRO_ACCESS_TOKEN_FILE
		echo "$f"
		cat "$f"
		echo "$NITRO_ACCESS_TOKEN $NITRO_TOKEN_TYPE ${NITRO_CLIENT_SECRET:-no-secret}"
		stat -c %a "$f" "${f%/*}"
		od -An -c "$f"
		exit 3'
	[ "$status" -eq 3 ]
	[ "$stderr" = "" ]
	[[ "${lines[0]}" =~ ^"$XDG_RUNTIME_DIR"/nitro-token\.[0-9]+\.[A-Za-z0-9]{6}/token$ ]]
	[ "${lines[1]}" = tok-1 ]
	[ "${lines[2]}" = "tok-1 Bearer no-secret" ]
	[ "${lines[3]}" = 600 ]
	[ "${lines[4]}" = 700 ]
	# the token and one line ending, as a shell's read wants it
	[ "$(echo ${lines[5]})" = 't o k - 1 \n' ]
	[ ! -e "${lines[0]}" ]
	[ -z "$(keeper_dirs)" ]
	[ "$(request_count)" = 1 ]
}

@test "--keep-fresh without XDG_RUNTIME_DIR uses TMPDIR" {
	unique_tokens
	mkdir -p "$BATS_TEST_TMPDIR/tmp"
	XDG_RUNTIME_DIR='' TMPDIR="$BATS_TEST_TMPDIR/tmp" run nts --keep-fresh -- sh -c 'echo "$NITRO_ACCESS_TOKEN_FILE"'
	[ "$status" -eq 0 ]
	[[ "$output" == "$BATS_TEST_TMPDIR/tmp/nitro-token."*/token ]]
	[ -z "$(ls "$BATS_TEST_TMPDIR/tmp")" ]
}

@test "--keep-fresh: a job that runs three lifetimes of a 3 s token never gets a 401" {
	unique_tokens 3
	cat >"$BATS_TEST_TMPDIR/job" <<'EOF'
#!/bin/bash
# every half second for 10 s: the API with the file's token
for ((i = 0; i < 20; i++)); do
	printf 'header = "Authorization: Bearer %s"\n' "$(cat "$NITRO_ACCESS_TOKEN_FILE")" |
		curl -s -K - -o /dev/null -w '%{http_code}\n' "$1/api/test" >>"$2"
	sleep 0.5
done
echo "$NITRO_ACCESS_TOKEN_FILE" >"$3"
exit 7
EOF
	chmod +x "$BATS_TEST_TMPDIR/job"
	run --separate-stderr nts --min-ttl 1 --keep-fresh -- "$BATS_TEST_TMPDIR/job" "$BASE" \
		"$BATS_TEST_TMPDIR/codes" "$BATS_TEST_TMPDIR/file"
	[ "$status" -eq 7 ]
	[ "$stderr" = "" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/codes")" = 20 ]
	[ "$(sort -u "$BATS_TEST_TMPDIR/codes")" = 200 ]
	# a new token about every 2 s (3 s tokens renewed 1 s before their end)
	[ "$(request_count)" -ge 5 ]
	[ "$(request_count)" -le 8 ]
	[ ! -e "$(cat "$BATS_TEST_TMPDIR/file")" ]
	[ -z "$(keeper_dirs)" ]
}

@test "--keep-fresh: a --rejected elsewhere reaches the file at once" {
	unique_tokens
	cat >"$BATS_TEST_TMPDIR/job" <<'EOF'
#!/bin/bash
old=$(cat "$NITRO_ACCESS_TOKEN_FILE")
curl -sf -X POST "$BASE/_control/rotate" >/dev/null
# what a job does on a 401: say the token was rejected
NITRO_ACCESS_TOKEN='' NITRO_CLIENT_SECRET=$SECRET "$NT" --base-url "$BASE" --client-id "$ID" --rejected \
	<"$NITRO_ACCESS_TOKEN_FILE" >/dev/null || exit 1
sleep 0.6
echo "$old $(cat "$NITRO_ACCESS_TOKEN_FILE")"
EOF
	chmod +x "$BATS_TEST_TMPDIR/job"
	export BASE NT ID SECRET
	run --separate-stderr nts --keep-fresh -- "$BATS_TEST_TMPDIR/job"
	[ "$status" -eq 0 ]
	[ "$output" = "tok-1 tok-2" ]
	[ "$stderr" = "" ]
	[ "$(request_count)" = 2 ]
	[ "$(api_status tok-2)" = 200 ]
}

@test "--keep-fresh: SIGTERM goes to the job; its status is ours; the file is gone" {
	unique_tokens
	keeper --keep-fresh -- sh -c '
		trap "echo term >\"\$0/got\"; exit 5" TERM
		echo "$NITRO_ACCESS_TOKEN_FILE" >"$0/file"
		while :; do sleep 0.1; done' "$BATS_TEST_TMPDIR" &
	local keeper=$!
	KILL_PIDS=$keeper
	wait_for "$BATS_TEST_TMPDIR/file"
	[ -e "$(cat "$BATS_TEST_TMPDIR/file")" ]
	kill -TERM "$keeper"
	local rc=0
	wait "$keeper" || rc=$?
	[ "$rc" -eq 5 ]
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = term ]
	[ ! -e "$(cat "$BATS_TEST_TMPDIR/file")" ]
	[ -z "$(keeper_dirs)" ]
}

@test "--keep-fresh: SIGTERM, SIGINT and SIGHUP kill a job that does not catch them: exit 128 + N" {
	unique_tokens
	local sig n keeper rc
	for sig in TERM INT HUP; do
		rm -f "$BATS_TEST_TMPDIR/file"
		# exec: the job is sleep itself, which leaves SIGINT as it is (not ignored)
		keeper --keep-fresh -- sh -c 'echo "$NITRO_ACCESS_TOKEN_FILE" >"$0/file"; exec sleep 30' \
			"$BATS_TEST_TMPDIR" &
		keeper=$!
		KILL_PIDS=$keeper
		wait_for "$BATS_TEST_TMPDIR/file"
		sleep 0.1
		kill -"$sig" "$keeper"
		rc=0
		wait "$keeper" || rc=$?
		n=$(kill -l "$sig")
		[ "$rc" -eq $((128 + n)) ]
		[ ! -e "$(cat "$BATS_TEST_TMPDIR/file")" ]
	done
	[ -z "$(keeper_dirs)" ]
}

@test "--keep-fresh: a SIGTERM before COMMAND runs: it never runs, exit 143, nothing left" {
	preloaded failcall
	unique_tokens
	local t=$BATS_TEST_TMPDIR pid i st=0
	# the keeper stops itself at its first renameat(), the token file's
	# (the cache is off): its handlers are in place, COMMAND not started.
	# setsid: its process group is its own, as a signal to the group would
	# come back to it
	NITRO_CACHE=no FAIL_CALL=renameat FAIL_CALL_AT=1 FAIL_CALL_ERRNO=STOP FAIL_CALL_REACHED="$t/stopped" \
		NITRO_CLIENT_SECRET="$SECRET" setsid env LD_PRELOAD="$ROOT/tests/preload/failcall.so" \
		"$NT" --base-url "$BASE" --client-id "$ID" --keep-fresh -- touch "$t/ran" 2>"$t/err" &
	pid=$!
	for i in $(seq 100); do [ -e "$t/stopped" ] && break; sleep 0.1; done
	[ -e "$t/stopped" ]
	kill -TERM "$pid"
	kill -CONT "$pid"
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -KILL "$pid" 2>/dev/null; then
		echo "the keeper did not end"
		return 1
	fi
	wait "$pid" || st=$?
	[ "$st" = 143 ]
	[ ! -e "$t/ran" ]
	[ "$(cat "$t/err")" = "" ]
	[ -z "$(keeper_dirs)" ]
	[ "$(request_count)" = 1 ]
}

@test "--keep-fresh under nohup: SIGHUP ignored by the parent stays ignored, for the job too" {
	unique_tokens
	local keeper rc=0
	NITRO_CLIENT_SECRET="$SECRET" env --ignore-signal=HUP "$NT" --base-url "$BASE" --client-id "$ID" \
		--keep-fresh -- sh -c 'echo "$NITRO_ACCESS_TOKEN_FILE" >"$0/file"; exec sleep 30' \
		"$BATS_TEST_TMPDIR" &
	keeper=$!
	KILL_PIDS=$keeper
	wait_for "$BATS_TEST_TMPDIR/file"
	sleep 0.1
	kill -HUP "$keeper"
	sleep 0.3
	[ -e "/proc/$keeper" ]
	[ -s "$(cat "$BATS_TEST_TMPDIR/file")" ]
	kill -TERM "$keeper"
	wait "$keeper" || rc=$?
	[ "$rc" -eq 143 ]
	[ ! -e "$(cat "$BATS_TEST_TMPDIR/file")" ]
}

@test "--keep-fresh: a job killed outright: exit 137, the file is gone" {
	unique_tokens
	run --separate-stderr nts --keep-fresh -- sh -c 'echo "$NITRO_ACCESS_TOKEN_FILE"; kill -KILL $$'
	[ "$status" -eq 137 ]
	[ "$stderr" = "" ]
	[ ! -e "$output" ]
	[ -z "$(keeper_dirs)" ]
}

@test "--keep-fresh: a command that cannot be found is exit 127" {
	unique_tokens
	run -127 --separate-stderr nts --keep-fresh -- no-such-command-here
	[ "$status" -eq 127 ]
	[ "$stderr" = "nitro-token: cannot run 'no-such-command-here': No such file or directory" ]
	[ -z "$(keeper_dirs)" ]
}

@test "--keep-fresh: the directory of a keeper killed outright goes with the next keeper, not before" {
	unique_tokens
	keeper --keep-fresh -- sh -c 'echo "$NITRO_ACCESS_TOKEN_FILE" >"$0/file"; echo $$ >"$0/job"; exec sleep 30' \
		"$BATS_TEST_TMPDIR" &
	local keeper=$! dir
	KILL_PIDS=$keeper
	wait_for "$BATS_TEST_TMPDIR/job"
	kill -KILL "$keeper"
	wait "$keeper" || true
	kill -KILL "$(cat "$BATS_TEST_TMPDIR/job")"
	dir=$(dirname "$(cat "$BATS_TEST_TMPDIR/file")")
	[ -e "$dir/token" ]
	# a keeper of ours that is still alive (this shell's PID stands in for it)
	mkdir -m 700 "$XDG_RUNTIME_DIR/nitro-token.$$.AbCdEf"
	run nts --keep-fresh -- true
	[ "$status" -eq 0 ]
	[ ! -e "$dir" ]
	[ "$(keeper_dirs)" = "$XDG_RUNTIME_DIR/nitro-token.$$.AbCdEf" ]
}

@test "--keep-fresh: a failed renewal is retried and reported; the file is emptied at expiry, then refilled" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-1","expires_in":2}}' \
		'{"status":500,"body":{"error":"server_error"}}' \
		'{"status":500,"body":{"error":"server_error"}}' \
		'{"status":200,"body":{"access_token":"tok-4","expires_in":3600}}'
	cat >"$BATS_TEST_TMPDIR/job" <<'EOF'
#!/bin/bash
f=$NITRO_ACCESS_TOKEN_FILE
for ((i = 0; i < 100; i++)); do [ -s "$f" ] || break; sleep 0.05; done
[ -e "$f" ] && [ ! -s "$f" ] || exit 1
for ((i = 0; i < 120; i++)); do [ -s "$f" ] && break; sleep 0.05; done
cat "$f"
EOF
	chmod +x "$BATS_TEST_TMPDIR/job"
	run --separate-stderr nts --min-ttl 1 --retries 0 --keep-fresh -- "$BATS_TEST_TMPDIR/job"
	[ "$status" -eq 0 ]
	[ "$output" = tok-4 ]
	[[ "$stderr" =~ ^"nitro-token: POST $BASE/oauth/token: 500 server_error"$'\n'"nitro-token: warning: keep-fresh: cannot renew the token; trying again in 1 s"$'\n'"nitro-token: POST $BASE/oauth/token: 500 server_error"$'\n'"nitro-token: warning: keep-fresh: cannot renew the token; trying again in 2 s"$'\n'"nitro-token: warning: keep-fresh: the token expired; '$XDG_RUNTIME_DIR/nitro-token."[0-9]+\.[A-Za-z0-9]{6}"/token' is empty until one is renewed"$ ]]
	[ "$(request_count)" = 4 ]
}

@test "--keep-fresh: two keepers and their renewals share one request per token" {
	unique_tokens 3
	local job='for i in 1 2 3 4 5 6 7 8 9; do cat "$NITRO_ACCESS_TOKEN_FILE" >>"$0"; sleep 0.5; done'
	keeper --min-ttl 1 --keep-fresh -- bash -c "$job" "$BATS_TEST_TMPDIR/a" &
	local a=$!
	keeper --min-ttl 1 --keep-fresh -- bash -c "$job" "$BATS_TEST_TMPDIR/b" &
	local b=$!
	KILL_PIDS="$a $b"
	wait "$a"
	wait "$b"
	# 4.5 s of 3 s tokens renewed 1 s before their end: the first token and two more
	[ "$(request_count)" -le 3 ]
	# both jobs saw renewals
	[ "$(sort -u "$BATS_TEST_TMPDIR/a" | wc -l)" -ge 2 ]
	[ "$(sort -u "$BATS_TEST_TMPDIR/b" | wc -l)" -ge 2 ]
}

@test "--keep-fresh: a token that lives less than --min-ttl is renewed half-way through its life" {
	unique_tokens 2
	cat >"$BATS_TEST_TMPDIR/job" <<'EOF'
#!/bin/bash
for ((i = 0; i < 8; i++)); do
	printf 'header = "Authorization: Bearer %s"\n' "$(cat "$NITRO_ACCESS_TOKEN_FILE")" |
		curl -s -K - -o /dev/null -w '%{http_code}\n' "$1/api/test" >>"$2"
	sleep 0.5
done
EOF
	chmod +x "$BATS_TEST_TMPDIR/job"
	run --separate-stderr nts --keep-fresh -- "$BATS_TEST_TMPDIR/job" "$BASE" "$BATS_TEST_TMPDIR/codes"
	[ "$status" -eq 0 ]
	[ "$(sort -u "$BATS_TEST_TMPDIR/codes")" = 200 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/codes")" = 8 ]
	# about one token a second for 4 s, not one a poll
	[ "$(request_count)" -ge 4 ]
	[ "$(request_count)" -le 8 ]
	[ "$(sort -u <<<"$stderr")" = "nitro-token: warning: the token lives 2 s, not more than --min-ttl 300 s; it is reused for half its life" ]
}

@test "--keep-fresh: no directory can be made: exit 1, the command never runs" {
	unique_tokens
	XDG_RUNTIME_DIR=/proc run --separate-stderr nts --keep-fresh -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: keep-fresh: cannot make a directory in '/proc': No such file or directory" ]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}
