/*
 * prepare.c: `nimadm-tui prepare FLOW -c CLIENT ...`: plans one of the guided
 * preparation flows (mksysb, software, premig, free-disk, mksysb-route), prints
 * the plan (what was found, every step with its command, where it runs and
 * what is expected), asks once unless --yes, then runs it step by step with
 * live output and a summary. A refused plan runs nothing (exit 3).
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	PO_CLIENT,
	PO_PATH,
	PO_DEFINE,
	PO_MAX_AGE,
	PO_COMMIT,
	PO_DISK,
	PO_SPOT,
	PO_LPP,
	PO_CACHE_VG,
	PO_MKSYSB,
	PO_BACKUP,
	PO_BACKUP_FILE,
	PO_NEW_NAME,
	PO_NEW_FILE,
	PO_MOUNT,
	PO_YES,
	PO_DRY_RUN,
	PO_JSON,
	PO_TIMEOUT,
};

static const struct optdef prepare_defs[] = {
	[PO_CLIENT] = { "client", 'c', 1 },       [PO_PATH] = { "output", 'o', 1 },
	[PO_DEFINE] = { "define", 0, 1 },         [PO_MAX_AGE] = { "max-age", 0, 1 },
	[PO_COMMIT] = { "commit", 0, 0 },         [PO_DISK] = { "disk", 'd', 1 },
	[PO_SPOT] = { "spot", 's', 1 },           [PO_LPP] = { "lpp-source", 'l', 1 },
	[PO_CACHE_VG] = { "cache-vg", 'j', 1 },   [PO_MKSYSB] = { "mksysb", 'm', 1 },
	[PO_BACKUP] = { "backup", 0, 1 },         [PO_BACKUP_FILE] = { "backup-file", 0, 1 },
	[PO_NEW_NAME] = { "new-mksysb", 'N', 1 }, [PO_NEW_FILE] = { "new-file", 'O', 1 },
	[PO_MOUNT] = { "mount", 0, 1 },           [PO_YES] = { "yes", 'y', 0 },
	[PO_DRY_RUN] = { "dry-run", 'n', 0 },     [PO_JSON] = { "json", 0, 0 },
	[PO_TIMEOUT] = { "timeout", 0, 1 },       { NULL, 0, 0 },
};

/* Which options each flow takes (the common ones are always allowed). */
static int prepare_takes(enum prep_flow f, int opt)
{
	switch (opt) {
	case PO_CLIENT:
	case PO_YES:
	case PO_DRY_RUN:
	case PO_JSON:
	case PO_TIMEOUT:
		return 1;
	case PO_PATH:
	case PO_DEFINE:
	case PO_MAX_AGE:
		return f == PREP_MKSYSB;
	case PO_COMMIT:
		return f == PREP_SOFTWARE;
	case PO_DISK:
		return f == PREP_FREE_DISK || f == PREP_MKSYSB_ROUTE;
	default:
		return f == PREP_MKSYSB_ROUTE;
	}
}

static void prepare_usage(const struct cli *cli)
{
	cli_error(cli, "usage: nimadm-tui prepare FLOW -c CLIENT [OPTIONS] [--yes | --dry-run] "
	               "[--json]");
	fprintf(
	    stderr,
	    "  mksysb       -c CLIENT [-o PATH [--define NAME]] [--max-age DAYS]\n"
	    "  software     -c CLIENT [--commit]\n"
	    "  premig       -c CLIENT\n"
	    "  free-disk    -c CLIENT -d DISK\n"
	    "  mksysb-route -c CLIENT -s SPOT -l LPP_SOURCE -j CACHE_VG -d DISK\n"
	    "               [-m MKSYSB | --backup NAME --backup-file PATH] [-N NAME] [-O PATH]\n"
	    "               [--mount DIR]\n");
}

