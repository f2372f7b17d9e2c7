/* SPDX-License-Identifier: MIT */
/*
 * System call failure injection for the tests, beside failalloc: an
 * LD_PRELOAD library that makes the Nth call of one function fail with
 * one errno (FAIL_CALL=read FAIL_CALL_AT=N FAIL_CALL_ERRNO=EIO, counting
 * from 1), and only that call, so that a walk over N = 1, 2, 3, ... meets
 * every place the program makes the call, and a transient error (EINTR,
 * EAGAIN) is seen to be retried.  When FAIL_CALL_REACHED names a file, it
 * is created the moment the Nth call is made, so the walk knows when a run
 * no longer makes that many.  FAIL_CALL_ERRNO=STOP fails nothing: the
 * process stops itself (SIGSTOP) at the Nth call, after FAIL_CALL_REACHED
 * is made, and makes the call when it is continued, so that a test can
 * send a signal at that very point.
 *
 * The calls are the ones through which nitro-token touches the world
 * outside its memory on a path where a failure has a rule: open, openat,
 * fstat and read for the config, secret and cache files; write, fsync,
 * fchmod, close, renameat, unlinkat and mkdir for the cache's atomic
 * replace and for $GITHUB_ENV; flock for the cache lock; pipe, fork and
 * poll for a secret command and for reading a secret by a deadline; fdopen
 * and setenv, which fail for want of memory.  (stdio writes stdout and
 * stderr through libc's internal calls, which no LD_PRELOAD library sees:
 * a full or closed stdout is tested with /dev/full and closed pipes.)
 *
 * Only calls made from the program itself count (its own code and what is
 * linked into it: jansson, inih, nettle), as in failalloc: libcurl, which
 * is dlopen()ed, makes its own reads, writes and polls on the socket, and
 * the loader and libc theirs; a network failure is the fake server's to
 * stage (tests/network.bats), not ours.  A forked child (the secret
 * command, before its exec) fails nothing, and the variables are removed
 * from the environment, so a command that nitro-token runs is not touched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *name;
	int value;
} errnos[] = {
    {"EACCES", EACCES}, {"EAGAIN", EAGAIN}, {"EBADF", EBADF},	{"EDQUOT", EDQUOT},
    {"EEXIST", EEXIST}, {"EINTR", EINTR},   {"EIO", EIO},	{"EMFILE", EMFILE},
    {"ENFILE", ENFILE}, {"ENOENT", ENOENT}, {"ENOMEM", ENOMEM}, {"ENOSPC", ENOSPC},
    {"EPERM", EPERM},	{"EROFS", EROFS},   {"ENOLCK", ENOLCK},
};

static char which[32];
static unsigned long calls, fail_at;
static int fail_errno = EIO;
static int stop; /* FAIL_CALL_ERRNO=STOP */
static uintptr_t prog_lo, prog_hi;
static char reached[4096];

/* the address range of the program's own loaded segments: the first object */
static int
find_program(struct dl_phdr_info *info, size_t size, void *data)
{
	int i;

	(void)size;
	(void)data;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;

		if (ph->p_type != PT_LOAD)
			continue;
		if (prog_lo == 0 || lo < prog_lo)
			prog_lo = lo;
		if (hi > prog_hi)
			prog_hi = hi;
	}
	return 1; /* the program is the first; stop */
}

__attribute__((constructor)) static void
setup(void)
{
	const char *s = getenv("FAIL_CALL"), *at = getenv("FAIL_CALL_AT"),
		   *e = getenv("FAIL_CALL_ERRNO"), *r = getenv("FAIL_CALL_REACHED");
	size_t i;

	if (s == NULL || at == NULL || strlen(s) >= sizeof(which))
		return;
	strcpy(which, s);
	fail_at = strtoul(at, NULL, 10);
	if (e != NULL && strcmp(e, "STOP") == 0)
		stop = 1;
	else if (e != NULL) {
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(e, errnos[i].name) == 0)
				fail_errno = errnos[i].value;
	}
	if (r != NULL && strlen(r) < sizeof(reached))
		strcpy(reached, r);
	/* this process only: a command it runs makes its calls as it likes */
	unsetenv("FAIL_CALL");
	unsetenv("FAIL_CALL_AT");
	unsetenv("FAIL_CALL_ERRNO");
	unsetenv("FAIL_CALL_REACHED");
	dl_iterate_phdr(find_program, NULL);
}

static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

/* 1 when this call of name, made from caller, must fail (errno is set) */
static int
fail_from(const char *name, void *caller)
{
	if (fail_at == 0 || strcmp(name, which) != 0 || (uintptr_t)caller < prog_lo ||
	    (uintptr_t)caller >= prog_hi)
		return 0;
	if (++calls != fail_at)
		return 0;
	if (reached[0] != '\0') {
		int (*o)(const char *, int, ...) = real("open");
		int fd = o(reached, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0)
			((int (*)(int))real("close"))(fd);
	}
	if (stop) {
		raise(SIGSTOP);
		return 0;
	}
	errno = fail_errno;
	return 1;
}

#define FAIL(name) fail_from(name, __builtin_return_address(0))

int
open(const char *path, int flags, ...)
{
	static int (*f)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (FAIL("open"))
		return -1;
	if (f == NULL)
		f = real("open");
	return f(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	static int (*f)(int, const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (FAIL("openat"))
		return -1;
	if (f == NULL)
		f = real("openat");
	return f(dirfd, path, flags, mode);
}

/* the simple ones: same arguments, -1 (or NULL) and errno on failure */
#define WRAP(ret, name, bad, params, args)                                                         \
	ret name params                                                                            \
	{                                                                                          \
		static ret(*f) params;                                                             \
		if (FAIL(#name))                                                                   \
			return bad;                                                                \
		if (f == NULL)                                                                     \
			f = real(#name);                                                           \
		return f args;                                                                     \
	}

WRAP(ssize_t, read, -1, (int fd, void *p, size_t n), (fd, p, n))
WRAP(ssize_t, write, -1, (int fd, const void *p, size_t n), (fd, p, n))
WRAP(int, fstat, -1, (int fd, struct stat *st), (fd, st))
WRAP(int, flock, -1, (int fd, int op), (fd, op))
WRAP(int, pipe, -1, (int p[2]), (p))
WRAP(int, poll, -1, (struct pollfd * p, nfds_t n, int ms), (p, n, ms))
WRAP(int, renameat, -1, (int a, const char *p, int b, const char *q), (a, p, b, q))
WRAP(int, unlinkat, -1, (int d, const char *p, int fl), (d, p, fl))
WRAP(int, fsync, -1, (int fd), (fd))
WRAP(int, fchmod, -1, (int fd, mode_t m), (fd, m))
WRAP(int, mkdir, -1, (const char *p, mode_t m), (p, m))
WRAP(FILE *, fdopen, NULL, (int fd, const char *m), (fd, m))
WRAP(int, setenv, -1, (const char *n, const char *v, int o), (n, v, o))

/* Linux closes the descriptor even when close() fails: so do we */
int
close(int fd)
{
	static int (*f)(int);
	int fail = FAIL("close"), rc;

	if (f == NULL)
		f = real("close");
	rc = f(fd);
	if (!fail)
		return rc;
	errno = fail_errno;
	return -1;
}

pid_t
fork(void)
{
	static pid_t (*f)(void);
	pid_t pid;

	if (FAIL("fork"))
		return -1;
	if (f == NULL)
		f = real("fork");
	if ((pid = f()) == 0)
		fail_at = 0; /* the child fails nothing */
	return pid;
}
