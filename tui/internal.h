/*
 * internal.h: what the files of tui/ share and nobody else sees: the kit's
 * global state, the screen base "class", drawing helpers and tiny string
 * helpers (tui/ cannot use engine/util.h).
 */
#ifndef NIMADM_TUI_INTERNAL_H
#define NIMADM_TUI_INTERNAL_H

#include <curses.h>
#include <form.h>
#include <panel.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "tui.h"

#define TUI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define TUI_MIN_COLS     80
#define TUI_MIN_ROWS     24
/* Progress repaints are throttled to this interval; keys draw at once. */
#define TUI_DRAW_INTERVAL_MS 100

/* Key codes: function keys (KEY_*) are offset so they never collide with
 * characters, which are their code points. */
#define TUI_KEY_FN(k)    (0x1000000 + (k))
#define TUI_KEY_IS_FN(k) ((k) >= 0x1000000)
#define TUI_KEY_CTRL(c)  ((c)&0x1f)
#define TUI_KEY_ESC      27

/* ---- mem.c: allocation that aborts, strings ---- */
void *tui_xmalloc(size_t n);
void *tui_xcalloc(size_t n, size_t size);
void *tui_xrealloc(void *p, size_t n);
char *tui_xstrdup(const char *s);
char *tui_xstrndup(const char *s, size_t n);
char *tui_xasprintf(const char *fmt, ...) TUI_PRINTFLIKE(1, 2);
char *tui_xvasprintf(const char *fmt, va_list ap) TUI_PRINTFLIKE(1, 0);
/* Copies with truncation, always terminated. */
void tui_strlcpy(char *dst, const char *src, size_t size);
/* Case-insensitive substring search (ASCII). */
const char *tui_strcasestr(const char *hay, const char *needle);

struct tui_buf {
	char *s;
	size_t len, cap;
};
void tui_buf_add(struct tui_buf *b, const char *s, size_t n);
void tui_buf_adds(struct tui_buf *b, const char *s);
void tui_buf_addc(struct tui_buf *b, char c);
void tui_buf_addf(struct tui_buf *b, const char *fmt, ...) TUI_PRINTFLIKE(2, 3);
/* The contents (owned by the caller, never NULL); empties b. */
char *tui_buf_steal(struct tui_buf *b);
void tui_buf_free(struct tui_buf *b);

/* Display columns of a UTF-8 string (invalid bytes count as one). */
int tui_str_width(const char *s, size_t len);
/* Bytes of s that fit in `cols` columns. */
size_t tui_str_fit(const char *s, size_t len, int cols);
/* Control characters as ^X, DEL as ^?, tabs as spaces to the next 8. Owned. */
char *tui_str_printable(const char *s, size_t len);

/* ---- screen.c: the screen base ---- */
struct tui_screen_ops {
	const char *kind;
	/* (Re)creates the windows for the terminal size; the base placed
	 * s->win already (full screen or the pop-up rectangle). */
	void (*layout)(struct tui_screen *s);
	/* Computes a pop-up's size; NULL for full-screen screens. */
	void (*popup_size)(struct tui_screen *s, int *h, int *w);
	void (*draw)(struct tui_screen *s);
	/* Returns 1 when it handled the key. `key` is the raw code. */
	int (*key)(struct tui_screen *s, enum tui_action a, int key);
	/* F1: the help id and title for what is under the cursor. */
	const char *(*help)(struct tui_screen *s, const char **title);
	/* Find: search for text (from the current position; next: after it). */
	void (*find)(struct tui_screen *s, const char *text, int next);
	/* Work in flight (headless waits). */
	int (*busy)(struct tui_screen *s);
	void (*free)(struct tui_screen *s);
};

/* Entries of a function-key bar: an action, with TUI_BAR_ALT for its
 * alternative label (F7=Select). */
#define TUI_BAR_ALT 0x100
#define TUI_BAR_END 0

struct tui_screen {
	const struct tui_screen_ops *ops;
	WINDOW *win;
	PANEL *panel;
	int popup; /* a boxed pop-up over the screen below */
	int dirty;
	int pushed, popped;
	int want_cursor; /* show the terminal cursor on this screen */
	char *title;
	char *msg; /* message line, cleared by the next key */
	int msg_error;
	const int *bar;           /* function keys (TUI_BAR_END ends) */
	int bar_cols;             /* 4 for full screens, 3 for pop-ups */
	void (*close)(void *arg); /* runs when the screen is freed */
	void *arg;
	struct tui_screen *next_free; /* graveyard link */
};

