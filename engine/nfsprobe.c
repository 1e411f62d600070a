/*
 * nfsprobe.c: NFS reachability probes over libnfs's asynchronous RPC and
 * NFS APIs, driven by the caller's poll loop. Each probe is a small state
 * machine: libnfs callbacks only record what happened; the next operation
 * is started (and contexts are destroyed) from nfsprobe_set_dispatch(),
 * never from inside libnfs. Deadlines are the set's: a context is simply
 * destroyed when its step or the whole probe runs out of time.
 */
#include "nfsprobe.h"

/* <nfsc/libnfs.h> uses struct timeval without including <sys/time.h>. */
#include <sys/time.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * libnfs's headers use the BSD caddr_t, which strict POSIX does not define.
 * A macro, not a typedef: it cannot clash with a system that has one, and it
 * ends with the libnfs headers (every system header they include is
 * included above, so none is first read under the macro).
 */
#define caddr_t char *
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>
#include <nfsc/libnfs-raw-nfs4.h>
#include <nfsc/libnfs-raw-portmap.h>
#undef caddr_t

#define NFSPROBE_NFS_DEFAULT_PORT 2049
#define NFSPROBE_PATTERN_LEN      8192
/* libnfs 4.0 fails to encode an NFSv4 WRITE of more than about 4 KB
 * ("ZDR error: Failed to encode COMPOUND4args"): v4 writes go in pieces. */
#define NFSPROBE_V4_WRITE_MAX 2048
/* A context without a socket for a moment is looked at again this soon. */
#define NFSPROBE_NOFD_RETRY_MS 10

/* --- vocabularies ------------------------------------------------------------ */

#define NFSPROBE_STEP_NAME(e, name, what) name,
#define NFSPROBE_STEP_WHAT(e, name, what) what,
#define NFSPROBE_VERDICT_NAME(e, name)    name,
static const char *const nfsprobe_step_names[] = { NFSPROBE_STEPS(NFSPROBE_STEP_NAME) };
static const char *const nfsprobe_step_whats[] = { NFSPROBE_STEPS(NFSPROBE_STEP_WHAT) };
static const char *const nfsprobe_verdict_names[] = { NFSPROBE_VERDICTS(NFSPROBE_VERDICT_NAME) };

const char *nfsprobe_step_name(enum nfsprobe_step step)
{
	return (unsigned)step < NFSPROBE_NSTEPS ? nfsprobe_step_names[step] : "?";
}

const char *nfsprobe_step_what(enum nfsprobe_step step)
{
	return (unsigned)step < NFSPROBE_NSTEPS ? nfsprobe_step_whats[step] : "?";
}

const char *nfsprobe_verdict_name(enum nfsprobe_verdict v)
{
	return (unsigned)v < ARRAY_LEN(nfsprobe_verdict_names) ? nfsprobe_verdict_names[v] : "?";
}

/* --- the probe ---------------------------------------------------------------- */

/* The operation in flight. */
enum nfsprobe_stage {
	ST_NONE,
	ST_PMAP_CONNECT,
	ST_PMAP_NFS,
	ST_PMAP_MOUNT,
	ST_NULL_CONNECT,
	ST_NULL_CALL,
	ST_MNT_CONNECT,
	ST_MNT_NULL,
	ST_MNT_EXPORT,
	ST_RT_MOUNT,
	ST_RT_CREATE,
	ST_RT_WRITE,
	ST_RT_READ,
	ST_RT_CLOSE,
	ST_RT_UNLINK,
	ST_RT_UMOUNT,
};

/* What the portmapper step found out, for the steps after it. */
enum nfsprobe_pmap {
	PMAP_NOT_RUN,
	PMAP_ANSWERED, /* it answered (programs may be missing) */
	PMAP_FAILED,   /* refused, reset, an RPC error */
	PMAP_TIMEOUT,  /* no answer at all: the host may be down */
};

/* Which service the raw rpc context is connected to. */
enum nfsprobe_conn { CONN_NONE, CONN_PMAP, CONN_NFS, CONN_MOUNT };

struct nfsprobe {
	struct nfsprobe_set *set;
	nfsprobe_done_fn *done;
	void *arg;
	struct nfsprobe_result res;

	/* the spec, normalised */
	char *addr;  /* numeric */
	char *where; /* addr for "HOST:PORT" and "HOST:PATH": [addr] if IPv6 */
	char *export_path;
	unsigned want;
	int version;
	int step_timeout_ms;
	int total_timeout_ms;
	unsigned spec_nfs_port, spec_mount_port;

	long long start_ms, step_start_ms;
	int cur; /* the running step, -1 before the first */
	enum nfsprobe_stage stage;
	char *op_what; /* the operation in flight, for a timeout's message */

	/* libnfs: one context at a time; rpc is nfs's own when nfs is set */
	struct rpc_context *rpc;
	struct nfs_context *nfs;
	enum nfsprobe_conn conn;
	int rpc_dead; /* rpc_service() failed: the socket is unusable */
	int closing;  /* contexts being destroyed: callbacks are ignored */
	int sock_err; /* SO_ERROR seen with POLLERR/POLLHUP, for the words */

	/* completion of the operation in flight, written by the callbacks */
	int fired;
	int ok;
	int nfs_err; /* -errno from an nfs_* callback */
	char *msg;   /* libnfs's error text */
	uint32_t got_port;
	size_t got_bytes;

	/* findings */
	enum nfsprobe_pmap pmap;
	int pmap_nfs_missing, pmap_mount_missing;
	unsigned nfs_port, mount_port;
	int nfs_port_fallback;

	/* the round trip */
	struct nfsfh *fh;
	char *file;
	unsigned char *pattern;
	unsigned char *readbuf;
	size_t done_len;
	int rt_mounted, rt_created, rt_removed;
	char *rt_error; /* the first failure; cleanup follows it */
	enum nfsprobe_verdict rt_verdict;

	int finished;
	int reported;
};

struct nfsprobe_set {
	struct nfsprobe **v;
	size_t n, cap;
};

static unsigned nfsprobe_file_counter;

static void probe_next_step(struct nfsprobe *p);
static void rt_cleanup(struct nfsprobe *p);

static long long probe_deadline(const struct nfsprobe *p)
{
	long long total = p->start_ms + p->total_timeout_ms;
	long long step = p->step_start_ms + p->step_timeout_ms;

	if (p->cur < 0)
		return total;
	return step < total ? step : total;
}

static int probe_wants(const struct nfsprobe *p, enum nfsprobe_step s)
{
	return (p->want & NFSPROBE_WANT(s)) != 0;
}

static struct nfsprobe_step_result *probe_step(struct nfsprobe *p, int s)
{
	return &p->res.steps[s];
}

static void probe_set_detail(struct nfsprobe_step_result *sr, char *detail)
{
	free(sr->detail);
	sr->detail = detail;
}

/* --- libnfs callbacks: record only ---------------------------------------------- */

static void probe_record_error(struct nfsprobe *p, const char *text)
{
	free(p->msg);
	p->msg = xstrdup(text != NULL && *text != '\0' ? text : "no reason given");
}

