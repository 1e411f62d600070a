#!/bin/bash
# t_screens.sh: headless golden tests of the application's screens. Each
# tests/screens/scripts/NAME.keys runs the real program on the demo lab
# (`nimadm-tui --lab DEMO --script NAME.keys --dump-dir DIR [SCREEN]`, a
# "# screen: SCREEN" line picks a fast path), in its own state directory,
# and every `:dump X` must match tests/screens/golden/X.txt after masking
# what changes from run to run (job ids, a check's round-trip time). Lines
# "# expect-log: TEXT" and "# expect-script: TEXT" in a script name what the
# smit.log-like $HOME/nimadm-tui.log and nimadm-tui.script must hold after it.
# Lines "# setup: ARGS" run `nimadm-tui --lab LAB ARGS` in the script's
# state before it starts (a snapshot, a migration to look at); lines
# "# after: SHELL" must succeed afterwards (bash, with $PROG, $LAB, $HOME,
# $STATE, and `lab CLIENT CMD...` running a command on a lab host): the
# real outcomes beside the goldens.
# UPDATE_GOLDEN=1 rewrites the goldens; arguments pick scripts by name.
#
# The lab is the demo lab with its mksysb dates moved to the same distance
# from today (the checker judges a backup's age by the real clock); the
# dumps show the demo's own dates again.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${NIMADM_TUI_BUILD:-$SRC/build}
PROG=${NIMADM_TUI_PROG:-$BUILD/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$BUILD/sim}
DIR=$SRC/tests/screens
# Always under /tmp: screens that show a path (a snapshot, a bundle) wrap
# it at the same column whatever TMPDIR is, and the masked path matches.
T=$(mktemp -d /tmp/screens.XXXXXX)
FAILS=0

[ -x "$PROG" ] || { echo "FAIL: $PROG not built"; exit 1; }
[ -f "$SIMDIR/labs/demo.lab" ] || { echo "FAIL: no demo lab in $SIMDIR/labs"; exit 1; }

# Jobs run under detached supervisors: let them end before the directory goes.
wait_jobs() {
	local home=$1 i
	for ((i = 0; i < 600; i++)); do
		HOME=$home XDG_STATE_HOME=$home/state "$PROG" --lab "$LAB" jobs 2>/dev/null |
			grep -qE ' (running|waiting|paused) ' || return 0
		sleep 0.1
	done
	echo "note: a job of $home is still running"
}
cleanup() { rm -rf "$T"; }
trap cleanup EXIT

# The demo's mksysb dates, and where the test lab puts them: 6 and 600 days
# (and a minute) ago. A pick list may cut a date short: the day and time are
# masked first, then the year.
export TZ=UTC
DAY1='Sun Nov 15 02:10:44' YEAR1=2026
DAY2='Tue Mar 14 01:02:03' YEAR2=2023
NOW=$(date +%s)
NEWDAY1=$(LC_ALL=C date -d "@$((NOW - 6 * 86400 - 60))" '+%a %b %d %H:%M:%S')
NEWYEAR1=$(LC_ALL=C date -d "@$((NOW - 6 * 86400 - 60))" '+%Y')
NEWDAY2=$(LC_ALL=C date -d "@$((NOW - 600 * 86400 - 60))" '+%a %b %d %H:%M:%S')
NEWYEAR2=$(LC_ALL=C date -d "@$((NOW - 600 * 86400 - 60))" '+%Y')
LAB=$T/demo.lab
sed -e "s/^creation_date = $DAY1 $YEAR1\$/creation_date = $NEWDAY1 $NEWYEAR1/" \
	-e "s/^creation_date = $DAY2 $YEAR2\$/creation_date = $NEWDAY2 $NEWYEAR2/" \
	"$SIMDIR/labs/demo.lab" >"$LAB"
grep -q "$NEWDAY1 $NEWYEAR1" "$LAB" || {
	echo "FAIL: the demo lab has no mksysb dated $DAY1 $YEAR1"
	exit 1
}

export NIMSIM_TIME_SCALE=0

# Issue 7's screens also show the test's directory, ISO times, archive
# names, pre/post_migration's dated directories and step durations.
mask() {
	sed -E -e "s|$T|TMP|g" \
		-e 's/[0-9]{8}-[0-9]{6}-/YYYYMMDD-HHMMSS-/g' \
		-e 's/[0-9]{8}-[0-9]{6}/YYYYMMDD-HHMMSS/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}/YYYY-MM-DDTHH:MM:SS+ZZZZ/g' \
		-e 's/(pre|post)_migration\.[0-9]{12}/\1_migration.YYMMDDHHMMSS/g' \
		-e 's/\(exit (-?[0-9]+), [0-9]+\.[0-9] s\)/(exit \1, N.N s)/g' \
		-e 's/answered in [0-9][^|]*/answered in .../g' \
		-e 's/(ended at|elapsed) [0-9:]+/\1 TIME/g' \
		-e 's/  [0-9]{2}:[0-9]{2}  [0-9]+:[0-9]{2}:[0-9]{2}/  HH:MM  H:MM:SS/g' \
		-e "s/$NEWDAY1 $NEWYEAR1/$DAY1 $YEAR1/g" -e "s/$NEWDAY2 $NEWYEAR2/$DAY2 $YEAR2/g" \
		-e "s/$NEWDAY1/$DAY1/g" -e "s/$NEWDAY2/$DAY2/g" "$1"
}

