#!/bin/bash
# t_aixcfg.sh: the personalities issue 7 needs: what a snapshot reads (vmo/no/
# ioo/schedo, mount, lsfs, netstat, ifconfig, lssrc, crontab, ls, the made-up
# configuration files), what the checker asks (host, installp -s), what the
# preparation flows change (chdev, unmirrorvg, chpv, reducevg, bosboot, lslv,
# mksysb, nim -o define/cust, alt_disk_mksysb, installp -c, pre/post_migration,
# mount/umount, shutdown), and the exact changes a migration makes on aixdb01.
. "$(dirname "$0")/lib.sh"
export NIMSIM_TIME_SCALE=0

on() { # on HOST CMD...: run CMD as HOST
	local h=$1
	shift
	run nimsim exec "$h" "$@"
}
vg_of() { # vg_of HOST DISK: the VG lspv shows for DISK
	"$BIN/nimsim" exec "$1" lspv | awk -v d="$2" '$1 == d { print $3 }'
}

# ---- tunables ------------------------------------------------------------------------
on aixdb01 vmo -a
check_rc 0 "vmo -a"
if awk '!/^ *[A-Za-z_%0-9]+ = [^ ]+$/ { bad = 1 } END { exit bad }' "$OUT"; then
	ok "vmo -a: every line is 'name = value'"
else
	not_ok "vmo -a: every line is 'name = value'"
	_dump
fi
check_eq "$(awk '$1 == "minperm%" { print $3 }' "$OUT")" "5" "vmo -a: aixdb01's tuned minperm% (lab)"
on aixapp01 vmo -o minperm%
check_eq "$(cat "$OUT")" "minperm% = 3" "vmo -o NAME: the AIX default elsewhere"
on aixdb01 no -a
check_eq "$(awk '$1 == "tcp_sendspace" { print $3 }' "$OUT")" "524288" "no -a: tuned tcp_sendspace"
on aixdb01 ioo -a
check_eq "$(awk '$1 == "j2_maxPageReadAhead" { print $3 }' "$OUT")" "2048" "ioo -a"
on aixdb01 schedo -a
check_out_has "timeslice = 1" "schedo -a"
on aixdb01 cat /etc/tunables/nextboot
check_out_has 'minperm% = "5"' "nextboot: the tuned vmo value"
check_out_has 'tcp_sendspace = "524288"' "nextboot: the tuned no value"
check_out_lacks 'maxperm%' "nextboot: defaults are not listed"
on aixapp01 vmo -p -o maxperm%=80
check_out_has "Setting maxperm% to 80 in nextboot file" "vmo -p: nextboot"
check_out_has "Setting maxperm% to 80" "vmo -p: now"
on aixapp01 vmo -o maxperm%
check_eq "$(cat "$OUT")" "maxperm% = 80" "vmo -p: the value now"
on aixapp01 cat /etc/tunables/nextboot
check_out_has 'maxperm% = "80"' "vmo -p: written to nextboot"
on aixapp01 vmo -o maxclient%=70
on aixapp01 cat /etc/tunables/nextboot
check_out_lacks 'maxclient%' "vmo -o without -p: not in nextboot"
on aixapp01 vmo -d maxperm%
on aixapp01 vmo -o maxperm%
check_eq "$(cat "$OUT")" "maxperm% = 90" "vmo -d: back to the default"
on aixapp01 vmo -o nosuch=1
check_rc 1 "vmo: an unknown tunable fails"
check_err_has "1485-110" "vmo: unknown tunable message"
on aixapp01 vmo -o minperm%=abc
check_rc 1 "vmo: a value that is not a number fails"
on aixapp01 vmo -L
check_rc 2 "vmo -L: not simulated"

# ---- chdev ----------------------------------------------------------------------------
on aixapp01 chdev -l sys0 -a maxuproc=2048
check_rc 0 "chdev -l sys0 -a maxuproc"
check_eq "$(cat "$OUT")" "sys0 changed" "chdev: sys0 changed"
on aixapp01 lsattr -El sys0 -a maxuproc -F value
check_eq "$(cat "$OUT")" "2048" "chdev: lsattr reads it back"
on aixapp01 chdev -l sys0 -a realmem=1
check_rc 1 "chdev: a read-only attribute is refused"
check_err_has "0514-018" "chdev: 0514-018"
on aixapp01 chdev -l sys0 -a nosuch=1
check_err_has "0514-528" "chdev: unknown attribute 0514-528"
on aixapp01 chdev -l sys0 -a maxuproc=lots
check_rc 1 "chdev: a number attribute takes a number"
on aixapp01 chdev -l hdisk9 -a queue_depth=8
check_err_has "0514-519" "chdev: unknown device 0514-519"

