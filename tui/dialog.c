/*
 * dialog.c: smitty's dialog screen. "Type or select values in entry
 * fields.", [Entry Fields] over the values, one line per field:
 * "* Label ... [value]  +", markers * required, + list, # numeric, / path,
 * [TOP] / [MORE...n] / [BOTTOM] when the fields do not fit. The field under
 * the cursor is edited with libform; the others are drawn from our copies.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int dialog_bar[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_LIST,
	                          TUI_ACT_RESET, TUI_ACT_COMMAND, TUI_ACT_EDIT,   TUI_ACT_IMAGE,
	                          TUI_ACT_SHELL, TUI_ACT_EXIT,    TUI_ACT_DO,     TUI_BAR_END };

static const char *const dialog_yesno[] = { "yes", "no", NULL };

#define DIALOG_HEADER_ROW 5
#define DIALOG_FIRST_ROW  6
#define DIALOG_VALUE_X    54

struct dlg_field {
	const struct tui_field_def *def;
	char *value;
	char *initial;
};

struct dialog {
	struct tui_screen base;
	struct tui_dialog_def def;
	struct dlg_field *f;
	size_t n;
	size_t cur; /* n when no field can take the cursor */
	size_t top;
	int rows;
	int vx, vw;
	/* libform: the field under the cursor */
	FORM *form;
	FIELD *ff[2];
	WINDOW *sub;
	size_t form_field;
	int form_y, form_x;
};

static int dlg_focusable(const struct dlg_field *f)
{
	return f->def->kind != TUI_FIELD_INFO;
}

static const char *const *dlg_choices(const struct dlg_field *f)
{
	if (f->def->choices != NULL)
		return f->def->choices;
	if (f->def->kind == TUI_FIELD_YESNO)
		return dialog_yesno;
	return NULL;
}

/* Typing goes into the field (a ring field changes only with Tab and F4). */
static int dlg_typeable(const struct dlg_field *f)
{
	if (f->def->kind == TUI_FIELD_INFO || f->def->kind == TUI_FIELD_YESNO)
		return 0;
	if (f->def->flags & TUI_F_READONLY)
		return 0;
	if (f->def->choices != NULL && f->def->list == NULL)
		return 0;
	return 1;
}

static int dlg_has_list(const struct dlg_field *f)
{
	return f->def->list != NULL || dlg_choices(f) != NULL;
}

static size_t dlg_index(const struct dialog *d, const char *id)
{
	if (id == NULL)
		return d->n;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].def->id, id) == 0)
			return i;
	return d->n;
}

static void dlg_changed(struct dialog *d, size_t i)
{
	d->base.dirty = 1;
	if (d->def.changed != NULL)
		d->def.changed(d->base.arg, &d->base, d->f[i].def->id);
}

/* Copies the form's text into our value; reports a change. */
static void dlg_sync(struct dialog *d, int report)
{
	char *v;
	size_t i = d->form_field;

	if (d->form == NULL)
		return;
	v = tui_edit_value(d->form, d->ff[0]);
	if (strcmp(v, d->f[i].value) != 0) {
		free(d->f[i].value);
		d->f[i].value = v;
		if (report)
			dlg_changed(d, i);
	} else {
		free(v);
	}
}

static void dlg_form_close(struct dialog *d)
{
	FORM *form = d->form;

	if (form == NULL)
		return;
	dlg_sync(d, 0);
	d->form = NULL;
	unpost_form(form);
	free_form(form);
	free_field(d->ff[0]);
	d->ff[0] = NULL;
	delwin(d->sub);
	d->sub = NULL;
}

/* Leaving a field: close its form and report the change once. */
static void dlg_leave(struct dialog *d)
{
	size_t i = d->form_field;
	char *before;

	if (d->form == NULL)
		return;
	before = tui_xstrdup(d->f[i].value);
	dlg_form_close(d);
	if (strcmp(before, d->f[i].value) != 0)
		dlg_changed(d, i);
	free(before);
}

static int dlg_row_of(const struct dialog *d, size_t i)
{
	return DIALOG_FIRST_ROW + (int)(i - d->top);
}

