/*
 * cmd.c: the transport-independent half of asynchronous commands: hosts, the
 * command set, poll integration, line assembly, timeouts and the cancel
 * stages (SIGTERM, grace, SIGKILL, abandon), capture and display escaping.
 * Transports plug in through engine/cmd_int.h.
 */
#include "cmd_int.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CMD_DEFAULT_GRACE_MS 2000
/* How often abandoned children are retried with waitpid(). */
#define CMD_ORPHAN_RETRY_MS 1000

/* --- hosts ------------------------------------------------------------------ */

struct host *host_local_new(const char *name)
{
	struct host *h = xcalloc(1, sizeof *h);

	h->kind = HOST_LOCAL;
	h->name = xstrdup(name != NULL ? name : "localhost");
	return h;
}

struct host *host_nim_new(const char *name, const struct host *via, enum nim_connect connect)
{
	struct host *h = xcalloc(1, sizeof *h);

	h->kind = HOST_NIM;
	h->name = xstrdup(name);
	h->via = via;
	h->connect = connect;
	return h;
}

void host_free(struct host **hp)
{
	struct host *h = *hp;

	if (h == NULL)
		return;
	free(h->name);
	free(h->ssh_addr);
	free(h->ssh_user);
	free(h->ssh_key);
	free(h->ssh_known_hosts);
	free(h);
	*hp = NULL;
}

/* --- the set ------------------------------------------------------------------ */

struct cmdset *cmdset_new(void)
{
	struct cmdset *set = xcalloc(1, sizeof *set);
	struct sigaction sa;

	set->grace_ms = CMD_DEFAULT_GRACE_MS;
	set->devnull = -1;
	/*
	 * A write to the stdin of a child that died raises SIGPIPE: make sure it
	 * cannot kill the program (EPIPE is handled). SIGCHLD ignored would make
	 * the kernel reap our children and lose their exit status.
	 */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
	    sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
	if (sigaction(SIGCHLD, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
	    sa.sa_handler == SIG_IGN) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
	}
	return set;
}

void cmdset_setenv(struct cmdset *set, const char *name, const char *value)
{
	for (size_t i = 0; i < set->nenv; i++) {
		if (strcmp(set->env[i].name, name) == 0) {
			free(set->env[i].value);
			set->env[i].value = value != NULL ? xstrdup(value) : NULL;
			return;
		}
	}
	set->env = xreallocarray(set->env, set->nenv + 1, sizeof *set->env);
	set->env[set->nenv].name = xstrdup(name);
	set->env[set->nenv].value = value != NULL ? xstrdup(value) : NULL;
	set->nenv++;
}

void cmdset_set_grace(struct cmdset *set, int ms)
{
	set->grace_ms = ms < 0 ? 0 : ms;
}

static const struct cmd_env *env_find(const struct cmdset *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->nenv; i++) {
		if (strlen(set->env[i].name) == len && memcmp(set->env[i].name, name, len) == 0)
			return &set->env[i];
	}
	return NULL;
}

void cmdset_int_build_env(const struct cmdset *set, struct strv *out)
{
	for (char **e = environ; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		size_t len = eq != NULL ? (size_t)(eq - *e) : strlen(*e);
		if (env_find(set, *e, len) == NULL)
			strv_push(out, *e);
	}
	for (size_t i = 0; i < set->nenv; i++) {
		if (set->env[i].value != NULL)
			strv_pushf(out, "%s=%s", set->env[i].name, set->env[i].value);
	}
	if (out->v == NULL) {
		/* An empty environment is still a valid envp: make it non-NULL. */
		out->v = xcalloc(1, sizeof *out->v);
		out->cap = 1;
	}
}

char *cmdset_int_path(const struct cmdset *set)
{
	const struct cmd_env *ov = env_find(set, "PATH", 4);
	const char *path = ov != NULL ? ov->value : getenv("PATH");
	char buf[1024];
	size_t n;

	if (path != NULL)
		return xstrdup(path);
	/* PATH unset: what execvp() would use. */
	n = confstr(_CS_PATH, buf, sizeof buf);
	if (n == 0 || n > sizeof buf)
		return xstrdup("/usr/bin:/bin");
	return xstrdup(buf);
}

