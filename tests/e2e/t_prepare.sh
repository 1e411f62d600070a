#!/bin/bash
# t_prepare.sh: `nimadm-tui prepare` end to end in a private copy of the demo
# lab's state: each flow planned, shown, confirmed and run, with the lab read
# back afterwards (lspv, lsvg, bootlist, lsnim, lslpp); the disk-freeing
# refusals (rootvg not mirrored, the only copy of hd5) with nothing run; the
# mksysb route from the backup to the restore and the boot onto it; a migration
# of a freed disk; a declined prompt, --dry-run and --json; hostile input
# refused before anything runs; the route's nimadm step as a journaled job that
# outlives a killed CLI, and a second run that carries on from it; and the
# post-migration check of aixdb01 seeing exactly the changes the lab's migration
# makes.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
PROG=${NIMADM_TUI_PROG:-$SRC/build/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$SRC/build/sim}
export NIMADM_TUI_SIMDIR=$SIMDIR
T=$(mktemp -d "${TMPDIR:-/tmp}/t_prepare.XXXXXX")
SD=$T/state
pass=0 fail=0
trap 'rm -rf "$T"' EXIT

ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}
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
command -v python3 >/dev/null || { echo "python3 is needed"; echo "0 passed, 1 failed"; exit 1; }

export NIMSIM_TIME_SCALE=0
nt() { "$PROG" --demo --state-dir "$SD" "$@"; }
# prep RC NAME ARGS...: nimadm-tui prepare ARGS, its exit status must be RC; output in $T/NAME.out/.err
prep() {
	local want=$1 name=$2 rc
	shift 2
	nt prepare "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name: exit $want"; else
		not_ok "$name: exit $rc, wanted $want"
		sed -n '1,12s/^/#   out: /p' "$T/$name.out"
		sed -n '1,6s/^/#   err: /p' "$T/$name.err"
	fi
}
has() { grep -qF -- "$2" "$T/$1"; }
py() { python3 -c "import json, sys; args = sys.argv[1:]
$1" "${@:2}"; }

nt lab reset >/dev/null 2>&1
LABSTATE=$(echo "$SD"/labs/demo-*)
lab() { NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE "$SIMDIR/bin/nimsim" exec "$@" 2>&1; }
vg_of() { lab "$1" lspv | awk -v d="$2" '$1 == d { print $3 }'; }
# the lab's state, to tell that nothing ran
lab_sum() { if [ -f "$LABSTATE/state.ini" ]; then cksum <"$LABSTATE/state.ini"; else echo none; fi; }

# ---- usage and hostile input: refused before anything runs --------------------------------
before=$(lab_sum)
prep 2 usage_none
prep 2 usage_flow reboot -c aixdb01
prep 2 usage_option premig -c aixdb01 -d hdisk1
check "usage_option: names the option" has usage_option.err "prepare premig takes no --disk"
prep 2 hostile_disk free-disk -c aixmir01 -d 'hdisk1;reboot' --yes
check "hostile_disk: names the field's rule" has hostile_disk.err "not a disk name (hdisk1): hdisk1;reboot"
prep 2 hostile_client free-disk -c '$(reboot)' -d hdisk1 --yes
prep 2 hostile_path mksysb -c aixdb01 -o '/backup/a b;rm' --yes
prep 2 hostile_dotdot mksysb -c aixdb01 -o /backup/../../etc/passwd --yes
prep 2 hostile_define mksysb -c aixdb01 -o /export/nim/mksysb/x.mksysb --define 'x`id`' --yes
prep 2 hostile_spot mksysb-route -c aixapp02 -s 'spot;id' -l lpp_7300_02 -j cachevg -d hdisk1 --yes
prep 2 hostile_mount mksysb-route -c aixapp02 -s spot_7300_02 -l lpp_7300_02 -j cachevg \
	-d hdisk1 --mount '/mnt/$x' --yes
prep 2 hostile_control free-disk -c aixmir01 -d "$(printf 'hdisk1\033[2J')" --yes
check "hostile_control: escaped on the terminal" has hostile_control.err 'hdisk1^[[2J'
prep 2 unknown_client free-disk -c aixnone01 -d hdisk1 --yes
check "unknown_client: 0042-053" has unknown_client.err "aixnone01 is not a NIM object"
prep 1 unreachable premig -c aixweb02 --yes
check "unreachable: the transport's words" has unreachable.err "Connection refused"
check_eq "$(lab_sum)" "$before" "hostile input and unknown clients changed nothing in the lab"

# ---- free-disk: the refusals -------------------------------------------------------------------
prep 3 refuse_unmirrored free-disk -c aixdb01 -d hdisk0 --yes
check "refuse_unmirrored: the reason" has refuse_unmirrored.err \
	"aixdb01: rootvg is not mirrored: freeing hdisk0 would leave no rootvg"
check "refuse_unmirrored: says nothing ran" has refuse_unmirrored.out "Nothing was run."
check "refuse_unmirrored: no step listed" sh -c "! grep -q '^STEPS' '$T/refuse_unmirrored.out'"
prep 3 refuse_free free-disk -c aixdb01 -d hdisk1 --yes
check "refuse_free: the disk is free already" has refuse_free.err "hdisk1 is in no volume group"
check_eq "$(lab_sum)" "$before" "refusals changed nothing in the lab"

# The only copy of hd5: a lab of our own (the demo has no such client).
cat >"$T/hd5.lab" <<'EOF'
[master]
oslevel = 7300-02-02-2420
disk = hdisk0 size=102400 vg=rootvg
[client aixhd501]
connect = shell
oslevel = 7200-05-06-2320
disk = hdisk0 size=51200 vg=rootvg
disk = hdisk1 size=51200 vg=rootvg
vg = rootvg pp_size=64 copies=2
lv = hd5 type=boot lps=1 copies=1 pvs=hdisk0 state=closed/syncd
EOF
"$PROG" --lab "$T/hd5.lab" --state-dir "$T/hd5state" prepare free-disk -c aixhd501 -d hdisk0 \
	--yes >"$T/refuse_hd5.out" 2>"$T/refuse_hd5.err" </dev/null
check_eq "$?" "3" "refuse_hd5: exit 3"
check "refuse_hd5: the reason" has refuse_hd5.err \
	"aixhd501: hdisk0 holds the only copy of hd5 (the boot logical volume)"
check "refuse_hd5: the evidence (lslv -m hd5)" has refuse_hd5.out \
	"hd5, the boot logical volume, has a copy on hdisk0 (lslv -m hd5)"

# ---- free-disk: the plan, a declined prompt, --dry-run, then the run --------------------------
prep 0 fd_dry free-disk -c aixmir01 -d hdisk1 --dry-run
check "fd_dry: every step is shown with its host and command" has fd_dry.out \
	"aixmir01# unmirrorvg rootvg hdisk1"
for c in "chpv -c hdisk1" "reducevg rootvg hdisk1" "bosboot -ad /dev/hdisk0" "bootlist -m normal hdisk0"; do
	check "fd_dry: shows '$c'" has fd_dry.out "aixmir01# $c"
done
check "fd_dry: marks the steps that change the system" grep -q '^   1 \* aixmir01# unmirrorvg' "$T/fd_dry.out"
check "fd_dry: and those that do not" grep -q '^   6   aixmir01# lspv' "$T/fd_dry.out"
check_eq "$(vg_of aixmir01 hdisk1)" "rootvg" "fd_dry: nothing ran"
echo n | nt prepare free-disk -c aixmir01 -d hdisk1 >"$T/fd_no.out" 2>"$T/fd_no.err"
check_eq "$?" "1" "fd_no: a declined prompt exits 1"
check "fd_no: asks before running" has fd_no.err "Run these 7 steps on aixmir01 (5 change the system)? [y/N]"
check "fd_no: says nothing ran" has fd_no.err "not confirmed: nothing was run"
check_eq "$(vg_of aixmir01 hdisk1)" "rootvg" "fd_no: the lab is unchanged"
echo y | nt prepare free-disk -c aixmir01 -d hdisk1 >"$T/fd.out" 2>"$T/fd.err"
check_eq "$?" "0" "fd: confirmed, every step ran"
check "fd: live output of unmirrorvg" has fd.out "0516-1144 unmirrorvg: rootvg successfully unmirrored"
check "fd: each step's result" has fd.out "<== step 7: ok"
check "fd: the summary" has fd.out "prepare free-disk on aixmir01: all 7 steps ok"
check_eq "$(vg_of aixmir01 hdisk1)" "None" "fd: hdisk1 is free (lspv)"
check_eq "$(lab aixmir01 bootlist -m normal -o)" "hdisk0 blv=hd5 pathid=0" "fd: boots from hdisk0 (bootlist)"
check_eq "$(lab aixmir01 lsvg rootvg | awk '/TOTAL PVs:/ { print $3 }')" "1" "fd: rootvg on one disk (lsvg)"
check_eq "$(lab aixmir01 lslv -m hd5 | awk 'NR == 3 { print $3, NF }')" "hdisk0 3" "fd: hd5 on hdisk0 only (lslv -m)"
# the freed disk takes a migration now
nt check -c aixmir01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 --json >"$T/fd_check.json" 2>/dev/null
py '
d = json.load(open(args[0]))
r = [x for x in d if x["host"] == "aixmir01" and x["check"] == "job.disks"][0]
assert r["status"] == "pass", r
' "$T/fd_check.json" && ok "fd: the checker finds hdisk1 usable" || not_ok "fd: the checker finds hdisk1 usable"
nt run -c aixmir01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y >"$T/fd_run.out" 2>&1
check_eq "$?" "0" "fd: nimadm migrates onto the freed disk"
check_eq "$(vg_of aixmir01 hdisk1)" "altinst_rootvg" "fd: the clone is on hdisk1"

# ---- software -------------------------------------------------------------------------------
prep 1 sw_check software -c aixhr01
check "sw_check: the applied fileset" has sw_check.out "installp -s: applied, not committed: bos.rte.libc 7.2.5.7"
check "sw_check: the failed check names it" has sw_check.err "bos.rte.libc"
prep 0 sw_commit software -c aixhr01 --commit --yes
check "sw_commit: installp -c of exactly what was applied" has sw_commit.out "aixhr01# installp -c -g bos.rte.libc"
check_eq "$(lab aixhr01 lslpp -Lc bos.rte.libc | awk -F: 'NR == 2 { print $6 }')" "C" "sw_commit: committed (lslpp)"
prep 1 sw_broken software -c aixfin01 --commit --yes
check "sw_broken: lppchk's evidence" has sw_broken.err "bos.net.nfs.client (BROKEN)"
check "sw_broken: the rest skipped" has sw_broken.out "--- step 2 skipped: an earlier step failed"

# ---- premig -----------------------------------------------------------------------------------
prep 0 premig premig -c aixapp01
check "premig: live output" has premig.out "Checking size of boot logical volume (hd5)."
SAVED=$(sed -n 's/^pre_migration saved its findings in \(.*\) on the client$/\1/p' "$T/premig.out")
case "$SAVED" in /home/pre_migration.*) ok "premig: where it saved" ;; *) not_ok "premig: where it saved ($SAVED)" ;; esac
check "premig: the saved list is there" sh -c "NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE $SIMDIR/bin/nimsim exec aixapp01 cat $SAVED/software_list | grep -q bos.rte"

