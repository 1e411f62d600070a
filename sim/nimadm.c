/*
 * nimadm.c: the simulator's nimadm. Parses nimadm's flags like the real one,
 * checks them against the lab (NIM objects, reachability, NIM state, the
 * eligibility checks), prints the start-up lines and the 12 phases the way
 * AIX does (shared/aix/FORMATS.md, the fixtures in tests/fixtures/logs),
 * copies everything to /var/adm/ras/alt_mig/<client>_alt_mig.log in the
 * lab's file tree, takes simulated time (the lab's time_scale, or
 * NIMSIM_TIME_SCALE), honours -P, fails where the lab says the real one
 * would (or where nimadm_fault injects it) and changes the lab as it goes
 * (nimadm_lab.c).
 *
 * Output goes to stdout; once the flags are read, stderr is the same stream,
 * so a reader with two pipes sees the lines in nimadm's order.
 */
#include "nimadm.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NM_RULE  "+-----------------------------------------------------------------------------+"
#define NM_READY "ready for a NIM operation"
#define NM_BUSY  "alt_disk_install operation is being performed"

/* Simulated AIX durations of the phases (ms): a full run takes 77 minutes over NFS
 * and 96 with local disk caching, so a lab at time_scale 0.01 runs it in a minute. */
#define P1_MS       600000L
#define P2_MS       60000L
#define P3_NFS_MS   30000L
#define P3_CACHE_MS 600000L
#define P4_MS       5000L
#define P5_MS       600000L
#define P6_MS       2700000L
#define P7_MS       5000L
#define P8_MS       180000L
#define P9_NFS_MS   60000L
#define P9_CACHE_MS 600000L
#define P10_MS      60000L
#define P11_MS      300000L
#define P12_MS      30000L

/* ---- injected failures ------------------------------------------------------------ */

static const struct {
	const char *name;
	unsigned bit;
} nm_fault_names[] = {
	{ "phase9-restore", NM_FAULT_RESTORE },
	{ "cleanup-umount-busy", NM_FAULT_UMOUNT },
	{ "domainname", NM_FAULT_DOMAINNAME },
};

int sim_nimadm_fault_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(nm_fault_names); i++)
		if (strcmp(nm_fault_names[i].name, name) == 0)
			return 1;
	return 0;
}

/* ---- output and time ------------------------------------------------------------------ */

void nm_say(struct nm *nm, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	sb_adds(&sb, line);
	sb_addc(&sb, '\n');
	fputs(sb_str(&sb), stdout);
	fflush(stdout);
	if (nm->log != NULL) {
		fputs(sb_str(&sb), nm->log);
		fflush(nm->log);
	} else {
		sb_adds(&nm->pending, sb_str(&sb));
	}
	if (nm->clog != NULL) {
		fputs(sb_str(&sb), nm->clog);
		fflush(nm->clog);
	}
	sb_free(&sb);
	free(line);
}

/* Whoever read our output has gone (a killed supervisor): end as the next write would,
 * before the lab is changed any further. */
static void nm_check_reader(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0, .revents = 0 };

	if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR) != 0) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
}

void nm_wait(struct nm *nm, long ms)
{
	long whole;

	if (ms <= 0)
		return;
	nm->aix_ms += ms;
	nm->owed_ms += (double)ms * nm->scale;
	if (nm->owed_ms < 1.0)
		return;
	whole = (long)nm->owed_ms;
	nm->owed_ms -= (double)whole;
	sim_sleep_ms(whole);
	nm_check_reader();
}

int nm_has(const struct nm *nm, int c)
{
	return c > 0 && c < 128 && nm->val[c] != NULL;
}

static void nm_banner(struct nm *nm, int n)
{
	nm_say(nm, "%s", "");
	nm_say(nm, NM_RULE);
	nm_say(nm, "Executing nimadm phase %d.", n);
	nm_say(nm, NM_RULE);
}

/* installp's "N hrs N mins N secs" / "N mins N secs" / "N secs". */
static void nm_duration(long long ms, char *buf, size_t size)
{
	long long s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, size, "%lld hrs %lld mins %lld secs", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		snprintf(buf, size, "%lld mins %lld secs", s / 60, s % 60);
	else
		snprintf(buf, size, "%lld secs", s);
}

/* ---- lab facts ---------------------------------------------------------------------------- */

size_t nm_rootvg_lvs(const struct sim_host *h, const struct sim_lv **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; h != NULL && i < h->nlvs && n < max; i++)
		if (strcmp(h->lvs[i].vg, "rootvg") == 0)
			out[n++] = &h->lvs[i];
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The mount points of the rootvg file systems, sorted ("/", "/admin", "/home", ...). */
static void nm_mounts(const struct sim_host *h, struct strv *out)
{
	const struct sim_lv *lvs[256];
	size_t n = nm_rootvg_lvs(h, lvs, ARRAY_LEN(lvs));

	for (size_t i = 0; i < n; i++)
		if (lvs[i]->mount[0] == '/')
			strv_push(out, lvs[i]->mount);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_str);
}

/* "/alt_inst" + mount ("/" -> "/alt_inst"). Owned. */
static char *nm_alt(const char *prefix, const char *mount)
{
	return xasprintf("%s%s", prefix, strcmp(mount, "/") == 0 ? "" : mount);
}

/* The host whose rootvg is copied (the client, or the mksysb's source, or the master). */
static const struct sim_host *nm_source(const struct nm *nm)
{
	const struct sim_host *h = NULL;

	if (nm->client != NULL)
		return nm->client;
	if (nm->mksysb != NULL && nm->mksysb->source_image != NULL)
		h = sim_lab_host(nm->lab, nm->mksysb->source_image);
	return h != NULL ? h : nm->master;
}

static const char *nm_fileset_level(const struct sim_filesets *fs, const char *name)
{
	const struct sim_fileset *f = sim_filesets_find(fs, name);
	return f != NULL ? f->level : NULL;
}

/* a <=> b as oslevel -s strings (build weeks ignored). */
static int nm_level_cmp(const char *a, const char *b)
{
	struct sim_level x, y;
	int dx[4], dy[4];

	if (sim_level_parse(a, &x) != 0 || sim_level_parse(b, &y) != 0)
		return 0;
	dx[0] = x.ver, dx[1] = x.rel, dx[2] = x.tl, dx[3] = x.sp;
	dy[0] = y.ver, dy[1] = y.rel, dy[2] = y.tl, dy[3] = y.sp;
	for (int i = 0; i < 4; i++)
		if (dx[i] != dy[i])
			return dx[i] < dy[i] ? -1 : 1;
	return 0;
}

static const char *nm_cstate(const struct sim_host *h)
{
	const char *c = sim_attrs_get(&h->nim, "Cstate");
	return c != NULL ? c : NM_READY;
}

/* The first disk of rootvg (where the bootlist goes back to). */
static const char *nm_boot_disk(const struct sim_host *h)
{
	for (size_t i = 0; i < h->ndisks; i++)
		if (h->disks[i].vg != NULL && strcmp(h->disks[i].vg, "rootvg") == 0)
			return h->disks[i].name;
	return "hdisk0";
}

/* ---- flags ------------------------------------------------------------------------------------
 */

static void nm_usage(void)
{
	fputs("Usage:\tnimadm -l lpp_source -c NIMClient -s SPOT -d TargetDisks\n"
	      "\t       [-a PreMigrationScript] [-b installp_bundle] [-z PostMigrationScript]\n"
	      "\t       [-e exclude_files] [-i image_data] [-m NFSMountOptions]\n"
	      "\t       [-o bosinst_data] [-P Phase] [-j VGname] [-Y] [-U] [-F] [-D] [-E]\n"
	      "\t       [-V] [{-B | -r}]\n"
	      "\tnimadm -T NIMmksysb -c NIMClient -s SPOT -l lpp_source -d TargetDisks\n"
	      "\t       -j VGname -Y [...]\n"
	      "\tnimadm -T NIMmksysb -O mksysbFile -s SPOT -l lpp_source -j VGname -Y\n"
	      "\t       [-N NIMmksysb] [...]\n"
	      "\tnimadm -c NIMClient -O mksysbFile -s SPOT -l lpp_source -j VGname -Y\n"
	      "\t       [-N NIMmksysb] [...]\n"
	      "\tnimadm -C -c NIMClient -s SPOT [-F] [-D] [-E]\n"
	      "\tnimadm -W -c NIMClient -s SPOT -d TargetDisks [-m NFSMountOptions]\n"
	      "\t       [-z PostMigrationScript] [-F] [-D] [-E]\n"
	      "\tnimadm -S -c NIMClient -s SPOT [-F] [-D] [-E]\n"
	      "\tnimadm -M -s SPOT -l lpp_source [-d Device] [-P] [-F]\n",
	      stderr);
}

