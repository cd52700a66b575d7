package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the repository's own text files for what a careless merge leaves behind: conflict markers
 * once landed in docs/ARCHITECTURE.md and stayed there for two merges.
 */
class RepoHygieneTest {
  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", ".worktrees", "venv");
  private static final Set<String> TEXT_SUFFIXES =
      Set.of(
          ".java", ".md", ".proto", ".xml", ".yaml", ".yml", ".json", ".properties", ".sh", ".py");

  @Test
  void noFile_holdsAMergeConflictMarker() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("pom.xml")).exists();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> root.relativize(p).getNameCount() > 0)
          .filter(p -> !isUnderSkippedDir(root.relativize(p)))
          .filter(Files::isRegularFile)
          .filter(RepoHygieneTest::isText)
          .forEach(p -> collectMarkers(root, p, found));
    }
    assertThat(found).as("merge conflict markers").isEmpty();
  }

  @Test
  void markerCheck_findsAMarker() {
    assertThat(isMarker("<<<<<<< HEAD")).isTrue();
    assertThat(isMarker(">>>>>>> branch")).isTrue();
    assertThat(isMarker("=======")).isTrue();
    assertThat(isMarker("== a heading ==")).isFalse();
    assertThat(isMarker("  <<<<<<< indented")).isFalse();
  }

  private static boolean isUnderSkippedDir(Path relative) {
    for (Path part : relative) {
      if (SKIPPED_DIRS.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isText(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && TEXT_SUFFIXES.contains(name.substring(dot));
  }

  private static void collectMarkers(Path root, Path file, List<String> found) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (MalformedInputException e) {
      return; // not UTF-8 text
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (isMarker(lines.get(i))) {
        found.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i));
      }
    }
  }

  static boolean isMarker(String line) {
    return line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ") || line.equals("=======");
  }
}
