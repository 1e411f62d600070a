/*
 * test_tui_demo.c: a small application on the widget kit and its headless
 * golden tests. The demo has menus, a dialog with every field kind, a long
 * dialog, pick lists (one filled asynchronously), pop-ups and a COMMAND
 * STATUS fed by a timer. Each test runs it on a key script from
 * tests/tui/scripts/ and compares every `:dump NAME` with
 * tests/tui/golden/NAME.txt; TUI_UPDATE_GOLDEN=1 rewrites the goldens.
 * `test_tui_demo --demo [--script FILE --dump-dir DIR --term T]` runs the
 * demo itself (the tmux smoke test drives it that way).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui.h"
#include "testsite.h"

/* ======================= the demo application ======================= */

/* ---- help ---- */

static const struct {
	const char *id;
	const char *text;
} demo_help_texts[] = {
	{ "demo.main", "The demo's main menu. Move the cursor to an item and press Enter." },
	{ "demo.dialog", "A dialog with one field of every kind the kit knows." },
	{ "demo.name",
	  "The name of the host to greet. It is required: the dialog will not run without it. "
	  "The name \"bad\" is refused by the application, to show an error from the submit "
	  "hook." },
	{ "demo.count", "How many greetings to print: a number." },
	{ "demo.fruit", "A fruit from a list that arrives a moment after F4 (asynchronously)." },
};

static const char *demo_help(void *arg, const char *id)
{
	(void)arg;
	for (size_t i = 0; i < sizeof demo_help_texts / sizeof demo_help_texts[0]; i++)
		if (strcmp(demo_help_texts[i].id, id) == 0)
			return demo_help_texts[i].text;
	return NULL;
}

/* ---- the command: a COMMAND STATUS fed by a timer ---- */

struct demo_run {
	struct tui_status *st;
	unsigned timer;
	int step, total;
	char *name;
};

static void demo_run_free(struct demo_run *r)
{
	tui_timer_cancel(r->timer);
	tui_status_free(&r->st);
	free(r->name);
	free(r);
}

static void demo_run_tick(void *arg)
{
	struct demo_run *r = arg;
	char line[128];

	r->step++;
	if (r->step % 7 == 0) {
		snprintf(line, sizeof line, "warning: step %d of %d took longer than usual",
		         r->step, r->total);
		tui_status_line(r->st, TUI_STDERR, line, strlen(line));
	} else {
		snprintf(line, sizeof line, "Hello %s: step %d of %d done.", r->name, r->step,
		         r->total);
		tui_status_line(r->st, TUI_STDOUT, line, strlen(line));
	}
	if (r->step >= r->total) {
		tui_status_line(r->st, TUI_STDOUT, "All steps done.", 15);
		tui_status_finish(r->st, 1);
		tui_timer_cancel(r->timer);
		r->timer = 0;
		demo_run_free(r);
	}
}

static char *demo_command(const char *name, const char *count)
{
	const char *argv[] = { "demo-greet", "-n", name, "-c", count, NULL };

	return tui_quote_argv(argv);
}

static void demo_run_start(const char *name, const char *count)
{
	struct demo_run *r = calloc(1, sizeof *r);
	const char *argv[] = { "demo-greet", "-n", name, "-c", count, NULL };
	struct tui_status_def sd = { 0 };
	char line[128];

	if (r == NULL)
		abort();
	r->name = strdup(name);
	r->total = atoi(count) > 0 ? atoi(count) : 1;
	sd.argv = argv;
	sd.help_id = "demo.status";
	r->st = tui_status_new(&sd, NULL);
	tui_status_push(r->st);
	/* the first lines at once, the rest from a timer */
	snprintf(line, sizeof line, "Greeting %s %d times.", name, r->total);
	tui_status_line(r->st, TUI_STDOUT, line, strlen(line));
	tui_status_line(r->st, TUI_STDOUT, "Starting...", 11);
	r->timer = tui_timer(20, TUI_TIMER_REPEAT, demo_run_tick, r);
}

/* ---- the dialog with every field kind ---- */

static const char *const demo_colours[] = { "red", "green", "blue", "yellow", NULL };
static const char *const demo_modes[] = { "fast", "safe", "thorough", NULL };