/*
 * libnfs 4.0 decodes replies into a bump allocator that aligns to 4 bytes
 * only, so its structures may sit misaligned for their pointers: they are
 * copied out with memcpy, never read through a member access in place.
 */
static void probe_copy_exports(struct nfsprobe *p, const void *data)
{
	struct exportnode node;
	struct groupnode gnode;
	exports ex, e;
	size_t n = 0;

	memcpy(&ex, data, sizeof ex);
	for (e = ex; e != NULL; e = node.ex_next, n++)
		memcpy(&node, e, sizeof node);
	p->res.exports = n > 0 ? xcalloc(n, sizeof *p->res.exports) : NULL;
	p->res.nexports = n;
	n = 0;
	for (e = ex; e != NULL; e = node.ex_next, n++) {
		memcpy(&node, e, sizeof node);
		p->res.exports[n].dir = xstrdup(node.ex_dir != NULL ? node.ex_dir : "");
		for (groups g = node.ex_groups; g != NULL; g = gnode.gr_next) {
			memcpy(&gnode, g, sizeof gnode);
			strv_push(&p->res.exports[n].groups,
			          gnode.gr_name != NULL ? gnode.gr_name : "");
		}
	}
}

static void probe_rpc_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct nfsprobe *p = priv;

	(void)rpc;
	if (p->closing || p->fired)
		return;
	p->fired = 1;
	p->ok = status == RPC_STATUS_SUCCESS;
	if (status == RPC_STATUS_ERROR) {
		probe_record_error(p, data);
		return;
	}
	if (status == RPC_STATUS_CANCEL) {
		probe_record_error(p, "cancelled");
		return;
	}
	if (status == RPC_STATUS_TIMEOUT) {
		probe_record_error(p, "timed out");
		return;
	}
	if (status != RPC_STATUS_SUCCESS) {
		p->ok = 0;
		probe_record_error(p, "unexpected RPC status");
		return;
	}
	if ((p->stage == ST_PMAP_NFS || p->stage == ST_PMAP_MOUNT) && data != NULL)
		memcpy(&p->got_port, data, sizeof p->got_port);
	else if (p->stage == ST_MNT_EXPORT && data != NULL)
		probe_copy_exports(p, data);
}

static void probe_nfs_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfsprobe *p = priv;

	(void)nfs;
	if (p->closing || p->fired)
		return;
	p->fired = 1;
	p->ok = err >= 0;
	if (err < 0) {
		p->nfs_err = err;
		probe_record_error(p, data);
		return;
	}
	if (p->stage == ST_RT_CREATE) {
		p->fh = data;
	} else if (p->stage == ST_RT_WRITE) {
		p->got_bytes = (size_t)err;
	} else if (p->stage == ST_RT_READ) {
		/* The buffer is libnfs's, valid only now. */
		size_t room = NFSPROBE_PATTERN_LEN - p->done_len;
		size_t n = (size_t)err < room ? (size_t)err : room;

		if (n > 0 && data != NULL)
			memcpy(p->readbuf + p->done_len, data, n);
		p->got_bytes = n;
	}
}

static void probe_ignore_nfs_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	(void)err;
	(void)nfs;
	(void)data;
	(void)priv;
}

/* --- operations ----------------------------------------------------------------- */

/* Prepares for the next operation; `what` says what we wait for, for a timeout. */
static void op_begin(struct nfsprobe *p, enum nfsprobe_stage st, char *what)
{
	p->stage = st;
	p->fired = 0;
	p->ok = 0;
	p->nfs_err = 0;
	p->got_port = 0;
	p->got_bytes = 0;
	free(p->msg);
	p->msg = NULL;
	free(p->op_what);
	p->op_what = what;
}

/* An *_async call refused to queue: the operation failed at once. */
static void op_failed_now(struct nfsprobe *p)
{
	const char *why = p->rpc != NULL ? rpc_get_error(p->rpc) : NULL;

	p->fired = 1;
	p->ok = 0;
	probe_record_error(p, why != NULL ? why : "could not queue the request");
}

/* Destroys the libnfs context; its pending callbacks are ignored. */
static void probe_teardown(struct nfsprobe *p)
{
	p->closing = 1;
	if (p->nfs != NULL) {
		/* v3 frees the handle at once; v4 queues a CLOSE that the destroy
		 * cancels, freeing the handle in libnfs's callback. */
		if (p->fh != NULL)
			nfs_close_async(p->nfs, p->fh, probe_ignore_nfs_cb, NULL);
		p->fh = NULL;
		/*
		 * libnfs 4.0 frees a pending connect's private data (the mount's
		 * state) only in the connect callback, which a destroy does not
		 * call: while (un)mounting, when a connect may be pending, report
		 * the connection as failed first, so the callback chain runs (into
		 * our ignored callbacks) and frees it.
		 */
		if ((p->stage == ST_RT_MOUNT || p->stage == ST_RT_UMOUNT) && !p->rpc_dead &&
		    rpc_get_fd(p->rpc) >= 0)
			rpc_service(p->rpc, POLLHUP);
		nfs_destroy_context(p->nfs);
		p->nfs = NULL;
		p->rpc = NULL;
	} else if (p->rpc != NULL) {
		rpc_destroy_context(p->rpc);
		p->rpc = NULL;
	}
	p->closing = 0;
	p->conn = CONN_NONE;
	p->rpc_dead = 0;
	p->sock_err = 0;
	p->stage = ST_NONE;
}

/* Why the operation failed, in words (owned). A refused connection shows
 * up in libnfs as "Socket failed with POLLHUP": SO_ERROR says more. */
static char *probe_reason(const struct nfsprobe *p)
{
	if (p->sock_err != 0) {
		char *s = xstrdup(strerror(p->sock_err));

		s[0] = (char)tolower((unsigned char)s[0]);
		return s;
	}
	if (p->msg == NULL)
		return xstrdup("no reason given");
	if (strstr(p->msg, "POLLHUP") != NULL)
		return xstrdup("connection closed by the server");
	return xstrdup(p->msg);
}

/* A hint for the errors an administrator can act on (static, may be ""). */
static const char *probe_hint(const struct nfsprobe *p)
{
	if (p->stage == ST_RT_MOUNT) {
		switch (-p->nfs_err) {
		case EACCES:
		case EPERM:
			return " (no such export, or not exported to this host)";
		case ENOENT:
			return " (no such export or directory)";
		default:
			return "";
		}
	}
	switch (-p->nfs_err) {
	case EACCES:
	case EPERM:
		return " (permission denied: nimadm needs root access to the export, "
		       "e.g. exported with -root=<master>)";
	case EROFS:
		return " (the export is read-only: nimadm needs it read-write)";
	case ENOENT:
		return " (no such export or directory)";
	case ENOSPC:
	case EDQUOT:
		return " (no space left on the exported file system)";
	default:
		return "";
	}
}

/*
 * Connections are plain TCP connects (rpc_connect_async); the NULL call that
 * follows is ours. libnfs's rpc_connect_port_async() would ping too, but it
 * leaks its private data when the context is destroyed before it connects,
 * which is just what a timeout does.
 */
