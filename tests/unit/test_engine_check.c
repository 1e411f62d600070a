/*
 * test_engine_check.c: the prerequisite checker against the demo lab (every
 * client's verdict for every check, from a table) and against
 * tests/fixtures/check/check.lab (the job rules: -j, -U, -d, mirrored
 * rootvg, cache VG; a client that hangs). Also the table and its help
 * texts, request validation, JSON, streaming and cancel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_int.h" /* the NFS verdicts, fed made-up probe results */
#include "engine.h"
#include "testsite.h"

/* ---- labs ----------------------------------------------------------------------------- */

struct lab {
	struct site *site;
	char *state;
};

/*
 * Opens the demo lab (file NULL) or tests/fixtures/check/FILE, with private state;
 * with extra, a copy of FILE with extra appended (more clients, faults).
 */
static void lab_open_extra(struct lab *lb, const char *file, const char *extra)
{
	char *rel = file != NULL ? xasprintf("tests/fixtures/check/%s", file) : NULL;

	lb->site = test_lab_open(rel, extra, "check-lab", &lb->state);
	free(rel);
}

static void lab_open(struct lab *lb, const char *file)
{
	lab_open_extra(lb, file, NULL);
}

static void lab_close(struct lab *lb)
{
	test_lab_close(&lb->site, &lb->state);
}

/* A request for spot_7300_02 / lpp_7300_02 (the demo's usual target). */
static struct check_request demo_req(const char *clients)
{
	struct check_request r;

	memset(&r, 0, sizeof r);
	r.clients = clients;
	r.all_clients = clients == NULL;
	r.spot = "spot_7300_02";
	r.lpp_source = "lpp_7300_02";
	r.probe_timeout_ms = 10000;
	return r;
}

static struct check_request lab_req(const char *clients)
{
	struct check_request r = demo_req(clients);

	r.spot = "spot_7300_03";
	r.lpp_source = "lpp_7300_03";
	return r;
}

static struct check_report *run(struct lab *lb, const struct check_request *req)
{
	struct err e;
	struct check_report *rep;

	err_clear(&e);
	rep = check_run(lb->site, req, NULL, &e);
	if (rep == NULL)
		fail_msg("check_run: %s", e.msg);
	return rep;
}

static const struct check_result *get(const struct check_report *rep, const char *host,
                                      const char *check)
{
	const struct check_result *r = check_report_find(rep, host, check);

	if (r == NULL)
		fail_msg("no result for %s %s", host, check);
	return r;
}

/* Asserts a verdict, printing the summary when it differs. */
static const struct check_result *expect_at(const struct check_report *rep, const char *host,
                                            const char *check, enum check_status want,
                                            const char *file, int line)
{
	const struct check_result *r = get(rep, host, check);

	if (r->status != want)
		fail_msg("%s:%d: %s %s: %s, expected %s: %s", file, line, host, check,
		         check_status_name(r->status), check_status_name(want), r->summary);
	return r;
}
#define expect(rep, host, check, want) expect_at(rep, host, check, want, __FILE__, __LINE__)

static void has(const char *text, const char *needle)
{
	if (text == NULL || strstr(text, needle) == NULL)
		fail_msg("expected \"%s\" in:\n%s", needle, text != NULL ? text : "(null)");
}

/* ---- the table ------------------------------------------------------------------------------ */

static void test_check_table_ids_are_unique_with_help_and_a_manual_entry(void **state)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char *path = xasprintf("%s/nimadm-tui.1", src != NULL ? src : ".");
	FILE *f = fopen(path, "r");
	struct strbuf man = { 0 };
	char buf[4096];
	size_t n, per_client = 0;

	(void)state;
	if (f == NULL)
		fail_msg("cannot read %s", path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&man, buf, n);
	fclose(f);
	free(path);
	assert_true(check_def_count() >= 25);
	for (size_t i = 0; i < check_def_count(); i++) {
		const struct check_def *d = check_def_at(i);
		char *explain = check_help_explain(d->id), *item;
		assert_ptr_equal(check_def_find(d->id), d);
		assert_non_null(d->rule);
		assert_non_null(d->title);
		assert_non_null(d->commands);
		if (explain == NULL || strlen(explain) < 80)
			fail_msg("help/checks/%s.txt: no explanation", d->id);
		free(explain);
		item = xasprintf(".It Li %s\n", d->id);
		if (strstr(sb_str(&man), item) == NULL)
			fail_msg("nimadm-tui.1 has no CHECKS item for %s", d->id);
		free(item);
		per_client += d->per_client;
		if (d->per_client)
			assert_true(d->scope == CHECK_SCOPE_CLIENT || d->scope == CHECK_SCOPE_JOB);
	}
	assert_true(per_client >= 15);
	assert_null(check_def_find("no.such"));
	assert_null(check_help_explain("no.such"));
	assert_string_equal(check_status_name(CHECK_WARN), "warn");
	assert_string_equal(check_status_mark(CHECK_ERROR), "ERR");
	assert_int_equal(check_status_parse("skipped"), CHECK_SKIPPED);
	assert_int_equal(check_status_parse("nope"), -1);
	sb_free(&man);
}

static void test_check_request_refuses_hostile_and_missing_names(void **state)
{
	struct check_request r = demo_req("aixdb01");
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(check_request_validate(&r, &e), 0);
	r.clients = "aixdb01,-oops";
	assert_int_equal(check_request_validate(&r, &e), -1);
	assert_string_equal(e.field, "client");
	has(e.msg, "-oops");
	r.clients = "aixdb01 $(reboot)";
	assert_int_equal(check_request_validate(&r, &e), -1);
	r.clients = " , ";
	assert_int_equal(check_request_validate(&r, &e), -1);
	has(e.msg, "required");
	r.clients = "aixdb01";
	r.spot = "spot;rm";
	assert_int_equal(check_request_validate(&r, &e), -1);
	assert_string_equal(e.field, "spot");
	r.spot = NULL;
	assert_int_equal(check_request_validate(&r, &e), -1);
	assert_string_equal(e.field, "spot");
	r.spot = "spot_7300_02";
	r.disks = "hdisk1 `id`";
	assert_int_equal(check_request_validate(&r, &e), -1);
	assert_string_equal(e.field, "disks");
	r.disks = "hdisk1,hdisk2";
	r.cache_vg = "--force";
	assert_int_equal(check_request_validate(&r, &e), -1);
	assert_string_equal(e.field, "cache_vg");
	r.cache_vg = "cachevg";
	r.clients = NULL;
	r.all_clients = 1;
	assert_int_equal(check_request_validate(&r, &e), 0);
}

/* --nfs-export: [CLIENT:|master:]PATH, absolute, bounded, no control characters. */
static void test_check_request_refuses_bad_nfs_exports(void **state)
{
	struct check_request r = demo_req("aixdb01,aixapp01");
	char long_path[CHECK_NFS_EXPORT_MAX + 2];
	const char *ok[] = { "/export/nim", "aixdb01:/alt_inst", "master:/export/nim/spot",
		             "aixapp01:/a:b" };
	const char *one[1];
	const char *two[2];
	struct err e;
	static const struct {
		const char *value, *words;
	} bad[] = {
		{ "", "is empty" },
		{ "export/nim", "is not an absolute path" },
		{ "aixdb01:alt_inst", "is not an absolute path" },
		{ "-o:/x", "not a valid client name" },
		{ "aix db01:/x", "not a valid client name" },
		{ "/alt\ninst", "control character (0x0a) at byte 5" },
		{ "aixdb01:/x\033[2J", "control character (0x1b) at byte 3" },
		{ "/x\177", "control character (0x7f)" },
		{ "aixweb01:/x", "aixweb01, which is not among the clients checked" },
	};

	(void)state;
	err_clear(&e);
	r.nfs_exports = ok;
	r.nnfs_exports = ARRAY_LEN(ok);
	assert_int_equal(check_request_validate(&r, &e), 0);
	r.nfs_exports = one;
	r.nnfs_exports = 1;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		one[0] = bad[i].value;
		err_clear(&e);
		if (check_request_validate(&r, &e) != -1)
			fail_msg("--nfs-export '%s' was accepted", bad[i].value);
		assert_string_equal(e.field, "nfs_export");
		has(e.msg, bad[i].words);
	}
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
	long_path[sizeof long_path - 1] = '\0';
	one[0] = long_path;
	assert_int_equal(check_request_validate(&r, &e), -1);
	has(e.msg, "1024 bytes long; at most 1023");
	long_path[sizeof long_path - 2] = '\0';
	assert_int_equal(check_request_validate(&r, &e), 0);
	/* Once per host; any client with --all-clients (they are not known yet). */
	r.nfs_exports = two;
	r.nnfs_exports = 2;
	two[0] = "aixdb01:/x";
	two[1] = "aixdb01:/y";
	assert_int_equal(check_request_validate(&r, &e), -1);
	has(e.msg, "named twice for aixdb01");
	two[0] = "/x";
	two[1] = "/y";
	assert_int_equal(check_request_validate(&r, &e), -1);
	has(e.msg, "named twice for every client");
	two[0] = "aixweb01:/x";
	r.clients = NULL;
	r.all_clients = 1;
	assert_int_equal(check_request_validate(&r, &e), 0);
}

