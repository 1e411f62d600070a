/*
 * prepare.c: the "Prepare Client for Migration" screens (issue 7). One
 * dialog per preparation flow of the engine (prepare.h): its fields map to a
 * struct prep_request, the engine checks them with its own words, and Enter
 * plans the flow in the background on the site's command set. The plan
 * screen shows what the plan was built from, its warnings or its refusal,
 * and every step with its exact command, its host and whether it changes
 * the system; Enter there asks, then runs the steps with their live output
 * in a COMMAND STATUS screen (asking again before each changing step when
 * the dialog says so), while the plan screen keeps each step's state. A
 * refused plan runs nothing.
 *
 * Ownership: the plan screen owns the plan. A run borrows it, so a screen
 * closed while its run goes on hands the plan over to the run's end (done),
 * which the loop (or app_shutdown's drain) always delivers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* ---- the dialogs' fields ---- */

static const char *const pp_yesno[] = { "no", "yes", NULL };

static void pp_list(void *arg, struct tui_screen *dialog, const char *field_id,
                    struct tui_list_req *req);

#define PP_CLIENT                                                              \
	{                                                                      \
		"client", "NIM Client", TUI_FIELD_LIST, TUI_F_REQUIRED,        \
		    .list = pp_list, .help_id = "fields/client", .max_len = 64 \
	}
#define PP_CONFIRM_EACH                                                                      \
	{                                                                                    \
		"confirm_each", "Ask before each step that changes it?", TUI_FIELD_YESNO, 0, \
		    .def = "no", .choices = pp_yesno, .help_id = "fields/prep_confirm_each"  \
	}

static const struct tui_field_def pp_fields_mksysb[] = {
	PP_CLIENT,
	{ "path", "Back up to file (empty: list only)", TUI_FIELD_PATH, 0,
	  .help_id = "fields/prep_path" },
	{ "define", "Define it as NIM mksysb resource", TUI_FIELD_TEXT, 0,
	  .help_id = "fields/prep_define", .max_len = 64 },
	{ "max_age", "A recent mksysb is newer than (days)", TUI_FIELD_NUMBER, 0, .def = "30",
	  .help_id = "fields/prep_max_age", .max_len = 5 },
	PP_CONFIRM_EACH,
	{ .id = NULL },
};

static const struct tui_field_def pp_fields_software[] = {
	PP_CLIENT,
	{ "commit", "Commit the applied software?", TUI_FIELD_YESNO, 0, .def = "no",
	  .choices = pp_yesno, .help_id = "fields/prep_commit" },
	PP_CONFIRM_EACH,
	{ .id = NULL },
};

static const struct tui_field_def pp_fields_premig[] = {
	PP_CLIENT,
	PP_CONFIRM_EACH,
	{ .id = NULL },
};

static const struct tui_field_def pp_fields_free_disk[] = {
	PP_CLIENT,
	{ "disk", "rootvg disk to free", TUI_FIELD_LIST, TUI_F_REQUIRED, .list = pp_list,
	  .help_id = "fields/prep_free_disk", .max_len = 32 },
	PP_CONFIRM_EACH,
	{ .id = NULL },
};

static const struct tui_field_def pp_fields_route[] = {
	PP_CLIENT,
	{ "spot", "NIM SPOT resource", TUI_FIELD_LIST, TUI_F_REQUIRED, .list = pp_list,
	  .help_id = "fields/spot", .max_len = 64 },
	{ "lpp_source", "NIM LPP_SOURCE resource", TUI_FIELD_LIST, TUI_F_REQUIRED, .list = pp_list,
	  .help_id = "fields/lpp_source", .max_len = 64 },
	{ "cache_vg", "Cache volume group on the master", TUI_FIELD_LIST, TUI_F_REQUIRED,
	  .list = pp_list, .help_id = "fields/cache_vg", .max_len = 64 },
	{ "disk", "Target disk(s) on the client", TUI_FIELD_LIST, TUI_F_REQUIRED | TUI_F_MULTI,
	  .list = pp_list, .help_id = "fields/prep_target_disk" },
	{ "mksysb", "Existing mksysb of the client", TUI_FIELD_LIST, 0, .list = pp_list,
	  .help_id = "fields/prep_mksysb", .max_len = 64 },
	{ "backup_name", "Else: NIM name of its new backup", TUI_FIELD_TEXT, 0,
	  .help_id = "fields/prep_backup_name", .max_len = 64 },
	{ "backup_path", "File of its new backup", TUI_FIELD_PATH, 0,
	  .help_id = "fields/prep_backup_path" },
	{ "new_mksysb", "NIM name of the migrated mksysb", TUI_FIELD_TEXT, 0,
	  .help_id = "fields/prep_new_mksysb", .max_len = 64 },
	{ "new_path", "File of the migrated mksysb", TUI_FIELD_PATH, 0,
	  .help_id = "fields/prep_new_path" },
	{ "mount_dir", "Mount point on the client", TUI_FIELD_PATH, 0,
	  .help_id = "fields/prep_mount_dir" },
	PP_CONFIRM_EACH,
	{ .id = NULL },
};

const struct tui_field_def *prepare_fields(enum prep_flow f)
{
	switch (f) {
	case PREP_MKSYSB:
		return pp_fields_mksysb;
	case PREP_SOFTWARE:
		return pp_fields_software;
	case PREP_PREMIG:
		return pp_fields_premig;
	case PREP_FREE_DISK:
		return pp_fields_free_disk;
	case PREP_MKSYSB_ROUTE:
		return pp_fields_route;
	default:
		return NULL;
	}
}

/* ---- pick lists ---- */

struct pp_dialog {
	struct app_form form; /* first: nimadm_dialog_list reads the mode from it */
	enum prep_flow flow;
};

