#!/bin/bash
# t_lab.sh: the lab file: validate reports malformed labs in one line with the
# line number and exit 2; replays override personalities; faults fire (and stop
# after `times`); nimsim never writes beside the lab; the demo lab has every
# kind of client the prerequisite checker must meet.
. "$(dirname "$0")/lib.sh"

# ---- environment -------------------------------------------------------------------
run nimsim validate
check_rc 0 "the demo lab validates"
check_err_empty "validate is silent on a good lab"
check_out_empty "validate prints nothing on stdout"
NIMSIM_LAB=$TESTLABS/edge.lab run nimsim validate
check_rc 0 "the test lab validates"
(
	unset NIMSIM_LAB
	run nimsim validate
	exit "$RC"
)
RC=$?
check_rc 2 "no NIMSIM_LAB: status 2"
(
	unset NIMSIM_LAB
	"$BIN/lsnim" 2>&1 >/dev/null | grep -q "NIMSIM_LAB is not set"
)
RC=$?
check_rc 0 "no NIMSIM_LAB: a personality says so"
NIMSIM_LAB=$T/nope.lab run lsnim
check_rc 2 "a missing lab file: status 2"
check_err_has "nope.lab: cannot read the lab file" "a missing lab file is named"
run nimsim bogus
check_rc 2 "nimsim with an unknown subcommand: status 2"
run nimsim exec nosuch hostname
check_rc 2 "nimsim exec with an unknown host: status 2"

