/*
 * ssh_marker.c: the ssh transport's remote command line and the pid marker
 * it prints first on stderr, found and taken out of the stream again before
 * any callback sees it. The pid lets the transport stop the command with
 * `kill` where sshd ignores signal requests (root logins).
 */
#include "ssh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

char *ssh_marker_command(const char *const *argv)
{
	char *q = quote_sh_argv(argv);
	char *line = xasprintf("echo %s$$ >&2; exec %s", SSH_MARKER, q);

	free(q);
	return line;
}

/* The pid of a whole marker line [p, nl), or 0. */
static long ssh_marker_pid(const char *p, const char *nl)
{
	const char *digits = p + strlen(SSH_MARKER);
	char *end;
	long pid;

	if (digits >= nl || *digits < '0' || *digits > '9')
		return 0;
	errno = 0;
	pid = strtol(digits, &end, 10);
	return end == nl && errno == 0 && pid > 1 ? pid : 0;
}

enum ssh_marker_result ssh_marker_scan(struct strbuf *hold, long *pid)
{
	size_t mlen = strlen(SSH_MARKER);

	for (size_t off = 0; off + mlen <= hold->len; off++) {
		char *p = hold->buf + off, *nl;
		long v;

		if (memcmp(p, SSH_MARKER, mlen) != 0)
			continue;
		nl = memchr(p, '\n', hold->len - off);
		if (nl == NULL)
			break; /* the rest of it is on its way */
		v = ssh_marker_pid(p, nl);
		if (v == 0)
			return SSH_MARKER_NONE;
		/* Only the marker goes: noise before it on its line stays, as
		 * the user would have seen it. */
		memmove(p, nl + 1, (size_t)(hold->buf + hold->len - (nl + 1)));
		hold->len -= (size_t)(nl + 1 - p);
		hold->buf[hold->len] = '\0';
		*pid = v;
		return SSH_MARKER_FOUND;
	}
	return hold->len < SSH_MARKER_SCAN_MAX ? SSH_MARKER_WAIT : SSH_MARKER_NONE;
}
