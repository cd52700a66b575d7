package io.taskgrid.worker.internal;

import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.handlers.HttpGetHandler;
import io.taskgrid.worker.internal.http.HttpEgressPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/** The handlers a worker runs, found with {@link ServiceLoader}. Immutable after {@link #load}. */
public final class HandlerRegistry {
  private final Map<String, TaskHandler<?, ?>> handlers;

  private HandlerRegistry(Map<String, TaskHandler<?, ?>> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /**
   * Loads every handler visible to {@code loader}.
   *
   * @throws IllegalStateException if two handlers share a name or one cannot be loaded
   */
  public static HandlerRegistry load(ClassLoader loader) {
    return load(loader, HttpEgressPolicy.defaults(), Clock.systemUTC());
  }

  /**
   * Loads every handler visible to {@code loader}; the built-in {@code http.get} gets the worker's
   * egress policy.
   *
   * @throws IllegalStateException if two handlers share a name or one cannot be loaded
   */
  public static HandlerRegistry load(ClassLoader loader, HttpEgressPolicy httpPolicy, Clock clock) {
    Map<String, TaskHandler<?, ?>> found = new LinkedHashMap<>();
    try {
      for (TaskHandler<?, ?> loaded : ServiceLoader.load(TaskHandler.class, loader)) {
        TaskHandler<?, ?> handler =
            loaded.getClass() == HttpGetHandler.class
                ? new HttpGetHandler(httpPolicy, clock)
                : loaded;
        TaskHandler<?, ?> previous = found.putIfAbsent(handler.name(), handler);
        if (previous != null) {
          throw new IllegalStateException(
              "two task handlers are named '"
                  + handler.name()
                  + "': "
                  + previous.getClass().getName()
                  + " and "
                  + handler.getClass().getName()
                  + " (handler names must be unique on a worker)");
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("cannot load a task handler: " + e.getMessage(), e);
    }
    return new HandlerRegistry(found);
  }

  /** The {@code *.jar} files of a plugins folder, sorted by name. */
  public static List<Path> pluginJars(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the plugins folder " + dir, e);
    }
  }

  /** A class loader over the plugin jars whose parent is {@code parent}. */
  public static URLClassLoader pluginLoader(List<Path> jars, ClassLoader parent) {
    List<URL> urls = new ArrayList<>();
    for (Path jar : jars) {
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("not a usable plugin jar path: " + jar, e);
      }
    }
    return new URLClassLoader("taskgrid-plugins", urls.toArray(new URL[0]), parent);
  }

  /** The handler of a task type, if any. */
  public Optional<TaskHandler<?, ?>> find(String name) {
    return Optional.ofNullable(handlers.get(name));
  }

  /** The handlers of a pool, in name order. */
  public List<TaskHandler<?, ?>> handlers(TaskPool pool) {
    List<TaskHandler<?, ?>> found = new ArrayList<>();
    for (String name : names(pool)) {
      found.add(handlers.get(name));
    }
    return found;
  }

  /** The names of the handlers of one pool, sorted. */
  public List<String> names(TaskPool pool) {
    return handlers.values().stream()
        .filter(h -> h.pool() == pool)
        .map(TaskHandler::name)
        .sorted()
        .toList();
  }
}
