/*
 * params_ini.c: nimadm parameters as the [params] section of job.ini, written
 * here and read back with inih, so a journal replays the exact same argv.
 *
 * inih (as packaged) reads lines of at most 199 bytes and cuts longer ones,
 * so long values (paths go up to 1023) are written as inih multi-line values:
 * the first piece after "key = ", each further piece on its own indented line
 * behind a '>' mark (a character no valid value holds, so a continuation is
 * never mistaken for a repeated key).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "params.h"

#define SECTION "params"
/* Value bytes per line: key (<= 15) + " = " + this stays far below 199. */
#define CHUNK     150
#define CONT_MARK '>'

/* Why v cannot be written so that inih reads it back unchanged; 0 if it can. */
static int value_unsafe(const char *v, char *buf, size_t size)
{
	for (const unsigned char *s = (const unsigned char *)v; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f) {
			snprintf(buf, size, "a control character (0x%02x)", *s);
			return 1;
		}
		if (*s == ';' && s > (const unsigned char *)v && (s[-1] == ' ')) {
			snprintf(buf, size, "\" ;\" (an INI comment)");
			return 1;
		}
	}
	if (v[0] == ' ' || (v[0] != '\0' && v[strlen(v) - 1] == ' ')) {
		snprintf(buf, size, "spaces around it");
		return 1;
	}
	return 0;
}

/* Appends key = value, continued on '>' lines when longer than CHUNK. */
static int value_add(struct strbuf *out, const char *key, const char *v, struct err *e)
{
	size_t len = strlen(v), pos = 0;

	do {
		size_t take = len - pos;

		if (take > CHUNK) {
			/* inih trims each line: no piece may start or end with a space. */
			take = CHUNK;
			while (take > 0 && (v[pos + take - 1] == ' ' || v[pos + take] == ' '))
				take--;
			if (take == 0) {
				err_set_field(
				    e, params_field_find(key) ? params_field_find(key)->id : NULL,
				    "%s: cannot be saved (too many spaces to split it)", key);
				return -1;
			}
		}
		if (pos == 0)
			sb_addf(out, "%s = %.*s\n", key, (int)take, v);
		else
			sb_addf(out, "\t%c%.*s\n", CONT_MARK, (int)take, v + pos);
		pos += take;
	} while (pos < len);
	return 0;
}

