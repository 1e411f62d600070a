/*
 * logview.c: the log viewer. Opens any file through the log document
 * (engine/logdoc.h): a job's output, /var/adm/ras/alt_mig/ *.log, a client's
 * alt_disk_inst.log copied back, compressed rotations. It follows the file
 * while the cursor is on the last line (and stops when it moves up), searches
 * forward and back with highlighted matches, jumps between phase banners and
 * between errors or warnings, filters to the messages only, explains the
 * message under the cursor from the knowledge base, numbers lines, scrolls
 * long lines sideways and shows binary or invalid bytes escaped.
 *
 * Nothing here blocks on the file's size: indexing, searches and the filter
 * run in budgeted steps on a timer between keys, so the first screen of a
 * 1 GiB log shows at once and a search can be cancelled (F3).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "monitor.h"

#define LV_WORK_MS    1                 /* between steps of indexing, search, filter */
#define LV_STEP_BYTES (4 * 1024 * 1024) /* bytes per step */
#define LV_POLL_MS    200               /* looks at the file for growth (follow) */
#define LV_HSTEP      16                /* columns per Left/Right */
#define LV_NUM_COLS   8                 /* the line numbers' gutter */

const struct monitor_key logview_keys[] = {
	{ '/', "/", "Search forward for a string (lower case: any case)" },
	{ '?', "?", "Search backward" },
	{ 'n', "n", "Find the next match in the same direction" },
	{ 'N', "N", "Find the next match in the other direction" },
	{ ']', "]", "Jump to the next phase banner (Executing nimadm phase N.)" },
	{ '[', "[", "Jump to the previous phase banner" },
	{ 'e', "e", "Jump to the next error or warning" },
	{ 'E', "E", "Jump to the previous error or warning" },
	{ 'm', "m",
	  "Show only the messages (banners, errors, warnings, coded lines), or all lines" },
	{ '\r', "Enter", "Explain the message under the cursor (knowledge base)" },
	{ '#', "#", "Show or hide line numbers" },
	{ 'F', "F", "Follow the file: go to the end and stay there as it grows" },
	{ 0, NULL, NULL },
};

enum lv_search_kind { LV_NONE, LV_SEARCH, LV_JUMP };

struct logview {
	struct tui_screen *scr;
	struct logdoc *d;
	char *path;
	unsigned long generation;
	/* the view */
	long long top, cur; /* line starts: the first row, the cursor line */
	long long col;      /* the first display column shown */
	int numbers;
	int follow;
	int rows, cols; /* the text area, from the last draw */
	/* the messages-only filter */
	struct logdoc_filter *filter;
	int filter_on;
	size_t ftop, fcur;
	/* search and jumps */
	char *needle;
	size_t nlen;
	unsigned sflags;   /* LOGDOC_ICASE */
	int backward;      /* the direction of the last / or ? */
	long long hit_off; /* the last match, -1: none */
	struct logdoc_search *search;
	enum lv_search_kind search_kind;
	unsigned jump_kinds;
	int search_back;
	/* work and polling */
	unsigned work_timer, poll_timer;
	int index_done, filter_done;
	struct stat st; /* the file as last refreshed */
	struct logdoc_render r;
};

static void lv_work(void *arg);

static void lv_schedule(struct logview *v)
{
	if (v->work_timer == 0 &&
	    (!v->index_done || v->search != NULL || (v->filter != NULL && !v->filter_done)))
		v->work_timer = tui_timer(LV_WORK_MS, 0, lv_work, v);
}

/* ---- positions ------------------------------------------------------------------- */

static long long lv_last_line(struct logview *v)
{
	return logdoc_tail(v->d, 1);
}

/* The start of the line `n` rows below off (or as far as there are lines). */
static long long lv_down(struct logview *v, long long off, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long long nx = logdoc_next_line(v->d, off);
		if (nx < 0)
			break;
		off = nx;
	}
	return off;
}

static long long lv_up(struct logview *v, long long off, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long long p = logdoc_prev_line(v->d, off);
		if (p < 0)
			break;
		off = p;
	}
	return off;
}

static int lv_text_rows(const struct logview *v)
{
	return v->rows > 0 ? v->rows : 1;
}

/* No blank rows after the end while there is text above to show instead. */
static void lv_clamp_top(struct logview *v)
{
	size_t rows = (size_t)lv_text_rows(v);

	if (v->filter_on) {
		size_t n = logdoc_filter_count(v->filter);
		if (v->ftop + rows > n)
			v->ftop = n > rows ? n - rows : 0;
		return;
	}
	if (logdoc_at_end(v->d, v->top, rows)) {
		long long t = logdoc_tail(v->d, rows);
		if (t < v->top)
			v->top = t;
	}
}

