package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.proto.v1.GetServerInfoResponse;
import io.taskgrid.proto.v1.ServerLimits;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TaskgridClient#serverInfo()} maps every field of GetServerInfo, and fails clearly. */
class ServerInfoTest {
  private InProcessCoordinator coordinator;
  private TaskgridClient client;

  @BeforeEach
  void setUp() throws Exception {
    coordinator = new InProcessCoordinator();
    client = coordinator.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    coordinator.close();
  }

  @Test
  void serverInfo_coordinatorAnswers_everyLimitMapped() {
    coordinator.fake.serverInfo =
        GetServerInfoResponse.newBuilder()
            .setServerVersion("1.2.3")
            .setProtocol("taskgrid.v1")
            .setTenant("acme")
            .setLimits(
                ServerLimits.newBuilder()
                    .setMaxInboundMessageBytes(1)
                    .setMaxMessageBytes(2)
                    .setMaxPayloadBytes(3)
                    .setMaxBatchSize(4)
                    .setMaxIdsPerRequest(5)
                    .setMaxQueuedTasks(6)
                    .setMaxQueuedTasksPerTenant(7)
                    .setMaxQueuedTasksPerSession(8)
                    .setResultTtlMs(9)
                    .setRetainedMaxResults(10)
                    .setRetainedMaxBytes(11)
                    .setNotReadingTimeoutMs(12)
                    .setMaxStreamQueueBytes(13)
                    .setMaxIdChars(14)
                    .setMaxLabels(15)
                    .setMaxLabelChars(16)
                    .setMaxAttempts(17)
                    .setDefaultMaxAttempts(18)
                    .setMaxErrorChars(19)
                    .setDefaultCancelGraceMs(20)
                    .setLeaseTimeoutMs(21)
                    .setMaxHeapUsedPercent(22)
                    .setMaxBackoffMs(23))
            .build();

    ServerInfo info = client.serverInfo();

    assertThat(info.version()).isEqualTo("1.2.3");
    assertThat(info.protocol()).isEqualTo("taskgrid.v1");
    assertThat(info.tenant()).isEqualTo("acme");
    assertThat(info.limits())
        .isEqualTo(
            new io.taskgrid.client.ServerLimits(
                1,
                2,
                3,
                4,
                5,
                6,
                7,
                8,
                Duration.ofMillis(9),
                10,
                11,
                Duration.ofMillis(12),
                13,
                14,
                15,
                16,
                17,
                18,
                19,
                Duration.ofMillis(20),
                Duration.ofMillis(21),
                22,
                Duration.ofMillis(23)));
  }

  @Test
  void serverInfo_coordinatorOlderThanTheCall_taskExceptionNamingUnimplemented() {
    assertThatThrownBy(() -> client.serverInfo())
        .isInstanceOf(TaskException.class)
        .hasMessageContaining("serverInfo() failed")
        .hasMessageContaining("UNIMPLEMENTED");
  }
}
