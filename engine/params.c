/*
 * params.c: the nimadm modes and the field table (what each flag means, who
 * uses it, how the dialogs label it), and setting values by field id or by
 * nimadm's own flags. Validation and the argv live in params_check.c, the
 * job.ini form in params_ini.c.
 *
 * Sources for the table: IBM's nimadm synopses (AIX 7.2/7.3 "nimadm Command"
 * and "Alternate disk migration installation usage"), copied into
 * shared/aix/FORMATS.md. What the flags mean, as far as it could be checked:
 *  -c NIM client, -s SPOT, -l lpp_source, -d target disks (with -M: the device
 *     or directory holding the software), -T NIM mksysb resource to migrate,
 *     -O the migrated mksysb file to write, -N NIM mksysb resource to define
 *     for it, -j the master's VG for local disk caching (required with -T/-O),
 *     -Y accept licenses, -U (AIX 7.3 TL3+) a TL/SP update instead of a
 *     release migration, -a/-z pre/post-migration NIM script resources,
 *     -b installp_bundle, -e exclude_files, -i image_data, -o bosinst_data,
 *     -m NFS mount options, -P the phase(s) to run, -B leave the bootlist,
 *     -r reboot when done, -C cleanup, -W wake up, -S put to sleep,
 *     -M synchronize the alt_disk_install software.
 *  -D debug output, -E pause at key points, -F force, -V verbose output, and
 *     -P without a value in the -M synopsis (taken here as "preview"): the
 *     flag descriptions could not be retrieved from the searchable IBM pages
 *     (only the synopses were); these four meanings are from IBM's man page
 *     as remembered, not re-checked. The 7.3 TL3 synopsis also has an -A flag
 *     whose meaning could not be found; it is not offered.
 *  -U: the 7.3 synopsis lists it for migrate, mksysb to client and mksysb to
 *     mksysb (not for client to mksysb); the table follows IBM there.
 *  Volume group names: up to 15 characters (AIX smit LVM help); letters,
 *     digits, _ . - are accepted, first a letter or digit.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

/* --- modes ------------------------------------------------------------------ */

struct mode_def {
	const char *name;
	const char *title;
	const char *phrase;
	char flag;
};

static const struct mode_def mode_defs[NIMADM_MODE_COUNT] = {
#define PARAMS_X_MODE(e, name, title, phrase, flag) { name, title, phrase, flag },
	NIMADM_MODES(PARAMS_X_MODE)
#undef PARAMS_X_MODE
};

static int mode_ok(enum nimadm_mode m)
{
	return (int)m >= 0 && m < NIMADM_MODE_COUNT;
}

const char *params_mode_name(enum nimadm_mode m)
{
	return mode_ok(m) ? mode_defs[m].name : NULL;
}

const char *params_mode_title(enum nimadm_mode m)
{
	return mode_ok(m) ? mode_defs[m].title : NULL;
}

const char *params_mode_phrase(enum nimadm_mode m)
{
	return mode_ok(m) ? mode_defs[m].phrase : NULL;
}

char params_mode_flag(enum nimadm_mode m)
{
	return mode_ok(m) ? mode_defs[m].flag : 0;
}

int params_mode_find(const char *name, enum nimadm_mode *out, struct err *e)
{
	for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
		if (name != NULL && strcmp(name, mode_defs[m].name) == 0) {
			*out = (enum nimadm_mode)m;
			return 0;
		}
	}
	err_set_field(e, "mode",
	              "Mode: not a nimadm mode (migrate, mksysb-to-client, mksysb-to-mksysb, "
	              "client-to-mksysb, cleanup, wakeup, sleep, sync)");
	return -1;
}

/* --- the field table ---------------------------------------------------------- */

#define B_MIG   PARAMS_MODE_BIT(NIMADM_MIGRATE)
#define B_M2C   PARAMS_MODE_BIT(NIMADM_MKSYSB_TO_CLIENT)
#define B_M2M   PARAMS_MODE_BIT(NIMADM_MKSYSB_TO_MKSYSB)
#define B_C2M   PARAMS_MODE_BIT(NIMADM_CLIENT_TO_MKSYSB)
#define B_CLEAN PARAMS_MODE_BIT(NIMADM_CLEANUP)
#define B_WAKE  PARAMS_MODE_BIT(NIMADM_WAKEUP)
#define B_SLEEP PARAMS_MODE_BIT(NIMADM_SLEEP)
#define B_SYNC  PARAMS_MODE_BIT(NIMADM_SYNC)
/* The four modes that migrate something. */
#define B_MIGRATIONS (B_MIG | B_M2C | B_M2M | B_C2M)
#define B_ALL        (B_MIGRATIONS | B_CLEAN | B_WAKE | B_SLEEP | B_SYNC)

