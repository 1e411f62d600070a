/*
 * test_engine_phase.c: the phase tracker over realistic nimadm logs
 * (tests/fixtures/logs), synthetic edge cases, and the streaming log reader
 * (plain and compressed files).
 */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"

#define RULE "+-----------------------------------------------------------------------------+"

/* --- helpers -------------------------------------------------------------- */

static char *fixture(const char *name)
{
	const char *src = getenv("NIMADM_TUI_SRC");

	return xasprintf("%s/tests/fixtures/logs/%s", src != NULL ? src : ".", name);
}

/* Events as seen, for order checks. */
struct rec {
	enum phase_event_kind kind[512];
	int phase[512];
	int status[512];
	int automatic[512];
	char text[512][96];
	size_t n;
	size_t results;
	enum phase_result last_result;
};

static void rec_event(void *arg, const struct phase_event *ev)
{
	struct rec *r = arg;

	assert_non_null(ev->text);
	if (ev->kind == PHASE_EV_MESSAGE)
		assert_non_null(ev->msg);
	if (ev->kind == PHASE_EV_RESULT) {
		r->results++;
		r->last_result = ev->result;
	}
	if (r->n >= ARRAY_LEN(r->kind))
		return;
	r->kind[r->n] = ev->kind;
	r->phase[r->n] = ev->phase;
	r->status[r->n] = ev->kind == PHASE_EV_PHASE_END ? (int)ev->status : -1;
	r->automatic[r->n] = ev->automatic;
	str_copy(r->text[r->n], ev->text, sizeof r->text[r->n]);
	r->n++;
}

static size_t rec_count(const struct rec *r, enum phase_event_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->kind[i] == k;
	return n;
}

/* Reads a fixture through logread into a new tracker; finishes it with exit_status
 * unless exit_status is -2 (left open). */
static struct phase_tracker *track_file(const char *name, unsigned mask, int exit_status,
                                        struct rec *rec)
{
	char *path = fixture(name);
	struct phase_tracker *t = phase_tracker_new(rec != NULL ? rec_event : NULL, rec);
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;
	int rc;

	err_clear(&e);
	r = logread_open(path, &e);
	if (r == NULL)
		fail_msg("%s", e.msg);
	if (mask != 0)
		phase_tracker_set_phases(t, mask);
	while ((rc = logread_next(r, &line, &len, NULL, &e)) > 0)
		phase_tracker_feed(t, line, len, -1);
	assert_int_equal(rc, 0);
	if (exit_status != -2)
		phase_tracker_finish(t, exit_status);
	logread_free(&r);
	free(path);
	return t;
}

static void feed_lines(struct phase_tracker *t, const char *const *lines, size_t n, long long t0,
                       long long step)
{
	for (size_t i = 0; i < n; i++)
		phase_tracker_feed(t, lines[i], strlen(lines[i]),
		                   t0 < 0 ? -1 : t0 + (long long)i * step);
}

/* The codes of the messages at or above min severity, space-separated. */
static void codes_of(const struct phase_state *st, enum kb_severity min, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < st->nmessages; i++) {
		const struct phase_message *m = &st->messages[i];
		if (m->severity < min)
			continue;
		if (buf[0] != '\0')
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, m->code != NULL ? m->code : (m->kb != NULL ? m->kb->id : "?"),
		        size - strlen(buf) - 1);
	}
}

static const struct phase_message *find_msg(const struct phase_state *st, const char *code)
{
	for (size_t i = 0; i < st->nmessages; i++)
		if (st->messages[i].code != NULL && strcmp(st->messages[i].code, code) == 0)
			return &st->messages[i];
	return NULL;
}

static void assert_statuses(const struct phase_state *st, const char *expect)
{
	/* one letter per phase: p r d f s */
	static const char letters[] = "prdfs";
	char got[PHASE_MAX + 1];

	for (int n = 1; n <= PHASE_MAX; n++)
		got[n - 1] = letters[st->phases[n].status];
	got[PHASE_MAX] = '\0';
	assert_string_equal(got, expect);
}

static void assert_failed_run_cleaned_up(const struct phase_state *st)
{
	assert_true(st->cleanup_ran);
	assert_non_null(st->bootlist);
	assert_string_equal(st->bootlist, "hdisk0 blv=hd5");
	assert_non_null(st->client_command);
	assert_string_equal(st->client_command, "alt_disk_install -M 7.3 -X");
}

/* --- whole logs ----------------------------------------------------------- */

static void test_phase_tracker_reports_success_with_local_caching(void **state)
{
	struct rec rec = { 0 };
	struct phase_tracker *t = track_file("success-cache.log", 0, -1, &rec);
	const struct phase_state *st = phase_tracker_state(t);
	char codes[256];

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_int_equal(st->failed_phase, -1);
	assert_int_equal(st->current, 12);
	assert_statuses(st, "dddddddddddd");
	assert_string_equal(st->client, "aixdb01");
	assert_string_equal(st->log_path, "/var/adm/ras/alt_mig/aixdb01_alt_mig.log");
	assert_string_equal(st->bootlist, "hdisk1 blv=hd5");
	assert_false(st->cleanup_ran);
	assert_true(st->cleanup_seen);
	assert_int_equal(st->errors, 0);
	assert_int_equal(st->warnings, 0);
	codes_of(st, KB_SEV_INFO, codes, sizeof codes);
	assert_string_equal(codes, "0513-029 0513-059 0513-059");
	/* installp progress and summary */
	assert_int_equal(st->phases[6].filesets_done, 187);
	assert_int_equal(st->phases[6].filesets_total, 187);
	assert_int_equal(st->installp_elapsed_s, 5737); /* 1 hrs 35 mins 37 secs */
	assert_int_equal(st->phases[6].duration_s, 5737);
	assert_int_equal(st->phases[5].duration_s, -1); /* no clock, no installp */
	assert_true(st->installp_ok > 187);
	assert_int_equal(st->installp_failed, 0);
	/* events */
	assert_int_equal(rec.kind[0], PHASE_EV_START);
	assert_int_equal(rec_count(&rec, PHASE_EV_START), 1);
	assert_int_equal(rec_count(&rec, PHASE_EV_PHASE_START), 12);
	assert_int_equal(rec_count(&rec, PHASE_EV_PHASE_END), 12);
	assert_int_equal(rec_count(&rec, PHASE_EV_FILESET), 187);
	assert_true(rec_count(&rec, PHASE_EV_PROGRESS) >= 60);
	assert_int_equal(rec_count(&rec, PHASE_EV_BOOTLIST), 1);
	assert_int_equal(rec_count(&rec, PHASE_EV_CLEANUP), 2);
	assert_int_equal(rec.results, 1);
	assert_int_equal(rec.kind[rec.n - 1], PHASE_EV_RESULT);
	for (size_t i = 0; i < rec.n; i++)
		if (rec.kind[i] == PHASE_EV_CLEANUP)
			assert_false(rec.automatic[i]);
	phase_tracker_free(&t);
	assert_null(t);
}