static void rpc_context_new(struct nfsprobe *p)
{
	p->rpc = rpc_init_context();
	if (p->rpc == NULL)
		fatal("nfsprobe: rpc_init_context: out of memory");
	p->sock_err = 0;
	p->rpc_dead = 0;
}

/* --- steps ------------------------------------------------------------------------ */

static void step_begin(struct nfsprobe *p, int s)
{
	p->cur = s;
	p->step_start_ms = clock_ms();
	probe_step(p, s)->ran = 1;
}

/* Ends the running step; the caller decides whether the context stays. */
static void step_end(struct nfsprobe *p, enum nfsprobe_verdict v, char *detail)
{
	struct nfsprobe_step_result *sr = probe_step(p, p->cur);

	sr->verdict = v;
	sr->duration_ms = clock_ms() - p->step_start_ms;
	probe_set_detail(sr, detail);
}

static void step_skip(struct nfsprobe *p, int s, char *detail)
{
	struct nfsprobe_step_result *sr = probe_step(p, s);

	sr->verdict = NFSPROBE_SKIPPED;
	probe_set_detail(sr, detail);
}

/* PORTMAP: connect to 111, GETPORT nfs, GETPORT mountd (when needed). */
static int pmap_needs_mount(const struct nfsprobe *p)
{
	if (p->spec_mount_port != 0 && !probe_wants(p, NFSPROBE_PORTMAP))
		return 0;
	return p->version == 3 || probe_wants(p, NFSPROBE_MOUNT_NULL) ||
	       probe_wants(p, NFSPROBE_EXPORTS);
}

static int pmap_needs_nfs(const struct nfsprobe *p)
{
	return p->spec_nfs_port == 0 || probe_wants(p, NFSPROBE_PORTMAP);
}

static void pmap_start(struct nfsprobe *p)
{
	step_begin(p, NFSPROBE_PORTMAP);
	rpc_context_new(p);
	op_begin(p, ST_PMAP_CONNECT,
	         xasprintf("connecting to the portmapper on %s port %d", p->addr, PMAP_PORT));
	if (rpc_connect_async(p->rpc, p->addr, PMAP_PORT, probe_rpc_cb, p) != 0)
		op_failed_now(p);
}

static void pmap_getport(struct nfsprobe *p, enum nfsprobe_stage st)
{
	int nfs = st == ST_PMAP_NFS;
	int prog = nfs ? NFS_PROGRAM : MOUNT_PROGRAM, vers = nfs ? p->version : MOUNT_V3;

	op_begin(p, st,
	         xasprintf("waiting for the portmapper on %s to map %s v%d", p->addr,
	                   nfs ? "nfs" : "mountd", vers));
	if (rpc_pmap2_getport_async(p->rpc, prog, vers, IPPROTO_TCP, probe_rpc_cb, p) != 0)
		op_failed_now(p);
}

static void pmap_finish(struct nfsprobe *p)
{
	struct strbuf sb = { 0 };
	int asked_nfs = pmap_needs_nfs(p), asked_mount = pmap_needs_mount(p);

	p->pmap = PMAP_ANSWERED;
	if (p->pmap_nfs_missing || p->pmap_mount_missing) {
		int both = p->pmap_nfs_missing && p->pmap_mount_missing;

		if (p->pmap_nfs_missing)
			sb_addf(&sb, "nfs v%d (program %d)", p->version, NFS_PROGRAM);
		if (both)
			sb_adds(&sb, " and ");
		if (p->pmap_mount_missing)
			sb_addf(&sb, "mountd v%d (program %d)", MOUNT_V3, MOUNT_PROGRAM);
		sb_addf(&sb, " %s not registered for TCP with the portmapper on %s",
		        both ? "are" : "is", p->addr);
		step_end(p, NFSPROBE_FAILED, sb_steal(&sb));
	} else {
		if (asked_nfs)
			sb_addf(&sb, "nfs v%d on TCP port %u", p->version, p->nfs_port);
		if (asked_nfs && asked_mount)
			sb_adds(&sb, ", ");
		if (asked_mount)
			sb_addf(&sb, "mountd v%d on TCP port %u", MOUNT_V3, p->mount_port);
		if (!asked_nfs && !asked_mount)
			sb_adds(&sb, "the portmapper answers");
		step_end(p, NFSPROBE_OK, sb_steal(&sb));
	}
	probe_teardown(p);
	probe_next_step(p);
}

static void pmap_on_done(struct nfsprobe *p)
{
	if (!p->ok) {
		char *why = probe_reason(p);

		p->pmap = PMAP_FAILED;
		step_end(p, NFSPROBE_FAILED,
		         xasprintf("portmapper %s:%d: %s", p->where, PMAP_PORT, why));
		free(why);
		probe_teardown(p);
		probe_next_step(p);
		return;
	}
	switch (p->stage) {
	case ST_PMAP_CONNECT:
		p->conn = CONN_PMAP;
		if (pmap_needs_nfs(p))
			pmap_getport(p, ST_PMAP_NFS);
		else if (pmap_needs_mount(p))
			pmap_getport(p, ST_PMAP_MOUNT);
		else
			pmap_finish(p);
		break;
	case ST_PMAP_NFS:
		if (p->got_port == 0)
			p->pmap_nfs_missing = 1;
		else if (p->spec_nfs_port == 0)
			p->nfs_port = p->got_port;
		if (pmap_needs_mount(p))
			pmap_getport(p, ST_PMAP_MOUNT);
		else
			pmap_finish(p);
		break;
	case ST_PMAP_MOUNT:
		if (p->got_port == 0)
			p->pmap_mount_missing = 1;
		else if (p->spec_mount_port == 0)
			p->mount_port = p->got_port;
		pmap_finish(p);
		break;
	default:
		fatal("nfsprobe: portmap in stage %d", (int)p->stage);
	}
}

/* NFS_NULL: connect to the NFS port and call NULL. */
static char *null_skip_reason(const struct nfsprobe *p)
{
	if (p->nfs_port != 0)
		return NULL;
	if (p->pmap == PMAP_TIMEOUT)
		return xasprintf("not run: the portmapper on %s did not answer, so the host "
		                 "may be down",
		                 p->addr);
	return NULL;
}

/* The NFS port: given, mapped, or 2049 when the portmapper could not say. */
static unsigned probe_nfs_port(struct nfsprobe *p)
{
	if (p->nfs_port == 0) {
		p->nfs_port = NFSPROBE_NFS_DEFAULT_PORT;
		p->nfs_port_fallback = 1;
	}
	return p->nfs_port;
}

static void null_start(struct nfsprobe *p)
{
	unsigned port = probe_nfs_port(p);

	step_begin(p, NFSPROBE_NFS_NULL);
	rpc_context_new(p);
	op_begin(p, ST_NULL_CONNECT,
	         xasprintf("connecting to the NFS server on %s port %u", p->addr, port));
	if (rpc_connect_async(p->rpc, p->addr, (int)port, probe_rpc_cb, p) != 0)
		op_failed_now(p);
}

