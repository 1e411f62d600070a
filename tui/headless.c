/*
 * headless.c: the test mode. Keys come from a script and are written, as
 * the terminal would send them, into the pipe curses reads: they take the
 * same path as typed keys. The screen goes to /dev/null; `:dump NAME`
 * writes curses' idea of the screen as text. A key is sent only when the
 * loop is idle (no dirty screen, no pending list, no busy source, no work
 * timer, no fd ready), so scripts never sleep.
 *
 * Script syntax (one or more tokens per line):
 *   F1 .. F12, Enter, Esc, Tab, BTab, Up, Down, Left, Right, PgUp, PgDn,
 *   Home, End, Backspace, Delete, Space, C-x (Ctrl), a single character,
 *   "text" (typed as is; \" and \\ escape), # comment (to the end of line),
 *   :dump NAME, :wait-idle, :size COLSxROWS, :timeout SECONDS,
 *   :nowait (the next key goes at once, e.g. to cancel a list that loads).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

enum hl_kind { HL_KEYS, HL_DUMP, HL_WAIT, HL_SIZE, HL_TIMEOUT, HL_NOWAIT };

struct hl_tok {
	enum hl_kind kind;
	char *text; /* HL_KEYS: the key name or the literal text; else the argument */
	int literal;
	int line;
	int a, b;
};

struct tui_headless {
	char *path;
	char *dump_dir;
	struct hl_tok *tok;
	size_t n, cap, pos;
	long long wait_start;
	int idle_timeout_ms;
	int nowait; /* the next key does not wait for idle */
};

/* Key names, their terminfo capability and a fallback sequence (xterm). */
static const struct {
	const char *name;
	const char *cap;
	const char *seq;
} hl_keys[] = {
	{ "F1", "kf1", "\033OP" },
	{ "F2", "kf2", "\033OQ" },
	{ "F3", "kf3", "\033OR" },
	{ "F4", "kf4", "\033OS" },
	{ "F5", "kf5", "\033[15~" },
	{ "F6", "kf6", "\033[17~" },
	{ "F7", "kf7", "\033[18~" },
	{ "F8", "kf8", "\033[19~" },
	{ "F9", "kf9", "\033[20~" },
	{ "F10", "kf10", "\033[21~" },
	{ "F11", "kf11", "\033[23~" },
	{ "F12", "kf12", "\033[24~" },
	{ "Up", "kcuu1", "\033[A" },
	{ "Down", "kcud1", "\033[B" },
	{ "Right", "kcuf1", "\033[C" },
	{ "Left", "kcub1", "\033[D" },
	{ "Home", "khome", "\033[H" },
	{ "End", "kend", "\033[F" },
	{ "PgUp", "kpp", "\033[5~" },
	{ "PgDn", "knp", "\033[6~" },
	{ "Delete", "kdch1", "\033[3~" },
	{ "BTab", "kcbt", "\033[Z" },
	{ "Backspace", "kbs", "\177" },
	{ "Enter", NULL, "\r" },
	{ "Tab", NULL, "\t" },
	{ "Esc", NULL, "\033" },
	{ "Space", NULL, " " },
};

