/*
 * tui.h: the one public header of libtui, a domain-free smitty-style widget
 * kit on ncurses, form, menu and panel. It knows menus, dialogs, pick lists,
 * pop-ups and a COMMAND STATUS screen; it knows nothing about NIM.
 *
 * The model: one poll loop (tui_run) that never nests; a stack of screens
 * (tui_push/tui_pop; a modal pop-up is a pushed screen); handlers change
 * state and mark screens dirty, and only the loop draws. Every key goes
 * through one action table (tui_action_info), which also yields the
 * function-key bars, the keys help and the manual's KEYS list.
 *
 * Ownership: constructors copy the definition struct they are given (a
 * shallow copy); the tables it points to (items, fields, choices) must live
 * as long as the screen, which is what static const tables do. A screen
 * belongs to the caller until tui_push(), then to the kit, which frees it
 * at the end of the loop pass in which it was popped; the definition's
 * `close` hook runs then (so callbacks of that pass may still use `arg`).
 * Strings returned as `char *` are owned by the caller; `const char *`
 * results are valid until the next change of what they describe.
 */
#ifndef NIMADM_TUI_H
#define NIMADM_TUI_H

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define TUI_PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define TUI_PRINTFLIKE(f, a)
#endif

const char *tui_version(void);

/* ---- actions: one table for keys, bars, help and the manual ------------- */

/*
 * X(ID, name, label, fkey, help). fkey is the function key number (0: none);
 * Esc followed by a digit is the same as that function key (Esc 0 is F10).
 */
#define TUI_ACTIONS(X)                                                                            \
	X(HELP, "help", "Help", 1, "Show help for the item under the cursor")                     \
	X(REFRESH, "refresh", "Refresh", 2, "Redraw the screen")                                  \
	X(CANCEL, "cancel", "Cancel", 3, "Go back to the previous screen without doing anything") \
	X(LIST, "list", "List", 4, "List the values the field can take")                          \
	X(RESET, "reset", "Reset", 5, "Restore the original value of the field")                  \
	X(COMMAND, "command", "Command", 6, "Show the command the screen runs")                   \
	X(EDIT, "edit", "Edit", 7,                                                                \
	  "Edit the field in a wide window; in a multiple-choice list, select or deselect an "    \
	  "item")                                                                                 \
	X(IMAGE, "image", "Image", 8, "Save an image of the screen in the log")                   \
	X(SHELL, "shell", "Shell", 9, "Start a shell; leave it with exit to come back")           \
	X(EXIT, "exit", "Exit", 10, "Leave the program")                                          \
	X(DO, "do", "Do", 0, "Select the item, or run the dialog")                                \
	X(UP, "up", "Up", 0, "Move to the previous item or line")                                 \
	X(DOWN, "down", "Down", 0, "Move to the next item or line")                               \
	X(LEFT, "left", "Left", 0, "Move left in the field")                                      \
	X(RIGHT, "right", "Right", 0, "Move right in the field")                                  \
	X(PAGE_UP, "page-up", "Page Up", 0, "Show the previous page")                             \
	X(PAGE_DOWN, "page-down", "Page Down", 0, "Show the next page")                           \
	X(HOME, "home", "Home", 0, "Go to the first item, or the start of the field")             \
	X(END, "end", "End", 0, "Go to the last item, or the end of the field")                   \
	X(NEXT_VALUE, "next-value", "Next Value", 0,                                              \
	  "Show the next value of a field with a fixed list (+), or go to the next field")        \
	X(PREV_VALUE, "prev-value", "Previous Value", 0,                                          \
	  "Show the previous value of a field with a fixed list (+)")                             \
	X(FIND, "find", "Find", 0, "Find a string in a list or in the output")                    \
	X(FIND_NEXT, "find-next", "Find Next", 0, "Find the next occurrence")                     \
	X(BACKSPACE, "backspace", "Backspace", 0, "Delete the character before the cursor")       \
	X(DELETE, "delete", "Delete", 0, "Delete the character under the cursor")                 \
	X(CLEAR_FIELD, "clear-field", "Clear Field", 0, "Clear the field")                        \
	X(KILL_LINE, "kill-line", "Kill Line", 0,                                                 \
	  "Delete from the cursor to the end of the field")                                       \
	X(SUSPEND, "suspend", "Suspend", 0, "Suspend the program (resume it with fg)")

