/*
 * test_engine_cmd.c: the command transport with real child processes: line
 * assembly, streams, exit statuses, start failures, timeouts, cancel of a
 * process tree, many commands at once, stdin, environment and PATH, the NIM
 * wrapping, and display escaping. Children are shell scripts from
 * tests/fixtures/cmd; synchronisation is by events (lines, FIFOs), not sleeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cmd.h"

/* Generous bound for "soon" on a loaded 2-core machine under ASan. */
#define SLACK_MS 8000

struct line {
	enum cmd_stream s;
	char *text;
	size_t len;
	unsigned flags;
};

/* Records everything one command reports. */
struct rec {
	struct line *lines;
	size_t n, cap;
	struct strbuf raw[2];
	size_t nchunks[2];
	int done;
	long long done_ms;
	struct cmd_result res;
	struct cmd *c;
	/* optional per-test hook, called after each line is recorded */
	void (*on_line)(struct rec *r, enum cmd_stream s, const char *line, size_t len);
	void (*on_data)(struct rec *r, enum cmd_stream s, const char *buf, size_t len);
	void *ctx;
};

struct state {
	struct cmdset *set;
	struct host *local;
	char *tmp;
	char *fixtures;
	struct rlimit saved_nofile;
};

static void rec_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                     unsigned flags)
{
	struct rec *r = arg;

	assert_ptr_equal(c, r->c);
	/* The contract: NUL-terminated even with NULs inside. */
	assert_int_equal(line[len], '\0');
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->lines = xreallocarray(r->lines, r->cap, sizeof *r->lines);
	}
	r->lines[r->n].s = s;
	r->lines[r->n].text = xmalloc(len + 1);
	memcpy(r->lines[r->n].text, line, len + 1);
	r->lines[r->n].len = len;
	r->lines[r->n].flags = flags;
	r->n++;
	if (r->on_line != NULL)
		r->on_line(r, s, line, len);
}

static void rec_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct rec *r = arg;

	(void)c;
	sb_add(&r->raw[s - 1], buf, len);
	r->nchunks[s - 1]++;
	if (r->on_data != NULL)
		r->on_data(r, s, buf, len);
}

static void rec_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct rec *r = arg;

	assert_ptr_equal(c, r->c);
	assert_false(r->done);
	r->done = 1;
	r->done_ms = clock_ms();
	r->res = *res;
	r->c = NULL;
}

static struct cmd *rec_start(struct state *st, const struct host *h, const char *const *argv,
                             int timeout_ms, const char *input, size_t input_len, struct rec *r)
{
	struct cmd_spec spec = { h, argv, timeout_ms, input, input_len };
	struct cmd_cb cb = { rec_line, rec_data, rec_done, r };
	struct err e;
	struct cmd *c;

	err_clear(&e);
	c = cmd_start(st->set, &spec, &cb, &e);
	if (c == NULL)
		fail_msg("cmd_start %s: %s", argv[0], e.msg);
	r->c = c;
	return c;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i].text);
	free(r->lines);
	sb_free(&r->raw[0]);
	sb_free(&r->raw[1]);
	memset(r, 0, sizeof *r);
}

/* The i-th line of stream s, or NULL. */
static const struct line *rec_get(const struct rec *r, enum cmd_stream s, size_t i)
{
	for (size_t k = 0; k < r->n; k++) {
		if (r->lines[k].s == s && i-- == 0)
			return &r->lines[k];
	}
	return NULL;
}

static size_t rec_count(const struct rec *r, enum cmd_stream s)
{
	size_t n = 0;

	for (size_t k = 0; k < r->n; k++)
		n += r->lines[k].s == s;
	return n;
}

static void assert_line(const struct rec *r, enum cmd_stream s, size_t i, const char *text,
                        unsigned flags)
{
	const struct line *l = rec_get(r, s, i);

	if (l == NULL)
		fail_msg("no line %zu on stream %d (want \"%s\")", i, (int)s, text);
	assert_string_equal(l->text, text);
	assert_int_equal(l->len, strlen(text));
	assert_int_equal(l->flags, flags);
}

static void run_idle(struct state *st)
{
	assert_int_equal(cmdset_run(st->set, 60000), 0);
	assert_int_equal(cmdset_active(st->set), 0);
}

static char *fixture(const struct state *st, const char *name)
{
	return xasprintf("%s/%s", st->fixtures, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Highest open fd + 1. */
static int fd_high(void)
{
	int hi = 0;

	for (int fd = 0; fd < 4096; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			hi = fd + 1;
	}
	return hi;
}

static int fd_count(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static int setup(void **sp)
{
	struct state *st = xcalloc(1, sizeof *st);
	const char *tmpdir = getenv("TMPDIR");
	const char *src = getenv("NIMADM_TUI_SRC");

	st->tmp = xasprintf("%s/cmdtest.XXXXXX", tmpdir != NULL && *tmpdir ? tmpdir : "/tmp");
	if (mkdtemp(st->tmp) == NULL)
		return -1;
	st->fixtures = xasprintf("%s/tests/fixtures/cmd", src != NULL && *src ? src : ".");
	st->set = cmdset_new();
	st->local = host_local_new("master");
	getrlimit(RLIMIT_NOFILE, &st->saved_nofile);
	*sp = st;
	return 0;
}

static int teardown(void **sp)
{
	struct state *st = *sp;
	struct cmdset *set;
	const char *rm[] = { "rm", "-rf", st->tmp, NULL };
	struct cmd_spec spec = { st->local, rm, 30000, NULL, 0 };
	struct cmd_capture cap;

	setrlimit(RLIMIT_NOFILE, &st->saved_nofile);
	cmdset_free(&st->set);
	set = cmdset_new();
	cmd_capture_run(set, &spec, &cap, NULL);
	cmd_capture_free(&cap);
	cmdset_free(&set);
	host_free(&st->local);
	free(st->tmp);
	free(st->fixtures);
	free(st);
	return 0;
}

/* --- lines ------------------------------------------------------------------------------ */

struct partial_ctx {
	const char *fifo;
	int released;
};

/* On "ab", no line may exist yet; then let the child go on. */
static void partial_on_data(struct rec *r, enum cmd_stream s, const char *buf, size_t len)
{
	struct partial_ctx *p = r->ctx;
	int fd;

	(void)buf;
	(void)len;
	if (s != CMD_STDOUT || p->released)
		return;
	assert_string_equal(r->raw[0].buf, "ab");
	assert_int_equal(r->n, 0);
	p->released = 1;
	fd = open(p->fifo, O_WRONLY); /* the child is blocked opening it for reading */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
}

static void test_cmd_carries_partial_lines_across_writes(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "partial.sh");
	char *fifo = xasprintf("%s/fifo", st->tmp);
	const char *argv[] = { script, fifo, NULL };
	struct partial_ctx p = { fifo, 0 };
	struct rec r = { 0 };

	assert_int_equal(mkfifo(fifo, 0600), 0);
	r.on_data = partial_on_data;
	r.ctx = &p;
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_true(p.released);
	assert_true(r.nchunks[0] >= 2);
	assert_int_equal(rec_count(&r, CMD_STDOUT), 2);
	assert_line(&r, CMD_STDOUT, 0, "abc", 0);
	assert_line(&r, CMD_STDOUT, 1, "d", CMD_LINE_NO_EOL);
	assert_int_equal(rec_count(&r, CMD_STDERR), 0);
	assert_string_equal(r.raw[0].buf, "abc\nd");
	assert_true(r.res.exited);
	assert_int_equal(r.res.status, 0);
	assert_int_equal(r.res.start_errno, 0);
	assert_string_equal(r.res.errmsg, "");
	rec_free(&r);
	free(fifo);
	free(script);
}

static void test_cmd_separates_streams_and_keeps_their_order(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "streams.sh");
	const char *argv[] = { script, NULL };
	struct rec r = { 0 };

	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_int_equal(rec_count(&r, CMD_STDOUT), 8);
	assert_int_equal(rec_count(&r, CMD_STDERR), 8);
	for (int i = 0; i < 8; i++) {
		char out[16], err[16];
		snprintf(out, sizeof out, "out %d", i + 1);
		snprintf(err, sizeof err, "err %d", i + 1);
		assert_line(&r, CMD_STDOUT, (size_t)i, out, 0);
		assert_line(&r, CMD_STDERR, (size_t)i, err, 0);
	}
	assert_true(r.res.exited);
	assert_int_equal(r.res.status, 0);
	rec_free(&r);
	free(script);
}

/* What an observer of the whole set saw. */
struct obs_rec {
	int starts, dones;
	struct strbuf out;
	const struct cmd *cmd;
	int status;
};

static void obs_start(void *arg, const struct cmd *c)
{
	struct obs_rec *o = arg;
	o->starts++;
	o->cmd = c;
}

static void obs_data(void *arg, const struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct obs_rec *o = arg;
	(void)s;
	assert_ptr_equal(c, o->cmd);
	sb_add(&o->out, buf, len);
}

static void obs_done(void *arg, const struct cmd *c, const struct cmd_result *r)
{
	struct obs_rec *o = arg;
	assert_ptr_equal(c, o->cmd);
	o->dones++;
	o->status = r->status;
}

static void test_cmdset_observer_sees_every_command_start_output_and_end(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "streams.sh");
	const char *argv[] = { script, NULL };
	struct obs_rec o = { 0 };
	struct cmdset_observer ob = { obs_start, obs_data, obs_done, &o };
	struct rec r = { 0 }, r2 = { 0 };

	cmdset_set_observer(st->set, &ob);
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	assert_int_equal(o.starts, 1);
	run_idle(st);
	assert_int_equal(o.dones, 1);
	assert_int_equal(o.status, 0);
	/* the raw output of both streams, as the command's own callbacks got it */
	assert_non_null(strstr(sb_str(&o.out), "out 1\n"));
	assert_non_null(strstr(sb_str(&o.out), "err 8\n"));
	assert_int_equal(rec_count(&r, CMD_STDOUT), 8);
	/* removed: nothing more is seen */
	cmdset_set_observer(st->set, NULL);
	rec_start(st, st->local, argv, 0, NULL, 0, &r2);
	run_idle(st);
	assert_int_equal(o.starts, 1);
	assert_int_equal(o.dones, 1);
	sb_free(&o.out);
	rec_free(&r);
	rec_free(&r2);
	free(script);
}

