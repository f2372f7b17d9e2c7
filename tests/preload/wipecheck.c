/* SPDX-License-Identifier: MIT */
/*
 * The wipe checker: an LD_PRELOAD library that aborts the run, with a
 * message, when a copy of the secret named by WIPE_CHECK_SECRET outlives
 * its use.  It looks twice:
 *
 * - as a block is freed (free, and realloc, which may move it): a block
 *   that still holds the secret was not wiped before it was given back;
 * - as the process exits: every writable mapping of /proc/self/maps (the
 *   stack, the heap, the program's .data and .bss, anonymous memory) is
 *   searched for the secret, which finds the copies that never pass
 *   through free: stack buffers, static ones, inih's line buffer on its
 *   stack, a block never freed at all.
 *
 * So deleting any secret_wipe() or secret_free() of ours leaves the secret
 * somewhere, and the run dies.  WIPE_CHECK_TOKEN names a second string, the
 * access token, which is looked for in freed blocks only: it must reach
 * stdout, and stdio's buffer, which libc frees unwiped, cannot be told from
 * ours in a scan.  The exit scan runs from an atexit handler
 * that keeps its own frame small and its buffer outside the stack, so that
 * it overwrites as little as possible of the stack it searches.  A run that
 * ends in exec (exec mode) or _exit (a signal) throws its memory away with
 * no exit scan; its frees are still checked.
 *
 * Not ours, the one list of exceptions:
 * - the environment strings the process was started with (NITRO_CLIENT_SECRET,
 *   and WIPE_CHECK_SECRET itself): the caller's, not a copy we made;
 * - blocks freed by code we do not own and cannot make wipe, listed below
 *   with the reason: the checker wipes them itself as they are freed, so
 *   that the exit scan does not meet them again.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void __libc_free(void *);
void *__libc_malloc(size_t);
void *__libc_realloc(void *, size_t);

static const struct {
	const char *object, *why;
} exceptions[] = {
    {"libcurl", "copies the request body into its own send buffer to write it"},
    {"libssl", "holds the plaintext of a TLS record while it encrypts it"},
    {"libcrypto", "works on TLS records in its own buffers"},
    {"libnghttp2", "frames the request body itself, for HTTP/2"},
    {"libc.so", "its own buffers (stdio, the environment); nitro-token reads secrets "
		"with read(2) into its own memory, never through stdio"},
};

/* the environment strings as the process was started: the caller's */
static uintptr_t env_lo, env_hi;
/* the low end of the main thread's stack, as it was mapped at the start */
static uintptr_t stack_lo;
static int in_stack_scan;

/* 1 when the code at addr belongs to an object on the exception list */
static int
excepted(void *addr)
{
	Dl_info info;
	size_t i;

	if (dladdr(addr, &info) == 0 || info.dli_fname == NULL)
		return 0;
	for (i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]); i++)
		if (strstr(info.dli_fname, exceptions[i].object) != NULL)
			return 1;
	return 0;
}

/* the variables' own strings, kept when the variables are removed in setup() */
static const char *the_secret, *the_token;

static const char *
secret(void)
{
	return the_secret;
}

static void
die(const char *msg, size_t n)
{
	if (write(STDERR_FILENO, msg, n) < 0)
		abort();
	abort();
}

/* 1 when the block at p holds the secret or the token */
static int
holds(void *p)
{
	const char *s = secret(), *t = the_token;
	size_t n;

	if (p == NULL)
		return 0;
	n = malloc_usable_size(p);
	return (s != NULL && memmem(p, n, s, strlen(s)) != NULL) ||
	       (t != NULL && memmem(p, n, t, strlen(t)) != NULL);
}

/* a block about to be freed or moved: wiped by us when not ours, else it must be */
static void
check(void *p, void *caller)
{
	static const char msg[] = "wipe-check: a freed block still holds the secret\n";

	if (!holds(p))
		return;
	if (!excepted(caller))
		die(msg, sizeof(msg) - 1);
	explicit_bzero(p, malloc_usable_size(p));
}

/*
 * Everything below the current frame is stack that no function is using:
 * a secret there was left by one that returned without wiping it.  Looked
 * at on every free(), which comes often enough that a dead frame is seen
 * before a later call overwrites it (inih's line buffer, a stack copy).
 */
static void
scan_stack(void)
{
	static const char msg[] = "wipe-check: a stack frame left the secret behind\n";
	const char *s = secret();
	char here;
	uintptr_t top = (uintptr_t)&here - 256;

	if (s == NULL || stack_lo == 0 || in_stack_scan || top <= stack_lo ||
	    (uintptr_t)&here > env_lo)
		return;
	in_stack_scan = 1;
	if (memmem((void *)stack_lo, top - stack_lo, s, strlen(s)) != NULL)
		die(msg, sizeof(msg) - 1);
	in_stack_scan = 0;
}

void
free(void *p)
{
	check(p, __builtin_return_address(0));
	scan_stack();
	__libc_free(p);
}

/* the program's own calls of these are moments to look at the stack, too */
int
fclose(FILE *fp)
{
	static int (*f)(FILE *);

	scan_stack();
	if (f == NULL)
		f = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
	return f(fp);
}

int
close(int fd)
{
	static int (*f)(int);

	scan_stack();
	if (f == NULL)
		f = (int (*)(int))dlsym(RTLD_NEXT, "close");
	return f(fd);
}

void *
malloc(size_t n)
{
	scan_stack();
	return __libc_malloc(n);
}

