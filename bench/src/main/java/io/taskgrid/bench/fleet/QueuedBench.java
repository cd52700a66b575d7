package io.taskgrid.bench.fleet;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Queued-task scale: N noop tasks queued across C coordinators with no worker connected (each
 * coordinator accepts N / C from its own client), every coordinator's live heap compared after a
 * full GC (task records, their backups and the schedulers' queues together), then a fleet of
 * simulated workers joins and the time to drain is measured.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.taskgrid.bench.fleet.QueuedBench \
 *   TASKS COORDINATORS [WORKERS SLOTS] [DIST_LIB]
 * </pre>
 */
public final class QueuedBench {
  private QueuedBench() {}

  /**
   * Whether the coordinator holds {@code id}; a coordinator busy storing may not answer in time.
   */
  private static boolean stored(TaskgridClient client, String id) {
    try {
      return client.getTask(id).isPresent();
    } catch (io.taskgrid.client.TaskException e) {
      return false; // busy (deadline exceeded): ask again
    }
  }

  /**
   * Each client puts its whole share on one session: more than the default per-session limit
   * (250,000), which would reject the rest. {@code -Dqueued.member.timeout.ms=N} sets the
   * coordinators' member timeout: the class histograms run a full GC, which on a large heap pauses
   * a coordinator for longer than the default 10 s, and the cluster would then fence itself apart.
   * {@code -Dfleet.coordinator.jvm.opts=-XX:+UseG1GC} runs the coordinators on G1 (see
   * CoordinatorProcess).
   */
  private static List<String> coordinatorArgs(int tasks) {
    List<String> args =
        new ArrayList<>(List.of("--max-queued-tasks-per-session", Integer.toString(tasks)));
    String memberTimeout = System.getProperty("queued.member.timeout.ms");
    if (memberTimeout != null) {
      args.addAll(List.of("--member-timeout-ms", memberTimeout));
    }
    return args;
  }

  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    int c = Integer.parseInt(args[1]);
    int fleet = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int slots = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    Path distLib = Paths.get(args.length > 4 ? args[4] : "deploy/target/dist/lib");
    String load = Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
    Path workDir = Files.createTempDirectory("taskgrid-queued");
    String cluster = "queued-" + ProcessHandle.current().pid();
    List<String> members = new ArrayList<>();
    List<Integer> hzPorts = new ArrayList<>();
    for (int i = 0; i < c && c > 1; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        hzPorts.add(s.getLocalPort());
        members.add("127.0.0.1:" + s.getLocalPort());
      }
    }
    List<CoordinatorProcess> coordinators = new ArrayList<>();
    List<TaskgridClient> clients = new ArrayList<>();
    EventLoopGroup loop = new NioEventLoopGroup(2);
    ExecutorService callbacks = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    List<SimWorker> workers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < c; i++) {
        coordinators.add(
            CoordinatorProcess.start(
                distLib,
                workDir,
                "coordinator-" + i,
                cluster,
                members.isEmpty() ? 0 : hzPorts.get(i),
                members,
                coordinatorArgs(tasks)));
      }
      List<String> targets = new ArrayList<>();
      for (CoordinatorProcess p : coordinators) {
        String t = p.awaitTarget(180_000);
        targets.add(t);
        clients.add(
            TaskgridClient.connect(
                ClientOptions.newBuilder().targets(List.of(t)).inFlightLimit(tasks).build()));
      }
      long before = 0;
      for (CoordinatorProcess p : coordinators) {
        before += p.liveHeapBytes();
      }
      long t0 = System.nanoTime();
      List<List<TaskFuture<byte[]>>> all = new ArrayList<>();
      for (TaskgridClient client : clients) {
        all.add(client.map(TaskTypes.NOOP, Collections.nCopies(tasks / c, new byte[0])));
      }
      for (int i = 0; i < c; i++) {
        String last = all.get(i).get(all.get(i).size() - 1).taskId();
        TaskgridClient client = clients.get(i);
        while (!stored(client, last)) {
          TimeUnit.MILLISECONDS.sleep(200); // polling another process for its last record
        }
      }
      double submitSeconds = (System.nanoTime() - t0) / 1e9;
      long after = 0;
      StringBuilder each = new StringBuilder();
      for (CoordinatorProcess p : coordinators) {
        String histogram = p.classHistogram();
        long live = CoordinatorProcess.totalOf(histogram);
        // What the queued tasks are made of, per member (the 25 largest classes).
        Path top = workDir.resolve(p.name + "-histogram.txt");
        Files.writeString(top, String.join("\n", histogram.lines().limit(28).toList()) + "\n");
        System.out.println("HISTOGRAM " + top);
        after += live;
        each.append(String.format(Locale.ROOT, " %s=%.0fMB", p.name, live / 1e6));
      }
      int queued = (tasks / c) * c;
      System.out.printf(
          Locale.ROOT,
          "QUEUED tasks=%d coordinators=%d heap_before=%.0fMB heap_after=%.0fMB"
              + " bytes_per_task_cluster=%.0f submit_and_store_s=%.1f load=%s live:%s%n",
          queued,
          c,
          before / 1e6,
          after / 1e6,
          (after - before) / (double) queued,
          submitSeconds,
          load,
          each);
      FleetSettings s =
          new FleetSettings(
              List.of(fleet),
              c,
              slots,
              List.of("noop"),
              Duration.ZERO,
              Duration.ofSeconds(3),
              Duration.ZERO,
              0,
              distLib,
              workDir);
      AssignmentLog log = new AssignmentLog();
      long drain = System.nanoTime();
      for (int w = 0; w < fleet; w++) {
        SimWorker worker = new SimWorker("sim-" + w, w, s, timer, log);
        workers.add(worker);
        List<ManagedChannel> perCoordinator = new ArrayList<>();
        for (String target : targets) {
          perCoordinator.add(
              NettyChannelBuilder.forTarget(target)
                  .eventLoopGroup(loop)
                  .channelType(NioSocketChannel.class)
                  .executor(callbacks)
                  .usePlaintext()
                  .build());
        }
        channels.addAll(perCoordinator);
        worker.connect(perCoordinator);
      }
      int failed = 0;
      for (List<TaskFuture<byte[]>> fs : all) {
        for (TaskFuture<byte[]> f : fs) {
          try {
            f.get(30, TimeUnit.MINUTES);
          } catch (java.util.concurrent.ExecutionException e) {
            failed++;
          }
        }
      }
      double drainSeconds = (System.nanoTime() - drain) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "DRAINED tasks=%d failed=%d workers=%d slots=%d drain_s=%.1f rate=%.0f/s load=%s%n",
          queued,
          failed,
          fleet,
          slots,
          drainSeconds,
          queued / drainSeconds,
          Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
    } finally {
      workers.forEach(SimWorker::close);
      channels.forEach(ManagedChannel::shutdownNow);
      clients.forEach(TaskgridClient::close);
      coordinators.forEach(CoordinatorProcess::close);
      timer.shutdownNow();
      callbacks.shutdownNow();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
