/*
 * compare.c: the before/after comparison of two snapshots. Each compared
 * command output is parsed into records (struct aix_stanzas) and the records
 * are compared field by field by one generic function, driven by a table of
 * sources (which item, which area, which fields, how to name a change and
 * how to restore the old value). Software levels and the saved files have
 * their own comparisons; files get an LCS line diff.
 */
#include "compare.h"

#include <ctype.h>
#include <fnmatch.h>
#include <ini.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"

static const char *const cmp_area_names[] = {
#define CMP_AREA_NAME(e, n, t) n,
	COMPARE_AREAS(CMP_AREA_NAME)
#undef CMP_AREA_NAME
};
static const char *const cmp_area_titles[] = {
#define CMP_AREA_TITLE(e, n, t) t,
	COMPARE_AREAS(CMP_AREA_TITLE)
#undef CMP_AREA_TITLE
};

const char *compare_area_name(enum compare_area a)
{
	return (unsigned)a < CMP_AREA_COUNT ? cmp_area_names[a] : "unknown";
}

const char *compare_area_title(enum compare_area a)
{
	return (unsigned)a < CMP_AREA_COUNT ? cmp_area_titles[a] : "Unknown";
}

int compare_area_find(const char *name)
{
	for (int i = 0; i < CMP_AREA_COUNT; i++)
		if (strcmp(cmp_area_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- lines and words ------------------------------------------------------------------ */

struct cmp_line {
	const char *s;
	size_t len; /* without the newline and a CR before it */
};

struct cmp_lines {
	struct cmp_line *v;
	size_t n;
};

static void cmp_lines_split(const char *text, size_t len, struct cmp_lines *out)
{
	size_t i = 0;

	memset(out, 0, sizeof *out);
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n].s = text + i;
		out->v[out->n].len = (j > i && text[j - 1] == '\r') ? j - i - 1 : j - i;
		out->n++;
		i = j + 1;
	}
}

/* The blank-separated words of one line. */
static void cmp_words(const struct cmp_line *l, struct strv *out)
{
	size_t i = 0;

	memset(out, 0, sizeof *out);
	while (i < l->len) {
		while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
			i++;
		size_t j = i;
		while (j < l->len && l->s[j] != ' ' && l->s[j] != '\t')
			j++;
		if (j > i) {
			char *w = xstrndup(l->s + i, j - i);
			strv_push(out, w);
			free(w);
		}
		i = j;
	}
}

/* ---- records ---------------------------------------------------------------------------- */

static struct aix_stanza *cmp_rec_find(const struct aix_stanzas *ss, const char *name)
{
	return (struct aix_stanza *)aixparse_stanzas_find(ss, name);
}

/* The record named name (created at the end if new). */
static struct aix_stanza *cmp_rec(struct aix_stanzas *ss, const char *name)
{
	struct aix_stanza *st = cmp_rec_find(ss, name);

	if (st != NULL)
		return st;
	ss->v = xreallocarray(ss->v, ss->n + 1, sizeof *ss->v);
	st = &ss->v[ss->n++];
	memset(st, 0, sizeof *st);
	st->name = xstrdup(name);
	return st;
}

/* Sets attr (replacing an earlier value). */
static void cmp_set(struct aix_stanza *st, const char *attr, const char *value)
{
	for (size_t i = 0; i < st->nattrs; i++) {
		if (strcmp(st->attrs[i].name, attr) == 0) {
			free(st->attrs[i].value);
			st->attrs[i].value = xstrdup(value);
			return;
		}
	}
	st->attrs = xreallocarray(st->attrs, st->nattrs + 1, sizeof *st->attrs);
	st->attrs[st->nattrs].name = xstrdup(attr);
	st->attrs[st->nattrs].value = xstrdup(value);
	st->nattrs++;
}

/* ---- parsers ---------------------------------------------------------------------------- */

int compare_parse_tunables(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		char *line = xstrndup(ls.v[i].s, ls.v[i].len), *eq = strchr(line, '=');
		if (eq != NULL && line[0] != '#') {
			*eq = '\0';
			char *name = str_trim(line), *value = str_trim(eq + 1);
			if (*name != '\0' && strpbrk(name, " \t") == NULL)
				cmp_set(cmp_rec(out, name), "value", value);
		}
		free(line);
	}
	free(ls.v);
	return 0;
}

int compare_parse_lsattr(const char *text, size_t len, struct aix_stanzas *out)
{
	struct aix_lsattr l;

	memset(out, 0, sizeof *out);
	if (aixparse_lsattr(text, len, &l, NULL) != 0) {
		aixparse_lsattr_clear(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct aix_stanza *st = cmp_rec(out, l.v[i].name);
		cmp_set(st, "value", l.v[i].value != NULL ? l.v[i].value : "");
		cmp_set(st, "settable",
		        l.v[i].settable == 1   ? "True"
		        : l.v[i].settable == 0 ? "False"
		                               : "");
	}
	aixparse_lsattr_clear(&l);
	return 0;
}

int compare_parse_nextboot(const char *text, size_t len, struct aix_stanzas *out)
{
	struct aix_stanzas ss;

	memset(out, 0, sizeof *out);
	/* A nextboot with only comments is no error: it sets nothing. */
	(void)aixparse_odmget(text, len, &ss, NULL);
	for (size_t i = 0; i < ss.n; i++) {
		if (strcmp(ss.v[i].name, "info") == 0)
			continue;
		for (size_t k = 0; k < ss.v[i].nattrs; k++) {
			char *key = xasprintf("%s %s", ss.v[i].name, ss.v[i].attrs[k].name);
			cmp_set(cmp_rec(out, key), "value", ss.v[i].attrs[k].value);
			free(key);
		}
	}
	aixparse_stanzas_clear(&ss);
	return 0;
}

int compare_parse_mount(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		struct strv w;
		size_t k = 0;
		int remote = ls.v[i].len > 0 && ls.v[i].s[0] != ' ' && ls.v[i].s[0] != '\t';

		cmp_words(&ls.v[i], &w);
		if (w.n < 3 || strcmp(w.v[0], "node") == 0 || w.v[0][0] == '-' ||
		    (w.n > 1 && strcmp(w.v[1], "mounted") == 0)) {
			strv_free(&w);
			continue;
		}
		/* [node] mounted over vfs Mon DD HH:MM [options] */
		if (remote && w.n < 4)
			remote = 0;
		k = remote ? 1 : 0;
		if (w.n < k + 3) {
			strv_free(&w);
			continue;
		}
		{
			struct aix_stanza *st = cmp_rec(out, w.v[k + 1]);
			char *dev = remote ? xasprintf("%s:%s", w.v[0], w.v[k]) : xstrdup(w.v[k]);
			cmp_set(st, "device", dev);
			cmp_set(st, "vfs", w.v[k + 2]);
			/* the date is three words; what follows it is the options */
			cmp_set(st, "options", w.n >= k + 7 ? w.v[w.n - 1] : "");
			free(dev);
		}
		strv_free(&w);
	}
	free(ls.v);
	return 0;
}

