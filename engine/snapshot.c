/*
 * snapshot.c: the snapshot model, the catalog of what is collected, and the
 * archive: written with libarchive (pax, gzip, 0600, atomically), read back
 * and verified against its manifest. Collection lives in snapshot_collect.c.
 */
#include "snapshot.h"

#include <archive.h>
#include <archive_entry.h>
#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snapshot_int.h"

#define SNAP_FORMAT  "nimadm-tui-snapshot"
#define SNAP_VERSION 1
/* Nothing we write comes near these; a bigger archive is not ours. */
#define SNAP_ENTRY_MAX (96LL * 1024 * 1024)
#define SNAP_TOTAL_MAX (512LL * 1024 * 1024)

static const char *const snap_status_names[] = {
#define SNAP_STATUS_NAME(e, n) n,
	SNAPSHOT_STATUSES(SNAP_STATUS_NAME)
#undef SNAP_STATUS_NAME
};

const char *snapshot_status_name(enum snapshot_status s)
{
	return (unsigned)s < SNAP_STATUS_COUNT ? snap_status_names[s] : "unknown";
}

/* ---- the catalog ----------------------------------------------------------------- */

#define SNAP_ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct snapshot_cmd_def snap_cmds[] = {
	{ "oslevel_s", SNAP_ARGV("oslevel", "-s") },
	{ "lslpp_Lc", SNAP_ARGV("lslpp", "-Lc") },
	{ "lsattr_sys0", SNAP_ARGV("lsattr", "-El", "sys0") },
	{ "vmo_a", SNAP_ARGV("vmo", "-a") },
	{ "no_a", SNAP_ARGV("no", "-a") },
	{ "ioo_a", SNAP_ARGV("ioo", "-a") },
	{ "schedo_a", SNAP_ARGV("schedo", "-a") },
	{ "mount", SNAP_ARGV("mount") },
	{ "lsfs", SNAP_ARGV("lsfs") },
	{ "netstat_rn", SNAP_ARGV("netstat", "-rn") },
	{ "ifconfig_a", SNAP_ARGV("ifconfig", "-a") },
	{ "lsvg", SNAP_ARGV("lsvg") },
	{ "lsvg_l_rootvg", SNAP_ARGV("lsvg", "-l", "rootvg") },
	{ "lspv", SNAP_ARGV("lspv") },
	{ "bootlist", SNAP_ARGV("bootlist", "-m", "normal", "-o") },
	{ "lssrc_a", SNAP_ARGV("lssrc", "-a") },
	{ "crontab_l", SNAP_ARGV("crontab", "-l") },
};

/* A trailing slash marks a directory: listed with `ls -ap`, then read file by file. */
static const char *const snap_files[] = {
	"/etc/motd",
	"/etc/sendmail.cf",
	"/etc/ssh/",
	"/etc/tunables/nextboot",
	"/etc/inittab",
	"/etc/hosts",
	"/etc/resolv.conf",
	"/etc/netsvc.conf",
	"/etc/environment",
	"/etc/security/limits",
	NULL,
};

const struct snapshot_cmd_def *snapshot_catalog_cmds(size_t *n)
{
	*n = ARRAY_LEN(snap_cmds);
	return snap_cmds;
}

const char *const *snapshot_catalog_files(size_t *n)
{
	*n = ARRAY_LEN(snap_files) - 1;
	return snap_files;
}

int snapshot_client_valid(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > 64 || !isalnum((unsigned char)name[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '_' && c != '.' && c != '-' && c != '+')
			return 0;
	}
	return 1;
}

/* ---- the model ------------------------------------------------------------------------ */

static void snap_item_clear(struct snapshot_item *it)
{
	free(it->name);
	free(it->source);
	free(it->message);
	free(it->entry);
	free(it->data);
	free(it->err_entry);
	free(it->err_data);
	memset(it, 0, sizeof *it);
}

