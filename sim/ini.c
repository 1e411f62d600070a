/* ini.c: inih driven through our own line reader, so every handler call knows its line number,
 * section headers are seen even when a section has no keys, and overlong lines are errors
 * instead of being split silently. */
#include "ini_reader.h"

#include <string.h>

/* inih's reader contract: like fgets(str, num, stream). */
static char *ini_reader_line(char *str, int num, void *stream)
{
	struct sim_ini *ini = stream;
	struct strbuf line = { 0 };
	int c, nul = 0, any = 0;
	size_t len;

	while ((c = getc(ini->f)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			nul = 1;
		else
			sb_addc(&line, (char)c);
	}
	if (!any) {
		sb_free(&line);
		return NULL;
	}
	ini->lineno++;
	len = line.len;
	if (len > 0 && line.buf[len - 1] == '\r')
		len--;
	if (nul && ini->bad_line == 0) {
		ini->bad_line = ini->lineno;
		str_copy(ini->bad_what, "NUL byte in the line", sizeof ini->bad_what);
	}
	if (len + 2 > (size_t)num || len > SIM_INI_MAX_LINE) {
		if (ini->bad_line == 0) {
			ini->bad_line = ini->lineno;
			snprintf(ini->bad_what, sizeof ini->bad_what,
			         "line too long (more than %d characters)", SIM_INI_MAX_LINE);
		}
		len = 0;
	}
	if (len > 0)
		memcpy(str, line.buf, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	if (len > 0 && line.buf[0] == '[' && ini->section != NULL) {
		char *end;
		line.buf[len] = '\0';
		end = strchr(line.buf, ']');
		if (end != NULL) {
			*end = '\0';
			ini->section(ini->user, str_trim(line.buf + 1), ini->lineno);
		}
	}
	sb_free(&line);
	return str;
}

int sim_ini_parse(struct sim_ini *ini, ini_handler handler, void *user)
{
	ini->lineno = 0;
	ini->bad_line = 0;
	ini->bad_what[0] = '\0';
	return ini_parse_stream(ini_reader_line, ini, handler, user);
}
