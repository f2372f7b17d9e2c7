/* SPDX-License-Identifier: MIT */
/*
 * Settings from every source, merged in one order: command-line flag, then
 * environment variable, then the selected profile of the config file, then
 * the built-in default.  Each value remembers its source, for --show-config
 * and for the exit status of a bad value (2 from a flag, 3 from elsewhere).
 *
 * The config file is INI, and inih alone decides what its lines mean: which
 * line is a section header, what a section is called, what a key and its
 * value are.  Our line reader only counts lines, so that every error and
 * every value can say FILE:LINE, and refuses lines too long for inih's
 * buffer.  To learn of every section, even one that sets nothing, the reader
 * follows each line with a probe key, and inih reports the probe in the
 * section it is in (or as a continuation of the line before, which we refuse:
 * an indented line is never what it looks like).  Every section is checked,
 * not only the selected one, so that a typo anywhere is an error rather than
 * a setting silently dropped.
 *
 * Whoever can write the config file decides where the secret is sent, so the
 * file must be owned by us or root and writable by nobody else, and one
 * holding a secret must be private to its owner, as OpenSSH requires.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "cache.h"
#include "config.h"
#include "http.h"
#include "msg.h"
#include "secret.h"
#include "token.h"

#define DEFAULT_BASE_URL "https://api.gonitro.dev"
#define PROFILES_MAX	 64
#define PROFILE_MAX	 48 /* inih keeps 49 bytes of a section name: longer ones are cut */

/*
 * F_SECRET: the value is a secret; F_NAMES_SECRET: it says where one is;
 * F_SOURCE: a source of the client secret, loaded by secret.c as .kind
 */
enum { F_PATH = 1, F_SECRET = 2, F_NAMES_SECRET = 4, F_SOURCE = 8 };

static const struct {
	const char *name;   /* long option and config key */
	const char *env[3]; /* variables, the first one winning; NITRO_ + NAME first */
	const char *def;    /* the cache directory's is cache.c's */
	int flags;
	enum secret_kind kind; /* with F_SOURCE */
} settings[SET_COUNT] = {
    [SET_BASE_URL] = {"base-url", {"NITRO_BASE_URL"}, DEFAULT_BASE_URL, 0},
    /* curl's own variables, after ours, as curl reads them */
    [SET_CACERT] = {"cacert", {"NITRO_CACERT", "CURL_CA_BUNDLE", "SSL_CERT_FILE"}, NULL, F_PATH},
    [SET_CACHE] = {"cache", {"NITRO_CACHE"}, "yes", 0},
    [SET_CACHE_DIR] = {"cache-dir", {"NITRO_CACHE_DIR", "NITRO_TOKEN_CACHE_DIR"}, NULL, F_PATH},
    [SET_CAPATH] = {"capath", {"NITRO_CAPATH", "SSL_CERT_DIR"}, NULL, F_PATH},
    [SET_CLIENT_ID] = {"client-id", {"NITRO_CLIENT_ID"}, NULL, 0},
    [SET_CLIENT_SECRET] =
	{"client-secret", {"NITRO_CLIENT_SECRET"}, NULL, F_SECRET | F_SOURCE, SECRET_GIVEN},
    [SET_CLIENT_SECRET_COMMAND] = {"client-secret-command",
				   {"NITRO_CLIENT_SECRET_COMMAND"},
				   NULL,
				   F_NAMES_SECRET | F_SOURCE,
				   SECRET_COMMAND},
    [SET_CLIENT_SECRET_FILE] =
	{"client-secret-file", {"NITRO_CLIENT_SECRET_FILE"}, NULL, F_PATH | F_SOURCE, SECRET_FILE},
    [SET_CONNECT_TIMEOUT] = {"connect-timeout", {"NITRO_CONNECT_TIMEOUT"}, "10", 0},
    [SET_FORMAT] = {"format", {"NITRO_FORMAT"}, "token", 0},
    [SET_MIN_TTL] = {"min-ttl", {"NITRO_MIN_TTL"}, "300", 0},
    [SET_RETRIES] = {"retries", {"NITRO_RETRIES"}, "2", 0},
    [SET_TIMEOUT] = {"timeout", {"NITRO_TIMEOUT"}, "30", 0},
};

/*
 * Typos: the edit distance of git's help.autocorrect, simplified to the
 * optimal string alignment (an insertion, a deletion, a substitution or a
 * swap of two neighbours each count one), over names of at most 32 bytes.
 */
#define TYPO_MAX 32

