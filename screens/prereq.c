/*
 * prereq.c: the prerequisite screens. A dialog chooses the clients (one,
 * several or ALL) and the target (SPOT, lpp_source, -j, -d, -U); the report
 * is a table, one row per host and one column per client check, whose
 * verdict marks fill in as each host's checks finish. Enter on a host lists
 * its checks; Enter on a check shows its evidence and fix. The same report
 * runs before a job starts (app_prereq_job): when it is complete the
 * operator confirms (warnings ask, failures block unless Force? is yes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* ---- the table's columns ---- */

/* Two letters per client check for the table's header (the legend is in
 * help/screens/prereq-report.txt); unknown checks use their first letters. */
static const struct {
	const char *id;
	const char *abbr;
} prereq_abbrs[] = {
	{ "client.defined", "df" },  { "client.cstate", "cs" },   { "client.reach", "rc" },
	{ "client.niminfo", "ni" },  { "client.oslevel", "os" },  { "client.processor", "cp" },
	{ "client.memory", "me" },   { "client.multibos", "mb" }, { "client.lv_names", "lv" },
	{ "client.tcb", "tc" },      { "client.ncargs", "nc" },   { "client.lppchk", "lc" },
	{ "client.installp", "ip" }, { "client.ml", "ml" },       { "client.mksysb", "bk" },
	{ "client.nfs", "nf" },      { "job.disks", "dk" },
};

static void prereq_abbr(const char *id, char out[3])
{
	const char *dot;

	for (size_t i = 0; i < ARRAY_LEN(prereq_abbrs); i++) {
		if (strcmp(prereq_abbrs[i].id, id) == 0) {
			memcpy(out, prereq_abbrs[i].abbr, 3);
			return;
		}
	}
	dot = strchr(id, '.');
	dot = dot != NULL ? dot + 1 : id;
	out[0] = dot[0] != '\0' ? dot[0] : '?';
	out[1] = dot[0] != '\0' && dot[1] != '\0' ? dot[1] : '?';
	out[2] = '\0';
}

/* A cell of the table: ".." until the result is in. */
static const char *prereq_glyph(const struct check_result *r)
{
	if (r == NULL)
		return "..";
	switch (r->status) {
	case CHECK_PASS:
		return "ok";
	case CHECK_WARN:
		return "WA";
	case CHECK_FAIL:
		return "FA";
	case CHECK_SKIPPED:
		return "--";
	case CHECK_ERROR:
		return "ER";
	case CHECK_NSTATUS:
		break;
	}
	return "??";
}

/* ---- the state of a report ---- */

struct prereq_host {
	char *name;                    /* "master" or the client */
	const struct check_def **defs; /* its checks, in table order */
	struct check_result **res;     /* copies, NULL until in */
	size_t n;
	int done, timed_out;
	char **labels;               /* the host menu's rows */
	char **help_ids;             /* "checks/<id>": F1 on a row */
	struct tui_menu_item *items; /* n + 1 */
	char *title;
	struct tui_screen *menu; /* while open */
};

enum prereq_row { PQ_CONTEXT, PQ_HEADER, PQ_HOST, PQ_ACTION, PQ_START, PQ_TEXT };

struct prereq_view {
	/* the request, with owned strings */
	struct check_request req;
	char *clients, *spot, *lpp_source, *cache_vg, *disks;
	char *nfs_export;           /* the one --nfs-export of the dialog, or NULL */
	const char *nfs_exports[1]; /* req.nfs_exports points here */
	struct nimadm_params *job;  /* job mode: what to start; NULL otherwise */
	struct prereq_host *hosts;  /* [0] is the master */
	size_t nhosts;
	struct check_run *run;
	struct tui_source *src;
	struct check_report *rep; /* the last complete report */
	size_t hosts_done;
	int stopped;
	char started[JOB_ID_MAX]; /* job mode: the job once started ("" before) */
	/* the table */
	struct tui_menu_item *items;
	char **labels;
	enum prereq_row *kinds;
	size_t nitems;
	struct tui_screen *menu;
};

struct prereq_host_arg {
	struct prereq_view *v;
	size_t host;
};

static void prereq_start(struct prereq_view *v);

static struct prereq_host *prereq_find_host(struct prereq_view *v, const char *name)
{
	for (size_t i = 0; i < v->nhosts; i++)
		if (strcmp(v->hosts[i].name, name) == 0)
			return &v->hosts[i];
	return NULL;
}

/* Worst verdict that counts, as check_report_verdict() ranks them; -1 while none is in. */
static int prereq_host_verdict(const struct prereq_host *h)
{
	int fail = 0, error = 0, warn = 0, any = 0;

	for (size_t i = 0; i < h->n; i++) {
		if (h->res[i] == NULL)
			continue;
		any = 1;
		fail |= h->res[i]->status == CHECK_FAIL;
		error |= h->res[i]->status == CHECK_ERROR;
		warn |= h->res[i]->status == CHECK_WARN;
	}
	if (!any)
		return -1;
	return fail ? CHECK_FAIL : error ? CHECK_ERROR : warn ? CHECK_WARN : CHECK_PASS;
}

