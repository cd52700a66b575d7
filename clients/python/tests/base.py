"""One event loop for every test of the run.

grpc.aio (1.51) binds its completion-queue poller to an event loop; IsolatedAsyncioTestCase makes
a new loop per test, and grpc's callbacks for a loop already closed then log "Event loop is closed"
tracebacks. The tests therefore share one asyncio.Runner (closed when the run ends); each test
still closes the clients it opened.
"""

import asyncio
import atexit
import unittest

_runner = None


def _shared_runner():
    global _runner
    if _runner is None:
        _runner = asyncio.Runner(debug=True)
        atexit.register(_runner.close)
    return _runner


class AsyncTestCase(unittest.IsolatedAsyncioTestCase):
    # These two hooks are IsolatedAsyncioTestCase's own (3.11+); the rest of it is unchanged.
    def _setupAsyncioRunner(self):
        self._asyncioRunner = _shared_runner()

    def _tearDownAsyncioRunner(self):
        pass  # the runner outlives the test; atexit closes it
