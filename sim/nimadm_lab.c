/*
 * nimadm_lab.c: what nimadm changes in the lab, through the state overlay
 * (sim/README.md, "Mutable state"): the clone's disks, volume group and
 * logical volumes on the client, the cache file systems in the master's
 * cache VG, the bootlist, the client's NIM state, the SPOT after -M, the new
 * mksysb of -O/-N, and the progress of a phased (-P) run. Each change is one
 * state transaction. Whatever nimadm takes back (a failure's cleanup, -C) is
 * restored to what the lab file says where that is the same thing, so a
 * clean lab has a small state.
 */
#include "nimadm.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NM_RECORD "nimsim:nimadm"
#define NM_READY  "ready for a NIM operation"
#define NM_BUSY   "alt_disk_install operation is being performed"
#define NM_ALTVG  "altinst_rootvg"

/* The lab as the state says now (other nimadm runs change it too). Owned. */
static struct sim_lab *lab_now(struct nm *nm)
{
	struct err e;
	struct sim_lab *lab;

	err_clear(&e);
	lab = sim_lab_load(nm->lab->path, nm->lab->state_dir, &e);
	if (lab == NULL)
		fprintf(stderr, "nimadm: nimsim: %s\n", e.msg);
	return lab;
}

/* The lab file alone: what "back to normal" means for a key. Borrowed from nm. */
static struct sim_lab *lab_pristine(struct nm *nm)
{
	struct err e;

	if (nm->pristine == NULL) {
		err_clear(&e);
		nm->pristine = sim_lab_load(nm->lab->path, NULL, &e);
	}
	return nm->pristine;
}

static struct sim_state *state_begin(struct nm *nm)
{
	struct err e;
	struct sim_state *st;

	err_clear(&e);
	st = sim_state_begin(nm->lab->state_dir, &e);
	if (st == NULL)
		fprintf(stderr, "nimadm: nimsim: %s\n", e.msg);
	return st;
}

static int state_commit(struct sim_state **st)
{
	struct err e;

	err_clear(&e);
	if (sim_state_commit(st, &e) != 0) {
		fprintf(stderr, "nimadm: nimsim: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Sets key to want, or deletes it when the lab file already says want (want NULL:
 * the item must not exist; pristine: what the lab file has, NULL when nothing). */
static void state_want(struct sim_state *st, const char *section, const char *key, const char *want,
                       const char *pristine)
{
	if (want == NULL)
		sim_state_set(st, section, key, pristine != NULL ? "" : NULL);
	else if (pristine != NULL && strcmp(want, pristine) == 0)
		sim_state_set(st, section, key, NULL);
	else
		sim_state_set(st, section, key, want);
}

static char *disk_def(const struct sim_disk *d, const char *vg)
{
	char *pv = d->pvid != NULL ? xstrdup(d->pvid) : xstrdup("none");
	char *r = vg != NULL ? xasprintf("%s size=%ld pvid=%s vg=%s", d->name, d->size_mb, pv, vg)
	                     : xasprintf("%s size=%ld pvid=%s", d->name, d->size_mb, pv);
	free(pv);
	return r;
}

static char *lv_def(const struct sim_lv *lv)
{
	return xasprintf("%s vg=%s type=%s lps=%d mount=%s state=%s", lv->name, lv->vg, lv->type,
	                 lv->lps, lv->mount, lv->state);
}

static const struct sim_lv *host_lv(const struct sim_host *h, const char *name)
{
	for (size_t i = 0; h != NULL && i < h->nlvs; i++)
		if (strcmp(h->lvs[i].name, name) == 0)
			return &h->lvs[i];
	return NULL;
}

/* The joined names of h's disks in vg ("hdisk0 hdisk1"). Owned. */
static char *vg_disks(const struct sim_host *h, const char *vg)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < h->ndisks; i++) {
		if (h->disks[i].vg == NULL || strcmp(h->disks[i].vg, vg) != 0)
			continue;
		if (sb.len > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, h->disks[i].name);
	}
	return sb_steal(&sb);
}

