package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.WorkerHello;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Which task types the connected workers announce, and in which pool. A type is remembered for
 * {@link #memory} after its last worker left (a plugin worker restarting, a rolling deploy): new
 * tasks of that type are accepted and wait queued for a worker, instead of being rejected because
 * other workers, without that type, stay connected. A type's pool is remembered for as long as the
 * coordinator runs, so tasks already waiting keep their queue. Thread-safe (concurrent maps; no
 * scheduling state lives here).
 */
final class TaskTypes {
  /** The default of {@code --remember-types-for}. */
  static final Duration DEFAULT_MEMORY = Duration.ofHours(1);

  private final Clock clock;
  private final ConcurrentHashMap<String, Pool> rememberedPool = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> announcers = new ConcurrentHashMap<>();

  /**
   * When a type (and, under its per-pool key, a type in one pool) last lost its last announcer; an
   * entry is removed while the type is announced again.
   */
  private final ConcurrentHashMap<String, Long> leftAt = new ConcurrentHashMap<>();

  private final AtomicInteger workers = new AtomicInteger();

  /** How long a type is remembered after its last worker left; set once at start. */
  private volatile long memoryMillis = DEFAULT_MEMORY.toMillis();

  /** How a task's pool was resolved at admission. */
  record Resolution(@Nullable Pool pool, @Nullable String rejection) {
    static Resolution waiting() {
      return new Resolution(null, null);
    }
  }

  TaskTypes(Clock clock) {
    this.clock = clock;
  }

  /** How long a type stays accepted after its last worker left (zero: not at all). */
  void memory(Duration memory) {
    memoryMillis = Math.max(0, memory.toMillis());
  }

  void workerJoined(WorkerHello hello) {
    for (PoolSpec p : hello.getPoolsList()) {
      for (String type : p.getHandlersList()) {
        rememberedPool.put(type, p.getPool());
        announcers.merge(key(p.getPool(), type), 1, Integer::sum);
        announcers.merge(type, 1, Integer::sum);
        leftAt.remove(type);
        leftAt.remove(key(p.getPool(), type));
      }
    }
    workers.incrementAndGet();
  }

  void workerLeft(WorkerHello hello) {
    workers.decrementAndGet();
    long now = clock.millis();
    for (PoolSpec p : hello.getPoolsList()) {
      for (String type : p.getHandlersList()) {
        announcers.computeIfPresent(key(p.getPool(), type), (k, n) -> n <= 1 ? null : n - 1);
        announcers.computeIfPresent(type, (k, n) -> n <= 1 ? null : n - 1);
        if (!announcers.containsKey(type)) {
          leftAt.put(type, now);
        }
        if (!announcers.containsKey(key(p.getPool(), type))) {
          leftAt.put(key(p.getPool(), type), now);
        }
      }
    }
  }

  int connectedWorkers() {
    return workers.get();
  }

  /** Whether a connected worker announces {@code type} (in any pool). */
  boolean offered(String type) {
    return announcers.containsKey(type);
  }

  /**
   * The pool a spec runs in; a rejection when workers are connected and none runs its type (in the
   * pool it asks for) and none did within the memory; neither (wait) when no worker is connected
   * and the type is unknown.
   */
  Resolution resolve(TaskSpec spec) {
    String type = spec.getType();
    Pool asked = spec.getPool();
    boolean explicit = asked == Pool.IO || asked == Pool.CPU;
    if (workers.get() > 0) {
      if (!announcers.containsKey(type) && !recent(type)) {
        return new Resolution(null, unknown(type));
      }
      if (explicit && !announcers.containsKey(key(asked, type)) && !recent(key(asked, type))) {
        return new Resolution(
            null,
            "task type '"
                + type
                + "' is not offered in pool "
                + asked
                + " by any connected worker, nor was it within the last "
                + memoryText());
      }
    }
    if (explicit) {
      return new Resolution(asked, null);
    }
    Pool remembered = rememberedPool.get(type);
    return remembered == null ? Resolution.waiting() : new Resolution(remembered, null);
  }

  /** Whether the type's last worker left within the memory. */
  private boolean recent(String key) {
    Long left = leftAt.get(key);
    return left != null && clock.millis() - left <= memoryMillis;
  }

  private String unknown(String type) {
    Long left = leftAt.get(type);
    String known = String.join(", ", known());
    if (left != null) {
      return "task type '"
          + type
          + "' was last offered by a worker "
          + Duration.ofMillis(clock.millis() - left).toSeconds()
          + " s ago, longer than the coordinator remembers types ("
          + memoryText()
          + ", --remember-types-for-s); offered now: "
          + known;
    }
    return "unknown task type '" + type + "' (known: " + known + ")";
  }

  private String memoryText() {
    return Duration.ofMillis(memoryMillis)
        .toString()
        .substring(2)
        .toLowerCase(java.util.Locale.ROOT);
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
