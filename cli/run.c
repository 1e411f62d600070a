/* run.c: `nimadm-tui run`: nimadm's own flags in, validated by the engine, started
 * under a journal and followed; the job outlives this command. */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_submit(struct cli *cli, struct site *site, const struct nimadm_params *p, int step,
               int from_phase, char id[JOB_ID_MAX])
{
	struct err e;

	err_clear(&e);
	if (jobact_submit(site, p, step, from_phase, id, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_FAILED;
	}
	return CLI_OK;
}

static int parse_phase(struct cli *cli, const char *what, const char *v, int *out)
{
	long long n = str_to_ll(v);

	if (n < 1 || n > 12) {
		cli_error(cli, "%s: \"%s\" is not a phase (1-12)", what, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int cli_run(struct cli *cli, int argc, char **argv)
{
	struct strv nim = { 0 };
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct params_problems probs = { 0 };
	struct err e;
	int json = 0, dry = 0, step = 0, detach = 0, from = 0, rc = CLI_USAGE;
	char id[JOB_ID_MAX];
	struct site *site;

	/* Our long options; everything else is nimadm's. */
	strv_push(&nim, "nimadm");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--dry-run") == 0) {
			dry = 1;
		} else if (strcmp(a, "--step") == 0) {
			step = 1;
		} else if (strcmp(a, "--detach") == 0) {
			detach = 1;
		} else if (strcmp(a, "--from-phase") == 0 || str_starts(a, "--from-phase=")) {
			const char *v = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
			if (v == NULL) {
				cli_error(cli, "option --from-phase needs a value");
				goto out;
			}
			if (parse_phase(cli, "--from-phase", v, &from) != 0)
				goto out;
		} else if (str_starts(a, "--")) {
			cli_error(cli, "unknown option %s", a);
			goto out;
		} else {
			strv_push(&nim, a);
		}
	}
	err_clear(&e);
	if (nim.n == 1) {
		cli_error(cli, "usage: nimadm-tui run NIMADM-FLAGS [--step] [--from-phase N] "
		               "[--dry-run] [--detach] [--json]");
		goto out;
	}
	if (params_from_argv(p, (int)nim.n, strv_argv(&nim), &e) != 0) {
		cli_error(cli, "%s", e.msg);
		goto out;
	}
	if (params_validate(p, &probs) > 0) {
		for (size_t i = 0; i < probs.n; i++)
			cli_error(cli, "%s", probs.v[i].msg);
		goto out;
	}
	if (jobact_plan_valid(p, step, from, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		goto out;
	}
	if (dry) {
		char *line = params_command_line(p, &e);
		if (json) {
			struct strv av = { 0 };
			cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "argv");
			char *s;
			params_argv(p, &av, &e);
			for (size_t i = 0; i < av.n; i++)
				cJSON_AddItemToArray(arr, cJSON_CreateString(av.v[i]));
			cJSON_AddStringToObject(o, "mode", params_mode_name(p->mode));
			cJSON_AddStringToObject(o, "command", line);
			s = cJSON_PrintUnformatted(o);
			puts(s);
			cJSON_free(s);
			cJSON_Delete(o);
			strv_free(&av);
		} else {
			puts(line);
		}
		free(line);
		rc = CLI_OK;
		goto out;
	}
	if ((site = cli_site(cli)) == NULL)
		goto out;
	rc = cli_submit(cli, site, p, step, from, id);
	if (rc != CLI_OK)
		goto out;
	if (json)
		printf("{\"job\":\"%s\",\"event\":\"submitted\"}\n", id);
	else
		fprintf(stderr, "nimadm-tui: job %s started\n", id);
	fflush(stdout);
	rc = detach ? CLI_OK : cli_follow(cli, site, id, json, 0);
out:
	params_problems_free(&probs);
	params_free(&p);
	strv_free(&nim);
	return rc;
}
