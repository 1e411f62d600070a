/*
 * test_engine_aixparse.c: the AIX output parsers on fixtures
 * (tests/fixtures/aix), including the tolerated variations: collapsed or
 * widened spacing, CRLF, blank lines, unknown and missing attributes, a
 * localized state word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aixparse.h"

/* The fixture's contents (owned by the caller). */
static char *fixture(const char *name, size_t *len)
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
	*len = sb.len;
	return sb_steal(&sb);
}

/* ---- lsnim ---- */

static void test_lsnim_lists_name_class_type(void **state)
{
	size_t len;
	char *t = fixture("lsnim/plain.txt", &len);
	struct aix_lsnim l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsnim(t, len, &l, &e), 0);
	assert_int_equal(l.n, 9);
	assert_string_equal(l.v[0].name, "master");
	assert_string_equal(l.v[0].type, "master");
	assert_string_equal(l.v[5].name, "spot_7300_02");
	assert_string_equal(l.v[5].class, "resources");
	assert_string_equal(l.v[5].type, "spot");
	assert_string_equal(l.v[8].name, "aixweb02");
	assert_string_equal(l.v[8].type, "standalone");
	aixparse_lsnim_clear(&l);
	aixparse_lsnim_clear(&l);
	free(t);
}

static void test_lsnim_tolerates_crlf_collapsed_spacing_and_blank_lines(void **state)
{
	size_t len;
	char *t = fixture("lsnim/collapsed_crlf.txt", &len);
	struct aix_lsnim l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsnim(t, len, &l, &e), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[2].name, "spot_7300_02");
	assert_string_equal(l.v[2].type, "spot");
	assert_string_equal(l.v[3].type, "standalone");
	aixparse_lsnim_clear(&l);
	free(t);
}

static void test_lsnim_reports_the_nim_error(void **state)
{
	size_t len;
	char *t = fixture("lsnim/error.txt", &len);
	struct aix_lsnim l;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(aixparse_lsnim(t, len, &l, &e), -1);
	assert_non_null(strstr(e.msg, "0042-053"));
	aixparse_lsnim_clear(&l);
	free(t);
	/* Empty output is an empty list (lsnim -t spot with no SPOT). */
	assert_int_equal(aixparse_lsnim("", 0, &l, &e), 0);
	assert_int_equal(l.n, 0);
}

static void test_lsnim_long_reads_client_attributes(void **state)
{
	size_t len;
	char *t = fixture("lsnim_l/client.txt", &len);
	struct aix_stanzas ss;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsnim_long(t, len, &ss, &e), 0);
	assert_int_equal(ss.n, 1);
	assert_string_equal(ss.v[0].name, "aixdb01");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "connect"), "shell");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "if1"), "admin_net aixdb01 0");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "Cstate"), "ready for a NIM operation");
	assert_null(aixparse_stanza_get(&ss.v[0], "oslevel_s"));
	aixparse_stanzas_clear(&ss);
	free(t);
}

static void test_lsnim_long_reads_several_stanzas_with_unknown_attributes(void **state)
{
	size_t len;
	char *t = fixture("lsnim_l/resources.txt", &len);
	struct aix_stanzas ss;
	const struct aix_stanza *st;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsnim_long(t, len, &ss, &e), 0);
	assert_int_equal(ss.n, 3);
	st = aixparse_stanzas_find(&ss, "spot_7300_02");
	assert_non_null(st);
	assert_string_equal(aixparse_stanza_get(st, "oslevel_s"), "7300-02-01-2346");
	assert_string_equal(aixparse_stanza_get(st, "location"),
	                    "/export/nim/spot/spot_7300_02/usr");
	/* a repeated attribute: the first is returned, both are kept */
	assert_string_equal(aixparse_stanza_get(st, "mk_netboot"), "yes");
	st = aixparse_stanzas_find(&ss, "lpp_7300_02");
	assert_string_equal(aixparse_stanza_get(st, "simages"), "yes");
	assert_string_equal(aixparse_stanza_get(st, "frobnicate"),
	                    "some future attribute = with an equals sign");
	assert_null(aixparse_stanza_get(st, "oslevel_s"));
	st = aixparse_stanzas_find(&ss, "mksysb_aixdb01");
	assert_string_equal(aixparse_stanza_get(st, "creation_date"), "Thu Nov 19 02:13:44 2026");
	assert_null(aixparse_stanzas_find(&ss, "nosuch"));
	aixparse_stanzas_clear(&ss);
	free(t);
}

