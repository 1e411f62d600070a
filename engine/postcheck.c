/*
 * postcheck.c: the post-migration checks. The run collects the client again
 * (the snapshot collector, with lppchk -v, instfix -i, lsvg rootvg and
 * post_migration as extra commands, post_migration last and streamed), finds
 * the target level (given, or the SPOT of the client's newest job, asked
 * from NIM), then judges: level, rootvg (new and old), boot list, lppchk,
 * instfix, post_migration, and the comparison with the snapshot.
 */
#include "postcheck.h"

#include <cJSON.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aixparse.h"
#include "job.h"
#include "level.h"
#include "params.h"
#include "snapshot_int.h"

#define PC_PM_TIMEOUT_MS (30 * 60 * 1000)
#define PC_EVIDENCE_MAX  20
#define PC_PM_PATH       "/usr/lpp/bos/post_migration"

static const char *const pc_verdict_names[] = {
#define PC_VERDICT_NAME(e, n) n,
	POSTCHECK_VERDICTS(PC_VERDICT_NAME)
#undef PC_VERDICT_NAME
};

const char *postcheck_verdict_name(enum postcheck_verdict v)
{
	return (unsigned)v < PC_VERDICT_COUNT ? pc_verdict_names[v] : "unknown";
}

/* ---- the result ------------------------------------------------------------------------- */

void postcheck_free(struct postcheck **pp)
{
	struct postcheck *pc = *pp;

	if (pc == NULL)
		return;
	for (size_t i = 0; i < pc->nchecks; i++) {
		free(pc->checks[i].summary);
		free(pc->checks[i].command);
		strv_free(&pc->checks[i].evidence);
		free(pc->checks[i].fix);
	}
	free(pc->checks);
	free(pc->client);
	free(pc->checked_at);
	free(pc->oslevel);
	free(pc->target);
	free(pc->target_source);
	free(pc->snapshot_path);
	free(pc->snapshot_taken_at);
	free(pc->snapshot_oslevel);
	compare_result_clear(&pc->diff);
	snapshot_free(&pc->current);
	free(pc->saved_json);
	free(pc->saved_text);
	free(pc);
	*pp = NULL;
}

const struct postcheck_check *postcheck_find(const struct postcheck *pc, const char *id)
{
	for (size_t i = 0; i < pc->nchecks; i++)
		if (strcmp(pc->checks[i].id, id) == 0)
			return &pc->checks[i];
	return NULL;
}

enum postcheck_verdict postcheck_worst(const struct postcheck *pc)
{
	enum postcheck_verdict w = PC_SKIPPED;

	for (size_t i = 0; i < pc->nchecks; i++)
		if (pc->checks[i].verdict > w)
			w = pc->checks[i].verdict;
	return w;
}

static struct postcheck_check *pc_check(struct postcheck *pc, const char *id, const char *title)
{
	struct postcheck_check *c;

	pc->checks = xreallocarray(pc->checks, pc->nchecks + 1, sizeof *pc->checks);
	c = &pc->checks[pc->nchecks++];
	memset(c, 0, sizeof *c);
	c->id = id;
	c->title = title;
	c->exit_status = -1;
	return c;
}

static void pc_set(struct postcheck_check *c, enum postcheck_verdict v, const char *fmt, ...)
    PRINTFLIKE(3, 4);
static void pc_set(struct postcheck_check *c, enum postcheck_verdict v, const char *fmt, ...)
{
	va_list ap;

	c->verdict = v;
	free(c->summary);
	va_start(ap, fmt);
	c->summary = xvasprintf(fmt, ap);
	va_end(ap);
}

static void pc_fix(struct postcheck_check *c, const char *fmt, ...) PRINTFLIKE(2, 3);
static void pc_fix(struct postcheck_check *c, const char *fmt, ...)
{
	va_list ap;

	free(c->fix);
	va_start(ap, fmt);
	c->fix = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The non-blank lines of text as evidence (up to PC_EVIDENCE_MAX; the last ones if tail). */
static void pc_evidence_text(struct postcheck_check *c, const char *text, size_t len, int tail)
{
	struct strv lines = { 0 };
	size_t i = 0, from;

	if (text == NULL)
		return;
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		char *l = xstrndup(text + i, j - i);
		size_t n = strlen(l);
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		if (n > 0)
			strv_push(&lines, l);
		free(l);
		i = j + 1;
	}
	from = tail && lines.n > PC_EVIDENCE_MAX ? lines.n - PC_EVIDENCE_MAX : 0;
	for (size_t k = from; k < lines.n && c->evidence.n < PC_EVIDENCE_MAX; k++)
		strv_push(&c->evidence, lines.v[k]);
	strv_free(&lines);
}

/* The item's command line and status as the check's evidence. */
static void pc_evidence_item(struct postcheck_check *c, const struct snapshot_item *it)
{
	if (it == NULL)
		return;
	free(c->command);
	c->command = it->source != NULL ? xstrdup(it->source) : NULL;
	c->exit_status = it->exit_status;
}

/* An item's text when the command ran on the client (whatever its exit status). */
static const char *pc_text(const struct snapshot_item *it, size_t *len)
{
	if (it == NULL || it->data == NULL || it->exit_status < 0 || it->exit_status == 127)
		return NULL;
	*len = it->len;
	return it->data;
}

static const char *pc_why(const struct snapshot_item *it)
{
	if (it == NULL)
		return "not collected";
	return it->message != NULL ? it->message : snapshot_status_name(it->status);
}

/* ---- the checks -------------------------------------------------------------------------- */

struct pc_disks {
	struct aix_lspv pv;
	int ok;
};

