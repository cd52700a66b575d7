"""The asyncio client: one Session stream per client, futures that are asyncio futures."""

import asyncio
import enum
import itertools
import logging
import os
import random
import secrets
import threading
import typing

import grpc

from taskgrid import codecs, tokens
from taskgrid._proto import service_pb2, task_pb2
from taskgrid.errors import (
    ClientClosed,
    TaskCancelled,
    TaskFailed,
    TaskRejected,
    TaskTimedOut,
)

log = logging.getLogger("taskgrid")

# The largest message accepted from a coordinator: a single result near the 32 MiB payload limit
# travels alone and exceeds gRPC's default 4 MiB (docs/LIMITS.md).
MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024
# Task ids per attach or cancel message: under every coordinator's id limit (at least 1,000).
MAX_IDS_PER_MESSAGE = 1000
# Bytes of one submit batch; one larger task still goes alone.
MAX_BATCH_BYTES = 1024 * 1024
# How often a task the store lost is resubmitted under its id before it ends LOST.
MAX_LOST_RESUBMITS = 3
# Trailer by which a coordinator says it closed the stream but lost nothing.
REATTACH_TRAILER = "taskgrid-reattach"

_SESSION = "/taskgrid.v1.TaskService/Session"
_GET_TASK = "/taskgrid.v1.TaskService/GetTask"
_CANCEL = "/taskgrid.v1.TaskService/Cancel"


class _TaskIds:
    """Names the tasks a client is given no id for: ``<prefix>-<n>-<check>``.

    ``prefix`` is 32 hex digits drawn once per client (128 bits from ``secrets``), ``n`` the
    client's count of the ids it named, in decimal from 0 (at most 12 digits), and ``check`` 16
    random hex digits per task. The shape lets the coordinator store 64 consecutive ids of one
    prefix in one record (docs/STORE-BATCHES.md, "The unit: a chunk of consecutive ids of one
    client"); the ids stay unguessable, since the prefix is secret and each check is 64 fresh
    random bits. When ``n`` would pass ``MAX_N`` a new prefix is drawn and ``n`` starts at 0
    again. Thread-safe.
    """

    MAX_N = 999_999_999_999

    def __init__(self, start=0):
        if not 0 <= start <= self.MAX_N:
            raise ValueError(f"start: {start} (expected: 0..{self.MAX_N})")
        self._lock = threading.Lock()
        # One prefix and its counter, swapped together (next() on a count is atomic in CPython).
        self._run = (secrets.token_hex(16), itertools.count(start))

    def next(self):
        while True:
            run = self._run
            prefix, counter = run
            n = next(counter)
            if n <= self.MAX_N:
                return f"{prefix}-{n}-{secrets.token_hex(8)}"
            with self._lock:  # the prefix is used up: the first caller here draws the next one
                if self._run is run:
                    self._run = (secrets.token_hex(16), itertools.count())


class TaskStatus(typing.NamedTuple):
    """A task as the coordinator knows it; state is QUEUED, RUNNING or DONE, outcome the proto
    Outcome name once DONE."""

    task_id: str
    type: str
    state: str
    attempt: int
    worker_id: str
    outcome: typing.Optional[str]


async def completed(futures, timeout=None):
    """Yields the futures themselves as they complete (asyncio.as_completed in Python 3.11 yields
    anonymous awaitables instead, so a caller cannot tell which task finished). Futures already
    done when it starts come first, in the order given; ``timeout`` (seconds, for all of them)
    raises TimeoutError."""
    futures = list(futures)
    queue = asyncio.Queue()
    for f in futures:
        f.add_done_callback(queue.put_nowait)
    loop = asyncio.get_running_loop()
    end = None if timeout is None else loop.time() + timeout
    for _ in futures:
        if end is None:
            yield await queue.get()
        else:
            yield await asyncio.wait_for(queue.get(), max(0, end - loop.time()))


class CancelOutcome(str, enum.Enum):
    """What a cancel did (the proto's CancelOutcome.Result)."""

    REMOVED_FROM_QUEUE = "REMOVED_FROM_QUEUE"
    STOPPED_WHILE_RUNNING = "STOPPED_WHILE_RUNNING"
    ALREADY_FINISHED = "ALREADY_FINISHED"
    NOT_FOUND = "NOT_FOUND"


