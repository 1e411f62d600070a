/*
 * nimadm_dialog.c: one dialog per nimadm mode, generated from the engine's
 * field table (params.h): every field the mode accepts, with its label, its
 * marker (* required, + list, / path), its help (help/fields/<id>.txt) and a
 * pick list from the inventory. The engine validates (the first problem is
 * shown on the field it names), F6 shows the engine's exact command line,
 * Enter runs the job's prerequisite checks (prereq.c) and starts the job
 * only after the operator confirms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* ---- the field tables, one per mode, built once from params.h ---- */

static const char *const nd_yesno[] = { "no", "yes", NULL };

static struct tui_field_def nd_fields[NIMADM_MODE_COUNT][PF_COUNT + 1];

static const struct tui_field_def *nd_fields_for(enum nimadm_mode m)
{
	static int built[NIMADM_MODE_COUNT];
	size_t n = 0;

	if (built[m])
		return nd_fields[m];
	built[m] = 1;
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *pf = params_field_at(i);
		struct tui_field_def *f;
		if ((pf->uses & PARAMS_MODE_BIT(m)) == 0)
			continue;
		f = &nd_fields[m][n++];
		f->id = pf->id;
		f->label = pf->label;
		f->help_id = pf->help;
		f->max_len = (int)pf->max_len;
		if (pf->requires & PARAMS_MODE_BIT(m))
			f->flags |= TUI_F_REQUIRED;
		switch (pf->kind) {
		case PARAMS_KIND_NIM_OBJECT:
		case PARAMS_KIND_VG:
			f->kind = TUI_FIELD_LIST;
			f->list = nimadm_dialog_list;
			break;
		case PARAMS_KIND_DISKS:
			f->kind = TUI_FIELD_LIST;
			f->flags |= TUI_F_MULTI;
			f->list = nimadm_dialog_list;
			break;
		case PARAMS_KIND_PATH:
		case PARAMS_KIND_DEVICE:
			f->kind = TUI_FIELD_PATH;
			break;
		case PARAMS_KIND_BOOL:
			f->kind = TUI_FIELD_YESNO;
			f->choices = nd_yesno;
			f->def = "no";
			break;
		case PARAMS_KIND_NIM_NEW:
		case PARAMS_KIND_MOUNT_OPTS:
		case PARAMS_KIND_PHASES:
			f->kind = TUI_FIELD_TEXT;
			break;
		}
	}
	nd_fields[m][n].id = NULL;
	return nd_fields[m];
}

/* The modes whose jobs are checked first: a client migrated with a SPOT and an lpp_source. */
static int nd_mode_checked(enum nimadm_mode m)
{
	return params_mode_uses(m, "client") && params_mode_uses(m, "spot") &&
	       params_mode_uses(m, "lpp_source");
}

/* ---- pick lists ---- */

struct nd_pending {
	struct tui_list_req *req;
	char *field;
	char *client;
	enum nimadm_mode mode;
	struct nd_pending *next;
};

static struct {
	struct nd_pending *pending;
	unsigned watch;
} nd;

const char *nimadm_dialog_disk_problem(const struct inv_disk *d, enum nimadm_mode mode)
{
	if (mode == NIMADM_WAKEUP) {
		if (d->vg != NULL && strcmp(d->vg, "altinst_rootvg") == 0)
			return NULL;
		return d->vg != NULL ? "not altinst_rootvg" : "free: no altinst_rootvg";
	}
	if (d->free)
		return NULL;
	return d->why != NULL ? d->why : "in use";
}

/* An item as the screen may show it: what the master printed is escaped. */
static void nd_list_add(struct tui_list_req *req, const char *value, const char *desc)
{
	char *v = app_safe(value), *d = app_safe(desc);

	tui_list_add(req, v, d);
	free(v);
	free(d);
}

