/*
 * supervisor.c: the small detached process that runs one job. It holds the
 * job's locks for as long as it lives, waits for a running slot, runs nimadm
 * (once, or one phase at a time with -P), appends every byte nimadm prints to
 * output.log, keeps `state` current, and obeys `control` (continue, cancel).
 * It shares nothing with the process that submitted it but the journal.
 */
#include "job_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
#include "phase.h"

/* How often a busy job rewrites `state` (progress, last output) at most. */
#define SUP_STATE_INTERVAL_MS 1000
/* How often a waiting or paused job looks at its slot and control file. */
#define SUP_IDLE_POLL_MS 500
/* SIGTERM then this long before SIGKILL when nimadm is cancelled. */
#define SUP_CANCEL_GRACE_MS 30000

static int sup_sig_pipe[2] = { -1, -1 };

static void sup_on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;
	ssize_t r = write(sup_sig_pipe[1], &c, 1);

	(void)r;
	errno = saved;
}

struct sup {
	struct site *site;
	char *dir;
	struct job_info ji;
	struct strv argv;
	struct phase_tracker *tracker;
	struct nimadm_params *params; /* from job.ini, for phased runs */
	int out_fd;
	int client_fd; /* the client's lock, held while the job is active */
	int slot_fd;   /* the running slot's lock */
	int report;
	int cancel;           /* the operator asked to cancel */
	int dirty;            /* state changed since the last write */
	long long last_write; /* clock_ms of the last state write */
	/* the nimadm call under way */
	struct cmd *cmd;
	int call_done;
	struct cmd_result res;
};

static void sup_report(struct sup *s, const char *msg)
{
	if (s->report >= 0) {
		ssize_t r = write(s->report, msg, strlen(msg));
		(void)r;
		close(s->report);
		s->report = -1;
	}
}

static void sup_write_state(struct sup *s)
{
	job_state_write(s->dir, &s->ji, NULL);
	s->dirty = 0;
	s->last_write = clock_ms();
}

NORETURN static void sup_exit(struct sup *s, enum job_status st, const char *error)
{
	s->ji.status = st;
	if (job_status_is_final(st)) {
		/* Free the client and the slot before the final state says so: a
		 * reader that sees the job over may start the next one at once. The
		 * job's own lock stays until exit, so it never looks lost. */
		if (s->client_fd >= 0)
			close(s->client_fd);
		if (s->slot_fd >= 0)
			close(s->slot_fd);
		s->client_fd = s->slot_fd = -1;
		s->ji.ended = (long long)time(NULL);
		s->ji.pause_requested = 0;
	}
	if (error != NULL) {
		free(s->ji.error);
		s->ji.error = xstrdup(error);
	}
	sup_write_state(s);
	if (error != NULL) {
		char *msg = xasprintf("error: %s\n", error);
		sup_report(s, msg);
		free(msg);
	}
	_exit(0);
}

/* Cut every tie with the submitter: signals, standard streams, inherited fds. */
static void sup_detach(int keep_fd)
{
	struct sigaction sa;
	struct rlimit rl;
	sigset_t none;
	int null_fd, maxfd = 1024;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGCONT, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	null_fd = open("/dev/null", O_RDWR);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		dup2(null_fd, STDERR_FILENO);
		if (null_fd > STDERR_FILENO)
			close(null_fd);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		maxfd = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
	for (int fd = STDERR_FILENO + 1; fd < maxfd; fd++)
		if (fd != keep_fd)
			close(fd);
	umask(022);
	if (chdir("/") != 0) {
		/* nothing depends on the working directory: every path is absolute */
	}
}