static void prereq_set_label(char **slot, struct tui_menu_item *item, char *label)
{
	free(*slot);
	*slot = label;
	item->label = label;
}

/* The rows of one host's menu. */
static void prereq_host_labels(struct prereq_host *h)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct check_result *r = h->res[i];
		char *summary = app_safe(r != NULL ? r->summary
		                         : h->done ? "(no result)"
		                                   : "(waiting for the result)");
		prereq_set_label(&h->labels[i], &h->items[i],
		                 xasprintf("%-4s  %-22s %s",
		                           r != NULL ? check_status_mark(r->status) : "...",
		                           h->defs[i]->id, summary));
		free(summary);
	}
	if (h->menu != NULL)
		tui_screen_dirty(h->menu);
}

static char *prereq_host_row(const struct prereq_view *v, const struct prereq_host *h, int master)
{
	struct strbuf sb = { 0 };
	int verdict = prereq_host_verdict(h);
	char *name = app_safe(h->name);
	const char *result;

	if (!h->done)
		result = v->run != NULL ? "..." : "stop";
	else if (verdict < 0)
		result = "none";
	else
		result = check_status_mark((enum check_status)verdict);
	sb_addf(&sb, "%-14.14s %-5s", name, result);
	free(name);
	if (master) {
		size_t counts[CHECK_NSTATUS] = { 0 }, in = 0;
		for (size_t i = 0; i < h->n; i++)
			if (h->res[i] != NULL) {
				counts[h->res[i]->status]++;
				in++;
			}
		sb_addf(&sb, " NIM master, SPOT, lpp_source: %zu of %zu in", in, h->n);
		if (counts[CHECK_FAIL] > 0)
			sb_addf(&sb, ", %zu FAIL", counts[CHECK_FAIL]);
		if (counts[CHECK_ERROR] > 0)
			sb_addf(&sb, ", %zu ERR", counts[CHECK_ERROR]);
		if (counts[CHECK_WARN] > 0)
			sb_addf(&sb, ", %zu WARN", counts[CHECK_WARN]);
	} else {
		for (size_t i = 0; i < h->n; i++)
			sb_addf(&sb, " %s", prereq_glyph(h->res[i]));
		if (h->timed_out)
			sb_adds(&sb, " (timed out)");
	}
	return sb_steal(&sb);
}

/* The target in words: "SPOT spot_7300_02 (7300-02-02-2420), lpp_source lpp_7300_02, no -j". */
static char *prereq_context(const struct prereq_view *v)
{
	char *s =
	    xasprintf("SPOT %s%s%s%s, lpp_source %s, %s%s%s%s", v->spot,
	              v->rep != NULL && v->rep->target[0] != '\0' ? " (" : "",
	              v->rep != NULL ? v->rep->target : "",
	              v->rep != NULL && v->rep->target[0] != '\0' ? ")" : "", v->lpp_source,
	              v->cache_vg != NULL ? "-j " : "no -j", v->cache_vg != NULL ? v->cache_vg : "",
	              v->disks != NULL ? ", -d " : "", v->disks != NULL ? v->disks : "");
	char *safe = app_safe(s);

	free(s);
	return safe;
}

static void prereq_labels(struct prereq_view *v)
{
	for (size_t i = 0; i < v->nitems; i++) {
		char *label = NULL;
		switch (v->kinds[i]) {
		case PQ_CONTEXT:
			label = prereq_context(v);
			break;
		case PQ_HEADER: {
			struct strbuf sb = { 0 };
			const struct prereq_host *h = v->nhosts > 1 ? &v->hosts[1] : NULL;
			sb_addf(&sb, "%-14s %-5s", "Host", "Total");
			for (size_t k = 0; h != NULL && k < h->n; k++) {
				char abbr[3];
				prereq_abbr(h->defs[k]->id, abbr);
				sb_addf(&sb, " %s", abbr);
			}
			label = sb_steal(&sb);
			break;
		}
		case PQ_HOST: {
			size_t h = i - 2;
			label = prereq_host_row(v, &v->hosts[h], h == 0);
			break;
		}
		case PQ_ACTION:
			if (v->run != NULL)
				label = xasprintf("Stop the checks (%zu of %zu hosts done)",
				                  v->hosts_done, v->nhosts);
			else
				label = xstrdup("Run the checks again");
			break;
		case PQ_START: {
			const char *phrase = params_mode_phrase(v->job->mode);
			if (v->started[0] != '\0')
				label = xasprintf("Started as job %s: Enter shows it", v->started);
			else if (v->run != NULL || v->rep == NULL)
				label = xasprintf("Start %s (after the checks)", phrase);
			else
				label = xasprintf("Start %s now", phrase);
			break;
		}
		case PQ_TEXT:
			label = xstrdup("Show the whole report as text");
			break;
		}
		prereq_set_label(&v->labels[i], &v->items[i], label);
	}
	if (v->menu != NULL)
		tui_screen_dirty(v->menu);
}

/* ---- the report as text (also logged) ---- */

