/*
 * bundle.c: the support bundle. Everything is gathered into memory first
 * (the journal, nimadm's log read on the master with `cat`, the newest
 * prerequisite report, snapshot and post-check), then README.txt and
 * SHA256SUMS are made from it and the archive is written in one go, so a
 * log that grows meanwhile cannot make an entry's size disagree.
 */
#include "bundle.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "job.h"
#include "postcheck.h"
#include "snapshot.h"
#include "snapshot_int.h"

#define BUNDLE_TIMEOUT_MS 60000
#define BUNDLE_FILE_CAP   (256u * 1024 * 1024)

struct bundle_item {
	char *name;
	char *data;
	size_t len;
	char *what;
};

struct bundle_run {
	struct site *site;
	struct cmdset *set;
	struct bundle_cb cb;
	char *job;
	char *output;
	struct job_info ji;
	struct cmd *cmd;
	char *log_path;
	struct strbuf out, err;
	int capped;
	struct bundle_item *items;
	size_t nitems;
	struct strv missing;
	long long now;
	int cancelled;
};

/* ---- results ---------------------------------------------------------------------------- */

void bundle_result_free(struct bundle_result **rp)
{
	struct bundle_result *r = *rp;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->entries[i].name);
		free(r->entries[i].what);
	}
	free(r->entries);
	free(r->path);
	free(r->job);
	free(r->client);
	strv_free(&r->missing);
	free(r);
	*rp = NULL;
}

const struct bundle_entry *bundle_result_find(const struct bundle_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->entries[i].name, name) == 0)
			return &r->entries[i];
	return NULL;
}

/* ---- gathering ----------------------------------------------------------------------------- */

static void bundle_add(struct bundle_run *b, const char *name, char *data, size_t len,
                       const char *what)
{
	struct bundle_item *it;

	b->items = xreallocarray(b->items, b->nitems + 1, sizeof *b->items);
	it = &b->items[b->nitems++];
	it->name = xstrdup(name);
	it->data = data;
	it->len = len;
	it->what = xstrdup(what);
}

static void bundle_add_copy(struct bundle_run *b, const char *name, const char *data, size_t len,
                            const char *what)
{
	char *copy = xmalloc(len + 1);

	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	bundle_add(b, name, copy, len, what);
}

/* A whole file into memory (NUL-terminated); 0, or -1 with why (owned). */
static int bundle_read_file(const char *path, char **data, size_t *len, char **why)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[65536];
	size_t n;

	if (f == NULL) {
		*why = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (sb.len + n > BUNDLE_FILE_CAP) {
			*why = xasprintf("%s: larger than %u MB", path, BUNDLE_FILE_CAP >> 20);
			fclose(f);
			sb_free(&sb);
			return -1;
		}
		sb_add(&sb, buf, n);
	}
	if (ferror(f)) {
		*why = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		sb_free(&sb);
		return -1;
	}
	fclose(f);
	*len = sb.len;
	*data = sb_steal(&sb);
	return 0;
}

/* Adds a file from disk as entry name, or records why it is missing. */
static int bundle_add_file(struct bundle_run *b, const char *path, const char *name,
                           const char *what, int quiet)
{
	char *data = NULL, *why = NULL;
	size_t len = 0;

	if (bundle_read_file(path, &data, &len, &why) != 0) {
		if (!quiet)
			strv_pushf(&b->missing, "%s: %s", what, why);
		free(why);
		return -1;
	}
	bundle_add(b, name, data, len, what);
	return 0;
}

static void bundle_add_journal(struct bundle_run *b)
{
	static const struct {
		const char *file, *what;
	} files[] = {
		{ "job.ini", "the job's parameters, mode and nimadm command" },
		{ "state", "the job's status, phase, exit code and times" },
		{ "output.log", "everything nimadm printed, as it printed it" },
	};

	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("%s/%s", b->ji.dir, files[i].file);
		char *name = xasprintf("jobs/%s/%s", b->job, files[i].file);
		bundle_add_file(b, path, name, files[i].what, 0);
		free(path);
		free(name);
	}
}

