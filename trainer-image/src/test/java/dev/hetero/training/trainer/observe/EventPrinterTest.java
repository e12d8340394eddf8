package dev.hetero.training.trainer.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hetero.training.api.v1alpha1.WorkerStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rank 0's straggler event line: once when a worker turns Straggler, again only after it was back to Training. */
class EventPrinterTest {
  static WorkerStatus row(String phase, long round) {
    return new WorkerStatus("job-cpu-1", phase, 100.0, round).withWork(10, 2, 0.5, 0.04);
  }

  @Test
  void aStragglerIsAnnouncedOncePerEpisode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventPrinter printer = new EventPrinter(new PrintStream(out, true), Duration.ofHours(1), Clock.systemUTC());
    printer.onWorkers(List.of(row("Training", 1)));
    printer.onWorkers(List.of(row("Straggler", 2)));
    printer.onWorkers(List.of(row("Straggler", 3)));
    printer.onWorkers(List.of(row("Late", 4)));
    printer.onWorkers(List.of(row("Straggler", 5)));
    printer.onWorkers(List.of(row("Training", 6)));
    printer.onWorkers(List.of(row("Straggler", 7)));
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(EventLine.parse(lines.get(0)).kind()).isEqualTo("straggler");
    assertThat(lines.get(0)).contains("worker=job-cpu-1").contains("round=2").contains("localSteps=2").contains("batch=10");
    assertThat(lines.get(1)).contains("round=7");
  }
}
