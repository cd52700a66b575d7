"""The seeds' asyncio.gather of N sleep(1) coroutines. Usage: seeds_asyncio.py [runs] N...
Prints RESULT lines (workload c_sleep_<N/1000>k)."""
import asyncio
import sys
import time


async def nap():
    await asyncio.sleep(1)
    return 1


async def gather(n):
    return await asyncio.gather(*(nap() for _ in range(n)))


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sizes = [int(a) for a in sys.argv[2:]] or [10_000, 100_000]
    for _ in range(runs):
        for n in sizes:
            start = time.perf_counter()
            done = asyncio.run(gather(n))
            s = time.perf_counter() - start
            assert sum(done) == n
            label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
            print(f"RESULT python_asyncio c_sleep_{label} wall s {s:.6g}", flush=True)


if __name__ == "__main__":
    main()