static void nd_add_resources(struct tui_list_req *req, const struct inv_resource *v, size_t n,
                             const char *type)
{
	for (size_t i = 0; i < n; i++) {
		const struct inv_resource *r = &v[i];
		char desc[256];
		if (type != NULL && (r->type == NULL || strcmp(r->type, type) != 0))
			continue;
		if (strcmp(r->type != NULL ? r->type : "", "lpp_source") == 0)
			snprintf(desc, sizeof desc, "%-16s simages=%s%s%s",
			         r->level_str[0] != '\0' ? r->level_str : "level unknown",
			         r->simages == 1   ? "yes"
			         : r->simages == 0 ? "no"
			                           : "?",
			         r->rstate != NULL && strcmp(r->rstate, "ready for use") != 0 ? "  "
			                                                                      : "",
			         r->rstate != NULL && strcmp(r->rstate, "ready for use") != 0
			             ? r->rstate
			             : "");
		else if (strcmp(r->type != NULL ? r->type : "", "mksysb") == 0)
			snprintf(desc, sizeof desc, "%-16s from %s, %s",
			         r->level_str[0] != '\0' ? r->level_str : "level unknown",
			         r->source_image != NULL ? r->source_image : "?",
			         r->creation_date != NULL ? r->creation_date : "date unknown");
		else if (strcmp(r->type != NULL ? r->type : "", "spot") == 0)
			snprintf(desc, sizeof desc, "%s%s%s",
			         r->level_str[0] != '\0' ? r->level_str : "level unknown",
			         r->rstate != NULL && strcmp(r->rstate, "ready for use") != 0 ? "  "
			                                                                      : "",
			         r->rstate != NULL && strcmp(r->rstate, "ready for use") != 0
			             ? r->rstate
			             : "");
		else
			snprintf(desc, sizeof desc, "%s", r->location != NULL ? r->location : "");
		nd_list_add(req, r->name, desc);
	}
}

static void nd_add_clients(struct tui_list_req *req, const struct inventory *inv, int with_all)
{
	if (with_all)
		tui_list_add(req, "ALL", "every standalone client defined on this master");
	for (size_t i = 0; i < inv->nclients; i++) {
		const struct inv_client *c = &inv->clients[i];
		char desc[256];
		const char *note = "";
		if (c->reachable == 0)
			note = "not reachable";
		else if (c->cstate != NULL && strcmp(c->cstate, "ready for a NIM operation") != 0)
			note = c->cstate;
		snprintf(desc, sizeof desc, "%-16s %-5s %s",
		         c->oslevel_str[0] != '\0' ? c->oslevel_str : "level unknown",
		         c->connect != NULL ? c->connect : "shell", note);
		nd_list_add(req, c->name, desc);
	}
}

static void nd_add_disks(struct tui_list_req *req, const struct inventory *inv, const char *client,
                         enum nimadm_mode mode)
{
	const struct inv_client *c = inventory_find_client(inv, client);
	char msg[256];

	if (c == NULL) {
		snprintf(msg, sizeof msg, "%s is not a standalone client of this master.", client);
		tui_list_done(req, msg);
		return;
	}
	if (c->ndisks == 0) {
		snprintf(msg, sizeof msg, "The disks of %s are not known: %s", client,
		         c->error != NULL ? c->error : "lspv did not answer");
		char *safe = app_safe(msg);
		tui_list_done(req, safe);
		free(safe);
		return;
	}
	for (size_t i = 0; i < c->ndisks; i++) {
		const struct inv_disk *d = &c->disks[i];
		const char *why = nimadm_dialog_disk_problem(d, mode);
		char size[32], desc[256];
		if (d->size_mb >= 0)
			snprintf(size, sizeof size, "%lld MB", d->size_mb);
		else
			snprintf(size, sizeof size, "size ?");
		snprintf(desc, sizeof desc, "%9s  %-16s  %s%s", size,
		         d->pvid != NULL ? d->pvid : "none", why == NULL ? "" : "unusable: ",
		         why == NULL ? (d->vg != NULL ? d->vg : "free") : why);
		nd_list_add(req, d->name, desc);
	}
	tui_list_done(req, NULL);
}

static void nd_add_vgs(struct tui_list_req *req, const struct inventory *inv)
{
	for (size_t i = 0; i < inv->nvgs; i++) {
		const struct inv_vg *v = &inv->vgs[i];
		char desc[256];
		if (!v->have_info)
			snprintf(desc, sizeof desc, "unknown: %s",
			         v->error != NULL ? v->error : "");
		else if (v->info.varied_off)
			snprintf(desc, sizeof desc, "varied off");
		else
			snprintf(desc, sizeof desc, "%lld MB free of %lld MB", v->info.free_mb,
			         v->info.total_mb);
		nd_list_add(req, v->name, desc);
	}
}

