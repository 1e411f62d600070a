/* test_engine_job.c: the job journal and its detached supervisor, with a scripted
 * nimadm (tests/fixtures/job/bin/nimadm) whose phases wait on gate files, so every
 * step is driven by the test rather than by sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "testsite.h"

#define WAIT_MS 20000

struct fx {
	char tmp[256];
	char fake[300];
	char gate[300];
	struct site *site;
};

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmpdir = getenv("TMPDIR");
	char *sim;

	snprintf(f->tmp, sizeof f->tmp, "%s/jobtest.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->fake, sizeof f->fake, "%s/fake", f->tmp);
	snprintf(f->gate, sizeof f->gate, "%s/gate", f->tmp);
	assert_int_equal(mkdir(f->fake, 0755), 0);
	sim = xasprintf("%s/tests/fixtures/job", test_src_dir());
	f->site = test_fake_site(sim, f->tmp);
	free(sim);
	setenv("FAKE_DIR", f->fake, 1);
	unsetenv("FAKE_GATE");
	unsetenv("FAKE_FAIL_PHASE");
	unsetenv("FAKE_HANG_PHASE");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->tmp);

	site_free(&f->site);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->tmp);
	free(cmd);
	free(f);
	return 0;
}

static void open_gate(struct fx *f, int phase)
{
	char *p = xasprintf("%s.%d", f->gate, phase);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fclose(fp);
	free(p);
}

static void open_gates(struct fx *f, int from, int to)
{
	for (int p = from; p <= to; p++)
		open_gate(f, p);
}

/* Submits a migration of `client` built by the params module. */
static int submit(struct fx *f, const char *client, int step, int from, int to, char *id,
                  struct err *e)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct strv argv = { 0 };
	struct strbuf ini = { 0 };
	struct job_request rq;
	int rc;

	assert_int_equal(params_set(p, "client", client, NULL), 0);
	assert_int_equal(params_set(p, "spot", "spot_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "lpp_source", "lpp_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1", NULL), 0);
	assert_int_equal(params_argv(p, &argv, NULL), 0);
	assert_int_equal(params_ini_write(p, &ini, NULL), 0);
	memset(&rq, 0, sizeof rq);
	rq.mode = "migrate";
	rq.client = client;
	rq.argv = strv_argv(&argv);
	rq.params_ini = sb_str(&ini);
	rq.step = step;
	rq.from_phase = from;
	rq.to_phase = to;
	rc = job_submit(f->site, &rq, id, e);
	strv_free(&argv);
	sb_free(&ini);
	params_free(&p);
	return rc;
}

/* Polls the journal until the job has the status (or the wait ends). */
static enum job_status wait_status(struct fx *f, const char *id, enum job_status want)
{
	long long deadline = clock_ms() + WAIT_MS;
	enum job_status st = JOB_LOST;

	while (clock_ms() < deadline) {
		struct job_info ji;
		if (job_load(f->site, id, &ji, NULL) == 0) {
			st = ji.status;
			job_info_free(&ji);
			if (st == want || (job_status_is_final(st) && !job_status_is_final(want)))
				return st;
		}
		nap_ms(10);
	}
	return st;
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return xstrdup("");
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, n);
	fclose(fp);
	return sb_steal(&sb);
}

static int count_substr(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_job_runs_all_phases_and_the_journal_records_them(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];
	struct job_info ji;
	struct err e;
	char *out, *path;

	assert_int_equal(submit(f, "aixdb01", 0, 0, 0, id, &e), 0);
	assert_int_equal(wait_status(f, id, JOB_SUCCEEDED), JOB_SUCCEEDED);
	assert_int_equal(job_load(f->site, id, &ji, &e), 0);
	assert_int_equal(ji.exit_code, 0);
	assert_int_equal(ji.phase, 12);
	assert_string_equal(ji.client, "aixdb01");
	assert_string_equal(ji.mode, "migrate");
	assert_non_null(strstr(ji.command, "nimadm -c aixdb01"));
	for (int p = 1; p <= 12; p++)
		assert_true(ji.phase_start[p] > 0);
	assert_int_equal(ji.filesets_done, 3);
	assert_int_equal(ji.filesets_total, 3);
	path = job_output_path(f->site, id);
	out = read_file(path);
	assert_int_equal(count_substr(out, "Executing nimadm phase "), 12);
	assert_non_null(strstr(out, "Initializing log: /var/adm/ras/alt_mig/aixdb01_alt_mig.log"));
	free(out);
	free(path);
	job_info_free(&ji);
}

