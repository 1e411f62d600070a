/*
 * app.c: the application state the screens share: the site and its command
 * set as a loop source, the NIM inventory loaded once in the background (and
 * again on F2), the help provider over the compiled-in help/ files, and a
 * loop source for a check run's own descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* How long app_shutdown() lets cancelled commands report before the set goes. */
#define APP_DRAIN_MS 3000

struct app_watch {
	unsigned id;
	app_inventory_fn *fn;
	void *arg;
};

/* Work that outlives its screen, cancelled by app_shutdown(). */
struct app_work {
	unsigned id;
	app_cancel_fn *cancel;
	void *arg;
};

static struct app_state {
	struct site *site;
	struct tui_source *cmd_src;
	struct inventory *inv;
	char *inv_error;
	struct inventory_load *load;
	int inv_asked; /* a load was started once (app_inventory_want) */
	struct app_watch *watches;
	size_t nwatches;
	unsigned next_watch;
	char *help_buf;             /* the last composed help text (check explanations) */
	int refreshing;             /* the load was asked for with F2: say when it is in */
	struct app_cmdlog *cmdlogs; /* commands under way, for nimadm-tui.log */
	struct app_work *works;     /* app_work_begin(), not ended yet */
	size_t nworks;
	unsigned next_work;
} app;

/* ---- every command the screens run goes to nimadm-tui.log (like smit.log) ---- */

/* Output kept per command for the log; more is cut and said. */
#define APP_CMDLOG_MAX (16 * 1024)

struct app_cmdlog {
	const struct cmd *cmd;
	struct strbuf out;
	int cut;
	struct app_cmdlog *next;
};

static struct app_cmdlog **app_cmdlog_find(const struct cmd *c)
{
	struct app_cmdlog **pp = &app.cmdlogs;

	while (*pp != NULL && (*pp)->cmd != c)
		pp = &(*pp)->next;
	return pp;
}

static void app_cmdlog_start(void *arg, const struct cmd *c)
{
	struct app_cmdlog *l = xcalloc(1, sizeof *l);

	(void)arg;
	l->cmd = c;
	l->next = app.cmdlogs;
	app.cmdlogs = l;
}

static void app_cmdlog_data(void *arg, const struct cmd *c, enum cmd_stream s, const char *buf,
                            size_t len)
{
	struct app_cmdlog *l = *app_cmdlog_find(c);

	(void)arg;
	(void)s;
	if (l == NULL)
		return;
	if (l->out.len + len > APP_CMDLOG_MAX) {
		len = l->out.len < APP_CMDLOG_MAX ? APP_CMDLOG_MAX - l->out.len : 0;
		l->cut = 1;
	}
	sb_add(&l->out, buf, len);
}

static void app_cmdlog_done(void *arg, const struct cmd *c, const struct cmd_result *r)
{
	struct app_cmdlog **pp = app_cmdlog_find(c), *l = *pp;
	struct strbuf text = { 0 };
	const char *p, *end;
	char *line, how[320];

	(void)arg;
	if (l == NULL)
		return;
	*pp = l->next;
	/* Output from a client is shown as text, never as terminal controls: each
	 * line escaped on its own, so the lines stay lines. */
	p = sb_str(&l->out);
	end = p + l->out.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *esc = cmd_escape_display(p, n);
		sb_adds(&text, esc);
		sb_addc(&text, '\n');
		free(esc);
		p += n + (nl != NULL);
	}
	if (r->cancelled)
		snprintf(how, sizeof how, "cancelled");
	else if (r->timed_out)
		snprintf(how, sizeof how, "%s", r->errmsg);
	else if (r->signal != 0)
		snprintf(how, sizeof how, "killed by signal %d", r->signal);
	else if (r->errmsg[0] != '\0')
		snprintf(how, sizeof how, "exit status %d: %s", r->status, r->errmsg);
	else
		snprintf(how, sizeof how, "exit status %d", r->status);
	line = tui_quote_argv(cmd_exec_argv(c));
	tui_log_text("Command: %s\n%s%s[%s]\n", line, sb_str(&text), l->cut ? "[output cut]\n" : "",
	             how);
	free(line);
	sb_free(&text);
	sb_free(&l->out);
	free(l);
}

static const struct cmdset_observer app_cmdlog_observer = {
	.start = app_cmdlog_start,
	.data = app_cmdlog_data,
	.done = app_cmdlog_done,
};

/* ---- the command set as a loop source ---- */

static size_t app_cmd_npollfds(void *arg)
{
	return cmdset_npollfds(arg);
}

static size_t app_cmd_fill(void *arg, struct pollfd *fds, size_t max)
{
	return cmdset_fill_pollfds(arg, fds, max);
}

