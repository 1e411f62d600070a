#!/bin/bash
# bench_monitor.sh: the monitor (`nimadm-tui monitor`, a detached tmux window
# of 160x45, every job on the screen) watching BENCH_JOBS (32) migrations that
# run at the same time in the lab, each printing as fast as the simulator can
# (NIMSIM_TIME_SCALE=0, an lpp_source of BENCH_FILESETS filesets so phase 6
# prints for a while). The jobs are queued first and released together (the
# benchmark holds the only running slot while it submits them), so all of
# them print at once. They are released once the TUI has run no command of
# its own for 2 s. The monitor reads no NIM inventory (the menus do, for their
# pick lists): when it did, its few hundred simulated commands were the TUI's
# own children, in its session and scheduling group, and on 2 cores they held
# the TUI off the CPU for up to a second or two. BENCH_DURING_INVENTORY=1
# releases the jobs at once, without that wait.
#
# What it measures, over the time the jobs print (from their release until
# the last one ends):
#   - CPU: user + system time of the nimadm-tui process (from /proc) over the
#     wall time, in percent of one core. Target: under 10%.
#   - Screen lag: how far what the operator sees is behind what the job
#     under the cursor has printed. The monitor shows that job's last line
#     ("Output 0s ago: ..."). A thread records when each output.log reached
#     each size (every 5 ms); every 50 ms the screen is captured
#     (tmux capture-pane, so tmux's own delay counts, as a terminal's would);
#     the line shown is found in output.log (lines that occur more than once
#     are not used) and the capture lags by how long output.log had already
#     held a later line that is not blank (capture time - when that line was
#     first seen; 0 while the line shown is still the last). Only captures
#     taken while that job was still printing count. The figures are lower
#     bounds by up to the 5 ms sampling step. Reported: p50, p90, p99, max.
#     Target: the 99th percentile under 200 ms. The maximum is reported, not
#     judged: with the jobs at the monitor's own priority, 32 processes that
#     never wait take both cores, and the scheduler alone can hold the TUI or
#     tmux off the CPU for a few hundred ms now and then. BENCH_NICE=10 runs
#     the jobs niced, closer to a real master, whose nimadm processes mostly
#     wait on the clients, NFS and installp; BENCH_TARGET=max judges the
#     maximum instead (for a run with BENCH_NICE=10).
# The Home key is sent every second, to keep the cursor on the oldest job
# still running.
# Exits 1 when a target is missed; BENCH_VERBOSE=1 prints the samples.
set -u
SRC=${NIMADM_TUI_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${NIMADM_TUI_BUILD:-$SRC/build}
PROG=${NIMADM_TUI_PROG:-$BUILD/nimadm-tui}
SIMDIR=${NIMADM_TUI_SIMDIR:-$BUILD/sim}
JOBS=${BENCH_JOBS:-32}
FILESETS=${BENCH_FILESETS:-8000}
NICE=${BENCH_NICE:-0}
JUDGE=${BENCH_TARGET:-p99} # p99 or max
TARGET_CPU=10              # percent of one core
TARGET_LAG=200             # ms
T=$(mktemp -d "${TMPDIR:-/tmp}/bench_monitor.XXXXXX")
SOCK="$T/tmux.sock"
SD="$T/state"
LAB="$T/bench.lab"

case "$JUDGE" in p99 | max) ;; *)
	echo "FAIL: BENCH_TARGET must be p99 or max"
	exit 1
	;;
esac
for tool in tmux python3; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 0; }
done
[ -x "$PROG" ] || { echo "FAIL: $PROG not built"; exit 1; }
[ -x "$SIMDIR/bin/nimsim" ] || { echo "FAIL: no simulator in $SIMDIR"; exit 1; }
[ -r /proc/self/stat ] || { echo "SKIP: no /proc to read CPU times from"; exit 0; }

tm() { tmux -S "$SOCK" "$@"; }
SAMPLER=
cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
	tm kill-server 2>/dev/null
	# nothing may outlive the benchmark: cancel what still runs
	for d in "$SD"/jobs/*; do
		[ -d "$d" ] && "$PROG" --lab "$LAB" --state-dir "$SD" cancel "${d##*/}" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

# The demo lab with a big lpp_source and one client per job.
python3 - "$SIMDIR/labs/demo.lab" "$LAB" "$JOBS" "$FILESETS" <<'EOF'
import sys
src, dst, jobs, filesets = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
out = [open(src).read()]
out.append("\n[lpp_source lpp_bench]\nlocation = /export/nim/lpp_source/lpp_bench\n"
           "oslevel = 7300-02-02-2420\nsimages = yes\n")
for i in range(filesets):
    out.append("fileset = bench.fs%05d.rte 7.3.2.2\n" % i)
