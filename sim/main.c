/*
 * main.c: nimsim's entry point. Called as an AIX command name (a symlink),
 * it runs that personality as $NIMSIM_HOST (default: the master) in the lab
 * named by $NIMSIM_LAB. Called as nimsim, it offers: validate, reset,
 * commands, exec HOST CMD [ARGS].
 */
#include "sim.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct sim_cmd sim_cmds[] = {
	{ "alt_disk_mksysb", sim_mksysb_alt_disk_mksysb, 0 },
	{ "bootinfo", sim_lvm_bootinfo, 0 },
	{ "bootlist", sim_lvm_bootlist, 0 },
	{ "bosboot", sim_lvmops_bosboot, 0 },
	{ "c_rsh", sim_remote_c_rsh, 0 },
	{ "cat", sim_files_cat, 0 },
	{ "chdev", sim_cfg_chdev, 0 },
	{ "chpv", sim_lvmops_chpv, 0 },
	{ "crontab", sim_cfg_crontab, 0 },
	{ "getconf", sim_lvm_getconf, 0 },
	{ "host", sim_cfg_host, 0 },
	{ "hostname", sim_sys_hostname, 0 },
	{ "ifconfig", sim_cfg_ifconfig, 0 },
	{ "installp", sim_mig_installp, 0 },
	{ "instfix", sim_lpp_instfix, 0 },
	{ "ioo", sim_cfg_tunables, 0 },
	{ "lppchk", sim_lpp_lppchk, 0 },
	{ "ls", sim_cfg_ls, 0 },
	{ "lsattr", sim_sys_lsattr, 0 },
	{ "lsfs", sim_cfg_lsfs, 0 },
	{ "lslpp", sim_lpp_lslpp, 0 },
	{ "lslv", sim_lvmops_lslv, 0 },
	{ "lsnim", sim_nim_lsnim, 1 },
	{ "lspv", sim_lvm_lspv, 0 },
	{ "lssrc", sim_cfg_lssrc, 0 },
	{ "lsvg", sim_lvm_lsvg, 0 },
	{ "mksysb", sim_mksysb_mksysb, 0 },
	{ "mount", sim_cfg_mount, 0 },
	{ "netstat", sim_cfg_netstat, 0 },
	{ "nim", sim_mksysb_nim, 1 },
	{ "nimadm", sim_nimadm_nimadm, 1 },
	{ "no", sim_cfg_tunables, 0 },
	{ "odmget", sim_sys_odmget, 0 },
	{ "oslevel", sim_lpp_oslevel, 0 },
	{ "post_migration", sim_mig_post_migration, 0 },
	{ "pre_migration", sim_mig_pre_migration, 0 },
	{ "prtconf", sim_sys_prtconf, 0 },
	{ "reducevg", sim_lvmops_reducevg, 0 },
	{ "rsh", sim_remote_rsh, 0 },
	{ "schedo", sim_cfg_tunables, 0 },
	{ "shutdown", sim_lvmops_shutdown, 0 },
	{ "umount", sim_cfg_umount, 0 },
	{ "uname", sim_sys_uname, 0 },
	{ "unmirrorvg", sim_lvmops_unmirrorvg, 0 },
	{ "vmo", sim_cfg_tunables, 0 },
};
const size_t sim_ncmds = ARRAY_LEN(sim_cmds);

const struct sim_cmd *sim_cmd_find(const char *name)
{
	for (size_t i = 0; i < sim_ncmds; i++)
		if (strcmp(sim_cmds[i].name, name) == 0)
			return &sim_cmds[i];
	return NULL;
}

static void usage(void)
{
	fputs("usage: nimsim validate | reset | commands | exec HOST COMMAND [ARG...]\n"
	      "  NIMSIM_LAB    the lab file (required)\n"
	      "  NIMSIM_STATE  the lab's state directory "
	      "(default ${XDG_STATE_HOME:-~/.local/state}/nimsim/LAB-HASH)\n"
	      "  NIMSIM_HOST   the host a command runs as (default: the master)\n",
	      stderr);
}