static void dlg_form_open(struct dialog *d)
{
	struct dlg_field *f;
	int y, maxlen;

	if (d->cur >= d->n || d->form != NULL || d->vw < 1)
		return;
	f = &d->f[d->cur];
	if (!dlg_typeable(f))
		return;
	y = dlg_row_of(d, d->cur);
	d->sub = derwin(d->base.win, 1, d->vw, y, d->vx + 1);
	d->ff[0] = new_field(1, d->vw, 0, 0, 0, 0);
	d->ff[1] = NULL;
	if (d->sub == NULL || d->ff[0] == NULL) {
		if (d->ff[0] != NULL)
			free_field(d->ff[0]);
		if (d->sub != NULL)
			delwin(d->sub);
		d->ff[0] = NULL;
		d->sub = NULL;
		return;
	}
	maxlen = f->def->max_len > 0 ? f->def->max_len : 255;
	field_opts_off(d->ff[0], O_AUTOSKIP | O_STATIC | O_BLANK);
	set_max_field(d->ff[0], maxlen);
	set_field_buffer(d->ff[0], 0, f->value);
	d->form = new_form(d->ff);
	if (d->form == NULL) {
		free_field(d->ff[0]);
		delwin(d->sub);
		d->ff[0] = NULL;
		d->sub = NULL;
		return;
	}
	set_form_win(d->form, d->base.win);
	set_form_sub(d->form, d->sub);
	post_form(d->form);
	form_driver(d->form, REQ_END_LINE);
	d->form_field = d->cur;
	d->form_y = y;
	d->form_x = d->vx + 1;
}

static void dlg_scroll(struct dialog *d)
{
	if (d->cur >= d->n)
		return;
	if (d->cur < d->top)
		d->top = d->cur;
	if (d->cur >= d->top + (size_t)d->rows)
		d->top = d->cur - (size_t)d->rows + 1;
	if (d->n > (size_t)d->rows && d->top > d->n - (size_t)d->rows)
		d->top = d->n - (size_t)d->rows;
	/* a form left behind at another row must go */
	if (d->form != NULL && (d->form_field != d->cur || d->form_y != dlg_row_of(d, d->cur)))
		dlg_leave(d);
}

static int dlg_marker_row(const struct tui_screen *s)
{
	return getmaxy(s->win) - tui_bar_rows(s) - 2;
}

static void dlg_layout(struct tui_screen *s)
{
	struct dialog *d = (struct dialog *)s;
	int cols = getmaxx(s->win);

	dlg_leave(d);
	d->vx = cols >= 80 ? DIALOG_VALUE_X : cols * DIALOG_VALUE_X / 80;
	d->vw = cols - d->vx - 6;
	if (d->vw < 1)
		d->vw = 1;
	d->rows = dlg_marker_row(s) - DIALOG_FIRST_ROW;
	if (d->rows < 1)
		d->rows = 1;
	dlg_scroll(d);
}

static void dlg_draw_field(struct dialog *d, size_t i, int y)
{
	WINDOW *w = d->base.win;
	struct dlg_field *f = &d->f[i];
	int cols = getmaxx(w), mx = d->vx + d->vw + 3;
	char marks[3] = { 0, 0, 0 };
	int nm = 0;

	if (f->def->flags & TUI_F_REQUIRED)
		mvwaddch(w, y, 0, '*');
	tui_put(w, y, 2, d->vx - 3, f->def->label, 0);
	if (f->def->kind == TUI_FIELD_INFO) {
		tui_put(w, y, d->vx + 1, cols - d->vx - 1, f->value, 0);
		return;
	}
	mvwaddch(w, y, d->vx, '[');
	if (!(d->form != NULL && d->form_field == i))
		tui_put(w, y, d->vx + 1, d->vw, f->value, 0);
	mvwaddch(w, y, d->vx + 1 + d->vw, ']');
	if (dlg_has_list(f))
		marks[nm++] = '+';
	if (f->def->kind == TUI_FIELD_NUMBER)
		marks[nm++] = '#';
	else if (f->def->kind == TUI_FIELD_PATH)
		marks[nm++] = '/';
	if (nm > 0)
		tui_put(w, y, mx, cols - mx, marks, 0);
}

