/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a hard cap, wiped on release.  Used for the
 * request body, the response body and the rendered output, so that nothing
 * that carried a secret or a token is left in freed memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compat.h"

static int
buf_grow(struct buf *b, size_t need)
{
	size_t nalloc;
	char *p;

	if (need > b->cap)
		return BUF_ECAP;
	if (need + 1 <= b->alloc)
		return BUF_OK;
	nalloc = b->alloc ? b->alloc : 256;
	while (nalloc < need + 1)
		nalloc *= 2;
	if (nalloc > b->cap + 1)
		nalloc = b->cap + 1;
	/* no realloc: the old block may hold a secret and must be wiped */
	if ((p = malloc(nalloc)) == NULL)
		return BUF_ENOMEM;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		compat_wipe(b->data, b->alloc);
		free(b->data);
	}
	b->data = p;
	b->alloc = nalloc;
	return BUF_OK;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	int rc;

	if (n > b->cap || b->len > b->cap - n)
		return BUF_ECAP;
	if ((rc = buf_grow(b, b->len + n)) != BUF_OK)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return BUF_OK;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n, rc;
	char *big;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return BUF_ENOMEM;
	if ((size_t)n < sizeof(small)) {
		rc = buf_append(b, small, (size_t)n);
		compat_wipe(small, sizeof(small));
		return rc;
	}
	if ((big = malloc((size_t)n + 1)) == NULL)
		return BUF_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_append(b, big, (size_t)n);
	compat_wipe(big, (size_t)n + 1);
	free(big);
	return rc;
}

void
buf_release(struct buf *b)
{
	if (b->data != NULL) {
		compat_wipe(b->data, b->alloc);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->alloc = 0;
}
