/*
 * monitor.c: the monitor of every job on this master. One row per job
 * (client, mode, status, phase N of 12 with a bar and the phase's name,
 * installp's filesets in phase 6, elapsed time, the estimate of time left)
 * and, for the job under the cursor, its phase in words, its last message
 * and its last line of output, with a stall warning when it has printed
 * nothing for longer than the stall time.
 *
 * Everything comes from the journal, never from memory of an earlier run: a
 * background timer looks at each active job's `state` and output.log about
 * ten times a second (a stat each; `state` is read only when it changed),
 * and at the jobs directory every two seconds for new jobs. Only the job
 * under the cursor shows its output, so only its output.log is read (its
 * last few KiB, when it changed), and it is looked at every MON_WATCH_MS:
 * new output is drawn as soon as it is seen, within the loop's 10 Hz
 * throttle, instead of waiting for the next tick. So the monitor's cost does
 * not grow with how fast the jobs print, and two TUIs show the same thing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "monitor.h"

/* How often active jobs are looked at, and the jobs directory. */
#define MON_TICK_MS       100
#define MON_SCAN_MS       2000
#define MON_LOST_CHECK_MS 2000
/* How often the output of the job under the cursor is looked at (a stat). */
#define MON_WATCH_MS 20
/* How much of the end of output.log is read for its last line. */
#define MON_TAIL_BYTES 8192
/* Rows under the list: a rule, three lines about the job, the keys. */
#define MON_DETAIL_ROWS 5

/* ---- shared settings --------------------------------------------------------- */

static monitor_clock_fn *mon_clock;
static long mon_stall_s = MONITOR_STALL_DEFAULT_S;
/* --stall gave the stall time: the next monitor saves it instead of loading */
static int mon_stall_from_option;

void monitor_set_clock(monitor_clock_fn *fn)
{
	mon_clock = fn;
}

