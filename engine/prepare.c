/*
 * prepare.c: the guided preparation flows (prepare.h): checking a request,
 * gathering the facts a plan needs from NIM and the client, the plans of the
 * mksysb, software, pre_migration and free-disk flows (the mksysb route's is
 * in mksysbroute.c), and the runner that executes a plan step by step with
 * live output, stopping at the first failure.
 *
 * Client commands go through the master as nimadm's own do: rsh CLIENT or
 * c_rsh CLIENT with quote_sh_argv() of the argv, on a HOST_NIM host that
 * brings the remote exit status back (host.remote_status, cmd.h).
 */
#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobact.h"
#include "jobtail.h"
#include "level.h"
#include "params.h"
#include "prepare_int.h"
#include "snapshot.h"

#define PREP_TIMEOUT_MS 60000
#define PREP_TASK_CAP   (8u * 1024 * 1024)
#define PREP_BACKUP_MS  (4 * 3600 * 1000)
#define PREP_PREMIG_MS  (30 * 60 * 1000)
#define PREP_LVM_MS     (30 * 60 * 1000)
/* How often a step that runs as a job looks at its journal. */
#define PREP_JOB_POLL_MS 250

/* ---- names ----------------------------------------------------------------------------- */

static const struct {
	const char *name, *title, *help;
} prep_flows[] = {
#define PREP_FLOW_ROW(e, name, title, help) { name, title, help },
	PREP_FLOWS(PREP_FLOW_ROW)
#undef PREP_FLOW_ROW
};

const char *prep_flow_name(enum prep_flow f)
{
	return (unsigned)f < PREP_FLOW_COUNT ? prep_flows[f].name : NULL;
}

const char *prep_flow_title(enum prep_flow f)
{
	return (unsigned)f < PREP_FLOW_COUNT ? prep_flows[f].title : NULL;
}

const char *prep_flow_help(enum prep_flow f)
{
	return (unsigned)f < PREP_FLOW_COUNT ? prep_flows[f].help : NULL;
}

int prep_flow_find(const char *name, enum prep_flow *out)
{
	for (int i = 0; name != NULL && i < PREP_FLOW_COUNT; i++)
		if (strcmp(prep_flows[i].name, name) == 0) {
			*out = (enum prep_flow)i;
			return 0;
		}
	return -1;
}

const char *prep_step_state_name(enum prep_step_state s)
{
	static const char *const names[] = {
#define PREP_STEP_NAME(e, name) name,
		PREP_STEP_STATES(PREP_STEP_NAME)
#undef PREP_STEP_NAME
	};
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- validation -------------------------------------------------------------------------- */

static int prep_chars(const char *s, const char *extra)
{
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(extra, *p) != NULL))
			return 0;
	return 1;
}

int prep_name_ok(const char *s)
{
	return s != NULL && *s != '\0' && strlen(s) <= 39 && s[0] != '-' && s[0] != '.' &&
	       prep_chars(s, "_.-");
}

int prep_disk_ok(const char *s)
{
	return s != NULL && *s != '\0' && strlen(s) <= 15 &&
	       ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
	       prep_chars(s, "_.-");
}

int prep_path_ok(const char *s)
{
	if (s == NULL || s[0] != '/' || strlen(s) < 2 || strlen(s) > 255 || !prep_chars(s, "/_.+-"))
		return 0;
	if (strstr(s, "//") != NULL || strstr(s, "/./") != NULL || strstr(s, "/../") != NULL ||
	    str_ends(s, "/.") || str_ends(s, "/..") || str_ends(s, "/"))
		return 0;
	for (const char *p = s; (p = strchr(p, '/')) != NULL; p++)
		if (p[1] == '-')
			return 0; /* no component looks like a flag */
	return 1;
}

/* The disks of a blank-separated list, each checked; -1 when one is not a disk name. */
static int prep_split_disks(const char *list, struct strv *out)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;

	for (char *t = strtok_r(copy, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (!prep_disk_ok(t))
			rc = -1;
		else
			strv_push(out, t);
	}
	free(copy);
	return rc == 0 && out->n > 0 ? 0 : -1;
}

int prep_request_check(const struct prep_request *r, struct err *e)
{
	struct strv disks = { 0 };
	int rc = 0;

	if (r == NULL || (unsigned)r->flow >= PREP_FLOW_COUNT) {
		err_set(e, "prepare: no such flow");
		return -1;
	}
	if (r->client == NULL || *r->client == '\0') {
		err_set_field(e, "client", "which client? (-c CLIENT)");
		return -1;
	}
	if (!snapshot_client_valid(r->client)) {
		err_set_field(e, "client", "not a valid NIM client name: %s", r->client);
		return -1;
	}
	if (r->max_age_days < 0 || r->max_age_days > 36500) {
		err_set_field(e, "max_age", "the age of a recent mksysb is 1 to 36500 days");
		return -1;
	}
	switch (r->flow) {
	case PREP_MKSYSB:
		if (r->define != NULL && r->path == NULL) {
			err_set_field(
			    e, "path",
			    "--define needs the backup's location on the master (-o PATH)");
			return -1;
		}
		if (r->path != NULL && !prep_path_ok(r->path)) {
			err_set_field(e, "path",
			              "not an absolute plain path (letters, digits, / _ . + -): %s",
			              r->path);
			return -1;
		}
		if (r->define != NULL && !prep_name_ok(r->define)) {
			err_set_field(e, "define", "not a valid NIM object name: %s", r->define);
			return -1;
		}
		break;
	case PREP_SOFTWARE:
	case PREP_PREMIG:
		break;
	case PREP_FREE_DISK:
		if (r->disk == NULL || *r->disk == '\0') {
			err_set_field(e, "disk", "which disk? (-d DISK)");
			return -1;
		}
		if (!prep_disk_ok(r->disk)) {
			err_set_field(e, "disk", "not a disk name (hdisk1): %s", r->disk);
			return -1;
		}
		break;
	case PREP_MKSYSB_ROUTE: {
		const struct {
			const char *v, *field, *what;
			int required;
		} names[] = {
			{ r->spot, "spot", "SPOT (-s SPOT)", 1 },
			{ r->lpp_source, "lpp_source", "lpp_source (-l LPP_SOURCE)", 1 },
			{ r->cache_vg, "cache_vg", "cache volume group on the master (-j VG)", 1 },
			{ r->mksysb, "mksysb", "mksysb (-m MKSYSB)", 0 },
			{ r->backup_name, "backup_name", "backup name (--backup NAME)", 0 },
			{ r->new_mksysb, "new_mksysb", "new mksysb name (-N NAME)", 0 },
		};
		const struct {
			const char *v, *field;
		} paths[] = {
			{ r->backup_path, "backup_path" },
			{ r->new_path, "new_path" },
			{ r->mount_dir, "mount_dir" },
		};
		for (size_t i = 0; i < ARRAY_LEN(names); i++) {
			if (names[i].v == NULL && names[i].required) {
				err_set_field(e, names[i].field, "which %s?", names[i].what);
				return -1;
			}
			if (names[i].v != NULL && !prep_name_ok(names[i].v)) {
				err_set_field(e, names[i].field,
				              "not a valid NIM name for the %s: %s", names[i].what,
				              names[i].v);
				return -1;
			}
		}
		for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
			if (paths[i].v != NULL && !prep_path_ok(paths[i].v)) {
				err_set_field(
				    e, paths[i].field,
				    "not an absolute plain path (letters, digits, / _ . + -): %s",
				    paths[i].v);
				return -1;
			}
		}
		if (r->mksysb != NULL && (r->backup_name != NULL || r->backup_path != NULL)) {
			err_set_field(e, "mksysb",
			              "-m uses an existing mksysb: --backup and "
			              "--backup-file name a new one");
			return -1;
		}
		if (r->disk == NULL || *r->disk == '\0') {
			err_set_field(e, "disk", "which disk of the client? (-d DISK)");
			return -1;
		}
		if (prep_split_disks(r->disk, &disks) != 0) {
			err_set_field(e, "disk", "not a list of disk names (hdisk1 hdisk2): %s",
			              r->disk);
			rc = -1;
		}
		strv_free(&disks);
		return rc;
	}
	default:
		break;
	}
	return 0;
}

/* ---- plans ------------------------------------------------------------------------------- */

static void prep_step_clear(struct prep_step *s)
{
	free(s->title);
	free(s->host);
	strv_free(&s->argv);
	free(s->expect_arg);
	free(s->expected);
	free(s->message);
	free(s->job_id);
	sb_free(&s->output);
}

void prep_plan_free(struct prep_plan **pp)
{
	struct prep_plan *p = *pp;

	if (p == NULL)
		return;
	free(p->client);
	free(p->connect);
	free(p->refusal);
	strv_free(&p->facts);
	strv_free(&p->warnings);
	strv_free(&p->notes);
	for (size_t i = 0; i < p->nsteps; i++)
		prep_step_clear(&p->steps[i]);
	free(p->steps);
	for (size_t i = 0; i < p->nmksysbs; i++) {
		free(p->mksysbs[i].name);
		free(p->mksysbs[i].location);
		free(p->mksysbs[i].creation_date);
		free(p->mksysbs[i].oslevel);
	}
	free(p->mksysbs);
	free(p->saved_at);
	free(p);
	*pp = NULL;
}

size_t prep_plan_changes(const struct prep_plan *p)
{
	size_t n = 0;

	/* a step done by an earlier run does not run again */
	for (size_t i = 0; p != NULL && i < p->nsteps; i++)
		n += p->steps[i].changes != 0 &&
		     !(p->steps[i].state == PREP_STEP_SKIPPED && !p->ran);
	return n;
}

char *prep_step_command(const struct prep_step *s)
{
	return params_argv_to_line((const char *const *)s->argv.v);
}

