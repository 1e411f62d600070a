/*
 * lab.c: reading a lab file (INI, via inih) into the model, filling in what
 * AIX would have by default, applying the state overlay, and validating
 * everything with one precise message ("demo.lab:42: client x: ...").
 */
#include "ini_reader.h"
#include "sim.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum kind { K_NONE, K_LAB, K_HOST, K_NETWORK, K_RES, K_REPLAY, K_FAULT };

struct loader {
	struct sim_lab *lab;
	struct sim_ini ini;
	struct err *e;
	int failed;
	enum kind kind;
	void *obj;
	char *ctx;       /* "client aixdb01" for messages */
	const char *src; /* file name for messages */
	int line;        /* line for messages */
	int lab_seen;
};

/* ---- small helpers ----------------------------------------------------------- */

static void ld_fail(struct loader *ld, const char *fmt, ...) PRINTFLIKE(2, 3);
static void ld_fail(struct loader *ld, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (ld->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ld->failed = 1;
	if (ld->line > 0 && ld->ctx != NULL)
		err_set(ld->e, "%s:%d: %s: %s", ld->src, ld->line, ld->ctx, msg);
	else if (ld->line > 0)
		err_set(ld->e, "%s:%d: %s", ld->src, ld->line, msg);
	else if (ld->ctx != NULL)
		err_set(ld->e, "%s: %s: %s", ld->src, ld->ctx, msg);
	else
		err_set(ld->e, "%s: %s", ld->src, msg);
}

#define GROW(arr, n, cap)                                                   \
	do {                                                                \
		if ((n) == (cap)) {                                         \
			(cap) = (cap) ? (cap)*2 : 8;                        \
			(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
		}                                                           \
	} while (0)

/* A NIM-ish name: letters, digits, '_', '.', '-'; 1..39 characters. */
static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 39 || s[0] == '-' || s[0] == '.')
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* Printable ASCII (and tabs) only, so no value can smuggle control characters into output. */
static int valid_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	long long v = str_to_ll(s);
	if (v < 0 || v < min || v > max)
		return -1;
	*out = (long)v;
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "enabled" };
	static const char *const no[] = { "no", "false", "off", "0", "disabled" };
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

const char *sim_attrs_get(const struct sim_attrs *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return a->v[i].value;
	return NULL;
}

void sim_attrs_set(struct sim_attrs *a, const char *name, const char *value)
{
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].name, name) == 0) {
			set_str(&a->v[i].value, value);
			return;
		}
	}
	GROW(a->v, a->n, a->cap);
	a->v[a->n].name = xstrdup(name);
	a->v[a->n].value = xstrdup(value);
	a->n++;
}

static void attrs_add(struct sim_attrs *a, const char *name, const char *value)
{
	GROW(a->v, a->n, a->cap);
	a->v[a->n].name = xstrdup(name);
	a->v[a->n].value = xstrdup(value);
	a->n++;
}

static void attrs_remove(struct sim_attrs *a, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].name, name) == 0) {
			free(a->v[i].name);
			free(a->v[i].value);
		} else {
			a->v[j++] = a->v[i];
		}
	}
	a->n = j;
}

void sim_attrs_free(struct sim_attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].value);
	}
	free(a->v);
	memset(a, 0, sizeof *a);
}

const char *sim_res_type_name(enum sim_res_type t)
{
#define SIM_RES_NAME(e, s) s,
	static const char *const names[] = { SIM_RES_LIST(SIM_RES_NAME) };
#undef SIM_RES_NAME
	return (size_t)t < ARRAY_LEN(names) ? names[t] : "?";
}

const char *sim_reach_name(enum sim_reach r)
{
#define SIM_REACH_NAME(e, s) s,
	static const char *const names[] = { SIM_REACH_LIST(SIM_REACH_NAME) };
#undef SIM_REACH_NAME
	return (size_t)r < ARRAY_LEN(names) ? names[r] : "?";
}

static unsigned long hash32(const char *a, const char *b)
{
	unsigned long h = 2166136261UL;
	for (const char *s = a; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	h = ((h ^ '/') * 16777619UL) & 0xffffffffUL;
	for (const char *s = b; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	return h;
}

/* ---- filesets ------------------------------------------------------------------ */

struct sim_fileset *sim_filesets_find(const struct sim_filesets *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].name, name) == 0)
			return &fs->v[i];
	return NULL;
}

static void fileset_clear(struct sim_fileset *f)
{
	free(f->name);
	free(f->level);
	free(f->desc);
}

static void filesets_free(struct sim_filesets *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		fileset_clear(&fs->v[i]);
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

static void filesets_remove(struct sim_filesets *fs, const char *name)
{
	struct sim_fileset *f = sim_filesets_find(fs, name);
	if (f != NULL) {
		size_t i = (size_t)(f - fs->v);
		fileset_clear(f);
		memmove(&fs->v[i], &fs->v[i + 1], (fs->n - i - 1) * sizeof *fs->v);
		fs->n--;
	}
}

/* Replaces a fileset of the same name or appends it; takes ownership of f's strings. */
static void filesets_put(struct sim_filesets *fs, struct sim_fileset *f)
{
	struct sim_fileset *old = sim_filesets_find(fs, f->name);
	if (old != NULL) {
		fileset_clear(old);
		*old = *f;
		return;
	}
	GROW(fs->v, fs->n, fs->cap);
	fs->v[fs->n++] = *f;
}

static int valid_vrmf(const char *s)
{
	int parts = 1;
	if (*s < '0' || *s > '9')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (s[1] < '0' || s[1] > '9')
				return 0;
			parts++;
		} else if (*s < '0' || *s > '9') {
			return 0;
		}
	}
	return parts == 4;
}

/* "NAME LEVEL [state=X] [parts=usr,root] [desc=TEXT]" or "NAME absent". */
static int parse_fileset(struct loader *ld, const char *value, struct sim_filesets *fs,
                         struct strv *absent)
{
	struct strv w = { 0 };
	struct err we;
	struct sim_fileset f = { 0 };
	int rc = -1;

	if (sim_words_split(value, &w, &we) != 0) {
		ld_fail(ld, "fileset: %s", we.msg);
		goto out;
	}
	if (w.n < 2) {
		ld_fail(ld, "fileset needs a name and a level (V.R.M.F), or 'absent'");
		goto out;
	}
	if (!valid_name(w.v[0])) {
		ld_fail(ld, "fileset name '%s' is not valid", w.v[0]);
		goto out;
	}
	if (strcmp(w.v[1], "absent") == 0 && w.n == 2) {
		filesets_remove(fs, w.v[0]);
		if (absent != NULL)
			strv_push(absent, w.v[0]);
		rc = 0;
		goto out;
	}
	if (!valid_vrmf(w.v[1])) {
		ld_fail(ld, "fileset %s: level '%s' is not V.R.M.F", w.v[0], w.v[1]);
		goto out;
	}
	f.name = xstrdup(w.v[0]);
	f.level = xstrdup(w.v[1]);
	f.state = 'C';
	f.parts = SIM_PART_USR | SIM_PART_ROOT;
	f.line = ld->line;
	for (size_t i = 2; i < w.n; i++) {
		char *eq = strchr(w.v[i], '=');
		if (eq == NULL) {
			ld_fail(ld, "fileset %s: '%s' is not KEY=VALUE", f.name, w.v[i]);
			goto out;
		}
		*eq++ = '\0';
		if (strcmp(w.v[i], "state") == 0) {
			if (strlen(eq) != 1 || strchr("ACBEO?", eq[0]) == NULL) {
				ld_fail(ld, "fileset %s: state must be one of A C B E O ?", f.name);
				goto out;
			}
			f.state = eq[0];
		} else if (strcmp(w.v[i], "parts") == 0) {
			f.parts = 0;
			if (strstr(eq, "usr") != NULL)
				f.parts |= SIM_PART_USR;
			if (strstr(eq, "root") != NULL)
				f.parts |= SIM_PART_ROOT;
			if (f.parts == 0) {
				ld_fail(ld, "fileset %s: parts must be usr, root or usr,root",
				        f.name);
				goto out;
			}
		} else if (strcmp(w.v[i], "desc") == 0) {
			if (!valid_text(eq)) {
				ld_fail(ld, "fileset %s: desc has control characters", f.name);
				goto out;
			}
			set_str(&f.desc, eq);
		} else {
			ld_fail(ld, "fileset %s: unknown attribute '%s'", f.name, w.v[i]);
			goto out;
		}
	}
	if (f.desc == NULL) {
		const char *d = sim_cat_desc(f.name);
		f.desc = xstrdup(d != NULL ? d : "");
	}
	filesets_put(fs, &f);
	memset(&f, 0, sizeof f);
	rc = 0;
out:
	fileset_clear(&f);
	strv_free(&w);
	return rc;
}