long long monitor_now_ms(void)
{
	struct timespec ts;

	if (mon_clock != NULL)
		return mon_clock();
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void monitor_set_stall(long seconds)
{
	mon_stall_s = seconds > 0 ? seconds : 0;
}

long monitor_stall(void)
{
	return mon_stall_s;
}

void monitor_stall_option(long minutes)
{
	monitor_set_stall(minutes * 60);
	mon_stall_from_option = 1;
}

/* Saves the stall time in the state directory, for the next sessions. */
static int mon_stall_save(const struct site *site, struct err *e)
{
	struct tuiconf c;

	/* what else the file holds is kept; a file that does not parse is replaced */
	tuiconf_load(site->state_dir, &c, NULL);
	c.stall_min = mon_stall_s / 60;
	return tuiconf_save(site->state_dir, &c, e);
}

int monitor_stall_load(const struct site *site, struct err *e)
{
	struct tuiconf c;
	struct err why;

	err_clear(&why);
	if (mon_stall_from_option) {
		mon_stall_from_option = 0;
		if (mon_stall_save(site, &why) != 0) {
			err_set(e, "The stall warning is set for this session only: %s", why.msg);
			return -1;
		}
		return 0;
	}
	if (tuiconf_load(site->state_dir, &c, &why) != 0) {
		err_set(e, "The saved settings are ignored: %s", why.msg);
		return -1;
	}
	if (c.stall_min >= 0)
		monitor_set_stall(c.stall_min * 60);
	return 0;
}

const char *monitor_phase_short(int n)
{
	static const char *const names[PHASE_MAX + 1] = {
		"",         "clone rootvg", "export",  "mount",   "pre-script", "restore BOS",
		"installp", "post-script",  "bosboot", "unmount", "unexport",   "bootlist",
		"cleanup",
	};
	return n >= 1 && n <= PHASE_MAX ? names[n] : "";
}

void monitor_fmt_duration(char *buf, size_t size, long long secs)
{
	if (secs < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
}

void monitor_fmt_left(char *buf, size_t size, long secs)
{
	if (secs < 0)
		snprintf(buf, size, "?");
	else if (secs < 60)
		snprintf(buf, size, "<1m");
	else if (secs < 3600)
		snprintf(buf, size, "%ldm", (secs + 59) / 60);
	else
		snprintf(buf, size, "%ldh%02ldm", secs / 3600, (secs + 59) / 60 % 60);
}

/* "3s", "17m", "2h05m" ago. */
static void mon_fmt_ago(char *buf, size_t size, long long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, size, "%llds", secs);
	else if (secs < 3600)
		snprintf(buf, size, "%lldm", secs / 60);
	else
		snprintf(buf, size, "%lldh%02lldm", secs / 3600, secs / 60 % 60);
}

char *monitor_help_text(const char *name, const struct monitor_key *keys)
{
	char *file = xasprintf("screens/%s.txt", name);
	const struct embedded_file *f = help_find(file);
	struct strbuf sb = { 0 };

	free(file);
	if (f != NULL) {
		/* paragraphs become one line each, for the pop-up to wrap; indented
		 * lines (lists, commands) stay as they are */
		const char *p = f->data;
		int prev_text = 0;
		while (*p != '\0') {
			size_t len = strcspn(p, "\n");
			int text = len > 0 && p[0] != ' ';
			if (prev_text && text)
				sb_addc(&sb, ' ');
			else if (sb.len > 0)
				sb_addc(&sb, '\n');
			sb_add(&sb, p, len);
			prev_text = text;
			p += len + (p[len] == '\n');
		}
		sb_addc(&sb, '\n');
	}
	sb_adds(&sb, "\nKeys of this screen:\n");
	for (const struct monitor_key *k = keys; k->keys != NULL; k++)
		sb_addf(&sb, "  %-12s %s\n", k->keys, k->help);
	sb_adds(&sb, "\nThe function keys are in the bar at the bottom (Esc and a digit on "
	             "terminals without them: Esc 3 is F3).\n");
	return sb_steal(&sb);
}

char *monitor_keys_mdoc(const struct monitor_key *keys)
{
	struct strbuf sb = { 0 };

	sb_adds(&sb, ".Bl -tag -width \"Enter\"\n");
	for (const struct monitor_key *k = keys; k->keys != NULL; k++) {
		/* mdoc reads ? [ ] as punctuation: escape them */
		int punct = strchr("?[]", k->keys[0]) != NULL && k->keys[1] == '\0';
		sb_addf(&sb, ".It %s%s\n%s.\n", punct ? "\\&" : "", k->keys, k->help);
	}
	sb_adds(&sb, ".El\n");
	return sb_steal(&sb);
}

/* ---- the monitor's state ----------------------------------------------------- */

const struct monitor_key monitor_keys[] = {
	{ '\r', "Enter", "Open the job under the cursor: its phases, output and messages" },
	{ 'l', "l", "Open the job's full output in the log viewer" },
	{ 'p', "p", "Pause the job after the phase under way (jobs run phase by phase)" },
	{ 'c', "c", "Continue a paused job" },
	{ 'x', "x", "Cancel the job (asks first)" },
	{ 'r', "r", "Resume a failed migration from its failed phase (a new job)" },
	{ 'C', "C", "Clean up after a failure with nimadm -C (a new job)" },
	{ 's', "s",
	  "Set the stall warning: minutes without output (0 turns it off; kept for the next "
	  "sessions)" },
	{ 'a', "a", "Show all jobs, or hide the finished ones (done, cancelled)" },
	{ 0, NULL, NULL },
};

struct mon_job {
	struct job_info ji;
	char *last_line;      /* the last line of output, escaped for display */
	long long out_size;   /* output.log as last seen (-1: not there) */
	long long out_mtime;  /* its mtime, epoch s */
	long long line_size;  /* output.log's size when last_line was read (-1: never) */
	long long line_mtime; /* and its mtime */
	struct stat state_st; /* `state` as last loaded */
	long long loaded_ms;  /* the last job_load (monotonic ms) */
	int in_history;       /* its durations went into the estimate */
	int present;          /* seen by the last directory scan */
};

struct monitor {
	struct site *site;
	struct tui_screen *scr;
	struct mon_job **jobs; /* in display order */
	size_t n, cap;
	char sel_id[JOB_ID_MAX];
	size_t sel, top;
	int list_rows;
	unsigned timer;
	long long last_scan;    /* monotonic ms */
	long long last_refresh; /* monotonic ms */
	long long last_tick_s;
	struct stat dir_st;
	int hide_finished;
	char *pending_error; /* shown by the first tick (the screen is not up before) */
	struct jobact_history hist[NIMADM_CLIENT_TO_MKSYSB + 1];
};

static void mon_job_free(struct mon_job *j)
{
	job_info_free(&j->ji);
	free(j->last_line);
	free(j);
}

static int mon_stat_same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtime == b->st_mtime && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Looks at output.log (a stat): j->out_size and out_mtime. Returns 1 when it
 * appeared or went away. */
static int mon_stat_output(struct monitor *m, struct mon_job *j, struct stat *st)
{
	char *path = job_output_path(m->site, j->ji.id);
	int there = stat(path, st) == 0, was = j->out_size != -1;

	free(path);
	j->out_size = there ? (long long)st->st_size : -1;
	j->out_mtime = there ? (long long)st->st_mtime : 0;
	return there != was;
}

/* Reads the last line of output.log into j->last_line when the file changed
 * since it was last read (only its last few KiB). Returns 1 when something
 * changed. */
static int mon_read_last_line(struct monitor *m, struct mon_job *j, int force)
{
	char buf[MON_TAIL_BYTES];
	struct stat st;
	long long from;
	ssize_t got;
	size_t end, start;
	char *path;
	int fd;

	if (!mon_stat_output(m, j, &st) && j->out_size == -1)
		return 0;
	if (j->out_size == -1) {
		free(j->last_line);
		j->last_line = NULL;
		j->line_size = -1;
		return 1;
	}
	if (!force && j->out_size == j->line_size && j->out_mtime == j->line_mtime)
		return 0;
	path = job_output_path(m->site, j->ji.id);
	fd = open(path, O_RDONLY);
	free(path);
	if (fd < 0)
		return 0;
	from = j->out_size > (long long)sizeof buf ? j->out_size - (long long)sizeof buf : 0;
	got = pread(fd, buf, sizeof buf, (off_t)from);
	close(fd);
	if (got < 0)
		return 0;
	j->line_size = from + got;
	j->line_mtime = j->out_mtime;
	end = (size_t)got;
	/* the last line: its newline is not part of it, blank lines are skipped */
	while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'))
		end--;
	start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	free(j->last_line);
	j->last_line = end > start ? cmd_escape_display(buf + start, end - start) : NULL;
	return 1;
}

int monitor_mode_phased(const char *mode)
{
	enum nimadm_mode md;

	return mode != NULL && params_mode_find(mode, &md, NULL) == 0 &&
	       md <= NIMADM_CLIENT_TO_MKSYSB;
}

/* The mode's index into m->hist, or -1 for modes without phases. */
static int mon_mode_index(const char *mode)
{
	enum nimadm_mode md;

	if (mode == NULL || params_mode_find(mode, &md, NULL) != 0 || md > NIMADM_CLIENT_TO_MKSYSB)
		return -1;
	return (int)md;
}

static void mon_history_add(struct monitor *m, struct mon_job *j)
{
	int k = mon_mode_index(j->ji.mode);

	if (j->in_history || k < 0 || !job_status_is_final(j->ji.status))
		return;
	j->in_history = 1;
	jobact_history_add(&m->hist[k], &j->ji);
}

/* Reloads a job from the journal. Returns 1 when it changed. */
static int mon_load(struct monitor *m, struct mon_job *j)
{
	struct job_info ji;
	char *path = xasprintf("%s/state", j->ji.dir != NULL ? j->ji.dir : "");
	int changed;

	if (stat(path, &j->state_st) != 0)
		memset(&j->state_st, 0, sizeof j->state_st);
	free(path);
	j->loaded_ms = clock_ms();
	if (job_load(m->site, j->ji.id, &ji, NULL) != 0)
		return 0;
	changed = ji.status != j->ji.status || ji.phase != j->ji.phase ||
	          ji.updated != j->ji.updated || ji.filesets_done != j->ji.filesets_done ||
	          ji.pause_requested != j->ji.pause_requested;
	job_info_free(&j->ji);
	j->ji = ji;
	mon_history_add(m, j);
	return changed;
}

static struct mon_job *mon_find(struct monitor *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->jobs[i]->ji.id, id) == 0)
			return m->jobs[i];
	return NULL;
}

