#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make static, first half: build the libraries of the static binary with musl
# into build/static/prefix (or $STATIC_BUILD/prefix), from the Debian source
# packages pinned in
# packaging/static-deps.  Each library is built once and kept (a stamp per
# name and version), so a second run takes seconds.
#
# TLS is mbedTLS 3.6, the upstream long-term-support line: small, made to be
# linked statically, and with TLS 1.3.  libcurl is cut down to HTTP and HTTPS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${STATIC_BUILD:-build/static}
B=$(cd "$ROOT" && mkdir -p "$B" && cd "$B" && pwd)
PREFIX=$B/prefix
MIRROR=$("$ROOT/packaging/mirror.sh")
SUITE=trixie
export CC=musl-gcc
export CFLAGS="-O2 -fPIE -fstack-protector-strong"
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

# unpack NAME: the source tree of the pinned version, in $B/src/NAME-VERSION
unpack() {
	local name=$1 version dir
	version=$(version_of "$name")
	dir="$B/src/$name-${version%-*}"
	dir=${dir%%+*}
	if [ ! -d "$B/src/$name.tree" ]; then
		apt_lists
		mkdir -p "$B/src/$name.dl"
		(cd "$B/src/$name.dl" && apt-get "${APT[@]}" source --download-only "$name=$version") || {
			say "cannot fetch $name $version: bump it in packaging/static-deps"
			exit 1
		}
		# apt checked every file against the signed Sources index; dpkg-source
		# need not look for the uploader's key
		(cd "$B/src/$name.dl" && dpkg-source --no-check -x ./*.dsc "$B/src/$name.tree") >/dev/null
		# Debian's patches may touch configure.ac or Makefile.am; the generated
		# files that ship are what we build with, not autotools run again
		find "$B/src/$name.tree" \( -name configure -o -name '*.in' -o -name aclocal.m4 \
			-o -name '*.h.in' \) -exec touch {} +
	fi
	echo "$B/src/$name.tree"
}

built() { [ -e "$B/stamps/$1-$(version_of "$1")" ]; }
stamp() { mkdir -p "$B/stamps" && touch "$B/stamps/$1-$(version_of "$1")"; }

build_mbedtls() {
	built mbedtls && return 0
	say "mbedtls $(version_of mbedtls)"
	local d
	d=$(unpack mbedtls)
	make -C "$d/library" -j"$JOBS" CC="$CC" CFLAGS="$CFLAGS $ENTROPY" static >/dev/null
	mkdir -p "$PREFIX/include" "$PREFIX/lib"
	# shellcheck disable=SC2086 # CFLAGS is a list of flags
	$CC $CFLAGS -c -o "$B/static-entropy.o" "$ROOT/packaging/static-entropy.c"
	ar rcs "$PREFIX/lib/libnitro-entropy.a" "$B/static-entropy.o"
	cp -r "$d/include/mbedtls" "$d/include/psa" "$PREFIX/include/"
	cp "$d"/library/libmbed*.a "$PREFIX/lib/"
	stamp mbedtls
}

build_nettle() {
	built nettle && return 0
	say "nettle $(version_of nettle)"
	local d
	d=$(unpack nettle)
	(cd "$d" && ./configure --host=x86_64-linux-musl --prefix="$PREFIX" --disable-shared \
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
	$CC $CFLAGS -c -o "$B/ini.o" "$d/ini.c"
	ar rcs "$PREFIX/lib/libinih.a" "$B/ini.o"
	cp "$d/ini.h" "$PREFIX/include/"
	stamp libinih
}

build_curl() {
	built curl && return 0
	say "curl $(version_of curl)"
	local d
	d=$(unpack curl)
	(cd "$d" && CPPFLAGS="$ENTROPY" LIBS="-lnitro-entropy" LDFLAGS="-L$PREFIX/lib" \
		./configure --host=x86_64-linux-musl --prefix="$PREFIX" --disable-shared --enable-static --with-mbedtls="$PREFIX" \
		--without-ca-bundle --without-ca-path --without-ca-fallback \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-ipfs \
		--disable-websockets --disable-ntlm --disable-kerberos-auth --disable-negotiate-auth \
		--disable-aws --disable-manual --disable-docs --disable-libcurl-option \
		--without-libpsl --without-zlib --without-brotli --without-zstd --without-libidn2 \
		--without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-libssh2 \
		--without-libssh --without-librtmp --without-libgsasl >"$B/curl-configure.log" 2>&1 &&
		make -j"$JOBS" -C lib >/dev/null 2>"$B/curl-make.log" &&
		make -C lib install >/dev/null && make -C include install >/dev/null &&
		make install-pkgconfigDATA >/dev/null) || {
		say "curl failed to build; see $B/curl-configure.log and $B/curl-make.log"
		exit 1
	}
	stamp curl
}

command -v musl-gcc >/dev/null || { say "needs musl-gcc (make deps installs musl-tools)"; exit 1; }
command -v dpkg-source >/dev/null || { say "needs dpkg-source (dpkg-dev)"; exit 1; }
mkdir -p "$B/src"
build_mbedtls
build_nettle
build_jansson
build_inih
build_curl
say "libraries ready in $PREFIX"
