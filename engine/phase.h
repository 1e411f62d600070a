/*
 * phase.h: the nimadm phase tracker. A pure function from nimadm output lines
 * to events and a queryable state: start-up, phase N started/ended, alt_disk
 * and installp steps, installp progress, message codes with their severity
 * and knowledge-base entry, the automatic cleanup after a failure, bootlist
 * changes and the final result. The same code serves a live job, a job
 * re-attached after a crash (feed output.log from the start) and any log file.
 * It never does I/O; times come from the caller.
 */
#ifndef NIMADM_PHASE_H
#define NIMADM_PHASE_H

#include <stddef.h>

#include "kb.h"
#include "util.h"

#define PHASE_MAX 12
/* Messages kept in the state; more are counted in messages_dropped. */
#define PHASE_MESSAGES_MAX 1000

/* How a status should look; the TUI maps tones to colours. */
enum phase_tone {
	PHASE_TONE_NORMAL,
	PHASE_TONE_ACTIVE,
	PHASE_TONE_GOOD,
	PHASE_TONE_BAD,
	PHASE_TONE_MUTED
};

/* One phase's status: enum, JSON name, label, tone. */
#define PHASE_STATUSES(X)                                         \
	X(PHASE_PENDING, "pending", "pending", PHASE_TONE_MUTED)  \
	X(PHASE_RUNNING, "running", "running", PHASE_TONE_ACTIVE) \
	X(PHASE_DONE, "done", "done", PHASE_TONE_GOOD)            \
	X(PHASE_FAILED, "failed", "FAILED", PHASE_TONE_BAD)       \
	X(PHASE_SKIPPED, "skipped", "skipped", PHASE_TONE_MUTED)

enum phase_status {
#define PHASE_STATUS_ENUM(id, json, label, tone) id,
	PHASE_STATUSES(PHASE_STATUS_ENUM)
#undef PHASE_STATUS_ENUM
	    PHASE_STATUS_COUNT
};

/* The whole run's result: enum, JSON name, label, tone. */
#define PHASE_RESULTS(X)                                                     \
	X(PHASE_RESULT_UNKNOWN, "unknown", "unknown", PHASE_TONE_MUTED)      \
	X(PHASE_RESULT_RUNNING, "running", "running", PHASE_TONE_ACTIVE)     \
	X(PHASE_RESULT_SUCCEEDED, "succeeded", "succeeded", PHASE_TONE_GOOD) \
	X(PHASE_RESULT_FAILED, "failed", "FAILED", PHASE_TONE_BAD)

enum phase_result {
#define PHASE_RESULT_ENUM(id, json, label, tone) id,
	PHASE_RESULTS(PHASE_RESULT_ENUM)
#undef PHASE_RESULT_ENUM
	    PHASE_RESULT_COUNT
};

/* Event kinds: enum, JSON name. */
#define PHASE_EVENTS(X)                                                                            \
	X(PHASE_EV_START, "start")             /* start-up lines of a run (once per run) */        \
	X(PHASE_EV_PHASE_START, "phase_start") /* phase: the banner's number */                    \
	X(PHASE_EV_PHASE_END, "phase_end")     /* phase, status: done, failed or skipped */        \
	X(PHASE_EV_SUBPHASE, "subphase")       /* text: the step; subphase: alt_disk phase or 0 */ \
	X(PHASE_EV_FILESET, "fileset")         /* text: "fileset level" installp is applying */    \
	X(PHASE_EV_PROGRESS, "progress")       /* done, total, elapsed_s */                        \
	X(PHASE_EV_MESSAGE, "message")         /* msg */                                           \
	X(PHASE_EV_CLEANUP, "cleanup")         /* text: the line; automatic: after a failure */    \
	X(PHASE_EV_BOOTLIST, "bootlist")       /* text: "hdisk1 blv=hd5" */                        \
	X(PHASE_EV_RESULT, "result")           /* result, phase: the failed phase or 0 */

enum phase_event_kind {
#define PHASE_EV_ENUM(id, json) id,
	PHASE_EVENTS(PHASE_EV_ENUM)
#undef PHASE_EV_ENUM
	    PHASE_EV_COUNT
};

const char *phase_status_name(enum phase_status s);
const char *phase_status_label(enum phase_status s);
enum phase_tone phase_status_tone(enum phase_status s);
const char *phase_result_name(enum phase_result r);
const char *phase_result_label(enum phase_result r);
enum phase_tone phase_result_tone(enum phase_result r);
const char *phase_event_name(enum phase_event_kind k);
/* What nimadm does in phase n (1..12), one short line; "" out of range. */
const char *phase_title(int n);

/* A message seen in the output. Strings are owned by the tracker. */
struct phase_message {
	char *code;    /* "0505-187", or NULL for an un-coded known line */
	char *command; /* "nimadm", "alt_disk_copy", ... or NULL */
	enum kb_severity severity;
	char *text;  /* the line, trimmed */
	long lineno; /* 1-based line number in what was fed */
	int phase;   /* the phase running then, 0 before phase 1 */
	long long time_ms;
	const struct kb_entry *kb; /* NULL when unknown; lives as long as the KB */
};

