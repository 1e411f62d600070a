/*
 * test_engine_prepare.c: the preparation flows against the demo lab (and a
 * small lab of this file for the refusals the demo has no client for): every
 * plan shown in full before anything runs, the lab changed as it should once
 * run (read back with lspv, lsvg, bootlist, lsnim through the simulator), the
 * refusals computed from what the client says, the stop at the first failure
 * with its evidence and the cleanup that still runs, per-step confirmation,
 * and hostile values refused before anything runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

/* ---- labs --------------------------------------------------------------------------------- */

/* A lab with what the demo lacks: a mirrored rootvg whose hd5 has one copy (on hdisk0),
 * and one whose dump device was never mirrored (on hdisk1). */
static const char small_lab[] = "[lab]\n"
                                "name = prepare\n"
                                "[master]\n"
                                "oslevel = 7300-02-02-2420\n"
                                "disk = hdisk0 size=102400 vg=rootvg\n"
                                "[client aixhd501]\n"
                                "connect = shell\n"
                                "oslevel = 7200-05-06-2320\n"
                                "disk = hdisk0 size=51200 vg=rootvg\n"
                                "disk = hdisk1 size=51200 vg=rootvg\n"
                                "vg = rootvg pp_size=64 copies=2\n"
                                "lv = hd5 type=boot lps=1 copies=1 pvs=hdisk0 state=closed/syncd\n"
                                "[client aixdump01]\n"
                                "connect = nimsh\n"
                                "oslevel = 7200-05-06-2320\n"
                                "disk = hdisk0 size=51200 vg=rootvg\n"
                                "disk = hdisk1 size=51200 vg=rootvg\n"
                                "vg = rootvg pp_size=64 copies=2\n"
                                "lv = lg_dumplv type=sysdump lps=16 copies=1 pvs=hdisk1\n";

struct lab {
	struct site *site;
	char *dir;
};