static void test_cmd_survives_stderr_flood_with_small_stdout(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "flood.sh");
	const char *argv[] = { script, "80000", NULL };
	struct rec r = { 0 };
	size_t nerr = 0;

	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_int_equal(rec_count(&r, CMD_STDOUT), 2);
	assert_line(&r, CMD_STDOUT, 0, "first", 0);
	assert_line(&r, CMD_STDOUT, 1, "last", 0);
	for (size_t k = 0; k < r.n; k++) {
		char want[80];
		if (r.lines[k].s != CMD_STDERR)
			continue;
		nerr++;
		snprintf(want, sizeof want,
		         "stderr line %07zu .......................................", nerr);
		if (strcmp(r.lines[k].text, want) != 0)
			fail_msg("stderr line %zu: \"%s\"", nerr, r.lines[k].text);
		assert_int_equal(r.lines[k].flags, 0);
	}
	assert_int_equal(nerr, 80000);
	assert_int_equal(r.raw[1].len, 80000 * 60);
	assert_int_equal(r.res.status, 0);
	rec_free(&r);
	free(script);
}

static void test_cmd_caps_very_long_lines(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "longlines.sh");
	char cap[32];
	const char *argv[] = { script, cap, NULL };
	struct rec r = { 0 };
	const struct line *l;

	snprintf(cap, sizeof cap, "%d", CMD_LINE_MAX);
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_int_equal(rec_count(&r, CMD_STDOUT), 4);
	l = rec_get(&r, CMD_STDOUT, 0);
	assert_int_equal(l->len, CMD_LINE_MAX);
	assert_int_equal(l->flags, CMD_LINE_TRUNCATED);
	assert_int_equal(strspn(l->text, "x"), CMD_LINE_MAX);
	assert_line(&r, CMD_STDOUT, 1, "short", 0);
	l = rec_get(&r, CMD_STDOUT, 2);
	assert_int_equal(l->len, CMD_LINE_MAX);
	assert_int_equal(l->flags, 0);
	assert_int_equal(strspn(l->text, "y"), CMD_LINE_MAX);
	l = rec_get(&r, CMD_STDOUT, 3);
	assert_int_equal(l->len, CMD_LINE_MAX);
	assert_int_equal(l->flags, CMD_LINE_NO_EOL);
	assert_int_equal(strspn(l->text, "z"), CMD_LINE_MAX);
	/* The raw data is never cut. */
	assert_int_equal(r.raw[0].len, 200000 + 7 + CMD_LINE_MAX + 1 + CMD_LINE_MAX);
	rec_free(&r);
	free(script);
}

static void test_cmd_keeps_control_characters_raw_in_lines(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "printf", "a\\tb\\033[31mred\\r\\n\\001\\nx\\000y\\n\\n", NULL };
	struct rec r = { 0 };
	const struct line *l;

	cmdset_setenv(st->set, "PATH", "/usr/bin:/bin");
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_int_equal(rec_count(&r, CMD_STDOUT), 4);
	assert_line(&r, CMD_STDOUT, 0, "a\tb\033[31mred\r", 0);
	assert_line(&r, CMD_STDOUT, 1, "\001", 0);
	l = rec_get(&r, CMD_STDOUT, 2);
	assert_int_equal(l->len, 3);
	assert_memory_equal(l->text, "x\0y", 4);
	assert_line(&r, CMD_STDOUT, 3, "", 0);
	rec_free(&r);
}

/* --- statuses and start failures ---------------------------------------------------------- */

static void test_cmd_reports_exit_codes_and_signals(void **sp)
{
	struct state *st = *sp;
	const char *exit42[] = { "/bin/sh", "-c", "exit 42", NULL };
	const char *usr1[] = { "/bin/sh", "-c", "kill -USR1 $$", NULL };
	const char *ok[] = { "/bin/sh", "-c", ":", NULL };
	struct rec a = { 0 }, b = { 0 }, c = { 0 };

	rec_start(st, st->local, exit42, 0, NULL, 0, &a);
	rec_start(st, st->local, usr1, 0, NULL, 0, &b);
	rec_start(st, st->local, ok, 0, NULL, 0, &c);
	assert_int_equal(cmdset_active(st->set), 3);
	run_idle(st);
	assert_true(a.done && b.done && c.done);
	assert_true(a.res.exited);
	assert_int_equal(a.res.status, 42);
	assert_int_equal(a.res.signal, 0);
	assert_false(b.res.exited);
	assert_int_equal(b.res.signal, SIGUSR1);
	assert_int_equal(b.res.status, 128 + SIGUSR1);
	assert_true(c.res.exited);
	assert_int_equal(c.res.status, 0);
	assert_false(a.res.timed_out || a.res.cancelled || b.res.timed_out || b.res.cancelled);
	assert_true(a.res.duration_ms >= 0);
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
}

