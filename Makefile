# SPDX-License-Identifier: MIT
# nitro-token: build, test, install.  GNU make.

VERSION    = 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
CC         ?= cc
PKG_CONFIG ?= pkg-config
# every signal at its default, however make was started (nohup, cmd & in a
# script, a Python parent): the tests that send signals test exactly that
BATS       ?= env --default-signal bats

# Probes run once, when first needed, so that "make deps" works on a system
# that has neither pkg-config nor the libraries yet.
# $(call once,VAR,TEXT): VAR is TEXT, expanded the first time VAR is used
once      = $(eval $(1) := $(2))$($(1))
,         := ,
# $(call cc_has,FLAG): FLAG if the compiler takes it; ld_has: if it links with it
# $(call cc_has_for,CC,FLAG): FLAG if that compiler takes it
cc_has_for = $(shell $(1) -Werror $(2) -x c -c -o /dev/null /dev/null 2>/dev/null && echo $(2))
cc_has    = $(call cc_has_for,$(CC),$(1))
ld_has    = $(shell printf 'int main(void){return 0;}' | \
                    $(CC) $(1) -x c -o /dev/null - 2>/dev/null && echo $(1))

# libcurl is dlopen()ed at run time (see src/http.c): headers only at build time.
# jansson, inih and nettle are small and self-contained; linked statically (the
# default where the linker can) they add nothing to the start of a cache hit.
# LINK=dynamic links them as shared libraries, as a distribution package would.
PKGS       = jansson inih nettle
BSTATIC    = -Wl,-Bstatic
LINK      ?= $(if $(call once,HAVE_BSTATIC,$(call ld_has,$(BSTATIC) -Wl$(,)-Bdynamic)),static,dynamic)
PKG_CFLAGS = $(call once,PKG_CFLAGS,$(shell $(PKG_CONFIG) --cflags libcurl $(PKGS)))
PKG_LIBS   = $(call once,PKG_LIBS,$(if $(filter static,$(LINK)),\
                 $(BSTATIC) $(shell $(PKG_CONFIG) --libs --static $(PKGS)) -Wl$(,)-Bdynamic,\
                 $(shell $(PKG_CONFIG) --libs $(PKGS))))

CFLAGS   ?= -O2 -g
WARNINGS  = -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wno-missing-field-initializers
# hardening the compiler and linker have (GNU ld's -z options, for one, are
# not macOS's); a distribution's own CPPFLAGS choose the _FORTIFY_SOURCE level
# when they name one (ours would only redefine it).  One list for every build:
# $(call harden_for,CC) is what of it that compiler takes (control-flow
# protection is -fcf-protection on x86, -mbranch-protection on arm64).
HARDEN_ALL = -fstack-clash-protection -fcf-protection -mbranch-protection=standard
harden_for = -fstack-protector-strong -fPIE $(foreach f,$(HARDEN_ALL),$(call cc_has_for,$(1),$(f)))
HARDEN    = $(call once,HARDEN,$(call harden_for,$(CC)))
LDHARDEN  = $(call once,LDHARDEN,$(call ld_has,-pie) $(call ld_has,-Wl$(,)-z$(,)relro$(,)-z$(,)now) \
                $(call ld_has,-Wl$(,)--as-needed))
LIBDL     = $(call once,LIBDL,$(call ld_has,-ldl))
FORTIFY   = $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS)),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3)
ALL_CPPFLAGS = -D_GNU_SOURCE -DVERSION='"$(VERSION)"' $(FORTIFY) $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 $(WARNINGS) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS  = $(LDHARDEN) $(LDFLAGS)
LIBS         = $(PKG_LIBS) $(LIBDL)

SRCS = src/api.c src/buf.c src/cache.c src/cli.c src/compat.c src/config.c src/http.c src/io.c src/keep.c \
       src/main.c src/msg.c src/output.c src/secret.c src/token.c
OBJS = $(SRCS:.c=.o)
# everything but main(), for test and fuzz programs
LIB_OBJS = $(filter-out src/main.o,$(OBJS))

all: nitro-token nitro-token.1