/* Keeps the cursor line on the screen, scrolling as little as needed. */
static void lv_show_cursor(struct logview *v)
{
	long long bottom;

	if (v->filter_on) {
		size_t rows = (size_t)lv_text_rows(v);
		if (v->fcur < v->ftop)
			v->ftop = v->fcur;
		if (v->fcur >= v->ftop + rows)
			v->ftop = v->fcur - rows + 1;
		lv_clamp_top(v);
		return;
	}
	if (v->cur < v->top) {
		v->top = v->cur;
		return;
	}
	bottom = lv_down(v, v->top, (size_t)lv_text_rows(v) - 1);
	if (v->cur > bottom)
		v->top = lv_up(v, v->cur, (size_t)lv_text_rows(v) - 1);
}

/* Puts the cursor on a line found far away, a third of the screen down. */
static void lv_goto(struct logview *v, long long line_off)
{
	long long bottom = lv_down(v, v->top, (size_t)lv_text_rows(v) - 1);

	v->cur = line_off;
	if (line_off < v->top || line_off > bottom) {
		v->top = lv_up(v, line_off, (size_t)lv_text_rows(v) / 3);
		lv_clamp_top(v);
	}
	v->follow = v->cur == lv_last_line(v);
}

/* The end of the file, following it. */
static void lv_end(struct logview *v)
{
	if (v->filter_on) {
		size_t n = logdoc_filter_count(v->filter);
		v->fcur = n > 0 ? n - 1 : 0;
		lv_show_cursor(v);
		return;
	}
	v->cur = lv_last_line(v);
	v->top = logdoc_tail(v->d, (size_t)lv_text_rows(v));
	v->follow = 1;
}

/* The cursor line's offset in either mode. */
static long long lv_cursor_off(struct logview *v)
{
	if (v->filter_on) {
		const struct logdoc_filter_entry *fe = logdoc_filter_at(v->filter, v->fcur);
		return fe != NULL ? fe->off : v->cur;
	}
	return v->cur;
}

/* ---- the file changing ----------------------------------------------------------- */

static void lv_stat(struct logview *v)
{
	if (stat(v->path, &v->st) != 0)
		memset(&v->st, 0, sizeof v->st);
}

/* Looks for growth, truncation and rotation; moves a following view. */
static void lv_refresh(struct logview *v)
{
	struct err e;
	int r;

	err_clear(&e);
	lv_stat(v);
	r = logdoc_refresh(v->d, &e);
	if (r < 0) {
		tui_error("%s", e.msg);
		return;
	}
	if (r == 0)
		return;
	if (r & (LOGDOC_TRUNCATED | LOGDOC_ROTATED)) {
		/* every offset is stale: start again (at the end when following) */
		v->top = v->cur = 0;
		v->hit_off = -1;
		logdoc_search_cancel(&v->search);
		if (v->filter != NULL) {
			logdoc_filter_free(&v->filter);
			v->filter = logdoc_filter_new(v->d, LOGDOC_KIND_MESSAGES);
			v->filter_done = 0;
			v->ftop = v->fcur = 0;
		}
		tui_message("The file was %s: reading it again from the start.",
		            (r & LOGDOC_ROTATED) ? "replaced (rotated)" : "truncated");
	}
	if (r & LOGDOC_GONE)
		tui_error("%s is gone; showing what was read.", v->path);
	if (r & (LOGDOC_GREW | LOGDOC_TRUNCATED | LOGDOC_ROTATED)) {
		v->index_done = 0;
		if (v->filter != NULL)
			v->filter_done = 0;
	}
	/* index the news now, so a following view shows them in this pass */
	if (logdoc_index_step(v->d, LV_STEP_BYTES, NULL) == 0)
		v->index_done = 1;
	if (v->follow)
		lv_end(v);
	lv_schedule(v);
	tui_screen_dirty(v->scr);
}

static void lv_poll(void *arg)
{
	struct logview *v = arg;
	struct stat st;

	/* only a changed file costs more than a stat; a file gone was said once */
	if (stat(v->path, &st) != 0) {
		if (v->st.st_ino != 0)
			lv_refresh(v);
		return;
	}
	if (st.st_size != v->st.st_size || st.st_ino != v->st.st_ino ||
	    st.st_mtime != v->st.st_mtime || st.st_mtim.tv_nsec != v->st.st_mtim.tv_nsec)
		lv_refresh(v);
}

/* ---- search and jumps ----------------------------------------------------------------- */

