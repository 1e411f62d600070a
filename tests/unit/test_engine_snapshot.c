/*
 * test_engine_snapshot.c: the configuration snapshot. A fake AIX master and
 * client (tests/fixtures/snapshot/fake.sh under every command name, with
 * realistic outputs and files in tests/fixtures/snapshot/) stand in for the
 * lab: rsh and c_rsh run the quoted command line "on" the client. Archives are
 * read back with libarchive and verified entry by entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "testsite.h"

struct fx {
	char *dir; /* the test's scratch directory: bin/, out/, files/, hosts/, state/ */
	char *fix; /* tests/fixtures/snapshot */
	struct site *site;
};

/* An override of one command's output on any host: out/KEY (+ .err, .rc, .hang). */
static void fake_out(struct fx *f, const char *key, const char *ext, const char *text)
{
	char *p = xasprintf("%s/out/%s%s", f->dir, key, ext);
	test_write_text(p, text);
	free(p);
}

static void fake_host(struct fx *f, const char *host, const char *flag)
{
	char *p = xasprintf("%s/hosts/%s.%s", f->dir, host, flag);
	test_write_text(p, "");
	free(p);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);

	test_fake_aix_open("snaptest", &f->dir, &f->fix, &f->site);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	test_fake_aix_close(&f->dir, &f->fix, &f->site);
	free(f);
	return 0;
}

static struct snapshot *take(struct fx *f, const char *client, struct err *e)
{
	struct snapshot_opts o = { .client = client, .timeout_ms = 20000 };
	err_clear(e);
	return snapshot_take(f->site, &o, NULL, e);
}

static char *fixture_path(struct fx *f, const char *rel)
{
	return xasprintf("%s/%s", f->fix, rel);
}

static void assert_item_is_fixture(struct fx *f, const struct snapshot *s, const char *name,
                                   const char *rel)
{
	const struct snapshot_item *it = snapshot_find(s, name);
	char *p = fixture_path(f, rel);
	size_t len;
	char *want = test_read_whole(p, &len);
	char hex[SHA256_HEX_LEN];

	if (it == NULL)
		fail_msg("no item %s", name);
	if (it->status != SNAP_OK)
		fail_msg("%s: %s (%s)", name, snapshot_status_name(it->status),
		         it->message != NULL ? it->message : "");
	assert_int_equal(it->exit_status, 0);
	assert_int_equal(it->len, len);
	assert_memory_equal(it->data, want, len);
	assert_string_equal(it->sha256, sha256_hex(want, len, hex));
	free(want);
	free(p);
}

/* ---- SHA-256 ----------------------------------------------------------------------------- */

