/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the OAuth error body parser, and the sanitiser every
 * message passes through: what would reach the terminal is printable ASCII.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msg.h"
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
	char out[960];

	if (token_parse_error((const char *)data, size, &e) == TOKEN_OK) {
		msg_format(out, sizeof(out), "%ld %s: %s see %s", 400L, e.error, e.description,
			   e.uri);
		check_printable(out);
	}
	return 0;
}
