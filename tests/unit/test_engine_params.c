/*
 * test_engine_params.c: the nimadm parameters: the field table, a golden argv
 * for every mode and every option of every mode (tests/fixtures/params/
 * golden.txt), validation messages, a hostile corpus refused in every field
 * (tests/fixtures/params/hostile.txt), nimadm's own flags, and job.ini.
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

#include "engine.h"

/* --- helpers -------------------------------------------------------------------- */

static char *fixture_path(const char *name)
{
	const char *src = getenv("NIMADM_TUI_SRC");

	return xasprintf("%s/tests/fixtures/params/%s", src != NULL ? src : ".", name);
}

/* A sample valid value for each field that some mode requires. */
static const char *sample_value(const struct params_field *f)
{
	static const struct {
		const char *id, *value;
	} samples[] = {
		{ "mksysb", "mksysb_aixdb01_7200" },
		{ "client", "aixdb01" },
		{ "output_file", "/export/mksysb/aixdb01_7300.mksysb" },
		{ "spot", "spot_7300_02" },
		{ "lpp_source", "lpp_7300_02" },
		{ "disks", "hdisk1" },
		{ "cache_vg", "nimadmvg" },
		{ "accept_licenses", "yes" },
	};

	for (size_t i = 0; i < ARRAY_LEN(samples); i++) {
		if (strcmp(samples[i].id, f->id) == 0)
			return samples[i].value;
	}
	fail_msg("no sample value for required field %s", f->id);
	return NULL;
}

/* Parameters for m holding a valid value in every required field. */
static struct nimadm_params *valid_base(enum nimadm_mode m)
{
	struct nimadm_params *p = params_new(m);
	struct err e;

	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);

		if (f->requires & PARAMS_MODE_BIT(m))
			assert_int_equal(params_set(p, f->id, sample_value(f), &e), 0);
	}
	assert_int_equal(params_validate(p, NULL), 0);
	return p;
}

static char *problems_text(const struct params_problems *pp)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < pp->n; i++)
		sb_addf(&sb, "%s\n", pp->v[i].msg);
	return sb_steal(&sb);
}

/* Asserts that validation gives exactly these messages (NULL-terminated). */
static void assert_problems(const struct nimadm_params *p, ...)
{
	struct params_problems pp = { 0 };
	struct strbuf want = { 0 };
	char *got;
	va_list ap;
	const char *m;

	params_validate(p, &pp);
	va_start(ap, p);
	while ((m = va_arg(ap, const char *)) != NULL)
		sb_addf(&want, "%s\n", m);
	va_end(ap);
	got = problems_text(&pp);
	assert_string_equal(got, sb_str(&want));
	free(got);
	sb_free(&want);
	params_problems_free(&pp);
}

static char *argv_joined(const char *const *argv)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; argv[i] != NULL; i++)
		sb_addf(&sb, "%s%s", i ? " | " : "", argv[i]);
	return sb_steal(&sb);
}

static void assert_argv(const struct nimadm_params *p, const char *want)
{
	struct strv argv = { 0 };
	struct err e = { 0 };
	char *got;

	if (params_argv(p, &argv, &e) != 0)
		fail_msg("argv refused: %s", e.msg);
	got = argv_joined(strv_argv(&argv));
	assert_string_equal(got, want);
	free(got);
	strv_free(&argv);
}

static void assert_refused(const struct nimadm_params *p)
{
	struct strv argv = { 0 };
	struct err e = { 0 };
	char *line;

	strv_push(&argv, "sentinel");
	assert_int_equal(params_argv(p, &argv, &e), -1);
	assert_int_equal(argv.n, 1);
	assert_true(e.msg[0] != '\0');
	line = params_command_line(p, &e);
	assert_null(line);
	strv_free(&argv);
}

/* --- golden cases ----------------------------------------------------------------- */

struct golden {
	char *name;
	enum nimadm_mode mode;
	struct strv set; /* id, value, id, value, ... */
	char *argv;      /* expected, " | " joined */
	char *line;
};

struct golden_file {
	struct golden *v;
	size_t n;
};

static void golden_load(struct golden_file *gf)
{
	char *path = fixture_path("golden.txt");
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	struct golden *g = NULL;
	struct err e;
	int lineno = 0;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	memset(gf, 0, sizeof *gf);
	while ((len = getline(&buf, &cap, fp)) >= 0) {
		lineno++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		if (strncmp(buf, "case ", 5) == 0) {
			gf->v = xreallocarray(gf->v, gf->n + 1, sizeof *gf->v);
			g = &gf->v[gf->n++];
			memset(g, 0, sizeof *g);
			g->name = xstrdup(buf + 5);
		} else if (g == NULL) {
			fail_msg("%s:%d: outside a case", path, lineno);
		} else if (strncmp(buf, "mode ", 5) == 0) {
			if (params_mode_find(buf + 5, &g->mode, &e) != 0)
				fail_msg("%s:%d: %s", path, lineno, e.msg);
		} else if (strncmp(buf, "set ", 4) == 0) {
			char *sp = strchr(buf + 4, ' ');

			if (sp == NULL)
				fail_msg("%s:%d: set without a value", path, lineno);
			{
				char *id = xstrndup(buf + 4, (size_t)(sp - buf - 4));

				strv_push(&g->set, id);
				free(id);
			}
			strv_push(&g->set, sp + 1);
		} else if (strncmp(buf, "argv ", 5) == 0) {
			g->argv = xstrdup(buf + 5);
		} else if (strncmp(buf, "line ", 5) == 0) {
			g->line = xstrdup(buf + 5);
		} else if (strcmp(buf, "end") == 0) {
			if (g->argv == NULL || g->line == NULL)
				fail_msg("%s:%d: case %s lacks argv or line", path, lineno,
				         g->name);
			g = NULL;
		} else {
			fail_msg("%s:%d: unknown line", path, lineno);
		}
	}
	free(buf);
	fclose(fp);
	free(path);
}

static void golden_free(struct golden_file *gf)
{
	for (size_t i = 0; i < gf->n; i++) {
		free(gf->v[i].name);
		strv_free(&gf->v[i].set);
		free(gf->v[i].argv);
		free(gf->v[i].line);
	}
	free(gf->v);
}

static struct nimadm_params *golden_params(const struct golden *g)
{
	struct nimadm_params *p = params_new(g->mode);
	struct err e;

	for (size_t i = 0; i + 1 < g->set.n; i += 2) {
		if (params_set(p, g->set.v[i], g->set.v[i + 1], &e) != 0)
			fail_msg("%s: %s", g->name, e.msg);
	}
	return p;
}

/* Splits a " | " joined argv into a vector. */
static void split_argv(const char *joined, struct strv *out)
{
	const char *s = joined;

	for (;;) {
		const char *sep = strstr(s, " | ");

		if (sep == NULL) {
			strv_push(out, s);
			return;
		}
		{
			char *piece = xstrndup(s, (size_t)(sep - s));

			strv_push(out, piece);
			free(piece);
		}
		s = sep + 3;
	}
}

/* --- tests: the table ------------------------------------------------------------------ */

