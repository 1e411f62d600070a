/*
 * lvmops.c: where logical volume copies lie (the placement every LVM view
 * shares) and the commands that change it: unmirrorvg, reducevg, chpv -c,
 * bosboot, lslv, and shutdown -r, which boots the first disk of the boot list
 * (an altinst_rootvg clone becomes rootvg at its level; a disk without a boot
 * image leaves the LPAR in its firmware, unreachable).
 */
#include "simops.h"

#include <stdlib.h>
#include <string.h>

#define LVMOPS_MAXCOPIES 3

int sim_lv_copies(const struct sim_host *h, const struct sim_lv *lv)
{
	const struct sim_vg *v;

	if (lv->copies > 0)
		return lv->copies;
	v = sim_host_vg(h, lv->vg);
	return v != NULL ? v->copies : 1;
}

/* ---- placement ---------------------------------------------------------------------- */

static size_t lvmops_idx(const struct sim_vg_map *m, size_t lv, int copy, size_t disk)
{
	return ((size_t)lv * LVMOPS_MAXCOPIES + (size_t)copy) * m->ndisks + disk;
}

static void lvmops_place(struct sim_vg_map *m, size_t lv, int copy, size_t disk, long *need)
{
	long room = m->total[disk] - m->used[disk];
	long take = room < *need ? room : *need;
	size_t i = lvmops_idx(m, lv, copy, disk);

	if (take <= 0)
		return;
	if (m->pps[i] == 0)
		m->first[i] = m->used[disk] + 1;
	m->pps[i] += take;
	m->used[disk] += take;
	*need -= take;
}

/* The index of disk name among the map's disks, or -1. */
static long lvmops_disk_index(const struct sim_vg_map *m, const char *name)
{
	for (size_t d = 0; d < m->ndisks; d++)
		if (strcmp(m->disks[d]->name, name) == 0)
			return (long)d;
	return -1;
}

/* The k-th disk named in an LV's pvs, or -1. */
static long lvmops_pinned(const struct sim_vg_map *m, const struct sim_lv *lv, int k)
{
	char *copy, *save = NULL, *t;
	long found = -1;
	int i = 0;

	if (lv->pvs == NULL)
		return -1;
	copy = xstrdup(lv->pvs);
	for (t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save), i++)
		if (i == k) {
			found = lvmops_disk_index(m, t);
			break;
		}
	free(copy);
	return found;
}

void sim_vg_map(const struct sim_host *h, const struct sim_vg *v, struct sim_vg_map *m)
{
	int maxc = 1;

	memset(m, 0, sizeof *m);
	m->vg = v;
	m->disks = xcalloc(h->ndisks + 1, sizeof *m->disks);
	m->total = xcalloc(h->ndisks + 1, sizeof *m->total);
	m->used = xcalloc(h->ndisks + 1, sizeof *m->used);
	for (size_t i = 0; i < h->ndisks; i++) {
		const struct sim_disk *d = &h->disks[i];
		if (d->vg == NULL || strcmp(d->vg, v->name) != 0)
			continue;
		m->total[m->ndisks] = sim_disk_pps(d->size_mb, v->pp_size);
		m->disks[m->ndisks++] = d;
	}
	m->lvs = xcalloc(h->nlvs + 1, sizeof *m->lvs);
	m->copies = xcalloc(h->nlvs + 1, sizeof *m->copies);
	for (size_t i = 0; i < h->nlvs; i++) {
		if (strcmp(h->lvs[i].vg, v->name) != 0)
			continue;
		m->copies[m->nlvs] = sim_lv_copies(h, &h->lvs[i]);
		if (m->copies[m->nlvs] > LVMOPS_MAXCOPIES)
			m->copies[m->nlvs] = LVMOPS_MAXCOPIES;
		if (m->copies[m->nlvs] > maxc)
			maxc = m->copies[m->nlvs];
		m->lvs[m->nlvs++] = &h->lvs[i];
	}
	m->pps = xcalloc(m->nlvs * LVMOPS_MAXCOPIES * m->ndisks + 1, sizeof *m->pps);
	m->first = xcalloc(m->nlvs * LVMOPS_MAXCOPIES * m->ndisks + 1, sizeof *m->first);
	/* copy k of every LV, LV by LV: its pinned disk, else the disks i with
	 * i % copies == k, else (an overfull VG) any disk with room */
	for (int k = 0; k < maxc; k++) {
		for (size_t l = 0; l < m->nlvs; l++) {
			const struct sim_lv *lv = m->lvs[l];
			int mod = m->copies[l] > v->copies ? m->copies[l] : v->copies;
			long need = lv->lps, pin;
			if (k >= m->copies[l])
				continue;
			if ((pin = lvmops_pinned(m, lv, k)) >= 0)
				lvmops_place(m, l, k, (size_t)pin, &need);
			for (size_t d = 0; d < m->ndisks && need > 0; d++)
				if ((int)(d % (size_t)mod) == k)
					lvmops_place(m, l, k, d, &need);
			for (size_t d = 0; d < m->ndisks && need > 0; d++)
				lvmops_place(m, l, k, d, &need);
		}
	}
}

