"""Dask distributed baseline: LocalCluster with 2 worker processes on loopback.

Workloads: (a) client.map + gather of N no-ops (throughput), (f) as_completed over N futures,
(b) sequential round trips (submit one, wait for it). Prints RESULT lines like taskgrid bench.
Run with Debian's python3 and python3-distributed.
"""
import sys
import tempfile
import time

from dask.distributed import Client, LocalCluster, as_completed


def noop(x):
    return x


def result(workload, metric, unit, value):
    print(f"RESULT dask {workload} {metric} {unit} {value:.6g}", flush=True)


def percentile(sorted_values, p):
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values))) - 1))
    return sorted_values[k]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rtt = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000
    # The workers' scratch space ("dask-worker-space") in a folder removed at the end.
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as scratch, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None,
                         local_directory=scratch) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(noop, range(n // 10), pure=False))  # warm-up
        for _ in range(runs):
            start = time.perf_counter()
            client.gather(client.map(noop, range(n), pure=False))
            s = time.perf_counter() - start
            result("a_noop", "throughput", "tasks/s", n / s)

            start = time.perf_counter()
            seen = 0
            for f in as_completed(client.map(noop, range(n), pure=False)):
                f.result()
                seen += 1
            s = time.perf_counter() - start
            assert seen == n
            result("f_ascompleted", "wall", "s", s)
            result("f_ascompleted", "throughput", "tasks/s", n / s)

            lat = []
            for i in range(rtt):
                t0 = time.perf_counter()
                client.submit(noop, i, pure=False).result()
                lat.append((time.perf_counter() - t0) * 1e6)
            lat.sort()
            result("b_rtt", "p50", "us", percentile(lat, 50))
            result("b_rtt", "p99", "us", percentile(lat, 99))


if __name__ == "__main__":
    main()