static void test_params_field_table_is_consistent(void **state)
{
	(void)state;
	assert_int_equal(params_field_count(), PF_COUNT);
	assert_null(params_field_at(PF_COUNT));
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);
		char *help = xasprintf("fields/%s", f->id);

		assert_int_equal(f->fid, i);
		assert_ptr_equal(params_field_find(f->id), f);
		assert_string_equal(f->help, help);
		free(help);
		assert_true((f->flag >= 'a' && f->flag <= 'z') ||
		            (f->flag >= 'A' && f->flag <= 'Z'));
		assert_true(f->label[0] != '\0' && f->name[0] != '\0' && f->desc[0] != '\0');
		assert_true(f->max_len > 0 && f->max_len <= 1023);
		assert_true(f->uses != 0);
		assert_int_equal(f->requires & ~f->uses, 0);
		assert_int_equal(f->nim_type != NULL, f->kind == PARAMS_KIND_NIM_OBJECT);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(params_field_at(j)->id, f->id);
	}
	/* Within one mode, a flag letter means one field. */
	for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
		for (size_t i = 0; i < params_field_count(); i++) {
			const struct params_field *a = params_field_at(i);

			for (size_t j = i + 1; j < params_field_count(); j++) {
				const struct params_field *b = params_field_at(j);

				if (a->flag == b->flag)
					assert_false((a->uses & b->uses & PARAMS_MODE_BIT(m)) != 0);
			}
		}
		assert_true(params_mode_requires((enum nimadm_mode)m, "spot"));
	}
	assert_null(params_field_find("nosuch"));
	assert_null(params_field_find(NULL));
	assert_false(params_mode_uses(NIMADM_MIGRATE, "nosuch"));
}