struct phase_event {
	enum phase_event_kind kind;
	long lineno;              /* the line that caused it; 0 for phase_tracker_finish() */
	long long time_ms;        /* as fed, or -1 */
	int phase;                /* the phase concerned, 0 = start-up */
	enum phase_status status; /* PHASE_END */
	enum phase_result result; /* RESULT */
	int subphase;             /* SUBPHASE: the alt_disk phase of "## Phase N ###", else 0 */
	int automatic;            /* CLEANUP: nimadm cleaning up after a failure */
	const char *text;         /* valid only during the callback; never NULL ("" when none) */
	long done, total;         /* PROGRESS: filesets processed of total */
	long elapsed_s;           /* PROGRESS: installp's total time so far, -1 unknown */
	const struct phase_message *msg; /* MESSAGE; valid only during the callback */
};

struct phase_info {
	enum phase_status status;
	long long started_ms, ended_ms;     /* from the fed times, -1 unknown */
	long duration_s;                    /* -1 unknown; see phase_tracker_state() */
	long filesets_done, filesets_total; /* installp progress, -1 unknown */
	long first_line;                    /* line of the banner, 0 when not seen */
};

struct phase_state {
	enum phase_result result;
	int current;      /* the phase running or last run, 0 before phase 1 */
	int failed_phase; /* 1..12 when failed there, 0 failed before phase 1, -1 none */
	struct phase_info phases[PHASE_MAX + 1]; /* [1..12]; [0] unused */
	int started;                             /* start-up lines seen */
	int runs;         /* runs seen (start-up after phases began starts a new run) */
	int cleanup_ran;  /* nimadm's automatic cleanup after a failure was seen */
	int cleanup_seen; /* any nimadm cleanup lines (phase 12 or -C) */
	int exit_status;  /* as given to phase_tracker_finish, -1 unknown */
	int finished;
	char *client;         /* from the start-up or cleanup lines, or NULL */
	char *log_path;       /* "Initializing log: PATH", or NULL */
	char *step;           /* the latest step line (subphase), or NULL */
	char *client_command; /* the latest "Client alt_disk_install command:", or NULL */
	char *bootlist;       /* the latest "Bootlist is set to the boot disk: ...", or NULL */
	long installp_ok, installp_failed; /* rows of installp's summaries */
	long installp_elapsed_s;           /* installp's last Total time, -1 unknown */
	struct phase_message *messages;
	size_t nmessages, messages_dropped;
	long errors, warnings; /* counts by severity (error; warning + attention) */
	long lines;            /* lines fed */
	long recognised;       /* lines the tracker understood */
	long long last_time_ms;
};

typedef void phase_event_fn(void *arg, const struct phase_event *ev);

/* A new tracker (owned; phase_tracker_free). fn may be NULL (state only).
 * Messages are explained with kb_default(). */
struct phase_tracker *phase_tracker_new(phase_event_fn *fn, void *arg);
void phase_tracker_free(struct phase_tracker **t);
/* Explain messages with this knowledge base instead (borrowed; must outlive t). */
void phase_tracker_set_kb(struct phase_tracker *t, const struct kb *kb);
/* The phases the run was asked for (nimadm -P): bit n set for phase n. The
 * others are skipped from the start, and a log that ends without error in the
 * last of them has succeeded. 0 (default) means all twelve. */
void phase_tracker_set_phases(struct phase_tracker *t, unsigned mask);
/* The severity the tracker gives a message line (kb: its knowledge-base entry
 * or NULL): the same rules for the tracker and the log viewer. */
enum kb_severity phase_line_severity(const char *line, const struct kb_entry *kb);
/* Parses a -P list ("1-3", "1 2 3", "6,7,8-12") into a mask; 0 when invalid. */
unsigned phase_parse_list(const char *s);

/*
 * Feeds one line (without its newline; a trailing CR, blanks, and a NUL
 * inside are tolerated). time_ms is the wall-clock time the line was seen
 * (milliseconds since the epoch), or -1 when unknown (a log file).
 */
void phase_tracker_feed(struct phase_tracker *t, const char *line, size_t len, long long time_ms);
/*
 * The output has ended. exit_status is nimadm's exit status when known
 * (authoritative: 0 succeeded, else failed), or -1. Without it the tracker
 * decides: failed after an error and the automatic cleanup, or when the
 * output ends on nimadm's own error; succeeded after phase 12's cleanup (or
 * the last phase asked for with -P, or a cleanup-only run); running when it
 * stops mid-phase; unknown when nothing was recognised. Emits RESULT.
 * Call it once: lines fed after it are ignored.
 */
void phase_tracker_finish(struct phase_tracker *t, int exit_status);

/*
 * The state; valid until the next feed/finish/free. duration_s comes from the
 * fed times (banner to next banner or failure); when times are unknown,
 * phase 6's duration is installp's Total time.
 */
const struct phase_state *phase_tracker_state(const struct phase_tracker *t);

#endif
