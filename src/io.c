/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <unistd.h>

#include "io.h"

int
io_write_all(int fd, const void *p, size_t n, size_t *done)
{
	const char *at = p;
	size_t left = n;
	ssize_t w;
	int err = 0;

	while (left > 0) {
		if ((w = write(fd, at, left)) < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			break;
		}
		at += w;
		left -= (size_t)w;
	}
	if (done != NULL)
		*done = n - left;
	return err;
}
