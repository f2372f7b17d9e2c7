/* SPDX-License-Identifier: MIT */
/*
 * measure OUT COMMAND [ARG...]: run COMMAND once and write "<wall ns>
 * <peak RSS KiB>" to OUT.  The bench runs every contender through this small
 * launcher because a child's peak RSS includes the memory of whoever forked
 * it until exec: forked from Python, every process would weigh 15 MiB.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int status;
	FILE *out;

	if (argc < 3)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (posix_spawnp(&pid, argv[2], NULL, NULL, argv + 2, environ) != 0)
		return 127;
	if (wait4(pid, &status, 0, &ru) != pid)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if ((out = fopen(argv[1], "w")) == NULL)
		return 1;
	fprintf(out, "%lld %ld\n",
		(long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
		ru.ru_maxrss);
	if (fclose(out) != 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
