/*
 * snapshot_collect.c: collecting a client's configuration through the master.
 * NIM says how the client is reached (lsnim -l: connect shell or nimsh); the
 * client is probed with oslevel -s, then every command of the catalog, every
 * file (`cat PATH`) and every directory (`ls -ap DIR`, then its files) runs as
 * a task, at most max_running at once, each with its own timeout.
 *
 * Client commands run on a HOST_NIM host that brings the remote exit status
 * back (host.remote_status, cmd.h: rsh carries none). The remote command line
 * is always quote_sh_argv() of an argv: names that came from the client
 * (directory listings) are arguments, never shell text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aixparse.h"
#include "snapshot_int.h"

#define SNAP_TIMEOUT_MS       120000
#define SNAP_PROBE_TIMEOUT_MS 30000
#define SNAP_MAX_RUNNING      4
#define SNAP_CMD_CAP          (64u * 1024 * 1024)
#define SNAP_FILE_CAP         (16u * 1024 * 1024)
#define SNAP_DIR_ENTRIES_MAX  500
#define SNAP_DIR_DEPTH_MAX    2
#define SNAP_MESSAGE_MAX      300

enum snap_tkind { ST_LSNIM, ST_HOSTNAME, ST_PROBE, ST_CMD, ST_FILE, ST_DIR, ST_EXTRA };

struct snap_task {
	struct snap_collect *col;
	struct snap_task *next, *prev;
	enum snap_tkind kind;
	char *name;       /* the item's name; for a directory its path with the slash */
	struct strv argv; /* what runs (on the client unless on_master) */
	int timeout_ms;
	int stream;
	int depth;
	int on_master;
	size_t cap;
	int capped;
	struct cmd *cmd;
	struct strbuf out, err;
	struct cmd_result res;
	long long start_ms;
};

struct snap_collect {
	struct site *site;
	struct cmdset *set;
	char *client;
	int timeout_ms, probe_timeout_ms, max_running;
	struct snap_extra *extra; /* copies: names and argv owned below */
	struct strv *extra_argv;
	size_t nextra;
	struct snap_collect_cb cb;
	struct snapshot *snap;
	int nimsh;
	struct host *host; /* the client, reached from the master; known after lsnim */
	struct snap_task *qhead, *qtail; /* to start */
	struct snap_task *lhead, *ltail; /* to start when everything else is done */
	struct snap_task *running;
	size_t nrunning, ntasks, nfinished;
	int pumping, abandoned, failed, finished;
	struct err err;
};

/* ---- tasks ---------------------------------------------------------------------------- */

static void snap_task_free(struct snap_task *t)
{
	free(t->name);
	strv_free(&t->argv);
	sb_free(&t->out);
	sb_free(&t->err);
	free(t);
}

static struct snap_task *snap_task_new(struct snap_collect *c, enum snap_tkind kind,
                                       const char *name, const char *const *argv)
{
	struct snap_task *t = xcalloc(1, sizeof *t);

	t->col = c;
	t->kind = kind;
	t->name = xstrdup(name);
	for (size_t i = 0; argv[i] != NULL; i++)
		strv_push(&t->argv, argv[i]);
	t->timeout_ms = c->timeout_ms;
	t->cap = kind == ST_FILE ? SNAP_FILE_CAP : SNAP_CMD_CAP;
	return t;
}

static void snap_enqueue(struct snap_collect *c, struct snap_task *t, int last)
{
	struct snap_task **head = last ? &c->lhead : &c->qhead;
	struct snap_task **tail = last ? &c->ltail : &c->qtail;

	t->next = NULL;
	if (*tail != NULL)
		(*tail)->next = t;
	else
		*head = t;
	*tail = t;
	c->ntasks++;
}

/* The argv joined by blanks, for people (never run). Owned. */
static char *snap_join(const struct strv *argv)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < argv->n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, argv->v[i]);
	}
	return sb_steal(&sb);
}

