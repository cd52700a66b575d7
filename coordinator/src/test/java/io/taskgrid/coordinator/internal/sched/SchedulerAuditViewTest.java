package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.TaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the store audit (TaskAdoption) reads of a scheduler: {@link Scheduler#schedules} holds for a
 * task from its registration until its end is stored, and {@link Scheduler#undispatched} lists the
 * tasks registered whose batch was not yet handed to the pools.
 */
class SchedulerAuditViewTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of(), () -> 0.0);

  @Test
  void registeredBatch_heldButUndispatched_untilItIsScheduled() {
    Admission a =
        f.intake.submit(List.of(SchedulerFixture.spec("t1", "echo"))).toCompletableFuture().join();

    assertThat(f.scheduler.schedules("t1")).isTrue();
    assertThat(f.scheduler.undispatched()).containsExactly("t1");

    a.schedule();

    assertThat(f.scheduler.schedules("t1")).isTrue();
    assertThat(f.scheduler.undispatched()).isEmpty();
  }

  @Test
  void unknownTask_notHeld() {
    assertThat(f.scheduler.schedules("nobody-submitted-this")).isFalse();
    assertThat(f.scheduler.undispatched()).isEmpty();
  }

  @Test
  void endedTask_notHeldOnceItsEndIsStored() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.credit(w, 10);
    f.submit(TaskSpec.newBuilder().setId("t1").setType("echo").build());
    assertThat(link.assigned()).hasSize(1);

    f.report(w, link.assigned().get(0), io.taskgrid.proto.v1.Outcome.SUCCEEDED, "", false);

    assertThat(f.completed).containsKey("t1");
    assertThat(f.scheduler.schedules("t1")).isFalse();
  }
}