# ---- mksysb -------------------------------------------------------------------------------------
prep 0 mk_list mksysb -c aixapp01
check "mk_list: the stale backup is listed" has mk_list.out "mksysb mksysb_aixapp01: Tue Mar 14 01:02:03 2023"
check "mk_list: and warned about" has mk_list.out "no mksysb of aixapp01 is newer than 30 days"
prep 0 mk_define mksysb -c aixapp01 -o /export/nim/mksysb/aixapp01_new.mksysb --define mksysb_aixapp01_new --yes
check "mk_define: NIM's backup command" has mk_define.out \
	"master# nim -o define -t mksysb -a server=master -a location=/export/nim/mksysb/aixapp01_new.mksysb -a source=aixapp01 -a mk_image=yes"
check "mk_define: lsnim shows it" sh -c "NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE $SIMDIR/bin/lsnim -l mksysb_aixapp01_new | grep -q 'source_image  = aixapp01'"
prep 0 mk_recent mksysb -c aixapp01
check "mk_recent: no warning now" sh -c "! grep -q WARNINGS '$T/mk_recent.out'"
prep 3 mk_taken mksysb -c aixapp01 -o /export/nim/mksysb/x.mksysb --define mksysb_aixapp01_new --yes
check "mk_taken: the name is in use" has mk_taken.err "mksysb_aixapp01_new is already a NIM object"