void cmdset_int_add_orphan(struct cmdset *set, pid_t pid)
{
	set->orphans = xreallocarray(set->orphans, set->norphans + 1, sizeof *set->orphans);
	set->orphans[set->norphans++] = pid;
}

static void cmdset_reap_orphans(struct cmdset *set)
{
	size_t i = 0;

	while (i < set->norphans) {
		int st;
		pid_t r = waitpid(set->orphans[i], &st, WNOHANG);
		if (r == set->orphans[i] || (r < 0 && errno == ECHILD))
			set->orphans[i] = set->orphans[--set->norphans];
		else
			i++;
	}
}

static void cmd_free(struct cmd *c)
{
	if (c->tp != NULL && c->priv != NULL)
		c->tp->free(c);
	strv_free(&c->argv);
	strv_free(&c->exec_argv);
	free(c->input);
	sb_free(&c->lb[0].line);
	sb_free(&c->lb[1].line);
	sb_free(&c->rs_hold);
	free(c);
}

static void cmdset_unlink(struct cmdset *set, struct cmd *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		set->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		set->tail = c->prev;
	c->prev = c->next = NULL;
}

/* Frees the finished commands; only outside every dispatch, so that a loop
 * iterating over the list never holds a freed command. */
static void cmdset_sweep(struct cmdset *set)
{
	struct cmd *c = set->head, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		if (c->finished) {
			cmdset_unlink(set, c);
			cmd_free(c);
		}
	}
}

/* --- callbacks and line assembly ----------------------------------------------- */

static void cmd_emit_line(struct cmd *c, enum cmd_stream s, const char *line, size_t len,
                          unsigned flags)
{
	c->busy++;
	c->cb.line(c->cb.arg, c, s, line, len, flags);
	c->busy--;
}

/* Bytes as the caller sees them: the observer, `data`, then line assembly. */
static void cmd_output(struct cmd *c, enum cmd_stream s, char *buf, size_t len)
{
	struct cmd_linebuf *lb = &c->lb[s - 1];

	if (c->set->obs.data != NULL)
		c->set->obs.data(c->set->obs.arg, c, s, buf, len);
	if (c->cb.data != NULL) {
		c->busy++;
		c->cb.data(c->cb.arg, c, s, buf, len);
		c->busy--;
	}
	if (c->cb.line == NULL)
		return;
	while (len > 0) {
		char *nl = memchr(buf, '\n', len);
		size_t seg = nl != NULL ? (size_t)(nl - buf) : len;
		size_t used = nl != NULL ? seg + 1 : seg;
		size_t room = CMD_LINE_MAX - lb->line.len;

		if (lb->skipping) {
			if (nl != NULL)
				lb->skipping = 0;
		} else if (lb->line.len == 0 && nl != NULL && seg <= CMD_LINE_MAX) {
			/* A whole line inside the buffer: no copy. */
			*nl = '\0';
			cmd_emit_line(c, s, buf, seg, 0);
		} else if (seg > room) {
			sb_add(&lb->line, buf, room);
			cmd_emit_line(c, s, sb_str(&lb->line), lb->line.len, CMD_LINE_TRUNCATED);
			sb_reset(&lb->line);
			lb->skipping = nl == NULL;
		} else {
			sb_add(&lb->line, buf, seg);
			if (nl != NULL) {
				cmd_emit_line(c, s, sb_str(&lb->line), lb->line.len, 0);
				sb_reset(&lb->line);
			}
		}
		buf += used;
		len -= used;
	}
}

/* --- the remote status over rsh (host.remote_status) --------------------------- */

#define CMD_RS_DIGITS_MAX 3

/*
 * Whether p[0..n) can be the marker tail MARK DIGITS [CR] LF at the end of
 * stdout: 1 when it is (or may still become) one, 0 when it cannot. With
 * at_eof the tail must be complete (the newline may be missing), and the
 * status goes to *status.
 */
