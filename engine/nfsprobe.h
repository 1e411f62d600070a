/*
 * nfsprobe.h: asynchronous NFS reachability probes (libnfs) for the
 * prerequisite checker. Before a nimadm run without -j the client exports
 * its /alt_inst file systems to the master over NFS; a probe tells in
 * seconds, not hours, whether a host's portmapper, mountd and nfsd answer,
 * what it exports, and whether a write/read/remove round trip through an
 * export works. Probes run in a set polled by the program's one loop, like
 * a cmdset; nothing blocks (but see `host`), nothing prints.
 */
#ifndef NIMADM_NFSPROBE_H
#define NIMADM_NFSPROBE_H

#include <poll.h>
#include <stddef.h>

#include "util.h"

/*
 * The steps, in the order they run: X(enum suffix, name, what it checks).
 *  PORTMAP    the portmapper (TCP 111) maps nfs (the probe's version) and
 *             mountd v3 to TCP ports. It runs whenever a later step needs a
 *             port the spec does not give, wanted or not.
 *  NFS_NULL   the NFS server answers the NULL procedure on the port given,
 *             or mapped, or else on 2049 (said so in the detail); skipped
 *             when the portmapper did not answer at all (host down?).
 *  MOUNT_NULL mountd v3 answers the NULL procedure.
 *  EXPORTS    mountd v3 lists the exports (lines "DIR (everyone)" or
 *             "DIR (host1,host2)").
 *  ROUNDTRIP  mount export_path (NFSv3 by default, v4 if asked), create a
 *             unique file at its root, write a pattern, read it back,
 *             compare, remove it (v3: and unmount). Runs as this process's
 *             uid/gid (root on the master, as nimadm does), so root squash
 *             and read-only exports fail here as they would fail nimadm.
 */
#define NFSPROBE_STEPS(X)                                                        \
	X(PORTMAP, "portmap", "the portmapper maps nfs and mountd to TCP ports") \
	X(NFS_NULL, "nfs_null", "the NFS server answers NULL")                   \
	X(MOUNT_NULL, "mount_null", "mountd answers NULL")                       \
	X(EXPORTS, "exports", "mountd lists the exports")                        \
	X(ROUNDTRIP, "roundtrip", "a file written through the export reads back and is removed")

#define NFSPROBE_STEP_ENUM(e, name, what) NFSPROBE_##e,
enum nfsprobe_step { NFSPROBE_STEPS(NFSPROBE_STEP_ENUM) NFSPROBE_NSTEPS };
#undef NFSPROBE_STEP_ENUM

/* Bits for nfsprobe_spec.steps. */
#define NFSPROBE_WANT(step) (1u << (step))
#define NFSPROBE_WANT_ALL   ((1u << NFSPROBE_NSTEPS) - 1)

/* Verdicts: X(enum suffix, name). SKIPPED: not wanted, or could not run
 * because a step it needs failed (the detail says which). */
#define NFSPROBE_VERDICTS(X)  \
	X(OK, "ok")           \
	X(FAILED, "failed")   \
	X(SKIPPED, "skipped") \
	X(TIMEOUT, "timeout")

#define NFSPROBE_VERDICT_ENUM(e, name) NFSPROBE_##e,
enum nfsprobe_verdict { NFSPROBE_VERDICTS(NFSPROBE_VERDICT_ENUM) };
#undef NFSPROBE_VERDICT_ENUM

/* "portmap", "nfs_null", ...; "ok", "failed", ... (static strings). */
const char *nfsprobe_step_name(enum nfsprobe_step step);
const char *nfsprobe_step_what(enum nfsprobe_step step);
const char *nfsprobe_verdict_name(enum nfsprobe_verdict v);

#define NFSPROBE_DEFAULT_STEP_TIMEOUT_MS  5000
#define NFSPROBE_DEFAULT_TOTAL_TIMEOUT_MS 20000

/*
 * What to probe. Strings are copied by nfsprobe_start().
 *  host: a numeric IPv4 or IPv6 address. A name is accepted but resolved
 *    with getaddrinfo() inside nfsprobe_start(), which can block on a slow
 *    resolver: the checker should pass the address it got from NIM.
 *  steps: NFSPROBE_WANT() bits; 0 means PORTMAP, NFS_NULL, MOUNT_NULL and
 *    EXPORTS, plus ROUNDTRIP when export_path is set.
 *  export_path: the export ROUNDTRIP mounts: for v3 the real path
 *    (/alt_inst), for v4 the pseudo-fs path. Required for ROUNDTRIP.
 *  nfs_version: 3 (0 means 3) or 4, for NFS_NULL, the portmapper query and
 *    ROUNDTRIP. A v4 round trip needs no mountd.
 *  step_timeout_ms: each step ends as TIMEOUT after this long (0: default).
 *  total_timeout_ms: the whole probe ends after this long; the running step
 *    is TIMEOUT, the rest SKIPPED (0: default).
 *  nfs_port, mount_port: nonzero to use these TCP ports instead of asking
 *    the portmapper (v4-only servers, firewalled portmappers).
 */
