/*
 * test_engine_nfsprobe.c: the NFS probe against a real user-space NFS
 * server (nfs-ganesha + rpcbind on loopback, started through
 * tests/support/nfsd.sh in its `serve` mode and stopped by closing its
 * pipe): every step passes and the round trip leaves nothing behind; the
 * export list names the export; wrong and read-only exports fail with the
 * reason; explicit ports are used as given; refused ports, a server that
 * never answers and the total timeout end the probe without holding up
 * other probes; with ganesha stopped, then rpcbind too, the failures say
 * "not registered" and "connection refused". Skipped only when the server's
 * binaries are missing (or not root); a server that is installed and does
 * not come up fails the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nfsprobe.h"

/* Bounds for "eventually" on a loaded 2-core machine under ASan. */
#define RUN_MAX_MS      60000
#define SERVER_START_MS (330 * 1000) /* the harness may wait 300 s for its lock */
#define SERVER_REPLY_MS 60000

/* The NFS server, driven through `bash nfsd.sh serve DIR`. */
struct nfsd {
	pid_t pid;
	int cmd;   /* its stdin */
	int reply; /* its stdout */
	char buf[4096];
	size_t len;
	int up;      /* NFSD_READY seen */
	int missing; /* the harness said SKIP: binaries missing or not root */
	char *tmp;   /* our temporary directory */
	char *dir;   /* the server's directory (tmp/nfs) */
	char *export_rw, *pseudo_rw, *export_ro, *pseudo_ro, *export_sq, *pseudo_sq;
	pid_t daemon_pids[2];
};

static struct nfsd server;

static int nfsd_stop(struct nfsd *d);

/* What one probe reported. */
struct rec {
	int done;
	struct nfsprobe_result *r;
	struct nfsprobe *probe;
	int *order; /* optional: a shared counter; done_at = ++*order */
	int done_at;
	struct rec *watch; /* optional: was this one done when we finished? */
	int watch_done_then;
};

static void rec_done(void *arg, struct nfsprobe *probe, const struct nfsprobe_result *r)
{
	struct rec *rec = arg;

	assert_false(rec->done);
	assert_ptr_equal(probe, rec->probe);
	assert_non_null(r->summary);
	rec->done = 1;
	rec->r = nfsprobe_result_dup(r);
	if (rec->order != NULL)
		rec->done_at = ++*rec->order;
	if (rec->watch != NULL)
		rec->watch_done_then = rec->watch->done;
}

static void rec_free(struct rec *rec)
{
	nfsprobe_result_free(&rec->r);
}

/* Runs one probe to its end and keeps its result in rec. */
static void probe_one(const struct nfsprobe_spec *spec, struct rec *rec)
{
	struct nfsprobe_set *set = nfsprobe_set_new();
	struct err e;

	err_clear(&e);
	memset(rec, 0, sizeof *rec);
	rec->probe = nfsprobe_start(set, spec, rec_done, rec, &e);
	if (rec->probe == NULL)
		fail_msg("nfsprobe_start: %s", e.msg);
	assert_false(rec->done); /* never from inside start */
	assert_int_equal(nfsprobe_set_run(set, RUN_MAX_MS), 0);
	assert_true(rec->done);
	assert_int_equal(nfsprobe_set_active(set), 0);
	nfsprobe_set_free(&set);
	assert_null(set);
}

static const struct nfsprobe_step_result *step(const struct rec *rec, enum nfsprobe_step s)
{
	return &rec->r->steps[s];
}

/* Prints the result, so a failing assertion has the whole story beside it. */
static void rec_print(const struct rec *rec)
{
	const struct nfsprobe_result *r = rec->r;

	printf("  %s\n", r->summary);
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		const struct nfsprobe_step_result *sr = &r->steps[s];

		printf("    %-10s %-7s %5lld ms  %s\n", sr->name,
		       nfsprobe_verdict_name(sr->verdict), sr->duration_ms, sr->detail);
		for (size_t i = 0; i < sr->lines.n; i++)
			printf("               %s\n", sr->lines.v[i]);
	}
}

#define assert_contains(hay, needle)                                                        \
	do {                                                                                \
		const char *h_ = (hay), *n_ = (needle);                                     \
		if (h_ == NULL || strstr(h_, n_) == NULL)                                   \
			fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
	} while (0)