static void sup_signals(void)
{
	struct sigaction sa;

	if (pipe(sup_sig_pipe) != 0)
		_exit(1);
	for (int i = 0; i < 2; i++) {
		fcntl(sup_sig_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(sup_sig_pipe[i], F_SETFL, fcntl(sup_sig_pipe[i], F_GETFL) | O_NONBLOCK);
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sup_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/* Reads and consumes `control`; returns 'c' continue, 'x' cancel, 'p' pause, 0 nothing. */
static int sup_read_control(struct sup *s)
{
	char *path = xasprintf("%s/control", s->dir);
	char buf[64];
	FILE *f = fopen(path, "r");
	int what = 0;

	if (f != NULL) {
		if (fgets(buf, sizeof buf, f) != NULL) {
			str_trim(buf);
			if (strcmp(buf, "cancel") == 0)
				what = 'x';
			else if (strcmp(buf, "continue") == 0)
				what = 'c';
			else if (strcmp(buf, "pause") == 0)
				what = 'p';
		}
		fclose(f);
		unlink(path);
	}
	free(path);
	return what;
}

/* Drains the signal pipe; returns 'x' on SIGTERM or a cancel request, 'c' on
 * continue, 'p' on pause. */
static int sup_drain_signals(struct sup *s)
{
	unsigned char buf[64];
	ssize_t r;
	int what = 0, term = 0, usr = 0;

	while ((r = read(sup_sig_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] == SIGTERM)
				term = 1;
			else if (buf[i] == SIGUSR1)
				usr = 1;
		}
	}
	if (usr)
		what = sup_read_control(s);
	if (term)
		what = 'x';
	return what;
}

/* Waits up to ms for a signal; returns what sup_drain_signals says, also
 * looking at `control` so a lost signal costs at most one poll period. */
static int sup_idle(struct sup *s, int ms)
{
	struct pollfd pfd = { .fd = sup_sig_pipe[0], .events = POLLIN };
	int what;

	if (poll(&pfd, 1, ms) > 0 && (what = sup_drain_signals(s)) != 0)
		return what;
	return sup_read_control(s);
}

/* --- output and the phase tracker ------------------------------------------ */

static void sup_on_event(void *arg, const struct phase_event *ev)
{
	struct sup *s = arg;
	struct job_info *ji = &s->ji;

	switch (ev->kind) {
	case PHASE_EV_PHASE_START:
		if (ev->phase >= 1 && ev->phase <= JOB_PHASES) {
			ji->phase = ev->phase;
			ji->phase_start[ev->phase] = job_now_ms();
		}
		break;
	case PHASE_EV_PHASE_END:
		/* skipped phases (not asked for with -P) never ran: no end time */
		if (ev->phase >= 1 && ev->phase <= JOB_PHASES && ev->status != PHASE_SKIPPED)
			ji->phase_end[ev->phase] = job_now_ms();
		break;
	case PHASE_EV_PROGRESS:
		ji->filesets_done = (int)ev->done;
		ji->filesets_total = (int)ev->total;
		break;
	case PHASE_EV_MESSAGE:
		if (ev->msg != NULL && ev->msg->text != NULL) {
			free(ji->message);
			ji->message = xstrdup(ev->msg->text);
		}
		break;
	default:
		break;
	}
	s->dirty = 1;
}

static void sup_on_data(void *arg, struct cmd *c, enum cmd_stream st, const char *buf, size_t len)
{
	struct sup *s = arg;
	size_t off = 0;

	(void)c;
	(void)st;
	while (off < len) {
		ssize_t w = write(s->out_fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break; /* a full disk must not stop the migration */
		off += (size_t)w;
	}
}

static void sup_on_line(void *arg, struct cmd *c, enum cmd_stream st, const char *line, size_t len,
                        unsigned flags)
{
	struct sup *s = arg;

	(void)c;
	(void)st;
	(void)flags;
	s->ji.last_output = (long long)time(NULL);
	phase_tracker_feed(s->tracker, line, len, job_now_ms());
	s->dirty = 1;
}

static void sup_on_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct sup *s = arg;

	(void)c;
	s->res = *r;
	s->call_done = 1;
	s->cmd = NULL;
}

/* A pause after the current phase, for jobs run phase by phase only (a single
 * nimadm call cannot pause: job_pause refuses those). */
static void sup_request_pause(struct sup *s)
{
	if (s->ji.step || s->ji.from_phase > 0) {
		s->ji.pause_requested = 1;
		sup_write_state(s);
	}
}

/* Runs one nimadm call to its end; returns 0 when it exited 0. */
static int sup_run_call(struct sup *s, struct cmdset *set, int phase)
{
	struct strv argv = { 0 };
	struct cmd_cb cb = {
		.line = sup_on_line, .data = sup_on_data, .done = sup_on_done, .arg = s
	};
	struct cmd_spec spec = { .host = s->site->master };
	struct err e;
	struct pollfd *fds = NULL;
	size_t cap = 0;

	err_clear(&e);
	if (phase > 0 && s->params != NULL) {
		/* -P in its canonical place, as params builds every argv. */
		if (params_argv_phase(s->params, phase, &argv, &e) != 0) {
			free(s->ji.error);
			s->ji.error = xstrdup(e.msg);
			return -1;
		}
	} else {
		for (size_t i = 0; i < s->argv.n; i++)
			strv_push(&argv, s->argv.v[i]);
		if (phase > 0) {
			strv_push(&argv, "-P");
			strv_pushf(&argv, "%d", phase);
		}
	}
	spec.argv = strv_argv(&argv);
	s->call_done = 0;
	memset(&s->res, 0, sizeof s->res);
	s->cmd = cmd_start(set, &spec, &cb, &e);
	strv_free(&argv);
	if (s->cmd == NULL) {
		free(s->ji.error);
		s->ji.error = xstrdup(e.msg);
		return -1;
	}
	while (!s->call_done) {
		size_t n = cmdset_npollfds(set);
		int timeout = cmdset_timeout(set);
		int what;
		if (n + 1 > cap) {
			cap = n + 1;
			fds = xreallocarray(fds, cap, sizeof *fds);
		}
		n = cmdset_fill_pollfds(set, fds, n);
		fds[n].fd = sup_sig_pipe[0];
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		if (s->dirty && (timeout < 0 || timeout > SUP_STATE_INTERVAL_MS))
			timeout = SUP_STATE_INTERVAL_MS;
		if (poll(fds, n + 1, timeout) < 0 && errno != EINTR)
			break;
		cmdset_dispatch(set, fds, n);
		what = (fds[n].revents & POLLIN) ? sup_drain_signals(s) : 0;
		if (what == 'x' && !s->cancel) {
			s->cancel = 1;
			if (s->cmd != NULL)
				cmd_cancel(s->cmd);
		} else if (what == 'p') {
			sup_request_pause(s);
		}
		if (s->dirty && clock_ms() - s->last_write >= SUP_STATE_INTERVAL_MS)
			sup_write_state(s);
	}
	free(fds);
	if (s->res.errmsg[0] != '\0' && s->ji.error == NULL)
		s->ji.error = xstrdup(s->res.errmsg);
	s->ji.exit_code = s->res.exited ? s->res.status : 128 + s->res.signal;
	return s->res.exited && s->res.status == 0 ? 0 : -1;
}

/* Takes a running slot, waiting in the queue while all are taken. */
static int sup_take_slot(struct sup *s)
{
	char *slots = xasprintf("%s/slots", s->site->state_dir);

	site_mkdirs(slots, 0, NULL);
	for (;;) {
		int limit = job_limit_get(s->site);
		for (int i = 0; i < limit; i++) {
			char *path = xasprintf("%s/%d.lock", slots, i);
			int fd = job_lock_try(path);
			free(path);
			if (fd >= 0) {
				free(slots);
				return fd; /* held until the supervisor exits */
			}
		}
		int what = sup_idle(s, SUP_IDLE_POLL_MS);
		if (what == 'x') {
			free(slots);
			return -1;
		}
		if (what == 'p')
			sup_request_pause(s);
	}
}

void supervisor_main(struct site *site, const char *id, int report)
{
	struct sup s;
	struct err e;
	struct cmdset *set;
	char *path;
	int lock_fd, first, last, ok = 1;

	sup_detach(report);
	memset(&s, 0, sizeof s);
	s.site = site;
	s.report = report;
	s.out_fd = -1;
	s.client_fd = s.slot_fd = -1;
	s.dir = job_dir(site, id);
	s.ji.exit_code = -1;
	s.ji.status = JOB_WAITING;
	s.ji.pid = getpid();
	str_copy(s.ji.id, id, sizeof s.ji.id);

	path = xasprintf("%s/supervisor.lock", s.dir);
	lock_fd = job_lock_try(path);
	free(path);
	if (lock_fd < 0)
		_exit(1);
	err_clear(&e);
	if (job_journal_read(site, id, &s.ji, &s.argv, &e) != 0)
		sup_exit(&s, JOB_FAILED, e.msg);
	s.ji.status = JOB_WAITING;
	s.ji.pid = getpid();
	s.ji.exit_code = -1;
	if (s.ji.to_phase == 0)
		s.ji.to_phase = JOB_PHASES;
	if (s.ji.params_ini != NULL) {
		s.params = params_new(NIMADM_MIGRATE);
		if (params_load_ini_string(s.params, s.ji.params_ini, &e) != 0)
			sup_exit(&s, JOB_FAILED, e.msg);
	}
	if (s.argv.n == 0)
		sup_exit(&s, JOB_FAILED, "job.ini has no command");

	/* One active job per client: the lock lives as long as this process. */
	path = xasprintf("%s/locks/%s.lock", site->state_dir, s.ji.client);
	s.client_fd = job_lock_try(path);
	if (s.client_fd < 0) {
		char *msg =
		    xasprintf("client %s already has an active job: nothing started", s.ji.client);
		free(path);
		sup_report(&s, "");
		sup_exit(&s, JOB_FAILED, msg);
	}
	free(path);
	if (ftruncate(s.client_fd, 0) == 0 && write(s.client_fd, id, strlen(id)) < 0) {
		/* the lock still holds; its text is only for people */
	}
	sup_signals();
	sup_write_state(&s);
	sup_report(&s, "ok\n");

	if ((s.slot_fd = sup_take_slot(&s)) < 0)
		sup_exit(&s, JOB_CANCELLED, NULL);

	path = xasprintf("%s/output.log", s.dir);
	s.out_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	free(path);
	if (s.out_fd < 0)
		sup_exit(&s, JOB_FAILED, "cannot open output.log");
	fcntl(s.out_fd, F_SETFD, FD_CLOEXEC);
	s.tracker = phase_tracker_new(sup_on_event, &s);
	if (s.ji.from_phase > 0 || s.ji.step) {
		unsigned mask = 0;
		for (int p = s.ji.from_phase > 0 ? s.ji.from_phase : 1; p <= s.ji.to_phase; p++)
			mask |= 1u << p;
		phase_tracker_set_phases(s.tracker, mask);
	}
	s.ji.status = JOB_RUNNING;
	s.ji.started = (long long)time(NULL);
	sup_write_state(&s);

	set = site_new_cmdset(site);
	cmdset_set_grace(set, SUP_CANCEL_GRACE_MS);
	first = s.ji.from_phase > 0 ? s.ji.from_phase : (s.ji.step ? 1 : 0);
	last = s.ji.to_phase;
	if (first == 0) {
		ok = sup_run_call(&s, set, 0) == 0;
	} else {
		for (int p = first; p <= last && ok && !s.cancel; p++) {
			ok = sup_run_call(&s, set, p) == 0;
			/* a call that ran its one phase to the end ended that phase */
			if (ok && s.ji.phase_start[p] > 0 && s.ji.phase_end[p] == 0)
				s.ji.phase_end[p] = job_now_ms();
			if (!ok || s.cancel || p == last || (!s.ji.step && !s.ji.pause_requested))
				continue;
			/* Step mode, or job_pause(): pause until the operator says
			 * continue (or cancel). */
			s.ji.status = JOB_PAUSED;
			s.ji.paused_after = p;
			s.ji.pause_requested = 0;
			sup_write_state(&s);
			for (;;) {
				int what = sup_idle(&s, SUP_IDLE_POLL_MS);
				if (what == 'x') {
					s.cancel = 1;
					break;
				}
				if (what == 'c')
					break;
			}
			s.ji.status = JOB_RUNNING;
			s.ji.paused_after = 0;
			sup_write_state(&s);
		}
	}
	/* the output has ended: the tracker ends the last phase (done or failed) */
	phase_tracker_finish(s.tracker, s.cancel ? -1 : (ok ? 0 : s.ji.exit_code));
	if (s.cancel)
		sup_exit(&s, JOB_CANCELLED, NULL);
	sup_exit(&s, ok ? JOB_SUCCEEDED : JOB_FAILED, NULL);
}
