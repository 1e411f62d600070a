/*
 * check.h: the prerequisite checker. One table of checks (id, scope, title,
 * the commands it reads, its rule, its help) covering the NIM master, the
 * SPOT and lpp_source, every client and the job's own parameters (target
 * disks, cache VG). A run gathers what the rules need with the site's
 * transports (clients through rsh/c_rsh from the master, as nimadm reaches
 * them), many clients at once with bounded parallelism and a timeout per
 * host, and streams one result per check and host as each host finishes.
 * Every result has a verdict, a one-line summary with the numbers, the
 * evidence (each command as run, its exit status, the lines that decided)
 * and a fix from help/checks/<id>.txt with the host's values filled in.
 */
#ifndef NIMADM_CHECK_H
#define NIMADM_CHECK_H

#include <poll.h>
#include <stddef.h>

#include "cmd.h"
#include "level.h"
#include "params.h"
#include "site.h"
#include "util.h"

struct cJSON;

/* Verdicts, best to worst for a report's totals: X(enum suffix, JSON name, mark for a screen). */
#define CHECK_STATUSES(X)             \
	X(PASS, "pass", "OK")         \
	X(WARN, "warn", "WARN")       \
	X(FAIL, "fail", "FAIL")       \
	X(SKIPPED, "skipped", "SKIP") \
	X(ERROR, "error", "ERR")

#define CHECK_STATUS_ENUM(e, name, mark) CHECK_##e,
enum check_status { CHECK_STATUSES(CHECK_STATUS_ENUM) CHECK_NSTATUS };
#undef CHECK_STATUS_ENUM

/* "pass", "warn", ... and "OK", "WARN", ... (static strings). */
const char *check_status_name(enum check_status s);
const char *check_status_mark(enum check_status s);
/* By JSON name; -1 when unknown. */
int check_status_parse(const char *name);

/* What a check is about: X(enum suffix, JSON name, title). */
#define CHECK_SCOPES(X)                                  \
	X(MASTER, "master", "NIM master")                \
	X(RESOURCES, "resources", "SPOT and lpp_source") \
	X(CLIENT, "client", "client")                    \
	X(JOB, "job", "the job's parameters")

#define CHECK_SCOPE_ENUM(e, name, title) CHECK_SCOPE_##e,
enum check_scope { CHECK_SCOPES(CHECK_SCOPE_ENUM) CHECK_NSCOPES };
#undef CHECK_SCOPE_ENUM

const char *check_scope_name(enum check_scope s);
const char *check_scope_title(enum check_scope s);

struct check_ctx;
struct check_result;

/*
 * One row of the table (static). Master, resource and cache VG checks run
 * once per run with host "master"; client and disk checks once per client.
 */
struct check_def {
	const char *id; /* "client.tcb": the JSON "check", help/checks/<id>.txt */
	enum check_scope scope;
	int per_client;       /* 1: one result per client (client.*, job.disks) */
	const char *title;    /* "Trusted Computing Base off (unless -j)" */
	const char *commands; /* what it reads, as run: "odmget -q attribute=TCB_STATE PdAt" */
	const char *code;     /* the message nimadm ends with when this is not met, or NULL */
	void (*rule)(struct check_ctx *x, struct check_result *r);
};

size_t check_def_count(void);
/* The i-th check in table order (the report's order), NULL past the end. */
const struct check_def *check_def_at(size_t i);
const struct check_def *check_def_find(const char *id);

/*
 * help/checks/<id>.txt: the explanation (what the check verifies and why),
 * then fix sections `[fix]`, `[fix.VARIANT]` whose text has {name}
 * placeholders the rule fills in. The explanation without the sections,
 * owned; NULL for an unknown id.
 */
char *check_help_explain(const char *id);

