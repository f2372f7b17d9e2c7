#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make image: the container image of one architecture, built by buildah from
# packaging/image/Containerfile, and tagged localhost/nitro-token:VERSION-ARCH
# (amd64 or arm64).  With an ARCHIVE, also written there as an OCI archive
# (what podman load, skopeo and docker load read).
#
#   image.sh x86_64|aarch64 BINARY VERSION DATE [ARCHIVE]
#
# Reproducible: every time stamp is 0 (buildah --timestamp 0), the labels
# come from VERSION and the release DATE, and the CA bundle is Mozilla's set
# as Debian's ca-certificates package ships it, in a fixed order, never this
# machine's own additions (/usr/local/share/ca-certificates).  The same
# binary makes the same image ID.  Prints the image ID.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: image.sh x86_64|aarch64 BINARY VERSION DATE [ARCHIVE]}
bin=${2:?} version=${3:?} date=${4:?} archive=${5:-}
# where the source is published; the Makefile's SOURCE_URL
source=${SOURCE_URL:-}

case $arch in
x86_64) platform=linux/amd64 ;;
aarch64) platform=linux/arm64 ;;
*)
	echo "image: no such architecture: $arch" >&2
	exit 2
	;;
esac
[ -f "$bin" ] || {
	echo "image: no static binary $bin (make static STATIC_ARCH=$arch)" >&2
	exit 1
}
command -v buildah >/dev/null || {
	echo "image: needs buildah (make deps-qa installs it)" >&2
	exit 1
}
mozilla=/usr/share/ca-certificates/mozilla
ls "$mozilla"/*.crt >/dev/null 2>&1 || {
	echo "image: no CA certificates in $mozilla (apt-get install ca-certificates)" >&2
	exit 1
}

ctx="$ROOT/build/image/$arch"
rm -rf "$ctx"
mkdir -p "$ctx"
cp "$bin" "$ctx/nitro-token"
# (each file ends in a newline, as update-ca-certificates makes sure too)
LC_ALL=C find "$mozilla" -name '*.crt' | LC_ALL=C sort | while read -r c; do
	cat "$c"
	[ -z "$(tail -c 1 "$c")" ] || echo
done >"$ctx/ca-certificates.crt"

tag="localhost/nitro-token:$version-${platform#linux/}"
buildah build --quiet --timestamp 0 --platform "$platform" --layers=false \
	--build-arg VERSION="$version" --build-arg SOURCE="$source" \
	--build-arg CREATED="${date}T00:00:00Z" \
	-f "$ROOT/packaging/image/Containerfile" -t "$tag" "$ctx" >/dev/null
# the archive: an OCI layout (blobs named by their digest), put in a tar
# with sorted names, owner 0 and time 0 (buildah's own oci-archive stamps
# the time of writing), named nitro-token:VERSION for podman load
if [ -n "$archive" ]; then
	rm -rf "$ctx/oci" "$archive"
	buildah push --quiet "$tag" "oci:$ctx/oci:nitro-token:$version" >/dev/null
	tar -C "$ctx/oci" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		--format=ustar -cf "$archive.tmp" .
	mv "$archive.tmp" "$archive"
fi
buildah inspect --type image --format '{{.FromImageID}}{{"\n"}}' "$tag"