static void assert_verdict(const struct rec *rec, enum nfsprobe_step s, enum nfsprobe_verdict v)
{
	const struct nfsprobe_step_result *sr = step(rec, s);

	if (sr->verdict != v)
		fail_msg("step %s: %s (%s), expected %s", sr->name,
		         nfsprobe_verdict_name(sr->verdict), sr->detail, nfsprobe_verdict_name(v));
}

/* --- the server ------------------------------------------------------------------ */

/* The next line from the harness (without its newline), or NULL at EOF or after ms. */
static const char *nfsd_line(struct nfsd *d, int ms)
{
	static char line[4096];
	long long end = clock_ms() + ms;

	for (;;) {
		char *nl = memchr(d->buf, '\n', d->len);
		struct pollfd pfd = { .fd = d->reply, .events = POLLIN };
		long long left;
		ssize_t n;

		if (nl != NULL) {
			size_t l = (size_t)(nl - d->buf);

			memcpy(line, d->buf, l);
			line[l] = '\0';
			memmove(d->buf, nl + 1, d->len - l - 1);
			d->len -= l + 1;
			return line;
		}
		if (d->len == sizeof d->buf)
			d->len = 0; /* an absurd line: drop it */
		left = end - clock_ms();
		if (left <= 0)
			return NULL;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		n = read(d->reply, d->buf + d->len, sizeof d->buf - d->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		d->len += (size_t)n;
	}
}

static char *src_path(const char *rel)
{
	const char *src = getenv("NIMADM_TUI_SRC");

	return xasprintf("%s/%s", src != NULL && *src != '\0' ? src : ".", rel);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static long read_pid(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	long pid = -1;

	free(path);
	if (f != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = -1;
		fclose(f);
	}
	return pid;
}

static int nfsd_start(struct nfsd *d)
{
	const char *tmpdir = getenv("TMPDIR");
	char *script = src_path("tests/support/nfsd.sh");
	int in[2], out[2];
	const char *line;
	char *tmpl;

	memset(d, 0, sizeof *d);
	d->cmd = d->reply = -1;
	tmpl = xasprintf("%s/nfsprobe.XXXXXX", tmpdir != NULL && *tmpdir != '\0' ? tmpdir : "/tmp");
	d->tmp = mkdtemp(tmpl);
	if (d->tmp == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", tmpl, strerror(errno));
		free(tmpl);
		free(script);
		return -1;
	}
	d->dir = xasprintf("%s/nfs", d->tmp);
	if (pipe(in) != 0 || pipe(out) != 0)
		fatal("pipe: %s", strerror(errno));
	d->pid = fork();
	if (d->pid < 0)
		fatal("fork: %s", strerror(errno));
	if (d->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("bash", "bash", script, "serve", d->dir, (char *)NULL);
		_exit(127);
	}
	free(script);
	close(in[0]);
	close(out[1]);
	d->cmd = in[1];
	d->reply = out[0];
	fcntl(d->cmd, F_SETFD, FD_CLOEXEC);
	fcntl(d->reply, F_SETFD, FD_CLOEXEC);

	line = nfsd_line(d, SERVER_START_MS);
	if (line != NULL && strncmp(line, "NFSD_READY ", 11) == 0) {
		char a[1024], b[1024], c[1024], e[1024], f[1024], g[1024];

		if (sscanf(line + 11, "%1023s %1023s %1023s %1023s %1023s %1023s", a, b, c, e, f,
		           g) != 6) {
			fprintf(stderr, "unexpected answer from nfsd.sh: %s\n", line);
			nfsd_stop(d);
			return -1;
		}
		d->export_rw = xstrdup(a);
		d->pseudo_rw = xstrdup(b);
		d->export_ro = xstrdup(c);
		d->pseudo_ro = xstrdup(e);
		d->export_sq = xstrdup(f);
		d->pseudo_sq = xstrdup(g);
		d->daemon_pids[0] = (pid_t)read_pid(d->dir, "ganesha.realpid");
		d->daemon_pids[1] = (pid_t)read_pid(d->dir, "rpcbind.realpid");
		d->up = 1;
		return 0;
	}
	if (line != NULL && strcmp(line, "NFSD_FAILED 2") == 0) {
		d->missing = 1; /* the harness said why on stderr */
		return 0;
	}
	fprintf(stderr, "the NFS test server did not come up: %s\n",
	        line != NULL ? line : "no answer from tests/support/nfsd.sh");
	nfsd_stop(d);
	return -1;
}

/* Sends a command and waits for the reply line that starts with want. */
static void nfsd_command(struct nfsd *d, const char *cmd, const char *want)
{
	char *msg = xasprintf("%s\n", cmd);
	const char *line;

	assert_int_equal(write(d->cmd, msg, strlen(msg)), (ssize_t)strlen(msg));
	free(msg);
	line = nfsd_line(d, SERVER_REPLY_MS);
	assert_non_null(line);
	assert_string_equal(line, want);
}

/* Stops everything: close its stdin, read to EOF, reap; 0 if it stopped clean. */
static int nfsd_stop(struct nfsd *d)
{
	int status = -1, rc = 0;

	if (d->cmd >= 0) {
		close(d->cmd);
		d->cmd = -1;
	}
	if (d->reply >= 0) {
		while (nfsd_line(d, SERVER_REPLY_MS) != NULL)
			;
		close(d->reply);
		d->reply = -1;
	}
	if (d->pid > 0) {
		if (waitpid(d->pid, &status, 0) != d->pid || !WIFEXITED(status) ||
		    (WEXITSTATUS(status) != 0 && !d->missing))
			rc = -1;
		d->pid = 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(d->daemon_pids); i++)
		if (d->daemon_pids[i] > 0 && kill(d->daemon_pids[i], 0) == 0) {
			fprintf(stderr, "NFS server process %ld is still running\n",
			        (long)d->daemon_pids[i]);
			rc = -1;
		}
	if (d->tmp != NULL)
		nftw(d->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(d->tmp);
	free(d->dir);
	free(d->export_rw);
	free(d->pseudo_rw);
	free(d->export_ro);
	free(d->pseudo_ro);
	free(d->export_sq);
	free(d->pseudo_sq);
	memset(d, 0, sizeof *d);
	d->cmd = d->reply = -1;
	return rc;
}

static int group_setup(void **state)
{
	(void)state;
	return nfsd_start(&server);
}

static int group_teardown(void **state)
{
	(void)state;
	return nfsd_stop(&server);
}

static void need_server(void)
{
	if (server.missing)
		skip();
	assert_true(server.up);
}

/* Entries in dir besides . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			printf("  left in %s: %s\n", dir, de->d_name);
			n++;
		}
	closedir(d);
	return n;
}

/* A TCP port on 127.0.0.1 where nothing listens (it was free a moment ago). */
static unsigned closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* A listener that accepts connections (backlog) and never answers: a hung server. */
static int silent_listener(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* --- tests without a server --------------------------------------------------------- */

static void test_nfsprobe_rejects_bad_specs(void **state)
{
	struct nfsprobe_set *set = nfsprobe_set_new();
	struct nfsprobe_spec spec;
	struct err e;

	(void)state;
	memset(&spec, 0, sizeof spec);
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));
	assert_string_equal(e.field, "host");

	spec.host = "127.0.0.1";
	spec.steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP);
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));
	assert_string_equal(e.field, "export_path");
	assert_contains(e.msg, "round trip");

	spec.export_path = "relative/path";
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));
	assert_string_equal(e.field, "export_path");

	spec.export_path = "/x";
	spec.nfs_version = 2;
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));
	assert_string_equal(e.field, "nfs_version");

	spec.nfs_version = 3;
	spec.steps = 1u << NFSPROBE_NSTEPS;
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));
	assert_string_equal(e.field, "steps");

	spec.steps = 0;
	spec.nfs_port = 70000;
	err_clear(&e);
	assert_null(nfsprobe_start(set, &spec, rec_done, NULL, &e));

	assert_int_equal(nfsprobe_set_active(set), 0);
	assert_int_equal(nfsprobe_set_timeout(set), -1);
	assert_int_equal(nfsprobe_set_run(set, 0), 0);
	nfsprobe_set_free(&set);
}