/* The NIM type a field's list holds, or NULL for the special lists. */
static const char *nd_field_type(const char *field)
{
	const struct params_field *pf = params_field_find(field);

	return pf != NULL ? pf->nim_type : NULL;
}

static void nd_fill(struct tui_list_req *req, const char *field, const char *client,
                    enum nimadm_mode mode)
{
	const struct inventory *inv = app_inventory();
	const char *type;

	if (tui_list_cancelled(req)) {
		tui_list_done(req, NULL);
		return;
	}
	if (inv == NULL) {
		char *msg = xasprintf("The NIM inventory could not be read: %s",
		                      app_inventory_error() != NULL ? app_inventory_error()
		                                                    : "unknown error");
		char *safe = app_safe(msg);
		tui_list_done(req, safe);
		free(safe);
		free(msg);
		return;
	}
	if (strcmp(field, "disks") == 0) {
		if (client == NULL || *client == '\0')
			tui_list_done(req,
			              "Choose the Target NIM Client first: its disks are listed "
			              "here.");
		else
			nd_add_disks(req, inv, client, mode);
		return;
	}
	if (strcmp(field, "clients") == 0 || strcmp(field, "client") == 0) {
		nd_add_clients(req, inv, strcmp(field, "clients") == 0);
	} else if (strcmp(field, "cache_vg") == 0) {
		nd_add_vgs(req, inv);
	} else if ((type = nd_field_type(field)) != NULL) {
		if (strcmp(type, "spot") == 0)
			nd_add_resources(req, inv->spots, inv->nspots, NULL);
		else if (strcmp(type, "lpp_source") == 0)
			nd_add_resources(req, inv->lpp_sources, inv->nlpp_sources, NULL);
		else if (strcmp(type, "mksysb") == 0)
			nd_add_resources(req, inv->mksysbs, inv->nmksysbs, NULL);
		else if (strcmp(type, "standalone") == 0)
			nd_add_clients(req, inv, 0);
		else
			nd_add_resources(req, inv->others, inv->nothers, type);
	}
	tui_list_done(req, NULL);
}

static void nd_pending_free(struct nd_pending *p)
{
	free(p->field);
	free(p->client);
	free(p);
}

/* The inventory arrived (or failed): fill every list that waited for it. */
static void nd_inventory_changed(void *arg)
{
	struct nd_pending *p = nd.pending;

	(void)arg;
	nd.pending = NULL;
	app_inventory_unwatch(nd.watch);
	nd.watch = 0;
	while (p != NULL) {
		struct nd_pending *next = p->next;
		nd_fill(p->req, p->field, p->client, p->mode);
		nd_pending_free(p);
		p = next;
	}
}

/* The client a disk list is about: "client", else the first of "clients". */
static char *nd_client_of(struct tui_screen *d)
{
	const char *c = tui_dialog_get(d, "client");
	size_t n;

	if (c == NULL || *c == '\0')
		c = tui_dialog_get(d, "clients");
	if (c == NULL)
		return NULL;
	c += strspn(c, " ,");
	n = strcspn(c, " ,");
	if (n == 3 && strncmp(c, "ALL", 3) == 0)
		return NULL;
	return xstrndup(c, n);
}

void nimadm_dialog_list(void *arg, struct tui_screen *dialog, const char *field_id,
                        struct tui_list_req *req)
{
	const struct app_form *form = arg;
	char *client = strcmp(field_id, "disks") == 0 ? nd_client_of(dialog) : NULL;
	enum nimadm_mode mode = form != NULL ? form->mode : NIMADM_MIGRATE;

	if (app_inventory() == NULL && app_inventory_loading()) {
		struct nd_pending *p = xcalloc(1, sizeof *p);
		p->req = req;
		p->field = xstrdup(field_id);
		p->client = client;
		p->mode = mode;
		p->next = nd.pending;
		nd.pending = p;
		if (nd.watch == 0)
			nd.watch = app_inventory_watch(nd_inventory_changed, NULL);
		return;
	}
	nd_fill(req, field_id, client, mode);
	free(client);
}

/* ---- the dialog ---- */

struct nd_state {
	struct app_form form; /* first: the pick lists read the mode from it */
	struct nimadm_params *preset;
	struct nimadm_params *pending; /* waiting for the confirmation */
};

