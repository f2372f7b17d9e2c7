/* SPDX-License-Identifier: MIT */
/*
 * The token exchange on the wire: the request body, the two accepted 200
 * response shapes, the OAuth error body, and the checks a token must pass
 * before anything prints it.
 */
#ifndef NITRO_TOKEN_H
#define NITRO_TOKEN_H

#include <stddef.h>

#include "buf.h"
#include "secret.h"

#define TOKEN_MAX      16384
#define TOKEN_TYPE_MAX 64
#define CLIENT_ID_MAX  4096
/* the request body: JSON may write each byte of the credentials as \u00XX */
#define TOKEN_REQUEST_MAX (6 * (CLIENT_ID_MAX + SECRET_MAX) + 64)

struct token {
	char *access_token;    /* owned; a valid RFC 6750 b64token */
	char *token_type;      /* owned; an RFC 6749 token type */
	long long expires_in;  /* seconds left; 0 when the lifetime is unknown */
	long long expires_at;  /* Unix seconds; 0 when the lifetime is unknown */
	long long obtained_at; /* Unix seconds when the request was sent */
	int cached;	       /* 1 when it came from the cache */
};

struct oauth_error {
	char error[128]; /* raw text from the server; msg.c escapes it */
	char description[512];
	char uri[256];
};

enum token_status { TOKEN_OK = 0, TOKEN_EINVALID, TOKEN_ENOMEM };

int token_request_body(const char *client_id, const char *secret, struct buf *out);
int token_parse(const char *body, size_t len, long long sent_at, struct token *tok, char *why,
		size_t whysz);
int token_parse_error(const char *body, size_t len, struct oauth_error *e);
int token_check(const char *access_token, const char *token_type, char *why, size_t whysz);
void token_release(struct token *tok);
struct json_t *token_jwt_claims(const char *token);

#endif