static void lab_open(struct lab *lb, int demo)
{
	const char *tmp = getenv("TMPDIR");
	struct site_opts so;
	char *path = NULL;
	struct err e;

	memset(lb, 0, sizeof *lb);
	setenv("NIMSIM_TIME_SCALE", "0", 1);
	lb->dir = xasprintf("%s/prepare-lab.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(lb->dir) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	memset(&so, 0, sizeof so);
	so.argv0 = getenv("NIMADM_TUI_PROG");
	so.state_dir = lb->dir;
	if (demo) {
		so.demo = 1;
	} else {
		FILE *f;
		path = xasprintf("%s/prepare.lab", lb->dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(small_lab, f);
		fclose(f);
		so.lab = path;
	}
	err_clear(&e);
	lb->site = site_open(&so, &e);
	free(path);
	if (lb->site == NULL)
		fail_msg("site_open: %s", e.msg);
}

static int lab_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void lab_close(struct lab *lb)
{
	site_free(&lb->site);
	/* the directory holds only what the lab wrote */
	assert_int_equal(nftw(lb->dir, lab_rm, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(lb->dir);
}

/* What a lab host says to a command (the simulator itself, no transport). Owned. */
static char *lab_say(struct lab *lb, const char *host, ...)
{
	struct strv argv = { 0 };
	struct cmd_capture cap;
	struct cmd_spec spec;
	struct err e;
	const char *a;
	va_list ap;
	char *out;

	strv_push(&argv, "nimsim");
	strv_push(&argv, "exec");
	strv_push(&argv, host);
	va_start(ap, host);
	while ((a = va_arg(ap, const char *)) != NULL)
		strv_push(&argv, a);
	va_end(ap);
	memset(&spec, 0, sizeof spec);
	spec.host = lb->site->master;
	spec.argv = strv_argv(&argv);
	spec.timeout_ms = 20000;
	err_clear(&e);
	assert_int_equal(cmd_capture_run(lb->site->set, &spec, &cap, &e), 0);
	out = xasprintf("%s%s", sb_str(&cap.out), sb_str(&cap.err));
	cmd_capture_free(&cap);
	strv_free(&argv);
	return out;
}

/* The VG lspv shows for a disk ("None" when free). Owned. */
static char *lab_disk_vg(struct lab *lb, const char *host, const char *disk)
{
	char *out = lab_say(lb, host, "lspv", NULL), *vg = NULL, *save = NULL;

	for (char *l = strtok_r(out, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char name[32], pvid[40], v[64];
		if (sscanf(l, "%31s %39s %63s", name, pvid, v) == 3 && strcmp(name, disk) == 0)
			vg = xstrdup(v);
	}
	free(out);
	return vg != NULL ? vg : xstrdup("?");
}

static struct prep_plan *plan_ok(struct lab *lb, const struct prep_request *r)
{
	struct err e;
	struct prep_plan *p;

	err_clear(&e);
	p = prep_plan(lb->site, r, &e);
	if (p == NULL)
		fail_msg("prep_plan: %s", e.msg);
	return p;
}

static size_t step_index(const struct prep_plan *p, const char *argv0)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (strcmp(p->steps[i].argv.v[0], argv0) == 0)
			return i;
	fail_msg("no step runs %s", argv0);
	return 0;
}

/* ---- requests ------------------------------------------------------------------------------ */

static void test_prepare_flow_names_round_trip(void **state)
{
	(void)state;
	for (int f = 0; f < PREP_FLOW_COUNT; f++) {
		enum prep_flow back;
		assert_int_equal(prep_flow_find(prep_flow_name((enum prep_flow)f), &back), 0);
		assert_int_equal((int)back, f);
		assert_non_null(help_find(prep_flow_help((enum prep_flow)f)));
	}
	assert_int_equal(prep_flow_find("reboot", &(enum prep_flow){ 0 }), -1);
}

static void test_prepare_request_check_refuses_hostile_values_by_field(void **state)
{
	static const struct {
		enum prep_flow flow;
		const char *client, *disk, *path, *spot, *field;
	} bad[] = {
		{ PREP_FREE_DISK, "aixdb01", "hdisk1;reboot", NULL, NULL, "disk" },
		{ PREP_FREE_DISK, "aixdb01", "hdisk1 hdisk2", NULL, NULL, "disk" },
		{ PREP_FREE_DISK, "aixdb01", "-f", NULL, NULL, "disk" },
		{ PREP_FREE_DISK, "aixdb01", "$(reboot)", NULL, NULL, "disk" },
		{ PREP_FREE_DISK, "aixdb01", NULL, NULL, NULL, "disk" },
		{ PREP_FREE_DISK, "aix db01", "hdisk1", NULL, NULL, "client" },
		{ PREP_FREE_DISK, "-c", "hdisk1", NULL, NULL, "client" },
		{ PREP_SOFTWARE, "aixdb01'", NULL, NULL, NULL, "client" },
		{ PREP_MKSYSB, "aixdb01", NULL, "backup.mksysb", NULL, "path" },
		{ PREP_MKSYSB, "aixdb01", NULL, "/tmp/../etc/passwd", NULL, "path" },
		{ PREP_MKSYSB, "aixdb01", NULL, "/tmp/a b", NULL, "path" },
		{ PREP_MKSYSB, "aixdb01", NULL, "/tmp/`id`", NULL, "path" },
		{ PREP_MKSYSB, "aixdb01", NULL, "/tmp/-rf", NULL, "path" },
		{ PREP_MKSYSB_ROUTE, "aixdb01", "hdisk1", NULL, NULL, "spot" },
		{ PREP_MKSYSB_ROUTE, "aixdb01", "hdisk1", NULL, "spot;id", "spot" },
		{ PREP_MKSYSB_ROUTE, "aixdb01", "hdisk1|x", NULL, "spot_7300_02", "disk" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct prep_request r;
		struct err e;
		memset(&r, 0, sizeof r);
		r.flow = bad[i].flow;
		r.client = bad[i].client;
		r.disk = bad[i].disk;
		r.path = bad[i].path;
		r.spot = bad[i].spot;
		if (r.flow == PREP_MKSYSB_ROUTE && r.spot != NULL) {
			r.lpp_source = "lpp_7300_02";
			r.cache_vg = "cachevg";
		}
		err_clear(&e);
		assert_int_equal(prep_request_check(&r, &e), -1);
		assert_non_null(e.field);
		assert_string_equal(e.field, bad[i].field);
	}
	{
		struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
			                  .client = "aixdb01",
			                  .disk = "hdisk1 hdisk2",
			                  .spot = "spot_7300_02",
			                  .lpp_source = "lpp_7300_02",
			                  .cache_vg = "cachevg" };
		assert_int_equal(prep_request_check(&r, NULL), 0);
	}
}

static void test_prepare_hostile_request_runs_nothing(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK,
		                  .client = "aixmir01",
		                  .disk = "hdisk1;reducevg" };
	struct err e;
	char *vg;

	(void)state;
	lab_open(&lb, 1);
	err_clear(&e);
	assert_null(prep_plan(lb.site, &r, &e));
	assert_string_equal(e.field, "disk");
	vg = lab_disk_vg(&lb, "aixmir01", "hdisk1");
	assert_string_equal(vg, "rootvg");
	free(vg);
	lab_close(&lb);
}

static void test_prepare_unknown_client_is_an_error_of_the_client_field(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_SOFTWARE, .client = "aixnone01" };
	struct err e;

	(void)state;
	lab_open(&lb, 1);
	err_clear(&e);
	assert_null(prep_plan(lb.site, &r, &e));
	assert_string_equal(e.field, "client");
	assert_non_null(strstr(e.msg, "0042-053"));
	r.client = "spot_7300_02";
	assert_null(prep_plan(lb.site, &r, &e));
	assert_non_null(strstr(e.msg, "not a standalone client"));
	lab_close(&lb);
}

static void test_prepare_unreachable_client_fails_planning_with_the_transport_error(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_PREMIG, .client = "aixweb02" };
	struct err e;

	(void)state;
	lab_open(&lb, 1);
	err_clear(&e);
	assert_null(prep_plan(lb.site, &r, &e));
	assert_null(e.field);
	assert_non_null(strstr(e.msg, "aixweb02 did not answer"));
	assert_non_null(strstr(e.msg, "Connection refused"));
	lab_close(&lb);
}

/* ---- free-disk --------------------------------------------------------------------------------
 */

static void test_prepare_free_disk_plan_shows_every_step_and_changes_nothing(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixmir01", .disk = "hdisk1" };
	static const char *const want[][5] = {
		{ "unmirrorvg", "rootvg", "hdisk1", NULL },
		{ "chpv", "-c", "hdisk1", NULL },
		{ "reducevg", "rootvg", "hdisk1", NULL },
		{ "bosboot", "-ad", "/dev/hdisk0", NULL },
		{ "bootlist", "-m", "normal", "hdisk0", NULL },
		{ "lspv", NULL },
		{ "bootlist", "-m", "normal", "-o", NULL },
	};
	struct prep_plan *p;
	char *vg;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	assert_string_equal(p->connect, "nimsh");
	assert_int_equal(p->nsteps, ARRAY_LEN(want));
	for (size_t i = 0; i < p->nsteps; i++) {
		size_t n = 0;
		while (want[i][n] != NULL)
			n++;
		assert_int_equal(p->steps[i].argv.n, n);
		for (size_t j = 0; j < n; j++)
			assert_string_equal(p->steps[i].argv.v[j], want[i][j]);
		assert_string_equal(p->steps[i].host, "aixmir01");
		assert_int_equal(p->steps[i].where, PREP_ON_CLIENT);
		assert_int_equal(p->steps[i].changes, i < 5);
		assert_int_equal(p->steps[i].state, PREP_STEP_PENDING);
		assert_true(*p->steps[i].expected != '\0');
	}
	assert_int_equal(prep_plan_changes(p), 5);
	/* planning read, it did not change */
	vg = lab_disk_vg(&lb, "aixmir01", "hdisk1");
	assert_string_equal(vg, "rootvg");
	free(vg);
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_free_disk_frees_the_mirror_disk(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixmir01", .disk = "hdisk1" };
	struct prep_plan *p;
	struct err e;
	char *vg, *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	err_clear(&e);
	assert_int_equal(prep_run(lb.site, p, NULL, &e), 0);
	assert_true(p->ran && p->ok);
	assert_int_equal(p->failed_step, -1);
	for (size_t i = 0; i < p->nsteps; i++) {
		assert_int_equal(p->steps[i].state, PREP_STEP_OK);
		assert_int_equal(p->steps[i].exit_status, 0);
	}
	assert_non_null(strstr(sb_str(&p->steps[0].output), "0516-1144"));
	vg = lab_disk_vg(&lb, "aixmir01", "hdisk1");
	assert_string_equal(vg, "None");
	free(vg);
	out = lab_say(&lb, "aixmir01", "bootlist", "-m", "normal", "-o", NULL);
	assert_string_equal(out, "hdisk0 blv=hd5 pathid=0\n");
	free(out);
	out = lab_say(&lb, "aixmir01", "lsvg", "-l", "rootvg", NULL);
	assert_non_null(strstr(out, "hd4                 jfs2       16      16      1"));
	free(out);
	/* a plan runs once */
	assert_null(prep_run_start(lb.site, NULL, p, NULL, NULL, &e));
	prep_plan_free(&p);
	/* and now the same request is refused: the disk is free */
	p = plan_ok(&lb, &r);
	assert_string_equal(p->refusal,
	                    "aixmir01: hdisk1 is in no volume group: it is free already");
	assert_int_equal(p->nsteps, 0);
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_free_disk_refuses_an_unmirrored_rootvg(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixdb01", .disk = "hdisk0" };
	struct prep_plan *p;
	struct err e;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_string_equal(
	    p->refusal, "aixdb01: rootvg is not mirrored: freeing hdisk0 would leave no rootvg");
	assert_int_equal(p->nsteps, 0);
	err_clear(&e);
	assert_null(prep_run_start(lb.site, NULL, p, NULL, NULL, &e));
	assert_non_null(strstr(e.msg, "not mirrored"));
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_free_disk_refuses_the_only_copy_of_hd5(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixhd501", .disk = "hdisk0" };
	struct prep_plan *p;
	char *vg;

	(void)state;
	lab_open(&lb, 0);
	p = plan_ok(&lb, &r);
	assert_string_equal(
	    p->refusal, "aixhd501: hdisk0 holds the only copy of hd5 (the boot logical volume)");
	prep_plan_free(&p);
	/* the other disk can go: hd5 stays on hdisk0, and no chpv -c is needed for hdisk1 */
	r.disk = "hdisk1";
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	for (size_t i = 0; i < p->nsteps; i++)
		assert_string_not_equal(p->steps[i].argv.v[0], "chpv");
	assert_string_equal(p->steps[step_index(p, "bosboot")].argv.v[2], "/dev/hdisk0");
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	vg = lab_disk_vg(&lb, "aixhd501", "hdisk1");
	assert_string_equal(vg, "None");
	free(vg);
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_free_disk_refuses_a_disk_with_an_unmirrored_lv(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixdump01", .disk = "hdisk1" };
	struct prep_plan *p;

	(void)state;
	lab_open(&lb, 0);
	p = plan_ok(&lb, &r);
	assert_non_null(p->refusal);
	assert_non_null(strstr(p->refusal, "hdisk1 holds the only copy of lg_dumplv"));
	assert_non_null(strstr(p->refusal, "migratepv -l lg_dumplv hdisk1 hdisk0"));
	prep_plan_free(&p);
	lab_close(&lb);
}

/* ---- confirmation, cancellation ----------------------------------------------------------------
 */

struct answers {
	struct prep_run *run;
	int asked, yes_left, done;
	size_t first_asked;
};

static void answers_confirm(void *arg, const struct prep_plan *p, size_t i)
{
	struct answers *a = arg;

	(void)p;
	if (a->asked++ == 0)
		a->first_asked = i;
	/* answered later, from outside the callback, like a TUI */
	(void)i;
}

static void answers_done(void *arg, struct prep_plan *p)
{
	struct answers *a = arg;

	(void)p;
	a->done = 1;
}

static void test_prepare_confirm_each_asks_before_each_change_and_a_no_stops(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixmir01", .disk = "hdisk1" };
	struct prep_run_opts o = { .confirm_each = 1 };
	struct answers a;
	struct prep_run_cb cb = { NULL, NULL, NULL, answers_confirm, answers_done, &a };
	struct prep_plan *p;
	struct err e;
	char *vg;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	memset(&a, 0, sizeof a);
	err_clear(&e);
	a.run = prep_run_start(lb.site, NULL, p, &o, &cb, &e);
	assert_non_null(a.run);
	/* asked before the first step; nothing runs meanwhile */
	assert_int_equal(a.asked, 1);
	assert_int_equal(a.first_asked, 0);
	assert_int_equal(cmdset_active(lb.site->set), 0);
	prep_run_answer(a.run, 1); /* step 1 runs, then step 2 is asked */
	while (a.asked < 2 && !a.done)
		cmdset_run(lb.site->set, 100);
	assert_int_equal(a.asked, 2);
	assert_int_equal(p->steps[0].state, PREP_STEP_OK);
	prep_run_answer(a.run, 0);
	while (!a.done)
		cmdset_run(lb.site->set, 100);
	assert_int_equal(p->steps[1].state, PREP_STEP_DECLINED);
	for (size_t i = 2; i < p->nsteps; i++)
		assert_int_equal(p->steps[i].state, PREP_STEP_SKIPPED);
	assert_true(p->ran);
	assert_false(p->ok);
	/* only step 1 changed the lab: the copies are gone, the disk is still in rootvg */
	vg = lab_disk_vg(&lb, "aixmir01", "hdisk1");
	assert_string_equal(vg, "rootvg");
	free(vg);
	prep_plan_free(&p);
	lab_close(&lb);
}

/* ---- software, premig ------------------------------------------------------------------------ */

static void test_prepare_software_commits_what_is_applied(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_SOFTWARE, .client = "aixhr01", .commit = 1 };
	struct prep_plan *p;
	size_t c;
	char *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	c = step_index(p, "installp");
	assert_string_equal(p->steps[c].argv.v[1], "-c");
	assert_string_equal(p->steps[c].argv.v[p->steps[c].argv.n - 1], "bos.rte.libc");
	assert_true(p->steps[c].changes);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	out = lab_say(&lb, "aixhr01", "lslpp", "-Lc", "bos.rte.libc", NULL);
	assert_non_null(strstr(out, ":bos.rte.libc:7.2.5.7: : :C:"));
	free(out);
	prep_plan_free(&p);
	/* without --commit the check of installp -s is what fails, with the evidence */
	r.client = "aixhr01";
	r.commit = 0;
	p = plan_ok(&lb, &r);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0); /* committed above */
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_software_check_fails_on_applied_filesets_without_commit(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_SOFTWARE, .client = "aixhr01" };
	struct prep_plan *p;
	struct err e;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(prep_plan_changes(p), 0);
	assert_int_equal(p->warnings.n, 1);
	err_clear(&e);
	assert_int_equal(prep_run(lb.site, p, NULL, &e), -1);
	assert_int_equal(p->failed_step, (int)p->nsteps - 1);
	assert_non_null(strstr(p->steps[p->failed_step].message, "bos.rte.libc"));
	assert_non_null(strstr(e.msg, "applied but not committed"));
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_software_stops_at_lppchk_and_commits_nothing(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_SOFTWARE, .client = "aixfin01", .commit = 1 };
	struct prep_plan *p;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), -1);
	assert_int_equal(p->failed_step, 0);
	assert_int_equal(p->steps[0].state, PREP_STEP_FAILED);
	assert_int_equal(p->steps[0].exit_status, 1);
	assert_non_null(strstr(p->steps[0].message, "bos.net.nfs.client (BROKEN)"));
	assert_non_null(strstr(sb_str(&p->steps[0].output), "bos.net.nfs.client"));
	for (size_t i = 1; i < p->nsteps; i++)
		assert_int_equal(p->steps[i].state, PREP_STEP_SKIPPED);
	prep_plan_free(&p);
	lab_close(&lb);
}

struct lines {
	size_t n;
	int saw_saved;
};

static void lines_line(void *arg, const struct prep_plan *p, size_t i, enum cmd_stream s,
                       const char *line)
{
	struct lines *l = arg;

	(void)p;
	(void)i;
	(void)s;
	l->n++;
	assert_null(strstr(line, "__nimadm_tui_rc="));
	if (strstr(line, "All saved information can be found in:") != NULL)
		l->saw_saved = 1;
}

static void test_prepare_premig_streams_its_output_and_says_where_it_saved(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_PREMIG, .client = "aixdb01" };
	struct lines l = { 0, 0 };
	struct prep_run_cb cb = { NULL, lines_line, NULL, NULL, NULL, &l };
	struct prep_plan *p;
	char *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(p->nsteps, 1);
	assert_string_equal(p->steps[0].argv.v[0], "/usr/lpp/bos/pre_migration");
	assert_false(p->steps[0].changes);
	assert_int_equal(prep_run(lb.site, p, &cb, NULL), 0);
	assert_true(l.n > 5 && l.saw_saved);
	assert_non_null(p->saved_at);
	assert_true(str_starts(p->saved_at, "/home/pre_migration."));
	out = lab_say(&lb, "aixdb01", "ls", "/home", NULL);
	assert_non_null(strstr(out, p->saved_at + strlen("/home/")));
	free(out);
	prep_plan_free(&p);
	lab_close(&lb);
}

