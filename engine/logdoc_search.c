/* logdoc_search.c: stepwise fixed-string search, jumps to banners and messages, the messages
 * filter. */
#include "logdoc_int.h"
#include "phase.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* --- finding a fixed string in memory ------------------------------------------------ */

/*
 * A prepared needle. The fast path is memchr (vectorised in every libc) on
 * the needle's rarest byte (both cases of a letter when the case is
 * ignored), a second rare byte as a cheap filter, then a compare. When
 * candidates come too often (a needle made of common bytes), Horspool takes
 * over for the rest of the window.
 */
struct ld_finder {
	const unsigned char *needle;
	size_t n;
	int icase;
	size_t rare1, rare2;  /* positions in the needle of its rarest bytes */
	unsigned char c1, c2; /* the rarest byte; ignoring case, both its cases */
	unsigned char fold[256];
	size_t shift[256];
};

/* How common a byte is in log text (higher: more common); a rough model. */
static int ld_byte_rank(unsigned c)
{
	if (c == ' ')
		return 255;
	if (c != 0 && strchr("etaoinsr", (int)c) != NULL)
		return 230;
	if (c >= 'a' && c <= 'z')
		return 200;
	if (c == '-' || c == '+')
		return 215; /* the rules around banners */
	if (c == '\n' || c == '.' || c == '/')
		return 180;
	if (c >= '0' && c <= '9')
		return 160;
	if (c >= 'A' && c <= 'Z')
		return 130;
	if (c == ':' || c == '_' || c == ',' || c == '=' || c == '(' || c == ')' || c == '#' ||
	    c == '"' || c == '\'' || c == '\t')
		return 110;
	if (c < 0x20 || c >= 0x7f)
		return 10;
	return 70;
}

static void ld_finder_init(struct ld_finder *f, const char *needle, size_t n, int icase)
{
	int best1 = 1000, best2 = 1000;

	memset(f, 0, sizeof *f);
	f->needle = (const unsigned char *)needle;
	f->n = n;
	f->icase = icase;
	/* ASCII only, whatever the locale: the bytes are not decoded */
	for (unsigned c = 0; c < 256; c++)
		f->fold[c] = (unsigned char)(icase && c >= 'A' && c <= 'Z' ? c + 32 : c);
	for (size_t i = 0; i < n; i++) {
		int r = ld_byte_rank(f->needle[i]);
		if (r < best1 || (r == best1 && i > f->rare1)) {
			best2 = best1;
			f->rare2 = f->rare1;
			best1 = r;
			f->rare1 = i;
		} else if (r < best2) {
			best2 = r;
			f->rare2 = i;
		}
	}
	if (best2 == 1000)
		f->rare2 = f->rare1;
	/* ignoring case, a letter is looked for in both cases */
	f->c1 = f->needle[f->rare1];
	f->c2 = f->c1;
	if (icase && f->fold[f->c1] >= 'a' && f->fold[f->c1] <= 'z') {
		f->c1 = f->fold[f->c1];
		f->c2 = (unsigned char)(f->c1 - 32);
	}
	for (size_t c = 0; c < 256; c++)
		f->shift[c] = n;
	for (size_t i = 0; i + 1 < n; i++)
		f->shift[f->fold[f->needle[i]]] = n - 1 - i;
}

static int ld_finder_eq(const struct ld_finder *f, const unsigned char *p)
{
	if (!f->icase)
		return memcmp(p, f->needle, f->n) == 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->fold[p[i]] != f->fold[f->needle[i]])
			return 0;
	return 1;
}

static long ld_finder_horspool(const struct ld_finder *f, const unsigned char *h, size_t len,
                               size_t pos)
{
	size_t m = f->n;
	unsigned last = f->fold[f->needle[m - 1]];

	while (pos + m <= len) {
		unsigned c = f->fold[h[pos + m - 1]];
		if (c == last && ld_finder_eq(f, h + pos))
			return (long)pos;
		pos += f->shift[c];
	}
	return -1;
}

/* The next byte in [p, end) equal to c1 or c2, or NULL. *n1 and *n2 keep where
 * each was found last (NULL: not looked for yet), so memchr runs again only
 * once p has passed them. */
