/*
 * aixcfg.c: a host's configuration as a snapshot reads it and an
 * administrator changes it: chdev (sys0), the tunables (vmo, no, ioo,
 * schedo and /etc/tunables/nextboot), mount/umount (NFS mounts into another
 * host's file tree), lsfs, netstat -rn, ifconfig -a, lssrc, crontab -l,
 * host, ls, and the configuration files made up from the lab when a host's
 * file tree has none (/etc/motd, /etc/hosts, /etc/ssh/ ...). What a
 * migration resets on a client (its lab key migration_reset) is applied here
 * when the client boots the new level.
 *
 * The lab keys of a host read here: tunable.CMD.NAME = VALUE [boot=VALUE]
 * (the value now and, if different, at the next boot), service.NAME =
 * active|inoperative, migration_reset = ITEM... (sim/README.md).
 */
#include "simops.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- catalogs ----------------------------------------------------------------------- */

struct cfg_tunable {
	const char *cmd;
	const char *name;
	const char *deflt;
};

/* The tunables the lab knows, with AIX 7.2/7.3 defaults, in `-a` order. */
static const struct cfg_tunable cfg_tunables[] = {
	{ "vmo", "ame_cpus_per_pool", "n/a" },
	{ "vmo", "ame_maxfree_mem", "n/a" },
	{ "vmo", "enhanced_affinity_affin_time", "1" },
	{ "vmo", "esid_allocator", "1" },
	{ "vmo", "maxclient%", "90" },
	{ "vmo", "maxfree", "1088" },
	{ "vmo", "maxperm%", "90" },
	{ "vmo", "maxpin%", "90" },
	{ "vmo", "minfree", "960" },
	{ "vmo", "minperm%", "3" },
	{ "vmo", "nokilluid", "0" },
	{ "vmo", "npskill", "1024" },
	{ "vmo", "npswarn", "4096" },
	{ "vmo", "page_steal_method", "1" },
	{ "vmo", "strict_maxclient", "1" },
	{ "vmo", "strict_maxperm", "0" },
	{ "no", "arpqsize", "1024" },
	{ "no", "arpt_killc", "20" },
	{ "no", "clean_partial_conns", "0" },
	{ "no", "ipforwarding", "0" },
	{ "no", "ipqmaxlen", "100" },
	{ "no", "rfc1323", "0" },
	{ "no", "sb_max", "1048576" },
	{ "no", "tcp_ephemeral_high", "65535" },
	{ "no", "tcp_ephemeral_low", "32768" },
	{ "no", "tcp_keepidle", "14400" },
	{ "no", "tcp_nodelayack", "0" },
	{ "no", "tcp_recvspace", "16384" },
	{ "no", "tcp_sendspace", "16384" },
	{ "no", "udp_recvspace", "42080" },
	{ "no", "udp_sendspace", "9216" },
	{ "no", "use_isno", "1" },
	{ "ioo", "aio_active", "0" },
	{ "ioo", "j2_dynamicBufferPreallocation", "16" },
	{ "ioo", "j2_maxPageReadAhead", "128" },
	{ "ioo", "j2_minPageReadAhead", "2" },
	{ "ioo", "lvm_bufcnt", "9" },
	{ "ioo", "maxpgahead", "8" },
	{ "ioo", "minpgahead", "2" },
	{ "ioo", "numfsbufs", "196" },
	{ "ioo", "pv_min_pbuf", "512" },
	{ "schedo", "affinity_lim", "7" },
	{ "schedo", "big_tick_size", "1" },
	{ "schedo", "maxspin", "16384" },
	{ "schedo", "timeslice", "1" },
	{ "schedo", "vpm_fold_policy", "1" },
	{ "schedo", "vpm_xvcpus", "0" },
};

struct cfg_service {
	const char *name;
	const char *group;
	int active; /* by default */
};

/* Subsystems of an AIX 7 LPAR (lssrc -a), in the order SRC lists them. */
static const struct cfg_service cfg_services[] = {
	{ "syslogd", "ras", 1 },      { "aso", "", 1 },
	{ "biod", "nfs", 1 },         { "rpc.lockd", "nfs", 1 },
	{ "rpc.statd", "nfs", 1 },    { "qdaemon", "spooler", 1 },
	{ "writesrv", "spooler", 1 }, { "clcomd", "caa", 1 },
	{ "ctrmc", "rsct", 1 },       { "IBM.MgmtDomainRM", "rsct_rm", 1 },
	{ "pfcdaemon", "", 1 },       { "portmap", "portmap", 1 },
	{ "inetd", "tcpip", 1 },      { "sendmail", "mail", 1 },
	{ "snmpd", "tcpip", 1 },      { "xntpd", "tcpip", 1 },
	{ "sshd", "ssh", 1 },         { "nimsh", "nimclient", 0 },
	{ "nimesis", "", 0 },         { "nfsd", "nfs", 0 },
	{ "rpc.mountd", "nfs", 0 },   { "lpd", "spooler", 0 },
	{ "named", "tcpip", 0 },      { "routed", "tcpip", 0 },
	{ "gated", "tcpip", 0 },      { "cthags", "cthags", 0 },
};

static const struct cfg_tunable *cfg_tunable_find(const char *cmd, const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(cfg_tunables); i++)
		if (strcmp(cfg_tunables[i].cmd, cmd) == 0 &&
		    strcmp(cfg_tunables[i].name, name) == 0)
			return &cfg_tunables[i];
	return NULL;
}

static const struct cfg_service *cfg_service_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(cfg_services); i++)
		if (strcmp(cfg_services[i].name, name) == 0)
			return &cfg_services[i];
	return NULL;
}

static int cfg_is_number(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 12;
}

/* Splits "tunable.vmo.minperm%" into its command and name; 0 when it is one. */
static int cfg_split_tunable(const char *key, char *cmd, size_t size, const char **name)
{
	const char *p = key + strlen("tunable."), *dot = strchr(p, '.');

	if (dot == NULL || (size_t)(dot - p) >= size)
		return -1;
	memcpy(cmd, p, (size_t)(dot - p));
	cmd[dot - p] = '\0';
	*name = dot + 1;
	return 0;
}

/* One migration_reset item: sys0.ATTR[=V], CMD.TUNABLE[=V], service.NAME[=state], /etc/motd. */
static const char *cfg_reset_item_check(const char *item, char *buf, size_t size)
{
	char *copy = xstrdup(item), *eq = strchr(copy, '='), *dot;
	const char *why = NULL;

	if (eq != NULL)
		*eq++ = '\0';
	if (strcmp(copy, "/etc/motd") == 0) {
		if (eq != NULL)
			why = "/etc/motd takes no value (it is replaced by the release's)";
	} else if (str_starts(copy, "sys0.")) {
		int known = 0;
		for (size_t i = 0; i < sim_cat_nsys0; i++)
			if (strcmp(sim_cat_sys0[i].name, copy + 5) == 0 &&
			    strcmp(sim_cat_sys0[i].settable, "True") == 0)
				known = 1;
		if (!known) {
			snprintf(buf, size, "'%s': sys0 has no settable attribute %s", item,
			         copy + 5);
			why = buf;
		}
	} else if (str_starts(copy, "service.")) {
		if (cfg_service_find(copy + 8) == NULL) {
			snprintf(buf, size, "'%s': no subsystem %s in the lab", item, copy + 8);
			why = buf;
		} else if (eq != NULL && strcmp(eq, "active") != 0 &&
		           strcmp(eq, "inoperative") != 0) {
			snprintf(buf, size, "'%s': a service is active or inoperative", item);
			why = buf;
		}
	} else if ((dot = strchr(copy, '.')) != NULL) {
		*dot = '\0';
		if (cfg_tunable_find(copy, dot + 1) == NULL) {
			snprintf(buf, size, "'%s': %s has no tunable %s in the lab", item, copy,
			         dot + 1);
			why = buf;
		} else if (eq != NULL && !cfg_is_number(eq)) {
			snprintf(buf, size, "'%s': a tunable's value is a number", item);
			why = buf;
		}
	} else {
		snprintf(
		    buf, size,
		    "'%s' is not sys0.ATTR, vmo|no|ioo|schedo.TUNABLE, service.NAME or /etc/motd",
		    item);
		why = buf;
	}
	free(copy);
	return why;
}