static void lv_search_found(struct logview *v, const struct logdoc_hit *hit)
{
	if (v->search_kind == LV_SEARCH) {
		struct logdoc_line l;
		v->hit_off = hit->off;
		/* bring the match into view sideways too */
		if (logdoc_line_at(v->d, hit->line_off, &l) &&
		    hit->off - hit->line_off <= (long long)l.text_len) {
			long long mcol =
			    logdoc_text_cols(l.text, (size_t)(hit->off - hit->line_off));
			int width = v->cols - (v->numbers ? LV_NUM_COLS : 0) - 1;
			if (mcol < v->col || mcol + hit->len > v->col + width)
				v->col = mcol > 10 ? mcol - 10 : 0;
		}
	}
	if (v->filter_on) {
		size_t i = logdoc_filter_find(v->filter, hit->line_off);
		const struct logdoc_filter_entry *fe = logdoc_filter_at(v->filter, i);
		if (fe != NULL && fe->off == hit->line_off) {
			v->fcur = i;
			lv_show_cursor(v);
			return;
		}
		v->filter_on = 0;
		tui_message("Showing all lines: the match is not a message line.");
	}
	lv_goto(v, hit->line_off);
	if (hit->wrapped)
		tui_message("Search wrapped around the %s.", v->search_back ? "start" : "end");
}

static void lv_search_step(struct logview *v)
{
	struct logdoc_hit hit;
	struct err e;
	enum logdoc_status st;

	err_clear(&e);
	st = logdoc_search_step(v->search, LV_STEP_BYTES, &hit, &e);
	switch (st) {
	case LOGDOC_MORE:
		return;
	case LOGDOC_FOUND:
		lv_search_found(v, &hit);
		break;
	case LOGDOC_NOT_FOUND:
		if (v->search_kind == LV_SEARCH) {
			char *safe = cmd_escape_display(v->needle, v->nlen);
			tui_message("\"%s\" was not found.", safe);
			free(safe);
		} else {
			tui_message("No %s %s here.",
			            v->jump_kinds == LOGDOC_KIND_BANNER ? "phase banner"
			                                                : "error or warning",
			            v->search_back ? "above" : "below");
		}
		break;
	case LOGDOC_FAILED:
		tui_error("Search stopped: %s", e.msg);
		break;
	}
	logdoc_search_cancel(&v->search);
	v->search_kind = LV_NONE;
	tui_screen_dirty(v->scr);
}

/* Starts a search for the needle from the cursor (again: from the last match). */
static void lv_search_start(struct logview *v, int backward)
{
	long long from = lv_cursor_off(v);
	struct err e;
	unsigned flags = v->sflags | LOGDOC_WRAP | (backward ? LOGDOC_BACKWARD : 0);

	if (v->needle == NULL) {
		tui_message("Nothing to find yet: press / or ? first.");
		return;
	}
	/* after a match on this line, go on from it rather than finding it again */
	if (v->hit_off >= 0 && logdoc_line_start(v->d, v->hit_off) == from)
		from = backward ? v->hit_off : v->hit_off + 1;
	err_clear(&e);
	logdoc_search_cancel(&v->search);
	v->search = logdoc_search_start(v->d, v->needle, v->nlen, flags, from, &e);
	if (v->search == NULL) {
		tui_error("%s", e.msg);
		return;
	}
	v->search_kind = LV_SEARCH;
	v->search_back = backward;
	lv_search_step(v);
	lv_schedule(v);
}

static void lv_jump(struct logview *v, unsigned kinds, int backward)
{
	struct err e;

	err_clear(&e);
	logdoc_search_cancel(&v->search);
	v->search =
	    logdoc_jump_start(v->d, kinds, backward ? LOGDOC_BACKWARD : 0, lv_cursor_off(v), &e);
	if (v->search == NULL) {
		tui_error("%s", e.msg);
		return;
	}
	v->search_kind = LV_JUMP;
	v->jump_kinds = kinds;
	v->search_back = backward;
	lv_search_step(v);
	lv_schedule(v);
}