static const char *pc_disks_of(const struct pc_disks *d, const char *vg, struct strbuf *sb)
{
	sb_reset(sb);
	for (size_t i = 0; d->ok && i < d->pv.n; i++) {
		if (d->pv.v[i].vg != NULL && strcmp(d->pv.v[i].vg, vg) == 0) {
			if (sb->len > 0)
				sb_addc(sb, ' ');
			sb_adds(sb, d->pv.v[i].name);
		}
	}
	return sb->len > 0 ? sb_str(sb) : NULL;
}

static const char *pc_vg_of(const struct pc_disks *d, const char *disk)
{
	for (size_t i = 0; d->ok && i < d->pv.n; i++)
		if (strcmp(d->pv.v[i].name, disk) == 0)
			return d->pv.v[i].vg;
	return NULL;
}

static void pc_check_oslevel(struct postcheck *pc, const struct snapshot *before)
{
	struct postcheck_check *c = pc_check(pc, "oslevel", "Operating system level");
	const struct snapshot_item *it = snapshot_find(pc->current, "oslevel_s");
	struct aix_level now, want, was;

	pc_evidence_item(c, it);
	if (pc->oslevel == NULL || level_parse_oslevel(pc->oslevel, &now, NULL) != 0) {
		pc_set(c, PC_FAIL, "the level could not be read: %s", pc_why(it));
		return;
	}
	strv_pushf(&c->evidence, "%s", pc->oslevel);
	if (pc->target != NULL && level_parse_oslevel(pc->target, &want, NULL) == 0) {
		if (level_compare_oslevel_common(&now, &want) >= 0) {
			pc_set(c, PC_PASS, "%s, at the target %s", pc->oslevel, pc->target);
			return;
		}
		pc_set(c, PC_FAIL, "%s, below the target %s", pc->oslevel, pc->target);
		if (before != NULL && before->oslevel != NULL &&
		    strcmp(before->oslevel, pc->oslevel) == 0)
			pc_fix(
			    c,
			    "The client still runs the system from before the migration. Boot it "
			    "from the migrated disk (bootlist -m normal -o; shutdown -Fr), then "
			    "check again.");
		else
			pc_fix(c, "The migration did not reach the target: read the nimadm log "
			          "(nimadm-tui log --summary) and the client's "
			          "/var/adm/ras/alt_disk_inst.log.");
		return;
	}
	if (before != NULL && before->oslevel != NULL &&
	    level_parse_oslevel(before->oslevel, &was, NULL) == 0) {
		int cmp = level_compare_oslevel(&now, &was);
		if (cmp > 0) {
			pc_set(c, PC_PASS, "%s, was %s in the snapshot", pc->oslevel,
			       before->oslevel);
		} else if (cmp == 0) {
			pc_set(c, PC_WARN, "%s, the same level as in the snapshot", pc->oslevel);
			pc_fix(c,
			       "Not migrated yet, or not running from the migrated disk: check the "
			       "boot list and reboot onto the migrated disk.");
		} else {
			pc_set(c, PC_FAIL, "%s, lower than %s in the snapshot", pc->oslevel,
			       before->oslevel);
		}
		return;
	}
	pc_set(c, PC_WARN, "%s (no target level and no snapshot to compare with)", pc->oslevel);
	pc_fix(c, "Give the expected level with --target.");
}

static void pc_check_rootvg(struct postcheck *pc, const struct pc_disks *d)
{
	struct postcheck_check *c = pc_check(pc, "rootvg", "New and old rootvg");
	const struct snapshot_item *it = snapshot_find(pc->current, "lspv");
	const struct snapshot_item *vgi = snapshot_find(pc->current, "lsvg_rootvg");
	struct strbuf a = { 0 }, b = { 0 }, r = { 0 };
	const char *root, *old, *alt;
	const char *text;
	size_t len;

	pc_evidence_item(c, it);
	if (!d->ok) {
		pc_set(c, PC_WARN, "lspv could not be read: %s", pc_why(it));
		return;
	}
	pc_evidence_text(c, it->data, it->len, 0);
	root = pc_disks_of(d, "rootvg", &r);
	old = pc_disks_of(d, "old_rootvg", &b);
	alt = pc_disks_of(d, "altinst_rootvg", &a);
	if (alt != NULL) {
		pc_set(c, PC_FAIL,
		       "the migrated system is altinst_rootvg on %s: the client still runs "
		       "from rootvg on %s",
		       alt, root != NULL ? root : "?");
		pc_fix(c,
		       "Boot the client from %s (bootlist -m normal %s; shutdown -Fr), then check "
		       "again.",
		       alt, alt);
	} else if (root == NULL) {
		pc_set(c, PC_FAIL, "lspv shows no rootvg");
	} else if (old != NULL) {
		pc_set(c, PC_PASS,
		       "rootvg on %s, old_rootvg (the system before the migration) on %s", root,
		       old);
		pc_fix(c,
		       "Keep old_rootvg until the client is verified; then alt_rootvg_op -X "
		       "old_rootvg frees %s.",
		       old);
	} else {
		pc_set(c, PC_WARN,
		       "rootvg on %s and no old_rootvg: there is no way back to the "
		       "system before the migration",
		       root);
		pc_fix(c, "If that is not intended, take a mksysb of the client now.");
	}
	if ((text = pc_text(vgi, &len)) != NULL) {
		struct aix_vg vg;
		if (aixparse_lsvg(text, len, &vg, NULL) == 0) {
			if (vg.stale_pps > 0) {
				strv_pushf(&c->evidence, "lsvg rootvg: STALE PPs: %lld",
				           vg.stale_pps);
				if (c->verdict < PC_WARN) {
					pc_set(c, PC_WARN, "rootvg has %lld stale partitions",
					       vg.stale_pps);
					pc_fix(c, "syncvg -v rootvg");
				}
			}
			if (vg.state != NULL && strcmp(vg.state, "active") != 0)
				strv_pushf(&c->evidence, "lsvg rootvg: VG STATE: %s", vg.state);
		}
		aixparse_vg_clear(&vg);
	}
	sb_free(&a);
	sb_free(&b);
	sb_free(&r);
}

