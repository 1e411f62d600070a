/*
 * inventory.c: gathering the NIM inventory. Every command is a task on the
 * command set; a small scheduler keeps at most max_running of them going.
 * The master's lsnim comes first, then one `lsnim -l -t TYPE` per object
 * type; each client is probed with `oslevel -s` (a short timeout) and only a
 * client that answers gets its other commands, so a dead client costs one
 * slot for one timeout. Parsing is done by aixparse; derived facts (free
 * disks, rootvg copies) are computed when the last task has reported.
 */
#include "inventory.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INV_TIMEOUT_MS       60000
#define INV_PROBE_TIMEOUT_MS 20000
#define INV_MAX_RUNNING      32

/* The filesets reported for every client and SPOT (JSON, text report). */
static const char *const inv_key_filesets[] = {
	"bos.alt_disk_install.rte",
	"bos.alt_disk_install.boot_images",
	"bos.rte",
	"bos.net.nfs.client",
	"bos.sysmgt.nim.client",
	"bos.net.nis.client",
	"sysmgt.websm.rte",
	"sysmgt.websm.webaccess",
};

enum inv_kind {
	INV_M_LSNIM,
	INV_M_LSNIM_L,
	INV_M_OSLEVEL,
	INV_M_PRTCONF,
	INV_M_LSLPP,
	INV_M_LSVG,
	INV_M_LSVG_VG,
	INV_R_SPOT_LSLPP,
	INV_R_LPP_SHOWRES,
	INV_C_OSLEVEL,
	INV_C_NCARGS,
	INV_C_TCB,
	INV_C_PRTCONF,
	INV_C_LSPV,
	INV_C_BOOTINFO,
	INV_C_LSVG,
	INV_C_LSVG_L,
	INV_C_BOOTLIST,
	INV_C_LSLPP,
};

/* Which record an lsnim -l belongs to. */
enum inv_slot {
	INV_SLOT_MASTER,
	INV_SLOT_CLIENT,
	INV_SLOT_SPOT,
	INV_SLOT_LPP,
	INV_SLOT_MKSYSB,
	INV_SLOT_OTHER
};

/*
 * Which record an object of an `lsnim -l -t TYPE` fills. One command per
 * type, not one per object: a big master has thousands of objects.
 */
struct inv_ref {
	char *name;
	enum inv_slot slot;
	size_t index;
};

struct inv_task {
	struct inventory_load *load;
	struct inv_task *next; /* queue, then the running list */
	struct inv_task *prev;
	enum inv_kind kind;
	enum inv_slot slot;
	size_t index; /* client, resource or VG index */
	char *arg;    /* object, VG or disk name */
	struct strv argv;
	const struct host *host;
	int timeout_ms;
	struct cmd *cmd;
	struct strbuf out, err;
	struct cmd_result res;
	struct inv_ref *refs; /* lsnim -l -t: the objects of that type */
	size_t nrefs;
};

struct inventory_load {
	struct site *site;
	struct cmdset *set;
	struct inventory *inv;
	struct inventory_opts opts;
	struct strv only; /* opts.clients, copied */
	struct inventory_cb cb;
	struct host **hosts; /* one HOST_NIM per client contacted, else NULL */
	size_t nhosts;
	struct inv_task *qhead, *qtail;
	struct inv_task *running;
	size_t nrunning, ntasks, nfinished;
	int pumping;
	int abandoned;
	int failed;
	struct err err;
	long long start_ms;
};

/* ---- freeing ---------------------------------------------------------------- */

static void inv_stanza_clear(struct aix_stanza *st)
{
	free(st->name);
	for (size_t i = 0; i < st->nattrs; i++) {
		free(st->attrs[i].name);
		free(st->attrs[i].value);
	}
	free(st->attrs);
	memset(st, 0, sizeof *st);
}

static void inv_client_clear(struct inv_client *c)
{
	free(c->name);
	inv_stanza_clear(&c->nim);
	free(c->connect);
	free(c->cstate);
	free(c->mstate);
	free(c->hostname);
	free(c->error);
	strv_free(&c->problems);
	aixparse_prtconf_clear(&c->prtconf);
	for (size_t i = 0; i < c->ndisks; i++) {
		free(c->disks[i].name);
		free(c->disks[i].pvid);
		free(c->disks[i].vg);
		free(c->disks[i].state);
		free(c->disks[i].why);
		free(c->disks[i].size_error);
	}
	free(c->disks);
	aixparse_lvs_clear(&c->rootvg.lvs);
	free(c->rootvg.error);
	aixparse_bootlist_clear(&c->bootlist);
	aixparse_filesets_clear(&c->filesets);
}

static void inv_resource_clear(struct inv_resource *r)
{
	free(r->name);
	free(r->type);
	inv_stanza_clear(&r->nim);
	free(r->location);
	free(r->server);
	free(r->rstate);
	free(r->source_image);
	free(r->creation_date);
	aixparse_filesets_clear(&r->filesets);
	free(r->error);
}

static void inv_resources_free(struct inv_resource *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		inv_resource_clear(&v[i]);
	free(v);
}

void inventory_free(struct inventory **invp)
{
	struct inventory *inv = *invp;

	if (inv == NULL)
		return;
	free(inv->master.name);
	inv_stanza_clear(&inv->master.nim);
	aixparse_prtconf_clear(&inv->master.prtconf);
	aixparse_filesets_clear(&inv->master.filesets);
	strv_free(&inv->master.problems);
	for (size_t i = 0; i < inv->nclients; i++)
		inv_client_clear(&inv->clients[i]);
	free(inv->clients);
	inv_resources_free(inv->spots, inv->nspots);
	inv_resources_free(inv->lpp_sources, inv->nlpp_sources);
	inv_resources_free(inv->mksysbs, inv->nmksysbs);
	inv_resources_free(inv->others, inv->nothers);
	for (size_t i = 0; i < inv->nvgs; i++) {
		free(inv->vgs[i].name);
		aixparse_vg_clear(&inv->vgs[i].info);
		free(inv->vgs[i].error);
	}
	free(inv->vgs);
	aixparse_lsnim_clear(&inv->objects);
	free(inv);
	*invp = NULL;
}

/* ---- lookups ------------------------------------------------------------------ */

const struct inv_client *inventory_find_client(const struct inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nclients; i++)
		if (strcmp(inv->clients[i].name, name) == 0)
			return &inv->clients[i];
	return NULL;
}

const struct inv_resource *inventory_find_resource(const struct inventory *inv, const char *name)
{
	const struct inv_resource *arrays[] = { inv->spots, inv->lpp_sources, inv->mksysbs,
		                                inv->others };
	const size_t counts[] = { inv->nspots, inv->nlpp_sources, inv->nmksysbs, inv->nothers };

	for (size_t a = 0; a < ARRAY_LEN(arrays); a++)
		for (size_t i = 0; i < counts[a]; i++)
			if (strcmp(arrays[a][i].name, name) == 0)
				return &arrays[a][i];
	return NULL;
}

const struct inv_vg *inventory_find_vg(const struct inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nvgs; i++)
		if (strcmp(inv->vgs[i].name, name) == 0)
			return &inv->vgs[i];
	return NULL;
}

const struct inv_disk *inventory_client_find_disk(const struct inv_client *c, const char *name)
{
	for (size_t i = 0; i < c->ndisks; i++)
		if (strcmp(c->disks[i].name, name) == 0)
			return &c->disks[i];
	return NULL;
}

const char *inventory_fileset_level(const struct aix_filesets *fs, const char *fileset)
{
	const struct aix_fileset *f = aixparse_filesets_find(fs, fileset);
	return f != NULL ? f->level : NULL;
}

