"""Taskgrid for asyncio: submit tasks to a Taskgrid cluster and await their results.

    import asyncio, taskgrid

    async def main():
        async with taskgrid.Client() as client:       # taskgrid local on 127.0.0.1:7070
            sums = await client.map("sum_squares", [10_000_000 + x for x in range(20)])
            print(await taskgrid.gather(*sums))

    asyncio.run(main())

Futures are asyncio futures, so gather, wait, wait_for, as_completed and asyncio.TaskGroup take
them unchanged; they are re-exported here for convenience.
"""

from asyncio import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    as_completed,
    gather,
    wait,
    wait_for,
)

from taskgrid.client import CancelOutcome, Client, TaskFuture, TaskStatus, completed
from taskgrid.errors import (
    ClientClosed,
    TaskCancelled,
    TaskError,
    TaskFailed,
    TaskRejected,
    TaskTimedOut,
)
from taskgrid.group import TaskGroup

__all__ = [
    "ALL_COMPLETED",
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "CancelOutcome",
    "Client",
    "ClientClosed",
    "TaskCancelled",
    "TaskError",
    "TaskFailed",
    "TaskFuture",
    "TaskGroup",
    "TaskRejected",
    "TaskTimedOut",
    "TaskStatus",
    "as_completed",
    "completed",
    "gather",
    "wait",
    "wait_for",
]
