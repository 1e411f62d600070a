/*
 * test_engine_jobact.c: the operator's actions on jobs (jobact.h) and the
 * pause after this phase (job_pause): the estimate of time left from the
 * phases' shares, installp's progress and this site's history; which phase a
 * resume starts at and which jobs refuse it; the cleanup's parameters; and
 * a real supervisor (the scripted nimadm of tests/fixtures/job, its phases
 * gated by files) pausing after the phase under way and going on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "testsite.h"

#define WAIT_MS 20000
#define T0      1795250000000LL /* epoch ms */

static const char params_ini[] = "[params]\nmode = migrate\nclient = aixdb01\nspot = "
                                 "spot_7300_02\nlpp_source = lpp_7300_02\ndisks = "
                                 "hdisk1\naccept_licenses = yes\n";

/* A migration that ran phases 1..done (each `secs` long, from T0). */
static void fake_job(struct job_info *ji, enum job_status st, int done, long secs)
{
	memset(ji, 0, sizeof *ji);
	str_copy(ji->id, "20261121-100000-aixdb01", sizeof ji->id);
	ji->mode = xstrdup("migrate");
	ji->client = xstrdup("aixdb01");
	ji->params_ini = xstrdup(params_ini);
	ji->status = st;
	ji->exit_code = -1;
	for (int p = 1; p <= done; p++) {
		ji->phase_start[p] = T0 + (p - 1) * secs * 1000;
		ji->phase_end[p] = T0 + p * secs * 1000;
	}
	ji->phase = done;
}

static void test_jobact_phase_shares_add_up_to_a_whole_run(void **state)
{
	int sum = 0;

	(void)state;
	for (int p = 1; p <= PHASE_MAX; p++) {
		assert_true(jobact_phase_share[p] > 0);
		sum += jobact_phase_share[p];
	}
	assert_int_equal(sum, 1000);
	/* installp is the longest phase */
	for (int p = 1; p <= PHASE_MAX; p++)
		if (p != 6)
			assert_true(jobact_phase_share[6] > jobact_phase_share[p]);
}

static void test_jobact_estimate_scales_the_shares_by_the_finished_phases(void **state)
{
	struct job_info ji;
	int done_share = 0, rest_share = 0;
	long left;

	(void)state;
	/* phases 1..5 took 100 s each; phase 6 has just begun */
	fake_job(&ji, JOB_RUNNING, 5, 100);
	ji.phase = 6;
	ji.phase_start[6] = T0 + 500 * 1000;
	for (int p = 1; p <= 5; p++)
		done_share += jobact_phase_share[p];
	for (int p = 6; p <= 12; p++)
		rest_share += jobact_phase_share[p];
	left = jobact_estimate_left(&ji, NULL, ji.phase_start[6]);
	assert_in_range(left, 500L * rest_share / done_share - 1,
	                500L * rest_share / done_share + 1);
	/* time spent in phase 6 comes off */
	assert_in_range(jobact_estimate_left(&ji, NULL, ji.phase_start[6] + 60000), left - 61,
	                left - 59);
	job_info_free(&ji);
}

static void test_jobact_estimate_uses_installp_progress_in_phase_6(void **state)
{
	struct job_info ji;
	long with_fs, tail = 0;

	(void)state;
	fake_job(&ji, JOB_RUNNING, 5, 100);
	ji.phase = 6;
	ji.phase_start[6] = T0 + 500 * 1000;
	ji.filesets_done = 10;
	ji.filesets_total = 40;
	/* 10 of 40 in 300 s: 900 s more for installp, then the shares of 7..12 */
	with_fs = jobact_estimate_left(&ji, NULL, ji.phase_start[6] + 300 * 1000);
	for (int p = 7; p <= 12; p++)
		tail += jobact_phase_share[p];
	assert_in_range(with_fs, 900 + 500L * tail / 230 - 1, 900 + 500L * tail / 230 + 2);
	job_info_free(&ji);
}

