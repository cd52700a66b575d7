package io.taskgrid.coordinator.internal.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.auth.Principals;
import io.taskgrid.coordinator.internal.sched.Scheduler;
import io.taskgrid.proto.v1.CoordinatorMessage;
import io.taskgrid.proto.v1.WorkerMessage;
import io.taskgrid.proto.v1.WorkerServiceGrpc;
import java.time.Clock;

/** The worker-facing gRPC adapter: one {@link WorkerConnection} per Connect stream. */
public final class WorkerGrpcService extends WorkerServiceGrpc.WorkerServiceImplBase {
  private final Scheduler scheduler;
  private final Clock clock;
  private final OutboundStreams outbound;
  private final LeaseMonitor leases;
  private final int maxOutputBytes;

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
    return new WorkerConnection(
        (ServerCallStreamObserver<CoordinatorMessage>) responses,
        Principals.current(),
        scheduler,
        clock,
        outbound,
        leases,
        maxOutputBytes);
  }
}