struct prep_step *prep_plan_step(struct prep_plan *p, enum prep_where where, int changes,
                                 const char *title, const char *expected, ...)
{
	struct prep_step *s;
	const char *a;
	va_list ap;

	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof *p->steps);
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof *s);
	s->title = xstrdup(title);
	s->where = where;
	s->host = xstrdup(where == PREP_ON_CLIENT ? p->client : "master");
	s->changes = changes;
	s->cleanup_of = -1;
	s->expected = xstrdup(expected);
	s->timeout_ms = PREP_TIMEOUT_MS;
	s->exit_status = -1;
	va_start(ap, expected);
	while ((a = va_arg(ap, const char *)) != NULL)
		strv_push(&s->argv, a);
	va_end(ap);
	return s;
}

static void prep_vpush(struct strv *v, const char *fmt, va_list ap) PRINTFLIKE(2, 0);
static void prep_vpush(struct strv *v, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);
	strv_push(v, s);
	free(s);
}

void prep_plan_refuse(struct prep_plan *p, const char *fmt, ...)
{
	va_list ap;

	if (p->refusal != NULL)
		return; /* the first reason is the one that counts */
	va_start(ap, fmt);
	p->refusal = xvasprintf(fmt, ap);
	va_end(ap);
}

void prep_plan_fact(struct prep_plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	prep_vpush(&p->facts, fmt, ap);
	va_end(ap);
}

void prep_plan_warn(struct prep_plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	prep_vpush(&p->warnings, fmt, ap);
	va_end(ap);
}

void prep_plan_note(struct prep_plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	prep_vpush(&p->notes, fmt, ap);
	va_end(ap);
}

static void prep_json_strv(cJSON *o, const char *name, const struct strv *v)
{
	cJSON *a = cJSON_AddArrayToObject(o, name);
	for (size_t i = 0; i < v->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v->v[i]));
}

static void prep_json_str(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

cJSON *prep_plan_to_json(const struct prep_plan *p)
{
	cJSON *o = cJSON_CreateObject(), *steps, *mk;

	cJSON_AddStringToObject(o, "flow", prep_flow_name(p->flow));
	cJSON_AddStringToObject(o, "title", prep_flow_title(p->flow));
	prep_json_str(o, "client", p->client);
	prep_json_str(o, "connect", p->connect);
	prep_json_str(o, "refusal", p->refusal);
	prep_json_strv(o, "facts", &p->facts);
	prep_json_strv(o, "warnings", &p->warnings);
	prep_json_strv(o, "notes", &p->notes);
	mk = cJSON_AddArrayToObject(o, "mksysbs");
	for (size_t i = 0; i < p->nmksysbs; i++) {
		cJSON *m = cJSON_CreateObject();
		prep_json_str(m, "name", p->mksysbs[i].name);
		prep_json_str(m, "location", p->mksysbs[i].location);
		prep_json_str(m, "creation_date", p->mksysbs[i].creation_date);
		prep_json_str(m, "oslevel", p->mksysbs[i].oslevel);
		if (p->mksysbs[i].age_days >= 0)
			cJSON_AddNumberToObject(m, "age_days", (double)p->mksysbs[i].age_days);
		else
			cJSON_AddNullToObject(m, "age_days");
		cJSON_AddItemToArray(mk, m);
	}
	cJSON_AddNumberToObject(o, "max_age_days", p->max_age_days);
	steps = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct prep_step *s = &p->steps[i];
		cJSON *j = cJSON_CreateObject();
		char *cmd = prep_step_command(s);
		cJSON_AddNumberToObject(j, "number", (double)(i + 1));
		cJSON_AddStringToObject(j, "title", s->title);
		cJSON_AddStringToObject(j, "host", s->host);
		cJSON_AddStringToObject(j, "where",
		                        s->where == PREP_ON_CLIENT ? "client" : "master");
		prep_json_strv(j, "argv", &s->argv);
		cJSON_AddStringToObject(j, "command", cmd);
		cJSON_AddBoolToObject(j, "changes", s->changes);
		if (s->cleanup_of >= 0)
			cJSON_AddNumberToObject(j, "cleanup_of", s->cleanup_of + 1);
		cJSON_AddStringToObject(j, "expected", s->expected);
		cJSON_AddStringToObject(j, "state", prep_step_state_name(s->state));
		if (s->exit_status >= 0)
			cJSON_AddNumberToObject(j, "exit_status", s->exit_status);
		else
			cJSON_AddNullToObject(j, "exit_status");
		prep_json_str(j, "message", s->message);
		cJSON_AddStringToObject(j, "output", sb_str(&s->output));
		cJSON_AddBoolToObject(j, "job", s->as_job);
		prep_json_str(j, "job_id", s->job_id);
		cJSON_AddItemToArray(steps, j);
		free(cmd);
	}
	cJSON_AddBoolToObject(o, "ran", p->ran);
	cJSON_AddBoolToObject(o, "ok", p->ok);
	if (p->failed_step >= 0)
		cJSON_AddNumberToObject(o, "failed_step", p->failed_step + 1);
	else
		cJSON_AddNullToObject(o, "failed_step");
	prep_json_str(o, "saved_at", p->saved_at);
	return o;
}

/* ---- commands through the master ----------------------------------------------------------- */

/* One command in flight (a planning task or a step), and its outcome. */
struct prep_cmd {
	struct cmd *cmd;
	struct strbuf out, err;
	size_t cap;
	int capped;
	struct cmd_result res;
	/* the outcome, once done */
	int transport_failed;
	int exit_status;
	char *message;
	void (*on_line)(void *owner, enum cmd_stream s, const char *line);
	void (*on_done)(void *owner);
	void *owner;
};

static void prep_cmd_clear(struct prep_cmd *pc)
{
	sb_free(&pc->out);
	sb_free(&pc->err);
	free(pc->message);
	memset(pc, 0, sizeof *pc);
}

/* Runs of blanks in a message become one blank (AIX pads its columns). */
static char *prep_squeeze(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0'; r++)
		if (!((*r == ' ' || *r == '\t') && w > s && (w[-1] == ' ' || w[-1] == '\t')))
			*w++ = *r == '\t' ? ' ' : *r;
	*w = '\0';
	return s;
}

static char *prep_first_line(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);
		str_trim(line);
		if (*line != '\0')
			return prep_squeeze(line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* The last line that is not blank (commands that print errors on stdout end with them). */
static char *prep_last_line(const char *s, size_t len)
{
	const char *end = s + len;

	while (end > s) {
		const char *start = end;
		char *line;
		while (start > s && start[-1] != '\n')
			start--;
		line = xstrndup(start, (size_t)(end - start));
		str_trim(line);
		if (*line != '\0')
			return prep_squeeze(line);
		free(line);
		end = start > s ? start - 1 : s;
	}
	return NULL;
}

static void prep_cmd_outcome(struct prep_cmd *pc)
{
	const struct cmd_result *r = &pc->res;
	char *line = prep_first_line(sb_str(&pc->err), pc->err.len);

	pc->exit_status = -1;
	if (r->timed_out || r->cancelled || r->start_errno != 0 || !r->exited) {
		pc->transport_failed = 1;
		pc->message = r->errmsg[0] != '\0' ? xstrdup(r->errmsg)
		              : !r->exited         ? xasprintf("killed by signal %d", r->signal)
		                                   : xstrdup("did not run");
		free(line);
		return;
	}
	if (r->remote_lost) {
		/* rsh or c_rsh could not reach the client or run the command there */
		pc->transport_failed = 1;
		pc->message = line != NULL ? line : xstrdup(r->errmsg);
		return;
	}
	pc->exit_status = r->status;
	if (pc->exit_status != 0) {
		char *last = line == NULL ? prep_last_line(sb_str(&pc->out), pc->out.len) : NULL;
		pc->message = line != NULL ? line
		              : last != NULL
		                  ? xasprintf("exit status %d: %s", pc->exit_status, last)
		                  : xasprintf("exit status %d", pc->exit_status);
		free(last);
	} else {
		free(line);
	}
}

static void prep_cmd_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct prep_cmd *pc = arg;

	(void)c;
	if (pc->out.len + pc->err.len + len > pc->cap) {
		pc->capped = 1;
		return;
	}
	sb_add(s == CMD_STDOUT ? &pc->out : &pc->err, buf, len);
}

static void prep_cmd_line(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                          unsigned flags)
{
	struct prep_cmd *pc = arg;
	char *copy;

	(void)c;
	(void)flags;
	if (pc->on_line == NULL)
		return;
	copy = xstrndup(line, len);
	pc->on_line(pc->owner, s, copy);
	free(copy);
}

static void prep_cmd_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct prep_cmd *pc = arg;

	(void)c;
	pc->cmd = NULL;
	pc->res = *r;
	prep_cmd_outcome(pc);
	pc->on_done(pc->owner);
}

/* The client as a HOST_NIM host reached from the master (rsh, or c_rsh for nimsh) that
 * brings the remote exit status back. Owned (host_free). */
static struct host *prep_client_host(struct site *s, const char *client, int nimsh)
{
	struct host *h =
	    host_nim_new(client, s->master, nimsh ? NIM_CONNECT_NIMSH : NIM_CONNECT_SHELL);

	h->remote_status = 1;
	return h;
}

/* Starts argv on the master (client NULL) or on the client's host. */
static int prep_cmd_start(struct prep_cmd *pc, struct site *s, struct cmdset *set,
                          const struct host *client, const char *const *argv, int timeout_ms,
                          struct err *e)
{
	struct cmd_cb cb = {
		.data = prep_cmd_data, .line = prep_cmd_line, .done = prep_cmd_done, .arg = pc
	};
	struct cmd_spec spec = { .host = client != NULL ? client : s->master,
		                 .argv = argv,
		                 .timeout_ms = timeout_ms };

	if (pc->cap == 0)
		pc->cap = PREP_TASK_CAP;
	pc->cmd = cmd_start(set, &spec, &cb, e);
	return pc->cmd != NULL ? 0 : -1;
}

/* ---- facts ---------------------------------------------------------------------------------- */