static void test_nfsprobe_vocabulary_names_steps_and_verdicts(void **state)
{
	(void)state;
	assert_string_equal(nfsprobe_step_name(NFSPROBE_PORTMAP), "portmap");
	assert_string_equal(nfsprobe_step_name(NFSPROBE_ROUNDTRIP), "roundtrip");
	assert_string_equal(nfsprobe_verdict_name(NFSPROBE_TIMEOUT), "timeout");
	assert_string_equal(nfsprobe_verdict_name(NFSPROBE_SKIPPED), "skipped");
	assert_contains(nfsprobe_step_what(NFSPROBE_EXPORTS), "exports");
}

static void test_nfsprobe_port_with_nothing_listening_is_refused(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_MOUNT_NULL),
		                      .step_timeout_ms = 30000 };
	struct rec rec;
	char *port;

	(void)state;
	spec.nfs_port = closed_port();
	spec.mount_port = spec.nfs_port;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_FAILED);
	/* Ports given: the portmapper is neither needed nor asked. */
	assert_false(step(&rec, NFSPROBE_PORTMAP)->wanted);
	assert_false(step(&rec, NFSPROBE_PORTMAP)->ran);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_FAILED);
	assert_verdict(&rec, NFSPROBE_MOUNT_NULL, NFSPROBE_FAILED);
	port = xasprintf("127.0.0.1:%u", spec.nfs_port);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, port);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "connection refused");
	assert_contains(step(&rec, NFSPROBE_MOUNT_NULL)->detail, "connection refused");
	assert_contains(rec.r->summary, "failed at nfs_null");
	free(port);
	rec_free(&rec);
}

