#!/bin/bash
# t_nimadm.sh: the simulator's nimadm in the demo lab: flags and usage like
# AIX's, the start-up lines and the 12 phases (NFS and -j), the log in the
# lab's file tree, what a migration changes (altinst_rootvg, bootlist, NIM
# state, the cache VG), -P one phase at a time ending where one run ends,
# every failure at its phase with its codes and a clean lab after nimadm's
# own cleanup (the umount-busy one needs -C), -C, -W, -S, -M, the mksysb
# modes, -r, the `cat` personality and the nimadm_fault lab key.
# shellcheck source=tests/sim/lib.sh
. "$(dirname "$0")/lib.sh"

# nimadm merges stderr into stdout: a sanitizer report lands in $OUT
eval "lib_$(declare -f run)"
run() {
	lib_run "$@"
	if grep -qE 'Sanitizer|runtime error:' "$OUT"; then
		not_ok "no sanitizer report from: $*"
		sed -n '1,20s/^/#   /p' "$OUT"
	fi
}

# no waiting: simulated time only shows in installp's Total time
export NIMSIM_TIME_SCALE=0
MIG=(-s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y)

on() {
	local h=$1
	shift
	run nimsim exec "$h" "$@"
}

# banners PHASES...: the phase banners of $OUT are exactly these, in order
banners() {
	local got
	got=$(sed -n 's/^Executing nimadm phase \([0-9]*\)\.$/\1/p' "$OUT" | tr '\n' ' ')
	check_eq "$got" "$* " "$NAME: phases $*"
}

# codes CODE...: the message codes of $OUT, in order (0513-xxx NFS notes left out)
codes() {
	local got
	got=$(grep -oE '\b0[0-9]{3}-[0-9]{3}\b' "$OUT" | grep -v '^0513-' | tr '\n' ' ')
	check_eq "$got" "$* " "$NAME: codes $*"
}

# clean CLIENT: no trace of a migration on the client (disk free, bootlist, NIM state)
clean() {
	local c=$1
	on "$c" lspv
	check_eq "$(awk '$1 == "hdisk1" {print $3}' "$OUT")" "None" "$NAME: $c's hdisk1 is free again"
	on "$c" lsvg
	check_eq "$(tr '\n' ' ' <"$OUT")" "rootvg " "$NAME: $c has no altinst_rootvg"
	on "$c" bootlist -m normal -o
	check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "$NAME: $c's bootlist is back on hdisk0"
	run lsnim -a Cstate "$c"
	check_out_has "Cstate = ready for a NIM operation" "$NAME: $c is ready for a NIM operation"
}

cache_free() {
	run lsvg cachevg
	awk -F'FREE PPs:' 'NF > 1 {split($2, a, " "); print a[1]}' "$OUT"
}

# ---- flags ---------------------------------------------------------------------------
run nimadm
check_rc 1 "nimadm without flags: status 1"
check_err_has "Usage:" "nimadm without flags prints its usage"
run nimadm -q -c aixdb01
check_rc 1 "an unknown flag: status 1"
check_err_has "nimadm: Not a recognized flag: q" "an unknown flag is named as AIX's getopt does"
run nimadm -c aixdb01 -s spot_7300_02 -l lpp_7300_02
check_err_has "The -d flag is required" "a migration without -d is refused"
run nimadm -c aixdb01 "${MIG[@]}" -B -r
check_err_has "-B and -r flags cannot be used together" "-B with -r is refused"
run nimadm -c aixdb01 "${MIG[@]}" -P 13
check_err_has 'Invalid phase "13"' "-P 13 is refused"
run nimadm -C -c aixdb01 -s spot_7300_02 -l lpp_7300_02
check_err_has "The -l flag cannot be used with this operation" "-C with -l is refused"
run nimadm -C -W -c aixdb01 -s spot_7300_02
check_rc 1 "two operations at once are refused"
run nimadm -T mksysb_aixdb01 -O relative/file -s spot_7300_02 -l lpp_7300_02 -j cachevg -Y
check_err_has "must be a full path name" "-O needs a full path"
run nimadm -T mksysb_aixdb01 -O /tmp/x -N 'a;b' -s spot_7300_02 -l lpp_7300_02 -j cachevg -Y
check_err_has "not a valid NIM object name" "-N must be a NIM name"
if [ ! -e "$NIMSIM_STATE/state.ini" ]; then ok "refused flags change nothing"; else not_ok "refused flags change nothing"; fi
on aixdb01 nimadm -C -c aixdb01 -s spot_7300_02
check_rc 127 "nimadm exists only on the NIM master"
run nimadm -c nosuch "${MIG[@]}"
check_rc 1 "an unknown client: status 1"
check_out_has '0042-053 lsnim: there is no NIM object named "nosuch"' "an unknown client: 0042-053"
run nimadm -c aixdb01 -s lpp_7300_02 -l lpp_7300_02 -d hdisk1 -Y
check_out_has "is not a spot resource" "an lpp_source given as SPOT is refused"

