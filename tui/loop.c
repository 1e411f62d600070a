/*
 * loop.c: the one event loop. poll() on the keyboard, the signal self-pipe
 * and the application's sources, plus timers; handlers mark screens dirty
 * and the loop draws once per pass (at once after a key, at most about
 * 10 Hz for progress). Nothing in here blocks.
 */
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct tui_state tui_g = { .input_fd = -1, .hl_key_fd = -1 };

struct tui_source {
	const struct tui_source_ops *ops;
	void *arg;
	int removed;
	long long due; /* -1: none */
	size_t first, n;
	struct tui_source *next;
};

long long tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tui_active(void)
{
	return tui_g.active;
}

int tui_headless(void)
{
	return tui_g.active && tui_g.headless;
}

void tui_size(int *cols, int *rows)
{
	if (cols != NULL)
		*cols = tui_g.cols;
	if (rows != NULL)
		*rows = tui_g.rows;
}

int tui_init(const struct tui_opts *o, char *errbuf, size_t errlen)
{
	struct tui_opts none;

	if (errlen > 0)
		errbuf[0] = '\0';
	if (tui_g.active) {
		snprintf(errbuf, errlen, "the terminal is already set up");
		return -1;
	}
	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	memset(&tui_g, 0, sizeof tui_g);
	tui_g.input_fd = -1;
	tui_g.hl_key_fd = -1;
	tui_g.headless = o->script != NULL;
	tui_g.help = o->help;
	tui_g.help_arg = o->help_arg;
	tui_g.next_timer_id = 1;
	setlocale(LC_CTYPE, "");
	if (tui_g.headless && tui_headless_open(o, errbuf, errlen) != 0)
		return -1;
	if (tui_term_open(o, errbuf, errlen) != 0) {
		tui_headless_close();
		return -1;
	}
	tui_log_open(o->app_name);
	tui_g.active = 1;
	tui_g.last_draw = tui_now_ms();
	return 0;
}

void tui_quit(int code)
{
	tui_g.quit = 1;
	tui_g.quit_code = code;
}

void tui_set_dirty(void)
{
	tui_g.all_dirty = 1;
}

/* Frees the screens popped during the pass (never while one of their
 * callbacks may still be running). */
static void loop_reap(void)
{
	while (tui_g.grave != NULL) {
		struct tui_screen *s = tui_g.grave;
		tui_g.grave = s->next_free;
		tui_screen_free(&s);
	}
}

void tui_end(void)
{
	if (!tui_g.active)
		return;
	/* close hooks run in loop_reap(); one that pushes again gets a few rounds */
	for (int round = 0; round < 8 && (tui_g.nstack > 0 || tui_g.grave != NULL); round++) {
		while (tui_g.nstack > 0)
			tui_pop();
		loop_reap();
	}
	while (tui_g.sources != NULL) {
		struct tui_source *src = tui_g.sources;
		tui_g.sources = src->next;
		free(src);
	}
	free(tui_g.timers);
	tui_g.timers = NULL;
	tui_g.ntimers = tui_g.captimers = 0;
	free(tui_g.stack);
	tui_g.stack = NULL;
	tui_g.capstack = 0;
	tui_term_close();
	tui_headless_close();
	tui_log_close();
	free(tui_g.last_find);
	tui_g.last_find = NULL;
	tui_g.active = 0;
}

/* ---- sources ---- */

struct tui_source *tui_add_source(const struct tui_source_ops *ops, void *arg)
{
	struct tui_source *src = tui_xcalloc(1, sizeof *src), **pp;

