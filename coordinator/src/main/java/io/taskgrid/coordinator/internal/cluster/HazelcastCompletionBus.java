package io.taskgrid.coordinator.internal.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.cluster.Cluster;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.taskgrid.coordinator.internal.sched.CompletionBus;
import io.taskgrid.proto.v1.Completions;
import io.taskgrid.proto.v1.TaskResult;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CompletionBus} on a Hazelcast topic: one message (a protobuf {@code Completions}) per
 * batch of stored outcomes. A coordinator ignores its own messages (it delivered them locally), and
 * publishes none while it is the cluster's only member: no one else could receive them, and
 * encoding and dispatching them cost a coordinator alone ~3 % of its CPU in the noop benchmark. A
 * member that joins is in this member's list before it serves any client (Hazelcast finishes the
 * join on the master first), so it gets every batch stored after it could have a watcher.
 * Publishing is asynchronous; the receiver runs on a Hazelcast event thread and must not block (the
 * scheduler only posts work to its own executors). Thread-safe.
 */
public final class HazelcastCompletionBus implements CompletionBus {
  private static final Logger log = LoggerFactory.getLogger(HazelcastCompletionBus.class);

  /** The topic's name. */
  public static final String TOPIC = "taskgrid-completions";

  private final ITopic<byte[]> topic;
  private final Cluster cluster;

  public HazelcastCompletionBus(HazelcastInstance hazelcast) {
    this.topic = hazelcast.getTopic(TOPIC);
    this.cluster = hazelcast.getCluster();
  }

  @Override
  public void publish(List<TaskResult> results) {
    if (results.isEmpty() || cluster.getMembers().size() == 1) {
      return;
    }
    byte[] message = Completions.newBuilder().addAllResults(results).build().toByteArray();
    topic
        .publishAsync(message)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.warn("Could not publish {} completion(s) to the cluster", results.size(), e);
              }
            });
  }

  @Override
  public void subscribe(Consumer<List<TaskResult>> fromOthers) {
    topic.addMessageListener(
        message -> {
          if (message.getPublishingMember() != null
              && message.getPublishingMember().localMember()) {
            return;
          }
          try {
            fromOthers.accept(Completions.parseFrom(message.getMessageObject()).getResultsList());
          } catch (InvalidProtocolBufferException e) {
            log.error(
                "Dropped a corrupt completions message from {}", message.getPublishingMember(), e);
          }
        });
  }
}