static const unsigned char *ld_finder_next(const struct ld_finder *f, const unsigned char *p,
                                           const unsigned char *end, const unsigned char **n1,
                                           const unsigned char **n2)
{
	if (*n1 == NULL || *n1 < p) {
		*n1 = memchr(p, f->c1, (size_t)(end - p));
		if (*n1 == NULL)
			*n1 = end;
	}
	if (f->c2 != f->c1 && (*n2 == NULL || *n2 < p)) {
		*n2 = memchr(p, f->c2, (size_t)(end - p));
		if (*n2 == NULL)
			*n2 = end;
	}
	if (f->c2 != f->c1 && *n2 < *n1)
		return *n2 != end ? *n2 : NULL;
	return *n1 != end ? *n1 : NULL;
}

/* The first match starting at or after `from` in h[0..len), or -1. */
static long ld_finder_find(const struct ld_finder *f, const char *hay, size_t len, size_t from)
{
	const unsigned char *h = (const unsigned char *)hay;
	size_t m = f->n, r1 = f->rare1, r2 = f->rare2;
	size_t candidates = 0;
	const unsigned char *p, *end, *start, *n1, *n2;
	unsigned want2;

	if (m == 0 || len < m || from > len - m)
		return -1;
	start = p = h + from + r1;
	end = h + (len - m) + r1 + 1; /* the rare byte of the last possible match, +1 */
	n1 = n2 = NULL;
	want2 = f->fold[f->needle[r2]];
	while (p < end) {
		p = ld_finder_next(f, p, end, &n1, &n2);
		if (p == NULL)
			return -1;
		if (f->fold[p[(long)r2 - (long)r1]] == want2 && ld_finder_eq(f, p - r1))
			return (long)(p - r1 - h);
		p++;
		/* A candidate every few bytes: memchr no longer pays. */
		if (++candidates > 64 && candidates * 16 > (size_t)(p - start))
			return ld_finder_horspool(f, h, len, (size_t)(p - r1 - h));
	}
	return -1;
}

long logdoc_find_in(const char *text, size_t len, size_t from, const char *needle, size_t nlen,
                    unsigned flags)
{
	struct ld_finder f;

	if (nlen == 0)
		return -1;
	ld_finder_init(&f, needle, nlen, (flags & LOGDOC_ICASE) != 0);
	return ld_finder_find(&f, text, len, from);
}

/* --- what a line is ------------------------------------------------------------------ */