void snapshot_free(struct snapshot **sp)
{
	struct snapshot *s = *sp;

	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nitems; i++)
		snap_item_clear(&s->items[i]);
	free(s->items);
	free(s->path);
	free(s->client);
	free(s->master);
	free(s->connect);
	free(s->taken_at);
	free(s->oslevel);
	free(s);
	*sp = NULL;
}

struct snapshot_item *snap_push_item(struct snapshot *s)
{
	struct snapshot_item *it;

	s->items = xreallocarray(s->items, s->nitems + 1, sizeof *s->items);
	it = &s->items[s->nitems++];
	memset(it, 0, sizeof *it);
	it->exit_status = -1;
	return it;
}

static char *snap_dup_bytes(const char *data, size_t len)
{
	char *p = xmalloc(len + 1);

	if (len > 0)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

void snap_item_set_data(struct snapshot_item *it, const char *data, size_t len)
{
	free(it->data);
	it->data = snap_dup_bytes(data, len);
	it->len = len;
	sha256_hex(data, len, it->sha256);
}

void snap_item_set_err(struct snapshot_item *it, const char *data, size_t len)
{
	free(it->err_data);
	it->err_data = snap_dup_bytes(data, len);
	it->err_len = len;
	sha256_hex(data, len, it->err_sha256);
}

const struct snapshot_item *snapshot_find(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; s != NULL && i < s->nitems; i++)
		if (strcmp(s->items[i].name, name) == 0)
			return &s->items[i];
	return NULL;
}

const char *snapshot_data(const struct snapshot *s, const char *name, size_t *len)
{
	const struct snapshot_item *it = snapshot_find(s, name);

	if (it == NULL || it->status != SNAP_OK || it->data == NULL)
		return NULL;
	if (len != NULL)
		*len = it->len;
	return it->data;
}

size_t snapshot_count(const struct snapshot *s, enum snapshot_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nitems; i++)
		n += s->items[i].status == st;
	return n;
}

static int snap_cmd_rank(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(snap_cmds); i++)
		if (strcmp(snap_cmds[i].name, name) == 0)
			return (int)i;
	return str_starts(name, "ls_") ? 1000 : 2000;
}

static int snap_item_cmp(const void *a, const void *b)
{
	const struct snapshot_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind == SNAP_CMD ? -1 : 1;
	if (x->kind == SNAP_CMD) {
		int rx = snap_cmd_rank(x->name), ry = snap_cmd_rank(y->name);
		if (rx != ry)
			return rx < ry ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

void snap_sort_items(struct snapshot *s)
{
	if (s->nitems > 1)
		qsort(s->items, s->nitems, sizeof *s->items, snap_item_cmp);
}

char *snap_iso_time(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		return xstrdup("1970-01-01T00:00:00+0000");
	return xstrdup(buf);
}

void snap_stamp(long long t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(buf, 32, "%Y%m%d-%H%M%S", &tm) == 0)
		str_copy(buf, "19700101-000000", 32);
}

/* The length of the valid UTF-8 sequence at p, or 0. */
static size_t snap_utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

int snap_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = snap_utf8_len(p);
		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
}

char *snap_utf8_dup(const char *s)
{
	struct strbuf sb = { 0 };
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = snap_utf8_len(p);
		if (n == 0) {
			sb_adds(&sb, "\xef\xbf\xbd");
			p++;
			continue;
		}
		sb_add(&sb, (const char *)p, n);
		p += n;
	}
	return sb_steal(&sb);
}

int snapshot_item_is_private_key(const struct snapshot_item *it)
{
	static const char tag[] = "PRIVATE KEY-----";

	if (it->kind != SNAP_FILE || it->data == NULL || it->len < sizeof tag)
		return 0;
	for (size_t i = 0; i + sizeof tag - 1 <= it->len; i++)
		if (memcmp(it->data + i, tag, sizeof tag - 1) == 0)
			return 1;
	return 0;
}

/* ---- manifest ------------------------------------------------------------------------- */

