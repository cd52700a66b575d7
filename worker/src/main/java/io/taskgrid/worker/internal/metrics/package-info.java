/**
 * The worker's Prometheus metrics and its {@code /metrics} endpoint, on a {@code CollectorRegistry}
 * the caller owns or the worker makes (never the default registry).
 *
 * <p>Starting points: {@link io.taskgrid.worker.internal.metrics.WorkerMetrics}. docs/METRICS.md
 * lists every metric.
 */
@NullMarked
package io.taskgrid.worker.internal.metrics;

import org.jspecify.annotations.NullMarked;
