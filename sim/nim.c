/* nim.c: lsnim and nim (-o lslpp, -o showres): the NIM database as lsnim shows it, built from
 * the lab's master, networks, resources and clients. */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nim_obj {
	const char *name;
	const char *class;
	const char *type;
	struct sim_attrs attrs; /* in lsnim -l order; names may repeat (serves) */
	const struct sim_host *host;
	const struct sim_res *res;
};

struct nim_db {
	struct nim_obj *v;
	size_t n, cap;
};

static void add(struct sim_attrs *a, const char *name, const char *value)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n].name = xstrdup(name);
	a->v[a->n].value = xstrdup(value);
	a->n++;
}

/* Lab overrides (nim.X) replace every default X in place; new names go last. */
static void apply_overrides(struct sim_attrs *a, const struct sim_attrs *over)
{
	struct sim_attrs out = { 0 };
	for (size_t i = 0; i < a->n; i++) {
		if (sim_attrs_get(over, a->v[i].name) == NULL) {
			add(&out, a->v[i].name, a->v[i].value);
			continue;
		}
		/* first default of that name: emit all override values */
		int first = 1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->v[j].name, a->v[i].name) == 0)
				first = 0;
		if (!first)
			continue;
		for (size_t k = 0; k < over->n; k++)
			if (strcmp(over->v[k].name, a->v[i].name) == 0)
				add(&out, over->v[k].name, over->v[k].value);
	}
	for (size_t k = 0; k < over->n; k++)
		if (sim_attrs_get(a, over->v[k].name) == NULL)
			add(&out, over->v[k].name, over->v[k].value);
	sim_attrs_free(a);
	*a = out;
}

static struct nim_obj *obj_new(struct nim_db *db, const char *name, const char *class,
                               const char *type)
{
	struct nim_obj *o;
	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 32;
		db->v = xreallocarray(db->v, db->cap, sizeof *db->v);
	}
	o = &db->v[db->n++];
	memset(o, 0, sizeof *o);
	o->name = name;
	o->class = class;
	o->type = type;
	add(&o->attrs, "class", class);
	add(&o->attrs, "type", type);
	return o;
}

static void add_if(struct sim_attrs *a, const struct sim_lab *lab, const char *host)
{
	const struct sim_host *h = sim_lab_host(lab, host);
	char *v = xasprintf("%s %s 0", h != NULL && h->network != NULL ? h->network : "admin_net",
	                    h != NULL ? h->hostname : host);
	add(a, "if1", v);
	free(v);
}

static void add_levels(struct sim_attrs *a, const char *oslevel)
{
	struct sim_level l;
	char buf[32];

	if (sim_level_parse(oslevel, &l) != 0)
		return;
	snprintf(buf, sizeof buf, "%d", l.ver);
	add(a, "version", buf);
	snprintf(buf, sizeof buf, "%d", l.rel);
	add(a, "release", buf);
	snprintf(buf, sizeof buf, "%d", l.tl);
	add(a, "mod", buf);
	snprintf(buf, sizeof buf, "%d%d00-%02d", l.ver, l.rel, l.tl);
	add(a, "oslevel_r", buf);
	add(a, "oslevel_s", oslevel);
}

