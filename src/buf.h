/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with a hard cap.  Every buffer in nitro-token may
 * hold a secret or a token at some point, so its bytes are wiped before the
 * memory is given back.
 */
#ifndef NITRO_BUF_H
#define NITRO_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len;
	size_t alloc;
	size_t cap; /* appends that would pass this many bytes fail */
};

#define BUF_INIT(c)                                                                                \
	{                                                                                          \
		NULL, 0, 0, (c)                                                                    \
	}

enum buf_status { BUF_OK = 0, BUF_ENOMEM, BUF_ECAP };

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_release(struct buf *b);

#endif
