/*
 * check_run.c: gathering for the prerequisite checks. The master's commands
 * and each client's `lsnim -l` are queued at once; a defined client is
 * probed with `oslevel -s` by its own transport and by the other one, and
 * only a client that answers gets its other commands. A small scheduler keeps
 * at most max_running commands going (max_per_host on one client) and puts a
 * started client's next commands first, so clients finish one after the
 * other and their results stream out. Each client has a deadline from its
 * first command: every command's timeout is cut to what is left of it, so a
 * dead or hanging client costs its own timeout and nothing more. A client's
 * rules run as soon as its commands and the master's are in.
 */
#include "check_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "inventory.h"

#define CHK_MAX_RUNNING      32
#define CHK_MAX_PER_HOST     4
#define CHK_CMD_TIMEOUT_MS   60000
#define CHK_PROBE_TIMEOUT_MS 20000
#define CHK_HOST_TIMEOUT_MS  120000
#define CHK_NFS_TIMEOUT_MS   20000
#define CHK_OUTPUT_MAX       (16u * 1024 * 1024)
#define CHK_NAME_MAX         64

static void chk_pump(struct check_run *run);
static void chk_progress(struct check_run *run);
static void chk_handle(struct check_run *run, struct chk_cmd *c);

/* ---- the request -------------------------------------------------------------------- */

/* A NIM object, VG or disk name: what AIX allows, never an option. */
static int chk_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CHK_NAME_MAX || s[0] == '-' || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return 0;
	}
	return 1;
}

/* Splits a comma or blank separated list into out; 0, or -1 naming the bad word. */
static int chk_split(const char *s, struct strv *out, const char *field, const char *what,
                     struct err *e)
{
	while (s != NULL && *s != '\0') {
		size_t n;
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		n = strcspn(s, ", \t");
		if (n == 0)
			break;
		if (!chk_name_ok(s, n)) {
			char *w = xstrndup(s, n);
			char *shown = cmd_escape_display(w, strlen(w));
			err_set_field(e, field,
			              "%s '%s' is not a valid name (letters, digits, _ . -)", what,
			              shown);
			free(shown);
			free(w);
			return -1;
		}
		{
			char *w = xstrndup(s, n);
			int dup = 0;
			for (size_t i = 0; i < out->n; i++)
				dup |= strcmp(out->v[i], w) == 0;
			if (!dup)
				strv_push(out, w);
			free(w);
		}
		s += n;
	}
	return 0;
}

static int chk_one_name(const char *v, const char *field, const char *what, int required,
                        struct err *e)
{
	if (v == NULL || *v == '\0') {
		if (required) {
			err_set_field(e, field, "%s is required", what);
			return -1;
		}
		return 0;
	}
	if (!chk_name_ok(v, strlen(v))) {
		char *shown = cmd_escape_display(v, strlen(v));
		err_set_field(e, field, "%s '%s' is not a valid name (letters, digits, _ . -)",
		              what, shown);
		free(shown);
		return -1;
	}
	return 0;
}

/*
 * One --nfs-export value, "PATH" or "HOST:PATH": *host is the host part (owned,
 * NULL for every client), *path points into s. A path is absolute, bounded and
 * free of control characters: it goes to a mount request, never to a shell, but
 * it is shown in reports. 0, or -1 with e (field "nfs_export").
 */
static int chk_nfs_export_parse(const char *s, char **host, const char **path, struct err *e)
{
	char *shown;
	size_t n;

	*host = NULL;
	*path = NULL;
	if (s == NULL || *s == '\0') {
		err_set_field(e, "nfs_export", "an NFS export is empty: give PATH or CLIENT:PATH");
		return -1;
	}
	if (s[0] == '/') {
		*path = s;
	} else {
		const char *colon = strchr(s, ':');
		if (colon == NULL || colon[1] != '/') {
			shown = cmd_escape_display(s, strnlen(s, 128));
			err_set_field(
			    e, "nfs_export",
			    "NFS export '%s%s' is not an absolute path (PATH or CLIENT:PATH)",
			    shown, strlen(s) > 128 ? "..." : "");
			free(shown);
			return -1;
		}
		if (!chk_name_ok(s, (size_t)(colon - s))) {
			shown = cmd_escape_display(
			    s, (size_t)(colon - s) < 128 ? (size_t)(colon - s) : 128);
			err_set_field(
			    e, "nfs_export",
			    "NFS export for '%s': not a valid client name (letters, digits, _ . -)",
			    shown);
			free(shown);
			return -1;
		}
		*host = xstrndup(s, (size_t)(colon - s));
		*path = colon + 1;
	}
	n = strlen(*path);
	if (n > CHECK_NFS_EXPORT_MAX) {
		err_set_field(e, "nfs_export", "NFS export path is %zu bytes long; at most %d", n,
		              CHECK_NFS_EXPORT_MAX);
		goto bad;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)(*path)[i];
		if (ch < 0x20 || ch == 0x7f) {
			err_set_field(
			    e, "nfs_export",
			    "NFS export path has a control character (0x%02x) at byte %zu", ch,
			    i + 1);
			goto bad;
		}
	}
	return 0;
bad:
	free(*host);
	*host = NULL;
	*path = NULL;
	return -1;
}

/* Every --nfs-export: well formed, each host at most once, clients among those named. */
static int chk_nfs_exports_validate(const struct check_request *req, const struct strv *clients,
                                    struct err *e)
{
	struct strv seen = { 0 };
	int rc = 0;

	for (size_t i = 0; i < req->nnfs_exports && rc == 0; i++) {
		char *host;
		const char *path, *key;
		if ((rc = chk_nfs_export_parse(req->nfs_exports[i], &host, &path, e)) != 0)
			break;
		key = host != NULL ? host : "";
		for (size_t k = 0; k < seen.n && rc == 0; k++)
			if (strcmp(seen.v[k], key) == 0) {
				err_set_field(e, "nfs_export",
				              "an NFS export is named twice for %s",
				              host != NULL ? host : "every client");
				rc = -1;
			}
		if (rc == 0 && host != NULL && strcmp(host, "master") != 0 && !req->all_clients) {
			int found = 0;
			for (size_t k = 0; k < clients->n; k++)
				found |= strcmp(clients->v[k], host) == 0;
			if (!found) {
				err_set_field(
				    e, "nfs_export",
				    "NFS export for %s, which is not among the clients checked",
				    host);
				rc = -1;
			}
		}
		strv_push(&seen, key);
		free(host);
	}
	strv_free(&seen);
	return rc;
}

int check_request_validate(const struct check_request *req, struct err *e)
{
	struct strv sv = { 0 };
	int rc = 0;

	if (!req->all_clients) {
		rc = chk_split(req->clients, &sv, "client", "client", e);
		if (rc == 0 && sv.n == 0) {
			err_set_field(e, "client", "a client is required (or all clients)");
			rc = -1;
		}
	}
	if (rc == 0)
		rc = chk_one_name(req->spot, "spot", "SPOT", 1, e);
	if (rc == 0)
		rc = chk_one_name(req->lpp_source, "lpp_source", "lpp_source", 1, e);
	if (rc == 0)
		rc = chk_one_name(req->cache_vg, "cache_vg", "cache VG", 0, e);
	if (rc == 0)
		rc = chk_nfs_exports_validate(req, &sv, e);
	strv_free(&sv);
	if (rc == 0) {
		rc = chk_split(req->disks, &sv, "disks", "disk", e);
		strv_free(&sv);
	}
	return rc;
}

static const char *nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

void check_request_from_params(struct check_request *req, const struct nimadm_params *p)
{
	memset(req, 0, sizeof *req);
	req->clients = nonempty(params_value(p, PF_CLIENT));
	req->spot = nonempty(params_value(p, PF_SPOT));
	req->lpp_source = nonempty(params_value(p, PF_LPP_SOURCE));
	req->cache_vg = nonempty(params_value(p, PF_CACHE_VG));
	req->disks = nonempty(params_value(p, PF_DISKS));
	req->tl_update = nonempty(params_value(p, PF_TL_UPDATE)) != NULL;
}

/* ---- hosts and commands ---------------------------------------------------------------- */

static void chk_cmd_free(struct chk_cmd *c)
{
	if (c == NULL)
		return;
	strv_free(&c->argv);
	free(c->arg);
	sb_free(&c->out);
	sb_free(&c->err);
	free(c->display);
	free(c);
}