static void bundle_add_nimadm_log(struct bundle_run *b, const struct cmd_result *r)
{
	char *name;

	if (b->log_path == NULL)
		return;
	if (r->exited && r->status == 0 && !b->capped) {
		size_t len = b->out.len;
		name = xasprintf("nimadm/%s_alt_mig.log", b->ji.client);
		bundle_add(b, name, sb_steal(&b->out), len, "nimadm's log on the master");
		free(name);
		return;
	}
	{
		const char *e = sb_str(&b->err);
		const char *nl = strchr(e, '\n');
		char *first = xstrndup(e, nl != NULL ? (size_t)(nl - e) : strlen(e));
		const char *why = b->capped                      ? "larger than the bundle takes"
		                  : r->timed_out || r->cancelled ? r->errmsg
		                  : *str_trim(first) != '\0'     ? first
		                  : r->errmsg[0] != '\0'         ? r->errmsg
		                                                 : "failed";
		strv_pushf(&b->missing, "nimadm log: cat %s on the master: %s", b->log_path, why);
		free(first);
	}
}

/* The newest <client>-*.json in <state dir>/reports by modification time. */
static void bundle_add_prereq(struct bundle_run *b)
{
	char *dir = xasprintf("%s/reports", b->site->state_dir), *best = NULL;
	size_t cl = strlen(b->ji.client);
	long long best_mtime = -1;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		strv_pushf(&b->missing, "prerequisite report: none saved (%s: %s)", dir,
		           strerror(errno));
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *p;
		if (strncmp(de->d_name, b->ji.client, cl) != 0 || de->d_name[cl] != '-' ||
		    !str_ends(de->d_name, ".json"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    ((long long)st.st_mtime > best_mtime ||
		     ((long long)st.st_mtime == best_mtime && strcmp(de->d_name, best) > 0))) {
			free(best);
			best = xstrdup(de->d_name);
			best_mtime = (long long)st.st_mtime;
		}
		free(p);
	}
	closedir(d);
	if (best == NULL) {
		strv_pushf(&b->missing, "prerequisite report: none saved for %s in %s",
		           b->ji.client, dir);
	} else {
		char *path = xasprintf("%s/%s", dir, best), *name = xasprintf("prereq/%s", best);
		char *txt = xasprintf("%.*s.txt", (int)(strlen(path) - 5), path);
		char *tname = xasprintf("prereq/%.*s.txt", (int)(strlen(best) - 5), best);
		bundle_add_file(b, path, name, "the newest prerequisite report (JSON)", 0);
		bundle_add_file(b, txt, tname, "the same report as text", 1);
		free(path);
		free(name);
		free(txt);
		free(tname);
	}
	free(best);
	free(dir);
}

/* The newest snapshot, verified, repacked without private keys. */
static void bundle_add_snapshot(struct bundle_run *b)
{
	char *path = snapshot_newest(b->site, b->ji.client), *base, *dot;
	struct snapshot *snap;
	struct err e;
	cJSON *man;
	char *text, *name;

	if (path == NULL) {
		strv_pushf(&b->missing,
		           "snapshot: none of %s (nimadm-tui snapshot -c %s takes one)",
		           b->ji.client, b->ji.client);
		return;
	}
	err_clear(&e);
	snap = snapshot_open(path, &e);
	if (snap == NULL) {
		strv_pushf(&b->missing, "snapshot: %s", e.msg);
		free(path);
		return;
	}
	base = xstrdup(strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path);
	if ((dot = strstr(base, ".tar.gz")) != NULL)
		*dot = '\0';
	man = snapshot_manifest_json(snap);
	text = cJSON_Print(man);
	cJSON_Delete(man);
	name = xasprintf("snapshot/%s/manifest.json", base);
	bundle_add_copy(b, name, text, strlen(text), "the snapshot's manifest (verified)");
	free(name);
	cJSON_free(text);
	for (size_t i = 0; i < snap->nitems; i++) {
		const struct snapshot_item *it = &snap->items[i];
		if (it->entry != NULL) {
			if (snapshot_item_is_private_key(it)) {
				strv_pushf(&b->missing, "snapshot/%s/%s: left out (a private key)",
				           base, it->entry);
			} else {
				name = xasprintf("snapshot/%s/%s", base, it->entry);
				bundle_add_copy(b, name, it->data, it->len, "from the snapshot");
				free(name);
			}
		}
		if (it->err_entry != NULL) {
			name = xasprintf("snapshot/%s/%s", base, it->err_entry);
			bundle_add_copy(b, name, it->err_data, it->err_len, "from the snapshot");
			free(name);
		}
	}
	snapshot_free(&snap);
	free(base);
	free(path);
}

