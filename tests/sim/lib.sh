# lib.sh: shared helpers for the simulator's shell tests (sourced by tests/sim/t_*.sh).
#
# Environment (set by tests/run-tests.sh; defaults for running a test by hand
# from the source tree): NIMADM_TUI_SRC, NIMADM_TUI_SIMDIR.
# Every test gets a private state directory, so runs never see each other.
#
#   run CMD [ARG...]         runs CMD (a simulator command name or a path) and
#                            keeps its stdout in $OUT, stderr in $ERR, status in $RC
#   ok NAME / not_ok NAME    record a result
#   check_rc N NAME          $RC == N
#   check_out_golden F NAME  stdout equals tests/sim/golden/F (UPDATE_GOLDEN=1 rewrites it)
#   check_out_has S NAME / check_err_has S NAME / check_out_lacks S NAME
#   check_err_lines N NAME   stderr has exactly N lines
#   finish                   prints "N passed, N failed" and exits non-zero on failure

set -u

SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
BIN=$SIMDIR/bin
GOLDEN=$SRC/tests/sim/golden
TIMEOUT=$(command -v timeout)
TESTLABS=$SRC/tests/sim/labs

if [ ! -x "$BIN/nimsim" ]; then
	echo "not ok 1 - the simulator is built ($BIN/nimsim missing)"
	echo "0 passed, 1 failed"
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/simtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
OUT=$T/stdout
ERR=$T/stderr
RC=0

export NIMSIM_LAB=$SIMDIR/labs/demo.lab
export NIMSIM_STATE=$T/state
unset NIMSIM_HOST

_n=0
_pass=0
_fail=0

ok() {
	_n=$((_n + 1))
	_pass=$((_pass + 1))
	echo "ok $_n - $1"
}

not_ok() {
	_n=$((_n + 1))
	_fail=$((_fail + 1))
	echo "not ok $_n - $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
}

# Shows what the last command printed, for a failure report.
_dump() {
	echo "#   status: $RC"
	sed -n '1,15s/^/#   out: /p' "$OUT"
	sed -n '1,8s/^/#   err: /p' "$ERR"
}

run() {
	local cmd=$1
	shift
	case "$cmd" in
	*/*) ;;
	*) cmd=$BIN/$cmd ;;
	esac
	"$cmd" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	_sanitizer_check "$cmd $*"
}

# Under ASan/UBSan (make asan) a report on stderr is a failure of its own.
_sanitizer_check() {
	if grep -qE 'Sanitizer|runtime error:' "$ERR"; then
		not_ok "no sanitizer report from: $1"
		sed -n '1,20s/^/#   /p' "$ERR"
	fi
}

# run_in DIR CMD...: like run, in another working directory.
run_in() {
	local dir=$1
	shift
	(
		cd "$dir" || exit 99
		run "$@"
		exit "$RC"
	)
	RC=$?
}

check_rc() {
	if [ "$RC" -eq "$1" ]; then
		ok "$2"
	else
		not_ok "$2 (status $RC, wanted $1)"
		_dump
	fi
}

check_out_golden() {
	local g=$GOLDEN/$1
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$GOLDEN"
		cp "$OUT" "$g"
	fi
	if [ -f "$g" ] && cmp -s "$OUT" "$g"; then
		ok "$2"
	else
		not_ok "$2 (stdout differs from golden/$1)"
		if [ -f "$g" ]; then
			diff -u "$g" "$OUT" | sed -n '1,30s/^/#   /p'
		else
			echo "#   golden/$1 is missing (UPDATE_GOLDEN=1 creates it)"
		fi
	fi
}

check_out_has() {
	if grep -qF -- "$1" "$OUT"; then
		ok "$2"
	else
		not_ok "$2 (stdout lacks: $1)"
		_dump
	fi
}

check_out_lacks() {
	if grep -qF -- "$1" "$OUT"; then
		not_ok "$2 (stdout has: $1)"
		_dump
	else
		ok "$2"
	fi
}

check_err_has() {
	if grep -qF -- "$1" "$ERR"; then
		ok "$2"
	else
		not_ok "$2 (stderr lacks: $1)"
		_dump
	fi
}

check_out_empty() {
	if [ -s "$OUT" ]; then
		not_ok "$1 (stdout not empty)"
		_dump
	else
		ok "$1"
	fi
}

check_err_empty() {
	if [ -s "$ERR" ]; then
		not_ok "$1 (stderr not empty)"
		_dump
	else
		ok "$1"
	fi
}

check_err_lines() {
	local n
	n=$(wc -l <"$ERR")
	if [ "$n" -eq "$1" ]; then
		ok "$2"
	else
		not_ok "$2 ($n stderr lines, wanted $1)"
		_dump
	fi
}

# check_eq GOT WANT NAME
check_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "got:  $1" "want: $2"
	fi
}

finish() {
	echo "$_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
	exit $?
}
