/*
 * test_engine_inventory.c: the inventory gatherer. Two worlds:
 *  - a fake master: a PATH of tiny scripts that print fixture outputs per
 *    host (rsh runs the quoted command "on" a client), with a dead client
 *    (never answers) and a refusing one, so scheduling, timeouts and error
 *    recording are exact;
 *  - the demo lab (sim/labs/demo.lab through nimsim), the real thing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "testsite.h"

/* ---- the fake master ------------------------------------------------------ */

static const char fake_script[] =
    "#!/bin/sh\n"
    "# A fake AIX command: prints $FAKE_DIR/out/HOST/CMD_ARG_ARG...\n"
    "PATH=/usr/bin:/bin\n"
    "me=${0##*/}\n"
    "if [ \"$me\" = rsh ] || [ \"$me\" = c_rsh ]; then\n"
    "\thost=$1\n"
    "\techo \"$me $host\" >> \"$FAKE_DIR/rsh.log\"\n"
    "\tif [ -f \"$FAKE_DIR/hosts/$host.dead\" ]; then exec sleep 60; fi\n"
    "\tif [ -f \"$FAKE_DIR/hosts/$host.refused\" ]; then\n"
    "\t\techo \"$me: connect to $host: Connection refused\" >&2; exit 1; fi\n"
    "\tFAKE_HOST=$host; export FAKE_HOST\n"
    "\tPATH=$FAKE_DIR/bin:/usr/bin:/bin\n"
    "\teval \"$2\"\n"
    "\texit $?\n"
    "fi\n"
    "if [ \"$me\" = lsnim ] && [ \"$1\" = -l ] && [ \"$2\" = -t ]; then\n"
    "\trc=0\n"
    "\twhile read -r n c ty; do\n"
    "\t\tif [ \"$ty\" = \"$3\" ]; then \"$0\" -l \"$n\" || rc=1; fi\n"
    "\tdone < \"$FAKE_DIR/out/master/lsnim\"\n"
    "\texit $rc\n"
    "fi\n"
    "key=$me\n"
    "for a in \"$@\"; do key=\"${key}_$a\"; done\n"
    "f=\"$FAKE_DIR/out/${FAKE_HOST:-master}/$key\"\n"
    "[ -f \"$f.err\" ] && cat \"$f.err\" >&2\n"
    "if [ -f \"$f\" ]; then cat \"$f\"; exit 0; fi\n"
    "[ -f \"$f.err\" ] && exit 1\n"
    "echo \"ksh: $me: not found ($key)\" >&2\n"
    "exit 127\n";

static const char *const fake_cmds[] = {
	"lsnim", "oslevel", "lsvg",   "lslpp", "prtconf",  "nim",      "rsh",
	"c_rsh", "lsattr",  "odmget", "lspv",  "bootinfo", "bootlist",
};

struct fake {
	char *dir;
	struct site *site;
};

