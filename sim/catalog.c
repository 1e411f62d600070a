/* catalog.c: built-in AIX facts the lab file need not repeat: base filesets, sys0 attributes,
 * the standard rootvg logical volumes, and level arithmetic. */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U   SIM_PART_USR
#define R   SIM_PART_ROOT
#define C   SIM_SET_CLIENT
#define M   SIM_SET_MASTER
#define S   SIM_SET_SPOT
#define L   SIM_SET_LPP
#define ALL (C | M | S | L)

/* A representative part of what an AIX 7 system carries; NULL level = the OS level. */
const struct sim_cat_fileset sim_cat_filesets[] = {
	{ "Java8_64.jre", "8.0.0.826", U, C | M | L, "Java SDK 64-bit Java Runtime Environment" },
	{ "X11.base.rte", NULL, U | R, C | M | S | L, "AIXwindows Runtime Environment" },
	{ "bos.64bit", NULL, U | R, ALL, "Base Operating System 64 bit Runtime" },
	{ "bos.acct", NULL, U | R, ALL, "Accounting Services" },
	{ "bos.adt.base", NULL, U, C | M | L, "Base Application Development Toolkit" },
	{ "bos.adt.libm", NULL, U, C | M | L, "Base Application Development Math Library" },
	{ "bos.alt_disk_install.boot_images", NULL, U, C | M | S | L,
	  "Alternate Disk Installation Disk Boot Images" },
	{ "bos.alt_disk_install.rte", NULL, U | R, ALL, "Alternate Disk Installation Runtime" },
	{ "bos.diag.rte", NULL, U | R, ALL, "Hardware Diagnostics" },
	{ "bos.loc.utf.EN_US", NULL, U, ALL, "Base System Locale UTF Code Set - U. S. English" },
	{ "bos.mp64", NULL, U | R, ALL, "Base Operating System 64-bit Multiprocessor Runtime" },
	{ "bos.net.nfs.client", NULL, U | R, ALL, "Network File System Client" },
	{ "bos.net.nfs.server", NULL, U | R, M | L, "Network File System Server" },
	{ "bos.net.nis.client", NULL, U | R, C | S | L, "Network Information Service Client" },
	{ "bos.net.tcp.client", NULL, U | R, ALL, "TCP/IP Client Support" },
	{ "bos.net.tcp.server", NULL, U | R, ALL, "TCP/IP Server" },
	{ "bos.perf.tools", NULL, U | R, C | M | L, "Base Performance Tools" },
	{ "bos.rte", NULL, U | R, ALL, "Base Operating System Runtime" },
	{ "bos.rte.boot", NULL, U | R, ALL, "Boot Commands" },
	{ "bos.rte.install", NULL, U | R, ALL, "LPP Install Commands" },
	{ "bos.rte.libc", NULL, U, ALL, "libc Library" },
	{ "bos.rte.lvm", NULL, U | R, ALL, "Logical Volume Manager" },
	{ "bos.rte.security", NULL, U | R, ALL, "Base Security Function" },
	{ "bos.sysmgt.nim.client", NULL, U | R, ALL, "Network Install Manager - Client Tools" },
	{ "bos.sysmgt.nim.master", NULL, U | R, M | L, "Network Install Manager - Master Tools" },
	{ "bos.sysmgt.nim.spot", NULL, U, M | L, "Network Install Manager - SPOT" },
	{ "bos.sysmgt.smit", NULL, U, ALL, "System Management Interface Tool (SMIT)" },
	{ "bos.sysmgt.sysbr", NULL, U | R, ALL, "System Backup and BOS Install Utilities" },
	{ "bos.sysmgt.trace", NULL, U | R, ALL, "Software Trace Service Aids" },
	{ "devices.common.IBM.fc.rte", NULL, U | R, ALL, "Common IBM FC Software" },
	{ "devices.vdevice.IBM.vscsi.rte", NULL, U | R, ALL, "Virtual SCSI Client Support" },
	{ "openssh.base.client", "9.2.112.2400", U | R, C | M | L, "Open Secure Shell Commands" },
	{ "openssh.base.server", "9.2.112.2400", U | R, C | M | L, "Open Secure Shell Server" },
	{ "perl.rte", "5.34.1.6", U, ALL, "Perl Version 5 Runtime Environment" },
	{ "rsct.core.rmc", "3.3.2.0", U | R, C | M | L, "RSCT Resource Monitoring and Control" },
	{ "xlC.rte", "16.1.0.10", U, ALL, "IBM XL C++ Runtime for AIX" },
};
const size_t sim_cat_nfilesets = ARRAY_LEN(sim_cat_filesets);

