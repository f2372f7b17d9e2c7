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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "io.h"
#include "msg.h"
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
		 * There is no command to remove a variable, but an empty message
		 * sets it to "" (the agent passes the message as it is to
		 * Variables.Set: ProcessTaskSetVariableCommand in
		 * microsoft/azure-pipelines-agent, src/Agent.Worker/
		 * TaskCommandExtension.cs), so an earlier step's expiry is
		 * cleared when this token's lifetime is unknown.
		 */
		if ((rc = buf_printf(out, "##vso[task.setvariable variable=%s;issecret=true]%s\n",
				     ENV_TOKEN, tok->access_token)) != BUF_OK ||
		    (rc = buf_printf(out, "##vso[task.setvariable variable=%s]%s\n", ENV_TYPE,
				     tok->token_type)) != BUF_OK)
			return rc;
		return buf_printf(out, "##vso[task.setvariable variable=%s]%s\n", ENV_EXPIRES,
				  tok->expires_at > 0 ? expires : "");
	}
	return BUF_ECAP;
}

/*
 * -f github appends the variables to the file that $GITHUB_ENV names.  It is
 * opened by output_prepare() before anything is sent, so that a path that
 * cannot be used stops the run before a token is spent on it; it is opened
 * without blocking (a FIFO with no reader is ENXIO at once, not a hang) and
 * must be a regular file.  The file stays open until output_finish().
 */
static int github_env = -1;

static const char *
github_env_path(void)
{
	const char *path = getenv("GITHUB_ENV");

	return path != NULL ? path : "";
}

int
output_prepare(enum format fmt)
{
	const char *path = github_env_path();
	struct stat st;
	int fd;

	if (fmt != FMT_GITHUB)
		return OUTPUT_OK;
	if (*path == '\0') {
		msg_err(
		    "format github: GITHUB_ENV is not set (GitHub Actions sets it in each step)");
		return OUTPUT_EINVALID;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		msg_err("cannot append to '%s' (GITHUB_ENV): %s", path, strerror(errno));
		return OUTPUT_EINVALID;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* (a FIFO with a reader, a terminal, /dev/null: nothing that keeps lines) */
		msg_err("cannot append to '%s' (GITHUB_ENV): not a regular file", path);
		close(fd);
		return OUTPUT_EINVALID;
	}
	github_env = fd;
	return OUTPUT_OK;
}

/*
 * After stdout: the NAME=value lines (the same as dotenv: no value of ours
 * can hold a line break, so GitHub's NAME<<DELIMITER form is never needed),
 * appended whole or not at all.  A write that stops part-way (a full disk, a
 * file size limit) is cut back to the size the file had, so that no half
 * line is left for a later append to glue onto.  The runner reads "NAME="
 * as the empty string, and there is no way to remove a variable (the split
 * at the first '=' in SetEnvFileCommand, actions/runner, src/Runner.Worker/
 * FileCommandManager.cs), so an unknown lifetime writes an empty expiry:
 * an earlier step's value must not outlive this token.
 */
int
output_finish(enum format fmt, const struct token *tok)
{
	struct buf lines = BUF_INIT(4 * TOKEN_MAX);
	const char *path = github_env_path();
	struct stat st;
	size_t done = 0;
	int rc = OUTPUT_EWRITE, err = 0;

	if (fmt != FMT_GITHUB)
		return OUTPUT_OK;
	if (github_env < 0) {
		msg_err("cannot append to '%s' (GITHUB_ENV): not opened", path);
		return OUTPUT_EWRITE;
	}
	if (output_render(FMT_DOTENV, tok, &lines) != BUF_OK ||
	    (tok->expires_at <= 0 && buf_puts(&lines, ENV_EXPIRES "=\n") != BUF_OK)) {
		msg_err("out of memory");
		rc = OUTPUT_ENOMEM;
		goto out;
	}
	if (fstat(github_env, &st) != 0) {
		err = errno;
		goto out;
	}
	if ((err = io_write_all(github_env, lines.data, lines.len, &done)) != 0) {
		if (done > 0 && ftruncate(github_env, st.st_size) != 0)
			msg_err("cannot cut '%s' (GITHUB_ENV) back to %lld bytes: %s", path,
				(long long)st.st_size, strerror(errno));
	} else {
		rc = OUTPUT_OK;
	}
out:
	if (close(github_env) != 0 && rc == OUTPUT_OK) {
		err = errno;
		rc = OUTPUT_EWRITE;
	}
	github_env = -1;
	if (err != 0)
		msg_err("cannot append to '%s' (GITHUB_ENV): %s", path, strerror(err));
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

/* Unix seconds as UTC ISO 8601, the way both --status renderings say it */
static void
utc(long long t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outsz, "%lld", t);
}