static void prereq_text_result(struct strbuf *sb, const struct check_result *r, int details)
{
	char *summary = app_safe(r->summary);

	/* two lines: the pop-up is 72 columns wide */
	sb_addf(sb, "  %-4s  %s\n        %s\n", check_status_mark(r->status), r->check, summary);
	free(summary);
	if (!details)
		return;
	for (size_t i = 0; i < r->nevidence; i++) {
		const struct check_evidence *ev = &r->evidence[i];
		char *cmd = app_safe(ev->command != NULL ? ev->command : "(derived)");
		sb_addf(sb, "        $ %s", cmd);
		free(cmd);
		if (ev->status >= 0 || ev->note != NULL) {
			char *note = app_safe(ev->note);
			sb_adds(sb, "   [");
			if (ev->status >= 0)
				sb_addf(sb, "exit %d%s", ev->status, ev->note != NULL ? "; " : "");
			sb_addf(sb, "%s]", note);
			free(note);
		}
		sb_addc(sb, '\n');
		for (size_t k = 0; k < ev->lines.n; k++) {
			char *line = app_safe(ev->lines.v[k]);
			sb_addf(sb, "          %s\n", line);
			free(line);
		}
	}
	if (r->fix != NULL) {
		sb_adds(sb, "        fix:\n");
		for (const char *s = r->fix; *s != '\0';) {
			size_t n = strcspn(s, "\n");
			char *raw = xstrndup(s, n), *line = app_safe(raw);
			sb_addf(sb, "          %s\n", line);
			free(line);
			free(raw);
			s += n + (s[n] == '\n');
		}
	}
}

static char *prereq_text(const struct prereq_view *v)
{
	struct strbuf sb = { 0 };
	char *ctx = prereq_context(v);

	sb_addf(&sb, "Prerequisites for nimadm: %s\n", ctx);
	free(ctx);
	for (size_t h = 0; h < v->nhosts; h++) {
		const struct prereq_host *ph = &v->hosts[h];
		char *name = app_safe(ph->name);
		sb_addf(&sb, "\n%s%s%s\n", name, h == 0 ? " (NIM master, SPOT and lpp_source)" : "",
		        ph->timed_out ? " (timed out)" : "");
		free(name);
		for (size_t i = 0; i < ph->n; i++) {
			if (ph->res[i] != NULL)
				prereq_text_result(&sb, ph->res[i],
				                   ph->res[i]->status != CHECK_PASS);
			else
				sb_addf(&sb, "  ...   %s\n        (no result)\n", ph->defs[i]->id);
		}
	}
	if (v->rep != NULL) {
		const struct check_report *rep = v->rep;
		sb_addf(&sb,
		        "\nSummary: %zu host%s, %zu checks: %zu pass, %zu warn, %zu fail, %zu "
		        "skipped, %zu error\n",
		        rep->hosts.n, rep->hosts.n == 1 ? "" : "s", rep->nresults,
		        rep->counts[CHECK_PASS], rep->counts[CHECK_WARN], rep->counts[CHECK_FAIL],
		        rep->counts[CHECK_SKIPPED], rep->counts[CHECK_ERROR]);
		if (rep->error != NULL) {
			char *e = app_safe(rep->error);
			sb_addf(&sb, "Error: %s\n", e);
			free(e);
		}
	} else if (v->stopped) {
		sb_adds(&sb, "\nThe checks were stopped before the end.\n");
	} else {
		sb_adds(&sb, "\nThe checks are still running.\n");
	}
	return sb_steal(&sb);
}

/* ---- one result in detail ---- */

static void prereq_show_result(const struct prereq_host *h, size_t i)
{
	const struct check_result *r = h->res[i];
	const struct check_def *def = h->defs[i];
	struct strbuf sb = { 0 };
	char *explain = check_help_explain(def->id), *title, *name = app_safe(h->name);

	sb_addf(&sb, "%s\n\n", def->title);
	if (r == NULL) {
		sb_addf(&sb, "No result yet for %s.\n", name);
	} else {
		char *summary = app_safe(r->summary);
		sb_addf(&sb, "Verdict on %s: %s%s\n%s\n", name, check_status_mark(r->status),
		        r->timed_out ? " (the host's time ran out)" : "", summary);
		free(summary);
		if (r->nevidence > 0) {
			sb_adds(&sb, "\nEvidence:\n");
			for (size_t k = 0; k < r->nevidence; k++) {
				const struct check_evidence *ev = &r->evidence[k];
				char *cmd =
				    app_safe(ev->command != NULL ? ev->command : "(derived)");
				char *host = app_safe(ev->host);
				sb_addf(&sb, "  on %s: %s", host, cmd);
				if (ev->status >= 0)
					sb_addf(&sb, "  [exit %d]", ev->status);
				sb_addc(&sb, '\n');
				if (ev->note != NULL) {
					char *note = app_safe(ev->note);
					sb_addf(&sb, "    (%s)\n", note);
					free(note);
				}
				for (size_t l = 0; l < ev->lines.n; l++) {
					char *line = app_safe(ev->lines.v[l]);
					sb_addf(&sb, "    %s\n", line);
					free(line);
				}
				free(cmd);
				free(host);
			}
		}
		if (r->fix != NULL) {
			/* line by line: app_safe() would escape the newlines */
			sb_adds(&sb, "\nFix:\n");
			for (const char *s = r->fix; *s != '\0';) {
				size_t n = strcspn(s, "\n");
				char *raw = xstrndup(s, n), *line = app_safe(raw);
				sb_addf(&sb, "  %s\n", line);
				free(line);
				free(raw);
				s += n + (s[n] == '\n');
			}
		}
	}
	if (explain != NULL) {
		/* the explanation starts with the title, shown above already */
		const char *body = explain;
		size_t tl = strlen(def->title);
		if (strncmp(body, def->title, tl) == 0 && (body[tl] == '\n' || body[tl] == '\0'))
			body += tl + strspn(body + tl, "\n");
		char *flowed = app_reflow(body);
		sb_addf(&sb, "\nAbout this check:\n%s", flowed);
		free(flowed);
	}
	title = xasprintf("%s: %s", name, def->id);
	tui_popup_text(title, sb_str(&sb));
	free(title);
	free(name);
	free(explain);
	sb_free(&sb);
}

