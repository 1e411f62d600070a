/* log.c: placeholder until the command lands. */
#include "cli.h"

int cli_log(struct cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error(cli, "not implemented yet");
	return CLI_FAILED;
}