# ---- malformed labs -------------------------------------------------------------------
base='[master]
oslevel = 7300-02-02-2420
disk = hdisk0 size=51200 vg=rootvg
'
client='[client aixdb01]
oslevel = 7200-05-06-2320
disk = hdisk0 size=51200 vg=rootvg
'
mkdir -p "$T/bad/replay"
# bad_lab NAME WANT_PREFIX TEXT: the lab must fail validate with one line starting so.
bad_lab() {
	local name=$1 want=$2 text=$3
	printf '%s' "$text" >"$T/bad/bad.lab"
	NIMSIM_LAB=$T/bad/bad.lab run nimsim validate
	if [ "$RC" -eq 2 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -qF -- "$want" "$ERR"; then
		ok "validate: $name"
	else
		not_ok "validate: $name" "want one line containing: $want"
		_dump
	fi
}
bad_lab "syntax error" "bad.lab:4: syntax error" "$base"'this is not ini
'
bad_lab "unknown section kind" "bad.lab:4: unknown section kind [clinet]" "$base"'[clinet aixdb01]
'
bad_lab "unknown key" "bad.lab:7: client aixdb01: unknown key 'colour'" "$base$client"'colour = blue
'
bad_lab "bad number" "bad.lab:7: client aixdb01: disk hdisk1: size 'big' is not a number" \
	"$base$client"'disk = hdisk1 size=big
'
bad_lab "disk without size" "bad.lab:7: client aixdb01: disk hdisk9 has no size" \
	"$base$client"'disk = hdisk9 pvid=00c8f1a0a2b3c4d5
'
bad_lab "undefined volume group" "bad.lab:7: client aixdb01: disk hdisk1: volume group datavg is not defined" \
	"$base$client"'disk = hdisk1 size=1024 vg=datavg
'
bad_lab "duplicate client" "bad.lab:7: client aixdb01: the NIM name aixdb01 is defined twice (first at line 4)" \
	"$base$client$client"
bad_lab "duplicate disk" "bad.lab:7: client aixdb01: disk hdisk0 is defined twice (first at line 6)" \
	"$base$client"'disk = hdisk0 size=1024
'
bad_lab "client without oslevel" "bad.lab:4: client aixdb02: no oslevel" "$base"'[client aixdb02]
disk = hdisk0 size=51200 vg=rootvg
'
bad_lab "malformed oslevel" "bad.lab:5: client aixdb02: oslevel '7.2' is not VVRR-TL-SP-YYWW" \
	"$base"'[client aixdb02]
oslevel = 7.2
'
bad_lab "unknown reach" "bad.lab:7: client aixdb01: reach must be" "$base$client"'reach = maybe
'
bad_lab "no rootvg" "bad.lab:4: client aixdb02: no disk is in rootvg" "$base"'[client aixdb02]
oslevel = 7200-05-06-2320
disk = hdisk0 size=51200
'
bad_lab "volume group too small" "bad.lab:7: client aixdb01: volume group rootvg needs" \
	"$base$client"'vg = rootvg pp_size=64
lv = fslv00 lps=5000 mount=/data
'
bad_lab "more copies than disks" "client aixdb01: volume group rootvg has 2 copies but 1 disk(s)" \
	"$base$client"'vg = rootvg copies=2
'
bad_lab "bootlist names an unknown disk" "client aixdb01: bootlist: disk hdisk7 is not defined" \
	"$base$client"'bootlist = hdisk7
'
bad_lab "unknown sys0 attribute" "bad.lab:7: client aixdb01: sys0.ncargz: sys0 has no attribute ncargz" \
	"$base$client"'sys0.ncargz = 6
'
bad_lab "latency for an unknown command" "bad.lab:7: client aixdb01: latency_ms.frob: nimsim has no command frob" \
	"$base$client"'latency_ms.frob = 10
'
bad_lab "bad time_scale" "bad.lab:2: lab: time_scale must be a number" '[lab]
time_scale = fast
'"$base"
bad_lab "invalid object name" "bad.lab:4: 'bad/name' is not a valid name" "$base"'[client bad/name]
'
bad_lab "key before any section" "bad.lab:1: key 'oslevel' before any section" 'oslevel = 7300-02-02-2420
'"$base"
bad_lab "no master" "bad.lab: no [master] section" "$client"
bad_lab "resource served by an unknown machine" "bad.lab:4: spot spot1: server nimbus is not a defined machine" \
	"$base"'[spot spot1]
oslevel = 7300-02-02-2420
server = nimbus
'
bad_lab "spot without oslevel" "bad.lab:4: spot spot1: no oslevel" "$base"'[spot spot1]
location = /export/spot1/usr
'
bad_lab "replay file missing" "bad.lab:6: replay r1: file replay/nope.out:" "$base"'[replay r1]
command = oslevel -s
stdout = replay/nope.out
'
bad_lab "replay escaping the lab directory" "no '..'" "$base"'[replay r1]
command = oslevel -s
stdout = ../../etc/passwd
'
bad_lab "replay for an unknown host" "bad.lab:4: replay r1: host aixzz is not defined" "$base"'[replay r1]
host = aixzz
command = oslevel -s
'
bad_lab "fault with a shell line" "bad.lab:5: fault f1: command: unquoted ';' needs a real shell" \
	"$base"'[fault f1]
command = oslevel; reboot
'
bad_lab "duplicate fault" "bad.lab:6: fault f1: defined twice (first at line 4)" "$base"'[fault f1]
command = oslevel
[fault f1]
command = lspv
'
bad_lab "bad fileset level" "bad.lab:7: client aixdb01: fileset bos.rte: level '7.2' is not V.R.M.F" \
	"$base$client"'fileset = bos.rte 7.2
'
bad_lab "control characters" "bad.lab:7: client aixdb01: nim.comments: control characters" \
	"$base$client"'nim.comments = bell'$'\a'' here
'
{
	printf '%s' "$base$client"
	printf 'nim.comments = x\0y\n'
} >"$T/bad/nul.lab"
NIMSIM_LAB=$T/bad/nul.lab run nimsim validate
check_rc 2 "validate: a NUL byte is refused"
check_err_has "nul.lab:7: NUL byte in the line" "validate: a NUL byte is reported with its line"
long=$(printf 'x%.0s' $(seq 1 220))
bad_lab "overlong line" "bad.lab:4: line too long" "$base"'# '"$long"'
'
bad_lab "section with two names" "bad.lab:4: section [client]: one kind and one name expected" \
	"$base"'[client a b]
'
printf '%s' "$base$client"'disk = hdisk9 pvid=00c8f1a0a2b3c4d5
' >"$T/bad/bad.lab"
NIMSIM_LAB=$T/bad/bad.lab run lsnim
check_rc 2 "a personality refuses an invalid lab with status 2"
check_err_has "bad.lab:7: client aixdb01: disk hdisk9 has no size" \
	"a personality reports the same line as validate"

# ---- replay ----------------------------------------------------------------------------
export NIMSIM_LAB=$TESTLABS/edge.lab
run nimsim exec shok oslevel -s
check_eq "$(cat "$OUT")" "7200-05-09-2514" "a replay overrides the personality's output"
run rsh shok "'oslevel' '-s'"
check_eq "$(cat "$OUT")" "7200-05-09-2514" "a replay applies to a command run through rsh"
run nimsim exec shok oslevel -r
check_eq "$(cat "$OUT")" "7200-05" "a replay matches the exact command line only"
run nimsim exec nsok oslevel -s
check_eq "$(cat "$OUT")" "7200-05-06-2320" "a replay matches its host only"
run nimsim exec shok lspv -u
check_rc 3 "a replay sets the exit status"
check_eq "$(cat "$ERR")" "0516-1390 lspv: recorded failure for the test." "a replay sets stderr"
check_out_has "352AA0B0-4C1A-0D6B-6D2B-1F6A0E5B2C10" "a replay sets stdout"
run c_rsh nsok "'df' '-g' '/'"
check_rc 0 "a replay can give a command nimsim has no personality for"
check_out_has "/dev/hd4" "a replay's output for any host (host = *)"

# ---- faults ----------------------------------------------------------------------------
run c_rsh nsok "'lppchk' '-v'"
check_rc 1 "a fault sets the exit status"
check_err_has "lppchk:  The following filesets need to be installed" "a fault prints its message"
check_err_has "the system to a consistent state:" "a fault message may have several lines"
run nimsim exec shok lppchk -v
check_rc 0 "a fault is limited to its host"
for i in 1 2; do
	run nimsim exec shok prtconf -m
	check_rc 2 "a fault with times = 2 fires on run $i"
done
check_err_has "0514-040 Error initializing a device into the kernel." "the fault's message"
run nimsim exec shok prtconf -m
check_rc 0 "a fault with times = 2 stops after two runs"
check_out_has "Memory Size:" "then the personality answers"
run nimsim exec nsok prtconf -m
check_rc 2 "a fault's count is kept per host"
run nimsim reset
run nimsim exec shok prtconf -m
check_rc 2 "nimsim reset re-arms a fault"

# ---- nimsim never writes beside the lab ------------------------------------------------
ro=$T/ro
mkdir -p "$ro" "$T/xdg"
cp "$SIMDIR/labs/demo.lab" "$ro/demo.lab"
chmod 0444 "$ro/demo.lab"
chmod 0555 "$ro"
listing() { stat -c '%n %s %Y %a' "$ro" "$ro"/* "$ro"/.[!.]* 2>/dev/null; }
before=$(listing)
(
	unset NIMSIM_STATE
	export NIMSIM_LAB=$ro/demo.lab XDG_STATE_HOME=$T/xdg
	cd "$ro" || exit 99
	"$BIN/lsnim" >/dev/null &&
		"$BIN/nimsim" exec aixdb01 bootlist -m normal hdisk1 &&
		"$BIN/rsh" aixdb01 "'bootlist' '-m' 'normal' '-o'" >"$T/ro.out" &&
		"$BIN/nimsim" validate
)
RC=$?
check_rc 0 "a lab in a read-only directory works, state changes included"
check_eq "$(cat "$T/ro.out")" "hdisk1 pathid=0" "the change is visible in a read-only lab"
check_eq "$(listing)" "$before" "nothing was written beside the lab"
state=$(find "$T/xdg/nimsim" -name state.ini 2>/dev/null)
case "$state" in
"$T"/xdg/nimsim/demo-*/state.ini) ok "the default state directory is \$XDG_STATE_HOME/nimsim/demo-HASH" ;;
*) not_ok "the default state directory is \$XDG_STATE_HOME/nimsim/demo-HASH" "found: $state" ;;
esac
chmod 0755 "$ro"

