/*
 * prepare.h: the guided flows that prepare a client for a migration (menu
 * "Prepare Client for Migration") and the mksysb route:
 *
 *   mksysb        back the client up (mksysb -i -e to a file on the client, or
 *                 into NIM with nim -o define -t mksysb ... mk_image=yes), and
 *                 list its mksysbs in NIM with their age (a warning when none
 *                 is newer than max_age_days)
 *   software      lppchk -v, installp -s (applied but not committed), and
 *                 installp -c of what is applied when asked
 *   premig        IBM's /usr/lpp/bos/pre_migration, and where it saved its findings
 *   free-disk     free a disk from a mirrored rootvg: unmirrorvg, chpv -c,
 *                 reducevg, bosboot, bootlist; refused when the client would be
 *                 left unbootable or without its data
 *   mksysb-route  bos.alt_disk_install from the lpp_source, the client's mksysb
 *                 into NIM, nimadm -T ... -O ... -N to a new mksysb (a journaled
 *                 job that survives the flow; a later run of the route waits for
 *                 it or takes its result instead of starting nimadm again), and
 *                 alt_disk_mksysb of that image onto a free disk of the client
 *
 * A flow is first PLANNED: the engine reads what it needs from NIM and the
 * client (lsnim, lspv, lsvg -l, lslv -m ...), computes the refusals, and builds
 * the list of steps, each with its exact argv, where it runs, whether it
 * changes the system and what result is expected, so the whole plan can be
 * shown before anything runs. Then the plan is RUN step by step through the
 * transport (client commands through the master with rsh or NIM's c_rsh, as
 * nimadm reaches the client), with live output, stopping at the first failure
 * with its evidence (cleanup steps, such as an umount, still run). Nothing is
 * ever handed to a shell: every value that reaches an argv is validated here,
 * and the remote command line is quote_sh_argv() of the argv.
 *
 * The engine never prints and never asks: the CLI prints the plan and asks
 * once; the TUI may ask before each step that changes the system
 * (prep_run_opts.confirm_each).
 */
#ifndef NIMADM_PREPARE_H
#define NIMADM_PREPARE_H

#include <stddef.h>

#include "cmd.h"
#include "site.h"
#include "util.h"

struct cJSON;

/* X(enum, name for the CLI/JSON, title for menus, help file under help/) */
#define PREP_FLOWS(X)                                                                           \
	X(PREP_MKSYSB, "mksysb", "Back Up the Client (mksysb)", "prepare/mksysb.txt")           \
	X(PREP_SOFTWARE, "software", "Check and Commit the Client's Software",                  \
	  "prepare/software.txt")                                                               \
	X(PREP_PREMIG, "premig", "Run IBM's pre_migration on the Client", "prepare/premig.txt") \
	X(PREP_FREE_DISK, "free-disk", "Free a Disk from a Mirrored rootvg",                    \
	  "prepare/free-disk.txt")                                                              \
	X(PREP_MKSYSB_ROUTE, "mksysb-route", "Migrate through a mksysb onto a Free Disk",       \
	  "prepare/mksysb-route.txt")

enum prep_flow {
#define PREP_FLOW_ENUM(e, name, title, help) e,
	PREP_FLOWS(PREP_FLOW_ENUM)
#undef PREP_FLOW_ENUM
	    PREP_FLOW_COUNT
};

const char *prep_flow_name(enum prep_flow f);
const char *prep_flow_title(enum prep_flow f);
const char *prep_flow_help(enum prep_flow f);
/* By name ("free-disk"): 0 and *out set, or -1. */
int prep_flow_find(const char *name, enum prep_flow *out);

/* The default age (days) above which no mksysb counts as recent. */
#define PREP_MKSYSB_MAX_AGE_DAYS 30

/* What to prepare. Strings are borrowed during prep_plan_start() only. */
struct prep_request {
	enum prep_flow flow;
	const char *client; /* NIM standalone client (all flows) */
	/* mksysb: the backup file (-o), absolute; NULL: only list the client's mksysbs.
	 * With `define` it is the location on the master, else a file on the client. */
	const char *path;
	const char *define; /* mksysb: define the backup as this NIM mksysb resource */
	int commit;         /* software: commit what is applied (installp -c) */
	/* free-disk: the disk to free; mksysb-route: the target disk(s), blank-separated */
	const char *disk;
	/* mksysb-route */
	const char *spot, *lpp_source, *cache_vg;
	const char *mksysb;      /* an existing mksysb of the client; NULL: back it up first */
	const char *backup_name; /* the backup's NIM name; NULL: CLIENT_mksysb */
	const char
	    *backup_path;       /* its file on the master; NULL: /export/nim/mksysb/CLIENT.mksysb */
	const char *new_mksysb; /* nimadm -N; NULL: CLIENT_VVRR_mksysb */
	const char *new_path;   /* nimadm -O; NULL: /export/nim/mksysb/CLIENT_VVRR-TL.mksysb */
	const char *mount_dir;  /* where the client mounts the master's directory; NULL: /mnt */
	int max_age_days;       /* mksysb: 0 = PREP_MKSYSB_MAX_AGE_DAYS */
	int timeout_ms;         /* per command while planning; 0: 60 s */
};