static void test_cmd_reports_a_program_that_does_not_exist(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "nimadm-tui-no-such-program", "-a", NULL };
	const char *abs[] = { "/nonexistent/dir/lsnim", NULL };
	struct rec r = { 0 }, q = { 0 };

	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	rec_start(st, st->local, abs, 0, NULL, 0, &q);
	/* Never from inside cmd_start: only the loop delivers `done`. */
	assert_false(r.done);
	run_idle(st);
	assert_true(r.done);
	assert_true(r.res.exited);
	assert_int_equal(r.res.status, 127);
	assert_int_equal(r.res.start_errno, ENOENT);
	assert_string_equal(r.res.errmsg, "nimadm-tui-no-such-program: No such file or directory");
	assert_int_equal(r.n, 0);
	assert_int_equal(q.res.status, 127);
	assert_int_equal(q.res.start_errno, ENOENT);
	assert_string_equal(q.res.errmsg, "/nonexistent/dir/lsnim: No such file or directory");
	rec_free(&r);
	rec_free(&q);
}

static void test_cmd_start_rejects_bad_specs(void **sp)
{
	struct state *st = *sp;
	const char *empty[] = { NULL };
	const char *argv[] = { "lsnim", NULL };
	struct host *ssh = host_local_new("remote");
	struct host *nim1 = host_nim_new("client1", st->local, NIM_CONNECT_SHELL);
	struct host *nim2 = host_nim_new("client2", nim1, NIM_CONNECT_SHELL);
	struct cmd_spec spec = { st->local, empty, 0, NULL, 0 };
	struct err e;

	err_clear(&e);
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_string_equal(e.msg, "cannot start a command: empty argv");
	spec.argv = argv;
	spec.host = NULL;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_non_null(strstr(e.msg, "no host"));
	ssh->kind = HOST_SSH;
	spec.host = ssh;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_string_equal(e.msg, "cannot start lsnim on remote: the ssh host has no address");
	spec.host = nim2;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_non_null(strstr(e.msg, "client2"));
	assert_int_equal(cmdset_active(st->set), 0);
	assert_int_equal(cmdset_npollfds(st->set), 0);
	assert_int_equal(cmdset_timeout(st->set), -1);
	host_free(&nim2);
	host_free(&nim1);
	host_free(&ssh);
	assert_null(ssh);
}

/* --- timeouts and cancel ------------------------------------------------------------------- */

static void test_cmd_times_out_a_hung_program(void **sp)
{
	struct state *st = *sp;
	const char *sleeper[] = { "sleep", "1000", NULL };
	const char *deaf[] = { "/bin/sh", "-c", "trap '' TERM; sleep 1000; :", NULL };
	struct rec a = { 0 }, b = { 0 };
	long long t0 = clock_ms();
	int t;

	cmdset_set_grace(st->set, 300);
	rec_start(st, st->local, sleeper, 400, NULL, 0, &a);
	rec_start(st, st->local, deaf, 400, NULL, 0, &b);
	t = cmdset_timeout(st->set);
	assert_true(t >= 0 && t <= 400);
	run_idle(st);
	/* sleep dies of SIGTERM; the deaf one needs SIGKILL after the grace. */
	assert_true(a.res.timed_out);
	assert_false(a.res.cancelled);
	assert_false(a.res.exited);
	assert_int_equal(a.res.signal, SIGTERM);
	assert_string_equal(a.res.errmsg, "timed out after 400 ms");
	assert_true(a.res.duration_ms >= 400);
	assert_true(a.done_ms - t0 < 400 + 300 + SLACK_MS);
	assert_true(b.res.timed_out);
	assert_int_equal(b.res.signal, SIGKILL);
	assert_true(b.res.duration_ms >= 400 + 300);
	assert_true(b.done_ms - t0 < 400 + 300 + SLACK_MS);
	rec_free(&a);
	rec_free(&b);
}

struct tree_ctx {
	pid_t pids[8];
	int npids;
	int cancelled;
};

/* Collects "pid N" lines; cancels once the whole tree has reported. */
static void tree_on_line(struct rec *r, enum cmd_stream s, const char *line, size_t len)
{
	struct tree_ctx *t = r->ctx;

	(void)len;
	if (s != CMD_STDOUT || strncmp(line, "pid ", 4) != 0)
		return;
	assert_true(t->npids < 8);
	t->pids[t->npids++] = (pid_t)atol(line + 4);
	if (t->npids == 4 && !t->cancelled) {
		t->cancelled = 1;
		cmd_cancel(r->c);
		cmd_cancel(r->c); /* twice is harmless */
	}
}

/* After the command is done, every pid of the tree is gone. Orphans come to
 * us (a subreaper on Linux; PID 1 here does not reap them) and are reaped
 * here: waiting on a child is an event, bounded by an alarm. */
static void assert_pids_killed(const pid_t *pids, int n, pid_t leader)
{
	for (int i = 0; i < n; i++) {
		if (pids[i] != leader) {
#ifdef __linux__
			int wst;
			alarm(20);
			assert_int_equal(waitpid(pids[i], &wst, 0), pids[i]);
			alarm(0);
			assert_true(WIFSIGNALED(wst));
			assert_int_equal(WTERMSIG(wst), SIGKILL);
#endif
		}
		errno = 0;
		assert_int_equal(kill(pids[i], 0), -1);
		assert_int_equal(errno, ESRCH);
	}
}

static void test_cmd_cancel_kills_the_whole_process_tree(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "tree.sh");
	const char *argv[] = { script, NULL };
	struct tree_ctx t = { { 0 }, 0, 0 };
	struct rec r = { 0 };
	pid_t leader;
	long long t0;

	cmdset_set_grace(st->set, 200);
	r.on_line = tree_on_line;
	r.ctx = &t;
	leader = cmd_pid(rec_start(st, st->local, argv, 0, NULL, 0, &r));
	assert_true(leader > 0);
	t0 = clock_ms();
	run_idle(st);
	assert_true(t.cancelled);
	assert_int_equal(t.npids, 4);
	assert_true(r.res.cancelled);
	assert_false(r.res.timed_out);
	assert_int_equal(r.res.signal, SIGKILL); /* SIGTERM was ignored */
	assert_string_equal(r.res.errmsg, "cancelled");
	assert_true(clock_ms() - t0 < 200 + SLACK_MS);
	assert_pids_killed(t.pids, t.npids, leader);
	rec_free(&r);
	free(script);
}

static void test_cmd_is_not_done_while_a_grandchild_holds_the_pipe(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "holdpipe.sh");
	const char *argv[] = { script, NULL };
	struct rec r = { 0 };

	cmdset_set_grace(st->set, 100);
	rec_start(st, st->local, argv, 500, NULL, 0, &r);
	run_idle(st);
	assert_line(&r, CMD_STDOUT, 0, "started", 0);
	/* The script exited 0 at once, but the command ended only at the timeout. */
	assert_true(r.res.timed_out);
	assert_true(r.res.duration_ms >= 500);
	assert_true(r.res.exited);
	assert_int_equal(r.res.status, 0);
	rec_free(&r);
	free(script);
}