static void chk_host_clear(struct chk_host *h)
{
	for (size_t k = 0; k < CK_NKINDS; k++)
		chk_cmd_free(h->c[k]);
	for (size_t i = 0; i < h->nbootinfo; i++)
		chk_cmd_free(h->bootinfo[i]);
	free(h->bootinfo);
	free(h->name);
	host_free(&h->nim);
	host_free(&h->other);
	aixparse_stanzas_clear(&h->nimst);
	free(h->hostname_owned);
	aixparse_prtconf_clear(&h->prtconf);
	aixparse_lspv_clear(&h->pvs);
	free(h->disks);
	aixparse_vg_clear(&h->vg);
	aixparse_lvs_clear(&h->lvs);
	free(h->address);
	free(h->nfs_skip);
	nfsprobe_result_free(&h->nfs);
}

/* The export a host's NFS probe round-trips through: its own, else (clients) every
 * client's; NULL for none. Points into run. */
static const char *chk_export_for(const struct check_run *run, const char *name)
{
	for (size_t i = 0; i + 1 < run->nfs_export_for.n; i += 2)
		if (strcmp(run->nfs_export_for.v[i], name) == 0)
			return run->nfs_export_for.v[i + 1];
	return strcmp(name, "master") != 0 ? run->nfs_export_all : NULL;
}

static struct chk_host *chk_host_add(struct check_run *run, const char *name)
{
	struct chk_host *h = xcalloc(1, sizeof *h);

	h->run = run;
	h->name = xstrdup(name);
	h->copies = -1;
	h->used_per_copy = -1;
	h->nfs_export = chk_export_for(run, name);
	run->hosts = xreallocarray(run->hosts, run->nhosts + 1, sizeof *run->hosts);
	run->hosts[run->nhosts++] = h;
	return h;
}

/* The command line for evidence: `lspv`, or `rsh aixdb01 lspv` for a client. */
static char *chk_display(const struct chk_cmd *c)
{
	char *line = params_argv_to_line((const char *const *)c->argv.v), *r;

	if (c->where->kind != HOST_NIM)
		return line;
	r = xasprintf("%s %s %s", c->where->connect == NIM_CONNECT_NIMSH ? "c_rsh" : "rsh",
	              c->where->name, line);
	free(line);
	return r;
}

/* Queues a command for owner (the master's own commands: owner = &run->master). */
static struct chk_cmd *chk_queue(struct check_run *run, struct chk_host *owner, enum chk_kind kind,
                                 const struct host *where, int timeout_ms, const char *arg,
                                 const char *const *argv, int first)
{
	struct chk_cmd *c = xcalloc(1, sizeof *c);

	c->run = run;
	c->owner = owner;
	c->kind = kind;
	c->where = where;
	c->timeout_ms = timeout_ms;
	c->arg = arg != NULL ? xstrdup(arg) : NULL;
	for (size_t i = 0; argv[i] != NULL; i++)
		strv_push(&c->argv, argv[i]);
	c->display = chk_display(c);
	if (kind == CK_C_BOOTINFO) {
		owner->bootinfo =
		    xreallocarray(owner->bootinfo, owner->nbootinfo + 1, sizeof *owner->bootinfo);
		owner->bootinfo[owner->nbootinfo++] = c;
	} else {
		chk_cmd_free(owner->c[kind]);
		owner->c[kind] = c;
	}
	owner->pending++;
	if (first) {
		c->next = run->qhead;
		run->qhead = c;
		if (run->qtail == NULL)
			run->qtail = c;
	} else {
		if (run->qtail != NULL)
			run->qtail->next = c;
		else
			run->qhead = c;
		run->qtail = c;
	}
	return c;
}

static struct chk_cmd *chk_queue_master(struct check_run *run, struct chk_host *owner,
                                        enum chk_kind kind, const char *const *argv)
{
	return chk_queue(run, owner, kind, run->site->master, run->cmd_timeout_ms, NULL, argv,
	                 owner != &run->master);
}

static void chk_cmd_data(void *arg, struct cmd *cmd, enum cmd_stream s, const char *buf, size_t len)
{
	struct chk_cmd *c = arg;

	(void)cmd;
	if (c->out.len + c->err.len + len > CHK_OUTPUT_MAX)
		return;
	sb_add(s == CMD_STDOUT ? &c->out : &c->err, buf, len);
}

/* Tears the run down; only when nothing of it runs and no handler is on the stack. */
static void chk_destroy(struct check_run *run)
{
	struct chk_cmd *c;

	while ((c = run->qhead) != NULL) {
		run->qhead = c->next;
		c->next = NULL;
	}
	nfsprobe_set_free(&run->nfsset);
	for (size_t i = 0; i < run->nhosts; i++) {
		chk_host_clear(run->hosts[i]);
		free(run->hosts[i]);
	}
	free(run->hosts);
	chk_host_clear(&run->master);
	strv_free(&run->clients);
	strv_free(&run->disks);
	free(run->nfs_export_all);
	strv_free(&run->nfs_export_for);
	free(run->spot);
	free(run->lpp);
	free(run->cache_vg);
	aixparse_stanzas_clear(&run->master_st);
	aixparse_stanzas_clear(&run->spot_st);
	aixparse_stanzas_clear(&run->lpp_st);
	aixparse_stanzas_clear(&run->mksysbs);
	aixparse_prtconf_clear(&run->master_prtconf);
	aixparse_filesets_clear(&run->master_fs);
	aixparse_filesets_clear(&run->spot_fs);
	aixparse_filesets_clear(&run->lpp_fs);
	aixparse_vg_clear(&run->cache);
	free(run->master_hostname_owned);
	check_report_free(&run->report);
	free(run);
}

/* After a top-level event: a finished or abandoned run with nothing left goes away. */
static void chk_after_event(struct check_run *run)
{
	if (run->depth > 0)
		return;
	if ((run->finished || run->abandoned) && run->nrunning == 0)
		chk_destroy(run);
}

static void chk_cmd_done(void *arg, struct cmd *cmd, const struct cmd_result *r)
{
	struct chk_cmd *c = arg;
	struct check_run *run = c->run;

	(void)cmd;
	c->cmd = NULL;
	c->res = *r;
	c->state = CHK_DONE;
	run->nrunning--;
	c->owner->running--;
	run->depth++;
	if (!run->abandoned && !run->finished) {
		chk_handle(run, c);
		chk_pump(run);
	}
	run->depth--;
	chk_after_event(run);
}

/* Records a command that never ran as done with why, then handles it. */
static void chk_cmd_not_run(struct check_run *run, struct chk_cmd *c, int timed_out,
                            const char *why)
{
	memset(&c->res, 0, sizeof c->res);
	c->res.status = timed_out ? 128 + 15 : 127;
	c->res.timed_out = timed_out;
	c->res.start_errno = timed_out ? 0 : -1;
	c->res.via_status = -1;
	str_copy(c->res.errmsg, why, sizeof c->res.errmsg);
	c->state = CHK_DONE;
	chk_handle(run, c);
}

static void chk_start(struct check_run *run, struct chk_cmd *c)
{
	struct chk_host *h = c->owner;
	struct cmd_cb cb = { .data = chk_cmd_data, .done = chk_cmd_done, .arg = c };
	struct cmd_spec spec = { .host = c->where, .argv = strv_argv(&c->argv) };
	int to = c->timeout_ms;
	struct err e;

	if (!h->is_master) {
		long long now = clock_ms(), left;
		if (h->deadline == 0)
			h->deadline = now + run->host_timeout_ms;
		left = h->deadline - now;
		if (left <= 0) {
			char why[128];
			snprintf(why, sizeof why, "not run: the host's %d ms were up",
			         run->host_timeout_ms);
			chk_cmd_not_run(run, c, 1, why);
			return;
		}
		if (to <= 0 || left < to)
			to = (int)left;
	}
	spec.timeout_ms = to;
	err_clear(&e);
	c->state = CHK_RUNNING;
	c->cmd = cmd_start(run->set, &spec, &cb, &e);
	if (c->cmd == NULL) {
		chk_cmd_not_run(run, c, 0, e.msg[0] != '\0' ? e.msg : "could not start");
		return;
	}
	run->nrunning++;
	h->running++;
}

