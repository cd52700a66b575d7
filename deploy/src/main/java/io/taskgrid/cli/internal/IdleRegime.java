package io.taskgrid.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How this machine's idle cores wake up, as Linux tells it under {@code /sys}: the cpuidle driver
 * and, in a KVM guest with the {@code haltpoll} driver, how long an idle vCPU polls before it halts
 * ({@code guest_halt_poll_ns}). The bench prints it because it decides the round trip's median more
 * than our code does: on a guest that halts at once, every thread wake-up of a round trip (about 24
 * of them over the three processes) waits for the hypervisor to resume a halted vCPU; with 200 µs
 * of polling the same build's p50 fell from about 500 to about 180 µs (bench/RESULTS.md, "Latency
 * and how idle cores wake").
 */
record IdleRegime(@Nullable String driver, @Nullable Long haltPollNanos) {

  /** This machine's, read from {@code /sys}. */
  static IdleRegime ofThisMachine() {
    return readFrom(Paths.get("/sys"));
  }

  /** The regime described by a {@code /sys} tree rooted at {@code sys} (a test's folder). */
  static IdleRegime readFrom(Path sys) {
    String driver =
        firstLine(sys.resolve("devices/system/cpu/cpuidle/current_driver")).orElse(null);
    Long pollNanos =
        firstLine(sys.resolve("module/haltpoll/parameters/guest_halt_poll_ns"))
            .flatMap(IdleRegime::parseLong)
            .orElse(null);
    return new IdleRegime(driver, pollNanos);
  }

  /**
   * Whether an idle vCPU here halts without polling first: a KVM guest's haltpoll driver with its
   * polling set to 0.
   */
  boolean haltsAtOnce() {
    return "haltpoll".equals(driver) && haltPollNanos != null && haltPollNanos == 0;
  }

  /** One line for the bench's header. */
  String describe() {
    if (driver == null) {
      return "cpuidle: unknown (no cpuidle driver under /sys)";
    }
    StringBuilder out = new StringBuilder("cpuidle driver ").append(driver);
    if (haltPollNanos != null) {
      out.append(", guest_halt_poll_ns=").append(haltPollNanos);
    }
    if (haltsAtOnce()) {
      out.append(
          ": idle vCPUs halt at once, so each thread wake-up waits for the hypervisor and the"
              + " round trip's p50 is mostly that wait (docs/SCALING.md, \"Latency and how idle"
              + " cores wake\")");
    }
    return out.toString();
  }

  private static Optional<String> firstLine(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text.lines().findFirst().orElse(""));
    } catch (IOException | SecurityException e) {
      return Optional.empty(); // not Linux, or no such driver: the regime is unknown
    }
  }

  private static Optional<Long> parseLong(String text) {
    try {
      return Optional.of(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
