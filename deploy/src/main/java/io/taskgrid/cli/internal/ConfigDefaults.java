package io.taskgrid.cli.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option gets its value when the command line does not give it: a {@code TASKGRID_*}
 * environment variable, then the config file, then the option's own default. So the precedence is
 * flag &gt; environment &gt; file &gt; default.
 *
 * <p>Names: option {@code --hz-host} is {@code TASKGRID_HZ_HOST} in the environment and {@code
 * hz-host} in the file; a file key may be scoped to one command ({@code coordinator.port=7071}),
 * which wins over the plain key. The file ({@code --config} or {@code TASKGRID_CONFIG}) is a Java
 * properties file. Help, version and hidden options take no outside values.
 *
 * <p>The environment is passed in (read once by {@code main}); the file is read once, when {@link
 * #useConfigFile} names it.
 */
final class ConfigDefaults implements IDefaultValueProvider {
  static final String ENV_PREFIX = "TASKGRID_";
  static final String CONFIG_OPTION = "--config";
  static final String CONFIG_ENV = "TASKGRID_CONFIG";

  private final Map<String, String> env;
  private Properties file = new Properties();

  ConfigDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment variable of an option, for example {@code TASKGRID_HZ_HOST}. */
  static String envName(OptionSpec option) {
    return ENV_PREFIX + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The file key of an option: its longest name without the dashes. */
  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** Whether an option can take its value from the environment or the file. */
  static boolean configurable(OptionSpec option) {
    return !option.usageHelp()
        && !option.versionHelp()
        && !option.hidden()
        && !CONFIG_OPTION.equals(option.longestName());
  }

  /** Reads the config file; a missing or unreadable file is a usage error. */
  void useConfigFile(Path path) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (NoSuchFileException e) {
      throw new UsageException(CONFIG_OPTION + ": " + path + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(CONFIG_OPTION + ": cannot read " + path + ": " + e.getMessage());
    }
    this.file = props;
  }

  /**
   * {@code TASKGRID_*} variables that are no option's but are read elsewhere (bin/taskgrid, SDK).
   */
  static final Set<String> OTHER_ENV =
      Set.of(
          CONFIG_ENV,
          "TASKGRID_DEBUG",
          "TASKGRID_HEAP",
          "TASKGRID_JAVA_OPTS",
          "TASKGRID_LIB",
          "TASKGRID_RUNTIME_DIR");

  /**
   * One line per {@code TASKGRID_*} variable and per config file key that no option of any command
   * reads (a typo there would otherwise be ignored without a word).
   */
  List<String> unknownSettings(CommandLine root) {
    Set<String> envNames = new TreeSet<>(OTHER_ENV);
    Map<String, Set<String>> keysByCommand = new TreeMap<>();
    Set<String> anyKey = new TreeSet<>();
    collect(root, envNames, keysByCommand, anyKey);
    List<String> warnings = new ArrayList<>();
    new TreeMap<>(env)
        .keySet()
        .forEach(
            name -> {
              if (name.startsWith(ENV_PREFIX) && !envNames.contains(name)) {
                warnings.add(
                    "warning: environment variable " + name + " is no taskgrid setting (ignored)");
              }
            });
    for (String key : new TreeSet<>(file.stringPropertyNames())) {
      int dot = key.indexOf('.');
      boolean known =
          dot < 0
              ? anyKey.contains(key)
              : keysByCommand
                  .getOrDefault(key.substring(0, dot), Set.of())
                  .contains(key.substring(dot + 1));
      if (!known) {
        warnings.add("warning: config key '" + key + "' is no taskgrid setting (ignored)");
      }
    }
    return warnings;
  }

  private static void collect(
      CommandLine cli,
      Set<String> envNames,
      Map<String, Set<String>> keysByCommand,
      Set<String> anyKey) {
    for (OptionSpec option : cli.getCommandSpec().options()) {
      if (configurable(option)) {
        envNames.add(envName(option));
        anyKey.add(key(option));
        keysByCommand.computeIfAbsent(cli.getCommandName(), k -> new TreeSet<>()).add(key(option));
      }
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      collect(sub, envNames, keysByCommand, anyKey);
    }
  }

  @Override
  public @Nullable String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    if (CONFIG_OPTION.equals(option.longestName())) {
      return env.get(CONFIG_ENV);
    }
    if (!configurable(option)) {
      return null;
    }
    String fromEnv = env.get(envName(option));
    if (fromEnv != null) {
      return fromEnv;
    }
    String command = option.command() == null ? "" : option.command().name();
    String scoped = file.getProperty(command + "." + key(option));
    return scoped != null ? scoped : file.getProperty(key(option));
  }
}