static int hl_find_key(const char *name)
{
	for (size_t i = 0; i < TUI_ARRAY_LEN(hl_keys); i++)
		if (strcasecmp(hl_keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int hl_is_ctrl(const char *w)
{
	size_t n = strlen(w);

	return (n == 3 && (w[0] == 'C' || w[0] == 'c') && w[1] == '-' &&
	        isalpha((unsigned char)w[2])) ||
	       (n == 6 && strncasecmp(w, "Ctrl-", 5) == 0 && isalpha((unsigned char)w[5]));
}

static struct hl_tok *hl_add(struct tui_headless *hl, enum hl_kind kind, int line)
{
	struct hl_tok *t;

	if (hl->n == hl->cap) {
		hl->cap = hl->cap ? hl->cap * 2 : 32;
		hl->tok = tui_xrealloc(hl->tok, hl->cap * sizeof *hl->tok);
	}
	t = &hl->tok[hl->n++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->line = line;
	return t;
}

static int hl_valid_name(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* Parses a meta command (the rest of the line). */
static int hl_meta(struct tui_headless *hl, const char *cmd, const char *arg, int line,
                   char *errbuf, size_t errlen)
{
	struct hl_tok *t;

	if (strcmp(cmd, ":dump") == 0) {
		if (!hl_valid_name(arg)) {
			snprintf(errbuf, errlen,
			         "%s:%d: :dump needs a NAME of letters, digits, . - _", hl->path,
			         line);
			return -1;
		}
		hl_add(hl, HL_DUMP, line)->text = tui_xstrdup(arg);
	} else if (strcmp(cmd, ":wait-idle") == 0) {
		hl_add(hl, HL_WAIT, line);
	} else if (strcmp(cmd, ":nowait") == 0) {
		hl_add(hl, HL_NOWAIT, line);
	} else if (strcmp(cmd, ":size") == 0) {
		int c, r;
		char x, extra;
		if (sscanf(arg, "%d%c%d %c", &c, &x, &r, &extra) != 3 || (x != 'x' && x != 'X') ||
		    c < 1 || r < 1 || c > 1000 || r > 1000) {
			snprintf(errbuf, errlen, "%s:%d: :size needs COLSxROWS", hl->path, line);
			return -1;
		}
		t = hl_add(hl, HL_SIZE, line);
		t->a = c;
		t->b = r;
	} else if (strcmp(cmd, ":timeout") == 0) {
		int sec = atoi(arg);
		if (sec <= 0) {
			snprintf(errbuf, errlen, "%s:%d: :timeout needs SECONDS", hl->path, line);
			return -1;
		}
		hl_add(hl, HL_TIMEOUT, line)->a = sec * 1000;
	} else {
		snprintf(errbuf, errlen, "%s:%d: unknown command %s", hl->path, line, cmd);
		return -1;
	}
	return 0;
}

static int hl_parse(struct tui_headless *hl, const char *text, char *errbuf, size_t errlen)
{
	const char *p = text;
	int line = 1;

	while (*p != '\0') {
		const char *start;
		char word[128];
		size_t n;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (*p == '#') {
			while (*p != '\0' && *p != '\n')
				p++;
			continue;
		}
		if (*p == '"') {
			struct tui_buf b = { 0 };
			p++;
			while (*p != '"') {
				if (*p == '\0' || *p == '\n') {
					tui_buf_free(&b);
					snprintf(errbuf, errlen, "%s:%d: unterminated string",
					         hl->path, line);
					return -1;
				}
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				tui_buf_addc(&b, *p++);
			}
			p++;
			struct hl_tok *t = hl_add(hl, HL_KEYS, line);
			t->literal = 1;
			t->text = tui_buf_steal(&b);
			continue;
		}
		start = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - start);
		if (n >= sizeof word) {
			snprintf(errbuf, errlen, "%s:%d: token too long", hl->path, line);
			return -1;
		}
		memcpy(word, start, n);
		word[n] = '\0';
		if (word[0] == ':' && n > 1) {
			/* a command's argument is the next word on the same line */
			char arg[128] = "";
			if (strcmp(word, ":dump") == 0 || strcmp(word, ":size") == 0 ||
			    strcmp(word, ":timeout") == 0) {
				const char *a;
				size_t alen;
				while (*p == ' ' || *p == '\t')
					p++;
				a = p;
				while (*p != '\0' && !isspace((unsigned char)*p))
					p++;
				alen = (size_t)(p - a);
				if (alen >= sizeof arg) {
					snprintf(errbuf, errlen, "%s:%d: argument too long",
					         hl->path, line);
					return -1;
				}
				memcpy(arg, a, alen);
				arg[alen] = '\0';
			}
			if (hl_meta(hl, word, arg, line, errbuf, errlen) != 0)
				return -1;
			continue;
		}
		if (n != 1 && hl_find_key(word) < 0 && !hl_is_ctrl(word)) {
			snprintf(errbuf, errlen, "%s:%d: unknown key '%s'", hl->path, line, word);
			return -1;
		}
		struct hl_tok *t = hl_add(hl, HL_KEYS, line);
		t->text = tui_xstrdup(word);
	}
	return 0;
}

int tui_headless_open(const struct tui_opts *o, char *errbuf, size_t errlen)
{
	struct tui_headless *hl = tui_xcalloc(1, sizeof *hl);
	struct tui_buf b = { 0 };
	FILE *f;
	char chunk[4096];
	size_t n;

	hl->path = tui_xstrdup(o->script);
	hl->dump_dir = tui_xstrdup(o->dump_dir != NULL ? o->dump_dir : ".");
	hl->idle_timeout_ms = o->idle_timeout_ms > 0 ? o->idle_timeout_ms : 30000;
	tui_g.hl = hl;
	f = fopen(o->script, "r");
	if (f == NULL) {
		snprintf(errbuf, errlen, "cannot open the script %s: %s", o->script,
		         strerror(errno));
		tui_headless_close();
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		tui_buf_add(&b, chunk, n);
	fclose(f);
	if (hl_parse(hl, b.s != NULL ? b.s : "", errbuf, errlen) != 0) {
		tui_buf_free(&b);
		tui_headless_close();
		return -1;
	}
	tui_buf_free(&b);
	return 0;
}

void tui_headless_close(void)
{
	struct tui_headless *hl = tui_g.hl;

	if (hl == NULL)
		return;
	for (size_t i = 0; i < hl->n; i++)
		free(hl->tok[i].text);
	free(hl->tok);
	free(hl->path);
	free(hl->dump_dir);
	free(hl);
	tui_g.hl = NULL;
}

/* The bytes a terminal of this type sends for a key token. */
static void hl_key_bytes(const struct hl_tok *t, struct tui_buf *out)
{
	int k;

	if (t->literal || strlen(t->text) == 1) {
		tui_buf_adds(out, t->text);
		return;
	}
	if (hl_is_ctrl(t->text)) {
		tui_buf_addc(out, (char)(t->text[strlen(t->text) - 1] & 0x1f));
		return;
	}
	k = hl_find_key(t->text);
	if (k < 0)
		return;
	if (hl_keys[k].cap != NULL) {
		char *s = tigetstr(hl_keys[k].cap);
		if (s != NULL && s != (char *)-1 && *s != '\0') {
			tui_buf_adds(out, s);
			return;
		}
	}
	tui_buf_adds(out, hl_keys[k].seq);
}

/* Not idle yet: fail when the wait has lasted too long. */
static int hl_waiting(struct tui_headless *hl, const struct hl_tok *t)
{
	long long now = tui_now_ms();

	if (hl->wait_start == 0)
		hl->wait_start = now;
	if (now - hl->wait_start > hl->idle_timeout_ms) {
		fprintf(stderr, "%s:%d: still busy after %d ms\n", hl->path,
		        t != NULL ? t->line : 0, hl->idle_timeout_ms);
		return -1;
	}
	return 0;
}

static int hl_dump(struct tui_headless *hl, const struct hl_tok *t)
{
	char *path = tui_xasprintf("%s/%s.txt", hl->dump_dir, t->text);
	int rc;

	if (tui_g.all_dirty || tui_g.keys_since_draw)
		tui_draw_now();
	else
		for (size_t i = 0; i < tui_g.nstack; i++)
			if (tui_g.stack[i]->dirty) {
				tui_draw_now();
				break;
			}
	rc = tui_dump(path);
	if (rc != 0)
		fprintf(stderr, "%s:%d: cannot write %s: %s\n", hl->path, t->line, path,
		        strerror(errno));
	free(path);
	return rc;
}

int tui_headless_step(void)
{
	struct tui_headless *hl = tui_g.hl;

	if (hl == NULL)
		return 0;
	for (;;) {
		struct hl_tok *t;

		if (hl->pos >= hl->n) {
			if (!tui_loop_idle())
				return hl_waiting(hl, NULL);
			tui_quit(0);
			return 0;
		}
		t = &hl->tok[hl->pos];
		switch (t->kind) {
		case HL_DUMP:
			if (hl_dump(hl, t) != 0)
				return -1;
			break;
		case HL_SIZE:
			tui_term_resize(t->b, t->a);
			tui_draw_now();
			break;
		case HL_TIMEOUT:
			hl->idle_timeout_ms = t->a;
			break;
		case HL_NOWAIT:
			hl->nowait = 1;
			break;
		case HL_WAIT:
			if (!tui_loop_idle())
				return hl_waiting(hl, t);
			break;
		case HL_KEYS: {
			struct tui_buf b = { 0 };
			ssize_t w;
			if (!hl->nowait && !tui_loop_idle())
				return hl_waiting(hl, t);
			hl->nowait = 0;
			hl_key_bytes(t, &b);
			w = b.len > 0 ? write(tui_g.hl_key_fd, b.s, b.len) : 0;
			tui_buf_free(&b);
			if (w < 0) {
				fprintf(stderr, "%s:%d: cannot send the key: %s\n", hl->path,
				        t->line, strerror(errno));
				return -1;
			}
			hl->pos++;
			hl->wait_start = 0;
			/* one key token per pass: it is read and handled first */
			return 0;
		}
		}
		hl->pos++;
		hl->wait_start = 0;
	}
}

int tui_headless_timeout(void)
{
	struct tui_headless *hl = tui_g.hl;
	long long left;

	if (hl == NULL || hl->wait_start == 0)
		return -1;
	left = hl->idle_timeout_ms - (tui_now_ms() - hl->wait_start) + 1;
	return left < 0 ? 0 : (int)left;
}
