package io.taskgrid.client;

/** When {@link Futures#wait} returns, as {@code asyncio.wait}'s {@code return_when}. */
public enum ReturnWhen {
  /** As soon as any future is done. */
  FIRST_COMPLETED,
  /** As soon as any future fails (or all are done). Cancelled counts as failed. */
  FIRST_EXCEPTION,
  /** When every future is done. */
  ALL_COMPLETED
}