struct prep_task *prep_facts_task(struct prep_facts *f, const char *key)
{
	for (size_t i = 0; i < f->ntasks; i++)
		if (strcmp(f->tasks[i].key, key) == 0)
			return &f->tasks[i];
	return NULL;
}

struct prep_task *prep_facts_queue(struct prep_facts *f, const char *key, int on_client, ...)
{
	struct prep_task *t;
	const char *a;
	va_list ap;

	if (f->ntasks == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->tasks = xreallocarray(f->tasks, f->cap, sizeof *f->tasks);
	}
	t = &f->tasks[f->ntasks++];
	memset(t, 0, sizeof *t);
	t->key = xstrdup(key);
	t->on_client = on_client;
	t->exit_status = -1;
	va_start(ap, on_client);
	while ((a = va_arg(ap, const char *)) != NULL)
		strv_push(&t->argv, a);
	va_end(ap);
	return t;
}

const char *prep_task_text(const struct prep_task *t, size_t *len)
{
	if (t == NULL || !t->ran || t->exit_status != 0)
		return NULL;
	if (len != NULL)
		*len = t->out.len;
	return sb_str(&t->out);
}

char *prep_task_why(const struct prep_task *t)
{
	char *line;

	if (t == NULL)
		return xstrdup("not asked");
	if (t->message != NULL)
		return xstrdup(t->message);
	if ((line = prep_first_line(sb_str(&t->err), t->err.len)) != NULL)
		return line;
	if ((line = prep_first_line(sb_str(&t->out), t->out.len)) != NULL)
		return line;
	return xasprintf("exit status %d", t->exit_status);
}

int prep_lsnim_absent(const struct prep_task *t)
{
	return t != NULL && t->ran && !t->transport_failed && t->exit_status != 0 &&
	       (strstr(sb_str(&t->err), "0042-053") != NULL ||
	        strstr(sb_str(&t->out), "0042-053") != NULL);
}

static void prep_task_clear(struct prep_task *t)
{
	free(t->key);
	strv_free(&t->argv);
	free(t->message);
	sb_free(&t->out);
	sb_free(&t->err);
}

static void prep_facts_clear(struct prep_facts *f)
{
	const char **strs[] = { &f->req.client,      &f->req.path,       &f->req.define,
		                &f->req.disk,        &f->req.spot,       &f->req.lpp_source,
		                &f->req.cache_vg,    &f->req.mksysb,     &f->req.backup_name,
		                &f->req.backup_path, &f->req.new_mksysb, &f->req.new_path,
		                &f->req.mount_dir };

	for (size_t i = 0; i < ARRAY_LEN(strs); i++)
		free((char *)*strs[i]);
	for (size_t i = 0; i < f->ntasks; i++)
		prep_task_clear(&f->tasks[i]);
	free(f->tasks);
	aixparse_stanzas_clear(&f->client_st);
	prep_plan_free(&f->plan);
	memset(f, 0, sizeof *f);
}

/* ---- the mksysb flow ---------------------------------------------------------------------- */

/* A date as lsnim prints creation_date ("Sun Nov 15 02:10:44 2026", maybe with a
 * zone word); (time_t)-1 when it cannot be read. */
static time_t prep_parse_date(const char *s)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char *copy = xstrdup(s), *save = NULL;
	int have_mon = 0, have_day = 0, have_year = 0;

	memset(&tm, 0, sizeof tm);
	for (char *w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		int h, m, sec;
		long long n = str_to_ll(w);
		int month = -1;
		for (int i = 0; i < 12; i++)
			if (strncmp(w, months[i], 3) == 0)
				month = i;
		if (month >= 0 && !have_mon) {
			tm.tm_mon = month;
			have_mon = 1;
		} else if (sscanf(w, "%d:%d:%d", &h, &m, &sec) == 3) {
			tm.tm_hour = h;
			tm.tm_min = m;
			tm.tm_sec = sec;
		} else if (n >= 1 && n <= 31 && have_mon && !have_day) {
			tm.tm_mday = (int)n;
			have_day = 1;
		} else if (n >= 1970 && n <= 9999) {
			tm.tm_year = (int)n - 1900;
			have_year = 1;
		}
	}
	free(copy);
	if (!have_mon || !have_day || !have_year)
		return (time_t)-1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int prep_mksysb_cmp(const void *a, const void *b)
{
	const struct prep_mksysb *x = a, *y = b;

	if (x->age_days < 0 || y->age_days < 0)
		return (x->age_days < 0) - (y->age_days < 0);
	return x->age_days < y->age_days ? -1 : x->age_days > y->age_days;
}

/* The client's mksysbs in NIM (lsnim -l -t mksysb), newest first. */
static void prep_mksysb_list(struct prep_facts *f, const char *hostname)
{
	struct prep_plan *p = f->plan;
	struct prep_task *t = prep_facts_task(f, "lsnim_mksysbs");
	struct aix_stanzas ss;
	const char *text;
	size_t len;
	time_t now = time(NULL);

	memset(&ss, 0, sizeof ss);
	if ((text = prep_task_text(t, &len)) == NULL ||
	    aixparse_lsnim_long(text, len, &ss, NULL) != 0) {
		aixparse_stanzas_clear(&ss);
		return;
	}
	for (size_t i = 0; i < ss.n; i++) {
		const struct aix_stanza *st = &ss.v[i];
		const char *src = aixparse_stanza_get(st, "source_image");
		const char *type = aixparse_stanza_get(st, "type");
		const char *date = aixparse_stanza_get(st, "creation_date");
		const char *lvl = aixparse_stanza_get(st, "oslevel_s");
		struct prep_mksysb *m;
		time_t when;
		if (type == NULL || strcmp(type, "mksysb") != 0 || src == NULL ||
		    (strcmp(src, p->client) != 0 &&
		     (hostname == NULL || strcmp(src, hostname) != 0)))
			continue;
		p->mksysbs = xreallocarray(p->mksysbs, p->nmksysbs + 1, sizeof *p->mksysbs);
		m = &p->mksysbs[p->nmksysbs++];
		m->name = xstrdup(st->name);
		m->location = aixparse_stanza_get(st, "location") != NULL
		                  ? xstrdup(aixparse_stanza_get(st, "location"))
		                  : NULL;
		m->creation_date = date != NULL ? xstrdup(date) : NULL;
		if (lvl == NULL)
			lvl = aixparse_stanza_get(st, "oslevel_r");
		m->oslevel = lvl != NULL ? xstrdup(lvl) : NULL;
		when = date != NULL ? prep_parse_date(date) : (time_t)-1;
		m->age_days = when == (time_t)-1 ? -1
		              : when >= now      ? 0
		                                 : (long long)(now - when) / 86400;
	}
	aixparse_stanzas_clear(&ss);
	if (p->nmksysbs > 1)
		qsort(p->mksysbs, p->nmksysbs, sizeof *p->mksysbs, prep_mksysb_cmp);
}

static void prep_build_mksysb(struct prep_facts *f)
{
	struct prep_plan *p = f->plan;
	const struct prep_request *r = &f->req;
	const char *if1 = aixparse_stanza_get(&f->client, "if1");
	char *hostname = NULL;

	if (if1 != NULL) {
		char *copy = xstrdup(if1), *save = NULL, *w = strtok_r(copy, " ", &save);
		if (w != NULL && (w = strtok_r(NULL, " ", &save)) != NULL)
			hostname = xstrdup(w);
		free(copy);
	}
	prep_mksysb_list(f, hostname);
	free(hostname);
	if (p->nmksysbs == 0) {
		prep_plan_fact(p, "NIM has no mksysb of %s (lsnim -l -t mksysb)", p->client);
		prep_plan_warn(p, "%s has no mksysb in NIM: back it up before the migration",
		               p->client);
	} else {
		const struct prep_mksysb *newest = &p->mksysbs[0];
		for (size_t i = 0; i < p->nmksysbs; i++) {
			const struct prep_mksysb *m = &p->mksysbs[i];
			if (m->age_days >= 0)
				prep_plan_fact(p, "mksysb %s: %s, %lld day%s old%s%s", m->name,
				               m->creation_date, m->age_days,
				               m->age_days == 1 ? "" : "s",
				               m->oslevel != NULL ? ", level " : "",
				               m->oslevel != NULL ? m->oslevel : "");
			else
				prep_plan_fact(p, "mksysb %s: creation date unknown", m->name);
		}
		if (newest->age_days < 0)
			prep_plan_warn(p,
			               "the age of %s's mksysbs is unknown (no readable "
			               "creation_date)",
			               p->client);
		else if (newest->age_days > p->max_age_days)
			prep_plan_warn(p,
			               "no mksysb of %s is newer than %d days (the newest, %s, is "
			               "%lld days old)",
			               p->client, p->max_age_days, newest->name, newest->age_days);
	}
	if (r->path == NULL)
		return;
	if (r->define != NULL) {
		struct prep_task *t = prep_facts_task(f, "lsnim_define");
		if (!prep_lsnim_absent(t)) {
			prep_plan_refuse(p,
			                 "%s is already a NIM object: choose another name for the "
			                 "backup",
			                 r->define);
			return;
		}
		char *loc = xasprintf("location=%s", r->path),
		     *src = xasprintf("source=%s", p->client);
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_MASTER, 1,
		    "Back up the client into NIM (mksysb -i -e on the client)",
		    "mksysb: Backup Completed Successfully; NIM defines the mksysb resource", "nim",
		    "-o", "define", "-t", "mksysb", "-a", "server=master", "-a", loc, "-a", src,
		    "-a", "mk_image=yes", "-a", "mksysb_flags=-i -e", r->define, NULL);
		s->timeout_ms = PREP_BACKUP_MS;
		free(loc);
		free(src);
		prep_plan_step(p, PREP_ON_MASTER, 0, "Check the new mksysb resource in NIM",
		               "lsnim shows it with its location and level", "lsnim", "-l",
		               r->define, NULL);
		prep_plan_note(p, "%s is the newest mksysb of %s once this has run", r->define,
		               p->client);
	} else {
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_CLIENT, 1, "Back up rootvg to a file on the client (mksysb -i -e)",
		    "0512-038 mksysb: Backup Completed Successfully.", "mksysb", "-i", "-e",
		    r->path, NULL);
		s->timeout_ms = PREP_BACKUP_MS;
		prep_plan_step(p, PREP_ON_CLIENT, 0, "Check that the backup file exists",
		               "ls names the file", "ls", r->path, NULL);
		prep_plan_note(p,
		               "The backup is a file on %s, not in NIM: define it on the master "
		               "(nim -o define -t mksysb) to use it for a migration",
		               p->client);
	}
}