static void test_params_field_table_names_nim_types_for_pick_lists(void **state)
{
	static const struct {
		const char *id, *type;
	} want[] = {
		{ "client", "standalone" },         { "spot", "spot" },
		{ "lpp_source", "lpp_source" },     { "mksysb", "mksysb" },
		{ "premig_script", "script" },      { "postmig_script", "script" },
		{ "bundle", "installp_bundle" },    { "image_data", "image_data" },
		{ "bosinst_data", "bosinst_data" }, { "exclude_files", "exclude_files" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct params_field *f = params_field_find(want[i].id);

		assert_non_null(f);
		assert_string_equal(f->nim_type, want[i].type);
	}
	assert_string_equal(params_field_find("client")->label, "Target NIM Client");
	assert_string_equal(params_field_find("disks")->label, "Target Disk(s) to install");
	assert_int_equal(params_field_find("disks")->kind, PARAMS_KIND_DISKS);
	assert_int_equal(params_field_find("cache_vg")->kind, PARAMS_KIND_VG);
	assert_int_equal(params_field_find("new_mksysb_name")->kind, PARAMS_KIND_NIM_NEW);
}

static void test_params_mode_names_round_trip(void **state)
{
	enum nimadm_mode m;
	struct err e = { 0 };

	(void)state;
	for (int i = 0; i < NIMADM_MODE_COUNT; i++) {
		assert_int_equal(params_mode_find(params_mode_name((enum nimadm_mode)i), &m, &e),
		                 0);
		assert_int_equal(m, i);
		assert_non_null(params_mode_title((enum nimadm_mode)i));
		assert_non_null(params_mode_phrase((enum nimadm_mode)i));
	}
	assert_string_equal(params_mode_name(NIMADM_MKSYSB_TO_CLIENT), "mksysb-to-client");
	assert_int_equal(params_mode_flag(NIMADM_CLEANUP), 'C');
	assert_int_equal(params_mode_flag(NIMADM_MIGRATE), 0);
	assert_int_equal(params_mode_find("Migrate", &m, &e), -1);
	assert_string_equal(e.field, "mode");
	assert_null(params_mode_name(NIMADM_MODE_COUNT));
}

/* --- tests: golden argv ----------------------------------------------------------------- */

static void test_params_golden_argv_for_every_mode_and_option(void **state)
{
	struct golden_file gf;
	unsigned covered[PF_COUNT] = { 0 };
	unsigned modes = 0;

	(void)state;
	golden_load(&gf);
	assert_true(gf.n >= 80);
	for (size_t i = 0; i < gf.n; i++) {
		const struct golden *g = &gf.v[i];
		struct nimadm_params *p = golden_params(g);
		struct strv argv = { 0 };
		struct err e = { 0 };
		char *got, *line;

		if (params_argv(p, &argv, &e) != 0)
			fail_msg("%s: refused: %s", g->name, e.msg);
		got = argv_joined(strv_argv(&argv));
		if (strcmp(got, g->argv) != 0)
			fail_msg("%s:\n got  %s\n want %s", g->name, got, g->argv);
		line = params_command_line(p, &e);
		assert_non_null(line);
		if (strcmp(line, g->line) != 0)
			fail_msg("%s:\n got  %s\n want %s", g->name, line, g->line);
		/* the line is the argv, quoted: one function for both */
		free(got);
		got = params_argv_to_line(strv_argv(&argv));
		assert_string_equal(got, line);
		modes |= PARAMS_MODE_BIT(g->mode);
		for (size_t f = 0; f < PF_COUNT; f++) {
			if (p->values[f] != NULL)
				covered[f] |= PARAMS_MODE_BIT(g->mode);
		}
		free(got);
		free(line);
		strv_free(&argv);
		params_free(&p);
	}
	/* every mode, and every field of every mode, has a golden case */
	assert_int_equal(modes, PARAMS_MODE_BIT(NIMADM_MODE_COUNT) - 1);
	for (size_t f = 0; f < PF_COUNT; f++) {
		if (covered[f] != params_field_at(f)->uses)
			fail_msg("%s: golden cases cover modes 0x%x, the table says 0x%x",
			         params_field_at(f)->id, covered[f], params_field_at(f)->uses);
	}
	golden_free(&gf);
}

static void test_params_golden_argv_parses_back_through_nimadm_flags(void **state)
{
	struct golden_file gf;

	(void)state;
	golden_load(&gf);
	for (size_t i = 0; i < gf.n; i++) {
		const struct golden *g = &gf.v[i];
		struct strv want = { 0 }, again = { 0 };
		struct nimadm_params *p = params_new(NIMADM_SLEEP);
		struct err e = { 0 };
		char *got;

		split_argv(g->argv, &want);
		if (params_from_argv(p, (int)want.n, strv_argv(&want), &e) != 0)
			fail_msg("%s: %s", g->name, e.msg);
		assert_int_equal(p->mode, g->mode);
		assert_int_equal(params_argv(p, &again, &e), 0);
		got = argv_joined(strv_argv(&again));
		if (strcmp(got, g->argv) != 0)
			fail_msg("%s:\n got  %s\n want %s", g->name, got, g->argv);
		free(got);
		strv_free(&want);
		strv_free(&again);
		params_free(&p);
	}
	golden_free(&gf);
}

static void test_params_command_line_matches_the_documented_example(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e;
	char *line;

	(void)state;
	assert_int_equal(params_set(p, "client", "aixdb01", &e), 0);
	assert_int_equal(params_set(p, "spot", "spot_7300_02", &e), 0);
	assert_int_equal(params_set(p, "lpp_source", "lpp_7300_02", &e), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1 hdisk2", &e), 0);
	assert_int_equal(params_set(p, "cache_vg", "cachevg", &e), 0);
	assert_int_equal(params_set(p, "accept_licenses", "yes", &e), 0);
	line = params_command_line(p, &e);
	assert_string_equal(line, "nimadm -c aixdb01 -s spot_7300_02 -l lpp_7300_02 "
	                          "-d \"hdisk1 hdisk2\" -j cachevg -Y");
	free(line);
	/* -d "hdisk1 hdisk2" is ONE argv element */
	assert_argv(p, "nimadm | -c | aixdb01 | -s | spot_7300_02 | -l | lpp_7300_02 | -d | "
	               "hdisk1 hdisk2 | -j | cachevg | -Y");
	params_free(&p);
}

/* --- tests: validation ------------------------------------------------------------------- */

static void test_params_required_fields_are_named_per_mode(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);

	(void)state;
	assert_problems(p, "Target NIM Client: required for a migration",
	                "NIM SPOT resource: required for a migration",
	                "NIM LPP_SOURCE resource: required for a migration",
	                "Target Disk(s): required for a migration", NULL);
	params_reset(p, NIMADM_MKSYSB_TO_MKSYSB);
	assert_problems(p, "Source mksysb: required for an mksysb to mksysb migration",
	                "Output mksysb file: required for an mksysb to mksysb migration",
	                "NIM SPOT resource: required for an mksysb to mksysb migration",
	                "NIM LPP_SOURCE resource: required for an mksysb to mksysb migration",
	                "Cache Volume Group: required for an mksysb to mksysb migration",
	                "Accept licenses: must be yes for an mksysb to mksysb migration", NULL);
	params_reset(p, NIMADM_CLEANUP);
	assert_problems(p, "Target NIM Client: required for a cleanup",
	                "NIM SPOT resource: required for a cleanup", NULL);
	params_reset(p, NIMADM_SYNC);
	assert_problems(p, "NIM SPOT resource: required for a software sync",
	                "NIM LPP_SOURCE resource: required for a software sync", NULL);
	assert_refused(p);
	params_free(&p);
}

static void test_params_required_set_matches_the_synopses(void **state)
{
	/* per mode, the flags IBM's synopsis shows outside brackets */
	static const struct {
		enum nimadm_mode m;
		const char *req;
	} want[] = {
		{ NIMADM_MIGRATE, "csld" },
		{ NIMADM_MKSYSB_TO_CLIENT, "TcsldjY" },
		{ NIMADM_MKSYSB_TO_MKSYSB, "TOsljY" },
		{ NIMADM_CLIENT_TO_MKSYSB, "cOsljY" },
		{ NIMADM_CLEANUP, "cs" },
		{ NIMADM_WAKEUP, "csd" },
		{ NIMADM_SLEEP, "cs" },
		{ NIMADM_SYNC, "sl" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char got[32] = "";
		size_t n = 0;

		for (size_t j = 0; j < params_field_count(); j++) {
			const struct params_field *f = params_field_at(j);

			if (f->requires & PARAMS_MODE_BIT(want[i].m))
				got[n++] = f->flag;
		}
		got[n] = '\0';
		/* same letters, order aside */
		assert_int_equal(strlen(got), strlen(want[i].req));
		for (const char *c = want[i].req; *c; c++)
			assert_non_null(strchr(got, *c));
	}
}

static void test_params_bootlist_and_reboot_exclude_each_other(void **state)
{
	struct nimadm_params *p = valid_base(NIMADM_MIGRATE);
	struct err e;

	(void)state;
	assert_int_equal(params_set(p, "no_bootlist", "yes", &e), 0);
	assert_int_equal(params_validate(p, NULL), 0);
	assert_int_equal(params_set(p, "reboot", "yes", &e), 0);
	assert_problems(p, "Leave bootlist alone (-B) and Reboot when done (-r) exclude each other",
	                NULL);
	assert_refused(p);
	assert_int_equal(params_set(p, "no_bootlist", "no", &e), 0);
	assert_argv(p, "nimadm | -c | aixdb01 | -s | spot_7300_02 | -l | lpp_7300_02 | -d | "
	               "hdisk1 | -r");
	params_free(&p);
}

static void test_params_flags_outside_their_modes_are_refused(void **state)
{
	static const struct {
		enum nimadm_mode m;
		const char *id, *value, *msg;
	} cases[] = {
		{ NIMADM_CLIENT_TO_MKSYSB, "tl_update", "yes",
		  "TL/SP update: not used in a client to mksysb migration" },
		{ NIMADM_CLEANUP, "tl_update", "yes", "TL/SP update: not used in a cleanup" },
		{ NIMADM_MIGRATE, "new_mksysb_name", "mksysb_new",
		  "New mksysb resource name: only with an output file (-O)" },
		{ NIMADM_MKSYSB_TO_CLIENT, "new_mksysb_name", "mksysb_new",
		  "New mksysb resource name: only with an output file (-O)" },
		{ NIMADM_CLEANUP, "disks", "hdisk1", "Target Disk(s): not used in a cleanup" },
		{ NIMADM_SLEEP, "postmig_script", "post1",
		  "Post-migration script: not used in a put-to-sleep" },
		{ NIMADM_MKSYSB_TO_CLIENT, "exclude_files", "excl1",
		  "Exclude files: not used in an mksysb to client migration" },
		{ NIMADM_MKSYSB_TO_MKSYSB, "no_bootlist", "yes",
		  "Leave bootlist alone: not used in an mksysb to mksysb migration" },
		{ NIMADM_CLIENT_TO_MKSYSB, "reboot", "yes",
		  "Reboot when done: not used in a client to mksysb migration" },
		{ NIMADM_SYNC, "debug", "yes", "Debug output: not used in a software sync" },
		{ NIMADM_SYNC, "phases", "6", "Phases: not used in a software sync" },
		{ NIMADM_MIGRATE, "sync_device", "/dev/cd0",
		  "Software source: not used in a migration" },
		{ NIMADM_MIGRATE, "mksysb", "mksysb1", "Source mksysb: not used in a migration" },
		{ NIMADM_WAKEUP, "verbose", "yes", "Verbose output: not used in a wake-up" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct nimadm_params *p = valid_base(cases[i].m);
		struct err e;

		assert_int_equal(params_set(p, cases[i].id, cases[i].value, &e), 0);
		assert_problems(p, cases[i].msg, NULL);
		assert_refused(p);
		params_free(&p);
	}
	/* and where the synopses allow them, they pass */
	{
		struct nimadm_params *p = valid_base(NIMADM_MKSYSB_TO_MKSYSB);
		struct err e;

		assert_int_equal(params_set(p, "tl_update", "yes", &e), 0);
		assert_int_equal(params_set(p, "new_mksysb_name", "mksysb_new", &e), 0);
		assert_int_equal(params_validate(p, NULL), 0);
		params_free(&p);
	}
}

struct value_case {
	const char *id;
	const char *value;
	const char *msg; /* NULL: valid */
	const char *arg; /* the argv element when valid (NULL: as given) */
};

static void run_value_cases(const struct value_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct params_field *f = params_field_find(cases[i].id);
		enum nimadm_mode m = NIMADM_MIGRATE;
		struct nimadm_params *p;
		struct err e;

		assert_non_null(f);
		while (!(f->uses & PARAMS_MODE_BIT(m)))
			m++;
		p = valid_base(m);
		assert_int_equal(params_set(p, f->id, cases[i].value, &e), 0);
		if (cases[i].msg != NULL) {
			assert_problems(p, cases[i].msg, NULL);
			assert_refused(p);
		} else {
			struct strv argv = { 0 };
			const char *want = cases[i].arg ? cases[i].arg : cases[i].value;
			int found = 0;

			if (params_argv(p, &argv, &e) != 0)
				fail_msg("%s=\"%s\" refused: %s", f->id, cases[i].value, e.msg);
			for (size_t j = 1; j + 1 < argv.n; j++) {
				if (argv.v[j][0] == '-' && argv.v[j][1] == f->flag &&
				    strcmp(argv.v[j + 1], want) == 0)
					found = 1;
			}
			if (!found)
				fail_msg("%s=\"%s\": no -%c \"%s\" in the argv", f->id,
				         cases[i].value, f->flag, want);
			strv_free(&argv);
		}
		params_free(&p);
	}
}

static void test_params_phases_are_numbers_1_to_12(void **state)
{
	static const struct value_case cases[] = {
		{ "phases", "6", NULL, NULL },
		{ "phases", "1-3,6", NULL, "1 2 3 6" },
		{ "phases", "6-12", NULL, "6 7 8 9 10 11 12" },
		{ "phases", "12 , 1", NULL, "1 12" },
		{ "phases", "3 3 2", NULL, "2 3" },
		{ "phases", "13", "Phases: 13 is not a phase (1-12)", NULL },
		{ "phases", "0", "Phases: 0 is not a phase (1-12)", NULL },
		{ "phases", "1-13", "Phases: 13 is not a phase (1-12)", NULL },
		{ "phases", "5-3", "Phases: \"5-3\" is not a range of phases (low-high, like 6-12)",
		  NULL },
		{ "phases", "six", "Phases: \"six\" is not a phase (1-12)", NULL },
		{ "phases", "1-", "Phases: \"1-\" is not a phase (1-12)", NULL },
		{ "phases", "99999999999", "Phases: \"99999999999\" is not a phase (1-12)", NULL },
		{ "phases", ",", "Phases: no phase given", NULL },
	};

	(void)state;
	run_value_cases(cases, ARRAY_LEN(cases));
}

static void test_params_disks_are_names_listed_once(void **state)
{
	static const struct value_case cases[] = {
		{ "disks", "hdisk1", NULL, NULL },
		{ "disks", "hdiskpower3 vpath2", NULL, NULL },
		{ "disks", "  hdisk1   hdisk2 ", NULL, "hdisk1 hdisk2" },
		{ "disks", "hdisk1 hdisk1", "Target Disk(s): hdisk1 is listed twice", NULL },
		{ "disks", "hdisk1x",
		  "Target Disk(s): \"hdisk1x\" is not a disk name (letters then digits, like "
		  "hdisk1)",
		  NULL },
		{ "disks", "Hdisk1",
		  "Target Disk(s): \"Hdisk1\" is not a disk name (letters then digits, like "
		  "hdisk1)",
		  NULL },
		{ "disks", "hdisk",
		  "Target Disk(s): \"hdisk\" is not a disk name (letters then digits, like hdisk1)",
		  NULL },
		{ "disks", "1",
		  "Target Disk(s): \"1\" is not a disk name (letters then digits, like hdisk1)",
		  NULL },
		{ "disks", "hdisk1 hdisk2 hdisk3 hdisk4 hdisk5 hdisk6 hdisk7 hdisk8 hdisk9",
		  "Target Disk(s): more than 8 disks", NULL },
		{ "disks", "hdisk1,hdisk2",
		  "Target Disk(s): \"hdisk1,hdisk2\" is not a disk name (letters then digits, like "
		  "hdisk1)",
		  NULL },
		{ "disks", "hdisk1;reboot", "Target Disk(s): contains a semicolon (;)", NULL },
	};

	(void)state;
	run_value_cases(cases, ARRAY_LEN(cases));
}

static void test_params_names_follow_nim_and_lvm_rules(void **state)
{
	static const struct value_case cases[] = {
		{ "client", "aixdb01", NULL, NULL },
		{ "client", "web-01.prod_a", NULL, NULL },
		{ "client", "0lpar", NULL, NULL },
		{ "client", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, NULL }, /* 39 */
		{ "client", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "Target NIM Client: too long (40 characters, at most 39)", NULL },
		{ "client", "_aix",
		  "Target NIM Client: \"_aix\" is not a NIM object name (letters, digits, _ . -; "
		  "first "
		  "a letter or digit)",
		  NULL },
		{ "client", "aix db",
		  "Target NIM Client: \"aix db\" is not a NIM object name (letters, digits, _ . -; "
		  "first a letter or digit)",
		  NULL },
		{ "spot", "aix/db",
		  "NIM SPOT resource: \"aix/db\" is not a NIM object name (letters, digits, _ . -; "
		  "first a letter or digit)",
		  NULL },
		{ "new_mksysb_name", "mksysb_aixdb01_7300", NULL, NULL },
		{ "cache_vg", "nimadmvg", NULL, NULL },
		{ "cache_vg", "vg_cache.01-a", NULL, NULL },
		{ "cache_vg", "aaaaaaaaaaaaaaa", NULL, NULL }, /* 15 */
		{ "cache_vg", "aaaaaaaaaaaaaaaa",
		  "Cache Volume Group: too long (16 characters, at most 15)", NULL },
		{ "cache_vg", "-vg",
		  "Cache Volume Group: \"-vg\" is not a volume group name (letters, digits, _ . -; "
		  "first "
		  "a letter or digit)",
		  NULL },
	};

	(void)state;
	run_value_cases(cases, ARRAY_LEN(cases));
}

static void test_params_paths_are_absolute_and_plain(void **state)
{
	static const struct value_case cases[] = {
		{ "output_file", "/export/mksysb/aixdb01_7300.mksysb", NULL, NULL },
		{ "output_file", "/export/mksysb/aix+db-01_7300.mksysb", NULL, NULL },
		{ "output_file", "mksysb/aixdb01",
		  "Output mksysb file: \"mksysb/aixdb01\" is not an absolute path (it must start "
		  "with /)",
		  NULL },
		{ "output_file", "/export/../etc/x",
		  "Output mksysb file: \"/export/../etc/x\" contains a .. component", NULL },
		{ "output_file", "/export/..",
		  "Output mksysb file: \"/export/..\" contains a .. component", NULL },
		{ "output_file", "/export/..x/y", NULL, NULL },
		{ "output_file", "/export/mksysb/",
		  "Output mksysb file: \"/export/mksysb/\" names a directory, not a file", NULL },
		{ "output_file", "/export/my file",
		  "Output mksysb file: \"/export/my file\" contains a space (paths may hold "
		  "letters, "
		  "digits and _ . / + -)",
		  NULL },
		{ "output_file", "/export/a,b",
		  "Output mksysb file: \"/export/a,b\" contains ',' (paths may hold letters, "
		  "digits and "
		  "_ . / + -)",
		  NULL },
		{ "sync_device", "/dev/cd0", NULL, NULL },
		{ "sync_device", "cd0", NULL, NULL },
		{ "sync_device", "/export/lpp/7300-02/", NULL, NULL },
		{ "sync_device", "cdrom",
		  "Software source: \"cdrom\" is not a device name (like cd0) or an absolute path",
		  NULL },
	};

	(void)state;
	run_value_cases(cases, ARRAY_LEN(cases));
}

static void test_params_mount_options_are_plain_words(void **state)
{
	static const struct value_case cases[] = {
		{ "nfs_mount_opts", "vers=4", NULL, NULL },
		{ "nfs_mount_opts", "vers=3,timeo=600,retrans=5,hard,intr,sec=sys:krb5", NULL,
		  NULL },
		{ "nfs_mount_opts", "-o",
		  "NFS mount options: \"-o\" is not a mount option (name or name=value, like "
		  "vers=4)",
		  NULL },
		{ "nfs_mount_opts", "=4",
		  "NFS mount options: \"=4\" is not a mount option (name or name=value, like "
		  "vers=4)",
		  NULL },
		{ "nfs_mount_opts", "vers=",
		  "NFS mount options: \"vers=\" is not a mount option (name or name=value, like "
		  "vers=4)",
		  NULL },
		{ "nfs_mount_opts", "vers=4,,hard",
		  "NFS mount options: \"vers=4,,hard\" has an empty option", NULL },
		{ "nfs_mount_opts", "vers=4 hard",
		  "NFS mount options: \"vers=4 hard\" is not a mount option (name or name=value, "
		  "like "
		  "vers=4)",
		  NULL },
	};

	(void)state;
	run_value_cases(cases, ARRAY_LEN(cases));
}

static void test_params_validate_reports_every_problem_at_once(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct params_problems pp = { 0 };
	struct err e;

	(void)state;
	assert_int_equal(params_set(p, "client", "aix;db", &e), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1 hdisk1", &e), 0);
	assert_int_equal(params_set(p, "phases", "13", &e), 0);
	assert_int_equal(params_set(p, "no_bootlist", "yes", &e), 0);
	assert_int_equal(params_set(p, "reboot", "yes", &e), 0);
	assert_int_equal(params_set(p, "output_file", "/x", &e), 0);
	assert_int_equal(params_validate(p, &pp), 7);
	assert_int_equal(pp.n, 7);
	assert_string_equal(pp.v[0].field, "client");
	assert_string_equal(pp.v[0].msg, "Target NIM Client: contains a semicolon (;)");
	assert_string_equal(pp.v[1].field, "output_file");
	assert_string_equal(pp.v[2].field, "spot");
	assert_string_equal(pp.v[3].field, "lpp_source");
	assert_string_equal(pp.v[4].field, "disks");
	assert_string_equal(pp.v[5].msg, "Phases: 13 is not a phase (1-12)");
	assert_string_equal(pp.v[6].field, "reboot");
	params_problems_free(&pp);
	/* params_argv refuses with the first problem, naming the field */
	{
		struct strv argv = { 0 };

		assert_int_equal(params_argv(p, &argv, &e), -1);
		assert_string_equal(e.field, "client");
		assert_string_equal(
		    e.msg, "Target NIM Client: contains a semicolon (;) (and 6 more problems)");
		assert_int_equal(argv.n, 0);
	}
	params_free(&p);
}

/* --- tests: hostile input ---------------------------------------------------------------- */

/* Reads hostile.txt: one value a line, with \n \r \t \\ \xNN escapes. */
static void hostile_load(struct strv *out)
{
	char *path = fixture_path("hostile.txt");
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	while ((len = getline(&buf, &cap, fp)) >= 0) {
		struct strbuf v = { 0 };

		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		for (const char *s = buf; *s != '\0'; s++) {
			if (*s != '\\') {
				sb_addc(&v, *s);
				continue;
			}
			s++;
			if (*s == 'n')
				sb_addc(&v, '\n');
			else if (*s == 'r')
				sb_addc(&v, '\r');
			else if (*s == 't')
				sb_addc(&v, '\t');
			else if (*s == '\\')
				sb_addc(&v, '\\');
			else if (*s == 'x' && s[1] && s[2]) {
				char hex[3] = { s[1], s[2], '\0' };

				sb_addc(&v, (char)strtol(hex, NULL, 16));
				s += 2;
			} else
				fail_msg("%s: bad escape in \"%s\"", path, buf);
		}
		strv_push(out, sb_str(&v));
		sb_free(&v);
	}
	free(buf);
	fclose(fp);
	free(path);
}

static void test_params_hostile_corpus_is_refused_in_every_field(void **state)
{
	struct strv corpus = { 0 };
	size_t checks = 0;

	(void)state;
	hostile_load(&corpus);
	assert_true(corpus.n >= 60);
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);

		for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
			if (!(f->uses & PARAMS_MODE_BIT(m)))
				continue;
			for (size_t k = 0; k < corpus.n; k++) {
				struct nimadm_params *p = valid_base((enum nimadm_mode)m);
				struct params_problems pp = { 0 };
				struct err e = { 0 };
				int named = 0;

				if (f->kind == PARAMS_KIND_BOOL) {
					const char *before = params_value(p, f->fid);
					char *keep = xstrdup(before);

					assert_int_equal(params_set(p, f->id, corpus.v[k], &e), -1);
					assert_string_equal(e.field, f->id);
					assert_string_equal(params_value(p, f->fid), keep);
					free(keep);
					params_free(&p);
					checks++;
					continue;
				}
				assert_int_equal(params_set(p, f->id, corpus.v[k], &e), 0);
				params_validate(p, &pp);
				for (size_t j = 0; j < pp.n; j++) {
					if (pp.v[j].field != NULL &&
					    strcmp(pp.v[j].field, f->id) == 0 &&
					    strncmp(pp.v[j].msg, f->name, strlen(f->name)) == 0)
						named = 1;
				}
				if (!named) {
					char *shown = params_argv_to_line(
					    (const char *const[]){ corpus.v[k], NULL });

					fail_msg("%s in %s: %s was accepted", f->id,
					         params_mode_name((enum nimadm_mode)m), shown);
				}
				assert_refused(p);
				params_problems_free(&pp);
				params_free(&p);
				checks++;
			}
		}
	}
	print_message("%zu hostile values, %zu field/mode checks\n", corpus.n, checks);
	strv_free(&corpus);
}

