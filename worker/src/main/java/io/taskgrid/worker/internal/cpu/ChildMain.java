package io.taskgrid.worker.internal.cpu;

import io.taskgrid.proto.v1.ChildReady;
import io.taskgrid.proto.v1.ChildRequest;
import io.taskgrid.proto.v1.ChildResponse;
import io.taskgrid.worker.CpuTaskHandler;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.HandlerRegistry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The entry point of a CPU child process. Reads {@link ChildRequest} frames from stdin, writes
 * {@link ChildResponse} frames to stdout (so nothing else may write there: {@code System.out} is
 * pointed at stderr), and exits when stdin closes.
 */
public final class ChildMain {
  /**
   * Exit code of a child that retires after a task threw an {@link Error} (its result was sent; the
   * agent starts a replacement).
   */
  public static final int EXIT_RETIRED = 70;

  /** Exit code of a child after an uncaught {@link Error} on one of its own threads. */
  public static final int EXIT_UNCAUGHT_ERROR = 71;

  private ChildMain() {}

  /** Runs the child until stdin closes. */
  public static void main(String[] args) throws IOException {
    OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
    System.setOut(System.err);
    // An Error on any other thread (the reader, the progress timer, a thread a handler started)
    // leaves the child in a state nobody checks: end it loudly, the agent replaces it.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          System.err.print("Exception in thread \"" + thread.getName() + "\" ");
          error.printStackTrace();
          if (error instanceof Error) {
            System.err.println("taskgrid CPU child: an Error on its own thread; exiting");
            Runtime.getRuntime().halt(EXIT_UNCAUGHT_ERROR);
          }
        });
    InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in));
    HandlerRegistry registry = HandlerRegistry.load(ChildMain.class.getClassLoader());
    warmUp(registry);
    ChildRunner runner =
        new ChildRunner(registry, frames, () -> Runtime.getRuntime().halt(EXIT_RETIRED));
    runner.send(
        ChildResponse.newBuilder()
            .setReady(
                ChildReady.newBuilder()
                    .setPid(ProcessHandle.current().pid())
                    .addAllHandlers(registry.names(TaskPool.CPU)))
            .build());
    ChildRequest request;
    while ((request = ChildRequest.parseDelimitedFrom(in)) != null) {
      runner.handle(request);
    }
    // The agent closed stdin: it is gone or closing. The task thread is a daemon, so returning
    // ends the process even if a task still runs.
    runner.close();
  }

  /**
   * Each CPU handler's {@link CpuTaskHandler#warmUp}, before the child says it is ready: the JIT
   * compiles the hot code now instead of during the first tasks, whose time a user measures (the
   * seeds' job ran its first round 5-10x slower than the next on cold children).
   */
  private static void warmUp(HandlerRegistry registry) {
    for (TaskHandler<?, ?> handler : registry.handlers(TaskPool.CPU)) {
      if (handler instanceof CpuTaskHandler<?, ?> cpu) {
        try {
          cpu.warmUp();
        } catch (Exception e) { // a failed warm-up costs speed, never the child
          System.err.println(
              "taskgrid CPU child: the warm-up of handler '" + handler.name() + "' failed: " + e);
        }
      }
    }
  }
}
