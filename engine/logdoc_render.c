/* logdoc_render.c: a line as the viewer draws it: escaped, from a display column, with matches
 * marked. */
#include "cmd.h"
#include "logdoc_int.h"

#include <stdlib.h>
#include <string.h>

/* One character as displayed. */
struct ld_unit {
	size_t bytes; /* consumed from the line */
	int cols;     /* columns it takes */
	int esc;      /* written as an escape */
	char text[8]; /* what is drawn (tlen bytes; a TAB is its spaces) */
	size_t tlen;
};

/* The character at p (avail > 0 bytes of the line left) drawn at column col,
 * exactly as cmd_escape_display() draws it. */
static void ld_unit_at(const unsigned char *p, size_t avail, long long col, struct ld_unit *u)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned c = p[0];
	size_t n;

	u->esc = 0;
	if (c == '\t') {
		u->bytes = 1;
		u->cols = (int)(8 - col % 8);
		memset(u->text, ' ', (size_t)u->cols);
		u->tlen = (size_t)u->cols;
	} else if (c < 0x20 || c == 0x7f) {
		u->bytes = 1;
		u->cols = 2;
		u->text[0] = '^';
		u->text[1] = c == 0x7f ? '?' : (char)(c + 0x40);
		u->tlen = 2;
		u->esc = 1;
	} else if (c < 0x80) {
		u->bytes = 1;
		u->cols = 1;
		u->text[0] = (char)c;
		u->tlen = 1;
	} else if ((n = cmd_utf8_len(p, avail)) > 0 && !(c == 0xc2 && p[1] < 0xa0)) {
		u->bytes = n;
		u->cols = 1;
		memcpy(u->text, p, n);
		u->tlen = n;
	} else {
		u->bytes = 1;
		u->cols = 4;
		u->text[0] = '\\';
		u->text[1] = 'x';
		u->text[2] = hex[c >> 4];
		u->text[3] = hex[c & 15];
		u->tlen = 4;
		u->esc = 1;
	}
}

long long logdoc_text_cols(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long long col = 0;
	size_t i = 0;
	struct ld_unit u;

	while (i < len) {
		ld_unit_at(p + i, len - i, col, &u);
		col += u.cols;
		i += u.bytes;
	}
	return col;
}

static void ld_render_put(struct logdoc_render *r, const char *s, size_t n, unsigned char attr)
{
	sb_add(&r->text, s, n);
	if (r->attr_cap < r->text.cap) {
		r->attr_cap = r->text.cap;
		r->attr = xrealloc(r->attr, r->attr_cap);
	}
	memset(r->attr + r->text.len - n, attr, n);
}

static void ld_render_reset(struct logdoc_render *r)
{
	sb_reset(&r->text);
	sb_grow(&r->text, 0);
	r->text.buf[0] = '\0';
	r->cols = 0;
	r->more_left = r->more_right = 0;
}

/*
 * Draws from s[b0] (the character holding column first_col, which starts at
 * column c0) up to width columns. s[0..slen) is a slice of the line and
 * `beyond` tells whether the line goes on after it; matches of the needle
 * are looked for in the slice.
 */
static void ld_render_slice(const unsigned char *s, size_t slen, size_t b0, long long c0,
                            long long first_col, int width, int beyond, const char *needle,
                            size_t nlen, unsigned flags, struct logdoc_render *r)
{
	unsigned char *mask = NULL;
	size_t i = b0;
	long long col = c0;
	struct ld_unit u;

	if (needle != NULL && nlen > 0 && nlen <= slen) {
		long at = -1;
		mask = xcalloc(slen, 1);
		while ((at = logdoc_find_in((const char *)s, slen, (size_t)(at + 1), needle, nlen,
		                            flags)) >= 0)
			memset(mask + at, 1, nlen);
	}
	while (i < slen && r->cols < width) {
		size_t skip, show;
		unsigned char attr;
		ld_unit_at(s + i, slen - i, col, &u);
		skip = col < first_col ? (size_t)(first_col - col) : 0; /* cut by the left edge */
		show = (size_t)u.cols - skip;
		if ((long long)show > width - r->cols) {
			show = (size_t)(width - r->cols);
			r->more_right = 1;
		}
		attr = u.esc ? LOGDOC_ATTR_ESCAPE : 0;
		if (mask != NULL)
			for (size_t k = 0; k < u.bytes; k++)
				if (mask[i + k])
					attr |= LOGDOC_ATTR_MATCH;
		if (u.cols == 1 && skip == 0)
			ld_render_put(r, u.text, u.tlen, attr); /* one character, maybe UTF-8 */
		else
			ld_render_put(r, u.text + skip, show, attr); /* ASCII: a column a byte */
		r->cols += (int)show;
		col += u.cols;
		i += u.bytes;
	}
	if (i < slen || beyond)
		r->more_right = 1;
	free(mask);
}