/* A free TCP port on ::1, or 0 when this machine has no IPv6 loopback. */
static unsigned closed_port6(void)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	unsigned port = 0;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin6_port);
	close(fd);
	return port;
}

static void test_nfsprobe_names_and_ipv6_addresses(void **state)
{
	struct nfsprobe_spec spec = { .host = "localhost",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL),
		                      .step_timeout_ms = 30000 };
	struct rec rec;
	char *want;

	(void)state;
	/* A name is resolved once, at start; the result keeps both. */
	spec.nfs_port = closed_port();
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_string_equal(rec.r->host, "localhost");
	assert_true(strcmp(rec.r->address, "127.0.0.1") == 0 || strcmp(rec.r->address, "::1") == 0);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_FAILED);
	rec_free(&rec);

	spec.host = "::1";
	spec.nfs_port = closed_port6();
	if (spec.nfs_port == 0) {
		printf("  no IPv6 loopback here: IPv6 part not run\n");
		return;
	}
	probe_one(&spec, &rec);
	rec_print(&rec);
	want = xasprintf("[::1]:%u: connection refused", spec.nfs_port);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, want);
	free(want);
	rec_free(&rec);
}

static void test_nfsprobe_silent_server_times_out_the_step(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .export_path = "/export",
		                      .nfs_version = 4,
		                      .step_timeout_ms = 300,
		                      .total_timeout_ms = 60000 };
	struct rec rec;
	unsigned port;
	int fd = silent_listener(&port);

	(void)state;
	spec.nfs_port = port;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_TIMEOUT);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_TIMEOUT);
	assert_true(step(&rec, NFSPROBE_NFS_NULL)->duration_ms >= 300);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "no answer within 300 ms");
	/* The round trip needs a server that answers NULL. */
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_SKIPPED);
	assert_false(step(&rec, NFSPROBE_ROUNDTRIP)->ran);
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "did not answer NULL");
	assert_contains(rec.r->summary, "timeout at nfs_null");
	rec_free(&rec);
	close(fd);
}

static void test_nfsprobe_silent_server_times_out_the_round_trip(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .export_path = "/export",
		                      .step_timeout_ms = 300,
		                      .total_timeout_ms = 60000 };
	struct rec rec;
	unsigned port;
	int fd = silent_listener(&port);

	(void)state;
	/* v4 hangs in the mount's first call, v3 in mountd's MNT. */
	for (int v = 3; v <= 4; v++) {
		spec.nfs_version = v;
		spec.nfs_port = spec.mount_port = port;
		probe_one(&spec, &rec);
		rec_print(&rec);
		assert_int_equal(rec.r->verdict, NFSPROBE_TIMEOUT);
		assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_TIMEOUT);
		assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail,
		                "while mounting 127.0.0.1:/export");
		rec_free(&rec);
	}
	close(fd);
}

