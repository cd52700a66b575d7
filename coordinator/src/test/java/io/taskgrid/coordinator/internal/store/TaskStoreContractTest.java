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

  static TaskInfo running(TaskInfo info, int attempt, String worker, String owner) {
    return info.toBuilder()
        .setState(TaskState.RUNNING)
        .setAttempt(attempt)
        .setWorkerId(worker)
        .setOwner(owner)
        .build();
  }

  static TaskResult report(TaskInfo info, int attempt, String worker, String output) {
    return TaskResult.newBuilder()
        .setTaskId(info.getSpec().getId())
        .setOutcome(Outcome.SUCCEEDED)
        .setAttempt(attempt)
        .setWorkerId(worker)
        .setOutput(Payload.newBuilder().setData(ByteString.copyFromUtf8(output)))
        .build();
  }

  @Test
  void completeFirst_twoTerminalWrites_firstOneStandsForBoth() throws Exception {
    TaskInfo a = queued("first", "1");
    join(store.createAll(List.of(a)));
    TaskInfo succeeded = done(a);
    TaskInfo cancelled =
        a.toBuilder()
            .setState(TaskState.DONE)
            .setResult(
                TaskResult.newBuilder()
                    .setTaskId(a.getSpec().getId())
                    .setOutcome(Outcome.CANCELLED))
            .build();

    List<TaskInfo> first = join(store.completeFirst(List.of(succeeded)));
    List<TaskInfo> second = join(store.completeFirst(List.of(cancelled)));

    assertThat(first).containsExactly(succeeded);
    assertThat(second).containsExactly(succeeded);
    assertThat(join(store.get(a.getSpec().getId()))).contains(succeeded);
  }

  @Test
  void completeLeases_reportOfTheStoredLease_endsTheTask() throws Exception {
    TaskInfo a = queued("lease", "1");
    join(store.createAll(List.of(a)));
    join(store.updateAll(List.of(running(a, 2, "w1", "c1"))));

    List<TaskInfo> won = join(store.completeLeases(List.of(report(a, 2, "w1", "out"))));

    assertThat(won).hasSize(1);
    TaskInfo stored = join(store.get(a.getSpec().getId())).orElseThrow();
    assertThat(stored.getState()).isEqualTo(TaskState.DONE);
    assertThat(stored.getResult().getOutput().getData().toStringUtf8()).isEqualTo("out");
    assertThat(stored.getResult().getAttempt()).isEqualTo(2);
  }

  @Test
  void completeLeases_staleAttemptOrOtherWorkerOrDone_dropped() throws Exception {
    TaskInfo a = queued("stale", "1");
    join(store.createAll(List.of(a)));
    join(store.updateAll(List.of(running(a, 2, "w1", "c1"))));

    List<TaskInfo> oldAttempt = join(store.completeLeases(List.of(report(a, 1, "w1", "x"))));
    List<TaskInfo> otherWorker = join(store.completeLeases(List.of(report(a, 2, "w2", "x"))));
    join(store.completeLeases(List.of(report(a, 2, "w1", "winner"))));
    List<TaskInfo> afterDone = join(store.completeLeases(List.of(report(a, 2, "w1", "late"))));

    assertThat(oldAttempt).isEmpty();
    assertThat(otherWorker).isEmpty();
    assertThat(afterDone).isEmpty();
    TaskInfo stored = join(store.get(a.getSpec().getId())).orElseThrow();
    assertThat(stored.getResult().getOutput().getData().toStringUtf8()).isEqualTo("winner");
  }

  @Test
  void claimOrphans_liveRecordsOfDepartedOwners_claimedOnce() throws Exception {
    TaskInfo orphan = queued("orphan", "1").toBuilder().setOwner("gone").build();
    TaskInfo runningOrphan = running(queued("orphan-running", "2"), 1, "w1", "gone");
    TaskInfo kept = queued("kept", "3").toBuilder().setOwner("alive").build();
    TaskInfo finished = done(queued("finished", "4").toBuilder().setOwner("gone").build());
    join(store.createAll(List.of(orphan, runningOrphan, kept)));
    join(store.completeAll(List.of(finished)));

    List<TaskInfo> claimed = join(store.claimOrphans(java.util.Set.of("alive", "me"), "me"));
    List<TaskInfo> again = join(store.claimOrphans(java.util.Set.of("alive", "me"), "me"));

    assertThat(claimed)
        .filteredOn(i -> i.getSpec().getId().startsWith(prefix))
        .extracting(i -> i.getSpec().getId())
        .containsExactlyInAnyOrder(orphan.getSpec().getId(), runningOrphan.getSpec().getId());
    assertThat(claimed).allSatisfy(i -> assertThat(i.getOwner()).isEqualTo("me"));
    assertThat(again).filteredOn(i -> i.getSpec().getId().startsWith(prefix)).isEmpty();
    assertThat(join(store.get(runningOrphan.getSpec().getId())).orElseThrow().getState())
        .isEqualTo(TaskState.RUNNING);
    assertThat(join(store.get(kept.getSpec().getId())).orElseThrow().getOwner()).isEqualTo("alive");
  }
}
