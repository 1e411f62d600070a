#!/bin/bash
# t_remote.sh: rsh and c_rsh to every kind of client (shell, nimsh, refused,
# down, hung, slow, denied), the transport mismatch, exit status semantics, the
# word splitter's quoting, and hostile command lines that must run nothing.
. "$(dirname "$0")/lib.sh"

export NIMSIM_LAB=$TESTLABS/edge.lab

# ---- reachable clients -------------------------------------------------------------
run rsh shok "'hostname'"
check_rc 0 "rsh to a shell client"
check_eq "$(cat "$OUT")" "shok.lab.example" "rsh runs the command as the client"
run c_rsh nsok "'oslevel' '-r'"
check_rc 0 "c_rsh to a nimsh client"
check_eq "$(cat "$OUT")" "7200-05" "c_rsh runs the command as the client"
run rsh shok oslevel -r
check_eq "$(cat "$OUT")" "7200-05" "rsh joins its arguments into one command line"
run rsh 10.1.1.101 hostname
check_eq "$(cat "$OUT")" "shok.lab.example" "rsh resolves a client by IP address"
run rsh shok.lab.example -n -l root hostname
check_eq "$(cat "$OUT")" "shok.lab.example" "rsh resolves a hostname and takes -n -l"
run rsh nimedge "'lsnim' '-t' 'standalone'"
check_rc 0 "rsh to the master itself"
check_out_has "shok" "rsh to the master runs NIM commands there"

# ---- exit status: rsh has no channel for it, c_rsh carries it ------------------------
run rsh shok "'lslpp' '-l' 'bos.nosuch'"
check_rc 0 "rsh exits 0 when the remote command ran, even if it failed"
check_err_has "lslpp: 0504-132  Fileset bos.nosuch not installed." "rsh passes stderr through"
run rsh shok "'lslpp' '-l' 'bos.nosuch'; echo rc=\$?"
check_eq "$(tail -1 "$OUT")" "rc=1" "rsh: the '; echo rc=\$?' idiom reports the remote status"
run rsh shok "'oslevel' '-s' ; echo RC:\$?"
check_eq "$(tail -1 "$OUT")" "RC:0" "rsh: the idiom after a successful command"
run c_rsh nsok "'lslpp' '-l' 'bos.nosuch'"
check_rc 1 "c_rsh exits with the remote command's status"
run c_rsh nsok "'nosuchcmd'"
check_rc 127 "c_rsh: a missing command is status 127"
check_err_has "ksh: nosuchcmd:  not found." "the client's ksh reports a missing command"

# ---- the transport matters --------------------------------------------------------
run rsh nsok hostname
check_rc 1 "rsh to a nimsh client fails (no rshd)"
check_eq "$(cat "$ERR")" "rcmd: connect: nsok: Connection refused" "rsh to nimsh: refused"
check_out_empty "rsh to nimsh: nothing ran"
run c_rsh shok hostname
check_rc 1 "c_rsh to a shell client fails (no nimsh)"
check_err_has "Connection refused" "c_rsh to shell: refused"

# ---- clients that do not answer ------------------------------------------------------
run rsh refused hostname
check_rc 1 "rsh to a refusing client: status 1"
check_eq "$(cat "$ERR")" "rcmd: connect: refused: Connection refused" "rsh: refused wording"
run rsh denied hostname
check_rc 1 "rsh to a client that does not trust us: status 1"
check_eq "$(cat "$ERR")" "rshd: 0826-813 Permission is denied." "rsh: 0826-813"
run "$TIMEOUT" 10 "$BIN/rsh" down hostname
check_rc 1 "rsh to a down client times out by itself"
check_eq "$(cat "$ERR")" "rcmd: connect: down: Connection timed out" "rsh: timed out wording"
run "$TIMEOUT" 10 "$BIN/c_rsh" downscaled hostname
check_rc 1 "c_rsh to a down client (connect timeout scaled by time_scale)"
check_err_has "Connection timed out" "c_rsh: timed out wording"
run rsh nosuchhost hostname
check_rc 1 "rsh to an unknown host: status 1"
check_err_has "nosuchhost: Unknown host" "rsh: unknown host"

run "$TIMEOUT" -k 5 2 "$BIN/rsh" hung hostname
check_rc 124 "rsh to a hung client never answers; SIGTERM from timeout ends it"
check_out_empty "rsh to a hung client prints nothing"
run "$TIMEOUT" -k 5 2 "$BIN/c_rsh" hung hostname
check_rc 1 "c_rsh to a hung shell client is refused before it could hang"
(
	trap '' TERM
	timeout -k 5 2 "$BIN/rsh" hung hostname >/dev/null 2>&1
	exit $?
)
RC=$?
check_rc 124 "a hung rsh dies on SIGTERM even when its parent ignored SIGTERM"

