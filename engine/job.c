/* job.c: the job journal: submitting, reading, listing and steering jobs. */
#include "job_int.h"
#include "params.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a job directory without a state file counts as starting, not lost. */
#define JOB_STARTING_GRACE_S 30
/* How long job_submit waits for the supervisor's first word. */
#define JOB_REPORT_TIMEOUT_MS 15000

static const struct {
	const char *name;
	int final;
} job_statuses[] = {
#define X(e, n, f) { n, f },
	JOB_STATUSES(X)
#undef X
};

const char *job_status_name(enum job_status s)
{
	return (size_t)s < ARRAY_LEN(job_statuses) ? job_statuses[s].name : "unknown";
}

int job_status_from_name(const char *name, enum job_status *out)
{
	for (size_t i = 0; i < ARRAY_LEN(job_statuses); i++) {
		if (strcmp(job_statuses[i].name, name) == 0) {
			*out = (enum job_status)i;
			return 0;
		}
	}
	return -1;
}

int job_status_is_final(enum job_status s)
{
	return (size_t)s < ARRAY_LEN(job_statuses) && job_statuses[s].final;
}

long long job_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int job_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL || id[0] == '\0' || id[0] == '.' || id[0] == '-')
		return 0;
	for (; id[n] != '\0'; n++) {
		char c = id[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return n < JOB_ID_MAX;
}

char *job_dir(const struct site *site, const char *id)
{
	return xasprintf("%s/jobs/%s", site->state_dir, id);
}

char *job_output_path(const struct site *site, const char *id)
{
	return xasprintf("%s/jobs/%s/output.log", site->state_dir, id);
}

int job_write_file(const char *path, const char *data, size_t len, struct err *e)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd < 0) {
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err_set(e, "cannot write %s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err_set(e, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int job_lock_try(const char *path)
{
	struct flock fl;
	int fd = open(path, O_RDWR | O_CREAT, 0644);

	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

pid_t job_lock_owner(const char *path)
{
	struct flock fl;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return -1;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) != 0) {
		close(fd);
		return 0;
	}
	close(fd);
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}

/* --- state file: key=value lines ------------------------------------------ */

int job_state_write(const char *dir, const struct job_info *ji, struct err *e)
{
	struct strbuf sb = { 0 };
	char *path = xasprintf("%s/state", dir);
	int rc;

	sb_addf(&sb, "status=%s\n", job_status_name(ji->status));
	sb_addf(&sb, "pid=%ld\n", (long)ji->pid);
	sb_addf(&sb, "phase=%d\n", ji->phase);
	sb_addf(&sb, "exit_code=%d\n", ji->exit_code);
	sb_addf(&sb, "started=%lld\n", ji->started);
	sb_addf(&sb, "ended=%lld\n", ji->ended);
	sb_addf(&sb, "updated=%lld\n", (long long)time(NULL));
	sb_addf(&sb, "last_output=%lld\n", ji->last_output);
	sb_addf(&sb, "paused_after=%d\n", ji->paused_after);
	if (ji->pause_requested)
		sb_addf(&sb, "pause_requested=1\n");
	sb_addf(&sb, "filesets_done=%d\n", ji->filesets_done);
	sb_addf(&sb, "filesets_total=%d\n", ji->filesets_total);
	for (int p = 1; p <= JOB_PHASES; p++) {
		if (ji->phase_start[p] != 0)
			sb_addf(&sb, "phase%d_start=%lld\n", p, ji->phase_start[p]);
		if (ji->phase_end[p] != 0)
			sb_addf(&sb, "phase%d_end=%lld\n", p, ji->phase_end[p]);
	}
	if (ji->message != NULL)
		sb_addf(&sb, "message=%s\n", ji->message);
	if (ji->error != NULL)
		sb_addf(&sb, "error=%s\n", ji->error);
	rc = job_write_file(path, sb.buf, sb.len, e);
	sb_free(&sb);
	free(path);
	return rc;
}

static long long ll_or(const char *v, long long dflt)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 10);
	return (errno != 0 || end == v || *end != '\0') ? dflt : x;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v != '\0' ? xstrdup(v) : NULL;
}