static void null_on_done(struct nfsprobe *p)
{
	const char *fb =
	    p->nfs_port_fallback ? " (the usual port: the portmapper did not give one)" : "";

	if (p->ok && p->stage == ST_NULL_CONNECT) {
		p->conn = CONN_NFS;
		op_begin(p, ST_NULL_CALL,
		         xasprintf("waiting for the NFS server on %s port %u to "
		                   "answer NULL",
		                   p->addr, p->nfs_port));
		if ((p->version == 4 ? rpc_nfs4_null_async(p->rpc, probe_rpc_cb, p)
		                     : rpc_nfs3_null_async(p->rpc, probe_rpc_cb, p)) != 0)
			op_failed_now(p);
		return;
	}
	if (p->ok) {
		step_end(p, NFSPROBE_OK,
		         xasprintf("NFS v%d NULL answered on %s TCP port %u%s", p->version, p->addr,
		                   p->nfs_port, fb));
	} else {
		char *why = probe_reason(p);

		step_end(p, NFSPROBE_FAILED,
		         xasprintf("NFS v%d NULL: %s:%u%s: %s", p->version, p->where, p->nfs_port,
		                   fb, why));
		free(why);
	}
	probe_teardown(p);
	probe_next_step(p);
}

/* MOUNT_NULL and EXPORTS share one connection to mountd. */
static char *mount_skip_reason(const struct nfsprobe *p)
{
	if (p->mount_port != 0)
		return NULL;
	if (p->pmap == PMAP_TIMEOUT)
		return xasprintf("not run: mountd's port is unknown (the portmapper on %s did "
		                 "not answer)",
		                 p->addr);
	return xasprintf("not run: mountd's port is unknown (the portmapper on %s did not "
	                 "give it)",
	                 p->addr);
}

static void mount_connect(struct nfsprobe *p)
{
	rpc_context_new(p);
	op_begin(p, ST_MNT_CONNECT,
	         xasprintf("connecting to mountd on %s port %u", p->addr, p->mount_port));
	if (rpc_connect_async(p->rpc, p->addr, (int)p->mount_port, probe_rpc_cb, p) != 0)
		op_failed_now(p);
}

static void mount_call(struct nfsprobe *p)
{
	if (p->cur == NFSPROBE_MOUNT_NULL) {
		op_begin(p, ST_MNT_NULL,
		         xasprintf("waiting for mountd on %s port %u to answer NULL", p->addr,
		                   p->mount_port));
		if (rpc_mount3_null_async(p->rpc, probe_rpc_cb, p) != 0)
			op_failed_now(p);
	} else {
		op_begin(p, ST_MNT_EXPORT,
		         xasprintf("waiting for mountd on %s port %u to list the exports", p->addr,
		                   p->mount_port));
		if (rpc_mount3_export_async(p->rpc, probe_rpc_cb, p) != 0)
			op_failed_now(p);
	}
}

static void mount_step_start(struct nfsprobe *p, int s)
{
	step_begin(p, s);
	if (p->rpc != NULL && p->conn == CONN_MOUNT && !p->rpc_dead)
		mount_call(p);
	else {
		probe_teardown(p);
		mount_connect(p);
	}
}

static char *exports_detail(struct nfsprobe *p)
{
	struct nfsprobe_step_result *sr = probe_step(p, NFSPROBE_EXPORTS);

	for (size_t i = 0; i < p->res.nexports; i++) {
		const struct nfsprobe_export *x = &p->res.exports[i];
		struct strbuf sb = { 0 };

		sb_adds(&sb, x->dir);
		if (x->groups.n == 0) {
			sb_adds(&sb, " (everyone)");
		} else {
			sb_adds(&sb, " (");
			for (size_t g = 0; g < x->groups.n; g++)
				sb_addf(&sb, "%s%s", g > 0 ? "," : "", x->groups.v[g]);
			sb_adds(&sb, ")");
		}
		strv_push(&sr->lines, sb_str(&sb));
		sb_free(&sb);
	}
	if (p->res.nexports == 0)
		return xasprintf("%s exports nothing", p->addr);
	return xasprintf("%s exports %zu director%s", p->addr, p->res.nexports,
	                 p->res.nexports == 1 ? "y" : "ies");
}

static void mount_on_done(struct nfsprobe *p)
{
	const char *what = p->cur == NFSPROBE_MOUNT_NULL ? "MOUNT v3 NULL" : "MOUNT v3 EXPORT";

	if (p->ok && p->stage == ST_MNT_CONNECT) {
		p->conn = CONN_MOUNT;
		mount_call(p);
		return;
	}
	if (!p->ok) {
		char *why = probe_reason(p);

		step_end(p, NFSPROBE_FAILED,
		         xasprintf("%s: %s:%u: %s", what, p->where, p->mount_port, why));
		free(why);
		probe_teardown(p);
	} else if (p->cur == NFSPROBE_MOUNT_NULL) {
		step_end(
		    p, NFSPROBE_OK,
		    xasprintf("mountd v3 NULL answered on %s TCP port %u", p->addr, p->mount_port));
		/* The connection stays for EXPORTS; else it goes. */
		if (!probe_wants(p, NFSPROBE_EXPORTS))
			probe_teardown(p);
	} else {
		step_end(p, NFSPROBE_OK, exports_detail(p));
		probe_teardown(p);
	}
	probe_next_step(p);
}

/* ROUNDTRIP: mount, create, write, read, compare, close, unlink, unmount. */
static char *rt_skip_reason(struct nfsprobe *p)
{
	const struct nfsprobe_step_result *nul = probe_step(p, NFSPROBE_NFS_NULL);
	const struct nfsprobe_step_result *mnt = probe_step(p, NFSPROBE_MOUNT_NULL);

	if (nul->ran && nul->verdict != NFSPROBE_OK)
		return xasprintf("not run: the NFS server on %s did not answer NULL", p->addr);
	if (p->version == 3) {
		if (mnt->ran && mnt->verdict != NFSPROBE_OK)
			return xasprintf("not run: mountd on %s did not answer NULL", p->addr);
		return mount_skip_reason(p);
	}
	return null_skip_reason(p);
}

static void rt_op_mount(struct nfsprobe *p)
{
	char url[96];
	struct nfs_url *u;

	p->nfs = nfs_init_context();
	if (p->nfs == NULL)
		fatal("nfsprobe: nfs_init_context: out of memory");
	p->rpc = nfs_get_rpc_context(p->nfs);
	p->sock_err = 0;
	p->rpc_dead = 0;
	/* A lost connection is a verdict, not something to retry forever. */
	nfs_set_autoreconnect(p->nfs, 0);
	if (p->version == 4)
		nfs_set_version(p->nfs, NFS_V4);
	/*
	 * libnfs 4.0 takes fixed ports only as URL options; the URL holds
	 * nothing but these numbers (no host, no path), so no text of ours is
	 * parsed as a URL. With both ports known libnfs asks no portmapper.
	 */
	if (p->version == 3)
		snprintf(url, sizeof url, "nfs:///?nfsport=%u&mountport=%u", p->nfs_port,
		         p->mount_port);
	else
		snprintf(url, sizeof url, "nfs:///?nfsport=%u", p->nfs_port);
	u = nfs_parse_url_incomplete(p->nfs, url);
	if (u != NULL)
		nfs_destroy_url(u);
	op_begin(p, ST_RT_MOUNT,
	         xasprintf("mounting %s:%s over NFSv%d", p->where, p->export_path, p->version));
	if (u == NULL || nfs_mount_async(p->nfs, p->addr, p->export_path, probe_nfs_cb, p) != 0)
		op_failed_now(p);
}

