/*
 * check_int.h: what the checker's files share (engine/check*.c only): the
 * commands a run gathers, the facts parsed from them, and the helpers the
 * rules use to read them and to write verdicts, evidence and fixes.
 */
#ifndef NIMADM_CHECK_INT_H
#define NIMADM_CHECK_INT_H

#include "aixparse.h"
#include "check.h"
#include "nfsprobe.h"

/* The commands a run may need. CK_M_* run on the master once, CK_C_* per client. */
enum chk_kind {
	CK_M_CLIENTS,     /* lsnim -t standalone (--all-clients) */
	CK_M_MASTER,      /* lsnim -l master */
	CK_M_OSLEVEL,     /* oslevel -s */
	CK_M_PRTCONF,     /* prtconf */
	CK_M_LSLPP,       /* lslpp -l bos.alt_disk_install.rte ... bos.net.nis.client */
	CK_M_SPOT,        /* lsnim -l SPOT */
	CK_M_SPOT_LSLPP,  /* nim -o lslpp -a lslpp_flags=Lc SPOT */
	CK_M_LPP,         /* lsnim -l LPP */
	CK_M_LPP_SHOWRES, /* nim -o showres LPP */
	CK_M_MKSYSBS,     /* lsnim -l -t mksysb */
	CK_M_CACHE_VG,    /* lsvg VG */
	CK_M_HOST,        /* host MASTER_HOSTNAME: the master's address for its NFS probe */
	CK_C_LSNIM,       /* lsnim -l CLIENT, on the master */
	CK_C_HOST,        /* host HOSTNAME, on the master: the address for the NFS probe */
	CK_C_PROBE,       /* oslevel -s by the client's transport (rsh or c_rsh) */
	CK_C_OTHER,       /* oslevel -s by the other transport */
	CK_C_NCARGS,      /* lsattr -El sys0 -a ncargs */
	CK_C_TCB,         /* odmget -q attribute=TCB_STATE PdAt */
	CK_C_PRTCONF,     /* prtconf */
	CK_C_LSPV,        /* lspv */
	CK_C_LSVG,        /* lsvg rootvg */
	CK_C_LSVG_L,      /* lsvg -l rootvg */
	CK_C_LPPCHK,      /* lppchk -v */
	CK_C_INSTALLP,    /* installp -s */
	CK_C_INSTFIX,     /* instfix -i */
	CK_C_NIMINFO,     /* cat /etc/niminfo */
	CK_C_BOOTINFO,    /* bootinfo -s DISK, one per disk (kept in chk_host.bootinfo) */
	CK_NKINDS
};

struct check_run;
struct chk_host;

/* One command and what it printed. */
struct chk_cmd {
	struct check_run *run;
	struct chk_host *owner; /* the host whose facts it gathers */
	struct chk_cmd *next;   /* the queue */
	enum chk_kind kind;
	const struct host *where;
	struct strv argv;
	char *arg;      /* bootinfo: the disk */
	int timeout_ms; /* its own limit (the host's deadline may cut it shorter) */
	int state;      /* CHK_QUEUED, CHK_RUNNING, CHK_DONE */
	struct cmd *cmd;
	struct strbuf out, err;
	struct cmd_result res;
	char *display; /* the command line as run, for evidence */
};

enum { CHK_QUEUED, CHK_RUNNING, CHK_DONE };

/* A disk of a client: lspv and bootinfo -s. */
struct chk_disk {
	struct aix_pv pv;  /* borrowed from chk_host.pvs */
	long long size_mb; /* -1 unknown */
	struct chk_cmd *bootinfo;
};

/* The master, or one client. */
struct chk_host {
	struct check_run *run;
	char *name;
	int is_master;
	struct chk_cmd *c[CK_NKINDS]; /* the command of each kind, NULL if never queued */
	struct chk_cmd **bootinfo;
	size_t nbootinfo;
	size_t pending;     /* its commands not done yet */
	size_t running;     /* its commands running now */
	long long deadline; /* clock_ms() when its time is up; 0 before its first command */
	int timed_out;
	int finished; /* results emitted */
	/* client transport */
	struct host *nim;   /* by lsnim's connect */
	struct host *other; /* the other transport */
	/* facts (clients) */
	int defined;              /* lsnim -l found a standalone client */
	struct aix_stanzas nimst; /* lsnim -l CLIENT */
	const char *connect;      /* "shell" or "nimsh" (into nimst or static) */
	const char *cstate, *hostname;
	char *hostname_owned;
	int reachable; /* probe answered with a level */
	int have_level;
	struct aix_level level;
	char level_str[LEVEL_STR_MAX];
	int have_prtconf;
	struct aix_prtconf prtconf;
	int have_pvs;
	struct aix_lspv pvs;
	struct chk_disk *disks;
	size_t ndisks;
	int have_vg;
	struct aix_vg vg;
	int have_lvs;
	struct aix_lvs lvs;
	int copies;              /* rootvg copies (hd4's, else the most), -1 unknown */
	long long used_per_copy; /* rootvg used MB / copies, -1 unknown */
	/* NFS */
	char *address;          /* from host(1), or the numeric if1 host name */
	char *nfs_skip;         /* why the probe is skipped, or NULL */
	const char *nfs_export; /* the export the probe round-trips through (into run), or NULL */
	struct nfsprobe *probe;
	struct nfsprobe_result *nfs;
	int nfs_pending;
};