/* The first non-blank line of s (cut at SNAP_MESSAGE_MAX), or NULL. Owned. */
static char *snap_first_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '\n')
			j++;
		char *line = str_trim(xstrndup(s + i, j - i));
		if (*line != '\0') {
			if (strlen(line) > SNAP_MESSAGE_MAX)
				line[SNAP_MESSAGE_MAX] = '\0';
			return line;
		}
		free(line);
		i = j + 1;
	}
	return NULL;
}

struct snap_outcome {
	int transport_failed; /* the command did not run on the client (or we cannot tell) */
	int exit_status;      /* -1 unknown */
	char *message;        /* owned; NULL when exit 0 and nothing to say */
};

static void snap_task_outcome(struct snap_task *t, struct snap_outcome *o)
{
	const struct cmd_result *r = &t->res;
	char *line = snap_first_line(t->err.buf != NULL ? t->err.buf : "", t->err.len);

	memset(o, 0, sizeof *o);
	o->exit_status = -1;
	if (r->timed_out || r->cancelled || r->start_errno != 0 || !r->exited) {
		o->transport_failed = 1;
		if (r->errmsg[0] != '\0')
			o->message = xstrdup(r->errmsg);
		else if (!r->exited)
			o->message = xasprintf("killed by signal %d", r->signal);
		else
			o->message = xstrdup("did not run");
		free(line);
		return;
	}
	if (t->capped) {
		o->message = xasprintf("more than %zu bytes: not kept", t->cap);
		free(line);
		return;
	}
	if (r->remote_lost) {
		/* rsh or c_rsh could not reach the client or run the command there */
		o->transport_failed = 1;
		o->message = line != NULL ? line : xstrdup(r->errmsg);
		return;
	}
	o->exit_status = r->status;
	if (o->exit_status != 0) {
		if (line != NULL) {
			o->message = line;
			line = NULL;
		} else {
			o->message = xasprintf("exit status %d", o->exit_status);
		}
	}
	free(line);
}

/* ---- items ---------------------------------------------------------------------------- */

static void snap_progress(struct snap_collect *c, const struct snapshot_item *it)
{
	if (c->cb.progress != NULL)
		c->cb.progress(c->cb.arg, it, c->nfinished + 1, c->ntasks);
}

/* A command's item: ok on exit 0, else unavailable; stdout and stderr kept. The
 * outcome is computed here unless given (its message is taken over). */
static struct snapshot_item *snap_record_cmd(struct snap_collect *c, struct snap_task *t,
                                             struct snap_outcome *given)
{
	struct snap_outcome o;
	struct snapshot_item *it = snap_push_item(c->snap);

	if (given != NULL)
		o = *given;
	else
		snap_task_outcome(t, &o);
	it->kind = SNAP_CMD;
	it->name = xstrdup(t->name);
	it->source = snap_join(&t->argv);
	it->exit_status = o.exit_status;
	it->status = o.exit_status == 0 ? SNAP_OK : SNAP_UNAVAILABLE;
	it->message = o.message;
	it->duration_ms = t->res.duration_ms;
	if (!t->capped && (it->status == SNAP_OK || t->out.len > 0)) {
		it->entry = xasprintf("cmd/%s.out", t->name);
		snap_item_set_data(it, sb_str(&t->out), t->out.len);
	}
	if (!t->capped && t->err.len > 0) {
		it->err_entry = xasprintf("cmd/%s.err", t->name);
		snap_item_set_err(it, sb_str(&t->err), t->err.len);
	}
	return it;
}

/* A file's item: ok, unavailable (no cat, no transport) or unreadable. */
static void snap_record_file(struct snap_collect *c, const char *path, struct snap_task *t)
{
	struct snap_outcome o;
	struct snapshot_item *it = snap_push_item(c->snap);

	snap_task_outcome(t, &o);
	it->kind = SNAP_FILE;
	it->name = xstrdup(path);
	it->source = snap_join(&t->argv);
	it->exit_status = o.exit_status;
	it->message = o.message;
	it->duration_ms = t->res.duration_ms;
	if (o.exit_status == 0) {
		it->status = SNAP_OK;
		it->entry = xasprintf("files%s", path);
		snap_item_set_data(it, sb_str(&t->out), t->out.len);
	} else if (o.transport_failed || o.exit_status == 127 || o.exit_status < 0) {
		it->status = SNAP_UNAVAILABLE;
	} else {
		it->status = SNAP_UNREADABLE;
	}
	if (t->capped)
		it->status = SNAP_UNREADABLE;
	snap_progress(c, it);
}

