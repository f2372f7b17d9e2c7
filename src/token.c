/* SPDX-License-Identifier: MIT */
/*
 * The token exchange on the wire, with jansson.  The request body is built
 * by jansson so that any byte of the credentials is escaped correctly.  The
 * response must be one of the two 200 shapes of the API contract
 * (AuthTokenResponse with camelCase names, OAuth2TokenResponse with RFC 6749
 * names); a body that names a field both ways with different values is
 * ambiguous and refused.  A token is checked against RFC 6750's b64token
 * before anything may print it, which is what makes our shell output safe.
 *
 * The API's tokens are JWTs.  When the answer gives no usable lifetime, the
 * token's own "exp" claim does; when both are there, the earlier wins.  The
 * signature is not checked and no other claim is read: the token is the
 * server's business, its expiry only tells us how long to keep it.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "msg.h"
#include "secret.h"
#include "token.h"

int
token_request_body(const char *client_id, const char *secret, struct buf *out)
{
	unsigned long failures = secret_json_alloc_failures();
	json_t *o, *id, *sec;
	char *s;
	int rc;

	id = json_string(client_id);
	sec = json_string(secret);
	if (id == NULL || sec == NULL) {
		json_decref(id);
		json_decref(sec);
		/* jansson's NULL means no memory or not UTF-8 */
		return secret_json_alloc_failures() != failures ? TOKEN_ENOMEM : TOKEN_EINVALID;
	}
	/* "o" steals both references */
	if ((o = json_pack("{s:o, s:o}", "clientID", id, "clientSecret", sec)) == NULL)
		return TOKEN_ENOMEM;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	/* jansson drops a key it had no memory for and still returns the rest */
	if (s != NULL && secret_json_alloc_failures() != failures) {
		secret_json_free(s);
		s = NULL;
	}
	if (s == NULL)
		return TOKEN_ENOMEM;
	rc = buf_puts(out, s) == BUF_OK ? TOKEN_OK : TOKEN_ENOMEM;
	secret_json_free(s);
	return rc;
}

int
token_check(const char *access_token, const char *token_type, char *why, size_t whysz)
{
	size_t n, i;

	n = strlen(access_token);
	if (n == 0) {
		snprintf(why, whysz, "access token is empty");
		return TOKEN_EINVALID;
	}
	if (n > TOKEN_MAX) {
		snprintf(why, whysz, "access token is longer than %d bytes", TOKEN_MAX);
		return TOKEN_EINVALID;
	}
	/* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
	i = strspn(access_token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				 "0123456789-._~+/");
	if (i == 0 || strspn(access_token + i, "=") != n - i) {
		snprintf(why, whysz, "access token is not an RFC 6750 b64token");
		return TOKEN_EINVALID;
	}
	/* token-type = 1*( ALPHA / DIGIT / "-" / "." / "_" ), RFC 6749 A.13 */
	n = strlen(token_type);
	if (n == 0 || n > TOKEN_TYPE_MAX) {
		snprintf(why, whysz, "token type is empty or longer than %d bytes", TOKEN_TYPE_MAX);
		return TOKEN_EINVALID;
	}
	if (strspn(token_type, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			       "0123456789-._") != n) {
		snprintf(why, whysz,
			 "token type is not an RFC 6749 token type "
			 "(letters, digits, '-', '.', '_')");
		return TOKEN_EINVALID;
	}
	return TOKEN_OK;
}

/*
 * jansson refuses a whole document for one number it cannot hold, so an
 * "expiresIn" of 1e309 or 2^64 would refuse a good token although the
 * contract reads an absurd lifetime as unknown.  Such a number is read as 0
 * instead: a copy of the body has it overwritten and is parsed again.
 * jansson's error position is the offset just past the number.
 */
static json_t *
load_json(const char *body, size_t len, size_t flags, int *nomem)
{
	unsigned long failures = secret_json_alloc_failures();
	struct buf copy = BUF_INIT(len);
	json_error_t jerr;
	json_t *root;
	size_t start, end;
	int tries, rc = BUF_OK;

	root = json_loadb(body, len, flags, &jerr);
	for (tries = 0; root == NULL && tries < 64; tries++) {
		if (json_error_code(&jerr) != json_error_numeric_overflow || jerr.position < 1 ||
		    (size_t)jerr.position > len)
			break;
		if (copy.data == NULL && (rc = buf_append(&copy, body, len)) != BUF_OK)
			break;
		end = (size_t)jerr.position;
		for (start = end; start > 0 && strchr("0123456789+-.eE", copy.data[start - 1]) &&
				  copy.data[start - 1] != '\0';
		     start--)
			;
		if (start == end)
			break;
		memset(copy.data + start, ' ', end - start);
		copy.data[start] = '0';
		root = json_loadb(copy.data, len, flags, &jerr);
	}
	/* jansson does not always say that it ran out of memory; its allocator does */
	*nomem = root == NULL && (rc == BUF_ENOMEM || secret_json_alloc_failures() != failures);
	buf_release(&copy);
	return root;
}