# ---- file systems, network, services -----------------------------------------------
on aixdb01 mount
check_out_has "/dev/hd4         /                jfs2" "mount: / from hd4"
check_out_has "rw,log=/dev/hd8" "mount: the jfs2 log"
check_out_has "/proc            /proc            procfs" "mount: /proc"
on aixdb01 lsfs
check_out_has "/dev/hd2        --         /usr                   jfs2  12582912" \
	"lsfs: /usr and its size in 512-byte blocks"
on aixdb01 netstat -rn
check_out_has "default            10.20.30.1        UG" "netstat -rn: the default route"
check_out_has "10.20.30/24        10.20.30.21       U" "netstat -rn: the network route"
on aixdb01 ifconfig -a
check_out_has "inet 10.20.30.21 netmask 0xffffff00 broadcast 10.20.30.255" "ifconfig -a: en0"
check_out_has "tcp_sendspace 262144" "ifconfig -a: ISNO options"
on aixdb01 lssrc -a
check_out_has " sendmail         mail                          inoperative" \
	"lssrc -a: aixdb01's sendmail is disabled (lab)"
check_eq "$(head -1 "$OUT")" "Subsystem         Group            PID          Status " "lssrc: header"
on aixapp01 lssrc -s nimsh
check_out_has "active" "lssrc -s nimsh: active on a nimsh client"
on aixdb01 lssrc -s nimsh
check_out_has "inoperative" "lssrc -s nimsh: inoperative on an rsh client"
on aixdb01 lssrc -s nosuch
check_err_has "0513-085" "lssrc -s unknown: 0513-085"
on aixdb01 crontab -l
check_out_has "/usr/sbin/skulker" "crontab -l"

# ---- host (the checker's NFS probe asks it) ------------------------------------------
run host aixdb01
check_eq "$(cat "$OUT")" "aixdb01 is 10.20.30.21" "host NAME"
run host 10.20.30.22
check_eq "$(cat "$OUT")" "aixapp01 is 10.20.30.22" "host ADDRESS"
run host aixfoo
check_rc 1 "host: unknown name status 1"
check_eq "$(cat "$ERR")" "host: 0827-801 Host name aixfoo does not exist." "host: 0827-801"
run installp -s
check_eq "$(head -1 "$OUT")" "0503-459 installp:  No filesets were found in the Software Vital" \
	"installp -s: nothing applied says 0503-459"

# ---- configuration files and ls --------------------------------------------------------
on aixdb01 ls -ap /etc/ssh
check_eq "$(tr '\n' ' ' <"$OUT")" "./ ../ ssh_config ssh_host_ed25519_key ssh_host_ed25519_key.pub sshd_config " \
	"ls -ap /etc/ssh: the made-up files"
on aixdb01 ls -ap /etc
check_out_has "ssh/" "ls -ap /etc: a made-up directory"
check_out_has "motd" "ls -ap /etc: motd"
on aixdb01 ls -ap /nonexistent
check_rc 2 "ls: a missing directory"
check_err_has "0653-341" "ls: 0653-341"
for f in /etc/motd /etc/sendmail.cf /etc/ssh/sshd_config /etc/tunables/nextboot /etc/inittab \
	/etc/hosts /etc/resolv.conf /etc/netsvc.conf /etc/environment /etc/security/limits; do
	on aixdb01 cat "$f"
	if [ "$RC" -eq 0 ] && [ -s "$OUT" ]; then ok "cat $f"; else not_ok "cat $f"; _dump; fi
done
on aixdb01 cat /etc/hosts
check_out_has "10.20.30.21" "hosts: the client's address"
check_out_has "10.20.30.5" "hosts: the master's address"
on aixdb01 cat /etc/motd
check_out_has "aixdb01" "motd: the site's banner names the host"

