/* test_engine_logdoc.c: the log viewer's document: lines before and after indexing, search,
 * jumps, the messages filter, follow (growth, truncation, rotation), long lines, garbage
 * bytes, compressed files, and the bound on its memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

struct fx {
	char dir[256];
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof f->dir, "%s/logdoc.XXXXXX", tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

/* Removes the test's directory (flat: files only). */
static int teardown(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "rm", "-rf", f->dir, NULL };
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	free(f);
	return 0;
}

static char *path_in(const struct fx *f, const char *name)
{
	return xasprintf("%s/%s", f->dir, name);
}

static char *fixture(const char *name)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	return xasprintf("%s/tests/fixtures/%s", src != NULL ? src : ".", name);
}

static void write_file(const char *path, const char *data, size_t len, int append)
{
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	assert_true(fd >= 0);
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		assert_true(n > 0);
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

static void write_str(const char *path, const char *s, int append)
{
	write_file(path, s, strlen(s), append);
}

/* Runs argv with stdout into out_path (never through a shell); its exit status. */
static int run_to(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (out_path != NULL) {
			int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Whether a program is on PATH. */
static int have(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int found = 0;

	if (path == NULL)
		return 0;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, prog);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

/*
 * A numbered log: line i (1-based) is "L<i> " then a nimadm-ish text whose
 * length varies. Returns the line starts (owned; [nlines] is the size).
 */
static long long *gen_numbered(const char *path, long long nlines)
{
	static const char *const texts[] = {
		"Filesets processed:  6 of 187  (Total time:  1 mins 6 secs).",
		"        bos.rte.libc 7.3.2.0",
		"",
		"Creating logical volume alt_hd9var.",
		"installp:  APPLYING software for:",
		"Mounting client file system /alt_inst/usr on /aixweb07_alt/alt_inst/usr",
		"+-----------------------------------------------------------------------------+",
	};
	long long *offs = xcalloc((size_t)nlines + 1, sizeof *offs);
	struct strbuf sb = { 0 };
	long long off = 0;
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (long long i = 1; i <= nlines; i++) {
		sb_reset(&sb);
		sb_addf(&sb, "L%lld %s\n", i, texts[i % ARRAY_LEN(texts)]);
		offs[i - 1] = off;
		fwrite(sb.buf, 1, sb.len, fp);
		off += (long long)sb.len;
	}
	offs[nlines] = off;
	fclose(fp);
	sb_free(&sb);
	return offs;
}

/* Collects fetched lines. */
struct got {
	size_t n;
	long long lineno[64];
	long long off[64];
	char *text[64];
	unsigned flags[64];
	long long len[64];
};

static int got_line(void *arg, const struct logdoc_line *l)
{
	struct got *g = arg;

	if (g->n >= 64)
		return 1;
	g->lineno[g->n] = l->lineno;
	g->off[g->n] = l->off;
	g->text[g->n] = xstrndup(l->text, l->text_len);
	g->flags[g->n] = l->flags;
	g->len[g->n] = l->len;
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->text[i]);
	memset(g, 0, sizeof *g);
}

static void index_all(struct logdoc *d)
{
	struct err e;
	int rc, steps = 0;

	err_clear(&e);
	while ((rc = logdoc_index_step(d, 4 << 20, &e)) > 0)
		steps++;
	assert_int_equal(rc, 0);
	assert_true(steps < 100000);
}

/* Runs a search or jump to its end; FOUND/NOT_FOUND, with the number of steps. */
static enum logdoc_status run_search(struct logdoc_search *s, size_t budget, struct logdoc_hit *hit,
                                     int *steps)
{
	struct err e;
	enum logdoc_status st;
	int n = 0;

	err_clear(&e);
	while ((st = logdoc_search_step(s, budget, hit, &e)) == LOGDOC_MORE)
		n++;
	if (steps != NULL)
		*steps = n;
	return st;
}

static enum logdoc_status find(struct logdoc *d, const char *needle, unsigned flags, long long from,
                               struct logdoc_hit *hit)
{
	struct err e;
	struct logdoc_search *s = logdoc_search_start(d, needle, strlen(needle), flags, from, &e);
	enum logdoc_status st;

	assert_non_null(s);
	st = run_search(s, 1 << 20, hit, NULL);
	logdoc_search_cancel(&s);
	assert_null(s);
	return st;
}

static enum logdoc_status jump(struct logdoc *d, unsigned kinds, unsigned flags, long long from,
                               struct logdoc_hit *hit)
{
	struct err e;
	struct logdoc_search *s = logdoc_jump_start(d, kinds, flags, from, &e);
	enum logdoc_status st;

	assert_non_null(s);
	st = run_search(s, 64 << 10, hit, NULL);
	logdoc_search_cancel(&s);
	return st;
}

static struct logdoc *open_doc(const char *path, const struct logdoc_opts *o)
{
	struct err e;
	struct logdoc *d;

	err_clear(&e);
	d = logdoc_open(path, o, &e);
	if (d == NULL)
		fail_msg("%s", e.msg);
	return d;
}

/* --- lines and the index ---------------------------------------------------------- */

static void test_logdoc_shows_first_screen_before_indexing(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "big.log");
	long long *offs = gen_numbered(path, 400000); /* about 20 MB */
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_info info;
	struct got g = { 0 };

	logdoc_info(d, &info);
	assert_false(info.complete);
	assert_true(info.indexed < info.size / 100);
	assert_int_equal(logdoc_fetch(d, 0, 24, got_line, &g), 24);
	for (size_t i = 0; i < 24; i++) {
		char want[32];
		snprintf(want, sizeof want, "L%zu ", i + 1);
		assert_int_equal(g.lineno[i], (long long)i + 1);
		assert_int_equal(g.off[i], offs[i]);
		assert_true(str_starts(g.text[i], want));
	}
	/* still nothing indexed: the first screen did not need it */
	logdoc_info(d, &info);
	assert_false(info.complete);
	got_free(&g);
	logdoc_free(&d);
	assert_null(d);
	free(offs);
	free(path);
}

static void test_logdoc_line_numbers_are_exact_after_indexing(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "big.log");
	long long n = 300000;
	long long *offs = gen_numbered(path, n);
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_info info;
	struct got g = { 0 };
	long long probes[] = { 1, 2, 1000, 4097, 123457, 299999, 300000 };

	/* the end shows before the index reaches it, numbered only approximately */
	long long tail = logdoc_tail(d, 24);
	assert_int_equal(tail, offs[n - 24]);
	assert_int_equal(logdoc_lineno(d, tail), LOGDOC_LINE_UNKNOWN);
	assert_true(logdoc_lineno_estimate(d, tail) > 0);
	index_all(d);
	logdoc_info(d, &info);
	assert_true(info.complete);
	assert_int_equal(info.lines, n);
	assert_int_equal(info.size, offs[n]);
	assert_false(info.no_eol);
	assert_int_equal(logdoc_lineno(d, tail), n - 23);
	for (size_t i = 0; i < ARRAY_LEN(probes); i++) {
		long long k = probes[i];
		assert_int_equal(logdoc_seek_line(d, k), offs[k - 1]);
		assert_int_equal(logdoc_lineno(d, offs[k - 1]), k);
		/* any byte of the line */
		assert_int_equal(logdoc_lineno(d, offs[k] - 1), k);
		assert_int_equal(logdoc_line_start(d, offs[k] - 1), offs[k - 1]);
	}
	assert_int_equal(logdoc_fetch_lines(d, 123456, 3, got_line, &g), 3);
	assert_int_equal(g.lineno[0], 123456);
	assert_string_equal(g.text[0], "L123456 installp:  APPLYING software for:");
	assert_int_equal(g.lineno[2], 123458);
	/* clamped at both ends */
	assert_int_equal(logdoc_seek_line(d, 0), 0);
	assert_int_equal(logdoc_seek_line(d, n + 50), offs[n - 1]);
	assert_int_equal(logdoc_next_line(d, offs[n - 1]), -1);
	assert_int_equal(logdoc_prev_line(d, offs[0]), -1);
	assert_int_equal(logdoc_prev_line(d, offs[5] + 3), offs[4]);
	assert_int_equal(logdoc_next_line(d, offs[5] + 3), offs[6]);
	got_free(&g);
	logdoc_free(&d);
	free(offs);
	free(path);
}