static void pc_check_bootlist(struct postcheck *pc, const struct pc_disks *d)
{
	struct postcheck_check *c = pc_check(pc, "bootlist", "Boot list");
	const struct snapshot_item *it = snapshot_find(pc->current, "bootlist");
	struct aix_bootlist bl;
	struct strbuf sb = { 0 };
	const char *text, *first, *vg, *root;
	size_t len;

	pc_evidence_item(c, it);
	if ((text = pc_text(it, &len)) == NULL || it->exit_status != 0) {
		pc_set(c, PC_WARN, "the boot list could not be read: %s", pc_why(it));
		return;
	}
	pc_evidence_text(c, text, len, 0);
	if (aixparse_bootlist(text, len, &bl, NULL) != 0 || bl.n == 0) {
		pc_set(c, PC_FAIL, "the normal boot list is empty");
		pc_fix(c, "bootlist -m normal DISK (a disk of rootvg)");
		aixparse_bootlist_clear(&bl);
		return;
	}
	first = bl.v[0].device;
	vg = pc_vg_of(d, first);
	root = pc_disks_of(d, "rootvg", &sb);
	if (vg != NULL && strcmp(vg, "rootvg") == 0) {
		pc_set(c, PC_PASS, "boots from %s (rootvg)", first);
	} else if (vg != NULL && strcmp(vg, "old_rootvg") == 0) {
		pc_set(c, PC_WARN,
		       "boots from %s, which holds old_rootvg: the next reboot starts the "
		       "system from before the migration",
		       first);
		pc_fix(c, "bootlist -m normal %s", root != NULL ? root : "DISK");
	} else if (vg != NULL && strcmp(vg, "altinst_rootvg") == 0) {
		pc_set(c, PC_WARN,
		       "boots from %s (altinst_rootvg, the migrated system) at the next "
		       "reboot",
		       first);
	} else {
		pc_set(c, PC_WARN, "boots from %s, which is in %s", first,
		       vg != NULL ? vg : "no volume group lspv knows");
		pc_fix(c, "bootlist -m normal %s", root != NULL ? root : "DISK");
	}
	sb_free(&sb);
	aixparse_bootlist_clear(&bl);
}

static void pc_check_lppchk(struct postcheck *pc)
{
	struct postcheck_check *c = pc_check(pc, "lppchk", "Software consistency (lppchk -v)");
	const struct snapshot_item *it = snapshot_find(pc->current, "lppchk_v");
	struct aix_lppchk l;
	char *both;
	size_t len;

	pc_evidence_item(c, it);
	if (pc_text(it, &len) == NULL &&
	    (it == NULL || it->exit_status < 0 || it->exit_status == 127)) {
		pc_set(c, PC_WARN, "lppchk -v could not run: %s", pc_why(it));
		return;
	}
	both = xasprintf("%s\n%s", it->data != NULL ? it->data : "",
	                 it->err_data != NULL ? it->err_data : "");
	memset(&l, 0, sizeof l);
	aixparse_lppchk(both, strlen(both), &l, NULL);
	if (it->exit_status == 0 && l.lines.n == 0) {
		pc_set(c, PC_PASS, "no problems");
	} else {
		pc_set(c, PC_FAIL, "lppchk -v reports %zu fileset%s to correct", l.filesets.n,
		       l.filesets.n == 1 ? "" : "s");
		for (size_t i = 0; i < l.lines.n && c->evidence.n < PC_EVIDENCE_MAX; i++)
			strv_push(&c->evidence, l.lines.v[i]);
		pc_fix(c,
		       "Install or correct what lppchk -v lists (commit applied updates with "
		       "installp -c all, reinstall broken filesets from the lpp_source), then run "
		       "lppchk -v again.");
	}
	aixparse_lppchk_clear(&l);
	free(both);
}

static void pc_check_instfix(struct postcheck *pc)
{
	struct postcheck_check *c = pc_check(pc, "instfix", "Maintenance level (instfix -i)");
	const struct snapshot_item *it = snapshot_find(pc->current, "instfix_i");
	struct aix_instfix f;
	struct aix_level want, now, high;
	char key[LEVEL_STR_MAX + 16], lv[LEVEL_STR_MAX];
	const char *text;
	size_t len;
	int have_want = 0;

	pc_evidence_item(c, it);
	if ((text = pc_text(it, &len)) == NULL) {
		pc_set(c, PC_WARN, "instfix -i could not run: %s", pc_why(it));
		return;
	}
	if (aixparse_instfix(text, len, &f, NULL) != 0) {
		pc_set(c, PC_WARN, "instfix -i printed no maintenance levels");
		aixparse_instfix_clear(&f);
		return;
	}
	for (size_t i = 0; i < f.n; i++)
		if (str_ends(f.v[i].keyword, "_AIX_ML"))
			strv_pushf(&c->evidence, "%s filesets for %s were found.",
			           f.v[i].all_found ? "All" : "Not all", f.v[i].keyword);
	if (pc->target != NULL && level_parse_oslevel(pc->target, &want, NULL) == 0 &&
	    level_has_tl(&want)) {
		have_want = 1;
	} else if (pc->oslevel != NULL && level_parse_oslevel(pc->oslevel, &want, NULL) == 0 &&
	           level_has_tl(&want)) {
		have_want = 1;
	}
	if (!have_want) {
		pc_set(c, PC_WARN, "no level to look for");
		aixparse_instfix_clear(&f);
		return;
	}
	now = want;
	now.sp = now.build = -1;
	snprintf(key, sizeof key, "%s_AIX_ML", level_format_oslevel(&now, lv, sizeof lv));
	free(c->command);
	c->command = xstrdup("instfix -i | grep ML");
	for (size_t i = 0; i < f.n; i++) {
		if (strcmp(f.v[i].keyword, key) != 0)
			continue;
		if (f.v[i].all_found) {
			pc_set(c, PC_PASS, "All filesets for %s were found.", key);
		} else {
			pc_set(c, PC_FAIL, "Not all filesets for %s were found.", key);
			pc_fix(
			    c,
			    "instfix -ciqk %s | grep \":-:\" lists the missing filesets; install "
			    "them from the lpp_source (smitty update_all).",
			    key);
		}
		aixparse_instfix_clear(&f);
		return;
	}
	if (aixparse_instfix_highest_ml(&f, &high) == 0)
		pc_set(c, PC_WARN, "no line for %s; the highest complete level is %s", key,
		       level_format_oslevel(&high, lv, sizeof lv));
	else
		pc_set(c, PC_WARN, "no line for %s", key);
	aixparse_instfix_clear(&f);
}