static void test_jobact_estimate_is_unknown_before_anything_finished(void **state)
{
	struct job_info ji;

	(void)state;
	fake_job(&ji, JOB_RUNNING, 0, 100);
	ji.phase = 1;
	ji.phase_start[1] = T0;
	assert_int_equal(jobact_estimate_left(&ji, NULL, T0 + 1000), -1);
	/* not a migration: no phases to go by */
	free(ji.mode);
	ji.mode = xstrdup("cleanup");
	assert_int_equal(jobact_estimate_left(&ji, NULL, T0 + 1000), -1);
	job_info_free(&ji);
	/* a final job has nothing left */
	fake_job(&ji, JOB_FAILED, 3, 100);
	assert_int_equal(jobact_estimate_left(&ji, NULL, T0), 0);
	job_info_free(&ji);
}

static void test_jobact_estimate_takes_this_sites_history_once_there_is_some(void **state)
{
	struct jobact_history h;
	struct job_info old, ji, failed;

	(void)state;
	memset(&h, 0, sizeof h);
	/* an earlier run: 60 s per phase; a failed run does not count */
	fake_job(&old, JOB_SUCCEEDED, 12, 60);
	fake_job(&failed, JOB_FAILED, 4, 1000);
	assert_int_equal(jobact_history_add(&h, &old), 1);
	assert_int_equal(jobact_history_add(&h, &failed), 0);
	assert_int_equal(h.jobs, 1);
	assert_int_equal(jobact_history_mean(&h, 6), 60000);
	/* a waiting job: the whole run as it went here */
	fake_job(&ji, JOB_WAITING, 0, 0);
	assert_int_equal(jobact_estimate_left(&ji, NULL, T0), -1);
	assert_int_equal(jobact_estimate_left(&ji, &h, T0), 12 * 60);
	/* in phase 1 for 20 s: 40 s of it and 11 phases to go */
	ji.status = JOB_RUNNING;
	ji.phase = 1;
	ji.phase_start[1] = T0;
	assert_int_equal(jobact_estimate_left(&ji, &h, T0 + 20000), 40 + 11 * 60);
	/* paused after phase 3: the wait does not count */
	job_info_free(&ji);
	fake_job(&ji, JOB_PAUSED, 3, 10);
	ji.paused_after = 3;
	assert_int_equal(jobact_estimate_left(&ji, &h, T0 + 3600000), 9 * 60);
	job_info_free(&old);
	job_info_free(&failed);
	job_info_free(&ji);
}

static void test_jobact_resume_starts_at_the_failed_phase(void **state)
{
	struct job_info ji;
	struct phase_state ps;
	const char *why;

	(void)state;
	memset(&ps, 0, sizeof ps);
	fake_job(&ji, JOB_FAILED, 8, 10);
	ji.phase = 9;
	ps.failed_phase = -1;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 9);
	assert_int_equal(jobact_resume_phase(&ji, &ps, &why), 9);
	/* the tracker's failed phase wins over the journal's last phase */
	ps.failed_phase = 7;
	assert_int_equal(jobact_resume_phase(&ji, &ps, &why), 7);
	/* failed before phase 1: from the start */
	ji.phase = 0;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 1);
	ji.status = JOB_SUCCEEDED;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 0);
	assert_non_null(strstr(why, "succeeded"));
	ji.status = JOB_RUNNING;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 0);
	ji.status = JOB_LOST;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 1);
	free(ji.mode);
	ji.mode = xstrdup("cleanup");
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 0);
	assert_non_null(strstr(why, "migration"));
	free(ji.mode);
	ji.mode = xstrdup("migrate");
	free(ji.params_ini);
	ji.params_ini = NULL;
	assert_int_equal(jobact_resume_phase(&ji, NULL, &why), 0);
	assert_non_null(strstr(why, "parameters"));
	job_info_free(&ji);
}