/* The dialog's values as parameters; NULL with fe filled when refused. */
static struct nimadm_params *nd_params(struct nd_state *st, struct tui_screen *d,
                                       struct tui_field_error *fe)
{
	struct nimadm_params *p = params_new(st->form.mode);
	const struct tui_field_def *f = nd_fields_for(st->form.mode);
	struct err e;

	for (; f->id != NULL; f++) {
		err_clear(&e);
		if (params_set(p, f->id, tui_dialog_get(d, f->id), &e) != 0) {
			fe->field = f->id;
			snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
			params_free(&p);
			return NULL;
		}
	}
	return p;
}

/* The first problem params_validate() finds, on its field; 0 when valid. */
static int nd_validate(const struct nimadm_params *p, struct tui_field_error *fe)
{
	struct params_problems probs = { 0 };
	size_t n = params_validate(p, &probs);

	if (n > 0) {
		fe->field = probs.v[0].field;
		if (n > 1)
			snprintf(fe->msg, sizeof fe->msg, "%s (and %zu more problem%s)",
			         probs.v[0].msg, n - 1, n > 2 ? "s" : "");
		else
			snprintf(fe->msg, sizeof fe->msg, "%s", probs.v[0].msg);
	}
	params_problems_free(&probs);
	return n > 0 ? -1 : 0;
}

static void nd_confirmed(void *arg, int yes)
{
	struct nd_state *st = arg;
	struct nimadm_params *p = st->pending;

	st->pending = NULL;
	if (yes && p != NULL)
		app_start_job(p, NULL);
	params_free(&p);
}

static int nd_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct nd_state *st = arg;
	struct nimadm_params *p = nd_params(st, d, fe);
	char *line, *text, *safe;

	if (p == NULL)
		return -1;
	if (nd_validate(p, fe) != 0) {
		params_free(&p);
		return -1;
	}
	if (nd_mode_checked(st->form.mode)) {
		app_prereq_job(p); /* takes p */
		return 0;
	}
	line = params_command_line(p, NULL);
	safe = app_safe(line);
	text = xasprintf("This starts %s:\n\n   %s\n\n"
	                 "    Press Enter to start it.\n"
	                 "    Press Cancel to return to the dialog.\n",
	                 params_mode_phrase(st->form.mode), safe);
	params_free(&st->pending);
	st->pending = p;
	tui_confirm(text, nd_confirmed, st);
	free(text);
	free(safe);
	free(line);
	return 0;
}

static char *nd_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct nd_state *st = arg;
	struct nimadm_params *p = nd_params(st, d, fe);
	struct err e;
	char *line, *safe;

	if (p == NULL)
		return NULL;
	if (nd_validate(p, fe) != 0) {
		params_free(&p);
		return NULL;
	}
	err_clear(&e);
	line = params_command_line(p, &e);
	params_free(&p);
	if (line == NULL) {
		fe->field = e.field;
		snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		return NULL;
	}
	safe = app_safe(line);
	free(line);
	return safe;
}

/* A disk chosen from the list that cannot be used is taken out again, with the reason. */
static void nd_check_disks(struct nd_state *st, struct tui_screen *d)
{
	const struct inventory *inv = app_inventory();
	const struct inv_client *c;
	struct strbuf keep = { 0 }, msg = { 0 };
	char *client = nd_client_of(d), *disks;
	const char *tok;

	if (inv == NULL || client == NULL || (c = inventory_find_client(inv, client)) == NULL ||
	    c->ndisks == 0) {
		free(client);
		return;
	}
	disks = xstrdup(tui_dialog_get(d, "disks"));
	for (tok = strtok(disks, " "); tok != NULL; tok = strtok(NULL, " ")) {
		const struct inv_disk *dk = inventory_client_find_disk(c, tok);
		const char *why = dk != NULL ? nimadm_dialog_disk_problem(dk, st->form.mode)
		                             : "not a disk of the client";
		if (why == NULL) {
			sb_addf(&keep, "%s%s", keep.len > 0 ? " " : "", tok);
		} else if (msg.len == 0) {
			sb_addf(&msg, "%s cannot be used (%s)", tok, why);
		}
	}
	if (msg.len > 0) {
		char *safe;
		tui_dialog_set(d, "disks", sb_str(&keep));
		sb_adds(&msg, st->form.mode == NIMADM_WAKEUP
		                  ? ": choose the disk of altinst_rootvg (F4)."
		                  : ": choose a free disk (F4).");
		safe = app_safe(sb_str(&msg));
		tui_dialog_error(d, "disks", safe);
		free(safe);
	}
	sb_free(&keep);
	sb_free(&msg);
	free(disks);
	free(client);
}