# ---- a migration over NFS --------------------------------------------------------------
NAME="NFS migration"
run nimadm -c aixdb01 "${MIG[@]}"
check_rc 0 "$NAME: status 0"
check_eq "$(head -2 "$OUT" | tr '\n' '|')" "Initializing the NIM master.|Initializing NIM client aixdb01.|" \
	"$NAME: the start-up lines"
check_out_has "Initializing log: /var/adm/ras/alt_mig/aixdb01_alt_mig.log" "$NAME: the log"
banners 1 2 3 4 5 6 7 8 9 10 11 12
check_out_has 'Client alt_disk_install command: alt_disk_copy -M 7.3 -P1 -d "hdisk1"' \
	"$NAME: phase 1 echoes the client command"
check_out_has "Exporting alt_inst file systems from client aixdb01" "$NAME: phase 2 exports"
check_out_has "Mounting client file system /alt_inst/usr on /aixdb01_alt/alt_inst/usr" \
	"$NAME: phase 3 mounts"
check_out_lacks "Syncing client data to cache" "$NAME: no cache"
check_out_has "                    Pre-installation Verification..." "$NAME: installp's titles"
check_out_has "installp:  APPLYING software for:" "$NAME: installp applies"
if grep -qE '^Filesets processed:  [0-9]+ of [0-9]+  \(Total time:  ([0-9]+ (hrs|mins|secs) ?)+\)\.$' "$OUT"; then
	ok "$NAME: installp's progress lines"
else
	not_ok "$NAME: installp's progress lines"
fi
check_out_has "Finished processing all filesets.  (Total time:  39 mins 0 secs)." \
	"$NAME: installp's total is simulated AIX time"
check_out_has "bosboot: Boot image is 51228 512 byte blocks." "$NAME: phase 8 bosboot"
check_out_has "unexporting /alt_inst/usr" "$NAME: phase 10 unexports"
check_out_has "Bootlist is set to the boot disk: hdisk1 blv=hd5" "$NAME: phase 11 sets the bootlist"
check_eq "$(tail -2 "$OUT" | tr '\n' '|')" \
	"Cleaning up alt_disk_migration on the NIM master.|Cleaning up alt_disk_migration on client aixdb01.|" \
	"$NAME: phase 12 cleans up"
check_out_has "domainname: not found" "$NAME: the master lacks bos.net.nis.client (harmless)"
cp "$OUT" "$T/nfs.out"
on aixdb01 lspv
check_eq "$(awk '$1 == "hdisk1" {print $3 "/" $4}' "$OUT")" "altinst_rootvg/" \
	"$NAME: hdisk1 holds altinst_rootvg, varied off"
