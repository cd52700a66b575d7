package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link TaskStore} must have; one subclass per implementation. */
abstract class TaskStoreContractTest {
  static final Duration TTL = Duration.ofSeconds(1);

  private TaskStore store;

  /** Unique per test so stores shared across tests (one Hazelcast member) do not interfere. */
  private String prefix;

  /** A store whose terminal records expire after {@link #TTL}. */
  abstract TaskStore newStore();

  /** Makes time pass beyond the TTL (advance a fake clock, or wait for real time). */
  abstract void passTtl(TaskStore store, String expiringId);

  @BeforeEach
  void setUp() {
    store = newStore();
    prefix = "t-" + UUID.randomUUID() + "-";
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  TaskInfo queued(String id, String data) {
    return TaskInfo.newBuilder()
        .setSpec(
            TaskSpec.newBuilder()
                .setId(prefix + id)
                .setType("echo")
                .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8(data))))
        .setState(TaskState.QUEUED)
        .setSubmittedUnixMs(1000)
        .build();
  }

  static TaskInfo done(TaskInfo info) {
    return info.toBuilder()
        .setState(TaskState.DONE)
        .setResult(
            TaskResult.newBuilder()
                .setTaskId(info.getSpec().getId())
                .setOutcome(Outcome.SUCCEEDED)
                .setAttempt(1))
        .build();
  }

  @Test
  void createAll_newIds_storesAndReportsCreated() throws Exception {
    TaskInfo a = queued("a", "1");
    TaskInfo b = queued("b", "2");

    List<Optional<TaskInfo>> result = join(store.createAll(List.of(a, b)));

    assertThat(result).containsExactly(Optional.empty(), Optional.empty());
    assertThat(join(store.get(prefix + "a"))).contains(a);
    assertThat(join(store.get(prefix + "b"))).contains(b);
  }

  @Test
  void createAll_existingId_keepsFirstAndReturnsIt() throws Exception {
    TaskInfo first = queued("a", "first");
    join(store.createAll(List.of(first)));

    List<Optional<TaskInfo>> result = join(store.createAll(List.of(queued("a", "second"))));

    assertThat(result).containsExactly(Optional.of(first));
    assertThat(join(store.get(prefix + "a"))).contains(first);
  }

  @Test
  void createAll_sameIdTwiceInOneBatch_storesOnlyOne() throws Exception {
    List<Optional<TaskInfo>> result =
        join(store.createAll(List.of(queued("a", "x"), queued("a", "x"))));

    assertThat(result.stream().filter(Optional::isEmpty).count()).isEqualTo(1);
  }

  @Test
  void get_unknownId_isEmpty() throws Exception {
    assertThat(join(store.get(prefix + "nope"))).isEmpty();
  }

  @Test
  void getAll_mixedIds_returnsOnlyKnown() throws Exception {
    join(store.createAll(List.of(queued("a", "1"))));

    Map<String, TaskInfo> found = join(store.getAll(List.of(prefix + "a", prefix + "zz")));

    assertThat(found).containsOnlyKeys(prefix + "a");
  }

  @Test
  void updateAll_liveRecord_overwrites() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo running = a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build();

    join(store.updateAll(List.of(running)));

    assertThat(join(store.get(prefix + "a"))).contains(running);
  }

  @Test
  void completeAll_terminalRecord_readableThenExpiresAfterTtl() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo done = done(a);

    join(store.completeAll(List.of(done)));
    assertThat(join(store.get(prefix + "a"))).contains(done);

    passTtl(store, prefix + "a");
    assertThat(join(store.get(prefix + "a"))).isEmpty();
  }

  @Test
  void updateAll_liveRecord_doesNotExpire() throws Exception {
    TaskInfo a = queued("a", "1");
    TaskInfo b = queued("b", "1");
    join(store.createAll(List.of(a, b)));
    join(store.completeAll(List.of(done(b))));

    passTtl(store, prefix + "b");

    assertThat(join(store.get(prefix + "a"))).contains(a);
  }

  @Test
  void updateAll_afterComplete_doesNotRegress() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo done = done(a);
    join(store.completeAll(List.of(done)));

    join(store.updateAll(List.of(a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build())));

    assertThat(join(store.get(prefix + "a"))).contains(done);
  }

  @Test
  void updateAll_olderAttempt_ignored() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo second = a.toBuilder().setState(TaskState.RUNNING).setAttempt(2).build();
    join(store.updateAll(List.of(second)));

    join(store.updateAll(List.of(a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build())));

    assertThat(join(store.get(prefix + "a"))).contains(second);
  }
}