/* Adds the built-in filesets of set `set` at level oslevel, unless already defined. */
static void filesets_expand(struct sim_filesets *fs, unsigned set, const char *oslevel,
                            const struct strv *absent)
{
	struct sim_level l;
	char *lvl;

	if (set == 0 || sim_level_parse(oslevel, &l) != 0)
		return;
	lvl = sim_level_fileset(&l);
	for (size_t i = 0; i < sim_cat_nfilesets; i++) {
		const struct sim_cat_fileset *c = &sim_cat_filesets[i];
		struct sim_fileset f = { 0 };
		int skip = 0;
		if ((c->sets & set) == 0 || sim_filesets_find(fs, c->name) != NULL)
			continue;
		for (size_t j = 0; j < absent->n; j++)
			if (strcmp(absent->v[j], c->name) == 0)
				skip = 1;
		if (skip)
			continue;
		f.name = xstrdup(c->name);
		f.level = xstrdup(c->level != NULL ? c->level : lvl);
		f.state = 'C';
		f.parts = c->parts;
		f.desc = xstrdup(c->desc);
		filesets_put(fs, &f);
	}
	free(lvl);
}

static int fileset_base(const char *s, unsigned *set)
{
	static const struct {
		const char *name;
		unsigned set;
	} bases[] = { { "client", SIM_SET_CLIENT },
		      { "master", SIM_SET_MASTER },
		      { "spot", SIM_SET_SPOT },
		      { "lpp_source", SIM_SET_LPP },
		      { "none", 0 } };
	for (size_t i = 0; i < ARRAY_LEN(bases); i++) {
		if (strcmp(s, bases[i].name) == 0) {
			*set = bases[i].set;
			return 0;
		}
	}
	return -1;
}

/* ---- hosts: disks, VGs, LVs ---------------------------------------------------- */

struct sim_disk *sim_host_disk(const struct sim_host *h, const char *name)
{
	for (size_t i = 0; i < h->ndisks; i++)
		if (strcmp(h->disks[i].name, name) == 0)
			return &h->disks[i];
	return NULL;
}

struct sim_vg *sim_host_vg(const struct sim_host *h, const char *name)
{
	for (size_t i = 0; i < h->nvgs; i++)
		if (strcmp(h->vgs[i].name, name) == 0)
			return &h->vgs[i];
	return NULL;
}

static struct sim_lv *find_lv(const struct sim_host *h, const char *name)
{
	for (size_t i = 0; i < h->nlvs; i++)
		if (strcmp(h->lvs[i].name, name) == 0)
			return &h->lvs[i];
	return NULL;
}

long sim_disk_pps(long size_mb, int pp_size)
{
	long n = size_mb / (pp_size > 0 ? pp_size : 1) - 1; /* the VGDA takes a partition */
	return n > 0 ? n : 0;
}

static void disk_clear(struct sim_disk *d)
{
	free(d->name);
	free(d->pvid);
	free(d->vg);
}

static void vg_clear(struct sim_vg *v)
{
	free(v->name);
	free(v->vgid);
}

static void lv_clear(struct sim_lv *lv)
{
	free(lv->name);
	free(lv->vg);
	free(lv->type);
	free(lv->mount);
	free(lv->state);
	free(lv->pvs);
}

/* Splits "NAME k=v k=v" into the name and its attributes. */
static int split_spec(struct loader *ld, const char *what, const char *value, struct strv *w)
{
	struct err we;
	if (sim_words_split(value, w, &we) != 0) {
		ld_fail(ld, "%s: %s", what, we.msg);
		return -1;
	}
	if (w->n == 0) {
		ld_fail(ld, "%s: empty definition", what);
		return -1;
	}
	if (!valid_name(w->v[0])) {
		ld_fail(ld, "%s name '%s' is not valid", what, w->v[0]);
		return -1;
	}
	for (size_t i = 1; i < w->n; i++) {
		if (strchr(w->v[i], '=') == NULL || w->v[i][0] == '=') {
			ld_fail(ld, "%s %s: '%s' is not KEY=VALUE", what, w->v[0], w->v[i]);
			return -1;
		}
		if (!valid_text(w->v[i])) {
			ld_fail(ld, "%s %s: control characters in '%s'", what, w->v[0], w->v[i]);
			return -1;
		}
	}
	return 0;
}

static int valid_pvid(const char *s)
{
	if (strlen(s) != 16)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* "hdisk1 size=51200 [pvid=HEX16|none] [vg=NAME]" */
static int host_disk(struct loader *ld, struct sim_host *h, const char *value, const char *want)
{
	struct strv w = { 0 };
	struct sim_disk d = { 0 }, *old;
	int rc = -1, has_size = 0, has_pvid = 0;

	if (split_spec(ld, "disk", value, &w) != 0)
		goto out;
	if (want != NULL && strcmp(w.v[0], want) != 0) {
		ld_fail(ld, "disk.%s defines disk %s", want, w.v[0]);
		goto out;
	}
	d.name = xstrdup(w.v[0]);
	d.line = ld->line;
	for (size_t i = 1; i < w.n; i++) {
		char *k = w.v[i], *v = strchr(k, '=');
		*v++ = '\0';
		if (strcmp(k, "size") == 0) {
			if (parse_long(v, 1, 64L * 1024 * 1024, &d.size_mb) != 0) {
				ld_fail(ld, "disk %s: size '%s' is not a number of megabytes",
				        d.name, v);
				goto out;
			}
			has_size = 1;
		} else if (strcmp(k, "pvid") == 0) {
			if (strcmp(v, "none") != 0 && !valid_pvid(v)) {
				ld_fail(ld, "disk %s: pvid must be 16 lowercase hex digits or none",
				        d.name);
				goto out;
			}
			free(d.pvid);
			d.pvid = strcmp(v, "none") == 0 ? NULL : xstrdup(v);
			has_pvid = 1;
		} else if (strcmp(k, "vg") == 0) {
			if (!valid_name(v)) {
				ld_fail(ld, "disk %s: volume group name '%s' is not valid", d.name,
				        v);
				goto out;
			}
			set_str(&d.vg, v);
		} else {
			ld_fail(ld, "disk %s: unknown attribute '%s'", d.name, k);
			goto out;
		}
	}
	if (!has_size) {
		ld_fail(ld, "disk %s has no size", d.name);
		goto out;
	}
	if (!has_pvid)
		d.pvid = xasprintf("00c8f1a0%08lx", hash32(h->name, d.name));
	if ((old = sim_host_disk(h, d.name)) != NULL) {
		if (want == NULL) {
			ld_fail(ld, "disk %s is defined twice (first at line %d)", d.name,
			        old->line);
			goto out;
		}
		disk_clear(old);
		*old = d;
	} else {
		GROW(h->disks, h->ndisks, h->capdisks);
		h->disks[h->ndisks++] = d;
	}
	memset(&d, 0, sizeof d);
	rc = 0;
out:
	disk_clear(&d);
	strv_free(&w);
	return rc;
}

/* "rootvg [pp_size=64] [copies=1] [state=active|varyoff] [vgid=HEX]" */
static int host_vg(struct loader *ld, struct sim_host *h, const char *value, const char *want)
{
	struct strv w = { 0 };
	struct sim_vg v = { 0 }, *old;
	int rc = -1;

	if (split_spec(ld, "vg", value, &w) != 0)
		goto out;
	if (want != NULL && strcmp(w.v[0], want) != 0) {
		ld_fail(ld, "vg.%s defines volume group %s", want, w.v[0]);
		goto out;
	}
	v.name = xstrdup(w.v[0]);
	v.line = ld->line;
	v.pp_size = 64;
	v.copies = 1;
	v.active = 1;
	for (size_t i = 1; i < w.n; i++) {
		char *k = w.v[i], *val = strchr(k, '=');
		long n;
		*val++ = '\0';
		if (strcmp(k, "pp_size") == 0) {
			if (parse_long(val, 1, 131072, &n) != 0 || (n & (n - 1)) != 0) {
				ld_fail(ld, "vg %s: pp_size must be a power of two (megabytes)",
				        v.name);
				goto out;
			}
			v.pp_size = (int)n;
		} else if (strcmp(k, "copies") == 0) {
			if (parse_long(val, 1, 3, &n) != 0) {
				ld_fail(ld, "vg %s: copies must be 1, 2 or 3", v.name);
				goto out;
			}
			v.copies = (int)n;
		} else if (strcmp(k, "state") == 0) {
			if (strcmp(val, "active") == 0)
				v.active = 1;
			else if (strcmp(val, "varyoff") == 0)
				v.active = 0;
			else {
				ld_fail(ld, "vg %s: state must be active or varyoff", v.name);
				goto out;
			}
		} else if (strcmp(k, "vgid") == 0) {
			if (strlen(val) != 32 || strspn(val, "0123456789abcdef") != 32) {
				ld_fail(ld, "vg %s: vgid must be 32 lowercase hex digits", v.name);
				goto out;
			}
			set_str(&v.vgid, val);
		} else {
			ld_fail(ld, "vg %s: unknown attribute '%s'", v.name, k);
			goto out;
		}
	}
	if (v.vgid == NULL)
		v.vgid = xasprintf("00c8f1a000004c00000001%010lx", hash32(h->name, v.name));
	if ((old = sim_host_vg(h, v.name)) != NULL) {
		if (want == NULL) {
			ld_fail(ld, "volume group %s is defined twice (first at line %d)", v.name,
			        old->line);
			goto out;
		}
		vg_clear(old);
		*old = v;
	} else {
		GROW(h->vgs, h->nvgs, h->capvgs);
		h->vgs[h->nvgs++] = v;
	}
	memset(&v, 0, sizeof v);
	rc = 0;
out:
	vg_clear(&v);
	strv_free(&w);
	return rc;
}

/* "NAME [vg=rootvg] [type=jfs2] lps=N [mount=/x] [state=open/syncd] [copies=N] [pvs=D,D]" */
static int host_lv(struct loader *ld, struct sim_host *h, const char *value, const char *want)
{
	struct strv w = { 0 };
	struct sim_lv lv = { 0 }, *old;
	int rc = -1, has_lps = 0;
	long n;

	if (split_spec(ld, "lv", value, &w) != 0)
		goto out;
	if (want != NULL && strcmp(w.v[0], want) != 0) {
		ld_fail(ld, "lv.%s defines logical volume %s", want, w.v[0]);
		goto out;
	}
	if (strlen(w.v[0]) > 15) {
		ld_fail(ld, "lv %s: AIX logical volume names have at most 15 characters", w.v[0]);
		goto out;
	}
	lv.name = xstrdup(w.v[0]);
	lv.line = ld->line;
	for (size_t i = 1; i < w.n; i++) {
		char *k = w.v[i], *v = strchr(k, '=');
		*v++ = '\0';
		if (strcmp(k, "vg") == 0 && valid_name(v))
			set_str(&lv.vg, v);
		else if (strcmp(k, "type") == 0 && valid_name(v))
			set_str(&lv.type, v);
		else if (strcmp(k, "mount") == 0 && (v[0] == '/' || strcmp(v, "N/A") == 0))
			set_str(&lv.mount, v);
		else if (strcmp(k, "state") == 0 &&
		         (strcmp(v, "open/syncd") == 0 || strcmp(v, "closed/syncd") == 0 ||
		          strcmp(v, "open/stale") == 0 || strcmp(v, "closed/stale") == 0))
			set_str(&lv.state, v);
		else if (strcmp(k, "lps") == 0 && parse_long(v, 1, 1000000, &n) == 0) {
			lv.lps = (int)n;
			has_lps = 1;
		} else if (strcmp(k, "copies") == 0 && parse_long(v, 1, 3, &n) == 0) {
			lv.copies = (int)n;
		} else if (strcmp(k, "pvs") == 0 && *v != '\0' &&
		           strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                     "0123456789_.-,") == strlen(v)) {
			set_str(&lv.pvs, v);
		} else {
			ld_fail(ld, "lv %s: bad or unknown attribute '%s=%s'", lv.name, k, v);
			goto out;
		}
	}
	if (!has_lps) {
		ld_fail(ld, "lv %s has no lps", lv.name);
		goto out;
	}
	if (lv.vg == NULL)
		lv.vg = xstrdup("rootvg");
	if (lv.type == NULL)
		lv.type = xstrdup("jfs2");
	if (lv.mount == NULL)
		lv.mount = xstrdup("N/A");
	if (lv.state == NULL)
		lv.state = xstrdup(strcmp(lv.type, "boot") == 0 ? "closed/syncd" : "open/syncd");
	if ((old = find_lv(h, lv.name)) != NULL) {
		if (want == NULL) {
			ld_fail(ld, "logical volume %s is defined twice (first at line %d)",
			        lv.name, old->line);
			goto out;
		}
		lv_clear(old);
		*old = lv;
	} else {
		GROW(h->lvs, h->nlvs, h->caplvs);
		h->lvs[h->nlvs++] = lv;
	}
	memset(&lv, 0, sizeof lv);
	rc = 0;
out:
	lv_clear(&lv);
	strv_free(&w);
	return rc;
}

