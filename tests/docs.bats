#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documents agree with the code: man page, completions, README, and
# install/uninstall.

load helper

# the long options that --help prints
help_options() {
	"$NT" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u
}

@test "every long option in --help is in the man page and all three completions" {
	local o f
	for f in nitro-token.1 completions/nitro-token.bash completions/_nitro-token completions/nitro-token.fish; do
		for o in $(help_options); do
			grep -qF -- "${o#--}" "$ROOT/$f" || {
				echo "$f lacks $o"
				return 1
			}
		done
	done
}

@test "every option in the man page and completions exists in --help" {
	local known o
	known=$(help_options)
	for o in $(grep -oE 'Fl \\-[a-z][a-z-]+' "$ROOT/nitro-token.1" | sed 's/Fl \\-/--/' | sort -u); do
		grep -qx -- "$o" <<<"$known" || { echo "man: $o"; return 1; }
	done
	for o in $(grep -oE -- '--[a-z][a-z-]+' "$ROOT/completions/nitro-token.bash" | sort -u); do
		grep -qx -- "$o" <<<"$known" || { echo "bash: $o"; return 1; }
	done
	for o in $(grep -oE -- "'(\([^)]*\))?--[a-z][a-z-]+" "$ROOT/completions/_nitro-token" | grep -oE -- '--[a-z][a-z-]+$' | sort -u); do
		grep -qx -- "$o" <<<"$known" || { echo "zsh: $o"; return 1; }
	done
	for o in $(grep -oE -- '^complete -c nitro-token( -s [a-zA-Z])? -l [a-z][a-z-]+' "$ROOT/completions/nitro-token.fish" | sed 's/.* -l /--/' | sort -u); do
		grep -qx -- "$o" <<<"$known" || { echo "fish: $o"; return 1; }
	done
}

@test "the format names agree between the program's table, --help, the man page and the completions" {
	local fmt names
	# the program's own list, from its one table of formats
	names=$("$NT" -f no-such-format 2>&1 | sed -n 's/.*unknown format; use //p' | tr -d ',' | sed 's/ or / /')
	[ "$(wc -w <<<"$names")" -ge 10 ]
	for fmt in $names; do
		"$NT" --help | grep -q -- "$fmt"
		grep -q "It Cm $fmt" "$ROOT/nitro-token.1"
		grep -q "$fmt" "$ROOT/completions/nitro-token.bash"
		grep -q "'$fmt:" "$ROOT/completions/_nitro-token"
		grep -q -- "-l format -x -a '.*\\b$fmt\\b" "$ROOT/completions/nitro-token.fish"
	done
}

