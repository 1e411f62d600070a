#!/bin/sh
# deps.sh PKG...: install the Debian packages the build, the tests and the demo
# need. Quick when everything is there; elsewhere prints the list and fails.
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "$@"; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
		case "$st" in
		*" installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
else
	echo "deps: not a Debian system; install these (or your system's equivalents):" >&2
	echo "  $*" >&2
	exit 1
fi
[ -z "$missing" ] && { echo "deps: all $# packages installed"; exit 0; }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages (run as root with apt-get, or install them):" >&2
	echo " $missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# The tests start their own sshd, rpcbind and nfs-ganesha on loopback; the
# packages' scripts must not start system ones on ports 22, 111 and 2049.
# Debian's policy-rc.d mechanism says so for the length of the install.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# nimadm-tui make deps: start no daemons while installing\nexit 101\n' >"$policy" &&
		chmod 755 "$policy" && trap 'rm -f "$policy"' EXIT
fi
apt-get update -q >/dev/null || exit 1
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || exit 1
