/*
 * aixparse.c: pure parsers for AIX and NIM command output. Layouts vary
 * (spacing, CRLF, blank lines, extra or missing attributes, localized
 * words), so the parsers go by tokens and by what a token looks like,
 * never by column positions.
 */
#include "aixparse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- text helpers ------------------------------------------------------- */

static int ap_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* The input split into NUL-terminated lines, CR removed. */
struct ap_lines {
	char *buf;
	char **v;
	size_t n;
	unsigned char *msg; /* 1: an AIX message line, 2: its indented continuation */
};

static const char *ap_message_code(const char *line);

static void ap_lines_init(struct ap_lines *l, const char *text, size_t len)
{
	size_t cap = 16;
	char *p;

	memset(l, 0, sizeof *l);
	l->buf = xmalloc(len + 1);
	if (len > 0)
		memcpy(l->buf, text, len);
	l->buf[len] = '\0';
	/* A NUL inside the text would end a line early: make it a blank. */
	for (size_t i = 0; i < len; i++)
		if (l->buf[i] == '\0')
			l->buf[i] = ' ';
	l->v = xreallocarray(NULL, cap, sizeof *l->v);
	p = l->buf;
	while (*p != '\0') {
		char *nl = strchr(p, '\n');
		char *end = nl != NULL ? nl : p + strlen(p);
		/* CRLF, or a lone CR line ending. */
		while (end > p && end[-1] == '\r')
			end--;
		if (l->n == cap) {
			cap *= 2;
			l->v = xreallocarray(l->v, cap, sizeof *l->v);
		}
		l->v[l->n++] = p;
		for (char *q = p; q < end; q++)
			if (*q == '\r' || *q == '\t' || *q == '\f' || *q == '\v')
				*q = ' ';
		*end = '\0';
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	l->msg = xcalloc(l->n + 1, 1);
	for (size_t i = 0; i < l->n; i++) {
		if (ap_message_code(l->v[i]) != NULL)
			l->msg[i] = 1;
		else if (i > 0 && l->msg[i - 1] != 0 && l->v[i][0] == ' ' && !ap_blank(l->v[i]))
			l->msg[i] = 2;
	}
}

static void ap_lines_free(struct ap_lines *l)
{
	free(l->buf);
	free(l->v);
	free(l->msg);
	memset(l, 0, sizeof *l);
}

/* A token of a line: a pointer into the line and its length. */
struct ap_tok {
	const char *s;
	size_t len;
};

#define AP_MAXTOK 32

/* Splits on blanks; returns the count (at most max). */
static size_t ap_tokens(const char *line, struct ap_tok *tok, size_t max)
{
	size_t n = 0;
	const char *p = line;

	while (n < max) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		tok[n].s = p;
		while (*p != '\0' && *p != ' ')
			p++;
		tok[n].len = (size_t)(p - tok[n].s);
		n++;
	}
	return n;
}

static char *ap_tokdup(const struct ap_tok *t)
{
	return xstrndup(t->s, t->len);
}

static int ap_tokeq(const struct ap_tok *t, const char *word)
{
	return strlen(word) == t->len && strncasecmp(t->s, word, t->len) == 0;
}

/* An owned copy of s with blanks trimmed; NULL when nothing remains. */
static char *ap_dup_trim(const char *s)
{
	char *r;

	if (s == NULL)
		return NULL;
	r = str_trim(xstrdup(s));
	if (*r == '\0') {
		free(r);
		return NULL;
	}
	return r;
}

static char *ap_ndup_trim(const char *s, size_t n)
{
	char *r = str_trim(xstrndup(s, n));

	if (*r == '\0') {
		free(r);
		return NULL;
	}
	return r;
}

/* Room for element n of an array that grows by doubling from 8; zeroes it. */
static void *ap_grow(void *v, size_t n, size_t size)
{
	if (n == 0)
		v = xreallocarray(NULL, 8, size);
	else if (n >= 8 && (n & (n - 1)) == 0)
		v = xreallocarray(v, n * 2, size);
	memset((char *)v + n * size, 0, size);
	return v;
}

#define AP_PUSH(arr, n) ((arr) = ap_grow((arr), (n), sizeof *(arr)), &(arr)[(n)++])

static int ap_isdigits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A decimal token to a number; -1 if it is not one. */
static long long ap_tok_ll(const struct ap_tok *t)
{
	char buf[32];

	if (t->len == 0 || t->len >= sizeof buf || !ap_isdigits(t->s, t->len))
		return -1;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	return str_to_ll(buf);
}

/*
 * The AIX message code (`0042-053`, `0516-010`) of a line, or NULL. AIX
 * messages put it among the first tokens: `0042-053 lsnim: ...`,
 * `lslpp: 0504-132  Fileset ...`, `0516-010 : Volume group ...`.
 */
static const char *ap_message_code(const char *line)
{
	struct ap_tok tok[4];
	size_t n = ap_tokens(line, tok, 4);

	for (size_t i = 0; i < n; i++) {
		const char *s = tok[i].s;
		size_t len = tok[i].len;
		if (len > 0 && s[len - 1] == ':')
			len--;
		if (len == 8 && ap_isdigits(s, 4) && s[4] == '-' && ap_isdigits(s + 5, 3))
			return s;
	}
	return NULL;
}

/* Fills e with the first AIX message among the lines, or with fallback. */
static void ap_set_error(struct ap_lines *l, struct err *e, const char *fallback)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->msg[i] == 1) {
			struct strbuf sb = { 0 };
			for (size_t k = i; k < l->n && (k == i || l->msg[k] == 2); k++) {
				char *part = ap_dup_trim(l->v[k]);
				if (sb.len > 0)
					sb_addc(&sb, ' ');
				sb_adds(&sb, part);
				free(part);
			}
			err_set(e, "%s", sb_str(&sb));
			sb_free(&sb);
			return;
		}
	}
	err_set(e, "%s", fallback);
}

/* strcasestr is not POSIX. */
static const char *ap_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static int ap_has_code(struct ap_lines *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], code) != NULL)
			return 1;
	return 0;
}

static void ap_attrs_free(struct aix_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].value);
	}
	free(a);
}

static const char *ap_attrs_get(const struct aix_attr *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(a[i].name, name) == 0)
			return a[i].value;
	return NULL;
}

/* ---- stanzas -------------------------------------------------------------- */

const char *aixparse_stanza_get(const struct aix_stanza *st, const char *attr)
{
	if (st == NULL)
		return NULL;
	for (size_t i = 0; i < st->nattrs; i++)
		if (strcmp(st->attrs[i].name, attr) == 0)
			return st->attrs[i].value;
	return NULL;
}

const struct aix_stanza *aixparse_stanzas_find(const struct aix_stanzas *ss, const char *name)
{
	for (size_t i = 0; i < ss->n; i++)
		if (strcmp(ss->v[i].name, name) == 0)
			return &ss->v[i];
	return NULL;
}

void aixparse_stanzas_clear(struct aix_stanzas *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->v[i].name);
		ap_attrs_free(ss->v[i].attrs, ss->v[i].nattrs);
	}
	free(ss->v);
	memset(ss, 0, sizeof *ss);
}