static void test_logdoc_seek_line_indexes_as_far_as_needed(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "seek.log");
	long long *offs = gen_numbered(path, 100000);
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_info info;

	assert_int_equal(logdoc_seek_line(d, 77777), offs[77776]);
	assert_int_equal(logdoc_lineno(d, offs[77776]), 77777);
	logdoc_info(d, &info);
	assert_true(info.indexed >= offs[77776]);
	logdoc_free(&d);
	free(offs);
	free(path);
}

/* The index of a 50 MB file stays small, and a capped index thins itself. */
static void test_logdoc_index_memory_is_bounded(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "fifty.log");
	long long n = 1000000;
	long long *offs = gen_numbered(path, n);
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_opts o = { 0 };
	struct logdoc_info info;

	assert_true(offs[n] >= 50LL * 1000 * 1000);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, n);
	assert_true(info.ckpts <= (size_t)(offs[n] / (64 * 1024)) + 2);
	assert_true(info.index_bytes <= 1024 * 1024);
	assert_true(info.mem_bytes < 4 * 1024 * 1024);
	logdoc_free(&d);

	/* at most 64 checkpoints: the spacing doubles instead, numbers stay exact */
	o.ckpt_max = 64;
	o.ckpt_spacing = 4096;
	d = open_doc(path, &o);
	index_all(d);
	logdoc_info(d, &info);
	assert_true(info.ckpts <= 64);
	assert_true(info.ckpt_spacing >= (size_t)(offs[n] / 64));
	assert_true(info.index_bytes <= 64 * 16);
	for (long long k = 1; k <= n; k += 99991) {
		assert_int_equal(logdoc_seek_line(d, k), offs[k - 1]);
		assert_int_equal(logdoc_lineno(d, offs[k - 1] + 1), k);
	}
	logdoc_free(&d);
	free(offs);
	free(path);
}

