/* SPDX-License-Identifier: MIT */
/*
 * Every output format and its quoting.  Output is rendered in full into a
 * buffer and written once, so stdout receives the whole of it or nothing.
 * The token and its type have been validated before they get here, but each
 * quoter is still correct for any byte string: a value can never end its
 * quotes early, whatever it holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "output.h"
#include "secret.h"

const char *const output_format_names[] = {
    "token",  "json", "export", "fish",	 "powershell", "dotenv",
    "header", "curl", "github", "azure", NULL,
};

#define ENV_TOKEN   "NITRO_ACCESS_TOKEN"
#define ENV_TYPE    "NITRO_TOKEN_TYPE"
#define ENV_EXPIRES "NITRO_TOKEN_EXPIRES_AT"

int
output_format_parse(const char *name, enum format *fmt)
{
	int i;

	for (i = 0; output_format_names[i] != NULL; i++) {
		if (strcmp(name, output_format_names[i]) == 0) {
			*fmt = (enum format)i;
			return 0;
		}
	}
	return -1;
}

/* PowerShell also ends a single-quoted string at U+2018..U+201B */
static int
is_pwsh_quote(const unsigned char *s)
{
	return s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9b;
}

int
output_quote(enum quote_style style, const char *s, struct buf *out)
{
	const unsigned char *p;
	int rc = BUF_OK;

	switch (style) {
	case QUOTE_DOTENV:
		/* no quoting exists in --env-file or $GITHUB_ENV: refuse line breaks */
		if (strpbrk(s, "\r\n") != NULL)
			return BUF_ECAP;
		return buf_puts(out, s);
	case QUOTE_SH:
		/* inside '...' nothing is special; a quote is closed, escaped, reopened */
		rc = buf_puts(out, "'");
		for (p = (const unsigned char *)s; *p != '\0' && rc == BUF_OK; p++)
			rc = *p == '\'' ? buf_puts(out, "'\\''") : buf_append(out, p, 1);
		return rc != BUF_OK ? rc : buf_puts(out, "'");
	case QUOTE_FISH:
		/* fish honours exactly two escapes inside '...': \\ and \' */
		rc = buf_puts(out, "'");
		for (p = (const unsigned char *)s; *p != '\0' && rc == BUF_OK; p++) {
			if (*p == '\'' || *p == '\\')
				rc = buf_append(out, "\\", 1);
			if (rc == BUF_OK)
				rc = buf_append(out, p, 1);
		}
		return rc != BUF_OK ? rc : buf_puts(out, "'");
	case QUOTE_POWERSHELL:
		/* a quote character inside '...' is written twice */
		rc = buf_puts(out, "'");
		for (p = (const unsigned char *)s; *p != '\0' && rc == BUF_OK; p++) {
			if (*p == '\'') {
				rc = buf_puts(out, "''");
			} else if (is_pwsh_quote(p)) {
				rc = buf_append(out, p, 3);
				if (rc == BUF_OK)
					rc = buf_append(out, p, 3);
				p += 2;
			} else {
				rc = buf_append(out, p, 1);
			}
		}
		return rc != BUF_OK ? rc : buf_puts(out, "'");
	case QUOTE_CURL:
		/* curl's config parser unescapes \\ \" \t \n \r \v inside "..." */
		rc = buf_puts(out, "\"");
		for (p = (const unsigned char *)s; *p != '\0' && rc == BUF_OK; p++) {
			switch (*p) {
			case '\\':
				rc = buf_puts(out, "\\\\");
				break;
			case '"':
				rc = buf_puts(out, "\\\"");
				break;
			case '\t':
				rc = buf_puts(out, "\\t");
				break;
			case '\n':
				rc = buf_puts(out, "\\n");
				break;
			case '\r':
				rc = buf_puts(out, "\\r");
				break;
			case '\v':
				rc = buf_puts(out, "\\v");
				break;
			default:
				rc = buf_append(out, p, 1);
				break;
			}
		}
		return rc != BUF_OK ? rc : buf_puts(out, "\"");
	}
	return BUF_ECAP;
}

