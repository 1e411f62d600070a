/* test_engine_level.c: oslevel and V.R.M.F parsing and numeric comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "level.h"

static struct aix_level lv(const char *s)
{
	struct aix_level l;
	struct err e;

	err_clear(&e);
	if (level_parse_oslevel(s, &l, &e) != 0)
		fail_msg("level_parse_oslevel(%s): %s", s, e.msg);
	return l;
}

static void test_level_parses_oslevel_s_into_parts(void **state)
{
	struct aix_level l = lv("7200-05-06-2320");

	(void)state;
	assert_int_equal(l.version, 7);
	assert_int_equal(l.release, 2);
	assert_int_equal(l.tl, 5);
	assert_int_equal(l.sp, 6);
	assert_int_equal(l.build, 2320);
}

static void test_level_parses_oslevel_r_with_absent_sp(void **state)
{
	struct aix_level l = lv(" 7300-02\r\n");

	(void)state;
	assert_int_equal(l.version, 7);
	assert_int_equal(l.release, 3);
	assert_int_equal(l.tl, 2);
	assert_int_equal(l.sp, -1);
	assert_int_equal(l.build, -1);
	assert_true(level_has_tl(&l));
}

static void test_level_parses_bare_release_forms(void **state)
{
	struct aix_level a = lv("7.2.0.0"), b = lv("7300"), c = lv("6.1");

	(void)state;
	assert_int_equal(a.version, 7);
	assert_int_equal(a.release, 2);
	assert_int_equal(a.tl, -1);
	assert_false(level_has_tl(&a));
	assert_int_equal(b.version, 7);
	assert_int_equal(b.release, 3);
	assert_int_equal(b.tl, -1);
	assert_int_equal(c.version, 6);
	assert_int_equal(c.release, 1);
}

static void test_level_rejects_malformed_oslevels(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"72-05",
		"7200-",
		"7200-05-",
		"7200_05",
		"7200-05-06-2320-1",
		"7200-0a",
		"abcd-05",
		"7.x",
		"7200-05-06-23201",
		"1.2.3.4.5",
		"7",
	};
	struct aix_level l;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (level_parse_oslevel(bad[i], &l, &e) == 0)
			fail_msg("accepted bad level '%s'", bad[i]);
		assert_true(e.msg[0] != '\0');
	}
}

static void test_level_compares_oslevels_numerically_field_by_field(void **state)
{
	struct aix_level a, b;

	(void)state;
	a = lv("7200-05-06-2320");
	b = lv("7300-00-01-2148");
	assert_true(level_compare_oslevel(&a, &b) < 0);
	assert_true(level_compare_oslevel(&b, &a) > 0);
	/* TL 10 is above TL 9 (not a string comparison). */
	a = lv("6100-09-12-1837");
	b = lv("6100-10-01-1900");
	assert_true(level_compare_oslevel(&a, &b) < 0);
	a = lv("7300-02-01-2346");
	b = lv("7300-02-01-2346");
	assert_int_equal(level_compare_oslevel(&a, &b), 0);
	/* SP 10 above SP 9 */
	a = lv("7200-05-09-2400");
	b = lv("7200-05-10-2410");
	assert_true(level_compare_oslevel(&a, &b) < 0);
	/* An absent part sorts first in the total order... */
	a = lv("7300-02");
	b = lv("7300-02-00-0000");
	assert_true(level_compare_oslevel(&a, &b) < 0);
	/* ...but the common comparison sees them alike. */
	b = lv("7300-02-01-2346");
	assert_int_equal(level_compare_oslevel_common(&a, &b), 0);
	b = lv("7300-01-04-2320");
	assert_true(level_compare_oslevel_common(&a, &b) > 0);
	b = lv("7.3.0.0");
	assert_int_equal(level_compare_oslevel_common(&a, &b), 0);
	b = lv("7.2.0.0");
	assert_true(level_compare_oslevel_common(&a, &b) > 0);
}

static void test_level_formats_oslevel_and_release(void **state)
{
	char buf[LEVEL_STR_MAX];
	struct aix_level l = lv("7300-02-01-2346");

	(void)state;
	assert_string_equal(level_format_oslevel(&l, buf, sizeof buf), "7300-02-01-2346");
	assert_string_equal(level_format_release(&l, buf, sizeof buf), "7.3");
	l = lv("7200-05");
	assert_string_equal(level_format_oslevel(&l, buf, sizeof buf), "7200-05");
	l = lv("6.1.0.0");
	assert_string_equal(level_format_oslevel(&l, buf, sizeof buf), "6100");
}

static void test_level_parses_and_compares_vrmf(void **state)
{
	struct vrmf a, b;
	struct err e;
	char buf[64];

	(void)state;
	err_clear(&e);
	assert_int_equal(level_parse_vrmf("7.3.2.1", &a, &e), 0);
	assert_int_equal(a.part[0], 7);
	assert_int_equal(a.part[3], 1);
	assert_int_equal(level_parse_vrmf("7.2.5.101\r\n", &b, &e), 0);
	assert_true(level_compare_vrmf(&a, &b) > 0);
	assert_int_equal(level_parse_vrmf("7.3.2.10", &b, &e), 0);
	/* 7.3.2.10 > 7.3.2.9 numerically (a string comparison would say less) */
	assert_int_equal(level_parse_vrmf("7.3.2.9", &a, &e), 0);
	assert_true(level_compare_vrmf(&a, &b) < 0);
	assert_int_equal(level_compare_vrmf(&a, &a), 0);
	assert_string_equal(level_format_vrmf(&b, buf, sizeof buf), "7.3.2.10");
	assert_int_equal(level_parse_vrmf("7.3.2", &a, &e), -1);
	assert_int_equal(level_parse_vrmf("7.3.2.1.0", &a, &e), -1);
	assert_int_equal(level_parse_vrmf("7.3.x.1", &a, &e), -1);
	assert_int_equal(level_parse_vrmf("", &a, &e), -1);
	assert_true(strstr(e.msg, "level") != NULL);
}

static void test_level_compare_str_picks_the_kind(void **state)
{
	(void)state;
	assert_true(level_compare_str("7.3.2.9", "7.3.2.10") < 0);
	assert_true(level_compare_str("7300-02-01-2346", "7200-05-06-2320") > 0);
	assert_true(level_compare_str("6100-10", "6100-9") > 0);
	assert_true(level_compare_str("5.1.4-2", "5.1.4-10") < 0);
	assert_true(level_compare_str("5.1.16", "5.1.4") > 0);
	assert_int_equal(level_compare_str("7.2.5.0", "7.2.5.0"), 0);
	assert_true(level_compare_str(NULL, "7.2.5.0") < 0);
	assert_int_equal(level_compare_str(NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_parses_oslevel_s_into_parts),
		cmocka_unit_test(test_level_parses_oslevel_r_with_absent_sp),
		cmocka_unit_test(test_level_parses_bare_release_forms),
		cmocka_unit_test(test_level_rejects_malformed_oslevels),
		cmocka_unit_test(test_level_compares_oslevels_numerically_field_by_field),
		cmocka_unit_test(test_level_formats_oslevel_and_release),
		cmocka_unit_test(test_level_parses_and_compares_vrmf),
		cmocka_unit_test(test_level_compare_str_picks_the_kind),
	};
	return cmocka_run_group_tests_name("level", tests, NULL, NULL);
}
