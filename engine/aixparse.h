/*
 * aixparse.h: pure parsers for the output of the AIX and NIM commands the
 * engine runs (shared/aix/FORMATS.md). Each takes the text as printed
 * (const char *, size_t; need not be NUL-terminated) and fills a struct the
 * caller owns; it never runs anything. Every parser accepts CRLF, blank
 * lines, collapsed or widened spacing, unknown attributes and lines, and
 * missing attributes (left NULL or -1). Unparseable input returns -1 and
 * fills struct err. On success and on failure the result must be released
 * with its aixparse_*_clear(), which frees the contents and zeroes the
 * struct (safe on a zeroed struct, and twice).
 */
#ifndef NIMADM_AIXPARSE_H
#define NIMADM_AIXPARSE_H

#include <stddef.h>

#include "level.h"
#include "util.h"

/* ---- stanzas: lsnim -l, odmget ------------------------------------------- */

/* One `name = value` pair (or `Label: value`); both owned by the container. */
struct aix_attr {
	char *name;
	char *value;
};

/* A stanza: `NAME:` then indented `attr = value` lines, in order, repeats kept. */
struct aix_stanza {
	char *name;
	struct aix_attr *attrs;
	size_t nattrs;
};

struct aix_stanzas {
	struct aix_stanza *v;
	size_t n;
};

/* The first value of attr (exact name), or NULL. Valid while the stanza lives. */
const char *aixparse_stanza_get(const struct aix_stanza *st, const char *attr);
/* The stanza named name, or NULL. */
const struct aix_stanza *aixparse_stanzas_find(const struct aix_stanzas *ss, const char *name);
/* `lsnim -l NAME...`: one stanza per object. "0042-053 ... no NIM object named" is an error. */
int aixparse_lsnim_long(const char *text, size_t len, struct aix_stanzas *out, struct err *e);
/* `odmget ...`: stanzas named by their object class, values with quotes removed. */
int aixparse_odmget(const char *text, size_t len, struct aix_stanzas *out, struct err *e);
void aixparse_stanzas_clear(struct aix_stanzas *ss);

/* ---- lsnim, lsnim -t TYPE, lsnim -c CLASS ------------------------------ */

struct aix_nim_entry {
	char *name;
	char *class; /* machines, resources, networks, groups; NULL if not printed */
	char *type;  /* standalone, spot, lpp_source, ...; NULL if not printed */
};

struct aix_lsnim {
	struct aix_nim_entry *v;
	size_t n;
};

int aixparse_lsnim(const char *text, size_t len, struct aix_lsnim *out, struct err *e);
void aixparse_lsnim_clear(struct aix_lsnim *l);

/* ---- filesets: lslpp -l, lslpp -L, lslpp -Lc, nim -o lslpp / showres, installp -s */

/* X(enum suffix, JSON/display name, lslpp -L letter or 0, lslpp -l word or NULL) */
#define AIX_FILESET_STATES(X)                                \
	X(UNKNOWN, "unknown", 0, NULL)                       \
	X(APPLIED, "applied", 'A', "APPLIED")                \
	X(COMMITTED, "committed", 'C', "COMMITTED")          \
	X(BROKEN, "broken", 'B', "BROKEN")                   \
	X(EFIX_LOCKED, "efix_locked", 'E', "EFIX LOCKED")    \
	X(OBSOLETE, "obsolete", 'O', "OBSOLETE")             \
	X(INCONSISTENT, "inconsistent", '?', "INCONSISTENT") \
	X(APPLYING, "applying", 0, "APPLYING")               \
	X(COMMITTING, "committing", 0, "COMMITTING")         \
	X(REJECTING, "rejecting", 0, "REJECTING")            \
	X(AVAILABLE, "available", 0, NULL)

enum aix_fileset_state {
#define AIX_FS_ENUM(id, name, letter, word) AIX_FS_##id,
	AIX_FILESET_STATES(AIX_FS_ENUM)
#undef AIX_FS_ENUM
};

/* The state's stable name ("committed"). */
const char *aixparse_fileset_state_name(enum aix_fileset_state s);

/* Parts a fileset row was seen in (lslpp -l `Path:` sections, installp -s Part). */
#define AIX_PART_USR   0x1
#define AIX_PART_ROOT  0x2
#define AIX_PART_SHARE 0x4