# ---- LVM: where the copies lie, and freeing a mirror disk -------------------------------------
on aixmir01 lslv -m hd5
check_eq "$(sed -n 3p "$OUT" | awk '{print $3, $5}')" "hdisk0 hdisk1" "lslv -m hd5: a copy on each disk"
check_eq "$(head -1 "$OUT")" "hd5:N/A" "lslv -m: LV:MOUNT line"
on aixdb01 lslv -m hd5
check_eq "$(sed -n 3p "$OUT" | awk '{print NF}')" "3" "lslv -m: one copy on an unmirrored rootvg"
on aixdb01 lslv nosuch
check_rc 1 "lslv: unknown LV"
on aixmir01 lslv hd4
check_out_has "COPIES:             2" "lslv: COPIES"
on aixmir01 lspv -l hdisk1
check_out_has "hd5                   1       1" "lspv -l: the LVs on a disk"
on aixdb01 unmirrorvg rootvg
check_rc 1 "unmirrorvg: nothing to remove on an unmirrored rootvg"
on aixmir01 reducevg rootvg hdisk1
check_rc 1 "reducevg: a disk with partitions is refused"
check_err_has "0516-016" "reducevg: 0516-016"
on aixmir01 unmirrorvg rootvg hdisk1
check_rc 0 "unmirrorvg rootvg hdisk1"
check_err_has "0516-1144 unmirrorvg: rootvg successfully unmirrored" "unmirrorvg: 0516-1144"
check_err_has "bootlist to just include:  hdisk0." "unmirrorvg: what the boot list must be"
on aixmir01 lslv -m hd5
check_eq "$(sed -n 3p "$OUT" | awk '{print $3, NF}')" "hdisk0 3" "unmirrorvg: hd5 on hdisk0 only"
on aixmir01 bosboot -ad /dev/hdisk1
check_rc 1 "bosboot: a disk without hd5"
check_err_has "0301-168" "bosboot: 0301-168"
on aixmir01 bootlist -m normal -o
check_eq "$(tr '\n' ' ' <"$OUT")" "hdisk0 blv=hd5 pathid=0 hdisk1 blv=hd5 pathid=0 " \
	"unmirrorvg: the firmware's boot list does not follow"
on aixmir01 chpv -c hdisk1
check_rc 0 "chpv -c"
on aixmir01 reducevg rootvg hdisk1
check_rc 0 "reducevg: an empty disk goes"
check_eq "$(vg_of aixmir01 hdisk1)" "None" "reducevg: the disk is free"
on aixmir01 lsvg rootvg
check_out_has "TOTAL PVs:          1" "lsvg: one PV left"
on aixmir01 bosboot -ad /dev/hdisk0
check_out_has "bosboot: Boot image is 51228 512 byte blocks." "bosboot"
on aixmir01 bootlist -m normal hdisk0

# ---- backups, NIM, alt_disk_mksysb ------------------------------------------------------------
on aixapp02 mksysb -i -e /backup/aixapp02.mksysb
check_out_has "0512-038 mksysb: Backup Completed Successfully." "mksysb -i -e FILE"
on aixapp02 cat /backup/aixapp02.mksysb
check_out_has "source_image = aixapp02" "mksysb: the image names its source"
run nim -o define -t mksysb -a server=master -a location=/export/nim/mksysb/none.mksysb nosuch_mk
check_rc 1 "nim -o define: a location that does not exist"
check_err_has "0042-154" "nim -o define: 0042-154"
run nim -o define -t mksysb -a server=master -a location=/export/nim/mksysb/aixapp02.mksysb \
	-a source=aixapp02 -a mk_image=yes aixapp02_mk
check_rc 0 "nim -o define -t mksysb mk_image=yes"
run lsnim -l aixapp02_mk
check_out_has "source_image  = aixapp02" "the new mksysb in lsnim"
run nim -o define -t mksysb -a server=master -a location=/export/nim/mksysb/aixapp02.mksysb aixapp02_mk
check_rc 1 "nim -o define: a name in use"
run nim -o cust -a lpp_source=lpp_7300_02 -a filesets=bos.nosuch aixapp02
check_rc 1 "nim -o cust: a fileset the lpp_source lacks"
run nim -o showres lpp_7300_02
check_rc 0 "nim: other operations still reach nim.c"
run nimadm -T aixapp02_mk -O /export/nim/mksysb/aixapp02_73.mksysb -s spot_7300_02 \
	-l lpp_7300_02 -j cachevg -Y -N aixapp02_73
