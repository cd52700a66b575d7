package io.taskgrid.bench.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** The fleet runs as one PNG: coordinator CPU at idle and under load, and queue wait p99. */
final class FleetPlot {
  private FleetPlot() {}

  static void write(List<FleetResult> results, Path png) throws IOException {
    double[] workers = results.stream().mapToDouble(FleetResult::workers).toArray();
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(540)
            .title("Simulated worker fleet against " + coordinators(results))
            .xAxisTitle("simulated workers")
            .yAxisTitle("coordinator CPU (cores busy) / queue wait p99 (s)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.addSeries(
        "CPU at idle (heartbeats only)",
        workers,
        results.stream().mapToDouble(FleetResult::idleCpuPerSec).toArray());
    chart.addSeries(
        "CPU under load",
        workers,
        results.stream().mapToDouble(FleetResult::loadCpuPerSec).toArray());
    chart.addSeries(
        "queue wait p99 (s, load-dependent)",
        workers,
        results.stream().mapToDouble(r -> r.waitP99Millis() / 1000).toArray());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String coordinators(List<FleetResult> results) {
    int c = results.isEmpty() ? 1 : results.get(0).coordinators();
    return c == 1 ? "one coordinator" : c + " coordinators";
  }
}