static void test_logdoc_empty_file_has_no_lines(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "empty.log");
	struct logdoc *d;
	struct logdoc_info info;
	struct got g = { 0 };
	struct logdoc_hit hit;

	write_str(path, "", 0);
	d = open_doc(path, NULL);
	assert_int_equal(logdoc_fetch(d, 0, 24, got_line, &g), 0);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, 0);
	assert_true(info.complete);
	assert_int_equal(find(d, "x", LOGDOC_WRAP, 0, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(jump(d, LOGDOC_KIND_MESSAGES, LOGDOC_WRAP, 0, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(logdoc_tail(d, 24), 0);
	logdoc_free(&d);
	free(path);
}

static void test_logdoc_refuses_a_directory_and_a_missing_file(void **state)
{
	struct fx *f = *state;
	struct err e;
	char *missing = path_in(f, "nope.log");

	err_clear(&e);
	assert_null(logdoc_open(f->dir, NULL, &e));
	assert_non_null(strstr(e.msg, "not a regular file"));
	err_clear(&e);
	assert_null(logdoc_open(missing, NULL, &e));
	assert_non_null(strstr(e.msg, "No such file"));
	free(missing);
}

/* --- search ---------------------------------------------------------------------- */

static void test_logdoc_search_finds_forward_backward_and_wraps(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "search.log");
	long long n = 60000;
	long long *offs = gen_numbered(path, n);
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_hit hit;

	/* forward from the top: an exact number although nothing was indexed first */
	assert_int_equal(find(d, "L54321 ", 0, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.off, offs[54320]);
	assert_int_equal(hit.line_off, offs[54320]);
	assert_int_equal(hit.lineno, 54321);
	assert_int_equal(hit.len, 7);
	assert_false(hit.wrapped);
	/* a match in the middle of a line */
	assert_int_equal(find(d, "APPLYING", 0, offs[100], &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 102);
	assert_int_equal(hit.off, offs[101] + (long long)strlen("L102 installp:  "));
	/* `n` again from just after it */
	assert_int_equal(find(d, "APPLYING", 0, hit.off + 1, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 109);
	/* backward: the last match before the point */
	assert_int_equal(find(d, "APPLYING", LOGDOC_BACKWARD, offs[102] + 20, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 102);
	assert_int_equal(find(d, "APPLYING", LOGDOC_BACKWARD, offs[101], &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 95);
	assert_int_equal(find(d, "L5 ", LOGDOC_BACKWARD, offs[40000], &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 5);
	/* not found, with and without wrapping */
	assert_int_equal(find(d, "L12 ", 0, offs[100], &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "L12 ", LOGDOC_WRAP, offs[100], &hit), LOGDOC_FOUND);
	assert_true(hit.wrapped);
	assert_int_equal(hit.lineno, 12);
	assert_int_equal(find(d, "L59999 ", LOGDOC_BACKWARD, offs[100], &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "L59999 ", LOGDOC_BACKWARD | LOGDOC_WRAP, offs[100], &hit),
	                 LOGDOC_FOUND);
	assert_true(hit.wrapped);
	assert_int_equal(hit.lineno, 59999);
	assert_int_equal(find(d, "no such text", LOGDOC_WRAP, offs[30000], &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "no such text", LOGDOC_WRAP | LOGDOC_BACKWARD, offs[30000], &hit),
	                 LOGDOC_NOT_FOUND);
	logdoc_free(&d);
	free(offs);
	free(path);
}

static void test_logdoc_search_ignores_case_when_asked(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "case.log");
	struct logdoc *d;
	struct logdoc_hit hit;

	write_str(path, "first line\nInstallP: Applying\nthird: 0505-187 NimAdm ERROR\n", 0);
	d = open_doc(path, NULL);
	assert_int_equal(find(d, "installp: applying", 0, 0, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "installp: applying", LOGDOC_ICASE, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 2);
	/* all letters: the memchr path cannot be used */
	assert_int_equal(find(d, "NIMADM", LOGDOC_ICASE, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 3);
	assert_int_equal(hit.off - hit.line_off, 16);
	assert_int_equal(
	    find(d, "0505-187 nimadm error", LOGDOC_ICASE | LOGDOC_BACKWARD, 9999, &hit),
	    LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 3);
	logdoc_free(&d);
	free(path);
}

/* Matches across the search's 1 MiB windows, at the very start and end, and
 * with a needle of frequent bytes (the Horspool fallback). */
static void test_logdoc_search_finds_matches_across_windows(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "windows.log");
	size_t size = 5 * 1024 * 1024 + 77;
	char *buf = xmalloc(size);
	long long at[] = { 0, 1024 * 1024 - 3, 2 * 1024 * 1024 - 1024 + 1, 3 * 1024 * 1024 + 5,
		           (long long)size - 6 };
	struct logdoc *d;
	struct logdoc_hit hit;
	long long pos = 0;

	for (size_t i = 0; i < size; i++)
		buf[i] = (i % 61 == 60) ? '\n' : "eeeeteee"[i % 8];
	for (size_t i = 0; i < ARRAY_LEN(at); i++)
		memcpy(buf + at[i], "eeXYe", 5);
	buf[size - 1] = '\n';
	write_file(path, buf, size, 0);
	d = open_doc(path, NULL);
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		assert_int_equal(find(d, "eeXYe", 0, pos, &hit), LOGDOC_FOUND);
		assert_int_equal(hit.off, at[i]);
		pos = hit.off + 1;
	}
	assert_int_equal(find(d, "eeXYe", 0, pos, &hit), LOGDOC_NOT_FOUND);
	pos = (long long)size;
	for (size_t i = ARRAY_LEN(at); i-- > 0;) {
		assert_int_equal(find(d, "eeXYe", LOGDOC_BACKWARD, pos, &hit), LOGDOC_FOUND);
		assert_int_equal(hit.off, at[i]);
		pos = hit.off;
	}
	/* rare bytes in the middle of frequent ones */
	assert_int_equal(find(d, "eteeXYe", 0, 1, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.off, at[1] - 2);
	/* frequent bytes only: memchr gives way to Horspool */
	assert_int_equal(find(d, "tt", 0, 0, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "eeeeteeexYe", LOGDOC_ICASE, 0, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(find(d, "eexye", LOGDOC_ICASE, 1, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.off, at[1]);
	/* line numbers of matches: 61 bytes a line */
	assert_int_equal(find(d, "eeXYe", 0, 1, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, at[1] / 61 + 1);
	logdoc_free(&d);
	free(buf);
	free(path);
}

/* A search works in steps: a small budget gives control back many times. */
static void test_logdoc_search_is_stepwise(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "steps.log");
	long long *offs = gen_numbered(path, 200000);
	struct logdoc *d = open_doc(path, NULL);
	struct err e;
	struct logdoc_search *s;
	struct logdoc_hit hit;
	long long done, total;
	int steps;

	s = logdoc_search_start(d, "L199999 ", 8, 0, 0, &e);
	assert_non_null(s);
	assert_int_equal(logdoc_search_step(s, 64 * 1024, &hit, &e), LOGDOC_MORE);
	logdoc_search_progress(s, &done, &total);
	assert_true(done > 0 && done < total);
	assert_int_equal(run_search(s, 256 * 1024, &hit, &steps), LOGDOC_FOUND);
	assert_true(steps >= 10);
	assert_int_equal(hit.lineno, 199999);
	assert_int_equal(hit.off, offs[199998]);
	logdoc_search_cancel(&s);
	/* the filter too */
	{
		struct logdoc_filter *flt = logdoc_filter_new(d, LOGDOC_KIND_MESSAGES);
		int rc;
		steps = 0;
		while ((rc = logdoc_filter_step(flt, 64 * 1024, &e)) > 0)
			steps++;
		assert_int_equal(rc, 0);
		assert_true(steps >= 100);
		assert_int_equal(logdoc_filter_count(flt), 0);
		logdoc_filter_free(&flt);
	}
	/* bad needles */
	assert_null(logdoc_search_start(d, "", 0, 0, 0, &e));
	{
		char *big = xcalloc(LOGDOC_NEEDLE_MAX + 2, 1);
		memset(big, 'a', LOGDOC_NEEDLE_MAX + 1);
		assert_null(logdoc_search_start(d, big, LOGDOC_NEEDLE_MAX + 1, 0, 0, &e));
		free(big);
	}
	logdoc_free(&d);
	free(offs);
	free(path);
}

static int count_match(void *arg, const struct logdoc_line *l, size_t start, size_t len)
{
	long long *v = arg;

	v[0]++;
	v[1] = l->lineno;
	v[2] = (long long)start;
	v[3] = (long long)len;
	return 0;
}

static void test_logdoc_marks_matches_for_highlighting(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "hl.log");
	struct logdoc *d;
	struct logdoc_render r = { 0 };
	long long v[4] = { 0 };

	write_str(path, "abc\nxx disk hdisk1 Disk\n\tDISK\n", 0);
	d = open_doc(path, NULL);
	assert_int_equal(logdoc_matches(d, 0, 10, "disk", 4, LOGDOC_ICASE, count_match, v), 4);
	assert_int_equal(v[1], 3);
	assert_int_equal(v[2], 1);
	assert_int_equal(logdoc_matches(d, 0, 10, "disk", 4, 0, count_match, v), 2);
	/* rendered: the match's bytes carry the attribute, after the TAB's spaces */
	assert_int_equal(logdoc_render(d, 24, 0, 80, "disk", 4, LOGDOC_ICASE, &r), 0);
	assert_string_equal(r.text.buf, "        DISK");
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(r.attr[i], 0);
	for (size_t i = 8; i < 12; i++)
		assert_int_equal(r.attr[i], LOGDOC_ATTR_MATCH);
	assert_int_equal(logdoc_find_in("aXbxc", 5, 0, "x", 1, 0), 3);
	assert_int_equal(logdoc_find_in("aXbxc", 5, 0, "x", 1, LOGDOC_ICASE), 1);
	assert_int_equal(logdoc_find_in("aXbxc", 5, 4, "x", 1, LOGDOC_ICASE), -1);
	logdoc_render_free(&r);
	logdoc_free(&d);
	free(path);
}

/* --- jumps, classification, the filter, the knowledge base --------------------------- */

static void test_logdoc_classifies_nimadm_lines(void **state)
{
	int phase = -1;
	const char *s;

	(void)state;
	s = "Executing nimadm phase 10.";
	assert_int_equal(logdoc_classify(s, strlen(s), &phase), LOGDOC_KIND_BANNER);
	assert_int_equal(phase, 10);
	s = "  executing  NIMADM phase 3.";
	assert_int_equal(logdoc_classify(s, strlen(s), &phase), LOGDOC_KIND_BANNER);
	assert_int_equal(phase, 3);
	s = "Executing nimadm phase 13.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), 0);
	s = "0505-187 nimadm: Error cloning altinst_rootvg on client.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), LOGDOC_KIND_ERROR);
	s = "0505-158 nimadm: WARNING, unexpected result from the umount command.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), LOGDOC_KIND_WARNING);
	s = "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), LOGDOC_KIND_WARNING);
	s = "0513-029 The biod Subsystem is already active.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), LOGDOC_KIND_INFO);
	s = "umount: error unmounting /dev/aixdb01_hd2: Device busy";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), LOGDOC_KIND_ERROR);
	s = "Creating logical volume alt_hd9var.";
	assert_int_equal(logdoc_classify(s, strlen(s), NULL), 0);
	/* a NUL inside does not hide the code */
	assert_int_equal(logdoc_classify("x\0y 0505-187 nimadm: Error", 26, NULL),
	                 LOGDOC_KIND_ERROR);
}

static void test_logdoc_jumps_between_banners_and_errors(void **state)
{
	char *path = fixture("logs/fail-websm-phase6.log");
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_hit hit;
	long long banners[] = { 12, 45, 59, 71, 76, 114 };
	long long errors[] = { 318, 406, 407 };
	long long pos = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(banners); i++) {
		assert_int_equal(jump(d, LOGDOC_KIND_BANNER, 0, pos, &hit), LOGDOC_FOUND);
		assert_int_equal(hit.lineno, banners[i]);
		assert_int_equal(hit.kind, LOGDOC_KIND_BANNER);
		assert_int_equal(hit.phase, (int)i + 1);
		assert_int_equal(hit.off, hit.line_off);
		pos = hit.off;
	}
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, 0, pos, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_WRAP, pos, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 12);
	assert_true(hit.wrapped);
	for (size_t i = ARRAY_LEN(banners) - 1; i-- > 0;) {
		assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_BACKWARD, pos, &hit),
		                 LOGDOC_FOUND);
		assert_int_equal(hit.lineno, banners[i]);
		pos = hit.off;
	}
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_BACKWARD, pos, &hit), LOGDOC_NOT_FOUND);
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_BACKWARD | LOGDOC_WRAP, pos, &hit),
	                 LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 114);
	/* errors and warnings skip the harmless 0513 messages of the start-up */
	pos = 0;
	for (size_t i = 0; i < ARRAY_LEN(errors); i++) {
		assert_int_equal(jump(d, LOGDOC_KIND_ERROR | LOGDOC_KIND_WARNING, 0, pos, &hit),
		                 LOGDOC_FOUND);
		assert_int_equal(hit.lineno, errors[i]);
		assert_int_equal(hit.kind, LOGDOC_KIND_ERROR);
		pos = hit.off + 5; /* anywhere in the line */
	}
	assert_int_equal(jump(d, LOGDOC_KIND_ERROR | LOGDOC_KIND_WARNING, 0, pos, &hit),
	                 LOGDOC_NOT_FOUND);
	assert_int_equal(jump(d, LOGDOC_KIND_ERROR, LOGDOC_BACKWARD, pos, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 406);
	/* the explanation of the line under the cursor */
	{
		const struct kb_entry *kb = logdoc_kb_at(d, hit.off);
		assert_non_null(kb);
		assert_string_equal(kb->id, "0505-160");
		assert_null(logdoc_kb_at(d, logdoc_seek_line(d, 13)));
	}
	logdoc_free(&d);
	free(path);
}

static void test_logdoc_filter_lists_messages_only(void **state)
{
	char *path = fixture("logs/fail-websm-phase6.log");
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_filter *flt = logdoc_filter_new(d, LOGDOC_KIND_MESSAGES);
	struct err e;
	long long want[] = { 3, 5, 6, 12, 45, 59, 71, 76, 114, 318, 406, 407 };
	int rc, steps = 0;

	(void)state;
	err_clear(&e);
	while ((rc = logdoc_filter_step(flt, 4096, &e)) > 0)
		steps++;
	assert_int_equal(rc, 0);
	assert_int_equal(logdoc_filter_count(flt), ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct logdoc_filter_entry *en = logdoc_filter_at(flt, i);
		assert_int_equal(en->lineno, want[i]);
		assert_int_equal(logdoc_lineno(d, en->off), want[i]);
	}
	assert_int_equal(logdoc_filter_at(flt, 0)->kind, LOGDOC_KIND_INFO);
	assert_int_equal(logdoc_filter_at(flt, 3)->kind, LOGDOC_KIND_BANNER);
	assert_int_equal(logdoc_filter_at(flt, 3)->phase, 1);
	assert_int_equal(logdoc_filter_at(flt, 11)->kind, LOGDOC_KIND_ERROR);
	assert_null(logdoc_filter_at(flt, ARRAY_LEN(want)));
	assert_int_equal(logdoc_filter_find(flt, logdoc_seek_line(d, 100)), 8);
	assert_int_equal(logdoc_filter_dropped(flt), 0);
	logdoc_filter_free(&flt);
	assert_null(flt);

	/* errors only */
	flt = logdoc_filter_new(d, LOGDOC_KIND_ERROR);
	while (logdoc_filter_step(flt, 1 << 20, &e) > 0)
		;
	assert_int_equal(logdoc_filter_count(flt), 3);
	logdoc_filter_free(&flt);
	logdoc_free(&d);
	free(path);
}

/* --- follow: growth, truncation, rotation --------------------------------------------- */

static void test_logdoc_follows_a_growing_file(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "grow.log");
	struct logdoc *d;
	struct logdoc_info info;
	struct logdoc_filter *flt;
	struct got g = { 0 };
	struct err e;

	write_str(path, "Initializing the NIM master.\nExecuting nimadm phase 1.\npart", 0);
	d = open_doc(path, NULL);
	flt = logdoc_filter_new(d, LOGDOC_KIND_MESSAGES);
	assert_int_equal(logdoc_filter_step(flt, 1 << 20, &e), 0);
	assert_int_equal(logdoc_filter_count(flt), 1);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, 3);
	assert_true(info.no_eol);
	assert_int_equal(logdoc_fetch(d, logdoc_tail(d, 1), 5, got_line, &g), 1);
	assert_string_equal(g.text[0], "part");
	assert_true(g.flags[0] & LOGDOC_LINE_NO_EOL);
	got_free(&g);
	assert_int_equal(logdoc_refresh(d, &e), 0);
	/* a view of 24 rows from the top shows the end: following */
	assert_true(logdoc_at_end(d, 0, 24));
	assert_true(logdoc_at_end(d, 0, 3));
	assert_false(logdoc_at_end(d, 0, 2));

	/* the partial line is completed and more comes */
	write_str(path, "ial line\n0505-187 nimadm: Error cloning altinst_rootvg on client.\n", 1);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_GREW);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, 4);
	assert_false(info.no_eol);
	assert_int_equal(logdoc_fetch(d, logdoc_tail(d, 2), 5, got_line, &g), 2);
	assert_string_equal(g.text[0], "partial line");
	assert_int_equal(g.lineno[0], 3);
	assert_int_equal(g.lineno[1], 4);
	assert_false(g.flags[0] & LOGDOC_LINE_NO_EOL);
	got_free(&g);
	assert_false(logdoc_at_end(d, 0, 3));
	assert_true(logdoc_at_end(d, logdoc_tail(d, 3), 3));
	/* the filter picks up where it stopped */
	assert_int_equal(logdoc_filter_step(flt, 1 << 20, &e), 0);
	assert_int_equal(logdoc_filter_count(flt), 2);
	assert_int_equal(logdoc_filter_at(flt, 1)->lineno, 4);
	logdoc_filter_free(&flt);
	logdoc_free(&d);
	free(path);
}

