package io.taskgrid.bench;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** The trivial task of the Hazelcast executor baseline (on both JVMs' class paths). */
public final class NoopCallable implements Callable<Integer>, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public Integer call() {
    return 1;
  }
}
