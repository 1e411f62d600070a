/*
 * test_engine_postcheck.c: the post-migration checks and the comparison with
 * the snapshot. The parsers and the line diff on fixture outputs; then the
 * whole path on the fake AIX of tests/fixtures/snapshot: a snapshot taken in
 * the "before" state, the client switched to the "after" state (what a
 * migration to 7.3 TL2 and a reboot made of it), and the check, whose diff
 * must list exactly the changes the fixtures hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "testsite.h"

#define WAIT_MS 20000

struct fx {
	char *dir;
	char *fix;
	struct site *site;
};

static char *fixture(const char *rel, size_t *len)
{
	char *p = xasprintf("%s/tests/fixtures/%s", test_src_dir(), rel);
	char *t = test_read_whole(p, len);
	free(p);
	return t;
}

static void fake_out(struct fx *f, const char *key, const char *ext, const char *text)
{
	char *p = xasprintf("%s/out/%s%s", f->dir, key, ext);
	test_write_text(p, text);
	free(p);
}

/* A client file of the test's own: $FAKE_DIR/files/PATH. */
static void fake_file(struct fx *f, const char *path, const char *text)
{
	char *p = xasprintf("%s/files%s", f->dir, path), *slash = strrchr(p, '/');
	*slash = '\0';
	test_mkdirs(p);
	*slash = '/';
	test_write_text(p, text);
	free(p);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);

	test_fake_aix_open("pctest", &f->dir, &f->fix, &f->site);
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

/* The snapshot before the migration, written to the state directory. */
static void snapshot_before(struct fx *f)
{
	struct snapshot_opts o = { .client = "aixdb01" };
	struct err e;
	struct snapshot *s;

	setenv("FAKE_STATE", "before", 1);
	err_clear(&e);
	s = snapshot_take(f->site, &o, NULL, &e);
	if (s == NULL)
		fail_msg("snapshot failed: %s", e.msg);
	snapshot_free(&s);
	setenv("FAKE_STATE", "after", 1);
}

static struct postcheck *check(struct fx *f, const char *target, const struct postcheck_cb *cb,
                               struct err *e)
{
	struct postcheck_opts o = { .client = "aixdb01",
		                    .target = target,
		                    .post_migration_timeout_ms = WAIT_MS };
	err_clear(e);
	return postcheck_run(f->site, &o, cb, e);
}

static const struct compare_change *change(const struct postcheck *pc, const char *item)
{
	for (size_t i = 0; i < pc->diff.n; i++)
		if (strcmp(pc->diff.v[i].item, item) == 0)
			return &pc->diff.v[i];
	return NULL;
}

static enum postcheck_verdict verdict(const struct postcheck *pc, const char *id)
{
	const struct postcheck_check *c = postcheck_find(pc, id);
	if (c == NULL)
		fail_msg("no check %s", id);
	return c->verdict;
}

/* ---- parsers ---------------------------------------------------------------------------- */

static const char *rec(const struct aix_stanzas *ss, const char *name, const char *attr)
{
	const struct aix_stanza *st = aixparse_stanzas_find(ss, name);
	return st != NULL ? aixparse_stanza_get(st, attr) : NULL;
}

static void test_parsers_read_tunables_sys0_and_nextboot(void **state)
{
	struct aix_stanzas ss;
	size_t len;
	char *t;

	(void)state;
	t = fixture("snapshot/before/cmd/vmo_-a", &len);
	assert_int_equal(compare_parse_tunables(t, len, &ss), 0);
	assert_string_equal(rec(&ss, "minperm%", "value"), "5");
	assert_string_equal(rec(&ss, "ame_cpus_per_pool", "value"), "n/a");
	assert_string_equal(rec(&ss, "enhanced_affinity_affin_time", "value"), "1");
	assert_int_equal(ss.n, 15);
	aixparse_stanzas_clear(&ss);
	free(t);
	t = xstrdup("##Restricted tunables\r\n   tcp_sendspace = 262144\r\n\r\nbogus line\n");
	compare_parse_tunables(t, strlen(t), &ss);
	assert_int_equal(ss.n, 1);
	assert_string_equal(rec(&ss, "tcp_sendspace", "value"), "262144");
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/lsattr_-El_sys0", &len);
	assert_int_equal(compare_parse_lsattr(t, len, &ss), 0);
	assert_string_equal(rec(&ss, "maxuproc", "value"), "4096");
	assert_string_equal(rec(&ss, "maxuproc", "settable"), "True");
	assert_string_equal(rec(&ss, "realmem", "settable"), "False");
	assert_string_equal(rec(&ss, "fwversion", "value"), "IBM,FW950.80");
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/files/etc/tunables/nextboot", &len);
	assert_int_equal(compare_parse_nextboot(t, len, &ss), 0);
	assert_int_equal(ss.n, 4);
	assert_string_equal(rec(&ss, "vmo minperm%", "value"), "5");
	assert_string_equal(rec(&ss, "no tcp_sendspace", "value"), "524288");
	assert_string_equal(rec(&ss, "ioo j2_maxPageReadAhead", "value"), "2048");
	assert_null(aixparse_stanzas_find(&ss, "info AIX_level"));
	aixparse_stanzas_clear(&ss);
	free(t);
	/* only comments: nothing set, no error */
	assert_int_equal(compare_parse_nextboot("# nothing\n", 10, &ss), 0);
	assert_int_equal(ss.n, 0);
	aixparse_stanzas_clear(&ss);
}

