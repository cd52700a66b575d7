package io.taskgrid.client;

import java.math.BigInteger;

/** Typed handles on the task handlers every Taskgrid worker ships with. */
public final class TaskTypes {
  /** {@code noop} (I/O): ignores its input and returns empty bytes. */
  public static final TaskType<byte[], byte[]> NOOP =
      TaskType.of("noop", Codecs.bytes(), Codecs.bytes());

  /** {@code echo} (I/O): returns its input. */
  public static final TaskType<String, String> ECHO =
      TaskType.of("echo", Codecs.string(), Codecs.string());

  /** {@code sleep} (I/O): waits the given milliseconds on a timer and returns them. */
  public static final TaskType<Long, Long> SLEEP =
      TaskType.of("sleep", Codecs.longs(), Codecs.longs());

  /** {@code http.get} (I/O): fetches a URL; a non-2xx status still succeeds. */
  public static final TaskType<String, HttpResult> HTTP_GET =
      TaskType.of("http.get", Codecs.string(), Codecs.json(HttpResult.class));

  /** {@code sum_squares} (CPU): the exact sum of {@code i*i} for {@code 0 <= i < n}. */
  public static final TaskType<Long, BigInteger> SUM_SQUARES =
      TaskType.of("sum_squares", Codecs.longs(), Codecs.bigInteger());

  /** {@code fail} (CPU): always fails with {@code IllegalStateException(message)}, not retried. */
  public static final TaskType<String, String> FAIL =
      TaskType.of("fail", Codecs.string(), Codecs.string());

  /** {@code spin} (CPU): burns CPU for the given milliseconds (forever if {@code <= 0}). */
  public static final TaskType<Long, Long> SPIN =
      TaskType.of("spin", Codecs.longs(), Codecs.longs());

  private TaskTypes() {}
}
