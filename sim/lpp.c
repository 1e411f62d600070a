/* lpp.c: software personalities: lslpp, oslevel, lppchk, installp -s, instfix; and the lslpp
 * and showres listings nim prints for SPOTs and lpp_sources. */
#include "sim.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *state_word(char s)
{
	switch (s) {
	case 'A':
		return "APPLIED";
	case 'B':
		return "BROKEN";
	case 'E':
		return "EFIX LOCKED";
	case 'O':
		return "OBSOLETE";
	case '?':
		return "APPLYING";
	default:
		return "COMMITTED";
	}
}

/* The package of a fileset: its first two name components (bos.rte.libc -> bos.rte). */
static char *package_of(const char *fileset)
{
	const char *dot = strchr(fileset, '.');
	if (dot != NULL && (dot = strchr(dot + 1, '.')) != NULL)
		return xstrndup(fileset, (size_t)(dot - fileset));
	return xstrdup(fileset);
}

static int cmp_fileset(const void *a, const void *b)
{
	const struct sim_fileset *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* The filesets in name order (lslpp sorts its output). Owned array, borrowed elements. */
static const struct sim_fileset **sorted(const struct sim_filesets *fs)
{
	const struct sim_fileset **v = xcalloc(fs->n + 1, sizeof *v);
	for (size_t i = 0; i < fs->n; i++)
		v[i] = &fs->v[i];
	qsort(v, fs->n, sizeof *v, cmp_fileset);
	return v;
}

static void lslpp_usage(void)
{
	fputs("Usage: lslpp {-d|-f|-h|-i|-l|-L|-p} [-a] [-c] [-J] [-q] [-I] [-O{[r][s][u]}]\n"
	      "             [FilesetName...|FixID...|all]\n"
	      "       lslpp -w [-c] [-q] [-O{[r][s][u]}] [FileName...|all]\n"
	      "       lslpp -L -c [-v] [-q]\n",
	      stderr);
}

static void print_l_row(const struct sim_fileset *f)
{
	printf("  %-26s %8s  %-9s  %s\n", f->name, f->level, state_word(f->state), f->desc);
}

int sim_lpp_print(const struct sim_filesets *fs, int argc, char **argv, const char *cmd)
{
	struct sim_opt o;
	const struct sim_fileset **all = sorted(fs);
	const struct sim_fileset **sel = xcalloc(fs->n + 1, sizeof *sel);
	char *mark = xcalloc(fs->n + 1, 1);
	size_t nsel = 0;
	int c, l = 0, L = 0, colon = 0, quiet = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "lLcqaIO:J")) != -1) {
		switch (c) {
		case 'l':
			l = 1;
			break;
		case 'L':
			L = 1;
			break;
		case 'c':
			colon = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'a':
		case 'I':
		case 'O':
		case 'J':
			break;
		default:
			sim_opt_complain(cmd, c, o.opt);
			lslpp_usage();
			rc = 1;
			goto out;
		}
	}
	if (l == L) {
		if (!l)
			fprintf(stderr, "%s: nimsim simulates only the -l and -L reports\n", cmd);
		lslpp_usage();
		rc = l ? 1 : 2;
		goto out;
	}
	if (o.ind >= argc || (o.ind + 1 == argc && strcmp(argv[o.ind], "all") == 0)) {
		for (size_t i = 0; i < fs->n; i++)
			mark[i] = 1;
	} else {
		for (int a = o.ind; a < argc; a++) {
			int found = 0;
			for (size_t i = 0; i < fs->n; i++) {
				if (fnmatch(argv[a], all[i]->name, 0) == 0) {
					mark[i] = 1;
					found = 1;
				}
			}
			if (!found) {
				fflush(stdout);
				fprintf(stderr, "%s: 0504-132  Fileset %s not installed.\n", cmd,
				        argv[a]);
				rc = 1;
			}
		}
	}
	for (size_t i = 0; i < fs->n; i++)
		if (mark[i])
			sel[nsel++] = all[i];
	if (nsel == 0)
		goto out;

	if (L && colon) {
		if (!quiet)
			printf(
			    "#Package Name:Fileset:Level:State:PTF Id:Fix State:Type:Description:"
			    "Destination Dir.:Uninstaller:Message Catalog:Message Set:"
			    "Message Number:Parent:Automatic:EFIX Locked:Install Path:Build "
			    "Date\n");
		for (size_t i = 0; i < nsel; i++) {
			char *pkg = package_of(sel[i]->name);
			printf("%s:%s:%s: : :%c:F:%s: : : : : : :0:0:/:%s\n", pkg, sel[i]->name,
			       sel[i]->level, sel[i]->state, sel[i]->desc, "2346");
			free(pkg);
		}
	} else if (L) {
		if (!quiet) {
			printf("  Fileset                      Level  State  Type  Description "
			       "(Uninstaller)\n");
			printf(
			    "  ------------------------------------------------------------------"
			    "----------\n");
		}
		for (size_t i = 0; i < nsel; i++)
			printf("  %-26s %8s    %c     F    %s\n", sel[i]->name, sel[i]->level,
			       sel[i]->state, sel[i]->desc);
		if (!quiet)
			printf("\nState codes: \n"
			       " A -- Applied. \n"
			       " B -- Broken. \n"
			       " C -- Committed. \n"
			       " E -- EFIX Locked. \n"
			       " O -- Obsolete.  (partially migrated to newer version) \n"
			       " ? -- Inconsistent State...Run lppchk -v. \n"
			       "\n"
			       "Type codes: \n"
			       " F -- Installp Fileset \n"
			       " P -- Product \n"
			       " C -- Component \n"
			       " T -- Feature \n"
			       " R -- RPM Package \n"
			       " E -- Interim Fix \n");
	} else if (colon) {
		if (!quiet)
			printf("#Path:Fileset:Level:PTF Id:State:Type:Description:EFIX Locked\n");
		for (int part = SIM_PART_USR; part <= SIM_PART_ROOT; part <<= 1)
			for (size_t i = 0; i < nsel; i++)
				if (sel[i]->parts & (unsigned)part)
					printf("%s:%s:%s::%s:I:%s:\n",
					       part == SIM_PART_USR ? "/usr/lib/objrepos"
					                            : "/etc/objrepos",
					       sel[i]->name, sel[i]->level,
					       state_word(sel[i]->state), sel[i]->desc);
	} else {
		int first = 1;
		if (!quiet) {
			printf(
			    "  Fileset                       Level  State      Description         "
			    "\n");
			printf(
			    "  ------------------------------------------------------------------"
			    "----------\n");
		}
		for (int part = SIM_PART_USR; part <= SIM_PART_ROOT; part <<= 1) {
			int any = 0;
			for (size_t i = 0; i < nsel; i++)
				any |= (sel[i]->parts & (unsigned)part) != 0;
			if (!any)
				continue;
			if (!first)
				printf("\n");
			first = 0;
			printf("Path: %s\n",
			       part == SIM_PART_USR ? "/usr/lib/objrepos" : "/etc/objrepos");
			for (size_t i = 0; i < nsel; i++)
				if (sel[i]->parts & (unsigned)part)
					print_l_row(sel[i]);
		}
	}
