/* SPDX-License-Identifier: MIT */
/*
 * nogetrandom ERRNO PROGRAM [ARG...]: runs PROGRAM with the getrandom()
 * system call failing with ERRNO (ENOSYS, as on Linux before 3.17, or EPERM,
 * as some seccomp profiles answer).  A seccomp filter does it, so that it
 * reaches a static binary, which no LD_PRELOAD library does, and every
 * child of PROGRAM.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#else
#error "nogetrandom: add this architecture's AUDIT_ARCH"
#endif

int
main(int argc, char **argv)
{
	unsigned int err;

	if (argc < 3) {
		fprintf(stderr, "usage: nogetrandom ENOSYS|EPERM PROGRAM [ARG...]\n");
		return 2;
	}
	if (strcmp(argv[1], "ENOSYS") == 0)
		err = ENOSYS;
	else if (strcmp(argv[1], "EPERM") == 0)
		err = EPERM;
	else {
		fprintf(stderr, "nogetrandom: unknown errno: %s\n", argv[1]);
		return 2;
	}

	struct sock_filter filter[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getrandom, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
	    .len = sizeof(filter) / sizeof(filter[0]),
	    .filter = filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("nogetrandom: seccomp");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("nogetrandom: exec");
	return 127;
}
