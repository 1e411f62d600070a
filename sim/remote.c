/*
 * remote.c: rsh and NIM's c_rsh. The command line is split into words (never given to a shell)
 * and run in-process as the target host. Transports behave as on AIX: rsh reaches only
 * clients with connect=shell (rshd), c_rsh only connect=nimsh (nimsh); rsh cannot carry the
 * remote exit status (the protocol has none), c_rsh does.
 */
#include "sim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RSH_MAX_DEPTH 4
/* How long AIX waits for a TCP connect to a dead host. */
#define AIX_CONNECT_TIMEOUT_MS 75000L
/* "Never answers": long enough that only the caller's timeout ends it. */
#define HANG_MS 3600000L

enum transport { VIA_RSH, VIA_NIMSH };

/* The caller's timeout must be able to end us: restore and unblock SIGTERM/SIGINT. */
static void hang(void)
{
	sigset_t set;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	for (;;)
		sim_sleep_ms(HANG_MS);
}

static void connect_error(enum transport via, const char *host, const char *what)
{
	if (via == VIA_RSH)
		fprintf(stderr, "rcmd: connect: %s: %s\n", host, what);
	else
		fprintf(stderr, "0042-006 c_rsh: (From_Master) connect %s to %s\n", what, host);
}

/* The "; echo WORD$?" idiom that recovers the remote status over rsh; returns its length. */
static size_t status_idiom(const char *line, char *word, size_t wsize)
{
	size_t len = strlen(line), end, start;
	const char *p;

	if (len < 8 || strcmp(line + len - 2, "$?") != 0)
		return 0;
	end = len - 2;
	start = end;
	while (start > 0 &&
	       strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=:.-",
	              line[start - 1]) != NULL)
		start--;
	if (end - start >= wsize)
		return 0;
	p = line + start;
	if (start < 6 || strncmp(line + start - 5, "echo ", 5) != 0)
		return 0;
	start -= 5;
	while (start > 0 && line[start - 1] == ' ')
		start--;
	if (start == 0 || line[start - 1] != ';')
		return 0;
	memcpy(word, p, end - (size_t)(p - line));
	word[end - (size_t)(p - line)] = '\0';
	return len - (start - 1);
}

static int remote(struct sim_ctx *ctx, enum transport via, const char *cmd, int argc, char **argv)
{
	struct sim_host *th;
	struct strbuf line = { 0 };
	struct strv words = { 0 };
	struct sim_ctx sub;
	struct err e;
	char word[64] = "";
	size_t idiom, first = 0;
	int i = 1, rc;

	/* rsh RemoteHost [-n] [-l User] [-f|-F] [-k realm] [-S] [-u] [Command]; c_rsh Host Command
	 */
	while (via == VIA_RSH && i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "-k") == 0)
			i++;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr,
		        via == VIA_RSH
		            ? "Usage: rsh RemoteHost [-n] [-l User] [-f | -F] [-k Realm] [-S] [-u] "
		              "[Command]\n"
		            : "Usage: c_rsh Host Command\n");
		return 1;
	}
	const char *host = argv[i++];
	while (via == VIA_RSH && i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "-k") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "rsh: Flag requires a parameter: %c\n", argv[i][1]);
				return 1;
			}
			i++;
		} else if (strchr("nfFSu", argv[i][1]) == NULL || argv[i][2] != '\0') {
			sim_opt_complain("rsh", '?', argv[i][1]);
			return 1;
		}
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "%s: nimsim cannot open an interactive session on %s\n", cmd, host);
		return 1;
	}
	if (ctx->depth >= RSH_MAX_DEPTH) {
		fprintf(stderr, "%s: nimsim: remote commands nested too deeply\n", cmd);
		return 1;
	}
	th = sim_lab_resolve(ctx->lab, host);
	if (th == NULL) {
		fprintf(stderr, "%s: %s: Unknown host\n", cmd, host);
		return 1;
	}

	/* the connection */
	if (!th->is_master) {
		int wrong = (via == VIA_RSH) != (th->connect == SIM_CONNECT_SHELL);
		switch (th->reach) {
		case SIM_REACH_TIMEOUT:
			if (th->connect_timeout_ms >= 0)
				sim_sleep_ms(th->connect_timeout_ms);
			else
				sim_sleep_scaled(ctx->lab, AIX_CONNECT_TIMEOUT_MS);
			connect_error(via, th->hostname, "Connection timed out");
			return 1;
		case SIM_REACH_REFUSED:
			connect_error(via, th->hostname, "Connection refused");
			return 1;
		default:
			break;
		}
		if (wrong) {
			/* nothing listens on the other transport's port */
			connect_error(via, th->hostname, "Connection refused");
			return 1;
		}
		switch (th->reach) {
		case SIM_REACH_DENIED:
			if (via == VIA_RSH)
				fprintf(stderr, "rshd: 0826-813 Permission is denied.\n");
			else
				fprintf(stderr,
				        "0042-006 c_rsh: (From_Master) nimsh: authentication "
				        "failed on %s\n",
				        th->hostname);
			return 1;
		case SIM_REACH_HANG:
			fflush(stdout);
			hang();
			break;
		case SIM_REACH_SLOW:
			sim_sleep_ms(th->slow_ms);
			break;
		default:
			break;
		}
	}

	/* the remote shell's part: one simple command, never a real shell */
	for (int a = i; a < argc; a++) {
		if (a > i)
			sb_addc(&line, ' ');
		sb_adds(&line, argv[a]);
	}
	idiom = via == VIA_RSH ? status_idiom(sb_str(&line), word, sizeof word) : 0;
	if (idiom > 0) {
		line.len -= idiom;
		line.buf[line.len] = '\0';
	}
	err_clear(&e);
	if (sim_words_split(sb_str(&line), &words, &e) != 0) {
		fprintf(stderr, "%s: nimsim refuses the command line for %s: %s\n", cmd, host,
		        e.msg);
		sb_free(&line);
		strv_free(&words);
		return 2;
	}
	/* leading NAME=value assignments (LANG=C lslpp ...) only set the environment */
	while (first < words.n) {
		const char *w = words.v[first], *eq = strchr(w, '=');
		if (eq == NULL || eq == w ||
		    strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
		              "uvwxyz0123456789_") != (size_t)(eq - w))
			break;
		first++;
	}
	if (first >= words.n) {
		rc = 0;
	} else {
		sub = *ctx;
		sub.host = th;
		sub.depth = ctx->depth + 1;
		fflush(stdout);
		rc = sim_run(&sub, (int)(words.n - first), words.v + first);
		fflush(stdout);
		fflush(stderr);
	}
	sb_free(&line);
	strv_free(&words);
	if (via == VIA_NIMSH)
		return rc;
	if (idiom > 0)
		printf("%s%d\n", word, rc);
	/* rsh has no channel for the remote status: it exits 0 once the command ran */
	return 0;
}

int sim_remote_rsh(struct sim_ctx *ctx, int argc, char **argv)
{
	return remote(ctx, VIA_RSH, "rsh", argc, argv);
}

int sim_remote_c_rsh(struct sim_ctx *ctx, int argc, char **argv)
{
	return remote(ctx, VIA_NIMSH, "c_rsh", argc, argv);
}