static void state_key(struct job_info *ji, const char *k, const char *v)
{
	int p;
	char tail[16];

	if (strcmp(k, "status") == 0) {
		enum job_status st;
		if (job_status_from_name(v, &st) == 0)
			ji->status = st;
	} else if (strcmp(k, "pid") == 0) {
		ji->pid = (pid_t)ll_or(v, 0);
	} else if (strcmp(k, "phase") == 0) {
		ji->phase = (int)ll_or(v, 0);
	} else if (strcmp(k, "exit_code") == 0) {
		ji->exit_code = (int)ll_or(v, -1);
	} else if (strcmp(k, "started") == 0) {
		ji->started = ll_or(v, 0);
	} else if (strcmp(k, "ended") == 0) {
		ji->ended = ll_or(v, 0);
	} else if (strcmp(k, "updated") == 0) {
		ji->updated = ll_or(v, 0);
	} else if (strcmp(k, "last_output") == 0) {
		ji->last_output = ll_or(v, 0);
	} else if (strcmp(k, "paused_after") == 0) {
		ji->paused_after = (int)ll_or(v, 0);
	} else if (strcmp(k, "pause_requested") == 0) {
		ji->pause_requested = ll_or(v, 0) != 0;
	} else if (strcmp(k, "filesets_done") == 0) {
		ji->filesets_done = (int)ll_or(v, 0);
	} else if (strcmp(k, "filesets_total") == 0) {
		ji->filesets_total = (int)ll_or(v, 0);
	} else if (strcmp(k, "message") == 0) {
		set_str(&ji->message, v);
	} else if (strcmp(k, "error") == 0) {
		set_str(&ji->error, v);
	} else if (sscanf(k, "phase%d_%15s", &p, tail) == 2 && p >= 1 && p <= JOB_PHASES) {
		if (strcmp(tail, "start") == 0)
			ji->phase_start[p] = ll_or(v, 0);
		else if (strcmp(tail, "end") == 0)
			ji->phase_end[p] = ll_or(v, 0);
	}
}