/* ---- a host's menu ---- */

static void prereq_host_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it)
{
	struct prereq_host_arg *ha = arg;

	(void)it;
	prereq_show_result(&ha->v->hosts[ha->host], tui_menu_current(menu));
}

static void prereq_host_closed(void *arg)
{
	struct prereq_host_arg *ha = arg;

	ha->v->hosts[ha->host].menu = NULL;
	free(ha);
}

static void prereq_open_host(struct prereq_view *v, size_t host)
{
	struct prereq_host *h = &v->hosts[host];
	struct prereq_host_arg *ha = xcalloc(1, sizeof *ha);
	struct tui_menu_def def;

	if (h->menu != NULL)
		return;
	ha->v = v;
	ha->host = host;
	memset(&def, 0, sizeof def);
	def.title = h->title;
	def.help_id = "screens/prereq-host";
	def.items = h->items;
	def.select = prereq_host_select;
	def.close = prereq_host_closed;
	h->menu = tui_menu_new(&def, ha);
	tui_push(h->menu);
}

/* ---- the run ---- */

static void prereq_on_result(void *arg, const struct check_result *r)
{
	struct prereq_view *v = arg;
	struct prereq_host *h = prereq_find_host(v, r->host);

	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		if (strcmp(h->defs[i]->id, r->check) == 0) {
			check_result_free(&h->res[i]);
			h->res[i] = check_result_dup(r);
			break;
		}
	}
	prereq_host_labels(h);
	prereq_labels(v);
}

static void prereq_on_host_done(void *arg, const char *host, int timed_out)
{
	struct prereq_view *v = arg;
	struct prereq_host *h = prereq_find_host(v, host);

	if (h == NULL || h->done)
		return;
	h->done = 1;
	h->timed_out = timed_out;
	v->hosts_done++;
	prereq_host_labels(h);
	prereq_labels(v);
}

/* The results that did not pass, one line each, for the confirmation. */
static void prereq_list_bad(const struct check_report *rep, struct strbuf *sb, size_t max)
{
	size_t shown = 0, bad = 0;

	for (size_t i = 0; i < rep->nresults; i++) {
		const struct check_result *r = rep->results[i];
		if (r->status != CHECK_FAIL && r->status != CHECK_WARN && r->status != CHECK_ERROR)
			continue;
		bad++;
		if (shown < max) {
			char *host = app_safe(r->host), *summary = app_safe(r->summary);
			sb_addf(sb, "  %-4s %s %s: %s\n", check_status_mark(r->status), host,
			        r->check, summary);
			free(host);
			free(summary);
			shown++;
		}
	}
	if (bad > shown)
		sb_addf(sb, "  ... and %zu more (see the report)\n", bad - shown);
}

static void prereq_confirmed(void *arg, int yes)
{
	struct prereq_view *v = arg;

	if (yes && v->job != NULL && app_start_job(v->job, v->started) == 0)
		prereq_labels(v);
}