/* A name from a directory listing we will read: no slash, no control character. */
static int snap_listed_name_ok(const char *name)
{
	if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strlen(name) > 255)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return 0;
	return snap_utf8_valid(name);
}

/* "ls_etc_ssh" for "/etc/ssh/", unique in the snapshot. Owned. */
static char *snap_dir_item_name(struct snap_collect *c, const char *dir)
{
	struct strbuf sb = { 0 };
	char *name;

	sb_adds(&sb, "ls");
	for (const char *p = dir; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;
		if (*p == '/') {
			if (p[1] != '\0')
				sb_addc(&sb, '_');
		} else {
			sb_addc(&sb, (ch >= 0x21 && ch < 0x7f) ? *p : '_');
		}
	}
	name = xstrdup(sb_str(&sb));
	for (int n = 2; snapshot_find(c->snap, name) != NULL; n++) {
		free(name);
		name = xasprintf("%s_%d", sb_str(&sb), n);
	}
	sb_free(&sb);
	return name;
}

static void snap_queue_file(struct snap_collect *c, const char *path)
{
	const char *argv[] = { "cat", path, NULL };
	snap_enqueue(c, snap_task_new(c, ST_FILE, path, argv), 0);
}

static void snap_queue_dir(struct snap_collect *c, const char *dir, int depth)
{
	char *plain = xstrndup(dir, strlen(dir) - 1);
	const char *argv[] = { "ls", "-ap", plain, NULL };
	struct snap_task *t = snap_task_new(c, ST_DIR, dir, argv);

	t->depth = depth;
	snap_enqueue(c, t, 0);
	free(plain);
}

/* A directory's listing: its own item, then a task per file and subdirectory. */
static void snap_on_dir(struct snap_collect *c, struct snap_task *t)
{
	const char *dir = t->argv.v[t->argv.n - 1]; /* the path without its slash */
	struct strv files = { 0 }, dirs = { 0 };
	size_t nskipped = 0, nentries = 0, i = 0;
	struct snapshot_item *it;
	char *iname = snap_dir_item_name(c, t->name);

	free(t->name);
	t->name = iname;
	it = snap_record_cmd(c, t, NULL);
	if (it->status != SNAP_OK) {
		/* The directory itself is recorded as a file that could not be read. */
		struct snapshot_item copy = *it, *fi;

		snap_progress(c, it);
		fi = snap_push_item(c->snap); /* may move `it` */
		fi->kind = SNAP_FILE;
		fi->name = xasprintf("%s/", dir);
		fi->source = xstrdup(copy.source);
		fi->status = copy.exit_status == 127 || copy.exit_status < 0 ? SNAP_UNAVAILABLE
		                                                             : SNAP_UNREADABLE;
		fi->exit_status = copy.exit_status;
		fi->message = copy.message != NULL ? xstrdup(copy.message) : NULL;
		return;
	}
	while (i < it->len) {
		size_t j = i, nl;
		int is_dir = 0;
		char *name;

		while (j < it->len && it->data[j] != '\n')
			j++;
		name = xstrndup(it->data + i, j - i);
		i = j + 1;
		nl = strlen(name);
		if (nl > 0 && name[nl - 1] == '\r')
			name[--nl] = '\0';
		if (nl > 0 && name[nl - 1] == '/') {
			is_dir = 1;
			name[--nl] = '\0';
		}
		if (nl == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(name);
			continue;
		}
		if (!snap_listed_name_ok(name) || nentries >= SNAP_DIR_ENTRIES_MAX) {
			nskipped++;
			free(name);
			continue;
		}
		nentries++;
		strv_push(is_dir ? &dirs : &files, name);
		free(name);
	}
	if (nskipped > 0) {
		free(it->message);
		it->message = xasprintf("%zu entries not read (unsafe names, or more than %d)",
		                        nskipped, SNAP_DIR_ENTRIES_MAX);
	}
	snap_progress(c, it);
	for (size_t k = 0; k < files.n; k++) {
		char *p = xasprintf("%s/%s", dir, files.v[k]);
		snap_queue_file(c, p);
		free(p);
	}
	for (size_t k = 0; k < dirs.n && t->depth < SNAP_DIR_DEPTH_MAX; k++) {
		char *p = xasprintf("%s/%s/", dir, dirs.v[k]);
		snap_queue_dir(c, p, t->depth + 1);
		free(p);
	}
	strv_free(&files);
	strv_free(&dirs);
}