/* Descriptions of filesets a lab may add without one. */
static const struct {
	const char *name, *desc;
} extra_desc[] = {
	{ "sysmgt.websm.webaccess", "Web-based System Manager Client Apps" },
	{ "sysmgt.websm.framework", "Web-based System Manager Client/Server Support" },
	{ "sysmgt.websm.rte", "Web-based System Manager Runtime Environment" },
	{ "bos.mls.rte", "Trusted AIX Commands" },
	{ "bos.cluster.rte", "Cluster Aware AIX" },
	{ "bos.content_list", "AIX Release Content List" },
};

const char *sim_cat_desc(const char *name)
{
	for (size_t i = 0; i < sim_cat_nfilesets; i++)
		if (strcmp(sim_cat_filesets[i].name, name) == 0)
			return sim_cat_filesets[i].desc;
	for (size_t i = 0; i < ARRAY_LEN(extra_desc); i++)
		if (strcmp(extra_desc[i].name, name) == 0)
			return extra_desc[i].desc;
	return NULL;
}

/* lsattr -El sys0 on AIX 7; NULL values come from the host. */
const struct sim_cat_attr sim_cat_sys0[] = {
	{ "SW_dist_intr", "false", "Enable SW distribution of interrupts", "True" },
	{ "autorestart", "true", "Automatically REBOOT OS after a crash", "True" },
	{ "boottype", "disk", "N/A", "False" },
	{ "capacity_inc", "1.00", "Processor capacity increment", "False" },
	{ "capped", "true", "Partition is capped", "False" },
	{ "conslogin", "enable", "System Console Login", "False" },
	{ "cpuguard", "enable", "CPU Guard", "True" },
	{ "dedicated", "true", "Partition is dedicated", "False" },
	{ "enhanced_RBAC", "true", "Enhanced RBAC Mode", "True" },
	{ "ent_capacity", NULL, "Entitled processor capacity", "False" },
	{ "frequency", "6400000000", "System Bus Frequency", "False" },
	{ "fullcore", "false", "Enable full CORE dump", "True" },
	{ "fwversion", NULL, "Firmware version and revision levels", "False" },
	{ "ghostdev", "0", "Recreate devices in ODM on system change", "True" },
	{ "id_to_partition", NULL, "Partition ID", "False" },
	{ "id_to_system", NULL, "System ID", "False" },
	{ "iostat", "false", "Continuously maintain DISK I/O history", "True" },
	{ "keylock", "normal", "State of system keylock at boot time", "False" },
	{ "log_pg_dealloc", "true", "Log predictive memory page deallocation events", "True" },
	{ "max_capacity", NULL, "Maximum potential processor capacity", "False" },
	{ "max_logname", "9", "Maximum login name length at boot time", "True" },
	{ "maxbuf", "20", "Maximum number of pages in block I/O BUFFER CACHE", "True" },
	{ "maxmbuf", "0", "Maximum Kbytes of real memory allowed for MBUFS", "True" },
	{ "maxpout", "8193", "HIGH water mark for pending write I/Os per file", "True" },
	{ "maxuproc", "128", "Maximum number of PROCESSES allowed per user", "True" },
	{ "min_capacity", "1.00", "Minimum potential processor capacity", "False" },
	{ "minpout", "4096", "LOW water mark for pending write I/Os per file", "True" },
	{ "modelname", NULL, "Machine name", "False" },
	{ "ncargs", "256", "ARG/ENV list size in 4K byte blocks", "True" },
	{ "nfs4_acl_compat", "secure", "NFS4 ACL Compatibility Mode", "True" },
	{ "ngroups_allowed", "128", "Number of Groups Allowed", "True" },
	{ "pre430core", "false", "Use pre-430 style CORE dump", "True" },
	{ "pre520tune", "disable", "Pre-520 tuning compatibility mode", "True" },
	{ "realmem", NULL, "Amount of usable physical memory in Kbytes", "False" },
	{ "rtasversion", "1", "Open Firmware RTAS version", "False" },
	{ "sed_config", "select", "Stack Execution Disable (SED) Mode", "True" },
	{ "systemid", NULL, "Hardware system identifier", "False" },
	{ "variable_weight", "0", "Variable processor capacity weight", "False" },
};
const size_t sim_cat_nsys0 = ARRAY_LEN(sim_cat_sys0);

