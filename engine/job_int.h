/* job_int.h: what job.c (the journal) and supervisor.c (the detached runner) share. */
#ifndef NIMADM_JOB_INT_H
#define NIMADM_JOB_INT_H

#include "job.h"

/* Writes `state` atomically (temp file + rename) from the info's fields. */
int job_state_write(const char *dir, const struct job_info *ji, struct err *e);
/* Reads `state` into ji (fields not present keep their values). */
int job_state_read(const char *dir, struct job_info *ji, struct err *e);

/* fcntl write lock on path (created 0644); returns the fd or -1 (errno EAGAIN/EACCES
 * when somebody else holds it). The lock lives as long as the fd stays open. */
int job_lock_try(const char *path);
/* The pid holding a write lock on path, 0 if none, -1 if the file is missing. */
pid_t job_lock_owner(const char *path);

/* Reads job.ini into ji (mode, client, command, plan, params) and argv. */
int job_journal_read(const struct site *site, const char *id, struct job_info *ji,
                     struct strv *argv, struct err *e);

/* Write a whole file atomically. */
int job_write_file(const char *path, const char *data, size_t len, struct err *e);

/* The supervisor: runs in the detached grandchild; never returns. `report` is
 * the pipe to tell the submitter "ok" or why not. */
void supervisor_main(struct site *site, const char *id, int report) NORETURN;

long long job_now_ms(void);

#endif
