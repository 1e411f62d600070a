/*
 * log.c: `nimadm-tui log --summary FILE [--json]`: what a nimadm log or
 * output file says: the result, the phase table, the messages and what the
 * knowledge base knows about them. Reads plain or compressed files as a stream.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Messages listed in the text summary; JSON has all the tracker kept. */
#define LOG_TEXT_MESSAGES_MAX 100
/* Explanations are wrapped to this width. */
#define LOG_WIDTH 78

struct log_opts {
	const char *file;
	int summary;
	int json;
	unsigned phases;
	int exit_status;
};

static void log_usage(const struct cli *cli)
{
	cli_error(
	    cli, "usage: nimadm-tui log --summary [--json] [--phases LIST] [--exit-status N] FILE");
}

/* Valid UTF-8 for JSON: invalid bytes become U+FFFD. Owned. */
static char *log_utf8(const char *s)
{
	struct strbuf sb = { 0 };
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = 0;
		unsigned c = *p;
		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				n = 0;
		if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			n = 0;
		if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			n = 0;
		if (n == 0) {
			sb_adds(&sb, "\xef\xbf\xbd");
			p++;
			continue;
		}
		sb_add(&sb, (const char *)p, n);
		p += n;
	}
	return sb_steal(&sb);
}

static void log_json_str(cJSON *obj, const char *name, const char *s)
{
	if (s == NULL) {
		cJSON_AddNullToObject(obj, name);
		return;
	}
	char *u = log_utf8(s);
	cJSON_AddStringToObject(obj, name, u);
	free(u);
}

/* "2026-11-21T07:44:12Z" from epoch milliseconds. */
static void log_iso_time(long long ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		str_copy(buf, "", size);
}

static void log_duration(long s, char *buf, size_t size)
{
	if (s < 0)
		str_copy(buf, "", size);
	else if (s >= 3600)
		snprintf(buf, size, "%ldh%02ldm%02lds", s / 3600, s % 3600 / 60, s % 60);
	else if (s >= 60)
		snprintf(buf, size, "%ldm%02lds", s / 60, s % 60);
	else
		snprintf(buf, size, "%lds", s);
}

static cJSON *log_json_kb(const struct kb_entry *kb)
{
	cJSON *o = cJSON_CreateObject();

	log_json_str(o, "id", kb->id);
	log_json_str(o, "title", kb->title);
	log_json_str(o, "meaning", kb->meaning);
	log_json_str(o, "fix", kb->fix);
	cJSON_AddBoolToObject(o, "harmless", kb->harmless);
	log_json_str(o, "phase", kb->phase);
	return o;
}

