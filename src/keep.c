/* SPDX-License-Identifier: MIT */
/*
 * --keep-fresh: nitro-token stays the parent of COMMAND instead of becoming
 * it, and keeps a file that holds a good token for as long as COMMAND runs.
 * There is no daemon: the keeper lives and dies with its one child.
 *
 * The file is "token" in a directory of its own, made by mkdtemp() (so
 * 0700) under $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp, and named after
 * the keeper's process ID.  Its content is replaced by writing token.tmp
 * (0600) and rename(), so a reader sees the old token or the new one, never
 * part of either.  It is renewed when a run with the same --min-ttl would no
 * longer reuse the cached token (--min-ttl before its end, or half-way
 * through a life shorter than that), and at once when the cache entry
 * changes under us: a --rejected run by anyone replaced a revoked token.
 * The entry's bytes are checked four times a second, and it is read through
 * the cache only when they changed.  A renewal that fails is tried again with a doubling
 * pause; the old token stays until it expires, then the file is emptied: it
 * never holds a token known to be dead.
 *
 * SIGINT, SIGTERM and SIGHUP are passed on to COMMAND, and the keeper waits
 * for it: its exit status is COMMAND's, 128 + N when signal N killed it.
 * The directory goes when COMMAND ends.  A keeper killed outright (SIGKILL)
 * cannot clean up; the next keeper of the same user removes a directory
 * whose keeper process is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "keep.h"
#include "msg.h"
#include "output.h"
#include "secret.h"

#define DIR_PREFIX  "nitro-token."
#define FILE_NAME   "token"
#define TMP_NAME    "token.tmp"
#define WATCH_MS    250
#define BACKOFF_MAX 60 /* seconds between failed renewals, at most */
#define ENV_FILE    "NITRO_ACCESS_TOKEN_FILE"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};

static volatile sig_atomic_t child_pid; /* 0 until COMMAND runs, and once it is reaped */
static volatile sig_atomic_t early_sig; /* a signal that came before COMMAND ran */
static int wake[2] = {-1, -1};		/* the handler writes a byte: poll() returns */

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig != SIGCHLD) {
		if (child_pid > 0)
			kill((pid_t)child_pid, sig);
		else
			early_sig = sig;
	}
	if (write(wake[1], &c, 1) < 0) {
		/* the pipe is full: poll() will return anyway */
	}
	errno = saved;
}

/* where the directory goes: the first of these that is an absolute path */
static const char *
base_dir(void)
{
	const char *v[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR")};
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] != NULL && v[i][0] == '/' && stat(v[i], &st) == 0 && S_ISDIR(st.st_mode))
			return v[i];
	return "/tmp";
}

static void
remove_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		unlinkat(fd, FILE_NAME, 0);
		unlinkat(fd, TMP_NAME, 0);
		close(fd);
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* the directories of our keepers that were killed outright: their process is gone */
static void
sweep(const char *base)
{
	struct dirent *de;
	struct stat st;
	char *end;
	long pid;
	DIR *d;

	if ((d = opendir(base)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + strlen(DIR_PREFIX), &end, 10);
		if (errno != 0 || *end != '.' || pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		msg_debug(1, "keep-fresh: removing '%s/%s', left by process %ld", base, de->d_name,
			  pid);
		remove_dir(dirfd(d), de->d_name);
	}
	closedir(d);
}

/* the file holds the token and a newline, or nothing (tok NULL) */
static int
put_file(int dirfd, const struct token *tok)
{
	int fd, rc = -1;

	if (unlinkat(dirfd, TMP_NAME, 0) != 0 && errno != ENOENT)
		return -1;
	fd = openat(dirfd, TMP_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (tok == NULL ||
	    (io_write_all(fd, tok->access_token, strlen(tok->access_token), NULL) == 0 &&
	     io_write_all(fd, "\n", 1, NULL) == 0))
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && renameat(dirfd, TMP_NAME, dirfd, FILE_NAME) != 0)
		rc = -1;
	if (rc != 0)
		unlinkat(dirfd, TMP_NAME, 0);
	return rc;
}

/* when a run with this --min-ttl would no longer reuse tok; 0: never */
static long long
due(const struct token *tok, long min_ttl)
{
	long long life = tok->expires_at - tok->obtained_at;

	if (tok->expires_at <= 0)
		return 0;
	if (life <= min_ttl)
		return tok->obtained_at + (life + 1) / 2;
	return tok->expires_at - min_ttl;
}

/*
 * A fingerprint of the entry: its bytes, hashed (FNV-1a).  Its inode and
 * mtime would be cheaper but do not do: the file that replaces an entry
 * within the same second often gets the inode just freed.  An entry is a
 * few hundred bytes, read four times a second.
 */
static void
stamp(const char *path, char *out, size_t outsz)
{
	unsigned long long h = 1469598103934665603ULL;
	unsigned char chunk[512];
	ssize_t n, i;
	int fd;

	snprintf(out, outsz, "none");
	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ chunk[i]) * 1099511628211ULL;
	close(fd);
	secret_wipe(chunk, sizeof(chunk));
	snprintf(out, outsz, "%016llx", h);
}

