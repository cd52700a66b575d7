package io.taskgrid.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Generated ids have the chunkable shape of docs/STORE-BATCHES.md, count per client and wrap. */
class TaskIdsTest {
  private static final Pattern SHAPE =
      Pattern.compile("([0-9a-f]{32})-(0|[1-9][0-9]{0,11})-([0-9a-f]{16})");

  private static Matcher parse(String id) {
    Matcher m = SHAPE.matcher(id);
    assertThat(m.matches()).as(id).isTrue();
    return m;
  }

  @Test
  void next_matchesTheShape() {
    TaskIds ids = new TaskIds();

    for (int i = 0; i < 1000; i++) {
      assertThat(ids.next()).matches(SHAPE);
    }
  }

  @Test
  void next_consecutiveIds_samePrefix_countFromZero_differentChecks() {
    TaskIds ids = new TaskIds();
    List<Matcher> parsed = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      parsed.add(parse(ids.next()));
    }

    Set<String> checks = new HashSet<>();
    for (int i = 0; i < parsed.size(); i++) {
      assertThat(parsed.get(i).group(1)).isEqualTo(parsed.get(0).group(1));
      assertThat(parsed.get(i).group(2)).isEqualTo(Integer.toString(i));
      checks.add(parsed.get(i).group(3));
    }
    assertThat(checks).hasSize(parsed.size());
  }

  @Test
  void twoGenerators_differentPrefixes() {
    String a = parse(new TaskIds().next()).group(1);
    String b = parse(new TaskIds().next()).group(1);

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void next_atTheLimit_drawsANewPrefixAndCountsFromZero() {
    TaskIds ids = new TaskIds(TaskIds.MAX_N - 1);

    Matcher a = parse(ids.next());
    Matcher b = parse(ids.next());
    Matcher c = parse(ids.next());
    Matcher d = parse(ids.next());

    assertThat(a.group(2)).isEqualTo("999999999998");
    assertThat(b.group(2)).isEqualTo("999999999999");
    assertThat(b.group(1)).isEqualTo(a.group(1));
    assertThat(c.group(2)).isEqualTo("0");
    assertThat(c.group(1)).isNotEqualTo(a.group(1));
    assertThat(d.group(2)).isEqualTo("1");
    assertThat(d.group(1)).isEqualTo(c.group(1));
  }

  @Test
  void constructor_startOutOfRange_rejected() {
    assertThatThrownBy(() -> new TaskIds(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TaskIds(TaskIds.MAX_N + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void next_fromManyThreads_distinctIds_countsExactlyOnce() throws Exception {
    int threads = 8;
    int perThread = 10_000;
    TaskIds ids = new TaskIds();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<String> mine = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    mine.add(ids.next());
                  }
                  return mine;
                }));
      }
      start.countDown();

      Set<String> all = new HashSet<>();
      Set<String> prefixes = new HashSet<>();
      boolean[] seen = new boolean[threads * perThread];
      for (Future<List<String>> r : results) {
        for (String id : r.get(60, TimeUnit.SECONDS)) {
          all.add(id);
          Matcher m = parse(id);
          prefixes.add(m.group(1));
          int n = Integer.parseInt(m.group(2));
          assertThat(n).isBetween(0, threads * perThread - 1);
          assertThat(seen[n]).as("n %d twice", n).isFalse();
          seen[n] = true;
        }
      }
      assertThat(all).hasSize(threads * perThread);
      assertThat(prefixes).hasSize(1);
      // 80,000 ids, each n in 0..79,999 and none twice: every n exactly once.
    } finally {
      pool.shutdownNow();
    }
  }
}
