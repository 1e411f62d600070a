/* logdoc_int.h: the log document's private state, shared by engine/logdoc*.c only. */
#ifndef NIMADM_LOGDOC_INT_H
#define NIMADM_LOGDOC_INT_H

#include <sys/types.h>

#include "logdoc.h"

#define LD_BLOCK      (64 * 1024)   /* block cache unit */
#define LD_NBLOCKS    4             /* blocks cached */
#define LD_SCAN       (1024 * 1024) /* window of index steps and searches */
#define LD_WIN_MIN    (64 * 1024)   /* smallest window of a search step */
#define LD_DECODE_BUF (64 * 1024)
#define LD_NLONG      4                 /* long lines remembered */
#define LD_LONG_LINE  (256 * 1024)      /* what counts as long */
#define LD_NEAR       (4 * 1024 * 1024) /* index this far to number a line exactly */

struct archive;

/* A checkpoint: `off` is a line start and `line` the number of newlines before it. */
struct ld_ckpt {
	long long off;
	long long line;
};

/* Where a long line ends, so redrawing it does not scan it again. */
struct ld_long {
	long long off;  /* the line's start; -1: empty */
	long long end;  /* its newline, or the text end */
	long long size; /* the text's size when seen (a line without newline may grow) */
	unsigned long gen;
	int found; /* a newline ends it */
	char last; /* the byte before end */
};

struct ld_block {
	long long start; /* -1: empty */
	size_t len;
	unsigned long use;
	char *data;
};

struct logdoc {
	char *path;
	int fd;     /* the text: the file itself, or the temporary file */
	int src_fd; /* compressed: the input file; else -1 */
	dev_t dev;  /* of the file at path when opened */
	ino_t ino;
	long long src_size; /* compressed: the input's size when opened */
	long long src_mtime;
	long long size; /* bytes of text available */
	int compressed;
	const char *filter;
	struct archive *ar; /* compressed and not fully decoded */
	int decoded;
	char *decode_buf;
	char *tmpdir;
	size_t open_budget;
	unsigned long generation;
	struct strbuf error; /* sticky read or decoding error */

	/* the index */
	struct ld_ckpt *ckpts;
	size_t nckpts, ckpt_max;
	size_t spacing, spacing0;
	long long idx_off;   /* line start up to which newlines are counted */
	long long idx_lines; /* newlines before idx_off */
	long long scan_off;  /* >= idx_off: bytes before it are counted (no newline in
	                        [idx_off, scan_off)) */

	/* reading */
	struct ld_block blocks[LD_NBLOCKS];
	unsigned long use_clock;
	char *scan_buf; /* LD_SCAN bytes, for index steps and searches */
	struct ld_long longs[LD_NLONG];
	unsigned next_long;
	struct strbuf line_buf;
};

/* Reads up to n bytes at off (never past d->size) into buf; the count read, 0
 * at the end; a read error is recorded in d->error and reads as the end. */
size_t logdoc_int_pread(struct logdoc *d, long long off, char *buf, size_t n);
/* Bytes at off from the block cache: a pointer valid until the next read, and
 * how many follow contiguously (0 at the end). */
const char *logdoc_int_peek(struct logdoc *d, long long off, size_t *avail);
/* Offset of the first newline at or after off, or -1 (none before the end). */
long long logdoc_int_find_nl(struct logdoc *d, long long off);
/* Feeds text at `base` to the index where it continues the scanned part. */
void logdoc_int_index_feed(struct logdoc *d, long long base, const char *buf, size_t n);
/* Decodes about budget bytes of a compressed input: 1 more remains, 0 done. */
int logdoc_int_decode_step(struct logdoc *d, size_t budget);
/* Newlines in p[0..n). */
size_t logdoc_int_count_nl(const char *p, size_t n);
/* The line number of off; when the index is short of it by at most LD_NEAR
 * bytes, indexes up to it first. */
long long logdoc_int_lineno_near(struct logdoc *d, long long off);
/* The remembered long line holding off (its newline included), or NULL. */
const struct ld_long *logdoc_int_long_at(const struct logdoc *d, long long off);
/* Fills l for the line starting at off, text in d->line_buf. 0 past the end. */
int logdoc_int_line(struct logdoc *d, long long off, struct logdoc_line *l);

#endif
