/* site.c: opening the master or a lab, locating the simulator and the state directory. */
#include "site.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NIMADM_LIBEXECDIR
#define NIMADM_LIBEXECDIR "/usr/local/libexec"
#endif

/* The PATH nimadm itself expects on an AIX NIM master. */
static const char aix_path[] =
    "/usr/bin:/etc:/usr/sbin:/usr/ucb:/sbin:/usr/bin/X11:/usr/lpp/bos.sysmgt/nim/methods";

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_exec(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* The directory the program was started from, or NULL. */
static char *exe_dir(const char *argv0)
{
	char *dir = NULL, *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return NULL;
	if (strchr(argv0, '/') != NULL) {
		dir = xstrdup(argv0);
	} else {
		const char *path = getenv("PATH");
		char *copy, *tok, *save = NULL;
		if (path == NULL)
			return NULL;
		copy = xstrdup(path);
		for (tok = strtok_r(copy, ":", &save); tok != NULL;
		     tok = strtok_r(NULL, ":", &save)) {
			char *cand = xasprintf("%s/%s", *tok ? tok : ".", argv0);
			if (is_exec(cand)) {
				dir = cand;
				break;
			}
			free(cand);
		}
		free(copy);
		if (dir == NULL)
			return NULL;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

char *site_find_sim_dir(const char *argv0)
{
	const char *env = getenv("NIMADM_TUI_SIMDIR");
	char *dir, *cand[4] = { NULL, NULL, NULL, NULL };
	char *found = NULL;

	if (env != NULL && *env != '\0') {
		char *nimsim = xasprintf("%s/bin/nimsim", env);
		int ok = is_exec(nimsim);
		free(nimsim);
		return ok ? xstrdup(env) : NULL;
	}
	dir = exe_dir(argv0);
	if (dir != NULL) {
		cand[0] = xasprintf("%s/build/sim", dir); /* the source tree's ./nimadm-tui */
		cand[1] = xasprintf("%s/sim", dir);       /* $(BUILD)/nimadm-tui */
		cand[2] = xasprintf("%s/../libexec/nimadm-tui", dir);
	}
	cand[3] = xstrdup(NIMADM_LIBEXECDIR "/nimadm-tui");
	for (size_t i = 0; i < ARRAY_LEN(cand) && found == NULL; i++) {
		char *nimsim;
		if (cand[i] == NULL)
			continue;
		nimsim = xasprintf("%s/bin/nimsim", cand[i]);
		if (is_exec(nimsim)) {
			char resolved[PATH_MAX];
			found = realpath(cand[i], resolved) != NULL ? xstrdup(resolved)
			                                            : xstrdup(cand[i]);
		}
		free(nimsim);
	}
	for (size_t i = 0; i < ARRAY_LEN(cand); i++)
		free(cand[i]);
	free(dir);
	return found;
}

char *site_default_state_dir(int lab)
{
	const char *env = getenv("NIMADM_TUI_STATE_DIR");
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	/* A lab never writes into the AIX RAS directory, even as root. */
	if (!lab && geteuid() == 0)
		return xstrdup("/var/adm/ras/nimadm-tui");
	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/nimadm-tui", xdg);
	if (home == NULL || *home == '\0')
		home = "/tmp";
	return xasprintf("%s/.local/state/nimadm-tui", home);
}

int site_mkdirs(const char *path, int private_leaf, struct err *e)
{
	char *p = xstrdup(path);
	size_t len = strlen(p);

	for (size_t i = 1; i <= len; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char save = p[i];
		p[i] = '\0';
		mode_t mode = (save == '\0' && private_leaf) ? 0700 : 0755;
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			err_set(e, "cannot create directory %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		p[i] = save;
	}
	free(p);
	if (!is_dir(path)) {
		err_set(e, "%s is not a directory", path);
		return -1;
	}
	return 0;
}

/* A short stable tag for a path: FNV-1a, 32 bits in hex. */
static unsigned long path_hash(const char *s)
{
	unsigned long h = 2166136261UL;
	for (; *s != '\0'; s++)
		h = ((h ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	return h;
}

static char *lab_state_dir(const char *state_dir, const char *lab)
{
	const char *base = strrchr(lab, '/');
	char *name = xstrdup(base != NULL ? base + 1 : lab), *dot, *r;

	dot = strrchr(name, '.');
	if (dot != NULL && dot != name)
		*dot = '\0';
	r = xasprintf("%s/labs/%s-%08lx", state_dir, name, path_hash(lab));
	free(name);
	return r;
}

/* Runs `nimsim ARG` in the lab's environment; the first stderr line becomes the error. */
static int run_nimsim(struct site *s, const char *arg, struct err *e)
{
	const char *argv[] = { "nimsim", arg, NULL };
	struct cmd_spec spec = { .host = s->master, .argv = argv, .timeout_ms = 30000 };
	struct cmd_capture cap;
	int rc = 0;

	memset(&cap, 0, sizeof cap);
	if (cmd_capture_run(s->set, &spec, &cap, e) != 0)
		return -1;
	if (!cap.res.exited || cap.res.status != 0) {
		char *msg = xstrdup(sb_str(&cap.err));
		char *nl = strchr(msg, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (*msg == '\0')
			err_set(e, "nimsim %s failed (exit %d)", arg, cap.res.status);
		else
			err_set(e, "%s", msg);
		free(msg);
		rc = -1;
	}
	cmd_capture_free(&cap);
	return rc;
}

struct site *site_open(const struct site_opts *o, struct err *e)
{
	struct site *s = xcalloc(1, sizeof *s);
	const char *lab = o->lab;
	char *demo = NULL;

	s->sim_dir = site_find_sim_dir(o->argv0);
	if (o->demo) {
		if (s->sim_dir == NULL) {
			err_set(e,
			        "the simulator (nimsim) was not found: cannot open the demo lab");
			goto fail;
		}
		demo = xasprintf("%s/labs/demo.lab", s->sim_dir);
		lab = demo;
	}
	if (lab != NULL) {
		char resolved[PATH_MAX];
		if (access(lab, R_OK) != 0 || realpath(lab, resolved) == NULL) {
			err_set(e, "lab file %s: %s", lab, strerror(errno));
			goto fail;
		}
		if (is_dir(resolved)) {
			err_set(e, "lab file %s: is a directory", lab);
			goto fail;
		}
		s->lab = xstrdup(resolved);
		if (s->sim_dir == NULL) {
			err_set(e, "the simulator (nimsim) was not found: cannot open lab %s", lab);
			goto fail;
		}
	}
	s->state_dir =
	    o->state_dir != NULL ? xstrdup(o->state_dir) : site_default_state_dir(s->lab != NULL);
	if (site_mkdirs(s->state_dir, 1, e) != 0)
		goto fail;
	{
		/* Absolute, because a job's supervisor works from "/". */
		char resolved[PATH_MAX];
		if (realpath(s->state_dir, resolved) != NULL) {
			free(s->state_dir);
			s->state_dir = xstrdup(resolved);
		}
	}

	s->master = host_local_new("master");
	if (s->lab != NULL) {
		s->lab_state = lab_state_dir(s->state_dir, s->lab);
		if (site_mkdirs(s->lab_state, 0, e) != 0)
			goto fail;
	}
	s->set = site_new_cmdset(s);
	if (s->lab != NULL && run_nimsim(s, "validate", e) != 0)
		goto fail;
	free(demo);
	return s;
fail:
	free(demo);
	site_free(&s);
	return NULL;
}

struct cmdset *site_new_cmdset(const struct site *s)
{
	struct cmdset *set = cmdset_new();

	if (s->lab != NULL) {
		char *bin = xasprintf("%s/bin", s->sim_dir);
		/* Only the simulator's commands: a lab never reaches the real system. */
		cmdset_setenv(set, "PATH", bin);
		cmdset_setenv(set, "NIMSIM_LAB", s->lab);
		cmdset_setenv(set, "NIMSIM_STATE", s->lab_state);
		free(bin);
	} else {
		cmdset_setenv(set, "PATH", aix_path);
		cmdset_setenv(set, "NIMSIM_LAB", NULL);
		cmdset_setenv(set, "NIMSIM_STATE", NULL);
	}
	return set;
}

int site_lab_reset(struct site *s, struct err *e)
{
	if (s->lab == NULL) {
		err_set(e, "not in a lab: nothing to reset");
		return -1;
	}
	return run_nimsim(s, "reset", e);
}

void site_free(struct site **sp)
{
	struct site *s = *sp;

	if (s == NULL)
		return;
	if (s->set != NULL)
		cmdset_free(&s->set);
	host_free(&s->master);
	free(s->lab);
	free(s->sim_dir);
	free(s->state_dir);
	free(s->lab_state);
	free(s);
	*sp = NULL;
}
