package io.taskgrid.coordinator.internal.store;

import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import java.time.Duration;

/** What the store's users need to know about a member's split-brain protection. */
public final class SplitBrainProtections {
  /** How long {@link #awaitFirstEvaluation} waits at most. */
  static final Duration FIRST_EVALUATION_WAIT = Duration.ofSeconds(10);

  private SplitBrainProtections() {}

  /**
   * Waits until every split-brain protection of the member has been met once. Hazelcast refuses
   * every operation on a protected map until then, and it first evaluates a heartbeat-aware
   * protection about a heartbeat after the member started: without the wait a fresh coordinator
   * refused its first second of submissions (and every single-member store test failed). Returns
   * after {@link #FIRST_EVALUATION_WAIT} regardless; operations then fail with Hazelcast's own
   * message.
   */
  public static void awaitFirstEvaluation(HazelcastInstance hazelcast) {
    long deadline = System.nanoTime() + FIRST_EVALUATION_WAIT.toNanos();
    for (SplitBrainProtectionConfig c :
        hazelcast.getConfig().getSplitBrainProtectionConfigs().values()) {
      if (!c.isEnabled()) {
        continue;
      }
      SplitBrainProtection protection =
          hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(c.getName());
      while (!protection.hasMinimumSize() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10); // polls Hazelcast's state: it has no listener for the first evaluation
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