static char *host_bootlist(const struct sim_host *h)
{
	struct strv bl = { 0 };
	struct strbuf sb = { 0 };

	if (h == NULL)
		return NULL;
	sim_host_bootlist(h, &bl);
	for (size_t i = 0; i < bl.n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, bl.v[i]);
	}
	strv_free(&bl);
	return sb_steal(&sb);
}

/* ---- the record of a phased run ------------------------------------------------------ */

void nm_record_free(struct nm_record *r)
{
	strv_free(&r->disks);
	free(r->cache_vg);
	memset(r, 0, sizeof *r);
}

static void record_parse(const char *v, struct nm_record *r)
{
	struct strv w = { 0 };
	struct err e;

	memset(r, 0, sizeof *r);
	if (v == NULL || sim_words_split(v, &w, &e) != 0) {
		strv_free(&w);
		return;
	}
	r->exists = 1;
	for (size_t i = 0; i < w.n; i++) {
		const char *s = w.v[i];
		if (str_starts(s, "done=")) {
			for (s += 5; *s != '\0';) {
				char *end;
				long n = strtol(s, &end, 10);
				if (end == s)
					break;
				if (n >= 1 && n <= 12)
					r->done |= 1u << n;
				s = *end == ',' ? end + 1 : end;
			}
		} else if (str_starts(s, "disks=")) {
			char *copy = xstrdup(s + 6), *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t != NULL;
			     t = strtok_r(NULL, ",", &save))
				strv_push(&r->disks, t);
			free(copy);
		} else if (str_starts(s, "cache_vg=") && s[9] != '\0') {
			free(r->cache_vg);
			r->cache_vg = xstrdup(s + 9);
		}
	}
	strv_free(&w);
}

void nm_lab_record_get(struct nm *nm, struct nm_record *r)
{
	struct err e;
	struct sim_state *st = sim_state_load(nm->lab->state_dir, &e);

	record_parse(sim_state_get(st, NM_RECORD, nm->name), r);
	sim_state_free(&st);
}

int nm_lab_record_phase(struct nm *nm, int n)
{
	struct sim_state *st = state_begin(nm);
	struct nm_record r;
	struct strbuf sb = { 0 };

	if (st == NULL)
		return -1;
	record_parse(sim_state_get(st, NM_RECORD, nm->name), &r);
	r.done |= 1u << n;
	sb_adds(&sb, "done=");
	for (int i = 1, first = 1; i <= 12; i++) {
		if ((r.done & (1u << i)) == 0)
			continue;
		sb_addf(&sb, "%s%d", first ? "" : ",", i);
		first = 0;
	}
	if (nm->disks.n > 0) {
		sb_adds(&sb, " disks=");
		for (size_t i = 0; i < nm->disks.n; i++)
			sb_addf(&sb, "%s%s", i > 0 ? "," : "", nm->disks.v[i]);
	}
	if (nm->cache)
		sb_addf(&sb, " cache_vg=%s", nm->val['j']);
	sim_state_set(st, NM_RECORD, nm->name, sb_str(&sb));
	sb_free(&sb);
	nm_record_free(&r);
	return state_commit(&st);
}

/* ---- the master ------------------------------------------------------------------------ */

int nm_lab_nfs_first(struct nm *nm)
{
	struct sim_state *st = state_begin(nm);
	int first;

	if (st == NULL)
		return 0;
	first = sim_state_get(st, NM_RECORD, "nfsd") == NULL;
	if (!first) {
		sim_state_free(&st);
		return 0;
	}
	sim_state_set(st, NM_RECORD, "nfsd", "active");
	state_commit(&st);
	return 1;
}