const char *sim_cfg_key_check(const char *key, const char *value, char *buf, size_t size)
{
	if (str_starts(key, "tunable.")) {
		char cmd[16];
		const char *name;
		struct strv w = { 0 };
		struct err e;
		const char *why = NULL;
		if (cfg_split_tunable(key, cmd, sizeof cmd, &name) != 0 ||
		    cfg_tunable_find(cmd, name) == NULL) {
			snprintf(buf, size,
			         "not a tunable the lab knows (tunable.vmo|no|ioo|schedo.NAME, see "
			         "sim/README.md)");
			return buf;
		}
		if (sim_words_split(value, &w, &e) != 0 || w.n < 1 || w.n > 2 ||
		    !cfg_is_number(w.v[0]) ||
		    (w.n == 2 && (!str_starts(w.v[1], "boot=") || !cfg_is_number(w.v[1] + 5))))
			why = "the value is a number, optionally followed by boot=NUMBER";
		strv_free(&w);
		return why;
	}
	if (str_starts(key, "service.")) {
		if (cfg_service_find(key + 8) == NULL) {
			snprintf(buf, size, "no subsystem %s in the lab", key + 8);
			return buf;
		}
		if (strcmp(value, "active") != 0 && strcmp(value, "inoperative") != 0)
			return "a service is active or inoperative";
		return NULL;
	}
	if (strcmp(key, "migration_reset") == 0) {
		struct strv w = { 0 };
		struct err e;
		const char *why = NULL;
		if (sim_words_split(value, &w, &e) != 0)
			why = "not a blank-separated list";
		for (size_t i = 0; why == NULL && i < w.n; i++)
			why = cfg_reset_item_check(w.v[i], buf, size);
		strv_free(&w);
		return why;
	}
	return "unknown key";
}

/* ---- tunables --------------------------------------------------------------------------- */

/* A tunable's value now and at the next boot (owned copies). */
static void cfg_tunable_get(const struct sim_host *h, const struct cfg_tunable *t, char **now,
                            char **boot)
{
	char *key = xasprintf("tunable.%s.%s", t->cmd, t->name);
	const char *v = sim_attrs_get(&h->cfg, key);
	struct strv w = { 0 };
	struct err e;

	free(key);
	*now = xstrdup(t->deflt);
	*boot = xstrdup(t->deflt);
	if (v == NULL || sim_words_split(v, &w, &e) != 0 || w.n == 0) {
		strv_free(&w);
		return;
	}
	free(*now);
	free(*boot);
	*now = xstrdup(w.v[0]);
	*boot = xstrdup(w.n > 1 && str_starts(w.v[1], "boot=") ? w.v[1] + 5 : w.v[0]);
	strv_free(&w);
}

/* Writes a tunable's value now and at boot into the state. */
static void cfg_tunable_put(struct sim_state *st, const struct sim_host *h,
                            const struct cfg_tunable *t, const char *now, const char *boot)
{
	char *key = xasprintf("tunable.%s.%s", t->cmd, t->name);
	char *val = strcmp(now, boot) == 0 ? xstrdup(now) : xasprintf("%s boot=%s", now, boot);

	sim_state_set(st, h->name, key, val);
	free(val);
	free(key);
}

static void cfg_tunables_usage(const char *cmd)
{
	fprintf(stderr,
	        "Usage:  %s -h [tunable] | {[-F] -L [tunable]} | {[-F] -x [tunable]}\n"
	        "        %s [-p|-r] {tunable[=newvalue] | -o tunable[=newvalue] | -d tunable |\n"
	        "            -D | [-F] -a}\n",
	        cmd, cmd);
}

int sim_cfg_tunables(struct sim_ctx *ctx, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *cmd = slash != NULL ? slash + 1 : argv[0];
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv sets = { 0 }, resets = { 0 };
	int c, all = 0, p = 0, r = 0, defaults = 0, rc = 0;
	size_t width = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "aFpro:d:DyLxh")) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'F':
		case 'y':
			break;
		case 'p':
			p = 1;
			break;
		case 'r':
			r = 1;
			break;
		case 'o':
			strv_push(&sets, o.arg);
			break;
		case 'd':
			strv_push(&resets, o.arg);
			break;
		case 'D':
			defaults = 1;
			break;
		case 'L':
		case 'x':
		case 'h':
			fprintf(stderr, "%s: nimsim does not simulate the -%c flag\n", cmd, c);
			strv_free(&sets);
			strv_free(&resets);
			return 2;
		default:
			sim_opt_complain(cmd, c, o.opt);
			cfg_tunables_usage(cmd);
			strv_free(&sets);
			strv_free(&resets);
			return 1;
		}
	}
	for (; o.ind < argc; o.ind++)
		strv_push(&sets, argv[o.ind]); /* vmo minperm%=5 works without -o */
	if (p && r) {
		cfg_tunables_usage(cmd);
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_LEN(cfg_tunables); i++)
		if (strcmp(cfg_tunables[i].cmd, cmd) == 0 && strlen(cfg_tunables[i].name) > width)
			width = strlen(cfg_tunables[i].name);
	if (all) {
		for (size_t i = 0; i < ARRAY_LEN(cfg_tunables); i++) {
			char *now, *boot;
			if (strcmp(cfg_tunables[i].cmd, cmd) != 0)
				continue;
			cfg_tunable_get(h, &cfg_tunables[i], &now, &boot);
			printf("%*s = %s\n", (int)width + 4, cfg_tunables[i].name, now);
			free(now);
			free(boot);
		}
		goto out;
	}
	if (sets.n == 0 && resets.n == 0 && !defaults) {
		cfg_tunables_usage(cmd);
		rc = 1;
		goto out;
	}
	{
		struct sim_state *st = NULL;
		int changes = 0;
		/* check everything first: a bad name changes nothing */
		for (size_t i = 0; i < sets.n + resets.n; i++) {
			const char *a = i < sets.n ? sets.v[i] : resets.v[i - sets.n];
			char *name = xstrdup(a), *eq = strchr(name, '=');
			const struct cfg_tunable *t;
			if (eq != NULL)
				*eq++ = '\0';
			t = cfg_tunable_find(cmd, name);
			if (t == NULL) {
				fprintf(stderr, "%s: 1485-110 Invalid tunable name %s\n", cmd,
				        name);
				rc = 1;
			} else if (eq != NULL &&
			           (!cfg_is_number(eq) || strcmp(t->deflt, "n/a") == 0)) {
				fprintf(stderr, "%s: 1485-111 Invalid tunable value %s for %s\n",
				        cmd, eq, name);
				rc = 1;
			}
			if (eq != NULL || i >= sets.n)
				changes = 1;
			free(name);
		}
		if (rc != 0)
			goto out;
		if ((changes || defaults) && (st = simops_begin(ctx->lab, cmd)) == NULL) {
			rc = 1;
			goto out;
		}
		for (size_t i = 0; i < ARRAY_LEN(cfg_tunables) && defaults; i++) {
			const struct cfg_tunable *t = &cfg_tunables[i];
			char *now, *boot;
			if (strcmp(t->cmd, cmd) != 0)
				continue;
			cfg_tunable_get(h, t, &now, &boot);
			cfg_tunable_put(st, h, t, r ? now : t->deflt, p || r ? t->deflt : boot);
			free(now);
			free(boot);
		}
		if (defaults)
			printf("Setting all tunables to their default values%s\n",
			       p || r ? " in nextboot file" : "");
		for (size_t i = 0; i < sets.n + resets.n; i++) {
			int reset = i >= sets.n;
			const char *a = reset ? resets.v[i - sets.n] : sets.v[i];
			char *name = xstrdup(a), *eq = strchr(name, '='), *now, *boot;
			const struct cfg_tunable *t;
			if (eq != NULL)
				*eq++ = '\0';
			t = cfg_tunable_find(cmd, name);
			cfg_tunable_get(h, t, &now, &boot);
			if (!reset && eq == NULL) {
				printf("%s = %s\n", t->name, r ? boot : now);
			} else {
				const char *v = reset ? t->deflt : eq;
				if (p || r)
					printf("Setting %s to %s in nextboot file\n", t->name, v);
				if (!r)
					printf("Setting %s to %s\n", t->name, v);
				cfg_tunable_put(st, h, t, r ? now : v, p || r ? v : boot);
			}
			free(now);
			free(boot);
			free(name);
		}
		if (st != NULL && simops_commit(&st, cmd) != 0)
			rc = 1;
	}