/* smit's NIM help: a name "cannot have more than 39 characters, and it cannot
 * consist of any shell, file system, or regular expression meta characters". */
#define NIM_NAME_MAX 39
/* Up to 8 disks of up to 15 characters, one space between them. */
#define DISKS_MAX    (8 * 15 + 7)
#define PATH_MAX_LEN 1023

#define FIELD(e, idstr, fl, lab, nm, ds, kd, nt, us, rq, mx)                             \
	{                                                                                \
		.fid = e, .id = idstr, .flag = fl, .label = lab, .name = nm, .desc = ds, \
		.kind = kd, .nim_type = nt, .uses = us, .requires = rq, .max_len = mx,   \
		.help = "fields/" idstr                                                  \
	}

static const struct params_field fields[PF_COUNT] = {
	FIELD(PF_MKSYSB, "mksysb", 'T', "NIM MKSYSB resource to migrate", "Source mksysb",
	      "The NIM mksysb resource whose image is migrated (-T).", PARAMS_KIND_NIM_OBJECT,
	      "mksysb", B_M2C | B_M2M, B_M2C | B_M2M, NIM_NAME_MAX),
	FIELD(PF_CLIENT, "client", 'c', "Target NIM Client", "Target NIM Client",
	      "The NIM standalone client whose rootvg is cloned and migrated (-c).",
	      PARAMS_KIND_NIM_OBJECT, "standalone",
	      B_MIG | B_M2C | B_C2M | B_CLEAN | B_WAKE | B_SLEEP,
	      B_MIG | B_M2C | B_C2M | B_CLEAN | B_WAKE | B_SLEEP, NIM_NAME_MAX),
	FIELD(PF_OUTPUT_FILE, "output_file", 'O', "Migrated mksysb file (full path)",
	      "Output mksysb file", "The mksysb file written from the migrated image (-O).",
	      PARAMS_KIND_PATH, NULL, B_M2M | B_C2M, B_M2M | B_C2M, PATH_MAX_LEN),
	FIELD(PF_SPOT, "spot", 's', "NIM SPOT resource", "NIM SPOT resource",
	      "The SPOT at the target level, used on the master (-s).", PARAMS_KIND_NIM_OBJECT,
	      "spot", B_ALL, B_ALL, NIM_NAME_MAX),
	FIELD(PF_LPP_SOURCE, "lpp_source", 'l', "NIM LPP_SOURCE resource",
	      "NIM LPP_SOURCE resource", "The lpp_source at the target level (-l).",
	      PARAMS_KIND_NIM_OBJECT, "lpp_source", B_MIGRATIONS | B_SYNC, B_MIGRATIONS | B_SYNC,
	      NIM_NAME_MAX),
	FIELD(PF_DISKS, "disks", 'd', "Target Disk(s) to install", "Target Disk(s)",
	      "The client's free disk(s) that receive altinst_rootvg (-d), one argument.",
	      PARAMS_KIND_DISKS, NULL, B_MIG | B_M2C | B_WAKE, B_MIG | B_M2C | B_WAKE, DISKS_MAX),
	FIELD(PF_SYNC_DEVICE, "sync_device", 'd', "Device or directory with the software",
	      "Software source", "Where -M takes the alt_disk_install software from (-d).",
	      PARAMS_KIND_DEVICE, NULL, B_SYNC, 0, PATH_MAX_LEN),
	FIELD(PF_CACHE_VG, "cache_vg", 'j', "Cache Volume Group (local disk caching)",
	      "Cache Volume Group", "The master's volume group for local disk caching (-j).",
	      PARAMS_KIND_VG, NULL, B_MIGRATIONS, B_M2C | B_M2M | B_C2M, 15),
	FIELD(PF_ACCEPT_LICENSES, "accept_licenses", 'Y', "ACCEPT new license agreements?",
	      "Accept licenses", "Agree to the software license agreements (-Y).", PARAMS_KIND_BOOL,
	      NULL, B_MIGRATIONS, B_M2C | B_M2M | B_C2M, 3),
	FIELD(PF_NEW_MKSYSB_NAME, "new_mksysb_name", 'N', "NEW NIM MKSYSB resource name",
	      "New mksysb resource name",
	      "Define the written mksysb file as this NIM resource (-N).", PARAMS_KIND_NIM_NEW,
	      NULL, B_M2M | B_C2M, 0, NIM_NAME_MAX),
	FIELD(PF_TL_UPDATE, "tl_update", 'U', "TL/SP update instead of a migration? (7.3 TL3+)",
	      "TL/SP update",
	      "Update to a technology level or service pack, not a new release (-U, AIX 7.3 TL3+).",
	      PARAMS_KIND_BOOL, NULL, B_MIG | B_M2C | B_M2M, 0, 3),
	FIELD(PF_PREMIG_SCRIPT, "premig_script", 'a', "Pre-migration NIM SCRIPT resource",
	      "Pre-migration script", "A NIM script resource run in phase 4 (-a).",
	      PARAMS_KIND_NIM_OBJECT, "script", B_MIGRATIONS, 0, NIM_NAME_MAX),
	FIELD(PF_BUNDLE, "bundle", 'b', "NIM INSTALLP_BUNDLE resource", "installp bundle",
	      "Extra software installed with the migration (-b).", PARAMS_KIND_NIM_OBJECT,
	      "installp_bundle", B_MIGRATIONS, 0, NIM_NAME_MAX),
	FIELD(PF_POSTMIG_SCRIPT, "postmig_script", 'z', "Post-migration NIM SCRIPT resource",
	      "Post-migration script", "A NIM script resource run in phase 7 (-z).",
	      PARAMS_KIND_NIM_OBJECT, "script", B_MIGRATIONS | B_WAKE, 0, NIM_NAME_MAX),
	FIELD(PF_EXCLUDE_FILES, "exclude_files", 'e', "NIM EXCLUDE_FILES resource", "Exclude files",
	      "Files left out of the copy of rootvg (-e).", PARAMS_KIND_NIM_OBJECT, "exclude_files",
	      B_MIG | B_C2M, 0, NIM_NAME_MAX),
	FIELD(PF_IMAGE_DATA, "image_data", 'i', "NIM IMAGE_DATA resource", "Image data",
	      "The image.data used for the new rootvg (-i).", PARAMS_KIND_NIM_OBJECT, "image_data",
	      B_MIGRATIONS, 0, NIM_NAME_MAX),
	FIELD(PF_NFS_MOUNT_OPTS, "nfs_mount_opts", 'm', "NFS mounting options", "NFS mount options",
	      "Options for the master's NFS mounts of the client (-m).", PARAMS_KIND_MOUNT_OPTS,
	      NULL, B_MIGRATIONS | B_WAKE, 0, 255),
	FIELD(PF_BOSINST_DATA, "bosinst_data", 'o', "NIM BOSINST_DATA resource", "BOS install data",
	      "The bosinst.data used by the migration (-o).", PARAMS_KIND_NIM_OBJECT,
	      "bosinst_data", B_MIGRATIONS, 0, NIM_NAME_MAX),
	FIELD(PF_PHASES, "phases", 'P', "Phase(s) to execute (blank: all)", "Phases",
	      "Run only these of the 12 phases (-P).", PARAMS_KIND_PHASES, NULL, B_MIGRATIONS, 0,
	      64),
	FIELD(PF_SYNC_PREVIEW, "sync_preview", 'P', "PREVIEW only?", "Preview only",
	      "Show what -M would install without installing it (-P).", PARAMS_KIND_BOOL, NULL,
	      B_SYNC, 0, 3),
	FIELD(PF_FORCE, "force", 'F', "Force?", "Force", "Override nimadm's safety checks (-F).",
	      PARAMS_KIND_BOOL, NULL, B_ALL, 0, 3),
	FIELD(PF_DEBUG, "debug", 'D', "Debug output?", "Debug output",
	      "Trace nimadm's own commands (-D).", PARAMS_KIND_BOOL, NULL, B_ALL & ~B_SYNC, 0, 3),
	FIELD(PF_PAUSE, "pause", 'E', "Pause at key points?", "Pause at key points",
	      "Stop at key points and wait for Enter (-E).", PARAMS_KIND_BOOL, NULL,
	      B_ALL & ~B_SYNC, 0, 3),
	FIELD(PF_VERBOSE, "verbose", 'V', "Verbose output?", "Verbose output",
	      "Show the commands nimadm runs on the client (-V).", PARAMS_KIND_BOOL, NULL,
	      B_MIGRATIONS, 0, 3),
	FIELD(PF_NO_BOOTLIST, "no_bootlist", 'B', "Leave the Client's bootlist unchanged?",
	      "Leave bootlist alone", "Do not set the bootlist to the new disk (-B); excludes -r.",
	      PARAMS_KIND_BOOL, NULL, B_MIG | B_M2C, 0, 3),
	FIELD(PF_REBOOT, "reboot", 'r', "Reboot NIM Client when complete?", "Reboot when done",
	      "Reboot the client onto the new disk when done (-r); excludes -B.", PARAMS_KIND_BOOL,
	      NULL, B_MIG | B_M2C, 0, 3),
};