static size_t
distance(const char *a, size_t la, const char *b)
{
	size_t d[TYPO_MAX + 1][TYPO_MAX + 1], lb = strlen(b), i, j, c, best;

	if (la > TYPO_MAX || lb > TYPO_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = tolower((unsigned char)a[i - 1]) != b[j - 1];
			best = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/*
 * The one name near enough to word[0..len) to be what was meant: the last
 * part of a name ("secret" for client-secret), else one two edits away, or
 * three for a word of five bytes or more that starts as the name does; the
 * first of the nearest, in the order of names.  NULL when none is that near.
 */
const char *
config_nearest(const char *word, size_t len, const char *const *names, size_t n)
{
	size_t i, d, best = 3, ln;
	const char *near = NULL;

	for (i = 0; i < n && len > 0; i++) {
		ln = strlen(names[i]);
		if (ln > len && names[i][ln - len - 1] == '-' &&
		    strncasecmp(names[i] + ln - len, word, len) == 0)
			return names[i];
	}
	for (i = 0; i < n; i++) {
		d = distance(word, len, names[i]);
		if (d == 3 && (len < 5 || tolower((unsigned char)word[0]) != names[i][0]))
			continue;
		if (d <= best && (near == NULL || d < best)) {
			best = d;
			near = names[i];
		}
	}
	return near;
}

/* "--base-url", "NITRO_BASE_URL" or "FILE:LINE: base-url": where to look */
static const char *
where(const struct config *cfg, const struct value *v, const char *name, char *out, size_t n)
{
	switch (v->src) {
	case SRC_FLAG:
		snprintf(out, n, "--%s", name);
		break;
	case SRC_ENV:
		snprintf(out, n, "%s", v->env);
		break;
	case SRC_FILE:
		snprintf(out, n, "%s:%d: %s", cfg->file.s, v->line, name);
		break;
	default:
		snprintf(out, n, "%s", name);
		break;
	}
	return out;
}

static int
bad_value(const struct config *cfg, enum setting s, const char *why)
{
	char w[PATH_MAX + 64];

	msg_err("%s: %s", where(cfg, &cfg->v[s], settings[s].name, w, sizeof(w)), why);
	return cfg->v[s].src == SRC_FLAG ? CONFIG_EUSAGE : CONFIG_EINVALID;
}

static int
set_value(struct value *v, const char *s, enum source src, int line, const char *env)
{
	char *copy;

	if ((copy = strdup(s)) == NULL)
		return CONFIG_ENOMEM;
	secret_free(v->s);
	v->s = copy;
	v->src = src;
	v->line = line;
	v->env = env;
	return CONFIG_OK;
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h == '/')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
}

/*
 * A path written in the config file: "~/x" is under $HOME, a relative path
 * is relative to the config file's directory (not to wherever the command
 * happens to run), "-" and absolute paths stay as they are.
 */
static char *
file_path(const char *conf, const char *path)
{
	const char *slash = strrchr(conf, '/');
	char *out;
	int n;

	if (strncmp(path, "~/", 2) == 0)
		n = asprintf(&out, "%s/%s", home_dir(), path + 2);
	else if (*path == '/' || strcmp(path, "-") == 0 || slash == NULL)
		n = asprintf(&out, "%s", path);
	else
		n = asprintf(&out, "%.*s/%s", (int)(slash - conf), conf, path);
	return n < 0 ? NULL : out;
}

/* $XDG_<kind>_HOME/nitro-token/<leaf>, else ~/<fallback>/nitro-token/<leaf> */
static char *
xdg_path(const char *var, const char *fallback, const char *leaf)
{
	const char *base = getenv(var);
	char *out;
	int n;

	if (base != NULL && *base == '/')
		n = asprintf(&out, "%s/nitro-token%s", base, leaf);
	else
		n = asprintf(&out, "%s/%s/nitro-token%s", home_dir(), fallback, leaf);
	return n < 0 ? NULL : out;
}

/* ---- the config file ---- */

struct parse {
	struct config *cfg;
	FILE *fp;
	int line;		  /* the last line read from the file */
	int probe;		  /* the next line inih gets is the probe */
	char err[PATH_MAX + 256]; /* the first error, with FILE:LINE */
	int errline;
	int has_secret; /* any section sets client-secret */
	char profiles[PROFILES_MAX][PROFILE_MAX + 1];
	int nprofiles;
	int found; /* the selected profile exists */
};

/* a key no config file can hold: it has a control character */
#define PROBE_KEY "\001probe"
#define PROBE	  PROBE_KEY "=1\n"

static void parse_error(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
parse_error(struct parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, sizeof(p->err), "%s:%d: %s", p->cfg->file.s, p->line, msg);
	p->errline = p->line;
}

/* inih says we are in section name: note it, once */
static void
note_profile(struct parse *p, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < p->nprofiles; i++)
		if (strcmp(p->profiles[i], name) == 0)
			return;
	/* inih cuts longer names to fit its buffer: refuse rather than guess */
	if (n > PROFILE_MAX) {
		parse_error(p, "profile name is longer than %d bytes", PROFILE_MAX);
		return;
	}
	if (n > 0 && (isspace((unsigned char)name[0]) || isspace((unsigned char)name[n - 1]))) {
		parse_error(p, "profile name '%s' starts or ends with a blank", name);
		return;
	}
	if (p->nprofiles == PROFILES_MAX) {
		parse_error(p, "more than %d profiles", PROFILES_MAX);
		return;
	}
	snprintf(p->profiles[p->nprofiles++], sizeof(p->profiles[0]), "%s", name);
	if (strcmp(name, p->cfg->profile.s) == 0)
		p->found = 1;
}

