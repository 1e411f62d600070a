/* jobtail.c: reading a job's output.log and state incrementally. */
#include "jobtail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_CHUNK        (64 * 1024)
#define TAIL_MAX_PER_POLL (1024 * 1024)
/* `state` is loaded again when it changed (a stat says so), and at least this
 * often: a supervisor that died leaves it as it was, and only job_load()
 * finds the job lost. */
#define TAIL_RELOAD_MS 2000

struct job_tail {
	const struct site *site;
	char id[JOB_ID_MAX];
	char *path;
	char *state_path;
	struct stat state_st; /* `state` when last loaded (zeroed: load again) */
	long long loaded_ms;  /* then (monotonic) */
	struct job_tail_cb cb;
	int fd;
	int history;       /* still inside the output that existed at the start */
	off_t history_end; /* its size then */
	off_t offset;
	struct strbuf partial; /* a line not yet ended */
	struct phase_tracker *tracker;
	struct job_info info;
	int have_info;
	int finished;
	int behind;
};

static void tail_event(void *arg, const struct phase_event *ev)
{
	struct job_tail *t = arg;

	if (t->cb.event != NULL)
		t->cb.event(t->cb.arg, ev);
}

struct job_tail *job_tail_new(const struct site *site, const char *id, const struct job_tail_cb *cb,
                              int skip_history, struct err *e)
{
	struct job_tail *t;
	struct job_info ji;

	if (job_load(site, id, &ji, e) != 0)
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->site = site;
	str_copy(t->id, id, sizeof t->id);
	t->path = job_output_path(site, id);
	t->state_path = xasprintf("%s/state", ji.dir);
	if (cb != NULL)
		t->cb = *cb;
	t->fd = -1;
	t->info = ji;
	t->have_info = 1;
	t->tracker = phase_tracker_new(tail_event, t);
	t->history = skip_history;
	t->history_end = -1;
	return t;
}

void job_tail_free(struct job_tail **tp)
{
	struct job_tail *t = *tp;

	if (t == NULL)
		return;
	if (t->fd >= 0)
		close(t->fd);
	phase_tracker_free(&t->tracker);
	sb_free(&t->partial);
	job_info_free(&t->info);
	free(t->path);
	free(t->state_path);
	free(t);
	*tp = NULL;
}

/* end: the file offset just past the line, to tell history from news. */
static void tail_line(struct job_tail *t, const char *line, size_t len, off_t end)
{
	phase_tracker_feed(t->tracker, line, len, -1);
	if (t->cb.line != NULL && !(t->history && end <= t->history_end))
		t->cb.line(t->cb.arg, line, len);
}

/* Splits what was read (at file offset base) into lines, carrying a partial one. */
static void tail_bytes(struct job_tail *t, const char *buf, size_t n, off_t base)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (t->partial.len > 0) {
			sb_add(&t->partial, buf + start, i - start);
			tail_line(t, t->partial.buf, t->partial.len, base + (off_t)i + 1);
			sb_reset(&t->partial);
		} else {
			tail_line(t, buf + start, i - start, base + (off_t)i + 1);
		}
		start = i + 1;
	}
	if (start < n) {
		sb_add(&t->partial, buf + start, n - start);
		if (t->partial.len > CMD_LINE_MAX) {
			tail_line(t, t->partial.buf, t->partial.len, base + (off_t)n);
			sb_reset(&t->partial);
		}
	}
}

static int tail_read(struct job_tail *t)
{
	char buf[TAIL_CHUNK];
	size_t total = 0;
	ssize_t r;

	if (t->fd < 0) {
		t->fd = open(t->path, O_RDONLY);
		if (t->fd < 0)
			return 0; /* not yet created: the job is waiting */
		fcntl(t->fd, F_SETFD, FD_CLOEXEC);
		if (t->history) {
			off_t end = lseek(t->fd, 0, SEEK_END);
			t->history_end = end > 0 ? end : 0;
			lseek(t->fd, 0, SEEK_SET);
		}
	}
	t->behind = 0;
	while ((r = read(t->fd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		tail_bytes(t, buf, (size_t)r, t->offset);
		t->offset += r;
		total += (size_t)r;
		if (total >= TAIL_MAX_PER_POLL) {
			t->behind = 1;
			break;
		}
	}
	return 0;
}

/* Whether `state` may differ from what was last loaded. */
static int tail_state_changed(struct job_tail *t, struct stat *st)
{
	if (stat(t->state_path, st) != 0) {
		memset(st, 0, sizeof *st);
		return 1; /* not written yet, or going away: job_load() decides */
	}
	return st->st_ino != t->state_st.st_ino || st->st_dev != t->state_st.st_dev ||
	       st->st_size != t->state_st.st_size || st->st_mtime != t->state_st.st_mtime ||
	       st->st_mtim.tv_nsec != t->state_st.st_mtim.tv_nsec ||
	       clock_ms() - t->loaded_ms >= TAIL_RELOAD_MS;
}

int job_tail_poll(struct job_tail *t)
{
	struct job_info ji;
	struct stat st;

	if (t->finished)
		return 1;
	/* State first, then output: a final state read before the last bytes
	 * guarantees those bytes are seen by this very poll. The state is
	 * replaced atomically (a new inode), so an unchanged stat means an
	 * unchanged state, and a poll costs two stats and a read. */
	if (tail_state_changed(t, &st) && job_load(t->site, t->id, &ji, NULL) == 0) {
		job_info_free(&t->info);
		t->info = ji;
		t->state_st = st;
		t->loaded_ms = clock_ms();
	}
	tail_read(t);
	if (job_status_is_final(t->info.status) && !t->behind) {
		if (t->partial.len > 0) {
			tail_line(t, t->partial.buf, t->partial.len, t->offset);
			sb_reset(&t->partial);
		}
		phase_tracker_finish(t->tracker,
		                     t->info.status == JOB_LOST ? -1 : t->info.exit_code);
		t->finished = 1;
		return 1;
	}
	return 0;
}

int job_tail_behind(const struct job_tail *t)
{
	return t->behind;
}

const struct job_info *job_tail_info(const struct job_tail *t)
{
	return &t->info;
}

const struct phase_state *job_tail_phases(const struct job_tail *t)
{
	return phase_tracker_state(t->tracker);
}