/* Draws every cell except the form's: those belong to libform. */
static void dlg_draw(struct tui_screen *s)
{
	struct dialog *d = (struct dialog *)s;
	WINDOW *w = s->win;
	int rows = getmaxy(w), cols = getmaxx(w);
	size_t below;

	dlg_scroll(d);
	for (int y = 0; y < rows; y++) {
		if (d->form != NULL && y == d->form_y) {
			tui_blank(w, y, 0, d->form_x);
			tui_blank(w, y, d->form_x + d->vw, cols - d->form_x - d->vw);
		} else {
			tui_blank(w, y, 0, cols);
		}
	}
	tui_draw_chrome(s);
	tui_put(w, 2, 0, cols, "Type or select values in entry fields.", 0);
	tui_put(w, 3, 0, cols, "Press Enter AFTER making all desired changes.", 0);
	tui_put(w, DIALOG_HEADER_ROW, d->vx + 2, cols - d->vx - 2, "[Entry Fields]", 0);
	for (int r = 0; r < d->rows && d->top + (size_t)r < d->n; r++)
		dlg_draw_field(d, d->top + (size_t)r, DIALOG_FIRST_ROW + r);
	below = d->n > d->top + (size_t)d->rows ? d->n - d->top - (size_t)d->rows : 0;
	tui_draw_markers(w, DIALOG_HEADER_ROW, dlg_marker_row(s), d->top, below);
	dlg_form_open(d);
	if (d->form != NULL)
		pos_form_cursor(d->form);
	else if (d->cur < d->n)
		wmove(w, dlg_row_of(d, d->cur), d->vx + 1);
	else
		wmove(w, 2, 0);
}

static void dlg_set_value(struct dialog *d, size_t i, const char *value)
{
	free(d->f[i].value);
	d->f[i].value = tui_xstrdup(value);
	if (d->form != NULL && d->form_field == i) {
		set_field_buffer(d->ff[0], 0, d->f[i].value);
		form_driver(d->form, REQ_END_LINE);
	}
	d->base.dirty = 1;
}

static void dlg_move(struct dialog *d, size_t to)
{
	if (to >= d->n || to == d->cur)
		return;
	dlg_leave(d);
	d->cur = to;
	dlg_scroll(d);
	d->base.dirty = 1;
}

/* The next focusable field from cur in direction dir (+1/-1), `steps` times. */
static size_t dlg_step(const struct dialog *d, int dir, size_t steps)
{
	size_t at = d->cur, best = d->cur;

	if (d->cur >= d->n)
		return d->n;
	while (steps > 0) {
		if (dir > 0 ? at + 1 >= d->n : at == 0)
			break;
		at = dir > 0 ? at + 1 : at - 1;
		if (dlg_focusable(&d->f[at])) {
			best = at;
			steps--;
		}
	}
	return best;
}

static void dlg_ring(struct dialog *d, int dir)
{
	struct dlg_field *f = &d->f[d->cur];
	const char *const *ch = dlg_choices(f);
	size_t n = 0, i;

	while (ch[n] != NULL)
		n++;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(ch[i], f->value) == 0)
			break;
	if (i == n)
		i = dir > 0 ? n - 1 : 0;
	i = dir > 0 ? (i + 1) % n : (i + n - 1) % n;
	dlg_set_value(d, d->cur, ch[i]);
	dlg_changed(d, d->cur);
}

/* Shows an error about a field (or the dialog) and moves there. */
static void dlg_show_error(struct dialog *d, const char *id, const char *msg)
{
	size_t i = dlg_index(d, id);

	if (i < d->n && dlg_focusable(&d->f[i]))
		dlg_move(d, i);
	free(d->base.msg);
	d->base.msg = msg != NULL ? tui_xstrdup(msg) : NULL;
	d->base.msg_error = 1;
	d->base.dirty = 1;
}