size_t params_field_count(void)
{
	return PF_COUNT;
}

const struct params_field *params_field_at(size_t i)
{
	return i < PF_COUNT ? &fields[i] : NULL;
}

const struct params_field *params_field_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < PF_COUNT; i++) {
		if (strcmp(fields[i].id, id) == 0)
			return &fields[i];
	}
	return NULL;
}

int params_mode_uses(enum nimadm_mode m, const char *field_id)
{
	const struct params_field *f = params_field_find(field_id);

	return f != NULL && mode_ok(m) && (f->uses & PARAMS_MODE_BIT(m)) != 0;
}

int params_mode_requires(enum nimadm_mode m, const char *field_id)
{
	const struct params_field *f = params_field_find(field_id);

	return f != NULL && mode_ok(m) && (f->requires & PARAMS_MODE_BIT(m)) != 0;
}

/* --- the parameter set -------------------------------------------------------- */

struct nimadm_params *params_new(enum nimadm_mode m)
{
	struct nimadm_params *p = xcalloc(1, sizeof *p);

	p->mode = m;
	return p;
}

void params_reset(struct nimadm_params *p, enum nimadm_mode m)
{
	for (size_t i = 0; i < PF_COUNT; i++) {
		free(p->values[i]);
		p->values[i] = NULL;
	}
	p->mode = m;
}

