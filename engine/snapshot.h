/*
 * snapshot.h: a client's configuration before a migration. The outputs of
 * the commands that describe it (oslevel -s, lslpp -Lc, lsattr -El sys0, the
 * tunables, mounts and file systems, routes and interfaces, volume groups,
 * the boot list, subsystems, root's crontab) and the configuration files an
 * administrator keeps (/etc/motd ... /etc/ssh/ ... /etc/security/limits),
 * collected from the client through the master the way nimadm reaches it
 * (rsh or nimsh), into one dated archive per client on the master:
 *
 *   <state dir>/snapshots/<client>/<client>-YYYYmmdd-HHMMSS[-N].tar.gz  (mode 0600)
 *       manifest.json          what was collected, from where, status, exit
 *                              status, size and SHA-256 of every entry
 *       cmd/<name>.out, .err   a command's stdout and stderr, byte for byte
 *       files/<path>           a file's bytes (files/etc/ssh/sshd_config)
 *
 * An item that cannot be had is recorded with its reason, never fatal: a
 * command the client lacks is "unavailable" (exit status, message), a file
 * that cannot be read is "unreadable". Only a client that cannot be reached
 * at all, or a name NIM does not know, makes the snapshot fail.
 * Reading an archive back (snapshot_open) verifies every entry against the
 * manifest. The engine never prints: progress and results go to callbacks.
 */
#ifndef NIMADM_SNAPSHOT_H
#define NIMADM_SNAPSHOT_H

#include <stddef.h>

#include "cmd.h"
#include "sha256.h"
#include "site.h"
#include "util.h"

struct cJSON;

/* X(enum, manifest name) */
#define SNAPSHOT_STATUSES(X)               \
	X(SNAP_OK, "ok")                   \
	X(SNAP_UNAVAILABLE, "unavailable") \
	X(SNAP_UNREADABLE, "unreadable")

enum snapshot_status {
#define SNAP_STATUS_ENUM(e, n) e,
	SNAPSHOT_STATUSES(SNAP_STATUS_ENUM)
#undef SNAP_STATUS_ENUM
	    SNAP_STATUS_COUNT
};

const char *snapshot_status_name(enum snapshot_status s);

enum snapshot_kind { SNAP_CMD, SNAP_FILE };

/* One thing collected. Every string and buffer is owned by the snapshot. */
struct snapshot_item {
	enum snapshot_kind kind;
	char *name;   /* cmd: "lsattr_sys0"; file: its path "/etc/motd" ("/etc/ssh/" for a
	                 directory that could not be listed) */
	char *source; /* cmd: the command line "lsattr -El sys0"; file: "cat /etc/motd" */
	enum snapshot_status status;
	int exit_status; /* of the command on the client; -1 unknown (timed out, no answer) */
	char *message;   /* why not ok (first stderr line, "timed out after ..."); or a note */
	char *entry;     /* "cmd/lsattr_sys0.out", "files/etc/motd"; NULL: nothing stored */
	char *data;      /* stdout or the file's bytes, NUL-terminated (may hold NULs) */
	size_t len;
	char sha256[SHA256_HEX_LEN];
	char *err_entry; /* "cmd/lsattr_sys0.err" when stderr was not empty, else NULL */
	char *err_data;
	size_t err_len;
	char err_sha256[SHA256_HEX_LEN];
	long long duration_ms;
};

struct snapshot {
	char *path;                  /* the archive; NULL for a collection not written */
	char *client;                /* NIM name */
	char *master;                /* the master's host name, or NULL */
	char *connect;               /* "shell" (rsh) or "nimsh" (c_rsh) */
	char *taken_at;              /* ISO 8601 local time with offset: 2026-11-21T07:16:00+0100 */
	long long taken;             /* epoch seconds */
	char *oslevel;               /* oslevel -s, or NULL */
	struct snapshot_item *items; /* commands in catalog order, then files by path */
	size_t nitems;
};

