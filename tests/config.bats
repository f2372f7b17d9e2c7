#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Settings from every source: the config file and its profiles, one
# precedence order, --show-config, and the checks of each value.  Every
# source of the client secret is tested in secrets.bats.

load helper


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
	write_config "[default]
client-id = $ID" "$BATS_TEST_TMPDIR/xdg/nitro-token/config"
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
	[ "$output" = "nitro-token: $(CONF_DIR)/config:5: unknown key 'cleint-secret'; did you mean 'client-secret'?" ]
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

# matrix SETTING FLAGVALUE ENVVAR ENVVALUE FILEVALUE DEFAULT
# every combination of levels; the highest present must win, with its source
precedence_matrix() {
	local name=$1 fv=$2 envvar=$3 ev=$4 filev=$5 def=$6 mask want src args envs out
	for mask in 0 1 2 3 4 5 6 7; do
		args=() envs=()
		if (( mask & 4 )); then
			write_config "[default]
$name = $filev" "$BATS_TEST_TMPDIR/m.conf"
		else
			write_config "[default]" "$BATS_TEST_TMPDIR/m.conf"
		fi
		(( mask & 2 )) && envs=("$envvar=$ev")
		(( mask & 1 )) && args=("--$name" "$fv")
		if (( mask & 1 )); then want=$fv src=flag
		elif (( mask & 2 )); then want=$ev src="env $envvar"
		elif (( mask & 4 )); then want=$filev src="$BATS_TEST_TMPDIR/m.conf:2"
		else want=$def src=default
		fi
		out=$(env "${envs[@]}" "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config "${args[@]}" | grep "^$name ")
		[ "$out" = "$(printf '%-21s %s (%s)' "$name" "$want" "$src")" ] || {
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
	write_config "[default]
client-id = file-id" "$BATS_TEST_TMPDIR/m.conf"
	run env NITRO_CLIENT_ID=env-id "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config --client-id flag-id
	[[ "$output" == *"client-id             flag-id (flag)"* ]]
	run env NITRO_CLIENT_ID=env-id "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config
	[[ "$output" == *"client-id             env-id (env NITRO_CLIENT_ID)"* ]]
	run "$NT" --config "$BATS_TEST_TMPDIR/m.conf" --show-config
	[[ "$output" == *"client-id             file-id ($BATS_TEST_TMPDIR/m.conf:2)"* ]]
}

@test "--show-config: every setting and its source, never the secret, no request" {
	start_server
	write_config "[default]
client-secret = $SECRET
retries = 4"
	run --separate-stderr env NITRO_CLIENT_ID=env-id "$NT" --show-config --base-url "$BASE"
	[ "$status" -eq 0 ]
	[[ "$output" != *"$SECRET"* ]]
	[ "${lines[0]}" = "config                $(CONF_DIR)/config (default)" ]
	[ "${lines[1]}" = "profile               default (default)" ]
	[[ "$output" == *"client-secret         (set) ($(CONF_DIR)/config:2)"* ]]
	[[ "$output" == *"client-id             env-id (env NITRO_CLIENT_ID)"* ]]
	[[ "$output" == *"base-url              $BASE (flag)"* ]]
	[[ "$output" == *"retries               4 ($(CONF_DIR)/config:3)"* ]]
	[[ "$output" == *"client-secret-file    (unset)"* ]]
	[ "${#lines[@]}" = 16 ]
	[ "$(request_count)" = 0 ]
}

@test "--show-config exits 3 when a credential is missing" {
	run "$NT" --show-config --client-id x
	[ "$status" -eq 3 ]
	[[ "$output" == *"client-secret         (unset)"* ]]
	[[ "$output" == *"config                $HOME/.config/nitro-token/config (default, not found)"* ]]
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
	[[ "$output" == *"client-id             $pad ($(CONF_DIR)/config:2)"* ]]
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
		[[ "$output" == *"cacert                $SRV/ca.pem (env $v)"* ]]
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

@test "one parser for yes or no: the words it takes, in any case, and a message that lists them" {
	local w
	for w in yes true on 1 YES True ON; do
		run env NITRO_CACHE="$w" "$NT" --show-config --client-id x --client-secret-command true
		[ "$status" -eq 0 ]
		[[ "$output" == *"cache                 $w (env NITRO_CACHE)"* ]]
	done
	for w in no false off 0 NO Off; do
		run env NITRO_CACHE="$w" "$NT" --show-config --client-id x --client-secret-command true
		[ "$status" -eq 0 ]
	done
	run env NITRO_CACHE=maybe "$NT" --client-id x --client-secret-command true
	[ "$status" -eq 3 ]
	[ "$output" = "nitro-token: NITRO_CACHE: expected yes, true, on or 1 to turn it on, no, false, off or 0 to turn it off (in any case)" ]
	# the documents list the same words
	for w in yes true on 1 no false off 0; do
		grep -q "^| cache on/off .*\`$w\`" "$ROOT/docs/usage.md"
		grep -q "^\.Cm .*\b$w\b" "$ROOT/nitro-token.1"
	done
}

@test "--show-config: an overridden secret source shows its source and what overrode it; the name column fits" {
	printf '%s\n' "$SECRET" >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr env NITRO_CLIENT_SECRET=x NITRO_CLIENT_SECRET_FILE="$BATS_TEST_TMPDIR/s" \
		"$NT" --show-config --client-id a --client-secret-command 'echo y'
	[ "$status" -eq 0 ]
	[ "${lines[8]}" = "client-secret         (set) (env NITRO_CLIENT_SECRET, overridden by --client-secret-command)" ]
	[ "${lines[9]}" = "client-secret-command echo y (flag)" ]
	[ "${lines[10]}" = "client-secret-file    $BATS_TEST_TMPDIR/s (env NITRO_CLIENT_SECRET_FILE, overridden by --client-secret-command)" ]
	[[ "$output" != *"x (env"* ]]
	write_config "[default]
client-secret-command = echo z"
	run --separate-stderr env NITRO_CLIENT_SECRET="$SECRET" "$NT" --show-config --client-id a
	[ "$status" -eq 0 ]
	[ "${lines[9]}" = "client-secret-command echo z ($(CONF_DIR)/config:2, overridden by NITRO_CLIENT_SECRET)" ]
	[[ "$output" != *"$SECRET"* ]]
}