static void pc_check_post_migration(struct postcheck *pc, int skipped)
{
	struct postcheck_check *c = pc_check(pc, "post_migration", "IBM post_migration");
	const struct snapshot_item *it = snapshot_find(pc->current, "post_migration");

	if (skipped) {
		pc_set(c, PC_SKIPPED, "not run (asked not to)");
		return;
	}
	pc_evidence_item(c, it);
	if (it == NULL) {
		pc_set(c, PC_WARN, "not run");
		return;
	}
	pc_evidence_text(c, it->data, it->len, 1);
	if (it->exit_status == 0) {
		pc_set(c, PC_PASS, "ended with exit status 0");
	} else if (it->exit_status == 127) {
		pc_set(c, PC_SKIPPED, "not on the client: %s", pc_why(it));
		pc_fix(c, "post_migration comes with bos.rte; copy it from usr/lpp/bos of the "
		          "installation media to run it.");
	} else if (it->exit_status < 0) {
		pc_set(c, PC_FAIL, "did not finish: %s", pc_why(it));
	} else {
		pc_set(c, PC_FAIL, "ended with exit status %d%s%s", it->exit_status,
		       it->message != NULL ? ": " : "", it->message != NULL ? it->message : "");
		pc_fix(c, "Read its output here and in /home/post_migration.* on the client.");
	}
}

static void pc_check_compare(struct postcheck *pc, const struct snapshot *before,
                             const char *before_error)
{
	struct postcheck_check *c = pc_check(pc, "compare", "Compared with the snapshot");
	size_t n, known;

	if (before == NULL) {
		if (before_error != NULL) {
			pc_set(c, PC_FAIL, "the newest snapshot cannot be used: %s", before_error);
			pc_fix(c, "Give another snapshot with --snapshot FILE.");
		} else {
			pc_set(c, PC_SKIPPED, "no snapshot of %s", pc->client);
			pc_fix(c, "Take one before the next migration: nimadm-tui snapshot -c %s",
			       pc->client);
		}
		return;
	}
	compare_snapshots(before, pc->current, &pc->diff);
	pc->compared = 1;
	n = compare_count(&pc->diff, CMP_AREA_COUNT);
	known = compare_count_known(&pc->diff);
	if (n == 0) {
		pc_set(c, PC_PASS, "no change since the snapshot of %s",
		       before->taken_at != NULL ? before->taken_at : "?");
	} else {
		pc_set(c, PC_WARN, "%zu change%s since the snapshot of %s, %zu known reset%s", n,
		       n == 1 ? "" : "s", before->taken_at != NULL ? before->taken_at : "?", known,
		       known == 1 ? "" : "s");
		pc_fix(c,
		       "Review the changes below; the restore commands put the old values back.");
	}
	for (size_t i = 0; i < pc->diff.n && c->evidence.n < PC_EVIDENCE_MAX; i++) {
		const struct compare_change *ch = &pc->diff.v[i];
		if (!ch->known_reset)
			continue;
		strv_pushf(&c->evidence, "%s: %s -> %s%s%s", ch->item,
		           ch->before != NULL ? ch->before : "(none)",
		           ch->after != NULL ? ch->after : "(none)",
		           ch->restore != NULL ? "  restore: " : "",
		           ch->restore != NULL ? ch->restore : "");
	}
}

static void pc_judge(struct postcheck *pc, const struct snapshot *before, const char *before_error,
                     int no_pm)
{
	struct pc_disks d;
	const struct snapshot_item *pv = snapshot_find(pc->current, "lspv");
	const char *text;
	size_t len;

	memset(&d, 0, sizeof d);
	if ((text = pc_text(pv, &len)) != NULL && pv->exit_status == 0 &&
	    aixparse_lspv(text, len, &d.pv, NULL) == 0)
		d.ok = 1;
	pc_check_oslevel(pc, before);
	pc_check_rootvg(pc, &d);
	pc_check_bootlist(pc, &d);
	pc_check_lppchk(pc);
	pc_check_instfix(pc);
	pc_check_post_migration(pc, no_pm);
	pc_check_compare(pc, before, before_error);
	aixparse_lspv_clear(&d.pv);
}

/* ---- the run ------------------------------------------------------------------------------ */

struct postcheck_run {
	struct site *site;
	struct cmdset *set;
	struct postcheck_cb cb;
	char *client;
	char *target;
	char *target_source;
	int no_pm;
	int no_save;
	struct snapshot *before;
	char *before_error;
	struct snap_collect *col;
	int col_done;
	struct snapshot *current;
	struct err col_err;
	struct cmd *spot_cmd;
	struct strbuf spot_out;
	char *spot;
	char *job_id;
	int finished;
	int cancelled; /* the spot command's done frees the run */
};

