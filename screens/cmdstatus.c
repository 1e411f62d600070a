/*
 * cmdstatus.c: smitty's COMMAND STATUS following a nimadm job from its
 * journal (jobtail.h): the output as the supervisor writes it, "running"
 * until the job ends, then OK or failed with the job's own words. Closing
 * the screen never touches the job, which runs under its supervisor. The
 * short operations (cleanup, wake-up, sleep, sync) always end here.
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
