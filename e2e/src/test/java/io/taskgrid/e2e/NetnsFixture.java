package io.taskgrid.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Network namespaces for the e2e tests that approximate several machines on one: namespaces with
 * their loopback up, a bridge in a namespace of its own (so the host's firewall never sees the
 * traffic), veth pairs plugging namespaces into it, and partitions as blackhole routes. Names carry
 * a random tag and addresses a random 10.x.y.0/24, so parallel runs do not collide; {@link #close}
 * deletes every namespace and root link it made. Needs root and {@code ip netns}: {@link
 * #unavailableReason} says why not.
 */
final class NetnsFixture implements AutoCloseable {
  /** Unique per fixture: namespace and link names must not collide with a parallel run. */
  final String tag = Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xe000));

  /** The fixture's /24, as {@code 10.x.y.} (append the host number). */
  final String subnet =
      "10."
          + (200 + ThreadLocalRandom.current().nextInt(50))
          + "."
          + ThreadLocalRandom.current().nextInt(256)
          + ".";

  private final List<String> namespaces = new ArrayList<>();
  private final List<String> rootLinks = new ArrayList<>();
  private @Nullable String bridgeNs;

  /**
   * Deletes what the fixture made if the JVM ends before {@link #close} (the test JVM killed on a
   * timeout or by a signal): namespaces outlive their processes otherwise.
   */
  private final Thread cleanupAtExit = new Thread(this::deleteAll, "netns-cleanup");

  NetnsFixture() {
    Runtime.getRuntime().addShutdownHook(cleanupAtExit);
  }

  /** Creates a namespace {@code tg<role>-<tag>} with its loopback up. */
  synchronized String namespace(String role) throws IOException, InterruptedException {
    String ns = "tg" + role + "-" + tag;
    run("ip", "netns", "add", ns);
    namespaces.add(ns);
    run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    return ns;
  }

  /** The namespace holding the bridge {@code br0}, created on first use. */
  String bridge() throws IOException, InterruptedException {
    if (bridgeNs == null) {
      String ns = namespace("b");
      run("ip", "netns", "exec", ns, "ip", "link", "add", "br0", "type", "bridge");
      run("ip", "netns", "exec", ns, "ip", "link", "set", "br0", "up");
      bridgeNs = ns;
    }
    return bridgeNs;
  }

  /**
   * Joins {@code ns} to the bridge with a veth pair ({@code eth0} inside, holding {@code
   * address}/24).
   *
   * @return the name of the bridge-side end (set it down to cut the namespace off from everyone)
   */
  String plug(String ns, String role, String address) throws IOException, InterruptedException {
    String br = bridge();
    String inner = "t" + tag + role;
    String outer = inner + "b";
    run("ip", "link", "add", inner, "type", "veth", "peer", "name", outer);
    synchronized (this) {
      // In the root namespace until moved: deleted at close if a move below fails.
      rootLinks.add(inner);
    }
    run("ip", "link", "set", inner, "netns", ns);
    run("ip", "link", "set", outer, "netns", br);
    run("ip", "netns", "exec", ns, "ip", "link", "set", inner, "name", "eth0");
    run("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
    run("ip", "netns", "exec", br, "ip", "link", "set", outer, "master", "br0");
    run("ip", "netns", "exec", br, "ip", "link", "set", outer, "up");
    return outer;
  }

  /**
   * A veth from the root namespace (where the test JVM runs) to the bridge, holding {@code
   * address}/24 on the root side: the test's own way in.
   */
  synchronized void plugRoot(String address) throws IOException, InterruptedException {
    String br = bridge();
    String hostEnd = "t" + tag + "h";
    run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", hostEnd + "b");
    rootLinks.add(hostEnd);
    run("ip", "link", "set", hostEnd + "b", "netns", br);
    run("ip", "netns", "exec", br, "ip", "link", "set", hostEnd + "b", "master", "br0");
    run("ip", "netns", "exec", br, "ip", "link", "set", hostEnd + "b", "up");
    run("ip", "addr", "add", address + "/24", "dev", hostEnd);
    run("ip", "link", "set", hostEnd, "up");
  }

  /**
   * Cuts the link between two namespaces only (each keeps every other link): a blackhole route to
   * the other's address on both sides, so neither side's packets reach the other.
   */
  void cut(String nsA, String addressA, String nsB, String addressB)
      throws IOException, InterruptedException {
    run("ip", "netns", "exec", nsA, "ip", "route", "add", "blackhole", addressB + "/32");
    run("ip", "netns", "exec", nsB, "ip", "route", "add", "blackhole", addressA + "/32");
  }

  /** Undoes {@link #cut}. */
  void heal(String nsA, String addressA, String nsB, String addressB)
      throws IOException, InterruptedException {
    run("ip", "netns", "exec", nsA, "ip", "route", "del", "blackhole", addressB + "/32");
    run("ip", "netns", "exec", nsB, "ip", "route", "del", "blackhole", addressA + "/32");
  }

  /** {@code ip netns exec ns}: the prefix that runs a command in {@code ns}. */
  static List<String> in(String ns) {
    return List.of("ip", "netns", "exec", ns);
  }

  @Override
  public void close() {
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (and finds nothing left).
    }
  }

  private synchronized void deleteAll() {
    for (String ns : namespaces) {
      runQuietly("ip", "netns", "del", ns);
    }
    for (String link : rootLinks) {
      runQuietly("ip", "link", "del", link);
    }
    namespaces.clear();
    rootLinks.clear();
  }

  /**
   * Why this machine cannot make namespaces with veth pairs (not Linux, not root, no usable {@code
   * ip netns}), or null if it can.
   */
  static @Nullable String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return "network namespaces need Linux";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (ip netns)";
    }
    String probe = "tg-probe-" + ProcessHandle.current().pid();
    try {
      run("ip", "netns", "add", probe);
      try {
        run(
            "ip", "netns", "exec", probe, "ip", "link", "add", "v0", "type", "veth", "peer", "name",
            "v1");
      } finally {
        run("ip", "netns", "del", probe);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "ip netns (with a veth pair) is not usable here: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Runs a command, failing with its output unless it exits 0 within 30 s; returns its output. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output.trim());
    }
    return output;
  }

  private static void runQuietly(String... command) {
    try {
      run(command);
    } catch (IOException | RuntimeException e) {
      // Cleanup: the namespace or link may already be gone with its peer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