static void test_parsers_read_mounts_file_systems_routes_interfaces_services(void **state)
{
	struct aix_stanzas ss;
	size_t len;
	char *t;

	(void)state;
	t = fixture("snapshot/before/cmd/mount", &len);
	compare_parse_mount(t, len, &ss);
	assert_int_equal(ss.n, 10);
	assert_string_equal(rec(&ss, "/usr", "device"), "/dev/hd2");
	assert_string_equal(rec(&ss, "/usr", "options"), "rw,log=/dev/hd8");
	assert_string_equal(rec(&ss, "/proc", "vfs"), "procfs");
	assert_string_equal(rec(&ss, "/mnt/nfsdata", "device"), "nfssrv01:/export/data");
	assert_string_equal(rec(&ss, "/mnt/nfsdata", "vfs"), "nfs3");
	assert_string_equal(rec(&ss, "/var/adm/ras/livedump", "device"), "/dev/livedump");
	assert_null(aixparse_stanzas_find(&ss, "mounted"));
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/lsfs", &len);
	compare_parse_lsfs(t, len, &ss);
	assert_int_equal(ss.n, 10);
	assert_string_equal(rec(&ss, "/usr", "size"), "6291456");
	assert_string_equal(rec(&ss, "/usr", "auto"), "yes");
	assert_string_equal(rec(&ss, "/mnt/nfsdata", "node"), "nfssrv01");
	assert_string_equal(rec(&ss, "/mnt/nfsdata", "options"), "bg,hard,intr,vers=3");
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/netstat_-rn", &len);
	compare_parse_routes(t, len, &ss);
	/* cloned (W) and broadcast (b) routes are left out */
	assert_int_equal(ss.n, 6);
	assert_string_equal(rec(&ss, "default via 10.20.30.1 en0", "flags"), "UG");
	assert_string_equal(rec(&ss, "192.168.50.0 via 10.20.30.254 en0", "flags"), "UGS");
	assert_string_equal(rec(&ss, "::1%1 via ::1%1 lo0", "family"), "inet6");
	assert_null(aixparse_stanzas_find(&ss, "10.20.30.88 via 10.20.30.1 en0"));
	assert_null(aixparse_stanzas_find(&ss, "10.20.30.0 via 10.20.30.44 en0"));
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/ifconfig_-a", &len);
	compare_parse_ifconfig(t, len, &ss);
	assert_int_equal(ss.n, 2);
	assert_string_equal(rec(&ss, "en0", "inet"), "10.20.30.44/0xffffff00");
	assert_string_equal(rec(&ss, "en0", "tcp_sendspace"), "524288");
	assert_string_equal(rec(&ss, "en0", "rfc1323"), "1");
	assert_non_null(strstr(rec(&ss, "en0", "flags"), "UP,BROADCAST"));
	assert_string_equal(rec(&ss, "lo0", "inet6"), "::1%1/64");
	assert_string_equal(rec(&ss, "lo0", "tcp_recvspace"), "131072");
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/lssrc_-a", &len);
	compare_parse_lssrc(t, len, &ss);
	assert_int_equal(ss.n, 11);
	assert_string_equal(rec(&ss, "xntpd", "status"), "active");
	assert_string_equal(rec(&ss, "xntpd", "group"), "tcpip");
	assert_string_equal(rec(&ss, "aso", "group"), "");
	assert_string_equal(rec(&ss, "sendmail", "status"), "inoperative");
	assert_null(aixparse_stanzas_find(&ss, "Subsystem"));
	aixparse_stanzas_clear(&ss);
	free(t);

	t = fixture("snapshot/before/cmd/lslpp_-Lc", &len);
	assert_int_equal(compare_parse_filesets(t, len, &ss), 0);
	assert_int_equal(ss.n, 11);
	assert_string_equal(rec(&ss, "bos.rte", "level"), "7.2.5.6");
	aixparse_stanzas_clear(&ss);
	free(t);
}