struct pp_pending {
	struct tui_list_req *req;
	char *client;
	struct pp_pending *next;
};

static struct {
	struct pp_pending *pending;
	unsigned watch;
} pp;

/* A disk of the client as the free-disk flow sees it: a rootvg disk can be freed. */
static const char *pp_free_disk_problem(const struct inv_disk *d)
{
	if (d->vg == NULL)
		return "free already";
	if (strcmp(d->vg, "rootvg") != 0)
		return d->vg;
	return NULL;
}

static void pp_fill_free_disks(struct tui_list_req *req, const char *client)
{
	const struct inventory *inv = app_inventory();
	const struct inv_client *c;
	char *msg;

	if (tui_list_cancelled(req)) {
		tui_list_done(req, NULL);
		return;
	}
	if (inv == NULL) {
		msg = xasprintf("The NIM inventory could not be read: %s",
		                app_inventory_error() != NULL ? app_inventory_error() : "?");
	} else if (client == NULL || *client == '\0') {
		msg = xstrdup("Choose the NIM Client first: its rootvg disks are listed here.");
	} else if ((c = inventory_find_client(inv, client)) == NULL) {
		msg = xasprintf("%s is not a standalone client of this master.", client);
	} else if (c->ndisks == 0) {
		msg = xasprintf("The disks of %s are not known: %s", client,
		                c->error != NULL ? c->error : "lspv did not answer");
	} else {
		for (size_t i = 0; i < c->ndisks; i++) {
			const struct inv_disk *d = &c->disks[i];
			const char *why = pp_free_disk_problem(d);
			char size[32], *desc, *v, *sd;
			if (d->size_mb >= 0)
				snprintf(size, sizeof size, "%lld MB", d->size_mb);
			else
				snprintf(size, sizeof size, "size ?");
			desc = xasprintf(
			    "%9s  %-16s  %s%s", size, d->pvid != NULL ? d->pvid : "none",
			    why == NULL ? "rootvg" : "unusable: ", why == NULL ? "" : why);
			v = app_safe(d->name);
			sd = app_safe(desc);
			tui_list_add(req, v, sd);
			free(v);
			free(sd);
			free(desc);
		}
		tui_list_done(req, NULL);
		return;
	}
	{
		char *safe = app_safe(msg);
		tui_list_done(req, safe);
		free(safe);
	}
	free(msg);
}

static void pp_inventory_changed(void *arg)
{
	struct pp_pending *p = pp.pending;

	(void)arg;
	pp.pending = NULL;
	app_inventory_unwatch(pp.watch);
	pp.watch = 0;
	while (p != NULL) {
		struct pp_pending *next = p->next;
		pp_fill_free_disks(p->req, p->client);
		free(p->client);
		free(p);
		p = next;
	}
}

static void pp_list(void *arg, struct tui_screen *dialog, const char *field_id,
                    struct tui_list_req *req)
{
	struct pp_dialog *d = arg;

	if (strcmp(field_id, "disk") == 0 && d->flow == PREP_MKSYSB_ROUTE) {
		/* the free disks of the client, as for a migration */
		nimadm_dialog_list(&d->form, dialog, "disks", req);
		return;
	}
	if (strcmp(field_id, "disk") == 0) {
		const char *client = tui_dialog_get(dialog, "client");
		if (app_inventory() == NULL && app_inventory_loading()) {
			struct pp_pending *p = xcalloc(1, sizeof *p);
			p->req = req;
			p->client = xstrdup(client != NULL ? client : "");
			p->next = pp.pending;
			pp.pending = p;
			if (pp.watch == 0)
				pp.watch = app_inventory_watch(pp_inventory_changed, NULL);
			return;
		}
		pp_fill_free_disks(req, client);
		return;
	}
	nimadm_dialog_list(&d->form, dialog, field_id, req);
}

/* ---- the plan screen ---- */

enum pv_state { PV_PLANNING, PV_ERROR, PV_PLANNED, PV_RUNNING, PV_DONE };

struct pv_line {
	unsigned style;
	int indent;
	char *text; /* display-safe */
};

struct plan_view {
	struct tui_screen *scr;
	enum pv_state state;
	enum prep_flow flow;
	char *client;
	int confirm_each;
	struct strv cli; /* the same flow as a command line (the .log and .script) */
	struct prep_planner *planner;
	struct prep_plan *plan;
	struct prep_run *run;
	struct tui_status *st;
	char *error;
	int closed; /* the screen is gone: the run's end frees what is left */
	size_t cur; /* the step running */
	struct pv_line *lines;
	size_t nlines;
	size_t top; /* first row shown */
	int body_rows;
};

static void pv_add(struct plan_view *v, unsigned style, int indent, const char *fmt, ...)
    TUI_PRINTFLIKE(4, 5);

static void pv_add(struct plan_view *v, unsigned style, int indent, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	v->lines = xreallocarray(v->lines, v->nlines + 1, sizeof *v->lines);
	v->lines[v->nlines].style = style;
	v->lines[v->nlines].indent = indent;
	v->lines[v->nlines].text = app_safe(raw);
	v->nlines++;
	free(raw);
}

static void pv_clear(struct plan_view *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i].text);
	free(v->lines);
	v->lines = NULL;
	v->nlines = 0;
}

static void pv_add_list(struct plan_view *v, const char *title, const struct strv *sv,
                        unsigned style)
{
	if (sv->n == 0)
		return;
	pv_add(v, TUI_STYLE_BOLD, 0, "%s", title);
	for (size_t i = 0; i < sv->n; i++)
		pv_add(v, style, 2, "%s", sv->v[i]);
}