static int cmd_rs_tail(const char *p, size_t n, int at_eof, int *status)
{
	const size_t ml = sizeof CMD_REMOTE_STATUS_MARK - 1;
	size_t j = ml, digits = 0;
	int v = 0;

	if (memcmp(p, CMD_REMOTE_STATUS_MARK, n < ml ? n : ml) != 0)
		return 0;
	if (n <= ml)
		return !at_eof;
	while (j < n && p[j] >= '0' && p[j] <= '9') {
		if (++digits > CMD_RS_DIGITS_MAX)
			return 0;
		v = v * 10 + (p[j++] - '0');
	}
	if (j < n && p[j] == '\r' && digits > 0)
		j++;
	if (j < n && p[j] == '\n' && digits > 0)
		j++;
	if (j != n)
		return 0; /* something follows: it was the remote's own text */
	if (at_eof) {
		if (digits == 0)
			return 0;
		*status = v;
	}
	return 1;
}

/* Stdout of a remote_status command: everything but a possible marker tail goes on. */
static void cmd_rs_feed(struct cmd *c, const char *buf, size_t len)
{
	struct strbuf *h = &c->rs_hold;
	size_t keep = 0, i = 0;
	int dummy;

	sb_add(h, buf, len);
	/* the earliest position from which the rest may be the tail */
	for (;;) {
		const char *u = memchr(h->buf + i, '_', h->len - i);
		if (u == NULL) {
			keep = h->len;
			break;
		}
		i = (size_t)(u - h->buf);
		if (cmd_rs_tail(u, h->len - i, 0, &dummy)) {
			keep = i;
			break;
		}
		i++;
	}
	if (keep == 0)
		return;
	{
		/* cmd_output() writes into the buffer it is given */
		char *out = xmalloc(keep);
		memcpy(out, h->buf, keep);
		memmove(h->buf, h->buf + keep, h->len - keep);
		h->len -= keep;
		h->buf[h->len] = '\0';
		cmd_output(c, CMD_STDOUT, out, keep);
		free(out);
	}
}

/* End of stdout: the held bytes are the status, or the remote's own output. */
static void cmd_rs_settle(struct cmd *c)
{
	struct strbuf *h = &c->rs_hold;
	int status = -1;

	if (c->rs_mode != CMD_RS_MARKER || c->rs_resolved)
		return;
	c->rs_resolved = 1;
	if (h->len > 0 && cmd_rs_tail(h->buf, h->len, 1, &status)) {
		c->rs_status = status;
	} else if (h->len > 0) {
		char *out = xmalloc(h->len);
		size_t n = h->len;
		memcpy(out, h->buf, n);
		cmd_output(c, CMD_STDOUT, out, n);
		free(out);
	}
	sb_free(h);
}

/* The remote status, or why there is none, into c->res. */
static void cmd_rs_result(struct cmd *c)
{
	struct cmd_result *r = &c->res;
	const char *via = c->exec_argv.v[0];

	if (c->rs_mode == CMD_RS_NONE)
		return;
	r->via_status = r->exited ? r->status : -1;
	if (!r->exited || r->timed_out || r->cancelled)
		return; /* those say what happened already */
	if (c->rs_mode == CMD_RS_MARKER && c->rs_status >= 0) {
		r->status = c->rs_status;
		return;
	}
	if (c->rs_mode == CMD_RS_NIMSH) {
		/* c_rsh passes the status on; its own failures are coded 0042-006 */
		size_t k = 0;
		while (k < c->rs_errhead_len &&
		       (c->rs_errhead[k] == ' ' || c->rs_errhead[k] == '\n'))
			k++;
		if (r->status == 0 || c->rs_errhead_len - k < 8 ||
		    memcmp(c->rs_errhead + k, "0042-006", 8) != 0)
			return;
	}
	r->remote_lost = 1;
	if (r->status == 0)
		r->status = 255;
	if (r->errmsg[0] == '\0')
		snprintf(r->errmsg, sizeof r->errmsg,
		         "no exit status came back from %s (%s exit %d): not reached, or the "
		         "command did not run there",
		         c->exec_argv.v[1], via, r->via_status);
}

