#!/usr/bin/env python3
"""Where a round trip's time goes: joins the rtt-trace-<pid>.txt files that the processes of one
`taskgrid bench -w rtt` run wrote (bench/rtt-trace/run.sh makes them) and prints, per stage, the
median time from the stage before it, as a markdown table. With a pcap of the loopback and the
coordinator's port, each one-way message is split at the moment its first data packet went out:
the sender's part (from the call to onNext to the packet) and the receiver's (from the packet to
the receiving callback).

Usage: analyze.py RUN_DIR... [--last N] [--tail QUANTILE]   (a RUN_DIR as bench/rtt-trace/run.sh leaves it)
"""
import argparse
import bisect
import glob
import os
import re
import statistics
import subprocess
from collections import Counter

# The critical path of one round trip, in order; each row is timed from the one before it.
PATH = ["c.submit", "c.send", "k.recv", "k.stored", "k.sendAssign", "k.sentAssign",
        "w.recvAssign", "w.start", "w.addResult", "w.sendResult", "k.recvResult",
        "k.completed", "k.doneStored", "k.sendDone", "k.sentDone", "c.recvDone", "c.deliver",
        "c.joined"]

WHAT = {
    "c.send": "client: caller -> session thread, message built, onNext called",
    "k.recv": "wire: client -> coordinator (client onNext to coordinator onNext)",
    "k.stored": "coordinator: create write (issued on the event loop, acked on a store thread)",
    "k.sendAssign": "coordinator: acks emitted, pool step (queue, pump, lease), assignment onNext",
    "k.sentAssign": "coordinator: inside onNext (serialize, enqueue to Netty)",
    "w.recvAssign": "wire: coordinator -> worker (onNext returned to worker onNext)",
    "w.start": "worker: event loop -> io thread, handler starts",
    "w.addResult": "worker: the noop handler runs",
    "w.sendResult": "worker: io thread -> rpc thread, result onNext",
    "k.recvResult": "wire: worker -> coordinator",
    "k.completed": "coordinator: event loop -> pool step, result accepted, DONE write issued",
    "k.doneStored": "coordinator: DONE write (partition thread, acked on a store thread)",
    "k.sendDone": "coordinator: completion fan-out, Completions onNext",
    "k.sentDone": "coordinator: inside onNext",
    "c.recvDone": "wire: coordinator -> client, then Netty -> session thread",
    "c.deliver": "client: session thread -> callback thread",
    "c.joined": "client: callback thread completes the future, caller wakes from join()",
}


def load(trace_dir):
    marks = {}
    stages = None
    for name in glob.glob(os.path.join(trace_dir, "rtt-trace-*.txt")):
        with open(name) as f:
            for line in f:
                if line.startswith("#"):
                    stages = line[1:].split()
                    continue
                parts = line.split()
                m = marks.setdefault(parts[0], {})
                for stage, t in zip(stages, parts[1:]):
                    if int(t):
                        m[stage] = int(t)
    return marks


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def packets(pcap):
    out = subprocess.run(["tcpdump", "-r", pcap, "-tt", "-n"], capture_output=True, text=True,
                         check=True).stdout
    pk = []
    for line in out.splitlines():
        m = re.match(r"(\d+)\.(\d+) IP [\d.]+\.(\d+) > [\d.]+\.(\d+): .* length (\d+)", line)
        if m and int(m.group(5)) > 0:
            pk.append((int(m.group(1)) * 10**9 + int(m.group(2)) * 1000, m.group(3), m.group(4)))
    return pk


def stage_medians(tasks):
    out = {}
    for before, stage in zip(PATH, PATH[1:]):
        out[stage] = median([(m[stage] - m[before]) / 1000 for m in tasks])
    out["total"] = median([(m["c.joined"] - m["c.submit"]) / 1000 for m in tasks])
    return out


def tail(tasks, quantile=0.99):
    """Where the slowest round trips lose their time: for the tasks whose total is at or above the
    quantile, each stage's mean excess over that stage's median (µs), and how the slow tasks fall
    in time (a pause of some thread makes bursts of neighbours; independent delays do not)."""
    totals = sorted((m["c.joined"] - m["c.submit"]) / 1000 for m in tasks)
    cut = totals[int(len(totals) * quantile)]
    slow = [m for m in tasks if (m["c.joined"] - m["c.submit"]) / 1000 >= cut]
    meds = stage_medians(tasks)
    excess = {}
    for before, stage in zip(PATH, PATH[1:]):
        excess[stage] = statistics.mean((m[stage] - m[before]) / 1000 - meds[stage] for m in slow)
    # Bursts: slow tasks whose submit is within 5 ms of the previous slow task's.
    starts = sorted(m["c.submit"] for m in slow)
    bursts = 1 + sum(1 for a, b in zip(starts, starts[1:]) if b - a > 5_000_000)
    return cut, len(slow), bursts, excess