# ---- the mksysb route, in JSON -----------------------------------------------------------------
prep 2 route_json_noyes mksysb-route -c aixapp02 -s spot_7300_02 -l lpp_7300_02 -j cachevg -d hdisk1 --json
check "route_json_noyes: --json needs --yes" has route_json_noyes.err "--json needs --yes"
prep 0 route mksysb-route -c aixapp02 -s spot_7300_02 -l lpp_7300_02 -j cachevg -d hdisk1 --yes --json
py '
d = json.load(open(args[0]))
assert d["flow"] == "mksysb-route" and d["ok"] is True and d["failed_step"] is None, d
cmds = [s["command"] for s in d["steps"]]
assert cmds[0].startswith("nim -o cust -a lpp_source=lpp_7300_02"), cmds
assert cmds[1].startswith("nim -o define -t mksysb"), cmds
assert cmds[2] == "nimadm -T aixapp02_mksysb -O /export/nim/mksysb/aixapp02_7300-02.mksysb -s spot_7300_02 -l lpp_7300_02 -j cachevg -Y -N aixapp02_7300_mksysb", cmds
assert cmds[3] == "mount nimmast01:/export/nim/mksysb /mnt", cmds
assert cmds[4] == "alt_disk_mksysb -m /mnt/aixapp02_7300-02.mksysb -d hdisk1 -k", cmds
assert cmds[5] == "umount /mnt" and d["steps"][5]["cleanup_of"] == 4, cmds
assert [s["host"] for s in d["steps"]] == ["master"] * 3 + ["aixapp02"] * 3
assert all(s["state"] == "ok" and s["exit_status"] == 0 for s in d["steps"])
assert "Executing nimadm phase 12." in d["steps"][2]["output"]
assert d["steps"][2]["job"] is True and d["steps"][2]["job_id"], d["steps"][2]
assert all(s["job"] is False and s["job_id"] is None for i, s in enumerate(d["steps"]) if i != 2)
open(args[1], "w").write(d["steps"][2]["job_id"])
assert "Bootlist is set to the boot disk: hdisk1 blv=hd5" in d["steps"][4]["output"]
' "$T/route.out" "$T/route.job" && ok "route: the JSON plan and results" || not_ok "route: the JSON plan and results"
check "route: live output went to stderr" has route.err "==> step 5 of 6"
RJOB=$(cat "$T/route.job" 2>/dev/null)
check "route: the nimadm step is a job in 'nimadm-tui jobs'" sh -c \
	"'$PROG' --demo --state-dir '$SD' jobs | grep -q '^$RJOB .* mksysb-to-mksysb  *succeeded'"