on aixdb01 lsvg altinst_rootvg
check_err_has "0516-010" "$NAME: altinst_rootvg is asleep"
on aixdb01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk1 blv=hd5 pathid=0" "$NAME: the bootlist is on the new disk"
run lsnim -a Cstate aixdb01
check_out_has "Cstate = ready for a NIM operation" "$NAME: the client is ready again"
run cat /var/adm/ras/alt_mig/aixdb01_alt_mig.log
check_rc 0 "$NAME: the log is in the lab (cat on the master)"
if cmp -s "$OUT" "$T/nfs.out"; then ok "$NAME: the log holds what nimadm printed"; else not_ok "$NAME: the log holds what nimadm printed"; fi
if [ -f "$NIMSIM_STATE/files/master/var/adm/ras/alt_mig/aixdb01_alt_mig.log" ] && [ ! -e /var/adm/ras/alt_mig/aixdb01_alt_mig.log.nimsim ]; then
	ok "$NAME: the log lives under NIMSIM_STATE/files"
else
	not_ok "$NAME: the log lives under NIMSIM_STATE/files"
fi
run rsh aixdb01 "'cat' '/var/adm/ras/alt_disk_inst.log'"
check_out_has "Creating logical volume alt_hd4." "$NAME: the client's alt_disk_inst.log, read through rsh"

NAME="a second migration to the same disk"
run nimadm -c aixdb01 "${MIG[@]}"
check_rc 1 "$NAME: status 1"
codes 0505-126 0505-187
clean aixdb01

# ---- with local disk caching, Cstate and the cache VG during a phased run ----------------
NAME="phased -j migration"
free0=$(cache_free)
run nimadm -c aixapp02 "${MIG[@]}" -j cachevg -P 1
check_rc 0 "$NAME: -P 1: status 0"
banners 1
check_out_has "Starting Alternate Disk Migration." "$NAME: -P 1 prints the start-up lines"
check_out_has 'alt_disk_copy -j -M 7.3 -P1 -d "hdisk1"' "$NAME: alt_disk_copy -j"
run lsnim -a Cstate aixapp02
check_out_has "Cstate = alt_disk_install operation is being performed" \
	"$NAME: the client is busy between the phases"
on aixapp02 lsvg altinst_rootvg
check_rc 0 "$NAME: altinst_rootvg is varied on during the migration"
run nimadm -c aixapp02 "${MIG[@]}" -j cachevg -P 2
check_out_has "Creating cache file system /aixapp02_alt/alt_inst/usr" "$NAME: phase 2 creates the cache"
free2=$(cache_free)
if [ "$free2" -lt "$free0" ]; then ok "$NAME: the cache VG has less free space ($free0 -> $free2)"; else not_ok "$NAME: the cache VG has less free space ($free0 -> $free2)"; fi
run lsvg -l cachevg
check_out_has "/aixapp02_alt/alt_inst/usr" "$NAME: lsvg -l shows the cache file systems"
for p in 3 4 5 6 7 8 9 10 11; do
	run nimadm -c aixapp02 "${MIG[@]}" -j cachevg -P "$p"
	[ "$RC" -eq 0 ] || not_ok "$NAME: -P $p: status $RC"
done
check_out_has "Bootlist is set to the boot disk: hdisk1 blv=hd5" "$NAME: phase 11 alone"
run nimadm -c aixapp02 "${MIG[@]}" -j cachevg -P 12
check_rc 0 "$NAME: -P 12: status 0"
banners 12
check_eq "$(cache_free)" "$free0" "$NAME: the cache VG's space is back"
for c in lspv "lsvg -l altinst_rootvg" "bootlist -m normal -o"; do
	# shellcheck disable=SC2086 # the command's words
	on aixapp02 $c
	cp "$OUT" "$T/phased.$(echo "$c" | tr -c '[:lower:]' _)"
