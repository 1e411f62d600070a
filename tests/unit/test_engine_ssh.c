/*
 * test_engine_ssh.c: the ssh transport against a real OpenSSH sshd on
 * 127.0.0.1, started once for the group by tests/support/sshd.sh (throwaway
 * host and user keys, its own config, foreground, stopped by PID, nothing
 * left running afterwards): output and exit statuses, signals, stdin, hostile
 * arguments, many commands over few sessions at OpenSSH's default
 * MaxSessions and a lower one, host keys unknown or changed, a wrong user
 * key, the agent, timeouts of hung commands (the remote process gone after)
 * and of silent servers, a dead server beside a local command, a nested loop
 * on the same session, a NIM client behind an ssh master, cmdset_free().
 * The pid marker's scanner is tested directly. Skipped (but for the marker)
 * when sshd or ssh-keygen is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "ssh.h"

/* Generous bound for "soon" on a loaded 2-core machine under ASan. */
#define SLACK_MS 30000

/* The sshd of the group. */
struct server {
	int skip;          /* sshd unavailable */
	pid_t driver;      /* bash running the harness */
	int to_driver;     /* its stdin: "stop" or EOF stops sshd */
	FILE *from_driver; /* its stdout */
	char *dir;         /* keys, config, log */
	unsigned port;
	char *key, *known_hosts, *user, *log;
	char *fingerprint; /* of the host key: "SHA256:..." */
};

static struct server srv;

struct state {
	struct cmdset *set;
	struct host *local;
	struct host *ssh;
	char *tmp;
};

/* Everything one command reports. */
struct rec {
	struct strbuf out, err;
	struct strv lines[2];
	int done;
	struct cmd_result res;
	struct cmd *c;
};

static void rec_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                     unsigned flags)
{
	struct rec *r = arg;

	(void)c;
	(void)flags;
	assert_int_equal(line[len], '\0');
	strv_push(&r->lines[s - 1], line);
}

static void rec_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct rec *r = arg;

	(void)c;
	sb_add(s == CMD_STDOUT ? &r->out : &r->err, buf, len);
}

static void rec_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct rec *r = arg;

	assert_ptr_equal(c, r->c);
	assert_false(r->done);
	r->done = 1;
	r->res = *res;
	r->c = NULL;
}

