/*
 * Settings from every source, merged in one order: command-line flag, then
 * environment variable, then the selected profile of the config file, then
 * the built-in default.  Each value remembers its source, for --show-config
 * and for the exit status of a bad value (2 from a flag, 3 from elsewhere).
 *
 * The config file is INI, read by inih through a line reader of ours that
 * counts lines, so every error and every value can say FILE:LINE.  Every
 * section is checked, not only the selected one, so that a typo anywhere is
 * an error rather than a setting silently dropped.  A file holding a secret
 * must be private to its owner, as OpenSSH requires of key files.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "msg.h"
#include "secret.h"

#define DEFAULT_BASE_URL "https://api.gonitro.dev"
#define PROFILES_MAX	 32

enum { F_PATH = 1, F_SECRET = 2 };

static const struct {
	const char *name; /* long option and config key */
	const char *env;
	const char *alias; /* a second variable name, or NULL */
	const char *def;
	int flags;
} settings[SET_COUNT] = {
    [SET_BASE_URL] = {"base-url", "NITRO_BASE_URL", NULL, DEFAULT_BASE_URL, 0},
    [SET_CACERT] = {"cacert", "NITRO_CACERT", NULL, NULL, F_PATH},
    [SET_CACHE] = {"cache", "NITRO_CACHE", NULL, "yes", 0},
    [SET_CACHE_DIR] = {"cache-dir", "NITRO_CACHE_DIR", "NITRO_TOKEN_CACHE_DIR", NULL, F_PATH},
    [SET_CAPATH] = {"capath", "NITRO_CAPATH", NULL, NULL, F_PATH},
    [SET_CLIENT_ID] = {"client-id", "NITRO_CLIENT_ID", NULL, NULL, 0},
    [SET_CLIENT_SECRET] = {"client-secret", "NITRO_CLIENT_SECRET", NULL, NULL, F_SECRET},
    [SET_CLIENT_SECRET_FILE] = {"client-secret-file", "NITRO_CLIENT_SECRET_FILE", NULL, NULL,
				F_PATH},
    [SET_CONNECT_TIMEOUT] = {"connect-timeout", "NITRO_CONNECT_TIMEOUT", NULL, "10", 0},
    [SET_FORMAT] = {"format", "NITRO_FORMAT", NULL, "token", 0},
    [SET_MIN_TTL] = {"min-ttl", "NITRO_MIN_TTL", NULL, "300", 0},
    [SET_RETRIES] = {"retries", "NITRO_RETRIES", NULL, "2", 0},
    [SET_TIMEOUT] = {"timeout", "NITRO_TIMEOUT", NULL, "30", 0},
};

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

/* "~/x" to "$HOME/x"; anything else copied as it is */
static char *
expand_home(const char *path)
{
	char *out;

	if (strncmp(path, "~/", 2) != 0)
		return strdup(path);
	if (asprintf(&out, "%s/%s", home_dir(), path + 2) < 0)
		return NULL;
	return out;
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
	int line;
	char err[PATH_MAX + 256]; /* the first error, with FILE:LINE */
	int errline;
	int has_secret;	  /* any section sets client-secret */
	char section[64]; /* the section of the last header line read */
	char profiles[PROFILES_MAX][64];
	int nprofiles;
	int found; /* the selected profile exists */
};

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

static void
note_profile(struct parse *p, const char *name)
{
	int i;

	for (i = 0; i < p->nprofiles; i++)
		if (strcmp(p->profiles[i], name) == 0)
			return;
	if (p->nprofiles < PROFILES_MAX)
		snprintf(p->profiles[p->nprofiles++], sizeof(p->profiles[0]), "%s", name);
	if (strcmp(name, p->cfg->profile.s) == 0)
		p->found = 1;
}

