/*
 * level.h: AIX levels. An operating system level as oslevel prints it
 * (VVRR-TL-SP-YYWW, VVRR-TL, VVRR, or V.R.M.F for a bare release) and a
 * fileset level (V.R.M.F), both compared numerically field by field.
 * Pure functions: nothing here allocates.
 */
#ifndef NIMADM_LEVEL_H
#define NIMADM_LEVEL_H

#include <stddef.h>

#include "util.h"

/*
 * An oslevel. Parts the text did not give are -1: `7300-02` has sp and
 * build -1; `7300` or `7.3.0.0` has tl -1 as well. `7300-02-01-2346` is
 * 7.3 TL2 SP1, built in week 46 of 2023.
 */
struct aix_level {
	int version; /* 7 */
	int release; /* 3 */
	int tl;      /* technology level, or -1 */
	int sp;      /* service pack, or -1 */
	int build;   /* YYWW, or -1 */
};

/* A buffer large enough for any level level_format_oslevel() writes. */
#define LEVEL_STR_MAX 32

/* Parses an oslevel string (blanks and CR around it are ignored). 0 or -1 with e. */
int level_parse_oslevel(const char *s, struct aix_level *out, struct err *e);
/* Total order, field by field; an absent part sorts before any present one. <0, 0, >0. */
int level_compare_oslevel(const struct aix_level *a, const struct aix_level *b);
/*
 * Compares only the parts both levels have: 7300-02 equals 7300-02-01-2346.
 * This is the question "is A at least at B's level" when one side is
 * known only to TL granularity (oslevel -r, a SPOT's oslevel_r).
 */
int level_compare_oslevel_common(const struct aix_level *a, const struct aix_level *b);
/* Writes the oslevel form (`7300-02-01-2346`, `7300-02`, `7300`) into buf; returns buf. */
char *level_format_oslevel(const struct aix_level *l, char *buf, size_t size);
/* Writes the release as nimadm and alt_disk_copy -M want it (`7.3`); returns buf. */
char *level_format_release(const struct aix_level *l, char *buf, size_t size);
/* 1 if the level has every part down to the technology level. */
int level_has_tl(const struct aix_level *l);

/* A fileset level V.R.M.F, e.g. 7.3.2.1. */
struct vrmf {
	unsigned long part[4];
};

/* Parses exactly four dot-separated decimal fields. 0 or -1 with e. */
int level_parse_vrmf(const char *s, struct vrmf *out, struct err *e);
int level_compare_vrmf(const struct vrmf *a, const struct vrmf *b);
/* Writes `7.3.2.1`; returns buf. */
char *level_format_vrmf(const struct vrmf *v, char *buf, size_t size);

/*
 * Compares two level strings of the same kind: both oslevels (total order),
 * both V.R.M.F, or anything else (RPM levels like `5.1.4-2`) by numeric
 * runs and text runs in turn. NULL sorts before any string.
 */
int level_compare_str(const char *a, const char *b);

#endif