/* Per mode: the flags its synopsis has, and those it requires. */
static const struct {
	const char *allowed;
	const char *required;
} nm_synopsis[] = {
	[NM_MIGRATE] = { "lcsdjYUabzeimoPFDEVBr", "lcsd" },
	[NM_M2C] = { "TcsldjYUabzimoPFDEVBr", "TcsldjY" },
	[NM_M2M] = { "TOsljYNUabzimoPFDEV", "TOsljY" },
	[NM_C2M] = { "cOsljYNabzeimoPFDEV", "cOsljY" },
	[NM_CLEANUP] = { "CcsFDE", "cs" },
	[NM_WAKE] = { "WcsdmzFDE", "csd" },
	[NM_SLEEP] = { "ScsFDE", "cs" },
	[NM_SYNC] = { "MsldPF", "sl" },
};

/* A NIM object name as NIM accepts it. */
static int nm_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 39)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return 0;
	return 1;
}

static int nm_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* "1 2 3", "1-3", "6,7,8-12" -> bit n for phase n; 0 when invalid. */
static unsigned nm_parse_phases(const char *s)
{
	unsigned mask = 0;

	while (*s != '\0') {
		long a, b;
		char *end;
		if (*s == ' ' || *s == ',' || *s == '\t') {
			s++;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return 0;
		a = strtol(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			if (!isdigit((unsigned char)s[1]))
				return 0;
			b = strtol(s + 1, &end, 10);
			s = end;
		}
		if (a < 1 || b > 12 || a > b)
			return 0;
		for (long n = a; n <= b; n++)
			mask |= 1u << n;
	}
	return mask;
}

#define NM_SPEC_P_ARG "l:c:s:d:a:b:z:e:i:j:m:o:P:YUFDEVBrCWSMT:O:N:"
#define NM_SPEC_P     "l:c:s:d:a:b:z:e:i:j:m:o:PYUFDEVBrCWSMT:O:N:"

static int nm_parse(struct nm *nm, int argc, char **argv)
{
	struct sim_opt o;
	int c, sync = 0, modes = 0;
	const char *why = NULL;

	/* -P takes phases, except with -M (preview): find -M first */
	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, NM_SPEC_P_ARG)) != -1)
		if (c == 'M')
			sync = 1;
	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, sync ? NM_SPEC_P : NM_SPEC_P_ARG)) != -1) {
		if (c == '?' || c == ':') {
			sim_opt_complain("nimadm", c, o.opt);
			nm_usage();
			return 1;
		}
		nm->val[c] = o.arg != NULL ? o.arg : "";
	}
	if (o.ind < argc) {
		fprintf(stderr, "nimadm: unexpected argument: %s\n", argv[o.ind]);
		nm_usage();
		return 1;
	}
	for (const char *m = "CWSM"; *m != '\0'; m++)
		modes += nm_has(nm, *m);
	if (modes > 1) {
		fputs("nimadm: -C, -W, -S and -M cannot be used together.\n", stderr);
		nm_usage();
		return 1;
	}
	nm->mode = nm_has(nm, 'C')   ? NM_CLEANUP
	           : nm_has(nm, 'W') ? NM_WAKE
	           : nm_has(nm, 'S') ? NM_SLEEP
	           : nm_has(nm, 'M') ? NM_SYNC
	           : nm_has(nm, 'T') ? (nm_has(nm, 'O') ? NM_M2M : NM_M2C)
	           : nm_has(nm, 'O') ? NM_C2M
	                             : NM_MIGRATE;
	for (int f = 1; f < 128; f++) {
		if (nm_has(nm, f) && strchr(nm_synopsis[nm->mode].allowed, f) == NULL) {
			fprintf(stderr,
			        "nimadm: The -%c flag cannot be used with this operation.\n", f);
			nm_usage();
			return 1;
		}
	}
	for (const char *r = nm_synopsis[nm->mode].required; *r != '\0'; r++) {
		if (!nm_has(nm, *r) || (*r != 'Y' && nm->val[(int)*r][0] == '\0')) {
			fprintf(stderr, "nimadm: The -%c flag is required for this operation.\n",
			        *r);
			nm_usage();
			return 1;
		}
	}
	if (nm_has(nm, 'B') && nm_has(nm, 'r')) {
		fputs("nimadm: The -B and -r flags cannot be used together.\n", stderr);
		nm_usage();
		return 1;
	}
	if (nm_has(nm, 'P') && nm->mode != NM_SYNC) {
		nm->phases = nm_parse_phases(nm->val['P']);
		if (nm->phases == 0) {
			fprintf(stderr, "nimadm: Invalid phase \"%s\": the phases are 1 - 12.\n",
			        nm->val['P']);
			nm_usage();
			return 1;
		}
	}
	/* what can reach the lab's state must be what NIM and AIX accept */
	if (nm_has(nm, 'N') && !nm_name_ok(nm->val['N']))
		why = "-N: not a valid NIM object name";
	if (nm_has(nm, 'O') &&
	    (nm->val['O'][0] != '/' || !nm_printable(nm->val['O']) || strlen(nm->val['O']) > 1023))
		why = "-O: the mksysb file must be a full path name";
	if (why != NULL) {
		fprintf(stderr, "nimadm: %s\n", why);
		nm_usage();
		return 1;
	}
	if (nm_has(nm, 'd') && nm->mode != NM_SYNC) {
		struct err e;
		if (sim_words_split(nm->val['d'], &nm->disks, &e) != 0 || nm->disks.n == 0) {
			fprintf(stderr, "nimadm: Invalid target disk list \"%s\".\n", nm->val['d']);
			nm_usage();
			return 1;
		}
	}
	nm->cache = nm_has(nm, 'j');
	return 0;
}

/* ---- the start-up: objects, client, eligibility ------------------------------------------- */

static int nm_no_object(struct nm *nm, const char *name)
{
	nm_say(nm, "0042-053 lsnim: there is no NIM object named \"%s\"", name);
	return 1;
}

/* The resource of flag f, which must be of type t; 0, or 1 after saying why not. */
static int nm_res(struct nm *nm, int f, enum sim_res_type t, struct sim_res **out)
{
	struct sim_res *r;

	if (!nm_has(nm, f))
		return 0;
	r = sim_lab_res(nm->lab, nm->val[f]);
	if (r == NULL)
		return nm_no_object(nm, nm->val[f]);
	if (r->type != t) {
		nm_say(nm, "nimadm: %s is not a %s resource (its type is %s).", r->name,
		       sim_res_type_name(t), sim_res_type_name(r->type));
		return 1;
	}
	if (out != NULL)
		*out = r;
	return 0;
}

static int nm_objects(struct nm *nm)
{
	if (nm_has(nm, 'c')) {
		nm->client = sim_lab_host(nm->lab, nm->val['c']);
		if (nm->client == NULL || nm->client->is_master) {
			nm->client = NULL;
			return nm_no_object(nm, nm->val['c']);
		}
	}
	if (nm_res(nm, 's', SIM_RES_SPOT, &nm->spot) ||
	    nm_res(nm, 'l', SIM_RES_LPP_SOURCE, &nm->lpp) ||
	    nm_res(nm, 'T', SIM_RES_MKSYSB, &nm->mksysb) || nm_res(nm, 'a', SIM_RES_SCRIPT, NULL) ||
	    nm_res(nm, 'z', SIM_RES_SCRIPT, NULL) ||
	    nm_res(nm, 'b', SIM_RES_INSTALLP_BUNDLE, NULL) ||
	    nm_res(nm, 'e', SIM_RES_EXCLUDE_FILES, NULL) ||
	    nm_res(nm, 'i', SIM_RES_IMAGE_DATA, NULL) ||
	    nm_res(nm, 'o', SIM_RES_BOSINST_DATA, NULL))
		return 1;
	if (nm->spot != NULL) {
		struct sim_level l;
		if (sim_level_parse(nm->spot->oslevel, &l) == 0)
			snprintf(nm->vr, sizeof nm->vr, "%d.%d", l.ver, l.rel);
	}
	nm->name = xstrdup(nm->client != NULL   ? nm->client->name
	                   : nm->mksysb != NULL ? nm->mksysb->name
	                                        : nm->spot->name);
	for (size_t i = 0; nm->client != NULL && i < nm->client->nimadm_faults.n; i++)
		for (size_t k = 0; k < ARRAY_LEN(nm_fault_names); k++)
			if (strcmp(nm_fault_names[k].name, nm->client->nimadm_faults.v[i]) == 0)
				nm->faults |= nm_fault_names[k].bit;
	return 0;
}

