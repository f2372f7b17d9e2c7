/* SPDX-License-Identifier: MIT */
/*
 * The token request and the api command's calls over HTTP(S), and the only
 * file that includes <curl/curl.h>.
 *
 * libcurl is loaded with dlopen() on first use rather than linked: linking
 * it pulls some thirty shared libraries (TLS, IDN, compression, ...) into
 * every start of the process, which would triple the cost of a cache hit,
 * the call most scripts make.  The dependency is still declared in the ELF
 * .note.dlopen section (the systemd/FDO convention) so packaging tools can
 * see it, and a missing or too old libcurl is a clear error, not a crash.
 * The static build (NITRO_STATIC_LIBCURL) links libcurl instead; the table
 * of functions below is the one place where the two differ.
 *
 * libcurl 7.68 and later are supported; where a newer version has a better
 * option, it is used when both the headers and the loaded library have it.
 *
 * Policy lives here too: only http and https, no redirects (they would
 * replay the secret elsewhere), no proxy for plain http, certificates always
 * verified, TLS 1.2 at least, no TLS key log, a body cap enforced while
 * receiving, and retries with full-jitter backoff only for failures that a
 * retry can cure.  What an HTTP status means is decided here, in one table.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* CURLOPT_PROTOCOLS is deprecated, not gone; older libcurls need it */
#define CURL_DISABLE_DEPRECATION 1
#include <curl/curl.h>

#include "clock.h"
#include "compat.h"
#include "http.h"
#include "msg.h"

#define LIBCURL_SONAME	 COMPAT_LIBCURL_SONAME
#define LIBCURL_MIN	 0x074400 /* 7.68.0 */
#define LIBCURL_MIN_TEXT "7.68"

#if COMPAT_ELF && !defined(NITRO_STATIC_LIBCURL)
#define ELF_NOTE_DLOPEN_VENDOR "FDO"
#define ELF_NOTE_DLOPEN_TYPE   UINT32_C(0x407c0c0a)
#define DLOPEN_JSON                                                                                \
	"[{\"feature\":\"http\",\"description\":\"token requests over HTTPS\","                    \
	"\"priority\":\"required\",\"soname\":[\"" LIBCURL_SONAME "\"]}]"

__attribute__((used, section(".note.dlopen"))) _Alignas(uint32_t) static const struct {
	struct {
		uint32_t n_namesz, n_descsz, n_type;
	} nhdr;
	char name[sizeof(ELF_NOTE_DLOPEN_VENDOR)];
	_Alignas(uint32_t) char json[sizeof(DLOPEN_JSON)];
} dlopen_note = {
    {sizeof(ELF_NOTE_DLOPEN_VENDOR), sizeof(DLOPEN_JSON), ELF_NOTE_DLOPEN_TYPE},
    ELF_NOTE_DLOPEN_VENDOR,
    DLOPEN_JSON,
};
#endif

/* the libcurl functions we use, in the order of lc_names[] and direct[] */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	char *(*version)(void);
	curl_version_info_data *(*version_info)(CURLversion);
	/* the api command's forms */
	curl_mime *(*mime_init)(CURL *);
	curl_mimepart *(*mime_addpart)(curl_mime *);
	CURLcode (*mime_name)(curl_mimepart *, const char *);
	CURLcode (*mime_data)(curl_mimepart *, const char *, size_t);
	CURLcode (*mime_filedata)(curl_mimepart *, const char *);
	CURLcode (*mime_type)(curl_mimepart *, const char *);
	void (*mime_free)(curl_mime *);
} lc;

/* the loaded library's version, as 0xXXYYZZ, and whether its TLS is OpenSSL's */
static unsigned int lc_version;
static int lc_openssl;

#ifdef NITRO_STATIC_LIBCURL
/* linked in: the table points at libcurl's functions directly */
static int
resolve(char *why, size_t whysz)
{
	static void *const direct[] = {
	    (void *)curl_global_init,	(void *)curl_easy_init,	   (void *)curl_easy_setopt,
	    (void *)curl_easy_perform,	(void *)curl_easy_getinfo, (void *)curl_easy_cleanup,
	    (void *)curl_easy_strerror, (void *)curl_slist_append, (void *)curl_slist_free_all,
	    (void *)curl_version,	(void *)curl_version_info, (void *)curl_mime_init,
	    (void *)curl_mime_addpart,	(void *)curl_mime_name,	   (void *)curl_mime_data,
	    (void *)curl_mime_filedata, (void *)curl_mime_type,	   (void *)curl_mime_free,
	};

	(void)why;
	(void)whysz;
	memcpy(&lc, direct, sizeof(lc));
	return 0;
}
#else
static const char *const lc_names[] = {
    "curl_global_init",	   "curl_easy_init",	"curl_easy_setopt",   "curl_easy_perform",
    "curl_easy_getinfo",   "curl_easy_cleanup", "curl_easy_strerror", "curl_slist_append",
    "curl_slist_free_all", "curl_version",	"curl_version_info",  "curl_mime_init",
    "curl_mime_addpart",   "curl_mime_name",	"curl_mime_data",     "curl_mime_filedata",
    "curl_mime_type",	   "curl_mime_free",
};

/* lc_names[] from here on are the api command's, checked when it needs them */
#define LC_MIME_FIRST 11

/* the loaded library, for the threads its dependencies bring (see perform) */
static void *lc_handle;

/* loaded at run time: each function is looked up by name */
static int
resolve(char *why, size_t whysz)
{
	void **slots = (void **)&lc;
	void *handle;
	size_t i;

	if ((handle = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(why, whysz, "cannot load %s: %s", LIBCURL_SONAME, dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(lc_names) / sizeof(lc_names[0]); i++) {
		/* a libcurl too old for the api command's forms is named by its version */
		if ((slots[i] = dlsym(handle, lc_names[i])) == NULL && i < LC_MIME_FIRST) {
			snprintf(why, whysz, "cannot load %s: %s", LIBCURL_SONAME, dlerror());
			dlclose(handle);
			return -1;
		}
	}
	lc_handle = handle;
	return 0;
}
#endif

#ifdef NITRO_STATIC_LIBCURL
/*
 * The static binary carries no CA certificates and its libcurl knows no
 * default: it trusts the system's store, the first of these that exists,
 * unless --cacert, --capath or a CA variable named one.
 */
static void
system_ca(CURL *h, const char **file, const char **dir)
{
	static const char *const files[] = {
	    "/etc/ssl/certs/ca-certificates.crt",		 /* Debian, Ubuntu, Alpine, Arch */
	    "/etc/pki/tls/certs/ca-bundle.crt",			 /* Fedora, RHEL, Amazon Linux */
	    "/etc/ssl/ca-bundle.pem",				 /* openSUSE, SLES */
	    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL, CentOS */
	    "/etc/ssl/cert.pem",				 /* Alpine, the BSDs */
	};
	static const char *const dirs[] = {"/etc/ssl/certs", "/etc/pki/tls/certs"};
	size_t i;

	(void)h;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (access(files[i], R_OK) == 0) {
			*file = files[i];
			return;
		}
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (access(dirs[i], R_OK | X_OK) == 0) {
			*dir = dirs[i];
			return;
		}
	}
}
#else
/* a directory made by c_rehash or openssl rehash: HHHHHHHH.N names */
static int
is_hashed(const char *path)
{
	struct dirent *e;
	DIR *d;
	size_t n;
	int found = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		n = strspn(e->d_name, "0123456789abcdef");
		found = n == 8 && e->d_name[8] == '.' && e->d_name[9] >= '0' && e->d_name[9] <= '9';
	}
	closedir(d);
	return found;
}