out:
	strv_free(&sets);
	strv_free(&resets);
	return rc;
}

void sim_cfg_rebooted(struct sim_state *st, const struct sim_host *h)
{
	for (size_t i = 0; i < ARRAY_LEN(cfg_tunables); i++) {
		char *now, *boot;
		cfg_tunable_get(h, &cfg_tunables[i], &now, &boot);
		if (strcmp(now, boot) != 0)
			cfg_tunable_put(st, h, &cfg_tunables[i], boot, boot);
		free(now);
		free(boot);
	}
}

/* /etc/tunables/nextboot: the boot values that differ from the defaults. */
static void cfg_print_nextboot(const struct sim_host *h)
{
	static const char *const cmds[] = { "vmo", "no", "ioo", "schedo" };
	struct sim_level l;

	printf("# IBM_PROLOG_BEGIN_TAG\n"
	       "# This is an automatically generated prolog.\n"
	       "#\n"
	       "# bos72X src/bos/usr/sbin/perf/tune/nextboot 1.1\n"
	       "#\n"
	       "# Licensed Materials - Property of IBM\n"
	       "#\n"
	       "# IBM_PROLOG_END_TAG\n\n");
	printf("info:\n");
	if (sim_level_parse(h->oslevel, &l) == 0)
		printf("\tAIX_level = \"%d.%d.%d.%d\"\n", l.ver, l.rel, l.tl, l.sp);
	printf("\tKernel_type = \"MP64\"\n");
	printf("\tLast_validation = \"2026-03-01 12:00:00 CET (current, reboot)\"\n");
	for (size_t c = 0; c < ARRAY_LEN(cmds); c++) {
		int header = 0;
		for (size_t i = 0; i < ARRAY_LEN(cfg_tunables); i++) {
			char *now, *boot;
			if (strcmp(cfg_tunables[i].cmd, cmds[c]) != 0)
				continue;
			cfg_tunable_get(h, &cfg_tunables[i], &now, &boot);
			if (strcmp(boot, cfg_tunables[i].deflt) != 0) {
				if (!header++)
					printf("\n%s:\n", cmds[c]);
				printf("\t%s = \"%s\"\n", cfg_tunables[i].name, boot);
			}
			free(now);
			free(boot);
		}
	}
}

/* ---- chdev ------------------------------------------------------------------------------- */

int sim_cfg_chdev(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	struct strv set = { 0 };
	const char *dev = NULL;
	struct sim_state *st;
	int c, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "l:a:PTU")) != -1) {
		switch (c) {
		case 'l':
			dev = o.arg;
			break;
		case 'a':
			strv_push(&set, o.arg);
			break;
		case 'P':
		case 'T':
		case 'U':
			break;
		default:
			sim_opt_complain("chdev", c, o.opt);
			fputs("Usage: chdev -l Name [-a Attribute=Value]... [-P|-T] [-U]\n",
			      stderr);
			strv_free(&set);
			return 1;
		}
	}
	if (dev == NULL || set.n == 0 || o.ind < argc) {
		fputs("Usage: chdev -l Name [-a Attribute=Value]... [-P|-T] [-U]\n", stderr);
		strv_free(&set);
		return 1;
	}
	if (strcmp(dev, "sys0") != 0) {
		if (sim_host_disk(h, dev) == NULL) {
			fprintf(stderr,
			        "chdev: 0514-519 The following device was not found in the "
			        "customized\n        device configuration database:\n        %s\n",
			        dev);
			strv_free(&set);
			return 1;
		}
		fprintf(stderr, "chdev: nimsim changes only sys0\n");
		strv_free(&set);
		return 2;
	}
	for (size_t i = 0; i < set.n; i++) {
		char *a = xstrdup(set.v[i]), *eq = strchr(a, '=');
		const struct sim_cat_attr *ca = NULL;
		if (eq != NULL)
			*eq++ = '\0';
		for (size_t j = 0; j < sim_cat_nsys0; j++)
			if (strcmp(sim_cat_sys0[j].name, a) == 0)
				ca = &sim_cat_sys0[j];
		if (ca == NULL) {
			fprintf(stderr,
			        "chdev: 0514-528 The \"%s\" attribute does not exist in the "
			        "predefined\n        device configuration database.\n",
			        a);
			rc = 1;
		} else if (eq == NULL || *eq == '\0' || strcmp(ca->settable, "True") != 0 ||
		           strpbrk(eq, " \t") != NULL ||
		           (ca->value != NULL && cfg_is_number(ca->value) && !cfg_is_number(eq))) {
			fprintf(
			    stderr,
			    "Method error (/usr/lib/methods/chgsys):\n"
			    "        0514-018 The values specified for the following attributes\n"
			    "                 are not valid:\n"
			    "        %s %s\n",
			    a, ca->desc);
			rc = 1;
		}
		free(a);
	}
	if (rc != 0 || (st = simops_begin(ctx->lab, "chdev")) == NULL) {
		strv_free(&set);
		return 1;
	}
	for (size_t i = 0; i < set.n; i++) {
		char *a = xstrdup(set.v[i]), *eq = strchr(a, '='), *key;
		*eq++ = '\0';
		key = xasprintf("sys0.%s", a);
		sim_state_set(st, h->name, key, eq);
		free(key);
		free(a);
	}
	strv_free(&set);
	if (simops_commit(&st, "chdev") != 0)
		return 1;
	printf("sys0 changed\n");
	return 0;
}

/* ---- file systems -------------------------------------------------------------------------- */

/* The jfs2 log LV of a VG ("/dev/hd8"), or INLINE. Owned. */
static char *cfg_log_of(const struct sim_host *h, const char *vg)
{
	for (size_t i = 0; i < h->nlvs; i++)
		if (strcmp(h->lvs[i].vg, vg) == 0 && strcmp(h->lvs[i].type, "jfs2log") == 0)
			return xasprintf("/dev/%s", h->lvs[i].name);
	return xstrdup("INLINE");
}

/* Whether an LV is a file system of /etc/filesystems (not a clone's, not raw). */
static int cfg_is_fs(const struct sim_host *h, const struct sim_lv *lv)
{
	const struct sim_vg *v = sim_host_vg(h, lv->vg);

	return v != NULL && v->active && strcmp(lv->mount, "N/A") != 0 &&
	       (strcmp(lv->type, "jfs2") == 0 || strcmp(lv->type, "jfs") == 0) &&
	       strcmp(lv->vg, "altinst_rootvg") != 0 && strcmp(lv->vg, "old_rootvg") != 0;
}

int sim_cfg_lsfs(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	int printed_proc = 0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "lsfs: nimsim simulates only lsfs without arguments\n");
		return 2;
	}
	printf("Name            Nodename   Mount Pt               VFS   Size    Options    Auto "
	       "Accounting\n");
	for (size_t i = 0; i < h->nlvs; i++) {
		const struct sim_lv *lv = &h->lvs[i];
		const struct sim_vg *v = sim_host_vg(h, lv->vg);
		char dev[64], size[32];
		if (!cfg_is_fs(h, lv))
			continue;
		snprintf(dev, sizeof dev, "/dev/%s", lv->name);
		snprintf(size, sizeof size, "%ld", (long)lv->lps * v->pp_size * 2048L);
		printf("%-15s %-10s %-22s %-5s %-7s %-10s %-4s %s \n", dev, "--", lv->mount,
		       lv->type, size, "--", "yes", "no");
		if (!printed_proc && strcmp(lv->mount, "/usr") == 0) {
			printf("%-15s %-10s %-22s %-5s %-7s %-10s %-4s %s \n", "/proc", "--",
			       "/proc", "procfs", "--", "--", "yes", "no");
			printed_proc = 1;
		}
	}
	if (!printed_proc)
		printf("%-15s %-10s %-22s %-5s %-7s %-10s %-4s %s \n", "/proc", "--", "/proc",
		       "procfs", "--", "--", "yes", "no");
	return 0;
}

