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

#endif
