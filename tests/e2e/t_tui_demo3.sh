#!/bin/bash
# t_tui_demo3.sh: issue 6's "done when" on a real terminal (tmux), in the
# demo lab, with keys alone: start three migrations from the migration
# dialog (aixdb01, which succeeds; aixhr01, whose cache file system stays
# busy so nimadm fails in phase 10 with 0505-158/0505-192; aixfin01, forced
# past its lppchk warning, whose network drops the cache restore in phase 9
# with 0505-217), watch the three side by side in the monitor, open the
# failed aixhr01, read the knowledge base's explanation of its error, clean
# it up (nimadm -C, after ARE YOU SURE?), then resume aixfin01 from its
# failed phase. r on the cleaned-up aixhr01 says why it cannot be resumed
# and starts nothing. The journal (`nimadm-tui jobs`) is checked after each step.
# Every wait polls the screen or the journal with a time limit; one tmux
# socket and one state directory per run.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
case "$PROG" in /*) ;; *) PROG="$(pwd)/$PROG" ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/tui-demo3.XXXXXX")
SOCK="$T/tmux.sock"
SD="$T/state"
FAILS=0 PASSES=0
# a demo migration (about an hour of AIX time) in a few seconds
SCALE=${TUI_DEMO3_TIME_SCALE:-0.001}

command -v tmux >/dev/null || { echo "SKIP: no tmux"; echo "0 passed, 0 failed"; exit 0; }
[ -x "$PROG" ] || { echo "FAIL: $PROG not built"; echo "0 passed, 1 failed"; exit 1; }

TMUX_PANE_TARGET=demo
# shellcheck source=tests/support/tmux.sh
source "$SRC/tests/support/tmux.sh"
check_extra() {
	echo "---- journal ----"
	nt jobs 2>&1
}
nt() { NIMSIM_TIME_SCALE=$SCALE "$PROG" --demo --state-dir "$SD" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	# nothing may outlive the test
	for d in "$SD"/jobs/*; do
		[ -d "$d" ] && nt cancel "${d##*/}" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

