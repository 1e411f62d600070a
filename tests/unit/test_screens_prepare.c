/*
 * test_screens_prepare.c: issue 7's screens without a screen: every field of
 * the preparation dialogs and the post-migration dialog maps to a field the
 * engine checks (so the TUI and the CLI refuse the same input with the same
 * words), has its help, and is documented in the manual, as are the menus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"

static char *manual(void)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char *path = xasprintf("%s/nimadm-tui.1", src != NULL ? src : ".");
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	free(path);
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_steal(&sb);
}

static void test_prepare_every_flow_has_a_dialog_whose_fields_have_help(void **state)
{
	(void)state;
	for (int f = 0; f < PREP_FLOW_COUNT; f++) {
		const struct tui_field_def *fd = prepare_fields((enum prep_flow)f);
		int has_client = 0;
		assert_non_null(fd);
		assert_non_null(app_help_text(prep_flow_help((enum prep_flow)f)));
		for (; fd->id != NULL; fd++) {
			if (app_help_text(fd->help_id) == NULL)
				fprintf(stderr, "no help %s for %s\n", fd->help_id, fd->id);
			assert_non_null(app_help_text(fd->help_id));
			if (strcmp(fd->id, "client") == 0)
				has_client = (fd->flags & TUI_F_REQUIRED) != 0;
		}
		assert_true(has_client);
	}
	assert_null(prepare_fields(PREP_FLOW_COUNT));
	for (const struct tui_field_def *fd = postcheck_fields(); fd->id != NULL; fd++)
		assert_non_null(app_help_text(fd->help_id));
	static const char *const ids[] = {
		"menus/prepare",        "menus/postcheck",        "menus/postcheck-run",
		"menus/snapshot",       "screens/postcheck",      "screens/snapshot",
		"screens/prepare-plan", "screens/prepare-status",
	};
	for (size_t i = 0; i < ARRAY_LEN(ids); i++)
		assert_non_null(app_help_text(ids[i]));
}

/* A field's id is the name the engine's checks give the field they refuse
 * (prep_request_check's e->field), so the dialog puts the cursor there. */
static void test_prepare_engine_refusals_name_a_field_of_the_dialog(void **state)
{
	static const struct {
		struct prep_request r;
	} cases[] = {
		{ { .flow = PREP_FREE_DISK, .client = "aixmir01", .disk = "hdisk1;reboot" } },
		{ { .flow = PREP_MKSYSB, .client = "aixdb01", .path = "/a b;rm" } },
		{ { .flow = PREP_MKSYSB, .client = "aixdb01", .path = "/x", .define = "x`id`" } },
		{ { .flow = PREP_MKSYSB_ROUTE,
		    .client = "aixapp02",
		    .spot = "spot;id",
		    .lpp_source = "l",
		    .cache_vg = "v",
		    .disk = "hdisk1" } },
		{ { .flow = PREP_MKSYSB_ROUTE,
		    .client = "aixapp02",
		    .spot = "s",
		    .lpp_source = "l",
		    .cache_vg = "v",
		    .disk = "hdisk1",
		    .mount_dir = "/mnt/$x" } },
		{ { .flow = PREP_PREMIG, .client = "$(reboot)" } },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tui_field_def *fd = prepare_fields(cases[i].r.flow);
		struct err e;
		int found = 0;
		err_clear(&e);
		assert_int_equal(prep_request_check(&cases[i].r, &e), -1);
		assert_non_null(e.field);
		for (; fd->id != NULL; fd++)
			found |= strcmp(fd->id, e.field) == 0;
		if (!found)
			fprintf(stderr, "case %zu: no field %s in the dialog\n", i, e.field);
		assert_true(found);
	}
}

static void test_prepare_manual_documents_the_menus_and_every_field(void **state)
{
	char *man = manual(), *sec, *end;

	(void)state;
	sec = strstr(man, ".Sh SCREENS");
	assert_non_null(sec);
	end = strstr(sec + 1, "\n.Sh ");
	assert_non_null(end);
	*end = '\0';
	assert_non_null(strstr(sec, "Prepare Client for Migration"));
	assert_non_null(strstr(sec, "Post-migration Checks"));
	assert_non_null(strstr(sec, "Take a Configuration Snapshot"));
	assert_non_null(strstr(sec, "Check a Migrated Client against its Snapshot"));
	for (int f = 0; f < PREP_FLOW_COUNT; f++) {
		const char *t = prep_flow_title((enum prep_flow)f);
		if (strstr(sec, t) == NULL)
			fprintf(stderr, "SCREENS lacks the flow \"%s\"\n", t);
		assert_non_null(strstr(sec, t));
		for (const struct tui_field_def *fd = prepare_fields((enum prep_flow)f);
		     fd->id != NULL; fd++) {
			if (strstr(sec, fd->label) == NULL)
				fprintf(stderr, "SCREENS lacks the field \"%s\"\n", fd->label);
			assert_non_null(strstr(sec, fd->label));
		}
	}
	for (const struct tui_field_def *fd = postcheck_fields(); fd->id != NULL; fd++)
		assert_non_null(strstr(sec, fd->label));
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_every_flow_has_a_dialog_whose_fields_have_help),
		cmocka_unit_test(test_prepare_engine_refusals_name_a_field_of_the_dialog),
		cmocka_unit_test(test_prepare_manual_documents_the_menus_and_every_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