static void demo_fruit_fill(void *arg)
{
	struct tui_list_req *req = arg;
	static const char *const fruit[][2] = {
		{ "apple", "crisp, red or green" },    { "banana", "long and yellow" },
		{ "cherry", "small, red, a stone" },   { "damson", "a plum" },
		{ "elderberry", "dark, in clusters" }, { "fig", "sweet, many seeds" },
	};

	if (!tui_list_cancelled(req))
		for (size_t i = 0; i < sizeof fruit / sizeof fruit[0]; i++)
			tui_list_add(req, fruit[i][0], fruit[i][1]);
	tui_list_done(req, NULL);
}

/* Asynchronous: the items arrive from a timer, a little later. */
static void demo_fruit_list(void *arg, struct tui_screen *dialog, const char *field,
                            struct tui_list_req *req)
{
	(void)arg;
	(void)dialog;
	(void)field;
	tui_timer(30, 0, demo_fruit_fill, req);
}

static const struct tui_field_def demo_fields[] = {
	{ .id = "name",
	  .label = "Host name",
	  .kind = TUI_FIELD_TEXT,
	  .flags = TUI_F_REQUIRED,
	  .help_id = "demo.name" },
	{ .id = "count",
	  .label = "Number of greetings",
	  .kind = TUI_FIELD_NUMBER,
	  .def = "3",
	  .help_id = "demo.count" },
	{ .id = "log", .label = "Log file", .kind = TUI_FIELD_PATH, .def = "/tmp/demo.log" },
	{ .id = "fruit",
	  .label = "Favourite fruit",
	  .kind = TUI_FIELD_LIST,
	  .list = demo_fruit_list,
	  .help_id = "demo.fruit" },
	{ .id = "colours",
	  .label = "Colours",
	  .kind = TUI_FIELD_LIST,
	  .flags = TUI_F_MULTI,
	  .choices = demo_colours },
	{ .id = "verbose", .label = "Verbose output?", .kind = TUI_FIELD_YESNO, .def = "no" },
	{ .id = "mode",
	  .label = "Mode",
	  .kind = TUI_FIELD_LIST,
	  .choices = demo_modes,
	  .def = "safe" },
	{ .id = "version", .label = "Demo version", .kind = TUI_FIELD_INFO, .def = "1.0" },
	{ .id = NULL },
};

static int demo_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	const char *name = tui_dialog_get(d, "name");

	(void)arg;
	if (strcmp(name, "bad") == 0) {
		fe->field = "name";
		snprintf(fe->msg, sizeof fe->msg, "The host name \"%s\" is not allowed.", name);
		return -1;
	}
	demo_run_start(name, tui_dialog_get(d, "count"));
	return 0;
}

static char *demo_dialog_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	(void)arg;
	(void)fe;
	return demo_command(tui_dialog_get(d, "name"), tui_dialog_get(d, "count"));
}

static const struct tui_dialog_def demo_dialog = {
	.title = "Greet a Host",
	.help_id = "demo.dialog",
	.fields = demo_fields,
	.flags = TUI_DIALOG_CONFIRM,
	.submit = demo_submit,
	.command = demo_dialog_command,
};

/* ---- a long dialog ---- */

static const struct tui_field_def demo_long_fields[] = {
	{ .id = "f01", .label = "Field 01", .def = "one" },
	{ .id = "f02", .label = "Field 02", .def = "two" },
	{ .id = "f03", .label = "Field 03", .def = "three" },
	{ .id = "f04", .label = "Field 04", .def = "four" },
	{ .id = "f05", .label = "Field 05", .def = "five" },
	{ .id = "f06", .label = "Field 06", .def = "six" },
	{ .id = "f07", .label = "Field 07", .def = "seven" },
	{ .id = "f08", .label = "Field 08", .def = "eight" },
	{ .id = "f09", .label = "Field 09", .def = "nine" },
	{ .id = "f10", .label = "Field 10", .def = "ten" },
	{ .id = "f11", .label = "Field 11", .def = "eleven" },
	{ .id = "f12", .label = "Field 12", .def = "twelve" },
	{ .id = "f13", .label = "Field 13", .def = "thirteen" },
	{ .id = "f14", .label = "Field 14", .def = "fourteen" },
	{ .id = "f15", .label = "Field 15", .def = "fifteen" },
	{ .id = "f16", .label = "Field 16", .def = "sixteen" },
	{ .id = "f17", .label = "Field 17", .def = "seventeen" },
	{ .id = "f18", .label = "Field 18", .def = "eighteen" },
	{ .id = "f19", .label = "Field 19", .def = "nineteen" },
	{ .id = "f20", .label = "Field 20", .def = "twenty" },
	{ .id = NULL },
};