void params_free(struct nimadm_params **p)
{
	if (p == NULL || *p == NULL)
		return;
	params_reset(*p, NIMADM_MIGRATE);
	free(*p);
	*p = NULL;
}

struct nimadm_params *params_copy(const struct nimadm_params *p)
{
	struct nimadm_params *c = params_new(p->mode);

	for (size_t i = 0; i < PF_COUNT; i++)
		c->values[i] = p->values[i] != NULL ? xstrdup(p->values[i]) : NULL;
	return c;
}

const char *params_value(const struct nimadm_params *p, enum params_fid fid)
{
	if ((int)fid < 0 || fid >= PF_COUNT || p->values[fid] == NULL)
		return "";
	return p->values[fid];
}

const char *params_get(const struct nimadm_params *p, const char *id)
{
	const struct params_field *f = params_field_find(id);

	return f != NULL ? params_value(p, f->fid) : "";
}

/* Parses a yes/no word: 1 yes, 0 no, -1 neither. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "y", "true", "on", "1" };
	static const char *const no[] = { "no", "n", "false", "off", "0" };
	char low[8];
	size_t n = strlen(s);

	if (n >= sizeof low)
		return -1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcmp(low, yes[i]) == 0)
			return 1;
		if (strcmp(low, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Stores a value (spaces around it dropped) or unsets the field. */
static int field_store(struct nimadm_params *p, const struct params_field *f, const char *value,
                       struct err *e)
{
	const char *start = value != NULL ? value : "";
	size_t len;

	while (*start == ' ')
		start++;
	len = strlen(start);
	while (len > 0 && start[len - 1] == ' ')
		len--;
	if (f->kind == PARAMS_KIND_BOOL && len > 0) {
		char *word = xstrndup(start, len);
		int b = parse_bool(word);

		free(word);
		if (b < 0) {
			err_set_field(e, f->id, "%s: not yes or no", f->name);
			return -1;
		}
		len = b ? 3 : 0;
		start = "yes";
	}
	free(p->values[f->fid]);
	p->values[f->fid] = len > 0 ? xstrndup(start, len) : NULL;
	return 0;
}

/* Text safe to quote in a message: printable ASCII kept, the rest as \xNN. */
static void message_safe(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	for (const unsigned char *s = (const unsigned char *)src; *s != '\0' && o + 5 < size; s++) {
		if (*s >= 0x20 && *s < 0x7f)
			dst[o++] = (char)*s;
		else
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", *s);
	}
	if (size > 0)
		dst[o < size ? o : size - 1] = '\0';
}

int params_set(struct nimadm_params *p, const char *id, const char *value, struct err *e)
{
	const struct params_field *f = params_field_find(id);

	if (f == NULL) {
		char safe[64];

		message_safe(safe, sizeof safe, id != NULL ? id : "");
		err_set(e, "unknown parameter \"%s\"", safe);
		return -1;
	}
	return field_store(p, f, value, e);
}

