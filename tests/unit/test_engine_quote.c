/*
 * test_engine_quote.c: quote_sh_argv(), the one quoting function for remote
 * command lines: exact forms, and round trips of a hostile corpus through
 * every POSIX-like shell on this machine (the remote side is sh or ksh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"

static const char *const corpus[] = {
	"",
	"plain",
	"two words",
	"  spaces  around  ",
	"it's",
	"'",
	"''",
	"'\\''",
	"\"double\"",
	"$HOME",
	"${HOME:-x}",
	"$(id -u)",
	"`id -u`",
	"$((1+1))",
	"a;b",
	"a|b",
	"a&&b||c",
	"a &",
	">out",
	"<in",
	"2>&1",
	"line1\nline2",
	"\n",
	"trailing newline\n",
	"\ttab\t",
	"*",
	"?",
	"[a-z]*",
	"{a,b}",
	"~",
	"~root",
	"-n",
	"-e",
	"--",
	"-",
	"\\",
	"\\n",
	"a\\",
	"#comment",
	"!",
	"!!",
	"%s%n%d",
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
	"\x01\x1b[31m\x7f",
	"\xff\xfe invalid utf-8",
	"IFS=x",
	"a=b",
	NULL,
};

static void test_quote_sh_argv_exact_forms(void **sp)
{
	const char *one[] = { "abc", NULL };
	const char *quote[] = { "it's", NULL };
	const char *several[] = { "lsnim", "-t", "standalone", "", NULL };
	const char *onlyq[] = { "'", NULL };
	const char *none[] = { NULL };
	char *s;

	(void)sp;
	s = quote_sh_argv(one);
	assert_string_equal(s, "'abc'");
	free(s);
	s = quote_sh_argv(quote);
	assert_string_equal(s, "'it'\\''s'");
	free(s);
	s = quote_sh_argv(several);
	assert_string_equal(s, "'lsnim' '-t' 'standalone' ''");
	free(s);
	s = quote_sh_argv(onlyq);
	assert_string_equal(s, "''\\'''");
	free(s);
	s = quote_sh_argv(none);
	assert_string_equal(s, "");
	free(s);
	s = quote_sh_argv(NULL);
	assert_string_equal(s, "");
	free(s);
}

/* Runs SHELL -c "SHELL -c 'for a; do ...; done' sh QUOTED": the outer shell
 * parses QUOTED, the inner prints each argument it received as [arg]. */
static void round_trip(struct cmdset *set, const struct host *h, const char *shell)
{
	char *quoted = quote_sh_argv(corpus);
	char *line =
	    xasprintf("%s -c 'for a; do printf \"[%%s]\\n\" \"$a\"; done' sh %s", shell, quoted);
	const char *argv[] = { shell, "-c", line, NULL };
	struct cmd_spec spec = { h, argv, 30000, NULL, 0 };
	struct cmd_capture cap;
	struct strbuf want = { NULL, 0, 0 };
	struct err e;

	for (size_t i = 0; corpus[i] != NULL; i++)
		sb_addf(&want, "[%s]\n", corpus[i]);
	err_clear(&e);
	if (cmd_capture_run(set, &spec, &cap, &e) != 0)
		fail_msg("%s: %s", shell, e.msg);
	if (cap.res.status != 0 || strcmp(cap.out.buf, sb_str(&want)) != 0)
		fail_msg("%s: status %d\nstderr: %s\ngot:\n%s\nwant:\n%s", shell, cap.res.status,
		         cap.err.buf, cap.out.buf, sb_str(&want));
	assert_int_equal(cap.err.len, 0);
	cmd_capture_free(&cap);
	sb_free(&want);
	free(line);
	free(quoted);
}

static void test_quote_sh_argv_round_trips_hostile_arguments(void **sp)
{
	static const char *const shells[] = { "/bin/sh",       "/bin/dash",    "/bin/bash",
		                              "/bin/ksh",      "/usr/bin/ksh", "/bin/mksh",
		                              "/usr/bin/ksh93" };
	struct cmdset *set = cmdset_new();
	struct host *h = host_local_new("local");
	int tried = 0;

	(void)sp;
	for (size_t i = 0; i < ARRAY_LEN(shells); i++) {
		if (access(shells[i], X_OK) != 0)
			continue;
		round_trip(set, h, shells[i]);
		tried++;
	}
	assert_true(tried >= 1);
	host_free(&h);
	cmdset_free(&set);
}

/* Each argument alone, too: a quote at the start, the end, or doubled. */
static void test_quote_sh_argv_round_trips_each_argument_alone(void **sp)
{
	struct cmdset *set = cmdset_new();
	struct host *h = host_local_new("local");

	(void)sp;
	for (size_t i = 0; corpus[i] != NULL; i++) {
		const char *one[] = { corpus[i], NULL };
		char *q = quote_sh_argv(one);
		char *line = xasprintf("printf '[%%s]' %s", q);
		const char *argv[] = { "/bin/sh", "-c", line, NULL };
		struct cmd_spec spec = { h, argv, 30000, NULL, 0 };
		struct cmd_capture cap;
		char *want = xasprintf("[%s]", corpus[i]);

		assert_int_equal(cmd_capture_run(set, &spec, &cap, NULL), 0);
		if (strcmp(cap.out.buf, want) != 0)
			fail_msg("argument %zu: got %s want %s (quoted %s)", i, cap.out.buf, want,
			         q);
		cmd_capture_free(&cap);
		free(want);
		free(line);
		free(q);
	}
	host_free(&h);
	cmdset_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_sh_argv_exact_forms),
		cmocka_unit_test(test_quote_sh_argv_round_trips_hostile_arguments),
		cmocka_unit_test(test_quote_sh_argv_round_trips_each_argument_alone),
	};

	return cmocka_run_group_tests_name("engine_quote", tests, NULL, NULL);
}