/* Removes one pair of surrounding double quotes, in place. */
static void ap_unquote(char *s)
{
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		memmove(s, s + 1, len - 2);
		s[len - 2] = '\0';
	}
}

/* Stanzas: a `NAME:` line, then `attr = value` lines (any indentation). */
static int ap_parse_stanzas(struct ap_lines *l, struct aix_stanzas *out, int unquote)
{
	struct aix_stanza *cur = NULL;

	for (size_t i = 0; i < l->n; i++) {
		char *line = l->v[i], *eq;
		struct ap_tok tok[2];
		size_t nt;

		if (ap_blank(line) || l->msg[i])
			continue;
		eq = strchr(line, '=');
		if (eq == NULL) {
			nt = ap_tokens(line, tok, 2);
			/* `NAME:` alone on its line (trailing blanks allowed). */
			if (nt == 1 && tok[0].len > 1 && tok[0].s[tok[0].len - 1] == ':') {
				cur = AP_PUSH(out->v, out->n);
				cur->name = xstrndup(tok[0].s, tok[0].len - 1);
			}
			continue;
		}
		if (cur == NULL)
			continue;
		nt = ap_tokens(line, tok, 2);
		/* The attribute is one word before the first '='. */
		if (nt == 0 || tok[0].s >= eq)
			continue;
		char *name = ap_ndup_trim(tok[0].s, (size_t)(eq - tok[0].s));
		if (name == NULL || strchr(name, ' ') != NULL) {
			free(name);
			continue;
		}
		struct aix_attr *a = AP_PUSH(cur->attrs, cur->nattrs);
		a->name = name;
		a->value = str_trim(xstrdup(eq + 1));
		if (unquote)
			ap_unquote(a->value);
	}
	return 0;
}

int aixparse_lsnim_long(const char *text, size_t len, struct aix_stanzas *out, struct err *e)
{
	struct ap_lines l;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	ap_parse_stanzas(&l, out, 0);
	if (out->n == 0) {
		ap_set_error(&l, e, "no NIM object in the lsnim -l output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

int aixparse_odmget(const char *text, size_t len, struct aix_stanzas *out, struct err *e)
{
	struct ap_lines l;
	int rc = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	ap_parse_stanzas(&l, out, 1);
	/* No matching object prints nothing: that is an empty answer, not an error. */
	if (out->n == 0) {
		for (size_t i = 0; i < l.n; i++) {
			if (!ap_blank(l.v[i])) {
				ap_set_error(&l, e, "no ODM object in the odmget output");
				rc = -1;
				break;
			}
		}
	}
	ap_lines_free(&l);
	return rc;
}

/* ---- lsnim ------------------------------------------------------------------ */

/* A NIM object name: letters, digits and _ . - (what NIM accepts), no colon. */
static int ap_is_name(const struct ap_tok *t)
{
	if (t->len == 0 || !isalnum((unsigned char)t->s[0]))
		return 0;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (!isalnum(c) && c != '_' && c != '.' && c != '-' && c != '+')
			return 0;
	}
	return 1;
}

int aixparse_lsnim(const char *text, size_t len, struct aix_lsnim *out, struct err *e)
{
	struct ap_lines l;
	int other = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[4];
		size_t nt;

		if (ap_blank(l.v[i]))
			continue;
		if (l.msg[i]) {
			other = 1;
			continue;
		}
		nt = ap_tokens(l.v[i], tok, 4);
		if (!ap_is_name(&tok[0])) {
			other = 1;
			continue;
		}
		struct aix_nim_entry *en = AP_PUSH(out->v, out->n);
		en->name = ap_tokdup(&tok[0]);
		if (nt > 1)
			en->class = ap_tokdup(&tok[1]);
		if (nt > 2)
			en->type = ap_tokdup(&tok[2]);
	}
	if (out->n == 0 && other) {
		ap_set_error(&l, e, "not lsnim output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

void aixparse_lsnim_clear(struct aix_lsnim *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].class);
		free(l->v[i].type);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- filesets ------------------------------------------------------------------ */

struct ap_state_def {
	enum aix_fileset_state state;
	const char *name;
	char letter;
	const char *word;
};

static const struct ap_state_def ap_states[] = {
#define AIX_FS_DEF(id, name, letter, word) { AIX_FS_##id, name, letter, word },
	AIX_FILESET_STATES(AIX_FS_DEF)
#undef AIX_FS_DEF
};

const char *aixparse_fileset_state_name(enum aix_fileset_state s)
{
	for (size_t i = 0; i < ARRAY_LEN(ap_states); i++)
		if (ap_states[i].state == s)
			return ap_states[i].name;
	return "unknown";
}

static enum aix_fileset_state ap_state_from_letter(char c)
{
	for (size_t i = 0; i < ARRAY_LEN(ap_states); i++)
		if (ap_states[i].letter != 0 && ap_states[i].letter == c)
			return ap_states[i].state;
	return AIX_FS_UNKNOWN;
}

void aixparse_filesets_clear(struct aix_filesets *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].name);
		free(fs->v[i].level);
		free(fs->v[i].state_word);
		free(fs->v[i].description);
		free(fs->v[i].package);
	}
	free(fs->v);
	strv_free(&fs->missing);
	memset(fs, 0, sizeof *fs);
}

const struct aix_fileset *aixparse_filesets_find(const struct aix_filesets *fs, const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].name, name) == 0)
			return &fs->v[i];
	return NULL;
}

/* A fileset level as lslpp prints it: starts with a digit, has a dot. */
static int ap_is_level(const struct ap_tok *t)
{
	int dot = 0;

	if (t->len == 0 || !isdigit((unsigned char)t->s[0]))
		return 0;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c == '.')
			dot = 1;
		else if (!isalnum(c) && c != '-' && c != '_' && c != '+')
			return 0;
	}
	return dot;
}

/* A fileset name with at least one inner dot (bos.rte, not "installed."). */
static int ap_is_dotted_name(const struct ap_tok *t)
{
	return ap_is_name(t) && memchr(t->s, '.', t->len) != NULL && t->s[t->len - 1] != '.';
}

/* The entry for name, new or merged. */
static struct aix_fileset *ap_fileset_get(struct aix_filesets *fs, const char *name, size_t nlen)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->v[i].name) == nlen && strncmp(fs->v[i].name, name, nlen) == 0)
			return &fs->v[i];
	struct aix_fileset *f = AP_PUSH(fs->v, fs->n);
	f->name = xstrndup(name, nlen);
	return f;
}

/* Records a fileset row; a second part of the same fileset only adds its part (BROKEN wins). */
static int ap_fileset_set(struct aix_filesets *fs, const struct ap_tok *name, const char *level,
                          size_t level_len, enum aix_fileset_state st, const char *word,
                          size_t word_len, const char *desc, unsigned part)
{
	struct aix_fileset *f = ap_fileset_get(fs, name->s, name->len);
	int created = f->level == NULL;

	if (created) {
		f->level = xstrndup(level, level_len);
		f->state = st;
		f->state_word = word != NULL ? xstrndup(word, word_len) : NULL;
		f->description = ap_dup_trim(desc);
	} else if (st == AIX_FS_BROKEN && f->state != AIX_FS_BROKEN) {
		f->state = st;
		free(f->state_word);
		f->state_word = word != NULL ? xstrndup(word, word_len) : NULL;
	}
	f->parts |= part;
	return created;
}

