/* tui.h: the domain-free widget kit on ncurses, form, menu and panel. */
#ifndef NIMADM_TUI_H
#define NIMADM_TUI_H

const char *tui_version(void);

#endif