/* Reaches the client as nimadm does (rsh, or nimsh's c_rsh); the transport's own
 * complaint is what the operator sees. 0 when the client answered. */
static int nm_reach(struct nm *nm)
{
	struct sim_ctx sub = *nm->ctx;
	char *argv[4];
	int saved, nul, rc;

	argv[0] = nm->client->connect == SIM_CONNECT_NIMSH ? "c_rsh" : "rsh";
	argv[1] = nm->client->hostname;
	argv[2] = "oslevel";
	argv[3] = NULL;
	sub.host = nm->master;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	nul = open("/dev/null", O_WRONLY);
	if (saved < 0 || nul < 0) {
		if (saved >= 0)
			close(saved);
		if (nul >= 0)
			close(nul);
		return 0;
	}
	dup2(nul, STDOUT_FILENO);
	close(nul);
	rc = sim_run(&sub, 3, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

static int nm_client_init(struct nm *nm)
{
	struct nm_record rec;
	const char *cs;
	int phased_ok;

	nm_say(nm, "Initializing NIM client %s.", nm->client->name);
	if (nm_reach(nm) != 0) {
		nm_say(nm, "nimadm: Unable to run commands on client %s.", nm->client->name);
		return 1;
	}
	if (nm->mode == NM_CLEANUP)
		return 0;
	cs = nm_cstate(nm->client);
	if (strcmp(cs, NM_READY) == 0 || nm_has(nm, 'F'))
		return 0;
	/* a phased run keeps the client busy between its nimadm calls */
	nm_lab_record_get(nm, &rec);
	phased_ok = rec.exists && strcmp(cs, NM_BUSY) == 0 && nm->phases != 0;
	nm_record_free(&rec);
	if (phased_ok)
		return 0;
	nm_say(nm, "nimadm: NIM client %s is not ready for a NIM operation (Cstate: %s).",
	       nm->client->name, cs);
	nm_say(nm, "nimadm: Clean it up with nimadm -C, or reset its NIM state.");
	return 1;
}

static void nm_nfs(struct nm *nm)
{
	int first = nm_lab_nfs_first(nm);

	nm_say(nm, "0513-029 The biod Subsystem is already active.");
	nm_say(nm, "Multiple instances are not supported.");
	if (first) {
		nm_say(nm,
		       "0513-059 The nfsd Subsystem has been started. Subsystem PID is 8520012.");
		nm_say(nm, "0513-059 The rpc.mountd Subsystem has been started. Subsystem PID is "
		           "8716654.");
	} else {
		nm_say(nm, "0513-029 The nfsd Subsystem is already active.");
		nm_say(nm, "Multiple instances are not supported.");
		nm_say(nm, "0513-029 The rpc.mountd Subsystem is already active.");
		nm_say(nm, "Multiple instances are not supported.");
	}
}

/* The checks nimadm makes before it changes anything. 0, or 1 after saying why. */
static int nm_eligible(struct nm *nm)
{
	const char *mlevel = nm_fileset_level(&nm->master->filesets, "bos.alt_disk_install.rte");
	const char *slevel = nm_fileset_level(&nm->spot->filesets, "bos.alt_disk_install.rte");
	const char *from = nm->mksysb != NULL   ? nm->mksysb->oslevel
	                   : nm->client != NULL ? nm->client->oslevel
	                                        : NULL;

	nm_say(nm, "Verifying alt_disk_migration eligibility.");
	nm_wait(nm, 3000);
	if (mlevel == NULL || slevel == NULL || strcmp(mlevel, slevel) != 0) {
		nm_say(nm,
		       "0505-205 nimadm: The level of bos.alt_disk_install.rte installed in SPOT");
		nm_say(nm, "%s (%s) does not match the NIM master's level (%s).", nm->spot->name,
		       slevel != NULL ? slevel : "not installed",
		       mlevel != NULL ? mlevel : "not installed");
		return 1;
	}
	if (nm_level_cmp(nm->master->oslevel, nm->spot->oslevel) < 0) {
		nm_say(nm,
		       "nimadm: The NIM master (%s) must be at the level of SPOT %s (%s) or "
		       "higher.",
		       nm->master->oslevel, nm->spot->name, nm->spot->oslevel);
		return 1;
	}
	if (from != NULL && nm_level_cmp(from, nm->spot->oslevel) >= 0) {
		nm_say(nm, "nimadm: %s is already at %s: SPOT %s (%s) is not a newer level.",
		       nm->name, from, nm->spot->name, nm->spot->oslevel);
		return 1;
	}
	if (nm_has(nm, 'U') && from != NULL) {
		struct sim_level a, b;
		if (sim_level_parse(from, &a) == 0 && sim_level_parse(nm->spot->oslevel, &b) == 0 &&
		    (a.ver != b.ver || a.rel != b.rel || b.ver * 100 + b.rel * 10 + b.tl < 733)) {
			nm_say(nm,
			       "nimadm: -U updates within AIX 7.3 TL3 or later: %s is at %d.%d, "
			       "SPOT %s at %d.%d TL%d.",
			       nm->name, a.ver, a.rel, nm->spot->name, b.ver, b.rel, b.tl);
			return 1;
		}
	}
	if (nm->client != NULL && nm->client->tcb && !nm->cache && nm->mode != NM_C2M) {
		nm_say(nm, "nimadm: Trusted Computing Base (TCB) is enabled on client %s.",
		       nm->client->name);
		nm_say(nm, "nimadm: A client with TCB can only be migrated with local disk caching "
		           "(-j VGname).");
		return 1;
	}
	if (nm->cache) {
		const struct sim_vg *v = sim_host_vg(nm->master, nm->val['j']);
		if (v == NULL || !v->active) {
			if (v == NULL) {
				nm_say(
				    nm,
				    "0516-306 lsvg: Unable to find volume group %s in the Device",
				    nm->val['j']);
				nm_say(nm, "        Configuration Database.");
			} else {
				nm_say(nm,
				       "0516-010 : Volume group must be varied on; use varyonvg "
				       "command.");
			}
			nm_say(nm, "nimadm: Unable to use volume group %s for local disk caching.",
			       nm->val['j']);
			return 1;
		}
	}
	if (nm_has(nm, 'N') &&
	    (sim_lab_res(nm->lab, nm->val['N']) != NULL ||
	     sim_lab_host(nm->lab, nm->val['N']) != NULL || strcmp(nm->val['N'], "boot") == 0 ||
	     strcmp(nm->val['N'], "nim_script") == 0)) {
		nm_say(nm, "nimadm: The NIM object %s already exists: choose another -N name.",
		       nm->val['N']);
		return 1;
	}
	return 0;
}

static void nm_open_log(struct nm *nm, int append)
{
	char *file = xasprintf("/var/adm/ras/alt_mig/%s_alt_mig.log", nm->name);

	FILE *f = sim_files_open(nm->lab, nm->master, file, append ? "a" : "w");

	nm_say(nm, "Initializing log: %s", file);
	nm->log = f;
	if (nm->log != NULL) {
		fputs(sb_str(&nm->pending), nm->log);
		fflush(nm->log);
	}
	sb_reset(&nm->pending);
	free(file);
}

static void nm_domainname(struct nm *nm, int where)
{
	if (!(nm->faults & NM_FAULT_DOMAINNAME) &&
	    sim_filesets_find(&nm->master->filesets, "bos.net.nis.client") != NULL)
		return;
	if (where == 0)
		nm_say(nm, "domainname: not found");
	else
		nm_say(nm, "/usr/lpp/bos.sysmgt/nim/methods/c_nimadm_mig[212]: domainname:  not "
		           "found.");
}

/* ---- the phases -------------------------------------------------------------------------------
 */

static int nm_has_disks(const struct nm *nm)
{
	return nm->mode == NM_MIGRATE || nm->mode == NM_M2C;
}

static char *nm_disk_list(const struct nm *nm)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < nm->disks.n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, nm->disks.v[i]);
	}
	return sb_steal(&sb);
}