out:
	fflush(stdout);
	free(all);
	free(sel);
	free(mark);
	return rc;
}

void sim_lpp_showres(const struct sim_filesets *fs)
{
	const struct sim_fileset **all = sorted(fs);

	printf("  Fileset Name                Level                     I/U Q Content\n");
	printf("  ====================================================================\n");
	for (size_t i = 0; i < fs->n; i++) {
		printf("  %-27s %-25s  I  N %s\n", all[i]->name, all[i]->level,
		       (all[i]->parts & SIM_PART_ROOT) ? "usr,root" : "usr");
		printf("#   %s\n\n", all[i]->desc);
	}
	free(all);
}

int sim_lpp_lslpp(struct sim_ctx *ctx, int argc, char **argv)
{
	return sim_lpp_print(&ctx->host->filesets, argc, argv, "lslpp");
}

int sim_lpp_oslevel(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	struct sim_level l;
	int c, r = 0, s = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "rsqfl:g:")) != -1) {
		switch (c) {
		case 'r':
			r = 1;
			break;
		case 's':
			s = 1;
			break;
		case 'q':
		case 'f':
		case 'l':
		case 'g':
			fprintf(stderr, "oslevel: nimsim does not simulate the -%c flag\n", c);
			return 2;
		default:
			sim_opt_complain("oslevel", c, o.opt);
			fputs("Usage: oslevel [-l Level | -g Level | -q] [-r | -s]\n"
			      "       oslevel -f\n",
			      stderr);
			return 1;
		}
	}
	if ((r && s) || o.ind < argc) {
		fputs("Usage: oslevel [-l Level | -g Level | -q] [-r | -s]\n"
		      "       oslevel -f\n",
		      stderr);
		return 1;
	}
	if (sim_level_parse(ctx->host->oslevel, &l) != 0)
		return 1;
	if (s)
		printf("%s\n", ctx->host->oslevel);
	else if (r)
		printf("%d%d00-%02d\n", l.ver, l.rel, l.tl);
	else
		printf("%d.%d.0.0\n", l.ver, l.rel);
	return 0;
}