/* Another job of aixdb01 (or client), created `after` seconds after fake_job's. */
static void later_job(struct job_info *ji, const char *id, const char *mode, const char *client,
                      enum job_status st, long after)
{
	memset(ji, 0, sizeof *ji);
	str_copy(ji->id, id, sizeof ji->id);
	ji->mode = xstrdup(mode);
	ji->client = xstrdup(client);
	ji->status = st;
	ji->created = T0 / 1000 + after;
	ji->started = st == JOB_WAITING ? 0 : ji->created + 1;
}

static void test_jobact_resume_is_undone_by_a_later_cleanup_or_migration(void **state)
{
	struct job_info ji, other;
	char why[JOBACT_WHY_MAX];

	(void)state;
	fake_job(&ji, JOB_FAILED, 8, 10);
	ji.created = T0 / 1000;
	/* the job itself does not undo itself */
	assert_false(jobact_resume_undone_by(&ji, &ji, why));
	/* a cleanup that ran after it: refused, naming the cleanup and what to do */
	later_job(&other, "20261121-110000-aixdb01", "cleanup", "aixdb01", JOB_SUCCEEDED, 60);
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_string_equal(why, "job 20261121-110000-aixdb01 (nimadm -C) cleaned it up after it "
	                         "failed: start a new migration");
	/* a cleanup that failed may have removed part of it: refused too */
	other.status = JOB_FAILED;
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_non_null(strstr(why, "and failed: clean up again, then start a new migration"));
	/* one still running */
	other.status = JOB_RUNNING;
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_non_null(strstr(why, "is cleaning it up"));
	/* a cleanup cancelled before it started changed nothing */
	other.status = JOB_CANCELLED;
	other.started = 0;
	assert_false(jobact_resume_undone_by(&ji, &other, why));
	job_info_free(&other);
	/* an earlier cleanup, or one of another client, does not count */
	later_job(&other, "20261121-090000-aixdb01", "cleanup", "aixdb01", JOB_SUCCEEDED, -3600);
	assert_false(jobact_resume_undone_by(&ji, &other, why));
	job_info_free(&other);
	later_job(&other, "20261121-110000-aixhr01", "cleanup", "aixhr01", JOB_SUCCEEDED, 60);
	assert_false(jobact_resume_undone_by(&ji, &other, why));
	job_info_free(&other);
	/* a later migration of the client that started: resume that one */
	later_job(&other, "20261121-110000-aixdb01", "migrate", "aixdb01", JOB_FAILED, 60);
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_string_equal(why, "job 20261121-110000-aixdb01, a later migration of aixdb01, ran "
	                         "after it: resume that job or start a new migration");
	other.status = JOB_SUCCEEDED;
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_non_null(strstr(why, "succeeded: nothing to resume"));
	/* created in the same second: the id orders them */
	other.created = ji.created;
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	/* one still waiting for a slot has not started */
	other.status = JOB_WAITING;
	other.started = 0;
	assert_false(jobact_resume_undone_by(&ji, &other, why));
	job_info_free(&other);
	/* a wake-up of the alternate disk is no migration and no cleanup */
	later_job(&other, "20261121-110000-aixdb01", "wakeup", "aixdb01", JOB_SUCCEEDED, 60);
	assert_false(jobact_resume_undone_by(&ji, &other, why));
	job_info_free(&other);
	/* the refusal says how the job ended */
	ji.status = JOB_CANCELLED;
	later_job(&other, "20261121-110000-aixdb01", "cleanup", "aixdb01", JOB_SUCCEEDED, 60);
	assert_true(jobact_resume_undone_by(&ji, &other, why));
	assert_non_null(strstr(why, "after it was cancelled"));
	job_info_free(&other);
	job_info_free(&ji);
}

