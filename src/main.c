/* SPDX-License-Identifier: MIT */
/*
 * nitro-token: get a Nitro Sign API access token and print it, or run a
 * command with it in the environment.
 *
 * This file is the table of contents: options, settings, cache, fetch,
 * validate, then print or exec.  It is the only place where a failure
 * becomes an exit status, and it has one cleanup path, where every secret
 * is wiped.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
#include "clock.h"
#include "compat.h"
#include "config.h"
#include "http.h"
#include "msg.h"
#include "output.h"
#include "secret.h"
#include "token.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,     /* out of memory, stdout write failure */
	EXIT_USAGE = 2,	       /* bad command line */
	EXIT_CONFIG = 3,       /* missing or invalid settings or credentials */
	EXIT_NETWORK = 4,      /* DNS, connect, TLS, timeout, reset */
	EXIT_REJECTED = 5,     /* HTTP 400 and other 4xx */
	EXIT_UNAUTHORIZED = 6, /* HTTP 401, 403 */
	EXIT_SERVER = 7,       /* HTTP 5xx, 429 after retries */
	EXIT_INVALID = 8,      /* unusable 2xx, any 1xx or 3xx, oversized body */
	EXIT_CANNOT_RUN = 126,
	EXIT_NOT_FOUND = 127,
};

static int
from_config_status(int rc)
{
	switch (rc) {
	case CONFIG_OK:
		return EXIT_OK;
	case CONFIG_EUSAGE:
		return EXIT_USAGE;
	case CONFIG_EINVALID:
		return EXIT_CONFIG;
	default:
		msg_err("out of memory");
		return EXIT_INTERNAL;
	}
}

/*
 * SIGINT and SIGTERM end the run at once.  Nothing is half-written when they
 * do: stdout is written in one piece with these signals blocked, and a cache
 * entry appears only by rename().  Memory, locks and descriptors go with the
 * process; core dumps are off, so no secret survives it.  A terminal whose
 * echo was turned off for a prompt gets it back.
 */
static void
on_signal(int sig)
{
	secret_restore_tty();
	_exit(128 + sig);
}

static struct sigaction pipe_action; /* SIGPIPE as our parent left it */

static void
catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM};
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* a signal ignored by our parent (cmd & in a script, nohup) stays ignored */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	/* a closed stdout is a write error (exit 1), not death by SIGPIPE */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &pipe_action);
}

/* an answer that is not 200: say what the server said, and what it means */
static int
report_status(const struct http_response *res)
{
	struct oauth_error e;
	long st = res->status;
	int rc = token_parse_error(res->body.data, res->body.len, &e);

	if (rc == TOKEN_ENOMEM) {
		msg_err("out of memory");
		return EXIT_INTERNAL;
	}
	if (rc == TOKEN_OK) {
		msg_err("%ld %s%s%s%s%s", st, e.error, e.description[0] ? ": " : "", e.description,
			e.uri[0] ? " see " : "", e.uri);
	} else if (res->answer == HTTP_REDIRECT) {
		msg_err("%ld: the server redirected; redirects are never followed", st);
	} else if (res->answer == HTTP_PROXY_AUTH) {
		msg_err("%ld: proxy authentication required", st);
	} else {
		msg_err("%ld: unexpected answer (content type %s)", st,
			res->content_type[0] ? res->content_type : "none");
	}
	switch (res->answer) {
	case HTTP_UNAUTHORIZED:
		return EXIT_UNAUTHORIZED;
	case HTTP_SERVER:
		return EXIT_SERVER;
	case HTTP_REJECTED:
		return EXIT_REJECTED;
	case HTTP_PROXY_AUTH:
		return EXIT_NETWORK;
	default:
		return EXIT_INVALID;
	}
}

