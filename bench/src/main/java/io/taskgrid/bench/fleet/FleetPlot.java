package io.taskgrid.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The fleet runs as one PNG of four panels (coordinator CPU at idle, CPU per task under load, queue
 * wait p99, throughput), one series per cluster size, each series labelled with the machine's load
 * average during its runs.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.taskgrid.bench.fleet.FleetPlot \
 *   OUT.png results/fleet/fleet-c1.csv results/fleet/fleet-c3.csv
 * </pre>
 *
 * A CSV holding several runs of one fleet size plots the last.
 */
final class FleetPlot {
  private FleetPlot() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: FleetPlot OUT.png FLEET.csv [FLEET.csv ...]");
      System.exit(2);
    }
    List<List<FleetResult>> series = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      series.add(read(Paths.get(args[i])));
    }
    writeSeries(series, Paths.get(args[0]));
  }

  /** The runs in {@code csv}, the last per fleet size, by fleet size. */
  static List<FleetResult> read(Path csv) throws IOException {
    Map<Integer, FleetResult> last = new TreeMap<>();
    for (String line : Files.readAllLines(csv)) {
      if (!line.isBlank() && !line.startsWith("workers,")) {
        FleetResult r = FleetResult.parse(line);
        last.put(r.workers(), r);
      }
    }
    return new ArrayList<>(last.values());
  }

  /** One run series (one cluster size), as {@link FleetBench} writes it at the end. */
  static void write(List<FleetResult> results, Path png) throws IOException {
    writeSeries(List.of(results), png);
  }

  /** Several run series (one per cluster size) in one PNG. */
  static void writeSeries(List<List<FleetResult>> series, Path png) throws IOException {
    Map<String, List<FleetResult>> named = new LinkedHashMap<>();
    series.stream()
        .filter(s -> !s.isEmpty())
        .sorted(Comparator.comparingInt(s -> s.get(0).coordinators()))
        .forEach(s -> named.put(label(s), s));
    List<XYChart> charts =
        List.of(
            chart(
                named,
                "Coordinator CPU at idle (heartbeats only)",
                "cores busy, per coordinator",
                FleetResult::idleCpuPerSec),
            chart(
                named,
                "Cluster CPU per task under load",
                "µs of coordinator CPU per task",
                FleetResult::cpuMicrosPerTask),
            chart(
                named,
                "Queue wait p99, 10,000-task burst (load-dependent)",
                "seconds",
                r -> r.waitP99Millis() / 1000),
            chart(named, "Throughput (load-dependent)", "tasks/s", FleetResult::throughput));
    BitmapEncoder.saveBitmap(charts, 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(
      Map<String, List<FleetResult>> series,
      String title,
      String yAxis,
      ToDoubleFunction<FleetResult> y) {
    XYChart chart =
        new XYChartBuilder()
            .width(700)
            .height(420)
            .title(title)
            .xAxisTitle("simulated workers")
            .yAxisTitle(yAxis)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    series.forEach(
        (name, results) ->
            chart.addSeries(
                name,
                results.stream().mapToDouble(FleetResult::workers).toArray(),
                results.stream().mapToDouble(y).toArray()));
    return chart;
  }

  /** "3 coordinators (load 12-20)": the cluster size and the load averages seen in its runs. */
  private static String label(List<FleetResult> runs) {
    int c = runs.get(0).coordinators();
    double min = Double.MAX_VALUE;
    double max = 0;
    for (FleetResult r : runs) {
      for (String l : List.of(r.load(), r.loadEnd())) {
        try {
          double v = Double.parseDouble(l);
          min = Math.min(min, v);
          max = Math.max(max, v);
        } catch (NumberFormatException e) {
          // "?": not recorded
        }
      }
    }
    String who = c == 1 ? "1 coordinator" : c + " coordinators";
    return max == 0 ? who : String.format("%s (load %.0f-%.0f)", who, min, max);
  }
}