/* how each shell format sets a variable, and unsets one (NULL: it cannot) */
static const struct {
	const char *pre, *mid, *post;
	enum quote_style q;
	const char *unset;
} syn[] = {
    [FMT_EXPORT] = {"export ", "=", "\n", QUOTE_SH, "unset " ENV_EXPIRES "\n"},
    [FMT_FISH] = {"set -gx ", " ", ";\n", QUOTE_FISH, "set -e " ENV_EXPIRES ";\n"},
    [FMT_POWERSHELL] = {"$Env:", " = ", "\n", QUOTE_POWERSHELL,
			"Remove-Item Env:" ENV_EXPIRES " -ErrorAction SilentlyContinue\n"},
    [FMT_DOTENV] = {"", "=", "\n", QUOTE_DOTENV, NULL},
};

/* one "NAME=value" line in the syntax of a shell format */
static int
assign(enum format fmt, const char *name, const char *value, struct buf *out)
{
	int rc;

	if ((rc = buf_puts(out, syn[fmt].pre)) != BUF_OK || (rc = buf_puts(out, name)) != BUF_OK ||
	    (rc = buf_puts(out, syn[fmt].mid)) != BUF_OK ||
	    (rc = output_quote(syn[fmt].q, value, out)) != BUF_OK)
		return rc;
	return buf_puts(out, syn[fmt].post);
}

static int
render_json(const struct token *tok, struct buf *out)
{
	unsigned long failures;
	json_t *o;
	char *s = NULL;
	int rc = BUF_ENOMEM;

	o = json_pack("{s:s, s:s}", "access_token", tok->access_token, "token_type",
		      tok->token_type);
	if (o == NULL)
		return BUF_ENOMEM;
	if (tok->expires_at > 0 &&
	    (json_object_set_new(o, "expires_in", json_integer(tok->expires_in)) != 0 ||
	     json_object_set_new(o, "expires_at", json_integer(tok->expires_at)) != 0))
		goto out;
	if (json_object_set_new(o, "cached", json_boolean(tok->cached)) != 0)
		goto out;
	failures = secret_json_alloc_failures();
	/* jansson drops a key it had no memory for and still returns the rest */
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL ||
	    secret_json_alloc_failures() != failures)
		goto out;
	if ((rc = buf_puts(out, s)) == BUF_OK)
		rc = buf_puts(out, "\n");
out:
	if (s != NULL)
		secret_json_free(s);
	json_decref(o);
	return rc;
}

/* a curl config line; curl -K - reads it, so the token never reaches an argv */
static int
render_curl(const struct token *tok, struct buf *out)
{
	struct buf h = BUF_INIT(TOKEN_MAX + TOKEN_TYPE_MAX + 64);
	int rc;

	if ((rc = buf_printf(&h, "Authorization: %s %s", tok->token_type, tok->access_token)) ==
		BUF_OK &&
	    (rc = buf_puts(out, "header = ")) == BUF_OK &&
	    (rc = output_quote(QUOTE_CURL, h.data, out)) == BUF_OK)
		rc = buf_puts(out, "\n");
	buf_release(&h);
	return rc;
}