static void db_build(const struct sim_lab *lab, struct nim_db *db)
{
	const struct sim_host *m = lab->hosts[0];
	struct nim_obj *o;

	o = obj_new(db, "master", "machines", "master");
	o->host = m;
	add(&o->attrs, "max_nimesis_threads", "20");
	add(&o->attrs, "if_defined", "chrp.64.ent");
	add(&o->attrs, "comments", "machine which controls the NIM environment");
	add(&o->attrs, "platform", "chrp");
	add(&o->attrs, "netboot_kernel", "64");
	add_if(&o->attrs, lab, "master");
	add(&o->attrs, "cable_type1", "N/A");
	add(&o->attrs, "Cstate", "ready for a NIM operation");
	add(&o->attrs, "prev_state", "ready for a NIM operation");
	add(&o->attrs, "Mstate", "currently running");
	add(&o->attrs, "serves", "boot");
	add(&o->attrs, "serves", "nim_script");
	for (size_t i = 0; i < lab->nres; i++)
		if (strcmp(lab->res[i]->server, "master") == 0)
			add(&o->attrs, "serves", lab->res[i]->name);
	add(&o->attrs, "master_port", "1058");
	add(&o->attrs, "registration_port", "1059");
	add(&o->attrs, "reserved", "yes");
	add(&o->attrs, "ssl_support", "no");
	apply_overrides(&o->attrs, &m->nim);

	o = obj_new(db, "boot", "resources", "boot");
	add(&o->attrs, "comments", "represents the network boot resource");
	add(&o->attrs, "Rstate", "ready for use");
	add(&o->attrs, "location", "/tftpboot");
	add(&o->attrs, "alloc_count", "0");
	add(&o->attrs, "server", "master");
	o = obj_new(db, "nim_script", "resources", "nim_script");
	add(&o->attrs, "comments", "directory containing customization scripts created by NIM");
	add(&o->attrs, "Rstate", "ready for use");
	add(&o->attrs, "location", "/export/nim/scripts");
	add(&o->attrs, "alloc_count", "0");
	add(&o->attrs, "server", "master");

	for (size_t i = 0; i < lab->nnets; i++) {
		const struct sim_network *n = lab->nets[i];
		char *r = xasprintf("default %s", n->gateway);
		o = obj_new(db, n->name, "networks", "ent");
		add(&o->attrs, "Nstate", "ready for use");
		add(&o->attrs, "prev_state", "ready for use");
		add(&o->attrs, "net_addr", n->net_addr);
		add(&o->attrs, "snm", n->snm);
		add(&o->attrs, "routing1", r);
		free(r);
	}
	for (size_t i = 0; i < lab->nres; i++) {
		const struct sim_res *r = lab->res[i];
		o = obj_new(db, r->name, "resources", sim_res_type_name(r->type));
		o->res = r;
		if (r->type == SIM_RES_SPOT) {
			add(&o->attrs, "plat_defined", "chrp");
			add(&o->attrs, "arch", "power");
			add(&o->attrs, "bos_license", "yes");
			add(&o->attrs, "Rstate", "ready for use");
			add(&o->attrs, "prev_state", "verification is being performed");
			add(&o->attrs, "location", r->location);
			add_levels(&o->attrs, r->oslevel);
			add(&o->attrs, "alloc_count", "0");
			add(&o->attrs, "server", r->server);
			add(&o->attrs, "if_supported", "chrp.64 ent");
			add(&o->attrs, "Rstate_result", "success");
			add(&o->attrs, "mk_netboot", "yes");
		} else if (r->type == SIM_RES_LPP_SOURCE) {
			add(&o->attrs, "arch", "power");
			add(&o->attrs, "Rstate", "ready for use");
			add(&o->attrs, "prev_state", "unavailable for use");
			add(&o->attrs, "location", r->location);
			add(&o->attrs, "simages", r->simages ? "yes" : "no");
			add(&o->attrs, "alloc_count", "0");
			add(&o->attrs, "server", r->server);
		} else if (r->type == SIM_RES_MKSYSB) {
			add(&o->attrs, "arch", "power");
			add(&o->attrs, "Rstate", "ready for use");
			add(&o->attrs, "prev_state", "unavailable for use");
			add(&o->attrs, "location", r->location);
			add_levels(&o->attrs, r->oslevel);
			add(&o->attrs, "alloc_count", "0");
			add(&o->attrs, "server", r->server);
			add(&o->attrs, "creation_date", r->creation_date);
			add(&o->attrs, "source_image", r->source_image);
		} else {
			add(&o->attrs, "Rstate", "ready for use");
			add(&o->attrs, "prev_state", "unavailable for use");
			add(&o->attrs, "location", r->location);
			add(&o->attrs, "alloc_count", "0");
			add(&o->attrs, "server", r->server);
		}
		apply_overrides(&o->attrs, &r->nim);
	}
	for (size_t i = 1; i < lab->nhosts; i++) {
		const struct sim_host *h = lab->hosts[i];
		o = obj_new(db, h->name, "machines", "standalone");
		o->host = h;
		add(&o->attrs, "connect", h->connect == SIM_CONNECT_NIMSH ? "nimsh" : "shell");
		add(&o->attrs, "platform", "chrp");
		add(&o->attrs, "netboot_kernel", "64");
		add_if(&o->attrs, lab, h->name);
		add(&o->attrs, "cable_type1", "N/A");
		add(&o->attrs, "Cstate", "ready for a NIM operation");
		add(&o->attrs, "prev_state", "ready for a NIM operation");
		add(&o->attrs, "Mstate",
		    h->reach == SIM_REACH_TIMEOUT ? "not running" : "currently running");
		add(&o->attrs, "cpuid", h->cpuid);
		apply_overrides(&o->attrs, &h->nim);
	}
}

