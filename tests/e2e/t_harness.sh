#!/bin/bash
# t_harness.sh: the test servers of tests/support start, answer and stop
# without leftovers: nfs-ganesha + rpcbind (rpcinfo sees nfs and mountd, the
# export is listed), leftovers of a crashed run are cleaned up, a port held
# by a foreign process is refused with a clear message and that process is
# left alone; OpenSSH sshd accepts our key and only it, checks the host key,
# and runs the lab's simulated commands through a session.
# shellcheck disable=SC2016 # check ... eval '...': expanded when run, on purpose
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
# shellcheck source=tests/support/nfsd.sh
source "$SRC/tests/support/nfsd.sh"
# shellcheck source=tests/support/sshd.sh
source "$SRC/tests/support/sshd.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/t_harness.XXXXXX")
pass=0 fail=0 skipped=0
started_pids=()

cleanup() {
	sshd_stop
	nfsd_stop
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}
skip() {
	skipped=$((skipped + 1))
	echo "skip $*"
}
# check NAME COMMAND...: the command must succeed (its output is shown
# only when it does not).
check() {
	local name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/     | /' "$T/check.out"
	fi
}
# Is this PID gone (a zombie counts: PID 1 here does not reap orphans)?
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case "$st" in '' | Z*) return 0 ;; esac
	return 1
}
all_gone() {
	local p
	for p in "$@"; do gone "$p" || return 1; done
}

# --- NFS: start, answer, stop ----------------------------------------------------
nfs_tests() {
	local rc out gpid rpid
	nfsd_start "$T/nfs"
	rc=$?
	if [ $rc -eq 2 ]; then
		skip "NFS harness: $NFSD_MISSING${NFSD_MISSING:+ missing}"
		return
	fi
	check "nfsd_start brings up rpcbind and ganesha" [ $rc -eq 0 ]
	[ $rc -eq 0 ] || return
	gpid=$(cat "$NFSD_DIR/ganesha.realpid")
	rpid=$(cat "$NFSD_DIR/rpcbind.realpid")
	started_pids+=("$gpid" "$rpid")
	out=$(rpcinfo -p 127.0.0.1 2>&1)
	check "rpcinfo lists nfs v3 on TCP 2049" grep -Eq '100003 +3 +tcp +2049 +nfs' <<<"$out"
	check "rpcinfo lists mountd v3 on TCP 20048" grep -Eq '100005 +3 +tcp +20048 +mountd' <<<"$out"
	check "nfs v3 answers NULL" rpcinfo -t 127.0.0.1 nfs 3
	check "mountd v3 answers NULL" rpcinfo -t 127.0.0.1 mountd 3
	if command -v showmount >/dev/null 2>&1; then
		out=$(timeout 10 showmount -e 127.0.0.1 2>&1)
		check "showmount lists the read-write export" grep -q "^$NFSD_EXPORT " <<<"$out"
		check "showmount lists the read-only export" grep -q "^$NFSD_EXPORT_RO " <<<"$out"
		check "showmount lists the root-squashed export" grep -q "^$NFSD_EXPORT_SQUASH " <<<"$out"
	fi
	check "the exports are directories" eval '[ -d "$NFSD_EXPORT" ] && [ -d "$NFSD_EXPORT_RO" ]'
	check "a second nfsd_start is refused" eval '! nfsd_start "$T/nfs-again" 2>/dev/null'

	nfsd_stop_nfs
	check "nfsd_stop_nfs stops ganesha only" all_gone "$gpid"
	check "rpcbind still answers without ganesha" rpcinfo -p 127.0.0.1
	check "nfs is no longer registered" eval '! rpcinfo -t 127.0.0.1 nfs 3 >/dev/null 2>&1'
	nfsd_stop
	check "nfsd_stop returns 0" [ $? -eq 0 ]
	check "no NFS server process is left" all_gone "$gpid" "$rpid"
	check "the portmapper is gone" eval '! rpcinfo -p 127.0.0.1 >/dev/null 2>&1'
	check "the PID registry is removed" [ ! -e "$NFSD_REGISTRY" ]
	check "nfsd_stop is idempotent" nfsd_stop
}

