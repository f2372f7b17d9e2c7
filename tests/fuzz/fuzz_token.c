/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the 200 response parser, then every output format. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token tok;
	char why[256];
	int fmt;

	if (token_parse((const char *)data, size, 1700000000, &tok, why, sizeof(why)) != TOKEN_OK)
		return 0;
	for (fmt = FMT_TOKEN; fmt <= FMT_CURL; fmt++) {
		struct buf out = BUF_INIT(4 * TOKEN_MAX);

		/* a parsed token must render in every format */
		if (output_render((enum format)fmt, &tok, &out) != BUF_OK)
			__builtin_trap();
		buf_release(&out);
	}
	token_release(&tok);
	return 0;
}