static void test_job_outlives_a_killed_submitter_and_follower(void **state)
{
	struct fx *f = *state;
	int pipefd[2];
	char id[JOB_ID_MAX] = "";
	pid_t pid;
	int status;
	struct job_tail *t;
	const struct phase_state *ps;
	struct err e;

	setenv("FAKE_GATE", f->gate, 1);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The submitter: submits, tells the id, then is killed while following. */
		char cid[JOB_ID_MAX];
		struct job_tail *ct;
		close(pipefd[0]);
		if (submit(f, "aixapp01", 0, 0, 0, cid, NULL) != 0)
			_exit(1);
		if (write(pipefd[1], cid, strlen(cid) + 1) < 0)
			_exit(1);
		ct = job_tail_new(f->site, cid, NULL, 0, NULL);
		for (;;) {
			job_tail_poll(ct);
			nap_ms(10);
		}
	}
	close(pipefd[1]);
	assert_true(read(pipefd[0], id, sizeof id) > 0);
	close(pipefd[0]);
	open_gates(f, 1, 3);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	/* The job goes on; a new reader re-attaches from the journal alone. */
	open_gates(f, 4, 12);
	assert_int_equal(wait_status(f, id, JOB_SUCCEEDED), JOB_SUCCEEDED);
	t = job_tail_new(f->site, id, NULL, 0, &e);
	assert_non_null(t);
	while (!job_tail_poll(t))
		;
	ps = job_tail_phases(t);
	assert_int_equal(ps->result, PHASE_RESULT_SUCCEEDED);
	for (int p = 1; p <= 12; p++)
		assert_int_equal(ps->phases[p].status, PHASE_DONE);
	job_tail_free(&t);
}

static void test_job_failure_records_failed_phase_and_message(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];
	struct job_info ji;
	struct job_tail *t;
	const struct phase_state *ps;

	setenv("FAKE_FAIL_PHASE", "1", 1);
	assert_int_equal(submit(f, "aixdb02", 0, 0, 0, id, NULL), 0);
	assert_int_equal(wait_status(f, id, JOB_FAILED), JOB_FAILED);
	assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
	assert_int_equal(ji.exit_code, 1);
	assert_int_equal(ji.phase, 1);
	assert_non_null(ji.message);
	assert_non_null(strstr(ji.message, "0505-187"));
	job_info_free(&ji);
	t = job_tail_new(f->site, id, NULL, 0, NULL);
	while (!job_tail_poll(t))
		;
	ps = job_tail_phases(t);
	assert_int_equal(ps->result, PHASE_RESULT_FAILED);
	assert_int_equal(ps->failed_phase, 1);
	assert_true(ps->cleanup_ran);
	job_tail_free(&t);
}

static int count_jobs(struct fx *f)
{
	struct job_info *v;
	size_t n;

	assert_int_equal(job_list(f->site, &v, &n, NULL), 0);
	job_list_free(&v, n);
	return (int)n;
}

static void test_job_refuses_a_second_job_for_the_same_client(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX], id2[JOB_ID_MAX];
	struct err e;

	setenv("FAKE_GATE", f->gate, 1);
	assert_int_equal(submit(f, "aixweb01", 0, 0, 0, id, &e), 0);
	assert_int_equal(count_jobs(f), 1);
	err_clear(&e);
	assert_int_equal(submit(f, "aixweb01", 0, 0, 0, id2, &e), -1);
	assert_non_null(strstr(e.msg, "client aixweb01 already has an active job"));
	assert_non_null(strstr(e.msg, id));
	assert_int_equal(count_jobs(f), 1);
	open_gates(f, 1, 12);
	assert_int_equal(wait_status(f, id, JOB_SUCCEEDED), JOB_SUCCEEDED);
	/* Once it is over, the client is free again. */
	assert_int_equal(submit(f, "aixweb01", 0, 0, 0, id2, &e), 0);
	assert_int_equal(wait_status(f, id2, JOB_SUCCEEDED), JOB_SUCCEEDED);
}