/* ---- the software flow ---------------------------------------------------------------------- */

static void prep_build_software(struct prep_facts *f)
{
	struct prep_plan *p = f->plan;
	struct prep_task *ti = prep_facts_task(f, "installp_s"), *tl = prep_facts_task(f, "lppchk");
	struct aix_filesets fs;
	struct strv names = { 0 };
	struct strbuf list = { 0 };

	memset(&fs, 0, sizeof fs);
	/* lppchk -v: silent and 0 when consistent */
	if (tl != NULL && tl->ran && !tl->transport_failed) {
		char *first = prep_first_line(sb_str(&tl->err), tl->err.len);
		if (first == NULL)
			first = prep_first_line(sb_str(&tl->out), tl->out.len);
		if (tl->exit_status == 0 && first == NULL) {
			prep_plan_fact(p, "lppchk -v: consistent");
		} else {
			prep_plan_fact(p, "lppchk -v: exit status %d: %s", tl->exit_status,
			               first != NULL ? first : "");
			prep_plan_warn(p, "lppchk -v is not clean: the check below fails until the "
			                  "filesets it names are corrected");
		}
		free(first);
	}
	if (ti != NULL && ti->ran && !ti->transport_failed) {
		size_t len = ti->out.len + ti->err.len;
		char *both = xasprintf("%s%s", sb_str(&ti->out), sb_str(&ti->err));
		if (aixparse_installp_s(both, len, &fs, NULL) != 0 &&
		    strstr(both, "No filesets were found") == NULL)
			prep_plan_warn(p, "installp -s printed something unexpected");
		free(both);
	}
	for (size_t i = 0; i < fs.n; i++) {
		/* names come from the client: only plain fileset names reach an argv */
		if (!prep_name_ok(fs.v[i].name)) {
			prep_plan_warn(p, "installp -s named a fileset that is not a plain name: "
			                  "skipped");
			continue;
		}
		strv_push(&names, fs.v[i].name);
		sb_addf(&list, "%s%s %s", list.len > 0 ? ", " : "", fs.v[i].name,
		        fs.v[i].level != NULL ? fs.v[i].level : "");
	}
	if (names.n == 0)
		prep_plan_fact(p, "installp -s: nothing is applied but not committed");
	else
		prep_plan_fact(p, "installp -s: applied, not committed: %s", sb_str(&list));
	prep_plan_step(p, PREP_ON_CLIENT, 0, "Check that the installed software is consistent",
	               "lppchk -v prints nothing", "lppchk", "-v", NULL)
	    ->expect = PREP_EXPECT_NO_OUTPUT;
	if (f->req.commit && names.n > 0) {
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_CLIENT, 1, "Commit the applied filesets (installp -c)",
		    "the Installation Summary shows COMMIT SUCCESS for each", "installp", "-c",
		    "-g", NULL);
		for (size_t i = 0; i < names.n; i++)
			strv_push(&s->argv, names.v[i]);
		s->timeout_ms = PREP_LVM_MS;
	} else if (f->req.commit) {
		prep_plan_note(p, "Nothing to commit on %s", p->client);
	} else if (names.n > 0) {
		prep_plan_warn(p,
		               "%zu fileset%s applied but not committed; --commit commits "
		               "%s (installp -c)",
		               names.n, names.n == 1 ? " is" : "s are",
		               names.n == 1 ? "it" : "them");
	}
	prep_plan_step(p, PREP_ON_CLIENT, 0, "Check that nothing is applied but not committed",
	               "installp -s finds nothing in the APPLIED state", "installp", "-s", NULL)
	    ->expect = PREP_EXPECT_NONE_APPLIED;
	aixparse_filesets_clear(&fs);
	strv_free(&names);
	sb_free(&list);
}

/* ---- pre_migration ----------------------------------------------------------------------------
 */

static void prep_build_premig(struct prep_facts *f)
{
	struct prep_plan *p = f->plan;
	const char *lvl = prep_task_text(prep_facts_task(f, "oslevel"), NULL);
	char *first = lvl != NULL ? prep_first_line(lvl, strlen(lvl)) : NULL;
	struct prep_step *s;

	if (first != NULL)
		prep_plan_fact(p, "%s runs %s (oslevel -s)", p->client, first);
	free(first);
	s = prep_plan_step(p, PREP_ON_CLIENT, 0, "Run IBM's pre_migration checks",
	                   "it checks the system and says where it saved its findings "
	                   "(/home/pre_migration.TIMESTAMP)",
	                   "/usr/lpp/bos/pre_migration", NULL);
	s->expect = PREP_EXPECT_SAVED;
	s->timeout_ms = PREP_PREMIG_MS;
	prep_plan_note(p, "IBM recommends the pre_migration of the target level: copy "
	                  "usr/lpp/bos/pre_migration from the SPOT or the media to run that one");
	prep_plan_note(p, "After the migration, /usr/lpp/bos/post_migration compares the system "
	                  "with what pre_migration saved (nimadm-tui postcheck runs it)");
}

/* ---- freeing a disk from a mirrored rootvg ------------------------------------------------------
 */

/* The disks holding copies of the LV in `lslv -m LV` output. */
static void prep_lslv_m_disks(const char *text, size_t len, struct strv *out)
{
	char *copy = xstrndup(text, len), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *wsave = NULL, *w;
		int col = 0;
		if (line[0] < '0' || line[0] > '9')
			continue; /* the LV:MOUNT line and the header */
		/* LP  PP1 PV1  PP2 PV2  PP3 PV3 */
		for (w = strtok_r(line, " \t\r", &wsave); w != NULL;
		     w = strtok_r(NULL, " \t\r", &wsave)) {
			int dup = 0;
			if (col++ % 2 != 0 || col == 1)
				continue;
			for (size_t i = 0; i < out->n; i++)
				dup |= strcmp(out->v[i], w) == 0;
			if (!dup && prep_disk_ok(w))
				strv_push(out, w);
		}
	}
	free(copy);
}

/* The LV names of `lspv -l DISK` output. */
static void prep_lspv_l_lvs(const char *text, size_t len, struct strv *out)
{
	char *copy = xstrndup(text, len), *save = NULL;
	int past_header = 0;

	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *wsave = NULL, *w = strtok_r(line, " \t\r", &wsave);
		if (w == NULL)
			continue;
		if (!past_header) {
			past_header = strcmp(w, "LV") == 0;
			continue;
		}
		if (prep_name_ok(w))
			strv_push(out, w);
	}
	free(copy);
}

static const char *prep_join(const struct strv *v, struct strbuf *sb)
{
	sb_reset(sb);
	for (size_t i = 0; i < v->n; i++)
		sb_addf(sb, "%s%s", i > 0 ? " " : "", v->v[i]);
	return sb_str(sb);
}