static void test_jobact_cleanup_takes_the_client_and_spot(void **state)
{
	struct job_info ji;
	struct nimadm_params *p;
	struct err e;
	const char *why;
	char *line;

	(void)state;
	fake_job(&ji, JOB_FAILED, 3, 10);
	err_clear(&e);
	p = jobact_cleanup_params(&ji, &e);
	assert_non_null(p);
	assert_int_equal(p->mode, NIMADM_CLEANUP);
	line = params_command_line(p, &e);
	assert_string_equal(line, "nimadm -C -c aixdb01 -s spot_7300_02");
	free(line);
	params_free(&p);
	/* an active job is cancelled first; a cleanup does not clean itself */
	ji.status = JOB_RUNNING;
	assert_false(jobact_can_cleanup(&ji, &why));
	assert_non_null(strstr(why, "cancel"));
	ji.status = JOB_FAILED;
	free(ji.mode);
	ji.mode = xstrdup("cleanup");
	assert_false(jobact_can_cleanup(&ji, &why));
	job_info_free(&ji);
}

static void test_job_pause_needs_a_job_run_phase_by_phase(void **state)
{
	struct job_info ji;
	const char *why;

	(void)state;
	fake_job(&ji, JOB_RUNNING, 2, 10);
	ji.phase = 3;
	assert_false(job_can_pause(&ji, &why));
	assert_non_null(strstr(why, "one call"));
	ji.from_phase = 1;
	assert_true(job_can_pause(&ji, &why));
	ji.step = 1;
	assert_false(job_can_pause(&ji, &why));
	assert_non_null(strstr(why, "step mode"));
	ji.step = 0;
	ji.pause_requested = 1;
	assert_false(job_can_pause(&ji, &why));
	ji.pause_requested = 0;
	ji.phase = 12;
	assert_false(job_can_pause(&ji, &why));
	ji.phase = 3;
	ji.status = JOB_PAUSED;
	assert_false(job_can_pause(&ji, &why));
	ji.status = JOB_FAILED;
	assert_false(job_can_pause(&ji, &why));
	job_info_free(&ji);
}

/* ---- a real supervisor ------------------------------------------------------------ */

struct fx {
	char tmp[256];
	char gate[300];
	char fake[300];
	struct site *site;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmpdir = getenv("TMPDIR");
	char *sim;

	snprintf(f->tmp, sizeof f->tmp, "%s/jobact.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->gate, sizeof f->gate, "%s/gate", f->tmp);
	snprintf(f->fake, sizeof f->fake, "%s/fake", f->tmp);
	assert_int_equal(mkdir(f->fake, 0755), 0);
	sim = xasprintf("%s/tests/fixtures/job", test_src_dir());
	f->site = test_fake_site(sim, f->tmp);
	free(sim);
	setenv("FAKE_DIR", f->fake, 1);
	setenv("FAKE_GATE", f->gate, 1);
	unsetenv("FAKE_FAIL_PHASE");
	unsetenv("FAKE_HANG_PHASE");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->tmp);
	struct job_info *jobs;
	size_t n;

	/* nothing may outlive the test */
	if (job_list(f->site, &jobs, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!job_status_is_final(jobs[i].status))
				job_cancel(f->site, jobs[i].id, NULL);
		job_list_free(&jobs, n);
	}
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

static int wait_for(struct fx *f, const char *id, int (*pred)(const struct job_info *),
                    struct job_info *out)
{
	long long deadline = clock_ms() + WAIT_MS;

	while (clock_ms() < deadline) {
		struct job_info ji;
		if (job_load(f->site, id, &ji, NULL) == 0) {
			if (pred(&ji)) {
				if (out != NULL)
					*out = ji;
				else
					job_info_free(&ji);
				return 1;
			}
			job_info_free(&ji);
		}
		poll(NULL, 0, 10);
	}
	return 0;
}

static int running(const struct job_info *ji)
{
	return ji->status == JOB_RUNNING;
}
static int asked(const struct job_info *ji)
{
	return ji->pause_requested;
}
static int paused(const struct job_info *ji)
{
	return ji->status == JOB_PAUSED;
}
static int final(const struct job_info *ji)
{
	return job_status_is_final(ji->status);
}

static struct nimadm_params *migration(void)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);

	assert_int_equal(params_load_ini_string(p, params_ini, NULL), 0);
	return p;
}

