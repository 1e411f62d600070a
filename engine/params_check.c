/*
 * params_check.c: validation of nimadm parameters (all problems at once, one
 * message per problem naming the field and the rule) and the exact argv and
 * command line built from valid parameters only.
 *
 * Every value first goes through a filter that refuses anything a shell or a
 * terminal would treat specially, even though the argv never meets a shell:
 * nimadm itself is a ksh script that passes values on to rsh and NFS.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

#define MAX_DISKS     8
#define DISK_NAME_MAX 15
#define PHASE_MAX     12

static void problem_add(struct params_problems *out, const char *field, const char *fmt, ...)
    PRINTFLIKE(3, 4);

static void problem_add(struct params_problems *out, const char *field, const char *fmt, ...)
{
	va_list ap;
	struct params_problem *pr;

	if (out == NULL)
		return;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xreallocarray(out->v, out->cap, sizeof *out->v);
	}
	pr = &out->v[out->n++];
	pr->field = field;
	va_start(ap, fmt);
	vsnprintf(pr->msg, sizeof pr->msg, fmt, ap);
	va_end(ap);
}

void params_problems_free(struct params_problems *pp)
{
	if (pp == NULL)
		return;
	free(pp->v);
	pp->v = NULL;
	pp->n = pp->cap = 0;
}

/* --- character classes -------------------------------------------------------- */

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static const struct {
	char c;
	const char *what;
} shell_chars[] = {
	{ '\'', "a single quote (')" },
	{ '"', "a double quote (\")" },
	{ ';', "a semicolon (;)" },
	{ '&', "an ampersand (&)" },
	{ '|', "a pipe (|)" },
	{ '$', "a dollar sign ($)" },
	{ '`', "a backquote (`)" },
	{ '\\', "a backslash (\\)" },
	{ '<', "a less-than sign (<)" },
	{ '>', "a greater-than sign (>)" },
	{ '(', "an opening parenthesis (()" },
	{ ')', "a closing parenthesis ())" },
	{ '{', "an opening brace ({)" },
	{ '}', "a closing brace (})" },
	{ '*', "an asterisk (*)" },
	{ '?', "a question mark (?)" },
	{ '[', "an opening bracket ([)" },
	{ ']', "a closing bracket (])" },
	{ '~', "a tilde (~)" },
	{ '#', "a hash sign (#)" },
	{ '!', "an exclamation mark (!)" },
};

/*
 * Describes the first character of v that must never reach a command line
 * (shell metacharacters, control characters, DEL, anything not ASCII) into
 * buf; returns 0 when there is none.
 */
static int hostile_char(const char *v, char *buf, size_t size)
{
	for (const unsigned char *s = (const unsigned char *)v; *s != '\0'; s++) {
		if (*s == '\n') {
			snprintf(buf, size, "a newline");
		} else if (*s == '\r') {
			snprintf(buf, size, "a carriage return");
		} else if (*s == '\t') {
			snprintf(buf, size, "a tab");
		} else if (*s < 0x20) {
			snprintf(buf, size, "a control character (0x%02x)", *s);
		} else if (*s == 0x7f) {
			snprintf(buf, size, "a DEL character (0x7f)");
		} else if (*s >= 0x80) {
			snprintf(buf, size, "a non-ASCII character (byte 0x%02x)", *s);
		} else {
			size_t i;

			for (i = 0; i < ARRAY_LEN(shell_chars); i++) {
				if (shell_chars[i].c == (char)*s)
					break;
			}
			if (i == ARRAY_LEN(shell_chars))
				continue;
			snprintf(buf, size, "%s", shell_chars[i].what);
		}
		return 1;
	}
	return 0;
}

/* --- rules per kind ----------------------------------------------------------- */

/* letters, digits, _ . -, first a letter or digit (NIM objects, VGs). */
static int name_ok(const char *v)
{
	if (!is_alnum((unsigned char)v[0]))
		return 0;
	for (const char *s = v; *s != '\0'; s++) {
		if (!is_alnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return 0;
	}
	return 1;
}

/* Letters then digits: hdisk1, hdiskpower3, vpath2, cd0. */
static int device_name_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i == 0 || i == n)
		return 0;
	while (i < n && is_digit((unsigned char)s[i]))
		i++;
	return i == n;
}

