/*
 * inventory.c: `nimadm-tui inventory [--json] [--client NAME]... [--no-clients]
 * [--timeout SECONDS]`: the NIM inventory of the master or lab as a readable
 * report (MASTER, CLIENTS with their disks, SPOTS, LPP_SOURCES, MKSYSBS,
 * OTHER RESOURCES, VOLUME GROUPS) or as JSON.
 */
#include "cli.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Display-safe copies of strings that came from commands, freed together. */
struct inv_pool {
	struct strv s;
};

/* s escaped for the terminal ("-" for NULL or empty); valid until the pool is freed. */
static const char *esc(struct inv_pool *p, const char *s)
{
	char *e;

	if (s == NULL || *s == '\0')
		return "-";
	e = cmd_escape_display(s, strlen(s));
	strv_push(&p->s, e);
	free(e);
	return p->s.v[p->s.n - 1];
}

static const char *mb(struct inv_pool *p, long long v)
{
	char buf[32];

	if (v < 0)
		return "-";
	snprintf(buf, sizeof buf, "%lld MB", v);
	strv_push(&p->s, buf);
	return p->s.v[p->s.n - 1];
}

static int width_of(const char *s, int min)
{
	int n = (int)strlen(s);
	return n > min ? n : min;
}

static void print_master(struct inv_pool *p, const struct inventory *inv)
{
	const struct inv_master *m = &inv->master;
	const char *rte = inventory_fileset_level(&m->filesets, "bos.alt_disk_install.rte");
	const char *boot =
	    inventory_fileset_level(&m->filesets, "bos.alt_disk_install.boot_images");

	printf("MASTER\n");
	printf("  %-18s %s\n", "NIM object", esc(p, m->name));
	printf("  %-18s %s\n", "oslevel", m->have_oslevel ? m->oslevel_str : "-");
	if (m->have_prtconf) {
		printf("  %-18s %s\n", "processor", esc(p, m->prtconf.processor_type));
		printf("  %-18s %s\n", "memory", mb(p, m->prtconf.memory_mb));
	}
	printf("  %-18s %s\n", "alt_disk_install", rte != NULL ? esc(p, rte) : "not installed");
	printf("  %-18s %s\n", "  .boot_images", boot != NULL ? esc(p, boot) : "not installed");
	for (size_t i = 0; i < m->problems.n; i++)
		printf("  problem: %s\n", esc(p, m->problems.v[i]));
}

static void print_disks(struct inv_pool *p, const struct inv_client *c)
{
	int wn = 4;

	for (size_t i = 0; i < c->ndisks; i++)
		wn = width_of(esc(p, c->disks[i].name), wn);
	printf("    %-*s  %9s  %-16s  %s\n", wn, "DISK", "SIZE", "PVID", "USE");
	for (size_t i = 0; i < c->ndisks; i++) {
		const struct inv_disk *d = &c->disks[i];
		printf("    %-*s  %9s  %-16s  %s\n", wn, esc(p, d->name), mb(p, d->size_mb),
		       d->pvid != NULL ? esc(p, d->pvid) : "none",
		       d->free ? "free" : esc(p, d->why));
	}
}

