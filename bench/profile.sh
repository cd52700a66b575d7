#!/usr/bin/env bash
# Profiles the coordinator under workload (a) with JDK Flight Recorder and prints the top frames
# of jdk.ExecutionSample (self time, and inclusive for taskgrid/hazelcast/grpc methods).
# Usage: bench/profile.sh [workload] (default noop). Samples every millisecond (bench/jfr-cpu.jfc);
# bench/jfr_callees.py then splits a method's samples among its callees.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
out="bench/target/profile"
rm -rf "$out" && mkdir -p "$out"
jfr_file="$(pwd)/$out/coordinator.jfr"
deploy/bin/taskgrid bench -w "${1:-noop}" --runs 2 --work-dir "$out" \
  --coordinator-jvm-opt=-XX:+FlightRecorder \
  --coordinator-jvm-opt=-XX:StartFlightRecording=filename=$jfr_file,settings=$(pwd)/bench/jfr-cpu.jfc,dumponexit=true
jfr print --events jdk.ExecutionSample --stack-depth 40 "$jfr_file" >"$out/samples.txt"
/usr/bin/python3 bench/jfr_top.py "$out/samples.txt"
