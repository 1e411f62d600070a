/*
 * test_screens_logview.c: the log viewer, headless, on a lab job's log
 * (tests/screens/monitor/fixtures/aixfin01-failed.log: failed in phase 9
 * with 0511-133 and 0505-217) and on files made here: very long lines,
 * garbage bytes, compressed copies (gzip, compress, bzip2, xz written with
 * libarchive), and a file that grows, is truncated and is rotated while the
 * viewer follows it.
 *
 * Goldens: tests/screens/monitor/scripts/logview-*.keys against
 * tests/screens/monitor/golden/ (TUI_UPDATE_GOLDEN=1 rewrites them). A file
 * changes between two `:dump`s through a loop source of this test: it acts
 * when the named dump has been written, and the viewer is busy until it has
 * caught up with the file, so the next key waits for that without sleeping.
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
#include <unistd.h>

#include "engine.h"
#include "monitor.h"
#include "tui.h"
#include "testsite.h"

struct fx {
	char tmp[256];
	char dumps[300];
	char *log; /* the file under test */
	char cwd[1024];
	struct site *site; /* set: start with the chooser of this site's logs */
};

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

static void write_bytes(const char *path, const char *mode, const char *data, size_t len)
{
	FILE *fp = fopen(path, mode);

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_text(const char *path, const char *text)
{
	write_bytes(path, "w", text, strlen(text));
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmpdir = getenv("TMPDIR");

	snprintf(f->tmp, sizeof f->tmp, "%s/logview.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dumps, sizeof f->dumps, "%s/dumps", f->tmp);
	assert_int_equal(mkdir(f->dumps, 0755), 0);
	setenv("TZ", "UTC", 1);
	assert_non_null(getcwd(f->cwd, sizeof f->cwd));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->tmp);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->tmp);
	free(cmd);
	free(f->log);
	free(f);
	return 0;
}

/* The lab's failed job's output, copied (the viewer may be pointed anywhere). */
static char *lab_log(struct fx *f, const char *name)
{
	char *from =
	    xasprintf("%s/tests/screens/monitor/fixtures/aixfin01-failed.log", test_src_dir());
	char *text = read_file(from);
	char *path = xasprintf("%s/%s", f->tmp, name);

	assert_non_null(text);
	write_text(path, text);
	free(text);
	free(from);
	return path;
}

/* ---- file changes between dumps --------------------------------------------------- */

typedef void change_fn(struct fx *f);

struct trigger {
	const char *after; /* the dump after which it acts */
	change_fn *fn;
	int done;
};

struct changer {
	struct fx *f;
	struct trigger *t;
	size_t n;
};

static int changer_due(struct changer *c, size_t i)
{
	char *path;
	int due;

	if (c->t[i].done)
		return 0;
	path = xasprintf("%s/%s.txt", c->f->dumps, c->t[i].after);
	due = access(path, F_OK) == 0;
	free(path);
	return due;
}

static size_t changer_npollfds(void *arg)
{
	(void)arg;
	return 0;
}

static size_t changer_fill(void *arg, struct pollfd *fds, size_t max)
{
	(void)arg;
	(void)fds;
	(void)max;
	return 0;
}

static void changer_dispatch(void *arg, const struct pollfd *fds, size_t n)
{
	struct changer *c = arg;

	(void)fds;
	(void)n;
	for (size_t i = 0; i < c->n; i++) {
		if (changer_due(c, i)) {
			c->t[i].fn(c->f);
			c->t[i].done = 1;
		}
	}
}

static int changer_timeout(void *arg)
{
	struct changer *c = arg;

	for (size_t i = 0; i < c->n; i++)
		if (!c->t[i].done)
			return 5;
	return -1;
}

static int changer_busy(void *arg)
{
	struct changer *c = arg;

	for (size_t i = 0; i < c->n; i++)
		if (changer_due(c, i))
			return 1;
	return 0;
}

static const struct tui_source_ops changer_ops = { changer_npollfds, changer_fill, changer_dispatch,
	                                           changer_timeout, changer_busy };

/* ---- running scripts ---------------------------------------------------------------- */