static int dlg_is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The kit's own checks: required values and numbers. */
static int dlg_check(struct dialog *d)
{
	char msg[512];

	if (d->def.flags & TUI_DIALOG_NO_CHECKS)
		return 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct dlg_field *f = &d->f[i];
		if ((f->def->flags & TUI_F_REQUIRED) && f->value[strspn(f->value, " ")] == '\0') {
			snprintf(msg, sizeof msg, "A value is required for \"%s\".", f->def->label);
			dlg_show_error(d, f->def->id, msg);
			return -1;
		}
		if (f->def->kind == TUI_FIELD_NUMBER && f->value[0] != '\0' &&
		    !dlg_is_number(f->value)) {
			snprintf(msg, sizeof msg, "\"%s\" must be a number.", f->def->label);
			dlg_show_error(d, f->def->id, msg);
			return -1;
		}
	}
	return 0;
}

static void dlg_submit(struct dialog *d)
{
	struct tui_field_error fe;

	if (d->def.submit == NULL)
		return;
	memset(&fe, 0, sizeof fe);
	if (d->def.submit(d->base.arg, &d->base, &fe) != 0)
		dlg_show_error(d, fe.field,
		               fe.msg[0] != '\0' ? fe.msg : "The dialog was not accepted.");
}

static int dlg_on_stack(const struct dialog *d)
{
	for (size_t i = 0; i < tui_g.nstack; i++)
		if (tui_g.stack[i] == &d->base)
			return 1;
	return 0;
}

static void dlg_confirmed(void *arg, int yes)
{
	struct dialog *d = arg;

	if (yes && dlg_on_stack(d))
		dlg_submit(d);
}

static void dlg_do(struct dialog *d)
{
	dlg_sync(d, 1);
	if (dlg_check(d) != 0)
		return;
	if (d->def.flags & TUI_DIALOG_CONFIRM)
		tui_confirm(NULL, dlg_confirmed, d);
	else
		dlg_submit(d);
}

static void dlg_command(struct dialog *d)
{
	struct tui_field_error fe;
	char *cmd;

	dlg_sync(d, 1);
	if (d->def.command == NULL) {
		tui_message("This dialog shows no command.");
		return;
	}
	memset(&fe, 0, sizeof fe);
	cmd = d->def.command(d->base.arg, &d->base, &fe);
	if (cmd == NULL) {
		dlg_show_error(d, fe.field,
		               fe.msg[0] != '\0' ? fe.msg : "There is no command yet.");
		return;
	}
	tui_popup_command(cmd);
	free(cmd);
}

/* ---- F4 and F7 ---- */

struct dlg_pick {
	struct dialog *d;
	size_t field;
};

static void dlg_pick_chosen(void *arg, const char *const *values, size_t n)
{
	struct dlg_pick *pk = arg;
	struct dialog *d = pk->d;
	struct tui_buf b = { 0 };

	if (!dlg_on_stack(d) || pk->field >= d->n)
		return;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			tui_buf_addc(&b, ' ');
		tui_buf_adds(&b, values[i]);
	}
	dlg_set_value(d, pk->field, b.s != NULL ? b.s : "");
	tui_buf_free(&b);
	dlg_changed(d, pk->field);
}

static void dlg_pick_closed(void *arg)
{
	free(arg);
}

static void dlg_list(struct dialog *d)
{
	struct dlg_field *f;
	struct tui_picklist_def pd;
	struct tui_list_req *req;
	struct dlg_pick *pk;
	struct tui_screen *pl;

	if (d->cur >= d->n)
		return;
	f = &d->f[d->cur];
	if (!dlg_has_list(f)) {
		tui_message("There is no list for this field.");
		return;
	}
	dlg_sync(d, 1);
	memset(&pd, 0, sizeof pd);
	pd.title = f->def->label;
	pd.help_id = f->def->help_id;
	pd.flags = (f->def->flags & TUI_F_MULTI) ? TUI_PICK_MULTI : 0;
	pd.chosen = dlg_pick_chosen;
	pd.close = dlg_pick_closed;
	pk = tui_xcalloc(1, sizeof *pk);
	pk->d = d;
	pk->field = d->cur;
	pl = tui_picklist_new(&pd, pk, f->value, &req);
	tui_push(pl);
	if (f->def->list != NULL) {
		f->def->list(d->base.arg, &d->base, f->def->id, req);
	} else {
		const char *const *ch = dlg_choices(f);
		for (size_t i = 0; ch[i] != NULL; i++)
			tui_list_add(req, ch[i], NULL);
		tui_list_done(req, NULL);
	}
}