/* ---- mksysb ---------------------------------------------------------------------------------- */

static void test_prepare_mksysb_warns_when_no_backup_is_recent_and_defines_one(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB, .client = "aixapp01" };
	struct prep_plan *p;
	char *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(p->nsteps, 0);
	assert_int_equal(p->nmksysbs, 1);
	assert_string_equal(p->mksysbs[0].name, "mksysb_aixapp01");
	assert_true(p->mksysbs[0].age_days > 30);
	assert_int_equal(p->warnings.n, 1);
	assert_non_null(strstr(p->warnings.v[0], "no mksysb of aixapp01 is newer than 30 days"));
	prep_plan_free(&p);
	r.path = "/export/nim/mksysb/aixapp01_new.mksysb";
	r.define = "mksysb_aixapp01_new";
	p = plan_ok(&lb, &r);
	assert_string_equal(p->steps[0].argv.v[0], "nim");
	assert_string_equal(p->steps[0].argv.v[p->steps[0].argv.n - 1], "mksysb_aixapp01_new");
	assert_int_equal(p->steps[0].where, PREP_ON_MASTER);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	prep_plan_free(&p);
	out = lab_say(&lb, "master", "lsnim", "-l", "mksysb_aixapp01_new", NULL);
	assert_non_null(strstr(out, "source_image  = aixapp01"));
	free(out);
	/* now the newest is a day old at most: no warning; the name is taken */
	r.path = NULL;
	r.define = NULL;
	p = plan_ok(&lb, &r);
	assert_int_equal(p->nmksysbs, 2);
	assert_string_equal(p->mksysbs[0].name, "mksysb_aixapp01_new");
	assert_int_equal(p->warnings.n, 0);
	prep_plan_free(&p);
	r.path = "/export/nim/mksysb/x.mksysb";
	r.define = "mksysb_aixapp01_new";
	p = plan_ok(&lb, &r);
	assert_non_null(p->refusal);
	assert_non_null(strstr(p->refusal, "already a NIM object"));
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_mksysb_to_a_file_on_the_client(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB,
		                  .client = "aixdb01",
		                  .path = "/backup/aixdb01.mksysb",
		                  .max_age_days = 36500 };
	struct prep_plan *p;
	char *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(p->warnings.n, 0);
	assert_string_equal(p->steps[0].argv.v[0], "mksysb");
	assert_string_equal(p->steps[0].argv.v[1], "-i");
	assert_string_equal(p->steps[0].argv.v[2], "-e");
	assert_int_equal(p->steps[0].where, PREP_ON_CLIENT);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	assert_non_null(strstr(sb_str(&p->steps[0].output), "0512-038"));
	out = lab_say(&lb, "aixdb01", "cat", "/backup/aixdb01.mksysb", NULL);
	assert_non_null(strstr(out, "source_image = aixdb01"));
	free(out);
	prep_plan_free(&p);
	lab_close(&lb);
}

