/*
 * test_tui_loop.c: the kit's event loop in headless mode: timers, sources,
 * waiting for idle instead of sleeping, signals through the self-pipe,
 * script errors, the Esc+digit input path and the screen dump.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui.h"

static char script_path[1024];

/* Writes a key script to a temporary file; returns its path. */
static const char *script(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(script_path, sizeof script_path, "%s/tui-loop-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(script_path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return script_path;
}

static void start(const char *keys)
{
	struct tui_opts o;
	char err[256];

	memset(&o, 0, sizeof o);
	o.script = script(keys);
	o.dump_dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
}

static void finish(void)
{
	tui_end();
	unlink(script_path);
	assert_false(tui_active());
}

static const struct tui_menu_item items[] = {
	{ "one", "First", "help.one" },
	{ "two", "Second", NULL },
	{ NULL, NULL, NULL },
};

static int selected;
static char last_selected[32];
static int *watch; /* a counter to record when Enter arrives */
static int watch_at_select;

static void on_select(void *arg, struct tui_screen *m, const struct tui_menu_item *it)
{
	(void)arg;
	(void)m;
	selected++;
	watch_at_select = watch != NULL ? *watch : -1;
	snprintf(last_selected, sizeof last_selected, "%s", it->id);
}

static const struct tui_menu_def menu_def = {
	.title = "Loop Test",
	.items = items,
	.select = on_select,
};

static void push_menu(void)
{
	tui_push(tui_menu_new(&menu_def, NULL));
}

/* ---- timers ---- */

static int fired;
static void count_fire(void *arg)
{
	(void)arg;
	fired++;
}

static unsigned repeat_id;
static int repeats;
static void repeat_fire(void *arg)
{
	(void)arg;
	if (++repeats == 3)
		tui_timer_cancel(repeat_id);
}

static void test_tui_loop_waits_for_work_timers_before_ending(void **state)
{
	(void)state;
	fired = repeats = 0;
	start(":wait-idle\n");
	push_menu();
	tui_timer(20, 0, count_fire, NULL);
	repeat_id = tui_timer(5, TUI_TIMER_REPEAT, repeat_fire, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(repeats, 3);
	finish();
}

static void test_tui_loop_does_not_wait_for_background_timers(void **state)
{
	(void)state;
	fired = 0;
	start(":wait-idle\n");
	push_menu();
	/* an hour away: if it counted as work, the script would time out */
	tui_timer(3600 * 1000, TUI_TIMER_BACKGROUND, count_fire, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(fired, 0);
	finish();
}

/* A 0 ms timer that re-arms itself runs once per pass, not forever in one:
 * a source due at every pass counts the passes between two runs. */
static int rearms, passes, rearm_same_pass, last_pass = -1;

static void rearm(void *arg)
{
	(void)arg;
	if (passes == last_pass)
		rearm_same_pass++;
	last_pass = passes;
	if (++rearms < 50)
		tui_timer(0, 0, rearm, NULL);
}

static size_t pass_fill(void *arg, struct pollfd *fds, size_t max)
{
	(void)arg;
	(void)fds;
	(void)max;
	return 0;
}

static void pass_dispatch(void *arg, const struct pollfd *fds, size_t n)
{
	(void)arg;
	(void)fds;
	(void)n;
	passes++;
}

static int pass_timeout(void *arg)
{
	(void)arg;
	return rearms < 50 ? 0 : -1;
}

static const struct tui_source_ops pass_ops = {
	.fill = pass_fill,
	.dispatch = pass_dispatch,
	.timeout = pass_timeout,
};

static void test_tui_timer_added_by_a_timer_waits_for_the_next_pass(void **state)
{
	struct tui_source *src;

	(void)state;
	rearms = passes = rearm_same_pass = 0;
	last_pass = -1;
	start(":wait-idle\n");
	push_menu();
	src = tui_add_source(&pass_ops, NULL);
	tui_timer(0, 0, rearm, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(rearms, 50);
	assert_int_equal(rearm_same_pass, 0);
	tui_remove_source(&src);
	finish();
}

static void test_tui_timer_cancel_of_a_fired_timer_is_harmless(void **state)
{
	unsigned id;

	(void)state;
	fired = 0;
	start(":wait-idle\n");
	push_menu();
	id = tui_timer(0, 0, count_fire, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(fired, 1);
	tui_timer_cancel(id);
	tui_timer_cancel(0);
	finish();
}

/* ---- sources ---- */

struct pipe_src {
	int fd[2];
	int reads;
	int busy;
	struct tui_source *src;
	int remove_in_dispatch;
};

static size_t ps_n(void *arg)
{
	(void)arg;
	return 1;
}

static size_t ps_fill(void *arg, struct pollfd *fds, size_t max)
{
	struct pipe_src *ps = arg;

	assert_true(max >= 1);
	fds[0].fd = ps->fd[0];
	fds[0].events = POLLIN;
	return 1;
}

static void ps_dispatch(void *arg, const struct pollfd *fds, size_t n)
{
	struct pipe_src *ps = arg;
	char c;

	assert_int_equal(n, 1);
	if (fds[0].revents & POLLIN) {
		assert_int_equal(read(ps->fd[0], &c, 1), 1);
		ps->reads++;
		ps->busy = 0;
	}
	if (ps->remove_in_dispatch)
		tui_remove_source(&ps->src);
}

static int ps_busy(void *arg)
{
	return ((struct pipe_src *)arg)->busy;
}

static const struct tui_source_ops ps_ops = {
	.npollfds = ps_n,
	.fill = ps_fill,
	.dispatch = ps_dispatch,
	.busy = ps_busy,
};

static void write_later(void *arg)
{
	struct pipe_src *ps = arg;

	assert_int_equal(write(ps->fd[1], "x", 1), 1);
}

/* A key waits until the source has stopped being busy. */
static void test_tui_script_key_waits_for_busy_source(void **state)
{
	struct pipe_src ps;

	(void)state;
	memset(&ps, 0, sizeof ps);
	assert_int_equal(pipe(ps.fd), 0);
	ps.busy = 1;
	selected = 0;
	start("Enter\n");
	push_menu();
	ps.src = tui_add_source(&ps_ops, &ps);
	tui_timer(30, TUI_TIMER_BACKGROUND, write_later, &ps);
	watch = &ps.reads;
	watch_at_select = -1;
	assert_int_equal(tui_run(), 0);
	watch = NULL;
	assert_int_equal(ps.reads, 1);
	assert_int_equal(selected, 1);
	/* the key was sent only after the source had done its work */
	assert_int_equal(watch_at_select, 1);
	tui_remove_source(&ps.src);
	assert_null(ps.src);
	finish();
	close(ps.fd[0]);
	close(ps.fd[1]);
}

static void test_tui_source_can_remove_itself_in_dispatch(void **state)
{
	struct pipe_src ps;

	(void)state;
	memset(&ps, 0, sizeof ps);
	assert_int_equal(pipe(ps.fd), 0);
	assert_int_equal(write(ps.fd[1], "xy", 2), 2);
	ps.remove_in_dispatch = 1;
	start(":wait-idle\n");
	push_menu();
	ps.src = tui_add_source(&ps_ops, &ps);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(ps.reads, 1); /* removed after the first byte */
	assert_null(ps.src);
	finish();
	close(ps.fd[0]);
	close(ps.fd[1]);
}

/* ---- idle time-out, signals, script errors ---- */

static void forever(void *arg)
{
	(void)arg;
}

static void test_tui_script_fails_when_never_idle(void **state)
{
	(void)state;
	start(":timeout 1\n:wait-idle\nEnter\n");
	push_menu();
	tui_timer(10, TUI_TIMER_REPEAT, forever, NULL);
	assert_int_equal(tui_run(), 2);
	finish();
}

static void send_term(void *arg)
{
	(void)arg;
	raise(SIGTERM);
}

static void test_tui_sigterm_ends_the_loop_with_its_code(void **state)
{
	(void)state;
	start(":wait-idle\nDown\nDown\n");
	push_menu();
	tui_timer(0, 0, send_term, NULL);
	assert_int_equal(tui_run(), 128 + SIGTERM);
	finish();
}

static void test_tui_script_with_unknown_key_is_refused(void **state)
{
	struct tui_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof o);
	o.script = script("Down\nF99\n");
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: unknown key 'F99'"));
	assert_false(tui_active());
	unlink(script_path);
	o.script = script(":size 10by10\n");
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, ":size needs COLSxROWS"));
	unlink(script_path);
	o.script = script(":dump ../escape\n");
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, ":dump needs a NAME"));
	unlink(script_path);
	o.script = "/nonexistent/script";
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot open the script"));
}

