#!/usr/bin/env bash
# Where a round trip's time goes, stage by stage: builds each REV (default: the committed HEAD)
# with bench/rtt-trace/rtt-trace.patch applied (marks at each stage, written at exit), runs
# `taskgrid bench -w rtt --runs 1` RUNS times per REV (alternating between the REVs), and prints
# bench/rtt-trace/analyze.py's table per REV (a column per run and their median). When tcpdump
# can capture the loopback (root), each one-way message is also split into its sender's and its
# receiver's part. Beside each run, threads.py samples the CPU of every Java thread:
# `bench/rtt-trace/threads.py report RUN_DIR/threads.jsonl RUN_DIR` tables it over the timed round.
# Usage: bench/rtt-trace/run.sh [RUNS [REV...]]   (default: 3 HEAD)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
runs=${1:-3}
shift || true
revs=("$@")
if [ ${#revs[@]} -eq 0 ]; then
  revs=(HEAD)
fi
work="$root/bench/target/rtt-trace"
rm -rf "$work"
mkdir -p "$work"
for i in "${!revs[@]}"; do
  src="$work/src-$i"
  git clone -q "$root" "$src"
  git -C "$src" checkout -q --detach "${revs[$i]}"
  # --3way: the patch's context may have moved on an older or newer commit.
  git -C "$src" apply --3way "$here/rtt-trace.patch"
  (cd "$src" && mvn -B -ntp -q -DskipTests package -pl deploy -am)
done
capture=false
if command -v tcpdump >/dev/null && [ "$(id -u)" = 0 ]; then
  capture=true
fi
for r in $(seq 1 "$runs"); do
  for i in "${!revs[@]}"; do
    out="$work/rev-$i/run-$r"
    mkdir -p "$out"
    if $capture; then
      tcpdump -i lo -n -s 128 -B 65536 -Z root -w "$out/lo.pcap" tcp 2>"$out/tcpdump.log" &
      tcpdump_pid=$!
      sleep 1
    fi
    python3 "$here/threads.py" sample "$out/threads.jsonl" &
    sampler_pid=$!
    echo "${revs[$i]} run $r: $(RTT_TRACE_DIR="$out" "$work/src-$i/deploy/bin/taskgrid" bench \
      -w rtt --runs 1 --work-dir "$out/bench" | grep 'b_rtt p50' || true)"
    kill "$sampler_pid"
    wait "$sampler_pid" || true
    if $capture; then
      kill "$tcpdump_pid"
      wait "$tcpdump_pid" || true
    fi
  done
done
for i in "${!revs[@]}"; do
  echo
  echo "## ${revs[$i]} ($(git -C "$work/src-$i" rev-parse --short HEAD))"
  echo
  python3 "$here/analyze.py" "$work/rev-$i"/run-*
done
