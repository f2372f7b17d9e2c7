/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the shell quoters.  Besides memory safety it checks
 * the property that matters: the quoted form of any value is one word that
 * starts and ends with the quote and cannot end early.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* undo sh quoting: '...' runs joined by \' */
static void
check_sh(const char *in, const struct buf *q)
{
	char *out = malloc(q->len + 1), *o = out;
	const char *p = q->data;
	int inside = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\'')
			inside = !inside;
		else if (!inside && p[0] == '\\' && p[1] == '\'')
			*o++ = *++p;
		else if (inside)
			*o++ = *p;
		else
			__builtin_trap(); /* an unquoted byte */
	}
	*o = '\0';
	if (inside || strcmp(in, out) != 0)
		__builtin_trap();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum quote_style st;
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (st = QUOTE_SH; st <= QUOTE_CURL; st++) {
		struct buf q = BUF_INIT(8 * size + 16);
		int rc = output_quote(st, s, &q);

		if (rc == BUF_OK && st == QUOTE_SH)
			check_sh(s, &q);
		if (rc != BUF_OK && st != QUOTE_DOTENV)
			__builtin_trap();
		buf_release(&q);
	}
	free(s);
	return 0;
}
