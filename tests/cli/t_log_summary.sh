#!/bin/bash
# t_log_summary.sh: `nimadm-tui log --summary FILE [--json]` on the nimadm log
# fixtures: status, failed phase, phase table, messages with their knowledge
# base entries, exit codes, compressed copies made here, standard input,
# usage errors and unreadable files.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
FIX=$SRC/tests/fixtures/logs
T=$(mktemp -d "${TMPDIR:-/tmp}/t_log_summary.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run EXPECTED_RC OUTFILE ARGS...: runs the program, checks its exit code.
run() {
	local want=$1 out=$2
	shift 2
	"$PROG" "$@" >"$out" 2>"$out.err"
	local rc=$?
	[ "$rc" -eq "$want" ] || fail "$* exited $rc, expected $want: $(head -3 "$out.err")"
}

# jcheck JSONFILE PYTHON: evaluates assertions on d (the parsed summary).
jcheck() {
	local file=$1 code=$2
	python3 - "$file" "$code" <<'EOF' || fail "JSON check on $1"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
st = "".join({"pending": "p", "running": "r", "done": "d", "failed": "f", "skipped": "s"}[p["status"]]
             for p in d["phases"])
codes = [m["code"] or (m["kb"] or {}).get("id") for m in d["messages"] if m["severity"] != "info"]
def msg(code):
    return next(m for m in d["messages"] if m["code"] == code)
try:
    exec(sys.argv[2])
except AssertionError as e:
    print("assertion failed in", sys.argv[1], ":", sys.argv[2].strip().splitlines()[0], "->", e,
          "status", d["status"], "phases", st, "codes", codes)
    sys.exit(1)
EOF
}

[ -x "$PROG" ] || { echo "no program at $PROG"; exit 1; }

# --- the shape of the JSON, on a failure ------------------------------------
run 1 "$T/multibos.json" log --summary --json "$FIX/fail-multibos-phase11.log"
jcheck "$T/multibos.json" '
assert d["status"] == "failed"
assert d["failed_phase"] == 11
assert d["automatic_cleanup"] is True
assert d["client"] == "aixlpar1"
assert d["bootlist"] == "hdisk0 blv=hd5"
assert st == "ddddddddddfs", st
assert [p["phase"] for p in d["phases"]] == list(range(1, 13))
p6 = d["phases"][5]
assert p6["filesets_done"] == 20 and p6["filesets_total"] == 20, p6
assert isinstance(p6["duration_s"], int) and p6["duration_s"] > 0
assert "started" not in p6  # a log file has no clock
assert codes == ["0505-218", "0505-187"], codes
m = msg("0505-218")
assert m["severity"] == "attention"
assert m["line"] == "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result."
assert isinstance(m["lineno"], int) and m["lineno"] > 300
assert m["kb"]["id"] == "0505-218" and "multibos -RX" in m["kb"]["fix"]
assert m["kb"]["meaning"] and m["kb"]["harmless"] is False
m = msg("0505-187")
assert m["severity"] == "error" and m["command"] == "nimadm" and m["phase"] == 11
for m in d["messages"]:
    assert set(["code", "line", "severity", "kb"]) <= set(m), m
    assert m["severity"] in ("info", "warning", "attention", "error")
'

# --- every fixture: status, failed phase, phase table, codes ----------------
check_fixture() {
	local name=$1 rc=$2 code=$3
	run "$rc" "$T/$name.json" log --summary --json "$FIX/$name"
	jcheck "$T/$name.json" "$code"
}
check_fixture success-cache.log 0 '
assert d["status"] == "succeeded" and d["failed_phase"] is None
assert st == "dddddddddddd", st
assert codes == [], codes
assert d["phases"][5]["filesets_done"] == 187 and d["phases"][5]["filesets_total"] == 187
assert d["phases"][5]["duration_s"] == 5737
assert d["installp"]["failed"] == 0 and d["installp"]["succeeded"] > 187
assert d["automatic_cleanup"] is False and d["bootlist"] == "hdisk1 blv=hd5"
assert [m["code"] for m in d["messages"]] == ["0513-029", "0513-059", "0513-059"]
assert all(m["kb"]["harmless"] for m in d["messages"])
'
check_fixture success-nfs.log 0 '
assert d["status"] == "succeeded" and st == "dddddddddddd" and codes == []
assert d["phases"][5]["filesets_total"] == 64
'
check_fixture fail-0505-187-phase1.log 1 '
assert d["status"] == "failed" and d["failed_phase"] == 1, d["failed_phase"]
assert st == "fsssssssssss", st
assert codes == ["0505-126", "0505-187"], codes
assert msg("0505-126")["kb"]["id"] == "0505-126"
assert d["automatic_cleanup"] is True
'
check_fixture fail-0505-205-startup.log 1 '
assert d["status"] == "failed" and d["failed_phase"] is None
assert d["failed_before_phase_1"] is True
assert d["automatic_cleanup"] is False
assert codes == ["0505-205"], codes
assert "nim -o cust" in msg("0505-205")["kb"]["fix"]
'
check_fixture fail-0516-404-phase1.log 1 '
assert d["failed_phase"] == 1
assert codes == ["0516-404", "0516-822", "0505-115", "0505-187"], codes
assert msg("0505-115")["kb"] is None and msg("0505-115")["severity"] == "error"
assert msg("0516-404")["kb"]["id"] == "0516-404" and msg("0516-404")["command"] == "allocp"
'
check_fixture fail-websm-phase6.log 1 '
assert d["failed_phase"] == 6 and st == "dddddfssssss", st
assert "0505-160" in codes and "0505-213" in codes
assert "sysmgt.websm" in msg("0505-160")["kb"]["meaning"]
assert d["installp"]["failed"] == 1
rows = [m for m in d["messages"] if m["code"] is None]
assert len(rows) == 1 and rows[0]["line"].startswith("sysmgt.websm.webaccess") and rows[0]["severity"] == "error"
assert rows[0]["kb"]["id"] == "installp-failed"
'
check_fixture fail-sync-phase9.log 1 '
assert d["failed_phase"] == 9 and st == "ddddddddfsss", st
assert codes == ["0511-133", "0511-123", "0505-217"], codes
'
check_fixture fail-umount-busy-phase10.log 1 '
assert d["failed_phase"] == 10, d["failed_phase"]
assert codes == ["umount-device-busy", "0505-158", "0505-192", "umount-device-busy"], codes
assert msg("0505-158")["severity"] == "warning" and msg("0505-192")["severity"] == "error"
busy = [m for m in d["messages"] if m["code"] is None]
assert busy[0]["line"] == "umount: error unmounting /dev/aixmq09_hd2: Device busy"
assert "fuser -cux" in busy[0]["kb"]["fix"]
'
check_fixture harmless-domainname.log 0 '
assert d["status"] == "succeeded" and codes == [] and d["errors"] == 0
dn = [m for m in d["messages"] if m["kb"] and m["kb"]["id"] == "domainname-not-found"]
assert len(dn) == 2 and all(m["severity"] == "info" and m["kb"]["harmless"] for m in dn)
'
check_fixture running-phase6.log 0 '
assert d["status"] == "running" and d["current_phase"] == 6 and d["failed_phase"] is None
assert st == "dddddrpppppp", st
p6 = d["phases"][5]
assert p6["filesets_done"] == 58 and p6["filesets_total"] == 187 and "duration_s" not in p6
'
check_fixture crlf-wide.log 0 '
assert d["status"] == "succeeded" and st == "dddddddddddd", st
assert d["client"] == "aixcrlf11" and d["bootlist"] == "hdisk3 blv=hd5"
assert d["phases"][5]["filesets_done"] == 20
'
check_fixture phases-1-3.log 0 '
assert d["status"] == "running" and st == "ddrppppppppp", st
'
run 0 "$T/p13.json" log --summary --json --phases 1-3 "$FIX/phases-1-3.log"
jcheck "$T/p13.json" 'assert d["status"] == "succeeded" and st == "dddsssssssss", st'
run 1 "$T/exit.json" log --summary --json --exit-status 3 "$FIX/running-phase6.log"
jcheck "$T/exit.json" 'assert d["status"] == "failed" and d["failed_phase"] == 6 and d["exit_status"] == 3'

# --- compressed copies, made here; names that lie: detection is by magic ----
for z in "gzip -c" "bzip2 -c" "xz -c" "zstd -q -c" "compress -c"; do
	tool=${z%% *}
	if ! command -v "$tool" >/dev/null; then
		echo "note: $tool is not installed, its copy is not tested"
		continue
	fi
	$z <"$FIX/fail-multibos-phase11.log" >"$T/copy.$tool.log"
	run 1 "$T/copy.$tool.json" log --summary --json "$T/copy.$tool.log"
	python3 - "$T/multibos.json" "$T/copy.$tool.json" "$tool" <<'EOF' || fail "$tool copy differs"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
want = {"gzip": "gzip", "bzip2": "bzip2", "xz": "xz", "zstd": "zstd", "compress": "compress (.Z)"}[sys.argv[3]]
assert b["compression"] == want, b["compression"]
assert a["compression"] == "none"
for k in ("file", "compression"):
    a.pop(k); b.pop(k)
assert a == b
EOF
done

# --- standard input, text output ---------------------------------------------
"$PROG" log --summary - <"$FIX/fail-multibos-phase11.log" >"$T/stdin.txt" 2>&1
[ $? -eq 1 ] || fail "stdin: exit status"
for want in "FAILED in phase 11" "0505-218" "0505-187" "multibos -RX" "(standard input)" \
	"nimadm cleaned up after the failure" "20/20 filesets"; do
	grep -qF -- "$want" "$T/stdin.txt" || fail "text summary lacks '$want'"
done
run 0 "$T/ok.txt" log --summary "$FIX/success-cache.log"
grep -q "^Status: *succeeded" "$T/ok.txt" || fail "text: succeeded"
grep -qE "^ +6 +done +1h35m37s +187/187 filesets" "$T/ok.txt" || fail "text: phase 6 row"
run 0 "$T/dn.txt" log --summary "$FIX/harmless-domainname.log"
grep -q "domainname-not-found: .*(harmless)" "$T/dn.txt" || fail "text: harmless entry"

# --- odd inputs ----------------------------------------------------------------
: >"$T/empty.log"
run 0 "$T/empty.json" log --summary --json "$T/empty.log"
jcheck "$T/empty.json" 'assert d["status"] == "unknown" and d["lines"] == 0 and st == "pppppppppppp"'
printf 'hello\nworld\n' >"$T/other.log"
run 0 "$T/other.json" log --summary --json "$T/other.log"
jcheck "$T/other.json" 'assert d["status"] == "unknown" and d["messages"] == []'
# bytes that are not UTF-8 still give valid JSON
printf '0505-187 nimadm: Error \377\376 cloning\001 x.\n' >"$T/bin.log"
run 1 "$T/bin.json" log --summary --json "$T/bin.log"
jcheck "$T/bin.json" 'assert "\ufffd" in msg("0505-187")["line"] and "\x01" in msg("0505-187")["line"]'
# a name no shell should see
cd "$T" || exit 1
weird="$T/a name; \$(touch pwned) \`touch pwned2\` 'q'.log"
cp "$FIX/success-nfs.log" "$weird"
run 0 "$T/weird.json" log --summary --json "$weird"
[ -e "$T/pwned" ] || [ -e "$T/pwned2" ] && fail "the file name reached a shell"
jcheck "$T/weird.json" 'assert d["status"] == "succeeded"'
# a truncated gzip: the readable part is summarised, the error said
seq 1 200000 | sed 's/.*/Filesets processed:  & of 200000  (Total time:  & secs)./' | gzip -c >"$T/big.gz"
head -c $(($(wc -c <"$T/big.gz") / 2)) "$T/big.gz" >"$T/cut.gz"
"$PROG" log --summary --json "$T/cut.gz" >"$T/cut.json" 2>"$T/cut.err"
rc=$?
if [ $rc -eq 0 ]; then
	jcheck "$T/cut.json" 'assert d["read_error"] and d["lines"] > 1000 and d["status"] == "running" and d["phases"][0]["status"] == "pending"'
	grep -q "cut.gz" "$T/cut.err" || fail "truncated gzip: no warning"
elif [ $rc -eq 2 ]; then
	[ "$(wc -l <"$T/cut.err")" -eq 1 ] || fail "truncated gzip: more than one line"
else
	fail "truncated gzip: exit $rc"
fi

# --- usage and unreadable files: exit 2 and one line ---------------------------
usage_case() {
	"$PROG" "$@" >"$T/u.out" 2>"$T/u.err"
	local rc=$?
	[ $rc -eq 2 ] || fail "log $*: exit $rc, expected 2"
	[ -s "$T/u.out" ] && fail "log $*: printed on stdout"
	grep -q "nimadm-tui: log: " "$T/u.err" || fail "log $*: no error line: $(cat "$T/u.err")"
}
usage_case log "$FIX/success-nfs.log"
usage_case log --summary
usage_case log --summary --bogus "$FIX/success-nfs.log"
usage_case log --summary "$FIX/success-nfs.log" "$FIX/success-cache.log"
usage_case log --summary --phases 0-14 "$FIX/success-nfs.log"
usage_case log --summary --exit-status x "$FIX/success-nfs.log"
"$PROG" log --summary "$T/missing.log" >"$T/m.out" 2>"$T/m.err"
[ $? -eq 2 ] || fail "missing file: exit status"
[ "$(wc -l <"$T/m.err")" -eq 1 ] || fail "missing file: not one line: $(cat "$T/m.err")"
grep -q "missing.log: No such file" "$T/m.err" || fail "missing file: message"
"$PROG" log --summary "$T" >"$T/d.out" 2>"$T/d.err"
[ $? -eq 2 ] || fail "directory: exit status"
[ "$(wc -l <"$T/d.err")" -eq 1 ] || fail "directory: not one line"

if [ $fails -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all log --summary checks passed"
