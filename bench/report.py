"""Turns one run's RESULT lines (and JMH's JSON) into bench/RESULTS.md.

Usage: report.py RAW_RESULTS JMH_JSON [ANALYSIS_MD [PREVIOUS_RESULTS_MD]]. Every ratio is computed
from medians of the same run. Everything in PREVIOUS_RESULTS_MD from the KEEP_MARKER line on (the
sections measured by other commands: fleet, soak, before/after tables) is kept as it is. Written for Debian's python3; standard library only.
"""
import json
import os
import statistics
import sys
from collections import OrderedDict, defaultdict

KEEP_MARKER = "<!-- Sections below are measured by their own commands; bench/report.py keeps them. -->"

WORKLOADS = OrderedDict([
    ("a_noop", "(a) 100,000 noop tasks submitted at once: throughput"),
    ("a_noop_2coord", "(a) the same with 2 coordinators in one cluster (client and worker on the first; remote owners and backups): throughput"),
    ("b_rtt", "(b) 10,000 sequential round trips (Dask: 1,000): latency"),
    ("c_sleep_10k", "(c) 10,000 sleep(1 s) in flight on one worker: wall time"),
    ("c_sleep_100k", "(c) 100,000 sleep(1 s) in flight on one worker: wall time"),
    ("d_cpu", "(d) the seeds' CPU job, sum_squares(10,000,000 + x) for x in 0..19, on 2 cores"),
    ("d_sized", "(d) the sized CPU job, sum_squares(250,000,000 + x) for x in 0..19 (~93 ms each), on 2 cores"),
    ("e_heap", "(e) heap per queued task: 100,000 noop tasks queued with no worker, then drained"),
    ("e_job", "(e) a 1,000,000-task job at the coordinator's default heap (one run)"),
    ("f_ascompleted", "(f) asCompleted over 100,000 futures (Dask: as_completed over 10,000)"),
])
SYSTEMS = {
    "taskgrid": "Taskgrid (coordinator + worker processes, client in a third JVM)",
    "floor": "floor: in-process ThreadPoolExecutor / ScheduledExecutor",
    "hazelcast_ids": "Hazelcast 5.6 IExecutorService, IdentifiedDataSerializable tasks (member JVM + client JVM)",
    "hazelcast": "Hazelcast 5.6 IExecutorService, Serializable tasks (member JVM + client JVM)",
    "dask": "Dask distributed LocalCluster, 2 worker processes",
    "python_sequential": "seeds: sequential Python",
    "python_processpool": "seeds: ProcessPoolExecutor",
    "python_mppool": "seeds: multiprocessing.Pool",
    "python_asyncio": "seeds: asyncio.gather",
}
HIGHER_IS_BETTER = {"throughput", "efficiency", "speed_up"}
# The forms of one baseline: a ratio against that baseline uses its strongest form in the run.
FORMS = {"hazelcast": ("hazelcast_ids", "hazelcast")}


def strongest(figures, workload, baseline, metric):
    """(system, median) of the baseline's best form for this metric in this run, or (None, None)."""
    best = (None, None)
    for system in FORMS.get(baseline, (baseline,)):
        v = median(figures, workload, system, metric)
        if v is None:
            continue
        if best[1] is None or (v > best[1] if metric in HIGHER_IS_BETTER else v < best[1]):
            best = (system, v)
    return best
# Which Taskgrid metric is compared with a baseline's metric of another name.
COMPARE = {("d_cpu", "wall"): "taskgrid_2_children", ("c_sleep_10k", "wall"): "wall",
           ("c_sleep_100k", "wall"): "wall"}


