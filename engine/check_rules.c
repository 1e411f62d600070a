/*
 * check_rules.c: the rules of the prerequisite checks, one function per row
 * of the table in check.c. A rule reads the facts a run gathered (through
 * chk_need(), which turns a missing or failed command into an "error"
 * verdict with its evidence), decides, and writes a one-line summary with
 * the numbers, the evidence lines that decided and the fix from its help
 * file. Rules that depend on the job follow nimadm: TCB matters only
 * without -j, multibos only before 7.2, "already there" differs with -U.
 */
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "inventory.h"

/* Below this the master pages while it runs a client's installp (phase 6) or -j cache. */
#define CHK_MASTER_MEMORY_MB 4096
/* AIX 7.2 and 7.3 need 2 GB to install; IBM recommends 4 GB for a migrated system. */
#define CHK_CLIENT_MEMORY_MIN_MB 2048
#define CHK_CLIENT_MEMORY_MB     4096
/* A backup older than this misses too much of what the migration will change. */
#define CHK_MKSYSB_MAX_AGE_DAYS 30
/* nimadm prefixes alt_ (4 characters) to every rootvg LV; AIX allows 15. */
#define CHK_LV_NAME_MAX 11
#define CHK_NCARGS_MIN  256

/* ---- small helpers -------------------------------------------------------------------- */

static const char *chk_or(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* The SPOT's level lines as lsnim prints them. */
static void chk_ev_level(struct check_evidence *ev, const struct aix_stanza *st)
{
	if (aixparse_stanza_get(st, "oslevel_s") != NULL)
		chk_ev_attr(ev, st, "oslevel_s");
	else if (aixparse_stanza_get(st, "oslevel_r") != NULL)
		chk_ev_attr(ev, st, "oslevel_r");
	else {
		chk_ev_attr(ev, st, "version");
		chk_ev_attr(ev, st, "release");
		chk_ev_attr(ev, st, "mod");
	}
}

/* The target level, or a skipped verdict (with the SPOT's evidence). */
static int chk_need_target(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c;

	if (run->have_target) {
		chk_ev_level(chk_ev(r, run->master.c[CK_M_SPOT]), run->spot_stz);
		return 1;
	}
	c = run->master.c[CK_M_SPOT];
	if (c != NULL)
		chk_ev_grep(chk_ev(r, c), c, NULL, 2);
	chk_set(r, CHECK_SKIPPED,
	        "no target level: the SPOT %s could not be read (see spot.defined)", run->spot);
	return 0;
}

static void chk_format_release(const struct aix_level *l, char *buf, size_t n)
{
	level_format_release(l, buf, n);
}

/* 0 when the fileset is installed and not broken, with its level. */
static const struct aix_fileset *chk_fileset(const struct aix_filesets *fs, const char *name)
{
	const struct aix_fileset *f = aixparse_filesets_find(fs, name);
	return f != NULL && f->level != NULL ? f : NULL;
}

/* ---- master ---------------------------------------------------------------------------- */

void chk_rule_master_oslevel(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c = chk_need(x, r, CK_M_OSLEVEL, 0);
	struct aix_level tl3 = { 7, 3, 3, -1, -1 };

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, NULL, 2);
	if (!run->have_master_level) {
		chk_set(r, CHECK_ERROR, "oslevel -s printed no level");
		return;
	}
	chk_var(x, "master_level", "%s", run->master_level_str);
	if (!chk_need_target(x, r))
		return;
	if (level_compare_oslevel_common(&run->master_level, &run->target) < 0) {
		chk_set(
		    r, CHECK_FAIL,
		    "master at %s, below the target %s: nimadm needs the master at or above the "
		    "level it installs",
		    run->master_level_str, run->target_str);
		chk_fix(x, r, "fix");
		return;
	}
	if (run->tl_update && level_compare_oslevel_common(&run->master_level, &tl3) < 0) {
		chk_set(r, CHECK_FAIL,
		        "master at %s: nimadm -U needs AIX 7.3 TL3 (7300-03) or later",
		        run->master_level_str);
		chk_fix(x, r, "fix.tl_update");
		return;
	}
	chk_set(r, CHECK_PASS, "master at %s, the target is %s", run->master_level_str,
	        run->target_str);
}

void chk_rule_master_alt_disk(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c = chk_need(x, r, CK_M_LSLPP, 1);
	static const char *const names[] = { "bos.alt_disk_install.rte",
		                             "bos.alt_disk_install.boot_images" };
	struct strbuf missing = { 0 };
	const struct aix_fileset *f[2];

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "bos.alt_disk_install", 6);
	if (!run->have_master_fs) {
		chk_set(r, CHECK_ERROR, "cannot read the output of lslpp -l");
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		f[i] = chk_fileset(&run->master_fs, names[i]);
		if (f[i] == NULL || f[i]->state == AIX_FS_BROKEN)
			sb_addf(&missing, "%s%s", missing.len > 0 ? " " : "", names[i]);
	}
	if (missing.len > 0) {
		chk_var(x, "filesets", "%s", sb_str(&missing));
		chk_set(r, CHECK_FAIL,
		        "not installed (or broken) on the master: %s; nimadm runs the master's "
		        "alt_disk_install code",
		        sb_str(&missing));
		chk_fix(x, r, "fix");
	} else {
		chk_set(r, CHECK_PASS,
		        "bos.alt_disk_install.rte %s, bos.alt_disk_install.boot_images %s",
		        f[0]->level, f[1]->level);
	}
	sb_free(&missing);
}

void chk_rule_master_memory(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c = chk_need(x, r, CK_M_PRTCONF, 0);
	long long mb;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "Memory Size", 2);
	if (!run->have_master_prtconf || run->master_prtconf.memory_mb < 0) {
		chk_set(r, CHECK_ERROR, "prtconf does not give the memory size");
		return;
	}
	mb = run->master_prtconf.memory_mb;
	if (mb < CHK_MASTER_MEMORY_MB) {
		chk_set(
		    r, CHECK_WARN,
		    "%lld MB of memory; below %d MB the master pages while it runs the clients' "
		    "installp",
		    mb, CHK_MASTER_MEMORY_MB);
		chk_fix(x, r, "fix");
		return;
	}
	chk_set(r, CHECK_PASS, "%lld MB of memory (at least %d MB wanted)", mb,
	        CHK_MASTER_MEMORY_MB);
}

void chk_rule_master_nis(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c = chk_need(x, r, CK_M_LSLPP, 1);
	const struct aix_fileset *f;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "bos.net.nis.client", 3);
	if (!run->have_master_fs) {
		chk_set(r, CHECK_ERROR, "cannot read the output of lslpp -l");
		return;
	}
	if ((f = chk_fileset(&run->master_fs, "bos.net.nis.client")) != NULL) {
		chk_set(r, CHECK_PASS, "bos.net.nis.client %s installed", f->level);
		return;
	}
	chk_set(r, CHECK_PASS,
	        "bos.net.nis.client is not installed: nimadm will print \"domainname: not found\", "
	        "which is harmless");
}

/* ---- resources ---------------------------------------------------------------------------- */

static void chk_resource_defined(struct check_ctx *x, struct check_result *r, enum chk_kind k,
                                 const char *name, const struct aix_stanza *st, const char *want)
{
	struct chk_cmd *c = chk_cmd_of(x, k);
	struct check_evidence *ev;
	const char *type, *rstate, *server;
	char *why;

	if (c == NULL || !chk_cmd_ran(c)) {
		(void)chk_need(x, r, k, 0);
		return;
	}
	ev = chk_ev(r, c);
	chk_var(x, "name", "%s", name);
	if (st == NULL) {
		chk_ev_grep(ev, c, NULL, 3);
		if (strstr(sb_str(&c->err), "0042-053") != NULL) {
			chk_set(r, CHECK_FAIL, "there is no NIM object named %s", name);
			chk_fix(x, r, "fix.undefined");
		} else {
			why = chk_cmd_why(c);
			chk_set(r, CHECK_ERROR, "cannot read %s: %s", name, why);
			free(why);
		}
		return;
	}
	chk_ev_attr(ev, st, "type");
	chk_ev_attr(ev, st, "Rstate");
	chk_ev_attr(ev, st, "server");
	chk_ev_attr(ev, st, "location");
	type = aixparse_stanza_get(st, "type");
	rstate = aixparse_stanza_get(st, "Rstate");
	server = aixparse_stanza_get(st, "server");
	if (type == NULL || strcmp(type, want) != 0) {
		chk_set(r, CHECK_FAIL, "%s is a %s, not a %s", name, chk_or(type, "NIM object"),
		        want);
		chk_fix(x, r, "fix.undefined");
		return;
	}
	if (rstate == NULL || strcmp(rstate, "ready for use") != 0) {
		chk_var(x, "rstate", "%s", chk_or(rstate, "(not set)"));
		chk_set(r, CHECK_FAIL, "%s: Rstate is \"%s\", not \"ready for use\"", name,
		        chk_or(rstate, "(not set)"));
		chk_fix(x, r, "fix.rstate");
		return;
	}
	if (server != NULL && strcmp(server, "master") != 0) {
		chk_var(x, "server", "%s", server);
		chk_set(r, CHECK_FAIL, "%s is served by %s; nimadm needs it on the NIM master",
		        name, server);
		chk_fix(x, r, "fix.server");
		return;
	}
	chk_set(r, CHECK_PASS, "%s: %s, ready for use, served by the master", name, want);
}

