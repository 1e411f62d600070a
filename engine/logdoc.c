/* logdoc.c: the log viewer's document: opening, decoding, the sparse line index, reading and
 * following. */
#include "logdoc_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LD_SPACING_DEFAULT     (64 * 1024)
#define LD_CKPT_MAX_DEFAULT    32768
#define LD_OPEN_BUDGET_DEFAULT (256 * 1024)

static void ld_set_error(struct logdoc *d, const char *fmt, ...) PRINTFLIKE(2, 3);

static void ld_set_error(struct logdoc *d, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d->error.len > 0)
		return; /* the first error explains the rest */
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	sb_adds(&d->error, msg);
	free(msg);
}

/* --- counting ----------------------------------------------------------------- */

size_t logdoc_int_count_nl(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t c = 0, i = 0;

	/* Fixed-size inner blocks with a byte accumulator: compilers vectorise this. */
	while (i + 64 <= n) {
		unsigned char acc = 0;
		for (size_t k = 0; k < 64; k++)
			acc += p[i + k] == '\n';
		c += acc;
		i += 64;
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static const char *ld_memrchr(const char *p, int c, size_t n)
{
	while (n > 0) {
		n--;
		if (p[n] == (char)c)
			return p + n;
	}
	return NULL;
}

/* --- reading ------------------------------------------------------------------ */

size_t logdoc_int_pread(struct logdoc *d, long long off, char *buf, size_t n)
{
	size_t got = 0;

	if (off >= d->size)
		return 0;
	if ((long long)n > d->size - off)
		n = (size_t)(d->size - off);
	while (got < n) {
		ssize_t r = pread(d->fd, buf + got, n - got, (off_t)(off + (long long)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ld_set_error(d, "%s: %s", d->path, strerror(errno));
			break;
		}
		if (r == 0)
			break; /* shorter than we thought: refresh will tell */
		got += (size_t)r;
	}
	return got;
}

const char *logdoc_int_peek(struct logdoc *d, long long off, size_t *avail)
{
	long long start = off - off % LD_BLOCK;
	struct ld_block *b = NULL, *victim = &d->blocks[0];

	*avail = 0;
	if (off < 0 || off >= d->size)
		return NULL;
	for (size_t i = 0; i < LD_NBLOCKS; i++) {
		if (d->blocks[i].start == start) {
			b = &d->blocks[i];
			break;
		}
		if (d->blocks[i].use < victim->use)
			victim = &d->blocks[i];
	}
	/* a short block is stale once the text grew past it */
	if (b == NULL || (size_t)(off - start) >= b->len ||
	    (b->len < LD_BLOCK && start + (long long)b->len < d->size)) {
		if (b == NULL)
			b = victim;
		if (b->data == NULL)
			b->data = xmalloc(LD_BLOCK);
		b->start = start;
		b->len = logdoc_int_pread(d, start, b->data, LD_BLOCK);
		if ((size_t)(off - start) >= b->len) {
			b->start = -1;
			return NULL;
		}
	}
	b->use = ++d->use_clock;
	*avail = b->len - (size_t)(off - start);
	return b->data + (off - start);
}

static void ld_cache_clear(struct logdoc *d)
{
	for (size_t i = 0; i < LD_NBLOCKS; i++) {
		d->blocks[i].start = -1;
		d->blocks[i].len = 0;
	}
}

long long logdoc_int_find_nl(struct logdoc *d, long long off)
{
	for (;;) {
		size_t avail;
		const char *p = logdoc_int_peek(d, off, &avail), *nl;
		if (p == NULL)
			return -1;
		nl = memchr(p, '\n', avail);
		if (nl != NULL)
			return off + (nl - p);
		off += (long long)avail;
	}
}

/* The last newline before off, or -1. */
static long long ld_find_nl_back(struct logdoc *d, long long off)
{
	while (off > 0) {
		long long start = (off - 1) - (off - 1) % LD_BLOCK;
		size_t avail;
		const char *p = logdoc_int_peek(d, start, &avail), *nl;
		size_t n;
		if (p == NULL)
			return -1;
		n = (size_t)(off - start) < avail ? (size_t)(off - start) : avail;
		nl = ld_memrchr(p, '\n', n);
		if (nl != NULL)
			return start + (nl - p);
		off = start;
	}
	return -1;
}

/* Skips k newlines from off: the offset just after the k-th, or -1. */
static long long ld_skip_lines(struct logdoc *d, long long off, long long k)
{
	while (k > 0) {
		size_t avail;
		const char *p = logdoc_int_peek(d, off, &avail);
		size_t c;
		if (p == NULL)
			return -1;
		c = logdoc_int_count_nl(p, avail);
		if ((long long)c < k) {
			k -= (long long)c;
			off += (long long)avail;
			continue;
		}
		for (const char *q = p;; q++) {
			q = memchr(q, '\n', avail - (size_t)(q - p));
			if (--k == 0)
				return off + (q - p) + 1;
		}
	}
	return off;
}

const struct ld_long *logdoc_int_long_at(const struct logdoc *d, long long off)
{
	for (size_t i = 0; i < LD_NLONG; i++) {
		const struct ld_long *m = &d->longs[i];
		if (m->off >= 0 && m->gen == d->generation && off >= m->off && off <= m->end &&
		    (m->found || m->size == d->size))
			return m;
	}
	return NULL;
}

int logdoc_int_line(struct logdoc *d, long long off, struct logdoc_line *l)
{
	long long pos = off;
	char last = 0;
	int found = 0;
	const struct ld_long *memo = logdoc_int_long_at(d, off);

	if (off < 0 || off >= d->size)
		return 0;
	if (memo != NULL && memo->off != off)
		memo = NULL;
	sb_reset(&d->line_buf);
	for (;;) {
		size_t avail, take;
		const char *p;
		const char *nl;
		if (memo != NULL && d->line_buf.len > LOGDOC_TEXT_MAX) {
			/* the text is there; the end is known */
			pos = memo->end;
			found = memo->found;
			last = memo->last;
			break;
		}
		p = logdoc_int_peek(d, pos, &avail);
		if (p == NULL)
			break;
		nl = memchr(p, '\n', avail);
		take = nl != NULL ? (size_t)(nl - p) : avail;
		if (d->line_buf.len < LOGDOC_TEXT_MAX + 1) {
			size_t room = LOGDOC_TEXT_MAX + 1 - d->line_buf.len;
			sb_add(&d->line_buf, p, take < room ? take : room);
		}
		if (take > 0)
			last = p[take - 1];
		pos += (long long)take;
		if (nl != NULL) {
			found = 1;
			break;
		}
	}
	if (memo == NULL && pos - off > LD_LONG_LINE) {
		struct ld_long *m = &d->longs[d->next_long++ % LD_NLONG];
		m->off = off;
		m->end = pos;
		m->size = d->size;
		m->gen = d->generation;
		m->found = found;
		m->last = last;
	}
	memset(l, 0, sizeof *l);
	l->off = off;
	l->len = pos - off;
	l->next = found ? pos + 1 : pos;
	if (!found)
		l->flags |= LOGDOC_LINE_NO_EOL;
	if (l->len > 0 && last == '\r') {
		l->len--;
		l->flags |= LOGDOC_LINE_CRLF;
	}
	if (d->line_buf.len > (size_t)l->len)
		d->line_buf.len = (size_t)l->len;
	if (d->line_buf.len > LOGDOC_TEXT_MAX)
		d->line_buf.len = LOGDOC_TEXT_MAX;
	sb_grow(&d->line_buf, 0);
	d->line_buf.buf[d->line_buf.len] = '\0';
	l->text = d->line_buf.buf;
	l->text_len = d->line_buf.len;
	if ((long long)l->text_len < l->len)
		l->flags |= LOGDOC_LINE_CUT;
	return 1;
}

/* --- the index ------------------------------------------------------------------ */

static void ld_index_reset(struct logdoc *d)
{
	d->spacing = d->spacing0;
	d->nckpts = 1;
	d->ckpts[0].off = 0;
	d->ckpts[0].line = 0;
	d->idx_off = d->idx_lines = d->scan_off = 0;
}

/* Every other checkpoint goes and the spacing doubles: the index stays bounded. */
static void ld_index_thin(struct logdoc *d)
{
	size_t j = 0;

	for (size_t i = 0; i < d->nckpts; i += 2)
		d->ckpts[j++] = d->ckpts[i];
	d->nckpts = j;
	d->spacing *= 2;
}

static void ld_index_add(struct logdoc *d, long long off, long long line)
{
	if (d->nckpts == d->ckpt_max)
		ld_index_thin(d);
	if (off < d->ckpts[d->nckpts - 1].off + (long long)d->spacing)
		return; /* thinning moved the target */
	d->ckpts[d->nckpts].off = off;
	d->ckpts[d->nckpts].line = line;
	d->nckpts++;
}

void logdoc_int_index_feed(struct logdoc *d, long long base, const char *buf, size_t n)
{
	const char *p, *end;
	long long pos;

	if (base > d->scan_off || base + (long long)n <= d->scan_off)
		return;
	p = buf + (d->scan_off - base);
	end = buf + n;
	pos = d->scan_off;
	while (p < end) {
		long long target = d->ckpts[d->nckpts - 1].off + (long long)d->spacing;
		if (pos < target) {
			size_t seg = (size_t)(end - p);
			size_t c;
			if ((long long)seg > target - pos)
				seg = (size_t)(target - pos);
			c = logdoc_int_count_nl(p, seg);
			if (c > 0) {
				const char *nl = ld_memrchr(p, '\n', seg);
				d->idx_lines += (long long)c;
				d->idx_off = pos + (nl - p) + 1;
			}
			p += seg;
			pos += (long long)seg;
			continue;
		}
		if (d->idx_off == pos) {
			/* adds it, or thinning moved the target past pos */
			ld_index_add(d, pos, d->idx_lines);
			continue;
		}
		/* Past the target: the checkpoint goes at the next line start. */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			pos += end - p;
			p = end;
			break;
		}
		d->idx_lines++;
		pos += nl + 1 - p;
		p = nl + 1;
		d->idx_off = pos;
		ld_index_add(d, pos, d->idx_lines);
	}
	d->scan_off = pos;
}

int logdoc_int_decode_step(struct logdoc *d, size_t budget)
{
	size_t done = 0;

	while (!d->decoded && done < budget) {
		la_ssize_t n = archive_read_data(d->ar, d->decode_buf, LD_DECODE_BUF);
		size_t off = 0;
		if (n < 0) {
			const char *msg = archive_error_string(d->ar);
			ld_set_error(d, "%s: %s", d->path,
			             msg != NULL ? msg : "cannot decode the file");
			n = 0;
		}
		if (n == 0) {
			d->decoded = 1;
			break;
		}
		while (off < (size_t)n) {
			ssize_t w = pwrite(d->fd, d->decode_buf + off, (size_t)n - off,
			                   (off_t)(d->size + (long long)off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				ld_set_error(d, "%s: temporary file: %s", d->path,
				             w < 0 ? strerror(errno) : "short write");
				d->decoded = 1;
				break;
			}
			off += (size_t)w;
		}
		logdoc_int_index_feed(d, d->size, d->decode_buf, off);
		d->size += (long long)off;
		done += off;
	}
	if (d->decoded && d->ar != NULL) {
		archive_read_free(d->ar);
		d->ar = NULL;
		free(d->decode_buf);
		d->decode_buf = NULL;
	}
	return !d->decoded;
}

int logdoc_index_step(struct logdoc *d, size_t budget, struct err *e)
{
	size_t done = 0;

	(void)e; /* read errors are sticky in the document, see logdoc_info */
	while (done < budget) {
		if (d->scan_off < d->size) {
			size_t want = LD_SCAN, n;
			if ((long long)want > d->size - d->scan_off)
				want = (size_t)(d->size - d->scan_off);
			n = logdoc_int_pread(d, d->scan_off, d->scan_buf, want);
			if (n == 0) {
				d->size = d->scan_off; /* unreadable from here */
				break;
			}
			logdoc_int_index_feed(d, d->scan_off, d->scan_buf, n);
			done += n;
		} else if (!d->decoded) {
			size_t before = (size_t)d->size;
			logdoc_int_decode_step(d, budget - done);
			done += (size_t)d->size - before + 1;
		} else {
			break;
		}
	}
	return d->scan_off < d->size || !d->decoded;
}

/* --- opening ---------------------------------------------------------------------- */

static const char *ld_magic(const unsigned char *m, size_t n)
{
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x9d)
		return "compress (.Z)";
	if (n >= 4 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h' && m[3] >= '1' && m[3] <= '9')
		return "bzip2";
	if (n >= 6 && memcmp(m,
	                     "\xfd"
	                     "7zXZ\0",
	                     6) == 0)
		return "xz";
	if (n >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	return NULL;
}

static int ld_tmpfile(struct logdoc *d, struct err *e)
{
	char *tmpl = xasprintf("%s/nimadm-logdoc.XXXXXX", d->tmpdir);
	int fd = mkstemp(tmpl);

	if (fd < 0) {
		err_set(e, "%s: temporary file in %s: %s", d->path, d->tmpdir, strerror(errno));
		free(tmpl);
		return -1;
	}
	unlink(tmpl); /* gone with the last descriptor, whatever happens to us */
	free(tmpl);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* Sets up libarchive on the compressed input; 0, or -1 to show it raw. */
static int ld_start_decoder(struct logdoc *d, const char *magic_name)
{
	struct archive_entry *entry;
	int rc;

	d->ar = archive_read_new();
	if (d->ar == NULL)
		fatal("archive_read_new: out of memory");
	/* Only the compressions rotated logs use: filter_all would also accept
	 * lrzip, lzop, grzip... by running external programs. */
	archive_read_support_filter_gzip(d->ar);
	archive_read_support_filter_compress(d->ar);
	archive_read_support_filter_bzip2(d->ar);
	archive_read_support_filter_xz(d->ar);
	archive_read_support_filter_zstd(d->ar);
	archive_read_support_format_raw(d->ar);
	rc = archive_read_open_fd(d->ar, d->src_fd, 64 * 1024);
	if (rc == ARCHIVE_OK)
		rc = archive_read_next_header(d->ar, &entry);
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		const char *msg = archive_error_string(d->ar);
		ld_set_error(d, "%s: %s: shown undecoded", d->path,
		             msg != NULL ? msg : "cannot decode the file");
		archive_read_free(d->ar);
		d->ar = NULL;
		return -1;
	}
	if (archive_filter_count(d->ar) < 2 ||
	    archive_filter_code(d->ar, 0) == ARCHIVE_FILTER_NONE) {
		/* no decoder took it: the magic was a coincidence */
		ld_set_error(d, "%s: not a valid %s file: shown undecoded", d->path, magic_name);
		archive_read_free(d->ar);
		d->ar = NULL;
		return -1;
	}
	d->decode_buf = xmalloc(LD_DECODE_BUF);
	return 0;
}

/* Takes fd (the file at d->path) as the document's text. */
static int ld_setup(struct logdoc *d, int fd, struct err *e)
{
	struct stat st;
	unsigned char magic[8];
	ssize_t n;
	const char *filter;

	if (fstat(fd, &st) != 0) {
		err_set(e, "%s: %s", d->path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", d->path);
		close(fd);
		return -1;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->generation++;
	sb_reset(&d->error);
	ld_cache_clear(d);
	ld_index_reset(d);
	do
		n = pread(fd, magic, sizeof magic, 0);
	while (n < 0 && errno == EINTR);
	filter = n > 0 ? ld_magic(magic, (size_t)n) : NULL;
	d->filter = "none";
	d->decoded = 1;
	d->compressed = 0;
	if (filter != NULL) {
		int tfd = ld_tmpfile(d, e);
		if (tfd < 0) {
			close(fd);
			return -1;
		}
		d->src_fd = fd;
		d->src_size = (long long)st.st_size;
		d->src_mtime = (long long)st.st_mtime;
		if (ld_start_decoder(d, filter) == 0) {
			d->fd = tfd;
			d->size = 0;
			d->compressed = 1;
			d->decoded = 0;
			d->filter = filter;
			logdoc_int_decode_step(d, d->open_budget);
			if (d->size > 0 || d->error.len == 0)
				return 0;
			/* not one byte decoded: the magic lied, show the bytes */
			sb_adds(&d->error, ": shown undecoded");
			d->compressed = 0;
			d->decoded = 1;
			d->filter = "none";
			ld_index_reset(d);
		}
		close(tfd);
		d->src_fd = -1;
	}
	d->fd = fd;
	d->size = (long long)st.st_size;
	return 0;
}

static void ld_close_text(struct logdoc *d)
{
	if (d->ar != NULL)
		archive_read_free(d->ar);
	d->ar = NULL;
	free(d->decode_buf);
	d->decode_buf = NULL;
	if (d->fd >= 0)
		close(d->fd);
	if (d->src_fd >= 0)
		close(d->src_fd);
	d->fd = d->src_fd = -1;
	d->size = 0;
}

static int ld_open_path(const char *path, struct err *e)
{
	int fd;

	do
		fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

struct logdoc *logdoc_open(const char *path, const struct logdoc_opts *o, struct err *e)
{
	struct logdoc *d;
	const char *tmp;
	int fd = ld_open_path(path, e);

	if (fd < 0)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	d->fd = d->src_fd = -1;
	d->spacing0 = o != NULL && o->ckpt_spacing > 0 ? o->ckpt_spacing : LD_SPACING_DEFAULT;
	d->ckpt_max = o != NULL && o->ckpt_max >= 4 ? o->ckpt_max : LD_CKPT_MAX_DEFAULT;
	d->open_budget = o != NULL && o->open_budget > 0 ? o->open_budget : LD_OPEN_BUDGET_DEFAULT;
	tmp = o != NULL && o->tmpdir != NULL ? o->tmpdir : getenv("TMPDIR");
	d->tmpdir = xstrdup(tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	d->ckpts = xcalloc(d->ckpt_max, sizeof *d->ckpts);
	d->scan_buf = xmalloc(LD_SCAN);
	for (size_t i = 0; i < LD_NBLOCKS; i++)
		d->blocks[i].start = -1;
	for (size_t i = 0; i < LD_NLONG; i++)
		d->longs[i].off = -1;
	if (ld_setup(d, fd, e) != 0) {
		logdoc_free(&d);
		return NULL;
	}
	return d;
}

void logdoc_free(struct logdoc **dp)
{
	struct logdoc *d = *dp;

	if (d == NULL)
		return;
	ld_close_text(d);
	for (size_t i = 0; i < LD_NBLOCKS; i++)
		free(d->blocks[i].data);
	free(d->ckpts);
	free(d->scan_buf);
	sb_free(&d->line_buf);
	sb_free(&d->error);
	free(d->tmpdir);
	free(d->path);
	free(d);
	*dp = NULL;
}

void logdoc_info(const struct logdoc *d, struct logdoc_info *out)
{
	size_t blocks = 0;

	memset(out, 0, sizeof *out);
	out->path = d->path;
	out->filter = d->filter;
	out->size = d->size;
	out->indexed = d->idx_off;
	out->decoded = d->decoded;
	out->complete = d->decoded && d->scan_off >= d->size;
	out->no_eol = d->size > d->idx_off && d->scan_off >= d->size;
	out->lines = d->idx_lines + (d->size > d->idx_off ? 1 : 0);
	out->ckpts = d->nckpts;
	out->ckpt_spacing = d->spacing;
	out->index_bytes = d->ckpt_max * sizeof *d->ckpts;
	for (size_t i = 0; i < LD_NBLOCKS; i++)
		if (d->blocks[i].data != NULL)
			blocks++;
	out->mem_bytes = sizeof *d + out->index_bytes + LD_SCAN + blocks * LD_BLOCK +
	                 d->line_buf.cap + (d->decode_buf != NULL ? LD_DECODE_BUF : 0);
	out->generation = d->generation;
	out->error = sb_str(&d->error);
}

/* --- lines -------------------------------------------------------------------------- */

long long logdoc_lineno(struct logdoc *d, long long off)
{
	size_t lo = 0, hi;
	long long pos, count = 0;

	if (off < 0)
		off = 0;
	if (off > d->scan_off)
		return LOGDOC_LINE_UNKNOWN;
	if (off >= d->idx_off)
		return d->idx_lines + 1;
	/* the last checkpoint at or before off */
	hi = d->nckpts;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ckpts[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	pos = d->ckpts[lo].off;
	while (pos < off) {
		size_t avail;
		const char *p = logdoc_int_peek(d, pos, &avail);
		if (p == NULL)
			return LOGDOC_LINE_UNKNOWN;
		if ((long long)avail > off - pos)
			avail = (size_t)(off - pos);
		count += (long long)logdoc_int_count_nl(p, avail);
		pos += (long long)avail;
	}
	return d->ckpts[lo].line + count + 1;
}

long long logdoc_int_lineno_near(struct logdoc *d, long long off)
{
	while (off > d->scan_off && off - d->scan_off <= LD_NEAR &&
	       (d->scan_off < d->size || !d->decoded))
		if (logdoc_index_step(d, LD_SCAN, NULL) <= 0)
			break;
	return logdoc_lineno(d, off);
}

long long logdoc_lineno_estimate(struct logdoc *d, long long off)
{
	long long n = logdoc_lineno(d, off);
	double per_line;

	if (n != LOGDOC_LINE_UNKNOWN)
		return n;
	per_line = d->idx_lines > 0 ? (double)d->idx_off / (double)d->idx_lines : 80.0;
	if (per_line < 1)
		per_line = 1;
	return d->idx_lines + 1 + (long long)((double)(off - d->idx_off) / per_line);
}

long long logdoc_line_start(struct logdoc *d, long long off)
{
	const struct ld_long *m;
	long long nl;

	if (d->size == 0 || off <= 0)
		return 0;
	if (off >= d->size)
		off = d->size - 1; /* the end (after a final newline) is on the last line */
	if ((m = logdoc_int_long_at(d, off)) != NULL)
		return m->off;
	nl = ld_find_nl_back(d, off);
	return nl < 0 ? 0 : nl + 1;
}

long long logdoc_next_line(struct logdoc *d, long long off)
{
	const struct ld_long *m = logdoc_int_long_at(d, off);
	long long nl = m != NULL && m->found ? m->end : logdoc_int_find_nl(d, off < 0 ? 0 : off);

	if (nl < 0 || nl + 1 >= d->size)
		return -1;
	return nl + 1;
}

long long logdoc_prev_line(struct logdoc *d, long long off)
{
	long long s = logdoc_line_start(d, off);

	if (s <= 0)
		return -1;
	return logdoc_line_start(d, s - 1);
}

int logdoc_at_end(struct logdoc *d, long long off, size_t rows)
{
	long long s = logdoc_line_start(d, off);

	for (size_t i = 1; i < rows; i++) {
		s = logdoc_next_line(d, s);
		if (s < 0)
			return 1;
	}
	return logdoc_next_line(d, s) < 0;
}

long long logdoc_tail(struct logdoc *d, size_t count)
{
	long long s = logdoc_line_start(d, d->size);

	while (count > 1) {
		long long p = logdoc_prev_line(d, s);
		if (p < 0)
			break;
		s = p;
		count--;
	}
	return s;
}

long long logdoc_seek_line(struct logdoc *d, long long lineno)
{
	long long want = lineno < 1 ? 0 : lineno - 1; /* newlines before it */
	size_t lo = 0, hi;
	long long off;

	while (want > d->idx_lines && (d->scan_off < d->size || !d->decoded))
		if (logdoc_index_step(d, LD_SCAN, NULL) <= 0 && want > d->idx_lines)
			break;
	if (want > d->idx_lines) {
		/* past the end: the last line */
		if (d->size > d->idx_off)
			return d->idx_off;
		return logdoc_tail(d, 1);
	}
	if (want == d->idx_lines)
		return d->idx_off < d->size ? d->idx_off : logdoc_tail(d, 1);
	hi = d->nckpts;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ckpts[mid].line <= want)
			lo = mid;
		else
			hi = mid;
	}
	off = ld_skip_lines(d, d->ckpts[lo].off, want - d->ckpts[lo].line);
	return off < 0 ? logdoc_tail(d, 1) : off;
}

int logdoc_line_at(struct logdoc *d, long long off, struct logdoc_line *out)
{
	long long s = logdoc_line_start(d, off);

	if (off >= d->size || !logdoc_int_line(d, s, out))
		return 0;
	out->lineno = logdoc_lineno(d, s);
	return 1;
}

size_t logdoc_fetch(struct logdoc *d, long long off, size_t count, logdoc_line_fn *fn, void *arg)
{
	long long s, lineno;
	size_t n = 0;
	struct logdoc_line l;

	if (off >= d->size)
		return 0;
	s = logdoc_line_start(d, off);
	lineno = logdoc_int_lineno_near(d, s);
	while (n < count && logdoc_int_line(d, s, &l)) {
		l.lineno = lineno;
		n++;
		if (fn(arg, &l) != 0)
			break;
		if (lineno != LOGDOC_LINE_UNKNOWN)
			lineno++;
		if (l.next >= d->size)
			break;
		s = l.next;
	}
	return n;
}

size_t logdoc_fetch_lines(struct logdoc *d, long long lineno, size_t count, logdoc_line_fn *fn,
                          void *arg)
{
	return logdoc_fetch(d, logdoc_seek_line(d, lineno), count, fn, arg);
}

/* --- following ------------------------------------------------------------------------ */

/* Drops everything derived from the text: its offsets are meaningless now. */
static void ld_restart(struct logdoc *d)
{
	d->generation++;
	ld_cache_clear(d);
	ld_index_reset(d);
}

int logdoc_refresh(struct logdoc *d, struct err *e)
{
	struct stat st, pst;
	int flags = 0;

	if (stat(d->path, &pst) != 0) {
		if (errno == ENOENT)
			flags |= LOGDOC_GONE;
	} else if (pst.st_dev != d->dev || pst.st_ino != d->ino ||
	           (d->compressed && ((long long)pst.st_size != d->src_size ||
	                              (long long)pst.st_mtime != d->src_mtime))) {
		int fd = ld_open_path(d->path, e);
		if (fd < 0)
			return -1;
		ld_close_text(d);
		if (ld_setup(d, fd, e) != 0) {
			/* the old descriptors are closed: an empty document remains */
			d->fd = -1;
			d->size = 0;
			return -1;
		}
		return flags | LOGDOC_ROTATED;
	}
	if (d->compressed || d->fd < 0)
		return flags;
	if (fstat(d->fd, &st) != 0) {
		err_set(e, "%s: %s", d->path, strerror(errno));
		return -1;
	}
	if ((long long)st.st_size < d->size) {
		ld_restart(d);
		d->size = (long long)st.st_size;
		flags |= LOGDOC_TRUNCATED;
	} else if ((long long)st.st_size > d->size) {
		/* the last cached block may be short: logdoc_int_peek rereads it */
		d->size = (long long)st.st_size;
		flags |= LOGDOC_GREW;
	}
	return flags;
}
