#!/bin/bash
# t_tui_smoke.sh: the widget kit on a real terminal (tmux), under TERM=xterm,
# vt100, xterm-256color and aixterm: function keys, Esc+digit, resize (too
# small and back), F9, Ctrl-Z, SIGTERM, a crash, and a clean exit that
# gives the shell its terminal back.
# Drives the demo in test_tui_demo (--demo). One tmux socket per run; every
# wait is bounded.
set -u
BUILD=${NIMADM_TUI_BUILD:-build}
DEMO="$BUILD/tests/test_tui_demo"
T=$(mktemp -d "${TMPDIR:-/tmp}/tui-smoke.XXXXXX")
SOCK="$T/tmux.sock"
FAILS=0

command -v tmux >/dev/null || { echo "SKIP: no tmux"; exit 0; }
[ -x "$DEMO" ] || { echo "FAIL: $DEMO not built"; exit 1; }

TMUX_PANE_TARGET=smoke
WAIT_SECONDS=10
# shellcheck source=tests/support/tmux.sh
source "${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/support/tmux.sh"
cleanup() { tm kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

# A plain shell in an 80x24 window; the demo runs in it.
start_shell() {
	local term=$1
	tm -f /dev/null new-session -d -s smoke -x 80 -y 24 \
		"env -i PATH=/usr/bin:/bin HOME=$T TERM=$term PS1='READY\$ ' bash --norc --noprofile"
	tm set-option -t smoke remain-on-exit on >/dev/null
	wait_for 'READY$' || { echo "FAIL shell did not start"; exit 1; }
	tm send-keys -t smoke "stty -g > $T/stty.before" Enter
}

# Starts the demo; waits until the screen was cleared (without an
# alternate screen the last run's menu is still there) and the new demo
# shows its menu.
run_demo() {
	local i
	rm -f "$T/demo.pid"
	tm send-keys -t smoke "clear" Enter
	wait_gone 'Move cursor to desired item and press Enter.' || return 1
	tm send-keys -t smoke "sh -c 'echo \$\$ > $T/demo.pid; exec $DEMO --demo'; echo DEMO-RC=\$?" Enter
	for ((i = 0; i < 500; i++)); do
		[ -s "$T/demo.pid" ] && break
		sleep 0.02
	done
	wait_for 'Move cursor to desired item and press Enter.'
}

# The shell has its terminal back: the tty modes (bash restores those itself
# after a signal) and what only the program can undo: the alternate
# screen, a hidden cursor, keypad mode (tmux knows them), each where the
# terminal type has it.
tty_restored() {
	local caps want got
	tm send-keys -t smoke "stty -g > $T/stty.after; cmp -s $T/stty.before $T/stty.after && echo TTY-RESTORED" Enter
	wait_for 'TTY-RESTORED' || return 1
	caps=$(infocmp -1 "$TERM_UNDER_TEST" 2>/dev/null)
	want="" got=""
	if grep -q '^	smcup=' <<<"$caps"; then
		want+="alt=0 "
		got+="alt=$(tm display-message -p -t smoke '#{alternate_on}') "
	fi
	if grep -q '^	civis=' <<<"$caps"; then
		want+="cursor=1 "
		got+="cursor=$(tm display-message -p -t smoke '#{cursor_flag}') "
	fi
	if grep -q '^	smkx=' <<<"$caps"; then
		want+="keypad=0 "
		got+="keypad=$(tm display-message -p -t smoke '#{keypad_flag}') "
	fi
	[ "$want" = "$got" ] || { echo "terminal state: want '$want' got '$got'"; return 1; }
}

smoke() {
	local term=$1
	TERM_UNDER_TEST=$term
	echo "== TERM=$term"
	start_shell "$term"
	check "$term: the demo starts with its menu" run_demo
	check "$term: the function-key bar" wait_for 'F1=Help             F2=Refresh          F3=Cancel           F8=Image'

	# F1 and Esc 1 open the item's help; F3 and Esc 3 close it
	local help='A dialog with one field of every kind the kit knows.'
	tm send-keys -t smoke F1
	check "$term: F1 shows help" wait_for "$help"
	tm send-keys -t smoke F3
	check "$term: F3 closes it" wait_gone "$help"
	tm send-keys -t smoke Escape 1
	check "$term: Esc 1 shows help" wait_for "$help"
	tm send-keys -t smoke Escape 3
	check "$term: Esc 3 closes it" wait_gone "$help"

	# F9: a shell; the menu comes back when it exits
	tm send-keys -t smoke F9
	check "$term: F9 starts a shell" wait_for 'Type exit to return to the menus.'
	tm send-keys -t smoke -l 'echo IN-SHELL-$((40+2))'
	tm send-keys -t smoke Enter
	check "$term: the shell runs commands" wait_for 'IN-SHELL-42'
	tm send-keys -t smoke -l 'exit'
	tm send-keys -t smoke Enter
	check "$term: exit returns to the menu" wait_for 'Move cursor to desired item and press Enter.'

	# a dialog: typing, F5 (tmux sends xterm's F5 even to vt100)
	tm send-keys -t smoke Enter
	check "$term: Enter opens the dialog" wait_for '[Entry Fields]'
	tm send-keys -t smoke -l 'smokehost'
	check "$term: typing goes into the field" wait_for '[smokehost'
	tm send-keys -t smoke F5
	check "$term: F5 resets the field" wait_gone 'smokehost'
	tm send-keys -t smoke -l 'smokehost'
	wait_for '[smokehost' >/dev/null

	# Esc 4 lists (asynchronously), Enter picks
	tm send-keys -t smoke Down Down Down
	tm send-keys -t smoke Escape 4
	check "$term: Esc 4 opens the list" wait_for 'elderberry'
	tm send-keys -t smoke Down Enter
	check "$term: Enter puts the choice in the field" wait_for '[banana'

	# F6 and Esc Esc
	tm send-keys -t smoke F6
	check "$term: F6 shows the command" wait_for 'demo-greet -n smokehost -c 3'
	tm send-keys -t smoke Escape Escape
	check "$term: Esc Esc cancels the pop-up" wait_gone 'SHOW COMMAND STRING'

	# resize: too small, larger, back
	tm resize-window -t smoke -x 60 -y 20
	check "$term: below 80x24 it says so" wait_for 'Terminal too small'
	tm resize-window -t smoke -x 100 -y 30
	check "$term: larger again, the dialog is back" wait_for '[Entry Fields]'
	check "$term: and uses the width" wait_for 'F1=Help                  F2=Refresh'
	tm resize-window -t smoke -x 80 -y 24
	check "$term: back to 80x24" wait_for 'F1=Help             F2=Refresh          F3=Cancel           F4=List'

	# Enter, ARE YOU SURE?, COMMAND STATUS
	tm send-keys -t smoke Enter
	check "$term: the confirmation" wait_for 'ARE YOU SURE?'
	tm send-keys -t smoke Enter
	check "$term: COMMAND STATUS ends OK" wait_for 'Command: OK'
	check "$term: with the output" wait_for 'All steps done.'

	# F10 leaves; the terminal is the shell's again
	tm send-keys -t smoke F10
	check "$term: F10 exits with 0" wait_for 'DEMO-RC=0'
	check "$term: the terminal is restored" tty_restored

	# Esc 0 also exits
	run_demo >/dev/null
	tm send-keys -t smoke Escape 0
	check "$term: Esc 0 exits with 0" wait_for 'DEMO-RC=0'

	# SIGTERM: a clean exit with 128+15, terminal restored
	run_demo >/dev/null
	local pid
	pid=$(cat "$T/demo.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
		check "$term: SIGTERM exits with 143" wait_for 'DEMO-RC=143'
		check "$term: the terminal is restored after SIGTERM" tty_restored
	else
		check "$term: found the demo's pid" false
	fi

	# a crash (SIGSEGV): the terminal is restored before the process dies
	# (a pop-up first: it hides the cursor)
	run_demo >/dev/null
	tm send-keys -t smoke Down Down Down Enter
	wait_for 'A Text Pop-up' >/dev/null
	pid=$(cat "$T/demo.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -SEGV "$pid" 2>/dev/null; then
		check "$term: SIGSEGV kills it" wait_for 'DEMO-RC=139'
		check "$term: the terminal is restored after a crash" tty_restored
	else
		check "$term: found the demo's pid" false
	fi

	# Ctrl-Z suspends (the shell's list goes on: DEMO-RC=148), fg resumes
	run_demo >/dev/null
	tm send-keys -t smoke C-z
	check "$term: Ctrl-Z suspends" wait_for 'DEMO-RC=148'
	tm send-keys -t smoke "clear" Enter
	wait_gone 'Move cursor to desired item and press Enter.' >/dev/null
	tm send-keys -t smoke -l 'fg'
	tm send-keys -t smoke Enter
	check "$term: fg resumes the menu" wait_for 'Move cursor to desired item and press Enter.'
	check "$term: with its bar" wait_for 'F9=Shell            F10=Exit            Enter=Do'
	tm send-keys -t smoke F10
	check "$term: the terminal is restored after suspend and exit" tty_restored
	tm kill-server
	sleep 0.1
}

for term in xterm vt100 xterm-256color aixterm; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		echo "skip TERM=$term: no terminfo entry"
		continue
	fi
	smoke "$term"
done

if [ $FAILS -gt 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all checks passed"