for c in range(1, jobs + 1):
    out.append("\n[client bench%02d]\nconnect = shell\nip = 10.20.%d.%d\n"
               "oslevel = 7200-05-06-2320\n"
               "disk = hdisk0 size=51200 pvid=00c8f1b0%04d0001 vg=rootvg\n"
               "disk = hdisk1 size=51200 pvid=00c8f1b0%04d0002\n" % (c, 40 + c // 200, c % 200, c, c))
open(dst, "w").write("".join(out))
EOF

export NIMSIM_TIME_SCALE=0 NIMADM_TUI_SIMDIR="$SIMDIR"
nt() { "$PROG" --lab "$LAB" --state-dir "$SD" "$@"; }
nt lab reset >/dev/null || { echo "FAIL: the bench lab does not load"; exit 1; }
mkdir -p "$SD/slots"
# one running slot, which the sampler holds until every job is queued
echo 1 >"$SD/max_jobs"

# The monitor first, on an empty journal: the jobs appear while it watches.
tm -f /dev/null new-session -d -s bench -x 160 -y 45 \
	"exec env TERM=xterm-256color HOME=$T NIMADM_TUI_SIMDIR=$SIMDIR $PROG --lab $LAB --state-dir $SD monitor"
for ((i = 0; i < 500; i++)); do
	tm capture-pane -p -t bench 2>/dev/null | grep -q 'Monitor Alternate Disk Migration Jobs' && break
	sleep 0.02
done
TUI_PID=$(tm display-message -p -t bench '#{pane_pid}')

python3 - "$SOCK" "$SD" "$TUI_PID" "$TARGET_CPU" "$TARGET_LAG" "${BENCH_VERBOSE:-0}" "$JOBS" \
	"$T" "$JUDGE" "${BENCH_DURING_INVENTORY:-0}" >"$T/result" <<'EOF' &
import fcntl, os, re, subprocess, sys, threading, time
sock, sd, pid, target_cpu, target_lag, verbose, njobs, tmp, judge, during = sys.argv[1:11]
during_inventory = during == "1"
pid, target_cpu, target_lag = int(pid), float(target_cpu), float(target_lag)
verbose, njobs = verbose == "1", int(njobs)
tick = os.sysconf("SC_CLK_TCK")
jobs_dir = os.path.join(sd, "jobs")

# Hold the only running slot: the jobs queue until every one is submitted.
gate = open(os.path.join(sd, "slots", "0.lock"), "a+")
fcntl.lockf(gate, fcntl.LOCK_EX)
open(os.path.join(tmp, "gate.held"), "w").close()

def cpu():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

def tmux(*args):
    return subprocess.run(["tmux", "-S", sock] + list(args), capture_output=True,
                          text=True).stdout

def statuses():
    out = {}
    for j in os.listdir(jobs_dir) if os.path.isdir(jobs_dir) else []:
        try:
            with open(os.path.join(jobs_dir, j, "state")) as f:
                m = re.search(r"^status=(\w+)", f.read(), re.M)
                out[j] = m.group(1) if m else "?"
        except OSError:
            out[j] = "?"
    return out

def tui_children():
    n = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    n += int(f.read().rsplit(")", 1)[1].split()[1]) == pid
            except (OSError, ValueError, IndexError):
                pass
    return n

final = ("succeeded", "failed", "cancelled", "lost")
deadline = time.monotonic() + 900
while not os.path.exists(os.path.join(tmp, "submitted")) and time.monotonic() < deadline:
    time.sleep(0.05)
# Wait until the TUI has run no command for 2 s (the monitor runs none: the
# wait guards against a change that makes it read the NIM inventory again).
inv_start, quiet_since = time.monotonic(), time.monotonic()
while not during_inventory and time.monotonic() - quiet_since < 2 and \
        time.monotonic() < deadline:
    if tui_children() > 0:
        quiet_since = time.monotonic()
    time.sleep(0.1)
inv_wait = time.monotonic() - inv_start
with open(os.path.join(sd, "max_jobs"), "w") as f:
    f.write("%d\n" % njobs)
gate.close()  # the queue opens: every supervisor looks at its slot twice a second

sizes = {}     # job -> [(t, size)] each time the size changed
captures = []  # (t, job, line)
stop = False

def watch_sizes():
    names, listed = [], 0
    while not stop:
        now = time.monotonic()
        if now - listed > 0.5:
            names, listed = os.listdir(jobs_dir), now
        for j in names:
            try:
                s = os.stat(os.path.join(jobs_dir, j, "output.log")).st_size
            except OSError:
                continue
            v = sizes.setdefault(j, [])
            if not v or v[-1][1] != s:
                v.append((now, s))
        time.sleep(0.005)

watcher = threading.Thread(target=watch_sizes, daemon=True)
watcher.start()
start_wall, start_cpu = time.monotonic(), cpu()
last_capture = last_home = last_status = 0
while time.monotonic() < deadline:
    now = time.monotonic()
    if now - last_home >= 1:
        # keep the cursor on the oldest job still running (the list's top)
        last_home = now
        tmux("send-keys", "-t", "bench", "Home")
    if now - last_capture >= 0.05:
        last_capture = now
        # the screen tmux returns is at least as new as this moment
        t = time.monotonic()
        scr = tmux("capture-pane", "-p", "-t", "bench")
        m = re.search(r"^-- \S+: (\S+) -", scr, re.M)
        o = re.search(r"^(?:Output \S+ ago|Last output): (.*)$", scr, re.M)
        if m and o:
            captures.append((t, m.group(1), o.group(1)))
    if now - last_status >= 0.5:
        last_status = now
        st = statuses()
        if len(st) >= njobs and all(s in final for s in st.values()):
            break
    time.sleep(0.01)
end_wall, end_cpu = time.monotonic(), cpu()
stop = True
watcher.join()
st = statuses()

# A screen lags by how long its job had printed more than the line shown.
lags = []
texts = {}
for t, job, line in captures:
    v = sizes.get(job, [])
    if not v or t > v[-1][0]:
        continue  # that job had stopped printing
    if job not in texts:
        try:
            with open(os.path.join(jobs_dir, job, "output.log"), "rb") as f:
                texts[job] = f.read()
        except OSError:
            continue
    data = texts[job]
    shown = line.rstrip().encode()
    if not shown:
        continue
    hits = [m.end() for m in re.finditer(rb"(?m)^" + re.escape(shown) + rb"[ \t]*$", data)]
    if len(hits) != 1:
        continue
    # the screen shows the last line that is not blank: it is behind once a
    # byte of a later line that is not blank has been written
    nxt = hits[0] + 1
    while nxt < len(data) and data[nxt:nxt + 1] in (b"\n", b"\r", b" "):
        nxt += 1
    newer = next((ts for ts, size in v if size > nxt), None)
    lag = max(0.0, (t - newer) * 1000) if newer is not None and newer < t else 0.0
    lags.append(lag)
    if verbose:
        print("  lag %6.1f ms  %s" % (lag, line[:60]))

wall = end_wall - start_wall
cpu_pct = 100 * (end_cpu - start_cpu) / wall if wall > 0 else 0
done = sum(1 for s in st.values() if s == "succeeded")
if during_inventory:
    print("released at once (BENCH_DURING_INVENTORY=1)")
else:
    print("released %.1f s after the last job was queued, once the TUI had run no "
          "command for 2 s" % inv_wait)
print("jobs: %d, %d succeeded; they printed for %.1f s, %d screens captured" %
      (len(st), done, wall, len(captures)))
print("TUI CPU: %.1f%% of one core (target < %.0f%%)" % (cpu_pct, target_cpu))
rc = 0
if cpu_pct >= target_cpu:
    rc = 1
if len(lags) >= 20:
    lags.sort()
    def pct(p):
        return lags[min(len(lags) - 1, (len(lags) * p + 99) // 100 - 1)]
    behind = [x for x in lags if x > 0]
    print("screen lag over %d samples: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms"
          " (target: %s < %.0f ms)" % (len(lags), pct(50), pct(90), pct(99), lags[-1],
                                       judge, target_lag))
    if behind:
        print("  behind in %d of %d samples, by %.0f ms (median of those)" %
              (len(behind), len(lags), behind[len(behind) // 2]))
    judged = lags[-1] if judge == "max" else pct(99)
    if judged >= target_lag:
        rc = 1
else:
    print("screen lag: too few usable samples (%d)" % len(lags))
    rc = 1
if done != len(st) or len(st) < njobs:
    print("not every job succeeded: %s" % sorted(set(st.values())))
    rc = 1
print("result: %s" % ("targets met" if rc == 0 else "TARGET MISSED"))
sys.exit(rc)
EOF
SAMPLER=$!
for ((i = 0; i < 500; i++)); do
	[ -e "$T/gate.held" ] && break
	sleep 0.02
done
[ -e "$T/gate.held" ] || { echo "FAIL: the sampler did not start"; exit 1; }

t0=$(date +%s.%N)
for ((c = 1; c <= JOBS; c++)); do
	nice -n "$NICE" "$PROG" --lab "$LAB" --state-dir "$SD" \
		run -c "$(printf 'bench%02d' $c)" -s spot_7300_02 -l lpp_bench -d hdisk1 -Y --detach \
		>/dev/null 2>&1 || echo "job $c did not start"
done
t1=$(date +%s.%N)
: >"$T/submitted"
wait $SAMPLER
rc=$?
SAMPLER=
echo "queued $JOBS jobs in $(python3 -c "print('%.1f' % ($t1 - $t0))") s (nice $NICE), then released them together"
cat "$T/result"
exit $rc
