"""The seed's CPU job on a Taskgrid cluster: for each n in 10,000,000 .. 10,000,019, the sum of
i*i for 0 <= i < n, computed by the cluster's CPU pool (one process per core, on every worker).

    deploy/bin/taskgrid local &
    PYTHONPATH=clients/python python3 clients/python/examples/sum_squares.py
"""

import asyncio
import sys
import time

import taskgrid


async def main(address=None):
    async with taskgrid.Client(address) as client:
        start = time.perf_counter()
        numbers = [10_000_000 + x for x in range(20)]
        results = await taskgrid.gather(*await client.map("sum_squares", numbers))
        print(results)
        print(f"Calculation takes {time.perf_counter() - start} seconds")
        return results


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:2]))