struct state {
	const struct keep *k;
	const char *path; /* the file, for messages */
	int dirfd;
	struct token tok; /* what the file holds; owned */
	int empty;	  /* the file was emptied: the token expired */
	long long due, retry_at, backoff;
	char stamp[128];
};

/* tok is a new token: into the file, and ours; 0 when it was taken */
static int
install(struct state *s, struct token *tok)
{
	if (s->tok.access_token != NULL && !s->empty &&
	    strcmp(tok->access_token, s->tok.access_token) == 0 &&
	    tok->expires_at == s->tok.expires_at) {
		token_release(tok);
		return -1;
	}
	if (put_file(s->dirfd, tok) != 0) {
		msg_warn("keep-fresh: cannot write '%s': %s", s->path, strerror(errno));
		token_release(tok);
		return -1;
	}
	token_release(&s->tok);
	s->tok = *tok;
	memset(tok, 0, sizeof(*tok));
	s->empty = 0;
	s->due = due(&s->tok, s->k->min_ttl);
	s->backoff = 0;
	s->retry_at = 0;
	msg_debug(1, "keep-fresh: '%s' holds a new token, valid for %lld s", s->path,
		  s->tok.expires_at > 0 ? s->tok.expires_at - (long long)time(NULL) : 0);
	return 0;
}

/* one wake-up: the entry, the schedule, an expired token */
static void
tend(struct state *s)
{
	struct token t;
	char now_stamp[128];
	long long now = (long long)time(NULL);

	stamp(s->k->watch, now_stamp, sizeof(now_stamp));
	if (strcmp(now_stamp, s->stamp) != 0) {
		memcpy(s->stamp, now_stamp, sizeof(s->stamp));
		if (s->k->get(s->k->ctx, KEEP_CACHED, NULL, &t) == 0)
			install(s, &t);
	}
	if (s->due > 0 && now >= s->due && now >= s->retry_at) {
		if (s->k->get(s->k->ctx, KEEP_RENEW, s->tok.access_token, &t) == 0) {
			/* the server gave the very same token and expiry: ask again soon */
			if (install(s, &t) != 0)
				s->retry_at = now + 1;
		} else {
			s->backoff = s->backoff == 0 ? 1 : s->backoff * 2;
			if (s->backoff > BACKOFF_MAX)
				s->backoff = BACKOFF_MAX;
			s->retry_at = now + s->backoff;
			msg_warn("keep-fresh: cannot renew the token; trying again in %lld s",
				 s->backoff);
		}
		stamp(s->k->watch, s->stamp, sizeof(s->stamp));
	}
	if (!s->empty && s->tok.expires_at > 0 && now >= s->tok.expires_at) {
		if (put_file(s->dirfd, NULL) == 0) {
			s->empty = 1;
			msg_warn(
			    "keep-fresh: the token expired; '%s' is empty until one is renewed",
			    s->path);
		}
	}
}

