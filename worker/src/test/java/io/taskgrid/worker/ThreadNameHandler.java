package io.taskgrid.worker;

import io.taskgrid.client.Codec;
import io.taskgrid.client.Codecs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A blocking test handler that returns the name of the thread it ran on. */
public final class ThreadNameHandler implements TaskHandler<String, String> {
  @Override
  public String name() {
    return "test.thread-name";
  }

  @Override
  public TaskPool pool() {
    return TaskPool.IO;
  }

  @Override
  public Codec<String> inputCodec() {
    return Codecs.string();
  }

  @Override
  public Codec<String> outputCodec() {
    return Codecs.string();
  }

  @Override
  public boolean blocking() {
    return true;
  }

  @Override
  public CompletionStage<String> run(String input, TaskContext context) {
    return CompletableFuture.completedFuture(Thread.currentThread().getName());
  }
}
