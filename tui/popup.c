/*
 * popup.c: the boxed pop-ups smitty shows over a screen: a scrollable text
 * (help, SHOW COMMAND STRING, keys), the "ARE YOU SURE?" confirmation and a
 * one-line input (Find, Edit). Each is a pushed screen, never a nested loop.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int popup_bar[] = { TUI_ACT_HELP, TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_IMAGE,
	                         TUI_ACT_EXIT, TUI_ACT_DO,      TUI_BAR_END };

/* smitty's words for the confirmation. */
static const char confirm_text[] = "Continuing may delete information you may want\n"
                                   "to keep.  This is your last chance to stop\n"
                                   "before continuing.\n"
                                   "    Press Enter to continue.\n"
                                   "    Press Cancel to return to the application.\n";

struct popup_text {
	struct tui_screen base;
	struct tui_textview tv;
	int h; /* rows of the text area */
	void (*answer)(void *arg, int yes);
	void *answer_arg;
	int answered;
};

static int popup_width(void)
{
	int w = tui_g.cols - 4;

	return w > 76 ? 76 : w;
}

static void popup_text_size(struct tui_screen *s, int *h, int *w)
{
	struct popup_text *p = (struct popup_text *)s;
	int rows;

	*w = popup_width();
	tui_tv_set_width(&p->tv, *w - 4);
	rows = (int)p->tv.nrows;
	if (rows < 1)
		rows = 1;
	*h = tui_popup_height(s, rows);
	if (*h > tui_g.rows - 2)
		*h = tui_g.rows - 2;
}

static void popup_text_layout(struct tui_screen *s)
{
	struct popup_text *p = (struct popup_text *)s;
	int y0, x0, h, w;

	tui_popup_inner(s, &y0, &x0, &h, &w);
	tui_tv_set_width(&p->tv, w);
	p->h = h;
}

static void popup_text_draw(struct tui_screen *s)
{
	struct popup_text *p = (struct popup_text *)s;
	int y0, x0, h, w, msg_row;

	werase(s->win);
	msg_row = tui_draw_chrome(s);
	tui_popup_inner(s, &y0, &x0, &h, &w);
	p->h = h;
	tui_tv_draw(&p->tv, s->win, y0, x0, h);
	if (s->msg == NULL) {
		size_t above = tui_tv_above(&p->tv), below = tui_tv_below(&p->tv, h);
		if (above > 0 || below > 0) {
			char buf[48];
			if (below > 0)
				snprintf(buf, sizeof buf, "[MORE...%zu]", below);
			else
				snprintf(buf, sizeof buf, "[BOTTOM]");
			mvwaddstr(s->win, msg_row, x0, buf);
		}
	}
	wmove(s->win, y0, x0);
}

static int popup_text_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct popup_text *p = (struct popup_text *)s;

	(void)key;
	if (tui_tv_key(&p->tv, a, p->h)) {
		s->dirty = 1;
		return 1;
	}
	if (a == TUI_ACT_DO) {
		void (*fn)(void *, int) = p->answer;
		void *arg = p->answer_arg;
		p->answered = 1;
		tui_pop();
		if (fn != NULL)
			fn(arg, 1);
		return 1;
	}
	return 0;
}

/* F1 inside a pop-up: the keys. */
static const char *popup_text_help(struct tui_screen *s, const char **title)
{
	(void)s;
	*title = NULL;
	return NULL;
}

static void popup_text_free(struct tui_screen *s)
{
	struct popup_text *p = (struct popup_text *)s;

	tui_tv_free(&p->tv);
}

static const struct tui_screen_ops popup_text_ops = {
	.kind = "popup",
	.layout = popup_text_layout,
	.popup_size = popup_text_size,
	.draw = popup_text_draw,
	.key = popup_text_key,
	.help = popup_text_help,
	.free = popup_text_free,
};

struct tui_screen *tui_popup_text_new(const char *title, const char *text)
{
	struct popup_text *p = tui_xcalloc(1, sizeof *p);

	tui_screen_init(&p->base, &popup_text_ops, title, popup_bar, 1);
	tui_tv_init(&p->tv);
	tui_tv_add(&p->tv, text != NULL ? text : "", 0);
	return &p->base;
}

void tui_popup_text(const char *title, const char *text)
{
	tui_push(tui_popup_text_new(title, text));
}

void tui_popup_help(const char *title, const char *help_id)
{
	const char *text = NULL;

	if (help_id != NULL && tui_g.help != NULL)
		text = tui_g.help(tui_g.help_arg, help_id);
	if (text == NULL)
		text =
		    "No help is available for this item.\n\nPress F1 (Esc 1) again for the keys.";
	tui_popup_text(title, text);
}

void tui_popup_command(const char *command)
{
	char *text = tui_xasprintf("Press Enter or Cancel to return to the\napplication.\n\n   %s",
	                           command != NULL ? command : "");

	tui_popup_text("SHOW COMMAND STRING", text);
	free(text);
}

/* The confirmation answers "no" when it goes away any other way than Enter. */
static void confirm_closed(void *arg)
{
	struct popup_text *p = arg;

	if (!p->answered && p->answer != NULL) {
		p->answered = 1;
		p->answer(p->answer_arg, 0);
	}
}

