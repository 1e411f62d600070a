/*
 * test_engine_tuiconf.c: the TUI's saved settings (<state dir>/tui.ini):
 * the stall time's validation (the words the CLI and the monitor show),
 * saving and loading it, a missing file, a file that is not ours to trust.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

static int setup(void **state)
{
	const char *tmpdir = getenv("TMPDIR");
	char *dir = xasprintf("%s/tuiconf.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char *dir = *state;
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	free(dir);
	return 0;
}

static void write_text(const char *dir, const char *text)
{
	char *path = xasprintf("%s/tui.ini", dir);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static void test_tuiconf_stall_accepts_whole_minutes_0_to_a_week(void **state)
{
	long v = -1;
	struct err e;

	(void)state;
	assert_int_equal(tuiconf_parse_stall("--stall", "0", &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tuiconf_parse_stall("--stall", "30", &v, &e), 0);
	assert_int_equal(v, 30);
	assert_int_equal(tuiconf_parse_stall("--stall", "10080", &v, &e), 0);
	assert_int_equal(v, TUICONF_STALL_MAX_MIN);
}

static void test_tuiconf_stall_refuses_anything_else_naming_the_option(void **state)
{
	static const char *const bad[] = { "",   "x",     "-1",
		                           "+5", "10081", "5m",
		                           " 5", "1.5",   "99999999999999999999" };
	long v = 7;
	struct err e;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err_clear(&e);
		assert_int_equal(tuiconf_parse_stall("--stall", bad[i], &v, &e), -1);
		assert_non_null(strstr(e.msg, "--stall: \""));
		assert_non_null(strstr(e.msg, "is not a number of minutes (0-10080"));
		assert_null(strchr(e.msg, '\n'));
		assert_int_equal(v, 7); /* untouched */
	}
	assert_int_equal(tuiconf_parse_stall("Stall warning", NULL, &v, &e), -1);
	assert_true(str_starts(e.msg, "Stall warning: \"\" is not"));
}

static void test_tuiconf_missing_file_leaves_settings_unset(void **state)
{
	struct tuiconf c = { .stall_min = 12 };
	struct err e;

	err_clear(&e);
	assert_int_equal(tuiconf_load(*state, &c, &e), 0);
	assert_int_equal(c.stall_min, -1);
	assert_string_equal(e.msg, "");
}

static void test_tuiconf_saved_stall_is_loaded_back(void **state)
{
	struct tuiconf c = { .stall_min = 45 }, back;
	struct err e;

	err_clear(&e);
	assert_int_equal(tuiconf_save(*state, &c, &e), 0);
	assert_int_equal(tuiconf_load(*state, &back, &e), 0);
	assert_int_equal(back.stall_min, 45);
	/* 0 (off) is a setting too, not the absence of one */
	c.stall_min = 0;
	assert_int_equal(tuiconf_save(*state, &c, &e), 0);
	assert_int_equal(tuiconf_load(*state, &back, &e), 0);
	assert_int_equal(back.stall_min, 0);
}

static void test_tuiconf_save_replaces_the_file_and_leaves_no_temporary(void **state)
{
	struct tuiconf c = { .stall_min = 5 };
	struct err e;
	DIR *d;
	struct dirent *de;
	int files = 0;

	write_text(*state, "[monitor]\nstall_minutes = 99\n");
	assert_int_equal(tuiconf_save(*state, &c, &e), 0);
	assert_int_equal(tuiconf_load(*state, &c, &e), 0);
	assert_int_equal(c.stall_min, 5);
	d = opendir(*state);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' || strncmp(de->d_name, ".tui.ini", 8) == 0)
			files++;
	closedir(d);
	assert_int_equal(files, 1);
}

static void test_tuiconf_unset_stall_is_not_written(void **state)
{
	struct tuiconf c = { .stall_min = -1 }, back;
	struct err e;

	assert_int_equal(tuiconf_save(*state, &c, &e), 0);
	assert_int_equal(tuiconf_load(*state, &back, &e), 0);
	assert_int_equal(back.stall_min, -1);
}

static void test_tuiconf_bad_value_in_the_file_is_an_error_naming_it(void **state)
{
	struct tuiconf c;
	struct err e;

	write_text(*state, "# by hand\n[monitor]\nstall_minutes = soon\n");
	err_clear(&e);
	assert_int_equal(tuiconf_load(*state, &c, &e), -1);
	assert_int_equal(c.stall_min, -1);
	assert_non_null(strstr(e.msg, "tui.ini: stall_minutes: \"soon\" is not a number"));
}

static void test_tuiconf_unknown_keys_are_ignored(void **state)
{
	struct tuiconf c;
	struct err e;

	write_text(*state, "[monitor]\ncolour = blue\nstall_minutes = 20\n[later]\nx = 1\n");
	err_clear(&e);
	assert_int_equal(tuiconf_load(*state, &c, &e), 0);
	assert_int_equal(c.stall_min, 20);
}

static void test_tuiconf_file_that_does_not_parse_is_an_error(void **state)
{
	struct tuiconf c;
	struct err e;

	write_text(*state, "[monitor\nstall_minutes = 20\n");
	err_clear(&e);
	assert_int_equal(tuiconf_load(*state, &c, &e), -1);
	assert_non_null(strstr(e.msg, "tui.ini: line 1 does not parse"));
}

static void test_tuiconf_save_into_a_missing_directory_fails_cleanly(void **state)
{
	struct tuiconf c = { .stall_min = 5 };
	struct err e;
	char *dir = xasprintf("%s/nowhere", (char *)*state);

	err_clear(&e);
	assert_int_equal(tuiconf_save(dir, &c, &e), -1);
	assert_true(str_starts(e.msg, "cannot save "));
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuiconf_stall_accepts_whole_minutes_0_to_a_week),
		cmocka_unit_test(test_tuiconf_stall_refuses_anything_else_naming_the_option),
		cmocka_unit_test_setup_teardown(test_tuiconf_missing_file_leaves_settings_unset,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuiconf_saved_stall_is_loaded_back, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_tuiconf_save_replaces_the_file_and_leaves_no_temporary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuiconf_unset_stall_is_not_written, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(
		    test_tuiconf_bad_value_in_the_file_is_an_error_naming_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuiconf_unknown_keys_are_ignored, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_tuiconf_file_that_does_not_parse_is_an_error,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_tuiconf_save_into_a_missing_directory_fails_cleanly, setup, teardown),
	};

	return cmocka_run_group_tests_name("engine_tuiconf", tests, NULL, NULL);
}
