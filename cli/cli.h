/*
 * cli.h: the non-interactive commands. Each is an engine observer that prints
 * text or JSON. Exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 a
 * prerequisite failed.
 */
#ifndef NIMADM_CLI_H
#define NIMADM_CLI_H

#include "engine.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2, CLI_PREREQ = 3 };

/* Global options, found anywhere on the command line. */
struct cli {
	const char *argv0;
	const char *lab;       /* --lab FILE */
	int demo;              /* --demo */
	const char *state_dir; /* --state-dir DIR */
	const char *cmd;       /* the command's name, for messages */
	struct site *site;     /* opened by cli_site() */
};

/* Opens the site once; on failure prints one line and returns NULL (exit 2). */
struct site *cli_site(struct cli *cli);
/* Prints "nimadm-tui: CMD: message" on stderr. */
void cli_error(const struct cli *cli, const char *fmt, ...) PRINTFLIKE(2, 3);

/* Option parsing: long (--name, --name=value) and short (-x, -xVALUE, -x VALUE). */
struct optdef {
	const char *lng; /* without the dashes, or NULL */
	char shrt;       /* or 0 */
	int has_arg;
};
enum { OPT_END = -1, OPT_ERROR = -2, OPT_OPERAND = -3 };
struct optparse {
	int argc;
	char **argv;
	int i;           /* next argv index */
	const char *arg; /* the option's argument or the operand */
	int only_operands;
	char error[160];
};
void optparse_init(struct optparse *p, int argc, char **argv); /* argv[0] is skipped */
/* Returns the index in defs (terminated by {NULL, 0, 0}), OPT_OPERAND, OPT_END or OPT_ERROR. */
int optparse_next(struct optparse *p, const struct optdef *defs);

/* Commands: argv[0] is the command's name. */
typedef int cli_fn(struct cli *cli, int argc, char **argv);
struct cli_command {
	const char *name;
	cli_fn *fn;
	const char *summary;
};
extern const struct cli_command cli_commands[];
const struct cli_command *cli_find(const char *name);

cli_fn cli_attach;
cli_fn cli_bundle;
cli_fn cli_cancel;
cli_fn cli_check;
cli_fn cli_continue;
cli_fn cli_inventory;
cli_fn cli_jobs;
cli_fn cli_lab;
cli_fn cli_log;
cli_fn cli_postcheck;
cli_fn cli_prepare;
cli_fn cli_run;
cli_fn cli_snapshot;

/* Follows job id to its end (text, or JSON Lines); the exit code of the job. */
int cli_follow(struct cli *cli, struct site *site, const char *id, int json, int new_only);
/* Submits a job for validated parameters; id filled on CLI_OK. */
int cli_submit(struct cli *cli, struct site *site, const struct nimadm_params *p, int step,
               int from_phase, char id[JOB_ID_MAX]);

#endif
