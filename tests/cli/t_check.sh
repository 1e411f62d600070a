#!/bin/bash
# t_check.sh: `nimadm-tui check` on the demo lab and on tests/fixtures/check/check.lab:
# the text report (grouped by host, evidence and fix under what did not pass,
# the summary and the result line), --json (an array of results with host,
# check, status, summary, evidence, fix), the exit codes (0 nothing failed,
# warnings said; 3 a check failed; 1 a check could not run; 2 bad usage, one
# line on stderr), a hanging client named as timed out.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
DEMO=$SIMDIR/labs/demo.lab
LAB=$SRC/tests/fixtures/check/check.lab
T=$(mktemp -d "${TMPDIR:-/tmp}/t_check.XXXXXX")
trap 'rm -rf "$T"' EXIT
passes=0 fails=0

ok() {
	passes=$((passes + 1))
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check DESCRIPTION COMMAND...: one check, passed when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok; else fail "$what"; fi
}

# run EXPECTED_RC NAME ARGS...: runs the program into $T/NAME.out and .err.
run() {
	local want=$1 name=$2
	shift 2
	"$PROG" --state-dir "$T/state" "$@" >"$T/$name.out" 2>"$T/$name.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		fail "$* exited $rc, expected $want: $(head -3 "$T/$name.err")"
	fi
}

# has NAME TEXT...: each text appears in $T/NAME.out.
has() {
	local name=$1
	shift
	for t in "$@"; do
		if grep -qF -- "$t" "$T/$name.out"; then ok; else fail "$name: no '$t' in the output"; fi
	done
}

# jcheck NAME PYTHON [ARG...]: assertions on d (the parsed JSON array of $T/NAME.out);
# r(host, check) is the result for a host and check; the ARGs are sys.argv[3:].
jcheck() {
	local name=$1 code=$2
	shift 2
	if python3 - "$T/$name.out" "$code" "$@" <<'EOF'; then ok; else fail "JSON check $name"; fi
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
def r(host, check):
    return next(x for x in d if x["host"] == host and x["check"] == check)
try:
    exec(sys.argv[2])
except (AssertionError, StopIteration, KeyError, TypeError) as e:
    print("assertion failed:", sys.argv[2].strip().splitlines()[0], "->", repr(e))
    sys.exit(1)
EOF
}

# usage NAME ARGS...: exit 2, nothing on stdout, one line on stderr naming the command.
usage() {
	local name=$1
	shift
	run 2 "$name" "$@"
	check "$name: stdout not empty" test ! -s "$T/$name.out"
	check "$name: not one line on stderr: $(cat "$T/$name.err")" \
		test "$(wc -l <"$T/$name.err")" -eq 1
	check "$name: no 'nimadm-tui: check:' prefix: $(cat "$T/$name.err")" \
		grep -q "^nimadm-tui: check: " "$T/$name.err"
}

[ -x "$PROG" ] || { echo "no program at $PROG"; exit 1; }
[ -f "$DEMO" ] || { echo "no demo lab at $DEMO"; exit 1; }

# --- a failing prerequisite: text -------------------------------------------------------
run 3 bat --demo check -c aixbat01 -s spot_7300_02 -l lpp_7300_02
has bat "Prerequisites for nimadm: SPOT spot_7300_02 (target 7300-02-02-2420)" \
	"master (NIM master, SPOT and lpp_source)" "aixbat01 (client)" \
	"FAIL  client.ncargs" "ncargs is 6; nimadm needs at least 256" \
	"\$ rsh aixbat01 lsattr -El sys0 -a ncargs   [exit 0]" \
	"chdev -l sys0 -a ncargs=256" "OK    client.reach" "OK    master.oslevel" \
	"Summary: 2 hosts, 29 checks:" "Result: FAILED: 1 check failed"
check "bat: master before the client" \
	test "$(grep -n '^master' "$T/bat.out" | cut -d: -f1)" -lt "$(grep -n '^aixbat01' "$T/bat.out" | cut -d: -f1)"
# A passing check shows no evidence unless --verbose.
check "bat: evidence of a passing check shown" \
	bash -c "! grep -qF '\$ rsh aixbat01 prtconf' '$T/bat.out'"
