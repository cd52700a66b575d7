package io.taskgrid.proto.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Fails the build on a breaking change to taskgrid.v1: the compiled descriptors must keep
 * everything of the checked-in baseline (src/test/resources/taskgrid/v1/baseline.txtpb). To take an
 * addition into the baseline, run this test with {@code -Dtaskgrid.proto.writeBaseline=true} and
 * commit the file; a removal or renumbering is never taken in: it needs a taskgrid.v2.
 */
class WireCompatibilityTest {
  private static final String BASELINE = "taskgrid/v1/baseline.txtpb";

  static FileDescriptorSet current() {
    return FileDescriptorSet.newBuilder()
        .addFile(TaskProto.getDescriptor().toProto())
        .addFile(TaskServiceProto.getDescriptor().toProto())
        .addFile(WorkerServiceProto.getDescriptor().toProto())
        .build();
  }

  static FileDescriptorSet baseline() throws IOException {
    try (InputStream in =
        WireCompatibilityTest.class.getClassLoader().getResourceAsStream(BASELINE)) {
      assertThat(in).as("baseline resource " + BASELINE).isNotNull();
      FileDescriptorSet.Builder b = FileDescriptorSet.newBuilder();
      TextFormat.merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), b);
      return b.build();
    }
  }

  @Test
  void compiledProto_keepsEverythingOfTheBaseline() throws IOException {
    if (Boolean.getBoolean("taskgrid.proto.writeBaseline")) {
      Files.writeString(
          Path.of("src/test/resources", BASELINE), TextFormat.printer().printToString(current()));
    }

    assertThat(WireCompatibility.problems(baseline(), current())).isEmpty();
  }

  @Test
  void baseline_namesEveryServiceAndTheV1Package() throws IOException {
    FileDescriptorSet b = baseline();

    assertThat(b.getFileList())
        .extracting(FileDescriptorProto::getPackage)
        .containsOnly("taskgrid.v1");
    assertThat(b.getFileList())
        .flatExtracting(f -> f.getServiceList().stream().map(s -> s.getName()).toList())
        .containsExactlyInAnyOrder("TaskService", "WorkerService");
  }

  @Test
  void checker_removedRenumberedRetypedOrRenamed_eachReported() throws IOException {
    FileDescriptorSet base = baseline();
    FileDescriptorSet.Builder broken = current().toBuilder();
    FileDescriptorProto.Builder task = broken.getFileBuilder(0);
    // TaskSpec: id renumbered, type retyped; TaskError removed; Outcome.LOST renamed;
    // option java_package changed.
    var spec =
        task.getMessageTypeBuilderList().stream()
            .filter(m -> m.getName().equals("TaskSpec"))
            .findFirst()
            .orElseThrow();
    spec.getFieldBuilder(0).setNumber(99);
    spec.getFieldBuilder(2).setType(FieldDescriptorProto.Type.TYPE_BYTES);
    int error = -1;
    for (int i = 0; i < task.getMessageTypeCount(); i++) {
      if (task.getMessageType(i).getName().equals("TaskError")) {
        error = i;
      }
    }
    task.removeMessageType(error);
    var outcome =
        task.getEnumTypeBuilderList().stream()
            .filter(e -> e.getName().equals("Outcome"))
            .findFirst()
            .orElseThrow();
    outcome.getValueBuilderList().stream()
        .filter(v -> v.getName().equals("LOST"))
        .findFirst()
        .orElseThrow()
        .setName("GONE");
    task.getOptionsBuilder().setJavaPackage("elsewhere");
    // TaskService.Watch made unary.
    broken.getFileBuilder(1).getServiceBuilder(0).getMethodBuilderList().stream()
        .filter(m -> m.getName().equals("Watch"))
        .findFirst()
        .orElseThrow()
        .setServerStreaming(false);

    assertThat(WireCompatibility.problems(base, broken.build()))
        .anyMatch(p -> p.contains(".taskgrid.v1.TaskSpec.id = 1 removed"))
        .anyMatch(p -> p.contains(".taskgrid.v1.TaskSpec.type = 3 changed type"))
        .anyMatch(p -> p.contains("message .taskgrid.v1.TaskError removed"))
        .anyMatch(p -> p.contains("Outcome.LOST = 7 renamed to GONE"))
        .anyMatch(p -> p.contains("option java_package changed"))
        .anyMatch(p -> p.contains("TaskService/Watch changed its streaming"));
  }

  @Test
  void checker_additionsOnly_compatible() throws IOException {
    FileDescriptorSet.Builder added = current().toBuilder();
    added.getFileBuilder(0).getMessageTypeBuilderList().stream()
        .filter(m -> m.getName().equals("TaskSpec"))
        .findFirst()
        .orElseThrow()
        .addField(
            FieldDescriptorProto.newBuilder()
                .setName("added_later")
                .setNumber(500)
                .setType(FieldDescriptorProto.Type.TYPE_STRING)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL));

    assertThat(WireCompatibility.problems(baseline(), added.build())).isEmpty();
  }
}
