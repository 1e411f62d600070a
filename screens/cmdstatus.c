/*
 * cmdstatus.c: smitty's COMMAND STATUS following a nimadm job from its
 * journal (jobtail.h): the output as the supervisor writes it, "running"
 * until the job ends, then OK or failed with the job's own words. Closing
 * the screen never touches the job, which runs under its supervisor. The
 * short operations (cleanup, wake-up, sleep, sync) always end here.
 *
 * Until issue 6's screens land, the weak fallbacks at the end stand in for
 * app_open_job() (this screen), app_open_monitor() (a list of the jobs) and
 * app_open_log() (a list of the jobs' logs, a file in a text pop-up); the
 * real ones in monitor.c, jobview.c and logview.c replace them at link time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* How often a running job's journal is read again. */
#define CMDSTATUS_POLL_MS 250
/* The most of a log file the fallback viewer shows (its end). */
#define CMDSTATUS_LOG_MAX (1024 * 1024)

struct cmdstatus {
	char id[JOB_ID_MAX];
	struct job_tail *tail;
	struct tui_status *st;
	unsigned timer;
};

static void cmdstatus_stop(struct cmdstatus *cs)
{
	tui_timer_cancel(cs->timer);
	cs->timer = 0;
	job_tail_free(&cs->tail);
}

static void cmdstatus_line(void *arg, const char *line, size_t len)
{
	struct cmdstatus *cs = arg;

	tui_status_line(cs->st, TUI_STDOUT, line, len);
}

/* The job ended: say how, as `nimadm-tui attach` does. */
static void cmdstatus_finish(struct cmdstatus *cs)
{
	const struct job_info *ji = job_tail_info(cs->tail);
	const struct phase_state *ps = job_tail_phases(cs->tail);
	struct strbuf sb = { 0 };
	enum tui_stream stream = ji->status == JOB_SUCCEEDED ? TUI_STDOUT : TUI_STDERR;

	sb_addf(&sb, "nimadm-tui: job %s %s", cs->id, job_status_name(ji->status));
	if (ji->status == JOB_FAILED && ps->failed_phase > 0)
		sb_addf(&sb, " in phase %d", ps->failed_phase);
	if (ji->exit_code >= 0)
		sb_addf(&sb, " (nimadm exit %d)", ji->exit_code);
	if (ji->error != NULL)
		sb_addf(&sb, ": %s", ji->error);
	tui_status_line(cs->st, stream, sb.buf, sb.len);
	if (ji->status != JOB_SUCCEEDED) {
		sb_reset(&sb);
		sb_addf(&sb, "nimadm-tui: to clean up: nimadm-tui cancel %s --cleanup", cs->id);
		tui_status_line(cs->st, TUI_STDERR, sb.buf, sb.len);
	}
	tui_status_finish(cs->st, ji->status == JOB_SUCCEEDED);
	sb_free(&sb);
}

static void cmdstatus_tick(void *arg)
{
	struct cmdstatus *cs = arg;

	cs->timer = 0;
	if (cs->tail == NULL)
		return;
	if (job_tail_poll(cs->tail)) {
		cmdstatus_finish(cs);
		cmdstatus_stop(cs);
		return;
	}
	/* a work timer: headless scripts wait for the job's end */
	cs->timer =
	    tui_timer(job_tail_behind(cs->tail) ? 0 : CMDSTATUS_POLL_MS, 0, cmdstatus_tick, cs);
}

static void cmdstatus_closed(void *arg)
{
	struct cmdstatus *cs = arg;

	cmdstatus_stop(cs);
	tui_status_free(&cs->st);
	free(cs);
}

void app_open_cmdstatus(const char *job_id, const char *const *argv)
{
	struct job_tail_cb cb = { .line = cmdstatus_line };
	struct tui_status_def sd;
	struct job_info ji;
	struct cmdstatus *cs;
	struct err e;
	char *cmd, *first;

	err_clear(&e);
	memset(&ji, 0, sizeof ji);
	if (job_id == NULL || job_load(app_site(), job_id, &ji, &e) != 0) {
		char *safe = app_safe(e.msg);
		tui_error("%s", safe);
		free(safe);
		return;
	}
	cs = xcalloc(1, sizeof *cs);
	str_copy(cs->id, job_id, sizeof cs->id);
	cb.arg = cs;
	cs->tail = job_tail_new(app_site(), job_id, &cb, 0, &e);
	if (cs->tail == NULL) {
		char *safe = app_safe(e.msg);
		tui_error("%s", safe);
		free(safe);
		free(cs);
		job_info_free(&ji);
		return;
	}
	cmd = app_safe(ji.command != NULL ? ji.command : "nimadm");
	memset(&sd, 0, sizeof sd);
	sd.command = cmd;
	sd.argv = argv;
	sd.help_id = "screens/cmdstatus";
	sd.close = cmdstatus_closed;
	cs->st = tui_status_new(&sd, cs);
	first = xasprintf("nimadm-tui: job %s: %s", job_id, cmd);
	tui_status_line(cs->st, TUI_STDOUT, first, strlen(first));
	free(first);
	free(cmd);
	job_info_free(&ji);
	tui_status_push(cs->st);
	cs->timer = tui_timer(0, 0, cmdstatus_tick, cs);
}