check_rc 0 "nimadm -T -O -N: the migrated mksysb"
on aixapp02 mount nimmast01:/export/nim/mksysb /mnt
check_rc 0 "mount NODE:/DIR /MNT"
on aixapp02 mount
check_out_has "nimmast01 /export/nim/mksysb /mnt             nfs3" "mount: the NFS mount is listed"
on aixapp02 mount nimmast01:/export/nim/mksysb /mnt
check_rc 1 "mount: the mount point is in use"
on aixapp02 mount nosuchhost:/x /mnt2
check_err_has "Unknown host" "mount: an unknown server"
on aixapp02 alt_disk_mksysb -m /mnt/aixapp02_73.mksysb -d hdisk0 -k
check_rc 1 "alt_disk_mksysb: a disk with a VG"
check_err_has "0505-126" "alt_disk_mksysb: 0505-126"
on aixapp02 alt_disk_mksysb -m /mnt/aixapp02_73.mksysb -d hdisk1 -k
check_rc 1 "alt_disk_mksysb: a 7.3 image needs alt_disk_install 7.3"
check_err_has "0505-204" "alt_disk_mksysb: 0505-204"
on aixapp02 alt_disk_mksysb -m /mnt/none.mksysb -d hdisk1 -k
check_err_has "0505-185" "alt_disk_mksysb: not an image"
run nim -o cust -a lpp_source=lpp_7300_02 \
	-a "filesets=bos.alt_disk_install.rte bos.alt_disk_install.boot_images" aixapp02
check_rc 0 "nim -o cust: alt_disk_install from the lpp_source"
check_out_has "bos.alt_disk_install.rte    7.3.2.2         USR         APPLY       SUCCESS" \
	"nim -o cust: the installation summary"
on aixapp02 alt_disk_mksysb -m /mnt/aixapp02_73.mksysb -d hdisk1 -k
check_rc 0 "alt_disk_mksysb -m FILE -d DISK -k"
check_out_has "Restoring mksysb image to alternate disk(s)." "alt_disk_mksysb: the restore"
check_out_has "Bootlist is set to the boot disk: hdisk1 blv=hd5" "alt_disk_mksysb: the boot list"
check_eq "$(vg_of aixapp02 hdisk1)" "altinst_rootvg" "alt_disk_mksysb: altinst_rootvg on the disk"
on aixapp02 lsvg altinst_rootvg
check_err_has "0516-010" "alt_disk_mksysb: altinst_rootvg is put to sleep"
on aixapp02 cat /var/adm/ras/alt_disk_inst.log
check_out_has "Restoring /image.data from mksysb image." "alt_disk_mksysb: the client's log"
on aixapp02 umount /mnt
check_rc 0 "umount"
on aixapp02 umount /mnt
check_err_has "0506-347" "umount: nothing mounted there"
on aixapp02 shutdown -Fr
check_out_has "Rebooting . . ." "shutdown -Fr"
on aixapp02 oslevel -s
check_eq "$(cat "$OUT")" "7300-02-02-2420" "reboot onto altinst_rootvg: the image's level"
check_eq "$(vg_of aixapp02 hdisk0) $(vg_of aixapp02 hdisk1)" "old_rootvg rootvg" \
	"reboot: the clone is rootvg, the old disk old_rootvg"

# ---- software --------------------------------------------------------------------------
on aixhr01 installp -c -g bos.rte.libc
check_rc 0 "installp -c NAME"
check_out_has "bos.rte.libc                7.2.5.7         USR         COMMIT      SUCCESS" \
	"installp -c: the summary"
on aixhr01 installp -s
check_out_has "0503-459" "installp -c: nothing applied any more"
on aixhr01 installp -c bos.rte.libc
check_rc 1 "installp -c: a fileset that is not applied"
on aixhr01 installp -C
check_rc 2 "installp -C: not simulated"

