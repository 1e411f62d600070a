/* tuiconf.c: the TUI's saved settings, <state dir>/tui.ini. */
#include "tuiconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#define TUICONF_FILE "tui.ini"

int tuiconf_parse_stall(const char *what, const char *text, long *minutes, struct err *e)
{
	long long v = str_to_ll(text);

	if (v < 0 || v > TUICONF_STALL_MAX_MIN) {
		err_set(e, "%s: \"%s\" is not a number of minutes (0-%d, 0 turns the warning off)",
		        what, text != NULL ? text : "", TUICONF_STALL_MAX_MIN);
		return -1;
	}
	*minutes = (long)v;
	return 0;
}

struct tuiconf_load_ctx {
	struct tuiconf *c;
	struct err *e;
	const char *path;
	int bad; /* the first bad line, or 0 */
};

static int tuiconf_on_key(void *arg, const char *section, const char *key, const char *value)
{
	struct tuiconf_load_ctx *x = arg;

	if (strcmp(section, "monitor") == 0 && strcmp(key, "stall_minutes") == 0) {
		struct err e;
		long v;
		if (tuiconf_parse_stall("stall_minutes", value, &v, &e) != 0) {
			if (x->bad == 0)
				err_set(x->e, "%s: %s", x->path, e.msg);
			x->bad = 1;
			return 1; /* the rest of the file is still read */
		}
		x->c->stall_min = v;
	}
	/* keys of later versions are ignored, so an older TUI keeps working */
	return 1;
}

int tuiconf_load(const char *state_dir, struct tuiconf *c, struct err *e)
{
	struct tuiconf_load_ctx x = { .c = c, .e = e };
	char *path = xasprintf("%s/%s", state_dir, TUICONF_FILE);
	FILE *fp;
	int r;

	c->stall_min = -1;
	fp = fopen(path, "r");
	if (fp == NULL) {
		int saved = errno;
		if (saved == ENOENT) {
			free(path);
			return 0;
		}
		err_set(e, "%s: %s", path, strerror(saved));
		free(path);
		return -1;
	}
	x.path = path;
	r = ini_parse_file(fp, tuiconf_on_key, &x);
	fclose(fp);
	if (r != 0 && !x.bad)
		err_set(e, "%s: line %d does not parse", path, r > 0 ? r : 0);
	free(path);
	return r != 0 || x.bad ? -1 : 0;
}

int tuiconf_save(const char *state_dir, const struct tuiconf *c, struct err *e)
{
	char *path = xasprintf("%s/%s", state_dir, TUICONF_FILE);
	char *tmp = xasprintf("%s/.%s.XXXXXX", state_dir, TUICONF_FILE);
	struct strbuf sb = { 0 };
	int fd, rc = -1;
	size_t off = 0;

	sb_adds(&sb, "# nimadm-tui: the TUI's settings, kept between sessions.\n");
	if (c->stall_min >= 0)
		sb_addf(&sb,
		        "\n[monitor]\n# minutes without output before a job is flagged "
		        "STALLED (0: off)\nstall_minutes = %ld\n",
		        c->stall_min);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, "cannot save %s: %s", path, strerror(errno));
		goto out;
	}
	fchmod(fd, 0644);
	while (off < sb.len) {
		ssize_t w = write(fd, sb.buf + off, sb.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(e, "cannot save %s: %s", path, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err_set(e, "cannot save %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	sb_free(&sb);
	free(tmp);
	free(path);
	return rc;
}
