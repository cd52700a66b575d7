package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionLostEvent;
import com.hazelcast.partition.PartitionLostListener;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.taskgrid.coordinator.internal.metrics.MetricNames;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the store lost data: more members left at once than it keeps backups for, so a
 * partition's owner and its backups are all gone. Each loss is logged and counted ({@value
 * MetricNames#PARTITIONS_LOST}), and {@code onLoss} runs once per burst of losses (client sessions
 * then report their lost tasks as LOST, and the SDK resubmits them).
 *
 * <p>Hazelcast reports every partition whose owner it lost, with how many replicas went with it
 * ({@link PartitionLostEvent#getLostBackupCount()}: 0 is the owner alone). A map loses records only
 * when that reaches its backup count (Hazelcast's own map and cache services filter so). Counting
 * every event called ~90 partitions of three coordinators "lost" whenever one coordinator died,
 * though each was whole on its promoted backup: an alarm on every routine failure, and ~90 re-reads
 * of every task each session watched, at the moment the cluster was busiest (adoption).
 */
public final class PartitionLossWatch implements PartitionLostListener {
  private static final Logger log = LoggerFactory.getLogger(PartitionLossWatch.class);

  /**
   * How long the first loss of a burst waits for the rest before the sessions re-read: Hazelcast
   * reports the partitions of one member loss within milliseconds of each other, and one re-read
   * after them all sees everything they lost.
   */
  static final Duration COALESCE = Duration.ofMillis(250);

  private final Counter lost;
  private final Runnable onLoss;
  private final HazelcastInstance hazelcast;
  private final int storeBackups;
  private final Executor recheckLater;
  private final AtomicBoolean recheckDue = new AtomicBoolean();
  private UUID registration = new UUID(0, 0);

  /**
   * @param storeBackups the backups the store keeps of each partition (synchronous and
   *     asynchronous): a partition loses records only when that many replicas went with its owner
   */
  public PartitionLossWatch(
      HazelcastInstance hazelcast, int storeBackups, CollectorRegistry registry, Runnable onLoss) {
    this(
        hazelcast,
        storeBackups,
        registry,
        onLoss,
        CompletableFuture.delayedExecutor(COALESCE.toMillis(), TimeUnit.MILLISECONDS));
  }

  PartitionLossWatch(
      HazelcastInstance hazelcast,
      int storeBackups,
      CollectorRegistry registry,
      Runnable onLoss,
      Executor recheckLater) {
    this.hazelcast = hazelcast;
    this.storeBackups = storeBackups;
    this.onLoss = onLoss;
    this.recheckLater = recheckLater;
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

  /** Runs on a Hazelcast event thread: counts, logs and hands off. */
  @Override
  public void partitionLost(PartitionLostEvent event) {
    if (event.getLostBackupCount() < storeBackups) {
      // A backup survived and has been promoted: the partition's records are all there.
      return;
    }
    lost.inc();
    log.error(
        "Store partition {} lost its data (its owner and {} backup(s)): the records in it are"
            + " gone; clients resubmit the tasks they still wait for",
        event.getPartitionId(),
        event.getLostBackupCount());
    if (recheckDue.compareAndSet(false, true)) {
      recheckLater.execute(
          () -> {
            recheckDue.set(false);
            onLoss.run();
          });
    }
  }
}