/*
 * The system's libcurl knows where its system keeps CA certificates, often
 * twice: a bundle, which OpenSSL parses whole on every run (some 150
 * certificates, most of a cold fetch's time), and a hashed directory of the
 * same certificates, from which OpenSSL reads only the issuers a chain
 * names.  Where the library has such a directory, it alone is used; a TLS
 * library other than OpenSSL's family reads a directory whole, and keeps
 * libcurl's default.  libcurl before 7.84 cannot say its directory: there
 * it is the usual one.
 */
static void
system_ca(CURL *h, const char **file, const char **dir)
{
	const char *path = NULL;

	(void)file;
	if (!lc_openssl)
		return;
#if LIBCURL_VERSION_NUM >= 0x075400
	if (lc_version >= 0x075400)
		lc.easy_getinfo(h, CURLINFO_CAPATH, &path);
	else
#endif
		path = "/etc/ssl/certs";
	if (path != NULL && is_hashed(path))
		*dir = path;
}
#endif

/* the loaded libcurl is one we can use: new enough, and it speaks TLS */
static int
check_version(char *why, size_t whysz)
{
	const curl_version_info_data *v = lc.version_info(CURLVERSION_NOW);

	if (v == NULL) {
		snprintf(why, whysz, "libcurl does not say its version");
		return -1;
	}
	lc_version = v->version_num;
	lc_openssl = v->ssl_version != NULL && (strncmp(v->ssl_version, "OpenSSL/", 8) == 0 ||
						strncmp(v->ssl_version, "LibreSSL/", 9) == 0);
	if (lc_version < LIBCURL_MIN) {
		snprintf(why, whysz, "libcurl %s is older than " LIBCURL_MIN_TEXT, v->version);
		return -1;
	}
	if (!(v->features & CURL_VERSION_SSL)) {
		snprintf(why, whysz, "libcurl %s was built without TLS support", v->version);
		return -1;
	}
	return 0;
}

/*
 * libcurl's TLS backends write the session keys of every connection to the
 * file named by SSLKEYLOGFILE, and those keys decrypt a capture of the
 * secret.  They read the variable while libcurl initialises, so it is hidden
 * for that moment and put back for whatever exec mode runs next.
 */
static int
global_init(char *why, size_t whysz)
{
	const char *keylog = getenv("SSLKEYLOGFILE");
	char *saved = NULL;
	CURLcode rc;

	if (keylog != NULL && (saved = strdup(keylog)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	unsetenv("SSLKEYLOGFILE");
	rc = lc.global_init(CURL_GLOBAL_DEFAULT);
	if (saved != NULL) {
		setenv("SSLKEYLOGFILE", saved, 1);
		free(saved);
	}
	if (rc != CURLE_OK) {
		snprintf(why, whysz, "cannot initialise libcurl: %s", lc.easy_strerror(rc));
		return -1;
	}
	return 0;
}

static int
load_libcurl(char *why, size_t whysz)
{
	static int loaded;

	if (loaded)
		return 0;
	if (resolve(why, whysz) != 0 || check_version(why, whysz) != 0 ||
	    global_init(why, whysz) != 0)
		return -1;
	loaded = 1;
	return 0;
}

const char *
http_version(char *why, size_t whysz)
{
	return load_libcurl(why, whysz) == 0 ? lc.version() : NULL;
}

/*
 * What a final HTTP status means, in the one place that decides it: the
 * kind of answer (main.c turns it into an exit status) and whether another
 * attempt could cure it.  The first matching range wins.
 */
static const struct {
	long lo, hi;
	enum http_answer answer;
	int retry;
} statuses[] = {
    {200, 200, HTTP_TOKEN, 0},	      {401, 401, HTTP_UNAUTHORIZED, 0},
    {403, 403, HTTP_UNAUTHORIZED, 0}, {407, 407, HTTP_PROXY_AUTH, 0},
    {408, 408, HTTP_REJECTED, 1},     {429, 429, HTTP_SERVER, 1},
    {400, 499, HTTP_REJECTED, 0},     {500, 500, HTTP_SERVER, 1},
    {502, 504, HTTP_SERVER, 1},	      {500, 599, HTTP_SERVER, 0},
    {300, 399, HTTP_REDIRECT, 0},
};

static enum http_answer
classify(long status, int *retry)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (status >= statuses[i].lo && status <= statuses[i].hi) {
			*retry = statuses[i].retry;
			return statuses[i].answer;
		}
	}
	*retry = 0;
	return HTTP_INVALID; /* 1xx, a 2xx other than 200, nonsense */
}

/* one request and its attempts: the handle and what its callbacks share */
struct transfer {
	CURL *h;
	const struct http_options *opt;
	struct http_response *res;
	struct curl_slist *headers, *pin; /* the handle points at both */
	char errbuf[CURL_ERROR_SIZE];
	long long retry_after; /* seconds, -1 when absent */
	enum { CUT_NONE, CUT_TOO_BIG, CUT_ENOUGH, CUT_NOMEM } cut;
	/* after each attempt: could another cure it, and the server's wish */
	int retry;
	long long wait_s; /* -1: not said */
	/* an attempt in a thread of its own (see perform), and its outcome */
	int wake[2];
	CURLcode rc;
	int abandoned; /* libcurl still holds this struct: never free it */
};

/*
 * The body cap holds for chunked bodies too, unlike CURLOPT_MAXFILESIZE.  It
 * is for the token answer: any other answer is judged by its status, so a
 * 503 with a large error page is still a 503 (the transfer simply stops).
 */
