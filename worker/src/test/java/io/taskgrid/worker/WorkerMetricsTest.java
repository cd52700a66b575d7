package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  @Test
  void tasksOnSharedRegistry_countedByPoolAndOutcome_slotsAndLagExported() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    try (WorkerHarness h =
        new WorkerHarness(
            WorkerOptions.newBuilder().cpuProcesses(0).ioCapacity(50).metricsRegistry(registry))) {
      h.coordinator.submit("e1", "echo", Pool.IO, "hi");
      h.coordinator.submit("u1", "no.such.type", Pool.IO, "x");
      assertThat(h.awaitResult("e1").getOutcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(h.awaitResult("u1").getOutcome()).isEqualTo(Outcome.REJECTED);

      assertThat(sample(registry, "taskgrid_worker_tasks_completed_total", "io", "succeeded"))
          .isEqualTo(1.0);
      assertThat(sample(registry, "taskgrid_worker_tasks_completed_total", "io", "rejected"))
          .isEqualTo(1.0);
      assertThat(
              registry.getSampleValue(
                  "taskgrid_worker_slots_free", new String[] {"pool"}, new String[] {"io"}))
          .isEqualTo(50.0);
      assertThat(
              registry.getSampleValue(
                  "taskgrid_worker_cpu_child_restarts_total",
                  new String[] {"reason"},
                  new String[] {"crashed"}))
          .isEqualTo(0.0);
      // The lag probe runs on the event loops on its own: wait for its first sample.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.getSampleValue("taskgrid_worker_event_loop_lag_seconds_count") > 0);
      // The owner of the registry registers JVM metrics, not a worker given one.
      assertThat(
              registry.getSampleValue(
                  "taskgrid_build_info", new String[] {"version"}, new String[] {"dev"}))
          .isNull();
      assertThat(h.worker.metricsPort()).isEmpty();
    }
  }

  @Test
  void metricsPortZero_servesOwnRegistryWithJvmMetrics() throws Exception {
    try (WorkerHarness h =
        new WorkerHarness(
            WorkerOptions.newBuilder().cpuProcesses(0).metricsHost("127.0.0.1").metricsPort(0))) {
      int port = h.worker.metricsPort().orElseThrow();

      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("taskgrid_worker_slots_used{pool=\"io\",} 0.0")
          .contains("# TYPE taskgrid_worker_event_loop_lag_seconds histogram")
          .contains("taskgrid_build_info{version=")
          .contains("jvm_memory_bytes_used");
    }
  }

  private static Double sample(CollectorRegistry r, String name, String pool, String outcome) {
    return r.getSampleValue(name, new String[] {"pool", "outcome"}, new String[] {pool, outcome});
  }
}
