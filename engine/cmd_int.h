/*
 * cmd_int.h: the private interface between the command core (cmd.c) and its
 * transports (cmd_local.c, engine/ssh.c). The core owns the command
 * list, line assembly, timeouts, cancel stages and callbacks; a transport owns
 * its fds or channels and reports bytes, EOF and the end through cmd_int_*.
 * Only engine/cmd*.c and transport files include this.
 */
#ifndef NIMADM_CMD_INT_H
#define NIMADM_CMD_INT_H

#include "cmd.h"

/* Reads per fd per dispatch, so one flooding command cannot starve the others. */
#define CMD_READS_PER_DISPATCH 8
#define CMD_READ_SIZE          (64 * 1024)
/* After SIGKILL, how long to wait for EOF before abandoning the pipes. */
#define CMD_ABANDON_MS 1000

struct cmd;

/*
 * One transport. Every function gets a command whose `priv` the transport
 * set in start(). Functions are never called on a finished command, except
 * free(). None of them may block.
 */
struct cmd_transport {
	const char *name;
	/* Starts c->exec_argv with c->input; sets c->priv and c->pid (-1 if none).
	 * -1 with e filled when nothing was started (then free() is not called). */
	int (*start)(struct cmd *c, struct err *e);
	size_t (*npollfds)(const struct cmd *c);
	/* Fills up to max entries (events set, revents 0); returns how many. */
	size_t (*fill_pollfds)(struct cmd *c, struct pollfd *fds, size_t max);
	/* The entries this command filled, with revents from poll. */
	void (*dispatch)(struct cmd *c, const struct pollfd *fds, size_t n);
	/* The transport's own next timer (absolute clock_ms()), -1 if none. */
	long long (*deadline)(const struct cmd *c);
	/* Called on every dispatch with the current time (timers due or not). */
	void (*timer)(struct cmd *c, long long now);
	/* Delivers sig to the command's process group (or remote equivalent). */
	void (*kill)(struct cmd *c, int sig);
	/* Stop waiting for EOF: release fds, collect what status there is, and
	 * call cmd_int_finish(). Used when SIGKILL did not end the command. */
	void (*abandon)(struct cmd *c);
	/* Releases priv (the command is finished or was never started). */
	void (*free)(struct cmd *c);
};

extern const struct cmd_transport cmd_local_transport;
extern const struct cmd_transport cmd_ssh_transport; /* engine/ssh.c */

/*
 * Set-wide state a transport attaches to a set when its fds are shared by
 * many commands (ssh: one session carries many channels). The core polls the
 * pool's fds and runs its timers in every loop, nested or not, before the
 * commands' (so a command's timer sees what the pool just read); free() runs
 * in cmdset_free() once every command is gone. One pool per set. None of
 * these may block or call a command's callbacks.
 */
struct cmd_pool_ops {
	size_t (*npollfds)(const struct cmdset *set);
	/* Fills up to max entries (events set, revents 0); returns how many. */
	size_t (*fill_pollfds)(struct cmdset *set, struct pollfd *fds, size_t max);
	/* The entries the pool filled (the first n of the array), with revents. */
	void (*dispatch)(struct cmdset *set, const struct pollfd *fds, size_t n, long long now);
	/* The pool's next timer (absolute clock_ms()), -1 if none. */
	long long (*deadline)(const struct cmdset *set);
	void (*free)(struct cmdset *set);
};

enum cmd_stage {
	CMD_STAGE_RUN,  /* running normally */
	CMD_STAGE_TERM, /* SIGTERM sent, waiting for grace */
	CMD_STAGE_KILL, /* SIGKILL sent, waiting for EOF */
};

/* Line assembly state of one stream. */
struct cmd_linebuf {
	struct strbuf line; /* the partial line carried between reads */
	int skipping;       /* a truncated line: drop bytes up to the newline */
};

struct cmd {
	struct cmdset *set;
	struct cmd *prev, *next;
	const struct cmd_transport *tp;
	void *priv;              /* the transport's state */
	pid_t pid;               /* local process (group leader), -1 if none */
	const struct host *host; /* where exec_argv runs (`via` for HOST_NIM) */
	struct strv argv;        /* as asked for */
	struct strv exec_argv;   /* as run (wrapped in rsh/c_rsh for HOST_NIM) */
	char *input;             /* owned copy of spec->input */
	size_t input_len;
	struct cmd_cb cb;
	int timeout_ms;
	long long start_ms;
	long long deadline_ms; /* timeout, -1 none */
	long long stage_ms;    /* when the current stage ends */
	enum cmd_stage stage;
	int busy;     /* inside one of this command's callbacks: nested loops skip it */
	int finished; /* done delivered; freed by the outermost dispatch */
	unsigned fill_gen;
	size_t poll_base, poll_n;
	struct cmd_linebuf lb[2]; /* CMD_STDOUT - 1, CMD_STDERR - 1 */
	struct cmd_result res;
	int timer; /* cmd_timer_start(): no process, not shown to the observer */
	/* host.remote_status on HOST_NIM (cmd.c) */
	enum { CMD_RS_NONE, CMD_RS_MARKER, CMD_RS_NIMSH } rs_mode;
	struct strbuf rs_hold; /* stdout held back: it may be the start of the marker */
	int rs_status;         /* what the marker said, -1 none */
	int rs_resolved;       /* the held bytes were settled at EOF */
	char rs_errhead[64];   /* the start of stderr (c_rsh's own errors) */
	size_t rs_errhead_len;
};

struct cmd_env {
	char *name;
	char *value; /* NULL: unset */
};

struct cmdset {
	struct cmd *head, *tail;
	size_t nactive; /* started, done not yet delivered */
	struct cmd_env *env;
	size_t nenv;
	int grace_ms;
	unsigned fill_gen;
	int depth; /* dispatch nesting (a loop run inside a callback) */
	int freeing;
	int devnull;    /* /dev/null for empty stdin, opened on first use */
	pid_t *orphans; /* abandoned children not reaped yet */
	size_t norphans;
	void *pool; /* a transport's set-wide state (see cmd_pool_ops), or NULL */
	const struct cmd_pool_ops *pool_ops;
	unsigned pool_gen;          /* fill_gen of the pool's last fill */
	size_t pool_n;              /* entries the pool filled then, at the start of the array */
	struct cmdset_observer obs; /* every command's start, output and end (all NULL: none) */
};

/* Bytes read from stream s: the data callback, then line assembly. buf is
 * modified in place (a newline becomes the line's terminating NUL). */
void cmd_int_output(struct cmd *c, enum cmd_stream s, char *buf, size_t len);
/* EOF on stream s: a partial last line is delivered with CMD_LINE_NO_EOL. */
void cmd_int_eof(struct cmd *c, enum cmd_stream s);
/* Everything is over: c->res holds exited/status/signal (and start_errno,
 * errmsg); the core adds the rest and calls `done`. */
void cmd_int_finish(struct cmd *c);
/* Sets c->res from a waitpid() status. */
void cmd_int_set_wait_status(struct cmd *c, int wstatus);

/* The environment for a local child: environ with the set's overrides
 * applied. Owned by the caller (strv_free). */
void cmdset_int_build_env(const struct cmdset *set, struct strv *out);
/* The PATH a local child searches: the override, else ours, else the default. Owned. */
char *cmdset_int_path(const struct cmdset *set);
/* Remembers a child that could not be reaped; later dispatches retry. */
void cmdset_int_add_orphan(struct cmdset *set, pid_t pid);

#endif
