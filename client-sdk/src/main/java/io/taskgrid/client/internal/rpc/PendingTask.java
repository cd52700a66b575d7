package io.taskgrid.client.internal.rpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.taskgrid.proto.v1.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One task submitted on a session and not yet ended, with every listener bound to it: the first
 * submit's, and one more for each resubmit of the same id and spec while it is pending. Ids are
 * idempotency keys, so such a resubmit joins the task rather than sending it again.
 *
 * <p>{@link #join} and {@link #end} exclude each other, so a listener either joins before the end
 * and is told the outcome, or learns that the task has ended and submits it anew.
 */
final class PendingTask {
  /** What {@link #join} did. */
  enum Join {
    /** The listener is bound to this task and will be told its outcome. */
    JOINED,
    /** The same id with a different spec: the listener was not bound. */
    CONFLICT,
    /** The task has ended (and left the session's map): the listener was not bound. */
    ENDED
  }

  final TaskSpec spec;

  // Copy-on-write: progress reports iterate it on the session thread without the lock, and joins
  // are rare.
  private final List<TaskListener> listeners = new CopyOnWriteArrayList<>();
  private final List<TaskListener> listenersView = Collections.unmodifiableList(listeners);
  private boolean ended; // guarded by this

  // Session thread only: the stream generation it was last sent on (0: never), and whether the
  // server acknowledged it (from then on a reconnect attaches instead of resending).
  int sentGeneration;
  boolean acked;

  /** How often the task was resubmitted because the store lost it (session thread only). */
  int lostResubmits;

  PendingTask(TaskSpec spec, TaskListener first) {
    this.spec = spec;
    listeners.add(first);
  }

  /** Binds {@code listener} to this task if it is still pending and {@code spec} is its spec. */
  synchronized Join join(TaskSpec spec, TaskListener listener) {
    if (ended) {
      return Join.ENDED;
    }
    if (!this.spec.equals(spec)) {
      return Join.CONFLICT;
    }
    listeners.add(listener);
    return Join.JOINED;
  }

  /** Marks the task ended and returns the listeners to tell; none can join after this. */
  synchronized List<TaskListener> end() {
    ended = true;
    return listenersView;
  }

  /** The listeners bound so far (a live read-only view; iterating it sees a snapshot). */
  List<TaskListener> listeners() {
    return listenersView;
  }

  /**
   * The rejection for a resubmit of this task's id with {@code other} spec: the coordinator's
   * wording (so a caller sees one message wherever the conflict is found), and which fields differ.
   */
  String conflictMessage(TaskSpec other) {
    List<String> differing = differingFields(spec, other);
    return "task id '"
        + spec.getId()
        + "' already exists with a different spec (pending on this client"
        + (differing.isEmpty() ? "" : "; differs in " + String.join(", ", differing))
        + ")";
  }

  /** The names of the top-level fields in which two specs differ. */
  static List<String> differingFields(TaskSpec a, TaskSpec b) {
    List<String> names = new ArrayList<>();
    for (FieldDescriptor field : TaskSpec.getDescriptor().getFields()) {
      Object x = a.getField(field);
      Object y = b.getField(field);
      // A map field reads as a list of entries whose order is not part of its value.
      boolean same =
          field.isMapField()
              ? new HashSet<>((List<?>) x).equals(new HashSet<>((List<?>) y))
              : Objects.equals(x, y);
      if (!same) {
        names.add(field.getName());
      }
    }
    return names;
  }
}
