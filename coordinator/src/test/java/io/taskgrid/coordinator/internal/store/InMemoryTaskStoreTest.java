package io.taskgrid.coordinator.internal.store;

import io.taskgrid.coordinator.internal.testing.FakeClock;

class InMemoryTaskStoreTest extends TaskStoreContractTest {
  private final FakeClock clock = new FakeClock();

  @Override
  TaskStore newStore() {
    return new InMemoryTaskStore(clock, TTL, Runnable::run);
  }

  @Override
  void passTtl(TaskStore store, String expiringId) {
    clock.advance(TTL.plusMillis(1));
  }
}