int compare_parse_lsfs(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		struct strv w;
		cmp_words(&ls.v[i], &w);
		if (w.n >= 7 && strcmp(w.v[0], "Name") != 0) {
			/* Name Nodename MountPt VFS Size Options Auto Accounting */
			struct aix_stanza *st = cmp_rec(out, w.v[2]);
			struct strbuf opts = { 0 };
			for (size_t k = 5; k + 2 < w.n; k++) {
				if (opts.len > 0)
					sb_addc(&opts, ' ');
				sb_adds(&opts, w.v[k]);
			}
			cmp_set(st, "device", w.v[0]);
			cmp_set(st, "node", w.v[1]);
			cmp_set(st, "vfs", w.v[3]);
			cmp_set(st, "size", w.v[4]);
			cmp_set(st, "options", sb_str(&opts));
			cmp_set(st, "auto", w.v[w.n - 2]);
			cmp_set(st, "accounting", w.v[w.n - 1]);
			sb_free(&opts);
		}
		strv_free(&w);
	}
	free(ls.v);
	return 0;
}

int compare_parse_routes(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;
	const char *family = "inet";

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		struct strv w;
		cmp_words(&ls.v[i], &w);
		if (w.n >= 6 && strcmp(w.v[0], "Route") == 0 && strcmp(w.v[1], "Tree") == 0) {
			/* Route Tree for Protocol Family 2 (Internet): / 24 (Internet v6): */
			family = strcmp(w.v[5], "24") == 0 ? "inet6" : "inet";
		} else if (w.n >= 6 && strcmp(w.v[0], "Destination") != 0 &&
		           strcmp(w.v[0], "Routing") != 0 && isupper((unsigned char)w.v[2][0]) &&
		           strchr(w.v[2], 'W') == NULL && strchr(w.v[2], 'b') == NULL) {
			/* Destination Gateway Flags Refs Use If [Exp Groups] */
			char *key = xasprintf("%s via %s %s", w.v[0], w.v[1], w.v[5]);
			struct aix_stanza *st = cmp_rec(out, key);
			cmp_set(st, "family", family);
			cmp_set(st, "flags", w.v[2]);
			free(key);
		}
		strv_free(&w);
	}
	free(ls.v);
	return 0;
}

static int cmp_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *cmp_join_sorted(struct strv *sv)
{
	struct strbuf sb = { 0 };

	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof *sv->v, cmp_strp_cmp);
	for (size_t i = 0; i < sv->n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, sv->v[i]);
	}
	return sb_steal(&sb);
}

static void cmp_iface_flush(struct aix_stanza *st, struct strv *inet, struct strv *inet6)
{
	char *s;

	if (st == NULL)
		return;
	s = cmp_join_sorted(inet);
	cmp_set(st, "inet", s);
	free(s);
	s = cmp_join_sorted(inet6);
	cmp_set(st, "inet6", s);
	free(s);
	strv_free(inet);
	strv_free(inet6);
}

int compare_parse_ifconfig(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;
	struct aix_stanza *cur = NULL;
	struct strv inet = { 0 }, inet6 = { 0 };
	size_t cur_index = 0;

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		const struct cmp_line *l = &ls.v[i];
		struct strv w;

		if (l->len == 0)
			continue;
		cmp_words(l, &w);
		if (w.n == 0) {
			strv_free(&w);
			continue;
		}
		if (l->s[0] != ' ' && l->s[0] != '\t') {
			/* en0: flags=1e084863,814c0<UP,BROADCAST,...> */
			char *colon = strchr(w.v[0], ':');
			if (cur != NULL)
				cmp_iface_flush(&out->v[cur_index], &inet, &inet6);
			cur = NULL;
			if (colon != NULL && colon != w.v[0]) {
				char *name = xstrndup(w.v[0], (size_t)(colon - w.v[0]));
				char *lt = strchr(l->s, '<'),
				     *gt = lt != NULL ? strchr(lt, '>') : NULL;
				cur = cmp_rec(out, name);
				cur_index = (size_t)(cur - out->v);
				if (lt != NULL && gt != NULL && (size_t)(gt - l->s) < l->len) {
					char *flags = xstrndup(lt + 1, (size_t)(gt - lt - 1));
					cmp_set(cur, "flags", flags);
					free(flags);
				}
				free(name);
			}
		} else if (cur != NULL) {
			cur = &out->v[cur_index];
			if (strcmp(w.v[0], "inet") == 0 && w.n >= 2) {
				const char *mask = "";
				for (size_t k = 2; k + 1 < w.n; k++)
					if (strcmp(w.v[k], "netmask") == 0)
						mask = w.v[k + 1];
				strv_pushf(&inet, "%s%s%s", w.v[1], *mask ? "/" : "", mask);
			} else if (strcmp(w.v[0], "inet6") == 0 && w.n >= 2) {
				strv_push(&inet6, w.v[1]);
			} else if (w.n % 2 == 0) {
				/* interface options: name value pairs */
				for (size_t k = 0; k + 1 < w.n; k += 2)
					if (islower((unsigned char)w.v[k][0]))
						cmp_set(cur, w.v[k], w.v[k + 1]);
			}
		}
		strv_free(&w);
	}
	if (cur != NULL)
		cmp_iface_flush(&out->v[cur_index], &inet, &inet6);
	strv_free(&inet);
	strv_free(&inet6);
	free(ls.v);
	return 0;
}