int job_state_read(const char *dir, struct job_info *ji, struct err *e)
{
	char *path = xasprintf("%s/state", dir);
	FILE *f = fopen(path, "r");
	char line[4096];

	if (f == NULL) {
		err_set(e, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		str_trim(eq + 1);
		state_key(ji, line, eq + 1);
	}
	fclose(f);
	free(path);
	return 0;
}

/* --- job.ini --------------------------------------------------------------- */

/* Reads a whole small file; NULL with e filled on error. */
static char *read_small_file(const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	if (f == NULL) {
		err_set(e, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		sb_add(&sb, buf, n);
		if (sb.len > 4 * 1024 * 1024) {
			err_set(e, "%s: too large for a job journal", path);
			fclose(f);
			sb_free(&sb);
			return NULL;
		}
	}
	fclose(f);
	return sb_steal(&sb);
}

/*
 * Reads job.ini: [job] keys, [argv] values in order, and the [params]
 * section kept verbatim (params_load_ini_string reads it). Lines have no
 * length limit, unlike inih's, because a path may be 1023 bytes long.
 */
static int job_ini_read(const char *dir, struct job_info *ji, struct strv *argv_out, struct err *e)
{
	char *path = xasprintf("%s/job.ini", dir);
	char *text = read_small_file(path, e), *line, *next;
	struct strbuf params = { 0 };
	struct strv argv = { 0 };
	enum { S_NONE, S_JOB, S_ARGV, S_PARAMS } sec = S_NONE;

	free(path);
	if (text == NULL)
		return -1;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		char *eq, *key, *val;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sec == S_PARAMS && line[0] != '[') {
			sb_adds(&params, line);
			sb_addc(&params, '\n');
			continue;
		}
		str_trim(line);
		if (line[0] == '#' || line[0] == ';' || line[0] == '\0')
			continue;
		if (line[0] == '[') {
			sec = strcmp(line, "[job]") == 0      ? S_JOB
			      : strcmp(line, "[argv]") == 0   ? S_ARGV
			      : strcmp(line, "[params]") == 0 ? S_PARAMS
			                                      : S_NONE;
			if (sec == S_PARAMS)
				sb_adds(&params, "[params]\n");
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		key = str_trim(line);
		val = str_trim(eq + 1);
		if (sec == S_ARGV) {
			strv_push(&argv, val);
		} else if (sec == S_JOB) {
			if (strcmp(key, "mode") == 0)
				set_str(&ji->mode, val);
			else if (strcmp(key, "client") == 0)
				set_str(&ji->client, val);
			else if (strcmp(key, "created") == 0)
				ji->created = ll_or(val, 0);
			else if (strcmp(key, "step") == 0)
				ji->step = (int)ll_or(val, 0);
			else if (strcmp(key, "from_phase") == 0)
				ji->from_phase = (int)ll_or(val, 0);
			else if (strcmp(key, "to_phase") == 0)
				ji->to_phase = (int)ll_or(val, 0);
		}
	}
	free(text);
	if (argv.n == 0) {
		err_set(e, "%s/job.ini: no command recorded", dir);
		strv_free(&argv);
		sb_free(&params);
		return -1;
	}
	free(ji->command);
	ji->command = params_argv_to_line(strv_argv(&argv));
	free(ji->params_ini);
	ji->params_ini = params.len > 0 ? sb_steal(&params) : NULL;
	sb_free(&params);
	if (argv_out != NULL)
		*argv_out = argv;
	else
		strv_free(&argv);
	return 0;
}

int job_journal_read(const struct site *site, const char *id, struct job_info *ji,
                     struct strv *argv, struct err *e)
{
	char *dir = job_dir(site, id);
	int rc = job_ini_read(dir, ji, argv, e);

	free(dir);
	return rc;
}

/* INI values cannot hold newlines and lose surrounding blanks: refuse such text. */
static int ini_safe(const char *what, const char *v, struct err *e)
{
	size_t n = strlen(v);

	for (const char *p = v; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			err_set(e, "%s: contains a control character", what);
			return -1;
		}
	}
	if (n > 0 && (v[0] == ' ' || v[n - 1] == ' ')) {
		err_set(e, "%s: starts or ends with a blank", what);
		return -1;
	}
	return 0;
}

static char *job_ini_text(const struct job_request *rq, long long created, struct err *e)
{
	struct strbuf sb = { 0 };
	char *line;

	if (ini_safe("mode", rq->mode, e) != 0 || ini_safe("client", rq->client, e) != 0)
		return NULL;
	for (size_t i = 0; rq->argv[i] != NULL; i++)
		if (ini_safe("command", rq->argv[i], e) != 0)
			return NULL;
	line = params_argv_to_line(rq->argv);
	sb_adds(&sb, "# nimadm-tui job journal: written once when the job is submitted\n");
	sb_addf(&sb, "# %s\n", line);
	sb_addf(&sb, "[job]\nmode = %s\nclient = %s\ncreated = %lld\n", rq->mode, rq->client,
	        created);
	sb_addf(&sb, "step = %d\nfrom_phase = %d\nto_phase = %d\n", rq->step ? 1 : 0,
	        rq->from_phase, rq->to_phase);
	free(line);
	sb_adds(&sb, "\n[argv]\n");
	for (size_t i = 0; rq->argv[i] != NULL; i++)
		sb_addf(&sb, "%02zu = %s\n", i, rq->argv[i]);
	if (rq->params_ini != NULL) {
		/* As params_ini_write makes it, its [params] header included. */
		sb_addc(&sb, '\n');
		if (rq->params_ini[0] != '[')
			sb_adds(&sb, "[params]\n");
		sb_adds(&sb, rq->params_ini);
		if (sb.len > 0 && sb.buf[sb.len - 1] != '\n')
			sb_addc(&sb, '\n');
	}
	return sb_steal(&sb);
}

/* --- submitting ------------------------------------------------------------ */

