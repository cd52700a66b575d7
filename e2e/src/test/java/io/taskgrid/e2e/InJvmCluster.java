package io.taskgrid.e2e;

import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/** Ports and coordinators for the tests that build a Hazelcast cluster of several members. */
final class InJvmCluster {
  private InJvmCluster() {}

  /**
   * A port that was free a moment ago. Hazelcast members must know each other's ports before they
   * start (a TCP/IP member list), so port 0 cannot be used for them.
   */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
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
