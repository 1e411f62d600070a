/* jobact.c: submitting parameters as jobs, resume and cleanup jobs, the estimate of time left. */
#include "jobact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The usual shares of a nimadm migration's time (per mille). From the phase
 * times nimadm users report for a 7.x migration of about 90 minutes over NFS:
 * installp (phase 6) is more than half of it; cloning rootvg (1), restoring
 * BOS (5) and the final alt_disk_copy steps (11) most of the rest; the
 * exports, scripts and bosboot are short. With -j the cache copies (3, 9)
 * take longer; the estimate corrects itself with the job's own phase times.
 */
const int jobact_phase_share[PHASE_MAX + 1] = {
	0,   80, /* 1: alt_disk_copy clones rootvg on the client */
	10,      /* 2: exports (or the cache is created) */
	30,      /* 3: mounts (or client data is copied to the cache) */
	10,      /* 4: pre-migration script */
	100,     /* 5: BOS restored, configuration merged */
	550,     /* 6: installp migrates the filesets */
	10,      /* 7: post-migration script */
	30,      /* 8: bosboot */
	50,      /* 9: unmounts (or the cache is copied back) */
	10,      /* 10: exports removed (or the cache) */
	80,      /* 11: alt_disk_copy phase 3, bootlist */
	40,      /* 12: cleanup on master and client */
};

const char *jobact_key(const struct nimadm_params *p)
{
	static const char *const keys[] = { "client", "mksysb", "spot" };

	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (params_get(p, keys[i])[0] != '\0')
			return params_get(p, keys[i]);
	return "";
}

int jobact_plan_valid(const struct nimadm_params *p, int step, int from_phase, struct err *e)
{
	if ((step || from_phase > 0) && p->mode > NIMADM_CLIENT_TO_MKSYSB) {
		err_set(e, "%s has no phases: it cannot run phase by phase",
		        params_mode_phrase(p->mode));
		return -1;
	}
	if ((step || from_phase > 0) && params_get(p, "phases")[0] != '\0') {
		err_set_field(e, "phases",
		              "a job run phase by phase chooses its own phases: leave out -P");
		return -1;
	}
	return 0;
}

int jobact_submit(struct site *site, const struct nimadm_params *p, int step, int from_phase,
                  char id[JOB_ID_MAX], struct err *e)
{
	struct strv argv = { 0 };
	struct strbuf ini = { 0 };
	struct job_request rq;
	int rc = -1;

	if (jobact_plan_valid(p, step, from_phase, e) != 0)
		return -1;
	if (params_argv(p, &argv, e) != 0 || params_ini_write(p, &ini, e) != 0)
		goto out;
	memset(&rq, 0, sizeof rq);
	rq.mode = params_mode_name(p->mode);
	rq.client = jobact_key(p);
	rq.argv = strv_argv(&argv);
	rq.params_ini = sb_str(&ini);
	rq.step = step;
	rq.from_phase = from_phase;
	rc = job_submit(site, &rq, id, e);
out:
	strv_free(&argv);
	sb_free(&ini);
	return rc;
}

/* The saved parameters of a job, or NULL with e. */
static struct nimadm_params *jobact_saved_params(const struct job_info *ji, struct err *e)
{
	struct nimadm_params *p;

	if (ji->params_ini == NULL) {
		err_set(e, "job %s has no saved parameters", ji->id);
		return NULL;
	}
	p = params_new(NIMADM_MIGRATE);
	if (params_load_ini_string(p, ji->params_ini, e) != 0) {
		params_free(&p);
		return NULL;
	}
	return p;
}

static int jobact_is_migration(const char *mode)
{
	enum nimadm_mode m;

	return mode != NULL && params_mode_find(mode, &m, NULL) == 0 &&
	       m <= NIMADM_CLIENT_TO_MKSYSB;
}

int jobact_resume_phase(const struct job_info *ji, const struct phase_state *ps, const char **why)
{
	const char *w = NULL;
	int phase = 0;

	if (ji->status != JOB_FAILED && ji->status != JOB_CANCELLED && ji->status != JOB_LOST)
		w = ji->status == JOB_SUCCEEDED ? "the job succeeded: nothing to resume"
		                                : "the job has not ended";
	else if (!jobact_is_migration(ji->mode))
		w = "only a migration runs in phases and can be resumed";
	else if (ji->params_ini == NULL)
		w = "the job has no saved parameters";
	if (w == NULL) {
		if (ps != NULL && ps->failed_phase >= 1)
			phase = ps->failed_phase;
		else if (ji->phase >= 1)
			phase = ji->phase;
		else
			phase = 1; /* it ended before phase 1: start from the beginning */
		if (phase > JOB_PHASES)
			phase = JOB_PHASES;
	}
	if (why != NULL)
		*why = w != NULL ? w : "";
	return phase;
}