static int
fetch(const struct config *cfg, long long deadline, struct token *tok)
{
	struct http_options opt = {
	    .url = cfg->token_url,
	    .cacert = cfg->v[SET_CACERT].s,
	    .capath = cfg->v[SET_CAPATH].s,
	    .connect_timeout = cfg->connect_timeout,
	    .retries = cfg->retries,
	    .deadline = deadline,
	};
	struct buf body = BUF_INIT(TOKEN_REQUEST_MAX);
	struct http_response res;
	char why[512];
	int rc;

	switch (token_request_body(cfg->v[SET_CLIENT_ID].s, cfg->secret, &body)) {
	case TOKEN_OK:
		break;
	case TOKEN_EINVALID:
		msg_err("client ID or secret is not valid UTF-8");
		return EXIT_CONFIG;
	default:
		msg_err("out of memory");
		return EXIT_INTERNAL;
	}
	msg_debug(1, "requesting a token from %s", cfg->token_url);
	rc = http_post(&opt, &body, &res, why, sizeof(why));
	buf_release(&body);
	switch (rc) {
	case HTTP_ANSWERED:
		break;
	case HTTP_ENET:
		msg_err("POST %s: %s", cfg->token_url, why);
		rc = EXIT_NETWORK;
		goto out;
	case HTTP_ETOOBIG:
		msg_err("POST %s: %s", cfg->token_url, why);
		rc = EXIT_INVALID;
		goto out;
	default:
		msg_err("%s", why);
		rc = EXIT_INTERNAL;
		goto out;
	}
	msg_debug(1, "HTTP %ld after %d attempt%s", res.status, res.attempts,
		  res.attempts == 1 ? "" : "s");
	if (res.answer != HTTP_TOKEN) {
		rc = report_status(&res);
		goto out;
	}
	switch (token_parse(res.body.data, res.body.len, res.sent_at, tok, why, sizeof(why))) {
	case TOKEN_OK:
		rc = EXIT_OK;
		break;
	case TOKEN_EINVALID:
		msg_err("invalid response from %s: %s", cfg->token_url, why);
		rc = EXIT_INVALID;
		break;
	default:
		msg_err("out of memory");
		rc = EXIT_INTERNAL;
		break;
	}
out:
	http_response_release(&res);
	return rc;
}

static int
open_cache(const struct config *cfg, struct cache *cache, long long deadline)
{
	const char *kind, *key = config_cache_key(cfg, &kind);

	return cache_open(cache, cfg->v[SET_CACHE_DIR].s, cfg->token_url, cfg->v[SET_CLIENT_ID].s,
			  kind, key, deadline);
}

/* --forget: the entry goes, even with the cache turned off; nothing is sent */
static int
forget(const struct config *cfg, struct cache *cache, long long deadline)
{
	if (open_cache(cfg, cache, deadline) == CACHE_OK)
		cache_forget(cache);
	return EXIT_OK;
}

/* rc, unless what went to stdout did not all get there */
static int
flush_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_err("write error on standard output: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	return rc;
}

static int
print_version(void)
{
	char why[256];
	const char *lib = http_version(why, sizeof(why));

	printf("%s %s\n", PROGNAME, VERSION);
	if (lib == NULL) {
		msg_err("%s", why);
		return flush_stdout(EXIT_INTERNAL);
	}
	printf("%s\n", lib);
	return flush_stdout(EXIT_OK);
}