done
run lsnim -l aixapp02
cp "$OUT" "$T/phased.lsnim"
run cat /var/adm/ras/alt_mig/aixapp02_alt_mig.log
check_eq "$(grep -c '^Executing nimadm phase' "$OUT")" "12" "$NAME: the log keeps every phase of the run"
run nimsim reset
run nimadm -c aixapp02 "${MIG[@]}" -j cachevg
check_rc 0 "one -j run: status 0"
check_out_has "Syncing client data to cache ..." "-j: phase 3 syncs the client into the cache"
check_out_has "Syncing cache data to client ..." "-j: phase 9 syncs the cache back"
check_out_has "Removing nimadm cache file systems." "-j: phase 10 removes the cache"
same=1
for c in lspv "lsvg -l altinst_rootvg" "bootlist -m normal -o"; do
	# shellcheck disable=SC2086
	on aixapp02 $c
	cmp -s "$OUT" "$T/phased.$(echo "$c" | tr -c '[:lower:]' _)" || same=0
done
run lsnim -l aixapp02
cmp -s "$OUT" "$T/phased.lsnim" || same=0
if [ $same = 1 ]; then ok "phases one by one end where one run ends"; else not_ok "phases one by one end where one run ends"; fi
run nimadm -c aixapp01 "${MIG[@]}" -P 6
check_rc 1 "-P 6 before phase 1 is refused"
check_out_has "Phase 1 has not run for aixapp01" "-P 6 before phase 1 says why"
run nimsim reset

# ---- failures: the right phase, codes, and nimadm's own cleanup ----------------------------
# fail NAME CLIENT PHASE CODES... -- NIMADM-ARGS
fail() {
	NAME=$1
	local client=$2 phase=$3 want=() last
	shift 3
	while [ "$1" != "--" ]; do
		want+=("$1")
		shift
	done
	shift
	run nimadm -c "$client" "$@"
	check_rc 1 "$NAME: status 1"
	last=$(sed -n 's/^Executing nimadm phase \([0-9]*\)\.$/\1/p' "$OUT" | tail -1)
	check_eq "${last:-0}" "$phase" "$NAME: fails in phase $phase"
	codes "${want[@]}"
}
# auto_cleanup CLIENT [RELEASE]: nimadm's own cleanup ends the output
auto_cleanup() {
	check_eq "$(tail -4 "$OUT" | head -2 | tr '\n' '|')" \
		"Cleaning up alt_disk_migration on the NIM master.|Cleaning up alt_disk_migration on client $1.|" \
		"$NAME: nimadm cleans up by itself"
	check_eq "$(tail -2 "$OUT" | tr '\n' '|')" \
		"Client alt_disk_install command: alt_disk_install -M ${2:-7.3} -X|Bootlist is set to the boot disk: hdisk0 blv=hd5|" \
		"$NAME: altinst_rootvg removed, bootlist back"
}

fail "0505-205" aixapp02 0 0505-205 -- -s spot_7300_02_sp1 -l lpp_7300_02 -d hdisk1 -Y
check_out_has "spot_7300_02_sp1 (7.3.2.1) does not match the NIM master's level (7.3.2.2)." \
	"0505-205: names both levels"
check_out_lacks "Cleaning up" "0505-205: nothing to clean up before phase 1"
clean aixapp02
fail "disk with a VG" aixmir01 1 0505-126 0505-187 -- "${MIG[@]}"
auto_cleanup aixmir01
fail "disk too small" aixsmall01 1 0516-404 0516-822 0505-115 0505-187 -- "${MIG[@]}"
auto_cleanup aixsmall01
check_out_has "0505-115 An error occurred while creating logical volume alt_hd3." \
	"disk too small: the LV that did not fit"
clean aixsmall01
fail "ncargs" aixbat01 1 0403-027 0505-187 -- "${MIG[@]}"
clean aixbat01
fail "LV name" aixlog01 1 0505-115 0505-187 -- "${MIG[@]}"
check_out_has "alt_fslv_applogs01" "LV name: the LV that is too long"
clean aixlog01
fail "multibos" aixmb01 11 0505-218 0505-187 -- "${MIG[@]}" -j cachevg
auto_cleanup aixmb01
check_out_has "alt_disk_copy: 0505-218 ATTENTION: init_multibos() returned an unexpected result." \
	"multibos: the alt_disk_copy message"
