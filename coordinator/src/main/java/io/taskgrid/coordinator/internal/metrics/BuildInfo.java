package io.taskgrid.coordinator.internal.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code taskgrid_build_info{version}} = 1: which version a process runs. */
public final class BuildInfo {
  private BuildInfo() {}

  static void register(CollectorRegistry registry) {
    Gauge.build(MetricNames.BUILD_INFO, "Taskgrid build information; the value is always 1.")
        .labelNames("version")
        .register(registry)
        .labels(version())
        .set(1);
  }

  /** The version Maven packaged this module with, or "dev" when run from classes. */
  public static String version() {
    try (InputStream in =
        BuildInfo.class.getResourceAsStream(
            "/META-INF/maven/io.taskgrid/taskgrid-coordinator/pom.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
