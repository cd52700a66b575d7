package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Failsafe runs the IT classes two at a time: each must say whether it may share the machine
 * ({@link E2eMachine}). One that said nothing would run beside any other, which a test that kills
 * processes or bounds a latency cannot bear.
 */
class ItResourceLockTest {
  @Test
  void everyItClass_takesTheMachineLock() throws IOException, ClassNotFoundException {
    Path sources = Path.of("src/test/java");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith("IT.java")).toList();
    }
    List<String> without = new ArrayList<>();
    for (Path file : files) {
      String name = sources.relativize(file).toString().replace('/', '.').replace(".java", "");
      ResourceLock lock = Class.forName(name).getAnnotation(ResourceLock.class);
      if (lock == null || !lock.value().equals(E2eMachine.LOCK)) {
        without.add(name);
      }
    }

    assertThat(files).as("IT classes found").hasSizeGreaterThan(10);
    assertThat(without).as("IT classes without @ResourceLock(E2eMachine.LOCK)").isEmpty();
  }
}