/* The fileset named by a `0504-132 Fileset NAME not installed.` line, recorded as missing. */
static void ap_fileset_missing(struct aix_filesets *fs, const char *code)
{
	struct ap_tok tok[8];
	size_t nt = ap_tokens(code, tok, 8);

	for (size_t i = 1; i < nt; i++) {
		if (ap_is_dotted_name(&tok[i]) || (i == 2 && ap_tokeq(&tok[1], "Fileset"))) {
			char *n = ap_tokdup(&tok[i]);
			for (size_t k = 0; k < fs->missing.n; k++) {
				if (strcmp(fs->missing.v[k], n) == 0) {
					free(n);
					return;
				}
			}
			strv_push(&fs->missing, n);
			free(n);
			return;
		}
	}
}

/* Column positions in lslpp -Lc rows; defaults match AIX's header. */
struct ap_lc_cols {
	int package, fileset, level, state, fix_state, type, description;
};

static void ap_lc_header(const char *line, struct ap_lc_cols *c)
{
	const char *p = line + 1; /* after '#' */
	int idx = 0;

	for (;;) {
		const char *end = strchr(p, ':');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		char *f = ap_ndup_trim(p, n);
		if (f != NULL) {
			if (strcasecmp(f, "Package Name") == 0)
				c->package = idx;
			else if (strcasecmp(f, "Fileset") == 0)
				c->fileset = idx;
			else if (strcasecmp(f, "Level") == 0)
				c->level = idx;
			else if (strcasecmp(f, "State") == 0)
				c->state = idx;
			else if (strcasecmp(f, "Fix State") == 0)
				c->fix_state = idx;
			else if (strcasecmp(f, "Type") == 0)
				c->type = idx;
			else if (strcasecmp(f, "Description") == 0)
				c->description = idx;
			free(f);
		}
		if (end == NULL)
			break;
		p = end + 1;
		idx++;
	}
}

/* Splits a colon row into at most max fields (pointers into the line, NUL-terminated). */
static size_t ap_colon_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, ':');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static size_t ap_count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

static int ap_lc_row(struct aix_filesets *fs, char *line, const struct ap_lc_cols *c)
{
	char *f[32];
	size_t nf = ap_colon_fields(line, f, ARRAY_LEN(f));
	const int need[] = { c->fileset, c->level };
	char *name, *level, *st;

	for (size_t i = 0; i < ARRAY_LEN(need); i++)
		if (need[i] < 0 || (size_t)need[i] >= nf)
			return -1;
	name = str_trim(f[c->fileset]);
	level = str_trim(f[c->level]);
	if (*name == '\0' || *level == '\0' || !isdigit((unsigned char)*level))
		return -1;
	st = c->state >= 0 && (size_t)c->state < nf ? str_trim(f[c->state]) : NULL;
	/* Real output often leaves State blank and puts the letter in Fix State. */
	if ((st == NULL || *st == '\0') && c->fix_state >= 0 && (size_t)c->fix_state < nf)
		st = str_trim(f[c->fix_state]);
	struct ap_tok nt = { name, strlen(name) };
	struct aix_fileset *fe = ap_fileset_get(fs, nt.s, nt.len);
	if (fe->level != NULL)
		return 0;
	fe->level = xstrdup(level);
	if (st != NULL && *st != '\0') {
		fe->state_word = xstrdup(st);
		fe->state = strlen(st) == 1 ? ap_state_from_letter(*st) : AIX_FS_UNKNOWN;
	}
	if (c->package >= 0 && (size_t)c->package < nf)
		fe->package = ap_dup_trim(f[c->package]);
	if (c->type >= 0 && (size_t)c->type < nf) {
		char *t = str_trim(f[c->type]);
		fe->type = strlen(t) == 1 ? *t : 0;
	}
	if (c->description >= 0 && (size_t)c->description < nf)
		fe->description = ap_dup_trim(f[c->description]);
	return 0;
}

/* The known lslpp -l state word at tok[i] (one or two words); returns the words used. */
static size_t ap_state_word(const struct ap_tok *tok, size_t nt, size_t i,
                            enum aix_fileset_state *st)
{
	for (size_t k = 0; k < ARRAY_LEN(ap_states); k++) {
		const char *w = ap_states[k].word, *sp;
		if (w == NULL)
			continue;
		sp = strchr(w, ' ');
		if (sp == NULL) {
			if (ap_tokeq(&tok[i], w)) {
				*st = ap_states[k].state;
				return 1;
			}
		} else if (i + 1 < nt && tok[i].len == (size_t)(sp - w) &&
		           strncasecmp(tok[i].s, w, tok[i].len) == 0 &&
		           ap_tokeq(&tok[i + 1], sp + 1)) {
			*st = ap_states[k].state;
			return 2;
		}
	}
	*st = AIX_FS_UNKNOWN;
	return 0;
}

enum ap_lslpp_mode { AP_LSLPP_AUTO, AP_LSLPP_SHOWRES };

static unsigned ap_path_part(const char *line)
{
	if (strstr(line, "/usr/share") != NULL)
		return AIX_PART_SHARE;
	if (strstr(line, "/etc/") != NULL)
		return AIX_PART_ROOT;
	return AIX_PART_USR;
}

