package io.taskgrid.coordinator.internal.sched;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * A queue ordered by priority (higher first) and, at equal priority, round-robin across jobs: each
 * job has its own FIFO and the jobs of one priority take turns, so a huge job cannot starve a small
 * one. All operations are O(log priorities). Not thread-safe: owned by one serial executor.
 */
final class FairQueue<T> {
  private final ToIntFunction<T> priorityOf;
  private final Function<T, String> jobOf;
  private final TreeMap<Integer, Level<T>> levels = new TreeMap<>(Comparator.reverseOrder());
  private int size;

  FairQueue(ToIntFunction<T> priorityOf, Function<T, String> jobOf) {
    this.priorityOf = priorityOf;
    this.jobOf = jobOf;
  }

  /** Appends at the back of its job's FIFO. */
  void add(T item) {
    insert(item, false);
  }

  /** Puts back at the front of its job's FIFO (re-queued work keeps its place in line). */
  void addFirst(T item) {
    insert(item, true);
  }

  /** Removes the next item: highest priority, next job in turn, oldest of that job. */
  @Nullable T poll() {
    Map.Entry<Integer, Level<T>> first = levels.firstEntry();
    if (first == null) {
      return null;
    }
    Level<T> level = first.getValue();
    JobLane<T> lane = level.turns.pollFirst();
    if (lane == null) {
      levels.remove(first.getKey());
      return null;
    }
    T item = lane.items.pollFirst();
    if (lane.items.isEmpty()) {
      level.lanes.remove(lane.jobId);
    } else {
      level.turns.addLast(lane);
    }
    if (level.turns.isEmpty()) {
      levels.remove(first.getKey());
    }
    size--;
    return item;
  }

  int size() {
    return size;
  }

  /** Visits every item, in no particular order: O(size), for scrape-time metrics only. */
  void forEach(java.util.function.Consumer<T> visitor) {
    for (Level<T> level : levels.values()) {
      for (JobLane<T> lane : level.lanes.values()) {
        lane.items.forEach(visitor);
      }
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  private void insert(T item, boolean front) {
    Level<T> level = levels.computeIfAbsent(priorityOf.applyAsInt(item), p -> new Level<>());
    String job = jobOf.apply(item);
    JobLane<T> lane = level.lanes.get(job);
    if (lane == null) {
      lane = new JobLane<>(job);
      level.lanes.put(job, lane);
      if (front) {
        level.turns.addFirst(lane);
      } else {
        level.turns.addLast(lane);
      }
    }
    if (front) {
      lane.items.addFirst(item);
    } else {
      lane.items.addLast(item);
    }
    size++;
  }

  private static final class Level<T> {
    final ArrayDeque<JobLane<T>> turns = new ArrayDeque<>();
    final Map<String, JobLane<T>> lanes = new HashMap<>();
  }

  private static final class JobLane<T> {
    final String jobId;
    final ArrayDeque<T> items = new ArrayDeque<>();

    JobLane(String jobId) {
      this.jobId = jobId;
    }
  }
}