static void test_phase_tracker_reports_success_over_nfs(void **state)
{
	struct phase_tracker *t = track_file("success-nfs.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_statuses(st, "dddddddddddd");
	assert_string_equal(st->client, "aixweb02");
	assert_int_equal(st->phases[6].filesets_done, 64);
	assert_int_equal(st->phases[6].filesets_total, 64);
	assert_int_equal(st->phases[6].duration_s, 2470);
	assert_int_equal(st->errors, 0);
	assert_string_equal(st->step, "Cleaning up alt_disk_migration on client aixweb02.");
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_0505_187_in_phase_1(void **state)
{
	struct phase_tracker *t = track_file("fail-0505-187-phase1.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	char codes[256];

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 1);
	assert_statuses(st, "fsssssssssss");
	assert_failed_run_cleaned_up(st);
	codes_of(st, KB_SEV_WARNING, codes, sizeof codes);
	assert_string_equal(codes, "0505-126 0505-187");
	assert_string_equal(find_msg(st, "0505-187")->kb->id, "0505-187");
	assert_string_equal(find_msg(st, "0505-187")->command, "nimadm");
	assert_int_equal(find_msg(st, "0505-187")->severity, KB_SEV_ERROR);
	assert_int_equal(find_msg(st, "0505-187")->phase, 1);
	assert_string_equal(find_msg(st, "0505-126")->kb->id, "0505-126");
	assert_string_equal(find_msg(st, "0505-126")->command, "alt_disk_copy");
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_0505_205_before_phase_1(void **state)
{
	struct rec rec = { 0 };
	struct phase_tracker *t = track_file("fail-0505-205-startup.log", 0, -1, &rec);
	const struct phase_state *st = phase_tracker_state(t);
	const struct phase_message *m;

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 0);
	assert_int_equal(st->current, 0);
	assert_statuses(st, "ssssssssssss");
	assert_false(st->cleanup_ran);
	assert_string_equal(st->client, "aixdb04");
	m = find_msg(st, "0505-205");
	assert_non_null(m);
	assert_int_equal(m->severity, KB_SEV_ERROR);
	assert_int_equal(m->phase, 0);
	assert_int_equal(m->lineno, 4);
	assert_string_equal(m->kb->id, "0505-205");
	assert_non_null(strstr(m->kb->fix, "nim -o cust"));
	assert_int_equal(rec.last_result, PHASE_RESULT_FAILED);
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_0516_404_in_phase_1(void **state)
{
	struct phase_tracker *t = track_file("fail-0516-404-phase1.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	const struct phase_message *m;
	char codes[256];

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 1);
	assert_failed_run_cleaned_up(st);
	codes_of(st, KB_SEV_WARNING, codes, sizeof codes);
	assert_string_equal(codes, "0516-404 0516-822 0505-115 0505-187");
	m = find_msg(st, "0516-404");
	assert_string_equal(m->kb->id, "0516-404");
	assert_string_equal(m->command, "allocp");
	assert_string_equal(find_msg(st, "0516-822")->kb->id, "0516-822");
	/* an unknown code still counts, with no explanation */
	m = find_msg(st, "0505-115");
	assert_null(m->kb);
	assert_int_equal(m->severity, KB_SEV_ERROR);
	assert_string_equal(m->command, "alt_disk_copy");
	assert_int_equal(st->errors, 4);
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_websm_failure_in_phase_6(void **state)
{
	struct phase_tracker *t = track_file("fail-websm-phase6.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	const struct phase_message *row = NULL;

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 6);
	assert_statuses(st, "dddddfssssss");
	assert_failed_run_cleaned_up(st);
	assert_string_equal(find_msg(st, "0505-160")->kb->id, "0505-160");
	assert_string_equal(find_msg(st, "0505-213")->kb->id, "0505-213");
	assert_string_equal(find_msg(st, "0503-464")->kb->id, "installp-failed");
	assert_int_equal(st->installp_failed, 1);
	assert_int_equal(st->phases[6].filesets_done, 40);
	assert_int_equal(st->phases[6].filesets_total, 40);
	for (size_t i = 0; i < st->nmessages; i++)
		if (st->messages[i].code == NULL)
			row = &st->messages[i];
	assert_non_null(row);
	assert_string_equal(row->text, "sysmgt.websm.webaccess 7.3.2.0 ROOT APPLY FAILED");
	assert_string_equal(row->kb->id, "installp-failed");
	assert_int_equal(row->severity, KB_SEV_ERROR);
	assert_non_null(strstr(find_msg(st, "0505-160")->kb->meaning, "sysmgt.websm"));
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_cache_sync_failure_in_phase_9(void **state)
{
	struct phase_tracker *t = track_file("fail-sync-phase9.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	char codes[256];

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 9);
	assert_statuses(st, "ddddddddfsss");
	assert_failed_run_cleaned_up(st);
	codes_of(st, KB_SEV_WARNING, codes, sizeof codes);
	assert_string_equal(codes, "0511-133 0511-123 0505-217");
	assert_string_equal(find_msg(st, "0511-133")->command, "restore");
	assert_string_equal(find_msg(st, "0505-217")->kb->title,
	                    "Error syncing cache data to client");
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_umount_busy_at_cleanup(void **state)
{
	struct rec rec = { 0 };
	struct phase_tracker *t = track_file("fail-umount-busy-phase10.log", 0, -1, &rec);
	const struct phase_state *st = phase_tracker_state(t);
	char codes[256];
	size_t automatic = 0;

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 10);
	assert_statuses(st, "dddddddddfss");
	assert_failed_run_cleaned_up(st);
	codes_of(st, KB_SEV_WARNING, codes, sizeof codes);
	assert_string_equal(codes, "umount-device-busy 0505-158 0505-192 umount-device-busy");
	assert_int_equal(find_msg(st, "0505-158")->severity, KB_SEV_WARNING);
	assert_int_equal(find_msg(st, "0505-192")->severity, KB_SEV_ERROR);
	assert_non_null(strstr(find_msg(st, "0505-192")->kb->fix, "fuser -cux"));
	for (size_t i = 0; i < rec.n; i++)
		automatic += rec.kind[i] == PHASE_EV_CLEANUP && rec.automatic[i];
	assert_int_equal(automatic, 3);
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_failed_phase_11(void **state)
{
	struct phase_tracker *t = track_file("fail-multibos-phase11.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	const struct phase_message *m;

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 11);
	assert_statuses(st, "ddddddddddfs");
	assert_failed_run_cleaned_up(st);
	m = find_msg(st, "0505-218");
	assert_non_null(m);
	assert_int_equal(m->severity, KB_SEV_ATTENTION);
	assert_string_equal(m->command, "alt_disk_copy");
	assert_string_equal(m->kb->id, "0505-218");
	assert_non_null(strstr(m->kb->fix, "multibos -RX"));
	assert_int_equal(m->phase, 11);
	assert_int_equal(find_msg(st, "0505-187")->phase, 11);
	assert_int_equal(st->warnings, 1);
	assert_int_equal(st->errors, 1);
	phase_tracker_free(&t);
}

static void test_phase_tracker_treats_domainname_not_found_as_harmless(void **state)
{
	struct phase_tracker *t = track_file("harmless-domainname.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	size_t found = 0;

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_int_equal(st->errors, 0);
	for (size_t i = 0; i < st->nmessages; i++) {
		const struct phase_message *m = &st->messages[i];
		if (m->kb != NULL && strcmp(m->kb->id, "domainname-not-found") == 0) {
			found++;
			assert_null(m->code);
			assert_int_equal(m->severity, KB_SEV_INFO);
			assert_true(m->kb->harmless);
		}
	}
	assert_int_equal(found, 2);
	phase_tracker_free(&t);
}

static void test_phase_tracker_reports_running_for_a_log_cut_in_phase_6(void **state)
{
	struct rec rec = { 0 };
	struct phase_tracker *t = track_file("running-phase6.log", 0, -1, &rec);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	assert_int_equal(st->failed_phase, -1);
	assert_int_equal(st->current, 6);
	assert_statuses(st, "dddddrpppppp");
	assert_int_equal(st->phases[6].filesets_done, 58);
	assert_int_equal(st->phases[6].filesets_total, 187);
	assert_int_equal(st->phases[6].duration_s, -1);
	assert_true(st->installp_elapsed_s > 0);
	assert_string_equal(st->step, "Installing Software...");
	assert_int_equal(rec.last_result, PHASE_RESULT_RUNNING);
	phase_tracker_free(&t);
}

static void test_phase_tracker_reads_crlf_and_widened_spacing(void **state)
{
	struct phase_tracker *t = track_file("crlf-wide.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_statuses(st, "dddddddddddd");
	assert_string_equal(st->client, "aixcrlf11");
	assert_string_equal(st->bootlist, "hdisk3 blv=hd5");
	assert_int_equal(st->phases[6].filesets_done, 20);
	assert_int_equal(st->phases[6].filesets_total, 20);
	assert_true(st->phases[6].duration_s > 0);
	assert_true(st->installp_ok >= 20);
	assert_int_equal(st->errors, 0);
	for (int n = 1; n <= PHASE_MAX; n++)
		assert_true(st->phases[n].first_line > 0);
	phase_tracker_free(&t);
}

static void test_phase_tracker_partial_run_succeeds_when_told_the_phases(void **state)
{
	struct phase_tracker *t = track_file("phases-1-3.log", 0, -1, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	/* without knowing about -P, a log that stops in phase 3 may still be running */
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	assert_statuses(st, "ddrppppppppp");
	phase_tracker_free(&t);

	t = track_file("phases-1-3.log", phase_parse_list("1-3"), -1, NULL);
	st = phase_tracker_state(t);
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_statuses(st, "dddsssssssss");
	phase_tracker_free(&t);
}

static void test_phase_tracker_exit_status_is_authoritative(void **state)
{
	struct phase_tracker *t = track_file("running-phase6.log", 0, 0, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_int_equal(st->exit_status, 0);
	assert_statuses(st, "ddddddssssss");
	phase_tracker_free(&t);

	t = track_file("running-phase6.log", 0, 1, NULL);
	st = phase_tracker_state(t);
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 6);
	assert_statuses(st, "dddddfssssss");
	phase_tracker_free(&t);

	t = track_file("success-cache.log", 0, 2, NULL);
	st = phase_tracker_state(t);
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 12);
	phase_tracker_free(&t);

	/* a failure seen in the output but exit 0: nimadm's word wins */
	t = track_file("fail-multibos-phase11.log", 0, 0, NULL);
	st = phase_tracker_state(t);
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_int_equal(st->failed_phase, -1);
	phase_tracker_free(&t);
}

/* The same answers from gzip, compress, bzip2, xz and zstd copies made here. */
static int compress_copy(const char *src, const char *dst, const char *filter)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct stat sb;
	char buf[8192];
	size_t n;
	FILE *in;
	int ok = 0;

	if (stat(src, &sb) != 0 || (in = fopen(src, "rb")) == NULL)
		goto out;
	if (archive_write_add_filter_by_name(a, filter) != ARCHIVE_OK ||
	    archive_write_set_format_raw(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, dst) != ARCHIVE_OK) {
		fclose(in);
		goto out;
	}
	archive_entry_set_pathname(e, "log");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, sb.st_size);
	if (archive_write_header(a, e) == ARCHIVE_OK) {
		ok = 1;
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			if (archive_write_data(a, buf, n) != (la_ssize_t)n)
				ok = 0;
	}
	fclose(in);
	if (archive_write_close(a) != ARCHIVE_OK)
		ok = 0;
out:
	archive_entry_free(e);
	archive_write_free(a);
	return ok;
}

static char *temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *d = xasprintf("%s/phase-test.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");

	if (mkdtemp(d) == NULL)
		fail_msg("mkdtemp %s", d);
	return d;
}

static void test_phase_tracker_reads_compressed_logs(void **state)
{
	static const struct {
		const char *filter, *ext, *name;
	} kinds[] = {
		{ "gzip", "gz", "gzip" },    { "compress", "Z", "compress (.Z)" },
		{ "bzip2", "bz2", "bzip2" }, { "xz", "xz", "xz" },
		{ "zstd", "zst", "zstd" },
	};
	char *src = fixture("fail-multibos-phase11.log");
	char *dir = temp_dir();

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		/* a name that lies about the format: detection is by magic */
		char *dst = xasprintf("%s/multibos.%s.log", dir, kinds[i].ext);
		struct phase_tracker *t = phase_tracker_new(NULL, NULL);
		const struct phase_state *st;
		struct logread *r;
		struct err e;
		const char *line;
		size_t len;
		int rc;

		assert_true(compress_copy(src, dst, kinds[i].filter));
		err_clear(&e);
		r = logread_open(dst, &e);
		if (r == NULL)
			fail_msg("%s: %s", kinds[i].filter, e.msg);
		assert_string_equal(logread_filter(r), kinds[i].name);
		while ((rc = logread_next(r, &line, &len, NULL, &e)) > 0)
			phase_tracker_feed(t, line, len, -1);
		assert_int_equal(rc, 0);
		assert_int_equal(logread_lineno(r), 357);
		phase_tracker_finish(t, -1);
		st = phase_tracker_state(t);
		assert_int_equal(st->result, PHASE_RESULT_FAILED);
		assert_int_equal(st->failed_phase, 11);
		assert_non_null(find_msg(st, "0505-218"));
		phase_tracker_free(&t);
		logread_free(&r);
		unlink(dst);
		free(dst);
	}
	rmdir(dir);
	free(dir);
	free(src);
}

/* --- synthetic edge cases ------------------------------------------------- */

static void test_phase_tracker_emits_events_in_order_with_times(void **state)
{
	static const char *const lines[] = {
		"Initializing the NIM master.",   /* 1000 */
		"Initializing NIM client lpar9.", /* 2000 */
		RULE,                             /* 3000 */
		"Executing nimadm phase 1.",      /* 4000 */
		RULE,
		"Cloning altinst_rootvg on client, Phase 1.",
		RULE,
		"Executing nimadm phase 2.", /* 8000 */
		RULE,
		"0505-187 nimadm: Error cloning altinst_rootvg on client.",
		"Cleaning up alt_disk_migration on the NIM master.", /* 11000 */
		"Cleaning up alt_disk_migration on client lpar9.",
		"Client alt_disk_install command: alt_disk_install -M 7.3 -X",
		"Bootlist is set to the boot disk: hdisk0 blv=hd5",
	};
	static const enum phase_event_kind expect[] = {
		PHASE_EV_START,
		PHASE_EV_PHASE_START,
		PHASE_EV_SUBPHASE,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_START,
		PHASE_EV_MESSAGE,
		PHASE_EV_PHASE_END,
		/* phases 3..12 skipped */
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_PHASE_END,
		PHASE_EV_RESULT,
		PHASE_EV_CLEANUP,
		PHASE_EV_CLEANUP,
		PHASE_EV_CLEANUP,
		PHASE_EV_BOOTLIST,
		PHASE_EV_RESULT,
	};
	struct rec rec = { 0 };
	struct phase_tracker *t = phase_tracker_new(rec_event, &rec);
	const struct phase_state *st;

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), 1000, 1000);
	phase_tracker_finish(t, -1);
	st = phase_tracker_state(t);
	assert_int_equal(rec.n, ARRAY_LEN(expect));
	for (size_t i = 0; i < rec.n; i++)
		if (rec.kind[i] != expect[i])
			fail_msg("event %zu is %s, expected %s", i, phase_event_name(rec.kind[i]),
			         phase_event_name(expect[i]));
	assert_int_equal(rec.phase[1], 1);
	assert_string_equal(rec.text[2], "Cloning altinst_rootvg on client, Phase 1.");
	assert_int_equal(rec.status[3], PHASE_DONE);
	assert_int_equal(rec.status[6], PHASE_FAILED);
	assert_int_equal(rec.phase[6], 2);
	assert_int_equal(rec.status[7], PHASE_SKIPPED);
	assert_int_equal(rec.phase[7], 3);
	assert_int_equal(rec.phase[17], 2); /* RESULT names the failed phase */
	assert_true(rec.automatic[18] && rec.automatic[19] && rec.automatic[20]);
	assert_string_equal(rec.text[21], "hdisk0 blv=hd5");
	/* times: phase 1 from 4000 to 8000, phase 2 from 8000 to the cleanup at 11000 */
	assert_int_equal(st->phases[1].started_ms, 4000);
	assert_int_equal(st->phases[1].ended_ms, 8000);
	assert_int_equal(st->phases[1].duration_s, 4);
	assert_int_equal(st->phases[2].started_ms, 8000);
	assert_int_equal(st->phases[2].ended_ms, 11000);
	assert_int_equal(st->phases[2].duration_s, 3);
	assert_int_equal(st->phases[3].started_ms, -1);
	assert_int_equal(st->messages[0].time_ms, 10000);
	assert_int_equal(st->messages[0].lineno, 10);
	assert_int_equal(st->last_time_ms, 14000);
	assert_string_equal(st->client, "lpar9");
	assert_int_equal(st->runs, 1);
	phase_tracker_free(&t);
}

static void test_phase_tracker_installp_rules_do_not_start_phases(void **state)
{
	static const char *const lines[] = {
		RULE,
		"Executing nimadm phase 6.",
		RULE,
		RULE,
		"                    Pre-installation Verification...",
		RULE,
		RULE,
		"                         Installing Software...",
		RULE,
		"+---------------------+",
		"Executing something else.",
		"+---------------------+",
		RULE,
		"                                Summaries:",
		RULE,
		"Executing nimadm phase 13.",
		"Executing nimadm phase x.",
	};
	struct rec rec = { 0 };
	struct phase_tracker *t = phase_tracker_new(rec_event, &rec);

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), -1, 0);
	assert_int_equal(phase_tracker_state(t)->current, 6);
	assert_int_equal(rec_count(&rec, PHASE_EV_PHASE_START), 1);
	/* a malformed banner is only text */
	assert_string_equal(phase_tracker_state(t)->step, "Executing nimadm phase x.");
	phase_tracker_free(&t);
}