static void app_cmd_dispatch(void *arg, const struct pollfd *fds, size_t n)
{
	cmdset_dispatch(arg, fds, n);
}

static int app_cmd_timeout(void *arg)
{
	return cmdset_timeout(arg);
}

static int app_cmd_busy(void *arg)
{
	return cmdset_active(arg) > 0;
}

static const struct tui_source_ops app_cmd_ops = {
	app_cmd_npollfds, app_cmd_fill, app_cmd_dispatch, app_cmd_timeout, app_cmd_busy,
};

/* ---- a check run's NFS probes as a loop source ---- */

static size_t app_chk_npollfds(void *arg)
{
	return check_run_npollfds(arg);
}

static size_t app_chk_fill(void *arg, struct pollfd *fds, size_t max)
{
	return check_run_fill_pollfds(arg, fds, max);
}

static void app_chk_dispatch(void *arg, const struct pollfd *fds, size_t n)
{
	check_run_dispatch(arg, fds, n);
}

static int app_chk_timeout(void *arg)
{
	return check_run_timeout(arg);
}

static int app_chk_busy(void *arg)
{
	return check_run_npollfds(arg) > 0 || check_run_timeout(arg) >= 0;
}

static const struct tui_source_ops app_chk_ops = {
	app_chk_npollfds, app_chk_fill, app_chk_dispatch, app_chk_timeout, app_chk_busy,
};

struct tui_source *app_check_source_add(struct check_run *run)
{
	return tui_add_source(&app_chk_ops, run);
}

void app_check_source_remove(struct tui_source **src)
{
	tui_remove_source(src);
}

/* ---- the inventory ---- */

/* Calls every watcher; a watcher may unwatch itself or others meanwhile. */
static void app_notify_watchers(void)
{
	size_t n = app.nwatches;
	unsigned *ids;

	if (n == 0)
		return;
	ids = xcalloc(n, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = app.watches[i].id;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < app.nwatches; k++) {
			if (app.watches[k].id == ids[i]) {
				struct app_watch w = app.watches[k];
				w.fn(w.arg);
				break;
			}
		}
	}
	free(ids);
}

static void app_inventory_done(void *arg, struct inventory *inv, const struct err *e)
{
	(void)arg;
	app.load = NULL;
	free(app.inv_error);
	app.inv_error = NULL;
	if (inv != NULL) {
		inventory_free(&app.inv);
		app.inv = inv;
		if (app.refreshing)
			tui_message("The NIM inventory was read again: %zu clients, %zu SPOTs, %zu "
			            "lpp_sources.",
			            inv->nclients, inv->nspots, inv->nlpp_sources);
	} else {
		app.inv_error = xstrdup(e != NULL && e->msg[0] != '\0' ? e->msg : "lsnim failed");
		tui_error("The NIM inventory could not be read: %s", app.inv_error);
	}
	app.refreshing = 0;
	app_notify_watchers();
	tui_set_dirty();
}

/* F2 on any screen: read the inventory again (the screens keep the old one meanwhile).
 * Nothing when it was never wanted (the monitor and the log viewer do not need it). */
static void app_on_refresh(void *arg)
{
	(void)arg;
	if (!app.inv_asked)
		return;
	if (app.load != NULL) {
		tui_message("The NIM inventory is being read...");
		return;
	}
	app_inventory_refresh();
	if (app.load != NULL) {
		app.refreshing = 1;
		tui_message("Reading the NIM inventory again...");
	}
}

void app_inventory_refresh(void)
{
	struct inventory_opts o;
	struct inventory_cb cb = { .done = app_inventory_done };
	struct err e;

	if (app.site == NULL || app.load != NULL)
		return;
	app.inv_asked = 1;
	/* everything: the lpp_sources' levels come from their fileset lists */
	memset(&o, 0, sizeof o);
	err_clear(&e);
	app.load = inventory_load_start(app.site, app.site->set, &o, &cb, &e);
	if (app.load == NULL) {
		free(app.inv_error);
		app.inv_error = xstrdup(e.msg);
		tui_error("The NIM inventory could not be read: %s", e.msg);
		app_notify_watchers();
	}
}

void app_inventory_want(void)
{
	if (!app.inv_asked)
		app_inventory_refresh();
}

const struct inventory *app_inventory(void)
{
	app_inventory_want();
	return app.inv;
}

int app_inventory_loading(void)
{
	app_inventory_want();
	return app.load != NULL;
}

const char *app_inventory_error(void)
{
	return app.inv_error;
}

unsigned app_inventory_watch(app_inventory_fn *fn, void *arg)
{
	app.watches = xreallocarray(app.watches, app.nwatches + 1, sizeof *app.watches);
	app.watches[app.nwatches].id = ++app.next_watch;
	app.watches[app.nwatches].fn = fn;
	app.watches[app.nwatches].arg = arg;
	app.nwatches++;
	return app.next_watch;
}

