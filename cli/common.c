/* common.c: the command table, option parsing and the site shared by every command. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct cli_command cli_commands[] = {
	{ "run", cli_run, "validate nimadm's flags, start the job under a journal, follow it" },
	{ "jobs", cli_jobs, "list every job on this master" },
	{ "attach", cli_attach, "attach ID: follow a job again" },
	{ "continue", cli_continue, "continue ID: let a paused step-mode job run its next phase" },
	{ "cancel", cli_cancel, "cancel ID [--cleanup]: stop a job, then run nimadm -C" },
	{ "log", cli_log, "log --summary FILE: what a nimadm log says" },
	{ "check", cli_check,
	  "check every nimadm prerequisite of clients, SPOT, lpp_source and disks" },
	{ "inventory", cli_inventory, "print the NIM inventory (clients, resources, VGs)" },
	{ "prepare", cli_prepare,
	  "prepare FLOW -c CLIENT: mksysb, software, premig, free-disk, mksysb-route" },
	{ "snapshot", cli_snapshot,
	  "snapshot -c CLIENT: save the client's configuration before a migration" },
	{ "postcheck", cli_postcheck,
	  "postcheck -c CLIENT: check a migrated client, compare with its snapshot" },
	{ "bundle", cli_bundle, "bundle JOB [-o FILE]: one .tar.gz of a job for a support case" },
	{ "lab", cli_lab, "lab reset: forget every change a lab has recorded" },
	{ NULL, NULL, NULL },
};

const struct cli_command *cli_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nimadm-tui: ");
	if (cli != NULL && cli->cmd != NULL)
		fprintf(stderr, "%s: ", cli->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct site *cli_site(struct cli *cli)
{
	struct site_opts o = {
		.argv0 = cli->argv0, .lab = cli->lab, .demo = cli->demo, .state_dir = cli->state_dir
	};
	struct err e;

	if (cli->site != NULL)
		return cli->site;
	err_clear(&e);
	cli->site = site_open(&o, &e);
	if (cli->site == NULL)
		cli_error(cli, "%s", e.msg);
	return cli->site;
}

void optparse_init(struct optparse *p, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->argc = argc;
	p->argv = argv;
	p->i = 1;
}

int optparse_next(struct optparse *p, const struct optdef *defs)
{
	const char *a;

	p->arg = NULL;
	if (p->i >= p->argc)
		return OPT_END;
	a = p->argv[p->i++];
	if (p->only_operands || a[0] != '-' || a[1] == '\0') {
		p->arg = a;
		return OPT_OPERAND;
	}
	if (strcmp(a, "--") == 0) {
		p->only_operands = 1;
		return optparse_next(p, defs);
	}
	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (int k = 0; defs[k].lng != NULL || defs[k].shrt != 0; k++) {
			if (defs[k].lng == NULL || strlen(defs[k].lng) != nlen ||
			    strncmp(defs[k].lng, name, nlen) != 0)
				continue;
			if (!defs[k].has_arg) {
				if (eq != NULL) {
					snprintf(p->error, sizeof p->error,
					         "option --%s takes no value", defs[k].lng);
					return OPT_ERROR;
				}
				return k;
			}
			if (eq != NULL) {
				p->arg = eq + 1;
			} else if (p->i < p->argc) {
				p->arg = p->argv[p->i++];
			} else {
				snprintf(p->error, sizeof p->error, "option --%s needs a value",
				         defs[k].lng);
				return OPT_ERROR;
			}
			return k;
		}
		snprintf(p->error, sizeof p->error, "unknown option --%.*s", (int)nlen, name);
		return OPT_ERROR;
	}
	for (int k = 0; defs[k].lng != NULL || defs[k].shrt != 0; k++) {
		if (defs[k].shrt == 0 || defs[k].shrt != a[1])
			continue;
		if (!defs[k].has_arg) {
			if (a[2] != '\0') {
				snprintf(p->error, sizeof p->error, "option -%c takes no value",
				         a[1]);
				return OPT_ERROR;
			}
			return k;
		}
		if (a[2] != '\0') {
			p->arg = a + 2;
		} else if (p->i < p->argc) {
			p->arg = p->argv[p->i++];
		} else {
			snprintf(p->error, sizeof p->error, "option -%c needs a value", a[1]);
			return OPT_ERROR;
		}
		return k;
	}
	snprintf(p->error, sizeof p->error, "unknown option %s", a);
	return OPT_ERROR;
}
