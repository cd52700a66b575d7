package io.taskgrid.bench.fleet;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.taskgrid.client.ClientOptions;
import io.taskgrid.client.TaskFuture;
import io.taskgrid.client.TaskOptions;
import io.taskgrid.client.TaskTypes;
import io.taskgrid.client.TaskgridClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The worker-fleet simulator: for each fleet size, real coordinator processes and that many
 * simulated workers in this JVM, each a real {@code WorkerService.Connect} stream on its own TCP
 * connection (per coordinator). Measures the coordinators at idle (heartbeats only) and under a
 * noop load, and writes a CSV, a Markdown table and a PNG.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.taskgrid.bench.fleet.FleetBench \
 *   [--workers 10,100,500,1000] [--coordinators 1] [--slots 4] [--task-ms 10]
 *   [--heartbeat-ms 3000] [--idle-s 10] [--tasks 20000] [--dist-lib deploy/target/dist/lib]
 *   [--out bench/results/fleet]
 * </pre>
 */
public final class FleetBench {
  private FleetBench() {}

  public static void main(String[] args) throws Exception {
    FleetSettings s = parse(args);
    Files.createDirectories(s.out());
    Path csv = s.out().resolve("fleet-c" + s.coordinators() + ".csv");
    if (!Files.exists(csv)) {
      Files.writeString(csv, FleetResult.CSV_HEADER + "\n");
    }
    List<FleetResult> results = new ArrayList<>();
    for (int n : s.fleetSizes()) {
      FleetResult r = run(s, n);
      results.add(r);
      System.out.println("FLEET " + r.csv());
      Files.writeString(csv, r.csv() + "\n", StandardOpenOption.APPEND);
    }
    StringBuilder table = new StringBuilder(FleetResult.TABLE_HEADER).append('\n');
    results.forEach(r -> table.append(r.tableRow()).append('\n'));
    Files.writeString(s.out().resolve("fleet-c" + s.coordinators() + ".md"), table);
    FleetPlot.write(results, s.out().resolve("fleet-c" + s.coordinators() + ".png"));
    System.out.println(table);
  }

  static FleetResult run(FleetSettings s, int fleetSize) throws Exception {
    String load = loadAverage();
    Path workDir = Files.createTempDirectory("taskgrid-fleet");
    String cluster = "fleet-" + ProcessHandle.current().pid() + "-" + fleetSize;
    List<CoordinatorProcess> coordinators = new ArrayList<>();
    List<SimWorker> workers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    EventLoopGroup loop = new NioEventLoopGroup(2);
    ExecutorService callbacks = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    AssignmentLog log = new AssignmentLog();
    try {
      List<String> targets = startCoordinators(s, workDir, cluster, coordinators);
      for (int w = 0; w < fleetSize; w++) {
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
      // One client per coordinator, the submissions spread round-robin: a TaskgridClient given
      // several targets uses the first and only fails over to the others.
      List<TaskgridClient> clients = new ArrayList<>();
      try {
        for (String target : targets) {
          clients.add(
              TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(target)).build()));
        }
        for (String target : targets) {
          awaitWorkers(target, fleetSize, log);
        }
        // Settle: connection set-up and the first round of credits are not "idle".
        TimeUnit.SECONDS.sleep(3);
        double idleCpu = cpuPerSecond(coordinators, s.idle());
        long liveHeap = 0;
        long idleThreads = 0;
        for (CoordinatorProcess c : coordinators) {
          liveHeap += c.liveHeapBytes();
          idleThreads += c.threads();
        }
        // Warm-up (not measured): a cold coordinator spends its CPU compiling, not scheduling.
        List<TaskFuture<byte[]>> warmUp = new ArrayList<>();
        for (int i = 0; i < s.tasks() / 2; i++) {
          warmUp.add(clients.get(i % clients.size()).submit(TaskTypes.NOOP, new byte[0]));
        }
        for (TaskFuture<byte[]> f : warmUp) {
          f.get(10, TimeUnit.MINUTES);
        }
        double cpu0 = totalCpu(coordinators);
        long t0 = System.nanoTime();
        log.takeWaits();
        List<TaskFuture<byte[]>> futures = new ArrayList<>(s.tasks());
        String prefix = "f" + fleetSize + "-" + System.nanoTime() + "-";
        byte[] none = new byte[0];
        for (int i = 0; i < s.tasks(); i++) {
          String id = prefix + i;
          log.submitted(id);
          futures.add(
              clients
                  .get(i % clients.size())
                  .submit(TaskTypes.NOOP, none, TaskOptions.newBuilder().id(id).build()));
        }
        long threadsUnderLoad = 0;
        for (CoordinatorProcess c : coordinators) {
          threadsUnderLoad += c.threads();
        }
        for (TaskFuture<byte[]> f : futures) {
          f.get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double loadCpu = (totalCpu(coordinators) - cpu0) / seconds / coordinators.size();
        double cpuPerTask = (totalCpu(coordinators) - cpu0) / s.tasks() * 1e6;
        Histogram waits = log.takeWaits();
        return new FleetResult(
            fleetSize,
            coordinators.size(),
            s.slots(),
            s.heartbeat().toMillis(),
            idleCpu,
            loadCpu,
            liveHeap / coordinators.size(),
            idleThreads / coordinators.size(),
            threadsUnderLoad / coordinators.size(),
            s.tasks(),
            s.tasks() / seconds,
            waits.getValueAtPercentile(50) / 1000.0,
            waits.getValueAtPercentile(99) / 1000.0,
            cpuPerTask,
            log.streamErrors(),
            load,
            loadAverage());
      } finally {
        clients.forEach(TaskgridClient::close);
      }
    } finally {
      workers.forEach(SimWorker::close);
      channels.forEach(ManagedChannel::shutdownNow);
      for (ManagedChannel c : channels) {
        c.awaitTermination(10, TimeUnit.SECONDS);
      }
      coordinators.forEach(CoordinatorProcess::close);
      timer.shutdownNow();
      callbacks.shutdownNow();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      if (log.streamErrors() > 0) {
        System.out.println("stream errors: " + log.streamErrors() + ", first " + log.firstError());
      }
    }
  }

