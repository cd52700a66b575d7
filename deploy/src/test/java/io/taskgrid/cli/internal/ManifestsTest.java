package io.taskgrid.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The deployment files (k8s/, compose/, systemd/) use what the code really has: the image the build
 * makes, the commands and flags of the CLI, its default ports, the gRPC health service's port and
 * the metrics endpoints.
 */
class ManifestsTest {
  /**
   * The metrics ports and path the metrics work serves; when the CLI has {@code --metrics-port},
   * its default is checked instead.
   */
  private static final int PLANNED_COORDINATOR_METRICS_PORT = 9400;

  private static final int PLANNED_WORKER_METRICS_PORT = 9401;
  private static final String METRICS_PATH = "/metrics";

  private static final YAMLMapper YAML = new YAMLMapper();
  private final CommandLine cli = TaskgridCli.newCommandLine();

  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Path.of(file).toFile())) {
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }

  private static JsonNode kind(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private CommandSpec command(String name) {
    CommandLine sub = cli.getSubcommands().get(name);
    assertThat(sub).as("taskgrid has a '%s' command", name).isNotNull();
    return sub.getCommandSpec();
  }

  private int defaultInt(String command, String option) {
    OptionSpec spec = command(command).findOption(option);
    assertThat(spec).as("%s %s", command, option).isNotNull();
    return Integer.parseInt(spec.defaultValue());
  }

  private int metricsPort(String command, int planned) {
    OptionSpec spec = command(command).findOption("--metrics-port");
    return spec == null || spec.defaultValue() == null
        ? planned
        : Integer.parseInt(spec.defaultValue());
  }

  /** Every flag of an argument list exists on the command its first argument names. */
  private void assertCliArgs(List<String> args) {
    assertThat(args).isNotEmpty();
    CommandSpec spec = command(args.get(0));
    for (String arg : args) {
      if (arg.startsWith("-")) {
        String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        assertThat(spec.findOption(flag)).as("taskgrid %s has %s", spec.name(), flag).isNotNull();
      }
    }
  }

  /** Every TASKGRID_* variable is the environment name of an option of that command. */
  private void assertEnv(String command, List<String> names) {
    for (String name : names) {
      if (name.startsWith(ConfigDefaults.ENV_PREFIX)) {
        assertThat(
                command(command).options().stream()
                    .filter(ConfigDefaults::configurable)
                    .map(ConfigDefaults::envName))
            .as("taskgrid %s reads %s", command, name)
            .contains(name);
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String image() {
    String image = System.getProperty("taskgrid.image");
    assertThat(image).as("surefire passes the pom's taskgrid.image").isNotBlank();
    return image;
  }

  @Test
  void k8sCoordinator_imageArgsPortsHealthProbesAndScrapeAnnotations() throws IOException {
    List<JsonNode> docs = documents("k8s/coordinator.yaml");
    JsonNode sts = kind(docs, "StatefulSet", "taskgrid-coordinator");
    JsonNode pod = sts.path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    int grpcPort = defaultInt("coordinator", "--port");

    assertThat(container.path("image").asText()).isEqualTo(image());
    List<String> args = texts(container.path("args"));
    assertCliArgs(args);
    List<String> env = new ArrayList<>();
    container.path("env").forEach(e -> env.add(e.path("name").asText()));
    assertEnv("coordinator", env);
    // The gRPC port serves TLS, which the kubelet's gRPC probe cannot speak: a TCP probe.
    assertThat(container.path("readinessProbe").path("tcpSocket").path("port").asInt())
        .isEqualTo(grpcPort);
    assertThat(container.path("livenessProbe").path("tcpSocket").path("port").asInt())
        .isEqualTo(grpcPort);
    // Served on the pod network, so with TLS and tokens (docs/SECURITY.md).
    assertThat(args).contains("--tls-cert", "--tls-key", "--auth-tokens");
    assertThat(containerPort(container, "grpc")).isEqualTo(grpcPort);
    assertThat(containerPort(container, "hazelcast"))
        .isEqualTo(defaultInt("coordinator", "--hz-port"));
    int metrics = metricsPort("coordinator", PLANNED_COORDINATOR_METRICS_PORT);
    assertThat(containerPort(container, "metrics")).isEqualTo(metrics);
    JsonNode annotations = pod.path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(metrics);
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(METRICS_PATH);
    assertThat(container.path("resources").path("requests").isObject()).isTrue();
    assertThat(container.path("resources").path("limits").isObject()).isTrue();

    // Kubernetes discovery looks up the headless service the StatefulSet is governed by.
    JsonNode headless = kind(docs, "Service", sts.path("spec").path("serviceName").asText());
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    String dns = args.get(args.indexOf("--kubernetes-service-dns") + 1);
    assertThat(dns).startsWith(headless.path("metadata").path("name").asText() + ".");
    JsonNode client = kind(docs, "Service", "taskgrid-coordinator");
    assertThat(client.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(grpcPort);
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  @Test
  void k8sWorker_imageArgsCoordinatorPortsProbesAndScrapeAnnotations() throws IOException {
    JsonNode deployment = kind(documents("k8s/worker.yaml"), "Deployment", "taskgrid-worker");
    JsonNode pod = deployment.path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    int metrics = metricsPort("worker", PLANNED_WORKER_METRICS_PORT);

    assertThat(container.path("image").asText()).isEqualTo(image());
    List<String> args = texts(container.path("args"));
    assertCliArgs(args);
    String coordinators = args.get(args.indexOf("--coordinator") + 1);
    for (String target : coordinators.split(",")) {
      Addresses.checkTarget("--coordinator", target);
      // Each name is a StatefulSet pod under the headless service, on the coordinator's port.
      assertThat(target)
          .matches(
              "taskgrid-coordinator-\\d\\.taskgrid-coordinator-hz:"
                  + defaultInt("coordinator", "--port"));
    }
    JsonNode annotations = pod.path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(metrics);
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(METRICS_PATH);
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asInt())
        .isEqualTo(metrics);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo(METRICS_PATH);
    assertThat(containerPort(container, "metrics")).isEqualTo(metrics);
  }

  @Test
  void compose_threeCoordinatorsTwoWorkersPrometheusGrafana_withRealCommandsAndPorts()
      throws IOException {
    JsonNode services = documents("compose/compose.yaml").get(0).path("services");
    int grpcPort = defaultInt("coordinator", "--port");
    int hzPort = defaultInt("coordinator", "--hz-port");
    List<String> coordinators = new ArrayList<>();
    List<String> workers = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith("coordinator-")) {
                coordinators.add(e.getKey());
              } else if (e.getKey().startsWith("worker-")) {
                workers.add(e.getKey());
              }
            });
    assertThat(coordinators).hasSize(3);
    assertThat(workers).hasSize(2);
    assertThat(services.has("prometheus")).isTrue();
    assertThat(services.has("grafana")).isTrue();

    for (String name : coordinators) {
      JsonNode s = services.path(name);
      assertThat(s.path("image").asText()).isEqualTo(image());
      List<String> command = texts(s.path("command"));
      assertCliArgs(command);
      assertThat(command.get(0)).isEqualTo("coordinator");
      // The other coordinators, by service name; the image's entrypoint resolves them for --member.
      String members = s.path("environment").path("TASKGRID_MEMBER_NAMES").asText();
      assertThat(members.split(",")).hasSize(coordinators.size() - 1);
      for (String member : members.split(",")) {
        assertThat(coordinators).contains(member.substring(0, member.indexOf(':')));
        assertThat(member).endsWith(":" + hzPort);
      }
      assertThat(s.path("environment").path("TASKGRID_HZ_HOST").asText()).isEqualTo("container-ip");
      assertThat(Files.readString(Path.of("container/taskgrid-entrypoint")))
          .contains("TASKGRID_MEMBER_NAMES", "TASKGRID_HZ_HOST:-}\" = container-ip");
      assertThat(texts(s.path("ports"))).anyMatch(p -> p.endsWith(":" + grpcPort));
      assertImageHealthCheck(s);
    }
    for (String name : workers) {
      JsonNode s = services.path(name);
      assertThat(s.path("image").asText()).isEqualTo(image());
      List<String> command = texts(s.path("command"));
      assertCliArgs(command);
      for (String target : command.get(command.indexOf("--coordinator") + 1).split(",")) {
        assertThat(target).endsWith(":" + grpcPort);
      }
      assertImageHealthCheck(s);
    }

    JsonNode prometheus = documents("compose/prometheus.yml").get(0);
    for (JsonNode job : prometheus.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText()).isEqualTo(METRICS_PATH);
      for (String target : texts(job.path("static_configs").get(0).path("targets"))) {
        String service = target.substring(0, target.indexOf(':'));
        assertThat(services.has(service)).as("compose has %s", service).isTrue();
        int port = Integer.parseInt(target.substring(target.indexOf(':') + 1));
        assertThat(port)
            .isEqualTo(
                service.startsWith("worker-")
                    ? metricsPort("worker", PLANNED_WORKER_METRICS_PORT)
                    : metricsPort("coordinator", PLANNED_COORDINATOR_METRICS_PORT));
      }
    }
  }

  @Test
  void systemdUnits_runRealCommandsWithSigtermAndAnEnvironmentFile() throws IOException {
    for (String unit : List.of("coordinator", "worker")) {
      String text = Files.readString(Path.of("systemd/taskgrid-" + unit + ".service"));
      Matcher exec = Pattern.compile("(?m)^ExecStart=\\S*/bin/taskgrid (.*)$").matcher(text);
      assertThat(exec.find()).as("%s ExecStart", unit).isTrue();
      assertCliArgs(List.of(exec.group(1).trim().split("\\s+")));
      assertThat(exec.group(1).trim()).startsWith(unit);
      assertThat(text).contains("KillSignal=SIGTERM").contains("NoNewPrivileges=yes");
      assertThat(text).containsPattern("(?m)^EnvironmentFile=-?/etc/taskgrid/" + unit + "\\.env$");
      // The TASKGRID_* examples in the comments are real variables of this command.
      Matcher env = Pattern.compile("#\\s+(TASKGRID_[A-Z_]+)=").matcher(text);
      List<String> names = new ArrayList<>();
      while (env.find()) {
        names.add(env.group(1));
      }
      assertThat(names).isNotEmpty();
      assertEnv(unit, names);
    }
  }

  @Test
  void k8sNetworkPolicy_admitsOnlyCoordinatorsOnTheHazelcastPort() throws IOException {
    JsonNode policy =
        kind(
            documents("k8s/networkpolicy.yaml"), "NetworkPolicy", "taskgrid-coordinator-hazelcast");
    JsonNode statefulSet =
        kind(documents("k8s/coordinator.yaml"), "StatefulSet", "taskgrid-coordinator");
    JsonNode coordinatorLabels =
        statefulSet.path("spec").path("template").path("metadata").path("labels");
    int hzPort = defaultInt("coordinator", "--hz-port");

    JsonNode spec = policy.path("spec");
    assertThat(spec.path("podSelector").path("matchLabels")).isEqualTo(coordinatorLabels);
    assertThat(texts(spec.path("policyTypes"))).containsExactly("Ingress");
    boolean hazelcastRuleSeen = false;
    for (JsonNode rule : spec.path("ingress")) {
      List<Integer> ports = new ArrayList<>();
      rule.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
      if (ports.contains(hzPort)) {
        hazelcastRuleSeen = true;
        assertThat(ports).containsExactly(hzPort);
        assertThat(rule.path("from")).hasSize(1);
        assertThat(rule.path("from").get(0).path("podSelector").path("matchLabels"))
            .isEqualTo(coordinatorLabels);
      }
    }
    assertThat(hazelcastRuleSeen).isTrue();
  }

  /** A compose service runs the image's health check script, which the image holds. */
  private static void assertImageHealthCheck(JsonNode service) throws IOException {
    List<String> health = texts(service.path("healthcheck").path("test"));
    assertThat(health).containsExactly("CMD", "/opt/taskgrid/bin/taskgrid-healthcheck");
    assertThat(Path.of("container/taskgrid-healthcheck")).isExecutable();
    assertThat(Files.readString(Path.of("container/build-image.sh")))
        .contains("\"$container_dir/taskgrid-healthcheck\"");
    assertThat(Files.readString(Path.of("container/Containerfile")))
        .contains("COPY bin/ /opt/taskgrid/bin/")
        .contains("/opt/taskgrid/bin/taskgrid-healthcheck");
  }

  @Test
  void launcherAndImage_exitOnOutOfMemory() throws IOException {
    // A process that ran out of memory must die (and be restarted), not limp on. The image runs
    // the same launcher.
    assertThat(Files.readString(Path.of("bin/taskgrid"))).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(Files.readString(Path.of("container/Containerfile")))
        .contains(
            "ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/opt/taskgrid/bin/taskgrid-entrypoint\"]");
    assertThat(Files.readString(Path.of("container/taskgrid-entrypoint")))
        .contains("exec /opt/taskgrid/bin/taskgrid \"$@\"");
  }

  @Test
  void image_runsAsTheUserTheK8sManifestsExpect_withTheHeapFromTheMemoryLimit() throws IOException {
    String containerfile = Files.readString(Path.of("container/Containerfile"));
    String script = Files.readString(Path.of("container/build-image.sh"));
    assertThat(containerfile).containsPattern("(?m)^USER 65532:65532$");
    assertThat(script).contains("taskgrid:x:65532:65532:");
    assertThat(containerfile).contains("TASKGRID_HEAP=70%");
    for (String file : List.of("k8s/coordinator.yaml", "k8s/worker.yaml")) {
      for (JsonNode doc : documents(file)) {
        JsonNode pod = doc.path("spec").path("template").path("spec");
        if (!pod.isMissingNode()) {
          assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65532);
          assertThat(pod.path("securityContext").path("runAsGroup").asInt()).isEqualTo(65532);
        }
      }
    }
  }

  @Test
  void k8sManifests_validAgainstTheKubernetesApiModels() throws Exception {
    // k8s/validate-manifests.py checks every field and type against the API models of Debian's
    // python3-kubernetes (no schema validator is packaged; .ci/run installs it).
    Process probe =
        new ProcessBuilder("/usr/bin/python3", "-c", "import kubernetes, yaml")
            .redirectErrorStream(true)
            .start();
    probe.getInputStream().readAllBytes();
    Assumptions.assumeTrue(
        probe.waitFor() == 0,
        "skipped: /usr/bin/python3 lacks python3-kubernetes (apt-get install python3-kubernetes)");
    Process validate =
        new ProcessBuilder("/usr/bin/python3", "k8s/validate-manifests.py")
            .redirectErrorStream(true)
            .start();
    String out = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(validate.waitFor()).as(out).isZero();
    assertThat(out)
        .contains("coordinator.yaml: 3 documents, valid", "worker.yaml: 1 documents, valid");
  }
}
