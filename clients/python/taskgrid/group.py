"""TaskGroup: structured concurrency over cluster tasks, like asyncio.TaskGroup."""

import asyncio

from taskgrid.errors import TaskError


class TaskGroup:
    """``async with client.task_group() as g: f = await g.submit(type, value)``.

    Leaving the block waits for every task submitted through the group. The first task that fails
    cancels the others (on the cluster too) and the block raises an ExceptionGroup of the
    failures, as asyncio.TaskGroup does; an exception raised in the block itself cancels them all
    as well.
    """

    def __init__(self, client):
        self._client = client
        self._futures = []
        self._errors = []
        self._aborting = False
        self._entered = False

    async def __aenter__(self):
        self._entered = True
        return self

    async def submit(self, task_type, value=None, **options):
        if not self._entered or self._aborting:
            raise RuntimeError("TaskGroup is not active (not entered, or failing)")
        future = await self._client.submit(task_type, value, **options)
        self._futures.append(future)
        future.add_done_callback(self._on_done)
        return future

    def _on_done(self, future):
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self._errors.append(error)
            self._abort()

    def _abort(self):
        if not self._aborting:
            self._aborting = True
            for f in self._futures:
                f.cancel()  # a local cancel also cancels the task on the cluster

    async def __aexit__(self, exc_type, exc, tb):
        if exc is not None:
            self._abort()
        if self._futures:
            await asyncio.wait(self._futures)
        if exc is not None and not isinstance(exc, TaskError):
            return False  # the block's own exception propagates
        if self._errors:
            raise ExceptionGroup("unhandled errors in a TaskGroup", list(self._errors))
        return False
