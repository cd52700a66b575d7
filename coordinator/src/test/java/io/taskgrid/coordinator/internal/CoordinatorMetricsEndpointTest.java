package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class CoordinatorMetricsEndpointTest {
  @Test
  void start_metricsPortZero_servesPrometheusTextOnAFreePort() throws Exception {
    try (Coordinator c =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .metricsPort(0)
                .clusterName("metrics-" + System.nanoTime())
                .build())) {
      assertThat(c.metricsPort()).isPositive();

      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + c.metricsPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("taskgrid_cluster_members 1.0")
          .contains("taskgrid_retained_records 0.0")
          .contains("taskgrid_retained_max_records 500000.0")
          .contains("taskgrid_retained_max_bytes 0.0")
          .containsPattern("taskgrid_retained_bytes [0-9.E]+")
          .contains("taskgrid_workers_connected 0.0")
          .contains("taskgrid_queue_depth{pool=\"io\",} 0.0")
          .contains("# TYPE taskgrid_task_queue_wait_seconds histogram")
          .contains(
              "taskgrid_tasks_completed_total{pool=\"cpu\",type=\"other\",outcome=\"failed\",} 0.0")
          .contains("taskgrid_oldest_queued_task_age_seconds{pool=\"io\",} 0.0")
          .contains("taskgrid_longest_running_task_age_seconds{pool=\"cpu\",} 0.0")
          .contains("taskgrid_tasks_held_by_type_limit{pool=\"io\",} 0.0")
          .contains("taskgrid_tasks_queued_without_worker{pool=\"unknown\",type=\"other\",} 0.0")
          .contains("taskgrid_workers_declared_dead_total 0.0")
          .contains("# TYPE taskgrid_store_operation_seconds histogram")
          .containsPattern("taskgrid_build_info\\{version=\"[^\"]+\",} 1.0")
          .contains("jvm_threads_current");
    }
  }

  @Test
  void start_metricsDisabledByDefault_noEndpoint() throws Exception {
    try (Coordinator c =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("metrics-off-" + System.nanoTime())
                .build())) {
      assertThat(c.metricsPort()).isEqualTo(-1);
      assertThat(c.metricsRegistry().getSampleValue("taskgrid_cluster_members")).isEqualTo(1.0);
    }
  }
}