void tui_confirm(const char *text, void (*answer)(void *arg, int yes), void *arg)
{
	struct popup_text *p = (struct popup_text *)tui_popup_text_new(
	    "ARE YOU SURE?", text != NULL ? text : confirm_text);

	p->answer = answer;
	p->answer_arg = arg;
	p->base.close = confirm_closed;
	p->base.arg = p;
	tui_push(&p->base);
}

/* ---- the one-line input pop-up ---- */

struct prompt {
	struct tui_screen base;
	char *label;
	char *value;
	FORM *form;
	FIELD *fields[2];
	WINDOW *sub;
	int fy, fx, fw;
	void (*done)(void *arg, const char *text);
	void *done_arg;
};

static void prompt_size(struct tui_screen *s, int *h, int *w)
{
	*w = popup_width();
	*h = tui_popup_height(s, 2);
}

static void prompt_drop_form(struct prompt *p)
{
	if (p->form == NULL)
		return;
	free(p->value);
	p->value = tui_edit_value(p->form, p->fields[0]);
	unpost_form(p->form);
	free_form(p->form);
	free_field(p->fields[0]);
	delwin(p->sub);
	p->form = NULL;
	p->fields[0] = NULL;
	p->sub = NULL;
}

static void prompt_layout(struct tui_screen *s)
{
	struct prompt *p = (struct prompt *)s;
	int y0, x0, h, w;

	prompt_drop_form(p);
	tui_popup_inner(s, &y0, &x0, &h, &w);
	p->fy = y0 + 1;
	p->fx = x0 + 1;
	p->fw = w - 2;
	if (p->fw < 1)
		return;
	p->sub = derwin(s->win, 1, p->fw, p->fy, p->fx);
	p->fields[0] = new_field(1, p->fw, 0, 0, 0, 0);
	p->fields[1] = NULL;
	if (p->sub == NULL || p->fields[0] == NULL) {
		if (p->fields[0] != NULL)
			free_field(p->fields[0]);
		if (p->sub != NULL)
			delwin(p->sub);
		p->fields[0] = NULL;
		p->sub = NULL;
		return;
	}
	field_opts_off(p->fields[0], O_AUTOSKIP | O_STATIC);
	set_max_field(p->fields[0], 1024);
	set_field_back(p->fields[0], A_UNDERLINE);
	set_field_buffer(p->fields[0], 0, p->value != NULL ? p->value : "");
	p->form = new_form(p->fields);
	set_form_win(p->form, s->win);
	set_form_sub(p->form, p->sub);
	post_form(p->form);
	form_driver(p->form, REQ_END_LINE);
}

/* Never erases the field's cells: they belong to libform. */
static void prompt_draw(struct tui_screen *s)
{
	struct prompt *p = (struct prompt *)s;
	int y0, x0, h, w, rows = getmaxy(s->win);

	tui_popup_inner(s, &y0, &x0, &h, &w);
	for (int y = 1; y < rows - 1; y++)
		if (y != p->fy)
			tui_blank(s->win, y, 1, getmaxx(s->win) - 2);
	tui_draw_chrome(s);
	tui_put(s->win, y0, x0, w, p->label, 0);
	tui_blank(s->win, p->fy, 1, x0 - 1);
	mvwaddch(s->win, p->fy, p->fx - 1, '[');
	mvwaddch(s->win, p->fy, p->fx + p->fw, ']');
	if (p->form != NULL)
		pos_form_cursor(p->form);
}

static int prompt_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct prompt *p = (struct prompt *)s;

	if (p->form == NULL)
		return 0;
	if (a == TUI_ACT_DO) {
		void (*fn)(void *, const char *) = p->done;
		void *arg = p->done_arg;
		char *text = tui_edit_value(p->form, p->fields[0]);
		tui_pop();
		if (fn != NULL)
			fn(arg, text);
		free(text);
		return 1;
	}
	if (tui_edit_key(p->form, a, key, 0)) {
		s->dirty = 1;
		return 1;
	}
	return 0;
}

static void prompt_free(struct tui_screen *s)
{
	struct prompt *p = (struct prompt *)s;

	prompt_drop_form(p);
	free(p->value);
	free(p->label);
}

static const struct tui_screen_ops prompt_ops = {
	.kind = "prompt",
	.layout = prompt_layout,
	.popup_size = prompt_size,
	.draw = prompt_draw,
	.key = prompt_key,
	.help = popup_text_help,
	.free = prompt_free,
};

static const int prompt_bar[] = { TUI_ACT_HELP, TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_IMAGE,
	                          TUI_ACT_EXIT, TUI_ACT_DO,      TUI_BAR_END };

void tui_prompt(const char *title, const char *label, const char *initial,
                void (*done)(void *arg, const char *text), void *arg)
{
	struct prompt *p = tui_xcalloc(1, sizeof *p);

	tui_screen_init(&p->base, &prompt_ops, title, prompt_bar, 1);
	p->base.want_cursor = 1;
	p->label = tui_xstrdup(label);
	p->value = tui_xstrdup(initial);
	p->done = done;
	p->done_arg = arg;
	tui_push(&p->base);
}