long sim_vg_map_pps(const struct sim_vg_map *m, size_t lv, int copy, size_t disk)
{
	if (lv >= m->nlvs || copy < 0 || copy >= LVMOPS_MAXCOPIES || disk >= m->ndisks)
		return 0;
	return m->pps[lvmops_idx(m, lv, copy, disk)];
}

void sim_vg_map_free(struct sim_vg_map *m)
{
	free(m->disks);
	free(m->total);
	free(m->used);
	free(m->lvs);
	free(m->copies);
	free(m->pps);
	free(m->first);
	memset(m, 0, sizeof *m);
}

/* The map's index of an LV, or -1. */
static long lvmops_lv_index(const struct sim_vg_map *m, const char *name)
{
	for (size_t l = 0; l < m->nlvs; l++)
		if (strcmp(m->lvs[l]->name, name) == 0)
			return (long)l;
	return -1;
}

/* Whether LV l has any PP of any copy on disk d. */
static int lvmops_on_disk(const struct sim_vg_map *m, size_t l, size_t d)
{
	for (int k = 0; k < m->copies[l]; k++)
		if (sim_vg_map_pps(m, l, k, d) > 0)
			return 1;
	return 0;
}

static int lvmops_boot_cleared(const struct sim_lab *lab, const struct sim_host *h,
                               const char *disk)
{
	struct sim_state *st;
	struct err e;
	char *key;
	int cleared;

	if (lab->state_dir == NULL || (st = sim_state_load(lab->state_dir, &e)) == NULL)
		return 0;
	key = xasprintf("%s:%s", h->name, disk);
	cleared = sim_state_get(st, SIMOPS_BOOT, key) != NULL;
	free(key);
	sim_state_free(&st);
	return cleared;
}

int sim_disk_bootable(const struct sim_lab *lab, const struct sim_host *h, const struct sim_disk *d)
{
	const struct sim_vg *v;
	struct sim_vg_map m;
	long di;
	int found = 0;

	if (d == NULL || d->vg == NULL || (v = sim_host_vg(h, d->vg)) == NULL)
		return 0;
	if (strcmp(d->vg, "altinst_rootvg") == 0 || strcmp(d->vg, "old_rootvg") == 0)
		return 1; /* a clone got its boot image from alt_disk_install */
	if (lvmops_boot_cleared(lab, h, d->name))
		return 0;
	sim_vg_map(h, v, &m);
	di = lvmops_disk_index(&m, d->name);
	for (size_t l = 0; l < m.nlvs && di >= 0; l++)
		if (strcmp(m.lvs[l]->type, "boot") == 0 && lvmops_on_disk(&m, l, (size_t)di))
			found = 1;
	sim_vg_map_free(&m);
	return found;
}

/* The disks holding copy k of LV l, joined by commas (the first one for each copy). */
static char *lvmops_pvs_of(const struct sim_vg_map *m, size_t l, const int *keep, int nkeep)
{
	struct strbuf sb = { 0 };

	for (int i = 0; i < nkeep; i++) {
		for (size_t d = 0; d < m->ndisks; d++) {
			if (sim_vg_map_pps(m, l, keep[i], d) > 0) {
				if (sb.len > 0)
					sb_addc(&sb, ',');
				sb_adds(&sb, m->disks[d]->name);
				break;
			}
		}
	}
	return sb_steal(&sb);
}

/* ---- unmirrorvg ---------------------------------------------------------------------- */

static int lvmops_vg_usable(const struct sim_host *h, const char *cmd, const char *name,
                            const struct sim_vg **out)
{
	const struct sim_vg *v = sim_host_vg(h, name);

	if (v == NULL) {
		fprintf(stderr,
		        "0516-306 %s: Unable to find volume group %s in the Device\n"
		        "        Configuration Database.\n",
		        cmd, name);
		return -1;
	}
	if (!v->active) {
		fprintf(stderr,
		        "0516-010 %s: Volume group must be varied on; use varyonvg "
		        "command.\n",
		        cmd);
		return -1;
	}
	*out = v;
	return 0;
}

