#!/bin/bash
# t_tui_app.sh: the application on a real terminal (tmux), in the demo lab
# (`nimadm-tui --demo`), with keys alone: check the prerequisites of three
# clients at once (results stream in), read a failed client's checks, fill
# the migration dialog from pick lists, confirm after the job's own checks,
# watch the job run to its end, leave with a clean terminal. Under
# TERM=xterm with function keys, under TERM=vt100 with Esc+digit; a resize
# to too small and back; the fast paths open their screens.
# One tmux socket per run; every wait is bounded.
set -u
PROG=${NIMADM_TUI_PROG:-build/nimadm-tui}
case "$PROG" in /*) ;; *) PROG="$(pwd)/$PROG" ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/tui-app.XXXXXX")
SOCK="$T/tmux.sock"
FAILS=0
# A migration of about a minute in the demo lab takes a few seconds here.
SCALE=${TUI_APP_TIME_SCALE:-0.002}

command -v tmux >/dev/null || { echo "SKIP: no tmux"; exit 0; }
[ -x "$PROG" ] || { echo "FAIL: $PROG not built"; exit 1; }

TMUX_PANE_TARGET=app
# shellcheck source=tests/support/tmux.sh
source "${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/support/tmux.sh"
cleanup() {
	tm kill-server 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# fkey N: function key N as this run sends it (F-keys, or Esc then the digit).
fkey() {
	if [ "$STYLE" = esc ]; then
		tm send-keys -t app Escape "$(($1 % 10))"
	else
		tm send-keys -t app "F$1"
	fi
}

# A plain shell in an 80x24 window, with a private home and state.
start_shell() {
	local term=$1 home=$T/home-$1
	mkdir -p "$home/state"
	tm -f /dev/null new-session -d -s app -x 80 -y 24 \
		"env -i PATH=/usr/bin:/bin HOME=$home XDG_STATE_HOME=$home/state TERM=$term NIMSIM_TIME_SCALE=$SCALE PS1='READY\$ ' bash --norc --noprofile"
	tm set-option -t app remain-on-exit on >/dev/null
	wait_for 'READY$' || { echo "FAIL shell did not start"; exit 1; }
	keys "stty -g > $T/stty.before" Enter
}

run_app() {
	keys "clear" Enter
	wait_gone 'NIM Alternate Disk Migration' 5 >/dev/null
	keys "$PROG --demo $*; echo APP-RC=\$?" Enter
}

tty_restored() {
	keys "stty -g > $T/stty.after; cmp -s $T/stty.before $T/stty.after && echo TTY-RESTORED" Enter
	wait_for 'TTY-RESTORED' || return 1
	[ "$(tm display-message -p -t app '#{alternate_on}')" = 0 ] || return 1
}

flow() {
	local term=$1
	STYLE=$2
	echo "== TERM=$term, function keys as ${STYLE}"
	start_shell "$term"
	run_app
	check "$term: the main menu opens" wait_for 'Check Migration Prerequisites'

	# --- Check Migration Prerequisites for two clients ---
	keys Down Down Enter
	check "$term: the prerequisite dialog" wait_for 'Target NIM Client(s)'
	fkey 4
	check "$term: F4 lists the clients (read in the background)" wait_for 'aixbat01'
	keys Down
	fkey 7
	keys Down Down Down Down Down
	fkey 7
	keys Down Down Down Down Down
	fkey 7
	keys Enter
	check "$term: three clients chosen" wait_for 'aixbat01 aixold01'
	keys Down
	fkey 4
	check "$term: F4 lists the SPOTs with their levels" wait_for 'spot_7300_02       7300-02-02-2420'
	keys Enter Down
	fkey 4
	check "$term: F4 lists the lpp_sources with their levels" wait_for 'lpp_7300_02   7300-02'
	keys Enter
	fkey 6
	check "$term: F6 shows the check command" \
		wait_for 'nimadm-tui check -c aixdb01,aixbat01,aixold01 -s spot_7300_02'
	fkey 3
	keys Enter
	check "$term: the report fills in" wait_for 'Prerequisite Report'
	# aixold01 does not answer: its row waits for its time-out while the others are in
	check "$term: results stream in, host by host" \
		wait_re 'aixold01 +\.\.\. +\.\. \.\. \.\.'
	check "$term: while running, the checks can be stopped" wait_for 'Stop the checks ('
	check "$term: the checks end" wait_for 'Run the checks again' 60
	check "$term: aixdb01 passes" wait_re 'aixdb01 +(OK|WARN) '
	check "$term: aixbat01 fails (ncargs)" wait_re 'aixbat01 +FAIL +ok ok ok ok ok ok ok ok ok ok FA'
	check "$term: aixold01 is unreachable" wait_re 'aixold01 +FAIL +ok ok FA ER'
	keys Down Down Down Down Enter
	check "$term: Enter shows the client's checks" wait_for 'Prerequisite Checks of aixbat01'
	check "$term: with the failed one" wait_re 'FAIL +client.ncargs'
	fkey 3
	fkey 3
	fkey 3
	check "$term: back in the main menu" wait_for 'Perform NIM mksysb Migrations'

	# --- resize: too small and back ---
	tm resize-window -t app -x 70 -y 20
	check "$term: below 80x24 it says so" wait_for 'Terminal too small'
	tm resize-window -t app -x 80 -y 24
	check "$term: back to 80x24" wait_for 'Perform NIM mksysb Migrations'

	# --- migrate one client, the dialog filled by pick lists ---
	keys Home Enter
	check "$term: the migration dialog" wait_for 'ACCEPT new license agreements?'
	fkey 4
	wait_for 'aixapp01' >/dev/null
	keys Enter Down
	fkey 4
	wait_for 'spot_7300_02_sp1' >/dev/null
	keys Enter Down
	fkey 4
	wait_for 'lpp_7200_05' >/dev/null
	keys Enter Down
	fkey 4
	check "$term: F4 lists aixdb01's disks, size and PVID" \
		wait_for 'hdisk1    51200 MB  00c8f1a0b1c20002  free'
	keys Down
	fkey 7
	keys Enter
	check "$term: the dialog is filled" wait_for '[hdisk1'
	fkey 6
	check "$term: F6 shows the nimadm command" \
		wait_for 'nimadm -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1'
	fkey 3
	keys Enter
	check "$term: the job's checks, then ARE YOU SURE?" wait_for 'ARE YOU SURE?' 60
	check "$term: it names the command" wait_for 'This starts a migration:'
	keys Enter
	check "$term: the job runs" wait_re '[Pp]hase' 30
	check "$term: the job ends well" wait_re 'Command: OK|succeeded|SUCCEEDED' 240

	# --- leave ---
	fkey 10
	check "$term: exits with 0" wait_for 'APP-RC=0'
	check "$term: the terminal is restored" tty_restored
	keys "$PROG --demo jobs" Enter
	check "$term: the journal says the migration succeeded" \
		wait_re 'aixdb01 +migrate +succeeded'

	# --- the fast paths open their screens; F3 leaves ---
	run_app migrate
	check "$term: nimadm-tui migrate opens the dialog" wait_for 'Perform NIM Alternate Disk Migration'
	fkey 3
	check "$term: F3 leaves it" wait_for 'APP-RC=0'
	run_app check
	check "$term: nimadm-tui check opens the prerequisite dialog" \
		wait_for 'Check Migration Prerequisites'
	fkey 10
	check "$term: F10 leaves it" wait_for 'APP-RC=0'
	run_app monitor
	check "$term: nimadm-tui monitor shows the job" wait_for 'aixdb01'
	fkey 10
	check "$term: and leaves" wait_for 'APP-RC=0'
	run_app logs
	check "$term: nimadm-tui logs offers the job's log" wait_for 'aixdb01'
	fkey 10
	check "$term: and leaves" wait_for 'APP-RC=0'
	tm kill-server
	sleep 0.1
}

for spec in ${TUI_APP_TERMS:-xterm:fkeys vt100:esc}; do
	term=${spec%%:*}
	if ! infocmp "$term" >/dev/null 2>&1; then
		echo "skip TERM=$term: no terminfo entry"
		continue
	fi
	flow "$term" "${spec#*:}"
done

if [ $FAILS -gt 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all checks passed"