# Where the first difference is, for the log.
show_diff() {
	diff -u "$1" "$2" | head -40
}

run_script() {
	local keys=$1 name home screen rc dump want got
	name=$(basename "$keys" .keys)
	home=$T/$name
	mkdir -p "$home/state" "$home/dumps"
	screen=$(sed -n 's/^# screen: *//p' "$keys" | head -n 1)
	local setup
	while IFS= read -r setup; do
		# shellcheck disable=SC2086 # the words of the line are the arguments
		HOME=$home XDG_STATE_HOME=$home/state "$PROG" --lab "$LAB" $setup \
			>>"$home/setup.out" 2>&1 ||
			{ echo "FAIL $name: setup '$setup' failed"; cat "$home/setup.out"; FAILS=$((FAILS + 1)); return; }
	done < <(sed -n 's/^# setup: *//p' "$keys")
	HOME=$home XDG_STATE_HOME=$home/state "$PROG" --lab "$LAB" --script "$keys" \
		--dump-dir "$home/dumps" $screen >"$home/out" 2>&1
	rc=$?
	wait_jobs "$home"
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: nimadm-tui exited $rc"
		cat "$home/out"
		FAILS=$((FAILS + 1))
		return
	fi
	local bad=0
	for dump in $(sed -n 's/^[[:space:]]*:dump[[:space:]]\+\([^[:space:]#]*\).*/\1/p' "$keys"); do
		want=$DIR/golden/$dump.txt
		got=$home/dumps/$dump.txt
		if [ ! -f "$got" ]; then
			echo "FAIL $name: no dump $dump"
			bad=1
			continue
		fi
		mask "$got" >"$got.masked"
		if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
			cmp -s "$got.masked" "$want" || { cp "$got.masked" "$want" && echo "updated $want"; }
		elif [ ! -f "$want" ]; then
			echo "FAIL $name: no golden $want (run with UPDATE_GOLDEN=1)"
			bad=1
		elif ! cmp -s "$want" "$got.masked"; then
			echo "FAIL $name: $dump differs from its golden"
			show_diff "$want" "$got.masked"
			bad=1
		fi
	done
	# "# expect-log: TEXT" and "# expect-script: TEXT": what $HOME/nimadm-tui.log
	# and $HOME/nimadm-tui.script must hold afterwards
	local kind text file
	while IFS= read -r line; do
		kind=${line%%:*}
		text=${line#*: }
		case "$kind" in
		'# expect-log') file=$home/nimadm-tui.log ;;
		'# expect-script') file=$home/nimadm-tui.script ;;
		*) continue ;;
		esac
		if ! grep -qF -- "$text" "$file" 2>/dev/null; then
			echo "FAIL $name: ${file##*/} lacks: $text"
			bad=1
		fi
	done <"$keys"
	local after
	while IFS= read -r after; do
		if ! HOME=$home XDG_STATE_HOME=$home/state STATE=$home/state/nimadm-tui PROG=$PROG \
			LAB=$LAB SIMDIR=$SIMDIR bash -c 'lab() {
				NIMSIM_LAB=$LAB NIMSIM_STATE=$(echo "$STATE"/labs/*) "$SIMDIR/bin/nimsim" exec "$@"
			}
			'"$after" >>"$home/after.out" 2>&1; then
			echo "FAIL $name: after: $after"
			tail -5 "$home/after.out"
			bad=1
		fi
	done < <(sed -n 's/^# after: *//p' "$keys")
	if [ $bad -eq 0 ]; then
		echo "ok   $name"
	else
		FAILS=$((FAILS + 1))
	fi
}

n=0
for keys in "$DIR"/scripts/*.keys; do
	name=$(basename "$keys" .keys)
	if [ $# -gt 0 ]; then
		want=0
		for f in "$@"; do
			case "$name" in *"$f"*) want=1 ;; esac
		done
		[ $want -eq 1 ] || continue
	fi
	run_script "$keys"
	n=$((n + 1))
done
[ $n -gt 0 ] || { echo "FAIL: no scripts ran"; exit 1; }
echo "$n scripts, $FAILS failed"
[ $FAILS -eq 0 ]
