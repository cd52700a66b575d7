package io.taskgrid.coordinator.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.partition.PartitionLostEvent;
import io.prometheus.client.CollectorRegistry;
import io.taskgrid.coordinator.internal.metrics.MetricNames;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionLossWatch} counts a partition as lost only when as many replicas went with its
 * owner as the store keeps backups, and re-reads the sessions a few times per burst of events.
 * (That Hazelcast reports the partitions of one lost coordinator of three, and that none of them is
 * counted, is checked on real processes by ChaosIT's coordinator kill.)
 */
class PartitionLossWatchTest {
  private final CollectorRegistry registry = new CollectorRegistry();
  private final AtomicInteger rechecks = new AtomicInteger();
  private final Queue<Runnable> later = new ArrayDeque<>();

  /** A watch for a store with one backup whose re-reads wait in {@link #later}. */
  private PartitionLossWatch watch() {
    return new PartitionLossWatch(null, 1, registry, rechecks::incrementAndGet, later::add);
  }

  @Test
  void ownerLostButItsBackupSurvived_notCounted_sessionsStillReRead() {
    PartitionLossWatch watch = watch();

    watch.partitionLost(event(7, 0));
    assertThat(lostCounted()).isZero();
    runLater();

    assertThat(rechecks).hasValue(PartitionLossWatch.RECHECKS);
  }

  @Test
  void ownerAndBackupLost_countedAndSessionsReRead() {
    PartitionLossWatch watch = watch();

    watch.partitionLost(event(7, 1));
    assertThat(lostCounted()).isEqualTo(1);
    assertThat(rechecks).hasValue(0);

    runLater();
    assertThat(rechecks).hasValue(PartitionLossWatch.RECHECKS);
  }

  @Test
  void aBurstOfLosses_oneRoundOfReReads_aLaterLossAnother() {
    PartitionLossWatch watch = watch();

    for (int p = 0; p < 90; p++) {
      watch.partitionLost(event(p, p % 2));
    }
    assertThat(later).hasSize(1);
    runLater();
    watch.partitionLost(event(200, 6));
    runLater();

    assertThat(lostCounted()).isEqualTo(46);
    assertThat(rechecks).hasValue(2 * PartitionLossWatch.RECHECKS);
  }

  private void runLater() {
    Runnable r;
    while ((r = later.poll()) != null) {
      r.run();
    }
  }

  private double lostCounted() {
    Double v = registry.getSampleValue(MetricNames.PARTITIONS_LOST + "_total");
    return v == null ? 0 : v;
  }

  private static PartitionLostEvent event(int partition, int lostBackups) {
    return new PartitionLostEvent() {
      @Override
      public int getPartitionId() {
        return partition;
      }

      @Override
      public int getLostBackupCount() {
        return lostBackups;
      }

      @Override
      public boolean allReplicasInPartitionLost() {
        return lostBackups == 6;
      }

      @Override
      public Address getEventSource() {
        return null;
      }
    };
  }
}
