/* SPDX-License-Identifier: MIT */
/*
 * The api command: a call to the Nitro API with the token, from its
 * arguments; the one renewal a 401 earns; the error body worded; the pages
 * of a list joined.
 */
#ifndef NITRO_API_H
#define NITRO_API_H

#include <stddef.h>

#include "buf.h"
#include "http.h"
#include "token.h"

#define API_KEEP_MAX  (1024 * 1024) /* a body from a pipe kept for a second send */
#define API_PAGES_MAX 1000	    /* --paginate's limit */
#define API_PAGE_MAX  (16 * 1024 * 1024)
#define API_STALL     30 /* seconds without a byte that end a transfer */
#define API_REDIRECTS 5

/* what the command line gave, raw and borrowed from argv: api.c decides */
struct api_args {
	const char *method; /* NULL: GET, or POST with a body */
	const char *path;
	const char *data; /* --data: @FILE, - or the body itself */
	const char *output;
	const char *stall; /* --stall-timeout */
	const char **headers;
	size_t nheaders;
	const char **forms;
	size_t nforms;
	int include;
	int paginate;
};

/* a call ready to be sent: everything checked, the body source open */
struct api {
	char *url; /* owned */
	const char *path;
	char method[16];
	const char **headers; /* owned array of borrowed and owned strings */
	size_t nheaders;
	struct http_body body;
	struct http_part *parts; /* owned */
	struct buf kept;	 /* the body read from a pipe */
	int fd;			 /* owned, -1: none */
	int kept_all;		 /* the whole body is in kept or in a file */
	const char *output;
	char *out_tmp; /* owned: the temporary file renamed over output at the end */
	int out_fd;
	long stall_s;
	int include, paginate;
};

/*
 * The token was refused (401): give another, from the cache when a
 * parallel run renewed it already.  0, or an exit status, worded already.
 */
struct api_auth {
	int (*renew)(void *ctx, const struct token *rejected, struct token *tok);
	void *ctx;
};

/* every failure is worded here before its class is returned */
enum api_status {
	API_OK = 0,
	API_EUSAGE,	   /* a bad argument: nothing was sent */
	API_ENET,	   /* DNS, connect, TLS, stall, timeout */
	API_EREJECTED,	   /* another 4xx */
	API_EUNAUTHORIZED, /* 401 after the renewal, 403 */
	API_ESERVER,	   /* 5xx, 429 after the retries */
	API_EINVALID,	   /* a redirect not followed, a list that does not end */
	API_ERENEW,	   /* the renewal failed: its status is the answer */
	API_EWRITE,	   /* stdout or the output file */
	API_ELIB,
	API_ENOMEM,
};

void api_init(struct api *a);
int api_prepare(struct api *a, const struct api_args *args, const char *base_url, int stdin_taken);
int api_run(struct api *a, const struct http_options *opt, struct token *tok,
	    const struct api_auth *auth, int *renew_rc);
void api_release(struct api *a);
/* async-signal-safe: removes what a run killed now would leave behind */
void api_on_signal(void);

#endif