static int cmp_all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int compare_parse_lssrc(const char *text, size_t len, struct aix_stanzas *out)
{
	struct cmp_lines ls;

	memset(out, 0, sizeof *out);
	cmp_lines_split(text, len, &ls);
	for (size_t i = 0; i < ls.n; i++) {
		struct strv w;
		cmp_words(&ls.v[i], &w);
		if (w.n >= 2 && strcmp(w.v[0], "Subsystem") != 0) {
			/* Subsystem [Group] [PID] Status */
			struct aix_stanza *st = cmp_rec(out, w.v[0]);
			const char *group = "";
			for (size_t k = 1; k + 1 < w.n; k++)
				if (!cmp_all_digits(w.v[k]))
					group = w.v[k];
			cmp_set(st, "group", group);
			cmp_set(st, "status", w.v[w.n - 1]);
		}
		strv_free(&w);
	}
	free(ls.v);
	return 0;
}

int compare_parse_filesets(const char *text, size_t len, struct aix_stanzas *out)
{
	struct aix_filesets fs;

	memset(out, 0, sizeof *out);
	if (aixparse_lslpp_lc(text, len, &fs, NULL) != 0) {
		aixparse_filesets_clear(&fs);
		return -1;
	}
	for (size_t i = 0; i < fs.n; i++)
		cmp_set(cmp_rec(out, fs.v[i].name), "level",
		        fs.v[i].level != NULL ? fs.v[i].level : "");
	aixparse_filesets_clear(&fs);
	return 0;
}

/* ---- known changes ---------------------------------------------------------------------- */

struct cmp_known_item {
	struct compare_known pub;
	char *item;
	struct strbuf kind, note, restore, source;
	int restore_set;
};

static struct cmp_known_item **cmp_known_v;
static size_t cmp_known_n;
static struct compare_known *cmp_known_pub;
static pthread_once_t cmp_known_once = PTHREAD_ONCE_INIT;

/* The entry for section `AREA ITEM` (created). */
static struct cmp_known_item *cmp_known_section(const char *section)
{
	const char *sp = strchr(section, ' ');
	char *area;
	int a;

	if (sp == NULL || sp[1] == '\0')
		return NULL;
	area = xstrndup(section, (size_t)(sp - section));
	a = compare_area_find(area);
	free(area);
	if (a < 0)
		return NULL;
	for (size_t i = 0; i < cmp_known_n; i++)
		if ((int)cmp_known_v[i]->pub.area == a && strcmp(cmp_known_v[i]->item, sp + 1) == 0)
			return cmp_known_v[i];
	cmp_known_v = xreallocarray(cmp_known_v, cmp_known_n + 1, sizeof *cmp_known_v);
	cmp_known_v[cmp_known_n] = xcalloc(1, sizeof **cmp_known_v);
	cmp_known_v[cmp_known_n]->pub.area = (enum compare_area)a;
	cmp_known_v[cmp_known_n]->item = xstrdup(sp + 1);
	return cmp_known_v[cmp_known_n++];
}

/* inih calls again for continuation lines: they are appended. */
static int cmp_known_handler(void *user, const char *section, const char *name, const char *value)
{
	struct cmp_known_item *k = cmp_known_section(section);
	struct strbuf *sb = NULL;

	(void)user;
	if (k == NULL)
		return 1;
	if (strcmp(name, "kind") == 0)
		sb = &k->kind;
	else if (strcmp(name, "note") == 0)
		sb = &k->note;
	else if (strcmp(name, "restore") == 0) {
		sb = &k->restore;
		k->restore_set = 1;
	} else if (strcmp(name, "source") == 0)
		sb = &k->source;
	if (sb == NULL)
		return 1;
	if (sb->len > 0)
		sb_addc(sb, sb == &k->note ? '\n' : ' ');
	sb_adds(sb, value);
	return 1;
}

static void cmp_known_load(void)
{
	const struct embedded_file *f;

	for (size_t i = 0; (f = help_at(i)) != NULL; i++) {
		if (!str_starts(f->name, "postcheck/") || !str_ends(f->name, ".ini"))
			continue;
		/* Embedded at build time; a bad line only loses its entry. */
		(void)ini_parse_string(f->data, cmp_known_handler, NULL);
	}
	cmp_known_pub = xcalloc(cmp_known_n + 1, sizeof *cmp_known_pub);
	for (size_t i = 0; i < cmp_known_n; i++) {
		struct cmp_known_item *k = cmp_known_v[i];
		k->pub.item = k->item;
		k->pub.kind = k->kind.len > 0 ? sb_str(&k->kind) : "info";
		k->pub.note = k->note.len > 0 ? sb_str(&k->note) : NULL;
		k->pub.restore = k->restore_set ? sb_str(&k->restore) : NULL;
		k->pub.source = k->source.len > 0 ? sb_str(&k->source) : NULL;
		cmp_known_pub[i] = k->pub;
	}
}

const struct compare_known *compare_known_all(size_t *n)
{
	pthread_once(&cmp_known_once, cmp_known_load);
	*n = cmp_known_n;
	return cmp_known_pub;
}

const struct compare_known *compare_known_find(enum compare_area a, const char *item)
{
	size_t n;
	const struct compare_known *all = compare_known_all(&n);

	for (size_t i = 0; i < n; i++)
		if (all[i].area == a && strcmp(all[i].item, item) == 0)
			return &all[i];
	for (size_t i = 0; i < n; i++)
		if (all[i].area == a && strchr(all[i].item, '*') != NULL &&
		    fnmatch(all[i].item, item, 0) == 0)
			return &all[i];
	return NULL;
}

/* ---- the result --------------------------------------------------------------------------- */

void compare_result_clear(struct compare_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].item);
		free(r->v[i].before);
		free(r->v[i].after);
		free(r->v[i].restore);
		free(r->v[i].note);
		free(r->v[i].diff);
	}
	free(r->v);
	strv_free(&r->notes);
	memset(r, 0, sizeof *r);
}

size_t compare_count(const struct compare_result *r, enum compare_area a)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += a == CMP_AREA_COUNT || r->v[i].area == a;
	return n;
}

size_t compare_count_known(const struct compare_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].known_reset;
	return n;
}