static void test_check_request_from_params_takes_the_job_fields(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct check_request r;

	(void)state;
	params_set(p, "client", "aixdb01", NULL);
	params_set(p, "spot", "spot_7300_02", NULL);
	params_set(p, "lpp_source", "lpp_7300_02", NULL);
	params_set(p, "disks", "hdisk1 hdisk2", NULL);
	params_set(p, "cache_vg", "cachevg", NULL);
	params_set(p, "tl_update", "yes", NULL);
	check_request_from_params(&r, p);
	assert_string_equal(r.clients, "aixdb01");
	assert_string_equal(r.spot, "spot_7300_02");
	assert_string_equal(r.lpp_source, "lpp_7300_02");
	assert_string_equal(r.disks, "hdisk1 hdisk2");
	assert_string_equal(r.cache_vg, "cachevg");
	assert_true(r.tl_update);
	assert_false(r.all_clients);
	params_free(&p);
}

/* ---- the NFS verdicts, from made-up probe results ------------------------------------------ */

/* A probe of 10.1.1.5 where portmap, nfs_null, mount_null and exports passed (no round trip),
 * exporting dirs[0..n). Owned: nfsprobe_result_free(). */
static struct nfsprobe_result *fake_probe(const char *const *dirs, size_t n)
{
	struct nfsprobe_result *p = xcalloc(1, sizeof *p);

	p->host = xstrdup("10.1.1.5");
	p->address = xstrdup("10.1.1.5");
	p->verdict = NFSPROBE_OK;
	p->summary = xstrdup("NFS 10.1.1.5: ok: portmap, nfs_null, mount_null, exports (3 ms)");
	p->portmap_answered = 1;
	for (int i = 0; i < NFSPROBE_NSTEPS; i++) {
		struct nfsprobe_step_result *sr = &p->steps[i];
		sr->step = (enum nfsprobe_step)i;
		sr->name = nfsprobe_step_name(sr->step);
		sr->wanted = sr->ran = i != NFSPROBE_ROUNDTRIP;
		sr->verdict = sr->wanted ? NFSPROBE_OK : NFSPROBE_SKIPPED;
		sr->detail = xstrdup(sr->wanted ? "answered" : "not requested");
	}
	p->exports = xcalloc(n + 1, sizeof *p->exports);
	p->nexports = n;
	for (size_t i = 0; i < n; i++) {
		char *line = xasprintf("%s (everyone)", dirs[i]);
		p->exports[i].dir = xstrdup(dirs[i]);
		strv_push(&p->steps[NFSPROBE_EXPORTS].lines, line);
		free(line);
	}
	return p;
}

/* One step's outcome; the probe's verdict follows as nfsprobe's does. */
static void fake_step(struct nfsprobe_result *p, enum nfsprobe_step s, enum nfsprobe_verdict v,
                      const char *detail)
{
	struct nfsprobe_step_result *sr = &p->steps[s];

	sr->wanted = 1;
	sr->ran = v != NFSPROBE_SKIPPED;
	sr->verdict = v;
	free(sr->detail);
	sr->detail = xstrdup(detail);
	if ((v == NFSPROBE_FAILED || v == NFSPROBE_TIMEOUT) &&
	    (p->verdict == NFSPROBE_OK || v == NFSPROBE_FAILED))
		p->verdict = v;
	if (v == NFSPROBE_FAILED || v == NFSPROBE_TIMEOUT) {
		free(p->summary);
		p->summary = xasprintf("NFS 10.1.1.5: %s at %s: %s", nfsprobe_verdict_name(v),
		                       sr->name, detail);
	}
}

/* Judges p as master.nfs (client NULL) or client.nfs; returns the fix section or NULL. */
static struct check_result *judge(struct nfsprobe_result **pp, const char *client,
                                  const char **section)
{
	struct check_result *r = xcalloc(1, sizeof *r);

	r->status = CHECK_PASS;
	*section =
	    client != NULL ? chk_judge_client_nfs(*pp, client, r) : chk_judge_master_nfs(*pp, r);
	assert_non_null(r->summary);
	nfsprobe_result_free(pp);
	return r;
}

static void test_check_master_nfs_fails_without_portmapper_warns_without_daemons(void **state)
{
	static const char *const dirs[] = { "/export/nim/spot_7300_02/usr",
		                            "/export/nim/lpp_7300_02", "/export/nim/scripts",
		                            "/export/nim/mksysb" };
	struct nfsprobe_result *p;
	struct check_result *r;
	const char *section;

	(void)state;
	/* Everything answers: pass, naming the first exports. */
	p = fake_probe(dirs, 4);
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_PASS);
	assert_null(section);
	has(r->summary, "the master's NFS server (10.1.1.5) answers (portmapper, nfsd, mountd)");
	has(r->summary, "it exports 4 directories: /export/nim/spot_7300_02/usr, "
	                "/export/nim/lpp_7300_02, /export/nim/scripts, ...");
	check_result_free(&r);
	/* Nothing exported yet is normal: NIM exports on allocation. */
	p = fake_probe(dirs, 0);
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_PASS);
	has(r->summary, "it exports nothing now");
	check_result_free(&r);
	/* No portmapper: a failure, with the fix that starts it. */
	p = fake_probe(dirs, 0);
	p->portmap_answered = 0;
	fake_step(p, NFSPROBE_PORTMAP, NFSPROBE_FAILED,
	          "portmapper 10.1.1.5:111: connection refused");
	fake_step(p, NFSPROBE_NFS_NULL, NFSPROBE_FAILED, "NFS v3 NULL: 10.1.1.5:2049: refused");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_string_equal(section, "fix");
	has(r->summary, "portmapper (10.1.1.5) does not answer: portmapper 10.1.1.5:111");
	assert_false(r->timed_out);
	check_result_free(&r);
	/* A portmapper that never answers: a failure that timed out. */
	p = fake_probe(dirs, 0);
	p->portmap_answered = 0;
	fake_step(p, NFSPROBE_PORTMAP, NFSPROBE_TIMEOUT, "no answer within 5000 ms");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_true(r->timed_out);
	check_result_free(&r);
	/* The portmapper answers, nfsd and mountd are not registered: nimadm starts them. */
	p = fake_probe(dirs, 0);
	fake_step(p, NFSPROBE_PORTMAP, NFSPROBE_FAILED,
	          "nfs v3 (program 100003) and mountd v3 (program 100005) are not registered");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_WARN);
	assert_string_equal(section, "fix.daemons");
	has(r->summary, "do not answer (portmap: nfs v3 (program 100003)");
	has(r->summary, "0513-059");
	check_result_free(&r);
	/* mountd answers but will not list its exports: also a warning. */
	p = fake_probe(dirs, 0);
	fake_step(p, NFSPROBE_EXPORTS, NFSPROBE_FAILED, "MNT3 EXPORT: RPC error");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_WARN);
	has(r->summary, "exports: MNT3 EXPORT: RPC error");
	check_result_free(&r);
	/* A named export that does not take the file: a failure, with its own fix. */
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED,
	          "create /.f in 10.1.1.5:/export/ro: NFS3ERR_ROFS(-30)");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_string_equal(section, "fix.roundtrip");
	has(r->summary, "answers, but the round trip as root failed: create /.f");
	check_result_free(&r);
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_OK,
	          "mounted 10.1.1.5:/export/nim over NFSv3; "
	          "wrote, read back and removed 8192 bytes");
	r = judge(&p, NULL, &section);
	assert_int_equal(r->status, CHECK_PASS);
	has(r->summary, "; round trip: mounted 10.1.1.5:/export/nim over NFSv3");
	check_result_free(&r);
}