/* Display order: active jobs first (oldest first), then the rest newest first. */
static int mon_group(const struct job_info *ji)
{
	switch (ji->status) {
	case JOB_RUNNING:
	case JOB_PAUSED:
	case JOB_WAITING:
		return 0;
	case JOB_FAILED:
	case JOB_LOST:
		return 1;
	default:
		return 2;
	}
}

static int mon_cmp(const void *a, const void *b)
{
	const struct job_info *x = &(*(struct mon_job *const *)a)->ji;
	const struct job_info *y = &(*(struct mon_job *const *)b)->ji;
	int gx = mon_group(x) == 0 ? 0 : 1, gy = mon_group(y) == 0 ? 0 : 1;

	if (gx != gy)
		return gx - gy;
	if (x->created != y->created)
		return gx == 0 ? (x->created < y->created ? -1 : 1)
		               : (x->created > y->created ? -1 : 1);
	return gx == 0 ? strcmp(x->id, y->id) : strcmp(y->id, x->id);
}

static int mon_visible(const struct monitor *m, const struct mon_job *j)
{
	return !m->hide_finished ||
	       (j->ji.status != JOB_SUCCEEDED && j->ji.status != JOB_CANCELLED);
}

/* Sorts, then puts the cursor back on the job it was on. */
static void mon_sort(struct monitor *m)
{
	if (m->n > 1)
		qsort(m->jobs, m->n, sizeof *m->jobs, mon_cmp);
	m->sel = 0;
	for (size_t i = 0, v = 0; i < m->n; i++) {
		if (!mon_visible(m, m->jobs[i]))
			continue;
		if (strcmp(m->jobs[i]->ji.id, m->sel_id) == 0) {
			m->sel = v;
			return;
		}
		v++;
	}
}

/* The i-th visible job, or NULL. */
static struct mon_job *mon_at(const struct monitor *m, size_t i)
{
	for (size_t k = 0; k < m->n; k++) {
		if (!mon_visible(m, m->jobs[k]))
			continue;
		if (i-- == 0)
			return m->jobs[k];
	}
	return NULL;
}

static size_t mon_count_visible(const struct monitor *m)
{
	size_t v = 0;

	for (size_t k = 0; k < m->n; k++)
		v += mon_visible(m, m->jobs[k]);
	return v;
}

static void mon_select(struct monitor *m, size_t i)
{
	size_t nv = mon_count_visible(m);
	struct mon_job *j;

	if (nv == 0) {
		m->sel = 0;
		m->sel_id[0] = '\0';
		return;
	}
	if (i >= nv)
		i = nv - 1;
	m->sel = i;
	j = mon_at(m, i);
	str_copy(m->sel_id, j->ji.id, sizeof m->sel_id);
	/* only the job under the cursor shows its output: read it now */
	mon_read_last_line(m, j, 0);
}

/* The job under the cursor, or NULL. */
static struct mon_job *mon_selected(struct monitor *m)
{
	return m->sel_id[0] != '\0' ? mon_find(m, m->sel_id) : NULL;
}

/* Looks at the jobs directory: new jobs are loaded, removed ones dropped.
 * Returns 1 when the list changed. */
