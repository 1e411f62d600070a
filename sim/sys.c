/* sys.c: system personalities: lsattr (sys0, hdisks), odmget (PdAt TCB_STATE, CuAt), prtconf,
 * hostname and uname. */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- device attributes -------------------------------------------------------- */

struct attr_row {
	const char *name;
	char *value;
	const char *desc;
	const char *settable;
};

/* The derived sys0 values of a host. Owned. */
static char *sys0_value(const struct sim_host *h, const struct sim_cat_attr *c)
{
	const char *v = sim_attrs_get(&h->sys0, c->name);
	if (v != NULL)
		return xstrdup(v);
	if (c->value != NULL)
		return xstrdup(c->value);
	if (strcmp(c->name, "fwversion") == 0)
		return xstrdup(h->firmware);
	if (strcmp(c->name, "modelname") == 0)
		return xstrdup(h->model);
	if (strcmp(c->name, "realmem") == 0)
		return xasprintf("%ld", h->memory_mb * 1024);
	if (strcmp(c->name, "systemid") == 0)
		return xasprintf("IBM,02%s", h->serial);
	if (strcmp(c->name, "ent_capacity") == 0 || strcmp(c->name, "max_capacity") == 0)
		return xasprintf("%d.00", h->cpus);
	if (strcmp(c->name, "id_to_partition") == 0)
		return xasprintf("0X80000D0B8E4%05X", h->lpar_id);
	if (strcmp(c->name, "id_to_system") == 0)
		return xstrdup("0X80000D0B8E400000");
	return xstrdup("");
}

static size_t disk_rows(const struct sim_host *h, const struct sim_disk *d, struct attr_row *r)
{
	size_t n = 0;
	r[n++] =
	    (struct attr_row){ "PCM", xstrdup("PCM/friend/vscsi"), "Path Control Module", "False" };
	r[n++] = (struct attr_row){ "algorithm", xstrdup("fail_over"), "Algorithm", "True" };
	r[n++] =
	    (struct attr_row){ "hcheck_interval", xstrdup("0"), "Health Check Interval", "True" };
	r[n++] = (struct attr_row){ "max_transfer", xstrdup("0x40000"), "Maximum TRANSFER Size",
		                    "True" };
	r[n++] = (struct attr_row){ "pvid",
		                    d->pvid != NULL ? xasprintf("%s0000000000000000", d->pvid)
		                                    : xstrdup("none"),
		                    "Physical volume identifier", "False" };
	r[n++] = (struct attr_row){ "queue_depth", xstrdup("8"), "Queue DEPTH", "True" };
	r[n++] =
	    (struct attr_row){ "reserve_policy", xstrdup("no_reserve"), "Reserve Policy", "True" };
	(void)h;
	return n;
}

static void lsattr_usage(void)
{
	fputs("Usage: lsattr -E -l Name [-a Attribute]... [-F Format] [-H] [-O]\n"
	      "       lsattr -D -l Name [-a Attribute]... [-F Format] [-H] [-O]\n",
	      stderr);
}

/* Prints rows with each column padded to its widest entry (as lsattr does). */
static void print_rows(const struct attr_row *r, size_t n, const char *format, int header)
{
	size_t w[3] = { 0, 0, 0 };

	if (format != NULL) {
		struct strv f = { 0 };
		struct err e;
		(void)sim_words_split(format, &f, &e);
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < f.n; j++) {
				const char *v = strcmp(f.v[j], "attribute") == 0     ? r[i].name
				                : strcmp(f.v[j], "value") == 0       ? r[i].value
				                : strcmp(f.v[j], "description") == 0 ? r[i].desc
				                : strcmp(f.v[j], "user_settable") == 0
				                    ? r[i].settable
				                    : f.v[j];
				printf("%s%s", j > 0 ? " " : "", v);
			}
			printf("\n");
		}
		strv_free(&f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(r[i].name) > w[0])
			w[0] = strlen(r[i].name);
		if (strlen(r[i].value) > w[1])
			w[1] = strlen(r[i].value);
		if (strlen(r[i].desc) > w[2])
			w[2] = strlen(r[i].desc);
	}
	if (header) {
		w[0] = w[0] < 9 ? 9 : w[0];
		w[1] = w[1] < 5 ? 5 : w[1];
		w[2] = w[2] < 11 ? 11 : w[2];
		printf("%-*s %-*s %-*s %s\n\n", (int)w[0], "attribute", (int)w[1], "value",
		       (int)w[2], "description", "user_settable");
	}
	for (size_t i = 0; i < n; i++)
		printf("%-*s %-*s %-*s %s\n", (int)w[0], r[i].name, (int)w[1], r[i].value,
		       (int)w[2], r[i].desc, r[i].settable);
}

