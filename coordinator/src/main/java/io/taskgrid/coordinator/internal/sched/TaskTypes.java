package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Which task types the connected workers announce, and in which pool. A type's pool is remembered
 * after its workers leave, so new tasks of that type can wait in the right queue. Thread-safe
 * (concurrent maps; no scheduling state lives here).
 */
final class TaskTypes {
  private final ConcurrentHashMap<String, Pool> rememberedPool = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> announcers = new ConcurrentHashMap<>();
  private final AtomicInteger workers = new AtomicInteger();

  /** How a task's pool was resolved at admission. */
  record Resolution(@Nullable Pool pool, @Nullable String rejection) {
    static Resolution waiting() {
      return new Resolution(null, null);
    }
  }

  void workerJoined(WorkerHello hello) {
    for (PoolSpec p : hello.getPoolsList()) {
      for (String type : p.getHandlersList()) {
        rememberedPool.put(type, p.getPool());
        announcers.merge(key(p.getPool(), type), 1, Integer::sum);
        announcers.merge(type, 1, Integer::sum);
      }
    }
    workers.incrementAndGet();
  }

  void workerLeft(WorkerHello hello) {
    workers.decrementAndGet();
    for (PoolSpec p : hello.getPoolsList()) {
      for (String type : p.getHandlersList()) {
        announcers.computeIfPresent(key(p.getPool(), type), (k, n) -> n <= 1 ? null : n - 1);
        announcers.computeIfPresent(type, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  int connectedWorkers() {
    return workers.get();
  }

  /**
   * The pool a spec runs in; a rejection when workers are connected and none runs its type (in the
   * pool it asks for); neither (wait) when no worker is connected and the type is unknown.
   */
  Resolution resolve(TaskSpec spec) {
    String type = spec.getType();
    Pool asked = spec.getPool();
    boolean explicit = asked == Pool.IO || asked == Pool.CPU;
    if (workers.get() > 0) {
      if (!announcers.containsKey(type)) {
        return new Resolution(
            null, "unknown task type '" + type + "' (known: " + String.join(", ", known()) + ")");
      }
      if (explicit && !announcers.containsKey(key(asked, type))) {
        return new Resolution(
            null, "task type '" + type + "' is not offered in pool " + asked + " by any worker");
      }
    }
    if (explicit) {
      return new Resolution(asked, null);
    }
    Pool remembered = rememberedPool.get(type);
    return remembered == null ? Resolution.waiting() : new Resolution(remembered, null);
  }

  /** The pool announced for a type, if any worker ever announced it. */
  @Nullable Pool poolOf(String type) {
    return rememberedPool.get(type);
  }

  private Set<String> known() {
    TreeSet<String> names = new TreeSet<>();
    for (Map.Entry<String, Integer> e : announcers.entrySet()) {
      if (e.getKey().indexOf('\u0000') < 0) {
        names.add(e.getKey());
      }
    }
    return names;
  }

  private static String key(Pool pool, String type) {
    // NUL never appears in a valid type, so per-pool keys cannot clash with plain type keys.
    return pool.name() + '\u0000' + type;
  }
}