static pid_t read_pid(const char *path)
{
	char *s = read_file(path);
	pid_t pid = (pid_t)atol(s);
	free(s);
	return pid;
}

static void test_job_whose_supervisor_dies_is_lost_and_its_lock_recovered(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX], id2[JOB_ID_MAX];
	struct job_info ji;
	char *pidfile = xasprintf("%s/nimadm.pid", f->fake);
	pid_t nimadm;

	setenv("FAKE_GATE", f->gate, 1);
	assert_int_equal(submit(f, "aixdb03", 0, 0, 0, id, NULL), 0);
	open_gates(f, 1, 2);
	assert_int_equal(wait_status(f, id, JOB_RUNNING), JOB_RUNNING);
	/* wait until phase 2 is recorded */
	for (long long end = clock_ms() + WAIT_MS; clock_ms() < end; nap_ms(10)) {
		assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
		int ph = ji.phase;
		job_info_free(&ji);
		if (ph == 2)
			break;
	}
	assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
	assert_true(ji.pid > 0);
	assert_int_equal(kill(ji.pid, SIGKILL), 0);
	job_info_free(&ji);
	/* The supervisor is gone: readers say lost, with the last phase seen. */
	assert_int_equal(wait_status(f, id, JOB_LOST), JOB_LOST);
	assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
	assert_int_equal(ji.status, JOB_LOST);
	assert_int_equal(ji.phase, 2);
	job_info_free(&ji);
	nimadm = read_pid(pidfile);
	if (nimadm > 0)
		kill(-nimadm, SIGKILL); /* the orphaned nimadm's group */
	/* The crashed job's lock does not block the client. */
	unsetenv("FAKE_GATE");
	assert_int_equal(submit(f, "aixdb03", 0, 0, 0, id2, NULL), 0);
	assert_int_equal(wait_status(f, id2, JOB_SUCCEEDED), JOB_SUCCEEDED);
	free(pidfile);
}

static void test_job_step_mode_pauses_after_each_phase(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];
	struct job_info ji;
	struct err e;
	char *argv1, *path;

	assert_int_equal(submit(f, "aixapp02", 1, 0, 3, id, &e), 0);
	for (int p = 1; p <= 2; p++) {
		assert_int_equal(wait_status(f, id, JOB_PAUSED), JOB_PAUSED);
		assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
		assert_int_equal(ji.paused_after, p);
		assert_int_equal(ji.phase, p);
		job_info_free(&ji);
		assert_int_equal(job_continue(f->site, id, &e), 0);
		/* it leaves the pause */
		for (long long end = clock_ms() + WAIT_MS; clock_ms() < end; nap_ms(5)) {
			assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
			int still = ji.status == JOB_PAUSED && ji.paused_after == p;
			job_info_free(&ji);
			if (!still)
				break;
		}
	}
	assert_int_equal(wait_status(f, id, JOB_SUCCEEDED), JOB_SUCCEEDED);
	/* One nimadm call per phase, each with -P N in it. */
	path = xasprintf("%s/argv.1", f->fake);
	argv1 = read_file(path);
	assert_non_null(strstr(argv1, "-P\n2\n"));
	free(argv1);
	free(path);
	path = job_output_path(f->site, id);
	argv1 = read_file(path);
	assert_int_equal(count_substr(argv1, "Executing nimadm phase "), 3);
	free(argv1);
	free(path);
	err_clear(&e);
	assert_int_equal(job_continue(f->site, id, &e), -1);
	assert_non_null(strstr(e.msg, "succeeded"));
}

static void test_job_resumes_from_a_given_phase(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];
	char *out, *path;

	assert_int_equal(submit(f, "aixapp03", 0, 11, 0, id, NULL), 0);
	assert_int_equal(wait_status(f, id, JOB_SUCCEEDED), JOB_SUCCEEDED);
	path = job_output_path(f->site, id);
	out = read_file(path);
	assert_int_equal(count_substr(out, "Executing nimadm phase "), 2);
	assert_non_null(strstr(out, "Executing nimadm phase 11."));
	assert_non_null(strstr(out, "Executing nimadm phase 12."));
	assert_null(strstr(out, "Executing nimadm phase 10."));
	free(out);
	free(path);
}

