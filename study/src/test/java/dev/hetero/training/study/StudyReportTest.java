package dev.hetero.training.study;

import static dev.hetero.training.study.StudySummaryTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class StudyReportTest {
  private static final List<RunResult> RUNS = List.of(
      run("sync-all", 1, 0.88, 10, 0.86, 20, 0.88),
      run("sync-fast", 1, 0.89, 2, 0.80, 4, 0.89),
      run("local-sgd", 1, 0.870, 1, 0.85, 2, 0.870),
      run("local-sgd", 2, 0.872, 1, 0.86, 2, 0.872),
      run("+sampling", 1, 0.880, 1, 0.87, 2, 0.880),
      run("+sampling", 2, 0.884, 1, 0.87, 2, 0.884),
      run("biased", 1, 0.88, 1, 0.875, 2, 0.88));

  private static StudyResults results() {
    List<StudySummary.Row> rows = StudySummary.rows(RUNS, List.of(Level.X8_2F2S), 1.0);
    StudyResults.Settings settings = new StudyResults.Settings(2, 64, 0.05, 1.0, 10, 2000, 0.015, 2, 100, List.of("8x-2f2s-biased-s2 (time limit)"));
    return StudyResults.of("./mvnw x", "2026-12-02 07:00 UTC", settings, rows, SamplingBias.effects(RUNS, rows, List.of(Level.X8_2F2S)));
  }

  @Test
  void resultsSurviveTheirJsonFileUnchanged() throws Exception {
    ObjectMapper json = new ObjectMapper();
    StudyResults written = results();
    StudyResults read = json.readValue(json.writeValueAsString(written), StudyResults.class);
    assertThat(read).isEqualTo(written);
    // a baseline that never reaches the target is null, not NaN (JSON has no NaN)
    assertThat(json.writeValueAsString(written)).doesNotContain("NaN");
  }

  @Test
  void everyEntryNamesItsLevelCountsCommandAndDate() {
    StudyResults.Entry biased = results().entry("8x-2f2s", "biased").orElseThrow();
    assertThat(biased.fast()).isEqualTo(2);
    assertThat(biased.slow()).isEqualTo(2);
    assertThat(biased.slowdown()).isEqualTo(8);
    assertThat(biased.command()).isEqualTo("./mvnw x");
    assertThat(biased.date()).startsWith("2026-12-02");
    // target 87 %: sync-fast reaches it at 4 s, biased at 1 s: 4x the best baseline, 20x sync-all
    assertThat(biased.speedupVsBestBaseline()).isCloseTo(4.0, Offset.offset(1e-9));
    assertThat(biased.speedupVsSyncAll()).isCloseTo(20.0, Offset.offset(1e-9));
    assertThat(biased.bestBaseline()).isEqualTo("sync-fast");
  }

  @Test
  void tablesShowTheThreeSpeedupsSideBySide() {
    String table = StudyReport.table(results());
    assertThat(table).contains("| 8x-2f2s (target 87.00 %) | biased | 1 | 88.00 +- 0.00 %").contains("| 20.00x | 4.00x | 4.00x |");
    String headline = StudyReport.headline(results());
    assertThat(headline).startsWith(StudyReport.HEADLINE_BEGIN).endsWith(StudyReport.HEADLINE_END + "\n").contains("`./mvnw x`")
        .contains("**biased local SGD**").doesNotContain("| +sampling |");
  }

  @Test
  void samplingBiasIsPairedBySeed() {
    SamplingBias.Effect e = results().samplingBias().stream().filter(x -> x.with().equals("+sampling")).findFirst().orElseThrow();
    // seed 1: +1.0 point, seed 2: +1.2 points
    assertThat(e.pairs()).isEqualTo(2);
    assertThat(e.accuracyDeltaMeanPoints()).isCloseTo(1.1, Offset.offset(1e-9));
    assertThat(e.accuracyDeltaSdPoints()).isCloseTo(Math.sqrt(0.02), Offset.offset(1e-9));
    // 1.1 against 2 x 0.141 / sqrt 2 = 0.2: outside noise
    assertThat(e.withinNoise()).isFalse();
    assertThat(e.slowShareOfSamples()).isCloseTo(2 / 18.0, Offset.offset(1e-12));
    // biased has one seed and +aggregation none: no pair, no row
    assertThat(results().samplingBias()).hasSize(1);
  }

  @Test
  void theHeadlineBlockIsReplacedInPlace() {
    String doc = "# Benchmarks\n\nbefore\n" + StudyReport.HEADLINE_BEGIN + "\nold table\n" + StudyReport.HEADLINE_END + "\nafter\n";
    String once = StudyReport.spliceHeadline(doc, StudyReport.headline(results()));
    assertThat(once).startsWith("# Benchmarks\n\nbefore\n" + StudyReport.HEADLINE_BEGIN).endsWith(StudyReport.HEADLINE_END + "\nafter\n")
        .doesNotContain("old table");
    assertThat(StudyReport.spliceHeadline(once, StudyReport.headline(results()))).isEqualTo(once);
  }

  @Test
  void theCommandPutsBackTheQuotesAroundTheStudyArgs() {
    StudyOptions o = StudyOptions.parse(new String[] {"--out", "/tmp/x", "--levels 4x-2f6s --seeds 1"});
    assertThat(o.command("-B -ntp -pl study -am -Pstudy verify -Dstudy.args=--levels 4x-2f6s --seeds 1"))
        .isEqualTo("./mvnw -B -ntp -pl study -am -Pstudy verify \"-Dstudy.args=--levels 4x-2f6s --seeds 1\"");
    assertThat(o.command(null)).isEqualTo("./mvnw -B -ntp -pl study -am -Pstudy verify \"-Dstudy.args=--levels 4x-2f6s --seeds 1\"");
    assertThat(o.evaluationsPerEpoch()).isEqualTo(10);
  }

  @Test
  void theGridGoesSeedBySeedWithTheNewLevelsFirst() {
    List<Scenario> grid = StudyGrid.scenarios(StudyOptions.parse(new String[] {"--seeds", "2"}));
    assertThat(grid).hasSize(2 * 4 * Method.values().length);
    assertThat(grid.subList(0, 4 * Method.values().length)).extracting(Scenario::seed).containsOnly(1L);
    assertThat(grid.get(0).level()).isEqualTo(Level.X4_2F6S);
    assertThat(grid.get(Method.values().length).level()).isEqualTo(Level.X32_8F2S);
  }
}
