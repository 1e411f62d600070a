/*
 * textview.c: a scrollable text area that wraps long lines at word
 * boundaries (or hard, for unbroken text). The COMMAND STATUS output, help
 * and command pop-ups use it. Display rows are rebuilt only when the width
 * changes; appending a line appends its rows.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void tui_tv_init(struct tui_textview *tv)
{
	memset(tv, 0, sizeof *tv);
	tv->width = 80;
	tv->found = -1;
	tv->follow = 0;
}

void tui_tv_clear(struct tui_textview *tv)
{
	for (size_t i = 0; i < tv->nlines; i++)
		free(tv->lines[i]);
	tv->nlines = 0;
	tv->nrows = 0;
	tv->top = 0;
	tv->found = -1;
}

void tui_tv_free(struct tui_textview *tv)
{
	tui_tv_clear(tv);
	free(tv->lines);
	free(tv->line_flags);
	free(tv->rows);
	memset(tv, 0, sizeof *tv);
}

static void tv_push_row(struct tui_textview *tv, size_t line, size_t off, size_t len)
{
	if (tv->nrows == tv->caprows) {
		tv->caprows = tv->caprows ? tv->caprows * 2 : 64;
		tv->rows = tui_xrealloc(tv->rows, tv->caprows * sizeof *tv->rows);
	}
	tv->rows[tv->nrows].line = line;
	tv->rows[tv->nrows].off = off;
	tv->rows[tv->nrows].len = len;
	tv->nrows++;
}

/* Splits one line into rows of at most tv->width columns. */
static void tv_wrap_line(struct tui_textview *tv, size_t line)
{
	const char *s = tv->lines[line];
	size_t len = strlen(s), off = 0;
	int width = tv->width > 0 ? tv->width : 1;

	if (len == 0) {
		tv_push_row(tv, line, 0, 0);
		return;
	}
	while (off < len) {
		size_t fit = tui_str_fit(s + off, len - off, width), cut = fit;
		if (fit == 0)
			fit = cut = 1;
		if (off + fit < len) {
			/* break after the last blank that fits, if there is one */
			size_t i = fit;
			while (i > 0 && s[off + i - 1] != ' ')
				i--;
			if (i > 0)
				cut = i;
		}
		tv_push_row(tv, line, off, cut);
		off += cut;
	}
}

void tui_tv_add_line(struct tui_textview *tv, const char *line, size_t len, unsigned flags)
{
	if (tv->max_lines > 0 && tv->nlines >= tv->max_lines) {
		/* drop the oldest half at once, so this stays cheap */
		size_t drop = tv->nlines / 2;
		for (size_t i = 0; i < drop; i++)
			free(tv->lines[i]);
		memmove(tv->lines, tv->lines + drop, (tv->nlines - drop) * sizeof *tv->lines);
		memmove(tv->line_flags, tv->line_flags + drop, tv->nlines - drop);
		tv->nlines -= drop;
		tv->found = -1;
		tui_tv_set_width(tv, -tv->width);
	}
	if (tv->nlines == tv->caplines) {
		tv->caplines = tv->caplines ? tv->caplines * 2 : 64;
		tv->lines = tui_xrealloc(tv->lines, tv->caplines * sizeof *tv->lines);
		tv->line_flags = tui_xrealloc(tv->line_flags, tv->caplines);
	}
	tv->lines[tv->nlines] = tui_str_printable(line, len);
	tv->line_flags[tv->nlines] = (unsigned char)flags;
	tv_wrap_line(tv, tv->nlines);
	tv->nlines++;
}

void tui_tv_add(struct tui_textview *tv, const char *text, unsigned flags)
{
	const char *p = text, *nl;

	if (text == NULL)
		return;
	while ((nl = strchr(p, '\n')) != NULL) {
		tui_tv_add_line(tv, p, (size_t)(nl - p), flags);
		p = nl + 1;
	}
	if (*p != '\0')
		tui_tv_add_line(tv, p, strlen(p), flags);
}