int sim_sys_lsattr(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv want = { 0 };
	struct attr_row rows[64], sel[64];
	const char *dev = NULL, *format = NULL;
	size_t n = 0, ns = 0;
	int c, mode = 0, header = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "EDl:a:F:HO")) != -1) {
		switch (c) {
		case 'E':
		case 'D':
			mode = c;
			break;
		case 'l':
			dev = o.arg;
			break;
		case 'a':
			strv_push(&want, o.arg);
			break;
		case 'F':
			format = o.arg;
			break;
		case 'H':
			header = 1;
			break;
		case 'O':
			break;
		default:
			sim_opt_complain("lsattr", c, o.opt);
			lsattr_usage();
			strv_free(&want);
			return 1;
		}
	}
	if (mode == 0 || dev == NULL || o.ind < argc) {
		lsattr_usage();
		strv_free(&want);
		return 1;
	}
	if (strcmp(dev, "sys0") == 0) {
		for (size_t i = 0; i < sim_cat_nsys0 && n < ARRAY_LEN(rows); i++) {
			const struct sim_cat_attr *ca = &sim_cat_sys0[i];
			rows[n++] =
			    (struct attr_row){ ca->name,
				               mode == 'D' && ca->value != NULL ? xstrdup(ca->value)
				                                                : sys0_value(h, ca),
				               ca->desc, ca->settable };
		}
	} else if (sim_host_disk(h, dev) != NULL) {
		n = disk_rows(h, sim_host_disk(h, dev), rows);
	} else {
		fprintf(stderr,
		        "lsattr: 0514-519 The following device was not found in the customized\n"
		        "        device configuration database:\n        %s\n",
		        dev);
		strv_free(&want);
		return 1;
	}
	for (size_t j = 0; j < want.n; j++) {
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(rows[i].name, want.v[j]) == 0 && ns < ARRAY_LEN(sel)) {
				sel[ns++] = rows[i];
				found = 1;
			}
		}
		if (!found) {
			fprintf(stderr,
			        "lsattr: 0514-528 The \"%s\" attribute does not exist in the "
			        "predefined\n        device configuration database.\n",
			        want.v[j]);
			rc = 1;
		}
	}
	if (rc == 0)
		print_rows(want.n > 0 ? sel : rows, want.n > 0 ? ns : n, format, header);
	for (size_t i = 0; i < n; i++)
		free(rows[i].value);
	strv_free(&want);
	return rc;
}

/* ---- odmget ------------------------------------------------------------------------ */

struct odm_field {
	const char *name;
	char *value;
	int quoted;
};

