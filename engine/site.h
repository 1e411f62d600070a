/*
 * site.h: the world the engine talks to: the NIM master (this machine, or a
 * lab run by the simulator), the command set every command runs in, and the
 * state directory. In a lab only PATH and NIMSIM_LAB differ from a real site.
 */
#ifndef NIMADM_SITE_H
#define NIMADM_SITE_H

#include "cmd.h"
#include "util.h"

struct site_opts {
	const char *argv0;     /* locates the simulator beside the program */
	const char *lab;       /* a lab file, or NULL */
	int demo;              /* the built-in demo lab */
	const char *state_dir; /* --state-dir, or NULL for the default */
};

struct site {
	struct cmdset *set;
	struct host *master;
	char *lab;       /* absolute path of the lab file; NULL on a real master */
	char *sim_dir;   /* the simulator's directory (bin/, labs/); NULL if not found */
	char *state_dir; /* jobs/, locks/, labs/ live here */
	char *lab_state; /* the simulator's mutable state for this lab */
};

/* Opens the site; on a lab, checks the lab file with `nimsim validate`. */
struct site *site_open(const struct site_opts *o, struct err *e);
void site_free(struct site **s);
/* A new command set with the site's environment (PATH, the lab's variables). */
struct cmdset *site_new_cmdset(const struct site *s);

/* The default state directory: $NIMADM_TUI_STATE_DIR, else /var/adm/ras/nimadm-tui
 * for root on a real master, else $XDG_STATE_HOME/nimadm-tui (~/.local/state). Owned. */
char *site_default_state_dir(int lab);
/* The simulator's directory, searched beside argv0 and in LIBEXECDIR. Owned or NULL. */
char *site_find_sim_dir(const char *argv0);
/* mkdir -p with mode 0755 (0700 for the last component when private). */
int site_mkdirs(const char *path, int private_leaf, struct err *e);
/* Resets a lab's mutable state (the simulator forgets every change). */
int site_lab_reset(struct site *s, struct err *e);

#endif