static void bundle_add_postcheck(struct bundle_run *b)
{
	char *json = postcheck_newest(b->site, b->ji.client), *txt, *base, *name;

	if (json == NULL) {
		strv_pushf(&b->missing,
		           "post-migration check: none saved for %s (nimadm-tui postcheck -c %s)",
		           b->ji.client, b->ji.client);
		return;
	}
	base = xstrdup(strrchr(json, '/') + 1);
	base[strlen(base) - 5] = '\0';
	name = xasprintf("postcheck/%s.json", base);
	bundle_add_file(b, json, name, "the newest post-migration check and diff (JSON)", 0);
	free(name);
	txt = xasprintf("%.*s.txt", (int)(strlen(json) - 5), json);
	name = xasprintf("postcheck/%s.txt", base);
	bundle_add_file(b, txt, name, "the same check as a readable report", 0);
	free(name);
	free(txt);
	free(base);
	free(json);
}

/* README.txt and SHA256SUMS, put in front of the other entries. */
static void bundle_index(struct bundle_run *b)
{
	struct strbuf readme = { 0 }, sums = { 0 };
	struct bundle_item *items = b->items;
	size_t n = b->nitems, width = 10;
	char *created = snap_iso_time(b->now);
	char hex[SHA256_HEX_LEN];

	for (size_t i = 0; i < n; i++)
		if (strlen(items[i].name) > width)
			width = strlen(items[i].name);
	sb_adds(&readme, "nimadm-tui support bundle\n\n");
	sb_addf(&readme, "Job:      %s\n", b->job);
	sb_addf(&readme, "Mode:     %s\n", b->ji.mode != NULL ? b->ji.mode : "?");
	sb_addf(&readme, "Client:   %s\n", b->ji.client != NULL ? b->ji.client : "?");
	sb_addf(&readme, "Status:   %s", job_status_name(b->ji.status));
	if (b->ji.phase > 0)
		sb_addf(&readme, ", phase %d", b->ji.phase);
	if (b->ji.exit_code >= 0)
		sb_addf(&readme, ", nimadm exit status %d", b->ji.exit_code);
	sb_addc(&readme, '\n');
	if (b->ji.message != NULL)
		sb_addf(&readme, "Message:  %s\n", b->ji.message);
	if (b->ji.command != NULL)
		sb_addf(&readme, "Command:  %s\n", b->ji.command);
	sb_addf(&readme, "Created:  %s\n\nContents (sizes in bytes; checksums in SHA256SUMS):\n",
	        created);
	for (size_t i = 0; i < n; i++)
		sb_addf(&readme, "  %-*s %10zu  %s\n", (int)width, items[i].name, items[i].len,
		        items[i].what);
	if (b->missing.n > 0) {
		sb_adds(&readme, "\nNot included:\n");
		for (size_t i = 0; i < b->missing.n; i++)
			sb_addf(&readme, "  %s\n", b->missing.v[i]);
	}
	for (size_t i = 0; i < n; i++)
		sb_addf(&sums, "%s  %s\n", sha256_hex(items[i].data, items[i].len, hex),
		        items[i].name);
	b->items = xcalloc(n + 2, sizeof *b->items);
	b->items[0] = (struct bundle_item){ xstrdup("README.txt"), NULL, 0, xstrdup("this index") };
	b->items[0].len = readme.len;
	b->items[0].data = sb_steal(&readme);
	b->items[1] = (struct bundle_item){ xstrdup("SHA256SUMS"), NULL, 0,
		                            xstrdup("the SHA-256 of every other entry") };
	b->items[1].len = sums.len;
	b->items[1].data = sb_steal(&sums);
	memcpy(b->items + 2, items, n * sizeof *items);
	b->nitems = n + 2;
	free(items);
	free(created);
}

