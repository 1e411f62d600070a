/*
 * test_tui_action.c: the one action table. Every action has a name, a label,
 * help and at least one key; function keys and their Esc+digit twins are
 * listed; the keys help and the manual's KEYS list come from the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui.h"

static void test_tui_every_action_has_name_label_help_and_keys(void **state)
{
	(void)state;
	assert_null(tui_action_info(TUI_ACT_NONE));
	assert_null(tui_action_info(TUI_ACT_COUNT));
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const struct tui_action_info *ai = tui_action_info((enum tui_action)a);
		assert_non_null(ai);
		assert_int_equal(ai->action, a);
		assert_true(strlen(ai->name) > 0);
		assert_true(strlen(ai->label) > 0);
		assert_true(strlen(ai->help) > 0);
		assert_true(strlen(tui_action_keys((enum tui_action)a)) > 0);
		for (int b = a + 1; b < TUI_ACT_COUNT; b++)
			assert_string_not_equal(ai->name,
			                        tui_action_info((enum tui_action)b)->name);
	}
}

static void test_tui_function_keys_are_smittys(void **state)
{
	static const struct {
		enum tui_action a;
		const char *label;
		int fkey;
	} want[] = {
		{ TUI_ACT_HELP, "Help", 1 },     { TUI_ACT_REFRESH, "Refresh", 2 },
		{ TUI_ACT_CANCEL, "Cancel", 3 }, { TUI_ACT_LIST, "List", 4 },
		{ TUI_ACT_RESET, "Reset", 5 },   { TUI_ACT_COMMAND, "Command", 6 },
		{ TUI_ACT_EDIT, "Edit", 7 },     { TUI_ACT_IMAGE, "Image", 8 },
		{ TUI_ACT_SHELL, "Shell", 9 },   { TUI_ACT_EXIT, "Exit", 10 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct tui_action_info *ai = tui_action_info(want[i].a);
		char f[8], esc[8];
		const char *keys = tui_action_keys(want[i].a);
		assert_string_equal(ai->label, want[i].label);
		assert_int_equal(ai->fkey, want[i].fkey);
		snprintf(f, sizeof f, "F%d", want[i].fkey);
		snprintf(esc, sizeof esc, "Esc %d", want[i].fkey % 10);
		assert_memory_equal(keys, f, strlen(f));
		assert_non_null(strstr(keys, esc));
	}
	assert_string_equal(tui_action_keys(TUI_ACT_DO), "Enter");
	assert_string_equal(tui_action_keys(TUI_ACT_FIND), "/");
	assert_string_equal(tui_action_keys(TUI_ACT_FIND_NEXT), "n");
	assert_non_null(strstr(tui_action_keys(TUI_ACT_CANCEL), "Esc Esc"));
	assert_non_null(strstr(tui_action_keys(TUI_ACT_REFRESH), "Ctrl-L"));
}

static void test_tui_no_function_key_beyond_f10(void **state)
{
	(void)state;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++)
		assert_true(tui_action_info((enum tui_action)a)->fkey <= 10);
	assert_int_equal(tui_action_for_key(-1), TUI_ACT_NONE);
	assert_int_equal(tui_action_for_key('x'), TUI_ACT_NONE);
	assert_int_equal(tui_action_for_key('/'), TUI_ACT_FIND);
	assert_int_equal(tui_action_for_key('\r'), TUI_ACT_DO);
}

static void test_tui_keys_help_lists_every_action(void **state)
{
	char *help = tui_keys_help();

	(void)state;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const struct tui_action_info *ai = tui_action_info((enum tui_action)a);
		assert_non_null(strstr(help, ai->help));
		assert_non_null(strstr(help, tui_action_keys((enum tui_action)a)));
	}
	assert_non_null(strstr(help, "Esc 0 is F10"));
	free(help);
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

/* The manual's KEYS list is the table's, word for word. Regenerate it with
 * `test_tui_demo --demo --keys-mdoc`. */
static void test_tui_manual_lists_every_action_of_the_key_table(void **state)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char path[1024], *man, *mdoc;

	(void)state;
	snprintf(path, sizeof path, "%s/nimadm-tui.1", src != NULL ? src : ".");
	man = read_all(path);
	assert_non_null(man);
	mdoc = tui_keys_mdoc();
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const struct tui_action_info *ai = tui_action_info((enum tui_action)a);
		char item[512];
		snprintf(item, sizeof item, ".It %s\n%s: %s.\n",
		         tui_action_keys((enum tui_action)a), ai->label, ai->help);
		if (strstr(man, item) == NULL)
			fprintf(stderr, "nimadm-tui.1 lacks the key list entry:\n%s", item);
		assert_non_null(strstr(man, item));
	}
	assert_non_null(strstr(man, mdoc));
	free(mdoc);
	free(man);
}

static void test_tui_quote_argv_quotes_only_what_needs_it(void **state)
{
	const char *plain[] = { "nimadm", "-c", "lpar1", "-s", "spot_73", "-d", "hdisk1", NULL };
	const char *hostile[] = { "echo", "a b", "it's", "$(rm -rf /)", "", "x=1", NULL };
	const char *assign[] = { "A=1", "cmd", NULL };
	char *q;

	(void)state;
	q = tui_quote_argv(plain);
	assert_string_equal(q, "nimadm -c lpar1 -s spot_73 -d hdisk1");
	free(q);
	q = tui_quote_argv(hostile);
	assert_string_equal(q, "echo 'a b' 'it'\\''s' '$(rm -rf /)' '' x=1");
	free(q);
	q = tui_quote_argv(assign);
	assert_string_equal(q, "'A=1' cmd");
	free(q);
	q = tui_quote_argv(NULL);
	assert_string_equal(q, "");
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui_every_action_has_name_label_help_and_keys),
		cmocka_unit_test(test_tui_function_keys_are_smittys),
		cmocka_unit_test(test_tui_no_function_key_beyond_f10),
		cmocka_unit_test(test_tui_keys_help_lists_every_action),
		cmocka_unit_test(test_tui_manual_lists_every_action_of_the_key_table),
		cmocka_unit_test(test_tui_quote_argv_quotes_only_what_needs_it),
	};

	return cmocka_run_group_tests_name("tui_action", tests, NULL, NULL);
}
