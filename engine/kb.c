/* kb.c: the known-error knowledge base: INI entries from help/errors, matched by code or text. */
#include "kb.h"

#include <ctype.h>
#include <ini.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "help.h"

static const char *const kb_sev_names[] = {
#define KB_SEV_NAME(id, json, label) json,
	KB_SEVERITIES(KB_SEV_NAME)
#undef KB_SEV_NAME
};
static const char *const kb_sev_labels[] = {
#define KB_SEV_LABEL(id, json, label) label,
	KB_SEVERITIES(KB_SEV_LABEL)
#undef KB_SEV_LABEL
};

const char *kb_severity_name(enum kb_severity s)
{
	return (unsigned)s < KB_SEV_COUNT ? kb_sev_names[s] : "unknown";
}

const char *kb_severity_label(enum kb_severity s)
{
	return (unsigned)s < KB_SEV_COUNT ? kb_sev_labels[s] : "unknown";
}

int kb_severity_parse(const char *s)
{
	for (int i = 0; i < KB_SEV_COUNT; i++)
		if (strcasecmp(s, kb_sev_names[i]) == 0)
			return i;
	return -1;
}

/* An entry while it is built and after: the public view points into it. */
struct kb_item {
	struct kb_entry pub;
	struct strv codes;
	struct strv patterns;
	struct strbuf id, title, meaning, fix, phase;
	char *source;
	int harmless_set;
};

struct kb_code_ref {
	const char *code;
	size_t item;
};

struct kb {
	struct kb_item **items;
	size_t n, cap;
	struct kb_code_ref *codes; /* sorted by code, then entry order */
	size_t ncodes;
};

struct kb *kb_new(void)
{
	return xcalloc(1, sizeof(struct kb));
}

static void kb_item_free(struct kb_item *it)
{
	if (it == NULL)
		return;
	strv_free(&it->codes);
	strv_free(&it->patterns);
	sb_free(&it->id);
	sb_free(&it->title);
	sb_free(&it->meaning);
	sb_free(&it->fix);
	sb_free(&it->phase);
	free(it->source);
	free(it);
}

void kb_free(struct kb **kbp)
{
	struct kb *kb = *kbp;

	if (kb == NULL)
		return;
	for (size_t i = 0; i < kb->n; i++)
		kb_item_free(kb->items[i]);
	free(kb->items);
	free(kb->codes);
	free(kb);
	*kbp = NULL;
}