/* ---- tasks ---------------------------------------------------------------------- */

static void inv_task_free(struct inv_task *t)
{
	free(t->arg);
	for (size_t i = 0; i < t->nrefs; i++)
		free(t->refs[i].name);
	free(t->refs);
	strv_free(&t->argv);
	sb_free(&t->out);
	sb_free(&t->err);
	free(t);
}

/* Queues a command; argv is NULL-terminated. */
static struct inv_task *inv_enqueue(struct inventory_load *l, enum inv_kind kind,
                                    const struct host *host, int timeout_ms, size_t index,
                                    const char *arg, const char *const *argv)
{
	struct inv_task *t = xcalloc(1, sizeof *t);

	t->load = l;
	t->kind = kind;
	t->host = host;
	t->timeout_ms = timeout_ms;
	t->index = index;
	t->arg = arg != NULL ? xstrdup(arg) : NULL;
	for (size_t i = 0; argv[i] != NULL; i++)
		strv_push(&t->argv, argv[i]);
	if (l->qtail != NULL)
		l->qtail->next = t;
	else
		l->qhead = t;
	l->qtail = t;
	l->ntasks++;
	return t;
}

static struct inv_task *inv_master_task(struct inventory_load *l, enum inv_kind kind, size_t index,
                                        const char *arg, const char *const *argv)
{
	return inv_enqueue(l, kind, l->site->master, l->opts.timeout_ms, index, arg, argv);
}

/* The command line for messages: `lsvg rootvg`. Owned. */
static char *inv_task_cmdline(const struct inv_task *t)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < t->argv.n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, t->argv.v[i]);
	}
	return sb_steal(&sb);
}

/* The first non-blank line of s, trimmed, owned; NULL if none. */
static char *inv_first_line(const char *s)
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

/* Did the command run to its own end (not timed out, cancelled or unstartable)? */
static int inv_task_ran(const struct inv_task *t)
{
	return t->res.exited && !t->res.timed_out && !t->res.cancelled && t->res.start_errno == 0;
}

/* Words for a failed task: "lsvg rootvg: 0516-306 : Unable to find ...". Owned. */
static char *inv_task_error(const struct inv_task *t, const char *parse_error)
{
	char *cmdline = inv_task_cmdline(t), *line = NULL, *r;
	const char *why;
	char buf[64];

	if (t->res.timed_out || t->res.cancelled || t->res.start_errno != 0)
		why = t->res.errmsg[0] != '\0' ? t->res.errmsg : "did not run";
	else if ((line = inv_first_line(sb_str(&t->err))) != NULL)
		why = line;
	else if (parse_error != NULL && *parse_error != '\0')
		why = parse_error;
	else if (!t->res.exited) {
		snprintf(buf, sizeof buf, "killed by signal %d", t->res.signal);
		why = buf;
	} else {
		snprintf(buf, sizeof buf, "exit status %d", t->res.status);
		why = buf;
	}
	r = xasprintf("%s: %s", cmdline, why);
	free(cmdline);
	free(line);
	return r;
}

/*
 * The text to parse, or NULL when the command failed before printing
 * anything useful. A client's status is its command's own (host.remote_status;
 * a command whose status did not come back is never parsed, see
 * inv_client_not_reached), but AIX commands print what they can and may still
 * exit non-zero (lsvg, lslpp), so output decides: a non-zero status with output
 * is still parsed; a silent failure (odmget, oslevel) is a failure, not an
 * empty answer.
 */
static const char *inv_task_text(const struct inv_task *t, size_t *len)
{
	if (!inv_task_ran(t))
		return NULL;
	if (t->res.status != 0 && t->out.len == 0)
		return NULL;
	*len = t->out.len;
	return sb_str(&t->out);
}

/* stdout and stderr together, for outputs whose messages matter (lslpp, lsvg). */
static char *inv_task_both(const struct inv_task *t, size_t *len)
{
	char *s = xasprintf("%s\n%s", sb_str(&t->out), sb_str(&t->err));
	*len = strlen(s);
	return s;
}

static void inv_client_problem(struct inventory_load *l, size_t ci, const struct inv_task *t,
                               const char *parse_error)
{
	char *msg = inv_task_error(t, parse_error);
	strv_push(&l->inv->clients[ci].problems, msg);
	free(msg);
}

static void inv_master_problem(struct inventory_load *l, const struct inv_task *t,
                               const char *parse_error)
{
	char *msg = inv_task_error(t, parse_error);
	strv_push(&l->inv->master.problems, msg);
	free(msg);
}

/* ---- handlers: master ------------------------------------------------------------ */

static struct inv_resource *inv_slot_resource(struct inventory *inv, enum inv_slot slot, size_t i)
{
	switch (slot) {
	case INV_SLOT_SPOT:
		return &inv->spots[i];
	case INV_SLOT_LPP:
		return &inv->lpp_sources[i];
	case INV_SLOT_MKSYSB:
		return &inv->mksysbs[i];
	case INV_SLOT_OTHER:
		return &inv->others[i];
	default:
		return NULL;
	}
}

/* NIM types we do not list: NIM's own bookkeeping, not usable with nimadm. */
static int inv_skipped_type(const char *type)
{
	return type == NULL || strcmp(type, "boot") == 0 || strcmp(type, "nim_script") == 0;
}

static int inv_client_wanted(const struct inventory_load *l, const char *name)
{
	if (l->opts.flags & INVENTORY_NO_CLIENTS)
		return 0;
	if (l->opts.clients == NULL)
		return 1;
	for (size_t i = 0; i < l->only.n; i++)
		if (strcmp(l->only.v[i], name) == 0)
			return 1;
	return 0;
}

/* Adds an object to its type's `lsnim -l -t TYPE` (queued with the first object). */
static void inv_lsnim_l_task(struct inventory_load *l, struct strv *types, struct inv_task ***tasks,
                             const char *type, enum inv_slot slot, size_t index, const char *name)
{
	struct inv_task *t = NULL;

	for (size_t i = 0; i < types->n && t == NULL; i++)
		if (strcmp(types->v[i], type) == 0)
			t = (*tasks)[i];
	if (t == NULL) {
		const char *argv[] = { "lsnim", "-l", "-t", type, NULL };
		t = inv_master_task(l, INV_M_LSNIM_L, 0, type, argv);
		*tasks = xreallocarray(*tasks, types->n + 1, sizeof **tasks);
		(*tasks)[types->n] = t;
		strv_push(types, type);
	}
	t->refs = xreallocarray(t->refs, t->nrefs + 1, sizeof *t->refs);
	t->refs[t->nrefs].name = xstrdup(name);
	t->refs[t->nrefs].slot = slot;
	t->refs[t->nrefs].index = index;
	t->nrefs++;
}

