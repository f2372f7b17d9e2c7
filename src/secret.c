/* SPDX-License-Identifier: MIT */
/*
 * Secret handling.  The client secret may arrive on argv, in the environment,
 * in a file or on standard input; wherever it came from, the copies we hold
 * are wiped before they are freed and the process never dumps core while
 * holding one.  (Copies inside libc's and libcurl's own memory are out of our
 * reach; the README says which.)
 * jansson is told to allocate through a wiping allocator because the request
 * body and the parsed response pass through its memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "clock.h"
#include "compat.h"
#include "msg.h"
#include "secret.h"

static struct rlimit core_limit;
static int core_limit_saved;

/*
 * No core dump while we hold a secret.  Only the soft limit is lowered, and
 * secret_unharden() puts it back before exec mode runs COMMAND, which must
 * not inherit a limit it could never raise again.
 */
void
secret_harden(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &core_limit) == 0) {
		core_limit_saved = 1;
		rl.rlim_cur = 0;
		rl.rlim_max = core_limit.rlim_max;
		setrlimit(RLIMIT_CORE, &rl);
	}
	compat_no_dump();
}

void
secret_unharden(void)
{
	if (core_limit_saved)
		setrlimit(RLIMIT_CORE, &core_limit);
}

void
secret_wipe(void *p, size_t n)
{
	if (p != NULL)
		compat_wipe(p, n);
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

/* jansson says NULL for bad input and for no memory alike; this tells which */
static unsigned long json_alloc_failures;

static void *
wiping_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - HDR || (p = malloc(n + HDR)) == NULL) {
		json_alloc_failures++;
		return NULL;
	}
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
	compat_wipe(p, n + HDR);
	free(p);
}

unsigned long
secret_json_alloc_failures(void)
{
	return json_alloc_failures;
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

/* wait until fd has something to read, at most until the deadline */
static int
wait_readable(int fd, long long deadline)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	long long left;
	int n;

	for (;;) {
		if ((left = deadline - clock_ms()) <= 0)
			return SECRET_ETIMEDOUT;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return SECRET_OK;
		if (n < 0 && errno != EINTR)
			return SECRET_EIO;
	}
}

/*
 * Read fd into b until end of file (or, with one_line, a line's end), each
 * read waiting no later than the deadline; b's cap bounds what is kept.
 */
static int
read_all(int fd, long long deadline, int one_line, struct buf *b)
{
	char chunk[512];
	ssize_t n;
	int rc;

	for (;;) {
		if ((rc = wait_readable(fd, deadline)) != SECRET_OK)
			break;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			rc = SECRET_EIO;
			break;
		}
		if (n == 0)
			break;
		if ((rc = buf_append(b, chunk, (size_t)n)) != BUF_OK) {
			rc = rc == BUF_ECAP ? SECRET_ETOOBIG : SECRET_ENOMEM;
			break;
		}
		if (one_line && b->data[b->len - 1] == '\n')
			break;
	}
	secret_wipe(chunk, sizeof(chunk));
	return rc;
}

/*
 * Standard input on a terminal: the prompt goes to stderr and the terminal
 * stops echoing until the line is read.  secret_abort() gives the echo back
 * when a signal ends the process first.
 */
static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

/*
 * The process group of a running secret command, and ours when the command
 * has the terminal's foreground (the group a signal from the terminal would
 * have reached, had the command not had a group of its own).
 */
static volatile sig_atomic_t command_pgid, our_pgid;

/*
 * Give the terminal's foreground to process group pgid, with SIGTTOU held
 * back: by the time we call it, either side may be the background group.
 */
static void
set_foreground(pid_t pgid)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	tcsetpgrp(STDIN_FILENO, pgid);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
restore_echo(void)
{
	if (tty_changed) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
		tty_changed = 0;
	}
}

/*
 * For a signal handler on its way out (async-signal-safe): a running secret
 * command's process group is killed, and the terminal gets its echo and its
 * foreground group back.
 */
void
secret_abort(void)
{
	restore_echo();
	if (command_pgid > 0) {
		kill(-(pid_t)command_pgid, SIGKILL);
		if (our_pgid > 0)
			set_foreground((pid_t)our_pgid);
		command_pgid = 0;
	}
}

static int
echo_off(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return -1;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	t.c_lflag |= ICANON;
	tty_changed = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0) {
		tty_changed = 0;
		return -1;
	}
	fputs(PROGNAME ": client secret: ", stderr);
	fflush(stderr);
	return 0;
}

/* what a secret from anywhere must be: 1 to SECRET_MAX bytes, no NUL, no BOM */
static int
check_secret(const struct buf *b)
{
	if (b->len > SECRET_MAX)
		return SECRET_ETOOBIG;
	if (b->len == 0)
		return SECRET_EEMPTY;
	if (memchr(b->data, '\0', b->len) != NULL)
		return SECRET_ENUL;
	if (b->len >= 3 && memcmp(b->data, "\xef\xbb\xbf", 3) == 0)
		return SECRET_EBOM;
	return SECRET_OK;
}

