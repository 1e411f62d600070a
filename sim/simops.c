/*
 * simops.c: helpers of the personalities that change a lab: state
 * transactions, lab definitions of disks/VGs/LVs, simulated time, dates, NFS
 * mounts into another host's file tree, and the base filesets of a new level.
 */
#include "simops.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct sim_state *simops_begin(const struct sim_lab *lab, const char *cmd)
{
	struct sim_state *st;
	struct err e;

	err_clear(&e);
	if (lab->state_dir == NULL) {
		fprintf(stderr, "%s: nimsim: no state directory: the lab cannot change\n", cmd);
		return NULL;
	}
	st = sim_state_begin(lab->state_dir, &e);
	if (st == NULL)
		fprintf(stderr, "%s: nimsim: %s\n", cmd, e.msg);
	return st;
}

int simops_commit(struct sim_state **st, const char *cmd)
{
	struct err e;

	err_clear(&e);
	if (sim_state_commit(st, &e) != 0) {
		fprintf(stderr, "%s: nimsim: %s\n", cmd, e.msg);
		return -1;
	}
	return 0;
}

char *simops_disk_def(const struct sim_disk *d, const char *vg)
{
	const char *pv = d->pvid != NULL ? d->pvid : "none";

	if (vg != NULL)
		return xasprintf("%s size=%ld pvid=%s vg=%s", d->name, d->size_mb, pv, vg);
	return xasprintf("%s size=%ld pvid=%s", d->name, d->size_mb, pv);
}

char *simops_vg_def(const struct sim_vg *v, int copies, int active)
{
	return xasprintf("%s pp_size=%d copies=%d state=%s vgid=%s", v->name, v->pp_size, copies,
	                 active ? "active" : "varyoff", v->vgid);
}

char *simops_lv_def(const struct sim_lv *lv)
{
	struct strbuf sb = { 0 };

	sb_addf(&sb, "%s vg=%s type=%s lps=%d mount=%s state=%s", lv->name, lv->vg, lv->type,
	        lv->lps, lv->mount, lv->state);
	if (lv->copies > 0)
		sb_addf(&sb, " copies=%d", lv->copies);
	if (lv->pvs != NULL)
		sb_addf(&sb, " pvs=%s", lv->pvs);
	return sb_steal(&sb);
}

double sim_time_scale(const struct sim_lab *lab)
{
	const char *env = getenv("NIMSIM_TIME_SCALE");

	if (env != NULL && *env != '\0') {
		char *end;
		double d = strtod(env, &end);
		if (end != env && *end == '\0' && d >= 0.0 && d <= 1000.0)
			return d;
	}
	return lab != NULL ? lab->time_scale : 1.0;
}

void simops_wait(const struct sim_lab *lab, long ms)
{
	double scaled = (double)ms * sim_time_scale(lab);

	if (ms <= 0 || scaled <= 0.0)
		return;
	fflush(stdout);
	fflush(stderr);
	sim_sleep_ms(scaled < 1.0 ? 1 : (long)scaled);
}

char *simops_date(void)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", &tm);
	return xstrdup(buf);
}

char *simops_stamp(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return xstrdup(buf);
}

char *simops_locate(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                    const struct sim_host **where)
{
	char *norm = sim_files_normalise(file), *section, *p, *result = NULL;
	const char *remote = NULL, *point = NULL;
	struct sim_state *st;
	struct err e;

	*where = h;
	if (*norm == '\0') {
		free(norm);
		return NULL;
	}
	if (lab->state_dir == NULL || (st = sim_state_load(lab->state_dir, &e)) == NULL)
		return norm;
	section = xasprintf(SIMOPS_MOUNTS "%s", h->name);
	/* the longest mount point at or above the path: probe each prefix, longest first */
	p = xstrdup(norm);
	for (;;) {
		char *slash;
		if ((remote = sim_state_get(st, section, *p != '\0' ? p : "/")) != NULL) {
			point = *p != '\0' ? p : "/";
			break;
		}
		if (*p == '\0' || (slash = strrchr(p, '/')) == NULL)
			break;
		*slash = '\0';
	}
	if (remote == NULL) {
		result = norm;
		norm = NULL;
	} else {
		/* "node:/dir [options]" */
		char *spec = xstrdup(remote), *colon, *sp;
		if ((sp = strchr(spec, ' ')) != NULL)
			*sp = '\0';
		if ((colon = strchr(spec, ':')) != NULL) {
			const struct sim_host *server;
			*colon = '\0';
			server = sim_lab_resolve(lab, spec);
			if (server != NULL) {
				const char *rest =
				    norm + (strcmp(point, "/") == 0 ? 0 : strlen(point));
				char *joined = xasprintf("%s/%s", colon + 1, rest);
				result = sim_files_normalise(joined);
				free(joined);
				*where = server;
			}
		}
		free(spec);
	}
	free(p);
	free(norm);
	free(section);
	sim_state_free(&st);
	return result;
}

FILE *simops_open(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                  const char *mode)
{
	const struct sim_host *where;
	char *path = simops_locate(lab, h, file, &where);
	FILE *f = NULL;

	if (path == NULL)
		return NULL;
	if (mode[0] == 'r') {
		char *real = sim_files_path(lab, where, path);
		struct stat sb;
		if (real != NULL && stat(real, &sb) == 0 && S_ISREG(sb.st_mode))
			f = fopen(real, mode);
		free(real);
	} else {
		f = sim_files_open(lab, where, path, mode);
	}
	free(path);
	return f;
}

int simops_is_dir(const struct sim_lab *lab, const struct sim_host *h, const char *dir)
{
	const struct sim_host *where;
	char *path = simops_locate(lab, h, dir, &where), *real;
	struct stat sb;
	int ok;

	if (path == NULL)
		return strcmp(dir, "/") == 0;
	real = sim_files_path(lab, where, path);
	ok = real != NULL && stat(real, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(real);
	free(path);
	return ok;
}

struct sim_lab *simops_reload(const struct sim_lab *lab, const char *cmd)
{
	struct err e;
	struct sim_lab *now;

	err_clear(&e);
	now = sim_lab_load(lab->path, lab->state_dir, &e);
	if (now == NULL)
		fprintf(stderr, "%s: nimsim: %s\n", cmd, e.msg);
	return now;
}

void simops_filesets_to(struct sim_state *st, const struct sim_host *h, const char *from,
                        const char *to)
{
	struct sim_level a, b;
	char *old_fs, *new_fs;

	if (sim_level_parse(from, &a) != 0 || sim_level_parse(to, &b) != 0)
		return;
	old_fs = sim_level_fileset(&a);
	new_fs = sim_level_fileset(&b);
	for (size_t i = 0; i < h->filesets.n; i++) {
		const struct sim_fileset *f = &h->filesets.v[i];
		char *key, *def;
		if (strcmp(f->level, old_fs) != 0)
			continue;
		key = xasprintf("fileset.%s", f->name);
		def = xasprintf("%s %s parts=%s", f->name, new_fs,
		                f->parts == (SIM_PART_USR | SIM_PART_ROOT) ? "usr,root"
		                : f->parts == SIM_PART_ROOT                ? "root"
		                                                           : "usr");
		sim_state_set(st, h->name, key, def);
		free(key);
		free(def);
	}
	free(old_fs);
	free(new_fs);
}
