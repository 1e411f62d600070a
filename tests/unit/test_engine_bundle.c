/*
 * test_engine_bundle.c: the support bundle of a job. A job is run to its end
 * by the real supervisor against the fake AIX of tests/fixtures/snapshot
 * (its nimadm prints a short migration), a snapshot and a post-check are
 * taken, a prerequisite report is saved; the bundle is then read back with
 * libarchive and every entry's name, size, content and checksum verified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "engine.h"
#include "testsite.h"

#define WAIT_MS 20000

struct fx {
	char *dir;
	char *fix;
	struct site *site;
	char id[JOB_ID_MAX];
};

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Submits a migration of aixdb01 and waits for the journal to say it ended. */
static void run_job(struct fx *f)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct strv argv = { 0 };
	struct strbuf ini = { 0 };
	struct job_request rq;
	struct err e;
	long long deadline;
	int final = 0;

	assert_int_equal(params_set(p, "client", "aixdb01", NULL), 0);
	assert_int_equal(params_set(p, "spot", "spot_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "lpp_source", "lpp_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1", NULL), 0);
	assert_int_equal(params_argv(p, &argv, NULL), 0);
	assert_int_equal(params_ini_write(p, &ini, NULL), 0);
	memset(&rq, 0, sizeof rq);
	rq.mode = "migrate";
	rq.client = "aixdb01";
	rq.argv = strv_argv(&argv);
	rq.params_ini = sb_str(&ini);
	err_clear(&e);
	if (job_submit(f->site, &rq, f->id, &e) != 0)
		fail_msg("job_submit: %s", e.msg);
	deadline = clock_ms() + WAIT_MS;
	while (!final && clock_ms() < deadline) {
		struct job_info ji;
		if (job_load(f->site, f->id, &ji, NULL) == 0) {
			final = job_status_is_final(ji.status);
			job_info_free(&ji);
		}
		if (!final)
			nap_ms(10);
	}
	assert_true(final);
	strv_free(&argv);
	sb_free(&ini);
	params_free(&p);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);

	test_fake_aix_open("bundletest", &f->dir, &f->fix, &f->site);
	run_job(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	test_fake_aix_close(&f->dir, &f->fix, &f->site);
	free(f);
	return 0;
}

struct raw {
	char *name[256];
	char *data[256];
	size_t len[256];
	int perm[256];
	size_t n;
};

static void raw_read(const char *path, struct raw *r)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;

	memset(r, 0, sizeof *r);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
	while (r->n < 256 && archive_read_next_header(a, &en) == ARCHIVE_OK) {
		struct strbuf sb = { 0 };
		char buf[8192];
		la_ssize_t k;
		while ((k = archive_read_data(a, buf, sizeof buf)) > 0)
			sb_add(&sb, buf, (size_t)k);
		r->name[r->n] = xstrdup(archive_entry_pathname(en));
		r->perm[r->n] = (int)(archive_entry_perm(en) & 0777);
		r->len[r->n] = sb.len;
		r->data[r->n] = sb_steal(&sb);
		r->n++;
	}
	archive_read_free(a);
}

static void raw_free(struct raw *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->data[i]);
	}
}

static int raw_find(const struct raw *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->name[i], name) == 0)
			return (int)i;
	return -1;
}

static int raw_find_prefix(const struct raw *r, const char *prefix, const char *suffix)
{
	for (size_t i = 0; i < r->n; i++)
		if (str_starts(r->name[i], prefix) && str_ends(r->name[i], suffix))
			return (int)i;
	return -1;
}

/* The archive's entries are the result's, with the sizes and checksums it says. */
static void assert_matches_result(const struct raw *r, const struct bundle_result *res)
{
	int sums = raw_find(r, "SHA256SUMS");

	assert_int_equal(r->n, res->n);
	assert_true(sums >= 0);
	for (size_t i = 0; i < r->n; i++) {
		char hex[SHA256_HEX_LEN];
		char *line;
		assert_string_equal(r->name[i], res->entries[i].name);
		assert_int_equal(r->len[i], res->entries[i].bytes);
		assert_int_equal(r->perm[i], 0600);
		assert_string_equal(sha256_hex(r->data[i], r->len[i], hex), res->entries[i].sha256);
		if (strcmp(r->name[i], "SHA256SUMS") == 0 || strcmp(r->name[i], "README.txt") == 0)
			continue;
		line = xasprintf("%s  %s\n", hex, r->name[i]);
		if (strstr(r->data[sums], line) == NULL)
			fail_msg("SHA256SUMS lacks %s", line);
		free(line);
	}
}