static int bundle_fill(struct archive *a, void *arg, struct err *e)
{
	struct bundle_run *b = arg;

	for (size_t i = 0; i < b->nitems; i++)
		if (snap_write_entry(a, b->items[i].name, b->items[i].data, b->items[i].len, b->now,
		                     e) != 0)
			return -1;
	return 0;
}

static void bundle_run_free(struct bundle_run *b)
{
	for (size_t i = 0; i < b->nitems; i++) {
		free(b->items[i].name);
		free(b->items[i].data);
		free(b->items[i].what);
	}
	free(b->items);
	strv_free(&b->missing);
	job_info_free(&b->ji);
	sb_free(&b->out);
	sb_free(&b->err);
	free(b->log_path);
	free(b->job);
	free(b->output);
	free(b);
}

/* Everything but the log is local: gather it, write, report. */
static void bundle_finish(struct bundle_run *b, const struct cmd_result *r)
{
	struct bundle_cb cb = b->cb;
	struct bundle_result *res = NULL;
	struct err e;
	char *dir, *path;

	err_clear(&e);
	bundle_add_journal(b);
	bundle_add_nimadm_log(b, r);
	if (b->ji.client != NULL && snapshot_client_valid(b->ji.client)) {
		bundle_add_prereq(b);
		bundle_add_snapshot(b);
		bundle_add_postcheck(b);
	} else {
		strv_pushf(&b->missing, "prerequisite report, snapshot, post-migration check: the "
		                        "job names no client");
	}
	bundle_index(b);
	dir = xasprintf("%s/bundles", b->site->state_dir);
	path = snap_archive_create(dir, b->job, b->now, b->output, bundle_fill, b, &e);
	free(dir);
	if (path != NULL) {
		res = xcalloc(1, sizeof *res);
		res->path = path;
		res->job = xstrdup(b->job);
		res->client = b->ji.client != NULL ? xstrdup(b->ji.client) : NULL;
		res->entries = xcalloc(b->nitems, sizeof *res->entries);
		for (size_t i = 0; i < b->nitems; i++) {
			res->entries[i].name = xstrdup(b->items[i].name);
			res->entries[i].bytes = b->items[i].len;
			res->entries[i].what = xstrdup(b->items[i].what);
			sha256_hex(b->items[i].data, b->items[i].len, res->entries[i].sha256);
		}
		res->n = b->nitems;
		for (size_t i = 0; i < b->missing.n; i++)
			strv_push(&res->missing, b->missing.v[i]);
	}
	bundle_run_free(b);
	cb.done(cb.arg, res, res != NULL ? NULL : &e);
}

static void bundle_cmd_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf,
                            size_t len)
{
	struct bundle_run *b = arg;

	(void)c;
	if (s == CMD_STDERR) {
		if (b->err.len < 4096)
			sb_add(&b->err, buf, len);
		return;
	}
	if (b->capped || b->out.len + len > BUNDLE_FILE_CAP) {
		b->capped = 1;
		return;
	}
	sb_add(&b->out, buf, len);
}

static void bundle_cmd_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct bundle_run *b = arg;

	(void)c;
	b->cmd = NULL;
	if (b->cancelled) {
		bundle_run_free(b);
		return;
	}
	bundle_finish(b, r);
}