void chk_rule_spot_defined(struct check_ctx *x, struct check_result *r)
{
	chk_resource_defined(x, r, CK_M_SPOT, x->run->spot, x->run->spot_stz, "spot");
	if (r->status == CHECK_PASS && x->run->have_target) {
		char *s = xasprintf("%s, level %s", r->summary, x->run->target_str);
		free(r->summary);
		r->summary = s;
	}
}

void chk_rule_lpp_defined(struct check_ctx *x, struct check_result *r)
{
	chk_resource_defined(x, r, CK_M_LPP, x->run->lpp, x->run->lpp_stz, "lpp_source");
}

/* The lpp_source stanza when it is one, else a skipped verdict. */
static const struct aix_stanza *chk_need_lpp(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	const char *type = run->lpp_stz != NULL ? aixparse_stanza_get(run->lpp_stz, "type") : NULL;

	if (run->lpp_stz != NULL && type != NULL && strcmp(type, "lpp_source") == 0)
		return run->lpp_stz;
	if (chk_need(x, r, CK_M_LPP, 1) != NULL)
		chk_set(r, CHECK_SKIPPED, "no lpp_source %s to look at (see lpp.defined)",
		        run->lpp);
	return NULL;
}

void chk_rule_lpp_simages(struct check_ctx *x, struct check_result *r)
{
	const struct aix_stanza *st = chk_need_lpp(x, r);
	struct check_evidence *ev;
	const char *v;

	if (st == NULL)
		return;
	ev = chk_ev(r, x->run->master.c[CK_M_LPP]);
	chk_ev_attr(ev, st, "simages");
	v = aixparse_stanza_get(st, "simages");
	if (v != NULL && strcmp(v, "yes") == 0) {
		chk_set(r, CHECK_PASS, "simages = yes: %s can install a BOS", x->run->lpp);
		return;
	}
	if (v == NULL)
		chk_ev_line(ev, "(no simages attribute)");
	chk_set(r, CHECK_FAIL,
	        "simages is %s: %s lacks the images a BOS install (and nimadm) needs",
	        v != NULL ? v : "not set", x->run->lpp);
	chk_fix(x, r, "fix");
}

void chk_rule_resources_level(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct check_evidence *ev;

	if (!chk_need_target(x, r))
		return;
	if (chk_need_lpp(x, r) == NULL)
		return;
	if (!run->have_lpp_level) {
		struct chk_cmd *c = run->master.c[CK_M_LPP_SHOWRES];
		if (c != NULL)
			chk_ev_grep(chk_ev(r, c), c, NULL, 3);
		chk_set(r, CHECK_ERROR,
		        "the level of %s is unknown (no oslevel in lsnim, no bos.rte in showres)",
		        run->lpp);
		return;
	}
	if (strcmp(run->lpp_level_from, "lsnim -l") == 0) {
		ev = chk_ev(r, run->master.c[CK_M_LPP]);
		chk_ev_level(ev, run->lpp_stz);
	} else {
		struct chk_cmd *c = run->master.c[CK_M_LPP_SHOWRES];
		ev = chk_ev(r, c);
		chk_ev_grep(ev, c, " bos.rte ", 1);
	}
	chk_var(x, "spot_level", "%s", run->target_str);
	chk_var(x, "lpp_level", "%s", run->lpp_level_str);
	if (level_compare_oslevel_common(&run->target, &run->lpp_level) != 0) {
		chk_set(r, CHECK_FAIL,
		        "SPOT %s at %s, lpp_source %s at %s: nimadm needs them alike", run->spot,
		        run->target_str, run->lpp, run->lpp_level_str);
		chk_fix(x, r, "fix");
		return;
	}
	chk_set(r, CHECK_PASS, "SPOT %s at %s, lpp_source %s at %s (from %s)", run->spot,
	        run->target_str, run->lpp, run->lpp_level_str, run->lpp_level_from);
}

void chk_rule_spot_alt_disk(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	static const char *const names[] = { "bos.alt_disk_install.rte",
		                             "bos.alt_disk_install.boot_images" };
	struct chk_cmd *sc, *mc;
	struct strbuf diff = { 0 }, list = { 0 };
	int master_newer = 0, spot_newer = 0;

	if ((sc = chk_need(x, r, CK_M_SPOT_LSLPP, 0)) == NULL)
		return;
	if ((mc = chk_need(x, r, CK_M_LSLPP, 1)) == NULL)
		return;
	chk_ev_grep(chk_ev(r, sc), sc, "bos.alt_disk_install", 4);
	chk_ev_grep(chk_ev(r, mc), mc, "bos.alt_disk_install", 6);
	if (!run->have_spot_fs || !run->have_master_fs) {
		chk_set(r, CHECK_ERROR, "cannot read the filesets of %s",
		        !run->have_spot_fs ? run->spot : "the master");
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		const struct aix_fileset *m = chk_fileset(&run->master_fs, names[i]);
		const struct aix_fileset *s = chk_fileset(&run->spot_fs, names[i]);
		int cmp;
		if (m == NULL) {
			chk_set(r, CHECK_SKIPPED,
			        "%s is not installed on the master (see master.alt_disk_install)",
			        names[i]);
			goto out;
		}
		if (s == NULL) {
			sb_addf(&diff, "%s%s missing in the SPOT (%s on the master)",
			        diff.len > 0 ? "; " : "", names[i], m->level);
			sb_addf(&list, "%s%s", list.len > 0 ? " " : "", names[i]);
			master_newer = 1;
			continue;
		}
		cmp = level_compare_str(m->level, s->level);
		if (cmp != 0) {
			sb_addf(&diff, "%s%s %s in the SPOT, %s on the master",
			        diff.len > 0 ? "; " : "", names[i], s->level, m->level);
			sb_addf(&list, "%s%s", list.len > 0 ? " " : "", names[i]);
			if (cmp > 0)
				master_newer = 1;
			else
				spot_newer = 1;
		}
		if (i == 0)
			chk_var(x, "master_rte", "%s", m->level);
	}
	if (diff.len > 0) {
		chk_var(x, "filesets", "%s", sb_str(&list));
		chk_set(r, CHECK_FAIL, "%s: nimadm stops with 0505-205", sb_str(&diff));
		if (master_newer)
			chk_fix(x, r, "fix");
		if (spot_newer)
			chk_fix(x, r, "fix.master");
	} else {
		chk_set(r, CHECK_PASS, "the same level in %s and on the master (%s)", run->spot,
		        chk_fileset(&run->master_fs, names[0])->level);
	}
out:
	sb_free(&diff);
	sb_free(&list);
}

void chk_rule_lpp_websm(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c = chk_need(x, r, CK_M_LPP_SHOWRES, 0);
	struct strbuf found = { 0 };
	struct check_evidence *ev;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	if (!run->have_lpp_fs) {
		chk_ev_grep(ev, c, NULL, 3);
		chk_set(r, CHECK_ERROR, "cannot read the contents of %s", run->lpp);
		return;
	}
	for (size_t i = 0; i < run->lpp_fs.n; i++)
		if (str_starts(run->lpp_fs.v[i].name, "sysmgt.websm")) {
			sb_addf(&found, "%s%s", found.len > 0 ? " " : "", run->lpp_fs.v[i].name);
			chk_ev_grep(ev, c, run->lpp_fs.v[i].name, 1);
		}
	if (found.len > 0) {
		chk_var(x, "filesets", "%s", sb_str(&found));
		chk_set(r, CHECK_WARN,
		        "%s holds %s: its post-install breaks nimadm (0505-160, 0505-213)",
		        run->lpp, sb_str(&found));
		chk_fix(x, r, "fix");
	} else {
		chk_set(r, CHECK_PASS, "no sysmgt.websm filesets among the %zu in %s",
		        run->lpp_fs.n, run->lpp);
	}
	sb_free(&found);
}