struct aix_fileset {
	char *name;
	char *level;                  /* as printed: 7.3.2.1, or an RPM's 5.1.4-2 */
	enum aix_fileset_state state; /* AIX_FS_UNKNOWN for a word we do not know */
	char *state_word;             /* as printed (a localized word is kept here), or NULL */
	char *description;            /* or NULL */
	char *package;                /* lslpp -Lc only, or NULL */
	char type;                    /* lslpp -L/-Lc: F installp, R rpm, E efix...; 0 unknown */
	unsigned parts;               /* AIX_PART_* */
};

struct aix_filesets {
	struct aix_fileset *v;
	size_t n;
	struct strv missing; /* names lslpp reported as not installed (0504-132) */
};

/* `lslpp -l [FILESET...]`: rows merged across the Path sections (BROKEN wins). */
int aixparse_lslpp_l(const char *text, size_t len, struct aix_filesets *out, struct err *e);
/* `lslpp -Lc`: colon-separated, columns found by the `#` header when present. */
int aixparse_lslpp_lc(const char *text, size_t len, struct aix_filesets *out, struct err *e);
/*
 * Any fileset listing: lslpp -l, -L, -Lc, and `nim -o lslpp` / `nim -o showres`
 * (which print one of those, or installp -ld's table for an lpp_source, whose
 * filesets get AIX_FS_AVAILABLE). Detected line by line.
 */
int aixparse_lslpp(const char *text, size_t len, struct aix_filesets *out, struct err *e);
/* `installp -s`: the applied but uncommitted filesets (none: n == 0). */
int aixparse_installp_s(const char *text, size_t len, struct aix_filesets *out, struct err *e);
/* The fileset named name, or NULL. */
const struct aix_fileset *aixparse_filesets_find(const struct aix_filesets *fs, const char *name);
void aixparse_filesets_clear(struct aix_filesets *fs);

/* ---- oslevel -s / -r ------------------------------------------------------ */

/* The first line that is a level; other lines (warnings) are skipped. */
int aixparse_oslevel(const char *text, size_t len, struct aix_level *out, struct err *e);

/* ---- lsattr -El DEVICE [-a ATTR] ----------------------------------------- */

struct aix_lsattr_row {
	char *name;
	char *value;
	char *description; /* or NULL */
	int settable;      /* 1 True, 0 False, -1 not printed or unknown */
};

struct aix_lsattr {
	struct aix_lsattr_row *v;
	size_t n;
};

int aixparse_lsattr(const char *text, size_t len, struct aix_lsattr *out, struct err *e);
/* The value of attribute name, or NULL. */
const char *aixparse_lsattr_get(const struct aix_lsattr *l, const char *name);
void aixparse_lsattr_clear(struct aix_lsattr *l);

/* ---- lspv ---------------------------------------------------------------- */

struct aix_pv {
	char *name;  /* hdisk0 */
	char *pvid;  /* NULL when lspv shows none */
	char *vg;    /* NULL when lspv shows None */
	char *state; /* active, concurrent, locked..., or NULL */
};

struct aix_lspv {
	struct aix_pv *v;
	size_t n;
};

int aixparse_lspv(const char *text, size_t len, struct aix_lspv *out, struct err *e);
void aixparse_lspv_clear(struct aix_lspv *l);

/* ---- lsvg, lsvg VG, lsvg -l VG, lsvg -p VG ------------------------------- */

/* `lsvg` or `lsvg -o`: one VG name a line. */
int aixparse_lsvg_names(const char *text, size_t len, struct strv *out, struct err *e);

/* `lsvg VG`. Numbers not printed are -1. */
struct aix_vg {
	char *name;
	char *identifier;
	char *state;      /* active, ... */
	char *permission; /* read/write */
	int varied_off;   /* 0516-010: the VG exists but is not varied on */
	long long pp_size_mb;
	long long total_pps, free_pps, used_pps;
	long long total_mb, free_mb, used_mb;
	long long lvs, open_lvs, total_pvs, active_pvs, stale_pvs, stale_pps;
	struct aix_attr *attrs; /* every `LABEL: value`, in order */
	size_t nattrs;
};

/*
 * A varied-off VG (0516-010) is not an error: varied_off is set and the
 * numbers stay -1. Anything else without a VOLUME GROUP label is.
 */