static void inv_on_lsnim(struct inventory_load *l, struct inv_task *t)
{
	struct inventory *inv = l->inv;
	const char *text;
	size_t len, n[5] = { 0, 0, 0, 0, 0 };
	struct err e;
	struct strv types = { 0 };
	struct inv_task **tasks = NULL;

	err_clear(&e);
	text = inv_task_text(t, &len);
	if (text == NULL || aixparse_lsnim(text, len, &inv->objects, &e) != 0) {
		char *msg = inv_task_error(t, e.msg);
		l->failed = 1;
		err_set(&l->err, "cannot read the NIM database: %s", msg);
		free(msg);
		return;
	}
	/* Count first: the arrays are allocated once and never move. */
	for (size_t i = 0; i < inv->objects.n; i++) {
		const struct aix_nim_entry *o = &inv->objects.v[i];
		const char *type = o->type != NULL ? o->type : "";
		if (strcmp(type, "standalone") == 0)
			n[0]++;
		else if (strcmp(type, "spot") == 0)
			n[1]++;
		else if (strcmp(type, "lpp_source") == 0)
			n[2]++;
		else if (strcmp(type, "mksysb") == 0)
			n[3]++;
		else if (o->class != NULL && strcmp(o->class, "resources") == 0 &&
		         !inv_skipped_type(o->type))
			n[4]++;
	}
	inv->clients = xcalloc(n[0] + 1, sizeof *inv->clients);
	inv->spots = xcalloc(n[1] + 1, sizeof *inv->spots);
	inv->lpp_sources = xcalloc(n[2] + 1, sizeof *inv->lpp_sources);
	inv->mksysbs = xcalloc(n[3] + 1, sizeof *inv->mksysbs);
	inv->others = xcalloc(n[4] + 1, sizeof *inv->others);
	l->hosts = xcalloc(n[0] + 1, sizeof *l->hosts);
	l->nhosts = n[0];
	for (size_t i = 0; i < inv->objects.n; i++) {
		const struct aix_nim_entry *o = &inv->objects.v[i];
		const char *type = o->type != NULL ? o->type : "";
		struct inv_resource *r = NULL;
		enum inv_slot slot;
		size_t idx;

		if (strcmp(type, "master") == 0) {
			if (inv->master.name == NULL) {
				inv->master.name = xstrdup(o->name);
				inv_lsnim_l_task(l, &types, &tasks, type, INV_SLOT_MASTER, 0,
				                 o->name);
			}
			continue;
		}
		if (strcmp(type, "standalone") == 0) {
			struct inv_client *c = &inv->clients[inv->nclients];
			c->name = xstrdup(o->name);
			c->reachable = -1;
			c->ncargs = -1;
			c->tcb = -1;
			c->rootvg.copies = -1;
			c->rootvg.pp_size_mb = c->rootvg.total_mb = c->rootvg.free_mb = -1;
			c->rootvg.used_mb = c->rootvg.pvs = c->rootvg.used_mb_per_copy = -1;
			inv_lsnim_l_task(l, &types, &tasks, type, INV_SLOT_CLIENT, inv->nclients,
			                 o->name);
			inv->nclients++;
			continue;
		}
		if (strcmp(type, "spot") == 0) {
			slot = INV_SLOT_SPOT;
			idx = inv->nspots++;
			r = &inv->spots[idx];
		} else if (strcmp(type, "lpp_source") == 0) {
			slot = INV_SLOT_LPP;
			idx = inv->nlpp_sources++;
			r = &inv->lpp_sources[idx];
		} else if (strcmp(type, "mksysb") == 0) {
			slot = INV_SLOT_MKSYSB;
			idx = inv->nmksysbs++;
			r = &inv->mksysbs[idx];
		} else if (o->class != NULL && strcmp(o->class, "resources") == 0 &&
		           !inv_skipped_type(o->type)) {
			slot = INV_SLOT_OTHER;
			idx = inv->nothers++;
			r = &inv->others[idx];
		} else {
			continue;
		}
		r->name = xstrdup(o->name);
		r->type = xstrdup(type);
		r->simages = -1;
		inv_lsnim_l_task(l, &types, &tasks, type, slot, idx, o->name);
	}
	strv_free(&types);
	free(tasks);
}

/* Level of a resource: oslevel_s, else oslevel_r, else version.release. */
static void inv_resource_level(struct inv_resource *r)
{
	const char *s = aixparse_stanza_get(&r->nim, "oslevel_s");
	const char *rr = aixparse_stanza_get(&r->nim, "oslevel_r");
	const char *v = aixparse_stanza_get(&r->nim, "version");
	const char *rel = aixparse_stanza_get(&r->nim, "release");

	if ((s != NULL && level_parse_oslevel(s, &r->level, NULL) == 0) ||
	    (rr != NULL && level_parse_oslevel(rr, &r->level, NULL) == 0)) {
		r->have_level = 1;
	} else if (v != NULL && rel != NULL && str_to_ll(v) >= 0 && str_to_ll(rel) >= 0 &&
	           str_to_ll(v) < 100 && str_to_ll(rel) < 100) {
		r->level.version = (int)str_to_ll(v);
		r->level.release = (int)str_to_ll(rel);
		r->level.tl = r->level.sp = r->level.build = -1;
		r->have_level = 1;
	}
	if (r->have_level)
		level_format_oslevel(&r->level, r->level_str, sizeof r->level_str);
}

static char *inv_attr_dup(const struct aix_stanza *st, const char *attr)
{
	const char *v = aixparse_stanza_get(st, attr);
	return v != NULL ? xstrdup(v) : NULL;
}

static void inv_client_tasks(struct inventory_load *l, size_t ci);

/*
 * Fills the record of an object from its lsnim -l stanza (moved out of st),
 * or records msg (owned) when there is none; queues the object's next commands.
 */
static void inv_apply_stanza(struct inventory_load *l, enum inv_slot slot, size_t index,
                             struct aix_stanza *st, char *msg)
{
	struct inventory *inv = l->inv;

	switch (slot) {
	case INV_SLOT_MASTER:
		if (st != NULL)
			inv->master.nim = *st;
		else
			strv_push(&inv->master.problems, msg);
		break;
	case INV_SLOT_CLIENT: {
		struct inv_client *c = &inv->clients[index];
		const char *if1;
		if (st == NULL) {
			c->error = msg;
			msg = NULL;
			break;
		}
		c->nim = *st;
		c->connect = inv_attr_dup(&c->nim, "connect");
		if (c->connect == NULL)
			c->connect = xstrdup("shell");
		c->cstate = inv_attr_dup(&c->nim, "Cstate");
		c->mstate = inv_attr_dup(&c->nim, "Mstate");
		/* if1 = NETWORK HOSTNAME MAC */
		if ((if1 = aixparse_stanza_get(&c->nim, "if1")) != NULL) {
			char *copy = xstrdup(if1), *save = NULL;
			char *w = strtok_r(copy, " ", &save);
			if (w != NULL && (w = strtok_r(NULL, " ", &save)) != NULL)
				c->hostname = xstrdup(w);
			free(copy);
		}
		if (inv_client_wanted(l, c->name))
			inv_client_tasks(l, index);
		break;
	}
	default: {
		struct inv_resource *r = inv_slot_resource(inv, slot, index);
		const char *simages;
		if (st == NULL) {
			r->error = msg;
			msg = NULL;
			break;
		}
		r->nim = *st;
		r->location = inv_attr_dup(&r->nim, "location");
		r->server = inv_attr_dup(&r->nim, "server");
		r->rstate = inv_attr_dup(&r->nim, "Rstate");
		r->source_image = inv_attr_dup(&r->nim, "source_image");
		r->creation_date = inv_attr_dup(&r->nim, "creation_date");
		if ((simages = aixparse_stanza_get(&r->nim, "simages")) != NULL)
			r->simages = strcmp(simages, "yes") == 0;
		inv_resource_level(r);
		if (slot == INV_SLOT_SPOT && !(l->opts.flags & INVENTORY_NO_FILESETS)) {
			const char *argv[] = { "nim",   "-o", "lslpp", "-a", "lslpp_flags=Lc",
				               r->name, NULL };
			inv_master_task(l, INV_R_SPOT_LSLPP, index, r->name, argv);
		}
		/* An lpp_source's contents: its level when NIM does not say, and what
		 * it would install (sysmgt.websm breaks nimadm). */
		if (slot == INV_SLOT_LPP && !(l->opts.flags & INVENTORY_NO_FILESETS)) {
			const char *argv[] = { "nim", "-o", "showres", r->name, NULL };
			inv_master_task(l, INV_R_LPP_SHOWRES, index, r->name, argv);
		}
		break;
	}
	}
	if (st != NULL)
		memset(st, 0, sizeof *st);
	free(msg);
}

