#!/bin/bash
# bench_check.sh: `nimadm-tui check` on N simulated clients with the NIM master
# reached through a real sshd (clients through rsh/c_rsh from it), against the
# loop an administrator would write with OpenSSH's client: the same commands,
# one `ssh master ...` each, client after client. Prints the figures for
# BENCH_CHECK_SIZES (default "10 100 300") clients and fails unless the checker
# is at least 10 times faster at 100 clients. The sequential loop is measured
# in full up to BENCH_CHECK_SEQ_MAX clients (default 100; each ssh login costs
# about a quarter of a second here, so 100 clients take some 6 minutes); larger
# sizes scale the largest measured loop, and the table says so.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
SIZES=${BENCH_CHECK_SIZES:-10 100 300}
SEQ_MAX=${BENCH_CHECK_SEQ_MAX:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/bench_check.XXXXXX")
# shellcheck source=../support/sshd.sh
. "$SRC/tests/support/sshd.sh"
trap 'sshd_stop; rm -rf "$T"' EXIT

[ -x "$PROG" ] || { echo "no program at $PROG"; exit 1; }
if ! sshd_available; then
	echo "bench_check: SKIP: missing$SSHD_MISSING"
	exit 0
fi

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# make_lab FILE N: a 7.3 TL2 master and N clean 7.2 clients, shell and nimsh alternating.
make_lab() {
	local f=$1 n=$2 i name conn
	{
		printf '[lab]\nname = bench\ntime_scale = 0.01\n\n'
		printf '[master]\nhostname = nimbench\noslevel = 7300-02-02-2420\nmemory_mb = 32768\n'
		printf 'disk = hdisk0 size=102400 vg=rootvg\n\n'
		printf '[lpp_source lpp_7300_02]\noslevel = 7300-02-02-2420\n\n'
		printf '[spot spot_7300_02]\noslevel = 7300-02-02-2420\n\n'
		for ((i = 1; i <= n; i++)); do
			name=$(printf 'c%04d' "$i")
			conn=shell
			[ $((i % 2)) -eq 0 ] && conn=nimsh
			printf '[client %s]\nconnect = %s\noslevel = 7200-05-06-2320\n' "$name" "$conn"
			printf 'disk = hdisk0 size=51200 vg=rootvg\ndisk = hdisk1 size=51200\n\n'
		done
	} >"$f"
}

# The commands the checker runs, as the loop runs them: one ssh login each.
MASTER_CMDS=("lsnim -l master" "oslevel -s" "prtconf"
	"lslpp -l bos.alt_disk_install.rte bos.alt_disk_install.boot_images bos.net.nis.client"
	"lsnim -l spot_7300_02" "nim -o lslpp -a lslpp_flags=Lc spot_7300_02"
	"lsnim -l lpp_7300_02" "nim -o showres lpp_7300_02" "lsnim -l -t mksysb")
CLIENT_CMDS=("oslevel -s" "lspv" "lsvg rootvg" "lsvg -l rootvg" "lsattr -El sys0 -a ncargs"
	"odmget -q attribute=TCB_STATE PdAt" "prtconf" "lppchk -v" "installp -s" "instfix -i"
	"cat /etc/niminfo" "bootinfo -s hdisk0" "bootinfo -s hdisk1")

# seq_loop N: the sequential loop over the first N clients; prints its milliseconds.
seq_loop() {
	local n=$1 i name t0 c rsh other
	t0=$(now_ms)
	for c in "${MASTER_CMDS[@]}"; do
		sshd_ssh "$c" >/dev/null 2>&1
	done
	for ((i = 1; i <= n; i++)); do
		name=$(printf 'c%04d' "$i")
		rsh=rsh other=c_rsh
		[ $((i % 2)) -eq 0 ] && rsh=c_rsh other=rsh
		sshd_ssh "lsnim -l $name" >/dev/null 2>&1
		sshd_ssh "$other $name oslevel -s" >/dev/null 2>&1
		for c in "${CLIENT_CMDS[@]}"; do
			sshd_ssh "$rsh $name $c" >/dev/null 2>&1
		done
	done
	echo $(($(now_ms) - t0))
}

SSHD_EMPTY_BASHRC=1 # read by sshd_start
export SSHD_EMPTY_BASHRC
max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
make_lab "$T/bench.lab" "$max"
sshd_lab "$SIMDIR/bin" "$T/bench.lab" "$T/labstate"
sshd_start "$T/sshd" || { echo "bench_check: sshd did not start"; exit 1; }

printf '%-8s %12s %14s %9s   %s\n' clients "check (ms)" "ssh loop (ms)" speedup "commands"
rc=0
seq_n=0 seq_ms=0
for n in $SIZES; do
	clients=$(seq -f 'c%04g' 1 "$n" | paste -sd, -)
	t0=$(now_ms)
	"$PROG" --state-dir "$T/state" check -c "$clients" -s spot_7300_02 -l lpp_7300_02 --json \
		--ssh "$SSHD_USER@127.0.0.1:$SSHD_PORT" --ssh-key "$SSHD_KEY" \
		--known-hosts "$SSHD_KNOWN_HOSTS" >"$T/check-$n.json" 2>"$T/check-$n.err"
	crc=$?
	tc=$(($(now_ms) - t0))
	# Every client was really checked: each has its ncargs verdict, and it passed.
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for x in d if x["check"] == "client.ncargs" and x["status"] == "pass"))
' "$T/check-$n.json" 2>/dev/null || echo 0)
	if [ "$crc" -ne 0 ] || [ "$got" -ne "$n" ]; then
		echo "bench_check: check of $n clients: exit $crc, $got of $n ncargs checks passed"
		head -3 "$T/check-$n.err"
		rc=1
	fi
	if [ "$n" -le "$SEQ_MAX" ]; then
		ts=$(seq_loop "$n")
		how=measured
		seq_n=$n seq_ms=$ts
	else
		if [ "$seq_n" -eq 0 ]; then
			seq_n=$SEQ_MAX
			seq_ms=$(seq_loop "$seq_n")
		fi
		ts=$((seq_ms * n / seq_n))
		how="loop measured on $seq_n clients, scaled"
	fi
	speed=$(awk -v a="$ts" -v b="$tc" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }')
	printf '%-8s %12s %14s %8sx   %s (%s)\n' "$n" "$tc" "$ts" "$speed" \
		"$((${#MASTER_CMDS[@]} + n * (${#CLIENT_CMDS[@]} + 2)))" "$how"
	if [ "$n" -eq 100 ] && ! awk -v a="$ts" -v b="$tc" 'BEGIN { exit !(a >= 10 * b) }'; then
		echo "bench_check: at 100 clients the checker is less than 10 times faster"
		rc=1
	fi
done
sshd_stop
exit $rc
