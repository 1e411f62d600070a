/*
 * screen.c: the screen stack and what every screen shares: its window and
 * panel, the smitty chrome (centered title, message line, function-key bar
 * in columns, the pop-up box) and the default handling of actions.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

void tui_screen_init(struct tui_screen *s, const struct tui_screen_ops *ops, const char *title,
                     const int *bar, int popup)
{
	s->ops = ops;
	s->title = tui_xstrdup(title != NULL ? title : "");
	s->bar = bar;
	s->popup = popup;
	s->bar_cols = popup ? 3 : 4;
	s->dirty = 1;
}

int tui_screen_has_action(const struct tui_screen *s, enum tui_action a)
{
	if (s->bar == NULL)
		return 0;
	for (const int *b = s->bar; *b != TUI_BAR_END; b++)
		if ((*b & ~TUI_BAR_ALT) == (int)a)
			return 1;
	return 0;
}

void *tui_screen_arg(const struct tui_screen *s)
{
	return s != NULL ? s->arg : NULL;
}

void tui_screen_free(struct tui_screen **sp)
{
	struct tui_screen *s;

	if (sp == NULL || *sp == NULL)
		return;
	s = *sp;
	*sp = NULL;
	/* the close hook runs here, after the pass: a callback of the pass
	 * (a pick list's chosen hook) may still use what it frees */
	if (s->close != NULL) {
		void (*fn)(void *) = s->close;
		s->close = NULL;
		fn(s->arg);
	}
	if (s->ops->free != NULL)
		s->ops->free(s);
	if (s->panel != NULL)
		del_panel(s->panel);
	if (s->win != NULL)
		delwin(s->win);
	free(s->title);
	free(s->msg);
	free(s);
}

void tui_screen_dirty(struct tui_screen *s)
{
	if (s != NULL)
		s->dirty = 1;
}

/* ---- the stack ---- */

struct tui_screen *tui_top(void)
{
	return tui_g.nstack > 0 ? tui_g.stack[tui_g.nstack - 1] : NULL;
}

size_t tui_depth(void)
{
	return tui_g.nstack;
}

void tui_screen_place(struct tui_screen *s)
{
	int h = tui_g.rows, w = tui_g.cols, y = 0, x = 0;

	if (tui_g.too_small) {
		if (s->win == NULL) {
			s->win = newwin(1, 1, 0, 0);
			s->panel = new_panel(s->win);
			hide_panel(s->panel);
		}
		return;
	}
	if (s->popup && s->ops->popup_size != NULL) {
		s->ops->popup_size(s, &h, &w);
		if (h > tui_g.rows)
			h = tui_g.rows;
		if (w > tui_g.cols)
			w = tui_g.cols;
		y = (tui_g.rows - h) / 2;
		x = (tui_g.cols - w) / 2;
	}
	if (s->win != NULL && getmaxy(s->win) == h && getmaxx(s->win) == w) {
		if (getbegy(s->win) != y || getbegx(s->win) != x)
			move_panel(s->panel, y, x);
	} else {
		WINDOW *nw = newwin(h, w, y, x);
		if (nw == NULL)
			return;
		keypad(nw, TRUE);
		if (s->panel != NULL) {
			replace_panel(s->panel, nw);
		} else {
			s->panel = new_panel(nw);
		}
		if (s->win != NULL)
			delwin(s->win);
		s->win = nw;
	}
	if (s->ops->layout != NULL)
		s->ops->layout(s);
	s->dirty = 1;
}

void tui_push(struct tui_screen *s)
{
	if (s == NULL || s->pushed)
		return;
	if (tui_g.nstack == tui_g.capstack) {
		tui_g.capstack = tui_g.capstack ? tui_g.capstack * 2 : 8;
		tui_g.stack = tui_xrealloc(tui_g.stack, tui_g.capstack * sizeof *tui_g.stack);
	}
	tui_g.stack[tui_g.nstack++] = s;
	s->pushed = 1;
	tui_screen_place(s);
	if (s->panel != NULL) {
		if (tui_g.too_small)
			hide_panel(s->panel);
		else
			top_panel(s->panel);
	}
	s->dirty = 1;
	tui_g.keys_since_draw = 1;
}

void tui_pop(void)
{
	struct tui_screen *s, *top;

	if (tui_g.nstack == 0)
		return;
	s = tui_g.stack[--tui_g.nstack];
	s->popped = 1;
	if (s->panel != NULL)
		hide_panel(s->panel);
	s->next_free = tui_g.grave;
	tui_g.grave = s;
	top = tui_top();
	if (top != NULL)
		top->dirty = 1;
	tui_g.keys_since_draw = 1;
}

void tui_close(struct tui_screen *s)
{
	for (size_t i = 0; i < tui_g.nstack; i++) {
		if (tui_g.stack[i] == s) {
			while (tui_g.nstack > i)
				tui_pop();
			return;
		}
	}
}

static void screen_vmessage(int error, const char *fmt, va_list ap)
{
	struct tui_screen *s = tui_top();

	if (s == NULL)
		return;
	free(s->msg);
	s->msg = tui_xvasprintf(fmt, ap);
	s->msg_error = error;
	s->dirty = 1;
}

