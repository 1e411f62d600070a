# nfsd.sh: a throwaway NFS server for tests: nfs-ganesha (FSAL VFS, NFSv3 and
# v4, TCP) with the rpcbind it needs, on loopback, as foreground children of
# this shell, stopped by PID. See tests/support/README.md.
#
# Source it and call:
#   nfsd_start DIR     start rpcbind and ganesha exporting DIR/export
#                      read-write, DIR/export-ro read-only and
#                      DIR/export-squash read-write with root squashed; sets
#                      NFSD_HOST, NFSD_EXPORT (v3 path), NFSD_PSEUDO (its v4
#                      path), NFSD_EXPORT_RO, NFSD_PSEUDO_RO,
#                      NFSD_EXPORT_SQUASH, NFSD_PSEUDO_SQUASH and NFSD_DIR.
#                      Returns 0 when nfs 3 and mountd 3 answer,
#                      2 when the binaries are missing (or not root: the VFS
#                      FSAL and ports 111/2049 need root), 1 on any failure.
#   nfsd_stop_nfs      stop ganesha only (rpcbind stays: "not registered")
#   nfsd_stop          stop both, wait for them, check none is left, release
#                      the lock; idempotent
#   nfsd_lock          take the lock early (nfsd_start takes it otherwise)
# Or run it: `bash nfsd.sh serve DIR` starts the servers, prints
# "NFSD_READY <export> <pseudo> <export-ro> <pseudo-ro> <export-squash>
# <pseudo-squash>", then reads commands on stdin ("stop-nfs",
# "stop") and stops everything on "stop", at end of input or on a signal, so
# a test that dies (its end of the pipe closes) leaves nothing behind.
#
# Ports are fixed (111, 2049, 20048), so one server runs at a time on the
# machine: nfsd_start takes an exclusive lock ($NFSD_LOCK) held until
# nfsd_stop. Servers that a crashed earlier run left behind are found through
# a registry of our PIDs ($NFSD_REGISTRY) and stopped; a port held by any other
# process is an error with a clear message, never killed.

NFSD_LOCK=${NFSD_LOCK:-/tmp/nimadm-tui-nfsd.lock}
NFSD_REGISTRY=${NFSD_REGISTRY:-/tmp/nimadm-tui-nfsd.pids}
NFSD_LOCK_WAIT=${NFSD_LOCK_WAIT:-300}
NFSD_HOST=127.0.0.1
NFSD_PSEUDO=/export
NFSD_PSEUDO_RO=/export-ro
NFSD_PSEUDO_SQUASH=/export-squash
NFSD_EXPORT_SQUASH=
NFSD_EXPORT=
NFSD_EXPORT_RO=
NFSD_DIR=
NFSD_MISSING=
_nfsd_lockfd=
_nfsd_started=
_nfsd_rpcbind_pid=
_nfsd_ganesha_pid=

_nfsd_msg() {
	echo "nfsd: $*" >&2
}

# Is the process gone (or a zombie)? Our children stay zombies until waited.
_nfsd_gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case "$st" in '' | Z*) return 0 ;; esac
	return 1
}

# Stop one process by PID: TERM, up to 10 s, then KILL; reap it if ours.
_nfsd_kill() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	if ! _nfsd_gone "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 1000; i++)); do
			_nfsd_gone "$pid" && break
			sleep 0.01
		done
		if ! _nfsd_gone "$pid"; then
			_nfsd_msg "pid $pid ignored SIGTERM for 10 s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null
			for ((i = 0; i < 500; i++)); do
				_nfsd_gone "$pid" && break
				sleep 0.01
			done
		fi
	fi
	wait "$pid" 2>/dev/null
	_nfsd_gone "$pid"
}

