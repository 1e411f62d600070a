/*
 * cmd_local.c: the local transport: fork/exec with pipes, never a shell.
 * The child gets its own process group (so cancel reaches the whole tree),
 * default signal dispositions, an empty mask, the set's environment, and the
 * executable found in the set's PATH. Exec failures come back through a
 * close-on-exec status pipe, read once the child is reaped (so cmd_start()
 * does not wait for the exec). Reaping is by waitpid(WNOHANG) after EOF on
 * every pipe, retried on a backing-off timer: no SIGCHLD handler.
 */
#include "cmd_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef NSIG
#define LOCAL_NSIG NSIG
#else
#define LOCAL_NSIG 256
#endif

/* fds below this are closed in the child even if nobody we know opened them. */
#define LOCAL_CLOSE_MIN 1024
/* Reap retries back off from 1 ms to this. */
#define LOCAL_REAP_MAX_MS 100

enum { LOCAL_IN, LOCAL_OUT, LOCAL_ERR };

struct local;
static void local_write_input(struct cmd *c, struct local *l);

struct local {
	int fd[3];     /* our ends: stdin (write), stdout, stderr (read); -1 when closed */
	int status_fd; /* the status pipe's read end, until the child is reaped */
	size_t in_off;
	int reaped;
	int reap_wait_ms;
	long long reap_ms; /* next waitpid() retry, -1 none */
};

/* Everything the child needs, prepared before fork: the child only makes
 * async-signal-safe calls. */
struct local_exec {
	struct strv cands; /* executable paths to try, in PATH order */
	char **sh_argv;    /* {"sh", cand, argv[1..], NULL} for ENOEXEC */
	char *const *argv;
	char *const *envp;
	int in, out, err;     /* child ends */
	struct sigaction dfl; /* SIG_DFL, an empty mask */
	sigset_t none;
	int status;   /* close-on-exec status pipe, write end */
	int close_hi; /* close fds [3, close_hi) */
};

static int fd_set_flags(int fd, int nonblock)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -1;
	if (nonblock) {
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
			return -1;
	}
	return 0;
}

static void fd_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static unsigned long long fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0; /* unknown or unlimited */
	return (unsigned long long)rl.rlim_cur;
}

/* Explains a failure to create fds, naming the limit when that is the cause. */
static void local_fd_error(const struct cmd *c, const char *what, int errnum, struct err *e)
{
	if (errnum == EMFILE || errnum == ENFILE)
		err_set(e,
		        "cannot start %s: too many open files (%zu commands running, limit %llu)",
		        c->argv.v[0], c->set->nactive, fd_limit());
	else
		err_set(e, "cannot start %s: %s: %s", c->argv.v[0], what, strerror(errnum));
}