static char *fixture_text(const char *name)
{
	const char *src = getenv("NIMADM_TUI_SRC");
	char *path = xasprintf("%s/tests/fixtures/aix/%s", src != NULL ? src : ".", name);
	struct strbuf sb = { 0 };
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	free(path);
	return sb_steal(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* The output of `CMD ARGS` on host (key as the fake script builds it). */
static void fake_out(struct fake *fk, const char *host, const char *key, const char *text)
{
	char *d = xasprintf("%s/out/%s", fk->dir, host), *p;

	mkdir(d, 0755);
	p = xasprintf("%s/%s", d, key);
	write_file(p, text);
	free(p);
	free(d);
}

static void fake_err(struct fake *fk, const char *host, const char *key, const char *text)
{
	char *k = xasprintf("%s.err", key);
	fake_out(fk, host, k, text);
	free(k);
}

static void fake_fixture(struct fake *fk, const char *host, const char *key, const char *fixture)
{
	char *t = fixture_text(fixture);
	fake_out(fk, host, key, t);
	free(t);
}

static void fake_host_flag(struct fake *fk, const char *host, const char *flag)
{
	char *p = xasprintf("%s/hosts/%s.%s", fk->dir, host, flag);
	write_file(p, "");
	free(p);
}

static const char lsnim_out[] = "master          machines       master\n"
                                "boot            resources      boot\n"
                                "admin_net       networks       ent\n"
                                "lpp_7300_02     resources      lpp_source\n"
                                "spot_7300_02    resources      spot\n"
                                "mksysb_aixdb01  resources      mksysb\n"
                                "premig          resources      script\n"
                                "aixdb01         machines       standalone\n"
                                "aixweb02        machines       standalone\n"
                                "aixdead         machines       standalone\n"
                                "aixrefused      machines       standalone\n";

static const char client_stanza_fmt[] = "%s:\n"
                                        "   class          = machines\n"
                                        "   type           = standalone\n"
                                        "   connect        = %s\n"
                                        "   platform       = chrp\n"
                                        "   if1            = admin_net %s 0\n"
                                        "   Cstate         = ready for a NIM operation\n"
                                        "   Mstate         = currently running\n";

static void fake_client_stanza(struct fake *fk, const char *name, const char *connect)
{
	char *key = xasprintf("lsnim_-l_%s", name);
	char *t = xasprintf(client_stanza_fmt, name, connect, name);
	fake_out(fk, "master", key, t);
	free(t);
	free(key);
}

static const char lspv_db01[] = "hdisk0  00c8f1a0a2b3c4d5  rootvg          active\n"
                                "hdisk1  00c8f1a0a2b3c4e6  rootvg          active\n"
                                "hdisk2  00c8f1a0b1c2d3e4  None\n"
                                "hdisk3  none              None\n"
                                "hdisk4  00c8f1a0c0ffee01  altinst_rootvg\n";

/* A complete fake site; the caller frees with fake_free. */
static void fake_setup(struct fake *fk)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/inv-fake.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	char *p;

	memset(fk, 0, sizeof *fk);
	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	fk->dir = tmpl;
	p = xasprintf("%s/bin", fk->dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/hosts", fk->dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/out", fk->dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/fake.sh", fk->dir);
	write_file(p, fake_script);
	chmod(p, 0755);
	for (size_t i = 0; i < ARRAY_LEN(fake_cmds); i++) {
		char *link = xasprintf("%s/bin/%s", fk->dir, fake_cmds[i]);
		if (symlink(p, link) != 0)
			fail_msg("symlink %s: %s", link, strerror(errno));
		free(link);
	}
	free(p);

	/* master */
	fake_out(fk, "master", "lsnim", lsnim_out);
	fake_out(fk, "master", "oslevel_-s", "7300-02-01-2346\n");
	fake_out(fk, "master", "lsvg", "rootvg\nnimvg\naltvg\n");
	fake_fixture(fk, "master", "lsvg_rootvg", "lsvg/rootvg.txt");
	fake_fixture(fk, "master", "lsvg_nimvg", "lsvg/collapsed_crlf.txt");
	fake_err(fk, "master", "lsvg_altvg",
	         "0516-010 : Volume group must be varied on; use varyonvg command.\n");
	fake_fixture(fk, "master", "prtconf", "prtconf/power9.txt");
	fake_out(fk, "master", "lslpp_-l_bos.alt_disk_install.rte_bos.alt_disk_install.boot_images",
	         "  Fileset                      Level  State      Description\n"
	         "  ------------------------------------------------------------\n"
	         "Path: /usr/lib/objrepos\n"
	         "  bos.alt_disk_install.rte   7.3.2.1  COMMITTED  Alternate Disk Installation\n");
	fake_err(fk, "master", "lslpp_-l_bos.alt_disk_install.rte_bos.alt_disk_install.boot_images",
	         "lslpp: 0504-132  Fileset bos.alt_disk_install.boot_images not installed.\n");
	fake_out(fk, "master", "lsnim_-l_master",
	         "master:\n   class = machines\n   type = master\n   platform = chrp\n");
	{
		/* resources: one stanza per object, from the resources fixture */
		char *t = fixture_text("lsnim_l/resources.txt");
		char *spot = strstr(t, "spot_7300_02:"), *lpp = strstr(t, "lpp_7300_02:");
		char *mk = strstr(t, "mksysb_aixdb01:");
		assert_non_null(spot);
		assert_non_null(lpp);
		assert_non_null(mk);
		lpp[-1] = '\0';
		mk[-1] = '\0';
		fake_out(fk, "master", "lsnim_-l_spot_7300_02", spot);
		fake_out(fk, "master", "lsnim_-l_lpp_7300_02", lpp);
		fake_out(fk, "master", "lsnim_-l_mksysb_aixdb01", mk);
		free(t);
	}
	fake_out(fk, "master", "lsnim_-l_premig",
	         "premig:\n   class = resources\n   type = script\n"
	         "   location = /export/nim/scripts/premig.sh\n   server = master\n"
	         "   Rstate = ready for use\n");
	fake_fixture(fk, "master", "nim_-o_lslpp_-a_lslpp_flags=Lc_spot_7300_02",
	             "lslpp/lc_master.txt");
	fake_client_stanza(fk, "aixdb01", "shell");
	fake_client_stanza(fk, "aixweb02", "nimsh");
	fake_client_stanza(fk, "aixdead", "shell");
	fake_client_stanza(fk, "aixrefused", "shell");

	/* aixdb01: mirrored rootvg, a free disk, a disk without PVID, an old alternate */
	fake_out(fk, "aixdb01", "oslevel_-s", "7200-05-06-2320\n");
	fake_fixture(fk, "aixdb01", "lsattr_-El_sys0_-a_ncargs", "lsattr/ncargs.txt");
	fake_fixture(fk, "aixdb01", "odmget_-q_attribute=TCB_STATE_PdAt",
	             "odmget/tcb_disabled_crlf.txt");
	fake_fixture(fk, "aixdb01", "prtconf", "prtconf/power9.txt");
	fake_out(fk, "aixdb01", "lspv", lspv_db01);
	fake_out(fk, "aixdb01", "bootinfo_-s_hdisk0", "51200\n");
	fake_out(fk, "aixdb01", "bootinfo_-s_hdisk1", "51200\n");
	fake_out(fk, "aixdb01", "bootinfo_-s_hdisk2", "70006\n");
	fake_out(fk, "aixdb01", "bootinfo_-s_hdisk3", "20480\n");
	fake_err(fk, "aixdb01", "bootinfo_-s_hdisk4", "bootinfo: 0514-040 Invalid device name.\n");
	fake_fixture(fk, "aixdb01", "lsvg_rootvg", "lsvg/rootvg.txt");
	fake_fixture(fk, "aixdb01", "lsvg_-l_rootvg", "lsvg_l/rootvg_mirrored.txt");
	fake_fixture(fk, "aixdb01", "bootlist_-m_normal_-o", "bootlist/normal.txt");
	fake_fixture(fk, "aixdb01", "lslpp_-Lc", "lslpp/lc_noheader_crlf.txt");

	/* aixweb02 (nimsh): multibos, TCB on, small ncargs, no lslpp answer */
	fake_out(fk, "aixweb02", "oslevel_-s", "7100-05-09-2148\n");
	fake_out(fk, "aixweb02", "lsattr_-El_sys0_-a_ncargs",
	         "ncargs 6 ARG/ENV list size in 4K byte blocks True\n");
	fake_fixture(fk, "aixweb02", "odmget_-q_attribute=TCB_STATE_PdAt",
	             "odmget/tcb_enabled.txt");
	fake_fixture(fk, "aixweb02", "prtconf", "prtconf/p8_compat_crlf.txt");
	fake_out(fk, "aixweb02", "lspv", "hdisk0 00c8aaaa00000001 rootvg active\n");
	fake_out(fk, "aixweb02", "bootinfo_-s_hdisk0", "30720\n");
	fake_fixture(fk, "aixweb02", "lsvg_rootvg", "lsvg/collapsed_crlf.txt");
	fake_fixture(fk, "aixweb02", "lsvg_-l_rootvg", "lsvg_l/multibos_crlf.txt");
	fake_out(fk, "aixweb02", "bootlist_-m_normal_-o", "hdisk0 blv=hd5 pathid=0\n");

	fake_host_flag(fk, "aixdead", "dead");
	fake_host_flag(fk, "aixrefused", "refused");

	fk->site = xcalloc(1, sizeof *fk->site);
	fk->site->set = cmdset_new();
	fk->site->master = host_local_new("master");
	cmdset_set_grace(fk->site->set, 500);
	p = xasprintf("%s/bin", fk->dir);
	cmdset_setenv(fk->site->set, "PATH", p);
	free(p);
	cmdset_setenv(fk->site->set, "FAKE_DIR", fk->dir);
	cmdset_setenv(fk->site->set, "FAKE_HOST", NULL);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void fake_free(struct fake *fk)
{
	nftw(fk->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	site_free(&fk->site);
	free(fk->dir);
}

/*
 * Every client but the dead one: tests that need no time-out stay fast and
 * cannot be flaky on a loaded machine.
 */
static const char *const live_clients[] = { "aixdb01", "aixweb02", "aixrefused", NULL };

static const struct inv_client *client(const struct inventory *inv, const char *name)
{
	const struct inv_client *c = inventory_find_client(inv, name);
	if (c == NULL)
		fail_msg("no client %s", name);
	return c;
}

static struct inventory *fake_load(struct fake *fk, const struct inventory_opts *o)
{
	struct err e;
	struct inventory *inv;

	err_clear(&e);
	inv = inventory_load(fk->site, o, &e);
	if (inv == NULL)
		fail_msg("inventory_load: %s", e.msg);
	return inv;
}

/* ---- fake-master tests ---------------------------------------------------------- */

static void test_inventory_reads_master_resources_and_vgs(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .flags = INVENTORY_NO_CLIENTS };
	struct inventory *inv;
	const struct inv_resource *r;
	const struct inv_vg *vg;

	(void)state;
	fake_setup(&fk);
	inv = fake_load(&fk, &o);
	assert_string_equal(inv->master.name, "master");
	assert_string_equal(inv->master.oslevel_str, "7300-02-01-2346");
	assert_int_equal(inv->master.prtconf.memory_mb, 16384);
	assert_string_equal(
	    inventory_fileset_level(&inv->master.filesets, "bos.alt_disk_install.rte"), "7.3.2.1");
	assert_int_equal(inv->master.filesets.missing.n, 1);
	assert_int_equal(inv->master.problems.n, 0);
	assert_int_equal(inv->nclients, 4);
	assert_int_equal(inv->nspots, 1);
	assert_int_equal(inv->nlpp_sources, 1);
	assert_int_equal(inv->nmksysbs, 1);
	assert_int_equal(inv->nothers, 1); /* the script; boot is NIM's own */
	r = inventory_find_resource(inv, "spot_7300_02");
	assert_string_equal(r->level_str, "7300-02-01-2346");
	assert_string_equal(r->location, "/export/nim/spot/spot_7300_02/usr");
	assert_true(r->have_filesets);
	assert_string_equal(inventory_fileset_level(&r->filesets, "bos.alt_disk_install.rte"),
	                    "7.3.2.1");
	r = inventory_find_resource(inv, "lpp_7300_02");
	assert_int_equal(r->simages, 1);
	assert_string_equal(r->level_str, "7300-02");
	r = inventory_find_resource(inv, "mksysb_aixdb01");
	assert_string_equal(r->source_image, "aixdb01");
	assert_string_equal(r->level_str, "7200-05-06-2320");
	r = inventory_find_resource(inv, "premig");
	assert_string_equal(r->type, "script");
	assert_null(inventory_find_resource(inv, "boot"));
	assert_int_equal(inv->nvgs, 3);
	vg = inventory_find_vg(inv, "nimvg");
	assert_true(vg->have_info);
	assert_int_equal(vg->info.free_mb, 51200);
	vg = inventory_find_vg(inv, "altvg");
	assert_true(vg->have_info);
	assert_true(vg->info.varied_off);
	/* clients were not contacted */
	assert_int_equal(client(inv, "aixdb01")->reachable, -1);
	assert_string_equal(client(inv, "aixweb02")->connect, "nimsh");
	inventory_free(&inv);
	fake_free(&fk);
}

static void test_inventory_reads_clients_disks_and_rootvg(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .clients = live_clients };
	struct inventory *inv;
	const struct inv_client *c;
	const struct inv_disk *d;

	(void)state;
	fake_setup(&fk);
	inv = fake_load(&fk, &o);
	c = client(inv, "aixdb01");
	assert_int_equal(c->reachable, 1);
	assert_null(c->error);
	assert_string_equal(c->oslevel_str, "7200-05-06-2320");
	assert_string_equal(c->hostname, "aixdb01");
	assert_int_equal(c->ncargs, 256);
	assert_int_equal(c->tcb, 0);
	assert_int_equal(c->prtconf.power_gen, 9);
	assert_int_equal(c->prtconf.memory_mb, 16384);
	assert_int_equal(c->ndisks, 5);
	d = inventory_client_find_disk(c, "hdisk0");
	assert_false(d->free);
	assert_string_equal(d->why, "in rootvg");
	assert_int_equal(d->size_mb, 51200);
	d = inventory_client_find_disk(c, "hdisk2");
	assert_true(d->free);
	assert_null(d->why);
	assert_int_equal(d->size_mb, 70006);
	assert_string_equal(d->pvid, "00c8f1a0b1c2d3e4");
	d = inventory_client_find_disk(c, "hdisk3");
	assert_true(d->free); /* no PVID and no VG: still a free disk */
	assert_null(d->pvid);
	d = inventory_client_find_disk(c, "hdisk4");
	assert_false(d->free);
	assert_non_null(strstr(d->why, "altinst_rootvg"));
	assert_int_equal(d->size_mb, -1);
	assert_non_null(strstr(d->size_error, "0514-040"));
	assert_true(c->rootvg.known);
	assert_int_equal(c->rootvg.copies, 2);
	assert_int_equal(c->rootvg.used_mb, 61184);
	assert_int_equal(c->rootvg.used_mb_per_copy, 30592);
	assert_false(c->rootvg.multibos);
	assert_string_equal(c->rootvg.longest_lv, "fslv_application01");
	assert_int_equal(c->rootvg.longest_lv_len, 18);
	assert_int_equal(c->bootlist.n, 3);
	assert_true(c->have_filesets);
	assert_string_equal(inventory_fileset_level(&c->filesets, "bos.alt_disk_install.rte"),
	                    "7.2.5.2");
	assert_int_equal(c->problems.n, 0);

	c = client(inv, "aixweb02");
	assert_int_equal(c->reachable, 1);
	assert_int_equal(c->ncargs, 6);
	assert_int_equal(c->tcb, 1);
	assert_int_equal(c->prtconf.mode_gen, 7);
	assert_true(c->rootvg.multibos);
	assert_int_equal(c->rootvg.copies, 1);
	assert_int_equal(c->ndisks, 1);
	assert_false(c->disks[0].free);
	/* lslpp -Lc has no answer on this client: recorded, the rest stands */
	assert_false(c->have_filesets);
	assert_int_equal(c->problems.n, 1);
	assert_non_null(strstr(c->problems.v[0], "lslpp -Lc"));
	inventory_free(&inv);
	fake_free(&fk);
}

static void test_inventory_records_dead_and_refusing_clients_without_stopping(void **state)
{
	struct fake fk;
	/* Two commands at once: the dead client must hold only one slot. */
	struct inventory_opts o = { .probe_timeout_ms = 3000,
		                    .timeout_ms = 20000,
		                    .max_running = 2 };
	struct inventory *inv;
	const struct inv_client *c;

	(void)state;
	fake_setup(&fk);
	inv = fake_load(&fk, &o);
	c = client(inv, "aixdead");
	assert_int_equal(c->reachable, 0);
	assert_non_null(c->error);
	assert_non_null(strstr(c->error, "oslevel -s"));
	assert_non_null(strstr(c->error, "timed out"));
	assert_int_equal(c->ndisks, 0);
	/* still listed from lsnim's data */
	assert_string_equal(c->cstate, "ready for a NIM operation");
	c = client(inv, "aixrefused");
	assert_int_equal(c->reachable, 0);
	assert_non_null(strstr(c->error, "Connection refused"));
	/* the live clients are complete */
	assert_int_equal(client(inv, "aixdb01")->ndisks, 5);
	assert_true(client(inv, "aixdb01")->rootvg.known);
	assert_int_equal(client(inv, "aixweb02")->reachable, 1);
	inventory_free(&inv);
	fake_free(&fk);
}

static void test_inventory_contacts_only_the_clients_asked_for(void **state)
{
	struct fake fk;
	const char *const only[] = { "aixweb02", NULL };
	struct inventory_opts o = { .clients = only };
	struct inventory *inv;
	char *log, *path;

	(void)state;
	fake_setup(&fk);
	inv = fake_load(&fk, &o);
	assert_int_equal(client(inv, "aixweb02")->reachable, 1);
	assert_int_equal(client(inv, "aixdb01")->reachable, -1);
	assert_int_equal(client(inv, "aixdead")->reachable, -1);
	/* nimsh clients are reached with c_rsh, and nobody else was asked */
	path = xasprintf("%s/rsh.log", fk.dir);
	{
		FILE *f = fopen(path, "r");
		struct strbuf sb = { 0 };
		char buf[512];
		size_t n;
		assert_non_null(f);
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sb_add(&sb, buf, n);
		fclose(f);
		log = sb_steal(&sb);
	}
	assert_non_null(strstr(log, "c_rsh aixweb02"));
	assert_null(strstr(log, "aixdb01"));
	assert_null(strstr(log, "aixdead"));
	free(log);
	free(path);
	inventory_free(&inv);
	fake_free(&fk);
}

static void test_inventory_keeps_other_objects_when_one_vanished(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .flags = INVENTORY_NO_CLIENTS };
	struct inventory *inv;
	const struct inv_client *c;
	char *lsnim;

	(void)state;
	fake_setup(&fk);
	/* removed between lsnim and lsnim -l: its lsnim -l says 0042-053 */
	lsnim = xasprintf("%saixgone         machines       standalone\n", lsnim_out);
	fake_out(&fk, "master", "lsnim", lsnim);
	free(lsnim);
	fake_err(&fk, "master", "lsnim_-l_aixgone",
	         "0042-053 lsnim: there is no NIM object named \"aixgone\"\n");
	inv = fake_load(&fk, &o);
	assert_int_equal(inv->nclients, 5);
	c = client(inv, "aixgone");
	assert_non_null(c->error);
	assert_non_null(strstr(c->error, "0042-053"));
	assert_null(c->nim.name);
	/* the objects batched with it are complete */
	assert_string_equal(client(inv, "aixrefused")->connect, "shell");
	assert_string_equal(client(inv, "aixweb02")->connect, "nimsh");
	assert_null(client(inv, "aixweb02")->error);
	assert_string_equal(inventory_find_resource(inv, "premig")->location,
	                    "/export/nim/scripts/premig.sh");
	inventory_free(&inv);
	fake_free(&fk);
}

static void test_inventory_fails_when_lsnim_fails(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .flags = INVENTORY_NO_CLIENTS };
	struct inventory *inv;
	struct err e;
	char *p;

	(void)state;
	fake_setup(&fk);
	p = xasprintf("%s/out/master/lsnim", fk.dir);
	unlink(p);
	free(p);
	fake_err(&fk, "master", "lsnim", "0042-001 lsnim: the NIM database is not available\n");
	err_clear(&e);
	inv = inventory_load(fk.site, &o, &e);
	assert_null(inv);
	assert_non_null(strstr(e.msg, "cannot read the NIM database"));
	assert_non_null(strstr(e.msg, "0042-001"));
	fake_free(&fk);
}

