/* edit.c: typing into a libform field, shared by the dialog and the prompt pop-up. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int tui_edit_key(FORM *form, enum tui_action a, int key, int numeric)
{
	int req = -1;

	switch (a) {
	case TUI_ACT_LEFT:
		req = REQ_PREV_CHAR;
		break;
	case TUI_ACT_RIGHT:
		req = REQ_NEXT_CHAR;
		break;
	case TUI_ACT_HOME:
		req = REQ_BEG_FIELD;
		break;
	case TUI_ACT_END:
		req = REQ_END_LINE;
		break;
	case TUI_ACT_BACKSPACE:
		req = REQ_DEL_PREV;
		break;
	case TUI_ACT_DELETE:
		req = REQ_DEL_CHAR;
		break;
	case TUI_ACT_CLEAR_FIELD:
		req = REQ_CLR_FIELD;
		break;
	case TUI_ACT_KILL_LINE:
		req = REQ_CLR_EOL;
		break;
	default:
		break;
	}
	if (req >= 0) {
		form_driver(form, req);
		return 1;
	}
	if (TUI_KEY_IS_FN(key) || key < 32 || key == 127)
		return 0;
	if (numeric && !(key >= '0' && key <= '9') && key != '-') {
		tui_error("Only digits can be typed in this field.");
		return 1;
	}
	form_driver_w(form, OK, (wchar_t)key);
	return 1;
}

char *tui_edit_value(FORM *form, FIELD *field)
{
	const char *buf;
	size_t n;

	if (form != NULL)
		form_driver(form, REQ_VALIDATION);
	buf = field_buffer(field, 0);
	if (buf == NULL)
		return tui_xstrdup("");
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	return tui_xstrndup(buf, n);
}

void tui_blank(WINDOW *w, int y, int x, int n)
{
	if (y < 0 || y >= getmaxy(w))
		return;
	wmove(w, y, x);
	for (int i = 0; i < n && x + i < getmaxx(w); i++)
		waddch(w, ' ');
}
