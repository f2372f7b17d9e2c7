/* SPDX-License-Identifier: MIT */
/*
 * The static build's entropy source for mbedTLS.  mbedTLS uses getrandom()
 * only on glibc and otherwise reads /dev/urandom, which an empty root or a
 * scratch container may not have; so it is built with
 * MBEDTLS_NO_PLATFORM_ENTROPY and MBEDTLS_ENTROPY_HARDWARE_ALT, and this
 * function is its one source: musl's getrandom(), and /dev/urandom where
 * the system call is missing (ENOSYS: Linux before 3.17) or refused (EPERM:
 * some seccomp profiles).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/random.h>
#include <unistd.h>

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

/* len bytes from /dev/urandom, or -1 */
static int
from_urandom(unsigned char *output, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	while (got < len) {
		n = read(fd, output + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == len ? 0 : -1;
}

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
		if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
			if (from_urandom(output + *olen, len - *olen) != 0)
				return -1;
			*olen = len;
			break;
		}
		if (n <= 0)
			return -1;
		*olen += (size_t)n;
	}
	return 0;
}
