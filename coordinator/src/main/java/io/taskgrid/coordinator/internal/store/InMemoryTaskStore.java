package io.taskgrid.coordinator.internal.store;

import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A {@link TaskStore} in one JVM's heap, for tests and single-process use. Expiry is checked on
 * read against the injected clock, so tests advance a fake clock instead of waiting. Records are
 * kept as protobuf bytes, like the Hazelcast store, so both behave alike. Finished records are kept
 * within the {@link Retention} budget: they are queued in the order they finished, and after every
 * completion the oldest go while the budget is exceeded or they are past the TTL. Thread-safe.
 */
public final class InMemoryTaskStore implements TaskStore {
  private static final long NEVER = Long.MAX_VALUE;

  private final Clock clock;
  private final long ttlMillis;
  private final long maxRecords;
  private final long maxBytes;
  private final Executor executor;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Finished entries, oldest first (finishing order is expiry order: one TTL for all). */
  private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();

  private final AtomicLong finishedCount = new AtomicLong();
  private final AtomicLong finishedBytes = new AtomicLong();

  /** Held while evicting, so that two threads never drop the same head twice. */
  private final Object evicting = new Object();

  private record Finished(String id, Entry entry) {}

  private static final class Entry {
    final byte[] bytes;
    final long expiresAtMillis;