static void escape_on_line(struct rec *r, enum cmd_stream s, const char *line, size_t len)
{
	(void)s;
	(void)len;
	if (strncmp(line, "pid ", 4) == 0)
		*(pid_t *)r->ctx = (pid_t)atol(line + 4);
}

static void test_cmd_abandons_pipes_held_outside_the_group(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "escape.sh");
	const char *argv[] = { script, NULL };
	struct rec r = { 0 };
	pid_t escaped = 0;
	int wst;

	if (access("/usr/bin/setsid", X_OK) != 0 && access("/bin/setsid", X_OK) != 0) {
		free(script);
		skip();
	}
	cmdset_set_grace(st->set, 100);
	r.on_line = escape_on_line;
	r.ctx = &escaped;
	rec_start(st, st->local, argv, 300, NULL, 0, &r);
	run_idle(st);
	assert_true(escaped > 0);
	assert_true(r.res.timed_out);
	assert_non_null(strstr(r.res.errmsg, "kept its output open after SIGKILL"));
	assert_true(r.res.duration_ms < 300 + 100 + 1000 + SLACK_MS);
	/* The engine could not reach it: clean up ourselves. */
	assert_int_equal(kill(escaped, SIGKILL), 0);
#ifdef __linux__
	alarm(20);
	assert_int_equal(waitpid(escaped, &wst, 0), escaped);
	alarm(0);
#else
	(void)wst;
#endif
	rec_free(&r);
	free(script);
}

static void test_cmdset_free_stops_running_commands_without_callbacks(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "tree.sh");
	const char *deaf[] = { script, NULL };
	const char *sleeper[] = { "sleep", "1000", NULL };
	struct rec a = { 0 }, b = { 0 };
	struct tree_ctx t = { { 0 }, 0, 1 };
	pid_t pa, pb;
	long long t0;

	cmdset_set_grace(st->set, 200);
	a.on_line = tree_on_line;
	a.ctx = &t;
	pa = cmd_pid(rec_start(st, st->local, deaf, 0, NULL, 0, &a));
	pb = cmd_pid(rec_start(st, st->local, sleeper, 0, NULL, 0, &b));
	/* Wait until the whole tree runs (its lines are the events). */
	t0 = clock_ms();
	while (t.npids < 4 && clock_ms() - t0 < SLACK_MS)
		cmdset_run(st->set, 100);
	assert_int_equal(t.npids, 4);
	t0 = clock_ms();
	cmdset_free(&st->set);
	assert_null(st->set);
	assert_true(clock_ms() - t0 < 200 + 1000 + SLACK_MS);
	assert_false(a.done);
	assert_false(b.done);
	assert_pids_killed(t.pids, t.npids, pa);
	errno = 0;
	assert_int_equal(kill(pb, 0), -1);
	assert_int_equal(errno, ESRCH);
	st->set = cmdset_new();
	rec_free(&a);
	rec_free(&b);
	free(script);
}

/* --- many at once, fd limits ---------------------------------------------------------------- */

#define MANY       200
#define MANY_LINES 1000

struct many_ctx {
	int id;
	int next;
	int bad;
	int err_lines;
};

static void many_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                      unsigned flags)
{
	struct many_ctx *m = arg;
	char want[32];
	int n;

	(void)c;
	(void)len;
	if (s == CMD_STDERR) {
		snprintf(want, sizeof want, "done %d", m->id);
		m->err_lines++;
		m->bad += strcmp(line, want) != 0;
		return;
	}
	n = snprintf(want, sizeof want, "%d %d ", m->id, m->next);
	m->bad +=
	    flags != 0 || strncmp(line, want, (size_t)n) != 0 || strlen(line) != (size_t)n + 80;
	m->next++;
}

static void many_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct many_ctx *m = arg;

	(void)c;
	m->bad += !r->exited || r->status != 0;
	m->id = -m->id - 1; /* marks done */
}

static void test_cmd_runs_200_commands_in_flight_at_once(void **sp)
{
	struct state *st = *sp;
	char *script = fixture(st, "lines.sh");
	struct many_ctx *m = xcalloc(MANY, sizeof *m);
	char nlines[16];
	int before = fd_count();

	snprintf(nlines, sizeof nlines, "%d", MANY_LINES);
	for (int i = 0; i < MANY; i++) {
		char id[16];
		const char *argv[] = { script, id, nlines, NULL };
		struct cmd_spec spec = { st->local, argv, 120000, NULL, 0 };
		struct cmd_cb cb = { many_line, NULL, many_done, &m[i] };
		struct err e;
		snprintf(id, sizeof id, "%d", i);
		m[i].id = i;
		if (cmd_start(st->set, &spec, &cb, &e) == NULL)
			fail_msg("command %d: %s", i, e.msg);
	}
	/* All of them started before any was serviced: 200 in flight. */
	assert_int_equal(cmdset_active(st->set), MANY);
	assert_int_equal(cmdset_npollfds(st->set), 2 * MANY);
	run_idle(st);
	for (int i = 0; i < MANY; i++) {
		assert_int_equal(m[i].id, -i - 1);
		assert_int_equal(m[i].next, MANY_LINES);
		assert_int_equal(m[i].err_lines, 1);
		assert_int_equal(m[i].bad, 0);
	}
	/* Nothing leaked but the set's /dev/null. */
	assert_true(fd_count() <= before + 1);
	free(m);
	free(script);
}

static void test_cmd_start_fails_cleanly_at_the_fd_limit(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "cat", NULL };
	struct cmd_spec spec = { st->local, argv, 0, NULL, 0 };
	struct rlimit rl = st->saved_nofile;
	struct err e;
	int started = 0, before, *filler, nfill = 0;

	/* Open /dev/null once so that it is not counted below. */
	{
		struct cmd_capture cap;
		assert_int_equal(cmd_capture_run(st->set, &spec, &cap, NULL), 0);
		cmd_capture_free(&cap);
	}
	before = fd_count();
	rl.rlim_cur = (rlim_t)fd_high() + 16;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	/* Fill every free fd below the limit, then leave 16 free. */
	filler = xcalloc(rl.rlim_cur, sizeof *filler);
	while ((filler[nfill] = open("/dev/null", O_RDONLY)) >= 0)
		nfill++;
	assert_int_equal(errno, EMFILE);
	for (int i = 0; i < 16 && nfill > 0; i++)
		close(filler[--nfill]);
	err_clear(&e);
	for (int i = 0; i < 100; i++) {
		if (cmd_start(st->set, &spec, NULL, &e) == NULL)
			break;
		started++;
	}
	assert_true(started >= 1);
	assert_true(started < 100);
	assert_non_null(strstr(e.msg, "cannot start cat: too many open files"));
	while (nfill > 0)
		close(filler[--nfill]);
	free(filler);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &st->saved_nofile), 0);
	assert_int_equal(cmdset_active(st->set), (size_t)started);
	run_idle(st);
	assert_int_equal(fd_count(), before);
}

/* --- stdin, environment, PATH ---------------------------------------------------------------- */

