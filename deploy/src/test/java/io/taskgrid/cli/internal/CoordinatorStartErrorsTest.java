package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A coordinator that cannot start says why in one line, never with a stack trace. */
class CoordinatorStartErrorsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = TaskgridCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void hazelcastPortTaken_oneLineExitOne() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int code =
          run(
              "coordinator",
              "--port",
              "0",
              "--metrics-port",
              "-1",
              "--hz-port",
              Integer.toString(taken.getLocalPort()));

      assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("taskgrid: error: --hz-port " + taken.getLocalPort() + ": cannot listen on")
          .contains("Pick another port with --hz-port");
    }
  }

  @Test
  void grpcPortTaken_oneLineExitOne() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int code =
          run(
              "coordinator",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--metrics-port",
              "-1",
              "--hz-port",
              "0");

      assertThat(code).isEqualTo(TaskgridCli.EXIT_FAILURE);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("taskgrid: error: --port " + taken.getLocalPort() + ": cannot listen on");
    }
  }

  @Test
  void badMember_oneLineUsageError() {
    for (String member : new String[] {"host:abc", "http://host:5701", "host:99999", ":5701", ""}) {
      err.getBuffer().setLength(0);

      int code = run("coordinator", "--member", member);

      assertThat(code).as(member).isEqualTo(TaskgridCli.EXIT_USAGE);
      assertThat(err.toString()).as(member).startsWith("taskgrid: --member: '" + member + "'");
      assertThat(err.toString().lines()).as(member).hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void goodMembers_accepted() {
    for (String member : new String[] {"10.0.0.7", "coord-1:5701", "[::1]:5701", "10.0.0.1-9"}) {
      Addresses.checkMember("--member", member);
    }
  }
}