/* One command a result rests on. */
struct check_evidence {
	char *host;        /* where it ran: "master" or the client */
	char *command;     /* as run: "lsattr -El sys0 -a ncargs", "rsh aixbat01 lsattr ..." */
	int status;        /* exit status (on a client: the remote command's own); -1 when it
	                      did not end by itself or no remote status came back (see note) */
	int via_status;    /* on a client: the exit status of rsh/c_rsh itself; -1 unknown */
	char *note;        /* "timed out after 20000 ms", "rsh exit 0" (rsh's own status where
	                      it differs), "no exit status came back from ...", or NULL */
	struct strv lines; /* the lines that decided, as printed (stdout then stderr) */
};

/* A disk of a client as the disk rule judged it (job.disks only). */
struct check_disk {
	char *name;
	char *pvid;        /* NULL when lspv shows none */
	char *vg;          /* NULL when free */
	long long size_mb; /* -1 unknown */
	int usable;        /* free and large enough (alone) */
	int chosen;        /* given with -d, or proposed */
	char *why;         /* why it cannot be used, or NULL */
};

struct check_result {
	const struct check_def *def;
	const char *check; /* def->id */
	char *host;        /* "master" or the client's NIM name */
	enum check_status status;
	char *summary; /* one line with the numbers: "ncargs is 6; nimadm needs at least 256" */
	struct check_evidence *evidence;
	size_t nevidence;
	char *fix;     /* what to run (help/checks/<id>.txt, values filled), or NULL */
	int timed_out; /* the host's timeout cut it short */
	/* job.disks: every disk with its verdict; proposed holds the disks to pass to -d */
	struct check_disk *disks;
	size_t ndisks;
	struct strv proposed;
	long long needed_mb; /* job.disks, job.cache_vg: the space the rule asked for; -1 */
};

/* An owned deep copy, and its release. */
struct check_result *check_result_dup(const struct check_result *r);
void check_result_free(struct check_result **r);
/* {host, check, scope, title, status, summary, evidence[], fix, code, timed_out
 *  [, disks, proposed, needed_mb]}; owned by the caller (cJSON_Delete). */
struct cJSON *check_result_to_json(const struct check_result *r);

/*
 * What to check. Strings are borrowed (copied by check_run_start()).
 * Names are NIM object, VG and disk names: check_request_validate() refuses
 * anything else, so nothing hostile reaches a command line.
 */
struct check_request {
	const char *clients; /* NIM names, comma or blank separated; ignored with all_clients */
	int all_clients;     /* every standalone client (lsnim -t standalone) */
	const char *spot;
	const char *lpp_source;
	const char *cache_vg; /* -j VG, or NULL */
	const char *disks;    /* -d "hdisk1 hdisk2" for every client, or NULL: propose */
	int tl_update;        /* -U */
	/* Exports to write, read and remove a file through (the NFS probes' round
	 * trip): "PATH" for every client, "CLIENT:PATH" for one, "master:PATH" for
	 * the master's own NFS server. PATH is absolute, at most
	 * CHECK_NFS_EXPORT_MAX bytes, without control characters; a CLIENT must be
	 * among the clients named (unless all_clients). */
	const char *const *nfs_exports;
	size_t nnfs_exports;
	/* Scheduling; 0 means the default. */
	int max_running;      /* commands at once over all hosts; 32 */
	int max_per_host;     /* commands at once on one client; 4 */
	int cmd_timeout_ms;   /* any one command; 60 s */
	int probe_timeout_ms; /* a client's first answer (reachability); 20 s */
	int host_timeout_ms;  /* everything on one client, from its first command; 120 s */
	int nfs_timeout_ms;   /* the NFS probe of a client; 20 s */
};

#define CHECK_NFS_EXPORT_MAX 1023

/* The request a nimadm parameter set implies (its client, SPOT, lpp_source,
 * -j, -d, -U); strings point into p. */
void check_request_from_params(struct check_request *req, const struct nimadm_params *p);
/* 0, or -1 with e filled (e->field: "client", "spot", "lpp_source", "cache_vg", "disks",
 * "nfs_export"). */
