package io.taskgrid.worker;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.Assignments;
import io.taskgrid.proto.v1.CancelAcks;
import io.taskgrid.proto.v1.CancelTasks;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.HelloAck;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A coordinator that behaves like the real one towards a single worker: it records hello, credits,
 * results and heartbeats, and assigns queued tasks only against credits. It also checks the
 * worker's side of the contract: credits held plus tasks in flight never exceed a pool's capacity.
 */
final class FakeCoordinator extends WorkerServiceGrpc.WorkerServiceImplBase {
  final List<WorkerHello> hellos = new CopyOnWriteArrayList<>();
  final Map<String, TaskResult> results = new ConcurrentHashMap<>();

  /** Every result reported, in order (a task may be reported more than once). */
  final List<TaskResult> allResults = new CopyOnWriteArrayList<>();

  final List<String> violations = new CopyOnWriteArrayList<>();
  final List<CancelAcks> cancelAcks = new CopyOnWriteArrayList<>();
  final AtomicInteger streams = new AtomicInteger();
  final AtomicInteger heartbeats = new AtomicInteger();
  final AtomicInteger resultMessages = new AtomicInteger();
  final List<TaskProgress> progress = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private final Deque<Assignment> queue = new ArrayDeque<>();
  private final Map<Pool, Integer> held = new EnumMap<>(Pool.class);
  private final Map<Pool, Integer> inFlight = new EnumMap<>(Pool.class);
  private final Map<Pool, Integer> maxUsed = new EnumMap<>(Pool.class);
  private final Map<String, Pool> poolOf = new ConcurrentHashMap<>();
  private Map<Pool, Integer> capacity = new EnumMap<>(Pool.class);
  private @Nullable StreamObserver<CoordinatorMessage> current;

  @Override
  public StreamObserver<WorkerMessage> connect(StreamObserver<CoordinatorMessage> worker) {
    streams.incrementAndGet();
    synchronized (this) {
      current = worker;
      held.clear();
      inFlight.clear();
    }
    return new StreamObserver<>() {
      @Override
      public void onNext(WorkerMessage message) {
        switch (message.getKindCase()) {
          case HELLO:
            onHello(message.getHello());
            synchronized (FakeCoordinator.this) {
              worker.onNext(
                  CoordinatorMessage.newBuilder()
                      .setHelloAck(HelloAck.getDefaultInstance())
                      .build());
            }
            break;
          case CREDITS:
            onCredits(message.getCredits().getPoolsList());
            break;
          case RESULTS:
            resultMessages.incrementAndGet();
            onResults(message.getResults().getResultsList());
            break;
          case HEARTBEAT:
            heartbeats.incrementAndGet();
            break;
          case PROGRESS:
            progress.addAll(message.getProgress().getUpdatesList());
            break;
          case CANCEL_ACKS:
            cancelAcks.add(message.getCancelAcks());
            break;
          default:
            violations.add("unknown message " + message);
        }
      }

      @Override
      public void onError(Throwable t) {
        ended(worker);
      }

      @Override
      public void onCompleted() {
        ended(worker);
        worker.onCompleted();
      }
    };
  }

  /** Queues a task; it is assigned as soon as the worker grants a credit of its pool. */
  void submit(String id, String type, Pool pool, byte[] data, String contentType, long timeoutMs) {
    submit(id, type, pool, data, contentType, timeoutMs, 1);
  }

  /**
   * Queues an I/O task under a given attempt. An id already in flight is leased again, as a
   * coordinator that adopted the task from a lagging record would: it counts as one lease here.
   */
  void submitAttempt(String id, String type, String text, int attempt) {
    submit(id, type, Pool.IO, text.getBytes(StandardCharsets.UTF_8), "text/plain", 0, attempt);
  }

