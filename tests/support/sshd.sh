# sshd.sh: a throwaway OpenSSH server for tests, on 127.0.0.1 only, in the
# foreground (-D -e) as a child of this shell, stopped by PID. Keys, config
# and logs live in the directory given. See tests/support/README.md.
#
# Source it and call:
#   sshd_setenv NAME=VALUE...  (before sshd_start) set variables in every
#                      session (sshd_config SetEnv: overrides sshd's PATH)
#   sshd_lab BIN LAB [STATE]   (before sshd_start) sessions run the lab's
#                      simulated commands: PATH=BIN:<system PATH>,
#                      NIMSIM_LAB=LAB and NIMSIM_STATE=STATE
#   sshd_start DIR [PORT]      keys, authorized_keys, known_hosts, config;
#                      starts sshd on PORT or on a free port found by trying;
#                      sets SSHD_PORT SSHD_KEY SSHD_KNOWN_HOSTS SSHD_USER
#                      SSHD_DIR SSHD_PID. Returns 0 when sshd listens, 2 when
#                      sshd or ssh-keygen is missing, 1 on failure.
#   sshd_ssh [ARGS...]         the OpenSSH client with the right options:
#                      sshd_ssh 'lsnim -l aixdb01'
#   sshd_stop                  stop it and wait for it; idempotent
# SSHD_EMPTY_BASHRC=1 (before sshd_start, root only): sshd runs in a private
# mount namespace where ~/.bashrc is empty, so logins skip root's .bashrc
# (pyenv here: about 140 ms a login). Falls back to a plain start with a
# message if namespaces are not allowed.
# shellcheck disable=SC2016 # sh -c scripts take their values as "$1"...

SSHD_PORT=
SSHD_KEY=
SSHD_KNOWN_HOSTS=
SSHD_USER=
SSHD_DIR=
SSHD_PID=
SSHD_MISSING=
SSHD_EMPTY_BASHRC=${SSHD_EMPTY_BASHRC:-0}
_sshd_setenv=()

_sshd_msg() {
	echo "sshd: $*" >&2
}

_sshd_gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case "$st" in '' | Z*) return 0 ;; esac
	return 1
}

sshd_available() {
	local b
	SSHD_MISSING=
	for b in /usr/sbin/sshd ssh ssh-keygen ps; do
		command -v "$b" >/dev/null 2>&1 || SSHD_MISSING="$SSHD_MISSING $b"
	done
	[ -z "$SSHD_MISSING" ]
}

# A value for sshd_config: it goes between double quotes, so no quote,
# backslash or line break may be in it.
_sshd_check_value() {
	case "$1" in
	*[\"\\]* | *$'\n'* | *$'\r'*)
		_sshd_msg "unusable in sshd_config (quote, backslash or newline): $1"
		return 1
		;;
	esac
}

sshd_setenv() {
	local kv
	for kv in "$@"; do
		case "$kv" in
		[A-Za-z_]*=*) ;;
		*)
			_sshd_msg "sshd_setenv: NAME=VALUE expected, got: $kv"
			return 1
			;;
		esac
		_sshd_check_value "$kv" || return 1
		_sshd_setenv+=("$kv")
	done
}

sshd_lab() {
	local bin=$1 lab=$2 state=${3:-}
	if [ -z "$bin" ] || [ -z "$lab" ]; then
		_sshd_msg "usage: sshd_lab BIN_DIR LAB_FILE [STATE_DIR]"
		return 1
	fi
	sshd_setenv "PATH=$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		"NIMSIM_LAB=$lab" || return 1
	[ -z "$state" ] || sshd_setenv "NIMSIM_STATE=$state"
}

