/*
 * migscripts.c: IBM's migration helpers and software commits on a client:
 * /usr/lpp/bos/pre_migration (checks, then saves what it found under
 * /home/pre_migration.TIMESTAMP and says where), /usr/lpp/bos/post_migration
 * (compares the software with what pre_migration saved; it can run for ten
 * minutes, printing as it goes, in simulated time), and installp -c (commit
 * what is applied; installp -s is lpp.c's).
 */
#include "simops.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A line on stdout and in the saved copy of the output. */
static void mig_say(FILE *copy, const char *fmt, ...) PRINTFLIKE(2, 3);
static void mig_say(FILE *copy, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (copy != NULL) {
		va_start(ap, fmt);
		vfprintf(copy, fmt, ap);
		va_end(ap);
		fprintf(copy, "\n");
	}
	fflush(stdout);
}

/* The broken or inconsistent filesets (what lppchk -v would list). */
static size_t mig_broken(const struct sim_host *h, FILE *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->filesets.n; i++) {
		const struct sim_fileset *f = &h->filesets.v[i];
		if (f->state != 'B' && f->state != '?')
			continue;
		if (out != NULL)
			fprintf(out, "  %-38s (%s)\n", f->name,
			        f->state == 'B' ? "BROKEN" : "APPLYING");
		n++;
	}
	return n;
}

static void mig_file(const struct sim_lab *lab, const struct sim_host *h, const char *dir,
                     const char *name, FILE **out)
{
	char *path = xasprintf("%s/%s", dir, name);

	*out = sim_files_open(lab, h, path, "w");
	free(path);
}

int sim_mig_pre_migration(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	char *stamp = simops_stamp(), *dir = xasprintf("/home/pre_migration.%s", stamp);
	FILE *copy, *f;
	size_t broken, applied = 0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "Usage: pre_migration\n");
		free(stamp);
		free(dir);
		return 1;
	}
	mig_file(ctx->lab, h, dir, "pre_migration.out", &copy);
	mig_say(copy, "All saved information can be found in: %s", dir);
	mig_say(copy, "%s", "");
	mig_say(copy, "Checking size of boot logical volume (hd5).");
	simops_wait(ctx->lab, 5000);
	mig_say(copy, "%s", "");
	mig_say(copy, "Listing software that will be removed from the system.");
	mig_file(ctx->lab, h, dir, "software_list", &f);
	for (size_t i = 0; i < h->filesets.n; i++) {
		if (f != NULL)
			fprintf(f, "%s:%s\n", h->filesets.v[i].name, h->filesets.v[i].level);
		applied += h->filesets.v[i].state == 'A';
	}
	if (f != NULL)
		fclose(f);
	simops_wait(ctx->lab, 20000);
	mig_say(copy, "%s", "");
	mig_say(copy, "Listing configuration files that will not be merged.");
	mig_say(copy, "%s", "");
	mig_say(copy, "Saving configuration files that will be merged.");
	simops_wait(ctx->lab, 10000);
	mig_say(copy, "%s", "");
	mig_say(copy, "Running lppchk commands. This may take awhile.");
	mig_file(ctx->lab, h, dir, "software_file_existence_check", &f);
	broken = mig_broken(h, f);
	if (f != NULL)
		fclose(f);
	mig_file(ctx->lab, h, dir, "software_checksum_verification", &f);
	if (f != NULL)
		fclose(f);
	mig_file(ctx->lab, h, dir, "tcbck.output", &f);
	if (f != NULL) {
		fprintf(f, "%s\n",
		        h->tcb ? "tcbck: TCB is enabled." : "tcbck: TCB is not enabled.");
		fclose(f);
	}
	simops_wait(ctx->lab, 120000);
	mig_say(copy, "%s", "");
	if (broken > 0)
		mig_say(copy, "%zu fileset%s must be corrected before the migration (see below).",
		        broken, broken == 1 ? "" : "s");
	if (applied > 0)
		mig_say(copy,
		        "%zu fileset%s applied but not committed: commit %s before the "
		        "migration (installp -c).",
		        applied, applied == 1 ? " is" : "s are", applied == 1 ? "it" : "them");
	mig_say(copy, "Please check %s/software_file_existence_check", dir);
	mig_say(copy, "for possible errors.");
	mig_say(copy, "%s", "");
	mig_say(copy, "Please check %s/software_checksum_verification", dir);
	mig_say(copy, "for possible errors.");
	mig_say(copy, "%s", "");
	mig_say(copy, "Please check %s/tcbck.output for possible errors.", dir);
	mig_say(copy, "%s", "");
	mig_say(copy, "All saved information can be found in: %s", dir);
	mig_say(copy, "%s", "");
	mig_say(copy, "It is recommended that you create a bootable system backup of your system");
	mig_say(copy, "before migrating.");
	if (copy != NULL)
		fclose(copy);
	free(stamp);
	free(dir);
	return 0;
}

/* The newest /home/pre_migration.* directory of h ("" when none): the names end in a
 * timestamp, so the greatest name is the newest. Owned. */
