package io.taskgrid.coordinator.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Store operations are timed from the call to their completion, by an injected clock. */
class TimedTaskStoreTest {
  private final AtomicLong nanos = new AtomicLong();
  private final CollectorRegistry registry = new CollectorRegistry();
  private final List<Runnable> pending = new java.util.ArrayList<>();

  /** Store continuations run when the test says so: "the store took this long". */
  private final Executor held = pending::add;

  private final TimedTaskStore store =
      TimedTaskStore.wrap(
          new InMemoryTaskStore(new FakeClock(), Duration.ofHours(1), held), registry, nanos::get);

  @Test
  void createAll_completesAfter3Ms_observedAsCreate() {
    CompletableFuture<?> f =
        store
            .createAll(
                List.of(
                    TaskInfo.newBuilder()
                        .setSpec(TaskSpec.newBuilder().setId("t").setType("echo"))
                        .build()))
            .toCompletableFuture();
    nanos.addAndGet(3_000_000);
    pending.forEach(Runnable::run);

    assertThat(f).isCompleted();
    assertThat(sample("taskgrid_store_operation_seconds_count", "create")).isEqualTo(1.0);
    assertThat(sample("taskgrid_store_operation_seconds_sum", "create")).isEqualTo(0.003);
    assertThat(sample("taskgrid_store_operation_seconds_count", "update")).isEqualTo(0.0);
  }

  private Double sample(String name, String operation) {
    return registry.getSampleValue(name, new String[] {"operation"}, new String[] {operation});
  }
}