static int
status_json(const struct status_report *r, struct buf *out)
{
	const struct token *t = r->tok;
	char *s = NULL;
	json_t *o;
	int rc = BUF_ENOMEM;

	/* the same names as --json gives a token, with null for what is not known */
	o = json_pack("{s:b, s:o, s:o, s:o, s:o, s:I, s:b, s:o, s:O?, s:b}", "cached", t != NULL,
		      "token_type", t != NULL ? json_string(t->token_type) : json_null(),
		      "obtained_at", t != NULL ? json_integer(t->obtained_at) : json_null(),
		      "expires_at", t != NULL ? json_integer(t->expires_at) : json_null(),
		      "expires_in",
		      t != NULL ? json_integer(t->expires_in > 0 ? t->expires_in : 0) : json_null(),
		      "min_ttl", (json_int_t)r->min_ttl, "meets_min_ttl", r->meets, "entry",
		      r->entry != NULL ? json_string(r->entry) : json_null(), "claims", r->claims,
		      "claims_verified", 0);
	if (o == NULL)
		return BUF_ENOMEM;
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	if ((rc = buf_puts(out, s)) == BUF_OK)
		rc = buf_puts(out, "\n");
out:
	secret_json_free(s);
	json_decref(o);
	return rc;
}

/*
 * --status, for a person or for a program.  It never holds the token: only
 * what is known about it.  A claim's value came from the token, so it is
 * shown JSON-encoded and ASCII-only: no byte of it reaches a terminal raw.
 */
int
output_status(const struct status_report *r, int json, struct buf *out)
{
	const struct token *t = r->tok;
	const char *name;
	json_t *v;
	void *it;
	char when[32], *s;
	int rc;

	if (json)
		return status_json(r, out);
	if ((rc = buf_printf(out, "%-14s%s\n", "cached", t != NULL ? "yes" : "no")) != BUF_OK)
		return rc;
	if (t != NULL) {
		utc(t->obtained_at, when, sizeof(when));
		if ((rc = buf_printf(out, "%-14s%s\n%-14s%s (%lld s ago)\n", "token type",
				     t->token_type, "obtained at", when,
				     r->now - t->obtained_at)) != BUF_OK)
			return rc;
		utc(t->expires_at, when, sizeof(when));
		if ((rc = buf_printf(out, "%-14s%s%s\n%-14s%lld\n", "expires at", when,
				     t->expires_in > 0 ? "" : " (expired)", "seconds left",
				     t->expires_in > 0 ? t->expires_in : 0)) != BUF_OK)
			return rc;
	}
	if ((rc = buf_printf(out, "%-14s%s (%ld s)\n", "meets min-ttl", r->meets ? "yes" : "no",
			     r->min_ttl)) != BUF_OK ||
	    (rc = buf_printf(out, "%-14s%s\n", "entry",
			     r->entry != NULL ? r->entry : "(no cache directory)")) != BUF_OK)
		return rc;
	if (r->claims == NULL)
		return BUF_OK;
	if ((rc = buf_printf(out, "%-14s%s\n", "claims", "(not verified)")) != BUF_OK)
		return rc;
	for (it = json_object_iter(r->claims); it != NULL;
	     it = json_object_iter_next(r->claims, it)) {
		name = json_object_iter_key(it);
		v = json_object_iter_value(it);
		if ((s = json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII | JSON_COMPACT)) == NULL)
			return BUF_ENOMEM;
		rc = buf_printf(out, "  %-12s%s\n", name, s);
		secret_json_free(s);
		if (rc != BUF_OK)
			return rc;
	}
	return BUF_OK;
}
