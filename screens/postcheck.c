/*
 * postcheck.c: "Check a Migrated Client against its Snapshot" (issue 7, menu
 * "Post-migration Checks"). A dialog (the client; the snapshot to compare
 * with, the newest by default, others on F4; the level expected; whether to
 * run IBM's post_migration) and a COMMAND STATUS screen that shows
 * post_migration's output as it comes (it can run for ten minutes), then
 * the engine's report: each check with its verdict and evidence (oslevel
 * against the target, lppchk -v, instfix, post_migration, the boot list, the
 * new and the old rootvg), and the changes since the snapshot grouped by
 * area with the commands that restore the old values.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

static const char *const pc_yesno[] = { "no", "yes", NULL };

static void pc_list(void *arg, struct tui_screen *dialog, const char *field_id,
                    struct tui_list_req *req);

static const struct tui_field_def pc_fields[] = {
	{ "client", "NIM Client", TUI_FIELD_LIST, TUI_F_REQUIRED, .list = pc_list,
	  .help_id = "fields/client", .max_len = 64 },
	{ "snapshot", "Snapshot to compare with", TUI_FIELD_LIST, 0, .list = pc_list,
	  .help_id = "fields/pc_snapshot" },
	{ "target", "Expected level (empty: the last job's)", TUI_FIELD_TEXT, 0,
	  .help_id = "fields/pc_target", .max_len = 32 },
	{ "post_migration", "Run IBM's post_migration?", TUI_FIELD_YESNO, 0, .def = "yes",
	  .choices = pc_yesno, .help_id = "fields/pc_post_migration" },
	{ .id = NULL },
};

const struct tui_field_def *postcheck_fields(void)
{
	return pc_fields;
}

static struct app_form pc_form = { NIMADM_MIGRATE };

/* ---- the client's snapshots ---- */

static int pc_cmp_desc(const void *a, const void *b)
{
	return strcmp(*(const char *const *)b, *(const char *const *)a);
}

/* The archive names of client's snapshots, newest first (their names sort by date). */
static void pc_snapshots(const char *client, struct strv *out)
{
	char *dir, *prefix;
	DIR *d;
	struct dirent *de;

	if (client == NULL || !snapshot_client_valid(client))
		return;
	dir = snapshot_dir(app_site(), client);
	prefix = xasprintf("%s-", client);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			if (str_starts(de->d_name, prefix) && n > 7 &&
			    strcmp(de->d_name + n - 7, ".tar.gz") == 0)
				strv_push(out, de->d_name);
		}
		closedir(d);
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, pc_cmp_desc);
	free(prefix);
	free(dir);
}

static void pc_list(void *arg, struct tui_screen *dialog, const char *field_id,
                    struct tui_list_req *req)
{
	(void)arg;
	if (strcmp(field_id, "snapshot") == 0) {
		const char *client = tui_dialog_get(dialog, "client");
		struct strv names = { 0 };
		if (client == NULL || *client == '\0') {
			tui_list_done(req, "Choose the NIM Client first: its snapshots are listed "
			                   "here.");
			return;
		}
		pc_snapshots(client, &names);
		if (names.n == 0) {
			char *safe = app_safe(client);
			char *msg =
			    xasprintf("%s has no snapshot in this state directory: take one "
			              "with Take a Configuration Snapshot.",
			              safe);
			tui_list_done(req, msg);
			free(msg);
			free(safe);
			return;
		}
		for (size_t i = 0; i < names.n; i++) {
			char *v = app_safe(names.v[i]);
			tui_list_add(req, v, i == 0 ? "the newest" : "");
			free(v);
		}
		strv_free(&names);
		tui_list_done(req, NULL);
		return;
	}
	nimadm_dialog_list(&pc_form, dialog, field_id, req);
}