static unsigned pv_step_style(enum prep_step_state s)
{
	switch (s) {
	case PREP_STEP_OK:
		return TUI_STYLE_GOOD;
	case PREP_STEP_FAILED:
		return TUI_STYLE_ERROR;
	case PREP_STEP_RUNNING:
		return TUI_STYLE_BOLD;
	case PREP_STEP_PENDING:
		return TUI_STYLE_NORMAL;
	default:
		return TUI_STYLE_WARNING;
	}
}

/* The screen's lines from the plan and the run's results. */
static void pv_rebuild(struct plan_view *v)
{
	const struct prep_plan *p = v->plan;

	pv_clear(v);
	if (v->state == PV_PLANNING) {
		pv_add(v, TUI_STYLE_NORMAL, 0, "Planning %s on %s...", prep_flow_name(v->flow),
		       v->client);
		pv_add(v, TUI_STYLE_MUTED, 0,
		       "Reading NIM and the client; nothing is changed while planning.");
		return;
	}
	if (v->state == PV_ERROR) {
		pv_add(v, TUI_STYLE_ERROR, 0, "No plan could be made: %s", v->error);
		pv_add(v, TUI_STYLE_NORMAL, 0, "Nothing was run. F3 returns to the dialog.");
		return;
	}
	pv_add_list(v, "FOUND", &p->facts, TUI_STYLE_NORMAL);
	if (p->nmksysbs > 0) {
		pv_add(v, TUI_STYLE_BOLD, 0, "MKSYSBS IN NIM (newest first)");
		for (size_t i = 0; i < p->nmksysbs; i++) {
			const struct prep_mksysb *m = &p->mksysbs[i];
			char age[32];
			if (m->age_days >= 0)
				snprintf(age, sizeof age, "%lld day%s old", m->age_days,
				         m->age_days == 1 ? "" : "s");
			else
				snprintf(age, sizeof age, "age unknown");
			pv_add(v,
			       m->age_days >= 0 && m->age_days <= p->max_age_days
			           ? TUI_STYLE_NORMAL
			           : TUI_STYLE_WARNING,
			       2, "%-20s %-16s %s  %s", m->name,
			       m->oslevel != NULL ? m->oslevel : "level unknown", age,
			       m->location != NULL ? m->location : "");
		}
	}
	pv_add_list(v, "WARNINGS", &p->warnings, TUI_STYLE_WARNING);
	if (p->refusal != NULL) {
		pv_add(v, TUI_STYLE_ERROR, 0, "REFUSED");
		pv_add(v, TUI_STYLE_ERROR, 2, "%s", p->refusal);
		pv_add(v, TUI_STYLE_NORMAL, 2, "Nothing was run.");
		return;
	}
	if (p->nsteps > 0) {
		pv_add(v, TUI_STYLE_BOLD, 0,
		       "STEPS (* changes the system; each command runs exactly as shown)");
		for (size_t i = 0; i < p->nsteps; i++) {
			const struct prep_step *s = &p->steps[i];
			char *cmd = prep_step_command(s);
			pv_add(v, pv_step_style(s->state), 1, "%2zu %c %-9s %s# %s", i + 1,
			       s->changes ? '*' : ' ', prep_step_state_name(s->state), s->host,
			       cmd);
			free(cmd);
			pv_add(v, TUI_STYLE_NORMAL, 16, "%s", s->title);
			pv_add(v, TUI_STYLE_MUTED, 16, "expected: %s", s->expected);
			if (s->job_id != NULL)
				pv_add(v, TUI_STYLE_BOLD, 16, "job %s (j opens its job view)",
				       s->job_id);
			else if (s->as_job)
				pv_add(v, TUI_STYLE_BOLD, 16,
				       "runs as a job: in the monitor, j opens it once started");
			if (s->cleanup_of >= 0)
				pv_add(v, TUI_STYLE_MUTED, 16,
				       "runs even after a failure, once step %d ran",
				       s->cleanup_of + 1);
			if (s->message != NULL &&
			    (s->state == PREP_STEP_FAILED || s->state == PREP_STEP_DECLINED ||
			     s->state == PREP_STEP_CANCELLED))
				pv_add(v, TUI_STYLE_ERROR, 16, "%s (exit %d)", s->message,
				       s->exit_status);
		}
	} else {
		pv_add(v, TUI_STYLE_NORMAL, 0, "Nothing to run: the plan only reads.");
	}
	pv_add_list(v, "AFTERWARDS", &p->notes, TUI_STYLE_NORMAL);
	if (v->state == PV_DONE) {
		if (p->ok)
			pv_add(v, TUI_STYLE_GOOD, 0, "RESULT: every step ran ok.");
		else if (p->failed_step >= 0)
			pv_add(v, TUI_STYLE_ERROR, 0, "RESULT: step %d failed: %s",
			       p->failed_step + 1,
			       p->steps[p->failed_step].message != NULL
			           ? p->steps[p->failed_step].message
			           : "see its output");
		else
			pv_add(v, TUI_STYLE_ERROR, 0, "RESULT: stopped before the end.");
		if (p->saved_at != NULL)
			pv_add(v, TUI_STYLE_NORMAL, 0,
			       "pre_migration saved its findings in %s on the client.",
			       p->saved_at);
	}
}

static const char *pv_job(const struct plan_view *v);