    Entry(byte[] bytes, long expiresAtMillis) {
      this.bytes = bytes;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  /**
   * @param executor where every returned stage completes (the store's "I/O" executor)
   */
  public InMemoryTaskStore(Clock clock, Duration resultTtl, Executor executor) {
    this(clock, Retention.ofTtl(resultTtl), executor);
  }

  /**
   * @param executor where every returned stage completes (the store's "I/O" executor)
   */
  public InMemoryTaskStore(Clock clock, Retention retention, Executor executor) {
    this.clock = clock;
    this.ttlMillis = retention.ttl().toMillis();
    this.maxRecords = retention.maxRecords();
    this.maxBytes = retention.maxBytes();
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<Optional<TaskInfo>>> createAll(List<TaskInfo> records) {
    return async(
        () -> {
          List<Optional<TaskInfo>> out = new ArrayList<>(records.size());
          long now = clock.millis();
          for (TaskInfo r : records) {
            Entry fresh = new Entry(TaskRecords.encode(r), NEVER);
            Entry[] existing = new Entry[1];
            entries.compute(
                r.getSpec().getId(),
                (id, old) -> {
                  if (old != null && old.expiresAtMillis > now) {
                    existing[0] = old;
                    return old;
                  }
                  return fresh;
                });
            out.add(
                existing[0] == null
                    ? Optional.empty()
                    : Optional.of(TaskRecords.decode(existing[0].bytes)));
          }
          return out;
        });
  }

  @Override
  public CompletionStage<Optional<TaskInfo>> get(String taskId) {
    return async(() -> Optional.ofNullable(read(taskId)));
  }

  @Override
  public CompletionStage<Map<String, TaskInfo>> getAll(Collection<String> taskIds) {
    return async(
        () -> {
          Map<String, TaskInfo> out = new HashMap<>();
          for (String id : taskIds) {
            TaskInfo info = read(id);
            if (info != null) {
              out.put(id, info);
            }
          }
          return out;
        });
  }

  @Override
  public CompletionStage<Void> updateAll(Collection<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    return async(
        () -> {
          long now = clock.millis();
          for (TaskInfo r : copy) {
            entries.compute(
                r.getSpec().getId(),
                (id, old) -> {
                  boolean live = old != null && old.expiresAtMillis > now;
                  return TaskRecords.mayUpdate(live ? old.bytes : null, r)
                      ? new Entry(TaskRecords.encode(r), NEVER)
                      : old;
                });
          }
          return null;
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeFirst(List<TaskInfo> records) {
    List<TaskInfo> copy = List.copyOf(records);
    return async(
        () -> {
          long now = clock.millis();
          List<TaskInfo> out = new ArrayList<>(copy.size());
          for (TaskInfo r : copy) {
            Entry fresh = new Entry(TaskRecords.encode(r), now + ttlMillis);
            Entry stands =
                entries.compute(
                    r.getSpec().getId(),
                    (id, old) -> {
                      boolean live = old != null && old.expiresAtMillis > now;
                      return TaskRecords.mayComplete(live ? old.bytes : null) ? fresh : old;
                    });
            if (stands == fresh) {
              retain(r.getSpec().getId(), fresh);
            }
            out.add(TaskRecords.decode(stands.bytes));
          }
          evict(now);
          return out;
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> completeLeases(List<TaskResult> reports) {
    List<TaskResult> copy = List.copyOf(reports);
    return async(
        () -> {
          long now = clock.millis();
          List<TaskInfo> out = new ArrayList<>();
          for (TaskResult r : copy) {
            Entry[] written = new Entry[1];
            entries.computeIfPresent(
                r.getTaskId(),
                (id, old) -> {
                  byte[] done =
                      old.expiresAtMillis > now ? TaskRecords.completeLease(old.bytes, r) : null;
                  if (done == null) {
                    return old;
                  }
                  written[0] = new Entry(done, now + ttlMillis);
                  return written[0];
                });
            if (written[0] != null) {
              retain(r.getTaskId(), written[0]);
              out.add(TaskRecords.decode(written[0].bytes));
            }
          }
          evict(now);
          return out;
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> claimOrphans(Set<String> liveOwners, String newOwner) {
    return async(
        () -> {
          long now = clock.millis();
          List<TaskInfo> out = new ArrayList<>();
          for (String key : List.copyOf(entries.keySet())) {
            entries.computeIfPresent(
                key,
                (id, old) -> {
                  TaskInfo claimed =
                      old.expiresAtMillis > now
                          ? TaskRecords.claim(old.bytes, liveOwners, newOwner)
                          : null;
                  if (claimed == null) {
                    return old;
                  }
                  out.add(claimed);
                  return new Entry(TaskRecords.encode(claimed), old.expiresAtMillis);
                });
          }
          return out;
        });
  }

  @Override
  public Retained retained() {
    evict(clock.millis());
    return new Retained(finishedCount.get(), finishedBytes.get());
  }

  private void retain(String id, Entry entry) {
    finished.add(new Finished(id, entry));
    finishedCount.incrementAndGet();
    finishedBytes.addAndGet(entry.bytes.length);
  }

  /** Drops the oldest finished records while over budget or past their TTL. */
  private void evict(long now) {
    synchronized (evicting) {
      for (Finished head = finished.peek(); head != null; head = finished.peek()) {
        boolean over =
            finishedCount.get() > maxRecords || (maxBytes > 0 && finishedBytes.get() > maxBytes);
        if (!over && head.entry().expiresAtMillis > now) {
          return;
        }
        finished.poll();
        finishedCount.decrementAndGet();
        finishedBytes.addAndGet(-head.entry().bytes.length);
        entries.remove(head.id(), head.entry());
      }
    }
  }

  @Override
  public CompletionStage<List<String>> ownedLiveIds(String owner) {
    return async(
        () -> {
          long now = clock.millis();
          List<String> out = new ArrayList<>();
          for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().expiresAtMillis > now) {
              RecordHeader header = RecordHeader.of(e.getValue().bytes);
              if (header.state() != TaskState.DONE && header.owner().equals(owner)) {
                out.add(e.getKey());
              }
            }
          }
          return out;
        });
  }

  @Override
  public CompletionStage<List<TaskInfo>> jobRecords(String jobId) {
    return async(
        () -> {
          long now = clock.millis();
          List<TaskInfo> out = new ArrayList<>();
          for (Entry e : entries.values()) {
            if (e.expiresAtMillis > now) {
              TaskInfo info = TaskRecords.decode(e.bytes);
              if (info.getSpec().getJobId().equals(jobId)) {
                out.add(info);
              }
            }
          }
          return out;
        });
  }

  @Override
  public void close() {
    entries.clear();
    finished.clear();
  }

  private @org.jspecify.annotations.Nullable TaskInfo read(String id) {
    Entry e = entries.get(id);
    if (e == null || e.expiresAtMillis <= clock.millis()) {
      return null;
    }
    return TaskRecords.decode(e.bytes);
  }

  private <T> CompletionStage<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }
}