static void dlg_edit_done(void *arg, const char *text)
{
	struct dlg_pick *pk = arg;
	struct dialog *d = pk->d;

	if (dlg_on_stack(d) && pk->field < d->n) {
		dlg_set_value(d, pk->field, text);
		dlg_changed(d, pk->field);
	}
}

static void dlg_edit_closed(void *arg)
{
	free(arg);
}

static void dlg_edit(struct dialog *d)
{
	struct dlg_pick *pk;
	struct tui_screen *top;

	if (d->cur >= d->n || !dlg_typeable(&d->f[d->cur])) {
		tui_message("This field cannot be edited: use Tab or F4.");
		return;
	}
	dlg_sync(d, 1);
	pk = tui_xcalloc(1, sizeof *pk);
	pk->d = d;
	pk->field = d->cur;
	tui_prompt("Edit", d->f[d->cur].def->label, d->f[d->cur].value, dlg_edit_done, pk);
	top = tui_top();
	top->close = dlg_edit_closed;
	top->arg = pk;
}

static int dlg_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct dialog *d = (struct dialog *)s;
	struct dlg_field *f = d->cur < d->n ? &d->f[d->cur] : NULL;

	/* keys typed before the next draw (a paste) still go into the field */
	if (d->form == NULL && f != NULL && !tui_g.too_small) {
		dlg_scroll(d);
		dlg_form_open(d);
	}
	/* typing and editing first: '/' and 'n' are text in a field */
	if (f != NULL && d->form != NULL && a != TUI_ACT_UP && a != TUI_ACT_DOWN &&
	    tui_edit_key(d->form, a, key, f->def->kind == TUI_FIELD_NUMBER)) {
		s->dirty = 1;
		return 1;
	}
	if (f != NULL && !TUI_KEY_IS_FN(key) && key >= 32 && key != 127 && !dlg_typeable(f)) {
		tui_message("Use Tab or F4 to change this field.");
		return 1;
	}
	switch (a) {
	case TUI_ACT_UP:
		dlg_move(d, dlg_step(d, -1, 1));
		return 1;
	case TUI_ACT_DOWN:
		dlg_move(d, dlg_step(d, +1, 1));
		return 1;
	case TUI_ACT_PAGE_UP:
		dlg_move(d, dlg_step(d, -1, d->rows > 1 ? (size_t)d->rows - 1 : 1));
		return 1;
	case TUI_ACT_PAGE_DOWN:
		dlg_move(d, dlg_step(d, +1, d->rows > 1 ? (size_t)d->rows - 1 : 1));
		return 1;
	case TUI_ACT_NEXT_VALUE:
	case TUI_ACT_PREV_VALUE:
		if (f == NULL)
			return 1;
		if (dlg_choices(f) != NULL && f->def->list == NULL &&
		    !(f->def->flags & TUI_F_MULTI))
			dlg_ring(d, a == TUI_ACT_NEXT_VALUE ? 1 : -1);
		else
			dlg_move(d, dlg_step(d, a == TUI_ACT_NEXT_VALUE ? 1 : -1, 1));
		return 1;
	case TUI_ACT_LIST:
		dlg_list(d);
		return 1;
	case TUI_ACT_RESET:
		if (f != NULL) {
			dlg_set_value(d, d->cur, f->initial);
			dlg_changed(d, d->cur);
		}
		return 1;
	case TUI_ACT_COMMAND:
		dlg_command(d);
		return 1;
	case TUI_ACT_EDIT:
		dlg_edit(d);
		return 1;
	case TUI_ACT_DO:
		dlg_do(d);
		return 1;
	case TUI_ACT_CANCEL:
		dlg_sync(d, 0);
		return 0;
	default:
		return 0;
	}
}