/* Strings from the client may be any bytes: JSON gets valid UTF-8. */
static void snap_json_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL) {
		char *u = snap_utf8_dup(v);
		cJSON_AddStringToObject(o, key, u);
		free(u);
	} else {
		cJSON_AddNullToObject(o, key);
	}
}

cJSON *snapshot_manifest_json(const struct snapshot *snap)
{
	cJSON *root = cJSON_CreateObject(), *items, *counts;

	cJSON_AddStringToObject(root, "format", SNAP_FORMAT);
	cJSON_AddNumberToObject(root, "version", SNAP_VERSION);
	snap_json_str(root, "client", snap->client);
	snap_json_str(root, "master", snap->master);
	snap_json_str(root, "connect", snap->connect);
	snap_json_str(root, "taken_at", snap->taken_at);
	cJSON_AddNumberToObject(root, "taken", (double)snap->taken);
	snap_json_str(root, "oslevel", snap->oslevel);
	counts = cJSON_AddObjectToObject(root, "counts");
	for (int st = 0; st < SNAP_STATUS_COUNT; st++)
		cJSON_AddNumberToObject(counts, snapshot_status_name((enum snapshot_status)st),
		                        (double)snapshot_count(snap, (enum snapshot_status)st));
	items = cJSON_AddArrayToObject(root, "items");
	for (size_t i = 0; i < snap->nitems; i++) {
		const struct snapshot_item *it = &snap->items[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "kind", it->kind == SNAP_CMD ? "cmd" : "file");
		snap_json_str(o, "name", it->name);
		snap_json_str(o, "source", it->source);
		cJSON_AddStringToObject(o, "status", snapshot_status_name(it->status));
		if (it->exit_status >= 0)
			cJSON_AddNumberToObject(o, "exit_status", it->exit_status);
		else
			cJSON_AddNullToObject(o, "exit_status");
		snap_json_str(o, "message", it->message);
		snap_json_str(o, "entry", it->entry);
		if (it->entry != NULL) {
			cJSON_AddNumberToObject(o, "bytes", (double)it->len);
			cJSON_AddStringToObject(o, "sha256", it->sha256);
		}
		snap_json_str(o, "err_entry", it->err_entry);
		if (it->err_entry != NULL) {
			cJSON_AddNumberToObject(o, "err_bytes", (double)it->err_len);
			cJSON_AddStringToObject(o, "err_sha256", it->err_sha256);
		}
		cJSON_AddNumberToObject(o, "duration_ms", (double)it->duration_ms);
		cJSON_AddItemToArray(items, o);
	}
	return root;
}

/* ---- writing ---------------------------------------------------------------------------- */

char *snapshot_dir(const struct site *s, const char *client)
{
	return xasprintf("%s/snapshots/%s", s->state_dir, client);
}

int snap_write_entry(struct archive *a, const char *name, const char *data, size_t len,
                     long long mtime, struct err *e)
{
	struct archive_entry *en = archive_entry_new();
	int rc = 0;

	archive_entry_set_pathname(en, name);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0600);
	archive_entry_set_size(en, (la_int64_t)len);
	archive_entry_set_mtime(en, (time_t)mtime, 0);
	archive_entry_set_uid(en, 0);
	archive_entry_set_gid(en, 0);
	archive_entry_set_uname(en, "root");
	archive_entry_set_gname(en, "system");
	if (archive_write_header(a, en) != ARCHIVE_OK) {
		err_set(e, "%s: %s", name, archive_error_string(a));
		rc = -1;
	} else if (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len) {
		err_set(e, "%s: %s", name, archive_error_string(a));
		rc = -1;
	}
	archive_entry_free(en);
	return rc;
}

