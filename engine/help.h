/* help.h: the files of help/ compiled into the program (see tools/embed.c). */
#ifndef NIMADM_HELP_H
#define NIMADM_HELP_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* path relative to help/, e.g. "errors/0505-187.ini" */
	const char *data; /* NUL-terminated contents */
	size_t len;
};

/* NULL when absent. */
const struct embedded_file *help_find(const char *name);
/* Iterate: returns the i-th file or NULL past the end (sorted by name). */
const struct embedded_file *help_at(size_t i);

#endif