static size_t
on_body(char *p, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	long status = 0;
	int rc;

	(void)size; /* always 1 */
	if ((rc = buf_append(&t->res->body, p, n)) == BUF_OK)
		return n;
	if (rc == BUF_ECAP) {
		lc.easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
		t->cut = status == 200 ? CUT_TOO_BIG : CUT_ENOUGH;
	} else {
		t->cut = CUT_NOMEM;
	}
	return 0;
}

static int
header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* the value of a header line, without leading blanks and trailing CR LF */
static void
header_value(const char *line, size_t len, const char **v, size_t *vlen)
{
	const char *p = (const char *)memchr(line, ':', len) + 1, *end = line + len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	*v = p;
	*vlen = (size_t)(end - p);
}

static size_t
on_header(char *line, size_t size, size_t n, void *user)
{
	struct transfer *t = user;
	const char *v;
	size_t vlen;
	char tmp[64];

	(void)size;
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* a new response (after a 1xx, say): forget the last one's headers */
		t->res->content_type[0] = '\0';
		t->retry_after = -1;
	} else if (header_is(line, n, "Content-Type")) {
		header_value(line, n, &v, &vlen);
		snprintf(t->res->content_type, sizeof(t->res->content_type), "%.*s", (int)vlen, v);
	} else if (header_is(line, n, "Retry-After")) {
		header_value(line, n, &v, &vlen);
		if (vlen < sizeof(tmp)) {
			memcpy(tmp, v, vlen);
			tmp[vlen] = '\0';
			t->retry_after = http_retry_after(tmp, time(NULL));
		}
	}
	return n;
}

/*
 * libcurl's trace.  -v: only which proxy libcurl took from the environment.
 * -vv: headers both ways as well, with credentials redacted; never a body.
 * msg.c escapes every line and redacts the password of any URL in it.
 */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *user)
{
	static const char *const secret_headers[] = {
	    "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", NULL,
	};
	static const char proxy_line[] = "Uses proxy env variable ";
	const char *prefix, *line, *end = data + size, *nl;
	size_t len;
	int i, redacted;

	(void)h;
	(void)user;
	switch (type) {
	case CURLINFO_TEXT:
		prefix = "* ";
		break;
	case CURLINFO_HEADER_OUT:
		prefix = "> ";
		break;
	case CURLINFO_HEADER_IN:
		prefix = "< ";
		break;
	default:
		return 0;
	}
	for (line = data; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (type == CURLINFO_TEXT && len > sizeof(proxy_line) - 1 &&
		    memcmp(line, proxy_line, sizeof(proxy_line) - 1) == 0 && msg_level < 2) {
			const char *var = line + sizeof(proxy_line) - 1;
			int n = (int)(len - (sizeof(proxy_line) - 1));

			/* libcurl says the same of no_proxy, which names no proxy */
			msg_debug(1, "%s: %.*s",
				  strncasecmp(var, "no_proxy", 8) == 0 ? "hosts without a proxy"
								       : "using a proxy",
				  n, var);
		}
		redacted = 0;
		for (i = 0; secret_headers[i] != NULL; i++) {
			if (header_is(line, len, secret_headers[i])) {
				len = strlen(secret_headers[i]) + 1;
				redacted = 1;
			}
		}
		if (len > 0)
			msg_debug(2, "%s%.*s%s", prefix, (int)len, line,
				  redacted ? " [redacted]" : "");
		if (nl == end)
			break;
	}
	return 0;
}

static int
retryable_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return 1;
	default:
		return 0;
	}
}

/* full jitter: uniform in [0, min(8 s, 0.5 s * 2^(attempt-1))] */
static long long
backoff_ms(int attempt)
{
	static unsigned int seed;
	long long ceiling = 500LL << (attempt > 5 ? 4 : attempt - 1);

	if (seed == 0)
		seed = (unsigned int)clock_ms() ^ ((unsigned int)getpid() << 16);
	if (ceiling > 8000)
		ceiling = 8000;
	return (long long)(rand_r(&seed) % (ceiling + 1));
}

/* a URL split where the policy needs it; the rest is libcurl's to read */
struct url_parts {
	int https;
	const char *host; /* with the brackets of an IPv6 address */
	size_t hostlen;
	long port; /* the URL's, or the scheme's */
};

/*
 * The URL's shape: http or https, no blanks, no credentials, a host and a
 * valid port.  Returns NULL, or what is wrong.
 */
static const char *
split_url(const char *url, struct url_parts *u)
{
	const char *end;
	size_t n;

	for (n = 0; url[n] != '\0'; n++)
		if ((unsigned char)url[n] <= 0x20 || (unsigned char)url[n] >= 0x7f)
			return "URL has a blank or a non-ASCII byte";
	u->https = strncasecmp(url, "https://", 8) == 0;
	if (!u->https && strncasecmp(url, "http://", 7) != 0)
		return "URL must start with https://";
	u->host = url + (u->https ? 8 : 7);
	u->port = u->https ? 443 : 80;
	end = u->host + strcspn(u->host, "/?#");
	if (memchr(u->host, '@', (size_t)(end - u->host)) != NULL)
		return "URL must not carry a user name or password";
	if (*u->host == '[') {
		const char *close = memchr(u->host, ']', (size_t)(end - u->host));

		u->hostlen = close != NULL ? (size_t)(close - u->host) + 1 : 0;
	} else {
		u->hostlen = strcspn(u->host, ":/?#");
	}
	if (u->hostlen == 0)
		return "URL has no host";
	if (u->host[u->hostlen] == ':') {
		const char *port = u->host + u->hostlen + 1;
		size_t digits = strspn(port, "0123456789");

		if (digits == 0 || digits > 5 ||
		    (port[digits] != '\0' && strchr("/?#", port[digits]) == NULL) ||
		    (u->port = strtol(port, NULL, 10)) < 1 || u->port > 65535)
			return "URL port must be a number from 1 to 65535";
	}
	return NULL;
}

static int
is_localhost(const struct url_parts *u)
{
	return u->hostlen == 9 && strncasecmp(u->host, "localhost", 9) == 0;
}

