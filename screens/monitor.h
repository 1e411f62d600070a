/*
 * monitor.h: issue 6's screens and what their three files share: the
 * monitor of every job (monitor.c), the view of one job with its 12 phases,
 * live output, messages and actions (jobview.c), and the log viewer
 * (logview.c). app.h's app_open_monitor(), app_open_job() and app_open_log()
 * open them for the application; the constructors below let tests push them
 * onto a headless kit with a site of their own.
 *
 * Each screen owns its state (freed when it is popped) and borrows the site,
 * which must outlive it. Every screen refreshes from the journal on a
 * background timer, so any number of TUIs show the same jobs in the same
 * state; none of them keeps anything the journal does not have.
 */
#ifndef NIMADM_SCREENS_MONITOR_H
#define NIMADM_SCREENS_MONITOR_H

#include "engine.h"
#include "tui.h"

/* The default stall warning: a job silent for this long is flagged. */
#define MONITOR_STALL_DEFAULT_S (15 * 60)

/* ---- shared settings (monitor.c) -------------------------------------------- */

/* The clock every screen reads (epoch ms); tests pin it for goldens. NULL:
 * the real clock. */
typedef long long monitor_clock_fn(void);
void monitor_set_clock(monitor_clock_fn *fn);
long long monitor_now_ms(void);
/* The stall warning in seconds (also set in the monitor with `s`); <= 0 turns
 * it off. */
void monitor_set_stall(long seconds);
long monitor_stall(void);
/* `--stall MINUTES` (validated with tuiconf_parse_stall()): the stall warning
 * of this session, which the first monitor opened saves in the state
 * directory (tui.ini) for the next ones. */
void monitor_stall_option(long minutes);
/* Uses the stall warning saved in site's state directory (the `s` key and
 * --stall save it there), or, after monitor_stall_option(), saves that one
 * instead. Returns -1 with e (a sentence for the operator) when the file
 * cannot be read or written; the stall warning is then left as it was.
 * monitor_new() calls it (and shows e). */
int monitor_stall_load(const struct site *site, struct err *e);

/* ---- the screens -------------------------------------------------------------- */

/* The monitor of every job of the site. Owned by the caller until pushed. */
struct tui_screen *monitor_new(struct site *site);
/* The view of job `id`; NULL with e when there is no such job. */
struct tui_screen *jobview_new(struct site *site, const char *id, struct err *e);
/* The log viewer on path; NULL with e when it cannot be opened. */
struct tui_screen *logview_new(const char *path, struct err *e);
/* Push a job view (or show why not) and a log viewer: what app_open_job()
 * and app_open_log() do, with the site given. */
void jobview_open(struct site *site, const char *id);
void logview_open(const char *path);
/* Moves a log viewer to the end of its file, following it (a job's output). */
void logview_follow(struct tui_screen *view);
/* A pick list of the logs of the site's jobs and nimadm's own logs: Enter
 * opens the viewer on the one chosen. */
void logview_choose(struct site *site);

/* ---- shared helpers ------------------------------------------------------------ */

/* Whether a job of this mode (job.ini's name) runs nimadm's 12 phases. */
int monitor_mode_phased(const char *mode);
/* A short name for phase n (1..12), at most 12 columns: "installp". */
const char *monitor_phase_short(int n);
/* Durations as the screens show them: "0:07", "1:02:11"; "-" when < 0. */
void monitor_fmt_duration(char *buf, size_t size, long long secs);
/* A time left, short: "<1m", "41m", "1h02m"; "?" when < 0. */
void monitor_fmt_left(char *buf, size_t size, long secs);

/*
 * The operator's actions on a job, shared by the monitor and the job view:
 * 'p' pause after this phase, 'c' continue, 'x' cancel (confirmed), 'C'
 * cleanup with nimadm -C after a failure (confirmed), 'r' resume from the
 * failed phase (confirmed), 'l' the full log. ps (may be NULL) is the
 * tracker's view of the output (for the failed phase). Returns 1 when the
 * key is one of them (done, asked for, or refused with a message).
 */
int jobview_action(struct site *site, const struct job_info *ji, const struct phase_state *ps,
                   int key);

/* Key tables: each screen's own keys (beyond the function keys) for its F1
 * help and the manual. A NULL keys ends a table. */
struct monitor_key {
	int key;          /* the character */
	const char *keys; /* as the help shows them: "Enter", "p" */
	const char *help; /* one sentence */
};
extern const struct monitor_key monitor_keys[];
extern const struct monitor_key jobview_keys[];
extern const struct monitor_key logview_keys[];
/* A table as the manual lists it (an mdoc .Bl block). Owned. */
char *monitor_keys_mdoc(const struct monitor_key *keys);
/* The F1 text of a screen: help/screens/<name>.txt and its keys. Owned. */
char *monitor_help_text(const char *name, const struct monitor_key *keys);

#endif