/* Whether b was created after a (the journal's order: created, then id). */
static int jobact_is_later(const struct job_info *a, const struct job_info *b)
{
	if (a->created != b->created)
		return b->created > a->created;
	return strcmp(b->id, a->id) > 0;
}

int jobact_resume_undone_by(const struct job_info *ji, const struct job_info *later,
                            char why[JOBACT_WHY_MAX])
{
	const char *how = ji->status == JOB_CANCELLED ? "was cancelled"
	                  : ji->status == JOB_LOST    ? "was lost"
	                                              : "failed";
	int cleanup;

	if (later == ji || strcmp(later->id, ji->id) == 0 || !jobact_is_later(ji, later))
		return 0;
	if (ji->client == NULL || later->client == NULL || strcmp(ji->client, later->client) != 0)
		return 0;
	cleanup = later->mode != NULL && strcmp(later->mode, "cleanup") == 0;
	/* a job that never started changed nothing on the client */
	if ((!cleanup && !jobact_is_migration(later->mode)) || later->started <= 0)
		return 0;
	if (cleanup && later->status == JOB_SUCCEEDED)
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s (nimadm -C) cleaned it up after it %s: start a new migration",
		         later->id, how);
	else if (cleanup && !job_status_is_final(later->status))
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s (nimadm -C) is cleaning it up after it %s: start a new migration "
		         "once that ends",
		         later->id, how);
	else if (cleanup)
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s (nimadm -C) began to clean it up after it %s and %s: clean up "
		         "again, then start a new migration",
		         later->id, how,
		         later->status == JOB_FAILED ? "failed" : job_status_name(later->status));
	else if (later->status == JOB_SUCCEEDED)
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s, a later migration of %s, succeeded: nothing to resume", later->id,
		         later->client);
	else if (!job_status_is_final(later->status))
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s, a later migration of %s, is under way: follow that job",
		         later->id, later->client);
	else
		snprintf(why, JOBACT_WHY_MAX,
		         "job %s, a later migration of %s, ran after it: resume that job or start "
		         "a new migration",
		         later->id, later->client);
	return 1;
}

int jobact_resume_check(const struct site *site, const struct job_info *ji,
                        const struct phase_state *ps, char why[JOBACT_WHY_MAX])
{
	struct job_info *jobs;
	const char *w;
	struct err e;
	size_t n;
	int phase = jobact_resume_phase(ji, ps, &w);

	str_copy(why, w, JOBACT_WHY_MAX);
	if (phase == 0)
		return 0;
	err_clear(&e);
	if (job_list(site, &jobs, &n, &e) != 0) {
		snprintf(why, JOBACT_WHY_MAX, "the journal cannot be read: %.200s", e.msg);
		return 0;
	}
	for (size_t i = 0; i < n && phase > 0; i++)
		if (jobact_resume_undone_by(ji, &jobs[i], why))
			phase = 0;
	job_list_free(&jobs, n);
	return phase;
}

int jobact_resume(struct site *site, const struct job_info *ji, int from_phase, char id[JOB_ID_MAX],
                  struct err *e)
{
	struct nimadm_params *p;
	char why[JOBACT_WHY_MAX];
	int rc;

	if (jobact_resume_check(site, ji, NULL, why) == 0) {
		err_set(e, "job %s cannot be resumed: %s", ji->id, why);
		return -1;
	}
	if (from_phase < 1 || from_phase > JOB_PHASES) {
		err_set(e, "phase %d is not within 1-12", from_phase);
		return -1;
	}
	if ((p = jobact_saved_params(ji, e)) == NULL)
		return -1;
	/* the resume chooses its phases itself */
	params_set(p, "phases", NULL, NULL);
	rc = jobact_submit(site, p, 0, from_phase, id, e);
	params_free(&p);
	return rc;
}

