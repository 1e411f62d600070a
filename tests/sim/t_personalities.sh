#!/bin/bash
# t_personalities.sh: every AIX personality of nimsim prints the layout of
# shared/aix/FORMATS.md (golden files for the key outputs, format checks for the
# rest) and fails like AIX on unknown objects and flags.
. "$(dirname "$0")/lib.sh"

on() { # on HOST CMD...: run CMD as HOST
	local h=$1
	shift
	run nimsim exec "$h" "$@"
}

# ---- lsnim ----------------------------------------------------------------------
run lsnim
check_rc 0 "lsnim lists the NIM database"
check_out_golden lsnim.out "lsnim: name, class, type columns"
if awk 'NF != 3 { bad = 1 } END { exit bad }' "$OUT"; then
	ok "lsnim: every line has exactly three columns"
else
	not_ok "lsnim: every line has exactly three columns"
fi
check_eq "$(head -1 "$OUT" | awk '{print $1, $2, $3}')" "master machines master" \
	"lsnim: the master comes first"

run lsnim -t standalone
check_eq "$(wc -l <"$OUT")" "17" "lsnim -t standalone: the demo lab has 17 clients"
run lsnim -t spot
check_out_golden lsnim_t_spot.out "lsnim -t spot"
run lsnim -c networks
check_eq "$(awk '{print $1":"$3}' "$OUT")" "admin_net:ent" "lsnim -c networks"

run lsnim -l aixdb01
check_rc 0 "lsnim -l CLIENT"
check_out_golden lsnim_l_aixdb01.out "lsnim -l CLIENT: stanza of a standalone machine"
if awk 'NR == 1 { if ($0 != "aixdb01:") exit 1; next }
        { if (substr($0, 1, 3) != "   " || index($0, " = ") == 0) exit 1
          p = index($0, " = "); if (pos && p != pos) exit 1; pos = p }' "$OUT"; then
	ok "lsnim -l: three-space indent, attributes padded to one column of ' = '"
else
	not_ok "lsnim -l: three-space indent, attributes padded to one column of ' = '"
fi
run lsnim -l spot_7300_02
check_out_golden lsnim_l_spot.out "lsnim -l SPOT: location, version, oslevel_r/_s, Rstate"
run lsnim -l lpp_7300_02
check_out_golden lsnim_l_lpp.out "lsnim -l lpp_source: simages, location, Rstate"
run lsnim -l mksysb_aixdb01
check_out_golden lsnim_l_mksysb.out "lsnim -l mksysb: source_image, oslevel_s, creation_date"
run lsnim -l master
check_out_has "   serves              = spot_7300_02" "lsnim -l master: serves each resource"
run lsnim -l aixtst01
check_out_has "Cstate         = BOS installation has been enabled" \
	"lsnim -l: a lab's nim.Cstate replaces the default state"
run lsnim -l aixmir01
check_out_has "connect        = nimsh" "lsnim -l: connect = nimsh for a nimsh client"
run lsnim -a Cstate aixdb01
check_eq "$(cat "$OUT")" "aixdb01:
   Cstate = ready for a NIM operation" "lsnim -a ATTR NAME: only that attribute"
run lsnim aixdb01
check_eq "$(awk '{print $1, $2, $3}' "$OUT")" "aixdb01 machines standalone" \
	"lsnim NAME: one short line"

run lsnim -l nosuch
check_rc 1 "lsnim -l unknown object: status 1"
check_eq "$(cat "$ERR")" '0042-053 lsnim: there is no NIM object named "nosuch"' \
	"lsnim -l unknown object: 0042-053"
check_out_empty "lsnim -l unknown object: nothing on stdout"
run lsnim -z
check_rc 1 "lsnim -z: status 1"
check_err_has "lsnim: Not a recognized flag: z" "lsnim -z: AIX getopt wording"
check_err_has "usage:" "lsnim -z: usage follows"
run lsnim -t
check_err_has "lsnim: Flag requires a parameter: t" "lsnim -t without a type"
run lsnim -t bogus
check_rc 1 "lsnim -t with an unknown type fails"