int aixparse_lsvg(const char *text, size_t len, struct aix_vg *out, struct err *e);
/* The value of a label (without its colon), or NULL. */
const char *aixparse_vg_get(const struct aix_vg *vg, const char *label);
void aixparse_vg_clear(struct aix_vg *vg);

struct aix_lv {
	char *vg; /* from the `VG:` line, or NULL */
	char *name;
	char *type;
	long long lps, pps, pvs;
	int copies; /* pps / lps (1 when lps is 0) */
	char *state;
	char *mount; /* N/A kept as printed */
};

struct aix_lvs {
	struct aix_lv *v;
	size_t n;
};

/* `lsvg -l VG...` */
int aixparse_lsvg_l(const char *text, size_t len, struct aix_lvs *out, struct err *e);
void aixparse_lvs_clear(struct aix_lvs *l);

struct aix_vg_pv {
	char *vg;
	char *name;
	char *state;
	long long total_pps, free_pps;
	char *distribution; /* or NULL */
};

struct aix_vg_pvs {
	struct aix_vg_pv *v;
	size_t n;
};

/* `lsvg -p VG...` */
int aixparse_lsvg_p(const char *text, size_t len, struct aix_vg_pvs *out, struct err *e);
void aixparse_vg_pvs_clear(struct aix_vg_pvs *l);

/* ---- bootinfo -s DISK, getconf DISK_SIZE /dev/DISK ------------------------ */

/* The size in MB (one number; a trailing unit word is tolerated). */
int aixparse_disk_size(const char *text, size_t len, long long *mb, struct err *e);

/* ---- prtconf --------------------------------------------------------------- */

struct aix_prtconf {
	char *model;
	char *serial;
	char *processor_type; /* PowerPC_POWER9 */
	char *processor_mode; /* POWER 9 (the compatibility mode the LPAR runs in) */
	char *firmware;       /* IBM,FW950.80 */
	char *cpu_type;       /* 64-bit */
	char *kernel_type;    /* 64-bit */
	int processors;       /* -1 */
	int power_gen;        /* from the processor type: 9, or -1 */
	int mode_gen;         /* from the implementation mode: 9, or -1 */
	long long memory_mb;  /* Memory Size, -1 */
	long long good_memory_mb;
	struct aix_attr *attrs; /* every `Label: value` line before the resource list */
	size_t nattrs;
};

/* Needs at least one of the processor, memory or model lines. */
int aixparse_prtconf(const char *text, size_t len, struct aix_prtconf *out, struct err *e);
const char *aixparse_prtconf_get(const struct aix_prtconf *p, const char *label);
void aixparse_prtconf_clear(struct aix_prtconf *p);

/* ---- bootlist -m normal -o ------------------------------------------------ */

struct aix_boot_dev {
	char *device; /* hdisk0 */
	char *blv;    /* hd5, bos_hd5, or NULL */
	int pathid;   /* -1 if not printed */
};

struct aix_bootlist {
	struct aix_boot_dev *v;
	size_t n;
};

int aixparse_bootlist(const char *text, size_t len, struct aix_bootlist *out, struct err *e);
void aixparse_bootlist_clear(struct aix_bootlist *b);

/* ---- lppchk -v ------------------------------------------------------------- */

struct aix_lppchk {
	int consistent;       /* 1 when it printed nothing (the exit status is the caller's) */
	struct strv lines;    /* what it printed, blank lines dropped */
	struct strv filesets; /* the fileset names it complained about */
};

int aixparse_lppchk(const char *text, size_t len, struct aix_lppchk *out, struct err *e);
void aixparse_lppchk_clear(struct aix_lppchk *l);

/* ---- instfix -i ------------------------------------------------------------ */

struct aix_fix {
	char *keyword; /* 7300-02_AIX_ML, 7300-02-01_SP, IJ12345 */
	int all_found; /* `All filesets for X were found.` vs `Not all ...` */
};

struct aix_instfix {
	struct aix_fix *v;
	size_t n;
};

int aixparse_instfix(const char *text, size_t len, struct aix_instfix *out, struct err *e);
/* The highest `VVRR-TL_AIX_ML` whose filesets were all found; -1 if none. */
int aixparse_instfix_highest_ml(const struct aix_instfix *f, struct aix_level *out);
void aixparse_instfix_clear(struct aix_instfix *f);

#endif