run 3 batv --demo check -c aixbat01 -s spot_7300_02 -l lpp_7300_02 --verbose
has batv "\$ rsh aixbat01 prtconf"
# The remote command's exit status, rsh's own where it differs; a client rsh does not
# reach: client.reach fails with its fix, the other checks say "not reached".
run 3 fin --demo check -c aixfin01,aixweb02 -s spot_7300_02 -l lpp_7300_02
has fin "\$ rsh aixfin01 lppchk -v   [exit 1; rsh exit 0]" \
	"FAIL  client.reach             shell client: rsh fails (rcmd: connect: aixweb02: Connection refused)" \
	"\$ rsh aixweb02 oslevel -s   [rsh exit 1; no exit status came back: not reached]" \
	"ERR   client.ncargs            not checked: aixweb02 was not reached (rcmd: connect: aixweb02: Connection refused)" \
	"chsubserver -a -v shell -p tcp6 -r inetd"

# --- warnings alone: exit 0 and say so --------------------------------------------------
run 0 app --demo check -c aixapp01 -s spot_7300_02 -l lpp_7300_02
has app "WARN  client.mksysb" "Result: passed with 1 warning" "SKIP  client.nfs" \
	"SKIP  master.nfs               not probed: 10.20.30.5 is an address of the lab, not a real host"

# --- several clients: commas, repeated -c, the proposal of disks --------------------------
run 3 many --demo check -c aixdb01,aixsmall01 -c aixmir01 -s spot_7300_02 -l lpp_7300_02
has many "proposing hdisk1 (51200 MB, PVID 00c8f1a0b1c20002)" \
	"hdisk1 too small: 10240 MB < needed 14580 MB" "unmirrorvg rootvg hdisk1" \
	"Summary: 4 hosts"

# --- JSON: every client of the demo lab ---------------------------------------------------
run 3 all --demo check --all-clients -s spot_7300_02 -l lpp_7300_02 --json
# Every run is saved per client in <state>/reports, where support bundles look.
rm -rf "$T/state/reports"
run 3 saved --demo check -c aixdb01,aixsec01 -s spot_7300_02 -l lpp_7300_02
for c in aixdb01 aixsec01; do
	f=$(ls "$T/state/reports/$c"-*.json 2>/dev/null | head -1)
	check "the report is saved for $c" [ -n "$f" ]
	check "the saved report of $c is the JSON results, with $c's" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(r["host"] == sys.argv[2] and r["check"] == "client.tcb" for r in d)
' "${f:-/nonexistent}" "$c"
done
check "no report for the master itself" [ -z "$(ls "$T/state/reports" | grep '^master-')" ]
jcheck all '
assert isinstance(d, list) and len(d) > 200
for x in d:
    for k in ("host", "check", "status", "summary", "evidence", "fix"):
        assert k in x, k
    assert x["status"] in ("pass", "warn", "fail", "skipped", "error")
    for ev in x["evidence"]:
        assert "command" in ev and "status" in ev and isinstance(ev["lines"], list)
        assert "via_status" in ev, ev
        assert "rsh does not pass" not in (ev["note"] or ""), ev
hosts = []
for x in d:
    if x["host"] not in hosts:
        hosts.append(x["host"])
assert hosts[0] == "master" and len(hosts) == 18, hosts
n = r("aixbat01", "client.ncargs")
assert n["status"] == "fail" and "chdev -l sys0 -a ncargs=256" in n["fix"]
assert n["evidence"][0]["command"] == "rsh aixbat01 lsattr -El sys0 -a ncargs"
# The exit status of the remote command; that of rsh beside it, noted where they differ.
e = n["evidence"][0]
assert e["status"] == 0 and e["via_status"] == 0 and e["note"] is None, e
e = r("aixfin01", "client.lppchk")["evidence"][0]
assert e["command"] == "rsh aixfin01 lppchk -v", e
assert e["status"] == 1 and e["via_status"] == 0 and e["note"] == "rsh exit 0", e
e = r("aixapp01", "client.tcb")["evidence"][0]
assert e["command"].startswith("c_rsh aixapp01 ") and e["status"] == 0 and e["via_status"] == 0, e
# Not reached: no status of the command, that of rsh, and the checks say so.
e = r("aixweb02", "client.reach")["evidence"][0]
assert e["status"] is None and e["via_status"] == 1 and "not reached" in e["note"], e
for c in ("client.ncargs", "client.lppchk", "job.disks"):
    x = r("aixweb02", c)
    assert x["status"] == "error" and "aixweb02 was not reached" in x["summary"], x
