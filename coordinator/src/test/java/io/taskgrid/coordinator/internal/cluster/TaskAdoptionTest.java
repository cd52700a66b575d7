package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.HazelcastConfigs;
import io.taskgrid.coordinator.internal.sched.CompletionBus;
import io.taskgrid.coordinator.internal.sched.CompletionHub;
import io.taskgrid.coordinator.internal.sched.JobStats;
import io.taskgrid.coordinator.internal.sched.PartialWriteStore;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.coordinator.internal.sched.SchedulerSettings;
import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskAdoption} on a single in-JVM member, with a record left by a coordinator that is no
 * member: while fenced off it does not try to claim it; once serving again it does, at once; a
 * claim that failed after claiming is taken up by the next scan. And its store audit: a live record
 * that names this coordinator but that its scheduler holds nowhere is scheduled on its second
 * sighting, never on its first, and never one the scheduler holds.
 */
class TaskAdoptionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final PartialWriteStore store =
      new PartialWriteStore(
          new InMemoryTaskStore(Clock.systemUTC(), Duration.ofMinutes(5), executor));
  private HazelcastInstance hz;
  private Scheduler scheduler;
  private TaskAdoption adoption;

  @BeforeEach
  void setUp() throws Exception {
    hz =
        Hazelcast.newHazelcastInstance(
            HazelcastConfigs.memberConfig(
                CoordinatorOptions.newBuilder()
                    .clusterName("adoption-test-" + System.nanoTime())
                    .hazelcastHost("127.0.0.1")
                    .hazelcastPort(freePort())
                    .build()));
    scheduler =
        new Scheduler(
            Clock.systemUTC(),
            store,
            new CompletionHub(),
            new JobStats(),
            Runnable::run,
            // Named as a coordinator is: by its member's id, a live owner.
            SchedulerSettings.defaults().withOwner(TaskAdoption.ownerId(hz), CompletionBus.LOCAL));
    adoption = new TaskAdoption(hz, store, scheduler, executor);
    TaskInfo orphan =
        TaskInfo.newBuilder()
            .setSpec(TaskSpec.newBuilder().setId("orphan").setType("echo").setPool(Pool.IO))
            .setState(TaskState.QUEUED)
            .setOwner("a-coordinator-that-left")
            .build();
    store.createAll(List.of(orphan)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    adoption.close();
    hz.shutdown();
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void fenced_orphanLeftAlone_thenServing_adoptsIt() throws Exception {
    adoption.fenced();
    adoption.start(); // looks for orphans at once: skipped while fenced
    idle();
    idle(); // a claim issued by the scan would have completed by now (same executor)

    assertThat(owner()).isEqualTo("a-coordinator-that-left");

    adoption.serving();

    await().atMost(WAIT).until(() -> owner().equals(scheduler.ownerId()));
  }

  @Test
  void serving_orphanAdoptedAtStart() {
    adoption.start();

    await().atMost(WAIT).until(() -> owner().equals(scheduler.ownerId()));
  }

  @Test
  void claimFailingAfterItClaimed_theNextScanTakesUpTheRecordsItClaimed() {
    // The claim names this coordinator in the record, then fails (a partition refused): the next
    // claim of "records whose owner is no member" would skip it, and nobody would schedule it.
    store.failNextClaimsAfterClaiming(1);

    adoption.start();

    await().atMost(WAIT).until(() -> scheduler.liveTasks() == 1);
    assertThat(store.get("orphan").toCompletableFuture().join().orElseThrow().getOwner())
        .isEqualTo(scheduler.ownerId());
  }

  @Test
  void audit_liveRecordOfThisCoordinatorHeldNowhere_scheduledOnItsSecondSighting()
      throws Exception {
    createStranded("stranded");

    List<TaskInfo> first = audit();

    assertThat(first).as("one sighting: it may be a record on its way in or out").isEmpty();
    assertThat(scheduler.liveTasks()).isZero();

    List<TaskInfo> second = audit();

    assertThat(second).extracting(r -> r.getSpec().getId()).containsExactly("stranded");
    assertThat(scheduler.liveTasks()).isEqualTo(1);
    assertThat(audit()).as("scheduled here now: not stranded any more").isEmpty();
  }

  @Test
  void audit_tasksThisCoordinatorSchedules_leftAlone() throws Exception {
    adoption.start(); // adopts the orphan: it names this coordinator now, and is held here
    await().atMost(WAIT).until(() -> scheduler.liveTasks() == 1);

    assertThat(audit()).isEmpty();
    assertThat(audit()).isEmpty();
    assertThat(scheduler.liveTasks()).isEqualTo(1);
  }

  @Test
  void audit_sightingsAcrossAFence_countAfresh() throws Exception {
    createStranded("stranded");
    assertThat(audit()).isEmpty();

    adoption.fenced();
    assertThat(audit()).as("nothing is audited while fenced").isEmpty();
    adoption.serving();

    assertThat(audit()).as("the sighting before the fence does not count").isEmpty();
    assertThat(audit()).extracting(r -> r.getSpec().getId()).containsExactly("stranded");
  }

  private void createStranded(String id) throws Exception {
    TaskInfo record =
        TaskInfo.newBuilder()
            .setSpec(TaskSpec.newBuilder().setId(id).setType("echo").setPool(Pool.IO))
            .setState(TaskState.QUEUED)
            .setOwner(scheduler.ownerId())
            .build();
    store.createAll(List.of(record)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<TaskInfo> audit() throws Exception {
    return adoption.audit().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Waits until the executor ran everything queued before this call. */
  private void idle() throws Exception {
    executor.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  private String owner() throws Exception {
    return store
        .get("orphan")
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .map(TaskInfo::getOwner)
        .orElse("");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
