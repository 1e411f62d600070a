/*
 * view.c: a full screen the application draws itself (a live table, a log
 * viewer) with the kit's chrome around it: the centered title, the message
 * line and the function-key bar. The application gets a body rectangle and a
 * few clipped drawing calls in styles, never the curses window, so the kit
 * keeps owning the terminal and the headless dumps see what the user sees.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct view {
	struct tui_screen base;
	struct tui_view_def def;
	int *bar;            /* a copy of def.bar (the kit's bar format) */
	int top, rows, cols; /* the body, valid in draw */
	int cur_y, cur_x;    /* where the terminal cursor rests, -1: nowhere */
	int drawing;
};

static const int view_default_bar[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL,
	                                TUI_ACT_IMAGE, TUI_ACT_SHELL,   TUI_ACT_EXIT,
	                                TUI_BAR_END };

/* The body: from the row under the title to the row above the message line. */
static void view_body(struct view *v)
{
	int rows = getmaxy(v->base.win), cols = getmaxx(v->base.win);

	v->top = 1;
	v->rows = rows - tui_bar_rows(&v->base) - 1 - v->top;
	if (v->rows < 0)
		v->rows = 0;
	v->cols = cols;
}

static void view_layout(struct tui_screen *s)
{
	view_body((struct view *)s);
}

static void view_draw(struct tui_screen *s)
{
	struct view *v = (struct view *)s;

	werase(s->win);
	tui_draw_chrome(s);
	view_body(v);
	v->cur_y = v->cur_x = -1;
	v->drawing = 1;
	if (v->def.draw != NULL)
		v->def.draw(s->arg, s, v->rows, v->cols);
	v->drawing = 0;
	s->want_cursor = v->cur_y >= 0;
	if (v->cur_y >= 0)
		wmove(s->win, v->top + v->cur_y, v->cur_x);
	else
		wmove(s->win, 0, 0);
}

static int view_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct view *v = (struct view *)s;

	if (v->def.key == NULL)
		return 0;
	/* function keys are not characters: hide the kit's codes from the app */
	return v->def.key(s->arg, s, a, TUI_KEY_IS_FN(key) ? 0 : key);
}

static const char *view_help(struct tui_screen *s, const char **title)
{
	struct view *v = (struct view *)s;

	*title = s->title;
	return v->def.help_id;
}

static int view_busy(struct tui_screen *s)
{
	struct view *v = (struct view *)s;

	return v->def.busy != NULL && v->def.busy(s->arg, s);
}

static void view_free(struct tui_screen *s)
{
	struct view *v = (struct view *)s;

	free(v->bar);
}

static const struct tui_screen_ops view_ops = {
	.kind = "view",
	.layout = view_layout,
	.draw = view_draw,
	.key = view_key,
	.help = view_help,
	.busy = view_busy,
	.free = view_free,
};

struct tui_screen *tui_view_new(const struct tui_view_def *def, void *arg)
{
	struct view *v = tui_xcalloc(1, sizeof *v);
	const int *src = def->bar != NULL ? def->bar : view_default_bar;
	size_t n = 0;

	while (src[n] != TUI_BAR_END)
		n++;
	v->bar = tui_xcalloc(n + 1, sizeof *v->bar);
	memcpy(v->bar, src, n * sizeof *v->bar);
	v->def = *def;
	tui_screen_init(&v->base, &view_ops, def->title, v->bar, 0);
	v->base.close = def->close;
	v->base.arg = arg;
	v->cur_y = v->cur_x = -1;
	return &v->base;
}

static struct view *view_of(struct tui_screen *s)
{
	return s != NULL && s->ops == &view_ops ? (struct view *)s : NULL;
}

void tui_view_set_title(struct tui_screen *s, const char *title)
{
	struct view *v = view_of(s);

	if (v == NULL)
		return;
	free(s->title);
	s->title = tui_xstrdup(title != NULL ? title : "");
	s->dirty = 1;
}

void tui_view_size(struct tui_screen *s, int *rows, int *cols)
{
	struct view *v = view_of(s);
	int r = 0, c = 0;

	if (v != NULL && s->win != NULL) {
		view_body(v);
		r = v->rows;
		c = v->cols;
	}
	if (rows != NULL)
		*rows = r;
	if (cols != NULL)
		*cols = c;
}

static attr_t view_attr(unsigned style)
{
	attr_t a;

	switch (style & 0xff) {
	case TUI_STYLE_BOLD:
		a = A_BOLD;
		break;
	case TUI_STYLE_TITLE:
		a = tui_attr(TUI_ROLE_TITLE);
		break;
	case TUI_STYLE_ERROR:
		a = tui_attr(TUI_ROLE_ERROR);
		break;
	case TUI_STYLE_GOOD:
		a = tui_attr(TUI_ROLE_MARK);
		break;
	case TUI_STYLE_WARNING:
		a = tui_attr(TUI_ROLE_FOUND);
		break;
	case TUI_STYLE_MUTED:
		a = A_DIM;
		break;
	case TUI_STYLE_FOUND:
		a = tui_attr(TUI_ROLE_FOUND) | A_REVERSE;
		break;
	default:
		a = A_NORMAL;
		break;
	}
	if (style & TUI_STYLE_CURSOR)
		a ^= A_REVERSE;
	return a;
}

int tui_view_put(struct tui_screen *s, int y, int x, int width, unsigned style, const char *text)
{
	struct view *v = view_of(s);
	size_t n;
	int used;

	if (v == NULL || !v->drawing || text == NULL || y < 0 || y >= v->rows || x < 0 ||
	    x >= v->cols)
		return 0;
	if (width < 0 || x + width > v->cols)
		width = v->cols - x;
	n = tui_str_fit(text, strlen(text), width);
	used = tui_str_width(text, n);
	if (n == 0)
		return 0;
	wattron(s->win, view_attr(style));
	mvwaddnstr(s->win, v->top + y, x, text, (int)n);
	wattroff(s->win, view_attr(style));
	return used;
}

void tui_view_fill(struct tui_screen *s, int y, int x, int width, unsigned style)
{
	struct view *v = view_of(s);

	if (v == NULL || !v->drawing || y < 0 || y >= v->rows || x < 0 || x >= v->cols)
		return;
	if (width < 0 || x + width > v->cols)
		width = v->cols - x;
	wattron(s->win, view_attr(style));
	mvwhline(s->win, v->top + y, x, ' ', width);
	wattroff(s->win, view_attr(style));
}

void tui_view_cursor(struct tui_screen *s, int y, int x)
{
	struct view *v = view_of(s);

	if (v == NULL || !v->drawing)
		return;
	if (y < 0 || y >= v->rows || x < 0 || x >= v->cols) {
		v->cur_y = v->cur_x = -1;
		return;
	}
	v->cur_y = y;
	v->cur_x = x;
}

int tui_text_width(const char *s, size_t len)
{
	return s != NULL ? tui_str_width(s, len) : 0;
}

size_t tui_text_fit(const char *s, size_t len, int cols)
{
	return s != NULL ? tui_str_fit(s, len, cols) : 0;
}
