/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the config file reader (inih with our line reader,
 * key checks, value conversions), fed through a memfd so that it reads a
 * real file descriptor as it does in use.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_args args;
	struct config cfg;
	char path[64];
	int fd;

	if ((fd = memfd_create("config", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&args, 0, sizeof(args));
	args.file = path;
	config_load(&cfg, &args);
	config_release(&cfg);
	close(fd);
	return 0;
}