/* ---- the run -------------------------------------------------------------------------- */

static void snap_pump(struct snap_collect *c);

/* Ends the run with an error; field "client" when the name is what is wrong. */
static void snap_fail_field(struct snap_collect *c, const char *field, const char *fmt, ...)
    PRINTFLIKE(3, 4);
static void snap_fail_field(struct snap_collect *c, const char *field, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (c->failed)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set_field(&c->err, field, "%s", msg);
	free(msg);
	c->failed = 1;
}

#define snap_fail(c, ...) snap_fail_field((c), NULL, __VA_ARGS__)

/* NIM's word on the client: does it exist, is it standalone, how is it reached. */
static void snap_on_lsnim(struct snap_collect *c, struct snap_task *t)
{
	struct aix_stanzas ss;
	struct err pe;
	const struct aix_stanza *st;
	char *line = snap_first_line(sb_str(&t->err), t->err.len);
	const char *type, *connect;

	err_clear(&pe);
	if (t->res.timed_out || t->res.start_errno != 0 || !t->res.exited) {
		snap_fail(c, "lsnim -l %s: %s", c->client,
		          t->res.errmsg[0] != '\0' ? t->res.errmsg : "did not run");
		free(line);
		return;
	}
	if (aixparse_lsnim_long(sb_str(&t->out), t->out.len, &ss, &pe) != 0 ||
	    (st = aixparse_stanzas_find(&ss, c->client)) == NULL) {
		/* 0042-053: NIM does not know the name; anything else is the master's trouble */
		const char *field =
		    line != NULL && strstr(line, "0042-053") != NULL ? "client" : NULL;
		if (line != NULL)
			snap_fail_field(c, field, "%s", line);
		else
			snap_fail(c, "lsnim -l %s: %s", c->client,
			          t->res.status != 0 ? "failed" : "no such NIM object");
		aixparse_stanzas_clear(&ss);
		free(line);
		return;
	}
	free(line);
	type = aixparse_stanza_get(st, "type");
	if (type != NULL && strcmp(type, "standalone") != 0) {
		snap_fail_field(c, "client", "%s is a NIM %s, not a standalone client", c->client,
		                type);
		aixparse_stanzas_clear(&ss);
		return;
	}
	connect = aixparse_stanza_get(st, "connect");
	c->nimsh = connect != NULL && strcmp(connect, "nimsh") == 0;
	c->host = host_nim_new(c->client, c->site->master,
	                       c->nimsh ? NIM_CONNECT_NIMSH : NIM_CONNECT_SHELL);
	c->host->remote_status = 1;
	c->snap->connect = xstrdup(c->nimsh ? "nimsh" : "shell");
	aixparse_stanzas_clear(&ss);
	{
		const char *argv[] = { "oslevel", "-s", NULL };
		struct snap_task *p = snap_task_new(c, ST_PROBE, "oslevel_s", argv);
		p->timeout_ms = c->probe_timeout_ms;
		snap_enqueue(c, p, 0);
	}
}