_sshd_write_config() {
	local port=$1 kv
	{
		echo "# Throwaway loopback-only sshd for nimadm-tui tests (tests/support/sshd.sh)"
		echo "Port $port"
		echo "ListenAddress 127.0.0.1"
		echo "HostKey $SSHD_DIR/host_ed25519"
		echo "PidFile $SSHD_DIR/sshd.pid"
		echo "AuthorizedKeysFile $SSHD_DIR/authorized_keys"
		echo "UsePAM no"
		echo "PasswordAuthentication no"
		echo "KbdInteractiveAuthentication no"
		echo "PubkeyAuthentication yes"
		echo "PermitRootLogin prohibit-password"
		echo "StrictModes no"
		echo "MaxStartups 200"
		echo "MaxSessions 50"
		echo "UseDNS no"
		echo "PrintMotd no"
		echo "PrintLastLog no"
		echo "Subsystem sftp internal-sftp"
		echo "LogLevel INFO"
		if [ ${#_sshd_setenv[@]} -gt 0 ]; then
			printf 'SetEnv'
			for kv in "${_sshd_setenv[@]}"; do
				printf ' "%s"' "$kv"
			done
			printf '\n'
		fi
	} >"$SSHD_DIR/sshd_config"
}

_sshd_port_taken() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts sshd on one port; 0 when it listens, 3 when the port is taken, 1 else.
_sshd_try_port() {
	local port=$1 i bashrc empty use_ns=0
	_sshd_write_config "$port"
	if ! /usr/sbin/sshd -t -f "$SSHD_DIR/sshd_config" 2>"$SSHD_DIR/sshd-t.log"; then
		_sshd_msg "sshd -t rejected the configuration:"
		sed 's/^/  /' "$SSHD_DIR/sshd-t.log" >&2
		return 1
	fi
	: >"$SSHD_DIR/sshd.log"
	if [ "$SSHD_EMPTY_BASHRC" = 1 ] && [ "$(id -u)" -eq 0 ]; then
		bashrc=$(getent passwd "$SSHD_USER" | cut -d: -f6)/.bashrc
		empty=$SSHD_DIR/empty_bashrc
		: >"$empty"
		if [ -f "$bashrc" ] && unshare -m sh -c 'mount --bind "$1" "$2"' sh "$empty" "$bashrc" 2>/dev/null; then
			use_ns=1
		else
			_sshd_msg "SSHD_EMPTY_BASHRC: no private mount namespace here; starting sshd plainly"
		fi
	fi
	# unshare execs sh, which execs sshd: $! is sshd's PID either way.
	if [ $use_ns = 1 ]; then
		unshare -m sh -c 'mount --bind "$1" "$2" && exec /usr/sbin/sshd -D -e -f "$3"' \
			sh "$empty" "$bashrc" "$SSHD_DIR/sshd_config" </dev/null 2>"$SSHD_DIR/sshd.log" &
	else
		/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" </dev/null 2>"$SSHD_DIR/sshd.log" &
	fi
	SSHD_PID=$!
	echo "$SSHD_PID" >"$SSHD_DIR/sshd.realpid"
	for ((i = 0; i < 1000; i++)); do
		grep -q "Server listening on 127.0.0.1 port $port" "$SSHD_DIR/sshd.log" 2>/dev/null && return 0
		if _sshd_gone "$SSHD_PID"; then
			wait "$SSHD_PID" 2>/dev/null
			SSHD_PID=
			grep -q "Address already in use" "$SSHD_DIR/sshd.log" && return 3
			_sshd_msg "sshd exited at start; its log:"
			sed 's/^/  /' "$SSHD_DIR/sshd.log" >&2
			return 1
		fi
		sleep 0.01
	done
	_sshd_msg "sshd did not listen on 127.0.0.1:$port within 10 s; its log:"
	sed 's/^/  /' "$SSHD_DIR/sshd.log" >&2
	sshd_stop
	return 1
}

sshd_start() {
	local dir=$1 want_port=${2:-} port tries rc
	if [ -z "$dir" ]; then
		_sshd_msg "usage: sshd_start DIR [PORT]"
		return 1
	fi
	if [ -n "$SSHD_PID" ]; then
		_sshd_msg "already started (SSHD_DIR=$SSHD_DIR)"
		return 1
	fi
	if ! sshd_available; then
		_sshd_msg "SKIP: OpenSSH server unavailable, missing:$SSHD_MISSING" \
			"(make deps installs openssh-server openssh-client)"
		return 2
	fi
	mkdir -p "$dir" || return 1
	SSHD_DIR=$(cd "$dir" && pwd) || return 1
	_sshd_check_value "$SSHD_DIR" || return 1
	SSHD_USER=$(id -un)
	SSHD_KEY=$SSHD_DIR/user_ed25519
	SSHD_KNOWN_HOSTS=$SSHD_DIR/known_hosts
	# Privilege separation needs it when sshd runs as root.
	if [ "$(id -u)" -eq 0 ]; then
		[ -d /run/sshd ] || mkdir -m 0755 /run/sshd || return 1
	fi
	rm -f "$SSHD_DIR/host_ed25519" "$SSHD_DIR/host_ed25519.pub" "$SSHD_KEY" "$SSHD_KEY.pub"
	if ! ssh-keygen -q -t ed25519 -N '' -C nimadm-tui-test-host -f "$SSHD_DIR/host_ed25519" </dev/null ||
		! ssh-keygen -q -t ed25519 -N '' -C nimadm-tui-test-user -f "$SSHD_KEY" </dev/null; then
		_sshd_msg "ssh-keygen failed"
		return 1
	fi
	cp "$SSHD_KEY.pub" "$SSHD_DIR/authorized_keys" && chmod 600 "$SSHD_DIR/authorized_keys" || return 1

	for ((tries = 0; tries < 20; tries++)); do
		if [ -n "$want_port" ]; then
			port=$want_port
		else
			port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
			_sshd_port_taken "$port" && continue
		fi
		_sshd_try_port "$port"
		rc=$?
		if [ $rc -eq 0 ]; then
			SSHD_PORT=$port
			echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")" >"$SSHD_KNOWN_HOSTS"
			export SSHD_PORT SSHD_KEY SSHD_KNOWN_HOSTS SSHD_USER SSHD_DIR SSHD_PID
			return 0
		fi
		if [ $rc -ne 3 ] || [ -n "$want_port" ]; then
			[ $rc -eq 3 ] && _sshd_msg "127.0.0.1:$port is already in use"
			return 1
		fi
	done
	_sshd_msg "no free port found in 20 tries"
	return 1
}

# The OpenSSH client, configured for this server only.
sshd_ssh() {
	ssh -F /dev/null -p "$SSHD_PORT" -i "$SSHD_KEY" -o IdentitiesOnly=yes \
		-o UserKnownHostsFile="$SSHD_KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 \
		-o LogLevel=ERROR "$SSHD_USER@127.0.0.1" "$@" </dev/null
}

# Stop one process by PID: TERM, up to 10 s, then KILL; 0 when it is gone.
_sshd_kill() {
	local pid=$1 i
	_sshd_gone "$pid" && return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 1000; i++)); do
		_sshd_gone "$pid" && return 0
		sleep 0.01
	done
	_sshd_msg "pid $pid ignored SIGTERM for 10 s: SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	for ((i = 0; i < 500; i++)); do
		_sshd_gone "$pid" && return 0
		sleep 0.01
	done
	return 1
}

# The listener's children: one sshd per connection. A stopped listener
# leaves them running, so they are stopped too, by PID.
_sshd_children() {
	ps -e -o pid= -o ppid= 2>/dev/null | awk -v p="$1" '$2 == p { print $1 }'
}

sshd_stop() {
	local pid=$SSHD_PID kids k rc=0
	[ -n "$pid" ] || return 0
	SSHD_PID=
	kids=$(_sshd_children "$pid")
	_sshd_kill "$pid" || rc=1
	wait "$pid" 2>/dev/null
	for k in $kids; do
		_sshd_kill "$k" || rc=1
	done
	[ $rc -eq 0 ] || _sshd_msg "sshd (pid $pid) or a session of it did not stop"
	return $rc
}
