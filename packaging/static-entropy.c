/* SPDX-License-Identifier: MIT */
/*
 * The static build's entropy source for mbedTLS.  mbedTLS uses getrandom()
 * only on glibc and otherwise reads /dev/urandom, which an empty root or a
 * scratch container may not have; so it is built with
 * MBEDTLS_NO_PLATFORM_ENTROPY and MBEDTLS_ENTROPY_HARDWARE_ALT, and this
 * function, on musl's getrandom(), is its one source.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int
mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
	ssize_t n;

	(void)data;
	*olen = 0;
	while (*olen < len) {
		n = getrandom(output + *olen, len - *olen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*olen += (size_t)n;
	}
	return 0;
}