static void chk_pump(struct check_run *run)
{
	struct chk_cmd *prev, *c;

	if (run->abandoned || run->finished)
		return;
	while (run->nrunning < (size_t)run->max_running) {
		prev = NULL;
		for (c = run->qhead; c != NULL; prev = c, c = c->next)
			if (c->owner->is_master || c->owner->running < (size_t)run->max_per_host)
				break;
		if (c == NULL)
			break;
		if (prev != NULL)
			prev->next = c->next;
		else
			run->qhead = c->next;
		if (run->qtail == c)
			run->qtail = prev;
		c->next = NULL;
		chk_start(run, c);
		if (run->abandoned || run->finished)
			return;
	}
	chk_progress(run);
}

/* ---- reading outputs -------------------------------------------------------------------- */

/* Did it end by itself (not timed out, cancelled or unstartable)? */
static int chk_cmd_ended(const struct chk_cmd *c)
{
	return c != NULL && c->state == CHK_DONE && c->res.exited && !c->res.timed_out &&
	       !c->res.cancelled && c->res.start_errno == 0;
}

int chk_cmd_ran(const struct chk_cmd *c)
{
	return chk_cmd_ended(c) && !c->res.remote_lost;
}

const char *chk_out(const struct chk_cmd *c, size_t *len)
{
	*len = c->out.len;
	return sb_str(&c->out);
}

char *chk_both(const struct chk_cmd *c, size_t *len)
{
	char *s = xasprintf("%s\n%s", sb_str(&c->out), sb_str(&c->err));
	*len = strlen(s);
	return s;
}

/* The first non-blank line of s, trimmed, owned; NULL if none. */
static char *chk_first_line(const char *s)
{
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = str_trim(xstrndup(s, n));
		if (*line != '\0')
			return line;
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return NULL;
}

char *chk_cmd_why(const struct chk_cmd *c)
{
	char *line;

	if (c->res.timed_out || c->res.cancelled || c->res.start_errno != 0)
		return xstrdup(c->res.errmsg[0] != '\0' ? c->res.errmsg : "did not run");
	if ((line = chk_first_line(sb_str(&c->err))) != NULL)
		return line;
	if (c->res.remote_lost)
		return xstrdup(c->res.errmsg[0] != '\0' ? c->res.errmsg : "not reached");
	if (!c->res.exited)
		return xasprintf("killed by signal %d", c->res.signal);
	if (c->res.status != 0)
		return xasprintf("exit status %d", c->res.status);
	return xstrdup("printed nothing");
}

/* ---- master facts ------------------------------------------------------------------------- */

static int chk_stanzas(const struct chk_cmd *c, struct aix_stanzas *ss)
{
	size_t len;
	const char *t;

	if (!chk_cmd_ran(c) || c->out.len == 0)
		return -1;
	t = chk_out(c, &len);
	if (aixparse_lsnim_long(t, len, ss, NULL) != 0) {
		aixparse_stanzas_clear(ss);
		return -1;
	}
	return 0;
}

/* The level NIM gives a resource: oslevel_s, else oslevel_r, else version.release.mod. */
static int chk_stanza_level(const struct aix_stanza *st, struct aix_level *l)
{
	const char *s = aixparse_stanza_get(st, "oslevel_s");
	const char *rr = aixparse_stanza_get(st, "oslevel_r");
	const char *v = aixparse_stanza_get(st, "version");
	const char *rel = aixparse_stanza_get(st, "release");
	const char *mod = aixparse_stanza_get(st, "mod");

	if ((s != NULL && level_parse_oslevel(s, l, NULL) == 0) ||
	    (rr != NULL && level_parse_oslevel(rr, l, NULL) == 0))
		return 0;
	if (v != NULL && rel != NULL && str_to_ll(v) >= 0 && str_to_ll(v) < 100 &&
	    str_to_ll(rel) >= 0 && str_to_ll(rel) < 100) {
		l->version = (int)str_to_ll(v);
		l->release = (int)str_to_ll(rel);
		l->tl = mod != NULL && str_to_ll(mod) >= 0 && str_to_ll(mod) < 100
		            ? (int)str_to_ll(mod)
		            : -1;
		l->sp = l->build = -1;
		return 0;
	}
	return -1;
}

/* The stanza named name in ss, when it is of type type (any type when NULL). */
static const struct aix_stanza *chk_find_stanza(const struct aix_stanzas *ss, const char *name)
{
	return aixparse_stanzas_find(ss, name);
}

static int chk_filesets(const struct chk_cmd *c, struct aix_filesets *fs, int both)
{
	size_t len;
	int rc;

	if (!chk_cmd_ran(c))
		return -1;
	if (both) {
		char *t = chk_both(c, &len);
		rc = aixparse_lslpp_l(t, len, fs, NULL);
		free(t);
	} else {
		const char *t = chk_out(c, &len);
		rc = len > 0 ? aixparse_lslpp(t, len, fs, NULL) : -1;
	}
	if (rc != 0 || (!both && fs->n == 0)) {
		aixparse_filesets_clear(fs);
		return -1;
	}
	return 0;
}

/* lsnim -l master, once: run->master_st and the master's host name (if1). */
static void chk_master_st(struct check_run *run)
{
	const struct aix_stanza *st;
	const char *if1;

	if (run->master_st_parsed)
		return;
	run->master_st_parsed = 1;
	if (chk_stanzas(run->master.c[CK_M_MASTER], &run->master_st) == 0 &&
	    (st = chk_find_stanza(&run->master_st, "master")) != NULL &&
	    (if1 = aixparse_stanza_get(st, "if1")) != NULL) {
		/* if1 = NETWORK HOSTNAME MAC */
		char *copy = xstrdup(if1), *save = NULL, *w = strtok_r(copy, " ", &save);
		if (w != NULL && (w = strtok_r(NULL, " ", &save)) != NULL)
			run->master_hostname = run->master_hostname_owned = xstrdup(w);
		free(copy);
	}
}

static void chk_master_facts(struct check_run *run)
{
	struct chk_host *m = &run->master;
	struct chk_cmd *c;
	size_t len;

	chk_master_st(run);
	c = m->c[CK_M_OSLEVEL];
	if (chk_cmd_ran(c) && c->out.len > 0 &&
	    aixparse_oslevel(chk_out(c, &len), c->out.len, &run->master_level, NULL) == 0) {
		run->have_master_level = 1;
		level_format_oslevel(&run->master_level, run->master_level_str,
		                     sizeof run->master_level_str);
	}
	c = m->c[CK_M_PRTCONF];
	if (chk_cmd_ran(c) && c->out.len > 0 &&
	    aixparse_prtconf(chk_out(c, &len), c->out.len, &run->master_prtconf, NULL) == 0)
		run->have_master_prtconf = 1;
	else
		aixparse_prtconf_clear(&run->master_prtconf);
	run->have_master_fs = chk_filesets(m->c[CK_M_LSLPP], &run->master_fs, 1) == 0;
	if (chk_stanzas(m->c[CK_M_SPOT], &run->spot_st) == 0)
		run->spot_stz = chk_find_stanza(&run->spot_st, run->spot);
	if (chk_stanzas(m->c[CK_M_LPP], &run->lpp_st) == 0)
		run->lpp_stz = chk_find_stanza(&run->lpp_st, run->lpp);
	run->have_spot_fs = chk_filesets(m->c[CK_M_SPOT_LSLPP], &run->spot_fs, 0) == 0;
	run->have_lpp_fs = chk_filesets(m->c[CK_M_LPP_SHOWRES], &run->lpp_fs, 0) == 0;
	if (run->spot_stz != NULL) {
		const char *type = aixparse_stanza_get(run->spot_stz, "type");
		if (type != NULL && strcmp(type, "spot") == 0 &&
		    chk_stanza_level(run->spot_stz, &run->target) == 0) {
			run->have_target = 1;
			level_format_oslevel(&run->target, run->target_str, sizeof run->target_str);
		}
	}
	if (run->lpp_stz != NULL) {
		if (chk_stanza_level(run->lpp_stz, &run->lpp_level) == 0) {
			run->have_lpp_level = 1;
			run->lpp_level_from = "lsnim -l";
		}
	}
	if (!run->have_lpp_level && run->have_lpp_fs) {
		/* bos.rte V.R.M.F: M is the technology level. */
		const char *lv = inventory_fileset_level(&run->lpp_fs, "bos.rte");
		struct vrmf v;
		if (lv != NULL && level_parse_vrmf(lv, &v, NULL) == 0 && v.part[0] < 10 &&
		    v.part[1] < 10 && v.part[2] < 100) {
			run->lpp_level.version = (int)v.part[0];
			run->lpp_level.release = (int)v.part[1];
			run->lpp_level.tl = (int)v.part[2];
			run->lpp_level.sp = run->lpp_level.build = -1;
			run->have_lpp_level = 1;
			run->lpp_level_from = "bos.rte in nim -o showres";
		}
	}
	if (run->have_lpp_level)
		level_format_oslevel(&run->lpp_level, run->lpp_level_str,
		                     sizeof run->lpp_level_str);
	if (chk_stanzas(m->c[CK_M_MKSYSBS], &run->mksysbs) != 0)
		memset(&run->mksysbs, 0, sizeof run->mksysbs);
	c = m->c[CK_M_CACHE_VG];
	if (c != NULL && chk_cmd_ran(c)) {
		char *t = chk_both(c, &len);
		if (aixparse_lsvg(t, len, &run->cache, NULL) == 0)
			run->have_cache = 1;
		else
			aixparse_vg_clear(&run->cache);
		free(t);
	}
}