static int
is_loopback(const struct url_parts *u)
{
	char h[64];
	struct in_addr a4;

	if (is_localhost(u) || (u->hostlen == 5 && memcmp(u->host, "[::1]", 5) == 0))
		return 1;
	if (u->hostlen >= sizeof(h))
		return 0;
	memcpy(h, u->host, u->hostlen);
	h[u->hostlen] = '\0';
	return inet_pton(AF_INET, h, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/*
 * Where the secret may go: https:// anywhere, plain http:// only to this
 * machine (127.0.0.0/8, localhost, [::1]), where nothing crosses a network.
 */
int
http_check_base_url(const char *url, char *why, size_t whysz)
{
	struct url_parts u;
	const char *wrong = split_url(url, &u);

	/* the token path is appended */
	if (wrong == NULL && strpbrk(url, "?#") != NULL)
		wrong = "URL must not have a query or fragment";
	if (wrong == NULL && !u.https && !is_loopback(&u))
		wrong = "plain http:// is allowed only to a loopback address; use https://";
	if (wrong != NULL) {
		snprintf(why, whysz, "%s", wrong);
		return -1;
	}
	return 0;
}

/* set one option, keeping the first failure (with libcurl's own words) in rc */
#define SETOPT(h, opt, val)                                                                        \
	do {                                                                                       \
		CURLcode rc_ = lc.easy_setopt((h), (opt), (val));                                  \
		if (rc == CURLE_OK)                                                                \
			rc = rc_;                                                                  \
	} while (0)

/*
 * Plain http carries the secret in clear, so it never goes through a proxy,
 * and "localhost" is 127.0.0.1 whatever /etc/hosts or DNS say: libcurl
 * before 7.78 asks the system's resolver.
 */
static CURLcode
keep_on_this_machine(struct transfer *t, const char *url)
{
	struct url_parts u;
	CURLcode rc = CURLE_OK;
	char pin[32];

	if (split_url(url, &u) != NULL)
		return CURLE_URL_MALFORMAT; /* the URL was checked before: never */
	if (u.https)
		return CURLE_OK;
	SETOPT(t->h, CURLOPT_PROXY, "");
	msg_debug(1, "plain http to this machine: no proxy is used");
	if (!is_localhost(&u))
		return rc;
	snprintf(pin, sizeof(pin), "localhost:%ld:127.0.0.1", u.port);
	if ((t->pin = lc.slist_append(NULL, pin)) == NULL)
		return CURLE_OUT_OF_MEMORY;
	SETOPT(t->h, CURLOPT_RESOLVE, t->pin);
	return rc;
}

/*
 * What every handle gets, whatever it sends: the protocols, certificate
 * checks, TLS 1.2, plain http kept on this machine, the CA certificates and
 * the trace.  h is t->h, made by the caller.
 */
static CURLcode
setup_policy(struct transfer *t, const char *url)
{
	const struct http_options *opt = t->opt;
	const char *cafile, *capath;
	CURLcode rc = CURLE_OK;
	CURL *h = t->h;

	SETOPT(h, CURLOPT_URL, url);
	/* CURLOPT_PROTOCOLS_STR (7.85) replaces CURLOPT_PROTOCOLS */
#if LIBCURL_VERSION_NUM >= 0x075500
	if (lc_version >= 0x075500)
		SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	else
#endif
		SETOPT(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	/*
	 * A name lookup cannot be interrupted: at the deadline libcurl either
	 * waits for it to end (the resolver's own timeout, 10 s and more) or,
	 * with CURLOPT_QUICK_EXIT (7.87), leaves it behind to die with us.
	 */
#if LIBCURL_VERSION_NUM >= 0x075700 && !defined(NITRO_FORCE_FALLBACKS)
	if (lc_version >= 0x075700)
		SETOPT(h, CURLOPT_QUICK_EXIT, 1L);
#endif
	SETOPT(h, CURLOPT_ERRORBUFFER, t->errbuf);
	if (rc == CURLE_OK)
		rc = keep_on_this_machine(t, url);
	cafile = opt->cacert;
	capath = opt->capath;
	if (cafile == NULL && capath == NULL)
		system_ca(h, &cafile, &capath);
	/* what is named is all that is trusted: no default of libcurl's beside it */
	if (cafile != NULL || capath != NULL) {
		SETOPT(h, CURLOPT_CAINFO, cafile);
		SETOPT(h, CURLOPT_CAPATH, capath);
	}
	msg_debug(1, "CA certificates: %s",
		  cafile   ? cafile
		  : capath ? capath
			   : "libcurl's default");
	if (msg_level >= 1) {
		SETOPT(h, CURLOPT_DEBUGFUNCTION, on_debug);
		SETOPT(h, CURLOPT_VERBOSE, 1L);
	}
	return rc;
}

static int
make_handle(struct transfer *t, const struct buf *body, char *why, size_t whysz)
{
	CURLcode rc = CURLE_OK;
	CURL *h;

	if ((h = t->h = lc.easy_init()) == NULL) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	SETOPT(h, CURLOPT_HTTPHEADER, t->headers);
	SETOPT(h, CURLOPT_POSTFIELDSIZE, (long)body->len);
	SETOPT(h, CURLOPT_POSTFIELDS, body->data);
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(h, CURLOPT_WRITEDATA, t);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(h, CURLOPT_HEADERDATA, t);
	if (rc == CURLE_OK)
		rc = setup_policy(t, t->opt->url);
	if (rc != CURLE_OK) {
		snprintf(why, whysz, "libcurl: %s", lc.easy_strerror(rc));
		return -1;
	}
	return 0;
}

#ifdef NITRO_STATIC_LIBCURL
static CURLcode
perform(struct transfer *t, long long left)
{
	(void)left;
	return lc.easy_perform(t->h); /* a libcurl with CURLOPT_QUICK_EXIT */
}
#else
static void *
perform_alone(void *p)
{
	struct transfer *t = p;

	t->rc = lc.easy_perform(t->h);
	(void)!write(t->wake[1], "", 1);
	return NULL;
}

/*
 * libcurl before 7.87 cannot leave a name lookup behind: at its timeout it
 * waits for the system resolver to give up, 10 s and more.  There the
 * attempt runs in a thread of its own, and a second after the deadline we
 * stop waiting for it: the handle, this struct and the lookup are left to
 * end with the process, which ends soon after.  The thread functions are
 * looked up through libcurl, which links them (before glibc 2.34 they are
 * not in libc), and the thread never takes SIGINT or SIGTERM, so that
 * output.c's blocking of them still holds.
 */
static CURLcode
perform(struct transfer *t, long long left)
{
	static int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	static int (*detach)(pthread_t);
	struct pollfd pfd;
	sigset_t block, old;
	pthread_t tid;
	long long until = clock_ms() + left + 1000, ms;
	char c;
	int n;

#ifndef NITRO_FORCE_FALLBACKS
	if (lc_version >= 0x075700)
		return lc.easy_perform(t->h);
#endif
	if (create == NULL) {
		*(void **)&create = dlsym(lc_handle, "pthread_create");
		*(void **)&detach = dlsym(lc_handle, "pthread_detach");
	}
	if (create == NULL || detach == NULL || (t->wake[0] < 0 && pipe2(t->wake, O_CLOEXEC) != 0))
		return lc.easy_perform(t->h);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	n = create(&tid, NULL, perform_alone, t);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (n != 0)
		return lc.easy_perform(t->h);
	detach(tid);
	pfd.fd = t->wake[0];
	pfd.events = POLLIN;
	for (;;) {
		ms = until - clock_ms();
		n = poll(&pfd, 1, ms > 0 ? (int)ms : 0);
		if (n >= 0 || ms <= 0)
			break;
		/* a failed wait (EINTR, ENOMEM) says nothing of the transfer: wait on */
		if (errno != EINTR)
			clock_sleep_ms(10);
	}
	/* readable: the thread has written its last byte, t->rc is settled */
	if (n == 1) {
		(void)!read(t->wake[0], &c, 1);
		return t->rc;
	}
	t->abandoned = 1;
	return CURLE_OPERATION_TIMEDOUT;
}
#endif

/*
 * One attempt with LEFT ms to go.  Returns HTTP_ANSWERED with res->status
 * and res->answer set, or an error with why; t->retry says whether another
 * attempt could cure it and t->wait_s how long the server asked us to wait.
 */
static int
try_once(struct transfer *t, long long left, char *why, size_t whysz)
{
	struct http_response *res = t->res;
	long long started = clock_ms(), connect_ms = t->opt->connect_timeout * 1000;
	long proxy_status = 0;
	CURLcode rc;

	buf_release(&res->body);
	res->status = 0;
	t->cut = CUT_NONE;
	t->retry_after = -1;
	t->errbuf[0] = '\0';
	t->retry = 0;
	t->wait_s = -1;
	lc.easy_setopt(t->h, CURLOPT_TIMEOUT_MS, (long)left);
	lc.easy_setopt(t->h, CURLOPT_CONNECTTIMEOUT_MS,
		       (long)(connect_ms < left ? connect_ms : left));
	msg_debug(1, "attempt %d: POST %s", res->attempts, t->opt->url);
	res->sent_at = (long long)time(NULL);
	rc = perform(t, left);
	msg_debug(1, "attempt %d: %s after %lld ms", res->attempts,
		  rc == CURLE_OK ? "answered" : lc.easy_strerror(rc), clock_ms() - started);
	if (t->abandoned) {
		/* libcurl's own words, which it has yet to return */
		snprintf(why, whysz, "Resolving timed out after %lld milliseconds", left);
		return HTTP_ENET;
	}

	if (t->cut == CUT_NOMEM || rc == CURLE_OUT_OF_MEMORY)
		return HTTP_ENOMEM;
	if (t->cut == CUT_TOO_BIG) {
		snprintf(why, whysz, "response body is larger than %d KiB", HTTP_BODY_MAX / 1024);
		return HTTP_ETOOBIG;
	}
	if (rc == CURLE_OK || t->cut == CUT_ENOUGH) {
		lc.easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &res->status);
		res->answer = classify(res->status, &t->retry);
		t->wait_s = t->retry_after;
		if (t->retry)
			msg_debug(1, "attempt %d: HTTP %ld", res->attempts, res->status);
		return HTTP_ANSWERED;
	}
	lc.easy_getinfo(t->h, CURLINFO_HTTP_CONNECTCODE, &proxy_status);
	if (proxy_status == 407) {
		/* retrying a refused password could lock the proxy account */
		snprintf(why, whysz, "proxy authentication required (HTTP 407 from the proxy)");
		return HTTP_ENET;
	}
	snprintf(why, whysz, "%s", t->errbuf[0] ? t->errbuf : lc.easy_strerror(rc));
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		snprintf(why + strlen(why), whysz - strlen(why),
			 " (a CA of your own is trusted with --cacert or NITRO_CACERT)");
	t->retry = retryable_error(rc);
	return HTTP_ENET;
}

int
http_post(const struct http_options *opt, const struct buf *body, struct http_response *res,
	  char *why, size_t whysz)
{
	static const char *const headers[] = {
	    "Content-Type: application/json",
	    "Accept: application/json",
	    "User-Agent: " PROGNAME "/" VERSION,
	    "Expect:",
	};
	struct transfer *t;
	struct curl_slist *tmp;
	long long left, wait;
	int status = HTTP_ENOMEM;
	size_t i;

	memset(res, 0, sizeof(*res));
	res->body.cap = HTTP_BODY_MAX;
	snprintf(why, whysz, "out of memory");
	if (load_libcurl(why, whysz) != 0)
		return HTTP_ELIB;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return HTTP_ENOMEM;
	t->opt = opt;
	t->res = res;
	t->wake[0] = t->wake[1] = -1;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		if ((tmp = lc.slist_append(t->headers, headers[i])) == NULL)
			goto out;
		t->headers = tmp;
	}
	if (make_handle(t, body, why, whysz) != 0) {
		status = HTTP_ELIB;
		goto out;
	}
	for (res->attempts = 1;; res->attempts++) {
		if ((left = opt->deadline - clock_ms()) <= 0) {
			snprintf(why, whysz, "timed out");
			status = HTTP_ENET;
			break;
		}
		status = try_once(t, left, why, whysz);
		if (t->abandoned)
			return status; /* t and the handle are libcurl's until we exit */
		if (!t->retry || res->attempts > opt->retries)
			break;
		/* a Retry-After beyond a day is as good as never: no overflow */
		if (t->wait_s >= 0)
			wait = (t->wait_s < 86400 ? t->wait_s : 86400) * 1000;
		else
			wait = backoff_ms(res->attempts);
		if (clock_ms() + wait >= opt->deadline) {
			msg_debug(1, "no retry: waiting %lld ms would pass the timeout", wait);
			break;
		}
		msg_debug(1, "retrying in %lld ms", wait);
		clock_sleep_ms(wait);
	}
out:
	if (t->h != NULL)
		lc.easy_cleanup(t->h);
	lc.slist_free_all(t->headers);
	lc.slist_free_all(t->pin);
	if (t->wake[0] >= 0) {
		close(t->wake[0]);
		close(t->wake[1]);
	}
	free(t);
	return status;
}
void
http_response_release(struct http_response *res)
{
	if (res != NULL)
		buf_release(&res->body);
}

/*
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Returns the seconds to wait, or -1 when the value is neither.
 */
long long
http_retry_after(const char *value, time_t now)
{
	struct tm tm;
	const char *end;
	long long secs = 0;
	time_t t;

	if (*value >= '0' && *value <= '9') {
		for (; *value >= '0' && *value <= '9'; value++) {
			if (secs > (LLONG_MAX - 9) / 10)
				return -1;
			secs = secs * 10 + (*value - '0');
		}
		return *value == '\0' ? secs : -1;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	return t > now ? (long long)(t - now) : 0;
}

/*
 * API calls: any method, a body from memory, a file, a pipe or a form, and
 * a 2xx body streamed to the caller's sink as it arrives.  Redirects are
 * followed here, one hop at a time, rather than by libcurl: each hop is
 * checked (never from https to http), and the token goes only to the
 * request's own origin, which libcurl before 7.83 compared by host alone.
 * --timeout bounds the wait for an answer; once it has begun, only a stall
 * (no byte for req->stall_s) ends a transfer, so that a large download is
 * not cut short.
 */

/* one call's state, across its hops and attempts */
struct call {
	struct transfer t; /* the handle, errbuf, pin, Content-Type, Retry-After */
	const struct http_request *req;
	struct curl_slist *with_auth, *without_auth;
	curl_mime *mime;
	struct buf head;	   /* the response's status line and headers, for -i */
	long long body_pos;	   /* how much of req->body has been read */
	long status;		   /* from the last status line */
	int answered;		   /* a final status line came: the deadline is over */
	int started;		   /* this response's body has begun */
	int streaming;		   /* ... and goes to the sink */
	int delivered;		   /* bytes went to the sink: no other attempt */
	long long moved, moved_at; /* bytes both ways, and when that last changed */
	enum {
		CALL_CUT_NONE,
		CALL_CUT_SINK,
		CALL_CUT_ENOUGH,
		CALL_CUT_DEADLINE,
		CALL_CUT_STALL
	} cut;
};

static int
same_origin(const char *a, const char *b)
{
	struct url_parts x, y;

	return split_url(a, &x) == NULL && split_url(b, &y) == NULL && x.https == y.https &&
	       x.port == y.port && x.hostlen == y.hostlen &&
	       strncasecmp(x.host, y.host, x.hostlen) == 0;
}

int
http_check_api_url(const char *base, const char *url, char *why, size_t whysz)
{
	struct url_parts u;
	const char *wrong = split_url(url, &u);

	if (wrong == NULL && !same_origin(base, url))
		wrong = "URL is not on the base URL's scheme, host and port";
	if (wrong != NULL) {
		snprintf(why, whysz, "%s", wrong);
		return -1;
	}
	return 0;
}

/* the headers of the last response, for -i; a 2xx's go to the sink */
static int
flush_head(struct call *c)
{
	const struct http_request *req = c->req;

	if (!req->include || c->head.len == 0)
		return 0;
	c->delivered = 1;
	if (req->sink(req->user, c->head.data, c->head.len) != 0) {
		c->cut = CALL_CUT_SINK;
		return -1;
	}
	buf_release(&c->head);
	return 0;
}

static size_t
on_call_header(char *line, size_t size, size_t n, void *user)
{
	struct call *c = user;

	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', n);

		c->status = sp != NULL ? strtol(sp + 1, NULL, 10) : 0;
		c->answered = c->status >= 200;
		c->started = c->streaming = 0;
		buf_release(&c->head);
	}
	if (c->req->include && buf_append(&c->head, line, n) == BUF_ENOMEM)
		return 0;
	return on_header(line, size, n, &c->t);
}

static size_t
on_call_body(char *p, size_t size, size_t n, void *user)
{
	struct call *c = user;
	int rc;

	(void)size;
	if (!c->started) {
		c->started = 1;
		c->streaming = c->status >= 200 && c->status <= 299;
		if (c->streaming && flush_head(c) != 0)
			return 0;
	}
	if (c->streaming) {
		c->delivered = 1;
		if (c->req->sink(c->req->user, p, n) != 0) {
			c->cut = CALL_CUT_SINK;
			return 0;
		}
		return n;
	}
	/* an error body is read for its message, up to the cap */
	if ((rc = buf_append(&c->t.res->body, p, n)) == BUF_OK)
		return n;
	c->t.cut = rc == BUF_ECAP ? CUT_NONE : CUT_NOMEM;
	c->cut = CALL_CUT_ENOUGH;
	return 0;
}

static size_t
on_call_read(char *p, size_t size, size_t n, void *user)
{
	struct call *c = user;
	const struct http_body *b = c->req->body;
	size_t want = size * n;
	ssize_t got;

	if (c->body_pos < (long long)b->len) {
		if (want > b->len - (size_t)c->body_pos)
			want = b->len - (size_t)c->body_pos;
		memcpy(p, b->data + c->body_pos, want);
		c->body_pos += (long long)want;
		return want;
	}
	if (b->fd < 0)
		return 0;
	while ((got = read(b->fd, p, want)) < 0)
		if (errno != EINTR)
			return CURL_READFUNC_ABORT;
	c->body_pos += got;
	return (size_t)got;
}

/* back to byte OFF of the body; -1 when it cannot be read again */
static int
rewind_body(struct call *c, long long off)
{
	const struct http_body *b = c->req->body;

	if (b == NULL || b->parts != NULL || c->body_pos == off)
		return 0;
	if (b->fd >= 0) {
		if (b->rewind_to < 0 || off > (long long)b->len)
			return -1;
		if (lseek(b->fd, (off_t)b->rewind_to, SEEK_SET) < 0)
			return -1;
	}
	c->body_pos = off;
	return 0;
}

static int
on_call_seek(void *user, curl_off_t off, int origin)
{
	if (origin != SEEK_SET || rewind_body(user, (long long)off) != 0)
		return CURL_SEEKFUNC_CANTSEEK;
	return CURL_SEEKFUNC_OK;
}

static int
on_call_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		 curl_off_t ulnow)
{
	struct call *c = user;
	long long now = clock_ms();

	/* --timeout bounds the wait for an answer; bytes on the move are not waiting */
	if (!c->answered && dlnow + ulnow == 0 && now >= c->t.opt->deadline) {
		c->cut = CALL_CUT_DEADLINE;
		return 1;
	}
	/*
	 * libcurl's CURLOPT_LOW_SPEED_TIME averages over seconds, so a burst
	 * hides a stall that follows it: the clock here restarts with each byte.
	 */
	if ((long long)(dlnow + ulnow) != c->moved || c->moved_at == 0) {
		c->moved = (long long)(dlnow + ulnow);
		c->moved_at = now;
	} else if (now - c->moved_at >= c->req->stall_s * 1000) {
		c->cut = CALL_CUT_STALL;
		return 1;
	}
	if (c->req->progress != NULL)
		c->req->progress(c->req->user, (long long)dlnow, (long long)dltotal,
				 (long long)ulnow, (long long)ultotal);
	return 0;
}