/* Parses "a=b and c = 'd'" into pairs; -1 if it is not that simple form. */
static int parse_criteria(const char *q, struct strv *names, struct strv *values)
{
	struct strbuf norm = { 0 };
	char *s, *tok, *save = NULL;
	int rc = 0;

	/* make "a = b" into "a=b" so words split cleanly */
	for (const char *p = q; *p != '\0'; p++) {
		if (*p == '=') {
			while (norm.len > 0 && norm.buf[norm.len - 1] == ' ')
				norm.buf[--norm.len] = '\0';
			sb_addc(&norm, '=');
			while (p[1] == ' ')
				p++;
		} else {
			sb_addc(&norm, *p);
		}
	}
	s = sb_steal(&norm);
	for (tok = strtok_r(s, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		char *eq;
		size_t vl;
		if (strcmp(tok, "and") == 0 || strcmp(tok, "AND") == 0)
			continue;
		eq = strchr(tok, '=');
		if (eq == NULL || eq == tok) {
			rc = -1;
			break;
		}
		*eq++ = '\0';
		vl = strlen(eq);
		if (vl >= 2 && (eq[0] == '\'' || eq[0] == '"') && eq[vl - 1] == eq[0]) {
			eq[vl - 1] = '\0';
			eq++;
		}
		strv_push(names, tok);
		strv_push(values, eq);
	}
	free(s);
	return rc;
}

static int record_matches(const struct odm_field *f, size_t n, const struct strv *names,
                          const struct strv *values)
{
	for (size_t i = 0; i < names->n; i++) {
		int ok = 0, known = 0;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(f[j].name, names->v[i]) == 0) {
				known = 1;
				ok = strcmp(f[j].value, values->v[i]) == 0;
			}
		}
		if (!known || !ok)
			return 0;
	}
	return 1;
}

static void print_record(const char *class, const struct odm_field *f, size_t n)
{
	printf("\n%s:\n", class);
	for (size_t i = 0; i < n; i++) {
		if (f[i].quoted)
			printf("\t%s = \"%s\"\n", f[i].name, f[i].value);
		else
			printf("\t%s = %s\n", f[i].name, f[i].value);
	}
}

int sim_sys_odmget(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv names = { 0 }, values = { 0 };
	const char *q = NULL, *class;
	int c, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "q:")) != -1) {
		if (c != 'q') {
			sim_opt_complain("odmget", c, o.opt);
			fputs("Usage: odmget [-q criteria] classname ...\n", stderr);
			return 1;
		}
		q = o.arg;
	}
	if (o.ind >= argc) {
		fputs("Usage: odmget [-q criteria] classname ...\n", stderr);
		return 1;
	}
	if (q != NULL && parse_criteria(q, &names, &values) != 0) {
		fprintf(stderr, "odmget: nimsim understands only criteria like "
		                "\"field=value and field=value\"\n");
		strv_free(&names);
		strv_free(&values);
		return 2;
	}
	for (int a = o.ind; a < argc; a++) {
		class = argv[a];
		if (strcmp(class, "PdAt") == 0) {
			struct odm_field f[] = {
				{ "uniquetype", xstrdup(""), 1 },
				{ "attribute", xstrdup("TCB_STATE"), 1 },
				{ "deflt", xstrdup(h->tcb ? "tcb_enabled" : "tcb_disabled"), 1 },
				{ "values", xstrdup(""), 1 },
				{ "width", xstrdup(""), 1 },
				{ "type", xstrdup(""), 1 },
				{ "generic", xstrdup(""), 1 },
				{ "rep", xstrdup(""), 1 },
				{ "nls_index", xstrdup("0"), 0 },
			};
			if (record_matches(f, ARRAY_LEN(f), &names, &values))
				print_record(class, f, ARRAY_LEN(f));
			for (size_t i = 0; i < ARRAY_LEN(f); i++)
				free(f[i].value);
		} else if (strcmp(class, "CuAt") == 0) {
			/* CuAt holds only the attributes changed from their defaults */
			for (size_t i = 0; i < h->sys0.n; i++) {
				struct odm_field f[] = {
					{ "name", xstrdup("sys0"), 1 },
					{ "attribute", xstrdup(h->sys0.v[i].name), 1 },
					{ "value", xstrdup(h->sys0.v[i].value), 1 },
					{ "type", xstrdup("R"), 1 },
					{ "generic", xstrdup("DU"), 1 },
					{ "rep", xstrdup("nr"), 1 },
					{ "nls_index", xstrdup("0"), 0 },
				};
				if (record_matches(f, ARRAY_LEN(f), &names, &values))
					print_record(class, f, ARRAY_LEN(f));
				for (size_t j = 0; j < ARRAY_LEN(f); j++)
					free(f[j].value);
			}
		} else {
			fprintf(stderr, "odmget: Could not open class %s\n", class);
			rc = 1;
		}
	}
	strv_free(&names);
	strv_free(&values);
	return rc;
}