static void nm_client_log(struct nm *nm, int append)
{
	if (nm->client != NULL)
		nm->clog = sim_files_open(nm->lab, nm->client, "/var/adm/ras/alt_disk_inst.log",
		                          append ? "a" : "w");
}

static void nm_client_log_close(struct nm *nm)
{
	if (nm->clog != NULL)
		fclose(nm->clog);
	nm->clog = NULL;
}

static int nm_clone_failed(struct nm *nm, int cleaning)
{
	if (cleaning)
		nm_say(nm, "Cleaning up.");
	nm_client_log_close(nm);
	nm_say(nm, "0505-187 nimadm: Error cloning altinst_rootvg on client.");
	return -1;
}

static int nm_phase1_clone(struct nm *nm)
{
	const struct sim_host *c = nm->client, *src = nm_source(nm);
	const struct sim_vg *rvg = sim_host_vg(src, "rootvg");
	const struct sim_lv *lvs[256];
	struct strv mounts = { 0 };
	size_t n = nm_rootvg_lvs(src, lvs, ARRAY_LEN(lvs)), fail_at;
	long have = 0, used = 0, per;
	int pp = rvg != NULL ? rvg->pp_size : 64;
	char *disks = nm_disk_list(nm);
	const char *ncargs;

	if (nm->mode == NM_M2C)
		nm_say(nm, "Restoring mksysb %s onto altinst_rootvg on client, Phase 1.",
		       nm->mksysb->name);
	else
		nm_say(nm, "Cloning altinst_rootvg on client, Phase 1.");
	nm_say(nm, "Client alt_disk_install command: %s%s -M %s -P1 -d \"%s\"",
	       nm->mode == NM_M2C ? "alt_disk_mksysb" : "alt_disk_copy", nm->cache ? " -j" : "",
	       nm->vr, disks);
	free(disks);
	nm_client_log(nm, 0);
	nm_say(nm, "Calling mkszfile to create new /image.data file.");
	nm_wait(nm, P1_MS / 60);
	nm_say(nm, "Checking disk sizes.");
	nm_wait(nm, P1_MS / 60);
	for (size_t i = 0; i < nm->disks.n; i++) {
		const struct sim_disk *d = sim_host_disk(c, nm->disks.v[i]);
		if (d == NULL) {
			nm_say(nm, "0516-1396 lspv: The physical volume %s, was not found in the",
			       nm->disks.v[i]);
			nm_say(nm, "system database.");
			return nm_clone_failed(nm, 0);
		}
		if (d->vg != NULL) {
			nm_say(
			    nm,
			    "0505-126 alt_disk_copy: target disk %s has a volume group assigned to "
			    "it.",
			    d->name);
			return nm_clone_failed(nm, 0);
		}
		have += sim_disk_pps(d->size_mb, pp);
	}
	/* the LVs alt_disk_copy manages to create before one fails (name or space) */
	for (fail_at = 0; fail_at < n; fail_at++) {
		used += lvs[fail_at]->lps;
		if (strlen(lvs[fail_at]->name) + 4 > 15 || used > have)
			break;
	}
	used = 0;
	nm_say(nm, "Creating cloned rootvg volume group and associated logical volumes.");
	if (nm_lab_clone(nm, fail_at) != 0)
		return nm_clone_failed(nm, 1);
	per = (long)(P1_MS / 10 / (n > 0 ? (long)n : 1));
	for (size_t i = 0; i < n; i++) {
		nm_say(nm, "Creating logical volume alt_%s.", lvs[i]->name);
		nm_wait(nm, per);
		if (strlen(lvs[i]->name) + 4 > 15) {
			nm_say(nm,
			       "mklv: The logical volume name alt_%s is longer than 15 characters.",
			       lvs[i]->name);
			nm_say(nm,
			       "alt_disk_copy: 0505-115 An error occurred while creating logical "
			       "volume alt_%s.",
			       lvs[i]->name);
			return nm_clone_failed(nm, 1);
		}
		used += lvs[i]->lps;
		if (used > have) {
			nm_say(nm, "0516-404 allocp: This system cannot fulfill the allocation "
			           "request.");
			nm_say(nm, "\tThere are not enough free partitions or not enough physical "
			           "volumes ");
			nm_say(nm, "\tto keep strictness and satisfy allocation requests.  The "
			           "command");
			nm_say(nm,
			       "\tshould be retried with different allocation characteristics.");
			nm_say(nm, "0516-822 mklv: Unable to create logical volume.");
			nm_say(nm,
			       "alt_disk_copy: 0505-115 An error occurred while creating logical "
			       "volume alt_%s.",
			       lvs[i]->name);
			return nm_clone_failed(nm, 1);
		}
	}
	nm_mounts(src, &mounts);
	for (size_t i = 0; i < mounts.n; i++) {
		char *alt = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "Creating %s file system.", alt);
		nm_wait(nm, P1_MS / 60 / (long)mounts.n);
		free(alt);
	}
	strv_free(&mounts);
	nm_say(nm, "Generating a list of files");
	nm_say(nm, "for backup and restore into the alternate file system...");
	nm_wait(nm, P1_MS / 10);
	ncargs = sim_host_sys0(c, "ncargs");
	if (ncargs != NULL && str_to_ll(ncargs) >= 0 && str_to_ll(ncargs) < 256) {
		nm_say(nm, "/usr/sbin/alt_disk_copy[1412]: /usr/bin/xargs: 0403-027 The parameter "
		           "list is too long.");
		return nm_clone_failed(nm, 1);
	}
	nm_say(nm, "Backing-up the rootvg files and restoring them to the");
	nm_say(nm, "alternate file system...");
	nm_wait(nm, P1_MS - P1_MS / 60 * 3 - P1_MS / 10 * 2);
	nm_client_log_close(nm);
	return 0;
}

/* Phase 1 of the mksysb modes without a client disk: the image goes into the cache. */
static int nm_phase1_image(struct nm *nm)
{
	if (nm->mode == NM_C2M) {
		nm_say(nm, "Creating a backup of rootvg on client %s for the cache.",
		       nm->client->name);
		nm_wait(nm, P1_MS / 2);
	} else {
		nm_say(nm, "Checking mksysb image %s (%s).", nm->mksysb->name,
		       nm->mksysb->location);
		nm_wait(nm, P1_MS / 10);
		nm_say(nm, "Restoring image.data from mksysb image %s.", nm->mksysb->name);
		nm_wait(nm, P1_MS / 10);
	}
	return 0;
}

static int nm_phase2(struct nm *nm)
{
	const struct sim_host *src = nm_source(nm);
	struct strv mounts = { 0 };

	nm_mounts(src, &mounts);
	if (nm->cache) {
		nm_say(nm, "Creating nimadm cache file systems on volume group %s.", nm->val['j']);
		nm_wait(nm, P2_MS / 4);
		nm_say(nm, "Checking for initial required migration space.");
		if (nm_lab_cache(nm, 1) != 0) {
			strv_free(&mounts);
			return -1;
		}
		for (size_t i = 0; i < mounts.n; i++) {
			char *fs = nm_alt("/alt_inst", mounts.v[i]);
			nm_say(nm, "Creating cache file system /%s_alt%s", nm->name, fs);
			nm_wait(nm, P2_MS / 2 / (long)mounts.n);
			free(fs);
		}
	} else {
		nm_say(nm, "Exporting alt_inst file systems from client %s", nm->client->name);
		nm_say(nm, "to NIM master %s:", nm->master->hostname);
		for (size_t i = 0; i < mounts.n; i++) {
			char *fs = nm_alt("/alt_inst", mounts.v[i]);
			nm_say(nm, "Exporting file system %s on client", fs);
			nm_wait(nm, P2_MS / (long)mounts.n);
			free(fs);
		}
	}
	strv_free(&mounts);
	return 0;
}

