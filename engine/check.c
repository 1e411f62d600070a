/*
 * check.c: the table of prerequisite checks, the verdict vocabulary, the
 * help texts of help/checks/, and results and reports (copies, lookups,
 * JSON). Gathering is in check_run.c, the rules in check_rules.c.
 */
#include "check_int.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "help.h"
#include "job.h"

/* ---- vocabularies ------------------------------------------------------------ */

static const char *const check_status_names[] = {
#define CHECK_X_NAME(e, name, mark) name,
	CHECK_STATUSES(CHECK_X_NAME)
#undef CHECK_X_NAME
};

static const char *const check_status_marks[] = {
#define CHECK_X_MARK(e, name, mark) mark,
	CHECK_STATUSES(CHECK_X_MARK)
#undef CHECK_X_MARK
};

static const char *const check_scope_names[] = {
#define CHECK_X_NAME(e, name, title) name,
	CHECK_SCOPES(CHECK_X_NAME)
#undef CHECK_X_NAME
};

static const char *const check_scope_titles[] = {
#define CHECK_X_TITLE(e, name, title) title,
	CHECK_SCOPES(CHECK_X_TITLE)
#undef CHECK_X_TITLE
};

const char *check_status_name(enum check_status s)
{
	return (unsigned)s < CHECK_NSTATUS ? check_status_names[s] : "unknown";
}

const char *check_status_mark(enum check_status s)
{
	return (unsigned)s < CHECK_NSTATUS ? check_status_marks[s] : "?";
}

int check_status_parse(const char *name)
{
	for (int i = 0; i < CHECK_NSTATUS; i++)
		if (name != NULL && strcmp(check_status_names[i], name) == 0)
			return i;
	return -1;
}

const char *check_scope_name(enum check_scope s)
{
	return (unsigned)s < CHECK_NSCOPES ? check_scope_names[s] : "unknown";
}

const char *check_scope_title(enum check_scope s)
{
	return (unsigned)s < CHECK_NSCOPES ? check_scope_titles[s] : "unknown";
}

/* ---- the table ------------------------------------------------------------------ */

#define M CHECK_SCOPE_MASTER
#define R CHECK_SCOPE_RESOURCES
#define C CHECK_SCOPE_CLIENT
#define J CHECK_SCOPE_JOB

