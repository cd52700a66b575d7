package io.taskgrid.coordinator.internal.sched;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Who holds the permits of one limited task type, and who waits for more: the rules behind {@link
 * TypePermits}, on one value per type. {@link InMemoryTypePermits} keeps these objects under a
 * lock; the Hazelcast permits keep them as bytes in a map entry that only entry processors change,
 * so the same code decides on one coordinator and in a cluster. Not thread-safe.
 */
public final class PermitLedger {
  /** The first byte of the encoding, so a later format can be told apart. */
  private static final int FORMAT = 1;

  /** Sorted, so the same ledger always encodes to the same bytes. */
  private final Map<String, Holder> holders = new TreeMap<>();

  private static final class Holder {
    int held;

    /** The part of the owner's last request that was not granted. */
    int wanted;
  }

  /** Decodes {@link #encode()}'s bytes; null (no entry) is an empty ledger. */
  public static PermitLedger decode(byte @Nullable [] bytes) {
    PermitLedger ledger = new PermitLedger();
    if (bytes == null) {
      return ledger;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown permit ledger format " + format);
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        Holder h = new Holder();
        String owner = in.readUTF();
        h.held = in.readInt();
        h.wanted = in.readInt();
        ledger.holders.put(owner, h);
      }
      return ledger;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt permit ledger", e);
    }
  }

  /** The ledger as bytes; null when nobody holds or wants a permit (the entry can go). */
  public byte @Nullable [] encode() {
    if (isEmpty()) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(holders.size());
      for (Map.Entry<String, Holder> e : holders.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().held);
        out.writeInt(e.getValue().wanted);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** See {@link TypePermits#exchange}. */
  public PermitGrant exchange(String owner, int giveBack, int wanted, int limit) {
    Holder me = holders.computeIfAbsent(owner, k -> new Holder());
    me.held -= Math.min(Math.max(0, giveBack), me.held);
    int total = 0;
    int othersWaiting = 0;
    for (Map.Entry<String, Holder> e : holders.entrySet()) {
      total += e.getValue().held;
      if (e.getValue().wanted > 0 && !e.getKey().equals(owner)) {
        othersWaiting++;
      }
    }
    // While others wait, nobody grows past an equal share: a coordinator with a long queue would
    // otherwise take every permit freed and keep it for its own tasks.
    int share = othersWaiting == 0 ? limit : Math.max(1, limit / (othersWaiting + 1));
    int room = Math.min(limit - total, share - me.held);
    int granted = Math.max(0, Math.min(wanted, room));
    me.held += granted;
    me.wanted = Math.max(0, wanted - granted);
    if (me.held == 0 && me.wanted == 0) {
      holders.remove(owner);
    }
    return new PermitGrant(granted, othersWaiting > 0);
  }

  /** See {@link TypePermits#inheritOrphans}; returns the permits moved to {@code heir}. */
  public int inheritOrphans(Set<String> liveOwners, String heir) {
    int moved = 0;
    for (Iterator<Map.Entry<String, Holder>> it = holders.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Holder> e = it.next();
      if (!liveOwners.contains(e.getKey()) && !e.getKey().equals(heir)) {
        moved += e.getValue().held;
        it.remove();
      }
    }
    if (moved > 0) {
      holders.computeIfAbsent(heir, k -> new Holder()).held += moved;
    }
    return moved;
  }

  /** Whether nobody holds or wants a permit. */
  public boolean isEmpty() {
    return holders.isEmpty();
  }

  /** The permits an owner holds. */
  public int held(String owner) {
    Holder h = holders.get(owner);
    return h == null ? 0 : h.held;
  }

  /** The permits held by all owners together. */
  public int total() {
    int total = 0;
    for (Holder h : holders.values()) {
      total += h.held;
    }
    return total;
  }
}