/* "{before}" in a template replaced by the old value. Owned, or NULL. */
static char *cmp_fill_template(const char *tpl, const char *before)
{
	struct strbuf sb = { 0 };
	const char *p = tpl;

	if (tpl == NULL || *tpl == '\0')
		return NULL;
	while (*p != '\0') {
		const char *q = strstr(p, "{before}");
		if (q == NULL) {
			sb_adds(&sb, p);
			break;
		}
		if (before == NULL) {
			sb_free(&sb);
			return NULL;
		}
		sb_add(&sb, p, (size_t)(q - p));
		sb_adds(&sb, before);
		p = q + strlen("{before}");
	}
	return sb_steal(&sb);
}

/* Adds a change; restore (owned) is the generic one, replaced by a known entry's. */
static struct compare_change *cmp_add(struct compare_result *r, enum compare_area area,
                                      const char *item, const char *before, const char *after,
                                      char *restore)
{
	const struct compare_known *k = compare_known_find(area, item);
	struct compare_change *c;

	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	c = &r->v[r->n++];
	memset(c, 0, sizeof *c);
	c->area = area;
	c->item = xstrdup(item);
	c->before = before != NULL ? xstrdup(before) : NULL;
	c->after = after != NULL ? xstrdup(after) : NULL;
	c->restore = restore;
	if (k != NULL) {
		c->kind = k->kind;
		c->known_reset = strcmp(k->kind, "reset") == 0;
		if (k->note != NULL)
			c->note = xstrdup(k->note);
		if (k->restore != NULL) {
			free(c->restore);
			c->restore = cmp_fill_template(k->restore, before);
		}
	}
	return c;
}

/* ---- generic record comparison ------------------------------------------------------------- */

#define CMP_IGNORE_ADDED  0x1 /* records only in after are not changes (new tunables) */
#define CMP_PRESENCE_ONLY 0x2 /* a record is there or not; fields are not compared */

struct cmp_source;
/* A command restoring the old value of attr in the record named rec, or NULL. */
typedef char *cmp_restore_fn(const struct cmp_source *src, const struct aix_stanza *before_rec,
                             const char *rec, const char *attr, const char *before);

struct cmp_source {
	enum compare_area area;
	const char *item;   /* the snapshot item */
	const char *label;  /* for notes: the command */
	const char *prefix; /* change names: prefix + record [+ " " + field] */
	int (*parse)(const char *text, size_t len, struct aix_stanzas *out);
	const char *const *fields; /* compared, NULL: every field of either record */
	unsigned flags;
	cmp_restore_fn *restore;
	const char *cmd; /* for restore functions: vmo, no, ... */
};

static const char *cmp_attr(const struct aix_stanza *st, const char *name)
{
	return st != NULL ? aixparse_stanza_get(st, name) : NULL;
}

/* A record in one line: its compared fields' values (name=value when there are
 * several), empty ones left out. Owned. */
static char *cmp_summary(const struct cmp_source *src, const struct aix_stanza *st)
{
	int presence = (src->flags & CMP_PRESENCE_ONLY) != 0;
	int single = src->fields != NULL && src->fields[0] != NULL && src->fields[1] == NULL;
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < st->nattrs; i++) {
		const char *name = st->attrs[i].name, *v = st->attrs[i].value;
		int wanted = presence || src->fields == NULL;
		for (size_t k = 0; !wanted && src->fields[k] != NULL; k++)
			wanted = strcmp(src->fields[k], name) == 0;
		if (!wanted || v == NULL || *v == '\0' || strcmp(v, "--") == 0 ||
		    strcmp(name, "family") == 0)
			continue;
		if (sb.len > 0)
			sb_addc(&sb, ' ');
		if (presence || single)
			sb_adds(&sb, v);
		else
			sb_addf(&sb, "%s=%s", name, v);
	}
	return sb_steal(&sb);
}

static int cmp_streq(const char *a, const char *b)
{
	if (a == NULL)
		a = "";
	if (b == NULL)
		b = "";
	return strcmp(a, b) == 0;
}

static void cmp_fields_of(const struct cmp_source *src, const struct aix_stanza *b,
                          const struct aix_stanza *a, struct strv *out)
{
	memset(out, 0, sizeof *out);
	if (src->fields != NULL) {
		for (size_t k = 0; src->fields[k] != NULL; k++)
			strv_push(out, src->fields[k]);
		return;
	}
	for (size_t i = 0; i < b->nattrs; i++)
		strv_push(out, b->attrs[i].name);
	for (size_t i = 0; i < a->nattrs; i++)
		if (aixparse_stanza_get(b, a->attrs[i].name) == NULL)
			strv_push(out, a->attrs[i].name);
}

static void cmp_records(struct compare_result *r, const struct cmp_source *src,
                        const struct aix_stanzas *b, const struct aix_stanzas *a)
{
	int single = src->fields != NULL && src->fields[0] != NULL && src->fields[1] == NULL;

	for (size_t i = 0; i < b->n; i++) {
		const struct aix_stanza *rb = &b->v[i], *ra = aixparse_stanzas_find(a, rb->name);
		char *item = xasprintf("%s%s", src->prefix, rb->name);

		if (ra == NULL) {
			char *sum = cmp_summary(src, rb);
			char *restore = src->restore != NULL
			                    ? src->restore(src, rb, rb->name, NULL, NULL)
			                    : NULL;
			cmp_add(r, src->area, item, sum, NULL, restore);
			free(sum);
		} else if (!(src->flags & CMP_PRESENCE_ONLY)) {
			struct strv fields;
			cmp_fields_of(src, rb, ra, &fields);
			for (size_t k = 0; k < fields.n; k++) {
				const char *f = fields.v[k];
				const char *vb = cmp_attr(rb, f), *va = cmp_attr(ra, f);
				char *name, *restore;
				if (cmp_streq(vb, va))
					continue;
				name = single ? xstrdup(item) : xasprintf("%s %s", item, f);
				restore = src->restore != NULL && vb != NULL
				              ? src->restore(src, rb, rb->name, f, vb)
				              : NULL;
				cmp_add(r, src->area, name, vb, va, restore);
				free(name);
			}
			strv_free(&fields);
		}
		free(item);
	}
	if (src->flags & CMP_IGNORE_ADDED)
		return;
	for (size_t i = 0; i < a->n; i++) {
		if (aixparse_stanzas_find(b, a->v[i].name) == NULL) {
			char *item = xasprintf("%s%s", src->prefix, a->v[i].name);
			char *sum = cmp_summary(src, &a->v[i]);
			cmp_add(r, src->area, item, NULL, sum, NULL);
			free(sum);
			free(item);
		}
	}
}