# ---- the demo lab has every kind of client ----------------------------------------------
export NIMSIM_LAB=$SIMDIR/labs/demo.lab
demo=$SIMDIR/labs/demo.lab
clients=$("$BIN/lsnim" -t standalone | awk '{print $1}')
n=$(echo "$clients" | wc -l)
if [ "$n" -ge 10 ]; then ok "the demo lab has at least ten clients ($n)"; else not_ok "at least ten clients ($n)"; fi
undocumented=$(awk '/^\[client / { if (prev !~ /^#/) print $2 } { prev = $0 }' "$demo")
check_eq "$undocumented" "" "every demo client has a comment saying what it demonstrates"
check_eq "$("$BIN/oslevel" -s)" "7300-02-02-2420" "the demo master is AIX 7.3 TL2"
free=$("$BIN/lsvg" cachevg | sed -n 's/.*FREE PPs: *[0-9]* (\([0-9]*\) megabytes).*/\1/p')
if [ "${free:-0}" -ge 102400 ]; then ok "the master's cachevg has plenty of free space"; else not_ok "cachevg free space ($free MB)"; fi
check_eq "$("$BIN/lslpp" -Lc bos.alt_disk_install.rte bos.alt_disk_install.boot_images | awk -F: 'NR > 1 {print $3}' | sort -u)" \
	"7.3.2.2" "the master's alt_disk filesets are at its level"
for l in 7200-05 7300-02; do
	v="${l:0:1}.${l:1:1}.${l:6:1}."
	got=""
	for r in $("$BIN/lsnim" -t spot | awk '{print $1}'); do
		"$BIN/lsnim" -l "$r" | grep -q "oslevel_r *= $l" && got="$got $r"
	done
	if [ -n "$got" ]; then ok "the demo lab has a SPOT for $l:$got"; else not_ok "a SPOT for $l"; fi
	got=""
	for r in $("$BIN/lsnim" -t lpp_source | awk '{print $1}'); do
		"$BIN/nim" -o showres "$r" | awk -v v="$v" '$1 == "bos.rte" && index($2, v) == 1 {f = 1} END {exit !f}' &&
			got="$got $r"
	done
	if [ -n "$got" ]; then ok "the demo lab has an lpp_source for $l:$got"; else not_ok "an lpp_source for $l"; fi
