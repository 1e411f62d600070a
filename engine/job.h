/*
 * job.h: nimadm jobs under a journal that survives the UI.
 *
 * A job is one nimadm operation. job_submit() writes its journal and starts
 * a small detached supervisor (its own session and process group) that runs
 * nimadm through the transport, appends everything nimadm prints to
 * output.log as it comes, and keeps `state` (replaced atomically). Whoever
 * submitted or watches the job can go away at any moment; any later process
 * re-attaches by reading the journal:
 *
 *   <state dir>/jobs/<id>/job.ini      parameters, mode, argv, plan, created
 *                         output.log   everything nimadm printed, as printed
 *                         state        status, phase, pid, exit code, times
 *                         control      operator requests (continue, cancel)
 *                         supervisor.lock  held by the live supervisor
 *   <state dir>/locks/<client>.lock    one active job per client (fcntl lock)
 *   <state dir>/slots/<n>.lock         the running-jobs limit (fcntl locks)
 *   <state dir>/max_jobs               the limit (default JOB_DEFAULT_LIMIT)
 *
 * Locks are fcntl locks held by the supervisor, so they vanish with it: a
 * crashed supervisor never leaves a stale lock, and a reader that finds a
 * non-final job whose supervisor.lock is free reports it as lost.
 */
#ifndef NIMADM_JOB_H
#define NIMADM_JOB_H

#include <sys/types.h>

#include "site.h"
#include "util.h"

#define JOB_ID_MAX        96
#define JOB_PHASES        12
#define JOB_DEFAULT_LIMIT 8

/* X(enum, name, final) */
#define JOB_STATUSES(X)                  \
	X(JOB_WAITING, "waiting", 0)     \
	X(JOB_RUNNING, "running", 0)     \
	X(JOB_PAUSED, "paused", 0)       \
	X(JOB_SUCCEEDED, "succeeded", 1) \
	X(JOB_FAILED, "failed", 1)       \
	X(JOB_CANCELLED, "cancelled", 1) \
	X(JOB_LOST, "lost", 1)

enum job_status {
#define X(e, n, f) e,
	JOB_STATUSES(X)
#undef X
};

const char *job_status_name(enum job_status s);
int job_status_from_name(const char *name, enum job_status *out);
int job_status_is_final(enum job_status s);

/* What to run. Strings are copied. */
struct job_request {
	const char *mode;        /* the nimadm mode's name, e.g. "migrate" */
	const char *client;      /* lock key: the client (or the mksysb for client-less modes) */
	const char *const *argv; /* the exact nimadm argv, without -P */
	const char *params_ini;  /* the parameters as INI text (for resume and cleanup), or NULL */
	int step;                /* pause after each phase until job_continue() */
	int from_phase;          /* 0: one nimadm call; N: phases N..to_phase one call each */
	int to_phase;            /* last phase of a phased run (0: 12) */
};

/* What a reader knows about a job. Strings owned; free with job_info_free(). */
struct job_info {
	char id[JOB_ID_MAX];
	char *dir;
	char *mode;
	char *client;
	char *command; /* the command line for display */
	enum job_status status;
	int phase;             /* current or last phase seen (0: none yet) */
	int exit_code;         /* -1 until nimadm ended */
	pid_t pid;             /* supervisor pid (0 when none) */
	long long created;     /* epoch seconds */
	long long started;     /* 0 until running */
	long long ended;       /* 0 until final */
	long long updated;     /* last state change */
	long long last_output; /* epoch seconds of the last output line (0: none) */
	int step;
	int from_phase;
	int to_phase;
	int paused_after;    /* the phase after which a step job is paused */
	int pause_requested; /* job_pause() asked to pause after the current phase */
	int filesets_done;   /* installp progress in phase 6 */
	int filesets_total;
	long long phase_start[JOB_PHASES + 1]; /* epoch ms, 0 unknown */
	long long phase_end[JOB_PHASES + 1];
	char *message;    /* the last coded message, or NULL */
	char *error;      /* why the supervisor failed, or NULL */
	char *params_ini; /* the saved parameters, or NULL */
};
void job_info_free(struct job_info *ji);

/* Validates the request, writes the journal and starts the supervisor; the
 * job's id goes to id_out. Refuses (nothing started) when the client already
 * has an active job. Returns 0 or -1 with e filled. */
int job_submit(struct site *site, const struct job_request *rq, char id_out[JOB_ID_MAX],
               struct err *e);

/* Reads one job (0) or fails (-1). A non-final job without a live supervisor
 * is reported as JOB_LOST. Never blocks. */
int job_load(const struct site *site, const char *id, struct job_info *out, struct err *e);
/* Every job, oldest first. */
int job_list(const struct site *site, struct job_info **out, size_t *n, struct err *e);
void job_list_free(struct job_info **jobs, size_t n);

/* Operator requests. */
int job_continue(const struct site *site, const char *id, struct err *e);
int job_cancel(const struct site *site, const char *id, struct err *e);
/* Asks a job run phase by phase (a resume: one nimadm call per phase) to
 * pause after the phase under way; job_continue() goes on. A job run as one
 * nimadm call cannot pause without killing nimadm: refused (and a step-mode
 * job pauses after every phase anyway). */
int job_pause(const struct site *site, const char *id, struct err *e);
/* Whether job_pause() would be accepted; else *why (static text) says why. */
int job_can_pause(const struct job_info *ji, const char **why);

/* The running-jobs limit of this state directory. */
int job_limit_get(const struct site *site);
int job_limit_set(const struct site *site, int limit, struct err *e);

/* Owned paths. */
char *job_dir(const struct site *site, const char *id);
char *job_output_path(const struct site *site, const char *id);

/* Valid job ids: letters, digits, '-', '_', '.'; no leading dot. */
int job_id_valid(const char *id);

#endif
