/* SPDX-License-Identifier: MIT */
/*
 * The command line.  One table of long options, sorted by name, beside the
 * short-option string; usage() mirrors the man page's SYNOPSIS and OPTIONS.
 * Options that name a setting store their raw text by setting; config.c
 * decides what it means and whether it wins.  A secret given on the command
 * line is copied and overwritten in argv at once.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "msg.h"
#include "secret.h"

enum {
	OPT_SETTING = 0x100, /* + enum setting */
	OPT_CONFIG = 0x200,
	OPT_EXPORT,
	OPT_FORGET,
	OPT_JSON,
	OPT_KEEP_FRESH,
	OPT_LIST_PROFILES,
	OPT_NO_CACHE,
	OPT_PRINT_TABLES,
	OPT_PROFILE,
	OPT_REFRESH,
	OPT_REJECTED,
	OPT_SHOW_CONFIG,
	OPT_STATUS,
	OPT_PAGINATE,
	OPT_STALL_TIMEOUT,
};

static const char shortopts[] = "+:f:hqVv";
static const struct option longopts[] = {
    {"base-url", required_argument, NULL, OPT_SETTING + SET_BASE_URL},
    {"cacert", required_argument, NULL, OPT_SETTING + SET_CACERT},
    {"cache-dir", required_argument, NULL, OPT_SETTING + SET_CACHE_DIR},
    {"capath", required_argument, NULL, OPT_SETTING + SET_CAPATH},
    {"client-id", required_argument, NULL, OPT_SETTING + SET_CLIENT_ID},
    {"client-secret", required_argument, NULL, OPT_SETTING + SET_CLIENT_SECRET},
    {"client-secret-command", required_argument, NULL, OPT_SETTING + SET_CLIENT_SECRET_COMMAND},
    {"client-secret-file", required_argument, NULL, OPT_SETTING + SET_CLIENT_SECRET_FILE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"connect-timeout", required_argument, NULL, OPT_SETTING + SET_CONNECT_TIMEOUT},
    {"export", no_argument, NULL, OPT_EXPORT},
    {"forget", no_argument, NULL, OPT_FORGET},
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, OPT_JSON},
    {"keep-fresh", no_argument, NULL, OPT_KEEP_FRESH},
    {"list-profiles", no_argument, NULL, OPT_LIST_PROFILES},
    {"min-ttl", required_argument, NULL, OPT_SETTING + SET_MIN_TTL},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    /* not in usage(): the test suite checks the documents against the tables */
    {"print-tables", no_argument, NULL, OPT_PRINT_TABLES},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"quiet", no_argument, NULL, 'q'},
    {"refresh", no_argument, NULL, OPT_REFRESH},
    {"rejected", no_argument, NULL, OPT_REJECTED},
    {"retries", required_argument, NULL, OPT_SETTING + SET_RETRIES},
    {"show-config", no_argument, NULL, OPT_SHOW_CONFIG},
    {"status", no_argument, NULL, OPT_STATUS},
    {"timeout", required_argument, NULL, OPT_SETTING + SET_TIMEOUT},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/*
 * The exit statuses, as --help says them, one line each; main.c's enum
 * exit_code has the codes, and tests/docs.bats holds README and the man
 * page (which says more of each) to this table.
 */
static const struct {
	const char *codes;
	const char *text;
} exit_statuses[] = {
    {"0", "token printed, or COMMAND run (then its status), or --status found one"},
    {"1", "internal error: out of memory, a failed write, libcurl unusable"},
    {"2", "usage: unknown option or bad value on the command line"},
    {"3", "configuration: missing or invalid credentials or settings"},
    {"4", "network or TLS: DNS, connect, certificate, timeout, proxy"},
    {"5", "request rejected: HTTP 400 and other 4xx"},
    {"6", "unauthorized: HTTP 401 or 403"},
    {"7", "server error: HTTP 5xx, or 429 after the retries"},
    {"8", "invalid response: no usable token, a redirect, a body over 64 KiB"},
    {"9", "not cached: --status found no token that meets --min-ttl (not an error)"},
    {"126, 127", "exec mode: COMMAND cannot be run, or is not found"},
    {"130, 143", "interrupted by SIGINT, SIGTERM"},
};

