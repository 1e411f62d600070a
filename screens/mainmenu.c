/*
 * mainmenu.c: the smitty-style menu tree. The main menu ("NIM Alternate Disk
 * Migration") and its submenus: the mksysb migrations, the cleanup /
 * wake-up / sleep operations, and (issue 7) the preparation of a client and
 * the post-migration checks. Labels of the nimadm modes come from the
 * engine's mode table, so the menus and the dialogs' titles agree.
 */
#include <string.h>

#include "app.h"

/* Built once (labels from params_mode_title()); static for the program's life. */
static struct tui_menu_item mainmenu_items[10];
static struct tui_menu_item mainmenu_mksysb_items[4];
static struct tui_menu_item mainmenu_maint_items[4];
static struct tui_menu_item mainmenu_prepare_items[PREP_FLOW_COUNT + 2];
static struct tui_menu_item mainmenu_postcheck_items[3];

static void mainmenu_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it);

static const struct tui_menu_def mainmenu_def = {
	.title = "NIM Alternate Disk Migration",
	.help_id = NULL, /* every item has its own help */
	.items = mainmenu_items,
	.select = mainmenu_select,
};

static const struct tui_menu_def mainmenu_mksysb_def = {
	.title = "Perform NIM mksysb Migrations",
	.help_id = "menus/mksysb",
	.items = mainmenu_mksysb_items,
	.select = mainmenu_select,
};

static const struct tui_menu_def mainmenu_maint_def = {
	.title = "Cleanup / Wake-up / Sleep an Alternate Disk Migration",
	.help_id = "menus/maint",
	.items = mainmenu_maint_items,
	.select = mainmenu_select,
};

static const struct tui_menu_def mainmenu_prepare_def = {
	.title = "Prepare Client for Migration",
	.help_id = "menus/prepare",
	.items = mainmenu_prepare_items,
	.select = mainmenu_select,
};

static const struct tui_menu_def mainmenu_postcheck_def = {
	.title = "Post-migration Checks",
	.help_id = "menus/postcheck",
	.items = mainmenu_postcheck_items,
	.select = mainmenu_select,
};

static void mainmenu_set(struct tui_menu_item *it, const char *id, const char *label,
                         const char *help_id)
{
	it->id = id;
	it->label = label;
	it->help_id = help_id;
}

static void mainmenu_build(void)
{
	static int built;

	if (built)
		return;
	built = 1;
	mainmenu_set(&mainmenu_items[0], "migrate", params_mode_title(NIMADM_MIGRATE),
	             "menus/migrate");
	mainmenu_set(&mainmenu_items[1], "mksysb", "Perform NIM mksysb Migrations", "menus/mksysb");
	mainmenu_set(&mainmenu_items[2], "check", "Check Migration Prerequisites", "menus/check");
	mainmenu_set(&mainmenu_items[3], "monitor", "Monitor Migrations", "menus/monitor");
	mainmenu_set(&mainmenu_items[4], "logs", "View Migration Logs", "menus/logs");
	mainmenu_set(&mainmenu_items[5], "maint",
	             "Cleanup / Wake-up / Sleep an Alternate Disk Migration", "menus/maint");
	mainmenu_set(&mainmenu_items[6], "sync", params_mode_title(NIMADM_SYNC), "menus/sync");
	mainmenu_set(&mainmenu_items[7], "prepare", "Prepare Client for Migration",
	             "menus/prepare");
	mainmenu_set(&mainmenu_items[8], "postcheck", "Post-migration Checks", "menus/postcheck");

	/* one item per flow of the engine, titled and explained by it */
	for (int f = 0; f < PREP_FLOW_COUNT; f++)
		mainmenu_set(&mainmenu_prepare_items[f], prep_flow_name((enum prep_flow)f),
		             prep_flow_title((enum prep_flow)f), prep_flow_help((enum prep_flow)f));
	mainmenu_set(&mainmenu_prepare_items[PREP_FLOW_COUNT], "snapshot",
	             "Take a Configuration Snapshot", "menus/snapshot");

	mainmenu_set(&mainmenu_postcheck_items[0], "postcheck-run",
	             "Check a Migrated Client against its Snapshot", "menus/postcheck-run");
	mainmenu_set(&mainmenu_postcheck_items[1], "snapshot", "Take a Configuration Snapshot",
	             "menus/snapshot");

	mainmenu_set(&mainmenu_mksysb_items[0], "mksysb-to-client",
	             params_mode_title(NIMADM_MKSYSB_TO_CLIENT), "menus/mksysb-to-client");
	mainmenu_set(&mainmenu_mksysb_items[1], "mksysb-to-mksysb",
	             params_mode_title(NIMADM_MKSYSB_TO_MKSYSB), "menus/mksysb-to-mksysb");
	mainmenu_set(&mainmenu_mksysb_items[2], "client-to-mksysb",
	             params_mode_title(NIMADM_CLIENT_TO_MKSYSB), "menus/client-to-mksysb");

	mainmenu_set(&mainmenu_maint_items[0], "cleanup", params_mode_title(NIMADM_CLEANUP),
	             "menus/cleanup");
	mainmenu_set(&mainmenu_maint_items[1], "wakeup", params_mode_title(NIMADM_WAKEUP),
	             "menus/wakeup");
	mainmenu_set(&mainmenu_maint_items[2], "sleep", params_mode_title(NIMADM_SLEEP),
	             "menus/sleep");
}

static void mainmenu_select(void *arg, struct tui_screen *menu, const struct tui_menu_item *it)
{
	enum nimadm_mode m;
	enum prep_flow f;

	(void)arg;
	/* the prepare menu's items are named after the flows ("mksysb" too) */
	if (menu != NULL && tui_screen_arg(menu) == &mainmenu_prepare_def &&
	    prep_flow_find(it->id, &f) == 0)
		app_open_prepare(f);
	else if (strcmp(it->id, "mksysb") == 0 || strcmp(it->id, "maint") == 0 ||
	         strcmp(it->id, "prepare") == 0 || strcmp(it->id, "postcheck") == 0)
		app_open_menu(it->id);
	else if (strcmp(it->id, "snapshot") == 0)
		app_open_snapshot();
	else if (strcmp(it->id, "postcheck-run") == 0)
		app_open_postcheck();
	else if (strcmp(it->id, "check") == 0)
		app_open_prereq(NULL);
	else if (strcmp(it->id, "monitor") == 0)
		app_open_monitor();
	else if (strcmp(it->id, "logs") == 0)
		app_open_log(NULL);
	else if (params_mode_find(it->id, &m, NULL) == 0)
		app_open_nimadm(m, NULL);
}

void app_open_menu(const char *menu_id)
{
	mainmenu_build();
	/* the dialogs behind the menus pick from NIM: read it while the operator chooses */
	app_inventory_want();
	if (menu_id == NULL || strcmp(menu_id, "main") == 0)
		tui_push(tui_menu_new(&mainmenu_def, NULL));
	else if (strcmp(menu_id, "mksysb") == 0)
		tui_push(tui_menu_new(&mainmenu_mksysb_def, NULL));
	else if (strcmp(menu_id, "maint") == 0)
		tui_push(tui_menu_new(&mainmenu_maint_def, NULL));
	else if (strcmp(menu_id, "prepare") == 0)
		tui_push(tui_menu_new(&mainmenu_prepare_def, (void *)&mainmenu_prepare_def));
	else if (strcmp(menu_id, "postcheck") == 0)
		tui_push(tui_menu_new(&mainmenu_postcheck_def, NULL));
}

void app_open_main_menu(void)
{
	app_open_menu("main");
}