/* Writes the archive to fd: pax, gzip, then whatever fill adds. */
static int snap_archive_fd(int fd, snap_fill_fn *fill, void *arg, struct err *e)
{
	struct archive *a = archive_write_new();
	int rc = -1;

	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		err_set(e, "cannot start the archive: %s", archive_error_string(a));
		goto out;
	}
	if (fill(a, arg, e) != 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		err_set(e, "cannot finish the archive: %s", archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	return rc;
}

char *snap_archive_create(const char *dir, const char *prefix, long long t, const char *output,
                          snap_fill_fn *fill, void *arg, struct err *e)
{
	char *d, *tmp, *final = NULL;
	char stamp[32];
	int fd, ok = 0;

	if (output != NULL) {
		const char *slash = strrchr(output, '/');
		d = slash == NULL     ? xstrdup(".")
		    : slash == output ? xstrdup("/")
		                      : xstrndup(output, (size_t)(slash - output));
	} else {
		d = xstrdup(dir);
		if (site_mkdirs(d, 1, e) != 0) {
			free(d);
			return NULL;
		}
	}
	tmp = xasprintf("%s/.%s.XXXXXX", d, prefix);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, "cannot create a file in %s: %s", d, strerror(errno));
		free(tmp);
		free(d);
		return NULL;
	}
	(void)fchmod(fd, 0600);
	if (snap_archive_fd(fd, fill, arg, e) != 0)
		goto out;
	if (fsync(fd) != 0) {
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (output != NULL) {
		if (rename(tmp, output) != 0) {
			err_set(e, "cannot create %s: %s", output, strerror(errno));
			goto out;
		}
		final = xstrdup(output);
		ok = 1;
		goto out;
	}
	/* link() never replaces: the first free name wins, even against a racing writer. */
	snap_stamp(t, stamp);
	for (int n = 0; n < 1000 && !ok; n++) {
		free(final);
		final = n == 0 ? xasprintf("%s/%s-%s.tar.gz", d, prefix, stamp)
		               : xasprintf("%s/%s-%s-%d.tar.gz", d, prefix, stamp, n);
		if (link(tmp, final) == 0) {
			ok = 1;
		} else if (errno != EEXIST) {
			err_set(e, "cannot create %s: %s", final, strerror(errno));
			break;
		}
	}
	if (!ok && e != NULL && e->msg[0] == '\0')
		err_set(e, "no free archive name in %s", d);
out:
	close(fd);
	if (!ok || output == NULL)
		unlink(tmp);
	if (!ok) {
		free(final);
		final = NULL;
	}
	free(tmp);
	free(d);
	return final;
}

/* manifest.json first, then the entries in item order. */
static int snap_fill(struct archive *a, void *arg, struct err *e)
{
	const struct snapshot *snap = arg;
	cJSON *man = snapshot_manifest_json(snap);
	char *text = cJSON_Print(man);
	int rc = -1;

	cJSON_Delete(man);
	if (snap_write_entry(a, "manifest.json", text, strlen(text), snap->taken, e) != 0)
		goto out;
	for (size_t i = 0; i < snap->nitems; i++) {
		const struct snapshot_item *it = &snap->items[i];
		if (it->entry != NULL &&
		    snap_write_entry(a, it->entry, it->data, it->len, snap->taken, e) != 0)
			goto out;
		if (it->err_entry != NULL && snap_write_entry(a, it->err_entry, it->err_data,
		                                              it->err_len, snap->taken, e) != 0)
			goto out;
	}
	rc = 0;
out:
	cJSON_free(text);
	return rc;
}

int snapshot_write(struct snapshot *snap, const struct site *s, const char *dir, struct err *e)
{
	char *d, *path;

	if (!snapshot_client_valid(snap->client)) {
		err_set(e, "not a valid client name for a snapshot");
		return -1;
	}
	d = dir != NULL ? xstrdup(dir) : snapshot_dir(s, snap->client);
	path = snap_archive_create(d, snap->client, snap->taken, NULL, snap_fill, snap, e);
	free(d);
	if (path == NULL)
		return -1;
	free(snap->path);
	snap->path = path;
	return 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct snap_entry {
	char *name;
	char *data;
	size_t len;
	int used;
};

struct snap_entries {
	struct snap_entry *v;
	size_t n;
};

static void snap_entries_free(struct snap_entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].name);
		free(es->v[i].data);
	}
	free(es->v);
	memset(es, 0, sizeof *es);
}