/* Splits on runs of the separators; calls fn for each token, stops at its non-zero. */
typedef int token_fn(void *arg, const char *tok, size_t len);
static int tokens_each(const char *v, const char *seps, token_fn *fn, void *arg)
{
	const char *s = v;

	for (;;) {
		size_t len;
		int r;

		s += strspn(s, seps);
		if (*s == '\0')
			return 0;
		len = strcspn(s, seps);
		r = fn(arg, s, len);
		if (r != 0)
			return r;
		s += len;
	}
}

struct disks_ctx {
	const char *tok[MAX_DISKS + 1];
	size_t len[MAX_DISKS + 1];
	size_t n;
	char *msg;
	size_t size;
};

static int disk_token(void *arg, const char *tok, size_t len)
{
	struct disks_ctx *d = arg;

	if (len > DISK_NAME_MAX || !device_name_ok(tok, len)) {
		snprintf(d->msg, d->size,
		         "\"%.*s\" is not a disk name (letters then digits, like hdisk1)",
		         (int)(len > 64 ? 64 : len), tok);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->len[i] == len && memcmp(d->tok[i], tok, len) == 0) {
			snprintf(d->msg, d->size, "%.*s is listed twice", (int)len, tok);
			return -1;
		}
	}
	if (d->n == MAX_DISKS) {
		snprintf(d->msg, d->size, "more than %d disks", MAX_DISKS);
		return -1;
	}
	d->tok[d->n] = tok;
	d->len[d->n++] = len;
	return 0;
}

static int check_disks(const char *v, char *msg, size_t size, struct disks_ctx *out)
{
	struct disks_ctx d = { .msg = msg, .size = size };

	if (tokens_each(v, " ", disk_token, &d) != 0)
		return -1;
	if (d.n == 0) {
		snprintf(msg, size, "no disk given");
		return -1;
	}
	if (out != NULL)
		*out = d;
	return 0;
}

static int path_char_ok(int c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '/' || c == '+' || c == '-';
}

static int check_path(const char *v, int allow_dir, char *msg, size_t size)
{
	const char *s;

	if (v[0] != '/') {
		snprintf(msg, size, "\"%.64s\" is not an absolute path (it must start with /)", v);
		return -1;
	}
	for (s = v; *s != '\0'; s++) {
		if (path_char_ok((unsigned char)*s))
			continue;
		if (*s == ' ')
			snprintf(msg, size,
			         "\"%.64s\" contains a space (paths may hold letters, digits and _ "
			         ". / + -)",
			         v);
		else
			snprintf(msg, size,
			         "\"%.64s\" contains '%c' (paths may hold letters, digits and _ . "
			         "/ + -)",
			         v, *s);
		return -1;
	}
	for (s = v; *s != '\0'; s++) {
		if (s[0] == '/' && s[1] == '.' && s[2] == '.' && (s[3] == '/' || s[3] == '\0')) {
			snprintf(msg, size, "\"%.64s\" contains a .. component", v);
			return -1;
		}
	}
	if (!allow_dir && v[strlen(v) - 1] == '/') {
		snprintf(msg, size, "\"%.64s\" names a directory, not a file", v);
		return -1;
	}
	return 0;
}

static int check_device(const char *v, char *msg, size_t size)
{
	if (v[0] == '/')
		return check_path(v, 1, msg, size);
	if (device_name_ok(v, strlen(v)) && strlen(v) <= DISK_NAME_MAX)
		return 0;
	snprintf(msg, size, "\"%.64s\" is not a device name (like cd0) or an absolute path", v);
	return -1;
}

struct msg_ctx {
	char *msg;
	size_t size;
};

static int mount_opt(void *arg, const char *tok, size_t len)
{
	struct msg_ctx *mc = arg;
	size_t i = 0;

	if (!is_alpha((unsigned char)tok[0]))
		goto bad;
	while (i < len &&
	       (is_alnum((unsigned char)tok[i]) || tok[i] == '_' || tok[i] == '.' || tok[i] == '-'))
		i++;
	if (i < len) {
		if (tok[i] != '=' || i + 1 == len)
			goto bad;
		for (i++; i < len; i++) {
			int c = (unsigned char)tok[i];

			if (!is_alnum(c) && c != '_' && c != '.' && c != ':' && c != '-')
				goto bad;
		}
	}
	return 0;
bad:
	snprintf(mc->msg, mc->size,
	         "\"%.*s\" is not a mount option (name or name=value, like vers=4)",
	         (int)(len > 64 ? 64 : len), tok);
	return -1;
}

