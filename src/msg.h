/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: one format ("nitro-token: what failed: why") on stderr only,
 * a verbosity level shared by every module.  Every message is escaped on
 * its way out (see msg.c), so callers may quote untrusted text as it is.
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
void msg_format(char *out, size_t outsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