/* Everything else, once the client has answered. */
static void snap_queue_rest(struct snap_collect *c)
{
	size_t ncmds, nfiles;
	const struct snapshot_cmd_def *cmds = snapshot_catalog_cmds(&ncmds);
	const char *const *files = snapshot_catalog_files(&nfiles);

	for (size_t i = 0; i < ncmds; i++) {
		if (strcmp(cmds[i].name, "oslevel_s") == 0)
			continue;
		snap_enqueue(c, snap_task_new(c, ST_CMD, cmds[i].name, cmds[i].argv), 0);
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (str_ends(files[i], "/"))
			snap_queue_dir(c, files[i], 0);
		else
			snap_queue_file(c, files[i]);
	}
	for (size_t i = 0; i < c->nextra; i++) {
		const struct snap_extra *x = &c->extra[i];
		struct snap_task *t =
		    snap_task_new(c, ST_EXTRA, x->name, strv_argv(&c->extra_argv[i]));
		if (x->timeout_ms > 0)
			t->timeout_ms = x->timeout_ms;
		t->stream = x->stream;
		snap_enqueue(c, t, x->last);
	}
}

static void snap_on_probe(struct snap_collect *c, struct snap_task *t)
{
	struct snap_outcome o;
	struct snapshot_item *it;

	snap_task_outcome(t, &o);
	if (o.transport_failed) {
		snap_fail(c, "%s did not answer (%s %s oslevel -s): %s", c->client,
		          c->nimsh ? "c_rsh" : "rsh", c->client,
		          o.message != NULL ? o.message : "no answer");
		free(o.message);
		return;
	}
	it = snap_record_cmd(c, t, &o);
	if (it->status == SNAP_OK) {
		char *line = snap_first_line(it->data, it->len);
		struct aix_level lv;
		if (line != NULL && level_parse_oslevel(line, &lv, NULL) == 0)
			c->snap->oslevel = line;
		else
			free(line);
	}
	snap_progress(c, it);
	snap_queue_rest(c);
}

static void snap_handle(struct snap_collect *c, struct snap_task *t)
{
	switch (t->kind) {
	case ST_LSNIM:
		snap_on_lsnim(c, t);
		break;
	case ST_HOSTNAME: {
		char *line = t->res.exited && t->res.status == 0
		                 ? snap_first_line(sb_str(&t->out), t->out.len)
		                 : NULL;
		free(c->snap->master);
		c->snap->master = line;
		break;
	}
	case ST_PROBE:
		snap_on_probe(c, t);
		break;
	case ST_CMD:
	case ST_EXTRA:
		snap_progress(c, snap_record_cmd(c, t, NULL));
		break;
	case ST_FILE:
		snap_record_file(c, t->name, t);
		break;
	case ST_DIR:
		snap_on_dir(c, t);
		break;
	}
}

static void snap_destroy(struct snap_collect *c)
{
	struct snap_task *t;

	while ((t = c->qhead) != NULL) {
		c->qhead = t->next;
		snap_task_free(t);
	}
	while ((t = c->lhead) != NULL) {
		c->lhead = t->next;
		snap_task_free(t);
	}
	for (size_t i = 0; i < c->nextra; i++) {
		free((char *)c->extra[i].name);
		strv_free(&c->extra_argv[i]);
	}
	free(c->extra);
	free(c->extra_argv);
	snapshot_free(&c->snap);
	free(c->client);
	host_free(&c->host);
	free(c);
}

static void snap_unlink_running(struct snap_collect *c, struct snap_task *t)
{
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		c->running = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	c->nrunning--;
}

static void snap_cmd_data(void *arg, struct cmd *cmd, enum cmd_stream s, const char *buf,
                          size_t len)
{
	struct snap_task *t = arg;
	struct strbuf *sb = s == CMD_STDOUT ? &t->out : &t->err;

	(void)cmd;
	if (t->capped)
		return;
	if (t->out.len + t->err.len + len > t->cap) {
		t->capped = 1;
		return;
	}
	sb_add(sb, buf, len);
}

