/* jobs.c: `jobs`, `attach ID` and `cancel ID [--cleanup]`: the journal read back. */
#include "cli.h"

#include <cJSON.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long `cancel` waits for the supervisor to stop nimadm. */
#define CANCEL_WAIT_MS 60000

static void fmt_elapsed(char *buf, size_t size, long long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 3600)
		snprintf(buf, size, "%lldh%02lldm", secs / 3600, secs / 60 % 60);
	else
		snprintf(buf, size, "%lldm%02llds", secs / 60, secs % 60);
}

static cJSON *job_json(const struct job_info *ji)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", ji->id);
	cJSON_AddStringToObject(o, "client", ji->client != NULL ? ji->client : "");
	cJSON_AddStringToObject(o, "mode", ji->mode != NULL ? ji->mode : "");
	cJSON_AddStringToObject(o, "status", job_status_name(ji->status));
	cJSON_AddNumberToObject(o, "phase", ji->phase);
	cJSON_AddStringToObject(o, "command", ji->command != NULL ? ji->command : "");
	cJSON_AddNumberToObject(o, "created", (double)ji->created);
	cJSON_AddNumberToObject(o, "started", (double)ji->started);
	cJSON_AddNumberToObject(o, "ended", (double)ji->ended);
	if (ji->exit_code >= 0)
		cJSON_AddNumberToObject(o, "exit_code", ji->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (ji->filesets_total > 0) {
		cJSON_AddNumberToObject(o, "filesets_done", ji->filesets_done);
		cJSON_AddNumberToObject(o, "filesets_total", ji->filesets_total);
	}
	if (ji->status == JOB_PAUSED)
		cJSON_AddNumberToObject(o, "paused_after", ji->paused_after);
	if (ji->message != NULL)
		cJSON_AddStringToObject(o, "message", ji->message);
	if (ji->error != NULL)
		cJSON_AddStringToObject(o, "error", ji->error);
	return o;
}

int cli_jobs(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = { { "json", 0, 0 },
		                              { "max-running", 0, 1 },
		                              { NULL, 0, 0 } };
	struct optparse op;
	struct site *site;
	struct job_info *jobs;
	size_t n;
	struct err e;
	const char *limit = NULL;
	int json = 0, k;

	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		if (k == 0) {
			json = 1;
		} else if (k == 1) {
			limit = op.arg;
		} else if (k == OPT_OPERAND) {
			cli_error(cli, "unexpected argument %s", op.arg);
			return CLI_USAGE;
		} else {
			cli_error(cli, "%s", op.error);
			return CLI_USAGE;
		}
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	if (limit != NULL) {
		long long v = str_to_ll(limit);
		if (v < 1 || v > 1000 || job_limit_set(site, (int)v, &e) != 0) {
			cli_error(cli, "--max-running: \"%s\" is not a number of jobs (1-1000)",
			          limit);
			return CLI_USAGE;
		}
	}
	if (job_list(site, &jobs, &n, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_FAILED;
	}
	if (json) {
		cJSON *arr = cJSON_CreateArray();
		char *s;
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, job_json(&jobs[i]));
		s = cJSON_Print(arr);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(arr);
	} else if (n == 0) {
		printf("No jobs (at most %d run at once).\n", job_limit_get(site));
	} else {
		long long now = (long long)time(NULL);
		printf("At most %d jobs run at once; the others wait.\n", job_limit_get(site));
		printf("%-36s %-12s %-17s %-9s %-6s %s\n", "JOB", "CLIENT", "MODE", "STATUS",
		       "PHASE", "ELAPSED");
		for (size_t i = 0; i < n; i++) {
			const struct job_info *ji = &jobs[i];
			char el[32] = "-", ph[16] = "-";
			if (ji->started > 0)
				fmt_elapsed(el, sizeof el,
				            (ji->ended > 0 ? ji->ended : now) - ji->started);
			if (ji->phase > 0)
				snprintf(ph, sizeof ph, "%d/12", ji->phase);
			printf("%-36s %-12s %-17s %-9s %-6s %s\n", ji->id,
			       ji->client != NULL ? ji->client : "",
			       ji->mode != NULL ? ji->mode : "", job_status_name(ji->status), ph,
			       el);
		}
	}
	job_list_free(&jobs, n);
	return CLI_OK;
}