# ---- nim -o lslpp / showres ------------------------------------------------------
run nim -o lslpp -a lslpp_flags=Lc spot_7300_02
check_rc 0 "nim -o lslpp -a lslpp_flags=Lc SPOT"
check_out_golden nim_lslpp_Lc_spot.out "nim -o lslpp -Lc: lslpp -Lc of the SPOT"
check_eq "$(grep -F ':bos.alt_disk_install.rte:' "$OUT" | cut -d: -f3)" "7.3.2.2" \
	"SPOT spot_7300_02: bos.alt_disk_install.rte at the master's level"
run nim -o lslpp -a lslpp_flags=Lc spot_7300_02_sp1
check_eq "$(grep -F ':bos.alt_disk_install.rte:' "$OUT" | cut -d: -f3)" "7.3.2.1" \
	"SPOT spot_7300_02_sp1: bos.alt_disk_install.rte differs from the master's"
run nim -o showres lpp_7200_05
check_rc 0 "nim -o showres lpp_source"
check_out_has "  sysmgt.websm.webaccess      7.2.5.0" "showres lpp_7200_05 lists websm"
check_out_has "  Fileset Name                Level                     I/U Q Content" \
	"showres: installp -L -d style header"
run nim -o showres lpp_7300_02
check_out_lacks "sysmgt.websm" "showres lpp_7300_02: no websm"
run nim -o showres bnd_mig_extras
check_eq "$(head -1 "$OUT")" "I:bos.adt.base" "showres installp_bundle: the bundle's content"
run nim -o lslpp nosuch
check_rc 1 "nim -o lslpp unknown object: status 1"
check_err_has '0042-053 nim: there is no NIM object named "nosuch"' "nim: 0042-053"
run nim -o lslpp lpp_7300_02
check_rc 1 "nim -o lslpp on an lpp_source fails"
check_err_has '0042-001 nim: processing error encountered on "master":' \
	"nim: processing error wording"
run nim -o lslpp -a lslpp_flags=l aixapp01
check_out_has "Path: /usr/lib/objrepos" "nim -o lslpp CLIENT runs lslpp on the client"
run nim -o lslpp aixold01
check_rc 1 "nim -o lslpp on an unreachable client fails"
run nim -o bogus master
check_rc 2 "nim: an operation nimsim does not simulate says so"
run nim
check_rc 1 "nim without arguments: usage"

# ---- levels and software ------------------------------------------------------------
run oslevel -s
check_eq "$(cat "$OUT")" "7300-02-02-2420" "oslevel -s on the master"
run oslevel -r
check_eq "$(cat "$OUT")" "7300-02" "oslevel -r"
run oslevel
check_eq "$(cat "$OUT")" "7.3.0.0" "oslevel (plain)"
on aixdb01 oslevel -s
check_eq "$(cat "$OUT")" "7200-05-06-2320" "oslevel -s on a 7.2 client"
on aixmb01 oslevel -r
check_eq "$(cat "$OUT")" "7100-05" "oslevel -r on a 7.1 client"
run oslevel -x
check_rc 1 "oslevel -x: status 1"
check_err_has "oslevel: Not a recognized flag: x" "oslevel -x: AIX getopt wording"

run lslpp -l bos.alt_disk_install.rte bos.alt_disk_install.boot_images
check_rc 0 "lslpp -l FILESET..."
check_out_golden lslpp_l_altdisk.out "lslpp -l: header, Path sections, one row per part"
check_eq "$(awk '$1 == "bos.alt_disk_install.rte" {print $2, $3}' "$OUT" | sort -u)" \
	"7.3.2.2 COMMITTED" "lslpp -l: master's bos.alt_disk_install.rte at its level"
run lslpp -l bos.net.nis.client
check_rc 1 "lslpp -l a missing fileset: status 1"
check_eq "$(cat "$ERR")" "lslpp: 0504-132  Fileset bos.net.nis.client not installed." \
	"lslpp: 0504-132 (bos.net.nis.client is absent on the master)"
run lslpp -l 'bos.alt_disk*'
check_eq "$(grep -c '^  bos.alt_disk' "$OUT")" "3" "lslpp -l accepts a pattern"
run lslpp -Lc
check_rc 0 "lslpp -Lc"
check_eq "$(head -c 14 "$OUT")" "#Package Name:" "lslpp -Lc: '#' header first"
if awk -F: 'NR > 1 && (NF != 18 || $6 !~ /^[ACBEO?]$/) { bad = 1 } END { exit bad }' "$OUT"; then
	ok "lslpp -Lc: 18 fields, state letter in field 6"