/* Removes a disk, VG, LV or fileset by name (state overlay with an empty value). */
static void host_remove(struct sim_host *h, const char *kind, const char *name)
{
	if (strcmp(kind, "disk") == 0) {
		struct sim_disk *d = sim_host_disk(h, name);
		if (d != NULL) {
			size_t i = (size_t)(d - h->disks);
			disk_clear(d);
			memmove(&h->disks[i], &h->disks[i + 1], (h->ndisks - i - 1) * sizeof *d);
			h->ndisks--;
		}
	} else if (strcmp(kind, "vg") == 0) {
		struct sim_vg *v = sim_host_vg(h, name);
		if (v != NULL) {
			size_t i = (size_t)(v - h->vgs);
			vg_clear(v);
			memmove(&h->vgs[i], &h->vgs[i + 1], (h->nvgs - i - 1) * sizeof *v);
			h->nvgs--;
		}
	} else if (strcmp(kind, "lv") == 0) {
		struct sim_lv *lv = find_lv(h, name);
		if (lv != NULL) {
			size_t i = (size_t)(lv - h->lvs);
			lv_clear(lv);
			memmove(&h->lvs[i], &h->lvs[i + 1], (h->nlvs - i - 1) * sizeof *lv);
			h->nlvs--;
		}
	} else if (strcmp(kind, "fileset") == 0) {
		filesets_remove(&h->filesets, name);
	}
}

/* ---- objects ----------------------------------------------------------------- */

static void host_free(struct sim_host *h)
{
	if (h == NULL)
		return;
	free(h->name);
	free(h->hostname);
	free(h->ip);
	free(h->network);
	free(h->oslevel);
	free(h->processor);
	free(h->firmware);
	free(h->model);
	free(h->serial);
	free(h->cpuid);
	free(h->fileset_base);
	sim_attrs_free(&h->latency_cmd);
	sim_attrs_free(&h->sys0);
	sim_attrs_free(&h->nim);
	sim_attrs_free(&h->cfg);
	for (size_t i = 0; i < h->ndisks; i++)
		disk_clear(&h->disks[i]);
	free(h->disks);
	for (size_t i = 0; i < h->nvgs; i++)
		vg_clear(&h->vgs[i]);
	free(h->vgs);
	for (size_t i = 0; i < h->nlvs; i++)
		lv_clear(&h->lvs[i]);
	free(h->lvs);
	filesets_free(&h->filesets);
	strv_free(&h->bootlist);
	strv_free(&h->nimadm_faults);
	free(h);
}

static void res_free(struct sim_res *r)
{
	free(r->name);
	free(r->location);
	free(r->server);
	free(r->oslevel);
	free(r->source_image);
	free(r->creation_date);
	free(r->fileset_base);
	sb_free(&r->content);
	filesets_free(&r->filesets);
	sim_attrs_free(&r->nim);
	free(r);
}

void sim_lab_free(struct sim_lab **labp)
{
	struct sim_lab *lab = *labp;

	if (lab == NULL)
		return;
	for (size_t i = 0; i < lab->nhosts; i++)
		host_free(lab->hosts[i]);
	free(lab->hosts);
	for (size_t i = 0; i < lab->nres; i++)
		res_free(lab->res[i]);
	free(lab->res);
	for (size_t i = 0; i < lab->nnets; i++) {
		free(lab->nets[i]->name);
		free(lab->nets[i]->net_addr);
		free(lab->nets[i]->snm);
		free(lab->nets[i]->gateway);
		free(lab->nets[i]);
	}
	free(lab->nets);
	for (size_t i = 0; i < lab->nreplays; i++) {
		struct sim_replay *r = lab->replays[i];
		free(r->name);
		free(r->host);
		strv_free(&r->argv);
		free(r->stdout_path);
		free(r->stderr_path);
		free(r);
	}
	free(lab->replays);
	for (size_t i = 0; i < lab->nfaults; i++) {
		struct sim_fault *f = lab->faults[i];
		free(f->name);
		free(f->host);
		strv_free(&f->argv);
		sb_free(&f->out);
		sb_free(&f->err);
		free(f);
	}
	free(lab->faults);
	sim_attrs_free(&lab->latency_cmd);
	free(lab->path);
	free(lab->base);
	free(lab->dir);
	free(lab->name);
	free(lab->description);
	free(lab->state_dir);
	free(lab);
	*labp = NULL;
}

struct sim_host *sim_lab_host(const struct sim_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->nhosts; i++)
		if (lab->hosts[i] != NULL && strcmp(lab->hosts[i]->name, name) == 0)
			return lab->hosts[i];
	return NULL;
}

struct sim_host *sim_lab_resolve(const struct sim_lab *lab, const char *name)
{
	struct sim_host *h = sim_lab_host(lab, name);
	for (size_t i = 0; h == NULL && i < lab->nhosts; i++) {
		const struct sim_host *c = lab->hosts[i];
		if (c == NULL)
			continue;
		if ((c->hostname != NULL && strcmp(c->hostname, name) == 0) ||
		    (c->ip != NULL && strcmp(c->ip, name) == 0))
			h = lab->hosts[i];
	}
	return h;
}

struct sim_res *sim_lab_res(const struct sim_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->nres; i++)
		if (strcmp(lab->res[i]->name, name) == 0)
			return lab->res[i];
	return NULL;
}

struct sim_network *sim_lab_network(const struct sim_lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->nnets; i++)
		if (strcmp(lab->nets[i]->name, name) == 0)
			return lab->nets[i];
	return NULL;
}

/* Where a NIM name was first defined (0 if free). */
static int nim_name_line(const struct sim_lab *lab, const char *name)
{
	struct sim_host *h = sim_lab_host(lab, name);
	struct sim_res *r = sim_lab_res(lab, name);
	struct sim_network *n = sim_lab_network(lab, name);
	if (strcmp(name, "boot") == 0 || strcmp(name, "nim_script") == 0)
		return -1;
	return h != NULL ? h->line : r != NULL ? r->line : n != NULL ? n->line : 0;
}