static int nm_phase3(struct nm *nm)
{
	struct strv mounts = { 0 };

	if (nm->mode == NM_M2C || nm->mode == NM_M2M) {
		nm_say(nm, "Restoring mksysb image %s to cache ...", nm->mksysb->name);
		nm_wait(nm, P3_CACHE_MS);
		return 0;
	}
	if (nm->cache) {
		nm_say(nm, "Syncing client data to cache ...");
		nm_wait(nm, P3_CACHE_MS);
		return 0;
	}
	nm_mounts(nm->client, &mounts);
	for (size_t i = 0; i < mounts.n; i++) {
		char *from = nm_alt("/alt_inst", mounts.v[i]);
		char *to = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "Mounting client file system %s on /%s_alt%s", from, nm->name, to);
		nm_wait(nm, P3_NFS_MS / (long)mounts.n);
		free(from);
		free(to);
	}
	strv_free(&mounts);
	return 0;
}

static int nm_script_phase(struct nm *nm, int f, long ms)
{
	if (nm_has(nm, f)) {
		const struct sim_res *r = sim_lab_res(nm->lab, nm->val[f]);
		nm_say(nm, "Executing user customization script %s.",
		       r != NULL ? r->location : nm->val[f]);
		nm_wait(nm, ms * 12);
	} else {
		nm_say(nm, "nimadm: There is no user customization script specified for this "
		           "phase.");
		nm_wait(nm, ms);
	}
	return 0;
}

static int nm_phase4(struct nm *nm)
{
	nm_script_phase(nm, 'a', P4_MS);
	nm_domainname(nm, 1);
	return 0;
}

static int nm_phase5(struct nm *nm)
{
	static const char *const methods[] = {
		"ODM_merge Config_Rules",
		"ODM_merge SRCextmeth",
		"ODM_merge SRCsubsys",
		"ODM_merge SWservAt",
		"ODM_merge pse.conf",
		"ODM_merge vfs",
		"ODM_merge xtiso.conf",
		"ODM_merge PdAtXtd",
		"ODM_merge PdDv",
		"convert_errnotify",
		"passwd_mig",
		"login_mig",
		"user_mig",
		"secur_mig",
		"RoleMerge",
		"methods_mig",
		"mkusr_mig",
		"group_mig",
		"ldapcfg_mig",
		"ldapmap_mig",
		"convert_errlog",
		"ODM_merge GAI",
		"ODM_merge PdAt",
		"merge_smit_db",
		"ODM_merge fix",
		"merge_swvpds",
		"SysckMerge",
	};

	nm_say(nm, "Saving system configuration files.");
	nm_wait(nm, P5_MS / 20);
	nm_say(nm, "Checking for initial required migration space.");
	nm_wait(nm, P5_MS / 20);
	nm_say(nm, "Setting up for base operating system restore.");
	nm_say(nm, "/%s_alt/alt_inst", nm->name);
	nm_wait(nm, P5_MS / 20);
	nm_say(nm, "Restoring base operating system.");
	nm_wait(nm, P5_MS / 2);
	nm_say(nm, "Merging system configuration files.");
	nm_say(nm, "......");
	for (size_t i = 0; i < ARRAY_LEN(methods); i++) {
		nm_say(nm, "Running migration merge method: %s.", methods[i]);
		nm_wait(nm, P5_MS * 7 / 20 / (long)ARRAY_LEN(methods));
	}
	return 0;
}

/* installp's section titles between rules, indented as installp does. */
static void nm_title(struct nm *nm, const char *title)
{
	static const struct {
		const char *title;
		int indent;
	} titles[] = {
		{ "Pre-installation Verification...", 20 },
		{ "BUILDDATE Verification ...", 19 },
		{ "Installing Software...", 25 },
		{ "Summaries:", 32 },
	};
	int indent = 20;

	for (size_t i = 0; i < ARRAY_LEN(titles); i++)
		if (strcmp(titles[i].title, title) == 0)
			indent = titles[i].indent;
	nm_say(nm, NM_RULE);
	nm_say(nm, "%*s%s", indent, "", title);
	nm_say(nm, NM_RULE);
}

static int nm_phase6(struct nm *nm)
{
	const struct sim_filesets *fs = &nm->lpp->filesets;
	size_t total = fs->n, done = 0, group = 0;
	long long start = nm->aix_ms;
	const char *bad = sim_filesets_find(fs, "sysmgt.websm.webaccess") != NULL
	                      ? "sysmgt.websm.webaccess"
	                      : NULL;
	char t[64] = "0 secs";

	nm_say(nm, "Installing and migrating software.");
	nm_say(nm, "Updating install utilities.");
	nm_wait(nm, P6_MS / 30);
	nm_title(nm, "Pre-installation Verification...");
	nm_say(nm, "Verifying selections...done");
	nm_say(nm, "Verifying requisites...done");
	nm_say(nm, "Results...");
	nm_say(nm, "%s", "");
	nm_say(nm, "SUCCESSES");
	nm_say(nm, "---------");
	nm_say(nm, "  Filesets listed in this section passed pre-installation verification");
	nm_say(nm, "  and will be installed.");
	nm_say(nm, "%s", "");
	nm_say(nm, "  Selected Filesets");
	nm_say(nm, "  -----------------");
	for (size_t i = 0; i < total; i++) {
		char sel[128];
		snprintf(sel, sizeof sel, "%s %s", fs->v[i].name, fs->v[i].level);
		nm_say(nm, "  %-40s # %s", sel, fs->v[i].desc != NULL ? fs->v[i].desc : "");
	}
	nm_say(nm, "  << End of Success Section >>");
	nm_say(nm, "%s", "");
	nm_title(nm, "BUILDDATE Verification ...");
	nm_say(nm, "Verifying build dates...done");
	nm_say(nm, "FILESET STATISTICS");
	nm_say(nm, "------------------");
	nm_say(nm, "%5zu  Selected to be installed, of which:", total);
	nm_say(nm, "%9zu  Passed pre-installation verification", total);
	nm_say(nm, "  ----");
	nm_say(nm, "%5zu  Total to be installed", total);
	nm_say(nm, "%s", "");
	nm_wait(nm, P6_MS / 30);
	nm_title(nm, "Installing Software...");
	while (done < total) {
		size_t k = 1 + (group % 3 == 0 ? 1 : group % 5 == 4 ? 2 : 0);
		int websm = 0;
		if (done + k > total)
			k = total - done;
		nm_say(nm, "%s", "");
		nm_say(nm, "installp:  APPLYING software for:");
		for (size_t i = done; i < done + k; i++) {
			nm_say(nm, "        %s %s", fs->v[i].name, fs->v[i].level);
			if (bad != NULL && strcmp(fs->v[i].name, bad) == 0)
				websm = 1;
		}
		nm_say(nm, "%s", "");
		if (group == 0) {
			nm_say(nm, "%s", "");
			nm_say(nm, ". . . . . << Copyright notice for bos >> . . . . . . .");
			nm_say(nm, " Licensed Materials - Property of IBM");
			nm_say(nm, "%s", "");
			nm_say(nm, " Copyright International Business Machines Corp. 1985, 2023.");
			nm_say(nm, "%s", "");
			nm_say(nm, " All rights reserved.");
			nm_say(nm, " US Government Users Restricted Rights - Use, duplication or "
			           "disclosure");
			nm_say(nm, " restricted by GSA ADP Schedule Contract with IBM Corp.");
			nm_say(nm, ". . . . . << End of copyright notice for bos >>. . . .");
			nm_say(nm, "%s", "");
		}
		if (websm) {
			nm_say(nm,
			       "Starting the Web-based System Manager web server in the alternate "
			       "root...");
			nm_say(nm, "%s", "");
			nm_say(nm,
			       "0503-464 installp:  The installation has FAILED for the \"root\" "
			       "part");
			nm_say(nm, "%s", "");
		}
		done += k;
		group++;
		nm_wait(nm, (P6_MS * 8 / 10) * (long)k / (long)(total > 0 ? total : 1));
		nm_duration(nm->aix_ms - start, t, sizeof t);
		nm_say(nm, "Filesets processed:  %zu of %zu  (Total time:  %s).", done, total, t);
	}
	nm_say(nm, "%s", "");
	nm_say(nm, "Finished processing all filesets.  (Total time:  %s).", t);
	nm_say(nm, "%s", "");
	nm_title(nm, "Summaries:");
	nm_say(nm, "%s", "");
	nm_say(nm, "Installation Summary");
	nm_say(nm, "--------------------");
	nm_say(nm, "Name                        Level           Part        Event       Result");
	nm_say(nm, "-------------------------------------------------------------------------"
	           "------");
	for (size_t i = 0; i < total; i++) {
		const struct sim_fileset *f = &fs->v[i];
		for (int part = 0; part < 2; part++) {
			unsigned bit = part == 0 ? SIM_PART_USR : SIM_PART_ROOT;
			int failed =
			    bad != NULL && strcmp(f->name, bad) == 0 && bit == SIM_PART_ROOT;
			if ((f->parts & bit) == 0)
				continue;
			nm_say(nm, "%-27s %-15s %-11s %-11s %-11s", f->name, f->level,
			       part == 0 ? "USR" : "ROOT", "APPLY", failed ? "FAILED" : "SUCCESS");
		}
	}
	nm_say(nm, "%s", "");
	if (bad != NULL) {
		nm_say(nm,
		       "0505-160 nimadm: Error installing and migrating software on the "
		       "alternate root of %s.",
		       nm->name);
		nm_say(nm, "0505-213 nimadm: Error returned from the installp command.");
		return -1;
	}
	nm_say(nm, "install_all_updates: Checking for updated install utilities on media.");
	nm_say(nm, "Checking for RPM packages to install.");
	nm_wait(nm, P6_MS / 30);
	return 0;
}

