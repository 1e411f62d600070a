/*
 * sim.h: nimsim, the simulated NIM lab. One binary answers to many AIX
 * command names (sim/COMMANDS); a lab file (INI) describes the master, the
 * NIM resources and the clients, and a state directory keeps what commands
 * changed. Nothing here ever runs a real system command.
 *
 * Ownership: a struct sim_lab owns everything reachable from it; strings in
 * it live until sim_lab_free(). Personalities print on stdout/stderr and
 * return the exit status.
 */
#ifndef NIMSIM_SIM_H
#define NIMSIM_SIM_H

#include <stdio.h>

#include "util.h"

/* ---- the lab model --------------------------------------------------------- */

enum sim_connect { SIM_CONNECT_SHELL, SIM_CONNECT_NIMSH };

/* How a client answers rsh/c_rsh. */
#define SIM_REACH_LIST(X)               \
	X(SIM_REACH_OK, "ok")           \
	X(SIM_REACH_REFUSED, "refused") \
	X(SIM_REACH_TIMEOUT, "timeout") \
	X(SIM_REACH_HANG, "hang")       \
	X(SIM_REACH_SLOW, "slow")       \
	X(SIM_REACH_DENIED, "denied")
#define SIM_REACH_ENUM(e, s) e,
enum sim_reach { SIM_REACH_LIST(SIM_REACH_ENUM) };
#undef SIM_REACH_ENUM

/* Fileset parts (which Path: sections lslpp -l shows). */
#define SIM_PART_USR  0x1
#define SIM_PART_ROOT 0x2

struct sim_fileset {
	char *name;
	char *level; /* V.R.M.F */
	char state;  /* C committed, A applied, B broken, E efix locked, O obsolete, ? */
	unsigned parts;
	char *desc;
	int line; /* lab line, 0 when built in */
};

struct sim_filesets {
	struct sim_fileset *v;
	size_t n, cap;
};

struct sim_disk {
	char *name;
	long size_mb;
	char *pvid; /* NULL: no PVID ("none") */
	char *vg;   /* NULL: free ("None") */
	int line;
};

struct sim_vg {
	char *name;
	int pp_size; /* MB */
	int copies;  /* 1, 2 or 3 */
	int active;  /* varied on */
	char *vgid;
	int line;
};

struct sim_lv {
	char *name;
	char *vg;
	char *type;
	int lps;
	char *mount; /* "N/A" for raw LVs */
	char *state; /* open/syncd, closed/syncd */
	int copies;  /* 1-3, or 0: as many as its VG's copies */
	char *pvs;   /* "hdisk1[,hdisk0]": the disk of each copy; NULL: the VG's placement */
	int line;
};

/* An ordered list of name/value pairs (NIM attributes, sys0 overrides). */
struct sim_attr {
	char *name;
	char *value;
};
struct sim_attrs {
	struct sim_attr *v;
	size_t n, cap;
};

struct sim_host {
	char *name; /* NIM name; "master" for the master */
	int is_master;
	int line;
	char *hostname;
	char *ip;
	char *network;
	enum sim_connect connect;
	enum sim_reach reach;
	long connect_timeout_ms;      /* -1: AIX's 75 s, scaled by time_scale */
	long slow_ms;                 /* extra wall-clock delay of a "slow" client */
	long latency_ms;              /* every command on this host */
	struct sim_attrs latency_cmd; /* per command name, ms */
	char *oslevel;                /* VVRR-TL-SP-YYWW */
	char *processor;              /* POWER9 */
	int cpus;
	long clock_mhz;
	long memory_mb;
	char *firmware;
	char *model;
	char *serial;
	char *cpuid;
	int lpar_id;
	int tcb;
	int default_lvs; /* the standard rootvg LVs are added */
	char *fileset_base;
	struct sim_attrs sys0; /* overrides of the built-in sys0 attributes */
	struct sim_attrs nim;  /* NIM attribute overrides (lsnim -l) */
	struct sim_disk *disks;
	size_t ndisks, capdisks;
	struct sim_vg *vgs;
	size_t nvgs, capvgs;
	struct sim_lv *lvs;
	size_t nlvs, caplvs;
	struct sim_filesets filesets;
	struct strv bootlist;      /* empty: the disks holding hd5 */
	struct strv nimadm_faults; /* nimadm_fault: failures nimadm injects (nimadm.c) */
	struct sim_attrs cfg;      /* tunable.*, service.*, migration_reset (aixcfg.c) */
};

