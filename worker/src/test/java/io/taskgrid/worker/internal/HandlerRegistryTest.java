package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.TaskPool;
import io.taskgrid.worker.internal.handlers.EchoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlerRegistryTest {

  /** A second handler named like a built-in. */
  public static final class SecondEcho extends EchoHandlerDelegate {}

  /** Lets the test declare a handler class with a public no-arg constructor. */
  public static class EchoHandlerDelegate implements TaskHandler<RawPayload, RawPayload> {
    private final EchoHandler echo = new EchoHandler();

    @Override
    public String name() {
      return echo.name();
    }

    @Override
    public TaskPool pool() {
      return echo.pool();
    }

    @Override
    public io.taskgrid.client.Codec<RawPayload> inputCodec() {
      return echo.inputCodec();
    }

    @Override
    public io.taskgrid.client.Codec<RawPayload> outputCodec() {
      return echo.outputCodec();
    }

    @Override
    public java.util.concurrent.CompletionStage<RawPayload> run(
        RawPayload input, io.taskgrid.worker.TaskContext context) {
      return echo.run(input, context);
    }
  }

  @Test
  void load_classPath_findsBuiltInsByPool() {
    HandlerRegistry registry = HandlerRegistry.load(getClass().getClassLoader());

    assertThat(registry.names(TaskPool.IO)).contains("echo", "http.get", "noop", "sleep");
    assertThat(registry.names(TaskPool.CPU))
        .containsExactly(
            "fail", "spin", "sum_squares", "test.allocate", "test.throw-error", "test.warmed");
    assertThat(registry.find("nope")).isEmpty();
  }

  @Test
  void handlers_pool_theHandlersOfThatPoolInNameOrder() {
    HandlerRegistry registry = HandlerRegistry.load(getClass().getClassLoader());

    assertThat(registry.handlers(TaskPool.CPU))
        .extracting(TaskHandler::name)
        .containsExactlyElementsOf(registry.names(TaskPool.CPU));
    assertThat(registry.handlers(TaskPool.IO)).allMatch(h -> h.pool() == TaskPool.IO);
  }

  @Test
  void load_duplicateName_failsNamingBothClasses(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(TaskHandler.class.getName()), SecondEcho.class.getName() + "\n");
    // A plugin folder holds jars; a plain folder on a URLClassLoader behaves the same here.
    var loader =
        new java.net.URLClassLoader(
            new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader());

    assertThatThrownBy(() -> HandlerRegistry.load(loader))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two task handlers are named 'echo'")
        .hasMessageContaining(SecondEcho.class.getName());
    loader.close();
  }

  @Test
  void pluginJars_folder_listsOnlyJars(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.jar"), "");
    Files.writeString(dir.resolve("a.jar"), "");
    Files.writeString(dir.resolve("notes.txt"), "");

    assertThat(HandlerRegistry.pluginJars(dir))
        .containsExactly(dir.resolve("a.jar"), dir.resolve("b.jar"));
  }
}
