package io.taskgrid.cli.internal;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.CoordinatorStats;
import io.taskgrid.client.TaskgridClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code --coordinator} and {@code --timeout} options of the commands that act as a client. */
final class CoordinatorAddress {
  static final String DEFAULT_TARGET = "127.0.0.1:" + CoordinatorCommand.DEFAULT_PORT;

  @Option(
      names = {"-c", "--coordinator"},
      split = ",",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_TARGET,
      description = "Coordinator address(es), comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> targets = new ArrayList<>(List.of(DEFAULT_TARGET));

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Deadline of each call to the coordinator (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 10;

  @Mixin ChannelSecurityOptions security = new ChannelSecurityOptions();

  /**
   * Connects and makes one call, so that an unreachable coordinator is reported at once (one line,
   * exit 1) instead of a stream that keeps reconnecting.
   */
  TaskgridClient connect() {
    for (String target : targets) {
      Addresses.checkTarget("--coordinator", target);
    }
    if (timeoutSeconds < 1) {
      throw new UsageException("--timeout: " + timeoutSeconds + " (expected: >= 1)");
    }
    // Ask grpc.health.v1 first: an unreachable coordinator is then one line, before the client's
    // session starts (and logs) reconnect attempts.
    call(this::checkHealth);
    TaskgridClient client =
        TaskgridClient.connect(
            security
                .apply(ClientOptions.newBuilder(), targets)
                .targets(targets)
                .defaultTimeout(Duration.ofSeconds(timeoutSeconds))
                .build());
    try {
      CoordinatorStats unused = call(client::stats);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** True once a coordinator answers SERVING; throws the last failure otherwise. */
  private Boolean checkHealth() {
    StatusRuntimeException last = null;
    ChannelCredentials credentials = security.security(targets).channelCredentials();
    for (String target : targets) {
      ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).build();
      try {
        HealthCheckResponse.ServingStatus status =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        if (status == HealthCheckResponse.ServingStatus.SERVING) {
          return true;
        }
        last = Status.UNAVAILABLE.withDescription(target + " is " + status).asRuntimeException();
      } catch (StatusRuntimeException e) {
        last = e;
      } finally {
        channel.shutdownNow();
      }
    }
    throw last != null ? last : Status.UNAVAILABLE.asRuntimeException();
  }

  /** Runs a unary SDK call, turning a transport failure into a one-line message. */
  <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      Status status = Status.fromThrowable(e);
      if (status.getCode() == Status.Code.UNKNOWN) {
        throw e;
      }
      String why =
          status.getDescription() == null
              ? status.getCode().toString()
              : status.getCode() + ": " + status.getDescription();
      if (status.getCode() == Status.Code.UNAVAILABLE
          || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new IllegalStateException(
            "cannot reach the coordinator at " + String.join(",", targets) + " (" + why + ")", e);
      }
      if (status.getCode() == Status.Code.UNAUTHENTICATED) {
        throw new IllegalStateException(
            "the coordinator answered "
                + why
                + " (give --token-file, or run on the machine of a 'taskgrid local' cluster)",
            e);
      }
      throw new IllegalStateException("the coordinator answered " + why, e);
    }
  }
}
