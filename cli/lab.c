/* lab.c: `nimadm-tui lab reset`: forget every change recorded for a lab. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_lab(struct cli *cli, int argc, char **argv)
{
	struct site *s;
	struct err e;

	if (argc != 2 || strcmp(argv[1], "reset") != 0) {
		cli_error(cli, "usage: nimadm-tui lab reset [--lab FILE | --demo]");
		return CLI_USAGE;
	}
	if (cli->lab == NULL && !cli->demo) {
		cli_error(cli, "lab reset needs --lab FILE or --demo");
		return CLI_USAGE;
	}
	if ((s = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	if (site_lab_reset(s, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_FAILED;
	}
	printf("lab %s reset\n", s->lab);
	return CLI_OK;
}