static void test_params_hostile_messages_name_the_character(void **state)
{
	static const struct {
		const char *value, *msg;
	} cases[] = {
		{ "aix'db01", "Target NIM Client: contains a single quote (')" },
		{ "aix\"db01", "Target NIM Client: contains a double quote (\")" },
		{ "$(reboot)", "Target NIM Client: contains a dollar sign ($)" },
		{ "`reboot`", "Target NIM Client: contains a backquote (`)" },
		{ "a\\b", "Target NIM Client: contains a backslash (\\)" },
		{ "a|b", "Target NIM Client: contains a pipe (|)" },
		{ "a&b", "Target NIM Client: contains an ampersand (&)" },
		{ "a>b", "Target NIM Client: contains a greater-than sign (>)" },
		{ "a*", "Target NIM Client: contains an asterisk (*)" },
		{ "~root", "Target NIM Client: contains a tilde (~)" },
		{ "aixdb01\nreboot", "Target NIM Client: contains a newline" },
		{ "aixdb01\r", "Target NIM Client: contains a carriage return" },
		{ "aix\tdb", "Target NIM Client: contains a tab" },
		{ "\x01", "Target NIM Client: contains a control character (0x01)" },
		{ "aix\x7f", "Target NIM Client: contains a DEL character (0x7f)" },
		{ "aixdb01\xef\xbc\x9b",
		  "Target NIM Client: contains a non-ASCII character (byte 0xef)" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct nimadm_params *p = valid_base(NIMADM_MIGRATE);
		struct err e;

		assert_int_equal(params_set(p, "client", cases[i].value, &e), 0);
		assert_problems(p, cases[i].msg, NULL);
		params_free(&p);
	}
}

/* --- tests: setting values and nimadm flags ------------------------------------------------ */

static void test_params_set_takes_yes_no_words_for_booleans(void **state)
{
	static const char *const yes[] = { "yes", "YES", "y", "true", "On", "1", " yes " };
	static const char *const no[] = { "no", "N", "false", "off", "0", "", "  " };
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		assert_int_equal(params_set(p, "force", yes[i], &e), 0);
		assert_string_equal(params_get(p, "force"), "yes");
	}
	for (size_t i = 0; i < ARRAY_LEN(no); i++) {
		assert_int_equal(params_set(p, "force", "yes", &e), 0);
		assert_int_equal(params_set(p, "force", no[i], &e), 0);
		assert_null(p->values[PF_FORCE]);
	}
	assert_int_equal(params_set(p, "force", NULL, &e), 0);
	assert_int_equal(params_set(p, "force", "maybe", &e), -1);
	assert_string_equal(e.msg, "Force: not yes or no");
	assert_string_equal(e.field, "force");
	assert_int_equal(params_set(p, "nosuch", "x", &e), -1);
	assert_string_equal(e.msg, "unknown parameter \"nosuch\"");
	assert_int_equal(params_set(p, "client", "  aixdb01 ", &e), 0);
	assert_string_equal(params_get(p, "client"), "aixdb01");
	assert_string_equal(params_get(p, "nosuch"), "");
	assert_string_equal(params_get(p, "spot"), "");
	params_free(&p);
}

