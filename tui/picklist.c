/*
 * picklist.c: smitty's F4 list pop-up on libmenu. Single choice ("Move
 * cursor to desired item and press Enter.") or several ("press F7. ONE OR
 * MORE items can be selected.", '>' marks). Items may arrive later: the
 * list shows "Loading..." and the loop keeps running meanwhile.
 */
#include <menu.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int pick_bar_single[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH,   TUI_ACT_CANCEL,
	                               TUI_ACT_IMAGE, TUI_ACT_EXIT,      TUI_ACT_DO,
	                               TUI_ACT_FIND,  TUI_ACT_FIND_NEXT, TUI_BAR_END };
static const int pick_bar_multi[] = {
	TUI_ACT_HELP, TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_EDIT | TUI_BAR_ALT, TUI_ACT_IMAGE,
	TUI_ACT_EXIT, TUI_ACT_DO,      TUI_ACT_FIND,   TUI_ACT_FIND_NEXT,          TUI_BAR_END
};

static const char *const pick_instr_single[] = { "Move cursor to desired item and press Enter.",
	                                         NULL };
static const char *const pick_instr_multi[] = { "Move cursor to desired item and press F7.",
	                                        "    ONE OR MORE items can be selected.",
	                                        "Press Enter AFTER making all selections.", NULL };

struct picklist {
	struct tui_screen base;
	struct tui_picklist_def def;
	struct tui_list_req *req;
	char **selected; /* values marked (multi) or current (single) */
	size_t nselected;
	size_t cur_value; /* index in req->items of the current item, or -1 */
	/* libmenu */
	MENU *menu;
	ITEM **items;
	char **names, **descs;
	size_t *item_index; /* menu item -> index in req->items */
	size_t nitems;
	WINDOW *sub;
	int list_y, list_h;
};

/* ---- list requests ---- */

static struct tui_list_req *list_req_new(void)
{
	struct tui_list_req *req = tui_xcalloc(1, sizeof *req);

	req->refs = 2;
	tui_g.pending_lists++;
	return req;
}

void tui_list_req_unref(struct tui_list_req *req)
{
	if (req == NULL || --req->refs > 0)
		return;
	for (size_t i = 0; i < req->n; i++) {
		free(req->items[i].value);
		free(req->items[i].desc);
	}
	free(req->items);
	free(req->error);
	free(req);
}

void tui_list_add(struct tui_list_req *req, const char *value, const char *desc)
{
	if (req == NULL || req->done || req->cancelled || value == NULL)
		return;
	if (req->n == req->cap) {
		req->cap = req->cap ? req->cap * 2 : 16;
		req->items = tui_xrealloc(req->items, req->cap * sizeof *req->items);
	}
	req->items[req->n].value = tui_xstrdup(value);
	req->items[req->n].desc = desc != NULL && *desc != '\0' ? tui_xstrdup(desc) : NULL;
	req->n++;
}

int tui_list_cancelled(const struct tui_list_req *req)
{
	return req == NULL || req->cancelled;
}

size_t tui_list_pending(void)
{
	return tui_g.pending_lists;
}

void tui_list_done(struct tui_list_req *req, const char *error)
{
	if (req == NULL || req->done)
		return;
	req->done = 1;
	if (tui_g.pending_lists > 0)
		tui_g.pending_lists--;
	if (error != NULL)
		req->error = tui_xstrdup(error);
	if (!req->cancelled && req->list != NULL) {
		/* the size changes with the items: place again (layout builds the menu) */
		if (req->list->pushed && !tui_g.too_small)
			tui_screen_place(req->list);
		req->list->dirty = 1;
	}
	tui_list_req_unref(req);
}

/* ---- the pop-up ---- */

static int pick_multi(const struct picklist *p)
{
	return (p->def.flags & TUI_PICK_MULTI) != 0;
}

static int pick_ninstr(const struct picklist *p)
{
	return pick_multi(p) ? 3 : 1;
}

static int pick_is_selected(const struct picklist *p, const char *value)
{
	for (size_t i = 0; i < p->nselected; i++)
		if (strcmp(p->selected[i], value) == 0)
			return 1;
	return 0;
}

static void pick_clear_selected(struct picklist *p)
{
	for (size_t i = 0; i < p->nselected; i++)
		free(p->selected[i]);
	p->nselected = 0;
}

static void pick_add_selected(struct picklist *p, const char *v)
{
	p->selected = tui_xrealloc(p->selected, (p->nselected + 1) * sizeof *p->selected);
	p->selected[p->nselected++] = tui_xstrdup(v);
}