void cmd_int_output(struct cmd *c, enum cmd_stream s, char *buf, size_t len)
{
	if (c->rs_mode != CMD_RS_NONE && s == CMD_STDERR &&
	    c->rs_errhead_len < sizeof c->rs_errhead) {
		size_t n = sizeof c->rs_errhead - c->rs_errhead_len;
		if (n > len)
			n = len;
		memcpy(c->rs_errhead + c->rs_errhead_len, buf, n);
		c->rs_errhead_len += n;
	}
	if (c->rs_mode == CMD_RS_MARKER && s == CMD_STDOUT && !c->rs_resolved) {
		cmd_rs_feed(c, buf, len);
		return;
	}
	cmd_output(c, s, buf, len);
}

void cmd_int_eof(struct cmd *c, enum cmd_stream s)
{
	struct cmd_linebuf *lb = &c->lb[s - 1];

	if (s == CMD_STDOUT)
		cmd_rs_settle(c);

	if (c->cb.line != NULL && lb->line.len > 0 && !lb->skipping)
		cmd_emit_line(c, s, sb_str(&lb->line), lb->line.len, CMD_LINE_NO_EOL);
	sb_reset(&lb->line);
	lb->skipping = 0;
}

void cmd_int_set_wait_status(struct cmd *c, int wstatus)
{
	if (WIFEXITED(wstatus)) {
		c->res.exited = 1;
		c->res.status = WEXITSTATUS(wstatus);
		c->res.signal = 0;
	} else if (WIFSIGNALED(wstatus)) {
		c->res.exited = 0;
		c->res.signal = WTERMSIG(wstatus);
		c->res.status = 128 + c->res.signal;
	}
}

void cmd_int_finish(struct cmd *c)
{
	struct cmdset *set = c->set;

	if (c->finished)
		return;
	/* a command abandoned before EOF: what was held back is settled now */
	cmd_rs_settle(c);
	c->finished = 1;
	set->nactive--;
	c->res.duration_ms = clock_ms() - c->start_ms;
	cmd_rs_result(c);
	if (c->res.errmsg[0] == '\0' && c->res.timed_out)
		snprintf(c->res.errmsg, sizeof c->res.errmsg, "timed out after %d ms",
		         c->timeout_ms);
	else if (c->res.errmsg[0] == '\0' && c->res.cancelled)
		snprintf(c->res.errmsg, sizeof c->res.errmsg, "cancelled");
	if (set->obs.done != NULL && !c->timer)
		set->obs.done(set->obs.arg, c, &c->res);
	if (c->cb.done != NULL) {
		c->busy++;
		c->cb.done(c->cb.arg, c, &c->res);
		c->busy--;
	}
}

/* --- starting ------------------------------------------------------------------- */

void cmdset_set_observer(struct cmdset *set, const struct cmdset_observer *o)
{
	if (o != NULL)
		set->obs = *o;
	else
		memset(&set->obs, 0, sizeof set->obs);
}

struct cmd *cmd_start(struct cmdset *set, const struct cmd_spec *spec, const struct cmd_cb *cb,
                      struct err *e)
{
	const struct host *h = spec->host;
	struct cmd *c;

	if (set->freeing) {
		err_set(e, "cannot start a command: the command set is closing");
		return NULL;
	}
	if (spec->argv == NULL || spec->argv[0] == NULL) {
		err_set(e, "cannot start a command: empty argv");
		return NULL;
	}
	if (h == NULL) {
		err_set(e, "cannot start %s: no host", spec->argv[0]);
		return NULL;
	}
	if (spec->input == NULL && spec->input_len > 0) {
		err_set(e, "cannot start %s: input_len without input", spec->argv[0]);
		return NULL;
	}