static void pc_run_free(struct postcheck_run *r)
{
	free(r->client);
	free(r->target);
	free(r->target_source);
	snapshot_free(&r->before);
	free(r->before_error);
	snapshot_free(&r->current);
	sb_free(&r->spot_out);
	free(r->spot);
	free(r->job_id);
	free(r);
}

static void pc_maybe_finish(struct postcheck_run *r)
{
	struct postcheck_cb cb = r->cb;
	struct postcheck *pc;
	struct err e;

	if (!r->col_done || r->spot_cmd != NULL || r->finished)
		return;
	r->finished = 1;
	err_clear(&e);
	if (r->current == NULL) {
		cb.done(cb.arg, NULL, &r->col_err);
		pc_run_free(r);
		return;
	}
	pc = xcalloc(1, sizeof *pc);
	pc->client = xstrdup(r->client);
	pc->checked = r->current->taken;
	pc->checked_at = xstrdup(r->current->taken_at);
	pc->current = r->current;
	r->current = NULL;
	if (pc->current->oslevel != NULL)
		pc->oslevel = xstrdup(pc->current->oslevel);
	if (r->target != NULL) {
		pc->target = xstrdup(r->target);
		pc->target_source = r->target_source != NULL ? xstrdup(r->target_source) : NULL;
	}
	if (r->before != NULL) {
		pc->snapshot_path = r->before->path != NULL ? xstrdup(r->before->path) : NULL;
		pc->snapshot_taken_at =
		    r->before->taken_at != NULL ? xstrdup(r->before->taken_at) : NULL;
		pc->snapshot_oslevel =
		    r->before->oslevel != NULL ? xstrdup(r->before->oslevel) : NULL;
	}
	pc_judge(pc, r->before, r->before_error, r->no_pm);
	if (!r->no_save)
		(void)postcheck_save(r->site, pc, &e);
	pc_run_free(r);
	cb.done(cb.arg, pc, e.msg[0] != '\0' ? &e : NULL);
}

static void pc_col_line(void *arg, const char *name, enum cmd_stream s, const char *line,
                        size_t len)
{
	struct postcheck_run *r = arg;

	if (strcmp(name, "post_migration") == 0 && r->cb.output != NULL)
		r->cb.output(r->cb.arg, s, line, len);
}

static void pc_col_progress(void *arg, const struct snapshot_item *it, size_t finished,
                            size_t total)
{
	struct postcheck_run *r = arg;

	if (r->cb.progress != NULL)
		r->cb.progress(r->cb.arg, it, finished, total);
}

static void pc_col_done(void *arg, struct snapshot *snap, const struct err *e)
{
	struct postcheck_run *r = arg;

	r->col = NULL;
	r->col_done = 1;
	r->current = snap;
	if (snap == NULL && e != NULL)
		r->col_err = *e;
	pc_maybe_finish(r);
}

static void pc_spot_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct postcheck_run *r = arg;

	(void)c;
	if (s == CMD_STDOUT && r->spot_out.len < 1024 * 1024)
		sb_add(&r->spot_out, buf, len);
}

/* The SPOT's level from `lsnim -l SPOT`: oslevel_s, else oslevel_r. */
static void pc_spot_done(void *arg, struct cmd *c, const struct cmd_result *res)
{
	struct postcheck_run *r = arg;
	struct aix_stanzas ss;

	(void)c;
	r->spot_cmd = NULL;
	if (r->cancelled) {
		pc_run_free(r);
		return;
	}
	if (res->exited && res->status == 0 &&
	    aixparse_lsnim_long(sb_str(&r->spot_out), r->spot_out.len, &ss, NULL) == 0) {
		const struct aix_stanza *st = aixparse_stanzas_find(&ss, r->spot);
		const char *lv = st != NULL ? aixparse_stanza_get(st, "oslevel_s") : NULL;
		struct aix_level l;
		if (lv == NULL && st != NULL)
			lv = aixparse_stanza_get(st, "oslevel_r");
		if (lv != NULL && level_parse_oslevel(lv, &l, NULL) == 0) {
			r->target = xstrdup(lv);
			r->target_source = xasprintf("job %s: SPOT %s", r->job_id, r->spot);
		}
	}
	aixparse_stanzas_clear(&ss);
	pc_maybe_finish(r);
}

/* The SPOT of the client's newest job that names one, from the journal. */
static void pc_find_job_spot(struct postcheck_run *r)
{
	struct job_info *jobs = NULL;
	size_t n = 0;

	if (job_list(r->site, &jobs, &n, NULL) != 0)
		return;
	for (size_t i = n; i-- > 0 && r->spot == NULL;) {
		struct job_info *j = &jobs[i];
		enum nimadm_mode m;
		struct nimadm_params *p;
		const char *spot;

		if (j->client == NULL || strcmp(j->client, r->client) != 0 ||
		    j->params_ini == NULL || j->mode == NULL ||
		    params_mode_find(j->mode, &m, NULL) != 0)
			continue;
		p = params_new(m);
		if (params_load_ini_string(p, j->params_ini, NULL) == 0 &&
		    (spot = params_get(p, "spot")) != NULL && snapshot_client_valid(spot)) {
			r->spot = xstrdup(spot);
			r->job_id = xstrdup(j->id);
		}
		params_free(&p);
	}
	job_list_free(&jobs, n);
}

static const char *const pc_argv_lppchk[] = { "lppchk", "-v", NULL };
static const char *const pc_argv_instfix[] = { "instfix", "-i", NULL };
static const char *const pc_argv_lsvg[] = { "lsvg", "rootvg", NULL };
static const char *const pc_argv_pm[] = { PC_PM_PATH, NULL };

