/* level.c: parsing and numeric comparison of AIX oslevels and fileset levels. */
#include "level.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define LEVEL_TEXT_MAX 64

/* Copies s without surrounding blanks into buf; -1 if empty or too long. */
static int level_trimmed(const char *s, char *buf, size_t size)
{
	size_t len;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
	                   s[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* Reads 1..maxdigits decimal digits at *p into *out and advances; -1 if none. */
static int level_read_number(const char **p, int maxdigits, long *out)
{
	long v = 0;
	int n = 0;

	while (isdigit((unsigned char)**p)) {
		if (++n > maxdigits)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* The dotted form: V.R, V.R.M or V.R.M.F, a bare release. */
static int level_parse_dotted_release(const char *s, struct aix_level *out)
{
	long part[4] = { 0, 0, 0, 0 };
	int n = 0;

	for (;;) {
		if (n == 4 || level_read_number(&s, 4, &part[n]) != 0)
			return -1;
		n++;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return -1;
	}
	if (n < 2)
		return -1;
	out->version = (int)part[0];
	out->release = (int)part[1];
	out->tl = out->sp = out->build = -1;
	return 0;
}

int level_parse_oslevel(const char *s, struct aix_level *out, struct err *e)
{
	char buf[LEVEL_TEXT_MAX];
	const char *p = buf;
	long field[3] = { -1, -1, -1 };
	static const int maxdigits[3] = { 3, 3, 4 };

	if (level_trimmed(s, buf, sizeof buf) != 0) {
		err_set(e, "empty or overlong AIX level");
		return -1;
	}
	if (strchr(buf, '.') != NULL) {
		if (level_parse_dotted_release(buf, out) == 0)
			return 0;
		err_set(e, "not an AIX level: %s", buf);
		return -1;
	}
	/* VVRR: four digits, version and release first. */
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)buf[i])) {
			err_set(e, "not an AIX level: %s", buf);
			return -1;
		}
	}
	out->version = buf[0] - '0';
	out->release = buf[1] - '0';
	p = buf + 4;
	for (int i = 0; i < 3 && *p != '\0'; i++) {
		if (*p++ != '-' || level_read_number(&p, maxdigits[i], &field[i]) != 0) {
			err_set(e, "not an AIX level: %s", buf);
			return -1;
		}
	}
	if (*p != '\0') {
		err_set(e, "not an AIX level: %s", buf);
		return -1;
	}
	out->tl = (int)field[0];
	out->sp = (int)field[1];
	out->build = (int)field[2];
	return 0;
}

static int level_cmp_int(int a, int b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int level_compare_oslevel(const struct aix_level *a, const struct aix_level *b)
{
	int c;

	if ((c = level_cmp_int(a->version, b->version)) != 0 ||
	    (c = level_cmp_int(a->release, b->release)) != 0 ||
	    (c = level_cmp_int(a->tl, b->tl)) != 0 || (c = level_cmp_int(a->sp, b->sp)) != 0)
		return c;
	return level_cmp_int(a->build, b->build);
}

int level_compare_oslevel_common(const struct aix_level *a, const struct aix_level *b)
{
	const int pa[5] = { a->version, a->release, a->tl, a->sp, a->build };
	const int pb[5] = { b->version, b->release, b->tl, b->sp, b->build };

	for (int i = 0; i < 5; i++) {
		if (pa[i] < 0 || pb[i] < 0)
			return 0;
		if (pa[i] != pb[i])
			return level_cmp_int(pa[i], pb[i]);
	}
	return 0;
}

char *level_format_oslevel(const struct aix_level *l, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%d%d00", l->version, l->release);

	if (n < 0 || (size_t)n >= size)
		return buf;
	if (l->tl >= 0) {
		n += snprintf(buf + n, size - (size_t)n, "-%02d", l->tl);
		if (l->sp >= 0 && (size_t)n < size) {
			n += snprintf(buf + n, size - (size_t)n, "-%02d", l->sp);
			if (l->build >= 0 && (size_t)n < size)
				snprintf(buf + n, size - (size_t)n, "-%04d", l->build);
		}
	}
	return buf;
}

char *level_format_release(const struct aix_level *l, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%d", l->version, l->release);
	return buf;
}

int level_has_tl(const struct aix_level *l)
{
	return l->version >= 0 && l->release >= 0 && l->tl >= 0;
}

int level_parse_vrmf(const char *s, struct vrmf *out, struct err *e)
{
	char buf[LEVEL_TEXT_MAX];
	const char *p = buf;

	if (level_trimmed(s, buf, sizeof buf) != 0) {
		err_set(e, "empty or overlong fileset level");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		long v;
		if ((i > 0 && *p++ != '.') || level_read_number(&p, 9, &v) != 0) {
			err_set(e, "not a V.R.M.F fileset level: %s", buf);
			return -1;
		}
		out->part[i] = (unsigned long)v;
	}
	if (*p != '\0') {
		err_set(e, "not a V.R.M.F fileset level: %s", buf);
		return -1;
	}
	return 0;
}

int level_compare_vrmf(const struct vrmf *a, const struct vrmf *b)
{
	for (int i = 0; i < 4; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

char *level_format_vrmf(const struct vrmf *v, char *buf, size_t size)
{
	snprintf(buf, size, "%lu.%lu.%lu.%lu", v->part[0], v->part[1], v->part[2], v->part[3]);
	return buf;
}

/* Compares numeric runs by value and other runs byte-wise, in turn. */
static int level_compare_runs(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea, *eb;
			size_t la, lb;
			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			int c = memcmp(a, b, la);
			if (c != 0)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	if (*a == '\0' && *b == '\0')
		return 0;
	return *a == '\0' ? -1 : 1;
}

int level_compare_str(const char *a, const char *b)
{
	struct aix_level la, lb;
	struct vrmf va, vb;

	if (a == NULL || b == NULL)
		return a == b ? 0 : a == NULL ? -1 : 1;
	if (level_parse_vrmf(a, &va, NULL) == 0 && level_parse_vrmf(b, &vb, NULL) == 0)
		return level_compare_vrmf(&va, &vb);
	if (strchr(a, '.') == NULL && strchr(b, '.') == NULL &&
	    level_parse_oslevel(a, &la, NULL) == 0 && level_parse_oslevel(b, &lb, NULL) == 0)
		return level_compare_oslevel(&la, &lb);
	return level_compare_runs(a, b);
}