	src->ops = ops;
	src->arg = arg;
	src->due = -1;
	for (pp = &tui_g.sources; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = src;
	return src;
}

void tui_remove_source(struct tui_source **srcp)
{
	if (srcp == NULL || *srcp == NULL)
		return;
	/* unlinked and freed after the pass: it may be dispatching now */
	(*srcp)->removed = 1;
	*srcp = NULL;
}

static void loop_prune_sources(void)
{
	struct tui_source **pp = &tui_g.sources;

	while (*pp != NULL) {
		if ((*pp)->removed) {
			struct tui_source *dead = *pp;
			*pp = dead->next;
			free(dead);
		} else {
			pp = &(*pp)->next;
		}
	}
}

/* ---- timers ---- */

unsigned tui_timer(int ms, unsigned flags, tui_timer_fn *fn, void *arg)
{
	struct tui_timer_ent *t;

	if (tui_g.ntimers == tui_g.captimers) {
		tui_g.captimers = tui_g.captimers ? tui_g.captimers * 2 : 8;
		tui_g.timers = tui_xrealloc(tui_g.timers, tui_g.captimers * sizeof *tui_g.timers);
	}
	t = &tui_g.timers[tui_g.ntimers++];
	if (ms < 0)
		ms = 0;
	t->id = tui_g.next_timer_id++;
	t->born = tui_g.pass;
	if (tui_g.next_timer_id == 0)
		tui_g.next_timer_id = 1;
	t->due = tui_now_ms() + ms;
	t->interval = ms > 0 ? ms : 1;
	t->flags = flags;
	t->fn = fn;
	t->arg = arg;
	return t->id;
}

void tui_timer_cancel(unsigned id)
{
	for (size_t i = 0; i < tui_g.ntimers; i++) {
		if (tui_g.timers[i].id == id) {
			memmove(&tui_g.timers[i], &tui_g.timers[i + 1],
			        (tui_g.ntimers - i - 1) * sizeof *tui_g.timers);
			tui_g.ntimers--;
			return;
		}
	}
}

/* Runs the due timers; a callback may add or cancel timers. Timers added
 * during this pass wait for the next one, so a 0 ms timer cannot spin. */
static void loop_run_timers(void)
{
	long long now = tui_now_ms();
	unsigned long long pass = tui_g.pass++;

	for (;;) {
		struct tui_timer_ent t;
		size_t i;

		for (i = 0; i < tui_g.ntimers; i++)
			if (tui_g.timers[i].due <= now && tui_g.timers[i].born <= pass)
				break;
		if (i == tui_g.ntimers)
			return;
		t = tui_g.timers[i];
		if (t.flags & TUI_TIMER_REPEAT)
			tui_g.timers[i].due = now + t.interval;
		else
			tui_timer_cancel(t.id);
		t.fn(t.arg);
	}
}

static int loop_timer_timeout(void)
{
	long long now = tui_now_ms(), best = -1;

	for (size_t i = 0; i < tui_g.ntimers; i++) {
		long long left = tui_g.timers[i].due - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best > 100000 ? 100000 : (int)best;
}

static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* ---- drawing ---- */

static void loop_draw_too_small(void)
{
	char line[128];
	int y = LINES / 2 - 2;

	werase(stdscr);
	if (y < 0)
		y = 0;
	tui_put_center(stdscr, y, 0, COLS, "Terminal too small");
	snprintf(line, sizeof line, "need %dx%d, have %dx%d", TUI_MIN_COLS, TUI_MIN_ROWS, COLS,
	         LINES);
	tui_put_center(stdscr, y + 1, 0, COLS, line);
	tui_put_center(stdscr, y + 3, 0, COLS, "Enlarge the window,");
	tui_put_center(stdscr, y + 4, 0, COLS, "or press F10 (Esc 0) to exit.");
	wnoutrefresh(stdscr);
}

static int loop_any_dirty(void)
{
	if (tui_g.all_dirty)
		return 1;
	for (size_t i = 0; i < tui_g.nstack; i++)
		if (tui_g.stack[i]->dirty)
			return 1;
	return 0;
}

void tui_draw_now(void)
{
	struct tui_screen *top = tui_top();
	int want;

	if (tui_g.suspended)
		return;
	if (tui_g.too_small) {
		loop_draw_too_small();
		for (size_t i = 0; i < tui_g.nstack; i++)
			tui_g.stack[i]->dirty = 0;
		want = 0;
	} else {
		for (size_t i = 0; i < tui_g.nstack; i++) {
			struct tui_screen *s = tui_g.stack[i];
			if (s->dirty || tui_g.all_dirty) {
				s->dirty = 0;
				s->ops->draw(s);
			}
		}
		update_panels();
		/* the hardware cursor goes where the top screen left its own */
		if (top != NULL)
			wnoutrefresh(top->win);
		want = top != NULL && top->want_cursor;
	}
	tui_g.all_dirty = 0;
	if (want != tui_g.cursor_shown) {
		curs_set(want ? 1 : 0);
		tui_g.cursor_shown = want;
	}
	doupdate();
	tui_g.last_draw = tui_now_ms();
	tui_g.keys_since_draw = 0;
}

void tui_loop_relayout(void)
{
	int small = tui_g.cols < TUI_MIN_COLS || tui_g.rows < TUI_MIN_ROWS;

	if (small) {
		for (size_t i = 0; i < tui_g.nstack; i++)
			hide_panel(tui_g.stack[i]->panel);
		tui_g.too_small = 1;
	} else {
		if (tui_g.too_small) {
			werase(stdscr);
			wnoutrefresh(stdscr);
		}
		tui_g.too_small = 0;
		/* bottom to top: show_panel() raises, so the order is kept */
		for (size_t i = 0; i < tui_g.nstack; i++) {
			tui_screen_place(tui_g.stack[i]);
			show_panel(tui_g.stack[i]->panel);
		}
	}
	tui_g.all_dirty = 1;
	tui_g.keys_since_draw = 1;
}

/* ---- input ---- */

void tui_input_key(int key)
{
	struct tui_screen *s;
	enum tui_action a;

	if (key == TUI_KEY_FN(KEY_RESIZE))
		return;
	tui_g.keys_since_draw = 1;
	if (tui_g.esc_pending) {
		tui_g.esc_pending = 0;
		if (key >= '0' && key <= '9') {
			key = TUI_KEY_FN(KEY_F(key == '0' ? 10 : key - '0'));
		} else if (key == TUI_KEY_ESC) {
			/* Esc Esc: cancel */
			a = TUI_ACT_CANCEL;
			key = 0;
			goto dispatch;
		}
		/* otherwise the Esc is dropped and the key counts alone */
	} else if (key == TUI_KEY_ESC) {
		tui_g.esc_pending = 1;
		return;
	}
	a = tui_action_for_key(key);
dispatch:
	if (tui_g.too_small) {
		if (a == TUI_ACT_EXIT)
			tui_quit(0);
		else if (a == TUI_ACT_REFRESH)
			clearok(curscr, TRUE);
		else if (a == TUI_ACT_SUSPEND)
			tui_term_suspend();
		tui_g.all_dirty = 1;
		return;
	}
	s = tui_top();
	if (s == NULL)
		return;
	if (s->msg != NULL) {
		free(s->msg);
		s->msg = NULL;
		s->dirty = 1;
	}
	if (s->ops->key != NULL && s->ops->key(s, a, key))
		return;
	tui_screen_default_action(s, a);
}

static void loop_read_keys(void)
{
	int key;

	while (!tui_g.suspended && (key = tui_term_getkey()) >= 0) {
		tui_input_key(key);
		if (tui_g.quit)
			break;
	}
}

static void loop_read_signals(void)
{
	unsigned char buf[64];
	ssize_t n;

	while ((n = read(tui_term_signal_fd(), buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
				if (!tui_g.suspended)
					tui_term_resize_from_tty();
				break;
			case SIGTSTP:
				tui_term_suspend();
				break;
			case SIGCONT:
				if (!tui_g.suspended) {
					clearok(curscr, TRUE);
					tui_g.all_dirty = 1;
					tui_g.keys_since_draw = 1;
				}
				break;
			case SIGINT:
			case SIGQUIT:
				/* while a shell runs, Ctrl-C and Ctrl-\ are the shell's */
				if (tui_g.suspended)
					break;
				tui_quit(128 + buf[i]);
				break;
			default:
				tui_quit(128 + buf[i]);
				break;
			}
		}
	}
}

/* Fills pollfds: [0] signals, [1] input (or -1), then every source. */
static size_t loop_fill(struct pollfd **fds, size_t *cap, long long now, int *timeout)
{
	size_t n = 0;

	if (*cap < 2) {
		*cap = 16;
		*fds = tui_xrealloc(*fds, *cap * sizeof **fds);
	}
	(*fds)[n].fd = tui_term_signal_fd();
	(*fds)[n].events = POLLIN;
	(*fds)[n++].revents = 0;
	(*fds)[n].fd = tui_g.suspended ? -1 : tui_g.input_fd;
	(*fds)[n].events = POLLIN;
	(*fds)[n++].revents = 0;
	for (struct tui_source *src = tui_g.sources; src != NULL; src = src->next) {
		size_t want = 16, got;
		if (src->removed) {
			src->n = 0;
			continue;
		}
		if (src->ops->npollfds != NULL)
			want = src->ops->npollfds(src->arg);
		if (n + want > *cap) {
			while (n + want > *cap)
				*cap *= 2;
			*fds = tui_xrealloc(*fds, *cap * sizeof **fds);
		}
		got = want > 0 ? src->ops->fill(src->arg, *fds + n, want) : 0;
		for (size_t i = 0; i < got; i++)
			(*fds)[n + i].revents = 0;
		src->first = n;
		src->n = got;
		n += got;
		src->due = -1;
		if (src->ops->timeout != NULL) {
			int t = (src->ops->timeout)(src->arg); /* curses has a timeout() macro */
			if (t >= 0) {
				src->due = now + t;
				*timeout = min_timeout(*timeout, t);
			}
		}
	}
	return n;
}

static void loop_dispatch_sources(const struct pollfd *fds)
{
	long long now = tui_now_ms();

	for (struct tui_source *src = tui_g.sources; src != NULL; src = src->next) {
		int ready = 0;
		if (src->removed)
			continue;
		for (size_t i = 0; i < src->n; i++)
			if (fds[src->first + i].revents != 0)
				ready = 1;
		if (ready || (src->due >= 0 && now >= src->due))
			src->ops->dispatch(src->arg, fds + src->first, src->n);
	}
	loop_prune_sources();
}

int tui_loop_idle(void)
{
	struct pollfd *fds = NULL;
	size_t cap = 0, n;
	int timeout = -1, ready;

	if (loop_any_dirty() || tui_g.pending_lists > 0)
		return 0;
	for (size_t i = 0; i < tui_g.ntimers; i++)
		if (!(tui_g.timers[i].flags & TUI_TIMER_BACKGROUND))
			return 0;
	for (struct tui_source *src = tui_g.sources; src != NULL; src = src->next)
		if (!src->removed && src->ops->busy != NULL && src->ops->busy(src->arg))
			return 0;
	for (size_t i = 0; i < tui_g.nstack; i++) {
		struct tui_screen *s = tui_g.stack[i];
		if (s->ops->busy != NULL && s->ops->busy(s))
			return 0;
	}
	n = loop_fill(&fds, &cap, tui_now_ms(), &timeout);
	ready = poll(fds + 1, n - 1, 0);
	free(fds);
	if (ready > 0)
		return 0;
	return timeout != 0;
}

int tui_run(void)
{
	struct pollfd *fds = NULL;
	size_t cap = 0, n;

	if (!tui_g.active)
		return 1;
	tui_g.quit = 0;
	tui_g.all_dirty = 1;
	tui_g.keys_since_draw = 1;
	while (!tui_g.quit) {
		long long now;
		int timeout = -1, r;

		loop_reap();
		if (tui_g.nstack == 0)
			break;
		now = tui_now_ms();
		if (loop_any_dirty()) {
			int wait = TUI_DRAW_INTERVAL_MS - (int)(now - tui_g.last_draw);
			if (tui_g.headless || tui_g.keys_since_draw || wait <= 0)
				tui_draw_now();
			else
				timeout = wait;
		}
		if (tui_g.headless) {
			if (tui_headless_step() != 0) {
				tui_quit(2);
				break;
			}
			if (tui_g.quit)
				break;
			timeout = min_timeout(timeout, tui_headless_timeout());
		}
		timeout = min_timeout(timeout, loop_timer_timeout());
		n = loop_fill(&fds, &cap, now, &timeout);
		r = poll(fds, n, timeout);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (r > 0 && fds[0].revents != 0)
			loop_read_signals();
		/* the terminal went away without SIGHUP: do not spin on it */
		if (r > 0 && (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
		    !(fds[1].revents & POLLIN)) {
			tui_quit(128 + SIGHUP);
			break;
		}
		/* curses may hold decoded keys the fd no longer shows: always ask */
		if (!tui_g.quit && !tui_g.suspended)
			loop_read_keys();
		if (!tui_g.quit)
			loop_dispatch_sources(fds);
		if (!tui_g.quit)
			loop_run_timers();
		if (tui_g.suspended)
			tui_shell_check();
	}
	free(fds);
	loop_reap();
	return tui_g.quit_code;
}