/* ---- the line diff ---------------------------------------------------------------------- */

static void test_line_diff_writes_unified_hunks_with_context(void **state)
{
	static const char a[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";
	static const char b[] =
	    "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n";
	struct strbuf out = { 0 };

	(void)state;
	assert_int_equal(compare_line_diff(a, strlen(a), a, strlen(a), 3, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(compare_line_diff(a, strlen(a), b, strlen(b), 1, &out), 3);
	assert_string_equal(sb_str(&out), "--- before\n"
	                                  "+++ after\n"
	                                  "@@ -2,3 +2,3 @@\n"
	                                  " two\n"
	                                  "-three\n"
	                                  "+THREE\n"
	                                  " four\n"
	                                  "@@ -10,1 +10,2 @@\n"
	                                  " ten\n"
	                                  "+eleven\n");
	sb_reset(&out);
	/* changes close together share one hunk */
	assert_int_equal(compare_line_diff(a, strlen(a), b, strlen(b), 4, &out), 3);
	assert_non_null(strstr(sb_str(&out), "@@ -1,10 +1,11 @@\n"));
	assert_null(strstr(sb_str(&out) + 20, "@@ -10"));
	sb_reset(&out);
	/* from nothing: every line added */
	assert_int_equal(compare_line_diff("", 0, "x\r\ny\n", 5, 3, &out), 2);
	assert_string_equal(sb_str(&out), "--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	sb_free(&out);
}

/* ---- known changes ---------------------------------------------------------------------- */

static void test_known_changes_come_from_help_with_exact_items_before_patterns(void **state)
{
	const struct compare_known *k;
	size_t n;

	(void)state;
	(void)compare_known_all(&n);
	assert_true(n >= 20);
	k = compare_known_find(CMP_SYS0, "pre520tune");
	assert_non_null(k);
	assert_string_equal(k->kind, "reset");
	assert_non_null(k->source);
	assert_non_null(strstr(k->note, "migration installation"));
	k = compare_known_find(CMP_SYS0, "maxuproc");
	assert_string_equal(k->kind, "reset");
	/* without a source the note says so */
	assert_null(k->source);
	assert_non_null(strstr(k->note, "no IBM source"));
	k = compare_known_find(CMP_SYS0, "SW_dist_intr");
	assert_non_null(k);
	assert_string_equal(k->item, "*");
	assert_string_equal(k->kind, "info");
	k = compare_known_find(CMP_TUNABLES, "nextboot vmo minperm%");
	assert_string_equal(k->item, "nextboot *");
	k = compare_known_find(CMP_TUNABLES, "vmo minperm%");
	assert_string_equal(k->item, "vmo minperm%");
	k = compare_known_find(CMP_FILESYSTEMS, "fs /usr size");
	assert_string_equal(k->kind, "expected");
	assert_null(compare_known_find(CMP_SOFTWARE, "nothing like this"));
	/* every entry has a note and a known kind */
	for (size_t i = 0; i < n; i++) {
		const struct compare_known *all = compare_known_all(&n);
		assert_non_null(all[i].note);
		assert_true(strcmp(all[i].kind, "reset") == 0 ||
		            strcmp(all[i].kind, "expected") == 0 ||
		            strcmp(all[i].kind, "info") == 0);
	}
}

/* ---- the whole check -------------------------------------------------------------------- */

struct expect {
	enum compare_area area;
	const char *item, *before, *after;
	int known_reset;
	const char *restore;
};

/* Exactly what the after fixtures change (see tests/fixtures/snapshot/after). */
static const struct expect expected[] = {
	{ CMP_SOFTWARE, "oslevel", "7200-05-06-2320", "7300-02-02-2420", 0, NULL },
	{ CMP_SOFTWARE, "fileset X11.fnt.ucs.ttf_CN", "7.2.0.0", NULL, 0, NULL },
	{ CMP_SOFTWARE, "fileset bos.net.tcp.ntp", NULL, "7.3.2.2", 0, NULL },
	{ CMP_SOFTWARE, "filesets", "11 installed", "11 installed, 9 at a new level", 0, NULL },
	{ CMP_SYS0, "maxuproc", "4096", "128", 1, "chdev -l sys0 -a maxuproc=4096" },
	{ CMP_SYS0, "ncargs", "1024", "256", 1, "chdev -l sys0 -a ncargs=1024" },
	{ CMP_SYS0, "pre520tune", "disable", "enable", 1, "chdev -l sys0 -a pre520tune=disable" },
	{ CMP_TUNABLES, "vmo minperm%", "5", "3", 1, "vmo -p -o minperm%=5" },
	{ CMP_TUNABLES, "no rfc1323", "1", "0", 1, "no -p -o rfc1323=1" },
	{ CMP_TUNABLES, "no tcp_sendspace", "524288", "262144", 1,
	  "no -p -o tcp_sendspace=524288" },
	{ CMP_TUNABLES, "nextboot vmo minperm%", "5", NULL, 1, "vmo -p -o minperm%=5" },
	{ CMP_TUNABLES, "nextboot no tcp_sendspace", "524288", NULL, 1,
	  "no -p -o tcp_sendspace=524288" },
	{ CMP_TUNABLES, "nextboot no rfc1323", "1", NULL, 1, "no -p -o rfc1323=1" },
	{ CMP_FILESYSTEMS, "mount /mnt/nfsdata",
	  "device=nfssrv01:/export/data vfs=nfs3 options=bg,hard,intr,vers=3", NULL, 0,
	  "mount /mnt/nfsdata" },
	{ CMP_FILESYSTEMS, "fs /usr size", "6291456", "8388608", 0, NULL },
	{ CMP_NETWORK, "route 192.168.50.0 via 10.20.30.254 en0", "UGS", NULL, 0,
	  "route add -net 192.168.50.0 10.20.30.254" },
	{ CMP_NETWORK, "interface en0 tcp_sendspace", "524288", "262144", 1,
	  "chdev -l en0 -a tcp_sendspace=524288" },
	{ CMP_SERVICES, "service xntpd", "active", "inoperative", 0, "startsrc -s xntpd" },
	{ CMP_SERVICES, "service sendmail", "inoperative", "active", 1, "stopsrc -s sendmail" },
	{ CMP_FILES, "/etc/inittab", "10 lines", "11 lines", 0, NULL },
	{ CMP_FILES, "/etc/motd", "6 lines", "6 lines", 1, NULL },
	{ CMP_FILES, "/etc/ssh/sshd_config", "13 lines", "13 lines", 0, NULL },
};

static void assert_opt_string(const char *what, const char *want, const char *got)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: expected %s, got %s", what, want != NULL ? want : "NULL",
		         got != NULL ? got : "NULL");
}

struct stream {
	struct fx *f;
	struct strv lines;
	int pm_done;         /* post_migration's item has been reported */
	int lines_before_go; /* lines seen before the gate was opened */
	int gate_opened;
};

static void stream_output(void *arg, enum cmd_stream s, const char *line, size_t len)
{
	struct stream *st = arg;

	assert_int_equal(s, CMD_STDOUT);
	assert_int_equal(strlen(line), len);
	strv_push(&st->lines, line);
	/* post_migration now waits on the gate: only live output can have come */
	if (!st->gate_opened && str_starts(line, "Comparing the installed filesets")) {
		char *p = xasprintf("%s/pm.fifo", st->f->dir);
		int fd;
		assert_false(st->pm_done);
		st->lines_before_go = (int)st->lines.n;
		fd = open(p, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "go\n", 3), 3);
		close(fd);
		free(p);
		st->gate_opened = 1;
	}
}

static void stream_progress(void *arg, const struct snapshot_item *it, size_t finished,
                            size_t total)
{
	struct stream *st = arg;

	(void)finished;
	(void)total;
	if (strcmp(it->name, "post_migration") == 0)
		st->pm_done = 1;
}

static void test_postcheck_after_migration_diff_lists_exactly_the_changes_made(void **state)
{
	struct fx *f = *state;
	struct stream st = { .f = f };
	struct postcheck_cb cb = { .output = stream_output,
		                   .progress = stream_progress,
		                   .arg = &st };
	struct postcheck *pc;
	struct err e;
	char *fifo = xasprintf("%s/pm.fifo", f->dir);

	snapshot_before(f);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pc = check(f, "7300-02-02-2420", &cb, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	/* the diff: exactly the changes of the after fixtures, in area order */
	for (size_t i = 0; i < pc->diff.n && i < ARRAY_LEN(expected); i++) {
		const struct compare_change *c = &pc->diff.v[i];
		const struct expect *x = &expected[i];
		if (strcmp(c->item, x->item) != 0)
			fail_msg("change %zu: expected %s, got %s", i, x->item, c->item);
		assert_int_equal(c->area, x->area);
		assert_opt_string(x->item, x->before, c->before);
		assert_opt_string(x->item, x->after, c->after);
		assert_opt_string(x->item, x->restore, c->restore);
		if (c->known_reset != x->known_reset)
			fail_msg("%s: known_reset %d", x->item, c->known_reset);
	}
	assert_int_equal(pc->diff.n, ARRAY_LEN(expected));
	assert_int_equal(compare_count_known(&pc->diff), 12);
	assert_int_equal(compare_count(&pc->diff, CMP_TUNABLES), 6);
	assert_non_null(change(pc, "/etc/motd")->diff);
	assert_non_null(
	    strstr(change(pc, "/etc/ssh/sshd_config")->diff,
	           "-PermitRootLogin without-password\n+#PermitRootLogin prohibit-password\n"));
	assert_non_null(strstr(change(pc, "/etc/inittab")->diff, "\n+perfstat:2:once:"));
	assert_non_null(strstr(change(pc, "pre520tune")->note, "migration installation"));
	/* both sides unreadable: no change, no note */
	assert_null(change(pc, "/etc/sendmail.cf"));
	assert_int_equal(pc->diff.notes.n, 0);
	/* the checks */
	assert_string_equal(pc->oslevel, "7300-02-02-2420");
	assert_string_equal(pc->target_source, "given");
	assert_int_equal(verdict(pc, "oslevel"), PC_PASS);
	assert_int_equal(verdict(pc, "rootvg"), PC_PASS);
	assert_string_equal(
	    postcheck_find(pc, "rootvg")->summary,
	    "rootvg on hdisk1, old_rootvg (the system before the migration) on hdisk0");
	assert_int_equal(verdict(pc, "bootlist"), PC_PASS);
	assert_string_equal(postcheck_find(pc, "bootlist")->summary, "boots from hdisk1 (rootvg)");
	assert_int_equal(verdict(pc, "lppchk"), PC_PASS);
	assert_int_equal(verdict(pc, "instfix"), PC_PASS);
	assert_string_equal(postcheck_find(pc, "instfix")->summary,
	                    "All filesets for 7300-02_AIX_ML were found.");
	assert_int_equal(verdict(pc, "post_migration"), PC_PASS);
	assert_int_equal(verdict(pc, "compare"), PC_WARN);
	assert_non_null(strstr(postcheck_find(pc, "compare")->summary, "22 changes"));
	assert_int_equal(postcheck_worst(pc), PC_WARN);
	/* post_migration's output came line by line while it ran, without the status marker */
	assert_int_equal(st.gate_opened, 1);
	assert_int_equal(st.lines_before_go, 2);
	assert_int_equal(st.lines.n, 5);
	assert_string_equal(st.lines.v[0], "post_migration: checking the migration of aixdb01");
	assert_string_equal(
	    st.lines.v[4],
	    "The output of post_migration is saved in /home/post_migration.261121071600");
	strv_free(&st.lines);
	free(fifo);
	postcheck_free(&pc);
}

static void test_postcheck_saves_json_and_text_with_restore_commands(void **state)
{
	struct fx *f = *state;
	struct postcheck *pc;
	struct err e;
	struct stat stt;
	cJSON *j, *checks, *changes, *c;
	char *json, *text, *newest;
	int found = 0;

	snapshot_before(f);
	pc = check(f, "7300-02", NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	assert_non_null(pc->saved_json);
	assert_non_null(pc->saved_text);
	assert_int_equal(stat(pc->saved_json, &stt), 0);
	assert_int_equal(stt.st_mode & 0777, 0600);
	newest = postcheck_newest(f->site, "aixdb01");
	assert_string_equal(newest, pc->saved_json);
	free(newest);
	json = test_read_whole(pc->saved_json, NULL);
	j = cJSON_Parse(json);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "verdict")->valuestring, "warn");
	assert_string_equal(cJSON_GetObjectItem(j, "target")->valuestring, "7300-02");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "compared")));
	checks = cJSON_GetObjectItem(j, "checks");
	assert_int_equal(cJSON_GetArraySize(checks), 7);
	changes = cJSON_GetObjectItem(j, "changes");
	assert_int_equal(cJSON_GetArraySize(changes), (int)ARRAY_LEN(expected));
	cJSON_ArrayForEach(c, changes)
	{
		if (strcmp(cJSON_GetObjectItem(c, "item")->valuestring, "maxuproc") == 0) {
			found = 1;
			assert_string_equal(cJSON_GetObjectItem(c, "area")->valuestring, "sys0");
			assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "known_reset")));
			assert_string_equal(cJSON_GetObjectItem(c, "restore")->valuestring,
			                    "chdev -l sys0 -a maxuproc=4096");
		}
	}
	assert_true(found);
	assert_int_equal(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(j, "counts"), "known_resets")->valueint, 12);
	cJSON_Delete(j);
	free(json);
	text = test_read_whole(pc->saved_text, NULL);
	assert_non_null(strstr(text, "Post-migration check of aixdb01"));
	assert_non_null(strstr(text, "\nCHECKS\n"));
	assert_non_null(
	    strstr(text, "  PASS    oslevel         7300-02-02-2420, at the target 7300-02\n"));
	assert_non_null(strstr(text, "CHANGES SINCE THE SNAPSHOT (22, 12 known resets)"));
	assert_non_null(strstr(text, "\nsys0 attributes\n  maxuproc: 4096 -> 128   [known reset]\n"
	                             "      restore: chdev -l sys0 -a maxuproc=4096\n"));
	assert_non_null(strstr(text, "\nServices\n  service xntpd: active -> inoperative\n"));
	assert_non_null(strstr(text, "      -PermitRootLogin without-password\n"));
	free(text);
	postcheck_free(&pc);
}