/*
 * The api command's own options; the settings and the few general options
 * that make sense for a call are taken from longopts[] after these.
 */
static const char api_shortopts[] = ":d:F:H:hio:qv";
static const struct option api_longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"form", required_argument, NULL, 'F'},
    {"header", required_argument, NULL, 'H'},
    {"include", no_argument, NULL, 'i'},
    {"output", required_argument, NULL, 'o'},
    {"paginate", no_argument, NULL, OPT_PAGINATE},
    {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
};

static int usage_of_api; /* --help after api: its own usage */

/* the table getopt_long is reading: the general one or the api command's */
static const char *cur_shortopts = shortopts;
static const struct option *cur_longopts = longopts;

static void
api_usage(FILE *fp)
{
	fputs("usage: " PROGNAME " api [-qv] [--include] [--data data | --form name=value ...]\n"
	      "                   [--header header ...] [--output file] [--paginate]\n"
	      "                   [--stall-timeout seconds] [option ...] [method] path\n"
	      "\n"
	      "Call the Nitro API with the token: PATH is relative to the base URL or a\n"
	      "full URL on its origin; METHOD is GET, or POST with a body.  A 2xx body is\n"
	      "written to stdout as it arrives; anything else writes nothing there and\n"
	      "one message on stderr.  A 401 renews the token once and sends again.\n"
	      "\n"
	      "  -d, --data DATA            the body: @FILE, - for stdin (kept up to\n"
	      "                             1024 KiB for a second send) or the text itself;\n"
	      "                             Content-Type application/json unless -H says\n"
	      "  -F, --form NAME=VALUE      a multipart part; NAME=@FILE streams FILE,\n"
	      "                             ;type=MIME after either sets its type\n"
	      "  -H, --header HEADER        add 'Name: value' (not Authorization)\n"
	      "  -i, --include              print the status line and headers first\n"
	      "  -o, --output FILE          write the body to FILE, whole or not at all\n"
	      "  --paginate                 follow nextPage cursors (at most 1000 pages);\n"
	      "                             print one object whose items hold them all\n"
	      "  --stall-timeout SECONDS    end a transfer with no byte for this long,\n"
	      "                             default 30 (--timeout bounds the wait for an\n"
	      "                             answer, not the transfer)\n"
	      "  -q, --quiet                no warnings, no progress line\n"
	      "  -v, --verbose              trace the call, the token redacted\n"
	      "  Every setting's option (--base-url, --profile, --timeout, ...) as without\n"
	      "  api.  Retried: connection failures, 429 and 503 with Retry-After, 502 and\n"
	      "  504, for GET, HEAD, PUT and DELETE, within --retries and --timeout.\n"
	      "\n"
	      "Exit status as without api: 4 also a stalled transfer, 6 a 401 after the\n"
	      "renewal or a 403, 8 also a redirect not followed or a list without end.\n",
	      fp);
}