clean aixmb01
fail "restore" aixfin01 9 0511-133 0511-123 0505-217 -- "${MIG[@]}" -j cachevg
auto_cleanup aixfin01
clean aixfin01
check_eq "$(cache_free)" "$free0" "restore: the cache is gone"
run nimadm -c aixfin01 "${MIG[@]}"
check_rc 0 "restore: the fault is in the cache stream only (NFS works)"
run nimadm -C -c aixfin01 -s spot_7300_02
fail "umount busy" aixhr01 10 0505-158 0505-192 -- "${MIG[@]}" -j cachevg
check_out_has "umount: error unmounting /dev/aixhr01_hd2: Device busy" "umount busy: the umount error"
check_eq "$(grep -c 'Device busy' "$OUT")" "2" "umount busy: the cleanup cannot unmount it either"
on aixhr01 lspv
check_eq "$(awk '$1 == "hdisk1" {print $3}' "$OUT")" "None" "umount busy: the client's disk is free"
run lsnim -a Cstate aixhr01
check_out_has "alt_disk_install operation is being performed" "umount busy: the client stays busy"
run lsvg -l cachevg
check_out_has "aixhr01_hd2" "umount busy: the cache stays"
run nimadm -C -c aixhr01 -s spot_7300_02
check_rc 0 "umount busy: nimadm -C: status 0"
NAME="umount busy, after -C"
clean aixhr01
check_eq "$(cache_free)" "$free0" "umount busy: -C removes the cache"
# a websm lpp_source needs a SPOT whose alt_disk_install matches the master
run nimadm -M -s spot_7200_05 -l lpp_7200_05 -d /dev/cd0
check_rc 0 "-M from the master's media"
fail "websm" aixdb01 6 0503-464 0505-160 0505-213 -- -s spot_7200_05 -l lpp_7200_05 -d hdisk1 -Y
check_out_has "sysmgt.websm.webaccess      7.2.5.0         ROOT        APPLY       FAILED" \
	"websm: the FAILED row of the installation summary"
auto_cleanup aixdb01 7.2
clean aixdb01
run nimsim reset

# ---- refused before anything starts ---------------------------------------------------------
run nimadm -c aixsec01 "${MIG[@]}"
check_rc 1 "TCB without -j: refused"
check_out_has "Trusted Computing Base (TCB) is enabled on client aixsec01" "TCB: says why"
run nimadm -c aixweb02 "${MIG[@]}"
check_rc 1 "rsh refused: status 1"
check_out_has "rcmd: connect: aixweb02: Connection refused" "rsh refused: rsh's own error"
run nimadm -c aixtst01 "${MIG[@]}"
check_out_has "is not ready for a NIM operation (Cstate: BOS installation has been enabled)" \
	"a client not ready for NIM is refused"
run nimadm -c aixnew01 "${MIG[@]}"
check_out_has "aixnew01 is already at 7300-02-02-2420" "a client at the target level is refused"
run nimadm -c aixdb01 "${MIG[@]}" -j nosuchvg
check_out_has "0516-306 lsvg: Unable to find volume group nosuchvg" "an unknown cache VG is refused"
if [ ! -s "$NIMSIM_STATE/state.ini" ] || ! grep -q altinst "$NIMSIM_STATE/state.ini"; then
	ok "refusals change no client"
else
	not_ok "refusals change no client"
fi
run nimadm -c aixsec01 "${MIG[@]}" -j cachevg
check_rc 0 "TCB with -j: migrated"
run nimsim reset