void tui_screen_init(struct tui_screen *s, const struct tui_screen_ops *ops, const char *title,
                     const int *bar, int popup);
/* Whether the screen's bar lists the action (the gate for F-key actions). */
int tui_screen_has_action(const struct tui_screen *s, enum tui_action a);
/* Places the window for the current size and calls the layout hook. */
void tui_screen_place(struct tui_screen *s);
/* The default handling of an action the screen did not take. */
void tui_screen_default_action(struct tui_screen *s, enum tui_action a);
/* Rows the bar needs at width w. */
int tui_bar_rows(const struct tui_screen *s);
/* Common chrome: the title, the message line and the function-key bar.
 * For pop-ups also the box. Returns the row of the message line. */
int tui_draw_chrome(struct tui_screen *s);
/* A pop-up's height for `content` rows between its title and its bar. */
int tui_popup_height(const struct tui_screen *s, int content);
/* The content rectangle of a pop-up (inside the box, one column margin). */
void tui_popup_inner(const struct tui_screen *s, int *y0, int *x0, int *h, int *w);
/* Draws text clipped to w columns at (y,x); pads with blanks when pad. */
void tui_put(WINDOW *w, int y, int x, int width, const char *s, int pad);
/* Draws a centered line. */
void tui_put_center(WINDOW *w, int y, int x, int width, const char *s);
/* The find hook: asks for a string ('/') or repeats the last ('n'). */
void tui_screen_find(struct tui_screen *s, int next);

/* ---- term.c: the terminal ---- */
enum tui_role {
	TUI_ROLE_NORMAL,
	TUI_ROLE_TITLE,
	TUI_ROLE_SELECTED,
	TUI_ROLE_ERROR,
	TUI_ROLE_FKEY,
	TUI_ROLE_BORDER,
	TUI_ROLE_MARK,
	TUI_ROLE_FOUND
};
attr_t tui_attr(enum tui_role r);
int tui_term_open(const struct tui_opts *o, char *errbuf, size_t errlen);
void tui_term_close(void);
/* Applies a new size (from the terminal, or :size in headless mode). */
void tui_term_resize(int rows, int cols);
/* Reads the terminal's size after SIGWINCH and applies it. */
void tui_term_resize_from_tty(void);
void tui_term_box(WINDOW *w);
/* Leaves curses mode (shell, suspend) and comes back. */
void tui_term_leave(void);
void tui_term_reenter(void);
/* The signal self-pipe's read end; signals arrive as one byte each. */
int tui_term_signal_fd(void);
void tui_term_suspend(void);
/* One key from curses: a code point or TUI_KEY_FN(KEY_*); -1 when none. */
int tui_term_getkey(void);

/* ---- shell.c: F9 ---- */
void tui_shell_start(void);
/* Called by the loop while a shell runs: reaps it, returns to curses. */
void tui_shell_check(void);

/* ---- loop.c: the kit's state ---- */
struct tui_timer_ent {
	unsigned id;
	unsigned long long born; /* the pass that created it */
	long long due;
	int interval;
	unsigned flags;
	tui_timer_fn *fn;
	void *arg;
};

struct tui_headless;

struct tui_state {
	int active;
	int headless;
	struct tui_screen **stack;
	size_t nstack, capstack;
	struct tui_screen *grave;
	struct tui_timer_ent *timers;
	size_t ntimers, captimers;
	unsigned long long pass; /* counts loop passes */
	unsigned next_timer_id;
	struct tui_source *sources;
	int quit;
	int quit_code;
	int all_dirty;
	int keys_since_draw;
	long long last_draw;
	int too_small;
	int esc_pending;
	int suspended; /* a shell owns the terminal */
	pid_t shell_pid;
	unsigned shell_timer;
	int input_fd;
	int hl_key_fd; /* headless: keys are written here, read by curses */
	int rows, cols;
	int cursor_shown;
	size_t pending_lists;
	tui_help_fn *help;
	void *help_arg;
	char *last_find;
	struct tui_headless *hl;
};
extern struct tui_state tui_g;

