/*
 * params.h: the nimadm parameters: every mode, every flag, their validation
 * and the exact argv. One data-driven table is the single source of truth
 * for the TUI dialogs, the CLI's `run` (and its dry run), F6 and the job
 * journal, so all of them accept and refuse the same input with the same
 * words and show the same command.
 *
 * Values are strings (booleans are "yes" or unset). Nothing here ever runs a
 * command or talks to a shell: the argv is handed to cmd_start() as is, and
 * every value is still filtered as if it could reach a shell line.
 */
#ifndef NIMADM_PARAMS_H
#define NIMADM_PARAMS_H

#include <stddef.h>

#include "util.h"

/*
 * The modes, one per nimadm invocation (shared/aix/FORMATS.md, "nimadm
 * synopses"). X(enum, name for humans/JSON/INI, menu title, phrase used in
 * messages, nimadm's mode flag or 0 when the mode follows from -T/-O).
 */
#define NIMADM_MODES(X)                                                                            \
	X(NIMADM_MIGRATE, "migrate", "Perform NIM Alternate Disk Migration", "a migration", 0)     \
	X(NIMADM_MKSYSB_TO_CLIENT, "mksysb-to-client",                                             \
	  "Migrate a NIM mksysb onto a Client's Disk", "an mksysb to client migration", 0)         \
	X(NIMADM_MKSYSB_TO_MKSYSB, "mksysb-to-mksysb", "Migrate a NIM mksysb to a new mksysb",     \
	  "an mksysb to mksysb migration", 0)                                                      \
	X(NIMADM_CLIENT_TO_MKSYSB, "client-to-mksysb",                                             \
	  "Migrate a Client's rootvg to a new mksysb", "a client to mksysb migration", 0)          \
	X(NIMADM_CLEANUP, "cleanup", "Clean up a failed Alternate Disk Migration", "a cleanup",    \
	  'C')                                                                                     \
	X(NIMADM_WAKEUP, "wakeup", "Wake up the Alternate Disk Migration Volume Group",            \
	  "a wake-up", 'W')                                                                        \
	X(NIMADM_SLEEP, "sleep", "Put the Alternate Disk Migration Volume Group to sleep",         \
	  "a put-to-sleep", 'S')                                                                   \
	X(NIMADM_SYNC, "sync", "Synchronize Alternate Disk Migration Software", "a software sync", \
	  'M')

enum nimadm_mode {
#define PARAMS_X_ENUM(e, name, title, phrase, flag) e,
	NIMADM_MODES(PARAMS_X_ENUM)
#undef PARAMS_X_ENUM
	    NIMADM_MODE_COUNT
};

/* "migrate", "mksysb-to-client", ...; NULL for an out-of-range mode. */
const char *params_mode_name(enum nimadm_mode m);
/* The menu title, e.g. "Perform NIM Alternate Disk Migration". */
const char *params_mode_title(enum nimadm_mode m);
/* The phrase used in messages, e.g. "a migration". */
const char *params_mode_phrase(enum nimadm_mode m);
/* nimadm's mode flag ('C', 'W', 'S', 'M') or 0 for the migration modes. */
char params_mode_flag(enum nimadm_mode m);
/* By name; 0 and *out set when found, -1 with e filled when not. */
int params_mode_find(const char *name, enum nimadm_mode *out, struct err *e);

/*
 * The fields, in the canonical argv order (nimadm's synopsis order: mode
 * flag, -T, -c, -O, -s, -l, -d, -j, -Y, -N, then the extras). X(enum, id).
 * The id is the stable key used in job.ini, by the TUI and the CLI, and the
 * help file help/fields/<id>.
 */
