#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Secrets from every source: the value itself, a file or standard input (a
# prompt on a terminal), --client-secret-command with a real password
# manager (pass, with a throwaway GnuPG key) end to end; and --forget.

load helper

setup() {
	common_setup
	with_cache
}

teardown() {
	stop_server
	if [ -n "${GNUPGHOME:-}" ]; then
		gpgconf --kill gpg-agent 2>/dev/null || true
	fi
}

# without_cache: for a test that counts every request
without_cache() {
	export NITRO_CACHE=no
}

# ntc CMD [ARG...]: a run whose secret comes from the command CMD
ntc() {
	local cmd=$1
	shift
	"$NT" --base-url "$BASE" --client-id "$ID" --client-secret-command "$cmd" "$@"
}

@test "--client-secret-command: the first line of its output is the secret, line ending dropped" {
	start_server
	run ntc "printf '%s\\r\\nsecond line\\n' '$SECRET'"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
}

@test "the command runs with /bin/sh -c, the user's stdin and stderr, and none of our secrets" {
	start_server
	run --separate-stderr env NITRO_CLIENT_SECRET_COMMAND='read -r s; echo "to stderr" >&2; env | grep -c "^NITRO_CLIENT_SECRET=" >&2; ls -l /proc/$$/fd/ >"$FDS"; echo "$s"' FDS="$BATS_TEST_TMPDIR/fds" \
		NITRO_CLIENT_SECRET_FILE= "$NT" --base-url "$BASE" --client-id "$ID" <<<"$SECRET"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[ "${stderr}" = "to stderr
0" ]
	# the cache's lock and directory are open in nitro-token meanwhile, but
	# not in the command
	grep -q ' 0 -> ' "$BATS_TEST_TMPDIR/fds"
	[ -d "$CACHE" ]
	! grep -q "$CACHE" "$BATS_TEST_TMPDIR/fds"
	assert_one_good_request
}

@test "a command that fails, is killed or prints nothing: exit 3, its status named, its output never" {
	start_server
	run --separate-stderr ntc "echo leaked-$SECRET; exit 7"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command exited with status 7; nothing was sent" ]
	run --separate-stderr ntc 'echo x; kill -TERM $$'
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command was killed by signal 15; nothing was sent" ]
	run --separate-stderr ntc 'true'
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: client secret in the output of the command is empty" ]
	run --separate-stderr ntc 'head -c 5000 /dev/zero | tr "\0" a'
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: client secret in the output of the command is longer than 4096 bytes" ]
	run --separate-stderr ntc 'no-such-command-here 2>/dev/null'
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command exited with status 127 (not found?); nothing was sent" ]
	[ "$(request_count)" = 0 ]
}

@test "a secret of exactly 4096 bytes from a command is sent" {
	start_server
	run ntc 'head -c 4096 /dev/zero | tr "\0" a'
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret | length')" = 4096 ]
}

@test "a command still running at --timeout is killed with its process group: exit 3, in time" {
	start_server
	local t0 t1
	t0=$(date +%s)
	run --separate-stderr ntc "sleep 30 & echo \$! >'$BATS_TEST_TMPDIR/child'; sleep 30" --timeout 2
	t1=$(date +%s)
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command was still running at --timeout; its process group was killed and nothing was sent" ]
	[ $((t1 - t0)) -lt 10 ]
	# the background child of the command died with it
	sleep 0.2
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/child")" 2>/dev/null
	[ "$(request_count)" = 0 ]
}

@test "two secret sources on one level are a usage error; the higher level wins" {
	start_server
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	run ntc 'echo x' --client-secret-file "$BATS_TEST_TMPDIR/secret"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --client-secret-file and --client-secret-command both give the client secret; keep one" ]
	run env NITRO_CLIENT_SECRET=x NITRO_CLIENT_SECRET_COMMAND='echo y' "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CLIENT_SECRET and NITRO_CLIENT_SECRET_COMMAND both give the client secret; keep one" ]
	# a flag beats the environment, whatever the kinds
	run env NITRO_CLIENT_SECRET=wrong "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-command "echo '$SECRET'"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "a config file naming a secret command must be private, like one holding the secret" {
	start_server
	write_config "[default]
client-secret-command = echo $SECRET"
	chmod 644 "$HOME/.config/nitro-token/config"
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $HOME/.config/nitro-token/config: holds client-secret but others may read it (mode 0644); run: chmod 600 '$HOME/.config/nitro-token/config'" ]
	chmod 600 "$HOME/.config/nitro-token/config"
	run nt
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "-v says where the secret came from; --show-config shows the command, never the secret" {
	start_server
	run --separate-stderr ntc "echo '$SECRET'" -v
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"nitro-token: client secret: from the command named by --client-secret-command"* ]]
	[[ "$stderr" == *"nitro-token: client-secret-command echo '$SECRET' (flag)"* ]]
	run ntc 'pass show nitro/secret' --show-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"client-secret-command pass show nitro/secret (flag)"* ]]
	[ "$(request_count)" = 1 ]
}