static void rt_start(struct nfsprobe *p)
{
	step_begin(p, NFSPROBE_ROUNDTRIP);
	probe_teardown(p);
	probe_nfs_port(p);
	p->rt_verdict = NFSPROBE_OK;
	rt_op_mount(p);
}

static void rt_op_create(struct nfsprobe *p)
{
	op_begin(p, ST_RT_CREATE,
	         xasprintf("creating %s on %s:%s", p->file, p->where, p->export_path));
	/* nfs_creat() opens read-only: on v4 the write would fail. */
	if (nfs_create_async(p->nfs, p->file, O_RDWR | O_EXCL, 0600, probe_nfs_cb, p) != 0)
		op_failed_now(p);
}

static void rt_op_write(struct nfsprobe *p)
{
	op_begin(p, ST_RT_WRITE,
	         xasprintf("writing %s on %s:%s", p->file, p->where, p->export_path));
	size_t count = NFSPROBE_PATTERN_LEN - p->done_len;

	if (p->version == 4 && count > NFSPROBE_V4_WRITE_MAX)
		count = NFSPROBE_V4_WRITE_MAX;
	if (nfs_pwrite_async(p->nfs, p->fh, p->done_len, count,
	                     (const char *)p->pattern + p->done_len, probe_nfs_cb, p) != 0)
		op_failed_now(p);
}

static void rt_op_read(struct nfsprobe *p)
{
	op_begin(p, ST_RT_READ,
	         xasprintf("reading %s back from %s:%s", p->file, p->where, p->export_path));
	if (nfs_pread_async(p->nfs, p->fh, p->done_len, NFSPROBE_PATTERN_LEN - p->done_len,
	                    probe_nfs_cb, p) != 0)
		op_failed_now(p);
}

/* Records the round trip's first failure; later ones only add to it. */
static void rt_fail(struct nfsprobe *p, enum nfsprobe_verdict v, const char *what)
{
	char *why = probe_reason(p);

	if (p->rt_error == NULL) {
		p->rt_error = xasprintf("%s: %s%s", what, why, probe_hint(p));
		p->rt_verdict = v;
	}
	free(why);
}

/* A v3 mount of a path the export list lacks: say so, it is the usual cause. */
static void rt_note_not_exported(struct nfsprobe *p)
{
	char *more;

	if (p->version != 3 || probe_step(p, NFSPROBE_EXPORTS)->verdict != NFSPROBE_OK)
		return;
	for (size_t i = 0; i < p->res.nexports; i++)
		if (strcmp(p->res.exports[i].dir, p->export_path) == 0)
			return;
	more = xasprintf("%s; %s is not among the exports of %s", p->rt_error, p->export_path,
	                 p->addr);
	free(p->rt_error);
	p->rt_error = more;
}

static void rt_end(struct nfsprobe *p)
{
	char *detail;

	if (p->rt_error == NULL) {
		detail =
		    xasprintf("mounted %s:%s over NFSv%d; wrote, read back and removed %d "
		              "bytes (%s)",
		              p->where, p->export_path, p->version, NFSPROBE_PATTERN_LEN, p->file);
	} else if (p->rt_created && !p->rt_removed) {
		detail = xasprintf("%s; the file %s may be left in %s", p->rt_error, p->file,
		                   p->export_path);
	} else {
		detail = xstrdup(p->rt_error);
	}
	step_end(p, p->rt_verdict, detail);
	probe_teardown(p);
	probe_next_step(p);
}

/* After a failure or the compare: close, unlink, unmount as far as needed. */
static void rt_cleanup(struct nfsprobe *p)
{
	/* A dead connection completes nothing more: say what may be left. */
	if (p->rpc_dead) {
		rt_end(p);
		return;
	}
	if (p->fh != NULL) {
		struct nfsfh *fh = p->fh;

		p->fh = NULL;
		op_begin(p, ST_RT_CLOSE,
		         xasprintf("closing %s on %s:%s", p->file, p->where, p->export_path));
		if (nfs_close_async(p->nfs, fh, probe_nfs_cb, p) != 0)
			op_failed_now(p);
		return;
	}
	if (p->rt_created && !p->rt_removed && p->stage != ST_RT_UNLINK) {
		op_begin(p, ST_RT_UNLINK,
		         xasprintf("removing %s on %s:%s", p->file, p->where, p->export_path));
		if (nfs_unlink_async(p->nfs, p->file, probe_nfs_cb, p) != 0)
			op_failed_now(p);
		return;
	}
	/* v4 has no MOUNT protocol to tell; libnfs 4.0 never calls back there. */
	if (p->rt_mounted && p->version == 3 && !p->rpc_dead && p->stage != ST_RT_UMOUNT) {
		op_begin(p, ST_RT_UMOUNT, xasprintf("unmounting %s:%s", p->where, p->export_path));
		if (nfs_umount_async(p->nfs, probe_nfs_cb, p) != 0)
			op_failed_now(p);
		return;
	}
	rt_end(p);
}

static void rt_on_done(struct nfsprobe *p)
{
	switch (p->stage) {
	case ST_RT_MOUNT:
		if (!p->ok) {
			char *what = xasprintf("mount %s:%s over NFSv%d", p->where, p->export_path,
			                       p->version);

			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
			rt_note_not_exported(p);
			rt_end(p);
			return;
		}
		p->rt_mounted = 1;
		rt_op_create(p);
		return;
	case ST_RT_CREATE:
		if (!p->ok || p->fh == NULL) {
			char *what =
			    xasprintf("create %s in %s:%s", p->file, p->where, p->export_path);

			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
			rt_cleanup(p);
			return;
		}
		p->rt_created = 1;
		p->done_len = 0;
		rt_op_write(p);
		return;
	case ST_RT_WRITE:
		if (!p->ok || p->got_bytes == 0) {
			char *what =
			    xasprintf("write %s in %s:%s", p->file, p->where, p->export_path);

			if (p->ok)
				probe_record_error(p, "the server wrote nothing");
			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
			rt_cleanup(p);
			return;
		}
		p->done_len += p->got_bytes;
		if (p->done_len < NFSPROBE_PATTERN_LEN) {
			rt_op_write(p);
			return;
		}
		p->done_len = 0;
		rt_op_read(p);
		return;
	case ST_RT_READ:
		if (!p->ok) {
			char *what =
			    xasprintf("read %s in %s:%s", p->file, p->where, p->export_path);

			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
		} else if (p->got_bytes > 0 && p->done_len + p->got_bytes < NFSPROBE_PATTERN_LEN) {
			p->done_len += p->got_bytes;
			rt_op_read(p);
			return;
		} else {
			p->done_len += p->got_bytes;
			if (p->done_len != NFSPROBE_PATTERN_LEN && p->rt_error == NULL) {
				p->rt_error = xasprintf(
				    "read back only %zu of %d bytes of %s in %s:%s", p->done_len,
				    NFSPROBE_PATTERN_LEN, p->file, p->where, p->export_path);
				p->rt_verdict = NFSPROBE_FAILED;
			} else if (memcmp(p->readbuf, p->pattern, NFSPROBE_PATTERN_LEN) != 0 &&
			           p->rt_error == NULL) {
				p->rt_error =
				    xasprintf("%s in %s:%s read back different from what was "
				              "written",
				              p->file, p->where, p->export_path);
				p->rt_verdict = NFSPROBE_FAILED;
			}
		}
		rt_cleanup(p);
		return;
	case ST_RT_CLOSE:
		if (!p->ok) {
			char *what =
			    xasprintf("close %s in %s:%s", p->file, p->where, p->export_path);

			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
		}
		rt_cleanup(p);
		return;
	case ST_RT_UNLINK:
		if (p->ok) {
			p->rt_removed = 1;
		} else {
			char *what =
			    xasprintf("remove %s in %s:%s", p->file, p->where, p->export_path);

			rt_fail(p, NFSPROBE_FAILED, what);
			free(what);
		}
		rt_cleanup(p);
		return;
	case ST_RT_UMOUNT:
		/* Whatever the server says: the round trip is over. */
		rt_end(p);
		return;
	default:
		fatal("nfsprobe: round trip in stage %d", (int)p->stage);
	}
}