static void prep_build_free_disk(struct prep_facts *f)
{
	struct prep_plan *p = f->plan;
	const char *disk = f->req.disk, *text;
	struct aix_lspv pv;
	struct aix_lvs lvs;
	struct aix_bootlist bl;
	struct strv rootvg = { 0 }, remaining = { 0 }, hd5 = { 0 }, boot = { 0 }, on_disk = { 0 };
	struct strbuf sb = { 0 }, sb2 = { 0 };
	const struct aix_pv *d = NULL;
	size_t len;
	int copies = 0;

	memset(&pv, 0, sizeof pv);
	memset(&lvs, 0, sizeof lvs);
	memset(&bl, 0, sizeof bl);
	if ((text = prep_task_text(prep_facts_task(f, "lspv"), &len)) == NULL ||
	    aixparse_lspv(text, len, &pv, NULL) != 0) {
		char *why = prep_task_why(prep_facts_task(f, "lspv"));
		prep_plan_refuse(p, "%s: cannot read its disks (lspv: %s)", p->client, why);
		free(why);
		goto out;
	}
	for (size_t i = 0; i < pv.n; i++) {
		if (strcmp(pv.v[i].name, disk) == 0)
			d = &pv.v[i];
		if (pv.v[i].vg != NULL && strcmp(pv.v[i].vg, "rootvg") == 0) {
			strv_push(&rootvg, pv.v[i].name);
			if (strcmp(pv.v[i].name, disk) != 0)
				strv_push(&remaining, pv.v[i].name);
		}
	}
	prep_plan_fact(p, "rootvg is on %s (lspv)", prep_join(&rootvg, &sb));
	if (d == NULL) {
		prep_plan_refuse(p, "%s has no disk %s (lspv)", p->client, disk);
		goto out;
	}
	if (d->vg == NULL) {
		prep_plan_refuse(p, "%s: %s is in no volume group: it is free already", p->client,
		                 disk);
		goto out;
	}
	if (strcmp(d->vg, "rootvg") != 0) {
		prep_plan_refuse(p,
		                 "%s: %s is in %s, not in rootvg: this flow frees rootvg's disks "
		                 "only",
		                 p->client, disk, d->vg);
		goto out;
	}
	if ((text = prep_task_text(prep_facts_task(f, "lsvg_l"), &len)) == NULL ||
	    aixparse_lsvg_l(text, len, &lvs, NULL) != 0) {
		char *why = prep_task_why(prep_facts_task(f, "lsvg_l"));
		prep_plan_refuse(p, "%s: cannot read rootvg's logical volumes (lsvg -l rootvg: %s)",
		                 p->client, why);
		free(why);
		goto out;
	}
	for (size_t i = 0; i < lvs.n; i++)
		if (lvs.v[i].copies > copies)
			copies = lvs.v[i].copies;
	prep_plan_fact(p, "rootvg's logical volumes have up to %d cop%s (lsvg -l rootvg)", copies,
	               copies == 1 ? "y" : "ies");
	if ((text = prep_task_text(prep_facts_task(f, "lspv_l"), &len)) != NULL)
		prep_lspv_l_lvs(text, len, &on_disk);
	prep_plan_fact(p, "%s holds %s (lspv -l %s)", disk,
	               on_disk.n > 0 ? prep_join(&on_disk, &sb) : "no logical volume", disk);
	if (copies <= 1) {
		if (remaining.n == 0)
			prep_plan_refuse(p,
			                 "%s: rootvg is not mirrored: freeing %s would leave no "
			                 "rootvg",
			                 p->client, disk);
		else
			prep_plan_refuse(
			    p,
			    "%s: rootvg is not mirrored: freeing %s would lose the only "
			    "copy of %s",
			    p->client, disk,
			    on_disk.n > 0 ? prep_join(&on_disk, &sb) : "its logical volumes");
		goto out;
	}
	if (remaining.n == 0) {
		prep_plan_refuse(p,
		                 "%s: %s is rootvg's only disk: freeing it would leave no rootvg",
		                 p->client, disk);
		goto out;
	}
	/* where the boot logical volume lies decides what can boot afterwards */
	if ((text = prep_task_text(prep_facts_task(f, "lslv_hd5"), &len)) != NULL)
		prep_lslv_m_disks(text, len, &hd5);
	if (hd5.n == 0) {
		char *why = prep_task_why(prep_facts_task(f, "lslv_hd5"));
		prep_plan_refuse(p,
		                 "%s: cannot tell which disks hold hd5, the boot logical volume "
		                 "(lslv -m hd5: %s)",
		                 p->client, why);
		free(why);
		goto out;
	}
	prep_plan_fact(p, "hd5, the boot logical volume, has a copy on %s (lslv -m hd5)",
	               prep_join(&hd5, &sb));
	for (size_t i = 0; i < hd5.n; i++)
		if (strcmp(hd5.v[i], disk) != 0)
			strv_push(&boot, hd5.v[i]);
	if (boot.n == 0) {
		prep_plan_refuse(p, "%s: %s holds the only copy of hd5 (the boot logical volume)",
		                 p->client, disk);
		goto out;
	}
	/* an LV with one copy on the disk would be lost (unmirrorvg leaves it, reducevg fails) */
	for (size_t i = 0; i < on_disk.n; i++)
		for (size_t j = 0; j < lvs.n; j++)
			if (strcmp(lvs.v[j].name, on_disk.v[i]) == 0 && lvs.v[j].copies <= 1) {
				prep_plan_refuse(p,
				                 "%s: %s holds the only copy of %s: move it first "
				                 "(migratepv -l %s %s %s)",
				                 p->client, disk, on_disk.v[i], on_disk.v[i], disk,
				                 remaining.v[0]);
				goto out;
			}
	if ((text = prep_task_text(prep_facts_task(f, "bootlist"), &len)) != NULL &&
	    aixparse_bootlist(text, len, &bl, NULL) == 0) {
		int named = 0;
		sb_reset(&sb2);
		for (size_t i = 0; i < bl.n; i++) {
			sb_addf(&sb2, "%s%s", i > 0 ? " " : "", bl.v[i].device);
			named |= strcmp(bl.v[i].device, disk) == 0;
		}
		prep_plan_fact(p, "the boot list is %s (bootlist -m normal -o)%s%s", sb_str(&sb2),
		               named ? ": it names the disk to free, " : "", named ? disk : "");
	}
	/* the steps */
	prep_join(&remaining, &sb);
	{
		char *exp = xasprintf("every logical volume keeps one copy, on %s", sb_str(&sb));
		char *title = xasprintf("Remove rootvg's mirror copies from %s", disk);
		prep_plan_step(p, PREP_ON_CLIENT, 1, title, exp, "unmirrorvg", "rootvg", disk, NULL)
		    ->timeout_ms = PREP_LVM_MS;
		free(exp);
		free(title);
	}
	for (size_t i = 0; i < hd5.n; i++) {
		if (strcmp(hd5.v[i], disk) != 0)
			continue;
		char *title = xasprintf("Clear the boot record of %s", disk);
		prep_plan_step(p, PREP_ON_CLIENT, 1, title,
		               "no old boot image can be started from it", "chpv", "-c", disk,
		               NULL);
		free(title);
	}
	{
		char *title = xasprintf("Take %s out of rootvg", disk);
		char *exp =
		    xasprintf("rootvg is on %s only; %s has no volume group", sb_str(&sb), disk);
		prep_plan_step(p, PREP_ON_CLIENT, 1, title, exp, "reducevg", "rootvg", disk, NULL);
		free(title);
		free(exp);
	}
	for (size_t i = 0; i < boot.n; i++) {
		char *title = xasprintf("Write the boot image to %s", boot.v[i]);
		char *dev = xasprintf("/dev/%s", boot.v[i]);
		prep_plan_step(p, PREP_ON_CLIENT, 1, title,
		               "bosboot: Boot image is ... 512 byte blocks.", "bosboot", "-ad", dev,
		               NULL)
		    ->timeout_ms = PREP_LVM_MS;
		free(title);
		free(dev);
	}
	{
		char *title = xasprintf("Boot from %s only", prep_join(&boot, &sb));
		struct prep_step *s = prep_plan_step(p, PREP_ON_CLIENT, 1, title,
		                                     "the boot list names these disks only",
		                                     "bootlist", "-m", "normal", NULL);
		for (size_t i = 0; i < boot.n; i++)
			strv_push(&s->argv, boot.v[i]);
		free(title);
	}
	{
		char *title = xasprintf("Check that %s is free", disk);
		char *exp = xasprintf("lspv shows %s with no volume group (None)", disk);
		struct prep_step *s =
		    prep_plan_step(p, PREP_ON_CLIENT, 0, title, exp, "lspv", NULL);
		s->expect = PREP_EXPECT_DISK_FREE;
		s->expect_arg = xstrdup(disk);
		free(title);
		free(exp);
	}
	{
		char *exp = xasprintf("bootlist -m normal -o lists %s", prep_join(&boot, &sb));
		struct prep_step *s = prep_plan_step(p, PREP_ON_CLIENT, 0, "Check the boot list",
		                                     exp, "bootlist", "-m", "normal", "-o", NULL);
		s->expect = PREP_EXPECT_BOOTLIST;
		s->expect_arg = xstrdup(sb_str(&sb));
		free(exp);
	}
	prep_plan_note(p,
	               "rootvg is not mirrored any more: mirror it again (mirrorvg) if %s is "
	               "not used for the migration",
	               disk);
	prep_plan_note(p, "%s is free for nimadm: nimadm-tui check -c %s -d %s", disk, p->client,
	               disk);
out:
	aixparse_lspv_clear(&pv);
	aixparse_lvs_clear(&lvs);
	aixparse_bootlist_clear(&bl);
	strv_free(&rootvg);
	strv_free(&remaining);
	strv_free(&hd5);
	strv_free(&boot);
	strv_free(&on_disk);
	sb_free(&sb);
	sb_free(&sb2);
}

/* ---- the planner ---------------------------------------------------------------------------- */

struct prep_planner {
	struct site *site;
	struct cmdset *set;
	struct prep_plan_cb cb;
	struct prep_facts f;
	int nimsh;
	struct host *client; /* known after stage 0 */
	int stage;           /* 0: lsnim -l CLIENT, 1: the flow's questions */
	size_t next;         /* the next task to run */
	struct prep_cmd pc;
	int busy;
	int starting; /* inside prep_plan_start */
	int cancelled, finished;
	struct err err;
	int failed;
};

static void prep_planner_free(struct prep_planner *pl)
{
	host_free(&pl->client);
	prep_cmd_clear(&pl->pc);
	prep_facts_clear(&pl->f);
	free(pl);
}

static void prep_planner_fail(struct prep_planner *pl, const char *field, const char *fmt, ...)
    PRINTFLIKE(3, 4);