static void test_check_client_nfs_tells_a_failed_round_trip_from_a_dead_server(void **state)
{
	static const char *const dirs[] = { "/alt_inst" };
	struct nfsprobe_result *p;
	struct check_result *r;
	const char *section;

	(void)state;
	p = fake_probe(dirs, 1);
	r = judge(&p, "aixdb01", &section);
	assert_int_equal(r->status, CHECK_PASS);
	assert_null(section);
	has(r->summary, "NFS on aixdb01 (10.1.1.5) answers: NFS 10.1.1.5: ok");
	check_result_free(&r);
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_OK,
	          "mounted 10.1.1.5:/alt_inst over NFSv3; "
	          "wrote, read back and removed 8192 bytes");
	r = judge(&p, "aixdb01", &section);
	assert_int_equal(r->status, CHECK_PASS);
	has(r->summary, "answers; round trip: mounted 10.1.1.5:/alt_inst");
	check_result_free(&r);
	/* Only the round trip failed: the server is fine, the export is not. */
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED,
	          "create /.f in 10.1.1.5:/alt_inst: NFS3ERR_ACCES(-13)");
	r = judge(&p, "aixdb01", &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_string_equal(section, "fix.roundtrip");
	has(r->summary, "answers, but the round trip as root failed: create /.f");
	check_result_free(&r);
	/* nfsd down: the round trip could not even start; the server is the problem. */
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_NFS_NULL, NFSPROBE_FAILED, "NFS v3 NULL: 10.1.1.5:2049: refused");
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_SKIPPED,
	          "not run: the NFS server did not answer");
	r = judge(&p, "aixdb01", &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_string_equal(section, "fix");
	has(r->summary, "NFS on aixdb01 (10.1.1.5): NFS 10.1.1.5: failed at nfs_null");
	assert_false(r->timed_out);
	check_result_free(&r);
	p = fake_probe(dirs, 1);
	fake_step(p, NFSPROBE_MOUNT_NULL, NFSPROBE_TIMEOUT, "no answer within 5000 ms");
	r = judge(&p, "aixdb01", &section);
	assert_int_equal(r->status, CHECK_FAIL);
	assert_true(r->timed_out);
	check_result_free(&r);
}

static void test_check_nfs_evidence_has_every_step_and_the_exports_that_fit(void **state)
{
	const char *dirs[30];
	char names[30][32];
	struct nfsprobe_result *p;
	struct check_result *r = xcalloc(1, sizeof *r);

	(void)state;
	for (size_t i = 0; i < 30; i++) {
		snprintf(names[i], sizeof names[i], "/export/nim/res%02zu", i);
		dirs[i] = names[i];
	}
	p = fake_probe(dirs, 30);
	fake_step(p, NFSPROBE_ROUNDTRIP, NFSPROBE_OK, "wrote, read back and removed");
	chk_nfs_evidence(r, p, "/export/nim/res00");
	assert_int_equal(r->nevidence, 1);
	assert_string_equal(r->evidence[0].host, "master");
	assert_int_equal(r->evidence[0].status, -1);
	has(r->evidence[0].command,
	    "NFS probe of 10.1.1.5 (portmapper, nfsd, mountd, exports; "
	    "write, read back and remove a file through /export/nim/res00)");
	/* 24 lines at most: the 5 steps, 18 exports, and how many more there are. */
	assert_int_equal(r->evidence[0].lines.n, 5 + 18 + 1);
	assert_string_equal(r->evidence[0].lines.v[0], "portmap: ok: answered");
	assert_string_equal(r->evidence[0].lines.v[4],
	                    "roundtrip: ok: wrote, read back and removed");
	assert_string_equal(r->evidence[0].lines.v[5], "  /export/nim/res00 (everyone)");
	assert_string_equal(r->evidence[0].lines.v[22], "  /export/nim/res17 (everyone)");
	assert_string_equal(r->evidence[0].lines.v[23], "  ... and 12 more exports");
	nfsprobe_result_free(&p);
	check_result_free(&r);
}

/* ---- the demo lab: every client, every check ---------------------------------------------------
 */

#define P CHECK_PASS
#define W CHECK_WARN
#define F CHECK_FAIL
#define S CHECK_SKIPPED
#define E CHECK_ERROR

/* The per-client checks, in table order: the columns of the table below. */
static const char *const demo_cols[] = {
	"client.defined",   "client.cstate", "client.reach",    "client.niminfo",  "client.oslevel",
	"client.processor", "client.memory", "client.multibos", "client.lv_names", "client.tcb",
	"client.ncargs",    "client.lppchk", "client.installp", "client.ml",       "client.mksysb",
	"client.nfs",       "job.disks",
};

#define NCOLS (sizeof demo_cols / sizeof demo_cols[0])

/* X marks the mksysb column whose verdict depends on today's date (aixdb01's backup). */
#define X 99

/*
 * What each demo client's state implies (sim/labs/demo.lab says it in a comment
 * per client), migrating to spot_7300_02 / lpp_7300_02 without -j and -d. NFS is
 * skipped everywhere: the lab's clients have names, and a lab master has no
 * host(1) to resolve them.
 */
/* clang-format off */
static const struct {
	const char *client;
	int want[NCOLS];
} demo_table[] = {
	/*               def cst rch nim osl cpu mem mbo lvn tcb nca lpp ins ml  mks nfs dsk */
	{ "aixdb01",    { P, P, P, P, P, P, P, P, P, P, P, P, P, P, X, S, P } },
	{ "aixapp01",   { P, P, P, P, P, P, P, P, P, P, P, P, P, P, W, S, P } },
	{ "aixapp02",   { P, P, P, P, P, P, P, P, P, P, P, P, P, P, W, S, P } },
	{ "aixweb01",   { P, P, P, P, P, P, P, P, P, P, P, P, P, P, W, S, P } },
	{ "aixsec01",   { P, P, P, P, P, P, P, P, P, F, P, P, P, P, W, S, P } },
	{ "aixbat01",   { P, P, P, P, P, P, P, P, P, P, F, P, P, P, W, S, P } },
	{ "aixlog01",   { P, P, P, P, P, P, P, P, F, P, P, P, P, P, W, S, P } },
	{ "aixmb01",    { P, P, P, P, P, P, P, F, P, P, P, P, P, P, W, S, P } },
	{ "aixmir01",   { P, P, P, P, P, P, P, P, P, P, P, P, P, P, W, S, F } },
	{ "aixsmall01", { P, P, P, P, P, P, P, P, P, P, P, P, P, P, W, S, F } },
	{ "aixold01",   { P, P, F, E, E, E, E, E, E, E, E, E, E, E, W, E, E } },
	{ "aixweb02",   { P, P, F, E, E, E, E, E, E, E, E, E, E, E, W, E, E } },
	{ "aixnew01",   { P, P, P, P, F, P, P, P, P, P, P, P, P, P, W, S, P } },
	{ "aixp7db01",  { P, P, P, P, P, F, P, P, P, P, P, P, P, P, W, S, P } },
	{ "aixhr01",    { P, P, P, P, P, P, P, P, P, P, P, P, W, P, W, S, P } },
	{ "aixfin01",   { P, P, P, P, P, P, P, P, P, P, P, F, P, P, W, S, P } },
	{ "aixtst01",   { P, F, P, P, P, P, P, P, P, P, P, P, P, P, W, S, P } },
};
/* clang-format on */