check "route: the job's journal has nimadm's output" grep -q "Executing nimadm phase 12." "$SD/jobs/$RJOB/output.log"
check "route: the step named its job" has route.err "nimadm job $RJOB: it goes on if this command stops"
check_eq "$(vg_of aixapp02 hdisk1)" "altinst_rootvg" "route: alt_disk_mksysb made altinst_rootvg on hdisk1"
check_eq "$(lab aixapp02 bootlist -m normal -o)" "hdisk1 blv=hd5 pathid=0" "route: the boot list names hdisk1"
check "route: the new mksysb in NIM" sh -c "NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE $SIMDIR/bin/lsnim -l aixapp02_7300_mksysb | grep -q 'oslevel_s     = 7300-02-02-2420'"
check "route: nothing left mounted" sh -c "! NIMSIM_LAB=$SIMDIR/labs/demo.lab NIMSIM_STATE=$LABSTATE $SIMDIR/bin/nimsim exec aixapp02 mount | grep -q /mnt"
lab aixapp02 shutdown -Fr >/dev/null
check_eq "$(lab aixapp02 oslevel -s)" "7300-02-02-2420" "route: after the reboot the client runs 7.3"
check_eq "$(vg_of aixapp02 hdisk0)" "old_rootvg" "route: the old system waits on hdisk0"

# ---- the route survives its CLI: killed during nimadm, the job goes on, a second run carries on --
# nimadm takes some seconds at this scale; the CLI is killed while it runs
NIMSIM_TIME_SCALE=0.002 "$PROG" --demo --state-dir "$SD" prepare mksysb-route -c aixbat01 \
	-s spot_7300_02 -l lpp_7300_02 -j cachevg -d hdisk1 --yes >"$T/kill.out" 2>"$T/kill.err" </dev/null &