static const char *dlg_help(struct tui_screen *s, const char **title)
{
	struct dialog *d = (struct dialog *)s;

	if (d->cur < d->n) {
		*title = d->f[d->cur].def->label;
		return d->f[d->cur].def->help_id != NULL ? d->f[d->cur].def->help_id
		                                         : d->def.help_id;
	}
	*title = s->title;
	return d->def.help_id;
}

static void dlg_free(struct tui_screen *s)
{
	struct dialog *d = (struct dialog *)s;

	dlg_form_close(d);
	for (size_t i = 0; i < d->n; i++) {
		free(d->f[i].value);
		free(d->f[i].initial);
	}
	free(d->f);
}

static const struct tui_screen_ops dialog_ops = {
	.kind = "dialog",
	.layout = dlg_layout,
	.draw = dlg_draw,
	.key = dlg_key,
	.help = dlg_help,
	.free = dlg_free,
};

static struct dialog *dlg_of(struct tui_screen *s)
{
	return s != NULL && s->ops == &dialog_ops ? (struct dialog *)s : NULL;
}

struct tui_screen *tui_dialog_new(const struct tui_dialog_def *def, void *arg)
{
	struct dialog *d = tui_xcalloc(1, sizeof *d);

	d->def = *def;
	tui_screen_init(&d->base, &dialog_ops, def->title, dialog_bar, 0);
	d->base.want_cursor = 1;
	d->base.close = def->close;
	d->base.arg = arg;
	if (def->fields != NULL)
		while (def->fields[d->n].id != NULL)
			d->n++;
	d->f = tui_xcalloc(d->n + 1, sizeof *d->f);
	d->cur = d->n;
	for (size_t i = 0; i < d->n; i++) {
		const struct tui_field_def *fd = &def->fields[i];
		const char *v = fd->def;
		if (v == NULL && fd->kind == TUI_FIELD_YESNO)
			v = "no";
		d->f[i].def = fd;
		d->f[i].value = tui_xstrdup(v != NULL ? v : "");
		d->f[i].initial = tui_xstrdup(v != NULL ? v : "");
		if (d->cur == d->n && dlg_focusable(&d->f[i]))
			d->cur = i;
	}
	d->rows = 1;
	return &d->base;
}

const char *tui_dialog_get(struct tui_screen *s, const char *id)
{
	struct dialog *d = dlg_of(s);
	size_t i;

	if (d == NULL || (i = dlg_index(d, id)) >= d->n)
		return NULL;
	if (d->form != NULL && d->form_field == i)
		dlg_sync(d, 0);
	return d->f[i].value;
}

int tui_dialog_set(struct tui_screen *s, const char *id, const char *value)
{
	struct dialog *d = dlg_of(s);
	size_t i;

	if (d == NULL || (i = dlg_index(d, id)) >= d->n)
		return -1;
	dlg_set_value(d, i, value != NULL ? value : "");
	return 0;
}

int tui_dialog_set_initial(struct tui_screen *s, const char *id, const char *value)
{
	struct dialog *d = dlg_of(s);
	size_t i;

	if (d == NULL || (i = dlg_index(d, id)) >= d->n)
		return -1;
	free(d->f[i].initial);
	d->f[i].initial = tui_xstrdup(value != NULL ? value : "");
	dlg_set_value(d, i, d->f[i].initial);
	return 0;
}

void tui_dialog_error(struct tui_screen *s, const char *id, const char *msg)
{
	struct dialog *d = dlg_of(s);

	if (d != NULL)
		dlg_show_error(d, id, msg);
}

const char *tui_dialog_current(const struct tui_screen *s)
{
	const struct dialog *d =
	    s != NULL && s->ops == &dialog_ops ? (const struct dialog *)s : NULL;

	if (d == NULL || d->cur >= d->n)
		return NULL;
	return d->f[d->cur].def->id;
}