/* A word of capitals standing alone (not inside a longer word). */
static int ld_has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(s, w); p != NULL; p = strstr(p + 1, w))
		if ((p == s || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
			return 1;
	return 0;
}

/* "Executing nimadm phase N." ignoring case and runs of blanks: N, or 0. */
static int ld_banner(const char *s)
{
	static const char *const words[] = { "executing", "nimadm", "phase" };
	int n;

	for (size_t w = 0; w < ARRAY_LEN(words); w++) {
		size_t k = strlen(words[w]);
		while (*s == ' ' || *s == '\t')
			s++;
		for (size_t i = 0; i < k; i++)
			if (tolower((unsigned char)s[i]) != words[w][i])
				return 0;
		s += k;
		if (*s != ' ' && *s != '\t')
			return 0;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	n = atoi(s);
	return n >= 1 && n <= 12 ? n : 0;
}

/* The phase tracker's severity of a message line, as a kind. */
static unsigned ld_message_kind(const char *s, const struct kb_entry *kb)
{
	switch (phase_line_severity(s, kb)) {
	case KB_SEV_ERROR:
		return LOGDOC_KIND_ERROR;
	case KB_SEV_WARNING:
	case KB_SEV_ATTENTION:
		return LOGDOC_KIND_WARNING;
	default:
		return LOGDOC_KIND_INFO;
	}
}

/* Classifies a NUL-terminated copy without NULs. */
static unsigned ld_classify_str(const char *s, size_t len, int *phase)
{
	char code[9];
	long at;
	const struct kb_entry *kb;
	int n;

	if (phase != NULL)
		*phase = 0;
	if ((n = ld_banner(s)) > 0) {
		if (phase != NULL)
			*phase = n;
		return LOGDOC_KIND_BANNER;
	}
	at = kb_scan_code(s, len, code);
	kb = kb_match(s);
	if (at < 0 && kb == NULL) {
		if (ld_has_word(s, "ERROR"))
			return LOGDOC_KIND_ERROR;
		if (ld_has_word(s, "WARNING") || ld_has_word(s, "ATTENTION"))
			return LOGDOC_KIND_WARNING;
		return 0;
	}
	return ld_message_kind(s, kb);
}

/* Classifies a NUL-terminated copy of line (NULs made blanks, at most
 * LOGDOC_TEXT_MAX bytes): the KB matches C strings. */
static unsigned ld_classify_copy(const char *line, size_t len, int *phase, struct strbuf *scratch)
{
	char small[512];
	char *s;

	if (len > LOGDOC_TEXT_MAX)
		len = LOGDOC_TEXT_MAX;
	if (len < sizeof small) {
		s = small;
	} else {
		sb_reset(scratch);
		sb_grow(scratch, len + 1);
		s = scratch->buf;
	}
	for (size_t i = 0; i < len; i++)
		s[i] = line[i] == '\0' ? ' ' : line[i];
	s[len] = '\0';
	return ld_classify_str(s, len, phase);
}

unsigned logdoc_classify(const char *line, size_t len, int *phase)
{
	struct strbuf scratch = { 0 };
	unsigned k = ld_classify_copy(line, len, phase, &scratch);

	sb_free(&scratch);
	return k;
}

const struct kb_entry *logdoc_kb_at(struct logdoc *d, long long off)
{
	struct logdoc_line l;
	char *s;
	const struct kb_entry *kb;

	if (!logdoc_line_at(d, off, &l))
		return NULL;
	s = xmalloc(l.text_len + 1);
	for (size_t i = 0; i < l.text_len; i++)
		s[i] = l.text[i] == '\0' ? ' ' : l.text[i];
	s[l.text_len] = '\0';
	kb = kb_match(s);
	free(s);
	return kb;
}

/* --- stepwise search and jumps -------------------------------------------------------- */

struct logdoc_search {
	struct logdoc *d;
	unsigned long gen;
	unsigned flags;
	int jump;
	unsigned kinds;
	struct ld_finder f;
	char *needle;
	long long from; /* search: the start point; jump: the start of the line holding it */
	int phase2;     /* wrapped */
	long long pos;  /* forward: next candidate start; backward: candidates start before it */
	long long lo;   /* backward: no candidate starts before it; forward: -1 */
	long long hi;   /* forward: no candidate starts at or after it (-1: the text end) */
	long long done, total;
	size_t win; /* window of this step: the budget left, within limits */
	struct strbuf scratch;
};

/* A window for what is left of a step's budget. */
static size_t ld_window(size_t budget, size_t used)
{
	size_t left = budget > used ? budget - used : 0;

	if (left < LD_WIN_MIN)
		return LD_WIN_MIN;
	return left < LD_SCAN ? left : LD_SCAN;
}

static void ld_hit_fill(struct logdoc *d, struct logdoc_hit *hit, long long off, long long len,
                        int wrapped)
{
	memset(hit, 0, sizeof *hit);
	hit->off = off;
	hit->len = len;
	hit->line_off = logdoc_line_start(d, off);
	hit->lineno = logdoc_int_lineno_near(d, hit->line_off);
	hit->wrapped = wrapped;
}

static struct logdoc_search *ld_search_new(struct logdoc *d, unsigned flags, long long from)
{
	struct logdoc_search *s = xcalloc(1, sizeof *s);

	s->d = d;
	s->gen = d->generation;
	s->flags = flags;
	if (from < 0)
		from = 0;
	if (from > d->size)
		from = d->size;
	s->from = from;
	s->total = d->size;
	return s;
}

/* Sets up the first pass: forward [from, end), backward [0, from). */
static void ld_search_pass1(struct logdoc_search *s)
{
	if (s->flags & LOGDOC_BACKWARD) {
		s->pos = s->from;
		s->lo = 0;
	} else {
		s->pos = s->from;
		s->hi = -1;
	}
}

/* The wrapped pass: forward [0, from), backward [from, end). */
static int ld_search_pass2(struct logdoc_search *s)
{
	if (!(s->flags & LOGDOC_WRAP) || s->phase2)
		return 0;
	s->phase2 = 1;
	if (s->flags & LOGDOC_BACKWARD) {
		s->pos = -1; /* the text end, once known */
		s->lo = s->from;
	} else {
		s->pos = 0;
		s->hi = s->from;
	}
	return 1;
}

struct logdoc_search *logdoc_search_start(struct logdoc *d, const char *needle, size_t len,
                                          unsigned flags, long long from, struct err *e)
{
	struct logdoc_search *s;

	if (len == 0) {
		err_set(e, "nothing to search for");
		return NULL;
	}
	if (len > LOGDOC_NEEDLE_MAX) {
		err_set(e, "the search text is longer than %d bytes", LOGDOC_NEEDLE_MAX);
		return NULL;
	}
	s = ld_search_new(d, flags, from);
	s->needle = xmalloc(len);
	memcpy(s->needle, needle, len);
	ld_finder_init(&s->f, s->needle, len, (flags & LOGDOC_ICASE) != 0);
	ld_search_pass1(s);
	return s;
}

struct logdoc_search *logdoc_jump_start(struct logdoc *d, unsigned kinds, unsigned flags,
                                        long long from, struct err *e)
{
	struct logdoc_search *s;

	if ((kinds & LOGDOC_KIND_MESSAGES) == 0) {
		err_set(e, "no kind of line to jump to");
		return NULL;
	}
	s = ld_search_new(d, flags, from);
	s->jump = 1;
	s->kinds = kinds;
	s->from = logdoc_line_start(d, s->from);
	if (flags & LOGDOC_BACKWARD) {
		s->pos = s->from; /* lines starting before it */
		s->lo = 0;
	} else {
		/* lines starting after the line holding from */
		long long next = logdoc_next_line(d, s->from);
		s->pos = next < 0 ? d->size : next;
		s->hi = -1;
	}
	return s;
}

/* Makes sure the text is there up to `want` (decoding); the text end now. */
static long long ld_text_end(struct logdoc *d, long long want, size_t budget)
{
	if (want > d->size && !d->decoded)
		logdoc_int_decode_step(d, budget);
	return d->size;
}

/* One forward window of the string search: 1 found, 0 go on, -1 pass over. */
static int ld_search_fwd(struct logdoc_search *s, size_t *used, struct logdoc_hit *hit)
{
	struct logdoc *d = s->d;
	long long end = ld_text_end(d, s->pos + (long long)s->win, s->win);
	long long limit = s->hi >= 0 ? s->hi : (d->decoded ? end : -1);
	size_t n, want = s->win;
	long at;

	if (limit >= 0 && s->pos >= limit)
		return -1;
	if (s->pos >= end)
		return d->decoded ? -1 : 0; /* more text comes with the next decode */
	if ((long long)want > end - s->pos)
		want = (size_t)(end - s->pos);
	if (s->hi >= 0 && (long long)want > s->hi - s->pos + (long long)s->f.n - 1)
		want = (size_t)(s->hi - s->pos + (long long)s->f.n - 1);
	n = logdoc_int_pread(d, s->pos, d->scan_buf, want);
	if (n == 0)
		return -1;
	logdoc_int_index_feed(d, s->pos, d->scan_buf, n);
	*used += n;
	s->done += (long long)n;
	at = ld_finder_find(&s->f, d->scan_buf, n, 0);
	if (at >= 0 && (limit < 0 || s->pos + at < limit)) {
		ld_hit_fill(d, hit, s->pos + at, (long long)s->f.n, s->phase2);
		return 1;
	}
	if (s->pos + (long long)n >= end && d->decoded)
		return -1;
	/* the last n-1 bytes may start a match that the next window completes */
	s->pos += n >= s->f.n ? (long long)(n - (s->f.n - 1)) : (long long)n;
	return 0;
}

/* One backward window of the string search. */
static int ld_search_back(struct logdoc_search *s, size_t *used, struct logdoc_hit *hit)
{
	struct logdoc *d = s->d;
	long long wlo, whi, best = -1;
	size_t n;
	long at = -1;

	if (s->pos < 0) {
		/* the wrapped pass starts at the end: decode it all first */
		if (!d->decoded) {
			size_t before = (size_t)d->size;
			logdoc_int_decode_step(d, s->win);
			*used += (size_t)d->size - before + 1;
			return 0;
		}
		s->pos = d->size;
	}
	if (s->pos <= s->lo)
		return -1;
	whi = s->pos + (long long)s->f.n - 1;
	if (whi > d->size)
		whi = d->size;
	wlo = s->pos - ((long long)s->win - (long long)s->f.n);
	if (wlo < s->lo)
		wlo = s->lo;
	n = logdoc_int_pread(d, wlo, d->scan_buf, (size_t)(whi - wlo));
	*used += n;
	s->done += (long long)n;
	while ((at = ld_finder_find(&s->f, d->scan_buf, n, (size_t)(at + 1))) >= 0 &&
	       wlo + at < s->pos)
		best = wlo + at;
	if (best >= 0) {
		ld_hit_fill(d, hit, best, (long long)s->f.n, s->phase2);
		return 1;
	}
	s->pos = wlo;
	return s->pos <= s->lo ? -1 : 0;
}

/* Classifies the line at off; 1 and fills hit when it is of a wanted kind. */
static int ld_jump_try(struct logdoc_search *s, long long off, const char *text, size_t len,
                       struct logdoc_hit *hit)
{
	int phase;
	unsigned k;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	k = ld_classify_copy(text, len, &phase, &s->scratch);
	if ((k & s->kinds) == 0)
		return 0;
	ld_hit_fill(s->d, hit, off, 0, s->phase2);
	hit->kind = k;
	hit->phase = phase;
	return 1;
}

/* One forward window of a jump: whole lines from s->pos. */
static int ld_jump_fwd(struct logdoc_search *s, size_t *used, struct logdoc_hit *hit)
{
	struct logdoc *d = s->d;
	long long end = ld_text_end(d, s->pos + (long long)s->win, s->win);
	size_t n, want = s->win;
	const char *buf = d->scan_buf, *p, *stop;

	if (s->hi >= 0 && s->pos > s->hi)
		return -1;
	if (s->pos >= end)
		return d->decoded ? -1 : 0;
	if ((long long)want > end - s->pos)
		want = (size_t)(end - s->pos);
	n = logdoc_int_pread(d, s->pos, d->scan_buf, want);
	if (n == 0)
		return -1;
	logdoc_int_index_feed(d, s->pos, d->scan_buf, n);
	*used += n;
	s->done += (long long)n;
	p = buf;
	stop = buf + n;
	while (p < stop) {
		long long off = s->pos + (p - buf);
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		if (s->hi >= 0 && off > s->hi)
			return -1;
		if (nl == NULL) {
			int text_end = s->pos + (long long)n >= end;
			int at_end = text_end && d->decoded;
			if (text_end && !d->decoded)
				break; /* more of this line comes with the next decode */
			if (!at_end && p > buf)
				break; /* the next window starts with this line */
			/* the last line, or one longer than the window */
			if (ld_jump_try(s, off, p, (size_t)(stop - p), hit))
				return 1;
			if (at_end)
				return -1;
			long long e = logdoc_int_find_nl(d, s->pos + (long long)n);
			if (e < 0)
				return -1;
			s->done += e + 1 - (s->pos + (long long)n);
			s->pos = e + 1;
			return 0;
		}
		if (ld_jump_try(s, off, p, (size_t)(nl - p), hit))
			return 1;
		p = nl + 1;
	}
	s->pos += p - buf;
	return 0;
}

/* One backward window of a jump: whole lines ending before s->pos. */
static int ld_jump_back(struct logdoc_search *s, size_t *used, struct logdoc_hit *hit)
{
	struct logdoc *d = s->d;
	long long wlo, first;
	size_t n;
	const char *buf = d->scan_buf, *p, *stop, *nl;
	int found = 0;

	if (s->pos < 0) {
		if (!d->decoded) {
			size_t before = (size_t)d->size;
			logdoc_int_decode_step(d, s->win);
			*used += (size_t)d->size - before + 1;
			return 0;
		}
		s->pos = d->size;
	}
	/* lines starting in [lo, pos); in the wrapped pass after the start line */
	if (s->pos <= s->lo)
		return -1;
	wlo = s->pos - (long long)s->win;
	if (wlo < 0)
		wlo = 0;
	n = logdoc_int_pread(d, wlo, d->scan_buf, (size_t)(s->pos - wlo));
	*used += n;
	s->done += (long long)n;
	stop = buf + n;
	if (wlo == 0) {
		p = buf;
	} else {
		nl = memchr(buf, '\n', n);
		if (nl == NULL || nl + 1 >= stop) {
			/* no line starts in the window: the line before pos is longer than
			 * the window; find its start, try it, go before it */
			struct logdoc_line l;
			first = logdoc_line_start(d, wlo);
			if (first < s->lo)
				return -1;
			if (logdoc_int_line(d, first, &l) &&
			    ld_jump_try(s, first, l.text, l.text_len, hit))
				return 1;
			s->pos = first;
			return 0;
		}
		p = nl + 1;
	}
	first = wlo + (p - buf);
	while (p < stop) {
		long long off = wlo + (p - buf);
		const char *e = memchr(p, '\n', (size_t)(stop - p));
		size_t len = e != NULL ? (size_t)(e - p) : (size_t)(stop - p);
		if (off >= s->lo) {
			struct logdoc_hit h;
			if (ld_jump_try(s, off, p, len, &h)) {
				*hit = h;
				found = 1;
			}
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (found)
		return 1;
	s->pos = first;
	return 0;
}

enum logdoc_status logdoc_search_step(struct logdoc_search *s, size_t budget,
                                      struct logdoc_hit *hit, struct err *e)
{
	size_t used = 0;

	if (s->d->generation != s->gen) {
		err_set(e, "%s: the file was truncated or replaced", s->d->path);
		return LOGDOC_FAILED;
	}
	if (budget == 0)
		budget = 1;
	while (used < budget) {
		int rc;
		s->win = ld_window(budget, used);
		if (s->jump)
			rc = (s->flags & LOGDOC_BACKWARD) ? ld_jump_back(s, &used, hit)
			                                  : ld_jump_fwd(s, &used, hit);
		else
			rc = (s->flags & LOGDOC_BACKWARD) ? ld_search_back(s, &used, hit)
			                                  : ld_search_fwd(s, &used, hit);
		if (rc > 0)
			return LOGDOC_FOUND;
		if (rc < 0) {
			if (s->d->error.len > 0) {
				err_set(e, "%s", s->d->error.buf);
				return LOGDOC_FAILED;
			}
			if (s->jump && !s->phase2 && (s->flags & LOGDOC_WRAP)) {
				s->phase2 = 1;
				if (s->flags & LOGDOC_BACKWARD) {
					/* lines after the start line, from the end */
					long long next = logdoc_next_line(s->d, s->from);
					s->lo = next < 0 ? s->d->size : next;
					s->pos = -1;
				} else {
					s->pos = 0;
					s->hi = s->from; /* up to and with the start line */
				}
				continue;
			}
			if (!s->jump && ld_search_pass2(s))
				continue;
			return LOGDOC_NOT_FOUND;
		}
	}
	return LOGDOC_MORE;
}

void logdoc_search_progress(const struct logdoc_search *s, long long *done, long long *total)
{
	long long t = s->d->size > s->total ? s->d->size : s->total;

	if (done != NULL)
		*done = s->done < t ? s->done : t;
	if (total != NULL)
		*total = t;
}

void logdoc_search_cancel(struct logdoc_search **sp)
{
	struct logdoc_search *s = *sp;

	if (s == NULL)
		return;
	free(s->needle);
	sb_free(&s->scratch);
	free(s);
	*sp = NULL;
}

/* --- matches for highlighting ----------------------------------------------------------- */

struct ld_matches_ctx {
	const struct ld_finder *f;
	logdoc_match_fn *fn;
	void *arg;
	size_t n;
	int stop;
};

static int ld_matches_line(void *arg, const struct logdoc_line *l)
{
	struct ld_matches_ctx *c = arg;
	long at = -1;
	size_t from = 0;

	while ((at = ld_finder_find(c->f, l->text, l->text_len, from)) >= 0) {
		c->n++;
		if (c->fn(c->arg, l, (size_t)at, c->f->n) != 0) {
			c->stop = 1;
			return 1;
		}
		from = (size_t)at + c->f->n;
	}
	return 0;
}

size_t logdoc_matches(struct logdoc *d, long long off, size_t count, const char *needle,
                      size_t nlen, unsigned flags, logdoc_match_fn *fn, void *arg)
{
	struct ld_finder f;
	struct ld_matches_ctx c = { &f, fn, arg, 0, 0 };

	if (nlen == 0 || nlen > LOGDOC_NEEDLE_MAX)
		return 0;
	ld_finder_init(&f, needle, nlen, (flags & LOGDOC_ICASE) != 0);
	logdoc_fetch(d, off, count, ld_matches_line, &c);
	return c.n;
}

/* --- the messages filter ------------------------------------------------------------------ */

struct logdoc_filter {
	struct logdoc *d;
	unsigned long gen;
	unsigned kinds;
	struct logdoc_filter_entry *v;
	size_t n, cap;
	long long dropped;
	long long pos;    /* the next line to classify */
	long long lineno; /* its number */
	int provisional;  /* the last entry is the unfinished last line: redo it */
	struct strbuf scratch;
};

struct logdoc_filter *logdoc_filter_new(struct logdoc *d, unsigned kinds)
{
	struct logdoc_filter *f = xcalloc(1, sizeof *f);

	f->d = d;
	f->gen = d->generation;
	f->kinds = kinds;
	f->lineno = 1;
	return f;
}

static void ld_filter_add(struct logdoc_filter *f, long long off, unsigned kind, int phase)
{
	struct logdoc_filter_entry *en;

	if (f->n >= LOGDOC_FILTER_MAX) {
		f->dropped++;
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 64 : f->cap * 2;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	en = &f->v[f->n++];
	en->off = off;
	en->lineno = f->lineno;
	en->kind = kind;
	en->phase = phase;
}

static void ld_filter_line(struct logdoc_filter *f, long long off, const char *p, size_t len)
{
	int phase;
	unsigned k;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	k = ld_classify_copy(p, len, &phase, &f->scratch);
	if (k & f->kinds)
		ld_filter_add(f, off, k, phase);
}

int logdoc_filter_step(struct logdoc_filter *f, size_t budget, struct err *e)
{
	struct logdoc *d = f->d;
	size_t used = 0;

	if (d->generation != f->gen) {
		f->gen = d->generation;
		f->n = 0;
		f->dropped = 0;
		f->pos = 0;
		f->lineno = 1;
		f->provisional = 0;
	}
	if (f->provisional) {
		if (f->n > 0 && f->v[f->n - 1].off == f->pos)
			f->n--;
		f->provisional = 0;
	}
	while (used < budget) {
		size_t n, want = ld_window(budget, used);
		long long end = ld_text_end(d, f->pos + (long long)want, want);
		const char *buf = d->scan_buf, *p, *stop;
		if (f->pos >= end) {
			if (d->decoded)
				break;
			used++;
			continue;
		}
		if ((long long)want > end - f->pos)
			want = (size_t)(end - f->pos);
		n = logdoc_int_pread(d, f->pos, d->scan_buf, want);
		if (n == 0)
			break;
		logdoc_int_index_feed(d, f->pos, d->scan_buf, n);
		used += n;
		p = buf;
		stop = buf + n;
		while (p < stop) {
			const char *nl = memchr(p, '\n', (size_t)(stop - p));
			long long off = f->pos + (p - buf);
			if (nl == NULL) {
				int at_end = f->pos + (long long)n >= end;
				if (p > buf && !(at_end && d->decoded))
					break;
				ld_filter_line(f, off, p, (size_t)(stop - p));
				if (at_end) {
					/* unfinished: it may grow; classify it again next time */
					f->provisional = 1;
					p = buf + (off - f->pos);
					break;
				}
				/* a line longer than the window: skip the rest of it */
				long long eol = logdoc_int_find_nl(d, f->pos + (long long)n);
				if (eol < 0) {
					f->provisional = 1;
					p = buf + (off - f->pos);
					break;
				}
				f->pos = eol + 1;
				f->lineno++;
				p = NULL;
				break;
			}
			ld_filter_line(f, off, p, (size_t)(nl - p));
			f->lineno++;
			p = nl + 1;
		}
		if (p != NULL)
			f->pos += p - buf;
		if (f->provisional)
			break;
	}
	if (d->error.len > 0) {
		err_set(e, "%s", d->error.buf);
		return -1;
	}
	return f->pos < d->size && !f->provisional ? 1 : !d->decoded;
}

size_t logdoc_filter_count(const struct logdoc_filter *f)
{
	return f->n;
}

const struct logdoc_filter_entry *logdoc_filter_at(const struct logdoc_filter *f, size_t i)
{
	return i < f->n ? &f->v[i] : NULL;
}

size_t logdoc_filter_find(const struct logdoc_filter *f, long long off)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long long logdoc_filter_dropped(const struct logdoc_filter *f)
{
	return f->dropped;
}

void logdoc_filter_free(struct logdoc_filter **fp)
{
	struct logdoc_filter *f = *fp;

	if (f == NULL)
		return;
	free(f->v);
	sb_free(&f->scratch);
	free(f);
	*fp = NULL;
}
