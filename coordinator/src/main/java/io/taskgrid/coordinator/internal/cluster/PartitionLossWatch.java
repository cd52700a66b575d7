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
 * MetricNames#PARTITIONS_LOST}). After any partition lost its owner, whether its records survived
 * or not, {@code onLoss} runs a few times (client sessions re-read the tasks they watch and report
 * those the store no longer holds as LOST, and the SDK resubmits them).
 *
 * <p>Hazelcast reports every partition whose owner it lost, with how many replicas went with it
 * ({@link PartitionLostEvent#getLostBackupCount()}: 0 is the owner alone). A map loses records only
 * when that reaches its backup count (Hazelcast's own map and cache services filter so), so only
 * those are counted and logged as lost: counting every event called ~90 partitions of three
 * coordinators "lost" whenever one coordinator died. The sessions still re-read after an owner
 * alone was lost, as a net: records did go missing around such a loss (ChaosIT's coordinator kill:
 * ~150 of 20,000, each re-submitted by its client only because these re-reads found it missing),
 * from a store write that Hazelcast ran twice (BatchWriteProcessor's TAKE_LEASE, now answering a
 * repeated run the same; 0 missing since). One burst of events (they come within milliseconds)
 * makes {@link #RECHECKS} re-reads, {@link #RECHECK_EVERY} apart, instead of one per event.
 */
public final class PartitionLossWatch implements PartitionLostListener {
  private static final Logger log = LoggerFactory.getLogger(PartitionLossWatch.class);

  /** How many times the sessions re-read after a burst of partition events. */
  static final int RECHECKS = 3;

  /** The time before each re-read: the first waits for the rest of the burst. */
  static final Duration RECHECK_EVERY = Duration.ofSeconds(1);

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
        CompletableFuture.delayedExecutor(RECHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** With {@code recheckLater} running each re-read {@link #RECHECK_EVERY} later (tests). */
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
    if (event.getLostBackupCount() >= storeBackups) {
      lost.inc();
      log.error(
          "Store partition {} lost its data (its owner and {} backup(s)): the records in it are"
              + " gone; clients resubmit the tasks they still wait for",
          event.getPartitionId(),
          event.getLostBackupCount());
    } else {
      log.debug(
          "Store partition {} lost its owner; a backup holds its records", event.getPartitionId());
    }
    if (recheckDue.compareAndSet(false, true)) {
      recheckLater.execute(() -> recheck(1));
    }
  }

  private void recheck(int round) {
    if (round >= RECHECKS) {
      recheckDue.set(false); // a loss from now on starts a burst of its own
    } else {
      recheckLater.execute(() -> recheck(round + 1));
    }
    onLoss.run();
  }
}
