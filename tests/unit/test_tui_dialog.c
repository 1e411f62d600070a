/*
 * test_tui_dialog.c: dialogs, pick lists and COMMAND STATUS through their
 * public API, driven by headless key scripts: values, F5, ring fields, the
 * kit's checks, errors from the application, F4 with an asynchronous
 * provider, cancelled lists, the status widget's life cycle and its log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui.h"

static char script_path[1024];

static const char *script(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(script_path, sizeof script_path, "%s/tui-dialog-XXXXXX", tmp ? tmp : "/tmp");
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
	o.app_name = "tuitest";
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
}

static void finish(void)
{
	tui_end();
	unlink(script_path);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- a dialog ---- */

static const char *const sizes[] = { "small", "medium", "large", NULL };

struct ctx {
	int submits;
	int changes;
	char changed[64];
	const char *refuse_field; /* submit refuses with this field */
	struct tui_list_req *pending;
	int provider_calls;
	int async; /* the provider fills the list from a timer */
	int cancelled_seen;
	int closed;
};

static void fill_hosts(void *arg);

static void provider(void *arg, struct tui_screen *d, const char *field, struct tui_list_req *req)
{
	struct ctx *c = arg;

	assert_string_equal(field, "host");
	/* the provider may read the other fields while it is called */
	assert_non_null(tui_dialog_get(d, "name"));
	c->provider_calls++;
	c->pending = req;
	if (c->async)
		tui_timer(20, 0, fill_hosts, c);
}

static const struct tui_field_def fields[] = {
	{ .id = "name", .label = "Name", .kind = TUI_FIELD_TEXT, .flags = TUI_F_REQUIRED },
	{ .id = "count", .label = "Count", .kind = TUI_FIELD_NUMBER, .def = "7" },
	{ .id = "size", .label = "Size", .kind = TUI_FIELD_LIST, .choices = sizes, .def = "small" },
	{ .id = "force", .label = "Force", .kind = TUI_FIELD_YESNO },
	{ .id = "host", .label = "Host", .kind = TUI_FIELD_LIST, .list = provider },
	{ .id = "info", .label = "Info", .kind = TUI_FIELD_INFO, .def = "fixed" },
	{ .id = NULL },
};

static int submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct ctx *c = arg;

	(void)d;
	c->submits++;
	if (c->refuse_field != NULL) {
		fe->field = c->refuse_field;
		snprintf(fe->msg, sizeof fe->msg, "Refused by the application.");
		return -1;
	}
	return 0;
}

static void changed(void *arg, struct tui_screen *d, const char *id)
{
	struct ctx *c = arg;

	(void)d;
	c->changes++;
	snprintf(c->changed, sizeof c->changed, "%s", id);
}

static void closed(void *arg)
{
	((struct ctx *)arg)->closed++;
}

static const struct tui_dialog_def def = {
	.title = "Test Dialog",
	.fields = fields,
	.submit = submit,
	.changed = changed,
	.close = closed,
};

static struct tui_screen *push_dialog(struct ctx *c)
{
	struct tui_screen *d = tui_dialog_new(&def, c);

	tui_push(d);
	return d;
}

static void test_tui_dialog_starts_with_defaults_and_sets_values(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;

	(void)state;
	start(":wait-idle\n");
	d = push_dialog(&c);
	assert_string_equal(tui_dialog_get(d, "name"), "");
	assert_string_equal(tui_dialog_get(d, "count"), "7");
	assert_string_equal(tui_dialog_get(d, "force"), "no");
	assert_string_equal(tui_dialog_get(d, "info"), "fixed");
	assert_null(tui_dialog_get(d, "nosuch"));
	assert_int_equal(tui_dialog_set(d, "nosuch", "x"), -1);
	assert_int_equal(tui_dialog_set(d, "name", "abc"), 0);
	assert_string_equal(tui_dialog_get(d, "name"), "abc");
	assert_string_equal(tui_dialog_current(d), "name");
	assert_ptr_equal(tui_screen_arg(d), &c);
	assert_int_equal(tui_run(), 0);
	finish();
	assert_int_equal(c.closed, 1);
	assert_int_equal(c.changes, 0); /* programmatic sets are not reported */
}