static const struct tui_dialog_def demo_long_dialog = {
	.title = "A Long Dialog",
	.fields = demo_long_fields,
};

/* ---- pick list and pop-ups from the menu ---- */

static void demo_picked(void *arg, const char *const *values, size_t n)
{
	(void)arg;
	tui_message("You picked %s%s.", values[0], n > 1 ? " and more" : "");
}

static void demo_pick(void)
{
	static const struct tui_picklist_def pd = {
		.title = "Pick a Planet",
		.chosen = demo_picked,
	};
	static const char *const planets[] = { "Mercury", "Venus",  "Earth",   "Mars", "Jupiter",
		                               "Saturn",  "Uranus", "Neptune", NULL };
	struct tui_list_req *req;

	tui_push(tui_picklist_new(&pd, NULL, "Earth", &req));
	for (size_t i = 0; planets[i] != NULL; i++)
		tui_list_add(req, planets[i], NULL);
	tui_list_done(req, NULL);
}

static void demo_answer(void *arg, int yes)
{
	(void)arg;
	tui_message(yes ? "You said yes." : "You said no.");
}

static const struct tui_menu_item demo_sub_items[] = {
	{ "a", "First item of the submenu", NULL },
	{ "b", "Second item of the submenu", NULL },
	{ NULL, NULL, NULL },
};

static void demo_sub_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it)
{
	(void)arg;
	(void)menu;
	tui_message("Item %s selected.", it->id);
}

static const struct tui_menu_def demo_sub_menu = {
	.title = "A Submenu",
	.items = demo_sub_items,
	.select = demo_sub_select,
};

static const struct tui_menu_item demo_main_items[] = {
	{ "dialog", "Greet a Host (a dialog with every field kind)", "demo.dialog" },
	{ "long", "A Long Dialog", NULL },
	{ "pick", "Pick a Planet (a pick list)", NULL },
	{ "popup", "Show a Text Pop-up", NULL },
	{ "confirm", "Ask ARE YOU SURE?", NULL },
	{ "sub", "A Submenu", NULL },
	{ NULL, NULL, NULL },
};

static void demo_main_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it)
{
	(void)arg;
	(void)menu;
	if (strcmp(it->id, "dialog") == 0)
		tui_push(tui_dialog_new(&demo_dialog, NULL));
	else if (strcmp(it->id, "long") == 0)
		tui_push(tui_dialog_new(&demo_long_dialog, NULL));
	else if (strcmp(it->id, "pick") == 0)
		demo_pick();
	else if (strcmp(it->id, "popup") == 0)
		tui_popup_text("A Text Pop-up", "This is a pop-up with some text in it.\n\n"
		                                "It wraps long lines at word boundaries, so a "
		                                "paragraph like this one reads well in the box.");
	else if (strcmp(it->id, "confirm") == 0)
		tui_confirm(NULL, demo_answer, NULL);
	else if (strcmp(it->id, "sub") == 0)
		tui_push(tui_menu_new(&demo_sub_menu, NULL));
}

static const struct tui_menu_def demo_main_menu = {
	.title = "Widget Kit Demo",
	.help_id = "demo.main",
	.items = demo_main_items,
	.select = demo_main_select,
};

/* Runs the demo; options as for tui_init. Returns tui_run()'s code, or 2. */
static int tuidemo_run(struct tui_opts *o)
{
	char err[256];
	int rc;

	o->app_name = "tuidemo";
	o->help = demo_help;
	if (tui_init(o, err, sizeof err) != 0) {
		fprintf(stderr, "tuidemo: %s\n", err);
		return 2;
	}
	tui_push(tui_menu_new(&demo_main_menu, NULL));
	rc = tui_run();
	tui_end();
	return rc;
}

