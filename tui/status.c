/*
 * status.c: smitty's COMMAND STATUS screen. "Command: running|OK|failed
 * stdout: yes|no  stderr: yes|no", "Before command completion, additional
 * instructions may appear below.", then the output as it arrives,
 * scrollable, with Find. The widget is fed by the application and logs the
 * command and its output to the .log (and the command to the .script).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int status_bar[] = { TUI_ACT_HELP,    TUI_ACT_REFRESH, TUI_ACT_CANCEL,
	                          TUI_ACT_COMMAND, TUI_ACT_IMAGE,   TUI_ACT_SHELL,
	                          TUI_ACT_EXIT,    TUI_ACT_FIND,    TUI_ACT_FIND_NEXT,
	                          TUI_BAR_END };

#define STATUS_FIRST_ROW 6
#define STATUS_MAX_LINES 200000

struct tui_status {
	int refs; /* the caller's and the screen's */
	struct tui_textview tv;
	enum tui_status_state state;
	int out_seen, err_seen;
	char *title;
	char *command;
	char *help_id;
	char *log; /* the .log when it started: it logs there to the end */
	struct status_screen *screen;
	void (*close)(void *arg);
	void *arg;
};

struct status_screen {
	struct tui_screen base;
	struct tui_status *st;
	int h;
};

static void status_unref(struct tui_status *st)
{
	if (st == NULL || --st->refs > 0)
		return;
	tui_tv_free(&st->tv);
	free(st->title);
	free(st->command);
	free(st->help_id);
	free(st->log);
	free(st);
}

static int status_marker_row(const struct tui_screen *s)
{
	return getmaxy(s->win) - tui_bar_rows(s) - 2;
}

static void status_layout(struct tui_screen *s)
{
	struct status_screen *ss = (struct status_screen *)s;

	ss->h = status_marker_row(s) - STATUS_FIRST_ROW;
	if (ss->h < 1)
		ss->h = 1;
	tui_tv_set_width(&ss->st->tv, getmaxx(s->win));
}

static const char *status_word(enum tui_status_state state)
{
	switch (state) {
	case TUI_STATUS_RUNNING:
		return "running";
	case TUI_STATUS_OK:
		return "OK";
	case TUI_STATUS_FAILED:
		return "failed";
	}
	return "?";
}

static void status_draw(struct tui_screen *s)
{
	struct status_screen *ss = (struct status_screen *)s;
	struct tui_status *st = ss->st;
	WINDOW *w = s->win;
	int cols = getmaxx(w);
	char line[160], a[32], b[32];

	werase(w);
	tui_draw_chrome(s);
	snprintf(a, sizeof a, "Command: %s", status_word(st->state));
	snprintf(b, sizeof b, "stdout: %s", st->out_seen ? "yes" : "no");
	snprintf(line, sizeof line, "%-23s%-22sstderr: %s", a, b, st->err_seen ? "yes" : "no");
	if (st->state == TUI_STATUS_FAILED)
		wattron(w, tui_attr(TUI_ROLE_ERROR));
	tui_put(w, 2, 0, cols, line, 0);
	if (st->state == TUI_STATUS_FAILED)
		wattroff(w, tui_attr(TUI_ROLE_ERROR));
	tui_put(w, 4, 0, cols,
	        "Before command completion, additional instructions may appear below.", 0);
	tui_tv_draw(&st->tv, w, STATUS_FIRST_ROW, 0, ss->h);
	tui_draw_markers(w, STATUS_FIRST_ROW - 1, status_marker_row(s), tui_tv_above(&st->tv),
	                 tui_tv_below(&st->tv, ss->h));
	wmove(w, 2, 0);
}

static void status_find(struct tui_screen *s, const char *text, int next)
{
	struct status_screen *ss = (struct status_screen *)s;

	if (!tui_tv_find(&ss->st->tv, text, next, ss->h))
		tui_message("\"%s\" was not found.", text);
	s->dirty = 1;
}

