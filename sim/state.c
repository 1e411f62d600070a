/* state.c: the mutable state of a lab, an INI overlay in its own directory (never beside the
 * lab file), read under a shared fcntl lock and replaced atomically under an exclusive one. */
#include "ini_reader.h"
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_FILE "state.ini"
#define LOCK_FILE  "state.lock"
/* Encoded chunk length per line (inih reads lines of limited length). */
#define CHUNK 120

struct state_entry {
	char *section, *key, *value;
};

struct sim_state {
	char *dir;
	int lock_fd; /* -1 when not locked */
	int writable;
	struct state_entry *v;
	size_t n, cap;
	/* while parsing */
	char *cur_section;
	struct strbuf pending; /* encoded value being continued */
	char *pending_key;
};

static int safe_char(unsigned char c, int in_key)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	if (strchr("._/,+@-", c) != NULL)
		return 1;
	return !in_key && (c == ' ' || c == '=' || c == ':');
}

/* Percent-encodes everything that inih or a reader might misread. */
static char *encode(const char *s, int in_key)
{
	struct strbuf sb = { 0 };
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (safe_char(c, in_key))
			sb_addc(&sb, (char)c);
		else
			sb_addf(&sb, "%%%02X", c);
	}
	return sb_steal(&sb);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *decode(const char *s)
{
	struct strbuf sb = { 0 };
	for (; *s != '\0'; s++) {
		int h, l;
		if (*s == '%' && (h = hexval(s[1])) >= 0 && (l = hexval(s[2])) >= 0) {
			sb_addc(&sb, (char)(h * 16 + l));
			s += 2;
		} else {
			sb_addc(&sb, *s);
		}
	}
	return sb_steal(&sb);
}

static struct state_entry *find(const struct sim_state *st, const char *section, const char *key)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].section, section) == 0 && strcmp(st->v[i].key, key) == 0)
			return &st->v[i];
	return NULL;
}

const char *sim_state_get(const struct sim_state *st, const char *section, const char *key)
{
	const struct state_entry *en = st != NULL ? find(st, section, key) : NULL;
	return en != NULL ? en->value : NULL;
}

void sim_state_set(struct sim_state *st, const char *section, const char *key, const char *value)
{
	struct state_entry *en = find(st, section, key);

	if (value == NULL) {
		if (en != NULL) {
			size_t i = (size_t)(en - st->v);
			free(en->section);
			free(en->key);
			free(en->value);
			memmove(&st->v[i], &st->v[i + 1], (st->n - i - 1) * sizeof *st->v);
			st->n--;
		}
		return;
	}
	if (en != NULL) {
		free(en->value);
		en->value = xstrdup(value);
		return;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->v = xreallocarray(st->v, st->cap, sizeof *st->v);
	}
	st->v[st->n].section = xstrdup(section);
	st->v[st->n].key = xstrdup(key);
	st->v[st->n].value = xstrdup(value);
	st->n++;
}

void sim_state_each(const struct sim_state *st,
                    void (*fn)(void *arg, const char *section, const char *key, const char *value),
                    void *arg)
{
	for (size_t i = 0; st != NULL && i < st->n; i++)
		fn(arg, st->v[i].section, st->v[i].key, st->v[i].value);
}

static void flush_pending(struct sim_state *st)
{
	if (st->pending_key != NULL) {
		char *s = decode(st->cur_section), *k = decode(st->pending_key);
		char *v = decode(sb_str(&st->pending));
		sim_state_set(st, s, k, v);
		free(s);
		free(k);
		free(v);
		free(st->pending_key);
		st->pending_key = NULL;
	}
	sb_reset(&st->pending);
}

/* Continuation lines (same key again) append to the value: long values are chunked. */
static int state_handler(void *user, const char *section, const char *name, const char *value)
{
	struct sim_state *st = user;

	if (st->pending_key != NULL &&
	    (strcmp(st->pending_key, name) != 0 || strcmp(st->cur_section, section) != 0))
		flush_pending(st);
	if (st->cur_section == NULL || strcmp(st->cur_section, section) != 0) {
		free(st->cur_section);
		st->cur_section = xstrdup(section);
	}
	if (st->pending_key == NULL)
		st->pending_key = xstrdup(name);
	sb_adds(&st->pending, value);
	return 1;
}