static void log_print_json(const struct log_opts *o, const struct phase_state *st,
                           const char *filter, const char *read_error)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *phases, *msgs, *installp;
	char *out;

	log_json_str(root, "file", o->file);
	log_json_str(root, "compression", filter);
	cJSON_AddNumberToObject(root, "lines", (double)st->lines);
	log_json_str(root, "status", phase_result_name(st->result));
	if (st->result == PHASE_RESULT_FAILED && st->failed_phase >= 1)
		cJSON_AddNumberToObject(root, "failed_phase", st->failed_phase);
	else
		cJSON_AddNullToObject(root, "failed_phase");
	if (st->current >= 1)
		cJSON_AddNumberToObject(root, "current_phase", st->current);
	else
		cJSON_AddNullToObject(root, "current_phase");
	cJSON_AddBoolToObject(root, "failed_before_phase_1",
	                      st->result == PHASE_RESULT_FAILED && st->failed_phase == 0);
	cJSON_AddBoolToObject(root, "automatic_cleanup", st->cleanup_ran);
	log_json_str(root, "client", st->client);
	log_json_str(root, "log", st->log_path);
	log_json_str(root, "bootlist", st->bootlist);
	if (st->exit_status >= 0)
		cJSON_AddNumberToObject(root, "exit_status", st->exit_status);
	else
		cJSON_AddNullToObject(root, "exit_status");

	phases = cJSON_AddArrayToObject(root, "phases");
	for (int n = 1; n <= PHASE_MAX; n++) {
		const struct phase_info *p = &st->phases[n];
		cJSON *po = cJSON_CreateObject();
		char when[32];
		cJSON_AddNumberToObject(po, "phase", n);
		log_json_str(po, "status", phase_status_name(p->status));
		log_json_str(po, "title", phase_title(n));
		if (p->started_ms >= 0) {
			log_iso_time(p->started_ms, when, sizeof when);
			log_json_str(po, "started", when);
		}
		if (p->duration_s >= 0)
			cJSON_AddNumberToObject(po, "duration_s", (double)p->duration_s);
		if (p->filesets_done >= 0)
			cJSON_AddNumberToObject(po, "filesets_done", (double)p->filesets_done);
		if (p->filesets_total >= 0)
			cJSON_AddNumberToObject(po, "filesets_total", (double)p->filesets_total);
		if (p->first_line > 0)
			cJSON_AddNumberToObject(po, "first_line", (double)p->first_line);
		cJSON_AddItemToArray(phases, po);
	}

	installp = cJSON_AddObjectToObject(root, "installp");
	cJSON_AddNumberToObject(installp, "succeeded", (double)st->installp_ok);
	cJSON_AddNumberToObject(installp, "failed", (double)st->installp_failed);
	if (st->installp_elapsed_s >= 0)
		cJSON_AddNumberToObject(installp, "total_time_s", (double)st->installp_elapsed_s);
	else
		cJSON_AddNullToObject(installp, "total_time_s");

	cJSON_AddNumberToObject(root, "errors", (double)st->errors);
	cJSON_AddNumberToObject(root, "warnings", (double)st->warnings);
	msgs = cJSON_AddArrayToObject(root, "messages");
	for (size_t i = 0; i < st->nmessages; i++) {
		const struct phase_message *m = &st->messages[i];
		cJSON *mo = cJSON_CreateObject();
		log_json_str(mo, "code", m->code);
		log_json_str(mo, "line", m->text);
		cJSON_AddNumberToObject(mo, "lineno", (double)m->lineno);
		log_json_str(mo, "severity", kb_severity_name(m->severity));
		log_json_str(mo, "command", m->command);
		cJSON_AddNumberToObject(mo, "phase", m->phase);
		if (m->kb != NULL)
			cJSON_AddItemToObject(mo, "kb", log_json_kb(m->kb));
		else
			cJSON_AddNullToObject(mo, "kb");
		cJSON_AddItemToArray(msgs, mo);
	}
	cJSON_AddNumberToObject(root, "messages_dropped", (double)st->messages_dropped);
	if (read_error != NULL)
		log_json_str(root, "read_error", read_error);

	out = cJSON_Print(root);
	if (out == NULL)
		fatal("cJSON_Print: out of memory");
	fputs(out, stdout);
	fputc('\n', stdout);
	free(out);
	cJSON_Delete(root);
}

/* Prints s with control characters escaped, then a newline. */
static void log_puts_safe(const char *prefix, const char *s)
{
	char *e = cmd_escape_display(s, strlen(s));

	printf("%s%s\n", prefix, e);
	free(e);
}

