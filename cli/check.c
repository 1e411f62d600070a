/*
 * check.c: `nimadm-tui check -c CLIENT[,CLIENT...] | --all-clients -s SPOT
 * -l LPP_SOURCE [-j VG] [-d DISKS] [-U] [--json] [--verbose] [--timeout S]
 * [--parallel N] [--nfs-export [CLIENT:|master:]PATH]... [--ssh
 * [USER@]HOST[:PORT] [--ssh-key FILE] [--known-hosts FILE]]`: every
 * prerequisite check for the clients, as a report grouped by host (evidence
 * and fix under each check that did not pass) or as a JSON array of results.
 * Exit 0 when nothing failed (warnings are said), 3 when a check failed, 1
 * when checks could not run, 2 on bad usage.
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "usage: nimadm-tui check -c CLIENT[,CLIENT...] | --all-clients -s SPOT -l LPP_SOURCE\n"
    "                        [-j VG] [-d DISKS] [-U] [--json] [--verbose] [--timeout SECONDS]\n"
    "                        [--parallel N] [--nfs-export [CLIENT:|master:]PATH]...\n"
    "                        [--ssh [USER@]HOST[:PORT] [--ssh-key FILE] [--known-hosts FILE]]\n";

/* A display-safe copy of s (control characters escaped), owned. */
static char *safe(const char *s)
{
	return cmd_escape_display(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static void put_safe(const char *prefix, const char *s)
{
	char *e = safe(s);
	printf("%s%s\n", prefix, e);
	free(e);
}

/* Prints a multi-line text, each line after indent. */
static void put_block(const char *indent, const char *text)
{
	const char *s = text;

	while (s != NULL && *s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n);
		put_safe(indent, line);
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* brief: a host that did not answer; its client.reach shows the evidence once. */
static void print_result(const struct check_result *r, int width, int verbose, int brief)
{
	char *id = safe(r->check), *summary = safe(r->summary);

	printf("  %-4s  %-*s  %s\n", check_status_mark(r->status), width, id, summary);
	free(id);
	free(summary);
	if ((r->status == CHECK_PASS || (brief && r->status == CHECK_ERROR)) && !verbose)
		return;
	for (size_t i = 0; i < r->nevidence; i++) {
		const struct check_evidence *ev = &r->evidence[i];
		char *cmd = safe(ev->command != NULL ? ev->command : "(derived)");
		char status[48] = "";
		if (ev->status >= 0)
			snprintf(status, sizeof status, "exit %d", ev->status);
		printf("        $ %s", cmd);
		if (status[0] != '\0' || ev->note != NULL) {
			char *note = safe(ev->note);
			printf("   [%s%s%s]", status,
			       status[0] != '\0' && ev->note != NULL ? "; " : "",
			       ev->note != NULL ? note : "");
			free(note);
		}
		printf("\n");
		free(cmd);
		for (size_t k = 0; k < ev->lines.n; k++)
			put_safe("          ", ev->lines.v[k]);
	}
	if (r->fix != NULL) {
		printf("        fix:\n");
		put_block("          ", r->fix);
	}
}

static void print_report(const struct check_report *rep, const struct check_request *req,
                         int verbose)
{
	int width = 0;
	enum check_status verdict = check_report_verdict(rep);

	for (size_t i = 0; i < check_def_count(); i++) {
		int n = (int)strlen(check_def_at(i)->id);
		if (n > width)
			width = n;
	}
	printf("Prerequisites for nimadm: SPOT %s", req->spot);
	if (rep->target[0] != '\0')
		printf(" (target %s)", rep->target);
	printf(", lpp_source %s, %s%s%s, disks: %s%s\n", req->lpp_source,
	       req->cache_vg != NULL ? "cache VG " : "no -j",
	       req->cache_vg != NULL ? req->cache_vg : "",
	       req->tl_update ? ", -U (TL/SP update)" : "",
	       req->disks != NULL ? req->disks : "proposed per client",
	       req->disks != NULL ? " (-d)" : "");
	for (size_t h = 0; h < rep->hosts.n; h++) {
		size_t n;
		const struct check_result **v = check_report_host_results(rep, rep->hosts.v[h], &n);
		const struct check_result *reach =
		    check_report_find(rep, rep->hosts.v[h], "client.reach");
		char *name = safe(rep->hosts.v[h]);
		int timed_out = 0;

		for (size_t k = 0; k < rep->timed_out.n; k++)
			timed_out |= strcmp(rep->timed_out.v[k], rep->hosts.v[h]) == 0;
		printf("\n%s", name);
		if (h == 0)
			printf(" (NIM master, SPOT and lpp_source)");
		else if (reach != NULL && reach->status != CHECK_SKIPPED)
			printf(" (client%s)", timed_out ? ", timed out" : "");
		printf("\n");
		free(name);
		for (size_t i = 0; i < n; i++)
			print_result(v[i], width, verbose,
			             reach != NULL && reach->status == CHECK_FAIL);
		free(v);
	}
	printf("\nSummary: %zu host%s, %zu checks: %zu pass, %zu warn, %zu fail, %zu skipped, %zu "
	       "error\n",
	       rep->hosts.n, rep->hosts.n == 1 ? "" : "s", rep->nresults, rep->counts[CHECK_PASS],
	       rep->counts[CHECK_WARN], rep->counts[CHECK_FAIL], rep->counts[CHECK_SKIPPED],
	       rep->counts[CHECK_ERROR]);
	if (rep->timed_out.n > 0) {
		printf("Timed out:");
		for (size_t i = 0; i < rep->timed_out.n; i++) {
			char *e = safe(rep->timed_out.v[i]);
			printf(" %s", e);
			free(e);
		}
		printf("\n");
	}
	if (rep->error != NULL)
		put_safe("Error: ", rep->error);
	switch (verdict) {
	case CHECK_FAIL:
		printf("Result: FAILED: %zu check%s failed\n", rep->counts[CHECK_FAIL],
		       rep->counts[CHECK_FAIL] == 1 ? "" : "s");
		break;
	case CHECK_ERROR:
		printf("Result: INCOMPLETE: %zu check%s could not run\n", rep->counts[CHECK_ERROR],
		       rep->counts[CHECK_ERROR] == 1 ? "" : "s");
		break;
	case CHECK_WARN:
		printf("Result: passed with %zu warning%s\n", rep->counts[CHECK_WARN],
		       rep->counts[CHECK_WARN] == 1 ? "" : "s");
		break;
	default:
		printf("Result: passed\n");
		break;
	}
}

/* --ssh [USER@]HOST[:PORT]: fills the parts (owned); -1 when malformed. */
static int parse_ssh(const char *spec, char **user, char **addr, unsigned *port)
{
	const char *at = strrchr(spec, '@'), *h = at != NULL ? at + 1 : spec, *colon;
	size_t hl;

	*user = at != NULL ? xstrndup(spec, (size_t)(at - spec)) : NULL;
	*port = 0;
	if (*h == '[') {
		/* [v6addr]:port */
		const char *close = strchr(h, ']');
		if (close == NULL)
			goto bad;
		*addr = xstrndup(h + 1, (size_t)(close - h - 1));
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && colon == NULL) {
			free(*addr);
			goto bad;
		}
	} else {
		colon = strchr(h, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* a bare IPv6 address */
		hl = colon != NULL ? (size_t)(colon - h) : strlen(h);
		*addr = xstrndup(h, hl);
	}
	if (colon != NULL) {
		long long p = str_to_ll(colon + 1);
		if (p <= 0 || p > 65535) {
			free(*addr);
			goto bad;
		}
		*port = (unsigned)p;
	}
	if (**addr == '\0' || **addr == '-' ||
	    (*user != NULL && (**user == '\0' || **user == '-'))) {
		free(*addr);
		goto bad;
	}
	return 0;
bad:
	free(*user);
	*user = NULL;
	*addr = NULL;
	return -1;
}

int cli_check(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		{ "client", 'c', 1 },     { "all-clients", 0, 0 }, { "spot", 's', 1 },
		{ "lpp-source", 'l', 1 }, { "cache-vg", 'j', 1 },  { "disks", 'd', 1 },
		{ "tl-update", 'U', 0 },  { "json", 0, 0 },        { "verbose", 'v', 0 },
		{ "timeout", 0, 1 },      { "parallel", 0, 1 },    { "ssh", 0, 1 },
		{ "ssh-key", 0, 1 },      { "known-hosts", 0, 1 }, { "nfs-export", 0, 1 },
		{ "help", 'h', 0 },       { NULL, 0, 0 },
	};
	struct optparse p;
	struct check_request req;
	struct strbuf clients = { 0 };
	struct strv nfs_exports = { 0 };
	const char *ssh = NULL, *ssh_key = NULL, *known_hosts = NULL;
	int json = 0, verbose = 0, k, rc;
	long long timeout_s = 0, parallel = 0;
	struct check_report *rep;
	struct site *site;
	struct err e;

	memset(&req, 0, sizeof req);
	optparse_init(&p, argc, argv);
	while ((k = optparse_next(&p, defs)) != OPT_END) {
		if (k == OPT_ERROR || k == OPT_OPERAND) {
			if (k == OPT_ERROR)
				cli_error(cli, "%s", p.error);
			else
				cli_error(cli, "unexpected argument '%s'", p.arg);
			sb_free(&clients);
			strv_free(&nfs_exports);
			return CLI_USAGE;
		}
		switch (k) {
		case 0:
			sb_addf(&clients, "%s%s", clients.len > 0 ? "," : "", p.arg);
			break;
		case 1:
			req.all_clients = 1;
			break;
		case 2:
			req.spot = p.arg;
			break;
		case 3:
			req.lpp_source = p.arg;
			break;
		case 4:
			req.cache_vg = p.arg;
			break;
		case 5:
			req.disks = p.arg;
			break;
		case 6:
			req.tl_update = 1;
			break;
		case 7:
			json = 1;
			break;
		case 8:
			verbose = 1;
			break;
		case 9:
			if ((timeout_s = str_to_ll(p.arg)) <= 0 || timeout_s > 86400) {
				cli_error(cli, "--timeout takes seconds (1-86400), not '%s'",
				          p.arg);
				sb_free(&clients);
				strv_free(&nfs_exports);
				return CLI_USAGE;
			}
			break;
		case 10:
			if ((parallel = str_to_ll(p.arg)) <= 0 || parallel > 1024) {
				cli_error(cli, "--parallel takes a number (1-1024), not '%s'",
				          p.arg);
				sb_free(&clients);
				strv_free(&nfs_exports);
				return CLI_USAGE;
			}
			break;
		case 11:
			ssh = p.arg;
			break;
		case 12:
			ssh_key = p.arg;
			break;
		case 13:
			known_hosts = p.arg;
			break;
		case 14:
			strv_push(&nfs_exports, p.arg);
			break;
		default:
			fputs(check_usage, stdout);
			sb_free(&clients);
			strv_free(&nfs_exports);
			return CLI_OK;
		}
	}
	if (req.all_clients && clients.len > 0) {
		cli_error(cli, "-c and --all-clients exclude each other");
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	if (!req.all_clients && clients.len == 0) {
		cli_error(cli, "name the clients (-c CLIENT[,CLIENT...]) or --all-clients");
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	if (req.spot == NULL || req.lpp_source == NULL) {
		cli_error(cli, "a SPOT (-s) and an lpp_source (-l) are required");
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	if ((ssh_key != NULL || known_hosts != NULL) && ssh == NULL) {
		cli_error(cli, "--ssh-key and --known-hosts need --ssh");
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	req.clients = clients.len > 0 ? sb_str(&clients) : NULL;
	if (req.cache_vg != NULL && *req.cache_vg == '\0')
		req.cache_vg = NULL;
	if (req.disks != NULL && req.disks[strspn(req.disks, " ,\t")] == '\0')
		req.disks = NULL;
	if (timeout_s > 0) {
		int ms = (int)(timeout_s * 1000);
		req.host_timeout_ms = ms;
		req.probe_timeout_ms = ms < 20000 ? ms : 20000;
		req.cmd_timeout_ms = ms < 60000 ? ms : 60000;
		req.nfs_timeout_ms = ms < 20000 ? ms : 20000;
	}
	req.max_running = (int)parallel;
	req.nfs_exports = (const char *const *)nfs_exports.v;
	req.nnfs_exports = nfs_exports.n;
	err_clear(&e);
	if (check_request_validate(&req, &e) != 0) {
		if (e.field != NULL && strcmp(e.field, "nfs_export") == 0)
			cli_error(cli, "--nfs-export: %s", e.msg);
		else
			cli_error(cli, "%s", e.msg);
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	if ((site = cli_site(cli)) == NULL) {
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_USAGE;
	}
	if (ssh != NULL) {
		/* The master over ssh; clients are still reached from it with rsh/c_rsh. */
		char *user, *addr;
		unsigned port;
		struct host *m;
		if (parse_ssh(ssh, &user, &addr, &port) != 0) {
			cli_error(cli, "--ssh takes [USER@]HOST[:PORT], not '%s'", ssh);
			sb_free(&clients);
			strv_free(&nfs_exports);
			return CLI_USAGE;
		}
		m = host_ssh_new("master", addr, port, user, ssh_key, known_hosts);
		free(user);
		free(addr);
		host_free(&site->master);
		site->master = m;
	}
	rep = check_run(site, &req, NULL, &e);
	if (rep == NULL) {
		cli_error(cli, "%s", e.msg);
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_FAILED;
	}
	if (rep->error != NULL && rep->nresults == 0) {
		/* Nothing could be checked: one line says why. */
		if (json)
			printf("[]\n");
		cli_error(cli, "%s", rep->error);
		check_report_free(&rep);
		sb_free(&clients);
		strv_free(&nfs_exports);
		return CLI_FAILED;
	}
	if (check_report_save(site, rep, &e) != 0)
		cli_error(cli, "%s", e.msg); /* the report itself is still printed */
	if (json) {
		cJSON *a = check_report_to_json(rep);
		char *text = cJSON_Print(a);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(a);
		if (rep->error != NULL)
			cli_error(cli, "%s", rep->error);
	} else {
		print_report(rep, &req, verbose);
	}
	switch (check_report_verdict(rep)) {
	case CHECK_FAIL:
		rc = CLI_PREREQ;
		break;
	case CHECK_ERROR:
		rc = CLI_FAILED;
		break;
	default:
		rc = CLI_OK;
		break;
	}
	check_report_free(&rep);
	sb_free(&clients);
	strv_free(&nfs_exports);
	return rc;
}