/* The stderr line about name (0042-053 ... named "NAME"), owned, or NULL. */
static char *inv_lsnim_missing(const struct inv_task *t, const char *name)
{
	const char *s = sb_str(&t->err);
	char *quoted = xasprintf("\"%s\"", name), *r = NULL;

	while (*s != '\0' && r == NULL) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n);
		if (strstr(line, quoted) != NULL)
			r = xasprintf("lsnim -l %s: %s", name, str_trim(line));
		free(line);
		s = nl != NULL ? nl + 1 : s + n;
	}
	free(quoted);
	return r;
}

static void inv_on_lsnim_l(struct inventory_load *l, struct inv_task *t)
{
	struct aix_stanzas ss;
	const char *text;
	size_t len;
	struct err e;

	err_clear(&e);
	memset(&ss, 0, sizeof ss);
	/* An object that vanished since lsnim is simply absent; the others stand. */
	text = inv_task_ran(t) && t->out.len > 0 ? sb_str(&t->out) : NULL;
	len = t->out.len;
	if (text != NULL && aixparse_lsnim_long(text, len, &ss, &e) != 0)
		text = NULL;
	for (size_t i = 0; i < t->nrefs; i++) {
		const char *name = t->refs[i].name;
		struct aix_stanza *st = NULL;
		char *msg = NULL;
		for (size_t k = 0; k < ss.n && st == NULL; k++)
			if (ss.v[k].name != NULL && strcmp(ss.v[k].name, name) == 0)
				st = &ss.v[k];
		if (st == NULL && (msg = inv_lsnim_missing(t, name)) == NULL) {
			char *why = xasprintf("no stanza for %s", name);
			msg = inv_task_error(t, text != NULL || e.msg[0] == '\0' ? why : e.msg);
			free(why);
		}
		inv_apply_stanza(l, t->refs[i].slot, t->refs[i].index, st, msg);
	}
	aixparse_stanzas_clear(&ss);
}

static void inv_on_master_oslevel(struct inventory_load *l, struct inv_task *t)
{
	struct inv_master *m = &l->inv->master;
	const char *text;
	size_t len;
	struct err e;

	err_clear(&e);
	text = inv_task_text(t, &len);
	if (text != NULL && aixparse_oslevel(text, len, &m->oslevel, &e) == 0) {
		m->have_oslevel = 1;
		level_format_oslevel(&m->oslevel, m->oslevel_str, sizeof m->oslevel_str);
	} else {
		inv_master_problem(l, t, e.msg);
	}
}

static void inv_on_master_prtconf(struct inventory_load *l, struct inv_task *t)
{
	struct inv_master *m = &l->inv->master;
	const char *text;
	size_t len;
	struct err e;

	err_clear(&e);
	text = inv_task_text(t, &len);
	if (text != NULL && aixparse_prtconf(text, len, &m->prtconf, &e) == 0)
		m->have_prtconf = 1;
	else
		inv_master_problem(l, t, e.msg);
}

static void inv_on_master_lslpp(struct inventory_load *l, struct inv_task *t)
{
	size_t len;
	char *text;
	struct err e;

	err_clear(&e);
	if (!inv_task_ran(t)) {
		inv_master_problem(l, t, NULL);
		return;
	}
	/* Not installed is reported on stderr with a non-zero status. */
	text = inv_task_both(t, &len);
	if (aixparse_lslpp_l(text, len, &l->inv->master.filesets, &e) != 0)
		inv_master_problem(l, t, e.msg);
	free(text);
}

static void inv_on_master_lsvg(struct inventory_load *l, struct inv_task *t)
{
	struct inventory *inv = l->inv;
	struct strv names = { 0 };
	const char *text;
	size_t len;
	struct err e;

	err_clear(&e);
	text = inv_task_text(t, &len);
	if (text == NULL || aixparse_lsvg_names(text, len, &names, &e) != 0) {
		inv_master_problem(l, t, e.msg);
		strv_free(&names);
		return;
	}
	inv->vgs = xcalloc(names.n + 1, sizeof *inv->vgs);
	for (size_t i = 0; i < names.n; i++) {
		const char *argv[] = { "lsvg", names.v[i], NULL };
		inv->vgs[i].name = xstrdup(names.v[i]);
		inv_master_task(l, INV_M_LSVG_VG, i, names.v[i], argv);
	}
	inv->nvgs = names.n;
	strv_free(&names);
}

static void inv_on_master_lsvg_vg(struct inventory_load *l, struct inv_task *t)
{
	struct inv_vg *vg = &l->inv->vgs[t->index];
	size_t len;
	char *text;
	struct err e;

	err_clear(&e);
	if (!inv_task_ran(t)) {
		vg->error = inv_task_error(t, NULL);
		return;
	}
	/* 0516-010 (varied off) comes on stderr. */
	text = inv_task_both(t, &len);
	if (aixparse_lsvg(text, len, &vg->info, &e) == 0)
		vg->have_info = 1;
	else
		vg->error = inv_task_error(t, e.msg);
	free(text);
}

/* A level from bos.rte's V.R.M.F (M is the technology level), for a
 * resource whose NIM attributes do not give one. */
static void inv_resource_level_from_filesets(struct inv_resource *r)
{
	const char *lv = inventory_fileset_level(&r->filesets, "bos.rte");
	struct vrmf v;

	if (r->have_level || lv == NULL || level_parse_vrmf(lv, &v, NULL) != 0 || v.part[0] > 9 ||
	    v.part[1] > 9 || v.part[2] > 99)
		return;
	r->level.version = (int)v.part[0];
	r->level.release = (int)v.part[1];
	r->level.tl = (int)v.part[2];
	r->level.sp = r->level.build = -1;
	r->have_level = 1;
	level_format_oslevel(&r->level, r->level_str, sizeof r->level_str);
}

static void inv_on_resource_filesets(struct inventory_load *l, struct inv_task *t)
{
	struct inv_resource *r =
	    t->kind == INV_R_SPOT_LSLPP ? &l->inv->spots[t->index] : &l->inv->lpp_sources[t->index];
	const char *text;
	size_t len;
	struct err e;

	err_clear(&e);
	text = inv_task_text(t, &len);
	if (text != NULL && aixparse_lslpp(text, len, &r->filesets, &e) == 0 && r->filesets.n > 0) {
		r->have_filesets = 1;
		inv_resource_level_from_filesets(r);
		return;
	}
	aixparse_filesets_clear(&r->filesets);
	if (r->error == NULL)
		r->error = inv_task_error(t, e.msg[0] != '\0' ? e.msg : "no filesets listed");
}

/* ---- handlers: clients ------------------------------------------------------------ */

static struct inv_task *inv_client_task(struct inventory_load *l, enum inv_kind kind, size_t ci,
                                        int timeout_ms, const char *arg, const char *const *argv)
{
	return inv_enqueue(l, kind, l->hosts[ci], timeout_ms, ci, arg, argv);
}