static const struct check_def check_table[] = {
	{ "master.oslevel", M, 0, "NIM master at or above the target level",
	  "oslevel -s; lsnim -l SPOT", NULL, chk_rule_master_oslevel },
	{ "master.alt_disk_install", M, 0, "bos.alt_disk_install installed on the master",
	  "lslpp -l bos.alt_disk_install.rte bos.alt_disk_install.boot_images", NULL,
	  chk_rule_master_alt_disk },
	{ "master.memory", M, 0, "Master memory for nimadm's installp work", "prtconf", NULL,
	  chk_rule_master_memory },
	{ "master.nis", M, 0, "bos.net.nis.client on the master (information)",
	  "lslpp -l bos.net.nis.client", NULL, chk_rule_master_nis },
	{ "master.nfs", M, 0, "Master's NFS server answers, its exports visible (without -j)",
	  "host MASTER_HOSTNAME; NFS probe: portmapper, nfsd, mountd, exports[, round trip]", NULL,
	  chk_rule_master_nfs },
	{ "spot.defined", R, 0, "SPOT defined, ready for use and served by the master",
	  "lsnim -l SPOT", "0042-053", chk_rule_spot_defined },
	{ "lpp.defined", R, 0, "lpp_source defined, ready for use and served by the master",
	  "lsnim -l LPP_SOURCE", "0042-053", chk_rule_lpp_defined },
	{ "lpp.simages", R, 0, "lpp_source holds the BOS images (simages = yes)",
	  "lsnim -l LPP_SOURCE", NULL, chk_rule_lpp_simages },
	{ "resources.level", R, 0, "SPOT and lpp_source at the same level",
	  "lsnim -l SPOT; lsnim -l LPP_SOURCE; nim -o showres LPP_SOURCE", NULL,
	  chk_rule_resources_level },
	{ "spot.alt_disk_install", R, 0,
	  "bos.alt_disk_install at the same level in the SPOT and on the master",
	  "nim -o lslpp -a lslpp_flags=Lc SPOT; lslpp -l bos.alt_disk_install.rte "
	  "bos.alt_disk_install.boot_images",
	  "0505-205", chk_rule_spot_alt_disk },
	{ "lpp.websm", R, 0, "No Web-based System Manager (sysmgt.websm) in the lpp_source",
	  "nim -o showres LPP_SOURCE", "0505-160", chk_rule_lpp_websm },
	{ "client.defined", C, 1, "Defined in NIM as a standalone client", "lsnim -l CLIENT",
	  "0042-053", chk_rule_client_defined },
	{ "client.cstate", C, 1, "Client ready for a NIM operation (Cstate)", "lsnim -l CLIENT",
	  NULL, chk_rule_client_cstate },
	{ "client.reach", C, 1, "Reachable from the master as nimadm reaches it (rsh or nimsh)",
	  "rsh CLIENT oslevel -s; c_rsh CLIENT oslevel -s", NULL, chk_rule_client_reach },
	{ "client.niminfo", C, 1, "/etc/niminfo names this client and this master",
	  "cat /etc/niminfo; lsnim -l master", NULL, chk_rule_client_niminfo },
	{ "client.oslevel", C, 1, "Client level below the target (or an older TL/SP with -U)",
	  "oslevel -s; lsnim -l SPOT", NULL, chk_rule_client_oslevel },
	{ "client.processor", C, 1, "Processor supports the target release", "prtconf", NULL,
	  chk_rule_client_processor },
	{ "client.memory", C, 1, "Client memory for the target release", "prtconf", NULL,
	  chk_rule_client_memory },
	{ "client.multibos", C, 1, "No multibos standby BOS in rootvg before AIX 7.2",
	  "lsvg -l rootvg; oslevel -s", "0505-218", chk_rule_client_multibos },
	{ "client.lv_names", C, 1, "rootvg LV names leave room for the alt_ prefix (11 characters)",
	  "lsvg -l rootvg", NULL, chk_rule_client_lv_names },
	{ "client.tcb", C, 1, "Trusted Computing Base off (unless -j)",
	  "odmget -q attribute=TCB_STATE PdAt", NULL, chk_rule_client_tcb },
	{ "client.ncargs", C, 1, "ncargs at least 256", "lsattr -El sys0 -a ncargs", "0403-027",
	  chk_rule_client_ncargs },
	{ "client.lppchk", C, 1, "Installed software consistent (lppchk -v)", "lppchk -v", NULL,
	  chk_rule_client_lppchk },
	{ "client.installp", C, 1, "No software applied but not committed", "installp -s", NULL,
	  chk_rule_client_installp },
	{ "client.ml", C, 1, "Every fileset of the client's technology level installed",
	  "instfix -i; oslevel -s", NULL, chk_rule_client_ml },
	{ "client.mksysb", C, 1, "A recent mksysb backup of the client in NIM",
	  "lsnim -l -t mksysb", NULL, chk_rule_client_mksysb },
	{ "client.nfs", C, 1, "Client's NFS server answers the master (without -j)",
	  "host CLIENT_HOSTNAME; NFS probe: portmapper, nfsd, mountd, exports[, round trip]", NULL,
	  chk_rule_client_nfs },
	{ "job.disks", J, 1, "Target disks free and large enough (or proposed)",
	  "lspv; bootinfo -s DISK; lsvg rootvg; lsvg -l rootvg", "0505-126", chk_rule_job_disks },
	{ "job.cache_vg", J, 0, "Cache VG (-j) varied on with room for every client",
	  "lsvg VG; lsvg rootvg on each client", "0516-404", chk_rule_job_cache_vg },
};

#undef M
#undef R
#undef C
#undef J

size_t check_def_count(void)
{
	return ARRAY_LEN(check_table);
}

const struct check_def *check_def_at(size_t i)
{
	return i < ARRAY_LEN(check_table) ? &check_table[i] : NULL;
}

const struct check_def *check_def_find(const char *id)
{
	for (size_t i = 0; id != NULL && i < ARRAY_LEN(check_table); i++)
		if (strcmp(check_table[i].id, id) == 0)
			return &check_table[i];
	return NULL;
}

static size_t check_def_index(const struct check_def *d)
{
	return d != NULL && d >= check_table && d < check_table + ARRAY_LEN(check_table)
	           ? (size_t)(d - check_table)
	           : ARRAY_LEN(check_table);
}

/* ---- help ------------------------------------------------------------------------ */

char *check_help_explain(const char *id)
{
	const struct embedded_file *f;
	struct strbuf sb = { 0 };
	char *name;
	const char *s;

	if (check_def_find(id) == NULL)
		return NULL;
	name = xasprintf("checks/%s.txt", id);
	f = help_find(name);
	free(name);
	if (f == NULL)
		return NULL;
	for (s = f->data; *s != '\0';) {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if (n > 0 && s[0] == '[')
			break;
		if (!(n > 0 && s[0] == '#')) {
			sb_add(&sb, s, n);
			sb_addc(&sb, '\n');
		}
		s += n + (nl != NULL);
	}
	/* Drop the blank lines at both ends. */
	while (sb.len > 0 && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == ' '))
		sb.buf[--sb.len] = '\0';
	s = sb_str(&sb);
	while (*s == '\n')
		s++;
	name = xstrdup(s);
	sb_free(&sb);
	return name;
}