enum tui_action {
	TUI_ACT_NONE = 0,
#define TUI_ACTION_ENUM(id, name, label, fkey, help) TUI_ACT_##id,
	TUI_ACTIONS(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
	    TUI_ACT_COUNT
};

struct tui_action_info {
	enum tui_action action;
	const char *name;  /* stable identifier: "help" */
	const char *label; /* shown in the function-key bar: "F1=Help" */
	int fkey;          /* 1..10, or 0 */
	const char *help;  /* one sentence for the keys help and the manual */
};

/* The entry of an action; NULL for TUI_ACT_NONE or out of range. Static. */
const struct tui_action_info *tui_action_info(enum tui_action a);
/* The keys bound to an action in words, e.g. "F1, Esc 1". Static storage. */
const char *tui_action_keys(enum tui_action a);
/* The action bound to a key code as returned by the input layer (internal
 * codes: see tui_key_name); TUI_ACT_NONE when unbound. */
enum tui_action tui_action_for_key(int key);
/* The keys help text (every action, its keys and what it does). Owned. */
char *tui_keys_help(void);
/* The manual's KEYS list in mdoc (a .Bl ... .El block). Owned. */
char *tui_keys_mdoc(void);

/* ---- life cycle and the loop -------------------------------------------- */

/* Returns the help text for an id (F1), or NULL when there is none. The
 * text need only be valid during the call (the pop-up copies it). */
typedef const char *tui_help_fn(void *arg, const char *help_id);

struct tui_opts {
	/* Names the smit.log/smit.script-like files $HOME/<app>.log and
	 * $HOME/<app>.script; NULL: no logging. */
	const char *app_name;
	/* Headless mode: keys come from this script file (see tui/README.md),
	 * the screen goes nowhere, and `:dump NAME` writes DUMP_DIR/NAME.txt.
	 * NULL: the real terminal on stdin/stdout. */
	const char *script;
	const char *dump_dir; /* NULL: "." */
	const char *term;     /* headless terminal type; NULL: "xterm-256color" */
	int cols, rows;       /* headless start size; 0: 80x24 */
	int idle_timeout_ms;  /* headless: longest wait for idle; 0: 30000 */
	int ascii_lines;      /* draw boxes with + - | even when ACS is there */
	int monochrome;       /* never use colour (also when $NO_COLOR is set) */
	tui_help_fn *help;    /* F1 texts by help id */
	void *help_arg;
};

/* Sets up the terminal (or the headless screen). 0 on success; -1 with a
 * message in errbuf (the terminal is untouched then). */
int tui_init(const struct tui_opts *o, char *errbuf, size_t errlen);
/* Runs the loop until tui_quit() or until the screen stack is empty.
 * Returns the quit code; in headless mode a failed script returns 2 (its
 * reason is printed on stderr). */
int tui_run(void);
/* Leaves the loop at the end of the current pass. */
void tui_quit(int code);
/* Pops every screen, restores the terminal, frees everything. Idempotent. */
void tui_end(void);
/* For fatal paths (a fatal() hook, a crash): puts the terminal back into
 * its normal mode with async-signal-safe calls only. */
void tui_restore_terminal(void);
/* Nonzero between tui_init() and tui_end(); nonzero in headless mode. */
int tui_active(void);
int tui_headless(void);
/* Marks every screen for a redraw (progress: throttled to about 10 Hz). */
void tui_set_dirty(void);
/* F2 (Refresh) redraws the screen and then calls fn(arg), so the
 * application can read again what its screens show. NULL: nothing more. */
void tui_on_refresh(void (*fn)(void *arg), void *arg);
/* The terminal size in use. */
void tui_size(int *cols, int *rows);

/* External event sources (e.g. the engine's command set). All callbacks
 * are optional except fill/dispatch. `dispatch` is called when one of the
 * source's fds is ready or its timeout has expired. `busy` tells headless
 * mode that work is in flight (it waits for idle). */
struct tui_source_ops {
	size_t (*npollfds)(void *arg);
	size_t (*fill)(void *arg, struct pollfd *fds, size_t max);
	void (*dispatch)(void *arg, const struct pollfd *fds, size_t n);
	int (*timeout)(void *arg); /* ms until dispatch is due anyway, -1: none */
	int (*busy)(void *arg);
};
struct tui_source;
/* ops must outlive the source. Safe to call from any callback. */
struct tui_source *tui_add_source(const struct tui_source_ops *ops, void *arg);
/* Removes and frees the source (also from inside its own dispatch); NULLs *src. */
void tui_remove_source(struct tui_source **src);

/* Timers: one-shot unless TUI_TIMER_REPEAT. A TUI_TIMER_BACKGROUND timer is
 * not "work" (headless mode does not wait for it). Returns an id > 0. */
#define TUI_TIMER_REPEAT     0x1
#define TUI_TIMER_BACKGROUND 0x2
typedef void tui_timer_fn(void *arg);
unsigned tui_timer(int ms, unsigned flags, tui_timer_fn *fn, void *arg);
/* Cancels a timer; harmless when it already fired or id is 0. */
void tui_timer_cancel(unsigned id);

/* ---- screens ------------------------------------------------------------ */

struct tui_screen;

void tui_push(struct tui_screen *s);
/* Pops the top screen (its close hook runs now, it is freed later). */
void tui_pop(void);
/* Pops s and every screen above it; harmless if s is not on the stack. */
void tui_close(struct tui_screen *s);
struct tui_screen *tui_top(void);
/* How many screens are on the stack. */
size_t tui_depth(void);
/* Frees a screen that was never pushed; NULLs *s. */
void tui_screen_free(struct tui_screen **s);
/* Marks one screen for a redraw. */
void tui_screen_dirty(struct tui_screen *s);
/* A one-line message on the top screen, cleared by the next key. */
void tui_message(const char *fmt, ...) TUI_PRINTFLIKE(1, 2);
void tui_error(const char *fmt, ...) TUI_PRINTFLIKE(1, 2);

/* ---- menus (smitty: "Move cursor to desired item and press Enter.") ------ */

struct tui_menu_item {
	const char *id;      /* for the select hook */
	const char *label;   /* NULL label ends the table */
	const char *help_id; /* F1 on the item; NULL: the menu's */
};
struct tui_menu_def {
	const char *title;
	const char *help_id;
	const struct tui_menu_item *items;
	/* Enter on an item (push the next screen here). */
	void (*select)(void *arg, struct tui_screen *menu, const struct tui_menu_item *item);
	void (*close)(void *arg); /* the menu was popped (free arg here) */
};
struct tui_screen *tui_menu_new(const struct tui_menu_def *def, void *arg);
/* The index of the current item (0-based). */
size_t tui_menu_current(const struct tui_screen *menu);

/* ---- pick lists (F4; single choice, or several with F7) ----------------- */

/* A list being filled, possibly asynchronously. The provider adds items and
 * then calls tui_list_done() exactly once, now or later; after that it must
 * forget req. If the user closes the list first, tui_list_cancelled() turns
 * true and the items are ignored, but tui_list_done() is still required. */
struct tui_list_req;
void tui_list_add(struct tui_list_req *req, const char *value, const char *desc);
/* error NULL: the list is complete; else it is shown instead of the items. */
void tui_list_done(struct tui_list_req *req, const char *error);
int tui_list_cancelled(const struct tui_list_req *req);
/* List requests still waiting for tui_list_done(). */
size_t tui_list_pending(void);

#define TUI_PICK_MULTI 0x1 /* F7 marks several items ('>') */

struct tui_picklist_def {
	const char *title;
	const char *help_id;
	unsigned flags;
	/* Enter: the chosen values (valid during the call; n >= 1). The list
	 * pops itself before the call. */
	void (*chosen)(void *arg, const char *const *values, size_t n);
	void (*close)(void *arg);
};
/* A pick list pop-up; fill it through *req (required), now or later: it
 * shows "Loading..." until tui_list_done(). Values in `selected` (space
 * separated) start marked in a multiple-choice list, current in a single. */
struct tui_screen *tui_picklist_new(const struct tui_picklist_def *def, void *arg,
                                    const char *selected, struct tui_list_req **req);

/* ---- dialogs (libform, smitty's [Entry Fields]) ------------------------- */

enum tui_field_kind {
	TUI_FIELD_TEXT,   /* free text */
	TUI_FIELD_NUMBER, /* '#': digits (and a leading '-') */
	TUI_FIELD_PATH,   /* '/': a file or directory name */
	TUI_FIELD_LIST,   /* '+': F4 lists values (a provider or fixed choices) */
	TUI_FIELD_YESNO,  /* '+': a ring of yes/no, Tab toggles */
	TUI_FIELD_INFO    /* shown, not editable, skipped by the cursor */
};
#define TUI_F_REQUIRED 0x1 /* '*': must not be empty */
#define TUI_F_MULTI    0x2 /* the list allows several values, space separated */
#define TUI_F_READONLY 0x4 /* no typing: only Tab, F4 and F5 change it */

/* A list provider. `dialog` is valid only during the call (read other
 * fields with tui_dialog_get there), req until tui_list_done(). */
typedef void tui_list_fn(void *arg, struct tui_screen *dialog, const char *field_id,
                         struct tui_list_req *req);

struct tui_field_def {
	const char *id; /* NULL id ends the table */
	const char *label;
	enum tui_field_kind kind;
	unsigned flags;
	const char *def;            /* default value; NULL: "" */
	const char *const *choices; /* a fixed ring (NULL-terminated); Tab cycles */
	tui_list_fn *list;          /* F4 provider (wins over choices for F4) */
	const char *help_id;
	int max_len; /* 0: 255 */
};

/* An error about a field, from submit or command; field NULL: the dialog. */
struct tui_field_error {
	const char *field;
	char msg[512];
};

#define TUI_DIALOG_CONFIRM   0x1 /* ask "ARE YOU SURE?" before submit */
#define TUI_DIALOG_NO_CHECKS 0x2 /* the app checks required and numeric fields */

struct tui_dialog_def {
	const char *title;
	const char *help_id;
	const struct tui_field_def *fields;
	unsigned flags;
	/* Enter: 0 on success (push a COMMAND STATUS here), -1 with fe filled
	 * (the cursor goes to fe->field and the message shows). */
	int (*submit)(void *arg, struct tui_screen *dialog, struct tui_field_error *fe);
	/* F6: the command the dialog would run (owned), or NULL with fe. */
	char *(*command)(void *arg, struct tui_screen *dialog, struct tui_field_error *fe);
	/* A field's value changed (typing is reported when the cursor leaves). */
	void (*changed)(void *arg, struct tui_screen *dialog, const char *field_id);
	void (*close)(void *arg);
};
struct tui_screen *tui_dialog_new(const struct tui_dialog_def *def, void *arg);
/* The current value ("" when empty, NULL for an unknown id); valid until
 * the dialog changes. Trailing blanks are dropped. */
const char *tui_dialog_get(struct tui_screen *dialog, const char *id);
/* Sets a value; -1 for an unknown id. _initial also makes it what F5 restores. */
int tui_dialog_set(struct tui_screen *dialog, const char *id, const char *value);
int tui_dialog_set_initial(struct tui_screen *dialog, const char *id, const char *value);
/* Moves the cursor to a field and shows a message there (NULL: clear). */
void tui_dialog_error(struct tui_screen *dialog, const char *id, const char *msg);
/* The id of the field under the cursor (NULL when none). */
const char *tui_dialog_current(const struct tui_screen *dialog);
/* The arg given to the constructor (also for menus). */
void *tui_screen_arg(const struct tui_screen *s);

/* ---- pop-ups ------------------------------------------------------------ */

/* A scrollable text pop-up (help, messages). */
void tui_popup_text(const char *title, const char *text);
/* The help pop-up for a help id, through the help provider. */
void tui_popup_help(const char *title, const char *help_id);
/* smitty's "SHOW COMMAND STRING" pop-up. */
void tui_popup_command(const char *command);
/* "ARE YOU SURE?": answer(arg, 1) on Enter, answer(arg, 0) on Cancel.
 * text NULL: smitty's words. */
void tui_confirm(const char *text, void (*answer)(void *arg, int yes), void *arg);
/* A one-line input pop-up: done(arg, text) on Enter (text valid during the
 * call), nothing on Cancel. */
void tui_prompt(const char *title, const char *label, const char *initial,
                void (*done)(void *arg, const char *text), void *arg);

/* ---- COMMAND STATUS ----------------------------------------------------- */

enum tui_status_state { TUI_STATUS_RUNNING, TUI_STATUS_OK, TUI_STATUS_FAILED };
enum tui_stream { TUI_STDOUT = 1, TUI_STDERR = 2 };

struct tui_status_def {
	const char *title;       /* NULL: "COMMAND STATUS" */
	const char *command;     /* F6 and the log; NULL: argv, quoted */
	const char *const *argv; /* the command, for the .log and .script; may be NULL */
	const char *help_id;
	void (*close)(void *arg); /* the screen was popped (the status lives on) */
};
/* A status widget owned by the caller (tui_status_free), shared with its
 * screen; feeding it after the screen closed is harmless. Strings are
 * copied. Logs "Command_to_Execute" to the .log and the command to the .script. */
struct tui_status *tui_status_new(const struct tui_status_def *def, void *arg);
/* Pushes a screen showing it; again after that screen was closed. */
void tui_status_push(struct tui_status *st);
/* One output line (without its newline; control characters are escaped
 * for the screen, kept in the log). */
void tui_status_line(struct tui_status *st, enum tui_stream stream, const char *line, size_t len);
void tui_status_finish(struct tui_status *st, int ok);
enum tui_status_state tui_status_state(const struct tui_status *st);
void tui_status_free(struct tui_status **st);

/* ---- views: full screens the application draws (view.c) ----------------- */

/* How text looks; the kit maps styles to colours (or attributes in
 * monochrome). TUI_STYLE_CURSOR can be or-ed to any style: the cursor line. */
enum tui_style {
	TUI_STYLE_NORMAL,
	TUI_STYLE_BOLD,    /* headings */
	TUI_STYLE_TITLE,   /* the title's colour */
	TUI_STYLE_ERROR,   /* failures */
	TUI_STYLE_GOOD,    /* success */
	TUI_STYLE_WARNING, /* warnings, attention */
	TUI_STYLE_MUTED,   /* what does not matter now */
	TUI_STYLE_FOUND    /* a search match */
};
#define TUI_STYLE_CURSOR 0x100

/*
 * A view: the kit draws the title, the message line and the function-key
 * bar; the application draws the body in its draw hook with the calls below
 * (only valid inside draw). Keys go to the key hook first: `key` is the
 * character typed (0 for function and cursor keys, which come as `a`);
 * return 1 when handled, else the kit's defaults apply (F1 help on help_id,
 * or the keys help; F3 pops; F10 exits; ... for the actions in the bar).
 */
struct tui_view_def {
	const char *title;
	const char *help_id;
	/* The function-key bar: actions ending with TUI_ACT_NONE; NULL: Help,
	 * Refresh, Cancel, Image, Shell, Exit. Copied. */
	const int *bar;
	/* Draw the body: rows x cols, row 0 is the line under the title. */
	void (*draw)(void *arg, struct tui_screen *view, int rows, int cols);
	int (*key)(void *arg, struct tui_screen *view, enum tui_action a, int key);
	/* Work in flight: headless mode waits until it is done. */
	int (*busy)(void *arg, struct tui_screen *view);
	void (*close)(void *arg); /* the view was popped (free arg here) */
};
struct tui_screen *tui_view_new(const struct tui_view_def *def, void *arg);
/* A new title (copied). */
void tui_view_set_title(struct tui_screen *view, const char *title);
/* The body's size now (also outside draw, e.g. for paging keys). */
void tui_view_size(struct tui_screen *view, int *rows, int *cols);
/* Draws UTF-8 text at (y, x) of the body, clipped to width columns (-1: to
 * the edge) and to the body; the caller escapes control characters. Returns
 * the columns used. */
int tui_view_put(struct tui_screen *view, int y, int x, int width, unsigned style,
                 const char *text);
/* Fills width columns (-1: to the edge) with blanks in a style. */
void tui_view_fill(struct tui_screen *view, int y, int x, int width, unsigned style);
/* Shows the terminal cursor at (y, x) of the body after drawing (default: hidden). */
void tui_view_cursor(struct tui_screen *view, int y, int x);
/* Display columns of UTF-8 text (an invalid byte counts as one), and how
 * many bytes of it fit in cols columns. */
int tui_text_width(const char *s, size_t len);
size_t tui_text_fit(const char *s, size_t len, int cols);

/* ---- the log and the script (like smit.log and smit.script) -------------- */

/* Appends a timestamped entry to the .log and the command to the .script
 * (each argument quoted for a POSIX shell). display NULL: argv quoted. */
void tui_log_command(const char *const *argv, const char *display);
/* Appends timestamped free text to the .log. */
void tui_log_text(const char *fmt, ...) TUI_PRINTFLIKE(1, 2);
/* Appends the current screen image to the .log (F8). */
void tui_log_image(void);
/* Paths in use (NULL when logging is off). */
const char *tui_log_path(void);
const char *tui_script_path(void);
/* argv quoted for a POSIX shell ('\'' for a quote), joined by spaces. Owned. */
char *tui_quote_argv(const char *const *argv);

/* ---- text of the screen --------------------------------------------------- */

/* The screen as plain text, one line per row, trailing blanks dropped,
 * boxes in ASCII. Owned. */
char *tui_screen_text(void);
/* Writes tui_screen_text() to a file; 0 or -1 (errno set). */
int tui_dump(const char *path);

#endif
