package io.taskgrid.coordinator.internal.store;

import io.taskgrid.coordinator.internal.testing.FakeClock;
import java.time.Duration;

class InMemoryTaskStoreTest extends TaskStoreContractTest {
  private final FakeClock clock = new FakeClock();

  @Override
  TaskStore newStore(Duration resultTtl) {
    return new InMemoryTaskStore(clock, resultTtl, Runnable::run);
  }

  @Override
  TaskStore newBudgetedStore() {
    return new InMemoryTaskStore(
        clock, new Retention(Duration.ofHours(1), BUDGET, 0), Runnable::run);
  }

  @Override
  void passTtl(TaskStore store, String expiringId) {
    clock.advance(TTL.plusMillis(1));
  }
}
