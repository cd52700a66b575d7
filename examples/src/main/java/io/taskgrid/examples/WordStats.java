package io.taskgrid.examples;

import java.util.List;

/**
 * The CPU handler's output, sent back as JSON.
 *
 * @param id the document's name
 * @param words how many words it has
 * @param top its most frequent words, most frequent first
 */
public record WordStats(String id, int words, List<WordCount> top) {
  /**
   * One word and how often it occurs.
   *
   * @param word the word, in lower case
   * @param count its occurrences
   */
  public record WordCount(String word, int count) {}
}