# --- NFS: a crashed run's servers are stopped by the next start --------------------
nfs_leftover_tests() {
	local old_g old_r rc
	[ -z "$NFSD_MISSING" ] || return
	# A "test" that dies without stopping its servers.
	(
		bash -c 'source "$1"; nfsd_start "$2" || exit 1; kill -KILL $$' sh \
			"$SRC/tests/support/nfsd.sh" "$T/crashed"
		true # no exec: this subshell reports the kill, to /dev/null
	) 2>/dev/null
	old_g=$(cat "$T/crashed/ganesha.realpid" 2>/dev/null)
	old_r=$(cat "$T/crashed/rpcbind.realpid" 2>/dev/null)
	if [ -z "$old_g" ] || gone "$old_g"; then
		not_ok "a crashed run leaves its servers running (setup)"
		return
	fi
	started_pids+=("$old_g" "$old_r")
	nfsd_start "$T/nfs2" 2>"$T/leftover.err"
	rc=$?
	check "nfsd_start after a crashed run succeeds" [ $rc -eq 0 ]
	check "it says it stopped the leftovers" grep -q "left by an earlier run" "$T/leftover.err"
	check "the crashed run's servers are gone" all_gone "$old_g" "$old_r"
	if [ $rc -eq 0 ]; then
		started_pids+=("$(cat "$NFSD_DIR/ganesha.realpid")" "$(cat "$NFSD_DIR/rpcbind.realpid")")
		check "the new server answers" rpcinfo -t 127.0.0.1 nfs 3
	fi
	nfsd_stop
}

# --- NFS: a foreign process on a port is an error, and is left alone ----------------
nfs_foreign_port_tests() {
	local rc fpid
	[ -z "$NFSD_MISSING" ] || return
	[ -z "$SSHD_MISSING" ] || return
	# Any other program will do as the foreign listener: an sshd on 2049,
	# under the NFS lock so that no other test's ganesha is starting now.
	nfsd_lock || {
		not_ok "nfsd_lock"
		return
	}
	if ! sshd_start "$T/foreign" 2049 2>"$T/foreign.err"; then
		nfsd_unlock
		skip "foreign listener on 127.0.0.1:2049 (port busy?)"
		return
	fi
	fpid=$SSHD_PID
	started_pids+=("$fpid")
	nfsd_start "$T/nfs3" 2>"$T/foreign-nfs.err"
	rc=$?
	check "nfsd_start fails when 2049 is taken" [ $rc -eq 1 ]
	check "the message names the port" grep -q "127.0.0.1:2049 is already in use" "$T/foreign-nfs.err"
	check "the foreign process is left running" eval '! gone "$fpid"'
	check "no rpcbind was left behind" eval '! rpcinfo -p 127.0.0.1 >/dev/null 2>&1'
	check "the lock was released" flock -n "$NFSD_LOCK" true
	sshd_stop
	check "the foreign listener stopped" all_gone "$fpid"
}