/* The probe: oslevel -s through rsh/nimsh, with the short timeout. */
static void inv_client_tasks(struct inventory_load *l, size_t ci)
{
	struct inv_client *c = &l->inv->clients[ci];
	const char *argv[] = { "oslevel", "-s", NULL };

	l->hosts[ci] =
	    host_nim_new(c->name, l->site->master,
	                 strcmp(c->connect, "nimsh") == 0 ? NIM_CONNECT_NIMSH : NIM_CONNECT_SHELL);
	/* the remote command's own status, and whether the client was reached at all */
	l->hosts[ci]->remote_status = 1;
	inv_client_task(l, INV_C_OSLEVEL, ci, l->opts.probe_timeout_ms, NULL, argv);
}

/* The client answered: everything else at once. */
static void inv_client_rest(struct inventory_load *l, size_t ci)
{
	static const char *const ncargs[] = { "lsattr", "-El", "sys0", "-a", "ncargs", NULL };
	static const char *const tcb[] = { "odmget", "-q", "attribute=TCB_STATE", "PdAt", NULL };
	static const char *const prtconf[] = { "prtconf", NULL };
	static const char *const lspv[] = { "lspv", NULL };
	static const char *const lsvg[] = { "lsvg", "rootvg", NULL };
	static const char *const lsvg_l[] = { "lsvg", "-l", "rootvg", NULL };
	static const char *const bootlist[] = { "bootlist", "-m", "normal", "-o", NULL };
	static const char *const lslpp[] = { "lslpp", "-Lc", NULL };
	int to = l->opts.timeout_ms;

	inv_client_task(l, INV_C_NCARGS, ci, to, NULL, ncargs);
	inv_client_task(l, INV_C_TCB, ci, to, NULL, tcb);
	inv_client_task(l, INV_C_PRTCONF, ci, to, NULL, prtconf);
	inv_client_task(l, INV_C_LSPV, ci, to, NULL, lspv);
	inv_client_task(l, INV_C_LSVG, ci, to, NULL, lsvg);
	inv_client_task(l, INV_C_LSVG_L, ci, to, NULL, lsvg_l);
	inv_client_task(l, INV_C_BOOTLIST, ci, to, NULL, bootlist);
	if (!(l->opts.flags & INVENTORY_NO_FILESETS))
		inv_client_task(l, INV_C_LSLPP, ci, to, NULL, lslpp);
}

/*
 * A client command whose exit status did not come back (res.remote_lost): the
 * client was not reached for it, or the command did not run there. Its output
 * is rsh's or c_rsh's own, never parsed: the probe makes the client
 * unreachable, any later command a problem saying so.
 */
static void inv_client_not_reached(struct inventory_load *l, const struct inv_task *t)
{
	struct inv_client *c = &l->inv->clients[t->index];
	char *cmdline = inv_task_cmdline(t), *line = inv_first_line(sb_str(&t->err)), *msg;
	const char *why = line != NULL ? line : t->res.errmsg;

	msg = xasprintf("%s: %s was not reached (%s)", cmdline, c->name, why);
	switch (t->kind) {
	case INV_C_OSLEVEL:
		c->reachable = 0;
		free(c->error);
		c->error = msg;
		msg = NULL;
		break;
	case INV_C_BOOTINFO:
		for (size_t i = 0; i < c->ndisks; i++)
			if (strcmp(c->disks[i].name, t->arg) == 0 &&
			    c->disks[i].size_error == NULL) {
				c->disks[i].size_error = msg;
				msg = NULL;
			}
		break;
	case INV_C_LSVG:
		free(c->rootvg.error);
		c->rootvg.error = xstrdup(msg);
		strv_push(&c->problems, msg);
		break;
	default:
		strv_push(&c->problems, msg);
		break;
	}
	free(msg);
	free(line);
	free(cmdline);
}

static void inv_on_client(struct inventory_load *l, struct inv_task *t)
{
	struct inv_client *c = &l->inv->clients[t->index];
	const char *text;
	size_t len;
	struct err e;
	int ok = 0;

	err_clear(&e);
	if (t->res.remote_lost) {
		inv_client_not_reached(l, t);
		return;
	}
	text = inv_task_text(t, &len);
	switch (t->kind) {
	case INV_C_OSLEVEL:
		if (text != NULL && aixparse_oslevel(text, len, &c->oslevel, &e) == 0) {
			c->have_oslevel = 1;
			c->reachable = 1;
			level_format_oslevel(&c->oslevel, c->oslevel_str, sizeof c->oslevel_str);
			inv_client_rest(l, t->index);
		} else {
			c->reachable = 0;
			free(c->error);
			c->error = inv_task_error(t, e.msg);
		}
		return;
	case INV_C_NCARGS: {
		struct aix_lsattr a;
		const char *v;
		memset(&a, 0, sizeof a);
		if (text != NULL && aixparse_lsattr(text, len, &a, &e) == 0 &&
		    (v = aixparse_lsattr_get(&a, "ncargs")) != NULL && str_to_ll(v) >= 0) {
			c->ncargs = str_to_ll(v);
			ok = 1;
		}
		aixparse_lsattr_clear(&a);
		break;
	}
	case INV_C_TCB: {
		struct aix_stanzas ss;
		const char *v;
		memset(&ss, 0, sizeof ss);
		if (text != NULL && aixparse_odmget(text, len, &ss, &e) == 0) {
			ok = 1;
			/* No TCB_STATE object: TCB was never installed, so it is off. */
			v = ss.n > 0 ? aixparse_stanza_get(&ss.v[0], "deflt") : "tcb_disabled";
			if (v != NULL)
				c->tcb = strcmp(v, "tcb_enabled") == 0;
		}
		aixparse_stanzas_clear(&ss);
		break;
	}
	case INV_C_PRTCONF:
		if (text != NULL && aixparse_prtconf(text, len, &c->prtconf, &e) == 0)
			ok = c->have_prtconf = 1;
		break;
	case INV_C_LSPV: {
		struct aix_lspv pv;
		memset(&pv, 0, sizeof pv);
		if (text != NULL && aixparse_lspv(text, len, &pv, &e) == 0) {
			ok = 1;
			c->disks = xcalloc(pv.n + 1, sizeof *c->disks);
			for (size_t i = 0; i < pv.n; i++) {
				struct inv_disk *d = &c->disks[i];
				const char *argv[] = { "bootinfo", "-s", pv.v[i].name, NULL };
				/* Take the strings over from the parse. */
				d->name = pv.v[i].name;
				d->pvid = pv.v[i].pvid;
				d->vg = pv.v[i].vg;
				d->state = pv.v[i].state;
				memset(&pv.v[i], 0, sizeof pv.v[i]);
				d->size_mb = -1;
				inv_client_task(l, INV_C_BOOTINFO, t->index, l->opts.timeout_ms,
				                d->name, argv);
			}
			c->ndisks = pv.n;
		}
		aixparse_lspv_clear(&pv);
		break;
	}
	case INV_C_BOOTINFO: {
		struct inv_disk *d = NULL;
		for (size_t i = 0; i < c->ndisks; i++)
			if (strcmp(c->disks[i].name, t->arg) == 0)
				d = &c->disks[i];
		if (d == NULL)
			return;
		if (text != NULL && aixparse_disk_size(text, len, &d->size_mb, &e) == 0)
			return;
		d->size_error = inv_task_error(t, e.msg);
		return;
	}
	case INV_C_LSVG: {
		struct aix_vg vg;
		memset(&vg, 0, sizeof vg);
		if (text != NULL && aixparse_lsvg(text, len, &vg, &e) == 0 && !vg.varied_off) {
			struct inv_rootvg *r = &c->rootvg;
			ok = r->known = 1;
			r->pp_size_mb = vg.pp_size_mb;
			r->total_mb = vg.total_mb;
			r->free_mb = vg.free_mb;
			r->used_mb = vg.used_mb;
			r->pvs = vg.total_pvs;
		}
		aixparse_vg_clear(&vg);
		if (!ok) {
			free(c->rootvg.error);
			c->rootvg.error = inv_task_error(t, e.msg);
		}
		break;
	}
	case INV_C_LSVG_L:
		if (text != NULL && aixparse_lsvg_l(text, len, &c->rootvg.lvs, &e) == 0)
			ok = 1;
		break;
	case INV_C_BOOTLIST:
		if (text != NULL && aixparse_bootlist(text, len, &c->bootlist, &e) == 0)
			ok = 1;
		break;
	case INV_C_LSLPP:
		if (text != NULL && aixparse_lslpp_lc(text, len, &c->filesets, &e) == 0 &&
		    c->filesets.n > 0)
			ok = c->have_filesets = 1;
		else
			aixparse_filesets_clear(&c->filesets);
		break;
	default:
		return;
	}
	if (!ok)
		inv_client_problem(l, t->index, t, e.msg);
}

