/*
 * Diagnostics: one format ("nitro-token: what failed: why") on stderr only,
 * a verbosity level shared by every module, and the escaping that keeps text
 * received from a server from ever reaching the terminal raw.
 */
#ifndef NITRO_MSG_H
#define NITRO_MSG_H

#include <stddef.h>

#define PROGNAME "nitro-token"

/* -1 with -q, 0 by default, 1 with -v, 2 with -vv */
extern int msg_level;

void msg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Copy at most srclen bytes of untrusted text into dst (size dstsz > 4) with
 * every byte outside printable ASCII written as \xHH, cut with "..." when it
 * does not fit.  Returns dst.
 */
char *msg_sanitize(char *dst, size_t dstsz, const char *src, size_t srclen);

#endif
