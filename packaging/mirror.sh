#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prints the Debian mirror that everything here downloads from (make static,
# make matrix, make deb-check): $DEBIAN_MIRROR when it is set, or else the
# first Debian archive this machine's apt is configured with, read as apt
# reads it: the one-line sources.list, then the files of sources.list.d in
# order (*.list one-line, *.sources deb822, other names ignored, Enabled: no
# skipped).  The Debian archive is the entry for a release's own suite
# (bookworm, trixie, stable...), not its -security or -updates, nor a third
# party's.  Exits 1, saying so, when there is none.
set -euo pipefail

if [ -n "${DEBIAN_MIRROR:-}" ]; then
	echo "${DEBIAN_MIRROR%/}"
	exit 0
fi

# where apt reads its sources (the apt-config of this machine, if it has one)
list=/etc/apt/sources.list parts=/etc/apt/sources.list.d
if command -v apt-config >/dev/null; then
	eval "$(apt-config shell list Dir::Etc::sourcelist/f parts Dir::Etc::sourceparts/d)"
fi

# one "URI SUITE" line per deb or deb-src entry, in apt's order
entries() {
	local f
	[ -f "$list" ] && one_line "$list"
	for f in "${parts%/}"/*; do
		case $f in
		*.list) one_line "$f" ;;
		*.sources) deb822 "$f" ;;
		esac
	done
}

# deb [ options ] URI SUITE [COMPONENT...]
one_line() {
	sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$1" |
		awk '($1 == "deb" || $1 == "deb-src") && NF >= 3 { print $2, $3 }'
}

# paragraphs of Field: value; a value may go on in indented lines
deb822() {
	awk '
	function flush(  i, j, nu, ns, u, s) {
		if (types ~ /(^| )deb(-src)?( |$)/ && tolower(enabled) != "no") {
			nu = split(uris, u, " ")
			ns = split(suites, s, " ")
			for (i = 1; i <= nu; i++)
				for (j = 1; j <= ns; j++)
					print u[i], s[j]
		}
		types = uris = suites = field = ""
		enabled = "yes"
	}
	BEGIN { enabled = "yes" }
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^[ \t]/ { if (field == "uris") uris = uris " " $0; else if (field == "suites") suites = suites " " $0; next }
	{
		field = tolower($0)
		sub(/:.*/, "", field)
		value = $0
		sub(/^[^:]*:[ \t]*/, "", value)
		if (field == "types") types = value
		else if (field == "uris") uris = value
		else if (field == "suites") suites = value
		else if (field == "enabled") enabled = value
	}
	END { flush() }' "$1"
}

release='oldoldstable|oldstable|stable|testing|unstable|sid|experimental|buster|bullseye|bookworm|trixie|forky|duke'
mirror=$(entries | awk -v r="^($release)/?\$" '
	$1 ~ /^(https?|file):/ && $2 ~ r { sub(/\/+$/, "", $1); print $1; exit }')
if [ -z "$mirror" ]; then
	echo "mirror.sh: no Debian archive in $list or ${parts%/}/: set DEBIAN_MIRROR" >&2
	exit 1
fi
echo "$mirror"