static void test_sha256_matches_the_fips_180_vectors(void **state)
{
	char hex[SHA256_HEX_LEN];
	struct sha256 c;
	unsigned char d[SHA256_DIGEST_LEN];
	char *million = xmalloc(1000000);

	(void)state;
	assert_string_equal(sha256_hex("", 0, hex),
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(sha256_hex("abc", 3, hex),
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(
	    sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a' fed in uneven pieces crosses every block boundary case */
	memset(million, 'a', 1000000);
	sha256_init(&c);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step % 97 + 13)
		sha256_update(&c, million + off, off + step > 1000000 ? 1000000 - off : step);
	sha256_final(&c, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[31], 0xd0);
	assert_string_equal(sha256_hex(million, 1000000, hex),
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* ---- taking a snapshot -------------------------------------------------------------------- */

static void test_snapshot_collects_every_catalog_command_and_file_byte_for_byte(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s = take(f, "aixdb01", &e);
	size_t ncmds, nfiles;
	const struct snapshot_cmd_def *cmds = snapshot_catalog_cmds(&ncmds);
	const struct snapshot_item *it;
	struct stat st;
	char *dir, *prefix;

	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	(void)snapshot_catalog_files(&nfiles);
	assert_string_equal(s->client, "aixdb01");
	assert_string_equal(s->master, "nimmast01");
	assert_string_equal(s->connect, "shell");
	assert_string_equal(s->oslevel, "7200-05-06-2320");
	assert_non_null(s->taken_at);
	/* every command of the catalog, as the fixture prints it */
	for (size_t i = 0; i < ncmds; i++) {
		struct strbuf key = { 0 };
		char *rel;
		for (size_t k = 0; cmds[i].argv[k] != NULL; k++)
			sb_addf(&key, "%s%s", k > 0 ? "_" : "", cmds[i].argv[k]);
		rel = xasprintf("before/cmd/%s", sb_str(&key));
		assert_item_is_fixture(f, s, cmds[i].name, rel);
		it = snapshot_find(s, cmds[i].name);
		assert_non_null(it->entry);
		assert_true(str_starts(it->entry, "cmd/"));
		assert_null(it->err_entry);
		free(rel);
		sb_free(&key);
	}
	/* files, /etc/ssh/ read file by file */
	assert_item_is_fixture(f, s, "/etc/motd", "before/files/etc/motd");
	assert_item_is_fixture(f, s, "/etc/tunables/nextboot",
	                       "before/files/etc/tunables/nextboot");
	assert_item_is_fixture(f, s, "/etc/security/limits", "before/files/etc/security/limits");
	assert_item_is_fixture(f, s, "/etc/ssh/sshd_config", "before/files/etc/ssh/sshd_config");
	assert_item_is_fixture(f, s, "/etc/ssh/ssh_config", "before/files/etc/ssh/ssh_config");
	assert_item_is_fixture(f, s, "/etc/ssh/ssh_host_ed25519_key",
	                       "before/files/etc/ssh/ssh_host_ed25519_key");
	assert_item_is_fixture(f, s, "/etc/ssh/ssh_host_ed25519_key.pub",
	                       "before/files/etc/ssh/ssh_host_ed25519_key.pub");
	it = snapshot_find(s, "/etc/motd");
	assert_string_equal(it->entry, "files/etc/motd");
	assert_string_equal(it->source, "cat /etc/motd");
	assert_true(
	    snapshot_item_is_private_key(snapshot_find(s, "/etc/ssh/ssh_host_ed25519_key")));
	assert_false(
	    snapshot_item_is_private_key(snapshot_find(s, "/etc/ssh/ssh_host_ed25519_key.pub")));
	it = snapshot_find(s, "ls_etc_ssh");
	assert_non_null(it);
	assert_int_equal(it->status, SNAP_OK);
	assert_string_equal(it->source, "ls -ap /etc/ssh");
	/* a file the client does not have is recorded, not fatal */
	it = snapshot_find(s, "/etc/sendmail.cf");
	assert_non_null(it);
	assert_int_equal(it->status, SNAP_UNREADABLE);
	assert_int_equal(it->exit_status, 2);
	assert_string_equal(it->message, "cat: 0652-050 Cannot open /etc/sendmail.cf.");
	assert_null(it->entry);
	assert_int_equal(snapshot_count(s, SNAP_UNREADABLE), 1);
	assert_int_equal(snapshot_count(s, SNAP_UNAVAILABLE), 0);
	/* the archive: dated, in the client's directory, private */
	dir = snapshot_dir(f->site, "aixdb01");
	prefix = xasprintf("%s/aixdb01-", dir);
	assert_non_null(s->path);
	assert_true(str_starts(s->path, prefix));
	assert_true(str_ends(s->path, ".tar.gz"));
	assert_int_equal(stat(s->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(prefix);
	free(dir);
	snapshot_free(&s);
}

struct raw_entry {
	char *name;
	char *data;
	size_t len;
	int perm;
	char *uname, *gname;
};

/* Every entry of an archive, read with libarchive directly. */
static size_t read_raw(const char *path, struct raw_entry *out, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	size_t n = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
	assert_int_equal(archive_filter_code(a, 0), ARCHIVE_FILTER_GZIP);
	while (n < max && archive_read_next_header(a, &en) == ARCHIVE_OK) {
		struct strbuf sb = { 0 };
		char buf[8192];
		la_ssize_t r;
		while ((r = archive_read_data(a, buf, sizeof buf)) > 0)
			sb_add(&sb, buf, (size_t)r);
		out[n].name = xstrdup(archive_entry_pathname(en));
		out[n].len = sb.len;
		out[n].data = sb_steal(&sb);
		out[n].perm = (int)(archive_entry_perm(en) & 0777);
		out[n].uname =
		    xstrdup(archive_entry_uname(en) != NULL ? archive_entry_uname(en) : "");
		out[n].gname =
		    xstrdup(archive_entry_gname(en) != NULL ? archive_entry_gname(en) : "");
		n++;
	}
	archive_read_free(a);
	return n;
}

static void raw_free(struct raw_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].data);
		free(v[i].uname);
		free(v[i].gname);
	}
}

static void test_snapshot_archive_has_a_manifest_that_matches_every_entry(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s = take(f, "aixdb01", &e), *back;
	struct raw_entry raw[128];
	size_t n, expected = 1;
	cJSON *man, *items, *counts;

	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	n = read_raw(s->path, raw, ARRAY_LEN(raw));
	for (size_t i = 0; i < s->nitems; i++)
		expected += (s->items[i].entry != NULL) + (s->items[i].err_entry != NULL);
	assert_int_equal(n, expected);
	assert_string_equal(raw[0].name, "manifest.json");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(raw[i].perm, 0600);
		assert_string_equal(raw[i].uname, "root");
		assert_string_equal(raw[i].gname, "system");
	}
	man = cJSON_ParseWithLength(raw[0].data, raw[0].len);
	assert_non_null(man);
	assert_string_equal(cJSON_GetObjectItem(man, "client")->valuestring, "aixdb01");
	assert_string_equal(cJSON_GetObjectItem(man, "master")->valuestring, "nimmast01");
	assert_string_equal(cJSON_GetObjectItem(man, "oslevel")->valuestring, "7200-05-06-2320");
	counts = cJSON_GetObjectItem(man, "counts");
	assert_int_equal(cJSON_GetObjectItem(counts, "unreadable")->valueint, 1);
	items = cJSON_GetObjectItem(man, "items");
	assert_int_equal((size_t)cJSON_GetArraySize(items), s->nitems);
	/* each entry's size and checksum as the manifest says */
	for (size_t i = 1; i < n; i++) {
		const cJSON *it;
		int found = 0;
		cJSON_ArrayForEach(it, items)
		{
			const cJSON *en = cJSON_GetObjectItem(it, "entry");
			char hex[SHA256_HEX_LEN];
			if (cJSON_IsString(en) && strcmp(en->valuestring, raw[i].name) == 0) {
				found = 1;
				assert_int_equal(
				    (size_t)cJSON_GetObjectItem(it, "bytes")->valuedouble,
				    raw[i].len);
				assert_string_equal(cJSON_GetObjectItem(it, "sha256")->valuestring,
				                    sha256_hex(raw[i].data, raw[i].len, hex));
			}
		}
		if (!found)
			fail_msg("entry %s is not in the manifest", raw[i].name);
	}
	cJSON_Delete(man);
	/* snapshot_open gives back the same items and bytes */
	back = snapshot_open(s->path, &e);
	if (back == NULL)
		fail_msg("snapshot_open: %s", e.msg);
	assert_int_equal(back->nitems, s->nitems);
	assert_string_equal(back->client, "aixdb01");
	assert_string_equal(back->taken_at, s->taken_at);
	for (size_t i = 0; i < s->nitems; i++) {
		const struct snapshot_item *a = &s->items[i], *b = snapshot_find(back, a->name);
		assert_non_null(b);
		assert_int_equal(a->status, b->status);
		assert_int_equal(a->exit_status, b->exit_status);
		assert_int_equal(a->len, b->len);
		if (a->len > 0)
			assert_memory_equal(a->data, b->data, a->len);
		if (a->message != NULL)
			assert_string_equal(a->message, b->message);
	}
	raw_free(raw, n);
	snapshot_free(&back);
	snapshot_free(&s);
}

/* Rewrites an archive, changing it with edit (which may drop or alter entries). */
static void rewrite(const char *from, const char *to,
                    int (*edit)(const char *name, struct strbuf *data), int add_extra)
{
	struct raw_entry raw[128];
	size_t n = read_raw(from, raw, ARRAY_LEN(raw));
	struct archive *a = archive_write_new();

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, to), ARCHIVE_OK);
	for (size_t i = 0; i < n + (size_t)add_extra; i++) {
		struct strbuf sb = { 0 };
		struct archive_entry *en = archive_entry_new();
		const char *name = i < n ? raw[i].name : "files/etc/extra";
		if (i < n)
			sb_add(&sb, raw[i].data, raw[i].len);
		else
			sb_adds(&sb, "not in the manifest\n");
		if (i < n && edit != NULL && !edit(name, &sb)) {
			archive_entry_free(en);
			sb_free(&sb);
			continue;
		}
		archive_entry_set_pathname(en, name);
		archive_entry_set_filetype(en, AE_IFREG);
		archive_entry_set_perm(en, 0600);
		archive_entry_set_size(en, (la_int64_t)sb.len);
		assert_int_equal(archive_write_header(a, en), ARCHIVE_OK);
		if (sb.len > 0)
			archive_write_data(a, sb.buf, sb.len);
		archive_entry_free(en);
		sb_free(&sb);
	}
	archive_write_close(a);
	archive_write_free(a);
	raw_free(raw, n);
}