static int mon_scan(struct monitor *m)
{
	char *jobs = xasprintf("%s/jobs", m->site->state_dir);
	DIR *d;
	struct dirent *de;
	int changed = 0;

	m->last_scan = clock_ms();
	if (stat(jobs, &m->dir_st) != 0)
		memset(&m->dir_st, 0, sizeof m->dir_st);
	d = opendir(jobs);
	free(jobs);
	for (size_t i = 0; i < m->n; i++)
		m->jobs[i]->present = 0;
	while (d != NULL && (de = readdir(d)) != NULL) {
		struct mon_job *j;
		if (!job_id_valid(de->d_name))
			continue;
		if ((j = mon_find(m, de->d_name)) != NULL) {
			j->present = 1;
			continue;
		}
		j = xcalloc(1, sizeof *j);
		j->out_size = -1;
		j->line_size = -1;
		if (job_load(m->site, de->d_name, &j->ji, NULL) != 0) {
			/* not a job (yet): job.ini is written first, so look again later */
			mon_job_free(j);
			continue;
		}
		j->present = 1;
		j->loaded_ms = clock_ms();
		{
			char *path = xasprintf("%s/state", j->ji.dir);
			if (stat(path, &j->state_st) != 0)
				memset(&j->state_st, 0, sizeof j->state_st);
			free(path);
		}
		{
			struct stat st;
			mon_stat_output(m, j, &st);
		}
		mon_history_add(m, j);
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 16;
			m->jobs = xreallocarray(m->jobs, m->cap, sizeof *m->jobs);
		}
		m->jobs[m->n++] = j;
		changed = 1;
	}
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < m->n;) {
		if (!m->jobs[i]->present) {
			mon_job_free(m->jobs[i]);
			memmove(&m->jobs[i], &m->jobs[i + 1], (m->n - i - 1) * sizeof *m->jobs);
			m->n--;
			changed = 1;
		} else {
			i++;
		}
	}
	return changed;
}

/* Whether the journal holds something an active job's row (or the detail
 * of the job under the cursor) does not show yet. */
static int mon_job_stale(struct monitor *m, struct mon_job *j, int selected)
{
	char *path;
	struct stat st;
	int stale = 0, there;

	path = job_output_path(m->site, j->ji.id);
	there = stat(path, &st) == 0;
	free(path);
	if (selected && (there ? (long long)st.st_size != j->line_size ||
	                             (long long)st.st_mtime != j->line_mtime
	                       : j->last_line != NULL))
		return 1;
	if (job_status_is_final(j->ji.status))
		return 0;
	if (there &&
	    ((long long)st.st_size != j->out_size || (long long)st.st_mtime != j->out_mtime))
		return 1;
	path = xasprintf("%s/state", j->ji.dir);
	if (stat(path, &st) == 0 && !mon_stat_same(&st, &j->state_st))
		stale = 1;
	free(path);
	return stale;
}

/* One look at the journal. Returns 1 when the screen must be redrawn. */
static int mon_refresh(struct monitor *m, int force_scan)
{
	int changed = 0, resort = 0;
	long long now = clock_ms();
	struct mon_job *sel;

	m->last_refresh = now;
	if (force_scan || now - m->last_scan >= MON_SCAN_MS) {
		resort = mon_scan(m);
		changed |= resort;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct mon_job *j = m->jobs[i];
		enum job_status before = j->ji.status;
		char *path;
		struct stat st;
		int load;
		if (job_status_is_final(j->ji.status))
			continue;
		/* of the others, only when they last printed (for the stall warning) */
		if (strcmp(j->ji.id, m->sel_id) != 0)
			changed |= mon_stat_output(m, j, &st);
		path = xasprintf("%s/state", j->ji.dir);
		load = stat(path, &st) != 0 || !mon_stat_same(&st, &j->state_st) ||
		       now - j->loaded_ms >= MON_LOST_CHECK_MS;
		free(path);
		if (load && mon_load(m, j)) {
			changed = 1;
			if (mon_group(&j->ji) != mon_group(&(struct job_info){ .status = before }))
				resort = 1;
		}
	}
	if (resort) {
		mon_sort(m);
		/* the cursor stays on its job (or, the first time, takes the first) */
		mon_select(m, m->sel);
	}
	/* after its state: a job that just ended has written its last line */
	if ((sel = mon_selected(m)) != NULL)
		changed |= mon_read_last_line(m, sel, 0);
	return changed;
}

/* Every MON_WATCH_MS: the output of the job under the cursor, and every
 * MON_TICK_MS the whole journal. A change is drawn at once when the last
 * draw is older than the loop's throttle (about 100 ms), else right after. */
static void mon_tick(void *arg)
{
	struct monitor *m = arg;
	long long now_s = monitor_now_ms() / 1000;
	struct mon_job *sel;
	int changed;

	if (m->pending_error != NULL) {
		tui_error("%s", m->pending_error);
		free(m->pending_error);
		m->pending_error = NULL;
	}
	if (clock_ms() - m->last_refresh >= MON_TICK_MS)
		changed = mon_refresh(m, 0);
	else
		changed = (sel = mon_selected(m)) != NULL && mon_read_last_line(m, sel, 0);
	if (changed)
		tui_screen_dirty(m->scr);
	/* the clocks on the screen move once a second */
	if (now_s != m->last_tick_s) {
		m->last_tick_s = now_s;
		tui_screen_dirty(m->scr);
	}
}

static int mon_busy(void *arg, struct tui_screen *scr)
{
	struct monitor *m = arg;
	struct stat st;
	char *jobs;
	int busy = 0;

	(void)scr;
	if (m->pending_error != NULL)
		return 1;
	jobs = xasprintf("%s/jobs", m->site->state_dir);
	if (stat(jobs, &st) == 0 && !mon_stat_same(&st, &m->dir_st))
		busy = 1;
	free(jobs);
	for (size_t i = 0; i < m->n && !busy; i++)
		busy = mon_job_stale(m, m->jobs[i], strcmp(m->jobs[i]->ji.id, m->sel_id) == 0);
	return busy;
}

