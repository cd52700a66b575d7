"""The seeds' CPU job, as the articles wrote it: sum(i * i for i in range(n)) for
n = 10_000_000 + x, x in 0..19, sequential, with ProcessPoolExecutor and with multiprocessing.Pool.

Usage: seeds_cpu.py sequential|processpool|mppool [runs] [base] [count]. Prints RESULT lines.
"""
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def cpu_bound(number):
    return sum(i * i for i in range(number))


def expected(n):
    return n * (n - 1) * (2 * n - 1) // 6


def run(mode, numbers):
    if mode == "sequential":
        return [cpu_bound(n) for n in numbers]
    if mode == "processpool":
        with ProcessPoolExecutor() as executor:
            return list(executor.map(cpu_bound, numbers))
    if mode == "mppool":
        with multiprocessing.Pool() as pool:
            return pool.map(cpu_bound, numbers)
    raise SystemExit(f"unknown mode {mode}")


def main():
    mode = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    base = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    numbers = [base + x for x in range(count)]
    for _ in range(runs):
        start = time.perf_counter()
        sums = run(mode, numbers)
        s = time.perf_counter() - start
        assert sums == [expected(n) for n in numbers]
        print(f"RESULT python_{mode} d_cpu wall s {s:.6g}", flush=True)


if __name__ == "__main__":
    main()
