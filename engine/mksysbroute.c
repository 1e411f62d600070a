/*
 * mksysbroute.c: the plan of the mksysb route (the seed's second method): the
 * client's bos.alt_disk_install.* from the lpp_source (nim -o cust), the
 * client's mksysb into NIM (nim -o define ... mk_image=yes, unless an existing
 * one is named), nimadm -T MKSYSB -O FILE -N NAME to a new mksysb at the
 * SPOT's level (the engine's mksysb-to-mksysb mode, so its argv is params'),
 * then on the client: the master's directory NFS-mounted, alt_disk_mksysb -m
 * FILE -d DISK -k restoring the new image onto the free disk, and the umount
 * (which runs even after a failure once the mount worked).
 *
 * nimadm runs for hours, so its step is a journaled job (job.h) that outlives
 * the flow's process. A later run of the route looks in the journal and in NIM
 * first: an earlier run's job still going is waited for, and a new mksysb
 * already defined (or the backup an earlier run made) is not made again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "level.h"
#include "params.h"
#include "prepare_int.h"

#define ROUTE_NIMADM_MS  0 /* nimadm runs for hours: no timeout */
#define ROUTE_CUST_MS    (60 * 60 * 1000)
#define ROUTE_BACKUP_MS  (4 * 3600 * 1000)
#define ROUTE_RESTORE_MS (4 * 3600 * 1000)

char *prep_route_default(const struct prep_request *r, const char *what, const char *level)
{
	if (strcmp(what, "backup_name") == 0)
		return r->backup_name != NULL ? xstrdup(r->backup_name)
		                              : xasprintf("%s_mksysb", r->client);
	if (strcmp(what, "backup_path") == 0)
		return r->backup_path != NULL
		           ? xstrdup(r->backup_path)
		           : xasprintf("/export/nim/mksysb/%s.mksysb", r->client);
	if (strcmp(what, "new_mksysb") == 0)
		return r->new_mksysb != NULL ? xstrdup(r->new_mksysb)
		                             : xasprintf("%s_%.4s_mksysb", r->client, level);
	if (strcmp(what, "new_path") == 0)
		return r->new_path != NULL
		           ? xstrdup(r->new_path)
		           : xasprintf("/export/nim/mksysb/%s_%s.mksysb", r->client, level);
	if (strcmp(what, "mount_dir") == 0)
		return xstrdup(r->mount_dir != NULL ? r->mount_dir : "/mnt");
	return NULL;
}

void prep_route_queue(struct prep_facts *f)
{
	const struct prep_request *r = &f->req;
	char *backup = prep_route_default(r, "backup_name", "");

	prep_facts_queue(f, "lsnim_spot", 0, "lsnim", "-l", r->spot, NULL);
	prep_facts_queue(f, "lsnim_lpp", 0, "lsnim", "-l", r->lpp_source, NULL);
	if (r->mksysb != NULL)
		prep_facts_queue(f, "lsnim_mksysb", 0, "lsnim", "-l", r->mksysb, NULL);
	else
		prep_facts_queue(f, "lsnim_backup", 0, "lsnim", backup, NULL);
	prep_facts_queue(f, "lsvg_cache", 0, "lsvg", r->cache_vg, NULL);
	prep_facts_queue(f, "lsnim_master", 0, "lsnim", "-l", "master", NULL);
	/* whether an earlier run's nimadm made the new mksysb already */
	prep_facts_queue(f, "lsnim_mksysbs", 0, "lsnim", "-l", "-t", "mksysb", NULL);
	prep_facts_queue(f, "hostname", 0, "hostname", NULL);
	prep_facts_queue(f, "lspv", 1, "lspv", NULL);
	prep_facts_queue(f, "lslpp_altdisk", 1, "lslpp", "-L", "bos.alt_disk_install.rte", NULL);
	free(backup);
}