done
master_alt=$("$BIN/lslpp" -Lc bos.alt_disk_install.rte | awk -F: 'NR > 1 {print $3}')
mismatch=""
for s in $("$BIN/lsnim" -t spot | awk '{print $1}'); do
	lvl=$("$BIN/nim" -o lslpp -a lslpp_flags=Lc "$s" | awk -F: '$2 == "bos.alt_disk_install.rte" {print $3}')
	[ "$lvl" != "$master_alt" ] && [ "${lvl%.*.*}" = "${master_alt%.*.*}" ] && mismatch="$mismatch $s"
done
if [ -n "$mismatch" ]; then ok "a 7.3 SPOT's bos.alt_disk_install.rte differs from the master's ($mismatch)"; else not_ok "a SPOT with a mismatching bos.alt_disk_install.rte"; fi
websm=""
for r in $("$BIN/lsnim" -t lpp_source | awk '{print $1}'); do
	"$BIN/nim" -o showres "$r" | grep -q "sysmgt.websm.webaccess" && websm="$websm $r"
	check_eq "$("$BIN/lsnim" -a simages "$r" | awk '/simages/ {print $3}')" "yes" "lpp_source $r has simages = yes"
done
check_eq "$(echo $websm | wc -w)" "1" "exactly one lpp_source carries sysmgt.websm.webaccess"
check_eq "$("$BIN/lsnim" -l | awk '$1 == "connect" {print $3}' | sort -u | tr '\n' ' ')" "nimsh shell " \
	"the demo uses both transports"

# Every client's situation, found the way a checker would find it.
declare -A kind
clean=0
for c in $clients; do
	conn=$("$BIN/lsnim" -a connect "$c" | awk '/connect/ {print $3}')
	tool=rsh
	[ "$conn" = nimsh ] && tool=c_rsh
	cstate=$("$BIN/lsnim" -a Cstate "$c" | sed -n 's/.*Cstate = //p')
	x() { "$TIMEOUT" 20 "$BIN/$tool" "$c" "$@"; }
	lvl=$(x oslevel -s 2>/dev/null)
	if [ -z "$lvl" ]; then
		kind[unreachable]="${kind[unreachable]:-} $c"
		continue
	fi
	issues=""
	[ "$lvl" = 7300-02-02-2420 ] && issues="$issues at_target"
	x odmget -q attribute=TCB_STATE PdAt | grep -q tcb_enabled && issues="$issues tcb"
	[ "$(x lsattr -El sys0 -a ncargs -F value)" -lt 256 ] && issues="$issues ncargs"
	lvs=$(x lsvg -l rootvg | awk 'NR > 2 {print $1}')
	echo "$lvs" | awk 'length($1) > 11 {f = 1} END {exit !f}' && issues="$issues long_lv"
	echo "$lvs" | grep -qx bos_hd5 && [ "${lvl:0:2}" = 71 ] && issues="$issues multibos"
	x prtconf | grep -q "Processor Type: PowerPC_POWER7" && issues="$issues power7"
	used=$(x lsvg rootvg | sed -n 's/.*USED PPs: *[0-9]* (\([0-9]*\) megabytes).*/\1/p')
	copies=$(x lspv | awk '$3 == "rootvg"' | wc -l)
	used=$((used / copies))
	free_disks=$(x lspv | awk '$3 == "None" {print $1}')
	best=0
	for d in $free_disks; do
		s=$(x bootinfo -s "$d")
		[ "$s" -gt "$best" ] && best=$s
	done
	if [ -z "$free_disks" ]; then
		[ "$copies" -gt 1 ] && issues="$issues mirrored_no_free" || issues="$issues no_free"
	elif [ "$best" -lt $((used + 500)) ]; then
		issues="$issues small_disk"
	fi
	[ -n "$(x lppchk -v 2>&1)" ] && issues="$issues lppchk"
	x installp -s | grep -q 'APPLIED$' && issues="$issues applied"
	[ "$cstate" != "ready for a NIM operation" ] && issues="$issues cstate"
	if [ -z "$issues" ]; then
		clean=$((clean + 1))
	fi
	for i in $issues; do kind[$i]="${kind[$i]:-} $c"; done
	echo "# $c:${issues:- clean}"
done
if [ "$clean" -ge 3 ]; then ok "the demo lab has at least three clean clients ($clean)"; else not_ok "at least three clean clients ($clean)"; fi
for k in unreachable at_target tcb ncargs long_lv multibos power7 mirrored_no_free small_disk lppchk applied cstate; do
	if [ -n "${kind[$k]:-}" ]; then
		ok "the demo lab has a client showing $k:${kind[$k]}"
	else
		not_ok "the demo lab has a client showing $k"
	fi
done

finish