static void prep_planner_fail(struct prep_planner *pl, const char *field, const char *fmt, ...)
{
	char msg[sizeof pl->err.msg];
	va_list ap;

	if (pl->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set_field(&pl->err, field, "%s", msg);
	pl->failed = 1;
}

static void prep_planner_pump(struct prep_planner *pl);

static void prep_planner_task_done(void *owner)
{
	struct prep_planner *pl = owner;
	struct prep_task *t = &pl->f.tasks[pl->next - 1];

	pl->busy = 0;
	t->ran = 1;
	t->transport_failed = pl->pc.transport_failed;
	t->exit_status = pl->pc.exit_status;
	t->message = pl->pc.message;
	pl->pc.message = NULL;
	t->out = pl->pc.out;
	t->err = pl->pc.err;
	memset(&pl->pc.out, 0, sizeof pl->pc.out);
	memset(&pl->pc.err, 0, sizeof pl->pc.err);
	if (pl->cancelled) {
		prep_planner_free(pl);
		return;
	}
	if (t->on_client && t->transport_failed)
		prep_planner_fail(pl, NULL, "%s did not answer (%s %s %s): %s", pl->f.req.client,
		                  pl->nimsh ? "c_rsh" : "rsh", pl->f.req.client, t->argv.v[0],
		                  t->message != NULL ? t->message : "no answer");
	prep_planner_pump(pl);
}

/* After lsnim -l CLIENT: who the client is and how NIM reaches it; the flow's questions. */
static void prep_planner_stage1(struct prep_planner *pl)
{
	struct prep_facts *f = &pl->f;
	struct prep_plan *p = f->plan;
	struct prep_task *t = prep_facts_task(f, "lsnim_client");
	const struct aix_stanza *st;
	const char *text, *type, *conn;
	size_t len;

	if (prep_lsnim_absent(t)) {
		prep_planner_fail(pl, "client", "%s is not a NIM object (lsnim: 0042-053)",
		                  p->client);
		return;
	}
	if ((text = prep_task_text(t, &len)) == NULL ||
	    aixparse_lsnim_long(text, len, &f->client_st, NULL) != 0 ||
	    (st = aixparse_stanzas_find(&f->client_st, p->client)) == NULL) {
		char *why = prep_task_why(t);
		prep_planner_fail(pl, NULL, "cannot ask NIM about %s (lsnim -l %s: %s)", p->client,
		                  p->client, why);
		free(why);
		return;
	}
	f->client = *st;
	type = aixparse_stanza_get(st, "type");
	if (type == NULL || strcmp(type, "standalone") != 0) {
		prep_planner_fail(pl, "client", "%s is a NIM %s, not a standalone client",
		                  p->client, type != NULL ? type : "object");
		return;
	}
	conn = aixparse_stanza_get(st, "connect");
	pl->nimsh = conn != NULL && strcmp(conn, "nimsh") == 0;
	pl->client = prep_client_host(pl->site, p->client, pl->nimsh);
	p->connect = xstrdup(pl->nimsh ? "nimsh" : "shell");
	prep_plan_fact(p, "%s is reached from the master with %s (lsnim: connect = %s)", p->client,
	               pl->nimsh ? "c_rsh" : "rsh", p->connect);
	switch (p->flow) {
	case PREP_MKSYSB:
		prep_facts_queue(f, "oslevel", 1, "oslevel", "-s", NULL);
		prep_facts_queue(f, "lsnim_mksysbs", 0, "lsnim", "-l", "-t", "mksysb", NULL);
		if (f->req.define != NULL)
			prep_facts_queue(f, "lsnim_define", 0, "lsnim", f->req.define, NULL);
		break;
	case PREP_SOFTWARE:
		prep_facts_queue(f, "installp_s", 1, "installp", "-s", NULL);
		prep_facts_queue(f, "lppchk", 1, "lppchk", "-v", NULL);
		break;
	case PREP_PREMIG:
		prep_facts_queue(f, "oslevel", 1, "oslevel", "-s", NULL);
		break;
	case PREP_FREE_DISK:
		prep_facts_queue(f, "lspv", 1, "lspv", NULL);
		prep_facts_queue(f, "lsvg_l", 1, "lsvg", "-l", "rootvg", NULL);
		prep_facts_queue(f, "lslv_hd5", 1, "lslv", "-m", "hd5", NULL);
		prep_facts_queue(f, "lspv_l", 1, "lspv", "-l", f->req.disk, NULL);
		prep_facts_queue(f, "bootlist", 1, "bootlist", "-m", "normal", "-o", NULL);
		break;
	case PREP_MKSYSB_ROUTE:
		prep_route_queue(f);
		break;
	default:
		break;
	}
}

static void prep_planner_build(struct prep_planner *pl)
{
	switch (pl->f.plan->flow) {
	case PREP_MKSYSB:
		prep_build_mksysb(&pl->f);
		break;
	case PREP_SOFTWARE:
		prep_build_software(&pl->f);
		break;
	case PREP_PREMIG:
		prep_build_premig(&pl->f);
		break;
	case PREP_FREE_DISK:
		prep_build_free_disk(&pl->f);
		break;
	case PREP_MKSYSB_ROUTE:
		prep_route_build(&pl->f);
		break;
	default:
		break;
	}
	if (pl->f.plan->refusal != NULL) {
		/* a refused plan shows why and what it found, never steps to run */
		for (size_t i = 0; i < pl->f.plan->nsteps; i++)
			prep_step_clear(&pl->f.plan->steps[i]);
		pl->f.plan->nsteps = 0;
	}
}

static void prep_planner_finish(struct prep_planner *pl)
{
	struct prep_plan *plan = pl->failed ? NULL : pl->f.plan;

	pl->finished = 1;
	if (plan != NULL)
		pl->f.plan = NULL;
	if (pl->starting) {
		/* prep_plan_start() reports it */
		prep_plan_free(&plan);
		if (!pl->failed)
			prep_planner_fail(pl, NULL,
			                  "the plan was made before it could be reported");
		return;
	}
	pl->cb.done(pl->cb.arg, plan, plan != NULL ? NULL : &pl->err);
	prep_planner_free(pl);
}

static void prep_planner_pump(struct prep_planner *pl)
{
	struct err e;

	while (!pl->busy && !pl->finished) {
		if (pl->failed) {
			prep_planner_finish(pl);
			return;
		}
		if (pl->next < pl->f.ntasks) {
			struct prep_task *t = &pl->f.tasks[pl->next++];
			prep_cmd_clear(&pl->pc);
			pl->pc.on_done = prep_planner_task_done;
			pl->pc.owner = pl;
			err_clear(&e);
			pl->busy = 1;
			if (prep_cmd_start(&pl->pc, pl->site, pl->set,
			                   t->on_client ? pl->client : NULL, strv_argv(&t->argv),
			                   pl->f.req.timeout_ms > 0 ? pl->f.req.timeout_ms
			                                            : PREP_TIMEOUT_MS,
			                   &e) != 0) {
				pl->busy = 0;
				t->ran = 1;
				t->transport_failed = 1;
				t->message = xstrdup(e.msg);
				prep_planner_fail(pl, NULL, "cannot run %s: %s", t->argv.v[0],
				                  e.msg);
			}
			continue;
		}
		if (pl->stage == 0) {
			pl->stage = 1;
			prep_planner_stage1(pl);
			continue;
		}
		prep_planner_build(pl);
		prep_planner_finish(pl);
		return;
	}
}

struct prep_planner *prep_plan_start(struct site *s, struct cmdset *set,
                                     const struct prep_request *req, const struct prep_plan_cb *cb,
                                     struct err *e)
{
	struct prep_planner *pl;
	struct prep_request *r;

	if (cb == NULL || cb->done == NULL) {
		err_set(e, "prepare: no done callback");
		return NULL;
	}
	if (prep_request_check(req, e) != 0)
		return NULL;
	pl = xcalloc(1, sizeof *pl);
	pl->site = s;
	pl->f.site = s;
	pl->set = set != NULL ? set : s->set;
	pl->cb = *cb;
	r = &pl->f.req;
	*r = *req;
#define PREP_DUP(x) r->x = req->x != NULL ? xstrdup(req->x) : NULL
	PREP_DUP(client);
	PREP_DUP(path);
	PREP_DUP(define);
	PREP_DUP(disk);
	PREP_DUP(spot);
	PREP_DUP(lpp_source);
	PREP_DUP(cache_vg);
	PREP_DUP(mksysb);
	PREP_DUP(backup_name);
	PREP_DUP(backup_path);
	PREP_DUP(new_mksysb);
	PREP_DUP(new_path);
	PREP_DUP(mount_dir);
#undef PREP_DUP
	pl->f.plan = xcalloc(1, sizeof *pl->f.plan);
	pl->f.plan->flow = req->flow;
	pl->f.plan->client = xstrdup(req->client);
	pl->f.plan->failed_step = -1;
	pl->f.plan->max_age_days =
	    req->max_age_days > 0 ? req->max_age_days : PREP_MKSYSB_MAX_AGE_DAYS;
	prep_facts_queue(&pl->f, "lsnim_client", 0, "lsnim", "-l", req->client, NULL);
	pl->starting = 1;
	prep_planner_pump(pl);
	pl->starting = 0;
	if (pl->finished) {
		if (e != NULL)
			*e = pl->err;
		prep_planner_free(pl);
		return NULL;
	}
	return pl;
}

void prep_plan_cancel(struct prep_planner **pp)
{
	struct prep_planner *pl = *pp;

	*pp = NULL;
	if (pl == NULL)
		return;
	pl->cancelled = 1;
	if (pl->busy && pl->pc.cmd != NULL)
		cmd_cancel(pl->pc.cmd);
	else if (!pl->busy)
		prep_planner_free(pl);
}

struct prep_plan_wait {
	int done;
	struct prep_plan *plan;
	struct err err;
};

static void prep_plan_wait_done(void *arg, struct prep_plan *plan, const struct err *e)
{
	struct prep_plan_wait *w = arg;

	w->done = 1;
	w->plan = plan;
	if (e != NULL)
		w->err = *e;
}

struct prep_plan *prep_plan(struct site *s, const struct prep_request *req, struct err *e)
{
	struct prep_plan_wait w;
	struct prep_plan_cb cb = { prep_plan_wait_done, &w };

	memset(&w, 0, sizeof w);
	if (prep_plan_start(s, s->set, req, &cb, e) == NULL)
		return NULL;
	while (!w.done)
		if (cmdset_run(s->set, -1) != 0)
			break;
	if (!w.done) {
		err_set(e, "prepare: the plan was never finished");
		return NULL;
	}
	if (w.plan == NULL && e != NULL)
		*e = w.err;
	return w.plan;
}

/* ---- the runner -------------------------------------------------------------------------------
 */

struct prep_run {
	struct site *site;
	struct cmdset *set;
	struct prep_plan *plan;
	struct prep_run_cb cb;
	struct prep_run_opts o;
	struct host *client; /* the plan's client, reached from the master */
	size_t cur;          /* the step running, or the next one */
	int busy;            /* a step's command is running */
	int waiting;         /* for prep_run_answer() */
	int in_confirm;      /* inside cb.confirm */
	int answered;        /* the answer for step cur: 1 yes */
	int failed;          /* a step failed: only cleanups run now */
	int stopping;        /* declined or cancelled: only cleanups run now */
	int cancelled;
	int starting, finished;
	struct prep_cmd pc;
	/* a step that runs as a job: its journal, and the timer of the next look */
	struct job_tail *tail;
	struct cmd *tick;
	long long job_start_ms;
	struct err err;
};

static void prep_run_next(struct prep_run *r);
static void prep_run_step_end(struct prep_run *r);

static void prep_step_append(struct prep_step *s, const char *line)
{
	size_t n = strlen(line);

	if (s->output.len + n + 1 > PREP_OUTPUT_MAX)
		return;
	sb_add(&s->output, line, n);
	sb_addc(&s->output, '\n');
}

static void prep_run_line(void *owner, enum cmd_stream st, const char *line)
{
	struct prep_run *r = owner;
	struct prep_step *s = &r->plan->steps[r->cur];

	prep_step_append(s, line);
	if (r->cb.line != NULL)
		r->cb.line(r->cb.arg, r->plan, r->cur, st, line);
}

/* Whether the words of b name the same disks, in order, as the devices in a. */
static int prep_same_disks(const struct aix_bootlist *a, const char *b)
{
	struct strv w = { 0 };
	int same;

	(void)prep_split_disks(b, &w);
	same = w.n == a->n;
	for (size_t i = 0; same && i < w.n; i++)
		same = strcmp(w.v[i], a->v[i].device) == 0;
	strv_free(&w);
	return same;
}

/* What the step's output must show beyond exit status 0; NULL when it does, else why not. */
static char *prep_expect_check(struct prep_run *r, struct prep_step *s)
{
	const char *out = sb_str(&r->pc.out);
	size_t len = r->pc.out.len;

	switch (s->expect) {
	case PREP_EXPECT_STATUS:
		return NULL;
	case PREP_EXPECT_NO_OUTPUT: {
		/* the last line that is not blank names the problem (lppchk's fileset) */
		const struct strbuf *both[2] = { &r->pc.err, &r->pc.out };
		char *last = NULL, *why;
		size_t lines = 0;
		for (int b = 0; b < 2; b++) {
			char *copy = xstrdup(sb_str(both[b])), *save = NULL;
			for (char *l = strtok_r(copy, "\n", &save); l != NULL;
			     l = strtok_r(NULL, "\n", &save)) {
				if (*str_trim(l) == '\0')
					continue;
				lines++;
				if (b == 0 || last == NULL) {
					free(last);
					last = prep_squeeze(xstrdup(l));
				}
			}
			free(copy);
		}
		if (lines == 0)
			return NULL;
		why = xasprintf("it printed %zu line%s: %s", lines, lines == 1 ? "" : "s", last);
		free(last);
		return why;
	}
	case PREP_EXPECT_NONE_APPLIED: {
		struct aix_filesets fs;
		char *why = NULL;
		memset(&fs, 0, sizeof fs);
		if (aixparse_installp_s(out, len, &fs, NULL) == 0 && fs.n > 0)
			why = xasprintf("%zu fileset%s applied but not committed (%s%s)", fs.n,
			                fs.n == 1 ? " is" : "s are", fs.v[0].name,
			                fs.n > 1 ? ", ..." : "");
		aixparse_filesets_clear(&fs);
		return why;
	}
	case PREP_EXPECT_DISK_FREE: {
		struct aix_lspv pv;
		char *why = xasprintf("lspv does not list %s", s->expect_arg);
		memset(&pv, 0, sizeof pv);
		if (aixparse_lspv(out, len, &pv, NULL) == 0)
			for (size_t i = 0; i < pv.n; i++)
				if (strcmp(pv.v[i].name, s->expect_arg) == 0) {
					free(why);
					why = pv.v[i].vg == NULL
					          ? NULL
					          : xasprintf("%s is still in %s", s->expect_arg,
					                      pv.v[i].vg);
				}
		aixparse_lspv_clear(&pv);
		return why;
	}
	case PREP_EXPECT_BOOTLIST: {
		struct aix_bootlist bl;
		char *why = NULL;
		memset(&bl, 0, sizeof bl);
		if (aixparse_bootlist(out, len, &bl, NULL) != 0 ||
		    !prep_same_disks(&bl, s->expect_arg)) {
			char *first = prep_first_line(out, len);
			why = xasprintf("the boot list is not %s (%s)", s->expect_arg,
			                first != NULL ? first : "empty");
			free(first);
		}
		aixparse_bootlist_clear(&bl);
		return why;
	}
	case PREP_EXPECT_SAVED: {
		static const char key[] = "All saved information can be found in:";
		const char *at = NULL, *p = out;
		while ((p = strstr(p, key)) != NULL)
			at = p++;
		if (at == NULL)
			return xstrdup("it did not say where it saved its findings");
		at += sizeof key - 1;
		while (*at == ' ' || *at == '\t')
			at++;
		free(r->plan->saved_at);
		r->plan->saved_at = xstrndup(at, strcspn(at, " \t\r\n"));
		return NULL;
	}
	}
	return NULL;
}

static void prep_run_step_done(void *owner)
{
	struct prep_run *r = owner;
	struct prep_step *s = &r->plan->steps[r->cur];
	char *why = NULL;

	r->busy = 0;
	s->exit_status = r->pc.exit_status;
	s->duration_ms = r->pc.res.duration_ms;
	if (r->pc.res.cancelled) {
		s->state = PREP_STEP_CANCELLED;
		s->message = xstrdup("cancelled");
	} else if (!r->pc.transport_failed && r->pc.exit_status != 0 &&
	           s->expect == PREP_EXPECT_NO_OUTPUT && (why = prep_expect_check(r, s)) != NULL) {
		/* lppchk -v: what it names matters more than its first line */
		s->state = PREP_STEP_FAILED;
		s->message = xasprintf("exit status %d, %s", r->pc.exit_status, why);
		free(why);
	} else if (r->pc.transport_failed || r->pc.exit_status != 0) {
		s->state = PREP_STEP_FAILED;
		s->message = r->pc.message != NULL ? xstrdup(r->pc.message)
		                                   : xasprintf("exit status %d", r->pc.exit_status);
	} else if ((why = prep_expect_check(r, s)) != NULL) {
		s->state = PREP_STEP_FAILED;
		s->message = why;
	} else {
		s->state = PREP_STEP_OK;
	}
	prep_run_step_end(r);
}

/* The step has its state and message: a failure stops the run; then the next step. */
static void prep_run_step_end(struct prep_run *r)
{
	struct prep_step *s = &r->plan->steps[r->cur];

	if (s->state != PREP_STEP_OK && !r->failed && !r->stopping) {
		if (s->state == PREP_STEP_FAILED) {
			r->failed = 1;
			r->plan->failed_step = (int)r->cur;
			err_set(&r->err, "step %zu (%s) failed: %s", r->cur + 1, s->title,
			        s->message);
		}
	}
	if (r->cb.step_done != NULL)
		r->cb.step_done(r->cb.arg, r->plan, r->cur);
	r->cur++;
	prep_run_next(r);
}

/* ---- a step that runs as a journaled job ---- */

static void prep_job_line(void *arg, const char *line, size_t len)
{
	struct prep_run *r = arg;
	char *copy = xstrndup(line, len);

	prep_run_line(r, CMD_STDOUT, copy);
	free(copy);
}

/* Why a job did not succeed, with the knowledge base's words for its error. Owned. */
static char *prep_job_why(const struct job_info *ji, const struct phase_state *ps)
{
	const struct phase_message *m = NULL;
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < ps->nmessages && m == NULL; i++)
		if (ps->messages[i].severity == KB_SEV_ERROR && ps->messages[i].kb != NULL &&
		    !ps->messages[i].kb->harmless)
			m = &ps->messages[i];
	for (size_t i = 0; i < ps->nmessages && m == NULL; i++)
		if (ps->messages[i].severity == KB_SEV_ERROR)
			m = &ps->messages[i];
	sb_addf(&sb, "nimadm job %s %s", ji->id, job_status_name(ji->status));
	if (ji->status == JOB_FAILED && ps->failed_phase > 0)
		sb_addf(&sb, " in phase %d", ps->failed_phase);
	if (ji->exit_code >= 0)
		sb_addf(&sb, " (nimadm exit %d)", ji->exit_code);
	if (m != NULL) {
		sb_addf(&sb, ": %s", m->text);
		if (m->kb != NULL && m->kb->title[0] != '\0')
			sb_addf(&sb, " [%s]", m->kb->title);
	} else if (ji->error != NULL) {
		sb_addf(&sb, ": %s", ji->error);
	}
	sb_addf(&sb, "; its log: nimadm-tui attach %s", ji->id);
	return sb_steal(&sb);
}