static void test_nfsprobe_total_timeout_ends_the_probe(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_MOUNT_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_EXPORTS),
		                      .step_timeout_ms = 60000,
		                      .total_timeout_ms = 200 };
	struct rec rec;
	unsigned port;
	int fd = silent_listener(&port);

	(void)state;
	spec.nfs_port = spec.mount_port = port;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_TIMEOUT);
	assert_true(rec.r->duration_ms >= 200);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_TIMEOUT);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "total timeout");
	assert_verdict(&rec, NFSPROBE_MOUNT_NULL, NFSPROBE_SKIPPED);
	assert_verdict(&rec, NFSPROBE_EXPORTS, NFSPROBE_SKIPPED);
	assert_contains(step(&rec, NFSPROBE_EXPORTS)->detail, "total timeout (200 ms)");
	assert_false(step(&rec, NFSPROBE_MOUNT_NULL)->ran);
	rec_free(&rec);
	close(fd);
}

static void test_nfsprobe_set_free_stops_running_probes(void **state)
{
	struct nfsprobe_set *set = nfsprobe_set_new();
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL),
		                      .step_timeout_ms = 60000 };
	struct rec rec[3];
	struct pollfd fds[8];
	unsigned port;
	int fd = silent_listener(&port);
	size_t n;

	(void)state;
	spec.nfs_port = port;
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < 3; i++) {
		rec[i].probe = nfsprobe_start(set, &spec, rec_done, &rec[i], NULL);
		assert_non_null(rec[i].probe);
	}
	assert_int_equal(nfsprobe_set_active(set), 3);
	/* One fd each (connecting), and a deadline a minute away. */
	assert_int_equal(nfsprobe_set_npollfds(set), 3);
	n = nfsprobe_set_fill_pollfds(set, fds, ARRAY_LEN(fds));
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(fds[i].fd >= 0 && (fds[i].events & (POLLIN | POLLOUT)) != 0);
	assert_true(nfsprobe_set_timeout(set) > 1000);
	assert_int_equal(nfsprobe_set_fill_pollfds(set, fds, 1), 1);
	/* And round trips caught while libnfs connects for the mount. */
	spec.steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP);
	spec.export_path = "/export";
	spec.mount_port = port;
	for (int v = 3; v <= 4; v++) {
		spec.nfs_version = v;
		assert_non_null(nfsprobe_start(set, &spec, rec_done, &rec[v - 3], NULL));
	}
	assert_int_equal(nfsprobe_set_active(set), 5);
	nfsprobe_set_free(&set);
	for (int i = 0; i < 3; i++)
		assert_false(rec[i].done);
	close(fd);
}

/* --- tests against ganesha ----------------------------------------------------------- */

static void test_nfsprobe_all_steps_pass_against_ganesha(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1" };
	struct rec rec;
	char *line;

	(void)state;
	need_server();
	spec.export_path = server.export_rw;
	spec.step_timeout_ms = 30000;
	spec.total_timeout_ms = 60000;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_OK);
	assert_true(rec.r->portmap_answered);
	for (int s = 0; s < NFSPROBE_NSTEPS; s++) {
		assert_true(step(&rec, s)->wanted);
		assert_true(step(&rec, s)->ran);
		assert_verdict(&rec, s, NFSPROBE_OK);
	}
	assert_int_equal(rec.r->nfs_port, 2049);
	assert_int_equal(rec.r->mount_port, 20048);
	assert_string_equal(rec.r->host, "127.0.0.1");
	assert_string_equal(rec.r->address, "127.0.0.1");
	assert_contains(step(&rec, NFSPROBE_PORTMAP)->detail, "nfs v3 on TCP port 2049");
	assert_contains(step(&rec, NFSPROBE_PORTMAP)->detail, "mountd v3 on TCP port 20048");
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "wrote, read back and removed");
	assert_contains(rec.r->summary, "ok: portmap, nfs_null, mount_null, exports, roundtrip");

	/* The export list names the export, for everyone, as showmount would. */
	line = xasprintf("%s (everyone)", server.export_rw);
	assert_true(step(&rec, NFSPROBE_EXPORTS)->lines.n >= 1);
	{
		int found = 0;

		for (size_t i = 0; i < step(&rec, NFSPROBE_EXPORTS)->lines.n; i++)
			if (strcmp(step(&rec, NFSPROBE_EXPORTS)->lines.v[i], line) == 0)
				found = 1;
		assert_true(found);
		found = 0;
		for (size_t i = 0; i < rec.r->nexports; i++)
			if (strcmp(rec.r->exports[i].dir, server.export_rw) == 0 &&
			    rec.r->exports[i].groups.n == 0)
				found = 1;
		assert_true(found);
	}
	free(line);
	/* Nothing left behind by the round trip. */
	assert_int_equal(dir_entries(server.export_rw), 0);
	rec_free(&rec);
}