static int check_mount_opts(const char *v, char *msg, size_t size)
{
	struct msg_ctx mc = { msg, size };
	size_t n = strlen(v);

	if (v[0] == ',' || v[n - 1] == ',' || strstr(v, ",,") != NULL) {
		snprintf(msg, size, "\"%.64s\" has an empty option", v);
		return -1;
	}
	return tokens_each(v, ",", mount_opt, &mc) != 0 ? -1 : 0;
}

struct phases_ctx {
	unsigned mask;
	char *msg;
	size_t size;
};

/* A phase number 1-12 from tok[0..len), or -1 (with the message) if not. */
static int phase_number(struct phases_ctx *pc, const char *tok, size_t len, const char *whole,
                        size_t whole_len)
{
	int n = 0;

	if (len == 0 || len > 3)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit((unsigned char)tok[i]))
			goto bad;
		n = n * 10 + (tok[i] - '0');
	}
	if (n >= 1 && n <= PHASE_MAX)
		return n;
	snprintf(pc->msg, pc->size, "%.*s is not a phase (1-%d)", (int)len, tok, PHASE_MAX);
	return -1;
bad:
	snprintf(pc->msg, pc->size, "\"%.*s\" is not a phase (1-%d)",
	         (int)(whole_len > 64 ? 64 : whole_len), whole, PHASE_MAX);
	return -1;
}

static int phase_token(void *arg, const char *tok, size_t len)
{
	struct phases_ctx *pc = arg;
	const char *dash = memchr(tok, '-', len);
	int lo, hi;

	if (dash == NULL) {
		lo = hi = phase_number(pc, tok, len, tok, len);
		if (lo < 0)
			return -1;
	} else {
		lo = phase_number(pc, tok, (size_t)(dash - tok), tok, len);
		if (lo < 0)
			return -1;
		hi = phase_number(pc, dash + 1, len - (size_t)(dash - tok) - 1, tok, len);
		if (hi < 0)
			return -1;
		if (lo > hi) {
			snprintf(pc->msg, pc->size,
			         "\"%.*s\" is not a range of phases (low-high, like 6-12)",
			         (int)len, tok);
			return -1;
		}
	}
	for (int i = lo; i <= hi; i++)
		pc->mask |= 1u << i;
	return 0;
}

static int check_phases(const char *v, char *msg, size_t size, unsigned *mask)
{
	struct phases_ctx pc = { .msg = msg, .size = size };

	if (tokens_each(v, " ,", phase_token, &pc) != 0)
		return -1;
	if (pc.mask == 0) {
		snprintf(msg, size, "no phase given");
		return -1;
	}
	if (mask != NULL)
		*mask = pc.mask;
	return 0;
}

/* The value's problem in words (without the field's name), or 0 if valid. */
static int check_value(const struct params_field *f, const char *v, char *msg, size_t size)
{
	char what[64];
	size_t len = strlen(v);

	if (hostile_char(v, what, sizeof what)) {
		snprintf(msg, size, "contains %s", what);
		return -1;
	}
	if (len > f->max_len) {
		snprintf(msg, size, "too long (%zu characters, at most %zu)", len, f->max_len);
		return -1;
	}
	switch (f->kind) {
	case PARAMS_KIND_NIM_OBJECT:
	case PARAMS_KIND_NIM_NEW:
		if (name_ok(v))
			return 0;
		snprintf(
		    msg, size,
		    "\"%s\" is not a NIM object name (letters, digits, _ . -; first a letter or "
		    "digit)",
		    v);
		return -1;
	case PARAMS_KIND_VG:
		if (name_ok(v))
			return 0;
		snprintf(
		    msg, size,
		    "\"%s\" is not a volume group name (letters, digits, _ . -; first a letter or "
		    "digit)",
		    v);
		return -1;
	case PARAMS_KIND_DISKS:
		return check_disks(v, msg, size, NULL);
	case PARAMS_KIND_PATH:
		return check_path(v, 0, msg, size);
	case PARAMS_KIND_DEVICE:
		return check_device(v, msg, size);
	case PARAMS_KIND_MOUNT_OPTS:
		return check_mount_opts(v, msg, size);
	case PARAMS_KIND_PHASES:
		return check_phases(v, msg, size, NULL);
	case PARAMS_KIND_BOOL:
		if (strcmp(v, "yes") == 0)
			return 0;
		snprintf(msg, size, "not yes or no");
		return -1;
	}
	snprintf(msg, size, "has an unknown kind");
	return -1;
}