/* a screen at most: every option once; the man page is the reference */
void
cli_usage(FILE *fp)
{
	size_t i;

	if (usage_of_api) {
		api_usage(fp);
		return;
	}
	fputs("usage: " PROGNAME " [-hqVv] [-f format] [--json | --export] [--base-url url]\n"
	      "                   [--client-id id] [--client-secret-file file |\n"
	      "                   --client-secret-command command | --client-secret secret]\n"
	      "                   [--config file] [--profile name] [--cache-dir dir]\n"
	      "                   [--no-cache | --refresh | --forget | --rejected | --status]\n"
	      "                   [--min-ttl seconds] [--timeout seconds]\n"
	      "                   [--connect-timeout seconds] [--retries n] [--cacert file]\n"
	      "                   [--capath dir] [--show-config]\n"
	      "                   [[--keep-fresh] -- command [arg ...]]\n"
	      "       " PROGNAME " [--config file] --list-profiles\n"
	      "       " PROGNAME " api [-qv] [--include] [--data data | --form name=value ...]\n"
	      "                   [--header header ...] [--output file] [--paginate]\n"
	      "                   [--stall-timeout seconds] [option ...] [method] path\n"
	      "\n"
	      "Print a Nitro Sign API access token, or run COMMAND with it in the environment;\n"
	      "'" PROGNAME " api --help': call the API with it, renewing it once on a 401.\n"
	      "  --client-id ID               the API client's ID\n"
	      "  --client-secret-file FILE    read its secret from FILE (-: stdin, or a prompt)\n"
	      "  --client-secret-command CMD  the secret is the first line that CMD prints\n"
	      "  --client-secret SECRET       the secret itself: other local users can see it\n"
	      "  --config FILE, --profile NAME  ~/.config/nitro-token/config, and its section\n"
	      "  --list-profiles, --show-config  the file's profiles; each setting's source\n"
	      "  -f, --format FORMAT          token, json, export, fish, powershell, dotenv,\n"
	      "                               header, curl, github, azure; --json, --export\n"
	      "  --base-url URL               default https://api.gonitro.dev\n"
	      "  --cacert FILE, --capath DIR  trust the CA certificates in FILE or DIR\n"
	      "  --timeout, --connect-timeout SECONDS  the whole run (30), a connection (10)\n"
	      "  --retries N                  retries of transient failures (default 2)\n"
	      "  --cache-dir DIR              default ~/.cache/nitro-token\n"
	      "  --no-cache, --refresh, --forget  skip the cache, renew its token, remove it\n"
	      "  --rejected                   the API refused NITRO_ACCESS_TOKEN: replace it\n"
	      "  --status                     what the cache holds; exit 9 when nothing usable\n"
	      "  --min-ttl SECONDS            least life left in a reused token (default 300)\n"
	      "  --keep-fresh                 keep NITRO_ACCESS_TOKEN_FILE fresh for COMMAND\n"
	      "  -q, --quiet, -v, --verbose   no warnings; a trace on stderr (-vv: headers too)\n"
	      "  -h, --help, -V, --version    print this help, or the version, and exit\n"
	      "Every setting is also a variable (NITRO_CLIENT_ID...) and a config file key.\n"
	      "Exit status (man nitro-token is the whole reference):\n",
	      fp);
	for (i = 0; i < sizeof(exit_statuses) / sizeof(exit_statuses[0]); i++)
		fprintf(fp, "  %s  %s\n", exit_statuses[i].codes, exit_statuses[i].text);
}

/* --print-tables: the long options and the exit statuses, one a line */
void
cli_print_tables(FILE *fp)
{
	const struct option *o;
	size_t i;

	for (o = longopts; o->name != NULL; o++)
		if (o->val != OPT_PRINT_TABLES)
			fprintf(fp, "option\t--%s\n", o->name);
	for (i = 0; i < sizeof(api_longopts) / sizeof(api_longopts[0]); i++)
		fprintf(fp, "option\t--%s\n", api_longopts[i].name);
	for (i = 0; i < sizeof(exit_statuses) / sizeof(exit_statuses[0]); i++)
		fprintf(fp, "exit\t%s\t%s\n", exit_statuses[i].codes, exit_statuses[i].text);
}

/* "'--format' (-f)" or "'--json'": how to name the option whose value is val */
static const char *
option_name(int val, char *out, size_t n)
{
	const struct option *o;

	for (o = cur_longopts; o->name != NULL; o++)
		if (o->val == val)
			break;
	if (o->name != NULL && val < 0x80 && strchr(cur_shortopts, val) != NULL)
		snprintf(out, n, "'--%s' (-%c)", o->name, val);
	else if (o->name != NULL)
		snprintf(out, n, "'--%s'", o->name);
	else
		snprintf(out, n, "'-%c'", val);
	return out;
}

