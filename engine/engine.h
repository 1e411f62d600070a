/*
 * engine.h: the one public header of libengine, the domain of nimadm-tui.
 * Everything outside engine/ includes only this. The engine never includes
 * curses and never prints: it reports through callbacks and struct err.
 */
#ifndef NIMADM_ENGINE_H
#define NIMADM_ENGINE_H

#include "util.h"
#include "cmd.h"
#include "help.h"
#include "site.h"
/* modules: one line each, keep sorted */
#include "aixparse.h"
#include "bundle.h"
#include "check.h"
#include "compare.h"
#include "inventory.h"
#include "job.h"
#include "jobact.h"
#include "jobtail.h"
#include "kb.h"
#include "level.h"
#include "logdoc.h"
#include "logread.h"
#include "nfsprobe.h"
#include "params.h"
#include "phase.h"
#include "postcheck.h"
#include "prepare.h"
#include "snapshot.h"
#include "tuiconf.h"

#endif