struct cfg_mounts {
	const char *section;
	struct strv points, specs;
};

static void cfg_collect_mounts(void *arg, const char *section, const char *key, const char *value)
{
	struct cfg_mounts *m = arg;

	if (strcmp(section, m->section) != 0)
		return;
	strv_push(&m->points, key);
	strv_push(&m->specs, value);
}

/* The NFS mounts h made (mount point -> "node:/dir date=..."). */
static void cfg_mounts_get(const struct sim_lab *lab, const struct sim_host *h,
                           struct cfg_mounts *m)
{
	struct sim_state *st;
	struct err e;
	char *section = xasprintf(SIMOPS_MOUNTS "%s", h->name);

	memset(m, 0, sizeof *m);
	m->section = section;
	if (lab->state_dir != NULL && (st = sim_state_load(lab->state_dir, &e)) != NULL) {
		sim_state_each(st, cfg_collect_mounts, m);
		sim_state_free(&st);
	}
}

static void cfg_mounts_free(struct cfg_mounts *m)
{
	free((char *)m->section);
	strv_free(&m->points);
	strv_free(&m->specs);
}

static void cfg_mount_list(const struct sim_ctx *ctx)
{
	const struct sim_host *h = ctx->host;
	struct cfg_mounts m;
	int proc = 0;

	printf("  node       mounted        mounted over    vfs       date        options      \n");
	printf("-------- ---------------  ---------------  ------ ------------ --------------- \n");
	for (size_t i = 0; i < h->nlvs; i++) {
		const struct sim_lv *lv = &h->lvs[i];
		const struct sim_vg *v = sim_host_vg(h, lv->vg);
		char dev[64], opts[96], *log;
		if (v == NULL || !v->active || strcmp(lv->mount, "N/A") == 0 ||
		    !str_starts(lv->state, "open") ||
		    (strcmp(lv->type, "jfs2") != 0 && strcmp(lv->type, "jfs") != 0))
			continue;
		log = cfg_log_of(h, lv->vg);
		snprintf(dev, sizeof dev, "/dev/%s", lv->name);
		snprintf(opts, sizeof opts, "rw,log=%s", log);
		printf("%-8s %-16s %-16s %-6s %-12s %-15s \n", "", dev, lv->mount, lv->type,
		       "Nov 15 02:10", opts);
		free(log);
		if (!proc && strcmp(lv->mount, "/admin") == 0) {
			printf("%-8s %-16s %-16s %-6s %-12s %-15s \n", "", "/proc", "/proc",
			       "procfs", "Nov 15 02:11", "rw");
			proc = 1;
		}
	}
	if (!proc)
		printf("%-8s %-16s %-16s %-6s %-12s %-15s \n", "", "/proc", "/proc", "procfs",
		       "Nov 15 02:11", "rw");
	cfg_mounts_get(ctx->lab, h, &m);
	for (size_t i = 0; i < m.points.n; i++) {
		struct strv w = { 0 };
		struct err e;
		char *node, *colon;
		const char *date = "Nov 15 02:12", *opts = "vers=3";
		if (sim_words_split(m.specs.v[i], &w, &e) != 0 || w.n == 0) {
			strv_free(&w);
			continue;
		}
		node = xstrdup(w.v[0]);
		colon = strchr(node, ':');
		if (colon != NULL)
			*colon++ = '\0';
		for (size_t j = 1; j < w.n; j++) {
			if (str_starts(w.v[j], "date=")) {
				for (char *p = w.v[j]; *p != '\0'; p++)
					if (*p == '_')
						*p = ' ';
				date = w.v[j] + 5;
			} else if (str_starts(w.v[j], "options=")) {
				opts = w.v[j] + 8;
			}
		}
		printf("%-8s %-16s %-16s %-6s %-12s %-15s \n", node, colon != NULL ? colon : "",
		       m.points.v[i], "nfs3", date, opts);
		free(node);
		strv_free(&w);
	}
	cfg_mounts_free(&m);
}

/* Whether the server exports dir: a directory of its file tree, or where NIM keeps resources. */
static int cfg_exported(const struct sim_lab *lab, const struct sim_host *server, const char *dir)
{
	if (simops_is_dir(lab, server, dir))
		return 1;
	if (!server->is_master)
		return 0;
	for (size_t i = 0; i < lab->nres; i++) {
		const char *loc = lab->res[i]->location;
		size_t n = strlen(dir);
		if (loc != NULL && strncmp(loc, dir, n) == 0 && (loc[n] == '/' || loc[n] == '\0'))
			return 1;
	}
	return strcmp(dir, "/export/nim") == 0 || str_starts(dir, "/export/nim/");
}

int sim_cfg_mount(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host, *server;
	struct sim_opt o;
	const char *opts = "vers=3", *spec, *point;
	char *node, *dir, *norm, *section, *value, date[32];
	struct sim_state *st;
	struct cfg_mounts m;
	time_t now = time(NULL);
	struct tm tm;
	int c, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "o:v:n:art:")) != -1) {
		if (c == 'o') {
			opts = o.arg;
			continue;
		}
		if (c == 'v' && strcmp(o.arg, "nfs") == 0)
			continue;
		if (c == '?' || c == ':') {
			sim_opt_complain("mount", c, o.opt);
		} else {
			fprintf(stderr, "mount: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
		fputs("Usage: mount [-fipr] [-n Node] [-o Options] [-t Type] [-{v|V} Vfs]\n"
		      "\t[-a | all | [Node:]Device [Directory]]\n",
		      stderr);
		return 1;
	}
	if (o.ind == argc) {
		cfg_mount_list(ctx);
		return 0;
	}
	if (o.ind + 2 != argc || strchr(argv[o.ind], ':') == NULL || argv[o.ind + 1][0] != '/') {
		fprintf(stderr,
		        "mount: nimsim mounts only NFS exports: mount NODE:/DIR /MOUNTPOINT\n");
		return 2;
	}
	if (strpbrk(opts, " \t") != NULL) {
		fprintf(stderr, "mount: Invalid option %s\n", opts);
		return 1;
	}
	spec = argv[o.ind];
	point = argv[o.ind + 1];
	node = xstrdup(spec);
	dir = strchr(node, ':');
	*dir++ = '\0';
	server = sim_lab_resolve(ctx->lab, node);
	norm = sim_files_normalise(point);
	if (server == NULL) {
		fprintf(stderr,
		        "nfsmnthelp: %s: Unknown host\nmount: 0506-324 Cannot mount %s on %s\n",
		        node, spec, point);
		rc = 1;
	} else if (dir[0] != '/' || !cfg_exported(ctx->lab, server, dir)) {
		fprintf(stderr,
		        "mount: 1831-011 access denied for %s\n"
		        "mount: 1831-008 giving up on:\n%s\n"
		        "The file access permissions do not allow the specified action.\n",
		        spec, spec);
		rc = 1;
	} else if (server == h) {
		fprintf(stderr, "mount: nimsim does not mount a host's own exports\n");
		rc = 2;
	}
	if (rc == 0) {
		cfg_mounts_get(ctx->lab, h, &m);
		for (size_t i = 0; i < m.points.n && rc == 0; i++)
			if (strcmp(m.points.v[i], norm) == 0) {
				fprintf(stderr,
				        "mount: 0506-324 Cannot mount %s on %s: There is a "
				        "request to a device or address that does not exist.\n",
				        spec, point);
				rc = 1;
			}
		cfg_mounts_free(&m);
	}
	if (rc != 0) {
		free(node);
		free(norm);
		return rc;
	}
	localtime_r(&now, &tm);
	strftime(date, sizeof date, "%b %d %H:%M", &tm);
	section = xasprintf(SIMOPS_MOUNTS "%s", h->name);
	{
		char *d = sim_files_normalise(dir);
		/* date and options have no blanks: words split them back */
		char *dq = xstrdup(date);
		for (char *p = dq; *p != '\0'; p++)
			if (*p == ' ')
				*p = '_';
		value = xasprintf("%s:%s date=%s options=%s", server->hostname, d, dq, opts);
		free(d);
		free(dq);
	}
	if ((st = simops_begin(ctx->lab, "mount")) == NULL) {
		rc = 1;
	} else {
		sim_state_set(st, section, norm, value);
		rc = simops_commit(&st, "mount") == 0 ? 0 : 1;
	}
	free(section);
	free(value);
	free(node);
	free(norm);
	return rc;
}

int sim_cfg_umount(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_state *st;
	char *section, *norm;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fputs(
		    "Usage: umount [-f] [-a | all | allr | Device | Directory | File | Filesystem\n"
		    "\t| -n Node | -t Type]\n",
		    stderr);
		return 1;
	}
	norm = sim_files_normalise(argv[1]);
	section = xasprintf(SIMOPS_MOUNTS "%s", h->name);
	if ((st = simops_begin(ctx->lab, "umount")) == NULL) {
		free(norm);
		free(section);
		return 1;
	}
	if (sim_state_get(st, section, norm) == NULL) {
		int rootvg_fs = 0;
		for (size_t i = 0; i < h->nlvs; i++)
			if (cfg_is_fs(h, &h->lvs[i]) && strcmp(h->lvs[i].mount, norm) == 0)
				rootvg_fs = 1;
		sim_state_free(&st);
		if (rootvg_fs) {
			fprintf(stderr,
			        "umount: 0506-349 Cannot unmount %s: The requested resource "
			        "is busy.\n",
			        argv[1]);
		} else {
			fprintf(stderr, "umount: 0506-347 Cannot find anything to unmount.\n");
		}
		free(norm);
		free(section);
		return 1;
	}
	sim_state_set(st, section, norm, NULL);
	rc = simops_commit(&st, "umount") == 0 ? 0 : 1;
	free(norm);
	free(section);
	return rc;
}

