/*
 * ssh.c: the ssh transport: commands on a remote host through libssh in
 * non-blocking mode, driven by the command set's one poll loop.
 *
 * Three layers, all owned by a pool attached to the command set:
 *  - an endpoint is where and as whom (address, port, user, key, known_hosts,
 *    connect timeout); commands wait in its queue for a channel;
 *  - a connection is one TCP connection and ssh session to an endpoint: our
 *    own non-blocking connect, then key exchange, the host key checked
 *    against known_hosts, public-key auth; it carries up to max_chan
 *    channels (OpenSSH's MaxSessions, 10 by default) and is closed after an
 *    idle time; an endpoint opens more connections when more commands wait;
 *  - a command runs on one channel: open, exec of its line (ssh.h: the pid
 *    marker, then exec of quote_sh_argv(argv)), stdin, stdout and stderr
 *    into the core's line assembly (the marker taken out), exit status or
 *    signal, close. Cancel: "signal" requests, and `kill` of the marker's
 *    pid on a spare channel (the killer), since sshd ignores signal
 *    requests for root logins.
 * The pool polls the connections' sockets (cmd_pool_ops) and pumps libssh;
 * it never calls a command's callbacks. Whatever it learns marks the
 * commands concerned as kicked, and each command does its own work (reads,
 * callbacks, the end) in its own timer, where the core guarantees that the
 * command is not inside one of its callbacks. A pump that reads bytes kicks
 * every channel of the connection, since libssh may have buffered data for
 * any of them that poll will not announce again.
 *
 * Never blocking: libssh runs non-blocking (SSH_AGAIN, SSH_AUTH_AGAIN), with
 * three limits of libssh worth knowing: host names are resolved with
 * getaddrinfo() (blocking for a name, instant for an address), the key and
 * known_hosts files are read synchronously, and after the connect libssh
 * puts the socket back into blocking mode and writes its whole output
 * buffer at once when poll says it can write; stdin is therefore fed in
 * small chunks, only when that buffer is empty.
 */
#include "cmd_int.h"
#include "ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#define SSH_PORT_DEFAULT       22
#define SSH_CONNECT_TIMEOUT_MS 10000
/* Channels per connection: OpenSSH's MaxSessions default. A server with a
 * lower limit refuses the extra channels; the limit is then learned (see
 * sshcmd_open_refused). */
#define SSH_CHANNELS_PER_CONN 10
/* Connections per endpoint, and how many of them may be connecting at once
 * (OpenSSH's MaxStartups starts dropping at 10 unauthenticated). */
#define SSH_CONNS_PER_ENDPOINT      16
#define SSH_CONNECTING_PER_ENDPOINT 8
/* A connection without channels is closed after this. */
#define SSH_IDLE_MS 3000
/* stdin is written in chunks of at most this, one at a time (see the top). */
#define SSH_INPUT_CHUNK (16 * 1024)

struct sshpool;
struct sshconn;
struct sshcmd;

/* Where and as whom; commands wait in `queue` for a channel. */
struct sshep {
	struct sshep *next;
	char *id; /* every field below, for lookup */
	char *addr;
	unsigned port;
	char *user;
	char *key;         /* NULL: the agent, then ~/.ssh/id_* */
	char *known_hosts; /* NULL: libssh's default, ~/.ssh/known_hosts */
	int connect_timeout_ms;
	char *where; /* "127.0.0.1:2222", "[::1]:22": for messages */
	ssh_key privkey;
	struct sshcmd *qhead, *qtail;
	size_t nqueued;
	size_t nconns, nconnecting;
	int max_chan; /* channels per connection (lowered when learned) */
};

enum sshconn_state {
	CONN_TCP,   /* non-blocking TCP connect in progress */
	CONN_KEX,   /* banner and key exchange (ssh_connect) */
	CONN_AUTH,  /* public-key auth */
	CONN_READY, /* carries channels */
	CONN_DEAD,  /* failed or lost; freed once no command holds a channel */
};

struct sshconn {
	struct sshpool *pool;
	struct sshep *ep;
	struct sshconn *prev, *next;
	enum sshconn_state state;
	int fd;       /* our socket; libssh uses it from ssh_connect() on, we close it */
	dev_t fd_dev; /* to recognise it at the end (a libssh that closed it itself) */
	ino_t fd_ino;
	struct addrinfo *ai, *ai_next;
	int last_errno;
	ssh_session s;
	ssh_event ev; /* the pump, once READY */
	struct ssh_counter_struct counter;
	uint64_t seen_in;   /* counter.in_bytes when the channels were last kicked */
	long long deadline; /* connect + key exchange + auth */
	long long idle_since;
	struct sshcmd *chead, *ctail; /* commands holding a channel here */
	size_t nchan;
	int max_chan;
	/* Closes we sent, and how many of them the server has surely acted on
	 * (see sshcmd_open_refused). */
	unsigned long closes, closes_settled;
	/* The killer: `kill` run on a spare channel for commands whose server
	 * ignores signal requests (sshd does for root logins). */
	struct strbuf kills; /* waiting for the next killer: "kill -TERM -- -123 ...; " */
	ssh_channel killer;
	char *killer_line; /* what the current killer runs */
	int killer_exec;   /* 0 opening, 1 exec sent, 2 running */
	unsigned poll_gen;
	size_t poll_idx;
	int doomed; /* free at the end of this dispatch */
	int kick;   /* the pool has work here (the killer) in its next round */
};

struct sshpool {
	struct cmdset *set;
	struct sshep *eps;
	struct sshconn *chead, *ctail;
};

enum sshcmd_state {
	SC_QUEUED,  /* waiting for a channel (in ep's queue) */
	SC_OPENING, /* channel open sent */
	SC_EXEC,    /* exec request sent */
	SC_RUNNING, /* the remote command runs */
	SC_ENDED,   /* finished, or failed and waiting to report it */
};

/* A command's transport state (cmd->priv). */
struct sshcmd {
	struct cmd *c;
	struct sshep *ep;
	struct sshconn *conn; /* while holding a channel */
	struct sshcmd *prev, *next;
	enum sshcmd_state state;
	char *line; /* the remote command line */
	ssh_channel ch;
	struct ssh_channel_callbacks_struct cbs;
	size_t in_off;
	int eof_sent;
	int eof[2];
	int exit_status;      /* -1: none yet */
	char exit_signal[32]; /* "" none yet */
	int kick;             /* work to do in the next timer */
	int fail;             /* c->res holds a failure: report it */
	int stopping;         /* killed before the remote command ran */
	int pending_sig;      /* a signal to send once the exec is accepted */
	int sent_kill;
	int wants_write;       /* input waits for libssh's output buffer to drain */
	long remote_pid;       /* from the marker, 0 unknown */
	int pid_scan_done;     /* the marker was found, or given up on */
	struct strbuf errhold; /* stderr held until the marker is found */
	int kill_sig;          /* the last signal asked for, for the killer */
	int opened;            /* the server confirmed the channel */
	/* When the open was sent: conn->closes and conn->closes_settled. */
	unsigned long closes_before, settled_before;
};

static size_t sshpool_live; /* pools alive: ssh_init() once, ssh_finalize() at the last */

static void sshep_schedule(struct sshpool *pool, struct sshep *ep, long long now);
static void sshconn_fail(struct sshconn *conn, int errnum, const char *fmt, ...) PRINTFLIKE(3, 4);
static void sshconn_kex(struct sshconn *conn, long long now);
static void sshconn_killer(struct sshconn *conn);