_OUTCOME = task_pb2.Outcome
_ERRORS = {
    _OUTCOME.FAILED: TaskFailed,
    _OUTCOME.WORKER_LOST: TaskFailed,
    _OUTCOME.LOST: TaskFailed,
    _OUTCOME.TIMED_OUT: TaskTimedOut,
    _OUTCOME.CANCELLED: TaskCancelled,
}


class TaskFuture(asyncio.Future):
    """The future of one task: an asyncio.Future, so asyncio.gather, wait, wait_for, as_completed
    and TaskGroup take it as it is. Its value is the decoded output (int, str, bytes, dict).

    ``cancel()`` cancels it locally, as for any future, and asks the cluster to cancel the task
    too; ``await client.cancel(future)`` waits for the cluster's answer instead.
    """

    def __init__(self, client, task_id, task_type, *, loop):
        super().__init__(loop=loop)
        self.task_id = task_id
        self.type = task_type
        self.raw_result = None  # the TaskResult message once it ended on the cluster
        self._client = client

    def cancel(self, msg=None):
        if self.done():
            return False
        self._client._session.cancel_quietly(self.task_id)
        return super().cancel(msg)

    def __repr__(self):
        state = "pending" if not self.done() else ("cancelled" if self.cancelled() else "done")
        return f"<TaskFuture {self.type} {self.task_id} {state}>"


class _Pending:
    __slots__ = ("spec", "futures", "acked", "sent_gen", "lost_resubmits")

    def __init__(self, spec, future):
        self.spec = spec
        self.futures = [future]
        self.acked = False
        self.sent_gen = 0  # the stream generation it was last sent on; 0 = never
        self.lost_resubmits = 0


