#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Credentials and settings from every source: the config file and its
# profiles, secret files and stdin, one precedence order, --show-config,
# and secret hygiene.

load helper

CONF_DIR() { echo "$HOME/.config/nitro-token"; }

# write_config TEXT: the default config file, mode 0600
write_config() {
	mkdir -p "$(CONF_DIR)"
	printf '%s\n' "$1" >"$(CONF_DIR)/config"
	chmod 600 "$(CONF_DIR)/config"
}

@test "the default config file's [default] profile supplies everything" {
	start_server
	write_config "[default]
# a comment
; another comment
base-url = $BASE
client-id = $ID
client-secret = $SECRET
format = json"
	run "$NT"
	[ "$status" -eq 0 ]
	[ "$(jq -r .access_token <<<"$output")" = test-token-1 ]
	assert_one_good_request
}

@test "XDG_CONFIG_HOME moves the default config file" {
	start_server
	mkdir -p "$BATS_TEST_TMPDIR/xdg/nitro-token"
	printf '[default]\nclient-id = %s\n' "$ID" >"$BATS_TEST_TMPDIR/xdg/nitro-token/config"
	run env XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "--profile and NITRO_PROFILE select a profile; the flag wins" {
	start_server
	write_config "[default]
client-id = wrong
[ci]
client-id = $ID
[other]
client-id = other-id"
	run nts_noid --profile ci
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientID')" = "$ID" ]
	run env NITRO_PROFILE=ci NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE"
	[ "$(request 2 '.body | fromjson | .clientID')" = "$ID" ]
	run env NITRO_PROFILE=other NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --profile ci
	[ "$(request 3 '.body | fromjson | .clientID')" = "$ID" ]
}

nts_noid() {
	NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" "$@"
}

@test "a profile that does not exist: exit 2 from --profile, 3 from NITRO_PROFILE, listing the ones that do" {
	start_server
	write_config "[default]
client-id = a
[ci]
[prod]
client-id = b"
	run nts --profile staging
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: profile 'staging' not found in $(CONF_DIR)/config (profiles: default, ci, prod)" ]
	run env NITRO_PROFILE=staging NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: profile 'staging' not found in $(CONF_DIR)/config (profiles: default, ci, prod)" ]
	[ "$(request_count)" = 0 ]
}

@test "an empty profile exists and can be selected" {
	start_server
	write_config "[empty]"
	run nts --profile empty
	[ "$status" -eq 0 ]
}

@test "a config file named explicitly must exist; the default one need not" {
	start_server
	run nts --config "$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: cannot read config file '$BATS_TEST_TMPDIR/nope': No such file or directory" ]
	run env NITRO_CONFIG="$BATS_TEST_TMPDIR/nope" NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	run nts
	[ "$status" -eq 0 ]
	[ "$(request_count)" = 1 ]
}

@test "a directory or a FIFO as config file: refused at once, 2 from --config, 3 from NITRO_CONFIG" {
	run "$NT" --config "$BATS_TEST_TMPDIR"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: cannot read config file '$BATS_TEST_TMPDIR': not a regular file" ]
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run timeout 5 env NITRO_CONFIG="$BATS_TEST_TMPDIR/fifo" "$NT"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: cannot read config file '$BATS_TEST_TMPDIR/fifo': not a regular file" ]
}

@test "an unknown key anywhere in the file: exit 3 with FILE:LINE, nothing sent" {
	start_server
	write_config "[default]
client-id = $ID

[other]
cleint-secret = typo"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:5: unknown key 'cleint-secret'" ]
	[ "$(request_count)" = 0 ]
}

@test "malformed lines: exit 3 with FILE:LINE" {
	local f="$BATS_TEST_TMPDIR/c"
	printf '[default]\nclient-id = a\njust words\n' >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:3: expected 'key = value' or '[profile]'" ]
	printf '[default\nclient-id = a\n' >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:1: expected 'key = value' or '[profile]'" ]
	printf 'client-id = a\n[default]\n' >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:1: 'client-id' is outside a [profile] section" ]
	printf '[default]\nclient-id = a\nclient-id = b\n' >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:3: 'client-id' is set twice in this profile" ]
	printf '[default]\nclient-id = %s\n' "$(head -c 300 /dev/zero | tr '\0' a)" >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:2: line is longer than 198 bytes" ]
}