static char *mig_newest_pre(const struct sim_lab *lab, const struct sim_host *h)
{
	char *home = sim_files_path(lab, h, "/home"), *best = NULL;
	DIR *d = home != NULL ? opendir(home) : NULL;
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (!str_starts(de->d_name, "pre_migration.") ||
		    (best != NULL && strcmp(de->d_name, best) <= 0))
			continue;
		free(best);
		best = xstrdup(de->d_name);
	}
	if (d != NULL)
		closedir(d);
	free(home);
	if (best == NULL)
		return xstrdup("");
	home = xasprintf("/home/%s", best);
	free(best);
	return home;
}

int sim_mig_post_migration(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	char *stamp = simops_stamp(), *dir = xasprintf("/home/post_migration.%s", stamp);
	char *pre = mig_newest_pre(ctx->lab, h);
	size_t updated = 0, added = 0, removed = 0, total = h->filesets.n, broken;
	struct strv before_names = { 0 }, before_levels = { 0 };
	FILE *copy, *f;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "Usage: post_migration\n");
		free(stamp);
		free(dir);
		free(pre);
		return 1;
	}
	mig_file(ctx->lab, h, dir, "post_migration.out", &copy);
	mig_say(copy, "All saved information can be found in: %s", dir);
	mig_say(copy, "%s", "");
	if (*pre != '\0') {
		char *list = xasprintf("%s/software_list", pre), line[512];
		FILE *in = sim_files_open(ctx->lab, h, list, "r");
		while (in != NULL && fgets(line, sizeof line, in) != NULL) {
			char *colon = strchr(str_trim(line), ':');
			if (colon == NULL)
				continue;
			*colon++ = '\0';
			strv_push(&before_names, line);
			strv_push(&before_levels, colon);
		}
		if (in != NULL)
			fclose(in);
		mig_say(copy, "Verifying the installed software against %s", list);
		free(list);
	} else {
		mig_say(copy, "No pre_migration information was found in /home: the software");
		mig_say(copy, "installed before the migration is not compared.");
	}
	for (size_t i = 0; i < total; i++) {
		const struct sim_fileset *fs = &h->filesets.v[i];
		int found = 0;
		for (size_t j = 0; j < before_names.n; j++) {
			if (strcmp(before_names.v[j], fs->name) != 0)
				continue;
			found = 1;
			updated += strcmp(before_levels.v[j], fs->level) != 0;
		}
		added += !found && before_names.n > 0;
		/* ten minutes on AIX for a few hundred filesets, shown as it goes */
		if (total >= 4 && (i + 1) % (total / 4) == 0)
			mig_say(copy, "  checked %zu of %zu filesets", i + 1, total);
		simops_wait(ctx->lab, 300000 / (long)(total > 0 ? total : 1));
	}
	for (size_t j = 0; j < before_names.n; j++)
		removed += sim_filesets_find(&h->filesets, before_names.v[j]) == NULL;
	if (before_names.n > 0)
		mig_say(copy, "%zu fileset%s updated, %zu added, %zu removed since pre_migration.",
		        updated, updated == 1 ? "" : "s", added, removed);
	mig_say(copy, "%s", "");
	mig_say(copy, "Running lppchk commands. This may take awhile.");
	mig_file(ctx->lab, h, dir, "software_file_existence_check", &f);
	broken = mig_broken(h, f);
	if (f != NULL)
		fclose(f);
	simops_wait(ctx->lab, 280000);
	if (broken > 0)
		mig_say(copy, "lppchk found %zu fileset%s to correct.", broken,
		        broken == 1 ? "" : "s");
	mig_say(copy, "%s", "");
	mig_say(copy, "Please check %s/software_file_existence_check", dir);
	mig_say(copy, "for possible errors.");
	mig_say(copy, "%s", "");
	mig_say(copy, "All saved information can be found in: %s", dir);
	if (copy != NULL)
		fclose(copy);
	strv_free(&before_names);
	strv_free(&before_levels);
	free(stamp);
	free(dir);
	free(pre);
	return 0;
}

/* ---- installp -c ------------------------------------------------------------------------------
 */

/* The lab definition of a fileset in another state. Owned. */
static char *mig_fileset_def(const struct sim_fileset *f, char state)
{
	const char *cat = sim_cat_desc(f->name);
	const char *parts = f->parts == (SIM_PART_USR | SIM_PART_ROOT) ? "usr,root"
	                    : f->parts == SIM_PART_ROOT                ? "root"
	                                                               : "usr";

	if ((cat == NULL || strcmp(cat, f->desc) != 0) && *f->desc != '\0' &&
	    strpbrk(f->desc, "\"$`\\") == NULL)
		return xasprintf("%s %s state=%c parts=%s \"desc=%s\"", f->name, f->level, state,
		                 parts, f->desc);
	return xasprintf("%s %s state=%c parts=%s", f->name, f->level, state, parts);
}

