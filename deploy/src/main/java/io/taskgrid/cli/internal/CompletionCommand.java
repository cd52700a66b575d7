package io.taskgrid.cli.internal;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code taskgrid completion}: prints the bash/zsh completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print the bash/zsh completion script of taskgrid.",
      "Use: source <(taskgrid completion)   (the distribution also ships it as"
          + " taskgrid_completion)."
    })
final class CompletionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash("taskgrid", root));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