/* Checks a request without running anything: 0, or -1 with e (e->field: "client",
 * "disk", "path", ...) for a missing or unacceptable value. */
int prep_request_check(const struct prep_request *r, struct err *e);

enum prep_where { PREP_ON_MASTER, PREP_ON_CLIENT };

/* What a step must show to count as done (beyond the exit status 0). */
enum prep_expect {
	PREP_EXPECT_STATUS,       /* exit status 0 */
	PREP_EXPECT_NO_OUTPUT,    /* and nothing printed (lppchk -v) */
	PREP_EXPECT_NONE_APPLIED, /* installp -s: nothing applied but not committed */
	PREP_EXPECT_DISK_FREE,    /* lspv: expect_arg shows VG None */
	PREP_EXPECT_BOOTLIST,     /* bootlist -m normal -o: exactly the disks of expect_arg */
	PREP_EXPECT_SAVED,        /* pre_migration: says where it saved its findings */
};

/* X(enum, name) */
#define PREP_STEP_STATES(X)                 \
	X(PREP_STEP_PENDING, "pending")     \
	X(PREP_STEP_RUNNING, "running")     \
	X(PREP_STEP_OK, "ok")               \
	X(PREP_STEP_FAILED, "failed")       \
	X(PREP_STEP_SKIPPED, "skipped")     \
	X(PREP_STEP_CANCELLED, "cancelled") \
	X(PREP_STEP_DECLINED, "declined")

enum prep_step_state {
#define PREP_STEP_ENUM(e, name) e,
	PREP_STEP_STATES(PREP_STEP_ENUM)
#undef PREP_STEP_ENUM
};

const char *prep_step_state_name(enum prep_step_state s);

/* One step of a plan. Every string is owned by the plan. */
struct prep_step {
	char *title; /* "Remove rootvg's mirror copies from hdisk1" */
	enum prep_where where;
	char *host;       /* where it runs: the client's NIM name, or "master" */
	struct strv argv; /* exactly what runs there; never a shell line */
	int changes;      /* 1: it changes the system (ask first) */
	int cleanup_of;   /* >= 0: undoes that step; runs after a later failure if it ran */
	enum prep_expect expect;
	char *expect_arg; /* the disk, the boot list, ... or NULL */
	char *expected;   /* the expected result in words */
	int timeout_ms;   /* 0: none */
	/* 1: argv is a nimadm command run as a journaled job (job.h, the way `nimadm-tui run`
	 * submits one): it appears in the job list and the monitor, and it goes on when the
	 * flow's process dies; the step follows its journal until the job ends, passing its
	 * output lines to `line`. A failed job fails the step with the job's id and the
	 * knowledge base's words for its error. */
	int as_job;
	/* the step's job: set when the run submits it, or already by the plan when an earlier
	 * run's job is still running (the step then waits for it) or made the result (the
	 * step is PREP_STEP_SKIPPED as done); NULL when there is none (yet) */
	char *job_id;
	/* filled by the run (a step the plan made PREP_STEP_SKIPPED, with its message, was
	 * done by an earlier run and does not run again) */
	enum prep_step_state state;
	int exit_status;      /* on the host that ran it; -1 unknown */
	char *message;        /* why it failed (or was skipped), or NULL */
	struct strbuf output; /* every line it printed, stdout and stderr as they came
	                         (the first PREP_OUTPUT_MAX bytes) */
	long long duration_ms;
};

#define PREP_OUTPUT_MAX (1024 * 1024)

/* An mksysb resource of the client in NIM. */
struct prep_mksysb {
	char *name;
	char *location;
	char *creation_date; /* as lsnim says it, or NULL */
	char *oslevel;       /* oslevel_s (else oslevel_r), or NULL */
	long long age_days;  /* -1 when the date cannot be read */
};