/*
 * inih's line reader: every line of the file, each followed by the probe.
 * A line longer than inih's buffer would be split silently; it is an error.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	size_t n;

	if (p->err[0] != '\0')
		return NULL;
	if (p->probe) {
		p->probe = 0;
		snprintf(str, (size_t)num, "%s", PROBE);
		return str;
	}
	if (fgets(str, num, p->fp) == NULL)
		return NULL;
	p->line++;
	p->probe = 1;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->fp)) {
		parse_error(p, "line is longer than %d bytes", num - 2);
		return NULL;
	}
	return str;
}

/* the config key nearest to a mistyped one, or NULL */
static const char *
nearest_key(const char *name)
{
	const char *names[SET_COUNT];
	int i;

	for (i = 0; i < SET_COUNT; i++)
		names[i] = settings[i].name;
	return config_nearest(name, strlen(name), names, SET_COUNT);
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct value *v;
	int i;

	if (strcmp(name, PROBE_KEY) == 0) {
		if (strcmp(value, "1") != 0) {
			/* inih took the line for the continuation of the one before */
			parse_error(p, "line starts with a blank; indent nothing");
			return 0;
		}
		if (*section != '\0')
			note_profile(p, section);
		return p->err[0] == '\0';
	}
	if (*section == '\0') {
		parse_error(p, "'%s' is outside a [profile] section", name);
		return 0;
	}
	for (i = 0; i < SET_COUNT; i++)
		if (strcmp(name, settings[i].name) == 0)
			break;
	if (i == SET_COUNT) {
		const char *near = nearest_key(name);

		if (near != NULL)
			parse_error(p, "unknown key '%s'; did you mean '%s'?", name, near);
		else
			parse_error(p, "unknown key '%s'", name);
		return 0;
	}
	/* a file naming the command that prints the secret must be as private */
	if (settings[i].flags & (F_SECRET | F_NAMES_SECRET))
		p->has_secret = 1;
	v = &p->cfg->v[i];
	if (strcmp(section, p->cfg->profile.s) != 0)
		;
	else if (v->src == SRC_FILE)
		parse_error(p, "'%s' is set twice in this profile", name);
	else if (set_value(v, value, SRC_FILE, p->line, NULL) != CONFIG_OK)
		parse_error(p, "%s", "out of memory");
	/* value points into inih's line buffer, which is ours to wipe */
	if (settings[i].flags & F_SECRET)
		secret_wipe((char *)value, strlen(value));
	return p->err[0] == '\0';
}

/*
 * OpenSSH's rule for its config files: owned by us or root, writable by
 * nobody else; and for key files, applied to one that holds a secret:
 * owned by us and readable by nobody else.
 */
static int
check_owner(const char *path, const struct stat *st, int has_secret)
{
	uid_t me = geteuid();

	if (st->st_uid != me && st->st_uid != 0) {
		msg_err("%s: config file is owned by uid %lu, not by you or root; "
			"run: chown %lu '%s'",
			path, (unsigned long)st->st_uid, (unsigned long)me, path);
		return CONFIG_EINVALID;
	}
	if ((st->st_mode & 022) != 0) {
		msg_err("%s: others may write to the config file (mode %04o); run: chmod go-w '%s'",
			path, (unsigned)(st->st_mode & 07777), path);
		return CONFIG_EINVALID;
	}
	if (!has_secret)
		return CONFIG_OK;
	if (st->st_uid != me) {
		msg_err("%s: holds client-secret but is not owned by you; "
			"run: chown %lu '%s' && chmod 600 '%s'",
			path, (unsigned long)me, path, path);
		return CONFIG_EINVALID;
	}
	if ((st->st_mode & 077) != 0) {
		msg_err("%s: holds client-secret but others may read it (mode %04o); "
			"run: chmod 600 '%s'",
			path, (unsigned)(st->st_mode & 07777), path);
		return CONFIG_EINVALID;
	}
	return CONFIG_OK;
}

