/*
 * nimadm.h: internals of the simulator's nimadm, shared by nimadm.c (flags,
 * checks, the modes and the output of the 12 phases), nimadm_lab.c (what a
 * run changes in the lab's state) and files.c (the lab's file tree, where the
 * logs go and `cat` reads).
 *
 * Ownership: a struct nm lives for one nimadm command; it borrows the lab and
 * the hosts from the sim_ctx and owns its strings, lists and open logs.
 */
#ifndef NIMSIM_NIMADM_H
#define NIMSIM_NIMADM_H

#include <stdio.h>

#include "sim.h"

/* One nimadm invocation does one of these (shared/aix/FORMATS.md, synopses). */
enum nm_mode {
	NM_MIGRATE, /* -c -d -l -s */
	NM_M2C,     /* -T mksysb -c -d: mksysb to a client's disk */
	NM_M2M,     /* -T mksysb -O file: mksysb to a new mksysb */
	NM_C2M,     /* -c -O file: a client's rootvg to a new mksysb */
	NM_CLEANUP, /* -C */
	NM_WAKE,    /* -W */
	NM_SLEEP,   /* -S */
	NM_SYNC     /* -M */
};

/* Failures no lab state implies, injected per client (nimadm_fault). */
#define NM_FAULT_RESTORE    0x1 /* phase9-restore: 0511-133/0505-217 with -j */
#define NM_FAULT_UMOUNT     0x2 /* cleanup-umount-busy: 0505-158/0505-192 */
#define NM_FAULT_DOMAINNAME 0x4 /* domainname: `domainname: not found` (harmless) */

struct nm {
	struct sim_ctx *ctx;
	struct sim_lab *lab;
	struct sim_lab *pristine; /* the lab without its state, loaded when needed */
	struct sim_host *master;
	struct sim_host *client; /* NULL for mksysb to mksysb and -M */
	struct sim_res *spot, *lpp, *mksysb;
	enum nm_mode mode;
	const char *val[128]; /* flag letter -> its argument ("" for flags without one) */
	unsigned phases;      /* -P: bit n for phase n; 0 = all twelve */
	struct strv disks;    /* -d, split */
	char vr[16];          /* the target release of the SPOT, "7.3" */
	char *name;           /* the client, or the source mksysb: names the log and the record */
	unsigned faults;      /* NM_FAULT_* */
	int cache;            /* -j: local disk caching on the master */
	/* output */
	FILE *log;             /* /var/adm/ras/alt_mig/<name>_alt_mig.log (in the lab) */
	FILE *clog;            /* the client's alt_disk_inst.log while alt_disk_copy runs */
	struct strbuf pending; /* lines printed before the log was opened */
	double scale;          /* simulated time -> wall-clock time */
	double owed_ms;        /* scaled time not slept yet (sleeps are whole milliseconds) */
	long long aix_ms;      /* simulated time since the command started */
	/* a failure */
	int failed;
	int busy_cache; /* the cache file systems could not be unmounted */
};

/* ---- nimadm.c ------------------------------------------------------------------ */

/* Prints one line of nimadm output (stdout and the log). */
void nm_say(struct nm *nm, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Lets ms of simulated AIX time pass. */
void nm_wait(struct nm *nm, long ms);
/* Whether flag c was given. */
int nm_has(const struct nm *nm, int c);
/* The rootvg logical volumes of host h that alt_disk_copy clones, in order. */
size_t nm_rootvg_lvs(const struct sim_host *h, const struct sim_lv **out, size_t max);

/* ---- nimadm_lab.c: what a run changes (each call one state transaction) ------------- */

/* The progress of a phased run, kept in the state between nimadm calls. */
struct nm_record {
	int exists;
	unsigned done; /* bit n: phase n ran */
	struct strv disks;
	char *cache_vg; /* NULL: NFS */
};
void nm_record_free(struct nm_record *r);
/* Reads the record of nm->name (exists = 0 when none). */
void nm_lab_record_get(struct nm *nm, struct nm_record *r);
/* Notes that phase n ran (creates the record on the way). */
int nm_lab_record_phase(struct nm *nm, int n);

/* 1 the first time the master's NFS daemons are asked for, then 0. */
int nm_lab_nfs_first(struct nm *nm);
/* The client's Cstate while nimadm works on it (busy) and after (ready). */
int nm_lab_cstate_busy(struct nm *nm);
/* Phase 1: the target disks become altinst_rootvg (varied on), with the clones of the
 * first nlvs rootvg LVs (those alt_disk_copy creates before a failure). */
int nm_lab_clone(struct nm *nm, size_t nlvs);
/* Phase 2 with -j: the client's cache file systems in the cache VG; phase 10: gone. */
int nm_lab_cache(struct nm *nm, int create);
/* Phase 11 (and -S): altinst_rootvg to sleep; the bootlist to its disks when asked. */
int nm_lab_sleep(struct nm *nm, int set_bootlist);
/* -W: altinst_rootvg varied on again. */
int nm_lab_wake(struct nm *nm);
/* Phase 12: the client is ready again and the record goes. */
int nm_lab_finish(struct nm *nm);
/* A failure's automatic cleanup (keep_cache: the cache is busy and stays, so does
 * the client's NIM state) and -C (keep_cache = 0): back to the lab before the run. */
int nm_lab_undo(struct nm *nm, int keep_cache);
/* -r: the client rebooted onto the clone. */
int nm_lab_reboot(struct nm *nm);
/* -M: the SPOT gets the master's level of the alt_disk_install filesets. */
int nm_lab_sync_spot(struct nm *nm, const char *level);
/* -O: the new mksysb file (in the lab's file tree) and, with -N, its NIM resource. */
int nm_lab_mksysb(struct nm *nm);
/* The name of the cache LV for one of client's LVs (at most 15 characters). Owned. */
char *nm_cache_lv_name(const char *client, const char *lv);

/* ---- files.c: the lab's file tree ------------------------------------------------ */

/*
 * Where file (an AIX path, made absolute and normalised: "..", "." and "//"
 * cannot leave the tree) of host h lives: NIMSIM_STATE/files/<host>/<path>.
 * NULL when the lab has no state directory or the path names the root. Owned.
 */
char *sim_files_path(const struct sim_lab *lab, const struct sim_host *h, const char *file);
/* Opens a file of h for writing ("w" or "a"), creating its directories. NULL on error. */
FILE *sim_files_open(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                     const char *mode);

#endif