  private void submit(
      String id,
      String type,
      Pool pool,
      byte[] data,
      String contentType,
      long timeoutMs,
      int attempt) {
    TaskSpec spec =
        TaskSpec.newBuilder()
            .setId(id)
            .setType(type)
            .setPool(pool)
            .setTimeoutMs(timeoutMs)
            .setPayload(
                Payload.newBuilder().setData(ByteString.copyFrom(data)).setContentType(contentType))
            .build();
    synchronized (this) {
      queue.add(Assignment.newBuilder().setSpec(spec).setAttempt(attempt).setPool(pool).build());
      pump();
    }
  }

  void submit(String id, String type, Pool pool, String text) {
    submit(id, type, pool, text.getBytes(StandardCharsets.UTF_8), "text/plain", 0);
  }

  /** Sends a cancel for running tasks. */
  void cancel(String id, Outcome outcome, boolean force) {
    cancel(id, outcome, force, false);
  }

  /** Sends a cancel; with {@code ack} the worker answers with a CancelAcks. */
  synchronized void cancel(String id, Outcome outcome, boolean force, boolean ack) {
    if (current != null) {
      current.onNext(
          CoordinatorMessage.newBuilder()
              .setCancels(
                  CancelTasks.newBuilder()
                      .addTaskIds(id)
                      .setOutcome(outcome)
                      .setForce(force)
                      .setAck(ack))
              .build());
    }
  }

  /** Fails the current stream, as a coordinator crash would. */
  synchronized void breakStream() {
    if (current != null) {
      current.onError(Status.UNAVAILABLE.withDescription("fake coordinator").asRuntimeException());
      current = null;
    }
  }

  @Nullable TaskResult result(String id) {
    return results.get(id);
  }

  /** Tasks submitted here that the worker has not been assigned yet. */
  synchronized int queued() {
    return queue.size();
  }

  synchronized int held(Pool pool) {
    return held.getOrDefault(pool, 0);
  }

  synchronized int maxUsed(Pool pool) {
    return maxUsed.getOrDefault(pool, 0);
  }

  private synchronized void onHello(WorkerHello hello) {
    hellos.add(hello);
    capacity = new EnumMap<>(Pool.class);
    hello.getPoolsList().forEach(p -> capacity.put(p.getPool(), p.getCapacity()));
  }

  private synchronized void onCredits(List<PoolCredit> credits) {
    for (PoolCredit c : credits) {
      held.merge(c.getPool(), c.getCredits(), Integer::sum);
      int used = held.get(c.getPool()) + inFlight.getOrDefault(c.getPool(), 0);
      maxUsed.merge(c.getPool(), used, Math::max);
      if (used > capacity.getOrDefault(c.getPool(), 0)) {
        violations.add(c.getPool() + " credits + in flight = " + used + " > capacity");
      }
    }
    pump();
  }

  private synchronized void onResults(List<TaskResult> list) {
    for (TaskResult r : list) {
      allResults.add(r);
      results.put(r.getTaskId(), r);
      Pool pool = poolOf.remove(r.getTaskId());
      if (pool != null) {
        inFlight.merge(pool, -1, Integer::sum);
      }
    }
  }

  private synchronized void ended(StreamObserver<CoordinatorMessage> worker) {
    if (current == worker) {
      current = null;
    }
  }

  private void pump() {
    if (current == null) {
      return;
    }
    List<Assignment> batch = new ArrayList<>();
    for (var it = queue.iterator(); it.hasNext(); ) {
      Assignment a = it.next();
      int credits = held.getOrDefault(a.getPool(), 0);
      if (credits > 0) {
        held.put(a.getPool(), credits - 1);
        if (poolOf.put(a.getSpec().getId(), a.getPool()) == null) {
          inFlight.merge(a.getPool(), 1, Integer::sum);
        }
        batch.add(a);
        it.remove();
      }
    }
    if (!batch.isEmpty()) {
      current.onNext(
          CoordinatorMessage.newBuilder()
              .setAssignments(Assignments.newBuilder().addAllTasks(batch))
              .build());
    }
  }
}