static int lock_fd_open(const char *dir, int exclusive, struct err *e)
{
	char *path = xasprintf("%s/" LOCK_FILE, dir);
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	struct flock fl;

	if (fd < 0) {
		err_set(e, "cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	memset(&fl, 0, sizeof fl);
	fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) != 0) {
		if (errno == EINTR)
			continue;
		err_set(e, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

static int mkdirs(const char *path, struct err *e)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char save = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			err_set(e, "cannot create directory %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = save;
		if (save == '\0')
			break;
	}
	free(p);
	return 0;
}

static struct sim_state *state_open(const char *dir, int for_update, struct err *e)
{
	struct sim_state *st = xcalloc(1, sizeof *st);
	struct stat sb;
	char *path;
	FILE *f;

	st->dir = xstrdup(dir);
	st->lock_fd = -1;
	st->writable = for_update;
	if (stat(dir, &sb) != 0) {
		if (!for_update)
			return st; /* nothing changed yet */
		if (mkdirs(dir, e) != 0)
			goto fail;
	}
	if ((st->lock_fd = lock_fd_open(dir, for_update, e)) < 0)
		goto fail;
	path = xasprintf("%s/" STATE_FILE, dir);
	f = fopen(path, "r");
	if (f == NULL && errno != ENOENT) {
		err_set(e, "cannot read %s: %s", path, strerror(errno));
		free(path);
		goto fail;
	}
	if (f != NULL) {
		struct sim_ini ini = { .f = f };
		int rc = sim_ini_parse(&ini, state_handler, st);
		flush_pending(st);
		fclose(f);
		if (rc != 0 || ini.bad_line != 0) {
			err_set(e, "%s:%d: damaged state file (remove it with `nimsim reset`)",
			        path, rc != 0 ? rc : ini.bad_line);
			free(path);
			goto fail;
		}
	}
	free(path);
	if (!for_update) {
		close(st->lock_fd);
		st->lock_fd = -1;
	}
	return st;
fail:
	sim_state_free(&st);
	return NULL;
}

struct sim_state *sim_state_load(const char *dir, struct err *e)
{
	return state_open(dir, 0, e);
}

struct sim_state *sim_state_begin(const char *dir, struct err *e)
{
	return state_open(dir, 1, e);
}

/* Writes one key, chunked so that no line is long; edge blanks of a chunk are encoded. */
static void write_entry(FILE *f, const struct state_entry *en)
{
	char *k = encode(en->key, 1), *v = encode(en->value, 0);
	size_t len = strlen(v), off = 0;

	if (len == 0) {
		fprintf(f, "%s =\n", k);
	}
	while (off < len) {
		size_t n = len - off > CHUNK ? CHUNK : len - off;
		/* never split a %XX escape */
		if (off + n < len) {
			if (n >= 1 && v[off + n - 1] == '%')
				n -= 1;
			else if (n >= 2 && v[off + n - 2] == '%')
				n -= 2;
		}
		fputs(off == 0 ? k : "", f);
		fputs(off == 0 ? " = " : "    ", f);
		for (size_t i = 0; i < n; i++) {
			char c = v[off + i];
			if (c == ' ' && (i == 0 || i == n - 1))
				fputs("%20", f);
			else
				fputc(c, f);
		}
		fputc('\n', f);
		off += n;
	}
	free(k);
	free(v);
}

int sim_state_commit(struct sim_state **stp, struct err *e)
{
	struct sim_state *st = *stp;
	char *path, *tmp;
	const char *last = NULL;
	FILE *f;
	int rc = -1, fd;

	if (st == NULL || !st->writable || st->lock_fd < 0) {
		err_set(e, "state not opened for update");
		return -1;
	}
	path = xasprintf("%s/" STATE_FILE, st->dir);
	tmp = xasprintf("%s/." STATE_FILE ".%ld", st->dir, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fputs("# nimsim state: what commands changed in the lab. `nimsim reset` removes it.\n", f);
	for (size_t i = 0; i < st->n; i++) {
		if (last == NULL || strcmp(last, st->v[i].section) != 0) {
			char *s = encode(st->v[i].section, 1);
			fprintf(f, "%s[%s]\n", last == NULL ? "" : "\n", s);
			free(s);
			last = st->v[i].section;
		}
		write_entry(f, &st->v[i]);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		err_set(e, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(tmp);
	sim_state_free(stp);
	return rc;
}

void sim_state_free(struct sim_state **stp)
{
	struct sim_state *st = *stp;

	if (st == NULL)
		return;
	if (st->lock_fd >= 0)
		close(st->lock_fd); /* releases the fcntl lock */
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].section);
		free(st->v[i].key);
		free(st->v[i].value);
	}
	free(st->v);
	free(st->dir);
	free(st->cur_section);
	free(st->pending_key);
	sb_free(&st->pending);
	free(st);
	*stp = NULL;
}

int sim_state_reset(const char *dir, struct err *e)
{
	struct stat sb;
	char *path;
	int fd, rc = 0;

	if (stat(dir, &sb) != 0)
		return 0;
	if ((fd = lock_fd_open(dir, 1, e)) < 0)
		return -1;
	path = xasprintf("%s/" STATE_FILE, dir);
	if (unlink(path) != 0 && errno != ENOENT) {
		err_set(e, "cannot remove %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(path);
	close(fd);
	return rc;
}

int sim_state_put(const char *dir, const char *section, const char *key, const char *value,
                  struct err *e)
{
	struct sim_state *st = sim_state_begin(dir, e);
	if (st == NULL)
		return -1;
	sim_state_set(st, section, key, value);
	return sim_state_commit(&st, e);
}

/* FNV-1a, 32 bits: a short stable tag for the lab's path. */
static unsigned long path_hash(const char *s)
{
	unsigned long h = 2166136261UL;
	for (; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	return h;
}

char *sim_state_default_dir(const char *lab_path)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	const char *slash = strrchr(lab_path, '/');
	char *name = xstrdup(slash != NULL ? slash + 1 : lab_path), *dot, *base, *r;

	dot = strrchr(name, '.');
	if (dot != NULL && dot != name)
		*dot = '\0';
	if (xdg != NULL && *xdg == '/')
		base = xasprintf("%s/nimsim", xdg);
	else
		base = xasprintf("%s/.local/state/nimsim",
		                 home != NULL && *home == '/' ? home : "/tmp");
	r = xasprintf("%s/%s-%08lx", base, name, path_hash(lab_path));
	free(base);
	free(name);
	return r;
}
