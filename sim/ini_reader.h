/* ini_reader.h: inih with line numbers (see ini.c). */
#ifndef NIMSIM_INI_READER_H
#define NIMSIM_INI_READER_H

#include <ini.h>
#include <stdio.h>

#include "util.h"

/* Longest line accepted; inih's own buffer (200 by default) must hold it plus CR LF NUL. */
#define SIM_INI_MAX_LINE 196

struct sim_ini {
	FILE *f;
	int lineno; /* the line inih is handling now */
	/* Called for each "[...]" header in column 1, before its keys. */
	void (*section)(void *user, const char *name, int lineno);
	void *user;
	int bad_line; /* first overlong or NUL-carrying line, 0 if none */
	char bad_what[80];
};

/* ini_parse_stream() over ini->f; returns what it returns. */
int sim_ini_parse(struct sim_ini *ini, ini_handler handler, void *user);

#endif
