#!/bin/bash
# t_inventory.sh: `nimadm-tui inventory [--json]` on the demo lab (every
# client, resource and VG of the lab appears, with the facts the lab gives
# them), on labs with injected faults (a failing master is exit 1, a failing
# client command is recorded), and bad input (missing lab, malformed lab,
# unknown option, stray argument, unknown client: exit 2 and one line).
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
DEMO=$SIMDIR/labs/demo.lab
T=$(mktemp -d "${TMPDIR:-/tmp}/t_inventory.XXXXXX")
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

# jcheck NAME PYTHON: assertions on d (the parsed JSON of $T/NAME.out) and
# lab (the demo lab's sections: {"client": [names], "spot": [...], ...}).
jcheck() {
	local name=$1 code=$2
	if python3 - "$T/$name.out" "$DEMO" "$code" <<'EOF'; then ok; else fail "JSON check $name"; fi
import json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
lab = {}
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"\[(\w+) ([^\]]+)\]", line)
    if m:
        lab.setdefault(m.group(1), []).append(m.group(2))
def named(arr, name):
    return next(x for x in d[arr] if x["name"] == name)
try:
    exec(sys.argv[3])
except (AssertionError, StopIteration, KeyError) as e:
    print("assertion failed:", sys.argv[3].strip().splitlines()[0], "->", repr(e))
    sys.exit(1)
EOF
}

# one_line NAME: exactly one line on stderr, nothing on stdout, prefixed.
one_line() {
	local name=$1
	check "$name: stdout not empty" test ! -s "$T/$name.out"
	check "$name: not one line on stderr: $(cat "$T/$name.err")" \
		test "$(wc -l <"$T/$name.err")" -eq 1
	check "$name: no 'nimadm-tui: inventory:' prefix: $(cat "$T/$name.err")" \
		grep -q "^nimadm-tui: inventory: " "$T/$name.err"
}

[ -x "$PROG" ] || { echo "no program at $PROG"; exit 1; }
[ -f "$DEMO" ] || { echo "no demo lab at $DEMO"; exit 1; }

# --- the demo lab as text ---------------------------------------------------------
run 0 text inventory --demo
for section in MASTER "CLIENTS (" "SPOTS (" "LPP_SOURCES (" "MKSYSBS (" "OTHER RESOURCES (" \
	"VOLUME GROUPS on the master ("; do
	check "text: no section '$section'" grep -q "^$section" "$T/text.out"
done
nclients=$(grep -c '^\[client ' "$DEMO")
check "text: CLIENTS ($nclients) expected" grep -q "^CLIENTS ($nclients)" "$T/text.out"
for name in $(sed -n 's/^\[\(client\|spot\|lpp_source\|mksysb\|script\|installp_bundle\|image_data\|bosinst_data\|exclude_files\) \([^]]*\)\]/\2/p' "$DEMO"); do
	check "text: $name not listed" grep -q "^  $name " "$T/text.out"
done
check "text: aixold01 not unreachable" grep -q "^  aixold01 .*unreachable: oslevel -s: .*timed out" "$T/text.out"
check "text: aixweb02 not refused" grep -q "^  aixweb02 .*unreachable: .*refused" "$T/text.out"
check "text: no free 51200 MB hdisk1" grep -q "^    hdisk1   51200 MB  [0-9a-f]\{16\}  free" "$T/text.out"
check "text: no multibos line" grep -q "multibos standby" "$T/text.out"
check "text: no cachevg" grep -q "^  cachevg " "$T/text.out"
check "text: nothing on stderr: $(head -3 "$T/text.err")" test ! -s "$T/text.err"

# --- the demo lab as JSON -------------------------------------------------------------
run 0 json inventory --json --demo
jcheck json '
for arr in ("clients", "spots", "lpp_sources", "mksysbs", "vgs", "resources"):
    assert isinstance(d[arr], list) and d[arr], arr
    assert all(isinstance(x["name"], str) for x in d[arr]), arr