/* ---- network ---------------------------------------------------------------------------- */

static unsigned long cfg_hash(const char *a, const char *b)
{
	unsigned long x = 2166136261UL;

	for (const char *s = a; *s != '\0'; s++)
		x = ((x ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	x = ((x ^ '/') * 16777619UL) & 0xffffffffUL;
	for (const char *s = b; *s != '\0'; s++)
		x = ((x ^ (unsigned char)*s) * 16777619UL) & 0xffffffffUL;
	return x;
}

static const struct sim_network *cfg_net(const struct sim_lab *lab, const struct sim_host *h)
{
	const struct sim_network *n = h->network != NULL ? sim_lab_network(lab, h->network) : NULL;

	return n != NULL ? n : lab->nets[0];
}

static unsigned long cfg_ip(const char *s)
{
	unsigned a = 0, b = 0, c = 0, d = 0;

	if (sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
		return 0;
	return ((unsigned long)a << 24) | ((unsigned long)b << 16) | ((unsigned long)c << 8) | d;
}

static void cfg_ip_str(unsigned long ip, char *buf, size_t size)
{
	snprintf(buf, size, "%lu.%lu.%lu.%lu", (ip >> 24) & 255, (ip >> 16) & 255, (ip >> 8) & 255,
	         ip & 255);
}

static int cfg_prefix(unsigned long mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000UL >> n)) != 0)
		n++;
	return n;
}

int sim_cfg_netstat(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_network *n = cfg_net(ctx->lab, h);
	unsigned long net = cfg_ip(n->net_addr), mask = cfg_ip(n->snm), bcast;
	unsigned long hh = cfg_hash(h->name, "netstat");
	char b[32], netname[48];
	int bits = cfg_prefix(mask);

	if (argc != 2 || strcmp(argv[1], "-rn") != 0) {
		fprintf(stderr, "netstat: nimsim simulates only netstat -rn\n");
		return 2;
	}
	bcast = (net | ~mask) & 0xffffffffUL;
	/* 10.20.30.0/24 prints as 10.20.30/24 */
	if (bits % 8 == 0 && bits > 0) {
		char full[32];
		size_t cut = 0;
		cfg_ip_str(net, full, sizeof full);
		for (int dots = 0; cut < strlen(full) && dots < bits / 8; cut++)
			if (full[cut] == '.' && ++dots == bits / 8)
				break;
		snprintf(netname, sizeof netname, "%.*s/%d", (int)cut, full, bits);
	} else {
		cfg_ip_str(net, b, sizeof b);
		snprintf(netname, sizeof netname, "%s/%d", b, bits);
	}
#define ROUTE(dst, gw, fl, refs, use, ifn)                                                        \
	printf("%-19s%-18s%-5s%6ld%10ld %-4s%6s%7s   \n", dst, gw, fl, (long)(refs), (long)(use), \
	       ifn, "-", "-")
	printf("Routing tables\n");
	printf("Destination        Gateway           Flags   Refs     Use  If   Exp  Groups\n\n");
	printf("Route Tree for Protocol Family 2 (Internet):\n");
	ROUTE("default", n->gateway, "UG", 3 + hh % 5, 100000 + hh % 900000, "en0");
	cfg_ip_str(net, b, sizeof b);
	ROUTE(b, h->ip, "UHSb", 0, 0, "en0");
	ROUTE(netname, h->ip, "U", 5 + hh % 9, 200000 + hh % 1000000, "en0");
	ROUTE(h->ip, "127.0.0.1", "UGHS", 0, 1000 + hh % 5000, "lo0");
	cfg_ip_str(bcast, b, sizeof b);
	ROUTE(b, h->ip, "UHSb", 0, hh % 40, "en0");
	ROUTE("127/8", "127.0.0.1", "U", 10 + hh % 5, 300000 + hh % 90000, "lo0");
	printf("\nRoute Tree for Protocol Family 24 (Internet v6):\n");
	ROUTE("::1%1", "::1%1", "UH", 2, 500 + hh % 900, "lo0");
#undef ROUTE
	return 0;
}

int sim_cfg_ifconfig(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	const struct sim_network *n = cfg_net(ctx->lab, h);
	unsigned long mask = cfg_ip(n->snm), bcast = (cfg_ip(h->ip) | ~mask) & 0xffffffffUL;
	char b[32];

	if (argc != 2 || strcmp(argv[1], "-a") != 0) {
		fprintf(stderr, "ifconfig: nimsim simulates only ifconfig -a\n");
		return 2;
	}
	cfg_ip_str(bcast, b, sizeof b);
	printf(
	    "en0: flags=1e084863,814c0<UP,BROADCAST,NOTRAILERS,RUNNING,SIMPLEX,MULTICAST,GROUPRT,"
	    "64BIT,CHECKSUM_OFFLOAD(ACTIVE),LARGESEND,CHAIN>\n");
	printf("\tinet %s netmask 0x%08lx broadcast %s\n", h->ip, mask, b);
	printf("\t tcp_sendspace 262144 tcp_recvspace 262144 rfc1323 1\n");
	printf(
	    "lo0: flags=e08084b,c0<UP,BROADCAST,LOOPBACK,RUNNING,SIMPLEX,MULTICAST,GROUPRT,64BIT,"
	    "LARGESEND,CHAIN>\n");
	printf("\tinet 127.0.0.1 netmask 0xff000000 broadcast 127.255.255.255\n");
	printf("\tinet6 ::1%%1/64\n");
	printf("\t tcp_sendspace 131072 tcp_recvspace 131072 rfc1323 1\n");
	return 0;
}

int sim_cfg_host(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *t;
	int first = 1;

	while (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
		if (strcmp(argv[first], "-n") == 0) {
			first++;
			continue;
		}
		fprintf(stderr, "host: nimsim does not simulate the %s flag\n", argv[first]);
		return 2;
	}
	if (first + 1 != argc) {
		fputs("Usage: host [-n [-a][-c Class][-d][-r][-t Type][-v][-w][-z]] Hostname | "
		      "Address [Server]\n",
		      stderr);
		return 1;
	}
	t = sim_lab_resolve(ctx->lab, argv[first]);
	if (t == NULL) {
		fprintf(stderr, "host: 0827-801 Host name %s does not exist.\n", argv[first]);
		return 1;
	}
	if (strcmp(argv[first], t->hostname) != 0 && strcmp(argv[first], t->ip) != 0)
		printf("%s is %s,  Aliases:   %s\n", t->hostname, t->ip, argv[first]);
	else
		printf("%s is %s\n", t->hostname, t->ip);
	return 0;
}

