package io.taskgrid.coordinator.internal.sched;

import static io.taskgrid.coordinator.internal.sched.SchedulerFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.CreditRecall;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolCredit;
import io.taskgrid.proto.v1.PoolDemand;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's side of shared workers: it tells a worker when work starts and stops waiting
 * beyond its credits, and gives back idle credits when the worker recalls them.
 */
class SchedulerDemandTest {
  private final SchedulerFixture f = new SchedulerFixture(Map.of(), () -> 0.5);

  @Test
  void demand_toldOnlyOnChange_wantingWhileTasksWaitBeyondTheCredits() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    assertThat(link.demands).extracting(PoolDemand::getQueued).containsExactly(0L);

    f.submit(spec("a", "echo"), spec("b", "echo"), spec("c", "echo"));
    assertThat(link.demands).extracting(PoolDemand::getQueued).containsExactly(0L, 3L);

    f.credit(w, 1);
    f.credit(w, 1); // still waiting beyond the credits: nothing new to tell
    assertThat(link.demands).hasSize(2);

    f.credit(w, 5);
    assertThat(link.assignedIds()).containsExactly("a", "b", "c");
    assertThat(link.demands).extracting(PoolDemand::getQueued).containsExactly(0L, 3L, 0L);
  }

  @Test
  void recall_idleCredits_givenBackAndNeverAssignedAgainst() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");
    f.credit(w, 4);

    f.scheduler.recall(w, recall(3));

    PoolDemand answer = link.demands.get(link.demands.size() - 1);
    assertThat(answer.getReturnedCredits()).isEqualTo(3);
    f.submit(spec("a", "echo"), spec("b", "echo"), spec("c", "echo"));
    assertThat(link.assignedIds()).containsExactly("a"); // only the one credit it kept
  }

  @Test
  void recall_noCreditsLeft_answeredWithNothing() {
    FakeLink link = new FakeLink();
    WorkerHandle w = f.worker("w1", link, "echo");

    f.scheduler.recall(w, recall(2));

    PoolDemand answer = link.demands.get(link.demands.size() - 1);
    assertThat(answer.getReturnedCredits()).isZero();
    assertThat(answer.getQueued()).isZero();
  }

  private static CreditRecall recall(int n) {
    return CreditRecall.newBuilder()
        .addPools(PoolCredit.newBuilder().setPool(Pool.IO).setCredits(n))
        .build();
  }
}