/* --- hosts -------------------------------------------------------------------------- */

struct host *host_ssh_new(const char *name, const char *addr, unsigned port, const char *user,
                          const char *key, const char *known_hosts)
{
	struct host *h = xcalloc(1, sizeof *h);

	h->kind = HOST_SSH;
	h->name = xstrdup(name != NULL ? name : addr != NULL ? addr : "");
	h->ssh_addr = addr != NULL ? xstrdup(addr) : NULL;
	h->ssh_port = port;
	h->ssh_user = user != NULL ? xstrdup(user) : NULL;
	h->ssh_key = key != NULL ? xstrdup(key) : NULL;
	h->ssh_known_hosts = known_hosts != NULL ? xstrdup(known_hosts) : NULL;
	return h;
}

/* --- small helpers -------------------------------------------------------------------- */

static const struct {
	int sig;
	const char *name;
} ssh_signals[] = {
	/* RFC 4254 6.10, the names OpenSSH sends and accepts */
	{ SIGABRT, "ABRT" }, { SIGALRM, "ALRM" }, { SIGFPE, "FPE" },   { SIGHUP, "HUP" },
	{ SIGILL, "ILL" },   { SIGINT, "INT" },   { SIGKILL, "KILL" }, { SIGPIPE, "PIPE" },
	{ SIGQUIT, "QUIT" }, { SIGSEGV, "SEGV" }, { SIGTERM, "TERM" }, { SIGUSR1, "USR1" },
	{ SIGUSR2, "USR2" },
};

static const char *sshsig_name(int sig)
{
	for (size_t i = 0; i < ARRAY_LEN(ssh_signals); i++) {
		if (ssh_signals[i].sig == sig)
			return ssh_signals[i].name;
	}
	return NULL;
}

static int sshsig_number(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(ssh_signals); i++) {
		if (strcmp(ssh_signals[i].name, name) == 0)
			return ssh_signals[i].sig;
	}
	return 0;
}

/* Text that will be a host name, user or path handed to libssh: no control
 * characters, and no '@' in a host (libssh would read it as user@host). */
static int ssh_text_ok(const char *s, int is_host)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || (is_host && (*p == '@' || *p == ' ')))
			return 0;
	}
	return 1;
}

static void sshcmd_kick(struct sshcmd *sc)
{
	sc->kick = 1;
}

/* The command failed without (or before the end of) its remote command. */
static void sshcmd_set_failure(struct sshcmd *sc, int errnum, const char *msg)
{
	struct cmd_result *r = &sc->c->res;

	if (sc->fail || sc->state == SC_ENDED)
		return;
	r->exited = 0;
	r->signal = 0;
	r->status = 255;
	if (sc->state != SC_RUNNING)
		r->start_errno = errnum;
	str_copy(r->errmsg, msg, sizeof r->errmsg);
	sc->fail = 1;
	sshcmd_kick(sc);
}

/* --- endpoints ------------------------------------------------------------------------ */

static struct sshep *sshep_get(struct sshpool *pool, const struct host *h)
{
	const char *user = h->ssh_user != NULL ? h->ssh_user : "root";
	unsigned port = h->ssh_port != 0 ? h->ssh_port : SSH_PORT_DEFAULT;
	int tmo =
	    h->ssh_connect_timeout_ms > 0 ? h->ssh_connect_timeout_ms : SSH_CONNECT_TIMEOUT_MS;
	const char *key = h->ssh_key != NULL ? h->ssh_key : "";
	const char *kh = h->ssh_known_hosts != NULL ? h->ssh_known_hosts : "";
	char *id =
	    xasprintf("%zu:%s %u %zu:%s %zu:%s %c%zu:%s %c%d", strlen(h->ssh_addr), h->ssh_addr,
	              port, strlen(user), user, strlen(key), key, h->ssh_key != NULL ? 'k' : '-',
	              strlen(kh), kh, h->ssh_known_hosts != NULL ? 'h' : '-', tmo);
	struct sshep *ep;

	for (ep = pool->eps; ep != NULL; ep = ep->next) {
		if (strcmp(ep->id, id) == 0) {
			free(id);
			return ep;
		}
	}
	ep = xcalloc(1, sizeof *ep);
	ep->id = id;
	ep->addr = xstrdup(h->ssh_addr);
	ep->port = port;
	ep->user = xstrdup(user);
	ep->key = h->ssh_key != NULL ? xstrdup(h->ssh_key) : NULL;
	ep->known_hosts = h->ssh_known_hosts != NULL ? xstrdup(h->ssh_known_hosts) : NULL;
	ep->connect_timeout_ms = tmo;
	ep->where = strchr(ep->addr, ':') != NULL ? xasprintf("[%s]:%u", ep->addr, port)
	                                          : xasprintf("%s:%u", ep->addr, port);
	ep->max_chan = SSH_CHANNELS_PER_CONN;
	ep->next = pool->eps;
	pool->eps = ep;
	return ep;
}

static void sshep_free(struct sshep *ep)
{
	free(ep->id);
	free(ep->addr);
	free(ep->user);
	free(ep->key);
	free(ep->known_hosts);
	free(ep->where);
	if (ep->privkey != NULL)
		ssh_key_free(ep->privkey);
	free(ep);
}

static void sshep_enqueue(struct sshep *ep, struct sshcmd *sc, int at_head)
{
	sc->state = SC_QUEUED;
	sc->conn = NULL;
	if (at_head) {
		sc->prev = NULL;
		sc->next = ep->qhead;
		if (ep->qhead != NULL)
			ep->qhead->prev = sc;
		else
			ep->qtail = sc;
		ep->qhead = sc;
	} else {
		sc->next = NULL;
		sc->prev = ep->qtail;
		if (ep->qtail != NULL)
			ep->qtail->next = sc;
		else
			ep->qhead = sc;
		ep->qtail = sc;
	}
	ep->nqueued++;
}

static void sshep_dequeue(struct sshep *ep, struct sshcmd *sc)
{
	if (sc->prev != NULL)
		sc->prev->next = sc->next;
	else
		ep->qhead = sc->next;
	if (sc->next != NULL)
		sc->next->prev = sc->prev;
	else
		ep->qtail = sc->prev;
	sc->prev = sc->next = NULL;
	ep->nqueued--;
}

/* Every waiting command fails with msg (a connection for them failed). */
static void sshep_fail_queue(struct sshep *ep, int errnum, const char *msg)
{
	while (ep->qhead != NULL) {
		struct sshcmd *sc = ep->qhead;
		sshep_dequeue(ep, sc);
		sc->state = SC_OPENING; /* not queued, no channel: only the report is left */
		sshcmd_set_failure(sc, errnum, msg);
	}
}

static int sshep_has_ready(const struct sshpool *pool, const struct sshep *ep)
{
	for (const struct sshconn *k = pool->chead; k != NULL; k = k->next) {
		if (k->ep == ep && k->state == CONN_READY && !k->doomed)
			return 1;
	}
	return 0;
}

/* Is a connection to ep (other than `but`) working or on its way? */
static int sshep_has_live(const struct sshpool *pool, const struct sshep *ep,
                          const struct sshconn *but)
{
	for (const struct sshconn *k = pool->chead; k != NULL; k = k->next) {
		if (k != but && k->ep == ep && k->state != CONN_DEAD && !k->doomed)
			return 1;
	}
	return 0;
}

/* --- channels --------------------------------------------------------------------------- */

