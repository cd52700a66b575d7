package io.taskgrid.client;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A typed handle on a task handler registered on the workers: its name and the codecs of its input
 * and output. Immutable and thread-safe; the built-in ones are in {@link TaskTypes}.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class TaskType<I, O> {
  private final String name;
  private final Codec<I> inputCodec;
  private final Codec<O> outputCodec;
  private final @Nullable TaskPool pool;

  private TaskType(
      String name, Codec<I> inputCodec, Codec<O> outputCodec, @Nullable TaskPool pool) {
    this.name = name;
    this.inputCodec = inputCodec;
    this.outputCodec = outputCodec;
    this.pool = pool;
  }

  /**
   * A task type run in the pool its handler declares.
   *
   * @param name the handler's registered name, for example {@code "echo"}
   * @param input how inputs are encoded
   * @param output how outputs are decoded
   */
  public static <I, O> TaskType<I, O> of(String name, Codec<I> input, Codec<O> output) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: non-blank)");
    }
    return new TaskType<>(
        name, requireNonNull(input, "input"), requireNonNull(output, "output"), null);
  }

  /** A copy of this type that asks for the given pool instead of the handler's default. */
  public TaskType<I, O> withPool(TaskPool pool) {
    return new TaskType<>(name, inputCodec, outputCodec, requireNonNull(pool, "pool"));
  }

  /** The handler's registered name. */
  public String name() {
    return name;
  }

  /** The codec of the input. */
  public Codec<I> inputCodec() {
    return inputCodec;
  }

  /** The codec of the output. */
  public Codec<O> outputCodec() {
    return outputCodec;
  }

  /** The pool asked for, or empty for the pool the handler declares. */
  public Optional<TaskPool> pool() {
    return Optional.ofNullable(pool);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TaskType<?, ?> other
        && name.equals(other.name)
        && inputCodec.equals(other.inputCodec)
        && outputCodec.equals(other.outputCodec)
        && Objects.equals(pool, other.pool);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, inputCodec, outputCodec, pool);
  }

  @Override
  public String toString() {
    return "TaskType[" + name + (pool == null ? "" : ", " + pool) + "]";
  }
}