static void test_nfsprobe_v4_round_trip_uses_the_pseudo_path(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .nfs_version = 4,
		                      .nfs_port = 2049,
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;

	(void)state;
	need_server();
	spec.export_path = server.pseudo_rw;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_OK);
	/* v4 with its port given needs no portmapper and no mountd. */
	assert_false(step(&rec, NFSPROBE_PORTMAP)->ran);
	assert_false(step(&rec, NFSPROBE_MOUNT_NULL)->ran);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_OK);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "NFS v4 NULL answered");
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_OK);
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "over NFSv4");
	assert_int_equal(dir_entries(server.export_rw), 0);
	rec_free(&rec);
}

static void test_nfsprobe_wrong_export_fails_the_round_trip(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .export_path = "/no/such/export",
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;

	(void)state;
	need_server();
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_FAILED);
	assert_verdict(&rec, NFSPROBE_EXPORTS, NFSPROBE_OK);
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "mount 127.0.0.1:/no/such/export");
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail,
	                "/no/such/export is not among the exports of 127.0.0.1");
	assert_contains(rec.r->summary, "failed at roundtrip");
	rec_free(&rec);

	/* v4: the pseudo-fs has no such path. */
	spec.nfs_version = 4;
	spec.steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP);
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "NFS4ERR_NOENT");
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "no such export");
	rec_free(&rec);
}

static void test_nfsprobe_read_only_export_fails_at_create(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;
	const char *d;

	(void)state;
	need_server();
	for (int v = 3; v <= 4; v++) {
		spec.nfs_version = v;
		spec.export_path = v == 3 ? server.export_ro : server.pseudo_ro;
		probe_one(&spec, &rec);
		rec_print(&rec);
		assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED);
		d = step(&rec, NFSPROBE_ROUNDTRIP)->detail;
		assert_contains(d, "create /.nimadm-tui-probe.");
		if (strstr(d, "read-only") == NULL && strstr(d, "permission denied") == NULL)
			fail_msg("no reason an administrator can act on: %s", d);
		assert_int_equal(dir_entries(server.export_ro), 0);
		rec_free(&rec);
	}
}

static void test_nfsprobe_root_squash_fails_with_the_fix(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;

	(void)state;
	need_server();
	if (geteuid() != 0)
		skip(); /* squashing root needs root to squash */
	/* The most common reason nimadm cannot write the client's /alt_inst. */
	for (int v = 3; v <= 4; v++) {
		spec.nfs_version = v;
		spec.export_path = v == 3 ? server.export_sq : server.pseudo_sq;
		probe_one(&spec, &rec);
		rec_print(&rec);
		assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED);
		assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail,
		                "create /.nimadm-tui-probe.");
		assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail,
		                "nimadm needs root access to the export");
		assert_int_equal(dir_entries(server.export_sq), 0);
		rec_free(&rec);
	}
}

static void test_nfsprobe_explicit_ports_are_used_as_given(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_MOUNT_NULL) |
		                               NFSPROBE_WANT(NFSPROBE_EXPORTS) |
		                               NFSPROBE_WANT(NFSPROBE_ROUNDTRIP),
		                      .nfs_port = 2049,
		                      .mount_port = 20048,
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;
	unsigned closed = closed_port();

	(void)state;
	need_server();
	spec.export_path = server.export_rw;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_OK);
	assert_false(step(&rec, NFSPROBE_PORTMAP)->ran);
	assert_int_equal(rec.r->mount_port, 20048);
	rec_free(&rec);

	/* A wrong mountd port is really used (no quiet portmapper fallback),
	 * by the probe's own calls and by libnfs's mount. */
	spec.mount_port = closed;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_OK);
	assert_verdict(&rec, NFSPROBE_MOUNT_NULL, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_MOUNT_NULL)->detail, "connection refused");
	assert_verdict(&rec, NFSPROBE_EXPORTS, NFSPROBE_SKIPPED);
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_SKIPPED);
	rec_free(&rec);

	spec.steps = NFSPROBE_WANT(NFSPROBE_ROUNDTRIP);
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_ROUNDTRIP)->detail, "mount 127.0.0.1:");
	assert_int_equal(dir_entries(server.export_rw), 0);
	rec_free(&rec);
}