static void nd_changed(void *arg, struct tui_screen *d, const char *field_id)
{
	struct nd_state *st = arg;

	if (strcmp(field_id, "disks") == 0)
		nd_check_disks(st, d);
}

static void nd_close(void *arg)
{
	struct nd_state *st = arg;

	params_free(&st->preset);
	params_free(&st->pending);
	free(st);
}

static struct tui_dialog_def nd_defs[NIMADM_MODE_COUNT];
static char nd_help_ids[NIMADM_MODE_COUNT][64];

void app_open_nimadm(enum nimadm_mode mode, const struct nimadm_params *preset)
{
	struct nd_state *st;
	struct tui_dialog_def *def;
	struct tui_screen *d;

	app_inventory_want();
	if ((int)mode < 0 || mode >= NIMADM_MODE_COUNT)
		return;
	def = &nd_defs[mode];
	if (def->title == NULL) {
		snprintf(nd_help_ids[mode], sizeof nd_help_ids[mode], "screens/nimadm-%s",
		         params_mode_name(mode));
		def->title = params_mode_title(mode);
		def->help_id = nd_help_ids[mode];
		def->fields = nd_fields_for(mode);
		/* the engine checks everything, with its own words */
		def->flags = TUI_DIALOG_NO_CHECKS;
		def->submit = nd_submit;
		def->command = nd_command;
		def->changed = nd_changed;
		def->close = nd_close;
	}
	st = xcalloc(1, sizeof *st);
	st->form.mode = mode;
	d = tui_dialog_new(def, st);
	if (preset != NULL) {
		st->preset = params_copy(preset);
		for (const struct tui_field_def *f = def->fields; f->id != NULL; f++) {
			const char *v = params_get(preset, f->id);
			if (*v != '\0')
				tui_dialog_set_initial(d, f->id,
				                       f->kind == TUI_FIELD_YESNO ? "yes" : v);
		}
	}
	tui_push(d);
}

/* ---- starting a job ---- */

/* The key that keeps two jobs off the same client (or mksysb, or SPOT). */
static const char *nd_job_key(const struct nimadm_params *p)
{
	static const char *const keys[] = { "client", "mksysb", "spot" };

	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (params_get(p, keys[i])[0] != '\0')
			return params_get(p, keys[i]);
	return "";
}

int app_start_job(const struct nimadm_params *p, char id_out[JOB_ID_MAX])
{
	struct strv argv = { 0 };
	struct strbuf ini = { 0 };
	struct job_request rq;
	char id[JOB_ID_MAX], *line = NULL;
	struct err e;
	int rc = -1;

	err_clear(&e);
	if (params_argv(p, &argv, &e) != 0 || params_ini_write(p, &ini, &e) != 0) {
		tui_error("%s", e.msg);
		goto out;
	}
	memset(&rq, 0, sizeof rq);
	rq.mode = params_mode_name(p->mode);
	rq.client = nd_job_key(p);
	rq.argv = strv_argv(&argv);
	rq.params_ini = sb_str(&ini);
	if (job_submit(app_site(), &rq, id, &e) != 0) {
		char *safe = app_safe(e.msg);
		tui_error("Not started: %s", safe);
		free(safe);
		goto out;
	}
	/* a migration gets its live view; the short operations smitty's COMMAND
	 * STATUS, which logs the command and its output itself */
	if (p->mode <= NIMADM_CLIENT_TO_MKSYSB) {
		line = params_argv_to_line(strv_argv(&argv));
		tui_log_command(strv_argv(&argv), line);
		tui_log_text("Job %s started: %s", id, line);
		app_open_job(id);
	} else {
		app_open_cmdstatus(id, strv_argv(&argv));
	}
	if (id_out != NULL)
		str_copy(id_out, id, JOB_ID_MAX);
	rc = 0;
out:
	free(line);
	strv_free(&argv);
	sb_free(&ini);
	return rc;
}
