/* SPDX-License-Identifier: MIT */
/*
 * Out-of-memory injection for the tests, as SQLite tests its allocation
 * failures: an LD_PRELOAD library whose malloc, calloc, realloc and
 * aligned allocations fail the Nth call (FAIL_ALLOC_AT=N, counting from 1)
 * and every one after it.  When FAIL_ALLOC_REACHED names a file, the file
 * is created the moment the Nth call is made, so a walk over N = 1, 2, 3, ...
 * knows when a run no longer allocates that many times.
 *
 * Only calls made from the program itself count (its own code and what is
 * linked into it: jansson, inih, nettle); the allocations of the dynamic
 * loader, libc, libcurl and the TLS library are theirs to handle, and some
 * of them abort rather than fail (glibc's thread-local storage, for one).
 *
 * glibc's own __libc_* entry points do the real work, so no dlsym() (which
 * allocates) is needed to find them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);

static unsigned long calls, fail_at;
static uintptr_t prog_lo, prog_hi;
static const char *reached;
static int ready;

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
		/* this process only: a command it runs allocates as it likes */
		unsetenv("FAIL_ALLOC_AT");
		if (fail_at != 0)
			dl_iterate_phdr(find_program, NULL);
	}
	if (fail_at == 0 || (uintptr_t)caller < prog_lo || (uintptr_t)caller >= prog_hi)
		return 0;
	if (++calls < fail_at)
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