static void test_phase_tracker_parses_installp_progress_forms(void **state)
{
	static const char *const lines[] = {
		"Executing nimadm phase 6.",
		"Filesets processed:  3 of 10  (Total time:  2 hrs 0 mins 5 secs).",
		"Filesets processed: 4 of 10 (Total time: 59 secs).",
		"Filesets processed:  5 of 10  (Total time:  1 mins 1 secs).",
		"Filesets processed:  6 of 10.",
		"Filesets processed:  garbage",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, 2, -1, 0);
	assert_int_equal(st->installp_elapsed_s, 7205);
	assert_int_equal(st->phases[6].filesets_done, 3);
	feed_lines(t, lines + 2, 1, -1, 0);
	assert_int_equal(st->installp_elapsed_s, 59);
	feed_lines(t, lines + 3, 1, -1, 0);
	assert_int_equal(st->installp_elapsed_s, 61);
	feed_lines(t, lines + 4, 2, -1, 0);
	assert_int_equal(st->phases[6].filesets_done, 6);
	assert_int_equal(st->phases[6].filesets_total, 10);
	assert_int_equal(st->installp_elapsed_s, 61);
	phase_tracker_free(&t);
}

static void test_phase_tracker_counts_installp_summary_rows(void **state)
{
	static const char *const lines[] = {
		"Executing nimadm phase 6.",
		"Installation Summary",
		"--------------------",
		"Name                        Level           Part        Event       Result",
		"-------------------------------------------------------------------------------",
		"bos.rte                     7.3.2.0         USR         APPLY       SUCCESS",
		"bos.rte                     7.3.2.0         ROOT        APPLY       SUCCESS",
		"devices.foo                 7.3.2.0         USR         APPLY       CANCELLED",
		"sysmgt.websm.webaccess      7.3.2.0         ROOT        APPLY       BROKEN",
		"",
		"bos.rte                     7.3.2.0         USR         APPLY       SUCCESS",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), -1, 0);
	assert_int_equal(st->installp_ok, 2);
	assert_int_equal(st->installp_failed, 2);
	assert_int_equal(st->nmessages, 2);
	assert_int_equal(st->messages[0].severity, KB_SEV_WARNING);
	assert_int_equal(st->messages[1].severity, KB_SEV_ERROR);
	assert_string_equal(st->messages[1].command, "installp");
	/* nothing failed for good: no cleanup came */
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	phase_tracker_free(&t);
}

