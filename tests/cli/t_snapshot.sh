#!/bin/bash
# t_snapshot.sh: `nimadm-tui snapshot`, `postcheck` and `bundle` end to end.
# Two worlds: the fake AIX of tests/fixtures/snapshot (a simulator directory of
# symlinks to fake.sh, exact before/after outputs: the diff is known), and the
# demo lab through nimsim (a snapshot, a real migration with -r, the check and
# the bundle; commands the lab does not simulate yet are recorded, not fatal).
# Archives are listed and extracted with tar and checked with python3.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
DEMO=$SIMDIR/labs/demo.lab
T=$(mktemp -d "${TMPDIR:-/tmp}/t_snapshot.XXXXXX")
trap 'rm -rf "$T"' EXIT
passes=0 fails=0

ok() {
	passes=$((passes + 1))
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

check() {
	local what=$1
	shift
	if "$@"; then ok; else fail "$what"; fi
}

# run EXPECTED_RC NAME ARGS...: the program with the fake world into $T/NAME.out/.err.
run() {
	local want=$1 name=$2
	shift 2
	NIMADM_TUI_SIMDIR=$T/sim "$PROG" --lab "$T/fake.lab" --state-dir "$T/state" "$@" \
		>"$T/$name.out" 2>"$T/$name.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else fail "$name: $* exited $rc, expected $want: $(head -3 "$T/$name.err")"; fi
}

# demo EXPECTED_RC NAME ARGS...: the program in (a fast copy of) the demo lab.
demo() {
	local want=$1 name=$2
	shift 2
	"$PROG" --lab "$T/demo/demo.lab" --state-dir "$T/dstate" "$@" >"$T/$name.out" 2>"$T/$name.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else fail "$name: $* exited $rc, expected $want: $(head -3 "$T/$name.err")"; fi
}

# py NAME CODE ARGS...: python assertions; NAME for the message.
py() {
	local name=$1 code=$2
	shift 2
	if python3 - "$@" <<EOF; then ok; else fail "python check $name"; fi
import json, os, re, stat, subprocess, sys, tarfile
args = sys.argv[1:]
try:
$(echo "$code" | sed 's/^/    /')
except (AssertionError, KeyError, IndexError, StopIteration) as e:
    import traceback; traceback.print_exc()
    sys.exit(1)
EOF
}

one_line() {
	local name=$1 cmd=$2
	check "$name: stdout not empty" test ! -s "$T/$name.out"
	check "$name: not one line on stderr: $(cat "$T/$name.err")" test "$(wc -l <"$T/$name.err")" -eq 1
	check "$name: no 'nimadm-tui: $cmd:' prefix" grep -q "^nimadm-tui: $cmd: " "$T/$name.err"
}

[ -x "$PROG" ] || { echo "no program at $PROG"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }

# --- the fake world --------------------------------------------------------------
mkdir -p "$T/sim/bin" "$T/state"
for c in rsh c_rsh lsnim hostname nimsim nimadm oslevel lslpp lsattr vmo no ioo schedo mount \
	lsfs netstat ifconfig lsvg lspv bootlist lssrc crontab lppchk instfix cat ls post_migration; do
	ln -s "$SRC/tests/fixtures/snapshot/fake.sh" "$T/sim/bin/$c"
done
echo "[lab]" >"$T/fake.lab"
mkdir -p "$T/fake/out" "$T/fake/hosts"
export FAKE_FIX=$SRC/tests/fixtures/snapshot FAKE_DIR=$T/fake FAKE_STATE=before

# snapshot: text
run 0 snap snapshot -c aixdb01
check "snap: archive line" grep -q "^  archive   $T/state/snapshots/aixdb01/aixdb01-[0-9]\{8\}-[0-9]\{6\}\.tar\.gz$" "$T/snap.out"
check "snap: counts" grep -q "^  items     30 ok, 0 unavailable, 1 unreadable$" "$T/snap.out"
check "snap: sendmail.cf listed" grep -q "unreadable   /etc/sendmail.cf .*cat: 0652-050 Cannot open /etc/sendmail.cf. (exit 2)" "$T/snap.out"
ARCHIVE=$(sed -n 's/^  archive   //p' "$T/snap.out")
check "snap: archive is 0600" test "$(stat -c %a "$ARCHIVE")" = 600
check "snap: gzip -t" gzip -t "$ARCHIVE"
check "snap: manifest first" test "$(tar -tzf "$ARCHIVE" | head -1)" = manifest.json
mkdir -p "$T/x"
tar -xzf "$ARCHIVE" -C "$T/x"
check "snap: motd as on the client" cmp "$T/x/files/etc/motd" "$FAKE_FIX/before/files/etc/motd"
check "snap: sys0 as printed" cmp "$T/x/cmd/lsattr_sys0.out" "$FAKE_FIX/before/cmd/lsattr_-El_sys0"
py manifest '
m = json.load(open(args[0] + "/manifest.json"))
assert m["client"] == "aixdb01" and m["master"] == "nimmast01" and m["oslevel"] == "7200-05-06-2320"
import hashlib
for it in m["items"]:
    if it["entry"]:
        data = open(args[0] + "/" + it["entry"], "rb").read()
        assert len(data) == it["bytes"], it["entry"]
        assert hashlib.sha256(data).hexdigest() == it["sha256"], it["entry"]
names = {it["name"]: it for it in m["items"]}
assert names["/etc/sendmail.cf"]["status"] == "unreadable" and names["/etc/sendmail.cf"]["exit_status"] == 2
assert names["/etc/ssh/sshd_config"]["source"] == "cat /etc/ssh/sshd_config"
assert names["lsattr_sys0"]["source"] == "lsattr -El sys0"
' "$T/x"

# snapshot: JSON
run 0 snapj snapshot -c aixdb01 --json
py snapjson '
m = json.load(open(args[0]))
assert os.path.exists(m["path"]) and m["counts"]["unreadable"] == 1 and m["connect"] == "shell"
' "$T/snapj.out"

# snapshot: bad input and unreachable clients
run 2 snap_unknown snapshot -c nosuch
one_line snap_unknown snapshot
check "snap_unknown: NIM's message" grep -q '0042-053 lsnim: there is no NIM object named "nosuch"' "$T/snap_unknown.err"
run 2 snap_spot snapshot -c spot_7300_02
one_line snap_spot snapshot
run 2 snap_noclient snapshot
run 2 snap_badname snapshot -c 'a;b'
run 2 snap_badopt snapshot -c aixdb01 --frobnicate
run 2 snap_badtime snapshot -c aixdb01 --timeout 0
touch "$T/fake/hosts/aixdown01.refused"
run 1 snap_refused snapshot -c aixdown01
one_line snap_refused snapshot
check "snap_refused: why" grep -q "rcmd: connect: aixdown01: Connection refused" "$T/snap_refused.err"
check "snap_refused: no archive" test ! -e "$T/state/snapshots/aixdown01"

# postcheck after the migration: the known diff, post_migration live
export FAKE_STATE=after
run 0 pc postcheck -c aixdb01 --target 7300-02-02-2420
check "pc: post_migration output first" test "$(head -2 "$T/pc.out" | tail -1)" = "  | post_migration: checking the migration of aixdb01"
check "pc: verdict line" grep -q "^Post-migration check of aixdb01 at .*: warn$" "$T/pc.out"
check "pc: counts" grep -q "^CHANGES SINCE THE SNAPSHOT (22, 12 known resets)$" "$T/pc.out"
check "pc: maxuproc restore" grep -q "^      restore: chdev -l sys0 -a maxuproc=4096$" "$T/pc.out"
check "pc: sendmail restore" grep -q "^      restore: stopsrc -s sendmail$" "$T/pc.out"
check "pc: saved" grep -q "^Saved: $T/state/postchecks/aixdb01-.*\.json$" "$T/pc.out"
check "pc: no private key" bash -c "! grep -q 'PRIVATE KEY' '$T/pc.out'"

run 0 pcj postcheck -c aixdb01 --target 7300-02 --json
py pcjson '
d = json.load(open(args[0]))
assert d["verdict"] == "warn" and d["counts"]["changes"] == 22 and d["counts"]["known_resets"] == 12
v = {c["id"]: c["verdict"] for c in d["checks"]}
assert v == {"oslevel": "pass", "rootvg": "pass", "bootlist": "pass", "lppchk": "pass",
             "instfix": "pass", "post_migration": "pass", "compare": "warn"}, v
ch = {c["item"]: c for c in d["changes"]}
assert ch["maxuproc"]["before"] == "4096" and ch["maxuproc"]["after"] == "128" and ch["maxuproc"]["known_reset"]
assert ch["nextboot no rfc1323"]["restore"] == "no -p -o rfc1323=1"
assert ch["route 192.168.50.0 via 10.20.30.254 en0"]["area"] == "network"
assert "-PermitRootLogin without-password" in ch["/etc/ssh/sshd_config"]["diff"]
assert os.path.exists(d["saved"])
err = open(args[1]).read()
assert "  | post_migration: checking the migration of aixdb01" in err
' "$T/pcj.out" "$T/pcj.err"

# postcheck: a failed check is exit 1; bad input is exit 2
echo 1 >"$T/fake/out/lppchk_-v.rc"
echo "  bos.rte.odm 7.3.2.0                     (not installed; requisite fileset)" >"$T/fake/out/lppchk_-v.err"
run 1 pc_fail postcheck -c aixdb01 --target 7300-02-02-2420 --no-post-migration
check "pc_fail: lppchk fails" grep -q "^  FAIL    lppchk          lppchk -v reports 1 fileset to correct$" "$T/pc_fail.out"
check "pc_fail: evidence" grep -q "> bos.rte.odm 7.3.2.0" "$T/pc_fail.out"
check "pc_fail: skipped post_migration" grep -q "^  SKIPPED post_migration  not run (asked not to)$" "$T/pc_fail.out"
rm -f "$T/fake/out/lppchk_-v.rc" "$T/fake/out/lppchk_-v.err"
echo "not an archive" >"$T/junk.tar.gz"
run 2 pc_junk postcheck -c aixdb01 --snapshot "$T/junk.tar.gz"
one_line pc_junk postcheck
run 2 pc_target postcheck -c aixdb01 --target seven
one_line pc_target postcheck
run 2 pc_noclient postcheck
run 1 pc_refused postcheck -c aixdown01

# bundle of a job
export FAKE_STATE=before
run 0 job run -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1
JOB=$(sed -n 's/^nimadm-tui: job \([^ ]*\) succeeded.*/\1/p' "$T/job.err" "$T/job.out" | head -1)
check "job: an id" test -n "$JOB"
mkdir -p "$T/state/reports"
echo '{"client": "aixdb01", "verdict": "pass"}' >"$T/state/reports/aixdb01-20261121-070000.json"
run 0 bundle bundle "$JOB"
BUNDLE=$(sed -n "s/^Bundle of job $JOB: //p" "$T/bundle.out")
check "bundle: in bundles/" test "$(dirname "$BUNDLE")" = "$T/state/bundles"
check "bundle: 0600" test "$(stat -c %a "$BUNDLE")" = 600
mkdir -p "$T/b"
tar -xzf "$BUNDLE" -C "$T/b"
check "bundle: SHA256SUMS verify" bash -c "cd '$T/b' && sha256sum --quiet -c SHA256SUMS"
check "bundle: output.log" cmp "$T/b/jobs/$JOB/output.log" "$T/state/jobs/$JOB/output.log"
check "bundle: nimadm log" cmp "$T/b/nimadm/aixdb01_alt_mig.log" "$FAKE_FIX/master/cat_/var/adm/ras/alt_mig/aixdb01_alt_mig.log"
check "bundle: report" test -f "$T/b/prereq/aixdb01-20261121-070000.json"
check "bundle: snapshot motd" bash -c "ls '$T'/b/snapshot/aixdb01-*/files/etc/motd >/dev/null"
check "bundle: no private key" bash -c "! grep -rq 'PRIVATE KEY' '$T/b'"
check "bundle: postcheck" bash -c "ls '$T'/b/postcheck/aixdb01-*.txt >/dev/null"
check "bundle: README lists output.log" grep -q "jobs/$JOB/output.log" "$T/b/README.txt"
check "bundle: README says the key was left out" grep -q "ssh_host_ed25519_key: left out (a private key)" "$T/b/README.txt"
run 0 bundle_o bundle "$JOB" -o "$T/case.tar.gz" --json
py bundlejson '
d = json.load(open(args[0]))
assert d["path"] == args[1] and d["client"] == "aixdb01"
names = [e["name"] for e in d["entries"]]
assert names[:2] == ["README.txt", "SHA256SUMS"]
with tarfile.open(args[1]) as t:
    assert t.getnames() == names
    for e in d["entries"]:
        assert t.getmember(e["name"]).size == e["bytes"]
' "$T/bundle_o.out" "$T/case.tar.gz"
run 2 bundle_unknown bundle no-such-job
one_line bundle_unknown bundle
run 2 bundle_none bundle
run 2 bundle_bad bundle '../x'

# --- the demo lab: snapshot, migrate with reboot, check, bundle -------------------
unset FAKE_FIX FAKE_DIR FAKE_STATE
if [ -f "$DEMO" ]; then
	mkdir -p "$T/demo"
	# the same lab, ten times faster
	sed 's/^time_scale = .*/time_scale = 0.001/' "$DEMO" >"$T/demo/demo.lab"
	demo 0 dsnap snapshot -c aixdb01 --json
	py dsnap '
m = json.load(open(args[0]))
assert m["oslevel"] == "7200-05-06-2320"
items = {i["name"]: i for i in m["items"]}
for name in ("oslevel_s", "lslpp_Lc", "lsattr_sys0", "lspv", "bootlist"):
    assert items[name]["status"] == "ok", name
# what the lab cannot give yet is recorded with its exit status and message, never fatal
for i in m["items"]:
    assert i["status"] in ("ok", "unavailable", "unreadable")
    if i["status"] != "ok":
        assert i["message"], i["name"]
        if i["status"] == "unavailable" and i["exit_status"] is not None:
            assert i["exit_status"] != 0, i["name"]
' "$T/dsnap.out"
	demo 0 drun run -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y -r
	DJOB=$(sed -n 's/^nimadm-tui: job \([^ ]*\) succeeded.*/\1/p' "$T/drun.err" "$T/drun.out" | head -1)
	check "drun: an id" test -n "$DJOB"
	demo 0 dpc postcheck -c aixdb01 --json
	py dpc '
d = json.load(open(args[0]))
snap = json.load(open(args[1]))
v = {c["id"]: c["verdict"] for c in d["checks"]}
assert v["oslevel"] == "pass" and v["rootvg"] == "pass" and v["bootlist"] == "pass", v
assert d["target"] == "7300-02-02-2420" and "SPOT spot_7300_02" in d["target_source"]
ch = {c["item"]: c for c in d["changes"]}
assert ch["oslevel"]["before"] == "7200-05-06-2320" and ch["oslevel"]["after"] == "7300-02-02-2420"
assert ch["filesets"]["area"] == "software"
# everything the snapshot could not collect is named as not compared
notes = "\n".join(d["not_compared"])
labels = {"vmo_a": "vmo -a", "lssrc_a": "lssrc -a", "mount": "mount", "netstat_rn": "netstat -rn"}
for it in snap["items"]:
    if it["name"] in labels and it["status"] != "ok":
        assert labels[it["name"]] + ": not compared" in notes, it["name"]
' "$T/dpc.out" "$T/dsnap.out"
	demo 0 dbundle bundle "$DJOB" --json
	py dbundle '
d = json.load(open(args[0]))
names = [e["name"] for e in d["entries"]]
assert "nimadm/aixdb01_alt_mig.log" in names, names
assert any(n.startswith("snapshot/aixdb01-") and n.endswith("/manifest.json") for n in names)
assert any(n.startswith("postcheck/aixdb01-") and n.endswith(".json") for n in names)
log = [e for e in d["entries"] if e["name"] == "nimadm/aixdb01_alt_mig.log"][0]
assert log["bytes"] > 0
' "$T/dbundle.out"
else
	fail "no demo lab at $DEMO"
fi

echo "t_snapshot: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
