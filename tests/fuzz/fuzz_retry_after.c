/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the Retry-After parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	long long secs;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	secs = http_retry_after(s, 1700000000);
	if (secs < -1)
		__builtin_trap();
	return 0;
}
