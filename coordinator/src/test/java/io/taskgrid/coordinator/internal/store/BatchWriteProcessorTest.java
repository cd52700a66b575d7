package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.taskgrid.coordinator.internal.store.BatchWriteProcessor.Kind;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Each kind's decision on one entry, without Hazelcast: the cases the single-key entry processors
 * decided before they were folded into the batch (the store contract tests cover them again through
 * the store, on real members). {@link Kind#COMPLETE_LEASE} is only tested here: the store ends
 * reports with TAKE_LEASE and COMPLETE_FIRST.
 */
class BatchWriteProcessorTest {
  private static final long TTL = 60_000;

  private static final TaskInfo QUEUED =
      TaskInfo.newBuilder()
          .setSpec(TaskSpec.newBuilder().setId("t1").setJobId("j1").setType("echo"))
          .setState(TaskState.QUEUED)
          .setSubmittedUnixMs(1000)
          .build();

  private static TaskInfo running(int attempt, String worker) {
    return QUEUED.toBuilder()
        .setState(TaskState.RUNNING)
        .setAttempt(attempt)
        .setWorkerId(worker)
        .build();
  }

  private static TaskInfo done(int attempt) {
    return running(attempt, "w1").toBuilder()
        .setState(TaskState.DONE)
        .setResult(TaskResult.newBuilder().setTaskId("t1").setOutcome(Outcome.SUCCEEDED))
        .build();
  }

  private static TaskResult report(int attempt, String worker) {
    return TaskResult.newBuilder()
        .setTaskId("t1")
        .setAttempt(attempt)
        .setWorkerId(worker)
        .setOutcome(Outcome.SUCCEEDED)
        .build();
  }

  /** Applies {@code kind} with {@code input} to an entry holding {@code stored}. */
  private static byte @Nullable [] apply(Kind kind, FakeEntry entry, byte[] input) {
    return new BatchWriteProcessor(kind, TTL, Map.of(entry.getKey(), input)).process(entry);
  }

  @Test
  void putIfAbsent_absent_storesAndAnswersNothing() {
    FakeEntry entry = new FakeEntry(null);

    assertThat(apply(Kind.PUT_IF_ABSENT, entry, QUEUED.toByteArray())).isNull();
    assertThat(entry.value).isEqualTo(QUEUED.toByteArray());
    assertThat(entry.writes).isEqualTo(1);
  }

  @Test
  void putIfAbsent_present_keepsAndAnswersTheStoredOne() {
    byte[] first = running(1, "w1").toByteArray();
    FakeEntry entry = new FakeEntry(first);

    assertThat(apply(Kind.PUT_IF_ABSENT, entry, QUEUED.toByteArray())).isEqualTo(first);
    assertThat(entry.value).isEqualTo(first);
    assertThat(entry.writes).isZero();
  }

  @Test
  void updateLive_liveRecordOfSameOrEarlierAttempt_overwrites() {
    FakeEntry same = new FakeEntry(running(2, "w1").toByteArray());
    FakeEntry earlier = new FakeEntry(running(1, "w1").toByteArray());
    byte[] update = running(2, "w2").toByteArray();

    assertThat(apply(Kind.UPDATE_LIVE, same, update)).isNull();
    assertThat(apply(Kind.UPDATE_LIVE, earlier, update)).isNull();

    assertThat(same.value).isEqualTo(update);
    assertThat(earlier.value).isEqualTo(update);
  }

  @Test
  void updateLive_absentDoneOrLaterAttempt_unchanged() {
    FakeEntry absent = new FakeEntry(null);
    FakeEntry ended = new FakeEntry(done(1).toByteArray());
    FakeEntry later = new FakeEntry(running(3, "w1").toByteArray());
    byte[] update = running(2, "w2").toByteArray();

    for (FakeEntry e : new FakeEntry[] {absent, ended, later}) {
      byte[] before = e.value;
      assertThat(apply(Kind.UPDATE_LIVE, e, update)).isNull();
      assertThat(e.value).isEqualTo(before);
      assertThat(e.writes).isZero();
    }
  }

  @Test
  void completeFirst_absentOrLive_writesWithTtlAndAnswersNothing() {
    byte[] terminal = done(1).toByteArray();
    FakeEntry absent = new FakeEntry(null);
    FakeEntry live = new FakeEntry(running(1, "w1").toByteArray());

    assertThat(apply(Kind.COMPLETE_FIRST, absent, terminal)).isNull();
    assertThat(apply(Kind.COMPLETE_FIRST, live, terminal)).isNull();

    for (FakeEntry e : new FakeEntry[] {absent, live}) {
      assertThat(e.value).isEqualTo(terminal);
      assertThat(e.ttlMillis).isEqualTo(TTL);
    }
  }

  @Test
  void completeFirst_doneAlready_keepsAndAnswersTheStandingRecord() {
    byte[] standing = done(1).toByteArray();
    FakeEntry entry = new FakeEntry(standing);
    byte[] second =
        done(2).toBuilder()
            .setResult(TaskResult.newBuilder().setTaskId("t1").setOutcome(Outcome.CANCELLED))
            .build()
            .toByteArray();

    assertThat(apply(Kind.COMPLETE_FIRST, entry, second)).isEqualTo(standing);
    assertThat(entry.value).isEqualTo(standing);
    assertThat(entry.writes).isZero();
  }

  @Test
  void completeLease_reportOfTheStoredLease_writesDoneWithTtlAndAnswersIt() {
    FakeEntry entry = new FakeEntry(running(2, "w1").toByteArray());

    byte[] answer = apply(Kind.COMPLETE_LEASE, entry, report(2, "w1").toByteArray());

    assertThat(answer).isNotNull().isEqualTo(entry.value);
    TaskInfo stored = TaskRecords.decode(entry.value);
    assertThat(stored.getState()).isEqualTo(TaskState.DONE);
    assertThat(stored.getResult().getAttempt()).isEqualTo(2);
    assertThat(stored.getResult().getJobId()).isEqualTo("j1");
    assertThat(stored.getResult().getSubmittedUnixMs()).isEqualTo(1000);
    assertThat(entry.ttlMillis).isEqualTo(TTL);
  }

  @Test
  void completeLease_staleAttemptOtherWorkerDoneOrAbsent_unchangedAndAnswersNothing() {
    byte[] lease = running(2, "w1").toByteArray();
    FakeEntry[] entries = {
      new FakeEntry(lease),
      new FakeEntry(lease),
      new FakeEntry(done(2).toByteArray()),
      new FakeEntry(null)
    };
    TaskResult[] reports = {report(1, "w1"), report(2, "w2"), report(2, "w1"), report(2, "w1")};

    for (int i = 0; i < entries.length; i++) {
      byte[] before = entries[i].value;
      assertThat(apply(Kind.COMPLETE_LEASE, entries[i], reports[i].toByteArray())).isNull();
      assertThat(entries[i].value).isEqualTo(before);
      assertThat(entries[i].writes).isZero();
    }
  }

  @Test
  void takeLease_reportOfTheStoredLease_leavesAndAnswersTheDoneRecord() {
    FakeEntry entry = new FakeEntry(running(2, "w1").toByteArray());

    byte[] answer = apply(Kind.TAKE_LEASE, entry, report(2, "w1").toByteArray());

    assertThat(TaskRecords.decode(answer).getState()).isEqualTo(TaskState.DONE);
    assertThat(entry.value).isEqualTo(answer);
  }

  /** Hazelcast runs an operation again when its answer was lost after its effect was backed up. */
  @Test
  void takeLease_runAgain_answersTheSameDoneRecord() {
    FakeEntry entry = new FakeEntry(running(2, "w1").toByteArray());
    byte[] first = apply(Kind.TAKE_LEASE, entry, report(2, "w1").toByteArray());

    byte[] again = apply(Kind.TAKE_LEASE, entry, report(2, "w1").toByteArray());

    assertThat(again).isEqualTo(first);
    assertThat(apply(Kind.TAKE_LEASE, entry, report(2, "w2").toByteArray())).isNull();
    assertThat(apply(Kind.TAKE_LEASE, entry, report(1, "w1").toByteArray())).isNull();
  }

  @Test
  void takeLease_staleReport_unchanged() {
    byte[] lease = running(2, "w1").toByteArray();
    FakeEntry entry = new FakeEntry(lease);

    assertThat(apply(Kind.TAKE_LEASE, entry, report(2, "w2").toByteArray())).isNull();
    assertThat(entry.value).isEqualTo(lease);
  }

  @Test
  void removeLiveAndRead_doWhatTheySay() {
    byte[] live = running(1, "w1").toByteArray();
    FakeEntry read = new FakeEntry(live);
    FakeEntry removed = new FakeEntry(live);
    FakeEntry absent = new FakeEntry(null);

    assertThat(apply(Kind.READ, read, new byte[0])).isEqualTo(live);
    assertThat(apply(Kind.REMOVE_LIVE, removed, new byte[0])).isNull();
    assertThat(apply(Kind.REMOVE_LIVE, absent, new byte[0])).isNull();

    assertThat(read.writes).isZero();
    assertThat(removed.value).isNull();
    assertThat(absent.writes).isZero();
  }

  @Test
  void backupProcessor_onlyForKindsThatWrite() {
    for (Kind kind : Kind.values()) {
      BatchWriteProcessor p = new BatchWriteProcessor(kind, TTL, Map.of());
      if (kind == Kind.READ) {
        assertThat(p.getBackupProcessor()).isNull();
      } else if (kind == Kind.CREATE) {
        // A copy that carries what the primary found ended (see create_backup_*).
        assertThat(p.getBackupProcessor()).isNotNull().isNotSameAs(p);
      } else {
        assertThat(p.getBackupProcessor()).isSameAs(p);
      }
    }
  }

  @Test
  void kindCodes_fixedWireForm() {
    assertThat(Arrays.stream(Kind.values()).map(k -> k.name() + "=" + k.code))
        .containsExactly(
            "PUT_IF_ABSENT=1",
            "UPDATE_LIVE=2",
            "COMPLETE_FIRST=3",
            "COMPLETE_LEASE=4",
            "REMOVE_LIVE=5",
            "READ=6",
            "TAKE_LEASE=7",
            "CREATE=8");
    for (Kind kind : Kind.values()) {
      assertThat(Kind.of(kind.code)).isSameAs(kind);
    }
    assertThatThrownBy(() -> Kind.of((byte) 9)).hasMessageContaining("unknown batch write kind 9");
  }

  @Test
  void create_taskNotEnded_storesAndAnswersNothing_orTheLiveOne() {
    FakeEntry absent = new FakeEntry(null);
    byte[] live = running(1, "w1").toByteArray();
    FakeEntry present = new FakeEntry(live);
    BatchWriteProcessor p =
        new BatchWriteProcessor(Kind.CREATE, TTL, Map.of("t1", QUEUED.toByteArray()));
    p.lookIn(id -> null);

    assertThat(p.process(absent)).isNull();
    assertThat(p.process(present)).isEqualTo(live);
    assertThat(absent.value).isEqualTo(QUEUED.toByteArray());
    assertThat(present.writes).isZero();
  }

  @Test
  void create_taskEnded_answersItsDoneRecordAndWritesNothing() {
    FakeEntry entry = new FakeEntry(null);
    byte[] done = done(1).toByteArray();
    BatchWriteProcessor p =
        new BatchWriteProcessor(Kind.CREATE, TTL, Map.of("t1", QUEUED.toByteArray()));
    p.lookIn(id -> id.equals("t1") ? done : null);

    assertThat(p.process(entry)).isEqualTo(done);
    assertThat(entry.writes).isZero();
  }

  @Test
  void create_backupOverTheWire_skipsWhatThePrimaryFoundEndedAndCreatesTheRest() {
    SerializationService wire = wire();
    BatchWriteProcessor primary =
        new BatchWriteProcessor(Kind.CREATE, TTL, Map.of("t1", QUEUED.toByteArray()));
    primary.lookIn(id -> done(1).toByteArray());
    primary.process(new FakeEntry(null));
    BatchWriteProcessor notFound =
        new BatchWriteProcessor(Kind.CREATE, TTL, Map.of("t1", QUEUED.toByteArray()));
    notFound.lookIn(id -> null);
    notFound.process(new FakeEntry(null));

    FakeEntry skippedOnBackup = new FakeEntry(null);
    FakeEntry createdOnBackup = new FakeEntry(null);
    copyOver(wire, primary.getBackupProcessor()).process(skippedOnBackup);
    copyOver(wire, notFound.getBackupProcessor()).process(createdOnBackup);

    assertThat(skippedOnBackup.writes).isZero();
    assertThat(createdOnBackup.value).isEqualTo(QUEUED.toByteArray());
  }

  @Test
  void completeFirst_leaseTakenInTheLiveMap_writesAndAnswersTheTakenLeaseInsteadOfTheInput() {
    FakeEntry entry = new FakeEntry(null);
    byte[] taken = done(1).toByteArray();
    byte[] rerun = done(2).toByteArray();
    BatchWriteProcessor p = new BatchWriteProcessor(Kind.COMPLETE_FIRST, TTL, Map.of("t1", rerun));
    p.lookInLive(id -> taken);

    assertThat(p.process(entry)).isEqualTo(taken);
    assertThat(entry.value).isEqualTo(taken);
    assertThat(entry.ttlMillis).isEqualTo(TTL);
  }

  @Test
  void completeFirst_liveRecordNotDoneOrTheInputItself_writesTheInput() {
    byte[] input = done(1).toByteArray();
    for (byte[] live : new byte[][] {null, running(1, "w1").toByteArray(), input}) {
      FakeEntry entry = new FakeEntry(null);
      BatchWriteProcessor p =
          new BatchWriteProcessor(Kind.COMPLETE_FIRST, TTL, Map.of("t1", input));
      p.lookInLive(id -> live);

      assertThat(p.process(entry)).isNull();
      assertThat(entry.value).isEqualTo(input);
    }
  }

  @Test
  void completeFirst_backupOverTheWire_writesWhatThePrimaryWrote() {
    SerializationService wire = wire();
    byte[] taken = done(1).toByteArray();
    byte[] rerun = done(2).toByteArray();
    BatchWriteProcessor primary =
        new BatchWriteProcessor(Kind.COMPLETE_FIRST, TTL, Map.of("t1", rerun));
    primary.lookInLive(id -> taken);
    primary.process(new FakeEntry(null));
    BatchWriteProcessor noLease =
        new BatchWriteProcessor(Kind.COMPLETE_FIRST, TTL, Map.of("t1", rerun));
    noLease.lookInLive(id -> null);
    noLease.process(new FakeEntry(null));

    FakeEntry substitutedOnBackup = new FakeEntry(null);
    FakeEntry writtenOnBackup = new FakeEntry(null);
    copyOver(wire, primary.getBackupProcessor()).process(substitutedOnBackup);
    copyOver(wire, noLease.getBackupProcessor()).process(writtenOnBackup);

    assertThat(substitutedOnBackup.value).isEqualTo(taken);
    assertThat(writtenOnBackup.value).isEqualTo(rerun);
  }

  @Test
  void create_onAPrimaryWithoutTheFinishedRecords_refusesRatherThanCreateBlindly() {
    BatchWriteProcessor p =
        new BatchWriteProcessor(Kind.CREATE, TTL, Map.of("t1", QUEUED.toByteArray()));

    assertThatThrownBy(() -> p.process(new FakeEntry(null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PartitionBatchOperation");
  }

  /** A serialization service that knows the store's classes, as a member's does. */
  private static SerializationService wire() {
    return new DefaultSerializationServiceBuilder()
        .setConfig(StoreSerialization.register(new Config()).getSerializationConfig())
        .build();
  }

  @SuppressWarnings("unchecked")
  private static EntryProcessor<String, byte[], byte[]> copyOver(
      SerializationService wire, @Nullable EntryProcessor<String, byte[], byte[]> processor) {
    return (EntryProcessor<String, byte[], byte[]>) wire.toObject(wire.toData(processor));
  }

  /** An entry as Hazelcast hands it to a processor: counts writes and keeps the TTL given. */
  private static final class FakeEntry implements ExtendedMapEntry<String, byte[]> {
    byte @Nullable [] value;
    long ttlMillis = -1;
    int writes;

    FakeEntry(byte @Nullable [] value) {
      this.value = value;
    }

    @Override
    public String getKey() {
      return "t1";
    }

    @Override
    @SuppressWarnings("NullAway")
    public byte[] getValue() {
      return value;
    }

    @Override
    @SuppressWarnings("NullAway")
    public byte[] setValue(byte[] v) {
      byte[] old = value;
      value = v;
      writes++;
      return old;
    }

    @Override
    @SuppressWarnings("NullAway")
    public byte[] setValue(byte[] v, long ttl, TimeUnit unit) {
      ttlMillis = unit.toMillis(ttl);
      return setValue(v);
    }

    @Override
    public byte[] setValueWithoutChangingExpiryTime(byte[] v) {
      return setValue(v);
    }
  }
}
