package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import io.taskgrid.coordinator.internal.testing.FakeTimer;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link TypeLimits} alone: the pool's steps are queued and run when the test says, and every
 * cluster call waits for the test's answer, so each call it makes and each task it frees is seen.
 */
class TypeLimitsTest {
  private static final String GET = "http.get";

  private final ScriptedPermits permits = new ScriptedPermits();
  private final FakeTimer timer = new FakeTimer(new FakeClock());
  private final QueuedSteps steps = new QueuedSteps();
  private final TypeLimits limits = new TypeLimits(Map.of(GET, 3), permits, "me", timer);

  {
    limits.attach(steps);
  }

  @Test
  void admitOrHold_unlimitedType_admittedWithoutClusterCall() {
    LiveTask echo = task("e", "echo");

    assertThat(limits.admitOrHold(echo)).isTrue();
    limits.started(echo);
    assertThat(limits.stopped(echo)).isNull();

    steps.runAll();
    assertThat(permits.calls).isEmpty();
  }

  @Test
  void admitOrHold_tasksPolledInOneStep_heldThenOneCallAsksForAllOfThem() {
    List<LiveTask> gets = List.of(task("g0", GET), task("g1", GET));

    gets.forEach(t -> assertThat(limits.admitOrHold(t)).isFalse());
    assertThat(permits.calls).isEmpty(); // asked after the step, not per task
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(0, 2, 3));
    assertThat(limits.heldCount()).isEqualTo(2);
  }

  @Test
  void answer_grantHandsPermitsToHeldTasksOldestFirst() {
    List<LiveTask> gets = List.of(task("g0", GET), task("g1", GET), task("g2", GET));
    gets.forEach(limits::admitOrHold);
    steps.runAll();

    permits.answer(2, false);

    assertThat(steps.runAll()).containsExactly(gets.get(0), gets.get(1));
    // Handed a permit: admitted when polled again, even while an older one is still held.
    assertThat(limits.admitOrHold(gets.get(1))).isTrue();
    assertThat(limits.admitOrHold(gets.get(0))).isTrue();
    assertThat(limits.heldCount()).isEqualTo(1);
  }

  @Test
  void stopped_othersHeld_permitGoesToOldestHeldWithoutClusterCall() {
    LiveTask running = startWithPermit("g0");
    LiveTask waiting = task("g1", GET);
    permits.refuseNext = true;
    limits.admitOrHold(waiting);
    steps.runAll();
    permits.calls.clear();

    assertThat(limits.stopped(running)).isSameAs(waiting);

    steps.runAll();
    assertThat(permits.calls).isEmpty();
  }

  @Test
  void stopped_nothingHeld_unusedPermitsGivenBackInOneCall() {
    LiveTask a = task("g0", GET);
    LiveTask b = task("g1", GET);
    limits.admitOrHold(a);
    limits.admitOrHold(b);
    steps.runAll();
    permits.answer(2, false);
    steps.runAll();
    limits.started(a);
    limits.started(b);

    limits.stopped(a);
    limits.stopped(b);
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(2, 0, 3));
    assertThat(limits.budget(GET)).isZero();
  }

  @Test
  void admitOrHold_freePermitAndNothingHeld_admittedWithoutClusterCall() {
    LiveTask first = startWithPermit("g0");
    LiveTask second = task("g1", GET);
    limits.stopped(first);

    assertThat(limits.admitOrHold(second)).isTrue();
    limits.started(second);
    steps.runAll();

    assertThat(permits.calls).isEmpty();
  }

  @Test
  void answer_refused_askedAgainOnlyAfterTheRetryDelay() {
    limits.admitOrHold(task("g0", GET));
    steps.runAll();
    permits.answer(0, false);
    steps.runAll();

    // More tasks held meanwhile do not make it ask again before the retry is due.
    limits.admitOrHold(task("g1", GET));
    steps.runAll();
    assertThat(permits.calls).isEmpty();

    timer.advance(TypeLimits.FIRST_RETRY);
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(0, 2, 3));
  }

  @Test
  void admitOrHold_callInFlight_noSecondCallUntilTheAnswer() {
    limits.admitOrHold(task("g0", GET));
    steps.runAll();
    limits.admitOrHold(task("g1", GET));
    steps.runAll();
    assertThat(permits.calls).hasSize(1);

    permits.answer(1, false);
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(0, 1, 3));
  }

  @Test
  void stopped_othersWaitInTheCluster_permitGoesBackInsteadOfToHeldTask() {
    LiveTask running = startWithPermit("g0");
    LiveTask waiting = task("g1", GET);
    limits.admitOrHold(waiting);
    steps.runAll();
    permits.answer(0, true); // refused: another coordinator waits too
    steps.runAll();

    assertThat(limits.stopped(running)).isNull();
    steps.runAll();

    // Given back, and the held task asks for its fair share like the others.
    assertThat(permits.calls).containsExactly(new Call(1, 1, 3));
    assertThat(limits.budget(GET)).isZero();
  }

  @Test
  void answer_callFailed_permitsAskedForAgainLater() {
    limits.admitOrHold(task("g0", GET));
    steps.runAll();
    permits.fail();
    steps.runAll();
    assertThat(permits.calls).isEmpty();

    timer.advance(TypeLimits.FIRST_RETRY);
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(0, 1, 3));
  }

  @Test
  void inherit_adoptedTasksRunning_permitsCoverThemFirstRestReturned() {
    LiveTask adopted = task("g0", GET);
    adopted.state = TaskState.RUNNING;
    limits.started(adopted); // adopted with its lease: no permit here yet
    steps.runAll();
    permits.answer(0, false); // the dead coordinator's permits still count in the cluster
    steps.runAll();

    CompletableFuture<Map<String, Integer>> rest = limits.inherit(Map.of(GET, 3, "other", 2), true);
    steps.runAll();

    assertThat(rest).isCompletedWithValue(Map.of(GET, 2, "other", 2));
    assertThat(limits.budget(GET)).isEqualTo(1);
  }

  @Test
  void inherit_forRunningOnly_heldTasksGetNothingYet() {
    limits.admitOrHold(task("g0", GET));
    steps.runAll();
    permits.answer(0, false);
    steps.runAll();

    CompletableFuture<Map<String, Integer>> forRunning = limits.inherit(Map.of(GET, 2), false);
    steps.runAll();
    assertThat(forRunning).isCompletedWithValue(Map.of(GET, 2));

    CompletableFuture<Map<String, Integer>> forHeld = limits.inherit(Map.of(GET, 2), true);
    assertThat(steps.runAll()).extracting(t -> t.id()).containsExactly("g0");
    assertThat(forHeld).isCompletedWithValue(Map.of(GET, 1));
  }

  @Test
  void settle_heldTaskCancelled_itsPermitGivenBack() {
    LiveTask cancelled = task("g0", GET);
    limits.admitOrHold(cancelled);
    steps.runAll();
    cancelled.state = TaskState.DONE;
    permits.answer(1, false);
    steps.runAll();

    assertThat(permits.calls).containsExactly(new Call(1, 0, 3));
    assertThat(limits.heldCount()).isZero();
  }

  /** Starts a task of {@link #GET} under a permit granted for it. */
  private LiveTask startWithPermit(String id) {
    LiveTask t = task(id, GET);
    limits.admitOrHold(t);
    steps.runAll();
    permits.answer(1, false);
    assertThat(steps.runAll()).containsExactly(t);
    assertThat(limits.admitOrHold(t)).isTrue();
    limits.started(t);
    t.state = TaskState.RUNNING;
    return t;
  }

  private static LiveTask task(String id, String type) {
    return new LiveTask(TaskSpec.newBuilder().setId(id).setType(type).build(), 0L, Pool.IO);
  }

  private record Call(int giveBack, int wanted, int limit) {}

  /** Records each exchange and completes it when the test answers. */
  private static final class ScriptedPermits implements TypePermits {
    final List<Call> calls = new ArrayList<>();
    private final List<CompletableFuture<PermitGrant>> open = new ArrayList<>();
    boolean refuseNext;

    @Override
    public CompletionStage<PermitGrant> exchange(
        String type, String owner, int giveBack, int wanted, int limit) {
      calls.add(new Call(giveBack, wanted, limit));
      CompletableFuture<PermitGrant> f = new CompletableFuture<>();
      if (refuseNext) {
        refuseNext = false;
        calls.clear();
        f.complete(new PermitGrant(0, false));
      } else {
        open.add(f);
      }
      return f;
    }

    /** Answers the oldest open call. */
    void answer(int granted, boolean contended) {
      calls.clear();
      open.remove(0).complete(new PermitGrant(granted, contended));
    }

    void fail() {
      calls.clear();
      open.remove(0).completeExceptionally(new IllegalStateException("cluster unreachable"));
    }

    @Override
    public CompletionStage<Map<String, Integer>> inheritOrphans(
        Set<String> liveOwners, String heir) {
      throw new UnsupportedOperationException();
    }
  }

  /** The pool's executor, run by hand; collects the held tasks handed back to the queue. */
  private static final class QueuedSteps implements TypeLimits.Steps {
    private final List<Supplier<List<LiveTask>>> queued = new ArrayList<>();

    @Override
    public void post(Supplier<List<LiveTask>> change) {
      queued.add(change);
    }

    /** Runs the queued steps (and those they post); returns the tasks they handed permits. */
    List<LiveTask> runAll() {
      List<LiveTask> freed = new ArrayList<>();
      while (!queued.isEmpty()) {
        freed.addAll(queued.remove(0).get());
      }
      return freed;
    }
  }
}