struct postcheck_run *postcheck_run_start(struct site *s, struct cmdset *set,
                                          const struct postcheck_opts *o,
                                          const struct postcheck_cb *cb, struct err *e)
{
	struct postcheck_run *r;
	struct snap_extra extra[4];
	struct snap_collect_opts co;
	struct snap_collect_cb ccb;
	size_t nextra = 0;
	struct aix_level lv;

	if (o == NULL || cb == NULL || cb->done == NULL) {
		err_set(e, "postcheck: no options or no done callback");
		return NULL;
	}
	if (!snapshot_client_valid(o->client)) {
		err_set_field(e, "client", "not a valid NIM client name: %s",
		              o->client != NULL ? o->client : "(none)");
		return NULL;
	}
	if (o->target != NULL && level_parse_oslevel(o->target, &lv, NULL) != 0) {
		err_set_field(e, "target", "not an AIX level (like 7300-02-02-2420 or 7300-02): %s",
		              o->target);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->site = s;
	r->set = set != NULL ? set : s->set;
	r->cb = *cb;
	r->client = xstrdup(o->client);
	r->no_pm = o->no_post_migration;
	r->no_save = o->no_save;
	if (o->snapshot != NULL) {
		r->before = snapshot_open(o->snapshot, e);
		if (r->before == NULL) {
			pc_run_free(r);
			return NULL;
		}
		if (strcmp(r->before->client, o->client) != 0) {
			err_set(e, "%s is a snapshot of %s, not of %s", o->snapshot,
			        r->before->client, o->client);
			pc_run_free(r);
			return NULL;
		}
	} else {
		char *newest = snapshot_newest(s, o->client);
		if (newest != NULL) {
			struct err oe;
			err_clear(&oe);
			r->before = snapshot_open(newest, &oe);
			if (r->before == NULL)
				r->before_error = xstrdup(oe.msg);
			free(newest);
		}
	}
	if (o->target != NULL) {
		r->target = xstrdup(o->target);
		r->target_source = xstrdup("given");
	} else {
		pc_find_job_spot(r);
	}

	extra[nextra++] = (struct snap_extra){ "lppchk_v", pc_argv_lppchk, 0, 0, 0 };
	extra[nextra++] = (struct snap_extra){ "instfix_i", pc_argv_instfix, 0, 0, 0 };
	extra[nextra++] = (struct snap_extra){ "lsvg_rootvg", pc_argv_lsvg, 0, 0, 0 };
	if (!o->no_post_migration)
		extra[nextra++] = (struct snap_extra){ "post_migration", pc_argv_pm,
			                               o->post_migration_timeout_ms > 0
			                                   ? o->post_migration_timeout_ms
			                                   : PC_PM_TIMEOUT_MS,
			                               1, 1 };
	memset(&co, 0, sizeof co);
	co.client = o->client;
	co.timeout_ms = o->timeout_ms;
	co.max_running = o->max_running;
	co.extra = extra;
	co.nextra = nextra;
	ccb = (struct snap_collect_cb){
		.line = pc_col_line, .progress = pc_col_progress, .done = pc_col_done, .arg = r
	};
	r->col = snap_collect_start(s, r->set, &co, &ccb, e);
	if (r->col == NULL) {
		pc_run_free(r);
		return NULL;
	}
	if (r->spot != NULL) {
		const char *argv[] = { "lsnim", "-l", r->spot, NULL };
		struct cmd_spec spec = { .host = s->master, .argv = argv, .timeout_ms = 30000 };
		struct cmd_cb ccb2 = { .data = pc_spot_data, .done = pc_spot_done, .arg = r };
		/* Without it the check only has the snapshot's level to go by. */
		r->spot_cmd = cmd_start(r->set, &spec, &ccb2, NULL);
	}
	return r;
}

void postcheck_run_cancel(struct postcheck_run **rp)
{
	struct postcheck_run *r = *rp;

	if (r == NULL)
		return;
	*rp = NULL;
	snap_collect_cancel(&r->col);
	if (r->spot_cmd != NULL) {
		/* Its done still comes, and frees the run. */
		r->cancelled = 1;
		cmd_cancel(r->spot_cmd);
		return;
	}
	pc_run_free(r);
}

struct pc_sync {
	int finished;
	struct postcheck *pc;
	struct err err;
	const struct postcheck_cb *user;
};

static void pc_sync_output(void *arg, enum cmd_stream s, const char *line, size_t len)
{
	struct pc_sync *sy = arg;

	if (sy->user != NULL && sy->user->output != NULL)
		sy->user->output(sy->user->arg, s, line, len);
}

static void pc_sync_progress(void *arg, const struct snapshot_item *it, size_t finished,
                             size_t total)
{
	struct pc_sync *sy = arg;

	if (sy->user != NULL && sy->user->progress != NULL)
		sy->user->progress(sy->user->arg, it, finished, total);
}

static void pc_sync_done(void *arg, struct postcheck *pc, const struct err *e)
{
	struct pc_sync *sy = arg;

	sy->finished = 1;
	sy->pc = pc;
	if (e != NULL)
		sy->err = *e;
}

struct postcheck *postcheck_run(struct site *s, const struct postcheck_opts *o,
                                const struct postcheck_cb *cb, struct err *e)
{
	struct pc_sync sy;
	struct postcheck_cb scb = { .output = pc_sync_output,
		                    .progress = pc_sync_progress,
		                    .done = pc_sync_done,
		                    .arg = &sy };
	struct postcheck_run *r;

	memset(&sy, 0, sizeof sy);
	sy.user = cb;
	r = postcheck_run_start(s, s->set, o, &scb, e);
	if (r == NULL)
		return NULL;
	while (!sy.finished) {
		cmdset_run(s->set, -1);
		if (!sy.finished && cmdset_active(s->set) == 0) {
			postcheck_run_cancel(&r);
			err_set(e, "the post-migration check stalled");
			return NULL;
		}
	}
	if (e != NULL) {
		if (sy.err.msg[0] != '\0')
			*e = sy.err;
		else
			err_clear(e);
	}
	return sy.pc;
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void pc_json_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL) {
		char *u = snap_utf8_dup(v);
		cJSON_AddStringToObject(o, key, u);
		free(u);
	} else {
		cJSON_AddNullToObject(o, key);
	}
}

