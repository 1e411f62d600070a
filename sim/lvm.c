/* lvm.c: disks and volume groups: lspv, lsvg, bootinfo, getconf, bootlist. Physical partitions
 * are allocated deterministically (copy k of every LV on the k-th group of disks, filling the
 * centre region first), so every view of a VG agrees with every other. */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-disk allocation of a VG. */
struct pv_use {
	const struct sim_disk *disk;
	long total, used;
	long region_free[5]; /* outer edge .. inner edge */
};

struct vg_use {
	const struct sim_vg *vg;
	struct pv_use *pv;
	size_t npv;
	long total, used;
	int nlvs, open_lvs;
};

static void vg_use_compute(const struct sim_host *h, const struct sim_vg *v, struct vg_use *u)
{
	static const int order[5] = { 2, 1, 3, 0, 4 }; /* centre first */
	struct sim_vg_map m;

	memset(u, 0, sizeof *u);
	u->vg = v;
	sim_vg_map(h, v, &m); /* lvmops.c: the one placement every view shares */
	u->pv = xcalloc(m.ndisks + 1, sizeof *u->pv);
	for (size_t i = 0; i < m.ndisks; i++) {
		u->pv[i].disk = m.disks[i];
		u->pv[i].total = m.total[i];
		u->pv[i].used = m.used[i];
		u->total += m.total[i];
	}
	u->npv = m.ndisks;
	for (size_t i = 0; i < m.nlvs; i++) {
		u->nlvs++;
		if (str_starts(m.lvs[i]->state, "open"))
			u->open_lvs++;
	}
	sim_vg_map_free(&m);
	for (size_t i = 0; i < u->npv; i++) {
		struct pv_use *p = &u->pv[i];
		long base = p->total / 5, rest = p->total % 5, used = p->used;
		for (int r = 0; r < 5; r++)
			p->region_free[r] = base + (r < rest ? 1 : 0);
		for (int j = 0; j < 5 && used > 0; j++) {
			long take =
			    p->region_free[order[j]] < used ? p->region_free[order[j]] : used;
			p->region_free[order[j]] -= take;
			used -= take;
		}
		u->used += p->used;
	}
}

static void vg_use_free(struct vg_use *u)
{
	free(u->pv);
}

static void print_distribution(const long r[5])
{
	printf("%02ld..%02ld..%02ld..%02ld..%02ld", r[0], r[1], r[2], r[3], r[4]);
}

/* ---- lspv ---------------------------------------------------------------------- */

static const char *pv_state(const struct sim_host *h, const struct sim_disk *d)
{
	const struct sim_vg *v = d->vg != NULL ? sim_host_vg(h, d->vg) : NULL;
	return v != NULL && v->active ? "active" : "";
}

/* lspv -l DISK: the LVs with partitions on the disk, in the order they were allocated,
 * each taking the disk's regions centre first (as the free distribution counts them). */