static void sshcmd_on_exit_status(ssh_session s, ssh_channel ch, int status, void *arg)
{
	struct sshcmd *sc = arg;

	(void)s;
	(void)ch;
	sc->exit_status = status;
}

static void sshcmd_on_exit_signal(ssh_session s, ssh_channel ch, const char *sig, int core,
                                  const char *errmsg, const char *lang, void *arg)
{
	struct sshcmd *sc = arg;

	(void)s;
	(void)ch;
	(void)core;
	(void)errmsg;
	(void)lang;
	str_copy(sc->exit_signal, sig != NULL && *sig != '\0' ? sig : "?", sizeof sc->exit_signal);
}

/* Closes and frees the channel and leaves the connection (the slot is free). */
static void sshcmd_release(struct sshcmd *sc, long long now)
{
	struct sshconn *conn = sc->conn;

	if (sc->ch != NULL) {
		ssh_remove_channel_callbacks(sc->ch, &sc->cbs);
		/* The server frees its session slot only when both sides closed;
		 * a close for a channel it never confirmed makes it hang up. */
		if (sc->opened && conn != NULL && conn->state == CONN_READY &&
		    ssh_is_connected(conn->s)) {
			ssh_channel_close(sc->ch);
			conn->closes++;
		}
		ssh_channel_free(sc->ch);
		sc->ch = NULL;
	}
	if (conn == NULL)
		return;
	if (sc->prev != NULL)
		sc->prev->next = sc->next;
	else
		conn->chead = sc->next;
	if (sc->next != NULL)
		sc->next->prev = sc->prev;
	else
		conn->ctail = sc->prev;
	sc->prev = sc->next = NULL;
	sc->conn = NULL;
	conn->nchan--;
	if (conn->nchan == 0)
		conn->idle_since = now;
}

/* Gives a waiting command a channel on conn and sends the open request. */
static void sshcmd_attach(struct sshconn *conn, struct sshcmd *sc)
{
	sc->conn = conn;
	sc->next = NULL;
	sc->prev = conn->ctail;
	if (conn->ctail != NULL)
		conn->ctail->next = sc;
	else
		conn->chead = sc;
	conn->ctail = sc;
	conn->nchan++;
	conn->idle_since = -1;
	sc->state = SC_OPENING;
	sc->opened = 0;
	sc->closes_before = conn->closes;
	sc->settled_before = conn->closes_settled;
	sshcmd_kick(sc);
	sc->ch = ssh_channel_new(conn->s);
	if (sc->ch == NULL) {
		sshcmd_set_failure(sc, ENOMEM, "ssh: cannot create a channel");
		return;
	}
	memset(&sc->cbs, 0, sizeof sc->cbs);
	sc->cbs.userdata = sc;
	sc->cbs.channel_exit_status_function = sshcmd_on_exit_status;
	sc->cbs.channel_exit_signal_function = sshcmd_on_exit_signal;
	ssh_callbacks_init(&sc->cbs);
	ssh_add_channel_callbacks(sc->ch, &sc->cbs);
	/* Sends the request now; the reply is picked up in sshcmd_service(). */
	(void)ssh_channel_open_session(sc->ch);
}

/* --- connections ------------------------------------------------------------------------- */

static const char *sshconn_stage(const struct sshconn *conn)
{
	switch (conn->state) {
	case CONN_TCP:
		return "connecting";
	case CONN_KEX:
		return ssh_get_serverbanner(conn->s) != NULL
		           ? "key exchange"
		           : "waiting for the server's SSH banner";
	case CONN_AUTH:
		return "authentication";
	default:
		return "connected";
	}
}

/* Kicks every channel if a pump read bytes (they may be for any of them). */
static void sshconn_kick_if_read(struct sshconn *conn)
{
	if (conn->counter.in_bytes == conn->seen_in)
		return;
	conn->seen_in = conn->counter.in_bytes;
	for (struct sshcmd *sc = conn->chead; sc != NULL; sc = sc->next)
		sshcmd_kick(sc);
	if (conn->killer != NULL)
		conn->kick = 1;
}

/* The connection is unusable: its channels and, unless another connection
 * to the endpoint works or is on its way (the last of them to fail does it),
 * the waiting commands fail with the same words. */
static void sshconn_fail(struct sshconn *conn, int errnum, const char *fmt, ...)
{
	struct sshep *ep = conn->ep;
	char msg[sizeof(((struct cmd_result *)0)->errmsg)];
	va_list ap;

	if (conn->state == CONN_DEAD)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (conn->state != CONN_READY)
		ep->nconnecting--;
	/* Once libssh has it, the socket is closed after ssh_free() only: a
	 * number closed under it could be reused by another open(). */
	if (conn->s == NULL && conn->fd >= 0) {
		close(conn->fd);
		conn->fd = -1;
	}
	sb_reset(&conn->kills);
	conn->state = CONN_DEAD;
	for (struct sshcmd *sc = conn->chead; sc != NULL; sc = sc->next)
		sshcmd_set_failure(sc, errnum, msg);
	if (!sshep_has_live(conn->pool, ep, conn))
		sshep_fail_queue(ep, errnum, msg);
}

static void sshconn_free(struct sshconn *conn)
{
	struct sshpool *pool = conn->pool;

	if (conn->prev != NULL)
		conn->prev->next = conn->next;
	else
		pool->chead = conn->next;
	if (conn->next != NULL)
		conn->next->prev = conn->prev;
	else
		pool->ctail = conn->prev;
	if (conn->state != CONN_DEAD && conn->state != CONN_READY)
		conn->ep->nconnecting--;
	conn->ep->nconns--;
	if (conn->killer != NULL)
		ssh_channel_free(conn->killer);
	free(conn->killer_line);
	sb_free(&conn->kills);
	if (conn->ev != NULL) {
		ssh_event_remove_session(conn->ev, conn->s);
		ssh_event_free(conn->ev);
	}
	if (conn->s != NULL) {
		if (ssh_is_connected(conn->s))
			ssh_disconnect(conn->s);
		ssh_free(conn->s);
		/* libssh 0.10 leaves a socket given with SSH_OPTIONS_FD open; should
		 * another version close it, the number may be someone else's now. */
		if (conn->fd >= 0) {
			struct stat sb;
			if (fstat(conn->fd, &sb) != 0 || sb.st_dev != conn->fd_dev ||
			    sb.st_ino != conn->fd_ino)
				conn->fd = -1;
		}
	}
	if (conn->fd >= 0)
		close(conn->fd);
	if (conn->ai != NULL)
		freeaddrinfo(conn->ai);
	free(conn);
}

