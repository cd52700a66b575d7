package io.taskgrid.examples;

import io.taskgrid.client.Codec;
import io.taskgrid.worker.CpuTaskHandler;
import io.taskgrid.worker.TaskContext;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A custom CPU handler. It runs in one of the worker's child processes, one task at a time per
 * process (one process per core by default), on a thread that may compute as long as it needs.
 */
public final class WordCountHandler extends CpuTaskHandler<Document, WordStats> {
  /** Most frequent words reported. */
  static final int TOP = 3;

  /** The service loader needs a public no-argument constructor. */
  public WordCountHandler() {}

  @Override
  public String name() {
    return ExampleTypes.WORD_COUNT.name();
  }

  @Override
  public Codec<Document> inputCodec() {
    return ExampleTypes.WORD_COUNT.inputCodec();
  }

  @Override
  public Codec<WordStats> outputCodec() {
    return ExampleTypes.WORD_COUNT.outputCodec();
  }

  @Override
  protected WordStats compute(Document input, TaskContext context) throws InterruptedException {
    Map<String, Integer> counts = new HashMap<>();
    int words = 0;
    for (String word : input.text().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
      if (Thread.interrupted()) {
        // A cancel interrupts this thread; stop early instead of being killed.
        throw new InterruptedException("cancelled after " + words + " words");
      }
      if (!word.isEmpty()) {
        counts.merge(word, 1, Integer::sum);
        words++;
      }
    }
    List<WordStats.WordCount> top =
        counts.entrySet().stream()
            .sorted(
                Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(TOP)
            .map(e -> new WordStats.WordCount(e.getKey(), e.getValue()))
            .toList();
    return new WordStats(input.id(), words, top);
  }
}