/* ---- drawing --------------------------------------------------------------------- */

static const char *mon_mode_short(const char *mode)
{
	static const struct {
		const char *mode, *label;
	} map[] = {
		{ "mksysb-to-client", "mksysb>cl" },
		{ "mksysb-to-mksysb", "mksysb>mk" },
		{ "client-to-mksysb", "client>mk" },
	};

	if (mode == NULL)
		return "?";
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(map[i].mode, mode) == 0)
			return map[i].label;
	return mode;
}

/* When the job last printed (epoch s), or 0. */
static long long mon_last_output(const struct mon_job *j)
{
	long long t = j->ji.last_output;

	if (j->out_size > 0 && j->out_mtime > t)
		t = j->out_mtime;
	return t;
}

/* Seconds a running job has been silent beyond the stall time, or 0. */
static long long mon_stalled(const struct mon_job *j, long long now_s)
{
	long long last, quiet;

	if (j->ji.status != JOB_RUNNING || mon_stall_s <= 0)
		return 0;
	last = mon_last_output(j);
	if (last == 0)
		last = j->ji.started;
	if (last == 0)
		return 0;
	quiet = now_s - last;
	return quiet > mon_stall_s ? quiet : 0;
}

static const char *mon_status_label(const struct mon_job *j, long long now_s, unsigned *style)
{
	*style = TUI_STYLE_NORMAL;
	switch (j->ji.status) {
	case JOB_RUNNING:
		if (mon_stalled(j, now_s)) {
			*style = TUI_STYLE_WARNING;
			return "STALLED";
		}
		*style = TUI_STYLE_TITLE;
		return "running";
	case JOB_WAITING:
		return "waiting";
	case JOB_PAUSED:
		*style = TUI_STYLE_WARNING;
		return "paused";
	case JOB_SUCCEEDED:
		*style = TUI_STYLE_GOOD;
		return "done";
	case JOB_FAILED:
		*style = TUI_STYLE_ERROR;
		return "FAILED";
	case JOB_CANCELLED:
		*style = TUI_STYLE_MUTED;
		return "cancelled";
	case JOB_LOST:
		*style = TUI_STYLE_ERROR;
		return "LOST";
	}
	return "?";
}

/* The phases the job has finished, for its bar (0..12, a fraction in phase 6). */
static double mon_progress(const struct job_info *ji)
{
	double p;

	if (ji->status == JOB_SUCCEEDED)
		return PHASE_MAX;
	if (ji->phase < 1)
		return 0;
	p = ji->phase - 1;
	if (ji->status == JOB_PAUSED || (ji->phase_end[ji->phase] > 0 && ji->status != JOB_FAILED))
		p = ji->phase;
	else if (ji->phase == 6 && ji->filesets_total > 0)
		p += (double)ji->filesets_done / ji->filesets_total;
	return p;
}

static void mon_bar(const struct job_info *ji, char *buf, int inner)
{
	int fill = (int)(mon_progress(ji) * inner / PHASE_MAX + 0.0001);

	buf[0] = '[';
	for (int i = 0; i < inner; i++)
		buf[1 + i] = i < fill ? '#' : '.';
	if ((ji->status == JOB_FAILED || ji->status == JOB_LOST) && fill < inner && ji->phase > 0)
		buf[1 + fill] = '!';
	buf[1 + inner] = ']';
	buf[2 + inner] = '\0';
}

/* Column layout for the width; the phase name takes what is left. */
struct mon_cols {
	int client, mode, status, phase, bar, name, elapsed, left;
};

static void mon_columns(int cols, struct mon_cols *c)
{
	c->client = 11;
	c->mode = 10;
	c->status = 10;
	c->phase = 6;
	c->bar = 13;
	c->elapsed = 9;
	c->left = 6;
	c->name =
	    cols - 2 - c->client - c->mode - c->status - c->phase - c->bar - c->elapsed - c->left;
	if (c->name < 8)
		c->name = 8;
}

