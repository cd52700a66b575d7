package io.taskgrid.coordinator.internal.sched;

import io.grpc.Status;
import io.taskgrid.coordinator.internal.auth.Principal;
import io.taskgrid.coordinator.internal.auth.Tenants;
import io.taskgrid.coordinator.internal.concurrent.AsyncErrors;
import io.taskgrid.coordinator.internal.store.TaskStore;
import io.taskgrid.proto.v1.RejectCode;
import io.taskgrid.proto.v1.SubmitAck;
import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;
import io.taskgrid.proto.v1.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits submit batches: validates each spec, resolves its pool, reserves queue room, stores the
 * accepted ones (a task is acknowledged only once stored) and detects duplicates by id.
 * Thread-safe; never blocks (the store call is asynchronous).
 */
public final class TaskIntake {
  private static final Logger log = LoggerFactory.getLogger(TaskIntake.class);

  /**
   * How often a failed batch write is tried before its tasks are rejected: with the delays doubling
   * from 100 ms to {@link #CREATE_RETRY_MAX_DELAY_MS}, about ten minutes, longer than a coordinator
   * stays fenced in a minority before it serves alone (see MinorityWatch).
   */
  static final int CREATE_RETRIES = 125;

  static final long CREATE_RETRY_MAX_DELAY_MS = 5_000;

  private final Clock clock;
  private final TaskStore store;
  private final Scheduler scheduler;
  private final SpecValidator validator;
  private final int maxBatchSize;
  private final long maxQueuedTasks;
  private final long maxQueuedTasksPerTenant;
  private final HeapHeadroom heap;
  private final RetryTimer createRetries;
  private final Map<String, ClientQuota> tenants = new ConcurrentHashMap<>();

  public TaskIntake(Clock clock, TaskStore store, Scheduler scheduler, IntakeSettings settings) {
    this.clock = clock;
    this.store = store;
    this.scheduler = scheduler;
    this.validator = new SpecValidator(settings.maxPayloadBytes());
    this.maxBatchSize = settings.maxBatchSize();
    this.maxQueuedTasks = settings.maxQueuedTasks();
    this.maxQueuedTasksPerTenant = settings.maxQueuedTasksPerTenant();
    this.heap = settings.heap();
    this.createRetries = settings.createRetries();
  }

  /** The quota of a tenant (one per tenant name, made on first use). */
  public ClientQuota tenantQuota(String tenant) {
    return tenants.computeIfAbsent(
        tenant, t -> new ClientQuota("tenant '" + t + "'", maxQueuedTasksPerTenant));
  }

  /** The whole batch is refused (INVALID_ARGUMENT) when larger than the limit, or null. */
  public @Nullable Status checkBatch(int size) {
    if (size > maxBatchSize) {
      return Status.INVALID_ARGUMENT.withDescription(
          "submit batch of " + size + " tasks exceeds the limit of " + maxBatchSize);
    }
    return null;
  }

  /** Validates and stores a batch of the default tenant, outside any session (tests). */
  public CompletionStage<Admission> submit(List<TaskSpec> specs) {
    return submit(specs, Principal.DEFAULT_TENANT, null);
  }

  /**
   * Validates and stores a batch for a caller of {@code tenant}; the stage never fails (store
   * errors become REJECTED acks). The tasks record the tenant, and their job ids are that tenant's
   * (see {@link Tenants}). Each accepted task counts against the coordinator's limit, its tenant's
   * quota and, when submitted on a Session, the session's quota, until it ends; a task beyond any
   * of them, or submitted while the heap is nearly full, is REJECTED with RESOURCE_EXHAUSTED in its
   * ack.
   */
  public CompletionStage<Admission> submit(
      List<TaskSpec> specs, String tenant, @Nullable ClientQuota session) {
    return admit(specs, tenant, tenantQuota(tenant), session).thenApply(this::countRejections);
  }

  /** Reports each REJECTED ack, by its status code, to the scheduler's task events (metrics). */
  private Admission countRejections(Admission admission) {
    for (SubmitAck ack : admission.acks()) {
      if (ack.getStatus() == SubmitAck.Status.REJECTED) {
        scheduler.events().rejected(ack.getCode());
      }
    }
    return admission;
  }

