/* testsite.c: helpers the unit tests share (see testsite.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testsite.h"

const char *test_src_dir(void)
{
	const char *s = getenv("NIMADM_TUI_SRC");
	return s != NULL && *s != '\0' ? s : ".";
}

struct site *test_fake_site(const char *sim_dir, const char *root)
{
	struct site *s = xcalloc(1, sizeof *s);
	struct err e;

	err_clear(&e);
	s->sim_dir = xstrdup(sim_dir);
	s->lab = xstrdup("/nonexistent/fake.lab");
	s->lab_state = xasprintf("%s/labstate", root);
	s->state_dir = xasprintf("%s/state", root);
	if (site_mkdirs(s->state_dir, 1, &e) != 0)
		fail_msg("%s", e.msg);
	s->master = host_local_new("master");
	s->set = site_new_cmdset(s);
	return s;
}

/* Every command the snapshot, post-check and bundle code runs on the fake AIX. */
static const char *const fake_cmds[] = {
	"rsh",     "c_rsh",   "lsnim",    "hostname", "nimsim", "nimadm",         "oslevel",
	"lslpp",   "lsattr",  "vmo",      "no",       "ioo",    "schedo",         "mount",
	"lsfs",    "netstat", "ifconfig", "lsvg",     "lspv",   "bootlist",       "lssrc",
	"crontab", "lppchk",  "instfix",  "cat",      "ls",     "post_migration",
};

void test_fake_aix(const char *root, const char *const *dirs, size_t ndirs)
{
	char *script = xasprintf("%s/tests/fixtures/snapshot/fake.sh", test_src_dir());

	for (size_t i = 0; i < ndirs; i++) {
		char *p = xasprintf("%s/%s", root, dirs[i]);
		mkdir(p, 0755);
		free(p);
	}
	for (size_t i = 0; i < sizeof fake_cmds / sizeof fake_cmds[0]; i++) {
		char *p = xasprintf("%s/bin/%s", root, fake_cmds[i]);
		if (symlink(script, p) != 0)
			fail_msg("symlink %s: %s", p, strerror(errno));
		free(p);
	}
	free(script);
}

void test_fake_aix_open(const char *prefix, char **dir, char **fix, struct site **site)
{
	static const char *const dirs[] = { "bin", "out", "hosts", "state" };

	*dir = test_tmpdir(prefix);
	*fix = xasprintf("%s/tests/fixtures/snapshot", test_src_dir());
	test_fake_aix(*dir, dirs, sizeof dirs / sizeof dirs[0]);
	*site = test_fake_site(*dir, *dir);
	setenv("FAKE_FIX", *fix, 1);
	setenv("FAKE_DIR", *dir, 1);
	setenv("FAKE_STATE", "before", 1);
}

void test_fake_aix_close(char **dir, char **fix, struct site **site)
{
	site_free(site);
	if (*dir != NULL)
		test_rm_rf(*dir);
	free(*dir);
	free(*fix);
	*dir = *fix = NULL;
}

struct site *test_lab_open(const char *lab, const char *extra, const char *prefix, char **state)
{
	struct site_opts so;
	struct site *site;
	char *path = NULL;
	struct err e;

	*state = test_tmpdir(prefix);
	memset(&so, 0, sizeof so);
	so.argv0 = getenv("NIMADM_TUI_PROG");
	so.state_dir = *state;
	if (lab != NULL)
		path = xasprintf("%s/%s", test_src_dir(), lab);
	if (extra != NULL) {
		char *src = path != NULL ? path : xasprintf("%s/sim/labs/demo.lab", test_src_dir());
		struct strbuf sb = { 0 };
		size_t len;
		char *text = test_read_whole(src, &len);
		sb_add(&sb, text, len);
		sb_adds(&sb, extra);
		free(text);
		free(src);
		path = xasprintf("%s/lab.lab", *state);
		test_write(path, sb.buf, sb.len);
		sb_free(&sb);
	}
	so.lab = path;
	so.demo = path == NULL;
	err_clear(&e);
	site = site_open(&so, &e);
	if (site == NULL)
		fail_msg("site_open(%s): %s", path != NULL ? path : "demo", e.msg);
	free(path);
	return site;
}

void test_lab_close(struct site **site, char **state)
{
	site_free(site);
	if (*state != NULL)
		test_rm_rf(*state);
	free(*state);
	*state = NULL;
}

void test_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (len > 0 && fwrite(data, 1, len, f) != len)
		fail_msg("cannot write %s", path);
	if (fclose(f) != 0)
		fail_msg("cannot write %s: %s", path, strerror(errno));
}

void test_write_text(const char *path, const char *text)
{
	test_write(path, text, strlen(text));
}

char *test_read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;

	if (f == NULL)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	if (len != NULL)
		*len = sb.len;
	return sb_steal(&sb);
}

void test_mkdirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
	free(p);
}

char *test_tmpdir(const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/%s.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp", prefix);

	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp %s: %s", dir, strerror(errno));
	return dir;
}

void test_rm_rf(const char *dir)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}