/* ---- client facts ------------------------------------------------------------------------ */

static void chk_client_facts(struct chk_host *h)
{
	struct chk_cmd *c;
	size_t len;
	int hd4 = 0, most = 1;

	c = h->c[CK_C_PRTCONF];
	if (chk_cmd_ran(c) && c->out.len > 0 &&
	    aixparse_prtconf(chk_out(c, &len), c->out.len, &h->prtconf, NULL) == 0)
		h->have_prtconf = 1;
	else
		aixparse_prtconf_clear(&h->prtconf);
	c = h->c[CK_C_LSVG];
	if (chk_cmd_ran(c) && c->out.len > 0) {
		char *t = chk_both(c, &len);
		if (aixparse_lsvg(t, len, &h->vg, NULL) == 0 && !h->vg.varied_off)
			h->have_vg = 1;
		else
			aixparse_vg_clear(&h->vg);
		free(t);
	}
	c = h->c[CK_C_LSVG_L];
	if (chk_cmd_ran(c) && c->out.len > 0 &&
	    aixparse_lsvg_l(chk_out(c, &len), c->out.len, &h->lvs, NULL) == 0)
		h->have_lvs = 1;
	else
		aixparse_lvs_clear(&h->lvs);
	for (size_t i = 0; i < h->lvs.n; i++) {
		if (h->lvs.v[i].copies > most)
			most = h->lvs.v[i].copies;
		if (strcmp(h->lvs.v[i].name, "hd4") == 0)
			hd4 = h->lvs.v[i].copies;
	}
	/* / decides (the dump LV is often not mirrored); else the most copies seen. */
	if (h->have_lvs && h->lvs.n > 0)
		h->copies = hd4 > 0 ? hd4 : most;
	if (h->have_vg && h->vg.used_mb >= 0 && h->copies > 0)
		h->used_per_copy = h->vg.used_mb / h->copies;
	/* lspv was parsed when it came (bootinfo needed the names); sizes now. */
	for (size_t i = 0; i < h->ndisks; i++) {
		struct chk_disk *d = &h->disks[i];
		c = d->bootinfo;
		d->size_mb = -1;
		if (c != NULL && chk_cmd_ran(c) && c->out.len > 0)
			(void)aixparse_disk_size(chk_out(c, &len), c->out.len, &d->size_mb, NULL);
	}
}

/* ---- results ---------------------------------------------------------------------------- */

void chk_set(struct check_result *r, enum check_status s, const char *fmt, ...)
{
	va_list ap;

	r->status = s;
	free(r->summary);
	va_start(ap, fmt);
	r->summary = xvasprintf(fmt, ap);
	va_end(ap);
}

void chk_var(struct check_ctx *x, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = xvasprintf(fmt, ap);
	va_end(ap);
	/* A later value replaces an earlier one. */
	for (size_t i = 0; i + 1 < x->vars.n; i += 2)
		if (strcmp(x->vars.v[i], name) == 0) {
			free(x->vars.v[i + 1]);
			x->vars.v[i + 1] = v;
			return;
		}
	strv_push(&x->vars, name);
	strv_push(&x->vars, v);
	free(v);
}

static const char *chk_var_get(const struct check_ctx *x, const char *name, size_t n)
{
	for (size_t i = 0; i + 1 < x->vars.n; i += 2)
		if (strlen(x->vars.v[i]) == n && strncmp(x->vars.v[i], name, n) == 0)
			return x->vars.v[i + 1];
	return NULL;
}

void chk_fix(struct check_ctx *x, struct check_result *r, const char *section)
{
	char *name = xasprintf("checks/%s.txt", r->check), *head;
	const struct embedded_file *f = help_find(name);
	struct strbuf sb = { 0 };
	const char *s;
	int in = 0;

	free(name);
	if (f == NULL)
		return;
	head = xasprintf("[%s]", section);
	for (s = f->data; *s != '\0';) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if (n > 0 && s[0] == '[') {
			in = n == strlen(head) && strncmp(s, head, n) == 0;
		} else if (in && !(n > 0 && s[0] == '#')) {
			/* Fill the {name} placeholders; an unknown one stays as written. */
			for (size_t i = 0; i < n; i++) {
				const char *close;
				const char *v;
				if (s[i] == '{' && (close = memchr(s + i, '}', n - i)) != NULL &&
				    (v = chk_var_get(x, s + i + 1, (size_t)(close - s - i - 1))) !=
				        NULL) {
					sb_adds(&sb, v);
					i = (size_t)(close - s);
				} else {
					sb_addc(&sb, s[i]);
				}
			}
			sb_addc(&sb, '\n');
		}
		s += n + (nl != NULL);
	}
	free(head);
	while (sb.len > 0 && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0';
	s = sb_str(&sb);
	while (*s == '\n')
		s++;
	if (*s != '\0') {
		char *joined = r->fix != NULL ? xasprintf("%s\n%s", r->fix, s) : xstrdup(s);
		free(r->fix);
		r->fix = joined;
	}
	sb_free(&sb);
}

struct check_evidence *chk_ev(struct check_result *r, const struct chk_cmd *c)
{
	struct check_evidence *ev;

	/* The same command twice in one result: one entry. */
	for (size_t i = 0; c != NULL && i < r->nevidence; i++)
		if (r->evidence[i].command != NULL &&
		    strcmp(r->evidence[i].command, c->display) == 0)
			return &r->evidence[i];
	r->evidence = xreallocarray(r->evidence, r->nevidence + 1, sizeof *r->evidence);
	ev = &r->evidence[r->nevidence++];
	memset(ev, 0, sizeof *ev);
	ev->status = -1;
	ev->via_status = -1;
	if (c == NULL)
		return ev;
	ev->host = xstrdup(c->where->kind == HOST_NIM ? c->where->name : "master");
	ev->command = xstrdup(c->display);
	if (c->where->kind == HOST_NIM && c->where->remote_status && c->state == CHK_DONE)
		ev->via_status = c->res.via_status;
	if (chk_cmd_ran(c))
		ev->status = c->res.status;
	if (c->res.timed_out || c->res.cancelled || c->res.start_errno != 0 || c->state != CHK_DONE)
		ev->note = xstrdup(c->res.errmsg[0] != '\0' ? c->res.errmsg : "did not run");
	else if (c->res.remote_lost)
		/* rsh's own status is not the command's: it says how the connection went */
		ev->note = xasprintf("%s exit %d; no exit status came back: not reached",
		                     c->where->connect == NIM_CONNECT_NIMSH ? "c_rsh" : "rsh",
		                     c->res.via_status);
	else if (ev->via_status >= 0 && ev->via_status != ev->status)
		ev->note = xasprintf("%s exit %d",
		                     c->where->connect == NIM_CONNECT_NIMSH ? "c_rsh" : "rsh",
		                     ev->via_status);
	else if (c->where->kind == HOST_NIM && !c->where->remote_status &&
	         c->where->connect == NIM_CONNECT_SHELL)
		ev->note = xstrdup("rsh does not pass the remote exit status");
	return ev;
}

