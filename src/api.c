/* SPDX-License-Identifier: MIT */
/*
 * nitro-token api [options] [METHOD] PATH: one call to the Nitro API with
 * the token in an Authorization header built here, never on an argv.
 *
 * Everything about the request is checked before anything is sent: the URL
 * must be on the base URL's origin, no header may set Authorization, the
 * body's file must be readable.  A 2xx body streams to stdout (or to a
 * temporary file renamed over --output at the end, so the file is whole or
 * absent); any other answer leaves stdout empty and becomes one message,
 * from RFC 9457 problem JSON or an OAuth error when the body is one.
 *
 * A 401 means the token was revoked (a credential rotation revokes every
 * token at once): it is renewed once through the cache, as --rejected
 * does, and the call is sent again.  For that the body must be readable
 * again: a file is re-read, a pipe is kept in memory up to API_KEEP_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "clock.h"
#include "io.h"
#include "msg.h"
#include "secret.h"

void
api_init(struct api *a)
{
	memset(a, 0, sizeof(*a));
	a->fd = a->body.fd = a->out_fd = -1;
	a->body.rewind_to = -1;
	a->kept.cap = API_KEEP_MAX;
}

/* a file's content type from its extension, as a browser's upload says it */
static const char *
type_of(const char *file)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {"csv", "text/csv"},
	    {"doc", "application/msword"},
	    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	    {"gif", "image/gif"},
	    {"htm", "text/html"},
	    {"html", "text/html"},
	    {"jpeg", "image/jpeg"},
	    {"jpg", "image/jpeg"},
	    {"json", "application/json"},
	    {"pdf", "application/pdf"},
	    {"png", "image/png"},
	    {"txt", "text/plain"},
	    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	    {"xml", "application/xml"},
	    {"zip", "application/zip"},
	};
	const char *dot = strrchr(file, '.'), *slash = strrchr(file, '/');
	size_t i;

	if (dot != NULL && (slash == NULL || dot > slash))
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* a file the body or a part is read from: it must be a readable file now */
static int
check_file(const char *opt, const char *file)
{
	struct stat st;

	if (stat(file, &st) != 0 || access(file, R_OK) != 0) {
		msg_err("%s: cannot read '%s': %s", opt, file, strerror(errno));
		return API_EUSAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		msg_err("%s: '%s' is not a regular file", opt, file);
		return API_EUSAGE;
	}
	return API_OK;
}

/* NAME=VALUE or NAME=@FILE, then ;type=MIME as curl -F takes it */
static int
parse_form(char *spec, struct http_part *p)
{
	char *eq = strchr(spec, '='), *type;

	if (eq == NULL || eq == spec) {
		msg_err("--form: '%s' is not NAME=VALUE or NAME=@FILE", spec);
		return API_EUSAGE;
	}
	*eq = '\0';
	p->name = spec;
	if ((type = strstr(eq + 1, ";type=")) != NULL) {
		*type = '\0';
		p->type = type + 6;
		if (*p->type == '\0' || strchr(p->type, '/') == NULL) {
			msg_err("--form: part '%s': type '%s' is not TYPE/SUBTYPE", spec, p->type);
			return API_EUSAGE;
		}
	}
	if (eq[1] == '@') {
		p->file = eq + 2;
		if (p->type == NULL)
			p->type = type_of(p->file);
		return check_file("--form", p->file);
	}
	p->value = eq + 1;
	return API_OK;
}

static int
header_named(const char *h, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(h, name, n) == 0 && (h[n] == ':' || h[n] == ';');
}

/* -H 'Name: value': a header of ours may not be set; none may break a line */
static int
check_header(const char *h)
{
	size_t n = strcspn(h, ":;");

	if (n == 0 || (h[n] != ':' && h[n] != ';') || strcspn(h, " \t") < n) {
		msg_err("--header: '%s' is not 'Name: value'", h);
		return API_EUSAGE;
	}
	if (strpbrk(h, "\r\n") != NULL) {
		msg_err("--header: '%.*s' holds a line break", (int)n, h);
		return API_EUSAGE;
	}
	if (header_named(h, "Authorization")) {
		msg_err("--header: Authorization is set from the token; it cannot be given");
		return API_EUSAGE;
	}
	return API_OK;
}

