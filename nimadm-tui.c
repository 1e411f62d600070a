/* nimadm-tui.c: parse the global options, then run a CLI command or the TUI. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "engine.h"
#include "monitor.h"

#define NIMADM_TUI_VERSION "0.1"

static void usage(FILE *f)
{
	fprintf(f, "usage: nimadm-tui [--lab FILE | --demo] [--state-dir DIR]\n"
	           "                  [--script FILE [--dump-dir DIR]] [--stall MINUTES]\n"
	           "                  [SCREEN | COMMAND [ARGS]]\n"
	           "\nWithout a command the main menu opens. Screens (fast paths):\n"
	           "  migrate    Perform NIM Alternate Disk Migration\n"
	           "  check      Check Migration Prerequisites (with arguments: the report)\n"
	           "  monitor    Monitor Migrations\n"
	           "  logs [FILE] View Migration Logs (FILE: open it directly)\n"
	           "\nCommands:\n");
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nSee nimadm-tui(1).\n");
}

/* The TUI's own options (headless mode). */
struct tui_args {
	const char *script;
	const char *dump_dir;
	const char *stall; /* --stall MINUTES, as given */
};

/* Takes --lab, --demo, --state-dir, --script, --dump-dir, --help and --version
 * out of argv, wherever they are. */
static int global_options(struct cli *cli, struct tui_args *ta, int *argc, char **argv)
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
		} else if (strcmp(a, "--lab") == 0 || strcmp(a, "--state-dir") == 0 ||
		           strcmp(a, "--script") == 0 || strcmp(a, "--dump-dir") == 0) {
			if (i + 1 >= *argc) {
				cli_error(cli, "option %s needs a value", a);
				return -1;
			}
			if (a[2] == 'l')
				cli->lab = argv[++i];
			else if (a[3] == 't')
				cli->state_dir = argv[++i];
			else if (a[3] == 'c')
				ta->script = argv[++i];
			else
				ta->dump_dir = argv[++i];
		} else if (strcmp(a, "--stall") == 0) {
			if (i + 1 >= *argc) {
				cli_error(cli, "option %s needs a value", a);
				return -1;
			}
			ta->stall = argv[++i];
		} else if (strncmp(a, "--stall=", 8) == 0) {
			ta->stall = a + 8;
		} else if (strncmp(a, "--script=", 9) == 0) {
			ta->script = a + 9;
		} else if (strncmp(a, "--dump-dir=", 11) == 0) {
			ta->dump_dir = a + 11;
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

/* The screen a command line opens in the TUI, or NULL for a CLI command:
 * none -> the main menu; migrate, monitor, logs and a bare check -> that screen. */
static const char *tui_screen_of(int argc, char **argv, int *is_tui)
{
	static const char *const screens[] = { "migrate", "monitor", "logs", NULL };

	*is_tui = 1;
	if (argc < 2)
		return "main";
	for (size_t i = 0; screens[i] != NULL; i++)
		if (strcmp(argv[1], screens[i]) == 0)
			return argv[1];
	if (strcmp(argv[1], "check") == 0 && argc == 2)
		return "check";
	*is_tui = 0;
	return NULL;
}

static int run_tui(struct cli *cli, const struct tui_args *ta, const char *screen, int argc,
                   char **argv)
{
	struct app_start st;

	if (argc > 2 && !(argc == 3 && strcmp(screen, "logs") == 0)) {
		cli_error(cli, "the %s screen takes no arguments (nimadm's flags go to `run`)",
		          screen);
		return CLI_USAGE;
	}
	memset(&st, 0, sizeof st);
	st.argv0 = cli->argv0;
	st.lab = cli->lab;
	st.demo = cli->demo;
	st.state_dir = cli->state_dir;
	st.screen = screen;
	st.script = ta->script;
	st.dump_dir = ta->dump_dir;
	st.log_file = argc == 3 ? argv[2] : NULL; /* logs FILE */
	if (ta->stall != NULL) {
		struct err e;
		long minutes;
		err_clear(&e);
		if (tuiconf_parse_stall("--stall", ta->stall, &minutes, &e) != 0) {
			cli_error(cli, "%s", e.msg);
			return CLI_USAGE;
		}
		monitor_stall_option(minutes);
	}
	return tui_main_run(&st);
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct tui_args ta;
	const struct cli_command *c;
	const char *screen;
	int rc, is_tui;

	/* A reader that goes away must not kill us in the middle of a write. */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof cli);
	memset(&ta, 0, sizeof ta);
	cli.argv0 = argv[0];
	if (global_options(&cli, &ta, &argc, argv) != 0)
		return CLI_USAGE;
	screen = tui_screen_of(argc, argv, &is_tui);
	if (is_tui) {
		cli.cmd = screen;
		rc = run_tui(&cli, &ta, screen, argc, argv);
	} else if (ta.stall != NULL) {
		cli_error(&cli, "--stall sets the monitor's stall warning, not the %s command's",
		          argv[1]);
		return CLI_USAGE;
	} else if (ta.script != NULL || ta.dump_dir != NULL) {
		cli_error(&cli, "--script and --dump-dir drive the screens, not the %s command",
		          argv[1]);
		return CLI_USAGE;
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
