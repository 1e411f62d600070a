/*
 * quote.c: the one audited quoting function for command lines that a remote
 * shell will parse (rsh, c_rsh, ssh). Every argument is wrapped in single
 * quotes, inside which a POSIX shell (and ksh, AIX's root shell) gives no
 * character a meaning; a single quote itself is written as '\'' (close the
 * quote, an escaped quote, reopen). Nothing else is special: $, `, \, ", ;,
 * |, &, globs, newlines, tabs and non-ASCII bytes pass through verbatim.
 */
#include "cmd.h"

#include <string.h>

char *quote_sh_argv(const char *const *argv)
{
	struct strbuf sb = { NULL, 0, 0 };

	if (argv == NULL)
		return sb_steal(&sb);
	for (size_t i = 0; argv[i] != NULL; i++) {
		const char *a = argv[i];
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_addc(&sb, '\'');
		for (const char *q; (q = strchr(a, '\'')) != NULL; a = q + 1) {
			sb_add(&sb, a, (size_t)(q - a));
			sb_adds(&sb, "'\\''");
		}
		sb_adds(&sb, a);
		sb_addc(&sb, '\'');
	}
	return sb_steal(&sb);
}