int sim_lpp_lppchk(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	int c, v = 0, other = 0, header = 0, rc = 0;
	const struct sim_filesets *fs = &ctx->host->filesets;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "vfclum:O:")) != -1) {
		switch (c) {
		case 'v':
			v = 1;
			break;
		case 'f':
		case 'c':
		case 'l':
			other = 1;
			break;
		case 'u':
		case 'm':
		case 'O':
			break;
		default:
			sim_opt_complain("lppchk", c, o.opt);
			fputs("Usage: lppchk {-c|-f|-l|-v} [-m [1|2|3]] [-u] [-O {[r][s][u]}]\n"
			      "              [ProductName [FileList ...]]\n",
			      stderr);
			return 1;
		}
	}
	if (v + other != 1) {
		fputs("Usage: lppchk {-c|-f|-l|-v} [-m [1|2|3]] [-u] [-O {[r][s][u]}]\n"
		      "              [ProductName [FileList ...]]\n",
		      stderr);
		return 1;
	}
	if (!v)
		return 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct sim_fileset *f = &fs->v[i];
		if (f->state != 'B' && f->state != '?')
			continue;
		if (!header) {
			fprintf(stderr, "lppchk:  The following filesets need to be installed or "
			                "corrected to bring\n"
			                "         the system to a consistent state:\n\n");
			header = 1;
		}
		fprintf(stderr, "  %-38s (%s)\n", f->name, f->state == 'B' ? "BROKEN" : "APPLYING");
		rc = 1;
	}
	return rc;
}

int sim_lpp_installp(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_filesets *fs = &ctx->host->filesets;
	const struct sim_fileset **all;
	int any = 0;

	if (argc != 2 || strcmp(argv[1], "-s") != 0) {
		fprintf(stderr, "installp: nimsim simulates only installp -s\n");
		return 2;
	}
	all = sorted(fs);
	for (size_t i = 0; i < fs->n; i++) {
		if (all[i]->state != 'A')
			continue;
		if (!any) {
			printf("  Installp Status\n  ---------------\n\n");
			printf("  Name                        Part   Level           State\n");
			printf("  ------------------------------------------------------------\n");
			any = 1;
		}
		for (int part = SIM_PART_USR; part <= SIM_PART_ROOT; part <<= 1)
			if (all[i]->parts & (unsigned)part)
				printf("  %-27s %-6s %-15s APPLIED\n", all[i]->name,
				       part == SIM_PART_USR ? "USR" : "ROOT", all[i]->level);
	}
	if (!any)
		printf("0503-459 installp:  No filesets were found in the Software Vital\n"
		       "\tProduct Database in the APPLIED state.\n");
	free(all);
	return 0;
}

/* Whether every base fileset is at least at TL tl of the host's release. */
static int ml_complete(const struct sim_host *h, const struct sim_level *l, int tl)
{
	char *want = xasprintf("%d.%d.%d.0", l->ver, l->rel, tl);
	int ok = 1;
	for (size_t i = 0; i < h->filesets.n; i++) {
		const struct sim_fileset *f = &h->filesets.v[i];
		if (!str_starts(f->name, "bos.") && !str_starts(f->name, "devices."))
			continue;
		if (sim_vrmf_cmp(f->level, want) < 0)
			ok = 0;
	}
	free(want);
	return ok;
}

int sim_lpp_instfix(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	struct sim_level l;
	const char *key = NULL;
	int c, list = 0, quiet = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "ik:qvct")) != -1) {
		switch (c) {
		case 'i':
			list = 1;
			break;
		case 'k':
			key = o.arg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
		case 'c':
		case 't':
			break;
		default:
			sim_opt_complain("instfix", c, o.opt);
			fputs(
			    "Usage: instfix [-T [-M Platform]] [-s String] [ -S ] [-k Keyword | -f "
			    "File]\n"
			    "               [-d Device] [-i [-c] [-q] [-t Type] [-v] [-F]] [-a]\n",
			    stderr);
			return 1;
		}
	}
	if (!list || sim_level_parse(ctx->host->oslevel, &l) != 0) {
		fprintf(stderr, "instfix: nimsim simulates only instfix -i [-k Keyword] [-q]\n");
		return 2;
	}
	if (key != NULL) {
		int tl = -1, ver, rel;
		char tail[16];
		if (sscanf(key, "%1d%1d00-%2d_AIX_ML%15s", &ver, &rel, &tl, tail) == 3 &&
		    ver == l.ver && rel == l.rel && tl >= 0) {
			int ok = tl <= l.tl && ml_complete(ctx->host, &l, tl);
			if (!quiet)
				printf("    %s filesets for %s were found.\n",
				       ok ? "All" : "Not all", key);
			return ok ? 0 : 1;
		}
		if (!quiet)
			printf("    There was no data for %s in the fix database.\n", key);
		return 1;
	}
	if (!quiet) {
		printf("    All filesets for %d.%d.0.0_AIX_ML were found.\n", l.ver, l.rel);
		for (int tl = 0; tl <= l.tl; tl++)
			printf("    %s filesets for %d%d00-%02d_AIX_ML were found.\n",
			       ml_complete(ctx->host, &l, tl) ? "All" : "Not all", l.ver, l.rel,
			       tl);
	}
	return rc;
}