static void mon_draw_row(struct monitor *m, int y, const struct mon_job *j, int selected,
                         const struct mon_cols *c, long long now_s)
{
	struct tui_screen *s = m->scr;
	const struct job_info *ji = &j->ji;
	unsigned cur = selected ? TUI_STYLE_CURSOR : 0, st;
	char buf[64], name[64];
	const char *label = mon_status_label(j, now_s, &st);
	int x = 0;
	long left;

	if (selected)
		tui_view_fill(s, y, 0, -1, TUI_STYLE_CURSOR);
	tui_view_put(s, y, x, 2, cur, selected ? ">" : "");
	x += 2;
	tui_view_put(s, y, x, c->client - 1, cur, ji->client != NULL ? ji->client : "?");
	x += c->client;
	tui_view_put(s, y, x, c->mode - 1, cur, mon_mode_short(ji->mode));
	x += c->mode;
	tui_view_put(s, y, x, c->status - 1, st | cur, label);
	x += c->status;
	if (mon_mode_index(ji->mode) >= 0) {
		if (ji->phase > 0)
			snprintf(buf, sizeof buf, "%d/12", ji->phase);
		else
			snprintf(buf, sizeof buf, "-/12");
		tui_view_put(s, y, x, c->phase - 1, cur, buf);
		mon_bar(ji, buf, c->bar - 3);
		tui_view_put(s, y, x + c->phase, c->bar - 1, cur, buf);
		if (ji->status == JOB_WAITING)
			snprintf(name, sizeof name, "in queue");
		else if (ji->status == JOB_SUCCEEDED)
			snprintf(name, sizeof name, "done");
		else if (ji->phase == 6 && ji->filesets_total > 0 && ji->status == JOB_RUNNING)
			snprintf(name, sizeof name, "fs %d/%d", ji->filesets_done,
			         ji->filesets_total);
		else
			snprintf(name, sizeof name, "%s", monitor_phase_short(ji->phase));
		tui_view_put(s, y, x + c->phase + c->bar, c->name - 1, cur, name);
	} else {
		/* cleanup, wake-up, sleep: no phases */
		tui_view_put(s, y, x, c->phase + c->bar + c->name - 1, cur, "(no phases)");
	}
	x += c->phase + c->bar + c->name;
	if (ji->started > 0) {
		long long end = ji->ended > 0 ? ji->ended : now_s;
		monitor_fmt_duration(buf, sizeof buf, end - ji->started);
	} else {
		snprintf(buf, sizeof buf, "-");
	}
	tui_view_put(s, y, x, c->elapsed - 1, cur, buf);
	x += c->elapsed;
	if (job_status_is_final(ji->status)) {
		snprintf(buf, sizeof buf, "-");
	} else {
		int k = mon_mode_index(ji->mode);
		left = jobact_estimate_left(ji, k >= 0 ? &m->hist[k] : NULL, now_s * 1000);
		buf[0] = '~';
		monitor_fmt_left(buf + 1, sizeof buf - 1, left);
		if (left < 0)
			snprintf(buf, sizeof buf, "?");
	}
	tui_view_put(s, y, x, c->left, cur, buf);
}

/* The lines about the job under the cursor. */
static void mon_draw_detail(struct monitor *m, int y, int cols, const struct mon_job *j,
                            long long now_s)
{
	struct tui_screen *s = m->scr;
	const struct job_info *ji = &j->ji;
	struct strbuf sb = { 0 };
	char ago[32], stall[32];
	long long quiet = mon_stalled(j, now_s), last = mon_last_output(j);
	int k = mon_mode_index(ji->mode);

	sb_addf(&sb, "-- %s: %s ", ji->client != NULL ? ji->client : "?", ji->id);
	while ((int)sb.len < cols)
		sb_addc(&sb, '-');
	tui_view_put(s, y, 0, cols, TUI_STYLE_BOLD, sb.buf);
	sb_reset(&sb);
	if (ji->status == JOB_WAITING) {
		sb_adds(&sb, "Waiting for a running slot (the limit of jobs running at once).");
	} else if (k >= 0 && ji->phase >= 1) {
		sb_addf(&sb, "Phase %d of 12: %s", ji->phase, phase_title(ji->phase));
		if (ji->phase == 6 && ji->filesets_total > 0)
			sb_addf(&sb, " (filesets %d of %d)", ji->filesets_done, ji->filesets_total);
		if (ji->status == JOB_PAUSED)
			sb_addf(&sb, "; paused after phase %d", ji->paused_after);
		else if (ji->pause_requested)
			sb_adds(&sb, "; pauses after it");
	} else if (k >= 0) {
		sb_adds(&sb, "Starting: no phase yet.");
	} else {
		sb_addf(&sb, "%s", ji->command != NULL ? ji->command : "");
	}
	if (ji->status == JOB_LOST && ji->error != NULL)
		sb_addf(&sb, " Lost: %s.", ji->error);
	{
		char *safe = cmd_escape_display(sb.buf, sb.len);
		tui_view_put(s, y + 1, 0, cols, TUI_STYLE_NORMAL, safe);
		free(safe);
	}
	sb_reset(&sb);
	sb_addf(&sb, "Last message: %s", ji->message != NULL ? ji->message : "none");
	{
		char *safe = cmd_escape_display(sb.buf, sb.len);
		tui_view_put(s, y + 2, 0, cols,
		             ji->message != NULL && ji->status == JOB_FAILED ? TUI_STYLE_ERROR
		                                                             : TUI_STYLE_NORMAL,
		             safe);
		free(safe);
	}
	sb_reset(&sb);
	if (quiet > 0) {
		mon_fmt_ago(ago, sizeof ago, quiet);
		mon_fmt_ago(stall, sizeof stall, mon_stall_s);
		sb_addf(&sb, "STALLED: no output for %s (warning after %s): %s", ago, stall,
		        j->last_line != NULL ? j->last_line : "");
		tui_view_put(s, y + 3, 0, cols, TUI_STYLE_WARNING, sb.buf);
	} else if (j->last_line != NULL) {
		if (last > 0 && !job_status_is_final(ji->status)) {
			mon_fmt_ago(ago, sizeof ago, now_s - last);
			sb_addf(&sb, "Output %s ago: %s", ago, j->last_line);
		} else {
			sb_addf(&sb, "Last output: %s", j->last_line);
		}
		tui_view_put(s, y + 3, 0, cols, TUI_STYLE_NORMAL, sb.buf);
	} else {
		tui_view_put(s, y + 3, 0, cols, TUI_STYLE_MUTED, "No output yet.");
	}
	sb_free(&sb);
}

