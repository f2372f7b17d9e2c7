/* SPDX-License-Identifier: MIT */
/*
 * One HTTP POST with timeouts, retries, a cap on the response body and a
 * redacted trace, and the rule of which URLs the secret may be sent to.  The
 * only module that knows about libcurl.
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
	HTTP_ELIB, /* libcurl could not be loaded or refused an option */
};

/* 0 when the secret may go to URL; -1 with why (no context) when not */
int http_check_base_url(const char *url, char *why, size_t whysz);
int http_post(const struct http_options *opt, const struct buf *body, struct http_response *res,
	      char *why, size_t whysz);
void http_response_release(struct http_response *res);
const char *http_version(char *why, size_t whysz);
long long http_retry_after(const char *value, time_t now);

#endif
