/*
 * action.c: the one action table. Keys, the function-key bars, the keys
 * help and the manual's KEYS list are all derived from it, so a key is
 * named in exactly one place.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct tui_action_info action_table[] = { { TUI_ACT_NONE, "none", "", 0, "" },
#define ACTION_ENTRY(id, name, label, fkey, help) { TUI_ACT_##id, name, label, fkey, help },
	                                               TUI_ACTIONS(ACTION_ENTRY)
#undef ACTION_ENTRY
};

/*
 * Key bindings in the order the help lists them. A NULL name binds a key
 * without listing it (a second code for the same key). Esc+digit and
 * Esc Esc are decoded by the input layer (loop.c); they are listed here so
 * the help and the manual show them.
 */
#define ESC_SEQ (-1) /* listed only */
static const struct {
	int key;
	const char *name;
	enum tui_action action;
} bindings[] = {
	{ TUI_KEY_FN(KEY_F(1)), "F1", TUI_ACT_HELP },
	{ ESC_SEQ, "Esc 1", TUI_ACT_HELP },
	{ TUI_KEY_FN(KEY_F(2)), "F2", TUI_ACT_REFRESH },
	{ ESC_SEQ, "Esc 2", TUI_ACT_REFRESH },
	{ TUI_KEY_CTRL('l'), "Ctrl-L", TUI_ACT_REFRESH },
	{ TUI_KEY_FN(KEY_F(3)), "F3", TUI_ACT_CANCEL },
	{ ESC_SEQ, "Esc 3", TUI_ACT_CANCEL },
	{ ESC_SEQ, "Esc Esc", TUI_ACT_CANCEL },
	{ TUI_KEY_CTRL('c'), "Ctrl-C", TUI_ACT_CANCEL },
	{ TUI_KEY_FN(KEY_F(4)), "F4", TUI_ACT_LIST },
	{ ESC_SEQ, "Esc 4", TUI_ACT_LIST },
	{ TUI_KEY_FN(KEY_F(5)), "F5", TUI_ACT_RESET },
	{ ESC_SEQ, "Esc 5", TUI_ACT_RESET },
	{ TUI_KEY_FN(KEY_F(6)), "F6", TUI_ACT_COMMAND },
	{ ESC_SEQ, "Esc 6", TUI_ACT_COMMAND },
	{ TUI_KEY_FN(KEY_F(7)), "F7", TUI_ACT_EDIT },
	{ ESC_SEQ, "Esc 7", TUI_ACT_EDIT },
	{ TUI_KEY_FN(KEY_F(8)), "F8", TUI_ACT_IMAGE },
	{ ESC_SEQ, "Esc 8", TUI_ACT_IMAGE },
	{ TUI_KEY_FN(KEY_F(9)), "F9", TUI_ACT_SHELL },
	{ ESC_SEQ, "Esc 9", TUI_ACT_SHELL },
	{ TUI_KEY_FN(KEY_F(10)), "F10", TUI_ACT_EXIT },
	{ ESC_SEQ, "Esc 0", TUI_ACT_EXIT },
	{ '\r', "Enter", TUI_ACT_DO },
	{ '\n', NULL, TUI_ACT_DO },
	{ TUI_KEY_FN(KEY_ENTER), NULL, TUI_ACT_DO },
	{ TUI_KEY_FN(KEY_UP), "Up", TUI_ACT_UP },
	{ TUI_KEY_CTRL('p'), "Ctrl-P", TUI_ACT_UP },
	{ TUI_KEY_FN(KEY_DOWN), "Down", TUI_ACT_DOWN },
	{ TUI_KEY_CTRL('n'), "Ctrl-N", TUI_ACT_DOWN },
	{ TUI_KEY_FN(KEY_LEFT), "Left", TUI_ACT_LEFT },
	{ TUI_KEY_FN(KEY_RIGHT), "Right", TUI_ACT_RIGHT },
	{ TUI_KEY_FN(KEY_PPAGE), "PgUp", TUI_ACT_PAGE_UP },
	{ TUI_KEY_CTRL('b'), "Ctrl-B", TUI_ACT_PAGE_UP },
	{ TUI_KEY_FN(KEY_NPAGE), "PgDn", TUI_ACT_PAGE_DOWN },
	{ TUI_KEY_CTRL('f'), "Ctrl-F", TUI_ACT_PAGE_DOWN },
	{ TUI_KEY_FN(KEY_HOME), "Home", TUI_ACT_HOME },
	{ TUI_KEY_CTRL('a'), "Ctrl-A", TUI_ACT_HOME },
	{ TUI_KEY_FN(KEY_END), "End", TUI_ACT_END },
	{ TUI_KEY_CTRL('e'), "Ctrl-E", TUI_ACT_END },
	{ '\t', "Tab", TUI_ACT_NEXT_VALUE },
	{ TUI_KEY_FN(KEY_BTAB), "Shift-Tab", TUI_ACT_PREV_VALUE },
	{ '/', "/", TUI_ACT_FIND },
	{ 'n', "n", TUI_ACT_FIND_NEXT },
	{ TUI_KEY_FN(KEY_BACKSPACE), "Backspace", TUI_ACT_BACKSPACE },
	{ 127, NULL, TUI_ACT_BACKSPACE },
	{ TUI_KEY_CTRL('h'), "Ctrl-H", TUI_ACT_BACKSPACE },
	{ TUI_KEY_FN(KEY_DC), "Delete", TUI_ACT_DELETE },
	{ TUI_KEY_CTRL('d'), "Ctrl-D", TUI_ACT_DELETE },
	{ TUI_KEY_CTRL('u'), "Ctrl-U", TUI_ACT_CLEAR_FIELD },
	{ TUI_KEY_CTRL('k'), "Ctrl-K", TUI_ACT_KILL_LINE },
	{ TUI_KEY_CTRL('z'), "Ctrl-Z", TUI_ACT_SUSPEND },
};

