/*
 * app.h: the application's screens, glued from the widget kit (tui.h) and
 * the engine (engine.h). One process-wide application state (the site, the
 * inventory loaded once in the background, the help provider) and the entry
 * points every screen uses to open another, so screens never include each
 * other's internals.
 *
 * Files: app.c (state, sources, inventory, help), mainmenu.c, nimadm_dialog.c
 * (one dialog per nimadm mode), prereq.c (the prerequisite screen),
 * cmdstatus.c (COMMAND STATUS following a job), tui_main.c (the entry point
 * nimadm-tui.c calls). Issue 6 adds monitor.c, jobview.c and logview.c: they
 * define app_open_monitor(), app_open_job() and app_open_log() below; until
 * they do, weak fallbacks in cmdstatus.c stand in (a jobs list, COMMAND
 * STATUS, a plain text view) and give way to the real ones at link time
 * without any other change.
 *
 * Ownership: everything returned as const is owned by the application state
 * and valid until the next loop pass that may change it (an inventory until
 * the next app_inventory_refresh() completes: re-read it in your watch
 * callback, never keep pointers into it across passes).
 */
#ifndef NIMADM_APP_H
#define NIMADM_APP_H

#include "engine.h"
#include "tui.h"

/* How the TUI was asked to start (nimadm-tui.c fills it from argv). */
struct app_start {
	const char *argv0;
	const char *lab;       /* --lab FILE, or NULL */
	int demo;              /* --demo */
	const char *state_dir; /* --state-dir DIR, or NULL */
	/* The first screen: NULL or "main", "migrate", "check", "monitor",
	 * "logs" (the fast paths). */
	const char *screen;
	const char *script;   /* --script FILE: headless, keys from FILE */
	const char *dump_dir; /* --dump-dir DIR for `:dump NAME` (NULL: ".") */
	const char *log_file; /* `logs FILE`: the log to open (NULL: choose one) */
};

/* ---- tui_main.c: the entry point ---------------------------------------- */

/* Opens the site, starts the terminal (or the headless screen), loads the
 * inventory, opens the first screen, runs the loop, restores the terminal.
 * Returns the exit code: the loop's (0; 2 for a failed script; 128 + a
 * signal), 2 when the site could not be opened, 1 when the terminal could
 * not be set up (a message was printed then). */
int tui_main_run(const struct app_start *st);
/* Whether `screen` names a screen tui_main_run() knows. */
int tui_main_known_screen(const char *screen);

/* ---- app.c: the application state --------------------------------------- */

/* Sets up the state for an opened site (borrowed: it must outlive
 * app_shutdown()); registers the site's command set as a loop source. The
 * inventory is not read yet. Call after tui_init(). */
void app_setup(struct site *site);
/* Cancels background work and frees the state (before tui_end()). */
void app_shutdown(void);
/* Work a screen started that may outlive it (a snapshot, a post-migration
 * check): app_shutdown() calls cancel(arg) for each one still registered
 * before it drains the command set, so nothing is left running or
 * allocated; cancel must free what the work's end would have freed. Returns
 * an id for app_work_end(), called when the work ends on its own (harmless
 * with 0 or twice). */
typedef void app_cancel_fn(void *arg);
unsigned app_work_begin(app_cancel_fn *cancel, void *arg);
void app_work_end(unsigned id);

/* The site (master, command set, state directory). */
struct site *app_site(void);

/* Starts the first load of the inventory unless one was started already.
 * The menus and dialogs call it when they open, so their pick lists are ready;
 * the monitor and the log viewer never do: on a busy master its few hundred
 * commands would take the CPU from the screen they watch. */
void app_inventory_want(void);
/* The inventory: NULL until the first load has finished (or when it
 * failed: see app_inventory_error()). Starts the first load when none was. */
const struct inventory *app_inventory(void);
/* 1 while a load is running (starts the first load when none was). */
int app_inventory_loading(void);
/* Why the last load failed (NULL when it did not). */
const char *app_inventory_error(void);
/* Starts a new load (F2 on any screen); the old inventory stays in use
 * until the new one is complete. Harmless while a load is running. */
void app_inventory_refresh(void);
/* Called after every completed load (inventory or error). Returns an id for
 * app_inventory_unwatch() (harmless with 0 or twice). */
typedef void app_inventory_fn(void *arg);
unsigned app_inventory_watch(app_inventory_fn *fn, void *arg);
void app_inventory_unwatch(unsigned id);