/* --- sequencing ------------------------------------------------------------------ */

static int pmap_needed(const struct nfsprobe *p)
{
	int need_nfs = probe_wants(p, NFSPROBE_NFS_NULL) || probe_wants(p, NFSPROBE_ROUNDTRIP);
	int need_mount = probe_wants(p, NFSPROBE_MOUNT_NULL) || probe_wants(p, NFSPROBE_EXPORTS) ||
	                 (probe_wants(p, NFSPROBE_ROUNDTRIP) && p->version == 3);

	return probe_wants(p, NFSPROBE_PORTMAP) || (need_nfs && p->spec_nfs_port == 0) ||
	       (need_mount && p->spec_mount_port == 0);
}

static void probe_finish(struct nfsprobe *p)
{
	struct nfsprobe_result *r = &p->res;
	const struct nfsprobe_step_result *bad = NULL;
	struct strbuf sb = { 0 };

	probe_teardown(p);
	p->cur = -1;
	r->duration_ms = clock_ms() - p->start_ms;
	r->nfs_port = p->nfs_port_fallback ? 0 : p->nfs_port;
	r->mount_port = p->mount_port;
	r->portmap_answered = p->pmap == PMAP_ANSWERED;
	r->verdict = NFSPROBE_OK;
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		const struct nfsprobe_step_result *sr = &r->steps[s];

		if (sr->verdict == NFSPROBE_FAILED || sr->verdict == NFSPROBE_TIMEOUT) {
			if (bad == NULL)
				bad = sr;
			if (r->verdict == NFSPROBE_OK || sr->verdict == NFSPROBE_FAILED)
				r->verdict = sr->verdict;
		}
	}
	if (bad != NULL) {
		sb_addf(&sb, "NFS %s: %s at %s: %s", r->host, nfsprobe_verdict_name(bad->verdict),
		        bad->name, bad->detail);
	} else {
		int n = 0;

		sb_addf(&sb, "NFS %s: ok:", r->host);
		for (int s = 0; s < NFSPROBE_NSTEPS; s++)
			if (r->steps[s].verdict == NFSPROBE_OK)
				sb_addf(&sb, "%s %s", n++ > 0 ? "," : "", r->steps[s].name);
		if (n == 0)
			sb_adds(&sb, " nothing to check");
		sb_addf(&sb, " (%lld ms)", r->duration_ms);
	}
	r->summary = sb_steal(&sb);
	p->finished = 1;
}

/* Starts the next wanted step that can run; skips the others. */
static void probe_next_step(struct nfsprobe *p)
{
	for (int s = p->cur + 1; s < NFSPROBE_NSTEPS; s++) {
		struct nfsprobe_step_result *sr = probe_step(p, s);
		char *why = NULL;

		p->cur = s;
		if (!sr->wanted)
			continue;
		switch (s) {
		case NFSPROBE_PORTMAP:
			pmap_start(p);
			return;
		case NFSPROBE_NFS_NULL:
			why = null_skip_reason(p);
			if (why == NULL) {
				null_start(p);
				return;
			}
			break;
		case NFSPROBE_MOUNT_NULL:
			why = mount_skip_reason(p);
			if (why == NULL) {
				mount_step_start(p, s);
				return;
			}
			break;
		case NFSPROBE_EXPORTS: {
			const struct nfsprobe_step_result *mnt = probe_step(p, NFSPROBE_MOUNT_NULL);

			if (mnt->ran && mnt->verdict != NFSPROBE_OK)
				why =
				    xasprintf("not run: mountd on %s did not answer NULL", p->addr);
			else
				why = mount_skip_reason(p);
			if (why == NULL) {
				mount_step_start(p, s);
				return;
			}
			break;
		}
		case NFSPROBE_ROUNDTRIP:
			why = rt_skip_reason(p);
			if (why == NULL) {
				rt_start(p);
				return;
			}
			break;
		default:
			break;
		}
		step_skip(p, s, why);
	}
	probe_finish(p);
}

static void probe_on_done(struct nfsprobe *p)
{
	switch (p->cur) {
	case NFSPROBE_PORTMAP:
		pmap_on_done(p);
		break;
	case NFSPROBE_NFS_NULL:
		null_on_done(p);
		break;
	case NFSPROBE_MOUNT_NULL:
	case NFSPROBE_EXPORTS:
		mount_on_done(p);
		break;
	case NFSPROBE_ROUNDTRIP:
		rt_on_done(p);
		break;
	default:
		fatal("nfsprobe: completion outside a step");
	}
}

