/* SPDX-License-Identifier: MIT */
/*
 * Test driver for what the command line cannot reach exactly: what a
 * message longer than its buffers becomes (tests/messages.bats compares
 * the line on stderr byte for byte), and the structs that http_post(),
 * token_parse() and token_parse_error() hand back on their error paths,
 * each filled with garbage first so that a field left as it was shows.
 *
 *   unit long N        msg_err() of N letters 'a'
 *   unit redacted N M  msg_err() of a URL with an N-byte password and M
 *                      more bytes after it
 *   unit say TEXT      msg_err() of TEXT, as a message that quotes it would
 *   unit structs       the checks, one "ok" or "FAIL" line each; exit 1 on a FAIL
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "http.h"
#include "msg.h"
#include "token.h"

static int failed;

static void
check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failed |= !ok;
}

static char *
letters(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		exit(2);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * Leave letters in the stack where msg.c's buffers will lie, so that a byte
 * it fails to write shows as a 'Z' instead of a NUL by luck.
 */
static void
dirty_stack(void)
{
	volatile char junk[16384];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 'Z';
}

static int
all_empty(const struct oauth_error *e)
{
	return e->error[0] == '\0' && e->description[0] == '\0' && e->uri[0] == '\0';
}

static void
structs(void)
{
	struct http_options opt = {.url = "http://127.0.0.1:9/oauth/token", .retries = 0};
	struct buf body = BUF_INIT(64);
	struct http_response res;
	struct oauth_error e;
	struct token tok;
	char why[256];
	int rc;

	/* http_post: the deadline has passed before the first attempt */
	memset(&res, 0xa5, sizeof(res));
	opt.deadline = clock_ms() - 1;
	rc = http_post(&opt, &body, &res, why, sizeof(why));
	check(rc == HTTP_ENET && strcmp(why, "timed out") == 0, "http_post: timed out");
	check(res.status == 0 && res.answer == HTTP_TOKEN && res.content_type[0] == '\0' &&
		  res.sent_at == 0 && res.attempts == 1,
	      "http_post: the response is initialised");
	check(res.body.data == NULL && res.body.len == 0 && res.body.alloc == 0 &&
		  res.body.cap == HTTP_BODY_MAX,
	      "http_post: the response body is empty, with the body cap");
	http_response_release(&res);

	/* token_parse_error: not JSON, and JSON without an error */
	memset(&e, 0xa5, sizeof(e));
	rc = token_parse_error("<html>", 6, &e);
	check(rc == TOKEN_EINVALID && all_empty(&e), "token_parse_error: not JSON");
	memset(&e, 0xa5, sizeof(e));
	rc = token_parse_error("{\"message\":\"no\"}", 16, &e);
	check(rc == TOKEN_EINVALID && all_empty(&e), "token_parse_error: no error field");
	memset(&e, 0xa5, sizeof(e));
	rc = token_parse_error("{\"error\":\"invalid_client\"}", 26, &e);
	check(rc == TOKEN_OK && strcmp(e.error, "invalid_client") == 0 &&
		  e.description[0] == '\0' && e.uri[0] == '\0',
	      "token_parse_error: the error alone");

	/* token_parse: a body that is not a token */
	memset(&tok, 0xa5, sizeof(tok));
	rc = token_parse("[]", 2, 1000, &tok, why, sizeof(why));
	check(rc == TOKEN_EINVALID && strcmp(why, "response is not a JSON object") == 0 &&
		  tok.access_token == NULL && tok.token_type == NULL && tok.expires_in == 0 &&
		  tok.expires_at == 0 && tok.obtained_at == 0 && tok.cached == 0,
	      "token_parse: the token is initialised");
	memset(&tok, 0xa5, sizeof(tok));
	rc = token_parse("x", 1, 1000, &tok, why, sizeof(why));
	check(rc == TOKEN_EINVALID && strcmp(why, "response is not JSON") == 0 &&
		  tok.access_token == NULL && tok.token_type == NULL,
	      "token_parse: not JSON");
}

int
main(int argc, char **argv)
{
	char *a, *b;

	if (argc == 3 && strcmp(argv[1], "long") == 0) {
		a = letters('a', strtoul(argv[2], NULL, 10));
		dirty_stack();
		msg_err("%s", a);
		free(a);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "redacted") == 0) {
		a = letters('p', strtoul(argv[2], NULL, 10));
		b = letters('x', strtoul(argv[3], NULL, 10));
		dirty_stack();
		msg_err("http://u:%s@h/%s", a, b);
		free(a);
		free(b);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "say") == 0) {
		msg_err("%s", argv[2]);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "structs") == 0) {
		structs();
		return failed;
	}
	return 2;
}
