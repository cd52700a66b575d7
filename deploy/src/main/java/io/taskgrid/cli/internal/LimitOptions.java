package io.taskgrid.cli.internal;

import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The coordinator's size and admission limits as flags (a mixin of {@code taskgrid coordinator}),
 * each also a {@code TASKGRID_*} variable and a config file key. docs/LIMITS.md lists them with
 * what a caller gets past each one.
 */
final class LimitOptions {
  @Option(
      names = "--max-payload-bytes",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_PAYLOAD_BYTES,
      description =
          "Largest task input, and handler output, in bytes; larger inputs are rejected"
              + " (RESOURCE_EXHAUSTED), larger outputs end FAILED ResultTooLarge; at most"
              + " 33554432 (default: ${DEFAULT-VALUE}).")
  int maxPayloadBytes = CoordinatorOptions.DEFAULT_MAX_PAYLOAD_BYTES;

  @Option(
      names = "--max-batch-size",
      defaultValue = "10000",
      description = "Most tasks in one submit batch (default: ${DEFAULT-VALUE}).")
  int maxBatchSize = 10_000;

  @Option(
      names = "--max-message-bytes",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_MESSAGE_BYTES,
      description =
          "Budget of one message the coordinator sends: batching and coalescing stop there (one"
              + " larger result still goes alone); keep it under your clients' inbound limit"
              + " (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes = CoordinatorOptions.DEFAULT_MAX_MESSAGE_BYTES;

  @Option(
      names = "--max-ids-per-request",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_IDS_PER_REQUEST,
      description =
          "Most task ids in one attach, cancel or watch request, 1000..1000000"
              + " (default: ${DEFAULT-VALUE}).")
  int maxIdsPerRequest = CoordinatorOptions.DEFAULT_MAX_IDS_PER_REQUEST;

  @Option(
      names = "--max-queued-tasks",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS,
      description =
          "Most tasks queued or running on this coordinator; more are rejected with"
              + " RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  long maxQueuedTasks = CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS;

  @Option(
      names = "--max-queued-tasks-per-tenant",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS_PER_TENANT,
      description =
          "Most tasks of one tenant queued or running on this coordinator (without"
              + " authentication every client is tenant 'default') (default: ${DEFAULT-VALUE}).")
  long maxQueuedTasksPerTenant = CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS_PER_TENANT;

  @Option(
      names = "--max-queued-tasks-per-session",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS_PER_SESSION,
      description =
          "Most tasks submitted on one client session that are queued or running, so one client"
              + " cannot starve the others (default: ${DEFAULT-VALUE}).")
  long maxQueuedTasksPerSession = CoordinatorOptions.DEFAULT_MAX_QUEUED_TASKS_PER_SESSION;

  @Option(
      names = "--max-heap-used-percent",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_HEAP_USED_PERCENT,
      description =
          "New tasks are rejected (RESOURCE_EXHAUSTED) while the heap used after GC is above this"
              + " percentage of the maximum heap; 100 turns the check off"
              + " (default: ${DEFAULT-VALUE}).")
  int maxHeapUsedPercent = CoordinatorOptions.DEFAULT_MAX_HEAP_USED_PERCENT;

  @Option(
      names = "--not-reading-timeout-ms",
      defaultValue = "60000",
      description =
          "A client stream that leaves results unread this long is closed with"
              + " RESOURCE_EXHAUSTED (its tasks keep running; the SDK re-attaches); 0: never"
              + " (default: ${DEFAULT-VALUE}).")
  long notReadingTimeoutMillis = 60_000;

  @Option(
      names = "--max-stream-queue-bytes",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_STREAM_QUEUE_BYTES,
      description =
          "Bytes queued for one client stream before it is closed as not reading"
              + " (default: ${DEFAULT-VALUE}).")
  long maxStreamQueueBytes = CoordinatorOptions.DEFAULT_MAX_STREAM_QUEUE_BYTES;

  @Option(
      names = "--max-held-cancels-per-tenant",
      defaultValue = "" + CoordinatorOptions.DEFAULT_MAX_HELD_CANCELS_PER_TENANT,
      description =
          "Most cancels held for one tenant's tasks this coordinator has not registered yet (a"
              + " cancel sent right after its submit); beyond it a cancel is answered at once from"
              + " the store; 0 holds none (default: ${DEFAULT-VALUE}).")
  int maxHeldCancelsPerTenant = CoordinatorOptions.DEFAULT_MAX_HELD_CANCELS_PER_TENANT;

  @Option(
      names = "--held-cancel-ms",
      defaultValue = "10000",
      description =
          "How long a held cancel waits for its task to register before it is answered from the"
              + " store (ALREADY_FINISHED or NOT_FOUND), 0..3600000 (default: ${DEFAULT-VALUE}).")
  long heldCancelMillis = CoordinatorOptions.DEFAULT_HELD_CANCEL_TIME.toMillis();

  /** Checks each flag (a usage error names it) and sets it on the builder. */
  CoordinatorOptions.Builder applyTo(CoordinatorOptions.Builder b) {
    return b.maxPayloadBytes(
            Checks.between(
                "--max-payload-bytes", maxPayloadBytes, 1, CoordinatorOptions.MAX_PAYLOAD_LIMIT))
        .maxBatchSize(Checks.atLeast("--max-batch-size", maxBatchSize, 1))
        .maxMessageBytes(
            Checks.between(
                "--max-message-bytes",
                maxMessageBytes,
                1024 * 1024,
                CoordinatorOptions.MAX_PAYLOAD_LIMIT))
        .maxIdsPerRequest(
            Checks.between(
                "--max-ids-per-request",
                maxIdsPerRequest,
                CoordinatorOptions.MIN_IDS_PER_REQUEST,
                1_000_000))
        .maxQueuedTasks(Checks.atLeast("--max-queued-tasks", maxQueuedTasks, 1))
        .maxQueuedTasksPerTenant(
            Checks.atLeast("--max-queued-tasks-per-tenant", maxQueuedTasksPerTenant, 1))
        .maxQueuedTasksPerSession(
            Checks.atLeast("--max-queued-tasks-per-session", maxQueuedTasksPerSession, 1))
        .maxHeapUsedPercent(Checks.between("--max-heap-used-percent", maxHeapUsedPercent, 1, 100))
        .notReadingTimeout(
            Duration.ofMillis(
                Checks.atLeast("--not-reading-timeout-ms", notReadingTimeoutMillis, 0)))
        .maxStreamQueueBytes(
            Checks.atLeast("--max-stream-queue-bytes", maxStreamQueueBytes, maxMessageBytes))
        .maxHeldCancelsPerTenant(
            Checks.atLeast("--max-held-cancels-per-tenant", maxHeldCancelsPerTenant, 0))
        .heldCancelTime(
            Duration.ofMillis(Checks.between("--held-cancel-ms", heldCancelMillis, 0, 3_600_000)));
  }
}