#define NIMADM_FIELDS(X)                         \
	X(PF_MKSYSB, "mksysb")                   \
	X(PF_CLIENT, "client")                   \
	X(PF_OUTPUT_FILE, "output_file")         \
	X(PF_SPOT, "spot")                       \
	X(PF_LPP_SOURCE, "lpp_source")           \
	X(PF_DISKS, "disks")                     \
	X(PF_SYNC_DEVICE, "sync_device")         \
	X(PF_CACHE_VG, "cache_vg")               \
	X(PF_ACCEPT_LICENSES, "accept_licenses") \
	X(PF_NEW_MKSYSB_NAME, "new_mksysb_name") \
	X(PF_TL_UPDATE, "tl_update")             \
	X(PF_PREMIG_SCRIPT, "premig_script")     \
	X(PF_BUNDLE, "bundle")                   \
	X(PF_POSTMIG_SCRIPT, "postmig_script")   \
	X(PF_EXCLUDE_FILES, "exclude_files")     \
	X(PF_IMAGE_DATA, "image_data")           \
	X(PF_NFS_MOUNT_OPTS, "nfs_mount_opts")   \
	X(PF_BOSINST_DATA, "bosinst_data")       \
	X(PF_PHASES, "phases")                   \
	X(PF_SYNC_PREVIEW, "sync_preview")       \
	X(PF_FORCE, "force")                     \
	X(PF_DEBUG, "debug")                     \
	X(PF_PAUSE, "pause")                     \
	X(PF_VERBOSE, "verbose")                 \
	X(PF_NO_BOOTLIST, "no_bootlist")         \
	X(PF_REBOOT, "reboot")

enum params_fid {
#define PARAMS_X_ENUM(e, id) e,
	NIMADM_FIELDS(PARAMS_X_ENUM)
#undef PARAMS_X_ENUM
	    PF_COUNT
};

/* What a field holds; decides its rule and, in the TUI, its pick list. */
enum params_kind {
	PARAMS_KIND_NIM_OBJECT, /* an existing NIM object of type nim_type */
	PARAMS_KIND_NIM_NEW,    /* the name of a NIM object to be created */
	PARAMS_KIND_DISKS,      /* one or more disk names, space separated */
	PARAMS_KIND_VG,         /* a volume group name on the NIM master */
	PARAMS_KIND_PATH,       /* an absolute path */
	PARAMS_KIND_DEVICE,     /* an absolute path (/dev/cd0, a directory) or a device name */
	PARAMS_KIND_MOUNT_OPTS, /* NFS mount options, comma separated */
	PARAMS_KIND_PHASES,     /* phase numbers 1-12 */
	PARAMS_KIND_BOOL,       /* "yes" or unset */
};

/* Bit of a mode in params_field.uses/.requires. */
#define PARAMS_MODE_BIT(m) (1u << (m))

/* One row of the field table. Static: valid for the life of the program. */
struct params_field {
	enum params_fid fid;
	const char *id;    /* stable key, see NIMADM_FIELDS */
	char flag;         /* nimadm's flag letter */
	const char *label; /* the dialog's label, smitty-style */
	const char *name;  /* the short name messages use, e.g. "Target Disk(s)" */
	const char *desc;  /* one line: what nimadm does with it */
	enum params_kind kind;
	const char *nim_type; /* NIM type for PARAMS_KIND_NIM_OBJECT (lsnim -t), else NULL */
	unsigned uses;        /* PARAMS_MODE_BIT()s of the modes that accept it */
	unsigned requires;    /* ... and of those that require it */
	size_t max_len;       /* longest accepted value in bytes */
	const char *help;     /* help file, relative to help/: "fields/<id>" */
};

size_t params_field_count(void);
/* The i-th field in canonical order, NULL past the end. */
const struct params_field *params_field_at(size_t i);
/* By id ("client"), NULL when unknown. */
const struct params_field *params_field_find(const char *id);
/* Whether a mode accepts / requires a field (by id); 0 for unknown ids. */
int params_mode_uses(enum nimadm_mode m, const char *field_id);
int params_mode_requires(enum nimadm_mode m, const char *field_id);

/*
 * A set of parameters: the mode and one value per field. values[] are owned
 * strings or NULL (unset). Use the functions below rather than writing
 * values[] directly, so booleans stay "yes"/NULL.
 */
struct nimadm_params {
	enum nimadm_mode mode;
	char *values[PF_COUNT];
};

/* A new, empty set for a mode. Owned: free with params_free(). */
struct nimadm_params *params_new(enum nimadm_mode m);
void params_free(struct nimadm_params **p);
/* An owned deep copy. */
struct nimadm_params *params_copy(const struct nimadm_params *p);
/* Unsets every value and sets the mode. */
void params_reset(struct nimadm_params *p, enum nimadm_mode m);

/*
 * Sets a field by id. Spaces around the value are dropped; NULL or "" unsets.
 * Booleans take yes/no/y/n/true/false/on/off/1/0 (any case) and refuse
 * anything else. Other values are stored as given and judged by
 * params_validate(), so a dialog can show every problem at once.
 * Returns 0, or -1 with e filled (e->field set) for an unknown id or a bad boolean.
 */
