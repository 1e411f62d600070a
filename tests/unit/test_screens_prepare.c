/*
 * test_screens_prepare.c: issue 7's screens without a screen: every field of
 * the preparation dialogs and the post-migration dialog maps to a field the
 * engine checks (so the TUI and the CLI refuse the same input with the same
 * words), has its help, and is documented in the manual, as are the menus.
 * Headless, on the demo lab with one client slow to answer one command: a
 * snapshot or a post-migration check still collecting when the program
 * quits (F10) is cancelled, said so in nimadm-tui.log, leaves no child and
 * (under ASan) nothing allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static char *slurp(const char *path)
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

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long the slow client's schedo takes: far beyond app_shutdown's drain. */
#define SLOW_MS 20000

/* A directory with the demo lab in which aixweb01 takes SLOW_MS to answer
 * schedo (a snapshot item the inventory never asks for), a home and a state. */
static char *slow_lab_dir(void)
{
	const char *tmpdir = getenv("TMPDIR");
	const char *sim = getenv("NIMADM_TUI_SIMDIR");
	char *dir = xasprintf("%s/prepare.XXXXXX", tmpdir != NULL ? tmpdir : "/tmp");
	char *demo, *text, *at, *lab, *path;
	struct strbuf sb = { 0 };
	static const char key[] = "\nlatency_ms = 150\n";

	assert_non_null(mkdtemp(dir));
	demo = xasprintf("%s/labs/demo.lab", sim != NULL ? sim : "build/sim");
	text = slurp(demo);
	assert_non_null(text);
	at = strstr(text, key); /* aixweb01's own latency */
	assert_non_null(at);
	sb_add(&sb, text, (size_t)(at - text) + sizeof key - 1);
	sb_adds(&sb, "latency_ms.schedo = 20000\n");
	sb_adds(&sb, at + sizeof key - 1);
	lab = xasprintf("%s/slow.lab", dir);
	spit(lab, sb_str(&sb));
	path = xasprintf("%s/dumps", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
	free(lab);
	sb_free(&sb);
	free(text);
	free(demo);
	return dir;
}

/* Runs the TUI headless on the slow lab with keys; returns how long it took. */
static long long run_slow(const char *dir, const char *keys)
{
	char *lab = xasprintf("%s/slow.lab", dir), *script = xasprintf("%s/run.keys", dir);
	char *state = xasprintf("%s/state", dir), *dumps = xasprintf("%s/dumps", dir);
	struct app_start st;
	long long t0;
	int rc;

	spit(script, keys);
	setenv("HOME", dir, 1); /* nimadm-tui.log and .script: the test's */
	memset(&st, 0, sizeof st);
	st.argv0 = "nimadm-tui";
	st.lab = lab;
	st.state_dir = state;
	st.script = script;
	st.dump_dir = dumps;
	t0 = now_ms();
	rc = tui_main_run(&st);
	t0 = now_ms() - t0;
	assert_int_equal(rc, 0);
	free(lab);
	free(script);
	free(state);
	free(dumps);
	return t0;
}

/* What quitting with work under way must leave: the work said cancelled in
 * nimadm-tui.log (COMMAND STATUS's record), the commands it had under way
 * ended as cancelled within app_shutdown's drain (logged, not abandoned), no
 * child process, and no time spent waiting for the slow client. */
static void assert_cancelled_at_exit(const char *dir, long long took, const char *said)
{
	char *path = xasprintf("%s/nimadm-tui.log", dir), *log = slurp(path);
	const char *at;
	int status;

	assert_non_null(log);
	at = strstr(log, said);
	if (at == NULL)
		fail_msg("nimadm-tui.log lacks \"%s\":\n%s", said, log);
	if (strstr(at, "\n[cancelled]\n") == NULL)
		fail_msg("no command was cancelled after \"%s\":\n%s", said, at);
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_true(took < SLOW_MS);
	free(log);
	free(path);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *sub;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			remove_tree(sub);
			free(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void test_snapshot_still_collecting_at_exit_is_cancelled(void **state)
{
	char *dir = slow_lab_dir(), *snaps;
	long long took;
	DIR *d;

	(void)state;
	/* main menu > Prepare > Take a Configuration Snapshot, aixweb01, F10 at once */
	took = run_slow(dir, "Down Down Down Down Down Down Down\nEnter\n"
	                     "Down Down Down Down Down\nEnter\n"
	                     "\"aixweb01\"\nEnter\n:nowait\nF10\n");
	assert_cancelled_at_exit(
	    dir, took, "nimadm-tui: snapshot of aixweb01 cancelled: the program ended first");
	/* nothing half-collected was written as a snapshot */
	snaps = xasprintf("%s/state/snapshots/aixweb01", dir);
	d = opendir(snaps);
	if (d != NULL) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL)
			assert_null(strstr(de->d_name, ".tar.gz"));
		closedir(d);
	}
	free(snaps);
	remove_tree(dir);
	free(dir);
}

static void test_postcheck_still_collecting_at_exit_is_cancelled(void **state)
{
	char *dir = slow_lab_dir(), *checks;
	long long took;
	struct stat sb;

	(void)state;
	/* main menu > Post-migration Checks > Check a Migrated Client, aixweb01 */
	took = run_slow(dir, "Down Down Down Down Down Down Down Down\nEnter\nEnter\n"
	                     "\"aixweb01\"\nEnter\n:nowait\nF10\n");
	assert_cancelled_at_exit(
	    dir, took, "nimadm-tui: postcheck of aixweb01 cancelled: the program ended first");
	checks = xasprintf("%s/state/postchecks", dir);
	assert_int_not_equal(stat(checks, &sb) == 0 && sb.st_nlink > 2, 1);
	free(checks);
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_every_flow_has_a_dialog_whose_fields_have_help),
		cmocka_unit_test(test_prepare_engine_refusals_name_a_field_of_the_dialog),
		cmocka_unit_test(test_prepare_manual_documents_the_menus_and_every_field),
		cmocka_unit_test(test_snapshot_still_collecting_at_exit_is_cancelled),
		cmocka_unit_test(test_postcheck_still_collecting_at_exit_is_cancelled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
