package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.sched.HeapHeadroom.PoolUse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeapHeadroomTest {
  private static final long MIB = 1024 * 1024;

  private final AtomicReference<List<PoolUse>> pools = new AtomicReference<>(List.of());
  private final HeapHeadroom headroom = new HeapHeadroom(pools::get, 3072 * MIB, 85);

  @Test
  void oldGenerationFull_whileTheHeapIsNot_refusesNamingThePool() {
    // ParallelGC at -Xmx3g in a full-GC spiral (measured): its old generation, 2 GiB at most,
    // full; the heap 75 % used after GC, under a limit of 85 % of the heap.
    pools.set(
        List.of(
            new PoolUse("PS Eden Space", 0, 1000 * MIB),
            new PoolUse("PS Survivor Space", 244 * MIB, 340 * MIB),
            new PoolUse("PS Old Gen", 2048 * MIB, 2048 * MIB)));

    assertThat(headroom.exhausted()).isTrue();
    assertThat(headroom.refusal())
        .isEqualTo(
            "coordinator memory is low: 2048 MiB of its 2048 MiB old generation (PS Old Gen) in"
                + " use after GC (limit 85%); submit again later or to another coordinator");
  }

  @Test
  void fullSurvivorSpace_isNoShortageOfRoom() {
    // A survivor space is often full after a young collection; only the largest pool is judged.
    pools.set(
        List.of(
            new PoolUse("PS Survivor Space", 340 * MIB, 340 * MIB),
            new PoolUse("PS Old Gen", 1000 * MIB, 2048 * MIB)));

    assertThat(headroom.exhausted()).isFalse();
  }

  @Test
  void heapOverTheLimit_refusesWithTheHeapFigures() {
    pools.set(List.of(new PoolUse("ZHeap", 2700 * MIB, -1)));

    assertThat(headroom.exhausted()).isTrue();
    assertThat(headroom.refusal())
        .startsWith("coordinator memory is low: 2700 MiB of 3072 MiB heap in use after GC")
        .contains("(limit 85%)");
  }

  @Test
  void readsThePoolsOnEveryCheck() {
    // A flood of 2 MB requests filled a 512 MiB heap within the second a cached reading lagged.
    pools.set(List.of(new PoolUse("G1 Old Gen", 100 * MIB, 3072 * MIB)));
    assertThat(headroom.exhausted()).isFalse();

    pools.set(List.of(new PoolUse("G1 Old Gen", 3000 * MIB, 3072 * MIB)));
    assertThat(headroom.exhausted()).isTrue();

    pools.set(List.of(new PoolUse("G1 Old Gen", 100 * MIB, 3072 * MIB)));
    assertThat(headroom.exhausted()).isFalse();
  }

  @Test
  void limitOf100_neverRefuses() {
    HeapHeadroom off = new HeapHeadroom(pools::get, 3072 * MIB, 100);
    pools.set(List.of(new PoolUse("PS Old Gen", 2048 * MIB, 2048 * MIB)));

    assertThat(off.exhausted()).isFalse();
  }

  @Test
  void thisJvm_readsItsHeapPoolsAfterTheirCollections() {
    List<MemoryPoolMXBean> beans =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
            .toList();

    List<PoolUse> read = HeapHeadroom.afterLastCollection(beans);

    assertThat(read).isNotEmpty().allSatisfy(p -> assertThat(p.usedAfterGc()).isNotNegative());
    assertThat(read).anySatisfy(p -> assertThat(p.max()).isPositive());
  }

  /**
   * The real collector: a JVM on ParallelGC with 64 MiB of heap fills its old generation to 90 % of
   * its maximum, which is about 60 % of the heap. A limit of 85 % of the heap alone would not
   * refuse; the old generation's does.
   */
  @Test
  void parallelGc_oldGenerationFilled_refusesWhileTheHeapIsUnderTheLimit()
      throws IOException, InterruptedException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:+UseParallelGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                FillOldGeneration.class.getName())
            .redirectErrorStream(true)
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      p.destroyForcibly();
    }

    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("exhausted=true", "old generation (PS Old Gen)");
    long heapPercent = Long.parseLong(out.replaceAll("(?s).*heapPercent=(\\d+).*", "$1"));
    assertThat(heapPercent).as(out).isLessThan(85);
  }

  /** The child JVM of the test above. */
  static final class FillOldGeneration {
    @SuppressWarnings("unused") // held so that it stays live
    private static final List<byte[]> held = new ArrayList<>();

    public static void main(String[] args) {
      MemoryPoolMXBean old =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(b -> b.getName().equals("PS Old Gen"))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("not on ParallelGC"));
      long max = old.getUsage().getMax();
      while (old.getCollectionUsage().getUsed() * 100 < max * 90) {
        for (int i = 0; i < 2; i++) {
          held.add(new byte[256 * 1024]);
        }
        System.gc(); // a full collection: what is held moves to the old generation
      }
      HeapHeadroom headroom = HeapHeadroom.ofThisJvm(85);
      boolean exhausted = headroom.exhausted();
      long heapUsed =
          HeapHeadroom.afterLastCollection(ManagementFactory.getMemoryPoolMXBeans()).stream()
              .mapToLong(PoolUse::usedAfterGc)
              .sum();
      System.out.println(
          "exhausted="
              + exhausted
              + " heapPercent="
              + heapUsed * 100 / Runtime.getRuntime().maxMemory()
              + " "
              + headroom.refusal());
    }
  }
}