struct progress_rec {
	size_t calls, last_finished, last_total;
	int done;
	struct inventory *inv;
};

static void rec_progress(void *arg, size_t finished, size_t total)
{
	struct progress_rec *r = arg;

	assert_true(finished <= total);
	assert_true(finished >= r->last_finished);
	r->calls++;
	r->last_finished = finished;
	r->last_total = total;
}

static void rec_done(void *arg, struct inventory *inv, const struct err *e)
{
	struct progress_rec *r = arg;

	(void)e;
	r->done++;
	r->inv = inv;
}

static void test_inventory_async_load_reports_progress_then_done(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .flags = INVENTORY_NO_CLIENTS };
	struct progress_rec rec;
	struct inventory_cb cb = { .progress = rec_progress, .done = rec_done, .arg = &rec };
	struct inventory_load *l;
	struct err e;

	(void)state;
	memset(&rec, 0, sizeof rec);
	fake_setup(&fk);
	err_clear(&e);
	l = inventory_load_start(fk.site, fk.site->set, &o, &cb, &e);
	assert_non_null(l);
	/* nothing is reported from inside the start */
	assert_int_equal(rec.done, 0);
	while (rec.done == 0 && cmdset_active(fk.site->set) > 0)
		cmdset_run(fk.site->set, -1);
	assert_int_equal(rec.done, 1);
	assert_non_null(rec.inv);
	assert_true(rec.calls > 5);
	assert_int_equal(rec.last_finished, rec.last_total);
	assert_int_equal(rec.inv->nspots, 1);
	inventory_free(&rec.inv);
	fake_free(&fk);
}