void *
realloc(void *p, size_t n)
{
	void *caller = __builtin_return_address(0), *q;
	size_t old;

	scan_stack();
	if (!holds(p) || n == 0) {
		check(p, caller);
		return __libc_realloc(p, n);
	}
	if (!excepted(caller)) {
		check(p, caller);
		return NULL;
	}
	/* a block of theirs that may move: moved by us, so the old place is wiped */
	if ((q = __libc_malloc(n)) == NULL)
		return NULL;
	old = malloc_usable_size(p);
	memcpy(q, p, old < n ? old : n);
	explicit_bzero(p, old);
	__libc_free(p);
	return q;
}

/* "7f00-7f10 rw-p ..." : the numbers, the permissions and the name */
static int
parse_line(const char *l, uintptr_t *lo, uintptr_t *hi, const char **perms, const char **name)
{
	char *end;
	int field;

	*lo = (uintptr_t)strtoull(l, &end, 16);
	if (*end != '-')
		return -1;
	*hi = (uintptr_t)strtoull(end + 1, &end, 16);
	if (*end != ' ')
		return -1;
	*perms = end + 1;
	/* the name is the sixth field, after perms, offset, dev and inode */
	for (field = 1, l = end + 1; *l != '\n' && *l != '\0' && field < 5; field++) {
		l = strchr(l, ' ');
		if (l == NULL)
			return -1;
		while (*l == ' ')
			l++;
	}
	*name = l;
	return 0;
}

static int
object_excepted(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]); i++)
		if (memmem(name, n, exceptions[i].object, strlen(exceptions[i].object)) != NULL)
			return 1;
	return memmem(name, n, "wipecheck.so", 12) != NULL;
}

/* say where: "wipe-check: the secret is still in memory at exit ([heap]+0x1a0)" */
static void
found(const char *name, size_t n, uintptr_t off)
{
	static char msg[512];
	static const char head[] = "wipe-check: the secret is still in memory at exit (";
	size_t o = sizeof(head) - 1, i;
	int shift;

	memcpy(msg, head, o);
	if (n == 0) {
		memcpy(msg + o, "anonymous", 9);
		o += 9;
	} else {
		if (n > 300)
			n = 300;
		memcpy(msg + o, name, n);
		o += n;
	}
	memcpy(msg + o, "+0x", 3);
	o += 3;
	for (shift = 60, i = 0; shift >= 0; shift -= 4) {
		unsigned d = (unsigned)(off >> shift) & 15;

		if (d != 0 || i != 0 || shift == 0) {
			msg[o++] = "0123456789abcdef"[d];
			i = 1;
		}
	}
	memcpy(msg + o, ")\n", 2);
	o += 2;
	die(msg, o);
}

/* at exit: no writable memory of ours holds the secret */
static void
scan(void)
{
	static const size_t bufsz = 1 << 20;
	const char *s = secret(), *perms, *name, *l, *nl, *hit;
	uintptr_t lo, hi, from;
	size_t n, len, got = 0;
	char *buf;
	ssize_t r;
	int fd;

	if (s == NULL)
		return;
	len = strlen(s);
	buf = mmap(NULL, bufsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || (fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		abort();
	while (got < bufsz - 1 && (r = read(fd, buf + got, bufsz - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	for (l = buf; *l != '\0'; l = nl + 1) {
		if ((nl = strchr(l, '\n')) == NULL)
			break;
		if (parse_line(l, &lo, &hi, &perms, &name) != 0 || perms[1] != 'w' ||
		    object_excepted(name, (size_t)(nl - name)) ||
		    ((uintptr_t)buf >= lo && (uintptr_t)buf < hi))
			continue;
		for (from = lo; from < hi; from = (uintptr_t)hit + 1) {
			n = hi - from;
			if ((hit = memmem((void *)from, n, s, len)) == NULL)
				break;
			if ((uintptr_t)hit >= env_lo && (uintptr_t)hit < env_hi)
				continue;
			found(name, (size_t)(nl - name), (uintptr_t)hit - lo);
		}
	}
	munmap(buf, bufsz);
}

/* the start of the [stack] mapping (0 when it cannot be found) */
static uintptr_t
find_stack(void)
{
	static char buf[1 << 16];
	const char *p;
	size_t got = 0;
	ssize_t r;
	int fd;

	if ((fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	while (got < sizeof(buf) - 1 && (r = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	if ((p = strstr(buf, " [stack]\n")) == NULL)
		return 0;
	while (p > buf && p[-1] != '\n')
		p--;
	return (uintptr_t)strtoull(p, NULL, 16);
}

__attribute__((constructor)) static void
setup(void)
{
	extern char **environ;
	Dl_info info;
	char **e;

	/*
	 * A lazily bound call saves the vector registers on the stack, where a
	 * memcpy may have left the secret: what dladdr needs is bound now (the
	 * tests run with LD_BIND_NOW=1 for everything else).
	 */
	dladdr((void *)setup, &info);

	for (e = environ; e != NULL && *e != NULL; e++) {
		uintptr_t lo = (uintptr_t)*e, hi = lo + strlen(*e) + 1;

		if (env_lo == 0 || lo < env_lo)
			env_lo = lo;
		if (hi > env_hi)
			env_hi = hi;
	}
	if ((the_secret = getenv("WIPE_CHECK_SECRET")) != NULL && *the_secret == '\0')
		the_secret = NULL;
	if ((the_token = getenv("WIPE_CHECK_TOKEN")) != NULL && *the_token == '\0')
		the_token = NULL;
	/* this process only: a command that it runs is not ours to check */
	unsetenv("WIPE_CHECK_SECRET");
	unsetenv("WIPE_CHECK_TOKEN");
	stack_lo = find_stack();
	atexit(scan);
}
