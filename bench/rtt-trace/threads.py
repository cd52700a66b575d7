#!/usr/bin/env python3
"""CPU per thread of the JVMs of one `taskgrid bench -w rtt` run, over its timed round.

  threads.py sample OUT          every 0.25 s, appends each Java thread's CPU ticks (utime + stime
                                 from /proc/PID/task/TID/stat) to OUT, one JSON line per sample,
                                 until killed (bench/rtt-trace/run.sh runs it beside each run)
  threads.py report OUT RUN_DIR  the CPU each process and each thread name used between the first
                                 submit and the last join() of the run's last N round trips (the
                                 timed round; the rtt-trace-*.txt files of RUN_DIR give the times),
                                 as a share of one core and in µs per round trip; and the JIT
                                 compilers' share of a core, second by second, over the whole run
                                 (the warm-up is over when it has fallen).

Linux only (/proc). Reading ~300 threads' stat files four times a second costs ~1 % of a core.
"""
import argparse
import json
import os
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyze  # noqa: E402  (the trace's files and stages)


def sample(out_path):
    with open(out_path, "w") as out:
        while True:
            snap = {}
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read().split(b"\0")
                    if not cmd[0].endswith(b"java"):
                        continue
                    role = " ".join(c.decode() for c in cmd if c in (b"coordinator", b"worker",
                                                                        b"bench"))
                    for tid in os.listdir(f"/proc/{pid}/task"):
                        with open(f"/proc/{pid}/task/{tid}/stat") as f:
                            stat = f.read()
                        name = stat[stat.index("(") + 1:stat.rindex(")")]
                        fields = stat[stat.rindex(")") + 2:].split()
                        snap[f"{pid} {role or '?'}|{tid}|{name}"] = int(fields[11]) + int(fields[12])
                except (OSError, ValueError):
                    continue  # a process or thread that ended meanwhile
            out.write(json.dumps({"t": time.time(), "s": snap}) + "\n")
            out.flush()
            time.sleep(0.25)


def report(samples_path, run_dir, last):
    hz = os.sysconf("SC_CLK_TCK")
    tasks = [m for m in analyze.load(run_dir).values() if all(s in m for s in analyze.PATH)]
    tasks.sort(key=lambda m: m["c.submit"])
    tasks = tasks[-last:]
    t0, t1 = tasks[0]["c.submit"] / 1e9, tasks[-1]["c.joined"] / 1e9
    with open(samples_path) as f:
        samples = [json.loads(line) for line in f]
    # The samples just inside the timed round: what they span was all spent inside it.
    a = min((s for s in samples if s["t"] >= t0), key=lambda s: s["t"])
    b = max((s for s in samples if s["t"] <= t1), key=lambda s: s["t"])
    span = b["t"] - a["t"]
    per_process, per_name = defaultdict(int), defaultdict(int)
    for key, ticks in b["s"].items():
        used = ticks - a["s"].get(key, 0)
        if used > 0:
            process, _, name = key.split("|")
            per_process[process] += used
            # Thread names end in a counter (grpc-default-worker-ELG-3-2): group by the stem.
            per_name[(process, name.rstrip("0123456789-#"))] += used
    round_trip_us = (t1 - t0) / len(tasks) * 1e6
    print(f"timed round: {len(tasks)} round trips in {t1 - t0:.2f} s ({round_trip_us:.0f} µs each);"
          f" samples span {span:.2f} s of it")
    print()
    print("| process | share of a core | µs of CPU per round trip |")
    print("|---|---:|---:|")
    for process, ticks in sorted(per_process.items(), key=lambda x: -x[1]):
        share = ticks / hz / span
        print(f"| {process} | {share * 100:.1f} % | {share * round_trip_us:.0f} |")
    print()
    print("| process | threads | share of a core | µs of CPU per round trip |")
    print("|---|---|---:|---:|")
    for (process, name), ticks in sorted(per_name.items(), key=lambda x: -x[1]):
        share = ticks / hz / span
        if share >= 0.005:
            print(f"| {process} | {name} | {share * 100:.1f} % | {share * round_trip_us:.0f} |")
    print()
    print("JIT compilers (C1, C2) of all the JVMs, share of a core per second of the run"
          " (| marks the timed round):")
    line, prev = [], None
    for s in samples[::4]:
        if prev is not None:
            ticks = sum(v - prev["s"].get(k, 0) for k, v in s["s"].items()
                        if "Compiler" in k.split("|")[2])
            mark = "|" if prev["t"] < t0 <= s["t"] or prev["t"] < t1 <= s["t"] else ""
            line.append(f"{mark}{ticks / hz / (s['t'] - prev['t']) * 100:.0f}")
        prev = s
    print(" ".join(line))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("out")
    r = sub.add_parser("report")
    r.add_argument("samples")
    r.add_argument("run_dir")
    r.add_argument("--last", type=int, default=10_000)
    args = ap.parse_args()
    if args.cmd == "sample":
        sample(args.out)
    else:
        report(args.samples, args.run_dir, args.last)


if __name__ == "__main__":
    main()