start=$(date +%s%N)
run rsh slow "'hostname'"
end=$(date +%s%N)
check_rc 0 "rsh to a slow client answers"
check_eq "$(cat "$OUT")" "slow" "rsh to a slow client gives the output"
if [ $(((end - start) / 1000000)) -ge 250 ]; then
	ok "a slow client takes at least its slow_ms"
else
	not_ok "a slow client takes at least its slow_ms ($(((end - start) / 1000000)) ms)"
fi
start=$(date +%s%N)
run nimsim exec lat oslevel -s
end=$(date +%s%N)
if [ $(((end - start) / 1000000)) -ge 450 ]; then
	ok "latency_ms and latency_ms.CMD delay a command"
else
	not_ok "latency_ms and latency_ms.CMD delay a command ($(((end - start) / 1000000)) ms)"
fi

# ---- quoting ------------------------------------------------------------------------
run c_rsh nsok "'lslpp' '-l' 'bos'\\''x'"
check_err_has "Fileset bos'x not installed." "'\\'' inside single quotes is a quote"
run c_rsh nsok 'lslpp -l "bos.rte" bos\.mp64'
check_rc 0 "double quotes and backslash quote words"
check_out_has "bos.mp64" "backslash-quoted word reaches the command"
run c_rsh nsok "LANG=C oslevel -s"
check_eq "$(cat "$OUT")" "7200-05-06-2320" "a leading NAME=value assignment is accepted"
run c_rsh nsok "'lsattr' '-El' 'sys0' '-a' 'ncargs' '-F' 'attribute value'"
check_eq "$(cat "$OUT")" "ncargs 256" "a quoted argument with a blank stays one word"
run c_rsh nsok "'/usr/bin/oslevel' '-r'"
check_eq "$(cat "$OUT")" "7200-05" "a command given by its AIX path runs"

# ---- hostile command lines: refused, nothing runs --------------------------------------
hostile=(
	"bootlist -m normal hdisk1; oslevel"
	"oslevel | tee /tmp/x"
	"oslevel && bootlist -m normal hdisk1"
	"oslevel & bootlist -m normal hdisk1"
	"echo \$(bootlist -m normal hdisk1)"
	"echo \`bootlist -m normal hdisk1\`"
	"oslevel > /etc/passwd"
	"oslevel < /etc/passwd"
	"lslpp -l bos.*"
	"lslpp -l \"\$HOME\""
	"( bootlist -m normal hdisk1 )"
	"{ bootlist -m normal hdisk1; }"
	"oslevel
bootlist -m normal hdisk1"
	"oslevel 'unterminated"
	"oslevel \"unterminated"
	"~/bin/x"
	"# comment"
)
i=0
for line in "${hostile[@]}"; do
	i=$((i + 1))
	run rsh shok "$line"
	if [ "$RC" -eq 2 ] && grep -q "nimsim refuses" "$ERR" && [ ! -s "$OUT" ]; then
		ok "hostile rsh line $i refused with status 2, nothing printed"
	else
		not_ok "hostile rsh line $i refused with status 2, nothing printed" "line: $line"
		_dump
	fi
	run c_rsh nsok "$line"
	if [ "$RC" -eq 2 ] && [ ! -s "$OUT" ]; then
		ok "hostile c_rsh line $i refused"
	else
		not_ok "hostile c_rsh line $i refused" "line: $line"
		_dump
	fi
done
run nimsim exec shok bootlist -m normal -o
check_eq "$(cat "$OUT")" "hdisk0 blv=hd5 pathid=0" "no hostile line changed the bootlist"
if [ ! -e "$NIMSIM_STATE/state.ini" ]; then
	ok "no hostile line wrote any state"
else
	not_ok "no hostile line wrote any state"
fi
run rsh shok "oslevel" "-s;" "reboot"
check_rc 2 "metacharacters split across rsh arguments are refused too"

# ---- nesting and NIMSIM_HOST ------------------------------------------------------------
run rsh shok "'rsh' 'nimedge' 'hostname'"
check_eq "$(cat "$OUT")" "nimedge" "rsh from a client back to the master"
run rsh shok "'rsh' 'nsok' 'hostname'"
check_err_has "rcmd: connect: nsok: Connection refused" "nested rsh obeys the transport"
NIMSIM_HOST=nsok run hostname
check_eq "$(cat "$OUT")" "nsok" "NIMSIM_HOST runs a personality as that host"
NIMSIM_HOST=nosuch run hostname
check_rc 2 "NIMSIM_HOST naming no host: status 2"
run rsh shok
check_rc 1 "rsh without a command (a login) is not simulated"
run rsh
check_rc 1 "rsh without a host: usage"
check_err_has "Usage: rsh RemoteHost" "rsh usage wording"

finish