struct bundle_run *bundle_write_start(struct site *s, struct cmdset *set,
                                      const struct bundle_opts *o, const struct bundle_cb *cb,
                                      struct err *e)
{
	struct bundle_run *b;

	if (o == NULL || cb == NULL || cb->done == NULL) {
		err_set(e, "bundle: no options or no done callback");
		return NULL;
	}
	if (o->job == NULL || !job_id_valid(o->job)) {
		err_set_field(e, "job", "not a valid job id: %s",
		              o->job != NULL ? o->job : "(none)");
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	if (job_load(s, o->job, &b->ji, e) != 0) {
		free(b);
		return NULL;
	}
	b->site = s;
	b->set = set != NULL ? set : s->set;
	b->cb = *cb;
	b->job = xstrdup(o->job);
	b->output = o->output != NULL ? xstrdup(o->output) : NULL;
	b->now = (long long)time(NULL);
	if (b->ji.client != NULL && snapshot_client_valid(b->ji.client)) {
		const char *argv[] = { "cat", NULL, NULL };
		struct cmd_cb ccb = { .data = bundle_cmd_data, .done = bundle_cmd_done, .arg = b };
		struct cmd_spec spec = { .host = s->master,
			                 .argv = argv,
			                 .timeout_ms = o->timeout_ms > 0 ? o->timeout_ms
			                                                 : BUNDLE_TIMEOUT_MS };
		struct err ce;

		b->log_path = xasprintf("/var/adm/ras/alt_mig/%s_alt_mig.log", b->ji.client);
		argv[1] = b->log_path;
		err_clear(&ce);
		b->cmd = cmd_start(b->set, &spec, &ccb, &ce);
		if (b->cmd == NULL)
			strv_pushf(&b->missing, "nimadm log: cat %s on the master: %s", b->log_path,
			           ce.msg);
		else
			return b;
		free(b->log_path);
		b->log_path = NULL;
	}
	/* Nothing to read on the master. `done` must come from the loop, never from
	 * inside start: a command that ends at once (or fails to exec) gets us there. */
	{
		const char *argv[] = { "true", NULL };
		struct cmd_cb ccb = { .done = bundle_cmd_done, .arg = b };
		struct cmd_spec spec = { .host = s->master, .argv = argv, .timeout_ms = 10000 };
		b->cmd = cmd_start(b->set, &spec, &ccb, e);
		if (b->cmd == NULL) {
			bundle_run_free(b);
			return NULL;
		}
	}
	return b;
}

void bundle_write_cancel(struct bundle_run **bp)
{
	struct bundle_run *b = *bp;

	if (b == NULL)
		return;
	*bp = NULL;
	if (b->cmd != NULL) {
		b->cancelled = 1;
		cmd_cancel(b->cmd);
		return;
	}
	bundle_run_free(b);
}

struct bundle_sync {
	int finished;
	struct bundle_result *r;
	struct err err;
};

static void bundle_sync_done(void *arg, struct bundle_result *r, const struct err *e)
{
	struct bundle_sync *sy = arg;

	sy->finished = 1;
	sy->r = r;
	if (e != NULL)
		sy->err = *e;
}

struct bundle_result *bundle_write(struct site *s, const struct bundle_opts *o, struct err *e)
{
	struct bundle_sync sy;
	struct bundle_cb cb = { .done = bundle_sync_done, .arg = &sy };
	struct bundle_run *b;

	memset(&sy, 0, sizeof sy);
	b = bundle_write_start(s, s->set, o, &cb, e);
	if (b == NULL)
		return NULL;
	while (!sy.finished) {
		cmdset_run(s->set, -1);
		if (!sy.finished && cmdset_active(s->set) == 0) {
			bundle_write_cancel(&b);
			err_set(e, "the bundle stalled");
			return NULL;
		}
	}
	if (sy.r == NULL && e != NULL)
		*e = sy.err;
	return sy.r;
}