/* ---- restore commands -------------------------------------------------------------------- */

/* A value safe to print unquoted in a suggested command (no shell meta characters). */
static int cmp_plain(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("%_.,:/=+-@", *s) == NULL)
			return 0;
	return 1;
}

static char *cmp_restore_sys0(const struct cmp_source *src, const struct aix_stanza *rb,
                              const char *rec, const char *attr, const char *before)
{
	const char *settable = cmp_attr(rb, "settable");

	(void)src;
	if (attr == NULL || strcmp(attr, "value") != 0 || settable == NULL ||
	    strcmp(settable, "True") != 0 || !cmp_plain(rec) || !cmp_plain(before))
		return NULL;
	return xasprintf("chdev -l sys0 -a %s=%s", rec, before);
}

static char *cmp_restore_tunable(const struct cmp_source *src, const struct aix_stanza *rb,
                                 const char *rec, const char *attr, const char *before)
{
	(void)rb;
	if (attr == NULL || !cmp_plain(rec) || !cmp_plain(before) || strcmp(before, "n/a") == 0)
		return NULL;
	return xasprintf("%s -p -o %s=%s", src->cmd, rec, before);
}

/* nextboot records are "vmo minperm%": the command is the record's first word. */
static char *cmp_restore_nextboot(const struct cmp_source *src, const struct aix_stanza *rb,
                                  const char *rec, const char *attr, const char *before)
{
	const char *sp = strchr(rec, ' ');
	const char *v = before != NULL ? before : cmp_attr(rb, "value");
	char *cmd, *r;

	(void)src;
	(void)attr;
	if (sp == NULL || !cmp_plain(sp + 1) || !cmp_plain(v))
		return NULL;
	cmd = xstrndup(rec, (size_t)(sp - rec));
	if (strcmp(cmd, "vmo") == 0 || strcmp(cmd, "no") == 0 || strcmp(cmd, "ioo") == 0 ||
	    strcmp(cmd, "schedo") == 0 || strcmp(cmd, "nfso") == 0 || strcmp(cmd, "raso") == 0)
		r = xasprintf("%s -p -o %s=%s", cmd, sp + 1, v);
	else
		r = NULL;
	free(cmd);
	return r;
}

static char *cmp_restore_service(const struct cmp_source *src, const struct aix_stanza *rb,
                                 const char *rec, const char *attr, const char *before)
{
	(void)src;
	(void)rb;
	if (attr == NULL || strcmp(attr, "status") != 0 || !cmp_plain(rec) || before == NULL)
		return NULL;
	if (strcmp(before, "active") == 0)
		return xasprintf("startsrc -s %s", rec);
	if (strcmp(before, "inoperative") == 0)
		return xasprintf("stopsrc -s %s", rec);
	return NULL;
}

static char *cmp_restore_iface(const struct cmp_source *src, const struct aix_stanza *rb,
                               const char *rec, const char *attr, const char *before)
{
	static const char *const isno[] = { "tcp_sendspace", "tcp_recvspace", "rfc1323",
		                            "tcp_nodelay",   "tcp_mssdflt",   NULL };

	(void)src;
	(void)rb;
	if (attr == NULL || !cmp_plain(rec) || !cmp_plain(before))
		return NULL;
	for (size_t i = 0; isno[i] != NULL; i++)
		if (strcmp(attr, isno[i]) == 0)
			return xasprintf("chdev -l %s -a %s=%s", rec, attr, before);
	return NULL;
}

static char *cmp_restore_fs(const struct cmp_source *src, const struct aix_stanza *rb,
                            const char *rec, const char *attr, const char *before)
{
	(void)src;
	(void)rb;
	if (attr != NULL && strcmp(attr, "auto") == 0 && cmp_plain(rec) && before != NULL &&
	    (strcmp(before, "yes") == 0 || strcmp(before, "no") == 0))
		return xasprintf("chfs -A %s %s", before, rec);
	return NULL;
}

/* A file system mounted before and not now: mount it again (by its mount point). */
static char *cmp_restore_mount(const struct cmp_source *src, const struct aix_stanza *rb,
                               const char *rec, const char *attr, const char *before)
{
	(void)src;
	(void)rb;
	(void)before;
	if (attr == NULL && cmp_plain(rec))
		return xasprintf("mount %s", rec);
	return NULL;
}

/* A route that is gone: add it back (for this boot; smitty mkroute keeps it). */
static char *cmp_restore_route(const struct cmp_source *src, const struct aix_stanza *rb,
                               const char *rec, const char *attr, const char *before)
{
	char dest[128], via[8], gw[128], ifn[64];
	const char *flags = cmp_attr(rb, "flags"), *fam = cmp_attr(rb, "family");

	(void)src;
	(void)before;
	if (attr != NULL || flags == NULL || fam == NULL || strcmp(fam, "inet") != 0 ||
	    sscanf(rec, "%127s %7s %127s %63s", dest, via, gw, ifn) != 4 || !cmp_plain(dest) ||
	    !cmp_plain(gw) || strchr(flags, 'G') == NULL)
		return NULL;
	if (strcmp(dest, "default") == 0)
		return xasprintf("route add default %s", gw);
	return xasprintf("route add %s %s %s", strchr(flags, 'H') != NULL ? "-host" : "-net", dest,
	                 gw);
}

static const char *const cmp_f_value[] = { "value", NULL };
static const char *const cmp_f_status[] = { "status", NULL };
static const char *const cmp_f_mount[] = { "device", "vfs", "options", NULL };
static const char *const cmp_f_lsfs[] = { "device",  "node", "vfs",        "size",
	                                  "options", "auto", "accounting", NULL };