static void lv_needle_done(struct logview *v, const char *text, int backward)
{
	int lower = 1;

	if (text == NULL || *text == '\0')
		return;
	free(v->needle);
	v->needle = xstrdup(text);
	v->nlen = strlen(text);
	if (v->nlen > LOGDOC_NEEDLE_MAX) {
		tui_error("The search string is too long (at most %d bytes).", LOGDOC_NEEDLE_MAX);
		free(v->needle);
		v->needle = NULL;
		return;
	}
	/* smart case: a string in lower case matches either case */
	for (const char *p = text; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			lower = 0;
	v->sflags = lower ? LOGDOC_ICASE : 0;
	v->backward = backward;
	v->hit_off = -1;
	lv_search_start(v, backward);
	tui_screen_dirty(v->scr);
}

static void lv_find_fwd(void *arg, const char *text)
{
	lv_needle_done(arg, text, 0);
}

static void lv_find_back(void *arg, const char *text)
{
	lv_needle_done(arg, text, 1);
}

/* ---- the work timer: indexing, search, filter -------------------------------------------- */

static void lv_work(void *arg)
{
	struct logview *v = arg;
	struct err e;

	v->work_timer = 0;
	err_clear(&e);
	if (v->search != NULL) {
		lv_search_step(v);
	} else if (v->filter != NULL && !v->filter_done) {
		int r = logdoc_filter_step(v->filter, LV_STEP_BYTES, &e);
		if (r <= 0)
			v->filter_done = 1;
		if (r < 0)
			tui_error("%s", e.msg);
		if (v->filter_on && v->follow && r == 0)
			lv_end(v);
		tui_screen_dirty(v->scr);
	} else if (!v->index_done) {
		int r = logdoc_index_step(v->d, LV_STEP_BYTES, &e);
		if (r <= 0)
			v->index_done = 1;
		if (r < 0)
			tui_error("%s", e.msg);
		tui_screen_dirty(v->scr);
	}
	lv_schedule(v);
}

static int lv_busy(void *arg, struct tui_screen *s)
{
	struct logview *v = arg;
	struct stat st;

	(void)s;
	if (v->work_timer != 0 || v->search != NULL)
		return 1;
	/* headless: the file changed and the view has not caught up yet */
	if (stat(v->path, &st) != 0)
		return v->st.st_ino != 0;
	return st.st_size != v->st.st_size || st.st_ino != v->st.st_ino ||
	       st.st_mtime != v->st.st_mtime || st.st_mtim.tv_nsec != v->st.st_mtim.tv_nsec;
}

/* ---- drawing -------------------------------------------------------------------------- */

static unsigned lv_line_style(const struct logdoc_line *l, int *phase)
{
	unsigned kind = logdoc_classify(l->text, l->text_len, phase);

	if (kind & LOGDOC_KIND_ERROR)
		return TUI_STYLE_ERROR;
	if (kind & LOGDOC_KIND_WARNING)
		return TUI_STYLE_WARNING;
	if (kind & LOGDOC_KIND_BANNER)
		return TUI_STYLE_TITLE;
	return TUI_STYLE_NORMAL;
}

struct lv_draw {
	struct logview *v;
	int y;
};

/* One line: gutter (cursor mark, number), then the text with its matches. */
static void lv_draw_line(struct logview *v, int y, const struct logdoc_line *l, int is_cur)
{
	unsigned cur = is_cur ? TUI_STYLE_CURSOR : 0, base = lv_line_style(l, NULL);
	int x = 0, width;
	size_t i = 0;

	if (is_cur)
		tui_view_fill(v->scr, y, 0, -1, TUI_STYLE_CURSOR);
	tui_view_put(v->scr, y, 0, 1, cur, is_cur ? ">" : " ");
	x = 1;
	if (v->numbers || v->filter_on) {
		char num[32];
		long long n = l->lineno != LOGDOC_LINE_UNKNOWN
		                  ? l->lineno
		                  : logdoc_lineno_estimate(v->d, l->off);
		snprintf(num, sizeof num, "%s%*lld ", l->lineno != LOGDOC_LINE_UNKNOWN ? "" : "~",
		         l->lineno != LOGDOC_LINE_UNKNOWN ? LV_NUM_COLS - 2 : LV_NUM_COLS - 3, n);
		tui_view_put(v->scr, y, x, LV_NUM_COLS - 1, TUI_STYLE_MUTED | cur, num);
		x += LV_NUM_COLS - 1;
	}
	width = v->cols - x;
	if (width <= 0)
		return;
	logdoc_render(v->d, l->off, v->col, width, v->needle, v->needle != NULL ? v->nlen : 0,
	              v->sflags, &v->r);
	/* segments of one attribute each */
	while (i < v->r.text.len) {
		unsigned char a = v->r.attr[i];
		size_t j = i;
		char *seg;
		unsigned style = base;
		while (j < v->r.text.len && v->r.attr[j] == a)
			j++;
		if (a & LOGDOC_ATTR_MATCH)
			style = TUI_STYLE_FOUND;
		else if (a & LOGDOC_ATTR_ESCAPE)
			style = TUI_STYLE_MUTED;
		seg = xstrndup(v->r.text.buf + i, j - i);
		x += tui_view_put(v->scr, y, x, v->cols - x, style | cur, seg);
		free(seg);
		i = j;
	}
	if (v->r.more_right)
		tui_view_put(v->scr, y, v->cols - 1, 1, TUI_STYLE_BOLD | cur, ">");
	if (v->r.more_left)
		tui_view_put(v->scr, y, 0, 1, TUI_STYLE_BOLD | cur, is_cur ? ">" : "<");
}

static int lv_draw_cb(void *arg, const struct logdoc_line *l)
{
	struct lv_draw *dr = arg;

	lv_draw_line(dr->v, dr->y, l, l->off == dr->v->cur);
	dr->y++;
	return dr->y >= 1 + dr->v->rows;
}

static int lv_draw_one(void *arg, const struct logdoc_line *l)
{
	struct lv_draw *dr = arg;

	lv_draw_line(dr->v, dr->y, l, dr->v->filter_on && dr->y - 1 + dr->v->ftop == dr->v->fcur);
	return 1;
}

static void lv_fmt_count(char *buf, size_t size, long long n)
{
	/* 1,234,567 */
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%lld", n < 0 ? 0 : n), o = 0;

	for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static void lv_draw_status(struct logview *v, int y, int cols)
{
	struct logdoc_info info;
	struct strbuf sb = { 0 };
	char a[32], b[32];
	long long off = lv_cursor_off(v), ln = logdoc_lineno(v->d, off);

	logdoc_info(v->d, &info);
	if (ln == LOGDOC_LINE_UNKNOWN) {
		lv_fmt_count(a, sizeof a, logdoc_lineno_estimate(v->d, off));
		sb_addf(&sb, "line ~%s", a);
	} else {
		lv_fmt_count(a, sizeof a, ln);
		sb_addf(&sb, "line %s", a);
	}
	lv_fmt_count(b, sizeof b, info.lines);
	sb_addf(&sb, " of %s%s", info.complete ? "" : "~", b);
	if (info.size > 0) {
		/* how much of the text is at or above the cursor line, as less says it */
		long long end = logdoc_next_line(v->d, off);
		sb_addf(&sb, " (%d%%)", (int)((end < 0 ? info.size : end) * 100 / info.size));
	}
	if (v->col > 0)
		sb_addf(&sb, "  col %lld", v->col);
	if (v->filter_on)
		sb_addf(&sb, "  messages only: %zu%s", logdoc_filter_count(v->filter),
		        v->filter_done ? "" : "...");
	if (v->search != NULL) {
		long long done, total;
		logdoc_search_progress(v->search, &done, &total);
		sb_addf(&sb, "  searching %d%% (F3 stops)",
		        total > 0 ? (int)(done * 100 / total) : 0);
	} else if (v->needle != NULL) {
		char *safe = cmd_escape_display(v->needle, v->nlen);
		sb_addf(&sb, "  %c%s", v->backward ? '?' : '/', safe);
		free(safe);
	}
	if (v->follow)
		sb_adds(&sb, "  [follow]");
	tui_view_put(v->scr, y, 0, cols, TUI_STYLE_MUTED, sb.buf);
	sb_free(&sb);
}

static void lv_draw(void *arg, struct tui_screen *s, int rows, int cols)
{
	struct logview *v = arg;
	struct logdoc_info info;
	struct strbuf sb = { 0 };
	struct lv_draw dr = { v, 1 };
	char size[32];
	char *safe;

	(void)s;
	v->rows = rows - 2;
	v->cols = cols;
	if (v->rows < 1)
		v->rows = 1;
	/* the size may have changed: no blank rows after the end, the last line
	 * at the bottom while following */
	if (v->follow && !v->filter_on)
		v->top = logdoc_tail(v->d, (size_t)v->rows);
	else
		lv_clamp_top(v);
	logdoc_info(v->d, &info);
	safe = cmd_escape_display(v->path, strlen(v->path));
	lv_fmt_count(size, sizeof size, info.size);
	sb_addf(&sb, "%s  (%s bytes%s%s%s)", safe, size,
	        strcmp(info.filter, "none") != 0 ? ", " : "",
	        strcmp(info.filter, "none") != 0 ? info.filter : "",
	        info.error != NULL && info.error[0] != '\0' ? ", read error" : "");
	free(safe);
	if ((int)sb.len > cols) {
		/* keep the end of a long path: the file's name */
		size_t cut = sb.len - (size_t)cols + 3;
		char *tail = xasprintf("...%s", sb.buf + cut);
		tui_view_put(s, 0, 0, cols, TUI_STYLE_BOLD, tail);
		free(tail);
	} else {
		tui_view_put(s, 0, 0, cols, TUI_STYLE_BOLD, sb.buf);
	}
	sb_free(&sb);
	if (v->filter_on) {
		size_t n = logdoc_filter_count(v->filter);
		if (n == 0)
			tui_view_put(s, 1, 2, cols - 2, TUI_STYLE_MUTED,
			             v->filter_done ? "No messages in this file."
			                            : "Looking for messages...");
		for (size_t i = v->ftop; i < n && dr.y < 1 + v->rows; i++, dr.y++) {
			const struct logdoc_filter_entry *fe = logdoc_filter_at(v->filter, i);
			if (fe == NULL || logdoc_fetch(v->d, fe->off, 1, lv_draw_one, &dr) == 0)
				break;
		}
	} else if (info.size == 0) {
		tui_view_put(s, 1, 2, cols - 2, TUI_STYLE_MUTED, "The file is empty.");
	} else {
		logdoc_fetch(v->d, v->top, (size_t)v->rows, lv_draw_cb, &dr);
	}
	lv_draw_status(v, rows - 1, cols);
}

/* ---- keys --------------------------------------------------------------------------------- */

static void lv_explain(struct logview *v)
{
	long long off = lv_cursor_off(v);
	const struct kb_entry *kb = logdoc_kb_at(v->d, off);
	struct logdoc_line l;
	struct strbuf sb = { 0 };
	char *safe;

	if (!logdoc_line_at(v->d, off, &l)) {
		tui_message("The file is empty.");
		return;
	}
	if (kb == NULL) {
		tui_message("No explanation is known for this line.");
		return;
	}
	safe = cmd_escape_display(l.text, l.text_len > 300 ? 300 : l.text_len);
	sb_addf(&sb, "%s\n\n%s%s\n\nWhat it means:\n%s\n", safe, kb->title,
	        kb->harmless ? " (harmless)" : "", kb->meaning);
	free(safe);
	if (kb->fix[0] != '\0')
		sb_addf(&sb, "\nWhat to do:\n%s\n", kb->fix);
	if (kb->phase[0] != '\0')
		sb_addf(&sb, "\nTypically in phase %s.\n", kb->phase);
	tui_popup_text(kb->id, sb.buf);
	sb_free(&sb);
}

static void lv_toggle_filter(struct logview *v)
{
	if (v->filter_on) {
		const struct logdoc_filter_entry *fe = logdoc_filter_at(v->filter, v->fcur);
		v->filter_on = 0;
		if (fe != NULL)
			lv_goto(v, fe->off);
		return;
	}
	if (v->filter == NULL) {
		v->filter = logdoc_filter_new(v->d, LOGDOC_KIND_MESSAGES);
		v->filter_done = 0;
		/* build the first part now: the list shows at once for most logs */
		if (logdoc_filter_step(v->filter, LV_STEP_BYTES, NULL) <= 0)
			v->filter_done = 1;
	}
	v->filter_on = 1;
	v->fcur = logdoc_filter_find(v->filter, v->cur);
	if (v->fcur >= logdoc_filter_count(v->filter) && v->fcur > 0)
		v->fcur = logdoc_filter_count(v->filter) - 1;
	v->ftop = v->fcur > (size_t)lv_text_rows(v) / 3 ? v->fcur - (size_t)lv_text_rows(v) / 3 : 0;
	lv_clamp_top(v);
	lv_schedule(v);
}

static void lv_move(struct logview *v, enum tui_action a)
{
	size_t page = (size_t)lv_text_rows(v) > 1 ? (size_t)lv_text_rows(v) - 1 : 1;

	if (v->filter_on) {
		size_t n = logdoc_filter_count(v->filter);
		switch (a) {
		case TUI_ACT_UP:
			v->fcur = v->fcur > 0 ? v->fcur - 1 : 0;
			break;
		case TUI_ACT_DOWN:
			v->fcur = v->fcur + 1 < n ? v->fcur + 1 : v->fcur;
			break;
		case TUI_ACT_PAGE_UP:
			v->fcur = v->fcur > page ? v->fcur - page : 0;
			v->ftop = v->ftop > page ? v->ftop - page : 0;
			break;
		case TUI_ACT_PAGE_DOWN:
			v->fcur = v->fcur + page < n ? v->fcur + page : (n > 0 ? n - 1 : 0);
			v->ftop = v->ftop + page < n ? v->ftop + page : v->ftop;
			break;
		case TUI_ACT_HOME:
			v->fcur = v->ftop = 0;
			break;
		default:
			break;
		}
		v->follow = 0;
		lv_show_cursor(v);
		return;
	}
	switch (a) {
	case TUI_ACT_UP:
		v->cur = lv_up(v, v->cur, 1);
		break;
	case TUI_ACT_DOWN:
		v->cur = lv_down(v, v->cur, 1);
		break;
	case TUI_ACT_PAGE_UP:
		v->top = lv_up(v, v->top, page);
		v->cur = lv_up(v, v->cur, page);
		break;
	case TUI_ACT_PAGE_DOWN: {
		long long last = lv_last_line(v);
		v->cur = lv_down(v, v->cur, page);
		v->top = lv_down(v, v->top, page);
		/* never scroll the last line above the bottom */
		if (logdoc_at_end(v->d, v->top, (size_t)lv_text_rows(v)))
			v->top = logdoc_tail(v->d, (size_t)lv_text_rows(v));
		if (v->cur > last)
			v->cur = last;
		break;
	}
	case TUI_ACT_HOME:
		v->top = v->cur = 0;
		break;
	default:
		break;
	}
	lv_show_cursor(v);
	/* follow is on while the cursor is on the last line */
	v->follow = v->cur == lv_last_line(v);
}

static int lv_key(void *arg, struct tui_screen *s, enum tui_action a, int key)
{
	struct logview *v = arg;

	switch (key) {
	case '/':
		tui_prompt("Find", "Search forward for:", "", lv_find_fwd, v);
		goto done;
	case '?':
		tui_prompt("Find", "Search backward for:", "", lv_find_back, v);
		goto done;
	case 'n':
		lv_search_start(v, v->backward);
		goto done;
	case 'N':
		lv_search_start(v, !v->backward);
		goto done;
	case ']':
		lv_jump(v, LOGDOC_KIND_BANNER, 0);
		goto done;
	case '[':
		lv_jump(v, LOGDOC_KIND_BANNER, 1);
		goto done;
	case 'e':
		lv_jump(v, LOGDOC_KIND_ERROR | LOGDOC_KIND_WARNING, 0);
		goto done;
	case 'E':
		lv_jump(v, LOGDOC_KIND_ERROR | LOGDOC_KIND_WARNING, 1);
		goto done;
	case 'm':
		lv_toggle_filter(v);
		goto done;
	case '#':
		v->numbers = !v->numbers;
		goto done;
	case 'F':
		if (v->filter_on)
			lv_toggle_filter(v);
		lv_end(v);
		goto done;
	default:
		break;
	}
	switch (a) {
	case TUI_ACT_UP:
	case TUI_ACT_DOWN:
	case TUI_ACT_PAGE_UP:
	case TUI_ACT_PAGE_DOWN:
	case TUI_ACT_HOME:
		lv_move(v, a);
		break;
	case TUI_ACT_END:
		lv_end(v);
		break;
	case TUI_ACT_LEFT:
		v->col = v->col > LV_HSTEP ? v->col - LV_HSTEP : 0;
		break;
	case TUI_ACT_RIGHT:
		v->col += LV_HSTEP;
		break;
	case TUI_ACT_DO:
		lv_explain(v);
		break;
	case TUI_ACT_CANCEL:
		if (v->search == NULL)
			return 0; /* the kit pops the viewer */
		logdoc_search_cancel(&v->search);
		v->search_kind = LV_NONE;
		tui_message("Search stopped.");
		break;
	case TUI_ACT_HELP: {
		char *text = monitor_help_text("logview", logview_keys);
		tui_popup_text("Log Viewer", text);
		free(text);
		break;
	}
	case TUI_ACT_REFRESH:
		lv_refresh(v);
		return 0;
	default:
		return 0;
	}
done:
	tui_screen_dirty(s);
	return 1;
}

static void lv_close(void *arg)
{
	struct logview *v = arg;

	tui_timer_cancel(v->work_timer);
	tui_timer_cancel(v->poll_timer);
	logdoc_search_cancel(&v->search);
	logdoc_filter_free(&v->filter);
	logdoc_render_free(&v->r);
	logdoc_free(&v->d);
	free(v->needle);
	free(v->path);
	free(v);
}

static const int lv_bar_keys[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH,   TUI_ACT_CANCEL,
	                           TUI_ACT_IMAGE, TUI_ACT_SHELL,     TUI_ACT_EXIT,
	                           TUI_ACT_FIND,  TUI_ACT_FIND_NEXT, TUI_ACT_NONE };

static const struct tui_view_def lv_def = {
	.title = "Log Viewer",
	.help_id = "screens/logview",
	.bar = lv_bar_keys,
	.draw = lv_draw,
	.key = lv_key,
	.busy = lv_busy,
	.close = lv_close,
};

struct tui_screen *logview_new(const char *path, struct err *e)
{
	struct logview *v;
	struct logdoc *d = logdoc_open(path, NULL, e);
	const char *base;
	char *title;

	if (d == NULL)
		return NULL;
	v = xcalloc(1, sizeof *v);
	v->d = d;
	v->path = xstrdup(path);
	v->hit_off = -1;
	v->rows = 20;
	lv_stat(v);
	if (logdoc_index_step(d, LV_STEP_BYTES, NULL) == 0)
		v->index_done = 1;
	v->scr = tui_view_new(&lv_def, v);
	base = strrchr(path, '/');
	title = xasprintf("Log Viewer: %s", base != NULL && base[1] != '\0' ? base + 1 : path);
	{
		char *safe = cmd_escape_display(title, strlen(title));
		tui_view_set_title(v->scr, safe);
		free(safe);
	}
	free(title);
	tui_view_size(v->scr, &v->rows, &v->cols);
	v->rows -= 2;
	v->follow = v->cur == lv_last_line(v);
	lv_schedule(v);
	v->poll_timer = tui_timer(LV_POLL_MS, TUI_TIMER_REPEAT | TUI_TIMER_BACKGROUND, lv_poll, v);
	return v->scr;
}

void logview_follow(struct tui_screen *view)
{
	struct logview *v = tui_screen_arg(view);

	if (v == NULL)
		return;
	lv_end(v);
	tui_screen_dirty(view);
}

void logview_open(const char *path)
{
	struct tui_screen *s;
	struct err e;

	err_clear(&e);
	s = logview_new(path, &e);
	if (s == NULL)
		tui_error("%s", e.msg);
	else
		tui_push(s);
}

/* ---- choosing a log ----------------------------------------------------------------------- */

#define LV_OTHER      "(another file)"
#define LV_ALT_MIG    "/var/adm/ras/alt_mig"
#define LV_CLIENT_LOG "/var/adm/ras/alt_disk_inst.log"

struct lv_choose {
	struct site *site;
};

static void lv_other_done(void *arg, const char *text)
{
	(void)arg;
	if (text != NULL && *text != '\0')
		logview_open(text);
}

static void lv_chosen(void *arg, const char *const *values, size_t n)
{
	struct lv_choose *c = arg;

	if (n < 1)
		return;
	if (strcmp(values[0], LV_OTHER) == 0) {
		tui_prompt("Log Viewer", "The file to open:", "", lv_other_done, NULL);
	} else if (values[0][0] == '/') {
		logview_open(values[0]);
	} else if (strchr(values[0], ':') != NULL && c->site != NULL &&
	           c->site->lab_state != NULL) {
		/* HOST:/path of a lab: the file in the lab's tree */
		const char *colon = strchr(values[0], ':');
		char *path = xasprintf("%s/files/%.*s%s", c->site->lab_state,
		                       (int)(colon - values[0]), values[0], colon + 1);
		logview_open(path);
		free(path);
	} else {
		char *path = job_output_path(c->site, values[0]);
		logview_open(path);
		free(path);
	}
}

static void lv_choose_close(void *arg)
{
	free(arg);
}

static const struct tui_picklist_def lv_choose_def = {
	.title = "Open a Log",
	.help_id = "screens/logview",
	.chosen = lv_chosen,
	.close = lv_choose_close,
};

/* Adds the files of a directory to a list, named `prefix` + the AIX path. */
static void lv_list_dir(struct tui_list_req *req, const char *dir, const char *prefix,
                        const char *aix_dir, const char *desc)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *name;
		if (de->d_name[0] == '.')
			continue;
		name = xasprintf("%s%s/%s", prefix, aix_dir, de->d_name);
		tui_list_add(req, name, desc);
		free(name);
	}
	closedir(d);
}