static void test_inventory_cancel_calls_nothing_and_frees_itself(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .clients = live_clients };
	struct progress_rec rec;
	struct inventory_cb cb = { .progress = rec_progress, .done = rec_done, .arg = &rec };
	struct inventory_load *l;
	struct err e;

	(void)state;
	memset(&rec, 0, sizeof rec);
	fake_setup(&fk);
	err_clear(&e);
	l = inventory_load_start(fk.site, NULL, &o, &cb, &e);
	assert_non_null(l);
	inventory_load_cancel(&l);
	assert_null(l);
	cmdset_run(fk.site->set, -1);
	assert_int_equal(cmdset_active(fk.site->set), 0);
	assert_int_equal(rec.done, 0);
	assert_int_equal(rec.calls, 0);
	/* ASan's leak check proves the load freed itself */
	fake_free(&fk);
}

/* The element of array a whose "name" is name; fails the test if none. */
static cJSON *json_named(cJSON *a, const char *name)
{
	for (int k = 0; k < cJSON_GetArraySize(a); k++) {
		cJSON *o = cJSON_GetArrayItem(a, k);
		cJSON *n = cJSON_GetObjectItem(o, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return o;
	}
	fail_msg("no element named %s", name);
	return NULL;
}

static void test_inventory_json_has_named_arrays(void **state)
{
	struct fake fk;
	struct inventory_opts o = { .clients = live_clients };
	struct inventory *inv;
	cJSON *j, *a, *c, *d;
	static const char *const arrays[] = { "clients", "spots", "lpp_sources",
		                              "mksysbs", "vgs",   "resources" };

	(void)state;
	fake_setup(&fk);
	inv = fake_load(&fk, &o);
	j = inventory_to_json(inv);
	for (size_t i = 0; i < ARRAY_LEN(arrays); i++) {
		a = cJSON_GetObjectItem(j, arrays[i]);
		assert_true(cJSON_IsArray(a));
		assert_true(cJSON_GetArraySize(a) > 0);
		for (int k = 0; k < cJSON_GetArraySize(a); k++)
			assert_true(
			    cJSON_IsString(cJSON_GetObjectItem(cJSON_GetArrayItem(a, k), "name")));
	}
	a = cJSON_GetObjectItem(j, "clients");
	c = json_named(a, "aixdb01");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "reachable")));
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "rootvg"), "copies")->valueint,
	                 2);
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "disks"), 2);
	assert_string_equal(cJSON_GetObjectItem(d, "name")->valuestring, "hdisk2");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "free")));
	assert_int_equal(cJSON_GetObjectItem(d, "size_mb")->valueint, 70006);
	c = json_named(a, "aixrefused");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c, "reachable")));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(c, "error")));
	cJSON_Delete(j);
	inventory_free(&inv);
	fake_free(&fk);
}