static void test_lsnim_long_tolerates_crlf_tabs_and_spacing(void **state)
{
	size_t len;
	char *t = fixture("lsnim_l/crlf_widened.txt", &len);
	struct aix_stanzas ss;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsnim_long(t, len, &ss, &e), 0);
	assert_int_equal(ss.n, 1);
	assert_string_equal(ss.v[0].name, "aixweb02");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "type"), "standalone");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "connect"), "nimsh");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "Cstate"),
	                    "alt_disk_install operation is being performed");
	aixparse_stanzas_clear(&ss);
	free(t);
}

static void test_lsnim_long_unknown_object_is_an_error(void **state)
{
	size_t len;
	char *t = fixture("lsnim_l/missing_object.txt", &len);
	struct aix_stanzas ss;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(aixparse_lsnim_long(t, len, &ss, &e), -1);
	assert_non_null(strstr(e.msg, "0042-053"));
	assert_non_null(strstr(e.msg, "nosuch"));
	aixparse_stanzas_clear(&ss);
	free(t);
}

/* ---- odmget ---- */

static void test_odmget_reads_tcb_state_unquoted(void **state)
{
	size_t len;
	char *t = fixture("odmget/tcb_enabled.txt", &len);
	struct aix_stanzas ss;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_odmget(t, len, &ss, &e), 0);
	assert_int_equal(ss.n, 1);
	assert_string_equal(ss.v[0].name, "PdAt");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "deflt"), "tcb_enabled");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "values"), "");
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "nls_index"), "0");
	aixparse_stanzas_clear(&ss);
	free(t);
	t = fixture("odmget/tcb_disabled_crlf.txt", &len);
	assert_int_equal(aixparse_odmget(t, len, &ss, &e), 0);
	assert_string_equal(aixparse_stanza_get(&ss.v[0], "deflt"), "tcb_disabled");
	aixparse_stanzas_clear(&ss);
	free(t);
	t = fixture("odmget/empty.txt", &len);
	assert_int_equal(aixparse_odmget(t, len, &ss, &e), 0);
	assert_int_equal(ss.n, 0);
	free(t);
}

/* ---- filesets ---- */

