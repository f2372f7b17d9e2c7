#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# README.md's shell examples run as pasted, in order, each block in a fresh
# bash, against the fake server: the base URL comes from NITRO_BASE_URL, the
# only thing the test adds. A block whose previous line is
# "<!-- readme-test: not run (why) -->" is skipped; that set stays small.

load helper

# blocks: README's ```sh blocks, each followed by a line "#--- N" (N its
# first line in README.md), the marked ones left out
blocks() {
	awk '
		/^<!-- readme-test: not run/ { skip = 1; next }
		/^```sh$/ { inside = 1; start = NR + 1; next }
		inside && /^```$/ { if (!skip) printf "#--- %d\n", start; inside = 0; skip = 0; next }
		inside { if (!skip) print; next }
		{ skip = 0 }
	' "$ROOT/README.md"
}

@test "README: the blocks that are not run are few, and each says why" {
	run grep -c '^<!-- readme-test: not run ([a-z].*) -->$' "$ROOT/README.md"
	[ "$output" -le 3 ]
	[ "$(grep -c 'readme-test' "$ROOT/README.md")" = "$output" ]
	# each marks the block right after it
	[ "$(grep -A1 '^<!-- readme-test: not run' "$ROOT/README.md" | grep -c '^```sh$')" = "$output" ]
}

@test "README: every shell example runs as pasted against the fake server" {
	local dir="$BATS_TEST_TMPDIR/work" block="" start line n=0
	# a working directory like the source tree: the program and the fake server
	mkdir -p "$dir/bin"
	ln -s "$NT" "$dir/nitro-token"
	ln -s "$NT" "$dir/bin/nitro-token"
	ln -s "$TESTS_DIR" "$dir/tests"
	start_server
	unset NITRO_CACHE
	# the try-it section's own server needs a port of its own
	local own
	own=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	while IFS= read -r line; do
		if [[ "$line" == "#--- "* ]]; then
			start=${line#\#--- }
			block=${block//8080/$own}
			run env PATH="$dir/bin:$PATH" NITRO_BASE_URL="$BASE" \
				bash -euo pipefail -c "cd '$dir'; $block" <<<"$SECRET"
			[ "$status" -eq 0 ] || { echo "README.md:$start: exit $status: $output"; return 1; }
			[[ "$output" != *"$SECRET"* ]] || { echo "README.md:$start printed the secret"; return 1; }
			n=$((n + 1))
			block=""
		else
			block+="$line"$'\n'
		fi
	done < <(blocks)
	[ "$n" -ge 3 ]
	# every request the examples made was a good one
	[ "$(request_count)" -ge 1 ]
	[ "$(jq -r .contract "$SRV/log" | sort -u)" = ok ]
}
