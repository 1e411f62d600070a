/*
 * bundle.h: a support bundle for one job: one .tar.gz, ready to attach to a
 * support case, with
 *
 *   README.txt                 what is in it, and what could not be included and why
 *   SHA256SUMS                 every other entry's SHA-256 (sha256sum -c format)
 *   jobs/<id>/job.ini, state, output.log     the job's journal and nimadm's output
 *   nimadm/<client>_alt_mig.log              nimadm's log, read on the master
 *   prereq/<report>                          the newest prerequisite report saved
 *   snapshot/<name>/manifest.json, cmd/..., files/...   the client's newest snapshot,
 *                                            without private keys (listed in README.txt)
 *   postcheck/<name>.json, .txt              the newest post-migration check
 *
 * Written to <state dir>/bundles/<id>-YYYYmmdd-HHMMSS.tar.gz (mode 0600) or to
 * a file given. Anything missing is recorded in README.txt, never fatal; only
 * an unknown job or an archive that cannot be written fails.
 */
#ifndef NIMADM_BUNDLE_H
#define NIMADM_BUNDLE_H

#include <stddef.h>

#include "cmd.h"
#include "sha256.h"
#include "site.h"
#include "util.h"

struct bundle_entry {
	char *name; /* "jobs/20261121-071600-aixdb01/output.log" */
	size_t bytes;
	char sha256[SHA256_HEX_LEN];
	char *what; /* one line for README.txt */
};

struct bundle_result {
	char *path;
	char *job;
	char *client;                 /* the job's client (lock key), or NULL */
	struct bundle_entry *entries; /* in archive order, README.txt and SHA256SUMS first */
	size_t n;
	struct strv missing; /* "nimadm log: cat /var/adm/...: cat: 0652-050 ..." */
};

void bundle_result_free(struct bundle_result **r);
const struct bundle_entry *bundle_result_find(const struct bundle_result *r, const char *name);

struct bundle_opts {
	const char *job;    /* the job id (required) */
	const char *output; /* the file to write; NULL: <state dir>/bundles/<job>-<stamp>.tar.gz */
	int timeout_ms;     /* reading the nimadm log on the master; 0: 60 s */
};

/*
 * The report/snapshot/postcheck directories searched: <state dir>/reports/
 * <client>-*.json (the checker's saved reports: newest by modification time,
 * with a .txt of the same name if there is one), snapshot_newest() and
 * postcheck_newest().
 */
struct bundle_cb {
	/* Exactly once unless cancelled: the result (owned by the callee) or NULL and e. */
	void (*done)(void *arg, struct bundle_result *r, const struct err *e);
	void *arg;
};

struct bundle_run;

/* Starts reading the nimadm log on set; the rest is read and written when it
 * has answered. NULL with e for an unknown job. */
struct bundle_run *bundle_write_start(struct site *s, struct cmdset *set,
                                      const struct bundle_opts *o, const struct bundle_cb *cb,
                                      struct err *e);
void bundle_write_cancel(struct bundle_run **r);
/* Blocking form for the CLI and tests (runs site->set). */
struct bundle_result *bundle_write(struct site *s, const struct bundle_opts *o, struct err *e);

#endif