/* A pipe with both ends close-on-exec; `ours` (0 read, 1 write) non-blocking. */
static int local_pipe(int p[2], int ours)
{
	if (pipe(p) != 0)
		return -1;
	if (fd_set_flags(p[0], ours == 0) != 0 || fd_set_flags(p[1], ours == 1) != 0) {
		int saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

/* The executables to try: argv0 itself when it has a slash, else each PATH entry. */
static void local_candidates(const struct cmd *c, struct strv *out)
{
	const char *name = c->exec_argv.v[0];
	char *path, *p, *colon;

	if (strchr(name, '/') != NULL) {
		strv_push(out, name);
		return;
	}
	if (*name == '\0')
		return;
	path = cmdset_int_path(c->set);
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		if (colon != NULL)
			*colon = '\0';
		/* An empty entry is the current directory, as for execvp(). */
		strv_pushf(out, "%s/%s", *p != '\0' ? p : ".", name);
		if (colon == NULL)
			break;
	}
	free(path);
}

static int local_retry_errno(int errnum)
{
	return errnum == ENOENT || errnum == ENOTDIR || errnum == EACCES || errnum == ELOOP ||
	       errnum == ENAMETOOLONG || errnum == ENODEV || errnum == ESTALE ||
	       errnum == ETIMEDOUT;
}

/* In the child: async-signal-safe calls only. Never returns. */
NORETURN static void local_child(struct local_exec *x)
{
	int in, out, err, status, errnum = ENOENT, eacces = 0;

	/* SIG_IGN survives exec (our SIGPIPE!); handlers do not, but one must
	 * not run here either. SIGKILL and SIGSTOP fail harmlessly. */
	for (int sig = 1; sig < LOCAL_NSIG; sig++)
		sigaction(sig, &x->dfl, NULL);
	sigprocmask(SIG_SETMASK, &x->none, NULL);
	setpgid(0, 0);

	/* Move every fd we need above 2 first: when the parent runs with stdio
	 * closed, a pipe end can be 0, 1 or 2 and dup2 would clobber it. */
	status = fcntl(x->status, F_DUPFD, 3);
	if (status < 0 || fcntl(status, F_SETFD, FD_CLOEXEC) < 0)
		_exit(127);
	/* The copies are close-on-exec too: only 0, 1 and 2 (dup2 clears the
	 * flag on them) may reach the program. */
	in = fcntl(x->in, F_DUPFD, 3);
	out = fcntl(x->out, F_DUPFD, 3);
	err = fcntl(x->err, F_DUPFD, 3);
	if (in < 0 || out < 0 || err < 0 || fcntl(in, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(out, F_SETFD, FD_CLOEXEC) < 0 || fcntl(err, F_SETFD, FD_CLOEXEC) < 0 ||
	    dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
		errnum = errno;
		goto fail;
	}
	for (int fd = 3; fd < x->close_hi; fd++) {
		if (fd != status)
			close(fd);
	}

	for (size_t i = 0; i < x->cands.n; i++) {
		execve(x->cands.v[i], x->argv, x->envp);
		errnum = errno;
		if (errnum == ENOEXEC) {
			/* A script without #!: run it with sh, like execvp(). */
			x->sh_argv[1] = x->cands.v[i];
			execve("/bin/sh", x->sh_argv, x->envp);
			errnum = errno;
			break;
		}
		if (errnum == EACCES)
			eacces = 1;
		if (!local_retry_errno(errnum))
			break;
	}
	if (eacces && local_retry_errno(errnum))
		errnum = EACCES;
fail:
	while (write(status, &errnum, sizeof errnum) < 0 && errno == EINTR)
		;
	_exit(127);
}

static int local_start(struct cmd *c, struct err *e)
{
	struct local *l = xcalloc(1, sizeof *l);
	struct local_exec x;
	struct strv env = { NULL, 0, 0 };
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, pst[2] = { -1, -1 };
	int child_in = -1, hi, errnum = 0;
	const char *what = "pipe";
	unsigned long long lim;
	sigset_t all, old;
	pid_t pid;

	l->fd[0] = l->fd[1] = l->fd[2] = l->status_fd = -1;
	l->reap_ms = -1;
	memset(&x, 0, sizeof x);

	if (c->input_len > 0) {
		if (local_pipe(pin, 1) != 0)
			goto fd_fail;
		child_in = pin[0];
	} else {
		if (c->set->devnull < 0) {
			int fd = open("/dev/null", O_RDONLY);
			what = "/dev/null";
			if (fd < 0)
				goto fd_fail;
			if (fd_set_flags(fd, 0) != 0) {
				int saved = errno;
				close(fd);
				errno = saved;
				goto fd_fail;
			}
			c->set->devnull = fd;
			what = "pipe";
		}
		child_in = c->set->devnull;
	}
	if (local_pipe(pout, 0) != 0 || local_pipe(perr, 0) != 0 || local_pipe(pst, 0) != 0)
		goto fd_fail;
	local_candidates(c, &x.cands);
	cmdset_int_build_env(c->set, &env);
	x.sh_argv = xcalloc(c->exec_argv.n + 2, sizeof *x.sh_argv);
	x.sh_argv[0] = (char *)"sh";
	for (size_t i = 1; i < c->exec_argv.n; i++)
		x.sh_argv[i + 1] = c->exec_argv.v[i];
	x.argv = c->exec_argv.v;
	x.envp = env.v;
	x.in = child_in;
	x.out = pout[1];
	x.err = perr[1];
	x.status = pst[1];
	x.dfl.sa_handler = SIG_DFL;
	sigemptyset(&x.dfl.sa_mask);
	sigemptyset(&x.none);
	/* Our fds are all close-on-exec; closing a range also covers fds other
	 * code opened without it (bounded: sysconf may say a million). */
	hi = 0;
	for (int i = 0; i < 2; i++) {
		int fds[] = { pin[i], pout[i], perr[i], pst[i], c->set->devnull };
		for (size_t j = 0; j < ARRAY_LEN(fds); j++)
			hi = fds[j] > hi ? fds[j] : hi;
	}
	hi += 1;
	if (hi < LOCAL_CLOSE_MIN)
		hi = LOCAL_CLOSE_MIN;
	lim = fd_limit();
	if (lim > 0 && lim < (unsigned long long)hi)
		hi = (int)lim;
	x.close_hi = hi;

	/* No handler of ours may run in the child before dispositions are reset. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		local_child(&x);
	errnum = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	strv_free(&x.cands);
	strv_free(&env);
	free(x.sh_argv);
	if (pid < 0) {
		err_set(e, "cannot start %s: fork: %s", c->argv.v[0], strerror(errnum));
		goto fail;
	}
	/* Both sides set the group, so a kill right after fork cannot miss it. */
	setpgid(pid, pid);
	c->pid = pid;
	fd_close(&pin[0]);
	fd_close(&pout[1]);
	fd_close(&perr[1]);
	fd_close(&pst[1]);
	l->status_fd = pst[0];
	l->fd[LOCAL_IN] = pin[1];
	l->fd[LOCAL_OUT] = pout[0];
	l->fd[LOCAL_ERR] = perr[0];
	c->priv = l;
	/* Most inputs fit in the pipe: no poll round needed for them. */
	if (l->fd[LOCAL_IN] >= 0)
		local_write_input(c, l);
	return 0;

fd_fail:
	local_fd_error(c, what, errno, e);
fail:
	fd_close(&pin[0]);
	fd_close(&pin[1]);
	fd_close(&pout[0]);
	fd_close(&pout[1]);
	fd_close(&perr[0]);
	fd_close(&perr[1]);
	fd_close(&pst[0]);
	fd_close(&pst[1]);
	free(l);
	return -1;
}

static size_t local_npollfds(const struct cmd *c)
{
	const struct local *l = c->priv;

	return (size_t)(l->fd[LOCAL_IN] >= 0) + (l->fd[LOCAL_OUT] >= 0) + (l->fd[LOCAL_ERR] >= 0);
}

static size_t local_fill_pollfds(struct cmd *c, struct pollfd *fds, size_t max)
{
	struct local *l = c->priv;
	size_t n = 0;

	for (int i = 0; i < 3 && n < max; i++) {
		if (l->fd[i] < 0)
			continue;
		fds[n].fd = l->fd[i];
		fds[n].events = i == LOCAL_IN ? POLLOUT : POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

/* Writes as much input as the pipe takes; closes stdin when done or unwanted. */
static void local_write_input(struct cmd *c, struct local *l)
{
	while (l->in_off < c->input_len) {
		size_t left = c->input_len - l->in_off;
		ssize_t n = write(l->fd[LOCAL_IN], c->input + l->in_off,
		                  left > CMD_READ_SIZE ? CMD_READ_SIZE : left);
		if (n > 0) {
			l->in_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break; /* EPIPE: the child does not read it (SIGPIPE is ignored) */
	}
	fd_close(&l->fd[LOCAL_IN]);
}

/* Reads a bounded amount from one stream; EOF closes it. */
static void local_read(struct cmd *c, struct local *l, int idx, char *buf)
{
	enum cmd_stream s = idx == LOCAL_OUT ? CMD_STDOUT : CMD_STDERR;

	for (int i = 0; i < CMD_READS_PER_DISPATCH && l->fd[idx] >= 0; i++) {
		ssize_t n = read(l->fd[idx], buf, CMD_READ_SIZE);
		if (n > 0) {
			cmd_int_output(c, s, buf, (size_t)n);
			if (n < CMD_READ_SIZE)
				return; /* drained for now: poll says when there is more */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* EOF, or an error that will not go away: the stream is over. */
		fd_close(&l->fd[idx]);
		cmd_int_eof(c, s);
	}
}

/* Once the child is gone: did it fail to exec? (EOF means exec succeeded.) */
static void local_read_status(struct cmd *c, struct local *l)
{
	int errnum;
	ssize_t n;

	if (l->status_fd < 0)
		return;
	do
		n = read(l->status_fd, &errnum, sizeof errnum);
	while (n < 0 && errno == EINTR);
	fd_close(&l->status_fd);
	if (n == (ssize_t)sizeof errnum && errnum != 0) {
		c->res.start_errno = errnum;
		c->res.exited = 1;
		c->res.status = 127;
		c->res.signal = 0;
		snprintf(c->res.errmsg, sizeof c->res.errmsg, "%s: %s", c->exec_argv.v[0],
		         strerror(errnum));
	}
}

static int local_try_reap(struct cmd *c, struct local *l)
{
	int st;
	pid_t r;

	do
		r = waitpid(c->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == c->pid) {
		l->reaped = 1;
		cmd_int_set_wait_status(c, st);
		local_read_status(c, l);
		return 1;
	}
	if (r < 0) {
		/* Somebody else reaped it (a waitpid(-1) elsewhere). */
		l->reaped = 1;
		local_read_status(c, l);
		if (c->res.start_errno != 0)
			return 1;
		if (c->res.errmsg[0] == '\0')
			snprintf(c->res.errmsg, sizeof c->res.errmsg,
			         "exit status lost: process %ld reaped elsewhere", (long)c->pid);
		return 1;
	}
	return 0;
}

/* Finishes when both output pipes are at EOF and the child is reaped. */
static void local_maybe_finish(struct cmd *c, struct local *l, long long now)
{
	if (l->fd[LOCAL_OUT] >= 0 || l->fd[LOCAL_ERR] >= 0)
		return;
	if (!l->reaped && !local_try_reap(c, l)) {
		if (l->reap_ms < 0)
			l->reap_wait_ms = 1;
		else if (l->reap_wait_ms < LOCAL_REAP_MAX_MS)
			l->reap_wait_ms *= 2;
		if (l->reap_wait_ms > LOCAL_REAP_MAX_MS)
			l->reap_wait_ms = LOCAL_REAP_MAX_MS;
		l->reap_ms = now + l->reap_wait_ms;
		return;
	}
	l->reap_ms = -1;
	fd_close(&l->fd[LOCAL_IN]);
	cmd_int_finish(c);
}

static void local_dispatch(struct cmd *c, const struct pollfd *fds, size_t n)
{
	struct local *l = c->priv;
	char *buf = NULL;

	for (size_t i = 0; i < n && !c->finished; i++) {
		short rev = fds[i].revents;
		if (rev == 0)
			continue;
		if (fds[i].fd == l->fd[LOCAL_IN]) {
			if (rev & POLLNVAL)
				l->fd[LOCAL_IN] = -1;
			else
				local_write_input(c, l);
		} else if (fds[i].fd == l->fd[LOCAL_OUT] || fds[i].fd == l->fd[LOCAL_ERR]) {
			int idx = fds[i].fd == l->fd[LOCAL_OUT] ? LOCAL_OUT : LOCAL_ERR;
			if (buf == NULL)
				buf = xmalloc(CMD_READ_SIZE);
			local_read(c, l, idx, buf);
		}
	}
	free(buf);
	if (!c->finished)
		local_maybe_finish(c, l, clock_ms());
}

static long long local_deadline(const struct cmd *c)
{
	const struct local *l = c->priv;

	return l->reap_ms;
}

static void local_timer(struct cmd *c, long long now)
{
	struct local *l = c->priv;

	if (l->reap_ms >= 0 && now >= l->reap_ms)
		local_maybe_finish(c, l, now);
}

static void local_kill(struct cmd *c, int sig)
{
	const struct local *l = c->priv;

	/* The leader is not reaped before EOF, so its pid (the group id)
	 * cannot have been reused. */
	if (c->pid <= 0 || l->reaped)
		return;
	if (kill(-c->pid, sig) != 0)
		kill(c->pid, sig);
}

static void local_abandon(struct cmd *c)
{
	struct local *l = c->priv;

	fd_close(&l->fd[LOCAL_IN]);
	if (l->fd[LOCAL_OUT] >= 0) {
		fd_close(&l->fd[LOCAL_OUT]);
		cmd_int_eof(c, CMD_STDOUT);
	}
	if (l->fd[LOCAL_ERR] >= 0) {
		fd_close(&l->fd[LOCAL_ERR]);
		cmd_int_eof(c, CMD_STDERR);
	}
	if (!l->reaped && !local_try_reap(c, l)) {
		local_kill(c, SIGKILL);
		if (!local_try_reap(c, l)) {
			cmdset_int_add_orphan(c->set, c->pid);
			l->reaped = 1;
			c->res.exited = 0;
			c->res.signal = SIGKILL;
			c->res.status = 128 + SIGKILL;
		}
	}
	if (c->res.start_errno == 0)
		snprintf(c->res.errmsg, sizeof c->res.errmsg,
		         "%sprocess group %ld kept its output open after SIGKILL: abandoned",
		         c->res.timed_out ? "timed out; " : "", (long)c->pid);
	l->reap_ms = -1;
	cmd_int_finish(c);
}

static void local_free(struct cmd *c)
{
	struct local *l = c->priv;

	if (l == NULL)
		return;
	for (int i = 0; i < 3; i++)
		fd_close(&l->fd[i]);
	fd_close(&l->status_fd);
	free(l);
	c->priv = NULL;
}

const struct cmd_transport cmd_local_transport = {
	.name = "local",
	.start = local_start,
	.npollfds = local_npollfds,
	.fill_pollfds = local_fill_pollfds,
	.dispatch = local_dispatch,
	.deadline = local_deadline,
	.timer = local_timer,
	.kill = local_kill,
	.abandon = local_abandon,
	.free = local_free,
};
