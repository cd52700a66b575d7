package io.taskgrid.coordinator.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairQueueTest {
  record Item(String name, int priority, String job) {}

  private final FairQueue<Item> queue = new FairQueue<>(Item::priority, Item::job);

  private List<String> drain() {
    List<String> out = new ArrayList<>();
    for (Item i = queue.poll(); i != null; i = queue.poll()) {
      out.add(i.name());
    }
    return out;
  }

  @Test
  void poll_mixedPriorities_higherFirst() {
    queue.add(new Item("low", 0, "j"));
    queue.add(new Item("high", 5, "j"));
    queue.add(new Item("mid", 1, "j"));

    assertThat(drain()).containsExactly("high", "mid", "low");
  }

  @Test
  void poll_bigAndSmallJobAtSamePriority_takeTurns() {
    for (int i = 0; i < 4; i++) {
      queue.add(new Item("big" + i, 0, "big"));
    }
    queue.add(new Item("small0", 0, "small"));
    queue.add(new Item("small1", 0, "small"));

    assertThat(drain()).containsExactly("big0", "small0", "big1", "small1", "big2", "big3");
  }

  @Test
  void addFirst_requeuedItem_comesOutNext() {
    queue.add(new Item("a", 0, "j"));
    queue.add(new Item("b", 0, "j"));
    Item a = queue.poll();

    queue.addFirst(a);

    assertThat(drain()).containsExactly("a", "b");
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void size_afterAddsAndPolls_counts() {
    queue.add(new Item("a", 0, "x"));
    queue.add(new Item("b", 3, "y"));
    queue.poll();

    assertThat(queue.size()).isEqualTo(1);
  }
}
