/* util.h: allocation wrappers that abort, the error carrier, growable strings and string vectors.
 */
#ifndef NIMADM_UTIL_H
#define NIMADM_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN         __attribute__((noreturn))
#else
#define PRINTFLIKE(f, a)
#define NORETURN
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these never return NULL; on exhaustion they call fatal(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTFLIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTFLIKE(1, 0);

/*
 * fatal() is for broken invariants and exhaustion only. The engine never
 * prints: it calls the hook the program installed (the TUI restores the
 * terminal there), then writes the message to stderr and aborts.
 */
typedef void (*fatal_hook_fn)(void);
void fatal_set_hook(fatal_hook_fn hook);
NORETURN void fatal(const char *fmt, ...) PRINTFLIKE(1, 2);

/*
 * A recoverable error: functions that can fail take a struct err * (may be
 * NULL), fill it and return -1 or NULL. `field` names the parameter a
 * validation error is about (a static string, or NULL).
 */
struct err {
	char msg[512];
	const char *field;
};
void err_set(struct err *e, const char *fmt, ...) PRINTFLIKE(2, 3);
void err_set_field(struct err *e, const char *field, const char *fmt, ...) PRINTFLIKE(3, 4);
void err_clear(struct err *e);

/* A growable NUL-terminated byte string. Zero-initialise before use. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const char *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) PRINTFLIKE(2, 3);
void sb_reset(struct strbuf *sb);
/* Returns the buffer (owned by the caller, never NULL) and empties sb. */
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *sb_str(const struct strbuf *sb);

/* A NULL-terminated vector of owned strings, usable directly as an argv. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};
void strv_push(struct strv *sv, const char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...) PRINTFLIKE(2, 3);
void strv_free(struct strv *sv);
/* argv as const, never NULL (an empty vector yields a list with only NULL). */
const char *const *strv_argv(struct strv *sv);

/* String helpers. */
int str_starts(const char *s, const char *prefix);
int str_ends(const char *s, const char *suffix);
/* Trim ASCII blanks, CR and LF in place from both ends; returns s. */
char *str_trim(char *s);
/* strlcpy semantics (truncates, always terminates when size > 0). */
size_t str_copy(char *dst, const char *src, size_t size);
/* Parse a non-negative decimal integer with no trailing junk; -1 if invalid. */
long long str_to_ll(const char *s);

/* Monotonic milliseconds, for timeouts and durations. */
long long clock_ms(void);

#endif