/* ---- clients: NIM --------------------------------------------------------------------------- */

void chk_rule_client_defined(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = h->c[CK_C_LSNIM];
	const struct aix_stanza *st;
	struct check_evidence *ev;
	char *why;

	if (c == NULL || !chk_cmd_ran(c)) {
		(void)chk_need(x, r, CK_C_LSNIM, 0);
		return;
	}
	ev = chk_ev(r, c);
	st = aixparse_stanzas_find(&h->nimst, h->name);
	if (st != NULL) {
		chk_ev_attr(ev, st, "type");
		chk_ev_attr(ev, st, "connect");
	}
	if (h->defined) {
		chk_set(r, CHECK_PASS, "%s: standalone, connect = %s", h->name, h->connect);
		return;
	}
	if (st != NULL) {
		const char *type = aixparse_stanza_get(st, "type");
		chk_set(r, CHECK_FAIL, "%s is a %s, not a standalone client", h->name,
		        chk_or(type, "NIM object"));
		chk_fix(x, r, "fix");
		return;
	}
	chk_ev_grep(ev, c, NULL, 3);
	if (strstr(sb_str(&c->err), "0042-053") != NULL) {
		chk_set(r, CHECK_FAIL, "there is no NIM object named %s", h->name);
		chk_fix(x, r, "fix");
		return;
	}
	why = chk_cmd_why(c);
	chk_set(r, CHECK_ERROR, "cannot read %s: %s", h->name, why);
	free(why);
}

void chk_rule_client_cstate(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	const struct aix_stanza *st = aixparse_stanzas_find(&h->nimst, h->name);

	chk_ev_attr(chk_ev(r, h->c[CK_C_LSNIM]), st, "Cstate");
	if (h->cstate != NULL && strcmp(h->cstate, "ready for a NIM operation") == 0) {
		chk_set(r, CHECK_PASS, "Cstate: ready for a NIM operation");
		return;
	}
	chk_set(r, CHECK_FAIL, "Cstate is \"%s\", not \"ready for a NIM operation\"",
	        chk_or(h->cstate, "(not set)"));
	chk_fix(x, r, "fix");
}

/* Did the probe by this transport answer with a level? */
static int chk_probe_ok(const struct chk_cmd *c)
{
	struct aix_level l;
	return chk_cmd_ran(c) && c->out.len > 0 &&
	       aixparse_oslevel(sb_str(&c->out), c->out.len, &l, NULL) == 0;
}

void chk_rule_client_reach(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *p = h->c[CK_C_PROBE], *o = h->c[CK_C_OTHER];
	int nimsh = strcmp(h->connect, "nimsh") == 0;
	const char *right = nimsh ? "c_rsh" : "rsh", *other = nimsh ? "rsh" : "c_rsh";
	int ok_o = chk_probe_ok(o);
	char *why;

	chk_ev_grep(chk_ev(r, p), p, NULL, 3);
	chk_ev_grep(chk_ev(r, o), o, NULL, 3);
	chk_var(x, "connect", "%s", h->connect);
	chk_var(x, "other_connect", "%s", nimsh ? "shell" : "nimsh");
	if (h->reachable) {
		char *owhy = ok_o ? NULL : chk_cmd_why(o);
		chk_set(r, CHECK_PASS,
		        "%s client: %s works (oslevel -s answered in %lld ms); %s %s%s%s",
		        h->connect, right, p->res.duration_ms, other,
		        ok_o ? "works too" : "does not",
		        ok_o ? "" : ", which nimadm does not need: ", ok_o ? "" : owhy);
		free(owhy);
		return;
	}
	why = chk_cmd_why(p);
	r->timed_out = p->res.timed_out;
	if (chk_cmd_ran(p)) {
		/* Its exit status came back: the transport works, oslevel -s did not. */
		chk_set(r, CHECK_ERROR,
		        "%s client: %s reaches it, but oslevel -s there gave no level (%s): its "
		        "other checks cannot run",
		        h->connect, right, p->res.status != 0 ? why : "printed no level");
	} else if (ok_o) {
		chk_set(r, CHECK_FAIL,
		        "%s client: %s fails (%s) but %s works: NIM's connect attribute does not "
		        "match the client",
		        h->connect, right, why, other);
		chk_fix(x, r, "fix.switch");
	} else {
		chk_set(r, CHECK_FAIL, "%s client: %s fails (%s)%s; %s fails too", h->connect,
		        right, why, p->res.timed_out ? ", the host's timeout cut it" : "", other);
		chk_fix(x, r, nimsh ? "fix.nimsh" : "fix.shell");
	}
	free(why);
}

/* The value of `export NAME=value` (or NAME=value) in /etc/niminfo, owned, or NULL. */
static char *chk_niminfo_get(const char *text, const char *name)
{
	const char *s = text;
	size_t n = strlen(name);

	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, len), *p = str_trim(line);
		if (str_starts(p, "export "))
			p = str_trim(p + 7);
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			char *v = p + n + 1, *r;
			size_t vl = strlen(v);
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v[vl - 1] = '\0';
				v++;
			}
			r = xstrdup(v);
			free(line);
			return r;
		}
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return NULL;
}

/* Host names alike: case-insensitive, the short names when one is qualified. */
static int chk_same_host(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");

	if (strcasecmp(a, b) == 0)
		return 1;
	return la == lb && strncasecmp(a, b, la) == 0;
}

void chk_rule_client_niminfo(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_C_NIMINFO, 1);
	struct check_evidence *ev;
	char *name, *master;
	const char *err;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	name = chk_niminfo_get(sb_str(&c->out), "NIM_NAME");
	master = chk_niminfo_get(sb_str(&c->out), "NIM_MASTER_HOSTNAME");
	err = sb_str(&c->err);
	if (name == NULL) {
		chk_ev_grep(ev, c, NULL, 3);
		if (strstr(err, "Cannot open") != NULL || strstr(err, "No such file") != NULL ||
		    strstr(err, "0652-050") != NULL) {
			chk_set(r, CHECK_FAIL,
			        "%s has no /etc/niminfo: it was never set up as a NIM "
			        "client (niminit)",
			        h->name);
			chk_fix(x, r, "fix");
		} else if (strstr(err, "not found") != NULL) {
			chk_set(r, CHECK_SKIPPED,
			        "cannot read /etc/niminfo on %s: the command is not "
			        "there (%s)",
			        h->name, "cat: not found");
		} else {
			char *why = chk_cmd_why(c);
			chk_set(r, CHECK_ERROR, "/etc/niminfo names no NIM_NAME: %s", why);
			free(why);
		}
		goto out;
	}
	chk_ev_grep(ev, c, "NIM_NAME=", 1);
	chk_ev_grep(ev, c, "NIM_MASTER_HOSTNAME=", 1);
	if (strcmp(name, h->name) != 0) {
		chk_set(r, CHECK_FAIL, "/etc/niminfo names the client %s, not %s", name, h->name);
		chk_fix(x, r, "fix");
	} else if (master != NULL && x->run->master_hostname != NULL &&
	           !chk_same_host(master, x->run->master_hostname)) {
		chk_set(r, CHECK_FAIL, "/etc/niminfo names the master %s, not %s", master,
		        x->run->master_hostname);
		chk_fix(x, r, "fix");
	} else if (master == NULL) {
		chk_set(r, CHECK_WARN, "/etc/niminfo names %s but no NIM_MASTER_HOSTNAME", name);
		chk_fix(x, r, "fix");
	} else {
		chk_set(r, CHECK_PASS, "/etc/niminfo: NIM_NAME=%s, NIM_MASTER_HOSTNAME=%s", name,
		        master);
	}
out:
	free(name);
	free(master);
}

/* ---- clients: levels and hardware ------------------------------------------------------------ */