assert r("aixsec01", "client.tcb")["status"] == "fail"
assert r("aixlog01", "client.lv_names")["status"] == "fail"
assert r("aixmb01", "client.multibos")["status"] == "fail"
assert r("aixmir01", "job.disks")["status"] == "fail"
assert r("aixsmall01", "job.disks")["status"] == "fail"
assert r("aixold01", "client.reach")["status"] == "fail"
assert r("aixold01", "client.ncargs")["status"] == "error"
assert r("aixweb02", "client.reach")["status"] == "fail"
assert r("aixnew01", "client.oslevel")["status"] == "fail"
assert r("aixp7db01", "client.processor")["status"] == "fail"
assert r("aixhr01", "client.installp")["status"] == "warn"
assert r("aixfin01", "client.lppchk")["status"] == "fail"
assert r("aixtst01", "client.cstate")["status"] == "fail"
dk = r("aixdb01", "job.disks")
assert dk["status"] == "pass" and dk["proposed"] == ["hdisk1"] and dk["needed_mb"] == 14580
assert [x["name"] for x in dk["disks"]] == ["hdisk0", "hdisk1"]
assert r("master", "job.cache_vg")["status"] == "skipped"
assert r("aixbat01", "client.ncargs")["code"] == "0403-027"
m = r("master", "master.nfs")
assert m["status"] == "skipped" and "address of the lab" in m["summary"], m
assert m["evidence"][0]["command"].startswith("host "), m["evidence"]
'
check "all: stderr not empty: $(head -3 "$T/all.err")" test ! -s "$T/all.err"

# --- -j and -d --------------------------------------------------------------------------
run 0 sec --demo check -c aixsec01 -s spot_7300_02 -l lpp_7300_02 -j cachevg -d hdisk1 --json
jcheck sec '
assert r("aixsec01", "client.tcb")["status"] == "pass"
assert r("master", "job.cache_vg")["status"] == "pass"
assert r("aixsec01", "client.nfs")["status"] == "skipped"
assert r("master", "master.nfs")["status"] == "skipped" and "-j cachevg" in r("master", "master.nfs")["summary"]
assert r("aixsec01", "job.disks")["proposed"] == ["hdisk1"]
'
run 3 inuse --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk0
has inuse "hdisk0 is in rootvg" "chpv -C hdisk0"

# --- -U in the check lab: a TL update is fine, the same client without -U is not ------------
run 0 upd --lab "$LAB" check -c upd01 -s spot_7300_03 -l lpp_7300_03 -U
has upd "a TL/SP update within AIX 7.3 (-U)" ", -U (TL/SP update)" "Result: passed with"
run 3 noupd --lab "$LAB" check -c upd01 -s spot_7300_03 -l lpp_7300_03
has noupd "already at AIX 7.3"

# --- a check that cannot run: exit 1 -------------------------------------------------------
run 1 flt --lab "$LAB" check -c flt01 -s spot_7300_03 -l lpp_7300_03
has flt "ERR   client.ncargs" "0514-519" "Result: INCOMPLETE: 1 check could not run"

# --- a hanging client: timed out, named, the others complete --------------------------------
run 3 hang --lab "$LAB" check -c hang01,upd01 -s spot_7300_03 -l lpp_7300_03 -U --timeout 2
has hang "hang01 (client, timed out)" "Timed out: hang01" "timed out after"
check "hang: upd01 did not complete" grep -qF "OK    client.oslevel           7300-02-02-2420 -> 7300-03-01-2446" "$T/hang.out"
run 3 hangj --lab "$LAB" check -c hang01 -s spot_7300_03 -l lpp_7300_03 --timeout 1 --json
jcheck hangj '
x = r("hang01", "client.reach")
assert x["status"] == "fail" and x["timed_out"] is True
assert x["evidence"][0]["status"] is None and "timed out" in x["evidence"][0]["note"]
assert r("hang01", "client.lppchk")["status"] == "error"
'

# --- unknown objects are failed checks, not usage errors --------------------------------------
run 3 nospot --demo check -c aixdb01 -s nospot -l lpp_7300_02
has nospot "no NIM object named nospot" "SKIP  client.oslevel"
run 3 noclient --demo check -c nosuch01 -s spot_7300_02 -l lpp_7300_02
has noclient "no NIM object named nosuch01"