static void test_nfsprobe_many_probes_share_one_loop(void **state)
{
	enum { N = 12 };
	struct nfsprobe_set *set = nfsprobe_set_new();
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec[N];
	struct pollfd fds[N];
	long long end = clock_ms() + RUN_MAX_MS;
	int order = 0;

	(void)state;
	need_server();
	spec.export_path = server.export_rw;
	memset(rec, 0, sizeof rec);
	for (int i = 0; i < N; i++) {
		rec[i].order = &order;
		rec[i].probe = nfsprobe_start(set, &spec, rec_done, &rec[i], NULL);
		assert_non_null(rec[i].probe);
	}
	/* The caller's own loop, as the TUI runs it. */
	while (nfsprobe_set_active(set) > 0 && clock_ms() < end) {
		size_t want = nfsprobe_set_npollfds(set), n;

		assert_true(want <= N);
		n = nfsprobe_set_fill_pollfds(set, fds, N);
		assert_int_equal(n, want);
		assert_true(poll(fds, (nfds_t)n, nfsprobe_set_timeout(set)) >= 0);
		nfsprobe_set_dispatch(set, fds, n);
	}
	assert_int_equal(nfsprobe_set_active(set), 0);
	for (int i = 0; i < N; i++) {
		assert_true(rec[i].done);
		if (rec[i].r->verdict != NFSPROBE_OK)
			rec_print(&rec[i]);
		assert_int_equal(rec[i].r->verdict, NFSPROBE_OK);
		rec_free(&rec[i]);
	}
	assert_int_equal(order, N);
	assert_int_equal(dir_entries(server.export_rw), 0);
	nfsprobe_set_free(&set);
}

static void test_nfsprobe_hung_server_does_not_hold_up_others(void **state)
{
	struct nfsprobe_set *set = nfsprobe_set_new();
	struct nfsprobe_spec hung = { .host = "127.0.0.1",
		                      .steps = NFSPROBE_WANT(NFSPROBE_NFS_NULL),
		                      .step_timeout_ms = 600000,
		                      .total_timeout_ms = 600000 };
	struct nfsprobe_spec good = { .host = "127.0.0.1",
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rh, rg;
	long long end = clock_ms() + RUN_MAX_MS;
	unsigned port;
	int fd = silent_listener(&port);

	(void)state;
	need_server();
	hung.nfs_port = port;
	good.export_path = server.export_rw;
	memset(&rh, 0, sizeof rh);
	memset(&rg, 0, sizeof rg);
	rg.watch = &rh;
	/* The hung one first, so it is ahead in every dispatch. */
	rh.probe = nfsprobe_start(set, &hung, rec_done, &rh, NULL);
	rg.probe = nfsprobe_start(set, &good, rec_done, &rg, NULL);
	assert_non_null(rh.probe);
	assert_non_null(rg.probe);
	/* The loop ends when the good one is done (a minute is only a bound). */
	while (!rg.done && clock_ms() < end) {
		struct pollfd fds[4];
		size_t n = nfsprobe_set_fill_pollfds(set, fds, ARRAY_LEN(fds));

		assert_true(poll(fds, (nfds_t)n, nfsprobe_set_timeout(set)) >= 0);
		nfsprobe_set_dispatch(set, fds, n);
	}
	assert_true(rg.done);
	rec_print(&rg);
	assert_int_equal(rg.r->verdict, NFSPROBE_OK);
	/* The good one finished while the hung one still waited for its answer. */
	assert_false(rg.watch_done_then);
	assert_false(rh.done);
	assert_int_equal(nfsprobe_set_active(set), 1);
	/* Freeing the set stops it, without a callback. */
	nfsprobe_set_free(&set);
	assert_false(rh.done);
	rec_free(&rg);
	close(fd);
}

static void test_nfsprobe_stopped_nfs_server_is_not_registered(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;

	(void)state;
	need_server();
	nfsd_command(&server, "stop-nfs", "NFSD_NFS_STOPPED");
	spec.export_path = server.export_rw;
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_FAILED);
	assert_verdict(&rec, NFSPROBE_PORTMAP, NFSPROBE_FAILED);
	/* Failed, yet it answered: only the programs are missing. */
	assert_true(rec.r->portmap_answered);
	assert_contains(
	    step(&rec, NFSPROBE_PORTMAP)->detail,
	    "nfs v3 (program 100003) and mountd v3 (program 100005) are not registered");
	assert_contains(step(&rec, NFSPROBE_PORTMAP)->detail, "portmapper on 127.0.0.1");
	/* NFS NULL still tries the usual port, and says so. */
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "127.0.0.1:2049");
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "connection refused");
	assert_verdict(&rec, NFSPROBE_MOUNT_NULL, NFSPROBE_SKIPPED);
	assert_contains(step(&rec, NFSPROBE_MOUNT_NULL)->detail, "mountd's port is unknown");
	assert_verdict(&rec, NFSPROBE_EXPORTS, NFSPROBE_SKIPPED);
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_SKIPPED);
	assert_contains(rec.r->summary, "NFS 127.0.0.1: failed at portmap: nfs v3");
	rec_free(&rec);
}