/* ======== fallbacks for issue 6 (monitor.c, jobview.c, logview.c) ======== */

#if defined(__GNUC__) || defined(__clang__)
#define CMDSTATUS_WEAK __attribute__((weak))
#else
#define CMDSTATUS_WEAK
#endif

/* Fills a list with the jobs, newest first; 0 when there are none. */
static size_t cmdstatus_list_jobs(struct tui_list_req *req)
{
	struct job_info *jobs = NULL;
	size_t n = 0;
	struct err e;

	err_clear(&e);
	if (job_list(app_site(), &jobs, &n, &e) != 0) {
		char *safe = app_safe(e.msg);
		tui_list_done(req, safe);
		free(safe);
		return 1;
	}
	for (size_t i = n; i-- > 0;) {
		const struct job_info *j = &jobs[i];
		char desc[256], *safe;
		snprintf(desc, sizeof desc, "%-9s  phase %2d  %-16s %s", job_status_name(j->status),
		         j->phase, j->mode != NULL ? j->mode : "?",
		         j->client != NULL ? j->client : "");
		safe = app_safe(desc);
		tui_list_add(req, j->id, safe);
		free(safe);
	}
	if (n > 0)
		tui_list_done(req, NULL);
	job_list_free(&jobs, n);
	return n;
}

static void cmdstatus_job_chosen(void *arg, const char *const *values, size_t n)
{
	(void)arg;
	if (n > 0)
		app_open_job(values[0]);
}

static void cmdstatus_log_chosen(void *arg, const char *const *values, size_t n)
{
	char *path;

	(void)arg;
	if (n == 0 || !job_id_valid(values[0]))
		return;
	path = job_output_path(app_site(), values[0]);
	app_open_log(path);
	free(path);
}

/* A pick list of the jobs; `chosen` gets the job's id. */
static void cmdstatus_pick_job(const char *title, const char *help_id,
                               void (*chosen)(void *, const char *const *, size_t))
{
	struct tui_picklist_def pd;
	struct tui_list_req *req;

	memset(&pd, 0, sizeof pd);
	pd.title = title;
	pd.help_id = help_id;
	pd.chosen = chosen;
	tui_push(tui_picklist_new(&pd, NULL, NULL, &req));
	if (cmdstatus_list_jobs(req) == 0)
		tui_list_done(req, "No migration has been started with this state directory yet.");
}

CMDSTATUS_WEAK void app_open_job(const char *job_id)
{
	app_open_cmdstatus(job_id, NULL);
}

CMDSTATUS_WEAK void app_open_monitor(void)
{
	cmdstatus_pick_job("Monitor Migrations", "menus/monitor", cmdstatus_job_chosen);
}

/* The end of a file, at most CMDSTATUS_LOG_MAX bytes, display-safe. Owned, or NULL. */
static char *cmdstatus_read_log(const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct strbuf raw = { 0 }, out = { 0 };
	char buf[8192];
	size_t n;
	long size;

	if (f == NULL) {
		err_set(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > CMDSTATUS_LOG_MAX) {
		fseek(f, size - CMDSTATUS_LOG_MAX, SEEK_SET);
		sb_addf(&out, "[the first %ld bytes are not shown]\n", size - CMDSTATUS_LOG_MAX);
	} else {
		fseek(f, 0, SEEK_SET);
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&raw, buf, n);
	fclose(f);
	for (const char *s = sb_str(&raw); *s != '\0';) {
		size_t len = strcspn(s, "\n");
		char *line = cmd_escape_display(s, len);
		sb_adds(&out, line);
		sb_addc(&out, '\n');
		free(line);
		s += len + (s[len] == '\n');
	}
	sb_free(&raw);
	if (out.len == 0)
		sb_adds(&out, "(the log is empty)");
	return sb_steal(&out);
}

CMDSTATUS_WEAK void app_open_log(const char *path)
{
	struct err e;
	char *text, *title;

	if (path == NULL) {
		cmdstatus_pick_job("View Migration Logs", "menus/logs", cmdstatus_log_chosen);
		return;
	}
	err_clear(&e);
	text = cmdstatus_read_log(path, &e);
	if (text == NULL) {
		char *safe = app_safe(e.msg);
		tui_error("%s", safe);
		free(safe);
		return;
	}
	title = app_safe(path);
	tui_popup_text(title, text);
	free(title);
	free(text);
}
