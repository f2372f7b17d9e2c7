/* SPDX-License-Identifier: MIT */
/*
 * --keep-fresh: stay the parent of a command and keep a file holding a
 * valid token for it, for as long as it runs.
 */
#ifndef NITRO_KEEP_H
#define NITRO_KEEP_H

#include <signal.h>

#include "token.h"

/* what a keeper asks for: the cached token only, or a good one at any cost */
enum keep_get { KEEP_CACHED, KEEP_RENEW };

struct keep {
	char **command;
	const char *watch; /* the cache entry's path, polled for a change; NULL: none */
	long min_ttl;
	const struct sigaction *sigpipe; /* SIGPIPE as the command is to get it */
	/*
	 * A token through the cache: with KEEP_CACHED the entry's, sending
	 * nothing; with KEEP_RENEW one other than stale, which is due for
	 * renewal, from the entry if another run renewed it already, else from
	 * the server.  0 when *tok is set (then owned by the caller), non-zero
	 * when it is not (the failure already reported).
	 */
	int (*get)(void *ctx, enum keep_get how, const char *stale, struct token *tok);
	void *ctx;
};

enum keep_status { KEEP_OK = 0, KEEP_ESETUP };

int keep_run(const struct keep *k, const struct token *first, int *status);

#endif
