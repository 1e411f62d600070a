/* words.c: split a remote command line into words the way a POSIX shell would for a simple
 * command, refusing everything that would need a real shell (we never run one). */
#include "sim.h"

#include <string.h>

/* Characters that mean something to a shell outside quotes. */
static const char shell_meta[] = ";|&$`<>(){}*?[";

int sim_words_split(const char *line, struct strv *out, struct err *e)
{
	struct strbuf w = { 0 };
	int in_word = 0;
	const char *p = line;

	while (*p != '\0') {
		char c = *p;
		if (c == ' ' || c == '\t') {
			if (in_word) {
				strv_push(out, sb_str(&w));
				sb_reset(&w);
				in_word = 0;
			}
			p++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			err_set(e, "a newline separates commands: only one simple command can run");
			goto fail;
		}
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (end == NULL) {
				err_set(e, "unterminated single quote");
				goto fail;
			}
			sb_add(&w, p + 1, (size_t)(end - p - 1));
			in_word = 1;
			p = end + 1;
			continue;
		}
		if (c == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					err_set(e, "unterminated double quote");
					goto fail;
				}
				if (*p == '"')
					break;
				if (*p == '$' || *p == '`') {
					err_set(e,
					        "'%c' inside double quotes needs a shell expansion",
					        *p);
					goto fail;
				}
				if (*p == '\\' && p[1] != '\0' &&
				    strchr("$`\"\\\n", p[1]) != NULL) {
					if (p[1] != '\n')
						sb_addc(&w, p[1]);
					p += 2;
					continue;
				}
				sb_addc(&w, *p++);
			}
			p++;
			in_word = 1;
			continue;
		}
		if (c == '\\') {
			if (p[1] == '\0') {
				err_set(e, "a backslash ends the command line");
				goto fail;
			}
			if (p[1] != '\n')
				sb_addc(&w, p[1]);
			p += 2;
			in_word = 1;
			continue;
		}
		if (strchr(shell_meta, c) != NULL || ((c == '#' || c == '~') && !in_word)) {
			err_set(e, "unquoted '%c' needs a real shell", c);
			goto fail;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f) {
			err_set(e, "control character 0x%02x in the command line",
			        (unsigned char)c);
			goto fail;
		}
		sb_addc(&w, c);
		in_word = 1;
		p++;
	}
	if (in_word)
		strv_push(out, sb_str(&w));
	sb_free(&w);
	return 0;
fail:
	sb_free(&w);
	return -1;
}

char *sim_words_join(const char *const *argv)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
		const char *a = argv[i];
		if (i > 0)
			sb_addc(&sb, ' ');
		if (*a != '\0' && strpbrk(a, " \t'\"\\;|&$`<>(){}*?[#~\n") == NULL) {
			sb_adds(&sb, a);
			continue;
		}
		sb_addc(&sb, '\'');
		for (; *a != '\0'; a++) {
			if (*a == '\'')
				sb_adds(&sb, "'\\''");
			else
				sb_addc(&sb, *a);
		}
		sb_addc(&sb, '\'');
	}
	return sb_steal(&sb);
}
