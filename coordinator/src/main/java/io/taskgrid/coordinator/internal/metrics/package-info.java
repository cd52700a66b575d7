/**
 * The coordinator's Prometheus metrics: per-task counters and histograms fed by the scheduler's
 * {@link io.taskgrid.coordinator.internal.sched.TaskEvents}, gauges read at scrape time, and the
 * {@code /metrics} HTTP endpoint. Always on a {@code CollectorRegistry} the caller owns.
 *
 * <p>Starting points: {@link io.taskgrid.coordinator.internal.metrics.CoordinatorMetrics}, {@link
 * io.taskgrid.coordinator.internal.metrics.MetricsServer}. docs/METRICS.md lists every metric.
 */
@NullMarked
package io.taskgrid.coordinator.internal.metrics;

import org.jspecify.annotations.NullMarked;
