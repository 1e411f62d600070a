/*
 * bundle.c: `nimadm-tui bundle JOB [-o FILE] [--json]`: one .tar.gz with the
 * job's journal and output, nimadm's log, the prerequisite report, the
 * client's snapshot and post-migration check, ready for a support case.
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bundle_usage(const struct cli *cli)
{
	cli_error(cli, "usage: nimadm-tui bundle JOB [-o FILE] [--json]");
}

static void bundle_print_json(const struct bundle_result *r)
{
	cJSON *root = cJSON_CreateObject(), *entries, *missing;
	char *text;

	cJSON_AddStringToObject(root, "path", r->path);
	cJSON_AddStringToObject(root, "job", r->job);
	if (r->client != NULL)
		cJSON_AddStringToObject(root, "client", r->client);
	else
		cJSON_AddNullToObject(root, "client");
	entries = cJSON_AddArrayToObject(root, "entries");
	for (size_t i = 0; i < r->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", r->entries[i].name);
		cJSON_AddNumberToObject(o, "bytes", (double)r->entries[i].bytes);
		cJSON_AddStringToObject(o, "sha256", r->entries[i].sha256);
		cJSON_AddStringToObject(o, "what", r->entries[i].what);
		cJSON_AddItemToArray(entries, o);
	}
	missing = cJSON_AddArrayToObject(root, "not_included");
	for (size_t i = 0; i < r->missing.n; i++) {
		char *e = cmd_escape_display(r->missing.v[i], strlen(r->missing.v[i]));
		cJSON_AddItemToArray(missing, cJSON_CreateString(e));
		free(e);
	}
	text = cJSON_Print(root);
	printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
}

static void bundle_print_text(const struct bundle_result *r)
{
	int w = 10;

	for (size_t i = 0; i < r->n; i++)
		if ((int)strlen(r->entries[i].name) > w)
			w = (int)strlen(r->entries[i].name);
	printf("Bundle of job %s: %s\n\n", r->job, r->path);
	for (size_t i = 0; i < r->n; i++)
		printf("  %-*s %10zu  %s\n", w, r->entries[i].name, r->entries[i].bytes,
		       r->entries[i].what);
	if (r->missing.n > 0) {
		printf("\nNot included:\n");
		for (size_t i = 0; i < r->missing.n; i++) {
			char *e = cmd_escape_display(r->missing.v[i], strlen(r->missing.v[i]));
			printf("  %s\n", e);
			free(e);
		}
	}
}

int cli_bundle(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = { { "output", 'o', 1 },
		                              { "json", 0, 0 },
		                              { NULL, 0, 0 } };
	struct bundle_opts o;
	struct bundle_result *r;
	struct optparse op;
	struct site *site;
	struct err e;
	int json = 0, k;

	memset(&o, 0, sizeof o);
	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		if (k == 0) {
			o.output = op.arg;
		} else if (k == 1) {
			json = 1;
		} else if (k == OPT_OPERAND) {
			if (o.job != NULL) {
				cli_error(cli, "unexpected argument %s", op.arg);
				bundle_usage(cli);
				return CLI_USAGE;
			}
			o.job = op.arg;
		} else {
			cli_error(cli, "%s", op.error);
			bundle_usage(cli);
			return CLI_USAGE;
		}
	}
	if (o.job == NULL) {
		cli_error(cli, "which job? (nimadm-tui jobs lists them)");
		bundle_usage(cli);
		return CLI_USAGE;
	}
	if (!job_id_valid(o.job)) {
		char *j = cmd_escape_display(o.job, strlen(o.job));
		cli_error(cli, "not a job id: %s", j);
		free(j);
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	r = bundle_write(site, &o, &e);
	if (r == NULL) {
		cli_error(cli, "%s", e.msg);
		/* an unknown job is bad input; a bundle that cannot be written a failure */
		return str_starts(e.msg, "no job ") || e.field != NULL ? CLI_USAGE : CLI_FAILED;
	}
	if (json)
		bundle_print_json(r);
	else
		bundle_print_text(r);
	bundle_result_free(&r);
	return CLI_OK;
}