/* ---- the demo lab ------------------------------------------------------------------- */

struct lab {
	struct site *site;
	char *state;
};

/* Opens the demo lab with private state; with extra, a copy of it with extra appended. */
static void lab_open_extra(struct lab *lb, const char *extra)
{
	lb->site = test_lab_open(NULL, extra, "inv-lab", &lb->state);
}

static void lab_open(struct lab *lb)
{
	lab_open_extra(lb, NULL);
}

static void lab_close(struct lab *lb)
{
	test_lab_close(&lb->site, &lb->state);
}

/* How many `[client NAME]` sections the demo lab has. */
static size_t demo_lab_clients(const struct site *site)
{
	FILE *f = fopen(site->lab, "r");
	char line[512];
	size_t n = 0;

	if (f == NULL)
		fail_msg("cannot read %s", site->lab);
	while (fgets(line, sizeof line, f) != NULL)
		n += strncmp(line, "[client ", 8) == 0;
	fclose(f);
	return n;
}

/*
 * Client commands that fail on the client with nothing on stdout, over rsh
 * (ifail01) and c_rsh (ifail02), and clients that rsh or c_rsh does not get to
 * after the probe answered (ilost01, ilost02): the demo lab with faults. A fault
 * on the master's rsh/c_rsh matches its command line exactly and stands for
 * the lost connection.
 */