/* an option to offer when one was mistyped: all but the hidden one */
static int
offered(const struct option *o)
{
	return o->name != NULL && o->val != OPT_PRINT_TABLES;
}

/*
 * A mistyped long option, name[0..len): the options it abbreviates when it
 * abbreviates several (getopt takes an abbreviation of one), else the
 * nearest option name, if one is near.
 */
static void
unknown_long(const char *name, int len, const char *hidden)
{
	const char *names[sizeof(longopts) / sizeof(longopts[0]) +
			  sizeof(api_longopts) / sizeof(api_longopts[0])],
	    *near;
	struct buf list = BUF_INIT(1024);
	size_t n = 0, i;
	const struct option *o;

	/* a whole name that getopt refused belongs to another command's table */
	for (o = longopts; o->name != NULL; o++)
		if (offered(o) && strlen(o->name) == (size_t)len &&
		    strncmp(o->name, name, (size_t)len) == 0) {
			msg_err("unknown option '--%.*s'%s", len, name, hidden);
			return;
		}
	/* suggestions come from the table getopt is reading */
	for (o = cur_longopts; o->name != NULL; o++)
		if (offered(o) && len > 0 && strncmp(o->name, name, (size_t)len) == 0)
			names[n++] = o->name;
	if (n >= 2) {
		for (i = 0; i < n; i++)
			buf_printf(&list, "%s'--%s'",
				   i == 0      ? ""
				   : i + 1 < n ? ", "
					       : " or ",
				   names[i]);
		msg_err("ambiguous option '--%.*s'%s: it could be %s", len, name, hidden,
			list.data != NULL ? list.data : "one of several");
		buf_release(&list);
		return;
	}
	if (n == 0) {
		for (o = cur_longopts; o->name != NULL; o++)
			if (offered(o))
				names[n++] = o->name;
		near = config_nearest(name, (size_t)len, names, n);
	} else {
		near = names[0];
	}
	if (near != NULL)
		msg_err("unknown option '--%.*s'%s; did you mean '--%s'?", len, name, hidden, near);
	else
		msg_err("unknown option '--%.*s'%s", len, name, hidden);
}

/*
 * getopt returned '?'.  An unknown or ambiguous long option (optopt 0) is
 * named without its "=value", which may be a mistyped secret, and the value
 * is wiped from argv as --client-secret's is.  A known option given a value
 * it does not take is named from the table; an unknown short one by optopt.
 * argv[optind - 1] is read only for a long option, the one case where every
 * getopt has moved optind past the word it rejected.
 */
static int
bad_option(int argc, char **argv, int opt)
{
	char name[64], *word, *eq;
	size_t len;

	if (opt != 0) {
		if (opt < OPT_SETTING &&
		    (opt == ':' || opt == '+' || strchr(cur_shortopts, opt) == NULL))
			msg_err("unknown option '-%c'", opt);
		else
			msg_err("option %s takes no value", option_name(opt, name, sizeof(name)));
		return CLI_EUSAGE;
	}
	word = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;
	if (word == NULL || strncmp(word, "--", 2) != 0) {
		msg_err("unknown option");
		return CLI_EUSAGE;
	}
	if ((eq = strchr(word, '=')) != NULL)
		secret_wipe(eq + 1, strlen(eq + 1));
	len = eq != NULL ? (size_t)(eq - word - 2) : strlen(word + 2);
	unknown_long(word + 2, (int)(len < 62 ? len : 62),
		     eq != NULL ? " (its value is not shown)" : "");
	return CLI_EUSAGE;
}

/*
 * -f, --json and --export all choose the output format: one of them, as
 * often as it likes, but not two (which would win is a guess).
 */