static void test_job_pause_stops_a_phased_job_after_the_phase_under_way(void **state)
{
	struct fx *f = *state;
	struct nimadm_params *p = migration();
	struct job_info ji;
	struct err e;
	char id[JOB_ID_MAX];

	err_clear(&e);
	assert_int_equal(jobact_submit(f->site, p, 0, 1, id, &e), 0);
	params_free(&p);
	assert_true(wait_for(f, id, running, NULL));
	assert_int_equal(job_pause(f->site, id, &e), 0);
	assert_true(wait_for(f, id, asked, NULL));
	/* asked twice: refused, the first stands */
	assert_int_equal(job_pause(f->site, id, &e), -1);
	open_gate(f, 1);
	assert_true(wait_for(f, id, paused, &ji));
	assert_int_equal(ji.paused_after, 1);
	assert_false(ji.pause_requested);
	/* the phase the call ran has ended in the journal */
	assert_true(ji.phase_end[1] >= ji.phase_start[1] && ji.phase_start[1] > 0);
	job_info_free(&ji);
	for (int ph = 2; ph <= 12; ph++)
		open_gate(f, ph);
	assert_int_equal(job_continue(f->site, id, &e), 0);
	assert_true(wait_for(f, id, final, &ji));
	assert_int_equal(ji.status, JOB_SUCCEEDED);
	/* every phase ended, the last one too */
	for (int ph = 1; ph <= 12; ph++)
		assert_true(ji.phase_end[ph] > 0);
	job_info_free(&ji);
}

static void test_job_pause_is_refused_for_a_single_nimadm_call(void **state)
{
	struct fx *f = *state;
	struct nimadm_params *p = migration();
	struct err e;
	char id[JOB_ID_MAX];

	err_clear(&e);
	assert_int_equal(jobact_submit(f->site, p, 0, 0, id, &e), 0);
	params_free(&p);
	assert_true(wait_for(f, id, running, NULL));
	assert_int_equal(job_pause(f->site, id, &e), -1);
	assert_non_null(strstr(e.msg, "one call"));
	assert_int_equal(job_cancel(f->site, id, &e), 0);
	assert_true(wait_for(f, id, final, NULL));
}

static void test_jobact_resume_and_cleanup_submit_new_jobs(void **state)
{
	struct fx *f = *state;
	struct nimadm_params *p = migration();
	struct job_info ji, nj;
	struct err e;
	char id[JOB_ID_MAX], rid[JOB_ID_MAX], cid[JOB_ID_MAX], why[JOBACT_WHY_MAX];
	char *argv0;

	unsetenv("FAKE_GATE");
	setenv("FAKE_FAIL_PHASE", "4", 1);
	err_clear(&e);
	assert_int_equal(jobact_submit(f->site, p, 0, 0, id, &e), 0);
	params_free(&p);
	assert_true(wait_for(f, id, final, &ji));
	assert_int_equal(ji.status, JOB_FAILED);
	unsetenv("FAKE_FAIL_PHASE");
	assert_int_equal(jobact_resume_phase(&ji, NULL, NULL), 4);
	/* alone in the journal, the failed job can be resumed */
	assert_int_equal(jobact_resume_check(f->site, &ji, NULL, why), 4);
	assert_string_equal(why, "");
	assert_int_equal(jobact_resume(f->site, &ji, 4, rid, &e), 0);
	assert_true(wait_for(f, rid, final, &nj));
	assert_int_equal(nj.status, JOB_SUCCEEDED);
	assert_int_equal(nj.from_phase, 4);
	assert_string_equal(nj.mode, "migrate");
	job_info_free(&nj);
	/* once the resume ran, the failed job is not resumed again */
	assert_int_equal(jobact_resume_check(f->site, &ji, NULL, why), 0);
	assert_non_null(strstr(why, rid));
	assert_int_equal(jobact_cleanup(f->site, &ji, cid, &e), 0);
	assert_true(wait_for(f, cid, final, &nj));
	assert_int_equal(nj.status, JOB_SUCCEEDED);
	assert_string_equal(nj.mode, "cleanup");
	assert_non_null(strstr(nj.command, "nimadm -C -c aixdb01 -s spot_7300_02"));
	job_info_free(&nj);
	/* the resume's first call (the second call) ran phase 4: the fake recorded its argv */
	argv0 = xasprintf("%s/argv.1", f->fake);
	{
		FILE *fp = fopen(argv0, "r");
		char buf[4096];
		size_t n;
		assert_non_null(fp);
		n = fread(buf, 1, sizeof buf - 1, fp);
		buf[n] = '\0';
		fclose(fp);
		assert_non_null(strstr(buf, "-P\n4\n"));
	}
	free(argv0);
	job_info_free(&ji);
}