/* s escaped for the terminal. Owned. */
static char *prepare_esc(const char *s)
{
	return cmd_escape_display(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static void prepare_print_list(FILE *out, const char *title, const struct strv *v)
{
	if (v->n == 0)
		return;
	fprintf(out, "\n%s\n", title);
	for (size_t i = 0; i < v->n; i++) {
		char *e = prepare_esc(v->v[i]);
		fprintf(out, "  %s\n", e);
		free(e);
	}
}

static void prepare_print_plan(FILE *out, const struct prep_plan *p)
{
	char *client = prepare_esc(p->client);

	fprintf(out, "%s: %s\n", prep_flow_title(p->flow), client);
	prepare_print_list(out, "FOUND", &p->facts);
	prepare_print_list(out, "WARNINGS", &p->warnings);
	if (p->refusal != NULL) {
		char *why = prepare_esc(p->refusal);
		fprintf(out, "\nREFUSED\n  %s\n  Nothing was run.\n", why);
		free(why);
		free(client);
		return;
	}
	if (p->nsteps > 0) {
		fprintf(out,
		        "\nSTEPS (* changes the system; each command runs exactly as shown)\n");
		for (size_t i = 0; i < p->nsteps; i++) {
			const struct prep_step *s = &p->steps[i];
			char *cmd = prep_step_command(s), *ecmd = prepare_esc(cmd);
			char *host = prepare_esc(s->host), *title = prepare_esc(s->title);
			char *exp = prepare_esc(s->expected);
			fprintf(out, "  %2zu %c %s# %s\n", i + 1, s->changes ? '*' : ' ', host,
			        ecmd);
			fprintf(out, "       %s\n", title);
			fprintf(out, "       expected: %s\n", exp);
			if (s->cleanup_of >= 0)
				fprintf(out, "       runs even after a failure, once step %d ran\n",
				        s->cleanup_of + 1);
			if (s->state == PREP_STEP_SKIPPED && s->message != NULL) {
				char *m = prepare_esc(s->message);
				fprintf(out, "       skipped, %s\n", m);
				free(m);
			} else if (s->as_job && s->job_id != NULL) {
				char *id = prepare_esc(s->job_id);
				fprintf(out, "       waits for nimadm job %s, which runs already\n",
				        id);
				free(id);
			} else if (s->as_job) {
				fprintf(out,
				        "       runs as a nimadm job: it goes on if this command "
				        "stops (nimadm-tui jobs)\n");
			}
			free(cmd);
			free(ecmd);
			free(host);
			free(title);
			free(exp);
		}
	}
	prepare_print_list(out, "AFTERWARDS", &p->notes);
	free(client);
}

struct prepare_live {
	FILE *out;
};

static void prepare_step_start(void *arg, const struct prep_plan *p, size_t i)
{
	struct prepare_live *l = arg;
	const struct prep_step *s = &p->steps[i];
	char *cmd = prep_step_command(s), *ecmd = prepare_esc(cmd), *title = prepare_esc(s->title);
	char *host = prepare_esc(s->host);

	fprintf(l->out, "\n==> step %zu of %zu: %s\n    %s# %s\n", i + 1, p->nsteps, title, host,
	        ecmd);
	if (s->job_id != NULL) {
		char *id = prepare_esc(s->job_id);
		fprintf(
		    l->out,
		    "    nimadm job %s: it goes on if this command stops (nimadm-tui attach %s)\n",
		    id, id);
		free(id);
	}
	fflush(l->out);
	free(cmd);
	free(ecmd);
	free(title);
	free(host);
}

static void prepare_line(void *arg, const struct prep_plan *p, size_t i, enum cmd_stream s,
                         const char *line)
{
	struct prepare_live *l = arg;
	char *e = prepare_esc(line);

	(void)p;
	(void)i;
	(void)s;
	fprintf(l->out, "%s\n", e);
	fflush(l->out);
	free(e);
}

static void prepare_step_done(void *arg, const struct prep_plan *p, size_t i)
{
	struct prepare_live *l = arg;
	const struct prep_step *s = &p->steps[i];
	char *msg = prepare_esc(s->message);

	if (s->state == PREP_STEP_OK && s->job_id != NULL) {
		char *id = prepare_esc(s->job_id);
		fprintf(l->out, "<== step %zu: ok (nimadm job %s, exit %d, %.1f s)\n", i + 1, id,
		        s->exit_status, (double)s->duration_ms / 1000.0);
		free(id);
	} else if (s->state == PREP_STEP_OK)
		fprintf(l->out, "<== step %zu: ok (exit %d, %.1f s)\n", i + 1, s->exit_status,
		        (double)s->duration_ms / 1000.0);
	else if (s->state == PREP_STEP_SKIPPED)
		fprintf(l->out, "--- step %zu skipped: %s\n", i + 1, msg);
	else
		fprintf(l->out, "<== step %zu: %s: %s\n", i + 1, prep_step_state_name(s->state),
		        msg);
	fflush(l->out);
	free(msg);
}

/* Asks once on the terminal; 1 yes. */
static int prepare_ask(const struct prep_plan *p)
{
	char line[64];
	char *client = prepare_esc(p->client);

	fprintf(stderr, "\nRun these %zu steps on %s (%zu change the system)? [y/N] ", p->nsteps,
	        client, prep_plan_changes(p));
	fflush(stderr);
	free(client);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	str_trim(line);
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0;
}

static void prepare_json(const struct prep_plan *p)
{
	cJSON *j = prep_plan_to_json(p);
	char *text = cJSON_Print(j);

	printf("%s\n", text);
	free(text);
	cJSON_Delete(j);
}

int cli_prepare(struct cli *cli, int argc, char **argv)
{
	struct prep_request req;
	struct prep_plan *plan;
	struct optparse op;
	struct site *site;
	struct err e;
	enum prep_flow flow;
	int k, yes = 0, dry = 0, json = 0, rc;

	if (argc < 2 || argv[1][0] == '-') {
		prepare_usage(cli);
		return CLI_USAGE;
	}
	if (prep_flow_find(argv[1], &flow) != 0) {
		char *f = prepare_esc(argv[1]);
		cli_error(
		    cli, "no flow named %s (mksysb, software, premig, free-disk, mksysb-route)", f);
		free(f);
		return CLI_USAGE;
	}
	memset(&req, 0, sizeof req);
	req.flow = flow;
	optparse_init(&op, argc - 1, argv + 1);
	while ((k = optparse_next(&op, prepare_defs)) != OPT_END) {
		if (k == OPT_OPERAND) {
			char *a = prepare_esc(op.arg);
			cli_error(cli, "unexpected argument %s", a);
			free(a);
			prepare_usage(cli);
			return CLI_USAGE;
		}
		if (k == OPT_ERROR) {
			cli_error(cli, "%s", op.error);
			prepare_usage(cli);
			return CLI_USAGE;
		}
		if (!prepare_takes(flow, k)) {
			cli_error(cli, "prepare %s takes no --%s", prep_flow_name(flow),
			          prepare_defs[k].lng);
			prepare_usage(cli);
			return CLI_USAGE;
		}
		switch (k) {
		case PO_CLIENT:
			req.client = op.arg;
			break;
		case PO_PATH:
			req.path = op.arg;
			break;
		case PO_DEFINE:
			req.define = op.arg;
			break;
		case PO_MAX_AGE: {
			long long d = str_to_ll(op.arg);
			if (d < 1 || d > 36500) {
				cli_error(cli, "--max-age: not a number of days (1-36500)");
				return CLI_USAGE;
			}
			req.max_age_days = (int)d;
			break;
		}
		case PO_COMMIT:
			req.commit = 1;
			break;
		case PO_DISK:
			req.disk = op.arg;
			break;
		case PO_SPOT:
			req.spot = op.arg;
			break;
		case PO_LPP:
			req.lpp_source = op.arg;
			break;
		case PO_CACHE_VG:
			req.cache_vg = op.arg;
			break;
		case PO_MKSYSB:
			req.mksysb = op.arg;
			break;
		case PO_BACKUP:
			req.backup_name = op.arg;
			break;
		case PO_BACKUP_FILE:
			req.backup_path = op.arg;
			break;
		case PO_NEW_NAME:
			req.new_mksysb = op.arg;
			break;
		case PO_NEW_FILE:
			req.new_path = op.arg;
			break;
		case PO_MOUNT:
			req.mount_dir = op.arg;
			break;
		case PO_YES:
			yes = 1;
			break;
		case PO_DRY_RUN:
			dry = 1;
			break;
		case PO_JSON:
			json = 1;
			break;
		case PO_TIMEOUT: {
			long long t = str_to_ll(op.arg);
			if (t <= 0 || t > 86400) {
				cli_error(cli, "--timeout: not a number of seconds (1-86400)");
				return CLI_USAGE;
			}
			req.timeout_ms = (int)(t * 1000);
			break;
		}
		default:
			break;
		}
	}
	err_clear(&e);
	/* hostile or missing values are refused here, before anything runs */
	if (prep_request_check(&req, &e) != 0) {
		char *m = prepare_esc(e.msg);
		cli_error(cli, "%s", m);
		free(m);
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL)
		return CLI_USAGE;
	plan = prep_plan(site, &req, &e);
	if (plan == NULL) {
		char *m = prepare_esc(e.msg);
		cli_error(cli, "%s", m);
		free(m);
		return e.field != NULL ? CLI_USAGE : CLI_FAILED;
	}
	if (!json || plan->refusal != NULL)
		prepare_print_plan(json ? stderr : stdout, plan);
	if (plan->refusal != NULL) {
		char *m = prepare_esc(plan->refusal);
		cli_error(cli, "%s", m);
		free(m);
		if (json)
			prepare_json(plan);
		prep_plan_free(&plan);
		return CLI_PREREQ;
	}
	if (dry || plan->nsteps == 0) {
		if (json)
			prepare_json(plan);
		prep_plan_free(&plan);
		return CLI_OK;
	}
	if (prep_plan_changes(plan) > 0 && !yes) {
		if (json) {
			cli_error(cli,
			          "--json needs --yes (or --dry-run): the plan changes the system");
			prep_plan_free(&plan);
			return CLI_USAGE;
		}
		fflush(stdout);
		if (!prepare_ask(plan)) {
			cli_error(cli, "not confirmed: nothing was run");
			prep_plan_free(&plan);
			return CLI_FAILED;
		}
	}
	{
		struct prepare_live live = { json ? stderr : stdout };
		struct prep_run_cb cb = {
			prepare_step_start, prepare_line, prepare_step_done, NULL, NULL, &live
		};
		err_clear(&e);
		rc = prep_run(site, plan, &cb, &e);
		fflush(live.out);
		if (json) {
			prepare_json(plan);
		} else if (rc == 0) {
			char *client = prepare_esc(plan->client);
			if (plan->nsteps == 1)
				printf("\nprepare %s on %s: the step ran ok\n",
				       prep_flow_name(flow), client);
			else {
				size_t skipped = 0;
				for (size_t i = 0; i < plan->nsteps; i++)
					skipped += plan->steps[i].state == PREP_STEP_SKIPPED;
				if (skipped > 0)
					printf("\nprepare %s on %s: %zu steps ok, %zu done by an "
					       "earlier run\n",
					       prep_flow_name(flow), client, plan->nsteps - skipped,
					       skipped);
				else
					printf("\nprepare %s on %s: all %zu steps ok\n",
					       prep_flow_name(flow), client, plan->nsteps);
			}
			free(client);
			if (plan->saved_at != NULL) {
				char *at = prepare_esc(plan->saved_at);
				printf("pre_migration saved its findings in %s on the client\n",
				       at);
				free(at);
			}
			prepare_print_list(stdout, "AFTERWARDS", &plan->notes);
		}
		if (rc != 0) {
			char *m = prepare_esc(e.msg);
			cli_error(cli, "%s", m);
			free(m);
		}
	}
	prep_plan_free(&plan);
	return rc == 0 ? CLI_OK : CLI_FAILED;
}
