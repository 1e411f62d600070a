/* nimadm-tui.c: parse the global options, then run a CLI command or the TUI. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"

#define NIMADM_TUI_VERSION "0.1"

static void usage(FILE *f)
{
	fprintf(f, "usage: nimadm-tui [--lab FILE | --demo] [--state-dir DIR] [COMMAND [ARGS]]\n"
	           "\nWithout a command the main menu opens. Commands:\n");
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nSee nimadm-tui(1).\n");
}

/* Takes --lab, --demo, --state-dir, --help and --version out of argv, wherever they are. */
static int global_options(struct cli *cli, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "--demo") == 0) {
			cli->demo = 1;
		} else if (strcmp(a, "--lab") == 0 || strcmp(a, "--state-dir") == 0) {
			if (i + 1 >= *argc) {
				cli_error(cli, "option %s needs a value", a);
				return -1;
			}
			if (a[2] == 'l')
				cli->lab = argv[++i];
			else
				cli->state_dir = argv[++i];
		} else if (strncmp(a, "--lab=", 6) == 0) {
			cli->lab = a + 6;
		} else if (strncmp(a, "--state-dir=", 12) == 0) {
			cli->state_dir = a + 12;
		} else if (strcmp(a, "--help") == 0 || (out == 1 && strcmp(a, "-h") == 0)) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--version") == 0) {
			printf("nimadm-tui %s\n", NIMADM_TUI_VERSION);
			exit(0);
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
	if (cli->demo && cli->lab != NULL) {
		cli_error(cli, "--demo and --lab exclude each other");
		return -1;
	}
	if (cli->lab != NULL && *cli->lab == '\0') {
		cli_error(cli, "--lab needs a file name");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	const struct cli_command *c;
	int rc;

	/* A reader that goes away must not kill us in the middle of a write. */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof cli);
	cli.argv0 = argv[0];
	if (global_options(&cli, &argc, argv) != 0)
		return CLI_USAGE;
	if (argc < 2) {
		/* The TUI is not here yet: show what the lab or master holds. */
		char *inv_argv[] = { "inventory", NULL };
		cli.cmd = "inventory";
		rc = cli_inventory(&cli, 1, inv_argv);
	} else {
		c = cli_find(argv[1]);
		if (c == NULL) {
			cli_error(&cli, "unknown command '%s' (see nimadm-tui --help)", argv[1]);
			return CLI_USAGE;
		}
		cli.cmd = c->name;
		rc = c->fn(&cli, argc - 1, argv + 1);
	}
	site_free(&cli.site);
	return rc;
}
