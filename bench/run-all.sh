#!/usr/bin/env bash
# Reruns every benchmark of issue 6 (JMH, taskgrid bench, and the baselines) on this machine and
# rewrites bench/RESULTS.md from the figures of this one run. Usage: bench/run-all.sh [RUNS]
# (default 3). Needs a JDK 17+, Maven, and Debian's python3 with python3-distributed
# (bench/setup-python.sh installs it). About 15 minutes on 2 cores.
set -uo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
runs="${1:-3}"
out="bench/target/results"
py=/usr/bin/python3
rm -rf "$out" && mkdir -p "$out" || exit 1
raw="$out/raw.txt"

mvn -B -ntp -q -DskipTests package -pl bench -am || exit 1
cp="bench/target/classes:bench/target/lib/*"
jvm=(-Djava.util.concurrent.ForkJoinPool.common.parallelism=4 -XX:+UseParallelGC)

{
  echo "META command bench/run-all.sh $runs"
  echo "META date $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "META commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "META machine $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
  echo "META jdk $(java -version 2>&1 | head -2 | tail -1)"
  echo "META maven $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
  echo "META python $($py -c 'import sys; print(sys.version.split()[0])')"
  echo "META dask $($py -c 'import distributed; print(distributed.__version__)' 2>/dev/null || echo missing)"
  # How idle vCPUs wake (a KVM guest's halt polling) moves the round trip's p50 by ~2.7x here.
  echo "META cpuidle $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo unknown), guest_halt_poll_ns=$(cat /sys/module/haltpoll/parameters/guest_halt_poll_ns 2>/dev/null || echo none)"
  echo "META loadavg_start $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$raw"
note() { echo "== $(date +%T) $*" >&2; }
# One failing step is reported and the others still run; the report shows what is missing.
step() { "$@" || note "FAILED (exit $?): $*"; }

note "JMH microbenchmarks"
step java "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main -rf json -rff "$out/jmh.json" >"$out/jmh.log" 2>&1

note "taskgrid bench (coordinator and worker as processes)"
deploy/bin/taskgrid bench --runs "$runs" --work-dir "$out/taskgrid" | tee -a "$raw" >&2

note "floor: in-process ThreadPoolExecutor"
java "${jvm[@]}" -cp "$cp" io.taskgrid.bench.FloorBaseline "$runs" | tee -a "$raw" >&2

note "Hazelcast IExecutorService: member JVM + client JVM, Serializable and IdentifiedDataSerializable tasks"
java "${jvm[@]}" -Dhazelcast.logging.type=none -cp "$cp" io.taskgrid.bench.HazelcastExecutorBaseline "$runs" | tee -a "$raw" >&2

note "seeds: sum-of-squares job (sequential, ProcessPoolExecutor, multiprocessing.Pool)"
for mode in sequential processpool mppool; do
  $py bench/python/seeds_cpu.py "$mode" "$runs" | tee -a "$raw" >&2
done
note "seeds: asyncio.gather of sleep(1)"
$py bench/python/seeds_asyncio.py "$runs" 10000 100000 | tee -a "$raw" >&2

note "Dask distributed LocalCluster (2 worker processes)"
$py bench/python/dask_bench.py "$runs" 10000 1000 2>"$out/dask.log" | tee -a "$raw" >&2

echo "META loadavg_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
# JMH records the JVM's absolute path; the committed copy keeps no path of this machine.
mkdir -p bench/results && cp "$raw" bench/results/raw-run.txt &&
  sed -E 's#"jvm" : "[^"]*"#"jvm" : "java"#' "$out/jmh.json" >bench/results/jmh.json
$py bench/report.py bench/results/raw-run.txt bench/results/jmh.json bench/ANALYSIS.md \
  bench/RESULTS.md >"$out/RESULTS.md" && cp "$out/RESULTS.md" bench/RESULTS.md
note "wrote bench/RESULTS.md"
