#!/bin/bash
# run-tests.sh: runs every unit test binary and every shell test, shows their
# output, and ends with one summary line "N passed, N failed".
# Environment given to every test:
#   NIMADM_TUI_SRC    the source tree      NIMADM_TUI_BUILD  the build tree
#   NIMADM_TUI_PROG   the nimadm-tui binary  NIMADM_TUI_SIMDIR the simulator (bin/, labs/)
#   HOME, XDG_STATE_HOME  a private temporary home per test
# Arguments: optional name filters (substring match).
set -u
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
export NIMADM_TUI_SRC="$SRC" NIMADM_TUI_BUILD="$BUILD"
export NIMADM_TUI_PROG="$BUILD/nimadm-tui" NIMADM_TUI_SIMDIR="$BUILD/sim"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

tests=()
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && tests+=("$t")
done
for t in tests/*/t_*.sh; do
	[ -f "$t" ] && tests+=("$SRC/$t")
done

want() {
	[ ${#FILTERS[@]} -eq 0 ] && return 0
	for f in "${FILTERS[@]}"; do
		case "$1" in *"$f"*) return 0 ;; esac
	done
	return 1
}
FILTERS=("$@")

pass=0 fail=0 failed=()
root=$(mktemp -d "${TMPDIR:-/tmp}/nimadm-tests.XXXXXX")
for t in "${tests[@]}"; do
	want "$t" || continue
	name=${t##*/}
	home="$root/$name"
	mkdir -p "$home/state"
	echo "=== $name"
	start=$(date +%s)
	if [[ "$t" == *.sh ]]; then
		HOME="$home" XDG_STATE_HOME="$home/state" TMPDIR="$home" \
			timeout -k 10 "$TEST_TIMEOUT" bash "$t" 2>&1
	else
		HOME="$home" XDG_STATE_HOME="$home/state" TMPDIR="$home" \
			timeout -k 10 "$TEST_TIMEOUT" "$t" 2>&1
	fi
	rc=$?
	end=$(date +%s)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "=== $name: ok ($((end - start)) s)"
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "=== $name: FAILED (exit $rc, $((end - start)) s)"
	fi
done
rm -rf "$root"
echo
[ $fail -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