int sim_lvmops_unmirrorvg(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_vg *v;
	struct sim_opt o;
	struct sim_vg_map m;
	struct sim_state *st;
	long listed[64];
	size_t nlisted = 0;
	int c, want = 1, changed = 0, boot_moved = 0, rc = 0, newmax = 1;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "c:")) != -1) {
		if (c == 'c' && (str_to_ll(o.arg) == 1 || str_to_ll(o.arg) == 2)) {
			want = (int)str_to_ll(o.arg);
			continue;
		}
		if (c == 'c')
			fprintf(stderr, "0516-1204 unmirrorvg: Value for -c must be 1 or 2.\n");
		else
			sim_opt_complain("unmirrorvg", c, o.opt);
		fputs("Usage: unmirrorvg [-c Copies] VolumeGroup [PhysicalVolume...]\n", stderr);
		return 1;
	}
	if (o.ind >= argc) {
		fputs("Usage: unmirrorvg [-c Copies] VolumeGroup [PhysicalVolume...]\n", stderr);
		return 1;
	}
	if (lvmops_vg_usable(h, "unmirrorvg", argv[o.ind], &v) != 0)
		return 1;
	sim_vg_map(h, v, &m);
	for (int i = o.ind + 1; i < argc; i++) {
		long d = lvmops_disk_index(&m, argv[i]);
		if (d < 0) {
			fprintf(stderr,
			        "0516-1132 unmirrorvg: %s is not a physical volume of %s.\n",
			        argv[i], v->name);
			sim_vg_map_free(&m);
			return 1;
		}
		if (nlisted < ARRAY_LEN(listed))
			listed[nlisted++] = d;
	}
	if ((st = simops_begin(ctx->lab, "unmirrorvg")) == NULL) {
		sim_vg_map_free(&m);
		return 1;
	}
	simops_wait(ctx->lab, 20000);
	/* every LV of the VG is written with its copies and disks, so the VG's own
	 * copies can change without moving any */
	for (size_t l = 0; l < m.nlvs; l++) {
		struct sim_lv lv = *m.lvs[l];
		int keep[LVMOPS_MAXCOPIES], nkeep = 0, drop = m.copies[l] - want, affected = 0;
		char *key, *def, *pvs;
		for (size_t i = 0; i < nlisted; i++)
			affected |= lvmops_on_disk(&m, l, (size_t)listed[i]);
		if (nlisted == 0)
			affected = 1;
		/* drop the copies on listed disks first, then the last copies */
		for (int k = m.copies[l] - 1; k >= 0; k--) {
			int on_listed = 0;
			for (size_t i = 0; i < nlisted; i++)
				on_listed |= sim_vg_map_pps(&m, l, k, (size_t)listed[i]) > 0;
			if (affected && drop > 0 && on_listed) {
				drop--;
				continue;
			}
			keep[nkeep++] = k;
		}
		/* keep[] is in descending order: restore copy order, then drop more if needed */
		for (int i = 0; i < nkeep / 2; i++) {
			int t = keep[i];
			keep[i] = keep[nkeep - 1 - i];
			keep[nkeep - 1 - i] = t;
		}
		while (affected && drop > 0 && nkeep > want) {
			nkeep--;
			drop--;
		}
		if (nkeep < m.copies[l]) {
			changed = 1;
			if (strcmp(lv.type, "boot") == 0)
				boot_moved = 1;
		}
		if (nkeep > newmax)
			newmax = nkeep;
		pvs = lvmops_pvs_of(&m, l, keep, nkeep);
		lv.copies = nkeep;
		lv.pvs = pvs;
		key = xasprintf("lv.%s", lv.name);
		def = simops_lv_def(&lv);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
		free(pvs);
	}
	if (!changed) {
		sim_state_free(&st);
		sim_vg_map_free(&m);
		fprintf(stderr,
		        "0516-1155 unmirrorvg: No logical volume of %s has a copy to remove%s%s.\n",
		        v->name, nlisted > 0 ? " on " : "", nlisted > 0 ? argv[o.ind + 1] : "");
		return 1;
	}
	{
		char *key = xasprintf("vg.%s", v->name), *def = simops_vg_def(v, newmax, 1);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
	/* the firmware's boot list does not follow: it stays as it was until bootlist */
	if (strcmp(v->name, "rootvg") == 0 && sim_state_get(st, h->name, "bootlist") == NULL &&
	    h->bootlist.n == 0) {
		struct strv bl = { 0 };
		struct strbuf sb = { 0 };
		sim_host_bootlist(h, &bl);
		for (size_t i = 0; i < bl.n; i++)
			sb_addf(&sb, "%s%s", i > 0 ? " " : "", bl.v[i]);
		if (sb.len > 0)
			sim_state_set(st, h->name, "bootlist", sb_str(&sb));
		sb_free(&sb);
		strv_free(&bl);
	}
	if (simops_commit(&st, "unmirrorvg") != 0)
		rc = 1;
	if (rc == 0 && boot_moved)
		fprintf(
		    stderr,
		    "0516-1246 rmlvcopy: If hd5 is the boot logical volume, please run 'chpv -c "
		    "<diskname>'\n"
		    "        as root user to clear the boot record and avoid a potential boot\n"
		    "        off an old boot image that may reside on the disk from which this\n"
		    "        logical volume is moved/removed.\n");
	if (rc == 0 && strcmp(v->name, "rootvg") == 0) {
		struct strbuf left = { 0 };
		for (size_t d = 0; d < m.ndisks; d++) {
			int gone = 0;
			for (size_t i = 0; i < nlisted; i++)
				gone |= listed[i] == (long)d;
			if (!gone)
				sb_addf(&left, "%s%s", left.len > 0 ? " " : "", m.disks[d]->name);
		}
		fprintf(stderr, "0516-1804 chvg: The quorum change takes effect immediately.\n");
		fprintf(
		    stderr,
		    "0516-1144 unmirrorvg: rootvg successfully unmirrored, user should perform\n"
		    "        bosboot of system to reinitialize boot records.  Then, user must "
		    "modify\n"
		    "        bootlist to just include:  %s.\n",
		    sb_str(&left));
		sb_free(&left);
	} else if (rc == 0) {
		fprintf(stderr, "0516-1133 unmirrorvg: Quorum requirement turned on, varyoff and "
		                "varyon\n"
		                "        volume group for this to take effect.\n");
	}
	sim_vg_map_free(&m);
	return rc;
}

