/*
 * Secret handling.  The client secret may arrive on argv, in the environment,
 * in a file or on standard input; wherever it came from, the copy we hold is
 * wiped before it is freed and the process never dumps core while holding it.
 * jansson is told to allocate through a wiping allocator because the request
 * body and the parsed response pass through its memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <jansson.h>

#include "buf.h"
#include "secret.h"

void
secret_harden(void)
{
	struct rlimit rl = {0, 0};

	setrlimit(RLIMIT_CORE, &rl);
#ifdef __linux__
	/* also keeps other processes of the same user from ptrace-attaching */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

void
secret_wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}

/*
 * jansson's free function is not told the size of the block, so each block
 * carries its size in a header that keeps the payload 16-byte aligned.
 */
#define HDR 16

static void *
wiping_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - HDR || (p = malloc(n + HDR)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

static void
wiping_free(void *ptr)
{
	unsigned char *p;
	size_t n;

	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - HDR;
	memcpy(&n, p, sizeof(n));
	explicit_bzero(p, n + HDR);
	free(p);
}

void
secret_use_wiping_json_allocator(void)
{
	json_set_alloc_funcs(wiping_malloc, wiping_free);
}

/* free a string that jansson allocated (json_dumps), with jansson's free */
void
secret_json_free(void *p)
{
	json_free_t free_fn;

	if (p == NULL)
		return;
	json_get_alloc_funcs(NULL, &free_fn);
	free_fn(p);
}

int
secret_read_file(const char *path, char **out, size_t *outlen)
{
	struct buf b = BUF_INIT(SECRET_MAX + 1);
	char chunk[512];
	int fd, rc = SECRET_OK;
	ssize_t n;

	*out = NULL;
	*outlen = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return SECRET_EIO;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = SECRET_EIO;
			break;
		}
		if (n == 0)
			break;
		if ((rc = buf_append(&b, chunk, (size_t)n)) != BUF_OK) {
			rc = rc == BUF_ECAP ? SECRET_ETOOBIG : SECRET_ENOMEM;
			break;
		}
	}
	secret_wipe(chunk, sizeof(chunk));
	if (fd != STDIN_FILENO) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	if (rc == SECRET_OK && b.len > SECRET_MAX)
		rc = SECRET_ETOOBIG;
	if (rc == SECRET_OK && b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	if (rc == SECRET_OK && b.len == 0)
		rc = SECRET_EEMPTY;
	if (rc != SECRET_OK) {
		buf_release(&b);
		return rc;
	}
	*out = b.data;
	*outlen = b.len;
	return SECRET_OK;
}
