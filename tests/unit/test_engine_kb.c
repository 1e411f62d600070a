/* test_engine_kb.c: the known-error knowledge base: entries, parsing and matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"

static void test_kb_loads_every_embedded_entry(void **state)
{
	const struct embedded_file *f;
	size_t files = 0;
	const struct kb *kb = kb_default();

	(void)state;
	for (size_t i = 0; (f = help_at(i)) != NULL; i++)
		if (str_starts(f->name, "errors/") && str_ends(f->name, ".ini"))
			files++;
	assert_true(files >= 20);
	assert_int_equal(kb_count(kb), files);
	for (size_t i = 0; i < kb_count(kb); i++) {
		const struct kb_entry *e = kb_entry_at(kb, i);
		assert_non_null(e);
		assert_true(strlen(e->id) > 0);
		assert_true(strlen(e->title) > 0);
		assert_true(strlen(e->meaning) > 20);
		assert_true(strlen(e->fix) > 5);
		assert_true(e->codes[0] != NULL || e->patterns[0] != NULL);
		assert_true(str_starts(e->source, "errors/"));
	}
	assert_null(kb_entry_at(kb, kb_count(kb)));
}

/* FORMATS.md's known-messages table and the list. */
static void test_kb_has_an_entry_for_every_known_message(void **state)
{
	static const char *const codes[] = {
		"0505-205", "0505-160", "0505-213", "0505-158", "0505-192", "0511-133",
		"0511-123", "0505-217", "0505-187", "0505-218", "0505-126", "0516-404",
		"0516-822", "0042-053", "0403-027", "0516-010",
	};
	static const char *const lines[] = {
		"domainname: not found",
		"umount: error unmounting /dev/aixdb01_hd2: Device busy",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(codes); i++) {
		const struct kb_entry *e = kb_find(codes[i]);
		assert_non_null(e);
		int listed = 0;
		for (size_t k = 0; e->codes[k] != NULL; k++)
			listed |= strcmp(e->codes[k], codes[i]) == 0;
		assert_true(listed);
	}
	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		assert_non_null(kb_match(lines[i]));
}

static void test_kb_matches_a_code_anywhere_in_the_line(void **state)
{
	const struct kb_entry *e;

	(void)state;
	e = kb_match("0505-187 nimadm: Error cloning altinst_rootvg on client.");
	assert_non_null(e);
	assert_string_equal(e->id, "0505-187");
	e = kb_match(
	    "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result.");
	assert_non_null(e);
	assert_string_equal(e->id, "0505-218");
	e = kb_match("0516-010 : Volume group must be varied on; use varyonvg command.");
	assert_non_null(e);
	assert_string_equal(e->id, "0516-010");
	e = kb_match("   (0403-027)   The parameter list is too long.");
	assert_non_null(e);
	assert_string_equal(e->id, "0403-027");
	/* the first known code wins when a line carries two */
	e = kb_match("0999-999 wrapper: 0042-053 lsnim: there is no NIM object named \"x\"");
	assert_non_null(e);
	assert_string_equal(e->id, "0042-053");
}

static void test_kb_ignores_codes_inside_longer_tokens(void **state)
{
	char code[9];

	(void)state;
	assert_null(kb_match("level 7300-02-01-2346 installed"));
	assert_null(kb_match("x0505-187 is not a code"));
	assert_null(kb_match("10505-187 is not a code"));
	assert_null(kb_match("0505-1870 is not a code"));
	assert_null(kb_match("0505-187a is not a code"));
	assert_null(kb_match("0505-18 short"));
	assert_int_equal(kb_scan_code("7200-05-06-2320", 15, code), -1);
	assert_int_equal(kb_scan_code("ab 0505-187.", 12, code), 3);
	assert_string_equal(code, "0505-187");
	/* the length bounds the scan: no code in the first 10 bytes */
	assert_int_equal(kb_scan_code("xx 0505-187", 10, code), -1);
	assert_null(kb_match(""));
	assert_null(kb_match("Executing nimadm phase 6."));
}