static void test_tui_dialog_typing_reports_the_change_on_leaving(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;

	(void)state;
	start("\"hello world\"\n:wait-idle\nDown\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "name"), "hello world");
	assert_int_equal(c.changes, 1);
	assert_string_equal(c.changed, "name");
	assert_string_equal(tui_dialog_current(d), "count");
	finish();
}

static void test_tui_dialog_required_field_blocks_submit(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;
	char *text;

	(void)state;
	start("Down Down Enter\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(c.submits, 0);
	/* the cursor went back to the required field, and the message shows */
	assert_string_equal(tui_dialog_current(d), "name");
	text = tui_screen_text();
	assert_non_null(strstr(text, "A value is required for \"Name\"."));
	free(text);
	finish();
}

static void test_tui_dialog_numeric_field_takes_only_digits(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;

	(void)state;
	start("Down C-u \"1x2-\"\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "count"), "12-");
	finish();

	/* set from the application: the kit's check refuses it on Enter */
	c.submits = 0;
	start("Enter\n");
	d = push_dialog(&c);
	tui_dialog_set(d, "name", "n");
	tui_dialog_set(d, "count", "1-2");
	assert_int_equal(tui_run(), 0);
	assert_int_equal(c.submits, 0);
	assert_string_equal(tui_dialog_current(d), "count");
	finish();
}

static void test_tui_dialog_submit_error_moves_to_the_field(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;
	char *text;

	(void)state;
	c.refuse_field = "force";
	start("\"x\" Enter\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(c.submits, 1);
	assert_string_equal(tui_dialog_current(d), "force");
	text = tui_screen_text();
	assert_non_null(strstr(text, "Refused by the application."));
	free(text);
	finish();
}

static void test_tui_dialog_ring_tab_and_reset(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;

	(void)state;
	/* Tab cycles a ring; F5 restores the value the field started with */
	start("Down Down Tab Tab :wait-idle\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "size"), "large");
	finish();

	start("Down Down Tab Tab Tab F5 Down Tab\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "size"), "small");
	assert_string_equal(tui_dialog_get(d, "force"), "yes");
	finish();

	/* set_initial changes what F5 restores */
	start("F5\n");
	d = push_dialog(&c);
	assert_int_equal(tui_dialog_set_initial(d, "name", "start"), 0);
	tui_dialog_set(d, "name", "changed");
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "name"), "start");
	finish();
}

static void test_tui_dialog_f4_on_fixed_choices_picks_a_value(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;

	(void)state;
	start("Down Down F4 Down Down Enter\n");
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_string_equal(tui_dialog_get(d, "size"), "large");
	assert_string_equal(c.changed, "size");
	assert_int_equal(tui_depth(), 1);
	finish();
}

static void fill_hosts(void *arg)
{
	struct ctx *c = arg;

	if (tui_list_cancelled(c->pending))
		c->cancelled_seen++;
	tui_list_add(c->pending, "alpha", "first");
	tui_list_add(c->pending, "beta", "second");
	tui_list_done(c->pending, NULL);
	c->pending = NULL;
}

static void test_tui_dialog_f4_waits_for_an_async_provider(void **state)
{
	struct ctx c = { 0 };
	struct tui_screen *d;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[1100], *text;
	struct tui_opts o;
	char err[256];

	(void)state;
	c.async = 1;
	memset(&o, 0, sizeof o);
	o.script = script("Down Down Down Down F4\n:dump dialog-loading\n:wait-idle\n"
	                  ":dump dialog-loaded\nDown Enter\n");
	o.dump_dir = dir;
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
	d = push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(c.provider_calls, 1);
	assert_null(c.pending);
	assert_int_equal(tui_list_pending(), 0);
	assert_string_equal(tui_dialog_get(d, "host"), "beta");
	finish();
	snprintf(path, sizeof path, "%s/dialog-loading.txt", dir);
	text = read_all(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "Loading..."));
	assert_null(strstr(text, "alpha"));
	free(text);
	unlink(path);
	snprintf(path, sizeof path, "%s/dialog-loaded.txt", dir);
	text = read_all(path);
	assert_non_null(text);
	assert_null(strstr(text, "Loading..."));
	assert_non_null(strstr(text, "   alpha   first"));
	free(text);
	unlink(path);
}

static void test_tui_list_closed_before_done_is_cancelled(void **state)
{
	struct ctx c = { 0 };

	(void)state;
	/* F3 while the list loads: the provider learns it was cancelled; the
	 * script waits for it to finish before it ends */
	c.async = 1;
	start("Down Down Down Down F4\n:nowait F3\n");
	push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(c.provider_calls, 1);
	assert_int_equal(c.cancelled_seen, 1);
	assert_int_equal(tui_list_pending(), 0);
	assert_int_equal(tui_depth(), 1);
	finish();
}

static void test_tui_list_error_is_shown_instead_of_items(void **state)
{
	struct tui_picklist_def pd = { .title = "Broken" };
	struct tui_list_req *req;
	char *text;

	(void)state;
	start(":wait-idle\n");
	tui_push(tui_picklist_new(&pd, NULL, NULL, &req));
	tui_list_add(req, "x", NULL);
	tui_list_done(req, "lsnim failed: 0042-001 nim: processing error");
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "lsnim failed: 0042-001 nim: processing error"));
	assert_null(strstr(text, "   x "));
	free(text);
	finish();
}

static const char *chosen_values[8];
static size_t chosen_n;
static char chosen_buf[8][32];

static void on_chosen(void *arg, const char *const *values, size_t n)
{
	(void)arg;
	chosen_n = n;
	for (size_t i = 0; i < n && i < 8; i++) {
		snprintf(chosen_buf[i], sizeof chosen_buf[i], "%s", values[i]);
		chosen_values[i] = chosen_buf[i];
	}
}

static void test_tui_multi_picklist_returns_the_marked_values(void **state)
{
	struct tui_picklist_def pd = { .title = "Disks",
		                       .flags = TUI_PICK_MULTI,
		                       .chosen = on_chosen };
	struct tui_list_req *req;

	(void)state;
	chosen_n = 0;
	/* hdisk1 starts marked; F7 unmarks it and marks hdisk2 and hdisk3 */
	start("Down F7 Down F7 Down F7 Enter\n");
	tui_push(tui_picklist_new(&pd, NULL, "hdisk1", &req));
	tui_list_add(req, "hdisk0", "rootvg");
	tui_list_add(req, "hdisk1", "None");
	tui_list_add(req, "hdisk2", "None");
	tui_list_add(req, "hdisk3", "None");
	tui_list_done(req, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(chosen_n, 2);
	assert_string_equal(chosen_values[0], "hdisk2");
	assert_string_equal(chosen_values[1], "hdisk3");
	finish();
}

static void test_tui_single_picklist_starts_on_the_selected_value(void **state)
{
	struct tui_picklist_def pd = { .title = "One", .chosen = on_chosen };
	struct tui_list_req *req;

	(void)state;
	chosen_n = 0;
	start("Down Enter\n");
	tui_push(tui_picklist_new(&pd, NULL, "b", &req));
	tui_list_add(req, "a", NULL);
	tui_list_add(req, "b", NULL);
	tui_list_add(req, "c", NULL);
	tui_list_done(req, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(chosen_n, 1);
	assert_string_equal(chosen_values[0], "c");
	finish();
}

static void test_tui_picklist_find_moves_to_the_match(void **state)
{
	struct tui_picklist_def pd = { .title = "Find", .chosen = on_chosen };
	struct tui_list_req *req;

	(void)state;
	chosen_n = 0;
	start("/ \"LPAR3\" Enter Enter\n");
	tui_push(tui_picklist_new(&pd, NULL, NULL, &req));
	tui_list_add(req, "lpar1", "standalone");
	tui_list_add(req, "lpar2", "standalone");
	tui_list_add(req, "lpar3", "standalone");
	tui_list_done(req, NULL);
	assert_int_equal(tui_run(), 0);
	assert_int_equal(chosen_n, 1);
	assert_string_equal(chosen_values[0], "lpar3");
	finish();
}

/* ---- COMMAND STATUS ---- */

static int status_closed;
static void on_status_close(void *arg)
{
	(void)arg;
	status_closed++;
}

static void test_tui_status_outlives_its_screen_and_logs(void **state)
{
	const char *argv[] = { "nimadm", "-c", "lpar 1", NULL };
	struct tui_status_def sd = { .argv = argv, .close = on_status_close };
	struct tui_status *st;
	char *text, *log, *scr;
	char path[1024];

	(void)state;
	snprintf(path, sizeof path, "%s/tuitest.log", getenv("HOME"));
	unlink(path);
	snprintf(path, sizeof path, "%s/tuitest.script", getenv("HOME"));
	unlink(path);
	status_closed = 0;
	start(":wait-idle\n");
	st = tui_status_new(&sd, NULL);
	tui_status_push(st);
	tui_status_line(st, TUI_STDOUT, "first line", 10);
	tui_status_line(st, TUI_STDERR, "bell\a and tab\tend", 17);
	assert_int_equal(tui_status_state(st), TUI_STATUS_RUNNING);
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "Command: running       stdout: yes           stderr: yes"));
	assert_non_null(strstr(text, "bell^G and tab  end"));
	free(text);
	finish();
	assert_int_equal(status_closed, 1);
	/* the screen is gone; the widget still takes lines */
	tui_status_line(st, TUI_STDOUT, "after", 5);
	/* and shows them all again on a new screen */
	start(":wait-idle\n");
	tui_status_push(st);
	tui_status_push(st); /* once at a time */
	assert_int_equal(tui_depth(), 1);
	assert_int_equal(tui_run(), 0);
	text = tui_screen_text();
	assert_non_null(strstr(text, "first line\n"));
	assert_non_null(strstr(text, "\nafter\n"));
	free(text);
	finish();
	assert_int_equal(status_closed, 2);
	tui_status_finish(st, 0);
	assert_int_equal(tui_status_state(st), TUI_STATUS_FAILED);
	tui_status_free(&st);
	assert_null(st);

	snprintf(path, sizeof path, "%s/tuitest.log", getenv("HOME"));
	log = read_all(path);
	assert_non_null(log);
	assert_non_null(strstr(log, ">> nimadm -c 'lpar 1'\n"));
	assert_non_null(strstr(log, "first line\nbell\a and tab\tend\n"));
	assert_non_null(strstr(log, "---- end ----\n"));
	assert_non_null(strstr(log, "Command: failed"));
	free(log);
	snprintf(path, sizeof path, "%s/tuitest.script", getenv("HOME"));
	scr = read_all(path);
	assert_non_null(scr);
	assert_non_null(strstr(scr, "\nnimadm -c 'lpar 1'\n"));
	free(scr);
}

static void test_tui_f8_appends_the_screen_image_to_the_log(void **state)
{
	struct ctx c = { 0 };
	char path[1024], *log;

	(void)state;
	snprintf(path, sizeof path, "%s/tuitest.log", getenv("HOME"));
	unlink(path);
	start("\"imaged\" F8 :wait-idle\n");
	push_dialog(&c);
	assert_int_equal(tui_run(), 0);
	finish();
	log = read_all(path);
	assert_non_null(log);
	assert_non_null(strstr(log, "Screen image follows below:\n"));
	assert_non_null(strstr(log, "                                  Test Dialog\n"));
	assert_non_null(
	    strstr(log, "* Name                                                [imaged"));
	free(log);
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
		cmocka_unit_test_teardown(test_tui_dialog_starts_with_defaults_and_sets_values,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_dialog_typing_reports_the_change_on_leaving,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_dialog_required_field_blocks_submit, teardown),
		cmocka_unit_test_teardown(test_tui_dialog_numeric_field_takes_only_digits,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_dialog_submit_error_moves_to_the_field,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_dialog_ring_tab_and_reset, teardown),
		cmocka_unit_test_teardown(test_tui_dialog_f4_on_fixed_choices_picks_a_value,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_dialog_f4_waits_for_an_async_provider, teardown),
		cmocka_unit_test_teardown(test_tui_list_closed_before_done_is_cancelled, teardown),
		cmocka_unit_test_teardown(test_tui_list_error_is_shown_instead_of_items, teardown),
		cmocka_unit_test_teardown(test_tui_multi_picklist_returns_the_marked_values,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_single_picklist_starts_on_the_selected_value,
		                          teardown),
		cmocka_unit_test_teardown(test_tui_picklist_find_moves_to_the_match, teardown),
		cmocka_unit_test_teardown(test_tui_status_outlives_its_screen_and_logs, teardown),
		cmocka_unit_test_teardown(test_tui_f8_appends_the_screen_image_to_the_log,
		                          teardown),
	};

	return cmocka_run_group_tests_name("tui_dialog", tests, NULL, NULL);
}