static void test_nfsprobe_stopped_portmapper_is_refused(void **state)
{
	struct nfsprobe_spec spec = { .host = "127.0.0.1",
		                      .step_timeout_ms = 30000,
		                      .total_timeout_ms = 60000 };
	struct rec rec;
	pid_t pids[2];

	(void)state;
	need_server();
	memcpy(pids, server.daemon_pids, sizeof pids);
	/* Stop everything, check that the daemons are gone, then probe. */
	assert_int_equal(nfsd_stop(&server), 0);
	for (size_t i = 0; i < ARRAY_LEN(pids); i++)
		assert_true(pids[i] > 0 && kill(pids[i], 0) != 0);
	spec.export_path = "/whatever";
	probe_one(&spec, &rec);
	rec_print(&rec);
	assert_int_equal(rec.r->verdict, NFSPROBE_FAILED);
	assert_verdict(&rec, NFSPROBE_PORTMAP, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_PORTMAP)->detail,
	                "portmapper 127.0.0.1:111: connection refused");
	assert_false(rec.r->portmap_answered);
	assert_verdict(&rec, NFSPROBE_NFS_NULL, NFSPROBE_FAILED);
	assert_contains(step(&rec, NFSPROBE_NFS_NULL)->detail, "connection refused");
	assert_verdict(&rec, NFSPROBE_ROUNDTRIP, NFSPROBE_SKIPPED);
	rec_free(&rec);
}

int main(void)
{
	const struct CMUnitTest offline[] = {
		cmocka_unit_test(test_nfsprobe_rejects_bad_specs),
		cmocka_unit_test(test_nfsprobe_vocabulary_names_steps_and_verdicts),
		cmocka_unit_test(test_nfsprobe_port_with_nothing_listening_is_refused),
		cmocka_unit_test(test_nfsprobe_names_and_ipv6_addresses),
		cmocka_unit_test(test_nfsprobe_silent_server_times_out_the_step),
		cmocka_unit_test(test_nfsprobe_silent_server_times_out_the_round_trip),
		cmocka_unit_test(test_nfsprobe_total_timeout_ends_the_probe),
		cmocka_unit_test(test_nfsprobe_set_free_stops_running_probes),
	};
	/* In this order: the last two stop the server. */
	const struct CMUnitTest ganesha[] = {
		cmocka_unit_test(test_nfsprobe_all_steps_pass_against_ganesha),
		cmocka_unit_test(test_nfsprobe_v4_round_trip_uses_the_pseudo_path),
		cmocka_unit_test(test_nfsprobe_wrong_export_fails_the_round_trip),
		cmocka_unit_test(test_nfsprobe_read_only_export_fails_at_create),
		cmocka_unit_test(test_nfsprobe_root_squash_fails_with_the_fix),
		cmocka_unit_test(test_nfsprobe_explicit_ports_are_used_as_given),
		cmocka_unit_test(test_nfsprobe_many_probes_share_one_loop),
		cmocka_unit_test(test_nfsprobe_hung_server_does_not_hold_up_others),
		cmocka_unit_test(test_nfsprobe_stopped_nfs_server_is_not_registered),
		cmocka_unit_test(test_nfsprobe_stopped_portmapper_is_refused),
	};
	int failed = 0;

	/* A test that dies must not leave the harness blocked on a full pipe. */
	signal(SIGPIPE, SIG_IGN);
	failed += cmocka_run_group_tests_name("nfsprobe_offline", offline, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("nfsprobe_ganesha", ganesha, group_setup, group_teardown);
	return failed != 0;
}