static int mode_valid(enum nimadm_mode m)
{
	return (int)m >= 0 && m < NIMADM_MODE_COUNT;
}

size_t params_validate(const struct nimadm_params *p, struct params_problems *out)
{
	size_t count = 0;
	unsigned bit;

	if (!mode_valid(p->mode)) {
		problem_add(out, NULL, "Mode: not a nimadm mode");
		return 1;
	}
	bit = PARAMS_MODE_BIT(p->mode);
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);
		const char *v = p->values[f->fid];
		char msg[200];

		if (v == NULL || v[0] == '\0') {
			if ((f->requires & bit) == 0)
				continue;
			if (f->kind == PARAMS_KIND_BOOL)
				problem_add(out, f->id, "%s: must be yes for %s", f->name,
				            params_mode_phrase(p->mode));
			else
				problem_add(out, f->id, "%s: required for %s", f->name,
				            params_mode_phrase(p->mode));
			count++;
		} else if ((f->uses & bit) == 0) {
			if (f->fid == PF_NEW_MKSYSB_NAME)
				problem_add(out, f->id, "%s: only with an output file (-O)",
				            f->name);
			else
				problem_add(out, f->id, "%s: not used in %s", f->name,
				            params_mode_phrase(p->mode));
			count++;
		} else if (check_value(f, v, msg, sizeof msg) != 0) {
			problem_add(out, f->id, "%s: %s", f->name, msg);
			count++;
		}
	}
	if (p->values[PF_NO_BOOTLIST] != NULL && p->values[PF_REBOOT] != NULL &&
	    (params_field_at(PF_NO_BOOTLIST)->uses & bit) != 0 &&
	    (params_field_at(PF_REBOOT)->uses & bit) != 0) {
		const struct params_field *b = params_field_at(PF_NO_BOOTLIST);
		const struct params_field *r = params_field_at(PF_REBOOT);

		problem_add(out, r->id, "%s (-%c) and %s (-%c) exclude each other", b->name,
		            b->flag, r->name, r->flag);
		count++;
	}
	return count;
}

/* --- argv and command line ---------------------------------------------------- */

/*
 * The value as nimadm gets it: disks and phases normalised. Owned.
 * IBM documents "-P Phase" (AIX 5.2 said "-P Phases"): several phases are
 * passed like disks, as one space-separated argument; step mode and resume
 * use params_argv_phase(), one phase per call, the documented form.
 */
static char *argv_value(const struct params_field *f, const char *v)
{
	struct strbuf sb = { 0 };

	if (f->kind == PARAMS_KIND_DISKS) {
		struct disks_ctx d;
		char msg[160];

		if (check_disks(v, msg, sizeof msg, &d) != 0)
			fatal("params: invalid disks after validation");
		for (size_t i = 0; i < d.n; i++) {
			if (i > 0)
				sb_addc(&sb, ' ');
			sb_add(&sb, d.tok[i], d.len[i]);
		}
		return sb_steal(&sb);
	}
	if (f->kind == PARAMS_KIND_PHASES) {
		unsigned mask;
		char msg[160];

		if (check_phases(v, msg, sizeof msg, &mask) != 0)
			fatal("params: invalid phases after validation");
		for (int i = 1; i <= PHASE_MAX; i++) {
			if ((mask & (1u << i)) == 0)
				continue;
			if (sb.len > 0)
				sb_addc(&sb, ' ');
			sb_addf(&sb, "%d", i);
		}
		return sb_steal(&sb);
	}
	return xstrdup(v);
}