	c = xcalloc(1, sizeof *c);
	c->set = set;
	c->pid = -1;
	c->rs_status = -1;
	c->res.via_status = -1;
	for (const char *const *a = spec->argv; *a != NULL; a++)
		strv_push(&c->argv, *a);
	if (h->kind == HOST_NIM) {
		char *line;
		if (h->via == NULL || h->via->kind == HOST_NIM) {
			err_set(e,
			        "cannot start %s on %s: a NIM client is reached through the master",
			        spec->argv[0], h->name);
			goto fail;
		}
		line = quote_sh_argv(spec->argv);
		strv_push(&c->exec_argv, h->connect == NIM_CONNECT_NIMSH ? "c_rsh" : "rsh");
		strv_push(&c->exec_argv, h->name);
		if (h->remote_status && h->connect != NIM_CONNECT_NIMSH) {
			/* a constant tail after the quoted argv: never text of the caller's */
			c->rs_mode = CMD_RS_MARKER;
			strv_pushf(&c->exec_argv, "%s" CMD_REMOTE_STATUS_TAIL, line);
		} else {
			c->rs_mode = h->remote_status ? CMD_RS_NIMSH : CMD_RS_NONE;
			strv_push(&c->exec_argv, line);
		}
		free(line);
		h = h->via;
	} else {
		for (const char *const *a = spec->argv; *a != NULL; a++)
			strv_push(&c->exec_argv, *a);
	}
	c->host = h;
	switch (h->kind) {
	case HOST_LOCAL:
		c->tp = &cmd_local_transport;
		break;
	case HOST_SSH:
		c->tp = &cmd_ssh_transport;
		break;
	default:
		err_set(e, "cannot start %s: unknown host kind %d", spec->argv[0], (int)h->kind);
		goto fail;
	}
	if (spec->input != NULL && spec->input_len > 0) {
		c->input = xmalloc(spec->input_len);
		memcpy(c->input, spec->input, spec->input_len);
		c->input_len = spec->input_len;
	}
	if (cb != NULL)
		c->cb = *cb;
	c->timeout_ms = spec->timeout_ms > 0 ? spec->timeout_ms : 0;
	c->start_ms = clock_ms();
	c->deadline_ms = c->timeout_ms > 0 ? c->start_ms + c->timeout_ms : -1;
	c->stage = CMD_STAGE_RUN;
	if (c->tp->start(c, e) != 0) {
		c->priv = NULL;
		goto fail;
	}
	c->prev = set->tail;
	if (set->tail != NULL)
		set->tail->next = c;
	else
		set->head = c;
	set->tail = c;
	set->nactive++;
	if (set->obs.start != NULL)
		set->obs.start(set->obs.arg, c);
	return c;
fail:
	c->tp = NULL;
	cmd_free(c);
	return NULL;
}

/* --- timers -------------------------------------------------------------------------- */

static int timer_start(struct cmd *c, struct err *e)
{
	(void)e;
	c->priv = xmalloc(sizeof(long long));
	*(long long *)c->priv = c->start_ms + (long long)c->timeout_ms;
	c->pid = -1;
	return 0;
}

static size_t timer_npollfds(const struct cmd *c)
{
	(void)c;
	return 0;
}

static size_t timer_fill_pollfds(struct cmd *c, struct pollfd *fds, size_t max)
{
	(void)c;
	(void)fds;
	(void)max;
	return 0;
}

static void timer_dispatch(struct cmd *c, const struct pollfd *fds, size_t n)
{
	(void)c;
	(void)fds;
	(void)n;
}

static long long timer_deadline(const struct cmd *c)
{
	return *(const long long *)c->priv;
}

static void timer_end(struct cmd *c)
{
	c->res.exited = !c->res.cancelled;
	c->res.status = 0;
	cmd_int_finish(c);
}

static void timer_timer(struct cmd *c, long long now)
{
	if (now >= *(long long *)c->priv)
		timer_end(c);
}

/* Cancelled: `done` comes from the next dispatch, never from inside cmd_cancel(). */
static void timer_kill(struct cmd *c, int sig)
{
	(void)sig;
	*(long long *)c->priv = 0;
}

static void timer_free(struct cmd *c)
{
	free(c->priv);
	c->priv = NULL;
}

static const struct cmd_transport cmd_timer_transport = {
	"timer",        timer_start, timer_npollfds, timer_fill_pollfds, timer_dispatch,
	timer_deadline, timer_timer, timer_kill,     timer_end,          timer_free,
};

struct cmd *cmd_timer_start(struct cmdset *set, int ms, const struct cmd_cb *cb, struct err *e)
{
	struct cmd *c;

