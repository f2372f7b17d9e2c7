/* SPDX-License-Identifier: MIT */
/*
 * Monotonic milliseconds, for the one deadline that --timeout sets over the
 * whole run: lock waits, attempts and retry sleeps all count against it.
 */
#ifndef NITRO_CLOCK_H
#define NITRO_CLOCK_H

#include <time.h>

static inline long long
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
clock_sleep_ms(long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

#endif