/* Creates jobs/<id> with a fresh id: YYYYmmdd-HHMMSS-client[-N]. */
static char *job_mkdir(const struct site *site, const char *client, char id[JOB_ID_MAX],
                       struct err *e)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];
	char *jobs = xasprintf("%s/jobs", site->state_dir);

	if (site_mkdirs(jobs, 0, e) != 0) {
		free(jobs);
		return NULL;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int n = 1; n < 1000; n++) {
		char *dir;
		if (n == 1)
			snprintf(id, JOB_ID_MAX, "%s-%s", stamp, client);
		else
			snprintf(id, JOB_ID_MAX, "%s-%s-%d", stamp, client, n);
		dir = xasprintf("%s/%s", jobs, id);
		if (mkdir(dir, 0755) == 0) {
			free(jobs);
			return dir;
		}
		free(dir);
		if (errno != EEXIST) {
			err_set(e, "cannot create a job directory in %s: %s", jobs,
			        strerror(errno));
			free(jobs);
			return NULL;
		}
	}
	err_set(e, "cannot create a job directory in %s: too many jobs this second", jobs);
	free(jobs);
	return NULL;
}

static void remove_job_dir(const char *dir)
{
	static const char *const files[] = { "job.ini", "state", "output.log", "control",
		                             "supervisor.lock" };

	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

/* The id of the job holding the client's lock, if anybody holds it. */
static char *client_lock_holder(const struct site *site, const char *client)
{
	char *path = xasprintf("%s/locks/%s.lock", site->state_dir, client);
	char buf[JOB_ID_MAX];
	char *holder = NULL;

	if (job_lock_owner(path) > 0) {
		FILE *f = fopen(path, "r");
		holder = xstrdup("another job");
		if (f != NULL) {
			if (fgets(buf, sizeof buf, f) != NULL && *str_trim(buf) != '\0') {
				free(holder);
				holder = xstrdup(buf);
			}
			fclose(f);
		}
	}
	free(path);
	return holder;
}

/* Reads the supervisor's first word: "ok" or "error: ...". */
static int read_report(int fd, struct err *e)
{
	char buf[512];
	size_t len = 0;
	long long deadline = clock_ms() + JOB_REPORT_TIMEOUT_MS;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - clock_ms();
		ssize_t r;
		if (left <= 0) {
			err_set(e, "the job's supervisor did not answer");
			return -1;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "poll: %s", strerror(errno));
			return -1;
		}
		r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || len + (size_t)r >= sizeof buf - 1) {
			if (r > 0)
				len += (size_t)r;
			break;
		}
		len += (size_t)r;
	}
	buf[len] = '\0';
	str_trim(buf);
	if (strcmp(buf, "ok") == 0)
		return 0;
	if (str_starts(buf, "error: "))
		err_set(e, "%s", buf + 7);
	else
		err_set(e, "the job's supervisor ended before it started the job");
	return -1;
}

int job_submit(struct site *site, const struct job_request *rq, char id_out[JOB_ID_MAX],
               struct err *e)
{
	char id[JOB_ID_MAX];
	char *dir, *ini, *locks, *holder;
	int pipefd[2];
	pid_t pid;
	int to = rq->to_phase == 0 ? JOB_PHASES : rq->to_phase;

