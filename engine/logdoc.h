/*
 * logdoc.h: the log viewer's document. Opens any log file, plain or
 * compressed (gzip, compress .Z, bzip2, xz, zstd: detected by magic), and
 * serves it to a viewer with bounded memory whatever its size: the file is
 * never read whole, a sparse line index (one checkpoint every few tens of KiB,
 * thinned when it grows too long) is built incrementally in budgeted steps,
 * and a compressed file is decompressed step by step into an unlinked
 * temporary file, so the first screen shows at once.
 *
 * Positions are byte offsets into the (decompressed) text. Line numbers are
 * 1-based and exact where the index has reached; beyond it they are
 * LOGDOC_LINE_UNKNOWN (a viewer can show logdoc_lineno_estimate() as "~N",
 * like less). Every search, jump and filter works stepwise with a byte budget,
 * so a viewer calls them from its idle loop and never blocks.
 *
 * Lifetime: a logdoc owns its file descriptors, its temporary file, its index
 * and a small block cache. Searches and filters borrow the document, which
 * must outlive them. Nothing here prints or knows about curses, and nothing is
 * thread-safe: one thread (the event loop) uses a document and its searches.
 *
 * Read errors after open (EIO, a vanished NFS mount) are sticky: the document
 * then behaves as if it ended there, and logdoc_info() reports the error.
 */
#ifndef NIMADM_LOGDOC_H
#define NIMADM_LOGDOC_H

#include <stddef.h>

#include "kb.h"
#include "util.h"

#define LOGDOC_LINE_UNKNOWN 0LL

/* Lines are delivered with at most this many bytes of text (the rest of a
 * longer line is read on demand by logdoc_render()). */
#define LOGDOC_TEXT_MAX (64 * 1024)
/* The longest search string. */
#define LOGDOC_NEEDLE_MAX 1024

struct logdoc;

/* Tuning; a zeroed struct (or NULL) gives the defaults. */
struct logdoc_opts {
	size_t ckpt_spacing; /* bytes between index checkpoints (default 64 KiB) */
	size_t ckpt_max;     /* checkpoints before the index is thinned (default 32768) */
	size_t open_budget;  /* compressed: bytes decoded by logdoc_open (default 256 KiB) */
	const char *tmpdir;  /* compressed: where the text goes (default $TMPDIR, else /tmp) */
};

/* Opens PATH (a regular file). NULL with e filled when it cannot be opened.
 * A compressed file that cannot be decoded at all is shown as it is. */
struct logdoc *logdoc_open(const char *path, const struct logdoc_opts *o, struct err *e);
/* Closes everything, removes the temporary file, frees *d and NULLs it. */
void logdoc_free(struct logdoc **d);

struct logdoc_info {
	const char *path;         /* as opened; owned by the document */
	const char *filter;       /* "none", "gzip", "compress (.Z)", "bzip2", "xz", "zstd" */
	long long size;           /* bytes of text available now */
	long long lines;          /* lines in the text so far (exact when indexed) */
	long long indexed;        /* bytes the index covers (up to a line start) */
	int complete;             /* the index covers every available byte and the whole
	                             compressed input is decoded: lines is exact */
	int decoded;              /* the whole input is decoded (always 1 when plain) */
	int no_eol;               /* the text ends without a newline (known once indexed) */
	size_t ckpts;             /* index checkpoints */
	size_t ckpt_spacing;      /* bytes between them now */
	size_t index_bytes;       /* memory held by the index */
	size_t mem_bytes;         /* memory held by the document (index, buffers, cache) */
	unsigned long generation; /* bumped when truncation or rotation reset the text */
	const char *error;        /* a read or decoding error ("" when none); owned */
};
void logdoc_info(const struct logdoc *d, struct logdoc_info *out);

/*
 * Extends the index (and decodes a compressed file) by about `budget` bytes.
 * Returns 1 while more work remains, 0 when the index covers all available
 * text (a growing file may have more after logdoc_refresh), -1 on error (e).
 */