static void test_lslpp_l_merges_paths_and_wrapped_lines(void **state)
{
	size_t len;
	char *t = fixture("lslpp/l_alt_disk.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp_l(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 3);
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.boot_images");
	assert_non_null(f);
	assert_string_equal(f->level, "7.3.2.1");
	assert_int_equal(f->state, AIX_FS_COMMITTED);
	assert_string_equal(f->description, "Alternate Disk Installation Boot Images");
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.rte");
	assert_non_null(f);
	/* usr COMMITTED, root BROKEN: broken wins */
	assert_int_equal(f->state, AIX_FS_BROKEN);
	assert_int_equal(f->parts, AIX_PART_USR | AIX_PART_ROOT);
	assert_string_equal(f->description, "Alternate Disk Installation Runtime");
	f = aixparse_filesets_find(&fs, "bos.rte.libc");
	assert_int_equal(f->state, AIX_FS_EFIX_LOCKED);
	assert_string_equal(f->state_word, "EFIX LOCKED");
	assert_string_equal(f->description, "libc Library");
	assert_int_equal(fs.missing.n, 0);
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_lslpp_l_keeps_a_localized_state_word(void **state)
{
	size_t len;
	char *t = fixture("lslpp/l_localized.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp_l(t, len, &fs, &e), 0);
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.rte");
	assert_non_null(f);
	assert_string_equal(f->level, "7.2.5.2");
	assert_int_equal(f->state, AIX_FS_UNKNOWN);
	assert_string_equal(f->state_word, "VALIDÉ");
	assert_string_equal(f->description, "Installation sur disque secondaire");
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_lslpp_l_records_filesets_not_installed(void **state)
{
	size_t len;
	char *t = fixture("lslpp/l_not_installed.txt", &len);
	struct aix_filesets fs;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp_l(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 0);
	assert_int_equal(fs.missing.n, 1);
	assert_string_equal(fs.missing.v[0], "bos.net.nis.client");
	aixparse_filesets_clear(&fs);
	free(t);
	t = fixture("lslpp/l_mixed_crlf.txt", &len);
	assert_int_equal(aixparse_lslpp_l(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].name, "bos.alt_disk_install.rte");
	assert_int_equal(fs.v[0].state, AIX_FS_COMMITTED);
	assert_string_equal(fs.v[0].description, "Alternate Disk Installation Runtime");
	assert_int_equal(fs.missing.n, 1);
	assert_string_equal(fs.missing.v[0], "sysmgt.websm.webaccess");
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_lslpp_lc_reads_colon_rows_with_state_letters(void **state)
{
	size_t len;
	char *t = fixture("lslpp/lc_master.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp_lc(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 5);
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.rte");
	assert_string_equal(f->level, "7.3.2.1");
	assert_string_equal(f->package, "bos.alt_disk_install");
	/* State blank, Fix State C */
	assert_int_equal(f->state, AIX_FS_COMMITTED);
	assert_string_equal(f->description, "Alternate Disk Installation Runtime");
	f = aixparse_filesets_find(&fs, "bos.rte.libc");
	assert_int_equal(f->state, AIX_FS_APPLIED);
	assert_int_equal(f->type, 'F');
	f = aixparse_filesets_find(&fs, "bos.rte.security");
	assert_int_equal(f->state, AIX_FS_BROKEN);
	f = aixparse_filesets_find(&fs, "bash-5.1.4-2");
	assert_non_null(f);
	assert_string_equal(f->level, "5.1.4-2");
	assert_int_equal(f->type, 'R');
	aixparse_filesets_clear(&fs);
	free(t);
	t = fixture("lslpp/lc_noheader_crlf.txt", &len);
	assert_int_equal(aixparse_lslpp(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 2);
	f = aixparse_filesets_find(&fs, "sysmgt.websm.webaccess");
	assert_non_null(f);
	assert_string_equal(f->level, "7.2.5.0");
	assert_int_equal(f->state, AIX_FS_COMMITTED);
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_showres_of_lpp_source_lists_available_filesets(void **state)
{
	size_t len;
	char *t = fixture("showres/lpp_source.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 3);
	f = aixparse_filesets_find(&fs, "sysmgt.websm.webaccess");
	assert_non_null(f);
	assert_int_equal(f->state, AIX_FS_AVAILABLE);
	assert_string_equal(f->level, "7.3.0.0");
	assert_string_equal(f->description, "Web-based System Manager Web Access");
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.boot_images");
	assert_string_equal(f->level, "7.3.2.1");
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_showres_of_spot_reads_lslpp_L_table(void **state)
{
	size_t len;
	char *t = fixture("showres/spot_L.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lslpp(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 3);
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.rte");
	assert_string_equal(f->level, "7.3.2.0");
	assert_int_equal(f->state, AIX_FS_COMMITTED);
	assert_int_equal(f->type, 'F');
	assert_string_equal(f->description, "Alternate Disk Installation Runtime");
	f = aixparse_filesets_find(&fs, "bos.alt_disk_install.boot_images");
	assert_string_equal(f->level, "7.3.2.1");
	f = aixparse_filesets_find(&fs, "bos.rte");
	assert_string_equal(f->description, "Base Operating System Runtime");
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_nim_lslpp_error_is_reported(void **state)
{
	size_t len;
	char *t = fixture("showres/error.txt", &len);
	struct aix_filesets fs;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(aixparse_lslpp(t, len, &fs, &e), -1);
	assert_non_null(strstr(e.msg, "0042-001"));
	aixparse_filesets_clear(&fs);
	free(t);
}

static void test_fileset_state_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(aixparse_fileset_state_name(AIX_FS_COMMITTED), "committed");
	assert_string_equal(aixparse_fileset_state_name(AIX_FS_EFIX_LOCKED), "efix_locked");
	assert_string_equal(aixparse_fileset_state_name(AIX_FS_AVAILABLE), "available");
}

static void test_installp_s_lists_applied_filesets(void **state)
{
	size_t len;
	char *t = fixture("installp_s/applied.txt", &len);
	struct aix_filesets fs;
	const struct aix_fileset *f;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_installp_s(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 2);
	f = aixparse_filesets_find(&fs, "bos.rte.libc");
	assert_int_equal(f->state, AIX_FS_APPLIED);
	assert_int_equal(f->parts, AIX_PART_USR | AIX_PART_ROOT);
	assert_string_equal(f->level, "7.2.5.1");
	f = aixparse_filesets_find(&fs, "devices.vdevice.IBM.l-lan.rte");
	assert_non_null(f);
	aixparse_filesets_clear(&fs);
	free(t);
	t = fixture("installp_s/none.txt", &len);
	assert_int_equal(aixparse_installp_s(t, len, &fs, &e), 0);
	assert_int_equal(fs.n, 0);
	aixparse_filesets_clear(&fs);
	free(t);
}

/* ---- oslevel ---- */

static void test_oslevel_reads_s_and_r(void **state)
{
	size_t len;
	char *t = fixture("oslevel/s.txt", &len);
	struct aix_level l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_oslevel(t, len, &l, &e), 0);
	assert_int_equal(l.tl, 2);
	assert_int_equal(l.sp, 1);
	assert_int_equal(l.build, 2346);
	free(t);
	t = fixture("oslevel/r.txt", &len);
	assert_int_equal(aixparse_oslevel(t, len, &l, &e), 0);
	assert_int_equal(l.version, 7);
	assert_int_equal(l.release, 2);
	assert_int_equal(l.tl, 5);
	assert_int_equal(l.sp, -1);
	free(t);
	t = fixture("oslevel/s_warning_crlf.txt", &len);
	assert_int_equal(aixparse_oslevel(t, len, &l, &e), 0);
	assert_int_equal(l.version, 7);
	assert_int_equal(l.release, 1);
	assert_int_equal(l.tl, 4);
	free(t);
	t = fixture("oslevel/bad.txt", &len);
	err_clear(&e);
	assert_int_equal(aixparse_oslevel(t, len, &l, &e), -1);
	assert_true(e.msg[0] != '\0');
	free(t);
}

/* ---- lsattr ---- */

static void test_lsattr_reads_ncargs_and_settable(void **state)
{
	size_t len;
	char *t = fixture("lsattr/ncargs.txt", &len);
	struct aix_lsattr l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsattr(t, len, &l, &e), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(aixparse_lsattr_get(&l, "ncargs"), "256");
	assert_string_equal(l.v[0].description, "ARG/ENV list size in 4K byte blocks");
	assert_int_equal(l.v[0].settable, 1);
	aixparse_lsattr_clear(&l);
	free(t);
	t = fixture("lsattr/sys0.txt", &len);
	assert_int_equal(aixparse_lsattr(t, len, &l, &e), 0);
	assert_int_equal(l.n, 7);
	assert_string_equal(aixparse_lsattr_get(&l, "ncargs"), "1024");
	assert_string_equal(aixparse_lsattr_get(&l, "realmem"), "16777216");
	assert_string_equal(l.v[2].description, "N/A");
	assert_int_equal(l.v[2].settable, 0);
	assert_null(aixparse_lsattr_get(&l, "nosuch"));
	aixparse_lsattr_clear(&l);
	free(t);
	t = fixture("lsattr/localized_crlf.txt", &len);
	assert_int_equal(aixparse_lsattr(t, len, &l, &e), 0);
	assert_string_equal(aixparse_lsattr_get(&l, "ncargs"), "6");
	assert_int_equal(l.v[0].settable, -1);
	aixparse_lsattr_clear(&l);
	free(t);
	t = fixture("lsattr/error.txt", &len);
	err_clear(&e);
	assert_int_equal(aixparse_lsattr(t, len, &l, &e), -1);
	assert_non_null(strstr(e.msg, "0514-528"));
	aixparse_lsattr_clear(&l);
	free(t);
}

/* ---- lspv ---- */

static void test_lspv_reads_pvid_vg_and_state(void **state)
{
	size_t len;
	char *t = fixture("lspv/lspv.txt", &len);
	struct aix_lspv l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lspv(t, len, &l, &e), 0);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.v[0].name, "hdisk0");
	assert_string_equal(l.v[0].pvid, "00c8f1a0a2b3c4d5");
	assert_string_equal(l.v[0].vg, "rootvg");
	assert_string_equal(l.v[0].state, "active");
	assert_null(l.v[2].vg);
	assert_null(l.v[2].state);
	assert_null(l.v[3].pvid);
	assert_null(l.v[3].vg);
	assert_string_equal(l.v[4].vg, "altinst_rootvg");
	assert_null(l.v[4].state);
	assert_string_equal(l.v[6].state, "concurrent");
	aixparse_lspv_clear(&l);
	free(t);
	t = fixture("lspv/collapsed_crlf.txt", &len);
	assert_int_equal(aixparse_lspv(t, len, &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_null(l.v[1].vg);
	assert_string_equal(l.v[1].pvid, "00c8f1a0a2b3c4e6");
	aixparse_lspv_clear(&l);
	free(t);
}

/* ---- lsvg ---- */

static void test_lsvg_reads_sizes_from_two_columns(void **state)
{
	size_t len;
	char *t = fixture("lsvg/rootvg.txt", &len);
	struct aix_vg vg;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg(t, len, &vg, &e), 0);
	assert_string_equal(vg.name, "rootvg");
	assert_string_equal(vg.state, "active");
	assert_string_equal(vg.identifier, "00c8f1a000004c000000017a5c1d2e3f");
	assert_int_equal(vg.pp_size_mb, 64);
	assert_int_equal(vg.total_pps, 1598);
	assert_int_equal(vg.total_mb, 102272);
	assert_int_equal(vg.free_pps, 642);
	assert_int_equal(vg.free_mb, 41088);
	assert_int_equal(vg.used_mb, 61184);
	assert_int_equal(vg.total_pvs, 2);
	assert_int_equal(vg.lvs, 12);
	assert_int_equal(vg.open_lvs, 11);
	assert_string_equal(aixparse_vg_get(&vg, "MAX PPs per VG"), "32512");
	assert_string_equal(aixparse_vg_get(&vg, "LTG size (Dynamic)"), "512 kilobyte(s)");
	assert_string_equal(aixparse_vg_get(&vg, "QUORUM"), "1 (Disabled)");
	assert_string_equal(aixparse_vg_get(&vg, "VG DESCRIPTORS"), "3");
	assert_string_equal(aixparse_vg_get(&vg, "CRITICAL PVs"), "no");
	assert_false(vg.varied_off);
	aixparse_vg_clear(&vg);
	aixparse_vg_clear(&vg);
	free(t);
}

static void test_lsvg_tolerates_collapsed_spacing_and_crlf(void **state)
{
	size_t len;
	char *t = fixture("lsvg/collapsed_crlf.txt", &len);
	struct aix_vg vg;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg(t, len, &vg, &e), 0);
	assert_string_equal(vg.name, "nimvg");
	assert_string_equal(vg.state, "active");
	assert_int_equal(vg.pp_size_mb, 128);
	assert_int_equal(vg.free_mb, 51200);
	assert_int_equal(vg.used_mb, 51072);
	assert_int_equal(vg.lvs, 3);
	assert_int_equal(vg.total_pvs, 1);
	assert_string_equal(aixparse_vg_get(&vg, "VG DESCRIPTORS"), "2");
	aixparse_vg_clear(&vg);
	free(t);
}

static void test_lsvg_unknown_labels_and_missing_megabytes(void **state)
{
	size_t len;
	char *t = fixture("lsvg/unknown_missing.txt", &len);
	struct aix_vg vg;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg(t, len, &vg, &e), 0);
	assert_string_equal(vg.name, "datavg");
	assert_int_equal(vg.pp_size_mb, 1024);
	assert_int_equal(vg.total_pps, 100);
	assert_int_equal(vg.total_mb, 100 * 1024);
	assert_int_equal(vg.free_mb, 60 * 1024);
	assert_int_equal(vg.used_mb, 40 * 1024);
	assert_int_equal(vg.used_pps, 40);
	assert_int_equal(vg.total_pvs, -1);
	assert_string_equal(aixparse_vg_get(&vg, "FROB LEVEL"), "11 (experimental)");
	assert_string_equal(aixparse_vg_get(&vg, "NEW THING"), "on");
	aixparse_vg_clear(&vg);
	free(t);
}

static void test_lsvg_varied_off_is_a_state_and_missing_vg_an_error(void **state)
{
	size_t len;
	char *t = fixture("lsvg/varied_off.txt", &len);
	struct aix_vg vg;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg(t, len, &vg, &e), 0);
	assert_true(vg.varied_off);
	assert_int_equal(vg.free_mb, -1);
	aixparse_vg_clear(&vg);
	free(t);
	t = fixture("lsvg/missing_vg.txt", &len);
	err_clear(&e);
	assert_int_equal(aixparse_lsvg(t, len, &vg, &e), -1);
	assert_non_null(strstr(e.msg, "0516-306"));
	aixparse_vg_clear(&vg);
	free(t);
}

static void test_lsvg_names_one_per_line(void **state)
{
	size_t len;
	char *t = fixture("lsvg/names.txt", &len);
	struct strv names;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg_names(t, len, &names, &e), 0);
	assert_int_equal(names.n, 3);
	assert_string_equal(names.v[1], "datavg");
	assert_string_equal(names.v[2], "nimvg");
	strv_free(&names);
	free(t);
}

static void test_lsvg_l_sees_mirrored_copies_and_mounts(void **state)
{
	size_t len;
	char *t = fixture("lsvg_l/rootvg_mirrored.txt", &len);
	struct aix_lvs l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg_l(t, len, &l, &e), 0);
	assert_int_equal(l.n, 12);
	assert_string_equal(l.v[0].vg, "rootvg");
	assert_string_equal(l.v[0].name, "hd5");
	assert_string_equal(l.v[0].type, "boot");
	assert_int_equal(l.v[0].copies, 2);
	assert_string_equal(l.v[0].mount, "N/A");
	assert_string_equal(l.v[3].name, "hd4");
	assert_string_equal(l.v[3].mount, "/");
	assert_int_equal(l.v[9].copies, 1); /* lg_dumplv is not mirrored */
	assert_string_equal(l.v[11].name, "fslv_application01");
	assert_string_equal(l.v[11].mount, "/opt/My Application");
	assert_string_equal(l.v[11].state, "open/syncd");
	aixparse_lvs_clear(&l);
	free(t);
}

static void test_lsvg_l_finds_multibos_lvs_in_crlf(void **state)
{
	size_t len;
	char *t = fixture("lsvg_l/multibos_crlf.txt", &len);
	struct aix_lvs l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg_l(t, len, &l, &e), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[1].name, "bos_hd5");
	assert_string_equal(l.v[3].mount, "/bos_inst");
	assert_int_equal(l.v[3].copies, 1);
	aixparse_lvs_clear(&l);
	free(t);
	t = fixture("lsvg/varied_off.txt", &len);
	err_clear(&e);
	assert_int_equal(aixparse_lsvg_l(t, len, &l, &e), -1);
	assert_non_null(strstr(e.msg, "0516-010"));
	free(t);
}

static void test_lsvg_p_reads_pv_rows(void **state)
{
	size_t len;
	char *t = fixture("lsvg_p/rootvg.txt", &len);
	struct aix_vg_pvs l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lsvg_p(t, len, &l, &e), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].name, "hdisk1");
	assert_string_equal(l.v[1].vg, "rootvg");
	assert_int_equal(l.v[1].total_pps, 799);
	assert_int_equal(l.v[1].free_pps, 321);
	assert_string_equal(l.v[1].distribution, "160..00..00..01..160");
	aixparse_vg_pvs_clear(&l);
	free(t);
}

/* ---- disk size, prtconf, bootlist ---- */

static void test_disk_size_reads_bootinfo_and_getconf(void **state)
{
	size_t len;
	char *t = fixture("disk_size/bootinfo.txt", &len);
	long long mb = 0;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_disk_size(t, len, &mb, &e), 0);
	assert_int_equal(mb, 51200);
	free(t);
	t = fixture("disk_size/getconf_crlf.txt", &len);
	assert_int_equal(aixparse_disk_size(t, len, &mb, &e), 0);
	assert_int_equal(mb, 102400);
	free(t);
	t = fixture("disk_size/error.txt", &len);
	err_clear(&e);
	assert_int_equal(aixparse_disk_size(t, len, &mb, &e), -1);
	assert_non_null(strstr(e.msg, "0514-040"));
	free(t);
	assert_int_equal(aixparse_disk_size("", 0, &mb, &e), -1);
}

