package io.taskgrid.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SDK's API boundary: our own types in public signatures, no server-side dependencies. */
class ArchitectureTest {
  private static final JavaClasses SDK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.taskgrid.client");

  @Test
  void publicApi_signatures_mentionNoGeneratedProtoOrGrpcTypesButChannel() {
    codeUnits()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("io.taskgrid.client")
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .arePublic()
        .should(onlyUseApiTypes())
        .check(SDK);
  }

  @Test
  void sdk_dependencies_noCoordinatorWorkerHazelcastOrPrometheus() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.taskgrid.coordinator..",
            "io.taskgrid.worker..",
            "com.hazelcast..",
            "io.prometheus..")
        .check(SDK);
  }

  @Test
  void apiPackage_grpcDependencies_onlyChannelAndStatusException() {
    noClasses()
        .that()
        .resideInAPackage("io.taskgrid.client")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "io.grpc types other than Channel and StatusRuntimeException",
                (JavaClass c) ->
                    c.getPackageName().startsWith("io.grpc")
                        && !c.getName().equals("io.grpc.Channel")
                        && !c.getName().equals("io.grpc.StatusRuntimeException")))
        .check(SDK);
  }

  private static ArchCondition<JavaCodeUnit> onlyUseApiTypes() {
    return new ArchCondition<>(
        "mention no io.taskgrid.proto, internal or io.grpc type but Channel") {
      @Override
      public void check(JavaCodeUnit unit, ConditionEvents events) {
        Set<JavaClass> types = new HashSet<>(unit.getReturnType().getAllInvolvedRawTypes());
        unit.getParameterTypes().forEach(t -> types.addAll(t.getAllInvolvedRawTypes()));
        unit.getThrowsClause().getTypes().forEach(types::add);
        for (JavaClass type : types) {
          String name = type.getName();
          if (name.startsWith("io.taskgrid.proto")
              || name.startsWith("io.taskgrid.client.internal")
              || (name.startsWith("io.grpc") && !name.equals("io.grpc.Channel"))) {
            events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " uses " + name));
          }
        }
      }
    };
  }
}
