/*
 * ssh.h: private to the ssh transport (engine/ssh*.c) and its tests: the
 * remote command line and the pid marker it prints first on stderr. Not
 * part of engine.h; the transport's public face is HOST_SSH in cmd.h.
 */
#ifndef NIMADM_SSH_H
#define NIMADM_SSH_H

#include "util.h"

/* The line the remote shell prints on stderr before the command: its pid,
 * which is the command's process group (sshd runs each session in its own). */
#define SSH_MARKER "NIMADM_PID="
/* Stderr held while looking for it, at most. */
#define SSH_MARKER_SCAN_MAX 4096

/* The remote command line: `echo NIMADM_PID=$$ >&2; exec ARGS`, ARGS being
 * quote_sh_argv(argv) (exec keeps the pid the command's). Owned. */
char *ssh_marker_command(const char *const *argv);

enum ssh_marker_result {
	SSH_MARKER_WAIT,  /* not found yet: hold more stderr */
	SSH_MARKER_FOUND, /* *pid set, the marker line taken out of hold */
	SSH_MARKER_NONE,  /* give up: hold is stderr as it is */
};

/*
 * Looks for the marker ("NIMADM_PID=digits\n") in hold, the stderr held from
 * the start of the stream, and takes it out; noise before it (a chatty
 * profile, even an unfinished line) stays in place. NONE when
 * SSH_MARKER_SCAN_MAX bytes passed without it, or when what follows it is
 * not a pid; the caller passes hold on then, and at EOF whatever the result.
 */
enum ssh_marker_result ssh_marker_scan(struct strbuf *hold, long *pid);

#endif