static int edit_motd_byte(const char *name, struct strbuf *data)
{
	if (strcmp(name, "files/etc/motd") == 0)
		data->buf[10] ^= 0x20;
	return 1;
}

static int drop_hosts(const char *name, struct strbuf *data)
{
	(void)data;
	return strcmp(name, "files/etc/hosts") != 0;
}

static int grow_lspv(const char *name, struct strbuf *data)
{
	if (strcmp(name, "cmd/lspv.out") == 0)
		sb_adds(data, "hdisk9 none None\n");
	return 1;
}

static void test_snapshot_open_rejects_an_archive_that_does_not_match_its_manifest(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s = take(f, "aixdb01", &e), *back;
	char *bad = xasprintf("%s/bad.tar.gz", f->dir);
	char *junk = xasprintf("%s/junk.tar.gz", f->dir);

	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	/* unchanged copy: accepted (so the rewriting itself is sound) */
	rewrite(s->path, bad, NULL, 0);
	back = snapshot_open(bad, &e);
	assert_non_null(back);
	snapshot_free(&back);

	rewrite(s->path, bad, edit_motd_byte, 0);
	err_clear(&e);
	assert_null(snapshot_open(bad, &e));
	assert_non_null(strstr(e.msg, "files/etc/motd: checksum mismatch"));

	rewrite(s->path, bad, grow_lspv, 0);
	err_clear(&e);
	assert_null(snapshot_open(bad, &e));
	assert_non_null(strstr(e.msg, "cmd/lspv.out has"));

	rewrite(s->path, bad, drop_hosts, 0);
	err_clear(&e);
	assert_null(snapshot_open(bad, &e));
	assert_non_null(strstr(e.msg, "files/etc/hosts is in the manifest but not in the archive"));

	rewrite(s->path, bad, NULL, 1);
	err_clear(&e);
	assert_null(snapshot_open(bad, &e));
	assert_non_null(strstr(e.msg, "files/etc/extra is in the archive but not in the manifest"));

	test_write_text(junk, "this is not an archive\n");
	err_clear(&e);
	assert_null(snapshot_open(junk, &e));
	assert_true(e.msg[0] != '\0');
	free(bad);
	free(junk);
	snapshot_free(&s);
}

