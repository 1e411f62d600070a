/* testsite.h: what the unit tests share: the source tree, and a site whose
 * "simulator" is a directory of the test's own fake commands, so a test can
 * drive the engine through scripted AIX commands without a lab file. */
#ifndef NIMADM_TESTSITE_H
#define NIMADM_TESTSITE_H

#include <stddef.h>

#include "engine.h"

/* $NIMADM_TUI_SRC (set by tests/run-tests.sh), else ".". */
const char *test_src_dir(void);

/* A site whose commands are found only in SIM_DIR/bin (its PATH), with its
 * state directory ROOT/state (created) and the lab state ROOT/labstate.
 * Owned: site_free(). */
struct site *test_fake_site(const char *sim_dir, const char *root);

/* The snapshot fixtures' fake AIX under ROOT: the directories DIRS, and
 * ROOT/bin/<cmd> linked to tests/fixtures/snapshot/fake.sh for every command
 * the snapshot, post-check and bundle code runs. Fails the test on error. */
void test_fake_aix(const char *root, const char *const *dirs, size_t ndirs);

/* The snapshot fixtures' fake AIX in a new directory $TMPDIR/PREFIX.XXXXXX
 * (*dir) with bin/, out/, hosts/ and state/, *fix the fixtures
 * (tests/fixtures/snapshot) and *site a fake site on it; FAKE_FIX, FAKE_DIR
 * and FAKE_STATE=before set for fake.sh. test_fake_aix_close() undoes it. */
void test_fake_aix_open(const char *prefix, char **dir, char **fix, struct site **site);
void test_fake_aix_close(char **dir, char **fix, struct site **site);

/* A lab site with its state in a new directory $TMPDIR/PREFIX.XXXXXX (*state):
 * LAB is a lab file under the source tree (NULL: the demo lab); with EXTRA, a
 * copy of it with EXTRA appended (faults, more hosts) is opened instead.
 * The simulator is $NIMADM_TUI_PROG's. Fails the test when it cannot open.
 * test_lab_close() frees the site and removes the state. */
struct site *test_lab_open(const char *lab, const char *extra, const char *prefix, char **state);
void test_lab_close(struct site **site, char **state);

/* Files for the tests; each fails the test on error. */
void test_write(const char *path, const char *data, size_t len);
void test_write_text(const char *path, const char *text);
/* The whole file, NUL-terminated (its length in *len when len is not NULL). */
char *test_read_whole(const char *path, size_t *len);
/* mkdir -p (existing directories are fine). */
void test_mkdirs(const char *path);
/* A new directory $TMPDIR/PREFIX.XXXXXX (/tmp without TMPDIR). Owned. */
char *test_tmpdir(const char *prefix);
/* Removes DIR and everything under it (rm -rf, without a shell). */
void test_rm_rf(const char *dir);

#endif