static void log_print_status(const struct phase_state *st)
{
	const struct phase_info *cur = &st->phases[st->current];

	switch (st->result) {
	case PHASE_RESULT_FAILED:
		if (st->failed_phase >= 1)
			printf("Status:   FAILED in phase %d (%s)\n", st->failed_phase,
			       phase_title(st->failed_phase));
		else
			printf("Status:   FAILED before phase 1 (start-up)\n");
		if (st->cleanup_ran)
			printf("Cleanup:  nimadm cleaned up after the failure%s%s\n",
			       st->bootlist != NULL ? "; bootlist is back on " : "",
			       st->bootlist != NULL ? st->bootlist : "");
		break;
	case PHASE_RESULT_SUCCEEDED:
		printf("Status:   succeeded\n");
		if (st->bootlist != NULL)
			log_puts_safe("Bootlist: ", st->bootlist);
		break;
	case PHASE_RESULT_RUNNING:
		if (st->current >= 1) {
			printf("Status:   running (or stopped) in phase %d (%s)", st->current,
			       phase_title(st->current));
			if (cur->filesets_total > 0)
				printf(", %ld of %ld filesets", cur->filesets_done,
				       cur->filesets_total);
			printf("\n");
		} else {
			printf("Status:   running (or stopped) before phase 1\n");
		}
		if (st->step != NULL)
			log_puts_safe("Last:     ", st->step);
		break;
	default:
		printf("Status:   unknown (no nimadm output recognised)\n");
		break;
	}
}