/* Texts of tui_action_keys(), built once. */
static char *action_keys_text[TUI_ACT_COUNT];

const char *tui_version(void)
{
	return "1";
}

const struct tui_action_info *tui_action_info(enum tui_action a)
{
	if (a <= TUI_ACT_NONE || a >= TUI_ACT_COUNT)
		return NULL;
	return &action_table[a];
}

const char *tui_action_keys(enum tui_action a)
{
	struct tui_buf b = { 0 };

	if (a <= TUI_ACT_NONE || a >= TUI_ACT_COUNT)
		return "";
	if (action_keys_text[a] != NULL)
		return action_keys_text[a];
	for (size_t i = 0; i < TUI_ARRAY_LEN(bindings); i++) {
		if (bindings[i].action != a || bindings[i].name == NULL)
			continue;
		if (b.len > 0)
			tui_buf_adds(&b, ", ");
		tui_buf_adds(&b, bindings[i].name);
	}
	/* Built once and kept for the life of the process (static storage). */
	action_keys_text[a] = tui_buf_steal(&b);
	return action_keys_text[a];
}

enum tui_action tui_action_for_key(int key)
{
	for (size_t i = 0; i < TUI_ARRAY_LEN(bindings); i++)
		if (bindings[i].key == key && key != ESC_SEQ)
			return bindings[i].action;
	return TUI_ACT_NONE;
}

char *tui_keys_help(void)
{
	struct tui_buf b = { 0 };

	tui_buf_adds(&b, "On terminals without function keys, press Esc and then the digit:\n"
	                 "Esc 1 is F1, ... Esc 9 is F9, Esc 0 is F10.\n\n");
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const struct tui_action_info *ai = &action_table[a];
		tui_buf_addf(&b, "%-16s %s\n    %s.\n", ai->label,
		             tui_action_keys((enum tui_action)a), ai->help);
	}
	return tui_buf_steal(&b);
}

char *tui_keys_mdoc(void)
{
	struct tui_buf b = { 0 };

	tui_buf_adds(&b, ".Bl -tag -width \"Shift-Tab\"\n");
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		const struct tui_action_info *ai = &action_table[a];
		tui_buf_addf(&b, ".It %s\n%s: %s.\n", tui_action_keys((enum tui_action)a),
		             ai->label, ai->help);
	}
	tui_buf_adds(&b, ".El\n");
	return tui_buf_steal(&b);
}
