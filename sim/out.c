/* out.c: a re-entrant getopt for the personalities (several may run in one process) and the
 * AIX wording of its complaints. */
#include "sim.h"

#include <stdio.h>
#include <string.h>

void sim_opt_init(struct sim_opt *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->argc = argc;
	o->argv = argv;
	o->ind = 1;
}

int sim_opt_next(struct sim_opt *o, const char *spec)
{
	const char *word, *where;
	char c;

	o->arg = NULL;
	if (o->pos == 0) {
		if (o->ind >= o->argc)
			return -1;
		word = o->argv[o->ind];
		if (word[0] != '-' || word[1] == '\0')
			return -1;
		if (strcmp(word, "--") == 0) {
			o->ind++;
			return -1;
		}
		o->pos = 1;
	}
	word = o->argv[o->ind];
	c = word[o->pos++];
	o->opt = (unsigned char)c;
	where = c == ':' ? NULL : strchr(spec, c);
	if (where == NULL) {
		if (word[o->pos] == '\0') {
			o->ind++;
			o->pos = 0;
		}
		return '?';
	}
	if (where[1] == ':') {
		if (word[o->pos] != '\0') {
			o->arg = word + o->pos;
		} else if (o->ind + 1 < o->argc) {
			o->arg = o->argv[++o->ind];
		} else {
			o->ind++;
			o->pos = 0;
			return ':';
		}
		o->ind++;
		o->pos = 0;
		return c;
	}
	if (word[o->pos] == '\0') {
		o->ind++;
		o->pos = 0;
	}
	return c;
}

void sim_opt_complain(const char *cmd, int rc, int opt)
{
	if (opt < 0x21 || opt > 0x7e)
		opt = '?';
	if (rc == ':')
		fprintf(stderr, "%s: Flag requires a parameter: %c\n", cmd, opt);
	else
		fprintf(stderr, "%s: Not a recognized flag: %c\n", cmd, opt);
}