class _Session:
    """Owns the Session stream: batches outbound messages, routes acks, completions and cancel
    outcomes, and reconnects (re-attaching acked tasks, resending unacked ones) when it breaks."""

    def __init__(self, channels, metadata, batch_size, max_in_flight):
        self._channels = channels
        self.metadata = metadata
        self._batch_size = batch_size
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._pending = {}  # task id -> _Pending, in submission order
        self._unsent = {}  # task id -> _Pending to send on the current stream
        self._cancels = []  # (task id, force) to send
        self._attaches = []  # task ids to attach
        self._cancel_waiters = {}  # task id -> [asyncio.Future of CancelOutcome]
        self._wake = asyncio.Event()
        self._closed = False
        self._gen = 0
        self._call = None
        self._backoff = 0.1
        self.streams_opened = 0
        self._runner = asyncio.get_running_loop().create_task(self._run())

    # ---- caller side ----

    async def submit(self, spec, future):
        if self._closed:
            raise RuntimeError("client is closed")
        existing = self._pending.get(spec.id)
        if existing is not None:
            if existing.spec == spec:
                existing.futures.append(future)
            else:
                future.set_exception(
                    TaskRejected(
                        spec.id,
                        "ALREADY_EXISTS",
                        f"task {spec.id!r} is pending on this client with another spec",
                    )
                )
            return
        await self._in_flight.acquire()
        if self._closed:
            self._in_flight.release()
            raise RuntimeError("client is closed")
        p = _Pending(spec, future)
        self._pending[spec.id] = p
        self._unsent[spec.id] = p
        self._wake.set()

    def cancel(self, task_id, force):
        answer = asyncio.get_running_loop().create_future()
        if self._closed:
            answer.set_exception(RuntimeError("client is closed"))
            return answer
        self._cancel_waiters.setdefault(task_id, []).append(answer)
        self._cancels.append((task_id, force))
        self._wake.set()
        return answer

    def cancel_quietly(self, task_id):
        """A cancel whose answer nobody waits for (a future cancelled locally)."""
        if not self._closed:
            self._cancels.append((task_id, False))
            self._wake.set()

    def break_stream(self):
        """Drops the current stream as a network failure would (for tests and tools)."""
        if self._call is not None:
            self._call.cancel()

    @property
    def pending_count(self):
        return len(self._pending)

    def is_pending(self, task_id):
        return task_id in self._pending

    async def close(self):
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        self._runner.cancel()
        try:
            await self._runner
        except asyncio.CancelledError:
            pass
        for p in list(self._pending.values()):
            self._finish(p, lambda f, tid=p.spec.id: f.set_exception(ClientClosed(tid)))
        for waiters in self._cancel_waiters.values():
            for w in waiters:
                if not w.done():
                    w.set_exception(RuntimeError("client closed"))
        self._cancel_waiters.clear()

    # ---- the stream ----

    async def _run(self):
        index = 0
        while not self._closed:
            channel = self._channels[index % len(self._channels)]
            self._gen += 1
            gen = self._gen
            self._rebuild_outbound()
            rpc = channel.stream_stream(
                _SESSION,
                request_serializer=service_pb2.ClientMessage.SerializeToString,
                response_deserializer=service_pb2.ServerMessage.FromString,
            )
            call = rpc(metadata=self.metadata)
            self._call = call
            self.streams_opened += 1
            writer = asyncio.get_running_loop().create_task(self._write_loop(call, gen))
            try:
                await self._read_loop(call)
            except asyncio.CancelledError:
                if self._closed or asyncio.current_task().cancelling():
                    writer.cancel()
                    call.cancel()
                    raise
                # grpc.aio raises CancelledError from read() when the call itself was cancelled
                # (break_stream): the stream ended, the session goes on.
            except grpc.aio.AioRpcError:
                pass  # the status is read below
            except Exception:  # a bug here must not leave every future waiting forever
                log.exception("taskgrid session: unexpected error; reconnecting")
                call.cancel()
            finally:
                writer.cancel()
                self._call = None
            code = await call.code()
            details = await call.details()
            trailers = await call.trailing_metadata() or ()
            if self._closed:
                return
            delay = self._on_stream_ended(gen, code, details, trailers)
            index += 1
            log.warning(
                "taskgrid session stream ended (%s: %s); %d tasks pending, reconnecting in %.2f s",
                code.name,
                details,
                len(self._pending),
                delay,
            )
            await asyncio.sleep(delay)

    def _rebuild_outbound(self):
        """What a new stream must send first: attach the tasks the server acked, resend the ones
        it never acked (ids are idempotent: a resend of a stored task is answered DUPLICATE), and
        repeat the unanswered cancels."""
        self._attaches = [tid for tid, p in self._pending.items() if p.acked]
        self._unsent = {tid: p for tid, p in self._pending.items() if not p.acked}
        waited = [(tid, False) for tid in self._cancel_waiters]
        # Cancels nobody waits for (a future cancelled locally) still go out, once each.
        quiet = [c for c in dict.fromkeys(self._cancels) if c[0] not in self._cancel_waiters]
        self._cancels = waited + quiet
        self._wake.set()

    async def _write_loop(self, call, gen):
        try:
            await self._write_all(call, gen)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError, grpc.aio.UsageError):
            pass  # the stream broke: the reader sees why and the session reconnects

    async def _write_all(self, call, gen):
        while True:
            await self._wake.wait()
            self._wake.clear()
            # Attaches first: they come from the reconnect and precede any new work.
            while self._attaches:
                chunk = self._attaches[:MAX_IDS_PER_MESSAGE]
                del self._attaches[:MAX_IDS_PER_MESSAGE]
                await call.write(
                    service_pb2.ClientMessage(attach=service_pb2.AttachRequest(task_ids=chunk))
                )
            while self._unsent:
                batch, size = [], 0
                for tid in list(self._unsent):
                    p = self._unsent[tid]
                    n = p.spec.ByteSize()
                    if batch and (len(batch) >= self._batch_size or size + n > MAX_BATCH_BYTES):
                        break
                    del self._unsent[tid]
                    if self._pending.get(tid) is not p:
                        continue  # ended meanwhile
                    p.sent_gen = gen
                    batch.append(p.spec)
                    size += n
                if batch:
                    await call.write(
                        service_pb2.ClientMessage(submit=service_pb2.SubmitRequest(tasks=batch))
                    )
            while self._cancels:
                force = self._cancels[0][1]
                ids = []
                while self._cancels and self._cancels[0][1] == force and len(ids) < MAX_IDS_PER_MESSAGE:
                    ids.append(self._cancels.pop(0)[0])
                await call.write(
                    service_pb2.ClientMessage(
                        cancel=service_pb2.CancelRequest(task_ids=ids, force=force)
                    )
                )

    async def _read_loop(self, call):
        while True:
            message = await call.read()
            if message is grpc.aio.EOF:
                return
            self._backoff = 0.1
            kind = message.WhichOneof("kind")
            if kind == "acks":
                self._on_acks(message.acks.acks)
            elif kind == "completions":
                self._on_completions(message.completions.results)
            elif kind == "cancel_outcomes":
                self._on_cancel_outcomes(message.cancel_outcomes.outcomes)

    def _on_acks(self, acks):
        for ack in acks:
            p = self._pending.get(ack.task_id)
            if p is None:
                continue
            if ack.status == service_pb2.SubmitAck.REJECTED:
                code = ack.code or "UNKNOWN"
                self._finish(
                    p, lambda f, tid=ack.task_id: f.set_exception(TaskRejected(tid, code, ack.message))
                )
            else:
                p.acked = True

    def _on_completions(self, results):
        for result in results:
            p = self._pending.get(result.task_id)
            if p is None:
                continue
            if result.outcome == _OUTCOME.LOST and p.lost_resubmits < MAX_LOST_RESUBMITS:
                # The store lost the accepted task; this client still holds its spec, so it goes
                # out again under the same id instead of ending LOST.
                p.lost_resubmits += 1
                p.acked = False
                self._unsent[p.spec.id] = p
                self._wake.set()
                log.info("task %s was lost by the cluster's store: resubmitted", p.spec.id)
                continue
            self._finish(p, lambda f, r=result: _complete(f, r))

    def _on_cancel_outcomes(self, outcomes):
        for outcome in outcomes:
            name = service_pb2.CancelOutcome.Result.Name(outcome.result)
            for w in self._cancel_waiters.pop(outcome.task_id, ()):
                if not w.done():
                    w.set_result(CancelOutcome(name))
            # A task removed from the queue never runs: end it now (its CANCELLED completion,
            # which follows, is then ignored). Any other answer leaves the task to its completion.
            p = self._pending.get(outcome.task_id)
            if p is not None and outcome.result == service_pb2.CancelOutcome.REMOVED_FROM_QUEUE:
                err = TaskCancelled(outcome.task_id, "CANCELLED", "Cancelled", f"cancel: {name}")
                self._finish(p, lambda f, e=err: f.set_exception(e))

    def _finish(self, p, complete):
        if self._pending.get(p.spec.id) is not p:
            return
        del self._pending[p.spec.id]
        self._unsent.pop(p.spec.id, None)
        self._in_flight.release()
        for f in p.futures:
            if not f.done():
                complete(f)

    def _on_stream_ended(self, gen, code, details, trailers):
        """Fails what a reconnect cannot save and returns the delay before reconnecting."""
        nothing_lost = any(k == REATTACH_TRAILER and v == "true" for k, v in trailers)
        reject_all = code in (
            grpc.StatusCode.UNIMPLEMENTED,
            grpc.StatusCode.PERMISSION_DENIED,
            grpc.StatusCode.UNAUTHENTICATED,
        )
        # A code that blames the request: resending the same tasks would break the next stream.
        reject_sent = not nothing_lost and code in (
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.RESOURCE_EXHAUSTED,
            grpc.StatusCode.FAILED_PRECONDITION,
            grpc.StatusCode.OUT_OF_RANGE,
        )
        if reject_all or reject_sent:
            message = f"the session stream failed: {details or code.name}"
            for p in list(self._pending.values()):
                if reject_all or (not p.acked and p.sent_gen == gen):
                    self._finish(
                        p,
                        lambda f, tid=p.spec.id: f.set_exception(
                            TaskRejected(tid, code.name, message)
                        ),
                    )
        delay = self._backoff * random.uniform(0.8, 1.2)
        self._backoff = min(self._backoff * 2, 5.0)
        return delay


