package io.taskgrid.e2e;

import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Ports and coordinators for the tests that build a Hazelcast cluster of several members. */
final class InJvmCluster {
  private InJvmCluster() {}

  /** The first port {@link #freePort} tries; the range ends below Linux's ephemeral ports. */
  private static final int FIRST_PORT = 20_000;

  private static final int PORT_RANGE = 12_000;

  /** Where this JVM's next port search starts (spread by pid, so parallel JVMs rarely meet). */
  private static final AtomicInteger next =
      new AtomicInteger((int) (ProcessHandle.current().pid() * 37 % PORT_RANGE));

  /**
   * A port that was free a moment ago and that this JVM has not handed out before. Hazelcast
   * members must know each other's ports before they start (a TCP/IP member list), so port 0 cannot
   * be used for them. The ports come from 20000-31999, below the kernel's ephemeral range
   * (32768-60999 by default): a port taken from that range with {@code new ServerSocket(0)} was
   * once reused by an outgoing connection (or handed out twice) before the coordinator bound it,
   * and ChaosIT's coordinator exited with "Port [43325] is already in use".
   */
  static int freePort() throws IOException {
    for (int tries = 0; tries < PORT_RANGE; tries++) {
      int port = FIRST_PORT + Math.floorMod(next.getAndIncrement(), PORT_RANGE);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // In use: try the next one.
      }
    }
    throw new IOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORT_RANGE - 1));
  }

  /** A coordinator on 127.0.0.1 (gRPC on a free port) that is one member of {@code cluster}. */
  static Coordinator startMember(String cluster, int hzPort, List<String> members)
      throws IOException {
    return Coordinator.start(
        CoordinatorOptions.newBuilder()
            .host("127.0.0.1")
            .port(0)
            .hazelcastHost("127.0.0.1")
            .hazelcastPort(hzPort)
            .members(members)
            .clusterName(cluster)
            .build());
  }
}