/*
 * inih's line reader, ours so that we know the line number and see section
 * headers even of sections that set nothing.  A line longer than inih's
 * buffer would be split silently; it is an error instead.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *s, *end;
	size_t n;

	if (p->err[0] != '\0' || fgets(str, num, p->fp) == NULL)
		return NULL;
	p->line++;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->fp)) {
		parse_error(p, "line is longer than %d bytes", num - 2);
		return NULL;
	}
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[' && (end = strchr(s, ']')) != NULL) {
		for (s++; *s == ' ' || *s == '\t'; s++)
			;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		snprintf(p->section, sizeof(p->section), "%.*s", (int)(end - s), s);
		note_profile(p, p->section);
	}
	return str;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct value *v;
	int i;

	if (*section == '\0') {
		parse_error(p, "'%s' is outside a [profile] section", name);
		return 0;
	}
	for (i = 0; i < SET_COUNT; i++)
		if (strcmp(name, settings[i].name) == 0)
			break;
	if (i == SET_COUNT) {
		parse_error(p, "unknown key '%s'", name);
		return 0;
	}
	if (i == SET_CLIENT_SECRET)
		p->has_secret = 1;
	if (strcmp(section, p->cfg->profile.s) != 0)
		return 1;
	v = &p->cfg->v[i];
	if (v->src == SRC_FILE) {
		parse_error(p, "'%s' is set twice in this profile", name);
		return 0;
	}
	if (set_value(v, value, SRC_FILE, p->line, NULL) != CONFIG_OK) {
		parse_error(p, "%s", "out of memory");
		return 0;
	}
	return 1;
}

/* OpenSSH's rule for key files, applied to a config file that holds a secret */
static int
check_private(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		msg_err("%s: %s", path, strerror(errno));
		return CONFIG_EINVALID;
	}
	if (st.st_uid != geteuid()) {
		msg_err("%s: holds client-secret but is not owned by you; "
			"run: chown %lu '%s' && chmod 600 '%s'",
			path, (unsigned long)geteuid(), path, path);
		return CONFIG_EINVALID;
	}
	if ((st.st_mode & 077) != 0) {
		msg_err("%s: holds client-secret but others may read it (mode %04o); "
			"run: chmod 600 '%s'",
			path, (unsigned)(st.st_mode & 07777), path);
		return CONFIG_EINVALID;
	}
	return CONFIG_OK;
}

static int
read_config_file(struct config *cfg)
{
	struct parse *p;
	struct stat st;
	int rc = CONFIG_OK, lineno, i;
	FILE *fp;

	if ((fp = fopen(cfg->file.s, "re")) == NULL) {
		if (errno == ENOENT && cfg->file.src == SRC_DEFAULT &&
		    cfg->profile.src == SRC_DEFAULT)
			return CONFIG_OK;
		msg_err("cannot read config file '%s': %s", cfg->file.s, strerror(errno));
		return CONFIG_EINVALID;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		msg_err("cannot read config file '%s': not a regular file", cfg->file.s);
		fclose(fp);
		return CONFIG_EINVALID;
	}
	cfg->file_found = 1;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		fclose(fp);
		return CONFIG_ENOMEM;
	}
	p->cfg = cfg;
	p->fp = fp;
	lineno = ini_parse_stream(read_line, p, on_key, p);
	/* inih reports its own first error by line; ours may come later */
	if (p->err[0] != '\0' && (lineno <= 0 || p->errline <= lineno)) {
		msg_err("%s", p->err);
		rc = CONFIG_EINVALID;
	} else if (lineno > 0) {
		msg_err("%s:%d: expected 'key = value' or '[profile]'", cfg->file.s, lineno);
		rc = CONFIG_EINVALID;
	} else if (lineno < 0 || ferror(fp)) {
		msg_err("cannot read config file '%s'", cfg->file.s);
		rc = CONFIG_EINVALID;
	} else if (p->has_secret) {
		rc = check_private(cfg->file.s, fileno(fp));
	}
	if (rc == CONFIG_OK && !p->found && cfg->profile.src != SRC_DEFAULT) {
		struct buf list = BUF_INIT(sizeof(p->profiles));

		for (i = 0; i < p->nprofiles; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", p->profiles[i]);
		msg_err("profile '%s' not found in %s (profiles: %s)", cfg->profile.s, cfg->file.s,
			list.len ? list.data : "none");
		buf_release(&list);
		rc = CONFIG_EINVALID;
	}
	fclose(fp);
	free(p);
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

static int
parse_bool(struct config *cfg, enum setting s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1", NULL};
	static const char *const no[] = {"no", "false", "off", "0", NULL};
	int i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(cfg->v[s].s, yes[i]) == 0)
			return *out = 1, CONFIG_OK;
		if (strcasecmp(cfg->v[s].s, no[i]) == 0)
			return *out = 0, CONFIG_OK;
	}
	return bad_value(cfg, s, "expected yes or no");
}