/* Whether r resumes ji: the monitor holds the client's other jobs, so
 * no journal read is needed to see a later cleanup or migration. */
static int mon_can_resume(const struct monitor *m, const struct job_info *ji)
{
	char why[JOBACT_WHY_MAX];
	const char *w;

	if (jobact_resume_phase(ji, NULL, &w) == 0)
		return 0;
	for (size_t i = 0; i < m->n; i++)
		if (jobact_resume_undone_by(ji, &m->jobs[i]->ji, why))
			return 0;
	return 1;
}

/* The keys that do something for this job now. */
static void mon_draw_keys(struct monitor *m, int y, int cols, const struct mon_job *j)
{
	struct strbuf sb = { 0 };
	const char *why;

	sb_adds(&sb, "Enter=Open  l=Log");
	if (j != NULL) {
		const struct job_info *ji = &j->ji;
		if (job_can_pause(ji, &why))
			sb_adds(&sb, "  p=Pause");
		if (ji->status == JOB_PAUSED)
			sb_adds(&sb, "  c=Continue");
		if (!job_status_is_final(ji->status))
			sb_adds(&sb, "  x=Cancel");
		if (mon_can_resume(m, ji))
			sb_adds(&sb, "  r=Resume");
		if (jobact_can_cleanup(ji, &why) && ji->status != JOB_SUCCEEDED)
			sb_adds(&sb, "  C=Cleanup");
	}
	sb_adds(&sb, "  s=Stall  a=");
	sb_adds(&sb, m->hide_finished ? "All" : "Active");
	tui_view_put(m->scr, y, 0, cols, TUI_STYLE_MUTED, sb.buf);
	sb_free(&sb);
}

static void mon_draw(void *arg, struct tui_screen *s, int rows, int cols)
{
	struct monitor *m = arg;
	long long now_s = monitor_now_ms() / 1000;
	size_t counts[7] = { 0 }, nv = mon_count_visible(m);
	struct strbuf sb = { 0 };
	struct mon_cols c;
	char stall[32];
	struct mon_job *cur = NULL;
	int y;
	/* indexed by enum job_status; listed in `order` */
	static const char *const words[] = { "waiting", "running",   "paused", "done",
		                             "failed",  "cancelled", "lost" };
	static const int order[] = { JOB_RUNNING, JOB_PAUSED,    JOB_WAITING,  JOB_FAILED,
		                     JOB_LOST,    JOB_CANCELLED, JOB_SUCCEEDED };

	for (size_t i = 0; i < m->n; i++)
		if ((size_t)m->jobs[i]->ji.status < ARRAY_LEN(counts))
			counts[m->jobs[i]->ji.status]++;
	sb_addf(&sb, "%zu job%s", m->n, m->n == 1 ? "" : "s");
	for (size_t i = 0, said = 0; i < ARRAY_LEN(order); i++) {
		if (counts[order[i]] == 0)
			continue;
		sb_addf(&sb, "%s %zu %s", said++ == 0 ? ":" : ",", counts[order[i]],
		        words[order[i]]);
	}
	sb_adds(&sb, ".");
	if (m->hide_finished)
		sb_adds(&sb, "  Finished jobs hidden.");
	tui_view_put(s, 0, 0, cols, TUI_STYLE_NORMAL, sb.buf);
	sb_reset(&sb);
	if (mon_stall_s > 0) {
		mon_fmt_ago(stall, sizeof stall, mon_stall_s);
		sb_addf(&sb, "Stall warning after %s without output.", stall);
	} else {
		sb_adds(&sb, "Stall warning off.");
	}
	tui_view_put(s, 1, 0, cols, TUI_STYLE_MUTED, sb.buf);
	sb_free(&sb);

	m->list_rows = rows - 3 - MON_DETAIL_ROWS;
	if (m->list_rows < 1)
		m->list_rows = 1;
	if (nv == 0) {
		tui_view_put(s, 2, 0, cols, TUI_STYLE_NORMAL,
		             m->n == 0 ? "No jobs on this master yet. Start a migration from the "
		                         "main menu (or nimadm-tui run)."
		                       : "No active or failed jobs. Press a to show all jobs.");
		mon_draw_keys(m, rows - 1, cols, NULL);
		return;
	}
	if (m->sel >= nv)
		mon_select(m, nv - 1);
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + (size_t)m->list_rows)
		m->top = m->sel - (size_t)m->list_rows + 1;
	if (m->top + (size_t)m->list_rows > nv)
		m->top = nv > (size_t)m->list_rows ? nv - (size_t)m->list_rows : 0;

	mon_columns(cols, &c);
	{
		char head[512];
		snprintf(head, sizeof head, "  %-*s%-*s%-*s%-*s%-*s%-*s", c.client, "CLIENT",
		         c.mode, "MODE", c.status, "STATUS", c.phase + c.bar + c.name, "PHASE",
		         c.elapsed, "ELAPSED", c.left, "LEFT");
		tui_view_put(s, 2, 0, cols, TUI_STYLE_BOLD, head);
	}
	y = 3;
	for (size_t i = m->top; i < nv && y < 3 + m->list_rows; i++, y++) {
		struct mon_job *j = mon_at(m, i);
		if (i == m->sel)
			cur = j;
		mon_draw_row(m, y, j, i == m->sel, &c, now_s);
	}
	if (m->top > 0 || m->top + (size_t)m->list_rows < nv) {
		char more[64];
		snprintf(more, sizeof more, "[%zu-%zu of %zu]", m->top + 1,
		         m->top + (size_t)(y - 3), nv);
		tui_view_put(s, 1, cols - (int)strlen(more), -1, TUI_STYLE_MUTED, more);
	}
	y = rows - MON_DETAIL_ROWS;
	if (cur != NULL)
		mon_draw_detail(m, y, cols, cur, now_s);
	mon_draw_keys(m, rows - 1, cols, cur);
}

