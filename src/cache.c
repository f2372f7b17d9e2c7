/* SPDX-License-Identifier: MIT */
/*
 * The token cache.  One entry per (token URL, client ID, client secret):
 * the file name is the hex SHA-256 of the three, each prefixed with its
 * length, so that a rotated secret finds no entry and the secret itself is
 * written nowhere.  When a command prints the secret, its text stands in
 * for the secret (with another kind, so the two never meet), so that a hit
 * need not run it; a secret rotated behind the same command is then served
 * the old token until it expires or --refresh or --forget.  Entries hold
 * the token, its type, when it was obtained and when it expires.
 *
 * An entry is replaced by writing KEY.tmp, fsync() and rename(): a reader
 * sees the old entry or the new one, never part of one, so a hit reads the
 * entry without any lock.  A miss takes an exclusive flock() on a per-entry
 * lock file and looks again, and holds the lock until the entry is written,
 * so that parallel cold runs make one request between them; writes and
 * --forget take it too.  Since the temporary name is fixed and only written
 * under the lock, a killed writer leaves at most one stale file per entry,
 * which the next writer removes.  A fetch that cannot store its token
 * removes the entry it meant to replace, so that a --refresh on a full disk
 * does not leave the old token to be served.
 *
 * Nothing in the directory is trusted to be what its name says: an entry,
 * a lock or a temporary file that is not a regular file (a FIFO planted to
 * hang us, say) is opened without blocking and then refused.  A cache on a
 * read-only filesystem still serves hits; it just takes no lock and stores
 * nothing.
 *
 * --forget is the one use where the cache is not an optimisation: it
 * succeeds only when no entry remains, and says why otherwise.
 *
 * A token is reused while it stays valid for --min-ttl seconds.  When the
 * server's tokens live no longer than that, the rule could never be met and
 * every run would fetch; such a token is reused for the first half of its
 * life instead, and the run that stores it says so.
 *
 * Otherwise the cache is an optimisation: every failure here is a warning
 * or a miss, never a failed run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <nettle/sha2.h>

#include "cache.h"
#include "clock.h"
#include "io.h"
#include "msg.h"
#include "secret.h"

#define ENTRY_MAX (TOKEN_MAX + 1024)
#define LOCK_POLL 10 /* ms between attempts to take a busy lock */

void
cache_init(struct cache *c)
{
	c->dir = NULL;
	c->dirfd = -1;
	c->lockfd = -1;
	c->readonly = 0;
	c->deadline = 0;
	c->name[0] = '\0';
}