/* ---- the mksysb route --------------------------------------------------------------------------
 */

static void test_prepare_mksysb_route_restores_the_migrated_image_onto_the_free_disk(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixapp02",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;
	size_t n;
	char *vg, *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	assert_int_equal(p->nsteps, 6);
	n = step_index(p, "nimadm");
	{
		static const char *const want[] = { "nimadm",
			                            "-T",
			                            "aixapp02_mksysb",
			                            "-O",
			                            "/export/nim/mksysb/aixapp02_7300-02.mksysb",
			                            "-s",
			                            "spot_7300_02",
			                            "-l",
			                            "lpp_7300_02",
			                            "-j",
			                            "cachevg",
			                            "-Y",
			                            "-N",
			                            "aixapp02_7300_mksysb" };
		assert_int_equal(p->steps[n].argv.n, ARRAY_LEN(want));
		for (size_t i = 0; i < ARRAY_LEN(want); i++)
			assert_string_equal(p->steps[n].argv.v[i], want[i]);
	}
	n = step_index(p, "alt_disk_mksysb");
	assert_string_equal(p->steps[n].argv.v[2], "/mnt/aixapp02_7300-02.mksysb");
	assert_int_equal(p->steps[n + 1].cleanup_of, (int)n - 1);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	vg = lab_disk_vg(&lb, "aixapp02", "hdisk1");
	assert_string_equal(vg, "altinst_rootvg");
	free(vg);
	out = lab_say(&lb, "aixapp02", "bootlist", "-m", "normal", "-o", NULL);
	assert_string_equal(out, "hdisk1 blv=hd5 pathid=0\n");
	free(out);
	out = lab_say(&lb, "master", "lsnim", "-l", "aixapp02_7300_mksysb", NULL);
	assert_non_null(strstr(out, "oslevel_s     = 7300-02-02-2420"));
	free(out);
	out = lab_say(&lb, "aixapp02", "mount", NULL);
	assert_null(strstr(out, "/mnt"));
	free(out);
	out = lab_say(&lb, "aixapp02", "lslpp", "-Lc", "bos.alt_disk_install.rte", NULL);
	assert_non_null(strstr(out, ":7.3.2.2:"));
	free(out);
	prep_plan_free(&p);
	/* booting it: the client runs the new level from hdisk1 */
	out = lab_say(&lb, "aixapp02", "shutdown", "-Fr", NULL);
	assert_non_null(strstr(out, "Rebooting"));
	free(out);
	out = lab_say(&lb, "aixapp02", "oslevel", "-s", NULL);
	assert_string_equal(out, "7300-02-02-2420\n");
	free(out);
	vg = lab_disk_vg(&lb, "aixapp02", "hdisk0");
	assert_string_equal(vg, "old_rootvg");
	free(vg);
	/* hdisk1 holds the running system now: a second route has no free disk */
	p = plan_ok(&lb, &r);
	assert_non_null(p->refusal);
	assert_non_null(strstr(p->refusal, "hdisk1 is in rootvg"));
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_mksysb_route_unmounts_after_a_failed_restore(void **state)
{
	struct lab lb;
	/* hdisk1 of aixsmall01 (10 GB) cannot hold the image of its rootvg */
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixsmall01",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;
	size_t n;
	char *out;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), -1);
	n = step_index(p, "alt_disk_mksysb");
	assert_int_equal(p->failed_step, (int)n);
	assert_non_null(strstr(p->steps[n].message, "not enough space"));
	assert_int_equal(p->steps[n + 1].state, PREP_STEP_OK); /* the umount ran anyway */
	out = lab_say(&lb, "aixsmall01", "mount", NULL);
	assert_null(strstr(out, "/mnt"));
	free(out);
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_mksysb_route_refuses_a_disk_in_use_and_unknown_objects(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixmir01",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_string_equal(p->refusal, "aixmir01: hdisk1 is in rootvg, not free: alt_disk_mksysb "
	                                "restores onto free disks only");
	prep_plan_free(&p);
	r.client = "aixapp02";
	r.spot = "lpp_7300_02";
	p = plan_ok(&lb, &r);
	assert_string_equal(p->refusal, "lpp_7300_02 is a NIM lpp_source, not a SPOT");
	prep_plan_free(&p);
	r.spot = "spot_7300_02";
	r.cache_vg = "novg";
	p = plan_ok(&lb, &r);
	assert_non_null(p->refusal);
	assert_non_null(strstr(p->refusal, "novg"));
	prep_plan_free(&p);
	lab_close(&lb);
}