/* What Enter does now, for the last line. */
static const char *pv_hint(const struct plan_view *v)
{
	switch (v->state) {
	case PV_PLANNING:
		return "Planning...";
	case PV_ERROR:
		return "F3=Back to the dialog";
	case PV_PLANNED:
		if (v->plan->refusal != NULL)
			return "Refused: nothing can run.  F3=Back to the dialog";
		if (v->plan->nsteps == 0)
			return "Nothing to run.  F3=Back to the dialog";
		return "Enter=Run the steps (asks first)  F6=Commands";
	case PV_RUNNING:
		return pv_job(v) != NULL ? "Running...  Enter=Show the output  j=Job view  x=Stop"
		                         : "Running...  Enter=Show the output  x=Stop";
	case PV_DONE:
		return pv_job(v) != NULL ? "Enter=Show the output  j=Job view  F6=Commands"
		                         : "Enter=Show the output  F6=Commands";
	}
	return "";
}

/* The rows of one line wrapped to cols (continuations indented 4 more). */
static size_t pv_wrap(const struct pv_line *l, int cols, size_t *offs, size_t max)
{
	size_t len = strlen(l->text), off = 0, n = 0;

	do {
		int indent = l->indent + (n > 0 ? 4 : 0);
		int w = cols - indent;
		size_t fit;
		if (w < 10)
			w = 10;
		fit = tui_text_fit(l->text + off, len - off, w);
		if (fit == 0)
			fit = 1;
		if (off + fit < len) {
			/* break after the last blank that fits, when there is one */
			size_t b = fit;
			while (b > 0 && l->text[off + b - 1] != ' ')
				b--;
			if (b > 0)
				fit = b;
		}
		if (n < max)
			offs[n] = off;
		n++;
		off += fit;
	} while (off < len);
	return n;
}

static void pv_draw(void *arg, struct tui_screen *s, int rows, int cols)
{
	struct plan_view *v = arg;
	size_t offs[64], row = 0, total = 0;
	int y = 0, body = rows - 2;

	(void)s;
	if (body < 1)
		body = 1;
	v->body_rows = body;
	for (size_t i = 0; i < v->nlines; i++)
		total += pv_wrap(&v->lines[i], cols, offs, 0);
	if (total > (size_t)body && v->top > total - (size_t)body)
		v->top = total - (size_t)body;
	if (total <= (size_t)body)
		v->top = 0;
	for (size_t i = 0; i < v->nlines && y < body; i++) {
		const struct pv_line *l = &v->lines[i];
		size_t n = pv_wrap(l, cols, offs, ARRAY_LEN(offs));
		for (size_t k = 0; k < n && k < ARRAY_LEN(offs) && y < body; k++, row++) {
			size_t end = k + 1 < n ? offs[k + 1] : strlen(l->text);
			char *piece;
			if (row < v->top)
				continue;
			piece = xstrndup(l->text + offs[k], end - offs[k]);
			tui_view_put(v->scr, y++, l->indent + (k > 0 ? 4 : 0), -1, l->style, piece);
			free(piece);
		}
	}
	if (v->top > 0)
		tui_view_put(v->scr, rows - 2, 0, -1, TUI_STYLE_MUTED, "[more above: Up, PgUp]");
	if (total > v->top + (size_t)body)
		tui_view_put(v->scr, rows - 2, cols > 40 ? cols - 24 : 0, -1, TUI_STYLE_MUTED,
		             "[more below: Down, PgDn]");
	tui_view_put(v->scr, rows - 1, 0, cols, TUI_STYLE_MUTED, pv_hint(v));
}

static void pv_changed(struct plan_view *v)
{
	if (v->closed)
		return;
	pv_rebuild(v);
	tui_screen_dirty(v->scr);
}

static void pv_free(struct plan_view *v)
{
	pv_clear(v);
	prep_plan_free(&v->plan);
	tui_status_free(&v->st);
	strv_free(&v->cli);
	free(v->client);
	free(v->error);
	free(v);
}

/* ---- running ---- */

static void pv_status(struct plan_view *v, enum tui_stream s, const char *fmt, ...)
    TUI_PRINTFLIKE(3, 4);

static void pv_status(struct plan_view *v, enum tui_stream s, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (text != NULL && v->st != NULL)
		tui_status_line(v->st, s, text, strlen(text));
	free(text);
}

static void pv_step_start(void *arg, const struct prep_plan *p, size_t i)
{
	struct plan_view *v = arg;
	const struct prep_step *s = &p->steps[i];
	char *cmd = prep_step_command(s);

	v->cur = i;
	pv_status(v, TUI_STDOUT, "==> step %zu of %zu: %s", i + 1, p->nsteps, s->title);
	pv_status(v, TUI_STDOUT, "    %s# %s", s->host, cmd);
	free(cmd);
	pv_changed(v);
}

static void pv_line(void *arg, const struct prep_plan *p, size_t i, enum cmd_stream s,
                    const char *line)
{
	struct plan_view *v = arg;

	(void)p;
	(void)i;
	if (v->st != NULL)
		tui_status_line(v->st, s == CMD_STDERR ? TUI_STDERR : TUI_STDOUT, line,
		                strlen(line));
}

static void pv_step_done(void *arg, const struct prep_plan *p, size_t i)
{
	struct plan_view *v = arg;
	const struct prep_step *s = &p->steps[i];

	if (s->state == PREP_STEP_OK)
		pv_status(v, TUI_STDOUT, "<== step %zu: ok (exit %d, %.1f s)", i + 1,
		          s->exit_status, (double)s->duration_ms / 1000.0);
	else if (s->state == PREP_STEP_SKIPPED)
		pv_status(v, TUI_STDOUT, "--- step %zu skipped: %s", i + 1,
		          s->message != NULL ? s->message : "");
	else
		pv_status(v, TUI_STDERR, "<== step %zu: %s: %s", i + 1,
		          prep_step_state_name(s->state), s->message != NULL ? s->message : "");
	if (s->job_id != NULL)
		pv_status(v, TUI_STDOUT, "    job %s: in Monitor Migrations, or j on the plan",
		          s->job_id);
	pv_changed(v);
}