char *nm_cache_lv_name(const char *client, const char *lv)
{
	static const char *const shorter[][2] = {
		{ "hd9var", "hd9v" },   { "hd10opt", "hd10o" },  { "hd11admin", "hd11a" },
		{ "livedump", "ldmp" }, { "lg_dumplv", "dump" },
	};
	unsigned long h = 2166136261UL;

	if (strlen(client) + 1 + strlen(lv) <= 15)
		return xasprintf("%s_%s", client, lv);
	for (size_t i = 0; i < ARRAY_LEN(shorter); i++)
		if (strcmp(lv, shorter[i][0]) == 0 &&
		    strlen(client) + 1 + strlen(shorter[i][1]) <= 15)
			return xasprintf("%s_%s", client, shorter[i][1]);
	for (const char *s = client; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	h = ((h ^ '/') * 16777619UL) & 0xffffffffUL;
	for (const char *s = lv; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	return xasprintf("nmc%08lx", h);
}

/* The host whose rootvg is copied: the client, else the mksysb's source (if the lab
 * has it), else the master as a stand-in for an image of a system the lab lacks. */
static const struct sim_host *source_host(struct nm *nm, const struct sim_lab *lab)
{
	const struct sim_host *h = NULL;

	if (nm->client != NULL)
		h = sim_lab_host(lab, nm->client->name);
	else if (nm->mksysb != NULL && nm->mksysb->source_image != NULL)
		h = sim_lab_host(lab, nm->mksysb->source_image);
	return h != NULL ? h : lab->hosts[0];
}

int nm_lab_cache(struct nm *nm, int create)
{
	struct sim_lab *now = lab_now(nm);
	struct sim_lab *pri = lab_pristine(nm);
	const struct sim_host *src, *m;
	const struct sim_vg *cvg, *rvg;
	struct sim_state *st;
	const struct sim_lv *lvs[256];
	size_t n;

	if (now == NULL)
		return -1;
	src = source_host(nm, now);
	m = now->hosts[0];
	rvg = sim_host_vg(src, "rootvg");
	cvg = nm->cache ? sim_host_vg(m, nm->val['j']) : NULL;
	n = nm_rootvg_lvs(src, lvs, ARRAY_LEN(lvs));
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *name, *key, *def = NULL;
		if (strcmp(lvs[i]->mount, "N/A") == 0)
			continue;
		name = nm_cache_lv_name(nm->name, lvs[i]->name);
		key = xasprintf("lv.%s", name);
		if (create && cvg != NULL && rvg != NULL) {
			long mb = (long)lvs[i]->lps * rvg->pp_size;
			long lps = (mb + cvg->pp_size - 1) / cvg->pp_size;
			def = xasprintf("%s vg=%s type=jfs2 lps=%ld mount=/%s_alt/alt_inst%s "
			                "state=open/syncd",
			                name, cvg->name, lps > 0 ? lps : 1, nm->name,
			                strcmp(lvs[i]->mount, "/") == 0 ? "" : lvs[i]->mount);
			sim_state_set(st, "master", key, def);
		} else if (!create && host_lv(m, name) != NULL) {
			const struct sim_lv *plv =
			    pri != NULL ? host_lv(pri->hosts[0], name) : NULL;
			char *pdef = plv != NULL ? lv_def(plv) : NULL;
			state_want(st, "master", key, NULL, pdef);
			free(pdef);
		}
		free(def);
		free(key);
		free(name);
	}
	sim_lab_free(&now);
	return state_commit(&st);
}

/* ---- the client's clone ----------------------------------------------------------------- */

int nm_lab_cstate_busy(struct nm *nm)
{
	struct sim_state *st;

	if (nm->client == NULL)
		return 0;
	if ((st = state_begin(nm)) == NULL)
		return -1;
	sim_state_set(st, nm->client->name, "nim.Cstate", NM_BUSY);
	return state_commit(&st);
}

/* The clone of a rootvg LV: alt_ prefix, mounted under /alt_inst. */
static char *alt_lv_def(const struct sim_lv *lv, int active)
{
	char *mount = strcmp(lv->mount, "N/A") == 0 ? xstrdup("N/A")
	              : strcmp(lv->mount, "/") == 0 ? xstrdup("/alt_inst")
	                                            : xasprintf("/alt_inst%s", lv->mount);
	char *r = xasprintf("alt_%s vg=" NM_ALTVG " type=%s lps=%d mount=%s state=%s", lv->name,
	                    lv->type, lv->lps, mount, active ? "open/syncd" : "closed/syncd");
	free(mount);
	return r;
}

int nm_lab_clone(struct nm *nm, size_t nlvs)
{
	struct sim_lab *now = lab_now(nm);
	const struct sim_host *src, *c;
	const struct sim_vg *rvg;
	const struct sim_lv *lvs[256];
	struct sim_state *st;
	size_t n;

	if (now == NULL)
		return -1;
	c = sim_lab_host(now, nm->client->name);
	src = source_host(nm, now);
	rvg = sim_host_vg(src, "rootvg");
	n = nm_rootvg_lvs(src, lvs, ARRAY_LEN(lvs));
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		return -1;
	}
	for (size_t i = 0; i < nm->disks.n; i++) {
		const struct sim_disk *d = sim_host_disk(c, nm->disks.v[i]);
		char *key, *def;
		if (d == NULL)
			continue;
		key = xasprintf("disk.%s", d->name);
		def = disk_def(d, NM_ALTVG);
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
	{
		char *def =
		    xasprintf(NM_ALTVG " pp_size=%d state=active", rvg != NULL ? rvg->pp_size : 64);
		sim_state_set(st, c->name, "vg." NM_ALTVG, def);
		free(def);
	}
	for (size_t i = 0; i < n && i < nlvs; i++) {
		char *key = xasprintf("lv.alt_%s", lvs[i]->name), *def = alt_lv_def(lvs[i], 1);
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
	/* the level the clone boots into (shutdown -r, lvmops.c) */
	sim_state_set(st, "nimsim:altinst", c->name, nm->spot->oslevel);
	sim_lab_free(&now);
	return state_commit(&st);
}

/* altinst_rootvg varied on or off, its LVs open or closed. */
static void alt_state(struct sim_state *st, const struct sim_host *c, int active)
{
	const struct sim_vg *v = sim_host_vg(c, NM_ALTVG);
	char *def;

	if (v == NULL)
		return;
	def = xasprintf(NM_ALTVG " pp_size=%d state=%s vgid=%s", v->pp_size,
	                active ? "active" : "varyoff", v->vgid);
	sim_state_set(st, c->name, "vg." NM_ALTVG, def);
	free(def);
	for (size_t i = 0; i < c->nlvs; i++) {
		struct sim_lv lv = c->lvs[i];
		char *key;
		if (strcmp(lv.vg, NM_ALTVG) != 0)
			continue;
		lv.state = active ? "open/syncd" : "closed/syncd";
		key = xasprintf("lv.%s", lv.name);
		def = lv_def(&lv);
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
}

int nm_lab_sleep(struct nm *nm, int set_bootlist)
{
	struct sim_lab *now = lab_now(nm);
	const struct sim_host *c;
	struct sim_state *st;

	if (now == NULL)
		return -1;
	c = sim_lab_host(now, nm->client->name);
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		return -1;
	}
	alt_state(st, c, 0);
	if (set_bootlist) {
		char *bl = vg_disks(c, NM_ALTVG);
		if (*bl != '\0')
			sim_state_set(st, c->name, "bootlist", bl);
		free(bl);
	}
	sim_lab_free(&now);
	return state_commit(&st);
}

int nm_lab_wake(struct nm *nm)
{
	struct sim_lab *now = lab_now(nm);
	struct sim_state *st;

	if (now == NULL)
		return -1;
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		return -1;
	}
	alt_state(st, sim_lab_host(now, nm->client->name), 1);
	sim_lab_free(&now);
	return state_commit(&st);
}

/* The client's Cstate back to ready (as the lab file has it when it says the same). */
static void cstate_ready(struct nm *nm, struct sim_state *st)
{
	struct sim_lab *pri = lab_pristine(nm);
	const struct sim_host *ph = pri != NULL ? sim_lab_host(pri, nm->client->name) : NULL;
	const char *p = ph != NULL ? sim_attrs_get(&ph->nim, "Cstate") : NULL;

	state_want(st, nm->client->name, "nim.Cstate", NM_READY, p != NULL ? p : NM_READY);
}

int nm_lab_finish(struct nm *nm)
{
	struct sim_state *st = state_begin(nm);

	if (st == NULL)
		return -1;
	if (nm->client != NULL)
		cstate_ready(nm, st);
	sim_state_set(st, NM_RECORD, nm->name, NULL);
	return state_commit(&st);
}

int nm_lab_undo(struct nm *nm, int keep_cache)
{
	struct sim_lab *now = lab_now(nm);
	struct sim_lab *pri = lab_pristine(nm);
	const struct sim_host *c = NULL, *pc = NULL;
	struct sim_state *st;

	if (now == NULL)
		return -1;
	if (!keep_cache) {
		sim_lab_free(&now);
		if (nm_lab_cache(nm, 0) != 0)
			return -1;
		if ((now = lab_now(nm)) == NULL)
			return -1;
	}
	if (nm->client != NULL) {
		c = sim_lab_host(now, nm->client->name);
		pc = pri != NULL ? sim_lab_host(pri, nm->client->name) : NULL;
	}
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		return -1;
	}
	if (c != NULL && (nm->mode == NM_MIGRATE || nm->mode == NM_M2C || nm->mode == NM_CLEANUP)) {
		const struct sim_vg *pv = pc != NULL ? sim_host_vg(pc, NM_ALTVG) : NULL;
		char *rootvg = vg_disks(c, "rootvg"), *pbl = host_bootlist(pc);
		for (size_t i = 0; i < c->nlvs; i++) {
			const struct sim_lv *lv = &c->lvs[i];
			const struct sim_lv *plv = host_lv(pc, lv->name);
			char *key, *pdef;
			if (strcmp(lv->vg, NM_ALTVG) != 0)
				continue;
			key = xasprintf("lv.%s", lv->name);
			pdef = plv != NULL ? lv_def(plv) : NULL;
			state_want(st, c->name, key, NULL, pdef);
			free(key);
			free(pdef);
		}
		state_want(st, c->name, "vg." NM_ALTVG, NULL, pv != NULL ? pv->name : NULL);
		for (size_t i = 0; i < c->ndisks; i++) {
			const struct sim_disk *d = &c->disks[i];
			const struct sim_disk *pd = pc != NULL ? sim_host_disk(pc, d->name) : NULL;
			char *key, *want, *pdef;
			if (d->vg == NULL || strcmp(d->vg, NM_ALTVG) != 0)
				continue;
			key = xasprintf("disk.%s", d->name);
			want = disk_def(d, NULL);
			pdef = pd != NULL ? disk_def(pd, pd->vg) : NULL;
			state_want(st, c->name, key, want, pdef);
			free(key);
			free(want);
			free(pdef);
		}
		if (*rootvg != '\0')
			state_want(st, c->name, "bootlist", rootvg, pbl);
		free(rootvg);
		free(pbl);
	}
	if (!keep_cache && nm->client != NULL)
		cstate_ready(nm, st);
	sim_state_set(st, NM_RECORD, nm->name, NULL);
	sim_lab_free(&now);
	return state_commit(&st);
}