static void test_snapshot_records_commands_the_client_lacks_as_unavailable(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s;
	const struct snapshot_item *it;

	/* what a client (or today's lab) answers for a command it does not have */
	fake_out(f, "vmo_-a", ".err", "ksh: vmo:  not found.\n");
	fake_out(f, "vmo_-a", ".rc", "127\n");
	s = take(f, "aixdb01", &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "vmo_a");
	assert_non_null(it);
	assert_int_equal(it->status, SNAP_UNAVAILABLE);
	assert_int_equal(it->exit_status, 127);
	assert_string_equal(it->message, "ksh: vmo:  not found.");
	assert_null(it->entry);
	assert_string_equal(it->err_entry, "cmd/vmo_a.err");
	assert_string_equal(it->err_data, "ksh: vmo:  not found.\n");
	assert_int_equal(snapshot_find(s, "no_a")->status, SNAP_OK);
	assert_non_null(s->path);
	snapshot_free(&s);
}

static void test_snapshot_takes_the_exit_status_over_rsh_from_the_end_of_stdout(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s;
	const struct snapshot_item *it;
	char *p;
	static const char no_newline[] = "hosts = local, bind4";

	fake_out(f, "lsvg_-l_rootvg", "", "rootvg:\n");
	fake_out(f, "lsvg_-l_rootvg", ".err",
	         "0516-1140 lsvg: Unable to read the VG descriptor.\n");
	fake_out(f, "lsvg_-l_rootvg", ".rc", "1\n");
	/* a file without its last newline: the status marker follows on the same line */
	p = xasprintf("%s/files/etc", f->dir);
	test_mkdirs(p);
	free(p);
	p = xasprintf("%s/files/etc/netsvc.conf", f->dir);
	test_write(p, no_newline, strlen(no_newline));
	free(p);
	s = take(f, "aixdb01", &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "lsvg_l_rootvg");
	assert_int_equal(it->status, SNAP_UNAVAILABLE);
	assert_int_equal(it->exit_status, 1);
	assert_string_equal(it->message, "0516-1140 lsvg: Unable to read the VG descriptor.");
	assert_string_equal(it->entry, "cmd/lsvg_l_rootvg.out");
	assert_string_equal(it->data, "rootvg:\n");
	assert_non_null(it->err_entry);
	it = snapshot_find(s, "/etc/netsvc.conf");
	assert_int_equal(it->status, SNAP_OK);
	assert_int_equal(it->len, strlen(no_newline));
	assert_memory_equal(it->data, no_newline, it->len);
	assert_null(strstr(it->data, "__nimadm_tui_rc"));
	snapshot_free(&s);
}