static cJSON *pc_json_strv(const struct strv *sv)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < sv->n; i++) {
		char *u = snap_utf8_dup(sv->v[i]);
		cJSON_AddItemToArray(a, cJSON_CreateString(u));
		free(u);
	}
	return a;
}

cJSON *postcheck_to_json(const struct postcheck *pc)
{
	cJSON *root = cJSON_CreateObject(), *checks, *changes, *counts, *snap, *items;

	pc_json_str(root, "client", pc->client);
	pc_json_str(root, "checked_at", pc->checked_at);
	pc_json_str(root, "verdict", postcheck_verdict_name(postcheck_worst(pc)));
	pc_json_str(root, "oslevel", pc->oslevel);
	pc_json_str(root, "target", pc->target);
	pc_json_str(root, "target_source", pc->target_source);
	if (pc->snapshot_path != NULL || pc->snapshot_taken_at != NULL) {
		snap = cJSON_AddObjectToObject(root, "snapshot");
		pc_json_str(snap, "path", pc->snapshot_path);
		pc_json_str(snap, "taken_at", pc->snapshot_taken_at);
		pc_json_str(snap, "oslevel", pc->snapshot_oslevel);
	} else {
		cJSON_AddNullToObject(root, "snapshot");
	}
	checks = cJSON_AddArrayToObject(root, "checks");
	for (size_t i = 0; i < pc->nchecks; i++) {
		const struct postcheck_check *c = &pc->checks[i];
		cJSON *o = cJSON_CreateObject();
		pc_json_str(o, "id", c->id);
		pc_json_str(o, "title", c->title);
		pc_json_str(o, "verdict", postcheck_verdict_name(c->verdict));
		pc_json_str(o, "summary", c->summary);
		pc_json_str(o, "command", c->command);
		if (c->exit_status >= 0)
			cJSON_AddNumberToObject(o, "exit_status", c->exit_status);
		else
			cJSON_AddNullToObject(o, "exit_status");
		cJSON_AddItemToObject(o, "evidence", pc_json_strv(&c->evidence));
		pc_json_str(o, "fix", c->fix);
		cJSON_AddItemToArray(checks, o);
	}
	cJSON_AddBoolToObject(root, "compared", pc->compared);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "changes",
	                        (double)compare_count(&pc->diff, CMP_AREA_COUNT));
	cJSON_AddNumberToObject(counts, "known_resets", (double)compare_count_known(&pc->diff));
	for (int a = 0; a < CMP_AREA_COUNT; a++)
		cJSON_AddNumberToObject(counts, compare_area_name((enum compare_area)a),
		                        (double)compare_count(&pc->diff, (enum compare_area)a));
	changes = cJSON_AddArrayToObject(root, "changes");
	for (size_t i = 0; i < pc->diff.n; i++) {
		const struct compare_change *ch = &pc->diff.v[i];
		cJSON *o = cJSON_CreateObject();
		pc_json_str(o, "area", compare_area_name(ch->area));
		pc_json_str(o, "item", ch->item);
		pc_json_str(o, "before", ch->before);
		pc_json_str(o, "after", ch->after);
		cJSON_AddBoolToObject(o, "known_reset", ch->known_reset);
		pc_json_str(o, "kind", ch->kind);
		pc_json_str(o, "restore", ch->restore);
		pc_json_str(o, "note", ch->note);
		pc_json_str(o, "diff", ch->diff);
		cJSON_AddItemToArray(changes, o);
	}
	cJSON_AddItemToObject(root, "not_compared", pc_json_strv(&pc->diff.notes));
	items = cJSON_AddArrayToObject(root, "collected");
	for (size_t i = 0; pc->current != NULL && i < pc->current->nitems; i++) {
		const struct snapshot_item *it = &pc->current->items[i];
		cJSON *o = cJSON_CreateObject();
		pc_json_str(o, "name", it->name);
		pc_json_str(o, "status", snapshot_status_name(it->status));
		if (it->exit_status >= 0)
			cJSON_AddNumberToObject(o, "exit_status", it->exit_status);
		else
			cJSON_AddNullToObject(o, "exit_status");
		pc_json_str(o, "message", it->message);
		cJSON_AddItemToArray(items, o);
	}
	return root;
}

/* ---- text ----------------------------------------------------------------------------------- */

/* s escaped for a terminal, appended. */
static void pc_esc(struct strbuf *out, const char *s)
{
	char *e = cmd_escape_display(s, strlen(s));
	sb_adds(out, e);
	free(e);
}

static void pc_line(struct strbuf *out, const char *indent, const char *s)
{
	sb_adds(out, indent);
	pc_esc(out, s);
	sb_addc(out, '\n');
}