void chk_rule_client_oslevel(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_C_PROBE, 0);
	char crel[16], trel[16];
	int rc, rt;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, NULL, 2);
	if (!chk_need_target(x, r))
		return;
	chk_format_release(&h->level, crel, sizeof crel);
	chk_format_release(&run->target, trel, sizeof trel);
	chk_var(x, "level", "%s", h->level_str);
	chk_var(x, "release", "%s", crel);
	chk_var(x, "target_release", "%s", trel);
	rc = chk_release(&h->level);
	rt = chk_release(&run->target);
	if (rc > rt) {
		chk_set(r, CHECK_FAIL, "%s is at %s, above the target %s: nimadm does not go back",
		        h->name, h->level_str, run->target_str);
		chk_fix(x, r, "fix.newer");
		return;
	}
	if (!run->tl_update) {
		if (rc < rt) {
			chk_set(r, CHECK_PASS, "%s -> %s: a migration from AIX %s to %s",
			        h->level_str, run->target_str, crel, trel);
			return;
		}
		chk_set(r, CHECK_FAIL,
		        "already at AIX %s (%s), the target's release: nothing to migrate (a TL/SP "
		        "update needs -U)",
		        crel, h->level_str);
		chk_fix(x, r, "fix.same_release");
		return;
	}
	if (rc < rt) {
		chk_set(r, CHECK_FAIL,
		        "-U updates within a release: %s -> %s is a migration from AIX %s to %s",
		        h->level_str, run->target_str, crel, trel);
		chk_fix(x, r, "fix.no_update");
		return;
	}
	/* Same release: the SPOT must bring a higher TL, or the same TL and a higher SP. */
	if (run->target.tl > h->level.tl || (run->target.tl == h->level.tl && run->target.sp >= 0 &&
	                                     h->level.sp >= 0 && run->target.sp > h->level.sp)) {
		chk_set(r, CHECK_PASS, "%s -> %s: a TL/SP update within AIX %s (-U)", h->level_str,
		        run->target_str, crel);
		return;
	}
	chk_set(r, CHECK_FAIL, "already at %s; the SPOT brings %s: -U has nothing to update",
	        h->level_str, run->target_str);
	chk_fix(x, r, "fix.same_level");
}

/* The oldest POWER generation a release runs on. */
static int chk_power_needed(int release)
{
	return release >= 73 ? 8 : release == 72 ? 7 : release == 71 ? 6 : 5;
}

void chk_rule_client_processor(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_C_PRTCONF, 0);
	struct check_evidence *ev;
	char trel[16];
	int need, gen, mode;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	chk_ev_grep(ev, c, "Processor Type", 1);
	chk_ev_grep(ev, c, "Processor Implementation Mode", 1);
	if (!h->have_prtconf || h->prtconf.power_gen < 0) {
		chk_set(r, CHECK_ERROR, "prtconf does not name the processor");
		return;
	}
	if (!chk_need_target(x, r))
		return;
	chk_format_release(&run->target, trel, sizeof trel);
	need = chk_power_needed(chk_release(&run->target));
	gen = h->prtconf.power_gen;
	mode = h->prtconf.mode_gen;
	chk_var(x, "target_release", "%s", trel);
	chk_var(x, "power", "POWER%d", gen);
	chk_var(x, "power_needed", "POWER%d", need);
	if (gen < need) {
		chk_set(r, CHECK_FAIL, "POWER%d; AIX %s needs POWER%d or later", gen, trel, need);
		chk_fix(x, r, "fix");
		return;
	}
	if (mode >= 0 && mode < need) {
		chk_set(
		    r, CHECK_FAIL,
		    "POWER%d running in POWER%d compatibility mode; AIX %s needs POWER%d mode or "
		    "later",
		    gen, mode, trel, need);
		chk_fix(x, r, "fix.mode");
		return;
	}
	chk_set(r, CHECK_PASS, "POWER%d; AIX %s needs POWER%d or later", gen, trel, need);
}

void chk_rule_client_memory(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_C_PRTCONF, 0);
	long long mb;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "Memory Size", 2);
	if (!h->have_prtconf || h->prtconf.memory_mb < 0) {
		chk_set(r, CHECK_ERROR, "prtconf does not give the memory size");
		return;
	}
	mb = h->prtconf.memory_mb;
	chk_var(x, "memory_mb", "%lld", mb);
	if (mb < CHK_CLIENT_MEMORY_MIN_MB) {
		chk_set(r, CHECK_FAIL, "%lld MB of memory; AIX 7.2 and 7.3 need at least %d MB", mb,
		        CHK_CLIENT_MEMORY_MIN_MB);
		chk_fix(x, r, "fix");
	} else if (mb < CHK_CLIENT_MEMORY_MB) {
		chk_set(r, CHECK_WARN, "%lld MB of memory; %d MB or more is recommended", mb,
		        CHK_CLIENT_MEMORY_MB);
		chk_fix(x, r, "fix");
	} else {
		chk_set(r, CHECK_PASS, "%lld MB of memory (at least %d MB wanted)", mb,
		        CHK_CLIENT_MEMORY_MB);
	}
}

/* ---- clients: rootvg and settings -------------------------------------------------------------
 */

/* The rootvg LV listing, or an error verdict. */
static struct chk_cmd *chk_need_lvs(struct check_ctx *x, struct check_result *r)
{
	struct chk_cmd *c = chk_need(x, r, CK_C_LSVG_L, 0);

	if (c != NULL && !x->h->have_lvs) {
		chk_ev_grep(chk_ev(r, c), c, NULL, 3);
		chk_set(r, CHECK_ERROR, "cannot read the output of lsvg -l rootvg");
		return NULL;
	}
	return c;
}

void chk_rule_client_multibos(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need_lvs(x, r), *p;
	struct strbuf lvs = { 0 };
	struct aix_level v72 = { 7, 2, -1, -1, -1 };
	struct check_evidence *ev;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	for (size_t i = 0; i < h->lvs.n; i++)
		if (str_starts(h->lvs.v[i].name, "bos_")) {
			sb_addf(&lvs, "%s%s", lvs.len > 0 ? " " : "", h->lvs.v[i].name);
			chk_ev_grep(ev, c, h->lvs.v[i].name, 1);
		}
	if (lvs.len == 0) {
		chk_set(r, CHECK_PASS, "no multibos standby (no bos_ LVs among the %zu in rootvg)",
		        h->lvs.n);
		goto out;
	}
	p = h->c[CK_C_PROBE];
	chk_ev_grep(chk_ev(r, p), p, NULL, 1);
	chk_var(x, "lvs", "%s", sb_str(&lvs));
	if (level_compare_oslevel_common(&h->level, &v72) < 0) {
		chk_set(r, CHECK_FAIL,
		        "multibos standby in rootvg (%s) on %s: before AIX 7.2 alt_disk_copy fails "
		        "with 0505-218",
		        sb_str(&lvs), h->level_str);
		chk_fix(x, r, "fix");
	} else {
		chk_set(r, CHECK_PASS,
		        "multibos standby in rootvg (%s); supported from AIX 7.2 (%s)",
		        sb_str(&lvs), h->level_str);
	}
out:
	sb_free(&lvs);
}

void chk_rule_client_lv_names(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need_lvs(x, r);
	struct strbuf bad = { 0 };
	const struct aix_lv *first = NULL;
	size_t longest = 0, nbad = 0;
	struct check_evidence *ev;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	for (size_t i = 0; i < h->lvs.n; i++) {
		size_t n = strlen(h->lvs.v[i].name);
		if (n > longest)
			longest = n;
		if (n > CHK_LV_NAME_MAX) {
			sb_addf(&bad, "%s%s (%zu)", bad.len > 0 ? ", " : "", h->lvs.v[i].name, n);
			chk_ev_grep(ev, c, h->lvs.v[i].name, 1);
			if (first == NULL)
				first = &h->lvs.v[i];
			nbad++;
		}
	}
	if (first == NULL) {
		chk_set(r, CHECK_PASS, "the longest rootvg LV name has %zu characters (%d at most)",
		        longest, CHK_LV_NAME_MAX);
		goto out;
	}
	chk_var(x, "lv", "%s", first->name);
	chk_var(x, "new_lv", "%.*s", CHK_LV_NAME_MAX, first->name);
	chk_var(x, "mount", "%s",
	        first->mount != NULL && first->mount[0] == '/' ? first->mount : "/MOUNTPOINT");
	chk_set(
	    r, CHECK_FAIL,
	    "%zu rootvg LV name%s longer than %d characters: %s; with nimadm's alt_ prefix they "
	    "pass AIX's 15",
	    nbad, nbad > 1 ? "s" : "", CHK_LV_NAME_MAX, sb_str(&bad));
	chk_fix(x, r, "fix");
out:
	sb_free(&bad);
}

