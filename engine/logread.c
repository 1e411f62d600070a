/* logread.c: a streaming line reader over plain or compressed log files (libarchive raw format). */
#include "logread.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOGREAD_CHUNK (64 * 1024)

struct logread {
	struct archive *a; /* NULL for an empty file */
	int fd;
	int own_fd;
	char *name;
	long long bytes_in; /* compressed bytes read from fd: tells an empty file */
	int read_failed;
	char in[LOGREAD_CHUNK];
	char *out; /* decoded chunk */
	size_t out_len, out_pos;
	int eof;
	struct strbuf line;
	long long lineno;
	const char *filter;
};

/* libarchive pulls the raw bytes through this, so we see an empty input. */
static la_ssize_t logread_read_cb(struct archive *a, void *arg, const void **buf)
{
	struct logread *r = arg;
	ssize_t n;

	do
		n = read(r->fd, r->in, sizeof r->in);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->read_failed = 1;
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	r->bytes_in += n;
	*buf = r->in;
	return n;
}

static void logread_set_archive_error(struct logread *r, struct err *e)
{
	const char *msg = r->a != NULL ? archive_error_string(r->a) : NULL;

	err_set(e, "%s: %s", r->name, msg != NULL ? msg : "cannot decode the file");
}

static struct logread *logread_start(int fd, int own_fd, const char *name, struct err *e)
{
	struct logread *r = xcalloc(1, sizeof *r);
	struct archive_entry *entry;
	int rc;

	r->fd = fd;
	r->own_fd = own_fd;
	r->name = xstrdup(name);
	r->out = xmalloc(LOGREAD_CHUNK);
	r->filter = "none";
	r->a = archive_read_new();
	if (r->a == NULL)
		fatal("archive_read_new: out of memory");
	/* Only the compressions rotated logs use: filter_all would also accept
	 * lrzip, lzop, grzip... by running external programs, as root. */
	archive_read_support_filter_gzip(r->a);
	archive_read_support_filter_compress(r->a);
	archive_read_support_filter_bzip2(r->a);
	archive_read_support_filter_xz(r->a);
	archive_read_support_filter_zstd(r->a);
	archive_read_support_format_raw(r->a);
	rc = archive_read_open(r->a, r, NULL, logread_read_cb, NULL);
	if (rc == ARCHIVE_OK)
		rc = archive_read_next_header(r->a, &entry);
	if (rc == ARCHIVE_EOF || (rc != ARCHIVE_OK && r->bytes_in == 0 && !r->read_failed)) {
		/* Zero bytes: libarchive cannot name a format for them, but an
		 * empty log is a log. */
		archive_read_free(r->a);
		r->a = NULL;
		r->eof = 1;
		return r;
	}
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		logread_set_archive_error(r, e);
		logread_free(&r);
		return NULL;
	}
	r->filter = archive_filter_name(r->a, 0);
	if (r->filter == NULL)
		r->filter = "none";
	return r;
}

struct logread *logread_open_fd(int fd, const char *name, struct err *e)
{
	return logread_start(fd, 0, name != NULL ? name : "(input)", e);
}

struct logread *logread_open(const char *path, struct err *e)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return logread_start(STDIN_FILENO, 0, "(standard input)", e);
	do
		fd = open(path, O_RDONLY | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return logread_start(fd, 1, path, e);
}

void logread_free(struct logread **rp)
{
	struct logread *r = *rp;

	if (r == NULL)
		return;
	if (r->a != NULL)
		archive_read_free(r->a);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	sb_free(&r->line);
	free(r->out);
	free(r->name);
	free(r);
	*rp = NULL;
}

/* Refills the decoded chunk; 1 when there is data, 0 at the end, -1 on error. */
static int logread_fill(struct logread *r, struct err *e)
{
	la_ssize_t n;

	if (r->eof)
		return 0;
	n = archive_read_data(r->a, r->out, LOGREAD_CHUNK);
	if (n < 0) {
		logread_set_archive_error(r, e);
		r->eof = 1;
		return -1;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->out_len = (size_t)n;
	r->out_pos = 0;
	return 1;
}

int logread_next(struct logread *r, const char **line, size_t *len, unsigned *flags, struct err *e)
{
	unsigned f = 0;
	int have = 0;

	sb_reset(&r->line);
	for (;;) {
		char *start, *nl;
		size_t avail, take;

		if (r->out_pos >= r->out_len) {
			int rc = logread_fill(r, e);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				if (!have)
					return 0;
				f |= LOGREAD_NO_EOL;
				break;
			}
		}
		have = 1;
		start = r->out + r->out_pos;
		avail = r->out_len - r->out_pos;
		nl = memchr(start, '\n', avail);
		take = nl != NULL ? (size_t)(nl - start) : avail;
		if (r->line.len < LOGREAD_LINE_MAX) {
			size_t room = LOGREAD_LINE_MAX - r->line.len;
			if (take > room) {
				sb_add(&r->line, start, room);
				f |= LOGREAD_TRUNCATED;
			} else {
				sb_add(&r->line, start, take);
			}
		} else if (take > 0) {
			f |= LOGREAD_TRUNCATED;
		}
		r->out_pos += take;
		if (nl != NULL) {
			r->out_pos++;
			break;
		}
	}
	if (r->line.len > 0 && r->line.buf[r->line.len - 1] == '\r')
		r->line.buf[--r->line.len] = '\0';
	r->lineno++;
	*line = sb_str(&r->line);
	*len = r->line.len;
	if (flags != NULL)
		*flags = f;
	return 1;
}

const char *logread_filter(const struct logread *r)
{
	return r->filter;
}

long long logread_lineno(const struct logread *r)
{
	return r->lineno;
}

int logread_each(const char *path, logread_line_fn *fn, void *arg, struct err *e)
{
	struct logread *r = logread_open(path, e);
	const char *line;
	size_t len;
	unsigned flags;
	int rc;

	if (r == NULL)
		return -1;
	while ((rc = logread_next(r, &line, &len, &flags, e)) > 0) {
		int stop = fn(arg, line, len, flags);
		if (stop != 0) {
			rc = stop;
			break;
		}
	}
	logread_free(&r);
	return rc < 0 ? -1 : rc;
}