/* A flow planned for a client, then (prep_run) its results. */
struct prep_plan {
	enum prep_flow flow;
	char *client;
	char *connect;     /* "shell" (rsh) or "nimsh" (c_rsh) */
	char *refusal;     /* non-NULL: it must not run, and why, in one line */
	struct strv facts; /* what the plan was built from ("rootvg: 2 copies on hdisk0 hdisk1") */
	struct strv warnings; /* worth knowing before running ("no mksysb newer than 30 days") */
	struct strv notes;    /* what comes after ("shutdown -Fr boots the new disk") */
	struct prep_step *steps;
	size_t nsteps;
	struct prep_mksysb *mksysbs; /* mksysb flow: the client's mksysbs in NIM, newest first */
	size_t nmksysbs;
	int max_age_days;
	/* results */
	int ran;         /* prep_run finished it (ok or not) */
	int ok;          /* every step that ran ended ok and none was left */
	int failed_step; /* the first step that failed, -1 none */
	char *saved_at;  /* premig: where pre_migration saved its findings, or NULL */
};

void prep_plan_free(struct prep_plan **p);
/* How many steps change the system (0: the plan can run without asking). */
size_t prep_plan_changes(const struct prep_plan *p);
/* The command of a step as a person would type it (quoted where needed). Owned. */
char *prep_step_command(const struct prep_step *s);
/* The plan (and its results, once run) as JSON: flow, client, refusal, facts, warnings,
 * notes, mksysbs, steps [{title, host, argv, command, changes, expected, state,
 * exit_status, message, output, job, job_id}], ok, saved_at. Owned by the caller
 * (cJSON_Delete). */
struct cJSON *prep_plan_to_json(const struct prep_plan *p);

/* ---- planning ----------------------------------------------------------------------------- */

/*
 * Callbacks, run inside cmdset_dispatch(). `done` is called exactly once (unless
 * cancelled) with the plan, owned by the callee (a refusal is a plan with
 * `refusal` set), or with NULL and e: the client is unknown to NIM (e->field
 * "client"), or NIM or the client could not be asked at all.
 */
struct prep_plan_cb {
	void (*done)(void *arg, struct prep_plan *plan, const struct err *e);
	void *arg;
};

struct prep_planner;

/* Starts planning on set (site->set or another from site_new_cmdset); the caller
 * dispatches it. NULL with e (e->field set) when the request is not acceptable. */
struct prep_planner *prep_plan_start(struct site *s, struct cmdset *set,
                                     const struct prep_request *req, const struct prep_plan_cb *cb,
                                     struct err *e);
/* Stops planning before `done` (which is then not called); it frees itself once its
 * command has reported (keep dispatching the set). *p becomes NULL. */
void prep_plan_cancel(struct prep_planner **p);
/* The blocking form for the CLI and tests: runs site->set until the plan is made. */
struct prep_plan *prep_plan(struct site *s, const struct prep_request *req, struct err *e);

/* ---- running ---------------------------------------------------------------------------- */

/*
 * Callbacks, all optional but `done`, run inside cmdset_dispatch(). The plan is the
 * one given to prep_run_start(); step i is plan->steps[i]. `line` gets each line a
 * step prints (without its newline, control characters kept: escape before showing),
 * valid only during the call. With confirm_each, `confirm` is called before each
 * step that changes the system and nothing runs until prep_run_answer().
 */
struct prep_run_cb {
	void (*step_start)(void *arg, const struct prep_plan *p, size_t i);
	void (*line)(void *arg, const struct prep_plan *p, size_t i, enum cmd_stream s,
	             const char *line);
	void (*step_done)(void *arg, const struct prep_plan *p, size_t i);
	void (*confirm)(void *arg, const struct prep_plan *p, size_t i);
	void (*done)(void *arg, struct prep_plan *p);
	void *arg;
};

struct prep_run_opts {
	int confirm_each; /* ask (cb->confirm) before each step that changes the system */
};

struct prep_run;

/*
 * Runs plan step by step on set; the plan is borrowed, must outlive the run and
 * receives the results. Refused (NULL, e) for a plan with a refusal or one that ran
 * already. After `done` returns the run frees itself.
 */
struct prep_run *prep_run_start(struct site *s, struct cmdset *set, struct prep_plan *plan,
                                const struct prep_run_opts *o, const struct prep_run_cb *cb,
                                struct err *e);
/* The answer to `confirm`: yes runs the step; no stops the run there (the step is
 * declined, the rest skipped, cleanups of steps that ran still run). */
void prep_run_answer(struct prep_run *r, int yes);
/* Cancels the running step (SIGTERM, then SIGKILL) and skips the rest; `done`
 * follows from the loop. A step that runs as a job stops waiting for it: the job
 * goes on (job_cancel() stops it). */
void prep_run_cancel(struct prep_run *r);
/* The blocking form: runs site->set until done. 0 when plan->ok, else -1 (e says
 * which step failed and why). cb may be NULL; its done is not needed. */
int prep_run(struct site *s, struct prep_plan *plan, const struct prep_run_cb *cb, struct err *e);

#endif