/* Job mode, the checks complete: ask to start, or say why not. */
static void prereq_decide(struct prereq_view *v)
{
	const struct check_report *rep = v->rep;
	enum check_status verdict = check_report_verdict(rep);
	int force = params_get(v->job, "force")[0] != '\0';
	const char *phrase = params_mode_phrase(v->job->mode);
	struct strbuf sb = { 0 };
	char *line = params_command_line(v->job, NULL), *cmd = app_safe(line);

	free(line);
	if (verdict == CHECK_FAIL && !force) {
		sb_addf(&sb, "%zu prerequisite check%s failed, so %s will not start:\n\n",
		        rep->counts[CHECK_FAIL], rep->counts[CHECK_FAIL] == 1 ? "" : "s", phrase);
		prereq_list_bad(rep, &sb, 8);
		sb_adds(&sb, "\nEnter on a row of the report shows the evidence and the fix. Fix "
		             "the problems and run the checks again, or set \"Force?\" to yes in "
		             "the dialog to start anyway.");
		tui_popup_text("CANNOT START", sb_str(&sb));
		sb_free(&sb);
		free(cmd);
		return;
	}
	if (verdict == CHECK_FAIL)
		sb_addf(&sb,
		        "%zu prerequisite check%s FAILED. \"Force?\" is yes, so %s starts "
		        "anyway:\n\n",
		        rep->counts[CHECK_FAIL], rep->counts[CHECK_FAIL] == 1 ? "" : "s", phrase);
	else if (verdict == CHECK_WARN || verdict == CHECK_ERROR)
		sb_addf(&sb,
		        "The prerequisite checks passed with %zu warning%s and %zu check%s that "
		        "could not run:\n\n",
		        rep->counts[CHECK_WARN], rep->counts[CHECK_WARN] == 1 ? "" : "s",
		        rep->counts[CHECK_ERROR], rep->counts[CHECK_ERROR] == 1 ? "" : "s");
	else
		sb_addf(&sb, "All %zu prerequisite checks passed.\n", rep->nresults);
	if (verdict != CHECK_PASS)
		prereq_list_bad(rep, &sb, 8);
	sb_addf(&sb,
	        "\nThis starts %s:\n\n   %s\n\n"
	        "    Press Enter to start it.\n"
	        "    Press Cancel to return to the report.\n",
	        phrase, cmd);
	tui_confirm(sb_str(&sb), prereq_confirmed, v);
	sb_free(&sb);
	free(cmd);
}

static void prereq_on_done(void *arg, struct check_report *rep)
{
	struct prereq_view *v = arg;
	char *text;

	app_check_source_remove(&v->src);
	v->run = NULL; /* freed when this returns */
	check_report_free(&v->rep);
	v->rep = rep;
	{
		/* Kept for support bundles; a failure to save is said, not fatal. */
		struct err e;
		err_clear(&e);
		if (check_report_save(app_site(), rep, &e) != 0)
			tui_error("%s", e.msg);
	}
	for (size_t i = 0; i < v->nhosts; i++) {
		if (!v->hosts[i].done) {
			v->hosts[i].done = 1;
			v->hosts_done++;
		}
		for (size_t k = 0; k < rep->timed_out.n; k++)
			if (strcmp(rep->timed_out.v[k], v->hosts[i].name) == 0)
				v->hosts[i].timed_out = 1;
		prereq_host_labels(&v->hosts[i]);
	}
	prereq_labels(v);
	text = prereq_text(v);
	tui_log_text("%s", text);
	free(text);
	if (rep->error != NULL) {
		char *e = app_safe(rep->error);
		tui_error("The checks could not run: %s", e);
		free(e);
		return;
	}
	if (v->job != NULL && v->started[0] == '\0')
		prereq_decide(v);
}

/* The command line `nimadm-tui check` would take for this request. */
static void prereq_cli_argv(const struct prereq_view *v, struct strv *argv, int with_lab)
{
	struct site *site = app_site();

	strv_push(argv, "nimadm-tui");
	if (with_lab && site != NULL && site->lab != NULL) {
		strv_push(argv, "--lab");
		strv_push(argv, site->lab);
	}
	strv_push(argv, "check");
	strv_push(argv, "-c");
	strv_push(argv, v->clients);
	strv_push(argv, "-s");
	strv_push(argv, v->spot);
	strv_push(argv, "-l");
	strv_push(argv, v->lpp_source);
	if (v->cache_vg != NULL) {
		strv_push(argv, "-j");
		strv_push(argv, v->cache_vg);
	}
	if (v->disks != NULL) {
		strv_push(argv, "-d");
		strv_push(argv, v->disks);
	}
	if (v->req.tl_update)
		strv_push(argv, "-U");
	for (size_t i = 0; i < v->req.nnfs_exports; i++) {
		strv_push(argv, "--nfs-export");
		strv_push(argv, v->req.nfs_exports[i]);
	}
}

static void prereq_start(struct prereq_view *v)
{
	struct check_cb cb = {
		.result = prereq_on_result,
		.host_done = prereq_on_host_done,
		.done = prereq_on_done,
		.arg = v,
	};
	struct strv argv = { 0 };
	struct err e;

	for (size_t i = 0; i < v->nhosts; i++) {
		struct prereq_host *h = &v->hosts[i];
		for (size_t k = 0; k < h->n; k++)
			check_result_free(&h->res[k]);
		h->done = h->timed_out = 0;
		prereq_host_labels(h);
	}
	check_report_free(&v->rep);
	v->hosts_done = 0;
	v->stopped = 0;
	prereq_cli_argv(v, &argv, 1);
	tui_log_command(strv_argv(&argv), NULL);
	strv_free(&argv);
	err_clear(&e);
	v->run = check_run_start(app_site(), app_site()->set, &v->req, &cb, &e);
	if (v->run == NULL) {
		char *safe = app_safe(e.msg);
		tui_error("The checks could not start: %s", safe);
		free(safe);
		v->stopped = 1;
	} else {
		v->src = app_check_source_add(v->run);
	}
	prereq_labels(v);
}