else
	not_ok "lslpp -Lc: 18 fields, state letter in field 6"
fi
run lslpp -L bos.rte
check_out_has "State codes:" "lslpp -L: the legend"
run lslpp -y
check_rc 1 "lslpp -y: status 1"
check_err_has "lslpp: Not a recognized flag: y" "lslpp -y: AIX getopt wording"
on aixfin01 lslpp -l bos.net.nfs.client
check_out_has "BROKEN" "lslpp -l shows a broken fileset as BROKEN"

run lppchk -v
check_rc 0 "lppchk -v on a consistent system: status 0"
check_out_empty "lppchk -v on a consistent system: prints nothing"
on aixfin01 lppchk -v
check_rc 1 "lppchk -v with a broken fileset: status 1"
check_err_has "bos.net.nfs.client" "lppchk -v names the broken fileset"
run installp -s
check_out_has "No filesets were found" "installp -s: nothing applied on the master"
on aixhr01 installp -s
check_out_golden installp_s_aixhr01.out "installp -s lists an applied fileset"
on aixdb01 instfix -i
check_out_golden instfix_aixdb01.out "instfix -i: the ML lines of a 7.2 TL5 client"
on aixdb01 instfix -ik 7200-05_AIX_ML
check_rc 0 "instfix -ik ML at the client's level: status 0"
check_out_has "All filesets for 7200-05_AIX_ML were found." "instfix -ik: found"
on aixdb01 instfix -ik 7300-02_AIX_ML
check_rc 1 "instfix -ik an ML the client lacks: status 1"

# ---- disks and volume groups --------------------------------------------------------
run lspv
check_out_golden lspv_master.out "lspv on the master"
on aixdb01 lspv
check_eq "$(awk '{print $1, $2, $3, $4}' "$OUT")" "hdisk0 00c8f1a0b1c20001 rootvg active
hdisk1 00c8f1a0b1c20002 None " "lspv: a free disk shows None as its VG"
on aixmir01 lspv
check_eq "$(awk '$3 == "rootvg"' "$OUT" | wc -l)" "2" "lspv: mirrored rootvg on two disks"
run lspv hdisk9
check_rc 1 "lspv unknown disk: status 1"
check_err_has "0516-1396 lspv: The physical volume hdisk9, was not found" "lspv: 0516-1396"

run lsvg
check_eq "$(cat "$OUT")" "rootvg
cachevg
nimvg" "lsvg lists the volume groups"
run lsvg -o
check_eq "$(sort "$OUT" | tr '\n' ' ')" "cachevg nimvg rootvg " "lsvg -o lists varied-on VGs"
on aixdb01 lsvg rootvg
check_out_golden lsvg_rootvg_aixdb01.out "lsvg VG: LABEL: value in two columns"
check_out_has "TOTAL PPs:      799 (51136 megabytes)" "lsvg: TOTAL PPs of a 50 GB disk"
run lsvg cachevg
check_out_has "FREE PPs:       1598 (409088 megabytes)" "lsvg: the master's cachevg is empty"
on aixmir01 lsvg rootvg
check_out_has "USED PPs:       440 (28160 megabytes)" "lsvg: mirrored rootvg counts both copies"
check_out_has "TOTAL PVs:          2" "lsvg: mirrored rootvg has two PVs"
on aixmb01 lsvg -l rootvg
check_out_golden lsvg_l_rootvg_aixmb01.out "lsvg -l: LV rows, with multibos bos_hd5"
on aixlog01 lsvg -l rootvg
check_out_has "fslv_applogs01" "lsvg -l shows the long LV name"
on aixmir01 lsvg -p rootvg
check_out_golden lsvg_p_rootvg_aixmir01.out "lsvg -p: PV rows with free distribution"
run lsvg nosuchvg
check_rc 1 "lsvg unknown VG: status 1"
check_err_has "0516-306 lsvg: Unable to find volume group nosuchvg in the Device" "lsvg: 0516-306"
run lsvg -q
check_err_has "lsvg: Not a recognized flag: q" "lsvg -q: AIX getopt wording"

