package io.taskgrid.e2e;

/**
 * The integration tests' one shared resource: the machine they run on. Failsafe runs the IT classes
 * one at a time (e2e/pom.xml), except those tagged {@link #SHARES_THE_MACHINE}, which it runs in an
 * execution of their own, two classes at a time. A class is tagged only when it mostly waits (a
 * paused reader, a scrape interval, processes starting) and bounds nothing by time that another
 * test's load could break. A test that kills, pauses or cuts processes and waits for timeouts,
 * leases or merges, or that measures latency, is not tagged: untagged is the default, so a new IT
 * runs alone unless it is shown to share.
 */
final class E2eMachine {
  /** The tag of the IT classes that may run beside one another. */
  static final String SHARES_THE_MACHINE = "shares-the-machine";

  private E2eMachine() {}
}
