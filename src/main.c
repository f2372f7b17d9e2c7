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
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "cache.h"
#include "cli.h"
#include "clock.h"
#include "compat.h"
#include "config.h"
#include "http.h"
#include "keep.h"
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
	EXIT_NOT_CACHED = 9,   /* --status: no token that meets --min-ttl is cached */
	EXIT_CANNOT_RUN = 126,
	EXIT_NOT_FOUND = 127,
};

/* each module has worded its failure already: here it only becomes a status */
static int
from_config(int rc)
{
	switch (rc) {
	case CONFIG_OK:
		return EXIT_OK;
	case CONFIG_EUSAGE:
		return EXIT_USAGE;
	case CONFIG_EINVALID:
		return EXIT_CONFIG;
	default:
		return EXIT_INTERNAL;
	}
}

static int
from_secret(int rc)
{
	switch (rc) {
	case SECRET_LOADED:
		return EXIT_OK;
	case SECRET_UNUSABLE:
		return EXIT_CONFIG;
	default:
		return EXIT_INTERNAL;
	}
}

/*
 * SIGINT and SIGTERM end the run at once.  Nothing is half-written when they
 * do: stdout is written in one piece with these signals blocked, and a cache
 * entry appears only by rename().  Memory, locks and descriptors go with the
 * process; core dumps are off, so no secret survives it.  A terminal whose
 * echo was turned off for a prompt gets it back, a secret command still
 * running is killed with its process group, and the api command's
 * temporary --output file is removed.
 */