void tui_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	screen_vmessage(0, fmt, ap);
	va_end(ap);
}

void tui_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	screen_vmessage(1, fmt, ap);
	va_end(ap);
}

/* ---- drawing helpers ---- */

void tui_put(WINDOW *w, int y, int x, int width, const char *s, int pad)
{
	size_t n;
	int used;

	if (width <= 0 || y < 0 || y >= getmaxy(w))
		return;
	if (s == NULL)
		s = "";
	n = tui_str_fit(s, strlen(s), width);
	mvwaddnstr(w, y, x, s, (int)n);
	used = tui_str_width(s, n);
	if (pad)
		for (; used < width; used++)
			waddch(w, ' ');
}

void tui_put_center(WINDOW *w, int y, int x, int width, const char *s)
{
	int sw = tui_str_width(s, strlen(s));
	int off = sw < width ? (width - sw) / 2 : 0;

	tui_put(w, y, x + off, width - off, s, 0);
}

/* "F1=Help", "Enter=Do", "/=Find" for a bar entry. */
static void screen_bar_label(int entry, char *buf, size_t size)
{
	enum tui_action a = (enum tui_action)(entry & ~TUI_BAR_ALT);
	const struct tui_action_info *ai = tui_action_info(a);
	const char *label, *keys;
	size_t klen;

	if (ai == NULL) {
		buf[0] = '\0';
		return;
	}
	label = (entry & TUI_BAR_ALT) && a == TUI_ACT_EDIT ? "Select" : ai->label;
	if (ai->fkey > 0) {
		snprintf(buf, size, "F%d=%s", ai->fkey, label);
		return;
	}
	keys = tui_action_keys(a);
	klen = strcspn(keys, ",");
	snprintf(buf, size, "%.*s=%s", (int)klen, keys, label);
}

int tui_bar_rows(const struct tui_screen *s)
{
	int n = 0;

	if (s->bar == NULL)
		return 0;
	for (const int *b = s->bar; *b != TUI_BAR_END; b++)
		n++;
	return (n + s->bar_cols - 1) / s->bar_cols;
}

static void screen_draw_bar(struct tui_screen *s, int y, int x, int width)
{
	int col = 0, colw = width / s->bar_cols;
	char label[64];

	if (s->bar == NULL)
		return;
	for (const int *b = s->bar; *b != TUI_BAR_END; b++) {
		screen_bar_label(*b, label, sizeof label);
		wattron(s->win, tui_attr(TUI_ROLE_FKEY));
		tui_put(s->win, y, x + col * colw, colw, label, 0);
		wattroff(s->win, tui_attr(TUI_ROLE_FKEY));
		if (++col == s->bar_cols) {
			col = 0;
			y++;
		}
	}
}

void tui_popup_inner(const struct tui_screen *s, int *y0, int *x0, int *h, int *w)
{
	int rows = getmaxy(s->win), cols = getmaxx(s->win);

	*y0 = 3;
	*x0 = 2;
	*w = cols - 4;
	*h = rows - tui_popup_height(s, 0);
	if (*h < 0)
		*h = 0;
	if (*w < 0)
		*w = 0;
}

int tui_popup_height(const struct tui_screen *s, int content)
{
	/* box, title, blank | content | blank, message, bar, box */
	return 3 + content + 2 + tui_bar_rows(s) + 1;
}

int tui_draw_chrome(struct tui_screen *s)
{
	WINDOW *w = s->win;
	int rows = getmaxy(w), cols = getmaxx(w), brows = tui_bar_rows(s), msg_row;

	if (s->popup) {
		tui_term_box(w);
		wattron(w, tui_attr(TUI_ROLE_TITLE));
		tui_put_center(w, 1, 1, cols - 2, s->title);
		wattroff(w, tui_attr(TUI_ROLE_TITLE));
		msg_row = rows - 2 - brows;
		tui_put(w, msg_row, 2, cols - 4, "", 1);
		screen_draw_bar(s, rows - 1 - brows, 2, cols - 4);
		if (s->msg != NULL) {
			wattron(w, tui_attr(s->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL));
			tui_put(w, msg_row, 2, cols - 4, s->msg, 0);
			wattroff(w, tui_attr(s->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL));
		}
		return msg_row;
	}
	wattron(w, tui_attr(TUI_ROLE_TITLE));
	tui_put_center(w, 0, 0, cols, s->title);
	wattroff(w, tui_attr(TUI_ROLE_TITLE));
	msg_row = rows - brows - 1;
	screen_draw_bar(s, rows - brows, 0, cols);
	if (s->msg != NULL) {
		wattron(w, tui_attr(s->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL));
		tui_put(w, msg_row, 0, cols, s->msg, 0);
		wattroff(w, tui_attr(s->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL));
	}
	return msg_row;
}

