package io.taskgrid.cli.internal;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The entry point of the {@code taskgrid} launcher.
 *
 * <p>Usage errors print one line and exit {@value #EXIT_USAGE}; a failure while running prints one
 * line and exits {@value #EXIT_FAILURE}. A stack trace is never printed unless {@code
 * TASKGRID_DEBUG} is set.
 */
@Command(
    name = "taskgrid",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Distributed task execution for the JVM.",
    subcommands = {
      LocalCommand.class,
      CoordinatorCommand.class,
      WorkerCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TaskgridCli implements Runnable {
  /** Exit code of a usage error (bad flag, missing argument). */
  public static final int EXIT_USAGE = 2;

  /** Exit code of a command that failed while running. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command (try 'taskgrid --help')");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    int code = newCommandLine().execute(args);
    if (code != 0 || !LongRunning.isActive()) {
      System.exit(code);
    }
  }

  /** The configured command line; tests call {@code execute} on it directly. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new TaskgridCli());
    cli.setParameterExceptionHandler(new OneLineUsageError());
    cli.setExecutionExceptionHandler(new OneLineFailure());
    return cli;
  }

  /** Prints a usage error as one line plus a hint, never a stack trace. */
  private static final class OneLineUsageError implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
      CommandLine cli = e.getCommandLine();
      PrintWriter err = cli.getErr();
      err.println("taskgrid: " + e.getMessage());
      err.println(
          "Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    }
  }

  /** Prints a failure as one line; the stack trace only with TASKGRID_DEBUG. */
  private static final class OneLineFailure implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parseResult) {
      PrintWriter err = cli.getErr();
      if (e instanceof UsageException) {
        err.println("taskgrid: " + e.getMessage());
        return EXIT_USAGE;
      }
      err.println("taskgrid: error: " + describe(e));
      if (System.getenv("TASKGRID_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return EXIT_FAILURE;
    }

    private static String describe(Throwable e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getMessage() == null) {
        cause = cause.getCause();
      }
      return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
  }
}