static void test_logdoc_notices_truncation(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "trunc.log");
	long long *offs = gen_numbered(path, 5000);
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_info info;
	struct logdoc_search *s;
	struct logdoc_hit hit;
	struct err e;
	struct got g = { 0 };
	unsigned long gen;
	int fd;

	index_all(d);
	logdoc_info(d, &info);
	gen = info.generation;
	s = logdoc_search_start(d, "nothing", 7, 0, 0, &e);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "new one\nsecond\n", 15), 15);
	close(fd);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_TRUNCATED);
	logdoc_info(d, &info);
	assert_true(info.generation != gen);
	assert_int_equal(info.size, 15);
	/* a search started before cannot go on */
	err_clear(&e);
	assert_int_equal(logdoc_search_step(s, 1 << 20, &hit, &e), LOGDOC_FAILED);
	assert_non_null(strstr(e.msg, "truncated"));
	logdoc_search_cancel(&s);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, 2);
	assert_int_equal(logdoc_fetch(d, 0, 5, got_line, &g), 2);
	assert_string_equal(g.text[1], "second");
	assert_int_equal(g.lineno[1], 2);
	got_free(&g);
	logdoc_free(&d);
	free(offs);
	free(path);
}

static void test_logdoc_follows_a_rotated_file(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "rot.log");
	char *old = path_in(f, "rot.log.0");
	struct logdoc *d;
	struct logdoc_info info;
	struct got g = { 0 };
	struct err e;

	write_str(path, "old 1\nold 2\nold 3\n", 0);
	d = open_doc(path, NULL);
	index_all(d);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_GONE);
	/* the old text is still there */
	assert_int_equal(logdoc_fetch(d, 0, 5, got_line, &g), 3);
	got_free(&g);
	write_str(path, "new 1\n", 0);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_ROTATED);
	index_all(d);
	logdoc_info(d, &info);
	assert_int_equal(info.lines, 1);
	assert_int_equal(logdoc_fetch(d, 0, 5, got_line, &g), 1);
	assert_string_equal(g.text[0], "new 1");
	got_free(&g);
	write_str(path, "new 2\n", 1);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_GREW);
	assert_int_equal(logdoc_lineno(d, logdoc_tail(d, 1)), 2);
	logdoc_free(&d);
	free(old);
	free(path);
}