/*
 * Find a field that either response shape may carry.  Borrowed reference;
 * NULL when absent.  Both spellings with different values is an error.
 */
static int
field(json_t *o, const char *camel, const char *snake, json_t **out, char *why, size_t whysz)
{
	json_t *a = json_object_get(o, camel), *b = json_object_get(o, snake);

	if (a != NULL && b != NULL && !json_equal(a, b)) {
		snprintf(why, whysz, "ambiguous response: \"%s\" and \"%s\" differ", camel, snake);
		return TOKEN_EINVALID;
	}
	*out = a != NULL ? a : b;
	return TOKEN_OK;
}

/*
 * The payload of a JWT (header.payload.signature, each base64url), new, or
 * NULL when the token is not a JWT (*nomem says when memory ran out).  It
 * is loaded as the response body is, so that one claim too big for jansson
 * (a 30-digit number, 1e400) does not hide the claims beside it.
 */
static json_t *
jwt_payload(const char *token, int *nomem)
{
	const char *p = strchr(token, '.'), *q;
	struct base64_decode_ctx ctx;
	struct buf enc = BUF_INIT(TOKEN_MAX + 3), dec = BUF_INIT(TOKEN_MAX);
	uint8_t tmp[BASE64_DECODE_LENGTH(64)];
	json_t *root = NULL;
	size_t i, n, chunk;

	*nomem = 0;
	if (p == NULL || (q = strchr(p + 1, '.')) == NULL || strchr(q + 1, '.') != NULL)
		return NULL;
	/* the payload, with the padding that JWTs leave out and nettle wants */
	if (buf_append(&enc, p + 1, (size_t)(q - p - 1)) != BUF_OK)
		goto out;
	while (enc.len % 4 != 0)
		if (buf_puts(&enc, "=") != BUF_OK)
			goto out;
	base64url_decode_init(&ctx);
	for (i = 0; i < enc.len; i += chunk) {
		chunk = enc.len - i < 64 ? enc.len - i : 64;
		n = sizeof(tmp);
		if (!base64_decode_update(&ctx, &n, tmp, chunk, enc.data + i) ||
		    buf_append(&dec, tmp, n) != BUF_OK)
			goto out;
	}
	if (!base64_decode_final(&ctx) || dec.len == 0)
		goto out;
	root = load_json(dec.data, dec.len, 0, nomem);
out:
	secret_wipe(tmp, sizeof(tmp));
	buf_release(&enc);
	buf_release(&dec);
	return root;
}

/* a JWT's "exp": 0 when it is not a JWT or has no numeric exp, -1 when out of memory */
static long long
jwt_exp(const char *token)
{
	json_t *root, *exp;
	long long out = 0;
	int nomem;

	root = jwt_payload(token, &nomem);
	if (nomem)
		out = -1;
	exp = json_object_get(root, "exp");
	if (json_is_number(exp) && json_number_value(exp) >= 1 &&
	    json_number_value(exp) < (double)(LLONG_MAX / 2))
		out = (long long)json_number_value(exp);
	json_decref(root);
	return out;
}

/* "2026-12-01 09:30:00 UTC", or the Unix seconds where gmtime cannot say */
static void
utc(long long t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, n, "%lld (Unix time)", t);
}

/* both dates: a clock that is wrong here is as likely as an old token */
static void
expired(long long exp, long long now, char *why, size_t whysz)
{
	char at[64], clock[64];

	utc(exp, at, sizeof(at));
	utc(now, clock, sizeof(clock));
	snprintf(why, whysz, "token expired at %s by its JWT exp (the clock here says %s)", at,
		 clock);
}