static void prereq_stop(struct prereq_view *v)
{
	if (v->run == NULL)
		return;
	check_run_cancel(&v->run);
	app_check_source_remove(&v->src);
	v->stopped = 1;
	tui_log_text("The prerequisite checks were stopped by the operator.");
	for (size_t i = 0; i < v->nhosts; i++)
		prereq_host_labels(&v->hosts[i]);
	prereq_labels(v);
	tui_message("The checks were stopped.");
}

/* ---- the table screen ---- */

static void prereq_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it)
{
	struct prereq_view *v = arg;
	size_t i = tui_menu_current(menu);
	char *text;

	(void)it;
	if (i >= v->nitems)
		return;
	switch (v->kinds[i]) {
	case PQ_CONTEXT:
	case PQ_HEADER:
		tui_popup_help("The Prerequisite Report", "screens/prereq-report");
		break;
	case PQ_HOST:
		prereq_open_host(v, i - 2);
		break;
	case PQ_ACTION:
		if (v->run != NULL)
			prereq_stop(v);
		else
			prereq_start(v);
		break;
	case PQ_START:
		if (v->started[0] != '\0')
			app_open_job(v->started);
		else if (v->run != NULL || v->rep == NULL)
			tui_message(
			    "The checks are not complete: wait for them, or run them again.");
		else
			prereq_decide(v);
		break;
	case PQ_TEXT:
		text = prereq_text(v);
		tui_popup_text("Prerequisite Report", text);
		free(text);
		break;
	}
}

static void prereq_view_free(struct prereq_view *v)
{
	if (v->run != NULL) {
		check_run_cancel(&v->run);
		app_check_source_remove(&v->src);
	}
	check_report_free(&v->rep);
	for (size_t i = 0; i < v->nhosts; i++) {
		struct prereq_host *h = &v->hosts[i];
		for (size_t k = 0; k < h->n; k++) {
			check_result_free(&h->res[k]);
			free(h->labels[k]);
			free(h->help_ids[k]);
		}
		free(h->help_ids);
		free(h->res);
		free(h->labels);
		free(h->items);
		free(h->defs);
		free(h->name);
		free(h->title);
	}
	free(v->hosts);
	for (size_t i = 0; i < v->nitems; i++)
		free(v->labels[i]);
	free(v->labels);
	free(v->items);
	free(v->kinds);
	free(v->clients);
	free(v->spot);
	free(v->lpp_source);
	free(v->cache_vg);
	free(v->disks);
	free(v->nfs_export);
	params_free(&v->job);
	free(v);
}

static void prereq_view_closed(void *arg)
{
	struct prereq_view *v = arg;

	v->menu = NULL;
	prereq_view_free(v);
}

static void prereq_host_init(struct prereq_host *h, const char *name, int per_client)
{
	h->name = xstrdup(name);
	h->defs = xcalloc(check_def_count() + 1, sizeof *h->defs);
	for (size_t i = 0; i < check_def_count(); i++)
		if (check_def_at(i)->per_client == per_client)
			h->defs[h->n++] = check_def_at(i);
	h->res = xcalloc(h->n + 1, sizeof *h->res);
	h->labels = xcalloc(h->n + 1, sizeof *h->labels);
	h->items = xcalloc(h->n + 1, sizeof *h->items);
	h->help_ids = xcalloc(h->n + 1, sizeof *h->help_ids);
	for (size_t i = 0; i < h->n; i++) {
		h->help_ids[i] = xasprintf("checks/%s", h->defs[i]->id);
		h->items[i].id = h->defs[i]->id;
		h->items[i].help_id = h->help_ids[i];
	}
	h->title = per_client
	               ? xasprintf("Prerequisite Checks of %s", name)
	               : xstrdup("Prerequisite Checks of the NIM Master, SPOT and lpp_source");
	prereq_host_labels(h);
}