/* --- long lines, garbage bytes, CR LF ----------------------------------------------------- */

static void test_logdoc_handles_lines_of_a_megabyte(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "long.log");
	size_t big = 1024 * 1024 + 333;
	struct strbuf sb = { 0 };
	struct logdoc *d;
	struct got g = { 0 };
	struct logdoc_hit hit;
	struct logdoc_render r = { 0 };
	long long l2, l3, l4;

	sb_adds(&sb, "short one\n");
	l2 = (long long)sb.len;
	for (size_t i = 0; i < big; i++)
		sb_addc(&sb, (char)('a' + i % 26));
	sb_adds(&sb, "0505-187 nimadm: Error END\n");
	l3 = (long long)sb.len;
	sb_adds(&sb, "Executing nimadm phase 2.\n");
	l4 = (long long)sb.len;
	for (size_t i = 0; i < big; i++)
		sb_addc(&sb, i % 100 == 99 ? '\t' : 'x');
	sb_adds(&sb, "\nlast\n");
	write_file(path, sb.buf, sb.len, 0);
	d = open_doc(path, NULL);
	assert_int_equal(logdoc_fetch(d, 0, 10, got_line, &g), 5);
	assert_int_equal(g.len[1], (long long)big + 26);
	assert_true(g.flags[1] & LOGDOC_LINE_CUT);
	assert_int_equal(strlen(g.text[1]), LOGDOC_TEXT_MAX);
	assert_int_equal(g.off[2], l3);
	assert_string_equal(g.text[2], "Executing nimadm phase 2.");
	assert_int_equal(g.lineno[4], 5);
	assert_string_equal(g.text[4], "last");
	got_free(&g);
	assert_int_equal(logdoc_prev_line(d, l4), l3);
	assert_int_equal(logdoc_prev_line(d, l3), l2);
	assert_int_equal(logdoc_prev_line(d, (long long)sb.len - 2), l4);
	assert_int_equal(logdoc_line_start(d, l2 + 700000), l2);
	/* search finds the end of the long line; jumps cross it both ways */
	assert_int_equal(find(d, "Error END", 0, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.line_off, l2);
	assert_int_equal(hit.lineno, 2);
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, 0, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 3);
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_BACKWARD, (long long)sb.len, &hit),
	                 LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 3);
	/* only the first LOGDOC_TEXT_MAX bytes are classified: a code at the end is missed,
	 * but a backward jump still passes the long line */
	assert_int_equal(jump(d, LOGDOC_KIND_BANNER, LOGDOC_BACKWARD, l4 + 900000, &hit),
	                 LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 3);
	/* horizontal scroll far into the long line */
	assert_int_equal(logdoc_render(d, l2, 1000000, 10, "END", 3, 0, &r), 0);
	{
		char want[11];
		for (size_t i = 0; i < 10; i++)
			want[i] = (char)('a' + (1000000 + i) % 26);
		want[10] = '\0';
		assert_string_equal(r.text.buf, want);
	}
	assert_true(r.more_left);
	assert_true(r.more_right);
	assert_int_equal(logdoc_render(d, l2, (long long)big + 9, 40, "END", 3, 0, &r), 0);
	assert_string_equal(r.text.buf, "nimadm: Error END");
	assert_false(r.more_right);
	assert_int_equal(r.attr[14], LOGDOC_ATTR_MATCH);
	assert_int_equal(r.attr[13], 0);
	/* tabs keep their columns in the middle of the line: 99 x then a TAB to 104 */
	assert_int_equal(logdoc_render(d, l4, 104 * 5000 + 98, 8, NULL, 0, 0, &r), 0);
	assert_string_equal(r.text.buf, "x     xx");
	index_all(d);
	assert_int_equal(logdoc_lineno(d, logdoc_tail(d, 1)), 5);
	logdoc_render_free(&r);
	sb_free(&sb);
	logdoc_free(&d);
	free(path);
}