/* A negative width forces a rebuild at -width. */
void tui_tv_set_width(struct tui_textview *tv, int width)
{
	size_t top_line = tv->nrows > 0 && tv->top < tv->nrows ? tv->rows[tv->top].line : 0;

	if (width < 0)
		width = -width;
	else if (width == tv->width && tv->nrows > 0)
		return;
	tv->width = width > 0 ? width : 1;
	tv->nrows = 0;
	for (size_t i = 0; i < tv->nlines; i++)
		tv_wrap_line(tv, i);
	tv->top = 0;
	for (size_t r = 0; r < tv->nrows; r++) {
		if (tv->rows[r].line >= top_line) {
			tv->top = r;
			break;
		}
	}
}

static size_t tv_max_top(const struct tui_textview *tv, int h)
{
	return tv->nrows > (size_t)h ? tv->nrows - (size_t)h : 0;
}

void tui_tv_draw(struct tui_textview *tv, WINDOW *w, int y, int x, int h)
{
	if (tv->follow || tv->top > tv_max_top(tv, h))
		tv->top = tv_max_top(tv, h);
	for (int i = 0; i < h; i++) {
		size_t r = tv->top + (size_t)i;
		attr_t a = A_NORMAL;
		if (r >= tv->nrows) {
			tui_put(w, y + i, x, tv->width, "", 1);
			continue;
		}
		if (tv->found >= 0 && tv->rows[r].line == (size_t)tv->found)
			a = tui_attr(TUI_ROLE_FOUND);
		wattron(w, a);
		mvwaddnstr(w, y + i, x, tv->lines[tv->rows[r].line] + tv->rows[r].off,
		           (int)tv->rows[r].len);
		wattroff(w, a);
		{
			int used = tui_str_width(tv->lines[tv->rows[r].line] + tv->rows[r].off,
			                         tv->rows[r].len);
			for (; used < tv->width; used++)
				waddch(w, ' ');
		}
	}
}

int tui_tv_key(struct tui_textview *tv, enum tui_action a, int h)
{
	size_t max = tv_max_top(tv, h), page = h > 1 ? (size_t)h - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		if (tv->top > 0)
			tv->top--;
		break;
	case TUI_ACT_DOWN:
		if (tv->top < max)
			tv->top++;
		break;
	case TUI_ACT_PAGE_UP:
		tv->top = tv->top > page ? tv->top - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		tv->top = tv->top + page < max ? tv->top + page : max;
		break;
	case TUI_ACT_HOME:
		tv->top = 0;
		break;
	case TUI_ACT_END:
		tv->top = max;
		break;
	default:
		return 0;
	}
	tv->follow = tv->top >= max;
	return 1;
}

size_t tui_tv_above(const struct tui_textview *tv)
{
	return tv->top;
}

size_t tui_tv_below(const struct tui_textview *tv, int h)
{
	size_t shown = tv->top + (size_t)h;

	return tv->nrows > shown ? tv->nrows - shown : 0;
}

/* Finds text in the lines after the found one (next) or from the top line;
 * wraps around once. Returns 1 when found. */
int tui_tv_find(struct tui_textview *tv, const char *text, int next, int h)
{
	size_t start, n = tv->nlines;

	if (n == 0 || text == NULL || *text == '\0')
		return 0;
	if (next && tv->found >= 0)
		start = (size_t)tv->found + 1;
	else
		start = tv->top < tv->nrows ? tv->rows[tv->top].line : 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = (start + k) % n;
		if (tui_strcasestr(tv->lines[i], text) != NULL) {
			tv->found = (long)i;
			for (size_t r = 0; r < tv->nrows; r++) {
				if (tv->rows[r].line == i) {
					size_t max = tv_max_top(tv, h);
					tv->top = r < max ? r : max;
					break;
				}
			}
			tv->follow = 0;
			return 1;
		}
	}
	return 0;
}