/* ---- reducevg, chpv ------------------------------------------------------------------ */

int sim_lvmops_reducevg(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_vg *v;
	struct sim_opt o;
	struct sim_vg_map m;
	struct sim_state *st;
	size_t left;
	int c, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "dfr")) != -1) {
		if (c == 'd' || c == 'f' || c == 'r') {
			fprintf(stderr, "reducevg: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
		sim_opt_complain("reducevg", c, o.opt);
		fputs("Usage: reducevg [-d] [-f] VolumeGroup PhysicalVolume...\n", stderr);
		return 1;
	}
	if (o.ind + 2 > argc) {
		fputs("Usage: reducevg [-d] [-f] VolumeGroup PhysicalVolume...\n", stderr);
		return 1;
	}
	if (lvmops_vg_usable(h, "reducevg", argv[o.ind], &v) != 0)
		return 1;
	sim_vg_map(h, v, &m);
	left = m.ndisks;
	for (int i = o.ind + 1; i < argc; i++) {
		long d = lvmops_disk_index(&m, argv[i]);
		int used = 0;
		if (d < 0) {
			fprintf(stderr,
			        "0516-1008 reducevg: %s is not a physical volume of volume group "
			        "%s.\n",
			        argv[i], v->name);
			rc = 1;
			continue;
		}
		for (size_t l = 0; l < m.nlvs; l++)
			used |= lvmops_on_disk(&m, l, (size_t)d);
		if (used) {
			fprintf(
			    stderr,
			    "0516-016 ldeletepv: Cannot delete physical volume with allocated\n"
			    "        partitions. Use either migratepv to move the partitions or\n"
			    "        reducevg with the -d option to delete the partitions.\n"
			    "0516-884 reducevg: Unable to remove physical volume %s.\n",
			    argv[i]);
			rc = 1;
		}
		left--;
	}
	if (rc == 0 && left == 0 && strcmp(v->name, "rootvg") == 0) {
		fprintf(stderr, "0516-884 reducevg: Unable to remove physical volume %s.\n",
		        argv[argc - 1]);
		rc = 1;
	}
	if (rc != 0) {
		sim_vg_map_free(&m);
		return rc;
	}
	if ((st = simops_begin(ctx->lab, "reducevg")) == NULL) {
		sim_vg_map_free(&m);
		return 1;
	}
	simops_wait(ctx->lab, 5000);
	for (int i = o.ind + 1; i < argc; i++) {
		const struct sim_disk *d = sim_host_disk(h, argv[i]);
		char *key = xasprintf("disk.%s", d->name), *def = simops_disk_def(d, NULL);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
	if (left == 0) {
		char *key = xasprintf("vg.%s", v->name);
		sim_state_set(st, h->name, key, "");
		free(key);
	}
	rc = simops_commit(&st, "reducevg") == 0 ? 0 : 1;
	if (rc == 0 && left == 0)
		printf("ldeletepv: Volume Group deleted since it contains no physical volumes.\n");
	sim_vg_map_free(&m);
	return rc;
}

/* A boot record cleared (chpv -c) or written again (bosboot). */
static int lvmops_mark_boot(const struct sim_ctx *ctx, const char *disk, int cleared,
                            const char *cmd)
{
	struct sim_state *st = simops_begin(ctx->lab, cmd);
	char *key;

	if (st == NULL)
		return -1;
	key = xasprintf("%s:%s", ctx->host->name, disk);
	sim_state_set(st, SIMOPS_BOOT, key, cleared ? "cleared" : NULL);
	free(key);
	return simops_commit(&st, cmd);
}

int sim_lvmops_chpv(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	int c, clear = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "ca:h:r:v:C")) != -1) {
		if (c == 'c') {
			clear = 1;
			continue;
		}
		if (c == '?' || c == ':') {
			sim_opt_complain("chpv", c, o.opt);
			fputs("Usage: chpv [-h Hotspare] [-a Allocation] [-v Availability] [-c] "
			      "[-C]\n\t[-r ec|dc] PhysicalVolume...\n",
			      stderr);
			return 1;
		}
		fprintf(stderr, "chpv: nimsim does not simulate the -%c flag\n", c);
		return 2;
	}
	if (!clear || o.ind >= argc) {
		fputs("Usage: chpv [-h Hotspare] [-a Allocation] [-v Availability] [-c] [-C]\n"
		      "\t[-r ec|dc] PhysicalVolume...\n",
		      stderr);
		return 1;
	}
	for (int i = o.ind; i < argc; i++) {
		if (sim_host_disk(ctx->host, argv[i]) == NULL) {
			fprintf(stderr,
			        "0516-1396 chpv: The physical volume %s, was not found in the\n"
			        "system database.\n",
			        argv[i]);
			return 1;
		}
	}
	for (int i = o.ind; i < argc; i++)
		if (lvmops_mark_boot(ctx, argv[i], 1, "chpv") != 0)
			return 1;
	return 0;
}