/* A long line is remembered; one that grows is not taken from memory. */
static void test_logdoc_long_line_growing_without_newline(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "growlong.log");
	size_t big = 300 * 1024;
	char *buf = xmalloc(big);
	struct logdoc *d;
	struct got g = { 0 };
	struct err e;

	memset(buf, 'z', big);
	write_str(path, "first\n", 0);
	write_file(path, buf, big, 1);
	d = open_doc(path, NULL);
	assert_int_equal(logdoc_fetch(d, 6, 5, got_line, &g), 1);
	assert_int_equal(g.len[0], (long long)big);
	assert_true(g.flags[0] & LOGDOC_LINE_NO_EOL);
	assert_true(g.flags[0] & LOGDOC_LINE_CUT);
	got_free(&g);
	assert_int_equal(logdoc_line_start(d, 6 + 200000), 6);
	assert_int_equal(logdoc_next_line(d, 6), -1);
	write_str(path, "0123456789\nnext\n", 1);
	assert_int_equal(logdoc_refresh(d, &e), LOGDOC_GREW);
	assert_int_equal(logdoc_fetch(d, 6, 5, got_line, &g), 2);
	assert_int_equal(g.len[0], (long long)big + 10);
	assert_false(g.flags[0] & LOGDOC_LINE_NO_EOL);
	assert_string_equal(g.text[1], "next");
	assert_int_equal(g.lineno[1], 3);
	got_free(&g);
	/* the same again, from memory */
	assert_int_equal(logdoc_fetch(d, 6, 5, got_line, &g), 2);
	assert_int_equal(g.len[0], (long long)big + 10);
	assert_string_equal(g.text[1], "next");
	got_free(&g);
	assert_int_equal(logdoc_next_line(d, 6), 6 + (long long)big + 11);
	assert_int_equal(logdoc_prev_line(d, 6 + (long long)big + 11), 6);
	logdoc_free(&d);
	free(buf);
	free(path);
}

