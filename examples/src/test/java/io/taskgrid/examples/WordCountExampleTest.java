package io.taskgrid.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example end to end: a real coordinator and worker in this JVM, the worker finding the two
 * handlers on its class path by the service loader (as it finds a plugin jar's), the CPU handler in
 * a real child process, and the client app's JSON records both ways.
 */
class WordCountExampleTest {
  private static Coordinator coordinator;
  private static Worker worker;
  private static TaskgridClient client;

  @BeforeAll
  static void startCluster() throws Exception {
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .host("127.0.0.1")
                .port(0)
                .hazelcastHost("127.0.0.1")
                .hazelcastPort(0)
                .clusterName("examples-" + ProcessHandle.current().pid())
                .build());
    worker =
        Worker.start(
            WorkerOptions.newBuilder()
                .coordinators(List.of(coordinator.target()))
                .cpuProcesses(1)
                .build());
    client = TaskgridClient.connect(coordinator.target());
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> handlers().containsAll(List.of("examples.clean", "examples.wordcount")));
  }

  private static List<String> handlers() {
    return client.workers().stream()
        .flatMap(w -> w.pools().stream())
        .flatMap((WorkerInfo.PoolInfo p) -> p.handlers().stream())
        .toList();
  }

  @AfterAll
  static void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
  }

  @Test
  void clientApp_cleansThenCountsEveryDocument() {
    List<WordStats> stats = WordCountClient.run(client, WordCountClient.sampleDocuments());

    assertThat(stats)
        .extracting(WordStats::id, WordStats::words)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("seeds", 13),
            org.assertj.core.groups.Tuple.tuple("fox", 12),
            org.assertj.core.groups.Tuple.tuple("grid", 9));
    assertThat(stats.get(1).top())
        .containsExactly(
            new WordStats.WordCount("the", 3),
            new WordStats.WordCount("dog", 2),
            new WordStats.WordCount("brown", 1));
    assertThat(stats.get(2).top().get(0)).isEqualTo(new WordStats.WordCount("tasks", 4));
  }

  @Test
  void ioHandler_documentWithoutText_failsWithTheHandlersMessage() {
    assertThatThrownBy(() -> client.submit(ExampleTypes.CLEAN, new Document("empty", null)).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("document empty has no text");
  }
}