/* aixdb01's mksysb (Nov 15 2026) is recent for 30 days, stale after. */
static int aixdb01_mksysb_want(void)
{
	struct tm tm;
	time_t made;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 15;
	tm.tm_hour = 2;
	tm.tm_min = 10;
	tm.tm_sec = 44;
	tm.tm_isdst = -1;
	made = mktime(&tm);
	return time(NULL) - made <= 30 * 86400 ? P : W;
}

struct stream {
	size_t results;
	struct strv hosts_done;
};

static void stream_result(void *arg, const struct check_result *r)
{
	struct stream *s = arg;
	assert_non_null(r->summary);
	s->results++;
}

static void stream_host_done(void *arg, const char *host, int timed_out)
{
	struct stream *s = arg;
	(void)timed_out;
	strv_push(&s->hosts_done, host);
}

static void test_check_demo_lab_every_client_gets_the_verdicts_its_state_implies(void **state)
{
	struct lab lb;
	struct check_request req = demo_req(NULL);
	struct stream st = { 0 };
	struct check_cb cb = { .result = stream_result, .host_done = stream_host_done, .arg = &st };
	struct check_report *rep;
	struct err e;
	size_t n;

	(void)state;
	lab_open(&lb, NULL);
	err_clear(&e);
	rep = check_run(lb.site, &req, &cb, &e);
	if (rep == NULL)
		fail_msg("check_run: %s", e.msg);
	/* Every client of the lab, each in the table. */
	assert_int_equal(rep->hosts.n, ARRAY_LEN(demo_table) + 1);
	assert_string_equal(rep->hosts.v[0], "master");
	for (size_t i = 0; i < ARRAY_LEN(demo_table); i++) {
		const char *c = demo_table[i].client;
		const struct check_result **v = check_report_host_results(rep, c, &n);
		assert_int_equal(n, NCOLS);
		free(v);
		for (size_t k = 0; k < NCOLS; k++) {
			int want = demo_table[i].want[k];
			expect(rep, c, demo_cols[k], want == X ? aixdb01_mksysb_want() : want);
		}
	}
	/* The master, the SPOT and the lpp_source are fine; no -j. */
	expect(rep, "master", "master.oslevel", P);
	expect(rep, "master", "master.alt_disk_install", P);
	expect(rep, "master", "master.memory", P);
	has(expect(rep, "master", "master.nis", P)->summary, "domainname: not found");
	expect(rep, "master", "spot.defined", P);
	expect(rep, "master", "lpp.defined", P);
	expect(rep, "master", "lpp.simages", P);
	expect(rep, "master", "resources.level", P);
	expect(rep, "master", "spot.alt_disk_install", P);
	expect(rep, "master", "lpp.websm", P);
	expect(rep, "master", "job.cache_vg", S);
	has(expect(rep, "master", "master.nfs", S)->summary,
	    "not probed: 10.20.30.5 is an address of the lab");
	assert_string_equal(rep->target, "7300-02-02-2420");
	/* Streamed: one callback per result, a host_done per host. */
	assert_int_equal(st.results, rep->nresults);
	assert_int_equal(st.hosts_done.n, rep->hosts.n);
	assert_int_equal(rep->nresults, (rep->hosts.n - 1) * NCOLS + 12);
	/* The refused client is no timeout; the summary names the transports. */
	assert_int_equal(rep->timed_out.n, 0);
	has(get(rep, "aixweb02", "client.reach")->summary, "refused");
	has(get(rep, "aixapp01", "client.reach")->summary, "nimsh client: c_rsh works");
	has(get(rep, "aixdb01", "client.reach")->summary, "shell client: rsh works");
	/* Every verdict that asks for work says what to run, with the values filled in. */
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct check_result *r = rep->results[i];
		if (r->status != CHECK_FAIL && r->status != CHECK_WARN)
			continue;
		if (r->fix == NULL || strchr(r->fix, '{') != NULL)
			fail_msg("%s %s: fix \"%s\"", r->host, r->check,
			         r->fix ? r->fix : "(none)");
		assert_true(r->nevidence > 0);
	}
	check_report_free(&rep);
	strv_free(&st.hosts_done);
	lab_close(&lb);
}

static void test_check_fix_texts_carry_the_concrete_commands(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixbat01,aixtst01,aixfin01,aixlog01,aixsec01,aixmb01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	rep = run(&lb, &req);
	r = expect(rep, "aixbat01", "client.ncargs", F);
	has(r->summary, "ncargs is 6; nimadm needs at least 256");
	has(r->fix, "chdev -l sys0 -a ncargs=256");
	assert_string_equal(r->def->code, "0403-027");
	assert_string_equal(r->evidence[0].command, "rsh aixbat01 lsattr -El sys0 -a ncargs");
	/* The remote command's own status came back, the same as rsh's: nothing to note. */
	assert_int_equal(r->evidence[0].status, 0);
	assert_int_equal(r->evidence[0].via_status, 0);
	assert_null(r->evidence[0].note);
	assert_int_equal(r->evidence[0].lines.n, 1);
	has(r->evidence[0].lines.v[0], "ncargs");
	has(r->evidence[0].lines.v[0], " 6 ");
	has(expect(rep, "aixtst01", "client.cstate", F)->fix, "nim -Fo reset aixtst01");
	has(get(rep, "aixtst01", "client.cstate")->fix,
	    "nim -o deallocate -a subclass=all aixtst01");
	r = expect(rep, "aixfin01", "client.lppchk", F);
	has(r->summary, "bos.net.nfs.client");
	has(r->fix, "-a filesets=\"bos.net.nfs.client\"");
	/* lppchk -v exited 1 on the client; rsh itself 0. */
	assert_string_equal(r->evidence[0].command, "rsh aixfin01 lppchk -v");
	assert_int_equal(r->evidence[0].status, 1);
	assert_int_equal(r->evidence[0].via_status, 0);
	assert_string_equal(r->evidence[0].note, "rsh exit 0");
	r = expect(rep, "aixlog01", "client.lv_names", F);
	has(r->summary, "fslv_applogs01 (14)");
	has(r->fix, "chlv -n fslv_applog fslv_applogs01");
	has(r->fix, "umount /applogs");
	r = expect(rep, "aixsec01", "client.tcb", F);
	has(r->fix, "nimadm -j cachevg -c aixsec01 -s spot_7300_02 -l lpp_7300_02");
	r = expect(rep, "aixmb01", "client.multibos", F);
	has(r->summary, "0505-218");
	has(r->fix, "multibos -RX");
	assert_string_equal(r->def->code, "0505-218");
	check_report_free(&rep);
	lab_close(&lb);
}

/* ---- resources
 * ------------------------------------------------------------------------------------ */

