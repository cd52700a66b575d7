"""The Python client against a real `taskgrid local`: the asyncio API, typed results, cancels,
reconnects, the wire ordering it relies on, and clear errors for bad input."""

import asyncio
import http.server
import json
import os
import threading
import time
import unittest

import grpc

import taskgrid
from taskgrid import tokens
from taskgrid._proto import service_pb2, task_pb2
from tests import cluster
from tests.base import AsyncTestCase
from tests.test_conformance import SUITE


async def eventually(check, what, within=30):
    """Polls an async condition (a coordinator's state) until it holds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.05)


class ClientTest(AsyncTestCase):
    @classmethod
    def setUpClass(cls):
        # The conformance suite's cluster: one JVM serves both test modules.
        cls.cluster = cluster.shared(*SUITE["cluster_args"])

    async def asyncSetUp(self):
        self.client = taskgrid.Client(self.cluster.address)
        await self.client.connect()

    async def asyncTearDown(self):
        await self.client.close()

    async def outcome_of(self, future):
        async def done():
            status = await self.client.status(future)
            return status.outcome if status and status.state == "DONE" else None

        return await eventually(done, f"{future.task_id} done")

    async def test_submit_returnsAnAwaitableFuture_withTheExactResult(self):
        future = await self.client.submit("sum_squares", 1000)
        self.assertIsInstance(future, asyncio.Future)
        self.assertEqual(await future, sum(i * i for i in range(1000)))
        self.assertEqual(future.raw_result.outcome, task_pb2.SUCCEEDED)

    async def test_map_andGather_keepTheInputOrder(self):
        naps = await self.client.map("sleep", [300, 10, 200])
        self.assertEqual(await taskgrid.gather(*naps), [300, 10, 200])

    async def test_wait_firstCompleted_returnsTheFastOne(self):
        slow, fast = await self.client.map("sleep", [3000, 10])
        done, pending = await taskgrid.wait([slow, fast], return_when=taskgrid.FIRST_COMPLETED)
        self.assertEqual(done, {fast})
        self.assertEqual(pending, {slow})
        slow.cancel()

    async def test_wait_firstException_stopsAtTheFailure(self):
        slow = await self.client.submit("sleep", 5000)
        bad = await self.client.submit("fail", "no")
        done, pending = await taskgrid.wait([slow, bad], return_when=taskgrid.FIRST_EXCEPTION)
        self.assertEqual(done, {bad})
        self.assertIsInstance(bad.exception(), taskgrid.TaskFailed)
        slow.cancel()

    async def test_wait_allCompleted(self):
        futures = await self.client.map("sleep", [10, 20, 30])
        done, pending = await taskgrid.wait(futures, return_when=taskgrid.ALL_COMPLETED)
        self.assertEqual((len(done), pending), (3, set()))

    async def test_waitFor_timeout_cancelsTheTaskOnTheCluster(self):
        nap = await self.client.submit("sleep", 60_000)
        with self.assertRaises(TimeoutError):
            await taskgrid.wait_for(nap, 0.5)
        self.assertTrue(nap.cancelled())
        self.assertEqual(await self.outcome_of(nap), "CANCELLED")

    async def test_cancel_returnsTheOutcome_andTheFutureEndsCancelled(self):
        nap = await self.client.submit("sleep", 60_000)
        await eventually(
            lambda: self._state_is(nap, "RUNNING"), "the sleep running"
        )
        self.assertEqual(await self.client.cancel(nap), taskgrid.CancelOutcome.STOPPED_WHILE_RUNNING)
        with self.assertRaises(taskgrid.TaskCancelled):
            await nap
        self.assertEqual(await self.client.cancel(nap), taskgrid.CancelOutcome.ALREADY_FINISHED)

    async def _state_is(self, future, state):
        status = await self.client.status(future)
        return status is not None and status.state == state

    async def test_completed_yieldsTheFuturesInCompletionOrder(self):
        futures = await self.client.map("sleep", [900, 50, 450])
        order = [f.result() async for f in taskgrid.completed(futures, timeout=30)]
        self.assertEqual(order, [50, 450, 900])

    async def test_asyncioAsCompleted_takesTaskFutures(self):
        futures = await self.client.map("sleep", [400, 20])
        self.assertEqual([await c for c in taskgrid.as_completed(futures)], [20, 400])

    async def test_taskGroup_waitsForEveryTask(self):
        async with self.client.task_group() as g:
            a = await g.submit("sleep", 100)
            b = await g.submit("echo", "hi")
        self.assertEqual((a.result(), b.result()), (100, "hi"))

    async def test_taskGroup_aFailureCancelsTheRest_andRaisesAnExceptionGroup(self):
        with self.assertRaises(ExceptionGroup) as caught:
            async with self.client.task_group() as g:
                nap = await g.submit("sleep", 60_000)
                await g.submit("fail", "broken")
        (error,) = caught.exception.exceptions
        self.assertIsInstance(error, taskgrid.TaskFailed)
        self.assertIn("broken", error.error_message)
        self.assertTrue(nap.cancelled())
        self.assertEqual(await self.outcome_of(nap), "CANCELLED")

    async def test_asyncioTaskGroup_worksWithTaskFutures(self):
        async with asyncio.TaskGroup() as tg:
            first = tg.create_task(self._sum(100))
            second = tg.create_task(self._sum(200))
        self.assertEqual((first.result(), second.result()), (328350, 2646700))

    async def _sum(self, n):
        return await (await self.client.submit("sum_squares", n))

    async def test_httpGet_returnsADict(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"<html>hello from the test</html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/page"
            page = await (await self.client.submit("http.get", url))
        finally:
            server.shutdown()
            server.server_close()
        self.assertIsInstance(page, dict)
        self.assertEqual(page["status"], 200)
        self.assertEqual(page["body"], "<html>hello from the test</html>")

    async def test_reconnect_manyDroppedStreams_loseNothing(self):
        futures = await self.client.map("sleep", [200 + 10 * i for i in range(20)])
        for _ in range(3):
            opened = self.client._session.streams_opened
            self.client._break_stream()
            await eventually(
                lambda: _true_async(self.client._session.streams_opened > opened), "a new stream"
            )
        self.assertEqual(await taskgrid.gather(*futures), [200 + 10 * i for i in range(20)])

    async def test_inFlightBound_makesSubmitWait_notFail(self):
        async with taskgrid.Client(self.cluster.address, max_in_flight=2) as small:
            futures = [await small.submit("sleep", 50) for _ in range(6)]
            self.assertEqual(await taskgrid.gather(*futures), [50] * 6)

    async def test_sameIdTwice_onOneClient_joinsOneTask(self):
        a = await self.client.submit("sleep", 100, id="py-join-" + os.urandom(4).hex())
        b = await self.client.submit("sleep", 100, id=a.task_id)
        self.assertEqual(await taskgrid.gather(a, b), [100, 100])
        self.assertEqual(self.client.pending_count, 0)

    async def test_close_endsPendingFutures_withClientClosed(self):
        client = taskgrid.Client(self.cluster.address)
        await client.connect()
        nap = await client.submit("sleep", 60_000)
        await eventually(lambda: self._state_is(nap, "RUNNING"), "the sleep running")
        await client.close()
        with self.assertRaises(taskgrid.ClientClosed):
            await nap
        # The task outlives the client that submitted it; another one (by id, not pending on it:
        # a unary Cancel) stops it.
        self.assertEqual(
            await self.client.cancel(nap.task_id), taskgrid.CancelOutcome.STOPPED_WHILE_RUNNING
        )

    async def test_wrongToken_failsEveryTask_unauthenticated(self):
        async with taskgrid.Client(self.cluster.address, token="not-the-token") as client:
            nap = await client.submit("sleep", 10)
            with self.assertRaises(taskgrid.TaskRejected) as caught:
                await asyncio.wait_for(nap, 30)
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")

    async def test_badInput_isAClearError(self):
        with self.assertRaisesRegex(ValueError, "expected host:port"):
            taskgrid.Client("no-port-here")
        with self.assertRaisesRegex(TypeError, "cannot encode a float"):
            await self.client.submit("sleep", 1.5)
        with self.assertRaisesRegex(TypeError, "bool"):
            await self.client.submit("sleep", True)

    async def test_wire_acksPrecedeCompletions_andNoCompletionFollowsARejection(self):
        channel = grpc.aio.insecure_channel(self.cluster.address)
        token = tokens.find([self.cluster.address])
        call = channel.stream_stream(
            "/taskgrid.v1.TaskService/Session",
            request_serializer=service_pb2.ClientMessage.SerializeToString,
            response_deserializer=service_pb2.ServerMessage.FromString,
        )(metadata=(("authorization", "Bearer " + token),))
        prefix = "py-wire-" + os.urandom(4).hex()
        good = [f"{prefix}-{i}" for i in range(5)]
        specs = [
            task_pb2.TaskSpec(id=i, type="sleep", payload=task_pb2.Payload(data=b"20", content_type="text/x-taskgrid-decimal"))
            for i in good
        ] + [task_pb2.TaskSpec(id="bad id", type="sleep")]
        await call.write(service_pb2.ClientMessage(submit=service_pb2.SubmitRequest(tasks=specs)))
        acked, completed, rejected = set(), set(), set()
        try:
            while completed != set(good):
                message = await asyncio.wait_for(call.read(), 30)
                if message.HasField("acks"):
                    for ack in message.acks.acks:
                        acked.add(ack.task_id)
                        if ack.status == service_pb2.SubmitAck.REJECTED:
                            rejected.add(ack.task_id)
                            self.assertEqual(ack.code, "INVALID_ARGUMENT")
                for result in message.completions.results:
                    self.assertIn(result.task_id, acked, "a completion before its ack")
                    self.assertNotIn(result.task_id, rejected, "a completion after a REJECTED ack")
                    completed.add(result.task_id)
        finally:
            call.cancel()
            await channel.close()
        self.assertEqual(rejected, {"bad id"})


async def _true_async(value):
    return value


class ExamplesTest(AsyncTestCase):
    """The examples of the README, run against the test cluster."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = cluster.shared(*SUITE["cluster_args"])

    async def test_sumSquaresExample_printsTheTwentyExactSums(self):
        from examples import sum_squares

        results = await sum_squares.main(self.cluster.address)
        self.assertEqual(results, [(n - 1) * n * (2 * n - 1) // 6 for n in range(10_000_000, 10_000_020)])

    async def test_crawlerExample_fetchesEveryPage(self):
        from examples import crawler

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"path": self.path}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            urls = [f"http://127.0.0.1:{server.server_address[1]}/p{i}" for i in range(30)]
            pages = await crawler.main(urls, self.cluster.address)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(sorted(json.loads(p["body"])["path"] for p in pages), sorted(f"/p{i}" for i in range(30)))
