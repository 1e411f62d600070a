/*
 * snapshot.c: `nimadm-tui snapshot -c CLIENT [--json] [--timeout SECONDS]`:
 * collects the client's configuration into a dated, verified archive on the
 * master and prints where it is and what could not be collected.
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void snapshot_usage(const struct cli *cli)
{
	cli_error(cli, "usage: nimadm-tui snapshot -c CLIENT [--json] [--timeout SECONDS]");
}

/* s escaped for the terminal. Owned. */
static char *snapshot_esc(const char *s)
{
	return cmd_escape_display(s, strlen(s));
}

static void snapshot_print(const struct snapshot *s)
{
	char *client = snapshot_esc(s->client), *path = snapshot_esc(s->path);
	size_t nok = snapshot_count(s, SNAP_OK);
	int shown = 0;

	printf("Snapshot of %s taken %s\n", client, s->taken_at != NULL ? s->taken_at : "?");
	printf("  archive   %s\n", path);
	if (s->master != NULL) {
		char *m = snapshot_esc(s->master);
		printf("  master    %s (client reached with %s)\n", m,
		       s->connect != NULL && strcmp(s->connect, "nimsh") == 0 ? "c_rsh" : "rsh");
		free(m);
	}
	if (s->oslevel != NULL) {
		char *l = snapshot_esc(s->oslevel);
		printf("  oslevel   %s\n", l);
		free(l);
	}
	printf("  items     %zu ok, %zu unavailable, %zu unreadable\n", nok,
	       snapshot_count(s, SNAP_UNAVAILABLE), snapshot_count(s, SNAP_UNREADABLE));
	for (size_t i = 0; i < s->nitems; i++) {
		const struct snapshot_item *it = &s->items[i];
		char *name, *src, *msg;
		if (it->status == SNAP_OK)
			continue;
		if (!shown++)
			printf("\nNOT COLLECTED\n");
		name = snapshot_esc(it->name);
		src = snapshot_esc(it->source != NULL ? it->source : "");
		msg = snapshot_esc(it->message != NULL ? it->message : "");
		printf("  %-12s %-28s %s", snapshot_status_name(it->status),
		       it->kind == SNAP_FILE ? name : src, msg);
		if (it->exit_status >= 0)
			printf(" (exit %d)", it->exit_status);
		printf("\n");
		free(name);
		free(src);
		free(msg);
	}
	free(client);
	free(path);
}

/* A progress line on a terminal's stderr, rewritten in place. */
static void snapshot_progress(void *arg, const struct snapshot_item *it, size_t finished,
                              size_t total)
{
	const char *client = arg;

	(void)it;
	fprintf(stderr, "\rcollecting from %s: %zu of %zu", client, finished, total);
	fflush(stderr);
}

int cli_snapshot(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		{ "client", 'c', 1 }, { "json", 0, 0 }, { "timeout", 0, 1 }, { NULL, 0, 0 }
	};
	struct snapshot_opts o;
	struct optparse op;
	struct snapshot *s;
	struct site *site;
	struct err e;
	int json = 0, k;

	memset(&o, 0, sizeof o);
	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		if (k == 0) {
			o.client = op.arg;
		} else if (k == 1) {
			json = 1;
		} else if (k == 2) {
			long long t = str_to_ll(op.arg);
			if (t <= 0 || t > 86400) {
				cli_error(cli, "--timeout: not a number of seconds (1-86400): %s",
				          op.arg);
				return CLI_USAGE;
			}
			o.timeout_ms = (int)(t * 1000);
		} else if (k == OPT_OPERAND) {
			cli_error(cli, "unexpected argument %s", op.arg);
			snapshot_usage(cli);
			return CLI_USAGE;
		} else {
			cli_error(cli, "%s", op.error);
			snapshot_usage(cli);
			return CLI_USAGE;
		}
	}
	if (o.client == NULL) {
		cli_error(cli, "which client? -c CLIENT");
		snapshot_usage(cli);
		return CLI_USAGE;
	}
	if (!snapshot_client_valid(o.client)) {
		char *c = snapshot_esc(o.client);
		cli_error(cli, "not a valid NIM client name: %s", c);
		free(c);
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	err_clear(&e);
	{
		struct snapshot_cb progress = { .progress = snapshot_progress,
			                        .arg = (void *)o.client };
		int tty = isatty(STDERR_FILENO);
		s = snapshot_take(site, &o, tty ? &progress : NULL, &e);
		if (tty)
			fprintf(stderr, "\r%*s\r", 60, "");
	}
	if (s == NULL) {
		char *msg = snapshot_esc(e.msg);
		cli_error(cli, "%s", msg);
		free(msg);
		return e.field != NULL ? CLI_USAGE : CLI_FAILED;
	}
	if (json) {
		cJSON *j = snapshot_manifest_json(s);
		char *text;
		cJSON_AddStringToObject(j, "path", s->path);
		text = cJSON_Print(j);
		printf("%s\n", text);
		cJSON_free(text);
		cJSON_Delete(j);
	} else {
		snapshot_print(s);
	}
	snapshot_free(&s);
	return CLI_OK;
}