int jobact_can_cleanup(const struct job_info *ji, const char **why)
{
	const char *w = NULL;
	struct nimadm_params *p = NULL;

	if (!job_status_is_final(ji->status))
		w = "the job is still active: cancel it first";
	else if (ji->mode != NULL && strcmp(ji->mode, "cleanup") == 0)
		w = "the job is a cleanup itself";
	else if ((p = jobact_saved_params(ji, NULL)) == NULL)
		w = "the job has no saved parameters";
	else if (params_get(p, "client")[0] == '\0' || params_get(p, "spot")[0] == '\0')
		w = "nimadm -C needs a client and a SPOT, and the job has not both";
	params_free(&p);
	if (why != NULL)
		*why = w != NULL ? w : "";
	return w == NULL;
}

struct nimadm_params *jobact_cleanup_params(const struct job_info *ji, struct err *e)
{
	struct nimadm_params *old, *p;
	const char *why;

	if (!jobact_can_cleanup(ji, &why)) {
		err_set(e, "job %s: no cleanup: %s", ji->id, why);
		return NULL;
	}
	if ((old = jobact_saved_params(ji, e)) == NULL)
		return NULL;
	p = params_new(NIMADM_CLEANUP);
	if (params_set(p, "client", params_get(old, "client"), e) != 0 ||
	    params_set(p, "spot", params_get(old, "spot"), e) != 0)
		params_free(&p);
	params_free(&old);
	return p;
}

int jobact_cleanup(struct site *site, const struct job_info *ji, char id[JOB_ID_MAX], struct err *e)
{
	struct nimadm_params *p = jobact_cleanup_params(ji, e);
	int rc;

	if (p == NULL)
		return -1;
	rc = jobact_submit(site, p, 0, 0, id, e);
	params_free(&p);
	return rc;
}

/* ---- the estimate ------------------------------------------------------------ */

int jobact_history_add(struct jobact_history *h, const struct job_info *ji)
{
	int used = 0;

	if (ji->status != JOB_SUCCEEDED || !jobact_is_migration(ji->mode))
		return 0;
	for (int p = 1; p <= PHASE_MAX; p++) {
		long long s = ji->phase_start[p], end = ji->phase_end[p];
		if (s <= 0 || end < s)
			continue;
		h->sum_ms[p] += end - s;
		h->runs[p]++;
		used = 1;
	}
	if (used)
		h->jobs++;
	return used;
}

long long jobact_history_mean(const struct jobact_history *h, int phase)
{
	if (h == NULL || phase < 1 || phase > PHASE_MAX || h->runs[phase] == 0)
		return -1;
	return h->sum_ms[phase] / h->runs[phase];
}

long jobact_estimate_left(const struct job_info *ji, const struct jobact_history *h,
                          long long now_ms)
{
	int first = ji->from_phase > 0 ? ji->from_phase : 1;
	int last = ji->to_phase > 0 ? ji->to_phase : PHASE_MAX;
	long long done_ms = 0, left_ms = 0;
	int done_share = 0;

	if (job_status_is_final(ji->status))
		return 0;
	if (!jobact_is_migration(ji->mode))
		return -1;
	/* the job's own pace: how long its finished phases took for their share */
	for (int p = first; p <= last; p++) {
		if (ji->phase_start[p] > 0 && ji->phase_end[p] >= ji->phase_start[p]) {
			done_ms += ji->phase_end[p] - ji->phase_start[p];
			done_share += jobact_phase_share[p];
		}
	}
	for (int p = first; p <= last; p++) {
		long long expect = jobact_history_mean(h, p), in;
		int running = p == ji->phase && ji->phase_start[p] > 0 && ji->phase_end[p] == 0 &&
		              ji->status == JOB_RUNNING;
		if (ji->phase_start[p] > 0 && ji->phase_end[p] > 0)
			continue; /* done */
		if (ji->phase_start[p] > 0 && !running && p <= ji->phase)
			continue; /* started in an earlier call and not running now */
		if (expect < 0 && done_share > 0)
			expect = (long long)jobact_phase_share[p] * done_ms / done_share;
		if (!running) {
			if (expect < 0)
				return -1;
			left_ms += expect;
			continue;
		}
		in = now_ms - ji->phase_start[p];
		if (in < 0)
			in = 0;
		if (p == 6 && ji->filesets_total > 0 && ji->filesets_done > 0 &&
		    ji->filesets_done <= ji->filesets_total) {
			/* installp's own progress beats any average */
			left_ms +=
			    in * (ji->filesets_total - ji->filesets_done) / ji->filesets_done;
		} else if (expect < 0) {
			return -1;
		} else if (expect > in) {
			left_ms += expect - in;
		}
	}
	return (long)((left_ms + 999) / 1000);
}
