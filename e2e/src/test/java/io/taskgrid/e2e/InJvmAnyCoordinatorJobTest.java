package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.JobStatus;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchRequest;
import io.taskgrid.proto.v1.WatchResponse;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Any coordinator answers for any job: a job accepted by coordinator A is found by GetJob and
 * Watch(job_id) on coordinator B of the same cluster (from the store).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InJvmAnyCoordinatorJobTest {
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Coordinator a;
  private Coordinator b;

  @BeforeEach
  void startCluster() throws Exception {
    int[] ports = {InJvmCluster.freePort(), InJvmCluster.freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    String cluster = "any-job-" + System.nanoTime();
    a = InJvmCluster.startMember(cluster, ports[0], members);
    resources.add(a);
    b = InJvmCluster.startMember(cluster, ports[1], members);
    resources.add(b);
    resources.add(
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(a.target(), b.target()))
                .cpuProcesses(0)
                .build()));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private TaskgridClient clientOf(Coordinator c) {
    TaskgridClient client =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(c.target())).build());
    resources.add(client);
    return client;
  }

  private List<TaskFuture<String>> submitJob(TaskgridClient client, String job, int n) {
    List<TaskFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(
          client.submit(TaskTypes.ECHO, "v" + i, TaskOptions.newBuilder().jobId(job).build()));
    }
    return futures;
  }

  @Test
  void getJob_jobAcceptedByAnotherCoordinator_countedFromTheStore() {
    List<TaskFuture<String>> futures = submitJob(clientOf(a), "job-1", 5);
    futures.forEach(f -> assertThat(f).succeedsWithin(Duration.ofSeconds(30)));

    JobStatus seenByB = clientOf(b).getJob("job-1").orElseThrow();

    assertThat(seenByB.submitted()).isEqualTo(5);
    assertThat(seenByB.completed()).isEqualTo(Map.of("SUCCEEDED", 5L));
    assertThat(clientOf(b).getJob("no-such-job")).isEmpty();
  }

  @Test
  void watchJob_jobAcceptedByAnotherCoordinator_everyResultThenTheStreamEnds() {
    TaskgridClient client = clientOf(a);
    List<TaskFuture<String>> done = submitJob(client, "job-2", 3);
    done.forEach(f -> assertThat(f).succeedsWithin(Duration.ofSeconds(30)));
    // One more that is still running when the watch starts on B.
    TaskFuture<Long> slow =
        client.submit(TaskTypes.SLEEP, 1_500L, TaskOptions.newBuilder().jobId("job-2").build());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.getTask(slow.taskId()).isPresent());

    ManagedChannel channel = ManagedChannelBuilder.forTarget(b.target()).usePlaintext().build();
    try {
      Iterator<WatchResponse> stream =
          TaskServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .watch(WatchRequest.newBuilder().setJobId("job-2").build());
      List<String> ended = new ArrayList<>();
      stream.forEachRemaining(
          r -> r.getResultsList().stream().map(TaskResult::getTaskId).forEach(ended::add));

      List<String> expected = new ArrayList<>();
      done.forEach(f -> expected.add(f.taskId()));
      expected.add(slow.taskId());
      assertThat(ended).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      channel.shutdownNow();
    }
  }
}
