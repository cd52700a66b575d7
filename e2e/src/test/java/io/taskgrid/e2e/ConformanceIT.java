package io.taskgrid.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import io.taskgrid.client.Futures;
import io.taskgrid.client.TaskFailedException;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskLostException;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskRejectedException;
import io.taskgrid.client.TaskStatus;
import io.taskgrid.client.TaskTimedOutException;
import io.taskgrid.client.TaskType;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerLostException;
import io.taskgrid.client.internal.rpc.LocalTokens;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK's driver of the conformance suite: runs every scenario of {@code
 * conformance/scenarios.json} against a real {@code taskgrid local} process. The Python client runs
 * the same file (clients/python/tests/test_conformance.py); the step vocabulary is in
 * conformance/README.md.
 */
@Tag(E2eMachine.SHARES_THE_MACHINE)
class ConformanceIT {
  private static final Path SCENARIOS = Path.of("..", "conformance", "scenarios.json");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path workDir;
  private static JsonNode suite;
  private static TaskgridProcess local;
  private static int port;

  @BeforeAll
  static void startCluster() throws IOException {
    suite = new ObjectMapper().readTree(SCENARIOS.toFile());
    Path portFile = workDir.resolve("local.port");
    List<String> args =
        new ArrayList<>(List.of("local", "--port", "0", "--port-file", portFile.toString()));
    suite.get("cluster_args").forEach(a -> args.add(a.asText()));
    local = TaskgridProcess.start("local", workDir, args.toArray(new String[0]));
    local.await(WAIT, "its port file", () -> Files.exists(portFile) && Files.size(portFile) > 0);
    port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
  }