/* ---- prtconf ------------------------------------------------------------------------ */

static void prtconf_vgs(const struct sim_ctx *ctx)
{
	char *argv[4] = { "lsvg", "-p", NULL, NULL };
	const struct sim_host *h = ctx->host;

	printf("Volume Groups Information\n");
	printf("============================================================================== \n");
	printf("Active VGs\n");
	printf("============================================================================== \n");
	for (size_t i = 0; i < h->nvgs; i++) {
		if (!h->vgs[i].active)
			continue;
		argv[2] = h->vgs[i].name;
		fflush(stdout);
		(void)sim_lvm_lsvg((struct sim_ctx *)ctx, 3, argv);
		printf("==========================================================================="
		       "=== "
		       "\n\n");
	}
}

int sim_sys_prtconf(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_network *n = h->network ? sim_lab_network(ctx->lab, h->network) : NULL;
	const char *pnum = h->processor + 5;

	if (argc == 2) {
		if (strcmp(argv[1], "-c") == 0)
			printf("CPU Type: 64-bit\n");
		else if (strcmp(argv[1], "-k") == 0)
			printf("Kernel Type: 64-bit\n");
		else if (strcmp(argv[1], "-m") == 0)
			printf("Memory Size: %ld MB\n", h->memory_mb);
		else if (strcmp(argv[1], "-s") == 0)
			printf("Processor Clock Speed: %ld MHz\n", h->clock_mhz);
		else if (strcmp(argv[1], "-L") == 0)
			printf("LPAR Info: %d %s\n", h->lpar_id, h->hostname);
		else {
			fprintf(stderr,
			        "prtconf: Not a recognized flag: %s\n"
			        "Usage: prtconf [-c] [-k] [-L] [-m] [-s] [-v]\n",
			        argv[1] + (argv[1][0] == '-'));
			return 1;
		}
		return 0;
	}
	if (argc > 2) {
		fputs("Usage: prtconf [-c] [-k] [-L] [-m] [-s] [-v]\n", stderr);
		return 1;
	}
	printf("System Model: %s\n", h->model);
	printf("Machine Serial Number: %s\n", h->serial);
	printf("Processor Type: PowerPC_%s\n", h->processor);
	printf("Processor Implementation Mode: POWER %s\n", pnum);
	printf("Processor Version: PV_%s_Compat\n", pnum);
	printf("Number Of Processors: %d\n", h->cpus);
	printf("Processor Clock Speed: %ld MHz\n", h->clock_mhz);
	printf("CPU Type: 64-bit\n");
	printf("Kernel Type: 64-bit\n");
	printf("LPAR Info: %d %s\n", h->lpar_id, h->hostname);
	printf("Memory Size: %ld MB\n", h->memory_mb);
	printf("Good Memory Size: %ld MB\n", h->memory_mb);
	printf("Platform Firmware level: Not Available\n");
	printf("Firmware Version: %s\n", h->firmware);
	printf("Console Login: enable\n");
	printf("Auto Restart: true\n");
	printf("Full Core: false\n");
	printf("NX Crypto Acceleration: Capable and Enabled\n");
	printf("In-Core Crypto Acceleration: Capable, but not Enabled\n");
	printf("\n");
	printf("Network Information\n");
	printf("\tHost Name: %s\n", h->hostname);
	printf("\tIP Address: %s\n", h->ip);
	printf("\tSub Netmask: %s\n", n != NULL ? n->snm : "255.255.255.0");
	printf("\tGateway: %s\n", n != NULL ? n->gateway : "");
	printf("\tName Server: \n");
	printf("\tDomain Name: \n");
	printf("\n");
	printf("Paging Space Information\n");
	{
		long pg = 0;
		for (size_t i = 0; i < h->nlvs; i++) {
			const struct sim_vg *v = sim_host_vg(h, h->lvs[i].vg);
			if (strcmp(h->lvs[i].type, "paging") == 0 && v != NULL)
				pg += (long)h->lvs[i].lps * v->pp_size;
		}
		printf("\tTotal Paging Space: %ldMB\n", pg);
	}
	printf("\tPercent Used: 1%%\n");
	printf("\n");
	prtconf_vgs(ctx);
	printf("INSTALLED RESOURCE LIST\n\n");
	printf("The following resources are installed on the machine.\n");
	printf("+/- = Added or deleted from Resource List.\n");
	printf("*   = Diagnostic support not available.\n\n");
	printf("  Model Architecture: chrp\n");
	printf("  Model Implementation: Multiple Processor, PCI bus\n\n");
	printf("+ sys0                                                         System Object\n");
	printf("+ sysplanar0                                                   System Planar\n");
	for (int i = 0; i < h->cpus; i++)
		printf(
		    "+ proc%-3d                                                      Processor\n",
		    i * 8);
	for (size_t i = 0; i < h->ndisks; i++)
		printf("* %-16s U9009.42A.7812345-V%d-C2-T1-L%zu000000000000  Virtual SCSI Disk "
		       "Drive\n",
		       h->disks[i].name, h->lpar_id, i + 8);
	return 0;
}