/* ---- the route's nimadm step as a journaled job --------------------------------------------- */

/* Runs a plan with confirm_each, saying yes to every step but the first that runs stop. */
struct stopper {
	struct prep_run *run;
	const char *stop;
	int pending, done;
	size_t at;
};

static void stopper_confirm(void *arg, const struct prep_plan *p, size_t i)
{
	struct stopper *st = arg;

	(void)p;
	st->pending = 1;
	st->at = i;
}

static void stopper_done(void *arg, struct prep_plan *p)
{
	struct stopper *st = arg;

	(void)p;
	st->done = 1;
}

static void run_until(struct lab *lb, struct prep_plan *p, const char *stop)
{
	struct stopper st = { .stop = stop };
	struct prep_run_opts o = { .confirm_each = 1 };
	struct prep_run_cb cb = { NULL, NULL, NULL, stopper_confirm, stopper_done, &st };
	struct err e;

	err_clear(&e);
	st.run = prep_run_start(lb->site, NULL, p, &o, &cb, &e);
	assert_non_null(st.run);
	while (!st.done) {
		if (st.pending) {
			st.pending = 0;
			prep_run_answer(st.run, strcmp(p->steps[st.at].argv.v[0], stop) != 0);
			continue;
		}
		cmdset_run(lb->site->set, 100);
	}
}

