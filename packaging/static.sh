#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make static, first half: build the libraries of the static binary with musl
# for STATIC_ARCH (x86_64 or aarch64) into $STATIC_BUILD/ARCH/prefix, from the
# Debian source packages pinned in packaging/static-deps.  Each library is
# built once and kept (a stamp per name, version and recipe: this script, the
# entropy source and the flags), so a second run takes seconds.  The sources
# are fetched once for every architecture.
#
# The flags come from the Makefile (STATIC_CFLAGS), the same hardening as the
# binary itself, and every object in its own sections so that the link can
# drop what nitro-token never calls (--gc-sections).
#
# TLS is mbedTLS 3.6, the upstream long-term-support line: small, made to be
# linked statically, and with TLS 1.3.  libcurl is cut down to HTTP and HTTPS,
# and only the library itself is built (not its unit-test twin).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARCH=${STATIC_ARCH:-x86_64}
HOST=$ARCH-linux-musl
B=${STATIC_BUILD:-build/static}
B=$(cd "$ROOT" && mkdir -p "$B" && cd "$B" && pwd)
A=$B/$ARCH
PREFIX=$A/prefix
MIRROR=$("$ROOT/packaging/mirror.sh")
SUITE=trixie
# Debian's musl wrapper for the target: musl-tools (x86_64) or musl-dev:ARCH
# with gcc-ARCH-linux-gnu
export CC=$HOST-gcc
# the build directory's name stays out of the debugging information, so that
# every build directory gives the same bytes
export CFLAGS="${STATIC_CFLAGS:?"set by make static"} -ffile-prefix-map=$B/=static/"
# mbedTLS's randomness: getrandom() through packaging/static-entropy.c
ENTROPY="-DMBEDTLS_NO_PLATFORM_ENTROPY -DMBEDTLS_ENTROPY_HARDWARE_ALT"
JOBS=$(nproc 2>/dev/null || echo 2)

say() { echo "static: $*"; }

version_of() { awk -v n="$1" '$1 == n { print $2 }' "$ROOT/packaging/static-deps"; }

# a private apt configuration that knows the source packages of $SUITE,
# leaving the system's own apt configuration alone
APT=(-o "Dir::Etc::SourceList=$B/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$B/apt/lists" -o "Dir::Cache=$B/apt/cache" -o APT::Sandbox::User=root -qq)

apt_lists() {
	[ -e "$B/apt/.updated" ] && return 0
	mkdir -p "$B/apt/lists/partial" "$B/apt/cache"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
		>"$B/apt/sources.list"
	apt-get "${APT[@]}" update
	touch "$B/apt/.updated"
}