static void test_params_set_flag_follows_nimadm(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e = { 0 };

	(void)state;
	assert_int_equal(params_set_flag(p, 'c', "aixdb01", &e), 0);
	assert_int_equal(params_set_flag(p, 'T', "mksysb1", &e), 0);
	assert_int_equal(p->mode, NIMADM_MKSYSB_TO_CLIENT);
	assert_int_equal(params_set_flag(p, 'O', "/export/x.mksysb", &e), 0);
	assert_int_equal(p->mode, NIMADM_MKSYSB_TO_MKSYSB);
	assert_int_equal(params_set_flag(p, 'T', NULL, &e), 0);
	assert_int_equal(p->mode, NIMADM_CLIENT_TO_MKSYSB);
	assert_int_equal(params_set_flag(p, 'O', "", &e), 0);
	assert_int_equal(p->mode, NIMADM_MIGRATE);
	assert_int_equal(params_set_flag(p, 'Y', NULL, &e), 0);
	assert_string_equal(params_get(p, "accept_licenses"), "yes");
	assert_int_equal(params_set_flag(p, 'd', "hdisk1", &e), 0);
	assert_string_equal(params_get(p, "disks"), "hdisk1");
	assert_int_equal(params_set_flag(p, 'P', "6", &e), 0);
	assert_string_equal(params_get(p, "phases"), "6");
	/* a mode flag wins over -T/-O, and -d/-P mean something else in -M */
	assert_int_equal(params_set_flag(p, 'M', NULL, &e), 0);
	assert_int_equal(p->mode, NIMADM_SYNC);
	assert_int_equal(params_set_flag(p, 'T', "mksysb1", &e), 0);
	assert_int_equal(p->mode, NIMADM_SYNC);
	assert_int_equal(params_set_flag(p, 'd', "/dev/cd0", &e), 0);
	assert_string_equal(params_get(p, "sync_device"), "/dev/cd0");
	assert_int_equal(params_set_flag(p, 'P', NULL, &e), 0);
	assert_string_equal(params_get(p, "sync_preview"), "yes");
	assert_int_equal(params_set_flag(p, 'C', NULL, &e), 0);
	assert_int_equal(p->mode, NIMADM_CLEANUP);
	assert_int_equal(params_set_flag(p, 'A', NULL, &e), -1);
	assert_string_equal(e.msg, "nimadm has no -A flag");
	assert_int_equal(params_set_flag(p, '\n', NULL, &e), -1);
	assert_string_equal(e.msg, "nimadm has no such flag (0x0a)");
	params_free(&p);
}