void chk_ev_line(struct check_evidence *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (ev->lines.n >= CHK_EVIDENCE_LINES)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	strv_push(&ev->lines, s);
	free(s);
}

static size_t chk_grep_text(struct check_evidence *ev, const char *s, const char *needle,
                            size_t max, size_t got)
{
	while (*s != '\0' && got < max && ev->lines.n < CHK_EVIDENCE_LINES) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n);
		size_t l = strlen(line);
		while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = '\0';
		if (needle != NULL ? strstr(line, needle) != NULL
		                   : line[strspn(line, " \t")] != '\0') {
			strv_push(&ev->lines, line);
			got++;
		}
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return got;
}

size_t chk_ev_grep(struct check_evidence *ev, const struct chk_cmd *c, const char *needle,
                   size_t max)
{
	size_t got;

	if (c == NULL)
		return 0;
	got = chk_grep_text(ev, sb_str(&c->out), needle, max, 0);
	return chk_grep_text(ev, sb_str(&c->err), needle, max, got);
}

void chk_ev_attr(struct check_evidence *ev, const struct aix_stanza *st, const char *attr)
{
	for (size_t i = 0; st != NULL && i < st->nattrs; i++)
		if (strcmp(st->attrs[i].name, attr) == 0)
			chk_ev_line(ev, "   %s = %s", attr, st->attrs[i].value);
}

struct chk_cmd *chk_cmd_of(struct check_ctx *x, enum chk_kind k)
{
	if (k < CK_C_LSNIM)
		return x->run->master.c[k];
	return x->h->c[k];
}

struct chk_cmd *chk_need(struct check_ctx *x, struct check_result *r, enum chk_kind k,
                         int allow_err)
{
	struct chk_cmd *c = chk_cmd_of(x, k);
	char *why;

	if (k >= CK_C_PROBE && k != CK_C_OTHER && !x->h->is_master && !x->h->reachable) {
		struct chk_cmd *p = x->h->c[CK_C_PROBE];
		if (p != NULL) {
			chk_ev_grep(chk_ev(r, p), p, NULL, 3);
			r->timed_out = p->res.timed_out;
			why = chk_cmd_why(p);
			if (p->res.remote_lost)
				chk_set(r, CHECK_ERROR, "not checked: %s was not reached (%s)",
				        x->h->name, why);
			else if (chk_cmd_ran(p))
				chk_set(
				    r, CHECK_ERROR,
				    "not checked: %s answered, but oslevel -s gave no level (%s)",
				    x->h->name, why);
			else
				chk_set(r, CHECK_ERROR, "not checked: %s did not answer (%s)",
				        x->h->name, why);
			free(why);
		} else {
			chk_set(r, CHECK_ERROR, "not checked: %s was not contacted", x->h->name);
		}
		return NULL;
	}
	if (c == NULL) {
		chk_set(r, CHECK_ERROR, "not checked: the command was not run");
		return NULL;
	}
	if (!chk_cmd_ran(c)) {
		struct check_evidence *ev = chk_ev(r, c);
		chk_ev_grep(ev, c, NULL, 3);
		r->timed_out = c->res.timed_out;
		why = chk_cmd_why(c);
		if (c->res.remote_lost)
			/* rsh or c_rsh did not get there: the client is the matter */
			chk_set(r, CHECK_ERROR, "not checked: %s was not reached: %s: %s",
			        c->where->name, c->display, why);
		else
			chk_set(r, CHECK_ERROR, "not checked: %s: %s", c->display, why);
		free(why);
		return NULL;
	}
	if (c->out.len == 0 && !(allow_err && (c->err.len > 0 || c->res.status == 0))) {
		struct check_evidence *ev = chk_ev(r, c);
		chk_ev_grep(ev, c, NULL, 3);
		why = chk_cmd_why(c);
		chk_set(r, CHECK_ERROR, "not checked: %s: %s", c->display, why);
		free(why);
		return NULL;
	}
	return c;
}

int chk_release(const struct aix_level *l)
{
	return l->version * 10 + l->release;
}

/* Runs one rule for host h and hands the result on. */
static void chk_eval(struct check_run *run, struct chk_host *h, const struct check_def *d)
{
	struct check_result *r;
	struct check_ctx x;
	struct check_report *rep = run->report;

	if (run->abandoned || run->master_unreachable)
		return;
	r = xcalloc(1, sizeof *r);
	r->def = d;
	r->check = d->id;
	r->host = xstrdup(h->name);
	r->status = CHECK_PASS;
	r->needed_mb = -1;
	memset(&x, 0, sizeof x);
	x.run = run;
	x.h = h;
	chk_var(&x, "client", "%s", h->is_master ? "CLIENT" : h->name);
	chk_var(&x, "master", "%s", run->master_hostname != NULL ? run->master_hostname : "master");
	chk_var(&x, "spot", "%s", run->spot);
	chk_var(&x, "lpp_source", "%s", run->lpp);
	chk_var(&x, "cache_vg", "%s", run->cache_vg != NULL ? run->cache_vg : "cachevg");
	chk_var(&x, "target", "%s", run->have_target ? run->target_str : "the target level");
	if (run->lpp_stz != NULL && aixparse_stanza_get(run->lpp_stz, "location") != NULL)
		chk_var(&x, "lpp_location", "%s", aixparse_stanza_get(run->lpp_stz, "location"));
	else
		chk_var(&x, "lpp_location", "/export/nim/lpp_source/%s", run->lpp);
	if (!h->is_master && !h->defined && strcmp(d->id, "client.defined") != 0) {
		chk_set(r, CHECK_SKIPPED, "not checked: %s is not a NIM standalone client",
		        h->name);
	} else {
		d->rule(&x, r);
		if (r->summary == NULL)
			r->summary = xstrdup("");
	}
	strv_free(&x.vars);
	rep->results = xreallocarray(rep->results, rep->nresults + 1, sizeof *rep->results);
	rep->results[rep->nresults++] = r;
	rep->counts[r->status]++;
	if (run->cb.result != NULL)
		run->cb.result(run->cb.arg, r);
}

/*
 * The master could not be reached at all (ssh refused the host key or the
 * key, no route, not a NIM master): every master command failed to start.
 * One error then says it, instead of a failed check per command.
 */
static int chk_master_unreachable(struct check_run *run)
{
	const struct chk_cmd *first = NULL;

	for (size_t k = 0; k < CK_NKINDS; k++) {
		const struct chk_cmd *c = run->master.c[k];
		if (c == NULL)
			continue;
		if (chk_cmd_ran(c) || c->res.start_errno == 0)
			return 0;
		if (first == NULL)
			first = c;
	}
	if (first == NULL)
		return 0;
	free(run->report->error);
	run->report->error =
	    xasprintf("cannot run commands on the NIM master: %s",
	              first->res.errmsg[0] != '\0' ? first->res.errmsg : "could not start");
	return 1;
}

/* Checks of the master evaluated with the job's, after the clients: the master's
 * NFS probe runs beside the clients' work and must not hold their results. */
static int chk_def_late(const struct check_def *d)
{
	return !d->per_client && (d->scope == CHECK_SCOPE_JOB || d->rule == chk_rule_master_nfs);
}

/* The master's and the resources' results, once the master's facts are in. */

static void chk_eval_master(struct check_run *run)
{
	if ((run->master_unreachable = chk_master_unreachable(run)) != 0)
		return;
	chk_master_facts(run);
	for (size_t i = 0; i < check_def_count() && !run->abandoned; i++) {
		const struct check_def *d = check_def_at(i);
		if (!d->per_client && !chk_def_late(d))
			chk_eval(run, &run->master, d);
	}
}

static void chk_eval_client(struct chk_host *h)
{
	struct check_run *run = h->run;

	h->finished = 1;
	chk_client_facts(h);
	for (size_t i = 0; i < check_def_count() && !run->abandoned; i++) {
		const struct check_def *d = check_def_at(i);
		if (d->per_client)
			chk_eval(run, h, d);
	}
	if (!run->abandoned && run->cb.host_done != NULL)
		run->cb.host_done(run->cb.arg, h->name, h->timed_out);
}