/* A multi-line text, each line indented. */
static void pc_block(struct strbuf *out, const char *indent, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *l = xstrndup(p, n);
		pc_line(out, indent, l);
		free(l);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

void postcheck_format_text(const struct postcheck *pc, struct strbuf *out)
{
	struct strv seen_notes = { 0 };
	int last_area = -1;

	sb_adds(out, "Post-migration check of ");
	pc_esc(out, pc->client);
	sb_addf(out, " at %s: %s\n", pc->checked_at != NULL ? pc->checked_at : "?",
	        postcheck_verdict_name(postcheck_worst(pc)));
	sb_adds(out, "Level now:  ");
	pc_esc(out, pc->oslevel != NULL ? pc->oslevel : "unknown");
	if (pc->target != NULL) {
		sb_adds(out, " (target ");
		pc_esc(out, pc->target);
		if (pc->target_source != NULL) {
			sb_adds(out, ", ");
			pc_esc(out, pc->target_source);
		}
		sb_addc(out, ')');
	}
	sb_addc(out, '\n');
	sb_adds(out, "Snapshot:   ");
	if (pc->snapshot_path != NULL) {
		pc_esc(out, pc->snapshot_path);
		sb_adds(out, " (taken ");
		pc_esc(out, pc->snapshot_taken_at != NULL ? pc->snapshot_taken_at : "?");
		sb_adds(out, ", level ");
		pc_esc(out, pc->snapshot_oslevel != NULL ? pc->snapshot_oslevel : "unknown");
		sb_adds(out, ")\n");
	} else {
		sb_adds(out, "none\n");
	}

	sb_adds(out, "\nCHECKS\n");
	for (size_t i = 0; i < pc->nchecks; i++) {
		const struct postcheck_check *c = &pc->checks[i];
		char verdict[16];
		size_t k;
		for (k = 0; postcheck_verdict_name(c->verdict)[k] != '\0' && k < sizeof verdict - 1;
		     k++)
			verdict[k] = (char)(postcheck_verdict_name(c->verdict)[k] & ~0x20);
		verdict[k] = '\0';
		sb_addf(out, "  %-7s %-15s ", verdict, c->id);
		pc_esc(out, c->summary != NULL ? c->summary : "");
		sb_addc(out, '\n');
		if (c->verdict == PC_PASS || c->verdict == PC_SKIPPED) {
			if (c->fix != NULL && c->verdict == PC_SKIPPED)
				pc_line(out, "                          ", c->fix);
			continue;
		}
		if (c->command != NULL) {
			sb_adds(out, "                          $ ");
			pc_esc(out, c->command);
			if (c->exit_status >= 0)
				sb_addf(out, "   (exit %d)", c->exit_status);
			sb_addc(out, '\n');
		}
		for (size_t e = 0; e < c->evidence.n; e++)
			pc_line(out, "                          > ", c->evidence.v[e]);
		if (c->fix != NULL)
			pc_line(out, "                          fix: ", c->fix);
	}

	if (pc->compared) {
		sb_addf(out, "\nCHANGES SINCE THE SNAPSHOT (%zu, %zu known reset%s)\n",
		        compare_count(&pc->diff, CMP_AREA_COUNT), compare_count_known(&pc->diff),
		        compare_count_known(&pc->diff) == 1 ? "" : "s");
		if (pc->diff.n == 0)
			sb_adds(out, "  none\n");
	}
	for (size_t i = 0; i < pc->diff.n; i++) {
		const struct compare_change *ch = &pc->diff.v[i];
		int seen = 0;
		if ((int)ch->area != last_area) {
			sb_addf(out, "\n%s\n", compare_area_title(ch->area));
			last_area = (int)ch->area;
		}
		sb_adds(out, "  ");
		pc_esc(out, ch->item);
		sb_adds(out, ": ");
		pc_esc(out, ch->before != NULL ? ch->before : "(none)");
		sb_adds(out, " -> ");
		pc_esc(out, ch->after != NULL ? ch->after : "(none)");
		if (ch->known_reset)
			sb_adds(out, "   [known reset]");
		sb_addc(out, '\n');
		if (ch->restore != NULL)
			pc_line(out, "      restore: ", ch->restore);
		if (ch->note != NULL) {
			for (size_t k = 0; k < seen_notes.n && !seen; k++)
				seen = strcmp(seen_notes.v[k], ch->note) == 0;
			if (!seen) {
				pc_block(out, "      | ", ch->note);
				strv_push(&seen_notes, ch->note);
			}
		}
		if (ch->diff != NULL)
			pc_block(out, "      ", ch->diff);
	}
	if (pc->diff.notes.n > 0) {
		sb_adds(out, "\nNOT COMPARED\n");
		for (size_t i = 0; i < pc->diff.notes.n; i++)
			pc_line(out, "  ", pc->diff.notes.v[i]);
	}
	strv_free(&seen_notes);
}

/* ---- saved results ------------------------------------------------------------------------------
 */

int postcheck_save(const struct site *s, struct postcheck *pc, struct err *e)
{
	char *dir = xasprintf("%s/postchecks", s->state_dir);
	cJSON *j;
	char *json, *base, *txtpath;
	struct strbuf text = { 0 };
	int rc = -1;
	FILE *f;
	int fd;

	if (site_mkdirs(dir, 1, e) != 0) {
		free(dir);
		return -1;
	}
	j = postcheck_to_json(pc);
	json = cJSON_Print(j);
	cJSON_Delete(j);
	base = snap_create_unique(dir, pc->client, pc->checked, ".json", json, strlen(json), e);
	cJSON_free(json);
	free(dir);
	if (base == NULL)
		return -1;
	free(pc->saved_json);
	pc->saved_json = base;
	txtpath = xasprintf("%.*s.txt", (int)(strlen(base) - 5), base);
	postcheck_format_text(pc, &text);
	fd = open(txtpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		err_set(e, "cannot create %s", txtpath);
		if (fd >= 0)
			close(fd);
	} else {
		size_t w = fwrite(text.buf != NULL ? text.buf : "", 1, text.len, f);
		if (fclose(f) != 0 || w != text.len) {
			err_set(e, "cannot write %s", txtpath);
		} else {
			free(pc->saved_text);
			pc->saved_text = txtpath;
			txtpath = NULL;
			rc = 0;
		}
	}
	free(txtpath);
	sb_free(&text);
	return rc;
}

char *postcheck_newest(const struct site *s, const char *client)
{
	char *dir, *r;

	if (!snapshot_client_valid(client))
		return NULL;
	dir = xasprintf("%s/postchecks", s->state_dir);
	r = snap_newest_in(dir, client, ".json");
	free(dir);
	return r;
}