static void print_clients(struct inv_pool *p, const struct inventory *inv)
{
	int wn = 4;

	printf("\nCLIENTS (%zu)\n", inv->nclients);
	if (inv->nclients == 0)
		return;
	for (size_t i = 0; i < inv->nclients; i++)
		wn = width_of(esc(p, inv->clients[i].name), wn);
	printf("  %-*s  %-7s  %-15s  %-8s  %9s  %11s  %-6s  %-6s  %-3s  %s\n", wn, "NAME",
	       "CONNECT", "OSLEVEL", "CPU", "MEMORY", "ROOTVG USED", "COPIES", "NCARGS", "TCB",
	       "CSTATE");
	for (size_t i = 0; i < inv->nclients; i++) {
		const struct inv_client *c = &inv->clients[i];
		const struct inv_rootvg *r = &c->rootvg;
		char cpu[24] = "-", copies[24] = "-", ncargs[24] = "-";

		if (c->reachable != 1) {
			printf("  %-*s  %-7s  %s: %s\n", wn, esc(p, c->name), esc(p, c->connect),
			       c->reachable == 0 ? "unreachable" : "not read",
			       c->error != NULL ? esc(p, c->error) : "not contacted");
			continue;
		}
		if (c->have_prtconf && c->prtconf.power_gen > 0)
			snprintf(cpu, sizeof cpu, "POWER%d", c->prtconf.power_gen);
		if (r->copies > 0)
			snprintf(copies, sizeof copies, "%d", r->copies);
		if (c->ncargs >= 0)
			snprintf(ncargs, sizeof ncargs, "%lld", c->ncargs);
		printf("  %-*s  %-7s  %-15s  %-8s  %9s  %11s  %-6s  %-6s  %-3s  %s\n", wn,
		       esc(p, c->name), esc(p, c->connect), c->have_oslevel ? c->oslevel_str : "-",
		       cpu, mb(p, c->have_prtconf ? c->prtconf.memory_mb : -1), mb(p, r->used_mb),
		       copies, ncargs,
		       c->tcb == 1   ? "on"
		       : c->tcb == 0 ? "off"
		                     : "-",
		       esc(p, c->cstate));
		print_disks(p, c);
		if (r->lvs.n > 0)
			printf("    rootvg: %zu LVs, longest name %s (%zu characters)%s\n",
			       r->lvs.n, esc(p, r->longest_lv), r->longest_lv_len,
			       r->multibos ? ", multibos standby (bos_ LVs)" : "");
		if (c->bootlist.n > 0) {
			printf("    bootlist:");
			for (size_t k = 0; k < c->bootlist.n; k++)
				printf(" %s", esc(p, c->bootlist.v[k].device));
			printf("\n");
		}
		for (size_t k = 0; k < c->problems.n; k++)
			printf("    problem: %s\n", esc(p, c->problems.v[k]));
	}
}

static const char *simages_word(int simages)
{
	return simages == 1 ? "yes" : simages == 0 ? "no" : "-";
}

static void print_resources(struct inv_pool *p, const char *title, const struct inv_resource *v,
                            size_t n, int kind)
{
	int wn = 4, wt = 4, wr = 6;

	printf("\n%s (%zu)\n", title, n);
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		wn = width_of(esc(p, v[i].name), wn);
		wt = width_of(esc(p, v[i].type), wt);
		wr = width_of(esc(p, v[i].rstate), wr);
	}
	switch (kind) {
	case 's':
		printf("  %-*s  %-15s  %-10s  %-*s  %s\n", wn, "NAME", "LEVEL", "ALT_DISK", wr,
		       "RSTATE", "LOCATION");
		break;
	case 'l':
		printf("  %-*s  %-15s  %-7s  %-*s  %s\n", wn, "NAME", "LEVEL", "SIMAGES", wr,
		       "RSTATE", "LOCATION");
		break;
	case 'm':
		printf("  %-*s  %-15s  %-12s  %s\n", wn, "NAME", "LEVEL", "SOURCE", "CREATED");
		break;
	default:
		printf("  %-*s  %-*s  %s\n", wn, "NAME", wt, "TYPE", "LOCATION");
		break;
	}
	for (size_t i = 0; i < n; i++) {
		const struct inv_resource *r = &v[i];
		const char *level = r->have_level ? r->level_str : "-";
		switch (kind) {
		case 's': {
			const char *rte =
			    inventory_fileset_level(&r->filesets, "bos.alt_disk_install.rte");
			printf("  %-*s  %-15s  %-10s  %-*s  %s\n", wn, esc(p, r->name), level,
			       esc(p, rte), wr, esc(p, r->rstate), esc(p, r->location));
			break;
		}
		case 'l':
			printf("  %-*s  %-15s  %-7s  %-*s  %s\n", wn, esc(p, r->name), level,
			       simages_word(r->simages), wr, esc(p, r->rstate),
			       esc(p, r->location));
			break;
		case 'm':
			printf("  %-*s  %-15s  %-12s  %s\n", wn, esc(p, r->name), level,
			       esc(p, r->source_image), esc(p, r->creation_date));
			break;
		default:
			printf("  %-*s  %-*s  %s\n", wn, esc(p, r->name), wt, esc(p, r->type),
			       esc(p, r->location));
			break;
		}
		if (r->error != NULL)
			printf("    problem: %s\n", esc(p, r->error));
	}
}