/* ---- bosboot ----------------------------------------------------------------------------- */

int sim_lvmops_bosboot(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_disk *d;
	struct sim_opt o;
	const char *dev = "/dev/ipldevice", *name;
	struct strv bl = { 0 };
	int c, add = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "ad:qvDIklMT:b:p:")) != -1) {
		switch (c) {
		case 'a':
			add = 1;
			break;
		case 'd':
			dev = o.arg;
			break;
		case 'q':
		case 'v':
		case 'D':
		case 'I':
			break;
		case '?':
		case ':':
			sim_opt_complain("bosboot", c, o.opt);
			fputs("usage: bosboot {-a | -v} [-d device] [-p proto] [-k kernel] [-l "
			      "lvdev] [-b file]\n\t[-M norm|serv|both] [-D | -I] [-q] [-T type]\n",
			      stderr);
			return 1;
		default:
			fprintf(stderr, "bosboot: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
	}
	if (!add || o.ind < argc) {
		fputs("usage: bosboot {-a | -v} [-d device] [-p proto] [-k kernel] [-l lvdev] "
		      "[-b file]\n\t[-M norm|serv|both] [-D | -I] [-q] [-T type]\n",
		      stderr);
		return 1;
	}
	if (strcmp(dev, "/dev/ipldevice") == 0) {
		sim_host_bootlist(h, &bl);
		name = bl.n > 0 ? bl.v[0] : "hdisk0";
	} else {
		name = str_starts(dev, "/dev/") ? dev + 5 : dev;
	}
	d = sim_host_disk(h, name);
	if (d == NULL) {
		fprintf(stderr, "0301-150 bosboot: Invalid or no boot device specified!\n");
		strv_free(&bl);
		return 1;
	}
	{
		/* the disk must hold a copy of the boot logical volume */
		const struct sim_vg *v = d->vg != NULL ? sim_host_vg(h, d->vg) : NULL;
		struct sim_vg_map m;
		long di;
		int ok = 0;
		if (v != NULL) {
			sim_vg_map(h, v, &m);
			di = lvmops_disk_index(&m, d->name);
			for (size_t l = 0; l < m.nlvs && di >= 0; l++)
				if (strcmp(m.lvs[l]->type, "boot") == 0 &&
				    lvmops_on_disk(&m, l, (size_t)di))
					ok = 1;
			sim_vg_map_free(&m);
		}
		if (!ok) {
			fprintf(stderr,
			        "0301-168 bosboot: The current boot logical volume, /dev/hd5,\n"
			        "        does not exist on /dev/%s.\n",
			        d->name);
			strv_free(&bl);
			return 1;
		}
	}
	simops_wait(ctx->lab, 30000);
	if (lvmops_mark_boot(ctx, d->name, 0, "bosboot") != 0) {
		strv_free(&bl);
		return 1;
	}
	printf("\nbosboot: Boot image is 51228 512 byte blocks.\n");
	strv_free(&bl);
	return 0;
}

/* ---- lslv ---------------------------------------------------------------------------------- */

static void lvmops_lslv_map(const struct sim_vg_map *m, size_t l)
{
	const struct sim_lv *lv = m->lvs[l];

	printf("%s:%s\n", lv->name, lv->mount);
	printf("LP    PP1  PV1               PP2  PV2               PP3  PV3\n");
	for (int lp = 0; lp < lv->lps; lp++) {
		printf("%04d", lp + 1);
		for (int k = 0; k < m->copies[l]; k++) {
			long off = lp;
			for (size_t d = 0; d < m->ndisks; d++) {
				long n = sim_vg_map_pps(m, l, k, d);
				if (off < n) {
					printf("  %04ld %-16s",
					       m->first[lvmops_idx(m, l, k, d)] + off,
					       m->disks[d]->name);
					break;
				}
				off -= n;
			}
		}
		printf("\n");
	}
}

static void lvmops_lslv_info(const struct sim_host *h, const struct sim_vg_map *m, size_t l)
{
	const struct sim_lv *lv = m->lvs[l];
	const struct sim_vg *v = m->vg;
	char a[64], b[64];
	int pvs = 0;

	for (size_t d = 0; d < m->ndisks; d++)
		pvs += lvmops_on_disk(m, l, d);
#define ROW(l1, v1, l2, v2) printf("%-20s%-25s%-16s%s\n", l1, v1, l2, v2)
	ROW("LOGICAL VOLUME:", lv->name, "VOLUME GROUP:", v->name);
	snprintf(a, sizeof a, "%s.%zu", v->vgid, l + 1);
	ROW("LV IDENTIFIER:", a, "PERMISSION:", "read/write");
	ROW("VG STATE:", "active/complete", "LV STATE:", lv->state);
	snprintf(a, sizeof a, "%s", lv->type);
	ROW("TYPE:", a, "WRITE VERIFY:", "off");
	snprintf(a, sizeof a, "512");
	snprintf(b, sizeof b, "%d megabyte(s)", v->pp_size);
	ROW("MAX LPs:", a, "PP SIZE:", b);
	snprintf(a, sizeof a, "%d", m->copies[l]);
	ROW("COPIES:", a, "SCHED POLICY:", "parallel");
	snprintf(a, sizeof a, "%d", lv->lps);
	snprintf(b, sizeof b, "%d", lv->lps * m->copies[l]);
	ROW("LPs:", a, "PPs:", b);
	ROW("STALE PPs:", "0", "BB POLICY:", "relocatable");
	ROW("INTER-POLICY:", "minimum", "RELOCATABLE:", "yes");
	(void)pvs;
	ROW("INTRA-POLICY:", strcmp(lv->type, "boot") == 0 ? "edge" : "center",
	    "UPPER BOUND:", "32");
	ROW("MOUNT POINT:", lv->mount,
	    "LABEL:", strcmp(lv->mount, "N/A") == 0 ? "None" : lv->mount);
	ROW("DEVICE UID:", "0", "DEVICE GID:", "0");
	ROW("DEVICE PERMISSIONS:", "432", "", "");
	printf("MIRROR WRITE CONSISTENCY: %s\n", m->copies[l] > 1 ? "on/ACTIVE" : "on/ACTIVE");
	printf("EACH LP COPY ON A SEPARATE PV ?: yes\n");
	printf("Serialize IO ?:     NO\n");
	printf("INFINITE RETRY:     no                     PREFERRED READ: 0\n");
#undef ROW
	(void)h;
}

int sim_lvmops_lslv(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	int c, map = 0, rc = 1;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "mlLn:p:")) != -1) {
		if (c == 'm') {
			map = 1;
			continue;
		}
		if (c == 'L')
			continue;
		if (c == '?' || c == ':') {
			sim_opt_complain("lslv", c, o.opt);
			fputs("Usage: lslv [-L] [-l | -m] [-n PhysicalVolume] LogicalVolume\n"
			      "       lslv [-L] [-n PhysicalVolume] -p PhysicalVolume "
			      "[LogicalVolume]\n",
			      stderr);
			return 1;
		}
		fprintf(stderr, "lslv: nimsim does not simulate the -%c flag\n", c);
		return 2;
	}
	if (o.ind + 1 != argc) {
		fputs("Usage: lslv [-L] [-l | -m] [-n PhysicalVolume] LogicalVolume\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < h->nlvs; i++) {
		const struct sim_lv *lv = &h->lvs[i];
		const struct sim_vg *v;
		struct sim_vg_map m;
		long l;
		if (strcmp(lv->name, argv[o.ind]) != 0)
			continue;
		v = sim_host_vg(h, lv->vg);
		if (v == NULL || !v->active) {
			fprintf(stderr, "0516-010 lslv: Volume group must be varied on; use "
			                "varyonvg command.\n");
			return 1;
		}
		sim_vg_map(h, v, &m);
		l = lvmops_lv_index(&m, lv->name);
		if (l >= 0) {
			if (map)
				lvmops_lslv_map(&m, (size_t)l);
			else
				lvmops_lslv_info(h, &m, (size_t)l);
			rc = 0;
		}
		sim_vg_map_free(&m);
		return rc;
	}
	fprintf(stderr,
	        "0516-306 lslv: Unable to find  %s in the Device\n"
	        "        Configuration Database.\n",
	        argv[o.ind]);
	return 1;
}