static CURLcode
add_form(struct call *c)
{
	const struct http_body *b = c->req->body;
	curl_mimepart *part;
	CURLcode rc = CURLE_OK;
	size_t i;

	if (lc.mime_init == NULL || lc.mime_addpart == NULL || lc.mime_name == NULL ||
	    lc.mime_data == NULL || lc.mime_filedata == NULL || lc.mime_type == NULL ||
	    lc.mime_free == NULL)
		return CURLE_NOT_BUILT_IN;
	if ((c->mime = lc.mime_init(c->t.h)) == NULL)
		return CURLE_OUT_OF_MEMORY;
	for (i = 0; i < b->nparts && rc == CURLE_OK; i++) {
		const struct http_part *pt = &b->parts[i];

		if ((part = lc.mime_addpart(c->mime)) == NULL)
			return CURLE_OUT_OF_MEMORY;
		rc = lc.mime_name(part, pt->name);
		if (rc == CURLE_OK)
			rc = pt->file != NULL ? lc.mime_filedata(part, pt->file)
					      : lc.mime_data(part, pt->value, CURL_ZERO_TERMINATED);
		/* a NULL type is libcurl's own default for the part */
		if (rc == CURLE_OK)
			rc = lc.mime_type(part, pt->type);
	}
	if (rc == CURLE_OK)
		rc = lc.easy_setopt(c->t.h, CURLOPT_MIMEPOST, c->mime);
	return rc;
}

