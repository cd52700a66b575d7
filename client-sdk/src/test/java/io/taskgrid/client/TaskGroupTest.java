package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskError;
import io.taskgrid.proto.v1.TaskResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private InProcessCoordinator coordinator;
  private FakeTaskService fake;
  private TaskgridClient client;

  @BeforeEach
  void setUp() throws Exception {
    coordinator = new InProcessCoordinator();
    fake = coordinator.fake;
    fake.autoCancel = true;
    client = coordinator.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    coordinator.close();
  }

  @Test
  void close_allSucceed_returnsNormally() {
    fake.autoComplete = true;
    TaskFuture<String> a;
    try (TaskGroup group = client.newGroup()) {
      a = group.submit(TaskTypes.ECHO, "a");
      group.map(TaskTypes.ECHO, java.util.List.of("b", "c"));
    }
    assertThat(a).isCompletedWithValue("a");
  }

  @Test
  void close_oneFails_cancelsTheRestAndReportsTheFailure() {
    TaskGroup group = client.newGroup();
    TaskFuture<String> failing = group.submit(TaskTypes.FAIL, "boom");
    TaskFuture<String> other = group.submit(TaskTypes.ECHO, "slow");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);

    fake.complete(
        TaskResult.newBuilder()
            .setTaskId(failing.taskId())
            .setOutcome(Outcome.FAILED)
            .setError(
                TaskError.newBuilder()
                    .setType("java.lang.IllegalStateException")
                    .setMessage("boom"))
            .build());

    assertThatThrownBy(group::close)
        .isInstanceOfSatisfying(
            TaskGroupException.class,
            e -> {
              assertThat(e.failures()).hasSize(1);
              assertThat(e.failures().get(0)).isInstanceOf(TaskFailedException.class);
            });
    assertThat(other.isCancelled()).isTrue();
    assertThat(fake.cancels()).isNotEmpty();
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(other.taskId());
    assertThatThrownBy(() -> group.submit(TaskTypes.ECHO, "late"))
        .isInstanceOf(IllegalStateException.class);
  }

  // asyncio: a child cancelled from outside the group does not abort it
  // (tg.create_task(...).cancel() -> the group's other tasks run on, async with exits normally).
  @Test
  void childCancelledByTheUser_doesNotFailTheGroup_siblingsRunOn() {
    TaskGroup group = client.newGroup();
    TaskFuture<String> cancelled = group.submit(TaskTypes.ECHO, "a");
    TaskFuture<String> sibling = group.submit(TaskTypes.ECHO, "b");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);

    cancelled.cancel(false);
    await().atMost(WAIT).until(cancelled::isDone);
    fake.complete(succeeded(sibling.taskId(), "b"));

    group.close(); // no exception
    assertThat(cancelled.isCancelled()).isTrue();
    assertThat(sibling.join()).isEqualTo("b");
  }

  // asyncio: two children fail -> ExceptionGroup with both (neither is lost to the cancel the
  // first failure causes, if the cluster recorded the second failure first).
  @Test
  void twoChildrenFail_bothFailuresTheClusterRecordedAreInTheException() {
    TaskGroup group = client.newGroup();
    TaskFuture<String> a = group.submit(TaskTypes.FAIL, "a");
    TaskFuture<String> b = group.submit(TaskTypes.FAIL, "b");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);

    fake.complete(failed(a.taskId()), failed(b.taskId()));

    assertThatThrownBy(group::close)
        .isInstanceOfSatisfying(
            TaskGroupException.class,
            e -> {
              assertThat(e.failures()).hasSize(2);
              assertThat(e.getSuppressed()).hasSize(1);
            });
  }

  // asyncio: an exception in the `async with` body cancels the children at once and raises an
  // ExceptionGroup containing the body's exception.
  @Test
  void run_bodyThrows_childrenCancelledAtOnce_exceptionListsTheBodysError() {
    java.util.List<TaskFuture<String>> children = new java.util.ArrayList<>();
    IllegalStateException boom = new IllegalStateException("body failed");

    assertThatThrownBy(
            () ->
                client
                    .newGroup()
                    .run(
                        g -> {
                          children.add(g.submit(TaskTypes.ECHO, "slow"));
                          throw boom;
                        }))
        .isInstanceOfSatisfying(
            TaskGroupException.class, e -> assertThat(e.failures()).containsExactly(boom));
    assertThat(children.get(0).isCancelled()).isTrue();
  }

  @Test
  void run_allSucceed_returnsTheBodysResult() {
    fake.autoComplete = true;
    TaskFuture<String> a = client.newGroup().run(g -> g.submit(TaskTypes.ECHO, "a"));
    assertThat(a).isCompletedWithValue("a");
  }

  // asyncio: a failing inner TaskGroup raises its ExceptionGroup in the outer body, which then
  // cancels the outer group's children.
  @Test
  void nestedGroupFails_outerChildrenCancelled_outerExceptionHoldsTheInnerOne() {
    TaskGroup outer = client.newGroup();
    TaskFuture<String> outerChild = outer.submit(TaskTypes.ECHO, "slow");
    TaskGroup inner = outer.newGroup();
    TaskFuture<String> innerChild = inner.submit(TaskTypes.FAIL, "x");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 2);
    fake.complete(failed(innerChild.taskId()));

    assertThatThrownBy(inner::close).isInstanceOf(TaskGroupException.class);
    assertThatThrownBy(outer::close)
        .isInstanceOfSatisfying(
            TaskGroupException.class,
            e -> assertThat(e.failures().get(0)).isInstanceOf(TaskGroupException.class));
    assertThat(outerChild.isCancelled()).isTrue();
  }

  // asyncio: cancelling the task that runs `async with TaskGroup()` cancels every child and
  // raises CancelledError.
  @Test
  void cancel_cancelsEveryChild_closeThrowsCancellation() {
    TaskGroup group = client.newGroup();
    TaskFuture<String> a = group.submit(TaskTypes.ECHO, "a");
    TaskFuture<String> b = group.submit(TaskTypes.ECHO, "b");

    group.cancel();

    assertThatThrownBy(group::close).isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(a.isCancelled()).isTrue();
    assertThat(b.isCancelled()).isTrue();
  }

  @Test
  void close_interrupted_cancelsTheChildrenAndRethrowsWithTheFlagSet() throws Exception {
    fake.autoCancel = false; // the children stay pending until the test ends them
    TaskGroup group = client.newGroup();
    TaskFuture<String> a = group.submit(TaskTypes.ECHO, "a");
    await().atMost(WAIT).until(() -> fake.submittedSpecs().size() == 1);
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean flag =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread closer =
        new Thread(
            () -> {
              try {
                group.close();
              } catch (RuntimeException e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
              }
            });
    closer.start();
    await().atMost(WAIT).until(() -> closer.getState() == Thread.State.WAITING);

    closer.interrupt();
    closer.join(WAIT.toMillis());

    assertThat(thrown.get())
        .isInstanceOf(java.util.concurrent.CancellationException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flag).isTrue();
    await().atMost(WAIT).until(() -> !fake.cancels().isEmpty());
    assertThat(fake.cancels().get(0).getTaskIdsList()).containsExactly(a.taskId());
  }

  private static TaskResult succeeded(String id, String value) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        .setOutcome(Outcome.SUCCEEDED)
        .setOutput(
            io.taskgrid.proto.v1.Payload.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(value))
                .setContentType("text/plain"))
        .build();
  }

  private static TaskResult failed(String id) {
    return TaskResult.newBuilder()
        .setTaskId(id)
        .setOutcome(Outcome.FAILED)
        .setError(TaskError.newBuilder().setType("java.lang.IllegalStateException").setMessage(id))
        .build();
  }
}