/* How many mksysb-to-mksysb jobs of this backup the journal holds. */
static size_t route_jobs(struct lab *lb, const char *backup)
{
	struct job_info *jobs = NULL;
	size_t n = 0, k = 0;
	struct err e;

	err_clear(&e);
	assert_int_equal(job_list(lb->site, &jobs, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		k += strcmp(jobs[i].mode, "mksysb-to-mksysb") == 0 &&
		     strcmp(jobs[i].client, backup) == 0;
	job_list_free(&jobs, n);
	return k;
}

static int has_line(const struct strv *v, const char *part)
{
	for (size_t i = 0; i < v->n; i++)
		if (strstr(v->v[i], part) != NULL)
			return 1;
	return 0;
}

static void
test_prepare_mksysb_route_runs_nimadm_as_a_job_and_a_later_run_takes_its_result(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixbat01",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;
	struct job_info ji;
	struct err e;
	cJSON *j, *js;
	size_t n, b;
	char *id, *path, *vg;
	FILE *f;
	char buf[65536];
	size_t len;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	n = step_index(p, "nimadm");
	assert_true(p->steps[n].as_job);
	assert_null(p->steps[n].job_id);
	assert_int_equal(prep_plan_changes(p), 6);
	/* the flow ends after nimadm (as if it died there): the job is in the journal */
	run_until(&lb, p, "mount");
	assert_int_equal(p->steps[n].state, PREP_STEP_OK);
	assert_int_equal(p->steps[n].exit_status, 0);
	assert_non_null(p->steps[n].job_id);
	id = xstrdup(p->steps[n].job_id);
	err_clear(&e);
	assert_int_equal(job_load(lb.site, id, &ji, &e), 0);
	assert_int_equal(ji.status, JOB_SUCCEEDED);
	assert_string_equal(ji.mode, "mksysb-to-mksysb");
	assert_string_equal(ji.client, "aixbat01_mksysb");
	job_info_free(&ji);
	/* its journal has nimadm's output, and the step passed it on line by line */
	path = job_output_path(lb.site, id);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = '\0';
	fclose(f);
	free(path);
	assert_non_null(strstr(buf, "Executing nimadm phase 12."));
	assert_non_null(strstr(sb_str(&p->steps[n].output), "Executing nimadm phase 12."));
	j = prep_plan_to_json(p);
	js = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "steps"), (int)n);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(js, "job")));
	assert_string_equal(cJSON_GetObjectItem(js, "job_id")->valuestring, id);
	cJSON_Delete(j);
	prep_plan_free(&p);
	/* a second run carries on: the backup and nimadm are done, the restore runs */
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	b = step_index(p, "nim") + 1;
	assert_int_equal(p->steps[b].state, PREP_STEP_SKIPPED);
	n = step_index(p, "nimadm");
	assert_int_equal(p->steps[n].state, PREP_STEP_SKIPPED);
	assert_string_equal(p->steps[n].job_id, id);
	assert_non_null(strstr(p->steps[n].message, "aixbat01_7300_mksysb"));
	assert_true(has_line(&p->facts, "nimadm is not run again"));
	assert_int_equal(prep_plan_changes(p), 4);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	assert_int_equal(p->steps[n].state, PREP_STEP_SKIPPED);
	assert_int_equal(route_jobs(&lb, "aixbat01_mksysb"), 1);
	vg = lab_disk_vg(&lb, "aixbat01", "hdisk1");
	assert_string_equal(vg, "altinst_rootvg");
	free(vg);
	prep_plan_free(&p);
	free(id);
	lab_close(&lb);
}

