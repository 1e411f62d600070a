/*
 * bench_logview.c: the log viewer's document engine on a generated nimadm-shaped log of
 * 10 MiB and 1 GiB: time to the first screen, time to find a string that occurs once
 * near the end, and peak RSS, beside `grep -c -F` (the search) and `less` in an 80x24
 * pseudo-terminal (the first screen) in the same run. Exits 1 when a target is missed:
 * first screen under 100 ms for both sizes, search at most 1.5 times grep's time on
 * 1 GiB, peak RSS under 64 MiB.
 *
 * Every measurement runs in a fresh process (fork + exec of this program, of grep, of
 * less), started by a fresh "meter" process whose RUSAGE_CHILDREN then holds exactly
 * that process's peak RSS. The generated files are in the page cache (just written and
 * synced) for all three programs alike.
 *
 * Usage: bench_logview [--quick]     (--quick: the 10 MiB file only; BENCH_VERBOSE=1 in
 *                                    the environment prints every run)
 *        bench_logview --child first-screen FILE | search FILE NEEDLE   (internal)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define NEEDLE       "BENCH-NEEDLE-4b1d9e"
#define MIB          (1024LL * 1024)
#define SCREEN_ROWS  24
#define SCREEN_COLS  80
#define TARGET_FIRST 100.0 /* ms */
#define TARGET_RATIO 1.5
#define TARGET_RSS   (64 * 1024) /* KiB */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* --- the children: what the viewer does ------------------------------------------- */

struct screen {
	struct strbuf out;
	struct logdoc *d;
	struct logdoc_render r;
};

static int screen_line(void *arg, const struct logdoc_line *l)
{
	struct screen *s = arg;

	logdoc_render(s->d, l->off, 0, SCREEN_COLS - 8, NULL, 0, 0, &s->r);
	sb_addf(&s->out, "%7lld %s\n", l->lineno, s->r.text.buf);
	return 0;
}

/* Opens the file and draws the first screen: 23 lines and a status line. */
static int child_first_screen(const char *path)
{
	double t0 = now_ms();
	struct err e;
	struct screen s;
	struct logdoc_info info;
	struct rusage ru;

	memset(&s, 0, sizeof s);
	s.d = logdoc_open(path, NULL, &e);
	if (s.d == NULL) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	logdoc_fetch(s.d, 0, SCREEN_ROWS - 1, screen_line, &s);
	logdoc_info(s.d, &info);
	sb_addf(&s.out, "%s  %lld bytes  %s\n", path, info.size, info.complete ? "" : "indexing");
	fwrite(s.out.buf, 1, s.out.len, stdout);
	getrusage(RUSAGE_SELF, &ru);
	printf("RESULT inner_ms=%.3f lineno=0 self_rss_kb=%ld\n", now_ms() - t0, ru.ru_maxrss);
	logdoc_render_free(&s.r);
	sb_free(&s.out);
	logdoc_free(&s.d);
	return 0;
}

/* Opens the file, searches from the top in idle-loop steps, draws the line found. */
static int child_search(const char *path, const char *needle)
{
	double t0 = now_ms();
	struct err e;
	struct logdoc *d = logdoc_open(path, NULL, &e);
	struct logdoc_search *s;
	struct logdoc_hit hit;
	struct logdoc_render r;
	enum logdoc_status st;
	struct rusage ru;

	memset(&r, 0, sizeof r);
	if (d == NULL) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	s = logdoc_search_start(d, needle, strlen(needle), 0, 0, &e);
	while ((st = logdoc_search_step(s, 8 * MIB, &hit, &e)) == LOGDOC_MORE)
		;
	if (st != LOGDOC_FOUND) {
		fprintf(stderr, "not found: %s\n", e.msg);
		return 1;
	}
	logdoc_render(d, hit.line_off, 0, SCREEN_COLS - 8, needle, strlen(needle), 0, &r);
	printf("%7lld %s\n", hit.lineno, r.text.buf);
	getrusage(RUSAGE_SELF, &ru);
	printf("RESULT inner_ms=%.3f lineno=%lld self_rss_kb=%ld\n", now_ms() - t0, hit.lineno,
	       ru.ru_maxrss);
	logdoc_search_cancel(&s);
	logdoc_render_free(&r);
	logdoc_free(&d);
	return 0;
}

/* --- generating a nimadm-shaped log ------------------------------------------------- */

