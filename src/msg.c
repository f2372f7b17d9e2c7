/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics on stderr in one format, and the one sanitiser that every
 * message passes through on its way out.  Messages carry text we did not
 * write (server error descriptions, libcurl's error buffer, certificate
 * subjects, file contents, option names typed by the user), so rather than
 * trusting each caller to escape what it quotes, the whole line is escaped
 * here: every byte outside printable ASCII becomes \xHH, and the user name
 * and password of any URL become "[redacted]".  Nothing here ever writes to
 * stdout: stdout carries only the token.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

#define LINE_MAX_ 2048

int msg_level;

/* a byte that ends a word in which a URL could stand */
static int
word_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '<' ||
	       c == '>' || c == '(' || c == ')' || c == ',';
}

/*
 * Copy src to dst with the userinfo of every URL replaced: "scheme://u:p@h"
 * and the scheme-less "u:p@h" that proxy variables allow.  An address such
 * as "name@example.com" (no colon before the "@") is left alone.
 */
static void
redact_userinfo(char *dst, size_t dstsz, const char *src)
{
	size_t o = 0;

	while (*src != '\0' && o + 1 < dstsz) {
		const char *w = src, *auth, *at = NULL, *p, *scheme;
		size_t n;

		if (word_end(*src)) {
			dst[o++] = *src++;
			continue;
		}
		while (!word_end(*src))
			src++;
		scheme = strstr(w, "://");
		auth = scheme != NULL && scheme < src ? scheme + 3 : w;
		for (p = auth; p < src && *p != '/' && *p != '?' && *p != '#'; p++)
			if (*p == '@')
				at = p;
		if (at != NULL && (auth != w || memchr(auth, ':', (size_t)(at - auth)) != NULL)) {
			n = snprintf(dst + o, dstsz - o, "%.*s[redacted]", (int)(auth - w), w);
			o = n < dstsz - o ? o + n : dstsz - 1;
			w = at;
		}
		n = (size_t)(src - w);
		if (n > dstsz - 1 - o)
			n = dstsz - 1 - o;
		memcpy(dst + o, w, n);
		o += n;
	}
	dst[o] = '\0';
}

/*
 * Copy src into dst (size dstsz > 4) with every byte outside printable ASCII
 * written as \xHH and a backslash doubled, cut with "..." when it does not
 * fit.
 */
static void
sanitize(char *dst, size_t dstsz, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : (c == '\\' ? 2 : 4);

		if (o + need + 4 > dstsz) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 1) {
			dst[o++] = (char)c;
		} else if (need == 2) {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
}

static void vformat(char *out, size_t outsz, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vformat(char *out, size_t outsz, const char *fmt, va_list ap)
{
	char line[LINE_MAX_], redacted[LINE_MAX_];

	if (vsnprintf(line, sizeof(line), fmt, ap) >= (int)sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	redact_userinfo(redacted, sizeof(redacted), line);
	sanitize(out, outsz, redacted);
}

/* a message as it would be printed, into out (the fuzz harnesses check it) */
void
msg_format(char *out, size_t outsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(out, outsz, fmt, ap);
	va_end(ap);
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char clean[960];

	vformat(clean, sizeof(clean), fmt, ap);
	/* one write per message, so parallel runs do not interleave mid-line */
	fprintf(stderr, "%s: %s%s\n", PROGNAME, prefix, clean);
}

void
msg_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < 0)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
msg_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (msg_level < level)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}
