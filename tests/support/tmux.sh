# tests/support/tmux.sh: drive a real terminal (a tmux pane) from a test.
# Source it after setting:
#   SOCK       the tmux server's socket (the test's own server: kill it at exit)
#   TMUX_PANE_TARGET  the target of the pane (a session or window name)
# Optional:
#   WAIT_SECONDS      the default limit of the wait_* helpers (15)
#   check_extra()     a function check() calls after the screen on a failure
#                     (the journal, a log)
# Every wait polls the pane every 20 ms up to its limit: never a fixed sleep.
# PASSES and FAILS count the checks.

PASSES=${PASSES:-0}
FAILS=${FAILS:-0}

tm() { tmux -S "$SOCK" "$@"; }
screen() { tm capture-pane -p -t "$TMUX_PANE_TARGET"; }
keys() { tm send-keys -t "$TMUX_PANE_TARGET" "$@"; }

# wait_for TEXT [SECONDS]: until the pane shows TEXT (a fixed string).
wait_for() {
	local text=$1 max=${2:-${WAIT_SECONDS:-15}} i
	for ((i = 0; i < max * 50; i++)); do
		screen | grep -qF -- "$text" && return 0
		sleep 0.02
	done
	return 1
}

# wait_re REGEX [SECONDS]: until the pane matches an extended regex.
wait_re() {
	local re=$1 max=${2:-${WAIT_SECONDS:-15}} i
	for ((i = 0; i < max * 50; i++)); do
		screen | grep -qE -- "$re" && return 0
		sleep 0.02
	done
	return 1
}

# wait_gone TEXT [SECONDS]: until the pane no longer shows TEXT.
wait_gone() {
	local text=$1 max=${2:-${WAIT_SECONDS:-15}} i
	for ((i = 0; i < max * 50; i++)); do
		screen | grep -qF -- "$text" || return 0
		sleep 0.02
	done
	return 1
}

shows() { screen | grep -qF -- "$1"; }
not_shows() { ! screen | grep -qF -- "$1"; }

# check WHAT COMMAND...: runs COMMAND; "ok WHAT", or "FAIL WHAT" with the
# screen (and check_extra's output) as evidence.
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok   $what"
		PASSES=$((PASSES + 1))
	else
		echo "FAIL $what"
		echo "---- screen ----"
		screen
		if declare -F check_extra >/dev/null; then
			check_extra
		fi
		echo "----------------"
		FAILS=$((FAILS + 1))
	fi
}