struct nfsprobe_spec {
	const char *host;
	unsigned steps;
	const char *export_path;
	int nfs_version;
	int step_timeout_ms;
	int total_timeout_ms;
	unsigned nfs_port;
	unsigned mount_port;
};

/* One exported directory and the hosts/groups it is exported to (none:
 * everyone). */
struct nfsprobe_export {
	char *dir;
	struct strv groups;
};

struct nfsprobe_step_result {
	enum nfsprobe_step step;
	const char *name; /* nfsprobe_step_name(step) */
	int wanted;       /* asked for (or, for PORTMAP, needed) */
	int ran;          /* it started (SKIPPED steps did not) */
	enum nfsprobe_verdict verdict;
	long long duration_ms;
	char *detail;      /* one line, never NULL: "nfs v3 on TCP port 2049, mountd v3 on
	                      TCP port 20048", "NFS NULL: 127.0.0.1:2049: connection refused" */
	struct strv lines; /* more lines (EXPORTS: one per export) */
};

struct nfsprobe_result {
	char *host;                    /* as given in the spec */
	char *address;                 /* the numeric address probed */
	enum nfsprobe_verdict verdict; /* FAILED or TIMEOUT if a step was; else OK */
	char *summary;                 /* one line for a report */
	long long duration_ms;
	unsigned nfs_port; /* given or mapped; 0 if unknown */
	unsigned mount_port;
	int portmap_answered;            /* the portmapper answered, even when nfs or mountd were
	                                    not registered with it */
	struct nfsprobe_export *exports; /* EXPORTS, when it ran and succeeded */
	size_t nexports;
	struct nfsprobe_step_result steps[NFSPROBE_NSTEPS];
};

/* A deep copy of a result (owned), and its release. */
struct nfsprobe_result *nfsprobe_result_dup(const struct nfsprobe_result *r);
void nfsprobe_result_free(struct nfsprobe_result **r);

struct nfsprobe;
struct nfsprobe_set;

/*
 * Called once per probe from nfsprobe_set_dispatch() (never from
 * nfsprobe_start()). The result and the probe are valid only during the
 * call: keep a copy with nfsprobe_result_dup(). The callback may start new
 * probes; it must not free the set.
 */
typedef void nfsprobe_done_fn(void *arg, struct nfsprobe *probe, const struct nfsprobe_result *r);

/* A set of probes polled together. Sets SIGPIPE to SIG_IGN if it is SIG_DFL
 * (a server that resets the connection must not kill the program). */
struct nfsprobe_set *nfsprobe_set_new(void);
/* Stops every probe at once (no callbacks). A round trip stopped midway may
 * leave its file on the export. */
void nfsprobe_set_free(struct nfsprobe_set **set);

/* Starts a probe; NULL with e filled for a bad spec (no host, a name that
 * does not resolve, ROUNDTRIP without export_path, version not 3 or 4).
 * Everything that goes wrong on the network is reported through `done`. */
struct nfsprobe *nfsprobe_start(struct nfsprobe_set *set, const struct nfsprobe_spec *spec,
                                nfsprobe_done_fn *done, void *arg, struct err *e);

/* Event-loop integration, as for a cmdset. Never blocks. */
size_t nfsprobe_set_npollfds(const struct nfsprobe_set *set);
/* Fills up to max entries; returns how many were filled. */
size_t nfsprobe_set_fill_pollfds(struct nfsprobe_set *set, struct pollfd *fds, size_t max);
/* Milliseconds until the next deadline (0: work is due), -1 if idle. */
int nfsprobe_set_timeout(const struct nfsprobe_set *set);
/* Services the ready fds (as filled) and due deadlines; calls `done`s. */
void nfsprobe_set_dispatch(struct nfsprobe_set *set, const struct pollfd *fds, size_t n);
/* Probes started and not yet reported. */
size_t nfsprobe_set_active(const struct nfsprobe_set *set);
/* Convenience loop for the CLI and tests: until idle or max_ms (-1: no
 * limit) passes. Returns 0 when idle, -1 on time out. */
int nfsprobe_set_run(struct nfsprobe_set *set, int max_ms);

#endif
