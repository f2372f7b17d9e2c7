/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the OAuth error body parser and its escaping. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oauth_error e;

	if (token_parse_error((const char *)data, size, &e) == TOKEN_OK) {
		check_printable(e.error);
		check_printable(e.description);
		check_printable(e.uri);
	}
	return 0;
}