/* A new client: its newest snapshot becomes the one compared with. */
static void pc_changed(void *arg, struct tui_screen *d, const char *field_id)
{
	struct strv names = { 0 };

	(void)arg;
	if (strcmp(field_id, "client") != 0)
		return;
	pc_snapshots(tui_dialog_get(d, "client"), &names);
	tui_dialog_set(d, "snapshot", names.n > 0 ? names.v[0] : "");
	strv_free(&names);
}

/* ---- running ---- */

struct pc_run {
	struct tui_status *st;
	struct postcheck_run *run;
	char *client;
	unsigned work; /* app_work_begin(): cancelled if the program ends first */
};

static void pc_say(struct pc_run *r, enum tui_stream s, const char *fmt, ...) TUI_PRINTFLIKE(3, 4);

static void pc_say(struct pc_run *r, enum tui_stream s, const char *fmt, ...)
{
	va_list ap;
	char *text, *safe;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	safe = app_safe(text);
	tui_status_line(r->st, s, safe, strlen(safe));
	free(safe);
	free(text);
}

static void pc_output(void *arg, enum cmd_stream s, const char *line, size_t len)
{
	struct pc_run *r = arg;

	tui_status_line(r->st, s == CMD_STDERR ? TUI_STDERR : TUI_STDOUT, line, len);
}

static void pc_progress(void *arg, const struct snapshot_item *it, size_t finished, size_t total)
{
	struct pc_run *r = arg;

	(void)finished;
	(void)total;
	/* the report names what could not be had; say it as it happens too */
	if (it->status != SNAP_OK)
		pc_say(r, TUI_STDERR, "%s: %s%s%s", it->source, snapshot_status_name(it->status),
		       it->message != NULL ? ": " : "", it->message != NULL ? it->message : "");
}

static void pc_free(struct pc_run *r)
{
	tui_status_free(&r->st);
	free(r->client);
	free(r);
}

/* The program ends before the check does (app_shutdown): stop its commands
 * (post_migration's too), say so in the log, and free what done would have. */
static void pc_cancel(void *arg)
{
	struct pc_run *r = arg;

	postcheck_run_cancel(&r->run);
	pc_say(r, TUI_STDERR, "nimadm-tui: postcheck of %s cancelled: the program ended first",
	       r->client);
	tui_status_finish(r->st, 0);
	pc_free(r);
}

static void pc_done(void *arg, struct postcheck *pc, const struct err *e)
{
	struct pc_run *r = arg;

	r->run = NULL;
	app_work_end(r->work);
	if (pc == NULL) {
		pc_say(r, TUI_STDERR, "nimadm-tui: postcheck of %s failed: %s", r->client,
		       e != NULL ? e->msg : "?");
		tui_status_finish(r->st, 0);
	} else {
		struct strbuf text = { 0 };
		const char *p, *end;
		enum postcheck_verdict worst = postcheck_worst(pc);
		postcheck_format_text(pc, &text);
		pc_say(r, TUI_STDOUT, "%s", "");
		/* the report escapes what came from the client; keep its lines */
		p = sb_str(&text);
		end = p + text.len;
		while (p < end) {
			size_t n = strcspn(p, "\n");
			tui_status_line(r->st, TUI_STDOUT, p, n);
			p += n + (p[n] == '\n');
		}
		sb_free(&text);
		if (pc->saved_text != NULL)
			pc_say(r, TUI_STDOUT, "Saved in %s and %s", pc->saved_json, pc->saved_text);
		if (e != NULL && e->msg[0] != '\0')
			pc_say(r, TUI_STDERR, "nimadm-tui: %s", e->msg);
		pc_say(r, worst == PC_FAIL ? TUI_STDERR : TUI_STDOUT,
		       "nimadm-tui: postcheck of %s: %s", pc->client,
		       postcheck_verdict_name(worst));
		tui_status_finish(r->st, worst != PC_FAIL);
		postcheck_free(&pc);
	}
	pc_free(r);
	tui_set_dirty();
}

/* The options from the dialog (strings borrowed from it, the snapshot's path in
 * *path, owned) and the same run as a `nimadm-tui postcheck` command line. */
