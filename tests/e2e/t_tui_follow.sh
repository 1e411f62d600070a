#!/bin/bash
# t_tui_follow.sh: the log viewer's follow mode on a real terminal (tmux),
# under TERM=xterm-256color and vt100. `nimadm-tui logs` opens the chooser
# ("(another file)" and a path open the viewer), `nimadm-tui logs FILE` the
# viewer at once. With the cursor on the last
# line the view follows the file as it grows; moving up stops it (the new
# lines are counted, not shown); End follows again; a truncated file is read
# again from the start; F10 (Esc 0 on vt100) leaves with status 0.
# One tmux socket per run; every wait is bounded.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
T=$(mktemp -d "${TMPDIR:-/tmp}/tui-follow.XXXXXX")
SOCK="$T/tmux.sock"
LOG="$T/follow.log"
FAILS=0 PASSES=0

command -v tmux >/dev/null || { echo "SKIP: no tmux"; echo "0 passed, 0 failed"; exit 0; }
[ -x "$PROG" ] || { echo "FAIL: $PROG not built"; echo "0 passed, 1 failed"; exit 1; }

TMUX_PANE_TARGET=follow
# shellcheck source=tests/support/tmux.sh
source "$SRC/tests/support/tmux.sh"
cleanup() { tm kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# the row of the viewer holding the cursor ('>' in the first column)
cursor_row() { screen | sed -n '3,22p' | grep '^>' | head -1; }

cursor_on() { cursor_row | grep -qF -- "$1"; }

append() {
	local from=$1 to=$2 i
	for ((i = from; i <= to; i++)); do echo "follow test line $i"; done >>"$LOG"
}

run_term() {
	local term=$1 how=$2
	: >"$LOG"
	append 1 100
	if [ "$how" = chooser ]; then
		tm -f /dev/null new-session -d -s follow -x 80 -y 24 \
			"env -i PATH=/usr/bin:/bin HOME=$T TERM=$term sh -c '$PROG --state-dir $T/state logs; echo EXIT-RC=\$?; sleep 600'"
		tm set-option -t follow remain-on-exit on >/dev/null
		check "$term: logs opens the chooser" wait_for 'Open a Log'
		# the last item is "(another file)": a prompt for any path
		tm send-keys -t follow End Enter
		check "$term: another file asks for its name" wait_for 'The file to open:'
		tm send-keys -t follow -l "$LOG"
		tm send-keys -t follow Enter
	else
		tm -f /dev/null new-session -d -s follow -x 80 -y 24 \
			"env -i PATH=/usr/bin:/bin HOME=$T TERM=$term sh -c '$PROG --state-dir $T/state logs $LOG; echo EXIT-RC=\$?; sleep 600'"
		tm set-option -t follow remain-on-exit on >/dev/null
	fi
	check "$term: the viewer opens the file" wait_for 'Log Viewer: follow.log'
	check "$term: it starts at the top" wait_for 'line 1 of 100'
	tm send-keys -t follow End
	check "$term: End follows" wait_for '[follow]'
	check "$term: the last line is under the cursor" cursor_on 'follow test line 100'

	append 101 110
	check "$term: new lines show while following" wait_for 'follow test line 110' 5
	check "$term: the cursor follows them" cursor_on 'follow test line 110'
	check "$term: the count follows" wait_for 'line 110 of 110'

	tm send-keys -t follow Up Up Up
	check "$term: moving up stops following" wait_for 'line 107 of 110'
	check "$term: [follow] is gone" not_shows '[follow]'
	append 111 115
	check "$term: growth is counted while scrolled up" wait_for 'line 107 of 115' 5
	check "$term: but not shown" not_shows 'follow test line 115'
	check "$term: the cursor stays" cursor_on 'follow test line 107'

	tm send-keys -t follow End
	check "$term: End follows again" wait_for 'follow test line 115'
	check "$term: [follow] is back" wait_for '[follow]'

	echo "after truncation" >"$LOG"
	check "$term: truncation reads the file again" wait_for 'reading it again from the start' 5
	check "$term: the new text shows" wait_for 'after truncation'

	if [ "$term" = vt100 ]; then
		tm send-keys -t follow Escape 0
	else
		tm send-keys -t follow F10
	fi
	# the shell around it prints the exit status (tmux may be slow to reap)
	check "$term: exit leaves with status 0" wait_for 'EXIT-RC=0'
	tm kill-session -t follow 2>/dev/null
}

run_term xterm-256color chooser
run_term vt100 direct

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