# The man page takes the version from here and its date from the version's
# entry in CHANGELOG.md, so that the same commit always makes the same page.
RELEASE_DATE = $(call once,RELEASE_DATE,$(shell sed -n 's/^\#\# \[$(VERSION)\] - //p' CHANGELOG.md))

nitro-token.1: man/nitro-token.1.in CHANGELOG.md Makefile
	@test -n "$(RELEASE_DATE)" || { echo "CHANGELOG.md has no entry for $(VERSION)" >&2; exit 1; }
	sed -e 's/@VERSION@/$(VERSION)/' -e "s/@DATE@/$$(echo $(RELEASE_DATE) | awk -F- \
		'{ split("January February March April May June July August September October \
		November December", m, " "); printf "%s %d, %d", m[$$2 + 0], $$3, $$1 }')/" $< >$@

nitro-token: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

src/%.o: src/%.c src/*.h Makefile
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

tests/quote: tests/quote.c $(LIB_OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ tests/quote.c $(LIB_OBJS) $(LIBS)

tests/unit: tests/unit.c $(LIB_OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ tests/unit.c $(LIB_OBJS) $(LIBS)

# a libcurl.so.4 that only says it is old (tests only)
tests/stubs/libcurl.so.4: tests/stubs/old_libcurl.c
	$(CC) $(ALL_CPPFLAGS) -std=c11 -shared -fPIC -o $@ $<

# LD_PRELOAD libraries for the wipe checker, out-of-memory and system call failure injection
tests/preload/%.so: tests/preload/%.c
	$(CC) -std=c11 -Wall -Wextra -O1 -shared -fPIC -Wl,-z,now -o $@ $< -ldl

TEST_PROGS = tests/quote tests/unit tests/stubs/libcurl.so.4 tests/preload/wipecheck.so \
             tests/preload/failalloc.so tests/preload/failcall.so tests/preload/fdcheck.so \
             tests/nogetrandom

test-progs: nitro-token.1 $(TEST_PROGS)

check: nitro-token nitro-token.1 $(TEST_PROGS)
	$(BATS) $(BATS_FLAGS) tests

# the whole suite against an AddressSanitizer + UBSan build
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
nitro-token-asan: $(SRCS) src/*.h Makefile
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARNINGS) -O1 -g $(SANITIZE) -o $@ $(SRCS) $(LIBS)

sanitize: nitro-token-asan $(TEST_PROGS)
	NITRO_BIN=$(CURDIR)/nitro-token-asan $(BATS) $(BATS_FLAGS) tests

# the whole suite against the portable branch of everything in compat.c,
# the code that macOS and the BSDs run
nitro-token-fallbacks: $(SRCS) src/*.h Makefile
	$(CC) $(ALL_CPPFLAGS) -DNITRO_FORCE_FALLBACKS $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(SRCS) $(LIBS)

check-fallbacks: nitro-token-fallbacks $(TEST_PROGS)
	NITRO_FALLBACKS=1 NITRO_BIN=$(CURDIR)/nitro-token-fallbacks $(BATS) $(BATS_FLAGS) tests

# One static binary for any Linux x86_64 (nitro-token-static) or aarch64
# (make static STATIC_ARCH=aarch64: nitro-token-static-aarch64): musl, with
# libcurl (HTTP and HTTPS only), mbedTLS 3.6, jansson, inih and nettle built
# from Debian's source packages by packaging/static.sh (kept under
# $(STATIC_BUILD)/ARCH), linked as a static PIE: no INTERP, no NEEDED.  The
# hardening is the main build's, probed with the cross compiler; every object
# is in its own sections and the link drops those never used.  musl-gcc's
# own specs make a dynamic PIE of -static-pie, so a copy of them links with
# rcrt1.o instead.
STATIC_ARCH  ?= x86_64
STATIC_BUILD ?= build/static
export STATIC_ARCH STATIC_BUILD
STATIC_BIN   = nitro-token-static$(if $(filter x86_64,$(STATIC_ARCH)),,-$(STATIC_ARCH))
STATIC_GCC   = $(STATIC_ARCH)-linux-gnu-gcc
STATIC_CFLAGS = $(call once,STATIC_CFLAGS,-O2 $(call harden_for,$(STATIC_GCC)) \
                -ffunction-sections -fdata-sections)
export STATIC_CFLAGS
# neither the clone's nor the build directory's name in the binary, so that
# two clones give the same bytes
STATIC_PREFIX_MAP = -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(abspath $(STATIC_BUILD))=static
SA          = $(STATIC_BUILD)/$(STATIC_ARCH)
SP          = $(SA)/prefix
STATIC_LIBS = $(SP)/lib/libcurl.a $(SP)/lib/libmbedtls.a $(SP)/lib/libmbedx509.a \
              $(SP)/lib/libmbedcrypto.a $(SP)/lib/libjansson.a $(SP)/lib/libinih.a \
              $(SP)/lib/libnettle.a $(SP)/lib/libnitro-entropy.a

static:
	packaging/static.sh
	$(MAKE) $(STATIC_BIN)

$(SA)/static-pie.specs: Makefile
	@mkdir -p $(SA)
	sed -e 's|/Scrt1\.o|/rcrt1.o|' -e 's|-dynamic-linker [^ ]*|-static -pie --no-dynamic-linker -z text|' \
		"$$(sed -n 's/.*-specs "\([^"]*\)".*/\1/p' "$$(command -v $(STATIC_ARCH)-linux-musl-gcc)")" >$@