kpid=$!
for _ in $(seq 1 600); do grep -q '^    nimadm job ' "$T/kill.out" && break; sleep 0.1; done
KJOB=$(sed -n 's/^    nimadm job \([^:]*\): .*/\1/p' "$T/kill.out")
job_status() { nt jobs | awk -v id="$1" '$1 == id { print $4 }'; }
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
check "kill: the CLI had submitted the nimadm job" test -n "$KJOB"
check_eq "$(job_status "$KJOB")" "running" "kill: the job runs on after the CLI was killed"
check "kill: the CLI died before the restore" sh -c "! grep -q 'step 5 of 6' '$T/kill.out'"
for _ in $(seq 1 600); do [ "$(job_status "$KJOB")" = running ] || break; sleep 0.1; done
check_eq "$(job_status "$KJOB")" "succeeded" "kill: the job ran to its end alone"
check "kill: its journal has all of nimadm's output" grep -q "Executing nimadm phase 12." "$SD/jobs/$KJOB/output.log"
check_eq "$(vg_of aixbat01 hdisk1)" "None" "kill: nothing was restored yet"
prep 0 carry_on mksysb-route -c aixbat01 -s spot_7300_02 -l lpp_7300_02 -j cachevg -d hdisk1 --yes
check "carry_on: says what the earlier run did" has carry_on.out \
	"NIM has aixbat01_7300_mksysb already (nimadm job $KJOB): nimadm is not run again"
check "carry_on: the backup is not made again" has carry_on.out \
	"--- step 2 skipped: done: aixbat01_mksysb is in NIM already (an earlier run)"
check "carry_on: nimadm is not run again" has carry_on.out \
	"--- step 3 skipped: done: NIM has aixbat01_7300_mksysb already, made by nimadm job $KJOB"
check_eq "$(nt jobs | grep -c ' aixbat01_mksysb ')" "1" "carry_on: no second nimadm job"
check "carry_on: alt_disk_mksysb restored it" has carry_on.out "==> step 5 of 6: Restore the new mksysb onto hdisk1 (alt_disk_mksysb)"
check "carry_on: the summary" has carry_on.out "prepare mksysb-route on aixbat01: 4 steps ok, 2 done by an earlier run"
check_eq "$(vg_of aixbat01 hdisk1)" "altinst_rootvg" "carry_on: altinst_rootvg on hdisk1"
check_eq "$(lab aixbat01 bootlist -m normal -o)" "hdisk1 blv=hd5 pathid=0" "carry_on: the boot list names hdisk1"

# ---- the post-migration check sees exactly the lab's changes ---------------------------------
nt snapshot -c aixdb01 >"$T/snap.out" 2>&1
check_eq "$?" "0" "snapshot of aixdb01"
nt run -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y -r >"$T/mig.out" 2>&1
check_eq "$?" "0" "migration of aixdb01 with -r"
nt postcheck -c aixdb01 --json >"$T/pc.json" 2>"$T/pc.err"
check_eq "$?" "0" "postcheck of aixdb01"
py '
d = json.load(open(args[0]))
v = {c["id"]: c["verdict"] for c in d["checks"]}
assert v["post_migration"] == "pass" and v["oslevel"] == "pass", v
ch = {(c["area"], c["item"]): (c["before"], c["after"]) for c in d["changes"]}
want = {
    ("sys0", "maxuproc"): ("4096", "128"),
    ("sys0", "pre520tune"): ("disable", "enable"),
    ("tunables", "vmo minperm%"): ("5", "3"),
    ("tunables", "nextboot vmo minperm%"): ("5", None),
    ("services", "service sendmail"): ("inoperative", "active"),
}
for k, val in want.items():
    assert ch.get(k) == val, (k, ch.get(k))
# and nothing else in those areas, nor in file systems or the network
other = [k for k in ch if k[0] in ("sys0", "tunables", "services", "filesystems", "network") and k not in want]
assert other == [], other
files = [k[1] for k in ch if k[0] == "files"]
assert files == ["/etc/motd"], files
motd = [c for c in d["changes"] if c["item"] == "/etc/motd"][0]
assert "Welcome to AIX Version 7.3!" in motd["diff"], motd
' "$T/pc.json" && ok "postcheck: exactly the lab's migration resets" || not_ok "postcheck: exactly the lab's migration resets"

echo "t_prepare: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
