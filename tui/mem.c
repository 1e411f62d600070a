/* mem.c: allocation wrappers that abort, a growable buffer and string helpers for the kit. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

/* Out of memory in the UI: put the terminal back, say so, and stop. */
static void mem_fail(void)
{
	static const char msg[] = "nimadm-tui: out of memory\n";

	tui_restore_terminal();
	fputs(msg, stderr);
	abort();
}

void *tui_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

void *tui_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		mem_fail();
	return p;
}

void *tui_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		mem_fail();
	return q;
}

char *tui_xstrdup(const char *s)
{
	return tui_xstrndup(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

char *tui_xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len = 0;

	while (len < n && s[len] != '\0')
		len++;
	p = tui_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *tui_xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		mem_fail();
	p = tui_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *tui_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = tui_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void tui_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *tui_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return hay;
	for (; *hay != '\0'; hay++) {
		size_t i;
		for (i = 0; i < n; i++) {
			if (hay[i] == '\0' ||
			    tolower((unsigned char)hay[i]) != tolower((unsigned char)needle[i]))
				break;
		}
		if (i == n)
			return hay;
	}
	return NULL;
}

void tui_buf_add(struct tui_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = tui_xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void tui_buf_adds(struct tui_buf *b, const char *s)
{
	tui_buf_add(b, s, strlen(s));
}

void tui_buf_addc(struct tui_buf *b, char c)
{
	tui_buf_add(b, &c, 1);
}

void tui_buf_addf(struct tui_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = tui_xvasprintf(fmt, ap);
	va_end(ap);
	tui_buf_adds(b, p);
	free(p);
}

char *tui_buf_steal(struct tui_buf *b)
{
	char *s = b->s != NULL ? b->s : tui_xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void tui_buf_free(struct tui_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* One character at s: its byte length and display width (invalid: 1, 1). */
static size_t mem_char(const char *s, size_t len, int *width)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w;

	if ((unsigned char)*s < 0x80) {
		*width = 1;
		return 1;
	}
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*width = 1;
		return 1;
	}
	w = wcwidth(wc);
	*width = w < 0 ? 1 : w;
	return n;
}

int tui_str_width(const char *s, size_t len)
{
	int cols = 0, w;
	size_t i = 0;

	while (i < len && s[i] != '\0') {
		i += mem_char(s + i, len - i, &w);
		cols += w;
	}
	return cols;
}

size_t tui_str_fit(const char *s, size_t len, int cols)
{
	int used = 0, w;
	size_t i = 0, n;

	while (i < len && s[i] != '\0') {
		n = mem_char(s + i, len - i, &w);
		if (used + w > cols)
			break;
		used += w;
		i += n;
	}
	return i;
}

char *tui_str_printable(const char *s, size_t len)
{
	struct tui_buf b = { 0 };
	size_t col = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			do {
				tui_buf_addc(&b, ' ');
				col++;
			} while (col % 8 != 0);
		} else if (c < 0x20 || c == 0x7f) {
			tui_buf_addc(&b, '^');
			tui_buf_addc(&b, c == 0x7f ? '?' : (char)(c + '@'));
			col += 2;
		} else {
			tui_buf_addc(&b, (char)c);
			col++;
		}
	}
	return tui_buf_steal(&b);
}