static void db_free(struct nim_db *db)
{
	for (size_t i = 0; i < db->n; i++)
		sim_attrs_free(&db->v[i].attrs);
	free(db->v);
	memset(db, 0, sizeof *db);
}

static struct nim_obj *db_find(struct nim_db *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->v[i].name, name) == 0)
			return &db->v[i];
	return NULL;
}

static const char *const nim_types[] = {
	"master",
	"standalone",
	"diskless",
	"dataless",
	"alternate_master",
	"ent",
	"tok",
	"fddi",
	"atm",
	"generic",
	"boot",
	"nim_script",
	"spot",
	"lpp_source",
	"mksysb",
	"script",
	"bosinst_data",
	"image_data",
	"installp_bundle",
	"exclude_files",
	"fb_script",
	"resolv_conf",
	"adapter_def",
	"root",
	"dump",
	"paging",
	"home",
	"shared_home",
	"tmp",
	"machine_group",
	"res_group",
	"savevg",
	"vg_data",
	"ios_mksysb",
	"wpar",
};
static const char *const nim_classes[] = { "machines", "networks", "resources", "groups",
	                                   "management" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static void lsnim_usage(void)
{
	fputs("usage:  To display predefined and help information about NIM objects, types,\n"
	      "        classes and subclasses:\n"
	      "                lsnim -p|-P [-S]\n"
	      "        To display information about all customized NIM objects:\n"
	      "                lsnim [-c class|-s subclass|-t type] [-l|-O] [-Z]\n"
	      "                lsnim [-a attribute]... [-Z]\n"
	      "        To display information about a specific NIM object:\n"
	      "                lsnim [-l|-O|-a attribute...] [-Z] object_name\n",
	      stderr);
}

static void print_short(const struct nim_db *db, const struct nim_obj **sel, size_t n)
{
	size_t wn = 0, wc = 0;
	(void)db;
	for (size_t i = 0; i < n; i++) {
		if (strlen(sel[i]->name) > wn)
			wn = strlen(sel[i]->name);
		if (strlen(sel[i]->class) > wc)
			wc = strlen(sel[i]->class);
	}
	wn = wn + 2 > 16 ? wn + 2 : 16;
	wc = wc + 2 > 15 ? wc + 2 : 15;
	for (size_t i = 0; i < n; i++)
		printf("%-*s%-*s%s\n", (int)wn, sel[i]->name, (int)wc, sel[i]->class, sel[i]->type);
}

/* A stanza; attrs limits it to those attribute names (NULL: all). */
static void print_long(const struct nim_obj *o, const struct strv *attrs)
{
	size_t w = 0;
	printf("%s:\n", o->name);
	for (size_t i = 0; i < o->attrs.n; i++) {
		int want = attrs == NULL || attrs->n == 0;
		for (size_t j = 0; !want && j < attrs->n; j++)
			want = strcmp(attrs->v[j], o->attrs.v[i].name) == 0;
		if (want && strlen(o->attrs.v[i].name) > w)
			w = strlen(o->attrs.v[i].name);
	}
	for (size_t i = 0; i < o->attrs.n; i++) {
		int want = attrs == NULL || attrs->n == 0;
		for (size_t j = 0; !want && j < attrs->n; j++)
			want = strcmp(attrs->v[j], o->attrs.v[i].name) == 0;
		if (want)
			printf("   %-*s = %s\n", (int)w, o->attrs.v[i].name, o->attrs.v[i].value);
	}
}

int sim_nim_lsnim(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	struct nim_db db = { 0 };
	struct strv attrs = { 0 };
	const char *type = NULL, *class = NULL;
	const struct nim_obj **sel = NULL;
	size_t nsel = 0;
	int c, lng = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "lt:c:a:s:ZOLpPSq:gm")) != -1) {
		switch (c) {
		case 'l':
			lng = 1;
			break;
		case 't':
			type = o.arg;
			break;
		case 'c':
			class = o.arg;
			break;
		case 'a':
			strv_push(&attrs, o.arg);
			break;
		case '?':
		case ':':
			sim_opt_complain("lsnim", c, o.opt);
			lsnim_usage();
			strv_free(&attrs);
			return 1;
		default:
			fprintf(stderr, "lsnim: nimsim does not simulate the -%c flag\n", c);
			strv_free(&attrs);
			return 2;
		}
	}
	if ((type != NULL && class != NULL) || (lng && attrs.n > 0)) {
		lsnim_usage();
		strv_free(&attrs);
		return 1;
	}
	if (type != NULL && !in_list(type, nim_types, ARRAY_LEN(nim_types))) {
		fprintf(stderr, "lsnim: \"%s\" is not a valid NIM object type\n", type);
		strv_free(&attrs);
		return 1;
	}
	if (class != NULL && !in_list(class, nim_classes, ARRAY_LEN(nim_classes))) {
		fprintf(stderr, "lsnim: \"%s\" is not a valid NIM object class\n", class);
		strv_free(&attrs);
		return 1;
	}
	db_build(ctx->lab, &db);
	sel = xcalloc(db.n + 1, sizeof *sel);
	if (o.ind < argc) {
		for (int i = o.ind; i < argc; i++) {
			struct nim_obj *ob = db_find(&db, argv[i]);
			if (ob == NULL) {
				fprintf(stderr,
				        "0042-053 lsnim: there is no NIM object named \"%s\"\n",
				        argv[i]);
				rc = 1;
				continue;
			}
			if ((type != NULL && strcmp(ob->type, type) != 0) ||
			    (class != NULL && strcmp(ob->class, class) != 0))
				continue;
			sel[nsel++] = ob;
		}
	} else {
		for (size_t i = 0; i < db.n; i++) {
			if ((type != NULL && strcmp(db.v[i].type, type) != 0) ||
			    (class != NULL && strcmp(db.v[i].class, class) != 0))
				continue;
			if (attrs.n > 0) {
				int has = 0;
				for (size_t j = 0; j < attrs.n; j++)
					has |= sim_attrs_get(&db.v[i].attrs, attrs.v[j]) != NULL;
				if (!has)
					continue;
			}
			sel[nsel++] = &db.v[i];
		}
	}
	if (lng || attrs.n > 0) {
		for (size_t i = 0; i < nsel; i++)
			print_long(sel[i], &attrs);
	} else {
		print_short(&db, sel, nsel);
	}
	free(sel);
	db_free(&db);
	strv_free(&attrs);
	return rc;
}