/*
 * The body from a descriptor: a regular file is read again for a second
 * send; a pipe is kept in memory up to API_KEEP_MAX, and what is left
 * beyond that is streamed, once.
 */
static int
body_from_fd(struct api *a, int fd, const char *what)
{
	struct stat st;
	char chunk[65536];
	ssize_t n;
	off_t at;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (at = lseek(fd, 0, SEEK_CUR)) >= 0) {
		a->body.fd = fd;
		a->body.size = st.st_size > at ? (long long)(st.st_size - at) : 0;
		a->body.rewind_to = (long long)at;
		a->kept_all = 1;
		return API_OK;
	}
	for (;;) {
		size_t room = a->kept.cap - a->kept.len;

		if (room == 0)
			break;
		n = read(fd, chunk, room < sizeof(chunk) ? room : sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_err("--data: cannot read %s: %s", what, strerror(errno));
			return API_EUSAGE;
		}
		if (n == 0) {
			a->kept_all = 1;
			break;
		}
		if (buf_append(&a->kept, chunk, (size_t)n) != BUF_OK) {
			msg_err("out of memory");
			return API_ENOMEM;
		}
	}
	a->body.data = a->kept.data != NULL ? a->kept.data : "";
	a->body.len = a->kept.len;
	if (a->kept_all) {
		a->body.fd = -1;
		a->body.size = (long long)a->kept.len;
	} else {
		msg_debug(1, "body: over %d KiB from %s; it is streamed and sent once",
			  API_KEEP_MAX / 1024, what);
		a->body.fd = fd;
		a->body.size = -1;
		a->body.rewind_to = -1;
	}
	return API_OK;
}

static int
prepare_body(struct api *a, const struct api_args *args, int stdin_taken)
{
	const char *d = args->data;
	size_t i;
	int rc;

	a->body.fd = -1;
	a->body.rewind_to = -1;
	if (args->nforms > 0) {
		if ((a->parts = calloc(args->nforms, sizeof(*a->parts))) == NULL) {
			msg_err("out of memory");
			return API_ENOMEM;
		}
		for (i = 0; i < args->nforms; i++)
			if ((rc = parse_form((char *)args->forms[i], &a->parts[i])) != API_OK)
				return rc;
		a->body.parts = a->parts;
		a->body.nparts = args->nforms;
		a->kept_all = 1;
		return API_OK;
	}
	if (strcmp(d, "-") == 0) {
		if (stdin_taken) {
			msg_err("--data -: standard input holds the client secret");
			return API_EUSAGE;
		}
		return body_from_fd(a, STDIN_FILENO, "standard input");
	}
	if (d[0] != '@') {
		a->body.data = d;
		a->body.len = a->body.size = (long long)strlen(d);
		a->kept_all = 1;
		return API_OK;
	}
	if ((rc = check_file("--data", d + 1)) != API_OK)
		return rc;
	if ((a->fd = open(d + 1, O_RDONLY | O_CLOEXEC)) < 0) {
		msg_err("--data: cannot read '%s': %s", d + 1, strerror(errno));
		return API_EUSAGE;
	}
	return body_from_fd(a, a->fd, d + 1);
}

static int
prepare_url(struct api *a, const char *path, const char *base)
{
	size_t n = strlen(base);
	char why[256];

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (strncasecmp(path, "https://", 8) == 0 || strncasecmp(path, "http://", 7) == 0)
		a->url = strdup(path);
	else if (asprintf(&a->url, "%.*s%s%s", (int)n, base, path[0] == '/' ? "" : "/", path) < 0)
		a->url = NULL;
	if (a->url == NULL) {
		msg_err("out of memory");
		return API_ENOMEM;
	}
	if (http_check_api_url(base, a->url, why, sizeof(why)) != 0) {
		msg_err("'%s': %s", path, why);
		return API_EUSAGE;
	}
	return API_OK;
}

/* the temporary file behind --output, for api_on_signal() */
static char *volatile output_tmp;

/* SIGINT or SIGTERM: the temporary file goes, as a failure would remove it */
void
api_on_signal(void)
{
	char *p = output_tmp;

	if (p != NULL)
		unlink(p);
}

