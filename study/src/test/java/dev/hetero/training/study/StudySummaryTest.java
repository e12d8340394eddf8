package dev.hetero.training.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StudySummaryTest {
  private static RunResult run(String method, long seed, double finalAccuracy, double... timesAndAccuracies) {
    List<RunResult.Point> curve = new java.util.ArrayList<>();
    for (int i = 0; i < timesAndAccuracies.length; i += 2) {
      curve.add(new RunResult.Point(i / 2.0, timesAndAccuracies[i], timesAndAccuracies[i + 1]));
    }
    return new RunResult("8x", method, seed, finalAccuracy, timesAndAccuracies[timesAndAccuracies.length - 2], 1, 10, curve);
  }

  @Test
  void targetTimesAndSpeedupsComeFromSyncAllAndTheMedianSeed() {
    List<RunResult> runs = List.of(
        run("sync-all", 1, 0.880, 50, 0.85, 100, 0.880),
        run("sync-all", 2, 0.884, 50, 0.86, 100, 0.884),
        run("sync-fast", 1, 0.881, 20, 0.86, 40, 0.881),
        run("sync-fast", 2, 0.882, 20, 0.872, 40, 0.882),
        run("biased", 1, 0.879, 10, 0.875, 20, 0.879),
        run("biased", 2, 0.860, 10, 0.850, 20, 0.860));

    List<StudySummary.Row> rows = StudySummary.rows(runs, 1.0);

    // target = mean(0.880, 0.884) - 0.01 = 0.872
    StudySummary.Row syncAll = rows.stream().filter(r -> r.method().equals("sync-all")).findFirst().orElseThrow();
    assertThat(syncAll.target()).isCloseTo(0.872, Offset.offset(1e-9));
    assertThat(syncAll.timeToTarget()).isEqualTo(100.0);
    assertThat(syncAll.speedupVsSyncAll()).isEqualTo(1.0);
    StudySummary.Row fast = rows.stream().filter(r -> r.method().equals("sync-fast")).findFirst().orElseThrow();
    // mean curve of sync-fast: (0.86 + 0.872) / 2 = 0.866 at 20 s, then 0.8815 at 40 s
    assertThat(fast.timeToTarget()).isEqualTo(40.0);
    assertThat(fast.speedupVsSyncAll()).isCloseTo(100 / 40.0, Offset.offset(1e-9));
    StudySummary.Row biased = rows.stream().filter(r -> r.method().equals("biased")).findFirst().orElseThrow();
    assertThat(biased.reachedTarget()).isEqualTo(1);
    // one seed reaches the target at 10 s, the other never; the mean curve (0.8625, 0.8695) never does
    assertThat(biased.timeToTarget()).isNaN();
    assertThat(biased.accuracySd()).isCloseTo(Math.sqrt(2 * 0.0095 * 0.0095), Offset.offset(1e-9));
  }

  @Test
  void reportRendersEveryRow() {
    List<RunResult> runs = List.of(run("sync-all", 1, 0.88, 10, 0.88), run("biased", 1, 0.88, 2, 0.88));
    String table = StudyReport.table(StudySummary.rows(runs, 1.0));
    assertThat(table).contains("| 8x (target 87.00 %) | sync-all | 1 | 88.00 +- 0.00 %").contains("| biased |").contains("5.00x");
  }
}