static void prep_job_tick_done(void *arg, struct cmd *c, const struct cmd_result *res);

/* The next look at the job's journal, after ms. */
static int prep_job_tick(struct prep_run *r, int ms, struct err *e)
{
	struct cmd_cb cb = { .done = prep_job_tick_done, .arg = r };

	r->tick = cmd_timer_start(r->set, ms, &cb, e);
	return r->tick != NULL ? 0 : -1;
}

static void prep_job_end(struct prep_run *r, int cancelled)
{
	struct prep_step *s = &r->plan->steps[r->cur];
	const struct job_info *ji = job_tail_info(r->tail);

	r->busy = 0;
	if (cancelled) {
		s->state = PREP_STEP_CANCELLED;
		s->message = xasprintf("stopped waiting: nimadm job %s goes on (nimadm-tui cancel "
		                       "%s stops it)",
		                       s->job_id, s->job_id);
	} else {
		s->exit_status = ji->exit_code;
		if (ji->status == JOB_SUCCEEDED) {
			s->state = PREP_STEP_OK;
		} else {
			s->state = PREP_STEP_FAILED;
			s->message = prep_job_why(ji, job_tail_phases(r->tail));
		}
	}
	s->duration_ms = ji->started > 0 && ji->ended >= ji->started
	                     ? (ji->ended - ji->started) * 1000
	                     : clock_ms() - r->job_start_ms;
	job_tail_free(&r->tail);
	prep_run_step_end(r);
}

static void prep_job_tick_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct prep_run *r = arg;
	struct err e;

	(void)c;
	r->tick = NULL;
	if (res->cancelled) {
		prep_job_end(r, 1);
		return;
	}
	if (job_tail_poll(r->tail)) {
		prep_job_end(r, 0);
		return;
	}
	err_clear(&e);
	if (prep_job_tick(r, job_tail_behind(r->tail) ? 0 : PREP_JOB_POLL_MS, &e) != 0)
		prep_job_end(r, 1); /* the set is closing */
}

