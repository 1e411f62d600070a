/* testsite.c: helpers the unit tests share (see testsite.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