# --- bad usage: exit 2, one line ----------------------------------------------------------------
usage u_noclient --demo check -s spot_7300_02 -l lpp_7300_02
usage u_both --demo check -c aixdb01 --all-clients -s spot_7300_02 -l lpp_7300_02
usage u_nospot --demo check -c aixdb01 -l lpp_7300_02
usage u_nolpp --demo check -c aixdb01 -s spot_7300_02
usage u_option --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --frobnicate
usage u_operand --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 extra
usage u_hostile --demo check -c 'aixdb01;reboot' -s spot_7300_02 -l lpp_7300_02
usage u_dash --demo check -c -F -s spot_7300_02 -l lpp_7300_02
# shellcheck disable=SC2016 # the $(id) must reach the program unexpanded
usage u_disk --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d 'hdisk1 $(id)'
usage u_timeout --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --timeout 0
usage u_parallel --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --parallel x
usage u_sshkey --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --ssh-key /nonexistent
usage u_sshspec --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --ssh 'root@:22'
usage u_sshport --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 --ssh 'host:99999'
usage u_nolab --lab "$T/missing.lab" check -c aixdb01 -s spot_7300_02 -l lpp_7300_02
# --nfs-export: an absolute path, no control characters, bounded, a client checked, once each.
nfsx() {
	local name=$1 what=$2
	shift 2
	usage "$name" --demo check -c aixdb01 -s spot_7300_02 -l lpp_7300_02 "$@"
	has_err "$name" "nimadm-tui: check: --nfs-export: " "$what"
}
# has_err NAME TEXT...: each text appears in $T/NAME.err.
has_err() {
	local name=$1
	shift
	for t in "$@"; do
		if grep -qF -- "$t" "$T/$name.err"; then ok; else fail "$name: no '$t' on stderr: $(cat "$T/$name.err")"; fi
	done
}
nfsx u_nfs_rel "NFS export 'export/nim' is not an absolute path" --nfs-export export/nim
nfsx u_nfs_relc "NFS export 'aixdb01:alt' is not an absolute path" --nfs-export aixdb01:alt
nfsx u_nfs_ctl "control character (0x0a) at byte 3" --nfs-export "$(printf '/a\nb')"
nfsx u_nfs_esc "control character (0x1b)" --nfs-export "aixdb01:/$(printf '\033')[2J"
nfsx u_nfs_long "is 1101 bytes long; at most 1023" --nfs-export "/$(printf 'a%.0s' $(seq 1100))"
nfsx u_nfs_host "NFS export for 'a;reboot': not a valid client name" --nfs-export 'a;reboot:/x'
nfsx u_nfs_other "NFS export for aixweb01, which is not among the clients checked" \
	--nfs-export aixweb01:/x
nfsx u_nfs_twice "an NFS export is named twice for aixdb01" --nfs-export aixdb01:/x \
	--nfs-export aixdb01:/y
nfsx u_nfs_empty "an NFS export is empty" --nfs-export ''
run 0 help check -h
has help "usage: nimadm-tui check"

# --- the master over ssh (a real sshd on loopback; the lab's commands in its sessions) ---------
# shellcheck source=../support/sshd.sh
. "$SRC/tests/support/sshd.sh"
if ! sshd_available; then
	echo "t_check: ssh part skipped: missing$SSHD_MISSING"
else
	SSHD_EMPTY_BASHRC=1 # read by sshd_start
	export SSHD_EMPTY_BASHRC
	sshd_lab "$SIMDIR/bin" "$LAB" "$T/sshlab"
	if sshd_start "$T/sshd"; then
		trap 'sshd_stop; rm -rf "$T"' EXIT
		SSH=("--ssh" "$SSHD_USER@127.0.0.1:$SSHD_PORT" "--ssh-key" "$SSHD_KEY")
		# Success: the master's commands over ssh, the client's through rsh/c_rsh from it.
		run 0 ssh_ok check -c upd01 -s spot_7300_03 -l lpp_7300_03 -U "${SSH[@]}" \
			--known-hosts "$SSHD_KNOWN_HOSTS"
		has ssh_ok "OK    client.reach" "a TL/SP update within AIX 7.3 (-U)" \
			"the master is reached over ssh" \
			"SKIP  master.nfs               the master is reached over ssh: a probe from here would not see"
		# An unknown host key is refused: one line naming the fingerprint, nothing checked.
		: >"$T/empty_known_hosts"
		run 1 ssh_hostkey check -c upd01 -s spot_7300_03 -l lpp_7300_03 "${SSH[@]}" \
			--known-hosts "$T/empty_known_hosts"
		check "ssh_hostkey: stdout not empty" test ! -s "$T/ssh_hostkey.out"
		check "ssh_hostkey: $(cat "$T/ssh_hostkey.err")" \
			grep -q "cannot run commands on the NIM master: .*host key.*SHA256:" "$T/ssh_hostkey.err"
		# A key the server does not accept is refused.
		ssh-keygen -q -t ed25519 -N '' -f "$T/wrong_key" </dev/null
		run 1 ssh_key check -c upd01 -s spot_7300_03 -l lpp_7300_03 --ssh \
			"$SSHD_USER@127.0.0.1:$SSHD_PORT" --ssh-key "$T/wrong_key" --known-hosts "$SSHD_KNOWN_HOSTS"
		check "ssh_key: $(cat "$T/ssh_key.err")" \
			grep -q "cannot run commands on the NIM master: .*refused" "$T/ssh_key.err"
		# A hanging client behind the ssh master hits its timeout; the other completes.
		run 3 ssh_hang check -c hang01,upd01 -s spot_7300_03 -l lpp_7300_03 -U --timeout 2 \
			"${SSH[@]}" --known-hosts "$SSHD_KNOWN_HOSTS" --json
		jcheck ssh_hang '
