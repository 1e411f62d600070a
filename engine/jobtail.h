/*
 * jobtail.h: following a job from its journal alone: the output as the
 * supervisor appends it, the state as it rewrites it, and the phase tracker
 * over the whole output, so a reader that attaches late (or after the UI was
 * killed) knows as much as one that watched from the start. Never blocks.
 */
#ifndef NIMADM_JOBTAIL_H
#define NIMADM_JOBTAIL_H

#include "job.h"
#include "phase.h"

struct job_tail_cb {
	/* Each output line (raw bytes, no newline); valid only during the call. */
	void (*line)(void *arg, const char *line, size_t len);
	/* Tracker events, as the lines are read. */
	phase_event_fn *event;
	void *arg;
};

struct job_tail;

/* Starts following job `id`. With skip_history, lines already in the log
 * feed the tracker but are not passed to cb->line. Owned; job_tail_free(). */
struct job_tail *job_tail_new(const struct site *site, const char *id, const struct job_tail_cb *cb,
                              int skip_history, struct err *e);
void job_tail_free(struct job_tail **t);

/* Reads what is new and reloads the state. Returns 1 once the job is final
 * and its output has been read to the end (the tracker is then finished),
 * else 0. Reads at most about 1 MiB per call, so a huge backlog cannot stall
 * the caller's loop: call again soon while job_tail_behind() says so. */
int job_tail_poll(struct job_tail *t);
/* 1 when the last poll stopped before the end of the output. */
int job_tail_behind(const struct job_tail *t);

const struct job_info *job_tail_info(const struct job_tail *t);
const struct phase_state *job_tail_phases(const struct job_tail *t);

#endif
