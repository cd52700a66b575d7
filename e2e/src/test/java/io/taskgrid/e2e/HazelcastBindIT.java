package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real coordinator (and a real {@code taskgrid local}) in a network namespace with two addresses,
 * loopback and a 10.x address on a veth pair whose ends are both inside: with {@code --hz-host
 * 127.0.0.1} the Hazelcast member listens on 127.0.0.1 only, so a connection to the 10.x address on
 * the member port is refused, while the same 10.x address does reach the metrics endpoint bound
 * there (the control: the address is reachable, the member is not). Needs root and {@code ip
 * netns}; skipped elsewhere, saying why.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HazelcastBindIT {
  private static final int HZ_PORT = 5701;
  private static final int METRICS_PORT = 9400;

  @TempDir Path workDir;

  private final NetnsFixture net = new NetnsFixture();
  private final String tag = net.tag;
  private final String other = net.subnet + "1";
  private final List<TaskgridProcess> processes = new ArrayList<>();

  @BeforeEach
  void requireRootAndNetns() {
    String reason = NetnsFixture.unavailableReason();
    if (reason != null) {
      System.out.println("HazelcastBindIT skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(TaskgridProcess::close);
    net.close();
  }

  @Test
  void coordinator_hzHostLoopback_memberUnreachableOnTheOtherAddress() throws Exception {
    String ns = twoAddressNamespace("c");
    Path portFile = workDir.resolve("coordinator.port");
    TaskgridProcess coordinator =
        started(
            TaskgridProcess.startPrefixed(
                List.of("ip", "netns", "exec", ns),
                "coordinator",
                workDir,
                "coordinator",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--hz-host",
                "127.0.0.1",
                "--hz-port",
                Integer.toString(HZ_PORT),
                "--metrics-host",
                other,
                "--metrics-port",
                Integer.toString(METRICS_PORT),
                "--cluster-name",
                "bind-" + tag,
                "--port-file",
                portFile.toString()));
    coordinator.await(
        Duration.ofSeconds(90),
        "its port file",
        () -> Files.exists(portFile) && Files.size(portFile) > 0);

    assertMemberOnLoopbackOnly(ns, HZ_PORT);
    assertThat(canConnect(ns, other, METRICS_PORT))
        .as("control: the other address reaches the metrics endpoint bound there")
        .isTrue();
  }

  @Test
  void local_hzPortAndLoopback_memberUnreachableOnTheOtherAddress() throws Exception {
    String ns = twoAddressNamespace("l");
    Path portFile = workDir.resolve("local.port");
    int hzPort = 5801;
    TaskgridProcess local =
        started(
            TaskgridProcess.startPrefixed(
                List.of("ip", "netns", "exec", ns),
                "local",
                workDir,
                "local",
                "--port",
                "0",
                "--hz-port",
                Integer.toString(hzPort),
                "--cpu-processes",
                "1",
                "--port-file",
                portFile.toString()));
    local.await(
        Duration.ofSeconds(90),
        "its port file",
        () -> Files.exists(portFile) && Files.size(portFile) > 0);

    assertMemberOnLoopbackOnly(ns, hzPort);
  }

  private void assertMemberOnLoopbackOnly(String ns, int port) throws Exception {
    List<String> listeners = listeners(ns);
    assertThat(listeners).contains("127.0.0.1:" + port);
    assertThat(listeners)
        .as("no wildcard or other-address listener on the member port")
        .doesNotContain("*:" + port, "0.0.0.0:" + port, "[::]:" + port, other + ":" + port);
    assertThat(canConnect(ns, "127.0.0.1", port)).as("loopback reaches the member").isTrue();
    assertThat(canConnect(ns, other, port)).as(other + " reaches the member").isFalse();
  }

  private TaskgridProcess started(TaskgridProcess p) {
    processes.add(p);
    return p;
  }

  /** A namespace with loopback and a veth pair (both ends inside) holding {@link #other}. */
  private String twoAddressNamespace(String role) throws IOException, InterruptedException {
    String ns = net.namespace("hz" + role);
    run("ip", "netns", "exec", ns, "ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
    run("ip", "netns", "exec", ns, "ip", "addr", "add", other + "/24", "dev", "v0");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "v1", "up");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "v0", "up");
    return ns;
  }

  /** The local addresses of the listening TCP sockets in {@code ns} ({@code ss -ltnH}). */
  private static List<String> listeners(String ns) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String line : run("ip", "netns", "exec", ns, "ss", "-ltnH").split("\n")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 4) {
        // A dual-stack JVM socket bound to 127.0.0.1 shows as [::ffff:127.0.0.1]:PORT.
        out.add(cols[3].replaceFirst("^\\[::ffff:([0-9.]+)\\]", "$1"));
      }
    }
    return out;
  }

  /** Whether a TCP connection from inside {@code ns} to {@code host:port} is accepted. */
  private static boolean canConnect(String ns, String host, int port)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "ip", "netns", "exec", ns, "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port)
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("connect to " + host + ":" + port + " hung");
    }
    return p.exitValue() == 0;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    return NetnsFixture.run(command);
  }
}
