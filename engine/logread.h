/*
 * logread.h: read any log file line by line, plain or compressed (gzip,
 * compress .Z, bzip2, xz, zstd: detected by magic through libarchive, not by
 * the file's name), with bounded memory: the file is never read whole, only
 * one chunk and one line are held at a time.
 */
#ifndef NIMADM_LOGREAD_H
#define NIMADM_LOGREAD_H

#include <stddef.h>

#include "util.h"

/* Lines longer than this are cut here; the rest up to the newline is dropped. */
#define LOGREAD_LINE_MAX (64 * 1024)

/* Flags of a line. */
#define LOGREAD_TRUNCATED 0x1 /* the line was longer than LOGREAD_LINE_MAX */
#define LOGREAD_NO_EOL    0x2 /* the last line, without a final newline */

struct logread;

/* Opens PATH ("-" reads standard input). An empty file is a log with no
 * lines. NULL with e filled when the file cannot be opened or decoded. */
struct logread *logread_open(const char *path, struct err *e);
/* Reads from fd (not closed by logread_free; the caller keeps it open
 * until then). `name` is used in error messages. */
struct logread *logread_open_fd(int fd, const char *name, struct err *e);
/* Closes the file (unless it came from logread_open_fd) and frees r; NULLs *r. */
void logread_free(struct logread **r);

/*
 * The next line: returns 1 and sets *line (NUL-terminated, without its
 * newline; a CR before the newline is removed too) and *len; 0 at the end;
 * -1 on a read or decoding error (e filled; lines already delivered stand).
 * *line is owned by r and valid until the next call. flags may be NULL.
 */
int logread_next(struct logread *r, const char **line, size_t *len, unsigned *flags, struct err *e);

/* How the file was compressed: "none", "gzip", "compress (.Z)", "bzip2", "xz", "zstd". */
const char *logread_filter(const struct logread *r);
/* Lines delivered so far (the number of the last line returned). */
long long logread_lineno(const struct logread *r);

/* Convenience: calls fn for every line of PATH; stops early when fn returns
 * non-zero (and returns that value). Returns 0 at the end, -1 on error (e). */
typedef int logread_line_fn(void *arg, const char *line, size_t len, unsigned flags);
int logread_each(const char *path, logread_line_fn *fn, void *arg, struct err *e);

#endif