int logdoc_index_step(struct logdoc *d, size_t budget, struct err *e);

/* --- lines ------------------------------------------------------------------ */

/* Flags of a delivered line. */
#define LOGDOC_LINE_CUT    0x1 /* text holds only the first LOGDOC_TEXT_MAX bytes */
#define LOGDOC_LINE_NO_EOL 0x2 /* the last line, without a newline (yet) */
#define LOGDOC_LINE_CRLF   0x4 /* the line ended in CR LF; the CR is not in text or len */

struct logdoc_line {
	long long off;    /* byte offset of the line's start */
	long long next;   /* byte offset of the next line's start (end of text if none) */
	long long len;    /* the line's full length, without newline (and CR) */
	long long lineno; /* 1-based, or LOGDOC_LINE_UNKNOWN */
	const char *text; /* raw bytes (may hold NULs), NUL-terminated; valid only
	                     during the callback */
	size_t text_len;  /* min(len, LOGDOC_TEXT_MAX) */
	unsigned flags;
};
/* Return non-zero to stop. */
typedef int logdoc_line_fn(void *arg, const struct logdoc_line *l);

/* Delivers up to count lines from the line holding byte `off`. Returns the
 * number delivered (0 past the end). When the index is short of off by at most
 * a few MiB it is extended first, so the lines come numbered; farther away
 * they come with LOGDOC_LINE_UNKNOWN until logdoc_index_step gets there. */
size_t logdoc_fetch(struct logdoc *d, long long off, size_t count, logdoc_line_fn *fn, void *arg);
/* The same from line number `lineno`, indexing as far as needed (a far jump
 * costs a scan up to it: use logdoc_index_step to get there in steps). */
size_t logdoc_fetch_lines(struct logdoc *d, long long lineno, size_t count, logdoc_line_fn *fn,
                          void *arg);
/* One line into `out` (a copy of the callback's view; out->text owned by d,
 * valid until the next call on d). 1, or 0 when off is past the end. */
int logdoc_line_at(struct logdoc *d, long long off, struct logdoc_line *out);

/* Navigation by offset; every result is a line start. */
long long logdoc_line_start(struct logdoc *d, long long off); /* of the line holding off */
long long logdoc_next_line(struct logdoc *d, long long off);  /* -1 when off is on the last */
long long logdoc_prev_line(struct logdoc *d, long long off);  /* -1 when off is on the first */
/* The start of line `lineno` (clamped to the first and last lines), indexing as
 * far as needed. */
long long logdoc_seek_line(struct logdoc *d, long long lineno);
/* Whether a view of `rows` lines whose top line holds off shows the last line:
 * a viewer keeps following while this is true. */
int logdoc_at_end(struct logdoc *d, long long off, size_t rows);
/* The first of the last `count` lines: where a following view's top goes. */
long long logdoc_tail(struct logdoc *d, size_t count);
/* Exact 1-based number of the line holding off, or LOGDOC_LINE_UNKNOWN when the
 * index has not reached it. Cheap: a checkpoint and a short count. */
long long logdoc_lineno(struct logdoc *d, long long off);
/* An estimate for a line beyond the index (exact where the index has reached). */
long long logdoc_lineno_estimate(struct logdoc *d, long long off);

/* --- what a line is ----------------------------------------------------------- */

/* Line kinds (bits, combinable as a mask for jumps and filters). */
#define LOGDOC_KIND_BANNER  0x1 /* "Executing nimadm phase N." */
#define LOGDOC_KIND_ERROR   0x2 /* a message of severity error */
#define LOGDOC_KIND_WARNING 0x4 /* a message of severity warning or attention */
#define LOGDOC_KIND_INFO    0x8 /* any other message: a code, or a line the KB knows */
#define LOGDOC_KIND_MESSAGES \
	(LOGDOC_KIND_BANNER | LOGDOC_KIND_ERROR | LOGDOC_KIND_WARNING | LOGDOC_KIND_INFO)