	if (rq->argv == NULL || rq->argv[0] == NULL) {
		err_set(e, "nothing to run");
		return -1;
	}
	if (rq->mode == NULL || !job_id_valid(rq->mode)) {
		err_set(e, "job mode: not a mode name");
		return -1;
	}
	if (rq->client == NULL || !job_id_valid(rq->client) || strlen(rq->client) > 64) {
		err_set(e, "job client: \"%s\" cannot name a lock (letters, digits, . _ -)",
		        rq->client != NULL ? rq->client : "");
		return -1;
	}
	if (rq->from_phase < 0 || rq->from_phase > JOB_PHASES || to < 1 || to > JOB_PHASES ||
	    (rq->from_phase > 0 && rq->from_phase > to)) {
		err_set(e, "phases: %d to %d is not a range within 1-12", rq->from_phase, to);
		return -1;
	}
	locks = xasprintf("%s/locks", site->state_dir);
	if (site_mkdirs(locks, 0, e) != 0) {
		free(locks);
		return -1;
	}
	free(locks);
	holder = client_lock_holder(site, rq->client);
	if (holder != NULL) {
		err_set(e, "client %s already has an active job (%s): nothing started", rq->client,
		        holder);
		free(holder);
		return -1;
	}
	ini = job_ini_text(rq, (long long)time(NULL), e);
	if (ini == NULL)
		return -1;
	dir = job_mkdir(site, rq->client, id, e);
	if (dir == NULL) {
		free(ini);
		return -1;
	}
	{
		char *path = xasprintf("%s/job.ini", dir);
		int rc = job_write_file(path, ini, strlen(ini), e);
		free(path);
		free(ini);
		if (rc != 0) {
			remove_job_dir(dir);
			free(dir);
			return -1;
		}
	}
	if (pipe(pipefd) != 0) {
		err_set(e, "pipe: %s", strerror(errno));
		remove_job_dir(dir);
		free(dir);
		return -1;
	}
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err_set(e, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		remove_job_dir(dir);
		free(dir);
		return -1;
	}
	if (pid == 0) {
		/* The middle child: a new session, then the supervisor as its orphan, so
		 * nothing of the caller (terminal, process group, parent) can reach it. */
		close(pipefd[0]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid == 0)
			supervisor_main(site, id, pipefd[1]);
		_exit(0);
	}
	close(pipefd[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (read_report(pipefd[0], e) != 0) {
		close(pipefd[0]);
		remove_job_dir(dir);
		free(dir);
		return -1;
	}
	close(pipefd[0]);
	free(dir);
	str_copy(id_out, id, JOB_ID_MAX);
	return 0;
}

/* --- reading --------------------------------------------------------------- */

void job_info_free(struct job_info *ji)
{
	free(ji->dir);
	free(ji->mode);
	free(ji->client);
	free(ji->command);
	free(ji->message);
	free(ji->error);
	free(ji->params_ini);
	memset(ji, 0, sizeof *ji);
}

int job_load(const struct site *site, const char *id, struct job_info *out, struct err *e)
{
	struct job_info ji;
	char *lock;
	struct stat st;

	memset(&ji, 0, sizeof ji);
	if (!job_id_valid(id)) {
		err_set(e, "\"%s\" is not a job id", id);
		return -1;
	}
	ji.dir = job_dir(site, id);
	str_copy(ji.id, id, sizeof ji.id);
	ji.exit_code = -1;
	ji.status = JOB_WAITING;
	if (stat(ji.dir, &st) != 0) {
		err_set(e, "no job %s", id);
		job_info_free(&ji);
		return -1;
	}
	if (job_ini_read(ji.dir, &ji, NULL, e) != 0) {
		job_info_free(&ji);
		return -1;
	}
	if (job_state_read(ji.dir, &ji, NULL) != 0) {
		/* The supervisor writes the first state as soon as it runs. */
		if (time(NULL) - ji.created > JOB_STARTING_GRACE_S) {
			ji.status = JOB_LOST;
			set_str(&ji.error, "the supervisor never started");
		}
	} else if (!job_status_is_final(ji.status)) {
		lock = xasprintf("%s/supervisor.lock", ji.dir);
		if (job_lock_owner(lock) <= 0) {
			ji.status = JOB_LOST;
			if (ji.error == NULL)
				set_str(&ji.error, "the supervisor is gone");
		}
		free(lock);
	}
	*out = ji;
	return 0;
}

static int info_cmp(const void *a, const void *b)
{
	const struct job_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

int job_list(const struct site *site, struct job_info **out, size_t *n, struct err *e)
{
	char *jobs = xasprintf("%s/jobs", site->state_dir);
	DIR *d = opendir(jobs);
	struct dirent *de;
	struct job_info *v = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL) {
		free(jobs);
		if (errno == ENOENT)
			return 0;
		err_set(e, "cannot list jobs: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct job_info ji;
		if (!job_id_valid(de->d_name))
			continue;
		if (job_load(site, de->d_name, &ji, NULL) != 0)
			continue;
		if (cnt == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[cnt++] = ji;
	}
	closedir(d);
	free(jobs);
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, info_cmp);
	*out = v;
	*n = cnt;
	return 0;
}

void job_list_free(struct job_info **jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		job_info_free(&(*jobs)[i]);
	free(*jobs);
	*jobs = NULL;
}

/* --- steering -------------------------------------------------------------- */

static int job_request_control(const struct site *site, const char *id, const char *what,
                               struct err *e)
{
	struct job_info ji;
	char *path;
	int rc;

	if (job_load(site, id, &ji, e) != 0)
		return -1;
	if (job_status_is_final(ji.status)) {
		err_set(e, "job %s is %s: nothing to %s", id, job_status_name(ji.status), what);
		job_info_free(&ji);
		return -1;
	}
	if (strcmp(what, "continue") == 0 && ji.status != JOB_PAUSED) {
		err_set(e, "job %s is %s, not paused", id, job_status_name(ji.status));
		job_info_free(&ji);
		return -1;
	}
	if (strcmp(what, "pause") == 0) {
		const char *why;
		if (!job_can_pause(&ji, &why)) {
			err_set(e, "job %s: %s", id, why);
			job_info_free(&ji);
			return -1;
		}
	}
	path = xasprintf("%s/control", ji.dir);
	rc = job_write_file(path, what, strlen(what), e);
	free(path);
	if (rc == 0 && ji.pid > 0) {
		char *lock = xasprintf("%s/supervisor.lock", ji.dir);
		/* Only signal the process that really holds the job's lock. */
		if (job_lock_owner(lock) == ji.pid)
			kill(ji.pid, SIGUSR1);
		free(lock);
	}
	job_info_free(&ji);
	return rc;
}

int job_continue(const struct site *site, const char *id, struct err *e)
{
	return job_request_control(site, id, "continue", e);
}

int job_cancel(const struct site *site, const char *id, struct err *e)
{
	return job_request_control(site, id, "cancel", e);
}

int job_can_pause(const struct job_info *ji, const char **why)
{
	int last = ji->to_phase > 0 ? ji->to_phase : JOB_PHASES;
	const char *w = NULL;

	if (job_status_is_final(ji->status))
		w = "the job has ended";
	else if (ji->status == JOB_PAUSED)
		w = "the job is paused already";
	else if (ji->step)
		w = "a job in step mode pauses after every phase already";
	else if (ji->from_phase == 0)
		w = "it runs nimadm as one call, which cannot pause without being killed; "
		    "only jobs run phase by phase (step mode, resume) can pause";
	else if (ji->pause_requested)
		w = "a pause after this phase is already asked for";
	else if (ji->phase >= last)
		w = "the job is in its last phase";
	if (why != NULL)
		*why = w != NULL ? w : "";
	return w == NULL;
}

int job_pause(const struct site *site, const char *id, struct err *e)
{
	return job_request_control(site, id, "pause", e);
}

int job_limit_get(const struct site *site)
{
	char *path = xasprintf("%s/max_jobs", site->state_dir);
	FILE *f = fopen(path, "r");
	char buf[32];
	int limit = JOB_DEFAULT_LIMIT;

	free(path);
	if (f == NULL)
		return limit;
	if (fgets(buf, sizeof buf, f) != NULL) {
		long long v = str_to_ll(str_trim(buf));
		if (v >= 1 && v <= 1000)
			limit = (int)v;
	}
	fclose(f);
	return limit;
}

int job_limit_set(const struct site *site, int limit, struct err *e)
{
	char buf[32];
	char *path;
	int rc;

	if (limit < 1 || limit > 1000) {
		err_set(e, "running-jobs limit: %d is not within 1-1000", limit);
		return -1;
	}
	snprintf(buf, sizeof buf, "%d\n", limit);
	path = xasprintf("%s/max_jobs", site->state_dir);
	rc = job_write_file(path, buf, strlen(buf), e);
	free(path);
	return rc;
}
