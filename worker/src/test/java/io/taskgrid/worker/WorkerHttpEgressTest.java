package io.taskgrid.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Pool;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.worker.internal.http.TestHttpServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in {@code http.get} on a real worker: what its egress policy refuses, what the
 * operator's allow-list admits, and that a huge or slow response fails only its own task.
 */
class WorkerHttpEgressTest {
  private TestHttpServer site;
  private TestHttpServer other;
  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    site = new TestHttpServer();
    other = new TestHttpServer();
    site.redirect("/to-other", 302, other.url("/hello"));
    site.generated("/huge", 100L << 20);
    site.trickle("/slow", 100);
    // The operator allows exactly the site (like the demo does for its local web site).
    harness =
        new WorkerHarness(
            WorkerOptions.newBuilder()
                .cpuProcesses(0)
                .httpAllow(List.of("127.0.0.1:" + site.port()))
                .httpTimeout(Duration.ofSeconds(2)));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    site.close();
    other.close();
  }

  @Test
  void httpGet_loopbackNotAllowed_failedWithTheReason() {
    TaskResult r = run("http://127.0.0.1:" + other.port() + "/hello");

    assertFailed(r, "127.0.0.1:" + other.port() + " is a loopback address");
  }

  @Test
  void httpGet_cloudMetadataAddress_failedWithTheReason() {
    assertFailed(run("http://169.254.169.254/latest/meta-data/"), "is a link-local address");
  }

  @Test
  void httpGet_decimalFormOfLoopback_failedWithTheReason() {
    assertFailed(
        run("http://2130706433/"), "'2130706433' is a non-canonical numeric form of 127.0.0.1");
  }

  @Test
  void httpGet_redirectToAnotherLoopbackPort_failedAtTheRedirect() {
    assertFailed(
        run(site.url("/to-other")),
        "refused redirect 1 to " + other.url("/hello") + ": 127.0.0.1:" + other.port());
  }

  @Test
  void httpGet_allowListedSite_succeeds() {
    TaskResult r = run(site.url("/hello"));

    assertThat(r.getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(r.getOutput().getData().toStringUtf8()).contains("\"body\":\"hi there\"");
  }

  @Test
  void httpGet_100MiBBody_failedWithASizeErrorAndTheWorkerStaysHealthy() {
    assertFailed(run(site.url("/huge")), "is larger than 4194304 bytes");

    // Still healthy: the same worker runs the next tasks.
    assertThat(run(site.url("/hello")).getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    harness.coordinator.submit("after", "echo", Pool.IO, "still here");
    assertThat(harness.awaitResult("after").getOutput().getData().toStringUtf8())
        .isEqualTo("still here");
  }

  @Test
  void httpGet_serverTricklingBytes_cutAtTheWholeExchangeTimeout() {
    assertFailed(run(site.url("/slow")), "timed out after 2000 ms (the whole exchange");
  }

  private int next;

  private TaskResult run(String url) {
    String id = "h" + next++;
    harness.coordinator.submit(id, "http.get", Pool.IO, url);
    return harness.awaitResult(id);
  }

  private static void assertFailed(TaskResult r, String reason) {
    assertThat(r.getOutcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.getError().getMessage()).startsWith("http.get: ").contains(reason);
  }
}