/* a bad --config or --profile is a usage error; from elsewhere, a config one */
static int
file_status(const struct config *cfg)
{
	return cfg->file.src == SRC_FLAG || cfg->profile.src == SRC_FLAG ? CONFIG_EUSAGE
									 : CONFIG_EINVALID;
}

static int
parse_file(struct config *cfg, FILE *fp, const struct stat *st, struct parse *p)
{
	int lineno, i;

	p->cfg = cfg;
	p->fp = fp;
	lineno = ini_parse_stream(read_line, p, on_key, p);
	/* inih counts the probes as lines too: its line n is our (n + 1) / 2 */
	if (lineno > 0)
		lineno = (lineno + 1) / 2;
	/* inih reports its own first error by line; ours may come later */
	if (p->err[0] != '\0' && (lineno <= 0 || p->errline <= lineno)) {
		msg_err("%s", p->err);
		return CONFIG_EINVALID;
	}
	if (lineno > 0) {
		msg_err("%s:%d: expected 'key = value' or '[profile]'", cfg->file.s, lineno);
		return CONFIG_EINVALID;
	}
	if (lineno < 0 || ferror(fp)) {
		msg_err("cannot read config file '%s'", cfg->file.s);
		return CONFIG_EINVALID;
	}
	if ((i = check_owner(cfg->file.s, st, p->has_secret)) != CONFIG_OK)
		return i;
	if (!p->found && cfg->profile.src != SRC_DEFAULT) {
		struct buf names = BUF_INIT(sizeof(p->profiles));

		for (i = 0; i < p->nprofiles; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", p->profiles[i]);
		msg_err("profile '%s' not found in %s (profiles: %s)", cfg->profile.s, cfg->file.s,
			names.len ? names.data : "none");
		buf_release(&names);
		return file_status(cfg);
	}
	return CONFIG_OK;
}

/*
 * Open without blocking (a FIFO with no writer must not hang us), refuse
 * anything but a regular file, and read through a stdio buffer of ours, so
 * that it can be wiped: the file may hold the secret.  p learns the
 * profiles there are.
 */
static int
read_config_file(struct config *cfg, struct parse *p)
{
	char iobuf[BUFSIZ];
	struct stat st;
	int fd, rc;
	FILE *fp;

	if ((fd = open(cfg->file.s, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		if (errno == ENOENT && cfg->file.src == SRC_DEFAULT &&
		    cfg->profile.src == SRC_DEFAULT)
			return CONFIG_OK;
		msg_err("cannot read config file '%s': %s", cfg->file.s, strerror(errno));
		return file_status(cfg);
	}
	if ((rc = fstat(fd, &st)) != 0 || !S_ISREG(st.st_mode)) {
		msg_err("cannot read config file '%s': %s", cfg->file.s,
			rc != 0 ? strerror(errno) : "not a regular file");
		close(fd);
		return file_status(cfg);
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return CONFIG_ENOMEM;
	}
	setvbuf(fp, iobuf, _IOFBF, sizeof(iobuf));
	cfg->file_found = 1;
	rc = parse_file(cfg, fp, &st, p);
	fclose(fp);
	secret_wipe(iobuf, sizeof(iobuf));
	return rc;
}

/* ---- checks and conversions ---- */

static int
parse_long(struct config *cfg, enum setting s, long min, long max, long *out)
{
	const char *str = cfg->v[s].s;
	char *end, why[96];
	long n;

	errno = 0;
	n = strtol(str, &end, 10);
	if (errno != 0 || end == str || *end != '\0' || n < min || n > max || !isdigit(*str)) {
		snprintf(why, sizeof(why), "'%.32s' is not a whole number from %ld to %ld", str,
			 min, max);
		return bad_value(cfg, s, why);
	}
	*out = n;
	return CONFIG_OK;
}

/* the one parser of a yes-or-no setting: these words, in any case */
static const char *const yes_words[] = {"yes", "true", "on", "1", NULL};
static const char *const no_words[] = {"no", "false", "off", "0", NULL};

/* "yes, true, on or 1": the list, as the message and the documents say it */
static void
word_list(struct buf *b, const char *const *w)
{
	int i;

	for (i = 0; w[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? "" : w[i + 1] != NULL ? ", " : " or ", w[i]);
}

static int
parse_bool(struct config *cfg, enum setting s, int *out)
{
	struct buf why = BUF_INIT(256);
	int i;

	for (i = 0; yes_words[i] != NULL; i++) {
		if (strcasecmp(cfg->v[s].s, yes_words[i]) == 0)
			return *out = 1, CONFIG_OK;
		if (strcasecmp(cfg->v[s].s, no_words[i]) == 0)
			return *out = 0, CONFIG_OK;
	}
	buf_puts(&why, "expected ");
	word_list(&why, yes_words);
	buf_puts(&why, " to turn it on, ");
	word_list(&why, no_words);
	buf_puts(&why, " to turn it off (in any case)");
	i = bad_value(cfg, s, why.data != NULL ? why.data : "expected yes or no");
	buf_release(&why);
	return i;
}

/* where the secret may go is http.c's rule; the token path is appended here */
static int
check_base_url(struct config *cfg)
{
	const char *url = cfg->v[SET_BASE_URL].s;
	char why[96];
	size_t n;

	if (http_check_base_url(url, why, sizeof(why)) != 0)
		return bad_value(cfg, SET_BASE_URL, why);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (asprintf(&cfg->token_url, "%.*s/oauth/token", (int)n, url) < 0)
		return CONFIG_ENOMEM;
	return CONFIG_OK;
}

/*
 * The one secret source at the highest level that has one: the secret
 * itself, a file, or a command.  Two at that level is an error; those below
 * it are dropped, whatever they are.  What won is described in cfg->secret
 * for secret.c, which loads it.
 */
static int
check_secret_sources(struct config *cfg)
{
	char a[PATH_MAX + 64], b[PATH_MAX + 64];
	struct value *v, *best = NULL;
	enum setting s, best_s = SET_CLIENT_SECRET;

	for (s = 0; s < SET_COUNT; s++) {
		v = &cfg->v[s];
		if (!(settings[s].flags & F_SOURCE) || v->s == NULL || v->overridden)
			continue;
		if (best != NULL && v->src == best->src) {
			/* named in the order of their kinds: the secret, a file, a command */
			int swap = settings[s].kind < settings[best_s].kind;

			where(cfg, best, settings[best_s].name, swap ? b : a, sizeof(a));
			where(cfg, v, settings[s].name, swap ? a : b, sizeof(b));
			msg_err("%s and %s both give the client secret; keep one", a, b);
			return v->src == SRC_FLAG ? CONFIG_EUSAGE : CONFIG_EINVALID;
		}
		if (best == NULL || v->src > best->src) {
			best = v;
			best_s = s;
		}
	}
	/* the others stay, to be shown as overridden; a secret's value goes */
	for (s = 0; s < SET_COUNT; s++) {
		v = &cfg->v[s];
		if ((settings[s].flags & F_SOURCE) && v != best && v->s != NULL) {
			v->overridden = 1;
			if (settings[s].flags & F_SECRET) {
				secret_free(v->s);
				v->s = NULL;
			}
		}
	}
	cfg->secret_setting = best_s;
	if (best != NULL) {
		cfg->secret.kind = settings[best_s].kind;
		cfg->secret.text = best->s;
		cfg->secret.where = where(cfg, best, settings[best_s].name, cfg->secret_where,
					  sizeof(cfg->secret_where));
	}
	return CONFIG_OK;
}

/* "unknown format; use a, b or c", from the one list of format names */
static int
bad_format(struct config *cfg)
{
	struct buf why = BUF_INIT(256);
	int i;

	buf_puts(&why, "unknown format; use ");
	for (i = 0; output_format_names[i] != NULL; i++)
		buf_printf(&why, "%s%s",
			   i == 0			? ""
			   : output_format_names[i + 1] ? ", "
							: " or ",
			   output_format_names[i]);
	i = bad_value(cfg, SET_FORMAT, why.data);
	buf_release(&why);
	return i;
}

/* a CA file or directory named must be there, or every fetch would fail */
static int
check_ca(struct config *cfg, enum setting s, int want_dir)
{
	struct stat st;
	char why[128];

	if (cfg->v[s].s == NULL)
		return CONFIG_OK;
	if (stat(cfg->v[s].s, &st) != 0) {
		snprintf(why, sizeof(why), "cannot use '%s': %s", cfg->v[s].s, strerror(errno));
		return bad_value(cfg, s, why);
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : S_ISDIR(st.st_mode))
		return bad_value(cfg, s, want_dir ? "not a directory" : "is a directory");
	return CONFIG_OK;
}

static int
convert(struct config *cfg)
{
	const char *id = cfg->v[SET_CLIENT_ID].s;
	char why[64];
	int rc;

	if (output_format_parse(cfg->v[SET_FORMAT].s, &cfg->format) != 0)
		return bad_format(cfg);
	if ((rc = parse_long(cfg, SET_CONNECT_TIMEOUT, 1, 3600, &cfg->connect_timeout)) ||
	    (rc = parse_long(cfg, SET_TIMEOUT, 1, 3600, &cfg->timeout)) ||
	    (rc = parse_long(cfg, SET_RETRIES, 0, 10, &cfg->retries)) ||
	    (rc = parse_long(cfg, SET_MIN_TTL, 0, 86400, &cfg->min_ttl)) ||
	    (rc = parse_bool(cfg, SET_CACHE, &cfg->cache)) || (rc = check_base_url(cfg)) ||
	    (rc = check_ca(cfg, SET_CACERT, 0)) || (rc = check_ca(cfg, SET_CAPATH, 1)) ||
	    (rc = check_secret_sources(cfg)))
		return rc;
	if (id != NULL && strlen(id) > CLIENT_ID_MAX) {
		snprintf(why, sizeof(why), "client ID is longer than %d bytes", CLIENT_ID_MAX);
		return bad_value(cfg, SET_CLIENT_ID, why);
	}
	if (cfg->v[SET_CLIENT_SECRET].s != NULL &&
	    strlen(cfg->v[SET_CLIENT_SECRET].s) > SECRET_MAX) {
		snprintf(why, sizeof(why), "client secret is longer than %d bytes", SECRET_MAX);
		return bad_value(cfg, SET_CLIENT_SECRET, why);
	}
	return CONFIG_OK;
}

/* the first of the setting's variables that is set and not empty */
static int
from_env(struct config *cfg, enum setting s)
{
	const char *val;
	int i;

	for (i = 0; i < 3 && settings[s].env[i] != NULL; i++) {
		/* an empty variable counts as unset, as CI systems set missing secrets so */
		if ((val = getenv(settings[s].env[i])) != NULL && *val != '\0')
			return set_value(&cfg->v[s], val, SRC_ENV, 0, settings[s].env[i]);
	}
	return CONFIG_OK;
}

/* where the config file is and which profile, before anything is read from it */
static int
locate_file(struct config *cfg, const struct config_args *args)
{
	const char *env;
	char *path;
	int rc;

	if (args->file != NULL)
		rc = set_value(&cfg->file, args->file, SRC_FLAG, 0, NULL);
	else if ((env = getenv("NITRO_CONFIG")) != NULL && *env != '\0')
		rc = set_value(&cfg->file, env, SRC_ENV, 0, "NITRO_CONFIG");
	else if ((path = xdg_path("XDG_CONFIG_HOME", ".config", "/config")) != NULL) {
		rc = set_value(&cfg->file, path, SRC_DEFAULT, 0, NULL);
		free(path);
	} else
		rc = CONFIG_ENOMEM;
	if (rc != CONFIG_OK)
		return rc;
	if (args->profile != NULL)
		rc = set_value(&cfg->profile, args->profile, SRC_FLAG, 0, NULL);
	else if ((env = getenv("NITRO_PROFILE")) != NULL && *env != '\0')
		rc = set_value(&cfg->profile, env, SRC_ENV, 0, "NITRO_PROFILE");
	else
		rc = set_value(&cfg->profile, "default", SRC_DEFAULT, 0, NULL);
	if (rc != CONFIG_OK)
		return rc;
	if (cfg->file.s[0] == '\0') {
		msg_err("--config: value is empty");
		return CONFIG_EUSAGE;
	}
	if (cfg->profile.s[0] == '\0') {
		msg_err("--profile: value is empty");
		return CONFIG_EUSAGE;
	}
	return CONFIG_OK;
}

/* the built-in default of setting i, where it has one */
static int
from_default(struct config *cfg, enum setting i)
{
	char *dir;
	int rc;

	if (settings[i].def != NULL)
		return set_value(&cfg->v[i], settings[i].def, SRC_DEFAULT, 0, NULL);
	if (i != SET_CACHE_DIR)
		return CONFIG_OK;
	/* the cache knows where it lives */
	if ((dir = cache_default_dir(home_dir())) == NULL)
		return CONFIG_ENOMEM;
	rc = set_value(&cfg->v[i], dir, SRC_DEFAULT, 0, NULL);
	free(dir);
	return rc;
}

/* a failure's class, worded here when it is out of memory */
static int
status(int rc)
{
	if (rc == CONFIG_ENOMEM)
		msg_err("out of memory");
	return rc;
}

static int
load(struct config *cfg, const struct config_args *args, struct parse *p)
{
	struct value *v;
	char *path;
	int i, rc;

	if ((rc = locate_file(cfg, args)) != CONFIG_OK ||
	    (rc = read_config_file(cfg, p)) != CONFIG_OK)
		return rc;
	for (i = 0; i < SET_COUNT; i++) {
		v = &cfg->v[i];
		if (args->flag[i] != NULL)
			rc = set_value(v, args->flag[i], SRC_FLAG, 0, NULL);
		else if ((rc = from_env(cfg, i)) == CONFIG_OK && v->s == NULL)
			rc = from_default(cfg, i);
		if (rc != CONFIG_OK)
			return rc;
		/* empty means missing, wherever it was written */
		if (v->s != NULL && v->s[0] == '\0')
			return bad_value(cfg, i, "value is empty");
		if (v->s != NULL && v->src == SRC_FILE && (settings[i].flags & F_PATH)) {
			if ((path = file_path(cfg->file.s, v->s)) == NULL)
				return CONFIG_ENOMEM;
			secret_free(v->s);
			v->s = path;
		}
	}
	return convert(cfg);
}

/*
 * Every setting from the highest source that has it: flag, environment,
 * the config file's profile, built-in default; then checked and converted.
 */
int
config_load(struct config *cfg, const struct config_args *args)
{
	struct parse *p;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return status(CONFIG_ENOMEM);
	rc = load(cfg, args, p);
	free(p);
	/* about the secret that is used, once it is known to be usable */
	if (rc == CONFIG_OK && cfg->secret.kind == SECRET_GIVEN && cfg->secret.text != NULL &&
	    cfg->v[SET_CLIENT_SECRET].src == SRC_FLAG)
		msg_warn("--client-secret can be read by other local users; "
			 "prefer --client-secret-file or NITRO_CLIENT_SECRET");
	return status(rc);
}

/*
 * The profiles of the config file that the command line would read, one a
 * line, as inih sees them: the completions ask us rather than parse INI.
 */
int
config_list_profiles(const struct config_args *args, FILE *out)
{
	struct config cfg;
	struct parse *p;
	int i, rc;

	memset(&cfg, 0, sizeof(cfg));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return status(CONFIG_ENOMEM);
	if ((rc = locate_file(&cfg, args)) == CONFIG_OK) {
		cfg.profile.src = SRC_DEFAULT; /* listing selects none of them */
		rc = read_config_file(&cfg, p);
	}
	for (i = 0; rc == CONFIG_OK && i < p->nprofiles; i++)
		fprintf(out, "%s\n", p->profiles[i]);
	free(p);
	config_release(&cfg);
	return status(rc);
}

/* both credentials are there: the client ID and a source of the secret */
int
config_check_credentials(const struct config *cfg)
{
	if (cfg->v[SET_CLIENT_ID].s == NULL) {
		msg_err("no client ID: use --client-id, NITRO_CLIENT_ID or client-id "
			"in the config file");
		return CONFIG_EINVALID;
	}
	if (cfg->secret.text == NULL) {
		msg_err(
		    "no client secret: use --client-secret-file, --client-secret-command, "
		    "NITRO_CLIENT_SECRET_FILE, NITRO_CLIENT_SECRET, or client-secret-file in the "
		    "config file");
		return CONFIG_EINVALID;
	}
	return CONFIG_OK;
}

/*
 * After the server refused the credentials: where each came from, so that
 * the user knows which to check.  Neither value is shown: the ID may be a
 * secret pasted in the wrong place, and the secret file's path is hidden
 * on stderr too.
 */
void
config_hint_credentials(const struct config *cfg)
{
	char id[PATH_MAX + 64];

	msg_err("check the client ID (from %s) and secret (from %s)",
		where(cfg, &cfg->v[SET_CLIENT_ID], settings[SET_CLIENT_ID].name, id, sizeof(id)),
		cfg->secret.where != NULL ? cfg->secret.where : "nowhere");
}

/* after a 404 or a web page: the base URL, and where it came from */
void
config_hint_base_url(const struct config *cfg)
{
	const struct value *v = &cfg->v[SET_BASE_URL];
	char w[PATH_MAX + 64];

	if (v->src == SRC_DEFAULT)
		msg_err("check the base URL '%s' (the default; set another with --base-url or "
			"NITRO_BASE_URL)",
			v->s);
	else
		msg_err("check the base URL '%s' (from %s)", v->s,
			where(cfg, v, settings[SET_BASE_URL].name, w, sizeof(w)));
}

/* the name column: the longest name, client-secret-command, and a blank */
#define NAME_WIDTH 21

/* "name value (source)" into line; value NULL: unset */
static void
show_line(const struct config *cfg, struct buf *line, const char *name, const struct value *v,
	  const char *value, const char *note)
{
	line->len = 0;
	if (v->src == SRC_UNSET) {
		buf_printf(line, "%-*s (unset)", NAME_WIDTH, name);
		return;
	}
	buf_printf(line, "%-*s %s (", NAME_WIDTH, name, value);
	switch (v->src) {
	case SRC_FLAG:
		buf_puts(line, "flag");
		break;
	case SRC_ENV:
		buf_printf(line, "env %s", v->env);
		break;
	case SRC_FILE:
		buf_printf(line, "%s:%d", cfg->file.s, v->line);
		break;
	default:
		buf_puts(line, "default");
		break;
	}
	if (v->overridden)
		buf_printf(line, ", overridden by %s", cfg->secret.where);
	buf_printf(line, "%s)", note);
}

/*
 * Every setting and its source, one a line: to out, or (NULL) to -v's
 * trace on stderr.  A secret shows only as "(set)"; so does a secret file's
 * path on stderr, where every error hides it too (the variable may hold the
 * secret by mistake).  Each line goes through msg.c's sanitiser.
 */
static void
show(const struct config *cfg, FILE *out)
{
	struct buf line = BUF_INIT(3 * PATH_MAX);
	const struct value *v;
	const char *value;
	char clean[1024];
	int i, hide;

	for (i = -2; i < SET_COUNT; i++) {
		if (i == -2) {
			show_line(cfg, &line, "config", &cfg->file, cfg->file.s,
				  cfg->file_found ? "" : ", not found");
		} else if (i == -1) {
			show_line(cfg, &line, "profile", &cfg->profile, cfg->profile.s, "");
		} else {
			v = &cfg->v[i];
			hide = (settings[i].flags & F_SECRET) ||
			       (out == NULL && i == SET_CLIENT_SECRET_FILE);
			value = hide ? "(set)" : v->s;
			show_line(cfg, &line, settings[i].name, v, value, "");
		}
		if (line.data == NULL)
			continue;
		if (out == NULL) {
			msg_debug(1, "%s", line.data);
		} else {
			msg_format(clean, sizeof(clean), "%s", line.data);
			fprintf(out, "%s\n", clean);
		}
	}
	buf_release(&line);
}

/* --show-config: the settings on out */
void
config_show(const struct config *cfg, FILE *out)
{
	show(cfg, out);
}

/* -v: the settings on stderr */
void
config_trace(const struct config *cfg)
{
	if (msg_level >= 1)
		show(cfg, NULL);
}

/*
 * --print-tables: each setting as "setting NAME VARIABLES DEFAULT", tab
 * separated, VARIABLES comma separated, the cache directory's default as it
 * is without $XDG_CACHE_HOME; then the formats.  tests/docs.bats holds
 * --help, README and the man page to these.
 */
void
config_print_tables(FILE *out)
{
	char *dir = cache_default_dir("~");
	int i, j;

	for (i = 0; i < SET_COUNT; i++) {
		fprintf(out, "setting\t%s\t", settings[i].name);
		for (j = 0; j < 3 && settings[i].env[j] != NULL; j++)
			fprintf(out, "%s%s", j ? "," : "", settings[i].env[j]);
		fprintf(out, "\t%s\n",
			settings[i].def != NULL		    ? settings[i].def
			: i == SET_CACHE_DIR && dir != NULL ? dir
							    : "");
	}
	free(dir);
	for (i = 0; output_format_names[i] != NULL; i++)
		fprintf(out, "format\t%s\n", output_format_names[i]);
	for (i = 0; yes_words[i] != NULL; i++)
		fprintf(out, "boolean\t%s\t%s\n", yes_words[i], no_words[i]);
}

void
config_release(struct config *cfg)
{
	int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < SET_COUNT; i++)
		secret_free(cfg->v[i].s);
	secret_free(cfg->file.s);
	secret_free(cfg->profile.s);
	free(cfg->token_url);
	memset(cfg, 0, sizeof(*cfg));
}