void chk_rule_client_tcb(struct check_ctx *x, struct check_result *r)
{
	struct chk_cmd *c = chk_need(x, r, CK_C_TCB, 1);
	struct aix_stanzas ss;
	const char *v = NULL;
	size_t len;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "deflt", 1);
	memset(&ss, 0, sizeof ss);
	if (c->out.len == 0 && c->res.status != 0) {
		/* Nothing found is silent and 0; this is odmget failing. */
		char *why = chk_cmd_why(c);
		chk_ev_grep(chk_ev(r, c), c, NULL, 3);
		chk_set(r, CHECK_ERROR, "odmget failed (exit %d): %s", c->res.status, why);
		free(why);
		return;
	}
	if (c->out.len > 0 && aixparse_odmget(chk_out(c, &len), c->out.len, &ss, NULL) != 0) {
		aixparse_stanzas_clear(&ss);
		chk_set(r, CHECK_ERROR, "cannot read the output of odmget");
		return;
	}
	/* No TCB_STATE object: TCB was never installed, so it is off. */
	if (ss.n > 0)
		v = aixparse_stanza_get(&ss.v[0], "deflt");
	if (v != NULL && strcmp(v, "tcb_enabled") == 0) {
		if (x->run->cache_vg != NULL)
			chk_set(r, CHECK_PASS,
			        "TCB is enabled; -j %s is given, so nimadm caches "
			        "locally and TCB does not matter",
			        x->run->cache_vg);
		else {
			chk_set(r, CHECK_FAIL,
			        "TCB is enabled: nimadm refuses a TCB client without -j "
			        "(local disk caching)");
			chk_fix(x, r, "fix");
		}
	} else {
		chk_set(r, CHECK_PASS, "TCB is %s", v != NULL ? "disabled" : "not installed");
	}
	aixparse_stanzas_clear(&ss);
}

void chk_rule_client_ncargs(struct check_ctx *x, struct check_result *r)
{
	struct chk_cmd *c = chk_need(x, r, CK_C_NCARGS, 0);
	struct aix_lsattr a;
	const char *v;
	long long n;
	size_t len;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, "ncargs", 1);
	memset(&a, 0, sizeof a);
	if (aixparse_lsattr(chk_out(c, &len), c->out.len, &a, NULL) != 0 ||
	    (v = aixparse_lsattr_get(&a, "ncargs")) == NULL || (n = str_to_ll(v)) < 0) {
		aixparse_lsattr_clear(&a);
		chk_set(r, CHECK_ERROR, "lsattr gives no ncargs value");
		return;
	}
	aixparse_lsattr_clear(&a);
	chk_var(x, "ncargs", "%lld", n);
	if (n < CHK_NCARGS_MIN) {
		chk_set(r, CHECK_FAIL, "ncargs is %lld; nimadm needs at least %d (else 0403-027)",
		        n, CHK_NCARGS_MIN);
		chk_fix(x, r, "fix");
		return;
	}
	chk_set(r, CHECK_PASS, "ncargs is %lld (at least %d)", n, CHK_NCARGS_MIN);
}

void chk_rule_client_lppchk(struct check_ctx *x, struct check_result *r)
{
	struct chk_cmd *c = chk_need(x, r, CK_C_LPPCHK, 1);
	struct aix_lppchk l;
	struct strbuf fs = { 0 };
	char *text;
	size_t len;

	if (c == NULL)
		return;
	chk_ev_grep(chk_ev(r, c), c, NULL, 12);
	if (strstr(sb_str(&c->err), "not found") != NULL && c->out.len == 0 &&
	    strstr(sb_str(&c->err), "lppchk:") == NULL) {
		char *why = chk_cmd_why(c);
		chk_set(r, CHECK_ERROR, "lppchk did not run: %s", why);
		free(why);
		return;
	}
	memset(&l, 0, sizeof l);
	text = chk_both(c, &len);
	if (aixparse_lppchk(text, len, &l, NULL) != 0) {
		free(text);
		aixparse_lppchk_clear(&l);
		chk_set(r, CHECK_ERROR, "cannot read the output of lppchk -v");
		return;
	}
	free(text);
	if (l.consistent && c->res.status != 0) {
		/* Consistent is silent and 0 (FORMATS.md); a silent failure proves nothing. */
		char *why = chk_cmd_why(c);
		chk_set(r, CHECK_ERROR, "lppchk -v printed nothing but failed: %s", why);
		free(why);
	} else if (l.consistent) {
		chk_set(r, CHECK_PASS, "lppchk -v printed nothing: the software is consistent");
	} else {
		for (size_t i = 0; i < l.filesets.n; i++)
			sb_addf(&fs, "%s%s", fs.len > 0 ? " " : "", l.filesets.v[i]);
		chk_var(x, "filesets", "%s", fs.len > 0 ? sb_str(&fs) : "FILESET");
		chk_set(r, CHECK_FAIL,
		        "lppchk -v reports %zu fileset%s to correct%s%s: installp would "
		        "fail in phase 6",
		        l.filesets.n, l.filesets.n == 1 ? "" : "s", fs.len > 0 ? ": " : "",
		        sb_str(&fs));
		chk_fix(x, r, "fix");
	}
	aixparse_lppchk_clear(&l);
	sb_free(&fs);
}

void chk_rule_client_installp(struct check_ctx *x, struct check_result *r)
{
	struct chk_cmd *c = chk_need(x, r, CK_C_INSTALLP, 1);
	struct aix_filesets fs;
	struct strbuf list = { 0 };
	char *text;
	size_t len;

	if (c == NULL)
		return;
	memset(&fs, 0, sizeof fs);
	text = chk_both(c, &len);
	/* "No filesets were found ... in the APPLIED state" (0503-459; some
	 * levels print it without the code) means none. */
	if (aixparse_installp_s(text, len, &fs, NULL) != 0 &&
	    strstr(text, "No filesets were found") == NULL) {
		free(text);
		aixparse_filesets_clear(&fs);
		chk_ev_grep(chk_ev(r, c), c, NULL, 3);
		chk_set(r, CHECK_ERROR, "cannot read the output of installp -s");
		return;
	}
	free(text);
	if (fs.n == 0) {
		chk_ev_grep(chk_ev(r, c), c, NULL, 2);
		chk_set(r, CHECK_PASS, "nothing is applied but not committed");
	} else {
		struct check_evidence *ev = chk_ev(r, c);
		for (size_t i = 0; i < fs.n; i++) {
			sb_addf(&list, "%s%s %s", list.len > 0 ? ", " : "", fs.v[i].name,
			        chk_or(fs.v[i].level, ""));
			chk_ev_grep(ev, c, fs.v[i].name, 1);
		}
		chk_var(x, "filesets", "%s", sb_str(&list));
		chk_set(r, CHECK_WARN, "%zu fileset%s applied, not committed: %s", fs.n,
		        fs.n == 1 ? "" : "s", sb_str(&list));
		chk_fix(x, r, "fix");
	}
	aixparse_filesets_clear(&fs);
	sb_free(&list);
}

void chk_rule_client_ml(struct check_ctx *x, struct check_result *r)
{
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_C_INSTFIX, 0);
	struct aix_instfix f;
	char key[32];
	size_t len;

	if (c == NULL)
		return;
	if (h->level.tl < 0) {
		chk_set(r, CHECK_SKIPPED, "the client's technology level is unknown");
		return;
	}
	snprintf(key, sizeof key, "%d%d00-%02d_AIX_ML", h->level.version, h->level.release,
	         h->level.tl);
	chk_var(x, "ml", "%s", key);
	memset(&f, 0, sizeof f);
	if (aixparse_instfix(chk_out(c, &len), c->out.len, &f, NULL) != 0) {
		aixparse_instfix_clear(&f);
		chk_ev_grep(chk_ev(r, c), c, NULL, 3);
		chk_set(r, CHECK_ERROR, "cannot read the output of instfix -i");
		return;
	}
	chk_ev_grep(chk_ev(r, c), c, key, 1);
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].keyword, key) != 0)
			continue;
		if (f.v[i].all_found)
			chk_set(r, CHECK_PASS, "all filesets for %s were found", key);
		else {
			chk_set(r, CHECK_WARN,
			        "not all filesets for %s were found: the client is not "
			        "fully at its technology level",
			        key);
			chk_fix(x, r, "fix");
		}
		aixparse_instfix_clear(&f);
		return;
	}
	aixparse_instfix_clear(&f);
	chk_set(r, CHECK_SKIPPED, "instfix -i does not list %s", key);
}

/* A creation_date as date(1) prints it ("Sun Nov 15 02:10:44 2026", a zone may
 * stand before the year); -1 if it is not one. */