static int
is_loopback(const char *host, size_t n)
{
	char h[64];
	struct in_addr a4;

	if (n >= sizeof(h))
		return 0;
	memcpy(h, host, n);
	h[n] = '\0';
	if (strcasecmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0)
		return 1;
	return inet_pton(AF_INET, h, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/*
 * https:// anywhere; http:// only to this machine.  No credentials in the
 * URL, no query or fragment (the token path is appended), no blanks.
 */
static int
check_base_url(struct config *cfg)
{
	const char *url = cfg->v[SET_BASE_URL].s, *host, *end;
	size_t n, hostlen;
	int https;

	for (n = 0; url[n] != '\0'; n++)
		if ((unsigned char)url[n] <= 0x20 || (unsigned char)url[n] >= 0x7f)
			return bad_value(cfg, SET_BASE_URL, "URL has a blank or a non-ASCII byte");
	https = strncasecmp(url, "https://", 8) == 0;
	if (!https && strncasecmp(url, "http://", 7) != 0)
		return bad_value(cfg, SET_BASE_URL, "URL must start with https://");
	host = url + (https ? 8 : 7);
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return bad_value(cfg, SET_BASE_URL, "URL must not carry a user name or password");
	if (strpbrk(url, "?#") != NULL)
		return bad_value(cfg, SET_BASE_URL, "URL must not have a query or fragment");
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(end - host));

		hostlen = close != NULL ? (size_t)(close - host) + 1 : 0;
	} else {
		hostlen = strcspn(host, ":/");
	}
	if (hostlen == 0)
		return bad_value(cfg, SET_BASE_URL, "URL has no host");
	if (!https && !is_loopback(host, hostlen))
		return bad_value(
		    cfg, SET_BASE_URL,
		    "plain http:// is allowed only to a loopback address; use https://");
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (asprintf(&cfg->token_url, "%.*s/oauth/token", (int)n, url) < 0)
		return CONFIG_ENOMEM;
	return CONFIG_OK;
}

