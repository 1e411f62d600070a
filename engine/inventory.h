/*
 * inventory.h: what the NIM master knows and what its clients say about
 * themselves: clients with their NIM attributes, levels, disks (size, PVID,
 * VG, free or why not), rootvg layout and key settings; SPOTs, lpp_sources,
 * mksysbs and the other resources with their levels; the master's VGs with
 * free space. Gathered concurrently through the site's command set: master
 * commands on site->master, client commands through HOST_NIM hosts (rsh or
 * nimsh, from lsnim's `connect`). One dead or slow client costs its own
 * timeout and is recorded with its error; it never holds up the others.
 */
#ifndef NIMADM_INVENTORY_H
#define NIMADM_INVENTORY_H

#include <stddef.h>

#include "aixparse.h"
#include "cmd.h"
#include "level.h"
#include "site.h"
#include "util.h"

struct cJSON;

/* A client's disk, from lspv and bootinfo -s. */
struct inv_disk {
	char *name;        /* hdisk1 */
	char *pvid;        /* NULL when lspv shows none */
	char *vg;          /* NULL when lspv shows None */
	char *state;       /* active, or NULL */
	long long size_mb; /* -1 when bootinfo -s did not say */
	int free;          /* 1: no VG, usable as a nimadm target disk */
	char *why;         /* why it is not free ("in rootvg", ...); NULL when free */
	char *size_error;  /* why the size is unknown, or NULL */
};

/* A client's rootvg, from lsvg rootvg and lsvg -l rootvg. */
struct inv_rootvg {
	int known;            /* lsvg rootvg was read */
	long long pp_size_mb; /* -1 unknown (all numbers) */
	long long total_mb, free_mb, used_mb;
	long long pvs;
	int copies; /* 1, 2 or 3 (hd4's copies, else the most any LV has); -1 unknown */
	long long used_mb_per_copy; /* used_mb / copies: what one clone needs; -1 unknown */
	struct aix_lvs lvs;         /* every LV; empty when lsvg -l failed */
	int multibos;               /* a bos_ LV (multibos standby BOS) exists */
	const char *longest_lv;     /* name of the longest LV (points into lvs), or NULL */
	size_t longest_lv_len;      /* its length (alt_ is prefixed by nimadm: 11 max) */
	char *error;                /* why it is unknown, or NULL */
};

/* A standalone NIM client. */
struct inv_client {
	char *name;
	struct aix_stanza nim; /* lsnim -l attributes (name NULL if lsnim -l failed) */
	char *connect;         /* shell or nimsh (shell when NIM does not say) */
	char *cstate;          /* Cstate, or NULL */
	char *mstate;          /* Mstate, or NULL */
	char *hostname;        /* the host name of if1, or NULL */
	int reachable;         /* 1 answered, 0 did not (see error), -1 not tried */
	char *error;           /* why unreachable or unreadable, or NULL */
	struct strv problems;  /* other commands that failed: "lsvg rootvg: ..." */
	int have_oslevel;
	struct aix_level oslevel;
	char oslevel_str[LEVEL_STR_MAX]; /* "" when unknown */
	long long ncargs;                /* -1 unknown */
	int tcb;                         /* 1 enabled, 0 disabled, -1 unknown */
	int have_prtconf;
	struct aix_prtconf prtconf; /* processor, memory, firmware */
	struct inv_disk *disks;
	size_t ndisks;
	struct inv_rootvg rootvg;
	struct aix_bootlist bootlist;
	int have_filesets;
	struct aix_filesets filesets; /* lslpp -Lc */
};

/* A NIM resource (SPOT, lpp_source, mksysb, script, installp_bundle, ...). */
struct inv_resource {
	char *name;
	char *type;
	struct aix_stanza nim; /* lsnim -l attributes (name NULL if lsnim -l failed) */
	char *location;        /* or NULL (all strings below too) */
	char *server;
	char *rstate;
	/* The level: oslevel_s, else oslevel_r, else bos.rte's (VVRR-TL), else version/release. */
	int have_level;
	struct aix_level level;
	char level_str[LEVEL_STR_MAX];
	int simages;         /* lpp_source: 1 yes, 0 no, -1 not said */
	char *source_image;  /* mksysb */
	char *creation_date; /* mksysb */
	int have_filesets;   /* SPOT: nim -o lslpp; lpp_source: nim -o showres */
	struct aix_filesets filesets;
	char *error; /* what could not be read, or NULL */
};