static time_t chk_parse_date(const char *s)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char *copy = xstrdup(s), *save = NULL, *w;
	int have_mon = 0, have_day = 0, have_year = 0, have_time = 0;

	memset(&tm, 0, sizeof tm);
	for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		int h, m, sec;
		long long n = str_to_ll(w);
		for (int i = 0; i < 12 && !have_mon; i++)
			if (strncasecmp(w, months[i], 3) == 0 && strlen(w) >= 3) {
				tm.tm_mon = i;
				have_mon = 1;
				w = NULL;
				break;
			}
		if (w == NULL)
			continue;
		if (sscanf(w, "%d:%d:%d", &h, &m, &sec) == 3) {
			tm.tm_hour = h;
			tm.tm_min = m;
			tm.tm_sec = sec;
			have_time = 1;
		} else if (n >= 1 && n <= 31 && have_mon && !have_day) {
			tm.tm_mday = (int)n;
			have_day = 1;
		} else if (n >= 1970 && n <= 9999) {
			tm.tm_year = (int)n - 1900;
			have_year = 1;
		}
	}
	free(copy);
	(void)have_time;
	if (!have_mon || !have_day || !have_year)
		return (time_t)-1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void chk_rule_client_mksysb(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *h = x->h;
	struct chk_cmd *c = chk_need(x, r, CK_M_MKSYSBS, 1);
	const struct aix_stanza *best = NULL;
	time_t best_t = 0, now = time(NULL);
	struct check_evidence *ev;
	long long days;

	if (c == NULL)
		return;
	ev = chk_ev(r, c);
	for (size_t i = 0; i < run->mksysbs.n; i++) {
		const struct aix_stanza *st = &run->mksysbs.v[i];
		const char *src = aixparse_stanza_get(st, "source_image");
		const char *date = aixparse_stanza_get(st, "creation_date");
		time_t t;
		if (src == NULL || (strcmp(src, h->name) != 0 &&
		                    (h->hostname == NULL || !chk_same_host(src, h->hostname))))
			continue;
		t = date != NULL ? chk_parse_date(date) : (time_t)-1;
		if (best == NULL || t > best_t) {
			best = st;
			best_t = t;
		}
	}
	if (best == NULL) {
		chk_ev_line(ev, "(no mksysb resource with source_image = %s)", h->name);
		chk_set(r, CHECK_WARN, "no mksysb of %s in NIM: take a backup before the migration",
		        h->name);
		chk_fix(x, r, "fix");
		return;
	}
	chk_ev_line(ev, "%s:", best->name);
	chk_ev_attr(ev, best, "source_image");
	chk_ev_attr(ev, best, "creation_date");
	if (best_t == (time_t)-1) {
		chk_set(r, CHECK_WARN, "%s has no readable creation_date: its age is unknown",
		        best->name);
		chk_fix(x, r, "fix");
		return;
	}
	days = best_t >= now ? 0 : (long long)(now - best_t) / 86400;
	if (days > CHK_MKSYSB_MAX_AGE_DAYS) {
		chk_set(r, CHECK_WARN,
		        "the newest mksysb of %s, %s, is %lld days old (more than %d)", h->name,
		        best->name, days, CHK_MKSYSB_MAX_AGE_DAYS);
		chk_fix(x, r, "fix");
		return;
	}
	chk_set(r, CHECK_PASS, "%s is %lld day%s old (%d at most)", best->name, days,
	        days == 1 ? "" : "s", CHK_MKSYSB_MAX_AGE_DAYS);
}

void chk_nfs_evidence(struct check_result *r, const struct nfsprobe_result *n,
                      const char *export_path)
{
	struct check_evidence *ev = chk_ev(r, NULL);
	const struct nfsprobe_step_result *ex = &n->steps[NFSPROBE_EXPORTS];

	ev->host = xstrdup("master");
	if (export_path != NULL)
		ev->command = xasprintf("NFS probe of %s (portmapper, nfsd, mountd, exports; "
		                        "write, read back and remove a file through %s)",
		                        n->address, export_path);
	else
		ev->command =
		    xasprintf("NFS probe of %s (portmapper, nfsd, mountd, exports)", n->address);
	for (size_t i = 0; i < NFSPROBE_NSTEPS; i++)
		if (n->steps[i].wanted)
			chk_ev_line(ev, "%s: %s: %s", n->steps[i].name,
			            nfsprobe_verdict_name(n->steps[i].verdict), n->steps[i].detail);
	/* The exports in what room is left (a NIM master may export hundreds). */
	for (size_t i = 0; ex->verdict == NFSPROBE_OK && i < ex->lines.n; i++) {
		if (ev->lines.n + 1 >= CHK_EVIDENCE_LINES && i + 1 < ex->lines.n) {
			chk_ev_line(ev, "  ... and %zu more exports", ex->lines.n - i);
			break;
		}
		chk_ev_line(ev, "  %s", ex->lines.v[i]);
	}
}

static int chk_nfs_step_bad(const struct nfsprobe_result *n, enum nfsprobe_step s)
{
	return n->steps[s].wanted &&
	       (n->steps[s].verdict == NFSPROBE_FAILED || n->steps[s].verdict == NFSPROBE_TIMEOUT);
}

/* Only the round trip went wrong: the server answers, the export does not take the file. */
static int chk_nfs_only_roundtrip_bad(const struct nfsprobe_result *n)
{
	for (int s = 0; s < NFSPROBE_NSTEPS; s++)
		if (s != NFSPROBE_ROUNDTRIP && chk_nfs_step_bad(n, (enum nfsprobe_step)s))
			return 0;
	return chk_nfs_step_bad(n, NFSPROBE_ROUNDTRIP);
}

const char *chk_judge_client_nfs(const struct nfsprobe_result *n, const char *name,
                                 struct check_result *r)
{
	const struct nfsprobe_step_result *rt = &n->steps[NFSPROBE_ROUNDTRIP];

	r->timed_out = n->verdict == NFSPROBE_TIMEOUT;
	if (n->verdict == NFSPROBE_OK) {
		if (rt->wanted && rt->verdict == NFSPROBE_OK)
			chk_set(r, CHECK_PASS, "NFS on %s (%s) answers; round trip: %s", name,
			        n->address, rt->detail);
		else
			chk_set(r, CHECK_PASS, "NFS on %s (%s) answers: %s", name, n->address,
			        n->summary);
		return NULL;
	}
	if (chk_nfs_only_roundtrip_bad(n)) {
		chk_set(r, CHECK_FAIL,
		        "NFS on %s (%s) answers, but the round trip as root failed: %s", name,
		        n->address, rt->detail);
		return "fix.roundtrip";
	}
	chk_set(r, CHECK_FAIL, "NFS on %s (%s): %s", name, n->address, n->summary);
	return "fix";
}

/* "3 directories: /a, /b, /c" (the first few), or "nothing". */
static void chk_nfs_exports_brief(struct strbuf *sb, const struct nfsprobe_result *n)
{
	if (n->nexports == 0) {
		sb_adds(sb, "it exports nothing now (NIM exports a resource when it is allocated)");
		return;
	}
	sb_addf(sb, "it exports %zu director%s: ", n->nexports, n->nexports == 1 ? "y" : "ies");
	for (size_t i = 0; i < n->nexports && i < 3; i++)
		sb_addf(sb, "%s%s", i > 0 ? ", " : "", n->exports[i].dir);
	if (n->nexports > 3)
		sb_adds(sb, ", ...");
}

const char *chk_judge_master_nfs(const struct nfsprobe_result *n, struct check_result *r)
{
	const struct nfsprobe_step_result *pm = &n->steps[NFSPROBE_PORTMAP];
	const struct nfsprobe_step_result *rt = &n->steps[NFSPROBE_ROUNDTRIP];
	const struct nfsprobe_step_result *bad = NULL;
	struct strbuf sb = { 0 };

	r->timed_out = n->verdict == NFSPROBE_TIMEOUT;
	/* No portmapper: nothing NFS works on the master, and nimadm cannot start it. */
	if (pm->wanted && !n->portmap_answered) {
		chk_set(r, CHECK_FAIL, "the master's portmapper (%s) does not answer: %s",
		        n->address, pm->detail);
		return "fix";
	}
	for (int s = 0; s < NFSPROBE_NSTEPS && bad == NULL; s++)
		if (s != NFSPROBE_ROUNDTRIP && chk_nfs_step_bad(n, (enum nfsprobe_step)s))
			bad = &n->steps[s];
	if (bad != NULL) {
		/* The portmapper answers, the daemons do not: nimadm starts them itself. */
		chk_set(r, CHECK_WARN,
		        "the master's NFS daemons (%s) do not answer (%s: %s); nimadm starts "
		        "them itself (0513-059), but a NIM master serves its resources with them",
		        n->address, bad->name, bad->detail);
		return "fix.daemons";
	}
	if (chk_nfs_step_bad(n, NFSPROBE_ROUNDTRIP)) {
		chk_set(
		    r, CHECK_FAIL,
		    "the master's NFS server (%s) answers, but the round trip as root failed: %s",
		    n->address, rt->detail);
		return "fix.roundtrip";
	}
	sb_addf(&sb, "the master's NFS server (%s) answers (portmapper, nfsd, mountd); ",
	        n->address);
	chk_nfs_exports_brief(&sb, n);
	if (rt->wanted && rt->verdict == NFSPROBE_OK)
		sb_addf(&sb, "; round trip: %s", rt->detail);
	chk_set(r, CHECK_PASS, "%s", sb_str(&sb));
	sb_free(&sb);
	return NULL;
}