/* Remembers what is marked and current, so a rebuild keeps it. */
static void pick_save_state(struct picklist *p)
{
	if (p->menu == NULL)
		return;
	if (current_item(p->menu) != NULL)
		p->cur_value = p->item_index[item_index(current_item(p->menu))];
	if (!pick_multi(p))
		return;
	pick_clear_selected(p);
	for (size_t i = 0; i < p->nitems; i++)
		if (item_value(p->items[i]))
			pick_add_selected(p, p->req->items[p->item_index[i]].value);
}

static void pick_drop_menu(struct picklist *p)
{
	if (p->menu != NULL) {
		unpost_menu(p->menu);
		free_menu(p->menu);
		p->menu = NULL;
	}
	for (size_t i = 0; i < p->nitems; i++)
		free_item(p->items[i]);
	for (size_t i = 0; p->names != NULL && p->names[i] != NULL; i++) {
		free(p->names[i]);
		free(p->descs[i]);
	}
	free(p->items);
	free(p->names);
	free(p->descs);
	free(p->item_index);
	p->items = NULL;
	p->names = p->descs = NULL;
	p->item_index = NULL;
	p->nitems = 0;
	if (p->sub != NULL)
		delwin(p->sub);
	p->sub = NULL;
}

static size_t pick_rows_wanted(const struct picklist *p)
{
	if (p->req == NULL || !p->req->done || p->req->error != NULL || p->req->n == 0)
		return 1;
	return p->req->n;
}

static void pick_size(struct tui_screen *s, int *h, int *w)
{
	struct picklist *p = (struct picklist *)s;
	size_t rows = pick_rows_wanted(p);

	*w = tui_g.cols - 4 > 76 ? 76 : tui_g.cols - 4;
	if (rows > (size_t)tui_g.rows)
		rows = (size_t)tui_g.rows;
	*h = tui_popup_height(s, pick_ninstr(p) + 1 + (int)rows);
	if (*h > tui_g.rows - 2)
		*h = tui_g.rows - 2;
}

/* Builds the libmenu menu from the request's items for the window's size. */
static void pick_layout(struct tui_screen *s)
{
	struct picklist *p = (struct picklist *)s;
	struct tui_list_req *req = p->req;
	int have_desc = 0, namew = 1, descw, avail, x0, y0, h, w;
	size_t cur = (size_t)-1;

	pick_save_state(p);
	pick_drop_menu(p);
	tui_popup_inner(s, &y0, &x0, &h, &w);
	p->list_y = y0 + pick_ninstr(p) + 1;
	p->list_h = h - pick_ninstr(p) - 1;
	if (req == NULL || !req->done || req->error != NULL || req->n == 0 || p->list_h < 1 ||
	    w < 4)
		return;
	for (size_t i = 0; i < req->n; i++) {
		int nw = tui_str_width(req->items[i].value, strlen(req->items[i].value));
		if (nw > namew)
			namew = nw;
		if (req->items[i].desc != NULL)
			have_desc = 1;
	}
	avail = w - 2; /* the mark */
	if (namew > avail)
		namew = avail;
	descw = avail - namew - 3;
	if (descw < 8)
		have_desc = 0;
	p->items = tui_xcalloc(req->n + 1, sizeof *p->items);
	p->names = tui_xcalloc(req->n + 1, sizeof *p->names);
	p->descs = tui_xcalloc(req->n + 1, sizeof *p->descs);
	p->item_index = tui_xcalloc(req->n + 1, sizeof *p->item_index);
	for (size_t i = 0; i < req->n; i++) {
		const char *v = req->items[i].value, *d = req->items[i].desc;
		size_t k = p->nitems;
		if (*v == '\0')
			continue;
		p->names[k] = tui_xstrndup(v, tui_str_fit(v, strlen(v), namew));
		if (have_desc && d != NULL)
			p->descs[k] = tui_xstrndup(d, tui_str_fit(d, strlen(d), descw));
		else
			p->descs[k] = tui_xstrdup("");
		p->items[k] = new_item(p->names[k], p->descs[k]);
		if (p->items[k] == NULL) {
			free(p->names[k]);
			free(p->descs[k]);
			p->names[k] = p->descs[k] = NULL;
			continue;
		}
		p->item_index[k] = i;
		/* a single-choice list starts on the current value, a multiple one on top */
		if (p->cur_value == i || (p->cur_value == (size_t)-1 && cur == (size_t)-1 &&
		                          !pick_multi(p) && pick_is_selected(p, v)))
			cur = k;
		p->nitems++;
	}
	if (p->nitems == 0)
		return;
	p->menu = new_menu(p->items);
	if (p->menu == NULL)
		return;
	if (pick_multi(p)) {
		menu_opts_off(p->menu, O_ONEVALUE);
		for (size_t i = 0; i < p->nitems; i++)
			if (pick_is_selected(p, req->items[p->item_index[i]].value))
				set_item_value(p->items[i], TRUE);
	}
	if (!have_desc)
		menu_opts_off(p->menu, O_SHOWDESC);
	menu_opts_on(p->menu, O_NONCYCLIC);
	set_menu_mark(p->menu, pick_multi(p) ? "> " : "  ");
	set_menu_spacing(p->menu, 3, 0, 0);
	set_menu_fore(p->menu, tui_attr(TUI_ROLE_SELECTED));
	set_menu_back(p->menu, A_NORMAL);
	set_menu_grey(p->menu, A_NORMAL);
	p->sub = derwin(s->win, p->list_h, w, p->list_y, x0);
	set_menu_win(p->menu, s->win);
	set_menu_sub(p->menu, p->sub);
	set_menu_format(p->menu, p->list_h, 1);
	if (cur != (size_t)-1)
		set_current_item(p->menu, p->items[cur]);
}