/* The socket is connected: hand it to libssh and start the key exchange. */
static void sshconn_start_ssh(struct sshconn *conn, long long now)
{
	struct sshep *ep = conn->ep;
	bool no = false;
	int verbosity = SSH_LOG_NOLOG, fd = conn->fd;

	conn->s = ssh_new();
	if (conn->s == NULL) {
		sshconn_fail(conn, ENOMEM, "ssh %s: cannot create a session", ep->where);
		return;
	}
	if (ssh_options_set(conn->s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0 ||
	    ssh_options_set(conn->s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(conn->s, SSH_OPTIONS_HOST, ep->addr) < 0 ||
	    ssh_options_set(conn->s, SSH_OPTIONS_PORT, &ep->port) < 0 ||
	    ssh_options_set(conn->s, SSH_OPTIONS_USER, ep->user) < 0 ||
	    (ep->known_hosts != NULL &&
	     ssh_options_set(conn->s, SSH_OPTIONS_KNOWNHOSTS, ep->known_hosts) < 0) ||
	    ssh_options_set(conn->s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(conn->s, SSH_OPTIONS_FD, &fd) < 0) {
		sshconn_fail(conn, EINVAL, "ssh %s: %s", ep->where, ssh_get_error(conn->s));
		return;
	}
	ssh_set_blocking(conn->s, 0);
	ssh_set_counters(conn->s, &conn->counter, NULL);
	{
		struct stat sb;
		if (fstat(conn->fd, &sb) == 0) {
			conn->fd_dev = sb.st_dev;
			conn->fd_ino = sb.st_ino;
		}
	}
	conn->state = CONN_KEX;
	sshconn_kex(conn, now);
}

/* Starts a non-blocking connect to the next address; fails when none is left. */
static void sshconn_connect_next(struct sshconn *conn, long long now)
{
	struct sshep *ep = conn->ep;
	int one = 1;

	while (conn->ai_next != NULL) {
		struct addrinfo *ai = conn->ai_next;
		int fd, fl;

		conn->ai_next = ai->ai_next;
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			conn->last_errno = errno;
			continue;
		}
		fl = fcntl(fd, F_GETFL);
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fl < 0 ||
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			conn->last_errno = errno;
			close(fd);
			continue;
		}
		/* Small packets both ways: Nagle costs ~40 ms per round trip. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			conn->fd = fd;
			sshconn_start_ssh(conn, now);
			return;
		}
		if (errno == EINPROGRESS || errno == EINTR) {
			conn->fd = fd;
			return;
		}
		conn->last_errno = errno;
		close(fd);
	}
	sshconn_fail(conn, conn->last_errno != 0 ? conn->last_errno : EHOSTUNREACH,
	             "ssh %s: connect: %s", ep->where,
	             strerror(conn->last_errno != 0 ? conn->last_errno : EHOSTUNREACH));
}

static struct sshconn *sshconn_new(struct sshpool *pool, struct sshep *ep, long long now)
{
	struct sshconn *conn = xcalloc(1, sizeof *conn);
	struct addrinfo hints;
	char port[16];
	int rc;

	conn->pool = pool;
	conn->ep = ep;
	conn->state = CONN_TCP;
	conn->fd = -1;
	conn->deadline = now + ep->connect_timeout_ms;
	conn->idle_since = -1;
	conn->max_chan = ep->max_chan;
	conn->prev = pool->ctail;
	if (pool->ctail != NULL)
		pool->ctail->next = conn;
	else
		pool->chead = conn;
	pool->ctail = conn;
	ep->nconns++;
	ep->nconnecting++;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", ep->port);
	rc = getaddrinfo(ep->addr, port, &hints, &conn->ai);
	if (rc != 0) {
		conn->ai = NULL;
		sshconn_fail(conn, rc == EAI_SYSTEM ? errno : EHOSTUNREACH,
		             "ssh %s: cannot resolve %s: %s", ep->where, ep->addr,
		             rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return conn;
	}
	conn->ai_next = conn->ai;
	sshconn_connect_next(conn, now);
	return conn;
}

/* The host key against known_hosts; refuses anything but a match. */
static int sshconn_check_host_key(struct sshconn *conn)
{
	struct sshep *ep = conn->ep;
	const char *kh = ep->known_hosts != NULL ? ep->known_hosts : "~/.ssh/known_hosts";
	enum ssh_known_hosts_e known = ssh_session_is_known_server(conn->s);
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL;
	const char *type = "unknown key type";

	if (known == SSH_KNOWN_HOSTS_OK)
		return 0;
	if (ssh_get_server_publickey(conn->s, &key) == SSH_OK) {
		type = ssh_key_type_to_char(ssh_key_type(key));
		if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
			fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	}
	switch (known) {
	case SSH_KNOWN_HOSTS_CHANGED:
		sshconn_fail(conn, EACCES,
		             "ssh %s: HOST KEY CHANGED (now %s %s): refusing; replace the old "
		             "key only if the change is expected, in %s",
		             ep->where, type, fp != NULL ? fp : "?", kh);
		break;
	case SSH_KNOWN_HOSTS_OTHER:
		sshconn_fail(conn, EACCES,
		             "ssh %s: HOST KEY CHANGED (now %s %s, the known key is of another "
		             "type): refusing; replace it only if the change is expected, in %s",
		             ep->where, type, fp != NULL ? fp : "?", kh);
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		sshconn_fail(conn, EACCES,
		             "ssh %s: host key is not known (%s %s): check it, then add it to %s",
		             ep->where, type, fp != NULL ? fp : "?", kh);
		break;
	default:
		sshconn_fail(conn, EACCES, "ssh %s: cannot check the host key against %s: %s",
		             ep->where, kh, ssh_get_error(conn->s));
		break;
	}
	if (fp != NULL)
		ssh_string_free_char(fp);
	if (hash != NULL)
		ssh_clean_pubkey_hash(&hash);
	if (key != NULL)
		ssh_key_free(key);
	return -1;
}

static void sshconn_ready(struct sshconn *conn, long long now)
{
	conn->ev = ssh_event_new();
	if (conn->ev == NULL || ssh_event_add_session(conn->ev, conn->s) != SSH_OK) {
		sshconn_fail(conn, ENOMEM, "ssh %s: cannot poll the session", conn->ep->where);
		return;
	}
	conn->ep->nconnecting--;
	conn->state = CONN_READY;
	conn->idle_since = now;
	conn->seen_in = conn->counter.in_bytes;
	sshep_schedule(conn->pool, conn->ep, now);
}

static void sshconn_auth(struct sshconn *conn, long long now)
{
	struct sshep *ep = conn->ep;
	int rc;

	if (ep->key != NULL) {
		if (ep->privkey == NULL && ssh_pki_import_privkey_file(ep->key, NULL, NULL, NULL,
		                                                       &ep->privkey) != SSH_OK) {
			int errnum = access(ep->key, R_OK) != 0 ? errno : 0;
			ep->privkey = NULL;
			if (errnum != 0)
				sshconn_fail(conn, errnum, "ssh %s: cannot read the key %s: %s",
				             ep->where, ep->key, strerror(errnum));
			else
				sshconn_fail(
				    conn, EACCES,
				    "ssh %s: cannot load the key %s (a key with a passphrase "
				    "must be in the agent)",
				    ep->where, ep->key);
			return;
		}
		rc = ssh_userauth_publickey(conn->s, NULL, ep->privkey);
	} else {
		rc = ssh_userauth_publickey_auto(conn->s, NULL, NULL);
	}
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		sshconn_ready(conn, now);
		break;
	case SSH_AUTH_AGAIN:
		break;
	case SSH_AUTH_DENIED:
	case SSH_AUTH_PARTIAL:
		if (ep->key != NULL)
			sshconn_fail(conn, EACCES,
			             "authentication refused for %s@%s (publickey, key %s)",
			             ep->user, ep->where, ep->key);
		else
			sshconn_fail(conn, EACCES,
			             "authentication refused for %s@%s (publickey: agent and "
			             "~/.ssh/id_*)",
			             ep->user, ep->where);
		break;
	default:
		sshconn_fail(conn, EPROTO, "ssh %s: authentication failed: %s", ep->where,
		             ssh_get_error(conn->s));
		break;
	}
}

static void sshconn_kex(struct sshconn *conn, long long now)
{
	int rc = ssh_connect(conn->s);

	if (rc == SSH_AGAIN)
		return;
	if (rc != SSH_OK) {
		sshconn_fail(conn, ECONNRESET, "ssh %s: %s", conn->ep->where,
		             ssh_get_error(conn->s));
		return;
	}
	if (sshconn_check_host_key(conn) != 0)
		return;
	conn->state = CONN_AUTH;
	sshconn_auth(conn, now);
}

/* The socket of conn is ready (revents): advance whatever stage it is in. */
static void sshconn_io(struct sshconn *conn, short revents, long long now)
{
	int err = 0;
	socklen_t len = sizeof err;

	switch (conn->state) {
	case CONN_TCP:
		if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err == 0 && (revents & (POLLERR | POLLHUP)) && !(revents & POLLOUT))
			err = ECONNREFUSED;
		if (err == 0) {
			sshconn_start_ssh(conn, now);
		} else if (err != EINPROGRESS && err != EALREADY) {
			conn->last_errno = err;
			close(conn->fd);
			conn->fd = -1;
			sshconn_connect_next(conn, now);
		}
		break;
	case CONN_KEX:
		sshconn_kex(conn, now);
		break;
	case CONN_AUTH:
		sshconn_auth(conn, now);
		break;
	case CONN_READY:
		(void)ssh_event_dopoll(conn->ev, 0);
		if (!ssh_is_connected(conn->s)) {
			sshconn_fail(conn, ECONNRESET, "ssh %s: connection lost: %s",
			             conn->ep->where, ssh_get_error(conn->s));
			break;
		}
		sshconn_kick_if_read(conn);
		conn->kick = 0;
		sshconn_killer(conn);
		if (!(ssh_get_status(conn->s) & SSH_WRITE_PENDING)) {
			for (struct sshcmd *sc = conn->chead; sc != NULL; sc = sc->next) {
				if (sc->wants_write)
					sshcmd_kick(sc);
			}
		}
		break;
	case CONN_DEAD:
		break;
	}
}

/* Connect timeouts, idle close, and the end of dead connections. */
static void sshconn_timer(struct sshconn *conn, long long now)
{
	switch (conn->state) {
	case CONN_TCP:
	case CONN_KEX:
	case CONN_AUTH:
		if (conn->state != CONN_TCP && ssh_get_fd(conn->s) < 0)
			sshconn_fail(conn, ECONNRESET, "ssh %s: connection closed during %s: %s",
			             conn->ep->where, sshconn_stage(conn), ssh_get_error(conn->s));
		else if (now >= conn->deadline)
			sshconn_fail(
			    conn, ETIMEDOUT, "ssh %s: connection timed out after %d ms (%s)",
			    conn->ep->where, conn->ep->connect_timeout_ms, sshconn_stage(conn));
		break;
	case CONN_READY:
		if (!ssh_is_connected(conn->s) || ssh_get_fd(conn->s) < 0)
			sshconn_fail(conn, ECONNRESET, "ssh %s: connection lost: %s",
			             conn->ep->where, ssh_get_error(conn->s));
		else if (conn->kick || (conn->kills.len > 0 && conn->killer == NULL)) {
			conn->kick = 0;
			sshconn_killer(conn);
		} else if (conn->nchan == 0 && conn->killer == NULL && conn->idle_since >= 0 &&
		           now >= conn->idle_since + SSH_IDLE_MS && conn->ep->nqueued == 0) {
			conn->doomed = 1;
		}
		break;
	case CONN_DEAD:
		break;
	}
	if (conn->state == CONN_DEAD && conn->nchan == 0)
		conn->doomed = 1;
}

/* --- the killer ----------------------------------------------------------------------------- */

/* Commands on a connection: one channel stays free for the killer. */
static size_t sshconn_cmd_cap(const struct sshconn *conn)
{
	return conn->max_chan > 1 ? (size_t)conn->max_chan - 1 : 1;
}

/* Asks the killer to send sig to the process group of pid (or to pid alone
 * when the remote shell's kill takes no group). */
static void sshconn_queue_kill(struct sshconn *conn, long pid, int sig)
{
	const char *name = sshsig_name(sig);

	if (name == NULL || pid <= 1 || conn->state != CONN_READY)
		return;
	sb_addf(&conn->kills, "kill -%s -- -%ld 2>/dev/null || kill -%s %ld 2>/dev/null; ", name,
	        pid, name, pid);
}

/* (Only once the server confirmed it: see sshcmd_release.) */
static void sshconn_killer_close(struct sshconn *conn)
{
	if (conn->killer_exec > 0 && ssh_is_connected(conn->s)) {
		ssh_channel_close(conn->killer);
		conn->closes++;
	}
	ssh_channel_free(conn->killer);
	conn->killer = NULL;
	free(conn->killer_line);
	conn->killer_line = NULL;
}

/* Runs the queued kills on the spare channel, one killer at a time. A
 * refused channel leaves the signal requests as all there is. */
static void sshconn_killer(struct sshconn *conn)
{
	char buf[512];
	int rc;

	if (conn->state != CONN_READY)
		return;
	if (conn->killer == NULL) {
		if (conn->kills.len == 0)
			return;
		conn->killer = ssh_channel_new(conn->s);
		conn->killer_exec = 0;
		if (conn->killer == NULL) {
			sb_reset(&conn->kills);
			return;
		}
		/* Kills asked for from now on wait for the next killer. */
		sb_adds(&conn->kills, "true");
		conn->killer_line = sb_steal(&conn->kills);
		(void)ssh_channel_open_session(conn->killer);
	}
	if (conn->killer_exec == 0) {
		rc = ssh_channel_open_session(conn->killer);
		if (rc == SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			/* Refused: the signal requests are all there is. */
			ssh_channel_free(conn->killer);
			conn->killer = NULL;
			free(conn->killer_line);
			conn->killer_line = NULL;
			return;
		}
		conn->killer_exec = 1;
	}
	if (conn->killer_exec == 1) {
		rc = ssh_channel_request_exec(conn->killer, conn->killer_line);
		if (rc == SSH_AGAIN)
			return;
		if (rc != SSH_OK) {
			sshconn_killer_close(conn);
			return;
		}
		ssh_channel_send_eof(conn->killer);
		conn->killer_exec = 2;
	}
	for (int is_stderr = 0; is_stderr < 2; is_stderr++) {
		while (ssh_channel_read_nonblocking(conn->killer, buf, sizeof buf, is_stderr) > 0)
			;
	}
	if (ssh_channel_is_closed(conn->killer)) {
		sshconn_killer_close(conn);
		if (conn->kills.len > 0)
			sshconn_killer(conn);
	}
}

/* --- scheduling --------------------------------------------------------------------------- */

/* Gives waiting commands channels on ready connections, and opens more
 * connections while the waiting commands outnumber what is on its way. */
static void sshep_schedule(struct sshpool *pool, struct sshep *ep, long long now)
{
	while (ep->qhead != NULL) {
		struct sshconn *conn = NULL;

		for (struct sshconn *k = pool->chead; k != NULL; k = k->next) {
			if (k->ep == ep && k->state == CONN_READY && !k->doomed &&
			    k->nchan < sshconn_cmd_cap(k)) {
				conn = k;
				break;
			}
		}
		if (conn != NULL) {
			struct sshcmd *sc = ep->qhead;
			sshep_dequeue(ep, sc);
			sshcmd_attach(conn, sc);
			continue;
		}
		if (ep->nqueued >
		        ep->nconnecting * (ep->max_chan > 1 ? (size_t)ep->max_chan - 1 : 1) &&
		    ep->nconns < SSH_CONNS_PER_ENDPOINT &&
		    ep->nconnecting < SSH_CONNECTING_PER_ENDPOINT) {
			sshconn_new(pool, ep, now);
			continue;
		}
		break;
	}
}

/* --- the pool: set-wide polling ------------------------------------------------------------- */

static int sshconn_poll_fd(const struct sshconn *conn, short *events)
{
	int fd, flags;

	switch (conn->state) {
	case CONN_TCP:
		*events = POLLOUT;
		return conn->fd;
	case CONN_KEX:
	case CONN_AUTH:
	case CONN_READY:
		fd = ssh_get_fd(conn->s);
		if (fd < 0)
			return -1;
		flags = ssh_get_poll_flags(conn->s);
		*events = POLLIN;
		if (flags & SSH_WRITE_PENDING)
			*events |= POLLOUT;
		return fd;
	default:
		return -1;
	}
}

static size_t sshpool_npollfds(const struct cmdset *set)
{
	const struct sshpool *pool = set->pool;
	size_t n = 0;
	short ev;

	for (const struct sshconn *k = pool->chead; k != NULL; k = k->next)
		n += sshconn_poll_fd(k, &ev) >= 0;
	return n;
}

static size_t sshpool_fill_pollfds(struct cmdset *set, struct pollfd *fds, size_t max)
{
	struct sshpool *pool = set->pool;
	size_t n = 0;

	for (struct sshconn *k = pool->chead; k != NULL && n < max; k = k->next) {
		short ev = 0;
		int fd = sshconn_poll_fd(k, &ev);
		if (fd < 0)
			continue;
		k->poll_gen = set->fill_gen;
		k->poll_idx = n;
		fds[n].fd = fd;
		fds[n].events = ev;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

static void sshpool_dispatch(struct cmdset *set, const struct pollfd *fds, size_t n, long long now)
{
	struct sshpool *pool = set->pool;
	struct sshconn *k, *next;

	/* Connections opened meanwhile are appended and reached too (no revents). */
	for (k = pool->chead; k != NULL; k = k->next) {
		short rev = 0;
		if (k->poll_gen == set->pool_gen && k->poll_idx < n) {
			short ev;
			int fd = sshconn_poll_fd(k, &ev);
			if (fd >= 0 && fds[k->poll_idx].fd == fd)
				rev = fds[k->poll_idx].revents;
		}
		k->poll_gen = 0;
		if (rev != 0)
			sshconn_io(k, rev, now);
		sshconn_timer(k, now);
	}
	for (k = pool->chead; k != NULL; k = next) {
		next = k->next;
		if (k->doomed)
			sshconn_free(k);
	}
}

static long long sshpool_deadline(const struct cmdset *set)
{
	const struct sshpool *pool = set->pool;
	long long next = -1, d;

	for (const struct sshconn *k = pool->chead; k != NULL; k = k->next) {
		switch (k->state) {
		case CONN_TCP:
		case CONN_KEX:
		case CONN_AUTH:
			d = k->deadline;
			break;
		case CONN_READY:
			d = k->nchan == 0 && k->killer == NULL && k->idle_since >= 0
			        ? k->idle_since + SSH_IDLE_MS
			        : -1;
			if (ssh_get_fd(k->s) < 0 || k->kick ||
			    (k->kills.len > 0 && k->killer == NULL))
				d = 0;
			break;
		default:
			d = k->nchan == 0 ? 0 : -1;
			break;
		}
		if (d >= 0 && (next < 0 || d < next))
			next = d;
	}
	return next;
}

static void sshpool_free(struct cmdset *set)
{
	struct sshpool *pool = set->pool;

	while (pool->chead != NULL)
		sshconn_free(pool->chead);
	while (pool->eps != NULL) {
		struct sshep *ep = pool->eps;
		pool->eps = ep->next;
		sshep_free(ep);
	}
	free(pool);
	set->pool = NULL;
	set->pool_ops = NULL;
	if (--sshpool_live == 0)
		ssh_finalize();
}

static const struct cmd_pool_ops sshpool_ops = {
	.npollfds = sshpool_npollfds,
	.fill_pollfds = sshpool_fill_pollfds,
	.dispatch = sshpool_dispatch,
	.deadline = sshpool_deadline,
	.free = sshpool_free,
};

static struct sshpool *sshpool_get(struct cmdset *set)
{
	struct sshpool *pool;

	if (set->pool != NULL)
		return set->pool;
	if (sshpool_live++ == 0)
		ssh_init();
	pool = xcalloc(1, sizeof *pool);
	pool->set = set;
	set->pool = pool;
	set->pool_ops = &sshpool_ops;
	return pool;
}

/* --- a command's own work ------------------------------------------------------------------ */

/* Hands the held stderr to the core and stops looking for the marker. */
static void sshcmd_flush_errhold(struct sshcmd *sc)
{
	sc->pid_scan_done = 1;
	if (sc->errhold.len > 0 && !sc->c->finished)
		cmd_int_output(sc->c, CMD_STDERR, sc->errhold.buf, sc->errhold.len);
	sb_free(&sc->errhold);
}

/* Stderr until the pid marker (see ssh.h): held, the marker line taken out,
 * the rest passed on. */
static void sshcmd_scan_pid(struct sshcmd *sc, const char *buf, size_t n)
{
	long pid = 0;

	sb_add(&sc->errhold, buf, n);
	switch (ssh_marker_scan(&sc->errhold, &pid)) {
	case SSH_MARKER_WAIT:
		return;
	case SSH_MARKER_FOUND:
		sc->remote_pid = pid;
		if (sc->kill_sig != 0 && sc->conn != NULL)
			sshconn_queue_kill(sc->conn, pid, sc->kill_sig);
		break;
	case SSH_MARKER_NONE:
		break;
	}
	sshcmd_flush_errhold(sc);
}

/* Fills c->res from what the server said and reports the end. */
static void sshcmd_end(struct sshcmd *sc, long long now)
{
	struct cmd *c = sc->c;
	struct sshep *ep = sc->ep;

	if (sc->state == SC_QUEUED)
		sshep_dequeue(ep, sc);
	if (!sc->fail) {
		if (sc->exit_signal[0] != '\0') {
			int sig = sshsig_number(sc->exit_signal);
			c->res.exited = 0;
			c->res.signal = sig;
			c->res.status = sig > 0 ? 128 + sig : 255;
			if (sig == 0)
				snprintf(c->res.errmsg, sizeof c->res.errmsg,
				         "ssh %s: remote command killed by signal %s", ep->where,
				         sc->exit_signal);
		} else if (sc->exit_status >= 0) {
			c->res.exited = 1;
			c->res.signal = 0;
			c->res.status = sc->exit_status;
		} else if (sc->stopping) {
			c->res.exited = 0;
			c->res.status = 255;
		} else {
			c->res.exited = 0;
			c->res.status = 255;
			snprintf(c->res.errmsg, sizeof c->res.errmsg,
			         "ssh %s: the remote command ended without an exit status",
			         ep->where);
		}
	}
	if (!sc->pid_scan_done)
		sshcmd_flush_errhold(sc);
	if (!sc->eof[0])
		cmd_int_eof(c, CMD_STDOUT);
	if (!sc->eof[1])
		cmd_int_eof(c, CMD_STDERR);
	sc->eof[0] = sc->eof[1] = 1;
	sc->state = SC_ENDED;
	sc->kick = 0;
	sshcmd_release(sc, now);
	/* The slot is free (after the close reached the server: see
	 * sshcmd_open_refused); no callback has run yet, so nothing moved. */
	sshep_schedule(c->set->pool, ep, now);
	cmd_int_finish(c);
}

/*
 * The server refused a channel. OpenSSH frees the slot of a closed channel
 * only in the main-loop turn after it read our close, so an open that
 * arrives together with closes is refused although the limit is not
 * reached: if closes went out before this open that the server may not have
 * acted on, retry (the refusal proves it has read them; the retry comes in
 * a later turn). Otherwise its limit (MaxSessions) is the number of
 * channels it holds for us now: keep that for this connection and the
 * endpoint's next ones, and wait for a free slot. Refused with no other
 * channel, the refusal is final.
 */
static void sshcmd_open_refused(struct sshcmd *sc, long long now)
{
	struct sshconn *conn = sc->conn;
	struct sshep *ep = sc->ep;
	struct sshpool *pool = sc->c->set->pool;
	char msg[sizeof sc->c->res.errmsg];
	int open = 0, race = sc->closes_before > sc->settled_before;

	if (!ssh_is_connected(conn->s)) {
		sshconn_fail(conn, ECONNRESET, "ssh %s: connection lost: %s", ep->where,
		             ssh_get_error(conn->s));
		return;
	}
	snprintf(msg, sizeof msg, "ssh %s: the server refused a session channel: %s", ep->where,
	         ssh_get_error(conn->s));
	/* Confirmed and not closed by us yet: the server still counts them.
	 * (libssh may know before the command's own step has run.) */
	for (struct sshcmd *k = conn->chead; k != NULL; k = k->next)
		open += k != sc && k->ch != NULL &&
		        (k->opened || ssh_channel_is_open(k->ch) || ssh_channel_is_eof(k->ch));
	open +=
	    conn->killer != NULL && (conn->killer_exec > 0 || ssh_channel_is_open(conn->killer));
	if (conn->closes_settled < sc->closes_before)
		conn->closes_settled = sc->closes_before;
	sshcmd_release(sc, now);
	if (open == 0 && !race) {
		sc->state = SC_OPENING;
		sshcmd_set_failure(sc, EAGAIN, msg);
		return;
	}
	if (!race && conn->max_chan > open)
		conn->max_chan = open;
	if (!race && ep->max_chan > open)
		ep->max_chan = open;
	sshep_enqueue(ep, sc, 1);
	sshep_schedule(pool, ep, now);
}

/* Feeds stdin within the remote window, in small chunks and only while
 * libssh's output buffer is empty (see the top); EOF after the last one.
 * Returns 1 when it wants to go on in the next round at once. */
static int sshcmd_write_input(struct sshcmd *sc)
{
	struct cmd *c = sc->c;
	ssh_session s = sc->conn->s;

	sc->wants_write = 0;
	if (sc->eof_sent)
		return 0;
	for (int i = 0; i < CMD_READS_PER_DISPATCH && sc->in_off < c->input_len; i++) {
		size_t left = c->input_len - sc->in_off;
		uint32_t win = ssh_channel_window_size(sc->ch);
		int n;

		if (ssh_get_status(s) & SSH_WRITE_PENDING) {
			/* The pool kicks us when POLLOUT has drained it. */
			sc->wants_write = 1;
			return 0;
		}
		if (win == 0)
			return 0; /* a window adjust will come (and kick us) */
		if (left > win)
			left = win;
		if (left > SSH_INPUT_CHUNK)
			left = SSH_INPUT_CHUNK;
		n = ssh_channel_write(sc->ch, c->input + sc->in_off, (uint32_t)left);
		if (n <= 0) {
			/* The channel does not take it any more: drop the rest. */
			sc->in_off = c->input_len;
			break;
		}
		sc->in_off += (size_t)n;
	}
	if (sc->in_off < c->input_len)
		return !sc->wants_write;
	ssh_channel_send_eof(sc->ch);
	sc->eof_sent = 1;
	return 0;
}

/* Reads a bounded amount of one stream into the core; 1 if more may be there. */
static int sshcmd_read(struct sshcmd *sc, int is_stderr, char *buf)
{
	enum cmd_stream st = is_stderr ? CMD_STDERR : CMD_STDOUT;

	for (int i = 0; i < CMD_READS_PER_DISPATCH; i++) {
		int n;

		if (sc->eof[is_stderr] || sc->c->finished || sc->ch == NULL)
			return 0;
		n = ssh_channel_read_nonblocking(sc->ch, buf, CMD_READ_SIZE, is_stderr);
		if (n > 0) {
			if (is_stderr && !sc->pid_scan_done)
				sshcmd_scan_pid(sc, buf, (size_t)n);
			else
				cmd_int_output(sc->c, st, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			return 0;
		if (n == SSH_EOF) {
			if (is_stderr && !sc->pid_scan_done)
				sshcmd_flush_errhold(sc);
			if (sc->c->finished)
				return 0;
			sc->eof[is_stderr] = 1;
			cmd_int_eof(sc->c, st);
			return 0;
		}
		/* SSH_ERROR: the session is gone; the caller notices. */
		return -1;
	}
	return 1;
}

static void sshcmd_send_signal(struct sshcmd *sc, int sig)
{
	const char *name = sshsig_name(sig);

	if (name == NULL || sc->ch == NULL)
		return;
	(void)ssh_channel_request_send_signal(sc->ch, name);
	if (sig == SIGKILL)
		sc->sent_kill = 1;
}

/* Advances the command: channel open, exec, input, output, the end. Runs in
 * the command's own timer, so its callbacks may be called from here. */
static void sshcmd_service(struct sshcmd *sc, long long now)
{
	struct cmd *c = sc->c;
	struct sshconn *conn;
	char *buf;
	int rc, more = 0;

	sc->kick = 0;
	if (sc->fail) {
		sshcmd_end(sc, now);
		return;
	}
	if (sc->state == SC_QUEUED) {
		if (sc->stopping)
			sshcmd_end(sc, now);
		return;
	}
	conn = sc->conn;
	if (sc->state == SC_OPENING) {
		rc = ssh_channel_open_session(sc->ch);
		if (rc == SSH_AGAIN)
			goto out;
		if (rc != SSH_OK) {
			sshcmd_open_refused(sc, now);
			if (sc->stopping && sc->state == SC_QUEUED)
				sshcmd_end(sc, now);
			return;
		}
		sc->opened = 1;
		/* Answered in order: the closes sent before it are done with. */
		if (conn->closes_settled < sc->closes_before)
			conn->closes_settled = sc->closes_before;
		if (sc->stopping) {
			sshcmd_end(sc, now);
			return;
		}
		sc->state = SC_EXEC;
	}
	if (sc->state == SC_EXEC) {
		rc = ssh_channel_request_exec(sc->ch, sc->line);
		if (rc == SSH_AGAIN)
			goto out;
		if (rc != SSH_OK) {
			char msg[sizeof c->res.errmsg];
			if (!ssh_is_connected(conn->s)) {
				sshconn_fail(conn, ECONNRESET, "ssh %s: connection lost: %s",
				             sc->ep->where, ssh_get_error(conn->s));
				return;
			}
			snprintf(msg, sizeof msg,
			         "ssh %s: the server refused to run the command: %s", sc->ep->where,
			         ssh_get_error(conn->s));
			sshcmd_set_failure(sc, EACCES, msg);
			sshcmd_end(sc, now);
			return;
		}
		sc->state = SC_RUNNING;
		if (sc->pending_sig != 0) {
			/* The killer follows when the pid is known. */
			sshcmd_send_signal(sc, sc->pending_sig);
			sc->kill_sig = sc->pending_sig;
		}
	}
	/* SC_RUNNING */
	more = sshcmd_write_input(sc);
	buf = xmalloc(CMD_READ_SIZE);
	for (int is_stderr = 0; is_stderr < 2; is_stderr++) {
		rc = sshcmd_read(sc, is_stderr, buf);
		if (rc < 0 || sc->fail || c->finished)
			break;
		more |= rc;
	}
	free(buf);
	if (c->finished)
		return;
	if (sc->fail) {
		sshcmd_end(sc, now);
		return;
	}
	if (rc < 0 || !ssh_is_connected(conn->s)) {
		sshconn_fail(conn, ECONNRESET, "ssh %s: connection lost: %s", sc->ep->where,
		             ssh_get_error(conn->s));
		sshcmd_end(sc, now);
		return;
	}
	if (sc->eof[0] && sc->eof[1] &&
	    (sc->exit_status >= 0 || sc->exit_signal[0] != '\0' || ssh_channel_is_closed(sc->ch))) {
		sshcmd_end(sc, now);
		return;
	}
	if (more)
		sshcmd_kick(sc);
out:
	sshconn_kick_if_read(conn);
}

/* --- the transport -------------------------------------------------------------------------- */

static int sshcmd_start(struct cmd *c, struct err *e)
{
	const struct host *h = c->host;
	struct sshpool *pool;
	struct sshcmd *sc;

	if (h->ssh_addr == NULL || h->ssh_addr[0] == '\0') {
		err_set(e, "cannot start %s on %s: the ssh host has no address", c->argv.v[0],
		        h->name);
		return -1;
	}
	if (!ssh_text_ok(h->ssh_addr, 1) || (h->ssh_user != NULL && !ssh_text_ok(h->ssh_user, 1)) ||
	    (h->ssh_key != NULL && !ssh_text_ok(h->ssh_key, 0)) ||
	    (h->ssh_known_hosts != NULL && !ssh_text_ok(h->ssh_known_hosts, 0))) {
		err_set(e,
		        "cannot start %s on %s: the ssh address, user, key or known_hosts holds "
		        "control characters, blanks or '@'",
		        c->argv.v[0], h->name);
		return -1;
	}
	if (h->ssh_port > 65535) {
		err_set(e, "cannot start %s on %s: ssh port %u is out of range", c->argv.v[0],
		        h->name, h->ssh_port);
		return -1;
	}
	pool = sshpool_get(c->set);
	sc = xcalloc(1, sizeof *sc);
	sc->c = c;
	sc->ep = sshep_get(pool, h);
	sc->line = ssh_marker_command((const char *const *)c->exec_argv.v);
	sc->exit_status = -1;
	c->priv = sc;
	c->pid = -1;
	sshep_enqueue(sc->ep, sc, 0);
	/* No callback can run here: failures are reported from the timer. */
	sshep_schedule(pool, sc->ep, clock_ms());
	return 0;
}

static size_t sshcmd_npollfds(const struct cmd *c)
{
	(void)c;
	return 0; /* the pool polls the sockets */
}

static size_t sshcmd_fill_pollfds(struct cmd *c, struct pollfd *fds, size_t max)
{
	(void)c;
	(void)fds;
	(void)max;
	return 0;
}

static void sshcmd_dispatch(struct cmd *c, const struct pollfd *fds, size_t n)
{
	(void)c;
	(void)fds;
	(void)n;
}

static long long sshcmd_deadline(const struct cmd *c)
{
	const struct sshcmd *sc = c->priv;

	return sc->kick ? 0 : -1;
}

static void sshcmd_timer(struct cmd *c, long long now)
{
	struct sshcmd *sc = c->priv;

	if (sc->kick)
		sshcmd_service(sc, now);
}

/*
 * SIGTERM and SIGKILL become "signal" requests to the remote command (sshd
 * signals its process group); SIGCONT has no ssh name and is dropped. A
 * command that has not started remotely ends without starting.
 */
static void sshcmd_kill(struct cmd *c, int sig)
{
	struct sshcmd *sc = c->priv;

	switch (sc->state) {
	case SC_QUEUED:
	case SC_OPENING:
		sc->stopping = 1;
		if (sc->state == SC_QUEUED)
			sshcmd_kick(sc);
		if (c->res.timed_out && c->res.errmsg[0] == '\0') {
			const char *why = "connecting";
			if (sc->conn != NULL)
				why = "opening a channel";
			else if (sshep_has_ready(c->set->pool, sc->ep))
				why = "waiting for a free channel";
			snprintf(c->res.errmsg, sizeof c->res.errmsg,
			         "timed out after %d ms before the command started (ssh %s: %s)",
			         c->timeout_ms, sc->ep->where, why);
		}
		break;
	case SC_EXEC:
		if (sig != SIGCONT)
			sc->pending_sig = sig;
		break;
	case SC_RUNNING:
		if (sig == SIGCONT)
			break;
		sshcmd_send_signal(sc, sig);
		sc->kill_sig = sig;
		/* Not once it ended: its pid may be another process's by now. */
		if (sc->remote_pid > 0 && sc->exit_status < 0 && sc->exit_signal[0] == '\0' &&
		    !ssh_channel_is_closed(sc->ch))
			sshconn_queue_kill(sc->conn, sc->remote_pid, sig);
		break;
	case SC_ENDED:
		break;
	}
}

/* The remote command did not end after SIGKILL (or its server is gone):
 * close the channel and report what is known. */
static void sshcmd_abandon(struct cmd *c)
{
	struct sshcmd *sc = c->priv;
	int started = sc->state == SC_RUNNING;

	if (sc->state == SC_ENDED)
		return;
	if (!sc->fail && sc->exit_status < 0 && sc->exit_signal[0] == '\0') {
		sc->stopping = 1;
		if (started && c->res.errmsg[0] == '\0')
			snprintf(c->res.errmsg, sizeof c->res.errmsg,
			         "%sssh %s: the remote command did not end after SIG%s: channel "
			         "closed, the command may still run there",
			         c->res.timed_out ? "timed out; " : "", sc->ep->where,
			         sc->sent_kill ? "KILL" : "TERM");
	}
	sshcmd_end(sc, clock_ms());
}

static void sshcmd_free(struct cmd *c)
{
	struct sshcmd *sc = c->priv;

	if (sc == NULL)
		return;
	if (sc->state == SC_QUEUED)
		sshep_dequeue(sc->ep, sc);
	sshcmd_release(sc, clock_ms());
	sb_free(&sc->errhold);
	free(sc->line);
	free(sc);
	c->priv = NULL;
}

const struct cmd_transport cmd_ssh_transport = {
	.name = "ssh",
	.start = sshcmd_start,
	.npollfds = sshcmd_npollfds,
	.fill_pollfds = sshcmd_fill_pollfds,
	.dispatch = sshcmd_dispatch,
	.deadline = sshcmd_deadline,
	.timer = sshcmd_timer,
	.kill = sshcmd_kill,
	.abandon = sshcmd_abandon,
	.free = sshcmd_free,
};
