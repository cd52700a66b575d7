package io.taskgrid.cli.internal;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TaskgridCli.class.getPackage().getImplementationVersion();
    return new String[] {
      "taskgrid " + (version != null ? version : "dev"),
      "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})"
    };
  }
}