static void test_kb_matches_known_lines_without_a_code(void **state)
{
	const struct kb_entry *e;

	(void)state;
	e = kb_match("domainname: not found");
	assert_non_null(e);
	assert_string_equal(e->id, "domainname-not-found");
	assert_true(e->harmless);
	e = kb_match("/usr/lpp/bos.sysmgt/nim/methods/c_nimadm[212]: domainname:  not found.");
	assert_non_null(e);
	assert_string_equal(e->id, "domainname-not-found");
	e = kb_match("umount: error unmounting /dev/lv01: Device busy");
	assert_non_null(e);
	assert_string_equal(e->id, "umount-device-busy");
	assert_false(e->harmless);
	e = kb_match("umount: 0506-349 Cannot unmount /dev/fslv00: Device busy");
	/* coded, unknown code: no code entry, but the pattern entry has no codes
	 * and is only tried when no code entry matched */
	assert_non_null(e);
	assert_string_equal(e->id, "umount-device-busy");
	assert_null(kb_match("umount: error unmounting /dev/lv01"));
	assert_null(kb_match("Domainname: NOT FOUND")); /* case-sensitive */
}

static void test_kb_knows_which_messages_are_harmless(void **state)
{
	(void)state;
	assert_true(kb_find("domainname-not-found")->harmless);
	assert_true(kb_find("0516-010")->harmless);
	assert_true(kb_find("0513-059")->harmless);
	assert_false(kb_find("0505-187")->harmless);
	assert_false(kb_find("0505-205")->harmless);
	assert_false(kb_find("umount-device-busy")->harmless);
	assert_int_equal(kb_find("0505-218")->severity, KB_SEV_ATTENTION);
	assert_int_equal(kb_find("0505-158")->severity, KB_SEV_WARNING);
	assert_int_equal(kb_find("0505-187")->severity, KB_SEV_ERROR);
}

static void test_kb_fix_keeps_its_lines_and_meaning_is_one_paragraph(void **state)
{
	const struct kb_entry *e = kb_find("0505-205");

	(void)state;
	assert_non_null(e);
	assert_null(strchr(e->meaning, '\n'));
	assert_non_null(strstr(e->fix, "\nnim -o cust -a filesets=bos.alt_disk_install.rte"));
	assert_non_null(strstr(e->fix, "nimadm -M -s SPOT -l LPP_SOURCE"));
	assert_string_equal(kb_find("0403-027")->fix,
	                    "Check and raise ncargs (it takes effect at once):\n"
	                    "lsattr -El sys0 -a ncargs\n"
	                    "chdev -l sys0 -a ncargs=256\n"
	                    "rsh CLIENT chdev -l sys0 -a ncargs=256");
}

static const char entry_code_only[] = "[error]\n"
                                      "id = 1234-567\n"
                                      "codes = 1234-567, 1234-568\n"
                                      "title = generic\n"
                                      "harmless = no\n"
                                      "meaning = the generic meaning\n"
                                      "fix = do this\n"
                                      "  then that\n";
static const char entry_with_pattern[] = "[error]\n"
                                         "id = special\n"
                                         "codes = 1234-567\n"
                                         "pattern = websm\n"
                                         "  webaccess*FAILED\n"
                                         "title = special\n"
                                         "severity = warning\n"
                                         "harmless = no\n"
                                         "phase = 6\n"
                                         "meaning = the special meaning\n"
                                         "fix = do the special thing\n";
static const char entry_pattern_only[] = "[error]\n"
                                         "id = text\n"
                                         "pattern = something * broke\n"
                                         "title = text\n"
                                         "harmless = yes\n"
                                         "meaning = text meaning\n"
                                         "fix = nothing\n";

static void test_kb_prefers_an_entry_whose_pattern_matches_too(void **state)
{
	struct kb *kb = kb_new();
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(kb_add_ini(kb, "a.ini", entry_code_only, &e), 0);
	assert_int_equal(kb_add_ini(kb, "b.ini", entry_with_pattern, &e), 0);
	assert_int_equal(kb_add_ini(kb, "c.ini", entry_pattern_only, &e), 0);
	assert_int_equal(kb_count(kb), 3);
	assert_string_equal(kb_match_line(kb, "1234-567 foo: generic trouble")->id, "1234-567");
	assert_string_equal(kb_match_line(kb, "1234-567 foo: websm trouble")->id, "special");
	assert_string_equal(kb_match_line(kb, "1234-567 webaccess has FAILED")->id, "special");
	assert_string_equal(kb_match_line(kb, "1234-567 FAILED webaccess")->id, "1234-567");
	assert_string_equal(kb_match_line(kb, "1234-568 second code")->id, "1234-567");
	assert_string_equal(kb_match_line(kb, "oh, something really broke")->id, "text");
	assert_null(kb_match_line(kb, "oh, broke something"));
	assert_null(kb_match_line(kb, "9999-999 unknown"));
	assert_string_equal(kb_lookup(kb, "special")->phase, "6");
	assert_int_equal(kb_lookup(kb, "special")->severity, KB_SEV_WARNING);
	assert_int_equal(kb_lookup(kb, "1234-567")->severity, -1);
	assert_string_equal(kb_lookup(kb, "1234-568")->id, "1234-567");
	assert_string_equal(kb_lookup(kb, "1234-567")->fix, "do this\nthen that");
	assert_string_equal(kb_lookup(kb, "special")->patterns[1], "webaccess*FAILED");
	assert_null(kb_lookup(kb, "nope"));
	kb_free(&kb);
	assert_null(kb);
}

