/*
 * mksysb.c: system backups and their restore onto a free disk: mksysb (a
 * small text file in the lab's file tree stands for the image), NIM's
 * `nim -o define -t mksysb` (with mk_image=yes: the backup is taken from the
 * client) and `nim -o cust` (filesets from an lpp_source), and
 * alt_disk_mksysb, which restores an image into altinst_rootvg on free disks
 * with alt_disk_install's output. Other nim operations go to nim.c.
 */
#include "simops.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MKSYSB_MAGIC "nimsim mksysb image (not a real backup)"

/* The used size of a host's rootvg (one copy), in MB. */
static long mksysb_rootvg_mb(const struct sim_host *h)
{
	const struct sim_vg *v = sim_host_vg(h, "rootvg");
	long mb = 0;

	for (size_t i = 0; v != NULL && i < h->nlvs; i++)
		if (strcmp(h->lvs[i].vg, "rootvg") == 0 && strcmp(h->lvs[i].type, "paging") != 0 &&
		    strcmp(h->lvs[i].type, "sysdump") != 0)
			mb += (long)h->lvs[i].lps * v->pp_size;
	return mb;
}

/* The date as lsnim shows creation_date ("Sun Nov 15 02:10:44 2026"). */
static void mksysb_date(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, size, "%a %b %d %H:%M:%S %Y", &tm);
}

/* Writes the image file of host src into file f. */
static void mksysb_write_image(FILE *f, const struct sim_host *src, const char *date, long mb)
{
	fprintf(f, MKSYSB_MAGIC "\n");
	fprintf(f, "source_image = %s\noslevel = %s\ncreated = %s\nsize_mb = %ld\n", src->name,
	        src->oslevel, date, mb);
}

/* What mksysb prints while it backs h up (its files, in simulated time). */
static void mksysb_progress(const struct sim_lab *lab, const struct sim_host *h, int image_data)
{
	long mb = mksysb_rootvg_mb(h), files = mb * 5 + 7;

	if (image_data) {
		printf("\nCreating information file (/image.data) for rootvg.\n");
		simops_wait(lab, 30000);
	}
	printf("\nCreating list of files to back up.\n");
	simops_wait(lab, 60000);
	printf("\nBacking up %ld files", files);
	for (int i = 1; i <= 10; i++) {
		printf(".");
		simops_wait(lab, 80000);
	}
	printf("\n");
	for (int pct = 25; pct <= 100; pct += 25)
		printf("%ld of %ld files backed up (%d%%)\n", files * pct / 100, files, pct);
	printf("0512-038 mksysb: Backup Completed Successfully.\n");
	fflush(stdout);
}

static void mksysb_usage(void)
{
	fputs("Usage: mksysb [-a] [-A] [-b Number] [-e] [-F Filename] [-G|-N] [-i|-m] [-p] [-P]\n"
	      "              [-t Path] [-T] [-v] [-V] [-X] [-Z] Device_Or_File\n",
	      stderr);
}