void snapshot_free(struct snapshot **s);
/* The item named name (a command's name or a file's path), or NULL. */
const struct snapshot_item *snapshot_find(const struct snapshot *s, const char *name);
/* The bytes of an item that is ok (len may be NULL), else NULL. */
const char *snapshot_data(const struct snapshot *s, const char *name, size_t *len);
size_t snapshot_count(const struct snapshot *s, enum snapshot_status st);

/* What is collected: the commands (name, argv) and files/directories ("/etc/ssh/"). */
struct snapshot_cmd_def {
	const char *name;
	const char *const *argv;
};
const struct snapshot_cmd_def *snapshot_catalog_cmds(size_t *n);
const char *const *snapshot_catalog_files(size_t *n);

/* A NIM name we accept as a client (letters, digits, _ . - +; 1-64; no leading dot). */
int snapshot_client_valid(const char *name);

/* ---- taking a snapshot ----------------------------------------------------------- */

struct snapshot_opts {
	const char *client;   /* NIM standalone client (required) */
	int timeout_ms;       /* per command; 0: 120 s */
	int probe_timeout_ms; /* the first command (is the client there?); 0: 30 s */
	int max_running;      /* commands at once on this client; 0: 4 */
	const char *dir;      /* where the archive goes; NULL: snapshot_dir() */
};

/*
 * Callbacks, run inside cmdset_dispatch(). `progress` after each item (the item is
 * valid only during the call; total grows as directories are listed). `done` exactly
 * once (unless cancelled): the written snapshot (path set), owned by the callee, or
 * NULL and e (unknown client, client not reachable, archive not written).
 */
struct snapshot_cb {
	void (*progress)(void *arg, const struct snapshot_item *it, size_t finished, size_t total);
	void (*done)(void *arg, struct snapshot *snap, const struct err *e);
	void *arg;
};

struct snapshot_take;

/* Starts on set (site->set or another from site_new_cmdset); the caller dispatches
 * it. The site must outlive the run. NULL with e when nothing could be started. */
struct snapshot_take *snapshot_take_start(struct site *s, struct cmdset *set,
                                          const struct snapshot_opts *o,
                                          const struct snapshot_cb *cb, struct err *e);
/* Cancels a run that has not called done; it frees itself once its commands have
 * reported (keep dispatching the set). *t becomes NULL. */
void snapshot_take_cancel(struct snapshot_take **t);
/* Blocking form for the CLI and tests: runs site->set until done. progress may be NULL. */
struct snapshot *snapshot_take(struct site *s, const struct snapshot_opts *o,
                               const struct snapshot_cb *progress, struct err *e);

/* ---- archives ----------------------------------------------------------------------- */

/* <state dir>/snapshots/<client>. Owned. */
char *snapshot_dir(const struct site *s, const char *client);
/*
 * Writes snap into dir (created 0700 if missing; NULL: snapshot_dir of snap->client)
 * as <client>-YYYYmmdd-HHMMSS.tar.gz from snap->taken (a -N suffix if that exists),
 * mode 0600, atomically. Sets snap->path. 0 or -1 with e.
 */
int snapshot_write(struct snapshot *snap, const struct site *s, const char *dir, struct err *e);
/*
 * Reads an archive back and verifies it: manifest.json present and valid, every
 * entry it names present with its size and SHA-256, nothing else in the archive.
 * NULL with e naming the first problem.
 */
struct snapshot *snapshot_open(const char *path, struct err *e);
/* The newest snapshot of client in the state directory (by its name's stamp), or NULL. Owned. */
char *snapshot_newest(const struct site *s, const char *client);
/* The manifest as written into the archive. Owned by the caller (cJSON_Delete). */
struct cJSON *snapshot_manifest_json(const struct snapshot *snap);

/* A file item holding a private key (PEM or OpenSSH "PRIVATE KEY" block). */
int snapshot_item_is_private_key(const struct snapshot_item *it);

#endif
