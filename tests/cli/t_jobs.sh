#!/bin/bash
# t_jobs.sh: `jobs`, its running-jobs limit, and the steering commands' bad usage
# (one line on stderr, exit 2, nothing started). Migrations themselves are in
# tests/e2e/t_migrate.sh.
set -u
prog=${NIMADM_TUI_PROG:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=$tmp/state
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
t() { "$prog" --demo --state-dir "$st" "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }

[ "$(t jobs)" = 0 ] && grep -q "No jobs (at most 8 run at once)" "$tmp/out" && ok "no jobs, default limit 8" || bad "no jobs"
[ "$(t jobs --json)" = 0 ] && [ "$(tr -d ' \n' <"$tmp/out")" = "[]" ] && ok "jobs --json is an empty array" || bad "jobs --json"
[ "$(t jobs --max-running 3)" = 0 ] && grep -q "at most 3 run at once" "$tmp/out" && ok "the limit is set" || bad "set limit"
[ "$(cat "$st/max_jobs")" = 3 ] && ok "the limit is kept in the state directory" || bad "max_jobs file"
[ "$(t jobs)" = 0 ] && grep -q "at most 3 run at once" "$tmp/out" && ok "and read back" || bad "limit read back"
for v in 0 1001 abc -1 "3;reboot" ""; do
	rc=$(t jobs --max-running "$v")
	[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- "--max-running" "$tmp/err" &&
		ok "limit \"$v\" refused in one line" || bad "limit \"$v\" (exit $rc)"
done
[ "$(cat "$st/max_jobs")" = 3 ] && ok "a refused limit changes nothing" || bad "refused limit changed the file"
for cmd in "attach" "continue" "cancel" "attach ../etc" "continue nosuchjob" "cancel nosuchjob" \
	"attach a b" "cancel --bogus x"; do
	# shellcheck disable=SC2086
	rc=$(t $cmd)
	[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		ok "'$cmd' refused in one line (exit $rc)" || bad "'$cmd' (exit $rc: $(cat "$tmp/err"))"
done
[ ! -d "$st/jobs" ] || [ -z "$(ls -A "$st/jobs")" ] && ok "nothing was started" || bad "a job directory appeared"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
