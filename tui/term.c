/*
 * term.c: the only file that sets up and tears down the terminal. Raw mode,
 * a short Esc delay, colour when the terminal has it, ASCII boxes when it
 * has no line drawing, the signal self-pipe, resize, and a restore that
 * works on exit, on error and on a fatal signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

/* Signals that arrive through the self-pipe, and those that are fatal. */
static const int term_loop_signals[] = { SIGWINCH, SIGINT,  SIGTERM, SIGHUP,
	                                 SIGTSTP,  SIGCONT, SIGQUIT };
static const int term_fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static struct {
	int open;
	SCREEN *sp;
	FILE *out, *in;
	int own_files; /* headless: out and in are ours to close */
	WINDOW *input; /* a pad: wgetch never refreshes a pad */
	int sig_r, sig_w;
	struct sigaction old_loop[TUI_ARRAY_LEN(term_loop_signals)];
	struct sigaction old_fatal[TUI_ARRAY_LEN(term_fatal_signals)];
	int fatal_installed;
	/* for the async-signal-safe restore */
	volatile sig_atomic_t armed;
	int tty_fd;
	struct termios saved;
	int saved_ok;
	char reset[256];
	size_t reset_len;
	int ascii;
	int colour;
} term = { .sig_r = -1, .sig_w = -1, .tty_fd = -1 };

#if defined(__SANITIZE_ADDRESS__)
#define TERM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TERM_ASAN 1
#endif
#endif
#ifdef TERM_ASAN
/*
 * ncurses built without --disable-leaks never frees libpanel's pseudo panel
 * for stdscr (32 bytes per SCREEN, reachable only through its internals),
 * nor the "pre-screen" of a newterm() that failed (an unknown TERM). Tell
 * LeakSanitizer, so ASan runs of the suite stay meaningful. Weak: a program
 * with its own suppressions wins.
 */
const char *__lsan_default_suppressions(void) __attribute__((weak));
const char *__lsan_default_suppressions(void)
{
	return "leak:new_panel\nleak:new_prescr\n";
}
#endif

enum { PAIR_ERROR = 1, PAIR_TITLE, PAIR_BORDER, PAIR_FOUND, PAIR_MARK };

attr_t tui_attr(enum tui_role r)
{
	switch (r) {
	case TUI_ROLE_TITLE:
		return A_BOLD | (term.colour ? COLOR_PAIR(PAIR_TITLE) : 0);
	case TUI_ROLE_SELECTED:
		return A_REVERSE;
	case TUI_ROLE_ERROR:
		return A_BOLD | (term.colour ? COLOR_PAIR(PAIR_ERROR) : 0);
	case TUI_ROLE_BORDER:
		return term.colour ? COLOR_PAIR(PAIR_BORDER) : A_NORMAL;
	case TUI_ROLE_MARK:
		return A_BOLD | (term.colour ? COLOR_PAIR(PAIR_MARK) : 0);
	case TUI_ROLE_FOUND:
		return term.colour ? (A_BOLD | COLOR_PAIR(PAIR_FOUND)) : (A_BOLD | A_UNDERLINE);
	case TUI_ROLE_FKEY:
	case TUI_ROLE_NORMAL:
		break;
	}
	return A_NORMAL;
}

static void term_on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (term.sig_w >= 0)
		(void)!write(term.sig_w, &c, 1);
	errno = saved;
}

/* A crash: put the terminal back, then die of the same signal. */
static void term_on_fatal(int sig)
{
	tui_restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

void tui_restore_terminal(void)
{
	if (!term.armed)
		return;
	term.armed = 0;
	if (term.tty_fd >= 0) {
		if (term.reset_len > 0)
			(void)!write(term.tty_fd, term.reset, term.reset_len);
		if (term.saved_ok)
			tcsetattr(term.tty_fd, TCSANOW, &term.saved);
	}
}

static void term_add_reset(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (term.reset_len + n < sizeof term.reset) {
		memcpy(term.reset + term.reset_len, s, n);
		term.reset_len += n;
	}
}

static int term_self_pipe(void)
{
	int p[2];

	if (pipe(p) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
	}
	term.sig_r = p[0];
	term.sig_w = p[1];
	return 0;
}

static void term_install_signals(int headless)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term_on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < TUI_ARRAY_LEN(term_loop_signals); i++)
		sigaction(term_loop_signals[i], &sa, &term.old_loop[i]);
	if (headless)
		return;
	sa.sa_handler = term_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < TUI_ARRAY_LEN(term_fatal_signals); i++)
		sigaction(term_fatal_signals[i], &sa, &term.old_fatal[i]);
	term.fatal_installed = 1;
}

static void term_restore_signals(void)
{
	for (size_t i = 0; i < TUI_ARRAY_LEN(term_loop_signals); i++)
		sigaction(term_loop_signals[i], &term.old_loop[i], NULL);
	if (term.fatal_installed)
		for (size_t i = 0; i < TUI_ARRAY_LEN(term_fatal_signals); i++)
			sigaction(term_fatal_signals[i], &term.old_fatal[i], NULL);
	term.fatal_installed = 0;
}

