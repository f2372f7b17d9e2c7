/* SPDX-License-Identifier: MIT */
/*
 * Secret handling: reading a client secret from a file or standard input,
 * wiping memory, scrubbing argv and keeping secrets out of core dumps.
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