static void mig_rule(const char *title)
{
	printf("+-----------------------------------------------------------------------------+\n");
	printf("%*s\n", (int)(39 + strlen(title) / 2), title);
	printf("+-----------------------------------------------------------------------------+\n");
}

int sim_mig_installp(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv sel = { 0 }, missing = { 0 };
	struct sim_state *st;
	int c, commit = 0, rc = 0;

	if (argc == 2 && strcmp(argv[1], "-s") == 0)
		return sim_lpp_installp(ctx, argc, argv);
	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "cgXwe:O:V:bpv")) != -1) {
		switch (c) {
		case 'c':
			commit = 1;
			break;
		case 'g':
		case 'X':
		case 'w':
		case 'e':
		case 'O':
		case 'V':
		case 'b':
		case 'v':
			break;
		case 'p':
			fprintf(stderr, "installp: nimsim does not simulate the -p flag\n");
			return 2;
		default:
			fprintf(stderr,
			        "installp: nimsim simulates only installp -s and installp -c\n");
			return 2;
		}
	}
	if (!commit) {
		fprintf(stderr, "installp: nimsim simulates only installp -s and installp -c\n");
		return 2;
	}
	if (o.ind >= argc) {
		fputs("Usage: installp -c [-e LogFile] [-V Number] [-b] [-g] [-p] [-v] [-X]\n"
		      "\t[-O {[r][s][u]}] [-w] {FilesetName [Level]... | -f ListFile | all}\n",
		      stderr);
		return 1;
	}
	for (int i = o.ind; i < argc; i++) {
		if (strcmp(argv[i], "all") == 0) {
			for (size_t j = 0; j < h->filesets.n; j++)
				if (h->filesets.v[j].state == 'A')
					strv_push(&sel, h->filesets.v[j].name);
			continue;
		}
		if (strchr(argv[i], '.') != NULL &&
		    strspn(argv[i], "0123456789.") == strlen(argv[i]))
			continue; /* a level after a name */
		{
			const struct sim_fileset *f = sim_filesets_find(&h->filesets, argv[i]);
			if (f == NULL || f->state != 'A')
				strv_push(&missing, argv[i]);
			else
				strv_push(&sel, argv[i]);
		}
	}
	mig_rule("Pre-commit Verification...");
	printf("Verifying selections...done\nVerifying requisites...done\nResults...\n\n");
	if (missing.n > 0) {
		printf(
		    "FAILURES\n--------\n  Filesets listed in this section failed pre-commit "
		    "verification\n  and will not be committed.\n\n  Not Applied\n  -----------\n"
		    "  No software could be found in the APPLIED state for:\n\n");
		for (size_t i = 0; i < missing.n; i++)
			printf("  %s\n", missing.v[i]);
		printf("\n  << End of Failure Section >>\n\n");
		rc = 1;
	}
	if (sel.n == 0) {
		if (missing.n == 0)
			printf("0503-459 installp:  No filesets were found in the Software Vital\n"
			       "\tProduct Database in the APPLIED state.\n");
		strv_free(&sel);
		strv_free(&missing);
		return rc;
	}
	printf(
	    "SUCCESSES\n---------\n  Filesets listed in this section passed pre-commit "
	    "verification\n  and will be committed.\n\n  Selected Filesets\n  -----------------\n");
	for (size_t i = 0; i < sel.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&h->filesets, sel.v[i]);
		char *name = xasprintf("%s %s", f->name, f->level);
		printf("  %-40s # %s\n", name, f->desc);
		free(name);
	}
	printf("\n  << End of Success Section >>\n\n");
	mig_rule("Committing Software...");
	printf("\n");
	if ((st = simops_begin(ctx->lab, "installp")) == NULL) {
		strv_free(&sel);
		strv_free(&missing);
		return 1;
	}
	for (size_t i = 0; i < sel.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&h->filesets, sel.v[i]);
		char *key = xasprintf("fileset.%s", f->name), *def = mig_fileset_def(f, 'C');
		printf("installp: COMMITTING software for:\n        %s %s\n\n", f->name, f->level);
		simops_wait(ctx->lab, 3000);
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
	printf("Finished processing all filesets.  (Total time:  %zu secs).\n\n", 3 * sel.n);
	mig_rule("Summaries:");
	printf("\nInstallation Summary\n--------------------\n");
	printf("Name                        Level           Part        Event       Result\n");
	printf("-------------------------------------------------------------------------------\n");
	for (size_t i = 0; i < sel.n; i++) {
		const struct sim_fileset *f = sim_filesets_find(&h->filesets, sel.v[i]);
		for (int part = SIM_PART_USR; part <= SIM_PART_ROOT; part <<= 1)
			if (f->parts & (unsigned)part)
				printf("%-27s %-15s %-11s %-11s %s\n", f->name, f->level,
				       part == SIM_PART_USR ? "USR" : "ROOT", "COMMIT", "SUCCESS");
	}
	if (simops_commit(&st, "installp") != 0)
		rc = 1;
	strv_free(&sel);
	strv_free(&missing);
	return rc;
}