/* The lab path, made absolute so the default state directory does not depend on the cwd. */
static char *lab_path(void)
{
	const char *env = getenv("NIMSIM_LAB");
	char resolved[PATH_MAX];

	if (env == NULL || *env == '\0')
		return NULL;
	if (realpath(env, resolved) != NULL)
		return xstrdup(resolved);
	return xstrdup(env);
}

static char *state_dir(const char *lab)
{
	const char *env = getenv("NIMSIM_STATE");
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	return sim_state_default_dir(lab);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s != NULL ? s + 1 : p;
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 ? base_name(argv[0]) : "nimsim";
	const struct sim_cmd *cmd = NULL;
	struct sim_ctx ctx;
	struct err e;
	char *lab = NULL, *state = NULL;
	int rc = 2;

	/* A closed reader must not kill us mid-line with no status. */
	signal(SIGPIPE, SIG_DFL);
	err_clear(&e);
	memset(&ctx, 0, sizeof ctx);
	ctx.self = argc > 0 ? argv[0] : "nimsim";

	if (strcmp(prog, "nimsim") != 0) {
		cmd = sim_cmd_find(prog);
		if (cmd == NULL) {
			fprintf(stderr, "nimsim: no personality named %s\n", prog);
			return 127;
		}
	} else if (argc < 2) {
		usage();
		return 2;
	} else if (strcmp(argv[1], "commands") == 0) {
		for (size_t i = 0; i < sim_ncmds; i++)
			printf("%s\n", sim_cmds[i].name);
		return 0;
	} else if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	           strcmp(argv[1], "help") == 0) {
		usage();
		return 0;
	} else if (strcmp(argv[1], "validate") != 0 && strcmp(argv[1], "reset") != 0 &&
	           strcmp(argv[1], "exec") != 0) {
		fprintf(stderr, "nimsim: unknown command %s\n", argv[1]);
		usage();
		return 2;
	}

	lab = lab_path();
	if (lab == NULL) {
		fprintf(stderr, "nimsim: NIMSIM_LAB is not set: name the lab file "
		                "(e.g. NIMSIM_LAB=/path/demo.lab)\n");
		return 2;
	}
	state = state_dir(lab);

	if (cmd == NULL && strcmp(argv[1], "reset") == 0) {
		rc = 0;
		if (sim_state_reset(state, &e) != 0) {
			fprintf(stderr, "nimsim: %s\n", e.msg);
			rc = 1;
		}
		goto out;
	}
	ctx.lab = sim_lab_load(lab, state, &e);
	if (ctx.lab == NULL) {
		fprintf(stderr, "%s\n", e.msg);
		rc = 2;
		goto out;
	}
	if (cmd == NULL && strcmp(argv[1], "validate") == 0) {
		rc = 0;
		goto out;
	}
	if (cmd == NULL) { /* exec HOST CMD [ARGS] */
		if (argc < 4) {
			usage();
			rc = 2;
			goto out;
		}
		ctx.host = sim_lab_resolve(ctx.lab, argv[2]);
		if (ctx.host == NULL) {
			fprintf(stderr, "nimsim: no host %s in lab %s\n", argv[2], ctx.lab->base);
			rc = 2;
			goto out;
		}
		rc = sim_run(&ctx, argc - 3, argv + 3);
		goto out;
	}
	{
		const char *hn = getenv("NIMSIM_HOST");
		ctx.host =
		    hn != NULL && *hn != '\0' ? sim_lab_resolve(ctx.lab, hn) : ctx.lab->hosts[0];
		if (ctx.host == NULL) {
			fprintf(stderr, "nimsim: NIMSIM_HOST=%s is not a host of lab %s\n", hn,
			        ctx.lab->base);
			rc = 2;
			goto out;
		}
	}
	rc = sim_run(&ctx, argc, argv);
out:
	fflush(stdout);
	sim_lab_free(&ctx.lab);
	free(lab);
	free(state);
	return rc;
}
