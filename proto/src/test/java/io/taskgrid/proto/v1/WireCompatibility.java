package io.taskgrid.proto.v1;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The breaking-change check of buf's WIRE_JSON category, for the rules this project keeps: nothing
 * of the baseline is removed or renamed (files, messages, fields, enums, enum values, services,
 * methods), and no field changes its number, type, label or oneof; file options that name generated
 * code (java_*, go_package) stay. Additions pass.
 */
final class WireCompatibility {
  private WireCompatibility() {}

  /** What {@code current} breaks of {@code baseline}; empty when compatible. */
  static List<String> problems(FileDescriptorSet baseline, FileDescriptorSet current) {
    List<String> problems = new ArrayList<>();
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    current.getFileList().forEach(f -> files.put(f.getName(), f));
    for (FileDescriptorProto old : baseline.getFileList()) {
      FileDescriptorProto now = files.get(old.getName());
      if (now == null) {
        problems.add("file " + old.getName() + " removed");
        continue;
      }
      if (!old.getPackage().equals(now.getPackage())) {
        problems.add(old.getName() + ": package changed to " + now.getPackage());
      }
      checkOption(
          problems,
          old,
          "java_package",
          old.getOptions().getJavaPackage(),
          now.getOptions().getJavaPackage());
      checkOption(
          problems,
          old,
          "java_outer_classname",
          old.getOptions().getJavaOuterClassname(),
          now.getOptions().getJavaOuterClassname());
      checkOption(
          problems,
          old,
          "java_multiple_files",
          String.valueOf(old.getOptions().getJavaMultipleFiles()),
          String.valueOf(now.getOptions().getJavaMultipleFiles()));
      if (old.getOptions().hasGoPackage()) {
        checkOption(
            problems,
            old,
            "go_package",
            old.getOptions().getGoPackage(),
            now.getOptions().getGoPackage());
      }
      String prefix = "." + old.getPackage() + ".";
      messages(problems, prefix, old.getMessageTypeList(), now.getMessageTypeList());
      enums(problems, prefix, old.getEnumTypeList(), now.getEnumTypeList());
      services(problems, prefix, old.getServiceList(), now.getServiceList());
    }
    return problems;
  }

  private static void checkOption(
      List<String> problems, FileDescriptorProto file, String option, String old, String now) {
    if (!old.equals(now)) {
      problems.add(
          file.getName() + ": option " + option + " changed from '" + old + "' to '" + now + "'");
    }
  }

  private static void messages(
      List<String> problems, String prefix, List<DescriptorProto> old, List<DescriptorProto> now) {
    Map<String, DescriptorProto> byName = new LinkedHashMap<>();
    now.forEach(m -> byName.put(m.getName(), m));
    for (DescriptorProto o : old) {
      String name = prefix + o.getName();
      DescriptorProto n = byName.get(o.getName());
      if (n == null) {
        problems.add("message " + name + " removed");
        continue;
      }
      Map<Integer, FieldDescriptorProto> fields = new LinkedHashMap<>();
      n.getFieldList().forEach(f -> fields.put(f.getNumber(), f));
      for (FieldDescriptorProto of : o.getFieldList()) {
        String field = name + "." + of.getName() + " = " + of.getNumber();
        FieldDescriptorProto nf = fields.get(of.getNumber());
        if (nf == null) {
          problems.add("field " + field + " removed");
          continue;
        }
        if (!nf.getName().equals(of.getName())) {
          problems.add("field " + field + " renamed to " + nf.getName() + " (breaks JSON)");
        }
        if (nf.getType() != of.getType() || !nf.getTypeName().equals(of.getTypeName())) {
          problems.add(
              "field "
                  + field
                  + " changed type from "
                  + of.getType()
                  + " "
                  + of.getTypeName()
                  + " to "
                  + nf.getType()
                  + " "
                  + nf.getTypeName());
        }
        if (nf.getLabel() != of.getLabel()) {
          problems.add(
              "field " + field + " changed label from " + of.getLabel() + " to " + nf.getLabel());
        }
        String oldOneof = of.hasOneofIndex() ? o.getOneofDecl(of.getOneofIndex()).getName() : "";
        String newOneof = nf.hasOneofIndex() ? n.getOneofDecl(nf.getOneofIndex()).getName() : "";
        if (!oldOneof.equals(newOneof)) {
          problems.add(
              "field " + field + " moved from oneof '" + oldOneof + "' to '" + newOneof + "'");
        }
      }
      messages(problems, name + ".", o.getNestedTypeList(), n.getNestedTypeList());
      enums(problems, name + ".", o.getEnumTypeList(), n.getEnumTypeList());
    }
  }

  private static void enums(
      List<String> problems,
      String prefix,
      List<EnumDescriptorProto> old,
      List<EnumDescriptorProto> now) {
    Map<String, EnumDescriptorProto> byName = new LinkedHashMap<>();
    now.forEach(e -> byName.put(e.getName(), e));
    for (EnumDescriptorProto o : old) {
      String name = prefix + o.getName();
      EnumDescriptorProto n = byName.get(o.getName());
      if (n == null) {
        problems.add("enum " + name + " removed");
        continue;
      }
      Map<Integer, String> values = new LinkedHashMap<>();
      for (EnumValueDescriptorProto v : n.getValueList()) {
        values.putIfAbsent(v.getNumber(), v.getName());
      }
      for (EnumValueDescriptorProto v : o.getValueList()) {
        String now2 = values.get(v.getNumber());
        if (now2 == null) {
          problems.add(
              "enum value " + name + "." + v.getName() + " = " + v.getNumber() + " removed");
        } else if (!now2.equals(v.getName())) {
          problems.add(
              "enum value "
                  + name
                  + "."
                  + v.getName()
                  + " = "
                  + v.getNumber()
                  + " renamed to "
                  + now2
                  + " (breaks JSON)");
        }
      }
    }
  }

  private static void services(
      List<String> problems,
      String prefix,
      List<ServiceDescriptorProto> old,
      List<ServiceDescriptorProto> now) {
    Map<String, ServiceDescriptorProto> byName = new LinkedHashMap<>();
    now.forEach(s -> byName.put(s.getName(), s));
    for (ServiceDescriptorProto o : old) {
      String name = prefix + o.getName();
      ServiceDescriptorProto n = byName.get(o.getName());
      if (n == null) {
        problems.add("service " + name + " removed");
        continue;
      }
      Map<String, MethodDescriptorProto> methods = new LinkedHashMap<>();
      n.getMethodList().forEach(m -> methods.put(m.getName(), m));
      for (MethodDescriptorProto om : o.getMethodList()) {
        String method = name + "/" + om.getName();
        MethodDescriptorProto nm = methods.get(om.getName());
        if (nm == null) {
          problems.add("method " + method + " removed");
          continue;
        }
        if (!nm.getInputType().equals(om.getInputType())
            || !nm.getOutputType().equals(om.getOutputType())) {
          problems.add("method " + method + " changed its request or response type");
        }
        if (nm.getClientStreaming() != om.getClientStreaming()
            || nm.getServerStreaming() != om.getServerStreaming()) {
          problems.add("method " + method + " changed its streaming");
        }
      }
    }
  }
}