static void lspv_lvs(const struct sim_host *h, const struct sim_vg *v, const struct sim_disk *d)
{
	static const int order[5] = { 2, 1, 3, 0, 4 };
	struct sim_vg_map m;
	long region_left[5], total, *first, *pps;
	size_t di = 0, *idx, n = 0;

	sim_vg_map(h, v, &m);
	while (di < m.ndisks && m.disks[di] != d)
		di++;
	total = di < m.ndisks ? m.total[di] : 0;
	for (int r = 0; r < 5; r++)
		region_left[r] = total / 5 + (r < total % 5 ? 1 : 0);
	idx = xcalloc(m.nlvs + 1, sizeof *idx);
	first = xcalloc(m.nlvs + 1, sizeof *first);
	pps = xcalloc(m.nlvs + 1, sizeof *pps);
	for (size_t l = 0; l < m.nlvs && di < m.ndisks; l++) {
		long sum = 0, lowest = 0;
		for (int k = 0; k < m.copies[l]; k++) {
			long p = sim_vg_map_pps(&m, l, k, di);
			size_t at = (((size_t)l * 3) + (size_t)k) * m.ndisks + di;
			if (p > 0 && (lowest == 0 || m.first[at] < lowest))
				lowest = m.first[at];
			sum += p;
		}
		if (sum == 0)
			continue;
		first[n] = lowest;
		pps[n] = sum;
		idx[n++] = l;
	}
	/* allocation order: by first partition */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && first[j - 1] > first[j]; j--) {
			long tf = first[j], tp = pps[j];
			size_t ti = idx[j];
			first[j] = first[j - 1], pps[j] = pps[j - 1], idx[j] = idx[j - 1];
			first[j - 1] = tf, pps[j - 1] = tp, idx[j - 1] = ti;
		}
	printf("%s:\n", d->name);
	printf("%-22s%-8s%-8s%-22s%s\n", "LV NAME", "LPs", "PPs", "DISTRIBUTION", "MOUNT POINT");
	for (size_t i = 0; i < n; i++) {
		long dist[5] = { 0, 0, 0, 0, 0 }, need = pps[i];
		char a[16], b[16], r[48];
		for (int j = 0; j < 5 && need > 0; j++) {
			long take = region_left[order[j]] < need ? region_left[order[j]] : need;
			dist[order[j]] += take;
			region_left[order[j]] -= take;
			need -= take;
		}
		snprintf(a, sizeof a, "%ld", pps[i]);
		snprintf(b, sizeof b, "%ld", pps[i]);
		snprintf(r, sizeof r, "%02ld..%02ld..%02ld..%02ld..%02ld", dist[0], dist[1],
		         dist[2], dist[3], dist[4]);
		printf("%-22s%-8s%-8s%-22s%s\n", m.lvs[idx[i]]->name, a, b, r,
		       m.lvs[idx[i]]->mount);
	}
	free(idx);
	free(first);
	free(pps);
	sim_vg_map_free(&m);
}