def _complete(future, result):
    future.raw_result = result
    if result.outcome == _OUTCOME.SUCCEEDED:
        try:
            value = codecs.decode(result.output.data, result.output.content_type)
        except ValueError as e:
            future.set_exception(
                TaskFailed(result.task_id, "FAILED", "UndecodableOutput", str(e))
            )
            return
        future.set_result(value)
        return
    outcome = _OUTCOME.Name(result.outcome)
    err = result.error
    if result.outcome == _OUTCOME.REJECTED:
        future.set_exception(TaskRejected(result.task_id, err.type or "REJECTED", err.message))
        return
    cls = _ERRORS.get(result.outcome, TaskFailed)
    future.set_exception(
        cls(result.task_id, outcome, err.type, err.message, err.retryable, err.stack)
    )


class Client:
    """A Taskgrid client for asyncio.

    ``async with Client("127.0.0.1:7070") as client:`` opens one Session stream to the
    coordinator (or the first of several addresses, failing over in order). With no token given,
    a loopback address finds the token ``taskgrid local`` wrote for its port.
    """

    def __init__(
        self,
        address=None,
        *,
        token=None,
        token_file=None,
        tls_ca=None,
        tls=None,
        batch_size=1000,
        max_in_flight=100_000,
        job_id=None,
    ):
        address = address or os.environ.get("TASKGRID_COORDINATOR", "127.0.0.1:7070")
        self.addresses = [a.strip() for a in address.split(",")] if isinstance(address, str) else list(address)
        for a in self.addresses:
            tokens.split_target(a)  # a clear ValueError for a malformed address
        if token is not None and token_file is not None:
            raise ValueError("give token or token_file, not both")
        if token_file is not None:
            token = tokens.read_token(token_file)
        if token is None:
            token = tokens.find(self.addresses)
        if token is not None and (not token or any(c < "!" or c > "~" for c in token)):
            raise ValueError("the token is empty or has spaces or non-ASCII characters")
        self._token = token
        self._tls_ca = tls_ca
        self._tls = bool(tls) or tls_ca is not None
        if batch_size < 1 or max_in_flight < 1:
            raise ValueError("batch_size and max_in_flight must be at least 1")
        self._batch_size = batch_size
        self._max_in_flight = max_in_flight
        self.job_id = job_id
        self._channels = []
        self._session = None
        self._task_ids = _TaskIds()

    async def __aenter__(self):
        await self.connect()
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def connect(self):
        options = [
            ("grpc.max_receive_message_length", MAX_INBOUND_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_INBOUND_MESSAGE_BYTES),
        ]
        for address in self.addresses:
            if self._tls:
                root = None
                if self._tls_ca is not None:
                    with open(self._tls_ca, "rb") as f:
                        root = f.read()
                creds = grpc.ssl_channel_credentials(root_certificates=root)
                self._channels.append(grpc.aio.secure_channel(address, creds, options=options))
            else:
                self._channels.append(grpc.aio.insecure_channel(address, options=options))
        metadata = (("authorization", "Bearer " + self._token),) if self._token else ()
        self._session = _Session(self._channels, metadata, self._batch_size, self._max_in_flight)

    async def close(self):
        """Ends pending futures with ClientClosed (their tasks keep running) and closes the
        channels."""
        if self._session is not None:
            await self._session.close()
        for c in self._channels:
            await c.close()
        self._channels = []

    def _spec(self, task_type, value, *, id, job_id, content_type, timeout, deadline, priority, labels, pool, max_attempts):
        data, ctype = codecs.encode(value, content_type)
        spec = task_pb2.TaskSpec(
            id=id or self._task_ids.next(),
            job_id=job_id or self.job_id or "",
            type=task_type,
            payload=task_pb2.Payload(data=data, content_type=ctype),
            priority=priority,
            labels=labels or {},
        )
        if timeout is not None:
            spec.timeout_ms = max(1, round(timeout * 1000))
        if deadline is not None:
            spec.deadline_unix_ms = round(deadline * 1000)
        if pool is not None:
            spec.pool = task_pb2.Pool.Value(pool.upper())
        if max_attempts is not None:
            spec.retry.max_attempts = max_attempts
        return spec

    async def submit(
        self,
        task_type,
        value=None,
        *,
        id=None,
        job_id=None,
        content_type=None,
        timeout=None,
        deadline=None,
        priority=0,
        labels=None,
        pool=None,
        max_attempts=None,
    ):
        """Submits one task and returns its TaskFuture once it is queued for sending (this waits
        only while ``max_in_flight`` tasks are pending). ``timeout`` is the run-time limit of an
        attempt in seconds, ``deadline`` the Unix time (seconds) its whole life ends by; a given
        ``id`` makes the submission idempotent: the same id and spec joins the existing task."""
        if self._session is None:
            raise RuntimeError("use `async with Client(...)` or await client.connect() first")
        spec = self._spec(
            task_type,
            value,
            id=id,
            job_id=job_id,
            content_type=content_type,
            timeout=timeout,
            deadline=deadline,
            priority=priority,
            labels=labels,
            pool=pool,
            max_attempts=max_attempts,
        )
        future = TaskFuture(self, spec.id, task_type, loop=asyncio.get_running_loop())
        await self._session.submit(spec, future)
        return future

    async def map(self, task_type, values, **options):
        """Submits one task per value; returns their futures in the order of the values."""
        return [await self.submit(task_type, v, **options) for v in values]

    async def cancel(self, task, *, force=False):
        """Asks the cluster to cancel a task (a TaskFuture or an id) and returns its CancelOutcome.
        ``force`` kills a running CPU task at once instead of after the grace period."""
        if self._session is None:
            raise RuntimeError("client is not connected")
        task_id = task.task_id if isinstance(task, TaskFuture) else task
        if self._session.is_pending(task_id):
            # On the stream, after its submit: the coordinator holds a cancel that overtakes the
            # task's registration, so it is never lost.
            return await self._session.cancel(task_id, force)
        # Any other id in a unary call: NOT_FOUND at once if the cluster does not know it (a
        # stream cancel of an unknown id waits out the coordinator's hold time first).
        rpc = self._channels[0].unary_unary(
            _CANCEL,
            request_serializer=service_pb2.CancelRequest.SerializeToString,
            response_deserializer=service_pb2.CancelResponse.FromString,
        )
        reply = await rpc(
            service_pb2.CancelRequest(task_ids=[task_id], force=force),
            metadata=self._session.metadata,
            timeout=30,
        )
        return CancelOutcome(service_pb2.CancelOutcome.Result.Name(reply.outcomes[0].result))

    async def status(self, task):
        """What the coordinator knows about a task (a TaskFuture or an id): a TaskStatus, or None
        if it knows no such task."""
        if self._session is None:
            raise RuntimeError("client is not connected")
        task_id = task.task_id if isinstance(task, TaskFuture) else task
        rpc = self._channels[0].unary_unary(
            _GET_TASK,
            request_serializer=service_pb2.GetTaskRequest.SerializeToString,
            response_deserializer=service_pb2.GetTaskResponse.FromString,
        )
        try:
            reply = await rpc(
                service_pb2.GetTaskRequest(task_id=task_id, max_reply_bytes=MAX_INBOUND_MESSAGE_BYTES),
                metadata=self._session.metadata,
                timeout=30,
            )
        except grpc.aio.AioRpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        info = reply.task
        outcome = _OUTCOME.Name(info.result.outcome) if info.HasField("result") else None
        return TaskStatus(
            task_id, info.spec.type, task_pb2.TaskState.Name(info.state), info.attempt, info.worker_id, outcome
        )

    def task_group(self):
        """A TaskGroup bound to this client (see taskgrid.TaskGroup)."""
        from taskgrid.group import TaskGroup

        return TaskGroup(self)

    @property
    def pending_count(self):
        """Tasks submitted through this client that have not ended."""
        return self._session.pending_count if self._session else 0

    def _break_stream(self):
        """Drops the Session stream as a network failure would; the client reconnects and
        re-attaches. For tests."""
        self._session.break_stream()
