package dev.hetero.training.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the study (XChart): accuracy against virtual time per level, speedup against heterogeneity. */
public final class StudyPlots {
  private StudyPlots() {
  }

  /** Accuracy vs virtual time, one line per method: the mean over seeds at each evaluation. */
  public static Path accuracyVsTime(String level, List<RunResult> runs, Path dir) throws IOException {
    XYChart chart = new XYChartBuilder().width(960).height(600)
        .title("Fashion-MNIST, LeNet, " + level + ": test accuracy against virtual time (mean of seeds)")
        .xAxisTitle("virtual time (s)").yAxisTitle("test accuracy (%)").build();
    chart.getStyler().setYAxisMin(80.0).setYAxisMax(92.0).setXAxisLogarithmic(true).setLegendPosition(
        org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    Map<String, List<RunResult>> byMethod = runs.stream().filter(r -> r.level().equals(level))
        .collect(Collectors.groupingBy(RunResult::method, TreeMap::new, Collectors.toList()));
    for (Method m : Method.values()) {
      List<RunResult> rs = byMethod.get(m.label());
      if (rs == null || rs.isEmpty()) {
        continue;
      }
      int points = rs.stream().mapToInt(r -> r.curve().size()).min().orElse(0);
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        int index = i;
        x.add(rs.stream().mapToDouble(r -> r.curve().get(index).virtualSeconds()).average().orElse(Double.NaN));
        y.add(100 * rs.stream().mapToDouble(r -> r.curve().get(index).accuracy()).average().orElse(Double.NaN));
      }
      chart.addSeries(m.label(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    return save(chart, dir.resolve("accuracy-vs-time-" + level + ".png"));
  }

  /** Speedup in time to target against sync SGD on all workers, per method, at each level's slowdown. */
  public static Path speedupVsHeterogeneity(List<StudySummary.Row> rows, List<Level> levels, Path dir) throws IOException {
    XYChart chart = new XYChartBuilder().width(960).height(600)
        .title("Speedup in time to target accuracy over synchronous SGD on all workers")
        .xAxisTitle("slowdown of the slow workers (x)").yAxisTitle("speedup (x)").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    List<Double> slowdowns = levels.stream().map(Level::slowdown).toList();
    for (Method m : Method.values()) {
      if (m == Method.SYNC_ALL) {
        continue;
      }
      List<Double> y = new ArrayList<>();
      for (Level level : levels) {
        y.add(rows.stream().filter(r -> r.level().equals(level.name()) && r.method().equals(m.label()))
            .mapToDouble(r -> Double.isNaN(r.speedupVsSyncAll()) ? 0 : r.speedupVsSyncAll()).findFirst().orElse(0));
      }
      chart.addSeries(m.label(), slowdowns, y).setMarker(SeriesMarkers.DIAMOND);
    }
    chart.addSeries("compute-only model sum(H_i)/m", slowdowns, levels.stream().map(Level::computeOnlySpeedup).toList())
        .setMarker(SeriesMarkers.NONE);
    return save(chart, dir.resolve("speedup-vs-heterogeneity.png"));
  }

  private static Path save(XYChart chart, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
    Path written = tmp.resolveSibling(tmp.getFileName() + ".png");
    Files.move(written, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }
}
