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
#define CMD_LINE_NO_EOL    0x2 /* last line of the stream, without a newline */

enum host_kind { HOST_LOCAL, HOST_SSH, HOST_NIM };
enum nim_connect { NIM_CONNECT_SHELL, NIM_CONNECT_NIMSH };

/*
 * Where a command runs. Hosts are owned by whoever created them and must
 * outlive every command started on them.
 *  - HOST_LOCAL: fork/exec on this machine; the executable is searched in
 *    the cmdset's PATH (cmdset_setenv), not in the parent's.
 *  - HOST_NIM: the command is quoted with quote_sh_argv() and run on `via`
 *    as `rsh NAME 'cmd'` (connect shell) or `c_rsh NAME 'cmd'` (nimsh).
 *    The result's status is that of rsh/c_rsh: rsh does not pass on the
 *    remote command's exit status; ask for it with host.remote_status.
 *  - HOST_SSH: libssh to ssh_addr:ssh_port (see ssh fields), non-blocking on
 *    the set's loop. The remote user's login shell (a POSIX shell: sh, ksh,
 *    bash) runs `echo NIMADM_PID=$$ >&2; exec ARGS`, ARGS being
 *    quote_sh_argv(argv); the marker line is taken out of stderr before any
 *    callback sees it. Sessions are shared by every host with the same
 *    address, port, user, key, known_hosts and timeout: up to 10 channels
 *    each (OpenSSH's MaxSessions; a lower server limit is learned), one of
 *    them kept free for stopping commands; more sessions are opened while
 *    commands wait, and closed after a short idle time. The server's host
 *    key must be in known_hosts (anything else is refused, naming the key's
 *    SHA256 fingerprint); auth is public key only. A command that could not
 *    be run there (connect, host key, auth, channel) ends with status 255,
 *    exited 0, start_errno set (ECONNREFUSED, ETIMEDOUT, EACCES for a refused
 *    key...) and errmsg. Cancel sends SIGTERM, after the grace SIGKILL, both
 *    as a "signal" request and as `kill -SIG -- -PID` on the spare channel
 *    (sshd ignores signal requests for root logins); the result has the
 *    remote signal (exit-signal). cmd_pid() is -1.
 */
struct host {
	enum host_kind kind;
	char *name; /* NIM name or display name */
	/* HOST_NIM */
	const struct host *via;
	enum nim_connect connect;
	/*
	 * 1: its commands report the remote command's own exit status. Over rsh,
	 * which carries none, the command line becomes quote_sh_argv(argv) and the
	 * constant tail CMD_REMOTE_STATUS_TAIL; the marker it prints is taken off
	 * the end of stdout before anyone sees it (lines, data, capture, the
	 * observer), also when the remote output does not end in a newline. c_rsh
	 * passes the status on itself. res.status is then the remote status; when
	 * none came back (no marker over rsh; c_rsh's own 0042-006 errors) the
	 * client was not reached or the command not run there: res.remote_lost.
	 * (An option of the host, not of cmd_spec, whose callers fill it by position.)
	 */
	int remote_status;
	/* HOST_SSH */
	char *ssh_addr;
	unsigned ssh_port;          /* 0: 22 */
	char *ssh_user;             /* NULL: root */
	char *ssh_key;              /* private key file; NULL: agent, then ~/.ssh/id_* */
	char *ssh_known_hosts;      /* NULL: ~/.ssh/known_hosts */
	int ssh_connect_timeout_ms; /* TCP connect + key exchange + auth; 0: 10 s */
};
struct host *host_local_new(const char *name);
struct host *host_nim_new(const char *name, const struct host *via, enum nim_connect connect);
/* An ssh host; strings are copied, NULLs mean the defaults above (port 0: 22).
 * name NULL: addr. */
struct host *host_ssh_new(const char *name, const char *addr, unsigned port, const char *user,
                          const char *key, const char *known_hosts);
void host_free(struct host **h);

/* What to run. Strings are copied by cmd_start(). */
struct cmd_spec {
	const struct host *host;
	const char *const *argv; /* argv[0] is the program; never a shell line */
	int timeout_ms;          /* 0: no timeout; else cancelled (timed_out=1) after it */
	const char *input;       /* written to stdin, then stdin is closed; NULL: empty stdin */
	size_t input_len;
};

/* The marker that carries the remote status over rsh, and the tail that prints it. */
#define CMD_REMOTE_STATUS_MARK "__nimadm_tui_rc="
#define CMD_REMOTE_STATUS_TAIL "; echo " CMD_REMOTE_STATUS_MARK "$?"

struct cmd_result {
	int exited;            /* 1: ended by exit(); status valid */
	int status;            /* exit status; 127 when the program could not be started;
	                          128 + signal when killed, so `status != 0` means failure */
	int signal;            /* terminating signal, 0 if it exited */
	int timed_out;         /* stopped because timeout_ms passed */
	int cancelled;         /* stopped by cmd_cancel() */
	int start_errno;       /* errno of a failed exec/start, else 0 */
	long long duration_ms; /* from start to the end */
	char errmsg[256];      /* a transport error in words (empty when none): "lsnim: No
	                          such file or directory", "timed out after 5000 ms" */
	/* commands of a HOST_NIM host with remote_status: */
	int via_status;  /* the exit status of rsh/c_rsh itself (-1: not asked, or killed) */
	int remote_lost; /* it ended but no remote status came back: the client was not
	                    reached or the command not run there; status is then rsh's own
	                    (255 when that was 0) and errmsg says so */
};

struct cmd;
struct cmdset;