/* ---- results ------------------------------------------------------------------------- */

static void check_evidence_clear(struct check_evidence *ev)
{
	free(ev->host);
	free(ev->command);
	free(ev->note);
	strv_free(&ev->lines);
}

void check_result_free(struct check_result **rp)
{
	struct check_result *r = *rp;

	if (r == NULL)
		return;
	free(r->host);
	free(r->summary);
	for (size_t i = 0; i < r->nevidence; i++)
		check_evidence_clear(&r->evidence[i]);
	free(r->evidence);
	free(r->fix);
	for (size_t i = 0; i < r->ndisks; i++) {
		free(r->disks[i].name);
		free(r->disks[i].pvid);
		free(r->disks[i].vg);
		free(r->disks[i].why);
	}
	free(r->disks);
	strv_free(&r->proposed);
	free(r);
	*rp = NULL;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct check_result *check_result_dup(const struct check_result *r)
{
	struct check_result *d = xcalloc(1, sizeof *d);

	d->def = r->def;
	d->check = r->check;
	d->host = dup_or_null(r->host);
	d->status = r->status;
	d->summary = dup_or_null(r->summary);
	d->evidence = xcalloc(r->nevidence + 1, sizeof *d->evidence);
	for (size_t i = 0; i < r->nevidence; i++) {
		const struct check_evidence *s = &r->evidence[i];
		struct check_evidence *t = &d->evidence[i];
		t->host = dup_or_null(s->host);
		t->command = dup_or_null(s->command);
		t->status = s->status;
		t->via_status = s->via_status;
		t->note = dup_or_null(s->note);
		for (size_t k = 0; k < s->lines.n; k++)
			strv_push(&t->lines, s->lines.v[k]);
	}
	d->nevidence = r->nevidence;
	d->fix = dup_or_null(r->fix);
	d->timed_out = r->timed_out;
	d->disks = xcalloc(r->ndisks + 1, sizeof *d->disks);
	for (size_t i = 0; i < r->ndisks; i++) {
		d->disks[i] = r->disks[i];
		d->disks[i].name = dup_or_null(r->disks[i].name);
		d->disks[i].pvid = dup_or_null(r->disks[i].pvid);
		d->disks[i].vg = dup_or_null(r->disks[i].vg);
		d->disks[i].why = dup_or_null(r->disks[i].why);
	}
	d->ndisks = r->ndisks;
	for (size_t i = 0; i < r->proposed.n; i++)
		strv_push(&d->proposed, r->proposed.v[i]);
	d->needed_mb = r->needed_mb;
	return d;
}

static void json_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

struct cJSON *check_result_to_json(const struct check_result *r)
{
	cJSON *o = cJSON_CreateObject(), *a;

	json_str(o, "host", r->host);
	json_str(o, "check", r->check);
	json_str(o, "scope", r->def != NULL ? check_scope_name(r->def->scope) : NULL);
	json_str(o, "title", r->def != NULL ? r->def->title : NULL);
	json_str(o, "status", check_status_name(r->status));
	json_str(o, "summary", r->summary);
	a = cJSON_AddArrayToObject(o, "evidence");
	for (size_t i = 0; i < r->nevidence; i++) {
		const struct check_evidence *ev = &r->evidence[i];
		cJSON *e = cJSON_CreateObject(), *l;
		json_str(e, "host", ev->host);
		json_str(e, "command", ev->command);
		if (ev->status >= 0)
			cJSON_AddNumberToObject(e, "status", ev->status);
		else
			cJSON_AddNullToObject(e, "status");
		if (ev->via_status >= 0)
			cJSON_AddNumberToObject(e, "via_status", ev->via_status);
		else
			cJSON_AddNullToObject(e, "via_status");
		json_str(e, "note", ev->note);
		l = cJSON_AddArrayToObject(e, "lines");
		for (size_t k = 0; k < ev->lines.n; k++)
			cJSON_AddItemToArray(l, cJSON_CreateString(ev->lines.v[k]));
		cJSON_AddItemToArray(a, e);
	}
	json_str(o, "fix", r->fix);
	json_str(o, "code", r->def != NULL ? r->def->code : NULL);
	cJSON_AddBoolToObject(o, "timed_out", r->timed_out);
	if (r->ndisks > 0 || r->proposed.n > 0) {
		a = cJSON_AddArrayToObject(o, "disks");
		for (size_t i = 0; i < r->ndisks; i++) {
			const struct check_disk *d = &r->disks[i];
			cJSON *dj = cJSON_CreateObject();
			json_str(dj, "name", d->name);
			json_str(dj, "pvid", d->pvid);
			json_str(dj, "vg", d->vg);
			if (d->size_mb >= 0)
				cJSON_AddNumberToObject(dj, "size_mb", (double)d->size_mb);
			else
				cJSON_AddNullToObject(dj, "size_mb");
			cJSON_AddBoolToObject(dj, "usable", d->usable);
			cJSON_AddBoolToObject(dj, "chosen", d->chosen);
			json_str(dj, "why", d->why);
			cJSON_AddItemToArray(a, dj);
		}
		a = cJSON_AddArrayToObject(o, "proposed");
		for (size_t i = 0; i < r->proposed.n; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(r->proposed.v[i]));
	}
	if (r->needed_mb >= 0)
		cJSON_AddNumberToObject(o, "needed_mb", (double)r->needed_mb);
	return o;
}

/* ---- reports ------------------------------------------------------------------------------- */

void check_report_free(struct check_report **rp)
{
	struct check_report *rep = *rp;

	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->nresults; i++)
		check_result_free(&rep->results[i]);
	free(rep->results);
	strv_free(&rep->hosts);
	strv_free(&rep->timed_out);
	free(rep->error);
	free(rep);
	*rp = NULL;
}