/* the one secret source at the highest level that has one */
static int
check_secret_sources(struct config *cfg)
{
	struct value *s = &cfg->v[SET_CLIENT_SECRET], *f = &cfg->v[SET_CLIENT_SECRET_FILE];
	char a[PATH_MAX + 64], b[PATH_MAX + 64];

	if (s->s == NULL || f->s == NULL)
		return CONFIG_OK;
	if (s->src == f->src) {
		msg_err("%s and %s both give the client secret; keep one",
			where(cfg, s, settings[SET_CLIENT_SECRET].name, a, sizeof(a)),
			where(cfg, f, settings[SET_CLIENT_SECRET_FILE].name, b, sizeof(b)));
		return s->src == SRC_FLAG ? CONFIG_EUSAGE : CONFIG_EINVALID;
	}
	/* the lower one loses, whatever it is */
	secret_free(s->src < f->src ? s->s : f->s);
	memset(s->src < f->src ? s : f, 0, sizeof(*s));
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

static int
convert(struct config *cfg)
{
	int rc;

	if (output_format_parse(cfg->v[SET_FORMAT].s, &cfg->format) != 0)
		return bad_format(cfg);
	if ((rc = parse_long(cfg, SET_CONNECT_TIMEOUT, 1, 3600, &cfg->connect_timeout)) ||
	    (rc = parse_long(cfg, SET_TIMEOUT, 1, 3600, &cfg->timeout)) ||
	    (rc = parse_long(cfg, SET_RETRIES, 0, 10, &cfg->retries)) ||
	    (rc = parse_long(cfg, SET_MIN_TTL, 0, 86400, &cfg->min_ttl)) ||
	    (rc = parse_bool(cfg, SET_CACHE, &cfg->cache)) || (rc = check_base_url(cfg)) ||
	    (rc = check_secret_sources(cfg)))
		return rc;
	if (cfg->v[SET_CLIENT_ID].s != NULL && cfg->v[SET_CLIENT_ID].s[0] == '\0')
		return bad_value(cfg, SET_CLIENT_ID, "client ID is empty");
	return CONFIG_OK;
}

static int
from_env(struct config *cfg, enum setting s)
{
	const char *names[2] = {settings[s].env, settings[s].alias};
	const char *val;
	int i;

	for (i = 0; i < 2 && names[i] != NULL; i++) {
		/* an empty variable counts as unset, as CI systems set missing secrets so */
		if ((val = getenv(names[i])) != NULL && *val != '\0')
			return set_value(&cfg->v[s], val, SRC_ENV, 0, names[i]);
	}
	return CONFIG_OK;
}

int
config_load(struct config *cfg, const struct cli *cli)
{
	const char *env;
	char *path;
	int i, rc;

	memset(cfg, 0, sizeof(*cfg));

	/* where the file is and which profile, before anything is read from it */
	if (cli->config != NULL)
		rc = set_value(&cfg->file, cli->config, SRC_FLAG, 0, NULL);
	else if ((env = getenv("NITRO_CONFIG")) != NULL && *env != '\0')
		rc = set_value(&cfg->file, env, SRC_ENV, 0, "NITRO_CONFIG");
	else if ((path = xdg_path("XDG_CONFIG_HOME", ".config", "/config")) != NULL) {
		rc = set_value(&cfg->file, path, SRC_DEFAULT, 0, NULL);
		free(path);
	} else
		rc = CONFIG_ENOMEM;
	if (rc != CONFIG_OK)
		return rc;
	if (cli->profile != NULL)
		rc = set_value(&cfg->profile, cli->profile, SRC_FLAG, 0, NULL);
	else if ((env = getenv("NITRO_PROFILE")) != NULL && *env != '\0')
		rc = set_value(&cfg->profile, env, SRC_ENV, 0, "NITRO_PROFILE");
	else
		rc = set_value(&cfg->profile, "default", SRC_DEFAULT, 0, NULL);
	if (rc != CONFIG_OK || (rc = read_config_file(cfg)) != CONFIG_OK)
		return rc;

	for (i = 0; i < SET_COUNT; i++) {
		if ((rc = from_env(cfg, i)) != CONFIG_OK)
			return rc;
		if (cli->flag[i] != NULL &&
		    (rc = set_value(&cfg->v[i], cli->flag[i], SRC_FLAG, 0, NULL)) != CONFIG_OK)
			return rc;
		if (cfg->v[i].s == NULL && settings[i].def != NULL &&
		    (rc = set_value(&cfg->v[i], settings[i].def, SRC_DEFAULT, 0, NULL)) !=
			CONFIG_OK)
			return rc;
		if (cfg->v[i].s == NULL && i == SET_CACHE_DIR) {
			if ((path = xdg_path("XDG_CACHE_HOME", ".cache", "")) == NULL)
				return CONFIG_ENOMEM;
			rc = set_value(&cfg->v[i], path, SRC_DEFAULT, 0, NULL);
			free(path);
			if (rc != CONFIG_OK)
				return rc;
		}
		if (cfg->v[i].s != NULL && cfg->v[i].src == SRC_FILE &&
		    (settings[i].flags & F_PATH)) {
			if ((path = expand_home(cfg->v[i].s)) == NULL)
				return CONFIG_ENOMEM;
			free(cfg->v[i].s);
			cfg->v[i].s = path;
		}
	}
	return convert(cfg);
}

/* both credentials present, the secret read from wherever it is */
int
config_read_secret(struct config *cfg)
{
	const struct value *f = &cfg->v[SET_CLIENT_SECRET_FILE];
	char w[PATH_MAX + 64];
	size_t len;
	int rc;

	if (cfg->v[SET_CLIENT_ID].s == NULL) {
		msg_err("no client ID: use --client-id, NITRO_CLIENT_ID or client-id "
			"in the config file");
		return CONFIG_EINVALID;
	}
	if (cfg->v[SET_CLIENT_SECRET].s != NULL) {
		if ((cfg->secret = strdup(cfg->v[SET_CLIENT_SECRET].s)) == NULL)
			return CONFIG_ENOMEM;
		return CONFIG_OK;
	}
	if (f->s == NULL) {
		msg_err("no client secret: use --client-secret-file, NITRO_CLIENT_SECRET_FILE, "
			"NITRO_CLIENT_SECRET, or client-secret-file in the config file");
		return CONFIG_EINVALID;
	}
	rc = secret_read_file(f->s, &cfg->secret, &len);
	where(cfg, f, settings[SET_CLIENT_SECRET_FILE].name, w, sizeof(w));
	switch (rc) {
	case SECRET_OK:
		if (strlen(cfg->secret) != len) {
			msg_err("%s: client secret in '%s' has a NUL byte", w, f->s);
			return CONFIG_EINVALID;
		}
		return CONFIG_OK;
	case SECRET_EIO:
		msg_err("%s: cannot read '%s': %s", w, f->s, strerror(errno));
		return CONFIG_EINVALID;
	case SECRET_EEMPTY:
		msg_err("%s: client secret in '%s' is empty", w, f->s);
		return CONFIG_EINVALID;
	case SECRET_ETOOBIG:
		msg_err("%s: client secret in '%s' is longer than %d bytes", w, f->s, SECRET_MAX);
		return CONFIG_EINVALID;
	default:
		return CONFIG_ENOMEM;
	}
}

/* "name value (source)" after prefix; a secret only as "(set)" */
static void
show_line(const struct config *cfg, FILE *fp, const char *prefix, const char *name,
	  const struct value *v, const char *value, const char *note)
{
	char src[PATH_MAX + 32];

	if (value == NULL) {
		fprintf(fp, "%s%-20s (unset)\n", prefix, name);
		return;
	}
	switch (v->src) {
	case SRC_FLAG:
		snprintf(src, sizeof(src), "flag");
		break;
	case SRC_ENV:
		snprintf(src, sizeof(src), "env %s", v->env);
		break;
	case SRC_FILE:
		snprintf(src, sizeof(src), "%s:%d", cfg->file.s, v->line);
		break;
	default:
		snprintf(src, sizeof(src), "default");
		break;
	}
	fprintf(fp, "%s%-20s %s (%s%s)\n", prefix, name, value, src, note);
}

/*
 * Every effective setting and its source, one a line, each after prefix.
 * Returns 1 when both credentials are there, so a request could be made.
 */
int
config_show(const struct config *cfg, FILE *fp, const char *prefix)
{
	const struct value *v;
	int i;

	show_line(cfg, fp, prefix, "config", &cfg->file, cfg->file.s,
		  cfg->file_found ? "" : ", not found");
	show_line(cfg, fp, prefix, "profile", &cfg->profile, cfg->profile.s, "");
	for (i = 0; i < SET_COUNT; i++) {
		v = &cfg->v[i];
		show_line(cfg, fp, prefix, settings[i].name, v,
			  v->s != NULL && (settings[i].flags & F_SECRET) ? "(set)" : v->s, "");
	}
	return cfg->v[SET_CLIENT_ID].s != NULL &&
	       (cfg->v[SET_CLIENT_SECRET].s != NULL || cfg->v[SET_CLIENT_SECRET_FILE].s != NULL);
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
	secret_free(cfg->secret);
	memset(cfg, 0, sizeof(*cfg));
}