static void test_cmd_feeds_a_big_input_to_stdin(void **sp)
{
	struct state *st = *sp;
	const char *cat[] = { "cat", NULL };
	const char *deaf[] = { "true", NULL };
	size_t len = 4 * 1024 * 1024 + 17;
	char *input = xmalloc(len);
	struct cmd_spec spec = { st->local, cat, 60000, input, len };
	struct cmd_capture cap;
	struct sigaction sa;

	for (size_t i = 0; i < len; i++)
		input[i] = (char)(i % 251 == 250 ? '\n' : 'a' + (int)(i % 26));
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, NULL), 0);
	assert_int_equal(cap.res.status, 0);
	assert_int_equal(cap.out.len, len);
	assert_memory_equal(cap.out.buf, input, len);
	assert_int_equal(cap.err.len, 0);
	cmd_capture_free(&cap);
	/* A child that never reads its stdin: EPIPE, not a SIGPIPE death for us. */
	sigaction(SIGPIPE, NULL, &sa);
	assert_true(sa.sa_handler == SIG_IGN);
	spec.argv = deaf;
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, NULL), 0);
	assert_true(cap.res.exited);
	assert_int_equal(cap.res.status, 0);
	cmd_capture_free(&cap);
	free(input);
}

static void test_cmd_child_gets_default_signals_and_no_stray_fds(void **sp)
{
	struct state *st = *sp;
	/* fd 9 must be closed in the child, and SIGPIPE (ignored by us) must
	 * kill it again: it sends itself one. */
	const char *argv[] = {
		"/bin/sh", "-c",
		"if (: >&9) 2>/dev/null; then echo fd9 open; else echo fd9 closed; fi; "
		"kill -PIPE $$; echo survived",
		NULL
	};
	struct cmd_spec spec = { st->local, argv, 30000, NULL, 0 };
	struct cmd_capture cap;
	int fd = open("/dev/null", O_RDONLY);

	/* A descriptor somebody opened without FD_CLOEXEC. */
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 9), 9);
	close(fd);
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, NULL), 0);
	close(9);
	assert_string_equal(cap.out.buf, "fd9 closed\n");
	/* We ignore SIGPIPE; the child must not inherit that. */
	assert_false(cap.res.exited);
	assert_int_equal(cap.res.signal, SIGPIPE);
	cmd_capture_free(&cap);
}

static void test_cmd_applies_env_overrides_and_searches_their_path(void **sp)
{
	struct state *st = *sp;
	char *d1 = xasprintf("%s/bin1", st->tmp), *d2 = xasprintf("%s/bin2", st->tmp);
	char *f1 = xasprintf("%s/mytool", d1), *f2 = xasprintf("%s/mytool", d2);
	char *f3 = xasprintf("%s/noshebang", d2), *f4 = xasprintf("%s/onlyread", d1);
	char *path = xasprintf("%s:%s:/usr/bin:/bin", d1, d2);
	const char *tool[] = { "mytool", "arg one", NULL };
	const char *nosb[] = { "noshebang", "x", NULL };
	const char *noexec[] = { "onlyread", NULL };
	struct rec a = { 0 }, b = { 0 }, c = { 0 };

	assert_int_equal(mkdir(d1, 0755), 0);
	assert_int_equal(mkdir(d2, 0755), 0);
	/* Not executable: skipped in favour of the next PATH entry. */
	write_file(f1, "#!/bin/sh\necho wrong one\n", 0644);
	write_file(f2,
	           "#!/bin/sh\necho \"foo=$FOO\"\necho \"bar=${BAR-unset}\"\necho \"arg=$1\"\n"
	           "echo \"keep=$NIMADM_TEST_KEEP\"\n",
	           0755);
	write_file(f3, "echo \"no shebang $1\"\n", 0755);
	write_file(f4, "#!/bin/sh\n", 0644);
	setenv("FOO", "parent", 1);
	setenv("BAR", "parent", 1);
	setenv("NIMADM_TEST_KEEP", "kept", 1);
	cmdset_setenv(st->set, "FOO", "first");
	cmdset_setenv(st->set, "FOO", "child");
	cmdset_setenv(st->set, "BAR", NULL);
	cmdset_setenv(st->set, "PATH", path);
	rec_start(st, st->local, tool, 0, NULL, 0, &a);
	rec_start(st, st->local, nosb, 0, NULL, 0, &b);
	rec_start(st, st->local, noexec, 0, NULL, 0, &c);
	run_idle(st);
	assert_int_equal(a.res.status, 0);
	assert_line(&a, CMD_STDOUT, 0, "foo=child", 0);
	assert_line(&a, CMD_STDOUT, 1, "bar=unset", 0);
	assert_line(&a, CMD_STDOUT, 2, "arg=arg one", 0);
	assert_line(&a, CMD_STDOUT, 3, "keep=kept", 0);
	assert_line(&b, CMD_STDOUT, 0, "no shebang x", 0);
	assert_int_equal(c.res.status, 127);
	assert_int_equal(c.res.start_errno, EACCES);
	assert_string_equal(c.res.errmsg, "onlyread: Permission denied");
	/* Our own environment is untouched. */
	assert_string_equal(getenv("FOO"), "parent");
	assert_null(strstr(getenv("PATH"), d1));
	unsetenv("FOO");
	unsetenv("BAR");
	unsetenv("NIMADM_TEST_KEEP");
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	free(d1);
	free(d2);
	free(f1);
	free(f2);
	free(f3);
	free(f4);
	free(path);
}

/* --- NIM wrapping -------------------------------------------------------------------------------
 */

static void test_cmd_wraps_nim_commands_in_rsh_and_c_rsh(void **sp)
{
	struct state *st = *sp;
	char *bin = fixture(st, "nimbin");
	char *path = xasprintf("%s:/usr/bin:/bin", bin);
	struct host *shell = host_nim_new("aixdb01", st->local, NIM_CONNECT_SHELL);
	struct host *nimsh = host_nim_new("aixdb02", st->local, NIM_CONNECT_NIMSH);
	const char *argv[] = { "printf", "[%s]\\n", "it's", "$(echo no)", "a b", "`x`;|&", NULL };
	struct rec a = { 0 }, b = { 0 };
	const char *const *ex;

	cmdset_setenv(st->set, "PATH", path);
	rec_start(st, shell, argv, 0, NULL, 0, &a);
	rec_start(st, nimsh, argv, 0, NULL, 0, &b);
	ex = cmd_exec_argv(a.c);
	assert_string_equal(ex[0], "rsh");
	assert_string_equal(ex[1], "aixdb01");
	assert_string_equal(ex[2], "'printf' '[%s]\\n' 'it'\\''s' '$(echo no)' 'a b' '`x`;|&'");
	assert_null(ex[3]);
	assert_string_equal(cmd_exec_argv(b.c)[0], "c_rsh");
	assert_string_equal(cmd_argv(a.c)[0], "printf");
	assert_string_equal(cmd_argv(a.c)[2], "it's");
	run_idle(st);
	assert_line(&a, CMD_STDOUT, 0, "via rsh to aixdb01", 0);
	assert_line(&b, CMD_STDOUT, 0, "via c_rsh to aixdb02", 0);
	for (int i = 0; i < 2; i++) {
		struct rec *r = i == 0 ? &a : &b;
		assert_int_equal(rec_count(r, CMD_STDOUT), 5);
		assert_line(r, CMD_STDOUT, 1, "[it's]", 0);
		assert_line(r, CMD_STDOUT, 2, "[$(echo no)]", 0);
		assert_line(r, CMD_STDOUT, 3, "[a b]", 0);
		assert_line(r, CMD_STDOUT, 4, "[`x`;|&]", 0);
		assert_int_equal(r->res.status, 0);
	}
	host_free(&shell);
	host_free(&nimsh);
	rec_free(&a);
	rec_free(&b);
	free(path);
	free(bin);
}