int nm_lab_reboot(struct nm *nm)
{
	struct sim_lab *now = lab_now(nm);
	const struct sim_host *c;
	const struct sim_vg *rvg;
	struct sim_level from, to;
	char *old_fs = NULL, *new_fs = NULL, *def, *boot;
	struct sim_state *st;

	if (now == NULL)
		return -1;
	c = sim_lab_host(now, nm->client->name);
	rvg = sim_host_vg(c, "rootvg");
	if (sim_level_parse(c->oslevel, &from) == 0 &&
	    sim_level_parse(nm->spot->oslevel, &to) == 0) {
		old_fs = sim_level_fileset(&from);
		new_fs = sim_level_fileset(&to);
	}
	if ((st = state_begin(nm)) == NULL) {
		sim_lab_free(&now);
		free(old_fs);
		free(new_fs);
		return -1;
	}
	boot = vg_disks(c, NM_ALTVG);
	for (size_t i = 0; i < c->ndisks; i++) {
		const struct sim_disk *d = &c->disks[i];
		const char *vg = NULL;
		char *key;
		if (d->vg != NULL && strcmp(d->vg, NM_ALTVG) == 0)
			vg = "rootvg";
		else if (d->vg != NULL && strcmp(d->vg, "rootvg") == 0)
			vg = "old_rootvg";
		if (vg == NULL)
			continue;
		key = xasprintf("disk.%s", d->name);
		def = disk_def(d, vg);
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
	def = xasprintf("rootvg pp_size=%d", rvg != NULL ? rvg->pp_size : 64);
	sim_state_set(st, c->name, "vg.rootvg", def);
	free(def);
	def = xasprintf("old_rootvg pp_size=%d state=varyoff", rvg != NULL ? rvg->pp_size : 64);
	sim_state_set(st, c->name, "vg.old_rootvg", def);
	free(def);
	sim_state_set(st, c->name, "vg." NM_ALTVG, "");
	for (size_t i = 0; i < c->nlvs; i++) {
		if (strcmp(c->lvs[i].vg, NM_ALTVG) == 0) {
			char *key = xasprintf("lv.%s", c->lvs[i].name);
			sim_state_set(st, c->name, key, "");
			free(key);
		}
	}
	sim_state_set(st, c->name, "oslevel", nm->spot->oslevel);
	/* rootvg's LVs follow the new disks; what the lab says the new level resets (aixcfg.c) */
	sim_lv_unpin(st, c, "rootvg");
	sim_cfg_migrated(st, now, c, nm->spot->oslevel);
	/* the base filesets were at the old level: now at the new one */
	for (size_t i = 0; old_fs != NULL && i < c->filesets.n; i++) {
		const struct sim_fileset *f = &c->filesets.v[i];
		char *key;
		if (strcmp(f->level, old_fs) != 0)
			continue;
		key = xasprintf("fileset.%s", f->name);
		def = xasprintf("%s %s parts=%s", f->name, new_fs,
		                f->parts == (SIM_PART_USR | SIM_PART_ROOT) ? "usr,root"
		                : f->parts == SIM_PART_ROOT                ? "root"
		                                                           : "usr");
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
	if (*boot != '\0')
		sim_state_set(st, c->name, "bootlist", boot);
	free(boot);
	free(old_fs);
	free(new_fs);
	sim_lab_free(&now);
	return state_commit(&st);
}

/* ---- resources ----------------------------------------------------------------------------- */

int nm_lab_sync_spot(struct nm *nm, const char *level)
{
	static const char *const names[] = { "bos.alt_disk_install.rte",
		                             "bos.alt_disk_install.boot_images" };
	struct sim_state *st = state_begin(nm);

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *key, *def;
		if (sim_filesets_find(&nm->spot->filesets, names[i]) == NULL)
			continue;
		key = xasprintf("fileset.%s", names[i]);
		def = xasprintf("%s %s", names[i], level);
		sim_state_set(st, nm->spot->name, key, def);
		free(key);
		free(def);
	}
	return state_commit(&st);
}

int nm_lab_mksysb(struct nm *nm)
{
	const char *path = nm->val['O'], *newres = nm->val['N'];
	const char *src = nm->client != NULL                 ? nm->client->name
	                  : nm->mksysb->source_image != NULL ? nm->mksysb->source_image
	                                                     : nm->mksysb->name;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	long size = nm->mksysb != NULL && nm->mksysb->size_mb > 0 ? nm->mksysb->size_mb : 14336;
	FILE *f;

	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%a %b %d %H:%M:%S %Y", &tm);
	f = sim_files_open(nm->lab, nm->master, path, "w");
	if (f == NULL) {
		nm_say(nm, "mksysb: Cannot create %s.", path);
		return -1;
	}
	fprintf(f, "nimsim mksysb image (not a real backup)\n");
	fprintf(f, "source_image = %s\noslevel = %s\ncreated = %s\nsize_mb = %ld\n", src,
	        nm->spot->oslevel, date, size);
	fclose(f);
	if (newres != NULL) {
		struct sim_state *st = state_begin(nm);
		char num[32];
		if (st == NULL)
			return -1;
		snprintf(num, sizeof num, "%ld", size);
		sim_state_set(st, newres, "type", "mksysb");
		sim_state_set(st, newres, "location", path);
		sim_state_set(st, newres, "oslevel", nm->spot->oslevel);
		sim_state_set(st, newres, "source_image", src);
		sim_state_set(st, newres, "creation_date", date);
		sim_state_set(st, newres, "size_mb", num);
		return state_commit(&st);
	}
	return 0;
}