static void test_snapshot_reaches_a_nimsh_client_with_c_rsh(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s = take(f, "aixnim01", &e);
	char *log, *p;

	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	assert_string_equal(s->connect, "nimsh");
	assert_int_equal(snapshot_find(s, "/etc/sendmail.cf")->exit_status, 2);
	assert_int_equal(snapshot_find(s, "lsattr_sys0")->status, SNAP_OK);
	p = xasprintf("%s/calls.log", f->dir);
	log = test_read_whole(p, NULL);
	assert_non_null(strstr(log, "master c_rsh aixnim01 'lsattr' '-El' 'sys0'\n"));
	assert_null(strstr(log, "master rsh "));
	assert_null(strstr(log, "__nimadm_tui_rc"));
	free(log);
	free(p);
	snapshot_free(&s);
}

static void test_snapshot_of_an_unknown_client_fails_with_nims_message(void **state)
{
	struct fx *f = *state;
	struct err e;
	char *dir = snapshot_dir(f->site, "nosuch");
	struct stat st;

	assert_null(take(f, "nosuch", &e));
	assert_string_equal(e.msg, "0042-053 lsnim: there is no NIM object named \"nosuch\"");
	assert_string_equal(e.field, "client");
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
	assert_null(take(f, "spot_7300_02", &e));
	assert_string_equal(e.msg, "spot_7300_02 is a NIM spot, not a standalone client");
	assert_null(take(f, "../etc", &e));
	assert_string_equal(e.field, "client");
}

static void test_snapshot_of_a_client_that_refuses_fails_and_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct err e;
	char *dir = snapshot_dir(f->site, "aixdown01");
	struct stat st;

	fake_host(f, "aixdown01", "refused");
	assert_null(take(f, "aixdown01", &e));
	assert_non_null(strstr(e.msg, "aixdown01 did not answer"));
	assert_non_null(strstr(e.msg, "rcmd: connect: aixdown01: Connection refused"));
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
}

static void test_snapshot_of_a_dead_client_ends_at_the_probe_timeout(void **state)
{
	struct fx *f = *state;
	struct snapshot_opts o = { .client = "aixdown01", .probe_timeout_ms = 300 };
	struct err e;

	fake_host(f, "aixdown01", "dead");
	cmdset_set_grace(f->site->set, 100);
	err_clear(&e);
	assert_null(snapshot_take(f->site, &o, NULL, &e));
	assert_non_null(strstr(e.msg, "aixdown01 did not answer"));
	assert_non_null(strstr(e.msg, "timed out"));
}