  private static List<String> startCoordinators(
      FleetSettings s, Path workDir, String cluster, List<CoordinatorProcess> into)
      throws Exception {
    List<Integer> hzPorts = new ArrayList<>();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < s.coordinators() && s.coordinators() > 1; i++) {
      int port = freePort();
      hzPorts.add(port);
      members.add("127.0.0.1:" + port);
    }
    for (int i = 0; i < s.coordinators(); i++) {
      into.add(
          CoordinatorProcess.start(
              s.distLib(),
              workDir,
              "coordinator-" + i,
              cluster,
              members.isEmpty() ? 0 : hzPorts.get(i),
              members));
    }
    List<String> targets = new ArrayList<>();
    for (CoordinatorProcess c : into) {
      targets.add(c.awaitTarget(180_000));
    }
    return targets;
  }

  private static void awaitWorkers(String target, int n, AssignmentLog log)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    try (TaskgridClient one =
        TaskgridClient.connect(ClientOptions.newBuilder().targets(List.of(target)).build())) {
      int seen = -1;
      while (System.nanoTime() < deadline) {
        try {
          seen = one.workers().size();
          if (seen == n) {
            return;
          }
        } catch (RuntimeException e) {
          // not serving yet
        }
        TimeUnit.MILLISECONDS.sleep(250); // polling another process; nothing to wait on
      }
      throw new IllegalStateException(
          target
              + " sees "
              + seen
              + " of "
              + n
              + " workers; stream errors "
              + log.streamErrors()
              + " "
              + log.firstError());
    }
  }

  /** Mean CPU seconds per second per coordinator over {@code window}. */
  private static double cpuPerSecond(List<CoordinatorProcess> cs, Duration window)
      throws IOException, InterruptedException {
    double before = totalCpu(cs);
    long t0 = System.nanoTime();
    TimeUnit.MILLISECONDS.sleep(window.toMillis()); // the measurement window itself
    double seconds = (System.nanoTime() - t0) / 1e9;
    return (totalCpu(cs) - before) / seconds / cs.size();
  }

  private static double totalCpu(List<CoordinatorProcess> cs) throws IOException {
    double sum = 0;
    for (CoordinatorProcess c : cs) {
      sum += c.cpuSeconds();
    }
    return sum;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
      return f[0];
    } catch (IOException e) {
      return "?";
    }
  }

  static FleetSettings parse(String[] args) {
    List<Integer> sizes = List.of(10, 100, 500, 1000);
    int coordinators = 1;
    int slots = 4;
    long taskMs = 10;
    long heartbeatMs = 3000;
    long idleS = 10;
    int tasks = 20_000;
    Path distLib = Paths.get("deploy/target/dist/lib");
    Path out = Paths.get("bench/results/fleet");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--workers" -> sizes = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
        case "--coordinators" -> coordinators = Integer.parseInt(value);
        case "--slots" -> slots = Integer.parseInt(value);
        case "--task-ms" -> taskMs = Long.parseLong(value);
        case "--heartbeat-ms" -> heartbeatMs = Long.parseLong(value);
        case "--idle-s" -> idleS = Long.parseLong(value);
        case "--tasks" -> tasks = Integer.parseInt(value);
        case "--dist-lib" -> distLib = Paths.get(value);
        case "--out" -> out = Paths.get(value);
        default -> {
          System.err.println("unknown option " + args[i] + " (see the FleetBench javadoc)");
          System.exit(2);
        }
      }
      i++;
    }
    if (!Files.isDirectory(distLib)) {
      System.err.println(
          "no distribution at " + distLib + ": build it with mvn -pl deploy -am package");
      System.exit(2);
    }
    return new FleetSettings(
        sizes,
        coordinators,
        slots,
        List.of("noop"),
        Duration.ofMillis(taskMs),
        Duration.ofMillis(heartbeatMs),
        Duration.ofSeconds(idleS),
        tasks,
        distLib,
        out);
  }
}