/* The logical volumes of a freshly installed AIX 7 rootvg. */
const struct sim_cat_lv sim_cat_rootvg[] = {
	{ "hd5", "boot", 64, "N/A", "closed/syncd" },
	{ "hd6", "paging", 1024, "N/A", "open/syncd" },
	{ "hd8", "jfs2log", 64, "N/A", "open/syncd" },
	{ "hd4", "jfs2", 1024, "/", "open/syncd" },
	{ "hd2", "jfs2", 6144, "/usr", "open/syncd" },
	{ "hd9var", "jfs2", 1024, "/var", "open/syncd" },
	{ "hd3", "jfs2", 2048, "/tmp", "open/syncd" },
	{ "hd1", "jfs2", 256, "/home", "open/syncd" },
	{ "hd10opt", "jfs2", 1024, "/opt", "open/syncd" },
	{ "hd11admin", "jfs2", 128, "/admin", "open/syncd" },
	{ "lg_dumplv", "sysdump", 1024, "N/A", "open/syncd" },
	{ "livedump", "jfs2", 256, "/var/adm/ras/livedump", "open/syncd" },
};
const size_t sim_cat_nrootvg = ARRAY_LEN(sim_cat_rootvg);

/* Parses a decimal field of exactly n digits (n == 0: 1 to 4 digits). */
static int num_field(const char *s, size_t n, int *out)
{
	size_t len = strlen(s);
	if ((n != 0 && len != n) || len == 0 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	*out = atoi(s);
	return 0;
}

int sim_level_parse(const char *s, struct sim_level *l)
{
	char buf[64], *part[5], *save = NULL, *tok;
	size_t np = 0;
	int vr;

	memset(l, 0, sizeof *l);
	if (s == NULL || strlen(s) >= sizeof buf)
		return -1;
	str_copy(buf, s, sizeof buf);
	if (buf[0] == '-' || strstr(buf, "--") != NULL || str_ends(buf, "-"))
		return -1;
	for (tok = strtok_r(buf, "-", &save); tok != NULL; tok = strtok_r(NULL, "-", &save)) {
		if (np == ARRAY_LEN(part))
			return -1;
		part[np++] = tok;
	}
	if (np < 2 || np > 4)
		return -1;
	if (num_field(part[0], 4, &vr) != 0 || num_field(part[1], 2, &l->tl) != 0)
		return -1;
	if (vr % 100 != 0 || vr < 4000)
		return -1;
	l->ver = vr / 1000;
	l->rel = vr / 100 % 10;
	if (np >= 3 && num_field(part[2], 2, &l->sp) != 0)
		return -1;
	if (np == 4 && num_field(part[3], 4, &l->build) != 0)
		return -1;
	return 0;
}

char *sim_level_fileset(const struct sim_level *l)
{
	return xasprintf("%d.%d.%d.%d", l->ver, l->rel, l->tl, l->sp);
}

int sim_vrmf_cmp(const char *a, const char *b)
{
	for (;;) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' && *eb != '.')
			return 0;
		if (*ea != '.')
			return -1;
		if (*eb != '.')
			return 1;
		a = ea + 1;
		b = eb + 1;
	}
}