int sim_mksysb_mksysb(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	char date[64];
	FILE *f;
	int c, image_data = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "ieXpvVaAGNTZPmb:F:t:")) != -1) {
		switch (c) {
		case 'i':
		case 'm':
			image_data = 1;
			break;
		case 'e':
		case 'X':
		case 'p':
		case 'v':
		case 'V':
		case 'a':
		case 'A':
		case 'G':
		case 'N':
		case 'T':
		case 'Z':
		case 'P':
			break;
		case '?':
		case ':':
			sim_opt_complain("mksysb", c, o.opt);
			mksysb_usage();
			return 1;
		default:
			fprintf(stderr, "mksysb: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
	}
	if (o.ind + 1 != argc) {
		mksysb_usage();
		return 1;
	}
	if (str_starts(argv[o.ind], "/dev/")) {
		fprintf(stderr, "mksysb: nimsim backs up only to a file, not to %s\n", argv[o.ind]);
		return 2;
	}
	if (argv[o.ind][0] != '/') {
		fprintf(stderr, "mksysb: nimsim needs the backup file as a full path\n");
		return 2;
	}
	if (simops_is_dir(ctx->lab, h, argv[o.ind])) {
		fprintf(stderr,
		        "0512-016 mksysb: Attempt to create a bootable tape failed: "
		        "%s is a directory.\n",
		        argv[o.ind]);
		return 1;
	}
	mksysb_progress(ctx->lab, h, image_data);
	f = simops_open(ctx->lab, h, argv[o.ind], "w");
	if (f == NULL) {
		fprintf(stderr, "0512-005 mksysb: Backup Completed.\n"
		                "\tThe backup file could not be written.\n");
		return 1;
	}
	mksysb_date(date, sizeof date);
	mksysb_write_image(f, h, date, mksysb_rootvg_mb(h));
	fclose(f);
	return 0;
}

/* ---- an image read back -------------------------------------------------------------------- */

struct mksysb_image {
	char *source;
	char *oslevel;
	long size_mb;
};

static void mksysb_image_free(struct mksysb_image *im)
{
	free(im->source);
	free(im->oslevel);
	memset(im, 0, sizeof *im);
}

/* Reads the image at path on h (through NFS mounts); 0, or -1 when it is not one. */
static int mksysb_image_read(const struct sim_lab *lab, const struct sim_host *h, const char *path,
                             struct mksysb_image *im)
{
	FILE *f = simops_open(lab, h, path, "r");
	char line[512];
	int magic = 0;

	memset(im, 0, sizeof *im);
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		char *eq;
		str_trim(line);
		if (strcmp(line, MKSYSB_MAGIC) == 0) {
			magic = 1;
			continue;
		}
		if ((eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(line, "source_image") == 0) {
			free(im->source);
			im->source = xstrdup(eq + 3);
		} else if (strcmp(line, "oslevel") == 0) {
			free(im->oslevel);
			im->oslevel = xstrdup(eq + 3);
		} else if (strcmp(line, "size_mb") == 0) {
			im->size_mb = (long)str_to_ll(eq + 3);
		}
	}
	fclose(f);
	if (!magic || im->oslevel == NULL) {
		mksysb_image_free(im);
		return -1;
	}
	return 0;
}

/* ---- nim -o define -t mksysb, nim -o cust -----------------------------------------------------
 */

static void mksysb_nim_error(const char *where, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "0042-001 nim: processing error encountered on \"%s\":\n   ", where);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
}

/* A client NIM can run commands on (as nim.c says when it cannot). */
static int mksysb_reachable(const struct sim_host *c, const char *method)
{
	if (c->reach == SIM_REACH_OK || c->reach == SIM_REACH_SLOW)
		return 1;
	fprintf(stderr, "0042-001 nim: processing error encountered on \"%s\":\n", c->name);
	fprintf(stderr, "   0042-006 %s: (From_Master) connect Connection %s\n", method,
	        c->reach == SIM_REACH_TIMEOUT ? "timed out" : "refused");
	return 0;
}