/* a handle for one hop: METHOD to URL, with the body or without */
static CURLcode
call_handle(struct call *c, const char *method, const char *url, int with_body)
{
	const struct http_request *req = c->req;
	const struct http_body *b = with_body ? req->body : NULL;
	CURLcode rc = CURLE_OK;
	CURL *h;

	if ((h = c->t.h = lc.easy_init()) == NULL)
		return CURLE_OUT_OF_MEMORY;
	SETOPT(h, CURLOPT_HTTPHEADER, same_origin(req->url, url) ? c->with_auth : c->without_auth);
	if (strcmp(method, "HEAD") == 0)
		SETOPT(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 || b != NULL)
		SETOPT(h, CURLOPT_CUSTOMREQUEST, method);
	if (b != NULL && b->parts != NULL) {
		if (rc == CURLE_OK)
			rc = add_form(c);
	} else if (b != NULL && b->fd < 0) {
		SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
		SETOPT(h, CURLOPT_POSTFIELDS, b->len > 0 ? b->data : "");
	} else if (b != NULL) {
		SETOPT(h, CURLOPT_POST, 1L);
		SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->size);
		SETOPT(h, CURLOPT_READFUNCTION, on_call_read);
		SETOPT(h, CURLOPT_READDATA, c);
		SETOPT(h, CURLOPT_SEEKFUNCTION, on_call_seek);
		SETOPT(h, CURLOPT_SEEKDATA, c);
	}
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_call_body);
	SETOPT(h, CURLOPT_WRITEDATA, c);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_call_header);
	SETOPT(h, CURLOPT_HEADERDATA, c);
	SETOPT(h, CURLOPT_NOPROGRESS, 0L);
	SETOPT(h, CURLOPT_XFERINFOFUNCTION, on_call_progress);
	SETOPT(h, CURLOPT_XFERINFODATA, c);
	if (rc == CURLE_OK)
		rc = setup_policy(&c->t, url);
	return rc;
}