/* --demo [--script FILE] [--dump-dir DIR] [--term T] [--size CxR] [--ascii] [--keys-mdoc] */
static int tuidemo_main(int argc, char **argv)
{
	struct tui_opts o;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
			o.script = argv[++i];
		else if (strcmp(argv[i], "--dump-dir") == 0 && i + 1 < argc)
			o.dump_dir = argv[++i];
		else if (strcmp(argv[i], "--term") == 0 && i + 1 < argc)
			o.term = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc &&
		         sscanf(argv[i + 1], "%dx%d", &o.cols, &o.rows) == 2)
			i++;
		else if (strcmp(argv[i], "--ascii") == 0)
			o.ascii_lines = 1;
		else if (strcmp(argv[i], "--keys-mdoc") == 0) {
			char *m = tui_keys_mdoc();
			fputs(m, stdout);
			free(m);
			return 0;
		} else {
			fprintf(stderr,
			        "usage: test_tui_demo --demo [--script FILE] [--dump-dir DIR] "
			        "[--term T] [--size CxR] [--ascii] [--keys-mdoc]\n");
			return 2;
		}
	}
	return tuidemo_run(&o);
}

/* ======================= the golden tests ======================= */

/* A path from a format; owned. */
static char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *pathf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Prints the first differing line of two texts. */
static void show_diff(const char *name, const char *want, const char *got)
{
	int line = 1;

	while (*want != '\0' || *got != '\0') {
		size_t wl = strcspn(want, "\n"), gl = strcspn(got, "\n");
		if (wl != gl || strncmp(want, got, wl) != 0) {
			fprintf(stderr,
			        "golden %s differs at line %d:\n  want: %.*s\n  got:  %.*s\n", name,
			        line, (int)wl, want, (int)gl, got);
			return;
		}
		want += wl + (want[wl] == '\n');
		got += gl + (got[gl] == '\n');
		line++;
	}
}

/* The names of the script's `:dump NAME` lines, in order. */
static size_t script_dumps(const char *script, char names[][64], size_t max)
{
	size_t n = 0;
	const char *p = script;

	while ((p = strstr(p, ":dump ")) != NULL && n < max) {
		p += 6;
		size_t len = strcspn(p, " \t\n");
		assert_true(len > 0 && len < 64);
		memcpy(names[n], p, len);
		names[n][len] = '\0';
		n++;
	}
	return n;
}

/* Runs a script headless under a terminal type and checks every dump. */
static void run_golden(const char *script, const char *term)
{
	char *path, *dir, names[64][64];
	char *text;
	struct tui_opts o;
	const char *tmp = getenv("TMPDIR");
	int update = getenv("TUI_UPDATE_GOLDEN") != NULL, failed = 0;
	size_t n;

	path = pathf("%s/tests/tui/scripts/%s.keys", test_src_dir(), script);
	text = read_file(path);
	assert_non_null(text);
	n = script_dumps(text, names, 64);
	free(text);
	assert_true(n > 0);

	dir = pathf("%s/tui-golden-%s-%s-XXXXXX", tmp != NULL ? tmp : "/tmp", script, term);
	assert_non_null(mkdtemp(dir));
	memset(&o, 0, sizeof o);
	o.script = path;
	o.dump_dir = dir;
	o.term = term;
	assert_int_equal(tuidemo_run(&o), 0);
	assert_false(tui_active());

	for (size_t i = 0; i < n; i++) {
		char *got_path = pathf("%s/%s.txt", dir, names[i]);
		char *want_path = pathf("%s/tests/tui/golden/%s.txt", test_src_dir(), names[i]);
		char *got, *want;

		got = read_file(got_path);
		if (got == NULL) {
			fprintf(stderr, "%s: no dump %s\n", script, names[i]);
			failed = 1;
			free(got_path);
			free(want_path);
			continue;
		}
		want = read_file(want_path);
		if (update && (want == NULL || strcmp(want, got) != 0)) {
			assert_int_equal(write_file(want_path, got), 0);
			fprintf(stderr, "updated %s\n", want_path);
		} else if (want == NULL) {
			fprintf(stderr, "%s: no golden %s (run with TUI_UPDATE_GOLDEN=1)\n", script,
			        want_path);
			failed = 1;
		} else if (strcmp(want, got) != 0) {
			show_diff(names[i], want, got);
			failed = 1;
		}
		free(got);
		free(want);
		unlink(got_path);
		free(got_path);
		free(want_path);
	}
	rmdir(dir);
	free(dir);
	free(path);
	assert_false(failed);
}