static void test_phase_tracker_resumed_run_restarts_the_failed_phase(void **state)
{
	static const char *const again[] = {
		"Initializing the NIM master.",
		"Initializing NIM client aixweb07.",
		"Verifying alt_disk_migration eligibility.",
		RULE,
		"Executing nimadm phase 6.",
		RULE,
		"Filesets processed:  1 of 40  (Total time:  9 secs).",
	};
	static const char *const rest[] = {
		"Executing nimadm phase 7.",
		"Executing nimadm phase 8.",
		"Executing nimadm phase 9.",
		"Executing nimadm phase 10.",
		"Executing nimadm phase 11.",
		"Bootlist is set to the boot disk: hdisk1 blv=hd5",
		"Executing nimadm phase 12.",
		"Cleaning up alt_disk_migration on the NIM master.",
		"Cleaning up alt_disk_migration on client aixweb07.",
	};
	struct rec rec = { 0 };
	struct phase_tracker *t = track_file("fail-websm-phase6.log", 0, -2, &rec);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	feed_lines(t, again, ARRAY_LEN(again), -1, 0);
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	assert_int_equal(st->failed_phase, -1);
	assert_int_equal(st->runs, 2);
	assert_int_equal(rec_count(&rec, PHASE_EV_START), 2);
	assert_statuses(st, "dddddrpppppp");
	assert_int_equal(st->phases[6].filesets_done, 1);
	feed_lines(t, rest, ARRAY_LEN(rest), -1, 0);
	phase_tracker_finish(t, -1);
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_statuses(st, "dddddddddddd");
	assert_false(st->cleanup_ran);
	/* the first run's messages stay */
	assert_non_null(find_msg(st, "0505-160"));
	phase_tracker_free(&t);
}