$(STATIC_BIN): $(SRCS) src/*.h Makefile $(SA)/static-pie.specs $(STATIC_LIBS)
	$(STATIC_GCC) -specs=$(SA)/static-pie.specs -D_GNU_SOURCE -DVERSION='"$(VERSION)"' \
		-DNITRO_STATIC_LIBCURL -DCURL_STATICLIB -I$(abspath $(SP))/include -std=c11 $(WARNINGS) \
		$(STATIC_CFLAGS) $(STATIC_PREFIX_MAP) $(CFLAGS) -Wl,-z,relro,-z,now,--gc-sections \
		-o $@ $(SRCS) $(STATIC_LIBS)

# Debian 11, 12 and 13, each a fresh debootstrap tree (needs root)
matrix:
	tests/matrix.sh

# mutation testing (tests/mutate.py): MUTATE_N mutants, seed MUTATE_SEED
mutate: export MUTATE_CPP = $(CC) $(ALL_CPPFLAGS) -E
mutate: nitro-token test-progs
	python3 tests/mutate.py

# the whole suite against the static binary; for another architecture it
# runs under qemu-user, through binfmt_misc (packaging/binfmt.sh sets it up)
check-static: static $(TEST_PROGS)
	@./$(STATIC_BIN) --version >/dev/null || { echo "check-static: $(STATIC_BIN) does not run" \
		"here; for another architecture run packaging/binfmt.sh (as root) first" >&2; exit 1; }
	NITRO_BIN=$(CURDIR)/$(STATIC_BIN) $(BATS) $(BATS_FLAGS) tests

# runs a program with getrandom() refused, as old kernels and some seccomp
# profiles do (tests/static.bats, tests/cache.bats)
tests/nogetrandom: tests/nogetrandom.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# a representative part of the suite under valgrind
valgrind: nitro-token $(TEST_PROGS)
	NITRO_BIN=$(CURDIR)/tests/valgrind.sh $(BATS) $(BATS_FLAGS) tests/fetch.bats tests/output.bats

# libFuzzer harnesses; FUZZ_TIME seconds each
FUZZ_TIME    ?= 300
FUZZERS       = token error config retry_after quote
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
LIB_SRCS      = $(filter-out src/main.c,$(SRCS))
FUZZ_BINS     = $(FUZZERS:%=tests/fuzz/bin/fuzz_%)

tests/fuzz/bin/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) src/*.h
	@mkdir -p tests/fuzz/bin
	$(FUZZ_CC) $(ALL_CPPFLAGS) -Isrc $(FUZZ_FLAGS) -o $@ $< $(LIB_SRCS) $(LIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
		mkdir -p tests/fuzz/out/$$f && \
		echo "fuzz_$$f: $(FUZZ_TIME) s" && \
		tests/fuzz/bin/fuzz_$$f -max_total_time=$(FUZZ_TIME) -close_fd_mask=2 \
			-max_len=4096 -print_final_stats=0 tests/fuzz/out/$$f tests/fuzz/corpus/$$f \
			2>tests/fuzz/out/$$f.log || { tail -50 tests/fuzz/out/$$f.log; exit 1; }; \
		tail -1 tests/fuzz/out/$$f.log; \
	done

tests/bench/trivial: tests/bench/trivial.c
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

tests/bench/trivial-static: tests/bench/trivial.c
	musl-gcc -static -O2 -o $@ $<

tests/bench/measure: tests/bench/measure.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# the static binary's yardsticks, linked as nitro-token-static is: a static PIE
BENCH_STATIC_PIE = gcc -specs=$(SA)/static-pie.specs -std=c11 $(WARNINGS) \
                   -fstack-protector-strong -fPIE $(CFLAGS) -Wl,-z,relro,-z,now
build/bench/floor: tests/bench/floor.c $(SA)/static-pie.specs
	@mkdir -p build/bench
	$(BENCH_STATIC_PIE) -o $@ $<

build/bench/trivial-static-pie: tests/bench/trivial.c $(SA)/static-pie.specs
	@mkdir -p build/bench
	$(BENCH_STATIC_PIE) -o $@ $<

# not part of check: numbers want a quiet machine; exits 1 when a target is missed.
# BENCH_ARGS="--baseline OLD/nitro-token --baseline-static OLD/nitro-token-static"
# measures an earlier build in the same turns.
bench: nitro-token tests/bench/trivial tests/bench/trivial-static tests/bench/measure \
       build/bench/trivial-static-pie build/bench/floor
	python3 tests/bench/bench.py $(BENCH_ARGS)

demo: nitro-token
	tests/demo.sh

clean:
	rm -f nitro-token nitro-token.1 nitro-token-asan nitro-token-fallbacks $(TEST_PROGS) nitro-token-static nitro-token-static-* tests/nogetrandom tests/bench/trivial tests/bench/trivial-static tests/bench/measure $(OBJS)
	rm -rf tests/fuzz/bin tests/fuzz/out

# Debian and Ubuntu (packaging/deps.sh): make deps installs what building and
# make check need; make deps-qa adds the tools of the quality gates in .ci/run
# (sanitizers, valgrind, linters, the static, cross and package builds, the
# image, the release matrix)
deps:
	@packaging/deps.sh

deps-qa:
	@packaging/deps.sh --qa

# both of them in a fresh Debian 12 tree, timed (needs root; see tests/matrix.sh)
deps-check:
	tests/matrix.sh --deps

SHELL_FILES = completions/nitro-token.bash .ci/run $(wildcard tests/*.sh tests/*.bash packaging/*.sh)

lint: nitro-token.1
	mandoc -T lint -W warning nitro-token.1
	clang-format --dry-run --Werror src/*.c src/*.h tests/*.c tests/fuzz/*.c tests/stubs/*.c \
		tests/preload/*.c packaging/*.c
	shellcheck -s bash $(SHELL_FILES)

# gcc's static analyser over every source file; any finding fails
analyze:
	@for f in $(SRCS); do \
		gcc $(ALL_CPPFLAGS) -std=c11 -O1 -fanalyzer -Werror -c -o /dev/null $$f || exit 1; \
	done

# The release tarball: the tracked files of HEAD (less what .gitattributes
# marks export-ignore) under nitro-token-VERSION/, with the commit's time as
# every mtime, sorted, owned by root, gzip without a name or time stamp: the
# same commit always makes the same bytes.
DIST = dist/nitro-token-$(VERSION).tar.gz

dist:
	@mkdir -p dist
	git archive --format=tar --prefix=nitro-token-$(VERSION)/ HEAD | gzip -n -9 >$(DIST).tmp
	mv $(DIST).tmp $(DIST)
	@echo "$(DIST): $$(sha256sum <$(DIST) | cut -d' ' -f1)"

# the tarball alone builds, passes the suite, installs and uninstalls cleanly,
# and a second tarball of the same commit is the same to the byte
distcheck: dist
	rm -rf build/distcheck
	mkdir -p build/distcheck/dest
	git archive --format=tar --prefix=nitro-token-$(VERSION)/ HEAD | gzip -n -9 | cmp - $(DIST)
	tar -C build/distcheck -xzf $(DIST)
	cd build/distcheck/nitro-token-$(VERSION) && $(MAKE) && $(MAKE) check && \
		$(MAKE) install DESTDIR=$(CURDIR)/build/distcheck/dest PREFIX=/usr && \
		$(MAKE) uninstall DESTDIR=$(CURDIR)/build/distcheck/dest PREFIX=/usr
	test -z "$$(find build/distcheck/dest ! -type d)"
	@echo "distcheck: $(DIST) is ready"

# The Debian package, built from the tarball as a distribution would, with
# packaging/debian/ put in place in a build copy; its changelog entry is made
# from VERSION and the release date.  lintian must find nothing to warn of.
DEB_VERSION = $(VERSION)-1
DEB_ARCH    = $(call once,DEB_ARCH,$(shell dpkg --print-architecture 2>/dev/null))
DEB         = dist/nitro-token_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_TREE    = build/deb/nitro-token-$(VERSION)

deb: dist
	rm -rf build/deb
	mkdir -p build/deb
	cp $(DIST) build/deb/nitro-token_$(VERSION).orig.tar.gz
	tar -C build/deb -xzf $(DIST)
	cp -r packaging/debian $(DEB_TREE)/debian
	printf 'nitro-token (%s) unstable; urgency=medium\n\n  * Release %s: see %s.\n\n -- %s  %s\n' \
		'$(DEB_VERSION)' '$(VERSION)' /usr/share/doc/nitro-token/changelog.gz \
		"$$(sed -n 's/^Maintainer: //p' packaging/debian/control)" \
		"$$(LC_ALL=C date -u -R -d '$(RELEASE_DATE) 12:00')" >$(DEB_TREE)/debian/changelog
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	rm -f dist/nitro-token_*.deb dist/nitro-token*.buildinfo dist/nitro-token*.changes
	mv build/deb/*.deb build/deb/*.buildinfo build/deb/*.changes dist/
	lintian --fail-on error,warning --suppress-tags-from-file /dev/null dist/nitro-token_$(DEB_VERSION)_$(DEB_ARCH).changes
	@echo "$(DEB)"

# the package installs, works and removes cleanly on a fresh Debian 12
deb-check: deb
	packaging/deb-check.sh $(DEB)

# The container image of each architecture (packaging/image.sh): FROM scratch,
# the static binary, Mozilla's CA bundle, user 65534; tagged
# localhost/nitro-token:VERSION-amd64 and -arm64.  Needs buildah.
# SOURCE_URL, where the source is published, goes into its labels and the SBOM.
IMAGE_ARCHES ?= x86_64 aarch64
SOURCE_URL   ?=
export SOURCE_URL
# static_bin ARCH (shell): the file make static STATIC_ARCH=ARCH writes
STATIC_BIN_SH = nitro-token-static$$([ "$$a" = x86_64 ] || echo "-$$a")

image:
	@for a in $(IMAGE_ARCHES); do \
		$(MAKE) --no-print-directory static STATIC_ARCH=$$a >/dev/null || exit 1; \
		echo "$$a: $$(packaging/image.sh $$a $(STATIC_BIN_SH) $(VERSION) $(RELEASE_DATE))" || exit 1; \
	done

# the image of the static binary, run by podman against the fake server
check-image: static
	NITRO_BIN=$(CURDIR)/nitro-token-static$(if $(filter-out x86_64,$(or $(STATIC_ARCH),x86_64)),-$(STATIC_ARCH)) \
		$(BATS) $(BATS_FLAGS) tests/image.bats

# Everything a release has, in dist/: the tarball, the .deb, the static
# binary and the image (an OCI archive) of each architecture, the SBOM and
# SHA256SUMS.  The static binaries are linked afresh; no path of this clone
# or of the build directory is in them (STATIC_PREFIX_MAP).
RELEASE_ARCHES ?= x86_64 aarch64
REL             = dist/nitro-token-$(VERSION)

release:
	@test -n "$(RELEASE_DATE)" || { echo "CHANGELOG.md has no entry for $(VERSION)" >&2; exit 1; }
	rm -rf dist
	$(MAKE) --no-print-directory deb
	@# the package's .buildinfo and .changes record the build's date: kept, not released
	mv dist/*.buildinfo dist/*.changes build/deb/
	@for a in $(RELEASE_ARCHES); do \
		rm -f $(STATIC_BIN_SH) && $(MAKE) --no-print-directory static STATIC_ARCH=$$a >/dev/null && \
		cp $(STATIC_BIN_SH) $(REL)-linux-$$a && \
		echo "$(REL)-linux-$$a-oci.tar: image $$(packaging/image.sh $$a $(REL)-linux-$$a \
			$(VERSION) $(RELEASE_DATE) $(REL)-linux-$$a-oci.tar)" || exit 1; \
	done
	packaging/sbom.py $(VERSION) $(RELEASE_DATE) \
		$(foreach a,$(RELEASE_ARCHES),$(a)=$(REL)-linux-$(a)) >$(REL).spdx.json
	cd dist && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | \
		xargs sha256sum >SHA256SUMS
	@cat dist/SHA256SUMS

# make release from two fresh clones of HEAD in two directories: the static
# binaries, the tarball and the SBOM must be the same bytes; what else is the
# same is said.  Both use this tree's static libraries (STATIC_BUILD), as
# two releases on one machine do: jansson and nettle keep their build
# directory in their assertion messages.
release-check: export STATIC_BUILD := $(abspath $(STATIC_BUILD))
release-check:
	rm -rf build/release-check
	mkdir -p build/release-check
	git clone -q $(CURDIR) build/release-check/one
	git clone -q $(CURDIR) build/release-check/elsewhere/two
	$(MAKE) -C build/release-check/one release >build/release-check/one.log 2>&1 || \
		{ tail -30 build/release-check/one.log; exit 1; }
	$(MAKE) -C build/release-check/elsewhere/two release >build/release-check/two.log 2>&1 || \
		{ tail -30 build/release-check/two.log; exit 1; }
	@cd build/release-check && status=0 && \
	for f in $$(cd one/dist && ls); do \
		if cmp -s one/dist/$$f elsewhere/two/dist/$$f; then echo "same: $$f"; \
		else case $$f in *.tar.gz|*-linux-x86_64|*-linux-aarch64|*.spdx.json) status=1;; esac; \
			echo "DIFFERENT: $$f"; fi; \
	done; exit $$status

BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

install: nitro-token nitro-token.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 nitro-token $(DESTDIR)$(BINDIR)/nitro-token
	install -m 0644 nitro-token.1 $(DESTDIR)$(MANDIR)/man1/nitro-token.1
	install -m 0644 completions/nitro-token.bash $(DESTDIR)$(BASHCOMPDIR)/nitro-token
	install -m 0644 completions/_nitro-token $(DESTDIR)$(ZSHCOMPDIR)/_nitro-token
	install -m 0644 completions/nitro-token.fish $(DESTDIR)$(FISHCOMPDIR)/nitro-token.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nitro-token $(DESTDIR)$(MANDIR)/man1/nitro-token.1 \
		$(DESTDIR)$(BASHCOMPDIR)/nitro-token $(DESTDIR)$(ZSHCOMPDIR)/_nitro-token \
		$(DESTDIR)$(FISHCOMPDIR)/nitro-token.fish

.PHONY: all analyze bench check mutate test-progs deb deb-check dist distcheck check-fallbacks check-static matrix static sanitize valgrind fuzz demo clean deps deps-qa deps-check image check-image release release-check lint install uninstall
