/*
 * menu.c: smitty's menu screen. A centered title, "Move cursor to desired
 * item and press Enter.", the items indented under it, the current one in
 * reverse video, [MORE...n] when they do not fit, and the function keys.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int menu_bar[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_IMAGE,
	                        TUI_ACT_SHELL, TUI_ACT_EXIT,    TUI_ACT_DO,     TUI_BAR_END };

#define MENU_FIRST_ROW 4

struct menu {
	struct tui_screen base;
	struct tui_menu_def def;
	size_t n, cur, top;
	int rows; /* item rows visible */
};

static int menu_marker_row(const struct tui_screen *s)
{
	return getmaxy(s->win) - tui_bar_rows(s) - 2;
}

static void menu_layout(struct tui_screen *s)
{
	struct menu *m = (struct menu *)s;

	m->rows = menu_marker_row(s) - MENU_FIRST_ROW;
	if (m->rows < 1)
		m->rows = 1;
}

static void menu_scroll(struct menu *m)
{
	if (m->cur < m->top)
		m->top = m->cur;
	if (m->cur >= m->top + (size_t)m->rows)
		m->top = m->cur - (size_t)m->rows + 1;
	if (m->n > (size_t)m->rows && m->top > m->n - (size_t)m->rows)
		m->top = m->n - (size_t)m->rows;
}

static void menu_draw(struct tui_screen *s)
{
	struct menu *m = (struct menu *)s;
	WINDOW *w = s->win;
	int cols = getmaxx(w);

	werase(w);
	tui_draw_chrome(s);
	tui_put(w, 2, 0, cols, "Move cursor to desired item and press Enter.", 0);
	menu_scroll(m);
	for (int i = 0; i < m->rows && m->top + (size_t)i < m->n; i++) {
		size_t k = m->top + (size_t)i;
		if (k == m->cur)
			wattron(w, tui_attr(TUI_ROLE_SELECTED));
		tui_put(w, MENU_FIRST_ROW + i, 2, cols - 4, m->def.items[k].label, 0);
		if (k == m->cur)
			wattroff(w, tui_attr(TUI_ROLE_SELECTED));
	}
	tui_draw_markers(w, MENU_FIRST_ROW - 1, menu_marker_row(s), m->top,
	                 m->n > m->top + (size_t)m->rows ? m->n - m->top - (size_t)m->rows : 0);
	if (m->n > 0)
		wmove(w, MENU_FIRST_ROW + (int)(m->cur - m->top), 2);
}

static void menu_find(struct tui_screen *s, const char *text, int next)
{
	struct menu *m = (struct menu *)s;

	for (size_t k = 0; k < m->n; k++) {
		size_t i = (m->cur + (next ? 1 : 0) + k) % m->n;
		if (tui_strcasestr(m->def.items[i].label, text) != NULL) {
			m->cur = i;
			s->dirty = 1;
			return;
		}
	}
	tui_message("\"%s\" was not found.", text);
}

static int menu_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct menu *m = (struct menu *)s;
	size_t page = m->rows > 1 ? (size_t)m->rows - 1 : 1;

	(void)key;
	if (m->n == 0)
		return 0;
	switch (a) {
	case TUI_ACT_UP:
		if (m->cur > 0)
			m->cur--;
		break;
	case TUI_ACT_DOWN:
		if (m->cur + 1 < m->n)
			m->cur++;
		break;
	case TUI_ACT_PAGE_UP:
		m->cur = m->cur > page ? m->cur - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		m->cur = m->cur + page < m->n ? m->cur + page : m->n - 1;
		break;
	case TUI_ACT_HOME:
		m->cur = 0;
		break;
	case TUI_ACT_END:
		m->cur = m->n - 1;
		break;
	case TUI_ACT_FIND:
	case TUI_ACT_FIND_NEXT:
		tui_screen_find(s, a == TUI_ACT_FIND_NEXT);
		return 1;
	case TUI_ACT_DO:
		if (m->def.select != NULL)
			m->def.select(s->arg, s, &m->def.items[m->cur]);
		return 1;
	default:
		return 0;
	}
	s->dirty = 1;
	return 1;
}

static const char *menu_help(struct tui_screen *s, const char **title)
{
	struct menu *m = (struct menu *)s;

	if (m->n == 0) {
		*title = s->title;
		return m->def.help_id;
	}
	*title = m->def.items[m->cur].label;
	return m->def.items[m->cur].help_id != NULL ? m->def.items[m->cur].help_id : m->def.help_id;
}

static const struct tui_screen_ops menu_ops = {
	.kind = "menu",
	.layout = menu_layout,
	.draw = menu_draw,
	.key = menu_key,
	.help = menu_help,
	.find = menu_find,
};

struct tui_screen *tui_menu_new(const struct tui_menu_def *def, void *arg)
{
	struct menu *m = tui_xcalloc(1, sizeof *m);

	m->def = *def;
	tui_screen_init(&m->base, &menu_ops, def->title, menu_bar, 0);
	m->base.want_cursor = 1;
	m->base.close = def->close;
	m->base.arg = arg;
	if (def->items != NULL)
		while (def->items[m->n].label != NULL)
			m->n++;
	return &m->base;
}

size_t tui_menu_current(const struct tui_screen *menu)
{
	if (menu == NULL || menu->ops != &menu_ops)
		return 0;
	return ((const struct menu *)menu)->cur;
}