/*
 * Evaluates whatever is ready: the master once its commands are in, each
 * client once its commands and NFS probe are in (and the master's), and the
 * job's last rules and `done` once every client is. Idempotent; called
 * after every event.
 */
static void chk_progress(struct check_run *run)
{
	struct check_report *rep;
	struct check_cb cb = run->cb;

	if (run->starting || run->finished || run->abandoned)
		return;
	if (!run->master_done) {
		if (run->master.pending > 0)
			return;
		run->master_done = 1;
		chk_eval_master(run);
	}
	for (size_t i = 0; i < run->nhosts && !run->abandoned; i++) {
		struct chk_host *h = run->hosts[i];
		if (!h->finished && h->pending == 0 && !h->nfs_pending)
			chk_eval_client(h);
	}
	if (run->abandoned || (run->all_clients && !run->clients_listed))
		return;
	for (size_t i = 0; i < run->nhosts; i++)
		if (!run->hosts[i]->finished)
			return;
	if (run->master.nfs_pending)
		return;
	for (size_t i = 0; i < check_def_count() && !run->abandoned; i++) {
		const struct check_def *d = check_def_at(i);
		if (chk_def_late(d))
			chk_eval(run, &run->master, d);
	}
	if (run->abandoned)
		return;
	rep = run->report;
	strv_push(&rep->hosts, "master");
	for (size_t i = 0; i < run->nhosts; i++) {
		strv_push(&rep->hosts, run->hosts[i]->name);
		if (run->hosts[i]->timed_out)
			strv_push(&rep->timed_out, run->hosts[i]->name);
	}
	if (run->have_target)
		str_copy(rep->target, run->target_str, sizeof rep->target);
	rep->duration_ms = clock_ms() - run->start_ms;
	run->finished = 1;
	run->report = NULL;
	if (cb.host_done != NULL)
		cb.host_done(cb.arg, "master", 0);
	cb.done(cb.arg, rep);
}

/* ---- handlers ------------------------------------------------------------------------------- */

/* The client's remaining commands, once it answered. */
static void chk_client_rest(struct check_run *run, struct chk_host *h)
{
	static const char *const ncargs[] = { "lsattr", "-El", "sys0", "-a", "ncargs", NULL };
	static const char *const tcb[] = { "odmget", "-q", "attribute=TCB_STATE", "PdAt", NULL };
	static const char *const prtconf[] = { "prtconf", NULL };
	static const char *const lspv[] = { "lspv", NULL };
	static const char *const lsvg[] = { "lsvg", "rootvg", NULL };
	static const char *const lsvg_l[] = { "lsvg", "-l", "rootvg", NULL };
	static const char *const lppchk[] = { "lppchk", "-v", NULL };
	static const char *const installp[] = { "installp", "-s", NULL };
	static const char *const instfix[] = { "instfix", "-i", NULL };
	static const char *const niminfo[] = { "cat", "/etc/niminfo", NULL };
	static const struct {
		enum chk_kind k;
		const char *const *argv;
	} plan[] = {
		{ CK_C_LSPV, lspv },       { CK_C_LSVG, lsvg },         { CK_C_LSVG_L, lsvg_l },
		{ CK_C_NCARGS, ncargs },   { CK_C_TCB, tcb },           { CK_C_PRTCONF, prtconf },
		{ CK_C_LPPCHK, lppchk },   { CK_C_INSTALLP, installp }, { CK_C_INSTFIX, instfix },
		{ CK_C_NIMINFO, niminfo },
	};

	/* Queued first, in reverse, so they run in plan order before other clients' work. */
	for (size_t i = ARRAY_LEN(plan); i-- > 0;)
		chk_queue(run, h, plan[i].k, h->nim, run->cmd_timeout_ms, NULL, plan[i].argv, 1);
}

static int chk_is_address(const char *s)
{
	unsigned char buf[16];
	return s != NULL && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

static void chk_nfs_done(void *arg, struct nfsprobe *p, const struct nfsprobe_result *r)
{
	struct chk_host *h = arg;
	struct check_run *run = h->run;

	(void)p;
	h->probe = NULL;
	h->nfs_pending = 0;
	h->nfs = nfsprobe_result_dup(r);
	if (run->abandoned || run->finished)
		return;
	run->depth++;
	chk_progress(run);
	run->depth--;
}

static void chk_nfs_start(struct check_run *run, struct chk_host *h)
{
	struct nfsprobe_spec spec;
	long long left = h->deadline > 0 ? h->deadline - clock_ms() : run->nfs_timeout_ms;
	struct err e;

	if (left <= 0) {
		h->nfs_skip =
		    xasprintf("not probed: the host's %d ms were up", run->host_timeout_ms);
		return;
	}
	/* A lab's addresses are made up; only this machine's loopback can answer. */
	if (run->site->lab != NULL && strncmp(h->address, "127.", 4) != 0 &&
	    strcmp(h->address, "::1") != 0) {
		h->nfs_skip = xasprintf("not probed: %s is an address of the lab, not a real host",
		                        h->address);
		return;
	}
	memset(&spec, 0, sizeof spec);
	spec.host = h->address;
	spec.export_path = h->nfs_export; /* NULL: no round trip */
	spec.total_timeout_ms = left < run->nfs_timeout_ms ? (int)left : run->nfs_timeout_ms;
	spec.step_timeout_ms = spec.total_timeout_ms < NFSPROBE_DEFAULT_STEP_TIMEOUT_MS
	                           ? spec.total_timeout_ms
	                           : NFSPROBE_DEFAULT_STEP_TIMEOUT_MS;
	if (run->nfsset == NULL)
		run->nfsset = nfsprobe_set_new();
	err_clear(&e);
	h->probe = nfsprobe_start(run->nfsset, &spec, chk_nfs_done, h, &e);
	if (h->probe == NULL)
		h->nfs_skip =
		    xasprintf("the NFS probe of %s could not start: %s", h->address, e.msg);
	else
		h->nfs_pending = 1;
}

/* Where the NFS probe goes, or why there is none. */
static void chk_nfs_plan(struct check_run *run, struct chk_host *h)
{
	if (run->cache_vg != NULL)
		return; /* -j: no NFS between master and client (the rule says so) */
	if (run->site->master->kind != HOST_LOCAL) {
		h->nfs_skip = xstrdup("the master is reached over ssh: a probe from here would not "
		                      "test the master's own path to the client");
		return;
	}
	if (h->hostname == NULL) {
		h->nfs_skip = xasprintf("no address for %s: lsnim gives no if1 host name", h->name);
		return;
	}
	if (chk_is_address(h->hostname)) {
		h->address = xstrdup(h->hostname);
		chk_nfs_start(run, h);
		return;
	}
	{
		const char *argv[] = { "host", h->hostname, NULL };
		chk_queue(run, h, CK_C_HOST, run->site->master, run->cmd_timeout_ms, NULL, argv, 1);
	}
}

/* The master's own NFS server (its exports as the clients see them), probed at the
 * address of its NIM host name, or why not. */
static void chk_nfs_plan_master(struct check_run *run)
{
	struct chk_host *m = &run->master;

	chk_master_st(run);
	if (run->cache_vg != NULL)
		return; /* -j: the rule says why there is nothing to probe */
	if (run->site->master->kind != HOST_LOCAL) {
		m->nfs_skip = xstrdup("the master is reached over ssh: a probe from here would not "
		                      "see the master's NFS server as its clients do");
		return;
	}
	if (run->master_hostname == NULL) {
		m->nfs_skip = xstrdup("no address for the master: lsnim -l master gives no if1 "
		                      "host name");
		return;
	}
	if (chk_is_address(run->master_hostname)) {
		m->address = xstrdup(run->master_hostname);
		chk_nfs_start(run, m);
		return;
	}
	{
		const char *argv[] = { "host", run->master_hostname, NULL };
		/* First: the master's results wait for it, and the clients' for those. */
		chk_queue(run, m, CK_M_HOST, run->site->master, run->cmd_timeout_ms, NULL, argv, 1);
	}
}

/* `host NAME` on AIX: "NAME is 10.1.1.5" (or bind's "NAME has address 10.1.1.5"). */
static char *chk_parse_host(const char *text)
{
	const char *s = text;

	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n), *save = NULL, *w, *last = NULL;
		for (w = strtok_r(line, " \t,\r", &save); w != NULL;
		     w = strtok_r(NULL, " \t,\r", &save))
			if (chk_is_address(w)) {
				last = xstrdup(w);
				break;
			}
		free(line);
		if (last != NULL)
			return last;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return NULL;
}