# journal REGEX [SECONDS]: until `nimadm-tui jobs` has a line matching REGEX.
journal() {
	local re=$1 max=${2:-30} i
	for ((i = 0; i < max * 10; i++)); do
		nt jobs 2>/dev/null | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	return 1
}
# journal_count REGEX N [SECONDS]: until `nimadm-tui jobs` has exactly N lines
# matching REGEX (SECONDS 0: look once).
journal_count() {
	local re=$1 n=$2 max=${3:-0} i
	for ((i = 0; i <= max * 10; i++)); do
		[ "$(nt jobs 2>/dev/null | grep -cE -- "$re")" -eq "$n" ] && return 0
		[ "$max" -gt 0 ] && sleep 0.1
	done
	return 1
}
# from_phase CLIENT PHASE: how many of CLIENT's jobs were asked to start at PHASE.
from_phase() {
	cat "$SD"/jobs/*-"$1"/job.ini 2>/dev/null | grep -c "^from_phase = $2\$"
}

# back_to_monitor: F3 until the monitor is on top (the job views opened on
# the way are left one at a time).
back_to_monitor() {
	local i
	for ((i = 0; i < 4; i++)); do
		keys F3
		wait_for 'Monitor Alternate Disk Migration Jobs' 3 && return 0
	done
	return 1
}

# select_row CLIENT: moves the monitor's cursor to CLIENT's first row (from the
# top again if the rows moved under it).
select_row() {
	local client=$1 try row i
	for ((try = 0; try < 5; try++)); do
		keys Home
		for ((row = 0; row < 15; row++)); do
			# the cursor moves one row per key: let it land before looking
			for ((i = 0; i < 5; i++)); do
				screen | grep -qE "^> $client " && return 0
				sleep 0.02
			done
			keys Down
		done
	done
	return 1
}

# migrate CLIENT [force]: from the main menu, one migration through the dialog:
# the SPOT, lpp_source, disk and cache VG typed in, the licenses accepted,
# then the job's own checks and ARE YOU SURE?. Back in the main menu after.
migrate() {
	local client=$1 force=${2:-} i
	keys Home Enter
	wait_for 'Target NIM Client' || return 1
	keys -l "$client"
	keys Down
	keys -l spot_7300_02
	keys Down
	keys -l lpp_7300_02
	keys Down
	keys -l hdisk1
	keys Down
	keys -l cachevg
	keys Down Tab
	wait_re 'ACCEPT new license agreements\? +\[yes' 5 || return 1
	if [ -n "$force" ]; then
		for ((i = 0; i < 10; i++)); do keys Down; done
		keys Tab
		wait_re 'Force\? +\[yes' 5 || return 1
	fi
	wait_for "[$client" 5 || return 1
	keys Enter
	wait_for 'ARE YOU SURE?' 60 || return 1
	wait_for "nimadm -c $client -s spot_7300_02" 5 || return 1
	keys Enter
	wait_for "Alternate Disk Migration Job: $client" 30 || return 1
	keys F3
	wait_for 'Prerequisites of the Job' 10 || return 1
	keys F3
	wait_for 'Perform NIM Alternate Disk Migration' 10 || return 1
	keys F3
	wait_for 'Monitor Migrations' 10
}

mkdir -p "$SD"
tm -f /dev/null new-session -d -s demo -x 100 -y 30 \
	"env -i PATH=/usr/bin:/bin HOME=$T TERM=xterm NIMSIM_TIME_SCALE=$SCALE ${NIMADM_TUI_SIMDIR:+NIMADM_TUI_SIMDIR=$NIMADM_TUI_SIMDIR} sh -c '$PROG --demo --state-dir $SD; echo DEMO-RC=\$?; sleep 600'"
tm set-option -t demo remain-on-exit on >/dev/null
check "the main menu opens" wait_for 'Check Migration Prerequisites'

# --- three migrations from the TUI ---
check "migrate aixhr01 from the dialog" migrate aixhr01
check "the journal has it" journal 'aixhr01 +migrate'
check "migrate aixfin01, forced past its lppchk check" migrate aixfin01 force
check "the journal has it" journal 'aixfin01 +migrate'
check "migrate aixdb01 from the dialog" migrate aixdb01
check "the journal has three migrations" journal_count ' migrate ' 3

# --- side by side in the monitor ---
keys Home Down Down Down Enter
check "the monitor opens" wait_for 'Monitor Alternate Disk Migration Jobs'
check "it shows aixhr01's row" wait_re '^.{2}aixhr01 +migrate +'
check "and aixfin01's" wait_re '^.{2}aixfin01 +migrate +'
check "and aixdb01's" wait_re '^.{2}aixdb01 +migrate +'
check "aixhr01 fails in phase 10" wait_re 'aixhr01 +migrate +FAILED +10/12' 60
check "aixfin01 fails in phase 9" wait_re 'aixfin01 +migrate +FAILED +9/12' 60
check "aixdb01 succeeds" wait_re 'aixdb01 +migrate +done +12/12' 60
check "the journal agrees (aixhr01)" journal 'aixhr01 +migrate +failed +10/12'
check "the journal agrees (aixfin01)" journal 'aixfin01 +migrate +failed +9/12'
check "the journal agrees (aixdb01)" journal 'aixdb01 +migrate +succeeded +12/12'

# --- the failure explained ---
check "the cursor goes to aixhr01" select_row aixhr01
keys Enter
check "Enter opens its job view" wait_for 'Alternate Disk Migration Job: aixhr01'
check "which shows the failed phase" wait_re '10 unexport +FAILED'
keys Tab
check "Tab lists its messages, the error among them" wait_re 'ERROR +umount: error unmounting'
check "with the knowledge base's explanation" wait_for 'A process still has files open'

# --- cleanup (-C), confirmed ---
keys C
check "C asks first" wait_for 'ARE YOU SURE?'
check "naming nimadm -C" wait_for 'nimadm -C -c aixhr01 -s spot_7300_02'
check "the journal has no cleanup yet" journal_count 'aixhr01 +cleanup' 0
keys Enter
check "Enter starts the cleanup" wait_for 'started (cleanup of'
check "and shows the cleanup job" wait_re '^cleanup +aixhr01 '
check "the journal has the cleanup, and it succeeds" journal 'aixhr01 +cleanup +succeeded' 30
check "the failed migration stays in the journal" journal 'aixhr01 +migrate +failed +10/12'

# --- the cleaned-up migration is not resumed ---
keys F3
check "F3 goes back to aixhr01's migration" wait_re '^migrate aixhr01 +FAILED'
check "which no longer offers r=Resume" wait_re '^Tab=.*  C=Cleanup  b=Bundle'
JOBS_BEFORE=$(nt jobs 2>/dev/null | grep -c .)
keys r
check "r says why" wait_for 'Cannot Resume'
check "naming the cleanup job" wait_re 'job [0-9]{8}-[0-9]{6}-aixhr01 \(nimadm -C\) cleaned it up'
check "and what to do" wait_for 'start a new migration'
check "no ARE YOU SURE?" eval '! screen | grep -qF "ARE YOU SURE?"'
check "and no new job" journal_count 'aixhr01 +migrate' 1
check "none at all" [ "$(nt jobs 2>/dev/null | grep -c .)" -eq "$JOBS_BEFORE" ]
keys F3
check "F3 closes the answer" wait_gone 'Cannot Resume' 5

# --- resume aixfin01 from its failed phase ---
check "F3 goes back to the monitor" back_to_monitor
check "the cleanup shows there too" wait_re 'aixhr01 +cleanup +(running|done)' 30
check "the cursor goes to aixfin01" select_row aixfin01
check "r is offered" wait_re 'r=Resume'
keys r
check "r asks first" wait_for 'ARE YOU SURE?'
check "naming the phase" wait_for 'at phase 9'
keys Enter
check "Enter starts the resume" wait_for 'started (resume of'
check "and shows the new job" wait_re '^migrate +aixfin01 '
check "the journal has a second aixfin01 migration" journal_count 'aixfin01 +migrate' 2 10
check "asked to start at phase 9" [ "$(from_phase aixfin01 9)" -eq 1 ]
check "which ends" journal_count 'aixfin01 +migrate +(succeeded|failed) ' 2 30

# --- leave ---
keys F10
check "F10 leaves with status 0" wait_for 'DEMO-RC=0'

echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