/* The stanza of a `lsnim -l NAME` task, or NULL (why in *why, owned). */
static const struct aix_stanza *route_stanza(struct prep_facts *f, const char *key,
                                             const char *name, struct aix_stanzas *ss, char **why)
{
	struct prep_task *t = prep_facts_task(f, key);
	const struct aix_stanza *st;
	const char *text;
	size_t len;

	*why = NULL;
	if (prep_lsnim_absent(t)) {
		*why = xasprintf("%s is not a NIM object (lsnim: 0042-053)", name);
		return NULL;
	}
	if ((text = prep_task_text(t, &len)) == NULL ||
	    aixparse_lsnim_long(text, len, ss, NULL) != 0 ||
	    (st = aixparse_stanzas_find(ss, name)) == NULL) {
		char *w = prep_task_why(t);
		*why = xasprintf("cannot ask NIM about %s (lsnim -l %s: %s)", name, name, w);
		free(w);
		return NULL;
	}
	return st;
}

/* The level a resource stanza gives (oslevel_s, else oslevel_r); -1 if none. */
static int route_level(const struct aix_stanza *st, struct aix_level *out, const char **text)
{
	const char *v = aixparse_stanza_get(st, "oslevel_s");

	if (v == NULL)
		v = aixparse_stanza_get(st, "oslevel_r");
	*text = v;
	return v != NULL && level_parse_oslevel(v, out, NULL) == 0 ? 0 : -1;
}

/* The master's host name as clients know it: lsnim's if1, else `hostname`. Owned. */
static char *route_master_host(struct prep_facts *f)
{
	struct aix_stanzas ss;
	const struct aix_stanza *st;
	char *why, *host = NULL;

	memset(&ss, 0, sizeof ss);
	if ((st = route_stanza(f, "lsnim_master", "master", &ss, &why)) != NULL) {
		const char *if1 = aixparse_stanza_get(st, "if1");
		if (if1 != NULL) {
			char *copy = xstrdup(if1), *save = NULL, *w = strtok_r(copy, " ", &save);
			if (w != NULL && (w = strtok_r(NULL, " ", &save)) != NULL &&
			    prep_name_ok(w))
				host = xstrdup(w);
			free(copy);
		}
	}
	free(why);
	aixparse_stanzas_clear(&ss);
	if (host == NULL) {
		const char *text = prep_task_text(prep_facts_task(f, "hostname"), NULL);
		if (text != NULL) {
			host = xstrndup(text, strcspn(text, " \t\r\n"));
			if (!prep_name_ok(host)) {
				free(host);
				host = NULL;
			}
		}
	}
	return host;
}

/* Whether NIM has an mksysb resource of that name (lsnim -l -t mksysb). */
static int route_mksysb_defined(struct prep_facts *f, const char *name)
{
	struct aix_stanzas ss;
	const char *text;
	size_t len;
	int found = 0;

	memset(&ss, 0, sizeof ss);
	if ((text = prep_task_text(prep_facts_task(f, "lsnim_mksysbs"), &len)) != NULL &&
	    aixparse_lsnim_long(text, len, &ss, NULL) == 0)
		found = aixparse_stanzas_find(&ss, name) != NULL;
	aixparse_stanzas_clear(&ss);
	return found;
}

/* The newest job in the journal of an earlier run of this route (nimadm -T BACKUP ...
 * -N NEW): 0 and *out (owned: job_info_free), or -1 when there is none. */
static int route_find_job(struct site *site, const char *backup, const char *new_name,
                          struct job_info *out)
{
	struct job_info *jobs = NULL;
	size_t n = 0;
	struct err e;
	int found = -1;

