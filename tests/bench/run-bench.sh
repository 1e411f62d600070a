#!/bin/bash
# run-bench.sh: runs every benchmark under tests/bench (binaries and bench_*.sh).
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac
export NIMADM_TUI_SRC="$SRC" NIMADM_TUI_BUILD="$BUILD"
export NIMADM_TUI_PROG="$BUILD/nimadm-tui" NIMADM_TUI_SIMDIR="$BUILD/sim"
rc=0
for b in "$BUILD"/bench/* tests/bench/bench_*.sh; do
	[ -e "$b" ] || continue
	case "$b" in *.sh) ;; *) [ -f "$b" ] && [ -x "$b" ] || continue ;; esac
	echo "=== ${b##*/}"
	case "$b" in
	*.sh) bash "$b" || rc=1 ;;
	*) "$b" || rc=1 ;;
	esac
done
exit $rc
