/*
 * test_screens_app.c: the application's pieces that need no screen: help
 * texts for every screen, menu item and field the screens name, the
 * reflowing of help files for pop-ups, the fast paths, and a manual that
 * documents every dialog, field and screen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

static char *manual(void)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char *path = xasprintf("%s/nimadm-tui.1", src != NULL ? src : ".");
	char *man = read_all(path);

	free(path);
	assert_non_null(man);
	return man;
}

static void test_screens_help_exists_for_every_screen_menu_item_and_field(void **state)
{
	static const char *const ids[] = {
		"menus/migrate",
		"menus/mksysb",
		"menus/check",
		"menus/monitor",
		"menus/logs",
		"menus/maint",
		"menus/sync",
		"menus/mksysb-to-client",
		"menus/mksysb-to-mksysb",
		"menus/client-to-mksysb",
		"menus/cleanup",
		"menus/wakeup",
		"menus/sleep",
		"screens/prereq",
		"screens/prereq-clients",
		"screens/prereq-report",
		"screens/prereq-host",
		"screens/cmdstatus",
	};
	char id[128];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		if (app_help_text(ids[i]) == NULL)
			fprintf(stderr, "no help for %s\n", ids[i]);
		assert_non_null(app_help_text(ids[i]));
	}
	for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
		snprintf(id, sizeof id, "screens/nimadm-%s", params_mode_name((enum nimadm_mode)m));
		assert_non_null(app_help_text(id));
	}
	for (size_t i = 0; i < params_field_count(); i++)
		assert_non_null(app_help_text(params_field_at(i)->help));
	/* a check's explanation, with its title first */
	assert_non_null(app_help_text("checks/client.ncargs"));
	assert_non_null(strstr(app_help_text("checks/client.ncargs"), "ncargs at least 256"));
	assert_null(app_help_text("screens/no-such-screen"));
}

static void test_screens_reflow_joins_wrapped_lines_and_keeps_lists(void **state)
{
	const char *text = "A title line\n"
	                   "\n"
	                   "This paragraph was wrapped at about seventy-five columns, so its\n"
	                   "second line belongs to it.\n"
	                   "A short line.\n"
	                   "- a list item that stays on its own line even when it is long enough\n"
	                   "  and its indented continuation\n"
	                   "    chdev -l sys0 -a ncargs=256\n";
	char *out = app_reflow(text);

	(void)state;
	assert_string_equal(out, "A title line\n"
	                         "\n"
	                         "This paragraph was wrapped at about seventy-five columns, so its "
	                         "second line belongs to it.\n"
	                         "A short line.\n"
	                         "- a list item that stays on its own line even when it is long "
	                         "enough\n"
	                         "  and its indented continuation\n"
	                         "    chdev -l sys0 -a ncargs=256\n");
	free(out);
	out = app_reflow("");
	assert_string_equal(out, "");
	free(out);
}

static void test_screens_fast_paths_are_known_and_others_refused(void **state)
{
	(void)state;
	assert_true(tui_main_known_screen(NULL));
	assert_true(tui_main_known_screen("main"));
	assert_true(tui_main_known_screen("migrate"));
	assert_true(tui_main_known_screen("check"));
	assert_true(tui_main_known_screen("monitor"));
	assert_true(tui_main_known_screen("logs"));
	assert_false(tui_main_known_screen("run"));
	assert_false(tui_main_known_screen(""));
}

static void test_screens_safe_escapes_control_characters(void **state)
{
	char *s = app_safe("lpar\033[2J1\n");

	(void)state;
	assert_null(strchr(s, '\033'));
	assert_non_null(strstr(s, "^["));
	free(s);
	s = app_safe(NULL);
	assert_string_equal(s, "");
	free(s);
}

/* The manual's SCREENS section names every dialog (by its menu title) and
 * every field (by its label), the menus and the screens. */
static void test_screens_manual_documents_every_dialog_field_and_screen(void **state)
{
	static const char *const screens[] = {
		".Sh SCREENS",
		"Perform NIM mksysb Migrations",
		"Check Migration Prerequisites",
		"Monitor Migrations",
		"View Migration Logs",
		"Cleanup / Wake-up / Sleep an Alternate Disk Migration",
		"Target NIM Client(s)",
		"COMMAND STATUS",
		"Headless mode",
	};
	char *man = manual(), *sec, *end;

	(void)state;
	sec = strstr(man, ".Sh SCREENS");
	assert_non_null(sec);
	/* right after the DESCRIPTION */
	assert_true(strstr(man, ".Sh DESCRIPTION") < sec);
	end = strstr(sec + 1, "\n.Sh ");
	assert_non_null(end);
	assert_true(strncmp(end, "\n.Sh COMMANDS", 13) == 0);
	*end = '\0';
	for (size_t i = 0; i < ARRAY_LEN(screens); i++) {
		if (strstr(sec, screens[i]) == NULL)
			fprintf(stderr, "SCREENS lacks \"%s\"\n", screens[i]);
		assert_non_null(strstr(sec, screens[i]));
	}
	for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
		const char *t = params_mode_title((enum nimadm_mode)m);
		if (strstr(sec, t) == NULL)
			fprintf(stderr, "SCREENS lacks the dialog \"%s\"\n", t);
		assert_non_null(strstr(sec, t));
	}
	for (size_t i = 0; i < params_field_count(); i++) {
		const char *label = params_field_at(i)->label;
		char *item = xasprintf(".It %s ", label);
		if (strstr(sec, item) == NULL)
			fprintf(stderr, "SCREENS lacks the field \"%s\"\n", label);
		assert_non_null(strstr(sec, item));
		free(item);
	}
	free(man);
}

static int refreshed;

static void count_refresh(void *arg)
{
	(void)arg;
	refreshed++;
}

/* F2 (and Esc 2) redraw and then call the application's refresh hook,
 * which reads the NIM inventory again. */
static void test_screens_f2_calls_the_refresh_hook(void **state)
{
	static const struct tui_menu_item items[] = { { "a", "An item", NULL },
		                                      { NULL, NULL, NULL } };
	static const struct tui_menu_def def = { .title = "Refresh", .items = items };
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/screens-f2-XXXXXX", tmp != NULL ? tmp : "/tmp"), *keys;
	struct tui_opts o;
	char err[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	keys = xasprintf("%s/f2.keys", dir);
	f = fopen(keys, "w");
	assert_non_null(f);
	fputs("F2\nEsc 2\nF10\n", f);
	fclose(f);
	memset(&o, 0, sizeof o);
	o.script = keys;
	o.dump_dir = dir;
	assert_int_equal(tui_init(&o, err, sizeof err), 0);
	refreshed = 0;
	tui_on_refresh(count_refresh, NULL);
	tui_push(tui_menu_new(&def, NULL));
	assert_int_equal(tui_run(), 0);
	tui_on_refresh(NULL, NULL);
	tui_end();
	assert_int_equal(refreshed, 2);
	remove(keys);
	remove(dir);
	free(keys);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screens_help_exists_for_every_screen_menu_item_and_field),
		cmocka_unit_test(test_screens_reflow_joins_wrapped_lines_and_keeps_lists),
		cmocka_unit_test(test_screens_fast_paths_are_known_and_others_refused),
		cmocka_unit_test(test_screens_safe_escapes_control_characters),
		cmocka_unit_test(test_screens_manual_documents_every_dialog_field_and_screen),
		cmocka_unit_test(test_screens_f2_calls_the_refresh_hook),
	};

	return cmocka_run_group_tests_name("screens_app", tests, NULL, NULL);
}