/* --output: a temporary file beside FILE, renamed over it when all is written */
static int
open_output(const char *file, char **tmp)
{
	mode_t mask;
	int fd;

	if (asprintf(tmp, "%s.XXXXXX", file) < 0) {
		*tmp = NULL;
		msg_err("out of memory");
		return -1;
	}
	if ((fd = mkostemp(*tmp, O_CLOEXEC)) < 0) {
		msg_err("--output: cannot create a file beside '%s': %s", file, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	/* as any file the user creates, not mkstemp's 0600 */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return fd;
}

/*
 * Every check that can fail before anything is sent, and the body's source
 * opened.  a borrows from args.
 */
int
api_prepare(struct api *a, const struct api_args *args, const char *base_url, int stdin_taken)
{
	int has_body = args->data != NULL || args->nforms > 0, has_type = 0, has_accept = 0;
	const char *method = args->method != NULL ? args->method : has_body ? "POST" : "GET";
	char *end;
	size_t i;
	int rc;

	a->path = args->path;
	a->output = args->output;
	a->include = args->include;
	a->paginate = args->paginate;
	if (strlen(method) >= sizeof(a->method) ||
	    strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method) || !*method) {
		msg_err("'%s' is not a method (GET, POST, PUT, PATCH, DELETE, HEAD)", method);
		return API_EUSAGE;
	}
	snprintf(a->method, sizeof(a->method), "%s", method);
	if (args->data != NULL && args->nforms > 0) {
		msg_err("options '--data' and '--form' both give the body; keep one");
		return API_EUSAGE;
	}
	if (args->paginate && (strcmp(a->method, "GET") != 0 || has_body || args->include)) {
		msg_err("'--paginate' goes with GET alone, without a body or '--include'");
		return API_EUSAGE;
	}
	if (has_body && strcmp(a->method, "HEAD") == 0) {
		msg_err("a HEAD request has no body");
		return API_EUSAGE;
	}
	a->stall_s = API_STALL;
	if (args->stall != NULL) {
		errno = 0;
		a->stall_s = strtol(args->stall, &end, 10);
		if (errno != 0 || end == args->stall || *end != '\0' || a->stall_s < 1 ||
		    a->stall_s > 86400) {
			msg_err(
			    "'--stall-timeout': '%s' is not a number of seconds from 1 to 86400",
			    args->stall);
			return API_EUSAGE;
		}
	}
	if ((a->headers = calloc(args->nheaders + 2, sizeof(*a->headers))) == NULL) {
		msg_err("out of memory");
		return API_ENOMEM;
	}
	for (i = 0; i < args->nheaders; i++) {
		if ((rc = check_header(args->headers[i])) != API_OK)
			return rc;
		has_type |= header_named(args->headers[i], "Content-Type");
		has_accept |= header_named(args->headers[i], "Accept");
		a->headers[a->nheaders++] = args->headers[i];
	}
	if (!has_accept)
		a->headers[a->nheaders++] = "Accept: application/json";
	if (args->data != NULL && !has_type)
		a->headers[a->nheaders++] = "Content-Type: application/json";
	if ((rc = prepare_url(a, args->path, base_url)) != API_OK)
		return rc;
	if (has_body && (rc = prepare_body(a, args, stdin_taken)) != API_OK)
		return rc;
	/* where the body will go must be writable before anything is sent */
	if (a->output != NULL) {
		if ((a->out_fd = open_output(a->output, &a->out_tmp)) < 0)
			return API_EWRITE;
		output_tmp = a->out_tmp;
	}
	return API_OK;
}

/* where a 2xx body goes: stdout, or the temporary file behind --output */
struct sink {
	int fd;
	struct buf *mem; /* --paginate: a page in memory */
	int err;	 /* errno of a failed write */
	int toobig;
	int nomem; /* a page did not fit in memory */
	/* the progress line */
	long long started, drawn;
	int shown, enabled;
};

static int
to_sink(void *user, const char *p, size_t n)
{
	struct sink *s = user;

	if (s->mem != NULL) {
		switch (buf_append(s->mem, p, n)) {
		case BUF_OK:
			return 0;
		case BUF_ECAP:
			s->toobig = 1;
			return -1;
		default:
			s->nomem = 1;
			return -1;
		}
	}
	if ((s->err = io_write_all(s->fd, p, n, NULL)) != 0)
		return -1;
	return 0;
}

/* "12.3 MiB" */
static void
human(char *out, size_t n, long long bytes)
{
	if (bytes < 1024)
		snprintf(out, n, "%lld B", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(out, n, "%.1f KiB", (double)bytes / 1024);
	else if (bytes < 1024LL * 1024 * 1024)
		snprintf(out, n, "%.1f MiB", (double)bytes / (1024 * 1024));
	else
		snprintf(out, n, "%.2f GiB", (double)bytes / (1024.0 * 1024 * 1024));
}

/*
 * One line on a terminal's stderr, once a transfer has taken a second,
 * redrawn at most four times a second and cleared at the end.  All of it is
 * our own digits and words: nothing from the server.
 */
static void
on_progress(void *user, long long down, long long down_total, long long up, long long up_total)
{
	struct sink *s = user;
	long long now = clock_ms(), done = down, total = down_total, ms;
	char a[32], b[32], r[32];

	if (!s->enabled || now - s->started < 1000 || (s->shown && now - s->drawn < 250))
		return;
	if (down == 0 && up_total > 0) {
		done = up;
		total = up_total;
	}
	ms = now - s->started;
	human(a, sizeof(a), done);
	human(b, sizeof(b), total);
	human(r, sizeof(r), done * 1000 / (ms > 0 ? ms : 1));
	fprintf(stderr, "\r\033[K%s%s%s, %s/s", a, total > 0 ? " of " : "", total > 0 ? b : "", r);
	fflush(stderr);
	s->shown = 1;
	s->drawn = now;
}

static void
end_progress(struct sink *s)
{
	if (s->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	s->shown = 0;
}

/* RFC 9457 problem details: title and detail, when the body is one */
static int
problem(const struct http_response *res, char *out, size_t n)
{
	json_t *root =
	    json_loadb(res->body.data != NULL ? res->body.data : "", res->body.len, 0, NULL);
	const char *title = json_string_value(json_object_get(root, "title"));
	const char *detail = json_string_value(json_object_get(root, "detail"));
	int found = title != NULL || detail != NULL;

	if (found)
		snprintf(out, n, "%s%s%s", title != NULL ? title : "",
			 title != NULL && detail != NULL ? ": " : "", detail != NULL ? detail : "");
	json_decref(root);
	return found;
}

/* an answer that is not 2xx: one message, and what it means */
static int
report(const struct api *a, const char *url, const struct http_response *res, const char *extra)
{
	struct oauth_error e;
	char text[1024];
	long st = res->status;

	if (problem(res, text, sizeof(text)))
		msg_err("%s %s: %ld %s%s", a->method, url, st, text, extra);
	else if (token_parse_error(res->body.data, res->body.len, &e) == TOKEN_OK)
		msg_err("%s %s: %ld %s%s%s%s", a->method, url, st, e.error,
			e.description[0] ? ": " : "", e.description, extra);
	else
		msg_err("%s %s: HTTP %ld (content type %s)%s", a->method, url, st,
			res->content_type[0] ? res->content_type : "none", extra);
	switch (res->answer) {
	case HTTP_UNAUTHORIZED:
		return API_EUNAUTHORIZED;
	case HTTP_SERVER:
		return API_ESERVER;
	case HTTP_REJECTED:
		return API_EREJECTED;
	case HTTP_PROXY_AUTH:
		return API_ENET;
	default:
		return API_EINVALID;
	}
}

static int
auth_header(struct buf *b, const struct token *tok)
{
	buf_release(b);
	if (buf_printf(b, "Authorization: %s %s", tok->token_type, tok->access_token) != BUF_OK) {
		msg_err("out of memory");
		return API_ENOMEM;
	}
	return API_OK;
}

/*
 * One call to URL, renewed once on a 401.  The second send needs the body
 * again: a pipe's that was not all kept cannot be, and the message says so.
 */
static int
call(struct api *a, const struct http_options *opt, const char *url, struct token *tok,
     const struct api_auth *auth, int *renew_rc, struct sink *s)
{
	struct http_request req = {
	    .method = a->method,
	    .url = url,
	    .headers = a->headers,
	    .nheaders = a->nheaders,
	    .body =
		a->body.fd >= 0 || a->body.data != NULL || a->body.parts != NULL ? &a->body : NULL,
	    .include = a->include,
	    .max_redirects = API_REDIRECTS,
	    .stall_s = a->stall_s,
	    .sink = to_sink,
	    .progress = on_progress,
	    .user = s,
	};
	struct http_response res;
	struct buf hdr = BUF_INIT(TOKEN_MAX + TOKEN_TYPE_MAX + 32);
	char why[512];
	int rc, renewed = 0;

	req.idempotent = strcmp(a->method, "POST") != 0 && strcmp(a->method, "PATCH") != 0;
	for (;;) {
		if (auth_header(&hdr, tok) != API_OK) {
			rc = API_ENOMEM;
			goto out;
		}
		req.auth = hdr.data;
		s->started = clock_ms();
		rc = http_call(opt, &req, &res, why, sizeof(why));
		end_progress(s);
		if (rc != HTTP_ANSWERED || res.status != 401 || renewed)
			break;
		if (req.body != NULL && !a->kept_all) {
			rc = report(a, url, &res,
				    " (not sent again: the body from a pipe was over 1024 KiB and "
				    "is not kept)");
			http_response_release(&res);
			goto out;
		}
		msg_debug(1, "HTTP 401: the token was refused; renewing it once");
		renewed = 1;
		http_response_release(&res);
		if ((*renew_rc = auth->renew(auth->ctx, tok, tok)) != 0) {
			rc = API_ERENEW;
			goto out;
		}
	}
	switch (rc) {
	case HTTP_ANSWERED:
		rc = res.answer == HTTP_SUCCESS ? API_OK : report(a, url, &res, "");
		break;
	case HTTP_ENET:
		msg_err("%s %s: %s", a->method, url, why);
		rc = API_ENET;
		break;
	case HTTP_EREDIRECT:
		msg_err("%s %s: %s", a->method, url, why);
		rc = API_EINVALID;
		break;
	case HTTP_ESINK:
		if (s->nomem) {
			msg_err("out of memory");
			rc = API_ENOMEM;
		} else if (s->toobig) {
			msg_err("%s %s: a page is larger than %d MiB", a->method, url,
				API_PAGE_MAX / (1024 * 1024));
			rc = API_EINVALID;
		} else {
			msg_err("write error on %s: %s", a->output ? a->output : "standard output",
				strerror(s->err));
			rc = API_EWRITE;
		}
		break;
	case HTTP_ENOMEM:
		msg_err("out of memory");
		rc = API_ENOMEM;
		break;
	default:
		msg_err("%s", why);
		rc = API_ELIB;
		break;
	}
	http_response_release(&res);
out:
	buf_release(&hdr);
	return rc;
}

/* the URL of the page after CURSOR: ?pageAfter= or &pageAfter=, percent-encoded */
static char *
page_url(const char *url, const char *cursor)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT(64 * 1024);
	const unsigned char *p;
	int rc;

	rc = buf_printf(&b, "%s%cpageAfter=", url, strchr(url, '?') != NULL ? '&' : '?');
	for (p = (const unsigned char *)cursor; *p != '\0' && rc == BUF_OK; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			rc = buf_append(&b, p, 1);
		else
			rc = buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	if (rc != BUF_OK)
		buf_release(&b);
	return b.data; /* NULL when out of memory */
}

static int
to_buf(const char *p, size_t n, void *user)
{
	return buf_append(user, p, n) == BUF_OK ? 0 : -1;
}

/*
 * --paginate: every page in memory, its items joined into one object; a
 * cursor that comes back, or a list longer than API_PAGES_MAX pages, is a
 * list that would never end.  Nothing is written before the last page.
 */
static int
paginate(struct api *a, const struct http_options *opt, struct token *tok,
	 const struct api_auth *auth, int *renew_rc, struct sink *s, struct buf *out)
{
	struct buf page = BUF_INIT(API_PAGE_MAX);
	json_t *items = json_array(), *seen = json_object(), *root = NULL;
	unsigned long failures;
	char *url = NULL;
	const char *cursor;
	int rc = API_ENOMEM, pages;

	if (items == NULL || seen == NULL || (url = strdup(a->url)) == NULL)
		goto nomem;
	s->mem = &page;
	for (pages = 1;; pages++) {
		if (pages > API_PAGES_MAX) {
			msg_err("%s %s: --paginate: more than %d pages", a->method, a->url,
				API_PAGES_MAX);
			rc = API_EINVALID;
			goto out;
		}
		buf_release(&page);
		if ((rc = call(a, opt, url, tok, auth, renew_rc, s)) != API_OK)
			goto out;
		json_decref(root);
		failures = secret_json_alloc_failures();
		root = json_loadb(page.data != NULL ? page.data : "", page.len, 0, NULL);
		/* jansson does not always say that it ran out of memory; its allocator does */
		if (root == NULL && secret_json_alloc_failures() != failures)
			goto nomem;
		if (!json_is_array(json_object_get(root, "items"))) {
			msg_err("%s %s: --paginate: the answer has no list of items", a->method,
				url);
			rc = API_EINVALID;
			goto out;
		}
		if (json_array_extend(items, json_object_get(root, "items")) != 0)
			goto nomem;
		cursor = json_string_value(json_object_get(root, "nextPage"));
		if (cursor == NULL || *cursor == '\0')
			break;
		if (json_object_get(seen, cursor) != NULL) {
			msg_err("%s %s: --paginate: the cursor '%s' came back; the list would "
				"not end",
				a->method, a->url, cursor);
			rc = API_EINVALID;
			goto out;
		}
		free(url);
		url = NULL;
		if (json_object_set_new(seen, cursor, json_true()) != 0 ||
		    (url = page_url(a->url, cursor)) == NULL)
			goto nomem;
	}
	msg_debug(1, "--paginate: %d page%s, %zu items", pages, pages == 1 ? "" : "s",
		  json_array_size(items));
	json_decref(root);
	if ((root = json_pack("{sO}", "items", items)) == NULL ||
	    json_dump_callback(root, to_buf, out, JSON_COMPACT) != 0 ||
	    buf_puts(out, "\n") != BUF_OK)
		goto nomem;
	rc = API_OK;
	goto out;
nomem:
	msg_err("out of memory");
	rc = API_ENOMEM;
out:
	s->mem = NULL;
	free(url);
	json_decref(root);
	json_decref(items);
	json_decref(seen);
	buf_release(&page);
	return rc;
}

int
api_run(struct api *a, const struct http_options *opt, struct token *tok,
	const struct api_auth *auth, int *renew_rc)
{
	struct sink s;
	struct buf out = BUF_INIT(SIZE_MAX / 2);
	int rc;

	memset(&s, 0, sizeof(s));
	s.fd = a->out_tmp != NULL ? a->out_fd : STDOUT_FILENO;
	s.enabled = msg_level >= 0 && isatty(STDERR_FILENO);
	if (a->paginate) {
		rc = paginate(a, opt, tok, auth, renew_rc, &s, &out);
		if (rc == API_OK && to_sink(&s, out.data, out.len) != 0) {
			msg_err("write error on %s: %s", a->output ? a->output : "standard output",
				strerror(s.err));
			rc = API_EWRITE;
		}
	} else {
		rc = call(a, opt, a->url, tok, auth, renew_rc, &s);
	}
	buf_release(&out);
	if (a->out_tmp == NULL)
		return rc;
	if (rc == API_OK && (fsync(a->out_fd) != 0 || close(a->out_fd) != 0)) {
		msg_err("write error on %s: %s", a->output, strerror(errno));
		rc = API_EWRITE;
	} else if (rc != API_OK) {
		close(a->out_fd);
	}
	a->out_fd = -1;
	if (rc == API_OK && rename(a->out_tmp, a->output) != 0) {
		msg_err("--output: cannot rename to '%s': %s", a->output, strerror(errno));
		rc = API_EWRITE;
	}
	if (rc != API_OK)
		unlink(a->out_tmp);
	output_tmp = NULL;
	free(a->out_tmp);
	a->out_tmp = NULL;
	return rc;
}

void
api_release(struct api *a)
{
	if (a == NULL)
		return;
	free(a->url);
	free(a->headers);
	free(a->parts);
	buf_release(&a->kept);
	if (a->fd >= 0)
		close(a->fd);
	if (a->out_tmp != NULL) {
		output_tmp = NULL;
		close(a->out_fd);
		unlink(a->out_tmp);
		free(a->out_tmp);
	}
	api_init(a);
}