def fmt(v):
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def load(raw_path):
    meta, figures = OrderedDict(), defaultdict(list)
    with open(raw_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "META":
                meta[parts[1]] = " ".join(parts[2:])
            elif parts[0] == "RESULT" and len(parts) == 6:
                _, system, workload, metric, unit, value = parts
                figures[(workload, system, metric, unit)].append(float(value))
    return meta, figures


def median(figures, workload, system, metric):
    for (w, s, m, _), values in figures.items():
        if (w, s, m) == (workload, system, metric):
            return statistics.median(values)
    return None


def workload_table(figures, workload):
    rows = [(s, m, u, v) for (w, s, m, u), v in figures.items() if w == workload]
    if not rows:
        return ["_not measured in this run_", ""]
    lines = ["| system | metric | unit | runs | min | median | max | Taskgrid ÷ this (median) |",
             "|---|---|---|---|---|---|---|---|"]
    order = list(SYSTEMS)
    rows.sort(key=lambda r: (order.index(r[0]) if r[0] in order else 99, r[1]))
    for system, metric, unit, values in rows:
        ratio = ""
        if system != "taskgrid":
            ours = median(figures, workload, "taskgrid", COMPARE.get((workload, metric), metric))
            theirs = statistics.median(values)
            if ours is not None and theirs:
                better = "higher is better" if metric in HIGHER_IS_BETTER else "lower is better"
                ratio = f"{ours / theirs:.3g}× ({better})"
                for baseline, forms in FORMS.items():
                    if system in forms and strongest(figures, workload, baseline, metric)[0] == system:
                        ratio += ", its strongest form"
        lines.append(f"| {SYSTEMS.get(system, system)} | {metric} | {unit} | {len(values)} | "
                     f"{fmt(min(values))} | {fmt(statistics.median(values))} | "
                     f"{fmt(max(values))} | {ratio} |")
    lines.append("")
    return lines


def targets(figures):
    def m(w, s, metric):
        return median(figures, w, s, metric)

    rows = []

    def row(name, value, ok, shown):
        state = "not measured" if value is None else ("**met**" if ok else "**not met**")
        rows.append(f"| {name} | {shown if value is not None else '–'} | {state} |")

    tput = m("a_noop", "taskgrid", "throughput")
    row("(a) ≥100,000 tasks/s end to end", tput, tput is not None and tput >= 100_000,
        f"{fmt(tput or 0)} tasks/s")
    dask = m("a_noop", "dask", "throughput")
    r = tput / dask if tput and dask else None
    row("(a) ≥30× Dask", r, r is not None and r >= 30, f"{r:.3g}×" if r else "")
    hz_form, hz = strongest(figures, "a_noop", "hazelcast", "throughput")
    r = tput / hz if tput and hz else None
    row("(a) ≥2× Hazelcast's executor (its strongest form)", r, r is not None and r >= 2,
        f"{r:.3g}× (against {SYSTEMS[hz_form].split(', ')[1].split(' (')[0]})" if r else "")
    p50 = m("b_rtt", "taskgrid", "p50")
    row("(b) p50 ≤300 µs", p50, p50 is not None and p50 <= 300, f"{fmt(p50 or 0)} µs")
    p99 = m("b_rtt", "taskgrid", "p99")
    row("(b) p99 ≤2 ms", p99, p99 is not None and p99 <= 2000, f"{fmt(p99 or 0)} µs")
    s10 = m("c_sleep_10k", "taskgrid", "wall")
    row("(c) 10k sleeps ≤1.3 s", s10, s10 is not None and s10 <= 1.3, f"{fmt(s10 or 0)} s")
    e100 = [v for (w, s, mm, _), vs in figures.items() if (w, s, mm) == ("c_sleep_100k", "taskgrid", "errors") for v in vs]
    row("(c) 100k in flight without error", e100 or None, bool(e100) and max(e100) == 0,
        f"{int(max(e100))} errors in {len(e100)} runs" if e100 else "")
    eff = m("d_cpu", "taskgrid", "efficiency")
    row("(d) ≥90% parallel efficiency", eff, eff is not None and eff >= 90, f"{fmt(eff or 0)} %")
    sized = m("d_sized", "taskgrid", "efficiency")
    row("(d) ≥90% parallel efficiency, sized job (issue 15)", sized,
        sized is not None and sized >= 90, f"{fmt(sized or 0)} %")
    done = m("e_job", "taskgrid", "tasks_completed")
    row("(e) 1,000,000-task job completes at the default heap", done,
        done is not None and done >= 1_000_000, f"{fmt(done or 0)} tasks done")
    heap = m("e_heap", "taskgrid", "heap_per_queued_task")
    row("(e) ≤1 KB per queued task", heap, heap is not None and heap <= 1024, f"{fmt(heap or 0)} bytes")
    return ["| target (issue 6, 2-core machine; every ratio is against the baseline's strongest form in "
            "this run: Hazelcast's executor with IdentifiedDataSerializable or Serializable tasks, "
            "whichever was faster) | Taskgrid, median | |", "|---|---|---|"] + rows + [""]


def jmh_table(path):
    if not os.path.exists(path):
        return ["_JMH did not run_", ""]
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    lines = ["| benchmark | params | mode | score | ± error | unit |", "|---|---|---|---|---|---|"]
    for b in data:
        name = b["benchmark"].replace("io.taskgrid.", "")
        params = ", ".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        pm = b["primaryMetric"]
        lines.append(f"| {name} | {params} | {b['mode']} | {fmt(pm['score'])} | "
                     f"{fmt(pm['scoreError'])} | {pm['scoreUnit']} |")
    lines.append("")
    return lines


def main():
    meta, figures = load(sys.argv[1])
    out = ["# Taskgrid benchmarks (issue 6)", "",
           "Generated by `bench/report.py` from one run of the command below; every ratio compares "
           "medians measured in that same run. Regenerate everything with:", "",
           "```", meta.get("command", "bench/run-all.sh"), "```", "",
           "| | |", "|---|---|"]
    for key in ("date", "commit", "machine", "jdk", "maven", "python", "dask",
                "cpuidle", "loadavg_start", "loadavg_end"):
        if key == "cpuidle" and key not in meta:
            continue  # runs from before run-all.sh recorded it
        out.append(f"| {key} | {meta.get(key, '?')} |")
    out += ["| Hazelcast / gRPC | 5.6.0 / 1.76.0 |", ""]
    load_start = float((meta.get("loadavg_start") or "0").split()[0])
    if load_start > 2.5:
        out += [f"**The machine was not idle when this run started** (1-minute load average "
                f"{meta.get('loadavg_start')} at the start, {meta.get('loadavg_end')} at the end, "
                f"on 2 cores; the average decays over minutes, so it also counts work that ended "
                f"shortly before the run): absolute figures may be pessimistic; the ratios compare "
                f"systems measured one after another on the same machine.", ""]
    out += ["## Targets", ""] + targets(figures)
    for workload, title in WORKLOADS.items():
        out += [f"## {title}", ""] + workload_table(figures, workload)
    out += ["## JMH microbenchmarks (hot paths, in-JVM)", "",
            "`java -cp bench/target/classes:bench/target/lib/* org.openjdk.jmh.Main` "
            "(1 fork, 3 warm-up + 5 measured iterations).", ""] + jmh_table(sys.argv[2])
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        with open(sys.argv[3], encoding="utf-8") as f:
            out += [f.read().rstrip(), ""]
    if len(sys.argv) > 4 and os.path.exists(sys.argv[4]):
        with open(sys.argv[4], encoding="utf-8") as f:
            previous = f.read()
        at = previous.find(KEEP_MARKER)
        if at >= 0:
            out += [previous[at:].rstrip(), ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