int
output_render(enum format fmt, const struct token *tok, struct buf *out)
{
	char expires[32];
	int rc;

	snprintf(expires, sizeof(expires), "%lld", tok->expires_at);
	switch (fmt) {
	case FMT_TOKEN:
		return buf_printf(out, "%s\n", tok->access_token);
	case FMT_JSON:
		return render_json(tok, out);
	case FMT_EXPORT:
	case FMT_FISH:
	case FMT_POWERSHELL:
	case FMT_DOTENV:
		if ((rc = assign(fmt, ENV_TOKEN, tok->access_token, out)) != BUF_OK ||
		    (rc = assign(fmt, ENV_TYPE, tok->token_type, out)) != BUF_OK)
			return rc;
		if (tok->expires_at > 0)
			return assign(fmt, ENV_EXPIRES, expires, out);
		/* a value left by an earlier eval would outlive this token */
		return syn[fmt].unset != NULL ? buf_puts(out, syn[fmt].unset) : BUF_OK;
	case FMT_HEADER:
		return buf_printf(out, "Authorization: %s %s\n", tok->token_type,
				  tok->access_token);
	case FMT_CURL:
		return render_curl(tok, out);
	case FMT_GITHUB:
		/*
		 * GitHub Actions masks every later appearance of a value once a
		 * step prints "::add-mask::VALUE" (docs.github.com, "Workflow
		 * commands for GitHub Actions", Masking a value in a log).  The
		 * variables themselves go to $GITHUB_ENV: see output_finish().
		 */
		return buf_printf(out, "::add-mask::%s\n", tok->access_token);
	case FMT_AZURE:
		/*
		 * Azure Pipelines logging commands (learn.microsoft.com, "Logging
		 * commands", SetVariable): "##vso[task.setvariable variable=NAME;
		 * issecret=true]VALUE" sets a variable for later steps and masks
		 * it.  Our values hold no '%', CR or LF, which it would unescape.
		 */
		if ((rc = buf_printf(out, "##vso[task.setvariable variable=%s;issecret=true]%s\n",
				     ENV_TOKEN, tok->access_token)) != BUF_OK ||
		    (rc = buf_printf(out, "##vso[task.setvariable variable=%s]%s\n", ENV_TYPE,
				     tok->token_type)) != BUF_OK)
			return rc;
		if (tok->expires_at > 0)
			return buf_printf(out, "##vso[task.setvariable variable=%s]%s\n",
					  ENV_EXPIRES, expires);
		return BUF_OK;
	}
	return BUF_ECAP;
}

/*
 * After stdout: -f github appends the variables to the file that $GITHUB_ENV
 * names, as NAME=value lines (the same as dotenv: no value of ours can hold a
 * line break, so GitHub's NAME<<DELIMITER form is never needed), in one
 * write to a file opened for appending.  Other formats have nothing to do.
 */
int
output_finish(enum format fmt, const struct token *tok)
{
	struct buf lines = BUF_INIT(4 * TOKEN_MAX);
	const char *path = getenv("GITHUB_ENV");
	ssize_t n;
	int fd, rc = -1;

	if (fmt != FMT_GITHUB)
		return 0;
	if (path == NULL || *path == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (output_render(FMT_DOTENV, tok, &lines) != BUF_OK) {
		errno = ENOMEM;
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600)) < 0)
		goto out;
	do
		n = write(fd, lines.data, lines.len);
	while (n < 0 && errno == EINTR);
	if (close(fd) == 0 && n == (ssize_t)lines.len)
		rc = 0;
	else if (n >= 0 && n != (ssize_t)lines.len)
		errno = EIO;
out:
	buf_release(&lines);
	return rc;
}

/*
 * Write the whole rendering at once.  SIGINT and SIGTERM are held back
 * meanwhile so that an interrupt cannot leave half a line on stdout.
 */
int
output_write(const struct buf *out)
{
	sigset_t block, old;
	int rc = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (out->len > 0 && fwrite(out->data, 1, out->len, stdout) != out->len)
		rc = -1;
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = -1;
	if (fclose(stdout) != 0 && rc == 0)
		rc = -1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
output_exec_env(const struct token *tok)
{
	char expires[32];

	/* the child gets the token, never the secret it was bought with */
	if (unsetenv("NITRO_CLIENT_SECRET") != 0 || setenv(ENV_TOKEN, tok->access_token, 1) != 0 ||
	    setenv(ENV_TYPE, tok->token_type, 1) != 0)
		return -1;
	if (tok->expires_at <= 0)
		return unsetenv(ENV_EXPIRES);
	snprintf(expires, sizeof(expires), "%lld", tok->expires_at);
	return setenv(ENV_EXPIRES, expires, 1);
}
