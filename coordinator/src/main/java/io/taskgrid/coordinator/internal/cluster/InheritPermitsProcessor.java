package io.taskgrid.coordinator.internal.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.taskgrid.coordinator.internal.sched.PermitLedger;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link io.taskgrid.coordinator.internal.sched.TypePermits#inheritOrphans} on one type's ledger
 * entry: moves the permits of owners that are not live coordinators to the heir, atomically per
 * type. Returns the permits moved, or null when there were none.
 */
public final class InheritPermitsProcessor
    implements EntryProcessor<String, byte[], Integer>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private Set<String> liveOwners = new HashSet<>();
  private String heir = "";

  /** For Hazelcast deserialization. */
  public InheritPermitsProcessor() {}

  InheritPermitsProcessor(Set<String> liveOwners, String heir) {
    this.liveOwners = new HashSet<>(liveOwners);
    this.heir = heir;
  }

  @Override
  @SuppressWarnings("NullAway") // Hazelcast's contract: a null return means "no result".
  public @Nullable Integer process(Map.Entry<String, byte[]> entry) {
    PermitLedger ledger = PermitLedger.decode(entry.getValue());
    int moved = ledger.inheritOrphans(liveOwners, heir);
    // Written even when nothing moved: the demand of departed owners is dropped too.
    entry.setValue(ledger.encode());
    return moved == 0 ? null : moved;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(liveOwners.size());
    for (String o : liveOwners) {
      out.writeString(o);
    }
    out.writeString(heir);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    liveOwners = new HashSet<>();
    for (int i = 0; i < n; i++) {
      liveOwners.add(in.readString());
    }
    String read = in.readString();
    heir = read == null ? "" : read;
  }
}