/* ---- derived facts ------------------------------------------------------------------ */

static void inv_client_derive(struct inv_client *c)
{
	struct inv_rootvg *r = &c->rootvg;
	int hd4 = 0, most = 1;

	for (size_t i = 0; i < c->ndisks; i++) {
		struct inv_disk *d = &c->disks[i];
		free(d->why);
		d->why = NULL;
		d->free = d->vg == NULL;
		if (d->free)
			continue;
		if (strcmp(d->vg, "rootvg") == 0)
			d->why = xstrdup("in rootvg");
		else if (strcmp(d->vg, "altinst_rootvg") == 0)
			d->why = xstrdup("altinst_rootvg (a previous alternate disk)");
		else if (strcmp(d->vg, "old_rootvg") == 0)
			d->why = xstrdup("old_rootvg (the rootvg before a migration)");
		else
			d->why = xasprintf("in VG %s", d->vg);
	}
	for (size_t i = 0; i < r->lvs.n; i++) {
		const struct aix_lv *lv = &r->lvs.v[i];
		size_t n = strlen(lv->name);
		if (lv->copies > most)
			most = lv->copies;
		if (strcmp(lv->name, "hd4") == 0)
			hd4 = lv->copies;
		if (str_starts(lv->name, "bos_"))
			r->multibos = 1;
		if (n > r->longest_lv_len) {
			r->longest_lv_len = n;
			r->longest_lv = lv->name;
		}
	}
	/* / decides (the dump LV is often not mirrored); else the most copies seen. */
	if (r->lvs.n > 0)
		r->copies = hd4 > 0 ? hd4 : most;
	if (r->used_mb >= 0 && r->copies > 0)
		r->used_mb_per_copy = r->used_mb / r->copies;
}

/* ---- the scheduler ------------------------------------------------------------------- */

static void inv_pump(struct inventory_load *l);

static void inv_load_destroy(struct inventory_load *l)
{
	struct inv_task *t;

	while ((t = l->qhead) != NULL) {
		l->qhead = t->next;
		inv_task_free(t);
	}
	/* The hosts go with the load: the inventory does not need them. */
	for (size_t i = 0; i < l->nhosts; i++)
		host_free(&l->hosts[i]);
	free(l->hosts);
	inventory_free(&l->inv);
	strv_free(&l->only);
	free(l);
}

static void inv_handle(struct inventory_load *l, struct inv_task *t)
{
	switch (t->kind) {
	case INV_M_LSNIM:
		inv_on_lsnim(l, t);
		break;
	case INV_M_LSNIM_L:
		inv_on_lsnim_l(l, t);
		break;
	case INV_M_OSLEVEL:
		inv_on_master_oslevel(l, t);
		break;
	case INV_M_PRTCONF:
		inv_on_master_prtconf(l, t);
		break;
	case INV_M_LSLPP:
		inv_on_master_lslpp(l, t);
		break;
	case INV_M_LSVG:
		inv_on_master_lsvg(l, t);
		break;
	case INV_M_LSVG_VG:
		inv_on_master_lsvg_vg(l, t);
		break;
	case INV_R_SPOT_LSLPP:
	case INV_R_LPP_SHOWRES:
		inv_on_resource_filesets(l, t);
		break;
	default:
		inv_on_client(l, t);
		break;
	}
}

static void inv_unlink_running(struct inventory_load *l, struct inv_task *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		l->running = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	l->nrunning--;
}

static void inv_cmd_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct inv_task *t = arg;

	(void)c;
	/* Enough for any listing we parse; a runaway command cannot eat memory. */
	if (t->out.len + t->err.len + len > 64u * 1024 * 1024)
		return;
	sb_add(s == CMD_STDOUT ? &t->out : &t->err, buf, len);
}

static void inv_cmd_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct inv_task *t = arg;
	struct inventory_load *l = t->load;

	(void)c;
	t->cmd = NULL;
	t->res = *r;
	inv_unlink_running(l, t);
	if (l->abandoned) {
		inv_task_free(t);
		if (l->nrunning == 0)
			inv_load_destroy(l);
		return;
	}
	if (!l->failed)
		inv_handle(l, t);
	inv_task_free(t);
	l->nfinished++;
	if (l->cb.progress != NULL && !l->failed)
		l->cb.progress(l->cb.arg, l->nfinished, l->ntasks);
	inv_pump(l);
}

/* Starts one queued task; a start failure is reported as the task's result. */
static void inv_start(struct inventory_load *l, struct inv_task *t)
{
	struct cmd_cb cb = { .data = inv_cmd_data, .done = inv_cmd_done, .arg = t };
	struct cmd_spec spec = {
		.host = t->host,
		.argv = strv_argv(&t->argv),
		.timeout_ms = t->timeout_ms,
	};
	struct err e;

	err_clear(&e);
	t->cmd = cmd_start(l->set, &spec, &cb, &e);
	if (t->cmd != NULL) {
		t->next = l->running;
		t->prev = NULL;
		if (l->running != NULL)
			l->running->prev = t;
		l->running = t;
		l->nrunning++;
		return;
	}
	memset(&t->res, 0, sizeof t->res);
	t->res.status = 127;
	t->res.start_errno = -1;
	str_copy(t->res.errmsg, e.msg[0] != '\0' ? e.msg : "could not start", sizeof t->res.errmsg);
	if (!l->failed)
		inv_handle(l, t);
	inv_task_free(t);
	l->nfinished++;
}

static void inv_finish(struct inventory_load *l)
{
	struct inventory_cb cb = l->cb;
	struct inventory *inv = NULL;

	if (l->failed) {
		cb.done(cb.arg, NULL, &l->err);
	} else {
		inv = l->inv;
		l->inv = NULL;
		for (size_t i = 0; i < inv->nclients; i++)
			inv_client_derive(&inv->clients[i]);
		inv->duration_ms = clock_ms() - l->start_ms;
		cb.done(cb.arg, inv, NULL);
	}
	inv_load_destroy(l);
}

static void inv_pump(struct inventory_load *l)
{
	if (l->pumping)
		return;
	l->pumping = 1;
	while (l->qhead != NULL && l->nrunning < (size_t)l->opts.max_running) {
		struct inv_task *t = l->qhead;
		l->qhead = t->next;
		if (l->qhead == NULL)
			l->qtail = NULL;
		t->next = NULL;
		if (l->failed) {
			inv_task_free(t);
			continue;
		}
		inv_start(l, t);
	}
	l->pumping = 0;
	if (l->nrunning == 0 && l->qhead == NULL)
		inv_finish(l);
}