/* The F1 text for a help id: "fields/<id>", "screens/<name>", "menus/<id>"
 * (files of help/, reflowed for a pop-up) or "checks/<id>" (a check's
 * explanation). NULL when there is none. Valid until the next call. */
const char *app_help_text(const char *help_id);

/* Paragraphs of a text wrapped for 80 columns joined into one line each, so
 * a pop-up can wrap them to its width; indented lines, list items ("- ",
 * "* ") and blank lines keep their own lines. Owned. */
char *app_reflow(const char *text);
/* A display-safe copy of s (control characters escaped; NULL gives ""). Owned. */
char *app_safe(const char *s);

/* Runs a tui source for a check run's own descriptors (NFS probes) until
 * app_check_source_remove(); used by the prerequisite screens. */
struct check_run;
struct tui_source *app_check_source_add(struct check_run *run);
void app_check_source_remove(struct tui_source **src);

/* ---- entry points: each opens a screen on top of the stack --------------- */

/* mainmenu.c: the main menu (the root of the tree). */
void app_open_main_menu(void);
/* The submenus (Cleanup / Wake-up / Sleep; mksysb migrations). */
void app_open_menu(const char *menu_id);

/* nimadm_dialog.c: the dialog of one nimadm mode; preset (may be NULL) is
 * copied and fills the fields (a resume, a cleanup after a failed job). */
void app_open_nimadm(enum nimadm_mode mode, const struct nimadm_params *preset);
/* Submits a job for valid parameters (borrowed), logs its command to the
 * .log and .script, and opens its live view (app_open_job) for a migration,
 * COMMAND STATUS for the short operations (cleanup, wake-up, sleep, sync).
 * 0 with the job's id in id_out (may be NULL), or -1 after showing why. */
int app_start_job(const struct nimadm_params *p, char id_out[JOB_ID_MAX]);

/* The pick lists (F4) of nimadm fields, from the inventory (waiting for it
 * while it loads), for any dialog whose arg starts with a struct app_form:
 * client (and "clients": several, with ALL), spot, lpp_source, mksysb, the
 * scripts, bundle, image_data, bosinst_data, exclude_files, cache_vg and
 * disks (of the dialog's "client", or the first of its "clients"). */
struct app_form {
	enum nimadm_mode mode;
};
void nimadm_dialog_list(void *arg, struct tui_screen *dialog, const char *field_id,
                        struct tui_list_req *req);
/* Why a disk cannot be a target of a mode (wake-up wants the altinst_rootvg
 * disks, the others a free one); NULL when it can. Static text, or the
 * inventory's (valid while that inventory lives). */
const char *nimadm_dialog_disk_problem(const struct inv_disk *d, enum nimadm_mode mode);

/* prereq.c: the prerequisite screen (choose clients and target; the
 * client-by-check table); preset (may be NULL) fills the choices. */
void app_open_prereq(const struct nimadm_params *preset);
/* prereq.c: the checks a job's parameters imply (p is taken over), shown as
 * they come in the report screen; then the confirmation (failures block
 * unless Force? is yes, warnings ask) and app_start_job(). */
void app_prereq_job(struct nimadm_params *p);

/* cmdstatus.c: COMMAND STATUS following job id to its end. argv: the job's
 * command when it was just started (logged to the .log and the .script
 * with its output), or NULL to follow a job started before (the .log gets
 * the output). */
void app_open_cmdstatus(const char *job_id, const char *const *argv);

/* Issue 6 (monitor.c, jobview.c, logview.c; weak fallbacks meanwhile):
 * the monitor of every job; the live view of one job (opened right after a
 * job starts); the log viewer on a file (path NULL: choose a log first). */
void app_open_monitor(void);
void app_open_job(const char *job_id);
void app_open_log(const char *path);

/* Issue 7 (prepare.c, postcheck.c): the "Prepare Client for Migration"
 * dialogs, one per flow of prepare.h (Enter plans the flow, shows the plan
 * and runs it after a confirmation, with live output in COMMAND STATUS);
 * "Take a Configuration Snapshot"; and the post-migration check of a client
 * with its comparison with a snapshot. prepare_fields() is a flow's field
 * table (static; NULL for an unknown flow), for the tests and the manual. */
void app_open_prepare(enum prep_flow flow);
void app_open_snapshot(void);
void app_open_postcheck(void);
const struct tui_field_def *prepare_fields(enum prep_flow flow);
const struct tui_field_def *postcheck_fields(void);

#endif