static void chk_on_lsnim_client(struct check_run *run, struct chk_host *h, struct chk_cmd *c)
{
	const struct aix_stanza *st;
	const char *type, *if1;
	enum nim_connect conn;

	if (chk_stanzas(c, &h->nimst) != 0 || (st = chk_find_stanza(&h->nimst, h->name)) == NULL)
		return;
	type = aixparse_stanza_get(st, "type");
	if (type == NULL || strcmp(type, "standalone") != 0)
		return;
	h->defined = 1;
	h->connect = aixparse_stanza_get(st, "connect");
	if (h->connect == NULL || strcmp(h->connect, "nimsh") != 0)
		h->connect = "shell";
	h->cstate = aixparse_stanza_get(st, "Cstate");
	if ((if1 = aixparse_stanza_get(st, "if1")) != NULL) {
		char *copy = xstrdup(if1), *save = NULL, *w = strtok_r(copy, " ", &save);
		if (w != NULL && (w = strtok_r(NULL, " ", &save)) != NULL)
			h->hostname = h->hostname_owned = xstrdup(w);
		free(copy);
	}
	conn = strcmp(h->connect, "nimsh") == 0 ? NIM_CONNECT_NIMSH : NIM_CONNECT_SHELL;
	h->nim = host_nim_new(h->name, run->site->master, conn);
	h->other = host_nim_new(h->name, run->site->master,
	                        conn == NIM_CONNECT_NIMSH ? NIM_CONNECT_SHELL : NIM_CONNECT_NIMSH);
	/* The remote command's own exit status, and "not reached" told from "failed". */
	h->nim->remote_status = 1;
	h->other->remote_status = 1;
	{
		const char *argv[] = { "oslevel", "-s", NULL };
		chk_queue(run, h, CK_C_OTHER, h->other, run->probe_timeout_ms, NULL, argv, 1);
		chk_queue(run, h, CK_C_PROBE, h->nim, run->probe_timeout_ms, NULL, argv, 1);
	}
}

static void chk_on_clients(struct check_run *run, struct chk_cmd *c)
{
	struct aix_lsnim l;
	size_t len;

	memset(&l, 0, sizeof l);
	run->clients_listed = 1;
	if (!chk_cmd_ran(c) || c->out.len == 0 ||
	    aixparse_lsnim(chk_out(c, &len), c->out.len, &l, NULL) != 0) {
		char *why = chk_cmd_why(c);
		run->report->error =
		    xasprintf("cannot list the NIM clients: %s: %s", c->display, why);
		free(why);
		aixparse_lsnim_clear(&l);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct chk_host *h;
		const char *argv[] = { "lsnim", "-l", l.v[i].name, NULL };
		if (l.v[i].type != NULL && strcmp(l.v[i].type, "standalone") != 0)
			continue;
		if (!chk_name_ok(l.v[i].name, strlen(l.v[i].name)))
			continue;
		h = chk_host_add(run, l.v[i].name);
		chk_queue(run, h, CK_C_LSNIM, run->site->master, run->cmd_timeout_ms, NULL, argv,
		          0);
	}
	aixparse_lsnim_clear(&l);
}

static void chk_handle(struct check_run *run, struct chk_cmd *c)
{
	struct chk_host *h = c->owner;
	size_t len;

	h->pending--;
	if (c->res.timed_out && !h->is_master)
		h->timed_out = 1;
	switch (c->kind) {
	case CK_M_CLIENTS:
		chk_on_clients(run, c);
		break;
	case CK_C_LSNIM:
		chk_on_lsnim_client(run, h, c);
		break;
	case CK_C_PROBE:
		if (chk_cmd_ran(c) && c->out.len > 0 &&
		    aixparse_oslevel(chk_out(c, &len), c->out.len, &h->level, NULL) == 0) {
			h->reachable = 1;
			h->have_level = 1;
			level_format_oslevel(&h->level, h->level_str, sizeof h->level_str);
			chk_client_rest(run, h);
			chk_nfs_plan(run, h);
		}
		break;
	case CK_C_LSPV:
		if (chk_cmd_ran(c) && c->out.len > 0 &&
		    aixparse_lspv(chk_out(c, &len), c->out.len, &h->pvs, NULL) == 0) {
			h->have_pvs = 1;
			h->disks = xcalloc(h->pvs.n + 1, sizeof *h->disks);
			h->ndisks = h->pvs.n;
			for (size_t i = 0; i < h->pvs.n; i++) {
				const char *argv[] = { "bootinfo", "-s", h->pvs.v[i].name, NULL };
				h->disks[i].pv = h->pvs.v[i];
				h->disks[i].size_mb = -1;
				h->disks[i].bootinfo =
				    chk_queue(run, h, CK_C_BOOTINFO, h->nim, run->cmd_timeout_ms,
				              h->pvs.v[i].name, argv, 1);
			}
		} else {
			aixparse_lspv_clear(&h->pvs);
		}
		break;
	case CK_M_MASTER:
		chk_nfs_plan_master(run);
		break;
	case CK_M_HOST:
	case CK_C_HOST:
		if (chk_cmd_ran(c) && (h->address = chk_parse_host(sb_str(&c->out))) != NULL) {
			chk_nfs_start(run, h);
		} else {
			char *why = chk_cmd_why(c);
			h->nfs_skip =
			    xasprintf("no address for %s: %s: %s", h->name, c->display, why);
			free(why);
		}
		break;
	default:
		break;
	}
}

/* ---- the run -----------------------------------------------------------------------------------
 */

struct check_run *check_run_start(struct site *s, struct cmdset *set,
                                  const struct check_request *req, const struct check_cb *cb,
                                  struct err *e)
{
	struct check_run *run;
	struct err ve;

	err_clear(&ve);
	if (cb == NULL || cb->done == NULL) {
		err_set(e, "check_run_start: no done callback");
		return NULL;
	}
	if (check_request_validate(req, &ve) != 0) {
		if (e != NULL)
			*e = ve;
		return NULL;
	}
	run = xcalloc(1, sizeof *run);
	run->site = s;
	run->set = set != NULL ? set : s->set;
	run->cb = *cb;
	run->all_clients = req->all_clients;
	if (!run->all_clients)
		(void)chk_split(req->clients, &run->clients, "client", "client", NULL);
	run->spot = xstrdup(req->spot);
	run->lpp = xstrdup(req->lpp_source);
	run->cache_vg = nonempty(req->cache_vg) != NULL ? xstrdup(req->cache_vg) : NULL;
	(void)chk_split(req->disks, &run->disks, "disks", "disk", NULL);
	run->disks_given = run->disks.n > 0;
	run->tl_update = req->tl_update;
	for (size_t i = 0; i < req->nnfs_exports; i++) {
		char *host;
		const char *path;
		if (chk_nfs_export_parse(req->nfs_exports[i], &host, &path, NULL) != 0)
			continue; /* cannot happen: validated above */
		if (host == NULL) {
			free(run->nfs_export_all);
			run->nfs_export_all = xstrdup(path);
		} else {
			strv_push(&run->nfs_export_for, host);
			strv_push(&run->nfs_export_for, path);
		}
		free(host);
	}
	run->max_running = req->max_running > 0 ? req->max_running : CHK_MAX_RUNNING;
	run->max_per_host = req->max_per_host > 0 ? req->max_per_host : CHK_MAX_PER_HOST;
	run->cmd_timeout_ms = req->cmd_timeout_ms > 0 ? req->cmd_timeout_ms : CHK_CMD_TIMEOUT_MS;
	run->probe_timeout_ms =
	    req->probe_timeout_ms > 0 ? req->probe_timeout_ms : CHK_PROBE_TIMEOUT_MS;
	run->host_timeout_ms =
	    req->host_timeout_ms > 0 ? req->host_timeout_ms : CHK_HOST_TIMEOUT_MS;
	run->nfs_timeout_ms = req->nfs_timeout_ms > 0 ? req->nfs_timeout_ms : CHK_NFS_TIMEOUT_MS;
	run->master.run = run;
	run->master.name = xstrdup("master");
	run->master.is_master = 1;
	run->master.nfs_export = chk_export_for(run, "master");
	run->report = xcalloc(1, sizeof *run->report);
	run->start_ms = clock_ms();

