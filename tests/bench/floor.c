/* SPDX-License-Identifier: MIT */
/*
 * The floor for a cache hit: what any hit must do at the least.  Start,
 * read a 300-byte file (the entry) and write 100 bytes of it (the token).
 */
#include <fcntl.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char buf[300];
	ssize_t n;
	int fd;

	if (argc < 2 || (fd = open(argv[1], O_RDONLY)) < 0)
		return 1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 100)
		return 1;
	return write(1, buf, 100) == 100 ? 0 : 1;
}