static void test_prtconf_reads_processor_memory_and_firmware(void **state)
{
	size_t len;
	char *t = fixture("prtconf/power9.txt", &len);
	struct aix_prtconf p;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_prtconf(t, len, &p, &e), 0);
	assert_string_equal(p.processor_type, "PowerPC_POWER9");
	assert_string_equal(p.processor_mode, "POWER 9");
	assert_int_equal(p.power_gen, 9);
	assert_int_equal(p.mode_gen, 9);
	assert_string_equal(p.firmware, "IBM,FW950.80");
	assert_int_equal(p.memory_mb, 16384);
	assert_int_equal(p.processors, 4);
	assert_string_equal(p.model, "IBM,9009-42A");
	assert_string_equal(aixparse_prtconf_get(&p, "Host Name"), "aixdb01");
	/* nothing after the resource list */
	assert_null(aixparse_prtconf_get(&p, "Model Architecture"));
	aixparse_prtconf_clear(&p);
	free(t);
	t = fixture("prtconf/p8_compat_crlf.txt", &len);
	assert_int_equal(aixparse_prtconf(t, len, &p, &e), 0);
	assert_int_equal(p.power_gen, 8);
	assert_int_equal(p.mode_gen, 7);
	assert_int_equal(p.memory_mb, 4096);
	assert_null(p.firmware);
	assert_int_equal(p.processors, -1);
	aixparse_prtconf_clear(&p);
	free(t);
	t = fixture("prtconf/garbage.txt", &len);
	assert_int_equal(aixparse_prtconf(t, len, &p, &e), -1);
	free(t);
}