struct inventory_load *inventory_load_start(struct site *s, struct cmdset *set,
                                            const struct inventory_opts *o,
                                            const struct inventory_cb *cb, struct err *e)
{
	struct inventory_load *l = xcalloc(1, sizeof *l);
	static const char *const lsnim[] = { "lsnim", NULL };
	static const char *const oslevel[] = { "oslevel", "-s", NULL };
	static const char *const prtconf[] = { "prtconf", NULL };
	static const char *const lslpp[] = { "lslpp", "-l", "bos.alt_disk_install.rte",
		                             "bos.alt_disk_install.boot_images", NULL };
	static const char *const lsvg[] = { "lsvg", NULL };
	struct inv_task *first;

	if (cb == NULL || cb->done == NULL) {
		err_set(e, "inventory_load_start: no done callback");
		free(l);
		return NULL;
	}
	l->site = s;
	l->set = set != NULL ? set : s->set;
	l->cb = *cb;
	if (o != NULL)
		l->opts = *o;
	if (l->opts.timeout_ms <= 0)
		l->opts.timeout_ms = INV_TIMEOUT_MS;
	if (l->opts.probe_timeout_ms <= 0)
		l->opts.probe_timeout_ms = INV_PROBE_TIMEOUT_MS;
	if (l->opts.max_running <= 0)
		l->opts.max_running = INV_MAX_RUNNING;
	if (l->opts.clients != NULL)
		for (size_t i = 0; l->opts.clients[i] != NULL; i++)
			strv_push(&l->only, l->opts.clients[i]);
	l->inv = xcalloc(1, sizeof *l->inv);
	l->start_ms = clock_ms();

	first = inv_master_task(l, INV_M_LSNIM, 0, NULL, lsnim);
	inv_master_task(l, INV_M_OSLEVEL, 0, NULL, oslevel);
	inv_master_task(l, INV_M_LSVG, 0, NULL, lsvg);
	inv_master_task(l, INV_M_LSLPP, 0, NULL, lslpp);
	inv_master_task(l, INV_M_PRTCONF, 0, NULL, prtconf);

	/* lsnim must start here, or there is nothing to load: report it now. */
	l->qhead = first->next;
	if (l->qhead == NULL)
		l->qtail = NULL;
	first->next = NULL;
	{
		struct cmd_cb ccb = { .data = inv_cmd_data, .done = inv_cmd_done, .arg = first };
		struct cmd_spec spec = { .host = s->master,
			                 .argv = strv_argv(&first->argv),
			                 .timeout_ms = l->opts.timeout_ms };
		first->cmd = cmd_start(l->set, &spec, &ccb, e);
		if (first->cmd == NULL) {
			inv_task_free(first);
			inv_load_destroy(l);
			return NULL;
		}
	}
	l->running = first;
	l->nrunning = 1;
	/* Something is running, so this cannot finish (and call done) from here. */
	inv_pump(l);
	return l;
}

void inventory_load_cancel(struct inventory_load **lp)
{
	struct inventory_load *l = *lp;
	struct inv_task *t, *next;

	if (l == NULL)
		return;
	*lp = NULL;
	l->abandoned = 1;
	while ((t = l->qhead) != NULL) {
		l->qhead = t->next;
		inv_task_free(t);
	}
	l->qtail = NULL;
	if (l->nrunning == 0) {
		inv_load_destroy(l);
		return;
	}
	for (t = l->running; t != NULL; t = next) {
		next = t->next;
		cmd_cancel(t->cmd);
	}
}

struct inv_sync {
	int finished;
	struct inventory *inv;
	struct err err;
};

static void inv_sync_done(void *arg, struct inventory *inv, const struct err *e)
{
	struct inv_sync *s = arg;

	s->finished = 1;
	s->inv = inv;
	if (e != NULL)
		s->err = *e;
}

struct inventory *inventory_load(struct site *s, const struct inventory_opts *o, struct err *e)
{
	struct inv_sync sync;
	struct inventory_cb cb = { .done = inv_sync_done, .arg = &sync };
	struct inventory_load *l;

	memset(&sync, 0, sizeof sync);
	l = inventory_load_start(s, s->set, o, &cb, e);
	if (l == NULL)
		return NULL;
	while (!sync.finished) {
		cmdset_run(s->set, -1);
		if (!sync.finished && cmdset_active(s->set) == 0) {
			/* Cannot happen: the last command's done finishes the load. */
			inventory_load_cancel(&l);
			err_set(e, "the inventory stalled");
			return NULL;
		}
	}
	if (sync.inv == NULL && e != NULL)
		*e = sync.err;
	return sync.inv;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void inv_json_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* A count or size; negative (unknown) becomes null. */
static void inv_json_num(cJSON *o, const char *key, long long v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, key, (double)v);
	else
		cJSON_AddNullToObject(o, key);
}

/* 1 true, 0 false, else null. */
static void inv_json_tri(cJSON *o, const char *key, int v)
{
	if (v == 0 || v == 1)
		cJSON_AddBoolToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *inv_json_strv(const struct strv *sv)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < sv->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sv->v[i]));
	return a;
}

/* lsnim -l attributes; a repeated attribute keeps its first value. */
static cJSON *inv_json_attrs(const struct aix_stanza *st)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < st->nattrs; i++)
		if (!cJSON_HasObjectItem(o, st->attrs[i].name))
			cJSON_AddStringToObject(o, st->attrs[i].name, st->attrs[i].value);
	return o;
}

/* {fileset: level} for the key filesets present. */
static cJSON *inv_json_key_filesets(const struct aix_filesets *fs)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < ARRAY_LEN(inv_key_filesets); i++) {
		const char *lv = inventory_fileset_level(fs, inv_key_filesets[i]);
		if (lv != NULL)
			cJSON_AddStringToObject(o, inv_key_filesets[i], lv);
	}
	return o;
}