static void test_job_cancel_stops_nimadm_and_marks_it_cancelled(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];
	struct job_info ji;
	char *pidfile = xasprintf("%s/nimadm.pid", f->fake);
	pid_t nimadm;
	struct err e;

	setenv("FAKE_HANG_PHASE", "2", 1);
	assert_int_equal(submit(f, "aixdb04", 0, 0, 0, id, NULL), 0);
	for (long long end = clock_ms() + WAIT_MS; clock_ms() < end; nap_ms(5)) {
		assert_int_equal(job_load(f->site, id, &ji, NULL), 0);
		int ph = ji.phase;
		job_info_free(&ji);
		if (ph == 2)
			break;
	}
	nimadm = read_pid(pidfile);
	assert_true(nimadm > 0);
	assert_int_equal(job_cancel(f->site, id, &e), 0);
	assert_int_equal(wait_status(f, id, JOB_CANCELLED), JOB_CANCELLED);
	assert_int_equal(kill(nimadm, 0), -1);
	assert_int_equal(errno, ESRCH);
	err_clear(&e);
	assert_int_equal(job_cancel(f->site, id, &e), -1);
	assert_non_null(strstr(e.msg, "cancelled"));
	free(pidfile);
}

static void test_job_beyond_the_limit_waits_in_the_queue(void **state)
{
	struct fx *f = *state;
	char a[JOB_ID_MAX], b[JOB_ID_MAX];
	struct job_info ji;

	assert_int_equal(job_limit_set(f->site, 1, NULL), 0);
	assert_int_equal(job_limit_get(f->site), 1);
	setenv("FAKE_GATE", f->gate, 1);
	assert_int_equal(submit(f, "aixq01", 0, 0, 0, a, NULL), 0);
	assert_int_equal(wait_status(f, a, JOB_RUNNING), JOB_RUNNING);
	assert_int_equal(submit(f, "aixq02", 0, 0, 0, b, NULL), 0);
	/* b waits while a holds the only slot */
	assert_int_equal(job_load(f->site, b, &ji, NULL), 0);
	assert_int_equal(ji.status, JOB_WAITING);
	assert_int_equal(ji.started, 0);
	job_info_free(&ji);
	open_gates(f, 1, 12);
	assert_int_equal(wait_status(f, a, JOB_SUCCEEDED), JOB_SUCCEEDED);
	assert_int_equal(wait_status(f, b, JOB_SUCCEEDED), JOB_SUCCEEDED);
	assert_int_equal(job_limit_set(f->site, 0, NULL), -1);
}

static void test_job_refuses_requests_that_could_escape_the_journal(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = { "../etc", "a/b", ".hidden", "-rf", "a b", "x\ny", "" };
	const char *argv[] = { "nimadm", "-c", "x", NULL };
	char id[JOB_ID_MAX];
	struct err e;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct job_request rq = { .mode = "migrate", .client = bad[i], .argv = argv };
		err_clear(&e);
		assert_int_equal(job_submit(f->site, &rq, id, &e), -1);
		assert_true(e.msg[0] != '\0');
	}
	{
		const char *nl[] = { "nimadm", "-c", "x\nrm", NULL };
		struct job_request rq = { .mode = "migrate", .client = "x", .argv = nl };
		assert_int_equal(job_submit(f->site, &rq, id, &e), -1);
	}
	assert_int_equal(count_jobs(f), 0);
	err_clear(&e);
	assert_int_equal(job_load(f->site, "../../etc", NULL, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_job_runs_all_phases_and_the_journal_records_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_outlives_a_killed_submitter_and_follower,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_failure_records_failed_phase_and_message,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_refuses_a_second_job_for_the_same_client,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_whose_supervisor_dies_is_lost_and_its_lock_recovered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_step_mode_pauses_after_each_phase, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_job_resumes_from_a_given_phase, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_job_cancel_stops_nimadm_and_marks_it_cancelled,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_beyond_the_limit_waits_in_the_queue, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_refuses_requests_that_could_escape_the_journal, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