int params_ini_write(const struct nimadm_params *p, struct strbuf *out, struct err *e)
{
	const char *mode = params_mode_name(p->mode);
	struct strbuf sb = { 0 };

	if (mode == NULL) {
		err_set_field(e, "mode", "Mode: not a nimadm mode");
		return -1;
	}
	sb_addf(&sb, "[%s]\n", SECTION);
	sb_addf(&sb, "mode = %s\n", mode);
	for (size_t i = 0; i < params_field_count(); i++) {
		const struct params_field *f = params_field_at(i);
		const char *v = p->values[f->fid];
		char why[64];

		if (v == NULL || v[0] == '\0')
			continue;
		if (value_unsafe(v, why, sizeof why)) {
			err_set_field(e, f->id, "%s: cannot be saved: it contains %s", f->name,
			              why);
			sb_free(&sb);
			return -1;
		}
		if (value_add(&sb, f->id, v, e) < 0) {
			sb_free(&sb);
			return -1;
		}
	}
	sb_add(out, sb.buf, sb.len);
	sb_free(&sb);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int params_save_ini(const struct nimadm_params *p, const char *path, struct err *e)
{
	struct strbuf sb = { 0 };
	char *tmp;
	int fd, saved;

	if (params_ini_write(p, &sb, e) < 0)
		return -1;
	tmp = xasprintf("%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, "cannot create %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (write_all(fd, sb_str(&sb), sb.len) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		err_set(e, "cannot write %s: %s", path, strerror(saved));
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		err_set(e, "cannot write %s: %s", path, strerror(saved));
		goto fail;
	}
	free(tmp);
	sb_free(&sb);
	return 0;
fail:
	free(tmp);
	sb_free(&sb);
	return -1;
}

struct load_ctx {
	struct nimadm_params *p;
	int saw_section;
	int saw_mode;
	char last[32]; /* the previous key of [params], for continuations */
	unsigned char seen[PF_COUNT];
	int failed;
	char msg[sizeof(((struct err *)0)->msg) - 64];
	const char *field;
};

static int load_fail(struct load_ctx *c, const char *field, const char *msg)
{
	if (!c->failed) {
		c->failed = 1;
		c->field = field;
		str_copy(c->msg, msg, sizeof c->msg);
	}
	return 0;
}

static int load_on_key(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	const struct params_field *f;
	struct err e;
	char buf[160];

	if (strcmp(section, SECTION) != 0) {
		c->last[0] = '\0';
		return 1;
	}
	c->saw_section = 1;
	f = params_field_find(name);
	if (strcmp(name, c->last) == 0 && value[0] == CONT_MARK && f != NULL) {
		char *joined = xasprintf("%s%s", params_value(c->p, f->fid), value + 1);
		int r = params_set(c->p, f->id, joined, &e);

		free(joined);
		return r < 0 ? load_fail(c, f->id, e.msg) : 1;
	}
	str_copy(c->last, name, sizeof c->last);
	if (strcmp(name, "mode") == 0) {
		if (c->saw_mode)
			return load_fail(c, "mode", "mode is given twice");
		c->saw_mode = 1;
		if (params_mode_find(value, &c->p->mode, &e) < 0)
			return load_fail(c, "mode", e.msg);
		return 1;
	}
	if (f == NULL) {
		snprintf(buf, sizeof buf, "unknown parameter \"%.64s\"", name);
		return load_fail(c, NULL, buf);
	}
	if (c->seen[f->fid]) {
		snprintf(buf, sizeof buf, "%s is given twice", f->id);
		return load_fail(c, f->id, buf);
	}
	c->seen[f->fid] = 1;
	if (params_set(c->p, f->id, value, &e) < 0)
		return load_fail(c, f->id, e.msg);
	return 1;
}

/* Turns inih's result into 0 or an error; where (a path or NULL) prefixes messages. */
static int load_finish(struct load_ctx *c, int r, const char *where, struct err *e)
{
	char at[300];
	const char *w = where != NULL ? where : "INI text";

	if (where != NULL)
		snprintf(at, sizeof at, "%.280s:%d", where, r);
	else
		snprintf(at, sizeof at, "line %d", r);
	if (r == 0 && !c->saw_section) {
		err_set(e, "%s: no [%s] section", w, SECTION);
	} else if (r == 0 && !c->saw_mode) {
		err_set_field(e, "mode", "%s: [%s] has no mode", w, SECTION);
	} else if (r > 0 && c->failed) {
		err_set_field(e, c->field, "%s: %s", at, c->msg);
	} else if (r > 0) {
		err_set(e, "%s: not a \"key = value\" line", at);
	} else if (r < 0) {
		err_set(e, "%s: cannot be parsed", w);
	} else {
		return 0;
	}
	params_reset(c->p, NIMADM_MIGRATE);
	return -1;
}

int params_load_ini_string(struct nimadm_params *p, const char *text, struct err *e)
{
	struct load_ctx c = { .p = p };

	params_reset(p, NIMADM_MIGRATE);
	return load_finish(&c, ini_parse_string(text, load_on_key, &c), NULL, e);
}

int params_load_ini(struct nimadm_params *p, const char *path, struct err *e)
{
	struct load_ctx c = { .p = p };
	FILE *fp;
	int r;

	params_reset(p, NIMADM_MIGRATE);
	fp = fopen(path, "r");
	if (fp == NULL) {
		err_set(e, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	r = ini_parse_file(fp, load_on_key, &c);
	fclose(fp);
	return load_finish(&c, r, path, e);
}
