/*
 * kb.h: the known-error knowledge base. One INI file per entry under
 * help/errors/ (compiled in, see help.h) says which message it is about (its
 * codes and/or fixed text patterns), what it means, whether it is harmless,
 * and the fix with the commands. The phase tracker, the log viewer, the job
 * pane and `log --summary` all explain messages through it.
 *
 * Entry format (section [error]; indented lines continue the previous key):
 *   id       = 0505-187                 unique; by convention the main code
 *   codes    = 0505-187 0505-999        message codes NNNN-NNN (space or comma separated)
 *   pattern  = umount: error unmounting * busy
 *              (one alternative per line; each is fixed text, case-sensitive,
 *               where `*` stands for any text in between)
 *   title    = one line
 *   severity = error | warning | attention | info   (optional)
 *   harmless = yes | no
 *   phase    = 1, 11                    where it typically happens (free text)
 *   meaning  = prose; continuation lines are joined with a space
 *   fix      = one step or command per line; continuation lines keep their breaks
 * An entry with codes matches a line carrying one of them (if it also has
 * patterns, one of those must be in the line too, and it wins over a
 * code-only entry). An entry without codes matches by pattern alone.
 */
#ifndef NIMADM_KB_H
#define NIMADM_KB_H

#include <stddef.h>

#include "util.h"

/* Message severities, least to most severe: enum, JSON name, label. */
#define KB_SEVERITIES(X)                              \
	X(KB_SEV_INFO, "info", "info")                \
	X(KB_SEV_WARNING, "warning", "warning")       \
	X(KB_SEV_ATTENTION, "attention", "attention") \
	X(KB_SEV_ERROR, "error", "ERROR")

enum kb_severity {
#define KB_SEV_ENUM(id, json, label) id,
	KB_SEVERITIES(KB_SEV_ENUM)
#undef KB_SEV_ENUM
	    KB_SEV_COUNT
};
const char *kb_severity_name(enum kb_severity s);  /* JSON name */
const char *kb_severity_label(enum kb_severity s); /* for people */
/* Parses a JSON name (case-insensitive); -1 when unknown. */
int kb_severity_parse(const char *s);

/* One entry. All strings are owned by the knowledge base and never NULL
 * (empty when absent); codes and patterns are NULL-terminated lists. */
struct kb_entry {
	const char *id;
	const char *const *codes;
	const char *const *patterns;
	const char *title;
	const char *meaning;
	const char *fix;
	const char *phase;
	int harmless;
	int severity;       /* an enum kb_severity, or -1 when the entry does not say */
	const char *source; /* the file it came from, e.g. "errors/0505-187.ini" */
};

struct kb;

/* An empty knowledge base (owned; kb_free). */
struct kb *kb_new(void);
void kb_free(struct kb **kb);
/* Adds the entry in `text` (INI); `name` names it in errors. 0, or -1 with e. */
int kb_add_ini(struct kb *kb, const char *name, const char *text, struct err *e);
/* Adds every embedded help file errors/ *.ini. 0, or -1 with e at the first bad one. */
int kb_load_embedded(struct kb *kb, struct err *e);

size_t kb_count(const struct kb *kb);
const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i);
/* By id, else by code; NULL when unknown. */
const struct kb_entry *kb_lookup(const struct kb *kb, const char *id_or_code);
/* The entry explaining this line (see the matching rules above), or NULL. */
const struct kb_entry *kb_match_line(const struct kb *kb, const char *line);

/*
 * The program's knowledge base, loaded from the embedded help on first use
 * (thread-safe) and kept until exit. A broken embedded entry is a build bug:
 * fatal(). The shorthands below use it.
 */
const struct kb *kb_default(void);
const struct kb_entry *kb_match(const char *line);
const struct kb_entry *kb_find(const char *id_or_code);

/*
 * Finds the first message code (4 digits, '-', 3 digits, not inside a longer
 * run of digits, letters or dashes) in s[0..len). Copies it NUL-terminated to
 * code (9 bytes) and returns its offset, or returns -1.
 */
long kb_scan_code(const char *s, size_t len, char code[9]);

#endif