@test "a cache hit does not run the command; the entry is keyed on the command's text" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-{n}","expires_in":3600}}'
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'"
	[ "$output" = tok-1 ]
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'"
	[ "$output" = tok-1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" = 1 ]
	# the same secret from elsewhere is another entry: command text and secret never meet
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$output" = tok-2 ]
	# a rotated secret behind the same command gets the old token until --refresh
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo rotated"
	[ "$output" = tok-3 ]
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'" --refresh
	[ "$output" = tok-4 ]
	[ "$(request 4 '.body | fromjson | .clientSecret')" = "$SECRET" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" = 3 ]
}

@test "--forget removes this credential set's token, sends nothing, and exits 0 either way" {
	start_server
	respond '{"status":200,"body":{"access_token":"tok-{n}","expires_in":3600}}'
	run nts
	[ "$output" = tok-1 ]
	run nts --forget
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ -z "$(find "$CACHE" -type f ! -name '*.lock')" ]
	run nts --forget
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run nts
	[ "$output" = tok-2 ]
	# another credential set's entry is left alone
	run env NITRO_CLIENT_SECRET=other "$NT" --base-url "$BASE" --client-id "$ID" --forget
	[ "$status" -eq 0 ]
	run nts
	[ "$output" = tok-2 ]
	# with a command, --forget does not run it
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'"
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'" --forget
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/runs")" = 1 ]
	run ntc "echo run >>'$BATS_TEST_TMPDIR/runs'; echo '$SECRET'"
	[ "$output" = tok-4 ]
	[ "$(request_count)" = 4 ]
}

@test "--forget needs what a fetch needs: no client ID is exit 3" {
	run env NITRO_CLIENT_SECRET=x "$NT" --forget
	[ "$status" -eq 3 ]
	[[ "$output" == "nitro-token: no client ID: "* ]]
}

