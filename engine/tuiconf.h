/*
 * tuiconf.h: the TUI's settings that outlive a session, kept in
 * <state dir>/tui.ini (an INI file read with inih, replaced atomically), so
 * the next session, or another operator's TUI on the same master, starts
 * with them. Today one setting: the monitor's stall warning, set with the
 * monitor's `s` key or `nimadm-tui --stall MINUTES`.
 */
#ifndef NIMADM_TUICONF_H
#define NIMADM_TUICONF_H

#include "util.h"

/* The stall warning's range in minutes; 0 turns it off. */
#define TUICONF_STALL_MAX_MIN (7 * 24 * 60)

struct tuiconf {
	long stall_min; /* minutes, 0 off; -1: not set */
};

/* Reads a stall time in minutes ("30", "0") into *minutes. On anything else
 * (empty, signs, units, out of range) fills e naming `what` (the option or
 * field: "--stall", "Stall warning") and returns -1. */
int tuiconf_parse_stall(const char *what, const char *text, long *minutes, struct err *e);

/* Reads <state_dir>/tui.ini into c; a missing file leaves every setting
 * unset (-1) and is not an error. A file that does not parse, or a value out
 * of range, fills e (with the file and line) and returns -1; c then holds
 * what was read before it. */
int tuiconf_load(const char *state_dir, struct tuiconf *c, struct err *e);
/* Writes c to <state_dir>/tui.ini (settings that are unset are left out),
 * replacing the file atomically. Returns 0, or -1 with e. */
int tuiconf_save(const char *state_dir, const struct tuiconf *c, struct err *e);

#endif