static int status_key(struct tui_screen *s, enum tui_action a, int key)
{
	struct status_screen *ss = (struct status_screen *)s;

	(void)key;
	if (tui_tv_key(&ss->st->tv, a, ss->h)) {
		s->dirty = 1;
		return 1;
	}
	switch (a) {
	case TUI_ACT_COMMAND:
		tui_popup_command(ss->st->command);
		return 1;
	case TUI_ACT_FIND:
	case TUI_ACT_FIND_NEXT:
		tui_screen_find(s, a == TUI_ACT_FIND_NEXT);
		return 1;
	case TUI_ACT_DO:
		return 1;
	default:
		return 0;
	}
}

static const char *status_help(struct tui_screen *s, const char **title)
{
	struct status_screen *ss = (struct status_screen *)s;

	*title = s->title;
	return ss->st->help_id;
}

static void status_screen_free(struct tui_screen *s)
{
	struct status_screen *ss = (struct status_screen *)s;

	ss->st->screen = NULL;
	status_unref(ss->st);
}

static const struct tui_screen_ops status_ops = {
	.kind = "status",
	.layout = status_layout,
	.draw = status_draw,
	.key = status_key,
	.help = status_help,
	.find = status_find,
	.free = status_screen_free,
};

static void status_closed(void *arg)
{
	struct tui_status *st = arg;

	if (st->close != NULL)
		st->close(st->arg);
}

struct tui_status *tui_status_new(const struct tui_status_def *def, void *arg)
{
	struct tui_status *st = tui_xcalloc(1, sizeof *st);
	static const char start[] = "\nOutput from Command_to_Execute follows below:\n"
	                            "---- start ----\n";

	st->refs = 1;
	tui_tv_init(&st->tv);
	st->tv.follow = 1;
	st->tv.max_lines = STATUS_MAX_LINES;
	st->state = TUI_STATUS_RUNNING;
	st->title = tui_xstrdup(def->title != NULL ? def->title : "COMMAND STATUS");
	st->command = def->command != NULL ? tui_xstrdup(def->command) : tui_quote_argv(def->argv);
	st->help_id = def->help_id != NULL ? tui_xstrdup(def->help_id) : NULL;
	st->close = def->close;
	st->arg = arg;
	st->log = tui_log_path() != NULL ? tui_xstrdup(tui_log_path()) : NULL;
	tui_log_command(def->argv, st->command);
	tui_log_append(st->log, start, sizeof start - 1);
	return st;
}

void tui_status_push(struct tui_status *st)
{
	struct status_screen *ss;

	if (st == NULL || st->screen != NULL)
		return;
	ss = tui_xcalloc(1, sizeof *ss);
	tui_screen_init(&ss->base, &status_ops, st->title, status_bar, 0);
	ss->st = st;
	ss->base.close = status_closed;
	ss->base.arg = st;
	st->refs++;
	st->screen = ss;
	tui_push(&ss->base);
}

void tui_status_line(struct tui_status *st, enum tui_stream stream, const char *line, size_t len)
{
	if (st == NULL)
		return;
	if (stream == TUI_STDERR)
		st->err_seen = 1;
	else
		st->out_seen = 1;
	tui_tv_add_line(&st->tv, line, len, stream == TUI_STDERR ? TUI_TV_ERR : 0);
	tui_log_append(st->log, line, len);
	tui_log_append(st->log, "\n", 1);
	if (st->screen != NULL)
		st->screen->base.dirty = 1;
}

void tui_status_finish(struct tui_status *st, int ok)
{
	char stamp[64], *text;

	if (st == NULL || st->state != TUI_STATUS_RUNNING)
		return;
	st->state = ok ? TUI_STATUS_OK : TUI_STATUS_FAILED;
	tui_log_stamp(stamp, sizeof stamp);
	text = tui_xasprintf("---- end ----\n%s Command: %s\n", stamp, status_word(st->state));
	tui_log_append(st->log, text, strlen(text));
	free(text);
	if (st->screen != NULL)
		st->screen->base.dirty = 1;
}

enum tui_status_state tui_status_state(const struct tui_status *st)
{
	return st != NULL ? st->state : TUI_STATUS_FAILED;
}

void tui_status_free(struct tui_status **stp)
{
	if (stp == NULL || *stp == NULL)
		return;
	status_unref(*stp);
	*stp = NULL;
}