static int nm_phase7(struct nm *nm)
{
	return nm_script_phase(nm, 'z', P7_MS);
}

static int nm_phase8(struct nm *nm)
{
	nm_say(nm, "Creating client boot image.");
	nm_wait(nm, P8_MS / 2);
	nm_say(nm, "bosboot: Boot image is 51228 512 byte blocks.");
	nm_wait(nm, P8_MS / 4);
	if (nm_has_disks(nm))
		nm_say(nm, "Writing boot image to client's alternate boot disk %s.",
		       nm->disks.v[0]);
	nm_wait(nm, P8_MS / 4);
	return 0;
}

/* The cache LV that stays busy: /usr's, as in the field. */
static char *nm_busy_lv(const struct nm *nm)
{
	return nm_cache_lv_name(nm->name, "hd2");
}

static int nm_phase9(struct nm *nm)
{
	const struct sim_host *src = nm_source(nm);
	struct strv mounts = { 0 };

	nm_mounts(src, &mounts);
	if (nm->cache) {
		nm_say(nm, "Adjusting client file system sizes ...");
		for (size_t i = 0; i < mounts.n; i++) {
			nm_say(nm, "Adjusting size for %s", mounts.v[i]);
			nm_wait(nm, P9_CACHE_MS / 20 / (long)mounts.n);
		}
		strv_free(&mounts);
		if (!nm_has_disks(nm)) {
			nm_wait(nm, P9_CACHE_MS / 4);
			return 0;
		}
		nm_say(nm, "Syncing cache data to client ...");
		if (nm->faults & NM_FAULT_RESTORE) {
			nm_wait(nm, P9_CACHE_MS / 3);
			nm_say(nm, "restore: 0511-133 An unexpected end of file was reached while "
			           "reading the input.");
			nm_say(nm,
			       "restore: 0511-123 The volume on standard input is not in backup "
			       "format.");
			nm_say(nm, "0505-217 nimadm: Error syncing cache data to client.");
			return -1;
		}
		nm_wait(nm, P9_CACHE_MS * 19 / 20);
		return 0;
	}
	nm_say(nm, "Unmounting client mounts on the NIM master.");
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "forced unmount of /%s_alt%s", nm->name, fs);
		nm_wait(nm, P9_NFS_MS / (long)mounts.n);
		free(fs);
	}
	strv_free(&mounts);
	return 0;
}

static int nm_phase10(struct nm *nm)
{
	const struct sim_host *src = nm_source(nm);
	struct strv mounts = { 0 };

	nm_mounts(src, &mounts);
	if (nm->cache) {
		char *busy = nm_busy_lv(nm);
		nm_say(nm, "Unmounting client mounts on the NIM master.");
		for (size_t i = mounts.n; i-- > 0;) {
			char *fs = nm_alt("/alt_inst", mounts.v[i]);
			if ((nm->faults & NM_FAULT_UMOUNT) && strcmp(mounts.v[i], "/usr") == 0) {
				nm_wait(nm, P10_MS / 4);
				nm_say(nm, "umount: error unmounting /dev/%s: Device busy", busy);
				nm_say(
				    nm,
				    "0505-158 nimadm: WARNING, unexpected result from the umount "
				    "command.");
				nm_say(
				    nm,
				    "0505-192 nimadm: Error unmounting the cache file systems on "
				    "the NIM master.");
				nm->busy_cache = 1;
				free(fs);
				free(busy);
				strv_free(&mounts);
				return -1;
			}
			nm_say(nm, "forced unmount of /%s_alt%s", nm->name, fs);
			nm_wait(nm, P10_MS / 2 / (long)mounts.n);
			free(fs);
		}
		free(busy);
		nm_say(nm, "Removing nimadm cache file systems.");
		for (size_t i = mounts.n; i-- > 0;) {
			char *fs = nm_alt("/alt_inst", mounts.v[i]);
			nm_say(nm, "Removing cache file system /%s_alt%s", nm->name, fs);
			nm_wait(nm, P10_MS / 2 / (long)mounts.n);
			free(fs);
		}
		strv_free(&mounts);
		return nm_lab_cache(nm, 0);
	}
	nm_say(nm, "Unexporting alt_inst file systems on client %s:", nm->client->name);
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "unexporting %s", fs);
		nm_wait(nm, P10_MS / (long)mounts.n);
		free(fs);
	}
	strv_free(&mounts);
	return 0;
}

static int nm_phase11(struct nm *nm)
{
	struct strv mounts = { 0 };
	char *disks;

	if (!nm_has_disks(nm)) {
		nm_say(nm, "Creating mksysb image %s from the migrated image of %s.", nm->val['O'],
		       nm->name);
		nm_say(nm, "Creating information file (/image.data) for rootvg.");
		nm_wait(nm, P11_MS / 10);
		nm_say(nm, "Backing up the system to %s ...", nm->val['O']);
		nm_wait(nm, P11_MS * 8 / 10);
		if (nm_lab_mksysb(nm) != 0)
			return -1;
		nm_say(nm, "0512-038 mksysb: Backup Completed Successfully.");
		if (nm_has(nm, 'N'))
			nm_say(nm, "Defining NIM mksysb resource %s.", nm->val['N']);
		return 0;
	}
	disks = nm_disk_list(nm);
	nm_say(nm, "Cloning altinst_rootvg on client, Phase 3.");
	nm_say(nm, "Client alt_disk_install command: alt_disk_copy%s -M %s -P3 -d \"%s\"",
	       nm->cache ? " -j" : "", nm->vr, disks);
	free(disks);
	nm_client_log(nm, 1);
	nm_say(nm, "## Phase 3 ###################");
	nm_say(nm, "Verifying altinst_rootvg...");
	nm_wait(nm, P11_MS / 10);
	{
		struct sim_level l;
		int old = sim_level_parse(nm->client->oslevel, &l) == 0 &&
		          (l.ver < 7 || (l.ver == 7 && l.rel < 2));
		int multibos = 0;
		for (size_t i = 0; i < nm->client->nlvs; i++)
			if (strcmp(nm->client->lvs[i].name, "bos_hd5") == 0)
				multibos = 1;
		if (old && multibos) {
			nm_say(nm, "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an "
			           "unexpected result.");
			return nm_clone_failed(nm, 1);
		}
	}
	nm_say(nm, "Modifying ODM on cloned disk.");
	nm_wait(nm, P11_MS / 5);
	nm_say(nm, "Building boot image on cloned disk.");
	nm_wait(nm, P11_MS / 5);
	nm_mounts(nm_source(nm), &mounts);
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "forced unmount of %s", fs);
		nm_say(nm, "forced unmount of %s", fs);
		nm_wait(nm, P11_MS / 5 / (long)mounts.n);
		free(fs);
	}
	strv_free(&mounts);
	nm_say(nm, "Changing logical volume names in volume group descriptor area.");
	nm_say(nm, "Fixing LV control blocks...");
	nm_wait(nm, P11_MS / 10);
	nm_say(nm, "Fixing file system superblocks...");
	nm_wait(nm, P11_MS / 10);
	if (nm_lab_sleep(nm, !nm_has(nm, 'B')) != 0)
		return nm_clone_failed(nm, 1);
	if (!nm_has(nm, 'B'))
		nm_say(nm, "Bootlist is set to the boot disk: %s blv=hd5", nm->disks.v[0]);
	nm_client_log_close(nm);
	return 0;
}

