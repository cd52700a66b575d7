package io.taskgrid.cli.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who used the CPU during a CPU job: the worker's CPU children against the control plane (the
 * processes given: coordinator, worker, client; their child processes counted as children), from
 * the kernel's per-process CPU times read before and after. On a machine where the children are the
 * only busy processes, the control plane's share is what the children could not use.
 */
final class CpuShares {
  private final List<ProcessHandle> controlPlane;
  private final long[] before;
  private final long childrenBefore;
  private final long startNanos = System.nanoTime();

  private CpuShares(List<ProcessHandle> controlPlane) {
    this.controlPlane = List.copyOf(controlPlane);
    this.before = new long[controlPlane.size()];
    for (int i = 0; i < controlPlane.size(); i++) {
      before[i] = cpuNanos(controlPlane.get(i));
    }
    this.childrenBefore = childrenNanos();
  }

  /** Starts counting for these processes (the control plane) and their descendants (children). */
  static CpuShares start(List<ProcessHandle> controlPlane) {
    return new CpuShares(controlPlane);
  }

  /** The CPU each side used since {@link #start}. */
  Used stop() {
    long wall = System.nanoTime() - startNanos;
    long control = 0;
    for (int i = 0; i < controlPlane.size(); i++) {
      control += Math.max(0, cpuNanos(controlPlane.get(i)) - before[i]);
    }
    // A child replaced during the job loses its earlier time: the children's figure is a floor.
    return new Used(Math.max(0, childrenNanos() - childrenBefore) / 1e6, control / 1e6, wall / 1e6);
  }

  /**
   * CPU used during a job, ms.
   *
   * @param childrenMillis by the CPU child processes
   * @param controlMillis by the control plane (coordinator, worker, client, their JIT and GC)
   * @param wallMillis the job's wall time
   */
  record Used(double childrenMillis, double controlMillis, double wallMillis) {
    /** One line for a report. */
    String describe(int cores) {
      return String.format(
          Locale.ROOT,
          "CPU during the job: children %.2f s, coordinator + worker + client %.2f s, of the"
              + " %.2f s the %d cores had",
          childrenMillis / 1e3,
          controlMillis / 1e3,
          cores * wallMillis / 1e3,
          cores);
    }
  }

  /** The descendants of the control plane that are not part of it: the CPU children. */
  private long childrenNanos() {
    Set<Long> control = new HashSet<>();
    controlPlane.forEach(p -> control.add(p.pid()));
    Map<Long, ProcessHandle> children = new HashMap<>();
    for (ProcessHandle p : controlPlane) {
      p.descendants()
          .filter(d -> !control.contains(d.pid()))
          .forEach(d -> children.put(d.pid(), d));
    }
    long sum = 0;
    for (ProcessHandle d : children.values()) {
      sum += cpuNanos(d);
    }
    return sum;
  }

  private static long cpuNanos(ProcessHandle p) {
    Optional<Duration> cpu = p.info().totalCpuDuration();
    return cpu.map(Duration::toNanos).orElse(0L);
  }
}
