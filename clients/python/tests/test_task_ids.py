"""The ids the client names its tasks with: the chunkable shape of docs/STORE-BATCHES.md, counted
per client, with a new prefix when the count runs out. A unit test: no cluster."""

import re
import threading
import unittest

import taskgrid
from taskgrid.client import _TaskIds

SHAPE = re.compile(r"([0-9a-f]{32})-(0|[1-9][0-9]{0,11})-([0-9a-f]{16})")


def parse(task_id):
    m = SHAPE.fullmatch(task_id)
    if m is None:
        raise AssertionError(f"not <prefix>-<n>-<check>: {task_id!r}")
    return m.group(1), int(m.group(2)), m.group(3)


def spec_id(client, id=None):
    spec = client._spec(
        "echo", "hello", id=id, job_id=None, content_type=None, timeout=None, deadline=None,
        priority=0, labels=None, pool=None, max_attempts=None,
    )
    return spec.id


class TaskIdsTest(unittest.TestCase):
    def test_next_matchesTheShape(self):
        ids = _TaskIds()
        for _ in range(1000):
            parse(ids.next())

    def test_next_consecutiveIds_samePrefix_countFromZero_differentChecks(self):
        ids = _TaskIds()
        parsed = [parse(ids.next()) for _ in range(200)]

        self.assertEqual({p for p, _, _ in parsed}, {parsed[0][0]})
        self.assertEqual([n for _, n, _ in parsed], list(range(200)))
        self.assertEqual(len({c for _, _, c in parsed}), 200)

    def test_twoGenerators_differentPrefixes(self):
        self.assertNotEqual(parse(_TaskIds().next())[0], parse(_TaskIds().next())[0])

    def test_next_atTheLimit_drawsANewPrefixAndCountsFromZero(self):
        ids = _TaskIds(_TaskIds.MAX_N - 1)

        a, b, c, d = (parse(ids.next()) for _ in range(4))

        self.assertEqual(a[:2], (a[0], 999_999_999_998))
        self.assertEqual(b[:2], (a[0], 999_999_999_999))
        self.assertEqual(c[1], 0)
        self.assertNotEqual(c[0], a[0])
        self.assertEqual(d[:2], (c[0], 1))

    def test_start_outOfRange_rejected(self):
        with self.assertRaises(ValueError):
            _TaskIds(-1)
        with self.assertRaises(ValueError):
            _TaskIds(_TaskIds.MAX_N + 1)

    def test_next_fromManyThreads_distinctIds_countsExactlyOnce(self):
        ids = _TaskIds()
        results = [[] for _ in range(8)]
        start = threading.Barrier(len(results))

        def run(mine):
            start.wait()
            for _ in range(10_000):
                mine.append(ids.next())

        threads = [threading.Thread(target=run, args=(r,)) for r in results]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        every = [i for r in results for i in r]
        self.assertEqual(len(set(every)), 80_000)
        parsed = [parse(i) for i in every]
        self.assertEqual({p for p, _, _ in parsed}, {parsed[0][0]})
        self.assertEqual(sorted(n for _, n, _ in parsed), list(range(80_000)))


class ClientTaskIdsTest(unittest.TestCase):
    """The client names its tasks so (no connection needed to build a spec)."""

    def test_spec_withoutId_countsUnderOnePrefixPerClient(self):
        client = taskgrid.Client("127.0.0.1:1", token="t")
        first = parse(spec_id(client))
        second = parse(spec_id(client))
        other = parse(spec_id(taskgrid.Client("127.0.0.1:1", token="t")))

        self.assertEqual((first[1], second[1]), (0, 1))
        self.assertEqual(first[0], second[0])
        self.assertNotEqual(other[0], first[0])
        self.assertEqual(other[1], 0)

    def test_spec_withId_keepsTheUsersId(self):
        client = taskgrid.Client("127.0.0.1:1", token="t")

        self.assertEqual(spec_id(client, id="my-task-1"), "my-task-1")
        self.assertEqual(parse(spec_id(client))[1], 0)


if __name__ == "__main__":
    unittest.main()