static const struct cmp_source cmp_sources[] = {
	{ CMP_SYS0, "lsattr_sys0", "lsattr -El sys0", "", compare_parse_lsattr, cmp_f_value,
	  CMP_IGNORE_ADDED, cmp_restore_sys0, NULL },
	{ CMP_TUNABLES, "vmo_a", "vmo -a", "vmo ", compare_parse_tunables, cmp_f_value,
	  CMP_IGNORE_ADDED, cmp_restore_tunable, "vmo" },
	{ CMP_TUNABLES, "no_a", "no -a", "no ", compare_parse_tunables, cmp_f_value,
	  CMP_IGNORE_ADDED, cmp_restore_tunable, "no" },
	{ CMP_TUNABLES, "ioo_a", "ioo -a", "ioo ", compare_parse_tunables, cmp_f_value,
	  CMP_IGNORE_ADDED, cmp_restore_tunable, "ioo" },
	{ CMP_TUNABLES, "schedo_a", "schedo -a", "schedo ", compare_parse_tunables, cmp_f_value,
	  CMP_IGNORE_ADDED, cmp_restore_tunable, "schedo" },
	{ CMP_TUNABLES, "/etc/tunables/nextboot", "/etc/tunables/nextboot", "nextboot ",
	  compare_parse_nextboot, cmp_f_value, 0, cmp_restore_nextboot, NULL },
	{ CMP_FILESYSTEMS, "mount", "mount", "mount ", compare_parse_mount, cmp_f_mount, 0,
	  cmp_restore_mount, NULL },
	{ CMP_FILESYSTEMS, "lsfs", "lsfs", "fs ", compare_parse_lsfs, cmp_f_lsfs, 0, cmp_restore_fs,
	  NULL },
	{ CMP_NETWORK, "netstat_rn", "netstat -rn", "route ", compare_parse_routes, NULL,
	  CMP_PRESENCE_ONLY, cmp_restore_route, NULL },
	{ CMP_NETWORK, "ifconfig_a", "ifconfig -a", "interface ", compare_parse_ifconfig, NULL, 0,
	  cmp_restore_iface, NULL },
	{ CMP_SERVICES, "lssrc_a", "lssrc -a", "service ", compare_parse_lssrc, cmp_f_status, 0,
	  cmp_restore_service, NULL },
};

/* Both sides' bytes when the item is ok on both; else a note and NULL. */
static int cmp_both(struct compare_result *r, const struct snapshot *before,
                    const struct snapshot *after, const char *item, const char *label,
                    const struct snapshot_item **ib, const struct snapshot_item **ia)
{
	*ib = snapshot_find(before, item);
	*ia = snapshot_find(after, item);
	if (*ib == NULL || (*ib)->status != SNAP_OK || (*ib)->data == NULL) {
		strv_pushf(&r->notes, "%s: not compared: %s in the snapshot%s%s%s", label,
		           *ib == NULL ? "not" : snapshot_status_name((*ib)->status),
		           *ib != NULL && (*ib)->message != NULL ? " (" : "",
		           *ib != NULL && (*ib)->message != NULL ? (*ib)->message : "",
		           *ib != NULL && (*ib)->message != NULL ? ")" : "");
		return 0;
	}
	if (*ia == NULL || (*ia)->status != SNAP_OK || (*ia)->data == NULL) {
		strv_pushf(&r->notes, "%s: not compared: %s now%s%s%s", label,
		           *ia == NULL ? "not collected" : snapshot_status_name((*ia)->status),
		           *ia != NULL && (*ia)->message != NULL ? " (" : "",
		           *ia != NULL && (*ia)->message != NULL ? (*ia)->message : "",
		           *ia != NULL && (*ia)->message != NULL ? ")" : "");
		return 0;
	}
	return 1;
}

static void cmp_source_run(struct compare_result *r, const struct cmp_source *src,
                           const struct snapshot *before, const struct snapshot *after)
{
	const struct snapshot_item *ib, *ia;
	struct aix_stanzas b, a;

	if (!cmp_both(r, before, after, src->item, src->label, &ib, &ia))
		return;
	if (src->parse(ib->data, ib->len, &b) != 0 || src->parse(ia->data, ia->len, &a) != 0) {
		strv_pushf(&r->notes, "%s: not compared: the output could not be read", src->label);
		aixparse_stanzas_clear(&b);
		return;
	}
	cmp_records(r, src, &b, &a);
	aixparse_stanzas_clear(&b);
	aixparse_stanzas_clear(&a);
}

/* ---- software ------------------------------------------------------------------------------ */

static char *cmp_first_line(const char *s, size_t len)
{
	struct cmp_lines ls;
	char *r = NULL;

	cmp_lines_split(s, len, &ls);
	for (size_t i = 0; i < ls.n && r == NULL; i++) {
		char *l = str_trim(xstrndup(ls.v[i].s, ls.v[i].len));
		if (*l != '\0')
			r = l;
		else
			free(l);
	}
	free(ls.v);
	return r;
}

static void cmp_software(struct compare_result *r, const struct snapshot *before,
                         const struct snapshot *after)
{
	const struct snapshot_item *ib, *ia;
	struct aix_stanzas b, a;
	size_t updated = 0;

	if (cmp_both(r, before, after, "oslevel_s", "oslevel -s", &ib, &ia)) {
		char *lb = cmp_first_line(ib->data, ib->len),
		     *la = cmp_first_line(ia->data, ia->len);
		if (!cmp_streq(lb, la))
			cmp_add(r, CMP_SOFTWARE, "oslevel", lb, la, NULL);
		free(lb);
		free(la);
	}
	if (!cmp_both(r, before, after, "lslpp_Lc", "lslpp -Lc", &ib, &ia))
		return;
	if (compare_parse_filesets(ib->data, ib->len, &b) != 0 ||
	    compare_parse_filesets(ia->data, ia->len, &a) != 0) {
		strv_pushf(&r->notes, "lslpp -Lc: not compared: the output could not be read");
		aixparse_stanzas_clear(&b);
		return;
	}
	/* Removed and added filesets one by one; new levels only counted. */
	for (size_t i = 0; i < b.n; i++) {
		const struct aix_stanza *fa = aixparse_stanzas_find(&a, b.v[i].name);
		const char *lb = cmp_attr(&b.v[i], "level");
		if (fa == NULL) {
			char *item = xasprintf("fileset %s", b.v[i].name);
			cmp_add(r, CMP_SOFTWARE, item, lb, NULL, NULL);
			free(item);
		} else if (!cmp_streq(lb, cmp_attr(fa, "level"))) {
			updated++;
		}
	}
	for (size_t i = 0; i < a.n; i++) {
		if (aixparse_stanzas_find(&b, a.v[i].name) == NULL) {
			char *item = xasprintf("fileset %s", a.v[i].name);
			cmp_add(r, CMP_SOFTWARE, item, NULL, cmp_attr(&a.v[i], "level"), NULL);
			free(item);
		}
	}
	if (updated > 0) {
		char *sb = xasprintf("%zu installed", b.n);
		char *sa = xasprintf("%zu installed, %zu at a new level", a.n, updated);
		cmp_add(r, CMP_SOFTWARE, "filesets", sb, sa, NULL);
		free(sb);
		free(sa);
	}
	aixparse_stanzas_clear(&b);
	aixparse_stanzas_clear(&a);
}