# ---- -C, -W, -S -----------------------------------------------------------------------------
run nimadm -c aixapp01 "${MIG[@]}" -B
check_rc 0 "-B: status 0"
check_out_lacks "Bootlist is set" "-B: the bootlist is not touched"
on aixapp01 bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "-B: still hdisk0"
run nimadm -W -c aixapp01 -s spot_7300_02 -d hdisk1
check_rc 0 "-W: status 0"
on aixapp01 lsvg -l altinst_rootvg
check_out_has "/alt_inst/usr" "-W: altinst_rootvg is awake"
run nimadm -S -c aixapp01 -s spot_7300_02
check_rc 0 "-S: status 0"
on aixapp01 lsvg altinst_rootvg
check_rc 1 "-S: altinst_rootvg is asleep again"
run nimadm -W -c aixapp01 -s spot_7300_02 -d hdisk0
check_rc 1 "-W on a disk outside altinst_rootvg is refused"
run nimadm -C -c aixapp01 -s spot_7300_02
check_rc 0 "-C: status 0"
check_out_has "Client alt_disk_install command: alt_disk_install -M 7.3 -X" "-C removes altinst_rootvg"
NAME="-C"
clean aixapp01
run nimadm -S -c aixapp01 -s spot_7300_02
check_rc 1 "-S without altinst_rootvg: status 1"

# ---- -M -------------------------------------------------------------------------------------
run nimadm -M -s spot_7300_02_sp1 -l lpp_7300_02 -P
check_rc 0 "-M -P: status 0"
check_out_has "End of installp PREVIEW.  No apply operation has actually occurred." "-M -P: a preview"
run nimadm -c aixapp02 -s spot_7300_02_sp1 -l lpp_7300_02 -d hdisk1 -Y -P 1
check_out_has "0505-205" "-M -P changes nothing"
run nimadm -M -s spot_7300_02_sp1 -l lpp_7300_02
check_rc 0 "-M: status 0"
run nim -o lslpp -a lslpp_flags=Lc -a filesets=bos.alt_disk_install.rte spot_7300_02_sp1
check_out_has ":bos.alt_disk_install.rte:7.3.2.2:" "-M: the SPOT has the master's level"
run nimadm -c aixapp02 -s spot_7300_02_sp1 -l lpp_7300_02 -d hdisk1 -Y -P 1
check_rc 0 "-M: the SPOT passes 0505-205 now"
run nimadm -M -s spot_7200_05 -l lpp_7200_05
check_rc 1 "-M from an lpp_source without the master's level: status 1"
run nimsim reset

# ---- mksysb modes ---------------------------------------------------------------------------
run nimadm -T mksysb_aixdb01 -O /export/nim/mksysb/aixdb01_73.mksysb -s spot_7300_02 \
	-l lpp_7300_02 -j cachevg -Y -N mksysb_aixdb01_73
check_rc 0 "mksysb to mksysb: status 0"
banners 1 2 3 4 5 6 7 8 9 10 11 12
check_out_has "Initializing log: /var/adm/ras/alt_mig/mksysb_aixdb01_alt_mig.log" \
	"mksysb to mksysb: the log is named after the mksysb"
run lsnim -l mksysb_aixdb01_73
check_rc 0 "-N: the new mksysb is a NIM resource"
check_out_has "oslevel_s     = 7300-02-02-2420" "-N: at the SPOT's level"
check_out_has "location      = /export/nim/mksysb/aixdb01_73.mksysb" "-N: where -O wrote it"
run cat /export/nim/mksysb/aixdb01_73.mksysb
check_out_has "source_image = aixdb01" "-O: the file is in the lab's file tree"
run nimadm -T mksysb_aixdb01 -O /export/nim/mksysb/again -s spot_7300_02 -l lpp_7300_02 \
	-j cachevg -Y -N mksysb_aixdb01_73
check_out_has "mksysb_aixdb01_73 already exists" "-N refuses an existing name"
run nimadm -c aixapp02 -O /export/nim/mksysb/aixapp02_73.mksysb -s spot_7300_02 \
	-l lpp_7300_02 -j cachevg -Y