# ---- pre_migration, a migration, post_migration, the resets ----------------------------------
on aixdb01 /usr/lpp/bos/pre_migration
check_rc 0 "pre_migration"
PRE=$(sed -n 's/^All saved information can be found in: //p' "$OUT" | head -1)
case "$PRE" in /home/pre_migration.*) ok "pre_migration says where it saved" ;;
*) not_ok "pre_migration says where it saved ($PRE)" ;; esac
on aixdb01 cat "$PRE/software_list"
check_out_has "bos.rte:7.2.5.6" "pre_migration: the software list"
run nimadm -c aixdb01 -s spot_7300_02 -l lpp_7300_02 -d hdisk1 -Y -r
check_rc 0 "nimadm -r on aixdb01"
on aixdb01 lsattr -El sys0 -a maxuproc -a pre520tune -a ncargs -F value
check_eq "$(tr '\n' ' ' <"$OUT")" "128 enable 256 " \
	"migration resets: maxuproc to the default, pre520tune enabled, ncargs kept"
on aixdb01 vmo -o minperm%
check_eq "$(cat "$OUT")" "minperm% = 3" "migration resets: vmo minperm% to the default"
on aixdb01 no -o tcp_sendspace
check_eq "$(cat "$OUT")" "tcp_sendspace = 524288" "migration: no tcp_sendspace kept"
on aixdb01 cat /etc/tunables/nextboot
check_out_lacks "minperm%" "migration resets: minperm% gone from nextboot"
check_out_has 'AIX_level = "7.3.2.2"' "nextboot: the new level"
on aixdb01 lssrc -s sendmail
check_out_has "active" "migration resets: sendmail active again"
on aixdb01 cat /etc/motd
check_out_has "Welcome to AIX Version 7.3!" "migration resets: /etc/motd replaced"
on aixdb01 /usr/lpp/bos/post_migration
check_rc 0 "post_migration"
check_out_has "Verifying the installed software against $PRE/software_list" \
	"post_migration: compares with pre_migration's list"
check_out_has "filesets updated" "post_migration: counts the updated filesets"
check_out_has "All saved information can be found in: /home/post_migration." \
	"post_migration: says where it saved"

# ---- a reboot with no bootable disk in the boot list ------------------------------------------
on aixapp01 bootlist -m normal hdisk1
on aixapp01 shutdown -Fr
check_rc 0 "shutdown: the firmware finds no boot image"
run rsh aixapp01 oslevel
check_rc 1 "the LPAR is down: nothing answers"
run nimsim reset

# ---- lab validation of the new keys ------------------------------------------------------------
LAB=$T/bad.lab
bad_lab() { # bad_lab NAME MESSAGE CLIENT-LINES...
	local name=$1 msg=$2
	shift 2
	{
		printf '[master]\noslevel = 7300-02-02-2420\ndisk = hdisk0 size=102400 vg=rootvg\n'
		printf '[client c1]\noslevel = 7200-05-06-2320\n'
		printf 'disk = hdisk0 size=51200 vg=rootvg\ndisk = hdisk1 size=51200\n'
		printf '%s\n' "$@"
	} >"$LAB"
	NIMSIM_LAB=$LAB NIMSIM_STATE=$T/badstate run nimsim validate
	if [ "$RC" -eq 2 ] && grep -qF -- "$msg" "$ERR"; then ok "validate: $name"; else
		not_ok "validate: $name (wanted: $msg)"
		_dump
	fi
}
bad_lab "an LV with more copies than disks" "lv hd5 has 2 copies but volume group rootvg has 1 disk" \
	"lv = hd5 type=boot lps=1 copies=2"
bad_lab "pvs naming a disk outside the VG" "lv hd5: pvs names hdisk1, not a disk of rootvg" \
	"lv = hd5 type=boot lps=1 pvs=hdisk1"
bad_lab "an unknown tunable" "tunable.vmo.nosuch: not a tunable the lab knows" \
	"tunable.vmo.nosuch = 1"
bad_lab "a tunable that is not a number" "the value is a number" "tunable.vmo.minperm% = high"
bad_lab "a migration reset the lab cannot make" "'sys0.realmem': sys0 has no settable attribute" \
	"migration_reset = sys0.realmem"
bad_lab "an unknown service" "service.nosuchd: no subsystem nosuchd" "service.nosuchd = active"
finish