static int
run_command(char **command, const struct token *tok)
{
	if (output_exec_env(tok) != 0) {
		msg_err("cannot set the environment: %s", strerror(errno));
		return EXIT_INTERNAL;
	}
	/* COMMAND starts with the core limit and SIGPIPE that we were given */
	secret_unharden();
	sigaction(SIGPIPE, &pipe_action, NULL);
	execvp(command[0], command);
	msg_err("cannot run '%s': %s", command[0], strerror(errno));
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct config cfg;
	struct cache cache;
	struct token tok;
	struct buf out = BUF_INIT(4 * TOKEN_MAX);
	long long deadline;
	int rc, hit = 0;

	compat_relro();
	compat_json_seed();
	secret_harden();
	secret_use_wiping_json_allocator();
	catch_signals();
	memset(&cfg, 0, sizeof(cfg));
	memset(&tok, 0, sizeof(tok));
	cache_init(&cache);

	switch (cli_parse(&cli, argc, argv)) {
	case CLI_OK:
		break;
	case CLI_HELP:
		cli_usage(stdout);
		rc = flush_stdout(EXIT_OK);
		goto done;
	case CLI_VERSION:
		rc = print_version();
		goto done;
	case CLI_EUSAGE:
		fprintf(stderr, "Try '%s --help' for more information.\n", PROGNAME);
		rc = EXIT_USAGE;
		goto done;
	default:
		msg_err("out of memory");
		rc = EXIT_INTERNAL;
		goto done;
	}
	msg_level = cli.quiet ? -1 : cli.verbose;
	if (cli.flag[SET_CLIENT_SECRET] != NULL)
		msg_warn("--client-secret can be read by other local users; "
			 "prefer --client-secret-file or NITRO_CLIENT_SECRET");

	if (cli.list_profiles) {
		rc = from_config_status(config_list_profiles(&cfg, &cli, stdout));
		rc = flush_stdout(rc);
		goto done;
	}
	if ((rc = from_config_status(config_load(&cfg, &cli))) != EXIT_OK)
		goto done;
	deadline = clock_ms() + cfg.timeout * 1000;
	if (cli.show_config) {
		rc = config_show(&cfg, stdout, "") ? EXIT_OK : EXIT_CONFIG;
		rc = flush_stdout(rc);
		goto done;
	}
	if (msg_level >= 1)
		config_show(&cfg, stderr, PROGNAME ": ");
	if ((rc = from_config_status(config_check_credentials(&cfg))) != EXIT_OK)
		goto done;
	/*
	 * The cache key holds the secret, so it is read first; a secret that a
	 * command prints is keyed on the command instead, and the command runs
	 * on a miss only.
	 */
	if (!config_secret_from_command(&cfg) &&
	    (rc = from_config_status(config_read_secret(&cfg, deadline))) != EXIT_OK)
		goto done;
	if (cli.forget) {
		rc = forget(&cfg, &cache, deadline);
		goto done;
	}
	if (cfg.cache && open_cache(&cfg, &cache, deadline) == CACHE_OK && !cli.refresh)
		hit = cache_get(&cache, cfg.min_ttl, &tok) == CACHE_OK;
	if (!hit) {
		if (cfg.secret == NULL &&
		    (rc = from_config_status(config_read_secret(&cfg, deadline))) != EXIT_OK)
			goto done;
		if ((rc = fetch(&cfg, deadline, &tok)) != EXIT_OK)
			goto done;
		cache_put(&cache, &tok, cfg.min_ttl);
	}
	/* the entry is settled: let parallel runs in while we print or exec */
	cache_release(&cache);

	if (cli.command != NULL) {
		rc = run_command(cli.command, &tok);
		goto done;
	}
	if ((rc = output_render(cfg.format, &tok, &out)) != BUF_OK) {
		if (rc == BUF_ENOMEM)
			msg_err("out of memory");
		else
			msg_err("cannot format the token as %s", output_format_names[cfg.format]);
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (output_write(&out) != 0) {
		msg_err("write error on standard output: %s", strerror(errno));
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (output_finish(cfg.format, &tok) != 0) {
		msg_err("cannot append to '%s' (GITHUB_ENV): %s", getenv("GITHUB_ENV"),
			strerror(errno));
		rc = EXIT_INTERNAL;
		goto done;
	}
	rc = EXIT_OK;
done:
	cache_release(&cache);
	buf_release(&out);
	token_release(&tok);
	config_release(&cfg);
	cli_release(&cli);
	return rc;
}