static void run_keys(struct fx *f, const char *path, const char *script, struct trigger *t,
                     size_t nt, int cols, int rows)
{
	struct tui_opts o;
	char err[256];
	struct tui_screen *s;
	struct err e;
	struct changer c = { f, t, nt };
	struct tui_source *src = NULL;

	memset(&o, 0, sizeof o);
	o.script = script;
	o.dump_dir = f->dumps;
	o.term = "xterm-256color";
	o.idle_timeout_ms = 20000;
	o.cols = cols;
	o.rows = rows;
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
	err_clear(&e);
	/* files of the test directory by their plain name: the screens show no
	 * temporary directory names */
	if (path != NULL && strncmp(path, f->tmp, strlen(f->tmp)) == 0 &&
	    path[strlen(f->tmp)] == '/') {
		assert_int_equal(chdir(f->tmp), 0);
		path += strlen(f->tmp) + 1;
	}
	if (f->site != NULL) {
		logview_choose(f->site);
	} else {
		s = logview_new(path, &e);
		if (s == NULL)
			fail_msg("cannot open %s: %s", path, e.msg);
		tui_push(s);
	}
	if (nt > 0)
		src = tui_add_source(&changer_ops, &c);
	assert_int_equal(tui_run(), 0);
	tui_remove_source(&src);
	tui_end();
	assert_int_equal(chdir(f->cwd), 0);
	for (size_t i = 0; i < nt; i++)
		if (!t[i].done)
			fail_msg("the change after dump %s never happened", t[i].after);
}

static void run_inline(struct fx *f, const char *path, const char *keys)
{
	char *script = xasprintf("%s/inline.keys", f->tmp);

	write_text(script, keys);
	run_keys(f, path, script, NULL, 0, 0, 0);
	free(script);
}

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

	if (strstr(text, want) == NULL) {
		fprintf(stderr, "dump %s:\n%s", name, text);
		fail_msg("dump %s lacks \"%s\"", name, want);
	}
	free(text);
}

static void assert_dump_lacks(struct fx *f, const char *name, const char *bad)
{
	char *text = dump_text(f, name);

	if (strstr(text, bad) != NULL) {
		fprintf(stderr, "dump %s:\n%s", name, text);
		fail_msg("dump %s has \"%s\"", name, bad);
	}
	free(text);
}

/* The cursor line of a dump (the one marked with '>' in the first column). */
static char *cursor_line(struct fx *f, const char *name)
{
	char *text = dump_text(f, name), *p = text, *line = NULL;
	int row = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		/* rows 2.. are the text (0 title, 1 the file's name) */
		if (row >= 2 && p[0] == '>') {
			line = xstrndup(p, len);
			break;
		}
		p += len + (p[len] == '\n');
		row++;
	}
	free(text);
	if (line == NULL)
		fail_msg("dump %s has no cursor line", name);
	return line;
}

static void assert_cursor_on(struct fx *f, const char *name, const char *want)
{
	char *line = cursor_line(f, name);

	if (strstr(line, want) == NULL)
		fail_msg("dump %s: the cursor is on \"%s\", not on \"%s\"", name, line, want);
	free(line);
}

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

/* Runs scripts/NAME.keys on path and compares every dump with its golden. */
static void run_golden(struct fx *f, const char *name, const char *path, struct trigger *t,
                       size_t nt)
{
	char *script = xasprintf("%s/tests/screens/monitor/scripts/%s.keys", test_src_dir(), name);
	char *text = read_file(script), *p;
	int update = getenv("TUI_UPDATE_GOLDEN") != NULL, failed = 0;

	assert_non_null(text);
	run_keys(f, path, script, t, nt, 0, 0);
	for (p = text; (p = strstr(p, ":dump ")) != NULL;) {
		size_t len;
		char dump[64], *got, *want, *want_path;
		p += 6;
		len = strcspn(p, " \t\n");
		assert_true(len > 0 && len < sizeof dump);
		memcpy(dump, p, len);
		dump[len] = '\0';
		got = dump_text(f, dump);
		want_path =
		    xasprintf("%s/tests/screens/monitor/golden/%s.txt", test_src_dir(), dump);
		want = read_file(want_path);
		if (update && (want == NULL || strcmp(want, got) != 0)) {
			write_text(want_path, got);
			fprintf(stderr, "updated %s\n", want_path);
		} else if (want == NULL) {
			fprintf(stderr, "no golden %s (run with TUI_UPDATE_GOLDEN=1)\n", want_path);
			failed = 1;
		} else if (strcmp(want, got) != 0) {
			show_diff(dump, want, got);
			failed = 1;
		}
		free(got);
		free(want);
		free(want_path);
	}
	free(text);
	free(script);
	assert_false(failed);
}