/*
 * The secret read into b, whatever its source, after one trailing LF or
 * CR LF is dropped: handed to *out, or b released (and wiped) when rc says
 * reading failed or the secret will not do.
 */
static int
take_secret(struct buf *b, int rc, char **out, size_t *outlen)
{
	if (rc == SECRET_OK && b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	if (rc == SECRET_OK && b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	if (rc == SECRET_OK)
		rc = check_secret(b);
	if (rc != SECRET_OK) {
		buf_release(b);
		return rc;
	}
	*out = b->data;
	*outlen = b->len;
	return SECRET_OK;
}

/* how often a running command is asked whether it has ended */
#define TICK_MS 10

/*
 * The sentinel.  On a terminal the command's process group has the
 * foreground, so Ctrl-C's SIGINT goes to that group alone; this process of
 * ours sits in it and passes the signal on to the group it would have
 * reached, ours, so that Ctrl-C ends the run (130) even when the command
 * ignores it.  It ends when we close the lifeline, or die.
 */
static void
on_sentinel_signal(int sig)
{
	kill(-(pid_t)our_pgid, sig);
}

static void
run_sentinel(int lifeline, const sigset_t *mask)
{
	struct sigaction sa, old;
	char c;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sentinel_signal;
	/* a SIGINT that our parent ignored stays ignored, as in the command */
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	/* Ctrl-Z and Ctrl-\ are the command's to answer: we see it stop or die */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	while (read(lifeline, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* start the sentinel in a new process group; its pid, or -1 */
static pid_t
spawn_sentinel(const sigset_t *mask, int *lifeline)
{
	int p[2];
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(p[1]);
		setpgid(0, 0);
		run_sentinel(p[0], mask);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	setpgid(pid, pid);
	*lifeline = p[1];
	return pid;
}

/*
 * The child side: process group pgid (0: its own), stdout to the pipe,
 * nothing else of ours, the signal mask we were given, then sh -c.
 */
static void
exec_command(const char *cmd, int out, pid_t pgid, const sigset_t *mask)
{
	static const int caught[] = {SIGINT, SIGTERM};
	struct sigaction dfl, old;
	size_t i;

	setpgid(0, pgid);
	if (out != STDOUT_FILENO && dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	compat_close_from(STDERR_FILENO + 1);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	/* our handlers go before the mask lets a signal in; ignored stays ignored */
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(caught[i], &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	secret_unharden();
	unsetenv("NITRO_CLIENT_SECRET");
	sigprocmask(SIG_SETMASK, mask, NULL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* a secret command on its way */
struct child {
	int fg;		/* it has the terminal's foreground, and a sentinel */
	pid_t pid;	/* the command */
	pid_t pgid;	/* its process group: the sentinel's, or its own */
	pid_t sentinel; /* 0 when there is none */
	int lifeline;	/* the sentinel ends when this closes */
	int out;	/* the read end of the command's stdout */
};

/*
 * Start cmd with the signals in mask held back.  -1 with errno set when it
 * cannot be started; a sentinel that was started is still the caller's to
 * end.
 */
static int
start_command(struct child *c, const char *cmd, const sigset_t *mask)
{
	int p[2];

	if (c->fg && (c->sentinel = spawn_sentinel(mask, &c->lifeline)) < 0) {
		c->sentinel = 0;
		return -1;
	}
	if (pipe(p) != 0)
		return -1;
	/* the terminal goes to the sentinel's group before the command joins it,
	 * so that the command never reads it from the background */
	if (c->fg)
		set_foreground(c->sentinel);
	if ((c->pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (c->pid == 0) {
		close(p[0]);
		exec_command(cmd, p[1], c->sentinel, mask);
	}
	close(p[1]);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	c->out = p[0];
	c->pgid = c->fg ? c->sentinel : c->pid;
	setpgid(c->pid, c->pgid);
	command_pgid = c->pgid;
	return 0;
}

/*
 * Read the command's output into b until the command has exited and what it
 * wrote is read: to end of file, or what is in the pipe when it exits (a
 * background child of the command may hold the pipe open for ever).
 * *ended says the command was reaped, with its wait status in *status; a
 * command that stops (Ctrl-Z) is not waited for.
 */
static int
collect(const struct child *c, long long deadline, struct buf *b, int *status, int *ended)
{
	struct pollfd pfd = {c->out, POLLIN, 0};
	char chunk[512];
	long long left;
	ssize_t n;
	pid_t r;
	int rc = SECRET_OK;

	for (;;) {
		if (!*ended) {
			r = waitpid(c->pid, status, WNOHANG | WUNTRACED);
			if (r == c->pid && WIFSTOPPED(*status)) {
				rc = SECRET_ESTOPPED;
				break;
			}
			/* no status at all (ECHILD) is a failure, never "exited 0" */
			if (r < 0 && errno != EINTR) {
				rc = SECRET_EIO;
				break;
			}
			*ended = r == c->pid;
		}
		if (*ended && pfd.fd < 0)
			break;
		if ((left = deadline - clock_ms()) <= 0) {
			rc = *ended ? SECRET_OK : SECRET_ETIMEDOUT;
			break;
		}
		n = poll(&pfd, 1, *ended ? 0 : left < TICK_MS ? (int)left : TICK_MS);
		if (n == 0 && *ended)
			break;
		if (n < 0 && errno != EINTR) {
			rc = SECRET_EIO;
			break;
		}
		if (n <= 0)
			continue;
		n = read(c->out, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			rc = SECRET_EIO;
			break;
		}
		if (n == 0) {
			pfd.fd = -1; /* poll() skips it from now on */
			continue;
		}
		if ((rc = buf_append(b, chunk, (size_t)n)) != BUF_OK) {
			rc = rc == BUF_ECAP ? SECRET_ETOOBIG : SECRET_ENOMEM;
			break;
		}
	}
	secret_wipe(chunk, sizeof(chunk));
	return rc;
}

/* kill a command that has not ended, with its group, and reap it */
static void
kill_command(const struct child *c, int *status)
{
	kill(-c->pgid, SIGKILL);
	kill(c->pid, SIGKILL); /* should it have left the group (setsid) */
	while (waitpid(c->pid, status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Run cmd with /bin/sh -c and take the first line of its standard output as
 * the secret.  Its stdin and stderr are the user's, so that a password
 * manager can prompt (on a terminal, it runs in the foreground); it gets
 * none of our descriptors and no NITRO_CLIENT_SECRET.  It runs in its own
 * process group, which is killed when the command outlives the deadline,
 * stops or writes more than a secret can be.  *status is its wait status
 * (for a command that stopped, the stop's); nothing it wrote is ever shown.
 */
int
secret_run_command(const char *cmd, long long deadline, char **out, size_t *outlen, int *status)
{
	struct child c = {.pid = -1, .pgid = -1, .lifeline = -1, .out = -1};
	struct buf b = BUF_INIT(SECRET_MAX + 2);
	struct sigaction dfl, chld;
	sigset_t block, mask;
	int rc = SECRET_EIO, ended = 0, saved, st;
	char *nl;

	*out = NULL;
	*outlen = 0;
	*status = 0;
	fflush(NULL);
	c.fg = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	our_pgid = c.fg ? getpgrp() : 0;
	/* an ignored SIGCHLD (a parent's choice) lets the kernel reap the command
	 * and its status with it */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &dfl, &chld);
	/* a SIGINT or SIGTERM before the group is on record would orphan it */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &mask);
	if (start_command(&c, cmd, &mask) != 0) {
		saved = errno;
	} else {
		sigprocmask(SIG_SETMASK, &mask, NULL);
		rc = collect(&c, deadline, &b, status, &ended);
		saved = errno;
		close(c.out);
		if (!ended)
			kill_command(&c, rc == SECRET_ESTOPPED ? &st : status);
	}
	if (c.fg)
		set_foreground((pid_t)our_pgid);
	command_pgid = 0;
	/* a Ctrl-C that the sentinel passed on arrives by the time it is reaped */
	if (c.sentinel > 0) {
		close(c.lifeline);
		while (waitpid(c.sentinel, NULL, 0) < 0 && errno == EINTR)
			;
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGCHLD, &chld, NULL);
	errno = saved;
	if (rc == SECRET_OK && !(WIFEXITED(*status) && WEXITSTATUS(*status) == 0))
		rc = SECRET_ECOMMAND;
	/* the first line only: what follows its line ending goes */
	if (rc == SECRET_OK && (nl = memchr(b.data != NULL ? b.data : "", '\n', b.len)) != NULL) {
		b.len = (size_t)(nl - b.data) + 1;
		secret_wipe(b.data + b.len, b.alloc - b.len);
	}
	return take_secret(&b, rc, out, outlen);
}

/*
 * Read a client secret from path ("-": standard input), all of it or, on a
 * terminal, one line, by the deadline.  The file is opened without blocking,
 * so a FIFO that nobody writes to ends at the deadline instead of hanging.
 * One trailing LF or CR LF is dropped; the limit applies to what is left.
 * A UTF-8 byte order mark or a NUL byte is refused: neither can be meant.
 */
int
secret_read_file(const char *path, long long deadline, char **out, size_t *outlen)
{
	struct buf b = BUF_INIT(SECRET_MAX + 2);
	int fd, rc = SECRET_OK, tty = 0, saved;

	*out = NULL;
	*outlen = 0;
	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		tty = isatty(fd) && echo_off() == 0;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		return SECRET_EOPEN;
	}
	rc = read_all(fd, deadline, tty, &b);
	saved = errno;
	if (tty) {
		restore_echo();
		fputc('\n', stderr);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	errno = saved;
	return take_secret(&b, rc, out, outlen);
}

/*
 * ---- loading the secret from its source ----
 *
 * Everything about where the secret comes from is here: whether it is read
 * before the cache is asked (the cache key holds it) or only on a miss (a
 * command's secret is keyed on the command's text, so a hit runs nothing),
 * what the key is made of, and every message about a source that failed.
 * A fourth source is a new kind here and a new setting in config.c.
 */

/* what went wrong with a secret command, from its wait status */
static void
command_failed(const char *w, int status)
{
	if (WIFSIGNALED(status))
		msg_err("%s: the command was killed by signal %d; nothing was sent", w,
			WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		msg_err("%s: the command exited with status 127 (not found?); nothing was sent", w);
	else
		msg_err("%s: the command exited with status %d; nothing was sent", w,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* one message for each way reading from src can fail; errno as rc left it */
static int
load_failed(const struct secret_source *src, int rc, int status)
{
	const char *w = src->where;
	int cmd = src->kind == SECRET_COMMAND, err = errno;
	char what[PATH_MAX + 8];

	if (cmd)
		snprintf(what, sizeof(what), "the output of the command");
	else
		snprintf(what, sizeof(what), "'%s'", src->text);
	switch (rc) {
	case SECRET_EOPEN:
		/* the path is not repeated: it may be the secret, set by mistake */
		msg_err("%s: cannot open the secret file it names: %s", w, strerror(err));
		break;
	case SECRET_EIO:
		if (cmd)
			msg_err("%s: cannot run the command: %s", w, strerror(err));
		else
			msg_err("%s: cannot read '%s': %s", w, src->text, strerror(err));
		break;
	case SECRET_ECOMMAND:
		command_failed(w, status);
		break;
	case SECRET_ESTOPPED:
		msg_err("%s: the command was stopped by signal %d; its process group was killed "
			"and nothing was sent",
			w, WSTOPSIG(status));
		break;
	case SECRET_ETIMEDOUT:
		if (cmd)
			msg_err("%s: the command was still running at --timeout; its process "
				"group was killed and nothing was sent",
				w);
		else
			msg_err("%s: timed out reading the client secret from '%s' (--timeout)", w,
				src->text);
		break;
	case SECRET_EEMPTY:
		msg_err("%s: client secret in %s is empty", w, what);
		break;
	case SECRET_ETOOBIG:
		msg_err("%s: client secret in %s is longer than %d bytes", w, what, SECRET_MAX);
		break;
	case SECRET_ENUL:
		msg_err("%s: client secret in %s has a NUL byte", w, what);
		break;
	case SECRET_EBOM:
		msg_err("%s: client secret in %s starts with a UTF-8 byte order mark; "
			"save the file without it",
			w, what);
		break;
	default:
		msg_err("out of memory");
		return SECRET_NOMEM;
	}
	return SECRET_UNUSABLE;
}

/*
 * The secret from src into *secret (owned: wipe it with secret_free), when
 * it is needed: a command runs only for the request, that is on a cache
 * miss; every other source is read for the key already.  Once loaded, it is
 * not loaded again.
 */
int
secret_load(const struct secret_source *src, enum secret_need need, long long deadline,
	    char **secret)
{
	size_t len;
	int rc, status = 0;

	if (*secret != NULL || (src->kind == SECRET_COMMAND && need == SECRET_FOR_KEY))
		return SECRET_LOADED;
	switch (src->kind) {
	case SECRET_GIVEN:
		msg_debug(1, "client secret: from %s", src->where);
		if ((*secret = strdup(src->text)) == NULL) {
			msg_err("out of memory");
			return SECRET_NOMEM;
		}
		return SECRET_LOADED;
	case SECRET_COMMAND:
		msg_debug(1, "client secret: from the command named by %s", src->where);
		rc = secret_run_command(src->text, deadline, secret, &len, &status);
		break;
	default:
		msg_debug(1, "client secret: from the file named by %s", src->where);
		rc = secret_read_file(src->text, deadline, secret, &len);
		break;
	}
	return rc == SECRET_OK ? SECRET_LOADED : load_failed(src, rc, status);
}

/*
 * What the cache key is made of besides the URL and client ID: the secret,
 * or, when a command prints it, the command's text, so that a cache hit
 * need not run the command.  *kind says which.
 */
const char *
secret_cache_key(const struct secret_source *src, const char *secret, const char **kind)
{
	if (src->kind == SECRET_COMMAND) {
		*kind = "command";
		return src->text;
	}
	*kind = "secret";
	return secret;
}
