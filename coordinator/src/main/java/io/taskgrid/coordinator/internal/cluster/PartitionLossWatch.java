package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionLostEvent;
import com.hazelcast.partition.PartitionLostListener;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.taskgrid.coordinator.internal.metrics.MetricNames;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the store lost data: more members left at once than it keeps backups for, so a
 * partition's owner and its backups are all gone. Each loss is logged and counted ({@value
 * MetricNames#PARTITIONS_LOST}), and {@code onLoss} runs (client sessions then report their lost
 * tasks as LOST, and the SDK resubmits them). Runs on a Hazelcast event thread: {@code onLoss} must
 * only hand off.
 */
public final class PartitionLossWatch implements PartitionLostListener {
  private static final Logger log = LoggerFactory.getLogger(PartitionLossWatch.class);

  private final Counter lost;
  private final Runnable onLoss;
  private final HazelcastInstance hazelcast;
  private UUID registration = new UUID(0, 0);

  public PartitionLossWatch(
      HazelcastInstance hazelcast, CollectorRegistry registry, Runnable onLoss) {
    this.hazelcast = hazelcast;
    this.onLoss = onLoss;
    this.lost =
        Counter.build()
            .name(MetricNames.PARTITIONS_LOST)
            .help(
                "Store partitions whose owner and every backup were lost (their records are gone)")
            .register(registry);
  }

  /** Starts listening. */
  public void start() {
    registration = hazelcast.getPartitionService().addPartitionLostListener(this);
  }

  /** Stops listening. */
  public void close() {
    hazelcast.getPartitionService().removePartitionLostListener(registration);
  }

  @Override
  public void partitionLost(PartitionLostEvent event) {
    lost.inc();
    log.error(
        "Store partition {} lost its data ({} backup(s) lost with its owner): the records in it"
            + " are gone; clients resubmit the tasks they still wait for",
        event.getPartitionId(),
        event.getLostBackupCount());
    onLoss.run();
  }
}
