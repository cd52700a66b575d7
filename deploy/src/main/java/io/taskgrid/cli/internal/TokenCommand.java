package io.taskgrid.cli.internal;

import io.taskgrid.client.internal.rpc.LocalTokens;
import io.taskgrid.coordinator.internal.auth.TokenFile;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code taskgrid token}: issues a random bearer token and prints its {@code --auth-tokens} line;
 * the caller keeps the token (first field) in a file given to the client or worker with {@code
 * --token-file}.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Print a new random token as a line for the coordinator's --auth-tokens file:",
      "  TOKEN ROLE TENANT NAME",
      "Give the TOKEN (first field) to the client or worker in a file (--token-file)."
    })
final class TokenCommand implements Callable<Integer> {
  @Spec @Nullable CommandSpec spec;

  @Option(
      names = "--role",
      required = true,
      description = "client (TaskService on its tenant), worker (WorkerService) or admin.")
  String role = "";

  @Option(
      names = "--tenant",
      defaultValue = "default",
      description = "Whose tasks a client sees (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Option(
      names = "--name",
      required = true,
      description =
          "Who holds it (logs); a worker token named N may connect as worker id N or N-... (the"
              + " default worker id is HOST-pid-random, so name worker tokens after their host).")
  String name = "";

  @Override
  public Integer call() {
    String line =
        LocalTokens.newToken() + " " + role.toLowerCase(Locale.ROOT) + " " + tenant + " " + name;
    try {
      TokenFile.parse(List.of(line), "the new line");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage().replace("the new line line 1: ", ""));
    }
    if (spec != null) {
      spec.commandLine().getOut().println(line);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