static void rec_free(struct rec *r)
{
	sb_free(&r->out);
	sb_free(&r->err);
	strv_free(&r->lines[0]);
	strv_free(&r->lines[1]);
	memset(r, 0, sizeof *r);
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

static void run_idle(struct state *st)
{
	assert_int_equal(cmdset_run(st->set, SLACK_MS), 0);
	assert_int_equal(cmdset_active(st->set), 0);
}

/* One round of a caller-owned poll loop (as the TUI runs it), plus extra fds. */
static void poll_round(struct state *st, struct pollfd *extra, size_t nextra, int max_ms)
{
	size_t need = cmdset_npollfds(st->set) + nextra;
	struct pollfd *fds = xcalloc(need + 1, sizeof *fds);
	size_t n = cmdset_fill_pollfds(st->set, fds, need);
	int t = cmdset_timeout(st->set);

	for (size_t i = 0; i < nextra; i++)
		fds[n + i] = extra[i];
	if (t < 0 || t > max_ms)
		t = max_ms;
	assert_true(poll(fds, n + nextra, t) >= 0 || errno == EINTR);
	for (size_t i = 0; i < nextra; i++)
		extra[i].revents = fds[n + i].revents;
	cmdset_dispatch(st->set, fds, n);
	free(fds);
}

static char *slurp(const char *path)
{
	struct strbuf sb = { NULL, 0, 0 };
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return xstrdup("");
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* errmsg is a fixed buffer: long paths at the end of a message are cut. */
static void assert_errmsg(const struct cmd_result *res, const char *want)
{
	char cut[sizeof res->errmsg];

	str_copy(cut, want, sizeof cut);
	assert_string_equal(res->errmsg, cut);
}

static size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Logins sshd accepted so far: one per ssh connection. */
static size_t server_logins(void)
{
	char *log = slurp(srv.log);
	size_t n = count_substr(log, "Accepted publickey for ");

	free(log);
	return n;
}

/* Runs a local command to completion and returns its stdout (owned). */
static char *run_local(const char *const *argv)
{
	struct cmdset *set = cmdset_new();
	struct host *h = host_local_new(NULL);
	struct cmd_spec spec = { h, argv, 60000, NULL, 0 };
	struct cmd_capture cap;
	struct err e;
	char *out;

	err_clear(&e);
	if (cmd_capture_run(set, &spec, &cap, &e) != 0)
		fail_msg("%s: %s", argv[0], e.msg);
	if (cap.res.status != 0)
		fail_msg("%s: status %d: %s", argv[0], cap.res.status, cap.err.buf);
	out = sb_steal(&cap.out);
	cmd_capture_free(&cap);
	host_free(&h);
	cmdset_free(&set);
	return out;
}

/* A fresh ed25519 key pair at path (path.pub); returns the public key line. */
static char *new_key(const char *path)
{
	const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path, NULL };
	char *pub = xasprintf("%s.pub", path), *text;

	unlink(path);
	unlink(pub);
	free(run_local(argv));
	text = slurp(pub);
	free(pub);
	return text;
}

/* --- the server ----------------------------------------------------------------------------- */

/*
 * Keeps sshd running while our end of its stdin is open (a crashed test
 * closes it, and sshd is stopped then too). Sessions find the fake rsh of
 * tests/fixtures/ssh/bin first in PATH. "max N" sets sshd's MaxSessions
 * (the harness writes 50; OpenSSH's default is 10) and reloads it: SIGHUP
 * makes sshd re-exec itself, same pid, new config, listening again.
 */
static const char driver_script[] =
    "set -u\n"
    ". \"$1/tests/support/sshd.sh\" || exit 1\n"
    "SSHD_EMPTY_BASHRC=1\n"
    "p=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
    "f=$1/tests/fixtures/ssh\n"
    "sshd_setenv \"PATH=$f/bin:$p\"\n"
    "sshd_start \"$2\" >&2\n"
    "rc=$?\n"
    "if [ $rc -ne 0 ]; then echo \"FAILED $rc\"; exit $rc; fi\n"
    "echo \"READY $SSHD_PORT $SSHD_USER\"\n"
    "listening() { grep -c \"Server listening on 127.0.0.1 port $SSHD_PORT\" "
    "\"$SSHD_DIR/sshd.log\"; }\n"
    "while read -r cmd arg; do\n"
    "  case $cmd in\n"
    "  stop) break ;;\n"
    "  max)\n"
    "    n=$(listening)\n"
    "    sed -i \"s/^MaxSessions .*/MaxSessions $arg/\" \"$SSHD_DIR/sshd_config\"\n"
    "    kill -HUP \"$SSHD_PID\"\n"
    "    ok=FAILED\n"
    "    for ((i = 0; i < 1000; i++)); do\n"
    "      [ \"$(listening)\" -gt \"$n\" ] && { ok=DONE; break; }\n"
    "      sleep 0.01\n"
    "    done\n"
    "    echo $ok ;;\n"
    "  esac\n"
    "done\n"
    "sshd_stop >&2\n"
    "echo STOPPED\n";

/* Sets sshd's MaxSessions for the connections opened from now on. */
static void server_max_sessions(int n)
{
	char cmd[32], line[64];

	snprintf(cmd, sizeof cmd, "max %d\n", n);
	assert_int_equal(write(srv.to_driver, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_non_null(fgets(line, sizeof line, srv.from_driver));
	assert_string_equal(line, "DONE\n");
}

static int group_setup(void **sp)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char cwd[4096];
	const char *tmpdir = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/sshd.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	int in[2], out[2];
	char line[256], *p;
	unsigned port;
	char user[64];

	(void)sp;
	memset(&srv, 0, sizeof srv);
	srv.to_driver = -1;
	if (mkdtemp(tmpl) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	srv.dir = tmpl;
	if (pipe(in) != 0 || pipe(out) != 0)
		return -1;
	srv.driver = fork();
	if (srv.driver < 0)
		return -1;
	if (srv.driver == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		if (src == NULL)
			src = getcwd(cwd, sizeof cwd); /* run from the source tree */
		execlp("bash", "bash", "-c", driver_script, "sshd-driver", src != NULL ? src : ".",
		       srv.dir, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	srv.to_driver = in[1];
	srv.from_driver = fdopen(out[0], "r");
	if (fgets(line, sizeof line, srv.from_driver) == NULL ||
	    sscanf(line, "READY %u %63s", &port, user) != 2) {
		int st = 0;
		close(srv.to_driver);
		srv.to_driver = -1;
		waitpid(srv.driver, &st, 0);
		srv.driver = 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 2) {
			srv.skip = 1; /* the harness said why */
			return 0;
		}
		fprintf(stderr, "sshd harness failed: %s", line);
		return -1;
	}
	srv.port = port;
	srv.user = xstrdup(user);
	/* The tests run against OpenSSH's default. */
	server_max_sessions(10);
	srv.key = xasprintf("%s/user_ed25519", srv.dir);
	srv.known_hosts = xasprintf("%s/known_hosts", srv.dir);
	srv.log = xasprintf("%s/sshd.log", srv.dir);
	{
		char *pub = xasprintf("%s/host_ed25519.pub", srv.dir);
		const char *argv[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", pub, NULL };
		char *fp = run_local(argv);
		/* "256 SHA256:xxx comment (ED25519)" */
		p = strstr(fp, "SHA256:");
		assert_non_null(p);
		srv.fingerprint = xstrndup(p, strcspn(p, " \n"));
		free(fp);
		free(pub);
	}
	return 0;
}

static int group_teardown(void **sp)
{
	char line[256];
	int st = 0;

	(void)sp;
	if (srv.driver > 0) {
		if (write(srv.to_driver, "stop\n", 5) != 5)
			perror("sshd driver");
		close(srv.to_driver);
		while (fgets(line, sizeof line, srv.from_driver) != NULL)
			;
		waitpid(srv.driver, &st, 0);
		/* Nothing of that server is left (the listener, its sessions). */
		{
			const char *argv[] = { "pgrep", "-f", srv.dir, NULL };
			struct cmdset *set = cmdset_new();
			struct host *h = host_local_new(NULL);
			struct cmd_spec spec = { h, argv, 60000, NULL, 0 };
			struct cmd_capture cap;
			struct err e;

			if (cmd_capture_run(set, &spec, &cap, &e) != 0 || cap.res.status != 1) {
				fprintf(stderr, "left running for %s:\n%s", srv.dir, cap.out.buf);
				st = 1 << 8;
			}
			cmd_capture_free(&cap);
			host_free(&h);
			cmdset_free(&set);
		}
	}
	if (srv.from_driver != NULL)
		fclose(srv.from_driver);
	if (srv.dir != NULL && getenv("NIMADM_TEST_KEEP") != NULL) {
		fprintf(stderr, "kept %s\n", srv.dir);
	} else if (srv.dir != NULL) {
		const char *argv[] = { "rm", "-rf", srv.dir, NULL };
		free(run_local(argv));
	}
	free(srv.dir);
	free(srv.key);
	free(srv.known_hosts);
	free(srv.user);
	free(srv.log);
	free(srv.fingerprint);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int setup(void **sp)
{
	struct state *st = xcalloc(1, sizeof *st);

	st->set = cmdset_new();
	cmdset_set_grace(st->set, 2000);
	st->local = host_local_new(NULL);
	if (!srv.skip)
		st->ssh = host_ssh_new("remote", "127.0.0.1", srv.port, srv.user, srv.key,
		                       srv.known_hosts);
	st->tmp = xasprintf("%s/t", srv.dir);
	mkdir(st->tmp, 0700);
	*sp = st;
	return 0;
}

static int teardown(void **sp)
{
	struct state *st = *sp;

	cmdset_free(&st->set);
	host_free(&st->local);
	host_free(&st->ssh);
	free(st->tmp);
	free(st);
	return 0;
}

#define NEED_SERVER(sp)         \
	do {                    \
		if (srv.skip)   \
			skip(); \
	} while (0)

/* --- tests ------------------------------------------------------------------------------------ */

static void test_ssh_runs_a_command_and_reports_output_and_status(void **sp)
{
	struct state *st;
	const char *fail3[] = { "sh", "-c", "echo out; echo err >&2; printf 'no eol'; exit 3",
		                NULL };
	const char *ok[] = { "true", NULL };
	struct rec a = { 0 }, b = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	rec_start(st, st->ssh, fail3, 0, NULL, 0, &a);
	rec_start(st, st->ssh, ok, 0, NULL, 0, &b);
	assert_int_equal(cmd_pid(a.c), -1);
	run_idle(st);

	assert_true(a.done);
	assert_string_equal(a.res.errmsg, "");
	assert_int_equal(a.res.exited, 1);
	assert_int_equal(a.res.status, 3);
	assert_int_equal(a.res.start_errno, 0);
	assert_string_equal(sb_str(&a.out), "out\nno eol");
	assert_string_equal(sb_str(&a.err), "err\n");
	assert_int_equal(a.lines[0].n, 2);
	assert_string_equal(a.lines[0].v[0], "out");
	assert_string_equal(a.lines[0].v[1], "no eol");
	assert_int_equal(a.lines[1].n, 1);
	assert_string_equal(a.lines[1].v[0], "err");

	assert_true(b.done);
	assert_int_equal(b.res.exited, 1);
	assert_int_equal(b.res.status, 0);
	assert_string_equal(sb_str(&b.out), "");
	rec_free(&a);
	rec_free(&b);
}

static void test_ssh_reports_a_remote_signal(void **sp)
{
	struct state *st;
	const char *argv[] = { "sh", "-c", "kill -USR1 $$", NULL };
	struct rec a = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	rec_start(st, st->ssh, argv, 0, NULL, 0, &a);
	run_idle(st);
	assert_int_equal(a.res.exited, 0);
	assert_int_equal(a.res.signal, SIGUSR1);
	assert_int_equal(a.res.status, 128 + SIGUSR1);
	rec_free(&a);
}

static void test_ssh_arguments_arrive_intact(void **sp)
{
	struct state *st;
	const char *args[] = {
		"printf", "[%s]\\n", "a b",           "it's",      "'",
		"\"",     "$HOME",   "`id`",          "$(id)",     "; rm -rf /tmp/nonexistent-x",
		"*",      "\\",      "new\nline",     "tab\there", "",
		"-n",     "~",       "&& echo pwned", "|",         "\xc3\xa9t\xc3\xa9",
		NULL
	};
	struct strbuf want = { NULL, 0, 0 };
	struct rec a = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	rec_start(st, st->ssh, args, 0, NULL, 0, &a);
	run_idle(st);
	assert_int_equal(a.res.status, 0);
	/* printf reuses its format for each argument; the format itself is
	 * interpreted by the remote printf, not by a shell. */
	for (size_t i = 2; args[i] != NULL; i++)
		sb_addf(&want, "[%s]\n", args[i]);
	assert_string_equal(sb_str(&a.out), sb_str(&want));
	assert_string_equal(sb_str(&a.err), "");
	sb_free(&want);
	rec_free(&a);
}

static void test_ssh_feeds_stdin_small_and_big(void **sp)
{
	struct state *st;
	const char *cat[] = { "cat", NULL };
	const char *sum[] = { "cksum", NULL };
	const char *none[] = { "sh", "-c", "cat; echo end", NULL };
	size_t big_len = 3 * 1024 * 1024 + 17;
	char *big = xmalloc(big_len);
	struct rec a = { 0 }, b = { 0 }, c = { 0 };
	struct cmd_spec spec = { NULL, NULL, 0, NULL, 0 };
	struct cmd_capture cap;
	struct err e;
	const char *cks[] = { "cksum", NULL };
	char *want;

	NEED_SERVER(sp);
	st = *sp;
	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)("abcdefghij\n"[i % 11] ^ (i % 251 == 0 ? 0x20 : 0));
	rec_start(st, st->ssh, cat, 0, "hello\nworld", 11, &a);
	rec_start(st, st->ssh, sum, 0, big, big_len, &b);
	rec_start(st, st->ssh, none, 0, NULL, 0, &c);
	run_idle(st);
	assert_int_equal(a.res.status, 0);
	assert_string_equal(sb_str(&a.out), "hello\nworld");
	assert_int_equal(c.res.status, 0);
	assert_string_equal(sb_str(&c.out), "end\n");
	assert_int_equal(b.res.status, 0);
	assert_int_equal(b.lines[0].n, 1);

	/* The same bytes through a local cksum. */
	memset(&cap, 0, sizeof cap);
	spec.host = st->local;
	spec.argv = cks;
	spec.input = big;
	spec.input_len = big_len;
	err_clear(&e);
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, &e), 0);
	/* "CRC SIZE": the size and every byte arrived. */
	want = xstrndup(cap.out.buf, strcspn(cap.out.buf, "\n"));
	assert_string_equal(b.lines[0].v[0], want);
	free(want);
	cmd_capture_free(&cap);
	free(big);
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
}

/* More commands than one session may carry (OpenSSH's MaxSessions is 10):
 * they share a few sessions instead of one connection each. */
static void test_ssh_runs_50_commands_at_once_over_a_few_sessions(void **sp)
{
	struct state *st;
	enum { N = 50 };
	struct rec r[N];
	char *args[N];
	size_t logins = server_logins();

	NEED_SERVER(sp);
	st = *sp;
	memset(r, 0, sizeof r);
	for (int i = 0; i < N; i++) {
		const char *argv[] = { "sh", "-c", "echo \"cmd-$1\"; exit $(($1 % 7))",
			               "sh", NULL, NULL };
		args[i] = xasprintf("%d", i);
		argv[4] = args[i];
		rec_start(st, st->ssh, argv, 0, NULL, 0, &r[i]);
	}
	assert_int_equal(cmdset_active(st->set), N);
	run_idle(st);
	for (int i = 0; i < N; i++) {
		char want[32];
		snprintf(want, sizeof want, "cmd-%d\n", i);
		assert_true(r[i].done);
		if (r[i].res.errmsg[0] != '\0')
			fail_msg("command %d: %s", i, r[i].res.errmsg);
		assert_string_equal(sb_str(&r[i].out), want);
		assert_int_equal(r[i].res.exited, 1);
		assert_int_equal(r[i].res.status, i % 7);
		rec_free(&r[i]);
		free(args[i]);
	}
	/* 10 channels a session (sshd's MaxSessions default), one of them kept
	 * free to stop commands: 9 commands each. */
	assert_int_equal(server_logins() - logins, (N + 8) / 9);
}

/* A server with a lower limit than ours refuses channels: the limit is
 * learned and every command still runs. */
static void test_ssh_learns_a_lower_session_limit(void **sp)
{
	struct state *st;
	enum { N = 20 };
	struct rec r[N];
	char *args[N];

	NEED_SERVER(sp);
	st = *sp;
	server_max_sessions(3);
	memset(r, 0, sizeof r);
	for (int i = 0; i < N; i++) {
		const char *argv[] = { "echo", NULL, NULL };
		args[i] = xasprintf("limited-%d", i);
		argv[1] = args[i];
		rec_start(st, st->ssh, argv, 0, NULL, 0, &r[i]);
	}
	run_idle(st);
	server_max_sessions(10);
	for (int i = 0; i < N; i++) {
		char want[32];
		snprintf(want, sizeof want, "limited-%d\n", i);
		if (r[i].res.errmsg[0] != '\0')
			fail_msg("command %d: %s", i, r[i].res.errmsg);
		assert_int_equal(r[i].res.status, 0);
		assert_string_equal(sb_str(&r[i].out), want);
		rec_free(&r[i]);
		free(args[i]);
	}
}

/* One command after another reuses the session, which closes when idle. */
static void test_ssh_reuses_a_session_and_closes_it_when_idle(void **sp)
{
	struct state *st;
	const char *argv[] = { "echo", "again", NULL };
	size_t logins = server_logins();
	long long end;

	NEED_SERVER(sp);
	st = *sp;
	for (int i = 0; i < 3; i++) {
		struct rec a = { 0 };
		rec_start(st, st->ssh, argv, 0, NULL, 0, &a);
		run_idle(st);
		assert_int_equal(a.res.status, 0);
		assert_string_equal(sb_str(&a.out), "again\n");
		rec_free(&a);
	}
	assert_int_equal(server_logins() - logins, 1);
	/* The idle session is still polled (a server closing it is noticed),
	 * and closed on its timer. */
	assert_int_equal(cmdset_npollfds(st->set), 1);
	assert_true(cmdset_timeout(st->set) >= 0);
	end = clock_ms() + SLACK_MS;
	while (cmdset_npollfds(st->set) > 0 && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_int_equal(cmdset_npollfds(st->set), 0);
	assert_int_equal(cmdset_timeout(st->set), -1);
}

static void test_ssh_refuses_an_unknown_host_key(void **sp)
{
	struct state *st;
	const char *argv[] = { "echo", "must not run", NULL };
	char *empty, *missing, *want;
	struct host *h1, *h2;
	struct rec a = { 0 }, b = { 0 }, c = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	empty = xasprintf("%s/known_hosts.empty", st->tmp);
	missing = xasprintf("%s/known_hosts.missing", st->tmp);
	write_file(empty, "");
	unlink(missing);
	h1 = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, srv.key, empty);
	h2 = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, srv.key, missing);
	rec_start(st, h1, argv, 0, NULL, 0, &a);
	rec_start(st, h1, argv, 0, NULL, 0, &b);
	rec_start(st, h2, argv, 0, NULL, 0, &c);
	run_idle(st);

	want = xasprintf("ssh 127.0.0.1:%u: host key is not known (ssh-ed25519 %s): check it, "
	                 "then add it to %s",
	                 srv.port, srv.fingerprint, empty);
	assert_errmsg(&a.res, want);
	/* Commands waiting for the same session fail with the same words. */
	assert_errmsg(&b.res, want);
	free(want);
	want = xasprintf("ssh 127.0.0.1:%u: host key is not known (ssh-ed25519 %s): check it, "
	                 "then add it to %s",
	                 srv.port, srv.fingerprint, missing);
	assert_errmsg(&c.res, want);
	free(want);
	for (int i = 0; i < 3; i++) {
		struct rec *r = i == 0 ? &a : i == 1 ? &b : &c;
		assert_int_equal(r->res.status, 255);
		assert_int_equal(r->res.exited, 0);
		assert_int_equal(r->res.start_errno, EACCES);
		assert_string_equal(sb_str(&r->out), "");
	}
	/* Still unknown, untouched: nothing was added to known_hosts. */
	{
		char *text = slurp(empty);
		assert_string_equal(text, "");
		free(text);
	}
	assert_int_equal(access(missing, F_OK), -1);
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	host_free(&h1);
	host_free(&h2);
	free(empty);
	free(missing);
}

static void test_ssh_refuses_a_changed_host_key(void **sp)
{
	struct state *st;
	const char *argv[] = { "echo", "must not run", NULL };
	char *kh, *keyfile, *pub, *text, *want;
	struct host *h;
	struct rec a = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	kh = xasprintf("%s/known_hosts.changed", st->tmp);
	keyfile = xasprintf("%s/other_host", st->tmp);
	pub = new_key(keyfile);
	/* Another ed25519 key for the same [host]:port. */
	{
		char type[64], b64[512];
		assert_int_equal(sscanf(pub, "%63s %511s", type, b64), 2);
		text = xasprintf("[127.0.0.1]:%u %s %s\n", srv.port, type, b64);
	}
	write_file(kh, text);
	h = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, srv.key, kh);
	rec_start(st, h, argv, 0, NULL, 0, &a);
	run_idle(st);
	want = xasprintf("ssh 127.0.0.1:%u: HOST KEY CHANGED (now ssh-ed25519 %s): refusing; "
	                 "replace the old key only if the change is expected, in %s",
	                 srv.port, srv.fingerprint, kh);
	assert_errmsg(&a.res, want);
	assert_int_equal(a.res.status, 255);
	assert_int_equal(a.res.start_errno, EACCES);
	assert_string_equal(sb_str(&a.out), "");
	{
		char *after = slurp(kh);
		assert_string_equal(after, text);
		free(after);
	}
	free(want);
	free(text);
	free(pub);
	free(keyfile);
	free(kh);
	host_free(&h);
	rec_free(&a);
}

static void test_ssh_refuses_a_wrong_user_key(void **sp)
{
	struct state *st;
	const char *argv[] = { "echo", "must not run", NULL };
	char *keyfile, *want, *missing;
	struct host *h, *h2;
	struct rec a = { 0 }, b = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	keyfile = xasprintf("%s/stranger", st->tmp);
	free(new_key(keyfile));
	h = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, keyfile, srv.known_hosts);
	missing = xasprintf("%s/no-such-key", st->tmp);
	h2 = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, missing, srv.known_hosts);
	rec_start(st, h, argv, 0, NULL, 0, &a);
	rec_start(st, h2, argv, 0, NULL, 0, &b);
	run_idle(st);
	want = xasprintf("authentication refused for %s@127.0.0.1:%u (publickey, key %s)", srv.user,
	                 srv.port, keyfile);
	assert_errmsg(&a.res, want);
	assert_int_equal(a.res.status, 255);
	assert_int_equal(a.res.start_errno, EACCES);
	free(want);
	want = xasprintf("ssh 127.0.0.1:%u: cannot read the key %s: %s", srv.port, missing,
	                 strerror(ENOENT));
	assert_errmsg(&b.res, want);
	assert_int_equal(b.res.start_errno, ENOENT);
	free(want);
	free(missing);
	free(keyfile);
	host_free(&h);
	host_free(&h2);
	rec_free(&a);
	rec_free(&b);
}

