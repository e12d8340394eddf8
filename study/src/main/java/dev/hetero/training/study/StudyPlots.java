package dev.hetero.training.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the study (XChart), drawn from the results document: accuracy against virtual time per level, speedups per level. */
public final class StudyPlots {
  private StudyPlots() {
  }

  /** Accuracy vs virtual time, one line per method: the mean over seeds at each evaluation. */
  public static Path accuracyVsTime(StudyResults results, String level, Path dir) throws IOException {
    XYChart chart = new XYChartBuilder().width(960).height(600)
        .title("Fashion-MNIST, LeNet, " + level + ": test accuracy against virtual time (mean of seeds)")
        .xAxisTitle("virtual time (s)").yAxisTitle("test accuracy (%)").build();
    chart.getStyler().setYAxisMin(70.0).setYAxisMax(92.0).setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSE);
    double target = Double.NaN;
    for (StudyResults.Entry e : results.entries()) {
      if (!e.level().equals(level) || e.meanCurve().isEmpty()) {
        continue;
      }
      target = e.targetAccuracyPercent();
      chart.addSeries(e.method() + " (" + e.seeds() + " seeds)", e.meanCurve().stream().map(StudyResults.CurvePoint::virtualSeconds).toList(),
          e.meanCurve().stream().map(StudyResults.CurvePoint::accuracyPercent).toList()).setMarker(SeriesMarkers.CIRCLE);
    }
    if (!Double.isNaN(target)) {
      DoubleSummaryStatistics span = results.entries().stream().filter(e -> e.level().equals(level)).flatMap(e -> e.meanCurve().stream())
          .mapToDouble(StudyResults.CurvePoint::virtualSeconds).summaryStatistics();
      chart.addSeries("target", List.of(span.getMin(), span.getMax()), List.of(target, target)).setMarker(SeriesMarkers.NONE);
    }
    return save(chart, dir.resolve("accuracy-vs-time-" + level + ".png"));
  }

  /** Speedup in time to target per level, one bar per method (0 where the target was not reached; linear scale). */
  public static Path speedups(StudyResults results, String against, Function<StudyResults.Entry, Double> speedup, Path file)
      throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(1100).height(600)
        .title("Speedup in time to target accuracy against " + against + " (mean-over-seeds curves)")
        .xAxisTitle("level").yAxisTitle("speedup (x)").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<String> levels = results.levels();
    for (Method m : Method.values()) {
      List<Double> y = levels.stream().map(l -> results.entry(l, m.label()).map(speedup).orElse(null))
          .map(v -> v == null ? 0.0 : v).toList();
      chart.addSeries(m.label(), levels, y);
    }
    return save(chart, file);
  }

  private static Path save(Chart<?, ?> chart, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
    Path written = tmp.resolveSibling(tmp.getFileName() + ".png");
    Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }
}
