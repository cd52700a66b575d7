package io.taskgrid.cli.internal;

import io.taskgrid.client.CancelOutcome;
import io.taskgrid.client.TaskgridClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskgrid cancel}: cancels tasks and prints what the coordinator did with each. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancel tasks and print each outcome: REMOVED_FROM_QUEUE, STOPPED_WHILE_RUNNING,"
          + " ALREADY_FINISHED or NOT_FOUND.",
      "Exits 1 if some task was NOT_FOUND."
    })
final class CancelCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "ID", description = "Task ids.")
  List<String> taskIds = new ArrayList<>();

  @Option(
      names = {"-f", "--force"},
      description = "Stop running CPU tasks hard (kill their child process after a grace period).")
  boolean force;

  @Mixin CoordinatorAddress coordinator = new CoordinatorAddress();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean allFound = true;
    try (TaskgridClient client = coordinator.connect()) {
      List<CompletableFuture<CancelOutcome>> outcomes = new ArrayList<>();
      for (String id : taskIds) {
        outcomes.add(client.cancel(id, force));
      }
      for (int i = 0; i < taskIds.size(); i++) {
        CancelOutcome outcome = await(outcomes.get(i));
        out.println(Terminal.safe(taskIds.get(i)) + "  " + outcome);
        allFound &= outcome != CancelOutcome.NOT_FOUND;
      }
    }
    out.flush();
    return allFound ? 0 : TaskgridCli.EXIT_FAILURE;
  }

  private CancelOutcome await(CompletableFuture<CancelOutcome> outcome)
      throws InterruptedException {
    try {
      return outcome.get(coordinator.timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no cancel outcome within --timeout " + coordinator.timeoutSeconds + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cancel failed: " + e.getCause().getMessage(), e);
    }
  }
}