void chk_rule_client_nfs(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *h = x->h;
	const struct nfsprobe_result *n;
	const char *section;

	if (run->cache_vg != NULL) {
		chk_set(r, CHECK_SKIPPED,
		        "-j %s: nimadm caches in the VG, no NFS between master and client",
		        run->cache_vg);
		return;
	}
	if (chk_need(x, r, CK_C_PROBE, 0) == NULL)
		return;
	if (h->nfs_skip != NULL) {
		struct chk_cmd *c = h->c[CK_C_HOST];
		if (c != NULL)
			chk_ev_grep(chk_ev(r, c), c, NULL, 2);
		chk_set(r, CHECK_SKIPPED, "%s", h->nfs_skip);
		return;
	}
	if ((n = h->nfs) == NULL) {
		chk_set(r, CHECK_ERROR, "the NFS probe of %s did not report",
		        chk_or(h->address, h->name));
		return;
	}
	if (h->c[CK_C_HOST] != NULL)
		chk_ev_grep(chk_ev(r, h->c[CK_C_HOST]), h->c[CK_C_HOST], NULL, 1);
	chk_nfs_evidence(r, n, h->nfs_export);
	chk_var(x, "address", "%s", n->address);
	chk_var(x, "export", "%s", chk_or(h->nfs_export, "/alt_inst"));
	if ((section = chk_judge_client_nfs(n, h->name, r)) != NULL)
		chk_fix(x, r, section);
}

void chk_rule_master_nfs(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *m = &run->master;
	const struct nfsprobe_result *n;
	const char *section;

	if (run->cache_vg != NULL) {
		chk_set(r, CHECK_SKIPPED,
		        "-j %s: nimadm caches in the VG, no NFS between master and client",
		        run->cache_vg);
		return;
	}
	if (m->nfs_skip != NULL) {
		struct chk_cmd *c = m->c[CK_M_HOST];
		if (c != NULL)
			chk_ev_grep(chk_ev(r, c), c, NULL, 2);
		chk_set(r, CHECK_SKIPPED, "%s", m->nfs_skip);
		return;
	}
	if ((n = m->nfs) == NULL) {
		chk_set(r, CHECK_ERROR, "the NFS probe of the master (%s) did not report",
		        chk_or(m->address, chk_or(run->master_hostname, "no address")));
		return;
	}
	if (m->c[CK_M_HOST] != NULL)
		chk_ev_grep(chk_ev(r, m->c[CK_M_HOST]), m->c[CK_M_HOST], NULL, 1);
	chk_nfs_evidence(r, n, m->nfs_export);
	chk_var(x, "address", "%s", n->address);
	chk_var(x, "export", "%s", chk_or(m->nfs_export, "/export/nim"));
	if ((section = chk_judge_master_nfs(n, r)) != NULL)
		chk_fix(x, r, section);
}

/* ---- the job: disks and cache VG ---------------------------------------------------------------
 */