/* atexit: a program that exits without tui_end() still gets its terminal back. */
static void term_atexit(void)
{
	if (term.open && !tui_g.headless) {
		endwin();
		term.armed = 0;
	}
}

static void term_colours(const struct tui_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	term.colour = 0;
	if (o->monochrome || (nc != NULL && *nc != '\0') || !has_colors())
		return;
	if (start_color() != OK)
		return;
	term.colour = 1;
#ifdef NCURSES_VERSION
	use_default_colors();
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_TITLE, COLOR_BLUE, -1);
	init_pair(PAIR_BORDER, COLOR_CYAN, -1);
	init_pair(PAIR_FOUND, COLOR_YELLOW, -1);
	init_pair(PAIR_MARK, COLOR_GREEN, -1);
#else
	init_pair(PAIR_ERROR, COLOR_RED, COLOR_BLACK);
	init_pair(PAIR_TITLE, COLOR_BLUE, COLOR_BLACK);
	init_pair(PAIR_BORDER, COLOR_CYAN, COLOR_BLACK);
	init_pair(PAIR_FOUND, COLOR_YELLOW, COLOR_BLACK);
	init_pair(PAIR_MARK, COLOR_GREEN, COLOR_BLACK);
#endif
}

/*
 * Keys by their xterm sequences too, when the terminfo entry does not claim
 * them: tmux sends xterm sequences for F5..F10 whatever TERM says, and a
 * vt100 entry knows only F1..F4.
 */