static struct sim_host *host_new(const char *name, int line)
{
	struct sim_host *h = xcalloc(1, sizeof *h);
	h->name = xstrdup(name);
	h->line = line;
	h->connect_timeout_ms = -1;
	h->slow_ms = 3000;
	h->default_lvs = 1;
	return h;
}

/* ---- sections ------------------------------------------------------------------- */

static int res_type(const char *s, enum sim_res_type *t)
{
	for (int i = 0; i < SIM_RES_NTYPES; i++) {
		if (strcmp(s, sim_res_type_name((enum sim_res_type)i)) == 0) {
			*t = (enum sim_res_type)i;
			return 0;
		}
	}
	return -1;
}

static void on_section(void *user, const char *header, int lineno)
{
	struct loader *ld = user;
	struct sim_lab *lab = ld->lab;
	char kind[64] = "", name[128] = "";
	const char *sp;
	enum sim_res_type t;
	int first;

	if (ld->failed)
		return;
	ld->line = lineno;
	free(ld->ctx);
	ld->ctx = NULL;
	ld->obj = NULL;
	ld->kind = K_NONE;
	sp = strpbrk(header, " \t");
	if (sp == NULL) {
		str_copy(kind, header, sizeof kind);
	} else {
		size_t kl = (size_t)(sp - header);
		if (kl >= sizeof kind)
			kl = sizeof kind - 1;
		memcpy(kind, header, kl);
		kind[kl] = '\0';
		while (*sp == ' ' || *sp == '\t')
			sp++;
		if (strlen(sp) >= sizeof name || strpbrk(sp, " \t") != NULL) {
			ld_fail(ld, "section [%s]: one kind and one name expected", kind);
			return;
		}
		str_copy(name, sp, sizeof name);
	}
	if (strcmp(kind, "lab") == 0 || strcmp(kind, "master") == 0) {
		if (*name != '\0' &&
		    !(strcmp(kind, "master") == 0 && strcmp(name, "master") == 0)) {
			ld_fail(ld, "section [%s] takes no name", kind);
			return;
		}
		if (strcmp(kind, "lab") == 0) {
			if (ld->lab_seen) {
				ld_fail(ld, "section [lab] appears twice");
				return;
			}
			ld->lab_seen = 1;
			ld->kind = K_LAB;
			ld->ctx = xstrdup("lab");
			return;
		}
		if (lab->hosts[0] != NULL) {
			ld_fail(ld, "section [master] appears twice (first at line %d)",
			        lab->hosts[0]->line);
			return;
		}
		lab->hosts[0] = host_new("master", lineno);
		lab->hosts[0]->is_master = 1;
		ld->kind = K_HOST;
		ld->obj = lab->hosts[0];
		ld->ctx = xstrdup("master");
		return;
	}
	if (*name == '\0') {
		ld_fail(ld, "section [%s] needs a name: [%s NAME]", kind, kind);
		return;
	}
	if (!valid_name(name)) {
		ld_fail(ld, "'%s' is not a valid name (letters, digits, _ . -; at most 39)", name);
		return;
	}
	ld->ctx = xasprintf("%s %s", kind, name);
	if (strcmp(kind, "replay") == 0 || strcmp(kind, "fault") == 0) {
		int isfault = kind[0] == 'f';
		for (size_t i = 0; i < (isfault ? lab->nfaults : lab->nreplays); i++) {
			const char *n = isfault ? lab->faults[i]->name : lab->replays[i]->name;
			int l = isfault ? lab->faults[i]->line : lab->replays[i]->line;
			if (strcmp(n, name) == 0) {
				ld_fail(ld, "defined twice (first at line %d)", l);
				return;
			}
		}
		if (isfault) {
			struct sim_fault *f = xcalloc(1, sizeof *f);
			f->name = xstrdup(name);
			f->line = lineno;
			f->host = xstrdup("master");
			f->status = 1;
			GROW(lab->faults, lab->nfaults, lab->capfaults);
			lab->faults[lab->nfaults++] = f;
			ld->kind = K_FAULT;
			ld->obj = f;
		} else {
			struct sim_replay *r = xcalloc(1, sizeof *r);
			r->name = xstrdup(name);
			r->line = lineno;
			r->host = xstrdup("master");
			GROW(lab->replays, lab->nreplays, lab->capreplays);
			lab->replays[lab->nreplays++] = r;
			ld->kind = K_REPLAY;
			ld->obj = r;
		}
		return;
	}
	first = nim_name_line(lab, name);
	if (first != 0) {
		if (first < 0)
			ld_fail(ld, "the name %s is reserved by NIM", name);
		else
			ld_fail(ld, "the NIM name %s is defined twice (first at line %d)", name,
			        first);
		return;
	}
	if (strcmp(name, "master") == 0) {
		ld_fail(ld, "the name master is reserved by NIM");
		return;
	}
	if (strcmp(kind, "client") == 0) {
		struct sim_host *h = host_new(name, lineno);
		GROW(lab->hosts, lab->nhosts, lab->caphosts);
		lab->hosts[lab->nhosts++] = h;
		ld->kind = K_HOST;
		ld->obj = h;
	} else if (strcmp(kind, "network") == 0) {
		struct sim_network *n = xcalloc(1, sizeof *n);
		n->name = xstrdup(name);
		n->line = lineno;
		GROW(lab->nets, lab->nnets, lab->capnets);
		lab->nets[lab->nnets++] = n;
		ld->kind = K_NETWORK;
		ld->obj = n;
	} else if (res_type(kind, &t) == 0) {
		struct sim_res *r = xcalloc(1, sizeof *r);
		r->name = xstrdup(name);
		r->type = t;
		r->line = lineno;
		r->simages = 1;
		r->size_mb = -1;
		GROW(lab->res, lab->nres, lab->capres);
		lab->res[lab->nres++] = r;
		ld->kind = K_RES;
		ld->obj = r;
	} else {
		free(ld->ctx);
		ld->ctx = NULL;
		ld_fail(ld,
		        "unknown section kind [%s] (lab, master, client, network, replay, "
		        "fault, spot, lpp_source, mksysb, script, installp_bundle, image_data, "
		        "bosinst_data, exclude_files)",
		        kind);
	}
}

/* ---- keys ------------------------------------------------------------------------ */

static int latency_key(struct loader *ld, struct sim_attrs *a, long *all, const char *key,
                       const char *value)
{
	long n;
	if (parse_long(value, 0, 3600000, &n) != 0) {
		ld_fail(ld, "%s must be milliseconds (0 to 3600000)", key);
		return -1;
	}
	if (strcmp(key, "latency_ms") == 0) {
		*all = n;
		return 0;
	}
	if (sim_cmd_find(key + strlen("latency_ms.")) == NULL) {
		ld_fail(ld, "%s: nimsim has no command %s", key, key + strlen("latency_ms."));
		return -1;
	}
	sim_attrs_set(a, key + strlen("latency_ms."), value);
	return 0;
}

static int lab_key(struct loader *ld, const char *key, const char *value)
{
	struct sim_lab *lab = ld->lab;

	if (strcmp(key, "name") == 0 && valid_name(value)) {
		set_str(&lab->name, value);
	} else if (strcmp(key, "description") == 0 && valid_text(value)) {
		set_str(&lab->description, value);
	} else if (strcmp(key, "time_scale") == 0) {
		char *end;
		double d = strtod(value, &end);
		if (end == value || *end != '\0' || !(d > 0.0) || d > 1000.0) {
			ld_fail(ld, "time_scale must be a number above 0 and at most 1000");
			return -1;
		}
		lab->time_scale = d;
	} else if (strcmp(key, "latency_ms") == 0 || str_starts(key, "latency_ms.")) {
		return latency_key(ld, &lab->latency_cmd, &lab->latency_ms, key, value);
	} else if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0) {
		ld_fail(ld, "bad value for %s", key);
		return -1;
	} else {
		ld_fail(ld, "unknown key '%s'", key);
		return -1;
	}
	return 0;
}

static int valid_ip(const char *s)
{
	int parts = 0;
	while (*s != '\0') {
		long v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255)
			return 0;
		parts++;
		if (*s == '.' && parts < 4)
			s++;
		else if (*s != '\0')
			return 0;
	}
	return parts == 4;
}