static void test_params_from_argv_reads_grouped_and_attached_flags(void **state)
{
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e = { 0 };
	const char *const a1[] = { "nimadm", "-caixdb01",     "-s",    "spot1",   "-l", "lpp1",
		                   "-d",     "hdisk1 hdisk2", "-YFDj", "cachevg", NULL };
	const char *const a2[] = { "nimadm",   "-s", "spot1", "-l", "lpp1", "-d",
		                   "/dev/cd0", "-P", "-F",    "-M", NULL };
	const char *const a3[] = { "nimadm", "-c", "aixdb01", "extra", NULL };
	const char *const a4[] = { "nimadm", "-c", NULL };
	const char *const a5[] = { "nimadm", "-C", "--", "-c", NULL };
	const char *const a6[] = { "nimadm", "-x", "1", NULL };

	(void)state;
	assert_int_equal(params_from_argv(p, 10, a1, &e), 0);
	assert_int_equal(p->mode, NIMADM_MIGRATE);
	assert_string_equal(params_get(p, "client"), "aixdb01");
	assert_string_equal(params_get(p, "disks"), "hdisk1 hdisk2");
	assert_string_equal(params_get(p, "cache_vg"), "cachevg");
	assert_string_equal(params_get(p, "debug"), "yes");
	assert_int_equal(params_from_argv(p, 10, a2, &e), 0);
	assert_int_equal(p->mode, NIMADM_SYNC);
	assert_string_equal(params_get(p, "sync_device"), "/dev/cd0");
	assert_string_equal(params_get(p, "sync_preview"), "yes");
	assert_string_equal(params_get(p, "force"), "yes");
	assert_string_equal(params_get(p, "client"), "");
	assert_int_equal(params_from_argv(p, 4, a3, &e), -1);
	assert_string_equal(e.msg, "unexpected argument \"extra\" (nimadm takes only flags)");
	assert_int_equal(params_from_argv(p, 2, a4, &e), -1);
	assert_string_equal(e.msg, "nimadm's -c flag needs a value");
	assert_int_equal(params_from_argv(p, 4, a5, &e), -1);
	assert_string_equal(e.msg, "unexpected argument \"-c\" (nimadm takes only flags)");
	assert_int_equal(params_from_argv(p, 3, a6, &e), -1);
	assert_string_equal(e.msg, "nimadm has no -x flag");
	params_free(&p);
}