  @AfterAll
  static void stopCluster() {
    if (local != null) {
      local.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyScenario() {
    List<DynamicTest> tests = new ArrayList<>();
    suite
        .get("scenarios")
        .forEach(
            s -> tests.add(DynamicTest.dynamicTest(s.get("name").asText(), () -> runScenario(s))));
    return tests.stream();
  }

  private static void runScenario(JsonNode scenario) throws Exception {
    String direct = "127.0.0.1:" + port;
    // The main client goes through a relay the drop_stream step cuts; the relay's port has no
    // token file, so it is given the token of the cluster's port. The other client finds it.
    String token = LocalTokens.find(System.getenv(), List.of(direct)).orElseThrow();
    try (TcpRelay relay = new TcpRelay(port);
        TaskgridClient main =
            TaskgridClient.connect(
                ClientOptions.newBuilder().target(relay.target()).token(token).build());
        TaskgridClient other = TaskgridClient.connect(direct)) {
      Driver driver =
          new Driver(
              Map.of("main", main, "other", other),
              relay,
              "java-" + scenario.get("name").asText() + "-" + UUID.randomUUID());
      int i = 0;
      for (JsonNode step : scenario.get("steps")) {
        try {
          driver.run(step);
        } catch (Exception | AssertionError e) {
          throw new AssertionError("at step " + i + ": " + step + ": " + e, e);
        }
        i++;
      }
    }
  }

  /** Runs steps; each op is one method, as in the Python driver. */
  private static final class Driver {
    private final Map<String, TaskgridClient> clients;
    private final TcpRelay relay;
    private final String prefix;
    private final Map<String, Object> refs = new HashMap<>();
    private final Map<String, String> outputs = new HashMap<>();

    Driver(Map<String, TaskgridClient> clients, TcpRelay relay, String prefix) {
      this.clients = clients;
      this.relay = relay;
      this.prefix = prefix.substring(0, Math.min(prefix.length(), 100));
    }

    void run(JsonNode s) throws Exception {
      switch (s.get("op").asText()) {
        case "submit" -> submit(s);
        case "map" -> map(s);
        case "expect" -> expect(s);
        case "expect_values" -> expectValues(s);
        case "expect_error" -> expectError(s);
        case "expect_order" -> expectOrder(s);
        case "await_state" -> awaitState(s);
        case "cancel" -> cancel(s);
        case "drop_stream" -> relay.dropConnections();
        default -> fail("unknown op " + s.get("op"));
      }
    }

    private String taskId(String suffix) {
      // A suffix that is not a valid id stays invalid without the prefix.
      return suffix.contains(" ") ? suffix : prefix + "-" + suffix;
    }

    private TaskgridClient client(JsonNode s) {
      return clients.get(s.has("client") ? s.get("client").asText() : "main");
    }

    @SuppressWarnings("unchecked")
    private static TaskType<Object, Object> type(String name, JsonNode input, String output) {
      return TaskType.of(
          name, (Codec<Object>) codecOf(kindOf(input)), (Codec<Object>) codecOf(output));
    }

    private static String kindOf(JsonNode value) {
      if (value.has("int")) {
        return "int";
      }
      return value.has("text") ? "text" : "bytes";
    }

    private static Codec<?> codecOf(String kind) {
      return switch (kind) {
        case "int" -> Codecs.bigInteger();
        case "text" -> Codecs.string();
        default -> Codecs.bytes();
      };
    }

    private static Object valueOf(JsonNode v) {
      if (v.has("int")) {
        return new BigInteger(v.get("int").asText());
      }
      if (v.has("text")) {
        return v.get("text").asText();
      }
      if (v.has("bytes_hex")) {
        return HexFormat.of().parseHex(v.get("bytes_hex").asText());
      }
      byte[] b = new byte[v.get("bytes_size").asInt()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (i % 251);
      }
      return b;
    }

    private static void assertValue(Object actual, JsonNode expected) {
      Object want = valueOf(expected);
      if (want instanceof byte[] bytes) {
        assertThat(actual).isInstanceOf(byte[].class);
        assertThat(Arrays.equals((byte[]) actual, bytes))
            .as("bytes of %d, expected %d", ((byte[]) actual).length, bytes.length)
            .isTrue();
      } else {
        assertThat(actual).isEqualTo(want);
      }
    }

    private void submit(JsonNode s) {
      TaskOptions.Builder options = TaskOptions.newBuilder();
      if (s.has("id")) {
        options.id(taskId(s.get("id").asText()));
      }
      if (s.has("timeout_ms")) {
        options.timeout(Duration.ofMillis(s.get("timeout_ms").asLong()));
      }
      String output = s.get("output").asText();
      TaskType<Object, Object> type = type(s.get("type").asText(), s.get("input"), output);
      refs.put(
          s.get("as").asText(), client(s).submit(type, valueOf(s.get("input")), options.build()));
      outputs.put(s.get("as").asText(), output);
    }

    private void map(JsonNode s) {
      List<Object> inputs = new ArrayList<>();
      s.get("inputs").forEach(v -> inputs.add(valueOf(v)));
      TaskType<Object, Object> type =
          type(s.get("type").asText(), s.get("inputs").get(0), s.get("output").asText());
      refs.put(s.get("as").asText(), client(s).map(type, inputs));
    }

    private TaskFuture<?> future(JsonNode s) {
      return (TaskFuture<?>) refs.get(s.get("ref").asText());
    }

    private void expect(JsonNode s) throws Exception {
      assertValue(future(s).get(WAIT.toSeconds(), SECONDS), s.get("value"));
    }

    @SuppressWarnings("unchecked")
    private void expectValues(JsonNode s) throws Exception {
      List<TaskFuture<Object>> futures = (List<TaskFuture<Object>>) refs.get(s.get("ref").asText());
      List<Object> values = Futures.gather(futures).get(120, SECONDS);
      assertThat(values).hasSize(s.get("values").size());
      for (int i = 0; i < values.size(); i++) {
        assertValue(values.get(i), s.get("values").get(i));
      }
    }

    private void expectError(JsonNode s) throws Exception {
      Throwable error;
      try {
        Object value = future(s).get(WAIT.toSeconds(), SECONDS);
        throw new AssertionError("expected " + s.get("outcome") + ", got the value " + value);
      } catch (ExecutionException e) {
        error = e.getCause();
      } catch (CancellationException e) {
        error = e;
      }
      String outcome;
      String message = String.valueOf(error.getMessage());
      Optional<String> code = Optional.empty();
      if (error instanceof TaskRejectedException r) {
        outcome = "REJECTED";
        code = Optional.of(r.code());
      } else if (error instanceof CancellationException) {
        outcome = "CANCELLED";
      } else if (error instanceof TaskTimedOutException) {
        outcome = "TIMED_OUT";
      } else if (error instanceof WorkerLostException) {
        outcome = "WORKER_LOST";
      } else if (error instanceof TaskLostException) {
        outcome = "LOST";
      } else if (error instanceof TaskFailedException f) {
        outcome = "FAILED";
        message = f.errorMessage();
      } else {
        throw new AssertionError("unexpected error", error);
      }
      assertThat(outcome).as(String.valueOf(error)).isEqualTo(s.get("outcome").asText());
      if (s.has("code")) {
        assertThat(code).as(String.valueOf(error)).contains(s.get("code").asText());
      }
      if (s.has("message_contains")) {
        assertThat(message).contains(s.get("message_contains").asText());
      }
    }

    private void expectOrder(JsonNode s) throws Exception {
      Map<CompletableFuture<?>, String> names = new IdentityHashMap<>();
      List<TaskFuture<?>> futures = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      s.get("refs")
          .forEach(
              r -> {
                TaskFuture<?> f = (TaskFuture<?>) refs.get(r.asText());
                names.put(f, r.asText());
                futures.add(f);
                expected.add(r.asText());
              });
      List<String> order = new ArrayList<>();
      var completed = Futures.asCompleted(futures, WAIT);
      while (completed.hasNext()) {
        order.add(names.get(completed.next()));
      }
      assertThat(order).isEqualTo(expected);
    }

    private void awaitState(JsonNode s) {
      TaskgridClient main = clients.get("main");
      String id = future(s).taskId();
      String state = s.get("state").asText();
      local.await(
          WAIT,
          id + " " + state,
          () ->
              main.getTask(id)
                  .map(TaskStatus::state)
                  .map(Enum::name)
                  .filter(state::equals)
                  .isPresent());
    }

    private void cancel(JsonNode s) throws Exception {
      String id = s.has("ref") ? future(s).taskId() : taskId(s.get("id").asText());
      boolean force = s.has("force") && s.get("force").asBoolean();
      CancelOutcome outcome = clients.get("main").cancel(id, force).get(WAIT.toSeconds(), SECONDS);
      assertThat(outcome.name()).isEqualTo(s.get("outcome").asText());
    }
  }
}