static void pick_draw(struct tui_screen *s)
{
	struct picklist *p = (struct picklist *)s;
	const char *const *instr = pick_multi(p) ? pick_instr_multi : pick_instr_single;
	int x0, y0, h, w, msg_row;
	unsigned char *marks = NULL;

	/* post_menu() clears the items' values: keep the marks across it */
	if (p->menu != NULL) {
		marks = tui_xcalloc(p->nitems + 1, 1);
		for (size_t i = 0; i < p->nitems; i++)
			marks[i] = item_value(p->items[i]) ? 1 : 0;
		unpost_menu(p->menu);
	}
	werase(s->win);
	msg_row = tui_draw_chrome(s);
	tui_popup_inner(s, &y0, &x0, &h, &w);
	for (int i = 0; instr[i] != NULL; i++)
		tui_put(s->win, y0 + i, x0, w, instr[i], 0);
	if (p->req == NULL || !p->req->done) {
		tui_put(s->win, p->list_y, x0, w, "Loading...", 0);
		wmove(s->win, p->list_y, x0);
		return;
	}
	if (p->req->error != NULL) {
		wattron(s->win, tui_attr(TUI_ROLE_ERROR));
		tui_put(s->win, p->list_y, x0, w, p->req->error, 0);
		wattroff(s->win, tui_attr(TUI_ROLE_ERROR));
		wmove(s->win, p->list_y, x0);
		return;
	}
	if (p->menu == NULL) {
		tui_put(s->win, p->list_y, x0, w, "There are no items to choose from.", 0);
		wmove(s->win, p->list_y, x0);
		return;
	}
	post_menu(p->menu);
	if (pick_multi(p))
		for (size_t i = 0; i < p->nitems; i++)
			if (marks[i])
				set_item_value(p->items[i], TRUE);
	free(marks);
	if (pick_multi(p)) {
		/* libmenu puts its mark on the current item too; smitty marks only
		 * the selected ones, so the mark column is ours */
		int top = top_row(p->menu), n = item_count(p->menu);
		for (int r = 0; r < p->list_h && top + r < n; r++) {
			int sel = item_value(p->items[top + r]);
			if (sel)
				wattron(s->win, tui_attr(TUI_ROLE_MARK));
			mvwaddch(s->win, p->list_y + r, x0, sel ? '>' : ' ');
			if (sel)
				wattroff(s->win, tui_attr(TUI_ROLE_MARK));
		}
	}
	if (s->msg == NULL) {
		int rows = p->list_h, top = top_row(p->menu), n = item_count(p->menu);
		if (n > rows) {
			char buf[48];
			if (top + rows < n)
				snprintf(buf, sizeof buf, "[MORE...%d]", n - top - rows);
			else
				snprintf(buf, sizeof buf, "[BOTTOM]");
			mvwaddstr(s->win, msg_row, x0, buf);
		}
	}
	pos_menu_cursor(p->menu);
}

static void pick_choose(struct picklist *p)
{
	const char **values;
	size_t n = 0;
	void (*fn)(void *, const char *const *, size_t) = p->def.chosen;
	void *arg = p->base.arg;

	values = tui_xcalloc(p->nitems + 1, sizeof *values);
	if (pick_multi(p))
		for (size_t i = 0; i < p->nitems; i++)
			if (item_value(p->items[i]))
				values[n++] = p->req->items[p->item_index[i]].value;
	if (n == 0 && current_item(p->menu) != NULL)
		values[n++] = p->req->items[p->item_index[item_index(current_item(p->menu))]].value;
	/* popped first; it is freed only after this pass, so values stay valid */
	tui_pop();
	if (fn != NULL && n > 0)
		fn(arg, values, n);
	free(values);
}

