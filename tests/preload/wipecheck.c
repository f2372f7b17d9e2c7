/* SPDX-License-Identifier: MIT */
/*
 * The wipe checker: an LD_PRELOAD library whose free() and realloc() look
 * at a block before giving it back, and abort with a message when it still
 * holds the secret named by WIPE_CHECK_SECRET.  A test runs nitro-token
 * under it on every path a secret takes; deleting any secret_wipe() of ours
 * leaves the secret in a freed block, and the run dies.
 *
 * Known exceptions, the one list of them: blocks freed by code we do not
 * own and cannot make wipe, with the reason.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void __libc_free(void *);
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

static void
check(void *p, void *caller)
{
	static const char msg[] = "wipe-check: a freed block still holds the secret\n";
	const char *secret = getenv("WIPE_CHECK_SECRET");
	size_t n;

	if (p == NULL || secret == NULL || *secret == '\0')
		return;
	n = malloc_usable_size(p);
	if (memmem(p, n, secret, strlen(secret)) == NULL || excepted(caller))
		return;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}

void
free(void *p)
{
	check(p, __builtin_return_address(0));
	__libc_free(p);
}

void *
realloc(void *p, size_t n)
{
	/* a block that moves is freed as it is */
	check(p, __builtin_return_address(0));
	return __libc_realloc(p, n);
}
