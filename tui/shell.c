/*
 * shell.c: F9 starts $SHELL on the terminal. The loop keeps running (the
 * application's pipes keep draining) but draws nothing and reads no keys
 * until the shell exits; a background timer notices that.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

/* The terminal's foreground process group before the shell took it. */
static pid_t shell_fg = -1;

static void shell_poll(void *arg)
{
	(void)arg;
	tui_shell_check();
}

void tui_shell_start(void)
{
	static const char hint[] = "\nType exit to return to the menus.\n\n";
	const char *sh = getenv("SHELL"), *base;
	pid_t pid;

	if (tui_g.headless) {
		tui_error("There is no shell in headless mode.");
		return;
	}
	if (tui_g.suspended)
		return;
	if (sh == NULL || *sh != '/')
		sh = "/bin/sh";
	base = strrchr(sh, '/') + 1;
	shell_fg = tcgetpgrp(STDIN_FILENO);
	tui_term_leave();
	(void)!write(STDOUT_FILENO, hint, sizeof hint - 1);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		tui_term_reenter();
		tui_error("Cannot start a shell: %s", strerror(e));
		return;
	}
	if (pid == 0) {
		static const int sigs[] = { SIGPIPE, SIGINT,  SIGQUIT, SIGTERM,  SIGHUP, SIGTSTP,
			                    SIGTTIN, SIGTTOU, SIGCHLD, SIGWINCH, SIGCONT };
		struct sigaction sa;
		sigset_t none;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < TUI_ARRAY_LEN(sigs); i++)
			sigaction(sigs[i], &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(sh, base, (char *)NULL);
		_exit(127);
	}
	tui_g.suspended = 1;
	tui_g.shell_pid = pid;
	tui_g.shell_timer =
	    tui_timer(100, TUI_TIMER_REPEAT | TUI_TIMER_BACKGROUND, shell_poll, NULL);
}

void tui_shell_check(void)
{
	int status;
	pid_t r;

	if (!tui_g.suspended || tui_g.shell_pid <= 0)
		return;
	r = waitpid(tui_g.shell_pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return;
	/* a job-control shell made itself the foreground group; take the
	 * terminal back (blocking SIGTTOU, as a shell does) before curses
	 * touches it, or we would be stopped */
	if (shell_fg > 0 && tcgetpgrp(STDIN_FILENO) != shell_fg) {
		sigset_t set, old;
		sigemptyset(&set);
		sigaddset(&set, SIGTTOU);
		sigprocmask(SIG_BLOCK, &set, &old);
		tcsetpgrp(STDIN_FILENO, shell_fg);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	shell_fg = -1;
	tui_g.suspended = 0;
	tui_g.shell_pid = 0;
	tui_timer_cancel(tui_g.shell_timer);
	tui_g.shell_timer = 0;
	tui_term_reenter();
	tui_term_resize_from_tty();
}