/* ---- goldens -------------------------------------------------------------------------- */

static void test_logview_golden_search_jumps_filter_explain(void **state)
{
	struct fx *f = *state;
	char *path = lab_log(f, "aixfin01_alt_mig.log");

	run_golden(f, "logview", path, NULL, 0);
	free(path);
}

static void append_lines(struct fx *f)
{
	struct strbuf sb = { 0 };

	for (int i = 1; i <= 5; i++)
		sb_addf(&sb, "appended line %d of the growing file\n", i);
	write_bytes(f->log, "a", sb.buf, sb.len);
	sb_free(&sb);
}

static void append_more(struct fx *f)
{
	write_bytes(f->log, "a", "more text while the view is scrolled up\n", 40);
}

static void truncate_file(struct fx *f)
{
	write_text(f->log, "a new start after truncation\n0505-187 nimadm: Error cloning "
	                   "altinst_rootvg on client.\n");
}

static void rotate_file(struct fx *f)
{
	char *old = xasprintf("%s.1", f->log);

	assert_int_equal(rename(f->log, old), 0);
	write_text(f->log, "the rotated log starts here\nExecuting nimadm phase 1.\n");
	free(old);
}

static void test_logview_golden_follow_growth_truncation_rotation(void **state)
{
	struct fx *f = *state;
	struct trigger t[] = {
		{ "logview-follow-start", append_lines, 0 },
		{ "logview-follow-scrolled", append_more, 0 },
		{ "logview-follow-again", truncate_file, 0 },
		{ "logview-follow-truncated", rotate_file, 0 },
	};

	f->log = lab_log(f, "growing.log");
	run_golden(f, "logview-follow", f->log, t, ARRAY_LEN(t));
}

/* Lines longer than the screen, tabs, UTF-8, control and invalid bytes. */
static char *odd_file(struct fx *f)
{
	char *path = xasprintf("%s/odd.log", f->tmp);
	struct strbuf sb = { 0 };
	static const char garbage[] =
	    "garbage: \x01\x02\x1b[31mred\x1b[0m\x7f \xff\xfe \xc3\xa9t\xc3\xa9"
	    " cr\r in the middle\tand a tab\n";

	sb_adds(&sb, "Executing nimadm phase 6.\n");
	sb_adds(&sb, "long: ");
	for (int i = 0; i < 40; i++)
		sb_addf(&sb, "word%02d ", i);
	sb_adds(&sb, "END-OF-LONG-LINE\n");
	sb_add(&sb, garbage, sizeof garbage - 1);
	sb_adds(&sb, "a NUL byte: [");
	sb_addc(&sb, '\0');
	sb_adds(&sb, "] kept\n");
	sb_adds(&sb, "0516-404 allocp: This system cannot fulfill the allocation request.\n");
	sb_adds(&sb, "the last line has no newline");
	write_bytes(path, "w", sb.buf, sb.len);
	sb_free(&sb);
	return path;
}

static void test_logview_golden_long_lines_and_garbage_bytes(void **state)
{
	struct fx *f = *state;
	char *path = odd_file(f);

	run_golden(f, "logview-odd", path, NULL, 0);
	free(path);
}

