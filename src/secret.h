/* SPDX-License-Identifier: MIT */
/*
 * Secret handling: loading the client secret from where the settings say
 * (the value itself, a file or standard input, a command's output) with
 * its own messages, what of it the cache key holds, running the command,
 * wiping memory and keeping secrets out of core dumps.
 */
#ifndef NITRO_SECRET_H
#define NITRO_SECRET_H

#include <stddef.h>

/* the longest client secret accepted from any source */
#define SECRET_MAX 4096

enum secret_status {
	SECRET_OK = 0,
	SECRET_EOPEN, /* errno says why */
	SECRET_EIO,   /* errno says why */
	SECRET_ETIMEDOUT,
	SECRET_EEMPTY,
	SECRET_ETOOBIG,
	SECRET_ENUL,
	SECRET_EBOM,
	SECRET_ECOMMAND, /* the command failed; its wait status says how */
	SECRET_ESTOPPED, /* the command stopped (Ctrl-Z); its wait status says how */
	SECRET_ENOMEM
};

/* where the secret comes from: config.c says which setting won */
enum secret_kind {
	SECRET_GIVEN,	/* text is the secret itself */
	SECRET_FILE,	/* text is a path, "-" for standard input */
	SECRET_COMMAND, /* text is a command for /bin/sh -c */
};

struct secret_source {
	enum secret_kind kind;
	const char *text;  /* borrowed */
	const char *where; /* for messages: "--client-secret-file", a variable, FILE:LINE: key */
};

/* when the secret is wanted: for the cache key, or for the request */
enum secret_need { SECRET_FOR_KEY, SECRET_FOR_REQUEST };

/* what secret_load() returns, its failures worded already */
enum secret_class { SECRET_LOADED = 0, SECRET_UNUSABLE, SECRET_NOMEM };

int secret_load(const struct secret_source *src, enum secret_need need, long long deadline,
		char **secret);
const char *secret_cache_key(const struct secret_source *src, const char *secret,
			     const char **kind);

void secret_harden(void);
void secret_unharden(void);
void secret_abort(void);
void secret_use_wiping_json_allocator(void);
unsigned long secret_json_alloc_failures(void);
void secret_json_free(void *p);
void secret_wipe(void *p, size_t n);
void secret_free(char *s);
int secret_read_file(const char *path, long long deadline, char **out, size_t *outlen);
int secret_run_command(const char *cmd, long long deadline, char **out, size_t *outlen,
		       int *status);

#endif