int cli_attach(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = { { "json", 0, 0 }, { "new", 0, 0 }, { NULL, 0, 0 } };
	struct optparse op;
	struct site *site;
	const char *id = NULL;
	int json = 0, new_only = 0, k;

	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		if (k == 0) {
			json = 1;
		} else if (k == 1) {
			new_only = 1;
		} else if (k == OPT_OPERAND && id == NULL) {
			id = op.arg;
		} else {
			cli_error(cli, "%s", k == OPT_OPERAND ? "one job id only" : op.error);
			return CLI_USAGE;
		}
	}
	if (id == NULL) {
		cli_error(cli, "usage: nimadm-tui attach ID [--new] [--json]");
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	return cli_follow(cli, site, id, json, new_only);
}

/* Waits until the job is final; 0 when it is, -1 after the wait. */
static int wait_final(struct site *site, const char *id, struct job_info *out)
{
	long long deadline = clock_ms() + CANCEL_WAIT_MS;

	for (;;) {
		if (job_load(site, id, out, NULL) == 0) {
			if (job_status_is_final(out->status))
				return 0;
			job_info_free(out);
		}
		if (clock_ms() > deadline)
			return -1;
		poll(NULL, 0, 100);
	}
}

/* Starts `nimadm -C` for the job's client and SPOT, from the saved parameters. */
static int start_cleanup(struct cli *cli, struct site *site, const struct job_info *ji)
{
	struct err e;
	char id[JOB_ID_MAX];

	err_clear(&e);
	if (jobact_cleanup(site, ji, id, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_FAILED;
	}
	fprintf(stderr, "nimadm-tui: cleanup job %s started\n", id);
	return cli_follow(cli, site, id, 0, 0);
}

int cli_cancel(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = { { "cleanup", 0, 0 }, { NULL, 0, 0 } };
	struct optparse op;
	struct site *site;
	struct job_info ji;
	struct err e;
	const char *id = NULL;
	int cleanup = 0, k, rc = CLI_OK;

	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		if (k == 0) {
			cleanup = 1;
		} else if (k == OPT_OPERAND && id == NULL) {
			id = op.arg;
		} else {
			cli_error(cli, "%s", k == OPT_OPERAND ? "one job id only" : op.error);
			return CLI_USAGE;
		}
	}
	if (id == NULL) {
		cli_error(cli, "usage: nimadm-tui cancel ID [--cleanup]");
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	if (job_load(site, id, &ji, &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_USAGE;
	}
	if (!job_status_is_final(ji.status)) {
		job_info_free(&ji);
		if (job_cancel(site, id, &e) != 0) {
			cli_error(cli, "%s", e.msg);
			return CLI_FAILED;
		}
		if (wait_final(site, id, &ji) != 0) {
			cli_error(cli, "job %s did not stop within %d s", id,
			          CANCEL_WAIT_MS / 1000);
			return CLI_FAILED;
		}
		fprintf(stderr, "nimadm-tui: job %s %s\n", id, job_status_name(ji.status));
	} else if (!cleanup) {
		cli_error(cli, "job %s is already %s%s", id, job_status_name(ji.status),
		          ji.status == JOB_SUCCEEDED ? "" : " (add --cleanup to run nimadm -C)");
		rc = CLI_FAILED;
	}
	if (cleanup && rc == CLI_OK)
		rc = start_cleanup(cli, site, &ji);
	job_info_free(&ji);
	return rc;
}

int cli_continue(struct cli *cli, int argc, char **argv)
{
	struct site *site;
	struct err e;

	if (argc != 2 || argv[1][0] == '-') {
		cli_error(cli, "usage: nimadm-tui continue ID");
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	{
		/* An unknown id is bad input; a job that is not paused is a failure. */
		struct job_info ji;
		if (job_load(site, argv[1], &ji, &e) != 0) {
			cli_error(cli, "%s", e.msg);
			return CLI_USAGE;
		}
		job_info_free(&ji);
	}
	if (job_continue(site, argv[1], &e) != 0) {
		cli_error(cli, "%s", e.msg);
		return CLI_FAILED;
	}
	return CLI_OK;
}
