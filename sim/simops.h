/*
 * simops.h: helpers shared by the personalities that change a lab (lvmops.c,
 * aixcfg.c, mksysb.c, migscripts.c): state transactions with AIX-style error
 * lines, the lab definitions of disks, VGs and LVs as the state stores them,
 * simulated time, and where a file of a host really is (NFS mounts made with
 * the lab's `mount` lead into the server's file tree).
 *
 * Ownership: functions returning char * return owned strings; the lab and its
 * hosts are borrowed from the caller's sim_ctx.
 */
#ifndef NIMSIM_SIMOPS_H
#define NIMSIM_SIMOPS_H

#include <stdio.h>

#include "nimadm.h"
#include "sim.h"

/* The state section of the NFS mounts a host made ("nimsim:mount:HOST"). */
#define SIMOPS_MOUNTS "nimsim:mount:"
/* The level each client's altinst_rootvg boots into (key: client). */
#define SIMOPS_ALTINST "nimsim:altinst"
/* Boot records cleared with chpv -c (key: HOST:DISK). */
#define SIMOPS_BOOT "nimsim:boot"

/* Begins a state transaction; NULL after printing "cmd: nimsim: why". */
struct sim_state *simops_begin(const struct sim_lab *lab, const char *cmd);
/* Commits (and frees) st; -1 after printing "cmd: nimsim: why". */
int simops_commit(struct sim_state **st, const char *cmd);

/* Lab definitions, as host keys of the state take them. */
char *simops_disk_def(const struct sim_disk *d, const char *vg);
char *simops_vg_def(const struct sim_vg *v, int copies, int active);
char *simops_lv_def(const struct sim_lv *lv);

/* Lets ms of simulated AIX time pass (scaled; nothing at scale 0). */
void simops_wait(const struct sim_lab *lab, long ms);
/* The local time as date(1) prints it on AIX ("Sun Nov 15 02:10:44 CET 2026"). Owned. */
char *simops_date(void);
/* A timestamp for the names pre/post_migration give their directories (YYmmddHHMMSS). */
char *simops_stamp(void);

/*
 * Where file of h lives in the lab: a path under one of h's NFS mounts leads
 * to the server's file tree. *where is the host that holds it and the return
 * value its absolute, normalised path there (owned), or NULL when the path
 * names nothing (the root, or a mount whose server the lab lacks).
 */
char *simops_locate(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                    const struct sim_host **where);
/* Opens a file of h (through its NFS mounts) for reading or writing ("r", "w", "a"). */
FILE *simops_open(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                  const char *mode);
/* Whether the directory exists in h's tree (through its NFS mounts). */
int simops_is_dir(const struct sim_lab *lab, const struct sim_host *h, const char *dir);

/* The lab as the state says now (after this process's own changes). NULL after a message. */
struct sim_lab *simops_reload(const struct sim_lab *lab, const char *cmd);

/* The base filesets of the level `from` moved to the level `to` (a new BOS level
 * booted), written as fileset.* keys of h into st. */
void simops_filesets_to(struct sim_state *st, const struct sim_host *h, const char *from,
                        const char *to);

#endif
