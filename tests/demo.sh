#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo: run nitro-token against the bundled fake server and show a few
# formats.  Uses made-up credentials; nothing leaves this machine.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
python3 tests/fake_server.py --port-file "$dir/port" --log "$dir/log" \
	--responses "$dir/responses" &
pid=$!
for _ in $(seq 200); do [ -s "$dir/port" ] && break; sleep 0.02; done
NITRO_BASE_URL="http://127.0.0.1:$(cat "$dir/port")"
export NITRO_BASE_URL
export NITRO_CLIENT_ID=demo-client
export NITRO_CACHE_DIR="$dir/cache"
printf '%s\n' demo-secret >"$dir/secret"
export NITRO_CLIENT_SECRET_FILE="$dir/secret"
for fmt in token json export header curl; do
	printf '$ nitro-token -f %s\n' "$fmt"
	./nitro-token -f "$fmt"
	echo
done
printf '$ nitro-token -- sh -c %s\n' "'echo \"\$NITRO_TOKEN_TYPE \$NITRO_ACCESS_TOKEN\"'"
# shellcheck disable=SC2016 # expanded by the child, not here
./nitro-token -- sh -c 'echo "$NITRO_TOKEN_TYPE $NITRO_ACCESS_TOKEN"'
printf '\nrequests the server received: %s (the cache answered the rest)\n' "$(wc -l <"$dir/log")"
