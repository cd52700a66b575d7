package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.Pool;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotLedgerTest {
  private final SlotLedger<String> ledger = new SlotLedger<>(Map.of(Pool.IO, 10, Pool.CPU, 2));

  @Test
  void connected_oneConnection_grantsFullCapacity() {
    ledger.connected("a");

    assertThat(ledger.takeUnsent("a")).containsEntry(Pool.IO, 10).containsEntry(Pool.CPU, 2);
    assertThat(ledger.takeUnsent("a")).isEmpty();
  }

  @Test
  void connected_twoConnections_shareCapacityNeverExceedingIt() {
    ledger.connected("a");
    ledger.connected("b");

    assertThat(ledger.granted("a", Pool.IO) + ledger.granted("b", Pool.IO)).isEqualTo(10);
    assertThat(ledger.granted("b", Pool.CPU)).isZero(); // a took both before b came
    assertThat(ledger.acquire("a", Pool.CPU)).isTrue();
    ledger.release("a", Pool.CPU);
    // The freed slot goes to b, which is below its share.
    assertThat(ledger.granted("b", Pool.CPU)).isEqualTo(1);
    assertThat(ledger.granted("a", Pool.CPU)).isEqualTo(1);
  }

  @Test
  void acquire_noCredit_refused() {
    assertThat(ledger.acquire("a", Pool.IO)).isFalse();
  }

  @Test
  void disconnected_withRunningTask_reconnectGetsCapacityMinusRunning() {
    ledger.connected("a");
    ledger.takeUnsent("a");
    assertThat(ledger.acquire("a", Pool.CPU)).isTrue();

    ledger.disconnected("a");
    ledger.connected("a");

    assertThat(ledger.takeUnsent("a")).containsEntry(Pool.CPU, 1).containsEntry(Pool.IO, 10);
    ledger.release("a", Pool.CPU);
    assertThat(ledger.takeUnsent("a")).containsEntry(Pool.CPU, 1);
    assertThat(ledger.running(Pool.CPU)).isZero();
  }

  @Test
  void drained_connection_getsNoMoreCredits() {
    ledger.connected("a");
    assertThat(ledger.acquire("a", Pool.CPU)).isTrue();
    ledger.takeUnsent("a");

    ledger.drained("a");
    ledger.release("a", Pool.CPU);

    assertThat(ledger.takeUnsent("a")).isEmpty();
  }

  @Test
  void stopGranting_freedSlotsAndReconnects_grantNothing() {
    ledger.connected("a");
    ledger.takeUnsent("a");
    assertThat(ledger.acquire("a", Pool.CPU)).isTrue();

    ledger.stopGranting();
    ledger.release("a", Pool.CPU);
    ledger.disconnected("a");
    ledger.connected("a");
    ledger.connected("b");

    assertThat(ledger.takeUnsent("a")).isEmpty();
    assertThat(ledger.takeUnsent("b")).isEmpty();
  }

  @Test
  void demand_idleHolderOfTheOnlySlot_recalledAndGivenToTheWantingOne() {
    // One CPU slot, three coordinators: the first holds it, the third adopted CPU work.
    SlotLedger<String> one = new SlotLedger<>(Map.of(Pool.CPU, 1));
    one.connected("c0");
    one.connected("c1");
    one.connected("c2");
    assertThat(one.granted("c0", Pool.CPU)).isEqualTo(1);
    one.demand("c0", Pool.CPU, 0, 0);
    one.demand("c1", Pool.CPU, 0, 0);

    one.demand("c2", Pool.CPU, 1_973, 0);

    assertThat(one.takeRecalls("c0")).containsEntry(Pool.CPU, 1);
    assertThat(one.takeRecalls("c1")).isEmpty();
    assertThat(one.granted("c2", Pool.CPU)).isZero(); // not before c0 gives it back
    one.demand("c0", Pool.CPU, 0, 1);
    assertThat(one.granted("c0", Pool.CPU)).isZero();
    assertThat(one.granted("c2", Pool.CPU)).isEqualTo(1);
    assertThat(one.takeRecalls("c0")).isEmpty();
  }

  @Test
  void demand_recallAnsweredWithNothing_canBeAskedAgainLater() {
    SlotLedger<String> one = new SlotLedger<>(Map.of(Pool.CPU, 1));
    one.connected("c0");
    one.connected("c1");
    one.demand("c0", Pool.CPU, 0, 0);
    one.demand("c1", Pool.CPU, 5, 0);
    assertThat(one.takeRecalls("c0")).containsEntry(Pool.CPU, 1);

    // c0 got work in between and kept its credit; it answers the recall with nothing.
    one.demand("c0", Pool.CPU, 3, 0);
    one.demand("c0", Pool.CPU, 0, 0);

    assertThat(one.takeRecalls("c0")).containsEntry(Pool.CPU, 1);
  }

  @Test
  void demand_twoWantingOneSlot_turnsAlternate() {
    SlotLedger<String> one = new SlotLedger<>(Map.of(Pool.CPU, 1));
    one.connected("a");
    one.connected("b");
    one.demand("a", Pool.CPU, 10, 0);
    one.demand("b", Pool.CPU, 10, 0);
    StringBuilder turns = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      String holder = one.granted("a", Pool.CPU) == 1 ? "a" : "b";
      turns.append(holder);
      assertThat(one.acquire(holder, Pool.CPU)).isTrue();
      one.release(holder, Pool.CPU);
    }

    assertThat(turns.toString()).isIn("abab", "baba");
  }

  @Test
  void demand_nobodyWaiting_creditsStayWhereTheyAreAndNothingIsRecalled() {
    ledger.connected("a");
    ledger.connected("b");
    ledger.demand("a", Pool.IO, 0, 0);
    ledger.demand("b", Pool.IO, 0, 0);

    assertThat(ledger.granted("a", Pool.IO)).isEqualTo(10); // a took them all before b came
    assertThat(ledger.granted("b", Pool.IO)).isZero();
    assertThat(ledger.takeRecalls("a")).isEmpty();
    assertThat(ledger.takeRecalls("b")).isEmpty();
  }

  @Test
  void demand_afterReconnect_forgottenAndRecallsDropped() {
    SlotLedger<String> one = new SlotLedger<>(Map.of(Pool.CPU, 1));
    one.connected("c0");
    one.connected("c1");
    one.demand("c0", Pool.CPU, 0, 0);
    one.demand("c1", Pool.CPU, 1, 0);

    one.disconnected("c0");

    assertThat(one.takeRecalls("c0")).isEmpty();
    assertThat(one.granted("c1", Pool.CPU)).isEqualTo(1);
  }
}
