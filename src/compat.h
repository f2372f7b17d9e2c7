/* SPDX-License-Identifier: MIT */
/*
 * Every platform difference in one place, so that no other file needs an
 * #ifdef for the system it runs on: wiping memory, keeping the process out
 * of core dumps and debuggers, closing every descriptor above a number, the
 * file name of libcurl, whether the binary is ELF (which can carry a
 * .note.dlopen note), RELRO for a static PIE, and where jansson's hash seed
 * comes from.
 *
 * NITRO_FORCE_FALLBACKS picks the portable branch of everything, so that
 * the suite can run the code other systems use (make check-fallbacks).
 */
#ifndef NITRO_COMPAT_H
#define NITRO_COMPAT_H

#include <stddef.h>

#if defined(__APPLE__)
#define COMPAT_LIBCURL_SONAME "libcurl.4.dylib"
#else
#define COMPAT_LIBCURL_SONAME "libcurl.so.4"
#endif

#if defined(__ELF__) && !defined(NITRO_FORCE_FALLBACKS)
#define COMPAT_ELF 1
#else
#define COMPAT_ELF 0
#endif

/* overwrite n bytes at p in a way the compiler may not remove */
void compat_wipe(void *p, size_t n);

/* no core dump, no ptrace by other processes of the same user, where the
 * system has a way to say so; returns the name of the mechanism used */
const char *compat_no_dump(void);

/* close every descriptor from lowfd up, however high (async-signal-safe) */
void compat_close_from(int lowfd);

/* make the RELRO range (GOT, .data.rel.ro) read-only where no dynamic
 * linker did: musl's static-PIE start-up never does; call it first in main */
void compat_relro(void);

/* seed jansson's hash function from getrandom() where the system has it,
 * instead of jansson opening /dev/urandom; call before any JSON is made */
void compat_json_seed(void);

#endif