static void test_logdoc_escapes_garbage_bytes(void **state)
{
	char *path = fixture("logdoc/garbage.log");
	struct logdoc *d = open_doc(path, NULL);
	struct logdoc_render r = { 0 };
	struct got g = { 0 };
	struct logdoc_hit hit;

	(void)state;
	assert_int_equal(logdoc_fetch(d, 0, 10, got_line, &g), 4);
	/* NULs are kept in the text, escaped on display */
	assert_int_equal(g.len[0], 8);
	assert_int_equal(logdoc_render(d, g.off[0], 0, 80, NULL, 0, 0, &r), 0);
	assert_string_equal(r.text.buf, "nul^@in^@x");
	assert_int_equal(r.attr[3], LOGDOC_ATTR_ESCAPE);
	assert_int_equal(r.attr[2], 0);
	assert_int_equal(logdoc_render(d, g.off[1], 0, 80, NULL, 0, 0, &r), 0);
	assert_string_equal(r.text.buf, "bad \\xFF\\xC3( ok \xc3\xa9 esc ^[[31m del ^?");
	/* cut by the left edge in the middle of an escape */
	assert_int_equal(logdoc_render(d, g.off[1], 6, 4, NULL, 0, 0, &r), 0);
	assert_string_equal(r.text.buf, "FF\\x");
	assert_int_equal(r.cols, 4);
	assert_true(r.more_right);
	/* a search for bytes around a NUL */
	{
		struct err e;
		struct logdoc_search *s = logdoc_search_start(d, "in\0x", 4, 0, 0, &e);
		assert_int_equal(run_search(s, 4096, &hit, NULL), LOGDOC_FOUND);
		assert_int_equal(hit.off, 4);
		logdoc_search_cancel(&s);
	}
	assert_int_equal(find(d, "\xc3\xa9 esc", 0, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.lineno, 2);
	/* the C1 control U+0085 and a CR inside the line */
	assert_int_equal(logdoc_render(d, g.off[2], 0, 80, NULL, 0, 0, &r), 0);
	assert_string_equal(r.text.buf, "c1 \\xC2\\x85 cr^Mhere");
	got_free(&g);
	logdoc_render_free(&r);
	logdoc_free(&d);
	free(path);
}

/* The renderer draws exactly what cmd_escape_display() draws, for random bytes. */
static void test_logdoc_render_matches_cmd_escape_display(void **state)
{
	struct logdoc_render r = { 0 };
	unsigned seed = 12345;
	static const char alphabet[] =
	    "ab\t\x01\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xc2\x85 ";

	(void)state;
	for (int round = 0; round < 2000; round++) {
		char buf[64];
		size_t len = (size_t)(round % 60);
		char *want;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 16) % 3 == 0
			             ? (char)(seed >> 8)
			             : alphabet[(seed >> 20) % (sizeof alphabet - 1)];
		}
		want = cmd_escape_display(buf, len);
		logdoc_render_text(buf, len, 0, 100000, NULL, 0, 0, &r);
		assert_string_equal(r.text.buf, want);
		assert_int_equal(r.cols, logdoc_text_cols(buf, len));
		/* from any column, the rest of the same text */
		for (long long c = 1; c < r.cols; c += 7) {
			struct logdoc_render part = { 0 };
			logdoc_render_text(buf, len, c, 100000, NULL, 0, 0, &part);
			assert_int_equal(part.cols, r.cols - c);
			logdoc_render_free(&part);
		}
		free(want);
	}
	logdoc_render_free(&r);
}

static void test_logdoc_strips_cr_of_crlf_lines(void **state)
{
	char *path = fixture("logs/crlf-wide.log");
	struct logdoc *d = open_doc(path, NULL);
	struct got g = { 0 };

	(void)state;
	assert_int_equal(logdoc_fetch(d, 0, 3, got_line, &g), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(g.flags[i] & LOGDOC_LINE_CRLF);
		assert_null(strchr(g.text[i], '\r'));
		assert_int_equal(g.len[i], (long long)strlen(g.text[i]));
	}
	got_free(&g);
	logdoc_free(&d);
	free(path);
}

/* --- compressed files ----------------------------------------------------------------- */

/* Compresses src with prog (-c) into dst; 0, or -1 when prog is missing. */
static int compress_with(const char *prog, const char *src, const char *dst)
{
	char *argv[] = { (char *)prog, "-c", (char *)src, NULL };

	if (!have(prog))
		return -1;
	assert_int_equal(run_to(argv, dst), 0);
	return 0;
}

static void check_compressed(struct fx *f, const char *prog, const char *ext, const char *filter)
{
	char *plain = path_in(f, "plain.log");
	char *packed = xasprintf("%s/plain.log%s", f->dir, ext);
	long long n = 120000;
	long long *offs = gen_numbered(plain, n);
	struct logdoc_opts o = { 0 };
	struct logdoc *d;
	struct logdoc_info info;
	struct got g = { 0 };
	struct logdoc_hit hit;

	if (compress_with(prog, plain, packed) != 0) {
		print_message("%s is not installed: %s not tested\n", prog, filter);
		free(offs);
		free(plain);
		free(packed);
		return;
	}
	o.open_budget = 64 * 1024;
	o.tmpdir = f->dir;
	d = open_doc(packed, &o);
	logdoc_info(d, &info);
	assert_string_equal(info.filter, filter);
	assert_false(info.decoded);
	assert_true(info.size >= 64 * 1024 && info.size < offs[n]);
	/* the first screen before the rest is decoded */
	assert_int_equal(logdoc_fetch(d, 0, 24, got_line, &g), 24);
	assert_int_equal(g.lineno[23], 24);
	assert_true(str_starts(g.text[23], "L24 "));
	got_free(&g);
	/* a search decodes as it goes */
	assert_int_equal(find(d, "L100000 ", 0, 0, &hit), LOGDOC_FOUND);
	assert_int_equal(hit.off, offs[99999]);
	assert_int_equal(hit.lineno, 100000);
	index_all(d);
	logdoc_info(d, &info);
	assert_true(info.decoded);
	assert_true(info.complete);
	assert_int_equal(info.size, offs[n]);
	assert_int_equal(info.lines, n);
	assert_string_equal(info.error, "");
	assert_int_equal(logdoc_tail(d, 1), offs[n - 1]);
	assert_int_equal(logdoc_refresh(d, NULL), 0);
	logdoc_free(&d);
	free(offs);
	free(plain);
	free(packed);
}

