#!/bin/bash
# t_migrate.sh: nimadm migrations end to end through the CLI (run, jobs,
# attach, continue, cancel, log --summary, inventory) in a private copy of
# the demo lab's state: three clients migrated at once; the follower killed
# with SIGKILL while the job goes on and is re-attached from the journal;
# every injected failure with its failed phase, codes, knowledge-base entry
# and a clean lab (through `cancel --cleanup` where nimadm leaves it dirty);
# step mode and resume; a crashed supervisor's lock recovered; hostile input
# refused with nothing started.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
export NIMADM_TUI_SIMDIR=$SIMDIR
T=$(mktemp -d "${TMPDIR:-/tmp}/t_migrate.XXXXXX")
SD=$T/state
pass=0 fail=0
bg_pids=()

cleanup() {
	for p in "${bg_pids[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
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
# check NAME COND...: the command must succeed
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
check_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (got '$1', want '$2')"; fi
}

[ -x "$PROG" ] || { echo "no program at $PROG"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$SIMDIR/bin/nimsim" ] || { echo "no simulator in $SIMDIR"; echo "0 passed, 1 failed"; exit 1; }

# No waiting unless a test asks for time: simulated time scale 0.
export NIMSIM_TIME_SCALE=0
nt() { "$PROG" --demo --state-dir "$SD" "$@"; }
MIG=(-s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y)

nt lab reset >/dev/null 2>&1
LABSTATE=$(echo "$SD"/labs/demo-*)
# lab HOST CMD...: what the lab's host says (no transport: the simulator itself)
lab() {
	NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE "$SIMDIR/bin/nimsim" exec "$@" 2>&1
}

# jq_ PYTHON [ARGS]: evaluates on d = `jobs --json`
jobs_py() {
	nt jobs --json | python3 -c "import json, sys
d = json.load(sys.stdin)
$1" "${@:2}"
}
# the newest job of a client
job_of() {
	jobs_py 'j = [x["id"] for x in d if x["client"] == sys.argv[1]]; print(j[-1] if j else "")' "$1"
}
job_field() {
	jobs_py 'print(next((str(x.get(sys.argv[2])) for x in d if x["id"] == sys.argv[1]), ""))' "$1" "$2"
}
# state_field ID KEY: a key of the job's state file
state_field() {
	sed -n "s/^$2=//p" "$SD/jobs/$1/state"
}
# wait_for SECONDS COMMAND...: polls until the command succeeds (bounded)
wait_for() {
	local limit=$(($1 * 20)) i=0
	shift
	while ! "$@"; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.05
	done
}
job_running_past_phase() {
	local id
	id=$(job_of "$1")
	[ -n "$id" ] && [ "$(job_field "$id" status)" = running ] && [ "$(job_field "$id" phase)" -ge "$2" ]
}
job_status_is() {
	[ "$(job_field "$1" status)" = "$2" ]
}
job_paused_after() {
	[ "$(job_field "$1" paused_after)" = "$2" ]
}

# clean NAME CLIENT: no trace of a migration on the client
clean() {
	check_eq "$(lab "$2" lspv | awk '$1 == "hdisk1" {print $3}')" "None" "$1: $2's hdisk1 is free"
	check_eq "$(lab "$2" bootlist -m normal -o)" "hdisk0 blv=hd5 pathid=0" "$1: $2 boots from hdisk0"
	check_eq "$(lab "$2" lsvg | tr '\n' ' ')" "rootvg " "$1: $2 has no altinst_rootvg"
	check_eq "$(lab master lsnim -a Cstate "$2" | sed -n 's/.*Cstate = //p')" \
		"ready for a NIM operation" "$1: $2 is ready for NIM"
}
cache_free() {
	lab master lsvg cachevg | awk -F'FREE PPs:' 'NF > 1 {split($2, a, " "); print a[1]}'
}
FREE0=$(cache_free)

# summary ID PYTHON: asserts on d = `log --summary --json` of the job's output
summary() {
	local id=$1 rc
	rc=$(job_field "$id" exit_code)
	nt log --summary --json --exit-status "$rc" "$SD/jobs/$id/output.log" >"$T/sum.json" 2>/dev/null
	python3 - "$T/sum.json" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
codes = [m["code"] or (m["kb"] or {}).get("id") for m in d["messages"] if m["severity"] != "info"]
kb = {m["code"] or (m["kb"] or {}).get("id"): (m["kb"] or {}).get("id") for m in d["messages"]}
try:
    exec(sys.argv[2])
except AssertionError as e:
    print("   summary:", d["status"], d["failed_phase"], codes, e)
    sys.exit(1)
EOF
}
# attach_end ID: the job_end event of `attach --json`
attach_end() {
	nt attach --json "$1" 2>/dev/null | python3 -c "import json, sys
e = [json.loads(l) for l in sys.stdin if l.strip()]
end = e[-1]
codes = [x.get('code') for x in e if x['event'] == 'message' and x.get('severity') != 'info']
print(end['status'], end['failed_phase'], ' '.join(c or '-' for c in codes))"
}

# ---- three clients at once ----------------------------------------------------------------
# about 2.5 s each: long enough to overlap even on a busy machine
export NIMSIM_TIME_SCALE=0.0005
for c in aixdb01 aixapp01 aixapp02; do
	extra=()
	[ $c = aixapp01 ] && extra=(-j cachevg)
	nt run --detach -c $c "${MIG[@]}" "${extra[@]}" 2>>"$T/run3.err" ||
		not_ok "run --detach $c"
done
ids=()
for c in aixdb01 aixapp01 aixapp02; do
	id=$(job_of $c)
	ids+=("$id")
	nt attach "$id" >"$T/attach.$c" 2>&1
	check_eq "$?" "0" "three at once: $c's job succeeded (attach waits for its end)"
done
export NIMSIM_TIME_SCALE=0
starts=() ends=()
for id in "${ids[@]}"; do
	starts+=("$(state_field "$id" phase1_start)")
	ends+=("$(state_field "$id" phase12_start)")
done
latest_start=$(printf '%s\n' "${starts[@]}" | sort -n | tail -1)
first_end=$(printf '%s\n' "${ends[@]}" | sort -n | head -1)
overlap() { [ -n "$latest_start" ] && [ -n "$first_end" ] && [ "$latest_start" -lt "$first_end" ]; }
check "three at once: the three migrations ran at the same time" overlap
check_eq "$(jobs_py 'print(" ".join(x["status"] for x in d))')" "succeeded succeeded succeeded" \
	"three at once: jobs --json says succeeded"
nt inventory --json --client aixdb01 --client aixapp01 --client aixapp02 >"$T/inv.json" 2>/dev/null
check "three at once: inventory shows each client on its new disk" python3 - "$T/inv.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for name in ("aixdb01", "aixapp01", "aixapp02"):
    c = next(c for c in d["clients"] if c["name"] == name)
    vg = {x["name"]: x["vg"] for x in c["disks"]}
    assert vg["hdisk1"] == "altinst_rootvg", (name, vg)
    assert [b["device"] for b in c["bootlist"]] == ["hdisk1"], (name, c["bootlist"])
    assert c["cstate"] == "ready for a NIM operation", (name, c["cstate"])
EOF
check_eq "$(cache_free)" "$FREE0" "three at once: the cache VG is free again"
check "three at once: the harmless domainname message is explained" \
	summary "${ids[0]}" '
assert d["status"] == "succeeded" and d["failed_phase"] is None
assert codes == [], codes
assert kb.get("domainname-not-found") == "domainname-not-found"'
check "three at once: the log is in the lab" \
	grep -q "Executing nimadm phase 12." "$LABSTATE/files/master/var/adm/ras/alt_mig/aixapp01_alt_mig.log"

# ---- the follower killed, the job goes on --------------------------------------------------------
# about 4.5 s: the follower dies early in the run, the job has far to go
export NIMSIM_TIME_SCALE=0.001
"$PROG" --demo --state-dir "$SD" run -c aixweb01 "${MIG[@]}" >"$T/follow.out" 2>&1 &
fpid=$!
bg_pids+=("$fpid")
if wait_for 20 job_running_past_phase aixweb01 2; then
	kill -9 "$fpid"
	wait "$fpid" 2>/dev/null
	rc=$?
	id=$(job_of aixweb01)
	check_eq "$rc" "137" "follower: killed with SIGKILL mid-run"
	check_eq "$(job_field "$id" status)" "running" "follower: the job runs on without it"
	nt attach "$id" >"$T/reattach.out" 2>"$T/reattach.err"
	check_eq "$?" "0" "follower: attach follows the job to its success"
	check "follower: attach shows the whole run from the journal" \
		cmp -s "$T/reattach.out" "$SD/jobs/$id/output.log"
	check "follower: the re-attached output starts at the start-up" \
		[ "$(head -1 "$T/reattach.out")" = "Initializing the NIM master." ]
	check "follower: attach reports the result" grep -q "succeeded (nimadm exit 0)" "$T/reattach.err"
	check_eq "$(lab aixweb01 lspv | awk '$1 == "hdisk1" {print $3}')" "altinst_rootvg" \
		"follower: the client is migrated"
else
	not_ok "follower: the job did not reach phase 2"
fi
export NIMSIM_TIME_SCALE=0

# ---- step mode and resume ---------------------------------------------------------------------------
nt lab reset >/dev/null
nt run --step --detach -c aixdb01 "${MIG[@]}" -j cachevg 2>/dev/null
id=$(job_of aixdb01)
check "step: paused after phase 1" wait_for 20 job_paused_after "$id" 1
check_eq "$(job_field "$id" status)" "paused" "step: jobs says paused"
nt continue "$id"
check "step: continue runs phase 2 and pauses" wait_for 20 job_paused_after "$id" 2
nt continue "$id"
check "step: continue runs phase 3 and pauses" wait_for 20 job_paused_after "$id" 3
check_eq "$(grep -c '^Executing nimadm phase' "$SD/jobs/$id/output.log")" "3" \
	"step: one nimadm call per phase so far"
check_eq "$(lab master lsnim -a Cstate aixdb01 | sed -n 's/.*Cstate = //p')" \
	"alt_disk_install operation is being performed" "step: the client is busy between the phases"
nt cancel "$id" 2>/dev/null
check_eq "$(job_field "$id" status)" "cancelled" "step: cancelled after phase 3"
nt run --from-phase 4 -c aixdb01 "${MIG[@]}" -j cachevg >"$T/resume.out" 2>"$T/resume.err"
check_eq "$?" "0" "resume: --from-phase 4 finishes the migration"
rid=$(job_of aixdb01)
check "resume: phases 4 to 12, one call each" summary "$rid" '
st = "".join(p["status"][0] for p in d["phases"])
assert d["status"] == "succeeded", d["status"]
assert st == "sssddddddddd", st'
check_eq "$(lab aixdb01 bootlist -m normal -o)" "hdisk1 blv=hd5 pathid=0" "resume: bootlist on the new disk"
check_eq "$(lab master lsnim -a Cstate aixdb01 | sed -n 's/.*Cstate = //p')" \
	"ready for a NIM operation" "resume: the client is ready again"
check_eq "$(cache_free)" "$FREE0" "resume: the cache VG is free again"

# ---- a crashed supervisor's lock -------------------------------------------------------------------
export NIMSIM_TIME_SCALE=0.0008
nt run --detach -c aixsec01 "${MIG[@]}" -j cachevg 2>/dev/null
if wait_for 20 job_running_past_phase aixsec01 2; then
	id=$(job_of aixsec01)
	spid=$(state_field "$id" pid)
	kill -9 "$spid"
	check "stale lock: the job is reported lost" wait_for 10 job_status_is "$id" lost
	export NIMSIM_TIME_SCALE=0
	nt cancel "$id" --cleanup >"$T/stale.out" 2>"$T/stale.err"
	check_eq "$?" "0" "stale lock: a new job (nimadm -C) for the client starts and succeeds"
	clean "stale lock" aixsec01
	nt run -c aixsec01 "${MIG[@]}" -j cachevg >/dev/null 2>&1
	check_eq "$?" "0" "stale lock: the client migrates again"
else
	not_ok "stale lock: the job did not reach phase 2"
fi
export NIMSIM_TIME_SCALE=0

# ---- every injected failure ------------------------------------------------------------------------
nt lab reset >/dev/null
# failure NAME CLIENT PHASE "CODES" PYTHON -- NIMADM-ARGS
failure() {
	local name=$1 client=$2 phase=$3 want=$4 py=$5 id got
	shift 6
	nt run -c "$client" "$@" >"$T/f.out" 2>"$T/f.err"
	check_eq "$?" "1" "$name: run exits 1"
	id=$(job_of "$client")
	check_eq "$(job_field "$id" status)" "failed" "$name: the job failed"
	got=$(attach_end "$id")
	check_eq "$got" "failed $phase $want" "$name: attach --json: failed phase and codes"
	check "$name: log --summary: phase, codes, knowledge base" summary "$id" "$py"
	LASTID=$id
}
failure "0505-205" aixapp02 0 "0505-205" '
assert d["failed_before_phase_1"] is True and codes == ["0505-205"], codes
assert "nimadm -M" in [m for m in d["messages"] if m["code"] == "0505-205"][0]["kb"]["fix"]' \
	-- -s spot_7300_02_sp1 -l lpp_7300_02 -d hdisk1 -Y
clean "0505-205" aixapp02
failure "0505-126" aixmir01 1 "0505-126 0505-187" '
assert d["failed_phase"] == 1 and d["automatic_cleanup"] is True
assert kb["0505-126"] == "0505-126" and kb["0505-187"] == "0505-187", kb' -- "${MIG[@]}"
check_eq "$(lab aixmir01 lspv | awk '{print $3}' | tr '\n' ' ')" "rootvg rootvg " \
	"0505-126: the mirrored rootvg is untouched"
failure "0516-404" aixsmall01 1 "0516-404 0516-822 0505-115 0505-187" '
assert d["failed_phase"] == 1 and kb["0516-404"] == "0516-404", kb' -- "${MIG[@]}"
clean "0516-404" aixsmall01
failure "0511-133" aixfin01 9 "0511-133 0511-123 0505-217" '
assert d["failed_phase"] == 9 and kb["0511-133"] == "0511-133" and kb["0505-217"] == "0505-217", kb' \
	-- "${MIG[@]}" -j cachevg
clean "0511-133" aixfin01
check_eq "$(cache_free)" "$FREE0" "0511-133: the cache is gone"
failure "0505-218" aixmb01 11 "0505-218 0505-187" '
assert d["failed_phase"] == 11 and kb["0505-218"] == "0505-218"
assert "multibos -RX" in [m for m in d["messages"] if m["code"] == "0505-218"][0]["kb"]["fix"]' \
	-- "${MIG[@]}"
clean "0505-218" aixmb01
failure "umount busy" aixhr01 10 "- 0505-158 0505-192 -" '
assert d["failed_phase"] == 10 and kb["0505-192"] == "0505-192"
assert codes == ["umount-device-busy", "0505-158", "0505-192", "umount-device-busy"], codes' \
	-- "${MIG[@]}" -j cachevg
check_eq "$(lab master lsnim -a Cstate aixhr01 | sed -n 's/.*Cstate = //p')" \
	"alt_disk_install operation is being performed" "umount busy: nimadm leaves the client busy"
check "umount busy: nimadm leaves the cache behind" [ "$(cache_free)" -lt "$FREE0" ]
nt cancel "$LASTID" --cleanup >"$T/c.out" 2>"$T/c.err"
check_eq "$?" "0" "umount busy: cancel --cleanup runs nimadm -C"
clean "umount busy" aixhr01
check_eq "$(cache_free)" "$FREE0" "umount busy: -C removed the cache"
nt run -M -s spot_7200_05 -l lpp_7200_05 -d /dev/cd0 >/dev/null 2>&1
check_eq "$?" "0" "websm: -M brings the SPOT to the master's alt_disk_install level"
failure "0505-160" aixhr01 6 "0503-464 - 0505-160 0505-213" '
assert d["failed_phase"] == 6 and kb["0505-160"] == "0505-160"
assert "sysmgt.websm" in [m for m in d["messages"] if m["code"] == "0505-160"][0]["kb"]["meaning"]' \
	-- -s spot_7200_05 -l lpp_7200_05 -d hdisk1 -Y
clean "0505-160" aixhr01

# ---- hostile input: refused, nothing started ------------------------------------------------------
before_jobs=$(find "$SD/jobs" -mindepth 1 -maxdepth 1 | wc -l)
before_state=$(cksum <"$LABSTATE/state.ini" 2>/dev/null)
long=$(printf 'a%.0s' $(seq 1 5000))
# refused ARGS...: `run ARGS` is refused as bad input (exit 2)
refused() {
	nt run "$@" >"$T/h.out" 2>"$T/h.err"
	check_eq "$?" "2" "hostile: refused: $(printf '%q ' "$@" | cut -c1-72)"
}
S=(-s spot_7300_02 -l lpp_7300_02)
refused -c 'aixdb01;reboot' "${MIG[@]}"
# shellcheck disable=SC2016 # the hostile text must reach nimadm-tui unexpanded
refused -c '$(reboot)' "${MIG[@]}"
# shellcheck disable=SC2016
refused -c aixdb01 "${S[@]}" -d 'hdisk1 `reboot`' -Y
refused -c $'aix\ndb01' "${MIG[@]}"
refused -c ../../etc/passwd "${MIG[@]}"
refused -c aixdb01 "${MIG[@]}" -m 'vers=3;reboot'
refused -c aixdb01 "${MIG[@]}" -j 'cachevg rm'
refused -c "$long" "${MIG[@]}"
refused -c aixdb01 "${MIG[@]}" -P '1;2'
refused -c aixdb01 "${MIG[@]}" --from-phase 13
refused -c aixdb01 -O relative/file "${S[@]}" -j cachevg -Y
refused -T mksysb_aixdb01 -O /x -N 'a b' "${S[@]}" -j cachevg -Y
refused -c aixdb01 "${MIG[@]}" -q
check_eq "$(find "$SD/jobs" -mindepth 1 -maxdepth 1 | wc -l)" "$before_jobs" "hostile: no job directory was created"
check_eq "$(cksum <"$LABSTATE/state.ini" 2>/dev/null)" "$before_state" "hostile: the lab is unchanged"

# under make asan, a report from the simulator would be in a job's output
if grep -lE 'Sanitizer|runtime error:' "$SD"/jobs/*/output.log >/dev/null 2>&1; then
	not_ok "no sanitizer report in any job's output"
else
	ok "no sanitizer report in any job's output"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