/* ---- keys ------------------------------------------------------------------------- */

static void mon_stall_done(void *arg, const char *text)
{
	struct monitor *m = arg;
	struct err e;
	long v;

	err_clear(&e);
	if (tuiconf_parse_stall("Stall warning", text, &v, &e) != 0) {
		tui_error("%s.", e.msg);
		return;
	}
	monitor_set_stall(v * 60);
	if (mon_stall_save(m->site, &e) != 0)
		tui_error("The stall warning is set for this session only: %s", e.msg);
	else if (v == 0)
		tui_message("Stall warning off (saved for the next sessions).");
	else
		tui_message("Stall warning after %ld minute%s (saved for the next sessions).", v,
		            v == 1 ? "" : "s");
	tui_screen_dirty(m->scr);
}

static int mon_key(void *arg, struct tui_screen *s, enum tui_action a, int key)
{
	struct monitor *m = arg;
	size_t nv = mon_count_visible(m);
	struct mon_job *j = nv > 0 ? mon_at(m, m->sel < nv ? m->sel : nv - 1) : NULL;
	size_t page = m->list_rows > 1 ? (size_t)m->list_rows - 1 : 1;

	switch (a) {
	case TUI_ACT_UP:
		mon_select(m, m->sel > 0 ? m->sel - 1 : 0);
		break;
	case TUI_ACT_DOWN:
		mon_select(m, m->sel + 1);
		break;
	case TUI_ACT_PAGE_UP:
		mon_select(m, m->sel > page ? m->sel - page : 0);
		break;
	case TUI_ACT_PAGE_DOWN:
		mon_select(m, m->sel + page);
		break;
	case TUI_ACT_HOME:
		mon_select(m, 0);
		break;
	case TUI_ACT_END:
		mon_select(m, nv > 0 ? nv - 1 : 0);
		break;
	case TUI_ACT_DO:
		if (j != NULL)
			jobview_open(m->site, j->ji.id);
		break;
	case TUI_ACT_HELP: {
		char *text = monitor_help_text("monitor", monitor_keys);
		tui_popup_text("Monitor", text);
		free(text);
		break;
	}
	case TUI_ACT_REFRESH:
		mon_refresh(m, 1);
		return 0; /* and the kit redraws */
	case TUI_ACT_RESET:
		key = 's';
		/* fall through */
	default:
		if (key == 's') {
			char cur[32];
			snprintf(cur, sizeof cur, "%ld", mon_stall_s / 60);
			tui_prompt("Stall Warning", "Minutes without output (0: off):", cur,
			           mon_stall_done, m);
			break;
		}
		if (key == 'a') {
			m->hide_finished = !m->hide_finished;
			mon_sort(m);
			mon_select(m, m->sel);
			break;
		}
		if (j != NULL && jobview_action(m->site, &j->ji, NULL, key)) {
			/* an action may have started a job: look at the directory soon */
			m->last_scan = 0;
			break;
		}
		return 0;
	}
	tui_screen_dirty(s);
	return 1;
}

static void mon_close(void *arg)
{
	struct monitor *m = arg;

	tui_timer_cancel(m->timer);
	free(m->pending_error);
	for (size_t i = 0; i < m->n; i++)
		mon_job_free(m->jobs[i]);
	free(m->jobs);
	free(m);
}

static const int mon_bar_keys[] = { TUI_ACT_HELP,  TUI_ACT_REFRESH, TUI_ACT_CANCEL, TUI_ACT_IMAGE,
	                            TUI_ACT_SHELL, TUI_ACT_EXIT,    TUI_ACT_NONE };

static const struct tui_view_def mon_def = {
	.title = "Monitor Alternate Disk Migration Jobs",
	.help_id = "screens/monitor",
	.bar = mon_bar_keys,
	.draw = mon_draw,
	.key = mon_key,
	.busy = mon_busy,
	.close = mon_close,
};

struct tui_screen *monitor_new(struct site *site)
{
	struct monitor *m = xcalloc(1, sizeof *m);
	struct err e;

	m->site = site;
	m->scr = tui_view_new(&mon_def, m);
	err_clear(&e);
	if (monitor_stall_load(site, &e) != 0)
		m->pending_error = xstrdup(e.msg);
	mon_refresh(m, 1);
	mon_sort(m);
	mon_select(m, 0);
	m->last_tick_s = monitor_now_ms() / 1000;
	m->timer = tui_timer(MON_WATCH_MS, TUI_TIMER_REPEAT | TUI_TIMER_BACKGROUND, mon_tick, m);
	return m->scr;
}

void app_open_monitor(void)
{
	struct site *site = app_site();

	if (site == NULL) {
		tui_error("No site is open: the monitor needs the NIM master's state directory.");
		return;
	}
	tui_push(monitor_new(site));
}