int
token_parse(const char *body, size_t len, long long sent_at, struct token *tok, char *why,
	    size_t whysz)
{
	json_t *root, *at, *tt, *ei;
	const char *type = "Bearer";
	long long exp, now = (long long)time(NULL);
	int rc = TOKEN_EINVALID, nomem;

	memset(tok, 0, sizeof(*tok));
	/* without JSON_ALLOW_NUL, jansson refuses "\u0000" inside strings */
	root = load_json(body, len, JSON_REJECT_DUPLICATES, &nomem);
	if (root == NULL) {
		snprintf(why, whysz, "response is not JSON");
		return nomem ? TOKEN_ENOMEM : TOKEN_EINVALID;
	}
	if (!json_is_object(root)) {
		snprintf(why, whysz, "response is not a JSON object");
		goto out;
	}
	if (field(root, "accessToken", "access_token", &at, why, whysz) != TOKEN_OK ||
	    field(root, "tokenType", "token_type", &tt, why, whysz) != TOKEN_OK ||
	    field(root, "expiresIn", "expires_in", &ei, why, whysz) != TOKEN_OK)
		goto out;
	if (at == NULL) {
		snprintf(why, whysz, "response has no access token");
		goto out;
	}
	if (!json_is_string(at)) {
		snprintf(why, whysz, "access token is not a string");
		goto out;
	}
	if (tt != NULL && !json_is_null(tt)) {
		if (!json_is_string(tt)) {
			snprintf(why, whysz, "token type is not a string");
			goto out;
		}
		type = json_string_value(tt);
	}
	if ((rc = token_check(json_string_value(at), type, why, whysz)) != TOKEN_OK)
		goto out;

	tok->obtained_at = sent_at;
	/* missing, fractional, zero, negative or absurd: the lifetime is unknown */
	if (ei != NULL && json_is_integer(ei) && json_integer_value(ei) > 0 &&
	    json_integer_value(ei) <= LLONG_MAX / 2 - sent_at)
		tok->expires_at = sent_at + json_integer_value(ei);
	/* a JWT's own expiry, when the answer said none or a later one */
	if ((exp = jwt_exp(json_string_value(at))) < 0) {
		snprintf(why, whysz, "out of memory");
		rc = TOKEN_ENOMEM;
		goto out;
	}
	if (exp > 0) {
		if (exp <= now) {
			expired(exp, now, why, whysz);
			rc = TOKEN_EINVALID;
			goto out;
		}
		if (tok->expires_at == 0 || exp < tok->expires_at)
			tok->expires_at = exp;
	}
	if (tok->expires_at > 0)
		tok->expires_in = tok->expires_at - sent_at;
	tok->access_token = strdup(json_string_value(at));
	tok->token_type = strdup(type);
	if (tok->access_token == NULL || tok->token_type == NULL) {
		token_release(tok);
		rc = TOKEN_ENOMEM;
	}
out:
	json_decref(root);
	return rc;
}

/* a string field, cut with "..." to fit; msg.c escapes it when it is printed */
static void
copy_field(json_t *o, const char *key, char *dst, size_t dstsz)
{
	json_t *v = json_object_get(o, key);

	dst[0] = '\0';
	if (json_is_string(v) && snprintf(dst, dstsz, "%s", json_string_value(v)) >= (int)dstsz)
		memcpy(dst + dstsz - 4, "...", 4);
}

int
token_parse_error(const char *body, size_t len, struct oauth_error *e)
{
	json_t *root;
	int rc = TOKEN_EINVALID, nomem;

	memset(e, 0, sizeof(*e));
	if ((root = load_json(body, len, JSON_ALLOW_NUL, &nomem)) == NULL)
		return nomem ? TOKEN_ENOMEM : TOKEN_EINVALID;
	if (json_is_object(root) && json_is_string(json_object_get(root, "error"))) {
		copy_field(root, "error", e->error, sizeof(e->error));
		copy_field(root, "error_description", e->description, sizeof(e->description));
		copy_field(root, "error_uri", e->uri, sizeof(e->uri));
		rc = TOKEN_OK;
	}
	json_decref(root);
	return rc;
}

void
token_release(struct token *tok)
{
	if (tok == NULL)
		return;
	secret_free(tok->access_token);
	secret_free(tok->token_type);
	tok->access_token = tok->token_type = NULL;
}

/*
 * What a JWT says about itself, for --status: a new JSON object holding the
 * claims iss, sub, aud, iat and exp that its payload has, or NULL when the
 * token is not a JWT (or out of memory).  Nothing is verified: neither the
 * signature nor who issued it; the caller must say so wherever it shows
 * these.
 */
json_t *
token_jwt_claims(const char *token)
{
	static const char *const names[] = {"iss", "sub", "aud", "iat", "exp"};
	json_t *root, *out = NULL, *v;
	size_t i;
	int nomem;

	root = jwt_payload(token, &nomem);
	if (!json_is_object(root) || (out = json_object()) == NULL)
		goto out;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = json_object_get(root, names[i])) != NULL &&
		    json_object_set(out, names[i], v) != 0) {
			json_decref(out);
			out = NULL;
			break;
		}
out:
	json_decref(root);
	return out;
}