static const char remote_lab[] =
    "\n"
    "[client ifail01]\n"
    "connect = shell\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3fa0001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3fa0002\n"
    "[fault ifail01_odmget]\n"
    "host = ifail01\n"
    "command = odmget\n"
    "message = odmget: 0518-506 Cannot open the object class PdAt.\n"
    "status = 1\n"
    "\n"
    "[client ifail02]\n"
    "connect = nimsh\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3fa1001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3fa1002\n"
    "[fault ifail02_odmget]\n"
    "host = ifail02\n"
    "command = odmget\n"
    "status = 2\n"
    "\n"
    "[client ilost01]\n"
    "connect = shell\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3fb0001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3fb0002\n"
    "[fault ilost01_lsvg]\n"
    "host = master\n"
    "command = rsh ilost01 ''\\''lsvg'\\'' '\\''rootvg'\\''; echo __nimadm_tui_rc=$?'\n"
    "message = rcmd: connect: ilost01: Connection refused\n"
    "[fault ilost01_odmget]\n"
    "host = master\n"
    "command = rsh ilost01 ''\\''odmget'\\'' '\\''-q'\\'' '\\''attribute=TCB_STATE'\\'' "
    "'\\''PdAt'\\''; echo __nimadm_tui_rc=$?'\n"
    "message = rcmd: connect: ilost01: Connection refused\n"
    "[fault ilost01_bootinfo]\n"
    "host = master\n"
    "command = rsh ilost01 ''\\''bootinfo'\\'' '\\''-s'\\'' '\\''hdisk1'\\''; echo "
    "__nimadm_tui_rc=$?'\n"
    "message = rcmd: connect: ilost01: Connection refused\n"
    "\n"
    "[client ilost02]\n"
    "connect = nimsh\n"
    "oslevel = 7200-05-06-2320\n"
    "disk = hdisk0 size=51200 pvid=00f9a1b2c3fb1001 vg=rootvg\n"
    "disk = hdisk1 size=51200 pvid=00f9a1b2c3fb1002\n"
    "[fault ilost02_lslpp]\n"
    "host = master\n"
    "command = c_rsh ilost02 ''\\''lslpp'\\'' '\\''-Lc'\\'''\n"
    "message = 0042-006 c_rsh: (From_Master) connect Connection refused to ilost02\n";