static int mksysb_nim_define(struct sim_ctx *ctx, const char *type, const struct sim_attrs *a,
                             const char *name)
{
	const struct sim_lab *lab = ctx->lab;
	const struct sim_host *m = lab->hosts[0], *src = NULL;
	const char *location = sim_attrs_get(a, "location"), *server = sim_attrs_get(a, "server");
	const char *source = sim_attrs_get(a, "source"), *mk = sim_attrs_get(a, "mk_image");
	struct mksysb_image im;
	struct sim_state *st;
	char date[64], num[32];
	int make = mk != NULL && strcmp(mk, "yes") == 0;

	if (strcmp(type, "mksysb") != 0) {
		fprintf(stderr, "nim: nimsim defines only mksysb resources, not %s\n", type);
		return 2;
	}
	if (sim_lab_res(lab, name) != NULL || sim_lab_host(lab, name) != NULL) {
		mksysb_nim_error("master",
		                 "0042-081 m_mkmksysb: a NIM object named \"%s\" already "
		                 "exists%s",
		                 name, "");
		return 1;
	}
	if (location == NULL || location[0] != '/' || server == NULL) {
		mksysb_nim_error(
		    "master", "0042-011 m_mkmksysb: the \"%s\" attribute is required%s",
		    location == NULL || location[0] != '/' ? "location" : "server", "");
		return 1;
	}
	if (strcmp(server, "master") != 0) {
		fprintf(stderr, "nim: nimsim keeps resources only on the master, not on %s\n",
		        server);
		return 2;
	}
	if (make) {
		FILE *f;
		if (source == NULL || (src = sim_lab_host(lab, source)) == NULL || src->is_master) {
			mksysb_nim_error(
			    "master",
			    "0042-011 m_mkmksysb: the \"source\" attribute must name a "
			    "standalone machine%s%s",
			    "", "");
			return 1;
		}
		if (!mksysb_reachable(src, "m_mkmksysb"))
			return 1;
		printf(
		    "\n+---------------------------------------------------------------------+\n");
		printf("                    System Backup Image Space Information\n");
		printf("               (Sizes are displayed in 1024-byte blocks.)\n");
		printf(
		    "+---------------------------------------------------------------------+\n\n");
		printf("Required = %ld (%ld MB)    Available = 153436264 (149840 MB)\n\n",
		       mksysb_rootvg_mb(src) * 1024, mksysb_rootvg_mb(src));
		mksysb_progress(lab, src, 1);
		f = sim_files_open(lab, m, location, "w");
		if (f == NULL) {
			mksysb_nim_error("master", "0042-154 c_stat: cannot write \"%s\"%s",
			                 location, "");
			return 1;
		}
		mksysb_date(date, sizeof date);
		mksysb_write_image(f, src, date, mksysb_rootvg_mb(src));
		fclose(f);
	}
	if (mksysb_image_read(lab, m, location, &im) != 0) {
		mksysb_nim_error("master",
		                 "0042-154 c_stat: the file or directory \"%s\" does not exist%s",
		                 location, "");
		return 1;
	}
	if ((st = simops_begin(lab, "nim")) == NULL) {
		mksysb_image_free(&im);
		return 1;
	}
	if (!make)
		mksysb_date(date, sizeof date);
	snprintf(num, sizeof num, "%ld", im.size_mb > 0 ? im.size_mb : 1);
	sim_state_set(st, name, "type", "mksysb");
	sim_state_set(st, name, "location", location);
	sim_state_set(st, name, "oslevel", im.oslevel);
	if (im.source != NULL)
		sim_state_set(st, name, "source_image", im.source);
	sim_state_set(st, name, "creation_date", date);
	sim_state_set(st, name, "size_mb", num);
	mksysb_image_free(&im);
	return simops_commit(&st, "nim") == 0 ? 0 : 1;
}