static int
choose_format(struct config_args *args, int *by, int opt, const char *format)
{
	char a[64], b[64];

	if (*by != 0 && *by != opt) {
		msg_err("options %s and %s both choose the output format; keep one",
			option_name(*by, a, sizeof(a)), option_name(opt, b, sizeof(b)));
		return CLI_EUSAGE;
	}
	*by = opt;
	args->flag[SET_FORMAT] = format;
	return CLI_OK;
}

/* an option that names a setting: its raw text, or our copy of a secret */
static int
set_setting(struct cli *cli, struct config_args *args, int set)
{
	if (set == SET_CLIENT_SECRET) {
		/* keep our copy, then blank it where ps(1) would show it */
		secret_free(cli->secret);
		if ((cli->secret = strdup(optarg)) == NULL)
			return CLI_ENOMEM;
		secret_wipe(optarg, strlen(optarg));
		args->flag[set] = cli->secret;
	} else {
		args->flag[set] = optarg;
	}
	return CLI_OK;
}

static int parse_api(struct cli *cli, struct config_args *args, int argc, char **argv);

static int
parse(struct cli *cli, struct config_args *args, int argc, char **argv)
{
	char name[64];
	int c, format_by = 0;

	if (argc > 1 && strcmp(argv[1], "api") == 0)
		return parse_api(cli, args, argc - 1, argv + 1);

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (choose_format(args, &format_by, c, optarg) != CLI_OK)
				return CLI_EUSAGE;
			break;
		case 'h':
			return CLI_HELP;
		case 'q':
			cli->quiet = 1;
			break;
		case 'V':
			return CLI_VERSION;
		case 'v':
			cli->verbose++;
			break;
		case OPT_CONFIG:
			args->file = optarg;
			break;
		case OPT_EXPORT:
			if (choose_format(args, &format_by, c, "export") != CLI_OK)
				return CLI_EUSAGE;
			break;
		case OPT_FORGET:
			cli->forget = 1;
			break;
		case OPT_JSON:
			if (choose_format(args, &format_by, c, "json") != CLI_OK)
				return CLI_EUSAGE;
			break;
		case OPT_KEEP_FRESH:
			cli->keep_fresh = 1;
			break;
		case OPT_LIST_PROFILES:
			cli->list_profiles = 1;
			break;
		case OPT_NO_CACHE:
			args->flag[SET_CACHE] = "no";
			break;
		case OPT_PRINT_TABLES:
			return CLI_TABLES;
		case OPT_PROFILE:
			args->profile = optarg;
			break;
		case OPT_REFRESH:
			cli->refresh = 1;
			break;
		case OPT_REJECTED:
			cli->rejected = 1;
			break;
		case OPT_SHOW_CONFIG:
			cli->show_config = 1;
			break;
		case OPT_STATUS:
			cli->status = 1;
			break;
		case ':':
			msg_err("option %s needs a value", option_name(optopt, name, sizeof(name)));
			return CLI_EUSAGE;
		case '?':
			return bad_option(argc, argv, optopt);
		default:
			if (set_setting(cli, args, c - OPT_SETTING) != CLI_OK)
				return CLI_ENOMEM;
			break;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0) {
			msg_err("unexpected argument '%s' (a command goes after '--')",
				argv[optind]);
			return CLI_EUSAGE;
		}
		cli->command = argv + optind;
	}
	/* COMMAND gets the token in its environment: a format would print nothing */
	if (cli->command != NULL && format_by != 0) {
		msg_err("option %s has no meaning with a command after '--'",
			option_name(format_by, name, sizeof(name)));
		return CLI_EUSAGE;
	}
	if (cli->keep_fresh && cli->command == NULL) {
		msg_err("option '--keep-fresh' needs a command after '--'");
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

/*
 * nitro-token api [options] [METHOD] PATH: the api command's table, then
 * the settings' options and the general ones that make sense for a call.
 */
static int
parse_api(struct cli *cli, struct config_args *args, int argc, char **argv)
{
	static struct option table[sizeof(api_longopts) / sizeof(api_longopts[0]) +
				   sizeof(longopts) / sizeof(longopts[0])];
	const struct option *o;
	struct api_args *a;
	char name[64];
	size_t n;
	int c;

	usage_of_api = 1;
	for (n = 0; n < sizeof(api_longopts) / sizeof(api_longopts[0]); n++)
		table[n] = api_longopts[n];
	for (o = longopts; o->name != NULL; o++)
		if ((o->val >= OPT_SETTING && o->val < OPT_CONFIG) || o->val == OPT_CONFIG ||
		    o->val == OPT_NO_CACHE || o->val == OPT_PROFILE || o->val == OPT_REFRESH ||
		    o->val == 'h' || o->val == 'q' || o->val == 'v')
			table[n++] = *o;
	cur_shortopts = api_shortopts;
	cur_longopts = table;
	/* one block: the arguments, then room for every word as a header or a part */
	if ((a = calloc(1, sizeof(*a) + 2 * (size_t)argc * sizeof(char *))) == NULL)
		return CLI_ENOMEM;
	cli->api = a;
	a->headers = (const char **)(a + 1);
	a->forms = a->headers + argc;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, api_shortopts, table, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (a->data != NULL) {
				msg_err("option '--data' (-d) given twice; a call has one body");
				return CLI_EUSAGE;
			}
			a->data = optarg;
			break;
		case 'F':
			a->forms[a->nforms++] = optarg;
			break;
		case 'H':
			a->headers[a->nheaders++] = optarg;
			break;
		case 'h':
			return CLI_HELP;
		case 'i':
			a->include = 1;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'q':
			cli->quiet = 1;
			break;
		case 'v':
			cli->verbose++;
			break;
		case OPT_CONFIG:
			args->file = optarg;
			break;
		case OPT_NO_CACHE:
			args->flag[SET_CACHE] = "no";
			break;
		case OPT_PAGINATE:
			a->paginate = 1;
			break;
		case OPT_PROFILE:
			args->profile = optarg;
			break;
		case OPT_REFRESH:
			cli->refresh = 1;
			break;
		case OPT_STALL_TIMEOUT:
			a->stall = optarg;
			break;
		case ':':
			msg_err("option %s needs a value", option_name(optopt, name, sizeof(name)));
			return CLI_EUSAGE;
		case '?':
			return bad_option(argc, argv, optopt);
		default:
			if (set_setting(cli, args, c - OPT_SETTING) != CLI_OK)
				return CLI_ENOMEM;
			break;
		}
	}
	switch (argc - optind) {
	case 0:
		msg_err("api: no PATH to call");
		return CLI_EUSAGE;
	case 1:
		a->path = argv[optind];
		break;
	case 2:
		a->method = argv[optind];
		a->path = argv[optind + 1];
		break;
	default:
		msg_err("api: unexpected argument '%s' (one METHOD, one PATH)", argv[optind + 2]);
		return CLI_EUSAGE;
	}
	return CLI_OK;
}

/*
 * argv into cli and, for the options that name a setting, args (which
 * borrows from argv and from cli).  A usage error is worded with the advice
 * to ask --help.
 */
int
cli_parse(struct cli *cli, struct config_args *args, int argc, char **argv)
{
	int rc;

	memset(cli, 0, sizeof(*cli));
	memset(args, 0, sizeof(*args));
	switch (rc = parse(cli, args, argc, argv)) {
	case CLI_EUSAGE:
		fprintf(stderr, "Try '%s%s --help' for more information.\n", PROGNAME,
			usage_of_api ? " api" : "");
		break;
	case CLI_ENOMEM:
		msg_err("out of memory");
		break;
	}
	return rc;
}

void
cli_release(struct cli *cli)
{
	if (cli == NULL)
		return;
	secret_free(cli->secret);
	cli->secret = NULL;
	if (cli->api != NULL) {
		free(cli->api);
		cli->api = NULL;
	}
}