static void print_vgs(struct inv_pool *p, const struct inventory *inv)
{
	int wn = 4;

	printf("\nVOLUME GROUPS on the master (%zu)\n", inv->nvgs);
	if (inv->nvgs == 0)
		return;
	for (size_t i = 0; i < inv->nvgs; i++)
		wn = width_of(esc(p, inv->vgs[i].name), wn);
	printf("  %-*s  %11s  %11s  %8s  %3s  %s\n", wn, "NAME", "FREE", "TOTAL", "PP SIZE", "PVS",
	       "STATE");
	for (size_t i = 0; i < inv->nvgs; i++) {
		const struct inv_vg *vg = &inv->vgs[i];
		const struct aix_vg *in = &vg->info;
		char pvs[24] = "-";
		if (!vg->have_info) {
			printf("  %-*s  %s\n", wn, esc(p, vg->name), esc(p, vg->error));
			continue;
		}
		if (in->varied_off) {
			printf("  %-*s  %11s  %11s  %8s  %3s  %s\n", wn, esc(p, vg->name), "-", "-",
			       "-", "-", "varied off");
			continue;
		}
		if (in->total_pvs >= 0)
			snprintf(pvs, sizeof pvs, "%lld", in->total_pvs);
		printf("  %-*s  %11s  %11s  %8s  %3s  %s\n", wn, esc(p, vg->name),
		       mb(p, in->free_mb), mb(p, in->total_mb), mb(p, in->pp_size_mb), pvs,
		       esc(p, in->state));
	}
}

static void print_text(const struct inventory *inv)
{
	struct inv_pool p;

	memset(&p, 0, sizeof p);
	print_master(&p, inv);
	print_clients(&p, inv);
	print_resources(&p, "SPOTS", inv->spots, inv->nspots, 's');
	print_resources(&p, "LPP_SOURCES", inv->lpp_sources, inv->nlpp_sources, 'l');
	print_resources(&p, "MKSYSBS", inv->mksysbs, inv->nmksysbs, 'm');
	print_resources(&p, "OTHER RESOURCES", inv->others, inv->nothers, 'o');
	print_vgs(&p, inv);
	strv_free(&p.s);
}

int cli_inventory(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		{ "json", 0, 0 },      { "client", 'c', 1 }, { "no-clients", 0, 0 },
		{ "timeout", 't', 1 }, { NULL, 0, 0 },
	};
	struct optparse op;
	struct inventory_opts o;
	struct strv only = { 0 };
	struct inventory *inv;
	struct err e;
	int json = 0, k, rc = CLI_OK;

	memset(&o, 0, sizeof o);
	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		switch (k) {
		case 0:
			json = 1;
			break;
		case 1:
			strv_push(&only, op.arg);
			break;
		case 2:
			o.flags |= INVENTORY_NO_CLIENTS;
			break;
		case 3: {
			long long secs = str_to_ll(op.arg);
			if (secs <= 0 || secs > 86400) {
				cli_error(cli,
				          "--timeout needs a number of seconds (1-86400), not '%s'",
				          op.arg);
				strv_free(&only);
				return CLI_USAGE;
			}
			o.timeout_ms = o.probe_timeout_ms = (int)(secs * 1000);
			break;
		}
		case OPT_OPERAND:
			cli_error(cli,
			          "unexpected argument '%s' (usage: inventory [--json] "
			          "[--client NAME]... [--no-clients] [--timeout SECONDS])",
			          op.arg);
			strv_free(&only);
			return CLI_USAGE;
		default:
			cli_error(cli,
			          "%s (usage: inventory [--json] [--client NAME]... "
			          "[--no-clients] [--timeout SECONDS])",
			          op.error);
			strv_free(&only);
			return CLI_USAGE;
		}
	}
	if (only.n > 0)
		o.clients = strv_argv(&only);
	if (cli_site(cli) == NULL) {
		strv_free(&only);
		return CLI_USAGE;
	}
	err_clear(&e);
	inv = inventory_load(cli->site, &o, &e);
	if (inv == NULL) {
		cli_error(cli, "%s", e.msg);
		strv_free(&only);
		return CLI_FAILED;
	}
	for (size_t i = 0; i < only.n; i++) {
		if (inventory_find_client(inv, only.v[i]) == NULL) {
			char *name = cmd_escape_display(only.v[i], strlen(only.v[i]));
			cli_error(cli, "there is no NIM client named '%s'", name);
			free(name);
			strv_free(&only);
			inventory_free(&inv);
			return CLI_USAGE;
		}
	}
	strv_free(&only);
	if (json) {
		cJSON *j = inventory_to_json(inv);
		char *s = cJSON_Print(j);
		if (s == NULL || printf("%s\n", s) < 0)
			rc = CLI_FAILED;
		cJSON_free(s);
		cJSON_Delete(j);
	} else {
		print_text(inv);
	}
	if (fflush(stdout) != 0) {
		cli_error(cli, "cannot write the report");
		rc = CLI_FAILED;
	}
	inventory_free(&inv);
	return rc;
}