@test "pass, end to end: a throwaway GnuPG key, a password store, and --client-secret-command" {
	command -v pass >/dev/null && command -v gpg >/dev/null || skip "pass and gpg are not installed"
	start_server
	export GNUPGHOME="$HOME/.gnupg" PASSWORD_STORE_DIR="$HOME/.password-store"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --pinentry-mode loopback --passphrase '' \
		--quick-gen-key nitro-test@example.invalid future-default default never 2>/dev/null
	pass init nitro-test@example.invalid >/dev/null
	printf '%s\n' "$SECRET" | pass insert -e nitro/client-secret >/dev/null
	run ntc 'pass show nitro/client-secret'
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
	# a wrong entry: pass fails, and so do we, without a request
	run --separate-stderr ntc 'pass show nitro/no-such-entry'
	[ "$status" -eq 3 ]
	# pass's own complaint reaches the user's stderr; ours follows
	[ "$stderr" = "Error: nitro/no-such-entry is not in the password store.
nitro-token: --client-secret-command: the command exited with status 1; nothing was sent" ]
	[ "$(request_count)" = 1 ]
}

@test "--client-secret-file reads a file and drops one trailing newline" {
	without_cache
	start_server
	printf '%s\n\n' "$SECRET" >"$BATS_TEST_TMPDIR/s2"
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/s1"
	chmod 444 "$BATS_TEST_TMPDIR/s1"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/s1"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
	run nt --client-secret-file "$BATS_TEST_TMPDIR/s2"
	[ "$status" -eq 0 ]
	# only one newline goes: the second is part of the secret
	[ "$(request 2 '.body | fromjson | .clientSecret | @json')" = "\"$SECRET\\n\"" ]
}

@test "--client-secret-file - reads standard input" {
	without_cache
	start_server
	run sh -c 'printf "%s\n" "$1" | "$2" --base-url "$3" --client-id x --client-secret-file -' sh "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "NITRO_CLIENT_SECRET_FILE, the mounted-secret convention" {
	without_cache
	start_server
	printf '%s' "$SECRET" >"$BATS_TEST_TMPDIR/mounted"
	run env NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/mounted" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "an empty, missing or oversized secret file: exit 3, nothing sent" {
	without_cache
	start_server
	printf '\n' >"$BATS_TEST_TMPDIR/empty"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/empty"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '$BATS_TEST_TMPDIR/empty' is empty" ]
	run nt --client-secret-file "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: cannot open the secret file it names: No such file or directory" ]
	head -c 5000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/big"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '$BATS_TEST_TMPDIR/big' is longer than 4096 bytes" ]
	run sh -c ': | "$1" --base-url "$2" --client-id x --client-secret-file -' sh "$NT" "$BASE"
	[ "$status" -eq 3 ]
	[ "$(request_count)" = 0 ]
}

@test "two secret sources on one level: exit 2 for flags, 3 for environment or file" {
	without_cache
	start_server
	printf 'x\n' >"$BATS_TEST_TMPDIR/s"
	run nt -q --client-secret a --client-secret-file "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --client-secret and --client-secret-file both give the client secret; keep one" ]
	run env NITRO_CLIENT_SECRET=a NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/s" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CLIENT_SECRET and NITRO_CLIENT_SECRET_FILE both give the client secret; keep one" ]
	write_config "[default]
client-secret = a
client-secret-file = /x"
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:2: client-secret and $(CONF_DIR)/config:3: client-secret-file both give the client secret; keep one" ]
	[ "$(request_count)" = 0 ]
}

@test "a secret file given as a flag beats a secret in the environment" {
	without_cache
	start_server
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/s"
	run env NITRO_CLIENT_SECRET=from-env "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-file "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "a secret given on the command line is gone from /proc/PID/cmdline during the request" {
	without_cache
	start_server
	respond '{"status":200,"body":{"access_token":"t"},"delay":1.5}'
	"$NT" -q --base-url "$BASE" --client-id "$ID" --client-secret "$SECRET" >/dev/null &
	local pid=$! i
	for i in $(seq 100); do
		[ "$(request_count)" = 1 ] && break
		sleep 0.02
	done
	[ "$(request_count)" = 1 ]
	local cmdline limits exe
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	limits=$(grep 'Max core file size' "/proc/$pid/limits")
	exe=$(readlink "/proc/$pid/exe")
	wait "$pid"
	# the soft limit only: exec mode gives COMMAND the hard limit back
	[[ "$limits" =~ Max\ core\ file\ size\ +0\  ]]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
	# the process is the emulator: /proc shows its own copy of the arguments
	[[ "$exe" != *qemu* ]] || skip "run by $exe: /proc/PID/cmdline is the emulator's argv"
	[[ "$cmdline" == *"--client-secret "* ]]
	[[ "$cmdline" != *"$SECRET"* ]]
}

@test "a secret of 4096 control characters is sent, JSON-escaped" {
	without_cache
	start_server
	head -c 4096 /dev/zero | tr '\0' '\001' >"$BATS_TEST_TMPDIR/ctl"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/ctl"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret | length')" = 4096 ]
	[ "$(request 1 '.body | fromjson | .clientSecret | explode | unique')" = "$(jq -c -n '[1]' | jq '.')" ]
}