static void test_snapshot_records_a_command_that_times_out_and_goes_on(void **state)
{
	struct fx *f = *state;
	struct snapshot_opts o = { .client = "aixdb01", .timeout_ms = 3000 };
	struct err e;
	struct snapshot *s;
	const struct snapshot_item *it;

	fake_out(f, "lssrc_-a", ".hang", "");
	cmdset_set_grace(f->site->set, 100);
	err_clear(&e);
	s = snapshot_take(f->site, &o, NULL, &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "lssrc_a");
	assert_int_equal(it->status, SNAP_UNAVAILABLE);
	assert_int_equal(it->exit_status, -1);
	assert_non_null(strstr(it->message, "timed out"));
	assert_int_equal(snapshot_find(s, "crontab_l")->status, SNAP_OK);
	snapshot_free(&s);
}

static void test_snapshot_runs_at_most_max_running_commands_at_once(void **state)
{
	struct fx *f = *state;
	struct snapshot_opts o = { .client = "aixdb01", .max_running = 2 };
	struct err e;
	struct snapshot *s;
	char *p = xasprintf("%s/calls.log", f->dir), *log;
	int running = 0, most = 0;

	/* the rsh wrapper logs B before and E after the remote command */
	setenv("FAKE_BRACKETS", "1", 1);
	err_clear(&e);
	s = snapshot_take(f->site, &o, NULL, &e);
	unsetenv("FAKE_BRACKETS");
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	log = test_read_whole(p, NULL);
	for (char *l = log; *l != '\0';) {
		char *nl = strchr(l, '\n');
		if (str_starts(l, "BEGIN "))
			running++;
		else if (str_starts(l, "END "))
			running--;
		if (running > most)
			most = running;
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	assert_int_equal(most, 2);
	assert_int_equal(running, 0);
	free(log);
	free(p);
	snapshot_free(&s);
}

static void test_snapshot_lists_directories_and_skips_unsafe_names(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s;
	const struct snapshot_item *it;
	char *p;

	p = xasprintf("%s/files/etc/ssh/sshd_config.d", f->dir);
	test_mkdirs(p);
	free(p);
	p = xasprintf("%s/files/etc/ssh/sshd_config", f->dir);
	test_write_text(p, "Port 22\n");
	free(p);
	p = xasprintf("%s/files/etc/ssh/sshd_config.d/50-site.conf", f->dir);
	test_write_text(p, "MaxSessions 20\n");
	free(p);
	p = xasprintf("%s/files/etc/ssh/bad\033[2Jname", f->dir);
	test_write_text(p, "x\n");
	free(p);
	s = take(f, "aixdb01", &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "/etc/ssh/sshd_config.d/50-site.conf");
	assert_non_null(it);
	assert_int_equal(it->status, SNAP_OK);
	assert_string_equal(it->entry, "files/etc/ssh/sshd_config.d/50-site.conf");
	assert_string_equal(it->data, "MaxSessions 20\n");
	assert_non_null(snapshot_find(s, "ls_etc_ssh_sshd_config.d"));
	it = snapshot_find(s, "ls_etc_ssh");
	assert_non_null(it->message);
	assert_non_null(strstr(it->message, "1 entries not read"));
	for (size_t i = 0; i < s->nitems; i++)
		assert_null(strchr(s->items[i].name, '\033'));
	/* the fixture's ssh_config is not in this directory: only what ls listed is read */
	assert_null(snapshot_find(s, "/etc/ssh/ssh_config"));
	snapshot_free(&s);
}

static void test_snapshot_records_a_directory_it_cannot_list(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s;
	const struct snapshot_item *it;
	char *p;

	/* no ls on the client: unavailable */
	setenv("FAKE_NO_LS", "1", 1);
	s = take(f, "aixdb01", &e);
	unsetenv("FAKE_NO_LS");
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "/etc/ssh/");
	assert_non_null(it);
	assert_int_equal(it->kind, SNAP_FILE);
	assert_int_equal(it->status, SNAP_UNAVAILABLE);
	assert_int_equal(it->exit_status, 127);
	assert_string_equal(it->message, "ksh: ls:  not found.");
	assert_null(it->entry);
	assert_int_equal(snapshot_find(s, "ls_etc_ssh")->status, SNAP_UNAVAILABLE);
	assert_null(snapshot_find(s, "/etc/ssh/sshd_config"));
	snapshot_free(&s);

	/* no /etc/ssh on the client: unreadable */
	p = xasprintf("%s/files/etc", f->dir);
	test_mkdirs(p);
	free(p);
	p = xasprintf("%s/files/etc/ssh.absent", f->dir);
	test_write_text(p, "");
	free(p);
	s = take(f, "aixdb01", &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	it = snapshot_find(s, "/etc/ssh/");
	assert_int_equal(it->status, SNAP_UNREADABLE);
	assert_int_equal(it->exit_status, 2);
	assert_string_equal(it->message, "ls: 0653-341 The file /etc/ssh does not exist.");
	snapshot_free(&s);
}

/* ---- newest, names, the asynchronous API ------------------------------------------------------
 */

static void test_snapshot_newest_is_the_latest_stamp_then_sequence(void **state)
{
	struct fx *f = *state;
	struct err e;
	struct snapshot *s = take(f, "aixdb01", &e);
	char *first, *newest, *dir = snapshot_dir(f->site, "aixdb01"), *p;

	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	first = xstrdup(s->path);
	/* the same second again: a -1 suffix, never a replaced file */
	assert_int_equal(snapshot_write(s, f->site, NULL, &e), 0);
	assert_string_not_equal(s->path, first);
	assert_true(str_ends(s->path, "-1.tar.gz"));
	newest = snapshot_newest(f->site, "aixdb01");
	assert_string_equal(newest, s->path);
	free(newest);
	/* an older stamp and names that are not snapshots do not count */
	p = xasprintf("%s/aixdb01-20000101-000000.tar.gz", dir);
	test_write_text(p, "old");
	free(p);
	p = xasprintf("%s/aixdb01-29991231-235959.tar.gz.tmp", dir);
	test_write_text(p, "not one");
	free(p);
	p = xasprintf("%s/aixdb012-29991231-235959.tar.gz", dir);
	test_write_text(p, "another client");
	free(p);
	newest = snapshot_newest(f->site, "aixdb01");
	assert_string_equal(newest, s->path);
	free(newest);
	assert_null(snapshot_newest(f->site, "aixweb01"));
	free(first);
	free(dir);
	snapshot_free(&s);
}

struct async_state {
	int progress;
	int done;
	struct snapshot_take *take;
	struct cmdset *set;
};

static void async_progress(void *arg, const struct snapshot_item *it, size_t finished, size_t total)
{
	struct async_state *a = arg;

	assert_non_null(it->name);
	assert_true(finished <= total);
	if (++a->progress == 2)
		snapshot_take_cancel(&a->take);
}

static void async_done(void *arg, struct snapshot *snap, const struct err *e)
{
	struct async_state *a = arg;

	(void)e;
	a->done++;
	snapshot_free(&snap);
}

static void test_snapshot_take_can_be_cancelled_from_its_progress(void **state)
{
	struct fx *f = *state;
	struct snapshot_opts o = { .client = "aixdb01", .max_running = 3 };
	struct async_state a = { 0 };
	struct snapshot_cb cb = { .progress = async_progress, .done = async_done, .arg = &a };
	struct err e;
	char *dir = snapshot_dir(f->site, "aixdb01");
	struct stat st;

	err_clear(&e);
	a.take = snapshot_take_start(f->site, f->site->set, &o, &cb, &e);
	assert_non_null(a.take);
	while (cmdset_active(f->site->set) > 0)
		cmdset_run(f->site->set, 10000);
	assert_int_equal(a.progress, 2);
	assert_int_equal(a.done, 0);
	assert_null(a.take);
	assert_int_not_equal(stat(dir, &st), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_matches_the_fips_180_vectors),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_collects_every_catalog_command_and_file_byte_for_byte, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_archive_has_a_manifest_that_matches_every_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_open_rejects_an_archive_that_does_not_match_its_manifest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_records_commands_the_client_lacks_as_unavailable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_takes_the_exit_status_over_rsh_from_the_end_of_stdout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_reaches_a_nimsh_client_with_c_rsh,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_of_an_unknown_client_fails_with_nims_message, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_of_a_client_that_refuses_fails_and_writes_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_of_a_dead_client_ends_at_the_probe_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_records_a_command_that_times_out_and_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_runs_at_most_max_running_commands_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_lists_directories_and_skips_unsafe_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_records_a_directory_it_cannot_list,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_newest_is_the_latest_stamp_then_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_snapshot_take_can_be_cancelled_from_its_progress, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