/* Live lines of a streaming command. */
static void snap_cmd_line(void *arg, struct cmd *cmd, enum cmd_stream s, const char *line,
                          size_t len, unsigned flags)
{
	struct snap_task *t = arg;
	struct snap_collect *c = t->col;

	(void)cmd;
	(void)flags;
	if (c->abandoned || c->cb.line == NULL)
		return;
	{
		char *copy = xstrndup(line, len);
		c->cb.line(c->cb.arg, t->name, s, copy, len);
		free(copy);
	}
}

static void snap_cmd_done(void *arg, struct cmd *cmd, const struct cmd_result *r)
{
	struct snap_task *t = arg;
	struct snap_collect *c = t->col;

	(void)cmd;
	t->cmd = NULL;
	t->res = *r;
	snap_unlink_running(c, t);
	if (c->abandoned) {
		snap_task_free(t);
		if (c->nrunning == 0)
			snap_destroy(c);
		return;
	}
	if (!c->failed)
		snap_handle(c, t);
	c->nfinished++;
	snap_task_free(t);
	snap_pump(c);
}

static void snap_start(struct snap_collect *c, struct snap_task *t)
{
	struct cmd_cb cb = { .data = snap_cmd_data, .done = snap_cmd_done, .arg = t };
	struct cmd_spec spec = { .host = t->on_master ? c->site->master : c->host,
		                 .argv = strv_argv(&t->argv),
		                 .timeout_ms = t->timeout_ms };
	struct err e;

	if (t->stream)
		cb.line = snap_cmd_line;
	err_clear(&e);
	t->start_ms = clock_ms();
	t->cmd = cmd_start(c->set, &spec, &cb, &e);
	if (t->cmd != NULL) {
		t->next = c->running;
		t->prev = NULL;
		if (c->running != NULL)
			c->running->prev = t;
		c->running = t;
		c->nrunning++;
		return;
	}
	memset(&t->res, 0, sizeof t->res);
	t->res.status = 127;
	t->res.start_errno = -1;
	str_copy(t->res.errmsg, e.msg[0] != '\0' ? e.msg : "could not start", sizeof t->res.errmsg);
	if (!c->failed)
		snap_handle(c, t);
	c->nfinished++;
	snap_task_free(t);
}

static void snap_finish(struct snap_collect *c)
{
	struct snap_collect_cb cb = c->cb;
	struct snapshot *snap = NULL;

	c->finished = 1;
	if (c->failed) {
		cb.done(cb.arg, NULL, &c->err);
	} else {
		snap = c->snap;
		c->snap = NULL;
		snap_sort_items(snap);
		cb.done(cb.arg, snap, NULL);
	}
	snap_destroy(c);
}

static void snap_pump(struct snap_collect *c)
{
	if (c->pumping)
		return;
	c->pumping = 1;
	for (;;) {
		struct snap_task *t;
		if (c->failed) {
			/* Nothing new starts; what runs reports, then the run ends. */
			while ((t = c->qhead) != NULL) {
				c->qhead = t->next;
				snap_task_free(t);
			}
			while ((t = c->lhead) != NULL) {
				c->lhead = t->next;
				snap_task_free(t);
			}
			c->qtail = c->ltail = NULL;
			break;
		}
		if (c->qhead == NULL && c->nrunning == 0 && c->lhead != NULL) {
			/* Everything else is done: the last ones may start. */
			c->qhead = c->lhead;
			c->qtail = c->ltail;
			c->lhead = c->ltail = NULL;
		}
		if (c->qhead == NULL || c->nrunning >= (size_t)c->max_running)
			break;
		t = c->qhead;
		c->qhead = t->next;
		if (c->qhead == NULL)
			c->qtail = NULL;
		t->next = NULL;
		snap_start(c, t);
	}
	c->pumping = 0;
	if (c->nrunning == 0 && c->qhead == NULL && c->lhead == NULL && !c->finished)
		snap_finish(c);
}