static void test_cmd_reports_a_missing_rsh_by_name(void **sp)
{
	struct state *st = *sp;
	struct host *nim = host_nim_new("aixdb01", st->local, NIM_CONNECT_SHELL);
	const char *argv[] = { "oslevel", "-s", NULL };
	struct rec r = { 0 };

	cmdset_setenv(st->set, "PATH", st->tmp);
	rec_start(st, nim, argv, 0, NULL, 0, &r);
	run_idle(st);
	assert_int_equal(r.res.status, 127);
	assert_string_equal(r.res.errmsg, "rsh: No such file or directory");
	host_free(&nim);
	rec_free(&r);
}

/* --- the remote status over rsh (host.remote_status) ------------------------------------------
 */

/* A bin directory with an rsh that, like the real one, exits 0 whatever the remote command
 * did (hosts named refused* cannot be reached, silent* run nothing), and a c_rsh that passes
 * the status on (refused*: its own 0042-006 error). PATH is set to it. Owned. */
static char *remote_bin(struct state *st)
{
	char *bin = xasprintf("%s/rbin", st->tmp), *rsh, *c_rsh, *path;

	assert_int_equal(mkdir(bin, 0755), 0);
	rsh = xasprintf("%s/rsh", bin);
	c_rsh = xasprintf("%s/c_rsh", bin);
	write_file(rsh,
	           "#!/bin/sh\n"
	           "h=$1; shift\n"
	           "case $h in\n"
	           "refused*) echo \"rcmd: connect: $h: Connection refused\" >&2; exit 1 ;;\n"
	           "silent*) exit 0 ;;\n"
	           "esac\n"
	           "/bin/sh -c \"$*\"\n"
	           "exit 0\n",
	           0755);
	write_file(c_rsh,
	           "#!/bin/sh\n"
	           "h=$1; shift\n"
	           "case $h in\n"
	           "refused*) echo \"0042-006 c_rsh: (From_Master) connect Connection refused to "
	           "$h\" >&2; exit 1 ;;\n"
	           "esac\n"
	           "exec /bin/sh -c \"$*\"\n",
	           0755);
	path = xasprintf("%s:/usr/bin:/bin", bin);
	cmdset_setenv(st->set, "PATH", path);
	free(path);
	free(rsh);
	free(c_rsh);
	return bin;
}

static struct host *remote_host(struct state *st, const char *name, enum nim_connect conn)
{
	struct host *h = host_nim_new(name, st->local, conn);

	h->remote_status = 1;
	return h;
}

static void test_cmd_remote_status_over_rsh_is_the_commands_exit_status(void **sp)
{
	struct state *st = *sp;
	char *bin = remote_bin(st);
	struct host *h = remote_host(st, "aixdb01", NIM_CONNECT_SHELL);
	struct host *plain = host_nim_new("aixdb01", st->local, NIM_CONNECT_SHELL);
	const char *argv[] = { "sh", "-c", "echo one; echo two >&2; echo three; exit 3", NULL };
	const char *ok[] = { "true", NULL };
	struct rec a = { 0 }, b = { 0 }, c = { 0 };
	const char *const *ex;

	rec_start(st, h, argv, 0, NULL, 0, &a);
	ex = cmd_exec_argv(a.c);
	assert_string_equal(ex[0], "rsh");
	/* the audited quoting, then a constant tail: nothing of the caller's is unquoted */
	assert_string_equal(ex[2], "'sh' '-c' 'echo one; echo two >&2; echo three; exit 3'"
	                           "; echo __nimadm_tui_rc=$?");
	rec_start(st, h, ok, 0, NULL, 0, &b);
	rec_start(st, plain, argv, 0, NULL, 0, &c);
	assert_null(strstr(cmd_exec_argv(c.c)[2], "__nimadm_tui_rc"));
	run_idle(st);
	assert_int_equal(a.res.status, 3);
	assert_int_equal(a.res.via_status, 0);
	assert_false(a.res.remote_lost);
	assert_string_equal(a.res.errmsg, "");
	assert_int_equal(rec_count(&a, CMD_STDOUT), 2);
	assert_line(&a, CMD_STDOUT, 0, "one", 0);
	assert_line(&a, CMD_STDOUT, 1, "three", 0);
	assert_line(&a, CMD_STDERR, 0, "two", 0);
	assert_string_equal(sb_str(&a.raw[0]), "one\nthree\n");
	assert_int_equal(b.res.status, 0);
	assert_int_equal(rec_count(&b, CMD_STDOUT), 0);
	assert_int_equal(b.raw[0].len, 0);
	/* without the option, rsh's own status, as before */
	assert_int_equal(c.res.status, 0);
	assert_int_equal(c.res.via_status, -1);
	assert_line(&c, CMD_STDOUT, 1, "three", 0);
	host_free(&h);
	host_free(&plain);
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	free(bin);
}

static void test_cmd_remote_status_marker_never_reaches_the_caller(void **sp)
{
	struct state *st = *sp;
	char *bin = remote_bin(st);
	struct host *h = remote_host(st, "aixdb01", NIM_CONNECT_SHELL);
	/* no newline at the end: the marker lands on the last line */
	const char *partial[] = { "sh", "-c", "printf 'first\\nno newline'; exit 5", NULL };
	/* the marker's text in the output itself is output, wherever it is */
	const char *lookalike[] = { "sh", "-c",
		                    "echo __nimadm_tui_rc=7; printf 'x__nimadm'; sleep 0.2; "
		                    "echo _tui_rc=9 more; printf __nimadm_tui_rc=",
		                    NULL };
	struct rec a = { 0 }, b = { 0 };
	struct cmd_spec spec = { h, partial, 0, NULL, 0 };
	struct cmd_capture cap;
	struct err e;

	rec_start(st, h, partial, 0, NULL, 0, &a);
	rec_start(st, h, lookalike, 0, NULL, 0, &b);
	run_idle(st);
	assert_int_equal(a.res.status, 5);
	assert_int_equal(rec_count(&a, CMD_STDOUT), 2);
	assert_line(&a, CMD_STDOUT, 0, "first", 0);
	assert_line(&a, CMD_STDOUT, 1, "no newline", CMD_LINE_NO_EOL);
	assert_string_equal(sb_str(&a.raw[0]), "first\nno newline");
	assert_int_equal(b.res.status, 0);
	assert_false(b.res.remote_lost);
	assert_int_equal(rec_count(&b, CMD_STDOUT), 3);
	assert_line(&b, CMD_STDOUT, 0, "__nimadm_tui_rc=7", 0);
	assert_line(&b, CMD_STDOUT, 1, "x__nimadm_tui_rc=9 more", 0);
	assert_line(&b, CMD_STDOUT, 2, "__nimadm_tui_rc=", CMD_LINE_NO_EOL);
	/* capture sees the same bytes */
	err_clear(&e);
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, &e), 0);
	assert_string_equal(sb_str(&cap.out), "first\nno newline");
	assert_int_equal(cap.res.status, 5);
	assert_int_equal(cap.res.via_status, 0);
	cmd_capture_free(&cap);
	host_free(&h);
	rec_free(&a);
	rec_free(&b);
	free(bin);
}