@test "secret files: one CRLF is dropped, the limit counts after it, a BOM is refused" {
	without_cache
	start_server
	printf '%s\r\n' "$SECRET" >"$BATS_TEST_TMPDIR/crlf"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/crlf"
	[ "$status" -eq 0 ]
	assert_one_good_request
	{ head -c 4096 /dev/zero | tr '\0' a; printf '\r\n'; } >"$BATS_TEST_TMPDIR/max"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/max"
	[ "$status" -eq 0 ]
	[ "$(request 2 '.body | fromjson | .clientSecret | length')" = 4096 ]
	{ head -c 4097 /dev/zero | tr '\0' a; printf '\n'; } >"$BATS_TEST_TMPDIR/over"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/over"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '$BATS_TEST_TMPDIR/over' is longer than 4096 bytes" ]
	printf '\357\273\277%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/bom"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/bom"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '$BATS_TEST_TMPDIR/bom' starts with a UTF-8 byte order mark; save the file without it" ]
	printf 'a\0b\n' >"$BATS_TEST_TMPDIR/nul"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/nul"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: client secret in '$BATS_TEST_TMPDIR/nul' has a NUL byte" ]
	[ "$(request_count)" = 2 ]
}

@test "a secret-file path that cannot be opened is never echoed: it may be the secret" {
	without_cache
	start_server
	run env NITRO_CLIENT_SECRET_FILE="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CLIENT_SECRET_FILE: cannot open the secret file it names: No such file or directory" ]
	[ "$(request_count)" = 0 ]
}

@test "a FIFO nobody writes to as the secret file ends at --timeout with exit 3" {
	without_cache
	start_server
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	local t0 t1
	t0=$(date +%s)
	run timeout 20 "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-file "$BATS_TEST_TMPDIR/fifo" --timeout 2
	t1=$(date +%s)
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: --client-secret-file: timed out reading the client secret from '$BATS_TEST_TMPDIR/fifo' (--timeout)" ]
	[ $((t1 - t0)) -lt 10 ]
	[ "$(request_count)" = 0 ]
}

@test "a pipe as the secret file works, as <(pass show x) gives it" {
	without_cache
	start_server
	run bash -c '"$1" --base-url "$2" --client-id "$3" --client-secret-file <(sleep 0.3; printf "%s\n" "$4")' \
		sh "$NT" "$BASE" "$ID" "$SECRET"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "--client-secret-file - on a terminal prompts on stderr with echo off" {
	without_cache
	start_server
	run python3 "$TESTS_DIR/pty_prompt.py" "$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-file -
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "prompt: nitro-token: client secret: " ]
	[ "${lines[1]}" = "echo during prompt: off" ]
	[ "${lines[2]}" = "echo after: on" ]
	[ "${lines[3]}" = "secret shown: no" ]
	[ "${lines[4]}" = "exit: 0" ]
	assert_one_good_request
}

# gone PID: no process PID is running (a zombie that nobody reaps is gone)
gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$(echo "${stat##*) }" | cut -d' ' -f1)" = Z ]
}