static void term_define_keys(void)
{
#ifdef NCURSES_VERSION
	static const struct {
		const char *seq;
		int key;
	} extra[] = {
		{ "\033OP", KEY_F(1) },   { "\033OQ", KEY_F(2) },    { "\033OR", KEY_F(3) },
		{ "\033OS", KEY_F(4) },   { "\033[11~", KEY_F(1) },  { "\033[12~", KEY_F(2) },
		{ "\033[13~", KEY_F(3) }, { "\033[14~", KEY_F(4) },  { "\033[15~", KEY_F(5) },
		{ "\033[17~", KEY_F(6) }, { "\033[18~", KEY_F(7) },  { "\033[19~", KEY_F(8) },
		{ "\033[20~", KEY_F(9) }, { "\033[21~", KEY_F(10) }, { "\033[A", KEY_UP },
		{ "\033[B", KEY_DOWN },   { "\033[C", KEY_RIGHT },   { "\033[D", KEY_LEFT },
		{ "\033OA", KEY_UP },     { "\033OB", KEY_DOWN },    { "\033OC", KEY_RIGHT },
		{ "\033OD", KEY_LEFT },   { "\033[H", KEY_HOME },    { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME },   { "\033OF", KEY_END },     { "\033[1~", KEY_HOME },
		{ "\033[4~", KEY_END },   { "\033[5~", KEY_PPAGE },  { "\033[6~", KEY_NPAGE },
		{ "\033[3~", KEY_DC },    { "\033[Z", KEY_BTAB },
	};

	for (size_t i = 0; i < TUI_ARRAY_LEN(extra); i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
#endif
}

int tui_term_open(const struct tui_opts *o, char *errbuf, size_t errlen)
{
	static int atexit_done;
	const char *tname = NULL;
	char *acsc;

	if (term_self_pipe() != 0) {
		snprintf(errbuf, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	if (tui_g.headless) {
		int p[2];
		if (pipe(p) != 0) {
			snprintf(errbuf, errlen, "cannot create a pipe: %s", strerror(errno));
			goto fail;
		}
		fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
		term.in = fdopen(p[0], "r");
		term.out = fopen("/dev/null", "w");
		if (term.in == NULL || term.out == NULL) {
			snprintf(errbuf, errlen, "cannot open the headless screen");
			if (term.in != NULL)
				fclose(term.in);
			else
				close(p[0]);
			if (term.out != NULL)
				fclose(term.out);
			close(p[1]);
			term.in = term.out = NULL;
			goto fail;
		}
		term.own_files = 1;
		tui_g.input_fd = p[0];
		tui_g.hl_key_fd = p[1];
		tname = o->term != NULL ? o->term : "xterm-256color";
	} else {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(errbuf, errlen, "standard input and output must be a terminal");
			goto fail;
		}
		term.in = stdin;
		term.out = stdout;
		term.own_files = 0;
		tui_g.input_fd = STDIN_FILENO;
		term.tty_fd = STDOUT_FILENO;
		term.saved_ok = tcgetattr(STDIN_FILENO, &term.saved) == 0;
		if (getenv("TERM") == NULL || *getenv("TERM") == '\0') {
			snprintf(errbuf, errlen, "TERM is not set");
			goto fail;
		}
	}
	/* Our handlers first: ncurses then leaves SIGWINCH, SIGINT, SIGTSTP alone. */
	term_install_signals(tui_g.headless);
	term.sp = newterm(tname, term.out, term.in);
	if (term.sp == NULL) {
		snprintf(errbuf, errlen, "cannot initialize the terminal '%s'",
		         tname != NULL ? tname : getenv("TERM"));
		term_restore_signals();
		goto fail_files;
	}
	set_term(term.sp);
	term.open = 1;
	if (!tui_g.headless) {
		term.reset_len = 0;
		term_add_reset("sgr0");
		term_add_reset("cnorm");
		term_add_reset("rmkx");
		term_add_reset("rmcup");
		if (term.reset_len + 2 < sizeof term.reset) {
			memcpy(term.reset + term.reset_len, "\r\n", 2);
			term.reset_len += 2;
		}
		term.armed = 1;
		if (!atexit_done) {
			atexit(term_atexit);
			atexit_done = 1;
		}
	}
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
#ifdef NCURSES_VERSION
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(tui_g.headless ? 25 : 100);
#endif
	term.input = newpad(1, 1);
	keypad(term.input, TRUE);
	nodelay(term.input, TRUE);
	term_define_keys();
	term_colours(o);
	acsc = tigetstr("acsc");
	term.ascii = o->ascii_lines || acsc == NULL || acsc == (char *)-1 || *acsc == '\0';
	curs_set(1);
	tui_g.cursor_shown = 1;
	if (tui_g.headless)
		resizeterm(o->rows > 0 ? o->rows : TUI_MIN_ROWS,
		           o->cols > 0 ? o->cols : TUI_MIN_COLS);
	tui_g.rows = LINES;
	tui_g.cols = COLS;
	tui_g.too_small = COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS;
	return 0;

fail_files:
	if (term.own_files) {
		fclose(term.in);
		fclose(term.out);
		close(tui_g.hl_key_fd);
		tui_g.hl_key_fd = -1;
		term.in = term.out = NULL;
	}
fail:
	close(term.sig_r);
	close(term.sig_w);
	term.sig_r = term.sig_w = -1;
	return -1;
}

void tui_term_close(void)
{
	if (!term.open)
		return;
	if (term.input != NULL)
		delwin(term.input);
	term.input = NULL;
	endwin();
	term.armed = 0;
	delscreen(term.sp);
	term.sp = NULL;
	term.open = 0;
	term_restore_signals();
	if (term.own_files) {
		fclose(term.in);
		fclose(term.out);
		if (tui_g.hl_key_fd >= 0)
			close(tui_g.hl_key_fd);
		tui_g.hl_key_fd = -1;
	}
	term.in = term.out = NULL;
	term.tty_fd = -1;
	close(term.sig_r);
	close(term.sig_w);
	term.sig_r = term.sig_w = -1;
}

int tui_term_signal_fd(void)
{
	return term.sig_r;
}

/* Reads one key: a character (code point) or TUI_KEY_FN(KEY_*); -1 if none. */
int tui_term_getkey(void)
{
	wint_t wc;
	int r = wget_wch(term.input, &wc);

	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return TUI_KEY_FN((int)wc);
	return (int)wc;
}

void tui_term_resize(int rows, int cols)
{
	if (rows < 1 || cols < 1)
		return;
	resizeterm(rows, cols);
	tui_g.rows = LINES;
	tui_g.cols = COLS;
	tui_loop_relayout();
}

void tui_term_resize_from_tty(void)
{
	struct winsize ws;

	if (tui_g.headless)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		tui_term_resize(ws.ws_row, ws.ws_col);
	else
		tui_term_resize(LINES, COLS);
}

void tui_term_box(WINDOW *w)
{
	wattron(w, tui_attr(TUI_ROLE_BORDER));
	if (term.ascii)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
	wattroff(w, tui_attr(TUI_ROLE_BORDER));
}

void tui_term_leave(void)
{
	if (tui_g.headless)
		return;
	def_prog_mode();
	endwin();
}

void tui_term_reenter(void)
{
	if (tui_g.headless)
		return;
	reset_prog_mode();
	clearok(curscr, TRUE);
	tui_set_dirty();
	tui_g.keys_since_draw = 1;
}

/* Ctrl-Z or SIGTSTP: leave curses mode, stop, and come back on SIGCONT. */
void tui_term_suspend(void)
{
	struct sigaction sa, old;
	sigset_t set, oset;

	if (tui_g.headless || tui_g.suspended)
		return;
	tui_term_leave();
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, &oset);
	kill(0, SIGTSTP);
	/* stopped here until SIGCONT */
	sigprocmask(SIG_SETMASK, &oset, NULL);
	sigaction(SIGTSTP, &old, NULL);
	tui_term_reenter();
	tui_term_resize_from_tty();
}
