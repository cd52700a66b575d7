package io.taskgrid.e2e;

/**
 * The integration tests' one shared resource: the machine they run on. Failsafe runs the IT classes
 * two at a time (e2e/pom.xml), and each class says how it uses the machine with
 * {@code @ResourceLock(E2eMachine.LOCK)}:
 *
 * <ul>
 *   <li>{@code mode = READ}: the test mostly waits (a paused reader, a scrape interval, processes
 *       starting) and bounds nothing by time that another test's load could break, so it runs
 *       beside another such test;
 *   <li>{@code mode = READ_WRITE} (the rest): it kills, pauses or cuts processes and waits for
 *       timeouts, leases or merges, or measures latency, so it runs alone, on a machine no other
 *       test loads.
 * </ul>
 *
 * <p>{@code ItResourceLockTest} fails when an IT class declares neither, so a new one chooses.
 */
final class E2eMachine {
  /** The lock every IT class takes. */
  static final String LOCK = "taskgrid-e2e-machine";

  private E2eMachine() {}
}