/* Prints text under indent, each of its lines wrapped at LOG_WIDTH columns. */
static void log_print_wrapped(const char *indent, const char *text)
{
	size_t width = LOG_WIDTH > strlen(indent) + 20 ? LOG_WIDTH - strlen(indent) : 20;
	const char *s = text;

	while (*s != '\0') {
		size_t n = strcspn(s, "\n");
		while (n > width) {
			size_t cut = width;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = width;
			char *part = xstrndup(s, cut);
			log_puts_safe(indent, part);
			free(part);
			s += cut;
			n -= cut;
			while (n > 0 && *s == ' ') {
				s++;
				n--;
			}
		}
		char *line = xstrndup(s, n);
		log_puts_safe(indent, line);
		free(line);
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void log_print_text(const struct log_opts *o, const struct phase_state *st,
                           const char *filter)
{
	char dur[32];
	long info = 0;
	size_t shown = 0;

	printf("Log:      ");
	log_puts_safe("", strcmp(o->file, "-") == 0 ? "(standard input)" : o->file);
	printf("          %ld lines%s%s\n", st->lines, strcmp(filter, "none") != 0 ? ", " : "",
	       strcmp(filter, "none") != 0 ? filter : "");
	if (st->client != NULL)
		log_puts_safe("Client:   ", st->client);
	log_print_status(st);
	if (st->exit_status >= 0)
		printf("Exit:     %d\n", st->exit_status);

	printf("\nPhase  Status    Duration   Progress            What\n");
	for (int n = 1; n <= PHASE_MAX; n++) {
		const struct phase_info *p = &st->phases[n];
		char prog[48] = "";
		log_duration(p->duration_s, dur, sizeof dur);
		if (p->filesets_total > 0)
			snprintf(prog, sizeof prog, "%ld/%ld filesets", p->filesets_done,
			         p->filesets_total);
		printf("%5d  %-8s  %-9s  %-18s  %s\n", n, phase_status_label(p->status), dur, prog,
		       phase_title(n));
	}

	for (size_t i = 0; i < st->nmessages; i++)
		if (st->messages[i].severity == KB_SEV_INFO)
			info++;
	printf("\nMessages: %ld error%s, %ld warning%s, %ld info\n", st->errors,
	       st->errors == 1 ? "" : "s", st->warnings, st->warnings == 1 ? "" : "s", info);
	for (size_t i = 0; i < st->nmessages && shown < LOG_TEXT_MESSAGES_MAX; i++, shown++) {
		const struct phase_message *m = &st->messages[i];
		char prefix[64];
		snprintf(prefix, sizeof prefix, "  line %-6ld %-9s  ", m->lineno,
		         kb_severity_label(m->severity));
		log_puts_safe(prefix, m->text);
	}
	if (st->nmessages > shown || st->messages_dropped > 0)
		printf("  ... and %zu more (see --json)\n",
		       st->nmessages - shown + st->messages_dropped);

	/* each known entry once, in the order first seen */
	int header = 0;
	for (size_t i = 0; i < st->nmessages; i++) {
		const struct kb_entry *kb = st->messages[i].kb;
		int seen = 0;
		if (kb == NULL)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = st->messages[k].kb == kb;
		if (seen)
			continue;
		if (!header) {
			printf("\nWhat they mean:\n");
			header = 1;
		}
		printf("\n  %s: %s%s\n", kb->id, kb->title, kb->harmless ? " (harmless)" : "");
		log_print_wrapped("    ", kb->meaning);
		if (!kb->harmless) {
			printf("    Fix:\n");
			log_print_wrapped("      ", kb->fix);
		}
	}
}

int cli_log(struct cli *cli, int argc, char **argv)
{
	static const struct optdef defs[] = {
		{ "summary", 's', 0 },   { "json", 0, 0 }, { "phases", 'P', 1 },
		{ "exit-status", 0, 1 }, { NULL, 0, 0 },
	};
	struct log_opts o = { .exit_status = -1 };
	struct optparse op;
	struct phase_tracker *t;
	struct logread *r;
	const struct phase_state *st;
	struct err e;
	const char *line;
	char *read_error = NULL;
	size_t len;
	int k, rc;

	optparse_init(&op, argc, argv);
	while ((k = optparse_next(&op, defs)) != OPT_END) {
		switch (k) {
		case OPT_ERROR:
			cli_error(cli, "%s", op.error);
			log_usage(cli);
			return CLI_USAGE;
		case OPT_OPERAND:
			if (o.file != NULL) {
				cli_error(cli, "one file at a time (got '%s' and '%s')", o.file,
				          op.arg);
				return CLI_USAGE;
			}
			o.file = op.arg;
			break;
		case 0:
			o.summary = 1;
			break;
		case 1:
			o.json = 1;
			break;
		case 2:
			o.phases = phase_parse_list(op.arg);
			if (o.phases == 0) {
				cli_error(cli,
				          "--phases: '%s' is not a list of phases 1-12 (e.g. 1-3 "
				          "or \"6 7 8\")",
				          op.arg);
				return CLI_USAGE;
			}
			break;
		case 3: {
			long long v = str_to_ll(op.arg);
			if (v < 0 || v > 255) {
				cli_error(cli, "--exit-status: '%s' is not an exit status (0-255)",
				          op.arg);
				return CLI_USAGE;
			}
			o.exit_status = (int)v;
			break;
		}
		}
	}
	if (!o.summary || o.file == NULL) {
		if (!o.summary)
			cli_error(
			    cli, "say --summary (the interactive log viewer is `nimadm-tui logs`)");
		else
			cli_error(
			    cli,
			    "which file? (a nimadm log, e.g. "
			    "/var/adm/ras/alt_mig/CLIENT_alt_mig.log, or - for standard input)");
		log_usage(cli);
		return CLI_USAGE;
	}

	err_clear(&e);
	r = logread_open(o.file, &e);
	if (r == NULL) {
		cli_error(cli, "%s", e.msg);
		return CLI_USAGE;
	}
	t = phase_tracker_new(NULL, NULL);
	if (o.phases != 0)
		phase_tracker_set_phases(t, o.phases);
	while ((rc = logread_next(r, &line, &len, NULL, &e)) > 0)
		phase_tracker_feed(t, line, len, -1);
	if (rc < 0) {
		if (logread_lineno(r) == 0) {
			cli_error(cli, "%s", e.msg);
			phase_tracker_free(&t);
			logread_free(&r);
			return CLI_USAGE;
		}
		read_error = xstrdup(e.msg);
		cli_error(cli, "%s (summary of the first %lld lines)", e.msg, logread_lineno(r));
	}
	phase_tracker_finish(t, o.exit_status);
	st = phase_tracker_state(t);
	if (o.json)
		log_print_json(&o, st, logread_filter(r), read_error);
	else
		log_print_text(&o, st, logread_filter(r));
	rc = st->result == PHASE_RESULT_FAILED ? CLI_FAILED : CLI_OK;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(cli, "cannot write the summary");
		rc = CLI_USAGE;
	}
	free(read_error);
	phase_tracker_free(&t);
	logread_free(&r);
	return rc;
}