/* The step (or the whole probe) ran out of time. */
static void probe_on_timeout(struct nfsprobe *p, long long now)
{
	int total = now >= p->start_ms + p->total_timeout_ms;
	int limit = total ? p->total_timeout_ms : p->step_timeout_ms;
	char *detail;

	if (p->cur == NFSPROBE_ROUNDTRIP && p->stage == ST_RT_UMOUNT) {
		/* Only the courtesy unmount is unanswered: the verdict stands. */
		rt_end(p);
	} else {
		detail = xasprintf("no answer within %d ms%s while %s", limit,
		                   total ? " (the probe's total timeout)" : "",
		                   p->op_what != NULL ? p->op_what : "starting");
		if (p->cur == NFSPROBE_PORTMAP && p->conn == CONN_NONE)
			p->pmap = PMAP_TIMEOUT;
		else if (p->cur == NFSPROBE_PORTMAP)
			p->pmap = PMAP_FAILED;
		enum nfsprobe_verdict v = NFSPROBE_TIMEOUT;

		if (p->cur == NFSPROBE_ROUNDTRIP && p->rt_error != NULL) {
			/* A failure, then an unanswered cleanup: the failure is the news. */
			char *more = xasprintf("%s; then %s", p->rt_error, detail);

			free(detail);
			detail = more;
			v = p->rt_verdict;
		}
		if (p->cur == NFSPROBE_ROUNDTRIP && p->rt_created && !p->rt_removed) {
			char *more = xasprintf("%s; the file %s may be left in %s", detail, p->file,
			                       p->export_path);

			free(detail);
			detail = more;
		}
		step_end(p, v, detail);
		probe_teardown(p);
		if (!total)
			probe_next_step(p);
	}
	if (total && !p->finished) {
		for (int s = p->cur + 1; s < NFSPROBE_NSTEPS; s++)
			if (probe_step(p, s)->wanted)
				step_skip(
				    p, s,
				    xasprintf("not run: the probe's total timeout (%d ms) ran out",
				              p->total_timeout_ms));
		probe_finish(p);
	}
}

/* Handles completions and deadlines until the probe waits for the network. */
static void probe_advance(struct nfsprobe *p)
{
	while (!p->finished) {
		if (p->fired) {
			p->fired = 0;
			probe_on_done(p);
			continue;
		}
		if (clock_ms() >= probe_deadline(p)) {
			probe_on_timeout(p, clock_ms());
			continue;
		}
		break;
	}
}

/* --- results --------------------------------------------------------------------- */

static void result_release(struct nfsprobe_result *r)
{
	free(r->host);
	free(r->address);
	free(r->summary);
	for (size_t i = 0; i < r->nexports; i++) {
		free(r->exports[i].dir);
		strv_free(&r->exports[i].groups);
	}
	free(r->exports);
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		free(r->steps[s].detail);
		strv_free(&r->steps[s].lines);
	}
	memset(r, 0, sizeof *r);
}

struct nfsprobe_result *nfsprobe_result_dup(const struct nfsprobe_result *r)
{
	struct nfsprobe_result *d = xcalloc(1, sizeof *d);

	*d = *r;
	d->host = r->host != NULL ? xstrdup(r->host) : NULL;
	d->address = r->address != NULL ? xstrdup(r->address) : NULL;
	d->summary = r->summary != NULL ? xstrdup(r->summary) : NULL;
	d->exports = r->nexports > 0 ? xcalloc(r->nexports, sizeof *d->exports) : NULL;
	for (size_t i = 0; i < r->nexports; i++) {
		d->exports[i].dir = xstrdup(r->exports[i].dir);
		memset(&d->exports[i].groups, 0, sizeof d->exports[i].groups);
		for (size_t g = 0; g < r->exports[i].groups.n; g++)
			strv_push(&d->exports[i].groups, r->exports[i].groups.v[g]);
	}
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		d->steps[s].detail =
		    r->steps[s].detail != NULL ? xstrdup(r->steps[s].detail) : NULL;
		memset(&d->steps[s].lines, 0, sizeof d->steps[s].lines);
		for (size_t i = 0; i < r->steps[s].lines.n; i++)
			strv_push(&d->steps[s].lines, r->steps[s].lines.v[i]);
	}
	return d;
}

void nfsprobe_result_free(struct nfsprobe_result **rp)
{
	if (*rp == NULL)
		return;
	result_release(*rp);
	free(*rp);
	*rp = NULL;
}

/* --- the set ---------------------------------------------------------------------- */

struct nfsprobe_set *nfsprobe_set_new(void)
{
	struct nfsprobe_set *set = xcalloc(1, sizeof *set);
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
	    sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
	return set;
}

static void probe_free(struct nfsprobe *p)
{
	probe_teardown(p);
	free(p->addr);
	free(p->where);
	free(p->export_path);
	free(p->op_what);
	free(p->msg);
	free(p->file);
	free(p->pattern);
	free(p->readbuf);
	free(p->rt_error);
	result_release(&p->res);
	free(p);
}

void nfsprobe_set_free(struct nfsprobe_set **setp)
{
	struct nfsprobe_set *set = *setp;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		probe_free(set->v[i]);
	free(set->v);
	free(set);
	*setp = NULL;
}

/* The numeric address of host (owned), resolving a name if need be. */
static char *probe_resolve(const char *host, struct err *e)
{
	struct addrinfo hints, *ai = NULL;
	char buf[256]; /* NI_MAXHOST is not POSIX; a numeric address is short */
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
		freeaddrinfo(ai);
		return xstrdup(host);
	}
	hints.ai_flags = 0;
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc != 0) {
		err_set_field(e, "host", "cannot resolve %s: %s", host, gai_strerror(rc));
		return NULL;
	}
	rc = getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(ai);
	if (rc != 0) {
		err_set_field(e, "host", "cannot resolve %s: %s", host, gai_strerror(rc));
		return NULL;
	}
	return xstrdup(buf);
}

/* The bytes the round trip writes: different for every probe. */
static unsigned char *probe_pattern(unsigned seed)
{
	unsigned char *b = xmalloc(NFSPROBE_PATTERN_LEN);
	uint32_t x = 2463534242u ^ seed;

	for (size_t i = 0; i < NFSPROBE_PATTERN_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)(x >> 24);
	}
	return b;
}