static int mksysb_nim_cust(struct sim_ctx *ctx, const struct sim_attrs *a, const char *target)
{
	const struct sim_lab *lab = ctx->lab;
	const struct sim_host *c = sim_lab_host(lab, target);
	const char *lname = sim_attrs_get(a, "lpp_source"), *list = sim_attrs_get(a, "filesets");
	const struct sim_res *lpp = lname != NULL ? sim_lab_res(lab, lname) : NULL;
	struct strv names = { 0 }, done = { 0 };
	struct sim_state *st;
	struct err e;
	int rc = 0;

	if (c == NULL || c->is_master) {
		fprintf(stderr, "0042-053 nim: there is no NIM object named \"%s\"\n", target);
		return 1;
	}
	if (lpp == NULL || lpp->type != SIM_RES_LPP_SOURCE) {
		mksysb_nim_error("master",
		                 "0042-011 m_cust: the \"lpp_source\" attribute must name "
		                 "an lpp_source%s%s",
		                 "", "");
		return 1;
	}
	if (list == NULL || sim_words_split(list, &names, &e) != 0 || names.n == 0) {
		fprintf(stderr, "nim: nimsim installs only named filesets (-a filesets=...)\n");
		strv_free(&names);
		return 2;
	}
	if (!mksysb_reachable(c, "m_cust")) {
		strv_free(&names);
		return 1;
	}
	printf(
	    "\n+-----------------------------------------------------------------------------+\n");
	printf("                    Pre-installation Verification...\n");
	printf("+-----------------------------------------------------------------------------+\n");
	printf("Verifying selections...done\nVerifying requisites...done\nResults...\n\n");
	for (size_t i = 0; i < names.n; i++) {
		const struct sim_fileset *want = sim_filesets_find(&lpp->filesets, names.v[i]);
		const struct sim_fileset *have = sim_filesets_find(&c->filesets, names.v[i]);
		if (want == NULL) {
			printf("FAILURES\n--------\n  Filesets listed in this section failed "
			       "pre-installation verification\n  and will not be installed.\n\n"
			       "  Missing Filesets\n  ----------------\n  The following filesets "
			       "could not be found on the installation media.\n\n  %s\n\n",
			       names.v[i]);
			rc = 1;
		} else if (have != NULL && sim_vrmf_cmp(have->level, want->level) >= 0) {
			printf("  %s %s is already installed at level %s.\n", names.v[i],
			       want->level, have->level);
		} else {
			strv_push(&done, names.v[i]);
		}
	}
	if (rc != 0) {
		strv_free(&names);
		strv_free(&done);
		return 1;
	}
	if (done.n == 0) {
		printf("\n  There is nothing to install: every selected fileset is installed.\n");
		strv_free(&names);
		return 0;
	}
	printf(
	    "SUCCESSES\n---------\n  Filesets listed in this section passed pre-installation "
	    "verification\n  and will be installed.\n\n  Selected Filesets\n  -----------------\n");
	for (size_t i = 0; i < done.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&lpp->filesets, done.v[i]);
		char *sel = xasprintf("%s %s", f->name, f->level);
		printf("  %-40s # %s\n", sel, f->desc);
		free(sel);
	}
	printf("\n  << End of Success Section >>\n\n");
	printf("+-----------------------------------------------------------------------------+\n");
	printf("                         Installing Software...\n");
	printf(
	    "+-----------------------------------------------------------------------------+\n\n");
	if ((st = simops_begin(lab, "nim")) == NULL) {
		strv_free(&names);
		strv_free(&done);
		return 1;
	}
	for (size_t i = 0; i < done.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&lpp->filesets, done.v[i]);
		char *key = xasprintf("fileset.%s", f->name);
		char *def = xasprintf("%s %s parts=%s", f->name, f->level,
		                      (f->parts & SIM_PART_ROOT) ? "usr,root" : "usr");
		printf("installp: APPLYING software for:\n        %s %s\n\n", f->name, f->level);
		simops_wait(lab, 20000);
		sim_state_set(st, c->name, key, def);
		free(key);
		free(def);
	}
	printf("Finished processing all filesets.  (Total time:  %zu secs).\n\n", 20 * done.n);
	printf("+-----------------------------------------------------------------------------+\n");
	printf("                                Summaries:\n");
	printf(
	    "+-----------------------------------------------------------------------------+\n\n");
	printf("Installation Summary\n--------------------\n");
	printf("Name                        Level           Part        Event       Result\n");
	printf("-------------------------------------------------------------------------------\n");
	for (size_t i = 0; i < done.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&lpp->filesets, done.v[i]);
		printf("%-27s %-15s %-11s %-11s %s\n", f->name, f->level, "USR", "APPLY",
		       "SUCCESS");
		if (f->parts & SIM_PART_ROOT)
			printf("%-27s %-15s %-11s %-11s %s\n", f->name, f->level, "ROOT", "APPLY",
			       "SUCCESS");
	}
	rc = simops_commit(&st, "nim") == 0 ? 0 : 1;
	strv_free(&names);
	strv_free(&done);
	return rc;
}

