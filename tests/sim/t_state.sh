#!/bin/bash
# t_state.sh: the lab's mutable state: bootlist changes persist in the state
# directory, `nimsim reset` restores the lab file's world, the overlay format
# issue 3's nimadm will write (disks, VGs, levels, NIM states) takes effect,
# damaged or invalid state is reported, and concurrent writers do not corrupt it.
. "$(dirname "$0")/lib.sh"

on() {
	local h=$1
	shift
	run nimsim exec "$h" "$@"
}

# ---- bootlist ---------------------------------------------------------------------
on aixdb01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "the lab's bootlist: the rootvg disk"
on aixdb01 bootlist -m normal hdisk1
check_rc 0 "bootlist -m normal DISK: status 0"
check_out_empty "bootlist -m normal DISK prints nothing"
on aixdb01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk1 pathid=0" "the new bootlist is kept"
on aixapp02 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "another client's bootlist is untouched"
if [ -f "$NIMSIM_STATE/state.ini" ] && grep -q '^\[aixdb01\]' "$NIMSIM_STATE/state.ini"; then
	ok "the change is recorded in NIMSIM_STATE/state.ini"
else
	not_ok "the change is recorded in NIMSIM_STATE/state.ini"
fi
check_eq "$(ls "$SIMDIR/labs")" "$(ls "$SRC/sim/labs")" "nothing new beside the lab file"
on aixdb01 bootlist -m normal -o hdisk0 hdisk1
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0
hdisk1 pathid=0" "bootlist with -o shows the list it set"
on aixdb01 bootinfo -b
check_eq "$(cat "$OUT")" "hdisk0" "bootinfo -b follows the bootlist"
on aixdb01 bootlist -m normal hdisk9
check_rc 1 "bootlist with an unknown disk: status 1"
on aixdb01 bootlist -m normal -o
check_eq "$(head -1 "$OUT")" "hdisk0 blv=hd5 pathid=0" "a refused bootlist changes nothing"
run rsh aixdb01 "'bootlist' '-m' 'normal' 'hdisk1'"
run c_rsh aixapp01 "'bootlist' '-m' 'normal' 'hdisk1'"
run rsh aixdb01 "'bootlist' '-m' 'normal' '-o'"
check_eq "$(cat "$OUT")" "hdisk1 pathid=0" "bootlist set through rsh"
run c_rsh aixapp01 "'bootlist' '-m' 'normal' '-o'"
check_eq "$(cat "$OUT")" "hdisk1 pathid=0" "bootlist set through c_rsh"
on aixdb01 bootlist -m service -o
check_eq "$(cat "$OUT")" "ent0" "the service bootlist is separate"
on aixdb01 bootlist -m bogus -o
check_rc 1 "bootlist with a bad mode: status 1"

run nimsim reset
check_rc 0 "nimsim reset: status 0"
check_out_empty "nimsim reset is silent"
on aixdb01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "after reset the bootlist is the lab's again"
run c_rsh aixapp01 "'bootlist' '-m' 'normal' '-o'"
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "reset restores every client"
run nimsim reset
check_rc 0 "reset of an unchanged lab is fine"

# ---- the overlay format (what nimadm will write) --------------------------------------
mkdir -p "$NIMSIM_STATE"
cat >"$NIMSIM_STATE/state.ini" <<'EOF'
# written by hand the way sim_state_set() writes it
[aixdb01]
disk.hdisk1 = hdisk1 size=51200 pvid=00c8f1a0b1c20002 vg=altinst_rootvg
vg.altinst_rootvg = altinst_rootvg pp_size=64 state=varyoff
bootlist = hdisk1
nim.Cstate = alt_disk_install operation is being performed
[aixapp02]
oslevel = 7300-02-02-2420
fileset.bos.rte = bos.rte 7.3.2.2
disk.hdisk1 =
EOF
on aixdb01 lspv
check_eq "$(awk '$1 == "hdisk1" {print $3, $4}' "$OUT")" "altinst_rootvg " \
	"overlay: a disk moves into altinst_rootvg (not active)"
on aixdb01 lsvg
check_eq "$(tr '\n' ' ' <"$OUT")" "rootvg altinst_rootvg " "overlay: lsvg lists the new VG"
on aixdb01 lsvg altinst_rootvg
check_rc 1 "overlay: a varied-off VG cannot be listed"
check_eq "$(cat "$ERR")" "0516-010 : Volume group must be varied on; use varyonvg command." \
	"overlay: 0516-010 for altinst_rootvg"