static void test_logdoc_reads_gzip(void **state)
{
	check_compressed(*state, "gzip", ".gz", "gzip");
}

static void test_logdoc_reads_xz(void **state)
{
	check_compressed(*state, "xz", ".xz", "xz");
}

static void test_logdoc_reads_bzip2(void **state)
{
	check_compressed(*state, "bzip2", ".bz2", "bzip2");
}

static void test_logdoc_reads_compress_z(void **state)
{
	check_compressed(*state, "compress", ".Z", "compress (.Z)");
}

static void test_logdoc_reads_zstd(void **state)
{
	check_compressed(*state, "zstd", ".zst", "zstd");
}

/* Decoding happens in a temporary file that is unlinked at once. */
static void test_logdoc_leaves_no_temporary_file(void **state)
{
	struct fx *f = *state;
	char *plain = path_in(f, "t.log");
	char *packed = path_in(f, "t.log.gz");
	struct logdoc_opts o = { 0 };
	struct logdoc *d;
	char *argv[] = { "ls", "-a", f->dir, NULL };
	char *listing = path_in(f, "listing");
	FILE *fp;
	char line[256];
	int entries = 0;

	write_str(plain, "one\ntwo\n", 0);
	assert_int_equal(compress_with("gzip", plain, packed), 0);
	o.tmpdir = f->dir;
	d = open_doc(packed, &o);
	assert_int_equal(logdoc_tail(d, 1), 4);
	assert_int_equal(run_to(argv, listing), 0);
	fp = fopen(listing, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		assert_null(strstr(line, "nimadm-logdoc"));
		entries++;
	}
	fclose(fp);
	assert_int_equal(entries, 5); /* . .. t.log t.log.gz listing */
	logdoc_free(&d);
	free(listing);
	free(plain);
	free(packed);
}

static void test_logdoc_shows_what_a_truncated_gzip_holds(void **state)
{
	struct fx *f = *state;
	char *plain = path_in(f, "cut.log");
	char *packed = path_in(f, "cut.log.gz");
	char *cut = path_in(f, "cut2.log.gz");
	long long *offs = gen_numbered(plain, 200000);
	struct logdoc_opts o = { 0 };
	struct logdoc *d;
	struct logdoc_info info;
	struct stat st;
	char *data;
	int fd;

	assert_int_equal(compress_with("gzip", plain, packed), 0);
	assert_int_equal(stat(packed, &st), 0);
	data = xmalloc((size_t)st.st_size);
	fd = open(packed, O_RDONLY);
	assert_int_equal(read(fd, data, (size_t)st.st_size), st.st_size);
	close(fd);
	write_file(cut, data, (size_t)st.st_size / 2, 0);
	o.tmpdir = f->dir;
	d = open_doc(cut, &o);
	index_all(d);
	logdoc_info(d, &info);
	assert_true(info.decoded);
	assert_true(info.lines > 1000);
	assert_true(info.size < offs[200000]);
	assert_true(strlen(info.error) > 0);
	assert_int_equal(logdoc_seek_line(d, 1000), offs[999]);
	logdoc_free(&d);
	free(data);
	free(offs);
	free(cut);
	free(plain);
	free(packed);
}

/* A file with a compressor's magic that is not really compressed is shown as it is. */
static void test_logdoc_shows_undecodable_files_raw(void **state)
{
	struct fx *f = *state;
	char *path = path_in(f, "fake.gz");
	struct logdoc *d;
	struct logdoc_info info;
	struct got g = { 0 };

	write_file(path, "\x1f\x8bnot gzip at all\nsecond\n", 24, 0);
	d = open_doc(path, NULL);
	logdoc_info(d, &info);
	assert_string_equal(info.filter, "none");
	assert_true(strlen(info.error) > 0);
	assert_int_equal(logdoc_fetch(d, 0, 5, got_line, &g), 2);
	assert_string_equal(g.text[1], "second");
	got_free(&g);
	logdoc_free(&d);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logdoc_shows_first_screen_before_indexing,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_line_numbers_are_exact_after_indexing,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_seek_line_indexes_as_far_as_needed,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_index_memory_is_bounded, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_empty_file_has_no_lines, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_refuses_a_directory_and_a_missing_file,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_search_finds_forward_backward_and_wraps,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_search_ignores_case_when_asked, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_search_finds_matches_across_windows,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_search_is_stepwise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_marks_matches_for_highlighting, setup,
		                                teardown),
		cmocka_unit_test(test_logdoc_classifies_nimadm_lines),
		cmocka_unit_test(test_logdoc_jumps_between_banners_and_errors),
		cmocka_unit_test(test_logdoc_filter_lists_messages_only),
		cmocka_unit_test_setup_teardown(test_logdoc_follows_a_growing_file, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_notices_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_follows_a_rotated_file, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_handles_lines_of_a_megabyte, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_long_line_growing_without_newline,
		                                setup, teardown),
		cmocka_unit_test(test_logdoc_escapes_garbage_bytes),
		cmocka_unit_test(test_logdoc_render_matches_cmd_escape_display),
		cmocka_unit_test(test_logdoc_strips_cr_of_crlf_lines),
		cmocka_unit_test_setup_teardown(test_logdoc_reads_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_reads_xz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_reads_bzip2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_reads_compress_z, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_reads_zstd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_leaves_no_temporary_file, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_shows_what_a_truncated_gzip_holds,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_logdoc_shows_undecodable_files_raw, setup,
		                                teardown),
	};

	return cmocka_run_group_tests_name("logdoc", tests, NULL, NULL);
}
