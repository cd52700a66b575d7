package io.taskgrid.coordinator.internal.rpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.auth.Principals;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The worker-facing gRPC adapter: one {@link WorkerConnection} per Connect stream. */
public final class WorkerGrpcService extends WorkerServiceGrpc.WorkerServiceImplBase {
  private final Scheduler scheduler;
  private final Clock clock;
  private final OutboundStreams outbound;
  private final LeaseMonitor leases;
  private final int maxOutputBytes;
  private final Set<WorkerConnection> connections = ConcurrentHashMap.newKeySet();

  public WorkerGrpcService(
      Scheduler scheduler,
      Clock clock,
      OutboundStreams outbound,
      LeaseMonitor leases,
      int maxOutputBytes) {
    this.maxOutputBytes = maxOutputBytes;
    this.scheduler = scheduler;
    this.clock = clock;
    this.outbound = outbound;
    this.leases = leases;
  }

  /** The lease monitor of the worker streams (its check runs on the coordinator's timer). */
  public LeaseMonitor leases() {
    return leases;
  }

  @Override
  public StreamObserver<WorkerMessage> connect(StreamObserver<CoordinatorMessage> responses) {
    WorkerConnection c =
        new WorkerConnection(
            (ServerCallStreamObserver<CoordinatorMessage>) responses,
            Principals.current(),
            scheduler,
            clock,
            outbound,
            leases,
            maxOutputBytes);
    connections.add(c);
    c.over().whenComplete((v, e) -> connections.remove(c));
    return c;
  }

  /**
   * Ends every worker stream with UNAVAILABLE (this coordinator stops, after the workers were told
   * to report elsewhere), so that workers reconnect by their retry policy at once; the stage
   * completes when each status has been handed to the transport (a forced server shutdown would end
   * them CANCELLED).
   */
  public CompletableFuture<Void> closeStreams() {
    Status stopping = Status.UNAVAILABLE.withDescription("the coordinator is stopping");
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (WorkerConnection c : connections) {
      closed.add(c.close(stopping));
    }
    return CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new));
  }
}