struct check_run {
	struct site *site;
	struct cmdset *set;
	struct check_cb cb;
	/* the request, copied */
	struct strv clients;
	int all_clients;
	char *spot, *lpp, *cache_vg;
	struct strv disks; /* -d, split */
	int disks_given;
	int tl_update;
	char *nfs_export_all;       /* --nfs-export PATH: every client's, or NULL */
	struct strv nfs_export_for; /* HOST:PATH: host, path, host, path ... */
	int max_running, max_per_host, cmd_timeout_ms, probe_timeout_ms, host_timeout_ms;
	int nfs_timeout_ms;
	/* hosts */
	struct chk_host master;
	struct chk_host **hosts; /* clients */
	size_t nhosts;
	/* scheduler */
	struct chk_cmd *qhead, *qtail;
	size_t nrunning;
	int depth;     /* inside a handler or callback */
	int starting;  /* inside check_run_start(): evaluate nothing yet */
	int in_nfs;    /* inside nfsprobe_set_dispatch(): the set must not be freed */
	int abandoned; /* cancelled: no callbacks, free when idle */
	int master_done;
	int master_unreachable; /* no master command could even start: report->error says why */
	int clients_listed;
	int finished; /* done was called */
	long long start_ms;
	struct nfsprobe_set *nfsset;
	struct check_report *report;
	/* master facts */
	struct aix_stanzas master_st, spot_st, lpp_st, mksysbs;
	const struct aix_stanza *spot_stz, *lpp_stz; /* into spot_st/lpp_st, or NULL */
	int have_master_level;
	struct aix_level master_level;
	char master_level_str[LEVEL_STR_MAX];
	int have_master_prtconf;
	struct aix_prtconf master_prtconf;
	int have_master_fs, have_spot_fs, have_lpp_fs;
	struct aix_filesets master_fs, spot_fs, lpp_fs;
	int have_target; /* the SPOT's level */
	struct aix_level target;
	char target_str[LEVEL_STR_MAX];
	int have_lpp_level;
	struct aix_level lpp_level;
	char lpp_level_str[LEVEL_STR_MAX];
	const char *lpp_level_from; /* "oslevel_r of lsnim -l" or "bos.rte in nim -o showres" */
	int have_cache;
	struct aix_vg cache;
	const char *master_hostname; /* if1 of lsnim -l master, or NULL */
	char *master_hostname_owned;
	int master_st_parsed; /* lsnim -l master read (run->master_st, master_hostname) */
};

/* What a rule sees. */
struct check_ctx {
	struct check_run *run;
	struct chk_host *h; /* the client, or &run->master */
	/* fix placeholders: {name} -> value */
	struct strv vars; /* name, value, name, value ... */
};

/* ---- helpers for rules (check_run.c) ---- */

/* Sets the verdict and the summary (printf). */
void chk_set(struct check_result *r, enum check_status s, const char *fmt, ...) PRINTFLIKE(3, 4);
/* A fix placeholder for this result. */
void chk_var(struct check_ctx *x, const char *name, const char *fmt, ...) PRINTFLIKE(3, 4);
/* Appends the fix section ("fix" or "fix.VARIANT") of the check's help, filled in. */
void chk_fix(struct check_ctx *x, struct check_result *r, const char *section);
/*
 * The command of a kind for this host (or the master's for CK_M_*), NULL if
 * it was never run. chk_need() also requires that it ran to its end with
 * output (or stderr when allow_err): otherwise it records the evidence, sets
 * r to ERROR (or SKIPPED for a client that is not defined) and returns NULL.
 */
struct chk_cmd *chk_cmd_of(struct check_ctx *x, enum chk_kind k);
struct chk_cmd *chk_need(struct check_ctx *x, struct check_result *r, enum chk_kind k,
                         int allow_err);
