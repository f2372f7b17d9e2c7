/* SPDX-License-Identifier: MIT */
/* The floor for a cache hit: a process that starts and prints one line. */
#include <stdio.h>

int
main(void)
{
	puts("abc.DEF-123_~+/xyz==");
	return 0;
}