static void pv_step_answer(void *arg, int yes)
{
	struct plan_view *v = arg;

	if (v->run != NULL)
		prep_run_answer(v->run, yes);
}

static void pv_confirm(void *arg, const struct prep_plan *p, size_t i)
{
	struct plan_view *v = arg;
	const struct prep_step *s = &p->steps[i];
	char *cmd = prep_step_command(s), *text;

	text = xasprintf("Step %zu of %zu changes the system:\n\n   %s# %s\n\n%s\nExpected: %s\n\n"
	                 "    Press Enter to run it.\n"
	                 "    Press Cancel (F3) to stop here: the later steps are skipped,\n"
	                 "    the cleanups of steps that ran still run.\n",
	                 i + 1, p->nsteps, s->host, cmd, s->title, s->expected);
	/* the text's own lines stay; any other control character goes */
	for (char *c = text; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n')
			*c = ' ';
	pv_status(v, TUI_STDOUT, "... step %zu waits for a confirmation", i + 1);
	tui_confirm(text, pv_step_answer, v);
	free(text);
	free(cmd);
}

static void pv_done(void *arg, struct prep_plan *p)
{
	struct plan_view *v = arg;

	v->run = NULL;
	v->state = PV_DONE;
	if (p->ok) {
		if (p->nsteps == 1)
			pv_status(v, TUI_STDOUT, "prepare %s on %s: the step ran ok",
			          prep_flow_name(p->flow), p->client);
		else
			pv_status(v, TUI_STDOUT, "prepare %s on %s: all %zu steps ok",
			          prep_flow_name(p->flow), p->client, p->nsteps);
	} else if (p->failed_step >= 0) {
		const struct prep_step *s = &p->steps[p->failed_step];
		pv_status(v, TUI_STDERR, "prepare %s on %s: step %d failed: %s",
		          prep_flow_name(p->flow), p->client, p->failed_step + 1,
		          s->message != NULL ? s->message : "");
		/* the evidence: the last lines the failed step printed */
		if (s->output.len > 0) {
			const char *out = sb_str((struct strbuf *)&s->output);
			size_t n = s->output.len, lines = 0, at = n;
			while (at > 0 && lines < 6) {
				at--;
				if (out[at] == '\n' && at + 1 < n)
					lines++;
			}
			if (lines == 6)
				at++;
			pv_status(v, TUI_STDERR, "evidence (the end of its output):");
			while (at < n) {
				size_t k = strcspn(out + at, "\n");
				char *l = xstrndup(out + at, k);
				pv_status(v, TUI_STDERR, "    %s", l);
				free(l);
				at += k + 1;
			}
		}
	} else {
		pv_status(v, TUI_STDERR, "prepare %s on %s: stopped before the end",
		          prep_flow_name(p->flow), p->client);
	}
	if (p->saved_at != NULL)
		pv_status(v, TUI_STDOUT, "pre_migration saved its findings in %s on the client",
		          p->saved_at);
	for (size_t i = 0; i < p->notes.n; i++)
		pv_status(v, TUI_STDOUT, "afterwards: %s", p->notes.v[i]);
	if (v->st != NULL)
		tui_status_finish(v->st, p->ok);
	if (v->closed) {
		pv_free(v);
		return;
	}
	pv_changed(v);
	tui_set_dirty();
}

static void pv_run(void *arg, int yes)
{
	struct plan_view *v = arg;
	struct prep_run_opts o = { .confirm_each = v->confirm_each };
	struct prep_run_cb cb = { pv_step_start, pv_line, pv_step_done, pv_confirm, pv_done, v };
	struct tui_status_def sd;
	char *line;
	struct err e;

	if (!yes || v->state != PV_PLANNED || v->closed)
		return;
	memset(&sd, 0, sizeof sd);
	line = tui_quote_argv(strv_argv(&v->cli));
	sd.command = line;
	sd.argv = strv_argv(&v->cli);
	sd.help_id = "screens/prepare-status";
	v->st = tui_status_new(&sd, NULL);
	free(line);
	pv_status(v, TUI_STDOUT, "%s: %s, %zu step%s", prep_flow_title(v->flow), v->client,
	          v->plan->nsteps, v->plan->nsteps == 1 ? "" : "s");
	err_clear(&e);
	v->run = prep_run_start(app_site(), app_site()->set, v->plan, &o, &cb, &e);
	if (v->run == NULL) {
		pv_status(v, TUI_STDERR, "not started: %s", e.msg);
		tui_status_finish(v->st, 0);
		tui_status_push(v->st);
		return;
	}
	v->state = PV_RUNNING;
	pv_changed(v);
	tui_status_push(v->st);
}

static void pv_ask(struct plan_view *v)
{
	const struct prep_plan *p = v->plan;
	size_t changes = prep_plan_changes(p);
	char *text, *client = app_safe(p->client);

	text = xasprintf("Run these %zu steps on %s?\n\n%zu of them change the system%s.\n\n"
	                 "    Press Enter to run them.\n"
	                 "    Press Cancel (F3) to return to the plan.\n",
	                 p->nsteps, client, changes,
	                 v->confirm_each && changes > 0 ? "; each of those asks again first" : "");
	tui_confirm(text, pv_run, v);
	free(text);
	free(client);
}

/* The job of the step under way, else of the last step that has one (the mksysb
 * route's nimadm runs as a journaled job); NULL when none. */
static const char *pv_job(const struct plan_view *v)
{
	const struct prep_plan *p = v->plan;
	const char *id = NULL;

	if (p == NULL)
		return NULL;
	if (v->state == PV_RUNNING && v->cur < p->nsteps && p->steps[v->cur].job_id != NULL)
		return p->steps[v->cur].job_id;
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].job_id != NULL)
			id = p->steps[i].job_id;
	return id;
}