/* ---- services ------------------------------------------------------------------------------ */

static int cfg_service_active(const struct sim_host *h, const struct cfg_service *s)
{
	char *key = xasprintf("service.%s", s->name);
	const char *v = sim_attrs_get(&h->cfg, key);
	int active = s->active;

	free(key);
	if (strcmp(s->name, "nimsh") == 0)
		active = !h->is_master && h->connect == SIM_CONNECT_NIMSH;
	if (h->is_master && (strcmp(s->name, "nimesis") == 0 || strcmp(s->name, "nfsd") == 0 ||
	                     strcmp(s->name, "rpc.mountd") == 0))
		active = 1;
	if (v != NULL)
		active = strcmp(v, "active") == 0;
	return active;
}

static int cfg_service_shown(const struct sim_host *h, const struct cfg_service *s)
{
	return strcmp(s->name, "nimesis") != 0 || h->is_master;
}

static void cfg_service_row(const struct sim_host *h, const struct cfg_service *s)
{
	char pid[16] = "";

	if (cfg_service_active(h, s))
		snprintf(pid, sizeof pid, "%lu", 1000000 + cfg_hash(h->name, s->name) % 8900000);
	printf(" %-16s %-16s %-12s %s\n", s->name, s->group, pid,
	       cfg_service_active(h, s) ? "active" : "inoperative");
}

int sim_cfg_lssrc(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;

	if (argc == 2 && strcmp(argv[1], "-a") == 0) {
		printf("Subsystem         Group            PID          Status \n");
		for (int pass = 1; pass >= 0; pass--)
			for (size_t i = 0; i < ARRAY_LEN(cfg_services); i++)
				if (cfg_service_shown(h, &cfg_services[i]) &&
				    cfg_service_active(h, &cfg_services[i]) == pass)
					cfg_service_row(h, &cfg_services[i]);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-s") == 0) {
		const struct cfg_service *s = cfg_service_find(argv[2]);
		if (s == NULL || !cfg_service_shown(h, s)) {
			fprintf(stderr, "0513-085 The %s Subsystem is not on file.\n", argv[2]);
			return 1;
		}
		printf("Subsystem         Group            PID          Status \n");
		cfg_service_row(h, s);
		return 0;
	}
	fprintf(stderr, "lssrc: nimsim simulates only lssrc -a and lssrc -s SUBSYSTEM\n");
	return 2;
}

/* ---- crontab, files ---------------------------------------------------------------------- */

static void cfg_print_crontab(const struct sim_host *h)
{
	printf(
	    "# @(#)08\t1.15.1.3  src/bos/usr/sbin/cron/root, cmdcntl, bos720 2/11/94 17:19:47\n");
	printf("#\n# crontab for root\n#\n");
	printf("0 3 * * * /usr/sbin/skulker\n");
	printf("45 2 * * 0 /usr/lib/spell/compress\n");
	printf("0 11 * * * /usr/bin/errclear -d S,O 30\n");
	printf("0 12 * * * /usr/bin/errclear -d H 90\n");
	printf("0 15 * * * /usr/lib/ras/dumpcheck >/dev/null 2>&1\n");
	if (!h->is_master)
		printf("30 1 * * 0 /usr/local/bin/mksysb_to_nim.sh >/var/log/mksysb_to_nim.log "
		       "2>&1\n");
	else
		printf("15 4 * * * /usr/local/bin/nim_backup.sh >/var/log/nim_backup.log 2>&1\n");
}

int sim_cfg_crontab(struct sim_ctx *ctx, int argc, char **argv)
{
	FILE *f;

	if (argc != 2 || strcmp(argv[1], "-l") != 0) {
		fprintf(stderr, "crontab: nimsim simulates only crontab -l\n");
		return 2;
	}
	f = sim_files_open(ctx->lab, ctx->host, "/var/spool/cron/crontabs/root", "r");
	if (f != NULL) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(f);
		return 0;
	}
	cfg_print_crontab(ctx->host);
	return 0;
}

/* The text of AIX's own /etc/motd for a level ("Welcome to AIX Version 7.3!"). */
static void cfg_print_release_motd(FILE *out, const char *oslevel)
{
	struct sim_level l;
	char line[80];

	if (sim_level_parse(oslevel, &l) != 0) {
		l.ver = 7;
		l.rel = 3;
	}
	fprintf(
	    out,
	    "*******************************************************************************\n");
	fprintf(
	    out,
	    "*                                                                             *\n");
	fprintf(
	    out,
	    "*                                                                             *\n");
	snprintf(line, sizeof line, "Welcome to AIX Version %d.%d!", l.ver, l.rel);
	fprintf(out, "*  %-75s*\n", line);
	fprintf(
	    out,
	    "*                                                                             *\n");
	fprintf(
	    out,
	    "*                                                                             *\n");
	fprintf(
	    out,
	    "*  Please see the README file in /usr/lpp/bos for information pertinent to    *\n");
	fprintf(
	    out,
	    "*  this release of the AIX Operating System.                                  *\n");
	fprintf(
	    out,
	    "*                                                                             *\n");
	fprintf(
	    out,
	    "*                                                                             *\n");
	fprintf(
	    out,
	    "*******************************************************************************\n");
}

static void cfg_print_motd(const struct sim_host *h)
{
	printf("*******************************************************************************\n");
	printf("*                                                                             *\n");
	printf("*  %-75s*\n", h->hostname);
	printf("*  %-75s*\n", h->is_master ? "NIM master - Unix team" : "Managed by the Unix team");
	printf("*                                                                             *\n");
	printf("*  %-75s*\n", "Authorized use only. Activity may be monitored and reported.");
	printf("*  %-75s*\n", "Changes: open a change request first (CHG-UNIX).");
	printf("*                                                                             *\n");
	printf("*******************************************************************************\n");
}

static void cfg_print_hosts(const struct sim_lab *lab, const struct sim_host *h)
{
	const struct sim_host *m = lab->hosts[0];

	printf("# IBM_PROLOG_BEGIN_TAG\n# This is an automatically generated prolog.\n"
	       "# IBM_PROLOG_END_TAG\n");
	printf("#\n# /etc/hosts: Internet Address   Hostname     # Comments\n#\n");
	printf("127.0.0.1               loopback localhost      # loopback (lo0) name/address\n");
	printf(
	    "::1                     loopback localhost      # IPv6 loopback (lo0) name/address\n");
	printf("%-23s %s.example.com %s\n", h->ip, h->hostname, h->hostname);
	if (h != m)
		printf("%-23s %s.example.com %s      # NIM master\n", m->ip, m->hostname,
		       m->hostname);
	else
		for (size_t i = 1; i < lab->nhosts; i++)
			printf("%-23s %s.example.com %s\n", lab->hosts[i]->ip,
			       lab->hosts[i]->hostname, lab->hosts[i]->hostname);
}

static void cfg_print_resolv(const struct sim_lab *lab, const struct sim_host *h)
{
	const struct sim_network *n = cfg_net(lab, h);
	unsigned long net = cfg_ip(n->net_addr);
	char a[32], b[32];

	cfg_ip_str(net + 2, a, sizeof a);
	cfg_ip_str(net + 3, b, sizeof b);
	printf("domain\texample.com\nsearch\texample.com\nnameserver\t%s\nnameserver\t%s\n", a, b);
	printf("options\ttimeout:2 attempts:2\n");
}

static void cfg_print_environment(void)
{
	printf("PATH=/usr/bin:/etc:/usr/sbin:/usr/ucb:/usr/bin/X11:/sbin:/usr/java8_64/jre/bin:"
	       "/usr/java8_64/bin\n");
	printf("TZ=CET-1CEST,M3.5.0,M10.5.0/3\n");
	printf("LANG=en_US\nLOCPATH=/usr/lib/nls/loc\n");
	printf("NLSPATH=/usr/lib/nls/msg/%%L/%%N:/usr/lib/nls/msg/%%L/%%N.cat:"
	       "/usr/lib/nls/msg/%%l.%%t/%%c/%%N:/usr/lib/nls/msg/%%l.%%c/%%N.cat\n");
	printf("LC__FASTMSG=true\n");
	printf("ODMDIR=/etc/objrepos\n");
	printf("CLCMD_PASSTHRU=1\n");
	printf("AIX_TZ_WARN=no\n");
}