static void test_kb_rejects_broken_entries(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "[error]\nid = x\ntitle = t\nharmless = no\nmeaning = m\nfix = f\n",
		  "codes or a pattern" },
		{ "[error]\nid = x\ncodes = 12-34\ntitle = t\nharmless = no\nmeaning = m\nfix = "
		  "f\n",
		  "not a message code" },
		{ "[error]\nid = x\ncodes = 1234-567\ntitle = t\nmeaning = m\nfix = f\n",
		  "required" },
		{ "[error]\nid = x\ncodes = 1234-567\ntitle = t\nharmless = maybe\nmeaning = "
		  "m\nfix = f\n",
		  "harmless" },
		{ "[error]\nid = x\ncodes = 1234-567\ntitle = t\nharmless = no\nmeaning = m\nfix = "
		  "f\n"
		  "colour = red\n",
		  "unknown key" },
		{ "[other]\nid = x\n", "unknown section" },
		{ "[error]\nid = x\ncodes = 1234-567\ntitle = t\nharmless = no\nmeaning = m\nfix = "
		  "f\n"
		  "severity = fatal\n",
		  "severity" },
		{ "[error]\nid = x\nid = y\n", "twice" },
		{ "[error]\nthis line is not ini\n", "syntax" },
	};
	struct kb *kb = kb_new();
	struct err e;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err_clear(&e);
		assert_int_equal(kb_add_ini(kb, "bad.ini", bad[i].text, &e), -1);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("entry %zu: '%s' does not say '%s'", i, e.msg, bad[i].why);
		assert_non_null(strstr(e.msg, "bad.ini"));
	}
	assert_int_equal(kb_count(kb), 0);
	assert_int_equal(kb_add_ini(kb, "a.ini", entry_code_only, &e), 0);
	err_clear(&e);
	assert_int_equal(kb_add_ini(kb, "again.ini", entry_code_only, &e), -1);
	assert_non_null(strstr(e.msg, "already used by a.ini"));
	assert_int_equal(kb_count(kb), 1);
	kb_free(&kb);
}

static void test_kb_severity_names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < KB_SEV_COUNT; s++)
		assert_int_equal(kb_severity_parse(kb_severity_name((enum kb_severity)s)), s);
	assert_string_equal(kb_severity_name(KB_SEV_ERROR), "error");
	assert_string_equal(kb_severity_name(KB_SEV_INFO), "info");
	assert_int_equal(kb_severity_parse("ATTENTION"), KB_SEV_ATTENTION);
	assert_int_equal(kb_severity_parse("fatal"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kb_loads_every_embedded_entry),
		cmocka_unit_test(test_kb_has_an_entry_for_every_known_message),
		cmocka_unit_test(test_kb_matches_a_code_anywhere_in_the_line),
		cmocka_unit_test(test_kb_ignores_codes_inside_longer_tokens),
		cmocka_unit_test(test_kb_matches_known_lines_without_a_code),
		cmocka_unit_test(test_kb_knows_which_messages_are_harmless),
		cmocka_unit_test(test_kb_fix_keeps_its_lines_and_meaning_is_one_paragraph),
		cmocka_unit_test(test_kb_prefers_an_entry_whose_pattern_matches_too),
		cmocka_unit_test(test_kb_rejects_broken_entries),
		cmocka_unit_test(test_kb_severity_names_round_trip),
	};
	return cmocka_run_group_tests_name("kb", tests, NULL, NULL);
}