static int pv_key(void *arg, struct tui_screen *s, enum tui_action a, int key)
{
	struct plan_view *v = arg;
	size_t page = v->body_rows > 1 ? (size_t)v->body_rows - 1 : 1;

	(void)s;
	switch (a) {
	case TUI_ACT_UP:
		if (v->top > 0)
			v->top--;
		break;
	case TUI_ACT_DOWN:
		v->top++;
		break;
	case TUI_ACT_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		v->top += page;
		break;
	case TUI_ACT_HOME:
		v->top = 0;
		break;
	case TUI_ACT_END:
		v->top = (size_t)-1 / 2;
		break;
	case TUI_ACT_DO:
		if (v->state == PV_RUNNING || v->state == PV_DONE) {
			if (v->st != NULL)
				tui_status_push(v->st);
		} else if (v->state == PV_PLANNED && v->plan->refusal != NULL) {
			tui_error("The plan is refused: nothing can run.");
		} else if (v->state == PV_PLANNED && v->plan->nsteps == 0) {
			tui_message("Nothing to run: the plan only reads.");
		} else if (v->state == PV_PLANNED) {
			pv_ask(v);
		}
		break;
	case TUI_ACT_COMMAND: {
		struct strbuf sb = { 0 };
		if (v->plan == NULL || v->plan->nsteps == 0) {
			tui_message("No command to show.");
			break;
		}
		for (size_t i = 0; i < v->plan->nsteps; i++) {
			char *cmd = prep_step_command(&v->plan->steps[i]);
			sb_addf(&sb, "%s%s# %s", i > 0 ? "\n" : "", v->plan->steps[i].host, cmd);
			free(cmd);
		}
		/* one command per line; any other control character goes */
		for (char *c = sb.buf; c != NULL && *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 && *c != '\n')
				*c = ' ';
		tui_popup_command(sb_str(&sb));
		sb_free(&sb);
		break;
	}
	default:
		if (key == 'j') {
			if (pv_job(v) != NULL)
				app_open_job(pv_job(v));
			else
				tui_message("No step of this plan runs as a job.");
			break;
		}
		if (key == 'x' && v->state == PV_RUNNING && v->run != NULL) {
			prep_run_cancel(v->run);
			tui_message("Stopping: the step under way is cancelled, the rest skipped.");
			break;
		}
		return 0;
	}
	tui_screen_dirty(s);
	return 1;
}

static int pv_busy(void *arg, struct tui_screen *s)
{
	struct plan_view *v = arg;

	(void)s;
	return v->state == PV_PLANNING;
}

static void pv_closed(void *arg)
{
	struct plan_view *v = arg;

	v->closed = 1;
	prep_plan_cancel(&v->planner);
	if (v->run != NULL) {
		/* the run borrows the plan: its end (pv_done) frees everything */
		prep_run_cancel(v->run);
		return;
	}
	pv_free(v);
}

static void pv_planned(void *arg, struct prep_plan *plan, const struct err *e)
{
	struct plan_view *v = arg;

	v->planner = NULL;
	if (plan == NULL) {
		v->state = PV_ERROR;
		v->error = xstrdup(e != NULL && e->msg[0] != '\0' ? e->msg : "unknown error");
	} else {
		v->plan = plan;
		v->state = PV_PLANNED;
		if (plan->refusal != NULL)
			tui_log_text("prepare %s on %s refused: %s", prep_flow_name(v->flow),
			             v->client, plan->refusal);
	}
	pv_changed(v);
	tui_set_dirty();
}

static const int pv_bar[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_COMMAND,
	                      TUI_ACT_IMAGE, TUI_ACT_SHELL,   TUI_ACT_EXIT,   TUI_ACT_NONE };

static const struct tui_view_def pv_def = {
	.title = "Preparation Plan",
	.help_id = "screens/prepare-plan",
	.bar = pv_bar,
	.draw = pv_draw,
	.key = pv_key,
	.busy = pv_busy,
	.close = pv_closed,
};

/* ---- the dialog ---- */