/* The field a flag letter means in mode m (-d and -P depend on it), or NULL. */
static const struct params_field *field_for_flag(enum nimadm_mode m, char flag)
{
	const struct params_field *first = NULL;

	for (size_t i = 0; i < PF_COUNT; i++) {
		if (fields[i].flag != flag)
			continue;
		if (mode_ok(m) && (fields[i].uses & PARAMS_MODE_BIT(m)) != 0)
			return &fields[i];
		if (first == NULL)
			first = &fields[i];
	}
	return first;
}

static int is_migration(enum nimadm_mode m)
{
	return m == NIMADM_MIGRATE || m == NIMADM_MKSYSB_TO_CLIENT ||
	       m == NIMADM_MKSYSB_TO_MKSYSB || m == NIMADM_CLIENT_TO_MKSYSB;
}

/* nimadm's rule: -T and -O pick the kind of migration. */
static void derive_migration_mode(struct nimadm_params *p)
{
	int t = p->values[PF_MKSYSB] != NULL, o = p->values[PF_OUTPUT_FILE] != NULL;

	if (!is_migration(p->mode))
		return;
	if (t)
		p->mode = o ? NIMADM_MKSYSB_TO_MKSYSB : NIMADM_MKSYSB_TO_CLIENT;
	else
		p->mode = o ? NIMADM_CLIENT_TO_MKSYSB : NIMADM_MIGRATE;
}

static int mode_for_flag(char flag, enum nimadm_mode *out)
{
	for (int m = 0; m < NIMADM_MODE_COUNT; m++) {
		if (mode_defs[m].flag != 0 && mode_defs[m].flag == flag) {
			*out = (enum nimadm_mode)m;
			return 1;
		}
	}
	return 0;
}

int params_set_flag(struct nimadm_params *p, char flag, const char *value, struct err *e)
{
	enum nimadm_mode m;
	const struct params_field *f;

	if (mode_for_flag(flag, &m)) {
		p->mode = m;
		return 0;
	}
	f = field_for_flag(p->mode, flag);
	if (f == NULL) {
		if (flag > 0x20 && flag < 0x7f)
			err_set(e, "nimadm has no -%c flag", flag);
		else
			err_set(e, "nimadm has no such flag (0x%02x)", (unsigned char)flag);
		return -1;
	}
	if (field_store(p, f, f->kind == PARAMS_KIND_BOOL && value == NULL ? "yes" : value, e) < 0)
		return -1;
	if (f->fid == PF_MKSYSB || f->fid == PF_OUTPUT_FILE)
		derive_migration_mode(p);
	return 0;
}

/* Whether flag takes a value in mode m. */
static int flag_takes_value(enum nimadm_mode m, char flag)
{
	enum nimadm_mode ignored;
	const struct params_field *f;

	if (mode_for_flag(flag, &ignored))
		return 0;
	f = field_for_flag(m, flag);
	return f != NULL && f->kind != PARAMS_KIND_BOOL;
}

/* The mode flag of a command line, if any: scans clusters of value-less flags. */
static int argv_find_mode(int argc, const char *const *argv, enum nimadm_mode *out)
{
	int found = 0;

	for (int i = 1; i < argc && argv[i] != NULL; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0')
			continue;
		for (const char *c = a + 1; *c != '\0'; c++) {
			enum nimadm_mode m;

			if (mode_for_flag(*c, &m)) {
				*out = m;
				found = 1;
				continue;
			}
			/* -P takes no value only in sync; assume it does here. */
			if (flag_takes_value(NIMADM_MIGRATE, *c)) {
				if (c[1] == '\0')
					i++;
				break;
			}
		}
	}
	return found;
}

int params_from_argv(struct nimadm_params *p, int argc, const char *const *argv, struct err *e)
{
	enum nimadm_mode mode = NIMADM_MIGRATE;
	int i;

	argv_find_mode(argc, argv, &mode);
	params_reset(p, mode);
	for (i = 1; i < argc && argv[i] != NULL; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		for (const char *c = a + 1; *c != '\0'; c++) {
			const char *value = NULL;

			if (flag_takes_value(p->mode, *c)) {
				if (c[1] != '\0') {
					value = c + 1;
				} else if (i + 1 < argc && argv[i + 1] != NULL) {
					value = argv[++i];
				} else {
					err_set(e, "nimadm's -%c flag needs a value", *c);
					return -1;
				}
			}
			if (params_set_flag(p, *c, value, e) < 0)
				return -1;
			if (value != NULL)
				break;
		}
	}
	if (i < argc && argv[i] != NULL) {
		char safe[64];

		message_safe(safe, sizeof safe, argv[i]);
		err_set(e, "unexpected argument \"%s\" (nimadm takes only flags)", safe);
		return -1;
	}
	return 0;
}