  private CompletionStage<Admission> admit(
      List<TaskSpec> specs, String tenant, ClientQuota tenantQuota, @Nullable ClientQuota session) {
    String recordTenant = Tenants.recordValue(tenant);
    long now = clock.millis();
    // Once per batch: the check reads memory pool beans (cached for a second).
    boolean heapFull = heap.exhausted();
    SubmitAck[] acks = new SubmitAck[specs.size()];
    List<Integer> positions = new ArrayList<>();
    List<LiveTask> candidates = new ArrayList<>();
    List<TaskInfo> records = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TaskSpec spec = specs.get(i);
      SpecValidator.Problem problem = validator.check(spec);
      if (problem != null) {
        acks[i] = rejected(spec.getId(), problem.code(), problem.message());
        continue;
      }
      TaskTypes.Resolution res = scheduler.types().resolve(spec);
      if (res.rejection() != null) {
        acks[i] = rejected(spec.getId(), Status.Code.INVALID_ARGUMENT, res.rejection());
        continue;
      }
      String refusal = reserve(tenantQuota, session, heapFull);
      if (refusal != null) {
        acks[i] = rejected(spec.getId(), Status.Code.RESOURCE_EXHAUSTED, refusal);
        continue;
      }
      LiveTask t = new LiveTask(Tenants.keyed(spec, tenant), now, res.pool(), recordTenant);
      t.tenantQuota = tenantQuota;
      t.sessionQuota = session;
      t.owner = scheduler.ownerId();
      positions.add(i);
      candidates.add(t);
      records.add(t.info());
    }
    if (candidates.isEmpty()) {
      return CompletableFuture.completedFuture(Admission.rejectedAll(List.of(acks)));
    }
    return store
        .createAll(records)
        .handle(
            (existing, error) ->
                error == null
                    ? CompletableFuture.completedFuture(
                        admitted(acks, positions, candidates, existing))
                    : retryCreate(acks, positions, candidates, records, error, 1))
        .thenCompose(admission -> admission);
  }

  /**
   * A batch write failed, but a batch is one write per partition: some of its records may be stored
   * (a member left, or the split-brain protection closed, half-way through). Answering all of them
   * REJECTED would leave those records live with nobody scheduling them, and a client that
   * resubmits one (the SDK resends every unacknowledged task when it reconnects) would be answered
   * DUPLICATE and wait forever: that is how kill -9 of two of three coordinators left 130 tasks
   * unended. So the write is repeated until the store answers (it is idempotent per id): a record
   * it finds exactly as this batch wrote it (owner, submit time and attempt included), and that no
   * other write of this coordinator took up, was stored by the failed try and is accepted.
   */
  private CompletableFuture<Admission> retryCreate(
      SubmitAck[] acks,
      List<Integer> positions,
      List<LiveTask> candidates,
      List<TaskInfo> records,
      Throwable error,
      int failures) {
    if (failures == 1) {
      log.warn(
          "Could not store {} task(s) ({}); writing them again until the store answers, since"
              + " some may be stored",
          candidates.size(),
          AsyncErrors.rootMessage(error));
    }
    if (failures >= CREATE_RETRIES) {
      log.error(
          "Could not store {} task(s) in {} tries: rejecting them; any of them stored meanwhile is"
              + " adopted when this coordinator leaves",
          candidates.size(),
          failures,
          error);
      return CompletableFuture.completedFuture(rejectAll(acks, positions, candidates, error));
    }
    CompletableFuture<Void> due = new CompletableFuture<>();
    createRetries.after(
        RetryTimer.backoff(failures, Duration.ofMillis(CREATE_RETRY_MAX_DELAY_MS)),
        () -> due.complete(null));
    return due.thenCompose(
        ignored ->
            store
                .createAll(records)
                .handle(
                    (existing, again) ->
                        again == null
                            ? CompletableFuture.completedFuture(
                                admitted(
                                    acks,
                                    positions,
                                    candidates,
                                    ownRecordsAsCreated(candidates, existing)))
                            : retryCreate(
                                acks, positions, candidates, records, again, failures + 1))
                .thenCompose(admission -> admission));
  }

  /**
   * Reads a repeated write's answer: a record exactly as this batch wrote it, which no other write
   * of this coordinator took up, was stored by the failed try and counts as created now.
   */
  private List<Optional<TaskInfo>> ownRecordsAsCreated(
      List<LiveTask> candidates, List<Optional<TaskInfo>> existing) {
    List<Optional<TaskInfo>> out = new ArrayList<>(existing.size());
    int own = 0;
    for (int k = 0; k < candidates.size(); k++) {
      LiveTask t = candidates.get(k);
      Optional<TaskInfo> old = existing.get(k);
      boolean ours = old.isPresent() && old.get().equals(t.info()) && !scheduler.knows(t.id());
      own += ours ? 1 : 0;
      out.add(ours ? Optional.empty() : old);
    }
    log.info(
        "Stored {} task(s) on a repeated write; {} of them were stored by the failed try",
        candidates.size(),
        own);
    return out;
  }

  private Admission rejectAll(
      SubmitAck[] acks, List<Integer> positions, List<LiveTask> candidates, Throwable error) {
    scheduler.unreserve(candidates.size());
    candidates.forEach(LiveTask::releaseQuotas);
    for (int k = 0; k < candidates.size(); k++) {
      acks[positions.get(k)] =
          rejected(
              candidates.get(k).id(),
              Status.Code.UNAVAILABLE,
              "task store unavailable: " + AsyncErrors.rootMessage(error));
    }
    return Admission.rejectedAll(List.of(acks));
  }

  private Admission admitted(
      SubmitAck[] acks,
      List<Integer> positions,
      List<LiveTask> candidates,
      List<Optional<TaskInfo>> existing) {
    List<LiveTask> accepted = new ArrayList<>();
    List<String> watch = new ArrayList<>();
    List<String> liveDuplicates = new ArrayList<>();
    List<TaskResult> done = new ArrayList<>();
    int notCreated = 0;
    for (int k = 0; k < candidates.size(); k++) {
      LiveTask t = candidates.get(k);
      Optional<TaskInfo> old = existing.get(k);
      int i = positions.get(k);
      if (old.isEmpty()) {
        accepted.add(t);
        watch.add(t.id());
        acks[i] = ack(t.id(), SubmitAck.Status.ACCEPTED);
        continue;
      }
      notCreated++;
      t.releaseQuotas();
      // Another tenant's task with this id reads as a conflict like any other: it says nothing
      // about whose it is.
      if (!old.get().getSpec().equals(t.spec) || !old.get().getTenant().equals(t.tenant)) {
        acks[i] =
            rejected(
                t.id(),
                Status.Code.ALREADY_EXISTS,
                "task id '" + t.id() + "' already exists with a different spec");
      } else {
        acks[i] = ack(t.id(), SubmitAck.Status.DUPLICATE);
        if (old.get().getState() == TaskState.DONE) {
          done.add(old.get().getResult());
        } else {
          watch.add(t.id());
          liveDuplicates.add(t.id());
        }
      }
    }
    scheduler.unreserve(notCreated);
    // Known before the acks go out (a cancel right after its ack must find the task), queued
    // after them (no completion may overtake its ack).
    List<LiveTask> registered = scheduler.register(accepted);
    return new Admission(
        List.of(acks), watch, liveDuplicates, done, () -> scheduler.dispatch(registered));
  }

  /**
   * Takes room for one task from the coordinator's limit and the client's quotas (all or none).
   *
   * @return why there is no room, or null when it was taken
   */
  private @Nullable String reserve(
      ClientQuota tenant, @Nullable ClientQuota session, boolean heapFull) {
    if (heapFull) {
      return heap.refusal();
    }
    if (!scheduler.tryReserve(maxQueuedTasks)) {
      return "queue full: " + maxQueuedTasks + " tasks queued or running on this coordinator";
    }
    if (!tenant.tryAcquire()) {
      scheduler.unreserve(1);
      return tenant.refusal();
    }
    if (session != null && !session.tryAcquire()) {
      tenant.release();
      scheduler.unreserve(1);
      return session.refusal();
    }
    return null;
  }

  private static SubmitAck ack(String id, SubmitAck.Status status) {
    return SubmitAck.newBuilder().setTaskId(id).setStatus(status).build();
  }

  private static SubmitAck rejected(String id, Status.Code code, String message) {
    return SubmitAck.newBuilder()
        .setTaskId(id)
        .setStatus(SubmitAck.Status.REJECTED)
        .setCode(code.name())
        .setRejectCode(rejectCode(code))
        .setMessage(message)
        .build();
  }

  /** The typed twin of the code's name: RejectCode numbers are gRPC's. */
  static RejectCode rejectCode(Status.Code code) {
    RejectCode typed = RejectCode.forNumber(code.value());
    return typed == null || typed == RejectCode.REJECT_CODE_UNSPECIFIED
        ? RejectCode.REJECT_CODE_UNKNOWN
        : typed;
  }
}