/* NIM resource types, in lsnim's order of presentation. */
#define SIM_RES_LIST(X)                               \
	X(SIM_RES_LPP_SOURCE, "lpp_source")           \
	X(SIM_RES_SPOT, "spot")                       \
	X(SIM_RES_MKSYSB, "mksysb")                   \
	X(SIM_RES_SCRIPT, "script")                   \
	X(SIM_RES_INSTALLP_BUNDLE, "installp_bundle") \
	X(SIM_RES_IMAGE_DATA, "image_data")           \
	X(SIM_RES_BOSINST_DATA, "bosinst_data")       \
	X(SIM_RES_EXCLUDE_FILES, "exclude_files")
#define SIM_RES_ENUM(e, s) e,
enum sim_res_type { SIM_RES_LIST(SIM_RES_ENUM) SIM_RES_NTYPES };
#undef SIM_RES_ENUM

struct sim_res {
	char *name;
	enum sim_res_type type;
	int line;
	char *location;
	char *server;
	char *oslevel; /* spot, lpp_source, mksysb */
	int simages;   /* lpp_source */
	char *source_image;
	char *creation_date;
	long size_mb;          /* mksysb */
	struct strbuf content; /* script, bundle, ...: what showres prints */
	char *fileset_base;
	struct sim_filesets filesets;
	struct sim_attrs nim;
};

struct sim_network {
	char *name;
	char *net_addr;
	char *snm;
	char *gateway;
	int line;
};

/* A recorded command line: its output comes from files beside the lab. */
struct sim_replay {
	char *name;
	int line;
	char *host; /* NIM name, or "*" */
	struct strv argv;
	char *stdout_path; /* absolute, or NULL */
	char *stderr_path;
	int status;
};

/* An injected fault: a host+command prefix that fails. */
struct sim_fault {
	char *name;
	int line;
	char *host;       /* NIM name, or "*" */
	struct strv argv; /* word prefix */
	struct strbuf out;
	struct strbuf err;
	int status;
	int times; /* 0: always; else only the first N matching runs */
};

struct sim_lab {
	char *path; /* absolute */
	char *base; /* file name, for messages */
	char *dir;  /* where replay files are looked up */
	char *name;
	char *description;
	double time_scale;
	long latency_ms;
	struct sim_attrs latency_cmd;
	struct sim_host **hosts; /* hosts[0] is the master */
	size_t nhosts, caphosts;
	struct sim_res **res;
	size_t nres, capres;
	struct sim_network **nets;
	size_t nnets, capnets;
	struct sim_replay **replays;
	size_t nreplays, capreplays;
	struct sim_fault **faults;
	size_t nfaults, capfaults;
	char *state_dir;
};

/* ---- lab.c ---------------------------------------------------------------- */

/*
 * Loads and validates a lab file, then applies the state overlay found in
 * state_dir (NULL: none). On error returns NULL with e->msg holding one line
 * "FILE:LINE: what" (or "FILE: what").
 */
struct sim_lab *sim_lab_load(const char *path, const char *state_dir, struct err *e);
void sim_lab_free(struct sim_lab **lab);
/* Lookups; NULL when absent. */
struct sim_host *sim_lab_host(const struct sim_lab *lab, const char *name);
/* By NIM name, hostname or IP address. */
struct sim_host *sim_lab_resolve(const struct sim_lab *lab, const char *name);
struct sim_res *sim_lab_res(const struct sim_lab *lab, const char *name);
struct sim_network *sim_lab_network(const struct sim_lab *lab, const char *name);
struct sim_disk *sim_host_disk(const struct sim_host *h, const char *name);
struct sim_vg *sim_host_vg(const struct sim_host *h, const char *name);
struct sim_fileset *sim_filesets_find(const struct sim_filesets *fs, const char *name);
const char *sim_attrs_get(const struct sim_attrs *a, const char *name);
void sim_attrs_set(struct sim_attrs *a, const char *name, const char *value);
void sim_attrs_free(struct sim_attrs *a);
const char *sim_res_type_name(enum sim_res_type t);
const char *sim_reach_name(enum sim_reach r);
/* Physical partitions of a disk in a VG with pp_size MB partitions. */
long sim_disk_pps(long size_mb, int pp_size);
/* The sys0 attribute value of a host (built-in default or override), or NULL. */
const char *sim_host_sys0(const struct sim_host *h, const char *attr);
/* The boot list in effect (the state's, the lab's, or the disks holding hd5). */
void sim_host_bootlist(const struct sim_host *h, struct strv *out);