static void
end_handle(struct call *c)
{
	if (c->t.h != NULL)
		lc.easy_cleanup(c->t.h);
	c->t.h = NULL;
	if (c->mime != NULL)
		lc.mime_free(c->mime);
	c->mime = NULL;
	lc.slist_free_all(c->t.pin);
	c->t.pin = NULL;
}

/* whether an API answer is worth another attempt: the one rule, here */
static int
call_retry(long status, long long retry_after)
{
	return ((status == 429 || status == 503) && retry_after >= 0) || status == 502 ||
	       status == 504;
}

/* a hop that failed: why, and whether another attempt could cure it */
static int
hop_failed(struct call *c, CURLcode rc, char *why, size_t whysz)
{
	long proxy_status = 0;

	if (c->cut == CALL_CUT_SINK)
		return HTTP_ESINK;
	if (c->t.cut == CUT_NOMEM || rc == CURLE_OUT_OF_MEMORY) {
		snprintf(why, whysz, "out of memory");
		return HTTP_ENOMEM;
	}
	if (c->cut == CALL_CUT_DEADLINE) {
		snprintf(why, whysz, "no answer within --timeout");
		return HTTP_ENET;
	}
	lc.easy_getinfo(c->t.h, CURLINFO_HTTP_CONNECTCODE, &proxy_status);
	if (proxy_status == 407) {
		snprintf(why, whysz, "proxy authentication required (HTTP 407 from the proxy)");
		return HTTP_ENET;
	}
	if (c->cut == CALL_CUT_STALL) {
		snprintf(why, whysz, "transfer stalled: no data for %ld seconds", c->req->stall_s);
		c->t.retry = !c->delivered;
		return HTTP_ENET;
	}
	snprintf(why, whysz, "%s", c->t.errbuf[0] ? c->t.errbuf : lc.easy_strerror(rc));
	c->t.retry = retryable_error(rc);
	return HTTP_ENET;
}