static void pick_find(struct tui_screen *s, const char *text, int next)
{
	struct picklist *p = (struct picklist *)s;
	int cur, n;

	if (p->menu == NULL)
		return;
	n = item_count(p->menu);
	cur = item_index(current_item(p->menu));
	for (int k = 0; k < n; k++) {
		int i = (cur + (next ? 1 : 0) + k) % n;
		struct tui_list_item *it = &p->req->items[p->item_index[i]];
		if (tui_strcasestr(it->value, text) != NULL ||
		    (it->desc != NULL && tui_strcasestr(it->desc, text) != NULL)) {
			set_current_item(p->menu, p->items[i]);
			s->dirty = 1;
			return;
		}
	}
	tui_message("\"%s\" was not found.", text);
}

static int pick_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct picklist *p = (struct picklist *)s;
	int req = -1;

	(void)key;
	if (a == TUI_ACT_FIND || a == TUI_ACT_FIND_NEXT) {
		tui_screen_find(s, a == TUI_ACT_FIND_NEXT);
		return 1;
	}
	if (p->menu == NULL)
		return a == TUI_ACT_DO; /* nothing to choose yet */
	switch (a) {
	case TUI_ACT_UP:
		req = REQ_UP_ITEM;
		break;
	case TUI_ACT_DOWN:
		req = REQ_DOWN_ITEM;
		break;
	case TUI_ACT_PAGE_UP:
		req = REQ_SCR_UPAGE;
		break;
	case TUI_ACT_PAGE_DOWN:
		req = REQ_SCR_DPAGE;
		break;
	case TUI_ACT_HOME:
		req = REQ_FIRST_ITEM;
		break;
	case TUI_ACT_END:
		req = REQ_LAST_ITEM;
		break;
	case TUI_ACT_EDIT:
		if (!pick_multi(p))
			return 1;
		req = REQ_TOGGLE_ITEM;
		break;
	case TUI_ACT_DO:
		pick_choose(p);
		return 1;
	default:
		return 0;
	}
	menu_driver(p->menu, req);
	s->dirty = 1;
	return 1;
}

static const char *pick_help(struct tui_screen *s, const char **title)
{
	struct picklist *p = (struct picklist *)s;

	*title = s->title;
	return p->def.help_id;
}

static int pick_busy(struct tui_screen *s)
{
	struct picklist *p = (struct picklist *)s;

	return p->req != NULL && !p->req->done;
}

static void pick_free(struct tui_screen *s)
{
	struct picklist *p = (struct picklist *)s;

	pick_drop_menu(p);
	pick_clear_selected(p);
	free(p->selected);
	if (p->req != NULL) {
		if (!p->req->done)
			p->req->cancelled = 1;
		p->req->list = NULL;
		tui_list_req_unref(p->req);
	}
}

static const struct tui_screen_ops pick_ops = {
	.kind = "picklist",
	.layout = pick_layout,
	.popup_size = pick_size,
	.draw = pick_draw,
	.key = pick_key,
	.help = pick_help,
	.find = pick_find,
	.busy = pick_busy,
	.free = pick_free,
};

struct tui_screen *tui_picklist_new(const struct tui_picklist_def *def, void *arg,
                                    const char *selected, struct tui_list_req **reqp)
{
	struct picklist *p = tui_xcalloc(1, sizeof *p);
	const char *s = selected;

	p->def = *def;
	tui_screen_init(&p->base, &pick_ops, def->title,
	                (def->flags & TUI_PICK_MULTI) ? pick_bar_multi : pick_bar_single, 1);
	p->base.want_cursor = 1;
	p->base.close = def->close;
	p->base.arg = arg;
	p->cur_value = (size_t)-1;
	while (s != NULL && *s != '\0') {
		size_t n;
		s += strspn(s, " ,\t");
		n = strcspn(s, " ,\t");
		if (n > 0) {
			char *v = tui_xstrndup(s, n);
			pick_add_selected(p, v);
			free(v);
		}
		s += n;
	}
	p->req = list_req_new();
	p->req->list = &p->base;
	if (reqp != NULL) {
		*reqp = p->req;
	} else {
		/* nobody will fill it */
		tui_list_done(p->req, NULL);
	}
	return &p->base;
}