static void test_phase_tracker_phase_12_banner_after_a_failure_is_its_cleanup(void **state)
{
	static const char *const lines[] = {
		"Executing nimadm phase 3.",
		"0505-217 nimadm: Error syncing cache data to client.",
		"Cleaning up alt_disk_migration on the NIM master.",
		RULE,
		"Executing nimadm phase 12.",
		RULE,
		"Cleaning up alt_disk_migration on client lpar6.",
		"Bootlist is set to the boot disk: hdisk0 blv=hd5",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), -1, 0);
	phase_tracker_finish(t, -1);
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 3);
	assert_statuses(st, "ssfsssssssss");
	assert_true(st->cleanup_ran);
	phase_tracker_free(&t);
}

static void test_phase_tracker_banner_after_a_failure_starts_a_new_run(void **state)
{
	static const char *const lines[] = {
		"Executing nimadm phase 5.",
		"0505-213 nimadm: Error returned from a command.",
		"Cleaning up alt_disk_migration on the NIM master.",
		"Executing nimadm phase 5.",
		"Restoring base operating system.",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, 3, -1, 0);
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->runs, 1);
	feed_lines(t, lines + 3, 2, -1, 0);
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	assert_int_equal(st->runs, 2);
	assert_int_equal(st->failed_phase, -1);
	assert_statuses(st, "ssssrppppppp");
	phase_tracker_free(&t);
}

