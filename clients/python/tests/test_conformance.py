"""The Python driver of the conformance suite: runs every scenario of conformance/scenarios.json
against a real `taskgrid local` (the Java SDK runs the same file in e2e's ConformanceIT)."""

import asyncio
import json
import os
import time
import unittest
import uuid

import taskgrid
from taskgrid import tokens
from tests import cluster
from tests.base import AsyncTestCase
from tests.relay import Relay

SCENARIOS = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "conformance", "scenarios.json"
)
with open(SCENARIOS, encoding="utf-8") as f:
    SUITE = json.load(f)

_PY_TYPES = {"int": int, "text": str, "bytes": bytes}


def value_of(v):
    """A scenario value ({"int": "12"}, {"text": ...}, {"bytes_hex": ...}, {"bytes_size": n})."""
    if "int" in v:
        return int(v["int"])
    if "text" in v:
        return v["text"]
    if "bytes_hex" in v:
        return bytes.fromhex(v["bytes_hex"])
    if "bytes_size" in v:
        n = v["bytes_size"]
        return (bytes(range(251)) * (n // 251 + 1))[:n]
    raise ValueError(f"unknown value {v}")


class Driver:
    def __init__(self, test, clients, relay, prefix):
        self.t = test
        self.relay = relay
        self.clients = clients
        self.prefix = prefix
        self.refs = {}
        self.outputs = {}

    def task_id(self, suffix):
        # A fixed suffix that is not a valid id stays invalid with the prefix in front.
        return f"{self.prefix}-{suffix}" if " " not in suffix else suffix

    async def run(self, steps):
        for i, step in enumerate(steps):
            try:
                await getattr(self, "op_" + step["op"])(step)
            except BaseException as e:
                e.add_note(f"at step {i}: {json.dumps(step)[:300]}")
                raise

    async def op_submit(self, s):
        client = self.clients[s.get("client", "main")]
        options = {}
        if "id" in s:
            options["id"] = self.task_id(s["id"])
        if "timeout_ms" in s:
            options["timeout"] = s["timeout_ms"] / 1000
        self.refs[s["as"]] = await client.submit(s["type"], value_of(s["input"]), **options)
        self.outputs[s["as"]] = s["output"]

    async def op_map(self, s):
        client = self.clients[s.get("client", "main")]
        self.refs[s["as"]] = await client.map(s["type"], [value_of(v) for v in s["inputs"]])
        self.outputs[s["as"]] = s["output"]

    async def op_expect(self, s):
        value = await asyncio.wait_for(self.refs[s["ref"]], 60)
        self.t.assertIsInstance(value, _PY_TYPES[self.outputs[s["ref"]]])
        self.t.assertEqual(value, value_of(s["value"]))

    async def op_expect_values(self, s):
        values = await asyncio.wait_for(taskgrid.gather(*self.refs[s["ref"]]), 120)
        for v in values:
            self.t.assertIsInstance(v, _PY_TYPES[self.outputs[s["ref"]]])
        self.t.assertEqual(values, [value_of(v) for v in s["values"]])

    async def op_expect_error(self, s):
        future = self.refs[s["ref"]]
        with self.t.assertRaises(taskgrid.TaskError) as caught:
            await asyncio.wait_for(asyncio.shield(future), 60)
        e = caught.exception
        self.t.assertEqual(e.outcome, s["outcome"], str(e))
        if "code" in s:
            self.t.assertEqual(e.code, s["code"], str(e))
        if "message_contains" in s:
            self.t.assertIn(s["message_contains"], e.error_message)

    async def op_expect_order(self, s):
        names = {id(self.refs[r]): r for r in s["refs"]}
        order = [names[id(f)] async for f in taskgrid.completed([self.refs[r] for r in s["refs"]], 60)]
        self.t.assertEqual(order, s["refs"])

    async def op_await_state(self, s):
        client = self.clients["main"]
        future = self.refs[s["ref"]]
        deadline = time.monotonic() + 60
        while True:
            status = await client.status(future)
            if status is not None and status.state == s["state"]:
                return
            self.t.assertLess(time.monotonic(), deadline, f"{s['ref']} never {s['state']}: {status}")
            await asyncio.sleep(0.05)  # polling the coordinator's state: a condition, not a delay

    async def op_cancel(self, s):
        task = self.refs[s["ref"]] if "ref" in s else self.task_id(s["id"])
        outcome = await asyncio.wait_for(
            self.clients["main"].cancel(task, force=s.get("force", False)), 60
        )
        self.t.assertEqual(outcome, taskgrid.CancelOutcome(s["outcome"]))

    async def op_drop_stream(self, s):
        main = self.clients["main"]
        opened = main._session.streams_opened
        self.relay.drop()
        deadline = time.monotonic() + 30
        while main._session.streams_opened == opened:
            self.t.assertLess(time.monotonic(), deadline, "the client never reconnected")
            await asyncio.sleep(0.01)  # polling the client's stream count: a condition


class ConformanceTest(AsyncTestCase):
    @classmethod
    def setUpClass(cls):
        cls.longMessage = True
        cls.cluster = cluster.shared(*SUITE["cluster_args"])

    async def run_scenario(self, scenario):
        # The main client goes through a relay that drop_stream cuts; the relay's port has no
        # token file, so it is given the token of the cluster's port. The other client finds it.
        relay = await Relay(self.cluster.port).start()
        token = tokens.find([self.cluster.address])
        try:
            async with taskgrid.Client(relay.address, token=token) as main, taskgrid.Client(
                self.cluster.address
            ) as other:
                prefix = f"py-{scenario['name']}-{uuid.uuid4().hex[:8]}"
                driver = Driver(self, {"main": main, "other": other}, relay, prefix)
                await driver.run(scenario["steps"])
        finally:
            await relay.close()


def _make(scenario):
    async def test(self):
        await self.run_scenario(scenario)

    test.__doc__ = scenario["what"]
    return test


for _scenario in SUITE["scenarios"]:
    setattr(ConformanceTest, "test_" + _scenario["name"], _make(_scenario))
