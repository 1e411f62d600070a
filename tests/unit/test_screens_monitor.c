/*
 * test_screens_monitor.c: the monitor and the job view, headless.
 *
 * Goldens: journals of lab jobs (outputs the lab's nimadm printed, kept in
 * tests/screens/monitor/fixtures/) with fixed times and a pinned clock, so
 * every screen is exact: done, failed with a known error (0505-217 in
 * phase 9), paused between phases, running in phase 6, stalled, waiting and
 * lost. A child process holds the supervisor locks of the live ones, the way
 * a supervisor does. Key scripts are tests/screens/monitor/scripts/NAME.keys;
 * each `:dump NAME` is compared with tests/screens/monitor/golden/NAME.txt
 * (TUI_UPDATE_GOLDEN=1 rewrites them).
 *
 * Live: real supervisors running the scripted nimadm of tests/fixtures/job
 * (its phases wait on gate files), steered through the screens' keys: pause
 * after this phase and continue, pause refused for a single-call job,
 * cancel, cleanup and resume after a failure; each checked in the journal.
 * A second session on the same journal shows what the first left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "monitor.h"
#include "tui.h"
#include "testsite.h"

#define NOW_S    1795257000LL /* 2026-11-21 10:30:00 UTC */
#define WAIT_MS  20000
#define MAX_JOBS 16

struct fx {
	char tmp[256];
	char dumps[300];
	char gate[300];
	struct site *site;
	pid_t holder;
	int holder_fd; /* the holder exits when this closes */
};

static long long fixed_now(void)
{
	return NOW_S * 1000;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&sb, buf, n);
	fclose(fp);
	return sb_steal(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Writes a file in the site's state directory. */
static void write_file_in(struct fx *f, const char *name, const char *text);

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmpdir = getenv("TMPDIR");
	char *sim;

	snprintf(f->tmp, sizeof f->tmp, "%s/monitor.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dumps, sizeof f->dumps, "%s/dumps", f->tmp);
	snprintf(f->gate, sizeof f->gate, "%s/gate", f->tmp);
	assert_int_equal(mkdir(f->dumps, 0755), 0);
	sim = xasprintf("%s/tests/fixtures/job", test_src_dir());
	f->site = test_fake_site(sim, f->tmp);
	free(sim);
	f->holder = -1;
	f->holder_fd = -1;
	setenv("TZ", "UTC", 1);
	setenv("HOME", f->tmp, 1);
	tzset();
	monitor_set_clock(fixed_now);
	monitor_set_stall(MONITOR_STALL_DEFAULT_S);
	{
		char *fake = xasprintf("%s/fake", f->tmp);
		assert_int_equal(mkdir(fake, 0755), 0);
		setenv("FAKE_DIR", fake, 1);
		free(fake);
	}
	unsetenv("FAKE_GATE");
	unsetenv("FAKE_FAIL_PHASE");
	unsetenv("FAKE_HANG_PHASE");
	*state = f;
	return 0;
}

static void holder_stop(struct fx *f)
{
	if (f->holder > 0) {
		close(f->holder_fd);
		while (waitpid(f->holder, NULL, 0) < 0 && errno == EINTR)
			;
		f->holder = -1;
		f->holder_fd = -1;
	}
}

/* Cancels every job still active (a live test that failed half-way). */
static void cancel_all(struct fx *f)
{
	struct job_info *jobs;
	size_t n;

	if (job_list(f->site, &jobs, &n, NULL) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!job_status_is_final(jobs[i].status) && jobs[i].status != JOB_LOST) {
			long long deadline = clock_ms() + WAIT_MS;
			job_cancel(f->site, jobs[i].id, NULL);
			for (;;) {
				struct job_info ji;
				int done = 1;
				if (job_load(f->site, jobs[i].id, &ji, NULL) == 0) {
					done = job_status_is_final(ji.status);
					job_info_free(&ji);
				}
				if (done || clock_ms() > deadline)
					break;
				nap_ms(20);
			}
		}
	}
	job_list_free(&jobs, n);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd;

	holder_stop(f);
	cancel_all(f);
	monitor_set_clock(NULL);
	cmd = xasprintf("rm -rf '%s'", f->tmp);
	site_free(&f->site);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->tmp);
	free(cmd);
	free(f);
	return 0;
}

/* ---- journals of lab jobs, with fixed times ------------------------------------ */

/* How long each phase took (s): about 67 minutes in all. */
static const int durations[PHASE_MAX + 1] = { 0,  300, 30,  60, 10,  420, 2400,
	                                      10, 90,  200, 20, 360, 120 };

struct jdef {
	const char *id;
	const char *client;
	const char *mode;    /* NULL: migrate */
	const char *fixture; /* output: a file of fixtures/ */
	const char *cut;     /* keep the output up to the first line holding this */
	const char *status;
	int step, from_phase;
	long long started_ago; /* seconds before now */
	int phases_done;       /* phases 1..N have ended */
	int current;           /* the phase running (or failed, or paused after) */
	int ended;             /* the job has ended (at the end of `current`) */
	int fs_done, fs_total;
	long long quiet; /* seconds since the last output */
	const char *message;
	int live; /* the holder keeps its supervisor lock */
};