static void gen_header(struct strbuf *sb)
{
	static const char *const lines[] = {
		"Initializing the NIM master.",
		"Initializing NIM client aixbench01.",
		"0513-029 The biod Subsystem is already active.",
		"Multiple instances are not supported.",
		"0513-059 The nfsd Subsystem has been started. Subsystem PID is 8520012.",
		"Verifying alt_disk_migration eligibility.",
		"Initializing log: /var/adm/ras/alt_mig/aixbench01_alt_mig.log",
		"Starting Alternate Disk Migration.",
		"",
		"+-----------------------------------------------------------------------------+",
		"Executing nimadm phase 1.",
		"+-----------------------------------------------------------------------------+",
		"Cloning altinst_rootvg on client, Phase 1.",
		"Client alt_disk_install command: alt_disk_copy -M 7.3 -P1 -d \"hdisk1\"",
		"Calling mkszfile to create new /image.data file.",
		"Checking disk sizes.",
		"Creating cloned rootvg volume group and associated logical volumes.",
		"Creating logical volume alt_hd5.",
		"Creating logical volume alt_hd6.",
		"Creating logical volume alt_hd8.",
		"Creating logical volume alt_hd4.",
		"Creating logical volume alt_hd2.",
		"Creating logical volume alt_hd9var.",
		"Creating /alt_inst file system.",
		"Creating /alt_inst/usr file system.",
		"Generating a list of files",
		"for backup and restore into the alternate file system...",
		"",
		"+-----------------------------------------------------------------------------+",
		"Executing nimadm phase 6.",
		"+-----------------------------------------------------------------------------+",
		"Installing and migrating software.",
	};

	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		sb_addf(sb, "%s\n", lines[i]);
}

/* About `size` bytes of phase 6: installp applying filesets, with progress. */
static void gen_body(struct strbuf *sb, size_t size, long *counter)
{
	static const char *const filesets[] = {
		"bos.rte.install",
		"bos.rte",
		"bos.rte.commands",
		"bos.rte.libc",
		"bos.net.tcp.client",
		"bos.net.nfs.client",
		"bos.alt_disk_install.rte",
		"bos.sysmgt.nim.client",
		"devices.common.IBM.ethernet",
		"X11.base.rte",
	};

	while (sb->len < size) {
		long n = ++*counter;
		sb_adds(sb, "installp:  APPLYING software for:\n");
		for (long k = 0; k < 1 + n % 3; k++)
			sb_addf(sb, "        %s 7.3.2.%ld\n",
			        filesets[(n + k) % ARRAY_LEN(filesets)], n % 10);
		sb_adds(sb, "\n. . . . . << Copyright notice for bos >> . . . . . . .\n"
		            " Licensed Materials - Property of IBM\n\n"
		            " Copyright International Business Machines Corp. 1985, 2023.\n"
		            ". . . . . << End of copyright notice for bos >>. . . .\n\n");
		sb_addf(sb, "Restoring files, please wait.\n%ld files restored.\n", 100 + n % 9000);
		sb_addf(sb,
		        "Filesets processed:  %ld of 187  (Total time:  %ld mins %ld secs).\n\n",
		        n % 187 + 1, n / 60 % 240, n % 60);
	}
}

