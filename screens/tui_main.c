/*
 * tui_main.c: the entry point nimadm-tui.c calls for the TUI: opens the site,
 * starts the terminal (or the headless screen of --script), loads the
 * inventory in the background, opens the first screen (the main menu or a
 * fast path) and runs the loop until the operator leaves.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

static const char *const tui_main_screens[] = {
	"main", "migrate", "check", "monitor", "logs", NULL
};

int tui_main_known_screen(const char *screen)
{
	if (screen == NULL)
		return 1;
	for (size_t i = 0; tui_main_screens[i] != NULL; i++)
		if (strcmp(tui_main_screens[i], screen) == 0)
			return 1;
	return 0;
}

static const char *tui_main_help(void *arg, const char *help_id)
{
	(void)arg;
	return app_help_text(help_id);
}

static void tui_main_open(const char *screen, const char *log_file)
{
	if (screen == NULL || strcmp(screen, "main") == 0)
		app_open_main_menu();
	else if (strcmp(screen, "migrate") == 0)
		app_open_nimadm(NIMADM_MIGRATE, NULL);
	else if (strcmp(screen, "check") == 0)
		app_open_prereq(NULL);
	else if (strcmp(screen, "monitor") == 0)
		app_open_monitor();
	else if (strcmp(screen, "logs") == 0)
		app_open_log(log_file);
}

int tui_main_run(const struct app_start *st)
{
	struct site_opts so;
	struct tui_opts o;
	struct site *site;
	char errbuf[512];
	struct err e;
	int rc;

	if (!tui_main_known_screen(st->screen)) {
		fprintf(stderr, "nimadm-tui: no screen named '%s'\n", st->screen);
		return 2;
	}
	memset(&so, 0, sizeof so);
	so.argv0 = st->argv0;
	so.lab = st->lab;
	so.demo = st->demo;
	so.state_dir = st->state_dir;
	err_clear(&e);
	site = site_open(&so, &e);
	if (site == NULL) {
		fprintf(stderr, "nimadm-tui: %s\n", e.msg);
		return 2;
	}
	memset(&o, 0, sizeof o);
	o.app_name = "nimadm-tui";
	o.script = st->script;
	o.dump_dir = st->dump_dir;
	o.help = tui_main_help;
	if (tui_init(&o, errbuf, sizeof errbuf) != 0) {
		fprintf(stderr, "nimadm-tui: %s\n", errbuf);
		site_free(&site);
		return 1;
	}
	fatal_set_hook(tui_restore_terminal);
	app_setup(site);
	tui_main_open(st->screen, st->log_file);
	rc = tui_run();
	/* the screens' close hooks still need the application state */
	while (tui_depth() > 0)
		tui_pop();
	app_shutdown();
	tui_end();
	fatal_set_hook(NULL);
	site_free(&site);
	return rc;
}