/* ---- nim -------------------------------------------------------------------------- */

static void nim_usage(void)
{
	fputs("Usage nim:  nim -o Operation [-F] [-t Type] [-a Attribute=Value]...\n"
	      "                 {TargetName|TargetNames}\n",
	      stderr);
}

static void nim_processing_error(const char *where)
{
	fprintf(stderr, "0042-001 nim: processing error encountered on \"%s\":\n", where);
}

/* lslpp_flags=Lc -> "-Lc"; filesets=a b -> operands. */
static int lslpp_run(const struct sim_filesets *fs, const char *flags, const char *filesets)
{
	struct strv av = { 0 };
	struct err e;
	int rc;

	strv_push(&av, "lslpp");
	if (flags == NULL || *flags == '\0')
		flags = "L";
	if (flags[0] == '-')
		strv_push(&av, flags);
	else
		strv_pushf(&av, "-%s", flags);
	if (filesets != NULL && sim_words_split(filesets, &av, &e) != 0) {
		fprintf(stderr, "nim: filesets: %s\n", e.msg);
		strv_free(&av);
		return 1;
	}
	rc = sim_lpp_print(fs, (int)av.n, av.v, "lslpp");
	strv_free(&av);
	return rc;
}

int sim_nim_nim(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	const char *op = NULL, *flags = NULL, *filesets = NULL;
	const struct sim_res *r;
	const struct sim_host *h;
	int c, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "o:a:t:F")) != -1) {
		switch (c) {
		case 'o':
			op = o.arg;
			break;
		case 'a':
			if (str_starts(o.arg, "lslpp_flags="))
				flags = o.arg + strlen("lslpp_flags=");
			else if (str_starts(o.arg, "filesets="))
				filesets = o.arg + strlen("filesets=");
			else if (strchr(o.arg, '=') == NULL) {
				fprintf(
				    stderr,
				    "0042-001 nim: processing error encountered on \"master\":\n"
				    "   nim: \"%s\" is not a valid attribute assignment\n",
				    o.arg);
				return 1;
			}
			break;
		case 't':
		case 'F':
			break;
		default:
			sim_opt_complain("nim", c, o.opt);
			nim_usage();
			return 1;
		}
	}
	if (op == NULL || o.ind >= argc) {
		nim_usage();
		return 1;
	}
	if (strcmp(op, "lslpp") != 0 && strcmp(op, "showres") != 0) {
		fprintf(stderr, "nim: nimsim does not simulate the \"%s\" operation\n", op);
		return 2;
	}
	for (int i = o.ind; i < argc; i++) {
		const char *target = argv[i];
		r = sim_lab_res(ctx->lab, target);
		h = sim_lab_host(ctx->lab, target);
		if (r == NULL && h == NULL) {
			fprintf(stderr, "0042-053 nim: there is no NIM object named \"%s\"\n",
			        target);
			rc = 1;
			continue;
		}
		if (strcmp(op, "lslpp") == 0) {
			if (h != NULL) {
				if (!h->is_master && h->reach != SIM_REACH_OK &&
				    h->reach != SIM_REACH_SLOW) {
					nim_processing_error(h->name);
					fprintf(
					    stderr,
					    "   0042-006 m_lslpp: (From_Master) connect Connection "
					    "%s\n",
					    h->reach == SIM_REACH_TIMEOUT ? "timed out"
					                                  : "refused");
					rc = 1;
					continue;
				}
				rc |= lslpp_run(&h->filesets, flags, filesets);
			} else if (r->type == SIM_RES_SPOT || r->type == SIM_RES_MKSYSB) {
				rc |= lslpp_run(&r->filesets, flags, filesets);
			} else {
				nim_processing_error("master");
				fprintf(
				    stderr,
				    "   nim: the \"lslpp\" operation cannot be applied to \"%s\" "
				    "(type %s)\n",
				    target, sim_res_type_name(r->type));
				rc = 1;
			}
			continue;
		}
		/* showres */
		if (r == NULL) {
			nim_processing_error("master");
			fprintf(stderr,
			        "   nim: the \"showres\" operation cannot be applied to machine "
			        "\"%s\"\n",
			        target);
			rc = 1;
		} else if (r->type == SIM_RES_LPP_SOURCE) {
			sim_lpp_showres(&r->filesets);
		} else if (r->type == SIM_RES_SPOT || r->type == SIM_RES_MKSYSB) {
			rc |= lslpp_run(&r->filesets, flags, filesets);
		} else {
			fputs(sb_str(&r->content), stdout);
		}
	}
	return rc;
}
