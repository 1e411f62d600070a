/*
 * files.c: the lab's file tree and `cat`. Each host has its own files under
 * NIMSIM_STATE/files/<host>/ (nimadm writes /var/adm/ras/alt_mig/... there);
 * a few files every AIX system has are made up from the lab when the tree has
 * none (/etc/niminfo here; /etc/motd, /etc/hosts ... in aixcfg.c). `cat` reads
 * only that tree, never the real system.
 */
#include "nimadm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sim_files_normalise(const char *file)
{
	struct strv parts = { 0 };
	struct strbuf sb = { 0 };
	const char *p = file;

	while (*p != '\0') {
		const char *end = strchr(p, '/');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (parts.n > 0) {
				free(parts.v[--parts.n]);
				parts.v[parts.n] = NULL;
			}
		} else {
			char *w = xstrndup(p, len);
			strv_push(&parts, w);
			free(w);
		}
		p += len;
		if (*p == '/')
			p++;
	}
	for (size_t i = 0; i < parts.n; i++) {
		sb_addc(&sb, '/');
		sb_adds(&sb, parts.v[i]);
	}
	strv_free(&parts);
	return sb_steal(&sb);
}

char *sim_files_path(const struct sim_lab *lab, const struct sim_host *h, const char *file)
{
	char *norm, *path;

	if (lab->state_dir == NULL)
		return NULL;
	norm = sim_files_normalise(file);
	if (*norm == '\0') {
		free(norm);
		return NULL;
	}
	path = xasprintf("%s/files/%s%s", lab->state_dir, h->name, norm);
	free(norm);
	return path;
}

/* mkdir -p of every directory above path. */
static int files_mkdirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

FILE *sim_files_open(const struct sim_lab *lab, const struct sim_host *h, const char *file,
                     const char *mode)
{
	char *path = sim_files_path(lab, h, file);
	FILE *f = NULL;

	if (path != NULL && files_mkdirs(path) == 0)
		f = fopen(path, mode);
	free(path);
	return f;
}

/* /etc/niminfo as NIM writes it on the master and on a standalone client. */
static void files_niminfo(const struct sim_lab *lab, const struct sim_host *h)
{
	const struct sim_host *m = lab->hosts[0];
	const struct sim_network *net = lab->nets[0];

	if (h->network != NULL && sim_lab_network(lab, h->network) != NULL)
		net = sim_lab_network(lab, h->network);
	printf("#------------------ Network Install Manager ---------------\n");
	printf("# warning - this file contains NIM configuration information\n");
	printf("#       and should only be updated by NIM\n");
	printf("export NIM_NAME=%s\n", h->name);
	printf("export NIM_HOSTNAME=%s\n", h->hostname);
	printf("export NIM_CONFIGURATION=%s\n", h->is_master ? "master" : "standalone");
	printf("export NIM_MASTER_HOSTNAME=%s\n", m->hostname);
	printf("export NIM_MASTER_PORT=1058\n");
	printf("export NIM_REGISTRATION_PORT=1059\n");
	if (h->is_master) {
		printf("export NIM_MASTER_HOSTNAME_LIST=\"%s\"\n", m->hostname);
		return;
	}
	printf("export NIM_SHELL=\"%s\"\n", h->connect == SIM_CONNECT_NIMSH ? "nimsh" : "shell");
	printf("export NIM_MASTERID=%s\n", m->cpuid);
	printf("export NIM_LICENSE_ACCEPT=yes\n");
	printf("export RC_CONFIG=rc.bos_inst\n");
	printf("export NIM_BOS_IMAGE=/SPOT/usr/sys/inst.images/installp/ppc/bos\n");
	printf("export NIM_BOS_FORMAT=rte\n");
	printf("export NIM_HOSTS=\" %s:%s  %s:%s \"\n", h->ip, h->hostname, m->ip, m->hostname);
	printf("export NIM_MOUNTS=\"\"\n");
	printf("export ROUTES=\" default:0:%s \"\n", net->gateway);
}

/* Copies a file to stdout; 0, or -1 when it cannot be read as a file. */
static int files_copy(const char *path)
{
	char buf[8192];
	struct stat sb;
	size_t n;
	FILE *f;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* The real file must lie inside the host's tree (a symbolic link cannot lead out). */
static int files_inside(const struct sim_lab *lab, const struct sim_host *h, const char *path)
{
	char *top = xasprintf("%s/files/%s", lab->state_dir, h->name);
	char rtop[PATH_MAX], rpath[PATH_MAX];
	int ok = realpath(top, rtop) != NULL && realpath(path, rpath) != NULL &&
	         strncmp(rpath, rtop, strlen(rtop)) == 0 && rpath[strlen(rtop)] == '/';

	free(top);
	return ok;
}

static int files_cat_one(struct sim_ctx *ctx, const char *file, int quiet)
{
	char *path = sim_files_path(ctx->lab, ctx->host, file);
	char *norm = sim_files_normalise(file);
	int rc = -1;

	if (path != NULL && files_inside(ctx->lab, ctx->host, path))
		rc = files_copy(path);
	if (rc != 0 && strcmp(norm, "/etc/niminfo") == 0) {
		files_niminfo(ctx->lab, ctx->host);
		rc = 0;
	}
	if (rc != 0 && sim_cfg_file_print(ctx->lab, ctx->host, norm) == 0)
		rc = 0;
	free(path);
	free(norm);
	if (rc != 0 && !quiet) {
		fflush(stdout);
		fprintf(stderr, "cat: 0652-050 Cannot open %s.\n", file);
	}
	return rc;
}

int sim_files_cat(struct sim_ctx *ctx, int argc, char **argv)
{
	struct sim_opt o;
	int c, quiet = 0, rc = 0;

	sim_opt_init(&o, argc, argv);
	while ((c = sim_opt_next(&o, "benqrsStuv")) != -1) {
		switch (c) {
		case 'q':
			quiet = 1;
			break;
		case 'u':
		case 's':
			break;
		case '?':
		case ':':
			sim_opt_complain("cat", c, o.opt);
			fputs("Usage: cat [-q] [-r] [-s] [-S] [-u] [-n[-b]] [-v [-e][-t]] [-|File "
			      "...]\n",
			      stderr);
			return 2;
		default:
			fprintf(stderr, "cat: nimsim does not simulate the -%c flag\n", c);
			return 2;
		}
	}
	if (o.ind >= argc) {
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			fwrite(buf, 1, n, stdout);
		return 0;
	}
	for (int i = o.ind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			char buf[8192];
			size_t n;
			while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
				fwrite(buf, 1, n, stdout);
			continue;
		}
		if (files_cat_one(ctx, argv[i], quiet) != 0)
			rc = 2;
	}
	return rc;
}