static void gen_tail(struct strbuf *sb)
{
	sb_adds(
	    sb,
	    "\n+-----------------------------------------------------------------------------+\n"
	    "Executing nimadm phase 7.\n"
	    "+-----------------------------------------------------------------------------+\n"
	    "nimadm: There is no user customization script specified for this phase.\n"
	    "alt_disk_install: " NEEDLE " the one line the benchmark searches for.\n");
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes a log of about `size` bytes with the needle in its last 64 KiB. */
static int gen_log(const char *path, long long size)
{
	struct strbuf head = { 0 }, chunk = { 0 }, tail = { 0 };
	long counter = 0;
	long long written = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc = 0;

	if (fd < 0)
		return -1;
	gen_header(&head);
	gen_body(&chunk, 4 * MIB, &counter); /* written again and again: big writes */
	gen_body(&tail, 32 * 1024, &counter);
	gen_tail(&tail);
	gen_body(&tail, 64 * 1024, &counter);
	rc |= write_all(fd, head.buf, head.len);
	written = (long long)head.len;
	while (rc == 0 && written + (long long)chunk.len + (long long)tail.len <= size) {
		rc |= write_all(fd, chunk.buf, chunk.len);
		written += (long long)chunk.len;
	}
	if (rc == 0 && written + (long long)tail.len < size) {
		/* fill up with whole lines of the chunk */
		size_t fill = (size_t)(size - written - (long long)tail.len), cut = fill;
		while (cut > 0 && chunk.buf[cut - 1] != '\n')
			cut--;
		rc |= write_all(fd, chunk.buf, cut);
	}
	rc |= write_all(fd, tail.buf, tail.len);
	/* on disk, so write-back does not run during the measurements */
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	sb_free(&head);
	sb_free(&chunk);
	sb_free(&tail);
	return rc;
}

/* --- measuring ---------------------------------------------------------------------- */

struct meas {
	int ok;
	double outer_ms; /* fork to the end (ours, grep) or to the first screen (less) */
	double inner_ms; /* ours: open to done, inside the process */
	double quit_ms;  /* less: fork to exit after q */
	long rss_kb;     /* the measured process's peak RSS */
	long long lineno;
	char note[160];
};

/* Runs fn in a fresh meter process; its result comes back through a pipe. */
static struct meas measure(void (*fn)(struct meas *m, void *arg), void *arg)
{
	struct meas m;
	int p[2];
	pid_t pid;
	ssize_t n;

	memset(&m, 0, sizeof m);
	if (pipe(p) != 0) {
		snprintf(m.note, sizeof m.note, "pipe: %s", strerror(errno));
		return m;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct rusage ru;
		close(p[0]);
		fn(&m, arg);
		getrusage(RUSAGE_CHILDREN, &ru);
		m.rss_kb = ru.ru_maxrss;
		if (write(p[1], &m, sizeof m) != (ssize_t)sizeof m)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], &m, sizeof m);
	if (n != (ssize_t)sizeof m) {
		memset(&m, 0, sizeof m);
		snprintf(m.note, sizeof m.note, "the meter died");
	}
	close(p[0]);
	waitpid(pid, NULL, 0);
	return m;
}

/* Runs argv with stdout into a pipe; collects at most cap bytes of it. */
static int run_capture(char *const argv[], char *out, size_t cap, double *t_end)
{
	int p[2], st;
	pid_t pid;
	size_t len = 0;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char buf[8192];
		ssize_t n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && len + 1 < cap; i++)
			out[len++] = buf[i];
	}
	out[len] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	*t_end = now_ms();
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

struct ours_arg {
	const char *self, *mode, *path;
};

static void meas_ours(struct meas *m, void *arg)
{
	struct ours_arg *a = arg;
	char *argv[] = {
		(char *)a->self, "--child", (char *)a->mode, (char *)a->path, NEEDLE, NULL
	};
	static char out[64 * 1024];
	double t0 = now_ms(), t1;
	const char *r;
	int rc = run_capture(argv, out, sizeof out, &t1);

	m->outer_ms = t1 - t0;
	r = strstr(out, "RESULT ");
	if (rc != 0 || r == NULL ||
	    sscanf(r, "RESULT inner_ms=%lf lineno=%lld", &m->inner_ms, &m->lineno) != 2) {
		snprintf(m->note, sizeof m->note, "child failed (exit %d)", rc);
		return;
	}
	m->ok = 1;
}

static void meas_grep(struct meas *m, void *arg)
{
	char *argv[] = { "grep", "-c", "-F", NEEDLE, (char *)arg, NULL };
	char out[64];
	double t0 = now_ms(), t1;
	int rc = run_capture(argv, out, sizeof out, &t1);

	m->outer_ms = t1 - t0;
	if (rc != 0 || strcmp(out, "1\n") != 0) {
		snprintf(m->note, sizeof m->note, "grep: exit %d, printed %.40s", rc, out);
		return;
	}
	m->ok = 1;
}

/* less in an 80x24 pseudo-terminal: the time until its prompt (the file's name, shown
 * after the first screen's lines) appears, then q. */