static int nm_phase12(struct nm *nm)
{
	nm_say(nm, "Cleaning up alt_disk_migration on the NIM master.");
	nm_wait(nm, P12_MS / 2);
	if (nm->client != NULL)
		nm_say(nm, "Cleaning up alt_disk_migration on client %s.", nm->client->name);
	nm_wait(nm, P12_MS / 2);
	if (nm_lab_finish(nm) != 0)
		return -1;
	if (nm_has(nm, 'r') && nm_has_disks(nm)) {
		nm_say(nm, "Rebooting client %s.", nm->client->name);
		return nm_lab_reboot(nm);
	}
	return 0;
}

/* After a failure nimadm cleans up by itself; 1 (nimadm's exit status). */
static int nm_fail_cleanup(struct nm *nm)
{
	nm_client_log_close(nm);
	nm_say(nm, "Cleaning up alt_disk_migration on the NIM master.");
	if (nm->busy_cache) {
		char *busy = nm_busy_lv(nm);
		nm_say(nm, "umount: error unmounting /dev/%s: Device busy", busy);
		free(busy);
	}
	if (nm->client != NULL)
		nm_say(nm, "Cleaning up alt_disk_migration on client %s.", nm->client->name);
	if (nm_has_disks(nm)) {
		nm_say(nm, "Client alt_disk_install command: alt_disk_install -M %s -X", nm->vr);
		nm_say(nm, "Bootlist is set to the boot disk: %s blv=hd5",
		       nm_boot_disk(nm->client));
	}
	nm_lab_undo(nm, nm->busy_cache);
	return 1;
}

typedef int nm_phase_fn(struct nm *nm);

static int nm_phase1(struct nm *nm)
{
	return nm_has_disks(nm) ? nm_phase1_clone(nm) : nm_phase1_image(nm);
}

static int nm_migrate(struct nm *nm)
{
	static nm_phase_fn *const phases[13] = { NULL,      nm_phase1, nm_phase2,  nm_phase3,
		                                 nm_phase4, nm_phase5, nm_phase6,  nm_phase7,
		                                 nm_phase8, nm_phase9, nm_phase10, nm_phase11,
		                                 nm_phase12 };
	int lowest = 0;

	for (int n = 1; n <= 12 && nm->phases != 0; n++) {
		if (nm->phases & (1u << n)) {
			lowest = n;
			break;
		}
	}
	if (lowest >= 2 && lowest <= 11) {
		struct nm_record rec;
		int ok;
		nm_lab_record_get(nm, &rec);
		ok = rec.exists && (rec.done & 2u) != 0;
		nm_record_free(&rec);
		if (!ok) {
			nm_say(nm,
			       "nimadm: Phase 1 has not run for %s: there is no alternate rootvg "
			       "to work on.",
			       nm->name);
			nm_say(nm, "nimadm: Run nimadm -P 1 (or all phases) first.");
			return 1;
		}
	}
	nm_say(nm, "Starting Alternate Disk Migration.");
	nm_domainname(nm, 0);
	if (nm_lab_cstate_busy(nm) != 0)
		return 1;
	for (int n = 1; n <= 12; n++) {
		if (nm->phases != 0 && (nm->phases & (1u << n)) == 0)
			continue;
		nm_banner(nm, n);
		if (phases[n](nm) != 0)
			return nm_fail_cleanup(nm);
		if (n < 12 && nm_lab_record_phase(nm, n) != 0)
			return 1;
	}
	return 0;
}

/* ---- cleanup, wake-up, sleep, sync ------------------------------------------------------- */

static int nm_has_altinst(const struct sim_host *h)
{
	return sim_host_vg(h, "altinst_rootvg") != NULL;
}

static int nm_cleanup(struct nm *nm)
{
	int alt = nm_has_altinst(nm->client);

	nm_say(nm, "Cleaning up alt_disk_migration on the NIM master.");
	nm_wait(nm, P12_MS / 2);
	nm_say(nm, "Cleaning up alt_disk_migration on client %s.", nm->client->name);
	nm_wait(nm, P12_MS / 2);
	if (alt) {
		nm_say(nm, "Client alt_disk_install command: alt_disk_install -M %s -X", nm->vr);
		nm_say(nm, "Bootlist is set to the boot disk: %s blv=hd5",
		       nm_boot_disk(nm->client));
	}
	return nm_lab_undo(nm, 0) != 0;
}

/* The target disks must hold the client's altinst_rootvg. */
static int nm_alt_disks_ok(struct nm *nm, const char *cmd)
{
	if (!nm_has_altinst(nm->client)) {
		nm_say(nm, "%s: There is no altinst_rootvg volume group on client %s.", cmd,
		       nm->client->name);
		return 0;
	}
	for (size_t i = 0; i < nm->disks.n; i++) {
		const struct sim_disk *d = sim_host_disk(nm->client, nm->disks.v[i]);
		if (d == NULL || d->vg == NULL || strcmp(d->vg, "altinst_rootvg") != 0) {
			nm_say(nm, "%s: %s is not a disk of altinst_rootvg.", cmd, nm->disks.v[i]);
			return 0;
		}
	}
	return 1;
}

static int nm_wake(struct nm *nm)
{
	struct strv mounts = { 0 };
	char *disks = nm_disk_list(nm);

	nm_say(nm, "Waking up altinst_rootvg on client %s.", nm->client->name);
	nm_say(nm, "Client alt_disk_install command: alt_rootvg_op -W -d \"%s\"", disks);
	free(disks);
	if (!nm_alt_disks_ok(nm, "alt_rootvg_op")) {
		nm_say(nm, "nimadm: Error waking up altinst_rootvg on client %s.",
		       nm->client->name);
		return 1;
	}
	if (sim_host_vg(nm->client, "altinst_rootvg")->active) {
		nm_say(nm, "altinst_rootvg is already awake.");
		return 0;
	}
	nm_say(nm, "Waking up altinst_rootvg volume group ...");
	nm_wait(nm, 20000);
	if (nm_lab_wake(nm) != 0)
		return 1;
	nm_mounts(nm->client, &mounts);
	nm_say(nm, "Exporting alt_inst file systems from client %s", nm->client->name);
	nm_say(nm, "to NIM master %s:", nm->master->hostname);
	for (size_t i = 0; i < mounts.n; i++) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "Exporting file system %s on client", fs);
		free(fs);
	}
	for (size_t i = 0; i < mounts.n; i++) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "Mounting client file system %s on /%s_alt%s", fs, nm->name, fs);
		nm_wait(nm, 2000);
		free(fs);
	}
	strv_free(&mounts);
	if (nm_has(nm, 'z'))
		nm_script_phase(nm, 'z', P7_MS);
	return 0;
}

static int nm_sleep(struct nm *nm)
{
	struct strv mounts = { 0 };

	nm_say(nm, "Putting altinst_rootvg to sleep on client %s.", nm->client->name);
	if (!nm_has_altinst(nm->client)) {
		nm_say(nm, "alt_rootvg_op: There is no altinst_rootvg volume group on client %s.",
		       nm->client->name);
		nm_say(nm, "nimadm: Error putting altinst_rootvg to sleep on client %s.",
		       nm->client->name);
		return 1;
	}
	if (!sim_host_vg(nm->client, "altinst_rootvg")->active) {
		nm_say(nm, "altinst_rootvg is already asleep.");
		return 0;
	}
	nm_mounts(nm->client, &mounts);
	nm_say(nm, "Unmounting client mounts on the NIM master.");
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "forced unmount of /%s_alt%s", nm->name, fs);
		free(fs);
	}
	nm_say(nm, "Unexporting alt_inst file systems on client %s:", nm->client->name);
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "unexporting %s", fs);
		free(fs);
	}
	nm_say(nm, "Client alt_disk_install command: alt_rootvg_op -S");
	nm_say(nm, "Putting volume group altinst_rootvg to sleep ...");
	for (size_t i = mounts.n; i-- > 0;) {
		char *fs = nm_alt("/alt_inst", mounts.v[i]);
		nm_say(nm, "forced unmount of %s", fs);
		nm_wait(nm, 1000);
		free(fs);
	}
	strv_free(&mounts);
	nm_say(nm, "Fixing LV control blocks...");
	nm_say(nm, "Fixing file system superblocks...");
	nm_wait(nm, 10000);
	return nm_lab_sleep(nm, 0) != 0;
}

