/* follow.c: following a job to its end for `run` and `attach`: the output as text,
 * or the tracker's events as JSON Lines. Interrupting it never touches the job. */
#include "cli.h"

#include <cJSON.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define FOLLOW_POLL_MS 200

static volatile sig_atomic_t follow_interrupted;

static void follow_on_signal(int sig)
{
	(void)sig;
	follow_interrupted = 1;
}

struct follow {
	const char *id;
	int json;
};

static void follow_line(void *arg, const char *line, size_t len)
{
	(void)arg;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
}

static void json_print(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void follow_event(void *arg, const struct phase_event *ev)
{
	struct follow *f = arg;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "job", f->id);
	cJSON_AddStringToObject(o, "event", phase_event_name(ev->kind));
	cJSON_AddNumberToObject(o, "line", (double)ev->lineno);
	if (ev->phase > 0 || ev->kind == PHASE_EV_PHASE_START)
		cJSON_AddNumberToObject(o, "phase", ev->phase);
	switch (ev->kind) {
	case PHASE_EV_PHASE_END:
		cJSON_AddStringToObject(o, "status", phase_status_name(ev->status));
		break;
	case PHASE_EV_PROGRESS:
		cJSON_AddNumberToObject(o, "filesets_done", (double)ev->done);
		cJSON_AddNumberToObject(o, "filesets_total", (double)ev->total);
		break;
	case PHASE_EV_MESSAGE:
		if (ev->msg != NULL) {
			if (ev->msg->code != NULL)
				cJSON_AddStringToObject(o, "code", ev->msg->code);
			cJSON_AddStringToObject(o, "text", ev->msg->text);
			cJSON_AddStringToObject(o, "severity", kb_severity_name(ev->msg->severity));
		}
		break;
	case PHASE_EV_RESULT:
		cJSON_AddStringToObject(o, "result", phase_result_name(ev->result));
		break;
	case PHASE_EV_CLEANUP:
		cJSON_AddBoolToObject(o, "automatic", ev->automatic);
		cJSON_AddStringToObject(o, "text", ev->text);
		break;
	default:
		if (ev->text != NULL && ev->text[0] != '\0')
			cJSON_AddStringToObject(o, "text", ev->text);
		break;
	}
	json_print(o);
}

static void follow_final_json(const struct job_info *ji, const struct phase_state *ps)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "job", ji->id);
	cJSON_AddStringToObject(o, "event", "job_end");
	cJSON_AddStringToObject(o, "status", job_status_name(ji->status));
	cJSON_AddNumberToObject(o, "exit_code", ji->exit_code);
	if (ps->failed_phase >= 0)
		cJSON_AddNumberToObject(o, "failed_phase", ps->failed_phase);
	else
		cJSON_AddNullToObject(o, "failed_phase");
	if (ji->error != NULL)
		cJSON_AddStringToObject(o, "error", ji->error);
	json_print(o);
}

int cli_follow(struct cli *cli, struct site *site, const char *id, int json, int new_only)
{
	struct follow f = { .id = id, .json = json };
	struct job_tail_cb cb = { .line = json ? NULL : follow_line,
		                  .event = json ? follow_event : NULL,
		                  .arg = &f };
	struct sigaction sa, old_int, old_term;
	struct job_tail *t;
	struct err e;
	int rc = CLI_FAILED;

	err_clear(&e);
	t = job_tail_new(site, id, &cb, new_only, &e);
	if (t == NULL) {
		cli_error(cli, "%s", e.msg);
		return CLI_USAGE;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = follow_on_signal;
	sigemptyset(&sa.sa_mask);
	follow_interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (!follow_interrupted) {
		if (job_tail_poll(t))
			break;
		fflush(stdout);
		if (!job_tail_behind(t))
			poll(NULL, 0, FOLLOW_POLL_MS);
	}
	fflush(stdout);
	if (follow_interrupted) {
		fprintf(stderr,
		        "nimadm-tui: job %s goes on without you; follow it again with: "
		        "nimadm-tui attach %s\n",
		        id, id);
		rc = 130;
	} else {
		const struct job_info *ji = job_tail_info(t);
		const struct phase_state *ps = job_tail_phases(t);
		if (json) {
			follow_final_json(ji, ps);
		} else {
			fprintf(stderr, "nimadm-tui: job %s %s", id, job_status_name(ji->status));
			if (ji->status == JOB_FAILED && ps->failed_phase > 0)
				fprintf(stderr, " in phase %d", ps->failed_phase);
			if (ji->exit_code >= 0)
				fprintf(stderr, " (nimadm exit %d)", ji->exit_code);
			if (ji->error != NULL)
				fprintf(stderr, ": %s", ji->error);
			fputc('\n', stderr);
			if (ji->status == JOB_FAILED || ji->status == JOB_LOST ||
			    ji->status == JOB_CANCELLED)
				fprintf(stderr,
				        "nimadm-tui: to clean up: nimadm-tui cancel %s --cleanup\n",
				        id);
		}
		rc = ji->status == JOB_SUCCEEDED ? CLI_OK : CLI_FAILED;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	job_tail_free(&t);
	return rc;
}