# ignoring_sigchld CMD [ARG...]: CMD with SIGCHLD ignored, as some supervisors leave it
ignoring_sigchld() {
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

@test "a parent that ignores SIGCHLD: a failing command is still exit 3, and nothing is sent" {
	start_server
	run --separate-stderr ignoring_sigchld "$NT" --base-url "$BASE" --client-id "$ID" \
		--client-secret-command "echo '$SECRET'; exit 1"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command exited with status 1; nothing was sent" ]
	[ "$(request_count)" = 0 ]
	run ignoring_sigchld "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-command "echo '$SECRET'"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
}

@test "a child our parent left us is not waited for after the command: exit 0 at once" {
	start_server
	# sh forks a child, then execs nitro-token: the child is ours, in our
	# process group, and lives 60 s; waiting for it would hit timeout's 20
	run --separate-stderr timeout 20 sh -c 'sleep 60 & echo $! >"$1/child"; shift; exec "$@"' sh \
		"$BATS_TEST_TMPDIR" "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-command "echo '$SECRET'"
	kill "$(cat "$BATS_TEST_TMPDIR/child")"
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[ "$stderr" = "" ]
	assert_one_good_request
}

@test "exec mode: COMMAND starts with SIGCHLD at its default, even when ours was ignored" {
	start_server
	# the mask of ignored signals, with SIGCHLD's bit
	local bit=$(($(kill -l CHLD) - 1))
	run ignoring_sigchld grep SigIgn /proc/self/status
	[ $((0x${output##*[[:space:]]} >> bit & 1)) = 1 ]
	run ignoring_sigchld env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" \
		-- grep SigIgn /proc/self/status
	[ "$status" -eq 0 ]
	[ $((0x${output##*[[:space:]]} >> bit & 1)) = 0 ]
	assert_one_good_request
}

@test "a SIGTERM just after the command is started never leaves the command running" {
	local pids="$BATS_TEST_TMPDIR/pids" i pid c p alive=0
	export NITRO_CLIENT_SECRET_COMMAND="echo \$\$ >>'$pids'; exec sleep 30"
	# the command records its pid when it gets to run
	run timeout 1 "$NT" --base-url http://127.0.0.1:9 --client-id "$ID"
	[ "$(wc -l <"$pids")" = 1 ]
	# each SIGTERM comes as soon as the command's process exists
	for ((i = 0; i < 50; i++)); do
		"$NT" --base-url http://127.0.0.1:9 --client-id "$ID" &
		pid=$! c=
		while [ -z "$c" ] && [ -e "/proc/$pid" ]; do
			read -r c <"/proc/$pid/task/$pid/children" 2>/dev/null || true
		done
		kill -TERM "$pid"
		wait "$pid" && status=0 || status=$?
		[ "$status" -eq 143 ]
	done
	for p in $(cat "$pids"); do
		gone "$p" || { alive=$((alive + 1)) && kill -KILL "$p"; }
	done
	[ "$alive" = 0 ]
}

@test "Ctrl-C on a terminal during the command: exit 130 and its group killed, even if it ignores SIGINT" {
	start_server
	local pid="$BATS_TEST_TMPDIR/pid"
	run python3 "$TESTS_DIR/pty_key.py" ready ^C "$NT" --base-url "$BASE" --client-id "$ID" --timeout 8 \
		--client-secret-command "trap '' INT; echo \$\$ >'$pid'; echo ready >&2; exec sleep 30"
	[ "$status" -eq 0 ]
	[ "$output" = "after: ^C
exit: 130" ]
	gone "$(cat "$pid")"
	# a command that dies of the SIGINT: the run was interrupted, the command did not fail
	run python3 "$TESTS_DIR/pty_key.py" ready ^C "$NT" --base-url "$BASE" --client-id "$ID" --timeout 8 \
		--client-secret-command "echo ready >&2; exec sleep 30"
	[ "$output" = "after: ^C
exit: 130" ]
	[ "$(request_count)" = 0 ]
}

@test "Ctrl-Z on a terminal during the command ends the run at once: its group killed, exit 3" {
	start_server
	local pid="$BATS_TEST_TMPDIR/pid"
	run python3 "$TESTS_DIR/pty_key.py" ready ^Z "$NT" --base-url "$BASE" --client-id "$ID" --timeout 8 \
		--client-secret-command "echo \$\$ >'$pid'; echo ready >&2; exec sleep 30"
	[ "$status" -eq 0 ]
	[ "$output" = "after: ^Znitro-token: --client-secret-command: the command was stopped by signal $(kill -l TSTP); its process group was killed and nothing was sent
exit: 3" ]
	gone "$(cat "$pid")"
	[ "$(request_count)" = 0 ]
}

@test "a command that exits after its line, leaving a child that holds its stdout, is not waited for" {
	start_server
	local bg="$BATS_TEST_TMPDIR/bg"
	run ntc "sleep 30 2>/dev/null & echo \$! >'$bg'; echo '$SECRET'" --timeout 20
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	assert_one_good_request
	# done while the child still holds the pipe
	! gone "$(cat "$bg")"
	kill "$(cat "$bg")"
	# without a line ending, what it wrote by the time it exits is the secret
	run ntc "sleep 30 2>/dev/null & echo \$! >'$bg'; printf %s '$SECRET'" --timeout 20
	[ "$status" -eq 0 ]
	[ "$(request 2 '.body | fromjson | .clientSecret')" = "$SECRET" ]
	! gone "$(cat "$bg")"
	kill "$(cat "$bg")"
	# and a failure is told at once, not as a command still running at --timeout
	run --separate-stderr ntc "sleep 30 2>/dev/null & echo \$! >'$bg'; exit 7" --timeout 20
	[ "$status" -eq 3 ]
	[ "$stderr" = "nitro-token: --client-secret-command: the command exited with status 7; nothing was sent" ]
	! gone "$(cat "$bg")"
	kill "$(cat "$bg")"
	[ "$(request_count)" = 2 ]
}

# with_fd FD CMD [ARG...]: CMD with FD open on /dev/null, the soft open-file
# limit raised to take it, then put back to 1024
with_fd() {
	bash -c 'ulimit -Sn $(($1 + 1)) && eval "exec $1</dev/null" && ulimit -Sn 1024 && shift && exec "$@"' _ "$@"
}

@test "a descriptor above the open-file limit does not reach the command either" {
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -gt 2000 ] || skip "the hard open-file limit is $(ulimit -Hn)"
	start_server
	local fds="$BATS_TEST_TMPDIR/fds"
	# a child of ours would get it
	run with_fd 2000 ls /proc/self/fd
	[[ "$output" == *2000* ]]
	run with_fd 2000 "$NT" --base-url "$BASE" --client-id "$ID" \
		--client-secret-command "ls /proc/self/fd >'$fds'; echo '$SECRET'"
	[ "$status" -eq 0 ]
	[ "$(cat "$fds")" = "0
1
2
3" ]
	assert_one_good_request
}

@test "a descriptor above 65536 does not reach the command" {
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -gt 70000 ] ||
		skip "the hard open-file limit ($(ulimit -Hn)) is too low for descriptor 70000"
	start_server
	local fds="$BATS_TEST_TMPDIR/fds"
	run with_fd 70000 ls /proc/self/fd
	[[ "$output" == *70000* ]]
	run with_fd 70000 "$NT" --base-url "$BASE" --client-id "$ID" \
		--client-secret-command "ls /proc/self/fd >'$fds'; echo '$SECRET'"
	[ "$status" -eq 0 ]
	[ "$(cat "$fds")" = "0
1
2
3" ]
	assert_one_good_request
}

@test "on a terminal the command has the foreground: it may prompt and read the answer there" {
	start_server
	run python3 "$TESTS_DIR/pty_prompt.py" "$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" \
		--client-secret-command 'stty -echo; printf "client secret: " >&2; read -r s; stty echo; echo "$s"'
	[ "$status" -eq 0 ]
	[ "$output" = "prompt: client secret: 
echo during prompt: off
echo after: on
secret shown: no
exit: 0" ]
	assert_one_good_request
}
