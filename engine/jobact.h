/*
 * jobact.h: what an operator does with jobs beyond job.h's requests, for
 * every front end alike: submit validated parameters as a job, resume a
 * failed migration at its failed phase (a new job run phase by phase from
 * there, with the saved parameters), clean up after a failure (a new
 * `nimadm -C` job for the job's client and SPOT), and estimate the time a
 * job has left.
 *
 * The estimate of time left: while this site has no finished migration of
 * the same mode, from the phases' usual shares of a migration (below)
 * scaled by the time the job's finished phases took; once it has some, from
 * the mean durations of each phase in those runs (jobact_history_*). Phase 6
 * (installp) also uses its filesets processed so far.
 */
#ifndef NIMADM_JOBACT_H
#define NIMADM_JOBACT_H

#include "job.h"
#include "params.h"
#include "phase.h"

/* ---- submitting and follow-up jobs ------------------------------------------ */

/* The lock key of a job: its client, else its mksysb, else its SPOT ("" if none). */
const char *jobact_key(const struct nimadm_params *p);

/* Whether the parameters can run as asked: step mode and a start phase need a
 * migration mode and no -P of their own. 0, or -1 with e (e->field may be set). */
int jobact_plan_valid(const struct nimadm_params *p, int step, int from_phase, struct err *e);
/* Validates p and submits it as a job (step: pause after each phase;
 * from_phase > 0: run phases from_phase..12 one call each). The id goes to
 * id. 0, or -1 with e (e->field names a parameter at fault). */
int jobact_submit(struct site *site, const struct nimadm_params *p, int step, int from_phase,
                  char id[JOB_ID_MAX], struct err *e);

/*
 * The phase a resume of ji would start at (1..12), or 0 with *why (static
 * text) when it cannot be resumed: not failed, cancelled or lost, not a
 * migration mode, no saved parameters. ps (may be NULL) is the tracker's
 * view of the job's output: its failed phase wins over the journal's phase.
 */
int jobact_resume_phase(const struct job_info *ji, const struct phase_state *ps, const char **why);
/* Room for a refusal that names a job (jobact_resume_check). */
#define JOBACT_WHY_MAX 256
/*
 * Whether later, another job of ji's client created after it, took away what
 * a resume of ji would continue from: a cleanup (nimadm -C) or a migration
 * that got past its start (a cleanup that failed may have removed part of
 * it too). 1 with why (one line: that job and what to do), else 0.
 */
int jobact_resume_undone_by(const struct job_info *ji, const struct job_info *later,
                            char why[JOBACT_WHY_MAX]);
/* jobact_resume_phase() with the journal: 0 also when a later job of the
 * client undid what the resume would continue from (the first such job is
 * named). why gets the reason ("" when it can be resumed). */
int jobact_resume_check(const struct site *site, const struct job_info *ji,
                        const struct phase_state *ps, char why[JOBACT_WHY_MAX]);
/* Submits the resume: the saved parameters (without -P), phases from_phase
 * to 12 one call each. Refused (nothing started) when jobact_resume_check()
 * refuses. 0, or -1 with e. */
int jobact_resume(struct site *site, const struct job_info *ji, int from_phase, char id[JOB_ID_MAX],
                  struct err *e);

/* Whether `nimadm -C` can be run for ji's client and SPOT; else *why. */
int jobact_can_cleanup(const struct job_info *ji, const char **why);
/* The parameters of that cleanup (owned; params_free), or NULL with e. */
struct nimadm_params *jobact_cleanup_params(const struct job_info *ji, struct err *e);
/* Submits that cleanup. 0, or -1 with e. */
int jobact_cleanup(struct site *site, const struct job_info *ji, char id[JOB_ID_MAX],
                   struct err *e);

/* ---- the estimate of time left -------------------------------------------------- */

/* A phase's usual share of a whole migration, in per mille (phases 1..12;
 * [0] is 0). They add up to 1000. */
extern const int jobact_phase_share[PHASE_MAX + 1];

/* Mean phase durations from this site's finished migrations. Zero-init. */
struct jobact_history {
	long long sum_ms[PHASE_MAX + 1];
	int runs[PHASE_MAX + 1];
	int jobs; /* jobs that gave durations */
};
/* Adds a succeeded job's phase durations (other jobs are ignored). Returns 1
 * when it was used. */
int jobact_history_add(struct jobact_history *h, const struct job_info *ji);
/* The mean duration of a phase in ms, or -1 when no run had it. */
long long jobact_history_mean(const struct jobact_history *h, int phase);

/* Seconds the job has left at now_ms (epoch ms): 0 for a final job, -1 when
 * unknown (not a migration, nothing finished yet and no history). h may be
 * NULL or empty. For a paused job the time it waits is not counted. */
long jobact_estimate_left(const struct job_info *ji, const struct jobact_history *h,
                          long long now_ms);

#endif
