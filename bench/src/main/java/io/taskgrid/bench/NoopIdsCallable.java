package io.taskgrid.bench;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.concurrent.Callable;

/**
 * The trivial task of the Hazelcast executor baseline in its fastest form: {@link
 * IdentifiedDataSerializable}, which Hazelcast serializes as two ints and creates from a factory
 * (no reflection, no class name on the wire), the form a Hazelcast user writes for speed. Both JVMs
 * register {@link #register}.
 */
public final class NoopIdsCallable implements Callable<Integer>, IdentifiedDataSerializable {
  static final int FACTORY_ID = 7_001;
  static final int CLASS_ID = 1;

  /** Registers the factory that creates this task on the receiving side. */
  static void register(SerializationConfig config) {
    DataSerializableFactory factory = id -> id == CLASS_ID ? new NoopIdsCallable() : null;
    config.addDataSerializableFactory(FACTORY_ID, factory);
  }

  @Override
  public Integer call() {
    return 1;
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // No fields.
  }

  @Override
  public void readData(ObjectDataInput in) {
    // No fields.
  }
}