static void test_prepare_mksysb_route_waits_for_the_running_job_of_an_earlier_run(void **state)
{
	struct lab lb;
	/* nimsh: the client is reached with c_rsh */
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixtst01",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;
	struct nimadm_params *np;
	struct job_info ji;
	char id[JOB_ID_MAX];
	struct err e;
	size_t n;
	char *vg;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	n = step_index(p, "nimadm");
	run_until(&lb, p, "nimadm");
	assert_int_equal(p->steps[n - 1].state, PREP_STEP_OK); /* the backup */
	assert_int_equal(route_jobs(&lb, "aixtst01_mksysb"), 0);
	/* the job an earlier flow submitted before it died; nimadm takes seconds now */
	setenv("NIMSIM_TIME_SCALE", "0.002", 1);
	np = params_new(NIMADM_MKSYSB_TO_MKSYSB);
	err_clear(&e);
	assert_int_equal(params_from_argv(np, (int)p->steps[n].argv.n,
	                                  (const char *const *)p->steps[n].argv.v, &e),
	                 0);
	assert_int_equal(jobact_submit(lb.site, np, 0, 0, id, &e), 0);
	params_free(&np);
	setenv("NIMSIM_TIME_SCALE", "0", 1);
	prep_plan_free(&p);
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	err_clear(&e);
	assert_int_equal(job_load(lb.site, id, &ji, &e), 0);
	assert_false(job_status_is_final(ji.status));
	job_info_free(&ji);
	n = step_index(p, "nimadm");
	assert_int_equal(p->steps[n].state, PREP_STEP_PENDING);
	assert_string_equal(p->steps[n].job_id, id);
	assert_false(p->steps[n].changes);
	assert_non_null(strstr(p->steps[n].title, "Wait for nimadm job"));
	assert_true(has_line(&p->facts, "this run waits for it"));
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	assert_int_equal(p->steps[n].state, PREP_STEP_OK);
	assert_non_null(strstr(sb_str(&p->steps[n].output), "Executing nimadm phase 12."));
	assert_int_equal(route_jobs(&lb, "aixtst01_mksysb"), 1);
	vg = lab_disk_vg(&lb, "aixtst01", "hdisk1");
	assert_string_equal(vg, "altinst_rootvg");
	free(vg);
	prep_plan_free(&p);
	lab_close(&lb);
}

struct job_watch {
	size_t job_step;
	int started, done;
};

static void job_watch_start(void *arg, const struct prep_plan *p, size_t i)
{
	struct job_watch *w = arg;

	(void)p;
	if (i == w->job_step)
		w->started = 1;
}

static void job_watch_done(void *arg, struct prep_plan *p)
{
	struct job_watch *w = arg;

	(void)p;
	w->done = 1;
}