static void test_cmd_remote_status_missing_is_reported_as_lost(void **sp)
{
	struct state *st = *sp;
	char *bin = remote_bin(st);
	struct host *refused = remote_host(st, "refused01", NIM_CONNECT_SHELL);
	struct host *silent = remote_host(st, "silent01", NIM_CONNECT_SHELL);
	struct host *nimsh = remote_host(st, "aixdb02", NIM_CONNECT_NIMSH);
	struct host *nimsh_refused = remote_host(st, "refused02", NIM_CONNECT_NIMSH);
	const char *argv[] = { "sh", "-c", "echo ran; exit 4", NULL };
	struct rec a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

	rec_start(st, refused, argv, 0, NULL, 0, &a);
	rec_start(st, silent, argv, 0, NULL, 0, &b);
	rec_start(st, nimsh, argv, 0, NULL, 0, &c);
	/* c_rsh carries the status: its command line is the quoted argv alone */
	assert_string_equal(cmd_exec_argv(c.c)[2], "'sh' '-c' 'echo ran; exit 4'");
	rec_start(st, nimsh_refused, argv, 0, NULL, 0, &d);
	run_idle(st);
	/* rsh could not connect: its own status, and the words of the transport */
	assert_true(a.res.remote_lost);
	assert_int_equal(a.res.status, 1);
	assert_int_equal(a.res.via_status, 1);
	assert_non_null(strstr(a.res.errmsg, "no exit status came back from refused01"));
	assert_line(&a, CMD_STDERR, 0, "rcmd: connect: refused01: Connection refused", 0);
	/* rsh said 0 but nothing ran: still a failure */
	assert_true(b.res.remote_lost);
	assert_int_equal(b.res.status, 255);
	assert_int_equal(b.res.via_status, 0);
	/* c_rsh passes the status on, and its own failures are told apart */
	assert_false(c.res.remote_lost);
	assert_int_equal(c.res.status, 4);
	assert_line(&c, CMD_STDOUT, 0, "ran", 0);
	assert_true(d.res.remote_lost);
	assert_int_equal(d.res.status, 1);
	assert_int_equal(rec_count(&d, CMD_STDOUT), 0);
	host_free(&refused);
	host_free(&silent);
	host_free(&nimsh);
	host_free(&nimsh_refused);
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	rec_free(&d);
	free(bin);
}

/* --- timers -------------------------------------------------------------------------------------
 */

static int timer_obs_calls;

static void timer_obs_start(void *arg, const struct cmd *c)
{
	(void)arg;
	(void)c;
	timer_obs_calls++;
}

static void timer_obs_done(void *arg, const struct cmd *c, const struct cmd_result *r)
{
	(void)arg;
	(void)c;
	(void)r;
	timer_obs_calls++;
}

static void test_cmd_timer_keeps_the_loop_going_and_ends_on_time_or_cancel(void **sp)
{
	struct state *st = *sp;
	struct cmdset_observer obs = { timer_obs_start, NULL, timer_obs_done, NULL };
	struct rec a = { 0 }, b = { 0 };
	struct cmd_cb cb_a = { rec_line, rec_data, rec_done, &a };
	struct cmd_cb cb_b = { rec_line, rec_data, rec_done, &b };
	long long t0 = clock_ms();
	struct err e;

	timer_obs_calls = 0;
	cmdset_set_observer(st->set, &obs);
	err_clear(&e);
	a.c = cmd_timer_start(st->set, 150, &cb_a, &e);
	b.c = cmd_timer_start(st->set, 60000, &cb_b, &e);
	assert_non_null(a.c);
	assert_non_null(b.c);
	assert_int_equal(cmdset_active(st->set), 2);
	cmd_cancel(b.c);
	assert_false(b.done); /* done comes from the loop, never from cmd_cancel() */
	run_idle(st);
	assert_true(a.done);
	assert_true(a.res.exited);
	assert_int_equal(a.res.status, 0);
	assert_false(a.res.cancelled);
	assert_true(a.done_ms - t0 >= 150);
	assert_true(b.done);
	assert_true(b.res.cancelled);
	assert_true(b.done_ms - t0 < SLACK_MS);
	assert_int_equal(timer_obs_calls, 0);
	cmdset_set_observer(st->set, NULL);
	rec_free(&a);
	rec_free(&b);
}

/* --- the loop -----------------------------------------------------------------------------------
 */

/* A caller's own loop: its fd first, the set's after it. */
static void test_cmdset_works_in_a_caller_owned_poll_loop(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "/bin/sh", "-c", "read x; echo \"got $x\"", NULL };
	struct rec r = { 0 };
	int p[2];
	int ticks = 0;

	assert_int_equal(pipe(p), 0);
	rec_start(st, st->local, argv, 0, "hello\n", 6, &r);
	assert_int_equal(write(p[1], "x", 1), 1);
	while (cmdset_active(st->set) > 0) {
		size_t need = 1 + cmdset_npollfds(st->set), n;
		struct pollfd *fds = xcalloc(need, sizeof *fds);
		fds[0].fd = p[0];
		fds[0].events = POLLIN;
		n = cmdset_fill_pollfds(st->set, fds + 1, need - 1);
		assert_true(n <= need - 1);
		assert_true(poll(fds, (nfds_t)(n + 1), cmdset_timeout(st->set)) >= 0);
		if (fds[0].revents & POLLIN) {
			char ch;
			assert_int_equal(read(p[0], &ch, 1), 1);
			ticks++;
		}
		cmdset_dispatch(st->set, fds + 1, n);
		free(fds);
	}
	assert_int_equal(ticks, 1);
	assert_line(&r, CMD_STDOUT, 0, "got hello", 0);
	close(p[0]);
	close(p[1]);
	rec_free(&r);
}

struct nest_ctx {
	struct cmdset *set;
	const struct host *h;
	char captured[64];
};

/* A callback that runs a nested command to completion. */
static void nest_on_line(struct rec *r, enum cmd_stream s, const char *line, size_t len)
{
	struct nest_ctx *n = r->ctx;
	const char *argv[] = { "echo", "inner", NULL };
	struct cmd_spec spec = { n->h, argv, 30000, NULL, 0 };
	struct cmd_capture cap;

	(void)s;
	(void)len;
	if (strcmp(line, "outer 1") != 0)
		return;
	assert_int_equal(cmd_capture_run(n->set, &spec, &cap, NULL), 0);
	snprintf(n->captured, sizeof n->captured, "%s", cap.out.buf);
	cmd_capture_free(&cap);
}

static void test_cmd_capture_run_nests_inside_a_callback(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "/bin/sh", "-c", "echo outer 1; echo outer 2", NULL };
	const char *other[] = { "/bin/sh", "-c", "echo bystander", NULL };
	struct nest_ctx n = { st->set, st->local, "" };
	struct rec r = { 0 }, o = { 0 };

	r.on_line = nest_on_line;
	r.ctx = &n;
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	rec_start(st, st->local, other, 0, NULL, 0, &o);
	run_idle(st);
	assert_string_equal(n.captured, "inner\n");
	assert_int_equal(rec_count(&r, CMD_STDOUT), 2);
	assert_line(&r, CMD_STDOUT, 1, "outer 2", 0);
	assert_line(&o, CMD_STDOUT, 0, "bystander", 0);
	rec_free(&r);
	rec_free(&o);
}