/* ---- lvmops.c: where logical volume copies lie ------------------------------- */

/* The copies of lv (its own, else its VG's). */
int sim_lv_copies(const struct sim_host *h, const struct sim_lv *lv);
/*
 * The placement of a VG's logical volumes on its disks: copy k of every LV on
 * the disks i with i % copies == k, in LV order (an LV's `pvs` pins its copies),
 * overflowing onto any disk with room. Every view (lsvg, lspv, lslv, reducevg)
 * uses it, so they all agree.
 */
struct sim_vg_map {
	const struct sim_vg *vg;
	const struct sim_disk **disks; /* the VG's disks, in host order */
	size_t ndisks;
	long *total, *used;        /* PPs per disk */
	const struct sim_lv **lvs; /* the VG's LVs, in host order */
	size_t nlvs;
	int *copies; /* per LV */
	long *pps;   /* PPs of LV i, copy k on disk d: [(i * 3 + k) * ndisks + d] */
	long *first; /* first PP number (1-based) of that allocation, same index */
};
void sim_vg_map(const struct sim_host *h, const struct sim_vg *v, struct sim_vg_map *m);
long sim_vg_map_pps(const struct sim_vg_map *m, size_t lv, int copy, size_t disk);
void sim_vg_map_free(struct sim_vg_map *m);
struct sim_state;
/* Writes h's LVs of vg without pinned disks or copies of their own (they follow the VG). */
void sim_lv_unpin(struct sim_state *st, const struct sim_host *h, const char *vg);
/* Whether disk d holds a copy of a boot LV (hd5) whose boot record was not cleared. */
int sim_disk_bootable(const struct sim_lab *lab, const struct sim_host *h,
                      const struct sim_disk *d);

/* ---- files.c ------------------------------------------------------------------ */

/* "a/./b//../c" -> "/a/c": absolute, without "." or ".." (never above "/"). Owned. */
char *sim_files_normalise(const char *file);

/* ---- aixcfg.c: the configuration the lab keeps per host ------------------------ */

/* NULL when key = value is a valid configuration key of a host (tunable.CMD.NAME,
 * service.NAME, migration_reset), else why not (static or in buf). */
const char *sim_cfg_key_check(const char *key, const char *value, char *buf, size_t size);
/* Prints a configuration file made up from the lab (/etc/motd, /etc/hosts ...);
 * -1 when the lab makes up no such file. */
int sim_cfg_file_print(const struct sim_lab *lab, const struct sim_host *h, const char *path);
/* The names of the files made up in directory dir ("/etc/ssh"), appended to out. */
void sim_cfg_dir_list(const struct sim_lab *lab, const struct sim_host *h, const char *dir,
                      struct strv *out);
/* A migration booted: what the lab says the new release resets on h (migration_reset),
 * written into the open state st. to: the new oslevel. */
void sim_cfg_migrated(struct sim_state *st, const struct sim_lab *lab, const struct sim_host *h,
                      const char *to);
/* A reboot: tunables changed for now only (vmo -o without -p) take their boot values. */
void sim_cfg_rebooted(struct sim_state *st, const struct sim_host *h);
/* The time scale for simulated AIX durations: NIMSIM_TIME_SCALE, else the lab's. */
double sim_time_scale(const struct sim_lab *lab);

/* ---- catalog.c: built-in facts ------------------------------------------- */

struct sim_cat_fileset {
	const char *name;
	const char *level; /* NULL: the owner's OS level (V.R.TL.SP) */
	unsigned parts;
	unsigned sets; /* SIM_SET_* */
	const char *desc;
};
#define SIM_SET_CLIENT 0x1
#define SIM_SET_MASTER 0x2
#define SIM_SET_SPOT   0x4
#define SIM_SET_LPP    0x8
extern const struct sim_cat_fileset sim_cat_filesets[];
extern const size_t sim_cat_nfilesets;
/* The description of a known fileset, or NULL. */
const char *sim_cat_desc(const char *name);