/* A volume group on the master (for the -j cache). */
struct inv_vg {
	char *name;
	int have_info;
	struct aix_vg info; /* lsvg VG; info.varied_off for a varied-off VG */
	char *error;
};

struct inv_master {
	char *name; /* the NIM object of type master, or NULL */
	struct aix_stanza nim;
	int have_oslevel;
	struct aix_level oslevel;
	char oslevel_str[LEVEL_STR_MAX];
	int have_prtconf;
	struct aix_prtconf prtconf;
	struct aix_filesets filesets; /* bos.alt_disk_install.rte and .boot_images */
	struct strv problems;         /* master commands that failed */
};

struct inventory {
	struct inv_master master;
	struct inv_client *clients;
	size_t nclients;
	struct inv_resource *spots, *lpp_sources, *mksysbs, *others;
	size_t nspots, nlpp_sources, nmksysbs, nothers;
	struct inv_vg *vgs;
	size_t nvgs;
	struct aix_lsnim objects; /* every object lsnim listed */
	long long duration_ms;
};

void inventory_free(struct inventory **inv);

const struct inv_client *inventory_find_client(const struct inventory *inv, const char *name);
/* Any resource by name (SPOT, lpp_source, mksysb or other). */
const struct inv_resource *inventory_find_resource(const struct inventory *inv, const char *name);
const struct inv_vg *inventory_find_vg(const struct inventory *inv, const char *name);
const struct inv_disk *inventory_client_find_disk(const struct inv_client *c, const char *name);
/* The level of fileset in a fileset list, or NULL. */
const char *inventory_fileset_level(const struct aix_filesets *fs, const char *fileset);

/*
 * The whole inventory as JSON: {"master", "clients", "spots", "lpp_sources",
 * "mksysbs", "resources", "vgs"}, each array of objects with a "name".
 * Owned by the caller (cJSON_Delete).
 */
struct cJSON *inventory_to_json(const struct inventory *inv);

/* What to gather. Zero-initialised means everything, with default timeouts. */
#define INVENTORY_NO_CLIENTS  0x1 /* do not contact the clients */
#define INVENTORY_NO_FILESETS 0x2 /* no lslpp of clients and SPOTs */

struct inventory_opts {
	int timeout_ms;             /* per command; 0: 60 s */
	int probe_timeout_ms;       /* a client's first command (is it there?); 0: 20 s */
	int max_running;            /* commands at once; 0: 32 */
	unsigned flags;             /* INVENTORY_* */
	const char *const *clients; /* NULL-terminated: contact only these; NULL: all */
};

/*
 * Callbacks, run inside cmdset_dispatch(). `done` is called exactly once
 * (unless the load is cancelled) with the inventory, owned by the callee,
 * or with NULL and e when the master could not be read (lsnim failed).
 * The load is freed after `done` returns.
 */
struct inventory_cb {
	void (*progress)(void *arg, size_t finished, size_t total);
	void (*done)(void *arg, struct inventory *inv, const struct err *e);
	void *arg;
};

struct inventory_load;

/*
 * Starts gathering on set (site->set, or another set from site_new_cmdset);
 * the caller keeps dispatching set. The site must outlive the load. NULL
 * with e when not even lsnim could be started.
 */
struct inventory_load *inventory_load_start(struct site *s, struct cmdset *set,
                                            const struct inventory_opts *o,
                                            const struct inventory_cb *cb, struct err *e);
/*
 * Cancels a load that has not called `done` yet (after `done` the load is
 * gone): its commands are cancelled, `done` is not called, and the
 * load frees itself when its last command has reported (so keep dispatching
 * the set a moment; cmdset_free() before then leaks it). *l becomes NULL.
 */
void inventory_load_cancel(struct inventory_load **l);
/* The blocking form for the CLI and tests: runs site->set until done. */
struct inventory *inventory_load(struct site *s, const struct inventory_opts *o, struct err *e);

#endif