/* Keys of [master] and [client NAME]; also the state overlay (state = 1). */
static int host_key(struct loader *ld, struct sim_host *h, const char *key, const char *value,
                    int state)
{
	long n;
	int b;

	if (!valid_text(value)) {
		ld_fail(ld, "%s: control characters in the value", key);
		return -1;
	}
	if (strcmp(key, "hostname") == 0) {
		if (!valid_name(value)) {
			ld_fail(ld, "hostname '%s' is not valid", value);
			return -1;
		}
		set_str(&h->hostname, value);
	} else if (strcmp(key, "ip") == 0) {
		if (!valid_ip(value)) {
			ld_fail(ld, "ip '%s' is not a dotted IPv4 address", value);
			return -1;
		}
		set_str(&h->ip, value);
	} else if (strcmp(key, "network") == 0) {
		if (!valid_name(value)) {
			ld_fail(ld, "network '%s' is not a valid name", value);
			return -1;
		}
		set_str(&h->network, value);
	} else if (strcmp(key, "oslevel") == 0) {
		struct sim_level l;
		if (sim_level_parse(value, &l) != 0 || l.build == 0) {
			ld_fail(ld, "oslevel '%s' is not VVRR-TL-SP-YYWW (e.g. 7300-02-02-2420)",
			        value);
			return -1;
		}
		set_str(&h->oslevel, value);
	} else if (strcmp(key, "processor") == 0) {
		if (!str_starts(value, "POWER") || str_to_ll(value + 5) < 4 ||
		    str_to_ll(value + 5) > 99) {
			ld_fail(ld, "processor '%s' is not POWERn (e.g. POWER9)", value);
			return -1;
		}
		set_str(&h->processor, value);
	} else if (strcmp(key, "cpus") == 0) {
		if (parse_long(value, 1, 1024, &n) != 0) {
			ld_fail(ld, "cpus must be 1 to 1024");
			return -1;
		}
		h->cpus = (int)n;
	} else if (strcmp(key, "clock_mhz") == 0) {
		if (parse_long(value, 100, 10000, &h->clock_mhz) != 0) {
			ld_fail(ld, "clock_mhz must be 100 to 10000");
			return -1;
		}
	} else if (strcmp(key, "memory_mb") == 0) {
		if (parse_long(value, 256, 64L * 1024 * 1024, &h->memory_mb) != 0) {
			ld_fail(ld, "memory_mb must be a number of megabytes (at least 256)");
			return -1;
		}
	} else if (strcmp(key, "firmware") == 0) {
		set_str(&h->firmware, value);
	} else if (strcmp(key, "model") == 0) {
		set_str(&h->model, value);
	} else if (strcmp(key, "serial") == 0 && valid_name(value)) {
		set_str(&h->serial, value);
	} else if (strcmp(key, "cpuid") == 0) {
		if (strlen(value) != 12 || strspn(value, "0123456789ABCDEF") != 12) {
			ld_fail(ld, "cpuid must be 12 uppercase hex digits");
			return -1;
		}
		set_str(&h->cpuid, value);
	} else if (strcmp(key, "lpar_id") == 0) {
		if (parse_long(value, 1, 1000, &n) != 0) {
			ld_fail(ld, "lpar_id must be 1 to 1000");
			return -1;
		}
		h->lpar_id = (int)n;
	} else if (strcmp(key, "tcb") == 0) {
		if (parse_bool(value, &b) != 0) {
			ld_fail(ld, "tcb must be yes or no");
			return -1;
		}
		h->tcb = b;
	} else if (strcmp(key, "filesets") == 0) {
		unsigned set;
		if (fileset_base(value, &set) != 0) {
			ld_fail(ld, "filesets must be client, master, spot, lpp_source or none");
			return -1;
		}
		set_str(&h->fileset_base, value);
	} else if (strcmp(key, "rootvg_lvs") == 0) {
		if (strcmp(value, "standard") == 0)
			h->default_lvs = 1;
		else if (strcmp(value, "none") == 0)
			h->default_lvs = 0;
		else {
			ld_fail(ld, "rootvg_lvs must be standard or none");
			return -1;
		}
	} else if (strcmp(key, "disk") == 0 || str_starts(key, "disk.")) {
		if (state && *value == '\0')
			host_remove(h, "disk", key + 5);
		else
			return host_disk(ld, h, value, state ? key + 5 : NULL);
	} else if (strcmp(key, "vg") == 0 || str_starts(key, "vg.")) {
		if (state && *value == '\0')
			host_remove(h, "vg", key + 3);
		else
			return host_vg(ld, h, value, state ? key + 3 : NULL);
	} else if (strcmp(key, "lv") == 0 || str_starts(key, "lv.")) {
		if (state && *value == '\0')
			host_remove(h, "lv", key + 3);
		else
			return host_lv(ld, h, value, state ? key + 3 : NULL);
	} else if (strcmp(key, "fileset") == 0 || str_starts(key, "fileset.")) {
		if (state && *value == '\0')
			host_remove(h, "fileset", key + 8);
		else
			return parse_fileset(ld, value, &h->filesets, NULL);
	} else if (strcmp(key, "bootlist") == 0) {
		struct strv w = { 0 };
		struct err we;
		if (sim_words_split(value, &w, &we) != 0) {
			ld_fail(ld, "bootlist: %s", we.msg);
			strv_free(&w);
			return -1;
		}
		strv_free(&h->bootlist);
		h->bootlist = w;
	} else if (state && strcmp(key, "bootlist.service") == 0) {
		/* read by bootlist itself */
	} else if (strcmp(key, "latency_ms") == 0 || str_starts(key, "latency_ms.")) {
		return latency_key(ld, &h->latency_cmd, &h->latency_ms, key, value);
	} else if (str_starts(key, "sys0.")) {
		int known = 0;
		for (size_t i = 0; i < sim_cat_nsys0; i++)
			if (strcmp(sim_cat_sys0[i].name, key + 5) == 0)
				known = 1;
		if (!known) {
			ld_fail(ld, "%s: sys0 has no attribute %s", key, key + 5);
			return -1;
		}
		if (*value == '\0' || strchr(value, ' ') != NULL) {
			ld_fail(ld, "%s needs a value without blanks", key);
			return -1;
		}
		sim_attrs_set(&h->sys0, key + 5, value);
	} else if (str_starts(key, "tunable.") || str_starts(key, "service.") ||
	           strcmp(key, "migration_reset") == 0) {
		char why[200];
		const char *bad;
		if (state && *value == '\0') {
			attrs_remove(&h->cfg, key);
			return 0;
		}
		if ((bad = sim_cfg_key_check(key, value, why, sizeof why)) != NULL) {
			ld_fail(ld, "%s: %s", key, bad);
			return -1;
		}
		sim_attrs_set(&h->cfg, key, value);
	} else if (str_starts(key, "nim.") && valid_name(key + 4)) {
		if (state) {
			attrs_remove(&h->nim, key + 4);
			if (*value != '\0')
				attrs_add(&h->nim, key + 4, value);
		} else {
			attrs_add(&h->nim, key + 4, value);
		}
	} else if (!h->is_master && strcmp(key, "connect") == 0) {
		if (strcmp(value, "shell") == 0)
			h->connect = SIM_CONNECT_SHELL;
		else if (strcmp(value, "nimsh") == 0)
			h->connect = SIM_CONNECT_NIMSH;
		else {
			ld_fail(ld, "connect must be shell or nimsh");
			return -1;
		}
	} else if (!h->is_master && strcmp(key, "reach") == 0) {
		int found = 0;
		for (int r = SIM_REACH_OK; r <= SIM_REACH_DENIED; r++) {
			if (strcmp(value, sim_reach_name((enum sim_reach)r)) == 0) {
				h->reach = (enum sim_reach)r;
				found = 1;
			}
		}
		if (!found) {
			ld_fail(ld, "reach must be ok, refused, timeout, hang, slow or denied");
			return -1;
		}
	} else if (!h->is_master && strcmp(key, "connect_timeout_ms") == 0) {
		if (parse_long(value, 0, 3600000, &h->connect_timeout_ms) != 0) {
			ld_fail(ld, "connect_timeout_ms must be 0 to 3600000");
			return -1;
		}
	} else if (!h->is_master && strcmp(key, "nimadm_fault") == 0) {
		struct strv w = { 0 };
		struct err we;
		if (sim_words_split(value, &w, &we) != 0) {
			ld_fail(ld, "nimadm_fault: %s", we.msg);
			strv_free(&w);
			return -1;
		}
		for (size_t i = 0; i < w.n; i++) {
			if (!sim_nimadm_fault_known(w.v[i])) {
				ld_fail(
				    ld,
				    "nimadm_fault: nimadm cannot inject '%s' (see sim/README.md)",
				    w.v[i]);
				strv_free(&w);
				return -1;
			}
		}
		strv_free(&h->nimadm_faults);
		h->nimadm_faults = w;
	} else if (!h->is_master && strcmp(key, "slow_ms") == 0) {
		if (parse_long(value, 0, 3600000, &h->slow_ms) != 0) {
			ld_fail(ld, "slow_ms must be 0 to 3600000");
			return -1;
		}
	} else {
		ld_fail(ld, "unknown key '%s'", key);
		return -1;
	}
	return 0;
}