struct sim_cat_attr {
	const char *name;
	const char *value; /* NULL: derived from the host */
	const char *desc;
	const char *settable;
};
extern const struct sim_cat_attr sim_cat_sys0[];
extern const size_t sim_cat_nsys0;

struct sim_cat_lv {
	const char *name;
	const char *type;
	long mb;
	const char *mount;
	const char *state;
};
extern const struct sim_cat_lv sim_cat_rootvg[];
extern const size_t sim_cat_nrootvg;

/* A parsed oslevel -s string. */
struct sim_level {
	int ver, rel, tl, sp, build;
};
/* 0 when s is VVRR-TL-SP-YYWW (or VVRR-TL / VVRR-TL-SP, missing parts 0). */
int sim_level_parse(const char *s, struct sim_level *l);
/* "V.R.TL.SP" for the filesets of that level. Owned. */
char *sim_level_fileset(const struct sim_level *l);
/* Numeric comparison of V.R.M.F strings. */
int sim_vrmf_cmp(const char *a, const char *b);

/* ---- state.c: the mutable state overlay ------------------------------------ */

/*
 * The state of a lab is one INI file (state.ini) in its state directory:
 * [section] per host or object, key = value, values percent-encoded. Writes
 * happen under an fcntl lock on state.lock and replace the file atomically.
 */
struct sim_state;
/* Reads the state (shared lock). A missing directory or file is an empty state. */
struct sim_state *sim_state_load(const char *dir, struct err *e);
/* Locks the state for update (exclusive, blocking) and reads it. */
struct sim_state *sim_state_begin(const char *dir, struct err *e);
/* Writes the state (temp file, fsync, rename) and unlocks it; frees st. */
int sim_state_commit(struct sim_state **st, struct err *e);
/* Frees a state (unlocking it without writing, if begun). */
void sim_state_free(struct sim_state **st);
/* The value or NULL; valid until the state changes or is freed. */
const char *sim_state_get(const struct sim_state *st, const char *section, const char *key);
/* Sets (value != NULL) or deletes (value == NULL) a key. */
void sim_state_set(struct sim_state *st, const char *section, const char *key, const char *value);
/* Iteration: calls fn for every key of every section, in file order. */
void sim_state_each(const struct sim_state *st,
                    void (*fn)(void *arg, const char *section, const char *key, const char *value),
                    void *arg);
/* Removes the state file (the lab is as its file says again). */
int sim_state_reset(const char *dir, struct err *e);
/* One-shot helpers. */
int sim_state_put(const char *dir, const char *section, const char *key, const char *value,
                  struct err *e);
/* The default state directory of a lab. Owned. */
char *sim_state_default_dir(const char *lab_path);

/* ---- words.c: a small POSIX word splitter ---------------------------------- */

/*
 * Splits a command line as a POSIX shell would for simple commands: blanks
 * separate words; single quotes, double quotes and backslash quote. Anything
 * that needs a real shell (unquoted ; | & $ ` < > ( ) { } * ? [ ~ #, a newline,
 * $ or ` inside double quotes, an unterminated quote) is refused: returns -1
 * with e filled. Words are appended to out.
 */
int sim_words_split(const char *line, struct strv *out, struct err *e);
/* Joins argv for messages (words with blanks single-quoted). Owned. */
char *sim_words_join(const char *const *argv);

/* ---- out.c: option parsing and output helpers ------------------------------ */

struct sim_opt {
	int argc;
	char **argv;
	int ind;         /* next argv element */
	int pos;         /* position within a clustered flag word */
	const char *arg; /* the option's argument */
	int opt;         /* the offending flag on error */
};
void sim_opt_init(struct sim_opt *o, int argc, char **argv);
/* Like getopt(3): returns the flag, -1 at the end, '?' for an unknown flag and
 * ':' for a missing argument (o->opt is the flag). Stops at "--" and operands. */
int sim_opt_next(struct sim_opt *o, const char *spec);
/* The AIX getopt complaints. */
void sim_opt_complain(const char *cmd, int rc, int opt);