static void test_tui_unknown_terminal_type_is_refused(void **state)
{
	struct tui_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof o);
	o.script = script(":wait-idle\n");
	o.term = "no-such-terminal-type";
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-terminal-type"));
	assert_false(tui_active());
	unlink(script_path);
	/* and the kit can start after that */
	start(":wait-idle\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	finish();
}

static void test_tui_no_shell_in_headless_mode(void **state)
{
	char *text;

	(void)state;
	start("F9\n:wait-idle\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "There is no shell in headless mode."));
	free(text);
	finish();
}

static void test_tui_init_twice_is_refused(void **state)
{
	struct tui_opts o;
	char err[256];

	(void)state;
	start(":wait-idle\n");
	memset(&o, 0, sizeof o);
	o.script = script_path;
	assert_int_equal(tui_init(&o, err, sizeof err), -1);
	assert_true(tui_active());
	finish();
	tui_end(); /* idempotent */
}

/* ---- input path ---- */

/* Esc then a digit is the function key; Esc Esc cancels. */
static void test_tui_esc_digit_is_a_function_key(void **state)
{
	char *text;

	(void)state;
	start("Esc 1\n:wait-idle\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "No help is available for this item."));
	free(text);
	assert_int_equal(tui_depth(), 2);
	finish();

	start("Esc 1\nEsc Esc\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(tui_depth(), 1);
	finish();
}

static void test_tui_f10_and_esc0_exit(void **state)
{
	(void)state;
	selected = 0;
	start("Esc 0\nEnter\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(selected, 0); /* Enter was never read */
	finish();
	start("F10\nEnter\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(selected, 0);
	finish();
}

static void test_tui_menu_enter_selects_the_current_item(void **state)
{
	(void)state;
	selected = 0;
	start("Down Enter\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(selected, 1);
	assert_string_equal(last_selected, "two");
	assert_int_equal(tui_menu_current(tui_top()), 1);
	finish();
}

static void test_tui_cancel_on_the_last_screen_ends_the_loop(void **state)
{
	(void)state;
	start("F3\nDown\nDown\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(tui_depth(), 0);
	finish();
}

static const char *help_text(void *arg, const char *id)
{
	(void)arg;
	return strcmp(id, "help.one") == 0 ? "Help for the first item." : NULL;
}

static void test_tui_f1_shows_the_items_help(void **state)
{
	struct tui_opts o;
	char err[256], *text;

	(void)state;
	memset(&o, 0, sizeof o);
	o.script = script("F1\n:wait-idle\n");
	o.help = help_text;
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
	push_menu();
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "Help for the first item."));
	assert_non_null(strstr(text, "|                                  First"));
	free(text);
	finish();
}

static void test_tui_dump_writes_the_screen_as_text(void **state)
{
	char path[1100], buf[4096];
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	FILE *f;
	size_t n;

	(void)state;
	start(":size 90x30\n:dump loop-dump\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	finish();
	snprintf(path, sizeof path, "%s/loop-dump.txt", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	unlink(path);
	/* 30 lines, the title centered in 90 columns, no trailing blanks */
	{
		int lines = 0;
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		assert_int_equal(lines, 30);
	}
	assert_memory_equal(buf, "                                        Loop Test\n", 50);
	assert_null(strstr(buf, " \n"));
}

static void test_tui_too_small_ignores_keys_but_exit(void **state)
{
	(void)state;
	selected = 0;
	start(":size 40x10\nEnter\nF10\n");
	push_menu();
	assert_int_equal(tui_run(), 0);
	assert_int_equal(selected, 0);
	finish();
}

/* A failed test leaves the kit running: end it, so the next can start. */
static int teardown(void **state)
{
	(void)state;
	tui_end();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tui_loop_waits_for_work_timers_before_ending,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_loop_does_not_wait_for_background_timers,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_timer_added_by_a_timer_waits_for_the_next_pass,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_timer_cancel_of_a_fired_timer_is_harmless,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_script_key_waits_for_busy_source, teardown),
		cmocka_unit_test_teardown(test_tui_source_can_remove_itself_in_dispatch, teardown),
		cmocka_unit_test_teardown(test_tui_script_fails_when_never_idle, teardown),
		cmocka_unit_test_teardown(test_tui_sigterm_ends_the_loop_with_its_code, teardown),
		cmocka_unit_test_teardown(test_tui_script_with_unknown_key_is_refused, teardown),
		cmocka_unit_test_teardown(test_tui_unknown_terminal_type_is_refused, teardown),
		cmocka_unit_test_teardown(test_tui_no_shell_in_headless_mode, teardown),
		cmocka_unit_test_teardown(test_tui_init_twice_is_refused, teardown),
		cmocka_unit_test_teardown(test_tui_esc_digit_is_a_function_key, teardown),
		cmocka_unit_test_teardown(test_tui_f10_and_esc0_exit, teardown),
		cmocka_unit_test_teardown(test_tui_menu_enter_selects_the_current_item, teardown),
		cmocka_unit_test_teardown(test_tui_cancel_on_the_last_screen_ends_the_loop,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_f1_shows_the_items_help, teardown),
		cmocka_unit_test_teardown(test_tui_dump_writes_the_screen_as_text, teardown),
		cmocka_unit_test_teardown(test_tui_too_small_ignores_keys_but_exit, teardown),
	};

	return cmocka_run_group_tests_name("tui_loop", tests, NULL, NULL);
}