/* ---- files ------------------------------------------------------------------------------------
 */

static int cmp_is_binary(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

/* How a file is described in a change: "12 lines", "3071 bytes (binary)". Owned. */
static char *cmp_file_desc(const struct snapshot_item *it)
{
	size_t lines = 0;

	if (snapshot_item_is_private_key(it)) {
		return xasprintf("private key, sha256 %.16s...", it->sha256);
	}
	if (cmp_is_binary(it->data, it->len))
		return xasprintf("%zu bytes (binary)", it->len);
	for (size_t i = 0; i < it->len; i++)
		lines += it->data[i] == '\n';
	if (it->len > 0 && it->data[it->len - 1] != '\n')
		lines++;
	return xasprintf("%zu line%s", lines, lines == 1 ? "" : "s");
}

/* The directory of a file item is listed in s and the listing worked. */
static int cmp_dir_listed(const struct snapshot *s, const char *path)
{
	size_t nfiles;
	const char *const *files = snapshot_catalog_files(&nfiles);

	for (size_t i = 0; i < nfiles; i++) {
		if (str_ends(files[i], "/") && str_starts(path, files[i])) {
			const struct snapshot_item *d = snapshot_find(s, files[i]);
			/* a failed listing is recorded as the directory's own file item */
			return d == NULL;
		}
	}
	return 1;
}

static void cmp_one_file(struct compare_result *r, const char *item, const char *label,
                         const struct snapshot_item *ib, const struct snapshot_item *ia,
                         const struct snapshot *after)
{
	int okb = ib != NULL && ib->status == SNAP_OK && ib->data != NULL;
	int oka = ia != NULL && ia->status == SNAP_OK && ia->data != NULL;

	if (ib != NULL && ib->status == SNAP_UNAVAILABLE) {
		strv_pushf(&r->notes, "%s: not compared: unavailable in the snapshot%s%s%s", label,
		           ib->message != NULL ? " (" : "", ib->message != NULL ? ib->message : "",
		           ib->message != NULL ? ")" : "");
		return;
	}
	if (ia != NULL && ia->status == SNAP_UNAVAILABLE) {
		strv_pushf(&r->notes, "%s: not compared: unavailable now%s%s%s", label,
		           ia->message != NULL ? " (" : "", ia->message != NULL ? ia->message : "",
		           ia->message != NULL ? ")" : "");
		return;
	}
	if (okb && oka) {
		struct strbuf diff = { 0 };
		struct compare_change *c;
		char *db, *da;

		if (ib->len == ia->len && memcmp(ib->data, ia->data, ib->len) == 0)
			return;
		db = cmp_file_desc(ib);
		da = cmp_file_desc(ia);
		c = cmp_add(r, CMP_FILES, item, db, da, NULL);
		/* Key material never goes into a report. */
		if (!snapshot_item_is_private_key(ib) && !snapshot_item_is_private_key(ia) &&
		    !cmp_is_binary(ib->data, ib->len) && !cmp_is_binary(ia->data, ia->len)) {
			compare_line_diff(ib->data, ib->len, ia->data, ia->len, 3, &diff);
			c->diff = sb_steal(&diff);
		}
		free(db);
		free(da);
	} else if (okb) {
		char *db;
		if (ia == NULL && !cmp_dir_listed(after, item)) {
			strv_pushf(&r->notes,
			           "%s: not compared: its directory could not be listed now",
			           label);
			return;
		}
		db = cmp_file_desc(ib);
		cmp_add(r, CMP_FILES, item, db, NULL, NULL);
		free(db);
	} else if (oka) {
		struct strbuf diff = { 0 };
		struct compare_change *c;
		char *da = cmp_file_desc(ia);
		c = cmp_add(r, CMP_FILES, item, NULL, da, NULL);
		if (!snapshot_item_is_private_key(ia) && !cmp_is_binary(ia->data, ia->len)) {
			compare_line_diff("", 0, ia->data, ia->len, 3, &diff);
			c->diff = sb_steal(&diff);
		}
		free(da);
	}
}

static void cmp_files(struct compare_result *r, const struct snapshot *before,
                      const struct snapshot *after)
{
	struct strv paths = { 0 };

	for (int side = 0; side < 2; side++) {
		const struct snapshot *s = side == 0 ? before : after;
		for (size_t i = 0; i < s->nitems; i++) {
			const struct snapshot_item *it = &s->items[i];
			int seen = 0;
			/* nextboot is compared as tunables; a directory that failed is no file */
			if (it->kind != SNAP_FILE || str_ends(it->name, "/") ||
			    strcmp(it->name, "/etc/tunables/nextboot") == 0)
				continue;
			for (size_t k = 0; k < paths.n && !seen; k++)
				seen = strcmp(paths.v[k], it->name) == 0;
			if (!seen)
				strv_push(&paths, it->name);
		}
	}
	if (paths.n > 1)
		qsort(paths.v, paths.n, sizeof *paths.v, cmp_strp_cmp);
	for (size_t i = 0; i < paths.n; i++)
		cmp_one_file(r, paths.v[i], paths.v[i], snapshot_find(before, paths.v[i]),
		             snapshot_find(after, paths.v[i]), after);
	strv_free(&paths);
	cmp_one_file(r, "crontab -l (root)", "crontab -l", snapshot_find(before, "crontab_l"),
	             snapshot_find(after, "crontab_l"), after);
}

/* ---- all together -------------------------------------------------------------------------------
 */

void compare_snapshots(const struct snapshot *before, const struct snapshot *after,
                       struct compare_result *out)
{
	memset(out, 0, sizeof *out);
	cmp_software(out, before, after);
	for (size_t i = 0; i < ARRAY_LEN(cmp_sources); i++)
		cmp_source_run(out, &cmp_sources[i], before, after);
	cmp_files(out, before, after);
	/* By area, keeping the order found within each. */
	if (out->n > 1) {
		struct compare_change *sorted = xcalloc(out->n, sizeof *sorted);
		size_t k = 0;
		for (int a = 0; a < CMP_AREA_COUNT; a++)
			for (size_t i = 0; i < out->n; i++)
				if ((int)out->v[i].area == a)
					sorted[k++] = out->v[i];
		free(out->v);
		out->v = sorted;
	}
}

/* ---- line diff
 * ------------------------------------------------------------------------------------ */

enum { CMP_EQ, CMP_DEL, CMP_ADD };

struct cmp_op {
	int kind;
	size_t a, b; /* line indexes in a (EQ, DEL) and b (EQ, ADD) */
};

static int cmp_line_eq(const struct cmp_line *x, const struct cmp_line *y)
{
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

static void cmp_emit_line(struct strbuf *out, char tag, const struct cmp_line *l)
{
	sb_addc(out, tag);
	sb_add(out, l->s, l->len);
	sb_addc(out, '\n');
}

size_t compare_line_diff(const char *a, size_t alen, const char *b, size_t blen, int context,
                         struct strbuf *out)
{
	struct cmp_lines la, lb;
	struct cmp_op *ops = NULL;
	size_t nops = 0, head = 0, ta, tb, n, m, changed = 0;

	cmp_lines_split(a, alen, &la);
	cmp_lines_split(b, blen, &lb);
	while (head < la.n && head < lb.n && cmp_line_eq(&la.v[head], &lb.v[head]))
		head++;
	ta = la.n;
	tb = lb.n;
	while (ta > head && tb > head && cmp_line_eq(&la.v[ta - 1], &lb.v[tb - 1])) {
		ta--;
		tb--;
	}
	n = ta - head;
	m = tb - head;
	if (n > 0 && m > 0 && (double)n * (double)m > 20e6) {
		sb_addf(out, "(too large to compare line by line: %zu lines before, %zu after)\n",
		        la.n, lb.n);
		free(la.v);
		free(lb.v);
		return n + m;
	}
	ops = xcalloc(la.n + lb.n + 1, sizeof *ops);
	for (size_t i = 0; i < head; i++)
		ops[nops++] = (struct cmp_op){ CMP_EQ, i, i };
	{
		/* LCS lengths of the suffixes of the middle parts: L[i][j] for a[i..], b[j..]. */
		uint32_t *L = xcalloc((n + 1) * (m + 1), sizeof *L);
		size_t i = 0, j = 0;
#define CMP_L(i, j) L[(i) * (m + 1) + (j)]
		for (size_t ii = n; ii-- > 0;)
			for (size_t jj = m; jj-- > 0;)
				CMP_L(ii, jj) = cmp_line_eq(&la.v[head + ii], &lb.v[head + jj])
				                    ? CMP_L(ii + 1, jj + 1) + 1
				                    : (CMP_L(ii + 1, jj) >= CMP_L(ii, jj + 1)
				                           ? CMP_L(ii + 1, jj)
				                           : CMP_L(ii, jj + 1));
		while (i < n || j < m) {
			if (i < n && j < m && cmp_line_eq(&la.v[head + i], &lb.v[head + j])) {
				ops[nops++] = (struct cmp_op){ CMP_EQ, head + i, head + j };
				i++;
				j++;
			} else if (i < n && (j == m || CMP_L(i + 1, j) >= CMP_L(i, j + 1))) {
				/* removed lines before added ones, as diff -u prints them */
				ops[nops++] = (struct cmp_op){ CMP_DEL, head + i, head + j };
				i++;
			} else {
				ops[nops++] = (struct cmp_op){ CMP_ADD, head + i, head + j };
				j++;
			}
		}
#undef CMP_L
		free(L);
	}
	for (size_t i = 0; i < la.n - ta; i++)
		ops[nops++] = (struct cmp_op){ CMP_EQ, ta + i, tb + i };
	for (size_t k = 0; k < nops; k++)
		changed += ops[k].kind != CMP_EQ;
	if (changed > 0) {
		size_t k = 0;
		sb_adds(out, "--- before\n+++ after\n");
		while (k < nops) {
			size_t start, end, last_change;
			size_t a0, b0, ac = 0, bc = 0;
			while (k < nops && ops[k].kind == CMP_EQ)
				k++;
			if (k == nops)
				break;
			start = k > (size_t)context ? k - (size_t)context : 0;
			/* extend while changes are within 2*context of each other */
			last_change = k;
			end = k;
			while (end < nops) {
				if (ops[end].kind != CMP_EQ)
					last_change = end;
				else if (end - last_change > 2 * (size_t)context)
					break;
				end++;
			}
			end = last_change + 1 + (size_t)context < nops
			          ? last_change + 1 + (size_t)context
			          : nops;
			a0 = ops[start].a;
			b0 = ops[start].b;
			for (size_t q = start; q < end; q++) {
				ac += ops[q].kind != CMP_ADD;
				bc += ops[q].kind != CMP_DEL;
			}
			sb_addf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ac > 0 ? a0 + 1 : a0, ac,
			        bc > 0 ? b0 + 1 : b0, bc);
			for (size_t q = start; q < end; q++) {
				if (ops[q].kind == CMP_EQ)
					cmp_emit_line(out, ' ', &la.v[ops[q].a]);
				else if (ops[q].kind == CMP_DEL)
					cmp_emit_line(out, '-', &la.v[ops[q].a]);
				else
					cmp_emit_line(out, '+', &lb.v[ops[q].b]);
			}
			k = end;
		}
	}
	free(ops);
	free(la.v);
	free(lb.v);
	return changed;
}