static void
test_check_spot_alt_disk_install_mismatch_is_0505_205_with_the_cust_command(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixdb01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	req.spot = "spot_7300_02_sp1";
	rep = run(&lb, &req);
	r = expect(rep, "master", "spot.alt_disk_install", F);
	has(r->summary, "bos.alt_disk_install.rte 7.3.2.1 in the SPOT, 7.3.2.2 on the master");
	has(r->summary, "0505-205");
	has(r->fix, "nim -o cust -a lpp_source=lpp_7300_02 -a filesets=\"bos.alt_disk_install.rte "
	            "bos.alt_disk_install.boot_images\" spot_7300_02_sp1");
	has(r->fix, "nimadm -M -s spot_7300_02_sp1 -l lpp_7300_02");
	assert_string_equal(r->def->code, "0505-205");
	/* A 7300-02-01 SPOT and a 7300-02 lpp_source are alike; the master is above it. */
	expect(rep, "master", "resources.level", P);
	expect(rep, "master", "master.oslevel", P);
	check_report_free(&rep);

	/* The 7.2 media: websm warns, the 7.3 master's alt_disk_install differs. */
	req.spot = "spot_7200_05";
	req.lpp_source = "lpp_7200_05";
	rep = run(&lb, &req);
	r = expect(rep, "master", "lpp.websm", W);
	has(r->summary, "sysmgt.websm.webaccess");
	has(r->fix, "inutoc /export/nim/lpp_source/lpp_7200_05/installp/ppc");
	expect(rep, "master", "resources.level", P);
	expect(rep, "master", "spot.alt_disk_install", F);
	expect(rep, "aixdb01", "client.oslevel", F); /* 7.2 onto 7.2 */
	check_report_free(&rep);

	/* A 7.3 SPOT with a 7.2 lpp_source. */
	req.spot = "spot_7300_02";
	rep = run(&lb, &req);
	r = expect(rep, "master", "resources.level", F);
	has(r->summary, "7300-02-02-2420");
	has(r->summary, "7200-05");
	has(r->fix, "nim -o cust -a lpp_source=lpp_7200_05 -a fixes=update_all spot_7300_02");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_unknown_objects_fail_and_skip_what_depends_on_them(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixdb01,nosuch01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	req.spot = "nospot";
	rep = run(&lb, &req);
	r = expect(rep, "master", "spot.defined", F);
	has(r->summary, "no NIM object named nospot");
	assert_string_equal(r->def->code, "0042-053");
	has(r->fix, "lsnim -t spot");
	expect(rep, "master", "master.oslevel", S);
	expect(rep, "master", "resources.level", S);
	expect(rep, "aixdb01", "client.oslevel", S);
	expect(rep, "aixdb01", "client.processor", S);
	expect(rep, "aixdb01", "client.ncargs", P);
	assert_string_equal(rep->target, "");
	r = expect(rep, "nosuch01", "client.defined", F);
	has(r->summary, "no NIM object named nosuch01");
	for (size_t k = 1; k < NCOLS; k++)
		expect(rep, "nosuch01", demo_cols[k], S);
	check_report_free(&rep);
	lab_close(&lb);

	/* The check lab: an lpp_source without BOS images. */
	lab_open(&lb, "check.lab");
	req = lab_req("upd01");
	req.lpp_source = "lpp_noimages";
	rep = run(&lb, &req);
	r = expect(rep, "master", "lpp.simages", F);
	has(r->summary, "simages is no");
	has(r->fix, "nim -Fo check lpp_noimages");
	check_report_free(&rep);
	lab_close(&lb);
}

/* ---- job rules
 * ------------------------------------------------------------------------------------- */

static void test_check_tcb_matters_only_without_j(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixsec01,aixdb01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	rep = run(&lb, &req);
	expect(rep, "aixsec01", "client.tcb", F);
	expect(rep, "master", "job.cache_vg", S);
	check_report_free(&rep);
	req.cache_vg = "cachevg";
	rep = run(&lb, &req);
	has(expect(rep, "aixsec01", "client.tcb", P)->summary, "-j cachevg");
	has(expect(rep, "aixsec01", "client.nfs", S)->summary, "-j cachevg");
	/* Both clients' rootvg (14080 MB used each) + 500 MB each. */
	r = expect(rep, "master", "job.cache_vg", P);
	assert_int_equal(r->needed_mb, 2 * (14080 + 500));
	has(r->summary, "the 2 clients checked together need 29160 MB");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_cache_vg_must_exist_be_varied_on_and_hold_every_client(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("upd01,mb72");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, "check.lab");
	req.cache_vg = "smallvg";
	rep = run(&lb, &req);
	r = expect(rep, "master", "job.cache_vg", F);
	has(r->summary, "smallvg has");
	has(r->fix, "extendvg smallvg");
	assert_int_equal(r->needed_mb, get(rep, "upd01", "job.disks")->needed_mb +
	                                   get(rep, "mb72", "job.disks")->needed_mb);
	/* The check lab's master has 3 GB. */
	expect(rep, "master", "master.memory", W);
	check_report_free(&rep);
	req.clients = "upd01";
	rep = run(&lb, &req);
	expect(rep, "master", "job.cache_vg", P);
	check_report_free(&rep);
	req.cache_vg = "offvg";
	rep = run(&lb, &req);
	has(expect(rep, "master", "job.cache_vg", F)->fix, "varyonvg offvg");
	check_report_free(&rep);
	req.cache_vg = "novg";
	rep = run(&lb, &req);
	r = expect(rep, "master", "job.cache_vg", F);
	has(r->summary, "no volume group novg");
	has(r->fix, "mkvg -y novg");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_multibos_fails_only_before_7_2(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixmb01");
	struct check_report *rep;

	(void)state;
	lab_open(&lb, NULL);
	rep = run(&lb, &req);
	has(expect(rep, "aixmb01", "client.multibos", F)->summary, "7100-05-09-2148");
	check_report_free(&rep);
	lab_close(&lb);
	lab_open(&lb, "check.lab");
	req = lab_req("mb72");
	rep = run(&lb, &req);
	has(expect(rep, "mb72", "client.multibos", P)->summary, "supported from AIX 7.2");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_already_at_target_fails_a_migration_but_not_a_tl_update(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("upd01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	/* upd01 runs 7300-02-02, the SPOT 7300-03-01: already at the release. */
	lab_open(&lb, "check.lab");
	rep = run(&lb, &req);
	r = expect(rep, "upd01", "client.oslevel", F);
	has(r->summary, "already at AIX 7.3");
	has(r->fix, "nimadm -U");
	check_report_free(&rep);
	req.tl_update = 1;
	rep = run(&lb, &req);
	has(expect(rep, "upd01", "client.oslevel", P)->summary, "TL/SP update");
	expect(rep, "master", "master.oslevel", P); /* a 7300-03 master has -U */
	check_report_free(&rep);
	/* -U on a 7.2 client is a migration. */
	req.clients = "mb72";
	rep = run(&lb, &req);
	has(expect(rep, "mb72", "client.oslevel", F)->summary, "-U updates within a release");
	check_report_free(&rep);
	lab_close(&lb);

	/* The demo: aixnew01 is exactly at the SPOT's level; its master is 7300-02. */
	lab_open(&lb, NULL);
	req = demo_req("aixnew01");
	rep = run(&lb, &req);
	expect(rep, "aixnew01", "client.oslevel", F);
	check_report_free(&rep);
	req.tl_update = 1;
	rep = run(&lb, &req);
	has(expect(rep, "aixnew01", "client.oslevel", F)->summary, "-U has nothing to update");
	has(expect(rep, "master", "master.oslevel", F)->summary, "7300-03");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_mirrored_rootvg_needs_as_many_disks_or_unmirroring(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("mir02");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, "check.lab");
	/* Two copies of 14080 MB: one disk given is not enough. */
	req.disks = "hdisk2";
	rep = run(&lb, &req);
	r = expect(rep, "mir02", "job.disks", F);
	has(r->summary, "2 copies");
	has(r->fix, "unmirrorvg rootvg hdisk1");
	has(r->fix, "reducevg rootvg hdisk1");
	has(r->fix, "bosboot -ad /dev/hdisk0");
	has(r->fix, "bootlist -m normal hdisk0");
	assert_int_equal(r->needed_mb, 14080 + 500);
	check_report_free(&rep);
	/* Two free disks, each holding a copy. */
	req.disks = "hdisk2 hdisk3";
	rep = run(&lb, &req);
	r = expect(rep, "mir02", "job.disks", P);
	assert_int_equal(r->proposed.n, 2);
	check_report_free(&rep);
	/* No -d: the two smallest that fit, smallest first. */
	req.disks = NULL;
	rep = run(&lb, &req);
	r = expect(rep, "mir02", "job.disks", P);
	assert_int_equal(r->proposed.n, 2);
	assert_string_equal(r->proposed.v[0], "hdisk3");
	assert_string_equal(r->proposed.v[1], "hdisk2");
	has(r->summary, "hdisk3 (30720 MB, PVID 00f9a1b2c3e20004)");
	check_report_free(&rep);
	lab_close(&lb);

	/* The demo's mirrored client has no free disk at all. */
	lab_open(&lb, NULL);
	req = demo_req("aixmir01");
	rep = run(&lb, &req);
	r = expect(rep, "aixmir01", "job.disks", F);
	has(r->fix, "unmirrorvg rootvg hdisk1");
	assert_int_equal(r->proposed.n, 0);
	check_report_free(&rep);
	lab_close(&lb);
}

static const struct check_disk *disk_of(const struct check_result *r, const char *name)
{
	for (size_t i = 0; i < r->ndisks; i++)
		if (strcmp(r->disks[i].name, name) == 0)
			return &r->disks[i];
	fail_msg("%s: no disk %s", r->host, name);
	return NULL;
}

static void test_check_disks_in_use_too_small_or_proposed_with_reasons(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixdb01,aixsmall01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	/* No -d: aixdb01's hdisk1 proposed with size and PVID; aixsmall01's too small. */
	rep = run(&lb, &req);
	r = expect(rep, "aixdb01", "job.disks", P);
	has(r->summary, "proposing hdisk1 (51200 MB, PVID 00c8f1a0b1c20002)");
	has(r->summary, "hdisk0 in rootvg");
	assert_int_equal(r->proposed.n, 1);
	assert_true(disk_of(r, "hdisk1")->chosen);
	assert_string_equal(disk_of(r, "hdisk0")->why, "in rootvg");
	r = expect(rep, "aixsmall01", "job.disks", F);
	has(r->summary, "hdisk1 too small: 10240 MB < needed 14580 MB");
	check_report_free(&rep);
	/* -d naming the rootvg disk. */
	req.clients = "aixdb01";
	req.disks = "hdisk0";
	rep = run(&lb, &req);
	r = expect(rep, "aixdb01", "job.disks", F);
	has(r->summary, "hdisk0 is in rootvg");
	assert_string_equal(r->def->code, "0505-126");
	has(r->fix, "chpv -C hdisk0");
	check_report_free(&rep);
	/* -d naming a disk that is not there. */
	req.disks = "hdisk7";
	rep = run(&lb, &req);
	has(expect(rep, "aixdb01", "job.disks", F)->summary, "hdisk7: no such disk on aixdb01");
	check_report_free(&rep);
	/* -d naming a free disk too small. */
	req.clients = "aixsmall01";
	req.disks = "hdisk1";
	rep = run(&lb, &req);
	r = expect(rep, "aixsmall01", "job.disks", F);
	has(r->summary, "too small");
	has(r->fix, "14580 MB");
	check_report_free(&rep);
	lab_close(&lb);

	/* The check lab: one disk in another VG, one from an earlier run, one too small. */
	lab_open(&lb, "check.lab");
	req = lab_req("busy01");
	rep = run(&lb, &req);
	r = expect(rep, "busy01", "job.disks", P);
	assert_int_equal(r->proposed.n, 1);
	assert_string_equal(r->proposed.v[0], "hdisk3");
	assert_string_equal(disk_of(r, "hdisk1")->why, "in VG datavg");
	has(disk_of(r, "hdisk2")->why, "altinst_rootvg of an earlier run");
	has(disk_of(r, "hdisk4")->why, "too small: 8192 MB < needed");
	has(r->summary, "hdisk1 in VG datavg");
	expect(rep, "busy01", "client.memory", W);
	check_report_free(&rep);
	req.disks = "hdisk2";
	rep = run(&lb, &req);
	r = expect(rep, "busy01", "job.disks", F);
	has(r->fix, "alt_rootvg_op -X altinst_rootvg");
	check_report_free(&rep);
	lab_close(&lb);
}

/* ---- timeouts and streaming
 * ---------------------------------------------------------------------- */

struct order {
	struct strv hosts;
	long long start, hang_done_ms;
};

static void order_host_done(void *arg, const char *host, int timed_out)
{
	struct order *o = arg;

	strv_push(&o->hosts, host);
	if (strcmp(host, "hang01") == 0) {
		assert_true(timed_out);
		o->hang_done_ms = clock_ms() - o->start;
	} else {
		assert_false(timed_out);
	}
}

static size_t index_of(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return i;
	fail_msg("%s not seen", s);
	return 0;
}

static void test_check_hanging_client_ends_at_its_timeout_while_the_others_complete(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("hang01,upd01,slow01");
	struct order o = { 0 };
	struct check_cb cb = { .host_done = order_host_done, .arg = &o };
	struct check_report *rep;
	const struct check_result *r;
	struct err e;

	(void)state;
	lab_open(&lb, "check.lab");
	req.probe_timeout_ms = 3000;
	o.start = clock_ms();
	err_clear(&e);
	rep = check_run(lb.site, &req, &cb, &e);
	if (rep == NULL)
		fail_msg("check_run: %s", e.msg);
	/* The others finished first; hang01 waited for its own timeout, not more checks. */
	assert_true(index_of(&o.hosts, "upd01") < index_of(&o.hosts, "hang01"));
	assert_true(index_of(&o.hosts, "slow01") < index_of(&o.hosts, "hang01"));
	assert_true(o.hang_done_ms >= 3000);
	assert_int_equal(rep->timed_out.n, 1);
	assert_string_equal(rep->timed_out.v[0], "hang01");
	r = expect(rep, "hang01", "client.reach", F);
	assert_true(r->timed_out);
	has(r->summary, "timed out");
	has(r->evidence[0].note, "timed out");
	assert_int_equal(r->evidence[0].status, -1);
	r = expect(rep, "hang01", "client.ncargs", E);
	assert_true(r->timed_out);
	has(r->summary, "hang01 did not answer");
	expect(rep, "upd01", "client.ncargs", P);
	expect(rep, "slow01", "client.ncargs", P);
	expect(rep, "slow01", "job.disks", P);
	check_report_free(&rep);
	strv_free(&o.hosts);
	lab_close(&lb);
}

/*
 * Clients whose commands fail on the client itself, over rsh and c_rsh, and
 * clients that rsh does not get to for some commands: the check lab with
 * faults. A fault on the master's rsh (host = master) stands for a connection
 * lost after the probe; it matches the rsh command line exactly.
 */
static const char remote_lab[] =
    "\n"
    "[client rfail01]\n"
    "connect = shell\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3ea0001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3ea0002\n"
    "[fault rfail01_lsattr]\n"
    "host = rfail01\n"
    "command = lsattr\n"
    "message = lsattr: 0514-519 The following attribute is not valid: ncargs\n"
    "status = 1\n"
    "[fault rfail01_lppchk]\n"
    "host = rfail01\n"
    "command = lppchk\n"
    "status = 1\n"
    "[fault rfail01_odmget]\n"
    "host = rfail01\n"
    "command = odmget\n"
    "message = odmget: 0518-506 Cannot open the object class PdAt.\n"
    "status = 1\n"
    "\n"
    "[client rfail02]\n"
    "connect = nimsh\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3ea1001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3ea1002\n"
    "[fault rfail02_odmget]\n"
    "host = rfail02\n"
    "command = odmget\n"
    "message = odmget: 0518-506 Cannot open the object class PdAt.\n"
    "status = 2\n"
    "\n"
    "[client rlost01]\n"
    "connect = shell\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3eb0001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3eb0002\n"
    "[fault rlost01_lppchk]\n"
    "host = master\n"
    "command = rsh rlost01 ''\\''lppchk'\\'' '\\''-v'\\''; echo __nimadm_tui_rc=$?'\n"
    "message = rcmd: connect: rlost01: Connection refused\n"
    "[fault rlost01_odmget]\n"
    "host = master\n"
    "command = rsh rlost01 ''\\''odmget'\\'' '\\''-q'\\'' '\\''attribute=TCB_STATE'\\'' "
    "'\\''PdAt'\\''; echo __nimadm_tui_rc=$?'\n"
    "message = rcmd: connect: rlost01: Connection refused\n"
    "\n"
    "[client rlost02]\n"
    "connect = nimsh\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3eb1001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3eb1002\n"
    "[fault rlost02_lppchk]\n"
    "host = master\n"
    "command = c_rsh rlost02 ''\\''lppchk'\\'' '\\''-v'\\'''\n"
    "message = 0042-006 c_rsh: (From_Master) connect Connection refused to rlost02\n"
    "\n"
    "[client rnolvl01]\n"
    "connect = shell\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3ec0001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3ec0002\n"
    "[fault rnolvl01_oslevel]\n"
    "host = rnolvl01\n"
    "command = oslevel\n"
    "message = ksh: oslevel:  not found.\n"
    "status = 127\n";

static void test_check_evidence_has_the_remote_status_and_a_lost_client_is_not_reached(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("rfail01,rfail02,rlost01,rlost02,rnolvl01,upd01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open_extra(&lb, "check.lab", remote_lab);
	rep = run(&lb, &req);

	/* Failed on the client over rsh: the command's own status, rsh's beside it. */
	r = expect(rep, "rfail01", "client.ncargs", E);
	has(r->summary, "0514-519");
	assert_string_equal(r->evidence[0].command, "rsh rfail01 lsattr -El sys0 -a ncargs");
	assert_int_equal(r->evidence[0].status, 1);
	assert_int_equal(r->evidence[0].via_status, 0);
	assert_string_equal(r->evidence[0].note, "rsh exit 0");
	/* lppchk -v printed nothing and exited 1: not "consistent" (rsh said 0). */
	r = expect(rep, "rfail01", "client.lppchk", E);
	has(r->summary, "exit status 1");
	assert_int_equal(r->evidence[0].status, 1);
	/* odmget failed: TCB unknown, not "not installed"; the same over c_rsh. */
	r = expect(rep, "rfail01", "client.tcb", E);
	has(r->summary, "odmget failed (exit 1): odmget: 0518-506");
	r = expect(rep, "rfail02", "client.tcb", E);
	has(r->summary, "odmget failed (exit 2)");
	assert_string_equal(r->evidence[0].command,
	                    "c_rsh rfail02 odmget -q attribute=TCB_STATE PdAt");
	assert_int_equal(r->evidence[0].status, 2);
	assert_int_equal(r->evidence[0].via_status, 2);
	assert_null(r->evidence[0].note); /* c_rsh passes the status on */
	expect(rep, "rfail01", "client.reach", P);
	expect(rep, "rfail02", "client.reach", P);
	expect(rep, "rfail02", "client.lppchk", P);

	/* rsh did not get there for lppchk and odmget: not reached, not failed (the
	 * connection's own words used to read as lppchk's complaint, and an empty
	 * odmget as TCB not installed). */
	r = expect(rep, "rlost01", "client.lppchk", E);
	has(r->summary, "not checked: rlost01 was not reached");
	has(r->summary, "Connection refused");
	assert_int_equal(r->evidence[0].status, -1);
	assert_int_equal(r->evidence[0].via_status, 1);
	has(r->evidence[0].note, "rsh exit 1; no exit status came back");
	r = expect(rep, "rlost01", "client.tcb", E);
	has(r->summary, "rlost01 was not reached");
	expect(rep, "rlost01", "client.reach", P);
	expect(rep, "rlost01", "client.ncargs", P);
	r = expect(rep, "rlost02", "client.lppchk", E);
	has(r->summary, "rlost02 was not reached");
	has(r->summary, "0042-006");
	assert_int_equal(r->evidence[0].status, -1);
	has(r->evidence[0].note, "c_rsh exit 1; no exit status came back");
	expect(rep, "rlost02", "client.tcb", P);

	/* rsh works, oslevel -s does not: not a transport to fix. */
	r = expect(rep, "rnolvl01", "client.reach", E);
	has(r->summary, "shell client: rsh reaches it, but oslevel -s there gave no level");
	has(r->summary, "oslevel:  not found");
	assert_null(r->fix);
	assert_int_equal(r->evidence[0].status, 127);
	r = expect(rep, "rnolvl01", "client.ncargs", E);
	has(r->summary, "rnolvl01 answered, but oslevel -s gave no level");

	expect(rep, "upd01", "client.ncargs", P);
	expect(rep, "upd01", "client.lppchk", P);
	check_report_free(&rep);
	lab_close(&lb);
}

/* The demo's unreachable clients: client.reach fails with the fix, the rest are not reached. */
static void test_check_unreachable_client_fails_reach_and_is_not_reached_elsewhere(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixweb02,aixold01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, NULL);
	rep = run(&lb, &req);
	r = expect(rep, "aixweb02", "client.reach", F);
	has(r->summary, "shell client: rsh fails (rcmd: connect: aixweb02: Connection refused)");
	has(r->fix, "rsh aixweb02 oslevel -s");
	assert_string_equal(r->evidence[0].command, "rsh aixweb02 oslevel -s");
	assert_int_equal(r->evidence[0].status, -1);
	assert_int_equal(r->evidence[0].via_status, 1);
	has(r->evidence[0].note, "not reached");
	assert_string_equal(r->evidence[1].command, "c_rsh aixweb02 oslevel -s");
	assert_int_equal(r->evidence[1].status, -1);
	for (size_t k = 0; k < NCOLS; k++) {
		const char *id = demo_cols[k];
		if (strcmp(id, "client.defined") == 0 || strcmp(id, "client.cstate") == 0 ||
		    strcmp(id, "client.reach") == 0 || strcmp(id, "client.mksysb") == 0)
			continue;
		for (int i = 0; i < 2; i++) {
			const char *c = i == 0 ? "aixweb02" : "aixold01";
			r = expect_at(rep, c, id, E, __FILE__, __LINE__);
			if (strstr(r->summary, "was not reached (rcmd: connect: ") == NULL)
				fail_msg("%s %s: %s", c, id, r->summary);
		}
	}
	has(expect(rep, "aixold01", "client.reach", F)->summary, "Connection timed out");
	assert_int_equal(rep->timed_out.n, 0);
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_host_timeout_cuts_a_slow_client_short(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("crawl01,upd01");
	struct check_report *rep;
	size_t errors = 0;

	(void)state;
	lab_open(&lb, "check.lab");
	/* 2 s a command, 4 at once, about 16 commands: far more than 5 s; the quick
	 * client needs well under a second, so the margin holds on a loaded machine. */
	req.host_timeout_ms = 5000;
	rep = run(&lb, &req);
	assert_int_equal(rep->timed_out.n, 1);
	assert_string_equal(rep->timed_out.v[0], "crawl01");
	for (size_t k = 0; k < NCOLS; k++) {
		const struct check_result *r = get(rep, "crawl01", demo_cols[k]);
		if (r->status == CHECK_ERROR) {
			errors++;
			assert_true(r->timed_out);
		}
	}
	assert_true(errors > 0);
	expect(rep, "upd01", "job.disks", P);
	check_report_free(&rep);
	lab_close(&lb);
}

struct async {
	struct check_run *run;
	size_t results;
	int done;
	struct check_report *rep;
};

static void async_result(void *arg, const struct check_result *r)
{
	struct async *a = arg;

	(void)r;
	a->results++;
	if (a->results == 3)
		check_run_cancel(&a->run);
}

static void async_done(void *arg, struct check_report *rep)
{
	struct async *a = arg;

	a->done = 1;
	a->rep = rep;
}

static void test_check_async_run_streams_and_cancels_from_a_callback(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixdb01,aixapp01");
	struct async a = { 0 };
	struct check_cb cb = { .result = async_result, .done = async_done, .arg = &a };
	struct err e;

	(void)state;
	lab_open(&lb, NULL);
	err_clear(&e);
	a.run = check_run_start(lb.site, lb.site->set, &req, &cb, &e);
	assert_non_null(a.run);
	/* Driven by the caller's loop: the cmdset (no NFS probes in a lab). */
	while (cmdset_active(lb.site->set) > 0)
		cmdset_run(lb.site->set, 200);
	assert_null(a.run);
	assert_int_equal(a.results, 3);
	assert_false(a.done);
	check_report_free(&a.rep);

	/* Without cancel, done brings the whole report. */
	memset(&a, 0, sizeof a);
	cb.result = NULL;
	a.run = check_run_start(lb.site, lb.site->set, &req, &cb, &e);
	assert_non_null(a.run);
	while (!a.done)
		cmdset_run(lb.site->set, 200);
	assert_non_null(a.rep);
	assert_int_equal(a.rep->hosts.n, 3);
	expect(a.rep, "aixdb01", "client.reach", P);
	check_report_free(&a.rep);
	/* A done callback is required; a bad request is refused before anything runs. */
	cb.done = NULL;
	assert_null(check_run_start(lb.site, lb.site->set, &req, &cb, &e));
	cb.done = async_done;
	req.clients = "-x";
	assert_null(check_run_start(lb.site, lb.site->set, &req, &cb, &e));
	assert_string_equal(e.field, "client");
	lab_close(&lb);
}

static void test_check_json_results_have_host_check_status_summary_evidence_fix(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixbat01");
	struct check_report *rep;
	cJSON *a, *o, *ev;
	size_t n = 0;
	int seen_fail = 0;

	(void)state;
	lab_open(&lb, NULL);
	rep = run(&lb, &req);
	a = check_report_to_json(rep);
	assert_true(cJSON_IsArray(a));
	cJSON_ArrayForEach(o, a)
	{
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(o, "status"));
		n++;
		assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(o, "host")));
		assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(o, "check")));
		assert_true(check_status_parse(st) >= 0);
		assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(o, "summary")));
		assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "evidence")));
		assert_true(cJSON_HasObjectItem(o, "fix"));
		if (strcmp(st, "fail") == 0) {
			seen_fail = 1;
			assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "check")),
			                    "client.ncargs");
			ev = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "evidence"), 0);
			assert_string_equal(
			    cJSON_GetStringValue(cJSON_GetObjectItem(ev, "command")),
			    "rsh aixbat01 lsattr -El sys0 -a ncargs");
			assert_int_equal(
			    (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ev, "status")), 0);
			assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ev, "lines")), 1);
			has(cJSON_GetStringValue(cJSON_GetObjectItem(o, "fix")), "chdev -l sys0");
		}
	}
	assert_true(seen_fail);
	assert_int_equal(n, rep->nresults);
	/* Report order: the master first. */
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "host")), "master");
	cJSON_Delete(a);
	/* A deep copy is equal and independent. */
	{
		const struct check_result *r = get(rep, "aixbat01", "job.disks");
		struct check_result *d = check_result_dup(r);
		assert_string_equal(d->summary, r->summary);
		assert_int_equal(d->ndisks, r->ndisks);
		assert_string_equal(d->proposed.v[0], r->proposed.v[0]);
		assert_int_equal(d->nevidence, r->nevidence);
		check_result_free(&d);
		assert_null(d);
	}
	assert_int_equal(check_report_verdict(rep), CHECK_FAIL);
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_nfs_probes_the_nim_address_and_in_a_lab_only_loopback(void **state)
{
	struct lab lb;
	struct check_request req = lab_req("nfs01,far01");
	struct check_report *rep;
	const struct check_result *r;

	(void)state;
	lab_open(&lb, "check.lab");
	rep = run(&lb, &req);
	/* nfs01's NIM address is 127.0.0.1: probed for real (an NFS server may or may not run). */
	r = get(rep, "nfs01", "client.nfs");
	if (r->status != CHECK_PASS && r->status != CHECK_FAIL)
		fail_msg("nfs01 client.nfs: %s: %s", check_status_name(r->status), r->summary);
	has(r->summary, "(127.0.0.1)");
	assert_true(r->nevidence >= 1);
	has(r->evidence[r->nevidence - 1].command, "NFS probe of 127.0.0.1");
	assert_true(r->evidence[r->nevidence - 1].lines.n >= 2);
	has(r->evidence[r->nevidence - 1].lines.v[0], "portmap: ");
	/* far01's is made up: not probed. */
	has(expect(rep, "far01", "client.nfs", S)->summary, "10.9.8.77 is an address of the lab");
	/* So is the master's (nimchk01, found with host(1)). */
	r = expect(rep, "master", "master.nfs", S);
	has(r->summary, "not probed: 10.9.8.5 is an address of the lab");
	assert_int_equal(r->nevidence, 1);
	assert_string_equal(r->evidence[0].command, "host nimchk01");
	check_report_free(&rep);
	/* -j: neither is probed, each says why. */
	req.cache_vg = "nimvg";
	rep = run(&lb, &req);
	has(expect(rep, "master", "master.nfs", S)->summary, "-j nimvg: nimadm caches in the VG");
	has(expect(rep, "nfs01", "client.nfs", S)->summary, "-j nimvg");
	check_report_free(&rep);
	lab_close(&lb);
}