assert sorted(c["name"] for c in d["clients"]) == sorted(lab["client"])
assert sorted(s["name"] for s in d["spots"]) == sorted(lab["spot"])
assert sorted(s["name"] for s in d["lpp_sources"]) == sorted(lab["lpp_source"])
assert sorted(s["name"] for s in d["mksysbs"]) == sorted(lab["mksysb"])
others = [n for k in ("script", "installp_bundle", "image_data", "bosinst_data", "exclude_files") for n in lab.get(k, [])]
assert sorted(r["name"] for r in d["resources"]) == sorted(others)
assert d["master"]["oslevel"] == "7300-02-02-2420", d["master"]["oslevel"]
assert d["master"]["filesets"]["bos.alt_disk_install.rte"] == "7.3.2.2"
'
jcheck json '
db = named("clients", "aixdb01")
assert db["reachable"] is True and db["error"] is None
assert db["oslevel"] == "7200-05-06-2320"
h1 = next(x for x in db["disks"] if x["name"] == "hdisk1")
assert h1["free"] is True and h1["size_mb"] == 51200 and h1["pvid"] == "00c8f1a0b1c20002"
h0 = next(x for x in db["disks"] if x["name"] == "hdisk0")
assert h0["free"] is False and h0["why"] == "in rootvg"
assert db["rootvg"]["copies"] == 1 and db["rootvg"]["used_mb"] > 0
mir = named("clients", "aixmir01")
assert mir["rootvg"]["copies"] == 2
assert mir["rootvg"]["used_mb_per_copy"] * 2 == mir["rootvg"]["used_mb"]
assert not any(x["free"] for x in mir["disks"])
assert mir["connect"] == "nimsh"
old = named("clients", "aixold01")
assert old["reachable"] is False and "timed out" in old["error"], old["error"]
assert old["cstate"] is not None
assert named("clients", "aixweb02")["reachable"] is False
assert named("clients", "aixsec01")["tcb"] is True
assert named("clients", "aixbat01")["ncargs"] == 6
assert named("clients", "aixmb01")["rootvg"]["multibos"] is True
assert named("clients", "aixlog01")["rootvg"]["longest_lv"] == "fslv_applogs01"
assert named("clients", "aixp7db01")["power_gen"] == 7
assert named("clients", "aixtst01")["cstate"] == "BOS installation has been enabled"
'
jcheck json '
cache = named("vgs", "cachevg")
assert cache["free_mb"] > 0 and cache["varied_on"] is True
assert named("spots", "spot_7300_02_sp1")["filesets"]["bos.alt_disk_install.rte"] == "7.3.2.1"
assert named("spots", "spot_7300_02")["level"] == "7300-02-02-2420"
assert named("lpp_sources", "lpp_7300_02")["simages"] is True
assert named("lpp_sources", "lpp_7300_02")["level"].startswith("7300-02")
assert "sysmgt.websm.webaccess" in named("lpp_sources", "lpp_7200_05")["filesets"]
assert named("mksysbs", "mksysb_aixdb01")["source_image"] == "aixdb01"
assert named("resources", "premig_stopapp")["type"] == "script"
'

# --- only some clients ---------------------------------------------------------------
run 0 only inventory --demo --json --client aixdb01 --client=aixmir01
jcheck only '
reach = {c["name"]: c["reachable"] for c in d["clients"]}
assert reach.pop("aixdb01") is True and reach.pop("aixmir01") is True
assert all(v is None for v in reach.values()), reach
'
run 0 noclients inventory --demo --json --no-clients
jcheck noclients 'assert all(c["reachable"] is None for c in d["clients"]) and d["spots"]'

# --- faults: a failing client command is recorded, a failing master is exit 1 ------------
cp "$DEMO" "$T/faulty.lab"
cat >>"$T/faulty.lab" <<'EOF'

[fault lsvg_db01]
host = aixdb01
command = lsvg rootvg
message = 0516-306 : Unable to find volume group rootvg in the Device Configuration Database.
status = 1
EOF
run 0 faulty inventory --lab "$T/faulty.lab" --json --client aixdb01
jcheck faulty '
db = named("clients", "aixdb01")
assert db["reachable"] is True
assert any("lsvg rootvg" in p and "0516-306" in p for p in db["problems"]), db["problems"]
assert db["rootvg"]["known"] is False and "0516-306" in db["rootvg"]["error"]
assert db["disks"], "the rest of the client is still read"
'
# a client command failing there with nothing on stdout is a problem, not an empty
# answer (TCB unknown, not off); one that rsh does not get to is "not reached"
cp "$DEMO" "$T/remote.lab"
cat >>"$T/remote.lab" <<'EOF'

[fault odmget_db01]
host = aixdb01
command = odmget
status = 1
[fault lost_lspv_db01]
host = master
command = rsh aixdb01 ''\''lspv'\''; echo __nimadm_tui_rc=$?'
message = rcmd: connect: aixdb01: Connection refused
EOF
run 0 remote inventory --lab "$T/remote.lab" --json --client aixdb01
jcheck remote '
db = named("clients", "aixdb01")
assert db["reachable"] is True and db["error"] is None
assert db["tcb"] is None, db["tcb"]
assert any(p.startswith("odmget ") and "exit status 1" in p for p in db["problems"]), db["problems"]
lost = [p for p in db["problems"] if p.startswith("lspv: ")]
assert lost == ["lspv: aixdb01 was not reached (rcmd: connect: aixdb01: Connection refused)"], lost
assert db["disks"] == [], db["disks"]
assert db["rootvg"]["known"] is True
'
cp "$DEMO" "$T/nonim.lab"
cat >>"$T/nonim.lab" <<'EOF'

[fault no_nim]
host = master
command = lsnim
message = 0042-001 lsnim: processing error encountered on "master":
status = 1
EOF
run 1 nonim inventory --lab "$T/nonim.lab"
one_line nonim
check "nonim: message: $(cat "$T/nonim.err")" grep -q "cannot read the NIM database: lsnim: 0042-001" "$T/nonim.err"

# --- bad input: exit 2, one line -----------------------------------------------------------
run 2 missing inventory --lab "$T/nosuch.lab"
one_line missing
check "missing: names the file" grep -q "nosuch.lab" "$T/missing.err"
printf '[client broken\nthis is = not [ a lab\n' >"$T/bad.lab"
run 2 malformed inventory --lab "$T/bad.lab"
one_line malformed
run 2 unknown inventory --demo --bogus
one_line unknown
check "unknown: names the option" grep -q -- "--bogus" "$T/unknown.err"
run 2 operand inventory --demo extra
one_line operand
run 2 timeout inventory --demo --timeout soon
one_line timeout
run 2 noclient inventory --demo --client nosuch
one_line noclient
check "noclient: names the client" grep -q "nosuch" "$T/noclient.err"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