/* Writes path + ext compressed with a libarchive filter (raw format: one stream). */
static char *compress_file(struct fx *f, const char *src, const char *ext,
                           int (*filter)(struct archive *))
{
	char *path = xasprintf("%s/%s%s", f->tmp, strrchr(src, '/') + 1, ext);
	char *text = read_file(src);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	assert_non_null(text);
	assert_int_equal(filter(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_entry_free(e);
	archive_write_free(a);
	free(text);
	return path;
}

static void test_logview_golden_compressed_rotation(void **state)
{
	struct fx *f = *state;
	char *plain = lab_log(f, "aixfin01_alt_mig.log");
	char *gz = compress_file(f, plain, ".1.gz", archive_write_add_filter_gzip);

	run_golden(f, "logview-gz", gz, NULL, 0);
	free(gz);
	free(plain);
}

/* ---- behaviour ---------------------------------------------------------------------------- */

static void test_logview_reads_every_compression(void **state)
{
	struct fx *f = *state;
	char *plain = lab_log(f, "aixfin01_alt_mig.log");
	static const struct {
		const char *ext, *filter;
		int (*add)(struct archive *);
	} kinds[] = {
		{ ".gz", "gzip", archive_write_add_filter_gzip },
		{ ".Z", "compress (.Z)", archive_write_add_filter_compress },
		{ ".bz2", "bzip2", archive_write_add_filter_bzip2 },
		{ ".xz", "xz", archive_write_add_filter_xz },
	};

	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		char *path = compress_file(f, plain, kinds[i].ext, kinds[i].add);
		char *want = xasprintf("bytes, %s)", kinds[i].filter);
		run_inline(f, path,
		           ":dump top\nEnd\n:wait-idle\n:dump end\n/ \"0505-217\" Enter\n"
		           ":wait-idle\n:dump found\n");
		assert_dump_has(f, "top", want);
		assert_dump_has(f, "top", "Initializing the NIM master.");
		assert_dump_has(f, "end", "Bootlist is set to the boot disk: hdisk0 blv=hd5");
		assert_dump_has(f, "end", "line 422 of 422");
		assert_cursor_on(f, "found",
		                 "0505-217 nimadm: Error syncing cache data to client.");
		free(want);
		free(path);
	}
	free(plain);
}

static void test_logview_search_wraps_and_reports_not_found(void **state)
{
	struct fx *f = *state;
	char *path = lab_log(f, "aixfin01_alt_mig.log");

	run_inline(
	    f, path,
	    "End\n:wait-idle\n/ \"Executing nimadm phase 1.\" Enter\n:wait-idle\n:dump wrapped\n"
	    "/ \"no such text anywhere\" Enter\n:wait-idle\n:dump missing\n"
	    "/ \"executing NIMADM\" Enter\n:wait-idle\n:dump exact-case\n"
	    "/ \"executing nimadm phase 2\" Enter\n:wait-idle\n:dump any-case\n");
	assert_cursor_on(f, "wrapped", "Executing nimadm phase 1.");
	assert_dump_has(f, "wrapped", "Search wrapped around the end.");
	assert_dump_has(f, "missing", "\"no such text anywhere\" was not found.");
	/* a capital letter asks for that case */
	assert_dump_has(f, "exact-case", "\"executing NIMADM\" was not found.");
	assert_cursor_on(f, "any-case", "Executing nimadm phase 2.");
	free(path);
}

static void test_logview_follow_is_off_when_scrolled_up(void **state)
{
	struct fx *f = *state;
	char *script = xasprintf("%s/follow.keys", f->tmp);
	struct trigger t[] = {
		{ "at-end", append_lines, 0 },
		{ "scrolled", append_more, 0 },
	};

	f->log = lab_log(f, "growing.log");
	write_text(script,
	           "End\n:wait-idle\n:dump at-end\n:wait-idle\n:dump followed\n"
	           "Up\n:dump scrolled\n:wait-idle\n:dump still\nF\n:wait-idle\n:dump back\n");
	run_keys(f, f->log, script, t, ARRAY_LEN(t), 0, 0);
	assert_dump_has(f, "at-end", "[follow]");
	assert_cursor_on(f, "followed", "appended line 5 of the growing file");
	assert_dump_has(f, "followed", "line 427 of 427");
	assert_dump_lacks(f, "still", "[follow]");
	assert_cursor_on(f, "still", "appended line 4 of the growing file");
	assert_dump_lacks(f, "still", "more text while the view is scrolled up");
	assert_cursor_on(f, "back", "more text while the view is scrolled up");
	assert_dump_has(f, "back", "[follow]");
	free(script);
}

static void test_logview_explains_the_message_under_the_cursor(void **state)
{
	struct fx *f = *state;
	char *path = lab_log(f, "aixfin01_alt_mig.log");

	run_inline(
	    f, path,
	    "Enter\n:dump plain\n/ \"0511-133\" Enter\n:wait-idle\nEnter\n:dump explained\n");
	assert_dump_has(f, "plain", "No explanation is known for this line.");
	assert_dump_has(f, "explained", "What it means:");
	assert_dump_has(f, "explained", "0511-133");
	free(path);
}

static void test_logview_chooser_lists_job_outputs_and_nimadm_logs(void **state)
{
	struct fx *f = *state;
	struct site site;
	char *dir, *path, *log = lab_log(f, "x.log"), *text = read_file(log);

	memset(&site, 0, sizeof site);
	site.state_dir = xasprintf("%s/state", f->tmp);
	site.lab_state = xasprintf("%s/lab", f->tmp);
	/* a job and the lab's files: nimadm's log on the master, a client's log */
	dir = xasprintf("%s/jobs/20261121-083000-aixfin01", site.state_dir);
	assert_int_equal(site_mkdirs(dir, 0, NULL), 0);
	path = xasprintf("%s/job.ini", dir);
	write_text(path, "[job]\nmode = migrate\nclient = aixfin01\ncreated = 1\n[argv]\n00 = "
	                 "nimadm\n");
	free(path);
	path = xasprintf("%s/output.log", dir);
	write_text(path, text);
	free(path);
	free(dir);
	dir = xasprintf("%s/files/master/var/adm/ras/alt_mig", site.lab_state);
	assert_int_equal(site_mkdirs(dir, 0, NULL), 0);
	path = xasprintf("%s/aixfin01_alt_mig.log", dir);
	write_text(path, text);
	free(path);
	free(dir);
	dir = xasprintf("%s/files/aixfin01/var/adm/ras", site.lab_state);
	assert_int_equal(site_mkdirs(dir, 0, NULL), 0);
	path = xasprintf("%s/alt_disk_inst.log", dir);
	write_text(path, "alt_disk_copy -M 7.3 on aixfin01\n");
	free(path);
	free(dir);

	f->site = &site;
	/* the chooser pops itself when a log is chosen: one run per choice */
	run_inline(f, NULL, ":dump chooser\nEnter\n:wait-idle\n:dump job\n");
	run_inline(f, NULL, "Down Enter\n:wait-idle\n:dump master\n");
	run_inline(f, NULL, "Down Down Enter\n:wait-idle\n:dump client\n");
	f->site = NULL;
	assert_dump_has(f, "chooser", "20261121-083000-aixfin01");
	assert_dump_has(f, "chooser", "master:/var/adm/ras/alt_mig/aixfin01_alt_mig.log");
	assert_dump_has(f, "chooser", "aixfin01:/var/adm/ras/alt_disk_inst.log");
	assert_dump_has(f, "chooser", "(another file)");
	assert_dump_has(f, "job", "Log Viewer: output.log");
	assert_dump_has(f, "master", "Log Viewer: aixfin01_alt_mig.log");
	assert_dump_has(f, "client", "alt_disk_copy -M 7.3 on aixfin01");
	free(site.state_dir);
	free(site.lab_state);
	free(text);
	free(log);
}

static void test_logview_missing_file_is_refused_with_the_reason(void **state)
{
	struct fx *f = *state;
	struct err e;
	char *path = xasprintf("%s/none.log", f->tmp);

	err_clear(&e);
	assert_null(logview_new(path, &e));
	assert_non_null(strstr(e.msg, "none.log"));
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logview_golden_search_jumps_filter_explain,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_logview_golden_follow_growth_truncation_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logview_golden_long_lines_and_garbage_bytes,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logview_golden_compressed_rotation, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logview_reads_every_compression, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logview_search_wraps_and_reports_not_found,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logview_follow_is_off_when_scrolled_up, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logview_explains_the_message_under_the_cursor,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_logview_chooser_lists_job_outputs_and_nimadm_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_logview_missing_file_is_refused_with_the_reason, setup, teardown),
	};
	return cmocka_run_group_tests_name("screens_logview", tests, NULL, NULL);
}
