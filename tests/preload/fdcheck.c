/* SPDX-License-Identifier: MIT */
/*
 * The descriptor checker: an LD_PRELOAD library that ends a run with status
 * 99 and a message when a descriptor it did not start with is still open as
 * the process exits.  The cache entry, its lock, the cache directory, a
 * secret file, a secret command's pipes, $GITHUB_ENV, the keeper's
 * directory: each must be closed on every path, and a close() deleted
 * anywhere in src/ leaves one open.  A leaked descriptor costs a one-shot
 * run nothing, but a keeper that reads the cache entry four times a second
 * for a day runs out of them.
 *
 * It looks from an atexit handler registered before main() runs, so it
 * runs after every handler the program registers.  A run that ends in
 * exec (exec mode) or _exit (a signal) is not looked at, nor is a forked
 * child; the library takes itself out of LD_PRELOAD as it starts, so that
 * the commands the program runs are not checked either.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FD 1024

static unsigned char had[MAX_FD]; /* open when the process started */
static pid_t self;

static void
check(void)
{
	char msg[PATH_MAX + 128], path[64], target[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int fd, bad = 0;
	ssize_t n;

	if (getpid() != self || (d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d) || (fd < MAX_FD && had[fd]))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			n = 0;
		target[n] = '\0';
		n = snprintf(msg, sizeof(msg),
			     "fd-check: descriptor %d (%s) is still open at exit\n", fd, target);
		if (write(2, msg, (size_t)n) < 0)
			break;
		bad = 1;
	}
	closedir(d);
	if (bad)
		_exit(99);
}

__attribute__((constructor)) static void
start(void)
{
	struct dirent *e;
	DIR *d;
	int fd;

	self = getpid();
	unsetenv("LD_PRELOAD");
	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd != dirfd(d) && fd < MAX_FD)
			had[fd] = 1;
	}
	closedir(d);
	atexit(check);
}