/* A dialog value, or NULL when empty (the engine's "not given"). */
static const char *pp_get(struct tui_screen *d, const char *id)
{
	const char *v = tui_dialog_get(d, id);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int pp_yes(struct tui_screen *d, const char *id)
{
	const char *v = tui_dialog_get(d, id);

	return v != NULL && strcmp(v, "yes") == 0;
}

/* The request from the dialog (strings borrowed from it) and the same flow as a
 * `nimadm-tui prepare` command line. 0, or -1 with fe. */
static int pp_request(struct pp_dialog *pd, struct tui_screen *d, struct prep_request *r,
                      struct strv *cli, struct tui_field_error *fe)
{
	static const struct {
		const char *field, *opt;
	} opts[] = {
		{ "client", "-c" },
		{ "path", "-o" },
		{ "define", "--define" },
		{ "disk", "-d" },
		{ "spot", "-s" },
		{ "lpp_source", "-l" },
		{ "cache_vg", "-j" },
		{ "mksysb", "-m" },
		{ "backup_name", "--backup" },
		{ "backup_path", "--backup-file" },
		{ "new_mksysb", "-N" },
		{ "new_path", "-O" },
		{ "mount_dir", "--mount" },
	};
	const char *age;
	struct err e;

	memset(r, 0, sizeof *r);
	r->flow = pd->flow;
	r->client = pp_get(d, "client");
	r->path = pp_get(d, "path");
	r->define = pp_get(d, "define");
	r->commit = pp_yes(d, "commit");
	r->disk = pp_get(d, "disk");
	r->spot = pp_get(d, "spot");
	r->lpp_source = pp_get(d, "lpp_source");
	r->cache_vg = pp_get(d, "cache_vg");
	r->mksysb = pp_get(d, "mksysb");
	r->backup_name = pp_get(d, "backup_name");
	r->backup_path = pp_get(d, "backup_path");
	r->new_mksysb = pp_get(d, "new_mksysb");
	r->new_path = pp_get(d, "new_path");
	r->mount_dir = pp_get(d, "mount_dir");
	if ((age = pp_get(d, "max_age")) != NULL) {
		long long days = str_to_ll(age);
		if (days < 1 || days > 36500) {
			fe->field = "max_age";
			snprintf(fe->msg, sizeof fe->msg,
			         "the age of a recent mksysb is 1 to 36500 days");
			return -1;
		}
		r->max_age_days = (int)days;
	}
	err_clear(&e);
	if (prep_request_check(r, &e) != 0) {
		fe->field = e.field;
		snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		return -1;
	}
	if (cli == NULL)
		return 0;
	strv_push(cli, "nimadm-tui");
	strv_push(cli, "prepare");
	strv_push(cli, prep_flow_name(pd->flow));
	for (size_t i = 0; i < ARRAY_LEN(opts); i++) {
		const char *v = pp_get(d, opts[i].field);
		if (v == NULL || tui_dialog_get(d, opts[i].field) == NULL)
			continue;
		strv_push(cli, opts[i].opt);
		strv_push(cli, v);
	}
	if (r->max_age_days > 0 && r->max_age_days != PREP_MKSYSB_MAX_AGE_DAYS) {
		strv_push(cli, "--max-age");
		strv_pushf(cli, "%d", r->max_age_days);
	}
	if (r->commit)
		strv_push(cli, "--commit");
	strv_push(cli, "--yes");
	return 0;
}

static int pp_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct pp_dialog *pd = arg;
	struct prep_plan_cb cb;
	struct prep_request r;
	struct plan_view *v;
	struct err e;
	char *title;

	v = xcalloc(1, sizeof *v);
	if (pp_request(pd, d, &r, &v->cli, fe) != 0) {
		strv_free(&v->cli);
		free(v);
		return -1;
	}
	v->flow = pd->flow;
	v->client = xstrdup(r.client);
	v->confirm_each = pp_yes(d, "confirm_each");
	v->state = PV_PLANNING;
	cb.done = pv_planned;
	cb.arg = v;
	err_clear(&e);
	v->planner = prep_plan_start(app_site(), app_site()->set, &r, &cb, &e);
	if (v->planner == NULL) {
		fe->field = e.field;
		snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		strv_free(&v->cli);
		free(v->client);
		free(v);
		return -1;
	}
	v->scr = tui_view_new(&pv_def, v);
	title = xasprintf("%s: %s", prep_flow_title(v->flow), v->client);
	{
		char *safe = app_safe(title);
		tui_view_set_title(v->scr, safe);
		free(safe);
	}
	free(title);
	pv_rebuild(v);
	tui_push(v->scr);
	return 0;
}

static char *pp_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct pp_dialog *pd = arg;
	struct prep_request r;
	struct strv cli = { 0 };
	char *line, *safe;

	if (pp_request(pd, d, &r, &cli, fe) != 0) {
		strv_free(&cli);
		return NULL;
	}
	line = tui_quote_argv(strv_argv(&cli));
	safe = app_safe(line);
	free(line);
	strv_free(&cli);
	return safe;
}

static void pp_close(void *arg)
{
	free(arg);
}

static struct tui_dialog_def pp_defs[PREP_FLOW_COUNT];

void app_open_prepare(enum prep_flow flow)
{
	struct tui_dialog_def *def;
	struct pp_dialog *pd;

	if ((int)flow < 0 || flow >= PREP_FLOW_COUNT)
		return;
	def = &pp_defs[flow];
	if (def->title == NULL) {
		def->title = prep_flow_title(flow);
		def->help_id = prep_flow_help(flow); /* help/prepare/<flow>.txt */
		def->fields = prepare_fields(flow);
		def->flags = TUI_DIALOG_NO_CHECKS; /* the engine checks, with its words */
		def->submit = pp_submit;
		def->command = pp_command;
		def->close = pp_close;
	}
	pd = xcalloc(1, sizeof *pd);
	pd->form.mode = NIMADM_MIGRATE;
	pd->flow = flow;
	tui_push(tui_dialog_new(def, pd));
}

/* ---- Take a Configuration Snapshot ---- */

struct snap_run {
	struct tui_status *st;
	struct snapshot_take *take;
	char *client;
	int closed;    /* the dialog went; done frees */
	unsigned work; /* app_work_begin(): cancelled if the program ends first */
};

static void ps_line(struct snap_run *r, enum tui_stream s, const char *fmt, ...)
    TUI_PRINTFLIKE(3, 4);

static void ps_line(struct snap_run *r, enum tui_stream s, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (text != NULL) {
		char *safe = app_safe(text);
		tui_status_line(r->st, s, safe, strlen(safe));
		free(safe);
	}
	free(text);
}

static void ps_progress(void *arg, const struct snapshot_item *it, size_t finished, size_t total)
{
	struct snap_run *r = arg;

	ps_line(r, it->status == SNAP_OK ? TUI_STDOUT : TUI_STDERR, "[%3zu/%zu] %-11s %s%s%s",
	        finished, total, snapshot_status_name(it->status), it->source,
	        it->message != NULL && it->status != SNAP_OK ? ": " : "",
	        it->message != NULL && it->status != SNAP_OK ? it->message : "");
}

static void ps_free(struct snap_run *r)
{
	tui_status_free(&r->st);
	free(r->client);
	free(r);
}