static int pc_opts(struct tui_screen *d, struct postcheck_opts *o, char **path, struct strv *cli,
                   struct tui_field_error *fe)
{
	const char *client = tui_dialog_get(d, "client");
	const char *snap = tui_dialog_get(d, "snapshot");
	const char *target = tui_dialog_get(d, "target");

	*path = NULL;
	if (client == NULL || *client == '\0') {
		fe->field = "client";
		snprintf(fe->msg, sizeof fe->msg, "which client? (-c CLIENT)");
		return -1;
	}
	if (!snapshot_client_valid(client)) {
		fe->field = "client";
		snprintf(fe->msg, sizeof fe->msg, "not a valid NIM client name: %s", client);
		return -1;
	}
	memset(o, 0, sizeof *o);
	o->client = client;
	if (snap != NULL && *snap != '\0') {
		if (strchr(snap, '/') != NULL) {
			*path = xstrdup(snap);
		} else {
			char *dir = snapshot_dir(app_site(), client);
			*path = xasprintf("%s/%s", dir, snap);
			free(dir);
		}
		o->snapshot = *path;
	}
	o->target = target != NULL && *target != '\0' ? target : NULL;
	o->no_post_migration = strcmp(tui_dialog_get(d, "post_migration"), "yes") != 0;
	strv_push(cli, "nimadm-tui");
	strv_push(cli, "postcheck");
	strv_push(cli, "-c");
	strv_push(cli, client);
	if (o->snapshot != NULL) {
		strv_push(cli, "--snapshot");
		strv_push(cli, o->snapshot);
	}
	if (o->target != NULL) {
		strv_push(cli, "--target");
		strv_push(cli, o->target);
	}
	if (o->no_post_migration)
		strv_push(cli, "--no-post-migration");
	return 0;
}

static int pc_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct postcheck_opts o;
	struct postcheck_cb cb;
	struct tui_status_def sd;
	struct strv cli = { 0 };
	struct pc_run *r;
	struct err e;
	char *path, *line;

	(void)arg;
	if (pc_opts(d, &o, &path, &cli, fe) != 0)
		return -1;
	r = xcalloc(1, sizeof *r);
	r->client = xstrdup(o.client);
	memset(&sd, 0, sizeof sd);
	line = tui_quote_argv(strv_argv(&cli));
	sd.command = line;
	sd.argv = strv_argv(&cli);
	sd.help_id = "screens/postcheck";
	cb.output = pc_output;
	cb.progress = pc_progress;
	cb.done = pc_done;
	cb.arg = r;
	err_clear(&e);
	r->st = tui_status_new(&sd, NULL);
	free(line);
	r->run = postcheck_run_start(app_site(), app_site()->set, &o, &cb, &e);
	strv_free(&cli);
	free(path);
	if (r->run == NULL) {
		pc_free(r);
		fe->field = e.field != NULL ? e.field : NULL;
		snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		return -1;
	}
	r->work = app_work_begin(pc_cancel, r);
	pc_say(r, TUI_STDOUT, "Checking %s after its migration, through the master...", r->client);
	tui_status_push(r->st);
	return 0;
}

static char *pc_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct postcheck_opts o;
	struct strv cli = { 0 };
	char *path, *line, *safe;

	(void)arg;
	if (pc_opts(d, &o, &path, &cli, fe) != 0)
		return NULL;
	line = tui_quote_argv(strv_argv(&cli));
	safe = app_safe(line);
	free(line);
	free(path);
	strv_free(&cli);
	return safe;
}

static const struct tui_dialog_def pc_def = {
	.title = "Check a Migrated Client against its Snapshot",
	.help_id = "screens/postcheck",
	.fields = pc_fields,
	.flags = TUI_DIALOG_NO_CHECKS,
	.submit = pc_submit,
	.command = pc_command,
	.changed = pc_changed,
};

void app_open_postcheck(void)
{
	tui_push(tui_dialog_new(&pc_def, NULL));
}