static char *prereq_dup(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

/* Makes the view for a request (clients already expanded) and pushes it. */
static void prereq_open_view(const struct check_request *req, struct nimadm_params *job)
{
	struct prereq_view *v = xcalloc(1, sizeof *v);
	struct strv clients = { 0 };
	struct tui_menu_def def;
	char *list = xstrdup(req->clients != NULL ? req->clients : "");
	size_t k = 0;

	v->job = job;
	v->clients = xstrdup(req->clients != NULL ? req->clients : "");
	v->spot = prereq_dup(req->spot);
	v->lpp_source = prereq_dup(req->lpp_source);
	v->cache_vg = prereq_dup(req->cache_vg);
	v->disks = prereq_dup(req->disks);
	v->req = *req;
	v->req.clients = v->clients;
	v->req.spot = v->spot;
	v->req.lpp_source = v->lpp_source;
	v->req.cache_vg = v->cache_vg;
	v->req.disks = v->disks;
	v->req.nfs_exports = NULL;
	v->req.nnfs_exports = 0;
	if (req->nnfs_exports > 0) {
		/* the dialog names one; the CLI takes more */
		v->nfs_export = xstrdup(req->nfs_exports[0]);
		v->nfs_exports[0] = v->nfs_export;
		v->req.nfs_exports = v->nfs_exports;
		v->req.nnfs_exports = 1;
	}
	for (char *t = strtok(list, ", "); t != NULL; t = strtok(NULL, ", "))
		strv_push(&clients, t);
	free(list);

	v->nhosts = clients.n + 1;
	v->hosts = xcalloc(v->nhosts, sizeof *v->hosts);
	prereq_host_init(&v->hosts[0], "master", 0);
	for (size_t i = 0; i < clients.n; i++)
		prereq_host_init(&v->hosts[i + 1], clients.v[i], 1);
	strv_free(&clients);

	v->nitems = 2 + v->nhosts + 2 + (job != NULL ? 1 : 0);
	v->items = xcalloc(v->nitems + 1, sizeof *v->items);
	v->labels = xcalloc(v->nitems, sizeof *v->labels);
	v->kinds = xcalloc(v->nitems, sizeof *v->kinds);
	v->kinds[k++] = PQ_CONTEXT;
	v->kinds[k++] = PQ_HEADER;
	for (size_t i = 0; i < v->nhosts; i++)
		v->kinds[k++] = PQ_HOST;
	if (job != NULL)
		v->kinds[k++] = PQ_START;
	v->kinds[k++] = PQ_ACTION;
	v->kinds[k++] = PQ_TEXT;
	for (size_t i = 0; i < v->nitems; i++) {
		static const char *const ids[] = { "context", "header", "host",
			                           "action",  "start",  "text" };
		v->items[i].id = ids[v->kinds[i]];
		v->items[i].help_id = v->kinds[i] == PQ_HOST ? "screens/prereq-report" : NULL;
	}
	prereq_labels(v);

	memset(&def, 0, sizeof def);
	def.title = job != NULL ? "Prerequisites of the Job" : "Prerequisite Report";
	def.help_id = "screens/prereq-report";
	def.items = v->items;
	def.select = prereq_select;
	def.close = prereq_view_closed;
	v->menu = tui_menu_new(&def, v);
	tui_push(v->menu);
	prereq_start(v);
}

void app_prereq_job(struct nimadm_params *p)
{
	struct check_request req;
	struct err e;

	check_request_from_params(&req, p);
	err_clear(&e);
	if (check_request_validate(&req, &e) != 0) {
		char *safe = app_safe(e.msg);
		tui_error("%s", safe);
		free(safe);
		params_free(&p);
		return;
	}
	prereq_open_view(&req, p);
}

/* ---- the dialog: which clients, which target ---- */

struct prereq_dialog {
	struct app_form form; /* first: the pick lists read it */
};

static const char *const prereq_yesno[] = { "no", "yes", NULL };

static const struct tui_field_def prereq_fields[] = {
	{ .id = "clients",
	  .label = "Target NIM Client(s) (ALL: every one)",
	  .kind = TUI_FIELD_LIST,
	  .flags = TUI_F_REQUIRED | TUI_F_MULTI,
	  .list = nimadm_dialog_list,
	  .help_id = "screens/prereq-clients",
	  .max_len = 1023 },
	{ .id = "spot",
	  .label = "NIM SPOT resource",
	  .kind = TUI_FIELD_LIST,
	  .flags = TUI_F_REQUIRED,
	  .list = nimadm_dialog_list,
	  .help_id = "fields/spot",
	  .max_len = 39 },
	{ .id = "lpp_source",
	  .label = "NIM LPP_SOURCE resource",
	  .kind = TUI_FIELD_LIST,
	  .flags = TUI_F_REQUIRED,
	  .list = nimadm_dialog_list,
	  .help_id = "fields/lpp_source",
	  .max_len = 39 },
	{ .id = "cache_vg",
	  .label = "Cache Volume Group (local disk caching)",
	  .kind = TUI_FIELD_LIST,
	  .list = nimadm_dialog_list,
	  .help_id = "fields/cache_vg",
	  .max_len = 15 },
	{ .id = "disks",
	  .label = "Target Disk(s) (blank: propose free ones)",
	  .kind = TUI_FIELD_LIST,
	  .flags = TUI_F_MULTI,
	  .list = nimadm_dialog_list,
	  .help_id = "fields/disks",
	  .max_len = 127 },
	{ .id = "tl_update",
	  .label = "TL/SP update instead of a migration?",
	  .kind = TUI_FIELD_YESNO,
	  .choices = prereq_yesno,
	  .def = "no",
	  .help_id = "fields/tl_update" },
	{ .id = "nfs_export",
	  .label = "NFS export to write through ([CLIENT:]PATH)",
	  .kind = TUI_FIELD_TEXT,
	  .help_id = "fields/nfs_export",
	  .max_len = 1023 },
	{ .id = NULL },
};

/* The dialog's request; clients with ALL expanded from the inventory.
 * Strings are owned by *clients and the dialog; req->nfs_exports points to
 * nfs_slot. -1 with fe on a problem. */
static int prereq_request(struct tui_screen *d, struct check_request *req, char **clients,
                          const char *nfs_slot[1], struct tui_field_error *fe)
{
	const char *given = tui_dialog_get(d, "clients");
	char *copy = xstrdup(given), *t;
	struct strbuf sb = { 0 };
	int all = 0;
	struct err e;

	memset(req, 0, sizeof *req);
	for (t = strtok(copy, ", "); t != NULL; t = strtok(NULL, ", ")) {
		if (strcmp(t, "ALL") == 0)
			all = 1;
		else
			sb_addf(&sb, "%s%s", sb.len > 0 ? "," : "", t);
	}
	free(copy);
	if (all) {
		const struct inventory *inv = app_inventory();
		if (inv == NULL) {
			fe->field = "clients";
			snprintf(fe->msg, sizeof fe->msg,
			         "ALL needs the list of clients, which is %s.",
			         app_inventory_loading() ? "still loading: try again in a moment"
			                                 : "not known (the NIM inventory failed)");
			sb_free(&sb);
			return -1;
		}
		sb_reset(&sb);
		for (size_t i = 0; i < inv->nclients; i++)
			sb_addf(&sb, "%s%s", i > 0 ? "," : "", inv->clients[i].name);
		if (inv->nclients == 0) {
			fe->field = "clients";
			snprintf(fe->msg, sizeof fe->msg,
			         "There are no standalone clients on this master.");
			sb_free(&sb);
			return -1;
		}
	}
	*clients = sb_steal(&sb);
	req->clients = *clients;
	req->spot = tui_dialog_get(d, "spot");
	req->lpp_source = tui_dialog_get(d, "lpp_source");
	req->cache_vg =
	    *tui_dialog_get(d, "cache_vg") != '\0' ? tui_dialog_get(d, "cache_vg") : NULL;
	req->disks = *tui_dialog_get(d, "disks") != '\0' ? tui_dialog_get(d, "disks") : NULL;
	req->tl_update = strcmp(tui_dialog_get(d, "tl_update"), "yes") == 0;
	nfs_slot[0] = tui_dialog_get(d, "nfs_export");
	if (*nfs_slot[0] != '\0') {
		req->nfs_exports = nfs_slot;
		req->nnfs_exports = 1;
	}
	err_clear(&e);
	if (check_request_validate(req, &e) != 0) {
		const struct tui_field_def *f = prereq_fields;
		fe->field = e.field != NULL && strcmp(e.field, "client") == 0 ? "clients" : e.field;
		while (f->id != NULL && (fe->field == NULL || strcmp(f->id, fe->field) != 0))
			f++;
		/* name the field when the engine's words do not */
		if (f->id != NULL && e.msg[0] >= 'a' && e.msg[0] <= 'z')
			snprintf(fe->msg, sizeof fe->msg, "%s: %.400s", f->label, e.msg);
		else
			snprintf(fe->msg, sizeof fe->msg, "%s", e.msg);
		free(*clients);
		*clients = NULL;
		return -1;
	}
	return 0;
}

static int prereq_submit(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct check_request req;
	const char *nfs_slot[1];
	char *clients = NULL;

	(void)arg;
	if (prereq_request(d, &req, &clients, nfs_slot, fe) != 0)
		return -1;
	prereq_open_view(&req, NULL);
	free(clients);
	return 0;
}

static char *prereq_command(void *arg, struct tui_screen *d, struct tui_field_error *fe)
{
	struct check_request req;
	struct prereq_view v;
	struct strv argv = { 0 };
	const char *nfs_slot[1];
	char *clients = NULL, *line, *safe;

	(void)arg;
	if (prereq_request(d, &req, &clients, nfs_slot, fe) != 0)
		return NULL;
	memset(&v, 0, sizeof v);
	v.req = req;
	v.clients = clients;
	v.spot = (char *)req.spot;
	v.lpp_source = (char *)req.lpp_source;
	v.cache_vg = (char *)req.cache_vg;
	v.disks = (char *)req.disks;
	prereq_cli_argv(&v, &argv, 0);
	line = tui_quote_argv(strv_argv(&argv));
	safe = app_safe(line);
	free(line);
	strv_free(&argv);
	free(clients);
	return safe;
}

static void prereq_dialog_closed(void *arg)
{
	free(arg);
}

static const struct tui_dialog_def prereq_dialog_def = {
	.title = "Check Migration Prerequisites",
	.help_id = "screens/prereq",
	.fields = prereq_fields,
	.flags = TUI_DIALOG_NO_CHECKS,
	.submit = prereq_submit,
	.command = prereq_command,
	.close = prereq_dialog_closed,
};

void app_open_prereq(const struct nimadm_params *preset)
{
	struct prereq_dialog *pd = xcalloc(1, sizeof *pd);
	struct tui_screen *d;

	app_inventory_want();
	pd->form.mode = NIMADM_MIGRATE;
	d = tui_dialog_new(&prereq_dialog_def, pd);
	if (preset != NULL) {
		static const char *const same[] = { "spot", "lpp_source", "cache_vg", "disks" };
		if (params_get(preset, "client")[0] != '\0')
			tui_dialog_set_initial(d, "clients", params_get(preset, "client"));
		for (size_t i = 0; i < ARRAY_LEN(same); i++)
			if (params_get(preset, same[i])[0] != '\0')
				tui_dialog_set_initial(d, same[i], params_get(preset, same[i]));
		if (params_get(preset, "tl_update")[0] != '\0')
			tui_dialog_set_initial(d, "tl_update", "yes");
	}
	tui_push(d);
}