int sim_lvm_lspv(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	const struct sim_disk *d;
	const struct sim_vg *v;
	struct vg_use u;
	int c, list = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "lLpMu")) != -1) {
		if (c == 'L' || c == 'u')
			continue;
		if (c == 'l') {
			list = 1;
			continue;
		}
		if (c == 'p' || c == 'M') {
			fprintf(stderr, "lspv: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
		sim_opt_complain("lspv", c, o.opt);
		fputs("Usage: lspv [-L] [-u]\n"
		      "       lspv [-L] [-l | -p | -M [-n DescriptorPhysicalVolume] [-v VGid]] "
		      "PhysicalVolume\n",
		      stderr);
		return 1;
	}
	if (o.ind >= argc) {
		for (size_t i = 0; i < h->ndisks; i++) {
			char line[256];
			size_t n;
			d = &h->disks[i];
			snprintf(line, sizeof line, "%-16s%-36s%-16s%s", d->name,
			         d->pvid != NULL ? d->pvid : "none", d->vg != NULL ? d->vg : "None",
			         pv_state(h, d));
			n = strlen(line);
			while (n > 0 && line[n - 1] == ' ')
				line[--n] = '\0';
			printf("%s\n", line);
		}
		return 0;
	}
	if (o.ind + 1 != argc) {
		fputs("Usage: lspv [-L] [-u]\n", stderr);
		return 1;
	}
	d = sim_host_disk(h, argv[o.ind]);
	if (d == NULL) {
		fprintf(stderr,
		        "0516-1396 lspv: The physical volume %s, was not found in the\n"
		        "system database.\n",
		        argv[o.ind]);
		return 1;
	}
	v = d->vg != NULL ? sim_host_vg(h, d->vg) : NULL;
	if (v == NULL) {
		fprintf(stderr,
		        "0516-320 lspv: Physical volume %s is not assigned to\n"
		        "\ta volume group.\n",
		        d->name);
		return 1;
	}
	if (!v->active) {
		fprintf(stderr,
		        "0516-010 : Volume group must be varied on; use varyonvg command.\n");
		return 1;
	}
	if (list) {
		lspv_lvs(h, v, d);
		return 0;
	}
	vg_use_compute(h, v, &u);
	for (size_t i = 0; i < u.npv; i++) {
		const struct pv_use *p = &u.pv[i];
		int lvs = 0;
		if (p->disk != d)
			continue;
		for (size_t j = 0; j < h->nlvs; j++)
			if (strcmp(h->lvs[j].vg, v->name) == 0)
				lvs++;
		printf("PHYSICAL VOLUME:    %-25sVOLUME GROUP:     %s\n", d->name, v->name);
		printf("PV IDENTIFIER:      %s VG IDENTIFIER     %s\n",
		       d->pvid != NULL ? d->pvid : "none", v->vgid);
		printf("PV STATE:           active\n");
		printf("STALE PARTITIONS:   0                        ALLOCATABLE:      yes\n");
		{
			char pp[32];
			snprintf(pp, sizeof pp, "%d megabyte(s)", v->pp_size);
			printf("PP SIZE:            %-25sLOGICAL VOLUMES:  %d\n", pp, lvs);
		}
		printf("TOTAL PPs:          %ld (%ld megabytes)\n", p->total,
		       p->total * v->pp_size);
		printf("FREE PPs:           %ld (%ld megabytes)\n", p->total - p->used,
		       (p->total - p->used) * v->pp_size);
		printf("USED PPs:           %ld (%ld megabytes)\n", p->used, p->used * v->pp_size);
		printf("FREE DISTRIBUTION:  ");
		print_distribution(p->region_free);
		printf("\n");
		printf("MIRROR POOL:        None\n");
	}
	vg_use_free(&u);
	return 0;
}

/* ---- lsvg ---------------------------------------------------------------------- */

static void lsvg_usage(void)
{
	fputs("Usage: lsvg [-L] [-o] [-n PhysicalVolume] [-i]\n"
	      "       lsvg [-L] [-l | -M | -p] [-n PhysicalVolume] [-i] VolumeGroup...\n",
	      stderr);
}

static void lsvg_info(const struct sim_host *h, const struct sim_vg *v)
{
	struct vg_use u;
	struct sim_level l;
	char a[64], b[64];
	int vgdas;

	vg_use_compute(h, v, &u);
	vgdas = u.npv == 1 ? 2 : u.npv == 2 ? 3 : (int)u.npv;
#define ROW(l1, v1, l2, v2) printf("%-20s%-25s%-16s%s\n", l1, v1, l2, v2)
	ROW("VOLUME GROUP:", v->name, "VG IDENTIFIER:", v->vgid);
	snprintf(a, sizeof a, "%d megabyte(s)", v->pp_size);
	ROW("VG STATE:", "active", "PP SIZE:", a);
	snprintf(a, sizeof a, "%ld (%ld megabytes)", u.total, u.total * v->pp_size);
	ROW("VG PERMISSION:", "read/write", "TOTAL PPs:", a);
	snprintf(a, sizeof a, "%ld (%ld megabytes)", u.total - u.used,
	         (u.total - u.used) * v->pp_size);
	ROW("MAX LVs:", "256", "FREE PPs:", a);
	snprintf(a, sizeof a, "%ld (%ld megabytes)", u.used, u.used * v->pp_size);
	snprintf(b, sizeof b, "%d", u.nlvs);
	ROW("LVs:", b, "USED PPs:", a);
	snprintf(b, sizeof b, "%d", u.open_lvs);
	ROW("OPEN LVs:", b, "QUORUM:", v->copies > 1 ? "1 (Disabled)" : "2 (Enabled)");
	snprintf(a, sizeof a, "%zu", u.npv);
	snprintf(b, sizeof b, "%d", vgdas);
	ROW("TOTAL PVs:", a, "VG DESCRIPTORS:", b);
	ROW("STALE PVs:", "0", "STALE PPs:", "0");
	ROW("ACTIVE PVs:", a, "AUTO ON:", "yes");
	printf("%-20s%s\n", "MAX PPs per VG:", "32512");
	{
		long maxpv = 0;
		int factor = 1;
		for (size_t i = 0; i < u.npv; i++)
			if (u.pv[i].total > maxpv)
				maxpv = u.pv[i].total;
		while (1016L * factor < maxpv && factor < 16)
			factor *= 2;
		snprintf(a, sizeof a, "%d", 1016 * factor);
		snprintf(b, sizeof b, "%d", 32 / factor);
		ROW("MAX PPs per PV:", a, "MAX PVs:", b);
	}
	ROW("LTG size (Dynamic):", "512 kilobyte(s)", "AUTO SYNC:", "no");
	ROW("HOT SPARE:", "no", "BB POLICY:", "relocatable");
	ROW("PV RESTRICTION:", "none", "INFINITE RETRY:", "no");
	ROW("DISK BLOCK SIZE:", "512", "CRITICAL VG:", "no");
	ROW("FS SYNC OPTION:", "no", "CRITICAL PVs:", "no");
	if (sim_level_parse(h->oslevel, &l) == 0 && (l.ver > 7 || (l.ver == 7 && l.rel >= 3)))
		printf("%-20s%s\n", "ENCRYPTION:", "no");
#undef ROW
	vg_use_free(&u);
}

static void lsvg_lvs(const struct sim_host *h, const struct sim_vg *v)
{
	printf("%s:\n", v->name);
	printf("%-20s%-11s%-8s%-8s%-5s%-14s%s\n", "LV NAME", "TYPE", "LPs", "PPs", "PVs",
	       "LV STATE", "MOUNT POINT");
	for (size_t i = 0; i < h->nlvs; i++) {
		const struct sim_lv *lv = &h->lvs[i];
		char lps[16], pps[16], pvs[16];
		if (strcmp(lv->vg, v->name) != 0)
			continue;
		snprintf(lps, sizeof lps, "%d", lv->lps);
		snprintf(pps, sizeof pps, "%d", lv->lps * sim_lv_copies(h, lv));
		snprintf(pvs, sizeof pvs, "%d", sim_lv_copies(h, lv));
		printf("%-19s %-10s %-7s %-7s %-4s %-13s %s\n", lv->name, lv->type, lps, pps, pvs,
		       lv->state, lv->mount);
	}
}

static void lsvg_pvs(const struct sim_host *h, const struct sim_vg *v)
{
	struct vg_use u;

	vg_use_compute(h, v, &u);
	printf("%s:\n", v->name);
	printf("%-18s%-18s%-12s%-12s%s\n", "PV_NAME", "PV STATE", "TOTAL PPs", "FREE PPs",
	       "FREE DISTRIBUTION");
	for (size_t i = 0; i < u.npv; i++) {
		char t[16], f[16];
		snprintf(t, sizeof t, "%ld", u.pv[i].total);
		snprintf(f, sizeof f, "%ld", u.pv[i].total - u.pv[i].used);
		printf("%-18s%-18s%-12s%-12s", u.pv[i].disk->name, "active", t, f);
		print_distribution(u.pv[i].region_free);
		printf("\n");
	}
	vg_use_free(&u);
}

int sim_lvm_lsvg(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	int c, on = 0, lvs = 0, pvs = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "olpLiMn:")) != -1) {
		switch (c) {
		case 'o':
			on = 1;
			break;
		case 'l':
			lvs = 1;
			break;
		case 'p':
			pvs = 1;
			break;
		case 'L':
		case 'i':
			break;
		case 'M':
		case 'n':
			fprintf(stderr, "lsvg: nimsim does not simulate the -%c flag\n", c);
			return 2;
		default:
			sim_opt_complain("lsvg", c, o.opt);
			lsvg_usage();
			return 1;
		}
	}
	if (lvs + pvs > 1 || (on && (lvs || pvs))) {
		lsvg_usage();
		return 1;
	}
	if (o.ind >= argc) {
		if (lvs || pvs) {
			lsvg_usage();
			return 1;
		}
		/* lsvg -o lists varied-on VGs, most recently varied on first */
		for (size_t i = 0; i < h->nvgs; i++) {
			const struct sim_vg *v = &h->vgs[on ? h->nvgs - 1 - i : i];
			if (!on || v->active)
				printf("%s\n", v->name);
		}
		return 0;
	}
	if (on) {
		lsvg_usage();
		return 1;
	}
	for (int i = o.ind; i < argc; i++) {
		const struct sim_vg *v = sim_host_vg(h, argv[i]);
		if (v == NULL) {
			fflush(stdout);
			fprintf(stderr,
			        "0516-306 lsvg: Unable to find volume group %s in the Device\n"
			        "        Configuration Database.\n",
			        argv[i]);
			rc = 1;
			continue;
		}
		if (!v->active) {
			fflush(stdout);
			fprintf(
			    stderr,
			    "0516-010 : Volume group must be varied on; use varyonvg command.\n");
			rc = 1;
			continue;
		}
		if (lvs)
			lsvg_lvs(h, v);
		else if (pvs)
			lsvg_pvs(h, v);
		else
			lsvg_info(h, v);
	}
	return rc;
}

