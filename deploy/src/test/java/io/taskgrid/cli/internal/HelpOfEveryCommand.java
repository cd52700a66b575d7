package io.taskgrid.cli.internal;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Prints {@code --help} of every command and subcommand of the launcher, one after the other, and a
 * line {@code HELP <command path> <exit code>} after each. Run by {@link HelpWarningsTest} in a
 * fresh JVM: picocli's tracer, which prints warnings such as "Could not format", writes to the
 * {@code System.err} of the moment picocli was loaded, so only a fresh process shows them.
 */
final class HelpOfEveryCommand {
  private HelpOfEveryCommand() {}

  public static void main(String[] args) {
    List<List<String>> paths = new ArrayList<>();
    collect(TaskgridCli.newCommandLine(), new ArrayList<>(), paths);
    for (List<String> path : paths) {
      List<String> argv = new ArrayList<>(path);
      argv.add("--help");
      int code = TaskgridCli.newCommandLine().execute(argv.toArray(new String[0]));
      System.out.println("HELP " + String.join(" ", path) + " " + code);
    }
    System.out.flush();
    System.err.flush();
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    for (CommandLine sub : cli.getSubcommands().values()) {
      String name = sub.getCommandName();
      if (name.equals("help")) {
        continue; // picocli's help command: `help --help` is not a usage of its own
      }
      List<String> longer = new ArrayList<>(path);
      longer.add(name);
      collect(sub, longer, into);
    }
  }
}
