/* SPDX-License-Identifier: MIT */
/*
 * The platform differences declared in compat.h.  Each has the system's own
 * mechanism first and a portable fallback last; NITRO_FORCE_FALLBACKS
 * selects the fallbacks everywhere, so that they are built and tested on
 * Linux too.
 */
#include <string.h>

#include "compat.h"

#if !defined(NITRO_FORCE_FALLBACKS)
#if defined(__linux__)
#include <sys/prctl.h>
#define HAVE_EXPLICIT_BZERO  1
#define HAVE_PR_SET_DUMPABLE 1
#elif defined(__FreeBSD__)
#include <sys/procctl.h>
#include <strings.h>
#define HAVE_EXPLICIT_BZERO 1
#define HAVE_PROCCTL	    1
#elif defined(__OpenBSD__) || defined(__NetBSD__) || defined(__DragonFly__)
#include <strings.h>
#define HAVE_EXPLICIT_BZERO 1
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