x = r("hang01", "client.reach")
assert x["status"] == "fail" and x["timed_out"] is True, x
assert r("upd01", "client.oslevel")["status"] == "pass"
assert r("upd01", "job.disks")["status"] == "pass"
'
		sshd_stop
	else
		fail "sshd_start failed"
	fi
fi

# --- NFS: a client whose NIM address is loopback, probed against a real NFS server -----------
# The check lab with its master at 127.0.0.1 too, so master.nfs probes the same server.
NLAB=$T/nfs.lab
sed '/^\[master\]/,/^\[/ s/^ip = .*/ip = 127.0.0.1/' "$LAB" >"$NLAB"
check "the NFS lab's master is at 127.0.0.1" grep -qx "ip = 127.0.0.1" "$NLAB"
# mtime NAME DIR: the directory's modification time, nanoseconds, into $T/NAME.mtime.
mtime() {
	stat -c %y "$2" >"$T/$1.mtime"
}
# empty_dir DESCRIPTION DIR: nothing left in DIR (a probe's file was removed).
empty_dir() {
	check "$1: $(ls -A "$2" 2>&1)" test -z "$(ls -A "$2")"
}
# shellcheck source=../support/nfsd.sh
. "$SRC/tests/support/nfsd.sh"
nfsd_start "$T/nfs"
nrc=$?
if [ "$nrc" -eq 2 ]; then
	echo "t_check: NFS part skipped: no NFS server harness here"
elif [ "$nrc" -ne 0 ]; then
	fail "nfsd_start failed"
else
	trap 'nfsd_stop; rm -rf "$T"' EXIT
	run 0 nfs_up --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 --json
	jcheck nfs_up '
x = r("nfs01", "client.nfs")
assert x["status"] == "pass", x["summary"]
ev = x["evidence"][-1]
assert ev["command"].startswith("NFS probe of 127.0.0.1"), ev
assert any(l.startswith("exports: ok") for l in ev["lines"]), ev["lines"]
assert not any(l.startswith("roundtrip") for l in ev["lines"]), ev["lines"]
# The master: found through host(1), its exports listed.
m = r("master", "master.nfs")
assert m["status"] == "pass", m["summary"]
assert m["evidence"][0]["command"] == "host nimchk01", m["evidence"]
assert m["evidence"][0]["lines"] == ["nimchk01 is 127.0.0.1"], m["evidence"]
assert "the master\x27s NFS server (127.0.0.1) answers" in m["summary"], m["summary"]
assert "it exports 3 directories" in m["summary"], m["summary"]
assert "  " + sys.argv[3] + " (everyone)" in m["evidence"][1]["lines"], m["evidence"][1]["lines"]
' "$NFSD_EXPORT"

	# A round trip through the client's export: the file is really written and removed
	# (the directory changed, and is empty again).
	mtime rt_before "$NFSD_EXPORT"
	empty_dir "the export is empty before the round trip" "$NFSD_EXPORT"
	sleep 0.01
	run 0 nfs_rt --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "$NFSD_EXPORT" --json
	mtime rt_after "$NFSD_EXPORT"
	check "the round trip did not touch $NFSD_EXPORT" \
		bash -c "! cmp -s '$T/rt_before.mtime' '$T/rt_after.mtime'"
	empty_dir "the probe's file was left in the export" "$NFSD_EXPORT"
	jcheck nfs_rt '