/* ---- the run context ------------------------------------------------------- */

struct sim_ctx {
	struct sim_lab *lab;
	struct sim_host *host; /* the host the command runs as */
	const char *self;      /* path of the nimsim executable */
	int depth;             /* rsh nesting */
};

typedef int sim_cmd_fn(struct sim_ctx *ctx, int argc, char **argv);
struct sim_cmd {
	const char *name;
	sim_cmd_fn *fn;
	int master_only; /* NIM commands exist only on the master */
};
extern const struct sim_cmd sim_cmds[];
extern const size_t sim_ncmds;
const struct sim_cmd *sim_cmd_find(const char *name);

/*
 * Runs argv as ctx->host: latency, replay, faults, then the personality.
 * Returns the exit status.
 */
int sim_run(struct sim_ctx *ctx, int argc, char **argv);
/* Sleeps ms of wall-clock time (no-op for ms <= 0). */
void sim_sleep_ms(long ms);
/* Sleeps ms of simulated AIX time, scaled by the lab's time_scale. */
void sim_sleep_scaled(const struct sim_lab *lab, long ms);

/* Personalities. */
sim_cmd_fn sim_nim_lsnim;
sim_cmd_fn sim_nim_nim;
sim_cmd_fn sim_lpp_lslpp;
sim_cmd_fn sim_lpp_oslevel;
sim_cmd_fn sim_lpp_lppchk;
sim_cmd_fn sim_lpp_installp;
sim_cmd_fn sim_lpp_instfix;
sim_cmd_fn sim_lvm_lspv;
sim_cmd_fn sim_lvm_lsvg;
sim_cmd_fn sim_lvm_bootinfo;
sim_cmd_fn sim_lvm_getconf;
sim_cmd_fn sim_lvm_bootlist;
sim_cmd_fn sim_sys_lsattr;
sim_cmd_fn sim_sys_odmget;
sim_cmd_fn sim_sys_prtconf;
sim_cmd_fn sim_sys_hostname;
sim_cmd_fn sim_sys_uname;
sim_cmd_fn sim_remote_rsh;
sim_cmd_fn sim_remote_c_rsh;
sim_cmd_fn sim_nimadm_nimadm;
sim_cmd_fn sim_files_cat;
/* aixcfg.c */
sim_cmd_fn sim_cfg_chdev;
sim_cmd_fn sim_cfg_tunables; /* vmo, no, ioo, schedo */
sim_cmd_fn sim_cfg_mount;
sim_cmd_fn sim_cfg_umount;
sim_cmd_fn sim_cfg_lsfs;
sim_cmd_fn sim_cfg_netstat;
sim_cmd_fn sim_cfg_ifconfig;
sim_cmd_fn sim_cfg_lssrc;
sim_cmd_fn sim_cfg_crontab;
sim_cmd_fn sim_cfg_host;
sim_cmd_fn sim_cfg_ls;
/* lvmops.c */
sim_cmd_fn sim_lvmops_unmirrorvg;
sim_cmd_fn sim_lvmops_reducevg;
sim_cmd_fn sim_lvmops_chpv;
sim_cmd_fn sim_lvmops_bosboot;
sim_cmd_fn sim_lvmops_lslv;
sim_cmd_fn sim_lvmops_shutdown;
/* mksysb.c */
sim_cmd_fn sim_mksysb_mksysb;
sim_cmd_fn sim_mksysb_alt_disk_mksysb;
sim_cmd_fn sim_mksysb_nim; /* nim -o define -t mksysb, nim -o cust; the rest: sim_nim_nim */
/* migscripts.c */
sim_cmd_fn sim_mig_pre_migration;
sim_cmd_fn sim_mig_post_migration;
sim_cmd_fn sim_mig_installp; /* installp -c; -s: sim_lpp_installp */

/* Whether name is a failure nimadm can inject (the client key nimadm_fault). */
int sim_nimadm_fault_known(const char *name);

/* Shared by lslpp and nim -o lslpp: prints a fileset list as `lslpp FLAGS`. */
int sim_lpp_print(const struct sim_filesets *fs, int argc, char **argv, const char *cmd);
/* installp -L -d style listing of an lpp_source (nim -o showres). */
void sim_lpp_showres(const struct sim_filesets *fs);

#endif