static int res_key(struct loader *ld, struct sim_res *r, const char *key, const char *value,
                   int state)
{
	int b;
	long n;

	if (!valid_text(value)) {
		ld_fail(ld, "%s: control characters in the value", key);
		return -1;
	}
	if (strcmp(key, "location") == 0) {
		if (value[0] != '/') {
			ld_fail(ld, "location must be an absolute path");
			return -1;
		}
		set_str(&r->location, value);
	} else if (strcmp(key, "server") == 0 && valid_name(value)) {
		set_str(&r->server, value);
	} else if (strcmp(key, "oslevel") == 0 &&
	           (r->type == SIM_RES_SPOT || r->type == SIM_RES_LPP_SOURCE ||
	            r->type == SIM_RES_MKSYSB)) {
		struct sim_level l;
		if (sim_level_parse(value, &l) != 0 || l.build == 0) {
			ld_fail(ld, "oslevel '%s' is not VVRR-TL-SP-YYWW (e.g. 7300-02-02-2420)",
			        value);
			return -1;
		}
		set_str(&r->oslevel, value);
	} else if (strcmp(key, "simages") == 0 && r->type == SIM_RES_LPP_SOURCE) {
		if (parse_bool(value, &b) != 0) {
			ld_fail(ld, "simages must be yes or no");
			return -1;
		}
		r->simages = b;
	} else if (strcmp(key, "source_image") == 0 && r->type == SIM_RES_MKSYSB &&
	           valid_name(value)) {
		set_str(&r->source_image, value);
	} else if (strcmp(key, "creation_date") == 0 && r->type == SIM_RES_MKSYSB) {
		set_str(&r->creation_date, value);
	} else if (strcmp(key, "size_mb") == 0 && r->type == SIM_RES_MKSYSB) {
		if (parse_long(value, 1, 64L * 1024 * 1024, &n) != 0) {
			ld_fail(ld, "size_mb must be a number of megabytes");
			return -1;
		}
		r->size_mb = n;
	} else if (strcmp(key, "filesets") == 0 &&
	           (r->type == SIM_RES_SPOT || r->type == SIM_RES_LPP_SOURCE ||
	            r->type == SIM_RES_MKSYSB)) {
		unsigned set;
		if (fileset_base(value, &set) != 0) {
			ld_fail(ld, "filesets must be client, master, spot, lpp_source or none");
			return -1;
		}
		set_str(&r->fileset_base, value);
	} else if ((strcmp(key, "fileset") == 0 || (state && str_starts(key, "fileset."))) &&
	           (r->type == SIM_RES_SPOT || r->type == SIM_RES_LPP_SOURCE ||
	            r->type == SIM_RES_MKSYSB)) {
		if (state && *value == '\0')
			filesets_remove(&r->filesets, key + 8);
		else
			return parse_fileset(ld, value, &r->filesets, NULL);
	} else if (strcmp(key, "content") == 0 && !state && r->type != SIM_RES_SPOT &&
	           r->type != SIM_RES_LPP_SOURCE && r->type != SIM_RES_MKSYSB) {
		sb_adds(&r->content, value);
		sb_addc(&r->content, '\n');
	} else if (str_starts(key, "nim.") && valid_name(key + 4)) {
		if (state) {
			attrs_remove(&r->nim, key + 4);
			if (*value != '\0')
				attrs_add(&r->nim, key + 4, value);
		} else {
			attrs_add(&r->nim, key + 4, value);
		}
	} else {
		ld_fail(ld, "unknown key '%s' for a %s", key, sim_res_type_name(r->type));
		return -1;
	}
	return 0;
}

/* A path relative to the lab's directory; must be a readable regular file. */
static int replay_file(struct loader *ld, const char *value, char **out)
{
	struct stat st;
	char *p;

	if (*value == '\0' || strstr(value, "..") != NULL) {
		ld_fail(ld, "file '%s': give a path inside the lab's directory (no '..')", value);
		return -1;
	}
	p = value[0] == '/' ? xstrdup(value) : xasprintf("%s/%s", ld->lab->dir, value);
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) || access(p, R_OK) != 0) {
		ld_fail(ld, "file %s: %s", value, errno != 0 ? strerror(errno) : "not a file");
		free(p);
		return -1;
	}
	free(*out);
	*out = p;
	return 0;
}

static int command_words(struct loader *ld, const char *value, struct strv *argv)
{
	struct err we;
	strv_free(argv);
	if (sim_words_split(value, argv, &we) != 0 || argv->n == 0) {
		ld_fail(ld, "command: %s", argv->n == 0 && we.msg[0] == '\0' ? "empty" : we.msg);
		return -1;
	}
	if (!valid_name(argv->v[0])) {
		ld_fail(ld, "command: '%s' is not a command name", argv->v[0]);
		return -1;
	}
	return 0;
}

static int replay_key(struct loader *ld, struct sim_replay *r, const char *key, const char *value)
{
	long n;
	if (strcmp(key, "host") == 0 && (valid_name(value) || strcmp(value, "*") == 0)) {
		set_str(&r->host, value);
	} else if (strcmp(key, "command") == 0) {
		return command_words(ld, value, &r->argv);
	} else if (strcmp(key, "stdout") == 0) {
		errno = 0;
		return replay_file(ld, value, &r->stdout_path);
	} else if (strcmp(key, "stderr") == 0) {
		errno = 0;
		return replay_file(ld, value, &r->stderr_path);
	} else if (strcmp(key, "status") == 0) {
		if (parse_long(value, 0, 255, &n) != 0) {
			ld_fail(ld, "status must be 0 to 255");
			return -1;
		}
		r->status = (int)n;
	} else {
		ld_fail(ld, "unknown key '%s'", key);
		return -1;
	}
	return 0;
}

static int fault_key(struct loader *ld, struct sim_fault *f, const char *key, const char *value)
{
	long n;
	if (strcmp(key, "host") == 0 && (valid_name(value) || strcmp(value, "*") == 0)) {
		set_str(&f->host, value);
	} else if (strcmp(key, "command") == 0) {
		return command_words(ld, value, &f->argv);
	} else if (strcmp(key, "message") == 0 || strcmp(key, "stdout") == 0) {
		struct strbuf *sb = key[0] == 'm' ? &f->err : &f->out;
		if (!valid_text(value)) {
			ld_fail(ld, "%s: control characters in the value", key);
			return -1;
		}
		/* a repeated or continued key adds a line */
		sb_adds(sb, value);
		sb_addc(sb, '\n');
	} else if (strcmp(key, "status") == 0) {
		if (parse_long(value, 1, 255, &n) != 0) {
			ld_fail(ld, "status must be 1 to 255");
			return -1;
		}
		f->status = (int)n;
	} else if (strcmp(key, "times") == 0) {
		if (parse_long(value, 0, 1000000, &n) != 0) {
			ld_fail(ld, "times must be a count (0: always)");
			return -1;
		}
		f->times = (int)n;
	} else {
		ld_fail(ld, "unknown key '%s'", key);
		return -1;
	}
	return 0;
}

static int network_key(struct loader *ld, struct sim_network *n, const char *key, const char *value)
{
	char **dst = strcmp(key, "net_addr") == 0  ? &n->net_addr
	             : strcmp(key, "snm") == 0     ? &n->snm
	             : strcmp(key, "gateway") == 0 ? &n->gateway
	                                           : NULL;
	if (dst == NULL) {
		ld_fail(ld, "unknown key '%s'", key);
		return -1;
	}
	if (!valid_ip(value)) {
		ld_fail(ld, "%s '%s' is not a dotted IPv4 address", key, value);
		return -1;
	}
	set_str(dst, value);
	return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section;
	if (ld->failed)
		return 1;
	ld->line = ld->ini.lineno;
	switch (ld->kind) {
	case K_NONE:
		if (ld->ctx == NULL)
			ld_fail(ld, "key '%s' before any section", name);
		break;
	case K_LAB:
		lab_key(ld, name, value);
		break;
	case K_HOST:
		host_key(ld, ld->obj, name, value, 0);
		break;
	case K_NETWORK:
		network_key(ld, ld->obj, name, value);
		break;
	case K_RES:
		res_key(ld, ld->obj, name, value, 0);
		break;
	case K_REPLAY:
		replay_key(ld, ld->obj, name, value);
		break;
	case K_FAULT:
		fault_key(ld, ld->obj, name, value);
		break;
	}
	return 1;
}

/* ---- defaults and validation ---------------------------------------------------- */

static void host_defaults(struct sim_lab *lab, struct sim_host *h, size_t index)
{
	unsigned long hh = hash32(lab->name != NULL ? lab->name : "lab", h->name);
	int pnum;

	if (h->hostname == NULL)
		h->hostname = xstrdup(h->is_master ? "nimmast01" : h->name);
	if (h->ip == NULL)
		h->ip = xasprintf("10.1.1.%zu", 10 + index);
	if (h->network == NULL && lab->nnets > 0)
		h->network = xstrdup(lab->nets[0]->name);
	if (h->processor == NULL)
		h->processor = xstrdup("POWER9");
	pnum = (int)str_to_ll(h->processor + 5);
	if (h->cpus == 0)
		h->cpus = 4;
	if (h->clock_mhz == 0)
		h->clock_mhz = pnum >= 10 ? 3900 : pnum == 9 ? 3800 : pnum == 8 ? 3525 : 3550;
	if (h->memory_mb == 0)
		h->memory_mb = 16384;
	if (h->firmware == NULL)
		h->firmware = xstrdup(pnum >= 10  ? "IBM,FW1060.10"
		                      : pnum == 9 ? "IBM,FW950.80"
		                      : pnum == 8 ? "IBM,FW860.B0"
		                                  : "IBM,AL770_122");
	if (h->model == NULL)
		h->model = xstrdup(pnum >= 10  ? "IBM,9105-42A"
		                   : pnum == 9 ? "IBM,9009-42A"
		                   : pnum == 8 ? "IBM,8286-42A"
		                               : "IBM,8231-E2D");
	if (h->serial == NULL)
		h->serial = xasprintf("78%05lX", hh & 0xfffff);
	if (h->cpuid == NULL)
		h->cpuid = xasprintf("00C8F1A0%02lX00", (hh >> 8) & 0xff);
	if (h->lpar_id == 0)
		h->lpar_id = (int)index + 1;
	if (h->fileset_base == NULL)
		h->fileset_base = xstrdup(h->is_master ? "master" : "client");
}

