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
import java.util.ArrayList;
import java.util.HexFormat;
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
  /**
   * Long enough that a loaded machine reads a record back before it expires (with 1 s, tests failed
   * on real Hazelcast at a load average of 24); short enough for {@link #passTtl} to wait it out.
   */
  static final Duration TTL = Duration.ofSeconds(3);

  /** Spans every partition of a Hazelcast map, several records to each. */
  static final int LARGE_BATCH = 3_000;

  /**
   * A store whose terminal records outlive any test, so a test reads back what it wrote however
   * slow the machine.
   */
  private TaskStore store;

  /** A store whose terminal records expire after {@link #TTL}: for the expiry tests only. */
  private TaskStore expiring;

  /** Unique per test so stores shared across tests (one Hazelcast member) do not interfere. */
  private String prefix;

  /** A store whose terminal records expire after {@code resultTtl}. */
  abstract TaskStore newStore(Duration resultTtl);

  /** The budget of {@link #newBudgetedStore}: the smallest one allowed. */
  static final long BUDGET = 1_000;

  /**
   * A store that keeps at most {@link #BUDGET} finished records (and their results for an hour). It
   * may share records with other budgeted stores of the same test class.
   */
  abstract TaskStore newBudgetedStore() throws Exception;

  /**
   * Lets the budgeted stores apply their budget now: a store that applies it as it writes needs
   * nothing; one that sweeps in the background (the Hazelcast store's finished chunks, format 4)
   * sweeps on every member.
   */
  void applyRetention(TaskStore budgeted) throws Exception {}

  /** Makes time pass beyond the TTL (advance a fake clock, or wait for real time). */
  abstract void passTtl(TaskStore store, String expiringId);

  @BeforeEach
  void setUp() {
    store = newStore(Duration.ofHours(1));
    expiring = newStore(TTL);
    prefix =
        chunkedIds()
            ? HexFormat.of().formatHex(randomBytes(16)) + "-"
            : "t-" + UUID.randomUUID() + "-";
    counters.clear();
  }

  /**
   * Whether the tests name their tasks as the SDKs do ({@code <prefix>-<n>-<check>}, kept in chunks
   * by the Hazelcast store) rather than with ids of their own choosing.
   */
  boolean chunkedIds() {
    return false;
  }

  /** The n of each task name of this test, in the order the names are first used. */
  private final Map<String, String> counters = new java.util.HashMap<>();

  /** The id of the task this test calls {@code name}; always the same one for a name. */
  String id(String name) {
    if (!chunkedIds()) {
      return prefix + name;
    }
    return counters.computeIfAbsent(
        name, n -> prefix + counters.size() + "-" + HexFormat.of().formatHex(randomBytes(8)));
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  @AfterEach
  void tearDown() {
    store.close();
    expiring.close();
  }

  static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  TaskInfo queued(String id, String data) {
    return TaskInfo.newBuilder()
        .setSpec(
            TaskSpec.newBuilder()
                .setId(id(id))
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
    assertThat(join(store.get(id("a")))).contains(a);
    assertThat(join(store.get(id("b")))).contains(b);
  }

  @Test
  void createAll_existingId_keepsFirstAndReturnsIt() throws Exception {
    TaskInfo first = queued("a", "first");
    join(store.createAll(List.of(first)));

    List<Optional<TaskInfo>> result = join(store.createAll(List.of(queued("a", "second"))));

    assertThat(result).containsExactly(Optional.of(first));
    assertThat(join(store.get(id("a")))).contains(first);
  }

  @Test
  void createAll_sameIdTwiceInOneBatch_storesOnlyOne() throws Exception {
    List<Optional<TaskInfo>> result =
        join(store.createAll(List.of(queued("a", "x"), queued("a", "x"))));

    assertThat(result.stream().filter(Optional::isEmpty).count()).isEqualTo(1);
  }

  @Test
  void createAll_sameIdTwiceInOneBatch_laterOneGetsTheFirst() throws Exception {
    TaskInfo first = queued("a", "first");

    List<Optional<TaskInfo>> result = join(store.createAll(List.of(first, queued("a", "second"))));

    assertThat(result).containsExactly(Optional.empty(), Optional.of(first));
    assertThat(join(store.get(id("a")))).contains(first);
  }

  @Test
  void createAll_largeBatchPartlyStored_answersEachInInputOrder() throws Exception {
    List<TaskInfo> earlier = new ArrayList<>();
    List<TaskInfo> batch = new ArrayList<>();
    for (int i = 0; i < LARGE_BATCH; i++) {
      if (i % 3 == 0) {
        TaskInfo old = queued("n" + i, "earlier");
        earlier.add(old);
      }
      batch.add(queued("n" + i, "later"));
    }
    join(store.createAll(earlier));

    List<Optional<TaskInfo>> result = join(store.createAll(batch));

    assertThat(result).hasSize(LARGE_BATCH);
    for (int i = 0; i < LARGE_BATCH; i++) {
      assertThat(result.get(i))
          .as("answer " + i)
          .isEqualTo(i % 3 == 0 ? Optional.of(earlier.get(i / 3)) : Optional.empty());
    }
    Map<String, TaskInfo> stored =
        join(store.getAll(batch.stream().map(r -> r.getSpec().getId()).toList()));
    assertThat(stored).hasSize(LARGE_BATCH);
    assertThat(stored.get(id("n1"))).isEqualTo(batch.get(1));
    assertThat(stored.get(id("n3"))).isEqualTo(earlier.get(1));
  }

  @Test
  void get_unknownId_isEmpty() throws Exception {
    assertThat(join(store.get(id("nope")))).isEmpty();
  }

  @Test
  void getAll_mixedIds_returnsOnlyKnown() throws Exception {
    join(store.createAll(List.of(queued("a", "1"))));

    Map<String, TaskInfo> found = join(store.getAll(List.of(id("a"), id("zz"))));

    assertThat(found).containsOnlyKeys(id("a"));
  }

  @Test
  void updateAll_liveRecord_overwrites() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo running = a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build();

    join(store.updateAll(List.of(running)));

    assertThat(join(store.get(id("a")))).contains(running);
  }

  @Test
  void completeAll_terminalRecord_readableThenExpiresAfterTtl() throws Exception {
    TaskInfo a = queued("a", "1");
    join(expiring.createAll(List.of(a)));
    TaskInfo done = done(a);

    join(expiring.completeAll(List.of(done)));
    assertThat(join(expiring.get(id("a")))).contains(done);

    passTtl(expiring, id("a"));
    assertThat(join(expiring.get(id("a")))).isEmpty();
  }

  @Test
  void updateAll_liveRecord_doesNotExpire() throws Exception {
    TaskInfo a = queued("a", "1");
    TaskInfo b = queued("b", "1");
    join(expiring.createAll(List.of(a, b)));
    join(expiring.completeAll(List.of(done(b))));

    passTtl(expiring, id("b"));

    assertThat(join(expiring.get(id("a")))).contains(a);
  }

  @Test
  void updateAll_afterComplete_doesNotRegress() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo done = done(a);
    join(store.completeAll(List.of(done)));

    join(store.updateAll(List.of(a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build())));

    assertThat(join(store.get(id("a")))).contains(done);
  }

  @Test
  void updateAll_olderAttempt_ignored() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo second = a.toBuilder().setState(TaskState.RUNNING).setAttempt(2).build();
    join(store.updateAll(List.of(second)));

    join(store.updateAll(List.of(a.toBuilder().setState(TaskState.RUNNING).setAttempt(1).build())));

    assertThat(join(store.get(id("a")))).contains(second);
  }

  @Test
  void updateAll_batchOfDoneAndLiveRecords_onlyLiveOnesChange() throws Exception {
    List<TaskInfo> created = new ArrayList<>();
    List<TaskInfo> completed = new ArrayList<>();
    List<TaskInfo> leases = new ArrayList<>();
    for (int i = 0; i < LARGE_BATCH; i++) {
      TaskInfo t = queued("u" + i, "1");
      created.add(t);
      if (i % 2 == 0) {
        completed.add(done(t));
      }
      leases.add(running(t, 1, "w1", "c1"));
    }
    join(store.createAll(created));
    join(store.completeAll(completed));

    join(store.updateAll(leases));

    Map<String, TaskInfo> stored =
        join(store.getAll(created.stream().map(r -> r.getSpec().getId()).toList()));
    for (int i = 0; i < LARGE_BATCH; i++) {
      assertThat(stored.get(id("u" + i)))
          .as("record " + i)
          .isEqualTo(i % 2 == 0 ? completed.get(i / 2) : leases.get(i));
    }
  }

  @Test
  void updateAll_sameIdTwiceInOneBatch_laterAttemptStandsInEitherOrder() throws Exception {
    TaskInfo a = queued("a", "1");
    TaskInfo b = queued("b", "1");
    join(store.createAll(List.of(a, b)));

    join(
        store.updateAll(
            List.of(
                running(a, 2, "w2", "c1"),
                running(a, 1, "w1", "c1"),
                running(b, 1, "w1", "c1"),
                running(b, 2, "w2", "c1"))));

    assertThat(join(store.get(id("a")))).contains(running(a, 2, "w2", "c1"));
    assertThat(join(store.get(id("b")))).contains(running(b, 2, "w2", "c1"));
  }

  @Test
  void completeFirst_sameIdTwiceInOneBatch_firstStandsForBoth() throws Exception {
    TaskInfo a = queued("a", "1");
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

    List<TaskInfo> stands = join(store.completeFirst(List.of(succeeded, cancelled)));

    assertThat(stands).containsExactly(succeeded, succeeded);
    assertThat(join(store.get(id("a")))).contains(succeeded);
  }

  @Test
  void completeFirst_largeBatchPartlyDone_answersTheStandingRecordInInputOrder() throws Exception {
    List<TaskInfo> created = new ArrayList<>();
    List<TaskInfo> earlier = new ArrayList<>();
    List<TaskInfo> later = new ArrayList<>();
    for (int i = 0; i < LARGE_BATCH; i++) {
      TaskInfo t = queued("c" + i, "1");
      created.add(t);
      if (i % 4 == 0) {
        earlier.add(done(t).toBuilder().setWorkerId("earlier").build());
      }
      later.add(done(t).toBuilder().setWorkerId("later").build());
    }
    join(store.createAll(created));
    join(store.completeFirst(earlier));

    List<TaskInfo> stands = join(store.completeFirst(later));

    assertThat(stands).hasSize(LARGE_BATCH);
    for (int i = 0; i < LARGE_BATCH; i++) {
      assertThat(stands.get(i))
          .as("answer " + i)
          .isEqualTo(i % 4 == 0 ? earlier.get(i / 4) : later.get(i));
    }
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
  void completeLeases_batch_endsOnlyTheCurrentLeasesInInputOrder() throws Exception {
    List<TaskInfo> created = new ArrayList<>();
    List<TaskInfo> leases = new ArrayList<>();
    List<TaskResult> reports = new ArrayList<>();
    for (int i = 0; i < LARGE_BATCH; i++) {
      TaskInfo t = queued("l" + i, "1");
      created.add(t);
      leases.add(running(t, 1, "w1", "c1"));
      // Every third report is for a worker that does not hold the lease.
      reports.add(report(t, 1, i % 3 == 0 ? "w2" : "w1", "out" + i));
    }
    join(store.createAll(created));
    join(store.updateAll(leases));

    List<TaskInfo> won = join(store.completeLeases(reports));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < LARGE_BATCH; i++) {
      if (i % 3 != 0) {
        expected.add(id("l" + i));
      }
    }
    assertThat(won).extracting(i -> i.getSpec().getId()).containsExactlyElementsOf(expected);
    assertThat(won).allSatisfy(i -> assertThat(i.getState()).isEqualTo(TaskState.DONE));
    assertThat(join(store.get(id("l0"))).orElseThrow().getState()).isEqualTo(TaskState.RUNNING);
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

  @Test
  void ownedLiveIds_liveRecordsOfThatOwnerOnly() throws Exception {
    TaskInfo queued = queued("mine-queued", "1").toBuilder().setOwner("me").build();
    TaskInfo runningMine = running(queued("mine-running", "2"), 1, "w1", "me");
    TaskInfo other = queued("theirs", "3").toBuilder().setOwner("other").build();
    TaskInfo ended = queued("mine-ended", "4").toBuilder().setOwner("me").build();
    join(store.createAll(List.of(queued, runningMine, other, ended)));
    join(store.updateAll(List.of(runningMine)));
    join(store.completeAll(List.of(done(ended))));

    List<String> ids = join(store.ownedLiveIds("me"));

    assertThat(ids)
        .filteredOn(id -> id.startsWith(prefix))
        .containsExactlyInAnyOrder(queued.getSpec().getId(), runningMine.getSpec().getId());
  }

  @Test
  void updateAll_unknownOrEndedRecord_createsNothing() throws Exception {
    TaskInfo unknown = queued("unknown", "1");
    TaskInfo ended = queued("ended", "2");
    join(store.createAll(List.of(ended)));
    TaskInfo done = done(ended);
    join(store.completeAll(List.of(done)));

    join(store.updateAll(List.of(running(unknown, 1, "w1", "c1"), running(ended, 2, "w1", "c1"))));

    assertThat(join(store.get(unknown.getSpec().getId()))).isEmpty();
    assertThat(join(store.get(ended.getSpec().getId()))).contains(done);
  }

  @Test
  void createAll_idOfAnEndedTask_answersTheDoneRecordAndStoresNothingLive() throws Exception {
    TaskInfo a = queued("a", "1");
    join(store.createAll(List.of(a)));
    TaskInfo done = done(a);
    join(store.completeAll(List.of(done)));

    List<Optional<TaskInfo>> again = join(store.createAll(List.of(queued("a", "other"))));

    assertThat(again).containsExactly(Optional.of(done));
    assertThat(join(store.get(a.getSpec().getId()))).contains(done);
    assertThat(join(store.claimOrphans(java.util.Set.of(), "me")))
        .noneMatch(r -> r.getSpec().getId().equals(a.getSpec().getId()));
  }

  @Test
  void completeAll_beyondTheBudget_keepsAtMostTheBudgetOldestFirstAndEveryLiveRecord()
      throws Exception {
    TaskStore budgeted = newBudgetedStore();
    try {
      List<TaskInfo> live = new ArrayList<>();
      for (int i = 0; i < BUDGET; i++) {
        live.add(queued("live" + i, "1"));
      }
      join(budgeted.createAll(live));
      int batches = 4;
      List<List<String>> endedIds = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        List<TaskInfo> batch = new ArrayList<>();
        for (int i = 0; i < BUDGET; i++) {
          batch.add(queued("ended" + b + "-" + i, "1"));
        }
        join(budgeted.createAll(batch));
        join(budgeted.completeAll(batch.stream().map(TaskStoreContractTest::done).toList()));
        endedIds.add(batch.stream().map(r -> r.getSpec().getId()).toList());
      }

      applyRetention(budgeted);
      Retained retained = budgeted.retained();
      Map<String, TaskInfo> liveNow =
          join(budgeted.getAll(live.stream().map(r -> r.getSpec().getId()).toList()));
      int oldestKept = join(budgeted.getAll(endedIds.get(0))).size();
      int newestKept = join(budgeted.getAll(endedIds.get(batches - 1))).size();

      assertThat(retained.records()).isBetween(1L, BUDGET);
      assertThat(retained.bytes()).isPositive();
      assertThat(liveNow).hasSize((int) BUDGET);
      assertThat(liveNow.values())
          .allSatisfy(r -> assertThat(r.getState()).isEqualTo(TaskState.QUEUED));
      assertThat(oldestKept).isLessThan(newestKept);
    } finally {
      budgeted.close();
    }
  }

  @Test
  void jobRecords_recordsOfOneJobInAnyState_returnedAndNoOthers() throws Exception {
    String job = prefix + "job";
    TaskInfo q = withJob(queued("jq", "1"), job);
    TaskInfo r = running(withJob(queued("jr", "2"), job), 1, "w1", "owner");
    TaskInfo d = done(withJob(queued("jd", "3"), job));
    TaskInfo other = withJob(queued("other", "4"), prefix + "other-job");
    join(store.createAll(List.of(q, r, other)));
    join(store.updateAll(List.of(r)));
    join(store.completeAll(List.of(d)));

    List<TaskInfo> found = join(store.jobRecords(job));

    assertThat(found)
        .extracting(i -> i.getSpec().getId())
        .containsExactlyInAnyOrder(q.getSpec().getId(), r.getSpec().getId(), d.getSpec().getId());
    assertThat(join(store.jobRecords(prefix + "no-such-job"))).isEmpty();
  }

  private static TaskInfo withJob(TaskInfo info, String job) {
    return info.toBuilder().setSpec(info.getSpec().toBuilder().setJobId(job)).build();
  }
}