def wire_split(run_dir, tasks):
    """Per one-way message: (sender's part, receiver's part) medians, or None without a pcap."""
    pcap = os.path.join(run_dir, "lo.pcap")
    port_file = os.path.join(run_dir, "bench", "coordinator.port")
    if not (os.path.exists(pcap) and os.path.exists(port_file)):
        return None
    with open(port_file) as f:
        port = f.read().strip()
    pk = packets(pcap)
    times = [p[0] for p in pk]

    def first_after(t, pred):
        i = bisect.bisect_left(times, t)
        while i < len(pk):
            if pred(pk[i]):
                return pk[i]
            i += 1
        return None

    ports = Counter()
    for m in tasks[:200]:
        p = first_after(m["c.send"], lambda p: p[2] == port)
        if p:
            ports[p[1]] += 1
    client = ports.most_common(1)[0][0]
    out = {}
    for name, send, recv, pred in LEGS:
        a, b = [], []
        for m in tasks:
            p = first_after(m[send], lambda p: pred(p, port, client))
            if p and p[0] <= m[recv]:
                a.append((p[0] - m[send]) / 1000)
                b.append((m[recv] - p[0]) / 1000)
        out[name] = (median(a), median(b))
    return out


# The one-way messages: (name, sender's mark, receiver's mark, which packets carry it).
LEGS = [
    ("client -> coordinator (submit)", "c.send", "k.recv",
     lambda p, port, client: p[1] == client and p[2] == port),
    ("coordinator -> worker (assignment)", "k.sendAssign", "w.recvAssign",
     lambda p, port, client: p[1] == port and p[2] != client),
    ("worker -> coordinator (result)", "w.sendResult", "k.recvResult",
     lambda p, port, client: p[2] == port and p[1] != client),
    ("coordinator -> client (completion)", "k.sendDone", "c.recvDone",
     lambda p, port, client: p[1] == port and p[2] == client),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dirs", nargs="+",
                    help="directories holding one run's rtt-trace-*.txt (and lo.pcap)")
    ap.add_argument("--last", type=int, default=10_000,
                    help="how many of the last round trips to read (the default: the timed round of"
                         " `taskgrid bench -w rtt --runs 1`; the warm-up rounds before it are left"
                         " out)")
    ap.add_argument("--tail", type=float, default=0.99,
                    help="the quantile above which a round trip counts as slow, for the tail table")
    args = ap.parse_args()
    runs, splits, tails = [], [], []
    for d in args.run_dirs:
        tasks = [m for m in load(d).values() if all(s in m for s in PATH)]
        tasks.sort(key=lambda m: m["c.submit"])
        tasks = tasks[-args.last:]
        runs.append(stage_medians(tasks))
        tails.append(tail(tasks, args.tail))
        splits.append(wire_split(d, tasks))
    cols = " | ".join(f"run {i + 1}" for i in range(len(runs)))
    print(f"| stage (p50 µs from the one before) | {cols} | median | what happens |")
    print("|---|" + "---:|" * (len(runs) + 1) + "---|")
    for stage in PATH[1:] + ["total"]:
        vals = [r[stage] for r in runs]
        cells = " | ".join(f"{v:.1f}" for v in vals)
        print(f"| {stage} | {cells} | {median(vals):.1f} | {WHAT.get(stage, 'submit to join()')} |")
    print()
    print(f"Round trips at or above p{args.tail * 100:g} (cut-off µs; tasks; groups more than 5 ms"
          " apart), and each stage's mean excess over its median in them (µs):")
    print()
    cols = " | ".join(f"run {i + 1}" for i in range(len(tails)))
    print(f"| stage | {cols} |")
    print("|---|" + "---:|" * len(tails))
    print("| cut-off | " + " | ".join(f"{t[0]:.0f}" for t in tails) + " |")
    print("| slow tasks (groups) | " + " | ".join(f"{t[1]} ({t[2]})" for t in tails) + " |")
    for stage in PATH[1:]:
        print(f"| {stage} | " + " | ".join(f"{t[3][stage]:.0f}" for t in tails) + " |")
    if all(s is None for s in splits):
        return
    print()
    print("| one-way message (p50 µs) | onNext -> first packet | packet -> receiving callback |")
    print("|---|---:|---:|")
    for name, *_ in LEGS:
        a = [s[name][0] for s in splits if s]
        b = [s[name][1] for s in splits if s]
        print(f"| {name} | {median(a):.1f} | {median(b):.1f} |")


if __name__ == "__main__":
    main()