static void test_tui_golden_menu_find_popup_confirm(void **state)
{
	(void)state;
	run_golden("menu", "xterm-256color");
}

static void test_tui_golden_dialog_lists_help_command_status(void **state)
{
	(void)state;
	run_golden("dialog", "xterm-256color");
}

static void test_tui_golden_long_dialog_top_more_bottom(void **state)
{
	(void)state;
	run_golden("long", "xterm-256color");
}

static void test_tui_golden_too_small_and_resize_back(void **state)
{
	(void)state;
	run_golden("resize", "xterm-256color");
}

static void test_tui_golden_status_scrolls_and_finds(void **state)
{
	(void)state;
	run_golden("status", "xterm-256color");
}

/* vt100 has only F1..F4: Esc+digit gives the same screens as F-keys. */
static void test_tui_golden_esc_digits_under_vt100(void **state)
{
	(void)state;
	run_golden("esc-digits", "vt100");
}

static void test_tui_golden_same_screens_under_xterm(void **state)
{
	(void)state;
	run_golden("esc-digits", "xterm");
}

/* aixterm's keys differ from xterm's; the screens must not. */
static void test_tui_golden_dialog_under_aixterm(void **state)
{
	(void)state;
	run_golden("dialog", "aixterm");
	run_golden("esc-digits", "aixterm");
}

/* The dialog script ran a command: the log and the script file show it. */
static void test_tui_log_and_script_record_the_command(void **state)
{
	char *log_path, *script_path;
	char *log, *script;
	const char *home = getenv("HOME");

	(void)state;
	assert_non_null(home);
	log_path = pathf("%s/tuidemo.log", home);
	script_path = pathf("%s/tuidemo.script", home);
	unlink(log_path);
	unlink(script_path);
	run_golden("dialog", "xterm-256color");
	log = read_file(log_path);
	assert_non_null(log);
	assert_non_null(
	    strstr(log, "Command_to_Execute follows below:\n>> demo-greet -n host1 -c 3\n"));
	assert_non_null(strstr(log, "---- start ----\nGreeting host1 3 times.\nStarting...\n"));
	assert_non_null(strstr(log, "All steps done.\n---- end ----\n"));
	assert_non_null(strstr(log, "Command: OK"));
	script = read_file(script_path);
	assert_non_null(script);
	assert_non_null(strstr(script, "#\n# ["));
	assert_non_null(strstr(script, "]\n#\ndemo-greet -n host1 -c 3\n"));
	free(log);
	free(script);
	free(log_path);
	free(script_path);
}

/* A failed test leaves the kit running: end it, so the next can start. */
static int teardown(void **state)
{
	(void)state;
	tui_end();
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tui_golden_menu_find_popup_confirm, teardown),
		cmocka_unit_test_teardown(test_tui_golden_dialog_lists_help_command_status,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_golden_long_dialog_top_more_bottom, teardown),
		cmocka_unit_test_teardown(test_tui_golden_too_small_and_resize_back, teardown),
		cmocka_unit_test_teardown(test_tui_golden_status_scrolls_and_finds, teardown),
		cmocka_unit_test_teardown(test_tui_golden_esc_digits_under_vt100, teardown),
		cmocka_unit_test_teardown(test_tui_golden_same_screens_under_xterm, teardown),
		cmocka_unit_test_teardown(test_tui_golden_dialog_under_aixterm, teardown),
		cmocka_unit_test_teardown(test_tui_log_and_script_record_the_command, teardown),
	};

	if (argc > 1 && strcmp(argv[1], "--demo") == 0)
		return tuidemo_main(argc - 1, argv + 1);
	return cmocka_run_group_tests_name("tui_demo", tests, NULL, NULL);
}