static size_t count_jobs(struct fx *f)
{
	struct job_info *jobs;
	size_t n = 0;

	assert_int_equal(job_list(f->site, &jobs, &n, NULL), 0);
	job_list_free(&jobs, n);
	return n;
}

static void test_jobact_resume_is_refused_once_a_cleanup_ran(void **state)
{
	struct fx *f = *state;
	struct nimadm_params *p = migration();
	struct job_info ji, nj;
	struct err e;
	char id[JOB_ID_MAX], cid[JOB_ID_MAX], rid[JOB_ID_MAX], why[JOBACT_WHY_MAX];
	char *want;

	unsetenv("FAKE_GATE");
	setenv("FAKE_FAIL_PHASE", "6", 1);
	err_clear(&e);
	assert_int_equal(jobact_submit(f->site, p, 0, 0, id, &e), 0);
	params_free(&p);
	assert_true(wait_for(f, id, final, &ji));
	assert_int_equal(ji.status, JOB_FAILED);
	unsetenv("FAKE_FAIL_PHASE");
	assert_int_equal(jobact_cleanup(f->site, &ji, cid, &e), 0);
	assert_true(wait_for(f, cid, final, &nj));
	assert_int_equal(nj.status, JOB_SUCCEEDED);
	job_info_free(&nj);
	/* the cleanup removed what the resume would continue from */
	want = xasprintf("job %s (nimadm -C) cleaned it up after it failed: start a new migration",
	                 cid);
	assert_int_equal(jobact_resume_check(f->site, &ji, NULL, why), 0);
	assert_string_equal(why, want);
	assert_int_equal(jobact_resume(f->site, &ji, 6, rid, &e), -1);
	assert_non_null(strstr(e.msg, want));
	assert_non_null(strstr(e.msg, "cannot be resumed"));
	/* nothing started */
	assert_int_equal(count_jobs(f), 2);
	free(want);
	job_info_free(&ji);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobact_phase_shares_add_up_to_a_whole_run),
		cmocka_unit_test(test_jobact_estimate_scales_the_shares_by_the_finished_phases),
		cmocka_unit_test(test_jobact_estimate_uses_installp_progress_in_phase_6),
		cmocka_unit_test(test_jobact_estimate_is_unknown_before_anything_finished),
		cmocka_unit_test(test_jobact_estimate_takes_this_sites_history_once_there_is_some),
		cmocka_unit_test(test_jobact_resume_starts_at_the_failed_phase),
		cmocka_unit_test(test_jobact_cleanup_takes_the_client_and_spot),
		cmocka_unit_test(test_job_pause_needs_a_job_run_phase_by_phase),
		cmocka_unit_test_setup_teardown(
		    test_job_pause_stops_a_phased_job_after_the_phase_under_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_pause_is_refused_for_a_single_nimadm_call,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobact_resume_and_cleanup_submit_new_jobs,
		                                setup, teardown),
		cmocka_unit_test(test_jobact_resume_is_undone_by_a_later_cleanup_or_migration),
		cmocka_unit_test_setup_teardown(test_jobact_resume_is_refused_once_a_cleanup_ran,
		                                setup, teardown),
	};
	return cmocka_run_group_tests_name("engine_jobact", tests, NULL, NULL);
}