static void test_postcheck_before_the_reboot_says_to_boot_the_migrated_disk(void **state)
{
	struct fx *f = *state;
	struct postcheck *pc;
	struct err e;
	const struct postcheck_check *c;

	snapshot_before(f);
	/* migrated onto hdisk1 but still running the old rootvg */
	setenv("FAKE_STATE", "before", 1);
	fake_out(f, "lspv", "",
	         "hdisk0          00c8f1a0b1c20001                    rootvg          active\n"
	         "hdisk1          00c8f1a0b1c20002                    altinst_rootvg\n");
	fake_out(f, "bootlist_-m_normal_-o", "", "hdisk1 blv=hd5 pathid=0\n");
	pc = check(f, "7300-02-02-2420", NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	c = postcheck_find(pc, "oslevel");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_string_equal(c->summary, "7200-05-06-2320, below the target 7300-02-02-2420");
	assert_non_null(strstr(c->fix, "Boot it from the migrated disk"));
	c = postcheck_find(pc, "rootvg");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_non_null(strstr(c->summary, "altinst_rootvg on hdisk1"));
	assert_string_equal(c->fix, "Boot the client from hdisk1 (bootlist -m normal hdisk1; "
	                            "shutdown -Fr), then check again.");
	c = postcheck_find(pc, "bootlist");
	assert_int_equal(c->verdict, PC_WARN);
	assert_non_null(strstr(c->summary, "altinst_rootvg, the migrated system"));
	/* post_migration is not on 7.2 in the fixtures: skipped, not failed */
	c = postcheck_find(pc, "post_migration");
	assert_int_equal(c->verdict, PC_SKIPPED);
	assert_int_equal(c->exit_status, 127);
	assert_int_equal(postcheck_worst(pc), PC_FAIL);
	assert_int_equal(compare_count(&pc->diff, CMP_SYS0), 0);
	postcheck_free(&pc);
}

static void test_postcheck_fails_lppchk_instfix_and_post_migration_with_evidence(void **state)
{
	struct fx *f = *state;
	struct postcheck *pc;
	struct err e;
	const struct postcheck_check *c;
	size_t len;
	char *problems = fixture("aix/lppchk/problems.txt", &len);

	snapshot_before(f);
	fake_out(f, "lppchk_-v", ".err", problems);
	fake_out(f, "lppchk_-v", ".rc", "1\n");
	fake_out(f, "instfix_-i", "",
	         "    All filesets for 7300-01_AIX_ML were found.\n"
	         "    Not all filesets for 7300-02_AIX_ML were found.\n");
	fake_out(f, "post_migration", "", "checking\nERROR: 2 filesets were not migrated\n");
	fake_out(f, "post_migration", ".rc", "3\n");
	pc = check(f, "7300-02-02-2420", NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	c = postcheck_find(pc, "lppchk");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_int_equal(c->exit_status, 1);
	assert_string_equal(c->command, "lppchk -v");
	assert_string_equal(c->summary, "lppchk -v reports 2 filesets to correct");
	assert_true(c->evidence.n >= 2);
	assert_non_null(strstr(c->evidence.v[c->evidence.n - 1], "bos.net.tcp.client 7.2.5.1"));
	c = postcheck_find(pc, "instfix");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_string_equal(c->summary, "Not all filesets for 7300-02_AIX_ML were found.");
	assert_non_null(strstr(c->fix, "instfix -ciqk 7300-02_AIX_ML"));
	c = postcheck_find(pc, "post_migration");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_int_equal(c->exit_status, 3);
	assert_string_equal(c->evidence.v[c->evidence.n - 1],
	                    "ERROR: 2 filesets were not migrated");
	free(problems);
	postcheck_free(&pc);
}

static void test_postcheck_without_a_snapshot_still_checks_and_says_how_to_take_one(void **state)
{
	struct fx *f = *state;
	struct postcheck *pc;
	struct err e;
	const struct postcheck_check *c;
	struct postcheck_opts o = { .client = "aixdb01", .no_post_migration = 1, .no_save = 1 };
	char *p;

	setenv("FAKE_STATE", "after", 1);
	err_clear(&e);
	pc = postcheck_run(f->site, &o, NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	c = postcheck_find(pc, "compare");
	assert_int_equal(c->verdict, PC_SKIPPED);
	assert_string_equal(c->fix,
	                    "Take one before the next migration: nimadm-tui snapshot -c aixdb01");
	assert_false(pc->compared);
	assert_int_equal(verdict(pc, "post_migration"), PC_SKIPPED);
	/* no target and no snapshot: the level is reported, with a warning */
	assert_int_equal(verdict(pc, "oslevel"), PC_WARN);
	assert_null(pc->saved_json);
	assert_null(postcheck_newest(f->site, "aixdb01"));
	postcheck_free(&pc);

	/* a newest snapshot that does not verify: the compare check fails and says why */
	p = snapshot_dir(f->site, "aixdb01");
	test_mkdirs(p);
	free(p);
	p = xasprintf("%s/snapshots/aixdb01/aixdb01-20260101-000000.tar.gz", f->site->state_dir);
	test_write_text(p, "garbage");
	free(p);
	err_clear(&e);
	pc = postcheck_run(f->site, &o, NULL, &e);
	assert_non_null(pc);
	c = postcheck_find(pc, "compare");
	assert_int_equal(c->verdict, PC_FAIL);
	assert_non_null(strstr(c->summary, "the newest snapshot cannot be used"));
	postcheck_free(&pc);
}

static void test_postcheck_refuses_bad_input_before_running_anything(void **state)
{
	struct fx *f = *state;
	struct postcheck_opts o = { .client = "aixdb01", .no_save = 1 };
	struct err e;
	struct snapshot_opts so = { .client = "aixnim01" };
	struct snapshot *other;
	char *p;

	err_clear(&e);
	o.target = "7.3 please";
	assert_null(postcheck_run(f->site, &o, NULL, &e));
	assert_string_equal(e.field, "target");
	o.target = NULL;
	o.client = "bad/name";
	err_clear(&e);
	assert_null(postcheck_run(f->site, &o, NULL, &e));
	assert_string_equal(e.field, "client");
	o.client = "aixdb01";
	p = xasprintf("%s/none.tar.gz", f->dir);
	o.snapshot = p;
	err_clear(&e);
	assert_null(postcheck_run(f->site, &o, NULL, &e));
	assert_non_null(strstr(e.msg, "none.tar.gz"));
	free(p);
	/* a snapshot of another client */
	err_clear(&e);
	other = snapshot_take(f->site, &so, NULL, &e);
	assert_non_null(other);
	o.snapshot = other->path;
	err_clear(&e);
	assert_null(postcheck_run(f->site, &o, NULL, &e));
	assert_non_null(strstr(e.msg, "is a snapshot of aixnim01, not of aixdb01"));
	snapshot_free(&other);
	/* nothing ran on the client for the refused ones */
	assert_int_equal(cmdset_active(f->site->set), 0);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void test_postcheck_takes_the_target_from_the_spot_of_the_clients_job(void **state)
{
	struct fx *f = *state;
	struct nimadm_params *p = params_new(NIMADM_MIGRATE);
	struct strv argv = { 0 };
	struct strbuf ini = { 0 };
	struct job_request rq;
	struct postcheck_opts o = { .client = "aixdb01", .no_post_migration = 1, .no_save = 1 };
	struct postcheck *pc;
	char id[JOB_ID_MAX];
	struct err e;
	long long deadline;
	int final = 0;

	assert_int_equal(params_set(p, "client", "aixdb01", NULL), 0);
	assert_int_equal(params_set(p, "spot", "spot_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "lpp_source", "lpp_7300_02", NULL), 0);
	assert_int_equal(params_set(p, "disks", "hdisk1", NULL), 0);
	assert_int_equal(params_argv(p, &argv, NULL), 0);
	assert_int_equal(params_ini_write(p, &ini, NULL), 0);
	memset(&rq, 0, sizeof rq);
	rq.mode = "migrate";
	rq.client = "aixdb01";
	rq.argv = strv_argv(&argv);
	rq.params_ini = sb_str(&ini);
	err_clear(&e);
	if (job_submit(f->site, &rq, id, &e) != 0)
		fail_msg("job_submit: %s", e.msg);
	/* the journal is what counts; let the supervisor finish so it leaves no process */
	deadline = clock_ms() + WAIT_MS;
	while (!final && clock_ms() < deadline) {
		struct job_info ji;
		if (job_load(f->site, id, &ji, NULL) == 0) {
			final = job_status_is_final(ji.status);
			job_info_free(&ji);
		}
		if (!final)
			nap_ms(10);
	}
	assert_true(final);
	setenv("FAKE_STATE", "after", 1);
	err_clear(&e);
	pc = postcheck_run(f->site, &o, NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	assert_string_equal(pc->target, "7300-02-02-2420");
	assert_non_null(strstr(pc->target_source, "SPOT spot_7300_02"));
	assert_non_null(strstr(pc->target_source, id));
	assert_int_equal(verdict(pc, "oslevel"), PC_PASS);
	postcheck_free(&pc);
	strv_free(&argv);
	sb_free(&ini);
	params_free(&p);
}

static void test_postcheck_text_escapes_what_came_from_the_client(void **state)
{
	struct fx *f = *state;
	struct postcheck_opts o = { .client = "aixdb01", .no_post_migration = 1, .no_save = 1 };
	struct postcheck *pc;
	struct strbuf text = { 0 };
	struct err e;

	snapshot_before(f);
	fake_file(f, "/etc/motd", "\033[2J\033]0;owned\007 welcome\n");
	err_clear(&e);
	pc = postcheck_run(f->site, &o, NULL, &e);
	if (pc == NULL)
		fail_msg("postcheck failed: %s", e.msg);
	postcheck_format_text(pc, &text);
	assert_null(strchr(sb_str(&text), '\033'));
	assert_null(strchr(sb_str(&text), '\007'));
	assert_non_null(strstr(sb_str(&text), "+^[[2J^[]0;owned^G welcome"));
	sb_free(&text);
	postcheck_free(&pc);
}

struct cancel_state {
	struct postcheck_run *run;
	int lines, done;
};

static void cancel_output(void *arg, enum cmd_stream s, const char *line, size_t len)
{
	struct cancel_state *cs = arg;

	(void)s;
	(void)line;
	(void)len;
	/* post_migration waits on its gate: cancel while it runs */
	if (++cs->lines == 2)
		postcheck_run_cancel(&cs->run);
}

static void cancel_done(void *arg, struct postcheck *pc, const struct err *e)
{
	struct cancel_state *cs = arg;

	(void)e;
	cs->done++;
	postcheck_free(&pc);
}

static void test_postcheck_can_be_cancelled_while_post_migration_runs(void **state)
{
	struct fx *f = *state;
	struct cancel_state cs = { 0 };
	struct postcheck_opts o = { .client = "aixdb01", .target = "7300-02-02-2420" };
	struct postcheck_cb cb = { .output = cancel_output, .done = cancel_done, .arg = &cs };
	char *fifo = xasprintf("%s/pm.fifo", f->dir);
	struct err e;

	setenv("FAKE_STATE", "after", 1);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	cmdset_set_grace(f->site->set, 100);
	err_clear(&e);
	cs.run = postcheck_run_start(f->site, f->site->set, &o, &cb, &e);
	assert_non_null(cs.run);
	while (cmdset_active(f->site->set) > 0)
		cmdset_run(f->site->set, WAIT_MS);
	assert_int_equal(cs.lines, 2);
	assert_null(cs.run);
	assert_int_equal(cs.done, 0);
	assert_null(postcheck_newest(f->site, "aixdb01"));
	free(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers_read_tunables_sys0_and_nextboot),
		cmocka_unit_test(test_parsers_read_mounts_file_systems_routes_interfaces_services),
		cmocka_unit_test(test_line_diff_writes_unified_hunks_with_context),
		cmocka_unit_test(
		    test_known_changes_come_from_help_with_exact_items_before_patterns),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_after_migration_diff_lists_exactly_the_changes_made, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_saves_json_and_text_with_restore_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_before_the_reboot_says_to_boot_the_migrated_disk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_fails_lppchk_instfix_and_post_migration_with_evidence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_without_a_snapshot_still_checks_and_says_how_to_take_one, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_refuses_bad_input_before_running_anything, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_takes_the_target_from_the_spot_of_the_clients_job, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_text_escapes_what_came_from_the_client, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_postcheck_can_be_cancelled_while_post_migration_runs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