/* The one problem of c that contains what, or a failure. */
static const char *problem_with(const struct inv_client *c, const char *what)
{
	const char *found = NULL;

	for (size_t i = 0; i < c->problems.n; i++)
		if (strstr(c->problems.v[i], what) != NULL) {
			if (found != NULL)
				fail_msg("%s: two problems with %s", c->name, what);
			found = c->problems.v[i];
		}
	if (found == NULL)
		fail_msg("%s: no problem with %s (%zu problems)", c->name, what, c->problems.n);
	return found;
}

static void test_inventory_uses_the_remote_status_and_a_lost_client_is_not_reached(void **state)
{
	struct lab lb;
	const char *const only[] = { "ifail01", "ifail02", "ilost01", "ilost02", "aixdb01", NULL };
	struct inventory_opts o = { .probe_timeout_ms = 10000, .clients = only };
	struct inventory *inv;
	struct err e;
	const struct inv_client *c;
	const char *p;

	(void)state;
	lab_open_extra(&lb, remote_lab);
	err_clear(&e);
	inv = inventory_load(lb.site, &o, &e);
	if (inv == NULL)
		fail_msg("inventory_load: %s", e.msg);

	/* odmget failed on the client, silently on stdout: TCB unknown, not "off" (rsh said 0) */
	c = client(inv, "ifail01");
	assert_int_equal(c->reachable, 1);
	assert_int_equal(c->tcb, -1);
	assert_int_equal(c->problems.n, 1);
	p = problem_with(c, "odmget -q attribute=TCB_STATE PdAt: ");
	assert_non_null(strstr(p, "0518-506"));
	assert_true(c->rootvg.known);
	/* the same over c_rsh, with no words at all: the status says it */
	c = client(inv, "ifail02");
	assert_int_equal(c->reachable, 1);
	assert_int_equal(c->tcb, -1);
	assert_int_equal(c->problems.n, 1);
	assert_non_null(strstr(problem_with(c, "odmget"), "exit status 2"));

	/* rsh lost the client after the probe: not reached, rsh's words never parsed */
	c = client(inv, "ilost01");
	assert_int_equal(c->reachable, 1);
	assert_null(c->error);
	assert_int_equal(c->tcb, -1);
	p = problem_with(c, "odmget");
	assert_non_null(
	    strstr(p, "ilost01 was not reached (rcmd: connect: ilost01: Connection refused)"));
	assert_false(c->rootvg.known);
	assert_non_null(strstr(c->rootvg.error, "lsvg rootvg: ilost01 was not reached"));
	assert_non_null(strstr(problem_with(c, "lsvg rootvg: "), "was not reached"));
	assert_int_equal(c->problems.n, 2);
	assert_int_equal(inventory_client_find_disk(c, "hdisk0")->size_mb, 51200);
	assert_int_equal(inventory_client_find_disk(c, "hdisk1")->size_mb, -1);
	assert_non_null(strstr(inventory_client_find_disk(c, "hdisk1")->size_error,
	                       "bootinfo -s hdisk1: ilost01 was not reached"));
	assert_true(c->have_filesets);
	/* c_rsh's own 0042-006 error: the same */
	c = client(inv, "ilost02");
	assert_int_equal(c->reachable, 1);
	assert_false(c->have_filesets);
	assert_int_equal(c->problems.n, 1);
	problem_with(c, "lslpp -Lc: ilost02 was not reached (0042-006");
	assert_true(c->rootvg.known);
	assert_int_equal(c->tcb, 0);

	/* and a client without faults is whole */
	c = client(inv, "aixdb01");
	assert_int_equal(c->reachable, 1);
	assert_int_equal(c->problems.n, 0);
	assert_int_equal(c->tcb, 0);
	inventory_free(&inv);
	lab_close(&lb);
}

