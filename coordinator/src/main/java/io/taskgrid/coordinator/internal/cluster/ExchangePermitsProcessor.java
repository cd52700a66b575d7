package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.taskgrid.coordinator.internal.sched.PermitGrant;
import io.taskgrid.coordinator.internal.sched.PermitLedger;
import java.io.IOException;
import java.util.Map;

/**
 * {@link io.taskgrid.coordinator.internal.sched.TypePermits#exchange} on a type's ledger entry.
 * Runs on the entry's partition thread, so no two exchanges of one type interleave and the holdings
 * never exceed the limit. Returns {@code {granted, contended ? 1 : 0}}. Deterministic, so the
 * backup replica, which runs it too, ends in the same state.
 */
public final class ExchangePermitsProcessor
    implements EntryProcessor<String, byte[], int[]>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private String owner = "";
  private int giveBack;
  private int wanted;
  private int limit;

  /** For Hazelcast deserialization. */
  public ExchangePermitsProcessor() {}

  ExchangePermitsProcessor(String owner, int giveBack, int wanted, int limit) {
    this.owner = owner;
    this.giveBack = giveBack;
    this.wanted = wanted;
    this.limit = limit;
  }

  @Override
  public int[] process(Map.Entry<String, byte[]> entry) {
    PermitLedger ledger = PermitLedger.decode(entry.getValue());
    PermitGrant grant = ledger.exchange(owner, giveBack, wanted, limit);
    // A null value removes the entry: a type nobody holds or waits for leaves no trace.
    entry.setValue(ledger.encode());
    return new int[] {grant.granted(), grant.contended() ? 1 : 0};
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(owner);
    out.writeInt(giveBack);
    out.writeInt(wanted);
    out.writeInt(limit);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    String read = in.readString();
    owner = read == null ? "" : read;
    giveBack = in.readInt();
    wanted = in.readInt();
    limit = in.readInt();
  }
}