static void
child(const struct keep *k, const struct token *first, const char *file, const sigset_t *mask)
{
	static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};
	struct sigaction dfl, cur;
	size_t i;

	/* ours go back to the default before the mask opens; ignored ones stay so */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		if (sigaction(caught[i], NULL, &cur) == 0 && cur.sa_handler == on_signal)
			sigaction(caught[i], &dfl, NULL);
	if (output_exec_env(first) != 0 || setenv(ENV_FILE, file, 1) != 0) {
		msg_err("cannot set the environment: %s", strerror(errno));
		_exit(1);
	}
	secret_unharden();
	if (k->sigpipe != NULL)
		sigaction(SIGPIPE, k->sigpipe, NULL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(k->command[0], k->command);
	msg_err("cannot run '%s': %s", k->command[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int
make_wake_pipe(void)
{
	int i;

	if (pipe(wake) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(wake[i], F_SETFD, FD_CLOEXEC) != 0 ||
		    fcntl(wake[i], F_SETFL, O_NONBLOCK) != 0)
			return -1;
	return 0;
}

/* at the end: a signal that comes later finds no pipe (EBADF), never a reused descriptor */
static void
close_wake_pipe(void)
{
	int fds[2] = {wake[0], wake[1]};
	int i;

	wake[0] = wake[1] = -1;
	for (i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void
catch_signals(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	/* a signal our parent ignored (nohup) stays ignored, for COMMAND too */
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(forwarded[i], &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
}

int
keep_run(const struct keep *k, const struct token *first, int *status)
{
	struct state s;
	struct pollfd pfd;
	sigset_t block, old;
	const char *base = base_dir();
	char dir[PATH_MAX], file[PATH_MAX + 16], drain[64];
	int rc = KEEP_ESETUP, wst;
	pid_t pid;

	memset(&s, 0, sizeof(s));
	dir[0] = '\0';
	s.k = k;
	s.dirfd = -1;
	s.path = file;
	*status = 1;
	sweep(base);
	if (make_wake_pipe() != 0) {
		msg_err("keep-fresh: cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	catch_signals();
	if (snprintf(dir, sizeof(dir), "%s/" DIR_PREFIX "%ld.XXXXXX", base, (long)getpid()) >=
	    (int)sizeof(dir))
		errno = ENAMETOOLONG;
	else if (mkdtemp(dir) != NULL)
		errno = 0;
	if (errno != 0) {
		msg_err("keep-fresh: cannot make a directory in '%s': %s", base, strerror(errno));
		dir[0] = '\0';
		goto out;
	}
	snprintf(file, sizeof(file), "%s/" FILE_NAME, dir);
	if ((s.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    put_file(s.dirfd, first) != 0) {
		msg_err("keep-fresh: cannot write '%s': %s", file, strerror(errno));
		goto out;
	}
	msg_debug(1, "keep-fresh: the token is in '%s'", file);
	s.tok.obtained_at = first->obtained_at;
	s.tok.expires_at = first->expires_at;
	if ((s.tok.access_token = strdup(first->access_token)) == NULL ||
	    (s.tok.token_type = strdup(first->token_type)) == NULL) {
		msg_err("out of memory");
		goto out;
	}
	s.due = due(&s.tok, k->min_ttl);
	stamp(k->watch, s.stamp, sizeof(s.stamp));

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (early_sig != 0) {
		/* told to stop before COMMAND ran: it never does */
		sigprocmask(SIG_SETMASK, &old, NULL);
		*status = 128 + early_sig;
		rc = KEEP_OK;
		goto out;
	}
	if ((pid = fork()) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		msg_err("keep-fresh: cannot start '%s': %s", k->command[0], strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(k, first, file, &old);
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);

	pfd.fd = wake[0];
	pfd.events = POLLIN;
	for (;;) {
		sigprocmask(SIG_BLOCK, &block, NULL);
		if (waitpid(pid, &wst, WNOHANG) == pid) {
			child_pid = 0;
			sigprocmask(SIG_SETMASK, &old, NULL);
			break;
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		tend(&s);
		if (poll(&pfd, 1, WATCH_MS) > 0)
			while (read(wake[0], drain, sizeof(drain)) > 0)
				;
	}
	*status = WIFSIGNALED(wst) ? 128 + WTERMSIG(wst) : WEXITSTATUS(wst);
	rc = KEEP_OK;
out:
	if (s.dirfd >= 0)
		close(s.dirfd);
	if (dir[0] != '\0') {
		unlink(file);
		snprintf(file, sizeof(file), "%s/" TMP_NAME, dir);
		unlink(file);
		rmdir(dir);
	}
	token_release(&s.tok);
	close_wake_pipe();
	return rc;
}
