#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# System calls that fail: the Nth call of open, read, write, flock, fork ...
# made to fail with one errno (tests/preload/failcall.c), for every N that a
# run reaches, over a cold fetch, a hit, the formats, exec mode, a secret
# command and --forget.  Every run must end with the documented status and
# message, print all of its output or none, leave the cache whole, not
# crash, and leave no copy of the secret (the wipe checker runs too).

load helper

setup() {
	common_setup
	with_cache
	preloaded failcall wipecheck
	FAILCALL="$ROOT/tests/preload/failcall.so"
	WIPE="$ROOT/tests/preload/wipecheck.so"
	# the outcome lists are kept for Debian 12 and later (libcurl 7.87 or
	# later): the portable build and older libcurls wait for libcurl in a
	# thread of ours (a pipe, a poll), the portable build seeds jansson from
	# /dev/urandom, and Debian 11's glibc reaches fstat by another symbol
	[ -z "${TEST_FALLBACKS:-}" ] || skip "the portable build's calls differ (its own list is not kept)"
	local lc
	lc=$("$NT" --version | sed -n 's|^libcurl/\([0-9.]*\).*|\1|p')
	[ "$(printf '%s\n' 7.87.0 "$lc" | sort -V | head -1)" = 7.87.0 ] ||
		skip "libcurl $lc: a resolver thread's calls and an older libc's (their list is not kept)"
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	OUTCOMES="$BATS_TEST_TMPDIR/outcomes"
	: >"$OUTCOMES"
}

# failing CALL ERRNO N [env] [VAR=VALUE...] ARG...: one run with the Nth CALL
# failing with ERRNO.  Both libraries act in the first process they start in
# and take their variables with them, so no env(1) may come between them and
# nitro-token: a leading "env" is dropped and its VAR=VALUE words kept.
failing() {
	local call=$1 err=$2 n=$3
	shift 3
	[ "$1" != env ] || shift
	rm -f "$BATS_TEST_TMPDIR/reached"
	run --separate-stderr env LD_BIND_NOW=1 LD_PRELOAD="$FAILCALL $WIPE" \
		WIPE_CHECK_SECRET="$SECRET" FAIL_CALL="$call" FAIL_CALL_AT="$n" \
		FAIL_CALL_ERRNO="$err" FAIL_CALL_REACHED="$BATS_TEST_TMPDIR/reached" "$@"
}

# cache_whole: no temporary file left, and every entry a whole one
cache_whole() {
	local e
	[ -z "$(find "$CACHE" -name '*.tmp' 2>/dev/null)" ] || { echo "a .tmp was left"; return 1; }
	for e in $(find "$CACHE" -type f ! -name '*.lock' 2>/dev/null); do
		jq -e .access_token "$e" >/dev/null || { echo "a broken entry"; return 1; }
	done
}