# --- SSH ---------------------------------------------------------------------------
ssh_tests() {
	local rc out lab spid
	mkdir -p "$T/fakebin"
	printf '#!/bin/sh\necho "harness-env lab=$NIMSIM_LAB state=$NIMSIM_STATE args=$*"\n' \
		>"$T/fakebin/harness-env"
	chmod +x "$T/fakebin/harness-env"
	lab=
	for f in "$SIMDIR"/labs/*.lab "$SIMDIR"/labs/*.ini "$SRC"/sim/labs/*.lab "$SRC"/sim/labs/*.ini; do
		[ -f "$f" ] && { lab=$f; break; }
	done
	sshd_lab "$T/fakebin:$SIMDIR/bin" "${lab:-$T/no-lab}" "$T/simstate"
	sshd_start "$T/ssh"
	rc=$?
	if [ $rc -eq 2 ]; then
		skip "SSH harness: $SSHD_MISSING missing"
		return
	fi
	check "sshd_start brings up sshd" [ $rc -eq 0 ]
	[ $rc -eq 0 ] || return
	spid=$SSHD_PID
	started_pids+=("$spid")
	check "sshd listens on 127.0.0.1 only" grep -q "Server listening on 127.0.0.1 port $SSHD_PORT" "$SSHD_DIR/sshd.log"
	check "the OpenSSH client logs in with the key" sshd_ssh true
	out=$(sshd_ssh 'echo out; echo err >&2; exit 7' 2>&1)
	rc=$?
	check "the remote exit status comes back" [ $rc -eq 7 ]
	check "stdout and stderr come back" [ "$out" = $'out\nerr' ]
	out=$(sshd_ssh 'harness-env -l aixdb01')
	check "sessions get the lab's PATH and variables" \
		[ "$out" = "harness-env lab=${lab:-$T/no-lab} state=$T/simstate args=-l aixdb01" ]

	if [ -n "$lab" ] && [ -x "$SIMDIR/bin/lsnim" ]; then
		local local_out remote_out
		local_out=$(PATH="$SIMDIR/bin:$PATH" NIMSIM_LAB=$lab NIMSIM_STATE=$T/simstate lsnim 2>&1)
		remote_out=$(sshd_ssh lsnim 2>&1)
		check "a lab command runs through ssh as it runs here" [ "$remote_out" = "$local_out" ]
		check "the lab command printed something" [ -n "$remote_out" ]
	else
		skip "a lab command through ssh (no simulator or lab built under $SIMDIR)"
	fi

	# Only our key, only the right host key.
	ssh-keygen -q -t ed25519 -N '' -f "$T/other_key" </dev/null
	check "another key is refused" eval '! SSHD_KEY=$T/other_key sshd_ssh true 2>/dev/null'
	echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$T/other_key.pub")" >"$T/wrong_known_hosts"
	check "a wrong host key is refused" \
		eval '! SSHD_KNOWN_HOSTS=$T/wrong_known_hosts sshd_ssh true 2>/dev/null'

	sshd_stop
	check "sshd_stop returns 0" [ $? -eq 0 ]
	check "sshd is gone" all_gone "$spid"
	check "the port is closed" eval '! (exec 3<>/dev/tcp/127.0.0.1/$SSHD_PORT) 2>/dev/null'
}

ssh_fast_login_tests() {
	local out spid rc_file size_before
	[ -z "$SSHD_MISSING" ] || return
	if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
		skip "SSHD_EMPTY_BASHRC (needs root and mount namespaces)"
		return
	fi
	rc_file=$(getent passwd "$(id -un)" | cut -d: -f6)/.bashrc
	size_before=$(wc -c <"$rc_file" 2>/dev/null)
	SSHD_EMPTY_BASHRC=1
	_sshd_setenv=()
	sshd_start "$T/ssh-ns" || {
		not_ok "sshd_start with SSHD_EMPTY_BASHRC=1"
		SSHD_EMPTY_BASHRC=0
		return
	}
	# shellcheck disable=SC2034 # read by sshd.sh
	SSHD_EMPTY_BASHRC=0
	spid=$SSHD_PID
	started_pids+=("$spid")
	out=$(sshd_ssh 'cat ~/.bashrc 2>/dev/null | wc -c')
	check "SSHD_EMPTY_BASHRC: the session sees an empty ~/.bashrc" [ "$out" = 0 ]
	check "SSHD_EMPTY_BASHRC: the real ~/.bashrc is untouched" \
		[ "$(wc -c <"$rc_file" 2>/dev/null)" = "$size_before" ]
	sshd_stop
	check "SSHD_EMPTY_BASHRC: sshd is gone" all_gone "$spid"
}

nfs_tests
nfs_leftover_tests
nfs_foreign_port_tests
ssh_tests
ssh_fast_login_tests

# --- nothing left ------------------------------------------------------------------
sshd_stop
nfsd_stop
if [ ${#started_pids[@]} -gt 0 ]; then
	check "no process started here is left" all_gone "${started_pids[@]}"
fi
check "no NFS PID registry is left" [ ! -e "$NFSD_REGISTRY" ]

echo
[ $skipped -gt 0 ] && echo "($skipped skipped)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