static struct snap_entry *snap_entries_find(struct snap_entries *es, const char *name)
{
	for (size_t i = 0; i < es->n; i++)
		if (strcmp(es->v[i].name, name) == 0)
			return &es->v[i];
	return NULL;
}

/* Every regular entry of a .tar.gz into memory. */
static int snap_read_entries(const char *path, struct snap_entries *es, struct err *e)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	long long total = 0;
	int rc = -1, r;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(e, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &en)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(en);
		la_int64_t size = archive_entry_size(en);
		struct strbuf sb = { 0 };
		char buf[65536];
		la_ssize_t n;

		if (name == NULL || archive_entry_filetype(en) != AE_IFREG) {
			err_set(e, "%s: unexpected entry %s (not a regular file)", path,
			        name != NULL ? name : "(no name)");
			goto out;
		}
		if (snap_entries_find(es, name) != NULL) {
			err_set(e, "%s: entry %s appears twice", path, name);
			goto out;
		}
		if (size < 0 || size > SNAP_ENTRY_MAX || total + size > SNAP_TOTAL_MAX) {
			err_set(e, "%s: entry %s is too large", path, name);
			goto out;
		}
		while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
			if ((long long)sb.len + n > SNAP_ENTRY_MAX)
				break;
			sb_add(&sb, buf, (size_t)n);
		}
		if (n < 0) {
			err_set(e, "%s: %s: %s", path, name, archive_error_string(a));
			sb_free(&sb);
			goto out;
		}
		total += (long long)sb.len;
		es->v = xreallocarray(es->v, es->n + 1, sizeof *es->v);
		es->v[es->n].name = xstrdup(name);
		es->v[es->n].len = sb.len;
		es->v[es->n].data = sb_steal(&sb);
		es->v[es->n].used = 0;
		es->n++;
	}
	if (r != ARCHIVE_EOF) {
		err_set(e, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

static const char *snap_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *snap_jdup(const cJSON *o, const char *key)
{
	const char *s = snap_jstr(o, key);
	return s != NULL ? xstrdup(s) : NULL;
}

/* An entry name we could have written: cmd/... or files/..., no `..` component. */
static int snap_entry_name_ok(const char *name)
{
	if (!str_starts(name, "cmd/") && !str_starts(name, "files/"))
		return 0;
	for (const char *p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20)
			return 0;
		if (p[0] == '/' && p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0'))
			return 0;
	}
	return 1;
}

static int snap_is_hex64(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Checks one (entry, bytes, sha256) triple of an item and returns its bytes. */
static int snap_verify_entry(const char *path, struct snap_entries *es, const cJSON *o,
                             const char *ekey, const char *bkey, const char *hkey, char **entry,
                             char **data, size_t *len, char hex[SHA256_HEX_LEN], struct err *e)
{
	const char *name = snap_jstr(o, ekey), *want = snap_jstr(o, hkey);
	const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(o, bkey);
	struct snap_entry *en;
	char got[SHA256_HEX_LEN];

	if (name == NULL)
		return 0;
	if (!snap_entry_name_ok(name)) {
		err_set(e, "%s: the manifest names an invalid entry", path);
		return -1;
	}
	if (!cJSON_IsNumber(bytes) || bytes->valuedouble < 0 || !snap_is_hex64(want)) {
		err_set(e, "%s: %s: the manifest has no valid size or checksum", path, name);
		return -1;
	}
	en = snap_entries_find(es, name);
	if (en == NULL) {
		err_set(e, "%s: %s is in the manifest but not in the archive", path, name);
		return -1;
	}
	if (en->used) {
		err_set(e, "%s: %s is named twice in the manifest", path, name);
		return -1;
	}
	en->used = 1;
	if ((double)en->len != bytes->valuedouble) {
		err_set(e, "%s: %s has %zu bytes, the manifest says %.0f", path, name, en->len,
		        bytes->valuedouble);
		return -1;
	}
	sha256_hex(en->data, en->len, got);
	if (strcmp(got, want) != 0) {
		err_set(e, "%s: %s: checksum mismatch (manifest %.12s..., archive %.12s...)", path,
		        name, want, got);
		return -1;
	}
	*entry = xstrdup(name);
	*data = en->data;
	*len = en->len;
	en->data = NULL;
	memcpy(hex, got, SHA256_HEX_LEN);
	return 0;
}

static int snap_parse_item(const char *path, struct snap_entries *es, const cJSON *o,
                           struct snapshot *snap, struct err *e)
{
	const char *kind = snap_jstr(o, "kind"), *name = snap_jstr(o, "name");
	const char *status = snap_jstr(o, "status");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "exit_status");
	const cJSON *dur = cJSON_GetObjectItemCaseSensitive(o, "duration_ms");
	struct snapshot_item *it;
	int st = -1;

	if (!cJSON_IsObject(o) || kind == NULL || name == NULL || status == NULL ||
	    (strcmp(kind, "cmd") != 0 && strcmp(kind, "file") != 0)) {
		err_set(e, "%s: the manifest has an item without kind, name or status", path);
		return -1;
	}
	for (int i = 0; i < SNAP_STATUS_COUNT; i++)
		if (strcmp(status, snap_status_names[i]) == 0)
			st = i;
	if (st < 0) {
		err_set(e, "%s: item %s has an unknown status", path, name);
		return -1;
	}
	it = snap_push_item(snap);
	it->kind = strcmp(kind, "cmd") == 0 ? SNAP_CMD : SNAP_FILE;
	it->name = xstrdup(name);
	it->source = snap_jdup(o, "source");
	it->message = snap_jdup(o, "message");
	it->status = (enum snapshot_status)st;
	it->exit_status = cJSON_IsNumber(ex) ? ex->valueint : -1;
	it->duration_ms = cJSON_IsNumber(dur) ? (long long)dur->valuedouble : 0;
	if (snap_verify_entry(path, es, o, "entry", "bytes", "sha256", &it->entry, &it->data,
	                      &it->len, it->sha256, e) != 0)
		return -1;
	if (snap_verify_entry(path, es, o, "err_entry", "err_bytes", "err_sha256", &it->err_entry,
	                      &it->err_data, &it->err_len, it->err_sha256, e) != 0)
		return -1;
	return 0;
}

struct snapshot *snapshot_open(const char *path, struct err *e)
{
	struct snap_entries es = { 0 };
	struct snapshot *snap = NULL;
	struct snap_entry *man;
	const cJSON *items, *it, *taken;
	cJSON *root = NULL;
	const char *fmt;

	if (snap_read_entries(path, &es, e) != 0)
		goto fail;
	man = snap_entries_find(&es, "manifest.json");
	if (man == NULL) {
		err_set(e, "%s: no manifest.json: not a nimadm-tui snapshot", path);
		goto fail;
	}
	man->used = 1;
	root = cJSON_ParseWithLength(man->data, man->len);
	fmt = root != NULL ? snap_jstr(root, "format") : NULL;
	if (root == NULL || fmt == NULL || strcmp(fmt, SNAP_FORMAT) != 0) {
		err_set(e, "%s: manifest.json is not a nimadm-tui snapshot manifest", path);
		goto fail;
	}
	snap = xcalloc(1, sizeof *snap);
	snap->path = xstrdup(path);
	snap->client = snap_jdup(root, "client");
	snap->master = snap_jdup(root, "master");
	snap->connect = snap_jdup(root, "connect");
	snap->taken_at = snap_jdup(root, "taken_at");
	snap->oslevel = snap_jdup(root, "oslevel");
	taken = cJSON_GetObjectItemCaseSensitive(root, "taken");
	snap->taken = cJSON_IsNumber(taken) ? (long long)taken->valuedouble : 0;
	if (snap->client == NULL) {
		err_set(e, "%s: the manifest names no client", path);
		goto fail;
	}
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (!cJSON_IsArray(items)) {
		err_set(e, "%s: the manifest has no items", path);
		goto fail;
	}
	cJSON_ArrayForEach(it, items)
	{
		if (snap_parse_item(path, &es, it, snap, e) != 0)
			goto fail;
	}
	for (size_t i = 0; i < es.n; i++) {
		if (!es.v[i].used) {
			err_set(e, "%s: %s is in the archive but not in the manifest", path,
			        es.v[i].name);
			goto fail;
		}
	}
	cJSON_Delete(root);
	snap_entries_free(&es);
	return snap;
fail:
	cJSON_Delete(root);
	snap_entries_free(&es);
	snapshot_free(&snap);
	return NULL;
}

/* ---- the newest archive --------------------------------------------------------------- */

/* Parses "<client>-YYYYmmdd-HHMMSS[-N]<suffix>" into its stamp and N; 0 if it is one. */
static int snap_name_key(const char *name, const char *client, const char *suffix, char stamp[16],
                         long *seq)
{
	size_t cl = strlen(client);
	const char *p;

	if (strncmp(name, client, cl) != 0 || name[cl] != '-')
		return -1;
	p = name + cl + 1;
	for (int i = 0; i < 15; i++) {
		if (i == 8 ? p[i] != '-' : !isdigit((unsigned char)p[i]))
			return -1;
	}
	memcpy(stamp, p, 15);
	stamp[15] = '\0';
	p += 15;
	*seq = 0;
	if (*p == '-') {
		char *end;
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		*seq = strtol(p, &end, 10);
		p = end;
	}
	return strcmp(p, suffix) == 0 ? 0 : -1;
}

char *snap_newest_in(const char *dir, const char *client, const char *suffix)
{
	char *best = NULL, *r;
	char best_stamp[16] = "";
	long best_seq = -1;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		char stamp[16];
		long seq;
		int c;

		if (snap_name_key(de->d_name, client, suffix, stamp, &seq) != 0)
			continue;
		c = strcmp(stamp, best_stamp);
		if (best == NULL || c > 0 || (c == 0 && seq > best_seq)) {
			free(best);
			best = xstrdup(de->d_name);
			memcpy(best_stamp, stamp, sizeof best_stamp);
			best_seq = seq;
		}
	}
	closedir(d);
	if (best == NULL)
		return NULL;
	r = xasprintf("%s/%s", dir, best);
	free(best);
	return r;
}

char *snapshot_newest(const struct site *s, const char *client)
{
	char *dir, *r;

	if (!snapshot_client_valid(client))
		return NULL;
	dir = snapshot_dir(s, client);
	r = snap_newest_in(dir, client, ".tar.gz");
	free(dir);
	return r;
}

char *snap_create_unique(const char *dir, const char *client, long long t, const char *suffix,
                         const char *data, size_t len, struct err *e)
{
	char stamp[32];

	snap_stamp(t, stamp);
	for (int n = 0; n < 1000; n++) {
		char *path = n == 0 ? xasprintf("%s/%s-%s%s", dir, client, stamp, suffix)
		                    : xasprintf("%s/%s-%s-%d%s", dir, client, stamp, n, suffix);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		size_t off = 0;

		if (fd < 0) {
			if (errno == EEXIST) {
				free(path);
				continue;
			}
			err_set(e, "cannot create %s: %s", path, strerror(errno));
			free(path);
			return NULL;
		}
		while (off < len) {
			ssize_t w = write(fd, data + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err_set(e, "cannot write %s: %s", path, strerror(errno));
				close(fd);
				unlink(path);
				free(path);
				return NULL;
			}
			off += (size_t)w;
		}
		if (fsync(fd) != 0 || close(fd) != 0) {
			err_set(e, "cannot write %s: %s", path, strerror(errno));
			unlink(path);
			free(path);
			return NULL;
		}
		return path;
	}
	err_set(e, "no free file name in %s", dir);
	return NULL;
}