static int chk_disk_size_cmp(const void *a, const void *b)
{
	const struct check_disk *x = *(const struct check_disk *const *)a;
	const struct check_disk *y = *(const struct check_disk *const *)b;

	if (x->size_mb != y->size_mb)
		return x->size_mb < y->size_mb ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The fix for a mirrored rootvg: keep the first rootvg disk, free the last. */
static void chk_unmirror_vars(struct check_ctx *x)
{
	struct chk_host *h = x->h;
	const char *keep = NULL, *drop = NULL;

	for (size_t i = 0; i < h->ndisks; i++) {
		const char *vg = h->disks[i].pv.vg;
		if (vg == NULL || strcmp(vg, "rootvg") != 0)
			continue;
		if (keep == NULL)
			keep = h->disks[i].pv.name;
		else
			drop = h->disks[i].pv.name;
	}
	chk_var(x, "boot_disk", "%s", keep != NULL ? keep : "hdisk0");
	chk_var(x, "mirror_disk", "%s", drop != NULL ? drop : "hdisk1");
}

void chk_rule_job_disks(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_host *h = x->h;
	struct chk_cmd *lspv = chk_need(x, r, CK_C_LSPV, 0), *lsvg = NULL, *lsvg_l = NULL;
	struct check_evidence *ev;
	struct strbuf why = { 0 }, list = { 0 };
	const struct check_disk **cand = NULL;
	long long needed, total = 0, smallest = -1;
	size_t ncand = 0, copies;
	int bad = 0;

	if (lspv == NULL || (lsvg = chk_need(x, r, CK_C_LSVG, 0)) == NULL ||
	    (lsvg_l = chk_need_lvs(x, r)) == NULL)
		return;
	if (!h->have_pvs || h->used_per_copy < 0 || h->copies < 1) {
		chk_ev_grep(chk_ev(r, h->have_pvs ? lsvg : lspv), h->have_pvs ? lsvg : lspv, NULL,
		            3);
		chk_set(r, CHECK_ERROR, "cannot tell %s",
		        !h->have_pvs ? "the disks (lspv)" : "rootvg's used space (lsvg rootvg)");
		return;
	}
	copies = (size_t)h->copies;
	needed = h->used_per_copy + CHK_HEADROOM_MB;
	r->needed_mb = needed;
	chk_var(x, "needed_mb", "%lld", needed);
	chk_var(x, "copies", "%zu", copies);
	chk_ev_grep(chk_ev(r, lspv), lspv, NULL, 16);
	ev = chk_ev(r, lsvg);
	chk_ev_grep(ev, lsvg, "USED PPs", 1);
	if (copies > 1)
		chk_ev_grep(chk_ev(r, lsvg_l), lsvg_l, "hd4 ", 1);

	/* Every disk with its verdict. */
	r->disks = xcalloc(h->ndisks + 1, sizeof *r->disks);
	r->ndisks = h->ndisks;
	for (size_t i = 0; i < h->ndisks; i++) {
		const struct chk_disk *d = &h->disks[i];
		struct check_disk *o = &r->disks[i];
		o->name = xstrdup(d->pv.name);
		o->pvid = d->pv.pvid != NULL ? xstrdup(d->pv.pvid) : NULL;
		o->vg = d->pv.vg != NULL ? xstrdup(d->pv.vg) : NULL;
		o->size_mb = d->size_mb;
		if (d->bootinfo != NULL)
			chk_ev_grep(chk_ev(r, d->bootinfo), d->bootinfo, NULL, 1);
		if (o->vg != NULL) {
			if (strcmp(o->vg, "rootvg") == 0)
				o->why = xstrdup("in rootvg");
			else if (strcmp(o->vg, "altinst_rootvg") == 0)
				o->why = xstrdup("altinst_rootvg of an earlier run (nimadm -C, or "
				                 "alt_rootvg_op -X altinst_rootvg)");
			else if (strcmp(o->vg, "old_rootvg") == 0)
				o->why = xstrdup("old_rootvg, the rootvg before a migration "
				                 "(alt_rootvg_op -X old_rootvg)");
			else
				o->why = xasprintf("in VG %s", o->vg);
		} else if (o->size_mb < 0) {
			char *w =
			    d->bootinfo != NULL ? chk_cmd_why(d->bootinfo) : xstrdup("not asked");
			o->why = xasprintf("size unknown: bootinfo -s %s: %s", o->name, w);
			free(w);
		} else if (o->size_mb < needed) {
			o->why =
			    xasprintf("too small: %lld MB < needed %lld MB", o->size_mb, needed);
		} else {
			o->usable = 1;
		}
	}

	if (run->disks_given) {
		/* -d: every disk named must be free; together they must hold every copy. */
		for (size_t k = 0; k < run->disks.n; k++) {
			struct check_disk *o = NULL;
			for (size_t i = 0; i < r->ndisks; i++)
				if (strcmp(r->disks[i].name, run->disks.v[k]) == 0)
					o = &r->disks[i];
			sb_addf(&list, "%s%s", list.len > 0 ? " " : "", run->disks.v[k]);
			if (o == NULL) {
				sb_addf(&why, "%s%s: no such disk on %s", why.len > 0 ? "; " : "",
				        run->disks.v[k], h->name);
				bad = 1;
				continue;
			}
			o->chosen = 1;
			if (o->vg != NULL) {
				sb_addf(&why, "%s%s is %s", why.len > 0 ? "; " : "", o->name,
				        o->why);
				chk_var(x, "disk", "%s", o->name);
				chk_var(x, "vg", "%s", o->vg);
				bad = 2;
				continue;
			}
			if (o->size_mb < 0) {
				sb_addf(&why, "%s%s: %s", why.len > 0 ? "; " : "", o->name, o->why);
				bad = bad ? bad : 3;
				continue;
			}
			total += o->size_mb;
			if (smallest < 0 || o->size_mb < smallest)
				smallest = o->size_mb;
		}
		chk_var(x, "disks", "%s", sb_str(&list));
		if (bad == 3 && why.len > 0) {
			chk_set(r, CHECK_ERROR, "%s", sb_str(&why));
			goto out;
		}
		if (bad) {
			chk_set(r, CHECK_FAIL, "-d \"%s\": %s", sb_str(&list), sb_str(&why));
			if (bad == 2)
				chk_fix(x, r, "fix.in_use");
			else
				chk_fix(x, r, "fix.no_disk");
			if (bad == 2 && copies > 1) {
				chk_unmirror_vars(x);
				chk_fix(x, r, "fix.mirrored");
			}
			goto out;
		}
		if (run->disks.n < copies) {
			chk_unmirror_vars(x);
			chk_set(r, CHECK_FAIL,
			        "rootvg has %zu copies (mirrored) and nimadm clones onto as many "
			        "disks: "
			        "-d \"%s\" gives %zu",
			        copies, sb_str(&list), run->disks.n);
			chk_fix(x, r, "fix.mirrored");
			goto out;
		}
		if (total < needed * (long long)copies ||
		    (run->disks.n == copies && smallest < needed)) {
			chk_set(r, CHECK_FAIL,
			        "-d \"%s\" is too small: %lld MB for %zu cop%s of %lld MB (%lld MB "
			        "used in "
			        "rootvg + %d MB headroom)",
			        sb_str(&list), run->disks.n == copies ? smallest : total, copies,
			        copies == 1 ? "y" : "ies", needed, h->used_per_copy,
			        CHK_HEADROOM_MB);
			chk_fix(x, r, "fix.too_small");
			goto out;
		}
		for (size_t k = 0; k < run->disks.n; k++)
			strv_push(&r->proposed, run->disks.v[k]);
		chk_set(
		    r, CHECK_PASS,
		    "-d \"%s\": free, %lld MB for %zu cop%s of %lld MB (%lld MB used in rootvg + "
		    "%d MB headroom)",
		    sb_str(&list), total, copies, copies == 1 ? "y" : "ies", needed,
		    h->used_per_copy, CHK_HEADROOM_MB);
		goto out;
	}

	/*
	 * No -d: propose the smallest free disks that hold a copy each. The new
	 * rootvg is mirrored or cloned again later and every such disk must be as
	 * large, so a bigger disk is better kept for other uses.
	 */
	cand = xcalloc(r->ndisks + 1, sizeof *cand);
	for (size_t i = 0; i < r->ndisks; i++)
		if (r->disks[i].usable)
			cand[ncand++] = &r->disks[i];
	qsort(cand, ncand, sizeof *cand, chk_disk_size_cmp);
	for (size_t i = 0; i < r->ndisks; i++)
		if (!r->disks[i].usable)
			sb_addf(&why, "%s%s %s", why.len > 0 ? "; " : "", r->disks[i].name,
			        r->disks[i].why);
	if (ncand >= copies) {
		for (size_t i = 0; i < copies; i++) {
			struct check_disk *o = (struct check_disk *)cand[i];
			o->chosen = 1;
			strv_push(&r->proposed, o->name);
			sb_addf(&list, "%s%s (%lld MB, PVID %s)", list.len > 0 ? ", " : "", o->name,
			        o->size_mb, o->pvid != NULL ? o->pvid : "none");
		}
		chk_set(
		    r, CHECK_PASS,
		    "no -d given: proposing %s, the smallest free disk%s that hold%s %lld MB (%lld "
		    "MB used in rootvg + %d MB headroom)%s%s",
		    sb_str(&list), copies > 1 ? "s" : "", copies > 1 ? "" : "s", needed,
		    h->used_per_copy, CHK_HEADROOM_MB, why.len > 0 ? "; not usable: " : "",
		    sb_str(&why));
		goto out;
	}
	if (copies > 1) {
		chk_unmirror_vars(x);
		chk_set(
		    r, CHECK_FAIL,
		    "rootvg has %zu copies (mirrored) and nimadm clones onto as many disks, but "
		    "%zu free disk%s hold%s %lld MB: %s",
		    copies, ncand, ncand == 1 ? "" : "s", ncand == 1 ? "s" : "", needed,
		    sb_str(&why));
		chk_fix(x, r, "fix.mirrored");
		goto out;
	}
	chk_set(r, CHECK_FAIL,
	        "no free disk holds %lld MB (%lld MB used in rootvg + %d MB headroom): %s", needed,
	        h->used_per_copy, CHK_HEADROOM_MB, sb_str(&why));
	chk_fix(x, r, "fix.none");
out:
	free(cand);
	sb_free(&why);
	sb_free(&list);
}

void chk_rule_job_cache_vg(struct check_ctx *x, struct check_result *r)
{
	struct check_run *run = x->run;
	struct chk_cmd *c;
	struct check_evidence *ev;
	struct strbuf unknown = { 0 };
	long long needed = 0;
	size_t counted = 0;

	if (run->cache_vg == NULL) {
		chk_set(r, CHECK_SKIPPED, "no -j: nimadm copies over NFS and uses no cache VG");
		return;
	}
	if ((c = chk_need(x, r, CK_M_CACHE_VG, 1)) == NULL)
		return;
	ev = chk_ev(r, c);
	chk_var(x, "vg", "%s", run->cache_vg);
	if (!run->have_cache) {
		chk_ev_grep(ev, c, NULL, 3);
		if (strstr(sb_str(&c->err), "0516-306") != NULL) {
			chk_set(r, CHECK_FAIL, "there is no volume group %s on the master",
			        run->cache_vg);
			chk_fix(x, r, "fix.missing");
		} else {
			char *why = chk_cmd_why(c);
			chk_set(r, CHECK_ERROR, "cannot read %s: %s", run->cache_vg, why);
			free(why);
		}
		return;
	}
	if (run->cache.varied_off) {
		chk_ev_grep(ev, c, "0516-010", 1);
		chk_set(r, CHECK_FAIL, "%s is varied off", run->cache_vg);
		chk_fix(x, r, "fix.varyon");
		return;
	}
	chk_ev_grep(ev, c, "VG STATE", 1);
	chk_ev_grep(ev, c, "FREE PPs", 1);
	for (size_t i = 0; i < run->nhosts; i++) {
		struct chk_host *h = run->hosts[i];
		if (!h->defined)
			continue;
		if (h->used_per_copy < 0) {
			sb_addf(&unknown, "%s%s", unknown.len > 0 ? ", " : "", h->name);
			continue;
		}
		needed += h->used_per_copy + CHK_HEADROOM_MB;
		counted++;
		if (counted <= 8)
			chk_ev_grep(chk_ev(r, h->c[CK_C_LSVG]), h->c[CK_C_LSVG], "USED PPs", 1);
	}
	r->needed_mb = needed;
	chk_var(x, "needed_mb", "%lld", needed);
	chk_var(x, "free_mb", "%lld", run->cache.free_mb);
	if (run->cache.free_mb < needed) {
		chk_set(r, CHECK_FAIL,
		        "%s has %lld MB free; the %zu client%s checked together need %lld MB (used "
		        "rootvg + %d MB each)%s%s",
		        run->cache_vg, run->cache.free_mb, counted, counted == 1 ? "" : "s", needed,
		        CHK_HEADROOM_MB, unknown.len > 0 ? "; not counted (rootvg unknown): " : "",
		        sb_str(&unknown));
		chk_fix(x, r, "fix.space");
	} else {
		chk_set(r, CHECK_PASS,
		        "%s has %lld MB free; the %zu client%s checked together need %lld MB (used "
		        "rootvg + %d MB each)%s%s",
		        run->cache_vg, run->cache.free_mb, counted, counted == 1 ? "" : "s", needed,
		        CHK_HEADROOM_MB, unknown.len > 0 ? "; not counted (rootvg unknown): " : "",
		        sb_str(&unknown));
	}
	sb_free(&unknown);
}