int sim_mksysb_nim(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	struct sim_attrs attrs = { 0 };
	const char *op = NULL, *type = NULL;
	int c, rc;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "o:a:t:F")) != -1) {
		if (c == 'o')
			op = o.arg;
		else if (c == 't')
			type = o.arg;
		else if (c == 'a' && strchr(o.arg, '=') != NULL) {
			char *k = xstrdup(o.arg), *eq = strchr(k, '=');
			*eq++ = '\0';
			sim_attrs_set(&attrs, k, eq);
			free(k);
		}
	}
	if (op == NULL || (strcmp(op, "define") != 0 && strcmp(op, "cust") != 0)) {
		sim_attrs_free(&attrs);
		return sim_nim_nim(ctx, argc, argv); /* the other operations, and the usage */
	}
	if (o.ind + 1 != argc) {
		fputs("usage: nim -o Operation [-F] [-t Type] [-a Attribute=Value]... Name\n",
		      stderr);
		sim_attrs_free(&attrs);
		return 1;
	}
	if (strcmp(op, "define") == 0) {
		if (type == NULL) {
			mksysb_nim_error("master",
			                 "0042-011 m_define: the \"type\" is required%s%s", "", "");
			rc = 1;
		} else {
			rc = mksysb_nim_define(ctx, type, &attrs, argv[o.ind]);
		}
	} else {
		rc = mksysb_nim_cust(ctx, &attrs, argv[o.ind]);
	}
	sim_attrs_free(&attrs);
	return rc;
}

/* ---- alt_disk_mksysb --------------------------------------------------------------------------
 */

static void mksysb_alt_usage(void)
{
	fputs(
	    "Usage: alt_disk_mksysb -m device -d \"target_disks...\" [-i image.data] [-s script]\n"
	    "\t[-R resolv_conf] [-D] [-B] [-V] [-k] [-c console] [-P phase_option]\n"
	    "\t[-r] [-K] [-y] [-T] [-g] [-z] [-x]\n",
	    stderr);
}

/* A line of alt_disk_install output: stdout and the client's alt_disk_inst.log. */
static void mksysb_say(FILE *log, const char *line)
{
	printf("%s\n", line);
	if (log != NULL)
		fprintf(log, "%s\n", line);
	fflush(stdout);
}

