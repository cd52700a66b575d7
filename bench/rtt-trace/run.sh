#!/usr/bin/env bash
# Where a round trip's time goes, stage by stage: builds the committed HEAD with
# bench/rtt-trace/rtt-trace.patch applied (marks at each stage, written at exit), runs
# `taskgrid bench -w rtt --runs 1` RUNS times, and prints bench/rtt-trace/analyze.py's table (a
# column per run and their median). When tcpdump can capture the loopback (root), each one-way
# message is also split into its sender's and its receiver's part.
# Usage: bench/rtt-trace/run.sh [RUNS]   (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-3}
work="$root/bench/target/rtt-trace"
src="$work/src"
rm -rf "$work"
mkdir -p "$work"
git clone -q "$root" "$src"
git -C "$src" apply "$here/rtt-trace.patch"
(cd "$src" && mvn -B -ntp -q -DskipTests package -pl deploy -am)
capture=false
if command -v tcpdump >/dev/null && [ "$(id -u)" = 0 ]; then
  capture=true
fi
for i in $(seq 1 "$runs"); do
  out="$work/run-$i"
  mkdir -p "$out"
  if $capture; then
    tcpdump -i lo -n -s 128 -B 65536 -Z root -w "$out/lo.pcap" tcp 2>"$out/tcpdump.log" &
    tcpdump_pid=$!
    sleep 1
  fi
  RTT_TRACE_DIR="$out" "$src/deploy/bin/taskgrid" bench -w rtt --runs 1 \
    --work-dir "$out/bench" | grep 'b_rtt p50' || true
  if $capture; then
    kill "$tcpdump_pid"
    wait "$tcpdump_pid" || true
  fi
done
python3 "$here/analyze.py" "$work"/run-*