/* One parser for every lslpp-like listing (see aixparse_lslpp). */
static int ap_lslpp(const char *text, size_t len, struct aix_filesets *out, struct err *e)
{
	struct ap_lines l;
	struct ap_lc_cols cols = { 0, 1, 2, 3, 5, 6, 7 };
	enum ap_lslpp_mode mode = AP_LSLPP_AUTO;
	unsigned part = AIX_PART_USR;
	struct aix_fileset *last = NULL; /* for description lines */
	int last_is_l = 0;               /* last row was lslpp -l or -L: its description may wrap */
	const char *pending = NULL;      /* a long name lslpp wrapped onto its own line */
	size_t pending_len = 0;
	int recognized = 0, unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		char *line = l.v[i];
		const char *code;
		struct ap_tok tok[AP_MAXTOK];
		size_t nt;

		if (ap_blank(line))
			continue;
		if ((code = ap_message_code(line)) != NULL) {
			if (strncmp(code, "0504-132", 8) == 0) {
				ap_fileset_missing(out, code);
				recognized = 1;
			} else {
				unknown = 1;
			}
			continue;
		}
		if (l.msg[i])
			continue;
		nt = ap_tokens(line, tok, AP_MAXTOK);
		if (tok[0].s[0] == '#') {
			if (strchr(line, ':') != NULL && ap_strcasestr(line, "Fileset") != NULL) {
				ap_lc_header(tok[0].s, &cols);
				recognized = 1;
			} else if (last != NULL && mode == AP_LSLPP_SHOWRES &&
			           last->description == NULL) {
				last->description = ap_dup_trim(tok[0].s + 1);
			}
			last_is_l = 0;
			continue;
		}
		if (ap_count_char(line, ':') >= 6) {
			if (ap_lc_row(out, line, &cols) == 0)
				recognized = 1;
			else
				unknown = 1;
			last = NULL;
			continue;
		}
		if (ap_tokeq(&tok[0], "Path:")) {
			part = ap_path_part(line);
			recognized = 1;
			last = NULL;
			continue;
		}
		if (tok[0].s[0] == '-' || tok[0].s[0] == '=') {
			continue;
		}
		if (ap_tokeq(&tok[0], "Fileset") || ap_tokeq(&tok[0], "Name")) {
			if (strstr(line, "I/U") != NULL)
				mode = AP_LSLPP_SHOWRES;
			recognized = 1;
			last = NULL;
			continue;
		}
		/* A row: NAME LEVEL ..., or LEVEL ... under a wrapped name. */
		const struct ap_tok *name = NULL, *rest;
		struct ap_tok wrapped;
		size_t nrest;
		if (pending != NULL && ap_is_level(&tok[0])) {
			wrapped.s = pending;
			wrapped.len = pending_len;
			name = &wrapped;
			rest = &tok[0];
			nrest = nt;
		} else if (nt >= 2 && ap_is_name(&tok[0]) && ap_is_level(&tok[1])) {
			name = &tok[0];
			rest = &tok[1];
			nrest = nt - 1;
		} else {
			rest = NULL;
			nrest = 0;
		}
		pending = NULL;
		if (name == NULL) {
			if (nt == 1 && ap_is_dotted_name(&tok[0]) && i + 1 < l.n) {
				pending = tok[0].s;
				pending_len = tok[0].len;
			} else if (last != NULL && last_is_l && strspn(line, " ") >= 8) {
				/* A wrapped description. */
				char *more = ap_dup_trim(line);
				if (last->description == NULL) {
					last->description = more;
				} else {
					char *d = xasprintf("%s %s", last->description, more);
					free(last->description);
					free(more);
					last->description = d;
				}
			} else {
				unknown = 1;
			}
			continue;
		}
		recognized = 1;
		/* rest[0] is the level. */
		const char *level = rest[0].s;
		size_t level_len = rest[0].len;
		enum aix_fileset_state st;
		size_t used;
		last_is_l = 0;
		if (nrest >= 3 && (mode == AP_LSLPP_SHOWRES ||
		                   ((ap_tokeq(&rest[1], "I") || ap_tokeq(&rest[1], "S") ||
		                     ap_tokeq(&rest[1], "U") || ap_tokeq(&rest[1], "SF") ||
		                     ap_tokeq(&rest[1], "M")) &&
		                    rest[2].len == 1 && strchr("NY?b", rest[2].s[0]) != NULL))) {
			/* installp -ld (showres of an lpp_source): LEVEL I/U Q CONTENT */
			ap_fileset_set(out, name, level, level_len, AIX_FS_AVAILABLE, NULL, 0, NULL,
			               0);
		} else if (nrest >= 2 && rest[1].len == 1 &&
		           ap_state_from_letter(rest[1].s[0]) != AIX_FS_UNKNOWN) {
			/* lslpp -L: LEVEL STATE [TYPE] DESCRIPTION */
			char type = 0;
			const char *desc = NULL;
			if (nrest >= 3 && rest[2].len == 1 &&
			    isupper((unsigned char)rest[2].s[0])) {
				type = rest[2].s[0];
				desc = nrest >= 4 ? rest[3].s : NULL;
			} else if (nrest >= 3) {
				desc = rest[2].s;
			}
			last_is_l = ap_fileset_set(out, name, level, level_len,
			                           ap_state_from_letter(rest[1].s[0]), rest[1].s, 1,
			                           desc, 0);
			struct aix_fileset *f = ap_fileset_get(out, name->s, name->len);
			if (f->type == 0)
				f->type = type;
		} else if (nrest >= 2) {
			/* lslpp -l: LEVEL STATE-WORD(S) DESCRIPTION */
			used = ap_state_word(rest, nrest, 1, &st);
			if (used == 0)
				used = 1; /* an unknown (localized) word: keep it */
			const char *word = rest[1].s;
			size_t word_len = (size_t)(rest[used].s + rest[used].len - rest[1].s);
			const char *desc = 1 + used < nrest ? rest[1 + used].s : NULL;
			/* Only a new row takes the wrapped description that follows. */
			last_is_l = ap_fileset_set(out, name, level, level_len, st, word, word_len,
			                           desc, part);
		} else {
			ap_fileset_set(out, name, level, level_len, AIX_FS_UNKNOWN, NULL, 0, NULL,
			               part);
		}
		last = ap_fileset_get(out, name->s, name->len);
	}
	if (!recognized && unknown) {
		ap_set_error(&l, e, "not a fileset listing");
		ap_lines_free(&l);
		aixparse_filesets_clear(out);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

int aixparse_lslpp(const char *text, size_t len, struct aix_filesets *out, struct err *e)
{
	return ap_lslpp(text, len, out, e);
}

int aixparse_lslpp_l(const char *text, size_t len, struct aix_filesets *out, struct err *e)
{
	return ap_lslpp(text, len, out, e);
}

int aixparse_lslpp_lc(const char *text, size_t len, struct aix_filesets *out, struct err *e)
{
	return ap_lslpp(text, len, out, e);
}

static unsigned ap_part_word(const struct ap_tok *t)
{
	if (ap_tokeq(t, "USR"))
		return AIX_PART_USR;
	if (ap_tokeq(t, "ROOT"))
		return AIX_PART_ROOT;
	if (ap_tokeq(t, "SHARE"))
		return AIX_PART_SHARE;
	return 0;
}

int aixparse_installp_s(const char *text, size_t len, struct aix_filesets *out, struct err *e)
{
	struct ap_lines l;
	int recognized = 0, unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[AP_MAXTOK];
		size_t nt, k;
		unsigned part;
		const char *code;

		if (ap_blank(l.v[i]))
			continue;
		if ((code = ap_message_code(l.v[i])) != NULL) {
			/* 0503-459: nothing is in the APPLIED state. */
			if (strncmp(code, "0503-459", 8) == 0)
				recognized = 1;
			else
				unknown = 1;
			continue;
		}
		if (l.msg[i])
			continue;
		nt = ap_tokens(l.v[i], tok, AP_MAXTOK);
		if (nt < 2 || !ap_is_name(&tok[0])) {
			/* Titles, dashes, the column header. */
			if (ap_tokeq(&tok[0], "Installp") || ap_tokeq(&tok[0], "Name") ||
			    tok[0].s[0] == '-' || tok[0].s[0] == '=')
				recognized = 1;
			continue;
		}
		part = ap_part_word(&tok[1]);
		k = part != 0 ? 2 : 1;
		if (k >= nt || !ap_is_level(&tok[k])) {
			if (!ap_tokeq(&tok[0], "Installp") && !ap_tokeq(&tok[0], "Name"))
				unknown = 1;
			continue;
		}
		enum aix_fileset_state st = AIX_FS_UNKNOWN;
		size_t used = k + 1 < nt ? ap_state_word(tok, nt, k + 1, &st) : 0;
		const char *word = k + 1 < nt ? tok[k + 1].s : NULL;
		size_t word_len = 0;
		if (word != NULL) {
			if (used == 0)
				used = 1;
			word_len = (size_t)(tok[k + used].s + tok[k + used].len - word);
		}
		ap_fileset_set(out, &tok[0], tok[k].s, tok[k].len, st, word, word_len, NULL,
		               part != 0 ? part : AIX_PART_USR);
		recognized = 1;
	}
	if (!recognized && unknown) {
		ap_set_error(&l, e, "not installp -s output");
		ap_lines_free(&l);
		aixparse_filesets_clear(out);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

/* ---- oslevel -------------------------------------------------------------------- */

int aixparse_oslevel(const char *text, size_t len, struct aix_level *out, struct err *e)
{
	struct ap_lines l;

	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[2];
		char *t;
		int ok;

		if (ap_tokens(l.v[i], tok, 2) != 1)
			continue;
		t = ap_tokdup(&tok[0]);
		ok = level_parse_oslevel(t, out, NULL) == 0;
		free(t);
		if (ok) {
			ap_lines_free(&l);
			return 0;
		}
	}
	ap_set_error(&l, e, "no AIX level in the oslevel output");
	ap_lines_free(&l);
	return -1;
}

/* ---- lsattr ------------------------------------------------------------------------ */

int aixparse_lsattr(const char *text, size_t len, struct aix_lsattr *out, struct err *e)
{
	struct ap_lines l;
	int unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[AP_MAXTOK];
		size_t nt;
		int settable = -1;

		if (ap_blank(l.v[i]))
			continue;
		if (l.msg[i]) {
			unknown = 1;
			continue;
		}
		nt = ap_tokens(l.v[i], tok, AP_MAXTOK);
		if (nt < 2 || !ap_is_name(&tok[0])) {
			unknown = 1;
			continue;
		}
		size_t end = nt;
		if (nt >= 3 &&
		    (ap_tokeq(&tok[nt - 1], "True") || ap_tokeq(&tok[nt - 1], "False"))) {
			settable = ap_tokeq(&tok[nt - 1], "True");
			end = nt - 1;
		}
		struct aix_lsattr_row *r = AP_PUSH(out->v, out->n);
		r->name = ap_tokdup(&tok[0]);
		r->value = ap_tokdup(&tok[1]);
		r->settable = settable;
		if (end > 2)
			r->description = ap_ndup_trim(
			    tok[2].s, (size_t)(tok[end - 1].s + tok[end - 1].len - tok[2].s));
	}
	if (out->n == 0 && unknown) {
		ap_set_error(&l, e, "not lsattr output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

const char *aixparse_lsattr_get(const struct aix_lsattr *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

void aixparse_lsattr_clear(struct aix_lsattr *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
		free(l->v[i].description);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- lspv -------------------------------------------------------------------------- */

int aixparse_lspv(const char *text, size_t len, struct aix_lspv *out, struct err *e)
{
	struct ap_lines l;
	int unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[5];
		size_t nt;

		if (ap_blank(l.v[i]))
			continue;
		nt = ap_tokens(l.v[i], tok, 5);
		if (l.msg[i] || nt < 2 || !ap_is_name(&tok[0]) ||
		    !isalpha((unsigned char)tok[0].s[0])) {
			unknown = 1;
			continue;
		}
		struct aix_pv *pv = AP_PUSH(out->v, out->n);
		pv->name = ap_tokdup(&tok[0]);
		if (!ap_tokeq(&tok[1], "none"))
			pv->pvid = ap_tokdup(&tok[1]);
		if (nt > 2 && !ap_tokeq(&tok[2], "None"))
			pv->vg = ap_tokdup(&tok[2]);
		if (nt > 3)
			pv->state = ap_ndup_trim(tok[3].s, strlen(tok[3].s));
	}
	if (out->n == 0 && unknown) {
		ap_set_error(&l, e, "not lspv output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

void aixparse_lspv_clear(struct aix_lspv *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].pvid);
		free(l->v[i].vg);
		free(l->v[i].state);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- lsvg ---------------------------------------------------------------------------- */

int aixparse_lsvg_names(const char *text, size_t len, struct strv *out, struct err *e)
{
	struct ap_lines l;
	int unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[2];

		if (ap_blank(l.v[i]))
			continue;
		if (l.msg[i] || ap_tokens(l.v[i], tok, 2) != 1 || !ap_is_name(&tok[0])) {
			unknown = 1;
			continue;
		}
		char *n = ap_tokdup(&tok[0]);
		strv_push(out, n);
		free(n);
	}
	if (out->n == 0 && unknown) {
		ap_set_error(&l, e, "not lsvg output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

/* lsvg labels; an unknown label is found by the column gap before it. */
static const char *const ap_vg_labels[] = {
	"VOLUME GROUP",
	"VG IDENTIFIER",
	"VG STATE",
	"PP SIZE",
	"VG PERMISSION",
	"TOTAL PPs",
	"MAX LVs",
	"FREE PPs",
	"LVs",
	"USED PPs",
	"OPEN LVs",
	"QUORUM",
	"TOTAL PVs",
	"VG DESCRIPTORS",
	"STALE PVs",
	"STALE PPs",
	"ACTIVE PVs",
	"AUTO ON",
	"MAX PPs per VG",
	"MAX PPs per PV",
	"MAX PVs",
	"LTG size (Dynamic)",
	"LTG size",
	"AUTO SYNC",
	"HOT SPARE",
	"BB POLICY",
	"PV RESTRICTION",
	"INFINITE RETRY",
	"DISK BLOCK SIZE",
	"CRITICAL VG",
	"FS SYNC OPTION",
	"CRITICAL PVs",
	"MIRROR POOL STRICT",
	"ENCRYPTION",
	"SNAPSHOT VG",
	"PRIMARY VG",
};

/* Where the label ending at colon (line[colon] == ':') starts, not before floor. */
static size_t ap_label_start(const char *line, size_t colon, size_t floor)
{
	size_t best = (size_t)-1, k;

	for (size_t i = 0; i < ARRAY_LEN(ap_vg_labels); i++) {
		size_t n = strlen(ap_vg_labels[i]);
		if (n > colon - floor)
			continue;
		k = colon - n;
		if (strncasecmp(line + k, ap_vg_labels[i], n) != 0)
			continue;
		if (k > floor && line[k - 1] != ' ')
			continue;
		if (best == (size_t)-1 || k < best)
			best = k;
	}
	if (best != (size_t)-1)
		return best;
	/* Unknown: back to a gap of two blanks, else the last word. */
	k = colon;
	while (k > floor && line[k - 1] == ' ')
		k--;
	for (size_t j = k; j > floor; j--) {
		if (j - 1 > floor && line[j - 1] == ' ' && line[j - 2] == ' ')
			return j;
		if (j - 1 == floor)
			return floor;
	}
	/* No gap: the last word only. */
	while (k > floor && line[k - 1] != ' ')
		k--;
	return k;
}

/* Splits a `LABEL: value   LABEL: value` line into attrs. */
static void ap_label_line(const char *line, struct aix_attr **attrs, size_t *nattrs)
{
	size_t len = strlen(line), start = 0, floor = 0;
	size_t lab_start[8], colon_at[8];
	size_t n = 0;

	while (line[start] == ' ')
		start++;
	floor = start;
	for (size_t i = start; i < len && n < ARRAY_LEN(colon_at); i++) {
		if (line[i] != ':' || (line[i + 1] != ' ' && line[i + 1] != '\0'))
			continue;
		size_t ls = ap_label_start(line, i, floor);
		if (n == 0)
			ls = start; /* the first label starts the line */
		if (ls >= i)
			continue;
		lab_start[n] = ls;
		colon_at[n] = i;
		n++;
		floor = i + 1;
	}
	for (size_t k = 0; k < n; k++) {
		size_t vend = k + 1 < n ? lab_start[k + 1] : len;
		char *name = ap_ndup_trim(line + lab_start[k], colon_at[k] - lab_start[k]);
		if (name == NULL)
			continue;
		struct aix_attr *a = AP_PUSH(*attrs, *nattrs);
		a->name = name;
		a->value = ap_ndup_trim(line + colon_at[k] + 1, vend - colon_at[k] - 1);
		if (a->value == NULL)
			a->value = xstrdup("");
	}
}

/* `799 (51136 megabytes)` or `64 megabyte(s)`: the first number, and one in parentheses. */
static void ap_vg_numbers(const char *v, long long *first, long long *paren_mb)
{
	const char *p = v, *q;
	char *end;

	if (v == NULL)
		return;
	if (isdigit((unsigned char)*p))
		*first = strtoll(p, &end, 10);
	q = strchr(v, '(');
	if (q != NULL && paren_mb != NULL && isdigit((unsigned char)q[1])) {
		long long n = strtoll(q + 1, &end, 10);
		while (*end == ' ')
			end++;
		if (strncasecmp(end, "giga", 4) == 0)
			n *= 1024;
		else if (strncasecmp(end, "kilo", 4) == 0)
			n /= 1024;
		*paren_mb = n;
	}
}

/* `64 megabyte(s)` in MB. */
static long long ap_size_mb(const char *v)
{
	char *end;
	long long n;

	if (v == NULL || !isdigit((unsigned char)*v))
		return -1;
	n = strtoll(v, &end, 10);
	while (*end == ' ')
		end++;
	if (strncasecmp(end, "giga", 4) == 0)
		n *= 1024;
	else if (strncasecmp(end, "kilo", 4) == 0)
		n /= 1024;
	return n;
}

int aixparse_lsvg(const char *text, size_t len, struct aix_vg *out, struct err *e)
{
	struct ap_lines l;
	const char *v;

	memset(out, 0, sizeof *out);
	out->pp_size_mb = out->total_pps = out->free_pps = out->used_pps = -1;
	out->total_mb = out->free_mb = out->used_mb = -1;
	out->lvs = out->open_lvs = out->total_pvs = out->active_pvs = -1;
	out->stale_pvs = out->stale_pps = -1;
	ap_lines_init(&l, text, len);
	if (ap_has_code(&l, "0516-010")) {
		out->varied_off = 1;
		ap_lines_free(&l);
		return 0;
	}
	for (size_t i = 0; i < l.n; i++)
		if (!ap_blank(l.v[i]) && !l.msg[i])
			ap_label_line(l.v[i], &out->attrs, &out->nattrs);
	v = aixparse_vg_get(out, "VOLUME GROUP");
	if (v == NULL || *v == '\0') {
		ap_set_error(&l, e, "not lsvg output (no VOLUME GROUP)");
		ap_lines_free(&l);
		aixparse_vg_clear(out);
		return -1;
	}
	ap_lines_free(&l);
	out->name = xstrdup(v);
	out->identifier = ap_dup_trim(aixparse_vg_get(out, "VG IDENTIFIER"));
	out->state = ap_dup_trim(aixparse_vg_get(out, "VG STATE"));
	out->permission = ap_dup_trim(aixparse_vg_get(out, "VG PERMISSION"));
	out->pp_size_mb = ap_size_mb(aixparse_vg_get(out, "PP SIZE"));
	ap_vg_numbers(aixparse_vg_get(out, "TOTAL PPs"), &out->total_pps, &out->total_mb);
	ap_vg_numbers(aixparse_vg_get(out, "FREE PPs"), &out->free_pps, &out->free_mb);
	ap_vg_numbers(aixparse_vg_get(out, "USED PPs"), &out->used_pps, &out->used_mb);
	ap_vg_numbers(aixparse_vg_get(out, "LVs"), &out->lvs, NULL);
	ap_vg_numbers(aixparse_vg_get(out, "OPEN LVs"), &out->open_lvs, NULL);
	ap_vg_numbers(aixparse_vg_get(out, "TOTAL PVs"), &out->total_pvs, NULL);
	ap_vg_numbers(aixparse_vg_get(out, "ACTIVE PVs"), &out->active_pvs, NULL);
	ap_vg_numbers(aixparse_vg_get(out, "STALE PVs"), &out->stale_pvs, NULL);
	ap_vg_numbers(aixparse_vg_get(out, "STALE PPs"), &out->stale_pps, NULL);
	/* Megabytes missing: PPs times the PP size. */
	if (out->pp_size_mb > 0) {
		if (out->total_mb < 0 && out->total_pps >= 0)
			out->total_mb = out->total_pps * out->pp_size_mb;
		if (out->free_mb < 0 && out->free_pps >= 0)
			out->free_mb = out->free_pps * out->pp_size_mb;
		if (out->used_mb < 0 && out->used_pps >= 0)
			out->used_mb = out->used_pps * out->pp_size_mb;
	}
	if (out->used_mb < 0 && out->total_mb >= 0 && out->free_mb >= 0)
		out->used_mb = out->total_mb - out->free_mb;
	if (out->used_pps < 0 && out->total_pps >= 0 && out->free_pps >= 0)
		out->used_pps = out->total_pps - out->free_pps;
	return 0;
}

const char *aixparse_vg_get(const struct aix_vg *vg, const char *label)
{
	return ap_attrs_get(vg->attrs, vg->nattrs, label);
}

void aixparse_vg_clear(struct aix_vg *vg)
{
	free(vg->name);
	free(vg->identifier);
	free(vg->state);
	free(vg->permission);
	ap_attrs_free(vg->attrs, vg->nattrs);
	memset(vg, 0, sizeof *vg);
}

/* A `VGNAME:` section line of lsvg -l / -p; returns the owned name or NULL. */
static char *ap_vg_section(const struct ap_tok *tok, size_t nt)
{
	if (nt == 1 && tok[0].len > 1 && tok[0].s[tok[0].len - 1] == ':')
		return xstrndup(tok[0].s, tok[0].len - 1);
	return NULL;
}

int aixparse_lsvg_l(const char *text, size_t len, struct aix_lvs *out, struct err *e)
{
	struct ap_lines l;
	char *vg = NULL;
	int recognized = 0, unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[AP_MAXTOK];
		size_t nt;
		char *sec;

		if (ap_blank(l.v[i]))
			continue;
		if (l.msg[i]) {
			unknown = 1;
			continue;
		}
		nt = ap_tokens(l.v[i], tok, AP_MAXTOK);
		if ((sec = ap_vg_section(tok, nt)) != NULL) {
			free(vg);
			vg = sec;
			recognized = 1;
			continue;
		}
		if (nt < 6 || ap_tok_ll(&tok[2]) < 0 || ap_tok_ll(&tok[3]) < 0 ||
		    ap_tok_ll(&tok[4]) < 0) {
			/* The column header, or something we do not know. */
			if (ap_tokeq(&tok[0], "LV"))
				recognized = 1;
			else
				unknown = 1;
			continue;
		}
		struct aix_lv *lv = AP_PUSH(out->v, out->n);
		lv->vg = vg != NULL ? xstrdup(vg) : NULL;
		lv->name = ap_tokdup(&tok[0]);
		lv->type = ap_tokdup(&tok[1]);
		lv->lps = ap_tok_ll(&tok[2]);
		lv->pps = ap_tok_ll(&tok[3]);
		lv->pvs = ap_tok_ll(&tok[4]);
		lv->copies = lv->lps > 0 ? (int)(lv->pps / lv->lps) : 1;
		if (lv->copies < 1)
			lv->copies = 1;
		lv->state = ap_tokdup(&tok[5]);
		if (nt > 6)
			lv->mount = ap_dup_trim(tok[6].s);
		recognized = 1;
	}
	free(vg);
	if (!recognized && unknown) {
		ap_set_error(&l, e, "not lsvg -l output");
		ap_lines_free(&l);
		aixparse_lvs_clear(out);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

void aixparse_lvs_clear(struct aix_lvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].vg);
		free(l->v[i].name);
		free(l->v[i].type);
		free(l->v[i].state);
		free(l->v[i].mount);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

int aixparse_lsvg_p(const char *text, size_t len, struct aix_vg_pvs *out, struct err *e)
{
	struct ap_lines l;
	char *vg = NULL;
	int recognized = 0, unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[AP_MAXTOK];
		size_t nt;
		char *sec;

		if (ap_blank(l.v[i]))
			continue;
		if (l.msg[i]) {
			unknown = 1;
			continue;
		}
		nt = ap_tokens(l.v[i], tok, AP_MAXTOK);
		if ((sec = ap_vg_section(tok, nt)) != NULL) {
			free(vg);
			vg = sec;
			recognized = 1;
			continue;
		}
		if (nt < 4 || ap_tok_ll(&tok[2]) < 0 || ap_tok_ll(&tok[3]) < 0) {
			if (ap_tokeq(&tok[0], "PV_NAME") || ap_tokeq(&tok[0], "PV"))
				recognized = 1;
			else
				unknown = 1;
			continue;
		}
		struct aix_vg_pv *pv = AP_PUSH(out->v, out->n);
		pv->vg = vg != NULL ? xstrdup(vg) : NULL;
		pv->name = ap_tokdup(&tok[0]);
		pv->state = ap_tokdup(&tok[1]);
		pv->total_pps = ap_tok_ll(&tok[2]);
		pv->free_pps = ap_tok_ll(&tok[3]);
		if (nt > 4)
			pv->distribution = ap_tokdup(&tok[4]);
		recognized = 1;
	}
	free(vg);
	if (!recognized && unknown) {
		ap_set_error(&l, e, "not lsvg -p output");
		ap_lines_free(&l);
		aixparse_vg_pvs_clear(out);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

void aixparse_vg_pvs_clear(struct aix_vg_pvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].vg);
		free(l->v[i].name);
		free(l->v[i].state);
		free(l->v[i].distribution);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- disk size --------------------------------------------------------------------- */

int aixparse_disk_size(const char *text, size_t len, long long *mb, struct err *e)
{
	struct ap_lines l;

	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[3];
		size_t nt = ap_tokens(l.v[i], tok, 3);
		long long v;

		if (nt == 0)
			continue;
		v = ap_tok_ll(&tok[0]);
		/* One number, perhaps followed by a unit word. */
		if (v >= 0 && (nt == 1 || (nt == 2 && isalpha((unsigned char)tok[1].s[0])))) {
			*mb = v;
			ap_lines_free(&l);
			return 0;
		}
		break;
	}
	ap_set_error(&l, e, "no disk size in the output");
	ap_lines_free(&l);
	return -1;
}

/* ---- prtconf ------------------------------------------------------------------------- */

/* The POWER generation named in s (`PowerPC_POWER9`, `POWER 9`, `POWER10`), or -1. */
static int ap_power_gen(const char *s)
{
	if (s == NULL)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (strncasecmp(p, "POWER", 5) != 0)
			continue;
		const char *q = p + 5;
		if (*q == ' ' || *q == '_')
			q++;
		if (isdigit((unsigned char)*q))
			return (int)strtol(q, NULL, 10);
	}
	return -1;
}

/* `16384 MB` in MB. */
static long long ap_memory_mb(const char *v)
{
	char *end;
	long long n;

	if (v == NULL || !isdigit((unsigned char)*v))
		return -1;
	n = strtoll(v, &end, 10);
	while (*end == ' ')
		end++;
	if (strncasecmp(end, "GB", 2) == 0)
		n *= 1024;
	else if (strncasecmp(end, "KB", 2) == 0)
		n /= 1024;
	return n;
}

int aixparse_prtconf(const char *text, size_t len, struct aix_prtconf *out, struct err *e)
{
	struct ap_lines l;
	const char *v;

	memset(out, 0, sizeof *out);
	out->processors = out->power_gen = out->mode_gen = -1;
	out->memory_mb = out->good_memory_mb = -1;
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		char *line = l.v[i], *colon;

		if (strstr(line, "INSTALLED RESOURCE LIST") != NULL)
			break;
		while (*line == ' ')
			line++;
		colon = strstr(line, ": ");
		if (colon == NULL) {
			size_t n = strlen(line);
			if (n == 0 || line[n - 1] != ':')
				continue;
			colon = line + n - 1;
		}
		if (colon == line || !isalpha((unsigned char)*line))
			continue;
		struct aix_attr *a = AP_PUSH(out->attrs, out->nattrs);
		a->name = xstrndup(line, (size_t)(colon - line));
		str_trim(a->name);
		a->value = str_trim(xstrdup(colon + 1));
	}
	ap_lines_free(&l);
	out->model = ap_dup_trim(aixparse_prtconf_get(out, "System Model"));
	out->serial = ap_dup_trim(aixparse_prtconf_get(out, "Machine Serial Number"));
	out->processor_type = ap_dup_trim(aixparse_prtconf_get(out, "Processor Type"));
	out->processor_mode =
	    ap_dup_trim(aixparse_prtconf_get(out, "Processor Implementation Mode"));
	out->firmware = ap_dup_trim(aixparse_prtconf_get(out, "Firmware Version"));
	if (out->firmware == NULL)
		out->firmware = ap_dup_trim(aixparse_prtconf_get(out, "Platform Firmware level"));
	out->cpu_type = ap_dup_trim(aixparse_prtconf_get(out, "CPU Type"));
	out->kernel_type = ap_dup_trim(aixparse_prtconf_get(out, "Kernel Type"));
	if ((v = aixparse_prtconf_get(out, "Number Of Processors")) != NULL &&
	    isdigit((unsigned char)*v))
		out->processors = (int)strtol(v, NULL, 10);
	out->memory_mb = ap_memory_mb(aixparse_prtconf_get(out, "Memory Size"));
	out->good_memory_mb = ap_memory_mb(aixparse_prtconf_get(out, "Good Memory Size"));
	out->power_gen = ap_power_gen(out->processor_type);
	out->mode_gen = ap_power_gen(out->processor_mode);
	if (out->processor_type == NULL && out->processor_mode == NULL && out->memory_mb < 0 &&
	    out->model == NULL) {
		struct ap_lines l2;
		ap_lines_init(&l2, text, len);
		ap_set_error(&l2, e, "not prtconf output");
		ap_lines_free(&l2);
		aixparse_prtconf_clear(out);
		return -1;
	}
	return 0;
}

const char *aixparse_prtconf_get(const struct aix_prtconf *p, const char *label)
{
	return ap_attrs_get(p->attrs, p->nattrs, label);
}

void aixparse_prtconf_clear(struct aix_prtconf *p)
{
	free(p->model);
	free(p->serial);
	free(p->processor_type);
	free(p->processor_mode);
	free(p->firmware);
	free(p->cpu_type);
	free(p->kernel_type);
	ap_attrs_free(p->attrs, p->nattrs);
	memset(p, 0, sizeof *p);
}

/* ---- bootlist ---------------------------------------------------------------------- */

int aixparse_bootlist(const char *text, size_t len, struct aix_bootlist *out, struct err *e)
{
	struct ap_lines l;
	int unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[AP_MAXTOK];
		size_t nt;

		if (ap_blank(l.v[i]))
			continue;
		nt = ap_tokens(l.v[i], tok, AP_MAXTOK);
		if (l.msg[i] || !ap_is_name(&tok[0]) || !isalpha((unsigned char)tok[0].s[0])) {
			unknown = 1;
			continue;
		}
		struct aix_boot_dev *d = AP_PUSH(out->v, out->n);
		d->device = ap_tokdup(&tok[0]);
		d->pathid = -1;
		for (size_t k = 1; k < nt; k++) {
			if (tok[k].len > 4 && strncasecmp(tok[k].s, "blv=", 4) == 0) {
				free(d->blv);
				d->blv = xstrndup(tok[k].s + 4, tok[k].len - 4);
			} else if (tok[k].len > 7 && strncasecmp(tok[k].s, "pathid=", 7) == 0) {
				struct ap_tok num = { tok[k].s + 7, tok[k].len - 7 };
				long long v = ap_tok_ll(&num);
				d->pathid = v >= 0 && v < 1000000 ? (int)v : -1;
			}
		}
	}
	if (out->n == 0 && unknown) {
		ap_set_error(&l, e, "not bootlist output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

void aixparse_bootlist_clear(struct aix_bootlist *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].device);
		free(b->v[i].blv);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* ---- lppchk -v ----------------------------------------------------------------------- */

int aixparse_lppchk(const char *text, size_t len, struct aix_lppchk *out, struct err *e)
{
	struct ap_lines l;

	(void)e;
	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		struct ap_tok tok[3];
		size_t nt;
		char *t;

		if (ap_blank(l.v[i]))
			continue;
		t = ap_dup_trim(l.v[i]);
		strv_push(&out->lines, t);
		free(t);
		nt = ap_tokens(l.v[i], tok, 3);
		/* `  bos.rte.foo 7.2.5.0  (not installed; requisite fileset)` */
		if (nt >= 2 && l.v[i][0] == ' ' && ap_is_dotted_name(&tok[0]) &&
		    (ap_is_level(&tok[1]) || tok[1].s[0] == '(')) {
			char *n = ap_tokdup(&tok[0]);
			int dup = 0;
			for (size_t k = 0; k < out->filesets.n; k++)
				dup |= strcmp(out->filesets.v[k], n) == 0;
			if (!dup)
				strv_push(&out->filesets, n);
			free(n);
		}
	}
	out->consistent = out->lines.n == 0;
	ap_lines_free(&l);
	return 0;
}

void aixparse_lppchk_clear(struct aix_lppchk *l)
{
	strv_free(&l->lines);
	strv_free(&l->filesets);
	memset(l, 0, sizeof *l);
}

/* ---- instfix -i ------------------------------------------------------------------------ */

int aixparse_instfix(const char *text, size_t len, struct aix_instfix *out, struct err *e)
{
	struct ap_lines l;
	int unknown = 0;

	memset(out, 0, sizeof *out);
	ap_lines_init(&l, text, len);
	for (size_t i = 0; i < l.n; i++) {
		const char *p;
		struct ap_tok tok[2];

		if (ap_blank(l.v[i]))
			continue;
		p = ap_strcasestr(l.v[i], "filesets for ");
		if (p == NULL || ap_tokens(p + 13, tok, 2) < 1) {
			if (l.msg[i])
				unknown = 1;
			continue;
		}
		struct aix_fix *f = AP_PUSH(out->v, out->n);
		f->keyword = ap_tokdup(&tok[0]);
		p = l.v[i];
		while (*p == ' ')
			p++;
		f->all_found = strncasecmp(p, "Not ", 4) != 0;
	}
	if (out->n == 0 && unknown) {
		ap_set_error(&l, e, "not instfix -i output");
		ap_lines_free(&l);
		return -1;
	}
	ap_lines_free(&l);
	return 0;
}

int aixparse_instfix_highest_ml(const struct aix_instfix *f, struct aix_level *out)
{
	int found = 0;

	for (size_t i = 0; i < f->n; i++) {
		struct aix_level lv;
		const char *k = f->v[i].keyword;
		char buf[16];
		if (!f->v[i].all_found || !str_ends(k, "_AIX_ML") || strlen(k) != 14)
			continue;
		memcpy(buf, k, 7);
		buf[7] = '\0';
		if (level_parse_oslevel(buf, &lv, NULL) != 0 || lv.tl < 0)
			continue;
		if (!found || level_compare_oslevel(&lv, out) > 0)
			*out = lv;
		found = 1;
	}
	return found ? 0 : -1;
}

void aixparse_instfix_clear(struct aix_instfix *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].keyword);
	free(f->v);
	memset(f, 0, sizeof *f);
}