/* Without a key file: the agent's keys (then ~/.ssh/id_*). A real
 * ssh-agent, started and stopped through the local transport. */
struct agent {
	struct rec r;
	int ready;
};

static void agent_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                       unsigned flags)
{
	struct agent *a = arg;

	rec_line(&a->r, c, s, line, len, flags);
	if (str_starts(line, "SSH_AUTH_SOCK="))
		a->ready = 1;
}

static void agent_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct agent *a = arg;

	rec_done(&a->r, c, res);
}

static void test_ssh_authenticates_with_the_agent(void **sp)
{
	struct state *st;
	char *sock,
	    *old = getenv("SSH_AUTH_SOCK") != NULL ? xstrdup(getenv("SSH_AUTH_SOCK")) : NULL;
	const char *agent_argv[] = { "ssh-agent", "-D", "-a", NULL, NULL };
	const char *add_argv[] = { "ssh-add", "-q", srv.key, NULL };
	const char *argv[] = { "echo", "via the agent", NULL };
	struct cmd_spec spec = { NULL, agent_argv, 0, NULL, 0 };
	struct cmd_cb cb = { agent_line, NULL, agent_done, NULL };
	struct agent ag;
	struct host *h;
	struct rec a = { 0 }, b = { 0 };
	struct cmd_capture cap;
	struct err e;
	long long end = clock_ms() + SLACK_MS;

	NEED_SERVER(sp);
	st = *sp;
	memset(&ag, 0, sizeof ag);
	sock = xasprintf("%s/agent.sock", st->tmp);
	unlink(sock);
	agent_argv[3] = sock;
	spec.host = st->local;
	cb.arg = &ag;
	err_clear(&e);
	ag.r.c = cmd_start(st->set, &spec, &cb, &e);
	assert_non_null(ag.r.c);
	while (!ag.ready && !ag.r.done && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_true(ag.ready);
	cmdset_setenv(st->set, "SSH_AUTH_SOCK", sock);
	setenv("SSH_AUTH_SOCK", sock, 1);
	spec.argv = add_argv;
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, &e), 0);
	assert_int_equal(cap.res.status, 0);
	cmd_capture_free(&cap);

	h = host_ssh_new(NULL, "127.0.0.1", srv.port, srv.user, NULL, srv.known_hosts);
	rec_start(st, h, argv, 0, NULL, 0, &a);
	while (!a.done && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_true(a.done);
	assert_string_equal(a.res.errmsg, "");
	assert_int_equal(a.res.status, 0);
	assert_string_equal(sb_str(&a.out), "via the agent\n");

	/* An empty agent: refused, naming where the keys were looked for. */
	spec.argv = (const char *const[]){ "ssh-add", "-D", NULL };
	assert_int_equal(cmd_capture_run(st->set, &spec, &cap, &e), 0);
	assert_int_equal(cap.res.status, 0);
	cmd_capture_free(&cap);
	h->ssh_connect_timeout_ms = 9999; /* another endpoint: a new session */
	rec_start(st, h, argv, 0, NULL, 0, &b);
	while (!b.done && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_true(b.done);
	assert_int_equal(b.res.status, 255);
	assert_int_equal(b.res.start_errno, EACCES);
	assert_true(str_starts(b.res.errmsg, "authentication refused for "));
	assert_non_null(strstr(b.res.errmsg, "(publickey: agent and ~/.ssh/id_*)"));

	cmd_cancel(ag.r.c);
	run_idle(st);
	assert_true(ag.r.res.cancelled);
	if (old != NULL)
		setenv("SSH_AUTH_SOCK", old, 1);
	else
		unsetenv("SSH_AUTH_SOCK");
	free(old);
	free(sock);
	host_free(&h);
	rec_free(&a);
	rec_free(&b);
	rec_free(&ag.r);
}

/* A command that hangs is stopped at its timeout: SIGTERM reaches the
 * remote process (sshd's "signal" request), which is gone afterwards. */
static void test_ssh_times_out_a_hung_command_and_kills_it(void **sp)
{
	struct state *st;
	const char *argv[] = { "sh", "-c", "echo $$; exec sleep 3600", NULL };
	struct rec a = { 0 };
	long pid;

	NEED_SERVER(sp);
	st = *sp;
	rec_start(st, st->ssh, argv, 1500, NULL, 0, &a);
	run_idle(st);
	assert_true(a.res.timed_out);
	assert_false(a.res.cancelled);
	assert_int_equal(a.res.exited, 0);
	assert_int_equal(a.res.signal, SIGTERM);
	assert_int_equal(a.res.status, 128 + SIGTERM);
	assert_string_equal(a.res.errmsg, "timed out after 1500 ms");
	assert_int_equal(a.lines[0].n, 1);
	/* The server is this machine: the remote sleep is gone. */
	pid = strtol(a.lines[0].v[0], NULL, 10);
	assert_true(pid > 1);
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	rec_free(&a);
}

static void test_ssh_cancel_stops_a_running_command(void **sp)
{
	struct state *st;
	const char *argv[] = { "sh", "-c", "echo started; exec sleep 3600", NULL };
	const char *q[] = { "echo", "queued", NULL };
	struct rec a = { 0 }, b = { 0 };
	long long end = clock_ms() + SLACK_MS;

	NEED_SERVER(sp);
	st = *sp;
	rec_start(st, st->ssh, argv, 0, NULL, 0, &a);
	while (a.lines[0].n == 0 && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_int_equal(a.lines[0].n, 1);
	cmd_cancel(a.c);
	/* Cancelled before it even started: no remote command runs. */
	rec_start(st, st->ssh, q, 0, NULL, 0, &b);
	cmd_cancel(b.c);
	assert_false(b.done); /* done comes from the loop, never from cancel */
	run_idle(st);
	assert_true(a.res.cancelled);
	assert_int_equal(a.res.signal, SIGTERM);
	assert_string_equal(a.res.errmsg, "cancelled");
	assert_true(b.res.cancelled);
	assert_int_equal(b.res.status, 255);
	assert_string_equal(sb_str(&b.out), "");
	rec_free(&a);
	rec_free(&b);
}

/* A server that accepts TCP but never speaks: the connect timeout. */
static int silent_listener(unsigned *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void test_ssh_connect_times_out_on_a_silent_server(void **sp)
{
	struct state *st;
	const char *argv[] = { "true", NULL };
	unsigned port;
	int lfd;
	struct host *h, *slow;
	struct rec a = { 0 }, b = { 0 };
	char *want;

	/* No server needed. */
	st = *sp;
	lfd = silent_listener(&port);
	h = host_ssh_new(NULL, "127.0.0.1", port, NULL, srv.key, srv.known_hosts);
	h->ssh_connect_timeout_ms = 300;
	/* The command's own timeout comes before the connect timeout. */
	slow = host_ssh_new(NULL, "127.0.0.1", port, NULL, srv.key, srv.known_hosts);
	slow->ssh_connect_timeout_ms = 10 * SLACK_MS;
	rec_start(st, h, argv, 0, NULL, 0, &a);
	rec_start(st, slow, argv, 400, NULL, 0, &b);
	run_idle(st);
	want = xasprintf("ssh 127.0.0.1:%u: connection timed out after 300 ms (waiting for the "
	                 "server's SSH banner)",
	                 port);
	assert_string_equal(a.res.errmsg, want);
	assert_int_equal(a.res.status, 255);
	assert_int_equal(a.res.start_errno, ETIMEDOUT);
	assert_false(a.res.timed_out);
	free(want);
	want = xasprintf("timed out after 400 ms before the command started (ssh 127.0.0.1:%u: "
	                 "connecting)",
	                 port);
	assert_string_equal(b.res.errmsg, want);
	assert_true(b.res.timed_out);
	assert_int_equal(b.res.status, 255);
	free(want);
	close(lfd);
	host_free(&h);
	host_free(&slow);
	rec_free(&a);
	rec_free(&b);
}

static void test_ssh_reports_a_refused_connection(void **sp)
{
	struct state *st;
	const char *argv[] = { "true", NULL };
	unsigned port;
	int lfd;
	struct host *h;
	struct rec a = { 0 };
	char *want;

	/* No server needed. */
	st = *sp;
	/* A port that was just free: nothing listens there once closed. */
	lfd = silent_listener(&port);
	close(lfd);
	h = host_ssh_new(NULL, "127.0.0.1", port, NULL, srv.key, srv.known_hosts);
	rec_start(st, h, argv, 0, NULL, 0, &a);
	run_idle(st);
	want = xasprintf("ssh 127.0.0.1:%u: connect: %s", port, strerror(ECONNREFUSED));
	assert_string_equal(a.res.errmsg, want);
	assert_int_equal(a.res.start_errno, ECONNREFUSED);
	assert_int_equal(a.res.status, 255);
	free(want);
	host_free(&h);
	rec_free(&a);
}

/* A server that never answers does not hold up a local command started at
 * the same time in the same loop: the local one ends while ssh still waits. */
static void test_ssh_dead_server_does_not_delay_a_local_command(void **sp)
{
	struct state *st;
	const char *remote[] = { "true", NULL };
	const char *local[] = { "sh", "-c", "echo local", NULL };
	unsigned port;
	int lfd;
	struct host *h;
	struct rec a = { 0 }, b = { 0 };
	long long end = clock_ms() + SLACK_MS;

	/* No server needed. */
	st = *sp;
	lfd = silent_listener(&port);
	h = host_ssh_new(NULL, "127.0.0.1", port, NULL, srv.key, srv.known_hosts);
	h->ssh_connect_timeout_ms = 10 * SLACK_MS;
	rec_start(st, h, remote, 0, NULL, 0, &a);
	rec_start(st, st->local, local, 0, NULL, 0, &b);
	while (!b.done && clock_ms() < end)
		poll_round(st, NULL, 0, 1000);
	assert_true(b.done);
	assert_int_equal(b.res.status, 0);
	assert_string_equal(sb_str(&b.out), "local\n");
	assert_false(a.done);
	cmd_cancel(a.c);
	run_idle(st);
	assert_true(a.res.cancelled);
	assert_string_equal(a.res.errmsg, "cancelled");
	close(lfd);
	host_free(&h);
	rec_free(&a);
	rec_free(&b);
}

/* A peer that is not an ssh server: a clear error, no hang. */
static void test_ssh_reports_a_peer_that_is_not_an_ssh_server(void **sp)
{
	struct state *st;
	const char *argv[] = { "true", NULL };
	unsigned port;
	int lfd, cfd = -1;
	struct host *h;
	struct rec a = { 0 };
	struct pollfd pfd;
	long long end = clock_ms() + SLACK_MS;
	const char junk[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
	char prefix[64];

	/* No server needed. */
	st = *sp;
	lfd = silent_listener(&port);
	h = host_ssh_new(NULL, "127.0.0.1", port, NULL, srv.key, srv.known_hosts);
	rec_start(st, h, argv, 0, NULL, 0, &a);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (!a.done && clock_ms() < end) {
		poll_round(st, &pfd, cfd < 0 ? 1 : 0, 1000);
		if (cfd < 0 && (pfd.revents & POLLIN)) {
			cfd = accept(lfd, NULL, NULL);
			assert_true(cfd >= 0);
			assert_int_equal(write(cfd, junk, sizeof junk - 1),
			                 (ssize_t)sizeof junk - 1);
			close(cfd);
		}
	}
	assert_true(a.done);
	snprintf(prefix, sizeof prefix, "ssh 127.0.0.1:%u: ", port);
	assert_true(str_starts(a.res.errmsg, prefix));
	assert_true(strlen(a.res.errmsg) > strlen(prefix));
	assert_int_equal(a.res.status, 255);
	assert_int_not_equal(a.res.start_errno, 0);
	close(lfd);
	host_free(&h);
	rec_free(&a);
}

static void test_ssh_start_rejects_bad_hosts(void **sp)
{
	struct state *st;
	const char *argv[] = { "true", NULL };
	struct cmd_spec spec = { NULL, argv, 0, NULL, 0 };
	struct host *noaddr = host_ssh_new("x", NULL, 0, NULL, NULL, NULL);
	struct host *at = host_ssh_new("y", "evil@127.0.0.1", 0, NULL, NULL, NULL);
	struct host *ctl = host_ssh_new("z", "127.0.0.1", 0, "root\n", NULL, NULL);
	struct err e;

	/* No server needed. */
	st = *sp;
	err_clear(&e);
	spec.host = noaddr;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_string_equal(e.msg, "cannot start true on x: the ssh host has no address");
	spec.host = at;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_non_null(strstr(e.msg, "cannot start true on y"));
	spec.host = ctl;
	assert_null(cmd_start(st->set, &spec, NULL, &e));
	assert_non_null(strstr(e.msg, "cannot start true on z"));
	assert_int_equal(cmdset_active(st->set), 0);
	host_free(&noaddr);
	host_free(&at);
	host_free(&ctl);
}

/* --- the pid marker (no server needed) ---------------------------------------------------- */

/* Feeds chunks one after another as reads would, as long as the scan waits. */
static enum ssh_marker_result marker_feed(struct strbuf *hold, const char *const *chunks, long *pid)
{
	enum ssh_marker_result r = SSH_MARKER_WAIT;

	for (size_t i = 0; chunks[i] != NULL && r == SSH_MARKER_WAIT; i++) {
		sb_add(hold, chunks[i], strlen(chunks[i]));
		r = ssh_marker_scan(hold, pid);
	}
	return r;
}

static void test_ssh_marker_command_line(void **sp)
{
	const char *argv[] = { "lsnim", "-l", "it's", NULL };
	char *line = ssh_marker_command(argv);

	(void)sp;
	assert_string_equal(line, "echo NIMADM_PID=$$ >&2; exec 'lsnim' '-l' 'it'\\''s'");
	free(line);
}

/* A chatty profile talks on stderr before the command line runs: its words
 * stay, in order, only the marker goes, wherever reads cut it. */
static void test_ssh_marker_is_found_behind_shell_noise_and_taken_out(void **sp)
{
	const char *first[] = { "NIMADM_PID=4242\nerr\n", NULL };
	const char *split[] = { "NIM", "ADM_P", "ID=42", "42", "\nrest", NULL };
	const char *noisy[] = { "rc: some noise\n", "rc: no newline yet ", "NIMADM_PID=77\n",
		                "then the command\n", NULL };
	struct strbuf h = { NULL, 0, 0 };
	long pid = 0;

	(void)sp;
	assert_int_equal(marker_feed(&h, first, &pid), SSH_MARKER_FOUND);
	assert_int_equal(pid, 4242);
	assert_string_equal(sb_str(&h), "err\n");
	sb_reset(&h);
	pid = 0;
	assert_int_equal(marker_feed(&h, split, &pid), SSH_MARKER_FOUND);
	assert_int_equal(pid, 4242);
	assert_string_equal(sb_str(&h), "rest");
	sb_reset(&h);
	pid = 0;
	assert_int_equal(marker_feed(&h, noisy, &pid), SSH_MARKER_FOUND);
	assert_int_equal(pid, 77);
	assert_string_equal(sb_str(&h), "rc: some noise\nrc: no newline yet ");
	sb_free(&h);
}

static void test_ssh_marker_gives_up_on_lookalikes_and_floods(void **sp)
{
	const char *bad[] = { "NIMADM_PID=12x\n", NULL };
	const char *neg[] = { "NIMADM_PID=-5\n", NULL };
	const char *one[] = { "NIMADM_PID=1\n", NULL };
	const char *waiting[] = { "noise without the marker\n", NULL };
	struct strbuf h = { NULL, 0, 0 };
	long pid = 0;
	char *flood = xmalloc(SSH_MARKER_SCAN_MAX + 1);

	(void)sp;
	assert_int_equal(marker_feed(&h, bad, &pid), SSH_MARKER_NONE);
	assert_string_equal(sb_str(&h), "NIMADM_PID=12x\n"); /* untouched */
	sb_reset(&h);
	assert_int_equal(marker_feed(&h, neg, &pid), SSH_MARKER_NONE);
	sb_reset(&h);
	assert_int_equal(marker_feed(&h, one, &pid), SSH_MARKER_NONE);
	sb_reset(&h);
	assert_int_equal(marker_feed(&h, waiting, &pid), SSH_MARKER_WAIT);
	memset(flood, 'x', SSH_MARKER_SCAN_MAX);
	flood[SSH_MARKER_SCAN_MAX] = '\0';
	sb_adds(&h, flood);
	assert_int_equal(ssh_marker_scan(&h, &pid), SSH_MARKER_NONE);
	assert_int_equal(h.len, strlen("noise without the marker\n") + SSH_MARKER_SCAN_MAX);
	assert_int_equal(pid, 0);
	free(flood);
	sb_free(&h);
}

/* A callback may run a nested loop (cmd_capture_run) with a command on the
 * same connection as its own: the connection keeps being served while the
 * outer command waits, and the outer one goes on afterwards. */
struct nest {
	struct state *st;
	struct rec r;
	struct cmd_capture cap;
	int nested_rc;
};

static void nest_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                      unsigned flags)
{
	struct nest *n = arg;
	const char *argv[] = { "echo", "nested", NULL };
	struct cmd_spec spec = { n->st->ssh, argv, 0, NULL, 0 };
	struct err e;

	rec_line(&n->r, c, s, line, len, flags);
	if (s == CMD_STDOUT && strcmp(line, "one") == 0) {
		err_clear(&e);
		n->nested_rc = cmd_capture_run(n->st->set, &spec, &n->cap, &e);
	}
}

static void nest_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct nest *n = arg;

	rec_done(&n->r, c, res);
}

static void test_ssh_nested_loop_in_a_callback_on_the_same_session(void **sp)
{
	struct state *st;
	const char *argv[] = { "printf", "one\\ntwo\\n", NULL };
	struct cmd_spec spec = { NULL, argv, 0, NULL, 0 };
	struct cmd_cb cb = { nest_line, NULL, nest_done, NULL };
	struct nest n;
	struct err e;

	NEED_SERVER(sp);
	st = *sp;
	memset(&n, 0, sizeof n);
	n.st = st;
	n.nested_rc = -2;
	spec.host = st->ssh;
	cb.arg = &n;
	err_clear(&e);
	n.r.c = cmd_start(st->set, &spec, &cb, &e);
	assert_non_null(n.r.c);
	run_idle(st);
	assert_int_equal(n.nested_rc, 0);
	assert_int_equal(n.cap.res.status, 0);
	assert_string_equal(n.cap.out.buf, "nested\n");
	assert_true(n.r.done);
	assert_int_equal(n.r.res.status, 0);
	assert_int_equal(n.r.lines[0].n, 2);
	assert_string_equal(n.r.lines[0].v[0], "one");
	assert_string_equal(n.r.lines[0].v[1], "two");
	cmd_capture_free(&n.cap);
	rec_free(&n.r);
}

/* A NIM client reached through a master reached by ssh: the command is
 * quoted twice (for rsh, then for ssh) and arrives intact. */
static void test_ssh_nim_client_through_an_ssh_master(void **sp)
{
	struct state *st;
	const char *argv[] = { "printf", "[%s]\\n", "a b", "it's", "$HOME", "`id`", NULL };
	struct host *client;
	struct rec a = { 0 };

	NEED_SERVER(sp);
	st = *sp;
	client = host_nim_new("aixdb01", st->ssh, NIM_CONNECT_SHELL);
	rec_start(st, client, argv, 0, NULL, 0, &a);
	assert_string_equal(cmd_exec_argv(a.c)[0], "rsh");
	run_idle(st);
	assert_int_equal(a.res.status, 0);
	assert_string_equal(sb_str(&a.out), "via rsh to aixdb01\n[a b]\n[it's]\n[$HOME]\n[`id`]\n");
	assert_string_equal(sb_str(&a.err), "");
	host_free(&client);
	rec_free(&a);
}

/* cmdset_free() with ssh commands in flight: no callbacks, no fds left, and
 * the remote processes are gone (sshd ignores signal requests for root: the
 * transport's kill over a spare channel does it). */
static void test_ssh_cmdset_free_stops_everything(void **sp)
{
	struct state *st;
	enum { N = 12 };
	const char *argv[] = { "sh", "-c", "echo $$; exec sleep 3600", NULL };
	struct rec r[N];
	int fds_before = 0, fds_after = 0, started;
	long long end = clock_ms() + SLACK_MS;

	NEED_SERVER(sp);
	st = *sp;
	memset(r, 0, sizeof r);
	for (int fd = 0; fd < 1024; fd++)
		fds_before += fcntl(fd, F_GETFD) >= 0;
	for (int i = 0; i < N; i++)
		rec_start(st, st->ssh, argv, 0, NULL, 0, &r[i]);
	do {
		poll_round(st, NULL, 0, 1000);
		started = 0;
		for (int i = 0; i < N; i++)
			started += r[i].lines[0].n == 1;
	} while (started < N && clock_ms() < end);
	assert_int_equal(started, N);
	cmdset_free(&st->set);
	for (int fd = 0; fd < 1024; fd++)
		fds_after += fcntl(fd, F_GETFD) >= 0;
	assert_int_equal(fds_after, fds_before);
	for (int i = 0; i < N; i++) {
		long pid = strtol(r[i].lines[0].v[0], NULL, 10);
		assert_false(r[i].done);
		assert_true(pid > 1);
		/* The server is this machine. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			fail_msg("remote process %ld (command %d) still runs", pid, i);
		rec_free(&r[i]);
	}
	st->set = cmdset_new();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ssh_marker_command_line),
		cmocka_unit_test(test_ssh_marker_is_found_behind_shell_noise_and_taken_out),
		cmocka_unit_test(test_ssh_marker_gives_up_on_lookalikes_and_floods),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ssh_runs_a_command_and_reports_output_and_status),
		T(test_ssh_reports_a_remote_signal),
		T(test_ssh_arguments_arrive_intact),
		T(test_ssh_feeds_stdin_small_and_big),
		T(test_ssh_runs_50_commands_at_once_over_a_few_sessions),
		T(test_ssh_learns_a_lower_session_limit),
		T(test_ssh_reuses_a_session_and_closes_it_when_idle),
		T(test_ssh_refuses_an_unknown_host_key),
		T(test_ssh_refuses_a_changed_host_key),
		T(test_ssh_refuses_a_wrong_user_key),
		T(test_ssh_authenticates_with_the_agent),
		T(test_ssh_times_out_a_hung_command_and_kills_it),
		T(test_ssh_cancel_stops_a_running_command),
		T(test_ssh_connect_times_out_on_a_silent_server),
		T(test_ssh_reports_a_refused_connection),
		T(test_ssh_dead_server_does_not_delay_a_local_command),
		T(test_ssh_reports_a_peer_that_is_not_an_ssh_server),
		T(test_ssh_start_rejects_bad_hosts),
		T(test_ssh_nested_loop_in_a_callback_on_the_same_session),
		T(test_ssh_nim_client_through_an_ssh_master),
		T(test_ssh_cmdset_free_stops_everything),
#undef T
	};

	/* NIMADM_TEST_FILTER=pattern runs the matching tests only. */
	if (getenv("NIMADM_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("NIMADM_TEST_FILTER"));
	return cmocka_run_group_tests_name("engine_ssh", tests, group_setup, group_teardown);
}
