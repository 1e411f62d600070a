/*
 * compare.h: what changed on a client between two snapshots (before and
 * after a migration), grouped by area: software level, sys0 attributes,
 * tunables (vmo, no, ioo, schedo, /etc/tunables/nextboot), file systems and
 * mounts, routes and interfaces, services, and the saved configuration
 * files (a line diff). A change that a migration is known to cause (or is
 * often reported to cause) is flagged with its note from help/postcheck,
 * and wherever one command restores the old value, it is given.
 *
 * The parsers below read AIX output into records (struct aix_stanzas: one
 * stanza per record, named by its key, attributes its fields). They are
 * tolerant like aixparse: blank lines, CRLF, widened spacing, unknown lines.
 */
#ifndef NIMADM_COMPARE_H
#define NIMADM_COMPARE_H

#include <stddef.h>

#include "aixparse.h"
#include "snapshot.h"
#include "util.h"

/* X(enum, JSON name, title) in report order */
#define COMPARE_AREAS(X)                                             \
	X(CMP_SOFTWARE, "software", "Software level")                \
	X(CMP_SYS0, "sys0", "sys0 attributes")                       \
	X(CMP_TUNABLES, "tunables", "Tunables")                      \
	X(CMP_FILESYSTEMS, "filesystems", "File systems and mounts") \
	X(CMP_NETWORK, "network", "Routes and interfaces")           \
	X(CMP_SERVICES, "services", "Services")                      \
	X(CMP_FILES, "files", "Saved configuration files")

enum compare_area {
#define CMP_AREA_ENUM(e, n, t) e,
	COMPARE_AREAS(CMP_AREA_ENUM)
#undef CMP_AREA_ENUM
	    CMP_AREA_COUNT
};

const char *compare_area_name(enum compare_area a);
const char *compare_area_title(enum compare_area a);
/* The area named name ("sys0"), or -1. */
int compare_area_find(const char *name);

/* One change. Strings owned by the result. */
struct compare_change {
	enum compare_area area;
	char *item;       /* "maxuproc", "vmo minperm%", "service xntpd", "/etc/motd" */
	char *before;     /* NULL: absent before */
	char *after;      /* NULL: absent after */
	int known_reset;  /* help/postcheck says a migration resets this (or often does) */
	const char *kind; /* help/postcheck's word: "reset", "expected", "info"; NULL: none */
	char *restore;    /* one command that restores the old value, or NULL */
	char *note;       /* the help text for a known change, or NULL */
	char *diff;       /* files: a unified line diff (---/+++/@@ lines), or NULL */
};

struct compare_result {
	struct compare_change *v; /* in area order, then as found */
	size_t n;
	struct strv notes; /* what could not be compared, and why */
};

/*
 * Compares two snapshots of the same client (after: collected now). Items
 * missing or not ok on either side are not compared: they go to notes.
 * out is initialised here; release it with compare_result_clear().
 */
void compare_snapshots(const struct snapshot *before, const struct snapshot *after,
                       struct compare_result *out);
void compare_result_clear(struct compare_result *r);
/* Changes in area a (CMP_AREA_COUNT: all). */
size_t compare_count(const struct compare_result *r, enum compare_area a);
size_t compare_count_known(const struct compare_result *r);

/* ---- known changes (the .ini files of help/postcheck)
 * --------------------------------------------- */

/*
 * One entry, from a section `[AREA ITEM]` ("[sys0 maxuproc]", "[services service
 * sendmail]", "[files /etc/motd]"; ITEM may be an fnmatch pattern: "[tunables vmo *]")
 * with keys kind (reset: a setting goes back to a default; expected: the migration
 * changes it on purpose; info: worth knowing), note, restore (a command, {before}
 * replaced by the old value; empty: none) and source (where it is written).
 * An exact item wins over a pattern; patterns are tried in file order.
 */
struct compare_known {
	enum compare_area area;
	const char *item;
	const char *kind;
	const char *note;
	const char *restore; /* NULL: the generic restore of the area, if any */
	const char *source;  /* NULL when we have no source to cite */
};

/* The entry for area/item, or NULL. Loaded once from the embedded help. */
const struct compare_known *compare_known_find(enum compare_area a, const char *item);
/* Every entry (for documentation and tests); n set. */
const struct compare_known *compare_known_all(size_t *n);

/* ---- parsers ---------------------------------------------------------------------------- */

/* vmo/no/ioo/schedo -a: `name = value` lines; one record per tunable, attribute "value". */
int compare_parse_tunables(const char *text, size_t len, struct aix_stanzas *out);
/* lsattr -El DEV: one record per attribute: "value", "settable" (True/False). */
int compare_parse_lsattr(const char *text, size_t len, struct aix_stanzas *out);
/* /etc/tunables/nextboot: one record per "COMMAND TUNABLE" (the info stanza skipped). */
int compare_parse_nextboot(const char *text, size_t len, struct aix_stanzas *out);
/* mount: one record per mount point: device (node:device for remote), vfs, options. */
int compare_parse_mount(const char *text, size_t len, struct aix_stanzas *out);
/* lsfs: one record per mount point: device, node, vfs, size, options, auto, accounting. */
int compare_parse_lsfs(const char *text, size_t len, struct aix_stanzas *out);
/* netstat -rn: one record per route "DEST via GATEWAY IF": family, flags. Cloned
 * (W) and broadcast (b) routes come and go with traffic and are skipped. */
int compare_parse_routes(const char *text, size_t len, struct aix_stanzas *out);
/* ifconfig -a: one record per interface: flags, inet, inet6 (sorted, blank-joined)
 * and each interface option (tcp_sendspace, rfc1323, ...). */
int compare_parse_ifconfig(const char *text, size_t len, struct aix_stanzas *out);
/* lssrc -a: one record per subsystem: group, status (the PID is not kept). */
int compare_parse_lssrc(const char *text, size_t len, struct aix_stanzas *out);
/* lslpp -Lc: one record per fileset: level. */
int compare_parse_filesets(const char *text, size_t len, struct aix_stanzas *out);

/*
 * A unified diff of two texts by lines (LCS), with `context` lines around each
 * hunk, appended to out as "--- before", "+++ after", "@@ -a,b +c,d @@" and
 * " ", "-", "+" lines. Returns the number of lines removed plus added (0: same).
 * Texts too large to compare line by line (over 20 million line pairs after
 * the common head and tail) get a one-line summary and count as changed.
 */
size_t compare_line_diff(const char *a, size_t alen, const char *b, size_t blen, int context,
                         struct strbuf *out);

#endif
