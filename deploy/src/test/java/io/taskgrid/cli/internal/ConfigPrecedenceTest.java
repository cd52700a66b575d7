package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** flag > TASKGRID_* environment > config file > default, for every command. */
class ConfigPrecedenceTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Parses (without running) and returns the coordinator command's resolved options. */
  private CoordinatorCommand parseCoordinator(
      Map<String, String> env, @Nullable Path file, String... args) {
    CommandLine cli = TaskgridCli.newCommandLine(env);
    if (file != null) {
      ((ConfigDefaults) cli.getDefaultValueProvider()).useConfigFile(file);
    }
    cli.parseArgs(prepend("coordinator", args));
    return cli.getSubcommands().get("coordinator").getCommand();
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private Path file(String content) throws IOException {
    Path f = dir.resolve("taskgrid.properties");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void nothingGiven_annotationDefaults() {
    CoordinatorCommand c = parseCoordinator(Map.of(), null);

    assertThat(c.port).isEqualTo(Integer.parseInt(CoordinatorCommand.DEFAULT_PORT));
    assertThat(c.clusterName).isEqualTo("taskgrid");
    assertThat(c.members).isEmpty();
  }

  @Test
  void file_overridesDefault_commandScopedKeyOverridesPlainKey() throws IOException {
    Path f = file("port=7100\ncoordinator.port=7200\ncluster-name=fromfile\nmember=a:1,b:2\n");

    CoordinatorCommand c = parseCoordinator(Map.of(), f);

    assertThat(c.port).isEqualTo(7200);
    assertThat(c.clusterName).isEqualTo("fromfile");
    assertThat(c.members).containsExactly("a:1", "b:2");
  }

  @Test
  void env_overridesFile() throws IOException {
    Path f = file("coordinator.port=7200\ncluster-name=fromfile\nhz-host=10.0.0.1\n");

    CoordinatorCommand c =
        parseCoordinator(Map.of("TASKGRID_PORT", "7300", "TASKGRID_HZ_HOST", "10.0.0.9"), f);

    assertThat(c.port).isEqualTo(7300);
    assertThat(c.hazelcastHost).isEqualTo("10.0.0.9");
    assertThat(c.clusterName).isEqualTo("fromfile");
  }

  @Test
  void flag_overridesEnvAndFile() throws IOException {
    Path f = file("port=7200\n");

    CoordinatorCommand c = parseCoordinator(Map.of("TASKGRID_PORT", "7300"), f, "--port", "7400");

    assertThat(c.port).isEqualTo(7400);
  }

  @Test
  void envNames_areTheLongestOptionNameInUpperSnakeCase() {
    CommandLine cli = TaskgridCli.newCommandLine();
    CommandLine.Model.CommandSpec coordinator =
        cli.getSubcommands().get("coordinator").getCommandSpec();

    assertThat(ConfigDefaults.envName(coordinator.findOption("--hz-host")))
        .isEqualTo("TASKGRID_HZ_HOST");
    assertThat(
            ConfigDefaults.envName(
                cli.getSubcommands().get("worker").getCommandSpec().findOption("-c")))
        .isEqualTo("TASKGRID_COORDINATOR");
    assertThat(ConfigDefaults.configurable(coordinator.findOption("--help"))).isFalse();
    assertThat(ConfigDefaults.configurable(coordinator.findOption("--exit-on-stdin-close")))
        .isFalse();
  }

  /** Through execute, as main runs it: the address that fails is the one that won. */
  private String unreachableAddressUsed(Map<String, String> env, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = TaskgridCli.newCommandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute(args)).as("stderr: %s", err).isEqualTo(TaskgridCli.EXIT_FAILURE);
    return err.toString();
  }

  @Test
  void execute_configFlagEnvAndFlag_eachLevelWinsOverTheNext() throws IOException {
    Path f = file("coordinator=127.0.0.1:1\n");

    assertThat(unreachableAddressUsed(Map.of(), "workers", "--config", f.toString()))
        .contains("cannot reach the coordinator at 127.0.0.1:1 ");
    assertThat(unreachableAddressUsed(Map.of("TASKGRID_CONFIG", f.toString()), "workers"))
        .contains("cannot reach the coordinator at 127.0.0.1:1 ");
    assertThat(
            unreachableAddressUsed(
                Map.of("TASKGRID_COORDINATOR", "127.0.0.1:2"), "workers", "--config", f.toString()))
        .contains("cannot reach the coordinator at 127.0.0.1:2 ");
    assertThat(
            unreachableAddressUsed(
                Map.of("TASKGRID_COORDINATOR", "127.0.0.1:2"),
                "workers",
                "--config",
                f.toString(),
                "-c",
                "127.0.0.1:3"))
        .contains("cannot reach the coordinator at 127.0.0.1:3 ");
  }

  @Test
  void execute_badValueFromEnv_oneLineUsageError() {
    CommandLine cli = TaskgridCli.newCommandLine(Map.of("TASKGRID_TIMEOUT", "soon"));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    assertThat(cli.execute("workers")).isEqualTo(TaskgridCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--timeout").contains("soon").doesNotContain("\tat ");
  }

  @Test
  void workerCoordinators_fromEnvSplitOnCommas() {
    CommandLine cli = TaskgridCli.newCommandLine(Map.of("TASKGRID_COORDINATOR", "a:1,b:2"));
    cli.parseArgs("worker");
    WorkerCommand w = cli.getSubcommands().get("worker").getCommand();

    assertThat(w.coordinators).isEqualTo(List.of("a:1", "b:2"));
  }

  @Test
  void execute_unknownEnvVariableAndFileKeys_oneWarningLineEachKnownOnesSilent()
      throws IOException {
    Path f = file("coordinator=127.0.0.1:1\nworkers.timeout=3\ncoordinatr=x\nworkers.prot=1\n");

    String stderr =
        unreachableAddressUsed(
            Map.of(
                "TASKGRID_TIMEOUT", "2",
                "TASKGRID_HEAP", "1g",
                "TASKGRID_COORDINATR", "127.0.0.1:9"),
            "workers",
            "--config",
            f.toString());

    assertThat(stderr.lines().filter(l -> l.contains("warning")))
        .containsExactly(
            "taskgrid: warning: environment variable TASKGRID_COORDINATR is no taskgrid setting"
                + " (ignored)",
            "taskgrid: warning: config key 'coordinatr' is no taskgrid setting (ignored)",
            "taskgrid: warning: config key 'workers.prot' is no taskgrid setting (ignored)");
    assertThat(stderr).contains("cannot reach the coordinator at 127.0.0.1:1 ");
  }
}
