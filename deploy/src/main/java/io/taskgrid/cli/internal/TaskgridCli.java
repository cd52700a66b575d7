package io.taskgrid.cli.internal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
      SubmitCommand.class,
      StatusCommand.class,
      CancelCommand.class,
      WorkersCommand.class,
      InfoCommand.class,
      TopCommand.class,
      CompletionCommand.class,
      BenchCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TaskgridCli implements Runnable {
  /** Exit code of a usage error (bad flag, missing argument). */
  public static final int EXIT_USAGE = 2;

  /** Exit code of a command that failed while running. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = ConfigDefaults.CONFIG_OPTION,
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Properties file of option defaults, e.g. port=7070 or coordinator.port=7071"
              + " (env: TASKGRID_CONFIG). Precedence: flag > TASKGRID_* env > file > default.")
  @Nullable Path config;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command (try 'taskgrid --help')");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // The only place that reads the environment: everything else gets it from here.
    int code = newCommandLine(System.getenv()).execute(args);
    if (code != 0 || !LongRunning.isActive()) {
      System.exit(code);
    }
  }

  /** The configured command line without environment; tests call {@code execute} on it. */
  public static CommandLine newCommandLine() {
    return newCommandLine(Map.of());
  }

  /**
   * The configured command line; options the command line does not give come from {@code env}
   * ({@code TASKGRID_*}) and then from the config file.
   */
  public static CommandLine newCommandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new TaskgridCli());
    ConfigDefaults defaults = new ConfigDefaults(env);
    cli.setDefaultValueProvider(defaults);
    cli.setParameterExceptionHandler(new OneLineUsageError());
    cli.setExecutionExceptionHandler(new OneLineFailure(env.containsKey("TASKGRID_DEBUG")));
    cli.setExecutionStrategy(new ConfigFileStrategy(cli, defaults));
    return cli;
  }

  /**
   * Loads the config file once the command line names it, then parses the arguments again so that
   * the file's values fill the options the flags and the environment left unset.
   */
  private static final class ConfigFileStrategy implements CommandLine.IExecutionStrategy {
    private final CommandLine cli;
    private final ConfigDefaults defaults;

    ConfigFileStrategy(CommandLine cli, ConfigDefaults defaults) {
      this.cli = cli;
      this.defaults = defaults;
    }

    @Override
    public int execute(ParseResult parseResult) {
      Path file = configFile(parseResult);
      if (file == null) {
        warnUnknownSettings();
        return new CommandLine.RunLast().execute(parseResult);
      }
      try {
        defaults.useConfigFile(file);
      } catch (UsageException e) {
        throw new ParameterException(cli, e.getMessage(), e, null, file.toString());
      }
      warnUnknownSettings();
      ParseResult again = cli.parseArgs(parseResult.originalArgs().toArray(new String[0]));
      return new CommandLine.RunLast().execute(again);
    }

    private void warnUnknownSettings() {
      for (String warning : defaults.unknownSettings(cli)) {
        cli.getErr().println("taskgrid: " + warning);
      }
      cli.getErr().flush();
    }

    /** The file given by the last {@code --config} in the command chain (or by the env). */
    private static @Nullable Path configFile(ParseResult parseResult) {
      Path file = null;
      for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
        if (pr.hasMatchedOption(ConfigDefaults.CONFIG_OPTION)) {
          file = pr.matchedOptionValue(ConfigDefaults.CONFIG_OPTION, (Path) null);
        } else if (file == null
            && pr.commandSpec().findOption(ConfigDefaults.CONFIG_OPTION) != null) {
          Object fromEnv = pr.commandSpec().findOption(ConfigDefaults.CONFIG_OPTION).getValue();
          file = fromEnv instanceof Path p ? p : null;
        }
      }
      return file;
    }
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
    private final boolean debug;

    OneLineFailure(boolean debug) {
      this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parseResult) {
      PrintWriter err = cli.getErr();
      if (e instanceof UsageException) {
        err.println("taskgrid: " + e.getMessage());
        return EXIT_USAGE;
      }
      err.println("taskgrid: error: " + Terminal.safe(describe(e)));
      if (debug) {
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