	if (set->freeing) {
		err_set(e, "cannot start a timer: the command set is closing");
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->set = set;
	c->pid = -1;
	c->timer = 1;
	c->rs_status = -1;
	c->res.via_status = -1;
	c->tp = &cmd_timer_transport;
	strv_push(&c->argv, "(timer)");
	strv_push(&c->exec_argv, "(timer)");
	if (cb != NULL)
		c->cb = *cb;
	/* the timer's end is its transport deadline, not a timeout */
	c->timeout_ms = ms > 0 ? ms : 0;
	c->start_ms = clock_ms();
	c->deadline_ms = -1;
	c->stage = CMD_STAGE_RUN;
	timer_start(c, e);
	c->prev = set->tail;
	if (set->tail != NULL)
		set->tail->next = c;
	else
		set->head = c;
	set->tail = c;
	set->nactive++;
	return c;
}

/* --- stopping ------------------------------------------------------------------- */

/* Starts the cancel stages: SIGTERM now, SIGKILL after the grace. */
static void cmd_stop(struct cmd *c, long long now)
{
	if (c->finished || c->stage != CMD_STAGE_RUN)
		return;
	if (c->set->grace_ms > 0) {
		c->tp->kill(c, SIGTERM);
		/* A stopped process would never act on SIGTERM. */
		c->tp->kill(c, SIGCONT);
		c->stage = CMD_STAGE_TERM;
		c->stage_ms = now + c->set->grace_ms;
	} else {
		c->tp->kill(c, SIGKILL);
		c->stage = CMD_STAGE_KILL;
		c->stage_ms = now + CMD_ABANDON_MS;
	}
}

void cmd_cancel(struct cmd *c)
{
	if (c == NULL || c->finished || c->stage != CMD_STAGE_RUN)
		return;
	c->res.cancelled = 1;
	cmd_stop(c, clock_ms());
}

pid_t cmd_pid(const struct cmd *c)
{
	return c->pid;
}

const char *const *cmd_argv(const struct cmd *c)
{
	return (const char *const *)c->argv.v;
}

const char *const *cmd_exec_argv(const struct cmd *c)
{
	return (const char *const *)c->exec_argv.v;
}

/* Due timeouts and cancel stages, then the transport's own timers. */
static void cmd_run_timers(struct cmd *c, long long now)
{
	if (c->stage == CMD_STAGE_RUN && c->deadline_ms >= 0 && now >= c->deadline_ms) {
		c->res.timed_out = 1;
		cmd_stop(c, now);
	}
	if (c->stage == CMD_STAGE_TERM && now >= c->stage_ms) {
		c->tp->kill(c, SIGKILL);
		c->stage = CMD_STAGE_KILL;
		c->stage_ms = now + CMD_ABANDON_MS;
	} else if (c->stage == CMD_STAGE_KILL && now >= c->stage_ms) {
		c->tp->abandon(c);
		return;
	}
	if (!c->finished)
		c->tp->timer(c, now);
}

/* --- the event loop ---------------------------------------------------------------- */

static int cmd_visible(const struct cmd *c)
{
	return !c->finished && c->busy == 0;
}

size_t cmdset_npollfds(const struct cmdset *set)
{
	size_t n = set->pool != NULL ? set->pool_ops->npollfds(set) : 0;

	for (const struct cmd *c = set->head; c != NULL; c = c->next) {
		if (cmd_visible(c))
			n += c->tp->npollfds(c);
	}
	return n;
}

size_t cmdset_fill_pollfds(struct cmdset *set, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	set->fill_gen++;
	if (set->fill_gen == 0)
		set->fill_gen = 1;
	/* The pool's entries come first; cmdset_dispatch() hands it those. */
	set->pool_gen = set->fill_gen;
	set->pool_n = 0;
	if (set->pool != NULL) {
		set->pool_n = set->pool_ops->fill_pollfds(set, fds, max);
		n = set->pool_n;
	}
	for (struct cmd *c = set->head; c != NULL; c = c->next) {
		if (!cmd_visible(c))
			continue;
		c->fill_gen = set->fill_gen;
		c->poll_base = n;
		c->poll_n = c->tp->fill_pollfds(c, fds + n, max - n);
		n += c->poll_n;
	}
	return n;
}

int cmdset_timeout(const struct cmdset *set)
{
	long long next = set->pool != NULL ? set->pool_ops->deadline(set) : -1;
	long long now = clock_ms(), d;

	for (const struct cmd *c = set->head; c != NULL; c = c->next) {
		if (!cmd_visible(c))
			continue;
		if (c->stage == CMD_STAGE_RUN)
			d = c->deadline_ms;
		else
			d = c->stage_ms;
		if (d >= 0 && (next < 0 || d < next))
			next = d;
		d = c->tp->deadline(c);
		if (d >= 0 && (next < 0 || d < next))
			next = d;
	}
	if (set->norphans > 0 && (next < 0 || now + CMD_ORPHAN_RETRY_MS < next))
		next = now + CMD_ORPHAN_RETRY_MS;
	if (next < 0)
		return -1;
	if (next <= now)
		return 0;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

void cmdset_dispatch(struct cmdset *set, const struct pollfd *fds, size_t n)
{
	unsigned gen = set->fill_gen;
	long long now = clock_ms();

	set->depth++;
	/* The pool first, so that the commands' timers see what it read. */
	if (set->pool != NULL) {
		size_t pn = set->pool_gen == gen && set->pool_n <= n ? set->pool_n : 0;
		set->pool_ops->dispatch(set, fds, pn, now);
	}
	/* Commands started by callbacks are appended and reached too; they have
	 * no poll entries in this round (fill_gen differs). */
	for (struct cmd *c = set->head; c != NULL; c = c->next) {
		if (!cmd_visible(c))
			continue;
		if (c->fill_gen == gen && c->poll_n > 0 && c->poll_base + c->poll_n <= n) {
			const struct pollfd *p = fds + c->poll_base;
			for (size_t i = 0; i < c->poll_n; i++) {
				if (p[i].revents != 0) {
					c->tp->dispatch(c, p, c->poll_n);
					break;
				}
			}
		}
		if (cmd_visible(c))
			cmd_run_timers(c, now);
	}
	if (set->norphans > 0)
		cmdset_reap_orphans(set);
	set->depth--;
	if (set->depth == 0)
		cmdset_sweep(set);
}

size_t cmdset_active(const struct cmdset *set)
{
	return set->nactive;
}

static size_t cmdset_runnable(const struct cmdset *set)
{
	size_t n = 0;

	for (const struct cmd *c = set->head; c != NULL; c = c->next)
		n += cmd_visible(c);
	return n;
}

/* One poll round over the set, waiting at most max_ms (-1: until an event).
 * The array is local, so a loop nested in a callback cannot disturb it. */
static void cmdset_poll_once(struct cmdset *set, int max_ms)
{
	struct pollfd stackfds[64], *fds = stackfds;
	size_t need = cmdset_npollfds(set), n;
	int t = cmdset_timeout(set), r;

	if (need > ARRAY_LEN(stackfds))
		fds = xreallocarray(NULL, need, sizeof *fds);
	n = cmdset_fill_pollfds(set, fds, need);
	if (max_ms >= 0 && (t < 0 || t > max_ms))
		t = max_ms;
	if (n == 0 && t < 0)
		fatal("command loop: %zu commands active but nothing to wait for", set->nactive);
	r = poll(fds, (nfds_t)n, t);
	if (r < 0) {
		if (errno != EINTR && errno != EAGAIN)
			fatal("poll: %s", strerror(errno));
		n = 0; /* revents are undefined: only timers this round */
	}
	cmdset_dispatch(set, fds, n);
	if (fds != stackfds)
		free(fds);
}

int cmdset_run(struct cmdset *set, int max_ms)
{
	long long end = max_ms >= 0 ? clock_ms() + max_ms : -1;

	while (cmdset_runnable(set) > 0) {
		long long left = -1;
		if (end >= 0) {
			left = end - clock_ms();
			if (left <= 0)
				return -1;
		}
		cmdset_poll_once(set, left > INT_MAX ? INT_MAX : (int)left);
	}
	/* Commands inside their own callbacks (a loop nested there) are not
	 * waited for: they cannot progress until that callback returns. */
	return 0;
}

void cmdset_free(struct cmdset **setp)
{
	struct cmdset *set = *setp;
	long long now, end;

	if (set == NULL)
		return;
	if (set->depth > 0)
		fatal("cmdset_free() called from a command callback");
	set->freeing = 1;
	now = clock_ms();
	for (struct cmd *c = set->head; c != NULL; c = c->next) {
		/* Owners may already be gone: no callbacks while closing. */
		memset(&c->cb, 0, sizeof c->cb);
		if (!c->finished) {
			c->res.cancelled = 1;
			cmd_stop(c, now);
		}
	}
	/* The stages end every command within grace + CMD_ABANDON_MS; the bound
	 * below only guards against a transport that misbehaves. */
	end = now + set->grace_ms + CMD_ABANDON_MS + 1000;
	while (cmdset_active(set) > 0) {
		long long left = end - clock_ms();
		if (left <= 0)
			break;
		cmdset_poll_once(set, (int)left);
	}
	for (struct cmd *c = set->head; c != NULL; c = c->next) {
		if (!c->finished)
			c->tp->abandon(c);
	}
	cmdset_sweep(set);
	cmdset_reap_orphans(set);
	if (set->pool != NULL)
		set->pool_ops->free(set);
	for (size_t i = 0; i < set->nenv; i++) {
		free(set->env[i].name);
		free(set->env[i].value);
	}
	free(set->env);
	free(set->orphans);
	if (set->devnull >= 0)
		close(set->devnull);
	free(set);
	*setp = NULL;
}

/* --- capture ------------------------------------------------------------------------ */

struct capture_ctx {
	struct cmd_capture *cap;
	int done;
};

static void capture_data(void *arg, struct cmd *c, enum cmd_stream s, const char *buf, size_t len)
{
	struct capture_ctx *ctx = arg;

	(void)c;
	sb_add(s == CMD_STDOUT ? &ctx->cap->out : &ctx->cap->err, buf, len);
}

static void capture_done(void *arg, struct cmd *c, const struct cmd_result *r)
{
	struct capture_ctx *ctx = arg;

	(void)c;
	ctx->cap->res = *r;
	ctx->done = 1;
}

int cmd_capture_run(struct cmdset *set, const struct cmd_spec *spec, struct cmd_capture *cap,
                    struct err *e)
{
	struct capture_ctx ctx = { cap, 0 };
	struct cmd_cb cb = { .data = capture_data, .done = capture_done, .arg = &ctx };

	memset(cap, 0, sizeof *cap);
	if (cmd_start(set, spec, &cb, e) == NULL)
		return -1;
	/* Every other command in the set keeps being serviced meanwhile. */
	while (!ctx.done)
		cmdset_poll_once(set, -1);
	/* Keep the strings valid C strings even when nothing was printed. */
	sb_grow(&cap->out, 0);
	sb_grow(&cap->err, 0);
	cap->out.buf[cap->out.len] = '\0';
	cap->err.buf[cap->err.len] = '\0';
	return 0;
}

void cmd_capture_free(struct cmd_capture *cap)
{
	sb_free(&cap->out);
	sb_free(&cap->err);
}

/* --- display ------------------------------------------------------------------------- */

size_t cmd_utf8_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond U+10FFFF are invalid. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *cmd_escape_display(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb = { NULL, 0, 0 };
	size_t col = 0, i = 0;

	sb_grow(&sb, len);
	sb.buf[0] = '\0';
	while (i < len) {
		unsigned c = p[i];
		size_t n;

		if (c == '\t') {
			do {
				sb_addc(&sb, ' ');
				col++;
			} while (col % 8 != 0);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			sb_addc(&sb, '^');
			sb_addc(&sb, c == 0x7f ? '?' : (char)(c + 0x40));
			col += 2;
			i++;
		} else if (c < 0x80) {
			sb_addc(&sb, (char)c);
			col++;
			i++;
		} else if ((n = cmd_utf8_len(p + i, len - i)) > 0 &&
		           !(c == 0xc2 && p[i + 1] < 0xa0)) {
			/* Valid UTF-8 is kept; C1 controls (U+0080-U+009F) are not. */
			sb_add(&sb, s + i, n);
			col++;
			i += n;
		} else {
			sb_addf(&sb, "\\x%02X", c);
			col += 4;
			i++;
		}
	}
	return sb_steal(&sb);
}