void app_inventory_unwatch(unsigned id)
{
	for (size_t i = 0; i < app.nwatches; i++) {
		if (app.watches[i].id == id) {
			memmove(&app.watches[i], &app.watches[i + 1],
			        (app.nwatches - i - 1) * sizeof *app.watches);
			app.nwatches--;
			return;
		}
	}
}

/* ---- help ---- */

/* A line that keeps its own line when reflowed: indented, a list item, empty. */
static int app_line_kept(const char *s, size_t n)
{
	return n == 0 || s[0] == ' ' || s[0] == '\t' ||
	       (n > 1 && (s[0] == '-' || s[0] == '*' || s[0] == '#') && s[1] == ' ');
}

char *app_reflow(const char *text)
{
	struct strbuf sb = { 0 };
	int joinable = 0; /* the previous line was paragraph text */

	for (const char *s = text != NULL ? text : ""; *s != '\0';) {
		size_t n = strcspn(s, "\n");
		int kept = app_line_kept(s, n);
		if (sb.len > 0)
			sb_addc(&sb, joinable && !kept ? ' ' : '\n');
		sb_add(&sb, s, n);
		/* a short line was not wrapped: it ends its paragraph */
		joinable = !kept && n >= 60;
		s += n + (s[n] == '\n');
	}
	if (sb.len > 0)
		sb_addc(&sb, '\n');
	return sb_steal(&sb);
}

const char *app_help_text(const char *help_id)
{
	const struct embedded_file *f;
	char *name;

	if (help_id == NULL || *help_id == '\0')
		return NULL;
	free(app.help_buf);
	app.help_buf = NULL;
	if (str_starts(help_id, "checks/")) {
		char *text = check_help_explain(help_id + 7);
		if (text != NULL) {
			app.help_buf = app_reflow(text);
			free(text);
			return app.help_buf;
		}
	}
	name = xasprintf("%s.txt", help_id);
	f = help_find(name);
	free(name);
	if (f == NULL)
		f = help_find(help_id);
	if (f == NULL)
		return NULL;
	/* the files are wrapped for 80 columns; the pop-up wraps them itself */
	app.help_buf = app_reflow(f->data);
	return app.help_buf;
}

char *app_safe(const char *s)
{
	return cmd_escape_display(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* ---- life cycle ---- */

struct site *app_site(void)
{
	return app.site;
}

void app_setup(struct site *site)
{
	app.site = site;
	app.cmd_src = tui_add_source(&app_cmd_ops, site->set);
	if (tui_log_path() != NULL)
		cmdset_set_observer(site->set, &app_cmdlog_observer);
	tui_on_refresh(app_on_refresh, NULL);
	/* the inventory is read when a screen first wants it (app_inventory_want) */
}

unsigned app_work_begin(app_cancel_fn *cancel, void *arg)
{
	app.works = xreallocarray(app.works, app.nworks + 1, sizeof *app.works);
	if (++app.next_work == 0)
		app.next_work = 1;
	app.works[app.nworks].id = app.next_work;
	app.works[app.nworks].cancel = cancel;
	app.works[app.nworks].arg = arg;
	app.nworks++;
	return app.next_work;
}

void app_work_end(unsigned id)
{
	for (size_t i = 0; id != 0 && i < app.nworks; i++) {
		if (app.works[i].id == id) {
			memmove(&app.works[i], &app.works[i + 1],
			        (app.nworks - i - 1) * sizeof *app.works);
			app.nworks--;
			return;
		}
	}
}

void app_shutdown(void)
{
	tui_on_refresh(NULL, NULL);
	if (app.load != NULL) {
		inventory_load_cancel(&app.load);
		/* whoever waits for it (a pick list) must hear that it will not come */
		app_notify_watchers();
	}
	/* a snapshot or a check still running would outlast the drain below:
	 * cancelled, its commands end in it (newest first; each is forgotten
	 * before its hook runs, so the hook may call app_work_end) */
	while (app.nworks > 0) {
		struct app_work w = app.works[--app.nworks];
		w.cancel(w.arg);
	}
	tui_remove_source(&app.cmd_src);
	/* cancelled loads and runs free themselves once their commands report */
	if (app.site != NULL) {
		cmdset_run(app.site->set, APP_DRAIN_MS);
		cmdset_set_observer(app.site->set, NULL);
	}
	while (app.cmdlogs != NULL) {
		struct app_cmdlog *l = app.cmdlogs;
		app.cmdlogs = l->next;
		sb_free(&l->out);
		free(l);
	}
	inventory_free(&app.inv);
	free(app.inv_error);
	free(app.watches);
	free(app.works);
	free(app.help_buf);
	memset(&app, 0, sizeof app);
}