static void
on_signal(int sig)
{
	secret_abort();
	api_on_signal();
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

/* a web page where the API's JSON was expected: the wrong host, most likely */
static int
is_html(const struct http_response *res)
{
	return strncasecmp(res->content_type, "text/html", 9) == 0;
}

/* "POST URL" or "POST URL after 3 attempts": what failed */
static const char *
request_name(const char *url, const struct http_response *res, char *out, size_t n)
{
	if (res->attempts > 1)
		snprintf(out, n, "POST %s after %d attempts", url, res->attempts);
	else
		snprintf(out, n, "POST %s", url);
	return out;
}

/*
 * An answer that is not 200: say what the server said, then what to check
 * where it points at one of the settings (config.c says where they came from).
 */
static int
report_status(const struct config *cfg, const struct http_response *res)
{
	struct oauth_error e;
	long st = res->status;
	int rc = token_parse_error(res->body.data, res->body.len, &e);
	char req[2048];

	if (rc == TOKEN_ENOMEM) {
		msg_err("out of memory");
		return EXIT_INTERNAL;
	}
	request_name(cfg->token_url, res, req, sizeof(req));
	if (rc == TOKEN_OK) {
		msg_err("%s: %ld %s%s%s%s%s", req, st, e.error, e.description[0] ? ": " : "",
			e.description, e.uri[0] ? " see " : "", e.uri);
	} else if (res->answer == HTTP_REDIRECT) {
		msg_err("%s: %ld: the server redirected; redirects are never followed", req, st);
	} else if (res->answer == HTTP_PROXY_AUTH) {
		msg_err("%s: %ld: proxy authentication required", req, st);
	} else {
		msg_err("%s: %ld: unexpected answer (content type %s)", req, st,
			res->content_type[0] ? res->content_type : "none");
	}
	if (res->answer == HTTP_UNAUTHORIZED)
		config_hint_credentials(cfg);
	if (st == 404 || (is_html(res) && res->answer != HTTP_SERVER))
		config_hint_base_url(cfg);
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
fetch(const struct config *cfg, const char *secret, long long deadline, struct token *tok)
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
	char why[512], req[2048];
	int rc;

	switch (token_request_body(cfg->v[SET_CLIENT_ID].s, secret, &body)) {
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
		msg_err("%s: %s", request_name(cfg->token_url, &res, req, sizeof(req)), why);
		rc = EXIT_NETWORK;
		goto out;
	case HTTP_ETOOBIG:
		msg_err("%s: %s", request_name(cfg->token_url, &res, req, sizeof(req)), why);
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
		rc = report_status(cfg, &res);
		goto out;
	}
	switch (token_parse(res.body.data, res.body.len, res.sent_at, tok, why, sizeof(why))) {
	case TOKEN_OK:
		rc = EXIT_OK;
		break;
	case TOKEN_EINVALID:
		msg_err("invalid response from %s: %s", cfg->token_url, why);
		if (is_html(&res))
			config_hint_base_url(cfg);
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
open_cache(const struct config *cfg, const char *secret, struct cache *cache, long long deadline)
{
	const char *kind, *key = secret_cache_key(&cfg->secret, secret, &kind);

	return cache_open(cache, cfg->v[SET_CACHE_DIR].s, cfg->token_url, cfg->v[SET_CLIENT_ID].s,
			  kind, key, deadline);
}

/* --forget: the entry goes, even with the cache turned off; nothing is sent */
static int
forget(const struct config *cfg, const char *secret, struct cache *cache, long long deadline)
{
	if (open_cache(cfg, secret, cache, deadline) != CACHE_OK || cache_forget(cache) != CACHE_OK)
		return EXIT_CONFIG;
	return EXIT_OK;
}

/*
 * --rejected: the token the API refused, from NITRO_ACCESS_TOKEN (exec mode
 * and the shell formats set it) or else the first line of standard input;
 * never from argv, where other users would see it.
 */
static int
read_rejected(const struct config *cfg, long long deadline, char **out)
{
	const char *env = getenv("NITRO_ACCESS_TOKEN");
	struct buf b = BUF_INIT(TOKEN_MAX + 1);
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	long long left;
	ssize_t n;
	char c;
	int rc = EXIT_USAGE;

	*out = NULL;
	if (env != NULL && *env != '\0') {
		if (strlen(env) > TOKEN_MAX) {
			msg_err("--rejected: NITRO_ACCESS_TOKEN is longer than %d bytes",
				TOKEN_MAX);
			return EXIT_USAGE;
		}
		if ((*out = strdup(env)) == NULL) {
			msg_err("out of memory");
			return EXIT_INTERNAL;
		}
		return EXIT_OK;
	}
	if (cfg->secret.kind == SECRET_FILE && strcmp(cfg->secret.text, "-") == 0) {
		msg_err("--rejected: standard input holds the client secret; "
			"give the rejected token in NITRO_ACCESS_TOKEN");
		return EXIT_USAGE;
	}
	/* one byte at a time, so that what follows the first line stays unread */
	for (;;) {
		if ((left = deadline - clock_ms()) <= 0) {
			msg_err("--rejected: no token on standard input within --timeout");
			goto out;
		}
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) < 0 && errno != EINTR)
			goto fail;
		if ((n = read(STDIN_FILENO, &c, 1)) < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			goto fail;
		if (n == 0 || c == '\n')
			break;
		if (buf_append(&b, &c, 1) != BUF_OK) {
			msg_err("--rejected: the token on standard input is longer than %d bytes",
				TOKEN_MAX);
			goto out;
		}
	}
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	if (b.len > TOKEN_MAX) {
		msg_err("--rejected: the token on standard input is longer than %d bytes",
			TOKEN_MAX);
		goto out;
	}
	if (b.len == 0) {
		msg_err("--rejected: no token in NITRO_ACCESS_TOKEN or on standard input");
		goto out;
	}
	if ((*out = strdup(b.data)) == NULL) {
		msg_err("out of memory");
		rc = EXIT_INTERNAL;
		goto out;
	}
	rc = EXIT_OK;
	goto out;
fail:
	msg_err("--rejected: cannot read standard input: %s", strerror(errno));
	rc = EXIT_CONFIG;
out:
	secret_wipe(&c, sizeof(c));
	buf_release(&b);
	return rc;
}

/*
 * --status: what the cache holds for these credentials, even with the cache
 * turned off, as --forget.  The token is not printed and nothing is sent;
 * the secret command does not run, since the entry is keyed on its text.
 */
static int
status(const struct config *cfg, const char *secret, struct cache *cache, long long deadline)
{
	struct status_report r;
	struct token tok, hit;
	struct buf out = BUF_INIT(4 * TOKEN_MAX);
	char path[PATH_MAX];
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&tok, 0, sizeof(tok));
	memset(&hit, 0, sizeof(hit));
	r.min_ttl = cfg->min_ttl;
	r.now = (long long)time(NULL);
	if (open_cache(cfg, secret, cache, deadline) == CACHE_OK) {
		if (cache_entry_path(cache, cfg->v[SET_CACHE_DIR].s, path, sizeof(path)) == 0)
			r.entry = path;
		if (cache_peek(cache, &tok) == CACHE_OK) {
			r.tok = &tok;
			r.claims = token_jwt_claims(tok.access_token);
			r.meets = cache_get(cache, cfg->min_ttl, &hit) == CACHE_OK;
		}
	}
	cache_release(cache);
	if ((rc = output_status(&r, cfg->format == FMT_JSON, &out)) != BUF_OK) {
		msg_err("out of memory");
		rc = EXIT_INTERNAL;
	} else if (output_write(&out) != 0) {
		msg_err("write error on standard output: %s", strerror(errno));
		rc = EXIT_INTERNAL;
	} else {
		rc = r.meets ? EXIT_OK : EXIT_NOT_CACHED;
	}
	json_decref(r.claims);
	token_release(&tok);
	token_release(&hit);
	buf_release(&out);
	return rc;
}

/*
 * A keeper's token, through the cache like any run's.  A token due for
 * renewal is still good for --min-ttl, so a plain read would return it:
 * it is replaced as a rejected one is, and parallel keepers share one
 * request.  The secret command, if that is the source, runs again for each
 * request: a rotated secret is what it prints now.
 */
/* what a keeper's callback needs: the settings and main()'s one secret */
struct keep_ctx {
	const struct config *cfg;
	char **secret;
};

static int
keep_get(void *ctx, enum keep_get how, const char *stale, struct token *tok)
{
	struct keep_ctx *kc = ctx;
	const struct config *cfg = kc->cfg;
	struct cache cache;
	long long deadline = clock_ms() + cfg->timeout * 1000;
	int rc = -1;

	cache_init(&cache);
	memset(tok, 0, sizeof(*tok));
	if (cfg->cache && open_cache(cfg, *kc->secret, &cache, deadline) == CACHE_OK &&
	    (stale != NULL ? cache_get_unless(&cache, cfg->min_ttl, stale, tok)
			   : cache_get(&cache, cfg->min_ttl, tok)) == CACHE_OK) {
		rc = 0;
		goto out;
	}
	if (how == KEEP_CACHED)
		goto out;
	/* a command prints the secret of now: it runs again for each request */
	if (cfg->secret.kind == SECRET_COMMAND) {
		secret_free(*kc->secret);
		*kc->secret = NULL;
	}
	if (secret_load(&cfg->secret, SECRET_FOR_REQUEST, deadline, kc->secret) != SECRET_LOADED ||
	    fetch(cfg, *kc->secret, deadline, tok) != EXIT_OK)
		goto out;
	cache_put(&cache, tok, cfg->min_ttl);
	rc = 0;
out:
	cache_release(&cache);
	return rc;
}

/* --keep-fresh: COMMAND runs as our child, with a file that we keep fresh */
static int
keep_fresh(const struct config *cfg, char **secret, const struct cache *cache, char **command,
	   const struct token *tok)
{
	struct keep_ctx kc = {cfg, secret};
	char path[PATH_MAX];
	struct keep k = {
	    .command = command,
	    .min_ttl = cfg->min_ttl,
	    .sigpipe = &pipe_action,
	    .get = keep_get,
	    .ctx = &kc,
	};
	int status;

	/* the entry that open_cache() named, watched for a --rejected elsewhere */
	if (cfg->cache && cache->name[0] != '\0' &&
	    cache_entry_path(cache, cfg->v[SET_CACHE_DIR].s, path, sizeof(path)) == 0)
		k.watch = path;
	if (keep_run(&k, tok, &status) != KEEP_OK)
		return EXIT_INTERNAL;
	return status;
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
	/* COMMAND starts with the core limit and SIGPIPE that we were given, and
	 * SIGCHLD at its default: ignored, it would lose its children's status */
	secret_unharden();
	sigaction(SIGPIPE, &pipe_action, NULL);
	signal(SIGCHLD, SIG_DFL);
	execvp(command[0], command);
	msg_err("cannot run '%s': %s", command[0], strerror(errno));
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

static int
from_api(int rc, int renew_rc)
{
	switch (rc) {
	case API_OK:
		return EXIT_OK;
	case API_EUSAGE:
		return EXIT_USAGE;
	case API_ENET:
		return EXIT_NETWORK;
	case API_EREJECTED:
		return EXIT_REJECTED;
	case API_EUNAUTHORIZED:
		return EXIT_UNAUTHORIZED;
	case API_ESERVER:
		return EXIT_SERVER;
	case API_EINVALID:
		return EXIT_INVALID;
	case API_ERENEW:
		return renew_rc;
	default:
		return EXIT_INTERNAL;
	}
}

/* what the api command's renewal needs from this run */
struct renewal {
	const struct config *cfg;
	char **secret; /* main()'s, loaded here when it was not yet */
};

/*
 * The API refused the token (401): one good token, as --rejected gives it.
 * Under the cache lock, an entry that still holds the refused token is
 * replaced by a new one; one that holds another (a parallel run renewed it)
 * is taken as it is.  Returns 0 or an exit status, worded already.
 */
static int
renew(void *ctx, const struct token *rejected, struct token *tok)
{
	struct renewal *r = ctx;
	const struct config *cfg = r->cfg;
	long long deadline = clock_ms() + cfg->timeout * 1000;
	struct cache cache;
	char *old = strdup(rejected->access_token);
	int rc, hit = 0;

	if (old == NULL) {
		msg_err("out of memory");
		return EXIT_INTERNAL;
	}
	token_release(tok);
	memset(tok, 0, sizeof(*tok));
	cache_init(&cache);
	if (cfg->cache && open_cache(cfg, *r->secret, &cache, deadline) == CACHE_OK)
		hit = cache_get_unless(&cache, cfg->min_ttl, old, tok) == CACHE_OK;
	if (!hit) {
		if ((rc = from_secret(secret_load(&cfg->secret, SECRET_FOR_REQUEST, deadline,
						  r->secret))) != EXIT_OK ||
		    (rc = fetch(cfg, *r->secret, deadline, tok)) != EXIT_OK)
			goto out;
		cache_put(&cache, tok, cfg->min_ttl);
	}
	rc = EXIT_OK;
out:
	cache_release(&cache);
	secret_free(old);
	return rc;
}

/* the api command, once the token is there; a 401 comes back to renew() */
static int
run_api(struct api *api, const struct config *cfg, char **secret, long long deadline,
	struct token *tok)
{
	struct http_options opt = {
	    .url = cfg->token_url,
	    .cacert = cfg->v[SET_CACERT].s,
	    .capath = cfg->v[SET_CAPATH].s,
	    .connect_timeout = cfg->connect_timeout,
	    .retries = cfg->retries,
	    .deadline = deadline,
	};
	struct renewal r = {cfg, secret};
	struct api_auth auth = {renew, &r};
	int renew_rc = EXIT_INTERNAL;
	int rc = api_run(api, &opt, tok, &auth, &renew_rc);

	return from_api(rc, renew_rc);
}

/*
 * Descriptors 0, 1 and 2 are open before anything else is: started with
 * one closed, the next open() would take its number, and messages meant
 * for stderr would land in whatever file that was (the cache's lock).
 */
static int
open_std_fds(void)
{
	int fd;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* the lowest free number is fd, as those below it are open */
		if (open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct config_args args;
	struct config cfg;
	struct cache cache;
	struct token tok;
	struct buf out = BUF_INIT(4 * TOKEN_MAX);
	struct api api;
	char *secret = NULL;   /* owned, wiped at the end */
	char *rejected = NULL; /* owned, wiped at the end */
	long long deadline;
	int rc, hit = 0;

	compat_relro();
	if (open_std_fds() != 0)
		return EXIT_INTERNAL; /* with no stderr to say so */
	compat_json_seed();
	secret_harden();
	secret_use_wiping_json_allocator();
	catch_signals();
	memset(&cfg, 0, sizeof(cfg));
	memset(&tok, 0, sizeof(tok));
	cache_init(&cache);
	api_init(&api);

	switch (cli_parse(&cli, &args, argc, argv)) {
	case CLI_OK:
		break;
	case CLI_HELP:
		cli_usage(stdout);
		rc = flush_stdout(EXIT_OK);
		goto done;
	case CLI_VERSION:
		rc = print_version();
		goto done;
	case CLI_TABLES:
		cli_print_tables(stdout);
		config_print_tables(stdout);
		rc = flush_stdout(EXIT_OK);
		goto done;
	case CLI_EUSAGE:
		rc = EXIT_USAGE;
		goto done;
	default:
		rc = EXIT_INTERNAL;
		goto done;
	}
	msg_level = cli.quiet ? -1 : cli.verbose;

	if (cli.list_profiles) {
		rc = flush_stdout(from_config(config_list_profiles(&args, stdout)));
		goto done;
	}
	if ((rc = from_config(config_load(&cfg, &args))) != EXIT_OK)
		goto done;
	deadline = clock_ms() + cfg.timeout * 1000;
	if (cli.show_config) {
		config_show(&cfg, stdout);
		rc = flush_stdout(from_config(config_check_credentials(&cfg)));
		goto done;
	}
	config_trace(&cfg);
	if ((rc = from_config(config_check_credentials(&cfg))) != EXIT_OK)
		goto done;
	/* the api command's URL, headers and body are checked before anything is sent */
	if (cli.api != NULL &&
	    (rc = from_api(api_prepare(&api, cli.api, cfg.v[SET_BASE_URL].s,
				       cfg.secret.kind == SECRET_FILE && cfg.secret.text != NULL &&
					   strcmp(cfg.secret.text, "-") == 0),
			   EXIT_INTERNAL)) != EXIT_OK)
		goto done;
	/* the cache key may hold the secret (secret.c says when it does) */
	if ((rc = from_secret(secret_load(&cfg.secret, SECRET_FOR_KEY, deadline, &secret))) !=
	    EXIT_OK)
		goto done;
	if (cli.forget) {
		rc = forget(&cfg, secret, &cache, deadline);
		goto done;
	}
	if (cli.status) {
		rc = status(&cfg, secret, &cache, deadline);
		goto done;
	}
	if (cli.rejected && (rc = read_rejected(&cfg, deadline, &rejected)) != EXIT_OK)
		goto done;
	/* what the format writes besides stdout must be usable before anything is sent */
	if (cli.command == NULL && cli.api == NULL && output_prepare(cfg.format) != OUTPUT_OK) {
		rc = EXIT_CONFIG;
		goto done;
	}
	if (cfg.cache && open_cache(&cfg, secret, &cache, deadline) == CACHE_OK && !cli.refresh)
		hit = (rejected != NULL ? cache_get_unless(&cache, cfg.min_ttl, rejected, &tok)
					: cache_get(&cache, cfg.min_ttl, &tok)) == CACHE_OK;
	if (!hit) {
		if ((rc = from_secret(secret_load(&cfg.secret, SECRET_FOR_REQUEST, deadline,
						  &secret))) != EXIT_OK ||
		    (rc = fetch(&cfg, secret, deadline, &tok)) != EXIT_OK)
			goto done;
		cache_put(&cache, &tok, cfg.min_ttl);
	}
	/* the entry is settled: let parallel runs in while we print or exec */
	cache_release(&cache);

	if (cli.api != NULL) {
		rc = run_api(&api, &cfg, &secret, deadline, &tok);
		goto done;
	}
	if (cli.command != NULL) {
		rc = cli.keep_fresh ? keep_fresh(&cfg, &secret, &cache, cli.command, &tok)
				    : run_command(cli.command, &tok);
		goto done;
	}
	switch (output_render(cfg.format, &tok, &out)) {
	case BUF_OK:
		break;
	case BUF_ENOMEM:
		msg_err("out of memory");
		rc = EXIT_INTERNAL;
		goto done;
	default:
		msg_err("cannot format the token as %s", output_format_names[cfg.format]);
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (output_write(&out) != 0) {
		msg_err("write error on standard output: %s", strerror(errno));
		rc = EXIT_INTERNAL;
		goto done;
	}
	if (output_finish(cfg.format, &tok) != OUTPUT_OK) {
		rc = EXIT_INTERNAL;
		goto done;
	}
	rc = EXIT_OK;
done:
	api_release(&api);
	cache_release(&cache);
	secret_free(rejected);
	buf_release(&out);
	token_release(&tok);
	secret_free(secret);
	config_release(&cfg);
	cli_release(&cli);
	return rc;
}