static void make_job(struct fx *f, const struct jdef *j, pid_t pid)
{
	char *dir = xasprintf("%s/jobs/%s", f->site->state_dir, j->id);
	struct strbuf sb = { 0 };
	long long start = (NOW_S - j->started_ago) * 1000, t = start, ended = 0;
	char *path, *text;

	assert_int_equal(site_mkdirs(dir, 0, NULL), 0);
	sb_addf(&sb,
	        "[job]\nmode = %s\nclient = %s\ncreated = %lld\nstep = %d\nfrom_phase = "
	        "%d\nto_phase = 0\n\n[argv]\n00 = nimadm\n01 = -c\n02 = %s\n03 = -s\n04 = "
	        "spot_7300_02\n05 = -l\n06 = lpp_7300_02\n07 = -d\n08 = hdisk1\n09 = -j\n10 = "
	        "cachevg\n11 = -Y\n\n[params]\nmode = migrate\nclient = %s\nspot = "
	        "spot_7300_02\nlpp_source = lpp_7300_02\ndisks = hdisk1\ncache_vg = "
	        "cachevg\naccept_licenses = yes\n",
	        j->mode != NULL ? j->mode : "migrate", j->client, NOW_S - j->started_ago - 5,
	        j->step, j->from_phase, j->client, j->client);
	path = xasprintf("%s/job.ini", dir);
	write_file(path, sb.buf);
	free(path);
	sb_reset(&sb);
	sb_addf(&sb, "status=%s\npid=%ld\nphase=%d\nexit_code=%d\n", j->status, (long)pid,
	        j->current,
	        strcmp(j->status, "failed") == 0 ? 1
	        : j->ended                       ? 0
	                                         : -1);
	for (int p = 1; p <= PHASE_MAX && p <= j->current; p++) {
		if (p < (j->from_phase > 0 ? j->from_phase : 1))
			continue;
		sb_addf(&sb, "phase%d_start=%lld\n", p, t);
		t += durations[p] * 1000LL;
		if (p <= j->phases_done || (j->ended && p == j->current)) {
			sb_addf(&sb, "phase%d_end=%lld\n", p, t);
			ended = t / 1000;
		}
	}
	sb_addf(&sb, "started=%lld\nended=%lld\nupdated=%lld\n",
	        strcmp(j->status, "waiting") == 0 ? 0 : NOW_S - j->started_ago,
	        j->ended ? ended : 0, NOW_S - j->quiet);
	sb_addf(&sb, "last_output=%lld\n",
	        strcmp(j->status, "waiting") == 0 ? 0 : (j->ended ? ended : NOW_S - j->quiet));
	if (strcmp(j->status, "paused") == 0)
		sb_addf(&sb, "paused_after=%d\n", j->current);
	sb_addf(&sb, "filesets_done=%d\nfilesets_total=%d\n", j->fs_done, j->fs_total);
	if (j->message != NULL)
		sb_addf(&sb, "message=%s\n", j->message);
	path = xasprintf("%s/state", dir);
	write_file(path, sb.buf);
	free(path);
	sb_reset(&sb);
	if (j->fixture != NULL) {
		char *fx =
		    xasprintf("%s/tests/screens/monitor/fixtures/%s", test_src_dir(), j->fixture);
		char *cut;
		text = read_file(fx);
		assert_non_null(text);
		free(fx);
		if (j->cut != NULL) {
			cut = strstr(text, j->cut);
			assert_non_null(cut);
			cut += strcspn(cut, "\n");
			if (*cut == '\n')
				cut[1] = '\0';
		}
		path = xasprintf("%s/output.log", dir);
		write_file(path, text);
		{
			/* the output's mtime is when the job last printed, as the pinned
			 * clock has it (the monitor reads it for the stall warning) */
			long long last = strcmp(j->status, "waiting") == 0 ? NOW_S - j->started_ago
			                 : j->ended                        ? ended
			                                                   : NOW_S - j->quiet;
			struct timespec ts[2] = { { (time_t)last, 0 }, { (time_t)last, 0 } };
			assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
		}
		free(path);
		free(text);
	}
	sb_free(&sb);
	free(dir);
}

