/* SPDX-License-Identifier: MIT */
/*
 * Writing whole: every file nitro-token writes (a cache entry, the keeper's
 * token file, $GITHUB_ENV, an api answer) goes through one write(2) loop.
 */
#ifndef NITRO_IO_H
#define NITRO_IO_H

#include <stddef.h>

/*
 * Write the n bytes at p to fd, going on after EINTR and short writes.
 * Returns 0, or the errno that stopped it (EIO for a write that took
 * nothing); *done, unless done is NULL, is how many bytes went.
 */
int io_write_all(int fd, const void *p, size_t n, size_t *done);

#endif
