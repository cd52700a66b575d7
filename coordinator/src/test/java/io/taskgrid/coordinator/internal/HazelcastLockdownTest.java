package io.taskgrid.coordinator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real member made from {@link HazelcastConfigs#memberConfig}: what an attacker who reaches its
 * port can no longer do. (One member per class: it takes a second or more to start.)
 */
class HazelcastLockdownTest {
  private static final String CLUSTER = "lockdown-test-" + System.nanoTime();
  private static HazelcastInstance member;

  @BeforeAll
  static void startMember() {
    member =
        Hazelcast.newHazelcastInstance(
            HazelcastConfigs.memberConfig(
                CoordinatorOptions.newBuilder()
                    .clusterName(CLUSTER)
                    .hazelcastHost("127.0.0.1")
                    .hazelcastPort(0)
                    .build()));
  }

  @AfterAll
  static void stopMember() {
    member.shutdown();
  }

  @Test
  void hazelcastClient_knowingTheClusterName_cannotConnect() {
    ClientConfig client = clientConfig(memberPort());

    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect");
  }

  @Test
  void hazelcastClient_memberWithAClientEndpointAdded_connects() {
    // The control of the test above: the same client connects as soon as the same configuration
    // also serves a client endpoint, so it is the missing endpoint that keeps clients out.
    Config config =
        HazelcastConfigs.memberConfig(
            CoordinatorOptions.newBuilder()
                .clusterName(CLUSTER + "-open")
                .hazelcastHost("127.0.0.1")
                .hazelcastPort(0)
                .build());
    ServerSocketEndpointConfig clientEndpoint = new ServerSocketEndpointConfig();
    clientEndpoint.setPort(5901).setPortAutoIncrement(true).setPortCount(100);
    clientEndpoint.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getAdvancedNetworkConfig().setClientEndpointConfig(clientEndpoint);
    HazelcastInstance open = Hazelcast.newHazelcastInstance(config);
    try {
      int clientPort =
          open.getCluster()
              .getLocalMember()
              .getAddressMap()
              .get(com.hazelcast.instance.EndpointQualifier.CLIENT)
              .getPort();
      ClientConfig client = clientConfig(clientPort);
      client.setClusterName(CLUSTER + "-open");
      HazelcastInstance connected = HazelcastClient.newHazelcastClient(client);
      try {
        assertThat(connected.getCluster().getMembers()).hasSize(1);
      } finally {
        connected.shutdown();
      }
    } finally {
      open.shutdown();
    }
  }

  @Test
  void javaSerializedValue_notOnTheAllowList_isRefusedWhenRead() {
    IMap<String, Object> map = member.getMap("lockdown-" + System.nanoTime());
    map.put("gadget", new Gadget("payload"));

    assertThatThrownBy(() -> map.get("gadget"))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasMessageContaining(Gadget.class.getName());
  }

  @Test
  void memberBoundToLoopback_otherLocalAddress_connectionRefused() throws IOException {
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeTrue(other.isPresent(), "this host has no non-loopback IPv4 address to try");
    int port = memberPort();
    try (Socket loopback = new Socket()) {
      loopback.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    }

    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.get(), port), 5_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  private static int memberPort() {
    return member.getCluster().getLocalMember().getAddress().getPort();
  }

  private static ClientConfig clientConfig(int port) {
    ClientConfig client = new ClientConfig();
    client.setClusterName(CLUSTER);
    client.setProperty("hazelcast.logging.type", "slf4j");
    client.getNetworkConfig().addAddress("127.0.0.1:" + port);
    client
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(5_000);
    return client;
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    List<InetAddress> found = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            found.add(a);
          }
        }
      }
    }
    return found.stream().findFirst();
  }

  /** Stands for a gadget class: Serializable, and not on the member's allow-list. */
  record Gadget(String payload) implements Serializable {}
}