/* A process holding the supervisor locks of the live jobs, like their supervisors. */
static pid_t start_holder(struct fx *f, const struct jdef *jobs, size_t n)
{
	int go[2], stop[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(stop), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[0]);
		close(stop[1]);
		for (size_t i = 0; i < n; i++) {
			char *path;
			struct flock fl;
			int fd;
			if (!jobs[i].live)
				continue;
			path =
			    xasprintf("%s/jobs/%s/supervisor.lock", f->site->state_dir, jobs[i].id);
			fd = open(path, O_RDWR | O_CREAT, 0644);
			memset(&fl, 0, sizeof fl);
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
				_exit(1);
			free(path);
		}
		if (write(go[1], "k", 1) != 1)
			_exit(1);
		while (read(stop[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[1]);
	close(stop[0]);
	assert_int_equal(read(go[0], &c, 1), 1);
	close(go[0]);
	f->holder = pid;
	f->holder_fd = stop[1];
	return pid;
}

/* The lab's jobs as the monitor's goldens show them. */
static const struct jdef lab_jobs[] = {
	{ .id = "20261121-072000-aixdb01",
	  .client = "aixdb01",
	  .fixture = "aixdb01-done.log",
	  .status = "succeeded",
	  .started_ago = 3 * 3600,
	  .phases_done = 12,
	  .current = 12,
	  .ended = 1,
	  .fs_done = 36,
	  .fs_total = 36,
	  .message = "/usr/lpp/bos.sysmgt/nim/methods/c_nimadm_mig[212]: domainname:  not found." },
	{ .id = "20261121-083000-aixfin01",
	  .client = "aixfin01",
	  .fixture = "aixfin01-failed.log",
	  .status = "failed",
	  .started_ago = 2 * 3600,
	  .phases_done = 8,
	  .current = 9,
	  .ended = 1,
	  .fs_done = 36,
	  .fs_total = 36,
	  .message = "0505-217 nimadm: Error syncing cache data to client." },
	{ .id = "20261121-092000-aixapp01",
	  .client = "aixapp01",
	  .fixture = "aixapp01-step.log",
	  .status = "paused",
	  .step = 1,
	  .started_ago = 1800,
	  .phases_done = 5,
	  .current = 5,
	  .quiet = 600,
	  .message = "domainname: not found",
	  .live = 1 },
	{ .id = "20261121-093000-aixweb01",
	  .client = "aixweb01",
	  .fixture = "aixdb01-done.log",
	  .cut = "Filesets processed:  10 of 36",
	  .status = "running",
	  .started_ago = 1500,
	  .phases_done = 5,
	  .current = 6,
	  .fs_done = 10,
	  .fs_total = 36,
	  .quiet = 5,
	  .message = "domainname: not found",
	  .live = 1 },
	{ .id = "20261121-094000-aixbat01",
	  .client = "aixbat01",
	  .fixture = "aixdb01-done.log",
	  .cut = "Filesets processed:  3 of 36",
	  .status = "running",
	  .started_ago = 2400,
	  .phases_done = 5,
	  .current = 6,
	  .fs_done = 3,
	  .fs_total = 36,
	  .quiet = 20 * 60,
	  .live = 1 },
	{ .id = "20261121-095000-aixlog01",
	  .client = "aixlog01",
	  .fixture = "aixdb01-done.log",
	  .cut = "Executing nimadm phase 3.",
	  .status = "running",
	  .started_ago = 900,
	  .phases_done = 2,
	  .current = 3,
	  .quiet = 700 },
	{ .id = "20261121-102500-aixsmall01",
	  .client = "aixsmall01",
	  .status = "waiting",
	  .started_ago = 300,
	  .live = 1 },
};

static void make_lab_jobs(struct fx *f)
{
	pid_t pid;
	struct jdef live[ARRAY_LEN(lab_jobs)];

	/* the locks first (the journal needs the holder's pid), then the journals */
	for (size_t i = 0; i < ARRAY_LEN(lab_jobs); i++) {
		char *dir = xasprintf("%s/jobs/%s", f->site->state_dir, lab_jobs[i].id);
		assert_int_equal(site_mkdirs(dir, 0, NULL), 0);
		free(dir);
		live[i] = lab_jobs[i];
	}
	pid = start_holder(f, live, ARRAY_LEN(lab_jobs));
	for (size_t i = 0; i < ARRAY_LEN(lab_jobs); i++)
		make_job(f, &lab_jobs[i], lab_jobs[i].live ? pid : 4242);
}

/* ---- running a key script headless ------------------------------------------------ */

static void show_diff(const char *name, const char *want, const char *got)
{
	int line = 1;

	while (*want != '\0' || *got != '\0') {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");
		if (wl != gl || strncmp(want, got, wl) != 0) {
			fprintf(stderr,
			        "golden %s differs at line %d:\n  want: %.*s\n  got:  %.*s\n", name,
			        line, (int)wl, want, (int)gl, got);
			return;
		}
		want += wl + (want[wl] == '\n');
		got += gl + (got[gl] == '\n');
		line++;
	}
}

static size_t script_dumps(const char *script, char names[][64], size_t max)
{
	size_t n = 0;
	const char *p = script;

	while ((p = strstr(p, ":dump ")) != NULL && n < max) {
		size_t len;
		p += 6;
		len = strcspn(p, " \t\n");
		assert_true(len > 0 && len < 64);
		memcpy(names[n], p, len);
		names[n][len] = '\0';
		n++;
	}
	return n;
}

enum first_screen { OPEN_MONITOR, OPEN_JOB };

/* Runs keys (a script file, or inline text) on a fresh headless kit. */
static void run_keys(struct fx *f, enum first_screen first, const char *job_id,
                     const char *script_path)
{
	struct tui_opts o;
	char err[256];
	struct tui_screen *s;
	struct err e;

	memset(&o, 0, sizeof o);
	o.script = script_path;
	o.dump_dir = f->dumps;
	o.term = "xterm-256color";
	o.idle_timeout_ms = WAIT_MS;
	o.app_name = "nimadm-tui"; /* $HOME/nimadm-tui.log and .script: the test's */
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
	err_clear(&e);
	s = first == OPEN_MONITOR ? monitor_new(f->site) : jobview_new(f->site, job_id, &e);
	if (s == NULL)
		fail_msg("cannot open the screen: %s", e.msg);
	tui_push(s);
	assert_int_equal(tui_run(), 0);
	tui_end();
}

static void run_inline(struct fx *f, enum first_screen first, const char *job_id, const char *keys)
{
	char *path = xasprintf("%s/inline.keys", f->tmp);

	write_file(path, keys);
	run_keys(f, first, job_id, path);
	free(path);
}

/* The text of a dump made by the last run. */
static char *dump_text(struct fx *f, const char *name)
{
	char *path = xasprintf("%s/%s.txt", f->dumps, name);
	char *text = read_file(path);

	if (text == NULL)
		fail_msg("no dump %s", name);
	free(path);
	return text;
}

static void assert_dump_has(struct fx *f, const char *name, const char *want)
{
	char *text = dump_text(f, name);

	if (strstr(text, want) == NULL)
		fail_msg("dump %s lacks \"%s\":\n%s", name, want, text);
	free(text);
}

static void run_golden(struct fx *f, const char *script, enum first_screen first,
                       const char *job_id)
{
	char *path = xasprintf("%s/tests/screens/monitor/scripts/%s.keys", test_src_dir(), script);
	char *text = read_file(path), names[64][64];
	int update = getenv("TUI_UPDATE_GOLDEN") != NULL, failed = 0;
	size_t n;

	assert_non_null(text);
	n = script_dumps(text, names, 64);
	free(text);
	assert_true(n > 0);
	run_keys(f, first, job_id, path);
	for (size_t i = 0; i < n; i++) {
		char *got = dump_text(f, names[i]);
		char *want_path =
		    xasprintf("%s/tests/screens/monitor/golden/%s.txt", test_src_dir(), names[i]);
		char *want = read_file(want_path);
		if (update && (want == NULL || strcmp(want, got) != 0)) {
			write_file(want_path, got);
			fprintf(stderr, "updated %s\n", want_path);
		} else if (want == NULL) {
			fprintf(stderr, "no golden %s (run with TUI_UPDATE_GOLDEN=1)\n", want_path);
			failed = 1;
		} else if (strcmp(want, got) != 0) {
			show_diff(names[i], want, got);
			failed = 1;
		}
		free(want);
		free(got);
		free(want_path);
	}
	free(path);
	assert_false(failed);
}

/* ---- goldens --------------------------------------------------------------------------- */

static void test_monitor_golden_lab_jobs_every_state(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_golden(f, "monitor", OPEN_MONITOR, NULL);
}

static void test_jobview_golden_running_job(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_golden(f, "jobview-running", OPEN_JOB, "20261121-093000-aixweb01");
}

static void test_jobview_golden_failed_job_explained(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_golden(f, "jobview-failed", OPEN_JOB, "20261121-083000-aixfin01");
}

static void test_jobview_golden_paused_and_lost_jobs(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_golden(f, "jobview-paused", OPEN_JOB, "20261121-092000-aixapp01");
	run_golden(f, "jobview-lost", OPEN_JOB, "20261121-095000-aixlog01");
}

/* ---- behaviour on fixed journals ------------------------------------------------------------ */

static void test_monitor_shows_nothing_but_the_journal(void **state)
{
	struct fx *f = *state;
	char *a, *b;

	/* two sessions on the same journal show the same screen */
	make_lab_jobs(f);
	run_inline(f, OPEN_MONITOR, NULL, ":dump first\n");
	a = dump_text(f, "first");
	run_inline(f, OPEN_MONITOR, NULL, ":dump second\n");
	b = dump_text(f, "second");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_monitor_reports_a_job_lost_when_its_supervisor_dies(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_inline(f, OPEN_MONITOR, NULL, ":dump before\n");
	assert_dump_has(f, "before", "aixweb01   migrate   running");
	/* the supervisors are gone: a reader that looks again calls their jobs lost */
	holder_stop(f);
	run_inline(f, OPEN_MONITOR, NULL, ":dump after\n");
	assert_dump_has(f, "after", "aixweb01   migrate   LOST");
	assert_dump_has(f, "after", "aixapp01   migrate   LOST");
}

static void test_monitor_stall_time_is_set_with_s(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_inline(f, OPEN_MONITOR, NULL,
	           ":dump default\ns\n:dump prompt\nC-u \"30\" Enter\n:dump thirty\n"
	           "s C-u \"x\" Enter\n:dump bad\n");
	assert_dump_has(f, "default", "aixbat01   migrate   STALLED");
	assert_dump_has(f, "prompt", "Minutes without output (0: off):");
	assert_dump_has(f, "thirty", "aixbat01   migrate   running");
	assert_dump_has(f, "thirty", "Stall warning after 30m without output.");
	assert_dump_has(f, "bad", "is not a number of minutes");
	assert_int_equal(monitor_stall(), 30 * 60);
}

/* The state directory's tui.ini as the monitor left it. */
static long saved_stall(struct fx *f)
{
	struct tuiconf c;
	struct err e;

	err_clear(&e);
	if (tuiconf_load(f->site->state_dir, &c, &e) != 0)
		fail_msg("tui.ini: %s", e.msg);
	return c.stall_min;
}

static void test_monitor_stall_time_set_with_s_is_used_by_the_next_session(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	assert_int_equal(saved_stall(f), -1);
	run_inline(f, OPEN_MONITOR, NULL, "s C-u \"30\" Enter\n:dump set\n");
	assert_dump_has(f, "set", "(saved for the next sessions)");
	assert_int_equal(saved_stall(f), 30);
	/* a new session (a fresh process has the default) reads it back */
	monitor_set_stall(MONITOR_STALL_DEFAULT_S);
	run_inline(f, OPEN_MONITOR, NULL, ":dump next\n");
	assert_dump_has(f, "next", "Stall warning after 30m without output.");
	assert_dump_has(f, "next", "aixbat01   migrate   running");
	assert_int_equal(monitor_stall(), 30 * 60);
	/* a bad value changes nothing, on screen or on disk */
	run_inline(f, OPEN_MONITOR, NULL, "s C-u \"-5\" Enter\n:dump bad\n");
	assert_dump_has(f, "bad", "Stall warning: \"-5\" is not a number of minutes");
	assert_int_equal(saved_stall(f), 30);
}

static void test_monitor_stall_option_is_used_and_saved(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	/* --stall 0 wins over what was saved, and is saved in its place */
	write_file_in(f, "tui.ini", "[monitor]\nstall_minutes = 30\n");
	monitor_stall_option(0);
	run_inline(f, OPEN_MONITOR, NULL, ":dump off\n");
	assert_dump_has(f, "off", "Stall warning off.");
	assert_dump_has(f, "off", "aixbat01   migrate   running");
	assert_int_equal(saved_stall(f), 0);
	monitor_set_stall(MONITOR_STALL_DEFAULT_S);
	run_inline(f, OPEN_MONITOR, NULL, ":dump again\n");
	assert_dump_has(f, "again", "Stall warning off.");
}

static void test_monitor_reports_a_saved_stall_time_it_cannot_use(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	write_file_in(f, "tui.ini", "[monitor]\nstall_minutes = forever\n");
	/* the screen is up before it can carry the error: the first tick shows it */
	run_inline(f, OPEN_MONITOR, NULL, ":wait-idle\n:dump bad\n");
	assert_dump_has(f, "bad", "The saved settings are ignored:");
	/* the default applies */
	assert_dump_has(f, "bad", "aixbat01   migrate   STALLED");
}

static void write_file_in(struct fx *f, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", f->site->state_dir, name);

	write_file(path, text);
	free(path);
}

static void assert_dump_lacks(struct fx *f, const char *name, const char *unwanted)
{
	char *text = dump_text(f, name);

	if (strstr(text, unwanted) != NULL)
		fail_msg("dump %s has \"%s\":\n%s", name, unwanted, text);
	free(text);
}

static void test_jobview_uses_the_saved_stall_time_when_opened_first(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	/* nothing saved: the default calls aixbat01's 20 quiet minutes a stall */
	run_inline(f, OPEN_JOB, "20261121-094000-aixbat01", ":dump default\n");
	assert_dump_has(f, "default", "STALLED, no output for 0:20:00");
	/* a new session whose first screen is the job view reads tui.ini */
	write_file_in(f, "tui.ini", "[monitor]\nstall_minutes = 30\n");
	monitor_set_stall(MONITOR_STALL_DEFAULT_S);
	run_inline(f, OPEN_JOB, "20261121-094000-aixbat01", ":dump saved\n");
	assert_dump_has(f, "saved", "Job 20261121-094000-aixbat01: last output 1200s ago");
	assert_dump_lacks(f, "saved", "STALLED");
	assert_int_equal(monitor_stall(), 30 * 60);
	/* one it cannot use is reported, and the default applies */
	write_file_in(f, "tui.ini", "[monitor]\nstall_minutes = forever\n");
	monitor_set_stall(MONITOR_STALL_DEFAULT_S);
	run_inline(f, OPEN_JOB, "20261121-094000-aixbat01", ":wait-idle\n:dump bad\n");
	assert_dump_has(f, "bad", "The saved settings are ignored:");
	assert_dump_has(f, "bad", "STALLED, no output for 0:20:00");
}

static size_t count_job_dirs(struct fx *f)
{
	struct job_info *jobs;
	size_t n = 0;

	assert_int_equal(job_list(f->site, &jobs, &n, NULL), 0);
	job_list_free(&jobs, n);
	return n;
}

static void test_jobview_resume_is_refused_once_a_cleanup_ran(void **state)
{
	struct fx *f = *state;
	static const struct jdef cleanup = { .id = "20261121-100000-aixfin01",
		                             .client = "aixfin01",
		                             .mode = "cleanup",
		                             .status = "succeeded",
		                             .started_ago = 1800,
		                             .ended = 1 };
	size_t before;

	make_lab_jobs(f);
	/* the failed migration alone: r resumes it */
	run_inline(f, OPEN_JOB, "20261121-083000-aixfin01", ":dump alone\n");
	assert_dump_has(f, "alone", "r=Resume at 9");
	/* nimadm -C ran after it: r is not offered, and says why when pressed */
	make_job(f, &cleanup, 4242);
	before = count_job_dirs(f);
	run_inline(f, OPEN_JOB, "20261121-083000-aixfin01", ":dump cleaned\nr\n:dump refused\n");
	assert_dump_lacks(f, "cleaned", "r=Resume");
	assert_dump_has(f, "refused",
	                "Job 20261121-083000-aixfin01 (migrate of aixfin01) cannot be resumed:");
	assert_dump_has(f, "refused",
	                "20261121-100000-aixfin01 (nimadm -C) cleaned it up after it");
	assert_dump_lacks(f, "refused", "ARE YOU SURE?");
	/* nothing started */
	assert_int_equal(count_job_dirs(f), before);
}

static void test_monitor_offers_no_resume_once_a_cleanup_ran(void **state)
{
	struct fx *f = *state;
	static const struct jdef cleanup = { .id = "20261121-100000-aixfin01",
		                             .client = "aixfin01",
		                             .mode = "cleanup",
		                             .status = "succeeded",
		                             .started_ago = 1800,
		                             .ended = 1 };

	make_lab_jobs(f);
	make_job(f, &cleanup, 4242);
	/* the cursor on aixfin01's migration */
	run_inline(f, OPEN_MONITOR, NULL,
	           "Home\n:dump r0\nDown\n:dump r1\nDown\n:dump r2\nDown\n:dump r3\nDown\n"
	           ":dump r4\nDown\n:dump r5\nDown\n:dump r6\nDown\n:dump r7\n");
	for (int i = 0; i <= 7; i++) {
		char name[16];
		char *text;
		snprintf(name, sizeof name, "r%c", (char)('0' + i));
		text = dump_text(f, name);
		if (strstr(text, "> aixfin01   migrate") != NULL) {
			assert_null(strstr(text, "r=Resume"));
			assert_non_null(strstr(text, "C=Cleanup"));
			free(text);
			return;
		}
		free(text);
	}
	fail_msg("the cursor never reached aixfin01's migration");
}

static void test_jobview_refuses_pause_of_a_single_call_job(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	run_inline(f, OPEN_JOB, "20261121-093000-aixweb01", "p\n:dump refused\n");
	assert_dump_has(f, "refused", "runs nimadm as one call");
}

static void test_jobview_cancel_asks_first_and_f3_keeps_the_job(void **state)
{
	struct fx *f = *state;
	struct job_info ji;
	char *path;
	struct stat st;

	make_lab_jobs(f);
	run_inline(f, OPEN_JOB, "20261121-093000-aixweb01", "x\n:dump ask\nF3\n:dump kept\n");
	assert_dump_has(f, "ask", "ARE YOU SURE?");
	assert_dump_has(f, "ask", "Cancel job 20261121-093000-aixweb01");
	assert_int_equal(job_load(f->site, "20261121-093000-aixweb01", &ji, NULL), 0);
	assert_int_equal(ji.status, JOB_RUNNING);
	job_info_free(&ji);
	path = xasprintf("%s/jobs/20261121-093000-aixweb01/control", f->site->state_dir);
	assert_int_not_equal(stat(path, &st), 0);
	/* Enter does cancel: the request is in the journal for the supervisor */
	run_inline(f, OPEN_JOB, "20261121-093000-aixweb01", "x Enter\n:dump sent\n");
	assert_int_equal(stat(path, &st), 0);
	free(path);
	assert_dump_has(f, "sent", "is being cancelled");
}

static void test_monitor_enter_opens_the_job_and_l_its_log(void **state)
{
	struct fx *f = *state;

	make_lab_jobs(f);
	/* the cursor starts on the first active job: aixapp01, paused */
	run_inline(
	    f, OPEN_MONITOR, NULL,
	    "Down Enter\n:wait-idle\n:dump job\nl\n:wait-idle\n:dump log\nF3 F3\n:dump back\n");
	assert_dump_has(f, "job", "migrate aixapp01  paused after phase 5 of 12");
	assert_dump_has(f, "log", "Log Viewer: output.log");
	/* a job's output opens at its end, following it */
	assert_dump_has(f, "log", ">Running migration merge method: SysckMerge.");
	assert_dump_has(f, "log", "line 161 of 161 (100%)  [follow]");
	assert_dump_has(f, "back", "Monitor Alternate Disk Migration Jobs");
}

/* ---- live jobs: real supervisors, the scripted nimadm ---------------------------------------- */

static void open_gate(struct fx *f, int phase)
{
	char *p = xasprintf("%s.%d", f->gate, phase);

	write_file(p, "");
	free(p);
}

static int submit(struct fx *f, const char *client, int from_phase, char *id)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e;
	int rc;

	assert_int_equal(params_set(p, "client", client, NULL), 0);
	assert_int_equal(params_set(p, "spot", "spot_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "lpp_source", "lpp_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1", NULL), 0);
	err_clear(&e);
	rc = jobact_submit(f->site, p, 0, from_phase, id, &e);
	if (rc != 0)
		fprintf(stderr, "submit: %s\n", e.msg);
	params_free(&p);
	return rc;
}

/* Waits until the journal says what pred wants (or the wait ends). */
static int wait_job(struct fx *f, const char *id, int (*pred)(const struct job_info *))
{
	long long deadline = clock_ms() + WAIT_MS;

	while (clock_ms() < deadline) {
		struct job_info ji;
		if (job_load(f->site, id, &ji, NULL) == 0) {
			int ok = pred(&ji);
			job_info_free(&ji);
			if (ok)
				return 1;
		}
		nap_ms(10);
	}
	return 0;
}

static int is_pause_requested(const struct job_info *ji)
{
	return ji->pause_requested;
}
static int is_paused_after_1(const struct job_info *ji)
{
	return ji->status == JOB_PAUSED && ji->paused_after == 1;
}
static int is_running_2(const struct job_info *ji)
{
	return ji->status == JOB_RUNNING && ji->paused_after == 0;
}
static int is_succeeded(const struct job_info *ji)
{
	return ji->status == JOB_SUCCEEDED;
}
static int is_failed(const struct job_info *ji)
{
	return ji->status == JOB_FAILED;
}
static int is_cancelled(const struct job_info *ji)
{
	return ji->status == JOB_CANCELLED;
}
static int in_phase_1(const struct job_info *ji)
{
	return ji->status == JOB_RUNNING;
}

static void test_live_pause_after_this_phase_and_continue(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];

	monitor_set_clock(NULL);
	setenv("FAKE_GATE", f->gate, 1);
	/* a resume runs phase by phase: it can pause */
	assert_int_equal(submit(f, "aixdb01", 1, id), 0);
	assert_true(wait_job(f, id, in_phase_1));
	run_inline(f, OPEN_JOB, id, "p\n:dump asked\n:wait-idle\n:dump noted\n");
	assert_dump_has(f, "asked", "pauses after phase");
	assert_true(wait_job(f, id, is_pause_requested));
	open_gate(f, 1);
	assert_true(wait_job(f, id, is_paused_after_1));
	/* a new session (the journal is the truth) shows it paused, and continues it */
	run_inline(f, OPEN_MONITOR, NULL, ":dump paused\nc\n:dump continued\n");
	assert_dump_has(f, "paused", "paused");
	assert_dump_has(f, "paused", "c=Continue");
	assert_dump_has(f, "continued", "continues with phase 2");
	assert_true(wait_job(f, id, is_running_2));
	for (int p = 2; p <= 12; p++)
		open_gate(f, p);
	assert_true(wait_job(f, id, is_succeeded));
}

static void test_live_cancel_from_the_monitor(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX];

	monitor_set_clock(NULL);
	setenv("FAKE_GATE", f->gate, 1);
	assert_int_equal(submit(f, "aixapp02", 0, id), 0);
	assert_true(wait_job(f, id, in_phase_1));
	run_inline(f, OPEN_MONITOR, NULL, "p\n:dump refused\nx\n:dump ask\nEnter\n:dump sent\n");
	assert_dump_has(f, "refused", "runs nimadm as one call");
	assert_dump_has(f, "ask", "ARE YOU SURE?");
	assert_true(wait_job(f, id, is_cancelled));
}

/* Finds the newest job other than `not` whose job.ini holds `text`. */
static int find_job_with(struct fx *f, const char * not, const char *text, char *out)
{
	struct job_info *jobs;
	size_t n;
	int found = 0;

	assert_int_equal(job_list(f->site, &jobs, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/job.ini", jobs[i].dir);
		char *ini = read_file(path);
		if (strcmp(jobs[i].id, not ) != 0 && ini != NULL && strstr(ini, text) != NULL) {
			str_copy(out, jobs[i].id, JOB_ID_MAX);
			found = 1;
		}
		free(ini);
		free(path);
	}
	job_list_free(&jobs, n);
	return found;
}

static void test_live_failure_explained_cleaned_up_and_resumed(void **state)
{
	struct fx *f = *state;
	char id[JOB_ID_MAX], id2[JOB_ID_MAX], cid[JOB_ID_MAX], rid[JOB_ID_MAX];
	char *ini;
	char *path;
	size_t before;

	monitor_set_clock(NULL);
	setenv("FAKE_FAIL_PHASE", "3", 1);
	assert_int_equal(submit(f, "aixweb02", 0, id), 0);
	assert_true(wait_job(f, id, is_failed));
	unsetenv("FAKE_FAIL_PHASE");
	/* the failure explained, then resumed from the failed phase: a new job,
	 * phases 3 to 12 one call each */
	run_inline(f, OPEN_JOB, id,
	           ":wait-idle\n:dump failed\nTab\n:dump messages\nEnter\n:dump explained\nF3\n"
	           "r\n:dump ask\nEnter\n:wait-idle\n:dump resumed\n");
	assert_dump_has(f, "failed", "FAILED in phase 3 of 12");
	assert_dump_has(f, "messages", "0505-187 nimadm: Error cloning altinst_rootvg on client.");
	assert_dump_has(f, "explained", "What to do:");
	assert_dump_has(f, "ask", "at phase 3");
	assert_true(find_job_with(f, id, "from_phase = 3", rid));
	assert_true(wait_job(f, rid, is_succeeded));
	/* a second failure, cleaned up with nimadm -C */
	setenv("FAKE_FAIL_PHASE", "3", 1);
	assert_int_equal(submit(f, "aixweb02", 0, id2), 0);
	assert_true(wait_job(f, id2, is_failed));
	unsetenv("FAKE_FAIL_PHASE");
	run_inline(f, OPEN_JOB, id2, "C\n:dump ask\nEnter\n:wait-idle\n:dump cleanup\n");
	assert_dump_has(f, "ask", "nimadm -C -c aixweb02 -s spot_7300_02");
	assert_true(find_job_with(f, id2, "mode = cleanup", cid));
	assert_dump_has(f, "cleanup", "cleanup aixweb02");
	assert_dump_has(f, "cleanup", "(this kind of job has no phases)");
	assert_true(wait_job(f, cid, is_succeeded));
	/* the cleanup removed what a resume would continue from: r says so, starts nothing */
	before = count_job_dirs(f);
	run_inline(f, OPEN_JOB, id2, ":wait-idle\n:dump cleaned\nr\n:dump refused\n");
	assert_dump_lacks(f, "cleaned", "r=Resume");
	/* the pop-up wraps the reason where the job ids' lengths put it */
	assert_dump_has(f, "refused", "Cannot Resume");
	assert_dump_has(f, "refused", "(nimadm -C) cleaned it up");
	assert_dump_lacks(f, "refused", "ARE YOU SURE?");
	assert_int_equal(count_job_dirs(f), before);
	/* both were logged like smit.script: each phase's call, then the cleanup */
	path = xasprintf("%s/nimadm-tui.script", f->tmp);
	ini = read_file(path);
	assert_non_null(ini);
	assert_non_null(strstr(ini, "nimadm -C -c aixweb02 -s spot_7300_02"));
	assert_non_null(strstr(ini, "-P 3"));
	assert_non_null(strstr(ini, "-P 12"));
	free(ini);
	free(path);
	{
		char *dir = job_dir(f->site, rid);
		path = xasprintf("%s/job.ini", dir);
		ini = read_file(path);
		assert_non_null(strstr(ini, "mode = migrate"));
		free(ini);
		free(path);
		free(dir);
	}
}

/* ---- the manual ------------------------------------------------------------------------ */

/* The block between the marker line starting with `begin` and `end`. */
static char *manual_block(const char *man, const char *begin, const char *end)
{
	const char *a = strstr(man, begin), *b;

	if (a == NULL)
		return NULL;
	a = strchr(a, '\n');
	if (a == NULL || (b = strstr(a + 1, end)) == NULL)
		return NULL;
	return xstrndup(a + 1, (size_t)(b - a - 1));
}

static void test_manual_lists_the_keys_of_the_three_screens(void **state)
{
	static const struct {
		const char *name;
		const struct monitor_key *keys;
	} tables[] = {
		{ "monitor keys", monitor_keys },
		{ "job view keys", jobview_keys },
		{ "log viewer keys", logview_keys },
	};
	char *path = xasprintf("%s/nimadm-tui.1", test_src_dir());
	char *man = read_file(path);

	(void)state;
	assert_non_null(man);
	for (size_t i = 0; i < ARRAY_LEN(tables); i++) {
		char *begin = xasprintf(".\\\" -- %s:", tables[i].name);
		char *end = xasprintf(".\\\" -- end of %s --", tables[i].name);
		char *got = manual_block(man, begin, end);
		char *want = monitor_keys_mdoc(tables[i].keys);
		if (got == NULL)
			fail_msg("nimadm-tui.1 has no block %s", begin);
		if (strcmp(got, want) != 0)
			fail_msg("nimadm-tui.1: the %s differ from the screen's table:\n%s",
			         tables[i].name, want);
		free(got);
		free(want);
		free(begin);
		free(end);
	}
	free(man);
	free(path);
}

static void test_help_texts_exist_for_the_three_screens(void **state)
{
	static const char *const names[] = { "monitor", "jobview", "logview" };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *file = xasprintf("screens/%s.txt", names[i]);
		char *text = monitor_help_text(names[i], monitor_keys);
		assert_non_null(help_find(file));
		/* paragraphs are joined for the pop-up to wrap */
		assert_null(strstr(text, "refreshed about ten\ntimes"));
		free(text);
		free(file);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_monitor_golden_lab_jobs_every_state, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_jobview_golden_running_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobview_golden_failed_job_explained, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_jobview_golden_paused_and_lost_jobs, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_monitor_shows_nothing_but_the_journal, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_monitor_reports_a_job_lost_when_its_supervisor_dies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_stall_time_is_set_with_s, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_monitor_stall_time_set_with_s_is_used_by_the_next_session, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_monitor_stall_option_is_used_and_saved, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_monitor_reports_a_saved_stall_time_it_cannot_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobview_refuses_pause_of_a_single_call_job,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_jobview_uses_the_saved_stall_time_when_opened_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobview_resume_is_refused_once_a_cleanup_ran,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_offers_no_resume_once_a_cleanup_ran,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobview_cancel_asks_first_and_f3_keeps_the_job,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_enter_opens_the_job_and_l_its_log,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_pause_after_this_phase_and_continue,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_cancel_from_the_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_failure_explained_cleaned_up_and_resumed,
		                                setup, teardown),
	};
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_manual_lists_the_keys_of_the_three_screens),
		cmocka_unit_test(test_help_texts_exist_for_the_three_screens),
	};
	int rc = cmocka_run_group_tests_name("screens_monitor", tests, NULL, NULL);

	return rc + cmocka_run_group_tests_name("screens_docs", plain, NULL, NULL);
}