int params_argv(const struct nimadm_params *p, struct strv *argv, struct err *e)
{
	struct params_problems pp = { 0 };
	char mflag;

	if (params_validate(p, &pp) > 0) {
		if (pp.n > 1)
			err_set_field(e, pp.v[0].field, "%s (and %zu more problem%s)", pp.v[0].msg,
			              pp.n - 1, pp.n > 2 ? "s" : "");
		else
			err_set_field(e, pp.v[0].field, "%s", pp.v[0].msg);
		params_problems_free(&pp);
		return -1;
	}
	strv_push(argv, "nimadm");
	mflag = params_mode_flag(p->mode);
	if (mflag != 0)
		strv_pushf(argv, "-%c", mflag);
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);
		const char *v = p->values[f->fid];

		if (v == NULL || v[0] == '\0')
			continue;
		strv_pushf(argv, "-%c", f->flag);
		if (f->kind != PARAMS_KIND_BOOL) {
			char *val = argv_value(f, v);

			strv_push(argv, val);
			free(val);
		}
	}
	return 0;
}

int params_argv_phase(const struct nimadm_params *p, int phase, struct strv *argv, struct err *e)
{
	const struct params_field *f = params_field_at(PF_PHASES);
	struct nimadm_params *one;
	char num[8];
	int r;

	if (!mode_valid(p->mode) || (f->uses & PARAMS_MODE_BIT(p->mode)) == 0) {
		err_set_field(e, f->id, "%s: not used in %s", f->name,
		              mode_valid(p->mode) ? params_mode_phrase(p->mode) : "this mode");
		return -1;
	}
	if (phase < 1 || phase > PHASE_MAX) {
		err_set_field(e, f->id, "%s: %d is not a phase (1-%d)", f->name, phase, PHASE_MAX);
		return -1;
	}
	one = params_copy(p);
	snprintf(num, sizeof num, "%d", phase);
	free(one->values[PF_PHASES]);
	one->values[PF_PHASES] = xstrdup(num);
	r = params_argv(one, argv, e);
	params_free(&one);
	return r;
}

static int bare_char(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("_./=,:+@%-", c) != NULL);
}

/* Appends one argument quoted as a POSIX shell needs it. */
static void quote_arg(struct strbuf *sb, const char *a)
{
	int bare = a[0] != '\0', dq = 1, printable = 1;

	for (const unsigned char *s = (const unsigned char *)a; *s != '\0'; s++) {
		if (!bare_char(*s))
			bare = 0;
		if (*s < 0x20 || *s >= 0x7f)
			printable = 0;
		if (strchr("\"$`\\!", *s) != NULL)
			dq = 0;
	}
	if (bare) {
		sb_adds(sb, a);
	} else if (printable && dq) {
		sb_addc(sb, '"');
		sb_adds(sb, a);
		sb_addc(sb, '"');
	} else if (printable) {
		sb_addc(sb, '\'');
		for (const char *s = a; *s != '\0'; s++) {
			if (*s == '\'')
				sb_adds(sb, "'\\''");
			else
				sb_addc(sb, *s);
		}
		sb_addc(sb, '\'');
	} else {
		/* $'...' keeps control characters visible as escapes. */
		sb_adds(sb, "$'");
		for (const unsigned char *s = (const unsigned char *)a; *s != '\0'; s++) {
			if (*s == '\n')
				sb_adds(sb, "\\n");
			else if (*s == '\t')
				sb_adds(sb, "\\t");
			else if (*s == '\r')
				sb_adds(sb, "\\r");
			else if (*s == '\'' || *s == '\\')
				sb_addf(sb, "\\%c", *s);
			else if (*s < 0x20 || *s >= 0x7f)
				sb_addf(sb, "\\x%02x", *s);
			else
				sb_addc(sb, (char)*s);
		}
		sb_addc(sb, '\'');
	}
}

char *params_argv_to_line(const char *const *argv)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		quote_arg(&sb, argv[i]);
	}
	return sb_steal(&sb);
}

char *params_command_line(const struct nimadm_params *p, struct err *e)
{
	struct strv argv = { 0 };
	char *line;

	if (params_argv(p, &argv, e) < 0)
		return NULL;
	line = params_argv_to_line(strv_argv(&argv));
	strv_free(&argv);
	return line;
}
