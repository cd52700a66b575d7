package io.taskgrid.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One Hazelcast member on 127.0.0.1 for the IExecutorService baseline. Usage: {@code
 * HazelcastMember CLUSTER_NAME PORT_FILE}; writes its port, then runs until stdin closes.
 */
public final class HazelcastMember {
  private HazelcastMember() {}

  public static void main(String[] args) throws IOException {
    Config config = new Config().setClusterName(args[0]);
    NoopIdsCallable.register(config.getSerializationConfig());
    config.getNetworkConfig().setPort(5801).setPortAutoIncrement(true).setPortCount(200);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.setProperty("hazelcast.socket.bind.any", "false");
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    int port = member.getCluster().getLocalMember().getAddress().getPort();
    Path portFile = Paths.get(args[1]);
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port), StandardCharsets.US_ASCII);
    Files.move(tmp, portFile);
    // Runs until the parent closes our stdin (or dies).
    while (System.in.read() >= 0) {
      // ignore input
    }
    member.shutdown();
  }
}
