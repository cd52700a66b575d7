package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.taskgrid.coordinator.internal.sched.TaskEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker liveness: every message on a worker's stream (results, credits, heartbeats) renews the
 * lease of all the tasks assigned on it; a worker silent for longer than the lease timeout is
 * declared dead, which re-queues its tasks with attempt + 1. A TCP connection can stay open while
 * its process is frozen (SIGSTOP, a long GC pause, a hung host), so the stream alone is no proof of
 * life. {@link #check()} decides by the injected clock; the coordinator calls it from a timer,
 * tests after advancing a fake clock. Thread-safe.
 */
public final class LeaseMonitor {
  private static final Logger log = LoggerFactory.getLogger(LeaseMonitor.class);

  /** The default lease timeout: three default worker heartbeat intervals and a bit. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  private final Clock clock;
  private final long leaseMillis;
  private final Set<WorkerConnection> connections = ConcurrentHashMap.newKeySet();

  /** When {@link #check()} last ran, by the injected clock (-1: never). */
  private final AtomicLong lastCheckMillis = new AtomicLong(-1);

  private final TaskEvents events;

  /** While set, no worker is declared dead: this coordinator's own view is not to be trusted. */
  private volatile boolean fenced;

  public LeaseMonitor(Clock clock, Duration lease) {
    this(clock, lease, TaskEvents.NONE);
  }

  /** A monitor that counts the workers it declares dead in {@code events} (metrics). */
  public LeaseMonitor(Clock clock, Duration lease, TaskEvents events) {
    this.clock = clock;
    this.leaseMillis = lease.toMillis();
    this.events = events;
  }

  /** The lease timeout. */
  public Duration lease() {
    return Duration.ofMillis(leaseMillis);
  }

  void register(WorkerConnection c) {
    connections.add(c);
  }

  void unregister(WorkerConnection c) {
    connections.remove(c);
  }

  /**
   * Fences this coordinator off: every worker stream ends with {@code status} (the workers go to
   * another coordinator; nothing is re-queued, see Scheduler#fence), and until {@link #unfence()}
   * no worker is declared dead.
   */
  public void fence(Status status) {
    fenced = true;
    for (WorkerConnection c : connections) {
      c.close(status);
    }
  }

  /** Declares silent workers dead again, counting from now (see {@link #fence}). */
  public void unfence() {
    long now = clock.millis();
    for (WorkerConnection c : connections) {
      c.renewLease(now);
    }
    lastCheckMillis.set(now);
    fenced = false;
  }

  /** Declares dead every worker whose last message is older than the lease; never blocks. */
  public void check() {
    long now = clock.millis();
    long last = lastCheckMillis.getAndSet(now);
    if (fenced) {
      return;
    }
    if (last >= 0 && now - last > leaseMillis) {
      // Checks run every lease/4: a gap longer than the lease means this coordinator itself did
      // not run (SIGSTOP, a long GC pause, a suspended VM). The workers' silence is its own, so
      // it renews their leases instead of declaring healthy workers dead; a worker that is really
      // gone stays silent and expires one lease from now.
      log.warn(
          "No lease check for {} ms (lease {} ms): this coordinator was paused; the leases of {}"
              + " worker(s) are renewed, not expired",
          now - last,
          leaseMillis,
          connections.size());
      for (WorkerConnection c : connections) {
        c.renewLease(now);
      }
      return;
    }
    List<WorkerConnection> expired = new ArrayList<>();
    for (WorkerConnection c : connections) {
      if (now - c.lastHeardMillis() > leaseMillis) {
        expired.add(c);
      }
    }
    for (WorkerConnection c : expired) {
      long silent = now - c.lastHeardMillis();
      var h = c.handle();
      log.warn(
          "Worker {} silent for {} ms (lease {} ms): declared dead, its tasks are re-queued",
          h == null ? "?" : h.id(),
          silent,
          leaseMillis);
      events.workerDeclaredDead();
      c.expire(silent);
    }
  }
}