/*
 * What a line is (0 for an ordinary line). Messages are lines carrying a
 * message code NNNN-NNN or known to the knowledge base; their severity
 * follows the phase tracker's rules (a harmless KB entry is info; the words
 * ERROR, ATTENTION, WARNING; the entry's severity; 0505 codes are errors).
 * Lines with the word ERROR, WARNING or ATTENTION and no code count too.
 * For a banner, *phase (may be NULL) gets its number.
 */
unsigned logdoc_classify(const char *line, size_t len, int *phase);
/* The knowledge-base entry explaining the line at off, or NULL. */
const struct kb_entry *logdoc_kb_at(struct logdoc *d, long long off);

/* --- search and jumps --------------------------------------------------------- */

#define LOGDOC_ICASE    0x1 /* ASCII letters match either case */
#define LOGDOC_BACKWARD 0x2 /* search towards the start */
#define LOGDOC_WRAP     0x4 /* continue from the other end, up to the start point */

enum logdoc_status { LOGDOC_MORE, LOGDOC_FOUND, LOGDOC_NOT_FOUND, LOGDOC_FAILED };

struct logdoc_hit {
	long long off;      /* the match's first byte (a jump: the line's start) */
	long long len;      /* the match's length (a jump: 0) */
	long long line_off; /* start of the line holding it */
	long long lineno;   /* 1-based; LOGDOC_LINE_UNKNOWN when the index is far behind */
	unsigned kind;      /* a jump: the line's LOGDOC_KIND_*; a search: 0 */
	int phase;          /* a banner's phase number, else 0 */
	int wrapped;        /* found after wrapping around */
};

struct logdoc_search;

/*
 * A search for a fixed string: forward it finds the first match starting at
 * or after `from`, backward the last one starting before `from`. Nothing is
 * searched until logdoc_search_step. NULL with e for an empty or too long
 * needle. The text searched is what is available when the search starts (a
 * compressed file is decoded as the search goes).
 */
struct logdoc_search *logdoc_search_start(struct logdoc *d, const char *needle, size_t len,
                                          unsigned flags, long long from, struct err *e);
/* A jump: the next (or with LOGDOC_BACKWARD previous) line of one of `kinds`,
 * starting after (before) the line holding `from`. */
struct logdoc_search *logdoc_jump_start(struct logdoc *d, unsigned kinds, unsigned flags,
                                        long long from, struct err *e);
/*
 * Searches about `budget` bytes more. LOGDOC_MORE: call again; LOGDOC_FOUND:
 * *hit filled; LOGDOC_NOT_FOUND; LOGDOC_FAILED: a read error, or the file was
 * truncated or replaced meanwhile (e). After FOUND or NOT_FOUND the search is
 * finished; start a new one for `n`.
 */
enum logdoc_status logdoc_search_step(struct logdoc_search *s, size_t budget,
                                      struct logdoc_hit *hit, struct err *e);
/* Bytes searched so far and in all, for a progress indicator. */
void logdoc_search_progress(const struct logdoc_search *s, long long *done, long long *total);
/* Stops and frees the search; NULLs *s. */
void logdoc_search_cancel(struct logdoc_search **s);

/* Finds needle in text (for highlighting): the first match at or after `from`,
 * its offset, or -1. */
long logdoc_find_in(const char *text, size_t len, size_t from, const char *needle, size_t nlen,
                    unsigned flags);
/* Every match in count lines from the line holding `off`: fn(arg, line, match
 * start in the line, match length) for each; fn returns non-zero to stop.
 * Matches are found in each line's first LOGDOC_TEXT_MAX bytes. Returns the
 * number of matches reported. */
typedef int logdoc_match_fn(void *arg, const struct logdoc_line *l, size_t start, size_t len);
size_t logdoc_matches(struct logdoc *d, long long off, size_t count, const char *needle,
                      size_t nlen, unsigned flags, logdoc_match_fn *fn, void *arg);

/* --- the messages-only filter ------------------------------------------------- */