int sim_mksysb_alt_disk_mksysb(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host, *src;
	const struct sim_vg *rvg;
	const char *image = NULL, *dlist = NULL;
	struct mksysb_image im;
	struct sim_opt o;
	struct strv disks = { 0 };
	struct sim_state *st;
	struct err e;
	FILE *log;
	long have = 0, need = 0;
	int c, no_bootlist = 0, pp, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "m:d:kBVDyTgzxrKi:s:R:c:P:")) != -1) {
		switch (c) {
		case 'm':
			image = o.arg;
			break;
		case 'd':
			dlist = o.arg;
			break;
		case 'B':
			no_bootlist = 1;
			break;
		case 'k':
		case 'V':
		case 'D':
		case 'y':
		case 'T':
		case 'g':
		case 'z':
		case 'x':
		case 'r':
		case 'K':
			break;
		case '?':
		case ':':
			sim_opt_complain("alt_disk_mksysb", c, o.opt);
			mksysb_alt_usage();
			return 1;
		default:
			fprintf(stderr, "alt_disk_mksysb: nimsim does not simulate the -%c flag\n",
			        c);
			return 2;
		}
	}
	if (image == NULL || dlist == NULL || o.ind < argc ||
	    sim_words_split(dlist, &disks, &e) != 0 || disks.n == 0) {
		mksysb_alt_usage();
		strv_free(&disks);
		return 1;
	}
	if (h->is_master) {
		fprintf(stderr, "alt_disk_mksysb: nimsim restores images onto clients only\n");
		strv_free(&disks);
		return 2;
	}
	if (sim_host_vg(h, "altinst_rootvg") != NULL) {
		fprintf(stderr,
		        "0505-117 alt_disk_mksysb: Volume group altinst_rootvg already "
		        "exists. Remove it\n\twith alt_rootvg_op -X altinst_rootvg first.\n");
		strv_free(&disks);
		return 1;
	}
	for (size_t i = 0; i < disks.n; i++) {
		const struct sim_disk *d = sim_host_disk(h, disks.v[i]);
		if (d == NULL) {
			fprintf(
			    stderr,
			    "0516-1396 lspv: The physical volume %s, was not found in the\n"
			    "system database.\n0505-111 alt_disk_mksysb: %s is not a valid disk.\n",
			    disks.v[i], disks.v[i]);
			strv_free(&disks);
			return 1;
		}
		if (d->vg != NULL) {
			fprintf(
			    stderr,
			    "0505-126 alt_disk_install: target disk %s has a volume group assigned "
			    "to it.\n",
			    d->name);
			strv_free(&disks);
			return 1;
		}
	}
	if (mksysb_image_read(ctx->lab, h, image, &im) != 0) {
		fprintf(stderr,
		        "0505-185 alt_disk_mksysb: Error restoring /image.data from the mksysb "
		        "image %s.\n",
		        image);
		strv_free(&disks);
		return 1;
	}
	{
		/* the running system's alt_disk_install must know the image's release */
		const struct sim_fileset *ad =
		    sim_filesets_find(&h->filesets, "bos.alt_disk_install.rte");
		struct sim_level il;
		char *want = NULL;
		if (sim_level_parse(im.oslevel, &il) == 0)
			want = xasprintf("%d.%d.0.0", il.ver, il.rel);
		if (ad == NULL || (want != NULL && sim_vrmf_cmp(ad->level, want) < 0)) {
			fprintf(
			    stderr,
			    "0505-204 alt_disk_mksysb: The level of bos.alt_disk_install.rte (%s)\n"
			    "\tis lower than the level of the mksysb image (%s). Install\n"
			    "\tbos.alt_disk_install.rte of that level on this system first.\n",
			    ad != NULL ? ad->level : "not installed", im.oslevel);
			free(want);
			mksysb_image_free(&im);
			strv_free(&disks);
			return 1;
		}
		free(want);
	}
	src = im.source != NULL ? sim_lab_host(ctx->lab, im.source) : NULL;
	if (src == NULL)
		src = h;
	rvg = sim_host_vg(src, "rootvg");
	pp = rvg != NULL ? rvg->pp_size : 64;
	for (size_t i = 0; i < disks.n; i++)
		have += sim_disk_pps(sim_host_disk(h, disks.v[i])->size_mb, pp);
	for (size_t i = 0; i < src->nlvs; i++) {
		if (strcmp(src->lvs[i].vg, "rootvg") != 0)
			continue;
		need += src->lvs[i].lps;
		if (strlen(src->lvs[i].name) + 4 > 15) {
			fprintf(
			    stderr,
			    "mklv: The logical volume name alt_%s is longer than 15 characters.\n"
			    "0505-115 alt_disk_mksysb: An error occurred while creating logical "
			    "volume alt_%s.\n",
			    src->lvs[i].name, src->lvs[i].name);
			mksysb_image_free(&im);
			strv_free(&disks);
			return 1;
		}
	}
	log = sim_files_open(ctx->lab, h, "/var/adm/ras/alt_disk_inst.log", "a");
	mksysb_say(log, "Restoring /image.data from mksysb image.");
	simops_wait(ctx->lab, 20000);
	mksysb_say(log, "Checking disk sizes.");
	if (need > have) {
		static const char msg[] =
		    "0505-115 alt_disk_mksysb: There is not enough space on the "
		    "target disk(s) for the image.";
		fflush(stdout);
		fprintf(stderr, "%s\n", msg);
		if (log != NULL)
			fprintf(log, "%s\n", msg);
		if (log != NULL)
			fclose(log);
		mksysb_image_free(&im);
		strv_free(&disks);
		return 1;
	}
	mksysb_say(log, "Creating cloned rootvg volume group and associated logical volumes.");
	for (size_t i = 0; i < src->nlvs; i++) {
		char line[64];
		if (strcmp(src->lvs[i].vg, "rootvg") != 0)
			continue;
		snprintf(line, sizeof line, "Creating logical volume alt_%s", src->lvs[i].name);
		mksysb_say(log, line);
		simops_wait(ctx->lab, 3000);
	}
	for (size_t i = 0; i < src->nlvs; i++) {
		char line[160];
		const struct sim_lv *lv = &src->lvs[i];
		if (strcmp(lv->vg, "rootvg") != 0 || lv->mount[0] != '/' ||
		    strcmp(lv->type, "jfs2") != 0)
			continue;
		snprintf(line, sizeof line, "Creating /alt_inst%s file system.",
		         strcmp(lv->mount, "/") == 0 ? "/" : lv->mount);
		mksysb_say(log, line);
	}
	mksysb_say(log, "Restoring mksysb image to alternate disk(s).");
	simops_wait(ctx->lab, 600000);
	mksysb_say(log, "Linking to 64bit kernel.");
	mksysb_say(log, "Changing logical volume names in volume group descriptor area.");
	mksysb_say(log, "Fixing LV control blocks...");
	for (size_t i = src->nlvs; i > 0; i--) {
		char line[160];
		const struct sim_lv *lv = &src->lvs[i - 1];
		if (strcmp(lv->vg, "rootvg") != 0 || lv->mount[0] != '/' ||
		    strcmp(lv->type, "jfs2") != 0)
			continue;
		snprintf(line, sizeof line, "forced unmount of /alt_inst%s",
		         strcmp(lv->mount, "/") == 0 ? "" : lv->mount);
		mksysb_say(log, line);
		mksysb_say(log, line);
	}
	mksysb_say(log, "Fixing file system superblocks...");
	simops_wait(ctx->lab, 30000);
	/* the lab: the disks hold altinst_rootvg, put to sleep, with the image's LVs */
	if ((st = simops_begin(ctx->lab, "alt_disk_mksysb")) == NULL) {
		rc = 1;
	} else {
		struct strbuf bl = { 0 };
		char *def;
		for (size_t i = 0; i < disks.n; i++) {
			const struct sim_disk *d = sim_host_disk(h, disks.v[i]);
			char *key = xasprintf("disk.%s", d->name);
			def = simops_disk_def(d, "altinst_rootvg");
			sim_state_set(st, h->name, key, def);
			free(key);
			free(def);
			sb_addf(&bl, "%s%s", i > 0 ? " " : "", d->name);
		}
		def = xasprintf("altinst_rootvg pp_size=%d state=varyoff", pp);
		sim_state_set(st, h->name, "vg.altinst_rootvg", def);
		free(def);
		for (size_t i = 0; i < src->nlvs; i++) {
			const struct sim_lv *lv = &src->lvs[i];
			char *key, *mount;
			if (strcmp(lv->vg, "rootvg") != 0)
				continue;
			mount = strcmp(lv->mount, "N/A") == 0 ? xstrdup("N/A")
			        : strcmp(lv->mount, "/") == 0 ? xstrdup("/alt_inst")
			                                      : xasprintf("/alt_inst%s", lv->mount);
			key = xasprintf("lv.alt_%s", lv->name);
			def = xasprintf("alt_%s vg=altinst_rootvg type=%s lps=%d mount=%s "
			                "state=closed/syncd",
			                lv->name, lv->type, lv->lps, mount);
			sim_state_set(st, h->name, key, def);
			free(key);
			free(def);
			free(mount);
		}
		if (!no_bootlist)
			sim_state_set(st, h->name, "bootlist", sb_str(&bl));
		sim_state_set(st, SIMOPS_ALTINST, h->name, im.oslevel);
		rc = simops_commit(&st, "alt_disk_mksysb") == 0 ? 0 : 1;
		if (rc == 0 && !no_bootlist) {
			char line[96];
			snprintf(line, sizeof line, "Bootlist is set to the boot disk: %s blv=hd5",
			         disks.v[0]);
			mksysb_say(log, line);
		}
		sb_free(&bl);
	}
	if (log != NULL)
		fclose(log);
	mksysb_image_free(&im);
	strv_free(&disks);
	return rc;
}
