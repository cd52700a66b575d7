package io.taskgrid.coordinator.internal.auth;

import io.taskgrid.proto.v1.TaskInfo;
import io.taskgrid.proto.v1.TaskResult;
import io.taskgrid.proto.v1.TaskSpec;

/**
 * How tenants are kept apart. A task record carries its submitter's tenant ({@code
 * TaskInfo.tenant}, empty for the default tenant); a caller of another tenant finds no such task.
 * Job ids are per tenant: inside the coordinator a job is keyed {@code TENANT NUL JOB} (the stored
 * spec's job id), so job statistics, fair queueing and job watchers never mix tenants; {@link
 * #forClient} turns the key back into the caller's job id on the way out. The default tenant's job
 * ids stay as they are (no cost for a cluster without tenants).
 */
public final class Tenants {
  /** Separates tenant and job id in a job key: never part of a tenant name. */
  static final char SEPARATOR = '\0';

  private Tenants() {}

  /** The record's value of {@code tenant}: empty for the default tenant. */
  public static String recordValue(String tenant) {
    return tenant.equals(Principal.DEFAULT_TENANT) ? "" : tenant;
  }

  /** The tenant of a stored record. */
  public static String of(TaskInfo info) {
    return info.getTenant().isEmpty() ? Principal.DEFAULT_TENANT : info.getTenant();
  }

  /** Whether {@code caller} may see {@code info}: its own tenant's, or any for an admin. */
  public static boolean visible(Principal caller, TaskInfo info) {
    return caller.isAdmin() || of(info).equals(caller.tenant());
  }

  /** The internal key of {@code jobId} in {@code tenant}; empty stays empty. */
  public static String jobKey(String tenant, String jobId) {
    if (jobId.isEmpty()
        || (tenant.equals(Principal.DEFAULT_TENANT) && jobId.indexOf(SEPARATOR) < 0)) {
      return jobId;
    }
    return tenant + SEPARATOR + jobId;
  }

  /** {@code spec} with its job id made a key of {@code tenant} (the same spec if unchanged). */
  public static TaskSpec keyed(TaskSpec spec, String tenant) {
    String key = jobKey(tenant, spec.getJobId());
    return key.equals(spec.getJobId()) ? spec : spec.toBuilder().setJobId(key).build();
  }

  /** The job id a client gave, from a job key. */
  public static String clientJobId(String key) {
    int i = key.indexOf(SEPARATOR);
    return i < 0 ? key : key.substring(i + 1);
  }

  /** {@code r} with the client's job id (the same object when it has no tenant key). */
  public static TaskResult forClient(TaskResult r) {
    return r.getJobId().indexOf(SEPARATOR) < 0
        ? r
        : r.toBuilder().setJobId(clientJobId(r.getJobId())).build();
  }

  /** {@code info} with the client's job ids in its spec and result. */
  public static TaskInfo forClient(TaskInfo info) {
    if (info.getSpec().getJobId().indexOf(SEPARATOR) < 0) {
      return info;
    }
    TaskInfo.Builder b = info.toBuilder();
    b.getSpecBuilder().setJobId(clientJobId(info.getSpec().getJobId()));
    if (info.hasResult()) {
      b.setResult(forClient(info.getResult()));
    }
    return b.build();
  }
}
