package io.taskgrid.cli.internal;

/** A usage error found after parsing (for example an unparsable address): exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