/* ---- hostname, uname ------------------------------------------------------------------ */

int sim_sys_hostname(struct sim_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "hostname: nimsim does not change host names\n");
		return 1;
	}
	printf("%s\n", ctx->host->hostname);
	return 0;
}

int sim_sys_uname(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_level l;
	struct sim_opt o;
	int c, s = 0, n = 0, r = 0, v = 0, m = 0, p = 0, M = 0, L = 0, u = 0, any = 0;
	const char *sep = "";

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "asnrvmpMLu")) != -1) {
		any = 1;
		switch (c) {
		case 'a':
			s = n = r = v = m = 1;
			break;
		case 's':
			s = 1;
			break;
		case 'n':
			n = 1;
			break;
		case 'r':
			r = 1;
			break;
		case 'v':
			v = 1;
			break;
		case 'm':
			m = 1;
			break;
		case 'p':
			p = 1;
			break;
		case 'M':
			M = 1;
			break;
		case 'L':
			L = 1;
			break;
		case 'u':
			u = 1;
			break;
		default:
			sim_opt_complain("uname", c, o.opt);
			fputs("Usage: uname [-snlrvmapfFMiuxSTWL]\n", stderr);
			return 1;
		}
	}
	if (o.ind < argc) {
		fputs("Usage: uname [-snlrvmapfFMiuxSTWL]\n", stderr);
		return 1;
	}
	if (!any)
		s = 1;
	(void)sim_level_parse(h->oslevel, &l);
	if (s) {
		printf("%sAIX", sep);
		sep = " ";
	}
	if (n) {
		printf("%s%s", sep, h->hostname);
		sep = " ";
	}
	if (r) {
		printf("%s%d", sep, l.rel);
		sep = " ";
	}
	if (v) {
		printf("%s%d", sep, l.ver);
		sep = " ";
	}
	if (m) {
		printf("%s%s", sep, h->cpuid);
		sep = " ";
	}
	if (p) {
		printf("%spowerpc", sep);
		sep = " ";
	}
	if (M) {
		printf("%s%s", sep, h->model);
		sep = " ";
	}
	if (L) {
		printf("%s%d %s", sep, h->lpar_id, h->hostname);
		sep = " ";
	}
	if (u) {
		printf("%sIBM,02%s", sep, h->serial);
		sep = " ";
	}
	printf("\n");
	return 0;
}
