/*
 * prepare_int.h: internals shared by prepare.c (validation, facts, the plans of
 * the preparation flows, the runner) and mksysbroute.c (the mksysb route's plan).
 * Not part of the engine's public API.
 */
#ifndef NIMADM_PREPARE_INT_H
#define NIMADM_PREPARE_INT_H

#include "aixparse.h"
#include "prepare.h"

/* A command run while planning, and what it printed. */
struct prep_task {
	char *key;     /* "lspv", "lsnim_spot" ... */
	int on_client; /* else on the master */
	struct strv argv;
	int ran;
	int transport_failed; /* no answer from the client (or the command could not start) */
	int exit_status;      /* -1 unknown */
	char *message;        /* why it failed, or NULL */
	struct strbuf out, err;
};

/* The planner's view of the request and the facts gathered so far. */
struct prep_facts {
	struct site *site;       /* the journal of jobs is read from its state directory */
	struct prep_request req; /* strings owned (copies) */
	struct prep_plan *plan;
	struct prep_task *tasks;
	size_t ntasks, cap;
	struct aix_stanza client; /* lsnim -l CLIENT */
	struct aix_stanzas client_st;
};

/* The task named key (NULL if none). */
struct prep_task *prep_facts_task(struct prep_facts *f, const char *key);
/* Queues a command to run (on the client or the master). Returns the task. */
struct prep_task *prep_facts_queue(struct prep_facts *f, const char *key, int on_client, ...);
/* The output of a task that ran with exit status 0, else NULL (len may be NULL). */
const char *prep_task_text(const struct prep_task *t, size_t *len);
/* The first line of a task's stderr (or stdout), for messages. Owned, never NULL. */
char *prep_task_why(const struct prep_task *t);

/* Adds a step to a plan; argv follows as strings, NULL-terminated. Returns the step
 * (valid until the next step is added). */
struct prep_step *prep_plan_step(struct prep_plan *p, enum prep_where where, int changes,
                                 const char *title, const char *expected, ...);
void prep_plan_refuse(struct prep_plan *p, const char *fmt, ...) PRINTFLIKE(2, 3);
void prep_plan_fact(struct prep_plan *p, const char *fmt, ...) PRINTFLIKE(2, 3);
void prep_plan_warn(struct prep_plan *p, const char *fmt, ...) PRINTFLIKE(2, 3);
void prep_plan_note(struct prep_plan *p, const char *fmt, ...) PRINTFLIKE(2, 3);

/* Validation of values that end up in an argv. */
int prep_name_ok(const char *s); /* a NIM object name */
int prep_disk_ok(const char *s); /* one disk name */
int prep_path_ok(const char *s); /* an absolute, plain path */
/* 1 when an lsnim stanza output says the object does not exist (0042-053). */
int prep_lsnim_absent(const struct prep_task *t);

/* mksysbroute.c: what the route asks NIM and the client (after lsnim -l CLIENT), and its
 * plan from the answers. */
void prep_route_queue(struct prep_facts *f);
void prep_route_build(struct prep_facts *f);
/* The route's defaults for names and paths that were not given. Owned. */
char *prep_route_default(const struct prep_request *r, const char *what, const char *level);

#endif