check_rc 0 "client to mksysb: status 0"
on aixapp02 lspv
check_eq "$(awk '$1 == "hdisk1" {print $3}' "$OUT")" "None" "client to mksysb: the client's disks are untouched"
run nimadm -T mksysb_aixapp01 -c aixweb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 -j cachevg -Y
check_rc 0 "mksysb to client: status 0"
on aixweb01 lspv
check_eq "$(awk '$1 == "hdisk1" {print $3}' "$OUT")" "altinst_rootvg" "mksysb to client: altinst_rootvg"
run nimsim reset

# ---- -r: the client reboots onto the new disk -------------------------------------------
run nimadm -c aixapp01 "${MIG[@]}" -r
check_rc 0 "-r: status 0"
on aixapp01 oslevel -s
check_eq "$(cat "$OUT")" "7300-02-02-2420" "-r: the client runs the new level"
on aixapp01 lspv
check_eq "$(awk '{print $1 "=" $3}' "$OUT" | tr '\n' ' ')" "hdisk0=old_rootvg hdisk1=rootvg " \
	"-r: rootvg on the new disk, old_rootvg on the old one"
on aixapp01 lslpp -Lc bos.rte
check_eq "$(awk -F: 'NR > 1 {print $3}' "$OUT")" "7.3.2.2" "-r: the filesets are at the new level"
run nimsim reset

# ---- cat and the lab's files ------------------------------------------------------------------
run rsh aixdb01 "'cat' '/etc/niminfo'"
check_out_has "export NIM_MASTER_HOSTNAME=nimmast01" "/etc/niminfo names the master"
check_out_has 'export NIM_SHELL="shell"' "/etc/niminfo: rsh client"
run c_rsh aixapp01 "'cat' '/etc/niminfo'"
check_out_has 'export NIM_SHELL="nimsh"' "/etc/niminfo: nimsh client"
run cat /etc/nosuchfile
check_rc 2 "cat of a missing file: status 2"
check_err_has "cat: 0652-050 Cannot open /etc/nosuchfile." "cat of a missing file: AIX's message"
run cat ../../../../../../etc/passwd
check_rc 2 "cat cannot climb out of the lab's file tree"
mkdir -p "$NIMSIM_STATE/files/master/etc"
ln -s /etc/passwd "$NIMSIM_STATE/files/master/etc/leak"
run cat /etc/leak
check_rc 2 "cat does not follow a link out of the lab's file tree"
mkdir -p "$NIMSIM_STATE/files/aixdb01/etc"
printf 'export NIM_MASTER_HOSTNAME=othermaster\n' >"$NIMSIM_STATE/files/aixdb01/etc/niminfo"
run rsh aixdb01 "'cat' '/etc/niminfo'"
check_eq "$(cat "$OUT")" "export NIM_MASTER_HOSTNAME=othermaster" "a file in the tree replaces the made-up one"
rm -rf "$NIMSIM_STATE/files"

# ---- the nimadm_fault lab key -----------------------------------------------------------------
sed 's/^nimadm_fault = phase9-restore$/nimadm_fault = phase9-restore bogus/' \
	"$SIMDIR/labs/demo.lab" >"$T/badfault.lab"
NIMSIM_LAB=$T/badfault.lab run nimsim validate
check_rc 2 "an unknown nimadm_fault is refused"
check_err_has "nimadm cannot inject 'bogus'" "an unknown nimadm_fault is named"
{
	sed '/^\[client aixdb01\]$/a nimadm_fault = domainname' "$SIMDIR/labs/demo.lab" |
		sed '/^\[master\]$/a fileset = bos.net.nis.client 7.3.2.2'
} >"$T/nis.lab"
NIMSIM_LAB=$T/nis.lab NIMSIM_STATE=$T/nis.state run nimadm -c aixapp01 "${MIG[@]}" -P 1
check_out_lacks "domainname" "a master with bos.net.nis.client has domainname"
NIMSIM_LAB=$T/nis.lab NIMSIM_STATE=$T/nis.state run nimadm -c aixdb01 "${MIG[@]}" -P 1
check_out_has "domainname: not found" "nimadm_fault = domainname injects the message"

finish
