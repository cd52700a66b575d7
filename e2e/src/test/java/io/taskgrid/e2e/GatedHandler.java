package io.taskgrid.e2e;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.client.TaskType;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code test.gated}: runs until the test opens the {@link #GATE}, then returns its input. The gate
 * counts the tasks running at once on the worker side, whichever coordinator sent them. Registered
 * for the test JVM; no other test submits this type.
 */
public final class GatedHandler implements TaskHandler<Long, Long> {
  static final TaskType<Long, Long> TYPE =
      TaskType.of("test.gated", Codecs.longs(), Codecs.longs());

  static final Gate GATE = new Gate();

  @Override
  public String name() {
    return TYPE.name();
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<Long> inputCodec() {
    return Codecs.longs();
  }

  @Override
  public Codec<Long> outputCodec() {
    return Codecs.longs();
  }

  @Override
  public CompletionStage<Long> run(Long input, TaskContext context) {
    return GATE.enter(input);
  }

  /** The tasks waiting at the gate. Thread-safe. */
  static final class Gate {
    private record Waiting(CompletableFuture<Long> result, long input) {}

    private final List<Waiting> waiting = new ArrayList<>();
    private int maxRunning;

    synchronized CompletableFuture<Long> enter(long input) {
      CompletableFuture<Long> result = new CompletableFuture<>();
      waiting.add(new Waiting(result, input));
      maxRunning = Math.max(maxRunning, waiting.size());
      // Cancelled by the worker (cancel, timeout): no longer running.
      var unused =
          result.whenComplete(
              (v, e) -> {
                if (e != null) {
                  leave(result);
                }
              });
      return result;
    }

    /** Lets every task at the gate end; returns how many there were. */
    int openAll() {
      List<Waiting> now;
      synchronized (this) {
        now = List.copyOf(waiting);
        waiting.clear();
      }
      // Counted out before they complete, so the count never lags behind the coordinators'.
      now.forEach(w -> w.result().complete(w.input()));
      return now.size();
    }

    synchronized int running() {
      return waiting.size();
    }

    /** The most tasks that were at the gate at once since the last {@link #reset()}. */
    synchronized int maxRunning() {
      return maxRunning;
    }

    synchronized void reset() {
      waiting.clear();
      maxRunning = 0;
    }

    private synchronized void leave(CompletableFuture<Long> result) {
      waiting.removeIf(w -> w.result() == result);
    }
  }
}