static int check_result_cmp(const void *a, const void *b)
{
	const struct check_result *x = *(const struct check_result *const *)a;
	const struct check_result *y = *(const struct check_result *const *)b;
	size_t i = check_def_index(x->def), j = check_def_index(y->def);

	return i < j ? -1 : i > j;
}

const struct check_result **check_report_host_results(const struct check_report *rep,
                                                      const char *host, size_t *n)
{
	const struct check_result **v = xcalloc(rep->nresults + 1, sizeof *v);
	size_t k = 0;

	for (size_t i = 0; i < rep->nresults; i++)
		if (strcmp(rep->results[i]->host, host) == 0)
			v[k++] = rep->results[i];
	qsort(v, k, sizeof *v, check_result_cmp);
	*n = k;
	return v;
}

const struct check_result *check_report_find(const struct check_report *rep, const char *host,
                                             const char *check)
{
	for (size_t i = 0; i < rep->nresults; i++)
		if (strcmp(rep->results[i]->host, host) == 0 &&
		    strcmp(rep->results[i]->check, check) == 0)
			return rep->results[i];
	return NULL;
}

enum check_status check_report_verdict(const struct check_report *rep)
{
	if (rep->counts[CHECK_FAIL] > 0)
		return CHECK_FAIL;
	if (rep->counts[CHECK_ERROR] > 0 || rep->error != NULL)
		return CHECK_ERROR;
	if (rep->counts[CHECK_WARN] > 0)
		return CHECK_WARN;
	return CHECK_PASS;
}

struct cJSON *check_report_to_json(const struct check_report *rep)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t h = 0; h < rep->hosts.n; h++) {
		size_t n;
		const struct check_result **v = check_report_host_results(rep, rep->hosts.v[h], &n);
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, check_result_to_json(v[i]));
		free(v);
	}
	return a;
}

int check_report_save(const struct site *site, const struct check_report *rep, struct err *e)
{
	char *dir = xasprintf("%s/reports", site->state_dir), *json = NULL, stamp[32];
	cJSON *o;
	time_t now = time(NULL);
	struct tm tm;
	int rc = 0;

	if (site_mkdirs(dir, 0, e) != 0) {
		free(dir);
		return -1;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	o = check_report_to_json(rep);
	json = cJSON_Print(o);
	cJSON_Delete(o);
	for (size_t i = 0; i < rep->hosts.n && rc == 0; i++) {
		const char *host = rep->hosts.v[i];
		char *path, *tmp;
		FILE *f;
		/* lsnim's names become file names: only the safe ones. */
		if (strcmp(host, "master") == 0 || !job_id_valid(host))
			continue;
		path = xasprintf("%s/%s-%s.json", dir, host, stamp);
		tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
		f = fopen(tmp, "w");
		if (f == NULL || fputs(json, f) == EOF || fputc('\n', f) == EOF || fclose(f) != 0 ||
		    rename(tmp, path) != 0) {
			err_set(e, "cannot save the report as %s: %s", path, strerror(errno));
			if (f != NULL)
				unlink(tmp);
			rc = -1;
		}
		free(tmp);
		free(path);
	}
	cJSON_free(json);
	free(dir);
	return rc;
}
