package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link TypePermits} must have; one subclass per implementation. */
public abstract class TypePermitsContractTest {
  private TypePermits permits;

  /** Unique per test, so permits shared across tests (one Hazelcast member) do not interfere. */
  private String type;

  private String other;

  /** The permits under test; may be shared by the tests of a class. */
  protected abstract TypePermits newPermits();

  @BeforeEach
  void setUp() {
    permits = newPermits();
    type = "t-" + UUID.randomUUID();
    other = "t-" + UUID.randomUUID();
  }

  static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void acquire_withinLimit_grantsAll() throws Exception {
    assertThat(join(permits.acquire(type, "a", 2, 3))).isEqualTo(new PermitGrant(2, false));
    assertThat(join(permits.acquire(type, "a", 1, 3))).isEqualTo(new PermitGrant(1, false));
  }

  @Test
  void acquire_overLimit_grantsWhatIsFree() throws Exception {
    assertThat(join(permits.acquire(type, "a", 2, 3)).granted()).isEqualTo(2);

    assertThat(join(permits.acquire(type, "b", 5, 3)).granted()).isEqualTo(1);
    assertThat(join(permits.acquire(type, "c", 1, 3)).granted()).isZero();
  }

  @Test
  void release_permitsGoToTheNextOwnerThatAsks() throws Exception {
    join(permits.acquire(type, "a", 3, 3));

    join(permits.release(type, "a", 2));

    assertThat(join(permits.acquire(type, "b", 3, 3)).granted()).isEqualTo(2);
  }

  @Test
  void release_moreThanHeld_givesBackOnlyWhatTheOwnerHolds() throws Exception {
    join(permits.acquire(type, "a", 1, 3));
    join(permits.acquire(type, "b", 2, 3));

    join(permits.release(type, "a", 5));

    // b's permits still count: only a's one came free.
    assertThat(join(permits.acquire(type, "c", 3, 3)).granted()).isEqualTo(1);
  }

  @Test
  void exchange_otherOwnerWaiting_contendedAndCappedAtAnEqualShare() throws Exception {
    join(permits.acquire(type, "a", 4, 4));
    // a's request was met: nobody else waits yet.
    assertThat(join(permits.acquire(type, "b", 4, 4))).isEqualTo(new PermitGrant(0, false));

    // a gives two back and asks again: it may keep only half while b waits.
    assertThat(join(permits.exchange(type, "a", 2, 4, 4))).isEqualTo(new PermitGrant(0, true));
    assertThat(join(permits.acquire(type, "b", 4, 4))).isEqualTo(new PermitGrant(2, true));
  }

  @Test
  void release_withdrawsTheOwnersDemand() throws Exception {
    join(permits.acquire(type, "a", 2, 2));
    join(permits.acquire(type, "b", 1, 2));

    join(permits.release(type, "b", 0));

    assertThat(join(permits.acquire(type, "a", 1, 2)).contended()).isFalse();
  }

  @Test
  void types_independent() throws Exception {
    join(permits.acquire(type, "a", 2, 2));

    assertThat(join(permits.acquire(other, "a", 2, 2)).granted()).isEqualTo(2);
  }

  @Test
  void inheritOrphans_departedOwnersPermitsMoveToHeir() throws Exception {
    join(permits.acquire(type, "dead", 2, 5));
    join(permits.acquire(type, "alive", 1, 5));
    join(permits.acquire(other, "dead", 1, 5));

    Map<String, Integer> moved = join(permits.inheritOrphans(Set.of("alive", "heir"), "heir"));

    assertThat(moved).isEqualTo(Map.of(type, 2, other, 1));
    // Still counted (now the heir's): 5 - 2 - 1 free.
    assertThat(join(permits.acquire(type, "alive", 5, 5)).granted()).isEqualTo(2);
    join(permits.release(type, "heir", 2));
    assertThat(join(permits.acquire(type, "alive", 5, 5)).granted()).isEqualTo(2);
  }

  @Test
  void inheritOrphans_departedOwnersDemandDropped() throws Exception {
    join(permits.acquire(type, "a", 2, 2));
    join(permits.acquire(type, "dead", 1, 2));

    assertThat(join(permits.inheritOrphans(Set.of("a"), "a"))).doesNotContainKey(type);

    assertThat(join(permits.acquire(type, "a", 1, 2)).contended()).isFalse();
  }

  @Test
  void inheritOrphans_allOwnersLive_nothingMoves() throws Exception {
    join(permits.acquire(type, "a", 1, 2));

    assertThat(join(permits.inheritOrphans(Set.of("a"), "a"))).doesNotContainKey(type);
  }

  @Test
  void exchange_concurrentOwners_neverGrantMoreThanTheLimit() throws Exception {
    List<CompletableFuture<PermitGrant>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(permits.acquire(type, "owner-" + (i % 8), 1, 5).toCompletableFuture());
    }
    int granted = 0;
    for (CompletableFuture<PermitGrant> c : calls) {
      granted += join(c).granted();
    }

    assertThat(granted).isEqualTo(5);
  }
}
