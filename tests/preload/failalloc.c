/* SPDX-License-Identifier: MIT */
/*
 * Out-of-memory injection for the tests, as SQLite tests its allocation
 * failures: an LD_PRELOAD library whose malloc, calloc, realloc and
 * aligned allocations fail the Nth call (FAIL_ALLOC_AT=N, counting from 1)
 * and every one after it, or with FAIL_ALLOC_ONCE=1 the Nth alone (so that
 * a failure that is mistaken for something else shows, instead of being
 * hidden by the next allocation's failure).  When FAIL_ALLOC_REACHED names a file, the file
 * is created the moment the Nth call is made, so a walk over N = 1, 2, 3, ...
 * knows when a run no longer allocates that many times.
 *
 * Only calls made from the program itself count (its own code and what is
 * linked into it: jansson, inih, nettle); the allocations of the dynamic
 * loader, libc, libcurl and the TLS library are theirs to handle, and some
 * of them abort rather than fail (glibc's thread-local storage, for one).
 *
 * glibc's own __libc_* entry points do the real work, so no dlsym() (which
 * allocates) is needed to find them.  strdup, strndup and asprintf
 * allocate inside libc, where a malloc is libc's own call, so they are
 * replaced here too: the program's call of them is what counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
int __vasprintf_chk(char **, int, const char *, va_list);

static unsigned long calls, fail_at;
static uintptr_t prog_lo, prog_hi;
static const char *reached;
static int ready, once;

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

/* 1 when this call, made from caller, must fail */
static int
fail_from(void *caller)
{
	const char *s;

	if (!ready) {
		ready = 1;
		s = getenv("FAIL_ALLOC_AT");
		fail_at = s != NULL ? strtoul(s, NULL, 10) : 0;
		reached = getenv("FAIL_ALLOC_REACHED");
		once = getenv("FAIL_ALLOC_ONCE") != NULL;
		/* this process only: a command it runs allocates as it likes */
		unsetenv("FAIL_ALLOC_AT");
		if (fail_at != 0)
			dl_iterate_phdr(find_program, NULL);
	}
	if (fail_at == 0 || (uintptr_t)caller < prog_lo || (uintptr_t)caller >= prog_hi)
		return 0;
	if (++calls < fail_at || (once && calls > fail_at))
		return 0;
	if (calls == fail_at && reached != NULL)
		close(open(reached, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	errno = ENOMEM;
	return 1;
}

#define fail() fail_from(__builtin_return_address(0))

void *
malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	return fail() ? NULL : __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}

int
posix_memalign(void **p, size_t align, size_t n)
{
	if (fail())
		return ENOMEM;
	*p = __libc_memalign(align, n);
	return *p != NULL ? 0 : ENOMEM;
}

void *
aligned_alloc(size_t align, size_t n)
{
	return fail() ? NULL : __libc_memalign(align, n);
}

char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (fail() || (p = __libc_malloc(n)) == NULL)
		return NULL;
	return memcpy(p, s, n);
}

char *
strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p;

	if (fail() || (p = __libc_malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* what _FORTIFY_SOURCE makes of asprintf() */
int
__asprintf_chk(char **out, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fail())
		return -1;
	va_start(ap, fmt);
	n = __vasprintf_chk(out, flag, fmt, ap);
	va_end(ap);
	return n;
}

int
asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fail())
		return -1;
	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}
