/*
 * cmd.h: asynchronous commands on hosts. One shape for every transport:
 * local (fork/exec with pipes, never a shell), ssh (libssh, non-blocking)
 * and nim (a client reached from the master with rsh or NIM's c_rsh).
 * Output arrives as whole lines per stream; a command is finished only after
 * EOF on every pipe and waitpid (or the channel's exit status).
 */
#ifndef NIMADM_CMD_H
#define NIMADM_CMD_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

/* Lines longer than this are cut here; the rest up to the newline is dropped. */
#define CMD_LINE_MAX (64 * 1024)

enum cmd_stream { CMD_STDOUT = 1, CMD_STDERR = 2 };

/* Flags passed with a line. */
#define CMD_LINE_TRUNCATED 0x1 /* the line was longer than CMD_LINE_MAX */
#define CMD_LINE_NO_EOL 0x2    /* last line of the stream, without a newline */

enum host_kind { HOST_LOCAL, HOST_SSH, HOST_NIM };
enum nim_connect { NIM_CONNECT_SHELL, NIM_CONNECT_NIMSH };

/*
 * Where a command runs. Hosts are owned by whoever created them and must
 * outlive every command started on them.
 *  - HOST_LOCAL: fork/exec on this machine; the executable is searched in
 *    the cmdset's PATH (cmdset_setenv), not in the parent's.
 *  - HOST_NIM: the command is quoted with quote_sh_argv() and run on `via`
 *    as `rsh NAME 'cmd'` (connect shell) or `c_rsh NAME 'cmd'` (nimsh).
 *  - HOST_SSH: libssh to ssh_addr:ssh_port (see ssh fields).
 */
struct host {
	enum host_kind kind;
	char *name; /* NIM name or display name */
	/* HOST_NIM */
	const struct host *via;
	enum nim_connect connect;
	/* HOST_SSH */
	char *ssh_addr;
	unsigned ssh_port;        /* 0: 22 */
	char *ssh_user;           /* NULL: root */
	char *ssh_key;            /* private key file; NULL: agent, then ~/.ssh/id_* */
	char *ssh_known_hosts;    /* NULL: ~/.ssh/known_hosts */
	int ssh_connect_timeout_ms;
};
struct host *host_local_new(const char *name);
struct host *host_nim_new(const char *name, const struct host *via, enum nim_connect connect);
void host_free(struct host **h);

/* What to run. Strings are copied by cmd_start(). */
struct cmd_spec {
	const struct host *host;
	const char *const *argv; /* argv[0] is the program; never a shell line */
	int timeout_ms;          /* 0: no timeout; else cancelled (timed_out=1) after it */
	const char *input;       /* written to stdin, then stdin is closed; NULL: empty stdin */
	size_t input_len;
};

struct cmd_result {
	int exited;            /* 1: ended by exit(); status valid */
	int status;            /* exit status; 127 when the program could not be started */
	int signal;            /* terminating signal, 0 if it exited */
	int timed_out;         /* stopped because timeout_ms passed */
	int cancelled;         /* stopped by cmd_cancel() */
	int start_errno;       /* errno of a failed exec/start, else 0 */
	long long duration_ms; /* from start to the end */
	char errmsg[256];      /* a transport error in words (empty when none) */
};

struct cmd;
struct cmdset;

/*
 * Callbacks, all optional. `line` is NUL-terminated, without its newline,
 * raw bytes (control characters kept); valid only during the callback.
 * `data` sees the raw bytes as read (for logs that must be exact).
 * After `done` returns, the command is freed: drop your pointer to it.
 */
struct cmd_cb {
	void (*line)(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
	             unsigned flags);
	void (*data)(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len);
	void (*done)(void *arg, struct cmd *c, const struct cmd_result *r);
	void *arg;
};

struct cmdset *cmdset_new(void);
/* Cancels and reaps anything still running (bounded: SIGKILL after grace). */
void cmdset_free(struct cmdset **set);
/* Environment overrides for local children (NULL value: unset). */
void cmdset_setenv(struct cmdset *set, const char *name, const char *value);
/* Grace between SIGTERM and SIGKILL on cancel/timeout (default 2000 ms). */
void cmdset_set_grace(struct cmdset *set, int ms);

/* Starts a command; NULL with e filled on failure to even try (bad spec). */
struct cmd *cmd_start(struct cmdset *set, const struct cmd_spec *spec, const struct cmd_cb *cb,
                      struct err *e);
/* SIGTERM to the process group, grace, SIGKILL; `done` follows with cancelled=1. */
void cmd_cancel(struct cmd *c);
pid_t cmd_pid(const struct cmd *c);
const char *const *cmd_argv(const struct cmd *c);

/* Event-loop integration: the caller polls. Never blocks. */
size_t cmdset_npollfds(const struct cmdset *set);
/* Fills up to max entries; returns how many were filled. */
size_t cmdset_fill_pollfds(struct cmdset *set, struct pollfd *fds, size_t max);
/* Milliseconds until the next timer (timeouts, grace, reaping), -1 if none. */
int cmdset_timeout(const struct cmdset *set);
/* Handles the ready fds (as filled by cmdset_fill_pollfds) and due timers. */
void cmdset_dispatch(struct cmdset *set, const struct pollfd *fds, size_t n);
size_t cmdset_active(const struct cmdset *set);
/* Convenience loop for the CLI and tests: poll until nothing is active or max_ms
 * passes (-1: no limit). Returns 0 when idle, -1 on time out. */
int cmdset_run(struct cmdset *set, int max_ms);

/* Run one command to completion and collect its output (stdout, stderr as text). */
struct cmd_capture {
	struct strbuf out;
	struct strbuf err;
	struct cmd_result res;
};
int cmd_capture_run(struct cmdset *set, const struct cmd_spec *spec, struct cmd_capture *cap,
                    struct err *e);
void cmd_capture_free(struct cmd_capture *cap);

/* For display only: control characters and invalid bytes escaped (^X, \xNN). Owned. */
char *cmd_escape_display(const char *s, size_t len);

/*
 * The one audited quoting function for remote command lines: each argument
 * single-quoted for a POSIX shell ('\'' for a quote), joined by spaces.
 * Returns an owned string. NULL argv yields "".
 */
char *quote_sh_argv(const char *const *argv);

#endif
