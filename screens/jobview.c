/*
 * jobview.c: one job: its 12 phases with state, start and duration; the live
 * tail of its output with the phase banners and messages highlighted; the
 * messages found so far with their knowledge-base explanation; and the
 * operator's actions on keys (pause after this phase, continue, cancel,
 * cleanup with nimadm -C, resume from the failed phase, the full log), which
 * the monitor shares (jobview_action).
 *
 * The view follows the job through the journal alone (job_tail): the whole
 * output feeds the phase tracker, so a view opened late, or in a second TUI,
 * knows what one that watched from the start knows. It keeps only the last
 * JV_KEEP lines for the tail; the log viewer (l) has all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "monitor.h"

#define JV_KEEP       5000 /* lines of output kept for the tail */
#define JV_LINE_KEEP  1024 /* bytes of a line kept (the log viewer shows all) */
#define JV_TICK_MS    20   /* output.log is looked at (a stat), as in the monitor */
#define JV_STATE_MS   100  /* and `state` (a stat) */
#define JV_CATCHUP_MS 1    /* a backlog is read in steps this far apart */

const struct monitor_key jobview_keys[] = {
	{ '\t', "Tab", "Switch the lower pane between the output and the messages" },
	{ '\r', "Enter", "In the messages: the full explanation of the message" },
	{ 'l', "l", "Open the job's full output in the log viewer" },
	{ 'p', "p", "Pause after the phase under way (jobs run phase by phase)" },
	{ 'c', "c", "Continue a paused job" },
	{ 'x', "x", "Cancel the job (asks first)" },
	{ 'r', "r", "Resume a failed migration from its failed phase (a new job)" },
	{ 'C', "C", "Clean up after a failure with nimadm -C (a new job)" },
	{ 'b', "b",
	  "Write the job's support bundle (journal, output, nimadm log, prerequisite report, "
	  "snapshot, post-migration check) and say where" },
	{ 0, NULL, NULL },
};

struct jv_line {
	char *text; /* raw bytes, at most JV_LINE_KEEP */
	size_t len;
	unsigned kind; /* LOGDOC_KIND_* */
};

enum jv_pane { JV_OUTPUT, JV_MESSAGES };

struct jobview {
	struct site *site;
	struct tui_screen *scr;
	char id[JOB_ID_MAX];
	struct job_tail *tail;
	int finished; /* the tail has read the final job to the end */
	struct jv_line *ring;
	size_t ring_start, ring_n; /* the lines kept, oldest at ring_start */
	long long lines_total;     /* lines seen in all */
	enum jv_pane pane;
	size_t back;    /* output: lines scrolled back from the end (0: follow) */
	size_t msg_sel; /* messages: the one under the cursor */
	size_t msg_top;
	int msg_seen; /* the messages were shown once */
	int pane_rows;
	unsigned timer, catchup;
	long long last_tick_s;
	long long state_ms;           /* when `state` was last looked at (monotonic ms) */
	char *pending_error;          /* shown by the first tick (the screen is not up before) */
	struct stat out_st, state_st; /* what the last poll saw (headless idle) */
	struct jobact_history hist;   /* this site's finished runs of the job's mode */
};

/* ---- following the job ---------------------------------------------------------- */

static void jv_on_line(void *arg, const char *line, size_t len)
{
	struct jobview *v = arg;
	struct jv_line *l;
	size_t keep = len > JV_LINE_KEEP ? JV_LINE_KEEP : len;

	if (v->ring_n < JV_KEEP) {
		l = &v->ring[(v->ring_start + v->ring_n) % JV_KEEP];
		v->ring_n++;
	} else {
		l = &v->ring[v->ring_start];
		v->ring_start = (v->ring_start + 1) % JV_KEEP;
		free(l->text);
		/* a reader scrolled back keeps looking at the same lines */
		if (v->back > 0 && v->back < JV_KEEP - 1)
			v->back++;
	}
	l->text = xstrndup(line, keep);
	l->len = keep;
	l->kind = logdoc_classify(line, len, NULL);
	v->lines_total++;
	if (v->back > 0 && v->ring_n < JV_KEEP)
		v->back++;
}

static void jv_stat(struct jobview *v)
{
	char *path = job_output_path(v->site, v->id);

	if (stat(path, &v->out_st) != 0)
		memset(&v->out_st, 0, sizeof v->out_st);
	free(path);
	path = xasprintf("%s/jobs/%s/state", v->site->state_dir, v->id);
	if (stat(path, &v->state_st) != 0)
		memset(&v->state_st, 0, sizeof v->state_st);
	free(path);
}

static void jv_catchup(void *arg);