/* ---- bootinfo, getconf ---------------------------------------------------------- */

int sim_lvm_bootinfo(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_disk *d;
	struct strv bl = { 0 };

	if (argc == 3 && strcmp(argv[1], "-s") == 0) {
		d = sim_host_disk(h, argv[2]);
		if (d == NULL)
			return 1;
		printf("%ld\n", d->size_mb);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-b") == 0) {
		sim_host_bootlist(h, &bl);
		printf("%s\n", bl.n > 0 ? bl.v[0] : "hdisk0");
		strv_free(&bl);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "-K") == 0 || strcmp(argv[1], "-y") == 0)) {
		printf("64\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-r") == 0) {
		printf("%ld\n", h->memory_mb * 1024);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-p") == 0) {
		printf("chrp\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-T") == 0) {
		printf("rpa\n");
		return 0;
	}
	fputs("usage: bootinfo {-b | -B disk | -c | -e | -k | -K | -m | -M | -p | -r | -s disk |\n"
	      "                 -t | -T | -v | -y | -z}\n",
	      stderr);
	return 1;
}

int sim_lvm_getconf(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct strv bl = { 0 };

	if (argc == 3 && strcmp(argv[1], "DISK_SIZE") == 0) {
		const struct sim_disk *d =
		    str_starts(argv[2], "/dev/") ? sim_host_disk(h, argv[2] + 5) : NULL;
		if (d == NULL) {
			fprintf(
			    stderr,
			    "getconf: %s: A file or directory in the path name does not exist.\n",
			    argv[2]);
			return 1;
		}
		printf("%ld\n", d->size_mb);
		return 0;
	}
	if (argc == 2) {
		if (strcmp(argv[1], "KERNEL_BITMODE") == 0 ||
		    strcmp(argv[1], "HARDWARE_BITMODE") == 0) {
			printf("64\n");
			return 0;
		}
		if (strcmp(argv[1], "REAL_MEMORY") == 0) {
			printf("%ld\n", h->memory_mb * 1024);
			return 0;
		}
		if (strcmp(argv[1], "BOOT_DEVICE") == 0) {
			sim_host_bootlist(h, &bl);
			printf("%s\n", bl.n > 0 ? bl.v[0] : "hdisk0");
			strv_free(&bl);
			return 0;
		}
		fprintf(stderr, "getconf: Invalid argument (%s)\n", argv[1]);
		return 1;
	}
	fputs("Usage: getconf [ -v specification ] system_var\n"
	      "       getconf [ -v specification ] path_var pathname\n"
	      "       getconf -a\n",
	      stderr);
	return 1;
}

