/*
 * postcheck.c: `nimadm-tui postcheck -c CLIENT [--snapshot FILE] [--target LEVEL]
 * [--no-post-migration] [--json] [--timeout SECONDS]`: the checks after a
 * migration and the comparison with the snapshot. post_migration's output is
 * printed as it comes (on stderr with --json, so stdout stays one JSON
 * object); then the report. Exit 0 when no check failed, 1 otherwise.
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void postcheck_usage(const struct cli *cli)
{
	cli_error(cli, "usage: nimadm-tui postcheck -c CLIENT [--snapshot FILE] [--target LEVEL] "
	               "[--no-post-migration] [--json] [--timeout SECONDS]");
}

struct postcheck_cli {
	int json;
	int lines;
};

static void postcheck_output(void *arg, enum cmd_stream s, const char *line, size_t len)
{
	struct postcheck_cli *pcl = arg;
	FILE *out = pcl->json ? stderr : stdout;
	char *e = cmd_escape_display(line, len);

	if (pcl->lines++ == 0)
		fprintf(out, "post_migration:\n");
	fprintf(out, "  %s %s\n", s == CMD_STDERR ? "!" : "|", e);
	fflush(out);
	free(e);
}

int cli_postcheck(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		{ "client", 'c', 1 }, { "snapshot", 0, 1 },
		{ "target", 0, 1 },   { "no-post-migration", 0, 0 },
		{ "json", 0, 0 },     { "timeout", 0, 1 },
		{ NULL, 0, 0 },
	};
	struct postcheck_opts o;
	struct postcheck_cli pcl = { 0 };
	struct postcheck_cb cb = { .output = postcheck_output, .arg = &pcl };
	struct optparse op;
	struct postcheck *pc;
	struct site *site;
	struct err e;
	int k, rc;

	memset(&o, 0, sizeof o);
	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		switch (k) {
		case 0:
			o.client = op.arg;
			break;
		case 1:
			o.snapshot = op.arg;
			break;
		case 2:
			o.target = op.arg;
			break;
		case 3:
			o.no_post_migration = 1;
			break;
		case 4:
			pcl.json = 1;
			break;
		case 5: {
			long long t = str_to_ll(op.arg);
			if (t <= 0 || t > 86400) {
				cli_error(cli, "--timeout: not a number of seconds (1-86400): %s",
				          op.arg);
				return CLI_USAGE;
			}
			o.timeout_ms = (int)(t * 1000);
			break;
		}
		case OPT_OPERAND:
			cli_error(cli, "unexpected argument %s", op.arg);
			postcheck_usage(cli);
			return CLI_USAGE;
		default:
			cli_error(cli, "%s", op.error);
			postcheck_usage(cli);
			return CLI_USAGE;
		}
	}
	if (o.client == NULL) {
		cli_error(cli, "which client? -c CLIENT");
		postcheck_usage(cli);
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	pc = postcheck_run(site, &o, &cb, &e);
	if (pc == NULL) {
		char *msg = cmd_escape_display(e.msg, strlen(e.msg));
		cli_error(cli, "%s", msg);
		free(msg);
		/* a bad name, level or snapshot file is bad input; an unreachable client a failure
		 */
		return e.field != NULL || o.snapshot != NULL ? CLI_USAGE : CLI_FAILED;
	}
	if (pcl.json) {
		cJSON *j = postcheck_to_json(pc);
		char *text;
		if (pc->saved_json != NULL)
			cJSON_AddStringToObject(j, "saved", pc->saved_json);
		text = cJSON_Print(j);
		printf("%s\n", text);
		cJSON_free(text);
		cJSON_Delete(j);
	} else {
		struct strbuf out = { 0 };
		if (pcl.lines > 0)
			printf("\n");
		postcheck_format_text(pc, &out);
		fputs(sb_str(&out), stdout);
		if (pc->saved_json != NULL)
			printf("\nSaved: %s\n       %s\n", pc->saved_json,
			       pc->saved_text != NULL ? pc->saved_text : "");
		sb_free(&out);
	}
	if (e.msg[0] != '\0')
		cli_error(cli, "the result was not saved: %s", e.msg);
	rc = postcheck_worst(pc) == PC_FAIL ? CLI_FAILED : CLI_OK;
	postcheck_free(&pc);
	return rc;
}
