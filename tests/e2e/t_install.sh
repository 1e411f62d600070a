#!/bin/bash
# t_install.sh: `make install` into a DESTDIR gives a program that finds its
# simulator for --demo from its own place, and `make uninstall` removes it all.
set -u
src=${NIMADM_TUI_SRC:?} build=${NIMADM_TUI_BUILD:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

dest=$tmp/root
make -s -C "$src" BUILD="$build" DESTDIR="$dest" PREFIX=/opt/nt install >"$tmp/install.log" 2>&1
check "make install succeeds" '[ $? -eq 0 ]'
check "the program is installed" '[ -x "$dest/opt/nt/bin/nimadm-tui" ]'
check "the simulator goes to libexec" '[ -x "$dest/opt/nt/libexec/nimadm-tui/bin/nimsim" ]'
check "every simulated command is linked" \
	'[ "$(grep -vc "^#" "$src/sim/COMMANDS")" -eq "$(find "$dest/opt/nt/libexec/nimadm-tui/bin" -type l | wc -l)" ]'
check "the demo lab is installed" '[ -f "$dest/opt/nt/libexec/nimadm-tui/labs/demo.lab" ]'
check "the manual is installed" '[ -f "$dest/opt/nt/share/man/man1/nimadm-tui.1" ]'
# Run from elsewhere, with no hint: it must find ../libexec/nimadm-tui by itself.
out=$(cd / && env -u NIMADM_TUI_SIMDIR "$dest/opt/nt/bin/nimadm-tui" --demo \
	--state-dir "$tmp/state" inventory --json 2>"$tmp/err")
rc=$?
check "the installed program opens the demo lab (exit $rc: $(head -c 200 "$tmp/err"))" '[ $rc -eq 0 ]'
check "and sees its clients" 'printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d[\"clients\"]) >= 10 else 1)"'
make -s -C "$src" BUILD="$build" DESTDIR="$dest" PREFIX=/opt/nt uninstall >>"$tmp/install.log" 2>&1
check "make uninstall removes every file" '[ "$(find "$dest" -type f -o -type l | wc -l)" -eq 0 ]'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