# walk EXPECTED CALL:ERRNO... -- ARG...: for each CALL, fail its 1st, 2nd,
# ... call until a run no longer makes that many.  A run that succeeds must
# print EXPECTED whole; one that fails prints nothing on stdout (or, when a
# test sets it, exactly $FAILED_STDOUT).  Either way every line on stderr is
# one of ours, and what the run said is noted in $OUTCOMES as "CALL ERRNO:
# STATUS: LAST LINE ON STDERR" (none: "-"; "never called" when no run makes
# the call), one line per distinct outcome, for the test to compare with
# what it expects.
walk() {
	local expected=$1 pairs=() call err n last line
	shift
	while [ "$1" != -- ]; do
		pairs+=("$1")
		shift
	done
	shift
	for pair in "${pairs[@]}"; do
		call=${pair%:*} err=${pair#*:}
		for ((n = 1; n < 500; n++)); do
			before_each
			failing "$call" "$err" "$n" "$@"
			[ -e "$BATS_TEST_TMPDIR/reached" ] || break
			[ "$status" -lt 126 ] || { echo "$call $err #$n: status $status: $stderr"; return 1; }
			if [ "$status" -eq 0 ]; then
				[ "$output" = "$expected" ] ||
					{ echo "$call $err #$n: stdout '$output'"; return 1; }
			else
				[ -z "$output" ] || [ "$output" = "${FAILED_STDOUT:-}" ] ||
					{ echo "$call $err #$n: stdout '$output'"; return 1; }
			fi
			while IFS= read -r line; do
				[[ "$line" == "nitro-token: "* ]] ||
					{ echo "$call $err #$n: stderr '$stderr'"; return 1; }
			done < <([ -z "$stderr" ] || printf '%s\n' "$stderr")
			cache_whole && after_each || { echo "$call $err #$n"; return 1; }
			last=${stderr##*$'\n'}
			echo "$call $err: $status: ${last:--}" >>"$OUTCOMES"
		done
		[ "$n" -gt 1 ] || echo "$call $err: never called" >>"$OUTCOMES"
		echo "# $call $err: $((n - 1)) calls walked" >&3
	done
	sort -u -o "$OUTCOMES" "$OUTCOMES"
}

# before_each: what every run of a walk starts from; after_each: what must
# hold after it.  A test may redefine them.
before_each() {
	:
}

after_each() {
	:
}

# outcomes_are: $OUTCOMES is exactly standard input, after the cache name
# (a hash) and this test's directory are replaced by KEY and DIR
outcomes_are() {
	local want got
	want=$(cat)
	got=$(sed -e 's/[0-9a-f]\{64\}/KEY/g' -e "s|$BATS_TEST_TMPDIR|DIR|g" "$OUTCOMES" | sort -u)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
}


# the entry is there before each run: the walk is over hits
with_entry() {
	[ -n "$(find "$CACHE" -type f ! -name '*.lock' ! -name '*.tmp' 2>/dev/null)" ] ||
		nts >/dev/null
}

@test "every system call of a cold fetch fails in turn: a config file, a secret file, the cache" {
	start_server
	mkdir -p "$HOME/.config/nitro-token"
	printf '[default]\nclient-id = %s\nbase-url = %s\n' "$ID" "$BASE" >"$HOME/.config/nitro-token/config"
	before_each() { rm -rf "$CACHE"; }
	walk test-token-1 open:EACCES openat:EACCES read:EIO read:EINTR write:ENOSPC write:EINTR \
		fstat:EIO fdopen:ENOMEM flock:ENOLCK flock:EINTR renameat:EIO unlinkat:EIO fsync:EIO \
		fchmod:EPERM close:EIO mkdir:EACCES poll:EINTR poll:ENOMEM -- \
		"$NT" --client-secret-file "$BATS_TEST_TMPDIR/secret"
	outcomes_are <<'EOF'
close EIO: 0: -
close EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
fchmod EPERM: 0: nitro-token: warning: cache entry 'KEY': cannot write: Operation not permitted
fdopen ENOMEM: 1: nitro-token: out of memory
flock EINTR: 0: -
flock ENOLCK: 0: nitro-token: warning: cache lock 'KEY.lock': No locks available; running without the cache
fstat EIO: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Input/output error; running without the cache
fstat EIO: 0: nitro-token: warning: cache lock 'KEY.lock': Input/output error; running without the cache
fstat EIO: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Input/output error
fsync EIO: 0: -
fsync EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
mkdir EACCES: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Permission denied; running without the cache
open EACCES: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Permission denied; running without the cache
open EACCES: 3: nitro-token: --client-secret-file: cannot open the secret file it names: Permission denied
open EACCES: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Permission denied
openat EACCES: 0: -
openat EACCES: 0: nitro-token: warning: cache entry 'KEY': cannot write: Permission denied
openat EACCES: 0: nitro-token: warning: cache lock 'KEY.lock': Permission denied; running without the cache
poll EINTR: 0: -
poll ENOMEM: 3: nitro-token: --client-secret-file: cannot read 'DIR/secret': Cannot allocate memory
read EINTR: 0: -
read EIO: 3: nitro-token: --client-secret-file: cannot read 'DIR/secret': Input/output error
renameat EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
unlinkat EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
write EINTR: 0: -
write ENOSPC: 0: nitro-token: warning: cache entry 'KEY': cannot write: No space left on device
EOF
	# the runs that fetched sent the secret from the file, whole
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "every system call of a cache hit fails in turn: a failure is a miss, and the run fetches; a hit takes no lock" {
	start_server
	before_each() { with_entry; }
	walk test-token-1 open:EACCES openat:EACCES read:EIO read:EINTR fstat:EIO flock:ENOLCK \
		flock:EINTR close:EIO -- \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	outcomes_are <<'EOF'
close EIO: 0: -
flock EINTR: never called
flock ENOLCK: never called
fstat EIO: 0: -
fstat EIO: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Input/output error; running without the cache
open EACCES: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Permission denied; running without the cache
open EACCES: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Permission denied
openat EACCES: 0: -
read EINTR: 0: -
read EIO: 0: -
EOF
}

@test "every system call of -f github fails in turn: \$GITHUB_ENV gets every line or none" {
	start_server
	FAILED_STDOUT="::add-mask::test-token-1"
	before_each() { rm -f "$BATS_TEST_TMPDIR/genv"; }
	after_each() {
		[ ! -s "$BATS_TEST_TMPDIR/genv" ] ||
			[ "$(cat "$BATS_TEST_TMPDIR/genv")" = "$(printf 'NITRO_ACCESS_TOKEN=test-token-1\nNITRO_TOKEN_TYPE=Bearer\nNITRO_TOKEN_EXPIRES_AT=%s' "$(cut -d= -f2 <<<"$(grep EXPIRES "$BATS_TEST_TMPDIR/genv")")")" ]
	}
	walk "::add-mask::test-token-1" open:EACCES write:ENOSPC write:EINTR close:EIO -- \
		GITHUB_ENV="$BATS_TEST_TMPDIR/genv" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" \
		--client-id "$ID" --no-cache -f github
	outcomes_are <<'EOF'
close EIO: 1: nitro-token: cannot append to 'DIR/genv' (GITHUB_ENV): Input/output error
open EACCES: 3: nitro-token: cannot append to 'DIR/genv' (GITHUB_ENV): Permission denied
open EACCES: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Permission denied
write EINTR: 0: -
write ENOSPC: 1: nitro-token: cannot append to 'DIR/genv' (GITHUB_ENV): No space left on device
EOF
}

@test "every system call of the other formats fails in turn" {
	start_server
	# no lifetime, so that every run's output is the same
	respond '{"status":200,"body":{"access_token":"t1"}}'
	local f
	for f in token json export fish powershell dotenv header curl azure; do
		: >"$OUTCOMES"
		walk "$(nts --no-cache -f "$f")" open:EACCES read:EIO write:EIO -- \
			NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache -f "$f"
		# stdout is written by stdio, which these calls do not reach
		outcomes_are <<'EOF'
open EACCES: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Permission denied
read EIO: never called
write EIO: never called
EOF
	done
}

@test "every system call of exec mode fails in turn" {
	start_server
	walk ran setenv:ENOMEM close:EIO -- \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --no-cache -- sh -c 'echo ran'
	outcomes_are <<'EOF'
close EIO: never called
setenv ENOMEM: 1: nitro-token: cannot set the environment: Cannot allocate memory
EOF
}

@test "every system call of a secret command fails in turn: nothing is sent" {
	start_server
	walk test-token-1 pipe:EMFILE fork:EAGAIN poll:EINTR poll:EIO read:EIO read:EINTR close:EIO -- \
		"$NT" --base-url "$BASE" --client-id "$ID" --no-cache \
		--client-secret-command "env -u LD_PRELOAD cat '$BATS_TEST_TMPDIR/secret'"
	outcomes_are <<'EOF'
close EIO: 0: -
fork EAGAIN: 3: nitro-token: --client-secret-command: cannot run the command: Resource temporarily unavailable
pipe EMFILE: 3: nitro-token: --client-secret-command: cannot run the command: Too many open files
poll EINTR: 0: -
poll EIO: 3: nitro-token: --client-secret-command: cannot run the command: Input/output error
read EINTR: 0: -
read EIO: 3: nitro-token: --client-secret-command: cannot run the command: Input/output error
EOF
	# each request carried the secret whole: none was sent after a failure
	local i
	for ((i = 1; i <= $(request_count); i++)); do
		[ "$(request "$i" '.body | fromjson | .clientSecret')" = "$SECRET" ]
	done
}

@test "every system call of --forget fails in turn: the entry goes, or it stays and the run fails with status 3" {
	start_server
	before_each() { with_entry; }
	walk "" unlinkat:EIO openat:EACCES flock:ENOLCK fstat:EIO -- \
		NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" --forget
	outcomes_are <<'EOF'
flock ENOLCK: 3: nitro-token: cannot forget the cached token: cache lock 'KEY.lock': No locks available
fstat EIO: 3: nitro-token: cannot forget the cached token: cache directory 'DIR/home/.cache/nitro-token': Input/output error
fstat EIO: 3: nitro-token: cannot forget the cached token: cache lock 'KEY.lock': Input/output error
openat EACCES: 3: nitro-token: cannot forget the cached token: cache lock 'KEY.lock': Permission denied
unlinkat EIO: 0: -
unlinkat EIO: 3: nitro-token: cannot forget the cached token: cache entry 'KEY': Input/output error
EOF
	# with no failure, the entry is gone and nothing is sent
	before_each
	local sent
	sent=$(request_count)
	run --separate-stderr nts --forget
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
	[ -z "$(find "$CACHE" -type f ! -name '*.lock')" ]
	[ "$(request_count)" = "$sent" ]
}

@test "an interrupted call on a hit (EINTR) is made again: still a hit, nothing is sent" {
	start_server
	nts >/dev/null
	local call n
	for call in read flock poll; do
		for ((n = 1; n < 50; n++)); do
			failing "$call" EINTR "$n" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID" -v
			[ -e "$BATS_TEST_TMPDIR/reached" ] || break
			[ "$status" -eq 0 ] && [ "$output" = test-token-1 ]
			[[ "$stderr" == *"nitro-token: cache: hit (token valid for "* ]] ||
				{ echo "$call #$n: $stderr"; return 1; }
		done
	done
	[ "$(request_count)" = 1 ]
}

@test "with standard input closed, descriptor 0 is one like any other: the cache still works" {
	start_server
	local i
	# not through run, which gives the command a stdin of its own
	for i in 1 2; do
		nts <&- >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
		[ "$(cat "$BATS_TEST_TMPDIR/out")" = test-token-1 ] && [ ! -s "$BATS_TEST_TMPDIR/err" ]
	done
	[ "$(request_count)" = 1 ]
	nts --forget <&- >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/out" ] && [ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ -z "$(find "$CACHE" -type f ! -name '*.lock')" ]
}
