/* SPDX-License-Identifier: MIT */
/*
 * The token cache: where it lives, the key of an entry, the lock that makes
 * parallel runs share one fetch, and the atomic replacement of an entry.
 */
#ifndef NITRO_CACHE_H
#define NITRO_CACHE_H

#include <stddef.h>

#include "token.h"

#define CACHE_MAX_AGE 86400 /* no entry is reused longer than this */

struct cache {
	const char *dir;    /* borrowed from cache_open()'s caller; NULL: not in use */
	int dirfd;	    /* the directory, opened on first use; -1 before */
	int lockfd;	    /* holds the entry's exclusive lock while >= 0 */
	int readonly;	    /* the directory is on a read-only filesystem: hits only */
	long long deadline; /* the run's end (clock_ms()): bounds waiting for the lock */
	char name[65];	    /* hex SHA-256 of the entry's key */
};

enum cache_status { CACHE_OK = 0, CACHE_MISS, CACHE_EUNUSABLE };

void cache_init(struct cache *c);
/* names the entry and touches nothing on disk yet; dir must outlive c */
int cache_open(struct cache *c, const char *dir, const char *url, const char *client_id,
	       const char *kind, const char *secret, long long deadline);
/* CACHE_OK only when no entry remains; otherwise it has said why */
int cache_forget(struct cache *c);
int cache_get(struct cache *c, long min_ttl, struct token *tok);
int cache_put(struct cache *c, const struct token *tok, long min_ttl);
void cache_release(struct cache *c);
char *cache_default_dir(const char *home);
int cache_get_unless(struct cache *c, long min_ttl, const char *rejected, struct token *tok);
int cache_peek(struct cache *c, struct token *tok);
int cache_entry_path(const struct cache *c, const char *dir, char *out, size_t outsz);

#endif
