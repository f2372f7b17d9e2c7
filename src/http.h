/* SPDX-License-Identifier: MIT */
/*
 * One HTTP POST with timeouts, retries, a cap on the response body and a
 * redacted trace, and the rule of which URLs the secret may be sent to; the
 * api command's calls (http_call()).  The only module that knows about
 * libcurl.
 */
#ifndef NITRO_HTTP_H
#define NITRO_HTTP_H

#include <time.h>

#include "buf.h"

#define HTTP_BODY_MAX (64 * 1024)

struct http_options {
	const char *url;
	const char *cacert; /* NULL: the system's trust store */
	const char *capath;
	long connect_timeout; /* seconds, per attempt */
	long retries;	      /* attempts after the first */
	long long deadline;   /* clock_ms() by which everything must be over */
};

/* what a final answer means; the table is in http.c */
enum http_answer {
	HTTP_TOKEN,	   /* 200: the body should hold a token */
	HTTP_REJECTED,	   /* 4xx not below */
	HTTP_UNAUTHORIZED, /* 401, 403 */
	HTTP_PROXY_AUTH,   /* 407 */
	HTTP_SERVER,	   /* 5xx, 429 */
	HTTP_REDIRECT,	   /* 3xx: never followed */
	HTTP_INVALID,	   /* 1xx, another 2xx, anything else */
	HTTP_SUCCESS,	   /* 2xx to an API call */
};

struct http_response {
	long status;
	enum http_answer answer;
	char content_type[96]; /* raw text from the server; msg.c escapes it */
	struct buf body;
	long long sent_at; /* Unix seconds when the answered attempt started */
	int attempts;
};

enum http_status {
	HTTP_ANSWERED = 0, /* a final answer arrived; look at status and answer */
	HTTP_ENET,	   /* DNS, connect, TLS, reset, timeout */
	HTTP_ETOOBIG,
	HTTP_ENOMEM,
	HTTP_ELIB,	/* libcurl could not be loaded or refused an option */
	HTTP_EREDIRECT, /* an API call's redirect that is not followed: why says */
	HTTP_ESINK,	/* the sink refused the body: its owner knows why */
};

/* 0 when the secret may go to URL; -1 with why (no context) when not */
int http_check_base_url(const char *url, char *why, size_t whysz);
int http_post(const struct http_options *opt, const struct buf *body, struct http_response *res,
	      char *why, size_t whysz);
void http_response_release(struct http_response *res);
const char *http_version(char *why, size_t whysz);
long long http_retry_after(const char *value, time_t now);

/* one part of a multipart form: a value, or a file streamed from disk */
struct http_part {
	const char *name;
	const char *value; /* NULL for a file */
	const char *file;  /* its name is the part's file name */
	const char *type;  /* NULL: none */
};

/* an API call's body: LEN bytes of DATA, then FD to its end; or a form */
struct http_body {
	const char *data;
	size_t len;
	int fd;		     /* -1: none */
	long long size;	     /* the whole body; -1: unknown (sent chunked) */
	long long rewind_to; /* FD's offset for another attempt; -1: it has none */
	const struct http_part *parts;
	size_t nparts;
};

/* one API call; every pointer is borrowed */
struct http_request {
	const char *method;
	const char *url;
	const char *auth; /* "Authorization: ..." for URL's origin only; wiped by the owner */
	const char *const *headers; /* "Name: value", the caller's, in order */
	size_t nheaders;
	const struct http_body *body; /* NULL: none */
	int idempotent;		      /* connection failures, 429, 502-504 may be retried */
	int include;		      /* the sink gets the status line and headers first */
	int max_redirects;
	long stall_s; /* no byte for this long ends the transfer */
	/* a 2xx body as it arrives: 0 when all was taken, else the call ends */
	int (*sink)(void *user, const char *p, size_t n);
	void (*progress)(void *user, long long down, long long down_total, long long up,
			 long long up_total);
	void *user;
};

/* 0 when an API call may go to URL from BASE: -1 with why (no context) */
int http_check_api_url(const char *base, const char *url, char *why, size_t whysz);
/* HTTP_ANSWERED with res->status and answer, or a failure with why */
int http_call(const struct http_options *opt, const struct http_request *req,
	      struct http_response *res, char *why, size_t whysz);

#endif