/* Submits the step's nimadm command as a job (unless the plan named one to wait for). */
static int prep_job_submit(struct prep_run *r, struct prep_step *s, struct err *e)
{
	struct nimadm_params *np;
	char id[JOB_ID_MAX];
	int rc;

	if (s->job_id != NULL)
		return 0;
	np = params_new(NIMADM_MKSYSB_TO_MKSYSB);
	rc = params_from_argv(np, (int)s->argv.n, strv_argv(&s->argv), e);
	if (rc == 0)
		rc = jobact_submit(r->site, np, 0, 0, id, e);
	params_free(&np);
	if (rc == 0)
		s->job_id = xstrdup(id);
	return rc;
}

/* Follows the step's job from its journal: its whole output, then its end. */
static int prep_job_follow(struct prep_run *r, struct prep_step *s, struct err *e)
{
	struct job_tail_cb cb = { .line = prep_job_line, .arg = r };

	r->tail = job_tail_new(r->site, s->job_id, &cb, 0, e);
	if (r->tail == NULL)
		return -1;
	r->job_start_ms = clock_ms();
	if (prep_job_tick(r, 0, e) != 0) {
		job_tail_free(&r->tail);
		return -1;
	}
	return 0;
}

static void prep_run_finish(struct prep_run *r)
{
	struct prep_plan *p = r->plan;

	r->finished = 1;
	p->ran = 1;
	p->ok = !r->failed && !r->stopping;
	if (!p->ok && r->err.msg[0] == '\0')
		err_set(&r->err, "%s", r->cancelled ? "cancelled" : "not confirmed: stopped");
	if (r->starting)
		return; /* prep_run_start() reports it */
	if (r->cb.done != NULL)
		r->cb.done(r->cb.arg, p);
	prep_cmd_clear(&r->pc);
	job_tail_free(&r->tail);
	host_free(&r->client);
	free(r);
}

static void prep_run_next(struct prep_run *r)
{
	struct prep_plan *p = r->plan;
	struct err e;

	while (!r->busy && !r->waiting && !r->finished) {
		struct prep_step *s;
		if (r->cur >= p->nsteps) {
			prep_run_finish(r);
			return;
		}
		s = &p->steps[r->cur];
		if (r->failed || r->stopping) {
			/* only the cleanups of steps that ran */
			if (s->cleanup_of < 0 || p->steps[s->cleanup_of].state != PREP_STEP_OK) {
				s->state = PREP_STEP_SKIPPED;
				s->message = xstrdup(r->failed      ? "an earlier step failed"
				                     : r->cancelled ? "cancelled"
				                                    : "not confirmed");
				if (r->cb.step_done != NULL)
					r->cb.step_done(r->cb.arg, p, r->cur);
				r->cur++;
				continue;
			}
		} else if (s->changes && r->o.confirm_each && !r->answered &&
		           r->cb.confirm != NULL) {
			r->waiting = 1;
			r->in_confirm = 1;
			r->cb.confirm(r->cb.arg, p, r->cur);
			r->in_confirm = 0;
			continue; /* answered inside the callback, or later */
		}
		r->answered = 0;
		if (s->state == PREP_STEP_SKIPPED) {
			/* done by an earlier run, as the plan found */
			if (r->cb.step_done != NULL)
				r->cb.step_done(r->cb.arg, p, r->cur);
			r->cur++;
			continue;
		}
		if (s->as_job) {
			err_clear(&e);
			if (prep_job_submit(r, s, &e) != 0) {
				s->state = PREP_STEP_FAILED;
				s->message = xasprintf("could not submit the job: %s", e.msg);
				prep_run_step_end(r);
				return;
			}
			s->state = PREP_STEP_RUNNING;
			if (r->cb.step_start != NULL)
				r->cb.step_start(r->cb.arg, p, r->cur);
			r->busy = 1;
			if (prep_job_follow(r, s, &e) != 0) {
				r->busy = 0;
				s->state = PREP_STEP_FAILED;
				s->message =
				    xasprintf("cannot follow nimadm job %s: %s", s->job_id, e.msg);
				prep_run_step_end(r);
				return;
			}
			continue;
		}
		s->state = PREP_STEP_RUNNING;
		if (r->cb.step_start != NULL)
			r->cb.step_start(r->cb.arg, p, r->cur);
		prep_cmd_clear(&r->pc);
		r->pc.cap = PREP_TASK_CAP;
		r->pc.on_line = prep_run_line;
		r->pc.on_done = prep_run_step_done;
		r->pc.owner = r;
		err_clear(&e);
		r->busy = 1;
		if (prep_cmd_start(&r->pc, r->site, r->set,
		                   s->where == PREP_ON_CLIENT ? r->client : NULL,
		                   strv_argv(&s->argv), s->timeout_ms, &e) != 0) {
			r->busy = 0;
			s->state = PREP_STEP_FAILED;
			s->message = xasprintf("could not start: %s", e.msg);
			if (!r->failed && !r->stopping) {
				r->failed = 1;
				p->failed_step = (int)r->cur;
				err_set(&r->err, "step %zu (%s) could not start: %s", r->cur + 1,
				        s->title, e.msg);
			}
			if (r->cb.step_done != NULL)
				r->cb.step_done(r->cb.arg, p, r->cur);
			r->cur++;
		}
	}
}

void prep_run_answer(struct prep_run *r, int yes)
{
	struct prep_step *s;

	if (r == NULL || !r->waiting)
		return;
	r->waiting = 0;
	s = &r->plan->steps[r->cur];
	if (yes) {
		r->answered = 1;
	} else {
		s->state = PREP_STEP_DECLINED;
		s->message = xstrdup("not confirmed");
		r->stopping = 1;
		err_set(&r->err, "step %zu (%s) was not confirmed: stopped", r->cur + 1, s->title);
		if (r->cb.step_done != NULL)
			r->cb.step_done(r->cb.arg, r->plan, r->cur);
		r->cur++;
	}
	if (!r->in_confirm)
		prep_run_next(r);
}

void prep_run_cancel(struct prep_run *r)
{
	if (r == NULL || r->finished)
		return;
	r->cancelled = 1;
	r->stopping = 1;
	if (r->busy && r->pc.cmd != NULL) {
		cmd_cancel(r->pc.cmd);
		return;
	}
	if (r->busy && r->tick != NULL) {
		cmd_cancel(r->tick); /* stop waiting; the job goes on */
		return;
	}
	if (r->waiting) {
		struct prep_step *s = &r->plan->steps[r->cur];
		r->waiting = 0;
		s->state = PREP_STEP_CANCELLED;
		s->message = xstrdup("cancelled");
		if (r->cb.step_done != NULL)
			r->cb.step_done(r->cb.arg, r->plan, r->cur);
		r->cur++;
		if (!r->in_confirm)
			prep_run_next(r);
	}
}

struct prep_run *prep_run_start(struct site *s, struct cmdset *set, struct prep_plan *plan,
                                const struct prep_run_opts *o, const struct prep_run_cb *cb,
                                struct err *e)
{
	struct prep_run *r;

	if (plan == NULL || plan->refusal != NULL) {
		err_set(e, "%s", plan != NULL ? plan->refusal : "no plan");
		return NULL;
	}
	if (plan->ran) {
		err_set(e, "this plan has run already: make a new one");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->site = s;
	r->set = set != NULL ? set : s->set;
	r->plan = plan;
	if (cb != NULL)
		r->cb = *cb;
	if (o != NULL)
		r->o = *o;
	r->client = prep_client_host(s, plan->client,
	                             plan->connect != NULL && strcmp(plan->connect, "nimsh") == 0);
	plan->failed_step = -1;
	r->starting = 1;
	prep_run_next(r);
	r->starting = 0;
	if (r->finished) {
		if (e != NULL)
			*e = r->err;
		prep_cmd_clear(&r->pc);
		host_free(&r->client);
		free(r);
		return NULL;
	}
	return r;
}

struct prep_run_wait {
	struct prep_run_cb user;
	int done;
};

static void prep_wait_step_start(void *arg, const struct prep_plan *p, size_t i)
{
	struct prep_run_wait *w = arg;
	if (w->user.step_start != NULL)
		w->user.step_start(w->user.arg, p, i);
}

static void prep_wait_line(void *arg, const struct prep_plan *p, size_t i, enum cmd_stream s,
                           const char *line)
{
	struct prep_run_wait *w = arg;
	if (w->user.line != NULL)
		w->user.line(w->user.arg, p, i, s, line);
}

static void prep_wait_step_done(void *arg, const struct prep_plan *p, size_t i)
{
	struct prep_run_wait *w = arg;
	if (w->user.step_done != NULL)
		w->user.step_done(w->user.arg, p, i);
}

static void prep_wait_done(void *arg, struct prep_plan *p)
{
	struct prep_run_wait *w = arg;

	w->done = 1;
	if (w->user.done != NULL)
		w->user.done(w->user.arg, p);
}

int prep_run(struct site *s, struct prep_plan *plan, const struct prep_run_cb *cb, struct err *e)
{
	struct prep_run_wait w;
	struct prep_run_cb wcb = { prep_wait_step_start, prep_wait_line,
		                   prep_wait_step_done,  NULL,
		                   prep_wait_done,       &w };

	memset(&w, 0, sizeof w);
	if (cb != NULL)
		w.user = *cb;
	if (prep_run_start(s, s->set, plan, NULL, &wcb, e) == NULL)
		return -1;
	while (!w.done)
		if (cmdset_run(s->set, -1) != 0)
			break;
	if (!plan->ok) {
		if (plan->failed_step >= 0) {
			const struct prep_step *st = &plan->steps[plan->failed_step];
			err_set(e, "step %d (%s) failed: %s", plan->failed_step + 1, st->title,
			        st->message != NULL ? st->message : "?");
		} else {
			err_set(e, "stopped before the end");
		}
		return -1;
	}
	return 0;
}