/*
 * Callbacks, all optional. `line` is NUL-terminated, without its newline,
 * raw bytes (control characters kept, may hold NULs: use len); valid only
 * during the callback. Lines longer than CMD_LINE_MAX come as their first
 * CMD_LINE_MAX bytes with CMD_LINE_TRUNCATED. `data` sees the raw bytes as
 * read (for logs that must be exact), before the lines made from them.
 * After `done` returns, the command is freed: drop your pointer to it.
 * Callbacks run inside cmdset_dispatch(); they may start and cancel commands
 * and even run a nested loop (cmd_capture_run), during which the command whose
 * callback is running is left alone. They must not call cmdset_free().
 */
struct cmd_cb {
	void (*line)(void *arg, struct cmd *c, enum cmd_stream s, const char *line, size_t len,
	             unsigned flags);
	void (*data)(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len);
	void (*done)(void *arg, struct cmd *c, const struct cmd_result *r);
	void *arg;
};

/*
 * A set of commands polled together. cmdset_new() sets SIGPIPE to SIG_IGN if
 * it is SIG_DFL (a child that exits without reading its stdin must not kill
 * us; the write fails with EPIPE instead), and SIGCHLD to SIG_DFL if it is
 * SIG_IGN (else the kernel reaps our children and their status is lost).
 * No SIGCHLD handler is needed or installed: children are reaped with
 * waitpid(pid, WNOHANG) after EOF on their pipes. Don't waitpid(-1) elsewhere.
 */
struct cmdset *cmdset_new(void);
/* Cancels and reaps anything still running (bounded: SIGKILL after the grace,
 * then a second for the pipes to close); no callbacks are called. */
void cmdset_free(struct cmdset **set);
/* Environment overrides for local children (NULL value: unset). */
void cmdset_setenv(struct cmdset *set, const char *name, const char *value);
/* Grace between SIGTERM and SIGKILL on cancel/timeout (default 2000 ms). */
void cmdset_set_grace(struct cmdset *set, int ms);

/*
 * An observer of every command the set runs, for a log like smit.log: `start`
 * when a command has started (cmd_exec_argv() says what runs), `data` with its
 * raw output, `done` with its result just before the command's own done
 * callback. All optional; the observer must not start or cancel commands.
 * The struct is copied; NULL removes the observer.
 */
struct cmdset_observer {
	void (*start)(void *arg, const struct cmd *c);
	void (*data)(void *arg, const struct cmd *c, enum cmd_stream s, const char *buf,
	             size_t len);
	void (*done)(void *arg, const struct cmd *c, const struct cmd_result *r);
	void *arg;
};
void cmdset_set_observer(struct cmdset *set, const struct cmdset_observer *o);

/*
 * Starts a command; NULL with e filled on failure to even try: a bad spec
 * (an ssh host without an address), or no resources (too many open files,
 * fork failed). A program that cannot be executed is not such a failure: `done`
 * reports it (status 127, start_errno, errmsg). `done` is never called from
 * inside cmd_start(), only from cmdset_dispatch().
 */
struct cmd *cmd_start(struct cmdset *set, const struct cmd_spec *spec, const struct cmd_cb *cb,
                      struct err *e);
/*
 * A timer on the set's loop: a command that runs nothing and whose `done`
 * comes after ms (exited, status 0), or at once with cancelled=1 after
 * cmd_cancel(). It keeps cmdset_run() going like any command, so an owner
 * that waits for something without an fd (a job's journal) can look again
 * from inside cmdset_dispatch(). The observer does not see it. NULL with e
 * when the set is closing.
 */
struct cmd *cmd_timer_start(struct cmdset *set, int ms, const struct cmd_cb *cb, struct err *e);
/* SIGTERM (and SIGCONT) to the process group, grace, SIGKILL; `done` follows
 * with cancelled=1. No effect once the command is stopping or done. */
void cmd_cancel(struct cmd *c);
/* The local process (the process group's leader): for HOST_NIM the rsh;
 * -1 for HOST_SSH. */
pid_t cmd_pid(const struct cmd *c);
/* The argv as given in the spec. Owned by the command. */
const char *const *cmd_argv(const struct cmd *c);
/* The argv actually run: for HOST_NIM {"rsh"|"c_rsh", name, quoted}. Owned. */
const char *const *cmd_exec_argv(const struct cmd *c);

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

/*
 * Run one command to completion and collect its output (stdout, stderr as the
 * exact bytes, always NUL-terminated). The other commands of the set keep
 * being serviced meanwhile. cap is initialised here (not freed first: call
 * cmd_capture_free between uses). Returns 0 when the command ran (whatever its
 * status: look at cap->res), -1 with e filled when cmd_start() failed.
 */
struct cmd_capture {
	struct strbuf out;
	struct strbuf err;
	struct cmd_result res;
};
int cmd_capture_run(struct cmdset *set, const struct cmd_spec *spec, struct cmd_capture *cap,
                    struct err *e);
void cmd_capture_free(struct cmd_capture *cap);

/*
 * For display only, never for logs: C0 control characters as ^X (NUL ^@, ESC
 * ^[, CR ^M), DEL as ^?, C1 controls (U+0080-U+009F) and bytes that are not
 * valid UTF-8 as \xNN per byte; valid UTF-8 is kept. TAB is expanded to spaces
 * up to the next multiple of 8 columns counted from the start of s (each
 * character one column). A backslash is not escaped. Owned.
 */
char *cmd_escape_display(const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not valid
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t cmd_utf8_len(const unsigned char *s, size_t len);

/*
 * The one audited quoting function for remote command lines: each argument
 * single-quoted for a POSIX shell ('\'' for a quote), joined by spaces.
 * Returns an owned string. NULL argv yields "".
 */
char *quote_sh_argv(const char *const *argv);

#endif