static void meas_less(struct meas *m, void *arg)
{
	const char *path = arg, *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	char *slave_name, seen[8192];
	size_t seen_len = 0;
	double t0, deadline;
	pid_t pid;
	int st, first = 0;

	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave_name = ptsname(master)) == NULL) {
		snprintf(m->note, sizeof m->note, "no pseudo-terminal: %s", strerror(errno));
		return;
	}
	slave_name = xstrdup(slave_name);
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		struct winsize ws = { SCREEN_ROWS, SCREEN_COLS, 0, 0 };
		int s;
		setsid();
		s = open(slave_name, O_RDWR);
		if (s < 0)
			_exit(126);
		ioctl(s, TIOCSWINSZ, &ws);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		close(master);
		setenv("TERM", "xterm", 1);
		setenv("LESSHISTFILE", "-", 1);
		unsetenv("LESS");
		unsetenv("LESSOPEN");
		unsetenv("LESSCLOSE");
		execlp("less", "less", path, (char *)NULL);
		_exit(127);
	}
	free(slave_name);
	deadline = t0 + 20000;
	while (now_ms() < deadline) {
		struct pollfd pfd = { master, POLLIN, 0 };
		char buf[4096];
		ssize_t n;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(master, buf, sizeof buf);
		if (n <= 0)
			break;
		if (!first) {
			/* keep the tail of the output to look for the prompt */
			if (seen_len + (size_t)n >= sizeof seen) {
				size_t keep = sizeof seen / 2;
				memmove(seen, seen + seen_len - keep, keep);
				seen_len = keep;
			}
			memcpy(seen + seen_len, buf, (size_t)n);
			seen_len += (size_t)n;
			seen[seen_len] = '\0';
			if (strstr(seen, name) != NULL) {
				first = 1;
				m->outer_ms = now_ms() - t0;
				if (write(master, "q", 1) != 1)
					break;
			}
		}
	}
	if (!first) {
		kill(pid, SIGKILL);
		snprintf(m->note, sizeof m->note, "less showed no prompt in 20 s");
	}
	/* drain until less is gone, so it never blocks on a full terminal */
	for (;;) {
		struct pollfd pfd = { master, POLLIN, 0 };
		char buf[4096];
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (poll(&pfd, 1, 50) > 0 && read(master, buf, sizeof buf) <= 0) {
			waitpid(pid, &st, 0);
			break;
		}
	}
	m->quit_ms = now_ms() - t0;
	close(master);
	m->ok = first;
}

