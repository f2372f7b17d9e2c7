/* SPDX-License-Identifier: MIT */
/*
 * The platform differences declared in compat.h.  Each has the system's own
 * mechanism first and a portable fallback last; NITRO_FORCE_FALLBACKS
 * selects the fallbacks everywhere, so that they are built and tested on
 * Linux too.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>

#include "compat.h"

#if !defined(NITRO_FORCE_FALLBACKS)
#if defined(__linux__)
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#define HAVE_EXPLICIT_BZERO  1
#define HAVE_PR_SET_DUMPABLE 1
#define HAVE_GETAUXVAL	     1
#define HAVE_GETRANDOM	     1
#if defined(SYS_close_range)
#define HAVE_CLOSE_RANGE 1
#endif
#elif defined(__FreeBSD__)
#include <sys/procctl.h>
#include <strings.h>
#define HAVE_EXPLICIT_BZERO 1
#define HAVE_PROCCTL	    1
#define HAVE_CLOSEFROM	    1
#elif defined(__OpenBSD__) || defined(__NetBSD__) || defined(__DragonFly__)
#include <strings.h>
#define HAVE_EXPLICIT_BZERO 1
#define HAVE_CLOSEFROM	    1
#elif defined(__APPLE__)
#define __STDC_WANT_LIB_EXT1__ 1
#include <sys/types.h>
#include <sys/ptrace.h>
#define HAVE_MEMSET_S	    1
#define HAVE_PT_DENY_ATTACH 1
#endif
#endif

#if defined(HAVE_EXPLICIT_BZERO)
void
compat_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
#elif defined(HAVE_MEMSET_S)
void
compat_wipe(void *p, size_t n)
{
	memset_s(p, n, 0, n);
}
#else
/* a call through a volatile pointer cannot be proven dead, so it stays */
static void *(*volatile wipe_memset)(void *, int, size_t) = memset;

void
compat_wipe(void *p, size_t n)
{
	wipe_memset(p, 0, n);
}
#endif

const char *
compat_no_dump(void)
{
#if defined(HAVE_PR_SET_DUMPABLE)
	/* also keeps other processes of the same user from ptrace-attaching */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return "prctl";
#elif defined(HAVE_PROCCTL)
	int off = PROC_TRACE_CTL_DISABLE;

	procctl(P_PID, 0, PROC_TRACE_CTL, &off);
	return "procctl";
#elif defined(HAVE_PT_DENY_ATTACH)
	ptrace(PT_DENY_ATTACH, 0, 0, 0);
	return "ptrace";
#else
	return "none"; /* RLIMIT_CORE, set by the caller, is all there is */
#endif
}

/*
 * Called in a child between fork() and exec(), so system calls only.  The
 * portable branch tries every number up to the hard limit, not the soft
 * one: a descriptor opened under a higher soft limit stays open when the
 * limit is lowered.
 */
void
compat_close_from(int lowfd)
{
#if defined(HAVE_CLOSEFROM)
	closefrom(lowfd);
#else
	struct rlimit rl;
	rlim_t top;
	int fd;

#if defined(HAVE_CLOSE_RANGE)
	/* Linux 5.9 and later; an older kernel says ENOSYS */
	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0U, 0U) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
	top = rl.rlim_max != RLIM_INFINITY ? rl.rlim_max : rl.rlim_cur;
	/* no limit at all: Linux's own ceiling (fs.nr_open) stands in */
	if (top == RLIM_INFINITY || top > INT_MAX)
		top = 1 << 20;
	for (fd = lowfd; (rlim_t)fd < top; fd++)
		close(fd);
#endif
}

#if defined(HAVE_GETAUXVAL)
/* the program's own dynamic section, which locates it in a static PIE */
extern ElfW(Dyn) _DYNAMIC[] __attribute__((weak));
typedef ElfW(Phdr) elf_phdr;

void
compat_relro(void)
{
	const unsigned char *p = (const void *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM), size = getauxval(AT_PHENT);
	uintptr_t base = 0, start, end, page = getauxval(AT_PAGESZ);
	const elf_phdr *ph, *relro = NULL;

	if (p == NULL || size < sizeof(elf_phdr) || page == 0)
		return;
	/* the load address the way musl's own start-up finds it */
	for (; n > 0; n--, p += size) {
		ph = (const void *)p;
		if (ph->p_type == PT_INTERP)
			return; /* the dynamic linker has done it */
		if (ph->p_type == PT_PHDR)
			base = getauxval(AT_PHDR) - ph->p_vaddr;
		else if (ph->p_type == PT_DYNAMIC && _DYNAMIC != NULL)
			base = (uintptr_t)_DYNAMIC - ph->p_vaddr;
		else if (ph->p_type == PT_GNU_RELRO)
			relro = ph;
	}
	if (relro == NULL)
		return;
	/* whole pages only, as ld.so does: the linker ends the range on a page
	 * boundary, and the partial page before it holds writable data */
	start = (base + relro->p_vaddr) & ~(page - 1);
	end = (base + relro->p_vaddr + relro->p_memsz) & ~(page - 1);
	if (end > start)
		mprotect((void *)start, end - start, PROT_READ);
}
#else
void
compat_relro(void)
{
}
#endif

void
compat_json_seed(void)
{
#if defined(HAVE_GETRANDOM)
	uint32_t seed = 0;

	/* GRND_NONBLOCK: early in boot jansson's own seeding is good enough */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed != 0)
		json_object_seed(seed);
#endif
}
