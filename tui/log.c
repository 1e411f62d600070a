/*
 * log.c: the append-only log and the replayable script of every command the
 * program runs, like smit.log and smit.script: $HOME/<app>.log gets a
 * timestamped entry per command with its output and the screen images
 * saved with F8; $HOME/<app>.script gets each command, quoted for sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static struct {
	char *log;
	char *script;
} lg;

void tui_log_stamp(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (strftime(buf, size, "[%b %d %Y, %H:%M:%S]", &tm) == 0 && size > 0)
		buf[0] = '\0';
}

void tui_log_append(const char *path, const char *s, size_t len)
{
	int fd;

	if (path == NULL || len == 0)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		s += n;
		len -= (size_t)n;
	}
	close(fd);
}

void tui_log_raw(const char *s, size_t len)
{
	tui_log_append(lg.log, s, len);
}

void tui_log_open(const char *app_name)
{
	const char *home = getenv("HOME");
	char stamp[64], *line;

	tui_log_close();
	if (app_name == NULL || *app_name == '\0' || home == NULL || *home == '\0')
		return;
	lg.log = tui_xasprintf("%s/%s.log", home, app_name);
	lg.script = tui_xasprintf("%s/%s.script", home, app_name);
	tui_log_stamp(stamp, sizeof stamp);
	line = tui_xasprintf("\n%s\nStarting %s\n", stamp, app_name);
	tui_log_raw(line, strlen(line));
	free(line);
}

void tui_log_close(void)
{
	free(lg.log);
	free(lg.script);
	lg.log = lg.script = NULL;
}

const char *tui_log_path(void)
{
	return lg.log;
}

const char *tui_script_path(void)
{
	return lg.script;
}

/* Characters that need no quoting in a POSIX shell word. */
static int log_plain(const char *s, int first)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (strchr("_@%+:,./-", c) != NULL)
			continue;
		if (c == '=' && !first)
			continue;
		return 0;
	}
	return 1;
}

char *tui_quote_argv(const char *const *argv)
{
	struct tui_buf b = { 0 };

	if (argv == NULL)
		return tui_xstrdup("");
	for (size_t i = 0; argv[i] != NULL; i++) {
		const char *a = argv[i];
		if (i > 0)
			tui_buf_addc(&b, ' ');
		if (log_plain(a, i == 0)) {
			tui_buf_adds(&b, a);
			continue;
		}
		tui_buf_addc(&b, '\'');
		for (; *a != '\0'; a++) {
			if (*a == '\'')
				tui_buf_adds(&b, "'\\''");
			else
				tui_buf_addc(&b, *a);
		}
		tui_buf_addc(&b, '\'');
	}
	return tui_buf_steal(&b);
}

void tui_log_command(const char *const *argv, const char *display)
{
	char stamp[64];
	char *quoted = tui_quote_argv(argv), *text;
	const char *shown = display != NULL ? display : quoted;

	tui_log_stamp(stamp, sizeof stamp);
	text = tui_xasprintf("\n%s\nCommand_to_Execute follows below:\n>> %s\n", stamp, shown);
	tui_log_raw(text, strlen(text));
	free(text);
	if (argv != NULL && argv[0] != NULL) {
		text = tui_xasprintf("#\n# %s\n#\n%s\n", stamp, quoted);
		tui_log_append(lg.script, text, strlen(text));
		free(text);
	}
	free(quoted);
}

void tui_log_text(const char *fmt, ...)
{
	va_list ap;
	char stamp[64], *msg, *text;

	if (lg.log == NULL)
		return;
	va_start(ap, fmt);
	msg = tui_xvasprintf(fmt, ap);
	va_end(ap);
	tui_log_stamp(stamp, sizeof stamp);
	text = tui_xasprintf("\n%s\n%s\n", stamp, msg);
	tui_log_raw(text, strlen(text));
	free(text);
	free(msg);
}

void tui_log_image(void)
{
	static const char rule[] = "-----------------------------------------------------------"
	                           "---------------------\n";
	char stamp[64], *screen, *text;

	if (lg.log == NULL)
		return;
	screen = tui_screen_text();
	tui_log_stamp(stamp, sizeof stamp);
	text =
	    tui_xasprintf("\n%s\nScreen image follows below:\n%s%s%s", stamp, rule, screen, rule);
	tui_log_raw(text, strlen(text));
	free(text);
	free(screen);
}