static void test_prepare_cancel_stops_waiting_for_the_job_but_the_job_goes_on(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixlog01",
		                  .spot = "spot_7300_02",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct job_watch w = { 0 };
	struct prep_run_cb cb = { job_watch_start, NULL, NULL, NULL, job_watch_done, &w };
	struct prep_run *run;
	struct prep_plan *p;
	struct job_info ji;
	struct err e;
	char *id;
	int final = 0;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	w.job_step = step_index(p, "nimadm");
	setenv("NIMSIM_TIME_SCALE", "0.002", 1);
	err_clear(&e);
	run = prep_run_start(lb.site, NULL, p, NULL, &cb, &e);
	assert_non_null(run);
	while (!w.started && !w.done)
		cmdset_run(lb.site->set, 100);
	setenv("NIMSIM_TIME_SCALE", "0", 1);
	assert_true(w.started);
	assert_non_null(p->steps[w.job_step].job_id);
	id = xstrdup(p->steps[w.job_step].job_id);
	prep_run_cancel(run);
	assert_false(w.done); /* done comes from the loop */
	while (!w.done)
		cmdset_run(lb.site->set, 100);
	assert_int_equal(p->steps[w.job_step].state, PREP_STEP_CANCELLED);
	assert_non_null(strstr(p->steps[w.job_step].message, "goes on"));
	assert_int_equal(p->steps[w.job_step + 1].state, PREP_STEP_SKIPPED);
	assert_false(p->ok);
	err_clear(&e);
	assert_int_equal(job_load(lb.site, id, &ji, &e), 0);
	assert_false(job_status_is_final(ji.status));
	job_info_free(&ji);
	/* it ends on its own */
	for (int i = 0; i < 600 && !final; i++) {
		assert_int_equal(job_load(lb.site, id, &ji, &e), 0);
		final = job_status_is_final(ji.status);
		if (final)
			assert_int_equal(ji.status, JOB_SUCCEEDED);
		job_info_free(&ji);
		if (!final)
			poll(NULL, 0, 100);
	}
	assert_true(final);
	free(id);
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_mksysb_route_fails_with_the_jobs_explained_error(void **state)
{
	struct lab lb;
	/* the SPOT's bos.alt_disk_install.rte is older than the master's: nimadm refuses */
	struct prep_request r = { .flow = PREP_MKSYSB_ROUTE,
		                  .client = "aixfin01",
		                  .spot = "spot_7300_02_sp1",
		                  .lpp_source = "lpp_7300_02",
		                  .cache_vg = "cachevg",
		                  .disk = "hdisk1" };
	struct prep_plan *p;
	size_t n;
	struct err e;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	n = step_index(p, "nimadm");
	err_clear(&e);
	assert_int_equal(prep_run(lb.site, p, NULL, &e), -1);
	assert_int_equal(p->failed_step, (int)n);
	assert_non_null(p->steps[n].job_id);
	assert_non_null(strstr(p->steps[n].message, p->steps[n].job_id));
	assert_non_null(strstr(p->steps[n].message, "0505-205"));
	/* the knowledge base's words for it */
	assert_non_null(strstr(p->steps[n].message, "does not match the NIM master"));
	assert_non_null(strstr(e.msg, p->steps[n].job_id));
	assert_int_equal(p->steps[n + 1].state, PREP_STEP_SKIPPED);
	prep_plan_free(&p);
	/* again: the backup is taken as made, and nimadm runs again after the failed job */
	p = plan_ok(&lb, &r);
	assert_null(p->refusal);
	assert_int_equal(p->steps[step_index(p, "nim") + 1].state, PREP_STEP_SKIPPED);
	n = step_index(p, "nimadm");
	assert_int_equal(p->steps[n].state, PREP_STEP_PENDING);
	assert_null(p->steps[n].job_id);
	assert_true(has_line(&p->warnings, "ended failed: this run starts nimadm again"));
	prep_plan_free(&p);
	lab_close(&lb);
}

static void test_prepare_plan_json_carries_steps_and_results(void **state)
{
	struct lab lb;
	struct prep_request r = { .flow = PREP_FREE_DISK, .client = "aixmir01", .disk = "hdisk1" };
	struct prep_plan *p;
	cJSON *j, *steps, *s0;

	(void)state;
	lab_open(&lb, 1);
	p = plan_ok(&lb, &r);
	assert_int_equal(prep_run(lb.site, p, NULL, NULL), 0);
	j = prep_plan_to_json(p);
	assert_string_equal(cJSON_GetObjectItem(j, "flow")->valuestring, "free-disk");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "ok")));
	steps = cJSON_GetObjectItem(j, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), (int)p->nsteps);
	s0 = cJSON_GetArrayItem(steps, 0);
	assert_string_equal(cJSON_GetObjectItem(s0, "command")->valuestring,
	                    "unmirrorvg rootvg hdisk1");
	assert_string_equal(cJSON_GetObjectItem(s0, "state")->valuestring, "ok");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(s0, "changes")));
	assert_int_equal(cJSON_GetObjectItem(s0, "exit_status")->valueint, 0);
	cJSON_Delete(j);
	prep_plan_free(&p);
	lab_close(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_flow_names_round_trip),
		cmocka_unit_test(test_prepare_request_check_refuses_hostile_values_by_field),
		cmocka_unit_test(test_prepare_hostile_request_runs_nothing),
		cmocka_unit_test(test_prepare_unknown_client_is_an_error_of_the_client_field),
		cmocka_unit_test(
		    test_prepare_unreachable_client_fails_planning_with_the_transport_error),
		cmocka_unit_test(test_prepare_free_disk_plan_shows_every_step_and_changes_nothing),
		cmocka_unit_test(test_prepare_free_disk_frees_the_mirror_disk),
		cmocka_unit_test(test_prepare_free_disk_refuses_an_unmirrored_rootvg),
		cmocka_unit_test(test_prepare_free_disk_refuses_the_only_copy_of_hd5),
		cmocka_unit_test(test_prepare_free_disk_refuses_a_disk_with_an_unmirrored_lv),
		cmocka_unit_test(test_prepare_confirm_each_asks_before_each_change_and_a_no_stops),
		cmocka_unit_test(test_prepare_software_commits_what_is_applied),
		cmocka_unit_test(
		    test_prepare_software_check_fails_on_applied_filesets_without_commit),
		cmocka_unit_test(test_prepare_software_stops_at_lppchk_and_commits_nothing),
		cmocka_unit_test(test_prepare_premig_streams_its_output_and_says_where_it_saved),
		cmocka_unit_test(
		    test_prepare_mksysb_warns_when_no_backup_is_recent_and_defines_one),
		cmocka_unit_test(test_prepare_mksysb_to_a_file_on_the_client),
		cmocka_unit_test(
		    test_prepare_mksysb_route_restores_the_migrated_image_onto_the_free_disk),
		cmocka_unit_test(test_prepare_mksysb_route_unmounts_after_a_failed_restore),
		cmocka_unit_test(
		    test_prepare_mksysb_route_refuses_a_disk_in_use_and_unknown_objects),
		cmocka_unit_test(
		    test_prepare_mksysb_route_runs_nimadm_as_a_job_and_a_later_run_takes_its_result),
		cmocka_unit_test(
		    test_prepare_mksysb_route_waits_for_the_running_job_of_an_earlier_run),
		cmocka_unit_test(test_prepare_mksysb_route_fails_with_the_jobs_explained_error),
		cmocka_unit_test(test_prepare_cancel_stops_waiting_for_the_job_but_the_job_goes_on),
		cmocka_unit_test(test_prepare_plan_json_carries_steps_and_results),
	};
	return cmocka_run_group_tests_name("prepare", tests, NULL, NULL);
}