static void test_phase_tracker_phase_by_phase_runs_add_up(void **state)
{
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	char line[64];

	(void)state;
	for (int n = 1; n <= PHASE_MAX; n++) {
		static const char *const start[] = { "Initializing the NIM master.",
			                             "Initializing NIM client lpar3." };
		feed_lines(t, start, 2, -1, 0);
		snprintf(line, sizeof line, "Executing nimadm phase %d.", n);
		phase_tracker_feed(t, line, strlen(line), -1);
		if (n == PHASE_MAX)
			feed_lines(t,
			           (const char *const[]){
			               "Cleaning up alt_disk_migration on the NIM master.",
			               "Cleaning up alt_disk_migration on client lpar3." },
			           2, -1, 0);
	}
	phase_tracker_finish(t, -1);
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_statuses(st, "dddddddddddd");
	assert_int_equal(st->runs, 12);
	phase_tracker_free(&t);
}

static void test_phase_tracker_cleanup_run_succeeds(void **state)
{
	static const char *const lines[] = {
		"Initializing the NIM master.",
		"Initializing NIM client lpar4.",
		"Cleaning up alt_disk_migration on the NIM master.",
		"Cleaning up alt_disk_migration on client lpar4.",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), -1, 0);
	phase_tracker_finish(t, -1);
	assert_int_equal(st->result, PHASE_RESULT_SUCCEEDED);
	assert_false(st->cleanup_ran);
	assert_true(st->cleanup_seen);
	assert_int_equal(st->failed_phase, -1);
	phase_tracker_free(&t);
}

static void test_phase_tracker_error_in_phase_12_cleanup_fails_phase_12(void **state)
{
	static const char *const lines[] = {
		"Executing nimadm phase 12.",
		"Cleaning up alt_disk_migration on the NIM master.",
		"umount: error unmounting /dev/lpar5_hd2: Device busy",
		"0505-158 nimadm: WARNING, unexpected result from the umount command.",
		"0505-192 nimadm: Error unmounting the cache file systems on the NIM master.",
		"Cleaning up alt_disk_migration on client lpar5.",
	};
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);

	(void)state;
	feed_lines(t, lines, ARRAY_LEN(lines), -1, 0);
	assert_int_equal(st->result, PHASE_RESULT_RUNNING);
	phase_tracker_finish(t, -1);
	assert_int_equal(st->result, PHASE_RESULT_FAILED);
	assert_int_equal(st->failed_phase, 12);
	assert_false(st->cleanup_ran);
	phase_tracker_free(&t);
}

static void test_phase_tracker_survives_garbage(void **state)
{
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	char bin[256];
	char *big = xmalloc(100000);

	(void)state;
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (char)i;
	memset(big, 'x', 100000);
	for (int i = 0; i < 50; i++) {
		phase_tracker_feed(t, bin, sizeof bin, -1);
		phase_tracker_feed(t, big, 100000, -1);
		phase_tracker_feed(t, "", 0, -1);
		phase_tracker_feed(t, "\r", 1, -1);
		phase_tracker_feed(t, "Executing nimadm phase", 22, -1);
		phase_tracker_feed(t, "Filesets processed:", 19, -1);
		phase_tracker_feed(t, "-", 1, -1);
		phase_tracker_feed(t, "0505-", 5, -1);
	}
	phase_tracker_finish(t, -1);
	assert_int_equal(st->lines, 400);
	assert_int_equal(st->result, PHASE_RESULT_UNKNOWN);
	assert_int_equal(st->nmessages, 0);
	assert_int_equal(st->current, 0);
	/* lines after finish are ignored */
	phase_tracker_feed(t, "Executing nimadm phase 1.", 25, -1);
	assert_int_equal(st->current, 0);
	assert_int_equal(st->lines, 400);
	free(big);
	phase_tracker_free(&t);
	phase_tracker_free(&t); /* NULL is fine */
}