@test "the man page is clean under mandoc -T lint -W warning" {
	run mandoc -T lint -W warning "$ROOT/nitro-token.1"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "usage in --help mirrors the man page SYNOPSIS" {
	local syn use
	syn=$(mandoc -T ascii "$ROOT/nitro-token.1" | sed 's/.\x08//g' | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//')
	use=$("$NT" --help | sed -n '/^usage:/,/^$/p' | sed 's/^usage: //' | tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//')
	[ "$syn" = "$use" ]
}

@test "zsh and fish accept their completion files" {
	run zsh -n "$ROOT/completions/_nitro-token"
	[ "$status" -eq 0 ]
	run fish -n "$ROOT/completions/nitro-token.fish"
	[ "$status" -eq 0 ]
}

# complete WORDS...: COMPREPLY of the bash completion for that command line
complete_bash() {
	# the completion asks nitro-token for profile names: put it on PATH
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$NT" "$BATS_TEST_TMPDIR/bin/nitro-token"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_nitro_token nitro-token "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' sh "$ROOT/completions/nitro-token.bash" "$@"
}

@test "bash completion: options" {
	run complete_bash nitro-token --cl
	[ "$output" = "$(printf '%s\n' --client-id --client-secret --client-secret-command --client-secret-file)" ]
	run complete_bash nitro-token --
	[[ "$output" == *--show-config* ]]
	[ "$(complete_bash nitro-token -- | grep -c .)" = "$(($(help_options | wc -l) + 1))" ]
}

@test "bash completion: format names after --format and -f" {
	run complete_bash nitro-token --format ''
	[ "$output" = "$(printf '%s\n' azure curl dotenv export fish github header json powershell token)" ]
	run complete_bash nitro-token -f j
	[ "$output" = json ]
}

@test "bash completion: profile names from the config file after --profile" {
	write_config "$(printf '[default]\nclient-id = a\n[ci]\n[prod-eu]\n# [commented]')"
	run complete_bash nitro-token --profile ''
	[ "$output" = "$(printf '%s\n' ci default prod-eu)" ]
	write_config '[other]' "$BATS_TEST_TMPDIR/c"
	run complete_bash nitro-token --config "$BATS_TEST_TMPDIR/c" --profile ''
	[ "$output" = other ]
	NITRO_CONFIG="$BATS_TEST_TMPDIR/c" run complete_bash nitro-token --profile o
	[ "$output" = other ]
}

@test "bash completion: --format= and --profile= as one word or split at the =, --config=FILE read" {
	run complete_bash nitro-token --format=j
	[ "$output" = json ]
	run complete_bash nitro-token --format=
	[ "$(wc -l <<<"$output")" = 10 ]
	run complete_bash nitro-token --format = p
	[ "$output" = powershell ]
	run complete_bash nitro-token --format =
	[ "$(wc -l <<<"$output")" = 10 ]
	write_config "$(printf '[default]\n[ci]')"
	write_config "$(printf '[other]\n[prod]')" "$BATS_TEST_TMPDIR/c"
	run complete_bash nitro-token --profile=
	[ "$output" = "$(printf '%s\n' ci default)" ]
	run complete_bash nitro-token --config="$BATS_TEST_TMPDIR/c" --profile=p
	[ "$output" = prod ]
	run complete_bash nitro-token --config = "$BATS_TEST_TMPDIR/c" --profile = o
	[ "$output" = other ]
	run complete_bash nitro-token --config "$BATS_TEST_TMPDIR/c" --profile =
	[ "$output" = "$(printf '%s\n' other prod)" ]
}

@test "bash completion never expands a profile name read from a config file" {
	write_config "$(printf '[default]\n[$(touch %s/pwned)]\n[`touch %s/pwned2`]\n[*]' "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR")"
	: >"$BATS_TEST_TMPDIR/a-file-a-glob-would-find"
	cd "$BATS_TEST_TMPDIR"
	run complete_bash nitro-token --profile ''
	[ "$output" = "$(printf '%s\n' '$(touch '"$BATS_TEST_TMPDIR"'/pwned)' '*' '`touch '"$BATS_TEST_TMPDIR"'/pwned2`' default | sort -u)" ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned2" ]
	run complete_bash nitro-token --profile '$'
	[ "$output" = '$(touch '"$BATS_TEST_TMPDIR"'/pwned)' ]
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
}

@test "--list-profiles prints the profiles as inih reads them, one a line" {
	write_config "$(printf '\357\273\277[default]\nclient-id = a\n; [commented]\n[ci]\n[prod-eu]\nbase-url = https://x.invalid')"
	run "$NT" --list-profiles
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' default ci prod-eu)" ]
	run "$NT" --list-profiles --config "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 2 ]
	rm "$HOME/.config/nitro-token/config"
	run "$NT" --list-profiles
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "bash completion: files and directories where an option takes one" {
	mkdir "$BATS_TEST_TMPDIR/dir1"
	: >"$BATS_TEST_TMPDIR/file1"
	run complete_bash nitro-token --cacert "$BATS_TEST_TMPDIR/"
	[[ "$output" == *file1* ]]
	run complete_bash nitro-token --cache-dir "$BATS_TEST_TMPDIR/"
	[[ "$output" == *dir1* ]]
	[[ "$output" != *file1* ]]
}

@test "fish completion: formats and profiles" {
	write_config "$(printf '[default]\n[ci]\n[$(touch %s/pwned)]' "$BATS_TEST_TMPDIR")"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$NT" "$BATS_TEST_TMPDIR/bin/nitro-token"
	run env PATH="$BATS_TEST_TMPDIR/bin:$PATH" fish -c "source '$ROOT/completions/nitro-token.fish'; complete -C 'nitro-token --profile '"
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	[[ "$output" == *'$(touch '"$BATS_TEST_TMPDIR"'/pwned)'* ]]
	output=$(grep -v touch <<<"$output")
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "ci default " ]
	run fish -c "source '$ROOT/completions/nitro-token.fish'; complete -C 'nitro-token --format '"
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "azure curl dotenv export fish github header json powershell token " ]
	[ "$(cut -f2 <<<"$output" | sort -u)" = "Output format" ]
}

@test "make install with DESTDIR and PREFIX, then make uninstall, leaves nothing behind" {
	local d="$BATS_TEST_TMPDIR/dest"
	make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/usr >/dev/null
	[ -x "$d/usr/bin/nitro-token" ]
	[ -f "$d/usr/share/man/man1/nitro-token.1" ]
	[ -f "$d/usr/share/bash-completion/completions/nitro-token" ]
	[ -f "$d/usr/share/zsh/site-functions/_nitro-token" ]
	[ -f "$d/usr/share/fish/vendor_completions.d/nitro-token.fish" ]
	[ "$(find "$d" -type f | wc -l)" = 5 ]
	make -s -C "$ROOT" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null
	[ -z "$(find "$d" -type f)" ]
}

@test "completion after --: command names, in bash and fish" {
	run complete_bash nitro-token --json -- base6
	[ "$output" = base64 ]
	run fish -c "source '$ROOT/completions/nitro-token.fish'; complete -C 'nitro-token --json -- base6'"
	# (fish before 3.2 lists a command once per PATH entry that holds it)
	[ "$(cut -f1 <<<"$output" | sort -u)" = base64 ]
}

@test "the build hardens with FORTIFY 3 unless the distribution's CPPFLAGS choose a level" {
	run make -s -C "$ROOT" -n -B src/buf.o
	[[ "$output" == *"-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3"* ]]
	run make -s -C "$ROOT" -n -B CPPFLAGS=-D_FORTIFY_SOURCE=2 src/buf.o
	[[ "$output" == *"-D_FORTIFY_SOURCE=2"* ]]
	[[ "$output" != *"_FORTIFY_SOURCE=3"* ]]
}

@test "the ELF binary declares libcurl in a .note.dlopen note" {
	[ -z "${TEST_FALLBACKS:-}${NITRO_STATIC:-}" ] || skip "only the dynamic ELF build carries the note"
	command -v readelf >/dev/null || skip "no readelf"
	local nt="$NT"
	[ "$(basename "$nt")" != valgrind.sh ] || nt="$ROOT/nitro-token"
	run readelf -p .note.dlopen "$nt"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"soname":["libcurl.so.4"]'* ]]
}

@test "the version comes from the Makefile: --version, the man page, the changelog" {
	local v
	v=$(sed -n 's/^VERSION *= *//p' "$ROOT/Makefile")
	[ -n "$v" ]
	run "$NT" --version
	[ "${lines[0]}" = "nitro-token $v" ]
	grep -qx "\.Os nitro-token $v" "$ROOT/nitro-token.1"
	grep -q "^## \[$v\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$" "$ROOT/CHANGELOG.md"
	# the man page's date is that entry's date
	[ "$(sed -n 's/^\.Dd //p' "$ROOT/nitro-token.1")" = \
		"$(date -u -d "$(sed -n "s/^## \[$v\] - //p" "$ROOT/CHANGELOG.md")" '+%B %-d, %Y')" ]
}

@test "every source file carries an SPDX license line" {
	local f
	[ -f "$ROOT/LICENSE" ] || skip "no LICENSE here"
	for f in "$ROOT"/src/*.[ch] "$ROOT"/tests/*.c "$ROOT"/tests/*.bats "$ROOT"/tests/*.sh "$ROOT"/tests/*.bash \
		"$ROOT"/tests/*.py "$ROOT"/completions/* "$ROOT"/packaging/*.sh "$ROOT"/Makefile "$ROOT"/man/nitro-token.1.in; do
		grep -q 'SPDX-License-Identifier: MIT' "$f" || { echo "no SPDX line: $f"; return 1; }
	done
}

@test "docs/cache.md and the man page say that an expiresIn of zero or below is an unknown lifetime, as the code does" {
	grep -q '^- \*\*Lifetime\.\*\* .*' "$ROOT/docs/cache.md"
	sed -n '/^- \*\*Lifetime\.\*\*/,/^- /p' "$ROOT/docs/cache.md" | tr '\n' ' ' | grep -q 'zero or negative, fractional, a string, or too large to hold'
	mandoc -T ascii "$ROOT/nitro-token.1" | sed 's/.\x08//g' | tr -s ' \n' ' ' | grep -q 'zero or negative, fractional, a string or too large to hold, it is unknown'
}

# tables KIND: the program's own table KIND (setting, format, exit, option,
# boolean), one row a line, tab-separated, without the kind
tables() {
	"$NT" --print-tables | sed -n "s/^$1\t//p"
}

# the man page as text, with no overstrike
man_text() {
	mandoc -T ascii "$ROOT/nitro-token.1" | sed 's/.\x08//g'
}

@test "the program's tables are there to check against: settings, formats, exit statuses, options" {
	[ "$(tables setting | wc -l)" = 14 ]
	[ "$(tables format | wc -l)" = 10 ]
	[ "$(tables exit | cut -f1 | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 8 9 126, 127 130, 143 " ]
	# each status's text, as --help's own printer shows it
	[ "$(tables exit | sed 's/^/  /; s/\t/  /')" = "$("$NT" --help | sed -n '/^Exit status/,$s/^  [0-9]/&/p')" ]
	# every long option that --help names, and nothing hidden but this one
	[ "$(tables option | sort)" = "$(help_options)" ]
}

@test "every setting: its option in --help; its option, variables and default in docs/usage.md's settings table and the man page" {
	local name envs def opt row v help para line
	help=$("$NT" --help | tr -s ' \n' ' ')
	while IFS=$'\t' read -r name envs def; do
		opt=--$name
		[ "$name" = cache ] && opt=--no-cache
		row=$(grep "^| .* | \`$name\` | " "$ROOT/docs/usage.md") || { echo "docs/usage.md: no row for $name"; return 1; }
		[[ "$row" == *"\`$opt"* ]] || { echo "docs/usage.md: $name lacks $opt"; return 1; }
		grep -qF -- "$opt" <<<"$help" || { echo "help: $opt"; return 1; }
		para=$(man_text | sed -n "/^     \\(-[a-zA-Z], \\)\\?$opt\\( \\|\$\\)/,/^     -/p" | sed '$d' | tr -s ' \n' ' ')
		[ -n "$para" ] || { echo "man: no $opt"; return 1; }
		for v in ${envs//,/ }; do
			[[ "$row" == *"\`$v\`"* ]] || { echo "docs/usage.md: $name lacks $v"; return 1; }
			grep -q "^\\.It Ev .*\\b$v\\b" "$ROOT/nitro-token.1" || { echo "man ENVIRONMENT: $v"; return 1; }
		done
		[ -n "$def" ] || continue
		# a default that --help's line of the option states is the table's
		line=$("$NT" --help | grep -- "^  .*$opt[ ,]") || { echo "help: no line for $opt"; return 1; }
		[[ "$line" != *default* || "$line" == *"default $def"* || "$line" == *"$def (default)"* ]] ||
			{ echo "help: $name default: $line"; return 1; }
		[[ "$row" == *"\`$def\`"* || "$row" == *"| $def |" ]] || { echo "docs/usage.md: $name default $def"; return 1; }
		[[ "$para" == *"Default: $def"* || "$para" == *"Default: "*", else $def"* ||
			"$para" == *"default is $def"* || "$para" == *" $def "*"This is the default"* ]] ||
			{ echo "man: $name default $def: $para"; return 1; }
	done < <(tables setting)
}

@test "the exit statuses: main.c's enum, --help's table, README's and the man page's agree" {
	local codes enum readme man
	codes=$(tables exit | cut -f1 | tr ', ' '\n\n' | grep . | sort -n | tr '\n' ' ')
	enum=$( (sed -n 's/^\tEXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' "$ROOT/src/main.c"; echo 130; echo 143) | sort -n | tr '\n' ' ')
	[ "$codes" = "$enum" ]
	readme=$(sed -n 's/^| \([0-9][0-9, ]*\) | .*/\1/p' "$ROOT/README.md" | tr ', ' '\n\n' | grep . | sort -n | tr '\n' ' ')
	[ "$readme" = "$codes" ]
	man=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /s/^\.It \([0-9][0-9 ,]*\)$/\1/p' "$ROOT/nitro-token.1" | tr ', ' '\n\n' | grep . | sort -n | tr '\n' ' ')
	[ "$man" = "$codes" ]
	# each status's class, the words before the colon, opens README's row and the man page's entry
	local code text class
	while IFS=$'\t' read -r code text; do
		class=${text%%:*}
		[ "$class" != "$text" ] && [[ "$code" != *,* ]] || continue
		grep -qi "^| $code | $class:" "$ROOT/README.md" || { echo "README $code: $class"; return 1; }
		sed -n "/^\\.It $code\$/{n;p}" "$ROOT/nitro-token.1" | grep -qi "^$class:" || { echo "man $code: $class"; return 1; }
	done < <(tables exit)
}

@test "README and docs/ name only options, variables and formats the program has" {
	local known o f v formats
	# the options of other tools that the documents show beside ours
	known=$( (tables option; printf -- '%s
' --check --ignore-missing --rm --network 		--no-install-recommends --from --timestamp --port --baseline-static --client-secert) | sort -u)
	for f in "$ROOT/README.md" "$ROOT"/docs/*.md; do
		# long options (the man page documents the api command's)
		for o in $(grep -oE -- '(^|[ `(|])--[a-z][a-z-]+' "$f" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qx -- "$o" <<<"$known" || grep -qF -- "$o" <<<"$(man_text)" ||
				{ echo "${f#"$ROOT"/}: $o is no option"; return 1; }
		done
		# NITRO_ variables: a setting's, the output's, or one the man page lists
		for v in $(grep -oE 'NITRO_[A-Z_]*[A-Z]' "$f" | sort -u); do
			grep -q "^\.It Ev .*\b$v\b" "$ROOT/nitro-token.1" || grep -qw "$v" <<<"$(man_text)" ||
				{ echo "${f#"$ROOT"/}: $v is no variable"; return 1; }
		done
	done
	formats=$(tables format)
	for f in $(grep -oE -- '-f [a-z]+' "$ROOT/README.md" | sed 's/-f //' | sort -u); do
		grep -qx "$f" <<<"$formats" || { echo "README: -f $f is no format"; return 1; }
	done
}

@test "README is short, and points to the man page and every document in docs/" {
	local f
	[ "$(wc -c <"$ROOT/README.md")" -le 13000 ]
	grep -q 'man nitro-token' "$ROOT/README.md"
	for f in "$ROOT"/docs/*.md; do
		grep -q "](docs/$(basename "$f"))" "$ROOT/README.md" || { echo "README does not link docs/$(basename "$f")"; return 1; }
	done
}

@test "the links between README, docs/ and CONTRIBUTING.md lead to files and headings that exist" {
	local f link file anchor dir
	for f in "$ROOT/README.md" "$ROOT/CONTRIBUTING.md" "$ROOT"/docs/*.md; do
		dir=$(dirname "$f")
		while read -r link; do
			file=${link%%#*} anchor=
			[[ "$link" == *#* ]] && anchor=${link#*#}
			[ -n "$file" ] && file="$dir/$file" || file=$f
			[ -e "$file" ] || { echo "${f#"$ROOT"/}: no $link"; return 1; }
			[ -n "$anchor" ] || continue
			grep -E '^#+ ' "$file" | sed 's/^#* //' | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g' |
				grep -qx -- "$anchor" || { echo "${f#"$ROOT"/}: no heading for $link"; return 1; }
		done < <(grep -oE '\]\([^)h][^)]*\)' "$f" | sed 's/^](//; s/)$//')
	done
}

@test "the fake server: --help describes every flag, and --port alone serves a token" {
	local flag port url i
	run python3 "$TESTS_DIR/fake_server.py" --help
	[ "$status" -eq 0 ]
	for flag in $(grep -oE 'add_argument\("--[a-z-]+' "$TESTS_DIR/fake_server.py" | sed 's/.*("//'); do
		grep -qE "^  $flag [A-Z]+ +[a-z]" <<<"$output" || { echo "no help for $flag"; return 1; }
	done
	[ "$(grep -c 'add_argument("--' "$TESTS_DIR/fake_server.py")" = 6 ]
	# a free port from the OS, then the server on it with no other flag
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 "$TESTS_DIR/fake_server.py" --port "$port" >"$BATS_TEST_TMPDIR/url" 3>&- &
	SERVER_PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -s "$BATS_TEST_TMPDIR/url" ] && break
		sleep 0.02
	done
	url=$(cat "$BATS_TEST_TMPDIR/url")
	[ "$url" = "http://127.0.0.1:$port" ]
	run --separate-stderr "$NT" --base-url "$url" --client-id any --client-secret-command 'echo any'
	[ "$status" -eq 0 ]
	[ "$output" = test-token-1 ]
	[ "$stderr" = "" ]
}