static void test_cmdset_run_returns_on_its_time_limit(void **sp)
{
	struct state *st = *sp;
	const char *argv[] = { "sleep", "1000", NULL };
	struct rec r = { 0 };
	long long t0;

	cmdset_set_grace(st->set, 100);
	assert_int_equal(cmdset_run(st->set, 1000), 0); /* idle already */
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	t0 = clock_ms();
	assert_int_equal(cmdset_run(st->set, 150), -1);
	assert_true(clock_ms() - t0 >= 150);
	assert_false(r.done);
	cmd_cancel(r.c);
	run_idle(st);
	assert_true(r.res.cancelled);
	assert_int_equal(r.res.signal, SIGTERM);
	rec_free(&r);
}

/* A child that closes its pipes but lives on is reaped on a timer, with no
 * SIGCHLD handler; cmdset_timeout() shows that timer. */
static void test_cmd_reaps_on_a_timer_after_eof(void **sp)
{
	struct state *st = *sp;
	char *fifo = xasprintf("%s/fifo", st->tmp);
	const char *argv[] = { "/bin/sh", "-c", "exec >&- 2>&-; read x <\"$0\"; exit 7", fifo,
		               NULL };
	struct rec r = { 0 };
	long long t0 = clock_ms();
	int fd, t;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	rec_start(st, st->local, argv, 0, NULL, 0, &r);
	/* The pipes reach EOF while the child waits on the FIFO. */
	while (cmdset_npollfds(st->set) > 0 && clock_ms() - t0 < SLACK_MS)
		cmdset_run(st->set, 100);
	assert_int_equal(cmdset_npollfds(st->set), 0);
	assert_int_equal(cmdset_active(st->set), 1);
	assert_false(r.done);
	t = cmdset_timeout(st->set);
	assert_true(t >= 0 && t <= 100);
	/* Still alive after a few retries. */
	assert_int_equal(cmdset_run(st->set, 50), -1);
	assert_false(r.done);
	fd = open(fifo, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	run_idle(st);
	assert_true(r.res.exited);
	assert_int_equal(r.res.status, 7);
	assert_int_equal(r.n, 0);
	rec_free(&r);
	free(fifo);
}

struct chain_ctx {
	struct state *st;
	struct rec *next;
	const char *const *argv;
};

static void chain_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct chain_ctx *ch = arg;

	(void)c;
	assert_int_equal(res->status, 0);
	rec_start(ch->st, ch->st->local, ch->argv, 0, NULL, 0, ch->next);
}

/* The checker's pattern: the next command starts from the previous one's `done`. */
static void test_cmd_can_start_commands_from_done(void **sp)
{
	struct state *st = *sp;
	const char *first[] = { "/bin/sh", "-c", "echo one", NULL };
	const char *second[] = { "/bin/sh", "-c", "echo two", NULL };
	struct rec r = { 0 };
	struct chain_ctx ch = { st, &r, second };
	struct cmd_spec spec = { st->local, first, 0, NULL, 0 };
	struct cmd_cb cb = { NULL, NULL, chain_done, &ch };

	assert_non_null(cmd_start(st->set, &spec, &cb, NULL));
	run_idle(st);
	assert_true(r.done);
	assert_line(&r, CMD_STDOUT, 0, "two", 0);
	rec_free(&r);
}

/* --- display escaping
 * ------------------------------------------------------------------------------ */

static void check_escape(const char *in, size_t len, const char *want)
{
	char *got = cmd_escape_display(in, len);

	if (strcmp(got, want) != 0)
		fail_msg("escape: got \"%s\", want \"%s\"", got, want);
	free(got);
}

#define ESC(lit, want) check_escape(lit, sizeof(lit) - 1, want)

static void test_cmd_escape_display_makes_bytes_safe_to_show(void **sp)
{
	(void)sp;
	ESC("", "");
	ESC("plain text", "plain text");
	ESC("\033[31mred\033[0m", "^[[31mred^[[0m");
	ESC("a\rb\nc", "a^Mb^Jc");
	ESC("\0x\001\037", "^@x^A^_");
	ESC("del\177", "del^?");
	ESC("back\\slash", "back\\slash");
	/* TAB: spaces to the next multiple of 8 columns. */
	ESC("\t", "        ");
	ESC("a\tb", "a       b");
	ESC("abcdefgh\tx", "abcdefgh        x");
	ESC("\001\tx", "^A      x");
	/* Valid UTF-8 is kept. */
	ESC("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	ESC("nbsp\xc2\xa0", "nbsp\xc2\xa0");
	/* Invalid UTF-8 byte by byte. */
	ESC("\xff\xfe", "\\xFF\\xFE");
	ESC("cut \xc3", "cut \\xC3");
	ESC("\xc3(", "\\xC3(");
	ESC("\xc0\xaf", "\\xC0\\xAF");                   /* overlong '/' */
	ESC("\xe0\x80\xaf", "\\xE0\\x80\\xAF");          /* overlong */
	ESC("\xed\xa0\x80", "\\xED\\xA0\\x80");          /* surrogate */
	ESC("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80"); /* beyond U+10FFFF */
	ESC("\x80x", "\\x80x");
	/* C1 controls (CSI is U+009B) are terminal controls too. */
	ESC("\xc2\x9b"
	    "31m",
	    "\\xC2\\x9B31m");
	/* The result is always owned and NUL-terminated, even for NULL-free empty input. */
	{
		char *p = cmd_escape_display("abc", 0);
		assert_string_equal(p, "");
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_cmd_carries_partial_lines_across_writes),
		T(test_cmd_separates_streams_and_keeps_their_order),
		T(test_cmdset_observer_sees_every_command_start_output_and_end),
		T(test_cmd_survives_stderr_flood_with_small_stdout),
		T(test_cmd_caps_very_long_lines),
		T(test_cmd_keeps_control_characters_raw_in_lines),
		T(test_cmd_reports_exit_codes_and_signals),
		T(test_cmd_reports_a_program_that_does_not_exist),
		T(test_cmd_start_rejects_bad_specs),
		T(test_cmd_times_out_a_hung_program),
		T(test_cmd_cancel_kills_the_whole_process_tree),
		T(test_cmd_is_not_done_while_a_grandchild_holds_the_pipe),
		T(test_cmd_abandons_pipes_held_outside_the_group),
		T(test_cmdset_free_stops_running_commands_without_callbacks),
		T(test_cmd_runs_200_commands_in_flight_at_once),
		T(test_cmd_start_fails_cleanly_at_the_fd_limit),
		T(test_cmd_feeds_a_big_input_to_stdin),
		T(test_cmd_child_gets_default_signals_and_no_stray_fds),
		T(test_cmd_applies_env_overrides_and_searches_their_path),
		T(test_cmd_wraps_nim_commands_in_rsh_and_c_rsh),
		T(test_cmd_reports_a_missing_rsh_by_name),
		T(test_cmd_remote_status_over_rsh_is_the_commands_exit_status),
		T(test_cmd_remote_status_marker_never_reaches_the_caller),
		T(test_cmd_remote_status_missing_is_reported_as_lost),
		T(test_cmd_timer_keeps_the_loop_going_and_ends_on_time_or_cancel),
		T(test_cmdset_works_in_a_caller_owned_poll_loop),
		T(test_cmd_capture_run_nests_inside_a_callback),
		T(test_cmdset_run_returns_on_its_time_limit),
		T(test_cmd_reaps_on_a_timer_after_eof),
		T(test_cmd_can_start_commands_from_done),
		T(test_cmd_escape_display_makes_bytes_safe_to_show),
#undef T
	};

#ifdef __linux__
	/* Orphaned grandchildren come to us, so tests can reap and check them. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
	return cmocka_run_group_tests_name("engine_cmd", tests, NULL, NULL);
}
