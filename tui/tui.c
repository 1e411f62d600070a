/* tui.c: placeholder until the widget kit lands. */
#include "tui.h"

const char *tui_version(void)
{
	return "0";
}