static int host_expand(struct loader *ld, struct sim_host *h)
{
	struct sim_vg *rootvg = sim_host_vg(h, "rootvg");
	unsigned set = 0;
	struct strv none = { 0 };

	(void)fileset_base(h->fileset_base, &set);
	if (set & SIM_SET_MASTER)
		set = SIM_SET_MASTER; /* the master's own list, not the client's */
	filesets_expand(&h->filesets, set, h->oslevel, &none);
	if (rootvg == NULL) {
		for (size_t i = 0; i < h->ndisks; i++) {
			if (h->disks[i].vg != NULL && strcmp(h->disks[i].vg, "rootvg") == 0) {
				struct sim_vg v = { 0 };
				v.name = xstrdup("rootvg");
				v.pp_size = 64;
				v.copies = 1;
				v.active = 1;
				v.line = h->disks[i].line;
				v.vgid = xasprintf("00c8f1a000004c00000001%010lx",
				                   hash32(h->name, "rootvg"));
				GROW(h->vgs, h->nvgs, h->capvgs);
				h->vgs[h->nvgs++] = v;
				rootvg = &h->vgs[h->nvgs - 1];
				break;
			}
		}
	}
	if (rootvg == NULL) {
		ld->line = h->line;
		ld_fail(ld, "no disk is in rootvg (add e.g. disk = hdisk0 size=51200 vg=rootvg)");
		return -1;
	}
	if (h->default_lvs) {
		/* the standard LVs first (a lab line of the same name replaces one), then the lab's
		 */
		size_t cap = h->nlvs + sim_cat_nrootvg + 1;
		struct sim_lv *lvs = xcalloc(cap, sizeof *lvs);
		char *used = xcalloc(h->nlvs + 1, 1);
		size_t n = 0;
		for (size_t i = 0; i < sim_cat_nrootvg; i++) {
			const struct sim_cat_lv *c = &sim_cat_rootvg[i];
			struct sim_lv *mine = find_lv(h, c->name);
			if (mine != NULL) {
				used[mine - h->lvs] = 1;
				lvs[n++] = *mine;
				continue;
			}
			lvs[n].name = xstrdup(c->name);
			lvs[n].vg = xstrdup("rootvg");
			lvs[n].type = xstrdup(c->type);
			lvs[n].lps = (int)((c->mb + rootvg->pp_size - 1) / rootvg->pp_size);
			lvs[n].mount = xstrdup(c->mount);
			lvs[n].state = xstrdup(c->state);
			n++;
		}
		for (size_t i = 0; i < h->nlvs; i++)
			if (!used[i])
				lvs[n++] = h->lvs[i];
		free(used);
		free(h->lvs);
		h->lvs = lvs;
		h->nlvs = n;
		h->caplvs = cap;
	}
	return 0;
}

static int host_validate(struct loader *ld, struct sim_host *h)
{
	ld->line = h->line;
	if (h->oslevel == NULL) {
		ld_fail(ld, "no oslevel (e.g. oslevel = 7200-05-06-2320)");
		return -1;
	}
	if (h->network != NULL && sim_lab_network(ld->lab, h->network) == NULL) {
		ld_fail(ld, "network %s is not defined", h->network);
		return -1;
	}
	for (size_t i = 0; i < h->ndisks; i++) {
		struct sim_disk *d = &h->disks[i];
		ld->line = d->line;
		if (d->vg != NULL && sim_host_vg(h, d->vg) == NULL) {
			ld_fail(ld, "disk %s: volume group %s is not defined", d->name, d->vg);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (d->pvid != NULL && h->disks[j].pvid != NULL &&
			    strcmp(d->pvid, h->disks[j].pvid) == 0) {
				ld_fail(ld, "disk %s has the PVID of %s", d->name,
				        h->disks[j].name);
				return -1;
			}
		}
	}
	for (size_t i = 0; i < h->nvgs; i++) {
		struct sim_vg *v = &h->vgs[i];
		long total = 0, used = 0;
		size_t ndisks = 0;
		ld->line = v->line;
		for (size_t j = 0; j < h->ndisks; j++) {
			if (h->disks[j].vg != NULL && strcmp(h->disks[j].vg, v->name) == 0) {
				total += sim_disk_pps(h->disks[j].size_mb, v->pp_size);
				ndisks++;
			}
		}
		if (ndisks == 0) {
			ld_fail(ld, "volume group %s has no disk (add vg=%s to a disk)", v->name,
			        v->name);
			return -1;
		}
		if ((size_t)v->copies > ndisks) {
			ld_fail(ld, "volume group %s has %d copies but %zu disk(s)", v->name,
			        v->copies, ndisks);
			return -1;
		}
		for (size_t j = 0; j < h->nlvs; j++)
			if (strcmp(h->lvs[j].vg, v->name) == 0)
				used += (long)h->lvs[j].lps * sim_lv_copies(h, &h->lvs[j]);
		if (used > total) {
			ld_fail(ld, "volume group %s needs %ld PPs but its disks hold %ld", v->name,
			        used, total);
			return -1;
		}
	}
	for (size_t i = 0; i < h->nlvs; i++) {
		const struct sim_lv *lv = &h->lvs[i];
		size_t ndisks = 0;
		ld->line = lv->line;
		if (sim_host_vg(h, lv->vg) == NULL) {
			ld_fail(ld, "lv %s: volume group %s is not defined", lv->name, lv->vg);
			return -1;
		}
		for (size_t j = 0; j < h->ndisks; j++)
			if (h->disks[j].vg != NULL && strcmp(h->disks[j].vg, lv->vg) == 0)
				ndisks++;
		if ((size_t)sim_lv_copies(h, lv) > ndisks) {
			ld_fail(ld, "lv %s has %d copies but volume group %s has %zu disk(s)",
			        lv->name, sim_lv_copies(h, lv), lv->vg, ndisks);
			return -1;
		}
		if (lv->pvs != NULL) {
			char *copy = xstrdup(lv->pvs), *save = NULL, *t;
			int n = 0, bad = 0;
			for (t = strtok_r(copy, ",", &save); t != NULL && !bad;
			     t = strtok_r(NULL, ",", &save)) {
				const struct sim_disk *d = sim_host_disk(h, t);
				n++;
				if (d == NULL || d->vg == NULL || strcmp(d->vg, lv->vg) != 0) {
					ld_fail(ld, "lv %s: pvs names %s, not a disk of %s",
					        lv->name, t, lv->vg);
					bad = 1;
				}
			}
			free(copy);
			if (bad)
				return -1;
			if (n != sim_lv_copies(h, lv)) {
				ld_fail(ld, "lv %s: pvs names %d disk(s) for %d copies", lv->name,
				        n, sim_lv_copies(h, lv));
				return -1;
			}
		}
	}
	ld->line = h->line;
	for (size_t i = 0; i < h->bootlist.n; i++) {
		if (sim_host_disk(h, h->bootlist.v[i]) == NULL) {
			ld_fail(ld, "bootlist: disk %s is not defined", h->bootlist.v[i]);
			return -1;
		}
	}
	return 0;
}

static int res_finish(struct loader *ld, struct sim_res *r)
{
	static const char *const dirs[] = { "lpp_source",   "spot",         "mksysb",
		                            "scripts",      "bundles",      "image_data",
		                            "bosinst_data", "exclude_files" };
	unsigned set = 0;
	struct strv none = { 0 };

	ld->line = r->line;
	if (r->server == NULL)
		r->server = xstrdup("master");
	if (sim_lab_host(ld->lab, r->server) == NULL) {
		ld_fail(ld, "server %s is not a defined machine", r->server);
		return -1;
	}
	if (r->location == NULL) {
		if (r->type == SIM_RES_SPOT)
			r->location = xasprintf("/export/nim/spot/%s/usr", r->name);
		else if (r->type == SIM_RES_MKSYSB)
			r->location = xasprintf("/export/nim/mksysb/%s", r->name);
		else
			r->location = xasprintf("/export/nim/%s/%s", dirs[r->type], r->name);
	}
	if ((r->type == SIM_RES_SPOT || r->type == SIM_RES_LPP_SOURCE ||
	     r->type == SIM_RES_MKSYSB) &&
	    r->oslevel == NULL) {
		ld_fail(ld, "no oslevel (e.g. oslevel = 7300-02-02-2420)");
		return -1;
	}
	if (r->type == SIM_RES_MKSYSB) {
		if (r->source_image == NULL)
			r->source_image = xstrdup(r->name);
		if (r->creation_date == NULL)
			r->creation_date = xstrdup("Mon Jun 10 02:15:07 2024");
		if (r->size_mb < 0)
			r->size_mb = 12288;
	}
	if (r->fileset_base == NULL)
		r->fileset_base = xstrdup(r->type == SIM_RES_SPOT         ? "spot"
		                          : r->type == SIM_RES_LPP_SOURCE ? "lpp_source"
		                          : r->type == SIM_RES_MKSYSB     ? "client"
		                                                          : "none");
	(void)fileset_base(r->fileset_base, &set);
	if (r->oslevel != NULL)
		filesets_expand(&r->filesets, set, r->oslevel, &none);
	return 0;
}

