package dev.hetero.training.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StudySummaryTest {
  static RunResult run(String method, long seed, double finalAccuracy, double... timesAndAccuracies) {
    List<RunResult.Point> curve = new ArrayList<>();
    for (int i = 0; i < timesAndAccuracies.length; i += 2) {
      curve.add(new RunResult.Point(i / 2.0, timesAndAccuracies[i], timesAndAccuracies[i + 1]));
    }
    return new RunResult(Level.X8_2F2S.name(), method, seed, finalAccuracy, timesAndAccuracies[timesAndAccuracies.length - 2], 1, 10, curve);
  }

  private static StudySummary.Row row(List<StudySummary.Row> rows, String method) {
    return rows.stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
  }

  @Test
  void targetTimesAndSpeedupsComeFromSyncAllAndTheMeanCurve() {
    List<RunResult> runs = List.of(
        run("sync-all", 1, 0.880, 50, 0.85, 100, 0.880),
        run("sync-all", 2, 0.884, 50, 0.86, 100, 0.884),
        run("sync-fast", 1, 0.881, 20, 0.86, 40, 0.881),
        run("sync-fast", 2, 0.882, 20, 0.872, 40, 0.882),
        run("biased", 1, 0.879, 10, 0.875, 20, 0.879),
        run("biased", 2, 0.860, 10, 0.850, 20, 0.860));

    List<StudySummary.Row> rows = StudySummary.rows(runs, List.of(Level.X8_2F2S), 1.0);

    // target = mean(0.880, 0.884) - 0.01 = 0.872
    StudySummary.Row syncAll = row(rows, "sync-all");
    assertThat(syncAll.target()).isCloseTo(0.872, Offset.offset(1e-9));
    assertThat(syncAll.timeToTarget()).isEqualTo(100.0);
    assertThat(syncAll.speedupVsSyncAll()).isEqualTo(1.0);
    assertThat(syncAll.evaluationIntervalSeconds()).isEqualTo(50.0);
    StudySummary.Row fast = row(rows, "sync-fast");
    // mean curve of sync-fast: (0.86 + 0.872) / 2 = 0.866 at 20 s, then 0.8815 at 40 s
    assertThat(fast.timeToTarget()).isEqualTo(40.0);
    assertThat(fast.speedupVsSyncAll()).isCloseTo(100 / 40.0, Offset.offset(1e-9));
    // fast-only is the faster baseline, so it is the best baseline and sync-all is 0.4x of it
    assertThat(syncAll.bestBaseline()).isEqualTo("sync-fast");
    assertThat(syncAll.speedupVsBestBaseline()).isCloseTo(0.4, Offset.offset(1e-9));
    assertThat(fast.speedupVsBestBaseline()).isEqualTo(1.0);
    StudySummary.Row biased = row(rows, "biased");
    assertThat(biased.reachedTarget()).isEqualTo(1);
    // one seed reaches the target at 10 s, the other never; the mean curve (0.8625, 0.8695) never does
    assertThat(biased.timeToTarget()).isNaN();
    assertThat(biased.accuracySd()).isCloseTo(Math.sqrt(2 * 0.0095 * 0.0095), Offset.offset(1e-9));
  }

  @Test
  void bestBaselineIsSyncAllWhenFastOnlyNeverReachesTheTarget() {
    assertThat(StudySummary.bestBaseline(100, Double.NaN)).isEqualTo("sync-all");
    assertThat(StudySummary.bestBaseline(Double.NaN, Double.NaN)).isNull();
    assertThat(StudySummary.bestBaseline(100, 40)).isEqualTo("sync-fast");
  }

  @Test
  void aLevelWithoutSyncAllHasNoTargetAndNoRows() {
    assertThat(StudySummary.rows(List.of(run("biased", 1, 0.88, 10, 0.88)), List.of(Level.X8_2F2S), 1.0)).isEmpty();
  }

  @Test
  void theTargetIsMeasuredOnTheCurvesOwnSubsetNotTheFullTestSet() {
    // full-test final accuracy 0.90, but the curve (the evaluation subset) ends at 0.88: the target is 0.87
    RunResult syncAll = new RunResult("8x-2f2s", "sync-all", 1, 0.90, 20, 1, 10,
        List.of(new RunResult.Point(1, 10, 0.86), new RunResult.Point(2, 20, 0.88)));
    StudySummary.Row row = StudySummary.rows(List.of(syncAll), List.of(Level.X8_2F2S), 1.0).get(0);
    assertThat(row.target()).isCloseTo(0.87, Offset.offset(1e-9));
    assertThat(row.accuracyMean()).isEqualTo(0.90);
  }

  @Test
  void theCurveSubsetTakesEveryKthImageWithItsLabel() {
    byte[] pixels = new byte[10 * 4];
    byte[] labels = new byte[10];
    for (int i = 0; i < 10; i++) {
      labels[i] = (byte) i;
      java.util.Arrays.fill(pixels, 4 * i, 4 * i + 4, (byte) (100 + i));
    }
    var subset = StudyRun.everyKth(new dev.hetero.training.trainer.data.ImageDataset("t", 1, 2, 2, 10, pixels, labels), 5);
    assertThat(subset.size()).isEqualTo(2);
    assertThat(subset.label(1)).isEqualTo(5);
    assertThat(subset.pixels()[4]).isEqualTo((byte) 105);
  }
}
