package io.taskgrid.worker.internal.cpu;

import io.taskgrid.proto.v1.ChildReady;
import io.taskgrid.proto.v1.ChildRequest;
import io.taskgrid.proto.v1.ChildResponse;
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
  private ChildMain() {}

  /** Runs the child until stdin closes. */
  public static void main(String[] args) throws IOException {
    OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
    System.setOut(System.err);
    InputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in));
    HandlerRegistry registry = HandlerRegistry.load(ChildMain.class.getClassLoader());
    ChildRunner runner = new ChildRunner(registry, frames);
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
}