static void test_bootlist_reads_devices_blv_and_pathid(void **state)
{
	size_t len;
	char *t = fixture("bootlist/normal.txt", &len);
	struct aix_bootlist b;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_bootlist(t, len, &b, &e), 0);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.v[0].device, "hdisk1");
	assert_string_equal(b.v[0].blv, "hd5");
	assert_int_equal(b.v[1].pathid, 1);
	assert_string_equal(b.v[2].blv, "bos_hd5");
	aixparse_bootlist_clear(&b);
	free(t);
	t = fixture("bootlist/plain_crlf.txt", &len);
	assert_int_equal(aixparse_bootlist(t, len, &b, &e), 0);
	assert_int_equal(b.n, 2);
	assert_null(b.v[0].blv);
	assert_int_equal(b.v[0].pathid, -1);
	assert_string_equal(b.v[1].device, "ent0");
	aixparse_bootlist_clear(&b);
	free(t);
}

/* ---- lppchk, instfix ---- */

static void test_lppchk_empty_is_consistent_and_problems_name_filesets(void **state)
{
	size_t len;
	char *t = fixture("lppchk/clean.txt", &len);
	struct aix_lppchk l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_lppchk(t, len, &l, &e), 0);
	assert_true(l.consistent);
	aixparse_lppchk_clear(&l);
	free(t);
	t = fixture("lppchk/problems.txt", &len);
	assert_int_equal(aixparse_lppchk(t, len, &l, &e), 0);
	assert_false(l.consistent);
	assert_int_equal(l.lines.n, 4);
	assert_int_equal(l.filesets.n, 2);
	assert_string_equal(l.filesets.v[0], "bos.rte.odm");
	assert_string_equal(l.filesets.v[1], "bos.net.tcp.client");
	aixparse_lppchk_clear(&l);
	free(t);
}