static void unusable(int forget, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Why the cache cannot be used: a run goes on without it, so that is a
 * warning; --forget cannot do its one job, so that is an error.
 */
static void
unusable(int forget, const char *fmt, ...)
{
	char why[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (forget)
		msg_err("cannot forget the cached token: %s", why);
	else
		msg_warn("%s; running without the cache", why);
}

static void
hash_field(struct sha256_ctx *ctx, const char *s)
{
	unsigned char len[8];
	size_t n = strlen(s);
	int i;

	for (i = 7; i >= 0; i--, n >>= 8)
		len[i] = (unsigned char)(n & 0xff);
	sha256_update(ctx, sizeof(len), len);
	sha256_update(ctx, strlen(s), (const uint8_t *)s);
}

static void
entry_name(char out[65], const char *url, const char *client_id, const char *kind,
	   const char *secret)
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	int i;

	sha256_init(&ctx);
	hash_field(&ctx, url);
	hash_field(&ctx, client_id);
	hash_field(&ctx, kind);
	hash_field(&ctx, secret);
	sha256_digest(&ctx, sizeof(d), d);
	secret_wipe(&ctx, sizeof(ctx));
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/* mkdir -p with mode 0700 for every directory it creates */
static int
make_dirs(const char *dir)
{
	char path[PATH_MAX], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * The directory is ours and private, or we do not use it.  -1: it cannot be
 * used (said); -2: --forget found no directory, so there is no entry.
 */
static int
open_dir(const char *dir, int forget)
{
	struct stat st;
	int fd;

	/* mkdir -p only when needed: a cache hit should cost no extra syscalls */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR) && forget)
		return -2;
	if (fd < 0 && errno == ENOENT && make_dirs(dir) == 0)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		unusable(forget, "cache directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		unusable(forget, "cache directory '%s': %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		unusable(forget,
			 "cache directory '%s' is not private to you (needs owner uid %lu, "
			 "mode 0700)",
			 dir, (unsigned long)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

/* the directory for a read or a write; -1 when the cache cannot be used */
static int
use_dir(struct cache *c)
{
	if (c->dir == NULL)
		return -1;
	if (c->dirfd < 0 && (c->dirfd = open_dir(c->dir, 0)) < 0) {
		cache_release(c);
		return -1;
	}
	return 0;
}

/* 0: locked; 1: read-only cache, no lock; -1: no cache (said) */
static int
take_lock(struct cache *c, long long deadline, int forget)
{
	struct stat st;
	char path[80];
	int failed = 0;

	snprintf(path, sizeof(path), "%s.lock", c->name);
	c->lockfd =
	    openat(c->dirfd, path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (c->lockfd < 0 && errno == EROFS) {
		msg_debug(1, "cache: read-only; no lock, nothing is stored");
		return 1;
	}
	if (c->lockfd < 0 || (failed = fstat(c->lockfd, &st) != 0) || !S_ISREG(st.st_mode)) {
		unusable(forget, "cache lock '%s': %s", path,
			 c->lockfd < 0 || failed ? strerror(errno) : "not a regular file");
		return -1;
	}
	while (flock(c->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			unusable(forget, "cache lock '%s': %s", path, strerror(errno));
			return -1;
		}
		if (clock_ms() + LOCK_POLL >= deadline) {
			unusable(forget, "cache lock '%s' still busy after %s", path,
				 forget ? "--timeout" : "half the timeout");
			return -1;
		}
		clock_sleep_ms(LOCK_POLL);
	}
	return 0;
}

/*
 * The lock for a miss or a write.  The holder is fetching the same token:
 * wait for it at most half the time left, so that if it hangs we can still
 * fetch our own within --timeout.  -1: the cache is not to be used.
 */
static int
lock_entry(struct cache *c)
{
	long long now = clock_ms();
	int rc;

	if (c->lockfd >= 0 || c->readonly)
		return 0;
	if ((rc = take_lock(c, now + (c->deadline - now) / 2, 0)) < 0)
		return -1;
	c->readonly = rc == 1;
	return 0;
}

int
cache_open(struct cache *c, const char *dir, const char *url, const char *client_id,
	   const char *kind, const char *secret, long long deadline)
{
	entry_name(c->name, url, client_id, kind, secret);
	c->dir = dir;
	c->deadline = deadline;
	msg_debug(1, "cache: entry %s/%s", dir, c->name);
	return CACHE_OK;
}

static int
read_entry(struct cache *c, struct buf *b)
{
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd, rc = 0;

	fd = openat(c->dirfd, c->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_append(b, chunk, (size_t)n) != BUF_OK) {
			rc = -1;
			break;
		}
	}
	secret_wipe(chunk, sizeof(chunk));
	close(fd);
	return rc;
}

static long long
get_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* a token whose whole life is no longer than --min-ttl: the half-life rule */
static int
short_lived(long long lifetime, long min_ttl)
{
	return lifetime <= min_ttl;
}

enum stored { STORED_OK, STORED_NONE, STORED_DAMAGED, STORED_NOMEM };

/* the entry's token as it was stored, not yet judged */
static enum stored
read_token(struct cache *c, struct token *tok)
{
	struct buf b = BUF_INIT(ENTRY_MAX);
	json_t *root = NULL;
	const char *at, *tt;
	long long obtained, expires;
	char why[128];
	enum stored rc = STORED_DAMAGED;

	memset(tok, 0, sizeof(*tok));
	if (read_entry(c, &b) != 0) {
		rc = STORED_NONE;
		goto out;
	}
	root = json_loadb(b.data != NULL ? b.data : "", b.len, 0, NULL);
	at = json_string_value(json_object_get(root, "access_token"));
	tt = json_string_value(json_object_get(root, "token_type"));
	obtained = get_int(root, "obtained_at");
	expires = get_int(root, "expires_at");
	if (at == NULL || tt == NULL || obtained <= 0 || expires <= obtained ||
	    token_check(at, tt, why, sizeof(why)) != TOKEN_OK)
		goto out;
	tok->access_token = strdup(at);
	tok->token_type = strdup(tt);
	if (tok->access_token == NULL || tok->token_type == NULL) {
		token_release(tok);
		rc = STORED_NOMEM;
		goto out;
	}
	tok->obtained_at = obtained;
	tok->expires_at = expires;
	tok->expires_in = expires - (long long)time(NULL);
	tok->cached = 1;
	rc = STORED_OK;
out:
	json_decref(root);
	buf_release(&b);
	return rc;
}

/* why a stored token is not to be served, or NULL when it is */
static const char *
judge(const struct token *tok, long min_ttl, long long now, char *why, size_t n)
{
	long long obtained = tok->obtained_at, expires = tok->expires_at;

	if (obtained > now)
		return "entry obtained in the future: the clock went back";
	if (now - obtained >= CACHE_MAX_AGE) {
		snprintf(why, n, "entry is older than %d s", CACHE_MAX_AGE);
		return why;
	}
	if (expires <= now)
		return "token expired";
	if (!short_lived(expires - obtained, min_ttl) && expires - now < min_ttl) {
		snprintf(why, n, "token valid for %lld s, less than --min-ttl %ld", expires - now,
			 min_ttl);
		return why;
	}
	/* a token that never lives --min-ttl: reused for the first half of its life */
	if (short_lived(expires - obtained, min_ttl) &&
	    now - obtained >= (expires - obtained + 1) / 2) {
		snprintf(why, n, "token is past half of its %lld s life", expires - obtained);
		return why;
	}
	return NULL;
}

/*
 * Read the entry and judge it.  Why it is a miss is said on the last look
 * only (last != 0), so that -v does not tell it twice.
 */
static int
lookup(struct cache *c, long min_ttl, struct token *tok, int last)
{
	long long now = (long long)time(NULL);
	const char *miss;
	char why[96];
	int say = last ? 1 : INT_MAX;

	switch (read_token(c, tok)) {
	case STORED_OK:
		break;
	case STORED_NONE:
		msg_debug(say, "cache: miss (no entry)");
		return CACHE_MISS;
	case STORED_DAMAGED:
		msg_debug(say, "cache: miss (entry is damaged; it will be replaced)");
		return CACHE_MISS;
	default:
		return CACHE_MISS;
	}
	if ((miss = judge(tok, min_ttl, now, why, sizeof(why))) != NULL) {
		msg_debug(say, "cache: miss (%s)", miss);
		token_release(tok);
		return CACHE_MISS;
	}
	tok->expires_in = tok->expires_at - now;
	msg_debug(1, "cache: hit (token valid for %lld s)", tok->expires_in);
	return CACHE_OK;
}

int
cache_get(struct cache *c, long min_ttl, struct token *tok)
{
	if (use_dir(c) != 0)
		return CACHE_MISS;
	/* entries appear only by rename(): a hit needs no lock */
	if (lookup(c, min_ttl, tok, 0) == CACHE_OK)
		return CACHE_OK;
	/* a miss: wait for a run that is fetching this token, then look again */
	if (lock_entry(c) != 0) {
		cache_release(c);
		return CACHE_MISS;
	}
	return lookup(c, min_ttl, tok, 1);
}

/*
 * A fetched token that cannot be stored: the entry it would have replaced
 * goes, so that later runs are not served the token this run meant to
 * replace (--refresh).  Removing a name needs no lock: a writer that holds
 * it can only put a newer token there.
 */
static void
drop_entry(struct cache *c)
{
	if (unlinkat(c->dirfd, c->name, 0) == 0)
		msg_debug(1, "cache: removed the entry this token could not replace");
	else if (errno != ENOENT)
		msg_warn("cache entry '%s': cannot remove: %s; its token may still be served",
			 c->name, strerror(errno));
}

int
cache_put(struct cache *c, const struct token *tok, long min_ttl)
{
	char tmp[80], *s = NULL;
	unsigned long failures;
	json_t *o;
	int fd = -1, rc = -1;

	if (use_dir(c) != 0)
		return CACHE_EUNUSABLE;
	if (lock_entry(c) != 0) {
		drop_entry(c);
		cache_release(c);
		return CACHE_EUNUSABLE;
	}
	if (c->readonly) {
		msg_debug(1, "cache: read-only, the token is not stored");
		return CACHE_OK;
	}
	if (tok->expires_at <= 0) {
		msg_debug(1, "cache: not storing a token whose lifetime is unknown");
		drop_entry(c);
		return CACHE_OK;
	}
	if (short_lived(tok->expires_at - tok->obtained_at, min_ttl))
		msg_warn("the token lives %lld s, not more than --min-ttl %ld s; "
			 "it is reused for half its life",
			 tok->expires_at - tok->obtained_at, min_ttl);
	o = json_pack("{s:i, s:s, s:s, s:I, s:I}", "version", 1, "access_token", tok->access_token,
		      "token_type", tok->token_type, "obtained_at", (json_int_t)tok->obtained_at,
		      "expires_at", (json_int_t)tok->expires_at);
	failures = secret_json_alloc_failures();
	if (o != NULL)
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	/* jansson drops a key it had no memory for and still returns the rest */
	if (s != NULL && secret_json_alloc_failures() != failures) {
		secret_json_free(s);
		s = NULL;
		errno = ENOMEM;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", c->name);
	if (s == NULL)
		goto out;
	/* whatever a killed writer or anyone else left under this name goes first */
	if (unlinkat(c->dirfd, tmp, 0) != 0 && errno != ENOENT)
		goto out;
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || io_write_all(fd, s, strlen(s), NULL) != 0 ||
	    fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (renameat(c->dirfd, tmp, c->dirfd, c->name) != 0)
		goto out;
	fsync(c->dirfd);
	msg_debug(1, "cache: stored the token");
	rc = 0;
out:
	if (rc != 0) {
		msg_warn("cache entry '%s': cannot write: %s", c->name, strerror(errno));
		unlinkat(c->dirfd, tmp, 0);
		drop_entry(c);
	}
	if (fd >= 0)
		close(fd);
	secret_json_free(s);
	return rc == 0 ? CACHE_OK : CACHE_EUNUSABLE;
}

/*
 * --forget: no entry for this credential set, whether there was one or not.
 * It waits for the lock as long as --timeout allows (a run that holds it may
 * be about to rename an entry into place, which would then remain), and
 * fails, saying why, when an entry may still be there: a directory it cannot
 * use, a lock it cannot take, a filesystem it cannot change.
 */
int
cache_forget(struct cache *c)
{
	struct stat st;
	char tmp[80];
	int err;

	if (c->dir == NULL)
		return CACHE_EUNUSABLE;
	if ((c->dirfd = open_dir(c->dir, 1)) == -2) {
		msg_debug(1, "cache: no cache directory, nothing to forget");
		return CACHE_OK;
	}
	/* a read-only cache (1) is no reason not to try: unlinkat() says */
	if (c->dirfd < 0 || take_lock(c, c->deadline, 1) < 0)
		return CACHE_EUNUSABLE;
	snprintf(tmp, sizeof(tmp), "%s.tmp", c->name);
	unlinkat(c->dirfd, tmp, 0);
	if (unlinkat(c->dirfd, c->name, 0) != 0 && (err = errno) != ENOENT) {
		/* a read-only filesystem refuses even to unlink what is not there */
		if (err == EROFS && fstatat(c->dirfd, c->name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
		    errno == ENOENT) {
			msg_debug(1, "cache: no entry to forget");
			return CACHE_OK;
		}
		msg_err("cannot forget the cached token: cache entry '%s': %s", c->name,
			strerror(err));
		return CACHE_EUNUSABLE;
	}
	msg_debug(1, "cache: entry forgotten");
	return CACHE_OK;
}

void
cache_release(struct cache *c)
{
	if (c->lockfd >= 0)
		close(c->lockfd); /* drops the flock */
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->lockfd = c->dirfd = -1;
	c->dir = NULL;
}

/* where the cache lives unless told: $XDG_CACHE_HOME/nitro-token, else under home */
char *
cache_default_dir(const char *home)
{
	const char *base = getenv("XDG_CACHE_HOME");
	char *out;
	int n;

	if (base != NULL && *base == '/')
		n = asprintf(&out, "%s/nitro-token", base);
	else
		n = asprintf(&out, "%s/.cache/nitro-token", home);
	return n < 0 ? NULL : out;
}

/*
 * --rejected: the API refused the token "rejected".  Called with the lock
 * held, so that of parallel runs refused the same token, the first drops
 * the entry and fetches, and the others find its new token here.  A hit
 * that holds another token is served; one that still holds the rejected
 * token is removed, and the caller fetches and stores as on a miss.
 */
int
cache_get_unless(struct cache *c, long min_ttl, const char *rejected, struct token *tok)
{
	if (use_dir(c) != 0)
		return CACHE_MISS;
	/* of parallel runs that all got a 401, one drops and fetches, the rest wait */
	if (lock_entry(c) != 0) {
		cache_release(c);
		return CACHE_MISS;
	}
	if (lookup(c, min_ttl, tok, 1) != CACHE_OK)
		return CACHE_MISS;
	if (strcmp(tok->access_token, rejected) != 0) {
		msg_debug(1, "cache: the entry holds another token already");
		return CACHE_OK;
	}
	token_release(tok);
	msg_debug(1, "cache: the entry holds the rejected token; it is dropped");
	if (!c->readonly && unlinkat(c->dirfd, c->name, 0) != 0 && errno != ENOENT)
		msg_warn("cache entry '%s': cannot remove: %s; its token may still be served",
			 c->name, strerror(errno));
	return CACHE_MISS;
}

/* --status: the entry's token as stored, whether or not it would be served */
int
cache_peek(struct cache *c, struct token *tok)
{
	memset(tok, 0, sizeof(*tok));
	if (use_dir(c) != 0 || read_token(c, tok) != STORED_OK)
		return CACHE_MISS;
	return CACHE_OK;
}

/* the entry's file name under dir, for --status and for a keeper to watch */
int
cache_entry_path(const struct cache *c, const char *dir, char *out, size_t outsz)
{
	return snprintf(out, outsz, "%s/%s", dir, c->name) < (int)outsz ? 0 : -1;
}
