package io.taskgrid.coordinator.internal.sched;

import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.PoolStatus;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A connected worker: who it is, how to reach it, and slot counters for display. */
public final class WorkerHandle {
  private final WorkerHello hello;
  private final WorkerLink link;
  private final long connectedMillis;
  private final Map<Pool, AtomicInteger> used = new EnumMap<>(Pool.class);

  public WorkerHandle(WorkerHello hello, WorkerLink link, long connectedMillis) {
    this.hello = hello;
    this.link = link;
    this.connectedMillis = connectedMillis;
    for (Pool p : new Pool[] {Pool.IO, Pool.CPU}) {
      used.put(p, new AtomicInteger());
    }
  }

  public String id() {
    return hello.getWorkerId();
  }

  public WorkerHello hello() {
    return hello;
  }

  WorkerLink link() {
    return link;
  }

  AtomicInteger used(Pool pool) {
    return used.get(pool);
  }

  WorkerStatus status() {
    WorkerStatus.Builder b =
        WorkerStatus.newBuilder()
            .setWorkerId(id())
            .setNode(hello.getNode())
            .putAllLabels(hello.getLabelsMap())
            .setConnectedUnixMs(connectedMillis);
    for (PoolSpec p : hello.getPoolsList()) {
      AtomicInteger u = used.get(p.getPool());
      b.addPools(
          PoolStatus.newBuilder()
              .setPool(p.getPool())
              .setCapacity(p.getCapacity())
              .setUsed(u == null ? 0 : u.get())
              .addAllHandlers(p.getHandlersList()));
    }
    return b.build();
  }
}