/* ---- the state overlay ---------------------------------------------------------- */

struct overlay {
	struct loader *ld;
	const char *state_file;
};

/* A NIM resource a command defined (nimadm -N): its section starts with `type = KIND`. */
static void overlay_new_res(struct loader *ld, const char *name, const char *type)
{
	struct sim_lab *lab = ld->lab;
	enum sim_res_type t;
	struct sim_res *r;

	if (!valid_name(name) || res_type(type, &t) != 0 || nim_name_line(lab, name) != 0) {
		ld_fail(ld, "cannot define %s %s", type, name);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	r->type = t;
	r->simages = 1;
	r->size_mb = -1;
	GROW(lab->res, lab->nres, lab->capres);
	lab->res[lab->nres++] = r;
}

static void overlay_apply(void *arg, const char *section, const char *key, const char *value)
{
	struct overlay *ov = arg;
	struct loader *ld = ov->ld;
	struct sim_host *h;
	struct sim_res *r;

	if (ld->failed || str_starts(section, "fault:") || str_starts(section, "nimsim"))
		return;
	free(ld->ctx);
	ld->ctx = xasprintf("[%s] %s", section, key);
	if ((h = sim_lab_host(ld->lab, section)) != NULL)
		host_key(ld, h, key, value, 1);
	else if ((r = sim_lab_res(ld->lab, section)) != NULL)
		res_key(ld, r, key, value, 1);
	else if (strcmp(key, "type") == 0)
		overlay_new_res(ld, section, value);
	/* state of objects the lab no longer has is ignored */
}

/* ---- loading --------------------------------------------------------------------- */

struct sim_lab *sim_lab_load(const char *path, const char *state_dir, struct err *e)
{
	struct sim_lab *lab = xcalloc(1, sizeof *lab);
	struct loader ld;
	const char *slash;
	FILE *f;
	int rc;

	memset(&ld, 0, sizeof ld);
	ld.lab = lab;
	ld.e = e;
	lab->path = xstrdup(path);
	slash = strrchr(path, '/');
	lab->base = xstrdup(slash != NULL ? slash + 1 : path);
	lab->dir = slash == NULL   ? xstrdup(".")
	           : slash == path ? xstrdup("/")
	                           : xstrndup(path, (size_t)(slash - path));
	lab->time_scale = 1.0;
	lab->state_dir = state_dir != NULL ? xstrdup(state_dir) : NULL;
	GROW(lab->hosts, lab->nhosts, lab->caphosts);
	lab->hosts[lab->nhosts++] = NULL; /* the master's slot */
	ld.src = lab->base;

	f = fopen(path, "r");
	if (f == NULL) {
		err_set(e, "%s: cannot read the lab file: %s", path, strerror(errno));
		goto fail;
	}
	ld.ini.f = f;
	ld.ini.section = on_section;
	ld.ini.user = &ld;
	rc = sim_ini_parse(&ld.ini, on_key, &ld);
	fclose(f);
	if (ld.ini.bad_line != 0 && (!ld.failed || ld.ini.bad_line <= ld.line)) {
		ld.failed = 0;
		free(ld.ctx);
		ld.ctx = NULL;
		ld.line = ld.ini.bad_line;
		ld_fail(&ld, "%s", ld.ini.bad_what);
	}
	if (rc > 0 && (!ld.failed || rc < ld.line)) {
		ld.failed = 0;
		free(ld.ctx);
		ld.ctx = NULL;
		ld.line = rc;
		ld_fail(&ld, "syntax error (expected [kind name], key = value or a # comment)");
	}
	if (rc < 0 && !ld.failed) {
		ld_fail(&ld, "cannot parse the lab file");
	}
	if (ld.failed)
		goto fail;

	/* defaults, in dependency order */
	free(ld.ctx);
	ld.ctx = NULL;
	ld.line = 0;
	if (lab->hosts[0] == NULL) {
		ld_fail(&ld, "no [master] section");
		goto fail;
	}
	if (lab->name == NULL) {
		char *dot;
		lab->name = xstrdup(lab->base);
		if ((dot = strrchr(lab->name, '.')) != NULL && dot != lab->name)
			*dot = '\0';
	}
	if (lab->nnets == 0) {
		struct sim_network *n = xcalloc(1, sizeof *n);
		n->name = xstrdup("admin_net");
		GROW(lab->nets, lab->nnets, lab->capnets);
		lab->nets[lab->nnets++] = n;
	}
	for (size_t i = 0; i < lab->nnets; i++) {
		struct sim_network *n = lab->nets[i];
		if (n->net_addr == NULL)
			n->net_addr = xstrdup("10.1.1.0");
		if (n->snm == NULL)
			n->snm = xstrdup("255.255.255.0");
		if (n->gateway == NULL)
			n->gateway = xstrdup("10.1.1.1");
	}
	for (size_t i = 0; i < lab->nhosts; i++) {
		struct sim_host *h = lab->hosts[i];
		free(ld.ctx);
		ld.ctx = h->is_master ? xstrdup("master") : xasprintf("client %s", h->name);
		host_defaults(lab, h, i);
		if (h->oslevel == NULL) {
			ld.line = h->line;
			ld_fail(&ld, "no oslevel (e.g. oslevel = 7200-05-06-2320)");
			goto fail;
		}
		if (host_expand(&ld, h) != 0)
			goto fail;
	}
	for (size_t i = 0; i < lab->nres; i++) {
		free(ld.ctx);
		ld.ctx =
		    xasprintf("%s %s", sim_res_type_name(lab->res[i]->type), lab->res[i]->name);
		if (res_finish(&ld, lab->res[i]) != 0)
			goto fail;
	}
	for (size_t i = 0; i < lab->nreplays; i++) {
		struct sim_replay *r = lab->replays[i];
		free(ld.ctx);
		ld.ctx = xasprintf("replay %s", r->name);
		ld.line = r->line;
		if (r->argv.n == 0) {
			ld_fail(&ld, "no command");
			goto fail;
		}
		if (strcmp(r->host, "*") != 0 && sim_lab_host(lab, r->host) == NULL) {
			ld_fail(&ld, "host %s is not defined", r->host);
			goto fail;
		}
	}
	for (size_t i = 0; i < lab->nfaults; i++) {
		struct sim_fault *ft = lab->faults[i];
		free(ld.ctx);
		ld.ctx = xasprintf("fault %s", ft->name);
		ld.line = ft->line;
		if (ft->argv.n == 0) {
			ld_fail(&ld, "no command");
			goto fail;
		}
		if (strcmp(ft->host, "*") != 0 && sim_lab_host(lab, ft->host) == NULL) {
			ld_fail(&ld, "host %s is not defined", ft->host);
			goto fail;
		}
	}

	/* what commands changed, then check the result as a whole */
	if (state_dir != NULL) {
		struct sim_state *st = sim_state_load(state_dir, e);
		char *src = xasprintf("%s/state.ini", state_dir);
		struct overlay ov = { &ld, src };
		size_t lab_res = lab->nres;
		if (st == NULL) {
			free(src);
			goto fail;
		}
		ld.src = src;
		ld.line = 0;
		sim_state_each(st, overlay_apply, &ov);
		sim_state_free(&st);
		for (size_t i = lab_res; i < lab->nres && !ld.failed; i++) {
			free(ld.ctx);
			ld.ctx = xasprintf("%s %s", sim_res_type_name(lab->res[i]->type),
			                   lab->res[i]->name);
			res_finish(&ld, lab->res[i]);
		}
		free(src);
		ld.src = lab->base;
		if (ld.failed)
			goto fail;
	}
	for (size_t i = 0; i < lab->nhosts; i++) {
		struct sim_host *h = lab->hosts[i];
		free(ld.ctx);
		ld.ctx = h->is_master ? xstrdup("master") : xasprintf("client %s", h->name);
		if (host_validate(&ld, h) != 0)
			goto fail;
	}
	free(ld.ctx);
	return lab;
fail:
	free(ld.ctx);
	sim_lab_free(&lab);
	return NULL;
}

/* ---- derived facts --------------------------------------------------------------- */

const char *sim_host_sys0(const struct sim_host *h, const char *attr)
{
	const char *v = sim_attrs_get(&h->sys0, attr);
	if (v != NULL)
		return v;
	for (size_t i = 0; i < sim_cat_nsys0; i++)
		if (strcmp(sim_cat_sys0[i].name, attr) == 0)
			return sim_cat_sys0[i].value;
	return NULL;
}

void sim_host_bootlist(const struct sim_host *h, struct strv *out)
{
	if (h->bootlist.n > 0) {
		for (size_t i = 0; i < h->bootlist.n; i++)
			strv_push(out, h->bootlist.v[i]);
		return;
	}
	/* every disk of rootvg holds a copy of hd5 */
	for (size_t i = 0; i < h->ndisks; i++)
		if (h->disks[i].vg != NULL && strcmp(h->disks[i].vg, "rootvg") == 0)
			strv_push(out, h->disks[i].name);
}
