package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.InMemoryTaskStore;
import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Admission past the heap headroom and the client quotas (direct executors: no waiting). */
class AdmissionLimitsTest {
  private final FakeClock clock = new FakeClock();
  private final InMemoryTaskStore store =
      new InMemoryTaskStore(clock, Duration.ofHours(1), Runnable::run);
  private final Scheduler scheduler =
      new Scheduler(
          clock,
          store,
          new CompletionHub(),
          new JobStats(),
          Runnable::run,
          SchedulerSettings.defaults());
  private final AtomicLong usedAfterGc = new AtomicLong();
  private final HeapHeadroom heap =
      new HeapHeadroom(
          () -> List.of(new HeapHeadroom.PoolUse("heap", usedAfterGc.get(), -1)), 1000, 85);
  private final TaskIntake intake =
      new TaskIntake(
          clock,
          store,
          scheduler,
          IntakeSettings.of(1024, 100, 1000).withTenantLimit(1000).withHeap(heap));

  private List<SubmitAck> submit(ClientQuota session, String... ids) {
    List<TaskSpec> specs =
        java.util.Arrays.stream(ids)
            .map(id -> TaskSpec.newBuilder().setId(id).setType("echo").build())
            .toList();
    return intake.submit(specs, "t1", session).toCompletableFuture().join().acks();
  }

  @Test
  void heapUsedAfterGcOverTheLimit_newTasksRefusedResourceExhausted_untilItDrops() {
    ClientQuota session = new ClientQuota("this session", 100);
    usedAfterGc.set(900);

    List<SubmitAck> refused = submit(session, "a", "b");

    assertThat(refused)
        .allSatisfy(
            a -> {
              assertThat(a.getStatus()).isEqualTo(SubmitAck.Status.REJECTED);
              assertThat(a.getCode()).isEqualTo("RESOURCE_EXHAUSTED");
              assertThat(a.getMessage()).contains("memory is low", "85%");
            });
    assertThat(session.live()).isZero();

    usedAfterGc.set(100);
    assertThat(submit(session, "c"))
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.ACCEPTED);
  }

  @Test
  void quotas_countAcceptedTasksOnly_duplicatesAndRefusalsGiveRoomBack() {
    ClientQuota session = new ClientQuota("this session", 3);

    List<SubmitAck> first = submit(session, "a", "b");
    List<SubmitAck> duplicate = submit(session, "a");
    List<SubmitAck> more = submit(session, "c", "d");

    assertThat(first)
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.ACCEPTED, SubmitAck.Status.ACCEPTED);
    assertThat(duplicate.get(0).getStatus()).isEqualTo(SubmitAck.Status.DUPLICATE);
    assertThat(more)
        .extracting(SubmitAck::getStatus)
        .containsExactly(SubmitAck.Status.ACCEPTED, SubmitAck.Status.REJECTED);
    assertThat(more.get(1).getMessage()).contains("queue full for this session", "3");
    assertThat(session.live()).isEqualTo(3);
    assertThat(intake.tenantQuota("t1").live()).isEqualTo(3);
    assertThat(scheduler.liveTasks()).isEqualTo(3);
  }
}