static void test_phase_tracker_keeps_a_bounded_number_of_messages(void **state)
{
	struct phase_tracker *t = phase_tracker_new(NULL, NULL);
	const struct phase_state *st = phase_tracker_state(t);
	const char *line = "0513-059 The nfsd Subsystem has been started. Subsystem PID is 1.";

	(void)state;
	for (int i = 0; i < PHASE_MESSAGES_MAX + 500; i++)
		phase_tracker_feed(t, line, strlen(line), -1);
	assert_int_equal(st->nmessages, PHASE_MESSAGES_MAX);
	assert_int_equal(st->messages_dropped, 500);
	assert_int_equal(st->messages[PHASE_MESSAGES_MAX - 1].lineno, PHASE_MESSAGES_MAX);
	phase_tracker_free(&t);
}

static void test_phase_tracker_vocabularies_and_phase_lists(void **state)
{
	(void)state;
	assert_string_equal(phase_status_name(PHASE_FAILED), "failed");
	assert_string_equal(phase_status_label(PHASE_FAILED), "FAILED");
	assert_int_equal(phase_status_tone(PHASE_FAILED), PHASE_TONE_BAD);
	assert_string_equal(phase_result_name(PHASE_RESULT_SUCCEEDED), "succeeded");
	assert_string_equal(phase_result_name(PHASE_RESULT_UNKNOWN), "unknown");
	assert_int_equal(phase_result_tone(PHASE_RESULT_RUNNING), PHASE_TONE_ACTIVE);
	assert_string_equal(phase_event_name(PHASE_EV_BOOTLIST), "bootlist");
	assert_string_equal(phase_title(6), "migrate filesets with installp");
	assert_string_equal(phase_title(13), "");
	assert_int_equal(phase_parse_list("1-3"), 0xe);
	assert_int_equal(phase_parse_list("1 2 3"), 0xe);
	assert_int_equal(phase_parse_list("6,7, 8-12"), 0x1fc0);
	assert_int_equal(phase_parse_list("12"), 1u << 12);
	assert_int_equal(phase_parse_list("0"), 0);
	assert_int_equal(phase_parse_list("13"), 0);
	assert_int_equal(phase_parse_list("3-1"), 0);
	assert_int_equal(phase_parse_list("1-"), 0);
	assert_int_equal(phase_parse_list("a"), 0);
}

/* --- the log reader ------------------------------------------------------- */