/* --- the table ------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct series {
	double outer[8], inner[8], quit[8];
	long rss_kb;
	long long lineno;
	int n, failed;
	char note[160];
};

static void series_add(struct series *s, const struct meas *m)
{
	if (getenv("BENCH_VERBOSE") != NULL)
		printf("    run: ok=%d outer %.1f ms inner %.1f ms quit %.1f ms rss %ld KiB %s\n",
		       m->ok, m->outer_ms, m->inner_ms, m->quit_ms, m->rss_kb, m->note);
	if (!m->ok) {
		s->failed = 1;
		snprintf(s->note, sizeof s->note, "%s", m->note);
		return;
	}
	s->outer[s->n] = m->outer_ms;
	s->inner[s->n] = m->inner_ms;
	s->quit[s->n] = m->quit_ms;
	s->n++;
	if (m->rss_kb > s->rss_kb)
		s->rss_kb = m->rss_kb;
	s->lineno = m->lineno;
}

static double median(const double *v, int n)
{
	double c[8];

	if (n == 0)
		return -1;
	memcpy(c, v, (size_t)n * sizeof *c);
	qsort(c, (size_t)n, sizeof *c, cmp_double);
	return c[n / 2];
}

struct result {
	const char *label;
	long long size;
	struct series first, search, grep, less;
};

static void run_size(const char *self, const char *path, struct result *r, int reps)
{
	struct ours_arg first = { self, "first-screen", path };
	struct ours_arg search = { self, "search", path };

	for (int i = 0; i < reps; i++) {
		struct meas m;
		m = measure(meas_grep, (void *)path);
		series_add(&r->grep, &m);
		m = measure(meas_ours, &search);
		series_add(&r->search, &m);
		m = measure(meas_ours, &first);
		series_add(&r->first, &m);
		m = measure(meas_less, (void *)path);
		series_add(&r->less, &m);
	}
}

static void print_row(const char *what, const struct series *s, int inner)
{
	if (s->failed && s->n == 0) {
		printf("  %-34s FAILED: %s\n", what, s->note);
		return;
	}
	printf("  %-34s %9.1f ms", what, median(s->outer, s->n));
	if (inner)
		printf("  (inside: %.1f ms)", median(s->inner, s->n));
	if (s->rss_kb > 0)
		printf("  peak RSS %.1f MiB", (double)s->rss_kb / 1024.0);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], self[4096];
	struct result res[2];
	int nres = 0, quick = argc > 1 && strcmp(argv[1], "--quick") == 0, failed = 0;
	struct statvfs vfs;
	double t0;

	if (argc >= 4 && strcmp(argv[1], "--child") == 0) {
		if (strcmp(argv[2], "first-screen") == 0)
			return child_first_screen(argv[3]);
		if (strcmp(argv[2], "search") == 0 && argc >= 5)
			return child_search(argv[3], argv[4]);
		return 2;
	}
	if (realpath(argv[0], self) == NULL) {
		fprintf(stderr, "bench_logview: cannot find myself (%s)\n", argv[0]);
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/bench_logview.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench_logview: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	memset(res, 0, sizeof res);
	res[0].label = "10 MiB";
	res[0].size = 10 * MIB;
	res[1].label = "1 GiB";
	res[1].size = 1024 * MIB;
	printf("bench_logview: a generated nimadm-shaped log, the needle \"%s\" once near the "
	       "end\n",
	       NEEDLE);
	for (int i = 0; i < 2; i++) {
		char *path;
		if (i == 1 && quick)
			break;
		if (statvfs(dir, &vfs) == 0 &&
		    (long long)vfs.f_bavail * (long long)vfs.f_frsize < res[i].size + 256 * MIB) {
			printf("  SKIPPED %s: only %lld MiB free in %s\n", res[i].label,
			       (long long)vfs.f_bavail * (long long)vfs.f_frsize / MIB, dir);
			continue;
		}
		path = xasprintf("%s/nimadm-%s.log", dir, i == 0 ? "10M" : "1G");
		t0 = now_ms();
		if (gen_log(path, res[i].size) != 0) {
			printf("  cannot write %s: %s\n", path, strerror(errno));
			unlink(path);
			free(path);
			failed = 1;
			continue;
		}
		printf("  generated %s in %.0f ms (written with fsync; in the page cache)\n",
		       res[i].label, now_ms() - t0);
		run_size(self, path, &res[i], i == 0 ? 5 : 3);
		unlink(path);
		free(path);
		nres = i + 1;
	}
	rmdir(dir);

	printf("\nmedians; each run a fresh process, timed from fork (ours: to exit after drawing; "
	       "grep: to exit;\nless: to its prompt in an 80x24 pty, then q). RSS is the measured "
	       "process's peak as getrusage\nreports it, which includes what it shared with its "
	       "small parent between fork and exec.\n");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		if (r->first.n == 0 && r->grep.n == 0)
			continue;
		printf("\n%s (the needle is on line %lld):\n", r->label, r->search.lineno);
		print_row("first screen, ours", &r->first, 1);
		print_row("first screen, less", &r->less, 0);
		if (r->less.n > 0)
			printf("  %-34s %9.1f ms\n", "less opened and quit",
			       median(r->less.quit, r->less.n));
		print_row("search from the top, ours", &r->search, 1);
		print_row("grep -c -F", &r->grep, 0);
	}

	printf("\ntargets:\n");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		double fs = median(r->first.outer, r->first.n);
		int ok = r->first.n > 0 && fs < TARGET_FIRST;
		printf("  %-6s first screen %.1f ms < %.0f ms (less: %.1f ms)     %s\n", r->label,
		       fs, TARGET_FIRST, median(r->less.outer, r->less.n), ok ? "ok" : "MISSED");
		failed |= !ok;
		ok = r->first.n > 0 && r->search.n > 0 && r->first.rss_kb < TARGET_RSS &&
		     r->search.rss_kb < TARGET_RSS;
		printf(
		    "  %-6s peak RSS %.1f MiB (first screen), %.1f MiB (search) < 64 MiB     %s\n",
		    r->label, (double)r->first.rss_kb / 1024.0, (double)r->search.rss_kb / 1024.0,
		    ok ? "ok" : "MISSED");
		failed |= !ok;
		if (r->search.n > 0 && r->grep.n > 0) {
			double ratio =
			    median(r->search.outer, r->search.n) / median(r->grep.outer, r->grep.n);
			if (r->size >= 1024 * MIB) {
				ok = ratio <= TARGET_RATIO;
				printf("  %-6s search / grep = %.2f <= %.1f     %s\n", r->label,
				       ratio, TARGET_RATIO, ok ? "ok" : "MISSED");
				failed |= !ok;
			} else {
				printf("  %-6s search / grep = %.2f (informative: process start-up "
				       "dominates at this size)\n",
				       r->label, ratio);
			}
		}
		if (r->first.failed || r->search.failed || r->grep.failed) {
			printf("  %-6s a measurement failed\n", r->label);
			failed = 1;
		}
	}
	if (nres > 1 && res[0].first.n > 0 && res[1].first.n > 0)
		printf("  first screen 1 GiB / 10 MiB = %.2f (independent of size)\n",
		       median(res[1].first.outer, res[1].first.n) /
		           median(res[0].first.outer, res[0].first.n));
	printf("\nbench_logview: %s\n", failed ? "a target was MISSED" : "all targets met");
	return failed ? 1 : 0;
}
