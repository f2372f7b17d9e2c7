/*
 * One HTTP POST with timeouts, retries, a cap on the response body and a
 * redacted trace.  The only module that knows about libcurl.
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

struct http_response {
	long status;
	char content_type[96]; /* escaped for a terminal */
	struct buf body;
	long long sent_at; /* Unix seconds when the answered attempt started */
	int attempts;
};

enum http_status {
	HTTP_OK = 0, /* a final answer arrived; look at status */
	HTTP_ENET,   /* DNS, connect, TLS, reset, timeout */
	HTTP_ETOOBIG,
	HTTP_ENOMEM,
	HTTP_ELIB, /* libcurl could not be loaded */
};

int http_post(const struct http_options *opt, const struct buf *body, struct http_response *res,
	      char *why, size_t whysz);
void http_response_release(struct http_response *res);
const char *http_version(char *why, size_t whysz);
long long http_retry_after(const char *value, time_t now);

#endif