static char *write_temp(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void test_logread_delivers_lines_without_newline_or_cr(void **state)
{
	static const char data[] = "first\r\nsecond\n\n  third  \nlast";
	char *dir = temp_dir();
	char *path = write_temp(dir, "plain.log", data, sizeof data - 1);
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;
	unsigned flags;

	(void)state;
	err_clear(&e);
	r = logread_open(path, &e);
	assert_non_null(r);
	assert_string_equal(logread_filter(r), "none");
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "first");
	assert_int_equal(len, 5);
	assert_int_equal(flags, 0);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "second");
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "");
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "  third  ");
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "last");
	assert_int_equal(flags, LOGREAD_NO_EOL);
	assert_int_equal(logread_lineno(r), 5);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 0);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 0);
	logread_free(&r);
	assert_null(r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_logread_cuts_overlong_lines(void **state)
{
	size_t big = LOGREAD_LINE_MAX * 2 + 123;
	char *data = xmalloc(big + 6);
	char *dir = temp_dir();
	char *path;
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;
	unsigned flags;

	(void)state;
	memset(data, 'a', big);
	memcpy(data + big, "\nnext\n", 6);
	path = write_temp(dir, "long.log", data, big + 6);
	r = logread_open(path, &e);
	assert_non_null(r);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_int_equal(len, LOGREAD_LINE_MAX);
	assert_int_equal(strlen(line), LOGREAD_LINE_MAX);
	assert_int_equal(flags, LOGREAD_TRUNCATED);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 1);
	assert_string_equal(line, "next");
	assert_int_equal(flags, 0);
	assert_int_equal(logread_next(r, &line, &len, &flags, &e), 0);
	logread_free(&r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	free(data);
}

static void test_logread_reads_an_empty_file_as_no_lines(void **state)
{
	char *dir = temp_dir();
	char *path = write_temp(dir, "empty.log", "", 0);
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;

	(void)state;
	err_clear(&e);
	r = logread_open(path, &e);
	assert_non_null(r);
	assert_int_equal(logread_next(r, &line, &len, NULL, &e), 0);
	assert_int_equal(logread_lineno(r), 0);
	logread_free(&r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

static void test_logread_reports_files_it_cannot_read(void **state)
{
	char *dir = temp_dir();
	char *missing = xasprintf("%s/missing.log", dir);
	struct err e;

	(void)state;
	err_clear(&e);
	assert_null(logread_open(missing, &e));
	assert_non_null(strstr(e.msg, missing));
	assert_non_null(strstr(e.msg, "No such file"));
	err_clear(&e);
	assert_null(logread_open(dir, &e));
	assert_non_null(strstr(e.msg, dir));
	rmdir(dir);
	free(missing);
	free(dir);
}

static void test_logread_reports_a_truncated_compressed_file(void **state)
{
	char *dir = temp_dir();
	char *plain = xasprintf("%s/big.log", dir);
	char *gz = xasprintf("%s/big.log.gz", dir);
	char *cut;
	struct strbuf sb = { 0 };
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;
	int rc;
	FILE *f;
	char *data;
	long n;

	(void)state;
	/* varied text so that gzip cannot shrink it to nothing */
	for (int i = 0; i < 60000; i++)
		sb_addf(&sb, "Filesets processed:  %d of 60000  (Total time:  %d secs).\n", i,
		        i * 7);
	free(write_temp(dir, "big.log", sb.buf, sb.len));
	assert_true(compress_copy(plain, gz, "gzip"));
	f = fopen(gz, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc((size_t)n);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cut = write_temp(dir, "cut.log.gz", data, (size_t)n / 2);
	err_clear(&e);
	r = logread_open(cut, &e);
	if (r != NULL) {
		while ((rc = logread_next(r, &line, &len, NULL, &e)) > 0)
			;
		assert_int_equal(rc, -1);
		assert_true(logread_lineno(r) > 1000);
		logread_free(&r);
	}
	assert_non_null(strstr(e.msg, "cut.log.gz"));
	unlink(plain);
	unlink(gz);
	unlink(cut);
	rmdir(dir);
	sb_free(&sb);
	free(data);
	free(cut);
	free(plain);
	free(gz);
	free(dir);
}

static int count_until_phase(void *arg, const char *line, size_t len, unsigned flags)
{
	int *n = arg;

	(void)len;
	(void)flags;
	++*n;
	return strcmp(line, "Executing nimadm phase 1.") == 0 ? 7 : 0;
}

static void test_logread_each_stops_when_asked(void **state)
{
	char *path = fixture("success-nfs.log");
	struct err e;
	int n = 0;

	(void)state;
	err_clear(&e);
	assert_int_equal(logread_each(path, count_until_phase, &n, &e), 7);
	assert_int_equal(n, 12);
	free(path);
}

static void test_logread_reads_from_a_descriptor(void **state)
{
	int fds[2];
	struct logread *r;
	struct err e;
	const char *line;
	size_t len;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "one\ntwo\n", 8), 8);
	close(fds[1]);
	err_clear(&e);
	r = logread_open_fd(fds[0], "pipe", &e);
	assert_non_null(r);
	assert_int_equal(logread_next(r, &line, &len, NULL, &e), 1);
	assert_string_equal(line, "one");
	assert_int_equal(logread_next(r, &line, &len, NULL, &e), 1);
	assert_string_equal(line, "two");
	assert_int_equal(logread_next(r, &line, &len, NULL, &e), 0);
	logread_free(&r);
	/* the descriptor is the caller's */
	assert_int_equal(close(fds[0]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase_tracker_reports_success_with_local_caching),
		cmocka_unit_test(test_phase_tracker_reports_success_over_nfs),
		cmocka_unit_test(test_phase_tracker_reports_0505_187_in_phase_1),
		cmocka_unit_test(test_phase_tracker_reports_0505_205_before_phase_1),
		cmocka_unit_test(test_phase_tracker_reports_0516_404_in_phase_1),
		cmocka_unit_test(test_phase_tracker_reports_websm_failure_in_phase_6),
		cmocka_unit_test(test_phase_tracker_reports_cache_sync_failure_in_phase_9),
		cmocka_unit_test(test_phase_tracker_reports_umount_busy_at_cleanup),
		cmocka_unit_test(test_phase_tracker_reports_failed_phase_11),
		cmocka_unit_test(test_phase_tracker_treats_domainname_not_found_as_harmless),
		cmocka_unit_test(test_phase_tracker_reports_running_for_a_log_cut_in_phase_6),
		cmocka_unit_test(test_phase_tracker_reads_crlf_and_widened_spacing),
		cmocka_unit_test(test_phase_tracker_partial_run_succeeds_when_told_the_phases),
		cmocka_unit_test(test_phase_tracker_exit_status_is_authoritative),
		cmocka_unit_test(test_phase_tracker_reads_compressed_logs),
		cmocka_unit_test(test_phase_tracker_emits_events_in_order_with_times),
		cmocka_unit_test(test_phase_tracker_installp_rules_do_not_start_phases),
		cmocka_unit_test(test_phase_tracker_parses_installp_progress_forms),
		cmocka_unit_test(test_phase_tracker_counts_installp_summary_rows),
		cmocka_unit_test(test_phase_tracker_resumed_run_restarts_the_failed_phase),
		cmocka_unit_test(test_phase_tracker_phase_12_banner_after_a_failure_is_its_cleanup),
		cmocka_unit_test(test_phase_tracker_banner_after_a_failure_starts_a_new_run),
		cmocka_unit_test(test_phase_tracker_phase_by_phase_runs_add_up),
		cmocka_unit_test(test_phase_tracker_cleanup_run_succeeds),
		cmocka_unit_test(test_phase_tracker_error_in_phase_12_cleanup_fails_phase_12),
		cmocka_unit_test(test_phase_tracker_survives_garbage),
		cmocka_unit_test(test_phase_tracker_keeps_a_bounded_number_of_messages),
		cmocka_unit_test(test_phase_tracker_vocabularies_and_phase_lists),
		cmocka_unit_test(test_logread_delivers_lines_without_newline_or_cr),
		cmocka_unit_test(test_logread_cuts_overlong_lines),
		cmocka_unit_test(test_logread_reads_an_empty_file_as_no_lines),
		cmocka_unit_test(test_logread_reports_files_it_cannot_read),
		cmocka_unit_test(test_logread_reports_a_truncated_compressed_file),
		cmocka_unit_test(test_logread_each_stops_when_asked),
		cmocka_unit_test(test_logread_reads_from_a_descriptor),
	};
	return cmocka_run_group_tests_name("phase", tests, NULL, NULL);
}