/* ---- bootlist -------------------------------------------------------------------- */

static void bootlist_usage(void)
{
	fputs("usage: bootlist [-{f|F} File] [-i] [-r] [-o] [-v] -m Mode [Device [Attr=Value...] "
	      "...]\n",
	      stderr);
}

static const char *boot_lv(const struct sim_host *h, const struct sim_disk *d)
{
	if (d == NULL || d->vg == NULL)
		return NULL;
	for (size_t i = 0; i < h->nlvs; i++)
		if (strcmp(h->lvs[i].vg, d->vg) == 0 && strcmp(h->lvs[i].type, "boot") == 0)
			return "hd5";
	if (strcmp(d->vg, "altinst_rootvg") == 0 || strcmp(d->vg, "old_rootvg") == 0)
		return "hd5";
	return NULL;
}

int sim_lvm_bootlist(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv list = { 0 };
	const char *mode = NULL, *key;
	int c, show = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "m:orivf:F:")) != -1) {
		switch (c) {
		case 'm':
			mode = o.arg;
			break;
		case 'o':
			show = 1;
			break;
		case 'r':
		case 'v':
			break;
		case 'i':
		case 'f':
		case 'F':
			fprintf(stderr, "bootlist: nimsim does not simulate the -%c flag\n", c);
			return 2;
		default:
			sim_opt_complain("bootlist", c, o.opt);
			bootlist_usage();
			return 1;
		}
	}
	if (mode == NULL) {
		bootlist_usage();
		return 1;
	}
	if (strcmp(mode, "normal") != 0 && strcmp(mode, "service") != 0 &&
	    strcmp(mode, "both") != 0 && strcmp(mode, "prevboot") != 0) {
		fprintf(stderr, "bootlist: Invalid mode (%s).\n", mode);
		bootlist_usage();
		return 1;
	}
	key = strcmp(mode, "normal") == 0 ? "bootlist" : "bootlist.service";
	if (o.ind < argc) {
		struct sim_state *st;
		struct err e;
		struct strbuf val = { 0 };
		if (strcmp(mode, "prevboot") == 0) {
			bootlist_usage();
			return 1;
		}
		for (int i = o.ind; i < argc; i++) {
			if (strchr(argv[i], '=') != NULL)
				continue; /* pathid=0 and the like */
			if (sim_host_disk(h, argv[i]) == NULL) {
				fprintf(stderr, "bootlist: Invalid device name (%s).\n", argv[i]);
				sb_free(&val);
				return 1;
			}
			if (val.len > 0)
				sb_addc(&val, ' ');
			sb_adds(&val, argv[i]);
		}
		if (ctx->lab->state_dir == NULL) {
			fprintf(stderr, "bootlist: no state directory: the lab cannot change\n");
			sb_free(&val);
			return 1;
		}
		st = sim_state_begin(ctx->lab->state_dir, &e);
		if (st == NULL) {
			fprintf(stderr, "bootlist: %s\n", e.msg);
			sb_free(&val);
			return 1;
		}
		if (strcmp(mode, "both") == 0)
			sim_state_set(st, h->name, "bootlist.service", sb_str(&val));
		sim_state_set(st, h->name, strcmp(mode, "both") == 0 ? "bootlist" : key,
		              sb_str(&val));
		if (sim_state_commit(&st, &e) != 0) {
			fprintf(stderr, "bootlist: %s\n", e.msg);
			sb_free(&val);
			return 1;
		}
		for (int i = o.ind; i < argc; i++)
			if (strchr(argv[i], '=') == NULL)
				strv_push(&list, argv[i]);
		sb_free(&val);
	} else if (strcmp(key, "bootlist") == 0 || strcmp(mode, "prevboot") == 0) {
		sim_host_bootlist(h, &list);
	} else {
		/* the service list lives only in the state; AIX's default is the network */
		struct err e;
		struct sim_state *st =
		    ctx->lab->state_dir != NULL ? sim_state_load(ctx->lab->state_dir, &e) : NULL;
		const char *v = sim_state_get(st, h->name, "bootlist.service");
		if (v != NULL)
			(void)sim_words_split(v, &list, &e);
		else
			strv_push(&list, "ent0");
		sim_state_free(&st);
	}
	if (show) {
		for (size_t i = 0; i < list.n; i++) {
			const struct sim_disk *d = sim_host_disk(h, list.v[i]);
			const char *blv = boot_lv(h, d);
			if (d == NULL)
				printf("%s\n", list.v[i]);
			else if (blv != NULL)
				printf("%s blv=%s pathid=0\n", list.v[i], blv);
			else
				printf("%s pathid=0\n", list.v[i]);
		}
	}
	strv_free(&list);
	return rc;
}
