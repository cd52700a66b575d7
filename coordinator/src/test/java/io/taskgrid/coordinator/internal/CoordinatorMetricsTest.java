package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import org.junit.jupiter.api.Test;

class CoordinatorMetricsTest {
  @Test
  void register_freshRuntime_exportsZeroGauges() {
    CoordinatorOptions o = CoordinatorOptions.getDefaultInstance();
    CollectorRegistry registry = new CollectorRegistry();
    try (CoordinatorRuntime runtime =
        CoordinatorRuntime.create(
            o, exec -> new InMemoryTaskStore(o.clock(), o.resultTtl(), exec))) {
      CoordinatorMetrics.register(registry, runtime);

      assertThat(registry.getSampleValue("taskgrid_workers_connected")).isEqualTo(0.0);
      assertThat(registry.getSampleValue("taskgrid_tasks_live")).isEqualTo(0.0);
    }
  }
}