# The binaries the harness needs; sets NFSD_MISSING and fails if one lacks.
nfsd_available() {
	local b f
	NFSD_MISSING=
	for b in rpcbind rpcinfo ganesha.nfsd flock ps; do
		command -v "$b" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$b" >/dev/null 2>&1 ||
			NFSD_MISSING="$NFSD_MISSING $b"
	done
	b=
	for f in /usr/lib/*/ganesha/libfsalvfs.so /usr/lib/ganesha/libfsalvfs.so \
		/usr/lib64/ganesha/libfsalvfs.so; do
		[ -f "$f" ] && b=$f
	done
	[ -n "$b" ] || NFSD_MISSING="$NFSD_MISSING libfsalvfs.so(nfs-ganesha-vfs)"
	[ -z "$NFSD_MISSING" ]
}

# Does anything accept TCP connections on 127.0.0.1:PORT?
_nfsd_port_taken() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Who listens on a TCP port, for the error message (best effort).
_nfsd_port_owner() {
	command -v ss >/dev/null 2>&1 || return 0
	ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n 1
}

# Stop the servers a crashed earlier run registered, if they still run as
# what we started (a PID reused by another program is left alone).
_nfsd_reap_leftovers() {
	local pid name comm
	[ -f "$NFSD_REGISTRY" ] || return 0
	while read -r pid name; do
		[ -n "$pid" ] || continue
		comm=$(ps -o comm= -p "$pid" 2>/dev/null) || continue
		case "$comm" in
		"$name"*)
			_nfsd_msg "stopping $name (pid $pid) left by an earlier run"
			_nfsd_kill "$pid" || {
				_nfsd_msg "cannot stop leftover $name (pid $pid)"
				return 1
			}
			;;
		esac
	done <"$NFSD_REGISTRY"
	rm -f "$NFSD_REGISTRY"
}

_nfsd_check_ports() {
	local port what owner
	for port in 111 2049 20048; do
		case $port in
		111) what="a portmapper (rpcbind)" ;;
		2049) what="an NFS server" ;;
		*) what="a mount daemon" ;;
		esac
		if _nfsd_port_taken "$port"; then
			owner=$(_nfsd_port_owner "$port")
			_nfsd_msg "127.0.0.1:$port is already in use${owner:+ by $owner}:" \
				"$what not started by this harness; stop it and retry"
			return 1
		fi
	done
}

_nfsd_write_conf() {
	cat >"$NFSD_DIR/ganesha.conf" <<EOF
# Throwaway loopback NFS server for nimadm-tui tests (tests/support/nfsd.sh)
NFS_CORE_PARAM {
	Bind_addr = 127.0.0.1;
	NFS_Port = 2049;
	MNT_Port = 20048;
	NLM_Port = 32803;
	Rquota_Port = 875;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Protocols = 3, 4;
}
NFS_KRB5 { Active_krb5 = false; }
NFSv4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = "$NFSD_DIR/recov";
}
EXPORT {
	Export_Id = 1;
	Path = "$NFSD_EXPORT";
	Pseudo = "$NFSD_PSEUDO";
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	Protocols = 3, 4;
	Transports = TCP;
	FSAL { Name = VFS; }
}
EXPORT {
	Export_Id = 2;
	Path = "$NFSD_EXPORT_RO";
	Pseudo = "$NFSD_PSEUDO_RO";
	Access_Type = RO;
	Squash = No_Root_Squash;
	SecType = sys;
	Protocols = 3, 4;
	Transports = TCP;
	FSAL { Name = VFS; }
}
EXPORT {
	Export_Id = 3;
	Path = "$NFSD_EXPORT_SQUASH";
	Pseudo = "$NFSD_PSEUDO_SQUASH";
	Access_Type = RW;
	Squash = Root_Squash;
	SecType = sys;
	Protocols = 3, 4;
	Transports = TCP;
	FSAL { Name = VFS; }
}
LOG {
	Default_Log_Level = EVENT;
}
EOF
}

# Wait until `rpcinfo ARGS` succeeds while PID lives; bounded by TRIES x 10 ms.
_nfsd_wait_rpc() {
	local pid=$1 tries=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		timeout 5 rpcinfo "$@" >/dev/null 2>&1 && return 0
		_nfsd_gone "$pid" && return 1
		sleep 0.01
	done
	return 1
}

_nfsd_fail() {
	_nfsd_msg "$*"
	nfsd_stop
	return 1
}

# Take the machine-wide lock (nfsd_start does; a test that must hold it
# before, e.g. to occupy a port itself, may). nfsd_stop releases it.
nfsd_lock() {
	local fd
	[ -z "$_nfsd_lockfd" ] || return 0
	exec {fd}>>"$NFSD_LOCK" || return 1
	if ! flock -w "$NFSD_LOCK_WAIT" "$fd"; then
		exec {fd}>&-
		_nfsd_msg "another test's NFS server held $NFSD_LOCK for ${NFSD_LOCK_WAIT} s"
		return 1
	fi
	_nfsd_lockfd=$fd
}

nfsd_unlock() {
	local fd=$_nfsd_lockfd
	[ -n "$fd" ] || return 0
	_nfsd_lockfd=
	exec {fd}>&-
}

nfsd_start() {
	local dir=$1 fd
	if [ -z "$dir" ]; then
		_nfsd_msg "usage: nfsd_start DIR"
		return 1
	fi
	if [ -n "$_nfsd_started" ]; then
		_nfsd_msg "already started (NFSD_DIR=$NFSD_DIR)"
		return 1
	fi
	if ! nfsd_available; then
		_nfsd_msg "SKIP: NFS test server unavailable, missing:$NFSD_MISSING" \
			"(make deps installs nfs-ganesha nfs-ganesha-vfs rpcbind)"
		return 2
	fi
	if [ "$(id -u)" -ne 0 ]; then
		_nfsd_msg "SKIP: the NFS test server needs root (ganesha's VFS FSAL, ports 111 and 2049)"
		return 2
	fi
	PATH=$PATH:/usr/sbin:/sbin
	mkdir -p "$dir" || return 1
	NFSD_DIR=$(cd "$dir" && pwd) || return 1
	NFSD_EXPORT=$NFSD_DIR/export
	NFSD_EXPORT_RO=$NFSD_DIR/export-ro
	NFSD_EXPORT_SQUASH=$NFSD_DIR/export-squash
	case "$NFSD_DIR" in
	*[\"\\]* | *[[:space:]]*)
		_nfsd_msg "DIR must not contain blanks, quotes or backslashes: $NFSD_DIR"
		return 1
		;;
	esac

	nfsd_lock || return 1
	fd=$_nfsd_lockfd
	_nfsd_reap_leftovers || {
		_nfsd_msg "leftover servers of an earlier run could not be stopped"
		nfsd_unlock
		return 1
	}
	_nfsd_started=1
	_nfsd_check_ports || {
		nfsd_stop
		return 1
	}
	mkdir -p "$NFSD_EXPORT" "$NFSD_EXPORT_RO" "$NFSD_EXPORT_SQUASH" "$NFSD_DIR/recov" || {
		_nfsd_fail "cannot create $NFSD_EXPORT"
		return 1
	}
	_nfsd_write_conf

	# Foreground daemons (never let them daemonize), without our lock fd.
	rpcbind -f -h 127.0.0.2 </dev/null >"$NFSD_DIR/rpcbind.log" 2>&1 {fd}>&- &
	_nfsd_rpcbind_pid=$!
	echo "$_nfsd_rpcbind_pid" >"$NFSD_DIR/rpcbind.realpid"
	echo "$_nfsd_rpcbind_pid rpcbind" >>"$NFSD_REGISTRY"
	if ! _nfsd_wait_rpc "$_nfsd_rpcbind_pid" 1000 -p 127.0.0.1; then
		_nfsd_msg "rpcbind did not answer on 127.0.0.1 within 10 s; its output:"
		sed 's/^/  /' "$NFSD_DIR/rpcbind.log" >&2
		_nfsd_fail "rpcbind failed"
		return 1
	fi

	ganesha.nfsd -F -f "$NFSD_DIR/ganesha.conf" -L "$NFSD_DIR/ganesha.log" \
		-p "$NFSD_DIR/ganesha.pid" -N NIV_EVENT </dev/null \
		>"$NFSD_DIR/ganesha.out" 2>&1 {fd}>&- &
	_nfsd_ganesha_pid=$!
	echo "$_nfsd_ganesha_pid" >"$NFSD_DIR/ganesha.realpid"
	echo "$_nfsd_ganesha_pid ganesha.nfsd" >>"$NFSD_REGISTRY"
	if ! _nfsd_wait_rpc "$_nfsd_ganesha_pid" 3000 -t 127.0.0.1 nfs 3 ||
		! _nfsd_wait_rpc "$_nfsd_ganesha_pid" 500 -t 127.0.0.1 mountd 3; then
		_nfsd_msg "ganesha.nfsd did not answer nfs 3 and mountd 3 within 30 s" \
			"(installed, so this is a failure, not a skip); its log:"
		tail -n 30 "$NFSD_DIR/ganesha.log" "$NFSD_DIR/ganesha.out" 2>/dev/null | sed 's/^/  /' >&2
		_nfsd_fail "ganesha failed"
		return 1
	fi
	export NFSD_HOST NFSD_EXPORT NFSD_PSEUDO NFSD_EXPORT_RO NFSD_PSEUDO_RO \
		NFSD_EXPORT_SQUASH NFSD_PSEUDO_SQUASH NFSD_DIR
	return 0
}

# Stop the NFS server only; rpcbind keeps answering (programs unregistered).
nfsd_stop_nfs() {
	local rc=0
	if [ -n "$_nfsd_ganesha_pid" ]; then
		_nfsd_kill "$_nfsd_ganesha_pid" || {
			_nfsd_msg "ganesha.nfsd (pid $_nfsd_ganesha_pid) did not stop"
			rc=1
		}
		_nfsd_ganesha_pid=
	fi
	return $rc
}

nfsd_stop() {
	local rc=0
	nfsd_stop_nfs || rc=1
	if [ -n "$_nfsd_rpcbind_pid" ]; then
		_nfsd_kill "$_nfsd_rpcbind_pid" || {
			_nfsd_msg "rpcbind (pid $_nfsd_rpcbind_pid) did not stop"
			rc=1
		}
		_nfsd_rpcbind_pid=
	fi
	if [ -n "$_nfsd_started" ] && [ $rc -eq 0 ]; then
		rm -f "$NFSD_REGISTRY"
	fi
	_nfsd_started=
	nfsd_unlock
	return $rc
}

# Foreground mode for programs (see the top of the file).
nfsd_serve() {
	local rc line
	# A reader that went away must not kill us before we stop the servers.
	trap '' PIPE
	trap 'nfsd_stop; exit 0' TERM INT HUP
	nfsd_start "$1"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "NFSD_FAILED $rc"
		exit $rc
	fi
	if ! echo "NFSD_READY $NFSD_EXPORT $NFSD_PSEUDO $NFSD_EXPORT_RO $NFSD_PSEUDO_RO" \
		"$NFSD_EXPORT_SQUASH $NFSD_PSEUDO_SQUASH"; then
		nfsd_stop
		exit 1
	fi
	while IFS= read -r line; do
		case "$line" in
		stop-nfs)
			if nfsd_stop_nfs; then
				echo "NFSD_NFS_STOPPED"
			else
				echo "NFSD_ERROR stop-nfs"
			fi
			;;
		stop) break ;;
		*) echo "NFSD_ERROR unknown command" ;;
		esac
	done
	trap - TERM INT HUP
	if nfsd_stop; then
		echo "NFSD_STOPPED"
		exit 0
	fi
	echo "NFSD_ERROR stop"
	exit 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "${1:-}" in
	serve) nfsd_serve "${2:?usage: nfsd.sh serve DIR}" ;;
	*)
		echo "usage: bash nfsd.sh serve DIR  (or source it: nfsd_start DIR; nfsd_stop)" >&2
		exit 2
		;;
	esac
fi
