package io.taskgrid.coordinator.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Hazelcast's internal classes (public, but not API: any release may change them) are used in one
 * place, so that an upgrade of Hazelcast has one place to re-check: the store's {@code
 * HazelcastInternals}, which checks itself at start-up, and the operation it invokes, {@code
 * PartitionBatchOperation} (a subclass of Hazelcast's own, so it cannot be hidden inside).
 */
class HazelcastInternalsArchitectureTest {
  private static final String STORE = "io.taskgrid.coordinator.internal.store.";
  private static final String INTERNALS = STORE + "HazelcastInternals";
  private static final String OPERATION = STORE + "PartitionBatchOperation";

  private static final JavaClasses COORDINATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.taskgrid.coordinator");

  /** The class or one nested in it. */
  private static DescribedPredicate<JavaClass> inside(String... classNames) {
    return DescribedPredicate.describe(
        "inside " + String.join(" or ", classNames),
        (JavaClass c) -> {
          for (String name : classNames) {
            if (c.getName().equals(name) || c.getName().startsWith(name + "$")) {
              return true;
            }
          }
          return false;
        });
  }

  @Test
  void hazelcastInternals_usedOnlyByHazelcastInternalsAndPartitionBatchOperation() {
    noClasses()
        .that(DescribedPredicate.not(inside(INTERNALS, OPERATION)))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.hazelcast.internal..", "com.hazelcast..impl..")
        .because("a Hazelcast upgrade must have one place to re-check (HazelcastInternals)")
        .check(COORDINATOR);
  }

  @Test
  void partitionBatchOperation_createdOnlyThroughHazelcastInternals() {
    constructors()
        .that()
        .areDeclaredInClassesThat(inside(OPERATION))
        .should()
        .onlyBeCalled()
        // StoreSerialization: Hazelcast's deserialization of an operation sent by another member.
        .byClassesThat(inside(INTERNALS, OPERATION, STORE + "StoreSerialization"))
        .check(COORDINATOR);
  }
}