/* A message code: 4 digits, '-', 3 digits. */
static int kb_is_code(const char *s, size_t len)
{
	if (len != 8 || s[4] != '-')
		return 0;
	for (size_t i = 0; i < 8; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A character that would make a code part of a longer token. */
static int kb_code_glue(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

long kb_scan_code(const char *s, size_t len, char code[9])
{
	for (size_t i = 0; i + 8 <= len; i++) {
		if (!isdigit((unsigned char)s[i]))
			continue;
		if (i > 0 && kb_code_glue(s[i - 1]))
			continue;
		if (!kb_is_code(s + i, 8))
			continue;
		if (i + 8 < len && kb_code_glue(s[i + 8]))
			continue;
		memcpy(code, s + i, 8);
		code[8] = '\0';
		return (long)i;
	}
	return -1;
}

struct kb_parse {
	struct kb_item *it;
	struct err *e;
	const char *name;
	int failed;
};

/* Appends a continuation: `sep` between pieces. */
static void kb_append(struct strbuf *sb, const char *value, const char *sep)
{
	if (*value == '\0')
		return;
	if (sb->len > 0)
		sb_adds(sb, sep);
	sb_adds(sb, value);
}

static int kb_parse_yesno(const char *v)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

static int kb_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct kb_parse *p = user;
	struct kb_item *it = p->it;

	if (p->failed)
		return 0;
	if (*section != '\0' && strcmp(section, "error") != 0) {
		err_set(p->e, "%s: unknown section [%s] (expected [error])", p->name, section);
		p->failed = 1;
		return 0;
	}
	if (strcmp(name, "id") == 0) {
		if (it->id.len > 0) {
			err_set(p->e, "%s: id given twice", p->name);
			p->failed = 1;
			return 0;
		}
		sb_adds(&it->id, value);
	} else if (strcmp(name, "code") == 0 || strcmp(name, "codes") == 0) {
		const char *s = value;
		while (*s != '\0') {
			size_t n;
			while (*s == ' ' || *s == ',' || *s == '\t')
				s++;
			n = strcspn(s, " ,\t");
			if (n == 0)
				break;
			if (!kb_is_code(s, n)) {
				err_set(p->e, "%s: '%.*s' is not a message code NNNN-NNN", p->name,
				        (int)n, s);
				p->failed = 1;
				return 0;
			}
			char *c = xstrndup(s, n);
			strv_push(&it->codes, c);
			free(c);
			s += n;
		}
	} else if (strcmp(name, "pattern") == 0 || strcmp(name, "patterns") == 0) {
		if (*value != '\0')
			strv_push(&it->patterns, value);
	} else if (strcmp(name, "title") == 0) {
		kb_append(&it->title, value, " ");
	} else if (strcmp(name, "meaning") == 0) {
		kb_append(&it->meaning, value, " ");
	} else if (strcmp(name, "fix") == 0) {
		kb_append(&it->fix, value, "\n");
	} else if (strcmp(name, "phase") == 0) {
		kb_append(&it->phase, value, " ");
	} else if (strcmp(name, "harmless") == 0) {
		int h = kb_parse_yesno(value);
		if (h < 0 || it->harmless_set) {
			err_set(p->e, "%s: harmless must be given once, yes or no", p->name);
			p->failed = 1;
			return 0;
		}
		it->pub.harmless = h;
		it->harmless_set = 1;
	} else if (strcmp(name, "severity") == 0) {
		int s = kb_severity_parse(value);
		if (s < 0 || it->pub.severity >= 0) {
			err_set(
			    p->e,
			    "%s: severity must be given once: info, warning, attention or error",
			    p->name);
			p->failed = 1;
			return 0;
		}
		it->pub.severity = s;
	} else {
		err_set(p->e, "%s: unknown key '%s'", p->name, name);
		p->failed = 1;
		return 0;
	}
	return 1;
}

static int kb_code_ref_cmp(const void *a, const void *b)
{
	const struct kb_code_ref *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	if (c != 0)
		return c;
	return x->item < y->item ? -1 : x->item > y->item;
}

static void kb_index(struct kb *kb)
{
	size_t n = 0;

	for (size_t i = 0; i < kb->n; i++)
		n += kb->items[i]->codes.n;
	free(kb->codes);
	kb->codes = xcalloc(n > 0 ? n : 1, sizeof *kb->codes);
	kb->ncodes = 0;
	for (size_t i = 0; i < kb->n; i++)
		for (size_t k = 0; k < kb->items[i]->codes.n; k++)
			kb->codes[kb->ncodes++] =
			    (struct kb_code_ref){ .code = kb->items[i]->codes.v[k], .item = i };
	qsort(kb->codes, kb->ncodes, sizeof *kb->codes, kb_code_ref_cmp);
}

int kb_add_ini(struct kb *kb, const char *name, const char *text, struct err *e)
{
	struct kb_item *it = xcalloc(1, sizeof *it);
	struct kb_parse p = { .it = it, .e = e, .name = name };
	int rc;

	it->pub.severity = -1;
	rc = ini_parse_string(text, kb_ini_handler, &p);
	if (p.failed)
		goto fail;
	if (rc != 0) {
		err_set(e, "%s:%d: syntax error", name, rc);
		goto fail;
	}
	if (it->id.len == 0 || it->title.len == 0 || it->meaning.len == 0 || it->fix.len == 0 ||
	    !it->harmless_set) {
		err_set(e, "%s: id, title, meaning, fix and harmless are required", name);
		goto fail;
	}
	if (it->codes.n == 0 && it->patterns.n == 0) {
		err_set(e, "%s: needs codes or a pattern to match", name);
		goto fail;
	}
	for (size_t i = 0; i < kb->n; i++) {
		if (strcmp(kb->items[i]->pub.id, sb_str(&it->id)) == 0) {
			err_set(e, "%s: id %s is already used by %s", name, sb_str(&it->id),
			        kb->items[i]->source);
			goto fail;
		}
	}
	it->source = xstrdup(name);
	it->pub.id = sb_str(&it->id);
	it->pub.title = sb_str(&it->title);
	it->pub.meaning = sb_str(&it->meaning);
	it->pub.fix = sb_str(&it->fix);
	it->pub.phase = sb_str(&it->phase);
	it->pub.codes = strv_argv(&it->codes);
	it->pub.patterns = strv_argv(&it->patterns);
	it->pub.source = it->source;
	if (kb->n == kb->cap) {
		kb->cap = kb->cap == 0 ? 32 : kb->cap * 2;
		kb->items = xreallocarray(kb->items, kb->cap, sizeof *kb->items);
	}
	kb->items[kb->n++] = it;
	kb_index(kb);
	return 0;
fail:
	kb_item_free(it);
	return -1;
}

int kb_load_embedded(struct kb *kb, struct err *e)
{
	const struct embedded_file *f;

	for (size_t i = 0; (f = help_at(i)) != NULL; i++) {
		if (!str_starts(f->name, "errors/") || !str_ends(f->name, ".ini"))
			continue;
		if (kb_add_ini(kb, f->name, f->data, e) != 0)
			return -1;
	}
	return 0;
}

size_t kb_count(const struct kb *kb)
{
	return kb->n;
}

const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i)
{
	return i < kb->n ? &kb->items[i]->pub : NULL;
}

/* The first index in kb->codes with this code, or kb->ncodes. */
static size_t kb_code_first(const struct kb *kb, const char *code)
{
	size_t lo = 0, hi = kb->ncodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(kb->codes[mid].code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct kb_entry *kb_lookup(const struct kb *kb, const char *id_or_code)
{
	size_t k;

	for (size_t i = 0; i < kb->n; i++)
		if (strcmp(kb->items[i]->pub.id, id_or_code) == 0)
			return &kb->items[i]->pub;
	k = kb_code_first(kb, id_or_code);
	if (k < kb->ncodes && strcmp(kb->codes[k].code, id_or_code) == 0)
		return &kb->items[kb->codes[k].item]->pub;
	return NULL;
}

/* memmem for C11: the first n-byte needle in hay[0..hlen). */
static const char *kb_find_bytes(const char *hay, size_t hlen, const char *needle, size_t n)
{
	if (n == 0)
		return hay;
	while (hlen >= n) {
		const char *p = memchr(hay, needle[0], hlen - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
		hlen -= (size_t)(p - hay) + 1;
		hay = p + 1;
	}
	return NULL;
}

/* Fixed pieces separated by '*', found in this order. */
static int kb_pattern_match(const char *line, size_t len, const char *pat)
{
	const char *s = line;
	size_t left = len;

	while (*pat != '\0') {
		size_t n = strcspn(pat, "*");
		if (n > 0) {
			const char *p = kb_find_bytes(s, left, pat, n);
			if (p == NULL)
				return 0;
			left -= (size_t)(p - s) + n;
			s = p + n;
		}
		pat += n;
		if (*pat == '*')
			pat++;
	}
	return 1;
}

static int kb_item_patterns_match(const struct kb_item *it, const char *line, size_t len)
{
	for (size_t i = 0; i < it->patterns.n; i++)
		if (kb_pattern_match(line, len, it->patterns.v[i]))
			return 1;
	return 0;
}

const struct kb_entry *kb_match_line(const struct kb *kb, const char *line)
{
	const struct kb_entry *candidate = NULL;
	size_t len = strlen(line), off = 0;
	char code[9];
	long at;

	while (off < len && (at = kb_scan_code(line + off, len - off, code)) >= 0) {
		for (size_t k = kb_code_first(kb, code);
		     k < kb->ncodes && strcmp(kb->codes[k].code, code) == 0; k++) {
			const struct kb_item *it = kb->items[kb->codes[k].item];
			if (it->patterns.n == 0) {
				if (candidate == NULL)
					candidate = &it->pub;
			} else if (kb_item_patterns_match(it, line, len)) {
				return &it->pub;
			}
		}
		off += (size_t)at + 8;
	}
	if (candidate != NULL)
		return candidate;
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_item *it = kb->items[i];
		if (it->codes.n == 0 && kb_item_patterns_match(it, line, len))
			return &it->pub;
	}
	return NULL;
}

static struct kb *kb_default_kb;
static pthread_once_t kb_default_once = PTHREAD_ONCE_INIT;

static void kb_default_load(void)
{
	struct err e;

	err_clear(&e);
	kb_default_kb = kb_new();
	if (kb_load_embedded(kb_default_kb, &e) != 0)
		fatal("knowledge base: %s", e.msg);
}

const struct kb *kb_default(void)
{
	pthread_once(&kb_default_once, kb_default_load);
	return kb_default_kb;
}

const struct kb_entry *kb_match(const char *line)
{
	return kb_match_line(kb_default(), line);
}

const struct kb_entry *kb_find(const char *id_or_code)
{
	return kb_lookup(kb_default(), id_or_code);
}
