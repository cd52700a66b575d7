package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.taskgrid.client.internal.rpc.ChannelSecurity;
import io.taskgrid.coordinator.internal.Coordinator;
import io.taskgrid.coordinator.internal.CoordinatorOptions;
import io.taskgrid.coordinator.internal.ServerTls;
import io.taskgrid.coordinator.internal.auth.TokenFile;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.PoolSpec;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WorkerHello;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on a real coordinator (Netty, TLS, in this JVM): a client certificate signed by the
 * client CA authenticates as its {@code cert:CN} line; an unlisted CN is UNAUTHENTICATED; a
 * certificate of another CA (with a listed CN) authenticates nobody; a caller without a certificate
 * may still use a token (client certificates are optional here).
 */
class MutualTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ADMIN = "admin-token-0123456789abcdef";

  @TempDir Path dir;
  private TestPki pki;
  private Coordinator coordinator;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    pki = TestPki.create(dir, "mtls");
    Path[] server = pki.server("coordinator");
    coordinator =
        Coordinator.start(
            CoordinatorOptions.newBuilder()
                .port(0)
                .hazelcastPort(0)
                .clusterName("mtls-" + System.nanoTime())
                .tls(new ServerTls(server[0], server[1], pki.caFile(), false))
                .credentials(
                    TokenFile.parse(
                        List.of("cert:node-9 worker acme", ADMIN + " admin default root"),
                        "tokens"))
                .build());
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    coordinator.close();
  }

  private Channel channel(@Nullable Path[] cert, @Nullable String token) {
    ManagedChannel c =
        Grpc.newChannelBuilder(
                coordinator.target(),
                new ChannelSecurity(
                        true,
                        pki.caFile(),
                        cert == null ? null : cert[0],
                        cert == null ? null : cert[1],
                        token)
                    .channelCredentials())
            .build();
    channels.add(c);
    return c;
  }

  private static final class Recorder implements StreamObserver<CoordinatorMessage> {
    volatile @Nullable Throwable error;

    @Override
    public void onNext(CoordinatorMessage value) {}

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }

  private static Recorder connect(Channel channel, String workerId) {
    Recorder r = new Recorder();
    WorkerServiceGrpc.newStub(channel)
        .connect(r)
        .onNext(
            WorkerMessage.newBuilder()
                .setHello(
                    WorkerHello.newBuilder()
                        .setWorkerId(workerId)
                        .setNode("n")
                        .addPools(PoolSpec.newBuilder().setPool(Pool.IO).setCapacity(1)))
                .build());
    return r;
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void listedClientCertificate_authenticatesAsItsCnLine() throws Exception {
    Channel node9 = channel(pki.client("node-9"), null);
    Recorder worker = connect(node9, "node-9-abc");
    TaskServiceGrpc.TaskServiceBlockingStub admin =
        TaskServiceGrpc.newBlockingStub(channel(null, ADMIN))
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                admin.listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount() == 1);
    assertThat(worker.error).isNull();
    // The certificate's role is worker: TaskService is refused, and so is another worker's id.
    assertThat(
            code(
                () ->
                    TaskServiceGrpc.newBlockingStub(node9)
                        .getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    Recorder other = connect(node9, "node-1");
    Awaitility.await().atMost(WAIT).until(() -> other.error != null);
    assertThat(Status.fromThrowable(other.error).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void unlistedCn_orListedCnOfAnotherCa_unauthenticated() throws Exception {
    Path[] stranger = pki.client("stranger");
    assertThat(
            code(
                () ->
                    TaskServiceGrpc.newBlockingStub(channel(stranger, null))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStats(GetStatsRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    TestPki rogue = TestPki.create(Files.createDirectories(dir.resolve("rogue")), "rogue");
    Path[] forged = rogue.client("node-9");
    // A listed CN from another CA is no identity: the certificate is unverified (client
    // certificates are optional here, so the handshake may go through without one).
    Recorder impostor = connect(channel(forged, null), "node-9-x");
    Awaitility.await().atMost(WAIT).until(() -> impostor.error != null);
    assertThat(Status.fromThrowable(impostor.error).getCode())
        .isIn(Status.Code.UNAUTHENTICATED, Status.Code.UNAVAILABLE);
  }
}
