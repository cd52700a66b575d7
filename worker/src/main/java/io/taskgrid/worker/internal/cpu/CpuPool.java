package io.taskgrid.worker.internal.cpu;

import io.taskgrid.proto.v1.Assignment;
import io.taskgrid.proto.v1.ChildRequest;
import io.taskgrid.proto.v1.ChildResponse;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.TaskProgress;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.worker.internal.Executors2;
import io.taskgrid.worker.internal.NamedThreadFactory;
import io.taskgrid.worker.internal.Results;
import io.taskgrid.worker.internal.TaskContexts;
import io.taskgrid.worker.internal.metrics.WorkerMetrics.RestartReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU pool: one child JVM per slot, each running one task at a time.
 *
 * <p>Threads: all state is confined to one serial executor ({@code taskgrid-worker-cpu-1}), which
 * also writes the children's stdin (small frames; each child always reads its stdin). Each child
 * has a reader thread ({@code taskgrid-worker-cpu-reader-N}) that turns its stdout frames into
 * events on that executor. Public methods only post events and never block.
 *
 * <p>Outcomes: a task whose child dies under it (not killed by us) is reported {@code WORKER_LOST}
 * with error type {@value Results#CHILD_PROCESS_LOST} and {@code retryable = true}, so the
 * coordinator runs it again; if the child ran out of memory (exit code {@value
 * ChildCommand#EXIT_OUT_OF_MEMORY}) the task is {@code FAILED} with {@code
 * java.lang.OutOfMemoryError} instead. A task that threw an {@link Error} is reported as the child
 * sent it, and its child, which marked the result {@code retiring}, is replaced. A cancel (or the
 * run timeout) interrupts the task; if it has not ended after the grace period, or the cancel is
 * forced, the child is killed and replaced and the task is reported with the outcome asked for
 * ({@code CANCELLED} or {@code TIMED_OUT}).
 */
public final class CpuPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CpuPool.class);
  private static final long MIN_RESTART_DELAY_MS = 100;
  private static final long MAX_RESTART_DELAY_MS = 10_000;

  /** Consecutive start failures of every slot after which queued tasks are given back. */
  private static final int GIVE_UP_AFTER_FAILURES = 3;

  private final List<String> command;
  private final Clock clock;
  private final String workerId;
  private final Duration grace;
  private final Consumer<RestartReason> restarts;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          new NamedThreadFactory("taskgrid-worker-cpu", true));
  private final ThreadFactory readers = new NamedThreadFactory("taskgrid-worker-cpu-reader", true);
  private final List<Slot> slots = new ArrayList<>();

  /**
   * Each slot's live child, published for the metrics collector, which reads it at scrape time from
   * the HTTP thread (the slots themselves are confined to the executor).
   */
  private final AtomicReferenceArray<Process> children;

  // Confined to executor.
  private final Deque<CpuTask> queue = new ArrayDeque<>();
  private final Map<String, CpuTask> tasks = new HashMap<>();
  private boolean closed;

  /** A pool of {@code processes} children started with {@code command}; call {@link #start()}. */
  public CpuPool(
      int processes, List<String> command, Clock clock, String workerId, Duration grace) {
    this(processes, command, clock, workerId, grace, reason -> {});
  }

  /** A pool that reports each child restart, with its reason, to {@code restarts}. */
  public CpuPool(
      int processes,
      List<String> command,
      Clock clock,
      String workerId,
      Duration grace,
      Consumer<RestartReason> restarts) {
    this.restarts = restarts;
    this.command = List.copyOf(command);
    this.clock = clock;
    this.workerId = workerId;
    this.grace = grace;
    this.children = new AtomicReferenceArray<>(processes);
    for (int i = 0; i < processes; i++) {
      slots.add(new Slot(i));
    }
  }

  /** The number of child slots. */
  public int processes() {
    return children.length();
  }

  /**
   * The child process of slot {@code index} while it lives (any thread: the metrics read it at
   * scrape time); null while the slot has none (starting, restarting, or the pool closed).
   */
  public @Nullable ProcessHandle child(int index) {
    Process p = children.get(index);
    return p == null ? null : p.toHandle();
  }

  /** Starts the children (asynchronously). */
  public void start() {
    post(() -> slots.forEach(this::spawn));
  }

  /** Queues a task; {@code done} receives its one result on the pool's thread. */
  public void submit(Assignment assignment, Consumer<TaskResult> done) {
    submit(assignment, p -> {}, done);
  }

  /**
   * As above, with {@code progress} receiving the progress its child reports, on the pool's thread
   * (must not block).
   */
  public void submit(
      Assignment assignment, Consumer<TaskProgress> progress, Consumer<TaskResult> done) {
    CpuTask task = new CpuTask(assignment, done, progress);
    if (!post(() -> enqueue(task))) {
      done.accept(
          Results.ended(
              base(task), Outcome.WORKER_LOST, "WorkerShutdown", "the worker is closing", true));
    }
  }

  /** Stops a task, reporting {@code outcome}; {@code force} kills its child without waiting. */
  public void cancel(String taskId, Outcome outcome, boolean force) {
    post(() -> stop(taskId, outcome, force));
  }

  /**
   * Stops tasks as {@link #cancel(String, Outcome, boolean)} does, and passes {@code notStarted}
   * (on the pool's thread) those of them that were still in this pool's queue: prefetched tasks
   * that never reached a child. The coordinator answers their cancel REMOVED_FROM_QUEUE. The ids
   * not passed had started or are not held here (they ended). If the pool is closed every id counts
   * as started.
   */
  public void cancel(
      List<String> taskIds, Outcome outcome, boolean force, Consumer<List<String>> notStarted) {
    boolean posted =
        post(
            () -> {
              List<String> queued = new ArrayList<>();
              for (String id : taskIds) {
                CpuTask task = tasks.get(id);
                if (task != null && task.slot == null) {
                  queued.add(id);
                }
                stop(id, outcome, force);
              }
              notStarted.accept(queued);
            });
    if (!posted) {
      notStarted.accept(List.of());
    }
  }

  /** Closes the children's stdin (they exit), kills those that linger, and stops the threads. */
  @Override
  public void close() {
    List<Process> processes = new ArrayList<>();
    try {
      executor
          .submit(
              () -> {
                closed = true;
                for (Slot slot : slots) {
                  if (slot.process != null) {
                    processes.add(slot.process);
                  }
                  children.set(slot.index, null);
                }
              })
          .get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the CPU pool did not stop cleanly", e);
    }
    for (Process p : processes) {
      try {
        p.getOutputStream().close();
      } catch (IOException e) {
        log.debug("closing a child's stdin", e);
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    Executors2.shutdown(executor, Duration.ofSeconds(1));
  }

  private boolean post(Runnable event) {
    try {
      executor.execute(event);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void enqueue(CpuTask task) {
    CpuTask stale = tasks.put(task.id(), task);
    if (stale != null) {
      // The coordinator re-assigned the task: the older attempt is stale.
      stop(stale, Outcome.CANCELLED, true);
    }
    queue.add(task);
    dispatch();
  }

  private void dispatch() {
    for (Slot slot : slots) {
      if (queue.isEmpty()) {
        return;
      }
      if (slot.ready && slot.task == null && slot.process != null) {
        run(slot, queue.poll());
      }
    }
  }

  private void run(Slot slot, CpuTask task) {
    try {
      start(slot, task);
    } catch (RuntimeException e) {
      // A bug of ours: the task still ends and the slot takes the next one.
      log.error("could not start CPU task {}", task.id(), e);
      if (slot.task == task) {
        slot.task = null;
      }
      finish(task, Results.internalError(base(task), e));
      post(this::dispatch); // the slot is free again
    }
  }

  private void start(Slot slot, CpuTask task) {
    slot.task = task;
    task.slot = slot;
    task.startedMs = clock.millis();
    Instant deadline = TaskContexts.deadline(task.assignment, clock);
    if (deadline != null) {
      long remaining = Math.max(0, deadline.toEpochMilli() - clock.millis());
      task.timeout =
          executor.schedule(
              () -> stop(task.id(), Outcome.TIMED_OUT, false), remaining, TimeUnit.MILLISECONDS);
    }
    write(slot, ChildRequest.newBuilder().setRun(task.assignment).build());
  }

  private void stop(String taskId, Outcome outcome, boolean force) {
    CpuTask task = tasks.get(taskId);
    if (task != null) {
      stop(task, outcome, force);
    }
  }

  private void stop(CpuTask task, Outcome asked, boolean force) {
    Outcome outcome =
        asked == Outcome.TIMED_OUT || asked == Outcome.CANCELLED ? asked : Outcome.CANCELLED;
    Slot slot = task.slot;
    if (slot == null) {
      queue.remove(task);
      finish(task, Results.stopped(base(task), outcome));
      return;
    }
    if (task.stopOutcome == null) {
      task.stopOutcome = outcome;
      write(
          slot,
          ChildRequest.newBuilder()
              .setCancel(
                  io.taskgrid.proto.v1.CancelTasks.newBuilder()
                      .addTaskIds(task.id())
                      .setOutcome(outcome))
              .build());
      if (!force) {
        task.graceKill =
            executor.schedule(
                () -> {
                  if (slot.task == task) {
                    log.info("task {} ignored its cancel: killing its CPU child", task.id());
                    kill(slot);
                  }
                },
                grace.toMillis(),
                TimeUnit.MILLISECONDS);
      }
    }
    if (force) {
      kill(slot);
    }
  }

  private void kill(Slot slot) {
    Process p = slot.process;
    if (p != null) {
      slot.killedByUs = true;
      p.destroyForcibly();
    }
  }

  private void finish(CpuTask task, TaskResult result) {
    if (task.finished) {
      return;
    }
    task.finished = true;
    tasks.remove(task.id(), task);
    if (task.timeout != null) {
      task.timeout.cancel(false);
    }
    if (task.graceKill != null) {
      task.graceKill.cancel(false);
    }
    task.done.accept(result);
  }

  private void spawn(Slot slot) {
    if (closed) {
      return;
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      log.error("cannot start a CPU child process: {}", command, e);
      childGone(slot, null, -1);
      return;
    }
    slot.process = process;
    children.set(slot.index, process);
    slot.ready = false;
    slot.killedByUs = false;
    Thread reader = readers.newThread(() -> read(slot, process));
    reader.start();
  }

  /** On the reader thread: frames from the child's stdout, then its exit. */
  private void read(Slot slot, Process process) {
    InputStream in = process.getInputStream();
    try {
      ChildResponse response;
      while ((response = ChildResponse.parseDelimitedFrom(in)) != null) {
        ChildResponse r = response;
        post(() -> onResponse(slot, process, r));
      }
    } catch (IOException e) {
      log.debug("reading from CPU child {} failed", process.pid(), e);
    }
    process.onExit().thenAccept(p -> post(() -> childGone(slot, p, p.exitValue())));
  }

  private void onResponse(Slot slot, Process process, ChildResponse response) {
    if (slot.process != process) {
      return;
    }
    switch (response.getKindCase()) {
      case READY:
        slot.ready = true;
        slot.failures = 0;
        log.debug("CPU child {} ready with {}", response.getReady().getPid(), response.getReady());
        dispatch();
        break;
      case RESULT:
        if (response.getRetiring()) {
          // The task threw an Error: the child ends itself; run nothing more on it. Killing it
          // here makes sure it does end, and the exit event starts its replacement at once.
          log.info(
              "CPU child {} retires after task {} threw {}",
              process.pid(),
              response.getResult().getTaskId(),
              response.getResult().getError().getType());
          slot.ready = false;
          slot.retiring = true;
          kill(slot);
        }
        CpuTask task = slot.task;
        if (task != null && task.id().equals(response.getResult().getTaskId())) {
          slot.task = null;
          TaskResult result =
              task.stopOutcome != null
                  ? Results.stopped(base(task), task.stopOutcome)
                  : response.getResult().toBuilder()
                      .setWorkerId(workerId)
                      .setStartedUnixMs(task.startedMs)
                      .setFinishedUnixMs(clock.millis())
                      .build();
          finish(task, result);
        }
        dispatch();
        break;
      case PROGRESS:
        CpuTask reporting = slot.task;
        if (reporting != null
            && reporting.stopOutcome == null
            && reporting.id().equals(response.getProgress().getTaskId())) {
          reporting.progress.accept(response.getProgress());
        }
        break;
      default:
        log.debug("ignoring an unknown frame from CPU child {}", process.pid());
    }
  }

  private void childGone(Slot slot, @Nullable Process process, int exitCode) {
    if (process != null && slot.process != process) {
      return;
    }
    boolean wasReady = slot.ready;
    boolean killedByUs = slot.killedByUs;
    boolean retired = slot.retiring;
    slot.process = null;
    children.set(slot.index, null);
    slot.ready = false;
    slot.retiring = false;
    CpuTask task = slot.task;
    slot.task = null;
    boolean outOfMemory = !killedByUs && exitCode == ChildCommand.EXIT_OUT_OF_MEMORY;
    if (task != null) {
      if (task.stopOutcome != null) {
        finish(task, Results.stopped(base(task), task.stopOutcome));
      } else if (outOfMemory) {
        // -XX:+ExitOnOutOfMemoryError ended the child while it ran this task: the task's own
        // allocations are the likely cause, and running it again would only end the same way.
        finish(
            task,
            Results.ended(
                base(task),
                Outcome.FAILED,
                OutOfMemoryError.class.getName(),
                "the CPU child process (pid "
                    + process.pid()
                    + ") ran out of memory while running the task and exited; its heap is set"
                    + " with the worker's child JVM options (-Xmx, default 256m)",
                false));
      } else {
        finish(
            task,
            Results.ended(
                base(task),
                Outcome.WORKER_LOST,
                Results.CHILD_PROCESS_LOST,
                "the CPU child process"
                    + (process == null ? "" : " (pid " + process.pid() + ")")
                    + " exited with code "
                    + exitCode
                    + " while running the task",
                true));
      }
    }
    if (closed) {
      return;
    }
    restarts.accept(
        process == null
            ? RestartReason.START_FAILED
            : retired || outOfMemory
                ? RestartReason.TASK_ERROR
                : killedByUs ? RestartReason.KILLED : RestartReason.CRASHED);
    long delay = 0;
    if (outOfMemory && wasReady) {
      // Not a crash of the child itself: its replacement starts at once.
      log.warn("CPU child {} ran out of memory; starting a new one", process.pid());
    } else if (!killedByUs) {
      slot.failures = wasReady ? 1 : slot.failures + 1;
      delay =
          Math.min(MAX_RESTART_DELAY_MS, MIN_RESTART_DELAY_MS << Math.min(slot.failures - 1, 16));
      log.warn(
          "CPU child {} exited with code {}; restarting in {} ms",
          process == null ? "?" : process.pid(),
          exitCode,
          delay);
      giveBackQueuedIfNoChildCanStart();
    }
    executor.schedule(() -> spawn(slot), delay, TimeUnit.MILLISECONDS);
  }

  /** When no child comes up, queued tasks would wait forever: hand them back to be retried. */
  private void giveBackQueuedIfNoChildCanStart() {
    for (Slot s : slots) {
      if (s.ready || s.failures < GIVE_UP_AFTER_FAILURES) {
        return;
      }
    }
    while (!queue.isEmpty()) {
      CpuTask task = queue.poll();
      finish(
          task,
          Results.ended(
              base(task),
              Outcome.WORKER_LOST,
              Results.CHILD_PROCESS_LOST,
              "no CPU child process can start on this worker",
              true));
    }
  }

  private void write(Slot slot, ChildRequest request) {
    Process p = slot.process;
    if (p == null) {
      return;
    }
    OutputStream out = p.getOutputStream();
    try {
      request.writeDelimitedTo(out);
      out.flush();
    } catch (IOException e) {
      // The child is dying; its exit event reports the task.
      log.debug("writing to CPU child {} failed", p.pid(), e);
    }
  }

  private TaskResult.Builder base(CpuTask task) {
    return Results.base(task.assignment, workerId, task.startedMs, clock.millis());
  }

  /** One child slot; its process is replaced when it dies. Confined to the executor. */
  private static final class Slot {
    final int index;
    @Nullable Process process;
    boolean ready;
    boolean killedByUs;

    /** The child reported an Error and is being replaced (see ChildResponse.retiring). */
    boolean retiring;

    int failures;
    @Nullable CpuTask task;

    Slot(int index) {
      this.index = index;
    }

    @Override
    public String toString() {
      return "Slot" + index;
    }
  }

  /** One attempt of a CPU task. Confined to the executor. */
  private static final class CpuTask {
    final Assignment assignment;
    final Consumer<TaskResult> done;
    final Consumer<TaskProgress> progress;
    @Nullable Slot slot;
    long startedMs;
    @Nullable Outcome stopOutcome;
    @Nullable ScheduledFuture<?> timeout;
    @Nullable ScheduledFuture<?> graceKill;
    boolean finished;

    CpuTask(Assignment assignment, Consumer<TaskResult> done, Consumer<TaskProgress> progress) {
      this.assignment = assignment;
      this.done = done;
      this.progress = progress;
    }

    String id() {
      return assignment.getSpec().getId();
    }
  }
}