/* The program ends before the snapshot does (app_shutdown): stop its
 * commands, say so in the log, and free what done would have freed. */
static void ps_cancel(void *arg)
{
	struct snap_run *r = arg;

	snapshot_take_cancel(&r->take);
	ps_line(r, TUI_STDERR, "nimadm-tui: snapshot of %s cancelled: the program ended first",
	        r->client);
	tui_status_finish(r->st, 0);
	ps_free(r);
}

static void ps_done(void *arg, struct snapshot *snap, const struct err *e)
{
	struct snap_run *r = arg;

	r->take = NULL;
	app_work_end(r->work);
	if (snap == NULL) {
		ps_line(r, TUI_STDERR, "nimadm-tui: snapshot of %s failed: %s", r->client,
		        e != NULL ? e->msg : "?");
		tui_status_finish(r->st, 0);
	} else {
		size_t bad =
		    snapshot_count(snap, SNAP_UNREADABLE) + snapshot_count(snap, SNAP_UNAVAILABLE);
		/* the manifest in its own order (the live lines came as the items did) */
		ps_line(r, TUI_STDOUT, "The manifest:");
		for (size_t i = 0; i < snap->nitems; i++)
			ps_line(r, snap->items[i].status == SNAP_OK ? TUI_STDOUT : TUI_STDERR,
			        "  %-11s %s", snapshot_status_name(snap->items[i].status),
			        snap->items[i].source);
		ps_line(r, TUI_STDOUT, "%zu items: %zu ok, %zu unavailable, %zu unreadable",
		        snap->nitems, snapshot_count(snap, SNAP_OK),
		        snapshot_count(snap, SNAP_UNAVAILABLE),
		        snapshot_count(snap, SNAP_UNREADABLE));
		if (bad > 0) {
			ps_line(r, TUI_STDOUT, "Not collected (recorded in the manifest):");
			for (size_t i = 0; i < snap->nitems; i++) {
				const struct snapshot_item *it = &snap->items[i];
				if (it->status == SNAP_OK)
					continue;
				ps_line(r, TUI_STDOUT, "  %-11s %s: %s",
				        snapshot_status_name(it->status), it->name,
				        it->message != NULL ? it->message : "");
			}
		}
		{
			/* the directory and the name on lines of their own: a long
			 * path still reads (and its name is never cut in two) */
			const char *slash = strrchr(snap->path, '/');
			int dlen = slash != NULL ? (int)(slash - snap->path) : 0;
			ps_line(r, TUI_STDOUT, "Snapshot of %s written to", snap->client);
			ps_line(r, TUI_STDOUT, "  directory: %.*s", dlen, snap->path);
			ps_line(r, TUI_STDOUT, "  archive:   %s",
			        slash != NULL ? slash + 1 : snap->path);
		}
		tui_log_text("Snapshot of %s written to %s", snap->client, snap->path);
		tui_status_finish(r->st, 1);
		snapshot_free(&snap);
	}
	ps_free(r);
	tui_set_dirty();
}

static int ps_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	const char *client = tui_dialog_get(d, "client");
	struct snapshot_opts o;
	struct snapshot_cb cb;
	struct tui_status_def sd;
	const char *argv[] = { "nimadm-tui", "snapshot", "-c", client, NULL };
	struct snap_run *r;
	struct err e;
	char *line;

	(void)arg;
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
	r = xcalloc(1, sizeof *r);
	r->client = xstrdup(client);
	memset(&o, 0, sizeof o);
	o.client = r->client;
	cb.progress = ps_progress;
	cb.done = ps_done;
	cb.arg = r;
	memset(&sd, 0, sizeof sd);
	line = tui_quote_argv(argv);
	sd.command = line;
	sd.argv = argv;
	sd.help_id = "screens/snapshot";
	r->st = tui_status_new(&sd, NULL);
	free(line);
	err_clear(&e);
	r->take = snapshot_take_start(app_site(), app_site()->set, &o, &cb, &e);
	if (r->take == NULL) {
		ps_free(r);
		fe->field = e.field;
		snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		return -1;
	}
	r->work = app_work_begin(ps_cancel, r);
	ps_line(r, TUI_STDOUT, "Collecting the configuration of %s through the master...",
	        r->client);
	tui_status_push(r->st);
	return 0;
}

static char *ps_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	const char *client = tui_dialog_get(d, "client");
	const char *argv[] = { "nimadm-tui", "snapshot", "-c", client, NULL };
	char *line, *safe;

	(void)arg;
	if (client == NULL || *client == '\0') {
		fe->field = "client";
		snprintf(fe->msg, sizeof fe->msg, "which client? (-c CLIENT)");
		return NULL;
	}
	line = tui_quote_argv(argv);
	safe = app_safe(line);
	free(line);
	return safe;
}

static struct app_form ps_form = { NIMADM_MIGRATE };

static void ps_list(void *arg, struct tui_screen *dialog, const char *field_id,
                    struct tui_list_req *req)
{
	(void)arg;
	nimadm_dialog_list(&ps_form, dialog, field_id, req);
}

static const struct tui_field_def ps_fields_def[] = {
	{ "client", "NIM Client", TUI_FIELD_LIST, TUI_F_REQUIRED, .list = ps_list,
	  .help_id = "fields/client", .max_len = 64 },
	{ .id = NULL },
};

static const struct tui_dialog_def ps_def = {
	.title = "Take a Configuration Snapshot",
	.help_id = "screens/snapshot",
	.fields = ps_fields_def,
	.flags = TUI_DIALOG_NO_CHECKS,
	.submit = ps_submit,
	.command = ps_command,
};

void app_open_snapshot(void)
{
	tui_push(tui_dialog_new(&ps_def, NULL));
}