void logview_choose(struct site *site)
{
	struct lv_choose *c = xcalloc(1, sizeof *c);
	struct tui_list_req *req;
	struct tui_screen *pl;
	struct job_info *jobs = NULL;
	size_t n = 0;
	DIR *d;
	struct dirent *de;

	c->site = site;
	pl = tui_picklist_new(&lv_choose_def, c, NULL, &req);
	tui_push(pl);
	/* the jobs' outputs, newest first */
	if (site != NULL && job_list(site, &jobs, &n, NULL) == 0) {
		for (size_t i = n; i-- > 0;) {
			char *desc = xasprintf("output of %s %s (%s)",
			                       jobs[i].mode != NULL ? jobs[i].mode : "?",
			                       jobs[i].client != NULL ? jobs[i].client : "?",
			                       job_status_name(jobs[i].status));
			tui_list_add(req, jobs[i].id, desc);
			free(desc);
		}
		job_list_free(&jobs, n);
	}
	/* nimadm's own logs (and their rotations) on the master: in a lab, in
	 * the lab's file tree, with the clients' alt_disk_inst.log */
	if (site != NULL && site->lab_state != NULL) {
		char *files = xasprintf("%s/files", site->lab_state);
		char *dir = xasprintf("%s/master%s", files, LV_ALT_MIG);
		lv_list_dir(req, dir, "master:", LV_ALT_MIG, "nimadm's log (lab)");
		free(dir);
		if ((d = opendir(files)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				char *path, *name;
				struct stat st;
				if (de->d_name[0] == '.' || strcmp(de->d_name, "master") == 0)
					continue;
				path = xasprintf("%s/%s%s", files, de->d_name, LV_CLIENT_LOG);
				name = xasprintf("%s:%s", de->d_name, LV_CLIENT_LOG);
				if (stat(path, &st) == 0)
					tui_list_add(req, name, "the client's alt_disk log (lab)");
				free(name);
				free(path);
			}
			closedir(d);
		}
		free(files);
	} else {
		lv_list_dir(req, LV_ALT_MIG, "", LV_ALT_MIG, "nimadm's log on the master");
	}
	tui_list_add(req, LV_OTHER, "type the name of any log file");
	tui_list_done(req, NULL);
}

void app_open_log(const char *path)
{
	if (path == NULL)
		logview_choose(app_site());
	else
		logview_open(path);
}