static void test_instfix_reads_ml_completeness(void **state)
{
	size_t len;
	char *t = fixture("instfix/ml.txt", &len);
	struct aix_instfix f;
	struct aix_level l;
	struct err e;

	(void)state;
	assert_int_equal(aixparse_instfix(t, len, &f, &e), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(f.v[3].keyword, "7300-03_AIX_ML");
	assert_false(f.v[3].all_found);
	assert_true(f.v[2].all_found);
	assert_int_equal(aixparse_instfix_highest_ml(&f, &l), 0);
	assert_int_equal(l.tl, 2);
	assert_int_equal(l.release, 3);
	aixparse_instfix_clear(&f);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsnim_lists_name_class_type),
		cmocka_unit_test(test_lsnim_tolerates_crlf_collapsed_spacing_and_blank_lines),
		cmocka_unit_test(test_lsnim_reports_the_nim_error),
		cmocka_unit_test(test_lsnim_long_reads_client_attributes),
		cmocka_unit_test(test_lsnim_long_reads_several_stanzas_with_unknown_attributes),
		cmocka_unit_test(test_lsnim_long_tolerates_crlf_tabs_and_spacing),
		cmocka_unit_test(test_lsnim_long_unknown_object_is_an_error),
		cmocka_unit_test(test_odmget_reads_tcb_state_unquoted),
		cmocka_unit_test(test_lslpp_l_merges_paths_and_wrapped_lines),
		cmocka_unit_test(test_lslpp_l_keeps_a_localized_state_word),
		cmocka_unit_test(test_lslpp_l_records_filesets_not_installed),
		cmocka_unit_test(test_lslpp_lc_reads_colon_rows_with_state_letters),
		cmocka_unit_test(test_showres_of_lpp_source_lists_available_filesets),
		cmocka_unit_test(test_showres_of_spot_reads_lslpp_L_table),
		cmocka_unit_test(test_nim_lslpp_error_is_reported),
		cmocka_unit_test(test_fileset_state_names_are_stable),
		cmocka_unit_test(test_installp_s_lists_applied_filesets),
		cmocka_unit_test(test_oslevel_reads_s_and_r),
		cmocka_unit_test(test_lsattr_reads_ncargs_and_settable),
		cmocka_unit_test(test_lspv_reads_pvid_vg_and_state),
		cmocka_unit_test(test_lsvg_reads_sizes_from_two_columns),
		cmocka_unit_test(test_lsvg_tolerates_collapsed_spacing_and_crlf),
		cmocka_unit_test(test_lsvg_unknown_labels_and_missing_megabytes),
		cmocka_unit_test(test_lsvg_varied_off_is_a_state_and_missing_vg_an_error),
		cmocka_unit_test(test_lsvg_names_one_per_line),
		cmocka_unit_test(test_lsvg_l_sees_mirrored_copies_and_mounts),
		cmocka_unit_test(test_lsvg_l_finds_multibos_lvs_in_crlf),
		cmocka_unit_test(test_lsvg_p_reads_pv_rows),
		cmocka_unit_test(test_disk_size_reads_bootinfo_and_getconf),
		cmocka_unit_test(test_prtconf_reads_processor_memory_and_firmware),
		cmocka_unit_test(test_bootlist_reads_devices_blv_and_pathid),
		cmocka_unit_test(test_lppchk_empty_is_consistent_and_problems_name_filesets),
		cmocka_unit_test(test_instfix_reads_ml_completeness),
	};
	return cmocka_run_group_tests_name("aixparse", tests, NULL, NULL);
}
