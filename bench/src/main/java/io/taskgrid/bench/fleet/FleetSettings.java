package io.taskgrid.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One fleet benchmark: the fleet sizes to run, what each simulated worker offers, and the load.
 *
 * @param fleetSizes simulated workers per run, one run each
 * @param coordinators coordinators in the cluster (1 or more); every worker connects to each
 * @param slots task slots per simulated worker (IO pool)
 * @param handlers the task types the simulated workers claim to run
 * @param taskDuration how long a simulated task "runs"
 * @param heartbeat the workers' heartbeat interval
 * @param idle how long the idle CPU is measured
 * @param tasks tasks submitted per run under load
 * @param distLib the distribution's jar folder (the coordinators run from it)
 * @param out where the CSV, table and plot go
 */
record FleetSettings(
    List<Integer> fleetSizes,
    int coordinators,
    int slots,
    List<String> handlers,
    Duration taskDuration,
    Duration heartbeat,
    Duration idle,
    int tasks,
    Path distLib,
    Path out) {}