static cJSON *inv_json_client(const struct inv_client *c)
{
	cJSON *o = cJSON_CreateObject(), *a, *rv;
	const struct inv_rootvg *r = &c->rootvg;

	inv_json_str(o, "name", c->name);
	inv_json_str(o, "connect", c->connect);
	inv_json_str(o, "cstate", c->cstate);
	inv_json_str(o, "mstate", c->mstate);
	inv_json_str(o, "hostname", c->hostname);
	inv_json_str(o, "platform", aixparse_stanza_get(&c->nim, "platform"));
	inv_json_str(o, "cpuid", aixparse_stanza_get(&c->nim, "cpuid"));
	inv_json_tri(o, "reachable", c->reachable);
	inv_json_str(o, "error", c->error);
	cJSON_AddItemToObject(o, "problems", inv_json_strv(&c->problems));
	inv_json_str(o, "oslevel", c->have_oslevel ? c->oslevel_str : NULL);
	inv_json_num(o, "ncargs", c->ncargs);
	inv_json_tri(o, "tcb", c->tcb);
	inv_json_str(o, "processor_type", c->have_prtconf ? c->prtconf.processor_type : NULL);
	inv_json_str(o, "processor_mode", c->have_prtconf ? c->prtconf.processor_mode : NULL);
	inv_json_num(o, "power_gen", c->have_prtconf ? c->prtconf.power_gen : -1);
	inv_json_num(o, "mode_gen", c->have_prtconf ? c->prtconf.mode_gen : -1);
	inv_json_num(o, "memory_mb", c->have_prtconf ? c->prtconf.memory_mb : -1);
	inv_json_str(o, "firmware", c->have_prtconf ? c->prtconf.firmware : NULL);

	a = cJSON_AddArrayToObject(o, "disks");
	for (size_t i = 0; i < c->ndisks; i++) {
		const struct inv_disk *d = &c->disks[i];
		cJSON *dj = cJSON_CreateObject();
		inv_json_str(dj, "name", d->name);
		inv_json_str(dj, "pvid", d->pvid);
		inv_json_str(dj, "vg", d->vg);
		inv_json_str(dj, "state", d->state);
		inv_json_num(dj, "size_mb", d->size_mb);
		cJSON_AddBoolToObject(dj, "free", d->free);
		inv_json_str(dj, "why", d->why);
		if (d->size_error != NULL)
			cJSON_AddStringToObject(dj, "size_error", d->size_error);
		cJSON_AddItemToArray(a, dj);
	}

	rv = cJSON_AddObjectToObject(o, "rootvg");
	cJSON_AddBoolToObject(rv, "known", r->known);
	inv_json_num(rv, "pp_size_mb", r->pp_size_mb);
	inv_json_num(rv, "total_mb", r->total_mb);
	inv_json_num(rv, "free_mb", r->free_mb);
	inv_json_num(rv, "used_mb", r->used_mb);
	inv_json_num(rv, "pvs", r->pvs);
	inv_json_num(rv, "copies", r->copies);
	inv_json_num(rv, "used_mb_per_copy", r->used_mb_per_copy);
	cJSON_AddBoolToObject(rv, "multibos", r->multibos);
	inv_json_str(rv, "longest_lv", r->longest_lv);
	inv_json_num(rv, "longest_lv_len",
	             r->longest_lv != NULL ? (long long)r->longest_lv_len : -1);
	inv_json_str(rv, "error", r->error);
	a = cJSON_AddArrayToObject(rv, "lvs");
	for (size_t i = 0; i < r->lvs.n; i++) {
		const struct aix_lv *lv = &r->lvs.v[i];
		cJSON *lj = cJSON_CreateObject();
		inv_json_str(lj, "name", lv->name);
		inv_json_str(lj, "type", lv->type);
		inv_json_num(lj, "lps", lv->lps);
		inv_json_num(lj, "pps", lv->pps);
		inv_json_num(lj, "pvs", lv->pvs);
		inv_json_num(lj, "copies", lv->copies);
		inv_json_str(lj, "state", lv->state);
		inv_json_str(lj, "mount", lv->mount);
		cJSON_AddItemToArray(a, lj);
	}

	a = cJSON_AddArrayToObject(o, "bootlist");
	for (size_t i = 0; i < c->bootlist.n; i++) {
		cJSON *bj = cJSON_CreateObject();
		inv_json_str(bj, "device", c->bootlist.v[i].device);
		inv_json_str(bj, "blv", c->bootlist.v[i].blv);
		inv_json_num(bj, "pathid", c->bootlist.v[i].pathid);
		cJSON_AddItemToArray(a, bj);
	}
	cJSON_AddItemToObject(o, "filesets", inv_json_key_filesets(&c->filesets));
	inv_json_num(o, "fileset_count", c->have_filesets ? (long long)c->filesets.n : -1);
	cJSON_AddItemToObject(o, "attributes", inv_json_attrs(&c->nim));
	return o;
}

static cJSON *inv_json_resources(const struct inv_resource *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		const struct inv_resource *r = &v[i];
		cJSON *o = cJSON_CreateObject();
		inv_json_str(o, "name", r->name);
		inv_json_str(o, "type", r->type);
		inv_json_str(o, "location", r->location);
		inv_json_str(o, "server", r->server);
		inv_json_str(o, "rstate", r->rstate);
		inv_json_str(o, "level", r->have_level ? r->level_str : NULL);
		inv_json_str(o, "oslevel_r", aixparse_stanza_get(&r->nim, "oslevel_r"));
		inv_json_str(o, "oslevel_s", aixparse_stanza_get(&r->nim, "oslevel_s"));
		if (strcmp(r->type, "lpp_source") == 0)
			inv_json_tri(o, "simages", r->simages);
		if (strcmp(r->type, "mksysb") == 0) {
			inv_json_str(o, "source_image", r->source_image);
			inv_json_str(o, "creation_date", r->creation_date);
		}
		if (strcmp(r->type, "spot") == 0 || strcmp(r->type, "lpp_source") == 0) {
			cJSON_AddItemToObject(o, "filesets", inv_json_key_filesets(&r->filesets));
			inv_json_num(o, "fileset_count",
			             r->have_filesets ? (long long)r->filesets.n : -1);
		}
		inv_json_str(o, "error", r->error);
		cJSON_AddItemToObject(o, "attributes", inv_json_attrs(&r->nim));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

struct cJSON *inventory_to_json(const struct inventory *inv)
{
	cJSON *root = cJSON_CreateObject(), *m, *a;
	const struct inv_master *im = &inv->master;

	m = cJSON_AddObjectToObject(root, "master");
	inv_json_str(m, "name", im->name);
	inv_json_str(m, "oslevel", im->have_oslevel ? im->oslevel_str : NULL);
	inv_json_num(m, "memory_mb", im->have_prtconf ? im->prtconf.memory_mb : -1);
	inv_json_str(m, "processor_type", im->have_prtconf ? im->prtconf.processor_type : NULL);
	cJSON_AddItemToObject(m, "filesets", inv_json_key_filesets(&im->filesets));
	cJSON_AddItemToObject(m, "missing_filesets", inv_json_strv(&im->filesets.missing));
	cJSON_AddItemToObject(m, "problems", inv_json_strv(&im->problems));
	cJSON_AddItemToObject(m, "attributes", inv_json_attrs(&im->nim));

	a = cJSON_AddArrayToObject(root, "clients");
	for (size_t i = 0; i < inv->nclients; i++)
		cJSON_AddItemToArray(a, inv_json_client(&inv->clients[i]));
	cJSON_AddItemToObject(root, "spots", inv_json_resources(inv->spots, inv->nspots));
	cJSON_AddItemToObject(root, "lpp_sources",
	                      inv_json_resources(inv->lpp_sources, inv->nlpp_sources));
	cJSON_AddItemToObject(root, "mksysbs", inv_json_resources(inv->mksysbs, inv->nmksysbs));
	cJSON_AddItemToObject(root, "resources", inv_json_resources(inv->others, inv->nothers));

	a = cJSON_AddArrayToObject(root, "vgs");
	for (size_t i = 0; i < inv->nvgs; i++) {
		const struct inv_vg *vg = &inv->vgs[i];
		cJSON *o = cJSON_CreateObject();
		inv_json_str(o, "name", vg->name);
		inv_json_tri(o, "varied_on", vg->have_info ? !vg->info.varied_off : -1);
		inv_json_str(o, "state", vg->have_info ? vg->info.state : NULL);
		inv_json_num(o, "pp_size_mb", vg->have_info ? vg->info.pp_size_mb : -1);
		inv_json_num(o, "total_mb", vg->have_info ? vg->info.total_mb : -1);
		inv_json_num(o, "free_mb", vg->have_info ? vg->info.free_mb : -1);
		inv_json_num(o, "used_mb", vg->have_info ? vg->info.used_mb : -1);
		inv_json_num(o, "pvs", vg->have_info ? vg->info.total_pvs : -1);
		inv_json_str(o, "error", vg->error);
		cJSON_AddItemToArray(a, o);
	}
	inv_json_num(root, "duration_ms", inv->duration_ms);
	return root;
}