/* ---- shutdown -r: booting the first bootable disk of the boot list ------------------------ */

void sim_lv_unpin(struct sim_state *st, const struct sim_host *h, const char *vg)
{
	for (size_t i = 0; i < h->nlvs; i++) {
		struct sim_lv lv = h->lvs[i];
		char *key, *def;
		if (strcmp(lv.vg, vg) != 0 || (lv.copies == 0 && lv.pvs == NULL))
			continue;
		lv.copies = 0;
		lv.pvs = NULL;
		key = xasprintf("lv.%s", lv.name);
		def = simops_lv_def(&lv);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
}

/* The joined names of h's disks in vg. Owned. */
static char *lvmops_vg_disks(const struct sim_host *h, const char *vg, size_t *n)
{
	struct strbuf sb = { 0 };

	*n = 0;
	for (size_t i = 0; i < h->ndisks; i++) {
		if (h->disks[i].vg == NULL || strcmp(h->disks[i].vg, vg) != 0)
			continue;
		sb_addf(&sb, "%s%s", sb.len > 0 ? " " : "", h->disks[i].name);
		(*n)++;
	}
	return sb_steal(&sb);
}

/*
 * The client boots the other rootvg (`from`: altinst_rootvg or old_rootvg): it
 * becomes rootvg at the level it holds, the running one becomes the other, the
 * LVs of the running rootvg (the lab keeps one set) follow, unpinned.
 */
static void lvmops_boot_other(struct sim_state *st, const struct sim_host *h, const char *from)
{
	const char *back = strcmp(from, "altinst_rootvg") == 0 ? "old_rootvg" : "altinst_rootvg";
	const struct sim_vg *rvg = sim_host_vg(h, "rootvg"), *fvg = sim_host_vg(h, from);
	const char *level_key = strcmp(from, "altinst_rootvg") == 0 ? h->name : NULL;
	char *oldkey = xasprintf("old:%s", h->name), *def, *boot;
	const char *to = sim_state_get(st, SIMOPS_ALTINST, level_key != NULL ? level_key : oldkey);
	char *to_copy = to != NULL ? xstrdup(to) : NULL;
	size_t nboot;
	int copies = 1;

	for (size_t i = 0; i < h->nlvs; i++)
		if (strcmp(h->lvs[i].vg, "rootvg") == 0 && sim_lv_copies(h, &h->lvs[i]) > copies)
			copies = sim_lv_copies(h, &h->lvs[i]);
	boot = lvmops_vg_disks(h, from, &nboot);
	if ((size_t)copies > nboot)
		copies = (int)nboot;
	for (size_t i = 0; i < h->ndisks; i++) {
		const struct sim_disk *d = &h->disks[i];
		const char *vg = NULL;
		char *key;
		if (d->vg != NULL && strcmp(d->vg, from) == 0)
			vg = "rootvg";
		else if (d->vg != NULL && strcmp(d->vg, "rootvg") == 0)
			vg = back;
		if (vg == NULL)
			continue;
		key = xasprintf("disk.%s", d->name);
		def = simops_disk_def(d, vg);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
	def = xasprintf("rootvg pp_size=%d copies=%d", fvg != NULL ? fvg->pp_size : 64, copies);
	sim_state_set(st, h->name, "vg.rootvg", def);
	free(def);
	def = xasprintf("%s pp_size=%d state=varyoff", back, rvg != NULL ? rvg->pp_size : 64);
	{
		char *key = xasprintf("vg.%s", back);
		sim_state_set(st, h->name, key, def);
		free(key);
	}
	free(def);
	{
		char *key = xasprintf("vg.%s", from);
		sim_state_set(st, h->name, key, "");
		free(key);
	}
	for (size_t i = 0; i < h->nlvs; i++) {
		if (strcmp(h->lvs[i].vg, from) == 0) {
			char *key = xasprintf("lv.%s", h->lvs[i].name);
			sim_state_set(st, h->name, key, "");
			free(key);
		}
	}
	sim_lv_unpin(st, h, "rootvg");
	sim_state_set(st, h->name, "bootlist", boot);
	/* the level each side boots into */
	if (strcmp(from, "altinst_rootvg") == 0)
		sim_state_set(st, SIMOPS_ALTINST, oldkey, h->oslevel);
	else
		sim_state_set(st, SIMOPS_ALTINST, h->name, h->oslevel);
	if (to_copy != NULL && strcmp(to_copy, h->oslevel) != 0) {
		sim_state_set(st, h->name, "oslevel", to_copy);
		simops_filesets_to(st, h, h->oslevel, to_copy);
	}
	free(to_copy);
	free(boot);
	free(oldkey);
}

struct lvmops_keys {
	const char *section;
	struct strv keys;
};

static void lvmops_collect(void *arg, const char *section, const char *key, const char *value)
{
	struct lvmops_keys *k = arg;

	(void)value;
	if (strcmp(section, k->section) == 0)
		strv_push(&k->keys, key);
}

/* Deletes every key of section PREFIX+name. */
static void lvmops_forget_section(struct sim_state *st, const char *prefix, const char *name)
{
	char *section = xasprintf("%s%s", prefix, name);
	struct lvmops_keys k = { section, { 0 } };

	sim_state_each(st, lvmops_collect, &k);
	for (size_t i = 0; i < k.keys.n; i++)
		sim_state_set(st, section, k.keys.v[i], NULL);
	strv_free(&k.keys);
	free(section);
}

int sim_lvmops_shutdown(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct sim_state *st;
	struct strv bl = { 0 };
	const struct sim_disk *boot = NULL;
	char *date;
	int c, reboot = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "FrhkmilL:t:")) != -1) {
		switch (c) {
		case 'F':
		case 'h':
			break;
		case 'r':
			reboot = 1;
			break;
		case '?':
		case ':':
			sim_opt_complain("shutdown", c, o.opt);
			fputs("Usage: shutdown [-F] [-h | -p | -r | -m] [-i] [-k] [-l] [-t "
			      "mmddHHMM[yy]] "
			      "[+Time [Message]]\n",
			      stderr);
			return 1;
		default:
			fprintf(stderr, "shutdown: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
	}
	if (o.ind < argc && strcmp(argv[o.ind], "now") != 0 && strcmp(argv[o.ind], "+0") != 0) {
		fprintf(stderr, "shutdown: nimsim simulates only an immediate shutdown\n");
		return 2;
	}
	if (h->is_master) {
		fprintf(stderr, "shutdown: nimsim does not shut the NIM master down\n");
		return 2;
	}
	date = simops_date();
	printf("\nSHUTDOWN PROGRAM\n%s\n\n", date);
	free(date);
	printf("Wait for '%s' before stopping.\n",
	       reboot ? "Rebooting..." : "....Halt completed....");
	printf("Error reporting has stopped.\n");
	printf("Advanced Accounting has stopped...\n");
	printf("Process accounting has stopped.\n");
	printf("nfs daemons stopped.\n");
	printf("All processes currently running will now be killed...\n");
	printf("Unmounting the file systems...\n");
	fflush(stdout);
	simops_wait(ctx->lab, 60000);
	if ((st = simops_begin(ctx->lab, "shutdown")) == NULL)
		return 1;
	/* NFS mounts made by hand do not come back */
	lvmops_forget_section(st, SIMOPS_MOUNTS, h->name);
	if (reboot) {
		sim_host_bootlist(h, &bl);
		for (size_t i = 0; i < bl.n && boot == NULL; i++) {
			const struct sim_disk *d = sim_host_disk(h, bl.v[i]);
			if (sim_disk_bootable(ctx->lab, h, d))
				boot = d;
		}
	}
	if (boot == NULL) {
		/* halted, or the firmware found no boot image: the LPAR is not on the network */
		sim_state_set(st, h->name, "reach", "timeout");
		sim_state_set(st, h->name, "connect_timeout_ms", "2000");
		sim_state_set(st, h->name, "nim.Mstate", "not running");
	} else if (strcmp(boot->vg, "altinst_rootvg") == 0 || strcmp(boot->vg, "old_rootvg") == 0) {
		const char *before = h->oslevel;
		char *to;
		lvmops_boot_other(st, h, boot->vg);
		to = sim_state_get(st, h->name, "oslevel") != NULL
		         ? xstrdup(sim_state_get(st, h->name, "oslevel"))
		         : xstrdup(before);
		if (strcmp(boot->vg, "altinst_rootvg") == 0 && strcmp(to, before) != 0)
			sim_cfg_migrated(st, ctx->lab, h, to);
		free(to);
	}
	sim_cfg_rebooted(st, h);
	rc = simops_commit(&st, "shutdown") == 0 ? 0 : 1;
	if (rc == 0 && reboot)
		printf("\nRebooting . . .\n");
	else if (rc == 0)
		printf("\n....Halt completed....\n");
	strv_free(&bl);
	return rc;
}