static void test_params_copy_is_deep(void **state)
{
	struct nimadm_params *p = valid_base(NIMADM_WAKEUP), *c;
	struct err e;

	(void)state;
	c = params_copy(p);
	assert_int_equal(params_set(p, "client", "other", &e), 0);
	assert_string_equal(params_get(c, "client"), "aixdb01");
	assert_int_equal(c->mode, NIMADM_WAKEUP);
	params_free(&p);
	params_free(&c);
	assert_null(c);
	params_free(&c);
}

static void test_params_argv_phase_runs_one_phase_in_canonical_place(void **state)
{
	struct nimadm_params *p = valid_base(NIMADM_MIGRATE);
	struct strv argv = { 0 };
	struct err e = { 0 };
	char *got;

	(void)state;
	assert_int_equal(params_set(p, "phases", "1-12", &e), 0);
	assert_int_equal(params_set(p, "verbose", "yes", &e), 0);
	assert_int_equal(params_argv_phase(p, 6, &argv, &e), 0);
	got = argv_joined(strv_argv(&argv));
	assert_string_equal(got, "nimadm | -c | aixdb01 | -s | spot_7300_02 | -l | lpp_7300_02 | "
	                         "-d | hdisk1 | -P | 6 | -V");
	free(got);
	strv_free(&argv);
	/* p itself is untouched */
	assert_string_equal(params_get(p, "phases"), "1-12");
	assert_int_equal(params_argv_phase(p, 13, &argv, &e), -1);
	assert_string_equal(e.msg, "Phases: 13 is not a phase (1-12)");
	assert_int_equal(params_argv_phase(p, 0, &argv, &e), -1);
	assert_int_equal(argv.n, 0);
	/* still validated: a bad field refuses the phase too */
	assert_int_equal(params_set(p, "client", "a;b", &e), 0);
	assert_int_equal(params_argv_phase(p, 6, &argv, &e), -1);
	assert_string_equal(e.field, "client");
	assert_int_equal(argv.n, 0);
	params_reset(p, NIMADM_CLEANUP);
	assert_int_equal(params_argv_phase(p, 6, &argv, &e), -1);
	assert_string_equal(e.msg, "Phases: not used in a cleanup");
	params_free(&p);
}

/* --- tests: command line quoting ------------------------------------------------------------ */

static void test_params_command_line_quotes_like_a_shell(void **state)
{
	const char *const argv[] = {
		"nimadm", "-d",        "hdisk1 hdisk2", "-m", "vers=4,sec=sys:krb5", "", "a'b",
		"x$y",    "tab\there", "/a/b+c",        NULL
	};
	char *line;

	(void)state;
	line = params_argv_to_line(argv);
	assert_string_equal(line, "nimadm -d \"hdisk1 hdisk2\" -m vers=4,sec=sys:krb5 \"\" "
	                          "\"a'b\" 'x$y' $'tab\\there' /a/b+c");
	free(line);
	line = params_argv_to_line(NULL);
	assert_string_equal(line, "");
	free(line);
}

/* --- tests: job.ini ------------------------------------------------------------------------ */

static void assert_same_params(const struct nimadm_params *a, const struct nimadm_params *b)
{
	assert_int_equal(a->mode, b->mode);
	for (size_t i = 0; i < PF_COUNT; i++)
		assert_string_equal(params_value(a, (enum params_fid)i),
		                    params_value(b, (enum params_fid)i));
}

static void test_params_ini_round_trips_every_golden_case(void **state)
{
	struct golden_file gf;
	const char *tmpdir = getenv("TMPDIR");
	char *path = xasprintf("%s/params-%ld.ini", tmpdir ? tmpdir : "/tmp", (long)getpid());

	(void)state;
	golden_load(&gf);
	for (size_t i = 0; i < gf.n; i++) {
		struct nimadm_params *p = golden_params(&gf.v[i]);
		struct nimadm_params *q = params_new(NIMADM_SLEEP);
		struct strbuf sb = { 0 };
		struct err e = { 0 };

		if (params_ini_write(p, &sb, &e) != 0)
			fail_msg("%s: %s", gf.v[i].name, e.msg);
		if (params_load_ini_string(q, sb_str(&sb), &e) != 0)
			fail_msg("%s: %s\n%s", gf.v[i].name, e.msg, sb_str(&sb));
		assert_same_params(p, q);
		params_reset(q, NIMADM_SLEEP);
		assert_int_equal(params_save_ini(p, path, &e), 0);
		assert_int_equal(params_load_ini(q, path, &e), 0);
		assert_same_params(p, q);
		sb_free(&sb);
		params_free(&p);
		params_free(&q);
	}
	unlink(path);
	free(path);
	golden_free(&gf);
}

static void test_params_ini_continues_long_values(void **state)
{
	struct nimadm_params *p = valid_base(NIMADM_CLIENT_TO_MKSYSB),
	                     *q = params_new(NIMADM_SLEEP);
	struct strbuf path = { 0 }, ini = { 0 };
	struct strv a1 = { 0 }, a2 = { 0 };
	struct err e = { 0 };
	size_t longest = 0, run = 0;

	(void)state;
	while (path.len < 1000)
		sb_adds(&path, "/export/mksysb");
	sb_adds(&path, "/x.mksysb");
	assert_int_equal(params_set(p, "output_file", sb_str(&path), &e), 0);
	assert_int_equal(params_validate(p, NULL), 0);
	assert_int_equal(params_ini_write(p, &ini, &e), 0);
	for (const char *s = sb_str(&ini); *s; s++) {
		run = *s == '\n' ? 0 : run + 1;
		if (run > longest)
			longest = run;
	}
	assert_true(longest < 199); /* inih's line limit */
	assert_non_null(strstr(sb_str(&ini), "\n\t>"));
	assert_int_equal(params_load_ini_string(q, sb_str(&ini), &e), 0);
	assert_same_params(p, q);
	assert_int_equal(params_argv(p, &a1, &e), 0);
	assert_int_equal(params_argv(q, &a2, &e), 0);
	assert_int_equal(a1.n, a2.n);
	for (size_t i = 0; i < a1.n; i++)
		assert_string_equal(a1.v[i], a2.v[i]);
	strv_free(&a1);
	strv_free(&a2);
	sb_free(&path);
	sb_free(&ini);
	params_free(&p);
	params_free(&q);
}