void tui_draw_markers(WINDOW *w, int top_row, int bottom_row, size_t above, size_t below)
{
	char buf[48];

	if (above == 0 && below == 0)
		return;
	if (above == 0 && top_row >= 0)
		mvwaddstr(w, top_row, 0, "[TOP]");
	if (below > 0)
		snprintf(buf, sizeof buf, "[MORE...%zu]", below);
	else
		snprintf(buf, sizeof buf, "[BOTTOM]");
	if (bottom_row >= 0)
		mvwaddstr(w, bottom_row, 0, buf);
}

/* ---- default actions ---- */

static void screen_find_done(void *arg, const char *text)
{
	struct tui_screen *s = arg;

	if (text == NULL || *text == '\0')
		return;
	free(tui_g.last_find);
	tui_g.last_find = tui_xstrdup(text);
	for (size_t i = 0; i < tui_g.nstack; i++)
		if (tui_g.stack[i] == s && s->ops->find != NULL)
			s->ops->find(s, text, 0);
}

void tui_screen_find(struct tui_screen *s, int next)
{
	if (s->ops->find == NULL)
		return;
	if (next) {
		if (tui_g.last_find == NULL)
			tui_message("Nothing to find yet: press / first.");
		else
			s->ops->find(s, tui_g.last_find, 1);
		return;
	}
	tui_prompt("Find", "Enter the string to find:", tui_g.last_find, screen_find_done, s);
}

static void (*screen_refresh_fn)(void *arg);
static void *screen_refresh_arg;

void tui_on_refresh(void (*fn)(void *arg), void *arg)
{
	screen_refresh_fn = fn;
	screen_refresh_arg = arg;
}

void tui_screen_default_action(struct tui_screen *s, enum tui_action a)
{
	const char *id, *title = NULL;

	switch (a) {
	case TUI_ACT_HELP:
		if (!tui_screen_has_action(s, a))
			break;
		id = s->ops->help != NULL ? s->ops->help(s, &title) : NULL;
		if (id == NULL && title == NULL) {
			char *keys = tui_keys_help();
			tui_popup_text("Keys", keys);
			free(keys);
		} else {
			tui_popup_help(title != NULL ? title : s->title, id);
		}
		break;
	case TUI_ACT_REFRESH:
		clearok(curscr, TRUE);
		tui_set_dirty();
		if (screen_refresh_fn != NULL)
			screen_refresh_fn(screen_refresh_arg);
		break;
	case TUI_ACT_CANCEL:
		if (tui_screen_has_action(s, a))
			tui_pop();
		break;
	case TUI_ACT_IMAGE:
		if (!tui_screen_has_action(s, a))
			break;
		if (tui_log_path() == NULL) {
			tui_error("Logging is off: the screen image was not saved.");
		} else {
			tui_log_image();
			tui_message("Screen image appended to %s", tui_log_path());
		}
		break;
	case TUI_ACT_SHELL:
		if (tui_screen_has_action(s, a))
			tui_shell_start();
		break;
	case TUI_ACT_EXIT:
		if (tui_screen_has_action(s, a))
			tui_quit(0);
		break;
	case TUI_ACT_FIND:
	case TUI_ACT_FIND_NEXT:
		if (tui_screen_has_action(s, a))
			tui_screen_find(s, a == TUI_ACT_FIND_NEXT);
		break;
	case TUI_ACT_SUSPEND:
		tui_term_suspend();
		break;
	default:
		break;
	}
}

/* ---- the screen as text ---- */

static char screen_acs_ascii(wchar_t c)
{
	switch (c) {
	case 'q':
		return '-';
	case 'x':
		return '|';
	case 'l':
	case 'k':
	case 'm':
	case 'j':
	case 't':
	case 'u':
	case 'v':
	case 'w':
	case 'n':
		return '+';
	default:
		return '#';
	}
}

char *tui_screen_text(void)
{
	struct tui_buf b = { 0 };
	char mb[MB_LEN_MAX + 1];

	if (!tui_g.active)
		return tui_xstrdup("");
	for (int y = 0; y < LINES; y++) {
		size_t start = b.len, keep;
		for (int x = 0; x < COLS; x++) {
			cchar_t cc;
			wchar_t wc[CCHARW_MAX + 1];
			attr_t attr;
			short pair;
			mbstate_t st;
			size_t n;
			int width;

			if (mvwin_wch(curscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wc, &attr, &pair, NULL) == ERR || wc[0] == L'\0') {
				tui_buf_addc(&b, ' ');
				continue;
			}
			if (attr & A_ALTCHARSET) {
				tui_buf_addc(&b, screen_acs_ascii(wc[0]));
				continue;
			}
			memset(&st, 0, sizeof st);
			n = wcrtomb(mb, wc[0], &st);
			if (n == (size_t)-1) {
				tui_buf_addc(&b, '?');
				continue;
			}
			tui_buf_add(&b, mb, n);
			width = wcwidth(wc[0]);
			if (width > 1)
				x += width - 1;
		}
		keep = b.len;
		while (keep > start && b.s[keep - 1] == ' ')
			keep--;
		b.len = keep;
		tui_buf_addc(&b, '\n');
	}
	return tui_buf_steal(&b);
}

int tui_dump(const char *path)
{
	char *text = tui_screen_text();
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f == NULL) {
		free(text);
		return -1;
	}
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	free(text);
	return rc;
}
