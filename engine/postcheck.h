/*
 * postcheck.h: the checks after a migration, on the migrated client (once it
 * runs from the migrated disk), and the comparison with the snapshot taken
 * before. The client's configuration is collected again exactly as for a
 * snapshot, plus lppchk -v, instfix -i, lsvg rootvg and IBM's
 * /usr/lpp/bos/post_migration (which can run for ten minutes: its output is
 * delivered line by line as it comes). Each check has a verdict (pass, warn,
 * fail, skipped) with its evidence and a fix; the comparison is a list of
 * changes grouped by area (compare.h).
 *
 * Results are kept in <state dir>/postchecks/<client>-YYYYmmdd-HHMMSS.json
 * and .txt (mode 0600: they quote configuration files).
 */
#ifndef NIMADM_POSTCHECK_H
#define NIMADM_POSTCHECK_H

#include <stddef.h>

#include "cmd.h"
#include "compare.h"
#include "site.h"
#include "snapshot.h"
#include "util.h"

struct cJSON;

/* X(enum, name) in increasing severity; SKIPPED sorts below PASS */
#define POSTCHECK_VERDICTS(X)    \
	X(PC_SKIPPED, "skipped") \
	X(PC_PASS, "pass")       \
	X(PC_WARN, "warn")       \
	X(PC_FAIL, "fail")

enum postcheck_verdict {
#define PC_VERDICT_ENUM(e, n) e,
	POSTCHECK_VERDICTS(PC_VERDICT_ENUM)
#undef PC_VERDICT_ENUM
	    PC_VERDICT_COUNT
};

const char *postcheck_verdict_name(enum postcheck_verdict v);

/* One check. Strings owned by the result (id and title are static). */
struct postcheck_check {
	const char *id;    /* oslevel, rootvg, bootlist, lppchk, instfix, post_migration, compare */
	const char *title; /* "Operating system level" */
	enum postcheck_verdict verdict;
	char *summary;        /* one line */
	char *command;        /* the command whose output decided, or NULL */
	int exit_status;      /* its exit status, -1 unknown or none */
	struct strv evidence; /* the lines that decided */
	char *fix;            /* what to do, or NULL */
};

struct postcheck {
	char *client;
	char *checked_at; /* ISO 8601 */
	long long checked;
	char *oslevel;       /* the client's level now, or NULL */
	char *target;        /* the level expected after the migration, or NULL */
	char *target_source; /* where target came from ("--target", "job ID: SPOT"), or NULL */
	char *snapshot_path; /* the snapshot compared with, or NULL */
	char *snapshot_taken_at;
	char *snapshot_oslevel;
	struct postcheck_check *checks; /* in report order */
	size_t nchecks;
	int compared; /* 1 when diff holds a comparison with the snapshot */
	struct compare_result diff;
	struct snapshot *current; /* what was collected now (not written) */
	char *saved_json;         /* set by postcheck_save() */
	char *saved_text;
};

void postcheck_free(struct postcheck **pc);
const struct postcheck_check *postcheck_find(const struct postcheck *pc, const char *id);
/* The worst verdict (PC_SKIPPED when there is no check). */
enum postcheck_verdict postcheck_worst(const struct postcheck *pc);

struct postcheck_opts {
	const char *client;            /* required */
	const char *snapshot;          /* the archive to compare with; NULL: the client's newest */
	const char *target;            /* oslevel expected (7300-02-02-2420 or 7300-02); NULL: from
	                                  the client's newest job's SPOT, else none */
	int timeout_ms;                /* per command; 0: 120 s */
	int post_migration_timeout_ms; /* 0: 30 minutes */
	int no_post_migration;         /* do not run post_migration (its check is skipped) */
	int max_running;               /* 0: 4 */
	int no_save;                   /* do not write postchecks/ */
};

/*
 * Callbacks, run inside cmdset_dispatch(). `output`: a line of post_migration
 * as it comes (valid during the call). `progress`: after each collected item.
 * `done`: exactly once unless cancelled, with the result (owned by the callee,
 * saved unless no_save; a save error is in e while pc is still given) or NULL
 * and e when nothing could be checked (unknown client, client unreachable).
 */
struct postcheck_cb {
	void (*output)(void *arg, enum cmd_stream s, const char *line, size_t len);
	void (*progress)(void *arg, const struct snapshot_item *it, size_t finished, size_t total);
	void (*done)(void *arg, struct postcheck *pc, const struct err *e);
	void *arg;
};

struct postcheck_run;

/*
 * Starts on set (the caller dispatches it). Fails at once (NULL, e) on a bad
 * client name, a --snapshot file that cannot be read and verified, or a
 * target that is not a level. A damaged newest snapshot is not fatal: the
 * compare check fails and says why.
 */
struct postcheck_run *postcheck_run_start(struct site *s, struct cmdset *set,
                                          const struct postcheck_opts *o,
                                          const struct postcheck_cb *cb, struct err *e);
void postcheck_run_cancel(struct postcheck_run **r);
/* Blocking form: runs site->set until done; cb may be NULL (its done is ignored). */
struct postcheck *postcheck_run(struct site *s, const struct postcheck_opts *o,
                                const struct postcheck_cb *cb, struct err *e);

/* The JSON the CLI prints and postcheck_save() writes. Owned (cJSON_Delete). */
struct cJSON *postcheck_to_json(const struct postcheck *pc);
/* The readable report (checks, then changes by area with restore commands and
 * diffs), text from the client escaped for display; appended to out. */
void postcheck_format_text(const struct postcheck *pc, struct strbuf *out);
/* Writes postchecks/<client>-<stamp>.json and .txt; sets saved_json/saved_text. */
int postcheck_save(const struct site *s, struct postcheck *pc, struct err *e);
/* The newest saved result (.json) of client, or NULL. Owned. */
char *postcheck_newest(const struct site *s, const char *client);

#endif