static void test_params_ini_reads_only_its_section(void **state)
{
	const char *text = "[job]\nid = 20240101-aixdb01\nclient = other\n\n"
	                   "[params]\nmode = cleanup\nclient = aixdb01\nspot = spot_7300_02\n"
	                   "force = yes\n\n[state]\nphase = 3\n";
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct err e = { 0 };

	(void)state;
	assert_int_equal(params_load_ini_string(p, text, &e), 0);
	assert_int_equal(p->mode, NIMADM_CLEANUP);
	assert_argv(p, "nimadm | -C | -c | aixdb01 | -s | spot_7300_02 | -F");
	params_free(&p);
}

static void test_params_ini_refuses_what_it_cannot_trust(void **state)
{
	static const struct {
		const char *text, *msg, *field;
	} cases[] = {
		{ "[params]\nmode = migrate\nclient = a\nsize = 3\n",
		  "line 4: unknown parameter \"size\"", NULL },
		{ "[params]\nclient = a\n", "INI text: [params] has no mode", "mode" },
		{ "[other]\nmode = migrate\n", "INI text: no [params] section", NULL },
		{ "[params]\nmode = upgrade\n",
		  "line 2: Mode: not a nimadm mode (migrate, mksysb-to-client, mksysb-to-mksysb, "
		  "client-to-mksysb, cleanup, wakeup, sleep, sync)",
		  "mode" },
		{ "[params]\nmode = migrate\nmode = sync\n", "line 3: mode is given twice",
		  "mode" },
		{ "[params]\nmode = migrate\nclient = a\nspot = s\nclient = b\n",
		  "line 5: client is given twice", "client" },
		{ "[params]\nmode = migrate\nforce = perhaps\n", "line 3: Force: not yes or no",
		  "force" },
		{ "[params]\nmode = migrate\njust a line\n", "line 3: not a \"key = value\" line",
		  NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct nimadm_params *p = params_new(NIMADM_SLEEP);
		struct err e = { 0 };

		assert_int_equal(params_load_ini_string(p, cases[i].text, &e), -1);
		assert_string_equal(e.msg, cases[i].msg);
		if (cases[i].field != NULL)
			assert_string_equal(e.field, cases[i].field);
		else
			assert_null(e.field);
		/* a failed load leaves nothing half-read */
		assert_int_equal(p->mode, NIMADM_MIGRATE);
		for (size_t f = 0; f < PF_COUNT; f++)
			assert_null(p->values[f]);
		params_free(&p);
	}
	{
		struct nimadm_params *p = params_new(NIMADM_MIGRATE);
		struct err e = { 0 };

		const char *tmpdir = getenv("TMPDIR");
		char *path = xasprintf("%s/bad-%ld.ini", tmpdir ? tmpdir : "/tmp", (long)getpid());
		char *want = xasprintf("%s:3: unknown parameter \"colour\"", path);
		FILE *fp = fopen(path, "w");

		assert_non_null(fp);
		fputs("[params]\nmode = sleep\ncolour = blue\n", fp);
		fclose(fp);
		assert_int_equal(params_load_ini(p, path, &e), -1);
		assert_string_equal(e.msg, want);
		unlink(path);
		free(path);
		free(want);
		assert_int_equal(params_load_ini(p, "/nonexistent/job.ini", &e), -1);
		assert_non_null(strstr(e.msg, "cannot open /nonexistent/job.ini"));
		params_free(&p);
	}
}

static void test_params_ini_write_refuses_values_it_cannot_keep(void **state)
{
	struct nimadm_params *p = valid_base(NIMADM_MIGRATE);
	struct strbuf sb = { 0 };
	struct err e = { 0 };

	(void)state;
	sb_adds(&sb, "[job]\n");
	assert_int_equal(params_set(p, "client", "aixdb01\nmode = sync", &e), 0);
	assert_int_equal(params_ini_write(p, &sb, &e), -1);
	assert_string_equal(e.field, "client");
	assert_string_equal(e.msg,
	                    "Target NIM Client: cannot be saved: it contains a control character "
	                    "(0x0a)");
	assert_string_equal(sb_str(&sb), "[job]\n"); /* nothing half-written */
	assert_int_equal(params_set(p, "client", "a ;b", &e), 0);
	assert_int_equal(params_ini_write(p, &sb, &e), -1);
	assert_int_equal(params_save_ini(p, "/nonexistent/dir/job.ini", &e), -1);
	assert_int_equal(params_set(p, "client", "aixdb01", &e), 0);
	assert_int_equal(params_save_ini(p, "/nonexistent/dir/job.ini", &e), -1);
	assert_non_null(strstr(e.msg, "cannot create /nonexistent/dir/job.ini.tmp"));
	sb_free(&sb);
	params_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_field_table_is_consistent),
		cmocka_unit_test(test_params_field_table_names_nim_types_for_pick_lists),
		cmocka_unit_test(test_params_mode_names_round_trip),
		cmocka_unit_test(test_params_golden_argv_for_every_mode_and_option),
		cmocka_unit_test(test_params_golden_argv_parses_back_through_nimadm_flags),
		cmocka_unit_test(test_params_command_line_matches_the_documented_example),
		cmocka_unit_test(test_params_required_fields_are_named_per_mode),
		cmocka_unit_test(test_params_required_set_matches_the_synopses),
		cmocka_unit_test(test_params_bootlist_and_reboot_exclude_each_other),
		cmocka_unit_test(test_params_flags_outside_their_modes_are_refused),
		cmocka_unit_test(test_params_phases_are_numbers_1_to_12),
		cmocka_unit_test(test_params_disks_are_names_listed_once),
		cmocka_unit_test(test_params_names_follow_nim_and_lvm_rules),
		cmocka_unit_test(test_params_paths_are_absolute_and_plain),
		cmocka_unit_test(test_params_mount_options_are_plain_words),
		cmocka_unit_test(test_params_validate_reports_every_problem_at_once),
		cmocka_unit_test(test_params_hostile_corpus_is_refused_in_every_field),
		cmocka_unit_test(test_params_hostile_messages_name_the_character),
		cmocka_unit_test(test_params_set_takes_yes_no_words_for_booleans),
		cmocka_unit_test(test_params_set_flag_follows_nimadm),
		cmocka_unit_test(test_params_from_argv_reads_grouped_and_attached_flags),
		cmocka_unit_test(test_params_copy_is_deep),
		cmocka_unit_test(test_params_argv_phase_runs_one_phase_in_canonical_place),
		cmocka_unit_test(test_params_command_line_quotes_like_a_shell),
		cmocka_unit_test(test_params_ini_round_trips_every_golden_case),
		cmocka_unit_test(test_params_ini_continues_long_values),
		cmocka_unit_test(test_params_ini_reads_only_its_section),
		cmocka_unit_test(test_params_ini_refuses_what_it_cannot_trust),
		cmocka_unit_test(test_params_ini_write_refuses_values_it_cannot_keep),
	};

	return cmocka_run_group_tests_name("engine_params", tests, NULL, NULL);
}