	if (site == NULL || job_list(site, &jobs, &n, &e) != 0)
		return -1;
	for (size_t i = n; i-- > 0 && found < 0;) {
		struct nimadm_params *np;
		if (jobs[i].mode == NULL || jobs[i].params_ini == NULL ||
		    strcmp(jobs[i].mode, params_mode_name(NIMADM_MKSYSB_TO_MKSYSB)) != 0)
			continue;
		np = params_new(NIMADM_MKSYSB_TO_MKSYSB);
		if (params_load_ini_string(np, jobs[i].params_ini, &e) == 0 &&
		    strcmp(params_get(np, "mksysb"), backup) == 0 &&
		    strcmp(params_get(np, "new_mksysb_name"), new_name) == 0) {
			*out = jobs[i];
			memset(&jobs[i], 0, sizeof jobs[i]);
			found = 0;
		}
		params_free(&np);
	}
	job_list_free(&jobs, n);
	return found;
}

void prep_route_build(struct prep_facts *f)
{
	struct prep_plan *p = f->plan;
	const struct prep_request *r = &f->req;
	struct aix_stanzas ss_spot, ss_lpp, ss_mk;
	const struct aix_stanza *spot, *lpp, *mk = NULL;
	struct aix_level level;
	struct aix_lspv pv;
	struct aix_vg vg;
	struct strv disks = { 0 };
	struct strv nimadm = { 0 };
	struct nimadm_params *np = NULL;
	const char *lvl_text = NULL, *type, *text;
	struct job_info job;
	int have_job = 0, new_defined = 0, backup_done = 0;
	char *why = NULL, *backup = NULL, *backup_path = NULL, *new_name = NULL, *new_path = NULL;
	char *mount = NULL, *master = NULL, *export_dir = NULL, *image = NULL, vvrr_tl[16];
	size_t len;
	struct err e;

	memset(&job, 0, sizeof job);
	memset(&ss_spot, 0, sizeof ss_spot);
	memset(&ss_lpp, 0, sizeof ss_lpp);
	memset(&ss_mk, 0, sizeof ss_mk);
	memset(&pv, 0, sizeof pv);
	memset(&vg, 0, sizeof vg);
	/* the resources */
	if ((spot = route_stanza(f, "lsnim_spot", r->spot, &ss_spot, &why)) == NULL) {
		prep_plan_refuse(p, "%s", why);
		goto out;
	}
	type = aixparse_stanza_get(spot, "type");
	if (type == NULL || strcmp(type, "spot") != 0) {
		prep_plan_refuse(p, "%s is a NIM %s, not a SPOT", r->spot,
		                 type != NULL ? type : "object");
		goto out;
	}
	if (route_level(spot, &level, &lvl_text) != 0 || !level_has_tl(&level)) {
		prep_plan_refuse(p, "SPOT %s says no level (oslevel_s or oslevel_r)", r->spot);
		goto out;
	}
	snprintf(vvrr_tl, sizeof vvrr_tl, "%d%d00-%02d", level.version, level.release, level.tl);
	prep_plan_fact(p, "SPOT %s is at %s", r->spot, lvl_text);
	free(why);
	if ((lpp = route_stanza(f, "lsnim_lpp", r->lpp_source, &ss_lpp, &why)) == NULL) {
		prep_plan_refuse(p, "%s", why);
		goto out;
	}
	type = aixparse_stanza_get(lpp, "type");
	if (type == NULL || strcmp(type, "lpp_source") != 0) {
		prep_plan_refuse(p, "%s is a NIM %s, not an lpp_source", r->lpp_source,
		                 type != NULL ? type : "object");
		goto out;
	}
	free(why);
	why = NULL;
	if (r->mksysb != NULL) {
		const char *src;
		if ((mk = route_stanza(f, "lsnim_mksysb", r->mksysb, &ss_mk, &why)) == NULL) {
			prep_plan_refuse(p, "%s", why);
			goto out;
		}
		type = aixparse_stanza_get(mk, "type");
		if (type == NULL || strcmp(type, "mksysb") != 0) {
			prep_plan_refuse(p, "%s is a NIM %s, not an mksysb", r->mksysb,
			                 type != NULL ? type : "object");
			goto out;
		}
		src = aixparse_stanza_get(mk, "source_image");
		if (src != NULL && strcmp(src, p->client) != 0)
			prep_plan_warn(p, "%s is a backup of %s, not of %s", r->mksysb, src,
			               p->client);
		prep_plan_fact(p, "mksysb %s: %s", r->mksysb,
		               aixparse_stanza_get(mk, "creation_date") != NULL
		                   ? aixparse_stanza_get(mk, "creation_date")
		                   : "creation date unknown");
		backup = xstrdup(r->mksysb);
	} else {
		backup = prep_route_default(r, "backup_name", "");
		backup_path = prep_route_default(r, "backup_path", "");
	}
	new_name = prep_route_default(r, "new_mksysb", vvrr_tl);
	new_path = prep_route_default(r, "new_path", vvrr_tl);
	mount = prep_route_default(r, "mount_dir", "");
	if (!prep_name_ok(new_name)) {
		prep_plan_refuse(p,
		                 "cannot make a NIM name for the new mksysb from %s: give -N NAME",
		                 p->client);
		goto out;
	}
	/* an earlier run of the route: its nimadm job, or the new mksysb it made */
	have_job = route_find_job(f->site, backup, new_name, &job) == 0;
	new_defined = route_mksysb_defined(f, new_name);
	if (r->mksysb == NULL && !prep_lsnim_absent(prep_facts_task(f, "lsnim_backup"))) {
		if (!have_job && !new_defined) {
			prep_plan_refuse(
			    p,
			    "%s is already a NIM object: use it with -m %s, or name the "
			    "backup with --backup NAME",
			    backup, backup);
			goto out;
		}
		backup_done = 1;
		prep_plan_fact(p, "%s is in NIM already: an earlier run of this route made it",
		               backup);
	}
	if (have_job && !job_status_is_final(job.status))
		prep_plan_fact(
		    p,
		    "nimadm job %s of an earlier run of this route is %s: this run waits "
		    "for it instead of starting nimadm again",
		    job.id, job_status_name(job.status));
	else if (new_defined)
		prep_plan_fact(p, "NIM has %s already%s%s%s: nimadm is not run again", new_name,
		               have_job ? " (nimadm job " : "", have_job ? job.id : "",
		               have_job ? ")" : "");
	else if (have_job)
		prep_plan_warn(p,
		               "nimadm job %s of an earlier run of this route ended %s: this run "
		               "starts nimadm again",
		               job.id, job_status_name(job.status));
	/* the cache VG on the master (nimadm -j) */
	if ((text = prep_task_text(prep_facts_task(f, "lsvg_cache"), &len)) == NULL ||
	    aixparse_lsvg(text, len, &vg, NULL) != 0 || vg.varied_off) {
		char *w = prep_task_why(prep_facts_task(f, "lsvg_cache"));
		prep_plan_refuse(p,
		                 "the master's volume group %s cannot hold nimadm's cache (lsvg "
		                 "%s: %s)",
		                 r->cache_vg, r->cache_vg, vg.varied_off ? "varied off" : w);
		free(w);
		goto out;
	}
	if (vg.free_mb >= 0)
		prep_plan_fact(p, "cache volume group %s has %lld MB free (lsvg)", r->cache_vg,
		               vg.free_mb);
	/* the target disks on the client */
	{
		char *copy = xstrdup(r->disk), *save = NULL;
		for (char *t = strtok_r(copy, " \t", &save); t != NULL;
		     t = strtok_r(NULL, " \t", &save))
			strv_push(&disks, t);
		free(copy);
	}
	if ((text = prep_task_text(prep_facts_task(f, "lspv"), &len)) == NULL ||
	    aixparse_lspv(text, len, &pv, NULL) != 0) {
		char *w = prep_task_why(prep_facts_task(f, "lspv"));
		prep_plan_refuse(p, "%s: cannot read its disks (lspv: %s)", p->client, w);
		free(w);
		goto out;
	}
	for (size_t i = 0; i < disks.n; i++) {
		const struct aix_pv *d = NULL;
		for (size_t j = 0; j < pv.n; j++)
			if (strcmp(pv.v[j].name, disks.v[i]) == 0)
				d = &pv.v[j];
		if (d == NULL) {
			prep_plan_refuse(p, "%s has no disk %s (lspv)", p->client, disks.v[i]);
			goto out;
		}
		if (d->vg != NULL) {
			prep_plan_refuse(p,
			                 "%s: %s is in %s, not free: alt_disk_mksysb restores onto "
			                 "free disks only",
			                 p->client, disks.v[i], d->vg);
			goto out;
		}
	}
	prep_plan_fact(p, "%s is free on %s (lspv)", r->disk, p->client);
	if ((text = prep_task_text(prep_facts_task(f, "lslpp_altdisk"), &len)) != NULL) {
		struct aix_filesets fs;
		const struct aix_fileset *ad;
		memset(&fs, 0, sizeof fs);
		if (aixparse_lslpp(text, len, &fs, NULL) == 0 &&
		    (ad = aixparse_filesets_find(&fs, "bos.alt_disk_install.rte")) != NULL &&
		    ad->level != NULL)
			prep_plan_fact(
			    p,
			    "%s has bos.alt_disk_install.rte %s; alt_disk_mksysb of a %d.%d "
			    "image needs %d.%d or later (step 1)",
			    p->client, ad->level, level.version, level.release, level.version,
			    level.release);
		aixparse_filesets_clear(&fs);
	}
	master = route_master_host(f);
	if (master == NULL) {
		prep_plan_refuse(p,
		                 "cannot tell the master's host name (lsnim -l master, hostname)");
		goto out;
	}
	/* nimadm -T MKSYSB -O FILE -s SPOT -l LPP -j VG -Y -N NAME, exactly as `run` builds it */
	np = params_new(NIMADM_MKSYSB_TO_MKSYSB);
	err_clear(&e);
	if (params_set(np, "mksysb", backup, &e) != 0 ||
	    params_set(np, "output_file", new_path, &e) != 0 ||
	    params_set(np, "spot", r->spot, &e) != 0 ||
	    params_set(np, "lpp_source", r->lpp_source, &e) != 0 ||
	    params_set(np, "cache_vg", r->cache_vg, &e) != 0 ||
	    params_set(np, "accept_licenses", "yes", &e) != 0 ||
	    params_set(np, "new_mksysb_name", new_name, &e) != 0 ||
	    params_argv(np, &nimadm, &e) != 0) {
		prep_plan_refuse(p, "nimadm would refuse: %s", e.msg);
		goto out;
	}
	{
		const char *slash = strrchr(new_path, '/');
		export_dir = slash == new_path ? xstrdup("/")
		                               : xstrndup(new_path, (size_t)(slash - new_path));
		image = xasprintf("%s/%s", strcmp(mount, "/") == 0 ? "" : mount, slash + 1);
	}
	if (strcmp(export_dir, "/") == 0) {
		prep_plan_refuse(p, "the new mksysb needs a directory of its own to be mounted on "
		                    "the client (-O /export/nim/mksysb/FILE)");
		goto out;
	}
	/* the steps */
	{
		char *lppa = xasprintf("lpp_source=%s", r->lpp_source);
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_MASTER, 1,
		    "Update bos.alt_disk_install on the client from the lpp_source",
		    "installp: the alt_disk_install filesets at the lpp_source's level (or already "
		    "installed)",
		    "nim", "-o", "cust", "-a", lppa, "-a",
		    "filesets=bos.alt_disk_install.rte bos.alt_disk_install.boot_images", p->client,
		    NULL);
		s->timeout_ms = ROUTE_CUST_MS;
		free(lppa);
	}
	if (r->mksysb == NULL) {
		char *loc = xasprintf("location=%s", backup_path),
		     *src = xasprintf("source=%s", p->client);
		char *title = xasprintf("Back up the client into NIM as %s", backup);
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_MASTER, 1, title,
		    "mksysb: Backup Completed Successfully; NIM defines the mksysb resource", "nim",
		    "-o", "define", "-t", "mksysb", "-a", "server=master", "-a", loc, "-a", src,
		    "-a", "mk_image=yes", "-a", "mksysb_flags=-i -e", backup, NULL);
		s->timeout_ms = ROUTE_BACKUP_MS;
		if (backup_done) {
			s->state = PREP_STEP_SKIPPED;
			s->message =
			    xasprintf("done: %s is in NIM already (an earlier run)", backup);
		}
		free(loc);
		free(src);
		free(title);
	}
	{
		char *title =
		    xasprintf("Migrate %s to a new mksysb at %s (nimadm)", backup, lvl_text);
		char *exp =
		    xasprintf("nimadm's 12 phases end well; %s is written and defined as %s",
		              new_path, new_name);
		struct prep_step *s;
		if (have_job && !job_status_is_final(job.status)) {
			free(title);
			title =
			    xasprintf("Wait for nimadm job %s (an earlier run started it)", job.id);
		}
		s = prep_plan_step(p, PREP_ON_MASTER, 1, title, exp, NULL);
		for (size_t i = 0; i < nimadm.n; i++)
			strv_push(&s->argv, nimadm.v[i]);
		s->timeout_ms = ROUTE_NIMADM_MS;
		/* a journaled job: it goes on when the flow's process dies */
		s->as_job = 1;
		if (have_job && !job_status_is_final(job.status)) {
			s->changes = 0; /* it runs already */
			s->job_id = xstrdup(job.id);
		} else if (new_defined) {
			s->state = PREP_STEP_SKIPPED;
			s->message = xasprintf("done: NIM has %s already%s%s", new_name,
			                       have_job ? ", made by nimadm job " : "",
			                       have_job ? job.id : "");
			if (have_job)
				s->job_id = xstrdup(job.id);
		}
		free(title);
		free(exp);
	}
	{
		char *spec = xasprintf("%s:%s", master, export_dir);
		char *title =
		    xasprintf("Mount the master's %s on the client at %s", export_dir, mount);
		size_t mount_step;
		prep_plan_step(p, PREP_ON_CLIENT, 1, title,
		               "the new mksysb is readable on the client", "mount", spec, mount,
		               NULL);
		mount_step = p->nsteps - 1;
		free(title);
		free(spec);
		title = xasprintf("Restore the new mksysb onto %s (alt_disk_mksysb)", r->disk);
		struct prep_step *s = prep_plan_step(
		    p, PREP_ON_CLIENT, 1, title,
		    "altinst_rootvg on the disk, put to sleep; the boot list names it",
		    "alt_disk_mksysb", "-m", image, "-d", r->disk, "-k", NULL);
		s->timeout_ms = ROUTE_RESTORE_MS;
		free(title);
		title = xasprintf("Unmount %s on the client", mount);
		s = prep_plan_step(p, PREP_ON_CLIENT, 1, title, "nothing is mounted there any more",
		                   "umount", mount, NULL);
		s->cleanup_of = (int)mount_step;
		free(title);
	}
	prep_plan_note(p,
	               "%s boots %s at its next reboot (alt_disk_mksysb sets the boot list): "
	               "shutdown -Fr when convenient, then nimadm-tui postcheck -c %s",
	               p->client, r->disk, p->client);
	prep_plan_note(p,
	               "Before then, alt_rootvg_op -X altinst_rootvg on %s removes the new "
	               "disk's copy again",
	               p->client);
out:
	job_info_free(&job);
	free(why);
	aixparse_stanzas_clear(&ss_spot);
	aixparse_stanzas_clear(&ss_lpp);
	aixparse_stanzas_clear(&ss_mk);
	aixparse_lspv_clear(&pv);
	aixparse_vg_clear(&vg);
	strv_free(&disks);
	strv_free(&nimadm);
	params_free(&np);
	free(backup);
	free(backup_path);
	free(new_name);
	free(new_path);
	free(mount);
	free(master);
	free(export_dir);
	free(image);
}