static void test_bundle_holds_journal_log_report_snapshot_and_postcheck(void **state)
{
	struct fx *f = *state;
	struct bundle_opts o = { .job = f->id };
	struct snapshot_opts so = { .client = "aixdb01" };
	struct postcheck_opts po = { .client = "aixdb01", .target = "7300-02-02-2420" };
	struct bundle_result *res;
	struct snapshot *snap;
	struct postcheck *pc;
	struct raw r;
	struct err e;
	struct stat st;
	char *p, *q, *want, *snapbase, *readme, *prefix;
	struct utimbuf old = { 1000000000, 1000000000 };
	size_t len;
	int i;

	/* a snapshot before, a check after, and two saved prerequisite reports */
	err_clear(&e);
	snap = snapshot_take(f->site, &so, NULL, &e);
	assert_non_null(snap);
	setenv("FAKE_STATE", "after", 1);
	err_clear(&e);
	pc = postcheck_run(f->site, &po, NULL, &e);
	assert_non_null(pc);
	p = xasprintf("%s/reports", f->site->state_dir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/reports/aixdb01-20260101-000000.json", f->site->state_dir);
	test_write_text(p, "{\"old\": true}\n");
	assert_int_equal(utime(p, &old), 0);
	free(p);
	p = xasprintf("%s/reports/aixdb01-20261120-010000.json", f->site->state_dir);
	test_write_text(p, "{\"verdict\": \"pass\"}\n");
	free(p);
	p = xasprintf("%s/reports/aixweb01-20261120-010000.json", f->site->state_dir);
	test_write_text(p, "{\"other\": \"client\"}\n");
	free(p);

	err_clear(&e);
	res = bundle_write(f->site, &o, &e);
	if (res == NULL)
		fail_msg("bundle_write: %s", e.msg);
	prefix = xasprintf("%s/bundles/%s-", f->site->state_dir, f->id);
	assert_true(str_starts(res->path, prefix));
	assert_true(str_ends(res->path, ".tar.gz"));
	free(prefix);
	assert_int_equal(stat(res->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(res->client, "aixdb01");
	raw_read(res->path, &r);
	assert_matches_result(&r, res);
	assert_string_equal(r.name[0], "README.txt");
	assert_string_equal(r.name[1], "SHA256SUMS");

	/* the journal, byte for byte */
	p = job_output_path(f->site, f->id);
	want = test_read_whole(p, &len);
	free(p);
	q = xasprintf("jobs/%s/output.log", f->id);
	i = raw_find(&r, q);
	assert_true(i >= 0);
	assert_int_equal(r.len[i], len);
	assert_memory_equal(r.data[i], want, len);
	assert_non_null(strstr(want, "Executing nimadm phase 12."));
	free(want);
	free(q);
	q = xasprintf("jobs/%s/job.ini", f->id);
	assert_true(raw_find(&r, q) >= 0);
	free(q);
	q = xasprintf("jobs/%s/state", f->id);
	assert_true(raw_find(&r, q) >= 0);
	free(q);
	/* nimadm's log, read on the master */
	i = raw_find(&r, "nimadm/aixdb01_alt_mig.log");
	assert_true(i >= 0);
	p = xasprintf("%s/master/cat_/var/adm/ras/alt_mig/aixdb01_alt_mig.log", f->fix);
	want = test_read_whole(p, &len);
	assert_int_equal(r.len[i], len);
	assert_memory_equal(r.data[i], want, len);
	free(want);
	free(p);
	/* the newest report of this client only */
	i = raw_find(&r, "prereq/aixdb01-20261120-010000.json");
	assert_true(i >= 0);
	assert_string_equal(r.data[i], "{\"verdict\": \"pass\"}\n");
	assert_int_equal(raw_find_prefix(&r, "prereq/aixweb01", ""), -1);
	assert_int_equal(raw_find(&r, "prereq/aixdb01-20260101-000000.json"), -1);
	/* the snapshot, without its private key */
	snapbase = xstrdup(strrchr(snap->path, '/') + 1);
	snapbase[strlen(snapbase) - strlen(".tar.gz")] = '\0';
	q = xasprintf("snapshot/%s/manifest.json", snapbase);
	assert_true(raw_find(&r, q) >= 0);
	free(q);
	q = xasprintf("snapshot/%s/files/etc/motd", snapbase);
	i = raw_find(&r, q);
	assert_true(i >= 0);
	assert_memory_equal(r.data[i], snapshot_data(snap, "/etc/motd", NULL), r.len[i]);
	free(q);
	q = xasprintf("snapshot/%s/files/etc/ssh/ssh_host_ed25519_key.pub", snapbase);
	assert_true(raw_find(&r, q) >= 0);
	free(q);
	assert_int_equal(raw_find_prefix(&r, "snapshot/", "ssh_host_ed25519_key"), -1);
	for (size_t k = 0; k < r.n; k++)
		assert_null(strstr(r.data[k], "BEGIN OPENSSH PRIVATE KEY"));
	/* the post-check, as saved */
	i = raw_find_prefix(&r, "postcheck/aixdb01-", ".json");
	assert_true(i >= 0);
	want = test_read_whole(pc->saved_json, &len);
	assert_int_equal(r.len[i], len);
	assert_memory_equal(r.data[i], want, len);
	free(want);
	assert_true(raw_find_prefix(&r, "postcheck/aixdb01-", ".txt") >= 0);
	/* README: the job, every entry, and what was left out */
	readme = r.data[0];
	q = xasprintf("Job:      %s\n", f->id);
	assert_non_null(strstr(readme, q));
	free(q);
	assert_non_null(strstr(readme, "Client:   aixdb01\n"));
	assert_non_null(strstr(readme, "Status:   succeeded"));
	for (size_t k = 2; k < r.n; k++)
		assert_non_null(strstr(readme, r.name[k]));
	q = xasprintf("snapshot/%s/files/etc/ssh/ssh_host_ed25519_key: left out (a private key)",
	              snapbase);
	assert_non_null(strstr(readme, q));
	free(q);
	assert_int_equal(res->missing.n, 1);
	free(snapbase);
	raw_free(&r);
	bundle_result_free(&res);
	snapshot_free(&snap);
	postcheck_free(&pc);
}

static void test_bundle_records_what_it_could_not_include(void **state)
{
	struct fx *f = *state;
	char *out = xasprintf("%s/case-12345.tar.gz", f->dir);
	struct bundle_opts o = { .job = f->id, .output = out };
	struct bundle_result *res;
	struct raw r;
	struct err e;

	/* no log on the master (its fixtures are gone), nothing saved for the client */
	setenv("FAKE_FIX", "/nonexistent", 1);
	err_clear(&e);
	res = bundle_write(f->site, &o, &e);
	setenv("FAKE_FIX", f->fix, 1);
	if (res == NULL)
		fail_msg("bundle_write: %s", e.msg);
	assert_string_equal(res->path, out);
	raw_read(out, &r);
	assert_matches_result(&r, res);
	assert_int_equal(r.n, 5); /* README, SHA256SUMS, the journal's three files */
	assert_int_equal(res->missing.n, 4);
	assert_string_equal(res->missing.v[0], "nimadm log: cat /var/adm/ras/alt_mig/"
	                                       "aixdb01_alt_mig.log on the master: ksh: cat:  not "
	                                       "found.");
	assert_non_null(strstr(r.data[0], "Not included:\n"));
	assert_non_null(strstr(r.data[0], "prerequisite report: none saved"));
	assert_non_null(strstr(
	    r.data[0], "snapshot: none of aixdb01 (nimadm-tui snapshot -c aixdb01 takes one)"));
	assert_non_null(strstr(r.data[0], "post-migration check: none saved for aixdb01"));
	raw_free(&r);
	bundle_result_free(&res);
	/* -o again replaces the file */
	err_clear(&e);
	res = bundle_write(f->site, &o, &e);
	assert_non_null(res);
	bundle_result_free(&res);
	free(out);
}

static void test_bundle_of_an_unknown_job_fails(void **state)
{
	struct fx *f = *state;
	struct bundle_opts o = { .job = "no-such-job" };
	struct err e;
	char *dir = xasprintf("%s/bundles", f->site->state_dir);
	struct stat st;

	err_clear(&e);
	assert_null(bundle_write(f->site, &o, &e));
	assert_string_equal(e.msg, "no job no-such-job");
	o.job = "../jobs";
	err_clear(&e);
	assert_null(bundle_write(f->site, &o, &e));
	assert_string_equal(e.field, "job");
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_bundle_holds_journal_log_report_snapshot_and_postcheck, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_records_what_it_could_not_include,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_bundle_of_an_unknown_job_fails, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