struct nfsprobe *nfsprobe_start(struct nfsprobe_set *set, const struct nfsprobe_spec *spec,
                                nfsprobe_done_fn *done, void *arg, struct err *e)
{
	struct nfsprobe *p;
	unsigned want;
	char *addr;

	if (spec == NULL || spec->host == NULL || *spec->host == '\0') {
		err_set_field(e, "host", "no host to probe");
		return NULL;
	}
	if (spec->nfs_version != 0 && spec->nfs_version != 3 && spec->nfs_version != 4) {
		err_set_field(e, "nfs_version", "NFS version %d: only 3 and 4 are probed",
		              spec->nfs_version);
		return NULL;
	}
	if (spec->nfs_port > 65535 || spec->mount_port > 65535) {
		err_set_field(e, "port", "a TCP port is at most 65535");
		return NULL;
	}
	if (spec->step_timeout_ms < 0 || spec->total_timeout_ms < 0) {
		err_set_field(e, "timeout", "a timeout cannot be negative");
		return NULL;
	}
	want = spec->steps & NFSPROBE_WANT_ALL;
	if (spec->steps == 0) {
		want = NFSPROBE_WANT(NFSPROBE_PORTMAP) | NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		       NFSPROBE_WANT(NFSPROBE_MOUNT_NULL) | NFSPROBE_WANT(NFSPROBE_EXPORTS);
		if (spec->export_path != NULL && *spec->export_path != '\0')
			want |= NFSPROBE_WANT(NFSPROBE_ROUNDTRIP);
	} else if (want != spec->steps) {
		err_set_field(e, "steps", "unknown NFS probe steps 0x%x", spec->steps & ~want);
		return NULL;
	}
	if ((want & NFSPROBE_WANT(NFSPROBE_ROUNDTRIP)) &&
	    (spec->export_path == NULL || spec->export_path[0] != '/')) {
		err_set_field(e, "export_path",
		              "the NFS round trip needs the absolute path of an export");
		return NULL;
	}
	addr = probe_resolve(spec->host, e);
	if (addr == NULL)
		return NULL;

	p = xcalloc(1, sizeof *p);
	p->set = set;
	p->done = done;
	p->arg = arg;
	p->addr = addr;
	p->where = strchr(addr, ':') != NULL ? xasprintf("[%s]", addr) : xstrdup(addr);
	p->want = want;
	p->version = spec->nfs_version == 4 ? 4 : 3;
	p->export_path = spec->export_path != NULL ? xstrdup(spec->export_path) : NULL;
	p->step_timeout_ms =
	    spec->step_timeout_ms > 0 ? spec->step_timeout_ms : NFSPROBE_DEFAULT_STEP_TIMEOUT_MS;
	p->total_timeout_ms =
	    spec->total_timeout_ms > 0 ? spec->total_timeout_ms : NFSPROBE_DEFAULT_TOTAL_TIMEOUT_MS;
	p->spec_nfs_port = p->nfs_port = spec->nfs_port;
	p->spec_mount_port = p->mount_port = spec->mount_port;
	p->cur = -1;
	p->start_ms = clock_ms();
	p->res.host = xstrdup(spec->host);
	p->res.address = xstrdup(addr);
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		struct nfsprobe_step_result *sr = &p->res.steps[s];

		sr->step = (enum nfsprobe_step)s;
		sr->name = nfsprobe_step_name((enum nfsprobe_step)s);
		sr->wanted = probe_wants(p, (enum nfsprobe_step)s);
		sr->verdict = NFSPROBE_SKIPPED;
		sr->detail = xstrdup("not requested");
	}
	if (pmap_needed(p) && !p->res.steps[NFSPROBE_PORTMAP].wanted) {
		p->want |= NFSPROBE_WANT(NFSPROBE_PORTMAP);
		p->res.steps[NFSPROBE_PORTMAP].wanted = 1;
	}
	if (probe_wants(p, NFSPROBE_ROUNDTRIP)) {
		unsigned n = ++nfsprobe_file_counter;

		p->file = xasprintf("/.nimadm-tui-probe.%ld.%u.%lld", (long)getpid(), n,
		                    p->start_ms % 1000000);
		p->pattern = probe_pattern(n * 2654435761u ^ (unsigned)getpid());
		p->readbuf = xmalloc(NFSPROBE_PATTERN_LEN);
	}

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->v = xreallocarray(set->v, set->cap, sizeof *set->v);
	}
	set->v[set->n++] = p;
	/* Failures to even queue are recorded here and reported by dispatch. */
	probe_next_step(p);
	probe_advance(p);
	return p;
}

/* --- poll integration --------------------------------------------------------------- */

static int probe_fd(const struct nfsprobe *p)
{
	if (p->finished || p->rpc == NULL || p->rpc_dead)
		return -1;
	return rpc_get_fd(p->rpc);
}

size_t nfsprobe_set_npollfds(const struct nfsprobe_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		if (probe_fd(set->v[i]) >= 0)
			n++;
	return n;
}

size_t nfsprobe_set_fill_pollfds(struct nfsprobe_set *set, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n && n < max; i++) {
		struct nfsprobe *p = set->v[i];
		int fd = probe_fd(p);

		if (fd < 0)
			continue;
		fds[n].fd = fd;
		fds[n].events = (short)rpc_which_events(p->rpc);
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int nfsprobe_set_timeout(const struct nfsprobe_set *set)
{
	long long now = clock_ms(), best = -1;

	for (size_t i = 0; i < set->n; i++) {
		const struct nfsprobe *p = set->v[i];
		long long left;

		if (p->finished || p->fired)
			return 0;
		left = probe_deadline(p) - now;
		if (left < 0)
			left = 0;
		if (p->rpc != NULL && probe_fd(p) < 0 && left > NFSPROBE_NOFD_RETRY_MS)
			left = NFSPROBE_NOFD_RETRY_MS;
		if (best < 0 || left < best)
			best = left;
	}
	if (best > INT32_MAX)
		best = INT32_MAX;
	return (int)best;
}

static short probe_revents(const struct nfsprobe *p, const struct pollfd *fds, size_t n)
{
	int fd = probe_fd(p);
	short re = 0;

	if (fd < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (fds[i].fd == fd)
			re |= fds[i].revents;
	return re;
}

static void probe_service(struct nfsprobe *p, short revents)
{
	if (revents == 0 || p->rpc == NULL || p->rpc_dead)
		return;
	if (revents & (POLLERR | POLLHUP)) {
		int err = 0;
		socklen_t len = sizeof err;

		if (getsockopt(rpc_get_fd(p->rpc), SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
		    err != 0)
			p->sock_err = err;
	}
	if (rpc_service(p->rpc, revents) < 0) {
		p->rpc_dead = 1;
		if (!p->fired) {
			p->fired = 1;
			p->ok = 0;
			probe_record_error(p, rpc_get_error(p->rpc));
		}
	}
}

void nfsprobe_set_dispatch(struct nfsprobe_set *set, const struct pollfd *fds, size_t n)
{
	size_t count = set->n, keep = 0;

	for (size_t i = 0; i < count; i++) {
		struct nfsprobe *p = set->v[i];

		if (p->finished)
			continue;
		probe_service(p, probe_revents(p, fds, n));
		probe_advance(p);
	}
	/* Callbacks may start probes (appended to set->v): index, never cache. */
	for (size_t i = 0; i < set->n; i++) {
		struct nfsprobe *p = set->v[i];

		if (!p->finished || p->reported)
			continue;
		p->reported = 1;
		if (p->done != NULL)
			p->done(p->arg, p, &p->res);
	}
	for (size_t i = 0; i < set->n; i++) {
		struct nfsprobe *p = set->v[i];

		if (p->reported)
			probe_free(p);
		else
			set->v[keep++] = p;
	}
	set->n = keep;
}

size_t nfsprobe_set_active(const struct nfsprobe_set *set)
{
	return set->n;
}

int nfsprobe_set_run(struct nfsprobe_set *set, int max_ms)
{
	long long end = max_ms >= 0 ? clock_ms() + max_ms : -1;
	struct pollfd *fds = NULL;
	size_t cap = 0;
	int rc = 0;

	while (nfsprobe_set_active(set) > 0) {
		size_t want = nfsprobe_set_npollfds(set), n;
		int timeout = nfsprobe_set_timeout(set);

		if (end >= 0) {
			long long left = end - clock_ms();

			if (left <= 0) {
				rc = -1;
				break;
			}
			if (timeout < 0 || timeout > left)
				timeout = (int)left;
		}
		if (want > cap) {
			cap = want;
			fds = xreallocarray(fds, cap, sizeof *fds);
		}
		n = nfsprobe_set_fill_pollfds(set, fds, cap);
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			fatal("nfsprobe: poll: %s", strerror(errno));
		nfsprobe_set_dispatch(set, fds, n);
	}
	free(fds);
	return rc;
}