@test "a bad value in the file names FILE:LINE and exits 3" {
	local f="$BATS_TEST_TMPDIR/c"
	printf '[default]\n\ntimeout = soon\n' >"$f"
	run "$NT" --config "$f"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $f:3: timeout: 'soon' is not a whole number from 1 to 3600" ]
}

@test "~/ in a path value means the home directory" {
	start_server
	printf '%s\n' "$SECRET" >"$HOME/secret"
	write_config "[default]
client-secret-file = ~/secret"
	run nt
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "a relative path in the config file is relative to the config file's directory" {
	start_server
	printf '%s\n' "$SECRET" >"$(CONF_DIR)/secret" 2>/dev/null || { mkdir -p "$(CONF_DIR)"; printf '%s\n' "$SECRET" >"$(CONF_DIR)/secret"; }
	write_config "[default]
client-secret-file = secret"
	cd "$BATS_TEST_TMPDIR"
	run nt
	[ "$status" -eq 0 ]
	assert_one_good_request
	# ~x/ is not ~/: it is a relative path like any other
	write_config "[default]
client-secret-file = ~x/secret"
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:2: client-secret-file: cannot open the secret file it names: No such file or directory" ]
}

@test "a config file holding client-secret readable by others: exit 3, advice, nothing sent" {
	start_server
	write_config "[default]
client-secret = $SECRET"
	chmod 644 "$(CONF_DIR)/config"
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config: holds client-secret but others may read it (mode 0644); run: chmod 600 '$(CONF_DIR)/config'" ]
	[ "$(request_count)" = 0 ]
	chmod 640 "$(CONF_DIR)/config"
	run nt
	[ "$status" -eq 3 ]
	chmod 600 "$(CONF_DIR)/config"
	run nt
	[ "$status" -eq 0 ]
}

@test "a config file holding client-secret owned by someone else: exit 3" {
	start_server
	write_config "[default]
client-secret = $SECRET"
	chown nobody "$(CONF_DIR)/config" || skip "cannot chown"
	[ "$(id -u)" != "$(id -u nobody)" ] || skip "running as nobody"
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config: config file is owned by uid $(id -u nobody), not by you or root; run: chown $(id -u) '$(CONF_DIR)/config'" ]
	[ "$(request_count)" = 0 ]
}

@test "a world-readable config file without a secret is fine" {
	start_server
	write_config "[default]
client-id = $ID"
	chmod 644 "$(CONF_DIR)/config"
	run nts
	[ "$status" -eq 0 ]
}

@test "--client-secret-file reads a file and drops one trailing newline" {
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
	start_server
	run sh -c 'printf "%s\n" "$1" | "$2" --base-url "$3" --client-id x --client-secret-file -' sh "$SECRET" "$NT" "$BASE"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret')" = "$SECRET" ]
}

@test "NITRO_CLIENT_SECRET_FILE, the mounted-secret convention" {
	start_server
	printf '%s' "$SECRET" >"$BATS_TEST_TMPDIR/mounted"
	run env NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/mounted" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "an empty, missing or oversized secret file: exit 3, nothing sent" {
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
	start_server
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/s"
	run env NITRO_CLIENT_SECRET=from-env "$NT" --base-url "$BASE" --client-id "$ID" --client-secret-file "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

# matrix SETTING FLAGVALUE ENVVAR ENVVALUE FILEVALUE DEFAULT
# every combination of levels; the highest present must win, with its source
precedence_matrix() {
	local name=$1 fv=$2 envvar=$3 ev=$4 filev=$5 def=$6 mask want src args envs out
	for mask in 0 1 2 3 4 5 6 7; do
		args=() envs=()
		if (( mask & 4 )); then
			printf '[default]\n%s = %s\n' "$name" "$filev" >"$BATS_TEST_TMPDIR/m.conf"
		else
			printf '[default]\n' >"$BATS_TEST_TMPDIR/m.conf"
		fi
		(( mask & 2 )) && envs=("$envvar=$ev")
		(( mask & 1 )) && args=("--$name" "$fv")
		if (( mask & 1 )); then want=$fv src=flag
		elif (( mask & 2 )); then want=$ev src="env $envvar"
		elif (( mask & 4 )); then want=$filev src="$BATS_TEST_TMPDIR/m.conf:2"
		else want=$def src=default
		fi
		out=$(env "${envs[@]}" "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config "${args[@]}" | grep "^$name ")
		[ "$out" = "$(printf '%-20s %s (%s)' "$name" "$want" "$src")" ] || {
			echo "mask $mask: got '$out'"
			return 1
		}
	done
}

@test "precedence matrix: flag > environment > config profile > default" {
	precedence_matrix base-url https://flag.example NITRO_BASE_URL https://env.example https://file.example https://api.gonitro.dev
	precedence_matrix format json NITRO_FORMAT export header token
	precedence_matrix timeout 11 NITRO_TIMEOUT 12 13 30
	precedence_matrix connect-timeout 4 NITRO_CONNECT_TIMEOUT 5 6 10
	precedence_matrix retries 0 NITRO_RETRIES 1 3 2
	precedence_matrix min-ttl 60 NITRO_MIN_TTL 70 80 300
	precedence_matrix cache-dir /tmp/f NITRO_CACHE_DIR /tmp/e /tmp/c "$HOME/.cache/nitro-token"
}

@test "precedence: the client ID from flag, environment and file" {
	printf '[default]\nclient-id = file-id\n' >"$BATS_TEST_TMPDIR/m.conf"
	run env NITRO_CLIENT_ID=env-id "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config --client-id flag-id
	[[ "$output" == *"client-id            flag-id (flag)"* ]]
	run env NITRO_CLIENT_ID=env-id "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config
	[[ "$output" == *"client-id            env-id (env NITRO_CLIENT_ID)"* ]]
	run "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config
	[[ "$output" == *"client-id            file-id ($BATS_TEST_TMPDIR/m.conf:2)"* ]]
}

@test "--show-config: every setting and its source, never the secret, no request" {
	start_server
	write_config "[default]
client-secret = $SECRET
retries = 4"
	run --separate-stderr env NITRO_CLIENT_ID=env-id "$NT" --show-config --base-url "$BASE"
	[ "$status" -eq 0 ]
	[[ "$output" != *"$SECRET"* ]]
	[ "${lines[0]}" = "config               $(CONF_DIR)/config (default)" ]
	[ "${lines[1]}" = "profile              default (default)" ]
	[[ "$output" == *"client-secret        (set) ($(CONF_DIR)/config:2)"* ]]
	[[ "$output" == *"client-id            env-id (env NITRO_CLIENT_ID)"* ]]
	[[ "$output" == *"base-url             $BASE (flag)"* ]]
	[[ "$output" == *"retries              4 ($(CONF_DIR)/config:3)"* ]]
	[[ "$output" == *"client-secret-file   (unset)"* ]]
	[ "${#lines[@]}" = 16 ]
	[ "$(request_count)" = 0 ]
}

@test "--show-config exits 3 when a credential is missing" {
	run "$NT" --show-config --client-id x
	[ "$status" -eq 3 ]
	[[ "$output" == *"client-secret        (unset)"* ]]
	[[ "$output" == *"config               $HOME/.config/nitro-token/config (default, not found)"* ]]
}

@test "a secret given on the command line is gone from /proc/PID/cmdline during the request" {
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

@test "an empty environment variable counts as unset" {
	start_server
	run env NITRO_CLIENT_ID= NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE"
	[ "$status" -eq 3 ]
	[[ "$output" == "nitro-token: no client ID: "* ]]
}

@test "a config file that others may write: exit 3 naming it, nothing sent, secret or not" {
	start_server
	write_config "[default]
base-url = $BASE"
	chmod 664 "$(CONF_DIR)/config"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config: others may write to the config file (mode 0664); run: chmod go-w '$(CONF_DIR)/config'" ]
	chmod 646 "$(CONF_DIR)/config"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config: others may write to the config file (mode 0646); run: chmod go-w '$(CONF_DIR)/config'" ]
	[ "$(request_count)" = 0 ]
	chmod 644 "$(CONF_DIR)/config"
	run nts
	[ "$status" -eq 0 ]
}

@test "a config file owned by someone else decides nothing, even without a secret" {
	start_server
	write_config "[default]
base-url = $BASE"
	chmod 644 "$(CONF_DIR)/config"
	chown nobody "$(CONF_DIR)/config" || skip "cannot chown"
	[ "$(id -u)" != "$(id -u nobody)" ] || skip "running as nobody"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config: config file is owned by uid $(id -u nobody), not by you or root; run: chown $(id -u) '$(CONF_DIR)/config'" ]
	[ "$(request_count)" = 0 ]
}

@test "inih decides what a section is: blanks around a name are refused with FILE:LINE" {
	start_server
	write_config "[ staging ]
base-url = https://staging.invalid"
	run nts --profile staging
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:1: profile name ' staging ' starts or ends with a blank" ]
	[ "$(request_count)" = 0 ]
}

@test "a profile name of 48 bytes works; 49 or more is refused, never cut" {
	start_server
	local n48 n49
	n48=$(printf 'p%.0s' $(seq 48))
	n49=$(printf 'p%.0s' $(seq 49))
	write_config "[$n48]
client-id = $ID"
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --profile "$n48"
	[ "$status" -eq 0 ]
	assert_one_good_request
	write_config "[${n49}x]
client-id = other"
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --profile "$n49"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:1: profile name is longer than 48 bytes" ]
	[ "$(request_count)" = 1 ]
}

@test "an indented line is refused, not read as a continuation or a header" {
	start_server
	write_config "[default]
client-id = $ID
  [prod]
base-url = https://prod.invalid"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:3: line starts with a blank; indent nothing" ]
	write_config "[default]
	client-id = $ID"
	run nts
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:2: line starts with a blank; indent nothing" ]
	# indented comments and blank lines are fine
	write_config "[default]
  ; a comment
client-id = $ID
   "
	run nts
	[ "$status" -eq 0 ]
	[ "$(request_count)" = 1 ]
}

@test "a UTF-8 byte order mark does not hide the first profile" {
	start_server
	write_config "$(printf '\357\273\277')[prod]
client-id = $ID"
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --profile prod
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "a line of exactly 198 bytes is read; 199 is refused with FILE:LINE" {
	start_server
	local pad
	pad=$(printf 'a%.0s' $(seq 186))
	write_config "[default]
client-id = $pad"
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --show-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"client-id            $pad ($(CONF_DIR)/config:2)"* ]]
	write_config "[default]
client-id = ${pad}b"
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --show-config
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:2: line is longer than 198 bytes" ]
}

@test "empty means missing: exit 2 from a flag, 3 from the config file, nothing sent" {
	start_server
	run nt -q --client-secret ''
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --client-secret: value is empty" ]
	run nts --cache-dir ''
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --cache-dir: value is empty" ]
	run nts --config ''
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --config: value is empty" ]
	run nts --profile ''
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --profile: value is empty" ]
	write_config "[default]
client-secret ="
	run nt
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: $(CONF_DIR)/config:2: client-secret: value is empty" ]
	[ "$(request_count)" = 0 ]
}

@test "a CA file or directory that is not there: exit 2 from a flag, 3 from the environment" {
	start_server --tls
	run nts --cacert "$BATS_TEST_TMPDIR/missing.pem"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --cacert: cannot use '$BATS_TEST_TMPDIR/missing.pem': No such file or directory" ]
	run env NITRO_CACERT="$BATS_TEST_TMPDIR/missing.pem" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CACERT: cannot use '$BATS_TEST_TMPDIR/missing.pem': No such file or directory" ]
	run nts --capath "$SRV/ca.pem"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --capath: not a directory" ]
	run nts --cacert "$SRV"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --cacert: is a directory" ]
	[ "$(request_count)" = 0 ]
}

@test "curl's CA variables are honoured after --cacert and NITRO_CACERT" {
	start_server --tls
	local v
	for v in CURL_CA_BUNDLE SSL_CERT_FILE; do
		run env "$v=$SRV/ca.pem" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE" --retries 0
		[ "$status" -eq 0 ]
		run env "$v=$SRV/ca.pem" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE" --show-config
		[[ "$output" == *"cacert               $SRV/ca.pem (env $v)"* ]]
	done
	mkdir "$BATS_TEST_TMPDIR/certs"
	cp "$SRV/ca.pem" "$BATS_TEST_TMPDIR/certs/"
	openssl rehash "$BATS_TEST_TMPDIR/certs" 2>/dev/null || c_rehash "$BATS_TEST_TMPDIR/certs" >/dev/null
	run env SSL_CERT_DIR="$BATS_TEST_TMPDIR/certs" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 0 ]
	# ours first: a wrong NITRO_CACERT is not rescued by a right CURL_CA_BUNDLE
	run env NITRO_CACERT=/etc/hostname CURL_CA_BUNDLE="$SRV/ca.pem" NITRO_CLIENT_SECRET="$SECRET" "$NT" --client-id "$ID" --base-url "$BASE" --retries 0
	[ "$status" -eq 4 ]
	[ "$(request_count)" = 3 ]
}

@test "a base URL port out of range: exit 2, nothing sent" {
	local port
	for port in 0 65536 99999 x ''; do
		run nts --base-url "http://127.0.0.1:$port"
		[ "$status" -eq 2 ]
		[ "$output" = "nitro-token: --base-url: URL port must be a number from 1 to 65535" ]
	done
	run nts --show-config --base-url "https://example.com:65535/api"
	[ "$status" -eq 0 ]
}

@test "a long http host name is not loopback: exit 2" {
	local host
	host="127.0.0.1.$(printf 'a%.0s' $(seq 60)).example"
	run nts --base-url "http://$host/"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --base-url: plain http:// is allowed only to a loopback address; use https://" ]
	run nts --base-url "http://$(printf 'l%.0s' $(seq 70))localhost/"
	[ "$status" -eq 2 ]
}

@test "a 20 KB client ID is a usage error, not out of memory; 4096 bytes is fine" {
	start_server
	run nts --client-id "$(head -c 20000 /dev/zero | tr '\0' i)"
	[ "$status" -eq 2 ]
	[ "$output" = "nitro-token: --client-id: client ID is longer than 4096 bytes" ]
	run env NITRO_CLIENT_SECRET="$SECRET" "$NT" --base-url "$BASE" --client-id "$(head -c 4096 /dev/zero | tr '\0' i)"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientID | length')" = 4096 ]
}

@test "a secret of 4096 control characters is sent, JSON-escaped" {
	start_server
	head -c 4096 /dev/zero | tr '\0' '\001' >"$BATS_TEST_TMPDIR/ctl"
	run nt --client-secret-file "$BATS_TEST_TMPDIR/ctl"
	[ "$status" -eq 0 ]
	[ "$(request 1 '.body | fromjson | .clientSecret | length')" = 4096 ]
	[ "$(request 1 '.body | fromjson | .clientSecret | explode | unique')" = "$(jq -c -n '[1]' | jq '.')" ]
}

@test "secret files: one CRLF is dropped, the limit counts after it, a BOM is refused" {
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
	start_server
	run env NITRO_CLIENT_SECRET_FILE="$SECRET" "$NT" --base-url "$BASE" --client-id "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CLIENT_SECRET_FILE: cannot open the secret file it names: No such file or directory" ]
	[ "$(request_count)" = 0 ]
}

@test "a FIFO nobody writes to as the secret file ends at --timeout with exit 3" {
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
	start_server
	run bash -c '"$1" --base-url "$2" --client-id "$3" --client-secret-file <(sleep 0.3; printf "%s\n" "$4")' \
		sh "$NT" "$BASE" "$ID" "$SECRET"
	[ "$status" -eq 0 ]
	assert_one_good_request
}

@test "--client-secret-file - on a terminal prompts on stderr with echo off" {
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
