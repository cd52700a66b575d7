package io.taskgrid.client;

/**
 * Turns values of one type into the bytes of a task's payload and back.
 *
 * <p>A codec names its encoding with a content type, which travels with the payload so that a
 * handler written in another language (or the CLI) can tell how to read it. Implementations are
 * immutable and thread-safe; the ready-made ones are in {@link Codecs}.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

  /** The content type of the encoded bytes, for example {@code "text/plain; charset=utf-8"}. */
  String contentType();

  /** Encodes a value; never returns {@code null}. */
  byte[] encode(T value);

  /**
   * Decodes bytes produced by {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid encoding
   */
  T decode(byte[] bytes);
}
