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
}