static void cfg_print_limits(const struct sim_host *h)
{
	printf("* limits: per-user resource limits (see /usr/lpp/bos/README.limits)\n*\n");
	printf("default:\n\tfsize = 2097151\n\tcore = 2097151\n\tcpu = -1\n\tdata = 262144\n"
	       "\trss = 65536\n\tstack = 65536\n\tnofiles = 2000\n\n");
	printf("root:\n\tfsize = -1\n\tcore = -1\n\tnofiles = -1\n\n");
	printf("daemon:\n\n");
	printf("guest:\n\n");
	printf("nobody:\n\n");
	printf("lpd:\n\n");
	if (!h->is_master)
		printf("oracle:\n\tfsize = -1\n\tdata = -1\n\tstack = -1\n\trss = -1\n"
		       "\tnofiles = 65536\n\n");
}

static void cfg_print_inittab(void)
{
	static const char *const lines[] = {
		": @(#)49\t1.28.2.7 src/bos/etc/inittab/inittab, cmdoper, bos720",
		"init:2:initdefault:",
		"brc::sysinit:/sbin/rc.boot 3 >/dev/console 2>&1 # Phase 3 of system boot",
		"powerfail::powerfail:/etc/rc.powerfail 2>&1 | alog -tboot > /dev/console # Power "
		"Failure Detection",
		"mkatmpvc:2:once:/usr/sbin/mkatmpvc >/dev/console 2>&1",
		"rc:23456789:wait:/etc/rc 2>&1 | alog -tboot > /dev/console # Multi-User checks",
		"fbcheck:23456789:wait:/usr/sbin/fbcheck 2>&1 | alog -tboot > /dev/console # run "
		"/etc/firstboot",
		"srcmstr:23456789:respawn:/usr/sbin/srcmstr # System Resource Controller",
		"rctcpip:23456789:wait:/etc/rc.tcpip > /dev/console 2>&1 # Start TCP/IP daemons",
		"rcnfs:23456789:wait:/etc/rc.nfs > /dev/console 2>&1 # Start NFS Daemons",
		"cron:23456789:respawn:/usr/sbin/cron",
		"piobe:2:wait:/usr/lib/lpd/pio/etc/pioinit_cp >/dev/null 2>&1  # pb cleanup",
		"qdaemon:23456789:wait:/usr/bin/startsrc -sqdaemon",
		"writesrv:23456789:wait:/usr/bin/startsrc -swritesrv",
		"uprintfd:23456789:respawn:/usr/sbin/uprintfd",
		"shdaemon:2:off:/usr/sbin/shdaemon >/dev/console 2>&1 # High availability daemon",
		"l2:2:wait:/etc/rc.d/rc 2",
		"l3:3:wait:/etc/rc.d/rc 3",
		"ctrmc:2:once:/usr/bin/startsrc -s ctrmc > /dev/console 2>&1",
		"clcomd:23456789:once:/usr/bin/startsrc -s clcomd",
		"rcnimsh:2:once:/usr/bin/startsrc -s nimsh >/dev/console 2>&1",
		"dbstart:2:once:/usr/local/bin/dbstart >/var/log/dbstart.log 2>&1 # site: "
		"databases",
	};

	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		printf("%s\n", lines[i]);
}

static void cfg_print_sendmail(const struct sim_host *h)
{
	printf("#\n# sendmail.cf for %s (AIX, sendmail 8.17)\n#\n", h->hostname);
	printf("# level of configuration file\nV10/Berkeley\n\n");
	printf("# my official domain name\nDj$w.example.com\n\n");
	printf("# \"Smart\" relay host\nDSmailhub.example.com\n\n");
	printf("# who I masquerade as\nDMexample.com\n\n");
	printf("O AliasFile=/etc/mail/aliases\nO QueueDirectory=/var/spool/mqueue\n");
	printf("O Timeout.queuereturn=5d\nO Timeout.queuewarn=4h\n");
	printf("O PrivacyOptions=authwarnings,noexpn,novrfy\n");
	printf("O SmtpGreetingMessage=$j Sendmail $v/$Z; $b\n");
	printf("O DaemonPortOptions=Name=MTA, Addr=127.0.0.1\n");
}

static void cfg_print_sshd_config(void)
{
	printf("#\t$OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $\n\n");
	printf("# This is the sshd server system-wide configuration file.  See\n");
	printf("# sshd_config(5) for more information.\n\n");
	printf("#Port 22\n#AddressFamily any\n#ListenAddress 0.0.0.0\n\n");
	printf("HostKey /etc/ssh/ssh_host_rsa_key\nHostKey /etc/ssh/ssh_host_ed25519_key\n\n");
	printf("PermitRootLogin without-password\n");
	printf("PubkeyAuthentication yes\n");
	printf("PasswordAuthentication no\n");
	printf("ChallengeResponseAuthentication no\n");
	printf("X11Forwarding no\n");
	printf("Banner /etc/motd\n");
	printf("Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes128-ctr\n");
	printf("MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n");
	printf("Subsystem\tsftp\t/usr/sbin/sftp-server\n");
}

static void cfg_print_ssh_config(void)
{
	printf("#\t$OpenBSD: ssh_config,v 1.35 2020/07/17 03:43:42 dtucker Exp $\n\n");
	printf("# Site-wide defaults for some commonly used options.  For a comprehensive\n");
	printf("# list of available options, their meanings and defaults, please see the\n");
	printf("# ssh_config(5) man page.\n\n");
	printf("Host *\n");
	printf("#   ForwardAgent no\n");
	printf("#   ForwardX11 no\n");
	printf("    StrictHostKeyChecking ask\n");
	printf("    ServerAliveInterval 60\n");
}

/* A made-up key: recognisable, never a real one. */
static void cfg_print_key(const struct sim_host *h, const char *type, int private_key)
{
	unsigned long x = cfg_hash(h->name, type);

	if (private_key) {
		printf("-----BEGIN OPENSSH PRIVATE KEY-----\n");
		printf("bmltc2ltIGxhYiBrZXk6IG5vdCBhIHJlYWwga2V5%08lx\n", x);
		printf("-----END OPENSSH PRIVATE KEY-----\n");
		return;
	}
	printf("ssh-%s AAAAC3NzaC1lZDI1NTE5AAAAINimsimLabKey%08lx%08lx root@%s\n", type, x,
	       x ^ 0x5a5a5a5aUL, h->hostname);
}

/* The files made up in each directory (a host's file tree may add others). */
static const struct {
	const char *dir, *name;
} cfg_files[] = {
	{ "/etc", "environment" },
	{ "/etc", "hosts" },
	{ "/etc", "inittab" },
	{ "/etc", "motd" },
	{ "/etc", "netsvc.conf" },
	{ "/etc", "resolv.conf" },
	{ "/etc", "sendmail.cf" },
	{ "/etc/security", "limits" },
	{ "/etc/ssh", "ssh_config" },
	{ "/etc/ssh", "ssh_host_ed25519_key" },
	{ "/etc/ssh", "ssh_host_ed25519_key.pub" },
	{ "/etc/ssh", "sshd_config" },
	{ "/etc/tunables", "nextboot" },
	{ "/var/spool/cron/crontabs", "root" },
};