/* Did it run to its own end (not timed out, cancelled or unstartable) and, on a
 * client, did its exit status come back (not res.remote_lost: the client was
 * reached and the command ran there)? res.status is then the command's own. */
int chk_cmd_ran(const struct chk_cmd *c);
/* stdout, or stdout and stderr together (owned). */
const char *chk_out(const struct chk_cmd *c, size_t *len);
char *chk_both(const struct chk_cmd *c, size_t *len);
/* Evidence of c with no lines yet (NULL c: a fact without a command). */
struct check_evidence *chk_ev(struct check_result *r, const struct chk_cmd *c);
void chk_ev_line(struct check_evidence *ev, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Adds the lines (stdout then stderr) containing needle (every non-blank line
 * when NULL), at most max; returns how many. */
size_t chk_ev_grep(struct check_evidence *ev, const struct chk_cmd *c, const char *needle,
                   size_t max);
/* Adds the stanza line `attr = value` of st as printed by lsnim. */
void chk_ev_attr(struct check_evidence *ev, const struct aix_stanza *st, const char *attr);
/* One line for a failed command: "timed out after N ms", the first stderr line... */
char *chk_cmd_why(const struct chk_cmd *c);

/* The target release as "7.3"; the AIX release a level belongs to as a number (73). */
int chk_release(const struct aix_level *l);

/* The rules (check_rules.c), in table order. */
void chk_rule_master_oslevel(struct check_ctx *x, struct check_result *r);
void chk_rule_master_alt_disk(struct check_ctx *x, struct check_result *r);
void chk_rule_master_memory(struct check_ctx *x, struct check_result *r);
void chk_rule_master_nis(struct check_ctx *x, struct check_result *r);
void chk_rule_spot_defined(struct check_ctx *x, struct check_result *r);
void chk_rule_lpp_defined(struct check_ctx *x, struct check_result *r);
void chk_rule_lpp_simages(struct check_ctx *x, struct check_result *r);
void chk_rule_resources_level(struct check_ctx *x, struct check_result *r);
void chk_rule_spot_alt_disk(struct check_ctx *x, struct check_result *r);
void chk_rule_lpp_websm(struct check_ctx *x, struct check_result *r);
void chk_rule_client_defined(struct check_ctx *x, struct check_result *r);
void chk_rule_client_cstate(struct check_ctx *x, struct check_result *r);
void chk_rule_client_reach(struct check_ctx *x, struct check_result *r);
void chk_rule_client_niminfo(struct check_ctx *x, struct check_result *r);
void chk_rule_client_oslevel(struct check_ctx *x, struct check_result *r);
void chk_rule_client_processor(struct check_ctx *x, struct check_result *r);
void chk_rule_client_memory(struct check_ctx *x, struct check_result *r);
void chk_rule_client_multibos(struct check_ctx *x, struct check_result *r);
void chk_rule_client_lv_names(struct check_ctx *x, struct check_result *r);
void chk_rule_client_tcb(struct check_ctx *x, struct check_result *r);
void chk_rule_client_ncargs(struct check_ctx *x, struct check_result *r);
void chk_rule_client_lppchk(struct check_ctx *x, struct check_result *r);
void chk_rule_client_installp(struct check_ctx *x, struct check_result *r);
void chk_rule_client_ml(struct check_ctx *x, struct check_result *r);
void chk_rule_client_mksysb(struct check_ctx *x, struct check_result *r);
void chk_rule_client_nfs(struct check_ctx *x, struct check_result *r);
void chk_rule_master_nfs(struct check_ctx *x, struct check_result *r);
void chk_rule_job_disks(struct check_ctx *x, struct check_result *r);
void chk_rule_job_cache_vg(struct check_ctx *x, struct check_result *r);

/*
 * The NFS verdicts from a probe's result alone (pure, for the rules and for
 * unit tests with made-up results): set r's status and summary and return
 * the fix section of the check's help to append ("fix", "fix.roundtrip"...),
 * or NULL. name: the host's name in the summary. They add no evidence.
 */
const char *chk_judge_client_nfs(const struct nfsprobe_result *n, const char *name,
                                 struct check_result *r);
const char *chk_judge_master_nfs(const struct nfsprobe_result *n, struct check_result *r);
/* The probe's evidence: one line per step that was wanted, then the exports. */
void chk_nfs_evidence(struct check_result *r, const struct nfsprobe_result *n,
                      const char *export_path);

/* Most lines one evidence entry keeps (chk_ev_line() drops the rest). */
#define CHK_EVIDENCE_LINES 24

/* Headroom added to a rootvg's used space for a clone (and per client for -j). */
#define CHK_HEADROOM_MB 500

#endif