int params_set(struct nimadm_params *p, const char *id, const char *value, struct err *e);
/* The value of a field, "" when unset or unknown. Valid until it changes. */
const char *params_get(const struct nimadm_params *p, const char *id);
const char *params_value(const struct nimadm_params *p, enum params_fid fid);

/*
 * Sets a parameter the way nimadm reads its own flag, so the CLI can accept
 * nimadm's flags: 'C', 'W', 'S', 'M' select the mode (value ignored); flags
 * of booleans take NULL for "yes"; -T and -O make the mode follow nimadm's
 * rule (-T: mksysb to client, -T with -O: mksysb to mksysb, -O: client to
 * mksysb) while the mode is one of the four migration modes. -d and -P mean
 * sync_device and sync_preview in the sync mode (-M), disks and phases
 * otherwise: give the mode flag first. Returns 0 or -1 with e filled.
 */
int params_set_flag(struct nimadm_params *p, char flag, const char *value, struct err *e);

/*
 * Reads a whole nimadm command line (argv[0], the program, is skipped):
 * grouped flags (-YF), attached values (-cNAME), "--". The mode is found
 * first, so flag order does not matter. p is reset first. 0, or -1 with e.
 */
int params_from_argv(struct nimadm_params *p, int argc, const char *const *argv, struct err *e);

/* One validation problem: the field it is about and a message naming it. */
struct params_problem {
	const char *field; /* a field id (static), or NULL */
	char msg[256];
};
/* A list of problems. Zero-initialise; free with params_problems_free(). */
struct params_problems {
	struct params_problem *v;
	size_t n;
	size_t cap;
};
void params_problems_free(struct params_problems *pp);

/*
 * Checks everything at once and appends one problem per field at fault (and
 * one per broken rule between fields) to out (which may be NULL), in the
 * table's order. Returns the number of problems found; 0 means valid.
 */
size_t params_validate(const struct nimadm_params *p, struct params_problems *out);

/*
 * The exact argv: validated first (refused with the first problem in e, and
 * nothing pushed, when invalid), then "nimadm", the mode flag and the flags
 * in canonical order; a multi-value field is ONE element (-d "hdisk1 hdisk2").
 * Appends to argv. Returns 0 or -1.
 */
int params_argv(const struct nimadm_params *p, struct strv *argv, struct err *e);

/*
 * The argv of one phase of a phased run (step mode, resume at a phase): as
 * params_argv() with the phases replaced by this one (1-12), so -P keeps its
 * canonical place. Refused in modes without phases. Returns 0 or -1.
 */
int params_argv_phase(const struct nimadm_params *p, int phase, struct strv *argv, struct err *e);

/*
 * The human-readable command line for F6, the journal and the CLI's dry run:
 * params_argv() joined and quoted as a POSIX shell would need it
 * (nimadm -c aixdb01 -d "hdisk1 hdisk2" -Y). Owned string, or NULL with e.
 */
char *params_command_line(const struct nimadm_params *p, struct err *e);
/* The same quoting for any argv (a stored one): bare when safe, else
 * double quotes, else single quotes. For display only. Owned, never NULL. */
char *params_argv_to_line(const char *const *argv);

/*
 * job.ini: the parameters as a [params] section of `key = value` lines, the
 * mode first, then every set field in canonical order. Values longer than a
 * line are continued on indented lines starting with '>' (inih's multi-line
 * syntax). Refuses (-1, e->field set) values that cannot be written back
 * exactly (control characters, " ;"); valid parameters always can.
 */
int params_ini_write(const struct nimadm_params *p, struct strbuf *out, struct err *e);
/* Writes a file holding only the [params] section, atomically (temp + rename). */
int params_save_ini(const struct nimadm_params *p, const char *path, struct err *e);
/*
 * Reads the [params] section of an INI text or file (other sections are
 * ignored, so a whole job.ini can be given) with inih. p is reset first.
 * Unknown keys, a missing mode or a bad boolean are errors naming the line.
 */
int params_load_ini_string(struct nimadm_params *p, const char *text, struct err *e);
int params_load_ini(struct nimadm_params *p, const char *path, struct err *e);

#endif