int sim_cfg_file_print(const struct sim_lab *lab, const struct sim_host *h, const char *path)
{
	if (strcmp(path, "/etc/motd") == 0)
		cfg_print_motd(h);
	else if (strcmp(path, "/etc/hosts") == 0)
		cfg_print_hosts(lab, h);
	else if (strcmp(path, "/etc/resolv.conf") == 0)
		cfg_print_resolv(lab, h);
	else if (strcmp(path, "/etc/netsvc.conf") == 0)
		printf("# /etc/netsvc.conf: name resolution order\nhosts = local, bind4\n");
	else if (strcmp(path, "/etc/environment") == 0)
		cfg_print_environment();
	else if (strcmp(path, "/etc/security/limits") == 0)
		cfg_print_limits(h);
	else if (strcmp(path, "/etc/inittab") == 0)
		cfg_print_inittab();
	else if (strcmp(path, "/etc/sendmail.cf") == 0)
		cfg_print_sendmail(h);
	else if (strcmp(path, "/etc/ssh/sshd_config") == 0)
		cfg_print_sshd_config();
	else if (strcmp(path, "/etc/ssh/ssh_config") == 0)
		cfg_print_ssh_config();
	else if (strcmp(path, "/etc/ssh/ssh_host_ed25519_key") == 0)
		cfg_print_key(h, "ed25519", 1);
	else if (strcmp(path, "/etc/ssh/ssh_host_ed25519_key.pub") == 0)
		cfg_print_key(h, "ed25519", 0);
	else if (strcmp(path, "/etc/tunables/nextboot") == 0)
		cfg_print_nextboot(h);
	else if (strcmp(path, "/var/spool/cron/crontabs/root") == 0)
		cfg_print_crontab(h);
	else
		return -1;
	return 0;
}

void sim_cfg_dir_list(const struct sim_lab *lab, const struct sim_host *h, const char *dir,
                      struct strv *out)
{
	(void)lab;
	(void)h;
	for (size_t i = 0; i < ARRAY_LEN(cfg_files); i++)
		if (strcmp(cfg_files[i].dir, dir) == 0)
			strv_push(out, cfg_files[i].name);
}

/* Whether dir is a directory made up files live in, or one above it. */
static int cfg_made_up_dir(const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	for (size_t i = 0; i < ARRAY_LEN(cfg_files); i++)
		if (strncmp(cfg_files[i].dir, dir, n) == 0 &&
		    (cfg_files[i].dir[n] == '\0' || cfg_files[i].dir[n] == '/'))
			return 1;
	return 0;
}

static int cfg_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- ls ------------------------------------------------------------------------------------ */

int sim_cfg_ls(struct sim_ctx *ctx, int argc, char **argv)
{
	const struct sim_host *h = ctx->host;
	struct sim_opt o;
	int c, all = 0, slash = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "apA1dlFRrt")) != -1) {
		switch (c) {
		case 'a':
		case 'A':
			all = c == 'a' ? 1 : 2;
			break;
		case 'p':
		case 'F':
			slash = 1;
			break;
		case '1':
			break;
		case '?':
			sim_opt_complain("ls", c, o.opt);
			fputs("Usage: ls [-1ACFHLNRSabcdefgiklmnopqrstuxEUX] [File...]\n", stderr);
			return 2;
		default:
			fprintf(stderr, "ls: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
	}
	if (o.ind >= argc) {
		fprintf(stderr, "ls: nimsim lists only named directories\n");
		return 2;
	}
	for (int i = o.ind; i < argc; i++) {
		char *norm = sim_files_normalise(argv[i]);
		char *real = sim_files_path(ctx->lab, h, norm);
		struct strv names = { 0 }, made = { 0 };
		struct stat sb;
		DIR *d;
		int is_dir = real != NULL && stat(real, &sb) == 0 && S_ISDIR(sb.st_mode);
		int is_file = real != NULL && stat(real, &sb) == 0 && S_ISREG(sb.st_mode);

		if (*norm == '\0') {
			free(norm);
			norm = xstrdup("/");
		}
		if (!is_dir && !is_file) {
			is_dir = cfg_made_up_dir(norm);
			if (!is_dir) {
				/* a made-up file? */
				char *dir = xstrdup(norm), *base = strrchr(dir, '/');
				*base++ = '\0';
				sim_cfg_dir_list(ctx->lab, h, *dir != '\0' ? dir : "/", &made);
				for (size_t k = 0; k < made.n; k++)
					if (strcmp(made.v[k], base) == 0)
						is_file = 1;
				strv_free(&made);
				free(dir);
			}
		}
		if (is_file) {
			printf("%s\n", argv[i]);
		} else if (!is_dir) {
			fprintf(stderr, "ls: 0653-341 The file %s does not exist.\n", argv[i]);
			rc = 2;
		} else {
			if (real != NULL && (d = opendir(real)) != NULL) {
				struct dirent *de;
				while ((de = readdir(d)) != NULL) {
					char *full;
					if (strcmp(de->d_name, ".") == 0 ||
					    strcmp(de->d_name, "..") == 0)
						continue;
					full = xasprintf("%s/%s", real, de->d_name);
					if (slash && stat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
						strv_pushf(&names, "%s/", de->d_name);
					else
						strv_push(&names, de->d_name);
					free(full);
				}
				closedir(d);
			}
			sim_cfg_dir_list(ctx->lab, h, norm, &made);
			for (size_t k = 0; k < made.n; k++) {
				int dup = 0;
				for (size_t j = 0; j < names.n; j++)
					dup |= strcmp(names.v[j], made.v[k]) == 0;
				if (!dup)
					strv_push(&names, made.v[k]);
			}
			/* the made-up subdirectories */
			for (size_t k = 0; k < ARRAY_LEN(cfg_files); k++) {
				const char *fd = cfg_files[k].dir;
				size_t n = strcmp(norm, "/") == 0 ? 0 : strlen(norm);
				if (strncmp(fd, norm, n) == 0 && fd[n] == '/' &&
				    fd[n + 1] != '\0') {
					const char *sub = fd + n + 1, *end = strchr(sub, '/');
					char *name = end != NULL
					                 ? xstrndup(sub, (size_t)(end - sub))
					                 : xstrdup(sub);
					char *shown =
					    slash ? xasprintf("%s/", name) : xstrdup(name);
					int dup = 0;
					for (size_t j = 0; j < names.n; j++)
						dup |= strcmp(names.v[j], shown) == 0;
					if (!dup)
						strv_push(&names, shown);
					free(shown);
					free(name);
				}
			}
			if (names.n > 1)
				qsort(names.v, names.n, sizeof *names.v, cfg_strcmp);
			if (all == 1)
				printf(slash ? "./\n../\n" : ".\n..\n");
			for (size_t k = 0; k < names.n; k++)
				printf("%s\n", names.v[k]);
			strv_free(&made);
		}
		strv_free(&names);
		free(real);
		free(norm);
	}
	return rc;
}

/* ---- a migration booted -------------------------------------------------------------------- */

void sim_cfg_migrated(struct sim_state *st, const struct sim_lab *lab, const struct sim_host *h,
                      const char *to)
{
	const char *list = sim_attrs_get(&h->cfg, "migration_reset");
	struct strv w = { 0 };
	struct err e;

	if (list == NULL || sim_words_split(list, &w, &e) != 0) {
		strv_free(&w);
		return;
	}
	for (size_t i = 0; i < w.n; i++) {
		char *item = w.v[i], *eq = strchr(item, '='), *dot;
		if (eq != NULL)
			*eq++ = '\0';
		if (strcmp(item, "/etc/motd") == 0) {
			FILE *f = sim_files_open(lab, h, "/etc/motd", "w");
			if (f != NULL) {
				cfg_print_release_motd(f, to);
				fclose(f);
			}
		} else if (str_starts(item, "sys0.")) {
			const char *v = eq;
			for (size_t j = 0; v == NULL && j < sim_cat_nsys0; j++)
				if (strcmp(sim_cat_sys0[j].name, item + 5) == 0)
					v = sim_cat_sys0[j].value;
			if (v != NULL)
				sim_state_set(st, h->name, item, v);
		} else if (str_starts(item, "service.")) {
			sim_state_set(st, h->name, item, eq != NULL ? eq : "active");
		} else if ((dot = strchr(item, '.')) != NULL) {
			const struct cfg_tunable *t;
			*dot = '\0';
			if ((t = cfg_tunable_find(item, dot + 1)) != NULL)
				cfg_tunable_put(st, h, t, eq != NULL ? eq : t->deflt,
				                eq != NULL ? eq : t->deflt);
		}
	}
	strv_free(&w);
}