/* The durations of this site's finished jobs of the same mode, for the estimate. */
static void jv_history(struct jobview *v)
{
	const struct job_info *me = job_tail_info(v->tail);
	struct job_info *jobs;
	size_t n;

	if (me->mode == NULL || job_list(v->site, &jobs, &n, NULL) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (jobs[i].mode != NULL && strcmp(jobs[i].mode, me->mode) == 0)
			jobact_history_add(&v->hist, &jobs[i]);
	job_list_free(&jobs, n);
}

/* Reads what is new; a backlog goes on in short steps (catchup). */
static void jv_poll(struct jobview *v)
{
	if (v->finished)
		return;
	jv_stat(v);
	v->finished = job_tail_poll(v->tail);
	if (job_tail_behind(v->tail) && v->catchup == 0)
		v->catchup = tui_timer(JV_CATCHUP_MS, 0, jv_catchup, v);
	tui_screen_dirty(v->scr);
}

static void jv_catchup(void *arg)
{
	struct jobview *v = arg;

	v->catchup = 0;
	jv_poll(v);
}

static int jv_same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mtime == b->st_mtime &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Whether the journal changed since the last poll: output.log, and `state`
 * too when state_too (one stat each; the tail is read only on a change). */
static int jv_changed(struct jobview *v, int state_too)
{
	struct stat o = v->out_st, s = v->state_st;
	char *path = job_output_path(v->site, v->id);
	int changed;

	if (stat(path, &v->out_st) != 0)
		memset(&v->out_st, 0, sizeof v->out_st);
	free(path);
	changed = !jv_same(&o, &v->out_st);
	if (state_too && !changed) {
		path = xasprintf("%s/jobs/%s/state", v->site->state_dir, v->id);
		if (stat(path, &v->state_st) != 0)
			memset(&v->state_st, 0, sizeof v->state_st);
		free(path);
		changed = !jv_same(&s, &v->state_st);
	}
	v->out_st = o;
	v->state_st = s;
	return changed;
}

static void jv_tick(void *arg)
{
	struct jobview *v = arg;
	long long now_s = monitor_now_ms() / 1000;
	int state_too = clock_ms() - v->state_ms >= JV_STATE_MS;

	if (v->pending_error != NULL) {
		tui_error("%s", v->pending_error);
		free(v->pending_error);
		v->pending_error = NULL;
	}
	if (state_too)
		v->state_ms = clock_ms();
	if (!v->finished && jv_changed(v, state_too))
		jv_poll(v);
	else if (!v->finished && now_s % 2 == 0 && now_s != v->last_tick_s)
		jv_poll(v); /* a supervisor that died changes nothing: look anyway */
	if (now_s != v->last_tick_s) {
		v->last_tick_s = now_s;
		tui_screen_dirty(v->scr);
	}
}

static int jv_busy(void *arg, struct tui_screen *s)
{
	struct jobview *v = arg;

	(void)s;
	return v->pending_error != NULL || v->catchup != 0 || (!v->finished && jv_changed(v, 1));
}

/* ---- drawing ---------------------------------------------------------------------- */

static unsigned jv_kind_style(unsigned kind)
{
	if (kind & LOGDOC_KIND_ERROR)
		return TUI_STYLE_ERROR;
	if (kind & LOGDOC_KIND_WARNING)
		return TUI_STYLE_WARNING;
	if (kind & LOGDOC_KIND_BANNER)
		return TUI_STYLE_TITLE;
	if (kind & LOGDOC_KIND_INFO)
		return TUI_STYLE_BOLD;
	return TUI_STYLE_NORMAL;
}

static void jv_put_escaped(struct tui_screen *s, int y, int x, int w, unsigned style,
                           const char *text, size_t len)
{
	char *safe = cmd_escape_display(text, len);

	tui_view_put(s, y, x, w, style, safe);
	free(safe);
}

/* "10:15" in local time for epoch ms, "-" for 0. */
static void jv_fmt_clock(char *buf, size_t size, long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%H:%M", &tm);
}

static void jv_draw_phase(struct jobview *v, int y, int x, int w, int p, long long now_ms)
{
	const struct job_info *ji = job_tail_info(v->tail);
	const struct phase_state *ps = job_tail_phases(v->tail);
	enum phase_status st = ps->phases[p].status;
	const char *label = phase_status_label(st);
	unsigned style = TUI_STYLE_NORMAL;
	char start[16], dur[32], line[128];
	int first = ji->from_phase > 0 ? ji->from_phase : 1;
	int last = ji->to_phase > 0 ? ji->to_phase : PHASE_MAX;

	if (ji->phase_end[p] > 0 && st != PHASE_FAILED)
		st = PHASE_DONE;
	if ((p < first || p > last) && st == PHASE_PENDING)
		st = PHASE_SKIPPED;
	/* a job that is gone is not running anything */
	if (st == PHASE_RUNNING && job_status_is_final(ji->status) && ji->status != JOB_FAILED)
		label = ji->status == JOB_LOST ? "lost" : "stopped";
	else if (st == PHASE_RUNNING && ji->status == JOB_FAILED)
		st = PHASE_FAILED;
	if (label == phase_status_label(ps->phases[p].status))
		label = phase_status_label(st);
	switch (phase_status_tone(st)) {
	case PHASE_TONE_ACTIVE:
		style = TUI_STYLE_TITLE;
		break;
	case PHASE_TONE_GOOD:
		style = TUI_STYLE_GOOD;
		break;
	case PHASE_TONE_BAD:
		style = TUI_STYLE_ERROR;
		break;
	case PHASE_TONE_MUTED:
		style = TUI_STYLE_MUTED;
		break;
	default:
		break;
	}
	jv_fmt_clock(start, sizeof start, ji->phase_start[p]);
	if (ji->phase_start[p] > 0 && ji->phase_end[p] >= ji->phase_start[p])
		monitor_fmt_duration(dur, sizeof dur,
		                     (ji->phase_end[p] - ji->phase_start[p]) / 1000);
	else if (ji->phase_start[p] > 0 && st == PHASE_RUNNING && ji->status == JOB_RUNNING)
		monitor_fmt_duration(dur, sizeof dur, (now_ms - ji->phase_start[p]) / 1000);
	else
		snprintf(dur, sizeof dur, "-");
	snprintf(line, sizeof line, "%2d %-12s ", p, monitor_phase_short(p));
	tui_view_put(v->scr, y, x, w, TUI_STYLE_NORMAL, line);
	tui_view_put(v->scr, y, x + 16, 8, style, label);
	snprintf(line, sizeof line, "%5s %8s", start, dur);
	tui_view_put(v->scr, y, x + 25, w - 25, TUI_STYLE_NORMAL, line);
}

static void jv_draw_head(struct jobview *v, int cols, long long now_ms)
{
	const struct job_info *ji = job_tail_info(v->tail);
	const struct phase_state *ps = job_tail_phases(v->tail);
	struct strbuf sb = { 0 };
	char el[32], left[32];
	long long now_s = now_ms / 1000, last;
	unsigned style = TUI_STYLE_NORMAL;
	long rest;
	char *safe;

	sb_addf(&sb, "%s %s  ", ji->mode != NULL ? ji->mode : "?",
	        ji->client != NULL ? ji->client : "?");
	tui_view_put(v->scr, 0, 0, cols, TUI_STYLE_BOLD, sb.buf);
	{
		int x = (int)sb.len;
		const char *word = job_status_name(ji->status);
		switch (ji->status) {
		case JOB_FAILED:
		case JOB_LOST:
			style = TUI_STYLE_ERROR;
			word = ji->status == JOB_FAILED ? "FAILED" : "LOST";
			break;
		case JOB_SUCCEEDED:
			style = TUI_STYLE_GOOD;
			break;
		case JOB_PAUSED:
			style = TUI_STYLE_WARNING;
			break;
		case JOB_RUNNING:
			style = TUI_STYLE_TITLE;
			break;
		default:
			break;
		}
		x += tui_view_put(v->scr, 0, x, cols - x, style, word);
		sb_reset(&sb);
		if (ji->status == JOB_FAILED && ps->failed_phase >= 1)
			sb_addf(&sb, " in phase %d of 12", ps->failed_phase);
		else if (ji->status == JOB_PAUSED)
			sb_addf(&sb, " after phase %d of 12", ji->paused_after);
		else if (ji->phase > 0)
			sb_addf(&sb, "  phase %d of 12", ji->phase);
		if (ji->status == JOB_RUNNING && ji->phase == 6 && ji->filesets_total > 0)
			sb_addf(&sb, " (fs %d/%d)", ji->filesets_done, ji->filesets_total);
		if (ji->started > 0) {
			monitor_fmt_duration(el, sizeof el,
			                     (ji->ended > 0 ? ji->ended : now_s) - ji->started);
			sb_addf(&sb, "  elapsed %s", el);
		}
		if (!job_status_is_final(ji->status)) {
			rest = jobact_estimate_left(ji, &v->hist, now_ms);
			monitor_fmt_left(left, sizeof left, rest);
			sb_addf(&sb, "  left ~%s", left);
		}
		tui_view_put(v->scr, 0, x, cols - x, TUI_STYLE_NORMAL, sb.buf);
	}
	sb_reset(&sb);
	sb_addf(&sb, "Job %s", ji->id);
	style = TUI_STYLE_NORMAL;
	last = ji->last_output;
	if (ji->status == JOB_LOST) {
		sb_addf(&sb, ": lost (%s)",
		        ji->error != NULL ? ji->error : "the supervisor is gone");
		style = TUI_STYLE_ERROR;
	} else if (ji->status == JOB_WAITING) {
		sb_adds(&sb, ": waiting for a running slot");
	} else if (ji->pause_requested) {
		sb_adds(&sb, ": pauses after this phase");
		style = TUI_STYLE_WARNING;
	} else if (ji->status == JOB_PAUSED) {
		sb_adds(&sb, ": paused; c continues");
		style = TUI_STYLE_WARNING;
	} else if (ji->status == JOB_RUNNING && last > 0) {
		long long quiet = now_s - last;
		if (monitor_stall() > 0 && quiet > monitor_stall()) {
			monitor_fmt_duration(el, sizeof el, quiet);
			sb_addf(&sb, ": STALLED, no output for %s", el);
			style = TUI_STYLE_WARNING;
		} else {
			sb_addf(&sb, ": last output %llds ago", quiet < 0 ? 0 : quiet);
		}
	} else if (ji->error != NULL) {
		sb_addf(&sb, ": %s", ji->error);
		style = TUI_STYLE_ERROR;
	} else if (job_status_is_final(ji->status) && ji->ended > 0) {
		char at[16];
		jv_fmt_clock(at, sizeof at, ji->ended * 1000);
		sb_addf(&sb, ": ended at %s", at);
		if (ji->exit_code >= 0)
			sb_addf(&sb, ", nimadm exit code %d", ji->exit_code);
		style = ji->status == JOB_FAILED ? TUI_STYLE_ERROR : TUI_STYLE_NORMAL;
	}
	safe = cmd_escape_display(sb.buf, sb.len);
	tui_view_put(v->scr, 1, 0, cols, style, safe);
	free(safe);
	sb_free(&sb);
}

static void jv_draw_output(struct jobview *v, int y0, int rows, int cols)
{
	size_t n = v->ring_n, end, first;

	if (v->back > n)
		v->back = n;
	end = n - v->back;
	first = end > (size_t)rows ? end - (size_t)rows : 0;
	if (n == 0) {
		tui_view_put(v->scr, y0, 0, cols, TUI_STYLE_MUTED, "No output yet.");
		return;
	}
	for (size_t i = first; i < end; i++) {
		const struct jv_line *l = &v->ring[(v->ring_start + i) % JV_KEEP];
		jv_put_escaped(v->scr, y0 + (int)(i - first), 0, cols, jv_kind_style(l->kind),
		               l->text, l->len);
	}
}

static const struct phase_message *jv_message(struct jobview *v, size_t i)
{
	const struct phase_state *ps = job_tail_phases(v->tail);

	return i < ps->nmessages ? &ps->messages[i] : NULL;
}

/* Word-wraps text into rows of w columns from row y; returns the rows used. */
static int jv_wrap(struct tui_screen *s, int y, int rows, int x, int w, unsigned style,
                   const char *text)
{
	int used = 0;
	const char *p = text;

	while (*p != '\0' && used < rows) {
		size_t len = strcspn(p, "\n"), fit = tui_text_fit(p, len, w), cut = fit;
		if (fit < len) {
			size_t k = fit;
			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				cut = k;
		}
		{
			char *piece = xstrndup(p, cut);
			tui_view_put(s, y + used, x, w, style, piece);
			free(piece);
		}
		used++;
		p += cut;
		while (*p == ' ')
			p++;
		if (*p == '\n' && cut == len)
			p++;
	}
	return used;
}

static void jv_draw_messages(struct jobview *v, int y0, int rows, int cols)
{
	const struct phase_state *ps = job_tail_phases(v->tail);
	size_t n = ps->nmessages;
	int list_rows = rows > 6 ? rows / 2 : rows;
	const struct phase_message *cur;
	char line[96];

	if (n == 0) {
		tui_view_put(v->scr, y0, 0, cols, TUI_STYLE_MUTED, "No messages so far.");
		return;
	}
	if (v->msg_sel >= n)
		v->msg_sel = n - 1;
	if ((size_t)list_rows > n)
		list_rows = (int)n;
	if (v->msg_sel < v->msg_top)
		v->msg_top = v->msg_sel;
	if (v->msg_sel >= v->msg_top + (size_t)list_rows)
		v->msg_top = v->msg_sel - (size_t)list_rows + 1;
	for (int r = 0; r < list_rows && v->msg_top + (size_t)r < n; r++) {
		size_t i = v->msg_top + (size_t)r;
		const struct phase_message *msg = &ps->messages[i];
		unsigned cur_style = i == v->msg_sel ? TUI_STYLE_CURSOR : 0;
		unsigned style = msg->severity == KB_SEV_ERROR     ? TUI_STYLE_ERROR
		                 : msg->severity >= KB_SEV_WARNING ? TUI_STYLE_WARNING
		                                                   : TUI_STYLE_NORMAL;
		char *safe;
		if (i == v->msg_sel)
			tui_view_fill(v->scr, y0 + r, 0, -1, TUI_STYLE_CURSOR);
		if (msg->phase > 0)
			snprintf(line, sizeof line, "%s%2d %-9s", i == v->msg_sel ? ">" : " ",
			         msg->phase, kb_severity_label(msg->severity));
		else
			snprintf(line, sizeof line, "%s - %-9s", i == v->msg_sel ? ">" : " ",
			         kb_severity_label(msg->severity));
		tui_view_put(v->scr, y0 + r, 0, 14, style | cur_style, line);
		safe = cmd_escape_display(msg->text, strlen(msg->text));
		tui_view_put(v->scr, y0 + r, 14, cols - 14, cur_style, safe);
		free(safe);
	}
	cur = jv_message(v, v->msg_sel);
	if (cur == NULL || rows - list_rows < 2)
		return;
	{
		int y = y0 + list_rows, left = rows - list_rows;
		struct strbuf sb = { 0 };
		if (cur->kb == NULL) {
			tui_view_put(v->scr, y, 0, cols, TUI_STYLE_MUTED,
			             "No explanation known for this message.");
			return;
		}
		sb_addf(&sb, "%s%s: %s", cur->kb->id, cur->kb->harmless ? " (harmless)" : "",
		        cur->kb->title);
		tui_view_put(v->scr, y, 0, cols, TUI_STYLE_BOLD, sb.buf);
		sb_reset(&sb);
		sb_addf(&sb, "%s Enter: the fix.", cur->kb->meaning);
		jv_wrap(v->scr, y + 1, left - 1, 0, cols, TUI_STYLE_NORMAL, sb.buf);
		sb_free(&sb);
	}
}

static void jv_draw_keys(struct jobview *v, int y, int cols)
{
	const struct job_info *ji = job_tail_info(v->tail);
	const struct phase_state *ps = job_tail_phases(v->tail);
	struct strbuf sb = { 0 };
	const char *why;

	sb_adds(&sb, v->pane == JV_OUTPUT ? "Tab=Messages" : "Tab=Output  Enter=Explain");
	sb_adds(&sb, "  l=Log");
	if (job_can_pause(ji, &why))
		sb_adds(&sb, "  p=Pause after this phase");
	if (ji->status == JOB_PAUSED)
		sb_adds(&sb, "  c=Continue");
	if (!job_status_is_final(ji->status))
		sb_adds(&sb, "  x=Cancel");
	if (jobact_can_cleanup(ji, &why) && ji->status != JOB_SUCCEEDED)
		sb_adds(&sb, "  C=Cleanup");
	{
		/* the journal only for a job that could be resumed, not on every draw */
		char undone[JOBACT_WHY_MAX];
		int at = jobact_resume_phase(ji, ps, &why);
		if (at > 0 && jobact_resume_check(v->site, ji, ps, undone) > 0)
			sb_addf(&sb, "  r=Resume at %d", at);
	}
	sb_adds(&sb, "  b=Bundle");
	tui_view_put(v->scr, y, 0, cols, TUI_STYLE_MUTED, sb.buf);
	sb_free(&sb);
}

static void jv_draw(void *arg, struct tui_screen *s, int rows, int cols)
{
	struct jobview *v = arg;
	const struct phase_state *ps = job_tail_phases(v->tail);
	long long now_ms = monitor_now_ms();
	int two = rows < 34 && cols >= 78, prow, y;
	int half = cols / 2;
	char head[160];

	(void)s;
	jv_draw_head(v, cols, now_ms);
	if (!monitor_mode_phased(job_tail_info(v->tail)->mode)) {
		/* cleanup, wake-up, sleep: one nimadm call without phases */
		char *cmd = cmd_escape_display(
		    job_tail_info(v->tail)->command != NULL ? job_tail_info(v->tail)->command : "",
		    strlen(job_tail_info(v->tail)->command != NULL ? job_tail_info(v->tail)->command
		                                                   : ""));
		tui_view_put(v->scr, 2, 0, cols, TUI_STYLE_NORMAL, cmd);
		tui_view_put(v->scr, 3, 0, cols, TUI_STYLE_MUTED,
		             "(this kind of job has no phases)");
		free(cmd);
		y = 5;
		goto pane;
	}
	snprintf(head, sizeof head, "   %-12s %-8s %5s %8s", "PHASE", "STATE", "START", "TIME");
	tui_view_put(v->scr, 2, 0, two ? half : cols, TUI_STYLE_BOLD, head);
	if (two)
		tui_view_put(v->scr, 2, half, half, TUI_STYLE_BOLD, head);
	prow = two ? PHASE_MAX / 2 : PHASE_MAX;
	for (int p = 1; p <= PHASE_MAX; p++) {
		int col = two && p > prow;
		jv_draw_phase(v, 3 + (col ? p - prow - 1 : p - 1), col ? half : 0,
		              two ? half - 1 : cols, p, now_ms);
	}
	y = 3 + prow;
pane : {
	struct strbuf sb = { 0 };
	size_t n = ps->nmessages;
	sb_addf(&sb, "%s  %s (%zu", v->pane == JV_OUTPUT ? "[Output]" : " Output ",
	        v->pane == JV_MESSAGES ? "[Messages]" : " Messages ", n);
	if (ps->errors > 0)
		sb_addf(&sb, ", %ld error%s", ps->errors, ps->errors == 1 ? "" : "s");
	if (ps->warnings > 0)
		sb_addf(&sb, ", %ld warning%s", ps->warnings, ps->warnings == 1 ? "" : "s");
	sb_adds(&sb, ")");
	if (v->pane == JV_OUTPUT && v->back > 0)
		sb_addf(&sb, "   [%zu line%s below]", v->back, v->back == 1 ? "" : "s");
	else if (v->pane == JV_OUTPUT && v->lines_total > 0)
		sb_addf(&sb, "   %lld line%s", v->lines_total, v->lines_total == 1 ? "" : "s");
	tui_view_put(v->scr, y, 0, cols, TUI_STYLE_BOLD, sb.buf);
	sb_free(&sb);
}
	v->pane_rows = rows - y - 2;
	if (v->pane_rows < 1)
		v->pane_rows = 1;
	if (v->pane == JV_OUTPUT)
		jv_draw_output(v, y + 1, v->pane_rows, cols);
	else
		jv_draw_messages(v, y + 1, v->pane_rows, cols);
	jv_draw_keys(v, rows - 1, cols);
}

/* ---- actions -------------------------------------------------------------------------- */

enum jv_act { JV_ACT_CANCEL, JV_ACT_CLEANUP, JV_ACT_RESUME };

struct jv_confirm {
	struct site *site;
	enum jv_act act;
	char id[JOB_ID_MAX];
	int phase;
};

/* Logs a job the screens started to the .log and the .script (smit.log and
 * smit.script): its nimadm command, or for a phased run each phase's call. */
static void jv_log_job(struct site *site, const char *id)
{
	struct job_info ji;
	struct nimadm_params *p;

	if (job_load(site, id, &ji, NULL) != 0)
		return;
	p = params_new(NIMADM_MIGRATE);
	if (ji.params_ini != NULL && params_load_ini_string(p, ji.params_ini, NULL) == 0) {
		int last = ji.to_phase > 0 ? ji.to_phase : PHASE_MAX;
		struct strv argv = { 0 };
		if (ji.from_phase == 0 && params_argv(p, &argv, NULL) == 0)
			tui_log_command(strv_argv(&argv), NULL);
		strv_free(&argv);
		for (int ph = ji.from_phase; ph >= 1 && ph <= last; ph++) {
			if (params_argv_phase(p, ph, &argv, NULL) == 0)
				tui_log_command(strv_argv(&argv), NULL);
			strv_free(&argv);
		}
	}
	params_free(&p);
	job_info_free(&ji);
}

static void jv_confirmed(void *arg, int yes)
{
	struct jv_confirm *c = arg;
	struct job_info ji;
	struct err e;
	char id[JOB_ID_MAX];
	int rc = -1;

	err_clear(&e);
	if (!yes) {
		free(c);
		return;
	}
	if (c->act == JV_ACT_CANCEL) {
		if (job_cancel(c->site, c->id, &e) == 0)
			tui_message("Job %s is being cancelled: nimadm gets SIGTERM, then SIGKILL "
			            "after 30 seconds.",
			            c->id);
		else
			tui_error("%s", e.msg);
		free(c);
		return;
	}
	if (job_load(c->site, c->id, &ji, &e) != 0) {
		tui_error("%s", e.msg);
		free(c);
		return;
	}
	if (c->act == JV_ACT_CLEANUP)
		rc = jobact_cleanup(c->site, &ji, id, &e);
	else
		rc = jobact_resume(c->site, &ji, c->phase, id, &e);
	job_info_free(&ji);
	if (rc != 0) {
		tui_error("%s", e.msg);
	} else {
		jv_log_job(c->site, id);
		jobview_open(c->site, id);
		tui_message("Job %s started (%s of %s).", id,
		            c->act == JV_ACT_CLEANUP ? "cleanup" : "resume", c->id);
	}
	free(c);
}

static void jv_ask(struct site *site, const struct job_info *ji, enum jv_act act, int phase,
                   const char *text)
{
	struct jv_confirm *c = xcalloc(1, sizeof *c);

	c->site = site;
	c->act = act;
	c->phase = phase;
	str_copy(c->id, ji->id, sizeof c->id);
	tui_confirm(text, jv_confirmed, c);
}

int jobview_action(struct site *site, const struct job_info *ji, const struct phase_state *ps,
                   int key)
{
	struct err e;
	const char *why;
	char undone[JOBACT_WHY_MAX];
	char *text, *cmd;
	int phase;

	err_clear(&e);
	switch (key) {
	case 'l': {
		char *path = job_output_path(site, ji->id);
		struct stat st;
		if (stat(path, &st) != 0) {
			tui_error("Job %s has no output yet.", ji->id);
		} else {
			struct tui_screen *s;
			struct err le;
			/* a job's output opens at its end, following it like tail -f */
			err_clear(&le);
			if ((s = logview_new(path, &le)) == NULL) {
				tui_error("%s", le.msg);
			} else {
				tui_push(s);
				logview_follow(s);
			}
		}
		free(path);
		return 1;
	}
	case 'p':
		if (!job_can_pause(ji, &why))
			tui_error("Cannot pause job %s: %s.", ji->id, why);
		else if (job_pause(site, ji->id, &e) != 0)
			tui_error("%s", e.msg);
		else
			tui_message("Job %s pauses after phase %d; c continues it.", ji->id,
			            ji->phase > 0 ? ji->phase : 1);
		return 1;
	case 'c':
		if (ji->status != JOB_PAUSED)
			tui_error("Job %s is %s, not paused: nothing to continue.", ji->id,
			          job_status_name(ji->status));
		else if (job_continue(site, ji->id, &e) != 0)
			tui_error("%s", e.msg);
		else
			tui_message("Job %s continues with phase %d.", ji->id,
			            ji->paused_after + 1);
		return 1;
	case 'x':
		if (job_status_is_final(ji->status)) {
			tui_error("Job %s is %s: nothing to cancel.", ji->id,
			          job_status_name(ji->status));
			return 1;
		}
		text = xasprintf("Cancel job %s (%s of %s)?\n\nnimadm is stopped: SIGTERM, then "
		                 "SIGKILL after 30 seconds. A migration stopped half-way leaves "
		                 "the client to clean up with nimadm -C (C).\n\n"
		                 "    Press Enter to cancel the job.\n"
		                 "    Press Cancel (F3) to leave it running.",
		                 ji->id, ji->mode != NULL ? ji->mode : "?",
		                 ji->client != NULL ? ji->client : "?");
		jv_ask(site, ji, JV_ACT_CANCEL, 0, text);
		free(text);
		return 1;
	case 'C': {
		struct nimadm_params *p;
		if (ji->status == JOB_SUCCEEDED) {
			tui_error("Job %s succeeded: there is nothing to clean up.", ji->id);
			return 1;
		}
		if (!jobact_can_cleanup(ji, &why)) {
			tui_error("No cleanup for job %s: %s.", ji->id, why);
			return 1;
		}
		p = jobact_cleanup_params(ji, &e);
		cmd = p != NULL ? params_command_line(p, &e) : NULL;
		params_free(&p);
		if (cmd == NULL) {
			tui_error("%s", e.msg);
			return 1;
		}
		text = xasprintf("Clean up after job %s with a new job:\n\n   %s\n\nnimadm removes "
		                 "what the migration left on the master and the client.\n\n"
		                 "    Press Enter to start the cleanup.\n"
		                 "    Press Cancel (F3) to return.",
		                 ji->id, cmd);
		jv_ask(site, ji, JV_ACT_CLEANUP, 0, text);
		free(cmd);
		free(text);
		return 1;
	}
	case 'r':
		if (jobact_resume_phase(ji, ps, &why) == 0) {
			tui_error("Cannot resume job %s: %s.", ji->id, why);
			return 1;
		}
		/* the journal too: a later cleanup or migration of the client undid
		 * it; the reason names that job, too long for the message line */
		phase = jobact_resume_check(site, ji, ps, undone);
		if (phase == 0) {
			text = xasprintf("Job %s (%s of %s) cannot be resumed:\n\n%s.", ji->id,
			                 ji->mode != NULL ? ji->mode : "?",
			                 ji->client != NULL ? ji->client : "?", undone);
			tui_popup_text("Cannot Resume", text);
			free(text);
			return 1;
		}
		text = xasprintf("Resume job %s (%s of %s) at phase %d with a new job: nimadm -P "
		                 "%d, then each later phase up to 12, one call each, with the "
		                 "job's parameters:\n\n   %s\n\n"
		                 "    Press Enter to start the resume.\n"
		                 "    Press Cancel (F3) to return.",
		                 ji->id, ji->mode != NULL ? ji->mode : "?",
		                 ji->client != NULL ? ji->client : "?", phase, phase,
		                 ji->command != NULL ? ji->command : "");
		jv_ask(site, ji, JV_ACT_RESUME, phase, text);
		free(text);
		return 1;
	default:
		return 0;
	}
}

/* ---- the support bundle (b) ---------------------------------------------------------- */

struct jv_bundle {
	char id[JOB_ID_MAX];
};

/* Appends s escaped for the screen (names come from the journal and the client). */
static void jv_add_safe(struct strbuf *sb, const char *s)
{
	char *safe = app_safe(s);

	sb_adds(sb, safe);
	free(safe);
}

static void jv_bundle_done(void *arg, struct bundle_result *r, const struct err *e)
{
	struct jv_bundle *b = arg;
	struct strbuf sb = { 0 };

	if (r == NULL) {
		char *safe = app_safe(e != NULL ? e->msg : "unknown error");
		tui_error("No support bundle for job %s: %s", b->id, safe);
		free(safe);
		free(b);
		return;
	}
	{
		/* the directory and the name on lines of their own */
		const char *slash = strrchr(r->path, '/');
		char *dir = slash != NULL ? xstrndup(r->path, (size_t)(slash - r->path)) : NULL;
		sb_addf(&sb, "The support bundle of job %s is written to\n\n", b->id);
		if (dir != NULL) {
			sb_adds(&sb, "directory: ");
			jv_add_safe(&sb, dir);
			sb_adds(&sb, "\narchive:   ");
		}
		jv_add_safe(&sb, slash != NULL ? slash + 1 : r->path);
		free(dir);
	}
	sb_addf(&sb, "\n\nIt holds %zu files:\n", r->n);
	for (size_t i = 0; i < r->n; i++) {
		sb_adds(&sb, "  ");
		jv_add_safe(&sb, r->entries[i].name);
		sb_addc(&sb, '\n');
	}
	if (r->missing.n > 0) {
		sb_adds(&sb, "\nNot included (README.txt in the bundle says why):\n");
		for (size_t i = 0; i < r->missing.n; i++) {
			sb_adds(&sb, "  ");
			jv_add_safe(&sb, r->missing.v[i]);
			sb_addc(&sb, '\n');
		}
	}
	tui_log_text("Support bundle of job %s written to %s", b->id, r->path);
	tui_popup_text("Support Bundle", sb_str(&sb));
	sb_free(&sb);
	bundle_result_free(&r);
	free(b);
}

/* Writes the job's support bundle in the background (it reads nimadm's log on
 * the master); a pop-up says where when it is written. */
static void jv_bundle(struct jobview *v)
{
	struct bundle_opts o;
	struct bundle_cb cb;
	struct jv_bundle *b = xcalloc(1, sizeof *b);
	struct err e;

	str_copy(b->id, v->id, sizeof b->id);
	memset(&o, 0, sizeof o);
	o.job = b->id;
	cb.done = jv_bundle_done;
	cb.arg = b;
	err_clear(&e);
	if (bundle_write_start(v->site, v->site->set, &o, &cb, &e) == NULL) {
		tui_error("No support bundle for job %s: %s", v->id, e.msg);
		free(b);
		return;
	}
	tui_message("Writing the support bundle of job %s...", v->id);
}

/* ---- keys ------------------------------------------------------------------------------ */

static void jv_explain(struct jobview *v)
{
	const struct phase_message *msg = jv_message(v, v->msg_sel);
	struct strbuf sb = { 0 };
	char *safe;

	if (msg == NULL) {
		tui_message("No messages so far.");
		return;
	}
	safe = cmd_escape_display(msg->text, strlen(msg->text));
	sb_addf(&sb, "Line %ld, phase %d, %s:\n  %s\n\n", msg->lineno, msg->phase,
	        kb_severity_label(msg->severity), safe);
	free(safe);
	if (msg->kb == NULL) {
		sb_adds(&sb, "No explanation is known for this message. The lines around it in "
		             "the full log (l) may tell more.");
	} else {
		sb_addf(&sb, "%s\n%s\n\n", msg->kb->title, msg->kb->harmless ? "Harmless." : "");
		sb_addf(&sb, "What it means:\n%s\n\n", msg->kb->meaning);
		if (msg->kb->fix[0] != '\0')
			sb_addf(&sb, "What to do:\n%s\n", msg->kb->fix);
		if (msg->kb->phase[0] != '\0')
			sb_addf(&sb, "\nTypically in phase %s.\n", msg->kb->phase);
	}
	tui_popup_text(msg->code != NULL ? msg->code : "Message", sb.buf);
	sb_free(&sb);
}

static int jv_key(void *arg, struct tui_screen *s, enum tui_action a, int key)
{
	struct jobview *v = arg;
	const struct phase_state *ps = job_tail_phases(v->tail);
	size_t page = v->pane_rows > 1 ? (size_t)v->pane_rows - 1 : 1;
	size_t nmsg = ps->nmessages;
	size_t maxback = v->ring_n > (size_t)v->pane_rows ? v->ring_n - (size_t)v->pane_rows : 0;

	switch (a) {
	case TUI_ACT_NEXT_VALUE:
	case TUI_ACT_PREV_VALUE:
		v->pane = v->pane == JV_OUTPUT ? JV_MESSAGES : JV_OUTPUT;
		if (v->pane == JV_MESSAGES && !v->msg_seen) {
			/* the first time: straight to the first error, what the operator wants */
			v->msg_seen = 1;
			for (size_t i = 0; i < nmsg; i++) {
				if (ps->messages[i].severity == KB_SEV_ERROR) {
					v->msg_sel = i;
					break;
				}
			}
		}
		break;
	case TUI_ACT_UP:
		if (v->pane == JV_OUTPUT)
			v->back = v->back < maxback ? v->back + 1 : maxback;
		else if (v->msg_sel > 0)
			v->msg_sel--;
		break;
	case TUI_ACT_DOWN:
		if (v->pane == JV_OUTPUT)
			v->back = v->back > 0 ? v->back - 1 : 0;
		else if (v->msg_sel + 1 < nmsg)
			v->msg_sel++;
		break;
	case TUI_ACT_PAGE_UP:
		if (v->pane == JV_OUTPUT)
			v->back = v->back + page < maxback ? v->back + page : maxback;
		else
			v->msg_sel = v->msg_sel > page ? v->msg_sel - page : 0;
		break;
	case TUI_ACT_PAGE_DOWN:
		if (v->pane == JV_OUTPUT)
			v->back = v->back > page ? v->back - page : 0;
		else
			v->msg_sel = v->msg_sel + page < nmsg ? v->msg_sel + page
			                                      : (nmsg > 0 ? nmsg - 1 : 0);
		break;
	case TUI_ACT_HOME:
		if (v->pane == JV_OUTPUT)
			v->back = maxback;
		else
			v->msg_sel = 0;
		break;
	case TUI_ACT_END:
		if (v->pane == JV_OUTPUT)
			v->back = 0;
		else
			v->msg_sel = nmsg > 0 ? nmsg - 1 : 0;
		break;
	case TUI_ACT_DO:
		if (v->pane == JV_MESSAGES)
			jv_explain(v);
		else
			tui_message("Tab shows the messages; Enter there explains one.");
		break;
	case TUI_ACT_COMMAND:
		tui_popup_command(job_tail_info(v->tail)->command);
		break;
	case TUI_ACT_HELP: {
		char *text = monitor_help_text("jobview", jobview_keys);
		tui_popup_text("Job", text);
		free(text);
		break;
	}
	case TUI_ACT_REFRESH:
		jv_poll(v);
		return 0;
	default:
		if (key == 'b') {
			jv_bundle(v);
			break;
		}
		if (!jobview_action(v->site, job_tail_info(v->tail), ps, key))
			return 0;
		/* the journal answers within a poll */
		jv_poll(v);
		break;
	}
	tui_screen_dirty(s);
	return 1;
}

static void jv_close(void *arg)
{
	struct jobview *v = arg;

	tui_timer_cancel(v->timer);
	tui_timer_cancel(v->catchup);
	job_tail_free(&v->tail);
	free(v->pending_error);
	for (size_t i = 0; i < v->ring_n; i++)
		free(v->ring[(v->ring_start + i) % JV_KEEP].text);
	free(v->ring);
	free(v);
}

static const int jv_bar_keys[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_COMMAND,
	                           TUI_ACT_IMAGE, TUI_ACT_SHELL,   TUI_ACT_EXIT,   TUI_ACT_NONE };

static const struct tui_view_def jv_def = {
	.title = "Alternate Disk Migration Job",
	.help_id = "screens/jobview",
	.bar = jv_bar_keys,
	.draw = jv_draw,
	.key = jv_key,
	.busy = jv_busy,
	.close = jv_close,
};

struct tui_screen *jobview_new(struct site *site, const char *id, struct err *e)
{
	struct jobview *v = xcalloc(1, sizeof *v);
	struct job_tail_cb cb = { .line = jv_on_line, .arg = v };
	struct err se;
	char *title;

	v->site = site;
	str_copy(v->id, id, sizeof v->id);
	v->tail = job_tail_new(site, id, &cb, 0, e);
	if (v->tail == NULL) {
		free(v);
		return NULL;
	}
	v->ring = xcalloc(JV_KEEP, sizeof *v->ring);
	/* the saved stall time, as the monitor loads it: a view opened first uses it too */
	err_clear(&se);
	if (monitor_stall_load(site, &se) != 0)
		v->pending_error = xstrdup(se.msg);
	jv_history(v);
	v->scr = tui_view_new(&jv_def, v);
	title =
	    xasprintf("Alternate Disk Migration Job: %s",
	              job_tail_info(v->tail)->client != NULL ? job_tail_info(v->tail)->client : id);
	tui_view_set_title(v->scr, title);
	free(title);
	v->last_tick_s = monitor_now_ms() / 1000;
	jv_poll(v);
	v->timer = tui_timer(JV_TICK_MS, TUI_TIMER_REPEAT | TUI_TIMER_BACKGROUND, jv_tick, v);
	return v->scr;
}

void jobview_open(struct site *site, const char *id)
{
	struct tui_screen *s;
	struct err e;

	if (site == NULL) {
		tui_error("No site is open: a job lives in the NIM master's state directory.");
		return;
	}
	err_clear(&e);
	s = jobview_new(site, id, &e);
	if (s == NULL)
		tui_error("%s", e.msg);
	else
		tui_push(s);
}

void app_open_job(const char *job_id)
{
	jobview_open(app_site(), job_id);
}
