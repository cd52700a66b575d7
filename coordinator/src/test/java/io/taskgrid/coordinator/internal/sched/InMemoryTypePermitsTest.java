package io.taskgrid.coordinator.internal.sched;

/** The contract on the permits of a coordinator alone. */
class InMemoryTypePermitsTest extends TypePermitsContractTest {
  @Override
  protected TypePermits newPermits() {
    return new InMemoryTypePermits();
  }
}