	{
		const char *lsnim_master[] = { "lsnim", "-l", "master", NULL };
		const char *oslevel[] = { "oslevel", "-s", NULL };
		const char *prtconf[] = { "prtconf", NULL };
		const char *lslpp[] = { "lslpp",
			                "-l",
			                "bos.alt_disk_install.rte",
			                "bos.alt_disk_install.boot_images",
			                "bos.net.nis.client",
			                NULL };
		const char *spot[] = { "lsnim", "-l", run->spot, NULL };
		const char *spot_lslpp[] = { "nim",     "-o", "lslpp", "-a", "lslpp_flags=Lc",
			                     run->spot, NULL };
		const char *lpp[] = { "lsnim", "-l", run->lpp, NULL };
		const char *showres[] = { "nim", "-o", "showres", run->lpp, NULL };
		const char *mksysbs[] = { "lsnim", "-l", "-t", "mksysb", NULL };
		const char *cache[] = { "lsvg", run->cache_vg, NULL };
		const char *clients[] = { "lsnim", "-t", "standalone", NULL };
		struct chk_host *m = &run->master;

		if (run->all_clients)
			chk_queue_master(run, m, CK_M_CLIENTS, clients);
		chk_queue_master(run, m, CK_M_MASTER, lsnim_master);
		chk_queue_master(run, m, CK_M_OSLEVEL, oslevel);
		chk_queue_master(run, m, CK_M_PRTCONF, prtconf);
		chk_queue_master(run, m, CK_M_LSLPP, lslpp);
		chk_queue_master(run, m, CK_M_SPOT, spot);
		chk_queue_master(run, m, CK_M_SPOT_LSLPP, spot_lslpp);
		chk_queue_master(run, m, CK_M_LPP, lpp);
		chk_queue_master(run, m, CK_M_LPP_SHOWRES, showres);
		chk_queue_master(run, m, CK_M_MKSYSBS, mksysbs);
		if (run->cache_vg != NULL)
			chk_queue_master(run, m, CK_M_CACHE_VG, cache);
	}
	for (size_t i = 0; i < run->clients.n; i++) {
		const char *argv[] = { "lsnim", "-l", run->clients.v[i], NULL };
		struct chk_host *h = chk_host_add(run, run->clients.v[i]);
		chk_queue(run, h, CK_C_LSNIM, s->master, run->cmd_timeout_ms, NULL, argv, 0);
	}
	run->depth++;
	run->starting = 1;
	chk_pump(run);
	run->starting = 0;
	run->depth--;
	if (run->nrunning == 0) {
		/* Nothing could start (no fork, no transport): say why, call nothing. */
		struct chk_cmd *c = run->master.c[CK_M_MASTER];
		err_set(e, "cannot run commands on the master: %s",
		        c != NULL && c->res.errmsg[0] != '\0' ? c->res.errmsg : "unknown error");
		run->abandoned = 1;
		chk_after_event(run);
		return NULL;
	}
	return run;
}

void check_run_cancel(struct check_run **rp)
{
	struct check_run *run = *rp;
	struct chk_cmd *c, *next;

	if (run == NULL)
		return;
	*rp = NULL;
	if (run->abandoned || run->finished)
		return;
	run->abandoned = 1;
	for (c = run->qhead; c != NULL; c = next) {
		next = c->next;
		c->next = NULL;
	}
	run->qhead = run->qtail = NULL;
	/* The probes stop now, without callbacks (or with the run, when this is
	 * called from inside their dispatch). */
	if (!run->in_nfs)
		nfsprobe_set_free(&run->nfsset);
	for (size_t i = 0; i < run->nhosts; i++) {
		run->hosts[i]->probe = NULL;
		run->hosts[i]->nfs_pending = 0;
	}
	run->master.probe = NULL;
	run->master.nfs_pending = 0;
	for (size_t i = 0; i <= run->nhosts; i++) {
		struct chk_host *h = i < run->nhosts ? run->hosts[i] : &run->master;
		for (size_t k = 0; k < CK_NKINDS; k++)
			if (h->c[k] != NULL && h->c[k]->state == CHK_RUNNING &&
			    h->c[k]->cmd != NULL)
				cmd_cancel(h->c[k]->cmd);
		for (size_t k = 0; k < h->nbootinfo; k++)
			if (h->bootinfo[k]->state == CHK_RUNNING && h->bootinfo[k]->cmd != NULL)
				cmd_cancel(h->bootinfo[k]->cmd);
	}
	chk_after_event(run);
}

size_t check_run_npollfds(const struct check_run *r)
{
	return r != NULL && r->nfsset != NULL ? nfsprobe_set_npollfds(r->nfsset) : 0;
}

size_t check_run_fill_pollfds(struct check_run *r, struct pollfd *fds, size_t max)
{
	return r != NULL && r->nfsset != NULL ? nfsprobe_set_fill_pollfds(r->nfsset, fds, max) : 0;
}

int check_run_timeout(const struct check_run *r)
{
	return r != NULL && r->nfsset != NULL ? nfsprobe_set_timeout(r->nfsset) : -1;
}

void check_run_dispatch(struct check_run *r, const struct pollfd *fds, size_t n)
{
	if (r == NULL || r->nfsset == NULL)
		return;
	r->depth++;
	r->in_nfs = 1;
	nfsprobe_set_dispatch(r->nfsset, fds, n);
	r->in_nfs = 0;
	r->depth--;
	chk_after_event(r);
}

struct chk_sync {
	int finished;
	struct check_report *rep;
	struct check_cb user;
};

static void chk_sync_result(void *arg, const struct check_result *r)
{
	struct chk_sync *s = arg;
	if (s->user.result != NULL)
		s->user.result(s->user.arg, r);
}

static void chk_sync_host_done(void *arg, const char *host, int timed_out)
{
	struct chk_sync *s = arg;
	if (s->user.host_done != NULL)
		s->user.host_done(s->user.arg, host, timed_out);
}

static void chk_sync_done(void *arg, struct check_report *rep)
{
	struct chk_sync *s = arg;
	s->finished = 1;
	s->rep = rep;
}

struct check_report *check_run(struct site *s, const struct check_request *req,
                               const struct check_cb *cb, struct err *e)
{
	struct chk_sync sync;
	struct check_cb mine = { .result = chk_sync_result,
		                 .host_done = chk_sync_host_done,
		                 .done = chk_sync_done,
		                 .arg = &sync };
	struct check_run *run;
	struct pollfd *fds = NULL;
	size_t cap = 0;

	memset(&sync, 0, sizeof sync);
	if (cb != NULL)
		sync.user = *cb;
	run = check_run_start(s, s->set, req, &mine, e);
	if (run == NULL)
		return NULL;
	while (!sync.finished) {
		size_t nc = cmdset_npollfds(s->set), nn = check_run_npollfds(run), n;
		int to = cmdset_timeout(s->set), t2 = check_run_timeout(run);
		if (nc + nn + 1 > cap) {
			cap = nc + nn + 8;
			fds = xreallocarray(fds, cap, sizeof *fds);
		}
		n = cmdset_fill_pollfds(s->set, fds, nc);
		nn = check_run_fill_pollfds(run, fds + n, cap - n);
		if (t2 >= 0 && (to < 0 || t2 < to))
			to = t2;
		if (n + nn == 0 && to < 0) {
			/* Cannot happen: something is always running until done. */
			check_run_cancel(&run);
			free(fds);
			err_set(e, "the check stalled");
			return NULL;
		}
		if (poll(fds, n + nn, to) < 0) {
			if (errno == EINTR)
				continue;
			check_run_cancel(&run);
			cmdset_run(s->set, 5000);
			free(fds);
			err_set(e, "poll: %s", strerror(errno));
			return NULL;
		}
		/* The probes first: the cmdset's dispatch may finish (and free) the run. */
		if (nn > 0)
			check_run_dispatch(run, fds + n, nn);
		if (!sync.finished)
			cmdset_dispatch(s->set, fds, n);
	}
	free(fds);
	return sync.rep;
}