static int nm_sync(struct nm *nm)
{
	static const char *const names[] = { "bos.alt_disk_install.rte",
		                             "bos.alt_disk_install.boot_images" };
	const char *mlevel = nm_fileset_level(&nm->master->filesets, "bos.alt_disk_install.rte");
	const char *slevel = nm_fileset_level(&nm->spot->filesets, "bos.alt_disk_install.rte");
	const char *llevel = nm_fileset_level(&nm->lpp->filesets, "bos.alt_disk_install.rte");
	const char *from = nm_has(nm, 'd') ? nm->val['d'] : nm->lpp->location;
	size_t todo = 0;
	char t[64];

	if (mlevel == NULL) {
		nm_say(nm, "nimadm: bos.alt_disk_install.rte is not installed on the NIM master.");
		return 1;
	}
	nm_say(nm, "Checking alt_disk_install software in SPOT %s.", nm->spot->name);
	nm_wait(nm, 5000);
	if (slevel != NULL && strcmp(slevel, mlevel) == 0) {
		nm_say(nm,
		       "The alt_disk_install software in SPOT %s is at the NIM master's level "
		       "(%s).",
		       nm->spot->name, mlevel);
		return 0;
	}
	if (!nm_has(nm, 'd') && (llevel == NULL || strcmp(llevel, mlevel) != 0)) {
		nm_say(nm,
		       "nimadm: lpp_source %s does not contain bos.alt_disk_install.rte %s (it "
		       "has %s).",
		       nm->lpp->name, mlevel, llevel != NULL ? llevel : "none");
		return 1;
	}
	nm_say(nm, "Synchronizing alt_disk_install software in SPOT %s with the NIM master (%s)",
	       nm->spot->name, mlevel);
	nm_say(nm, "from %s.", from);
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (sim_filesets_find(&nm->spot->filesets, names[i]) != NULL)
			todo++;
	nm_title(nm, "Pre-installation Verification...");
	nm_say(nm, "Verifying selections...done");
	nm_say(nm, "Verifying requisites...done");
	nm_say(nm, "Results...");
	nm_say(nm, "%s", "");
	nm_say(nm, "SUCCESSES");
	nm_say(nm, "---------");
	nm_say(nm, "  Filesets listed in this section passed pre-installation verification");
	nm_say(nm, "  and will be installed.");
	nm_say(nm, "%s", "");
	nm_say(nm, "  Selected Filesets");
	nm_say(nm, "  -----------------");
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char sel[128];
		if (sim_filesets_find(&nm->spot->filesets, names[i]) == NULL)
			continue;
		snprintf(sel, sizeof sel, "%s %s", names[i], mlevel);
		nm_say(nm, "  %-40s # %s", sel,
		       sim_cat_desc(names[i]) != NULL ? sim_cat_desc(names[i]) : "");
	}
	nm_say(nm, "  << End of Success Section >>");
	nm_say(nm, "%s", "");
	if (nm_has(nm, 'P')) {
		nm_say(nm, "FILESET STATISTICS");
		nm_say(nm, "------------------");
		nm_say(nm, "%5zu  Selected to be installed, of which:", todo);
		nm_say(nm, "%9zu  Passed pre-installation verification", todo);
		nm_say(nm, "  ----");
		nm_say(nm, "%5zu  Total to be installed", todo);
		nm_say(nm, "%s", "");
		nm_say(nm, "%s", "");
		nm_say(nm, "***********************************************************************"
		           "*******");
		nm_say(nm, "End of installp PREVIEW.  No apply operation has actually occurred.");
		nm_say(nm, "***********************************************************************"
		           "*******");
		return 0;
	}
	nm_title(nm, "Installing Software...");
	nm_say(nm, "%s", "");
	nm_say(nm, "installp:  APPLYING software for:");
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (sim_filesets_find(&nm->spot->filesets, names[i]) != NULL)
			nm_say(nm, "        %s %s", names[i], mlevel);
	nm_say(nm, "%s", "");
	nm_wait(nm, 60000);
	nm_duration(60000, t, sizeof t);
	nm_say(nm, "Filesets processed:  %zu of %zu  (Total time:  %s).", todo, todo, t);
	nm_say(nm, "%s", "");
	nm_say(nm, "Finished processing all filesets.  (Total time:  %s).", t);
	nm_say(nm, "%s", "");
	nm_title(nm, "Summaries:");
	nm_say(nm, "%s", "");
	nm_say(nm, "Installation Summary");
	nm_say(nm, "--------------------");
	nm_say(nm, "Name                        Level           Part        Event       Result");
	nm_say(nm, "-------------------------------------------------------------------------"
	           "------");
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (sim_filesets_find(&nm->spot->filesets, names[i]) != NULL)
			nm_say(nm, "%-27s %-15s %-11s %-11s %-11s", names[i], mlevel, "USR",
			       "APPLY", "SUCCESS");
	nm_say(nm, "%s", "");
	return nm_lab_sync_spot(nm, mlevel) != 0;
}

/* ---- the command ------------------------------------------------------------------------- */

static int nm_run(struct nm *nm)
{
	int migration = nm->mode == NM_MIGRATE || nm->mode == NM_M2C || nm->mode == NM_M2M ||
	                nm->mode == NM_C2M;
	int rc;

	nm_say(nm, "Initializing the NIM master.");
	nm_wait(nm, 2000);
	if (nm_objects(nm) != 0)
		return 1;
	if (nm->mode == NM_SYNC)
		return nm_sync(nm);
	if (nm->client != NULL && nm_client_init(nm) != 0)
		return 1;
	if (!migration) {
		/* -C, -W and -S write to the client's log too, without announcing it */
		char *file = xasprintf("/var/adm/ras/alt_mig/%s_alt_mig.log", nm->name);
		nm->log = sim_files_open(nm->lab, nm->master, file, "a");
		free(file);
		if (nm->log != NULL)
			fputs(sb_str(&nm->pending), nm->log);
		sb_reset(&nm->pending);
		rc = nm->mode == NM_CLEANUP ? nm_cleanup(nm)
		     : nm->mode == NM_WAKE  ? nm_wake(nm)
		                            : nm_sleep(nm);
		return rc;
	}
	nm_nfs(nm);
	if (nm_eligible(nm) != 0)
		return 1;
	nm_open_log(nm, nm->phases != 0 && (nm->phases & 2u) == 0);
	return nm_migrate(nm);
}

/* NIMSIM_TIME_SCALE (tests: 0 = no waiting) or the lab's time_scale. */
static double nm_time_scale(const struct sim_lab *lab)
{
	const char *env = getenv("NIMSIM_TIME_SCALE");

	if (env != NULL && *env != '\0') {
		char *end;
		double d = strtod(env, &end);
		if (end != env && *end == '\0' && d >= 0.0 && d <= 1000.0)
			return d;
	}
	return lab->time_scale;
}

int sim_nimadm_nimadm(struct sim_ctx *ctx, int argc, char **argv)
{
	struct nm nm;
	int rc;

	memset(&nm, 0, sizeof nm);
	nm.ctx = ctx;
	nm.lab = ctx->lab;
	nm.master = ctx->lab->hosts[0];
	nm.scale = nm_time_scale(ctx->lab);
	rc = nm_parse(&nm, argc, argv);
	if (rc == 0) {
		/* one stream from here on: errors stay in their place among the lines */
		fflush(stdout);
		fflush(stderr);
		dup2(STDOUT_FILENO, STDERR_FILENO);
		rc = nm_run(&nm);
	}
	nm_client_log_close(&nm);
	if (nm.log != NULL)
		fclose(nm.log);
	sb_free(&nm.pending);
	strv_free(&nm.disks);
	free(nm.name);
	sim_lab_free(&nm.pristine);
	fflush(stdout);
	return rc;
}
