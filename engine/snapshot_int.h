/*
 * snapshot_int.h: the collector behind snapshots and post-migration checks,
 * private to engine/. It resolves the client in NIM (lsnim -l: its connect),
 * probes it with oslevel -s, then runs the catalog (and any extra commands)
 * with bounded parallelism and per-command timeouts, and hands back an
 * unsaved struct snapshot.
 */
#ifndef NIMADM_SNAPSHOT_INT_H
#define NIMADM_SNAPSHOT_INT_H

#include "snapshot.h"

struct archive;

/* A command run besides the catalog (post-migration checks). */
struct snap_extra {
	const char *name;        /* the item's name */
	const char *const *argv; /* copied at start */
	int timeout_ms;          /* 0: the collection's */
	int stream;              /* deliver its lines live to cb.line */
	int last;                /* start only when everything else has finished */
};

struct snap_collect_opts {
	const char *client;
	int timeout_ms;
	int probe_timeout_ms;
	int max_running;
	const struct snap_extra *extra;
	size_t nextra;
};

struct snap_collect_cb {
	/* A line of a streaming extra; valid during the call. */
	void (*line)(void *arg, const char *name, enum cmd_stream s, const char *line, size_t len);
	void (*progress)(void *arg, const struct snapshot_item *it, size_t finished, size_t total);
	/* Exactly once unless cancelled: the collection (owned by the callee) or NULL, e. */
	void (*done)(void *arg, struct snapshot *snap, const struct err *e);
	void *arg;
};

struct snap_collect;

struct snap_collect *snap_collect_start(struct site *s, struct cmdset *set,
                                        const struct snap_collect_opts *o,
                                        const struct snap_collect_cb *cb, struct err *e);
void snap_collect_cancel(struct snap_collect **c);

/* Item helpers shared by the collector and the archive reader. */
struct snapshot_item *snap_push_item(struct snapshot *s);
void snap_item_set_data(struct snapshot_item *it, const char *data, size_t len);
void snap_item_set_err(struct snapshot_item *it, const char *data, size_t len);
/* Commands first (by catalog rank, then name), then files by path. */
void snap_sort_items(struct snapshot *s);
/* Seconds to "2026-11-21T07:16:00+0100" (local time). Owned. */
char *snap_iso_time(long long t);
/* Seconds to "20261121-071600" (local time) in buf. */
void snap_stamp(long long t, char buf[32]);
/* 1 when s is valid UTF-8. */
int snap_utf8_valid(const char *s);
/* s with invalid UTF-8 bytes replaced by U+FFFD (for JSON). Owned. */
char *snap_utf8_dup(const char *s);
/*
 * The newest file of dir named "<client>-YYYYmmdd-HHMMSS[-N]<suffix>" (by stamp,
 * then N), as a full path; NULL if none. Owned.
 */
char *snap_newest_in(const char *dir, const char *client, const char *suffix);
/*
 * Creates "<dir>/<client>-<stamp>[-N]<suffix>" exclusively (mode 0600) for the
 * first free N and writes data to it. Returns the path (owned) or NULL with e.
 */
char *snap_create_unique(const char *dir, const char *client, long long t, const char *suffix,
                         const char *data, size_t len, struct err *e);

/* A regular entry (0600, root/system, mtime) with data. 0 or -1 with e. */
int snap_write_entry(struct archive *a, const char *name, const char *data, size_t len,
                     long long mtime, struct err *e);
/* Adds the entries of an archive being written. */
typedef int snap_fill_fn(struct archive *a, void *arg, struct err *e);
/*
 * Writes a .tar.gz (pax, gzip, mode 0600) through fill into a temporary file,
 * then publishes it: as output (renamed over it) when output is given, else
 * as "<dir>/<prefix>-YYYYmmdd-HHMMSS[-N].tar.gz" from t, never replacing a
 * file (dir is created 0700). Returns the path (owned) or NULL with e.
 */
char *snap_archive_create(const char *dir, const char *prefix, long long t, const char *output,
                          snap_fill_fn *fill, void *arg, struct err *e);

#endif