struct snap_collect *snap_collect_start(struct site *s, struct cmdset *set,
                                        const struct snap_collect_opts *o,
                                        const struct snap_collect_cb *cb, struct err *e)
{
	struct snap_collect *c;
	struct snap_task *lsnim, *host;
	const char *hostname[] = { "hostname", NULL };

	if (cb == NULL || cb->done == NULL) {
		err_set(e, "snapshot: no done callback");
		return NULL;
	}
	if (o == NULL || !snapshot_client_valid(o->client)) {
		err_set_field(e, "client", "not a valid NIM client name: %s",
		              o != NULL && o->client != NULL ? o->client : "(none)");
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->site = s;
	c->set = set != NULL ? set : s->set;
	c->cb = *cb;
	c->client = xstrdup(o->client);
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : SNAP_TIMEOUT_MS;
	c->probe_timeout_ms = o->probe_timeout_ms > 0 ? o->probe_timeout_ms : SNAP_PROBE_TIMEOUT_MS;
	c->max_running = o->max_running > 0 ? o->max_running : SNAP_MAX_RUNNING;
	c->nextra = o->nextra;
	if (o->nextra > 0) {
		c->extra = xcalloc(o->nextra, sizeof *c->extra);
		c->extra_argv = xcalloc(o->nextra, sizeof *c->extra_argv);
		for (size_t i = 0; i < o->nextra; i++) {
			c->extra[i] = o->extra[i];
			c->extra[i].name = xstrdup(o->extra[i].name);
			c->extra[i].argv = NULL;
			for (size_t k = 0; o->extra[i].argv[k] != NULL; k++)
				strv_push(&c->extra_argv[i], o->extra[i].argv[k]);
		}
	}
	c->snap = xcalloc(1, sizeof *c->snap);
	c->snap->client = xstrdup(o->client);
	c->snap->taken = (long long)time(NULL);
	c->snap->taken_at = snap_iso_time(c->snap->taken);

	{
		const char *argv[] = { "lsnim", "-l", c->client, NULL };
		lsnim = snap_task_new(c, ST_LSNIM, "lsnim", argv);
	}
	lsnim->on_master = 1;
	lsnim->timeout_ms = c->probe_timeout_ms;
	host = snap_task_new(c, ST_HOSTNAME, "hostname", hostname);
	host->on_master = 1;
	host->timeout_ms = c->probe_timeout_ms;
	c->ntasks = 2;
	/* lsnim must start here, or there is nothing to collect: report it now. */
	{
		struct cmd_cb ccb = { .data = snap_cmd_data, .done = snap_cmd_done, .arg = lsnim };
		struct cmd_spec spec = { .host = s->master,
			                 .argv = strv_argv(&lsnim->argv),
			                 .timeout_ms = lsnim->timeout_ms };
		lsnim->cmd = cmd_start(c->set, &spec, &ccb, e);
		if (lsnim->cmd == NULL) {
			snap_task_free(lsnim);
			snap_task_free(host);
			snap_destroy(c);
			return NULL;
		}
	}
	c->running = lsnim;
	c->nrunning = 1;
	c->qhead = c->qtail = host;
	/* Something is running, so this cannot finish (and call done) from here. */
	snap_pump(c);
	return c;
}

void snap_collect_cancel(struct snap_collect **cp)
{
	struct snap_collect *c = *cp;
	struct snap_task *t, *next;

	if (c == NULL)
		return;
	*cp = NULL;
	c->abandoned = 1;
	while ((t = c->qhead) != NULL) {
		c->qhead = t->next;
		snap_task_free(t);
	}
	while ((t = c->lhead) != NULL) {
		c->lhead = t->next;
		snap_task_free(t);
	}
	c->qtail = c->ltail = NULL;
	if (c->nrunning == 0) {
		snap_destroy(c);
		return;
	}
	for (t = c->running; t != NULL; t = next) {
		next = t->next;
		cmd_cancel(t->cmd);
	}
}

/* ---- snapshot_take: collect, then write the archive ----------------------------------- */

struct snapshot_take {
	struct site *site;
	char *dir;
	struct snapshot_cb cb;
	struct snap_collect *col;
};

static void snap_take_progress(void *arg, const struct snapshot_item *it, size_t finished,
                               size_t total)
{
	struct snapshot_take *tk = arg;

	if (tk->cb.progress != NULL)
		tk->cb.progress(tk->cb.arg, it, finished, total);
}

static void snap_take_done(void *arg, struct snapshot *snap, const struct err *ce)
{
	struct snapshot_take *tk = arg;
	struct snapshot_cb cb = tk->cb;
	struct err e;

	err_clear(&e);
	if (snap == NULL) {
		e = *ce;
	} else if (snapshot_write(snap, tk->site, tk->dir, &e) != 0) {
		snapshot_free(&snap);
	}
	free(tk->dir);
	free(tk);
	cb.done(cb.arg, snap, snap != NULL ? NULL : &e);
}

struct snapshot_take *snapshot_take_start(struct site *s, struct cmdset *set,
                                          const struct snapshot_opts *o,
                                          const struct snapshot_cb *cb, struct err *e)
{
	struct snapshot_take *tk;
	struct snap_collect_opts co;
	struct snap_collect_cb ccb;

	if (cb == NULL || cb->done == NULL || o == NULL) {
		err_set(e, "snapshot: no options or no done callback");
		return NULL;
	}
	memset(&co, 0, sizeof co);
	co.client = o->client;
	co.timeout_ms = o->timeout_ms;
	co.probe_timeout_ms = o->probe_timeout_ms;
	co.max_running = o->max_running;
	tk = xcalloc(1, sizeof *tk);
	tk->site = s;
	tk->dir = o->dir != NULL ? xstrdup(o->dir) : NULL;
	tk->cb = *cb;
	ccb = (struct snap_collect_cb){ .progress = snap_take_progress,
		                        .done = snap_take_done,
		                        .arg = tk };
	tk->col = snap_collect_start(s, set, &co, &ccb, e);
	if (tk->col == NULL) {
		free(tk->dir);
		free(tk);
		return NULL;
	}
	return tk;
}

void snapshot_take_cancel(struct snapshot_take **tp)
{
	struct snapshot_take *tk = *tp;

	if (tk == NULL)
		return;
	*tp = NULL;
	snap_collect_cancel(&tk->col);
	free(tk->dir);
	free(tk);
}

struct snap_sync {
	int finished;
	struct snapshot *snap;
	struct err err;
	const struct snapshot_cb *progress;
};

static void snap_sync_progress(void *arg, const struct snapshot_item *it, size_t finished,
                               size_t total)
{
	struct snap_sync *sy = arg;

	if (sy->progress != NULL && sy->progress->progress != NULL)
		sy->progress->progress(sy->progress->arg, it, finished, total);
}

static void snap_sync_done(void *arg, struct snapshot *snap, const struct err *e)
{
	struct snap_sync *sy = arg;

	sy->finished = 1;
	sy->snap = snap;
	if (e != NULL)
		sy->err = *e;
}

struct snapshot *snapshot_take(struct site *s, const struct snapshot_opts *o,
                               const struct snapshot_cb *progress, struct err *e)
{
	struct snap_sync sy;
	struct snapshot_cb cb = { .progress = snap_sync_progress,
		                  .done = snap_sync_done,
		                  .arg = &sy };
	struct snapshot_take *tk;

	memset(&sy, 0, sizeof sy);
	sy.progress = progress;
	tk = snapshot_take_start(s, s->set, o, &cb, e);
	if (tk == NULL)
		return NULL;
	while (!sy.finished) {
		cmdset_run(s->set, -1);
		if (!sy.finished && cmdset_active(s->set) == 0) {
			snapshot_take_cancel(&tk);
			err_set(e, "the snapshot stalled");
			return NULL;
		}
	}
	if (sy.snap == NULL && e != NULL)
		*e = sy.err;
	return sy.snap;
}