long long tui_now_ms(void);
/* Re-places every screen after a size change (or shows "too small"). */
void tui_loop_relayout(void);
/* Handles one key through the action table (the one input path). */
void tui_input_key(int key);
/* Draws every dirty screen now and updates the terminal. */
void tui_draw_now(void);
/* Whether there is nothing to do: no dirty screens, no busy source, no
 * work timers, no pending lists, no busy screen, no fd ready within 0 ms. */
int tui_loop_idle(void);

/* ---- headless.c ---- */
int tui_headless_open(const struct tui_opts *o, char *errbuf, size_t errlen);
/* One step between passes: may feed a key into the input pipe, dump, resize,
 * or wait. Returns -1 on a script failure (message on stderr). */
int tui_headless_step(void);
/* The poll timeout the headless runner needs (its watchdog), or -1. */
int tui_headless_timeout(void);
void tui_headless_close(void);

/* ---- log.c ---- */
void tui_log_open(const char *app_name);
void tui_log_close(void);
/* The timestamp prefix "[Mon DD YYYY, HH:MM:SS]". */
void tui_log_stamp(char *buf, size_t size);
/* Appends raw text to the .log. */
void tui_log_raw(const char *s, size_t len);
/* Appends raw text to a file (created 0600); nothing when path is NULL. */
void tui_log_append(const char *path, const char *s, size_t len);

/* ---- picklist.c ---- */
struct tui_list_item {
	char *value;
	char *desc;
};
struct tui_list_req {
	int refs; /* the provider's and the list's */
	int done;
	int cancelled;
	char *error;
	struct tui_list_item *items;
	size_t n, cap;
	struct tui_screen *list; /* the pick list showing it, NULL after close */
};
void tui_list_req_unref(struct tui_list_req *req);

/* ---- edit.c: editing one libform field ---- */
/* Edits the current field: movement, deletion, typing. `numeric` lets
 * only digits and '-' through. Returns 1 when the key was for the field. */
int tui_edit_key(FORM *form, enum tui_action a, int key, int numeric);
/* The field's text without trailing blanks (validates first). Owned. */
char *tui_edit_value(FORM *form, FIELD *field);
/* Fills a row with blanks from x for n columns. */
void tui_blank(WINDOW *w, int y, int x, int n);

/* ---- popup.c ---- */
/* A text pop-up with a given title and bar; shared by help/command/confirm. */
struct tui_screen *tui_popup_text_new(const char *title, const char *text);

/* ---- textview.c: a scrollable, wrapping text area ---- */
struct tui_textview {
	char **lines;
	unsigned char *line_flags;
	size_t nlines, caplines;
	/* display rows: (line, byte offset, byte length) */
	struct tui_tv_row {
		size_t line;
		size_t off, len;
	} * rows;
	size_t nrows, caprows;
	int width;
	size_t top; /* first display row shown */
	int follow; /* stick to the bottom as lines arrive */
	long found; /* the line found last, -1 none */
	size_t max_lines;
};
#define TUI_TV_ERR 0x1 /* a line from stderr (smitty draws both streams alike) */
void tui_tv_init(struct tui_textview *tv);
void tui_tv_free(struct tui_textview *tv);
void tui_tv_clear(struct tui_textview *tv);
/* Appends text; newlines split it into lines. Copies. */
void tui_tv_add(struct tui_textview *tv, const char *text, unsigned flags);
void tui_tv_add_line(struct tui_textview *tv, const char *line, size_t len, unsigned flags);
void tui_tv_set_width(struct tui_textview *tv, int width);
void tui_tv_draw(struct tui_textview *tv, WINDOW *w, int y, int x, int h);
/* Scrolling keys; returns 1 when handled. */
int tui_tv_key(struct tui_textview *tv, enum tui_action a, int h);
/* Rows above and below the view. */
size_t tui_tv_above(const struct tui_textview *tv);
size_t tui_tv_below(const struct tui_textview *tv, int h);
int tui_tv_find(struct tui_textview *tv, const char *text, int next, int h);

/* Markers: "[TOP]", "[MORE...n]", "[BOTTOM]" for a scrolled region. */
void tui_draw_markers(WINDOW *w, int top_row, int bottom_row, size_t above, size_t below);

#endif