void logdoc_render_text(const char *text, size_t len, long long first_col, int width,
                        const char *needle, size_t nlen, unsigned flags, struct logdoc_render *r)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, lo, hi;
	long long col = 0;
	struct ld_unit u;

	ld_render_reset(r);
	if (first_col < 0)
		first_col = 0;
	if (width <= 0)
		return;
	while (i < len) {
		ld_unit_at(p + i, len - i, col, &u);
		if (col + u.cols > first_col)
			break;
		col += u.cols;
		i += u.bytes;
	}
	r->more_left = first_col > 0 && len > 0;
	if (i >= len)
		return;
	lo = i > nlen ? i - nlen : 0;
	hi = len - i > (size_t)(width + 1) * 4 + nlen ? i + (size_t)(width + 1) * 4 + nlen : len;
	ld_render_slice(p + lo, hi - lo, i - lo, col, first_col, width, hi < len, needle, nlen,
	                flags, r);
}

int logdoc_render(struct logdoc *d, long long line_off, long long first_col, int width,
                  const char *needle, size_t nlen, unsigned flags, struct logdoc_render *r)
{
	struct logdoc_line l;
	long long len, pos = 0, col = 0, bstart = 0, lo, hi;
	size_t blen = 0;
	char *buf;
	struct ld_unit u;

	ld_render_reset(r);
	if (!logdoc_int_line(d, logdoc_line_start(d, line_off), &l))
		return -1;
	if (first_col < 0)
		first_col = 0;
	if (l.len <= (long long)l.text_len) {
		logdoc_render_text(l.text, l.text_len, first_col, width, needle, nlen, flags, r);
		return 0;
	}
	/* A line longer than what was fetched: walk it in chunks to first_col. */
	len = l.len;
	line_off = l.off;
	buf = xmalloc(LD_BLOCK + 8);
	while (pos < len) {
		if (pos + 4 > bstart + (long long)blen && bstart + (long long)blen < len) {
			size_t want = len - pos > LD_BLOCK ? LD_BLOCK : (size_t)(len - pos);
			bstart = pos;
			blen = logdoc_int_pread(d, line_off + pos, buf, want);
			if (blen == 0)
				break;
		}
		ld_unit_at((unsigned char *)buf + (pos - bstart),
		           (size_t)(bstart + (long long)blen - pos), col, &u);
		if (col + u.cols > first_col)
			break;
		col += u.cols;
		pos += (long long)u.bytes;
	}
	r->more_left = first_col > 0;
	if (pos < len && width > 0) {
		size_t n;
		lo = pos > (long long)nlen ? pos - (long long)nlen : 0;
		hi = pos + (long long)(width + 1) * 4 + (long long)nlen;
		if (hi > len)
			hi = len;
		buf = xrealloc(buf, (size_t)(hi - lo));
		n = logdoc_int_pread(d, line_off + lo, buf, (size_t)(hi - lo));
		if (n > (size_t)(pos - lo))
			ld_render_slice((unsigned char *)buf, n, (size_t)(pos - lo), col, first_col,
			                width, lo + (long long)n < len, needle, nlen, flags, r);
	}
	free(buf);
	return 0;
}

void logdoc_render_free(struct logdoc_render *r)
{
	sb_free(&r->text);
	free(r->attr);
	r->attr = NULL;
	r->attr_cap = 0;
}