int check_request_validate(const struct check_request *req, struct err *e);

/* Everything a run found. Owned by whoever received it; check_report_free(). */
struct check_report {
	struct check_result **results; /* in arrival order */
	size_t nresults;
	struct strv hosts;     /* "master", then the clients in request (or lsnim) order */
	struct strv timed_out; /* hosts whose timeout cut their checks short */
	size_t counts[CHECK_NSTATUS];
	char target[LEVEL_STR_MAX]; /* the target level (the SPOT's), "" when unknown */
	char *error;                /* the master could not be reached at all (then there are no
	                               results), or the clients could not be listed; NULL */
	long long duration_ms;
};

void check_report_free(struct check_report **rep);
/* The results of one host in table order (pointers into rep; free the array only). */
const struct check_result **check_report_host_results(const struct check_report *rep,
                                                      const char *host, size_t *n);
/* The result for (host, check id), or NULL. */
const struct check_result *check_report_find(const struct check_report *rep, const char *host,
                                             const char *check);
/* Worst verdict that counts: FAIL if any failed, else ERROR, else WARN, else PASS. */
enum check_status check_report_verdict(const struct check_report *rep);
/* The JSON array of every result in report order (hosts, then table order). Owned. */
struct cJSON *check_report_to_json(const struct check_report *rep);
/* Saves the whole report as <state dir>/reports/<client>-YYYYmmdd-HHMMSS.json for
 * each client in it (support bundles take the newest). Names that are not safe
 * as file names are skipped. 0, or -1 with e on the first write that fails. */
int check_report_save(const struct site *site, const struct check_report *rep, struct err *e);

/*
 * Callbacks, run inside cmdset_dispatch() or check_run_dispatch().
 *  result: one per check and host, as soon as the host's facts are in;
 *          r is valid only during the call (check_result_dup() to keep it).
 *  host_done: after the last result of a host (timed_out: its timeout hit).
 *  done: exactly once (unless cancelled), with the report (owned by the
 *        callee). The run is freed after `done` returns.
 * A callback may call check_run_cancel() (then no further callback comes).
 */
struct check_cb {
	void (*result)(void *arg, const struct check_result *r);
	void (*host_done)(void *arg, const char *host, int timed_out);
	void (*done)(void *arg, struct check_report *rep);
	void *arg;
};

struct check_run;

/*
 * Starts a run on set (site->set or a set from site_new_cmdset()); the
 * caller keeps dispatching set, and also the run's own descriptors below
 * (the NFS probes). The site must outlive the run. NULL with e (e->field
 * set) for an invalid request, or when no command at all could be started
 * (no fork); nothing is called back then. `done` is never called from here.
 * After `done` returns the run is gone: drop the pointer in `done`.
 */
struct check_run *check_run_start(struct site *s, struct cmdset *set,
                                  const struct check_request *req, const struct check_cb *cb,
                                  struct err *e);
/* Stops a run that has not called `done`: no more callbacks; the run frees
 * itself when its commands have reported (keep dispatching the set a
 * moment). *r becomes NULL. */
void check_run_cancel(struct check_run **r);

/* The run's own descriptors (NFS probes), to poll beside the cmdset's. */
size_t check_run_npollfds(const struct check_run *r);
size_t check_run_fill_pollfds(struct check_run *r, struct pollfd *fds, size_t max);
/* Milliseconds until the run needs check_run_dispatch() without I/O; -1 none. */
int check_run_timeout(const struct check_run *r);
void check_run_dispatch(struct check_run *r, const struct pollfd *fds, size_t n);

/*
 * The blocking form for the CLI and tests: runs site->set (and the NFS
 * probes) until done. cb may be NULL, or give `result`/`host_done` to see
 * results as they come (its `done` is ignored). NULL with e when the run
 * could not start.
 */
struct check_report *check_run(struct site *s, const struct check_request *req,
                               const struct check_cb *cb, struct err *e);

#endif