static void test_check_unreachable_master_is_one_error_and_no_results(void **state)
{
	struct lab lb;
	struct check_request req = demo_req("aixdb01");
	struct check_report *rep;

	(void)state;
	lab_open(&lb, NULL);
	/* An ssh master on a port nothing listens on: every command is refused. */
	host_free(&lb.site->master);
	lb.site->master = host_ssh_new("master", "127.0.0.1", 1, NULL, NULL, NULL);
	rep = run(&lb, &req);
	assert_int_equal(rep->nresults, 0);
	has(rep->error, "cannot run commands on the NIM master");
	assert_int_equal(check_report_verdict(rep), CHECK_ERROR);
	check_report_free(&rep);
	lab_close(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_table_ids_are_unique_with_help_and_a_manual_entry),
		cmocka_unit_test(test_check_request_refuses_hostile_and_missing_names),
		cmocka_unit_test(test_check_request_from_params_takes_the_job_fields),
		cmocka_unit_test(test_check_request_refuses_bad_nfs_exports),
		cmocka_unit_test(
		    test_check_master_nfs_fails_without_portmapper_warns_without_daemons),
		cmocka_unit_test(
		    test_check_client_nfs_tells_a_failed_round_trip_from_a_dead_server),
		cmocka_unit_test(test_check_nfs_evidence_has_every_step_and_the_exports_that_fit),
		cmocka_unit_test(
		    test_check_demo_lab_every_client_gets_the_verdicts_its_state_implies),
		cmocka_unit_test(test_check_fix_texts_carry_the_concrete_commands),
		cmocka_unit_test(
		    test_check_spot_alt_disk_install_mismatch_is_0505_205_with_the_cust_command),
		cmocka_unit_test(test_check_unknown_objects_fail_and_skip_what_depends_on_them),
		cmocka_unit_test(test_check_tcb_matters_only_without_j),
		cmocka_unit_test(test_check_cache_vg_must_exist_be_varied_on_and_hold_every_client),
		cmocka_unit_test(test_check_multibos_fails_only_before_7_2),
		cmocka_unit_test(
		    test_check_already_at_target_fails_a_migration_but_not_a_tl_update),
		cmocka_unit_test(test_check_mirrored_rootvg_needs_as_many_disks_or_unmirroring),
		cmocka_unit_test(test_check_disks_in_use_too_small_or_proposed_with_reasons),
		cmocka_unit_test(
		    test_check_hanging_client_ends_at_its_timeout_while_the_others_complete),
		cmocka_unit_test(test_check_host_timeout_cuts_a_slow_client_short),
		cmocka_unit_test(
		    test_check_evidence_has_the_remote_status_and_a_lost_client_is_not_reached),
		cmocka_unit_test(
		    test_check_unreachable_client_fails_reach_and_is_not_reached_elsewhere),
		cmocka_unit_test(test_check_async_run_streams_and_cancels_from_a_callback),
		cmocka_unit_test(
		    test_check_json_results_have_host_check_status_summary_evidence_fix),
		cmocka_unit_test(test_check_nfs_probes_the_nim_address_and_in_a_lab_only_loopback),
		cmocka_unit_test(test_check_unreachable_master_is_one_error_and_no_results),
	};
	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