# unpack NAME: a fresh source tree of the pinned version for this
# architecture, in $A/src/NAME.tree; the download is kept in $B/dl/NAME
unpack() {
	local name=$1 version tree=$A/src/$1.tree
	version=$(version_of "$name")
	if [ ! -e "$B/dl/$name/.done-$version" ]; then
		apt_lists
		rm -rf "$B/dl/$name"
		mkdir -p "$B/dl/$name"
		(cd "$B/dl/$name" && apt-get "${APT[@]}" source --download-only "$name=$version") || {
			say "cannot fetch $name $version: bump it in packaging/static-deps"
			exit 1
		}
		touch "$B/dl/$name/.done-$version"
	fi
	rm -rf "$tree"
	mkdir -p "$A/src"
	# apt checked every file against the signed Sources index; dpkg-source
	# need not look for the uploader's key
	(cd "$B/dl/$name" && dpkg-source --no-check -x ./*.dsc "$tree") >/dev/null
	# Debian's patches may touch configure.ac or Makefile.am; the generated
	# files that ship are what we build with, not autotools run again
	find "$tree" \( -name configure -o -name '*.in' -o -name aclocal.m4 \
		-o -name '*.h.in' \) -exec touch {} +
	echo "$tree"
}

# a library's stamp names its version and its recipe: the text of the
# build_ function that calls built or stamp, the compiler and the flags
recipe() { { declare -f "$1" unpack; echo "$CC $CFLAGS $ENTROPY"; } | sha256sum | cut -c1-12; }
built() { [ -e "$A/stamps/$1-$(version_of "$1")-$(recipe "${FUNCNAME[1]}")" ]; }
stamp() { mkdir -p "$A/stamps" && touch "$A/stamps/$1-$(version_of "$1")-$(recipe "${FUNCNAME[1]}")"; }

build_mbedtls() {
	built mbedtls && return 0
	say "mbedtls $(version_of mbedtls)"
	local d
	d=$(unpack mbedtls)
	make -C "$d/library" -j"$JOBS" CC="$CC" CFLAGS="$CFLAGS $ENTROPY" static >/dev/null
	mkdir -p "$PREFIX/include" "$PREFIX/lib"
	cp -r "$d/include/mbedtls" "$d/include/psa" "$PREFIX/include/"
	cp "$d"/library/libmbed*.a "$PREFIX/lib/"
	stamp mbedtls
}

# mbedTLS's entropy source, rebuilt whenever its one file changes
build_entropy() {
	local src=$ROOT/packaging/static-entropy.c sum
	sum=$({ cat "$src"; recipe build_entropy; } | sha256sum | cut -c1-12)
	[ -e "$A/stamps/entropy-$sum" ] && return 0
	say "entropy source"
	mkdir -p "$PREFIX/lib" "$A/stamps"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	$CC $CFLAGS -c -o "$A/static-entropy.o" "$src"
	rm -f "$PREFIX/lib/libnitro-entropy.a" "$A"/stamps/entropy-*
	ar rcs "$PREFIX/lib/libnitro-entropy.a" "$A/static-entropy.o"
	touch "$A/stamps/entropy-$sum"
}

build_nettle() {
	built nettle && return 0
	say "nettle $(version_of nettle)"
	local d
	d=$(unpack nettle)
	# no fat build: its CPU probe is a constructor that would run on every
	# start (cpuid is a VM exit on virtual machines), for functions a token
	# fetch hardly uses
	(cd "$d" && ./configure --host="$HOST" --prefix="$PREFIX" --disable-shared --disable-fat \
		--libdir="$PREFIX/lib" --disable-public-key --disable-openssl --disable-documentation \
		>/dev/null &&
		make -j"$JOBS" libnettle.a >/dev/null 2>&1 && make install-headers install-static >/dev/null)
	stamp nettle
}

build_jansson() {
	built jansson && return 0
	say "jansson $(version_of jansson)"
	local d
	d=$(unpack jansson)
	cmake -S "$d" -B "$d/musl" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DJANSSON_BUILD_SHARED_LIBS=OFF \
		-DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON >/dev/null
	cmake --build "$d/musl" -j "$JOBS" >/dev/null
	cmake --install "$d/musl" >/dev/null
	stamp jansson
}

# inih is one file; built with its defaults, as Debian builds it
build_inih() {
	built libinih && return 0
	say "inih $(version_of libinih)"
	local d
	d=$(unpack libinih)
	mkdir -p "$PREFIX/include" "$PREFIX/lib"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	$CC $CFLAGS -c -o "$A/ini.o" "$d/ini.c"
	ar rcs "$PREFIX/lib/libinih.a" "$A/ini.o"
	cp "$d/ini.h" "$PREFIX/include/"
	stamp libinih
}

build_curl() {
	built curl && return 0
	say "curl $(version_of curl)"
	local d
	d=$(unpack curl)
	(cd "$d" && CPPFLAGS="$ENTROPY" LIBS="-lnitro-entropy" LDFLAGS="-L$PREFIX/lib" \
		./configure --host="$HOST" --prefix="$PREFIX" --disable-shared --enable-static --with-mbedtls="$PREFIX" \
		--without-ca-bundle --without-ca-path --without-ca-fallback \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-ipfs \
		--disable-websockets --disable-ntlm --disable-kerberos-auth --disable-negotiate-auth \
		--disable-aws --disable-manual --disable-docs --disable-libcurl-option \
		--without-libpsl --without-zlib --without-brotli --without-zstd --without-libidn2 \
		--without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-libssh2 \
		--without-libssh --without-librtmp --without-libgsasl >"$A/curl-configure.log" 2>&1 &&
		make -j"$JOBS" -C lib libcurl.la >/dev/null 2>"$A/curl-make.log" &&
		make -C lib install-libLTLIBRARIES >/dev/null && make -C include install >/dev/null &&
		make install-pkgconfigDATA >/dev/null) || {
		say "curl failed to build; see $A/curl-configure.log and $A/curl-make.log"
		exit 1
	}
	stamp curl
}

command -v "$CC" >/dev/null || { say "needs $CC (make deps installs it)"; exit 1; }
command -v dpkg-source >/dev/null || { say "needs dpkg-source (dpkg-dev)"; exit 1; }
build_mbedtls
build_entropy
build_nettle
build_jansson
build_inih
build_curl
say "libraries for $ARCH ready in $PREFIX"