x = r("nfs01", "client.nfs")
assert x["status"] == "pass", x["summary"]
assert "round trip: mounted 127.0.0.1:" + sys.argv[3] + " over NFSv3; wrote, read back and removed" in x["summary"], x["summary"]
ev = x["evidence"][-1]
assert ev["command"].endswith("write, read back and remove a file through " + sys.argv[3] + ")"), ev
assert any(l.startswith("roundtrip: ok: mounted") for l in ev["lines"]), ev["lines"]
# Not named for the master: its probe has no round trip.
assert not any(l.startswith("roundtrip") for l in r("master", "master.nfs")["evidence"][-1]["lines"])
' "$NFSD_EXPORT"
	# The same through the master's export (master:PATH), in text.
	run 0 nfs_rtm --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "master:$NFSD_EXPORT"
	has nfs_rtm "OK    master.nfs" "round trip: mounted 127.0.0.1:$NFSD_EXPORT over NFSv3"
	empty_dir "the master probe's file was left in the export" "$NFSD_EXPORT"

	# A read-only export, one that squashes root, a path not exported: each fails, saying why.
	run 3 nfs_ro --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "nfs01:$NFSD_EXPORT_RO"
	has nfs_ro "FAIL  client.nfs               NFS on nfs01 (127.0.0.1) answers, but the round trip as root failed" \
		"NFS3ERR_ROFS" "the export is read-only" "roundtrip: failed: create" \
		"mknfsexp -d $NFSD_EXPORT_RO -t rw -r nimchk01 -c nimchk01 -N" "OK    master.nfs"
	empty_dir "a file appeared in the read-only export" "$NFSD_EXPORT_RO"
	run 3 nfs_sq --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "$NFSD_EXPORT_SQUASH"
	has nfs_sq "FAIL  client.nfs" "NFS3ERR_ACCES" "nimadm needs root access to the export"
	empty_dir "a file appeared in the root-squashed export" "$NFSD_EXPORT_SQUASH"
	run 3 nfs_nx --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "$NFSD_DIR/recov" --json
	jcheck nfs_nx '
x = r("nfs01", "client.nfs")
assert x["status"] == "fail", x["summary"]
assert "is not among the exports of 127.0.0.1" in x["summary"], x["summary"]
assert "mknfsexp" in x["fix"], x["fix"]
'
	run 3 nfs_rom --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "master:$NFSD_EXPORT_RO" --json
	jcheck nfs_rom '
m = r("master", "master.nfs")
assert m["status"] == "fail" and "NFS3ERR_ROFS" in m["summary"], m["summary"]
assert r("nfs01", "client.nfs")["status"] == "pass"
'

	# nfsd stopped, the portmapper still there: nfs is not registered.
	nfsd_stop_nfs
	run 3 nfs_down --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "$NFSD_EXPORT"
	has nfs_down "FAIL  client.nfs" "startsrc -g nfs" "rpcinfo -p 127.0.0.1" \
		"roundtrip: skipped" "WARN  master.nfs" "nimadm starts them itself (0513-059)" \
		"are not registered for TCP with the portmapper on 127.0.0.1"
	# With -j there is no NFS between master and client.
	run 0 nfs_j --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 -j nimvg
	has nfs_j "SKIP  client.nfs               -j nimvg" "SKIP  master.nfs               -j nimvg"
	# Everything stopped: the master's portmapper does not answer, a failure.
	nfsd_stop
	run 3 nfs_gone --lab "$NLAB" check -c nfs01 -s spot_7300_03 -l lpp_7300_03 \
		--nfs-export "$NFSD_EXPORT" --json
	jcheck nfs_gone '
m = r("master", "master.nfs")
assert m["status"] == "fail", m["summary"]
assert "portmapper (127.0.0.1) does not answer" in m["summary"] and "connection refused" in m["summary"], m["summary"]
assert "startsrc -s portmap" in m["fix"], m["fix"]
x = r("nfs01", "client.nfs")
assert x["status"] == "fail" and "portmap" in x["summary"], x["summary"]
'
	check "no NFS server left: $(cat "$NFSD_DIR"/*.realpid 2>/dev/null)" \
		bash -c "for f in '$NFSD_DIR'/*.realpid; do ! kill -0 \$(cat \$f) 2>/dev/null || exit 1; done"
fi

echo "t_check: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
