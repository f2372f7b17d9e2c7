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
	[ -z "${NITRO_STATIC:-}" ] || skip "LD_PRELOAD does not reach a static binary"
	if ldd "$NT" 2>/dev/null | grep -q asan; then
		skip "AddressSanitizer owns malloc and free"
	fi
	[ "$(basename "$NT")" != valgrind.sh ] || skip "valgrind runs the program under its own loader"
	FAILCALL="$ROOT/tests/preload/failcall.so"
	WIPE="$ROOT/tests/preload/wipecheck.so"
	[ -e "$FAILCALL" ] && [ -e "$WIPE" ] || skip "make check builds the preload libraries"
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/secret"
	OUTCOMES="$BATS_TEST_TMPDIR/outcomes"
	: >"$OUTCOMES"
}

# failing CALL ERRNO N ARG...: one run with the Nth CALL failing with ERRNO
failing() {
	local call=$1 err=$2 n=$3
	shift 3
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
# print EXPECTED whole; one that fails prints nothing on stdout (or exactly
# $FAILED_STDOUT, when a test sets it).  Either way every line on stderr is
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
				[ "$output" = "${FAILED_STDOUT:-}" ] ||
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
open EACCES: 0: -
open EACCES: 0: nitro-token: warning: cache directory 'DIR/home/.cache/nitro-token': Permission denied; running without the cache
open EACCES: 3: nitro-token: --client-secret-file: cannot open the secret file it names: Permission denied
open EACCES: 3: nitro-token: cannot read config file 'DIR/home/.config/nitro-token/config': Permission denied
openat EACCES: 0: -
openat EACCES: 0: nitro-token: warning: cache entry 'KEY': cannot write: Permission denied
openat EACCES: 0: nitro-token: warning: cache lock 'KEY.lock': Permission denied; running without the cache
poll EINTR: 0: -
poll ENOMEM: 3: nitro-token: --client-secret-file: cannot read 'DIR/secret': Cannot allocate memory
read EINTR: 0: -
read EIO: 0: -
read EIO: 3: nitro-token: --client-secret-file: cannot read 'DIR/secret': Input/output error
renameat EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
unlinkat EIO: 0: nitro-token: warning: cache entry 'KEY': cannot write: Input/output error
write EINTR: 0: -
write ENOSPC: 0: nitro-token: warning: cache entry 'KEY': cannot write: No space left on device
EOF
	# the runs that fetched sent the secret from the file, whole
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}