on aixsmall01 bootinfo -s hdisk1
check_eq "$(cat "$OUT")" "10240" "bootinfo -s DISK: size in MB"
on aixsmall01 getconf DISK_SIZE /dev/hdisk1
check_eq "$(cat "$OUT")" "10240" "getconf DISK_SIZE /dev/DISK: size in MB"
run bootinfo -s hdisk9
check_rc 1 "bootinfo -s unknown disk: status 1"
run getconf DISK_SIZE /dev/hdisk9
check_rc 1 "getconf DISK_SIZE unknown disk: status 1"
check_err_has "A file or directory in the path name does not exist." "getconf: AIX ENOENT text"
run bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "bootlist -m normal -o"
on aixmir01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0
hdisk1 blv=hd5 pathid=0" "bootlist: both disks of a mirrored rootvg"

# ---- system ---------------------------------------------------------------------------
run lsattr -El sys0 -a ncargs
check_eq "$(cat "$OUT")" "ncargs 256 ARG/ENV list size in 4K byte blocks True" \
	"lsattr -El sys0 -a ncargs (FORMATS layout)"
on aixbat01 lsattr -El sys0 -a ncargs
check_eq "$(awk '{print $2}' "$OUT")" "6" "lsattr: ncargs 6 on aixbat01"
run lsattr -El sys0 -a ncargs -F value
check_eq "$(cat "$OUT")" "256" "lsattr -F value"
run lsattr -El sys0
check_eq "$(awk '$1 == "realmem" {print $2}' "$OUT")" "33554432" "lsattr: realmem in KB"
run lsattr -El sys0 -a nosuch
check_rc 1 "lsattr unknown attribute: status 1"
check_err_has '0514-528 The "nosuch" attribute does not exist' "lsattr: 0514-528"
run lsattr -El nosuch0
check_err_has "0514-519 The following device was not found" "lsattr: 0514-519"

on aixsec01 odmget -q attribute=TCB_STATE PdAt
check_out_golden odmget_tcb_aixsec01.out "odmget PdAt TCB_STATE: tcb_enabled"
on aixdb01 odmget -q "attribute = 'TCB_STATE'" PdAt
check_out_has 'deflt = "tcb_disabled"' "odmget: TCB disabled, spaced and quoted criteria"
on aixbat01 odmget -q "name=sys0 and attribute=ncargs" CuAt
check_out_has 'value = "6"' "odmget CuAt: changed sys0 attribute"

on aixdb01 prtconf
check_out_golden prtconf_aixdb01.out "prtconf"
on aixp7db01 prtconf
check_out_has "Processor Type: PowerPC_POWER7" "prtconf: POWER7 client"
check_out_has "Processor Implementation Mode: POWER 7" "prtconf: implementation mode"
on aixdb01 prtconf -m
check_eq "$(cat "$OUT")" "Memory Size: 65536 MB" "prtconf -m"

on aixdb01 hostname
check_eq "$(cat "$OUT")" "aixdb01" "hostname"
run hostname
check_eq "$(cat "$OUT")" "nimmast01" "hostname of the master"
on aixdb01 uname -a
check_eq "$(awk '{print $1, $2, $3, $4}' "$OUT")" "AIX aixdb01 2 7" "uname -a"
on aixdb01 uname -M
check_eq "$(cat "$OUT")" "IBM,9009-42A" "uname -M"
on aixnew01 uname -sr
check_eq "$(cat "$OUT")" "AIX 3" "uname -sr on 7.3"
run uname -q
check_rc 1 "uname -q: status 1"

# ---- names and dispatch ----------------------------------------------------------------
on aixdb01 lsnim
check_rc 127 "NIM commands do not exist on a client"
check_err_has "ksh: lsnim:  not found." "a client's ksh does not find lsnim"
run nimsim commands
check_eq "$(cat "$OUT")" "$(grep -v '^#' "$SRC/sim/COMMANDS")" \
	"nimsim commands matches sim/COMMANDS"
missing=""
for c in $(grep -v '^#' "$SRC/sim/COMMANDS"); do
	[ -L "$BIN/$c" ] || missing="$missing $c"
done
check_eq "$missing" "" "every name in sim/COMMANDS is installed in bin/"

finish