/* one attempt: the request and the redirects it meets */
static int
call_once(struct call *c, char *why, size_t whysz)
{
	const struct http_request *req = c->req;
	struct http_response *res = c->t.res;
	const char *method = req->method, *next = NULL;
	char url[8192];
	struct url_parts u;
	const char *wrong;
	long long left, connect_ms;
	int hop, with_body = req->body != NULL;
	CURLcode rc;

	snprintf(url, sizeof(url), "%s", req->url);
	for (hop = 0;; hop++) {
		buf_release(&res->body);
		buf_release(&c->head);
		c->status = res->status = 0;
		c->answered = c->started = c->streaming = 0;
		c->cut = CALL_CUT_NONE;
		c->moved = c->moved_at = 0;
		c->t.cut = CUT_NONE;
		c->t.errbuf[0] = '\0';
		c->t.retry = 0;
		c->t.retry_after = c->t.wait_s = -1;
		if (with_body && rewind_body(c, 0) != 0) {
			snprintf(why, whysz, "the body cannot be read again for a redirect");
			return HTTP_EREDIRECT;
		}
		if ((rc = call_handle(c, method, url, with_body)) != CURLE_OK) {
			snprintf(why, whysz, "libcurl: %s", lc.easy_strerror(rc));
			return rc == CURLE_OUT_OF_MEMORY ? HTTP_ENOMEM : HTTP_ELIB;
		}
		left = c->t.opt->deadline - clock_ms();
		connect_ms = c->t.opt->connect_timeout * 1000;
		lc.easy_setopt(c->t.h, CURLOPT_CONNECTTIMEOUT_MS,
			       (long)(connect_ms < left ? connect_ms
				      : left > 0	? left
							: 1));
		msg_debug(1, "attempt %d: %s %s", res->attempts, method, url);
		res->sent_at = (long long)time(NULL);
		rc = lc.easy_perform(c->t.h);
		if (rc != CURLE_OK && c->cut != CALL_CUT_ENOUGH)
			return hop_failed(c, rc, why, whysz);
		lc.easy_getinfo(c->t.h, CURLINFO_RESPONSE_CODE, &res->status);
		msg_debug(1, "attempt %d: HTTP %ld", res->attempts, res->status);
		if (res->status >= 200 && res->status <= 299) {
			res->answer = HTTP_SUCCESS;
			if (flush_head(c) != 0)
				return HTTP_ESINK;
			return HTTP_ANSWERED;
		}
		res->answer = classify(res->status, &c->t.retry);
		c->t.retry = call_retry(res->status, c->t.retry_after);
		c->t.wait_s = c->t.retry_after;
		next = NULL;
		if (res->answer == HTTP_REDIRECT)
			lc.easy_getinfo(c->t.h, CURLINFO_REDIRECT_URL, &next);
		if (next == NULL)
			return HTTP_ANSWERED;
		if (hop >= req->max_redirects) {
			snprintf(why, whysz, "more than %d redirects", req->max_redirects);
			return HTTP_EREDIRECT;
		}
		if (strncasecmp(url, "https:", 6) == 0 && strncasecmp(next, "https:", 6) != 0) {
			snprintf(why, whysz, "redirect from https to '%s' refused", next);
			return HTTP_EREDIRECT;
		}
		if ((wrong = split_url(next, &u)) != NULL) {
			snprintf(why, whysz, "redirect to '%s' refused: %s", next, wrong);
			return HTTP_EREDIRECT;
		}
		if (strlen(next) >= sizeof(url)) {
			snprintf(why, whysz, "redirect to a URL over %zu bytes", sizeof(url) - 1);
			return HTTP_EREDIRECT;
		}
		msg_debug(1, "redirected to %s%s", next,
			  same_origin(req->url, next) ? "" : " (another origin: no token)");
		/* as browsers and curl -L do: 303, or 301 and 302 after a POST, become GET */
		if (res->status == 303 ||
		    ((res->status == 301 || res->status == 302) && strcmp(method, "POST") == 0)) {
			method = "GET";
			with_body = 0;
		}
		memmove(url, next, strlen(next) + 1);
		end_handle(c);
	}
}

/* libcurl's copy of the token is wiped before it is freed */
static void
free_wiped(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		compat_wipe(p->data, strlen(p->data));
	lc.slist_free_all(l);
}

static struct curl_slist *
headers_for(const struct http_request *req, int with_auth)
{
	const char *ours[] = {
	    "User-Agent: " PROGNAME "/" VERSION,
	    "Expect:",
	    with_auth ? req->auth : NULL,
	    req->body != NULL && req->body->parts == NULL && req->body->size < 0
		? "Transfer-Encoding: chunked"
		: NULL,
	};
	struct curl_slist *l = NULL, *tmp;
	size_t i, n = req->nheaders + sizeof(ours) / sizeof(ours[0]);
	const char *hdr;

	for (i = 0; i < n; i++) {
		hdr = i < req->nheaders ? req->headers[i] : ours[i - req->nheaders];
		if (hdr == NULL)
			continue;
		if ((tmp = lc.slist_append(l, hdr)) == NULL) {
			free_wiped(l);
			return NULL;
		}
		l = tmp;
	}
	return l;
}

int
http_call(const struct http_options *opt, const struct http_request *req, struct http_response *res,
	  char *why, size_t whysz)
{
	struct call c;
	long long wait;
	int status = HTTP_ENOMEM;

	memset(res, 0, sizeof(*res));
	res->body.cap = HTTP_BODY_MAX;
	memset(&c, 0, sizeof(c));
	c.t.opt = opt;
	c.t.res = res;
	c.req = req;
	c.head.cap = HTTP_BODY_MAX;
	snprintf(why, whysz, "out of memory");
	if (load_libcurl(why, whysz) != 0)
		return HTTP_ELIB;
	/* a file read by an earlier call is read again from its start */
	if (req->body != NULL && req->body->fd >= 0 && req->body->rewind_to >= 0 &&
	    lseek(req->body->fd, (off_t)req->body->rewind_to, SEEK_SET) < 0) {
		snprintf(why, whysz, "cannot read the body again: %s", strerror(errno));
		return HTTP_EREDIRECT;
	}
	if ((c.with_auth = headers_for(req, 1)) == NULL ||
	    (c.without_auth = headers_for(req, 0)) == NULL)
		goto out;
	for (res->attempts = 1;; res->attempts++) {
		if (opt->deadline - clock_ms() <= 0) {
			snprintf(why, whysz, "timed out");
			status = HTTP_ENET;
			break;
		}
		status = call_once(&c, why, whysz);
		end_handle(&c);
		if (!c.t.retry || !req->idempotent || c.delivered || res->attempts > opt->retries)
			break;
		if (c.t.wait_s >= 0 && status == HTTP_ANSWERED)
			wait = (c.t.wait_s < 86400 ? c.t.wait_s : 86400) * 1000;
		else
			wait = backoff_ms(res->attempts);
		if (clock_ms() + wait >= opt->deadline) {
			msg_debug(1, "no retry: waiting %lld ms would pass the timeout", wait);
			break;
		}
		if (rewind_body(&c, 0) != 0) {
			msg_debug(1, "no retry: the body cannot be read again");
			break;
		}
		msg_debug(1, "retrying in %lld ms", wait);
		clock_sleep_ms(wait);
	}
out:
	end_handle(&c);
	buf_release(&c.head);
	free_wiped(c.with_auth);
	free_wiped(c.without_auth);
	return status;
}
