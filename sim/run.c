/* run.c: running one command as a host: latency, recorded replays, injected faults, and
 * finally the personality. */
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void sim_sleep_ms(long ms)
{
	struct timespec ts, rem;

	if (ms <= 0)
		return;
	fflush(stdout);
	fflush(stderr);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
		ts = rem;
}

void sim_sleep_scaled(const struct sim_lab *lab, long ms)
{
	double scaled = (double)ms * (lab != NULL ? lab->time_scale : 1.0);
	sim_sleep_ms(scaled < 1.0 && ms > 0 ? 1 : (long)scaled);
}

static int host_matches(const char *pattern, const struct sim_host *h)
{
	return strcmp(pattern, "*") == 0 || strcmp(pattern, h->name) == 0;
}

/* The command name without a directory (/usr/bin/oslevel -> oslevel). */
static const char *cmd_name(const char *a)
{
	const char *s = strrchr(a, '/');
	return s != NULL ? s + 1 : a;
}

static int argv_equal(const struct strv *want, int argc, char **argv)
{
	if ((size_t)argc != want->n)
		return 0;
	if (strcmp(cmd_name(argv[0]), want->v[0]) != 0)
		return 0;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], want->v[i]) != 0)
			return 0;
	return 1;
}

static int argv_prefix(const struct strv *want, int argc, char **argv)
{
	if ((size_t)argc < want->n)
		return 0;
	if (strcmp(cmd_name(argv[0]), want->v[0]) != 0)
		return 0;
	for (size_t i = 1; i < want->n; i++)
		if (strcmp(argv[i], want->v[i]) != 0)
			return 0;
	return 1;
}

static void copy_file(const char *path, FILE *to)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "nimsim: replay file %s: %s\n", path, strerror(errno));
		return;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, to);
	fclose(f);
	fflush(to);
}

/* A fault with times = N fires for the first N matching runs; the count lives in the state. */
static int fault_fires(struct sim_ctx *ctx, const struct sim_fault *f)
{
	struct sim_state *st;
	struct err e;
	char *section, num[32];
	const char *cur;
	long used;
	int fire;

	if (f->times == 0)
		return 1;
	if (ctx->lab->state_dir == NULL)
		return 1;
	section = xasprintf("fault:%s", f->name);
	st = sim_state_begin(ctx->lab->state_dir, &e);
	if (st == NULL) {
		fprintf(stderr, "nimsim: %s\n", e.msg);
		free(section);
		return 1;
	}
	cur = sim_state_get(st, section, ctx->host->name);
	used = cur != NULL ? (long)str_to_ll(cur) : 0;
	fire = used < f->times;
	if (fire) {
		snprintf(num, sizeof num, "%ld", used + 1);
		sim_state_set(st, section, ctx->host->name, num);
		if (sim_state_commit(&st, &e) != 0)
			fprintf(stderr, "nimsim: %s\n", e.msg);
	} else {
		sim_state_free(&st);
	}
	free(section);
	return fire;
}

int sim_run(struct sim_ctx *ctx, int argc, char **argv)
{
	const char *name = cmd_name(argv[0]);
	const struct sim_cmd *cmd = sim_cmd_find(name);
	const char *lat;
	long delay = ctx->lab->latency_ms + ctx->host->latency_ms;

	if ((lat = sim_attrs_get(&ctx->lab->latency_cmd, name)) != NULL)
		delay += (long)str_to_ll(lat);
	if ((lat = sim_attrs_get(&ctx->host->latency_cmd, name)) != NULL)
		delay += (long)str_to_ll(lat);
	sim_sleep_ms(delay);

	for (size_t i = 0; i < ctx->lab->nreplays; i++) {
		const struct sim_replay *r = ctx->lab->replays[i];
		if (!host_matches(r->host, ctx->host) || !argv_equal(&r->argv, argc, argv))
			continue;
		if (r->stdout_path != NULL)
			copy_file(r->stdout_path, stdout);
		if (r->stderr_path != NULL)
			copy_file(r->stderr_path, stderr);
		return r->status;
	}
	for (size_t i = 0; i < ctx->lab->nfaults; i++) {
		const struct sim_fault *f = ctx->lab->faults[i];
		if (!host_matches(f->host, ctx->host) || !argv_prefix(&f->argv, argc, argv))
			continue;
		if (!fault_fires(ctx, f))
			continue;
		fputs(sb_str(&f->out), stdout);
		fflush(stdout);
		fputs(sb_str(&f->err), stderr);
		return f->status;
	}
	if (cmd == NULL || (cmd->master_only && !ctx->host->is_master)) {
		/* what the remote ksh says about a command it cannot find */
		fprintf(stderr, "ksh: %s:  not found.\n", name);
		return 127;
	}
	return cmd->fn(ctx, argc, argv);
}