on aixdb01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk1 blv=hd5 pathid=0" "overlay: the bootlist points at the clone"
run lsnim -l aixdb01
check_out_has "Cstate         = alt_disk_install operation is being performed" \
	"overlay: the client's NIM state"
on aixapp02 oslevel -s
check_eq "$(cat "$OUT")" "7300-02-02-2420" "overlay: a new oslevel"
on aixapp02 lslpp -Lc bos.rte
check_eq "$(awk -F: 'NR > 1 {print $3}' "$OUT")" "7.3.2.2" "overlay: a fileset's new level"
on aixapp02 lspv
check_eq "$(awk '{print $1}' "$OUT")" "hdisk0" "overlay: an empty value removes a disk"
run nimsim reset
on aixapp02 lspv
check_eq "$(wc -l <"$OUT")" "2" "reset brings the removed disk back"

# ---- damaged and invalid state ----------------------------------------------------------
mkdir -p "$NIMSIM_STATE"
printf 'this is not a state file\n' >"$NIMSIM_STATE/state.ini"
run lsnim
check_rc 2 "a damaged state file: status 2"
check_err_has "damaged state file" "a damaged state file is reported"
run nimsim reset
run lsnim
check_rc 0 "reset repairs a damaged state"
printf '[aixdb01]\ndisk.hdisk1 = hdisk1 size=51200 vg=nosuchvg\n' >"$NIMSIM_STATE/state.ini"
run nimsim validate
check_rc 2 "state that breaks the lab: status 2"
check_err_has "volume group nosuchvg is not defined" "state that breaks the lab is explained"
printf '[aixdb01]\ndisk.hdisk1 = hdisk7 size=51200\n' >"$NIMSIM_STATE/state.ini"
run nimsim validate
check_err_has "/state.ini: [aixdb01] disk.hdisk1: disk.hdisk1 defines disk hdisk7" \
	"a state key must name the object it replaces"
printf '[nosuchclient]\noslevel = 7300-02-02-2420\n' >"$NIMSIM_STATE/state.ini"
run nimsim validate
check_rc 0 "state of an object the lab no longer has is ignored"
run nimsim reset

# ---- concurrency and long values ---------------------------------------------------------
export NIMSIM_LAB=$TESTLABS/edge.lab
pids=""
for i in $(seq 1 12); do
	"$BIN/nimsim" exec shok prtconf -m >/dev/null 2>>"$T/flaky.err" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
check_eq "$(grep -c 0514-040 "$T/flaky.err")" "2" \
	"12 concurrent runs of a times=2 fault fail exactly twice (the count is locked)"
pids=""
for i in $(seq 1 10); do
	d=hdisk$((i % 2))
	"$BIN/nimsim" exec shok bootlist -m normal "$d" &
	pids="$pids $!"
	"$BIN/c_rsh" nsok "'bootlist' '-m' 'normal' 'hdisk0'" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
run nimsim validate
check_rc 0 "after concurrent writers the state is still valid"
run nimsim exec shok bootlist -m normal -o
case "$(awk '{print $1}' "$OUT")" in
hdisk0 | hdisk1) ok "the last writer's bootlist is whole" ;;
*) not_ok "the last writer's bootlist is whole" ;;
esac
run nimsim reset

# many disks: the bootlist value is longer than an INI line may be
big=$T/big.lab
{
	printf '[master]\noslevel = 7300-02-02-2420\ndisk = hdisk0 size=51200 vg=rootvg\n'
	printf '[client wide]\noslevel = 7200-05-06-2320\ndisk = hdisk0 size=51200 vg=rootvg\n'
	for i in $(seq 1 60); do printf 'disk = hdisk%d size=1024\n' "$i"; done
} >"$big"
disks=$(seq -f 'hdisk%g' 60 -1 1 | tr '\n' ' ')
NIMSIM_LAB=$big run nimsim exec wide bootlist -m normal $disks
check_rc 0 "bootlist with 60 disks"
NIMSIM_LAB=$big run nimsim exec wide bootlist -m normal -o
check_eq "$(awk '{printf "%s ", $1}' "$OUT")" "$disks" "a long state value survives the round trip"
if awk 'length($0) > 196 {f = 1} END {exit f}' "$NIMSIM_STATE/state.ini"; then
	ok "the state file keeps its lines short"
else
	not_ok "the state file keeps its lines short"
fi

finish