struct logdoc_filter_entry {
	long long off;    /* the line's start */
	long long lineno; /* 1-based */
	unsigned kind;    /* LOGDOC_KIND_* */
	int phase;        /* a banner's phase */
};
/* At most this many entries are kept (bounded memory); more are counted. */
#define LOGDOC_FILTER_MAX (256 * 1024)

struct logdoc_filter;
/* The list of lines of one of `kinds`, built stepwise from the start. Owned. */
struct logdoc_filter *logdoc_filter_new(struct logdoc *d, unsigned kinds);
/* Scans about `budget` bytes more: 1 while more remains, 0 when the list covers
 * all available text (call again after logdoc_refresh reports growth; a
 * truncated or replaced file restarts the list), -1 on error (e). */
int logdoc_filter_step(struct logdoc_filter *f, size_t budget, struct err *e);
size_t logdoc_filter_count(const struct logdoc_filter *f);
/* Entry i (0-based), or NULL; valid until the next step. */
const struct logdoc_filter_entry *logdoc_filter_at(const struct logdoc_filter *f, size_t i);
/* The index of the first entry at or after byte off (count when none). */
size_t logdoc_filter_find(const struct logdoc_filter *f, long long off);
/* Lines that matched beyond LOGDOC_FILTER_MAX and were not kept. */
long long logdoc_filter_dropped(const struct logdoc_filter *f);
void logdoc_filter_free(struct logdoc_filter **f);

/* --- follow ------------------------------------------------------------------- */

#define LOGDOC_GREW      0x1 /* text was appended (and is ready to index) */
#define LOGDOC_TRUNCATED 0x2 /* the file got shorter: reread from the start */
#define LOGDOC_ROTATED                                                      \
	0x4             /* the path names another file now: reopened; for a \
	                   compressed file, any change of it */
#define LOGDOC_GONE 0x8 /* the path is gone; the old text stays */

/* Notices growth, truncation and rotation. After TRUNCATED or ROTATED every
 * offset and line number is stale (the generation changed). Returns the
 * flags (0: nothing changed), or -1 with e when a rotated file cannot be
 * opened (the old text stays). */
int logdoc_refresh(struct logdoc *d, struct err *e);

/* --- display ------------------------------------------------------------------ */

#define LOGDOC_ATTR_MATCH  0x1 /* part of a search match */
#define LOGDOC_ATTR_ESCAPE 0x2 /* an escape written for a control or invalid byte */

/*
 * A line as the viewer draws it: the bytes escaped like cmd_escape_display()
 * (control characters ^X, DEL ^?, C1 controls and invalid UTF-8 \xNN, TAB to
 * the next multiple of 8 columns, valid UTF-8 one column each), from display
 * column first_col, at most width columns. A character cut by either edge
 * shows only its visible part. Reused between calls; zero-initialise, free
 * with logdoc_render_free.
 */
struct logdoc_render {
	struct strbuf text;  /* the escaped text, NUL-terminated */
	unsigned char *attr; /* LOGDOC_ATTR_* for each byte of text */
	size_t attr_cap;
	int cols;       /* columns used */
	int more_left;  /* the line has text left of first_col */
	int more_right; /* the line goes on right of the window */
};
/* Renders the line starting at line_off. needle (may be NULL) is highlighted
 * with flags' LOGDOC_ICASE. Works for lines of any length with bounded memory.
 * 0, or -1 when line_off is past the end. */
int logdoc_render(struct logdoc *d, long long line_off, long long first_col, int width,
                  const char *needle, size_t nlen, unsigned flags, struct logdoc_render *r);
/* The same for bytes in memory. */
void logdoc_render_text(const char *s, size_t len, long long first_col, int width,
                        const char *needle, size_t nlen, unsigned flags, struct logdoc_render *r);
void logdoc_render_free(struct logdoc_render *r);

/* Display columns of a line's text (the same rules; for a horizontal scrollbar). */
long long logdoc_text_cols(const char *s, size_t len);

#endif