static void test_inventory_demo_lab_shows_the_whole_lab(void **state)
{
	struct lab lb;
	struct inventory_opts o = { .probe_timeout_ms = 10000 };
	struct inventory *inv;
	struct err e;
	const struct inv_client *c;
	const struct inv_disk *d;
	const struct inv_vg *vg;
	size_t reachable = 0;

	(void)state;
	lab_open(&lb);
	err_clear(&e);
	inv = inventory_load(lb.site, &o, &e);
	if (inv == NULL)
		fail_msg("inventory_load(demo): %s", e.msg);
	assert_string_equal(inv->master.name, "master");
	assert_true(inv->master.have_oslevel);
	assert_int_equal(inv->master.problems.n, 0);
	assert_int_equal(inv->nclients, demo_lab_clients(lb.site));
	assert_true(inv->nspots >= 1);
	assert_true(inv->nlpp_sources >= 1);
	assert_true(inv->nmksysbs >= 1);
	for (size_t i = 0; i < inv->nclients; i++) {
		c = &inv->clients[i];
		if (c->reachable == 1) {
			reachable++;
			assert_true(c->have_oslevel);
			assert_true(c->ndisks > 0);
			assert_true(c->rootvg.known);
			assert_int_equal(c->problems.n, 0);
		} else {
			assert_int_equal(c->reachable, 0);
			assert_non_null(c->error);
		}
	}
	assert_true(reachable >= inv->nclients - 2);
	/* a free disk with its size */
	c = client(inv, "aixdb01");
	d = inventory_client_find_disk(c, "hdisk1");
	assert_non_null(d);
	assert_true(d->free);
	assert_int_equal(d->size_mb, 51200);
	assert_string_equal(inventory_client_find_disk(c, "hdisk0")->why, "in rootvg");
	/* a mirrored rootvg: two copies, nothing free */
	c = client(inv, "aixmir01");
	assert_int_equal(c->rootvg.copies, 2);
	assert_int_equal(c->rootvg.used_mb_per_copy * 2, c->rootvg.used_mb);
	for (size_t k = 0; k < c->ndisks; k++)
		assert_false(c->disks[k].free);
	/* unreachable clients, with their errors */
	c = client(inv, "aixold01");
	assert_int_equal(c->reachable, 0);
	assert_non_null(strstr(c->error, "timed out"));
	assert_non_null(strstr(client(inv, "aixweb02")->error, "refused"));
	/* what the checker will read */
	assert_int_equal(client(inv, "aixsec01")->tcb, 1);
	assert_int_equal(client(inv, "aixbat01")->ncargs, 6);
	assert_true(client(inv, "aixmb01")->rootvg.multibos);
	assert_int_equal(client(inv, "aixlog01")->rootvg.longest_lv_len, 14);
	assert_int_equal(client(inv, "aixp7db01")->prtconf.power_gen, 7);
	/* the cache VG */
	vg = inventory_find_vg(inv, "cachevg");
	assert_non_null(vg);
	assert_true(vg->have_info);
	assert_true(vg->info.free_mb > 100000);
	/* a SPOT's alt_disk_install level, an lpp_source's level from its contents */
	assert_string_equal(
	    inventory_fileset_level(&inventory_find_resource(inv, "spot_7300_02_sp1")->filesets,
	                            "bos.alt_disk_install.rte"),
	    "7.3.2.1");
	assert_int_equal(inventory_find_resource(inv, "lpp_7300_02")->level.tl, 2);
	inventory_free(&inv);
	lab_close(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_reads_master_resources_and_vgs),
		cmocka_unit_test(test_inventory_reads_clients_disks_and_rootvg),
		cmocka_unit_test(test_inventory_records_dead_and_refusing_clients_without_stopping),
		cmocka_unit_test(test_inventory_contacts_only_the_clients_asked_for),
		cmocka_unit_test(test_inventory_keeps_other_objects_when_one_vanished),
		cmocka_unit_test(test_inventory_fails_when_lsnim_fails),
		cmocka_unit_test(test_inventory_async_load_reports_progress_then_done),
		cmocka_unit_test(test_inventory_cancel_calls_nothing_and_frees_itself),
		cmocka_unit_test(test_inventory_json_has_named_arrays),
		cmocka_unit_test(test_inventory_demo_lab_shows_the_whole_lab),
		cmocka_unit_test(
		    test_inventory_uses_the_remote_status_and_a_lost_client_is_not_reached),
	};
	return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}
