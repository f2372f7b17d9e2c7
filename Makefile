# nitro-token: build, test, install.  GNU make.

VERSION    = 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
CC         ?= cc
PKG_CONFIG ?= pkg-config
BATS       ?= bats

# libcurl is dlopen()ed at run time (see src/http.c): headers only at build time.
# jansson, inih and nettle are small and self-contained; linked statically (the
# default) they add nothing to the start of a cache hit.  LINK=dynamic links
# them as shared libraries, as a distribution package would.
PKGS       = jansson inih nettle
LINK      ?= static
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl $(PKGS))
ifeq ($(LINK),static)
PKG_LIBS   := -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs --static $(PKGS)) -Wl,-Bdynamic
else
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))
endif

CFLAGS   ?= -O2 -g
WARNINGS  = -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wno-missing-field-initializers
# hardening the compiler has; a distribution's own CPPFLAGS choose the
# _FORTIFY_SOURCE level when they name one (ours would only redefine it)
cc_has    = $(shell $(CC) -Werror $(1) -x c -c -o /dev/null /dev/null 2>/dev/null && echo $(1))
HARDEN    = -fstack-protector-strong -fPIE $(call cc_has,-fstack-clash-protection) \
            $(call cc_has,-fcf-protection)
FORTIFY   = $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS)),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3)
ALL_CPPFLAGS = -D_GNU_SOURCE -DVERSION='"$(VERSION)"' $(FORTIFY) $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 $(WARNINGS) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS  = -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)
LIBS         = $(PKG_LIBS) -ldl

SRCS = src/buf.c src/cache.c src/cli.c src/config.c src/http.c src/main.c src/msg.c \
       src/output.c src/secret.c src/token.c
OBJS = $(SRCS:.c=.o)
# everything but main(), for test and fuzz programs
LIB_OBJS = $(filter-out src/main.o,$(OBJS))

all: nitro-token

nitro-token: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LIBS)

src/%.o: src/%.c src/*.h Makefile
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

tests/quote: tests/quote.c $(LIB_OBJS)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ tests/quote.c $(LIB_OBJS) $(LIBS)

check: nitro-token tests/quote
	$(BATS) $(BATS_FLAGS) tests

# the whole suite against an AddressSanitizer + UBSan build
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
nitro-token-asan: $(SRCS) src/*.h Makefile
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARNINGS) -O1 -g $(SANITIZE) -o $@ $(SRCS) $(LIBS)

sanitize: nitro-token-asan tests/quote
	NITRO_BIN=$(CURDIR)/nitro-token-asan $(BATS) $(BATS_FLAGS) tests

# a representative part of the suite under valgrind
valgrind: nitro-token tests/quote
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

tests/bench/measure: tests/bench/measure.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# not part of check: numbers want a quiet machine; exits 1 when a target is missed
bench: nitro-token tests/bench/trivial tests/bench/measure
	python3 tests/bench/bench.py

demo: nitro-token
	tests/demo.sh

clean:
	rm -f nitro-token nitro-token-asan tests/quote tests/bench/trivial tests/bench/measure $(OBJS)
	rm -rf tests/fuzz/bin tests/fuzz/out

deps:
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
		build-essential pkg-config ca-certificates libcurl4 libcurl4-openssl-dev \
		libjansson-dev libinih-dev nettle-dev bats python3 curl jq openssl \
		mandoc zsh fish valgrind clang libclang-rt-14-dev time shellcheck clang-format

SHELL_FILES = completions/nitro-token.bash .ci/run $(wildcard tests/*.sh tests/*.bash)

lint:
	mandoc -T lint -W warning man/nitro-token.1
	clang-format --dry-run --Werror src/*.c src/*.h tests/*.c tests/fuzz/*.c
	shellcheck -s bash $(SHELL_FILES)

# gcc's static analyser over every source file; any finding fails
analyze:
	@for f in $(SRCS); do \
		gcc $(ALL_CPPFLAGS) -std=c11 -O1 -fanalyzer -Werror -c -o /dev/null $$f || exit 1; \
	done

BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

install: nitro-token
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 nitro-token $(DESTDIR)$(BINDIR)/nitro-token
	install -m 0644 man/nitro-token.1 $(DESTDIR)$(MANDIR)/man1/nitro-token.1
	install -m 0644 completions/nitro-token.bash $(DESTDIR)$(BASHCOMPDIR)/nitro-token
	install -m 0644 completions/_nitro-token $(DESTDIR)$(ZSHCOMPDIR)/_nitro-token
	install -m 0644 completions/nitro-token.fish $(DESTDIR)$(FISHCOMPDIR)/nitro-token.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nitro-token $(DESTDIR)$(MANDIR)/man1/nitro-token.1 \
		$(DESTDIR)$(BASHCOMPDIR)/nitro-token $(DESTDIR)$(ZSHCOMPDIR)/_nitro-token \
		$(DESTDIR)$(FISHCOMPDIR)/nitro-token.fish

.PHONY: all analyze bench check sanitize valgrind fuzz demo clean deps lint install uninstall
