package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.proto.v1.GetServerInfoRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
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
          .contains("taskgrid_store_writes_waiting_records{kind=\"lease\",} 0.0")
          .contains("taskgrid_store_writes_waiting_records{kind=\"result\",} 0.0")
          .contains("taskgrid_store_writes_in_flight{kind=\"result\",} 0.0")
          .contains("taskgrid_workers_declared_dead_total 0.0")
          .contains("# TYPE taskgrid_store_partition_operations_total counter")
          .contains("taskgrid_store_partition_operations_total{map=\"taskgrid-chunks\",} 0.0")
          .contains("taskgrid_store_partition_operations_total{map=\"taskgrid-results\",} 0.0")
          .contains("# TYPE taskgrid_store_operation_seconds histogram")
          .containsPattern("taskgrid_build_info\\{version=\"[^\"]+\",} 1.0")
          .contains("jvm_threads_current");
    }
  }

  @Test
  void grpcCalls_overNetty_countedPerMethodOnTheCoordinatorsRegistry() throws Exception {
    try (Coordinator c =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastPort(0)
                .clusterName("grpc-metrics-" + System.nanoTime())
                .build())) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext().build();
      try {
        TaskServiceGrpc.TaskServiceBlockingStub stub = TaskServiceGrpc.newBlockingStub(channel);
        stub.getServerInfo(GetServerInfoRequest.getDefaultInstance());
        assertThatThrownBy(() -> stub.getTask(GetTaskRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class)
            .hasMessageContaining("INVALID_ARGUMENT");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      CollectorRegistry r = c.metricsRegistry();
      String info = TaskServiceGrpc.getGetServerInfoMethod().getFullMethodName();
      String getTask = TaskServiceGrpc.getGetTaskMethod().getFullMethodName();
      String connect = WorkerServiceGrpc.getConnectMethod().getFullMethodName();

      assertThat(started(r, info)).isEqualTo(1.0);
      assertThat(handled(r, info, "OK")).isEqualTo(1.0);
      assertThat(
              r.getSampleValue(
                  "taskgrid_grpc_server_handling_seconds_count",
                  new String[] {"method"},
                  new String[] {info}))
          .isEqualTo(1.0);
      assertThat(started(r, getTask)).isEqualTo(1.0);
      assertThat(handled(r, getTask, "INVALID_ARGUMENT")).isEqualTo(1.0);
      assertThat(handled(r, getTask, "OK")).isEqualTo(0.0);
      // The worker stream and the health service are bound too, at 0 until used.
      assertThat(started(r, connect)).isEqualTo(0.0);
      assertThat(
              r.getSampleValue(
                  "taskgrid_grpc_server_msg_received_total",
                  new String[] {"method"},
                  new String[] {connect}))
          .isEqualTo(0.0);
      assertThat(started(r, HealthGrpc.getCheckMethod().getFullMethodName())).isEqualTo(0.0);
    }
  }

  private static Double started(CollectorRegistry r, String method) {
    return r.getSampleValue(
        "taskgrid_grpc_server_started_total", new String[] {"method"}, new String[] {method});
  }

  private static Double handled(CollectorRegistry r, String method, String code) {
    return r.getSampleValue(
        "taskgrid_grpc_server_handled_total",
        new String[] {"method", "code"},
        new String[] {method, code});
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
